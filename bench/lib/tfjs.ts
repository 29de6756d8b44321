/** tfjs with the plain-JS ('cpu') or WebAssembly ('wasm') backend, as a reference. */
import { createRequire } from 'node:module';
import path from 'node:path';

export type Tfjs = typeof import('@tensorflow/tfjs');

export async function loadTfjs(backend: 'cpu' | 'wasm'): Promise<Tfjs> {
  // tfjs prints advice about tfjs-node to the console on load; keep the result line clean
  const log = console.log;
  console.log = () => {};
  try {
    const tf = cjs(await import('@tensorflow/tfjs'));
    if (backend === 'wasm') {
      const wasm = cjs(await import('@tensorflow/tfjs-backend-wasm'));
      wasm.setWasmPaths(wasmDir());
    }
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to start`);
    await tf.ready();
    return tf;
  } finally {
    console.log = log;
  }
}

/** A CommonJS package imported from ESM: bundlers may hand back its exports as `default`. */
function cjs<T extends object>(m: T): T {
  return 'default' in m && Object.keys(m).length <= 2 ? ((m as { default: T }).default ?? m) : m;
}

/** The backend's .wasm files: in the installed package, or (a bundled bench) beside this file. */
function wasmDir(): string {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/';
  } catch {
    return new URL('./tfjs-wasm/', import.meta.url).pathname;
  }
}
