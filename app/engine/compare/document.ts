/**
 * The review as a small document — titles, paragraphs, lists, the two sides, quotes,
 * header fields and links — rendered as plain text that reads well in a mail (72
 * columns, no markup) or as Markdown. The text, Markdown and mail reviews come from
 * one document, so they say the same things.
 */
import type { Link } from '../checker';

export type Span = string | { code: string };
export interface Item {
  spans: Span[];
  sub?: Span[][];
}
export type Block =
  | { kind: 'title'; spans: Span[] }
  | { kind: 'heading'; text: string }
  | { kind: 'para'; spans: Span[] }
  | { kind: 'list'; items: Item[] }
  | { kind: 'sides'; names: [string, string]; rows: [string, string, string][] }
  | { kind: 'links'; links: Link[] }
  /** Lines quoted from the message a reply answers ("> "). */
  | { kind: 'quote'; lines: string[] }
  /** "Name: value" lines: mail headers, Link: trailers (long values fold, URLs never break). */
  | { kind: 'fields'; fields: [string, string][] };

export const WIDTH = 72;

export function wrap(text: string, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = rest + word;
    } else line += (empty ? '' : ' ') + word;
    empty = false;
  }
  lines.push(line);
  return lines;
}

export const plain = (spans: Span[]): string =>
  spans.map((s) => (typeof s === 'string' ? s : s.code)).join('');

export function renderText(blocks: Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    if (out.length) out.push('');
    switch (b.kind) {
      case 'title':
      case 'para':
        out.push(...wrap(plain(b.spans), '', ''));
        break;
      case 'heading':
        out.push(b.text);
        break;
      case 'list':
        for (const item of b.items) {
          out.push(...wrap(plain(item.spans), '  - ', '    '));
          for (const sub of item.sub ?? []) out.push(...wrap(plain(sub), '    ', '    '));
        }
        break;
      case 'sides':
        b.names.forEach((name, side) => {
          const head = side === 0 ? 'Left:  ' : 'Right: ';
          out.push(`${head}${name}`);
          for (const row of b.rows) {
            const label = `${' '.repeat(head.length)}${row[0]}: `;
            out.push(...wrap(row[side + 1]!, label, ' '.repeat(label.length)));
          }
        });
        break;
      case 'links':
        b.links.forEach((l, i) =>
          out.push(...wrap(l.label, `[${i + 1}] `, '    '), `    ${l.url}`),
        );
        break;
      case 'quote':
        for (const line of b.lines) {
          const indent = /^\s*/.exec(line)![0];
          out.push(...(line ? wrap(line, `> ${indent}`, `> ${indent}    `) : ['>']));
        }
        break;
      case 'fields':
        for (const [name, value] of b.fields)
          out.push(
            ...(/^https?:/.test(value) ? [`${name}: ${value}`] : wrap(value, `${name}: `, ' ')),
          );
        break;
    }
  }
  return out.join('\n');
}

const escapeMarkdown = (text: string): string => text.replace(/[\\*[\]<>|`]/g, '\\$&');

/**
 * Identifiers in running text (names with "_" or "->", calls with their arguments,
 * "shadow_*" patterns, file:line) become code spans.
 */
const IDENTIFIER =
  /(?:[\w.-]+\/)+[\w.-]+\.[ch](?::\d+)?|[A-Za-z_][\w.]*(?:->\w+)*\*?(?:\([^()\s]*(?: [^()\s]+)*\))?/g;
function markdownText(text: string): string {
  let out = '';
  let done = 0;
  for (const m of text.matchAll(IDENTIFIER)) {
    if (!/_|->|\/|\(.*\)$/.test(m[0])) continue;
    out += `${escapeMarkdown(text.slice(done, m.index))}\`${m[0]}\``;
    done = m.index + m[0].length;
  }
  return out + escapeMarkdown(text.slice(done));
}

const md = (spans: Span[]): string =>
  spans.map((s) => (typeof s === 'string' ? markdownText(s) : `\`${s.code}\``)).join('');

export function renderMarkdown(blocks: Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    if (out.length) out.push('');
    switch (b.kind) {
      case 'title':
        out.push(`### ${md(b.spans)}`);
        break;
      case 'heading':
        out.push(`#### ${b.text}`);
        break;
      case 'para':
        out.push(md(b.spans));
        break;
      case 'list':
        for (const item of b.items) {
          out.push(`- ${md(item.spans)}`);
          for (const sub of item.sub ?? []) out.push(`  - ${md(sub)}`);
        }
        break;
      case 'sides':
        out.push(`| | ${b.names.map(escapeMarkdown).join(' | ')} |`, '| --- | --- | --- |');
        for (const row of b.rows) out.push(`| ${row.map(escapeMarkdown).join(' | ')} |`);
        break;
      case 'links':
        for (const l of b.links) out.push(`- [${escapeMarkdown(l.label)}](${l.url})`);
        break;
      case 'quote':
        out.push(...b.lines.map((l) => `> ${escapeMarkdown(l)}`));
        break;
      case 'fields':
        out.push(...b.fields.map(([name, value]) => `${name}: ${value}  `));
        break;
    }
  }
  return out.join('\n');
}
