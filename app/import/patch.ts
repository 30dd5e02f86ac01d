/**
 * What a unified diff (plain, or a `git format-patch` mail) touches: the files, and the
 * lines of each old file it removes or inserts after. Applying it is git's job
 * (app/cli/review.ts); this only decides whether there is a patch at all and which
 * functions the review must look at.
 */

export interface PatchedFile {
  /** The path with a/ and b/ stripped (the new name; the old one for a deletion). */
  path: string;
  /** The diff names it with a/ and b/ (git's -p1); a plain `diff -u` of two trees may not. */
  prefixed: boolean;
  /** Old-file lines the patch removes or rewrites. */
  removed: number[];
  /** Old-file lines after which it inserts text (0: at the top). */
  insertedAfter: number[];
}

const withoutDate = (p: string) => p.replace(/\t.*$/, '');
const stripPrefix = (p: string): string | null =>
  p === '/dev/null' ? null : withoutDate(p).replace(/^[ab]\//, '');

/** The files a patch changes and where; null when the text holds no unified diff. */
export function parsePatch(text: string): PatchedFile[] | null {
  const files: PatchedFile[] = [];
  let current: PatchedFile | null = null;
  let oldPath: string | null = null;
  let old = 0;
  // Lines of the current hunk still to come, on the old and the new side.
  let oldLeft = 0;
  let newLeft = 0;
  for (const line of text.split('\n')) {
    if (oldLeft > 0 || newLeft > 0) {
      if (!current) break;
      if (line.startsWith('-')) {
        current.removed.push(old++);
        oldLeft--;
      } else if (line.startsWith('+')) {
        current.insertedAfter.push(old - 1);
        newLeft--;
      } else if (line.startsWith(' ') || line === '') {
        old++;
        oldLeft--;
        newLeft--;
      } else if (!line.startsWith('\\')) oldLeft = newLeft = 0;
      continue;
    }
    const hunk = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
    if (hunk && current) {
      oldLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      newLeft = hunk[3] === undefined ? 1 : Number(hunk[3]);
      // "-5,0": an insertion after line 5, so the next line is 6 ("-0,0": at the top).
      old = Number(hunk[1]) + (oldLeft === 0 ? 1 : 0);
    } else if (line.startsWith('--- ')) oldPath = stripPrefix(line.slice(4).trim());
    else if (line.startsWith('+++ ')) {
      const raw = withoutDate(line.slice(4).trim());
      const path = stripPrefix(raw) ?? oldPath;
      current = path ? { path, prefixed: raw !== path, removed: [], insertedAfter: [] } : null;
      if (current) files.push(current);
    }
  }
  const real = files.filter((f) => f.removed.length + f.insertedAfter.length > 0);
  return real.length ? real : null;
}

/** Whether the patch changes anything between a function's first and last line. */
export const touches = (f: PatchedFile, first: number, last: number): boolean =>
  f.removed.some((l) => l >= first && l <= last) ||
  f.insertedAfter.some((l) => l >= first && l < last);
