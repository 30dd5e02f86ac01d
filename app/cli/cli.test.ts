/** The headless CLI contract (docs/scenario.md), for every built-in variant. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FINDING_KINDS, VARIANT_IDS } from '../engine';
import { mutatedArb, scenarioArb } from '../engine/arbitraries';
import { renderFunctionGraph } from '../engine/ftrace/testing';
import { mustRun } from '../engine/testing';
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
  it.each(VARIANT_IDS)('%s: one JSON object with the contract fields', async (kernel) => {
    const out = await run(['run', 's.json'], { 's.json': scenario(kernel) });
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
  it('final.config lists only the globals of modules the run loads', async () => {
    const config = async (vendor: string, modules?: string[]) =>
      Object.keys(
        JSON.parse(
          (
            await run(['run', 's.json'], {
              's.json': JSON.stringify({ v: 1, kernel: 'v6.0', vendor, modules }),
            })
          ).stdout,
        ).final.config,
      );
    expect(await config('intel')).toContain('enable_ept');
    expect(await config('intel')).not.toContain('npt_enabled');
    expect(await config('intel')).not.toContain('sev_es_enabled');
    expect(await config('amd')).toContain('npt_enabled');
    expect(await config('amd')).not.toContain('enable_ept');
    expect(await config('amd')).toContain('tdp_enabled');
    const swap = ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'load kvm_amd'];
    expect(await config('intel', swap)).toEqual(
      expect.arrayContaining(['enable_ept', 'npt_enabled']),
    );
  });
  it('reads stdin with "-" and reports the rmap after a workload', async () => {
    const out = await run(['run', '-'], {
      '-': scenario('v6.6', { workload: [{ op: 'map', gfn: 4096, sptes: 20 }] }),
    });
    expect(JSON.parse(out.stdout).final.rmap).toEqual({
      heads: 1,
      sptes: 20,
      descs: 2,
      bytes: 256,
    });
  });
  it('--format text prints a table for people', async () => {
    const out = await run(['run', 's.json', '--format', 'text'], {
      's.json': scenario('bad-reset-after-setup'),
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^bad-reset-after-setup on intel: \d+ events/);
    expect(out.stdout).toContain('[clobber]');
    expect(out.stdout).toContain('kernel: Shipped kernels');
    expect(out.stdout).toMatch(/see: https:\/\/elixir\.bootlin\.com\//);
    // The caches are shown unmerged and their slab counts are a lower bound (kernel-facts.md §4).
    expect(out.stdout).toContain('Slab counts are a lower bound');
    expect(out.stdout).toContain('merges pte_list_desc into a shared cache');
  });
  it('--fail-on-findings exits 1 when the checker finds something', async () => {
    const failOn = async (kernel: string) =>
      (await run(['run', 's.json', '--fail-on-findings'], { 's.json': scenario(kernel) })).code;
    expect(await failOn('bad-reset-after-setup')).toBe(1);
    expect(await failOn('v6.0')).toBe(0);
  });
});

describe('mmu compare', () => {
  const pair = {
    'a.json': scenario('v6.0'),
    'b.json': scenario('bad-reset-after-setup'),
  };
  it('prints a plain-text review by default', async () => {
    const out = await run(['compare', 'a.json', 'b.json'], pair);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toMatch(/^Patch-ordering review: v6\.0 vs bad-reset-after-setup\n/);
    expect(out.stdout).toContain('kvm_mmu_reset_all_pte_masks() moved from');
    expect(out.stdout).toContain('[clobber]');
  });
  it('--format markdown prints the same review as Markdown', async () => {
    const out = await run(['compare', 'a.json', 'b.json', '--format', 'markdown'], pair);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^### Patch-ordering review: `v6\.0` vs `bad-reset-after-setup`/);
  });
  it('--format mail prints a reply: In-Reply-To from the scenario, the quoted ordering, Link: lines', async () => {
    const out = await run(['compare', 'a.json', 'b.json', '--format', 'mail'], {
      ...pair,
      'a.json': scenario('v6.0', { inReplyTo: '20220624232735.3090056-3-seanjc@google.com' }),
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^In-Reply-To: <20220624232735\.3090056-3-seanjc@google\.com>\n/);
    expect(out.stdout).toMatch(/^> kvm_mmu_vendor_module_init\(\):$/m);
    expect(out.stdout).toMatch(/^Link: https:\/\/lore\.kernel\.org\/all\//m);
  });
  it('refuses a scenario whose inReplyTo is not a Message-ID, naming the file', async () => {
    const out = await run(['compare', 'a.json', 'b.json', '--format', 'mail'], {
      ...pair,
      'a.json': scenario('v6.0', { inReplyTo: 'PATCH 2/4' }),
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(
      /^error: a\.json: invalid scenario: inReplyTo: expected a Message-ID/,
    );
  });
  it('--format json prints one object for scripts; "-" reads stdin', async () => {
    const out = await run(['compare', '-', 'b.json', '--format=json'], {
      '-': pair['a.json'],
      ...pair,
    });
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
    [
      ['compare', 'a.json', 'b.json', '--format', 'xml'],
      '--format must be text, markdown, mail or json',
    ],
    [['compare', 'a.json', 'b.json', '--fail-on-findings'], '--fail-on-findings is for mmu run'],
  ] as [string[], string][])('%j: {"ok":false,…} and exit 2', async (argv, message) => {
    const out = await run(argv, { ...pair, 'bad.json': scenario('v9.9') });
    expect(out.code).toBe(2);
    const j = JSON.parse(out.stdout);
    expect(j.ok).toBe(false);
    expect(j.error).toContain(message);
  });
  it('with a format for people the error goes to stderr', async () => {
    const out = await run(['compare', 'a.json', 'nope.json', '--format', 'markdown'], pair);
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
  ] as [string[], Record<string, string>, string][])('%j', async (argv, map, message) => {
    const out = await run(argv, map);
    expect(out.code).toBe(2);
    const j = JSON.parse(out.stdout);
    expect(j.ok).toBe(false);
    expect(j.error).toContain(message);
  });
  it.each(['toString', 'constructor', 'hasOwnProperty', 'valueOf', '__proto__'])(
    'an edit naming %s is no such function or step, not a crash',
    async (name) => {
      const reset = 'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks';
      for (const [edit, message] of [
        [{ move: reset, to: name, index: 0 }, `there is no function "${name}"`],
        [{ move: name, to: 'kvm_arch_init', index: 0 }, `there is no step "${name}"`],
        [{ remove: name }, `there is no step "${name}"`],
      ] as const) {
        const out = await run(['run', 's.json'], { 's.json': scenario('v6.0', { edits: [edit] }) });
        expect(out).toMatchObject({ code: 2, stderr: '' });
        expect(JSON.parse(out.stdout)).toEqual({
          ok: false,
          error: expect.stringContaining(`edits[0]: ${message}`),
        });
      }
    },
  );
  it('scenarios the schema accepts, then mutated (types, fields, ids): a report (exit 0) or ok:false (exit 2), never a throw', async () => {
    const codes = { 0: 0, 2: 0 };
    await fc.assert(
      fc.asyncProperty(
        scenarioArb({ maxSptes: 64 }).chain((s) => fc.oneof(fc.constant(s), mutatedArb(s))),
        async (input) => {
          const out = await run(['run', 's.json'], { 's.json': JSON.stringify(input) });
          expect([0, 2]).toContain(out.code);
          codes[out.code as 0 | 2]++;
          const j = JSON.parse(out.stdout);
          if (out.code === 2)
            expect(j).toEqual({ ok: false, error: expect.stringMatching(/.{10}/) });
          else expect(j.ok).toBe(true);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
    expect(codes[0]).toBeGreaterThan(30);
    expect(codes[2]).toBeGreaterThan(30);
  });
  it('points at the line and column of a JSON syntax error when the parser gives a position', async () => {
    const out = await run(['run', 's.json'], { 's.json': '{\n  "v": 1,\n  "kernel" "v6.0"\n}' });
    expect(JSON.parse(out.stdout).error).toMatch(/line 3, column 12/);
  });
  it('with --format text the error goes to stderr', async () => {
    const out = await run(['run', 'missing.json', '--format', 'text']);
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

describe('mmu trace-check', () => {
  const model = mustRun('v6.6', 'amd', { params: { hostCpus: 1 } });
  const agreeing = renderFunctionGraph(model);
  const lines = agreeing.split('\n');
  const missing = lines.filter((l) => !l.includes('kvm_configure_mmu')).join('\n');
  const args = ['trace-check', 't.txt', '--kernel', 'v6.6', '--vendor', 'amd'];

  it('prints every call with its model source and exits 0 when the model and trace agree', async () => {
    const out = await run([...args, '--params', 'hostCpus=1'], { 't.txt': agreeing });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Trace check: t\.txt against v6\.6 \/ amd\n/);
    expect(out.stdout).toContain('  model:   v6.6 (v6.3+ structure); hostCpus=1; no fault\n');
    expect(out.stdout).toMatch(
      // Each call at its own line: kvm_x86_vendor_init() where svm_init() calls it.
      /\n= {3}kvm_x86_vendor_init\(\) +trace line \d+, arch\/x86\/kvm\/svm\/svm\.c:\d+ \(v6\.6\.87\)\n/,
    );
    expect(out.stdout.trimEnd().split('\n').at(-1)).toBe(
      '30 agree: the model and the trace agree.',
    );
  });

  it('exits 1 and names the difference, in text and in JSON', async () => {
    const text = await run(args, { 't.txt': missing });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /\n- {9}kvm_configure_mmu\(\) +only in the model: kvm_configure_mmu\(\); arch\/x86\/kvm\/svm\/svm\.c:\d+ \(v6\.6\.87\)\n/,
    );
    const json = await run([...args, '--format', 'json'], { 't.txt': missing });
    expect(json.code).toBe(1);
    const j = JSON.parse(json.stdout);
    expect(j).toMatchObject({ ok: true, agrees: false, counts: { 'model-only': 1 } });
    expect(j.rows.find((r: { kind: string }) => r.kind === 'model-only')).toMatchObject({
      name: 'kvm_configure_mmu',
      source: { url: expect.stringMatching(/^https:\/\/elixir\.bootlin\.com\/linux\/v6\.6\.87\//) },
    });
  });

  it('checks an unwind against the model’s fault, leaving out a forced function’s body', async () => {
    const failed = mustRun('v6.6', 'amd', { fail: [{ at: 'hardware_setup' }] });
    const trace = renderFunctionGraph(failed);
    const out = await run([...args, '--fail', 'hardware_setup', '--forced', 'svm_hardware_setup'], {
      't.txt': trace,
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('fail hardware_setup');
  });

  it('exits 2 with what was expected for a capture it cannot read', async () => {
    const out = await run(args, { 't.txt': 'hello\n' });
    expect(out.code).toBe(2);
    expect(JSON.parse(out.stdout).error).toMatch(
      /^t\.txt: not ftrace function_graph output: expected lines like .*; line 1 reads "hello"$/,
    );
    const text = await run([...args, '--format', 'text'], { 't.txt': '# tracer: nop\n' });
    expect(text.stderr).toMatch(/^error: t\.txt: the capture was made with the nop tracer/);
  });

  it('exits 2 on a bad model request, and on options another command takes', async () => {
    const err = async (argv: string[]) =>
      JSON.parse((await run(argv, { 't.txt': agreeing })).stdout).error;
    expect(await err(['trace-check', 't.txt', '--vendor', 'amd'])).toMatch(
      /^trace-check needs a trace, --kernel and --vendor\n/,
    );
    expect(await err([...args.slice(0, 3), 'v9.9', '--vendor', 'amd'])).toMatch(
      /^invalid scenario: kernel: expected one of /,
    );
    expect(await err([...args, '--params', 'tdp'])).toBe('--params: expected key=value, got "tdp"');
    expect(await err([...args, '--params', 'hostCpus=0'])).toMatch(
      /^invalid scenario: params\.hostCpus: /,
    );
    expect(await err([...args, '--fail', 'nowhere'])).toMatch(
      /^invalid scenario: fail\[0\]\.at: expected one of /,
    );
    expect(await err(['run', 't.txt', '--kernel', 'v6.6'])).toBe('--kernel is for mmu trace-check');
  });
});
