/**
 * A review you can send as a reply (`mmu compare --format mail`, "Copy as reply"): plain
 * text at 72 columns that starts with In-Reply-To (and the thread's Subject, when known)
 * if a scenario names the message it answers, quotes the ordering it answers (the left
 * side's functions that the ordering changes touch), and ends with Link: trailers — lore
 * for each series message the variants come from, then every source the review cites.
 */
import type { Link } from '../checker';
import { functionNamed } from '../variants/graph';
import { LORE, loreUrl, sourceUrl, threadSubject } from '../variants/sources';
import type { Source } from '../variants/types';
import { stepLabel } from '../words';
import type { Comparison } from './diff';
import type { Block } from './document';

/** At most this many functions, and steps of each, are quoted: a reply quotes what it answers. */
const QUOTED_FUNCTIONS = 4;
const QUOTED_STEPS = 12;

export function mailHeaders(c: Comparison): Block[] {
  const msgid = c.left.scenario.inReplyTo ?? c.right.scenario.inReplyTo;
  if (!msgid) return [];
  const subject = threadSubject(msgid);
  return [
    {
      kind: 'fields',
      fields: [
        ['In-Reply-To', `<${msgid}>`],
        ...(subject ? [['Subject', `Re: ${subject}`] as [string, string]] : []),
      ],
    },
  ];
}

/** The left side's functions (or error labels) that the significant ordering changes touch, as "> " lines. */
export function quotedOrdering(c: Comparison): Block[] {
  const v = c.left.variant;
  const places: string[] = [];
  for (const o of c.ordering.filter((x) => x.significant))
    for (const p of [o.from, o.to]) if (p && !places.includes(p)) places.push(p);
  const lines: string[] = [];
  for (const place of places.slice(0, QUOTED_FUNCTIONS)) {
    const [name, label = null] = place.split('@') as [string, string?];
    const f = functionNamed(v, name);
    const steps = f && (label ? f.labels.find((l) => l.name === label)?.steps : f.body);
    if (!f || !steps) continue;
    if (lines.length) lines.push('');
    lines.push(label ? `${name}(), at ${label}:` : `${name}():`);
    for (const s of steps.slice(0, QUOTED_STEPS)) {
      const cond = s.when ? `if (${s.when}) ` : s.ifError ? 'if (r) ' : '';
      lines.push(`        ${cond}${stepLabel(s)}`);
    }
    if (steps.length > QUOTED_STEPS) lines.push('        ...');
  }
  return lines.length ? [{ kind: 'quote', lines }] : [];
}

/** The two sides in one sentence: what each runs, and what both share. */
export function comparedSentence(sides: Extract<Block, { kind: 'sides' }>): string {
  const [l, r] = sides.names;
  const [variant, ...rows] = sides.rows;
  const title = (name: string, t: string) => (t.startsWith(name) ? t : `${name} (${t})`);
  const shared = rows.map(([what, a, b]) =>
    a === b ? `${what}: ${a}` : `${what}: ${l} ${a}, ${r} ${b}`,
  );
  return `Compared ${title(l, variant![1])} with ${title(r, variant![2])}; ${shared.join('; ')}.`;
}

/** Link: trailers: the series messages the variants come from, then what the review cites. */
export function linkTrailer(c: Comparison, refs: readonly Link[], cited: readonly Source[]): Block {
  const series = [c.left.variant, c.right.variant].flatMap((v) =>
    v.sources.flatMap((s) =>
      s.kind === 'mail'
        ? [loreUrl(s.msgid)]
        : s.kind === 'reconstruction'
          ? s.msgids.map(loreUrl)
          : [],
    ),
  );
  const all = [...series, ...refs.map((l) => l.url), ...cited.map(sourceUrl)];
  const urls = all.filter((u, i) => all.indexOf(u) === i);
  // The thread first, then the code.
  const lore = urls.filter((u) => u.startsWith(LORE));
  return {
    kind: 'fields',
    fields: [...lore, ...urls.filter((u) => !lore.includes(u))].map((u) => ['Link', u]),
  };
}
