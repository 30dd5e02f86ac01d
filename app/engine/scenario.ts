/**
 * Scenario contract v1 (docs/scenario.md): the one JSON shape that files, links,
 * the CLI and the worker accept. Unknown fields are errors, never ignored.
 */
import { z } from 'zod/mini';
import { en } from 'zod/locales';
import {
  ERRNO_NAMES,
  FAULT_POINTS,
  MODULES,
  VARIANT_IDS,
  VENDORS,
  vendorModule,
  type ModuleName,
} from './ids';
import { quoted } from './echo';
import { LIMITS } from './limits';
import { currentStepId } from './migrations';
import { DEFAULT_PARAM_VALUES as D } from './params';
import { ImportedTreeSchema } from './variants/imported';

export { LIMITS };

// The English messages are not part of zod/mini by default; the errors users read need them.
z.config(en());

const int = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));
const bool = (value: boolean) => z._default(z.boolean(), value);

/** Every parameter is optional; the defaults are what a default module load on a modern host does. */
export const ParamsSchema = z.strictObject({
  /** EPT on VMX, NPT on SVM (module params ept / npt). */
  tdp: bool(D.tdp),
  /** EPT accessed/dirty bits (VMX enable_ept_ad_bits and the CPU capability). */
  eptAD: bool(D.eptAD),
  /** The CPU supports execute-only EPT entries. */
  eptExecOnly: bool(D.eptExecOnly),
  /** kvm.tdp_mmu module param. */
  tdpMmu: bool(D.tdpMmu),
  /** kvm.mmio_caching module param. */
  mmioCaching: bool(D.mmioCaching),
  /** Host MAXPHYADDR from CPUID 0x80000008 (shadow_phys_bits / kvm_host.maxphyaddr). */
  physBits: z._default(int(36, 52), D.physBits),
  /** VMX: EPT supports 5-level walks; SVM: the host runs 5-level paging. */
  fiveLevel: bool(D.fiveLevel),
  /** Largest page EPT can map (VMX capability). */
  eptLargePages: z._default(z.enum(['1G', '2M', '4K']), D.eptLargePages),
  /** The host CPU has 1 GiB pages (X86_FEATURE_GBPAGES), used by shadow paging. */
  gbpages: bool(D.gbpages),
  /** The CPU has the L1TF bug (X86_BUG_L1TF); x86_cache_bits is taken equal to x86_phys_bits. */
  l1tf: bool(D.l1tf),
  /** Intel MKTME/TDX KeyID bits taken from the top of MAXPHYADDR (x86_phys_bits = physBits - this). */
  mktmeKeyIdBits: z._default(int(0, 15), D.mktmeKeyIdBits),
  /** AMD: SYSCFG.MemEncrypt set and SME active (sme_me_mask = C-bit). */
  sme: bool(D.sme),
  /** AMD: C-bit position (CPUID 0x8000001F EBX[5:0]); CPU specific. */
  smeCBit: z._default(int(32, 51), D.smeCBit),
  /** AMD: physical address bits lost to memory encryption (CPUID 0x8000001F EBX[11:6]). */
  smePhysReduction: z._default(int(0, 15), D.smePhysReduction),
  /** AMD: SEV-ES requested and supported. */
  sevEs: bool(D.sevEs),
  /** Intel (v6.16+ model only): kvm_intel.tdx module param. */
  tdx: bool(D.tdx),
  /** The CPU has the iTLB multihit bug, so nx_huge_pages=auto resolves to on. */
  itlbMultihit: bool(D.itlbMultihit),
  /** Present CPUs; SLUB picks the slab order from it. */
  hostCpus: z._default(int(1, 8192), D.hostCpus),
  /** nr_cpu_ids (possible CPUs); SLUB uses it when only one CPU is present. Default: hostCpus. */
  possibleCpus: z.optional(int(1, 8192)),
});
export type Params = z.infer<typeof ParamsSchema>;
export const DEFAULT_PARAMS: Params = ParamsSchema.parse({});

const MODULE_OP = new RegExp(`^(load|unload) (${MODULES.join('|')})$`);
const ModuleOpSchema = z.string().check(
  z.regex(MODULE_OP, {
    error: `expected "load <module>" or "unload <module>" with module one of ${MODULES.join(', ')}`,
  }),
);

const FaultSchema = z.strictObject({
  at: z.enum(FAULT_POINTS),
  errno: z._default(z.enum(ERRNO_NAMES as [string, ...string[]]), 'ENOMEM'),
  /** Fire on the nth time the point is reached (1 = first). */
  nth: z._default(int(1, 1000), 1),
});

const gfn = int(0, LIMITS.maxGfn);
const sptes = int(1, LIMITS.maxSptesPerOp);
const WorkloadOpSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('map'), gfn, sptes }),
  z.strictObject({ op: z.literal('unmap'), gfn, sptes }),
  z.strictObject({
    op: z.literal('random'),
    seed: int(0, 2 ** 32 - 1),
    gfns: int(1, LIMITS.maxRandomGfns),
    sptes,
    removePercent: z.number().check(z.gte(0), z.lte(100)),
  }),
]);

const stepId = z.string().check(z.minLength(1), z.maxLength(LIMITS.maxIdLength));
/** A step renamed since links and files were written is found by its old id too (migrations.ts). */
const editedStep = z.pipe(stepId, z.transform(currentStepId));
const EditSchema = z.union([
  z.strictObject({ move: editedStep, to: stepId, index: int(0, 1000) }),
  z.strictObject({ remove: editedStep }),
]);

/** A Message-ID, with or without its angle brackets: "20220624232735.3090056-3-seanjc@google.com". */
const MESSAGE_ID = /^(?:<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;
const MessageIdSchema = z.pipe(
  z.string().check(
    z.maxLength(LIMITS.maxIdLength),
    z.regex(MESSAGE_ID, {
      error:
        'expected a Message-ID such as "20220624232735.3090056-3-seanjc@google.com" (angle brackets optional)',
    }),
  ),
  z.transform((id: string) => id.replace(/^<|>$/g, '')),
);

export const ScenarioSchema = z.strictObject({
  v: z.literal(1),
  kernel: z.enum(VARIANT_IDS),
  vendor: z.enum(VENDORS),
  params: z._default(ParamsSchema, DEFAULT_PARAMS),
  modules: z.optional(z.array(ModuleOpSchema).check(z.maxLength(LIMITS.maxModuleOps))),
  fail: z._default(z.array(FaultSchema).check(z.maxLength(LIMITS.maxFaults)), []),
  workload: z._default(z.array(WorkloadOpSchema).check(z.maxLength(LIMITS.maxWorkloadOps)), []),
  edits: z._default(z.array(EditSchema).check(z.maxLength(LIMITS.maxEdits)), []),
  /** The message a review of this scenario answers: the mail review's In-Reply-To. */
  inReplyTo: z.optional(MessageIdSchema),
  /**
   * A kernel tree read by the importer (e.g. a patched one, from `mmu review`), run instead
   * of the built-in variant with the era of `kernel` (docs/scenario.md, "Imported trees").
   */
  imported: z.optional(ImportedTreeSchema),
});

export type ScenarioInput = z.input<typeof ScenarioSchema>;

/**
 * The schema as a JSON Schema of what it accepts (scenario.schema.json is this, written
 * by `npm run scenario-schema`): the main thread checks links against it without zod.
 */
export const scenarioJsonSchema = () => z.toJSONSchema(ScenarioSchema, { io: 'input' });
type Parsed = z.infer<typeof ScenarioSchema>;
export type ModuleOp = { action: 'load' | 'unload'; module: ModuleName };
export type Fault = Parsed['fail'][number] & { errno: (typeof ERRNO_NAMES)[number] };
export type WorkloadOp = Parsed['workload'][number];
export type Edit = Parsed['edits'][number];
/** A validated scenario with every default filled in. */
export type Scenario = Omit<Parsed, 'modules' | 'fail'> & { modules: ModuleOp[]; fail: Fault[] };

/** `overBudget`: the run was refused or stopped for its cost, and needs this many times its budget. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string; overBudget?: number };

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const shown = issue.keys.slice(0, 5).map((k) => quoted(k));
      if (issue.keys.length > 5) shown.push(`… and ${issue.keys.length - 5} more`);
      return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${shown.join(', ')}`;
    }
    case 'invalid_value':
      return `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${where}: ${issue.message.replace(/^Invalid input: /, '')}`;
  }
}

export function parseModuleOp(op: string): ModuleOp {
  const [action, module] = op.split(' ') as ['load' | 'unload', ModuleName];
  return { action, module };
}

/**
 * Static check of the module sequence, assuming every load succeeds: the things
 * insmod/rmmod refuse before any KVM code runs. Failures at run time (a load that
 * returns an error) are the engine's business, not a validation error.
 */
function checkModuleOrder(ops: ModuleOp[]): string | null {
  const loaded = new Set<ModuleName>();
  for (const [i, { action, module }] of ops.entries()) {
    const at = `modules[${i}] "${action} ${module}"`;
    if (action === 'load') {
      if (loaded.has(module)) return `${at}: ${module} is already loaded`;
      if (module !== 'kvm' && !loaded.has('kvm'))
        return `${at}: ${module} needs kvm loaded first (it uses kvm's symbols; modprobe would load kvm, insmod fails)`;
      loaded.add(module);
    } else {
      if (!loaded.has(module)) return `${at}: ${module} is not loaded`;
      if (module === 'kvm' && (loaded.has('kvm_intel') || loaded.has('kvm_amd')))
        return `${at}: kvm is in use by ${loaded.has('kvm_intel') ? 'kvm_intel' : 'kvm_amd'}; unload that first`;
      loaded.delete(module);
    }
  }
  return null;
}

export function validateScenario(input: unknown): Result<Scenario> {
  const parsed = ScenarioSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const shown = issues.slice(0, 5).map(formatIssue);
    if (issues.length > 5) shown.push(`… and ${issues.length - 5} more`);
    return { ok: false, error: `invalid scenario: ${shown.join('; ')}` };
  }
  const s = parsed.data;
  const { hostCpus, possibleCpus } = s.params;
  if (possibleCpus !== undefined && possibleCpus < hostCpus)
    return {
      ok: false,
      error: `invalid scenario: params.possibleCpus (nr_cpu_ids, ${possibleCpus}) cannot be below params.hostCpus (present CPUs, ${hostCpus})`,
    };
  const modules = (s.modules ?? ['load kvm', `load ${vendorModule(s.vendor)}`]).map(parseModuleOp);
  const orderError = checkModuleOrder(modules);
  if (orderError) return { ok: false, error: `invalid scenario: ${orderError}` };
  const total = s.workload.reduce((n, op) => n + op.sptes, 0);
  if (total > LIMITS.maxTotalSptes)
    return {
      ok: false,
      error: `invalid scenario: workload adds ${total} sptes in all; the limit is ${LIMITS.maxTotalSptes}`,
    };
  return { ok: true, value: { ...s, modules, fail: s.fail as Fault[] } };
}

/** The default scenario the app opens with. */
export const DEFAULT_SCENARIO_INPUT: ScenarioInput = { v: 1, kernel: 'v6.0', vendor: 'intel' };
