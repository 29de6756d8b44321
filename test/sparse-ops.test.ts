/**
 * TF1's sparse ops (tf.sparse.* and the tf.sparse_* names) on every device: values from TF's
 * sparse op tests (sparse_add_op_test, sparse_ops_test, sparse_reorder_op_test,
 * sparse_concat_op_test, sparse_slice_op_test, sparse_split_op_test) and hand-checked cases, TF's
 * op types and GraphDef attrs, run-time texts, and finite-difference gradients where TF has them.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, SparseTensor, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

const list = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);
const close = (a: NDArray, want: number[], tol = 1e-6): void => {
  expect(a.data.length).toBe(want.length);
  want.forEach((w, i) => Number.isFinite(w) ? expect(Math.abs(Number(a.data[i]) - w), `[${i}] ${a.data[i]} vs ${w}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w))) : expect(Number(a.data[i])).toBe(w));
};

// sparse_ops_test's _SparseTensor_5x6: rows 0, 1, 3 and 4 hold entries.
const IND = [[0, 0], [0, 2], [1, 0], [1, 4], [3, 2], [3, 3]];
const VAL = [0, 2, 10, 14, 32, 33];
const sp5x6 = () => new tf.SparseTensor(IND, VAL, [5, 6]);

for (const dev of devices) {
  describe(`sparse ops (${dev.name})`, () => {
    it('add, reduce, reshape, reorder, slice, concat, retain, fill, softmax, max/min, split, transpose, expandDims, eye, toIndicator', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const f = g.asDefault(() => {
        const a = sp5x6();
        const b = new tf.SparseTensor([[0, 0], [1, 4], [2, 2]], [1, -14, 5], [5, 6]);
        const sum = tf.sparse.add(a, b) as SparseTensor;
        const sumTh = tf.sparseAdd(a, b, 1.5) as SparseTensor;
        const dense = tf.sparse.add(a, tf.ones([5, 6])) as Tensor;
        const unordered = new tf.SparseTensor([[2, 1], [0, 3], [0, 1], [1, 0]], [1, 2, 3, 4], [3, 4]);
        const re = tf.sparse.reorder(unordered);
        const rs = tf.sparse.reshape(a, [-1, 3]);
        const sl = tf.sparse.slice(a, [0, 1], [4, 3]);
        const c1 = new tf.SparseTensor([[0, 1], [1, 0]], [1, 2], [2, 2]);
        const c2 = new tf.SparseTensor([[0, 0], [2, 2]], [3, 4], [3, 3]);
        const cat = tf.sparse.concat(1, [c1, new tf.SparseTensor([[1, 1]], [5], [2, 3])]);
        const catExp = tf.sparseConcat(0, [c1, c2], { expandNonconcatDim: true });
        const ret = tf.sparse.retain(a, [true, false, true, false, false, true]);
        const [filled, emptyRows] = tf.sparse.fillEmptyRows(a, -1);
        const smx = tf.sparse.softmax(new tf.SparseTensor([[0, 0], [0, 2], [1, 1]], [1, 2, 3], [2, 3]));
        const ma = new tf.SparseTensor([[0, 0], [1, 1]], [-1, 2], [2, 2]);
        const mb = new tf.SparseTensor([[0, 0], [0, 1]], [-3, 4], [2, 2]);
        const [s0, s1] = tf.sparse.split(a, 2, 1);
        const d = (x: SparseTensor) => tf.sparse.toDense(x);
        return {
          sum: d(sum), sumTh: d(sumTh), sumTh_i: sumTh.indices, dense,
          reI: re.indices, reV: re.values,
          rs: d(rs), sl: d(sl), slShape: sl.denseShape,
          cat: d(cat), catExp: d(catExp),
          retI: ret.indices, retV: ret.values,
          filled: d(filled), emptyRows,
          smx: smx.values,
          max: d(tf.sparse.maximum(ma, mb)), min: d(tf.sparseMinimum(ma, mb)),
          s0: d(s0!), s1: d(s1!),
          rsum: tf.sparse.reduceSum(a, 1), rsumAll: tf.sparseReduceSum(a), rsumKeep: tf.sparse.reduceSum(a, 0, true),
          rmax: tf.sparse.reduceMax(a, 1), rsumSp: d(tf.sparse.reduceSumSparse(a, 1)),
          tr: d(tf.sparse.transpose(a)), ed: d(tf.sparse.expandDims(a, 1)), eye: d(tf.sparse.eye(2, 3)),
          merged: d(tf.sparseMerge(new tf.SparseTensor([[0, 0], [0, 1], [1, 0]], tf.constant([3, 0, 2], 'int64'), [2, 2]), new tf.SparseTensor([[0, 0], [0, 1], [1, 0]], [0.5, 1.5, 2.5], [2, 2]), 4)),
          ind: tf.sparse.toIndicator(new tf.SparseTensor([[0, 0], [0, 1], [1, 0]], tf.constant([0, 3, 2], 'int64'), [2, 2]), 4),
        };
      });
      const sess = new tf.Session({ ...dev.options, graph: g });
      try {
        const o = (await sess.run(f)) as Record<string, NDArray>;
        const D = (rows: [number, number, number][], sh: number[], fillV = 0) => {
          const out = new Array<number>(sh.reduce((p, x) => p * x, 1)).fill(fillV);
          for (const [i, j, v] of rows) out[i * sh[1]! + j] = v;
          return out;
        };
        close(o.sum!, D([[0, 0, 1], [0, 2, 2], [1, 0, 10], [1, 4, 0], [2, 2, 5], [3, 2, 32], [3, 3, 33]], [5, 6]));
        // thresh 1.5 drops |sum| < 1.5: (0,0)=1 and (1,4)=0 go.
        expect(list(o.sumTh_i!)).toEqual([0, 2, 1, 0, 2, 2, 3, 2, 3, 3]);
        close(o.dense!, D([[0, 0, 1], [0, 2, 3], [1, 0, 11], [1, 4, 15], [3, 2, 33], [3, 3, 34]], [5, 6], 1));
        expect(list(o.reI!)).toEqual([0, 1, 0, 3, 1, 0, 2, 1]);
        expect(list(o.reV!)).toEqual([3, 2, 4, 1]);
        // [5,6] → [10,3]: flat positions 0,2,6,10,20,21.
        close(o.rs!, D([[0, 0, 0], [0, 2, 2], [2, 0, 10], [3, 1, 14], [6, 2, 32], [7, 0, 33]], [10, 3]));
        close(o.sl!, D([[0, 1, 2], [3, 1, 32], [3, 2, 33]], [4, 3]));
        expect(list(o.slShape!)).toEqual([4, 3]);
        close(o.cat!, D([[0, 1, 1], [1, 0, 2], [1, 3, 5]], [2, 5]));
        close(o.catExp!, D([[0, 1, 1], [1, 0, 2], [2, 0, 3], [4, 2, 4]], [5, 3]));
        expect(list(o.retI!)).toEqual([0, 0, 1, 0, 3, 3]);
        expect(list(o.retV!)).toEqual([0, 10, 33]);
        close(o.filled!, D([[0, 0, 0], [0, 2, 2], [1, 0, 10], [1, 4, 14], [2, 0, -1], [3, 2, 32], [3, 3, 33], [4, 0, -1]], [5, 6]));
        expect(list(o.emptyRows!)).toEqual([0, 0, 1, 0, 1]);
        const e = Math.exp(1);
        close(o.smx!, [1 / (1 + e), e / (1 + e), 1], 1e-6);
        close(o.max!, [-1, 4, 0, 2]);
        close(o.min!, [-3, 0, 0, 0]);
        close(o.s0!, D([[0, 0, 0], [0, 2, 2], [1, 0, 10], [3, 2, 32]], [5, 3]));
        close(o.s1!, D([[1, 1, 14], [3, 0, 33]], [5, 3]));
        close(o.rsum!, [2, 24, 0, 65, 0]);
        close(o.rsumAll!, [91]);
        expect(o.rsumKeep!.shape).toEqual([1, 6]);
        close(o.rsumKeep!, [10, 0, 34, 33, 14, 0]);
        close(o.rmax!, [2, 14, -Infinity, 33, -Infinity]);
        close(o.rsumSp!, [2, 24, 0, 65, 0]);
        const t = D([[0, 0, 0], [0, 2, 2], [1, 0, 10], [1, 4, 14], [3, 2, 32], [3, 3, 33]], [5, 6]);
        const tt = new Array<number>(30);
        for (let i = 0; i < 5; i++) for (let j = 0; j < 6; j++) tt[j * 5 + i] = t[i * 6 + j]!;
        close(o.tr!, tt);
        expect(o.ed!.shape).toEqual([5, 1, 6]);
        close(o.ed!, t);
        close(o.eye!, [1, 0, 0, 0, 1, 0]);
        close(o.merged!, [1.5, 0, 0, 0.5, 0, 0, 2.5, 0]);
        expect(list(o.ind!)).toEqual([1, 0, 0, 1, 0, 0, 1, 0]);
      } finally {
        await sess.close();
      }
    });
  });
}

describe('sparse ops: op types, GraphDef, texts', () => {
  it("TF's op types and attrs; TF's run-time errors", async () => {
    const g = new tf.Graph();
    const bad = g.asDefault(() => {
      const a = sp5x6();
      expect((tf.sparse.add(a, a) as SparseTensor).values.op.type).toBe('SparseAdd');
      expect((tf.sparse.add(a, tf.zeros([5, 6])) as Tensor).op.type).toBe('SparseTensorDenseAdd');
      expect(tf.sparse.reduceSum(a, 1, true).op.type).toBe('SparseReduceSum');
      expect(tf.sparse.reduceSum(a, 1).shape).toEqual([5]);
      expect(tf.sparse.concat(1, [a, a]).values.op.type).toBe('SparseConcat');
      expect(tf.sparse.split(a, 3, 1)[0]!.values.op.type).toBe('SparseSplit');
      expect(tf.sparse.maximum(a, a).values.op.type).toBe('SparseSparseMaximum');
      expect(tf.sparse.softmax(a).values.op.type).toBe('SparseSoftmax');
      expect(tf.sparse.fillEmptyRows(a, 0)[1].op.type).toBe('SparseFillEmptyRows');
      expect(() => tf.sparse.add(tf.zeros([2]) as never, tf.zeros([2]) as never)).toThrow('At least one input should be SparseTensor');
      return tf.sparse.reshape(new tf.SparseTensor(tf.placeholder('int64', [null, 2]), tf.placeholder('float32', [null]), tf.placeholder('int64', [2])), [-1, 4]);
    });
    const gd = g.asGraphDef();
    const node = (t: string) => gd.node.find((n) => n.op === t)!;
    expect(node('SparseReduceSum').attr.keep_dims!.b).toBe(true);
    expect(node('SparseConcat').attr.concat_dim!.i).toBe(1);
    expect(node('SparseConcat').attr.N!.i).toBe(2);
    expect(node('SparseSplit').attr.num_split!.i).toBe(3);
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    expect(g2.getOperations().find((op) => op.type === 'SparseSplit')!.attrs.numSplit).toBe(3);
    const sess = new tf.Session({ graph: g });
    try {
      const ph = g.getOperations().filter((op) => op.type === 'Placeholder').map((op) => op.outputs[0]!);
      const fd = (shape: number[]) => new Map([[ph[0]!, new tf.NDArray(Float64Array.from([0, 1]), [1, 2], 'int64')], [ph[1]!, new tf.NDArray(new Float32Array(1), [1], 'float32')], [ph[2]!, new tf.NDArray(Float64Array.from(shape), [2], 'int64')]] as [Tensor, NDArray][]);
      expect(list((await sess.run(bad.denseShape, fd([2, 6]))) as NDArray)).toEqual([3, 4]);
      await expect(sess.run(bad.indices, fd([2, 5]))).rejects.toThrow('Input to reshape is a SparseTensor with 10 dense values, but the requested shape requires a multiple of 4');
    } finally {
      await sess.close();
    }
  });
});

// Gradients w.r.t. the values (and the dense side), the indices constant.
const A_IND = [[0, 1], [1, 0], [1, 2], [2, 2]];
const B_IND = [[0, 1], [2, 0]];
const spv = (ind: number[][], v: Tensor, shape: number[]) => new tf.SparseTensor(ind, v, shape);
const GRAD: GradCase[] = [
  {
    name: 'sparse.add (SparseAdd) w.r.t. both values',
    ins: [{ shape: [4] }, { shape: [2] }],
    f: (a, b) => tf.sparse.toDense(tf.sparse.add(spv(A_IND, a!, [3, 3]), spv(B_IND, b!, [3, 3])) as SparseTensor),
  },
  {
    name: 'sparse.add with a dense side (SparseTensorDenseAdd)',
    ins: [{ shape: [4] }, { shape: [3, 3] }],
    f: (a, d) => tf.sparse.add(spv(A_IND, a!, [3, 3]), d!) as Tensor,
  },
  { name: 'sparse.reduceSum (SparseReduceSum)', ins: [{ shape: [4] }], f: (a) => [tf.sparse.reduceSum(spv(A_IND, a!, [3, 3]), 1), tf.sparse.reduceSum(spv(A_IND, a!, [3, 3]), 0, true)] },
  { name: 'sparse.softmax (SparseSoftmax)', ins: [{ shape: [4] }], f: (a) => tf.sparse.softmax(spv(A_IND, a!, [3, 3])).values },
  { name: 'sparse.reorder (SparseReorder)', ins: [{ shape: [4] }], f: (a) => tf.sparse.reorder(spv([[2, 2], [0, 1], [1, 2], [1, 0]], a!, [3, 3])).values },
  {
    name: 'sparse.fillEmptyRows (values and default)',
    ins: [{ shape: [2] }, { shape: [] }],
    f: (a, d) => tf.sparse.toDense(tf.sparse.fillEmptyRows(spv([[0, 1], [2, 0]], a!, [3, 2]), d!)[0]),
  },
  { name: 'sparse.slice (SparseSlice)', ins: [{ shape: [4] }], f: (a) => tf.sparse.toDense(tf.sparse.slice(spv(A_IND, a!, [3, 3]), [1, 0], [2, 2])) },
];

describeGradients('finite-difference gradients of the sparse ops', GRAD, devices);
