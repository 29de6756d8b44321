/**
 * tf.SparseTensor and the sparse ops built on dense primitives, on every device: fetching a
 * SparseTensor gives a SparseTensorValue (also nested), sparse.toDense / sparseToDense with a
 * default value, sparseTensorDenseMatmul (adjoint_a / adjoint_b, repeated indices summed) against
 * host float64 products, and finite-difference gradients w.r.t. the values and the dense side.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

const IDX = [[0, 1], [1, 0], [1, 2], [2, 3]];
const VALS = [1.5, -2, 3, 4.25];
const SHAPE = [3, 4];
const B = [[1, 2], [3, 4], [5, 6], [7, 8]];
const BA = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]];

/** Host dense of the sparse matrix (repeats summed) and its product with b. */
function dense(idx: number[][], vals: number[], shape: number[], dflt = 0): number[][] {
  const d = Array.from({ length: shape[0]! }, () => new Array<number>(shape[1]!).fill(dflt));
  const hit = d.map((r) => r.map(() => false));
  idx.forEach(([i, j], k) => {
    d[i!]![j!] = (hit[i!]![j!] ? d[i!]![j!]! : 0) + vals[k]!;
    hit[i!]![j!] = true;
  });
  return d;
}
const matmul = (a: number[][], b: number[][]): number[] => a.flatMap((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const T = (a: number[][]): number[][] => a[0]!.map((_, j) => a.map((r) => r[j]!));

describe('SparseTensor construction', () => {
  it('components, dtypes, static shape and the errors for mismatched parts', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const sp = new tf.SparseTensor(IDX, VALS, SHAPE);
      expect(sp.indices.dtype).toBe('int64');
      expect(sp.denseShape.dtype).toBe('int64');
      expect(sp.dtype).toBe('float32');
      expect(sp.shape).toEqual([3, 4]);
      expect(sp.graph).toBe(g);
      expect(() => new tf.SparseTensor(IDX, [1, 2, 3], SHAPE)).toThrow('Dimensions 4 and 3 are not compatible');
      expect(() => new tf.SparseTensor(IDX, VALS, [3, 4, 5])).toThrow('Dimensions 2 and 3 are not compatible');
      expect(() => new tf.SparseTensor([0, 1], [1, 2], [3])).toThrow('Shape must be rank 2 but is rank 1');
    });
  });
});

for (const dev of devices) {
  describe(`SparseTensor ops (${dev.name})`, () => {
    it('fetches a SparseTensorValue; toDense, sparseToDense, sparseTensorDenseMatmul', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const f = g.asDefault(() => {
        const sp = new tf.SparseTensor(IDX, VALS, SHAPE);
        const rep = new tf.SparseTensor([[0, 0], [0, 0], [2, 1]], [1, 2, 5], [3, 2]);
        const b = tf.constant(B, 'float32');
        return {
          sp,
          nested: [{ s: sp }],
          dense: tf.sparse.toDense(sp),
          dense7: tf.sparseTensorToDense(sp, { defaultValue: -7 }),
          s2d: tf.sparseToDense([0, 3], [5], [9, 8], -1),
          s2dScalar: tf.sparseToDense([[0, 1], [2, 0]], [3, 2], 6),
          mm: tf.sparseTensorDenseMatmul(sp, b),
          mmAdjA: tf.sparseTensorDenseMatmul(rep, tf.constant(BA, 'float32'), true),
          mmAdjB: tf.sparseTensorDenseMatmul(sp, tf.constant(T(B), 'float32'), { adjointB: true }),
        };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const r = await sess.run(f);
      expect(r.sp).toBeInstanceOf(tf.SparseTensorValue);
      expect(Array.from(r.sp.indices.data, Number)).toEqual(IDX.flat());
      expect(r.sp.indices.shape).toEqual([4, 2]);
      expect(Array.from(r.sp.values.data)).toEqual(VALS);
      expect(Array.from(r.sp.denseShape.data, Number)).toEqual(SHAPE);
      expect(r.nested[0]!.s).toBeInstanceOf(tf.SparseTensorValue);
      expect(Array.from((r.dense as NDArray).data)).toEqual(dense(IDX, VALS, SHAPE).flat());
      expect(Array.from((r.dense7 as NDArray).data)).toEqual(dense(IDX, VALS, SHAPE, -7).flat());
      expect(Array.from((r.s2d as NDArray).data)).toEqual([9, -1, -1, 8, -1]);
      expect(Array.from((r.s2dScalar as NDArray).data)).toEqual([0, 6, 0, 0, 6, 0]);
      const want = matmul(dense(IDX, VALS, SHAPE), B);
      Array.from((r.mm as NDArray).data).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
      expect((r.mm as NDArray).shape).toEqual([3, 2]);
      Array.from((r.mmAdjB as NDArray).data).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
      // adjoint_a: rep is [3, 2] with [0, 0] repeated (summed), so A^T [2, 3] times BA [3, 4].
      const wantA = matmul(T(dense([[0, 0], [0, 0], [2, 1]], [1, 2, 5], [3, 2])), BA);
      Array.from((r.mmAdjA as NDArray).data).forEach((v, i) => expect(v).toBeCloseTo(wantA[i]!, 4));
      expect((r.mmAdjA as NDArray).shape).toEqual([2, 4]);
      await sess.close();
    });

    it('feeds a sparsePlaceholder with a SparseTensorValue or a triple', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const { sp, known, out, outKnown } = g.asDefault(() => {
        const sp = tf.sparsePlaceholder('float32', null, 'sp');
        const known = tf.sparse.placeholder('float32', [3, 4], 'known');
        return { sp, known, out: tf.sparse.toDense(known), outKnown: tf.sparseTensorDenseMatmul(known, tf.constant(B, 'float32')) };
      });
      expect(sp.indices.name).toBe('sp/indices:0');
      expect(sp.values.name).toBe('sp/values:0');
      expect(sp.denseShape.name).toBe('sp/shape:0');
      expect(sp.shape).toBeNull();
      expect(known.shape).toEqual([3, 4]);
      const sess = new tf.Session({ graph: g, ...dev.options });
      const v = new tf.SparseTensorValue(new tf.NDArray(Float64Array.from(IDX.flat()), [4, 2], 'int64'), new tf.NDArray(Float32Array.from(VALS), [4]), new tf.NDArray(Float64Array.from(SHAPE), [2], 'int64'));
      const echo = await sess.run(sp, [[sp, v]]);
      expect(echo).toBeInstanceOf(tf.SparseTensorValue);
      expect(Array.from(echo.values.data)).toEqual(VALS);
      expect(Array.from(echo.denseShape.data, Number)).toEqual(SHAPE);
      const [d, m] = await sess.run([out, outKnown], [[known, [IDX, VALS, SHAPE]]]);
      expect(Array.from(d!.data)).toEqual(dense(IDX, VALS, SHAPE).flat());
      const want = matmul(dense(IDX, VALS, SHAPE), B);
      Array.from(m!.data).forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 4));
      await expect(sess.run(out, [[known, [IDX, VALS]]])).rejects.toThrow('[indices, values, dense_shape] triple');
      await sess.close();
    });
  });
}

const GRAD: GradCase[] = [
  {
    name: 'sparseTensorDenseMatmul w.r.t. values and b',
    ins: [{ shape: [4] }, { shape: [4, 2] }],
    f: (v, b) => tf.sparseTensorDenseMatmul(new tf.SparseTensor(IDX, v, SHAPE), b),
  },
  {
    name: 'sparseTensorDenseMatmul adjointA, adjointB',
    ins: [{ shape: [4] }, { shape: [2, 3] }],
    f: (v, b) => tf.sparseTensorDenseMatmul(new tf.SparseTensor(IDX, v, SHAPE), b, true, true),
  },
  {
    name: 'sparse.toDense w.r.t. values (default 0.5)',
    ins: [{ shape: [4] }],
    f: (v) => tf.sparse.toDense(new tf.SparseTensor(IDX, v, SHAPE), 0.5),
  },
];
describeGradients('finite-difference gradients of the sparse ops', GRAD, devices);
