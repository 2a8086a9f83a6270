// Builds the web platform (issue 6) into dist/, served by `yizheng serve` at `/`. JSX goes through
// Vite's own esbuild (no Babel plugin), which keeps `npm ci` and the build fast.
import { defineConfig } from 'vite';

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: {
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
