/** tsflow from the sources, and the internals the benchmarks report on. */
import * as tf from '../../src/index.js';
import { randomData } from './child.js';
import type { CpuDevice } from '../../src/device/cpu/index.js';
import type { Plan } from '../../src/device/plan.js';

export { tf };

/**
 * The benchmarks' MLP 784-256-10 training step over inputs `x` [B, 784] and int labels `y`:
 * relu, sparse softmax cross-entropy, SGD at `lr`; weights from fixed seeds, so every case
 * trains the same model. Call inside the graph's asDefault.
 */
export function mlpTrainStep(x: tf.Tensor, y: tf.Tensor, lr: number, hidden = 256, out = 10) {
  const inputs = x.shape![1]!;
  const w1 = new tf.Variable(new tf.NDArray(randomData(inputs * hidden, 1).map((v) => v * 0.1), [inputs, hidden], 'float32'));
  const b1 = new tf.Variable(tf.zeros([hidden]));
  const w2 = new tf.Variable(new tf.NDArray(randomData(hidden * out, 2).map((v) => v * 0.1), [hidden, out], 'float32'));
  const b2 = new tf.Variable(tf.zeros([out]));
  const h = tf.nn.relu(tf.add(tf.matmul(x, w1), b1));
  const logits = tf.add(tf.matmul(h, w2), b2);
  const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }));
  const train = new tf.train.GradientDescentOptimizer(lr).minimize(loss);
  return { loss, train, init: tf.globalVariablesInitializer() };
}

/**
 * The MLP step on a graph of its own, batch `batch` of 784 inputs, with its fixed feeds (seeded
 * images, labels cycling through the classes).
 */
export function mlpStepGraph(batch = 128, inputs = 784, hidden = 256, out = 10) {
  const g = new tf.Graph();
  const m = g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [batch, inputs]);
    const y = tf.placeholder(tf.int32, [batch]);
    return { x, y, ...mlpTrainStep(x, y, 0.1, hidden, out) };
  });
  const feeds = new Map<tf.Tensor, tf.NDArray>([
    [m.x, new tf.NDArray(randomData(batch * inputs, 3), [batch, inputs], 'float32')],
    [m.y, new tf.NDArray(Int32Array.from({ length: batch }, (_, i) => (i * 7) % out), [batch], 'int32')],
  ]);
  return { g, m, feeds };
}

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
