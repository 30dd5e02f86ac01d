import { fileURLToPath } from 'node:url';
import type { CodeSplittingGroup } from 'rolldown';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The built app's Content-Security-Policy (README, "Publish as a static site"). Scripts,
 * the engine worker, styles and fetches come from the app's own origin only; images also
 * from blob: (Export PNG draws the SVG through a blob: URL). React and d3 set inline styles
 * through the CSSOM (element.style), which style-src does not restrict, so no
 * 'unsafe-inline' is needed. frame-ancestors cannot be set from a <meta> tag, and embed
 * mode is meant to be framed anyway.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/** Build only: the dev server's React refresh preamble is an inline script. */
function contentSecurityPolicy(): Plugin {
  const charset = '<meta charset="UTF-8" />';
  return {
    name: 'content-security-policy',
    apply: 'build',
    transformIndexHtml(html) {
      // Right after the charset: a CSP <meta> governs only what comes after it.
      if (!html.includes(charset))
        throw new Error(`index.html: no ${charset} to put the CSP after`);
      return html.replace(
        charset,
        `${charset}\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`,
      );
    },
  };
}

/**
 * Link previews (Open Graph, Twitter cards) want absolute image URLs, which a build meant
 * for any path cannot know. SITE_URL, where dist/ will be served, makes them absolute.
 */
function absolutePreviewUrls(siteUrl: string | undefined): Plugin {
  return {
    name: 'absolute-preview-urls',
    apply: 'build',
    enforce: 'post',
    transformIndexHtml(html) {
      if (!siteUrl) return html;
      const site = new URL(siteUrl.endsWith('/') ? siteUrl : `${siteUrl}/`);
      return html
        .replace(
          /(<meta (?:property="og:image"|name="twitter:image") content=")\.\/([^"]*)"/g,
          (_, head: string, path: string) => `${head}${new URL(path, site).href}"`,
        )
        .replace(
          '<meta property="og:type"',
          `<meta property="og:url" content="${site.href}" />\n    <meta property="og:type"`,
        );
    },
  };
}

/**
 * Everything an entry imports statically stays in its chunk. Without this, a module that
 * a lazy chunk also imports goes into a shared chunk of its own, and the first screen
 * loads a dozen files instead of one (the engine worker, a second file before it starts).
 */
const APP_ENTRY = fileURLToPath(new URL('./app/main.tsx', import.meta.url));
/** The first screen's panes: one chunk, however many lazy chunks (embeds, lessons) share them. */
const PANES_ENTRY = fileURLToPath(new URL('./app/views/panes/firstScreen.ts', import.meta.url));
const WORKER_ENTRY = fileURLToPath(new URL('./app/worker/engine.worker.ts', import.meta.url));

function entryChunk(entry: string, chunk: string): CodeSplittingGroup {
  let imported: Set<string> | null = null;
  return {
    name(id, ctx) {
      if (!imported) {
        imported = new Set();
        const queue = [entry];
        while (queue.length > 0) {
          const next = queue.pop()!;
          if (imported.has(next)) continue;
          imported.add(next);
          queue.push(...(ctx.getModuleInfo(next)?.importedIds ?? []));
        }
      }
      return imported.has(id) ? chunk : null;
    },
  };
}

export default defineConfig({
  // Relative URLs throughout, so dist/ works from any path (a GitHub Pages project site, a folder).
  base: './',
  plugins: [react(), contentSecurityPolicy(), absolutePreviewUrls(process.env.SITE_URL)],
  worker: {
    format: 'es',
    rolldownOptions: {
      output: { codeSplitting: { groups: [entryChunk(WORKER_ENTRY, 'engine.worker')] } },
    },
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  // Source maps only when asked for (SOURCEMAP=1 npm run build): they would publish the source.
  build: {
    target: 'es2022',
    sourcemap: process.env.SOURCEMAP === '1',
    rolldownOptions: {
      output: {
        // In order: what main imports stays in main; of the rest, what the panes import goes with them.
        codeSplitting: {
          groups: [entryChunk(APP_ENTRY, 'index'), entryChunk(PANES_ENTRY, 'panes')],
        },
      },
    },
  },
});
