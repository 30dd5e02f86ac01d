import { describe, expect, it, vi } from 'vitest';

describe('loadVariant', () => {
  it('an imported kernel runs once its data is loaded; the list shows it before', async () => {
    // A fresh copy of the registry: the test setup has loaded every variant in the shared one.
    vi.resetModules();
    const fresh = await import('./index');
    expect(() => fresh.VARIANTS['v6.12']).toThrow(
      "v6.12 runs from imported data that is not loaded: loadVariant('v6.12')",
    );
    expect(fresh.BUILT_IN_TREES['v6.12']).toBeUndefined();
    expect(fresh.variantMeta('v6.12')).toMatchObject({
      kind: 'shipped',
      title: expect.stringContaining('6.12.118'),
    });
    expect(fresh.VARIANTS['v6.0'].id).toBe('v6.0');
    await fresh.loadVariant('v6.12');
    expect(fresh.VARIANTS['v6.12'].id).toBe('v6.12');
    expect(fresh.BUILT_IN_TREES['v6.12']?.version).toMatch(/^6\.12\./);
    expect(() => fresh.VARIANTS['v6.1']).toThrow("loadVariant('v6.1')");
  });
});
