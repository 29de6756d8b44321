/**
 * The CPU device's worker pool end to end: the same graphs inline, on two and three threads,
 * and with every splittable step fanned out (parallelThreshold 0) give identical bits; runs
 * repeat exactly; worker errors and dead workers fail the run naming the op, leave variables
 * unchanged, and the next run works on fresh workers.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { cpuDevice, poolReady, randomArray } from './cpu-helpers.js';

type Config = { threads: number; parallelThreshold?: number };
const CONFIGS: Config[] = [
  { threads: 1 },
  { threads: 2 },
  { threads: 2, parallelThreshold: 0 },
  { threads: 3, parallelThreshold: 0 },
];

interface Model {
  graph: tf.Graph;
  feeds: Map<tf.Tensor, tf.NDArray>;
  train: tf.Operation | null;
  fetches: (tf.Tensor | tf.Variable)[];
}

/** A small MLP training step: matmul, bias add, relu, sparse softmax cross-entropy, SGD. */
function mlp(): Model {
  const graph = new tf.Graph();
  return graph.asDefault(() => {
    const x = tf.placeholder(tf.float32, [96, 80]);
    const labels = tf.placeholder(tf.int32, [96]);
    const w1 = new tf.Variable(randomArray([80, 72], 1));
    const b1 = new tf.Variable(tf.zeros([72]));
    const w2 = new tf.Variable(randomArray([72, 10], 2));
    const b2 = new tf.Variable(tf.zeros([10]));
    const h = tf.nn.relu(tf.add(tf.matmul(x, w1), b1));
    const logits = tf.add(tf.matmul(h, w2), b2);
    const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }));
    const probs = tf.nn.softmax(logits);
    const train = new tf.train.GradientDescentOptimizer(0.5).minimize(loss);
    const lab = new tf.NDArray(Int32Array.from({ length: 96 }, (_, i) => (i * 7) % 10), [96], 'int32');
    return {
      graph,
      feeds: new Map<tf.Tensor, tf.NDArray>([[x, randomArray([96, 80], 3)], [labels, lab]]),
      train,
      fetches: [loss, probs, w1, b1, w2, tf.transpose(h), tf.reduceSum(h, 0)],
    };
  });
}

/** A small conv net step: conv2d, max pool, dense layer, gradients through all of it. */
function convnet(): Model {
  const graph = new tf.Graph();
  return graph.asDefault(() => {
    const x = tf.placeholder(tf.float32, [8, 12, 12, 3]);
    const f1 = new tf.Variable(randomArray([3, 3, 3, 8], 4));
    const w = new tf.Variable(randomArray([6 * 6 * 8, 5], 5));
    const c = tf.nn.relu(tf.nn.conv2d(x, f1, 1, 'SAME'));
    const p = tf.nn.maxPool(c, 2, 2, 'VALID');
    const logits = tf.matmul(tf.reshape(p, [8, 6 * 6 * 8]), w);
    const loss = tf.reduceSum(tf.square(logits));
    const train = new tf.train.GradientDescentOptimizer(0.01).minimize(loss);
    return { graph, feeds: new Map([[x, randomArray([8, 12, 12, 3], 6)]]), train, fetches: [loss, logits, f1, w] };
  });
}

/** Three training steps, then the fetches; every value as a plain array. */
async function trainRuns(model: Model, cfg: Config): Promise<number[][]> {
  const sess = new tf.Session({ graph: model.graph, ...cfg });
  try {
    await sess.run(model.graph.asDefault(() => tf.globalVariablesInitializer()));
    const out: number[][] = [];
    for (let i = 0; i < 3; i++) {
      const r = (await sess.run([...model.fetches, model.train], model.feeds)) as (tf.NDArray | null)[];
      for (const a of r) if (a) out.push(Array.from(a.data));
    }
    if (cfg.threads > 1 && cfg.parallelThreshold === 0) {
      // once the workers are up they take part (a run may end before a sleeping one wakes)
      await poolReady(sess);
      const pool = cpuDevice(sess).workerPool!;
      const before = pool.workerChunks;
      for (let i = 0; i < 50 && pool.workerChunks === before; i++) {
        await sess.run(model.fetches, model.feeds);
        // on a loaded machine a sleeping worker may need a moment to wake before the next run
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(pool.workerChunks).toBeGreaterThan(before);
    }
    return out;
  } finally {
    await sess.close();
  }
}

describe('CPU worker pool: results', () => {
  for (const [name, build] of [['MLP training step', mlp], ['conv net training step', convnet]] as const) {
    it(`${name}: identical bits inline, on 2 and 3 threads, with every step fanned out`, async () => {
      const model = build();
      const ref = await trainRuns(model, CONFIGS[0]!);
      for (const cfg of CONFIGS.slice(1)) {
        const got = await trainRuns(model, cfg);
        expect(got.length).toBe(ref.length);
        got.forEach((a, i) => expect(a, `${JSON.stringify(cfg)} fetch ${i}`).toEqual(ref[i]));
      }
    });
  }

  it('repeats bit for bit run after run (2 threads, every step fanned out)', async () => {
    const model = mlp();
    const sess = new tf.Session({ graph: model.graph, threads: 2, parallelThreshold: 0 });
    try {
      await sess.run(model.graph.asDefault(() => tf.globalVariablesInitializer()));
      const first = ((await sess.run(model.fetches, model.feeds)) as tf.NDArray[]).map((a) => Array.from(a.data));
      await poolReady(sess);
      for (let i = 0; i < 5; i++) {
        const again = ((await sess.run(model.fetches, model.feeds)) as tf.NDArray[]).map((a) => Array.from(a.data));
        again.forEach((a, j) => expect(a).toEqual(first[j]));
      }
    } finally {
      await sess.close();
    }
  });

  it('runSync drives the pool too', async () => {
    const model = mlp();
    const ref = await trainRuns(model, { threads: 1 });
    const sess = new tf.Session({ graph: model.graph, threads: 2, parallelThreshold: 0 });
    try {
      sess.runSync(model.graph.asDefault(() => tf.globalVariablesInitializer()));
      await poolReady(sess);
      const out: number[][] = [];
      for (let i = 0; i < 3; i++) {
        const r = sess.runSync([...model.fetches, model.train], model.feeds) as (tf.NDArray | null)[];
        for (const a of r) if (a) out.push(Array.from(a.data));
      }
      out.forEach((a, i) => expect(a).toEqual(ref[i]));
    } finally {
      await sess.close();
    }
  });
});

describe('CPU worker pool: failures', () => {
  it('a kernel error on any thread fails the run with its op name', async () => {
    const graph = new tf.Graph();
    const { out, idx } = graph.asDefault(() => {
      const params = tf.constant(randomArray([64, 32], 7));
      const idx = tf.placeholder(tf.int32, [256]);
      return { out: tf.gather(params, idx, { axis: 0, name: 'my_gather' }), idx };
    });
    const sess = new tf.Session({ graph, threads: 2, parallelThreshold: 0 });
    try {
      const good = new tf.NDArray(Int32Array.from({ length: 256 }, (_, i) => i % 64), [256], 'int32');
      await sess.run(out, new Map([[idx, good]]));
      await poolReady(sess);
      const bad = new tf.NDArray(Int32Array.from({ length: 256 }, (_, i) => (i === 200 ? 64 : i % 64)), [256], 'int32');
      for (let i = 0; i < 3; i++) {
        const err = await sess.run(out, new Map([[idx, bad]])).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(tf.errors.InvalidArgumentError);
        expect((err as tf.errors.OpError).op).toBe('my_gather');
        expect((err as Error).message).toMatch(/indices\[200\] = 64 is not in \[0, 64\)/);
      }
      const r = (await sess.run(out, new Map([[idx, good]]))) as tf.NDArray;
      expect(r.shape).toEqual([256, 32]);
    } finally {
      await sess.close();
    }
  });

  it('a worker that dies holding a chunk fails that run naming the step, leaves variables alone, and the next run works', async () => {
    const graph = new tf.Graph();
    const n = 384;
    const built = graph.asDefault(() => {
      const x = tf.placeholder(tf.float32, [n, n]);
      const v = new tf.Variable(tf.zeros([n, n]), { name: 'acc' });
      let y: tf.Tensor = x;
      const names: string[] = [];
      for (let i = 0; i < 8; i++) {
        y = tf.multiply(tf.matmul(y, x, { name: `mm${i}` }), 1 / n, `scale${i}`);
        names.push(`mm${i}`, `scale${i}`);
      }
      const update = tf.assign(v, tf.add(v, y));
      return { x, v, update, names, init: tf.globalVariablesInitializer() };
    });
    const feeds = new Map([[built.x, randomArray([n, n], 9)]]);
    const value = async () => Array.from(((await sess.run(built.v)) as tf.NDArray).data);
    const sess = new tf.Session({ graph, threads: 2 });
    try {
      await sess.run(built.init);
      await sess.run(built.update, feeds);
      const step = await value();
      await poolReady(sess);
      const pool = cpuDevice(sess).workerPool!;
      pool.crashForTesting(1);
      const before = await value();
      // the worker exits at the first chunk it claims, in this run or (if it was too slow to
      // claim one) a later one
      let err: unknown = null;
      for (let i = 0; i < 20 && !err; i++) err = await sess.run(built.update, feeds).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(tf.errors.OpError);
      const op = (err as tf.errors.OpError).op!;
      expect(built.names).toContain(op);
      expect((err as Error).message).toContain(op);
      expect((err as Error).message).toMatch(/worker thread 1 exited \(code 70\)/);
      // the failed run's update was not applied (runs before it each added `step`)
      const now = await value();
      const runsBefore = Math.round((now[0]! - before[0]!) / step[0]!);
      now.forEach((a, i) => expect(a).toBeCloseTo(before[i]! + runsBefore * step[i]!, 2));
      // the next run works, on fresh workers
      await sess.run(built.update, feeds);
      (await value()).forEach((a, i) => expect(a).toBeCloseTo(now[i]! + step[i]!, 2));
      await poolReady(sess);
      expect(cpuDevice(sess).workerPool).not.toBe(pool);
    } finally {
      await sess.close();
    }
  });

  it('a worker that dies during a synchronous run fails it at once, with the message asynchronous runs give', async () => {
    const graph = new tf.Graph();
    const n = 384;
    const built = graph.asDefault(() => {
      const x = tf.placeholder(tf.float32, [n, n]);
      const v = new tf.Variable(tf.zeros([n, n]), { name: 'acc' });
      let y: tf.Tensor = x;
      for (let i = 0; i < 8; i++) y = tf.matmul(y, x, { name: `mm${i}` });
      return { x, v, update: tf.assign(v, tf.add(v, tf.multiply(y, 1e-12))), init: tf.globalVariablesInitializer() };
    });
    const feeds = new Map([[built.x, randomArray([n, n], 9)]]);
    const sess = new tf.Session({ graph, threads: 2 });
    try {
      sess.runSync(built.init);
      sess.runSync(built.update, feeds);
      await poolReady(sess);
      const pool = cpuDevice(sess).workerPool!;
      pool.crashForTesting(1);
      const t0 = performance.now();
      let err: unknown = null;
      for (let i = 0; i < 20 && !err; i++) {
        try {
          sess.runSync(built.update, feeds);
        } catch (e) {
          err = e;
        }
      }
      // the stall timeout (30 s) is not what ended it
      expect(performance.now() - t0).toBeLessThan(15_000);
      expect(err).toBeInstanceOf(tf.errors.InternalError);
      const op = (err as tf.errors.OpError).op!;
      expect(op).toMatch(/^mm\d$/);
      expect((err as Error).message).toBe(`CPU worker thread 1 exited (code 70) while running ${op}`);
      // the next run works, on fresh workers
      sess.runSync(built.update, feeds);
      await poolReady(sess);
      expect(cpuDevice(sess).workerPool).not.toBe(pool);
    } finally {
      await sess.close();
    }
  });

  it('a worker terminated between runs is replaced', async () => {
    const model = mlp();
    const sess = new tf.Session({ graph: model.graph, threads: 2, parallelThreshold: 0 });
    try {
      await sess.run(model.graph.asDefault(() => tf.globalVariablesInitializer()));
      const ref = ((await sess.run(model.fetches, model.feeds)) as tf.NDArray[]).map((a) => Array.from(a.data));
      await poolReady(sess);
      const pool = cpuDevice(sess).workerPool!;
      await pool.threadsForTesting[0]!.terminate();
      const again = ((await sess.run(model.fetches, model.feeds)) as tf.NDArray[]).map((a) => Array.from(a.data));
      again.forEach((a, i) => expect(a).toEqual(ref[i]));
      await poolReady(sess);
      expect(cpuDevice(sess).workerPool).not.toBe(pool);
    } finally {
      await sess.close();
    }
  });

  it('close() stops the workers', async () => {
    const model = mlp();
    const sess = new tf.Session({ graph: model.graph, threads: 3, parallelThreshold: 0 });
    await sess.run(model.graph.asDefault(() => tf.globalVariablesInitializer()));
    await sess.run(model.fetches, model.feeds);
    await poolReady(sess);
    const workers = cpuDevice(sess).workerPool!.threadsForTesting;
    expect(workers.length).toBe(2);
    const exits = workers.map((w) => new Promise((r) => w.once('exit', r)));
    await sess.close();
    await Promise.all(exits);
    expect(workers.every((w) => w.threadId === -1)).toBe(true);
  });
});
