/**
 * One capture held against one scenario, the way the CLI and the app's worker both do it:
 * the size bound, the model's run, the reader and the check, each failure a message that
 * says which input it is about. Nothing here throws for bad input.
 */
import type { Vendor } from '../ids';
import { runValidated } from '../runner';
import { validateScenario } from '../scenario';
import { checkTrace, type TraceCheck, type TraceCheckOptions } from './check';
import { parseFtrace, type FtraceCall, type FtraceCapture } from './parse';
import type { TraceCheckMeta } from './report';
import { captureTooLarge } from './words';

export type CaptureCheck =
  | { ok: true; check: TraceCheck; meta: TraceCheckMeta }
  /** `of`: which input cannot be used, the model's scenario or the capture. */
  | { ok: false; of: 'scenario' | 'capture'; error: string };

export function checkCapture(
  name: string,
  text: string,
  scenario: unknown,
  o: TraceCheckOptions = {},
): CaptureCheck {
  const tooLarge = captureTooLarge(text.length);
  if (tooLarge) return { ok: false, of: 'capture', error: tooLarge };
  const valid = validateScenario(scenario);
  if (!valid.ok) return { ok: false, of: 'scenario', error: valid.error };
  // The workload runs after the modules are loaded: no capture of a load shows it.
  const run = runValidated({ ...valid.value, workload: [] });
  if (!run.ok) return { ok: false, of: 'scenario', error: run.error };
  const capture = parseFtrace(text);
  if (!capture.ok) return { ok: false, of: 'capture', error: capture.error };
  return {
    ok: true,
    check: checkTrace(capture.value, run.value, o),
    meta: { name, capture: capture.value, run: run.value },
  };
}

/**
 * The vendor module a capture shows loading, from the module tags and the vendor code's
 * prefixes; null when it shows neither (or both).
 */
export function captureVendor(capture: FtraceCapture): Vendor | null {
  const seen = new Set<Vendor>();
  const walk = (calls: readonly FtraceCall[]) => {
    for (const c of calls) {
      if (c.module === 'kvm_amd' || /^(svm|sev|__kvm_is_svm)_/.test(c.name)) seen.add('amd');
      if (c.module === 'kvm_intel' || /^(vmx|__kvm_is_vmx)_/.test(c.name)) seen.add('intel');
      walk(c.children);
    }
  };
  walk(capture.roots);
  return seen.size === 1 ? [...seen][0]! : null;
}
