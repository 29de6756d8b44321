/** tfjs with the plain-JS ('cpu') or WebAssembly ('wasm') backend, as a reference. */
import { createRequire } from 'node:module';
import path from 'node:path';

export type Tfjs = typeof import('@tensorflow/tfjs');

export async function loadTfjs(backend: 'cpu' | 'wasm'): Promise<Tfjs> {
  // tfjs prints advice about tfjs-node to the console on load; keep the result line clean
  const log = console.log;
  console.log = () => {};
  try {
    const tf = await import('@tensorflow/tfjs');
    if (backend === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/');
    }
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to start`);
    await tf.ready();
    return tf;
  } finally {
    console.log = log;
  }
}
