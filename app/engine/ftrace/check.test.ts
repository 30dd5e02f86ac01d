import { describe, expect, it } from 'vitest';
import type { RunResult } from '../index';
import { mustRun } from '../testing';
import { checkTrace, type TraceCheck, type TraceCheckOptions, type TraceRow } from './check';
import { NOT_TRACEABLE } from './kernel';
import { parseFtrace } from './parse';
import { rowSource } from './report';
import { renderFunctionGraph, type RenderOptions } from './testing';

const run = mustRun('v6.6', 'amd', { params: { hostCpus: 1 } });
/** As Debian's 6.12 build traces it: inlined and notrace functions gone, 6.12's cache API. */
const DEBIAN: RenderOptions = {
  inline: NOT_TRACEABLE.map((n) => n.name),
  rename: { kmem_cache_create: '__kmem_cache_create_args' },
};

function check(text: string, r: RunResult = run, o: TraceCheckOptions = {}): TraceCheck {
  const parsed = parseFtrace(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return checkTrace(parsed.value, r, o);
}

/** The rows that are not agreements, as "kind name" (plus the note of a nesting row). */
const disagreements = (c: TraceCheck): string[] =>
  c.rows
    .filter((r) => r.kind !== 'agree' && r.kind !== 'not-visible')
    .map((r) => `${r.kind} ${r.name}${r.note ? `: ${r.note}` : ''}`);

/** Edits the rendered text line by line. */
function edit(text: string, f: (lines: string[]) => void): string {
  const lines = text.split('\n');
  f(lines);
  return lines.join('\n');
}
const lineOf = (lines: string[], call: string) => lines.findIndex((l) => l.includes(call));

describe('checkTrace on traces rendered from the same model run', () => {
  it('agrees with a trace of every call, in order and nesting', () => {
    const c = check(renderFunctionGraph(run));
    expect(disagreements(c)).toEqual([]);
    expect(c.agrees).toBe(true);
    expect(c.counts['not-visible']).toBe(0);
    expect(c.rows.map((r) => r.name).slice(0, 5)).toEqual([
      'kvm_x86_init',
      'kvm_mmu_x86_module_init',
      'kvm_mmu_spte_module_init',
      'svm_init',
      'kvm_is_svm_supported',
    ]);
  });

  it('shows the functions a build inlines as not visible, where the model has them', () => {
    const c = check(renderFunctionGraph(run, DEBIAN));
    expect(c.agrees).toBe(true);
    const hidden = c.rows.filter((r) => r.kind === 'not-visible');
    expect(hidden.map((r) => r.name)).toEqual([
      'kvm_is_svm_supported',
      '__kvm_x86_vendor_init',
      'kvm_alloc_emulator_cache',
      '__percpu_counter_init_many',
      'svm_adjust_mmio_mask',
      'svm_hv_hardware_setup',
      'kvm_ops_update',
    ]);
    expect(hidden[0]).toMatchObject({
      depth: 1,
      note: 'inlined in this build: static; the __kvm_is_svm_supported() it calls is traced',
    });
    // Its callee moved up to its caller's level, and still agrees there.
    const next = c.rows[c.rows.indexOf(hidden[0]!) + 1]!;
    expect([next.kind, next.name, next.depth]).toEqual(['agree', '__kvm_is_svm_supported', 1]);
  });

  it('compares a listed function that the capture does show like any other', () => {
    const c = check(renderFunctionGraph(run, { inline: ['kvm_ops_update'] }));
    expect(c.rows.find((r) => r.name === '__kvm_x86_vendor_init')!.kind).toBe('agree');
    expect(c.rows.find((r) => r.name === 'kvm_ops_update')!.kind).toBe('not-visible');
  });

  it('names both sides of each agreement: the model step and its source, the trace line', () => {
    const c = check(renderFunctionGraph(run, DEBIAN));
    const created = c.rows.filter((r) => r.name === 'kmem_cache_create');
    expect(created.map((r) => r.model!.title)).toEqual([
      'x86_emulator_cache = kvm_alloc_emulator_cache()',
      'pte_list_desc_cache = kmem_cache_create("pte_list_desc", sizeof(struct pte_list_desc))',
      'mmu_page_header_cache = kmem_cache_create("kvm_mmu_page_header", sizeof(struct kvm_mmu_page))',
      '"kvm_vcpu" cache, kick masks, irqfd, async PF, debugfs, VFIO ops',
    ]);
    expect(created[1]!.trace).toMatchObject({ name: '__kmem_cache_create_args', cpu: 0 });
    expect(created[1]!.model!.where).toBe('kvm_mmu_vendor_module_init');
    expect(created[1]!.model!.src).toMatchObject({
      tree: 'v6.6.87',
      file: 'arch/x86/kvm/mmu/mmu.c',
    });
  });
});

describe('checkTrace finds what differs', () => {
  const base = renderFunctionGraph(run, DEBIAN);

  it('a call the trace lacks is only in the model', () => {
    const c = check(edit(base, (l) => l.splice(lineOf(l, 'kvm_configure_mmu'), 1)));
    expect(disagreements(c)).toEqual(['model-only kvm_configure_mmu']);
    expect(c.agrees).toBe(false);
  });

  it('a call of a known function the model does not make is only in the trace', () => {
    const c = check(
      edit(base, (l) => {
        const at = lineOf(l, 'kvm_configure_mmu');
        l.splice(at + 1, 0, l[at]!.replace('kvm_configure_mmu [kvm]', 'kmem_cache_destroy'));
      }),
    );
    expect(disagreements(c)).toEqual(['trace-only kmem_cache_destroy']);
    const row = c.rows.find((r) => r.kind === 'trace-only')!;
    expect(row.trace!.line).toBe(lineOf(base.split('\n'), 'kvm_configure_mmu') + 2);
    // Its caller's row carries the definition the call would sit in, which is its source.
    const caller = c.rows[row.callerRow!]!;
    expect([caller.kind, caller.name, caller.model!.def]).toEqual([
      'agree',
      'svm_hardware_setup',
      run.variant.functions.svm_hardware_setup!.src,
    ]);
    expect(rowSource(c, row)).toEqual(run.variant.functions.svm_hardware_setup!.src);
    expect(caller.model!.src).not.toEqual(caller.model!.def);
  });

  it('two calls in the other order are a move, each half pointing at the other', () => {
    const c = check(
      edit(base, (l) => {
        const a = lineOf(l, 'kvm_configure_mmu');
        const b = lineOf(l, 'kvm_mmu_set_me_spte_mask');
        [l[a], l[b]] = [l[b]!, l[a]!];
      }),
    );
    const moved = c.rows.filter((r) => r.movedTo !== undefined);
    expect(moved.map((r: TraceRow) => `${r.kind} ${r.name}`)).toEqual([
      'model-only kvm_configure_mmu',
      'trace-only kvm_configure_mmu',
    ]);
    expect(c.rows[moved[0]!.movedTo!]).toBe(moved[1]);
    expect(c.rows[moved[1]!.movedTo!]).toBe(moved[0]);
  });

  it('a call inside another caller is a nesting difference', () => {
    // kvm_x86_check_cpu_compat() traced inside svm_hardware_setup() instead of after it.
    const c = check(
      edit(base, (l) => {
        const at = lineOf(l, 'kvm_x86_check_cpu_compat');
        const [line] = l.splice(at, 1);
        l.splice(lineOf(l, 'sev_hardware_setup') + 1, 0, line!.replace('|      ', '|        '));
      }),
    );
    expect(disagreements(c)).toEqual([
      'nesting kvm_x86_check_cpu_compat: the model has it inside kvm_x86_vendor_init(), the trace inside svm_hardware_setup()',
    ]);
  });

  it('drops the calls the model does not know, keeping what they called at their caller', () => {
    const c = check(
      edit(base, (l) => {
        // kvm_configure_mmu() reached through a function the model has never heard of.
        const at = lineOf(l, 'kvm_configure_mmu');
        const indent = /\|( *)/.exec(l[at]!)![1]!;
        l.splice(
          at,
          1,
          ` 0)               |${indent}get_npt_level [kvm_amd]() {`,
          l[at]!.replace(`|${indent}`, `|${indent}  `),
          ` 0)   3.000 us    |${indent}}`,
        );
      }),
    );
    expect(disagreements(c)).toEqual([]);
    expect(c.unknownCalls).toBe(1);
  });

  it('ignores what core functions call, and known calls made inside unknown ones', () => {
    const c = check(
      edit(base, (l) => {
        // kmem_cache_destroy() freeing per-CPU memory, shrinker_free() likewise: the kernel's business.
        const at = lineOf(l, 'kvm_configure_mmu');
        const indent = /\|( *)/.exec(l[at]!)![1]!;
        l.splice(
          at + 1,
          0,
          ` 0)               |${indent}shrinker_free() {`,
          ` 0)   1.000 us    |${indent}  free_percpu();`,
          ` 0)   2.000 us    |${indent}}`,
        );
      }),
    );
    expect(disagreements(c)).toEqual([]);
  });

  it('compares only what the capture covers (trace-cmd record -g kvm_x86_vendor_init)', () => {
    const lines = base.split('\n');
    const from = lineOf(lines, 'kvm_x86_vendor_init [kvm]() {');
    // Its end: the first "}" back at its own depth (one level in, under svm_init).
    const to = lines.findIndex((l, i) => i > from && l.endsWith(' |    }'));
    const graph = [...lines.slice(0, 4), ...lines.slice(from, to + 1)]
      .map((l) => l.replace('|    ', '|  '))
      .join('\n');
    const c = check(graph);
    expect(disagreements(c)).toEqual([]);
    expect(c.rows[0]).toMatchObject({ kind: 'agree', name: 'kvm_x86_vendor_init', depth: 0 });
    expect(c.notes).toEqual([
      'not in the capture, not compared: kvm_x86_init()',
      'svm_init(): only kvm_x86_vendor_init() in the capture',
    ]);
  });

  it('leaves out the model’s work inside a function forced to return at its entry', () => {
    const failed = mustRun('v6.6', 'amd', {
      params: { hostCpus: 1 },
      fail: [{ at: 'hardware_setup' }],
    });
    const text = edit(renderFunctionGraph(failed, DEBIAN), (l) => {
      const at = lineOf(l, 'svm_hardware_setup [kvm_amd]() {');
      const end = l.findIndex((x, i) => i > at && x.endsWith(`|${/\|( *)/.exec(l[at]!)![1]!}}`));
      l.splice(at, end - at + 1, l[at]!.replace('() {', '();'));
    });
    expect(disagreements(check(text, failed))).toEqual([
      'model-only kvm_configure_mmu',
      'model-only kvm_mmu_set_me_spte_mask',
      'model-only sev_hardware_setup',
      'model-only svm_hardware_unsetup',
    ]);
    const c = check(text, failed, { skippedBodies: ['svm_hardware_setup'] });
    expect(disagreements(c)).toEqual([]);
    expect(c.notes).toContain(
      "svm_hardware_setup() returned at its entry (forced): the model's work inside it is not compared",
    );
  });
});
