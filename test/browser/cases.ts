/**
 * Graphs the browser test runs both in Chromium (bundled into the test page) and in Node, with
 * the same inputs, so their numbers can be compared: a matmul + softmax, and a small MLP trained
 * a few steps with gradient descent. `tf` is passed in (the browser bundle in the page, the
 * sources in Node); inputs are fixed formulas, not random draws.
 */
import type * as TF from '../../src/index.js';

export interface CaseOptions {
  device: 'cpu' | 'webgpu';
  threads?: number;
  /** Training steps (default 8). */
  steps?: number;
}

export interface CaseResults {
  softmax: number[];
  losses: number[];
  weights: number[];
  /** Chunks the CPU device's workers ran, what started them, and why not where none did. */
  workerChunks: number;
  workers: number;
  platform: string | null;
  singleThreadReason: string | null;
  msPerStep: number;
}

const fill = (n: number, f: (i: number) => number): Float32Array => Float32Array.from({ length: n }, (_, i) => f(i));

interface CpuLike {
  workerPool: { workerChunks: number; threads: number; platform: string; ready: number; failure: string | null } | null;
  singleThreadReason?: string | null;
}
function cpuOf(sess: TF.Session): CpuLike | null {
  const s = sess as unknown as { runners?: Map<string, { device: CpuLike }> };
  return s.runners?.get('cpu')?.device ?? null;
}

/** After a first parallel run: wait until every worker is up, so that the steps are shared. */
async function poolReady(sess: TF.Session, timeoutMs = 30_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const p = cpuOf(sess)?.workerPool;
    if (!p || p.ready === p.threads - 1) return;
    if (p.failure) throw new Error(p.failure);
    if (performance.now() > until) throw new Error(`CPU workers did not start in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function runCases(tf: typeof TF, opts: CaseOptions): Promise<CaseResults> {
  // built in a synchronous asDefault: browsers have no async context to carry one across awaits
  const graph = new tf.Graph();
  const m = graph.asDefault(() => {
    // matmul + softmax: [96, 80] x [80, 64]
    const a = tf.constant(new tf.NDArray(fill(96 * 80, (i) => Math.sin(i * 0.37) * 0.8), [96, 80]));
    const b = tf.constant(new tf.NDArray(fill(80 * 64, (i) => Math.cos(i * 0.11) * 0.5), [80, 64]));
    const sm = tf.nn.softmax(tf.matmul(a, b));

    // MLP 32 → 48 (relu) → 10, softmax cross-entropy, gradient descent
    const x = tf.placeholder(tf.float32, [null, 32], 'x');
    const y = tf.placeholder(tf.int32, [null], 'y');
    const w1 = new tf.Variable(new tf.NDArray(fill(32 * 48, (i) => Math.sin(i * 1.3) * 0.25), [32, 48]), { name: 'w1' });
    const b1 = new tf.Variable(new tf.NDArray(fill(48, (i) => 0.01 * (i % 5)), [48]), { name: 'b1' });
    const w2 = new tf.Variable(new tf.NDArray(fill(48 * 10, (i) => Math.cos(i * 0.7) * 0.3), [48, 10]), { name: 'w2' });
    const b2 = new tf.Variable(new tf.NDArray(new Float32Array(10), [10]), { name: 'b2' });
    const h = tf.nn.relu(tf.add(tf.matmul(x, w1), b1));
    const logits = tf.add(tf.matmul(h, w2), b2);
    const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }));
    const trainOp = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
    const xs = new tf.NDArray(fill(128 * 32, (i) => Math.sin(i * 0.013 + (i % 7)) * 1.5), [128, 32]);
    const ys = new tf.NDArray(Int32Array.from({ length: 128 }, (_, i) => (i * 7 + (i >> 3)) % 10), [128], 'int32');
    return { sm, x, y, w1, b1, w2, b2, loss, trainOp, xs, ys, init: tf.globalVariablesInitializer() };
  });
  const { sm, x, y, w1, b1, w2, b2, loss, trainOp, xs, ys, init } = m;
  {
    const sess = new tf.Session({
      graph,
      device: opts.device,
      ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
      // every step fans out to the workers, so the threaded path is what gets compared
      parallelThreshold: 0,
    });
    try {
      const softmax = Array.from((await sess.run(sm)).data as Float32Array);
      await sess.run(init);
      await poolReady(sess);
      const feeds = new Map<TF.Tensor, TF.NDArray>([[x, xs], [y, ys]]);
      const losses: number[] = [];
      const t0 = performance.now();
      const steps = opts.steps ?? 8;
      for (let s = 0; s < steps; s++) {
        const [l] = await sess.run([loss, trainOp], feeds);
        losses.push((l as TF.NDArray).data[0] as number);
      }
      const msPerStep = (performance.now() - t0) / steps;
      const weights = (await sess.run([w1, b1, w2, b2])) as TF.NDArray[];
      const cpu = cpuOf(sess);
      const pool = cpu?.workerPool ?? null;
      return {
        softmax,
        losses,
        weights: weights.flatMap((wt) => Array.from(wt.data as Float32Array)),
        workerChunks: pool?.workerChunks ?? 0,
        workers: pool ? pool.threads - 1 : 0,
        platform: pool?.platform ?? null,
        singleThreadReason: cpu?.singleThreadReason ?? null,
        msPerStep,
      };
    } finally {
      await sess.close();
    }
  }
}
