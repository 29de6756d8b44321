/**
 * Unsorted segment max/min/prod/mean/sqrtN and sparse segment sums with num_segments: values
 * (TF's identities for empty segments, negative ids dropped) on every device, TF's error for an
 * out-of-range id, and finite-difference gradients (float64 CPU, float32 wasm / WebGPU).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

registerSkipSummary();
const devices = await resolvedDevices();
const F32_MAX = 3.4028234663852886e38;
const i32 = (v: number[]): NDArray => new tf.NDArray(Int32Array.from(v), [v.length], tf.int32);

const data = [[1, 2, 3, 4], [4, 3, 2, 1], [5, 6, 7, 8]];
const ids = [0, 1, 0];

for (const dev of devices) {
  describe(`unsorted segment ops [${dev.name}]`, () => {
    it('max/min/prod/mean/sqrtN with an empty segment and a negative id', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const outs = g.asDefault(() => {
        const d = tf.constant(data);
        const i = tf.constant(ids, tf.int32);
        return [
          tf.unsortedSegmentMax(d, i, 3),
          tf.unsortedSegmentMin(d, i, 3),
          tf.unsortedSegmentProd(d, i, 3),
          tf.unsortedSegmentMean(d, i, 3),
          tf.unsortedSegmentSqrtN(d, i, 3),
          tf.unsortedSegmentMax(tf.constant([3, -1, 7, 2], tf.int32), tf.constant([1, 1, -1, 0], tf.int32), 3),
          tf.sparseSegmentSumWithNumSegments(d, tf.constant([0, 2, 1], tf.int32), tf.constant([0, 0, 2], tf.int32), 3),
          tf.sparseSegmentMeanWithNumSegments(d, tf.constant([0, 2, 1], tf.int32), tf.constant([0, 0, 2], tf.int32), 3),
          tf.sparseSegmentSqrtNWithNumSegments(d, tf.constant([0, 2, 1], tf.int32), tf.constant([0, 0, 2], tf.int32), 3),
        ];
      });
      await using sess = new tf.Session({ ...dev.options, graph: g });
      const [mx, mn, pr, me, sq, imx, ss, sm, sn] = (await sess.run(outs)) as NDArray[];
      expect(outs[0]!.op.type).toBe('UnsortedSegmentMax');
      expect(outs[0]!.shape).toEqual([3, 4]);
      expect(Array.from(mx!.data)).toEqual([5, 6, 7, 8, 4, 3, 2, 1, -F32_MAX, -F32_MAX, -F32_MAX, -F32_MAX]);
      expect(Array.from(mn!.data)).toEqual([1, 2, 3, 4, 4, 3, 2, 1, F32_MAX, F32_MAX, F32_MAX, F32_MAX]);
      expect(pr!.toArray()).toEqual([[5, 12, 21, 32], [4, 3, 2, 1], [1, 1, 1, 1]]);
      expect(me!.toArray()).toEqual([[3, 4, 5, 6], [4, 3, 2, 1], [0, 0, 0, 0]]);
      const r2 = Math.SQRT2;
      const sqv = Array.from(sq!.data);
      [6 / r2, 8 / r2, 10 / r2, 12 / r2, 4, 3, 2, 1, 0, 0, 0, 0].forEach((v, k) => expect(sqv[k]).toBeCloseTo(v, 5));
      expect(imx!.toArray()).toEqual([2, 3, -2147483648]);
      expect(ss!.toArray()).toEqual([[6, 8, 10, 12], [0, 0, 0, 0], [4, 3, 2, 1]]);
      expect(sm!.toArray()).toEqual([[3, 4, 5, 6], [0, 0, 0, 0], [4, 3, 2, 1]]);
      const snv = Array.from(sn!.data);
      [6 / r2, 8 / r2, 10 / r2, 12 / r2, 0, 0, 0, 0, 4, 3, 2, 1].forEach((v, k) => expect(snv[k]).toBeCloseTo(v, 5));
    });

    it('an id out of range fails with InvalidArgumentError', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const out = g.asDefault(() => tf.unsortedSegmentMax(tf.constant([1, 2, 3]), tf.constant([0, 5, 1], tf.int32), 3));
      await using sess = new tf.Session({ ...dev.options, graph: g });
      await expect(sess.run(out)).rejects.toThrow(tf.errors.InvalidArgumentError);
      await expect(sess.run(out)).rejects.toThrow('segment_ids[1] = 5 is out of range [0, 3)');
    });

    it('an id equal to num_segments fails on every op with TF text, and the failed run writes nothing', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const { ids, ops, v, upd } = g.asDefault(() => {
        const ids = tf.placeholder(tf.int32, [null], 'ids');
        const d = tf.onesLike(tf.cast(ids, tf.float32));
        const v = new tf.Variable(tf.zeros([5]));
        const sum = tf.unsortedSegmentSum(d, ids, 5);
        const ops = [sum, tf.unsortedSegmentMax(d, ids, 5), tf.unsortedSegmentMin(d, ids, 5), tf.unsortedSegmentProd(d, ids, 5), tf.unsortedSegmentMean(d, ids, 5), tf.sparseSegmentSumWithNumSegments(d, tf.range(0, tf.size(ids)), ids, 5)];
        return { ids, ops, v, upd: tf.assign(v, sum) };
      });
      await using sess = new tf.Session({ ...dev.options, graph: g });
      await sess.run(v.initializer);
      for (const op of ops) {
        await expect(sess.run(op, new Map([[ids, i32([0, 1, 2, 5])]]))).rejects.toThrow(/^segment_ids\[3\] = 5 is out of range \[0, 5\)$/);
      }
      expect((await sess.run(upd, new Map([[ids, i32([0, 4, -1])]]))).toArray()).toEqual([1, 0, 0, 0, 1]);
      await expect(sess.run(upd, new Map([[ids, i32([1, 1, 7])]]))).rejects.toThrow('segment_ids[2] = 7 is out of range [0, 5)');
      expect((await sess.run(v)).toArray()).toEqual([1, 0, 0, 0, 1]);
      const m = g.asDefault(() => tf.unsortedSegmentSum(tf.constant([[1, 2], [3, 4]]), tf.constant([[0, 1], [2, 3]], tf.int32), 3));
      await expect(sess.run(m)).rejects.toThrow('segment_ids[1,1] = 3 is out of range [0, 3)');
    });
  });
}

describe('unsorted segment ops: build-time checks', () => {
  it('rejects float segment ids and mismatched leading dims with TF texts', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => tf.unsortedSegmentMax([1, 2], tf.constant([0.5, 1]), 2)).toThrow(/parameter 'segment_ids' has DataType float32 not in list of allowed values: int32, int64/);
      expect(() => tf.unsortedSegmentProd(tf.constant([[1, 2], [3, 4]]), tf.constant([0, 1, 1], tf.int32), 2)).toThrow(/Dimension 0 in both shapes must be equal, but are 2 and 3/);
    });
  });
});

const CASES: GradCase[] = [
  {
    name: 'UnsortedSegmentMax / Min (ties split evenly, negative id dropped)',
    ins: [{ shape: [4, 2], gen: (r, i) => [0.3, 1.2, -0.5, 0.9, 0.3, -1.1, 2.0, 0.4][i]! }, { shape: [4], fixed: { dtype: 'int32', value: [1, 0, -1, 1] } }],
    f: (d, i) => [tf.unsortedSegmentMax(d, i, 2), tf.unsortedSegmentMin(d, i, 2)],
  },
  {
    name: 'UnsortedSegmentProd (with a zero in a segment)',
    ins: [{ shape: [4, 2], gen: (r, i) => [0.7, 1.3, 0, -0.8, 1.1, 0.6, -1.4, 0.9][i]! }, { shape: [4], fixed: { dtype: 'int32', value: [0, 1, 0, 1] } }],
    f: (d, i) => tf.unsortedSegmentProd(d, i, 2),
  },
  {
    name: 'unsortedSegmentMean / SqrtN, sparseSegment*WithNumSegments',
    ins: [{ shape: [3, 2] }, { shape: [3], fixed: { dtype: 'int32', value: [1, 1, 0] } }],
    f: (d, i) => [
      tf.unsortedSegmentMean(d, i, 3), tf.unsortedSegmentSqrtN(d, i, 3),
      tf.sparseSegmentSumWithNumSegments(d, [2, 0, 2], [0, 0, 1], 2),
      tf.sparseSegmentMeanWithNumSegments(d, [2, 0, 2], [0, 0, 1], 2),
      tf.sparseSegmentSqrtNWithNumSegments(d, [2, 0, 2], [0, 0, 1], 2),
    ],
  },
];

describeGradients('finite-difference gradients of segment ops', CASES, devices);
