import { describe, expect, it, vi } from 'vitest';
import { VARIANT_IDS } from '../ids';
import { VARIANTS, variantMeta } from './index';

/** A fresh copy of the registry: the test setup has loaded every variant in the shared one. */
async function freshRegistry() {
  vi.resetModules();
  return import('./index');
}

describe('loadVariant', () => {
  it('an imported kernel runs once its data is loaded; the list shows it before', async () => {
    const fresh = await freshRegistry();
    expect(() => fresh.VARIANTS['v6.12']).toThrow(
      "v6.12 runs from imported data that is not loaded: loadVariant('v6.12')",
    );
    expect(fresh.BUILT_IN_TREES['v6.12']).toBeUndefined();
    expect(fresh.variantMeta('v6.12')).toMatchObject({
      kind: 'shipped',
      title: expect.stringContaining('6.12.118'),
    });
    await fresh.loadVariant('v6.12');
    expect(fresh.VARIANTS['v6.12'].id).toBe('v6.12');
    expect(fresh.BUILT_IN_TREES['v6.12']?.version).toMatch(/^6\.12\./);
    expect(() => fresh.VARIANTS['v6.1']).toThrow("loadVariant('v6.1')");
  });

  it('a written variant is built once its era and call lines are loaded, its base’s with them', async () => {
    const fresh = await freshRegistry();
    expect(() => fresh.VARIANTS['v6.0']).toThrow("v6.0 is not loaded: loadVariant('v6.0')");
    expect(() => fresh.shippedEra('v6.0')).toThrow(
      "the era of v6.0 is not loaded: loadVariant('v6.0')",
    );
    await fresh.loadVariant('bad-reset-after-setup');
    expect(fresh.VARIANTS['bad-reset-after-setup'].base).toBe('v6.0');
    expect(fresh.VARIANTS['v6.0'].id).toBe('v6.0');
    expect(fresh.shippedEra('v6.0').tree).toBe('v6.0.19');
    expect(() => fresh.VARIANTS['v6.6']).toThrow("loadVariant('v6.6')");
  });

  it.each(VARIANT_IDS)('%s: loadVariant loads everything it is built from', async (id) => {
    const fresh = await freshRegistry();
    await fresh.loadVariant(id);
    expect(fresh.VARIANTS[id]).toEqual(VARIANTS[id]);
  });

  it('the call lines of a tree are there once loaded, and say so before', async () => {
    vi.resetModules();
    const sources = await import('./sources');
    expect(() => sources.callSite('v6.19', 'arch/x86/kvm/x86.c', 'x')).toThrow(
      "the call lines of v6.19 are not loaded: loadCallLines('v6.19')",
    );
    await sources.loadCallLines('v6.19');
    expect(sources.callSite('v6.19', 'arch/x86/kvm/x86.c', 'no such step')).toBeUndefined();
    // A tree whose steps carry their own lines has no table to load.
    await sources.loadCallLines('v6.12.118');
    expect(sources.callSite('v6.12.118', 'arch/x86/kvm/x86.c', 'x')).toBeUndefined();
  });

  it('the list shows every variant as it runs, without loading or building any', async () => {
    const fresh = await freshRegistry();
    for (const id of VARIANT_IDS) {
      const { title, kind, summary, base } = fresh.variantMeta(id);
      expect({ title, kind, summary, base }, id).toEqual({
        title: VARIANTS[id].title,
        kind: VARIANTS[id].kind,
        summary: VARIANTS[id].summary,
        base: VARIANTS[id].base,
      });
      expect(variantMeta(id), id).toEqual(fresh.variantMeta(id));
    }
  });
});
