/**
 * The built CLI (vite.cli.config.ts → dist-cli/mmu.js, what `npm run build`
 * ships for plain `node`): built here into a temporary directory and run as a
 * process, it must answer like the source does.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTERNAL } from '../../vite.cli.config';

const scenario = JSON.stringify({ v: 1, kernel: 'v6.6', vendor: 'amd' });

describe('the built CLI (node dist-cli/mmu.js)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmu-build-'));
  const mmu = join(dir, 'mmu.js');
  beforeAll(() => {
    execFileSync(
      process.execPath,
      [
        'node_modules/vite/bin/vite.js',
        'build',
        '--config',
        'vite.cli.config.ts',
        '--outDir',
        dir,
        '--logLevel',
        'error',
      ],
      { stdio: 'ignore' },
    );
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is mmu.js and its chunks, self-contained, that plain node runs', () => {
    expect(readdirSync(dir).sort()).toEqual(['chunks', 'mmu.js']);
    expect(readFileSync(mmu, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const files = [mmu, ...readdirSync(join(dir, 'chunks')).map((f) => join(dir, 'chunks', f))];
    // Only Node's own modules, packages that load their own files and the build's own
    // chunks are imported at run time.
    const imports = files.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/\b(?:from\s*|import\()"([^"]+)"/g)].map((m) => m[1]!),
    );
    expect(imports.filter((i) => i.startsWith('./'))).not.toEqual([]);
    expect(
      imports.filter((i) => !i.startsWith('node:') && !i.startsWith('./') && !EXTERNAL.includes(i)),
    ).toEqual([]);
  });
  it('loads what a command needs when it runs: an imported kernel, compare', () => {
    const imported = JSON.stringify({ v: 1, kernel: 'v6.12', vendor: 'intel' });
    const out = execFileSync(process.execPath, [mmu, 'run', '-'], {
      input: imported,
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toMatchObject({ ok: true, kernel: 'v6.12', vendor: 'intel' });
    const left = join(dir, 'left.json');
    writeFileSync(left, imported);
    const compared = execFileSync(process.execPath, [mmu, 'compare', left, '-', '--format=json'], {
      input: scenario,
      encoding: 'utf8',
    });
    expect(JSON.parse(compared)).toMatchObject({ ok: true });
  });
  it('answers a run on stdin as the source does', () => {
    const out = execFileSync(process.execPath, [mmu, 'run', '-'], {
      input: scenario,
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toMatchObject({ ok: true, kernel: 'v6.6', vendor: 'amd' });
  });
  it('exits 2 with {"ok":false,…} on bad input', () => {
    const r = spawnSync(process.execPath, [mmu, 'run', '-'], { input: '{', encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false });
  });
});
