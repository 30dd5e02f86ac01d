/** The ftrace reader and its check, a chunk of their own: the worker loads them for the first capture (api.ts). */
import { checkCapture } from '../engine/ftrace/capture';
import { traceCheckJson } from '../engine/ftrace/report';
import type { TraceCheckOutcome } from './protocol';

export function checkTrace(name: string, text: string, scenario: unknown): TraceCheckOutcome {
  const c = checkCapture(name, text, scenario);
  return c.ok ? { ok: true, view: traceCheckJson(c.check, c.meta) } : c;
}
