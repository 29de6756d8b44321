/**
 * tf.sets (TF 1.15's sets_impl.py and set_kernels.cc): size / intersection / union / difference
 * over dense and sparse inputs (DenseToDense, DenseToSparse, SparseToSparse), the last dimension
 * holding the sets, results as SparseTensors of sorted sets. Reference values: the examples of
 * TF 1.15's docstrings (sparse inputs) and Python's set operations (dense inputs), written here;
 * TF's error texts.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, SparseTensorValue, Tensor } from 'tsflow';

const nums = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);
function rows(a: NDArray): number[][] {
  const v = nums(a);
  const w = a.shape[1]!;
  return Array.from({ length: a.shape[0]! }, (_, i) => v.slice(i * w, (i + 1) * w));
}
interface Sp { indices: number[][]; values: (number | string)[]; shape: number[] }
function sp(v: SparseTensorValue): Sp {
  const values = v.values.dtype === 'string' ? (v.values.toArray() as unknown[]).map((x) => (typeof x === 'string' ? x : new TextDecoder().decode(x as Uint8Array))) : nums(v.values);
  return { indices: rows(v.indices), values, shape: nums(v.denseShape) };
}
async function run(build: () => Record<string, tf.SparseTensor | Tensor>): Promise<Record<string, SparseTensorValue | NDArray>> {
  const g = new tf.Graph();
  const fetches = g.asDefault(build);
  const s = new tf.Session({ graph: g });
  try {
    return (await s.run(fetches as never)) as never;
  } finally {
    await s.close();
  }
}
const sparse = (entries: [number[], number][], shape: number[]) => new tf.SparseTensor(entries.map((e) => e[0]), tf.constant(entries.map((e) => e[1]), 'int32'), shape);

// TF 1.15's docstring examples: a = [[{1, 2}, {3}], [{4}, {5, 6}]]
const A: [number[], number][] = [[[0, 0, 0], 1], [[0, 0, 1], 2], [[0, 1, 0], 3], [[1, 0, 0], 4], [[1, 1, 0], 5], [[1, 1, 1], 6]];
// intersection's b = [[{1}, {}], [{4}, {5, 6, 7, 8}]]
const B_INTER: [number[], number][] = [[[0, 0, 0], 1], [[1, 0, 0], 4], [[1, 1, 0], 5], [[1, 1, 1], 6], [[1, 1, 2], 7], [[1, 1, 3], 8]];
// difference's and union's b = [[{1, 3}, {2}], [{4, 5}, {5, 6, 7, 8}]]
const B: [number[], number][] = [[[0, 0, 0], 1], [[0, 0, 1], 3], [[0, 1, 0], 2], [[1, 0, 0], 4], [[1, 0, 1], 5], [[1, 1, 0], 5], [[1, 1, 1], 6], [[1, 1, 2], 7], [[1, 1, 3], 8]];

// dense sets and Python's set operations on each pair
const DA = [[[1, 2, 2], [3, 3, 3]], [[4, 9, 1], [5, 6, 0]]];
const DB = [[[2, 7, 1], [4, 4, 4]], [[1, 4, 9], [8, 6, 6]]];
const D_INTER = { indices: [[0, 0, 0], [0, 0, 1], [1, 0, 0], [1, 0, 1], [1, 0, 2], [1, 1, 0]], values: [1, 2, 1, 4, 9, 6], shape: [2, 2, 3] };
const D_UNION = {
  indices: [[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 0, 1], [1, 0, 2], [1, 1, 0], [1, 1, 1], [1, 1, 2], [1, 1, 3]],
  values: [1, 2, 7, 3, 4, 1, 4, 9, 0, 5, 6, 8], shape: [2, 2, 4],
};
const D_AMB = { indices: [[0, 1, 0], [1, 1, 0], [1, 1, 1]], values: [3, 0, 5], shape: [2, 2, 2] };
const D_BMA = { indices: [[0, 0, 0], [0, 1, 0], [1, 1, 0]], values: [7, 4, 8], shape: [2, 2, 1] };

describe('tf.sets over sparse inputs (TF 1.15 docstring examples)', () => {
  it('intersection, difference, union and size', async () => {
    const r = await run(() => {
      const a = sparse(A, [2, 2, 2]);
      return {
        inter: tf.sets.intersection(a, sparse(B_INTER, [2, 2, 4])),
        diff: tf.sets.difference(a, sparse(B, [2, 2, 4])),
        union: tf.sets.union(a, sparse(B, [2, 2, 4])),
        bma: tf.sets.setDifference(a, sparse(B, [2, 2, 4]), { aminusb: false }),
        size: tf.sets.size(a),
        sizeB: tf.sets.setSize(sparse(B, [2, 2, 4])),
      };
    });
    expect(sp(r.inter as SparseTensorValue)).toEqual({ indices: [[0, 0, 0], [1, 0, 0], [1, 1, 0], [1, 1, 1]], values: [1, 4, 5, 6], shape: [2, 2, 2] });
    expect(sp(r.diff as SparseTensorValue)).toEqual({ indices: [[0, 0, 0], [0, 1, 0]], values: [2, 3], shape: [2, 2, 1] });
    expect(sp(r.union as SparseTensorValue)).toEqual({
      indices: [[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 0, 1], [1, 1, 0], [1, 1, 1], [1, 1, 2], [1, 1, 3]],
      values: [1, 2, 3, 2, 3, 4, 5, 5, 6, 7, 8], shape: [2, 2, 4],
    });
    // b − a: [[{3}, {2}], [{5}, {7, 8}]]
    expect(sp(r.bma as SparseTensorValue)).toEqual({ indices: [[0, 0, 0], [0, 1, 0], [1, 0, 0], [1, 1, 0], [1, 1, 1]], values: [3, 2, 5, 7, 8], shape: [2, 2, 2] });
    expect(nums(r.size as NDArray)).toEqual([2, 1, 1, 2]);
    expect((r.size as NDArray).shape).toEqual([2, 2]);
    expect((r.size as NDArray).dtype).toBe('int32');
    expect(nums(r.sizeB as NDArray)).toEqual([2, 1, 2, 4]);
  });
});

describe('tf.sets over dense inputs', () => {
  it('DenseToDense: each pair of last-dimension rows as sets (duplicates count once)', async () => {
    const r = await run(() => ({
      inter: tf.sets.intersection(DA, DB),
      union: tf.sets.union(DA, DB),
      amb: tf.sets.difference(DA, DB),
      bma: tf.sets.difference(DA, DB, false),
    }));
    expect(sp(r.inter as SparseTensorValue)).toEqual(D_INTER);
    expect(sp(r.union as SparseTensorValue)).toEqual(D_UNION);
    expect(sp(r.amb as SparseTensorValue)).toEqual(D_AMB);
    expect(sp(r.bma as SparseTensorValue)).toEqual(D_BMA);
  });

  it('DenseToSparse, and a (sparse, dense) pair flipped to it (difference flips aminusb)', async () => {
    const r = await run(() => {
      const a = sparse(A, [2, 2, 2]);
      const dense = [[[1, 3], [2, 2]], [[4, 5], [5, 6]]];
      return {
        ds: tf.sets.union(dense, a),
        sd: tf.sets.intersection(a, dense),
        diff: tf.sets.difference(a, dense),
        op: tf.sets.difference(dense, a).values,
      };
    });
    // dense = [[{1, 3}, {2}], [{4, 5}, {5, 6}]]
    expect(sp(r.ds as SparseTensorValue)).toEqual({
      indices: [[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 0, 1], [1, 1, 0], [1, 1, 1]], values: [1, 2, 3, 2, 3, 4, 5, 5, 6], shape: [2, 2, 3],
    });
    expect(sp(r.sd as SparseTensorValue)).toEqual({ indices: [[0, 0, 0], [1, 0, 0], [1, 1, 0], [1, 1, 1]], values: [1, 4, 5, 6], shape: [2, 2, 2] });
    // a − dense = [[{2}, {3}], [{}, {}]]
    expect(sp(r.diff as SparseTensorValue)).toEqual({ indices: [[0, 0, 0], [0, 1, 0]], values: [2, 3], shape: [2, 2, 1] });
    expect(nums(r.op as NDArray)).toEqual([3, 2, 5]);
  });

  it('string sets, sorted by their bytes', async () => {
    const r = await run(() => ({
      u: tf.sets.union(tf.constant([['b', 'a'], ['c', 'c']]), tf.constant([['a', 'B'], ['ä', 'c']])),
    }));
    expect(sp(r.u as SparseTensorValue)).toEqual({ indices: [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]], values: ['B', 'a', 'b', 'c', 'ä'], shape: [2, 3] });
  });

  it('op types, no gradient', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder('int32', [2, 3]);
      const s = tf.sets.union(x, x);
      expect(s.indices.op.type).toBe('DenseToDenseSetOperation');
      expect(s.indices.shape).toEqual([null, 2]);
      expect(tf.sets.union(x, sparse(A.map(([i, v]) => [i.slice(1), v]) as [number[], number][], [2, 2])).indices.op.type).toBe('DenseToSparseSetOperation');
      expect(tf.sets.size(sparse(A, [2, 2, 2])).op.type).toBe('SetSize');
    });
  });
});

describe('tf.sets errors (TF texts)', () => {
  it('at build time', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const d = tf.constant([[1, 2]], 'int32');
      expect(() => tf.sets.size(d as never)).toThrow(/^Expected `SparseTensor`, got /);
      expect(() => tf.sets.size(new tf.SparseTensor([[0, 0]], tf.constant([1.5]), [1, 1]))).toThrow("Invalid dtype <dtype: 'float32'>.");
      expect(() => tf.sets.union(tf.constant([[1.5]]), tf.constant([[1.5]]))).toThrow("'a' invalid dtype <dtype: 'float32'>.");
      expect(() => tf.sets.union(d, tf.constant([[1, 2]], 'int64'))).toThrow("Types don't match, <dtype: 'int32'> vs <dtype: 'int64'>.");
      expect(() => tf.sets.union(tf.constant([1, 2], 'int32'), tf.constant([1, 2], 'int32'))).toThrow('Shape must be at least rank 2 but is rank 1');
    });
  });

  it('at run time: mismatched group shapes, unordered and out-of-bounds sparse indices', async () => {
    const g = new tf.Graph();
    const o = g.asDefault(() => {
      const x = tf.placeholder('int32', [null, 2]);
      const y = tf.placeholder('int32', [null, 2]);
      return {
        x, y, u: tf.sets.union(x, y).values,
        order: tf.sets.size(new tf.SparseTensor([[0, 1], [0, 0]], tf.constant([1, 2], 'int32'), [1, 2])),
        bounds: tf.sets.intersection(new tf.SparseTensor([[0, 0], [0, 5]], tf.constant([1, 2], 'int32'), [1, 2]), tf.constant([[1, 2]], 'int32')).values,
        repeated: tf.sets.size(new tf.SparseTensor([[0, 0], [0, 0]], tf.constant([1, 2], 'int32'), [1, 2])),
      };
    });
    const s = new tf.Session({ graph: g });
    await expect(s.run(o.u, [[o.x, [[1, 2], [3, 4]]], [o.y, [[1, 2]]]] as never)).rejects.toThrow('Mismatched shapes [2] vs [1]');
    await expect(s.run(o.order)).rejects.toThrow('indices[1] = [0,0] is out of order');
    await expect(s.run(o.bounds)).rejects.toThrow('indices[1] = [0,5] is out of bounds: need 0 <= index < [1,2]');
    await expect(s.run(o.repeated)).rejects.toThrow('indices[1] = [0,0] is repeated');
    await s.close();
  });
});
