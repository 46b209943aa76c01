/* global console */
// Bundles the compiled hub-proxy (dist/main.js, from `tsc -b hub-proxy`) into
// one file, dist/hub-proxy.mjs, which the image runs. One module instead of
// about 2,000 keeps about 30 MiB less per replica: esbuild leaves out the
// unused parts of @kubernetes/client-node's generated API, and Node keeps no
// per-module source and records (docs/performance.md, "Memory").
// Identifiers are not minified, so stack traces stay readable.
import { build } from 'esbuild';

const started = Date.now();
await build({
  absWorkingDir: import.meta.dirname,
  entryPoints: ['dist/main.js'],
  outfile: 'dist/hub-proxy.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  // CommonJS dependencies call require(); an ES module has none of its own.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
console.log(`[bundle] hub-proxy/dist/hub-proxy.mjs in ${Date.now() - started} ms`);
