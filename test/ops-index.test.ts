/**
 * TF1's array and index ops beyond the basics: sorted and sparse segment reductions, unique /
 * uniqueWithCounts, setdiff1d, invertPermutation, unravelIndex, bincount, dynamicPartition /
 * dynamicStitch, tensorScatterUpdate/Add/Sub, batchGather, searchsorted, parallelStack. Values
 * (from TF's docs and kernel tests) on every device, TF's run-time and build-time texts, GraphDef
 * op types both ways, and finite-difference gradients (float64 CPU, float32 wasm / WebGPU).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

registerSkipSummary();
const devices = await resolvedDevices();
const i32 = (v: number[], shape = [v.length]): NDArray => new tf.NDArray(Int32Array.from(v), shape, tf.int32);
const f32 = (v: number[], shape = [v.length]): NDArray => new tf.NDArray(Float32Array.from(v), shape);

for (const dev of devices) {
  describe(`array and index ops [${dev.name}]`, () => {
    it('segment, set and partition ops give TF values', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const { outs, p, x } = g.asDefault(() => {
        // TF's docs: segment_sum([[1,2,3,4],[4,3,2,1],[5,6,7,8]], [0,0,1]) = [[5,5,5,5],[5,6,7,8]]
        const c = tf.constant([[1, 2, 3, 4], [4, 3, 2, 1], [5, 6, 7, 8]]);
        const ids = tf.constant([0, 0, 2], tf.int32);
        const p = tf.placeholder(tf.int32, [null], 'p');
        const x = tf.placeholder(tf.float32, [5, 2], 'x');
        const [u, ui] = tf.unique(tf.constant([1, 1, 2, 4, 4, 4, 7, 8, 8], tf.int32));
        const [uc, uci, ucc] = tf.uniqueWithCounts(p, tf.int64);
        const [sd, sdi] = tf.setdiff1d(tf.constant([1, 2, 3, 4, 5, 6], tf.int32), tf.constant([1, 3, 5], tf.int32));
        const parts = tf.dynamicPartition(x, p, 3);
        return {
          p, x,
          outs: [
            tf.segmentSum(c, tf.constant([0, 0, 1], tf.int32)), tf.segmentSum(c, ids), tf.segmentMean(c, ids), tf.segmentMax(c, ids),
            tf.segmentMin(c, ids), tf.segmentProd(c, ids), tf.segmentSum(tf.constant([3, 4, 5], tf.int32), tf.constant([1, 1, 2], tf.int64)),
            tf.sparseSegmentSum(c, tf.constant([0, 1], tf.int32), tf.constant([0, 0], tf.int32)),
            tf.sparseSegmentSum(c, tf.constant([0, 1, 2], tf.int32), tf.constant([0, 0, 1], tf.int32)),
            tf.sparseSegmentMean(c, tf.constant([0, 2, 2], tf.int32), tf.constant([0, 2, 2], tf.int32)),
            tf.sparseSegmentSqrtN(c, tf.constant([0, 1, 2], tf.int32), tf.constant([0, 1, 1], tf.int32)),
            u, ui, uc, uci, ucc, sd, sdi,
            tf.invertPermutation([3, 4, 0, 2, 1]), tf.unravelIndex([1, 5, 7], [3, 3]), tf.unravelIndex(1621, [6, 7, 8, 9]),
            tf.bincount(p), tf.bincount(p, { minlength: 6 }), tf.bincount(p, { maxlength: 2 }),
            tf.bincount(p, tf.multiply(tf.cast(p, tf.float32), 0.5), { minlength: 4 }),
            ...parts,
            tf.dynamicStitch([tf.constant([6], tf.int32), tf.constant([4, 1], tf.int32), tf.constant([[5, 2], [0, 3]], tf.int32)],
              [tf.constant([[61, 62]]), tf.constant([[41, 42], [11, 12]]), tf.constant([[[51, 52], [21, 22]], [[1, 2], [31, 32]]])]),
            tf.dynamicStitch([tf.range(0, tf.size(p)), p], [tf.cast(p, tf.float32), tf.fill([tf.size(p)], 9)]),
          ],
        };
      });
      await using sess = new tf.Session({ ...dev.options, graph: g });
      const r = (await sess.run(outs, new Map<Tensor, NDArray>([[p, i32([2, 0, 0, 2, 1])], [x, f32([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 2])]]))).map((a) => (a as NDArray).toArray());
      expect(r.slice(0, 7)).toEqual([
        [[5, 5, 5, 5], [5, 6, 7, 8]],
        [[5, 5, 5, 5], [0, 0, 0, 0], [5, 6, 7, 8]],
        [[2.5, 2.5, 2.5, 2.5], [0, 0, 0, 0], [5, 6, 7, 8]],
        [[4, 3, 3, 4], [0, 0, 0, 0], [5, 6, 7, 8]],
        [[1, 2, 2, 1], [0, 0, 0, 0], [5, 6, 7, 8]],
        [[4, 6, 6, 4], [1, 1, 1, 1], [5, 6, 7, 8]],
        [0, 7, 5],
      ]);
      expect(r[7]).toEqual([[5, 5, 5, 5]]);
      expect(r[8]).toEqual([[5, 5, 5, 5], [5, 6, 7, 8]]);
      expect(r[9]).toEqual([[1, 2, 3, 4], [0, 0, 0, 0], [5, 6, 7, 8]]);
      const sq = r[10] as number[][];
      expect(sq[0]).toEqual([1, 2, 3, 4]);
      [9, 9, 9, 9].forEach((v, k) => expect(sq[1]![k]!).toBeCloseTo(v / Math.SQRT2, 5));
      expect(r.slice(11, 18)).toEqual([[1, 2, 4, 7, 8], [0, 0, 1, 2, 2, 2, 3, 4, 4], [2, 0, 1], [0, 1, 1, 0, 2], [2, 2, 1], [2, 4, 6], [1, 3, 5]]);
      expect(r.slice(18, 21)).toEqual([[2, 4, 3, 0, 1], [[0, 1, 2], [1, 2, 1]], [3, 1, 4, 1]]);
      expect(r.slice(21, 25)).toEqual([[2, 1, 2], [2, 1, 2, 0, 0, 0], [2, 1], [0, 0.5, 2, 0]]);
      expect(r.slice(25, 28)).toEqual([[[3, 4], [5, 6]], [[9, 10]], [[1, 2], [7, 8]]]);
      expect(r[28]).toEqual([[1, 2], [11, 12], [21, 22], [31, 32], [41, 42], [51, 52], [61, 62]]);
      expect(r[29]).toEqual([9, 9, 9, 2, 1]);
    });

    it('tensor scatters, batchGather, searchsorted, parallelStack give TF values', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const outs = g.asDefault(() => {
        const t = tf.constant([1, 2, 3, 4, 5, 6, 7, 8]);
        const idx = tf.constant([[4], [3], [1], [7]], tf.int32);
        const up = tf.constant([9, 10, 11, 12]);
        const t2 = tf.zeros([4, 2]);
        return [
          tf.tensorScatterUpdate(t, idx, up), tf.tensorScatterAdd(t, idx, up), tf.tensorScatterSub(t, idx, up),
          tf.tensorScatterNdUpdate(t2, tf.constant([[1], [3], [1]], tf.int32), tf.constant([[1, 2], [3, 4], [5, 6]])),
          tf.tensorScatterNdAdd(t2, tf.constant([[1, 0], [1, 0], [2, 1]], tf.int64), tf.constant([1, 2, 3])),
          tf.batchGather(tf.constant([[1, 2, 3], [4, 5, 6]]), tf.constant([[2, 0], [1, 1]], tf.int32)),
          tf.batchGather(tf.constant([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]), tf.constant([[1], [0]], tf.int32)),
          tf.searchsorted(tf.constant([[0, 3, 9, 9, 10], [1, 2, 3, 4, 5]]), tf.constant([[2, 4, 9], [0, 2, 6]])),
          tf.searchsorted(tf.constant([[0, 3, 9, 9, 10], [1, 2, 3, 4, 5]]), tf.constant([[2, 4, 9], [0, 2, 6]]), 'right', tf.int64),
          tf.parallelStack([tf.constant([1, 4]), tf.constant([2, 5]), tf.constant([3, 6])]),
        ];
      });
      await using sess = new tf.Session({ ...dev.options, graph: g });
      const r = (await sess.run(outs)).map((a) => (a as NDArray).toArray());
      expect(r).toEqual([
        [1, 11, 3, 10, 9, 6, 7, 12],
        [1, 13, 3, 14, 14, 6, 7, 20],
        [1, -9, 3, -6, -4, 6, 7, -4],
        [[0, 0], [5, 6], [0, 0], [3, 4]],
        [[0, 0], [3, 0], [0, 3], [0, 0]],
        [[3, 1], [5, 5]],
        [[[3, 4]], [[5, 6]]],
        [[1, 2, 2], [0, 1, 5]],
        [[1, 2, 4], [0, 2, 5]],
        [[1, 4], [2, 5], [3, 6]],
      ]);
      expect(outs[8]!.dtype).toBe('int64');
    });

    it('histograms, confusion matrices and multinomial samples', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const { outs, l, p, m, bad } = g.asDefault(() => {
        const l = tf.placeholder(tf.int32, [null], 'l');
        const p = tf.placeholder(tf.int32, [null], 'p');
        // TF's docs: histogram_fixed_width([-1.0, 0.0, 1.5, 2.0, 5.0, 15], [0.0, 5.0], nbins=5) = [2, 1, 1, 0, 2]
        const v = tf.constant([-1.0, 0.0, 1.5, 2.0, 5.0, 15]);
        const m = tf.multinomial(tf.log(tf.constant([[0.1, 0.6, 0.3], [0.5, 0.0, 0.5]])), 2000, { seed: 7 });
        return {
          l, p, m,
          outs: [
            tf.histogramFixedWidth(v, [0.0, 5.0], 5), tf.histogramFixedWidth(v, [0.0, 5.0], 5, tf.int64), tf.histogramFixedWidthBins(v, [0.0, 5.0], 5),
            tf.confusionMatrix([1, 2, 4], [2, 2, 4]), tf.math.confusionMatrix(l, p), tf.confusionMatrix(l, p, 5, tf.constant([1, 2, 3, 4]), tf.float32),
            tf.random.categorical(tf.constant([[0, 0, 0, 0]]), 3, tf.int32, 1),
          ],
          bad: [tf.confusionMatrix(l, p, 3), tf.histogramFixedWidth(v, tf.constant([5.0, 0.0]), 5)],
        };
      });
      await using sess = new tf.Session({ ...dev.options, graph: g });
      const feeds = new Map<Tensor, NDArray>([[l, i32([1, 2, 4, 0])], [p, i32([2, 2, 4, 0])]]);
      const r = ((await sess.run(outs, feeds)) as NDArray[]).map((a) => a.toArray());
      expect(r.slice(0, 3)).toEqual([[2, 1, 1, 0, 2], [2, 1, 1, 0, 2], [0, 0, 1, 2, 4, 4]]);
      const cm = (cells: [number, number, number][], n = 5) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => cells.find(([a, b]) => a === i && b === j)?.[2] ?? 0));
      expect(r[3]).toEqual(cm([[1, 2, 1], [2, 2, 1], [4, 4, 1]]));
      expect(r[4]).toEqual(cm([[0, 0, 1], [1, 2, 1], [2, 2, 1], [4, 4, 1]]));
      expect(r[5]).toEqual(cm([[0, 0, 4], [1, 2, 1], [2, 2, 2], [4, 4, 3]]));
      expect(outs[1]!.dtype).toBe('int64');
      expect(outs[6]!.dtype).toBe('int32');
      expect((r[6] as number[][])[0]!.every((k) => k >= 0 && k < 4)).toBe(true);
      // samples follow softmax(logits): 0.1 / 0.6 / 0.3 and 0.5 / 0 / 0.5, int64, fresh on every run
      const a = (await sess.run(m)) as NDArray;
      const b = (await sess.run(m)) as NDArray;
      expect([a.dtype, a.shape]).toEqual(['int64', [2, 2000]]);
      const counts = [[0, 0, 0], [0, 0, 0]];
      for (let row = 0; row < 2; row++) for (let i = 0; i < 2000; i++) counts[row]![Number(a.data[row * 2000 + i])]!++;
      [[0.1, 0.6, 0.3], [0.5, 0, 0.5]].forEach((ps, row) => ps.forEach((q, k) => expect(Math.abs(counts[row]![k]! / 2000 - q)).toBeLessThan(0.04)));
      expect(counts[1]![1]).toBe(0);
      expect(Array.from(b.data)).not.toEqual(Array.from(a.data));
      await expect(sess.run(bad[0]!, feeds)).rejects.toThrow('`labels` out of bound');
      await expect(sess.run(bad[1]!)).rejects.toThrow('value_range should satisfy value_range[0] < value_range[1], but got [5, 0]');
    });

    it('run-time checks fail with TF texts', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const { p, q, m, cases } = g.asDefault(() => {
        const p = tf.placeholder(tf.int32, [null], 'p');
        const q = tf.placeholder(tf.int32, [null], 'q');
        const m = tf.placeholder(tf.int32, undefined, 'm');
        const d = tf.ones([4, 2]);
        return {
          p, q, m,
          cases: [
            [tf.segmentSum(d, p), [0, 2, 1, 3], 'segment ids are not increasing'],
            [tf.segmentMax(d, p), [-1, 0, 1, 1], "Segment id -1 out of range [0, 2), possibly because 'segment_ids' input is not sorted."],
            [tf.segmentSum(d, p), [0, 0, -1, -1], 'segment ids must be >= 0'],
            [tf.segmentSum(d, p), [0, 1], 'segment_ids should be the same size as dimension 0 of input.'],
            [tf.sparseSegmentSum(d, q, p), [0, 1, 1], 'Bad: indices[2] == 9 out of range [0, 4)'],
            [tf.unique(m)[0], [1, 2, 3, 4], 'unique expects a 1D vector.'],
            [tf.invertPermutation(p), [1, 0, 1], '1 is duplicated in the input.'],
            [tf.invertPermutation(p), [0, 3, 1], '3 is not between 0 and 3'],
            [tf.unravelIndex(p, [2, 2]), [0, 4], 'index is out of bound as with dims'],
            [tf.bincount(tf.add(p, -1)), [1, 0], 'Input arr must be non-negative!'],
            [tf.bincount(p, tf.ones([3]), { maxlength: 2 }), [0, 1, 3], 'segment_ids[2] = 3 is out of range [0, 2)'],
            [tf.dynamicPartition(tf.ones([3]), p, 2)[0]!, [0, 2, 1], 'partitions[1] = 2 is not in [0, 2)'],
          ] as [Tensor, number[], string][],
        };
      });
      await using sess = new tf.Session({ ...dev.options, graph: g });
      for (const [t, v, text] of cases) {
        const feeds = new Map<Tensor, NDArray>([[p, i32(v)], [q, i32([0, 1, 9])], [m, i32([1, 2, 3, 4], [2, 2])]]);
        await expect(sess.run(t, feeds), text).rejects.toThrow(text);
        await expect(sess.run(t, feeds)).rejects.toBeInstanceOf(tf.errors.InvalidArgumentError);
      }
    });
  });
}

describe('array and index ops: graph-level behaviour', () => {
  it('build-time shapes, dtypes and TF texts', () => {
    new tf.Graph().asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 3]);
      expect(tf.segmentSum(x, tf.placeholder(tf.int32, [null])).shape).toEqual([null, 3]);
      expect(tf.segmentSum(x, [0, 1]).op.type).toBe('SegmentSum');
      expect(() => tf.segmentSum(tf.ones([4, 3]), tf.constant([0, 1], tf.int32))).toThrow(/Dimensions must be equal, but are 4 and 2 for 'SegmentSum_\d' \(op: 'SegmentSum'\) with input shapes: \[4,3\], \[2\]/);
      expect(() => tf.segmentSum(x, tf.constant([[0]], tf.int32))).toThrow(/Shape must be rank 1 but is rank 2/);
      expect(() => tf.segmentSum(tf.constant([true, false]), [0, 1])).toThrow("Value passed to parameter 'data' has DataType bool not in list of allowed values");
      expect(() => tf.segmentSum(x, tf.constant([0.5]))).toThrow("parameter 'segment_ids' has DataType float32 not in list of allowed values: int32, int64");
      expect(() => tf.sparseSegmentMean(tf.ones([2], tf.int32), [0], [0])).toThrow("parameter 'data' has DataType int32 not in list of allowed values: bfloat16, float16, float32, float64");
      expect(() => tf.sparseSegmentSum(x, [0, 1], [0])).toThrow(/Dimension 0 in both shapes must be equal, but are 2 and 1/);
      const [y, idx] = tf.unique(tf.placeholder(tf.int32, [5]), { outIdx: tf.int64 });
      expect([y.shape, idx.shape, idx.dtype, y.op.type]).toEqual([[null], [5], 'int64', 'Unique']);
      expect(() => tf.unique(tf.ones([2, 2]))).toThrow(/Shape must be rank 1 but is rank 2 for 'Unique_1' \(op: 'Unique'\)/);
      expect(tf.setdiff1d([1, 2], [2])[0].op.type).toBe('ListDiff');
      expect(tf.invertPermutation([1, 0]).shape).toEqual([2]);
      expect(tf.unravelIndex([1, 2, 3], [4, 4]).shape).toEqual([2, 3]);
      expect(tf.unravelIndex(3, [4, 4]).shape).toEqual([2]);
      expect(tf.bincount([1, 2]).op.type).toBe('Bincount');
      expect(tf.bincount([1, 2], [0.5, 1]).op.type).toBe('UnsortedSegmentSum');
      const parts = tf.dynamicPartition(tf.placeholder(tf.float32, [4, 3]), tf.placeholder(tf.int32, [4]), 2);
      expect(parts.map((t) => t.shape)).toEqual([[null, 3], [null, 3]]);
      expect(() => tf.dynamicPartition(tf.ones([4]), tf.constant([0, 1], tf.int32), 2)).toThrow(/Dimension 0 in both shapes must be equal, but are 4 and 2/);
      expect(tf.dynamicStitch([tf.constant([1, 0], tf.int32)], [tf.ones([2, 3])]).shape).toEqual([2, 3]);
      expect(() => tf.searchsorted([1, 2], [1], 'middle')).toThrow("side must be either 'right' or 'left'.  Saw: middle.");
      expect(() => tf.tensorScatterUpdate(tf.ones([4]), tf.constant([[1]], tf.int32), tf.ones([2]))).toThrow(/Must have updates.shape = indices.shape\[:batch_dim\] \+ shape\[slice_dim:\]/);
      expect(() => tf.parallelStack([tf.placeholder(tf.float32, [null])])).toThrow(/fully defined shape/);
      expect(() => tf.batchGather(tf.ones([2, 3]), tf.placeholder(tf.int32))).toThrow('batch_gather does not allow indices with unknown shape.');
    });
  });

  it('SegmentProd, Unique and ParallelConcat have no gradient, as in TF 1.15; InvertPermutation is not differentiable', () => {
    new tf.Graph().asDefault(() => {
      const x = tf.placeholder(tf.float32, [3]);
      expect(() => tf.gradients(tf.segmentProd(x, [0, 0, 1]), [x])).toThrow(/No gradient defined for operation 'SegmentProd' \(op type: SegmentProd\)/);
      expect(() => tf.gradients(tf.unique(x)[0], [x])).toThrow(/No gradient defined for operation 'Unique'/);
      expect(() => tf.gradients(tf.parallelStack([x]), [x])).toThrow(/No gradient defined for operation 'parallel_stack\/ParallelConcat'/);
      const p = tf.placeholder(tf.int32, [3]);
      expect(tf.gradients(tf.cast(tf.invertPermutation(p), tf.float32), [p])).toEqual([null]);
    });
  });

  it('GraphDef export writes TF op types and attrs, and imports back', async () => {
    const g = new tf.Graph();
    const names = g.asDefault(() => {
      const c = tf.constant([[1, 2], [3, 4], [5, 6]]);
      return [
        tf.segmentSum(c, tf.constant([0, 0, 1], tf.int64), 'ss'), tf.sparseSegmentMean(c, [2, 0], [0, 1], 'ssm'),
        tf.unsortedSegmentSum(c, tf.constant([1, 0, 1], tf.int32), 2, 'uss'), tf.unsortedSegmentMax(c, tf.constant([1, 0, 1], tf.int32), 2, 'usm'),
        tf.unique(tf.constant([3, 1, 3], tf.int32), { name: 'u' })[1], tf.setdiff1d([1, 2, 3], [2], { name: 'ld' })[0],
        tf.invertPermutation([2, 0, 1], { name: 'ip' }), tf.unravelIndex([3], [2, 2], { name: 'ui' }),
        tf.dynamicPartition(c, tf.constant([1, 0, 1], tf.int32), 2, { name: 'dp' })[1]!,
        tf.tensorScatterUpdate(c, tf.constant([[0]], tf.int32), tf.constant([[9, 9]]), { name: 'tsu' }),
        tf.searchsorted([[1, 3, 5]], [[4]], { name: 'srt' }), tf.parallelStack([tf.constant([1])], { name: 'ps' }),
        tf.histogramFixedWidth([1, 2, 9], [0, 10], 4, { name: 'hist' }), tf.bincount(tf.constant([1, 1, 3], tf.int32), { name: 'bc' }),
      ].map((t) => t.name);
    });
    const mult = g.asDefault(() => tf.multinomial([[0, 1]], 3, { seed: 5, name: 'mn' }));
    const gd = g.asGraphDef();
    const node = (n: string) => gd.node.find((x) => x.name === n)!;
    expect(node('ss').op).toBe('SegmentSum');
    expect(Object.keys(node('ss').attr).sort()).toEqual(['T', 'Tindices']);
    expect(node('uss').input.length).toBe(3);
    expect(node('uss').input[2]).toBe('uss/num_segments');
    expect(Object.keys(node('uss').attr).sort()).toEqual(['T', 'Tindices', 'Tnumsegments']);
    expect(node('ld').op).toBe('ListDiff');
    const attrs = (n: string): string[] => Object.keys(node(n).attr).filter((k) => !k.startsWith('_')).sort();
    expect([attrs('u'), attrs('ld'), attrs('ip'), attrs('ui'), attrs('dp'), attrs('tsu'), attrs('srt/LowerBound'), attrs('ps/ParallelConcat')]).toEqual([
      ['T', 'out_idx'], ['T', 'out_idx'], ['T'], ['Tidx'], ['T', 'num_partitions'], ['T', 'Tindices'], ['T', 'out_type'], ['N', 'T', 'shape'],
    ]);
    expect(node('srt/LowerBound').op).toBe('LowerBound');
    const before = await runAll(g, names);
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    expect(node('mn/Multinomial').attr.output_dtype).toBeDefined();
    expect(Object.keys(node('hist/HistogramFixedWidth').attr).sort()).toEqual(['T', 'dtype']);
    expect(g2Types(gd, mult.op.name)).toBe('Multinomial');
    for (const n of ['ss', 'ssm', 'uss', 'usm', 'u', 'ld', 'ip', 'ui', 'dp', 'tsu', 'srt/LowerBound', 'ps/ParallelConcat', 'hist/HistogramFixedWidth', 'bc/Bincount']) {
      expect(g2.getOperationByName(n).type).toBe(node(n).op);
    }
    expect(await runAll(g2, names)).toEqual(before);
  });
});

function g2Types(gd: ReturnType<tf.Graph['asGraphDef']>, name: string): string {
  const g = new tf.Graph();
  g.asDefault(() => tf.importGraphDef(gd, { name: '' }));
  return g.getOperationByName(name).type;
}

async function runAll(g: tf.Graph, names: string[]): Promise<unknown[]> {
  const sess = new tf.Session({ graph: g });
  try {
    return ((await sess.run(names.map((n) => g.getTensorByName(n)))) as NDArray[]).map((a) => a.toArray());
  } finally {
    await sess.close();
  }
}

const CASES: GradCase[] = [
  {
    name: 'SegmentSum / Mean / Max / Min (ties split evenly)',
    ins: [{ shape: [4, 2], gen: (r, i) => [0.3, 1.2, -0.5, 1.2, 0.7, -1.1, 2.0, 0.4][i]! }, { shape: [4], fixed: { dtype: 'int32', value: [0, 0, 2, 2] } }],
    f: (d, i) => [tf.segmentSum(d, i), tf.segmentMean(d, i), tf.segmentMax(d, i), tf.segmentMin(d, i)].map((t) => tf.reshape(t, [6])),
  },
  {
    name: 'SparseSegmentSum / Mean / SqrtN',
    ins: [{ shape: [3, 2] }],
    f: (d) => [tf.sparseSegmentSum(d, [2, 0, 2], [0, 0, 1]), tf.sparseSegmentMean(d, [2, 0, 2], [0, 0, 1]), tf.sparseSegmentSqrtN(d, [0, 1, 1], [0, 1, 1])].map((t) => tf.reshape(t, [4])),
  },
  {
    name: 'DynamicPartition / DynamicStitch',
    ins: [{ shape: [4, 2] }, { shape: [4], fixed: { dtype: 'int32', value: [1, 0, 1, 2] } }],
    f: (d, p) => {
      const parts = tf.dynamicPartition(d, p, 3);
      const pos = tf.dynamicPartition(tf.range(0, 4), p, 3);
      return [tf.reshape(parts[1]!, [4]), tf.reshape(tf.dynamicStitch(pos, parts.map((t) => tf.multiply(t, t))), [8])];
    },
  },
  {
    name: 'TensorScatterUpdate / Add / Sub, batchGather',
    ins: [{ shape: [4, 2] }, { shape: [2, 2] }],
    f: (t, u) => {
      const idx = tf.constant([[3], [1]], tf.int32);
      return [tf.tensorScatterUpdate(t, idx, u), tf.tensorScatterAdd(t, idx, u), tf.tensorScatterSub(t, idx, tf.multiply(u, u)), tf.batchGather(t, tf.constant([[1, 0], [0, 0], [1, 1], [0, 1]], tf.int32))];
    },
  },
];

describeGradients('finite-difference gradients of array ops', CASES, devices);
