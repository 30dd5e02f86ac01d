/**
 * missing-step and end-state: every module op the run completes must end where the
 * unedited ordering ends it (the same scenario run without the edits, ctx.reference).
 * Each value that differs is traced to the step that set it there; when that step never
 * ran here the finding names it (missing-step), with the kernel invariants the end state
 * breaks: TDP decided by the vendor but kvm_configure_mmu() never told (tdp_enabled ≠
 * enable_ept / npt_enabled), vendor ops never installed, masks left at their reset values
 * although the vendor's setup ran. Values another finding already explains are left to it.
 *
 * vm-setup: KVM_CREATE_VM with no MMU caches to allocate from.
 */
import { hex } from '../bits';
import type { ModuleName, VendorOps } from '../ids';
import { CACHE_POINTER, configShown } from '../model/globals';
import type { MmuState } from '../model/state';
import type { ModuleOp } from '../scenario';
import type { TraceEvent } from '../run/trace';
import { stepPhrase } from '../words';
import { pushUnique, type CheckContext, type Finding, type Invariant } from './context';

interface Cell {
  section: 'masks' | 'config' | 'lifecycle' | 'pointers';
  key: string;
  value: string;
}

/** The state a module op leaves, as values people read, keyed "section:key". */
function cellsOf(s: MmuState, modules: readonly ModuleOp[]): Map<string, Cell> {
  const out = new Map<string, Cell>();
  const put = (section: Cell['section'], key: string, value: string) =>
    out.set(`${section}:${key}`, { section, key, value });
  for (const [k, v] of Object.entries(s.masks)) put('masks', k, hex(v));
  for (const [k, v] of Object.entries(s.config))
    if (configShown(k, modules)) put('config', k, String(v));
  for (const [k, v] of Object.entries(s.lifecycle)) put('lifecycle', k, v);
  for (const [k, id] of Object.entries(s.pointers)) {
    const c = id === null ? undefined : s.caches[String(id)];
    put('pointers', k, !c ? 'NULL' : c.live ? `${c.objectSize}-byte cache` : 'destroyed cache');
  }
  return out;
}

/** Each module op's closing event ("kvm_intel loaded", "insmod kvm_amd: -ENOMEM", …). */
function opEnds(events: readonly TraceEvent[]): Map<number, TraceEvent> {
  const out = new Map<number, TraceEvent>();
  for (const e of events) if (e.kind === 'module' && e.moduleOp >= 0) out.set(e.moduleOp, e);
  return out;
}

/** Completed: a load that returned 0, or an unload of a loaded module. */
const completed = (e: TraceEvent): boolean => !e.errno && !e.title.endsWith(': not loaded');

/** The call events that led to event i, innermost first (the event itself first). */
function callChain(events: readonly TraceEvent[], i: number): TraceEvent[] {
  const chain = [events[i]!];
  let depth = events[i]!.stack.length;
  for (let k = i - 1; k >= 0 && depth > 1; k--) {
    const e = events[k]!;
    if (e.moduleOp !== events[i]!.moduleOp) break;
    if (e.kind === 'call' && e.stack.length === depth - 1) {
      chain.push(e);
      depth = e.stack.length;
    }
  }
  return chain;
}

const refPointerAt = (s: MmuState, pointer: string): string | null => {
  const id = s.pointers[pointer];
  return id == null ? null : String(id);
};

function lastOf<T>(xs: readonly T[], ok: (x: T) => boolean): T | undefined {
  for (let i = xs.length - 1; i >= 0; i--) if (ok(xs[i]!)) return xs[i];
  return undefined;
}

/** The outermost step of a call chain (innermost first) that never ran, with all below it. */
function topMissing(
  chain: readonly TraceEvent[],
  ran: ReadonlySet<string | null>,
): TraceEvent | null {
  let top: TraceEvent | null = null;
  for (const e of chain) {
    if (ran.has(e.stepId)) break;
    top = e;
  }
  return top;
}

const VENDOR_OF: Partial<Record<ModuleName, VendorOps>> = { kvm_intel: 'vmx', kvm_amd: 'svm' };
const TDP_FLAG: Record<VendorOps, string> = { vmx: 'enable_ept', svm: 'npt_enabled' };
const list = (xs: string[]) => xs.join(', ');
/** "v6.0 (what shipped)" → "v6.0". */
const shortTitle = (title: string) => title.replace(/ \(.*$/, '');

export function checkEndState(ctx: CheckContext, others: readonly Finding[]): Finding[] {
  const ref = ctx.reference;
  if (!ref) return [];
  const out: Finding[] = [];
  const modules = ctx.scenario.modules;
  const refName = shortTitle(ref.variant.title);
  const refEnds = opEnds(ref.trace.events);
  for (const [op, end] of opEnds(ctx.events)) {
    const refEnd = refEnds.get(op);
    const m = modules[op];
    if (!m || !refEnd) continue;
    const inOp = ctx.events.filter((e) => e.moduleOp === op && e.index <= end.index);
    const refInOp = ref.trace.events.filter((e) => e.moduleOp === op && e.index <= refEnd.index);
    const ran = new Set(inOp.filter((e) => e.kind !== 'skip').map((e) => e.stepId));
    const opWords = `${m.action === 'load' ? 'insmod' : 'rmmod'} ${m.module}`;
    const refPhrase = (e: TraceEvent) => stepPhrase(ref.variant, e.stepId);
    if (completed(end) && refEnd.errno) {
      // The kernel refuses this load (a second vendor's -EEXIST, a fault): the step that does never ran.
      const refusal = refInOp.find((e) => e.kind === 'effect' && e.errno);
      const top = refusal && topMissing(callChain(ref.trace.events, refusal.index), ran);
      if (refusal && top)
        pushUnique(out, {
          kind: 'missing-step',
          steps: [...new Set([top.stepId!, refusal.stepId!])],
          events: [end.index],
          message: `${refPhrase(top)} never ran in ${opWords}: the load succeeds, where ${refName} fails it with -${refEnd.errno}${refusal.injected ? ' (the injected fault)' : top === refusal ? '' : ` at ${refPhrase(refusal)}`}.`,
        });
      continue;
    }
    if (!completed(end) || !completed(refEnd)) continue;
    // What other findings that end in this op already explain (a leak names where it began).
    const explained = new Set(
      others
        .filter((f) => f.events.some((i) => ctx.events[i]!.moduleOp === op))
        .flatMap((f) => f.events.map((i) => ctx.events[i]!))
        .flatMap((e) => [...e.writes, ...e.changes.map((c) => c.key)]),
    );
    // Only what this op made differ: a difference an earlier op left is that op's.
    const before = cellsOf(ctx.before(inOp[0]!.index), modules);
    const refBefore = cellsOf(ref.trace.stateAt(refInOp[0]!.index - 1), modules);
    const state = ctx.after(end.index);
    const refState = ref.trace.stateAt(refEnd.index);
    const mine = cellsOf(state, modules);
    const theirs = cellsOf(refState, modules);
    const differing = [...theirs.entries()].filter(
      ([id, c]) =>
        mine.get(id)?.value !== c.value &&
        before.get(id)?.value === refBefore.get(id)?.value &&
        !explained.has(c.key),
    );
    if (!differing.length) continue;
    // Grouped by the outermost step that never ran, else by the step that gave the value in
    // the reference (none: the module load gave it).
    const groups = new Map<
      string,
      { top: TraceEvent | null; writer: TraceEvent | null; cells: [Cell, Cell | undefined][] }
    >();
    for (const [id, c] of differing) {
      // A pointer's cell changes with its cache too (destroyed caches keep their pointer).
      const cache = c.section === 'pointers' ? refPointerAt(refState, c.key) : null;
      const writer = lastOf(refInOp, (e) =>
        e.changes.some(
          (ch) =>
            (ch.section === c.section && ch.key === c.key) ||
            (ch.section === 'caches' && ch.key === cache),
        ),
      );
      const chain = writer?.stepId ? callChain(ref.trace.events, writer.index) : [];
      const top = topMissing(chain, ran);
      const k = top ? `top ${top.index}` : `writer ${chain[0]?.index ?? 'none'}`;
      const group = groups.get(k) ?? { top, writer: chain[0] ?? null, cells: [] };
      group.cells.push([c, mine.get(id)]);
      groups.set(k, group);
    }
    for (const { top, writer, cells } of groups.values()) {
      const invariants = broken(ctx, m, state, cells, inOp);
      const values = (side: 'mine' | 'theirs') =>
        cells.map(([t, o]) => `${t.key} = ${side === 'theirs' ? t.value : (o?.value ?? 'unset')}`);
      const head = top
        ? `${refPhrase(top)} never ran in ${opWords}`
        : writer
          ? `${opWords} ran ${refPhrase(writer)}, yet ends differently`
          : `${opWords} ends differently`;
      pushUnique(out, {
        kind: top ? 'missing-step' : 'end-state',
        steps: [...new Set([top?.stepId, writer?.stepId].filter((s): s is string => !!s))],
        events: [end.index],
        message: `${head}: it ends with ${list(values('mine'))}, where ${refName} ends it with ${list(values('theirs'))}.${invariants.map((i) => ` ${i.says}`).join('')}`,
        invariants: invariants.map((i) => i.kind),
      });
    }
  }
  return out;
}

/** The kernel invariants a vendor load's end state breaks, among the cells that differ. */
function broken(
  ctx: CheckContext,
  m: ModuleOp,
  s: MmuState,
  cells: [Cell, Cell | undefined][],
  inOp: readonly TraceEvent[],
): { kind: Invariant; says: string }[] {
  const vendor = VENDOR_OF[m.module];
  if (m.action !== 'load' || !vendor) return [];
  const keys = new Set(cells.map(([c]) => c.key));
  const out: { kind: Invariant; says: string }[] = [];
  const flag = TDP_FLAG[vendor];
  if (
    (keys.has('tdp_enabled') || keys.has('max_huge_page_level')) &&
    (Boolean(s.config.tdp_enabled) !== Boolean(s.config[flag]) ||
      s.config.max_huge_page_level === 0)
  )
    out.push({
      kind: 'tdp',
      says: `${vendor.toUpperCase()} decided ${flag} = ${s.config[flag] ? 1 : 0}, but tdp_enabled is ${s.config.tdp_enabled ? 1 : 0}${s.config.max_huge_page_level === 0 ? ' and max_huge_page_level 0, a level kvm_configure_mmu() never sets' : ''}: the MMU was never told how the vendor pages.`,
    });
  if (keys.has('kvm_x86_ops') && s.config.kvm_x86_ops !== vendor)
    out.push({
      kind: 'ops',
      says: `kvm_x86_ops are not ${m.module}'s, so common code would call no vendor.`,
    });
  const masks = cells.filter(([c]) => c.section === 'masks');
  const lastReset = lastOf(inOp, (e) => e.origin === 'reset');
  const vendorRan = inOp.some((e) => e.origin === vendor);
  if (masks.length && lastReset && vendorRan) {
    const afterReset = ctx.after(lastReset.index).masks;
    if (masks.every(([c]) => hex(afterReset[c.key] ?? 0n) === hex(s.masks[c.key] ?? 0n)))
      out.push({
        kind: 'masks',
        says: `${list(masks.map(([c]) => c.key))} still hold the values ${lastReset.fn}() gave them, although ${vendor.toUpperCase()}'s hardware_setup() ran.`,
      });
  }
  return out;
}

/** KVM_CREATE_VM when the MMU caches the vCPU allocates from are missing (or cannot hold an rmap). */
export function checkVmSetup(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  for (const e of ctx.events) {
    if (e.kind !== 'vm' || !e.title.endsWith('cannot run')) continue;
    const m = ctx.op(e);
    const s = ctx.before(e.index);
    const missing = Object.values(CACHE_POINTER).filter((p) => {
      const id = s.pointers[p];
      return id == null || !s.caches[String(id)]?.live;
    });
    pushUnique(out, {
      kind: 'vm-setup',
      steps: [e.title],
      events: [e.index],
      message: `KVM_CREATE_VM after ${m ? `insmod ${m.module}` : 'the module loads'}: ${e.detail}${missing.length ? ` (${list(missing)} ${missing.length > 1 ? 'are' : 'is'} NULL or destroyed)` : ''}.`,
      invariants: ['caches'],
    });
  }
  return out;
}
