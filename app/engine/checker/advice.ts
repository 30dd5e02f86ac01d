/**
 * What the real kernel does about each hazard the checker names, in one to three
 * sentences, with links to read further. Only facts from kernel-facts.md or the
 * engine's own sources: names, versions, commits and mails, never kernel text.
 */
import { findStep } from '../edits';
import { effectFootprint } from '../effects';
import type { TraceEvent } from '../run/trace';
import { FILES } from '../variants/dsl';
import { kernelSource, MAIL, mailSource, sourceLabel, sourceUrl } from '../variants/sources';
import type { KernelTree, Source } from '../variants/types';
import { functionNamed } from '../variants/graph';
import { locateStep, stepPhrase } from '../words';
import { splitStepId, type CheckContext, type Finding, type Invariant } from './context';

export interface Link {
  label: string;
  url: string;
}

export interface Advice {
  /** What the kernel does about it (or would have to), in one to three sentences. */
  advice: string;
  links: Link[];
}

const link = (src: Source, label: string): Link => ({ label, url: sourceUrl(src) });
const elixir = (tree: KernelTree, fn: string, note = ''): Link => {
  const src = kernelSource(tree, fn, FILES.mmu);
  return link(src, `${fn}()${note}: ${sourceLabel(src)}`);
};
const mail = (msgid: string, label?: string): Link => {
  const src = mailSource(msgid);
  return link(src, label ?? sourceLabel(src));
};
const MATLACK = mail(MAIL.matlackAlt, 'David Matlack: create the caches in kvm_configure_mmu()');
const SEAN = mail(
  MAIL.seanReply,
  'Sean Christopherson: keep the MMU setup an explicit call from common x86',
);

/** What the advice rules look at. */
interface Facts {
  f: Finding;
  tree: KernelTree;
  /** The steps' own names, in the finding's order. */
  whats: string[];
  /** The function the first step ran in. */
  where: string | null;
  /** For stale reads: the globals read too early. */
  globals: string[];
  /** The variant is the reviewer's alternative (kvm_configure_mmu() creates the caches). */
  alt: boolean;
  faultAt: Set<string>;
  /** A step in words: "kvm_ops_update() in kvm_x86_vendor_init()". */
  phrase(id: string | null): string;
  /** The hardware_setup op of the vendor module whose op the finding ends (null: kvm.ko's). */
  hardwareSetup: string | null;
}

const NR_SPTES: Advice = {
  advice:
    'PATCH 3/4 makes kvm_mmu_hardware_setup() size pte_list_desc from nr_sptes_per_pte_list, which only kvm_configure_mmu() sets, so common x86 must call it after ops->hardware_setup(). Its WARN_ON_ONCE and -EIO catch the wrong order only on a first load: on a vendor reload kvm.ko still holds the previous load’s value. David Matlack’s alternative creates the caches inside kvm_configure_mmu(), which removes the dependency.',
  links: [mail(MAIL.p3), MATLACK, SEAN],
};

function clobber(x: Facts): Advice {
  return {
    advice:
      'Shipped kernels (v5.19 through v7.1) and the v1 series call kvm_mmu_reset_all_pte_masks() from kvm_mmu_vendor_module_init(), before ops->hardware_setup(), so every vendor mask write lands after the reset. PATCH 2/4 keeps the reset there because VMX edits masks even before it calls kvm_configure_mmu().',
    links: [elixir(x.tree, 'kvm_mmu_vendor_module_init'), mail(MAIL.p2)],
  };
}

/** Feature gates that read the MMU's final configuration: they are decided last. */
const GATES = new Set(['tdx_gate', 'sev_hardware_setup']);
const GATE_TOO_EARLY: Advice = {
  advice:
    'SEV-ES and TDX are decided from the MMU configuration the vendor setup ends with (MMIO caching, the TDP MMU, EPT A/D bits), so the kernel decides them after it: v6.0 moved svm_adjust_mmio_mask() before sev_hardware_setup() for this (0c29397ac1fd). TDX is decided by tdx_bringup() once vmx_init() has returned (v6.19) and, since v7.1, by tdx_hardware_setup() at the end of the hardware_setup op, after vmx_hardware_setup().',
  links: [
    elixir('v6.0.19', 'sev_hardware_setup'),
    elixir('v6.19', 'tdx_bringup'),
    elixir('v7.1.3', 'tdx_hardware_setup'),
  ],
};

function staleRead(x: Facts): Advice {
  if (x.globals.includes('nr_sptes_per_pte_list')) return NR_SPTES;
  if (GATES.has(x.whats[0] ?? '')) return GATE_TOO_EARLY;
  if (x.globals.includes('enable_mmio_caching'))
    return {
      advice:
        'v5.19’s kvm_mmu_set_mmio_spte_mask() never turns MMIO caching back on, so once one vendor load turns it off every later load inherits that. c3e0c8c2e8b1 (“Fully re-evaluate MMIO caching when SPTE masks change”, v6.0 and 5.19.2) resets enable_mmio_caching from allow_mmio_caching, snapshotted at kvm.ko load, on every call.',
      links: [
        elixir('v6.0.19', 'kvm_mmu_set_mmio_spte_mask', ' with the fix'),
        elixir('v6.0.19', 'kvm_mmu_spte_module_init'),
      ],
    };
  return {
    advice: `A value a step consumes must be set earlier in the same vendor load; kvm.ko globals survive vendor unloads, so a value an earlier load left behind can look valid. Move ${x.phrase(x.f.steps[0] ?? null)} after ${x.phrase(x.f.steps[1] ?? null)}, or have the load recompute the value before it is read.`,
    links: [],
  };
}

function leak(x: Facts): Advice {
  if (x.whats[0] === 'percpu_counter_init' && x.faultAt.has('register_shrinker'))
    return {
      advice:
        'Up to v6.0 (and in the v1 series and the alternative, posted during the 6.0 cycle) the MMU setup returns without destroying the percpu counter when register_shrinker() fails. v6.1 fixed it with an out_shrinker label (“KVM: x86/mmu: fix memoryleak in kvm_mmu_vendor_module_init()”); since v6.13 there is no counter or shrinker at all.',
      links: [
        elixir('v6.0.19', 'kvm_mmu_vendor_module_init', ' without the fix'),
        elixir('v6.6.87', 'kvm_mmu_vendor_module_init', ' with out_shrinker'),
      ],
    };
  if (x.alt && x.where === 'kvm_configure_mmu')
    return {
      advice:
        'In the alternative the vendor calls kvm_configure_mmu(), which now creates the caches, so vendor code must undo it too: kvm_unconfigure_mmu() in vmx_hardware_unsetup() and svm_hardware_unsetup(), and on every error path after kvm_configure_mmu(). That is Sean’s objection: the PATCH 2/4 changelog names this cost, and his reply prefers an explicit call from common x86 (kvm_mmu_hardware_setup()) so the order stays visible.',
      links: [SEAN, MATLACK, mail(MAIL.p2)],
    };
  return {
    advice:
      'Every resource a vendor load sets up must be released on each error path and when the module unloads. Shipped kernels release the MMU’s caches (and, before v6.13, the percpu counter and shrinker) in kvm_mmu_vendor_module_exit() and on kvm_mmu_vendor_module_init()’s own failure path.',
    links: [elixir(x.tree, 'kvm_mmu_vendor_module_exit')],
  };
}

function doubleFree(x: Facts): Advice {
  if (!x.whats[0]?.startsWith('kmem_cache_destroy'))
    return {
      advice:
        'Each resource must be released exactly once: the second release here acts on something already gone. The linked source shows where each release happens.',
      links: [],
    };
  const stale =
    'pte_list_desc_cache and mmu_page_header_cache are kvm.ko statics that mmu_destroy_caches() never sets back to NULL, so destroying them again frees a cache that is already gone.';
  return x.alt
    ? {
        advice: `${stale} Read literally, the alternative hits this on SVM: svm_hardware_setup()’s err: label reaches kvm_unconfigure_mmu() after a failed kvm_configure_mmu() already destroyed its caches (docs/kernel-model.md).`,
        links: [elixir(x.tree, 'mmu_destroy_caches'), MATLACK, SEAN],
      }
    : {
        advice: `${stale} Mainline from v5.19 through v7.1 does this when a vendor reload fails its first kmem_cache_create(); this model found it. Debian’s 6.1.192 and 6.12.118 set both pointers to NULL after the destroy, so they are not affected (docs/kernel-model.md).`,
        links: [elixir(x.tree, 'mmu_destroy_caches')],
      };
}

function warn(x: Facts): Advice {
  if (x.whats.includes('nr_sptes_check')) return NR_SPTES;
  return {
    advice:
      'The kernel would log this WARN during the module load: the state at this step is not what the code expects. The linked source shows the check.',
    links: [],
  };
}

function errorReturn(x: Facts): Advice {
  if (x.whats.includes('nr_sptes_check')) return NR_SPTES;
  if (x.whats[0] === 'vendor_exclusive_check')
    return {
      advice:
        'Only one vendor module can be loaded at a time: while kvm_x86_ops are installed, another vendor module’s load fails with -EEXIST before it touches the MMU. Unload the first one; the next vendor load resets the masks to their defaults.',
      links: [],
    };
  return {
    advice: `${x.phrase(x.f.steps[0] ?? null)} refuses the load without an injected fault, and its callers unwind. The steps before it must establish what it checks; the linked source shows the condition.`,
    links: [],
  };
}

/** What the kernel does about each invariant an end state breaks (checker/endState.ts). */
const INVARIANT: Record<Invariant, (x: Facts) => Advice> = {
  tdp: (x) => ({
    advice:
      'kvm_configure_mmu() is the only writer of tdp_enabled, the TDP root levels and max_huge_page_level, and every vendor’s hardware_setup() calls it once it has decided EPT or NPT: VMX after its mask edits, SVM before them (kernel-facts.md §3.6). Without it KVM would build shadow page tables on a host that asked for TDP, with no huge-page level at all.',
    links: [
      elixir(x.tree, 'kvm_configure_mmu'),
      ...(x.hardwareSetup ? [elixir(x.tree, x.hardwareSetup)] : []),
    ],
  }),
  ops: () => ({
    advice:
      'kvm_ops_update() copies the vendor’s runtime ops into kvm_x86_ops and patches the static calls right after ops->hardware_setup() returns (in kvm_arch_hardware_setup() up to v6.2, in kvm_x86_vendor_init() since v6.3). Until it runs common code cannot call the vendor, and the next vendor load’s -EEXIST check cannot see this one.',
    links: [],
  }),
  masks: (x) => ({
    advice:
      'kvm_mmu_reset_all_pte_masks() gives every shadow_* mask its x86 default at each vendor load, and the vendor’s hardware_setup() then replaces what its hardware needs: with EPT, kvm_mmu_set_ept_masks() (before kvm_configure_mmu()); with memory encryption, kvm_mmu_set_me_spte_mask() and SVM’s svm_adjust_mmio_mask(). SPTEs built from the x86 defaults under EPT would carry the wrong permission bits.',
    links: [elixir(x.tree, 'kvm_mmu_set_ept_masks'), elixir(x.tree, 'kvm_mmu_reset_all_pte_masks')],
  }),
  caches: (x) => ({
    advice:
      'KVM_CREATE_VM and each vCPU’s mmu_topup_memory_caches() allocate from pte_list_desc_cache and mmu_page_header_cache, so both must exist before /dev/kvm does: shipped kernels create them in kvm_mmu_vendor_module_init(), before ops->hardware_setup(), and the v1 series in kvm_mmu_hardware_setup(), right after it. /dev/kvm appears only once the vendor load has succeeded.',
    links: [
      elixir(x.tree, 'mmu_topup_memory_caches'),
      elixir(x.tree, 'kvm_mmu_vendor_module_init'),
    ],
  }),
};

function endState(x: Facts): Advice {
  const invariant = x.f.invariants?.[0];
  if (invariant) return INVARIANT[invariant](x);
  return x.f.kind === 'missing-step'
    ? {
        advice:
          'Every step of the kernel’s module load runs on the way to a working MMU; one left out leaves what it sets at whatever the module’s load or an earlier vendor load left there. The linked source shows the step where the kernel runs it.',
        links: [],
      }
    : {
        advice:
          'Every step ran, but not in the kernel’s order, and the module op ends with values the kernel never leaves. The linked source shows where the kernel sets them.',
        links: [],
      };
}

const BY_KIND: Record<Finding['kind'], (x: Facts) => Advice> = {
  clobber,
  'stale-read': staleRead,
  leak,
  'double-free': doubleFree,
  warn,
  'error-return': errorReturn,
  'missing-step': endState,
  'end-state': endState,
  'vm-setup': endState,
};

/** Globals the reader consumes that the finding's writer step sets. */
function staleGlobals(f: Finding, ctx: CheckContext, reader: TraceEvent | undefined): string[] {
  const reads = reader?.reads ?? [];
  const writer = f.steps[1] ? findStep(ctx.variant, f.steps[1]) : null;
  if (!writer || 'call' in writer.step.op) return [...reads];
  const effect = writer.step.op.effect;
  const physSource = ctx.variant.shape.physSource;
  const writes = new Set(
    (['vmx', 'svm'] as const).flatMap(
      (vendor) => effectFootprint(effect, { vendor, physSource }).writes,
    ),
  );
  return reads.filter((g) => writes.has(g));
}

/** Where a step the run left out sits in the ordering it was left out of. */
function referenceLink(f: Finding, ctx: CheckContext): Link[] {
  const ref = ctx.reference;
  const at = ref && f.steps[0] ? locateStep(ref.variant, f.steps[0]) : null;
  const src = at && (at.step.src ?? functionNamed(ref!.variant, at.fn)?.src);
  return src ? [link(src, `${stepPhrase(ref!.variant, f.steps[0]!)}: ${sourceLabel(src)}`)] : [];
}

export function adviseFinding(f: Finding, ctx: CheckContext): Advice {
  const first = ctx.events[f.events[0]!];
  const module = first ? ctx.op(first)?.module : undefined;
  const vendor =
    module === 'kvm_intel' ? ctx.variant.intel : module === 'kvm_amd' ? ctx.variant.amd : null;
  const a = BY_KIND[f.kind]({
    f,
    tree: ctx.variant.tree,
    whats: f.steps.map((s) => splitStepId(s).what),
    where: first?.fn ?? null,
    globals: f.kind === 'stale-read' ? staleGlobals(f, ctx, first) : [],
    alt: 'kvm_unconfigure_mmu' in ctx.variant.functions,
    faultAt: new Set(ctx.scenario.fail.map((x) => x.at)),
    phrase: (id) => stepPhrase(ctx.variant, id),
    hardwareSetup: vendor?.ops.hardware_setup ?? null,
  });
  // The step itself comes last: the specific reading first, then where it happens.
  const own =
    f.kind === 'missing-step' || f.kind === 'end-state'
      ? referenceLink(f, ctx)
      : first?.src
        ? [
            link(
              first.src,
              `${stepPhrase(ctx.variant, f.steps[0] ?? null)}: ${sourceLabel(first.src)}`,
            ),
          ]
        : [];
  const links = [...a.links, ...own].filter(
    (l, i, all) => all.findIndex((m) => m.url === l.url) === i,
  );
  return { advice: a.advice, links };
}
