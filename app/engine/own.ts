/**
 * A lookup by a name that may come from a user (a scenario's edit, a step id):
 * only the record's own properties count, so "toString", "constructor" or
 * "__proto__" find nothing instead of Object.prototype's members.
 */
export const own = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;
