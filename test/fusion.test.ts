/**
 * Elementwise fusion (src/session/fusion.ts): plans compiled with fusion on
 * (graphOptions.optimizerOptions.globalJitLevel ON_1) give the same bits as with it off, on
 * every device in TSFLOW_TEST_DEVICES: an MLP training step with Adam, softmax, activations and
 * their gradients; a fetched intermediate keeps its value; variables commit the same values; a
 * failing run commits nothing; and the fused plan has fewer steps.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { refineShapes, refineStrides } from '../src/session/fusion.js';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();

const ON = { graphOptions: { optimizerOptions: { globalJitLevel: 'ON_1' as const } } };
const OFF = { graphOptions: { optimizerOptions: { globalJitLevel: 'OFF' as const } } };

function data(n: number, seed: number, special = false): Float32Array {
  const sp = [0, -0, 1, -1, 0.5, -0.5, 6, 5.999, 6.001, 15, -15, 15.5, -15.5, 30, -30, 88, -88, 1e-30, -1e-30, NaN, Infinity, -Infinity];
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = special && i < sp.length ? sp[i]! : ((s / 2 ** 32) - 0.5) * 8;
  }
  return out;
}

const bits = (a: NDArray): number[] => Array.from(a.data instanceof Float32Array ? new Uint32Array(a.data.buffer, a.data.byteOffset, a.data.length) : (a.data as ArrayLike<number>), Number);

/** Runs `f` in a fused and an unfused session of one graph; returns both results and stats. */
async function both<T>(graph: tf.Graph, options: tf.SessionOptions, f: (s: tf.Session) => Promise<T>): Promise<{ on: T; off: T; on_: tf.Session['stats']; off_: tf.Session['stats'] }> {
  const on = new tf.Session({ ...options, ...ON, graph });
  const off = new tf.Session({ ...options, ...OFF, graph });
  try {
    return { on: await f(on), off: await f(off), on_: { ...on.stats }, off_: { ...off.stats } };
  } finally {
    await on.close();
    await off.close();
  }
}

function expectSameBits(on: NDArray[], off: NDArray[]): void {
  expect(on.length).toBe(off.length);
  on.forEach((a, i) => {
    expect(a.shape, `fetch ${i}: shape`).toEqual(off[i]!.shape);
    expect(a.dtype).toBe(off[i]!.dtype);
    expect(bits(a), `fetch ${i}: bits`).toEqual(bits(off[i]!));
  });
}

describe('fusion frames', () => {
  it('refines shapes and strides, or says none exists', () => {
    expect(refineShapes([[12], [3, 4]])).toEqual([3, 4]);
    expect(refineShapes([[6, 4], [2, 12]])).toEqual([2, 3, 4]);
    expect(refineShapes([[2, 3], [3, 2]])).toBeNull();
    expect(refineShapes([[], []])).toEqual([]);
    // [6, 4] with row-broadcast strides [0, 1] over frame [2, 3, 4]
    expect(refineStrides([6, 4], [0, 1], [2, 3, 4])).toEqual([0, 0, 1]);
    expect(refineStrides([24], [1], [2, 3, 4])).toEqual([12, 4, 1]);
  });
});

for (const dev of devices) {
  describe(`fusion on ${dev.name}`, () => {
    const opts = dev.options;

    it('an MLP training step (Adam) gives the same losses and variables, in fewer steps', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const graph = new tf.Graph();
      const t = graph.asDefault(() => {
        const x = tf.placeholder(tf.float32, [null, 20]);
        const y = tf.placeholder(tf.int32, [null]);
        const w1 = new tf.Variable(new tf.NDArray(data(20 * 33, 1).map((v) => v * 0.1), [20, 33], 'float32'));
        const b1 = new tf.Variable(tf.zeros([33]));
        const w2 = new tf.Variable(new tf.NDArray(data(33 * 5, 2).map((v) => v * 0.1), [33, 5], 'float32'));
        const b2 = new tf.Variable(tf.zeros([5]));
        const h = tf.nn.relu(tf.add(tf.matmul(x, w1), b1));
        const logits = tf.add(tf.matmul(h, w2), b2);
        const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }));
        const train = new tf.train.AdamOptimizer(0.05).minimize(loss);
        return { x, y, loss, train, vars: [w1, b1, w2, b2], init: tf.globalVariablesInitializer() };
      });
      const xs = new tf.NDArray(data(12 * 20, 3), [12, 20], 'float32');
      const ys = new tf.NDArray(Int32Array.from({ length: 12 }, (_, i) => (i * 7) % 5), [12], 'int32');
      const r = await both(graph, opts, async (s) => {
        await s.run(t.init);
        const out: NDArray[] = [];
        for (let step = 0; step < 3; step++) {
          const [l] = await s.run([t.loss, t.train], new Map<tf.Tensor, NDArray>([[t.x, xs], [t.y, ys]]));
          out.push(l);
        }
        for (const v of t.vars) out.push(await s.run(v.value()));
        return out;
      });
      expectSameBits(r.on, r.off);
      expect(r.off_.stepsAfterFusion).toBe(r.off_.stepsBeforeFusion);
      expect(r.on_.stepsBeforeFusion).toBe(r.off_.stepsBeforeFusion);
      expect(r.on_.stepsAfterFusion).toBeLessThan(r.on_.stepsBeforeFusion);
    });

    it('softmax, activations and their gradients give the same bits', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const graph = new tf.Graph();
      const t = graph.asDefault(() => {
        const x = tf.placeholder(tf.float32, [6, 37]);
        const dy = tf.placeholder(tf.float32, [6, 37]);
        const acts = [
          tf.nn.relu(x), tf.nn.relu6(x), tf.sigmoid(x), tf.tanh(x), tf.nn.elu(x), tf.nn.selu(x),
          tf.nn.softplus(x), tf.nn.leakyRelu(x, 0.3), tf.nn.softmax(tf.multiply(x, 0.5)),
          tf.sqrt(tf.abs(x)), tf.rsqrt(tf.add(tf.abs(x), 1)), tf.square(tf.subtract(x, 1)),
        ];
        // a chain over the activations, and the gradient of Σ dy·chain
        const chain = acts.reduce((a, b) => tf.add(tf.multiply(a, 0.75), b));
        const [g] = tf.gradients(tf.reduceSum(tf.multiply(chain, dy)), [x]);
        return { x, dy, fetches: [...acts, chain, g!] };
      });
      const feeds = new Map<tf.Tensor, NDArray>([
        [t.x, new tf.NDArray(data(6 * 37, 5, true), [6, 37], 'float32')],
        [t.dy, new tf.NDArray(data(6 * 37, 6), [6, 37], 'float32')],
      ]);
      const r = await both(graph, opts, (s) => s.run(t.fetches, feeds) as Promise<NDArray[]>);
      expectSameBits(r.on, r.off);
    });

    it('a fetched intermediate keeps its value; a variable commits what it did unfused', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const graph = new tf.Graph();
      const t = graph.asDefault(() => {
        const x = tf.placeholder(tf.float32, [4, 50]);
        const v = new tf.Variable(new tf.NDArray(data(50, 8), [50], 'float32'));
        const a = tf.multiply(x, 1.5);
        const b = tf.add(a, v.value());
        const c = tf.tanh(b);
        const d = tf.subtract(tf.multiply(c, c), a);
        const upd = tf.assign(v, tf.add(tf.multiply(v.value(), 0.5), tf.reduceSum(d, [0])));
        return { x, v, a, b, d, upd, init: tf.globalVariablesInitializer() };
      });
      const feeds = new Map<tf.Tensor, NDArray>([[t.x, new tf.NDArray(data(200, 9), [4, 50], 'float32')]]);
      const r = await both(graph, opts, async (s) => {
        await s.run(t.init);
        const only = (await s.run([t.d], feeds)) as NDArray[];
        const before = s.stats.stepsAfterFusion;
        const withMid = (await s.run([t.b, t.d], feeds)) as NDArray[];
        const steps = s.stats.stepsAfterFusion - before;
        const [updated] = (await s.run([t.upd], feeds)) as NDArray[];
        const stored = (await s.run(t.v.value())) as NDArray;
        return { out: [...only, ...withMid, updated!, stored], steps };
      });
      expectSameBits(r.on.out, r.off.out);
      // b was fused away when only d was fetched: fetching it keeps it, and still fuses the rest
      expect(r.on.steps).toBeLessThan(r.off.steps);
    });

    it('matmul and conv2d epilogues (bias, activation, dropout mask, ReluGrad) give the same bits; fetched intermediates keep theirs', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const graph = new tf.Graph();
      const t = graph.asDefault(() => {
        const x = tf.placeholder(tf.float32, [9, 14]);
        const w = tf.constant(new tf.NDArray(data(14 * 20, 20).map((v) => v * 0.2), [14, 20], 'float32'));
        const b = tf.constant(new tf.NDArray(data(20, 21), [20], 'float32'));
        const mm = tf.matmul(x, w);
        const pre = tf.nn.biasAdd(mm, b);
        const h = tf.nn.dropout(tf.nn.relu(pre), { keepProb: 0.75, seed: 3 });
        // conv2d + bias + relu6: 8 output channels (the direct kernels) and 6 (im2col)
        const img = tf.placeholder(tf.float32, [2, 7, 6, 3]);
        const convs = [8, 6].map((o, i) => {
          const f = tf.constant(new tf.NDArray(data(3 * 3 * 3 * o, 22 + i).map((v) => v * 0.3), [3, 3, 3, o], 'float32'));
          const cb = tf.constant(new tf.NDArray(data(o, 24 + i), [o], 'float32'));
          return tf.nn.relu6(tf.nn.biasAdd(tf.nn.conv2d(img, f, [1, 1 + i, 1, 1], 'SAME'), cb));
        });
        const loss = tf.add(tf.reduceSum(tf.square(h)), tf.add(tf.reduceSum(convs[0]!), tf.reduceSum(convs[1]!)));
        const [gx, gimg] = tf.gradients(loss, [x, img]);
        return { x, img, mm, pre, h, convs, gx: gx!, gimg: gimg! };
      });
      const feeds = new Map<tf.Tensor, NDArray>([
        [t.x, new tf.NDArray(data(9 * 14, 25, true), [9, 14], 'float32')],
        [t.img, new tf.NDArray(data(2 * 7 * 6 * 3, 26), [2, 7, 6, 3], 'float32')],
      ]);
      const r = await both(graph, opts, async (s) => {
        const out = (await s.run([t.h, ...t.convs, t.gx, t.gimg], feeds)) as NDArray[];
        // the product and the biased value fetched too: they keep the values the unfused plan gives them
        const mid = (await s.run([t.mm, t.pre, t.h], feeds)) as NDArray[];
        return [...out, ...mid];
      });
      expectSameBits(r.on, r.off);
    });

    it('a matmul takes its bias and activation into one step where the device runs epilogues', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const graph = new tf.Graph();
      const t = graph.asDefault(() => {
        const x = tf.placeholder(tf.float32, [5, 8]);
        const w = tf.constant(new tf.NDArray(data(8 * 12, 30), [8, 12], 'float32'));
        const mm = tf.matmul(x, w);
        return { x, mm, y: tf.nn.relu(tf.add(mm, tf.constant(new tf.NDArray(data(12, 31), [12], 'float32')))) };
      });
      const feeds = new Map<tf.Tensor, NDArray>([[t.x, new tf.NDArray(data(40, 32), [5, 8], 'float32')]]);
      const s = new tf.Session({ ...opts, ...ON, graph });
      try {
        const meta = new tf.RunMetadata();
        await s.run(t.y, feeds, new tf.RunOptions({ traceLevel: tf.RunOptions.FULL_TRACE }), meta);
        expect(s.stats.stepsBeforeFusion).toBe(3);
        // the CPU device runs the add and relu in the matmul's step; WebGPU as one map after it
        expect(s.stats.stepsAfterFusion).toBe(dev.name.startsWith('cpu') ? 1 : 2);
        expect(meta.stepStats.devStats.flatMap((d) => d.nodeStats.map((n) => n.nodeName))).toEqual(expect.arrayContaining(['MatMul', 'Add', 'Relu']));
        // fetching the product keeps it: the step stores it and still runs the rest
        const [mm, y] = (await s.run([t.mm, t.y], feeds)) as NDArray[];
        const ref = new tf.Session({ ...opts, ...OFF, graph });
        expectSameBits([mm!, y!], (await ref.run([t.mm, t.y], feeds)) as NDArray[]);
        await ref.close();
      } finally {
        await s.close();
      }
    });

    it('a failing run leaves the variables as they were', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const graph = new tf.Graph();
      const t = graph.asDefault(() => {
        const x = tf.placeholder(tf.float32, [3, 40]);
        const v = new tf.Variable(new tf.NDArray(data(40, 10), [40], 'float32'));
        const y = tf.sqrt(tf.add(tf.multiply(x, 2), 1));
        const checked = tf.checkNumerics(tf.reduceSum(y, [0]), 'y');
        const upd = tf.assign(v, tf.add(tf.multiply(v.value(), 0.5), checked));
        return { x, v, upd, init: tf.globalVariablesInitializer() };
      });
      const r = await both(graph, opts, async (s) => {
        await s.run(t.init);
        const start = (await s.run(t.v.value())) as NDArray;
        const bad = new tf.NDArray(data(120, 11).map((q) => q - 10), [3, 40], 'float32');
        await expect(s.run(t.upd, new Map([[t.x, bad]]))).rejects.toThrow(/y : Tensor had NaN values/);
        const after = (await s.run(t.v.value())) as NDArray;
        const good = new tf.NDArray(data(120, 12).map((q) => Math.abs(q)), [3, 40], 'float32');
        const ok = (await s.run(t.upd, new Map([[t.x, good]]))) as NDArray;
        return [start, after, ok];
      });
      expect(bits(r.on[1]!)).toEqual(bits(r.on[0]!));
      expectSameBits(r.on, r.off);
    });
  });
}

describe('fusion switch', () => {
  it('ConfigProto graphOptions.optimizerOptions.globalJitLevel turns fusion on and off; bad levels fail', async () => {
    const graph = new tf.Graph();
    const x = graph.asDefault(() => tf.placeholder(tf.float32, [3]));
    const y = graph.asDefault(() => tf.nn.relu(tf.add(tf.multiply(x, 2), 1)));
    for (const [level, fused] of [['ON_1', true], [1, true], [2, true], ['OFF', false], [-1, false], ['DEFAULT', true], [0, true]] as const) {
      const s = new tf.Session({ graph, config: new tf.ConfigProto({ graphOptions: { optimizerOptions: { globalJitLevel: level } } }) });
      expect(Array.from(((await s.run(y, new Map([[x, [1, -2, 3]]]))) as NDArray).data)).toEqual([3, 0, 7]);
      expect(s.stats.stepsAfterFusion < s.stats.stepsBeforeFusion, `level ${level}`).toBe(fused);
      await s.close();
    }
    const d = new tf.Session({ graph });
    await d.run(y, new Map([[x, [1, -2, 3]]]));
    expect(d.stats.stepsAfterFusion, 'fused by default').toBeLessThan(d.stats.stepsBeforeFusion);
    await d.close();
    // a traced run names every op fused into a step
    const t = new tf.Session({ graph, ...ON });
    const meta = new tf.RunMetadata();
    await t.run(y, new Map([[x, [1, -2, 3]]]), new tf.RunOptions({ traceLevel: tf.RunOptions.FULL_TRACE }), meta);
    const names = meta.stepStats.devStats.flatMap((d) => d.nodeStats.map((n) => n.nodeName));
    expect(t.stats.stepsAfterFusion).toBe(1);
    expect(names).toEqual(expect.arrayContaining(['Mul', 'Add', 'Relu']));
    await t.close();
    // a chain nothing reads (its op fetched): still runs
    const s = new tf.Session({ graph, ...ON });
    expect(await s.run(y.op, new Map([[x, [1, -2, 3]]]))).toBeNull();
    await s.close();
    expect(() => new tf.Session({ graph, graphOptions: { optimizerOptions: { globalJitLevel: 3 as never } } })).toThrow(/globalJitLevel/);
  });
});
