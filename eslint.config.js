import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const IMPORTER_IS_CLI_ONLY = {
  group: ['**/import/*', 'web-tree-sitter'],
  message: 'Only app/cli and tests use the kernel source importer (app/import).',
};

/** The data flow is one-way: engine → worker → state → views. Lint keeps it that way. */
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
  { ignores: ['dist', 'test-results', 'playwright-report', 'node_modules', 'coverage'] },
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
            {
              group: [
                '../worker/*',
                '../state/*',
                '../views/*',
                '../viz/*',
                '../share/*',
                '../cli/*',
                '**/import/*',
              ],
              message: 'Nothing flows back into the engine.',
            },
          ],
        },
      ],
    },
  },
  {
    // The importer (kernel C → IR) is a tool of the CLI: the app and its worker never load it.
    files: ['app/worker/**/*.ts', 'app/share/**/*.ts'],
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
  {
    // The main thread never runs the engine: it sees only the replay/presentation surface.
    files: [
      'app/views/**/*.{ts,tsx}',
      'app/viz/**/*.{ts,tsx}',
      'app/state/**/*.{ts,tsx}',
      'app/main.tsx',
      'app/worker/client.ts',
      'app/worker/protocol.ts',
    ],
    // Tests are not the main thread: they may run the engine to check what a view offers.
    ignores: ['app/**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)engine(/(?!view$).*)?$',
              message:
                'On the main thread, import the engine through app/engine/view.ts only; the engine runs in the worker.',
            },
            IMPORTER_IS_CLI_ONLY,
          ],
        },
      ],
    },
  },
);
