/**
 * Link formats and how an older one becomes the current one. Each migration takes
 * the parsed payload of format N and returns format N+1 (Compiler Explorer's
 * fall-through style); an Error explains a link that cannot be carried forward.
 *
 * Format 0 — `#scenario=<URL-encoded scenario JSON>`: a readable link anyone can
 *   write by hand (e.g. in lecture slides); it opens at step 0.
 * Format 1 — `#s1/<lz-string of { v: 1, s, t, m?, g?, c? }>`: what the app writes.
 */
export const LINK_VERSION = 1;

const MIGRATIONS: Record<number, (payload: unknown) => unknown> = {
  0: (scenario) => ({ v: 1, s: scenario, t: 0 }),
};

export function migrate(version: number, payload: unknown): unknown {
  let current = payload;
  for (let v = version; v < LINK_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) return new Error(`link format ${v} is no longer supported`);
    current = step(current);
  }
  if (
    typeof current === 'object' &&
    current !== null &&
    'v' in current &&
    current.v !== LINK_VERSION
  )
    return new Error(
      `the link says it is format ${String(current.v)} but is stored as format ${version}`,
    );
  return current;
}
