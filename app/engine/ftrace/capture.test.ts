import { describe, expect, it } from 'vitest';
import { mustRun } from '../testing';
import { LIMITS } from '../limits';
import { captureVendor, checkCapture } from './capture';
import { parseFtrace } from './parse';
import { renderFunctionGraph } from './testing';

const AMD = { v: 1, kernel: 'v6.6', vendor: 'amd', params: { hostCpus: 1 } } as const;
const amdTrace = renderFunctionGraph(mustRun('v6.6', 'amd', { params: { hostCpus: 1 } }));

describe('checkCapture', () => {
  it('holds a capture against the scenario’s run', () => {
    const c = checkCapture('t.txt', amdTrace, AMD);
    if (!c.ok) throw new Error(c.error);
    expect(c.check.agrees).toBe(true);
    expect(c.meta.name).toBe('t.txt');
    expect(c.meta.run.scenario.vendor).toBe('amd');
  });

  it('leaves the workload out: a capture of a load cannot show it', () => {
    const c = checkCapture('t.txt', amdTrace, {
      ...AMD,
      workload: [{ op: 'map', gfn: 1, sptes: 4 }],
    });
    if (!c.ok) throw new Error(c.error);
    expect(c.meta.run.scenario.workload).toEqual([]);
    expect(c.check.agrees).toBe(true);
  });

  it('says which input cannot be used: the scenario, or the capture', () => {
    expect(checkCapture('t.txt', amdTrace, { ...AMD, kernel: 'v9.9' })).toMatchObject({
      ok: false,
      of: 'scenario',
      error: expect.stringMatching(/^invalid scenario: kernel: /),
    });
    expect(checkCapture('t.txt', 'hello\n', AMD)).toMatchObject({
      ok: false,
      of: 'capture',
      error: expect.stringMatching(/^not ftrace function_graph output: /),
    });
  });

  it('refuses a capture over the size bound before reading it', () => {
    const huge = ' '.repeat(LIMITS.maxCaptureBytes + 1);
    expect(checkCapture('t.txt', huge, AMD)).toEqual({
      ok: false,
      of: 'capture',
      error:
        'it is 33,554,433 bytes; a capture is at most 32 MB (record only the load, e.g. trace-cmd record -g kvm_x86_vendor_init --max-graph-depth 6)',
    });
  });
});

describe('captureVendor', () => {
  const vendorOf = (text: string) => {
    const p = parseFtrace(text);
    if (!p.ok) throw new Error(p.error);
    return captureVendor(p.value);
  };

  it('reads the vendor module from module tags and the vendor code’s names', () => {
    expect(vendorOf(amdTrace)).toBe('amd');
    expect(vendorOf(renderFunctionGraph(mustRun('v6.6', 'intel')))).toBe('intel');
    // trace-cmd prints no module tags: the names say it.
    expect(vendorOf(renderFunctionGraph(mustRun('v6.6', 'intel'), { format: 'trace-cmd' }))).toBe(
      'intel',
    );
  });

  it('is null for a capture that shows neither vendor, or both', () => {
    expect(vendorOf(' 0)   1.000 us    |  kmem_cache_destroy();\n')).toBeNull();
    expect(
      vendorOf(' 0)   1.000 us    |  svm_init [kvm_amd]();\n 0)   1.000 us    |  vmx_init();\n'),
    ).toBeNull();
  });
});
