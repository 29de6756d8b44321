/**
 * The ops TF-written training graphs use for shape bookkeeping, imported from NodeDefs whose
 * shape-like operands are computed from fed tensors' shapes (so they only fold at plan time):
 * BroadcastGradientArgs, DynamicStitch, and Tile/Fill/Sum/Transpose/Range/Reshape/ExpandDims/
 * ConcatV2 with tensor operands. Values against independent float64 references on every device.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { tensorToProto } from '../../src/graphdef/tensor-proto.js';
import { dtypeToEnum } from '../../src/graphdef/tensor-proto.js';
import type { NodeDef } from '../../src/proto/framework.js';
import { makeOp } from '../../src/ops/registry.js';
import { broadcastGradientArgs } from '../../src/ops/shape-operands.js';
import { checkGradients } from '../support/grad-check.js';
import { registerSkipSummary, resolvedDevices, skipTest } from '../conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();

const T = (d: tf.DType) => ({ type: dtypeToEnum(d) });
const node = (name: string, op: string, input: string[], attr: NodeDef['attr'] = {}): NodeDef => ({ name, op, input, device: '', attr });
const ph = (name: string, dtype: tf.DType = 'float32') => node(name, 'Placeholder', [], { dtype: T(dtype) });
const ints = (name: string, v: number[], shape = [v.length]) =>
  node(name, 'Const', [], { dtype: T('int32'), value: { tensor: tensorToProto(new tf.NDArray(Int32Array.from(v), shape, 'int32')) } });
const f32 = (name: string, v: number) => node(name, 'Const', [], { dtype: T('float32'), value: { tensor: tensorToProto(new tf.NDArray(Float32Array.of(v), [], 'float32')) } });

/** x, y fed with unknown shapes; every shape-like operand below derives from Shape/Rank of them. */
const NODES: NodeDef[] = [
  ph('x'), ph('y'), ph('k', 'int32'),
  node('sx', 'Shape', ['x'], { T: T('float32'), out_type: T('int32') }),
  node('sy', 'Shape', ['y'], { T: T('float32'), out_type: T('int32') }),
  node('rank', 'Rank', ['x'], { T: T('float32') }),
  ints('zero', [0], []), ints('one', [1], []), ints('one_v', [1]), ints('axis1', [1]),
  node('bga', 'BroadcastGradientArgs', ['sx', 'sy'], { T: T('int32') }),
  node('sum', 'Add', ['x', 'y'], { T: T('float32') }),
  node('gx_sum', 'Sum', ['sum', 'bga'], { T: T('float32'), Tidx: T('int32'), keep_dims: { b: false } }),
  node('gx', 'Reshape', ['gx_sum', 'sx'], { T: T('float32'), Tshape: T('int32') }),
  node('gy_sum', 'Sum', ['sum', 'bga:1'], { T: T('float32'), Tidx: T('int32'), keep_dims: { b: false } }),
  node('gy', 'Reshape', ['gy_sum', 'sy'], { T: T('float32'), Tshape: T('int32') }),
  f32('v', 2.5),
  node('fill', 'Fill', ['sx', 'v'], { T: T('float32'), index_type: T('int32') }),
  node('ratio', 'FloorDiv', ['sy', 'sx'], { T: T('int32') }),
  node('mult', 'Maximum', ['ratio', 'one'], { T: T('int32') }),
  node('tile', 'Tile', ['x', 'mult'], { T: T('float32'), Tmultiples: T('int32') }),
  node('all_axes', 'Range', ['zero', 'rank', 'one'], { Tidx: T('int32') }),
  node('total', 'Sum', ['x', 'all_axes'], { T: T('float32'), Tidx: T('int32'), keep_dims: { b: false } }),
  // TF's reduced_shape(sx, [1]): DynamicStitch([range(rank), [1]], [sx, [1]]).
  node('reduced', 'DynamicStitch', ['all_axes', 'axis1', 'sx', 'one_v'], { N: { i: 2 }, T: T('int32') }),
  node('rowsum', 'Sum', ['x', 'axis1'], { T: T('float32'), Tidx: T('int32'), keep_dims: { b: false } }),
  node('kept', 'Reshape', ['rowsum', 'reduced'], { T: T('float32'), Tshape: T('int32') }),
  // TF's transpose default perm: (rank - 1) - range(rank).
  node('rm1', 'Sub', ['rank', 'one'], { T: T('int32') }),
  node('perm', 'Sub', ['rm1', 'all_axes'], { T: T('int32') }),
  node('tr', 'Transpose', ['x', 'perm'], { T: T('float32'), Tperm: T('int32') }),
  node('ed', 'ExpandDims', ['x', 'rank'], { T: T('float32'), Tdim: T('int32') }),
  node('cat', 'ConcatV2', ['x', 'x', 'rm1'], { N: { i: 2 }, T: T('float32'), Tidx: T('int32') }),
  node('bad_tile', 'Tile', ['x', 'k'], { T: T('float32'), Tmultiples: T('int32') }),
];

function rnd(shape: number[], seed: number): tf.NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed;
  const d = Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
  return new tf.NDArray(d, shape);
}
/** Value at multi-index `ix` of a row-major array of `shape`. */
const at = (a: tf.NDArray, ix: number[]): number => Number(a.data[ix.reduce((o, i, d) => o * a.shape[d]! + i, 0)]);

describe('BroadcastGradientArgs as TF computes it (tensorflow/python/kernel_tests/bcast_ops_test.py)', () => {
  it.each([
    [[2, 3, 5], [1], [], [0, 1, 2]],
    [[2, 3, 5], [5], [], [0, 1]],
    [[2, 3, 5], [3, 5], [], [0]],
    [[2, 3, 5], [3, 1], [], [0, 2]],
    [[2, 1, 5], [3, 1], [1], [0, 2]],
    [[1, 2, 1, 2, 1, 2], [2, 1, 2, 1, 2, 1], [0, 2, 4], [1, 3, 5]],
    [[2, 0, 3, 0, 5], [3, 0, 5], [], [0, 1]],
    [[2, 0, 3, 0, 5], [3, 1, 5], [], [0, 1, 3]],
    [[1, 1], [1], [0, 1], [0, 1]],
  ])('%j vs %j → %j, %j', (a, b, r0, r1) => {
    expect(broadcastGradientArgs(a, b)).toEqual([r0, r1]);
  });
  it('incompatible shapes fail with TF\'s text', () => {
    expect(() => broadcastGradientArgs([2, 3], [4])).toThrow('Incompatible shapes: [2,3] vs. [4]');
  });
});

for (const dev of devices) {
  describe(`shape operands folded at plan time: ${dev.name}`, () => {
    const setup = () => {
      const g = new tf.Graph();
      g.asDefault(() => tf.importGraphDef({ node: NODES }, { name: '' }));
      const sess = new tf.Session({ graph: g, ...dev.options });
      return { g, sess, t: (n: string) => g.getTensorByName(n) };
    };

    it('BroadcastGradientArgs + Sum + Reshape give each operand its broadcast gradient', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const { sess, t } = setup();
      const x = rnd([2, 3, 1], 1);
      const y = rnd([3, 4], 2);
      const [r0, r1, gx, gy] = (await sess.run([t('bga:0'), t('bga:1'), t('gx:0'), t('gy:0')], new Map([[t('x:0'), x], [t('y:0'), y]]))) as tf.NDArray[];
      expect(Array.from(r0!.data)).toEqual([2]);
      expect(Array.from(r1!.data)).toEqual([0]);
      expect(gx!.shape).toEqual([2, 3, 1]);
      expect(gy!.shape).toEqual([3, 4]);
      // d/dx sum(x + y) over the broadcast [2,3,4]: x's entries each appear 4 times with y's row.
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) {
        let ref = 0;
        for (let k = 0; k < 4; k++) ref += at(x, [i, j, 0]) + at(y, [j, k]);
        expect(at(gx!, [i, j, 0])).toBeCloseTo(ref, 5);
      }
      for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) {
        let ref = 0;
        for (let i = 0; i < 2; i++) ref += at(x, [i, j, 0]) + at(y, [j, k]);
        expect(at(gy!, [j, k])).toBeCloseTo(ref, 5);
      }
      await sess.close();
    });

    it('Fill, Tile, Range, DynamicStitch, Transpose, ExpandDims and ConcatV2 with computed operands', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const { sess, t } = setup();
      const x = rnd([2, 1], 3);
      const y = rnd([4, 3], 4);
      const feed = new Map([[t('x:0'), x], [t('y:0'), y]]);
      const names = ['fill', 'tile', 'total', 'reduced', 'kept', 'tr', 'ed', 'cat'];
      const r = (await sess.run(names.map((n) => t(`${n}:0`)), feed)) as tf.NDArray[];
      const [fill, tile, total, reduced, kept, tr, ed, cat] = r;
      expect(fill!.shape).toEqual([2, 1]);
      expect(Array.from(fill!.data)).toEqual([2.5, 2.5]);
      expect(tile!.shape).toEqual([4, 3]);
      for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) expect(at(tile!, [i, j])).toBe(at(x, [i % 2, 0]));
      expect(total!.data[0]).toBeCloseTo(Number(x.data[0]) + Number(x.data[1]), 6);
      expect(Array.from(reduced!.data)).toEqual([2, 1]);
      expect(kept!.shape).toEqual([2, 1]);
      expect(Array.from(kept!.data)).toEqual(Array.from(x.data));
      expect(tr!.shape).toEqual([1, 2]);
      expect(Array.from(tr!.data)).toEqual(Array.from(x.data));
      expect(ed!.shape).toEqual([2, 1, 1]);
      expect(cat!.shape).toEqual([2, 2]);
      expect(Array.from(cat!.data)).toEqual([x.data[0], x.data[0], x.data[1], x.data[1]]);
      await sess.close();
    });

    it('an operand fed at run time is computed first: one plan per value', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const { sess, t } = setup();
      const x = rnd([2], 5);
      const xs = Array.from(x.data);
      const tiled = async (k: number) => Array.from(((await sess.run(t('bad_tile:0'), new Map([[t('x:0'), x], [t('k:0'), new tf.NDArray(Int32Array.of(k), [1], 'int32')]]))) as tf.NDArray).data);
      expect(await tiled(2)).toEqual([...xs, ...xs]);
      expect(await tiled(3)).toEqual([...xs, ...xs, ...xs]);
      await sess.close();
    });

    it('DynamicStitch of computed data: later indices win, rows gathered on the device', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const { a, b, out } = g.asDefault(() => {
        const a = tf.placeholder(tf.float32, [2, 2]);
        const b = tf.placeholder(tf.float32, [2, 2]);
        const i0 = tf.constant([0, 2], { dtype: tf.int32 });
        const i1 = tf.constant([1, 2], { dtype: tf.int32 });
        return { a, b, out: makeOp(g, 'DynamicStitch', [i0, i1, a, b], { N: 2 }, undefined, 'DynamicStitch').outputs[0]! };
      });
      expect(out.shape).toEqual([3, 2]);
      const sess = new tf.Session({ graph: g, ...dev.options });
      const av = new tf.NDArray(Float32Array.of(1, 2, 3, 4), [2, 2]);
      const bv = new tf.NDArray(Float32Array.of(5, 6, 7, 8), [2, 2]);
      const r = (await sess.run(out, new Map([[a, av], [b, bv]]))) as tf.NDArray;
      expect(r.shape).toEqual([3, 2]);
      expect(Array.from(r.data)).toEqual([1, 2, 5, 6, 7, 8]);
      await sess.close();
    });
  });
}

describe('DynamicStitch gradient by finite differences', () => {
  it('float64 on the CPU', async () => {
    await checkGradients(
      {
        name: 'DynamicStitch',
        ins: [{ shape: [2, 3] }, { shape: [1, 3] }],
        f: (a, b) => makeOp(a.graph, 'DynamicStitch', [tf.constant([2, 0], { dtype: tf.int32 }), tf.constant([1], { dtype: tf.int32 }), a, b], { N: 2 }, undefined, 'DynamicStitch').outputs[0]!,
      },
      'float64',
      { device: 'cpu', threads: 1 },
    );
  });
});

describe("TF's Split(split_dim, value) and SplitV(value, size_splits, split_dim) import", () => {
  it('split a [2, 4] tensor along axis 1', async () => {
    const g = new tf.Graph();
    g.asDefault(() => tf.importGraphDef({
      node: [
        ph('v'), ints('dim', [1], []), ints('sizes', [1, -1]),
        node('sp', 'Split', ['dim', 'v'], { T: T('float32'), num_split: { i: 2 } }),
        node('spv', 'SplitV', ['v', 'sizes', 'dim'], { T: T('float32'), Tlen: T('int32'), num_split: { i: 2 } }),
      ],
    }, { name: '' }));
    const sess = new tf.Session({ graph: g });
    const v = new tf.NDArray(Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8), [2, 4]);
    const [a, b, c, d] = (await sess.run(['sp:0', 'sp:1', 'spv:0', 'spv:1'].map((n) => g.getTensorByName(n)), new Map([[g.getTensorByName('v:0'), v]]))) as tf.NDArray[];
    expect(Array.from(a!.data)).toEqual([1, 2, 5, 6]);
    expect(Array.from(b!.data)).toEqual([3, 4, 7, 8]);
    expect(Array.from(c!.data)).toEqual([1, 5]);
    expect(d!.shape).toEqual([2, 3]);
    await sess.close();
  });
});
