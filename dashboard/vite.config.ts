import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';

// The api serves dist/ at the dashboard host (control-plane/src/routes/dashboard.ts).
// `npm run dev` proxies /api to a running Pyhost so the UI can be worked on live.
export default defineConfig({
  plugins: [react()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: {
    outDir: 'dist',
    // No inline <script> or module-preload polyfill: the CSP allows 'self' scripts only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 900,
  },
  server: {
    proxy: { '/api': { target: process.env.PYHOST_URL ?? 'http://localhost:8080', changeOrigin: false } },
  },
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    css: false,
    // A page test types and clicks through many renders; on a busy shared
    // machine that can take several times the 5 s default.
    testTimeout: 30_000,
  },
});
