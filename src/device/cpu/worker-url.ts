/**
 * Where the pool's worker entry lives and how to start it. From the compiled package the entry
 * is `worker.js` next to this file and needs nothing else. From the TypeScript sources (tests,
 * `tsx` scripts) it is `worker.ts`, which Node cannot load by itself — and Node 20 does not
 * apply `--import` loader hooks to a worker's entry module, even inherited ones. So the worker
 * starts from a small script that registers `tsx` (a dev dependency) first and then imports the
 * entry.
 */
import { fs, nodeModule, url } from '../../platform/node-builtins.js';

export type WorkerEntry =
  /** A module file the worker loads directly. */
  | { kind: 'file'; url: URL }
  /** Script source for `new Worker(code, { eval: true })`. */
  | { kind: 'eval'; code: string };

export function workerEntry(here: string = import.meta.url): WorkerEntry {
  if (!here.endsWith('.ts')) return { kind: 'file', url: new URL('./worker.js', here) };
  const entry = new URL('./worker.ts', here).href;
  const api = tsxEsmApi(here);
  const code = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return { kind: 'eval', code };
}

/** URL of tsx's ESM `register` API (the import condition of its `./esm/api` export). */
function tsxEsmApi(here: string): string {
  const pkgPath = nodeModule.createRequire(here).resolve('tsx/package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return new URL(pkg.exports['./esm/api']!.import.default, url.pathToFileURL(pkgPath)).href;
}
