/** The headless CLI contract (docs/scenario.md), for every built-in variant. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_KINDS, VARIANT_IDS } from '../engine';
import { runCli, type CliIo } from './cli';

const files = (map: Record<string, string>): CliIo => ({
  read(path) {
    if (path in map) return map[path]!;
    throw Object.assign(new Error('missing'), { code: 'ENOENT' });
  },
});
const run = (argv: string[], map: Record<string, string> = {}) => runCli(argv, files(map));
const scenario = (kernel: string, extra = {}) =>
  JSON.stringify({ v: 1, kernel, vendor: 'intel', ...extra });

describe('mmu run', () => {
  it.each(VARIANT_IDS)('%s: one JSON object with the contract fields', (kernel) => {
    const out = run(['run', 's.json'], { 's.json': scenario(kernel) });
    expect(out.code).toBe(0);
    const j = JSON.parse(out.stdout);
    expect(j).toMatchObject({ ok: true, kernel, events: expect.any(Number) });
    expect(Object.keys(j.final).sort()).toEqual(['caches', 'config', 'masks', 'modules', 'rmap']);
    for (const v of Object.values(j.final.masks)) expect(v).toMatch(/^0x[0-9a-f]+$/);
    expect(j.final.masks).toHaveProperty('shadow_present_mask');
    expect(j.final.config).toHaveProperty('tdp_enabled');
    expect(j.final.rmap).toEqual({ heads: 0, sptes: 0, descs: 0, bytes: 0 });
    for (const c of j.final.caches)
      expect(c).toMatchObject({
        name: expect.any(String),
        objectSize: expect.any(Number),
        objects: expect.any(Number),
        live: expect.any(Boolean),
      });
    for (const f of j.findings) {
      expect(FINDING_KINDS).toContain(f.kind);
      expect(f.steps.length).toBeGreaterThan(0);
      expect(f.message.length).toBeGreaterThan(20);
      expect(f.advice.length).toBeGreaterThan(20);
      expect(f.links.length).toBeGreaterThan(0);
    }
  });
  it('reads stdin with "-" and reports the rmap after a workload', () => {
    const out = run(['run', '-'], {
      '-': scenario('v6.6', { workload: [{ op: 'map', gfn: 4096, sptes: 20 }] }),
    });
    expect(JSON.parse(out.stdout).final.rmap).toEqual({
      heads: 1,
      sptes: 20,
      descs: 2,
      bytes: 256,
    });
  });
  it('--format text prints a table for people', () => {
    const out = run(['run', 's.json', '--format', 'text'], {
      's.json': scenario('bad-reset-after-setup'),
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^bad-reset-after-setup on intel: \d+ events/);
    expect(out.stdout).toContain('[clobber]');
    expect(out.stdout).toContain('kernel: Shipped kernels');
    expect(out.stdout).toMatch(/see: https:\/\/elixir\.bootlin\.com\//);
  });
  it('--fail-on-findings exits 1 when the checker finds something', () => {
    expect(
      run(['run', 's.json', '--fail-on-findings'], { 's.json': scenario('bad-reset-after-setup') })
        .code,
    ).toBe(1);
    expect(run(['run', 's.json', '--fail-on-findings'], { 's.json': scenario('v6.0') }).code).toBe(
      0,
    );
  });
});

describe('mmu compare', () => {
  const pair = {
    'a.json': scenario('v6.0'),
    'b.json': scenario('bad-reset-after-setup'),
  };
  it('prints a plain-text review by default', () => {
    const out = run(['compare', 'a.json', 'b.json'], pair);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toMatch(/^Patch-ordering review: v6\.0 vs bad-reset-after-setup\n/);
    expect(out.stdout).toContain('kvm_mmu_reset_all_pte_masks() moved from');
    expect(out.stdout).toContain('[clobber]');
  });
  it('--format markdown prints the same review as Markdown', () => {
    const out = run(['compare', 'a.json', 'b.json', '--format', 'markdown'], pair);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^### Patch-ordering review: `v6\.0` vs `bad-reset-after-setup`/);
  });
  it('--format json prints one object for scripts; "-" reads stdin', () => {
    const out = run(['compare', '-', 'b.json', '--format=json'], { '-': pair['a.json'], ...pair });
    const j = JSON.parse(out.stdout);
    expect(Object.keys(j)).toEqual(
      expect.arrayContaining(['ok', 'left', 'right', 'rows', 'moves', 'stateDiffs', 'findings']),
    );
    expect(j).toMatchObject({
      ok: true,
      left: { kernel: 'v6.0' },
      right: { kernel: 'bad-reset-after-setup' },
      moves: [{ what: 'kvm_mmu_reset_all_pte_masks()', to: 'kvm_arch_hardware_setup' }],
      findings: { both: [], onlyLeft: [] },
    });
    expect(j.findings.onlyRight.length).toBeGreaterThan(0);
  });
  it.each([
    [['compare', 'a.json'], 'usage: mmu run'],
    [['compare', 'a.json', 'b.json', 'c.json'], 'usage: mmu run'],
    [['compare', 'a.json', 'missing.json'], 'missing.json: cannot read (no such file)'],
    [['compare', 'a.json', 'bad.json'], 'bad.json: invalid scenario: kernel: expected one of'],
    [['compare', 'a.json', 'b.json', '--format', 'xml'], '--format must be text, markdown or json'],
    [['compare', 'a.json', 'b.json', '--fail-on-findings'], '--fail-on-findings is for mmu run'],
  ] as [string[], string][])('%j: {"ok":false,…} and exit 2', (argv, message) => {
    const out = run(argv, { ...pair, 'bad.json': scenario('v9.9') });
    expect(out.code).toBe(2);
    const j = JSON.parse(out.stdout);
    expect(j.ok).toBe(false);
    expect(j.error).toContain(message);
  });
  it('with a format for people the error goes to stderr', () => {
    const out = run(['compare', 'a.json', 'nope.json', '--format', 'markdown'], pair);
    expect(out).toMatchObject({ code: 2, stdout: '' });
    expect(out.stderr).toContain('error: nope.json: cannot read');
  });
});

describe('malformed input: {"ok":false,"error":…} and exit 2', () => {
  it.each([
    [['run', 'missing.json'], {}, 'missing.json: cannot read (no such file)'],
    [['run', 's.json'], { 's.json': '' }, 's.json: empty input'],
    [['run', 's.json'], { 's.json': '{"v":1,' }, 's.json: not valid JSON'],
    [['run', 's.json'], { 's.json': '[1,2]' }, 'invalid scenario: (top level): expected object'],
    [
      ['run', 's.json'],
      { 's.json': scenario('v6.0', { params: { tdp: 'on' } }) },
      'params.tdp: expected boolean',
    ],
    [
      ['run', 's.json'],
      { 's.json': scenario('v6.0', { edits: [{ remove: 'nope' }] }) },
      'edits[0]: there is no step "nope"',
    ],
    [['run'], {}, 'usage: mmu run'],
    [['frobnicate', 'x'], {}, 'usage: mmu run'],
    [['run', 's.json', '--colour'], { 's.json': '{}' }, "Unknown option '--colour'"],
    [['run', 's.json', '--format', 'xml'], { 's.json': '{}' }, '--format must be json or text'],
  ] as [string[], Record<string, string>, string][])('%j', (argv, map, message) => {
    const out = run(argv, map);
    expect(out.code).toBe(2);
    const j = JSON.parse(out.stdout);
    expect(j.ok).toBe(false);
    expect(j.error).toContain(message);
  });
  it.each(['toString', 'constructor', 'hasOwnProperty', 'valueOf', '__proto__'])(
    'an edit naming %s is no such function or step, not a crash',
    (name) => {
      const reset = 'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks';
      for (const [edit, message] of [
        [{ move: reset, to: name, index: 0 }, `there is no function "${name}"`],
        [{ move: name, to: 'kvm_arch_init', index: 0 }, `there is no step "${name}"`],
        [{ remove: name }, `there is no step "${name}"`],
      ] as const) {
        const out = run(['run', 's.json'], { 's.json': scenario('v6.0', { edits: [edit] }) });
        expect(out).toMatchObject({ code: 2, stderr: '' });
        expect(JSON.parse(out.stdout)).toEqual({
          ok: false,
          error: expect.stringContaining(`edits[0]: ${message}`),
        });
      }
    },
  );
  it('points at the line and column of a JSON syntax error when the parser gives a position', () => {
    const out = run(['run', 's.json'], { 's.json': '{\n  "v": 1,\n  "kernel" "v6.0"\n}' });
    expect(JSON.parse(out.stdout).error).toMatch(/line 3, column 12/);
  });
  it('with --format text the error goes to stderr', () => {
    const out = run(['run', 'missing.json', '--format', 'text']);
    expect(out).toMatchObject({ code: 2, stdout: '' });
    expect(out.stderr).toContain('error: missing.json: cannot read');
  });
});

describe('npm run --silent mmu (the real process)', () => {
  it('answers on stdout and exits 2 on bad input', () => {
    const ok = execFileSync('npm', ['run', '--silent', 'mmu', '--', 'run', '-'], {
      input: scenario('v6.0'),
      encoding: 'utf8',
    });
    expect(JSON.parse(ok)).toMatchObject({ ok: true, kernel: 'v6.0' });
    let code = 0;
    let stdout = '';
    try {
      execFileSync('npm', ['run', '--silent', 'mmu', '--', 'run', '-'], {
        input: '{',
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'ignore'],
      });
    } catch (e) {
      code = (e as { status: number }).status;
      stdout = (e as { stdout: string }).stdout;
    }
    expect(code).toBe(2);
    expect(JSON.parse(stdout).ok).toBe(false);
  }, 30_000);
  it('compares two files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmu-compare-'));
    try {
      writeFileSync(join(dir, 'b.json'), scenario('alt-configure-mmu'));
      const out = execFileSync(
        'npm',
        ['run', '--silent', 'mmu', '--', 'compare', '-', join(dir, 'b.json')],
        { input: scenario('seed-p2'), encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] },
      );
      expect(out).toMatch(/^Patch-ordering review: seed-p2 vs alt-configure-mmu\n/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  }, 30_000);
});
