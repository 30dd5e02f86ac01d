import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';

/**
 * The data flow is one-way, and lint keeps it so. The app's layers, bottom up; each
 * imports only the layers below it (tests too):
 *
 *   engine ← worker ← state ← share, viz ← views ← main.tsx
 *   engine ← lessons ← state
 *   engine ← import ← cli
 *
 * engine: the pure model. worker: runs it for the main thread (api.ts) and is the
 * bridge to it (client.ts, protocol.ts). lessons: the guided tours and the glossary,
 * as data, and what they ask of a trace (teaching content, no UI). state: the store
 * and the runner. share: the
 * scenario ⇄ link/file codec and the URL it keeps in step with the store. viz: d3
 * drawing and the exports. views: React. import: the kernel source importer, a tool
 * of the CLI. cli: the engine (and the importer) in Node, nothing of the app.
 * share and viz are side by side: neither imports the other. The one file a layer may take
 * from a layer that is not below it is named in `alsoFiles`: the CLI writes and reads the
 * app's links (mmu review), so it uses share/codec.ts, the link format, and nothing else.
 */
const LAYERS = {
  engine: { path: 'app/engine', below: [] },
  worker: { path: 'app/worker', below: ['engine'] },
  lessons: { path: 'app/lessons', below: ['engine'] },
  import: { path: 'app/import', below: ['engine'] },
  cli: {
    path: 'app/cli',
    below: ['engine', 'import'],
    alsoFiles: { share: ['./codec.ts'] },
  },
  state: { path: 'app/state', below: ['engine', 'worker', 'lessons'] },
  share: { path: 'app/share', below: ['engine', 'worker', 'lessons', 'state'] },
  viz: { path: 'app/viz', below: ['engine', 'worker', 'lessons', 'state'] },
  views: { path: 'app/views', below: ['engine', 'worker', 'lessons', 'state', 'share', 'viz'] },
  main: {
    path: 'app/main.tsx',
    below: ['engine', 'worker', 'lessons', 'state', 'share', 'viz', 'views'],
  },
};

/** Per layer: one zone from each other layer that is not below it (but its alsoFiles). */
const LAYER_ZONES = Object.entries(LAYERS).flatMap(([name, { path, below, alsoFiles = {} }]) =>
  Object.keys(LAYERS)
    .filter((other) => other !== name && !below.includes(other))
    .map((other) => ({
      target: path,
      from: LAYERS[other].path,
      ...(alsoFiles[other] ? { except: alsoFiles[other] } : {}),
      message: `Layers (eslint.config.js): ${name} imports only ${below.join(', ') || 'itself'}${alsoFiles[other] ? ` (and ${other}'s ${alsoFiles[other].join(', ')})` : ''}.`,
    })),
);

/**
 * The main thread never runs the engine: it sees the engine's replay/presentation
 * surface (app/engine/view.ts and viewDetails.ts) and the worker's bridge, so the UI bundle stays small.
 * Tests are not the main thread: they may run the engine to check what a view offers.
 */
const MAIN_THREAD = [
  'app/lessons',
  'app/state',
  'app/share',
  'app/viz',
  'app/views',
  'app/main.tsx',
  'app/worker/client.ts',
  'app/worker/protocol.ts',
];
const MAIN_THREAD_ZONES = [
  {
    target: MAIN_THREAD,
    from: 'app/engine',
    except: ['./view.ts', './viewDetails.ts'],
    message:
      'On the main thread, import the engine through app/engine/view.ts only (viewDetails.ts: what only the panes and lazy views use).',
  },
  {
    target: MAIN_THREAD,
    from: 'app/worker',
    except: ['./client.ts', './protocol.ts'],
    message: 'The engine runs in the worker: the main thread talks to it through worker/client.ts.',
  },
];

const restrictedPaths = (zones) => ['error', { basePath: import.meta.dirname, zones }];

/** The importer's parser: only the importer loads it (the app and its worker never do). */
const IMPORTER_IS_CLI_ONLY = {
  group: ['web-tree-sitter'],
  message: 'Only app/cli and tests use the kernel source importer (app/import).',
};

/** The engine is pure TypeScript: no UI, worker or Node imports. */
const ENGINE_MAY_NOT_IMPORT = [
  'react',
  'react-dom',
  'd3',
  'd3-*',
  'zustand',
  'comlink',
  'lz-string',
  'node:*',
];

export default tseslint.config(
  {
    ignores: ['dist', 'dist-cli', 'test-results', 'playwright-report', 'node_modules', 'coverage'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Only the app has React components (Playwright fixtures also call a function "use").
    files: ['app/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'separate-type-imports' },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js'] })],
    },
    rules: {
      'import-x/no-restricted-paths': restrictedPaths([...LAYER_ZONES, ...MAIN_THREAD_ZONES]),
      // Type-only imports do not count: they leave no import in the built code.
      'import-x/no-cycle': 'error',
    },
  },
  {
    files: ['app/**/*.test.{ts,tsx}'],
    rules: { 'import-x/no-restricted-paths': restrictedPaths(LAYER_ZONES) },
  },
  {
    files: ['app/engine/**/*.ts'],
    ignores: ['app/engine/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ENGINE_MAY_NOT_IMPORT,
              message: 'The engine is pure TypeScript: no UI, worker or Node imports.',
            },
            IMPORTER_IS_CLI_ONLY,
          ],
        },
      ],
    },
  },
  {
    files: ['app/{worker,lessons,state,share,viz,views}/**/*.{ts,tsx}', 'app/main.tsx'],
    ignores: ['app/**/*.test.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [IMPORTER_IS_CLI_ONLY] }] },
  },
  {
    // Everything but its Node glue must run in a worker too.
    files: ['app/import/**/*.ts'],
    ignores: ['app/import/node.ts', 'app/import/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*'],
              message: 'Only app/import/node.ts may use Node: extraction must run in a worker.',
            },
          ],
        },
      ],
    },
  },
);
