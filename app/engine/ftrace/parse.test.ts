import { describe, expect, it } from 'vitest';
import { mustRun } from '../testing';
import { modelCalls } from './model';
import { parseFtrace, type FtraceCapture } from './parse';
import { callShape, renderFunctionGraph } from './testing';

/** A model run with an unwind in it: every shape of call (leaf, nested, error path) occurs. */
const run = mustRun('v6.6', 'amd', { fail: [{ at: 'hardware_setup' }] });

function parsed(text: string): FtraceCapture {
  const r = parseFtrace(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function failure(text: string): string {
  const r = parseFtrace(text);
  if (r.ok) throw new Error('expected the text to be refused');
  return r.error;
}

describe('parseFtrace on traces rendered from the model', () => {
  it('reads /sys/kernel/tracing/trace with and without the TIME column into the same tree', () => {
    for (const abstime of [true, false]) {
      const c = parsed(renderFunctionGraph(run, { abstime }));
      expect(c.format).toBe('tracefs');
      expect(callShape(c.roots)).toEqual(callShape(modelCalls(run)));
      expect(c.notes).toEqual([]);
      expect(c.roots[0]!.time).toBe(abstime ? 1.000001 : null);
    }
  });

  it('reads trace-cmd report output', () => {
    const c = parsed(renderFunctionGraph(run, { format: 'trace-cmd' }));
    expect(c.format).toBe('trace-cmd');
    expect(callShape(c.roots)).toEqual(callShape(modelCalls(run)));
    expect(c.roots[1]!.task).toBe('kload-42');
  });

  it('keeps the module tag apart from the name and the durations of leaves and bodies', () => {
    const c = parsed(renderFunctionGraph(run, { abstime: true }));
    const svmInit = c.roots[1]!;
    expect([svmInit.name, svmInit.module, svmInit.duration]).toEqual([
      'svm_init',
      'kvm_amd',
      40.25,
    ]);
    const leaf = svmInit.children[0]!.children[0]!;
    expect([leaf.name, leaf.duration, leaf.open]).toEqual(['__kvm_is_svm_supported', 1.5, false]);
  });

  it('untangles calls on two CPUs whose lines interleave', () => {
    const text = renderFunctionGraph(run, { cpuOf: (root) => root });
    const cpus = text
      .split('\n')
      .filter((l) => /^ \d\)/.test(l))
      .map((l) => l[1]);
    expect(cpus.slice(0, 4)).toEqual(['0', '1', '0', '1']);
    const c = parsed(text);
    expect(c.cpus).toEqual([0, 1]);
    expect(callShape(c.roots)).toEqual(callShape(modelCalls(run)));
  });

  it('keeps each task’s calls apart when a CPU switches tasks in the middle of a call', () => {
    const c = parsed(
      [
        ' 0)               |  svm_init [kvm_amd]() {',
        ' 0)               |    kvm_x86_vendor_init [kvm]() {',
        ' ------------------------------------------',
        ' 0)   kload-42    =>  kworker-7  ',
        ' ------------------------------------------',
        '',
        ' 0)   2.000 us    |  free_percpu();',
        ' ------------------------------------------',
        ' 0)  kworker-7    =>   kload-42  ',
        ' ------------------------------------------',
        '',
        ' 0)   1.000 us    |      kvm_mmu_vendor_module_init [kvm]();',
        ' 0) + 10.00 us    |    }',
        ' 0) + 12.00 us    |  }',
      ].join('\n'),
    );
    expect(callShape(c.roots)).toEqual([
      { svm_init: [{ kvm_x86_vendor_init: ['kvm_mmu_vendor_module_init'] }] },
      'free_percpu',
    ]);
    expect(c.roots.map((r) => r.task)).toEqual(['kload-42', 'kworker-7']);
    expect(c.notes).toEqual([]);
  });
});

describe('parseFtrace on imperfect captures', () => {
  it('reads a capture cut in the middle of a line, and says so', () => {
    const text = renderFunctionGraph(run, { abstime: true });
    const cut = text.slice(0, text.indexOf('svm_hardware_setup [kvm_amd]() {') + 12);
    const c = parsed(cut);
    const last = cut.split('\n').length;
    expect(c.notes).toContain(
      `1 line could not be read and was skipped: line ${last} (${JSON.stringify(cut.split('\n').at(-1)!.trim())}) (the capture ends in the middle of a line)`,
    );
    expect(c.notes).toContain(
      '3 calls have no end in the capture (cut off, or its events were lost)',
    );
    // The calls that were open when the capture ends, and everything they had made so far.
    const open: string[] = [];
    for (let k = c.roots[1]; k?.open; k = k.children.at(-1)) open.push(k.name);
    expect(open).toEqual(['svm_init', 'kvm_x86_vendor_init', '__kvm_x86_vendor_init']);
    const done = c.roots[1]!.children[1]!.children[0]!.children.at(-1)!;
    expect([done.name, done.open, done.children.length]).toEqual([
      'kvm_mmu_vendor_module_init',
      false,
      5,
    ]);
  });

  it('reads a capture that starts inside a call', () => {
    const text = renderFunctionGraph(run);
    const lines = text.split('\n');
    const from = lines.findIndex((l) => l.includes('kvm_configure_mmu'));
    const c = parsed(lines.slice(from).join('\n'));
    expect(c.roots[0]!.name).toBe('kvm_configure_mmu');
    expect(c.notes).toContain('4 call ends without a beginning: the capture started inside calls');
  });

  it('closes the calls open on a CPU when its events were lost', () => {
    const c = parsed(
      [
        ' 0)               |  svm_init [kvm_amd]() {',
        ' 0)               |    kvm_x86_vendor_init [kvm]() {',
        'CPU:0 [LOST 1234 EVENTS]',
        ' 0)   1.000 us    |    kvm_init [kvm]();',
        ' 0) + 12.00 us    |  }',
      ].join('\n'),
    );
    expect(callShape(c.roots)).toEqual([{ svm_init: ['kvm_x86_vendor_init'] }, 'kvm_init']);
    expect(c.roots[0]!.open).toBe(true);
    expect(c.notes[0]).toBe(
      'line 3: CPU 0 lost 1234 events (the buffer filled): calls around here may be missing',
    );
  });

  it('reads every overhead mark, return-value and event comments, and clone suffixes', () => {
    const c = parsed(
      [
        ' 0)               |  svm_init [kvm_amd]() {',
        ' 0) $ 1234567 us  |    kvm_x86_vendor_init [kvm]();',
        ' 0) @ 123456.7 us |    kvm_init.cold [kvm](); /* = 0xfffffff4 */',
        ' 0)               |    /* kvm_ret: (svm_init+0x5/0x90 [kvm_amd] <- kvm_init) arg1=0x0 */',
        ' 0) * 12345.67 us |  } /* svm_init = -0xc */',
      ].join('\n'),
    );
    expect(callShape(c.roots)).toEqual([{ svm_init: ['kvm_x86_vendor_init', 'kvm_init.cold'] }]);
    expect(c.roots[0]!.children.map((k) => k.duration)).toEqual([1234567, 123456.7]);
    expect(c.roots[0]!.duration).toBe(12345.67);
  });

  it('marks calls printed as addresses (their module was gone when the trace was read)', () => {
    const c = parsed(
      [
        ' 0)               |  0xffffffffc04c2014() {',
        ' 0)   1.000 us    |    kvm_init [kvm]();',
        ' 0)   2.000 us    |  }',
      ].join('\n'),
    );
    expect(c.roots[0]!.unresolved).toBe(true);
    expect(c.roots[0]!.children[0]!.unresolved).toBe(false);
    expect(c.notes).toEqual([
      "1 call is shown as an address, not compared: the function's module or __init text was gone when names were looked up (a failed load frees the module; trace-cmd may miss __init functions)",
    ]);
    // trace-cmd report prints them without the 0x.
    const t = parsed(
      'kload-9 [000] 1.000001: funcgraph_entry:   1.000 us   |  ffffffffc06aaaf4();',
    );
    expect(t.roots[0]!.unresolved).toBe(true);
  });

  it('keeps the nesting when an interrupt’s calls skip a level (its entry code is notrace)', () => {
    const c = parsed(
      [
        'kload-9 [000] 1.000001: funcgraph_entry:                   |  kvm_x86_vendor_init() {',
        'kload-9 [000] 1.000002: funcgraph_entry:                   |    kernel_text_address() {',
        'kload-9 [000] 1.000003: funcgraph_entry:        2.494 us   |        irq_enter_rcu();',
        'kload-9 [000] 1.000004: funcgraph_entry:                   |        __sysvec_apic_timer_interrupt() {',
        'kload-9 [000] 1.000005: funcgraph_entry:      ! 131.542 us |          hrtimer_interrupt();',
        'kload-9 [000] 1.000006: funcgraph_exit:       ! 139.357 us |        }',
        'kload-9 [000] 1.000007: funcgraph_entry:        1.000 us   |      in_gate_area_no_mm();',
        'kload-9 [000] 1.000008: funcgraph_exit:       ! 219.029 us |    }',
        'kload-9 [000] 1.000009: funcgraph_entry:        1.000 us   |    kvm_mmu_vendor_module_init();',
        'kload-9 [000] 1.000010: funcgraph_exit:       ! 300.000 us |  }',
      ].join('\n'),
    );
    expect(c.notes).toEqual([]);
    expect(callShape(c.roots)).toEqual([
      {
        kvm_x86_vendor_init: [
          {
            kernel_text_address: [
              'irq_enter_rcu',
              { __sysvec_apic_timer_interrupt: ['hrtimer_interrupt'] },
              'in_gate_area_no_mm',
            ],
          },
          'kvm_mmu_vendor_module_init',
        ],
      },
    ]);
    expect(c.roots[0]!.children[0]!.duration).toBe(219.029);
  });

  it('skips garbage lines inside a capture and names them', () => {
    const lines = renderFunctionGraph(run).split('\n');
    lines.splice(10, 0, 'Segmentation fault', '\u0007\u0000garbage');
    const c = parsed(lines.join('\n'));
    expect(c.notes).toEqual([
      '2 lines could not be read and were skipped: line 11 ("Segmentation fault"), line 12 ("\\u0007\\u0000garbage")',
    ]);
    expect(callShape(c.roots)).toEqual(callShape(modelCalls(run)));
  });
});

describe('parseFtrace refuses what is not function_graph output', () => {
  it('says what it expected and what the first line is', () => {
    expect(failure('{"v":1,"kernel":"v6.6"}\n')).toBe(
      'not ftrace function_graph output: expected lines like " 0)               |  kvm_x86_vendor_init [kvm]() {" (/sys/kernel/tracing/trace) or "insmod-1234 [000] 12.345678: funcgraph_entry:   |  kvm_x86_vendor_init() {" (trace-cmd report); line 1 reads "{\\"v\\":1,\\"kernel\\":\\"v6.6\\"}"',
    );
    expect(failure('\n\n   hello\n').endsWith('; line 3 reads "   hello"')).toBe(true);
  });

  it('names the tracer a capture was made with', () => {
    expect(
      failure('# tracer: function\n#\n    insmod-1 [000] ....  1.0: kvm_init <-svm_init\n'),
    ).toBe(
      'the capture was made with the function tracer; record with function_graph (trace-cmd record -p function_graph …, or echo function_graph > current_tracer)',
    );
    expect(failure('# tracer: function_graph\n#\n')).toBe(
      'the function_graph capture holds no calls (was anything loaded while it ran?)',
    );
  });

  it('recognises an empty file, trace-cmd’s binary trace.dat and other binary files', () => {
    expect(failure('')).toBe('the capture is empty');
    expect(failure(' \n\t\n')).toBe('the capture is empty');
    expect(failure('\u0017\bDtracing6\u0000\u0000\u0000')).toBe(
      'this is a binary trace.dat file: run `trace-cmd report trace.dat > trace.txt` and open the text',
    );
    const binary =
      'this is a binary file, not ftrace function_graph text (the text /sys/kernel/tracing/trace or `trace-cmd report` prints)';
    expect(failure('PK\u0003\u0004\u0000\u0000')).toBe(binary);
    // A JPEG's bytes as a UTF-8 decoder (File.text()) returns them.
    expect(failure(new TextDecoder().decode(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x4a])))).toBe(
      binary,
    );
  });
});
