/**
 * eslint.config.js enforces the layers and forbids import cycles: each wrong-direction
 * import below is an error where it is written, each right-direction one is not, and
 * a two-file cycle is an error. Linted with ESLint's Node API and the repo's own config.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
// The cycle rule walks the whole app from each file: only the cycle tests below need it.
const eslint = new ESLint({ cwd: root, overrideConfig: { rules: { 'import-x/no-cycle': 'off' } } });

/** What the import rules say about `code` written in `file` (which need not exist). */
async function importProblems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result!.messages
    .filter((m) => m.ruleId?.startsWith('import-x/') || m.fatal)
    .map((m) => `${m.ruleId}: ${m.message}`);
}

const LAYER = (name: string) =>
  new RegExp(`^import-x/no-restricted-paths: .*Layers \\(eslint.config.js\\): ${name} imports`);
const ENGINE_VIA_VIEW = /^import-x\/no-restricted-paths: .*through app\/engine\/view\.ts only/;
const WORKER_VIA_CLIENT = /^import-x\/no-restricted-paths: .*through worker\/client\.ts/;

describe('layers: engine ← worker ← state ← share, viz ← views ← main; engine ← lessons ← state; engine ← import ← cli', () => {
  it.each([
    ['app/engine/probe.ts', "import { createEngineApi } from '../worker/api';", LAYER('engine')],
    [
      'app/engine/run/probe.ts',
      "import { useAppStore } from '../../state/store';",
      LAYER('engine'),
    ],
    ['app/worker/probe.ts', "import { useAppStore } from '../state/store';", LAYER('worker')],
    ['app/lessons/probe.ts', "import { useAppStore } from '../state/store';", LAYER('lessons')],
    ['app/lessons/probe.ts', "import { EngineClient } from '../worker/client';", LAYER('lessons')],
    ['app/engine/probe.ts', "import { LESSONS } from '../lessons';", LAYER('engine')],
    ['app/state/probe.ts', "import { decodeLink } from '../share/codec';", LAYER('state')],
    ['app/state/probe.ts', "import type { Decoded } from '../share/codec';", LAYER('state')],
    ['app/state/probe.ts', "import { formatCount } from '../viz/format';", LAYER('state')],
    ['app/state/probe.ts', "import { motionScale } from '../views/motion';", LAYER('state')],
    ['app/share/probe.ts', "import { formatCount } from '../viz/format';", LAYER('share')],
    ['app/share/probe.ts', "import { motionScale } from '../views/motion';", LAYER('share')],
    ['app/viz/probe.ts', "import { encodeLink } from '../share/codec';", LAYER('viz')],
    ['app/viz/probe.ts', "import { motionScale } from '../views/motion';", LAYER('viz')],
    ['app/cli/probe.ts', "import { useAppStore } from '../state/store';", LAYER('cli')],
    ['app/cli/probe.ts', "import { createEngineApi } from '../worker/api';", LAYER('cli')],
    // The CLI takes the link format from share, and nothing else of it.
    ['app/cli/probe.ts', "import { openScenarioFile } from '../share/files';", LAYER('cli')],
    ['app/import/probe.ts', "import { runCli } from '../cli/cli';", LAYER('import')],
    ['app/worker/probe.ts', "import { parseAndExtract } from '../import/parser';", LAYER('worker')],
    ['app/views/probe.ts', "import { MODELLED } from '../import/modelled';", LAYER('views')],
    ['app/views/probe.ts', "import { runCli } from '../cli/cli';", LAYER('views')],
    ['app/main.tsx', "import { runCli } from './cli/cli';", LAYER('main')],
    // Tests follow the layers too.
    ['app/engine/probe.test.ts', "import { useAppStore } from '../state/store';", LAYER('engine')],
    // The main thread reaches the engine and the worker only through their main-thread surfaces.
    [
      'app/views/probe.ts',
      "import { validateScenario } from '../engine/scenario';",
      ENGINE_VIA_VIEW,
    ],
    ['app/share/probe.ts', "import { LIMITS } from '../engine';", ENGINE_VIA_VIEW],
    ['app/lessons/probe.ts', "import { runScenario } from '../engine';", ENGINE_VIA_VIEW],
    ['app/state/probe.ts', "import { createEngineApi } from '../worker/api';", WORKER_VIA_CLIENT],
  ])('%s: %s is an error', async (file, code, message) => {
    const problems = await importProblems(file, code);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it.each([
    ['app/worker/probe.ts', "import { runScenario } from '../engine';"],
    ['app/cli/probe.ts', "import { runScenario } from '../engine';"],
    ['app/cli/probe.ts', "import { importTree } from '../import/node';"],
    ['app/cli/probe.ts', "import { encodeLink } from '../share/codec';"],
    ['app/import/probe.ts', "import { FILES } from '../engine/variants/dsl';"],
    ['app/state/probe.ts', "import { EngineClient } from '../worker/client';"],
    ['app/lessons/probe.ts', "import { hex } from '../engine/view';"],
    ['app/state/probe.ts', "import { LESSONS } from '../lessons';"],
    ['app/views/probe.ts', "import { GLOSSARY } from '../lessons';"],
    // Lessons are checked against the engine in their tests.
    ['app/lessons/probe.test.ts', "import { runScenario } from '../engine';"],
    ['app/share/probe.ts', "import { useAppStore } from '../state/store';"],
    ['app/viz/probe.ts', "import type { ViewSnapshot } from '../state/snapshot';"],
    ['app/views/probe.ts', "import { encodeLink } from '../share/codec';"],
    ['app/views/probe.ts', "import { formatCount } from '../viz/format';"],
    ['app/views/probe.ts', "import { hex } from '../engine/view';"],
    ['app/main.tsx', "import { App } from './views/App';"],
    // A test may run the engine to check what the main thread is given.
    ['app/state/probe.test.ts', "import { createEngineApi } from '../worker/api';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await importProblems(file, code)).toEqual([]);
  });
});

describe('cycles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lint-cycle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** The repo's config, linting a little app/state of two files written to a scratch folder. */
  async function lintPair(a: string, b: string): Promise<string[]> {
    mkdirSync(join(dir, 'app/state'), { recursive: true });
    writeFileSync(join(dir, 'app/state/a.ts'), a);
    writeFileSync(join(dir, 'app/state/b.ts'), b);
    const scratch = new ESLint({ cwd: dir, overrideConfigFile: join(root, 'eslint.config.js') });
    const [result] = await scratch.lintFiles(['app/state/a.ts']);
    return result!.messages.filter((m) => m.ruleId === 'import-x/no-cycle').map((m) => m.message);
  }

  it('two files importing each other are an error', async () => {
    expect(
      await lintPair(
        "import { b } from './b';\nexport const a = (): number => b() + 1;\n",
        "import { a } from './a';\nexport const b = (): number => a.length;\n",
      ),
    ).toEqual(['Dependency cycle detected']);
  });

  it('one way is not a cycle, nor is a type-only import back (it leaves no import in the build)', async () => {
    expect(
      await lintPair(
        "import { b } from './b';\nexport const a = (): number => b() + 1;\n",
        'export const b = (): number => 1;\n',
      ),
    ).toEqual([]);
    expect(
      await lintPair(
        "import { b } from './b';\nexport type A = number;\nexport const a = (): A => b();\n",
        "import type { A } from './a';\nexport const b = (): A => 1;\n",
      ),
    ).toEqual([]);
  });
});
