/**
 * A lesson's words: paragraphs separated by blank lines, with [[term]] or
 * [[term|shown words]] for a glossary term and `code` for identifiers.
 */
export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'term'; term: string; text: string };

const INLINE = /\[\[([^\]|]+)(?:\|([^\]]+))?\]\]|`([^`]+)`/g;

export function parseInline(line: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of line.matchAll(INLINE)) {
    if (m.index > last) out.push({ kind: 'text', text: line.slice(last, m.index) });
    if (m[3] !== undefined) out.push({ kind: 'code', text: m[3] });
    else out.push({ kind: 'term', term: m[1]!.trim(), text: (m[2] ?? m[1]!).trim() });
    last = m.index + m[0].length;
  }
  if (last < line.length) out.push({ kind: 'text', text: line.slice(last) });
  return out;
}

export const parseText = (text: string): Segment[][] =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.trim().replace(/\s*\n\s*/g, ' '))
    .filter(Boolean)
    .map(parseInline);

/** The glossary terms a text links to. */
export const termsIn = (text: string): string[] =>
  parseText(text).flatMap((p) => p.flatMap((s) => (s.kind === 'term' ? [s.term] : [])));
