/** Helpers for the CPU worker-pool tests. */
import * as tf from 'tsflow';
import type { CpuDevice } from '../src/device/cpu/index.js';
import { rng } from './support/random.js';

/** The CPU device behind a session (internal: for pool statistics and killing workers). */
export function cpuDevice(sess: tf.Session): CpuDevice {
  const s = sess as unknown as { runners?: Map<string, { device: CpuDevice }>; device?: CpuDevice };
  const d = s.runners?.get('cpu')?.device ?? s.device;
  if (!d) throw new Error('no CPU device found on the session');
  return d;
}

/** Wait until the session's worker pool has all its workers up (after a first parallel run). */
export async function poolReady(sess: tf.Session, timeoutMs = 60_000): Promise<void> {
  const d = cpuDevice(sess);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const p = d.workerPool;
    if (p && p.ready === p.threads - 1) return;
    if (p?.failure) throw new Error(p.failure);
    if (Date.now() > until) throw new Error('worker pool did not start');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Seeded values uniform in [-0.5, 0.5). */
export function seeded(seed: number): () => number {
  const r = rng(seed);
  return () => r() - 0.5;
}

export function randomArray(shape: number[], seed: number): tf.NDArray {
  const r = seeded(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return new tf.NDArray(Float32Array.from({ length: n }, r), shape, 'float32');
}
