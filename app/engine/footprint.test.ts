/**
 * Every step declares the globals it reads and writes; the checker trusts those
 * declarations, so this pins them against what the steps actually change.
 */
import { describe, expect, it } from 'vitest';
import { VARIANT_IDS, VENDORS } from './ids';
import { CONFIG } from './model/globals';
import type { Change } from './model/state';
import type { ScenarioInput } from './scenario';
import type { RunResult } from './runner';
import { FAULT_CASES, mustRun, runFaultCase } from './testing';

function globalOf(c: Change): string {
  if (c.section === 'caches') return `kmem_cache:${(c.after as { name: string }).name}`;
  return c.key;
}

/** Every change an event makes is one it declares (a module load: its own globals). */
function expectDeclared(r: RunResult): void {
  for (const e of r.trace.events) {
    if (e.kind === 'effect' || e.kind === 'skip' || e.kind === 'call')
      for (const c of e.changes)
        expect(e.writes, `${e.stepId} changed ${globalOf(c)}`).toContain(globalOf(c));
    if (e.kind === 'module')
      for (const c of e.changes)
        // a module load only (re)initialises globals of that module, or marks it loaded
        expect(
          c.section === 'modules' ||
            CONFIG[c.key]?.owner === e.title.split(' ')[1] ||
            e.title === 'insmod kvm',
        ).toBe(true);
  }
}

const scenarios: Partial<ScenarioInput>[] = [
  {},
  { params: { tdp: false, l1tf: true, sme: true, sevEs: true, mktmeKeyIdBits: 4, physBits: 52 } },
  { modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'load kvm_amd', 'unload kvm_amd'] },
];

describe('declared writes cover every change a step makes', () => {
  for (const kernel of VARIANT_IDS)
    for (const vendor of VENDORS)
      it.each(scenarios)(`${kernel} on ${vendor} %j`, (extra) => {
        expectDeclared(mustRun(kernel, vendor, extra));
      });
  // Error paths write too: every fault case of the shared matrix.
  it.each(FAULT_CASES.map((c) => [`${c.kernel} on ${c.vendor}, fault at ${c.at}`, c] as const))(
    '%s',
    (_, c) => expectDeclared(runFaultCase(c)),
  );
});
