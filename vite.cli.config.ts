/**
 * The headless CLI for plain Node (`npm run build` → dist-cli/mmu.js and its chunks in
 * dist-cli/chunks/): no tsx, no npm in between, so a run starts about as fast as Node
 * itself. A command loads only its own code: compare's, trace-check's, the importer's and
 * each imported kernel's data are chunks loaded when asked for (docs/performance.md,
 * "CLI start"). Everything is bundled (and the schema library tree-shaken) except
 * packages that load files of their own at run time, which stay imports resolved from
 * node_modules (see EXTERNAL).
 */
import { defineConfig } from 'vite';

/**
 * Packages that find their own assets (e.g. a .wasm next to their module file) at run
 * time: they stay imports, resolved from node_modules by plain node. The CLI's own code
 * finds such files with createRequire(import.meta.url).resolve('pkg/file.wasm'), which
 * resolves from dist-cli/ up to the same node_modules as from app/.
 */
export const EXTERNAL = ['web-tree-sitter'];

export default defineConfig({
  // The app's public/ files (icons, the social image) are not the CLI's.
  publicDir: false,
  build: {
    ssr: 'app/cli/mmu.ts',
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    minify: true,
    sourcemap: false,
    rollupOptions: {
      external: EXTERNAL,
      output: {
        entryFileNames: 'mmu.js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        banner: (chunk) => (chunk.isEntry ? '#!/usr/bin/env node' : ''),
      },
    },
  },
  ssr: { noExternal: true, external: EXTERNAL, target: 'node' },
});
