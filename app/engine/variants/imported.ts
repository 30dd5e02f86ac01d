/**
 * A kernel tree read by the importer (app/import), as data the engine can run: for each
 * bring-up function its steps in source order, each step a call of another function, a
 * call through the vendor ops, one of the model's effects (by key), or a plain call the
 * model does not track, with its line, error edge and guard. Names, order and line
 * numbers only, so it can be committed (the v6.1 and v6.12 variants), carried in a
 * scenario file, and validated like any other input (ImportedTreeSchema is strict and
 * size-bounded: a scenario file is a trust boundary).
 *
 * variantFromImport() turns it into a VariantDef with an era's facts: the effects come
 * from eraEffects(), and the functions whose work is the model's own (MODEL_BODIES) get
 * the same steps as the trees written in this directory.
 */
import { z } from 'zod/mini';
import { findCycle } from '../edits';
import type { Effect } from '../effects/types';
import { configNames } from '../model/globals';
import type { Result } from '../scenario';
import { variantFromEra, type VariantMeta } from './build';
import { byName, call, eff, FILES, fn, note, type StepSpec } from './dsl';
import { globalsShape, valuesOf, type CoreFacts, type Era } from './era';
import { eraEffects, type EraEffects } from './eraEffects';
import { configureMmuSteps, eptMaskSteps, maskResetSteps } from './mmu';
import type { Source, TreeTag } from './sources';
import { sevSetupSteps, svmAdjustMmioSteps } from './svm';
import type { FunctionDef, Owner, VariantDef } from './types';

type EffectOf = (e: EraEffects, f: CoreFacts) => Effect | null;

/** The model's effects an imported step may name, and what each is in an era (null: the era has none). */
export const MODEL_EFFECTS = {
  nx_huge_pages_resolve: () => ({ kind: 'nx_huge_pages_resolve' }),
  tdp_mmu_allowed_snapshot: (_, f) =>
    f.tdpMmuGlobal ? { kind: 'tdp_mmu_allowed_snapshot' } : null,
  mmio_caching_snapshot: (_, f) => (f.mmioReevaluate ? { kind: 'mmio_caching_snapshot' } : null),
  maxphyaddr_snapshot: (_, f) =>
    f.physSource === 'kvm_host.maxphyaddr' ? { kind: 'maxphyaddr_snapshot' } : null,
  vendor_exclusive_check: (e) => e.vendorExclusiveCheck,
  ops_update: () => ({ kind: 'ops_update' }),
  ops_clear: (e) => e.opsClear,
  vmx_decide_ept: () => ({ kind: 'vmx_decide_ept' }),
  vmx_decide_ept_ad: () => ({ kind: 'vmx_decide_ept_ad' }),
  svm_decide_npt: () => ({ kind: 'svm_decide_npt' }),
  'kmem_cache_create:pte_list_desc': (e) => e.kmemCacheCreate('pte_list_desc'),
  'kmem_cache_create:kvm_mmu_page_header': (e) => e.kmemCacheCreate('kvm_mmu_page_header'),
  'kmem_cache_destroy:pte_list_desc': () => ({
    kind: 'kmem_cache_destroy',
    cache: 'pte_list_desc',
  }),
  'kmem_cache_destroy:kvm_mmu_page_header': () => ({
    kind: 'kmem_cache_destroy',
    cache: 'kvm_mmu_page_header',
  }),
  'cache_pointer_clear:pte_list_desc': () => ({
    kind: 'cache_pointer_clear',
    cache: 'pte_list_desc',
  }),
  'cache_pointer_clear:kvm_mmu_page_header': () => ({
    kind: 'cache_pointer_clear',
    cache: 'kvm_mmu_page_header',
  }),
  percpu_counter_init: (_, f) => (f.percpuCounter ? { kind: 'percpu_counter_init' } : null),
  percpu_counter_destroy: (_, f) => (f.percpuCounter ? { kind: 'percpu_counter_destroy' } : null),
  register_shrinker: (e) => e.registerShrinker,
  unregister_shrinker: (e) => e.unregisterShrinker,
  'set_me_spte_mask:vmx': () => ({ kind: 'set_me_spte_mask', from: 'vmx' }),
  'set_me_spte_mask:svm': () => ({ kind: 'set_me_spte_mask', from: 'svm' }),
  'hardware_setup_tail:vmx': () => ({ kind: 'hardware_setup_tail', vendor: 'vmx' }),
  'hardware_setup_tail:svm': () => ({ kind: 'hardware_setup_tail', vendor: 'svm' }),
  'hardware_setup_tail:nested': () => ({
    kind: 'hardware_setup_tail',
    vendor: 'vmx',
    nested: true,
  }),
  tdx_gate: (_, f) => (f.tdx === 'none' ? null : { kind: 'tdx_gate' }),
} as const satisfies Record<string, EffectOf>;
export type ModelEffectKey = keyof typeof MODEL_EFFECTS;
const EFFECT_KEYS = Object.keys(MODEL_EFFECTS) as [ModelEffectKey, ...ModelEffectKey[]];

/**
 * Functions whose C is assignments the model's effects compute (the SPTE mask functions,
 * kvm_configure_mmu(), SVM's MMIO mask and SEV decision): an import names them, and their
 * steps are the era's, exactly as in the trees written by hand.
 */
export const MODEL_BODIES: Readonly<Record<string, (era: Era<CoreFacts>) => StepSpec[]>> = {
  kvm_mmu_reset_all_pte_masks: maskResetSteps,
  kvm_mmu_set_ept_masks: eptMaskSteps,
  kvm_configure_mmu: configureMmuSteps,
  svm_adjust_mmio_mask: svmAdjustMmioSteps,
  sev_hardware_setup: sevSetupSteps,
};

/** Hard limits for imported data from a file or link; real trees use a fraction. */
export const IMPORT_LIMITS = {
  functions: 120,
  /** All steps of all functions (each real tree has about 400). */
  steps: 3000,
  stepsPerList: 300,
  labelsPerFunction: 32,
  plainChars: 160,
} as const;

const NAME = z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,79}$/, 'expected a C identifier'));
const LINE = z.int().check(z.gte(1), z.lte(10_000_000));
const FILE = z
  .string()
  .check(z.regex(/^(arch|virt)\/[A-Za-z0-9_/-]{1,120}\.c$/, 'expected a kernel source path'));
/** A plain call as written: names, numbers, punctuation; no newlines or markup. */
const PLAIN = z.string().check(
  z.minLength(1),
  z.maxLength(IMPORT_LIMITS.plainChars),
  z.regex(/^[\w &*>().,:"'/+|!=[\]-]+$/, 'expected a call made of names and numbers'),
  z.refine((s) => /[A-Za-z_]/.test(s), 'expected a call'),
);
const OP = z.enum(['hardware_setup', 'hardware_unsetup']);

const stepFields = {
  line: LINE,
  /** A label of the function, or "return". */
  onError: z.optional(NAME),
  /** Runs only when this config global is set. */
  when: z.optional(NAME),
};
const StepSchema = z.union([
  z.strictObject({ ...stepFields, call: NAME }),
  z.strictObject({ ...stepFields, op: OP }),
  z.strictObject({ ...stepFields, effect: z.enum(EFFECT_KEYS) }),
  z.strictObject({
    ...stepFields,
    plain: PLAIN,
    /** The kernel runs it only under the condition on this line, which the model does not know. */
    guardLine: z.optional(LINE),
  }),
]);
const steps = z.array(StepSchema).check(z.maxLength(IMPORT_LIMITS.stepsPerList));

const FunctionSchema = z.strictObject({
  name: NAME,
  file: FILE,
  line: LINE,
  returns: z.enum(['int', 'void']),
  /** Its steps are the model's own (MODEL_BODIES); `body` is then empty. */
  model: z.optional(z.literal(true)),
  body: steps,
  labels: z
    .array(z.strictObject({ name: NAME, line: LINE, steps }))
    .check(z.maxLength(IMPORT_LIMITS.labelsPerFunction)),
});

const entry = z.strictObject({ init: NAME, exit: NAME });
const vendor = z.strictObject({
  init: NAME,
  exit: NAME,
  ops: z.strictObject({ hardware_setup: NAME, hardware_unsetup: NAME }),
});

const stepCount = (t: { functions: { body: unknown[]; labels: { steps: unknown[] }[] }[] }) =>
  t.functions.reduce(
    (n, f) => n + f.body.length + f.labels.reduce((m, l) => m + l.steps.length, 0),
    0,
  );

export const ImportedTreeSchema = z
  .strictObject({
    /** `make kernelversion` of the tree, e.g. "6.12.118". */
    version: z.string().check(z.regex(/^\d{1,2}\.\d{1,3}(\.\d{1,4})?(-rc\d{1,2})?$/)),
    functions: z.array(FunctionSchema).check(z.minLength(1), z.maxLength(IMPORT_LIMITS.functions)),
    kvm: entry,
    intel: vendor,
    amd: vendor,
  })
  .check(
    z.refine((t) => stepCount(t) <= IMPORT_LIMITS.steps, {
      error: `an imported tree has at most ${IMPORT_LIMITS.steps} steps`,
    }),
  );
export type ImportedTree = z.infer<typeof ImportedTreeSchema>;
export type ImportedFunction = ImportedTree['functions'][number];
export type ImportedStep = ImportedFunction['body'][number];

const ownerOf = (file: string): Owner =>
  file.includes('/vmx/') ? 'vmx' : file.includes('/svm/') ? 'svm' : 'kvm';

/** Where an imported function or step is: elixir at the tree's version. */
export const importedSource = (version: string, file: string, line?: number): Source => ({
  kind: 'kernel',
  tree: `v${version}` as TreeTag,
  file,
  ...(line ? { line } : {}),
});

function plainText(s: Extract<ImportedStep, { plain: string }>, file: string): string {
  const parts = [
    `Not modelled: the kernel makes this call at ${file}:${s.line}; the model tracks none of its state.`,
  ];
  if (s.guardLine)
    parts.push(
      `The kernel runs it only when the condition on line ${s.guardLine} holds, which the model does not know, so here it always runs.`,
    );
  if (s.onError)
    parts.push(
      `When it fails the kernel goes to ${s.onError === 'return' ? 'its return' : s.onError}; the model never fails it.`,
    );
  return parts.join(' ');
}

/** The variant an imported tree makes with an era's facts; every name it uses must resolve. */
export function variantFromImport(
  era: Era<CoreFacts>,
  meta: VariantMeta,
  data: ImportedTree,
): Result<VariantDef> {
  const f = valuesOf(era);
  const e = eraEffects(f);
  const config = new Set(configNames(globalsShape(f)));
  const names = new Set<string>();
  for (const d of data.functions) {
    if (names.has(d.name)) return { ok: false, error: `${d.name} is defined twice` };
    names.add(d.name);
  }
  const fail = (where: string, why: string): Result<VariantDef> => ({
    ok: false,
    error: `${where}: ${why}`,
  });
  const functions: FunctionDef[] = [];
  for (const d of data.functions) {
    const src = importedSource(data.version, d.file, d.line);
    const meta = {
      name: d.name,
      file: d.file,
      returns: d.returns,
      owner: ownerOf(d.file),
      src,
    };
    if (d.model) {
      const body = Object.hasOwn(MODEL_BODIES, d.name) ? MODEL_BODIES[d.name] : undefined;
      if (!body) return fail(d.name, 'marked as the model’s own, but the model has no such body');
      if (d.body.length || d.labels.length)
        return fail(d.name, 'the model’s own body cannot have imported steps');
      functions.push(
        fn(
          era.tree,
          {
            ...meta,
            summary: `Its C sets globals that the model computes from the era’s facts, so its steps are the model’s (read at ${d.file}:${d.line} in ${data.version}).`,
          },
          body(era),
        ),
      );
      continue;
    }
    const labels = new Set(d.labels.map((l) => l.name));
    let modelled = 0;
    const spec = (s: ImportedStep, where: string): StepSpec | string => {
      if (s.onError && s.onError !== 'return' && !labels.has(s.onError))
        return `${where} line ${s.line}: no label "${s.onError}" in ${d.name}`;
      if (s.when && !config.has(s.when))
        return `${where} line ${s.line}: "${s.when}" is not a config global of this era`;
      const o = {
        src: importedSource(data.version, d.file, s.line),
        ...(s.onError ? { onError: s.onError } : {}),
        ...(s.when ? { when: s.when } : {}),
      };
      if ('call' in s) {
        if (!names.has(s.call))
          return `${where} line ${s.line}: calls ${s.call}, which is not in the import`;
        modelled++;
        return call(s.call, o);
      }
      if ('op' in s) {
        modelled++;
        return call(`@${s.op}`, o);
      }
      if ('effect' in s) {
        const effect = (MODEL_EFFECTS[s.effect] as EffectOf)(e, f);
        if (!effect)
          return `${where} line ${s.line}: the era of ${era.tree} has no ${s.effect} (its facts and this tree disagree)`;
        modelled++;
        return eff(effect, o);
      }
      return note(s.plain, plainText(s, d.file), o);
    };
    const specs = (list: ImportedStep[], where: string): StepSpec[] | string => {
      const out: StepSpec[] = [];
      for (const s of list) {
        const r = spec(s, where);
        if (typeof r === 'string') return r;
        out.push(r);
      }
      return out;
    };
    const body = specs(d.body, d.name);
    if (typeof body === 'string') return { ok: false, error: body };
    const labelSpecs: [string, StepSpec[]][] = [];
    for (const l of d.labels) {
      const list = specs(l.steps, `${d.name}@${l.name}`);
      if (typeof list === 'string') return { ok: false, error: list };
      labelSpecs.push([l.name, list]);
    }
    const total = d.body.length + d.labels.reduce((n, l) => n + l.steps.length, 0);
    functions.push(
      fn(
        era.tree,
        {
          ...meta,
          summary: `Read from ${d.file}:${d.line} in ${data.version}: ${modelled} of its ${total} steps are modelled; the others are shown as the kernel calls them.`,
        },
        body,
        labelSpecs,
      ),
    );
  }
  const tree = {
    functions: byName(functions),
    phases: {
      maskReset: ['kvm_mmu_reset_all_pte_masks'],
      configureMmu: ['kvm_configure_mmu'],
      hardwareSetup: [data.intel.ops.hardware_setup],
    },
    kvm: data.kvm,
    intel: data.intel,
    amd: data.amd,
  };
  const entries = [
    data.kvm.init,
    data.kvm.exit,
    data.intel.init,
    data.intel.exit,
    data.amd.init,
    data.amd.exit,
    ...Object.values(data.intel.ops),
    ...Object.values(data.amd.ops),
  ];
  const absent = entries.find((n) => !names.has(n));
  if (absent)
    return { ok: false, error: `the module entries name ${absent}, which is not in the import` };
  const cycle = findCycle(tree);
  if (cycle) return { ok: false, error: `${cycle.join(' → ')} calls itself` };
  return { ok: true, value: variantFromEra(era, meta, tree) };
}

/** A built-in variant from committed import data (variants/trees/*.json); bad data is a bug. */
export function builtInImport(
  era: Era<CoreFacts>,
  meta: Omit<VariantMeta, 'kind' | 'sources'>,
  data: ImportedTree,
): VariantDef {
  const r = variantFromImport(
    era,
    { ...meta, kind: 'shipped', sources: [importedSource(data.version, FILES.mmu)] },
    data,
  );
  if (!r.ok) throw new Error(`${meta.id}: ${r.error}`);
  return r.value;
}
