/** Where a lesson step stands in a run's trace: found by step id and occurrence, never by position. */
import type { TraceEvent } from '../engine/view';
import type { Pin } from './schema';

/**
 * The pinned event's index, or null when the trace (so far) has no such event.
 * `complete`: the trace is the whole run (an end pin needs it).
 */
export function pinnedEvent(
  events: readonly TraceEvent[],
  pin: Pin,
  complete: boolean,
): number | null {
  if ('end' in pin) return complete && events.length > 0 ? events.length - 1 : null;
  const wanted = pin.occurrence ?? 1;
  let seen = 0;
  for (const e of events) if (e.stepId === pin.step && ++seen === wanted) return e.index;
  return null;
}

/** The cursor a pin asks for (steps applied): just after its event, or just before it. */
export function pinnedPosition(
  events: readonly TraceEvent[],
  pin: Pin,
  complete: boolean,
): number | null {
  const i = pinnedEvent(events, pin, complete);
  if (i === null) return null;
  return 'step' in pin && pin.before ? i : i + 1;
}

/** How a pin reads in a message: "the 2nd run of kvm_mmu_vendor_module_init/…". */
export function describePin(pin: Pin): string {
  if ('end' in pin) return 'the end of the run';
  const n = pin.occurrence ?? 1;
  return n === 1 ? pin.step : `run ${n} of ${pin.step}`;
}
