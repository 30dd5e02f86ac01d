/**
 * What the CLI reads and runs is bounded (issue #17 item 3): each class of costly
 * input ends in {"ok":false,"error":…} and exit 2, never 1 (findings) or 134 (out
 * of memory), and without running (or reading) more than its budget. The real
 * process, as `npm run mmu` starts it, on real files and pipes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../engine';

const dir = mkdtempSync(join(tmpdir(), 'mmu-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const scenario = (workload: unknown[] = [], extra = {}) =>
  JSON.stringify({ v: 1, kernel: 'v6.0', vendor: 'intel', workload, ...extra });
const random = (gfns: number, sptes: number) => ({
  op: 'random',
  seed: 1,
  gfns,
  sptes,
  removePercent: 50,
});

/** Runs the CLI process with `stdin` piped in. */
function mmu(args: string[], stdin = '') {
  return new Promise<{ code: number | null; json: { ok: boolean; error?: string } }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'app/cli/mmu.ts', ...args], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, json: JSON.parse(out) }));
      child.stdin.end(stdin);
    },
  );
}
/** The same, with stdin redirected from a file (as `mmu run - < file` does). */
function mmuFrom(args: string[], path: string) {
  return new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn(
      'sh',
      [
        '-c',
        `exec "$0" --import tsx app/cli/mmu.ts ${args.join(' ')} < "$1"`,
        process.execPath,
        path,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

const refused = (r: { code: number | null; json: { ok: boolean; error?: string } }) => {
  expect(r.code).toBe(2);
  expect(r.json.ok).toBe(false);
  return r.json.error!;
};

// Each test starts several tsx processes side by side; on a loaded machine that takes
// minutes, not the default minute (the budgets themselves are CPU time, not wall time).
describe.concurrent(
  'mmu run: costly input exits 2 with {"ok":false,…}',
  { timeout: 240_000 },
  () => {
    it('a random op over 2^31 − 1 gfns, refused for its memory before it runs', async () => {
      const error = refused(await mmu(['run', '-'], scenario([random(2 ** 31 - 1, 2 ** 25)])));
      expect(error).toMatch(/^too costly to run: because of workload\[0\].* GB of memory/);
      expect(error).toMatch(/\(--budget \d+(\.\d)? or more lets it run\)$/);
    });
    it('a random op of 2^25 sptes on one gfn, refused for its work before it runs', async () => {
      const error = refused(await mmu(['run', '-'], scenario([random(1, 2 ** 25)])));
      expect(error).toMatch(
        /^too costly to run: because of workload\[0\], it needs about \d+ s of work/,
      );
    });
    it('a file of 2,000 map ops of 256 sptes (half a million trace events)', async () => {
      const ops = Array.from({ length: 2000 }, (_, gfn) => ({ op: 'map', gfn, sptes: 256 }));
      const error = refused(await mmu(['run', file('maps.json', scenario(ops))]));
      expect(error).toMatch(/^too costly to run: with 512,\d{3} trace events/);
    });
    it('a run the estimate lets through is stopped by its meter', async () => {
      // Unmapping chains that random ops built: the estimate does not see their length.
      const ops = Array.from({ length: 100 }, (_, seed) => [
        { op: 'random', seed, gfns: 1, sptes: 1001, removePercent: 0 },
        { op: 'unmap', gfn: 0, sptes: 1001 },
      ]).flat();
      const error = refused(await mmu(['run', '-', '--budget', '0.08'], scenario(ops)));
      expect(error).toMatch(/^stopped: the run went over its budget \(400 ms of work/);
    });
    it('--budget scales the budget: lower refuses what the default runs, higher runs it', async () => {
      const preset = scenario([random(65_536, 2 ** 20)]);
      expect(refused(await mmu(['run', '-', '--budget', '0.01'], preset))).toContain(
        'the budget is 50 ms and 11 MB',
      );
      const ok = await mmu(['run', '-', '--budget', '0.5'], preset);
      expect(ok).toMatchObject({ code: 0, json: { ok: true } });
      expect(refused(await mmu(['run', '-', '--budget', 'lots'], preset))).toBe(
        '--budget must be a positive number, not "lots"',
      );
    });
    it('a file over 256 KiB, refused by its size', async () => {
      const big = file('big.json', scenario([], { pad: ' '.repeat(LIMITS.maxScenarioBytes) }));
      expect(refused(await mmu(['run', big]))).toBe(
        `${big}: too large: a scenario is at most 262144 bytes (256 KiB)`,
      );
    });
    it('a file of 256 KiB exactly is read (and judged on what it says)', async () => {
      const text = scenario();
      const exact = file('exact.json', text + ' '.repeat(LIMITS.maxScenarioBytes - text.length));
      expect(await mmu(['run', exact])).toMatchObject({ code: 0, json: { ok: true } });
    });
    it('/dev/zero as a file, and as stdin, stops at the limit instead of reading forever', async () => {
      expect(refused(await mmu(['run', '/dev/zero']))).toBe(
        '/dev/zero: too large: a scenario is at most 262144 bytes (256 KiB)',
      );
      const piped = await mmuFrom(['run', '-'], '/dev/zero');
      expect(piped.code).toBe(2);
      expect(JSON.parse(piped.out)).toEqual({
        ok: false,
        error: 'stdin: too large: a scenario is at most 262144 bytes (256 KiB)',
      });
    });
    it('reads a UTF-8 byte order mark as the app does', async () => {
      const r = await mmu(['run', file('bom.json', '\uFEFF' + scenario())]);
      expect(r).toMatchObject({ code: 0, json: { ok: true } });
    });
    it('echoes a huge unknown key cut short', async () => {
      const key = 'k'.repeat(200_000);
      const error = refused(await mmu(['run', '-'], scenario([], { [key]: 1 })));
      expect(error).toBe(
        `invalid scenario: (top level): unknown field "${'k'.repeat(60)}"… (200000 characters)`,
      );
    });
  },
);
