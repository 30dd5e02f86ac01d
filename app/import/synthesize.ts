/**
 * The synthesis: a tree's IR (ir.ts) → the engine's imported-tree data (names, order and
 * line numbers, app/engine/variants/imported.ts), by the catalogue (catalogue.ts), plus a
 * report of everything the model could not place: guards it does not know, host checks
 * it never fails, calls it does not model. Pure.
 *
 * Reading of each function, in source order:
 * - a call that a catalogue rule maps to an effect becomes that effect; a call of another
 *   imported function stays a call (and that function is read in turn); a call through the
 *   vendor ops becomes `@hardware_setup`/`@hardware_unsetup`; every other call is a plain
 *   step named as the kernel writes it. Logging, compile-time checks and value helpers are
 *   not steps; neither are feature tests nor calls inside conditions, unless they are
 *   tested for failure themselves.
 * - the code of an error branch (the `if` around a goto or an error return) is the error
 *   edge of the call it tests, not a step of its own.
 * - an `if` on a known config global becomes `when`; any other guard leaves the step
 *   unconditional and is listed; an early error return that tests no call is a host check.
 * - a result tested later (`r = f(); …; return r;` with nothing assigning r between)
 *   returns on error, like an edge.
 */
import type { ImportedFunction, ImportedStep, ImportedTree } from '../engine/variants/imported';
import {
  assignRuleFor,
  KNOWN_GUARDS,
  KNOWN_TRUE_CONFIG,
  MODEL_OWNED,
  MODULE_ENTRIES,
  ruleFor,
  VENDOR_EXCLUSIVE,
  type CallRule,
} from './catalogue';
import type {
  Arg,
  CallItem,
  Cond,
  ExtractedFunction,
  Guard,
  Item,
  ReturnItem,
  TreeImport,
} from './ir';

/** A place in the tree, for the report. */
export interface Where {
  fn: string;
  file: string;
  line: number;
}

export interface SynthesisReport {
  version: string;
  /** Guards the model does not know: their steps run unconditionally in the import. */
  unknownGuards: (Where & { cond: string; steps: string[] })[];
  /** Error exits that test no call (feature and host checks): the model's host always passes them. */
  hostChecks: (Where & { cond: string; exit: string })[];
  /** Plain steps: calls the catalogue does not know, with their error edge if they have one. */
  unknownCalls: (Where & { call: string; onError?: string })[];
  /** Functions whose steps fall through into an error label on success (the model would not run them). */
  fallThrough: (Where & { label: string })[];
  /** Items dropped, by reason. */
  dropped: Record<string, number>;
}

export class ImportError extends Error {}

// ---- rendering names (no kernel text: names, numbers and operators only) --------------

const SAFE_STRING = /^[\w.:/-]{1,40}$/;

function renderArg(a: Arg): string {
  switch (a.kind) {
    case 'ident':
      return a.name;
    case 'number':
      return a.value;
    case 'addr':
      return `&${a.name}`;
    case 'string':
      return SAFE_STRING.test(a.value) ? `"${a.value}"` : '"..."';
    case 'sizeof':
      return /^[\w *]{1,60}$/.test(a.of) ? `sizeof(${a.of})` : 'sizeof(...)';
    case 'call':
      return `${a.callee}(...)`;
    case 'other':
      return '...';
  }
}

/** A call as the kernel writes it: `misc_register(&kvm_dev)`, `guard(mutex)(&vendor_module_lock)`. */
export function renderCall(c: Pick<CallItem, 'callee' | 'args' | 'args2'>): string {
  const name = c.callee.startsWith('@') ? `ops->${c.callee.slice(1)}` : c.callee;
  const list = (args: Arg[]) => `(${args.map(renderArg).join(', ')})`;
  const text = `${name}${list(c.args)}${c.args2 ? list(c.args2) : ''}`;
  return text.length <= 160 ? text : `${name}(...)`;
}

export function renderCond(c: Cond): string {
  switch (c.kind) {
    case 'ident':
      return c.name;
    case 'number':
      return c.value;
    case 'call':
      return `${c.callee.startsWith('@') ? `ops->${c.callee.slice(1)}` : c.callee}(${c.args.map(renderArg).join(', ')})`;
    case 'not':
      return `!${c.arg.kind === 'and' || c.arg.kind === 'or' || c.arg.kind === 'cmp' ? `(${renderCond(c.arg)})` : renderCond(c.arg)}`;
    case 'and':
    case 'or':
      return c.args
        .map((a) => (a.kind === 'and' || a.kind === 'or' ? `(${renderCond(a)})` : renderCond(a)))
        .join(c.kind === 'and' ? ' && ' : ' || ');
    case 'cmp':
      return `${renderCond(c.left)} ${c.op} ${renderCond(c.right)}`;
    case 'unknown':
      return `(${c.idents.join(', ')})`;
  }
}

const renderGuard = (g: Guard): string => {
  switch (g.kind) {
    case 'if':
      return g.branch === 'then'
        ? `if (${renderCond(g.cond)})`
        : `else of if (${renderCond(g.cond)})`;
    case 'loop':
      return g.name;
    case 'switch':
      return `switch (${g.idents.join(', ')})`;
    case 'preproc':
      return `${g.directive} ${g.idents.join(' ')}${g.branch === 'else' ? ' (#else)' : ''}`;
  }
};

// ---- one function ----------------------------------------------------------------------

const guardKey = (g: Guard): string => `${g.kind}:${g.line}:${'branch' in g ? g.branch : ''}`;
const isSuccess = (r: ReturnItem): boolean =>
  r.value.kind === 'none' || (r.value.kind === 'number' && r.value.value === '0');
const isExit = (i: Item): i is ReturnItem | Extract<Item, { kind: 'goto' }> =>
  i.kind === 'goto' || (i.kind === 'return' && !isSuccess(i));
const innermostIf = (i: Item): Extract<Guard, { kind: 'if' }> | undefined =>
  [...i.guards].reverse().find((g): g is Extract<Guard, { kind: 'if' }> => g.kind === 'if');
const sameGuards = (a: Item, b: Item): boolean =>
  a.guards.length === b.guards.length &&
  a.guards.every((g, k) => guardKey(g) === guardKey(b.guards[k]!));

const isPredicate = (c: CallItem): boolean => {
  const means = ruleFor(c)?.means;
  return means !== undefined && 'predicate' in means;
};

const edgeOf = (c: CallItem): string | undefined =>
  c.onError?.kind === 'goto' ? c.onError.label : c.onError ? 'return' : undefined;

/** `r = f(); …; return r;`: the call's result is the function's, with nothing assigning r between. */
function returnedLater(items: readonly Item[], at: number): boolean {
  const c = items[at] as CallItem;
  const v = c.assignedTo;
  if (!v || c.onError || c.label !== null) return false;
  for (const it of items.slice(at + 1)) {
    if (it.kind === 'label') return false;
    if (it.kind === 'call' && it.assignedTo === v) return false;
    if (it.kind === 'return' && sameGuards(it, c))
      return it.value.kind === 'ident' && it.value.name === v;
  }
  return false;
}

interface Context {
  extracted: ReadonlyMap<string, ExtractedFunction>;
  /** Functions to read next (calls of imported functions). */
  wanted: (name: string) => void;
  report: SynthesisReport;
}

type Container = { name: string | null; line: number; steps: ImportedStep[] };
/** A step before its line and guard are known. */
type StepBody = ImportedStep extends infer S
  ? S extends ImportedStep
    ? Omit<S, 'line' | 'when' | 'guardLine'> & { line?: number }
    : never
  : never;

function synthesizeFunction(f: ExtractedFunction, ctx: Context): ImportedFunction {
  const base = {
    name: f.name,
    file: f.file,
    line: f.line,
    returns: /\bint\b|\bbool\b|\blong\b/.test(f.returns) ? ('int' as const) : ('void' as const),
  };
  if (Object.hasOwn(MODEL_OWNED, f.name)) return { ...base, model: true, body: [], labels: [] };
  const { report } = ctx;
  const at = (line: number): Where => ({ fn: f.name, file: f.file, line });
  const drop = (why: string) => (report.dropped[why] = (report.dropped[why] ?? 0) + 1);
  const items = f.items;
  // The branches that end in a goto or an error return: their code is the edge, not steps.
  const exitBranches = new Set(
    items.filter(isExit).flatMap((i) => {
      const g = innermostIf(i);
      return g ? [guardKey(g)] : [];
    }),
  );
  // Branches that test a call's result for failure (`r = f(); … if (r && nested) undo();`).
  const resultAt = new Map<string, number>();
  for (const i of items)
    if (i.kind === 'call' && i.assignedTo && !resultAt.has(i.assignedTo))
      resultAt.set(i.assignedTo, i.line);
  const testsResult = (g: Extract<Guard, { kind: 'if' }>): boolean => {
    const failed = (c: Cond): boolean =>
      (c.kind === 'ident' && (resultAt.get(c.name) ?? Infinity) < g.line) ||
      (c.kind === 'cmp' &&
        (c.op === '<' || c.op === '!=') &&
        c.right.kind === 'number' &&
        c.right.value === '0' &&
        failed(c.left));
    return (
      g.branch === 'then' && (failed(g.cond) || (g.cond.kind === 'and' && failed(g.cond.args[0]!)))
    );
  };
  const inErrorBranch = (i: Item) =>
    i.guards.some((g) => g.kind === 'if' && (exitBranches.has(guardKey(g)) || testsResult(g)));
  // Exits that are a call's error edge; a feature test's "edge" is a host check instead.
  const edgeLines = new Set(
    items.flatMap((i) =>
      i.kind === 'call' && i.onError && !isPredicate(i) ? [i.onError.line] : [],
    ),
  );
  const lastAssign = new Map<string, number>();
  items.forEach((i, k) => {
    if (i.kind === 'assign' && assignRuleFor(i.target, i.value)) lastAssign.set(i.target, k);
  });

  const body: Container = { name: null, line: f.line, steps: [] };
  const labels: Container[] = [];
  let current = body;
  const unknownGuards = new Map<string, SynthesisReport['unknownGuards'][number]>();

  /** `when` from the guards, and the innermost guard the model does not know. */
  const guardsOf = (i: Item, absorbs: boolean) => {
    const when: string[] = [];
    let unknown: Guard | null = null;
    for (const g of i.guards) {
      if (g.kind === 'loop') continue;
      if (g.kind === 'if') {
        if (absorbs) continue;
        if (g.branch === 'then' && g.cond.kind === 'ident' && KNOWN_GUARDS.has(g.cond.name)) {
          when.push(g.cond.name);
          continue;
        }
      }
      if (
        g.kind === 'preproc' &&
        g.branch === 'then' &&
        g.idents.length > 0 &&
        g.idents.every((x) => KNOWN_TRUE_CONFIG.has(x))
      )
        continue;
      unknown = g;
    }
    return { when: when.length === 1 ? when[0] : undefined, unknown, tooMany: when.length > 1 };
  };

  const push = (i: Item, step: StepBody, what: string, absorbs = false) => {
    const g = guardsOf(i, absorbs);
    const { line, ...rest } = step;
    const s = { line: line ?? i.line, ...rest } as ImportedStep;
    if (g.when) s.when = g.when;
    const unknown = g.unknown ?? (g.tooMany ? innermostIf(i)! : null);
    if (unknown) {
      if ('plain' in s) s.guardLine = unknown.line;
      const key = `${unknown.line}:${guardKey(unknown)}`;
      const entry = unknownGuards.get(key) ?? {
        ...at(unknown.line),
        cond: renderGuard(unknown),
        steps: [],
      };
      entry.steps.push(what);
      unknownGuards.set(key, entry);
    }
    current.steps.push(s);
  };

  items.forEach((i, k): void => {
    if (i.kind === 'label') {
      current = { name: i.name, line: i.line, steps: [] };
      labels.push(current);
      return;
    }
    if (i.kind === 'return') {
      const g = innermostIf(i);
      const field =
        g?.cond.kind === 'ident' && g.cond.name.startsWith('kvm_x86_ops.')
          ? g.cond.name.slice('kvm_x86_ops.'.length)
          : null;
      if (
        g &&
        field &&
        (VENDOR_EXCLUSIVE.fields as readonly string[]).includes(field) &&
        i.value.kind === 'errno' &&
        i.value.name === VENDOR_EXCLUSIVE.errno
      ) {
        push(
          { ...i, guards: i.guards.filter((x) => x !== g) },
          { line: g.line, effect: VENDOR_EXCLUSIVE.effect, onError: 'return' },
          VENDOR_EXCLUSIVE.effect,
        );
        return;
      }
      if (!isSuccess(i) && i.guards.length && !edgeLines.has(i.line) && g)
        report.hostChecks.push({
          ...at(i.line),
          cond: renderCond(g.cond),
          exit: `return ${i.value.kind === 'errno' ? `-${i.value.name}` : i.value.kind === 'ident' ? i.value.name : '...'}`,
        });
      return;
    }
    if (i.kind === 'goto') {
      const g = innermostIf(i);
      if (g && !edgeLines.has(i.line))
        report.hostChecks.push({
          ...at(i.line),
          cond: renderCond(g.cond),
          exit: `goto ${i.target}`,
        });
      return;
    }
    if (i.kind === 'assign') {
      const rule = assignRuleFor(i.target, i.value);
      if (!rule) return;
      if (rule.placement === 'last' && lastAssign.get(i.target) !== k) return;
      push(i, { effect: rule.effect }, rule.effect, true);
      return;
    }
    // A call.
    if (i.position === 'nested') return void drop('argument of another call');
    const rule: CallRule | undefined = ruleFor(i);
    const means = rule?.means;
    if (means && 'predicate' in means) return void drop('feature test');
    if (i.position === 'condition' && !i.onError && !(means && 'effect' in means))
      return void drop('inside a condition');
    if (inErrorBranch(i)) return void drop('error branch');
    if (means && 'omit' in means) return void drop(means.omit);
    // `return f();` and `r = f(); …; return r;` return f()'s error.
    const edge = edgeOf(i) ?? (i.returned || returnedLater(items, k) ? 'return' : undefined);
    const onError = edge ? { onError: edge } : {};
    if (means && 'effect' in means) {
      push(i, { effect: means.effect, ...onError }, means.effect, means.absorbsGuards === true);
      return;
    }
    if (i.callee === '@hardware_setup' || i.callee === '@hardware_unsetup') {
      push(
        i,
        { op: i.callee.slice(1) as 'hardware_setup' | 'hardware_unsetup', ...onError },
        `ops->${i.callee.slice(1)}()`,
      );
      return;
    }
    if (!i.callee.startsWith('@') && ctx.extracted.has(i.callee)) {
      ctx.wanted(i.callee);
      push(i, { call: i.callee, ...onError }, `${i.callee}()`);
      return;
    }
    const plain = renderCall(i);
    report.unknownCalls.push({ ...at(i.line), call: plain, ...onError });
    push(i, { plain, ...onError }, plain);
  });

  // Code before the first label that does not end in a return runs into the label on success.
  const firstLabel = items.findIndex((i) => i.kind === 'label');
  if (firstLabel > 0) {
    const before = items[firstLabel - 1]!;
    if (
      !(before.kind === 'return' && before.guards.length === 0) &&
      !(before.kind === 'goto' && before.guards.length === 0)
    )
      report.fallThrough.push({ ...at(items[firstLabel]!.line), label: labels[0]!.name! });
  }
  report.unknownGuards.push(...unknownGuards.values());
  return {
    ...base,
    body: body.steps,
    labels: labels.map((l) => ({ name: l.name!, line: l.line, steps: l.steps })),
  };
}

// ---- the tree --------------------------------------------------------------------------

function pickEntry(
  extracted: ReadonlyMap<string, ExtractedFunction>,
  module: keyof typeof MODULE_ENTRIES,
): { init: string; exit: string } {
  for (const [init, exit] of MODULE_ENTRIES[module])
    if (extracted.has(init) && extracted.has(exit)) return { init, exit };
  const names = MODULE_ENTRIES[module].flat().join(', ');
  throw new ImportError(`no module entry for ${module}: none of ${names} is defined in the tree`);
}

/** The function a vendor's ops table puts in `field`, from the tables in that vendor's files. */
function opTarget(
  t: TreeImport,
  dir: string,
  field: 'hardware_setup' | 'hardware_unsetup',
): string {
  const tables = t.files.filter((f) => f.file.includes(`/${dir}/`)).flatMap((f) => f.opsTables);
  const hit = tables.find((x) => x.fields[field]);
  if (!hit) throw new ImportError(`no ops table in arch/x86/kvm/${dir}/ sets .${field}`);
  return hit.fields[field]!.fn;
}

/** Every modelled function the tree defines, with the line of its name: the tree's line table. */
export function lineTable(t: TreeImport): Record<string, [file: string, line: number]> {
  const fns = t.files.flatMap((f) => f.functions).sort((a, b) => a.name.localeCompare(b.name));
  return Object.fromEntries(fns.map((f) => [f.name, [f.file, f.line]]));
}

export function synthesize(t: TreeImport): { data: ImportedTree; report: SynthesisReport } {
  const extracted = new Map(t.files.flatMap((f) => f.functions).map((f) => [f.name, f]));
  const report: SynthesisReport = {
    version: t.version,
    unknownGuards: [],
    hostChecks: [],
    unknownCalls: [],
    fallThrough: [],
    dropped: {},
  };
  const kvm = pickEntry(extracted, 'kvm');
  const intelEntry = pickEntry(extracted, 'intel');
  const amdEntry = pickEntry(extracted, 'amd');
  const intel = {
    ...intelEntry,
    ops: {
      hardware_setup: opTarget(t, 'vmx', 'hardware_setup'),
      hardware_unsetup: opTarget(t, 'vmx', 'hardware_unsetup'),
    },
  };
  const amd = {
    ...amdEntry,
    ops: {
      hardware_setup: opTarget(t, 'svm', 'hardware_setup'),
      hardware_unsetup: opTarget(t, 'svm', 'hardware_unsetup'),
    },
  };
  const roots = [
    kvm.init,
    kvm.exit,
    intel.init,
    intel.exit,
    ...Object.values(intel.ops),
    amd.init,
    amd.exit,
    ...Object.values(amd.ops),
  ];
  for (const name of roots)
    if (!extracted.has(name))
      throw new ImportError(`the ops tables name ${name}, which the tree does not define`);
  const seen = new Set<string>();
  const queue = [...roots];
  const functions: ImportedFunction[] = [];
  const ctx: Context = {
    extracted,
    wanted: (name) => {
      if (!seen.has(name)) queue.push(name);
    },
    report,
  };
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    functions.push(synthesizeFunction(extracted.get(name)!, ctx));
  }
  // Source order within each file, files in the order the tree lists them: stable output.
  const order = new Map(t.files.map((f, k) => [f.file, k]));
  functions.sort((a, b) => order.get(a.file)! - order.get(b.file)! || a.line - b.line);
  return { data: { version: t.version, functions, kvm, intel, amd }, report };
}
