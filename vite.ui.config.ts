import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The Svelte UI as plain static files (dist-ui/) for headless mode; the desktop shell builds the
// same sources through electron.vite.config.ts.
export default defineConfig({
  root: resolve(import.meta.dirname, 'src/ui'),
  base: './',
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: resolve(import.meta.dirname, 'dist-ui'),
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or styles: the strict CSP allows only 'self'.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
  },
});
