/**
 * Ops whose output shape follows from an operand's run-time value (tf.range / sequenceMask /
 * fill / zeros / random shapes / reshape / slice / tile with fed values): the session computes
 * the value first and builds a plan per value. Values against references written here, two
 * values in one session (two plans), shape inference, TF's errors, gradients by finite
 * differences, and a dynamic_rnn + sequence_loss program masked by tf.sequenceMask(fed lengths).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { describeGradients } from './support/grad-check.js';

registerSkipSummary();
const devices = await resolvedDevices();

const arr = (a: unknown): number[] => Array.from((a as NDArray).data as ArrayLike<number>, Number);

for (const d of devices) {
  describe(`run-time value shapes [${d.name}]`, () => {
    it('range, sequenceMask, fill, zeros, ones, randomNormal with a fed n; a plan per value', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const n = tf.placeholder(tf.int32, [], 'n');
        const lengths = tf.placeholder(tf.int32, [null], 'lengths');
        return {
          n, lengths,
          range: tf.range(0, n),
          range2: tf.range(n, 0, -2),
          mask: tf.sequenceMask(lengths),
          maskN: tf.sequenceMask(lengths, n, tf.float32),
          fill: tf.fill(tf.stack([n, 2]), 1.5),
          zeros: tf.zeros(tf.stack([n])),
          ones: tf.ones([n, 1], tf.int32),
          normal: tf.randomNormal(tf.stack([n]), { seed: 3 }),
        };
      });
      const sess = new tf.Session({ ...d.options, graph: g });
      const run = async (n: number, lengths: number[]) => (await sess.run([t.range, t.range2, t.mask, t.maskN, t.fill, t.zeros, t.ones, t.normal], [[t.n, n], [t.lengths, lengths]])) as NDArray[];
      const a = await run(4, [1, 3, 2]);
      expect(arr(a[0])).toEqual([0, 1, 2, 3]);
      expect(arr(a[1])).toEqual([4, 2]);
      expect(a[2]!.shape).toEqual([3, 3]);
      expect(a[2]!.toArray()).toEqual([[true, false, false], [true, true, true], [true, true, false]]);
      expect(a[3]!.toArray()).toEqual([[1, 0, 0, 0], [1, 1, 1, 0], [1, 1, 0, 0]]);
      expect(a[4]!.shape).toEqual([4, 2]);
      expect(arr(a[4])).toEqual(new Array(8).fill(1.5));
      expect(a[5]!.shape).toEqual([4]);
      expect(a[6]!.toArray()).toEqual([[1], [1], [1], [1]]);
      expect(a[7]!.shape).toEqual([4]);
      const compiles = sess.stats.compiles;
      const b = await run(2, [5, 0]);
      expect(arr(b[0])).toEqual([0, 1]);
      expect(arr(b[1])).toEqual([2]);
      expect(b[2]!.toArray()).toEqual([[true, true, true, true, true], [false, false, false, false, false]]);
      expect(b[3]!.toArray()).toEqual([[1, 1], [0, 0]]);
      expect(b[4]!.shape).toEqual([2, 2]);
      expect(b[7]!.shape).toEqual([2]);
      expect(sess.stats.compiles).toBeGreaterThan(compiles);
      // the same values again: cached plans, nothing compiled
      const again = sess.stats.compiles;
      const c = await run(4, [1, 3, 2]);
      expect(arr(c[0])).toEqual([0, 1, 2, 3]);
      expect(sess.stats.compiles).toBe(again);
      await sess.close();
    });

    it('reshape, slice and tile with fed sizes', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const n = tf.placeholder(tf.int32, [], 'n');
        const x = tf.placeholder(tf.float32, [null], 'x');
        const m = tf.placeholder(tf.float32, [3, 4], 'm');
        return {
          n, x, m,
          reshape: tf.reshape(x, tf.stack([n, -1])),
          slice: tf.slice(x, [0], tf.reshape(n, [1])),
          slice2: tf.slice(m, tf.stack([1, n]), [-1, 2]),
          sliceRest: tf.slice(x, tf.reshape(n, [1]), [-1]),
          tile: tf.tile(x, tf.reshape(n, [1])),
          tile2: tf.tile(m, tf.stack([1, n])),
        };
      });
      const sess = new tf.Session({ ...d.options, graph: g });
      const M = [[0, 1, 2, 3], [10, 11, 12, 13], [20, 21, 22, 23]];
      const run = async (n: number, x: number[]) => (await sess.run([t.reshape, t.slice, t.slice2, t.sliceRest, t.tile, t.tile2], [[t.n, n], [t.x, x], [t.m, M]])) as NDArray[];
      const a = await run(2, [1, 2, 3, 4]);
      expect(a[0]!.toArray()).toEqual([[1, 2], [3, 4]]);
      expect(arr(a[1])).toEqual([1, 2]);
      expect(a[2]!.toArray()).toEqual([[12, 13], [22, 23]]);
      expect(arr(a[3])).toEqual([3, 4]);
      expect(arr(a[4])).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
      expect(a[5]!.shape).toEqual([3, 8]);
      expect((a[5]!.toArray() as number[][])[1]).toEqual([10, 11, 12, 13, 10, 11, 12, 13]);
      const b = await run(1, [5, 6]);
      expect(b[0]!.toArray()).toEqual([[5, 6]]);
      expect(arr(b[1])).toEqual([5]);
      expect(b[2]!.toArray()).toEqual([[11, 12], [21, 22]]);
      expect(arr(b[3])).toEqual([6]);
      expect(arr(b[4])).toEqual([5, 6]);
      expect(b[5]!.shape).toEqual([3, 4]);
      await sess.close();
    });

    it('pad, oneHot and stridedSlice with fed values', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const n = tf.placeholder(tf.int32, [], 'n');
        const x = tf.placeholder(tf.float32, [null], 'x');
        const m = tf.placeholder(tf.float32, [3, 4], 'm');
        const P = tf.reshape(tf.stack([n, 1]), [1, 2]);
        return {
          n, x, m,
          pad: tf.pad(x, P),
          reflect: tf.pad(x, P, 'REFLECT'),
          oneHot: tf.oneHot(tf.constant([0, 2], tf.int32), n),
          ss: tf.stridedSlice(x, [0], tf.reshape(n, [1])),
          ss2: tf.stridedSlice(m, [0, 0], [3, n], [1, 2], { beginMask: 1, endMask: 1 }),
          ss3: tf.stridedSlice(m, [0, n], [3, 4]),
        };
      });
      expect(t.oneHot.shape).toEqual([2, null]);
      expect(t.ss2.shape).toEqual([3, null]);
      const sess = new tf.Session({ ...d.options, graph: g });
      const M = [[0, 1, 2, 3], [10, 11, 12, 13], [20, 21, 22, 23]];
      const run = async (n: number) => (await sess.run([t.pad, t.reflect, t.oneHot, t.ss, t.ss2, t.ss3], [[t.n, n], [t.x, [1, 2, 3]], [t.m, M]])) as NDArray[];
      const a = await run(2);
      expect(arr(a[0])).toEqual([0, 0, 1, 2, 3, 0]);
      expect(arr(a[1])).toEqual([3, 2, 1, 2, 3, 2]);
      expect(a[2]!.toArray()).toEqual([[1, 0], [0, 0]]);
      expect(arr(a[3])).toEqual([1, 2]);
      expect(a[4]!.toArray()).toEqual([[0], [10], [20]]);
      expect(a[5]!.toArray()).toEqual([[2, 3], [12, 13], [22, 23]]);
      const b = await run(1);
      expect(arr(b[0])).toEqual([0, 1, 2, 3, 0]);
      expect(arr(b[1])).toEqual([2, 1, 2, 3, 2]);
      expect(b[2]!.toArray()).toEqual([[1], [0]]);
      expect(arr(b[3])).toEqual([1]);
      expect(b[5]!.toArray()).toEqual([[1, 2, 3], [11, 12, 13], [21, 22, 23]]);
      await expect(sess.run(t.oneHot, [[t.n, -1]])).rejects.toThrow('depth must be non-negative, got: -1');
      await sess.close();
    });

    it('inside tf.whileLoop: a per-iteration range and a fed slice size (the loop runs fed, a plan per value)', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const n = tf.placeholder(tf.int32, [], 'n');
        const x = tf.placeholder(tf.float32, [null], 'x');
        const [, tot] = tf.whileLoop((i: Tensor) => tf.less(i, n), (i: Tensor, acc: Tensor) => [tf.add(i, 1), tf.add(acc, tf.reduceSum(tf.range(0, i)))], [tf.constant(0, tf.int32), tf.constant(0, tf.int32)]) as Tensor[];
        const [, sum] = tf.whileLoop((i: Tensor) => tf.less(i, 3), (i: Tensor, acc: Tensor) => [tf.add(i, 1), tf.add(acc, tf.reduceSum(tf.slice(x, [0], tf.reshape(n, [1]))))], [tf.constant(0, tf.int32), tf.constant(0, tf.float32)]) as Tensor[];
        return { n, x, tot: tot!, sum: sum! };
      });
      const sess = new tf.Session({ ...d.options, graph: g });
      // sum over i < n of sum(range(i))
      const ref = (n: number) => Array.from({ length: n }, (_, i) => (i * (i - 1)) / 2).reduce((a, b) => a + b, 0);
      expect(arr(await sess.run(t.tot, [[t.n, 5]]))).toEqual([ref(5)]);
      expect(arr(await sess.run(t.tot, [[t.n, 7]]))).toEqual([ref(7)]);
      expect(arr(await sess.run(t.sum, [[t.n, 2], [t.x, [1, 2, 3]]]))).toEqual([9]);
      expect(arr(await sess.run(t.sum, [[t.n, 3], [t.x, [1, 2, 3]]]))).toEqual([18]);
      await sess.close();
    });

    it('transpose perm, reduction axes, concat, expandDims and gather axes as fed values', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const n = tf.placeholder(tf.int32, [], 'n');
        const m = tf.placeholder(tf.float32, [2, 3], 'm');
        return {
          n, m,
          tr: tf.transpose(m, tf.stack([n, tf.subtract(1, n)])),
          sum: tf.reduceSum(m, n),
          max: tf.reduceMax(m, tf.stack([n]), true),
          cat: tf.concat([m, m], n),
          ex: tf.expandDims(m, n),
          gather: tf.gather(m, tf.constant([0, 0], tf.int32), { axis: n }),
        };
      });
      expect(t.max.shape).toEqual([null, null]);
      const sess = new tf.Session({ ...d.options, graph: g });
      const M = [[1, 5, 3], [4, 2, 6]];
      const run = async (n: number) => (await sess.run([t.tr, t.sum, t.max, t.cat, t.ex, t.gather], [[t.n, n], [t.m, M]])) as NDArray[];
      const a = await run(1);
      expect(a[0]!.toArray()).toEqual([[1, 4], [5, 2], [3, 6]]);
      expect(arr(a[1])).toEqual([9, 12]);
      expect(a[2]!.toArray()).toEqual([[5], [6]]);
      expect(a[3]!.toArray()).toEqual([[1, 5, 3, 1, 5, 3], [4, 2, 6, 4, 2, 6]]);
      expect(a[4]!.shape).toEqual([2, 1, 3]);
      expect(a[5]!.toArray()).toEqual([[1, 1], [4, 4]]);
      const b = await run(0);
      expect(b[0]!.toArray()).toEqual(M);
      expect(arr(b[1])).toEqual([5, 7, 9]);
      expect(b[2]!.toArray()).toEqual([[4, 5, 6]]);
      expect(b[3]!.shape).toEqual([4, 3]);
      expect(b[4]!.shape).toEqual([1, 2, 3]);
      expect(b[5]!.toArray()).toEqual([M[0], M[0]]);
      await sess.close();
    });

    it('tf.index slices with tensor bounds: x[:n], m[:, n:], m[1, ::n]', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const n = tf.placeholder(tf.int32, [], 'n');
        const x = tf.placeholder(tf.float32, [null], 'x');
        const m = tf.placeholder(tf.float32, [3, 4], 'm');
        return { n, x, m, head: tf.index(x, { stop: n }), tail: tf.index(m, ':', { start: n }), every: tf.index(m, 1, { step: n }, { name: 'every' }) };
      });
      expect(t.tail.shape).toEqual([3, null]);
      expect(t.every.op.name).toBe('every');
      const sess = new tf.Session({ ...d.options, graph: g });
      const M = [[0, 1, 2, 3], [10, 11, 12, 13], [20, 21, 22, 23]];
      const run = async (n: number) => (await sess.run([t.head, t.tail, t.every], [[t.n, n], [t.x, [1, 2, 3]], [t.m, M]])) as NDArray[];
      const a = await run(2);
      expect(arr(a[0])).toEqual([1, 2]);
      expect(a[1]!.toArray()).toEqual([[2, 3], [12, 13], [22, 23]]);
      expect(arr(a[2])).toEqual([10, 12]);
      const b = await run(3);
      expect(arr(b[0])).toEqual([1, 2, 3]);
      expect(a[1]!.shape).toEqual([3, 2]);
      expect(b[1]!.toArray()).toEqual([[3], [13], [23]]);
      expect(arr(b[2])).toEqual([10, 13]);
      await sess.close();
    });

    it('tf.split with fed sizes', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const n = tf.placeholder(tf.int32, [], 'n');
        const m = tf.placeholder(tf.float32, [2, 4], 'm');
        const [a, b] = tf.split(m, tf.stack([n, -1]), 1);
        return { n, m, a: a!, b: b! };
      });
      expect(t.a.shape).toEqual([2, null]);
      const sess = new tf.Session({ ...d.options, graph: g });
      const M = [[0, 1, 2, 3], [10, 11, 12, 13]];
      const [a1, b1] = (await sess.run([t.a, t.b], [[t.n, 1], [t.m, M]])) as NDArray[];
      expect(a1!.toArray()).toEqual([[0], [10]]);
      expect(b1!.toArray()).toEqual([[1, 2, 3], [11, 12, 13]]);
      const [a3, b3] = (await sess.run([t.a, t.b], [[t.n, 3], [t.m, M]])) as NDArray[];
      expect(a3!.toArray()).toEqual([[0, 1, 2], [10, 11, 12]]);
      expect(b3!.toArray()).toEqual([[3], [13]]);
      await sess.close();
    });

    it("TF's run-time errors for bad values", async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const n = tf.placeholder(tf.int32, [], 'n');
        const x = tf.placeholder(tf.float32, [null], 'x');
        return {
          n, x, range: tf.range(0, n), reshape: tf.reshape(x, tf.stack([n, -1])), slice: tf.slice(x, [0], tf.reshape(n, [1])),
          zeros: tf.zeros(tf.stack([n, 2])), normal: tf.randomNormal(tf.stack([2, n])),
        };
      });
      const sess = new tf.Session({ ...d.options, graph: g });
      await expect(sess.run(t.range, [[t.n, -1]])).rejects.toThrow('Requires start <= limit when delta > 0: 0/-1');
      // negative dims: TF's TensorShapeUtils::MakeShape text
      await expect(sess.run(t.zeros, [[t.n, -3]])).rejects.toThrow('Dimension -3 must be >= 0');
      await expect(sess.run(t.normal, [[t.n, -2]])).rejects.toThrow('Dimension -2 must be >= 0');
      await expect(sess.run(t.reshape, [[t.n, 3], [t.x, [1, 2, 3, 4]]])).rejects.toThrow('Input to reshape is a tensor with 4 values, but the requested shape requires a multiple of 3');
      await expect(sess.run(t.slice, [[t.n, 5], [t.x, [1, 2, 3]]])).rejects.toThrow('Expected size[0] in [0, 3], but got 5');
      await sess.close();
    });

    it('dynamic_rnn + sequence_loss with a mask from tf.sequenceMask(fed lengths)', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const B = 2, T = 3, H = 3, C = 4;
      const t = g.asDefault(() => {
        tf.setRandomSeed(7);
        const x = tf.placeholder(tf.float32, [B, null, 2], 'x');
        const y = tf.placeholder(tf.int32, [B, null], 'y');
        const lengths = tf.placeholder(tf.int32, [B], 'lengths');
        const cell = new tf.nn.rnnCell.BasicRNNCell(H);
        const [outs] = tf.nn.dynamicRnn(cell, x, { sequenceLength: lengths, dtype: 'float32' });
        const logits = tf.reshape(tf.layers.dense(tf.reshape(outs, [-1, H]), C), tf.stack([B, -1, C]));
        const mask = tf.sequenceMask(lengths, tf.index(tf.shape(x), 1), tf.float32);
        const perStep = tf.contrib.seq2seq.sequenceLoss(logits, y, mask, { averageAcrossTimesteps: false, averageAcrossBatch: false });
        const loss = tf.contrib.seq2seq.sequenceLoss(logits, y, tf.sequenceMask(lengths, { dtype: tf.float32 }) as Tensor, {});
        const xent = tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits });
        const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
        return { x, y, lengths, perStep, loss, xent, train, init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ ...d.options, graph: g });
      await sess.run(t.init);
      const X = [[[1, 0], [0, 1], [1, 1]], [[0.5, -1], [0, 0], [0, 0]]];
      const Y = [[1, 2, 3], [0, 0, 0]];
      const [perStep, loss, xent] = (await sess.run([t.perStep, t.loss, t.xent], [[t.x, X], [t.y, Y], [t.lengths, [3, 1]]])) as NDArray[];
      const xe = xent!.toArray() as number[][];
      // masked per-step losses, and the mean over the unmasked steps (max(lengths) = 3 = T)
      expect(perStep!.toArray()).toEqual([xe[0]!, [xe[1]![0]!, 0, 0]].map((r) => r.map((v, i) => expect.closeTo(v, 5) as unknown as number)));
      expect(Number(loss!.data[0])).toBeCloseTo((xe[0]![0]! + xe[0]![1]! + xe[0]![2]! + xe[1]![0]!) / 4, 5);
      // shorter batches: max(lengths) = 2 masks over two steps (a second plan)
      const X2 = X.map((r) => r.slice(0, 2));
      const Y2 = Y.map((r) => r.slice(0, 2));
      const [l2, xe2] = (await sess.run([t.loss, t.xent], [[t.x, X2], [t.y, Y2], [t.lengths, [2, 1]]])) as NDArray[];
      const e2 = xe2!.toArray() as number[][];
      expect(Number(l2!.data[0])).toBeCloseTo((e2[0]![0]! + e2[0]![1]! + e2[1]![0]!) / 3, 5);
      // training through the masked loss lowers it
      const before = Number(((await sess.run(t.loss, [[t.x, X], [t.y, Y], [t.lengths, [3, 1]]])) as NDArray).data[0]);
      for (let i = 0; i < 20; i++) await sess.run(t.train, [[t.x, X], [t.y, Y], [t.lengths, [3, 1]]]);
      const after = Number(((await sess.run(t.loss, [[t.x, X], [t.y, Y], [t.lengths, [3, 1]]])) as NDArray).data[0]);
      expect(after).toBeLessThan(before);
      await sess.close();
    });

    it('tf.eye with tensor num_rows / num_columns / batch_shape (TF: ones over batch_shape + [min(n, m)], matrix_diag)', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const n = tf.placeholder(tf.int32, [], 'n');
        const m = tf.placeholder(tf.int32, [], 'm');
        const bs = tf.placeholder(tf.int32, [null], 'bs');
        return {
          n, m, bs,
          sq: tf.eye(n),
          rect: tf.eye(n, m, { dtype: tf.int32 }),
          batched: tf.eye(n, { batchShape: [2] }),
          fedBatch: tf.eye(2, 3, bs),
          // a fed size in a computation: I_n · x = x
          prod: tf.matmul(tf.eye(tf.index(tf.shape(tf.ones([n, 2])), 0)), tf.ones([n, 2])),
        };
      });
      expect(t.sq.shape).toEqual([null, null]);
      expect(t.batched.shape).toEqual([2, null, null]);
      const sess = new tf.Session({ ...d.options, graph: g });
      const ref = (r: number, c: number): number[] => Array.from({ length: r * c }, (_, i) => (Math.floor(i / c) === i % c ? 1 : 0));
      for (const [n, m] of [[3, 2], [2, 4]] as const) {
        const [sq, rect, batched, fedBatch, prod] = (await sess.run([t.sq, t.rect, t.batched, t.fedBatch, t.prod], [[t.n, n], [t.m, m], [t.bs, [2, 1]]])) as NDArray[];
        expect(sq!.shape).toEqual([n, n]);
        expect(arr(sq)).toEqual(ref(n, n));
        expect(rect!.dtype).toBe('int32');
        expect(rect!.shape).toEqual([n, m]);
        expect(arr(rect)).toEqual(ref(n, m));
        expect(batched!.shape).toEqual([2, n, n]);
        expect(arr(batched)).toEqual([...ref(n, n), ...ref(n, n)]);
        expect(fedBatch!.shape).toEqual([2, 1, 2, 3]);
        expect(arr(fedBatch)).toEqual([...ref(2, 3), ...ref(2, 3)]);
        expect(prod!.shape).toEqual([n, 2]);
        expect(arr(prod)).toEqual(new Array(n * 2).fill(1));
      }
      await sess.close();
    });
  });
}

describe('tf.eye arguments', () => {
  it("static eye as before; TF's errors for non-integer sizes and non-scalar size tensors", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(tf.eye(2, 3, [4]).shape).toEqual([4, 2, 3]);
      expect(tf.eye(3).op.type).toBe('MatrixDiag');
      expect(tf.eye(2, 3).op.type).toBe('MatrixSetDiag');
      expect(() => tf.eye(2.5)).toThrow(TypeError);
      expect(() => tf.eye(2.5)).toThrow('num_rows and num_columns must be positive integer values.');
      expect(() => tf.eye(tf.constant([2, 3], 'int32'))).toThrow(/^Shape must be rank 0 but is rank 1/);
    });
  });
});

describe('run-time value shapes: what a plan takes as a value', () => {
  it('a large fed value is refused clearly instead of becoming a plan per value', async () => {
    const g = new tf.Graph();
    const t = g.asDefault(() => {
      const shape = tf.placeholder(tf.int32, [null], 'shape');
      return { shape, out: tf.reshape(tf.constant([1, 2, 3, 4]), shape) };
    });
    const sess = new tf.Session({ graph: g });
    expect(((await sess.run(t.out, [[t.shape, [2, 2]]])) as NDArray).shape).toEqual([2, 2]);
    const big = [4, ...new Array<number>(4999).fill(1)];
    await expect(sess.run(t.out, [[t.shape, big]])).rejects.toThrow('shape:0 shapes a plan but holds 5000 values (at most 4096)');
    await sess.close();
  });
});

describe('run-time value shapes: shape inference', () => {
  it('unknown dims where the value is fed, known parts from constants (as TF)', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const n = tf.placeholder(tf.int32, [], 'n');
      const x = tf.placeholder(tf.float32, [null], 'x');
      const m = tf.placeholder(tf.float32, [3, 4], 'm');
      expect(tf.range(0, n).shape).toEqual([null]);
      expect(tf.fill(tf.stack([n, 2]), 1.5).shape).toEqual([null, 2]);
      expect(tf.zeros(tf.stack([n])).shape).toEqual([null]);
      expect(tf.reshape(x, tf.stack([n, -1])).shape).toEqual([null, null]);
      expect(tf.reshape(x, tf.stack([n, 3])).shape).toEqual([null, 3]);
      expect(tf.slice(m, tf.stack([1, n]), [-1, 2]).shape).toEqual([2, 2]);
      expect(tf.slice(m, [0, 0], tf.stack([n, 2])).shape).toEqual([null, 2]);
      expect(tf.tile(m, tf.stack([2, n])).shape).toEqual([6, null]);
      expect(tf.sequenceMask(tf.placeholder(tf.int32, [5])).shape).toEqual([5, null]);
    });
  });
});

const n2 = { shape: [], fixed: { dtype: 'int32' as const, value: [2] } };
describeGradients((label) => `run-time value shape gradients, ${label}`, [
  {
    name: 'slice with a fed size',
    test: 'slice(x, [1, n], [2, n]) matches central differences',
    ins: [{ shape: [3, 5] }, n2],
    f: (x, n) => tf.reshape(tf.slice(x!, tf.stack([1, n!]), tf.stack([2, n!])), [2, 2]),
  },
  {
    name: 'tile with fed multiples',
    test: 'tile(x, [n, 1]) matches central differences',
    ins: [{ shape: [2, 3] }, n2],
    f: (x, n) => tf.reshape(tf.tile(x!, tf.stack([n!, 1])), [4, 3]),
  },
  {
    name: 'reshape with a fed shape',
    test: 'reshape(x, [n, -1]) matches central differences',
    ins: [{ shape: [2, 3] }, n2],
    f: (x, n) => tf.reshape(tf.square(tf.reshape(x!, tf.stack([n!, -1]))), [2, 3]),
  },
  {
    name: 'fill with a fed shape',
    test: 'fill(dims, value) matches central differences in the value',
    ins: [{ shape: [] }, n2],
    f: (v, n) => tf.reshape(tf.fill(tf.stack([n!, 3]), v!), [2, 3]),
  },
  {
    name: 'pad with fed paddings',
    test: 'pad(x, [[n, 1], [0, n]]) matches central differences',
    ins: [{ shape: [2, 3] }, n2],
    f: (x, n) => tf.reshape(tf.pad(x!, tf.reshape(tf.stack([n!, 1, 0, n!]), [2, 2])), [5, 5]),
  },
  {
    name: 'mirror pad with fed paddings',
    test: 'pad(x, [[1, n]], SYMMETRIC) matches central differences',
    ins: [{ shape: [3] }, n2],
    f: (x, n) => tf.reshape(tf.pad(x!, tf.reshape(tf.stack([1, n!]), [1, 2]), 'SYMMETRIC'), [6]),
  },
  {
    name: 'strided slice with a fed end',
    test: 'stridedSlice(x, [0, 1], [3, 1 + 2n], [2, 2]) matches central differences',
    ins: [{ shape: [3, 5] }, n2],
    f: (x, n) => tf.reshape(tf.stridedSlice(x!, [0, 1], tf.stack([3, tf.add(1, tf.multiply(2, n!))]), [2, 2]), [2, 2]),
  },
  {
    name: 'transpose with a fed perm',
    test: 'transpose(x, [n, 1 - n]) (n = 1) matches central differences',
    ins: [{ shape: [2, 3] }, { shape: [], fixed: { dtype: 'int32' as const, value: [1] } }],
    f: (x, n) => tf.reshape(tf.transpose(x!, tf.stack([n!, tf.subtract(1, n!)])), [3, 2]),
  },
  {
    name: 'reductions over fed axes',
    test: 'reduceSum / reduceMean / reduceMax over axis n (n = 1) match central differences',
    ins: [{ shape: [2, 3] }, { shape: [], fixed: { dtype: 'int32' as const, value: [1] } }],
    f: (x, n) => [tf.reshape(tf.reduceSum(tf.square(x!), n!), [2]), tf.reshape(tf.reduceMean(x!, n!, true), [2, 1]), tf.reshape(tf.reduceMax(x!, n!), [2])],
  },
  {
    name: 'concat and expandDims along fed axes',
    test: 'concat([x, x^2], n) and expandDims(x, n) (n = 1) match central differences',
    ins: [{ shape: [2, 3] }, { shape: [], fixed: { dtype: 'int32' as const, value: [1] } }],
    f: (x, n) => [tf.reshape(tf.concat([x!, tf.square(x!)], n!), [2, 6]), tf.reshape(tf.square(tf.expandDims(x!, n!)), [2, 1, 3])],
  },
  {
    name: 'index with a tensor stop',
    test: 'tf.index(x, ":", {start: n}) (Python x[:, n:]) matches central differences',
    ins: [{ shape: [2, 4] }, n2],
    f: (x, n) => tf.reshape(tf.index(x!, ':', { start: n! }), [2, 2]),
  },
  {
    name: 'split with fed sizes',
    test: 'tf.split(x, [n, -1], 1) matches central differences',
    ins: [{ shape: [2, 5] }, n2],
    f: (x, n) => tf.split(x!, tf.stack([n!, -1]), 1).map((p, i) => tf.reshape(tf.square(p), [2, i === 0 ? 2 : 3])),
  },
  {
    name: 'gather along a fed axis',
    test: 'tf.gather(x, [0, 2, 2], {axis: n}) (n = 1) matches central differences',
    ins: [{ shape: [2, 3] }, { shape: [], fixed: { dtype: 'int32' as const, value: [1] } }],
    f: (x, n) => tf.reshape(tf.gather(x!, tf.constant([0, 2, 2], tf.int32), { axis: n! }), [2, 3]),
  },
], devices);
