import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The case handlers' console. It imports the workflow's vocabulary (workflows/vocabulary.ts, plain
 * TypeScript) straight from the service's source, so enum labels can never drift from the API.
 * `npm run dev --prefix web` proxies /api to a service on :3000.
 */
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@workflows': fileURLToPath(new URL('../workflows', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1600,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
