/**
 * tf.cumprod (exclusive / reverse), countNonzero, linspace / linSpace, meshgrid (xy / ij),
 * broadcastTo, broadcastDynamicShape, broadcastStaticShape, sort / argsort (direction, stable
 * ties), roll, whereV2 and reverseV2 on every device: values worked out by hand, TF's op types
 * (BroadcastTo, BroadcastArgs, Roll, LinSpace, Cumprod, TopKV2) with GraphDef round trips, TF's
 * error texts, and finite-difference gradients.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

const vals = (a: NDArray): unknown => a.toArray();

for (const dev of devices) {
  describe(`cumprod, linspace, meshgrid, broadcasting, sort, roll (${dev.name})`, () => {
    it('values', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const o = g.asDefault(() => {
        const x = tf.constant([[1, 2, 3], [4, 5, 6]]);
        const xi = tf.constant([[1, 2, 3], [4, 5, 6]], tf.int32);
        const u = tf.constant([[3, 1, 2], [1, 3, 1]]);
        const [mx, my] = tf.meshgrid(tf.constant([1, 2, 3]), tf.constant([4, 5]));
        const [ix, iy] = tf.meshgrid(tf.constant([1, 2, 3]), tf.constant([4, 5]), { indexing: 'ij' });
        return {
          cp1: tf.cumprod(x, 1),
          cp0: tf.cumprod(xi, 0),
          cpEx: tf.cumprod(x, 1, true),
          cpRev: tf.cumprod(x, 1, false, true),
          cpBoth: tf.cumprod(x, { axis: 1, exclusive: true, reverse: true }),
          nz: tf.countNonzero(tf.constant([[0, 1, 2], [0, 0, 3]])),
          nz1: tf.countNonzero(tf.constant([[0, 1, 2], [0, 0, 3]], tf.int32), 1, true, tf.int32),
          nzb: tf.countNonzero(tf.constant([true, false, true])),
          ls: tf.linspace(10, 12, 3),
          ls5: tf.linSpace(tf.constant(0), tf.constant(1), tf.constant(5, tf.int32)),
          ls1: tf.linspace(-2, 7, 1),
          mx, my, ix, iy,
          bt: tf.broadcastTo(tf.constant([1, 2, 3]), [2, 3]),
          bt2: tf.broadcastTo(tf.constant([[7], [8]], tf.int32), tf.constant([2, 2, 3], tf.int32)),
          bds: tf.broadcastDynamicShape(tf.constant([2, 1, 3], tf.int32), tf.constant([4, 1], tf.int32)),
          sa: tf.sort(u),
          sd: tf.sort(u, -1, 'DESCENDING'),
          s0: tf.sort(u, 0),
          aa: tf.argsort(u),
          ad: tf.argsort(u, { direction: 'DESCENDING', stable: true }),
          a0: tf.argsort(tf.constant([[3, 1, 2], [1, 3, 1]], tf.int32), 0),
          r1: tf.roll(tf.constant([0, 1, 2, 3, 4]), 2, 0),
          r2: tf.roll(tf.constant([[0, 1, 2], [3, 4, 5]]), [1, -1], [0, 1]),
          rSame: tf.roll(tf.constant([[0, 1, 2], [3, 4, 5]]), [1, 1], [1, 1]),
          w: tf.whereV2(tf.constant([true, false, true]), tf.constant([[1, 2, 3], [4, 5, 6]]), tf.constant(0)),
          rv: tf.reverseV2(x, [1]),
        };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const r = (await sess.run(o)) as Record<string, NDArray>;
      expect(vals(r.cp1!)).toEqual([[1, 2, 6], [4, 20, 120]]);
      expect(r.cp0!.dtype).toBe('int32');
      expect(vals(r.cp0!)).toEqual([[1, 2, 3], [4, 10, 18]]);
      expect(vals(r.cpEx!)).toEqual([[1, 1, 2], [1, 4, 20]]);
      expect(vals(r.cpRev!)).toEqual([[6, 6, 3], [120, 30, 6]]);
      expect(vals(r.cpBoth!)).toEqual([[6, 3, 1], [30, 6, 1]]);
      expect(r.nz!.dtype).toBe('int64');
      expect(Number(r.nz!.data[0])).toBe(3);
      expect(r.nz1!.dtype).toBe('int32');
      expect(vals(r.nz1!)).toEqual([[2], [1]]);
      expect(Number(r.nzb!.data[0])).toBe(2);
      expect(vals(r.ls!)).toEqual([10, 11, 12]);
      expect(vals(r.ls5!)).toEqual([0, 0.25, 0.5, 0.75, 1]);
      expect(vals(r.ls1!)).toEqual([-2]);
      expect(vals(r.mx!)).toEqual([[1, 2, 3], [1, 2, 3]]);
      expect(vals(r.my!)).toEqual([[4, 4, 4], [5, 5, 5]]);
      expect(vals(r.ix!)).toEqual([[1, 1], [2, 2], [3, 3]]);
      expect(vals(r.iy!)).toEqual([[4, 5], [4, 5], [4, 5]]);
      expect(vals(r.bt!)).toEqual([[1, 2, 3], [1, 2, 3]]);
      expect(vals(r.bt2!)).toEqual([[[7, 7, 7], [8, 8, 8]], [[7, 7, 7], [8, 8, 8]]]);
      expect(vals(r.bds!)).toEqual([2, 4, 3]);
      expect(vals(r.sa!)).toEqual([[1, 2, 3], [1, 1, 3]]);
      expect(vals(r.sd!)).toEqual([[3, 2, 1], [3, 1, 1]]);
      expect(vals(r.s0!)).toEqual([[1, 1, 1], [3, 3, 2]]);
      expect(r.aa!.dtype).toBe('int32');
      expect(vals(r.aa!)).toEqual([[1, 2, 0], [0, 2, 1]]);
      expect(vals(r.ad!)).toEqual([[0, 2, 1], [1, 0, 2]]);
      expect(vals(r.a0!)).toEqual([[1, 0, 1], [0, 1, 0]]);
      expect(vals(r.r1!)).toEqual([3, 4, 0, 1, 2]);
      expect(vals(r.r2!)).toEqual([[4, 5, 3], [1, 2, 0]]);
      expect(vals(r.rSame!)).toEqual([[1, 2, 0], [4, 5, 3]]);
      expect(vals(r.w!)).toEqual([[1, 0, 3], [4, 0, 6]]);
      expect(vals(r.rv!)).toEqual([[3, 2, 1], [6, 5, 4]]);
      await sess.close();
    });
  });
}

describe('array op declarations', () => {
  it('static shapes, op types, tf.math aliases, GraphDef round trip', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const p = tf.placeholder(tf.float32, [2, 3], { name: 'p' });
      return {
        p,
        outs: [
          tf.broadcastTo(tf.constant([1, 2, 3]), [4, 3]),
          tf.broadcastDynamicShape(tf.constant([2, 1], tf.int32), tf.constant([3], tf.int32)),
          tf.roll(p, 1, 1),
          tf.linspace(0, 3, 4),
          tf.cumprod(p, 1, true, true),
          tf.sort(p, { direction: 'DESCENDING' }),
        ],
      };
    });
    const types = ['BroadcastTo', 'BroadcastArgs', 'Roll', 'LinSpace', 'Cumprod', 'TopKV2'];
    m.outs.forEach((t, k) => expect(t.op.type, types[k]).toBe(types[k]));
    expect(m.outs.map((t) => t.shape)).toEqual([[4, 3], [2], [2, 3], [4], [2, 3], [2, 3]]);
    expect(m.outs[5]!.name).toBe('sort/TopKV2:0');
    expect(tf.math.cumprod).toBe(tf.cumprod);
    expect(tf.math.countNonzero).toBe(tf.countNonzero);
    expect(tf.broadcastStaticShape([2, 1, 3], [4, 1])).toEqual([2, 4, 3]);
    expect(tf.broadcastStaticShape([null, 1], [5])).toEqual([null, 5]);

    const feed = new tf.NDArray(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], 'float32');
    const sess = new tf.Session({ graph: g });
    const want = (await sess.run(m.outs, [[m.p, feed]])) as NDArray[];
    await sess.close();
    const gd = g.asGraphDef();
    const cp = gd.node.find((n) => n.op === 'Cumprod')!;
    expect(Object.keys(cp.attr).sort()).toEqual(['T', 'Tidx', 'exclusive', 'reverse']);
    expect(cp.input.length).toBe(2);
    const g2 = new tf.Graph();
    const outs2 = g2.asDefault(() => tf.importGraphDef(gd, { name: '', returnElements: m.outs.map((t) => t.name) })) as tf.Tensor[];
    outs2.forEach((t, k) => expect(t.op.type).toBe(types[k]));
    const s2 = new tf.Session({ graph: g2 });
    const got = (await s2.run(outs2, [['p:0', feed]])) as NDArray[];
    got.forEach((a, k) => expect(a.toArray(), types[k]).toEqual(want[k]!.toArray()));
    await s2.close();
  });

  it("TF's errors", async () => {
    const g = new tf.Graph();
    const bad = g.asDefault(() => {
      const x = tf.constant([1, 2, 3]);
      expect(() => tf.sort(x, -1, 'UP')).toThrow('UP should be one of ASCENDING, DESCENDING');
      expect(() => tf.sort(x, 1)).toThrow('Axis out of bounds');
      expect(() => tf.argsort(x, tf.constant(0) as unknown as number)).toThrow('axis must be a constant scalar');
      expect(() => tf.broadcastTo(tf.constant([1, 2, 3]), [2, 4])).toThrow(
        "Dimensions must be equal, but are 3 and 4 for 'BroadcastTo' (op: 'BroadcastTo') with input shapes: [3], [2] and with computed input tensors: input[1] = <2 4>.",
      );
      expect(() => tf.broadcastTo(tf.constant([[1]]), [3])).toThrow('Cannot broadcast a tensor with shape [1,1] shape [3]');
      expect(() => tf.broadcastStaticShape([2, 3], [4])).toThrow('Incompatible shapes for broadcasting: (2, 3) and (4,)');
      expect(() => tf.meshgrid(x, x, { indexing: 'xz' })).toThrow("indexing parameter must be either 'xy' or 'ij'");
      expect(() => tf.meshgrid(x, { sparse: true } as never)).toThrow("'sparse' is an invalid keyword argument for this function");
      expect(() => tf.linspace(0, 1, 0)).toThrow('Requires num > 0: 0');
      expect(() => tf.linspace(tf.constant([0, 1]), 1, 3)).toThrow(/Shape must be rank 0 but is rank 1 for 'LinSpace'/);
      expect(() => tf.linspace(tf.constant(0, tf.int32), tf.constant(1, tf.int32), 3)).toThrow(
        "Value passed to parameter 'start' has DataType int32 not in list of allowed values: bfloat16, float32, float64",
      );
      expect(() => tf.roll(tf.constant(1), 1, 0)).toThrow(/Shape must be at least rank 1 but is rank 0 for 'Roll'/);
      expect(() => tf.roll(x, [1, 2], [0])).toThrow(/Dimension 0 in both shapes must be equal, but are 2 and 1/);
      expect(() => tf.cumprod(tf.constant([true]))).toThrow("Value passed to parameter 'x' has DataType bool not in list of allowed values");
      return tf.roll(x, 1, 2);
    });
    const sess = new tf.Session({ graph: g });
    await expect(sess.run(bad)).rejects.toThrow('axis 2 is out of range');
    await sess.close();
  });
});

const GRAD: GradCase[] = [
  { name: 'cumprod', ins: [{ shape: [2, 3], gen: 'pos' }], f: (x) => tf.cumprod(x, 1) },
  { name: 'cumprod (exclusive, reverse)', ins: [{ shape: [2, 3], gen: 'pos' }], f: (x) => tf.cumprod(x, 0, true, true) },
  { name: 'roll', ins: [{ shape: [2, 3] }], f: (x) => tf.roll(x, [1, 2], [0, 1]) },
  { name: 'broadcastTo', ins: [{ shape: [3, 1] }], f: (x) => tf.broadcastTo(x, [2, 3, 2]) },
  { name: 'sort', ins: [{ shape: [2, 3] }], f: (x) => [tf.sort(x), tf.sort(x, 0, 'DESCENDING')] },
  { name: 'meshgrid', ins: [{ shape: [3] }, { shape: [2] }], f: (x, y) => tf.meshgrid(x, y) },
];

describeGradients('finite-difference gradients of the array ops', GRAD, devices);
