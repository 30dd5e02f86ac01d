/**
 * How a trace check reads for people: each row kind's mark and words, and why a capture is
 * too large. Plain data, so the main thread shows rows the way the CLI prints them.
 */
import { LIMITS } from '../limits';

export type TraceRowKind = 'agree' | 'model-only' | 'trace-only' | 'nesting' | 'not-visible';

export const TRACE_ROW_MARK: Record<TraceRowKind, string> = {
  agree: '=',
  'model-only': '-',
  'trace-only': '+',
  nesting: '~',
  'not-visible': '.',
};

export const TRACE_ROW_WORDS: Record<TraceRowKind, string> = {
  agree: 'agree',
  'model-only': 'only in the model',
  'trace-only': 'only in the trace',
  nesting: 'nested differently',
  'not-visible': 'not visible in a trace (inlined or notrace)',
};

/** Why a capture of `bytes` is not read (a JavaScript string's length counts as bytes: a capture is ASCII). */
export const captureTooLarge = (bytes: number): string | null =>
  bytes > LIMITS.maxCaptureBytes
    ? `it is ${bytes.toLocaleString('en-US')} bytes; a capture is at most ${LIMITS.maxCaptureBytes / (1024 * 1024)} MB (record only the load, e.g. trace-cmd record -g kvm_x86_vendor_init --max-graph-depth 6)`
    : null;
