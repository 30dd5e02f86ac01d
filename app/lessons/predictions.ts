/**
 * A prediction's answer comes from the run's trace at the pinned event, never from
 * the lesson: the lesson names what to ask (a probe) and offers choices; this file
 * asks the trace and says which choice is right.
 */
import { hex, setBits, type ChainView, type MmuState, type TraceEvent } from '../engine/view';
import type { Choice, ChoiceValue, Prediction, Probe } from './schema';

/** What a probe may look at: the run's events, the state after any of them, and one gfn's chain. */
export interface Evidence {
  events: readonly TraceEvent[];
  stateAt(eventIndex: number): MmuState;
}

export type Answer =
  /** `event`: the event whose outcome is the answer (where the app shows it). */
  | { ok: true; value: ChoiceValue; event: number }
  /** The probe needs the chain of `gfn` after `event`, which the engine has not sent yet. */
  | { ok: 'needs-chain'; gfn: number; event: number }
  | { ok: false; error: string };

/** Chains are the worker's to compute: a probe on one needs it passed in. */
export const needsChain = (probe: Probe): probe is Extract<Probe, { chain: unknown }> =>
  'chain' in probe;

function chainAnswer(field: 'form' | 'descs' | 'newest', chain: ChainView): ChoiceValue {
  if (field === 'form') return chain.form;
  if (field === 'descs') return chain.form === 'descs' ? chain.descs.length : 0;
  if (chain.form !== 'descs') return chain.form === 'single' ? 'head' : 'empty';
  // Sptes are numbered in the order they were added: the newest is the largest.
  let at = -1;
  let newest = -1;
  chain.descs.forEach((d, i) =>
    d.slots.forEach((s) => {
      if (s !== null && s > newest) [newest, at] = [s, i];
    }),
  );
  return at === 0 ? 'first' : at === chain.descs.length - 1 ? 'last' : 'middle';
}

/**
 * The engine's answer to `probe` at event `at`. `chain`: the probed gfn's chain
 * after that event, when the caller has it.
 */
export function answer(
  probe: Probe,
  at: number,
  evidence: Evidence,
  chain: ChainView | null = null,
): Answer {
  const { events } = evidence;
  if (at < 0 || at >= events.length) return { ok: false, error: 'the step is not in the run' };
  const found = (value: ChoiceValue): Answer => ({ ok: true, value, event: at });
  const missing = (what: string): Answer => ({
    ok: false,
    error: `this kernel has no ${what} at this step`,
  });
  if ('next' in probe) {
    const next = events.slice(at + 1).find((e) => e.stepId !== null);
    return next
      ? { ok: true, value: next.stepId, event: next.index }
      : { ok: false, error: 'no step runs after this one' };
  }
  if ('maskChange' in probe) {
    const c = events[at]!.changes.find((x) => x.section === 'masks' && x.key === probe.maskChange);
    if (!c) return found([]);
    return found(setBits(((c.before as bigint | undefined) ?? 0n) ^ (c.after as bigint)));
  }
  if ('chain' in probe)
    return chain
      ? found(chainAnswer(probe.chain, chain))
      : { ok: 'needs-chain', gfn: probe.gfn, event: at };
  const state = evidence.stateAt(at);
  if ('mask' in probe) {
    const v = state.masks[probe.mask];
    return v === undefined ? missing(probe.mask) : found(hex(v));
  }
  if ('config' in probe) {
    const v = state.config[probe.config];
    return v === undefined ? missing(probe.config) : found(v);
  }
  if ('lifecycle' in probe) {
    const v = state.lifecycle[probe.lifecycle];
    return v === undefined ? missing(probe.lifecycle) : found(v);
  }
  if ('rmap' in probe) {
    const rmap = state.vm.rmap;
    return rmap ? found(rmap[probe.rmap]) : missing('VM');
  }
  const newest = Object.values(state.caches)
    .filter((c) => c.name === probe.cache)
    .sort((a, b) => b.id - a.id)[0];
  return newest ? found(newest[probe.field]) : missing(`${probe.cache} cache`);
}

const HEX = /^0x[0-9a-f]+$/i;

/** Whether a choice says what the engine answered (hex strings by value, bit lists as sets). */
export function sameValue(a: ChoiceValue, b: ChoiceValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    const sa = [...new Set(a)].sort((x, y) => x - y);
    const sb = [...new Set(b)].sort((x, y) => x - y);
    return sa.length === sb.length && sa.every((x, i) => x === sb[i]);
  }
  if (typeof a === 'string' && typeof b === 'string' && HEX.test(a) && HEX.test(b))
    return BigInt(a) === BigInt(b);
  return a === b;
}

/** A value as the learner reads it. */
export function formatValue(v: ChoiceValue): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return 'no bits';
    const bits = [...v].sort((x, y) => x - y);
    if (bits.length === 1) return `bit ${bits[0]}`;
    return `bits ${bits.slice(0, -1).join(', ')} and ${bits[bits.length - 1]}`;
  }
  if (v === null) return 'none';
  return String(v);
}

export const choiceLabel = (c: Choice): string => c.label ?? formatValue(c.value);

export interface Verdict {
  right: boolean;
  /** The choice that says what the engine answered (-1: none does). */
  rightChoice: number;
  /** The engine's answer, in the words of the choice that says it when there is one. */
  answer: string;
  /** The lesson's explanation with the answer put in. */
  explanation: string;
}

/** Judges the learner's choice against the engine's answer. */
export function judge(p: Prediction, chosen: number, value: ChoiceValue): Verdict {
  const right = p.choices.findIndex((c) => sameValue(c.value, value));
  const answerText = right >= 0 ? choiceLabel(p.choices[right]!) : formatValue(value);
  return {
    right: right === chosen,
    rightChoice: right,
    answer: answerText,
    explanation: p.explain.replaceAll('{answer}', answerText),
  };
}
