/** Scenario files: whatever a file holds, opening it ends in a scenario or a message. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedArb, scenarioArb } from '../engine/arbitraries';
import { LIMITS } from '../engine/limits';
import { validateScenario } from '../engine/scenario';
import { scenarioFileName, scenarioFileText, scenariosFromText } from './files';

/** The checks openScenarioFile() makes, minus the worker round trip (same validateScenario). */
function open(text: string): string | null {
  const read = scenariosFromText(text);
  if (!read.ok) return read.error;
  for (const { scenario } of read.value) {
    const v = validateScenario(scenario);
    if (!v.ok) return v.error;
  }
  return null;
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
  it('scenarios the schema accepts, then mutated (types, fields, ids): a message or an open, never a throw', () => {
    let opened = 0;
    fc.assert(
      fc.property(
        scenarioArb().chain((s) => fc.tuple(fc.constant(s), mutatedArb(s))),
        ([s, mutated]) => {
          for (const text of [scenarioFileText(s), JSON.stringify(mutated)]) {
            const message = open(text);
            if (message === null) opened++;
            else expect(message).toMatch(/^(invalid scenario: .{10}|it is nested too deeply)/s);
          }
        },
      ),
      { numRuns: 1500, seed: 6 },
    );
    // Generated scenarios reach past the top-level check: many open.
    expect(opened).toBeGreaterThan(500);
  });
  it('the cap is the CLI’s 256 KiB: a file of 200,000 characters opens, a larger one is refused', () => {
    const padded = (n: number) => {
      const text = scenarioFileText({ v: 1, kernel: 'v6.0', vendor: 'intel' });
      return text + ' '.repeat(n - text.length);
    };
    expect(open(padded(200_000))).toBeNull();
    expect(open(padded(LIMITS.maxScenarioBytes))).toBeNull();
    expect(open(padded(LIMITS.maxScenarioBytes + 1))).toMatch(/too large/);
  });
  it('oversized and deeply nested files are refused before parsing costs anything', () => {
    expect(open(' '.repeat(300_000))).toMatch(/too large/);
    expect(open('['.repeat(100) + ']'.repeat(100))).toMatch(/nested too deeply/);
  });
});
