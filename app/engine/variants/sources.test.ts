import { describe, expect, it } from 'vitest';
import { findStep } from '../edits';
import { FILES } from './dsl';
import { MODEL_BODIES } from './imported';
import { BUILT_IN_TREES, VARIANTS } from './index';
import { DEFINITIONS, MAIL, mailSource, sourceUrl, type KernelTree } from './sources';
import type { FunctionDef, StepDef } from './types';

describe('links to the kernel source', () => {
  it('every function of every variant that comes from a kernel tree links to its definition line', () => {
    for (const v of Object.values(VARIANTS))
      for (const f of Object.values(v.functions))
        if (f.src.kind === 'kernel') expect(f.src.line, `${v.id}: ${f.name}`).toBeGreaterThan(0);
  });
  // Definition lines read in rikudousennin22/linux-7.1.3 @ 037c6bf47ba7 (docs/kernel-model.md, "v7.1").
  it.each([
    ['vt_hardware_setup', 'arch/x86/kvm/vmx/main.c#L24'],
    ['vt_hardware_unsetup', 'arch/x86/kvm/vmx/main.c#L35'],
    ['tdx_hardware_setup', 'arch/x86/kvm/vmx/tdx.c#L3360'],
    ['kvm_mmu_vendor_module_init', 'arch/x86/kvm/mmu/mmu.c#L7619'],
    ['kvm_x86_vendor_init', 'arch/x86/kvm/x86.c#L10094'],
  ])('v7.1: %s links to elixir v7.1.3 %s', (name, where) => {
    expect(sourceUrl(VARIANTS['v7.1'].functions[name]!.src)).toBe(
      `https://elixir.bootlin.com/linux/v7.1.3/source/${where}`,
    );
  });
});

/** The steps of a function, error labels included. */
const stepsOf = (f: FunctionDef): StepDef[] => [...f.body, ...f.labels.flatMap((l) => l.steps)];

describe('a step links to its own call line', () => {
  // Read in each tree's mirror (docs/kernel-model.md, "Source lines"): tree, step, file, line.
  it.each([
    ['v5.19', 'v5.19', 'kvm_arch_init/kvm_mmu_vendor_module_init', FILES.x86, 9008],
    ['v5.19', 'v5.19', 'kvm_arch_hardware_setup/ops->hardware_setup', FILES.x86, 11720],
    ['v6.0', 'v6.0.19', 'kvm_x86_init/kvm_mmu_x86_module_init', FILES.x86, 13519],
    ['v6.0', 'v6.0.19', 'vmx_init/kvm_init', FILES.vmx, 8518],
    ['v6.0', 'v6.0.19', 'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks', FILES.mmu, 6689],
    ['v6.6', 'v6.6.87', 'svm_hardware_setup/kvm_configure_mmu', FILES.svm, 5285],
    ['latest', 'v6.19', 'vt_init/tdx_bringup', FILES.vmxMain, 1047],
    ['v7.1', 'v7.1.3', 'kvm_x86_vendor_init/kvm_mmu_vendor_module_init', FILES.x86, 10154],
    ['v7.1', 'v7.1.3', 'vt_init/kvm_init', FILES.vmxMain, 1069],
  ] as const)('%s: %s links to elixir %s %s#L%i', (variant, tag, id, file, line) => {
    const at = findStep(VARIANTS[variant], id);
    expect(at && sourceUrl(at.step.src!)).toBe(
      `https://elixir.bootlin.com/linux/${tag}/source/${file}#L${line}`,
    );
  });

  it('a step a patch changed links to its mail; one the patch left alone to the base tree', () => {
    const seed = VARIANTS['seed-p2'];
    expect(findStep(seed, 'kvm_arch_hardware_setup/kvm_mmu_hardware_setup')!.step.src).toEqual(
      mailSource(MAIL.p2),
    );
    expect(
      findStep(seed, 'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks')!.step.src,
    ).toEqual(mailSource(MAIL.p2));
    expect(findStep(seed, 'kvm_arch_hardware_setup/ops->hardware_setup')!.step.src).toEqual(
      findStep(VARIANTS['v5.19'], 'kvm_arch_hardware_setup/ops->hardware_setup')!.step.src,
    );
  });

  /** Steps with no call of their own, by what they do: each says why. */
  const NO_CALL_LINE: Record<string, string> = {
    vendor_exclusive_check: 'a test of a kvm_x86_ops field: no call',
    shadow_phys_bits_probe: 'assignments of the function itself, linked to its definition',
    reset_l1tf_masks: 'assignments of the function itself, linked to its definition',
    reset_default_masks: 'assignments of the function itself, linked to its definition',
    kvm_ad_enabled_reset: 'an assignment of the function itself, linked to its definition',
    set_ept_masks: 'assignments of the function itself, linked to its definition',
    configure_mmu: 'assignments of the function itself, linked to its definition',
    sev_hardware_setup: 'the function’s own checks, linked to its definition',
    tdx_gate: 'several statements (module parameter, checks), linked to the function',
    hardware_setup_tail: 'several statements after the MMU setup, linked to the function',
  };

  it('every step of every built-in variant has its line, or a reason it has none', () => {
    for (const v of Object.values(VARIANTS))
      for (const f of Object.values(v.functions))
        for (const s of stepsOf(f)) {
          const why = `${v.id}: ${s.id}`;
          if (s.src?.kind === 'kernel' && s.src.line) continue;
          if (s.src && s.src.kind !== 'kernel') continue; // a patch's mail, or the review
          if ('effect' in s.op && s.op.effect.kind === 'note') continue; // stands for several statements
          // An imported tree's functions whose steps are the model's own (imported.ts).
          if (v.id in BUILT_IN_TREES && Object.hasOwn(MODEL_BODIES, f.name)) continue;
          expect(NO_CALL_LINE[s.id.slice(s.id.lastIndexOf('/') + 1)], why).toBeDefined();
        }
  });

  it('every call line lies inside its caller’s definition, in its caller’s file', () => {
    let checked = 0;
    for (const v of Object.values(VARIANTS))
      for (const f of Object.values(v.functions))
        for (const s of stepsOf(f)) {
          if (s.src?.kind !== 'kernel' || !s.src.line) continue;
          // A moved step (teaching variants) keeps its id, which names the function it came from.
          const caller = s.id.split(/[@/]/)[0]!;
          const table = DEFINITIONS[s.src.tree as KernelTree] as Record<
            string,
            readonly [string, number]
          >;
          const def = table[caller];
          expect(def, `${v.id}: ${s.id} in ${s.src.tree}`).toBeDefined();
          const [file, start] = def!;
          const next = Math.min(
            ...Object.values(table)
              .filter(([f2, l]) => f2 === file && l > start)
              .map(([, l]) => l),
          );
          expect(s.src.file, `${v.id}: ${s.id}`).toBe(file);
          expect(s.src.line, `${v.id}: ${s.id}`).toBeGreaterThan(start);
          expect(s.src.line, `${v.id}: ${s.id}`).toBeLessThan(next);
          checked++;
        }
    expect(checked).toBeGreaterThan(500);
  });
});
