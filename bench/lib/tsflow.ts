/** tsflow from the sources, and the internals the benchmarks report on. */
import * as tf from '../../src/index.js';
import type { CpuDevice } from '../../src/device/cpu/index.js';
import type { Plan } from '../../src/device/plan.js';

export { tf };

export function cpuDeviceOf(sess: tf.Session): CpuDevice {
  const s = sess as unknown as { runners?: Map<string, { device: CpuDevice }>; device?: CpuDevice };
  const d = s.runners?.get('cpu')?.device ?? s.device;
  if (!d) throw new Error('no CPU device on the session');
  return d;
}

/** Wait until the session's worker pool (if any) has all its workers up. */
export async function poolReady(sess: tf.Session): Promise<void> {
  const d = cpuDeviceOf(sess);
  const until = Date.now() + 60_000;
  while (d.threads > 1 && Date.now() < until) {
    const p = d.workerPool;
    if (p && p.ready === p.threads - 1) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The compiled plans a session's CPU runner holds (internal). */
export function cachedPlans(sess: tf.Session): Plan[] {
  const s = sess as unknown as { runners?: Map<string, { cache: Map<string, { compiled: { plan: Plan } }> }> };
  const cache = s.runners?.get('cpu')?.cache;
  return cache ? [...cache.values()].map((e) => e.compiled.plan) : [];
}
