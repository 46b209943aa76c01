import { defineConfig } from 'vite';

/**
 * The admin pages bundle. hub-proxy serves `dist/index.html` for every page
 * and `dist/assets/*` as immutable files, so names are hashed and URLs are
 * relative (`base: './'`): the same build works under any hub prefix.
 */
export default defineConfig({
  base: './',
  // Classic JSX (`React.createElement`), as @turing/ui is compiled; no React plugin needed.
  oxc: { jsx: { runtime: 'classic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    // The CSP forbids inline script: never inline the module preload polyfill.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    rollupOptions: {
      // JupyterLab's packages declare no `sideEffects`; the app only takes the null translator
      // from them, so their unused modules (the server connection, state database) are dropped.
      treeshake: {
        moduleSideEffects: (id: string) => !/node_modules\/@(jupyterlab|lumino)\//.test(id),
      },
      output: {
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
});
