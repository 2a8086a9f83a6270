// Builds the web platform (issue 6) into dist/, served by `yizheng serve` at `/`. JSX goes through
// Vite's own esbuild (no Babel plugin), which keeps `npm ci` and the build fast.
import { defineConfig } from 'vite';

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: {
    // the supported browsers (docs/web.md, Browsers; R30): ES2020 syntax, and antd 5's CSS needs
    // :where() (Chrome/Edge 88, Firefox 78, Safari 14) — the Chromium cores of 360 and 国密 browsers
    target: ['es2020', 'chrome88', 'edge88', 'firefox78', 'safari14'],
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
    rollupOptions: {
      // antd marks its modules "use client" for React Server Components, which a SPA has none of
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:8080' } },
});
