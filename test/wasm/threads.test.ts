import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createWasmKernels } from '../../src/device/cpu/wasm/index.js';
import { enableRelaxedSimd } from '../../src/device/cpu/wasm/relaxed-flag.js';
import { Bump, rng } from './helpers.js';

const relaxedAvailable = enableRelaxedSimd();

/** Start the worker through tsx's loader (the test runs from TypeScript sources). */
function startWorker(memory: WebAssembly.Memory, relaxed: boolean): Worker {
  const entry = new URL('./matmul-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((t) => t.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
  return new Worker(boot, { eval: true, workerData: { memory, relaxed } });
}

describe('wasm matmul on two threads', () => {
  for (const relaxed of [false, true]) {
    it.skipIf(relaxed && !relaxedAvailable)(`a worker and the main thread split C's rows on one shared memory${relaxed ? ' (relaxed)' : ''}`, async () => {
      const memory = new WebAssembly.Memory({ initial: 64, maximum: 256, shared: true });
      const K = createWasmKernels(memory, { relaxed })!;
      const mem = new Bump(memory);
      const [m, n, k] = [150, 70, 90];
      const a = mem.alloc(m * k * 4);
      const b = mem.alloc(k * n * 4);
      const c1 = mem.alloc(m * n * 4);
      const c2 = mem.alloc(m * n * 4);
      const s0 = mem.alloc(K.scratchBytes(m, n, k));
      const s1 = mem.alloc(K.scratchBytes(m, n, k));
      const r = rng(5);
      const A = mem.f32(a, m * k);
      const B = mem.f32(b, k * n);
      for (let i = 0; i < A.length; i++) A[i] = r() - 0.5;
      for (let i = 0; i < B.length; i++) B[i] = r() - 0.5;
      K.matmul(a, b, c1, m, n, k, false, true, 0, m, s0);

      const w = startWorker(memory, relaxed);
      try {
        const reply = new Promise<{ relaxed: boolean }>((res, rej) => {
          w.once('message', res);
          w.once('error', rej);
        });
        w.postMessage([a, b, c2, m, n, k, false, true, 72, m, s1]);
        K.matmul(a, b, c2, m, n, k, false, true, 0, 72, s0);
        expect((await reply).relaxed).toBe(K.relaxed);
      } finally {
        await w.terminate();
      }
      expect(Array.from(mem.f32(c2, m * n))).toEqual(Array.from(mem.f32(c1, m * n)));
    }, 30_000);
  }
});
