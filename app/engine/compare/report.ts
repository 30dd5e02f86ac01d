/**
 * A patch-ordering review of two runs, ready to paste: plain text that reads well
 * in a mailing-list reply (72 columns, no markup), Markdown for everywhere else,
 * or JSON for scripts. The text and Markdown come from one document, so they say
 * the same things.
 */
import type { Finding, Link } from '../checker';
import { DEFAULT_PARAM_VALUES } from '../params';
import { plain, renderMarkdown, renderText, type Block, type Item, type Span } from './document';
import type { RunResult } from '../runner';
import type { Params } from '../scenario';
import { functionNamed } from '../variants/graph';
import { sourceLabel, sourceUrl } from '../variants/sources';
import type { Source, VariantDef } from '../variants/types';
import {
  citeSource,
  containerWords,
  eventPhrase,
  FAULT_POINT_WORDS,
  FINDING_WORDS,
} from '../words';
import type { OrderingChange } from './align';
import { comparedSentence, linkTrailer, mailHeaders, quotedOrdering } from './mail';
import { vendorCost, type VendorCost } from './vendorCost';
import { compareRuns, shownValue, type CellDiff, type Comparison, type StateDiff } from './diff';

// ---- the two scenarios --------------------------------------------------------------------

const nonDefaultParams = (r: RunResult): Partial<Params> =>
  Object.fromEntries(
    Object.entries(r.scenario.params).filter(
      ([k, v]) => DEFAULT_PARAM_VALUES[k as keyof Params] !== v,
    ),
  );
const paramLines = (r: RunResult): string[] =>
  Object.entries(nonDefaultParams(r)).map(([k, v]) => `${k}=${String(v)}`);

const faultLines = (r: RunResult): string[] =>
  r.faults.map(
    (f) =>
      `${FAULT_POINT_WORDS[f.at]} fails with -${f.errno}${f.nth > 1 ? ` on visit ${f.nth}` : ''}: ${f.firedAt === null ? 'never reached' : `at ${eventPhrase(r.trace.events[f.firedAt]!, r.variant)}`}`,
  );

const workloadLines = (r: RunResult): string[] =>
  r.scenario.workload.map((op) =>
    op.op === 'random'
      ? `random seed ${op.seed}: ${op.sptes} sptes over ${op.gfns} gfns, ${op.removePercent}% removed`
      : `${op.op} ${op.sptes} sptes at gfn ${op.gfn}`,
  );

/** Names that tell the sides apart in sentences: the kernels, unless both run the same one. */
export function sideNames(l: RunResult, r: RunResult): [string, string] {
  const a = l.scenario;
  const b = r.scenario;
  if (a.kernel !== b.kernel) return [a.kernel, b.kernel];
  if (a.vendor !== b.vendor) return [`${a.kernel}/${a.vendor}`, `${b.kernel}/${b.vendor}`];
  return [`${a.kernel} (left)`, `${b.kernel} (right)`];
}

// ---- the review ------------------------------------------------------------------------------

function scenarioBlock(c: Comparison, names: [string, string]): Extract<Block, { kind: 'sides' }> {
  const both = (f: (r: RunResult) => string[], none: string, sep = '; '): [string, string] => [
    f(c.left).join(sep) || none,
    f(c.right).join(sep) || none,
  ];
  const rows: [string, string, string][] = [
    ['variant', c.left.variant.title, c.right.variant.title],
    ['vendor', c.left.scenario.vendor, c.right.scenario.vendor],
    ['params', ...both(paramLines, 'defaults', ', ')],
    [
      'modules',
      ...both((r) => r.scenario.modules.map((m) => `${m.action} ${m.module}`), 'none', ', '),
    ],
    ['faults', ...both(faultLines, 'none')],
    ['edits', ...both((r) => r.edits, 'none')],
  ];
  const workload = both(workloadLines, 'none');
  if (workload.some((w) => w !== 'none')) rows.push(['workload', ...workload]);
  return { kind: 'sides', names, rows };
}

/** Adjacent changes of the same kind between the same functions read as one line. */
function groupChanges(changes: OrderingChange[]): OrderingChange[][] {
  const groups: OrderingChange[][] = [];
  for (const ch of changes) {
    const last = groups.at(-1)?.at(-1);
    if (last && last.kind === ch.kind && last.from === ch.from && last.to === ch.to)
      groups.at(-1)!.push(ch);
    else groups.push([ch]);
  }
  return groups;
}

/** "kvm_init() at its out_irqfd label (virt/kvm/kvm_main.c:5701 in v5.19)": where, and its line in that side's tree. */
function placeSpans(container: string, v: VariantDef, cited: Source[]): Span[] {
  const fn = functionNamed(v, container.split('@')[0]!);
  if (fn) cited.push(fn.src);
  return [containerWords(container), ...(fn ? [` (${citeSource(fn.src)})`] : [])];
}

function changeItem(
  group: OrderingChange[],
  names: [string, string],
  c: Comparison,
  cited: Source[] = [],
): Item {
  const first = group[0]!;
  const whats: Span[] = group.flatMap((g, i) => [...(i ? [', '] : []), g.what]);
  const inner = (first.kind === 'moved' ? first.rows.length / 2 : first.rows.length) - 1;
  const inFn = (where: string | null, v: VariantDef, word = ' in '): Span[] =>
    where ? [word, ...placeSpans(where, v, cited)] : [];
  const [lv, rv] = [c.left.variant, c.right.variant];
  const head: Span[] =
    first.kind === 'left-only'
      ? [`only in ${names[0]}: `, ...whats, ...inFn(first.from, lv)]
      : first.kind === 'right-only'
        ? [`only in ${names[1]}: `, ...whats, ...inFn(first.to, rv)]
        : first.from === first.to
          ? [...whats, ` now runs ${first.later ? 'later' : 'earlier'}`, ...inFn(first.to, rv)]
          : [...whats, ' moved', ...inFn(first.from, lv, ' from '), ...inFn(first.to, rv, ' to ')];
  const after = first.kind === 'left-only' ? first.afterLeft : first.afterRight;
  return {
    spans: [
      ...head,
      ...(after ? [', after ', after] : [', at its start']),
      ...(group.length === 1 && inner > 0
        ? [` (and the ${inner === 1 ? 'step' : `${inner} steps`} it runs)`]
        : []),
    ],
  };
}

function orderingBlocks(c: Comparison, names: [string, string], cited: Source[]): Block[] {
  const shown = c.ordering.filter((o) => o.significant);
  const notes = c.ordering.length - shown.length;
  const same = c.rows.filter((r) => r.kind === 'same').length;
  const count = (k: OrderingChange['kind']) => shown.filter((o) => o.kind === k).length;
  const parts = [
    [count('moved'), 'moved'],
    [count('left-only'), `only in ${names[0]}`],
    [count('right-only'), `only in ${names[1]}`],
    [
      notes,
      `other step${notes === 1 ? '' : 's'} that touch${notes === 1 ? 'es' : ''} no MMU state`,
    ],
  ] as const;
  const summary = c.ordering.length
    ? `${same} steps line up; ${parts
        .filter(([k]) => k > 0)
        .map(([k, what]) => `${k} ${what}`)
        .join(', ')}.`
    : `Both runs execute the same ${same} steps in the same order.`;
  return [
    { kind: 'heading', text: 'Ordering' },
    { kind: 'para', spans: [summary] },
    ...(shown.length
      ? [
          {
            kind: 'list',
            items: groupChanges(shown).map((g) => changeItem(g, names, c, cited)),
          } as Block,
        ]
      : []),
  ];
}

/** The first divergence shows its start; the end state is shown whole. */
const FIRST_CELLS = 10;

function cellItems(cells: CellDiff[], names: [string, string], limit = Infinity): Item[] {
  const label = (c: CellDiff): Span[] =>
    c.section === 'caches'
      ? ['kmem cache ', { code: c.key }]
      : c.section === 'modules'
        ? ['module ', { code: c.key }]
        : [{ code: c.key }];
  const items: Item[] = cells.slice(0, limit).map((c) => ({
    spans: [
      ...label(c),
      `: ${names[0]} ${shownValue(c, c.left)}, ${names[1]} ${shownValue(c, c.right)}`,
    ],
  }));
  if (cells.length > limit) items.push({ spans: [`… and ${cells.length - limit} more`] });
  return items;
}

/** The ordering changes between the previous shared row and this one that changed state. */
function causes(c: Comparison, d: StateDiff): OrderingChange[] {
  let previous = d.row - 1;
  while (previous >= 0 && c.rows[previous]!.kind !== 'same') previous--;
  return c.ordering.filter((o) => o.significant && o.rows.some((k) => k > previous && k < d.row));
}

function stateBlocks(c: Comparison, names: [string, string], cited: Source[]): Block[] {
  const out: Block[] = [{ kind: 'heading', text: 'State' }];
  const d = c.firstDivergence;
  if (!d) out.push({ kind: 'para', spans: ['The MMU state agrees after every shared step.'] });
  else {
    const at = c.left.trace.events[d.left]!;
    const why = causes(c, d);
    out.push(
      {
        kind: 'para',
        spans: [
          'The MMU state first differs after ',
          eventPhrase(at, c.left.variant),
          ...sourcesOf(c, d, names, cited),
          ...(why.length
            ? [', because of ', ...why.flatMap((o, i) => [...(i ? [', '] : []), o.what])]
            : [', where the same step gives different values']),
          ':',
        ],
      },
      { kind: 'list', items: cellItems(d.cells, names, FIRST_CELLS) },
    );
  }
  out.push(
    {
      kind: 'para',
      spans: [c.final.length ? 'At the end:' : 'At the end both runs leave the same MMU state.'],
    },
    ...(c.final.length ? [{ kind: 'list', items: cellItems(c.final, names) } as Block] : []),
  );
  return out;
}

/** Items of `a` that `b` does not have, each as often as `a` has it more often. */
function without(a: readonly string[], b: readonly string[]): string[] {
  const left = [...b];
  return a.filter((x) => {
    const i = left.indexOf(x);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

/**
 * What each ordering asks of VMX and SVM code, counted from the two variants (vendorCost.ts):
 * the thread's "cost" arguments as numbers. Shown when the two differ.
 */
function vendorCodeBlocks(c: Comparison, names: [string, string]): Block[] {
  const [l, r] = [vendorCost(c.left.variant), vendorCost(c.right.variant)];
  if (JSON.stringify(l) === JSON.stringify(r)) return [];
  const counted = (what: string, pick: (v: VendorCost) => string[]): Item => {
    const [a, b] = [pick(l), pick(r)];
    const only = [
      ...(without(a, b).length ? [`only in ${names[0]}: ${without(a, b).join(', ')}`] : []),
      ...(without(b, a).length ? [`only in ${names[1]}: ${without(b, a).join(', ')}`] : []),
    ];
    return {
      spans: [
        `${what}: ${names[0]} ${a.length}, ${names[1]} ${b.length}${only.length ? `; ${only.join('; ')}` : ''}`,
      ],
    };
  };
  const undo = (v: VendorCost, name: string): string => {
    if (!v.configureSetsUp) return `${name} none (its kvm_configure_mmu() sets nothing up)`;
    const done = v.mustUndo.filter((u) => u.undoes).length;
    const of =
      done === v.mustUndo.length
        ? 'all of which do'
        : done === 0
          ? 'none of which does'
          : `${done} of which do`;
    return `${name} ${v.mustUndo.length}, ${of} (${v.mustUndo.map((u) => `${u.what}${u.undoes ? '' : ', which does not'}`).join('; ')})`;
  };
  return [
    { kind: 'heading', text: 'Vendor code' },
    {
      kind: 'para',
      spans: ['What each ordering asks of VMX and SVM code, counted in the two variants:'],
    },
    {
      kind: 'list',
      items: [
        counted('calls into MMU code', (v) => v.mmuCalls),
        counted('error labels', (v) => v.labels),
        {
          spans: [
            `error paths and teardowns that must undo kvm_configure_mmu(): ${undo(l, names[0])}; ${undo(r, names[1])}`,
          ],
        },
      ],
    },
  ];
}

function findingBlocks(c: Comparison, names: [string, string], costly: boolean): Block[] {
  const { both, onlyLeft, onlyRight } = c.findings;
  const advised = new Set<string>();
  /** The kernel's side of it, said once even when several findings share it. */
  const item = (prefix: string, f: Finding, sub: Span[][] = []): Item => {
    const fresh = !advised.has(f.advice);
    advised.add(f.advice);
    return {
      spans: [`${prefix}: [${FINDING_WORDS[f.kind]}] ${f.message}`],
      sub: [...sub, ...(fresh ? [[`Kernel: ${f.advice}`]] : [])],
    };
  };
  const items = [
    ...both.map((b) =>
      item(
        'in both',
        b.left,
        b.right.message === b.left.message ? [] : [[`In ${names[1]}: ${b.right.message}`]],
      ),
    ),
    ...onlyLeft.map((f) => item(`only in ${names[0]}`, f)),
    ...onlyRight.map((f) => item(`only in ${names[1]}`, f)),
  ];
  return [
    { kind: 'heading', text: 'Findings' },
    items.length
      ? { kind: 'list', items }
      : {
          kind: 'para',
          spans: [
            costly
              ? 'The checker finds nothing in either run: both orderings work, and what sets them apart is the vendor code above.'
              : 'The checker finds nothing in either run.',
          ],
        },
  ];
}

/** Where a shared row's step is, in each side's tree: " (…:6675 in v6.0.19)" once when both agree. */
function sourcesOf(c: Comparison, d: StateDiff, names: [string, string], cited: Source[]): Span[] {
  const [l, r] = [c.left.trace.events[d.left]!.src, c.right.trace.events[d.right]!.src];
  if (!l || !r) return [];
  cited.push(l, r);
  const [a, b] = [citeSource(l), citeSource(r)];
  return [a === b ? ` (${a})` : ` (${names[0]}: ${a}; ${names[1]}: ${b})`];
}

/** Sources of the steps listed above and the findings' references, each once. */
function links(c: Comparison): Link[] {
  const all: Link[] = [];
  for (const o of c.ordering.filter((x) => x.significant))
    for (const [r, i, where] of [
      [c.left, o.left, o.from],
      [c.right, o.right, o.to],
    ] as const) {
      const e = i === null ? null : r.trace.events[i]!;
      const src = e?.stepId ? e.src : null;
      const what = where ? `${o.what} in ${containerWords(where)}` : o.what;
      if (src) all.push({ label: `${what}: ${sourceLabel(src)}`, url: sourceUrl(src) });
    }
  for (const f of [...c.left.findings, ...c.right.findings]) all.push(...f.links);
  return all.filter((l, i) => all.findIndex((m) => m.url === l.url) === i);
}

/** The review's parts, and the sources its sentences cite (file:line on each side). */
function review(c: Comparison) {
  const names = sideNames(c.left, c.right);
  const cited: Source[] = [];
  const ordering = orderingBlocks(c, names, cited);
  const state = stateBlocks(c, names, cited);
  const cost = vendorCodeBlocks(c, names);
  const body = [...ordering, ...state, ...cost, ...findingBlocks(c, names, cost.length > 0)];
  return { names, body, cited, refs: links(c) };
}

type Review = ReturnType<typeof review>;

function reviewText(c: Comparison, { names, body, refs }: Review): Block[] {
  return [
    {
      kind: 'title',
      spans: ['Patch-ordering review: ', { code: names[0] }, ' vs ', { code: names[1] }],
    },
    scenarioBlock(c, names),
    ...body,
    ...(refs.length
      ? [{ kind: 'heading', text: 'Links' } as Block, { kind: 'links', links: refs } as Block]
      : []),
  ];
}

/** The review as a reply: headers, the quoted ordering, the review, Link: trailers (mail.ts). */
function reviewMail(c: Comparison, { names, body, cited, refs }: Review): Block[] {
  return [
    ...mailHeaders(c),
    ...quotedOrdering(c),
    { kind: 'para', spans: [comparedSentence(scenarioBlock(c, names))] },
    ...body,
    linkTrailer(c, refs, cited),
  ];
}

export type CompareFormat = 'text' | 'markdown' | 'mail';

export function compareReport(
  left: RunResult,
  right: RunResult,
  o: { format: CompareFormat } = { format: 'text' },
): string {
  return reviewOf(compareRuns(left, right))[o.format];
}

/** The review of a comparison already made, in every format (text and Markdown from one document). */
export function reviewOf(c: Comparison): Record<CompareFormat, string> {
  const parts = review(c);
  const blocks = reviewText(c, parts);
  return {
    text: renderText(blocks),
    markdown: renderMarkdown(blocks),
    mail: renderText(reviewMail(c, parts)),
  };
}

/** One ordering change as the review words it, in plain text. */
export const changeSentence = (o: OrderingChange, names: [string, string], c: Comparison): string =>
  plain(changeItem([o], names, c).spans);

// ---- JSON for scripts ------------------------------------------------------------------------

const sideJson = (r: RunResult) => ({
  kernel: r.scenario.kernel,
  vendor: r.scenario.vendor,
  title: r.variant.title,
  events: r.trace.length,
  params: nonDefaultParams(r),
  modules: r.scenario.modules.map((m) => `${m.action} ${m.module}`),
  faults: faultLines(r),
  edits: r.edits,
});

const changeJson = (o: OrderingChange) => ({
  what: o.what,
  step: o.step,
  from: o.from,
  to: o.to,
  afterLeft: o.afterLeft,
  afterRight: o.afterRight,
  left: o.left,
  right: o.right,
  significant: o.significant,
});

const findingJson = (f: Finding) => ({
  kind: f.kind,
  steps: f.steps,
  message: f.message,
  advice: f.advice,
  links: f.links,
});

export function compareJson(left: RunResult, right: RunResult) {
  const c = compareRuns(left, right);
  const n = (k: string) => c.rows.filter((r) => r.kind === k).length;
  const of = (k: OrderingChange['kind']) => c.ordering.filter((o) => o.kind === k).map(changeJson);
  return {
    ok: true as const,
    left: sideJson(left),
    right: sideJson(right),
    rows: {
      total: c.rows.length,
      same: n('same'),
      leftOnly: n('left-only'),
      rightOnly: n('right-only'),
      moved: c.rows.filter((r) => r.moved).length,
    },
    moves: of('moved'),
    leftOnly: of('left-only'),
    rightOnly: of('right-only'),
    stateDiffs: c.stateDiffs,
    firstDivergence: c.firstDivergence,
    final: c.final,
    vendorCode: { left: vendorCost(left.variant), right: vendorCost(right.variant) },
    findings: {
      both: c.findings.both.map((b) => ({ ...findingJson(b.left), rightMessage: b.right.message })),
      onlyLeft: c.findings.onlyLeft.map(findingJson),
      onlyRight: c.findings.onlyRight.map(findingJson),
    },
  };
}
export type CompareJson = ReturnType<typeof compareJson>;

export { paramLines };
