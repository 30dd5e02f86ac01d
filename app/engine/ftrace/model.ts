/**
 * The model's side of a trace check: a run of the engine as the tree of kernel calls a
 * function_graph trace of the same load would show.
 */
import { findStep } from '../edits';
import type { RunResult } from '../index';
import type { Errno } from '../ids';
import type { TraceEvent } from '../run/trace';
import { calleesOf } from '../variants/graph';
import type { Source } from '../variants/types';
import { eventCalls, type KernelCall } from './kernel';

export interface ModelSide {
  /** Index of the model event the call comes from. */
  event: number;
  /** That event's title ("kvm_configure_mmu()", "pte_list_desc_cache = kmem_cache_create(…)"). */
  title: string;
  /** The step's own line: its call in its caller. */
  src: Source | null;
  /** The definition of the function the call enters: where a call only the trace shows sits. */
  def: Source | null;
  /** The function (or error label) the step sits in. */
  where: string | null;
  /** What the call returned in the model, when it failed. */
  errno: Errno | null;
}

/** A kernel call of the model's run, as a function_graph trace would show it. */
export interface ModelCall {
  name: string;
  model: ModelSide;
  children: ModelCall[];
}

function modelSide(e: TraceEvent, def: Source | null = null): ModelSide {
  return {
    event: e.index,
    title: e.title,
    src: e.src,
    def,
    where: e.fn && (e.label ? `${e.fn}@${e.label}` : e.fn),
    errno: null,
  };
}

/**
 * The run's calls as a trace of a kernel that inlines nothing would show them: each module
 * operation's entry function at a root (the machine calls it without a call event), the
 * functions the steps call, and the kernel calls effects and notes stand for (kernel.ts).
 */
export function modelCalls(run: RunResult): ModelCall[] {
  const v = run.variant;
  const roots: ModelCall[] = [];
  /** open[d]: the call of the function at stack depth d of the current event. */
  let open: ModelCall[] = [];
  let entry = '';
  const expand = (c: KernelCall, e: TraceEvent): ModelCall => ({
    name: c.name,
    model: modelSide(e),
    children: (c.inner ?? []).map((i) => expand(i, e)),
  });
  for (const e of run.trace.events) {
    const d = e.stack.length;
    if (d === 0 || e.kind === 'vm' || e.kind === 'workload') continue;
    // The machine calls a module's init or exit function without a call event.
    if (`${e.moduleOp}:${e.stack[0]}` !== entry) {
      entry = `${e.moduleOp}:${e.stack[0]}`;
      const name = e.stack[0]!;
      const root: ModelCall = {
        name,
        model: {
          event: e.index,
          title: `${name}()`,
          src: v.functions[name]!.src,
          def: v.functions[name]!.src,
          where: null,
          errno: null,
        },
        children: [],
      };
      roots.push(root);
      open = [root];
    }
    open = open.slice(0, d);
    const parent = open[d - 1]!;
    if (e.kind === 'return') parent.model.errno = e.errno;
    else if (e.kind === 'call') {
      const step = findStep(v, e.stepId!)!.step;
      const module = run.scenario.modules[e.moduleOp]?.module;
      const name = calleesOf(v, step, module)[0]!;
      const node: ModelCall = {
        name,
        model: modelSide(e, v.functions[name]?.src ?? null),
        children: [],
      };
      parent.children.push(node);
      open[d] = node;
    } else for (const c of eventCalls(v, e)) parent.children.push(expand(c, e));
  }
  return roots;
}
