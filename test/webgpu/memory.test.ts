/**
 * A session on the WebGPU device keeps memory flat over many runs of a small graph (a variable
 * update, a random op, a fed placeholder and a fetched output): the device's live GPU buffers
 * (created minus destroyed) must not change at all, and the JS heap / array buffers only within
 * a generous tolerance, after a forced GC where one can be had (vitest runs without --expose-gc).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as tf from '../../src/index.js';
import type { WebGPUDevice } from '../../src/device/webgpu/index.js';
import { openDevice } from './helpers.js';

// Only to learn whether an adapter exists (skipping loudly if not); the session opens its own device.
const probe = await openDevice();

const RUNS = Number(process.env.TSFLOW_MEMORY_RUNS ?? 10_000);
const BATCH = 100;

/** The session's WebGPU device (test-only reach into a private field). */
function deviceOf(sess: tf.Session): WebGPUDevice {
  const r = (sess as unknown as { runners: Map<string, { device: WebGPUDevice }> }).runners.get('webgpu');
  if (!r) throw new Error('the session has not opened its WebGPU device');
  return r.device;
}

/** A full GC: the global one where --expose-gc was given, else one enabled at run time (V8 flag). */
function findGc(): (() => void) | undefined {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}
const gc = findGc();
function settle(): NodeJS.MemoryUsage {
  gc?.();
  gc?.();
  return process.memoryUsage();
}

describe.skipIf(!probe)('WebGPU session memory', () => {
  it(`stays flat over ${RUNS} runs`, { timeout: 120_000 }, async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [4], 'x');
      const v = new tf.Variable(tf.zeros([4]), { name: 'v' });
      const noise = tf.randomUniform([4], { seed: 7 });
      const upd = tf.assignAdd(v, tf.multiply(x, noise));
      const out = tf.add(tf.reduceSum(upd), tf.constant(1));
      return { x, v, out, init: tf.globalVariablesInitializer() };
    });
    const sess = new tf.Session({ graph: g, device: 'webgpu' });
    try {
      await sess.run(m.init);
      const feeds = new Map<tf.Tensor, tf.NDArray>([[m.x, new tf.NDArray(Float32Array.of(1, 1, 1, 1), [4], 'float32')]]);
      const run = (): Promise<tf.NDArray> => sess.run(m.out, feeds) as Promise<tf.NDArray>;
      /** `n` runs queued in batches (the session serializes them), awaited batch by batch. */
      const runMany = async (n: number): Promise<tf.NDArray> => {
        let last!: tf.NDArray;
        for (let done = 0; done < n; done += BATCH) {
          const batch: Promise<tf.NDArray>[] = [];
          for (let i = 0; i < Math.min(BATCH, n - done); i++) batch.push(run());
          last = (await Promise.all(batch)).at(-1)!;
        }
        return last;
      };

      // Warm-up: plans compiled, pipelines made, caches filled.
      await runMany(Math.min(200, RUNS));
      const dev = deviceOf(sess);
      const devBefore = dev.stats();
      const memBefore = settle();
      const t0 = performance.now();
      const last = await runMany(RUNS);
      const ms = performance.now() - t0;
      const devAfter = dev.stats();
      const memAfter = settle();

      const kib = (b: number): string => `${(b / 1024).toFixed(0)} KiB`;
      console.log(
        `WebGPU memory over ${RUNS} runs (${((ms * 1000) / RUNS).toFixed(0)} µs/run): device ${devBefore.buffers} → ${devAfter.buffers} buffers, ` +
          `${devBefore.bytes} → ${devAfter.bytes} bytes; heapUsed ${kib(memAfter.heapUsed - memBefore.heapUsed)}, ` +
          `arrayBuffers ${kib(memAfter.arrayBuffers - memBefore.arrayBuffers)}${gc ? '' : ' (no gc exposed)'}`,
      );

      // The runs did happen and the variable kept being updated (uniform noise in [0, 1)).
      expect(last.data[0]).toBeGreaterThan(1);
      expect(Number.isFinite(last.data[0])).toBe(true);
      // Strict: no GPU buffer leaked.
      expect(devBefore.buffers).toBeGreaterThan(0);
      expect(devAfter).toEqual(devBefore);
      // Loose: without a forced GC the heap drifts with garbage not yet collected.
      const slack = gc ? 8 * 1024 * 1024 : 64 * 1024 * 1024;
      expect(memAfter.heapUsed - memBefore.heapUsed).toBeLessThan(slack);
      expect(memAfter.arrayBuffers - memBefore.arrayBuffers).toBeLessThan(slack);
    } finally {
      await sess.close();
    }
  });
});
