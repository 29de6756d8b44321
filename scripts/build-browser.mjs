#!/usr/bin/env node
// Bundle tsflow for browsers with esbuild: dist/browser/tsflow.js (the "browser"/"worker" export
// condition, ESM, dependencies included) and dist/browser/tsflow-cpu-worker.js (the CPU device's
// Web Worker, loaded from next to tsflow.js). Fails if a Node built-in is imported by either, and
// prints each file's size minified and gzipped (also written to dist/browser/sizes.json).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
// --outdir DIR: build elsewhere (the browser tests build into a scratch directory)
const at = process.argv.indexOf('--outdir');
const outdir = at > 0 ? process.argv[at + 1] : `${root}dist/browser`;
mkdirSync(outdir, { recursive: true });

const nodeBuiltins = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:|^(fs|path|os|zlib|crypto|url|module|v8|worker_threads|child_process)(\/|$)/ }, (args) => ({
      errors: [{ text: `${args.path} is a Node built-in, imported by ${args.importer}: the browser build must not reach it (use src/platform)` }],
    }));
  },
};

const common = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  // class names are TF names (error classes, layer scopes): minifying must keep them
  keepNames: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [nodeBuiltins],
};

await build({ ...common, entryPoints: { tsflow: `${root}src/browser.ts`, 'tsflow-cpu-worker': `${root}src/device/cpu/worker-web.ts` }, outdir });

const sizes = {};
for (const f of ['tsflow.js', 'tsflow-cpu-worker.js']) {
  const bytes = readFileSync(`${outdir}/${f}`);
  sizes[f] = { minified: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  console.log(`${outdir}/${f}: ${(bytes.length / 1024).toFixed(1)} KiB minified, ${(sizes[f].gzip / 1024).toFixed(1)} KiB min+gzip`);
}
writeFileSync(`${outdir}/sizes.json`, `${JSON.stringify(sizes, null, 2)}\n`);
