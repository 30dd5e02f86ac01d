/** Scenario files: whatever a file holds, opening it ends in a scenario or a message. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../engine/scenario';
import { parseJson } from './codec';
import { scenarioFileName, scenarioFileText } from './files';

/** The checks openScenarioFile() makes, minus the worker round trip (same validateScenario). */
function open(text: string): string | null {
  const parsed = parseJson(text, 'it');
  if (!parsed.ok) return parsed.error;
  const v = validateScenario(parsed.value);
  return v.ok ? null : v.error;
}

describe('scenario files', () => {
  it('a downloaded scenario opens again unchanged', () => {
    const s = {
      v: 1 as const,
      kernel: 'seed-p3' as const,
      vendor: 'amd' as const,
      params: { tdp: false },
      workload: [{ op: 'map' as const, gfn: 1, sptes: 4 }],
    };
    expect(open(scenarioFileText(s))).toBeNull();
    expect(JSON.parse(scenarioFileText(s))).toEqual(s);
    expect(scenarioFileName(s)).toBe('kvm-mmu-seed-p3-amd.json');
  });
  it('random bytes, random JSON and mutated scenarios never throw and always explain', () => {
    const good = scenarioFileText({
      v: 1,
      kernel: 'v6.0',
      vendor: 'intel',
      fail: [{ at: 'hardware_setup' }],
    });
    fc.assert(
      fc.property(
        fc.string({ maxLength: 400 }),
        fc.jsonValue({ maxDepth: 8 }),
        fc.nat(good.length),
        fc.string({ maxLength: 3 }),
        (junk, json, at, insert) => {
          for (const text of [
            junk,
            JSON.stringify(json),
            good.slice(0, at) + insert + good.slice(at),
          ]) {
            const message = open(text);
            if (message !== null) expect(message.length).toBeGreaterThan(10);
          }
        },
      ),
      { numRuns: 1500, seed: 5 },
    );
  });
  it('oversized and deeply nested files are refused before parsing costs anything', () => {
    expect(open(' '.repeat(70_000))).toMatch(/too large/);
    expect(open('['.repeat(100) + ']'.repeat(100))).toMatch(/nested too deeply/);
  });
});
