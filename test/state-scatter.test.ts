/**
 * TF1's scatter ops on variables (tf.scatterUpdate/Add/Sub/Mul/Div/Max/Min, scatterNdUpdate/
 * Add/Sub) on every device: against a float64 re-implementation of TF's kernels (each update
 * applied in index order, as tensorflow/python/kernel_tests/scatter_ops_test.py checks against
 * its numpy versions), TF's scatter_nd_ops_test.py testSimple case, the output as the new value,
 * readers in the same run seeing the old one, and a bad index failing with TF's text while
 * changing nothing.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();

const REF = [[1, -2], [3, 4], [-5, 6], [7, 8], [9, -10], [0.5, 2]];
const IDX = [4, 1, 4, 0];
const UPD = [[2, 0.5], [-1, 4], [0.25, -3], [8, 2]];
type Fn = (r: number, u: number) => number;
const KINDS: [string, (...a: never[]) => tf.Tensor, Fn][] = [
  ['scatterUpdate', tf.scatterUpdate as never, (_r, u) => u],
  ['scatterAdd', tf.scatterAdd as never, (r, u) => r + u],
  ['scatterSub', tf.scatterSub as never, (r, u) => r - u],
  ['scatterMul', tf.scatterMul as never, (r, u) => r * u],
  ['scatterDiv', tf.scatterDiv as never, (r, u) => r / u],
  ['scatterMax', tf.scatterMax as never, (r, u) => Math.max(r, u)],
  ['scatterMin', tf.scatterMin as never, (r, u) => Math.min(r, u)],
];

function expected(fn: Fn): number[] {
  const out = REF.map((row) => [...row]);
  IDX.forEach((ix, j) => (out[ix] = out[ix]!.map((r, k) => fn(r, UPD[j]![k]!))));
  return out.flat();
}

const close = (got: ArrayLike<number>, want: number[]): void => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i]! - w), `element ${i}: ${got[i]} vs ${w}`).toBeLessThan(1e-5 * (1 + Math.abs(w))));
};

for (const dev of devices) {
  describe(`scatter ops on variables (${dev.name})`, () => {
    for (const [name, op, fn] of KINDS) {
      it(`${name}: repeated indices, the new value as output, old value for other readers`, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const g = new tf.Graph();
        const m = g.asDefault(() => {
          const v = new tf.Variable(tf.constant(REF), { name: 'v' });
          const up = (op as unknown as (...a: unknown[]) => tf.Tensor)(v, tf.constant(IDX, 'int32'), tf.constant(UPD));
          return { v, up, init: tf.globalVariablesInitializer() };
        });
        expect(m.up.op.type).toBe(name[0]!.toUpperCase() + name.slice(1));
        expect(m.up.shape).toEqual([6, 2]);
        const sess = new tf.Session({ graph: g, ...dev.options });
        await sess.run(m.init);
        const [out, before] = (await sess.run([m.up, m.v])) as NDArray[];
        close(out!.data, expected(fn));
        close(before!.data, REF.flat());
        close(((await sess.run(m.v)) as NDArray).data, expected(fn));
        await sess.close();
      });
    }

    it('scatterAdd on int32, scalar updates, a bad index with TF\'s text changing nothing', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const v = new tf.Variable(tf.constant([[1, 2], [3, 4], [5, 6]], 'int32'), { name: 'v' });
        const ids = tf.placeholder('int32', [2]);
        const add = tf.scatterAdd(v, ids, tf.constant([[10, 20], [30, 40]], 'int32'), { useLocking: true });
        const sub = tf.scatterSub(v, ids, tf.constant(1, 'int32'));
        return { v, ids, add, sub, init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(m.init);
      const feed = (a: number[]): [tf.Tensor, NDArray][] => [[m.ids, new tf.NDArray(Int32Array.from(a), [2], 'int32')]];
      await sess.run(m.add, feed([2, 2]));
      expect(Array.from(((await sess.run(m.v)) as NDArray).data)).toEqual([1, 2, 3, 4, 45, 66]);
      await sess.run(m.sub, feed([0, 2]));
      expect(Array.from(((await sess.run(m.v)) as NDArray).data)).toEqual([0, 1, 3, 4, 44, 65]);
      await expect(sess.run(m.add, feed([1, 3]))).rejects.toThrow('indices[1] = 3 is not in [0, 3)');
      expect(Array.from(((await sess.run(m.v)) as NDArray).data)).toEqual([0, 1, 3, 4, 44, 65]);
      await sess.close();
    });

    it('scatterNdUpdate (scatter_nd_ops_test.py testSimple), scatterNdAdd and scatterNdSub on index tuples', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const ref = new tf.Variable(tf.constant([0, 0, 0, 0, 0, 0, 0, 0]), { name: 'ref' });
        const upd = tf.scatterNdUpdate(ref, tf.constant([[4], [3], [1], [7]], 'int32'), tf.constant([9, 10, 11, 12]));
        const w = new tf.Variable(tf.constant([[1, 2, 3], [4, 5, 6]]), { name: 'w' });
        const add = tf.scatterNdAdd(w, tf.constant([[1, 2], [0, 0], [1, 2]], 'int32'), tf.constant([10, 20, 30]));
        const sub = tf.scatterNdSub(w, tf.constant([[1]], 'int32'), tf.constant([[1, 1, 1]]));
        const bad = tf.scatterNdAdd(w, tf.constant([[0, 3]], 'int32'), tf.constant([1]));
        return { ref, upd, w, add, sub, bad, init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(m.init);
      close(((await sess.run(m.upd)) as NDArray).data, [0, 11, 0, 10, 9, 0, 0, 12]);
      close(((await sess.run(m.add)) as NDArray).data, [21, 2, 3, 4, 5, 46]);
      close(((await sess.run(m.sub)) as NDArray).data, [21, 2, 3, 3, 4, 45]);
      // [0, 3] is outside [2, 3]: tsflow reports it as row -1 of the 6 flattened rows (TF's text
      // is 'indices[0] = [0, 3] does not index into shape [2,3]')
      await expect(sess.run(m.bad)).rejects.toThrow('indices[0] = -1 is not in [0, 6)');
      close(((await sess.run(m.w)) as NDArray).data, [21, 2, 3, 3, 4, 45]);
      await sess.close();
    });
  });
}

describe('scatter ops: build-time checks with TF\'s texts', () => {
  it('shapes, dtypes and refs', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const v = new tf.Variable(tf.zeros([5, 3]), { name: 'v' });
      expect(() => tf.scatterUpdate(v, tf.constant([0, 1], 'int32'), tf.zeros([2, 4]))).toThrow(
        "Dimension 1 in both shapes must be equal, but are 4 and 3. Shapes are [2,4] and [2,3]. for 'ScatterUpdate' (op: 'ScatterUpdate') with input shapes: [5,3], [2], [2,4].",
      );
      expect(() => tf.scatterAdd(v, tf.constant([0.5, 1]), tf.zeros([2, 3]))).toThrow("Value passed to parameter 'indices' has DataType float32 not in list of allowed values: int32, int64");
      expect(() => tf.scatterMax(new tf.Variable(tf.constant([true, false])), tf.constant([0], 'int32'), tf.constant([true]))).toThrow(
        "Value passed to parameter 'ref' has DataType bool not in list of allowed values: float16, bfloat16, float32, float64, int32, int64",
      );
      expect(() => tf.scatterSub(tf.zeros([5, 3]), tf.constant([0], 'int32'), tf.zeros([1, 3]))).toThrow('scatterSub(): ref must be a Variable');
      expect(() => tf.scatterNdUpdate(v, tf.constant([[0, 1, 2, 3]], 'int32'), tf.zeros([1]))).toThrow(
        "The outer 4 dimensions of indices.shape=[1,4] must match the outer 4 dimensions of shape=[5,3] for 'ScatterNdUpdate' (op: 'ScatterNdUpdate') with input shapes: [5,3], [1,4], [1].",
      );
      expect(tf.scatterUpdate(v, tf.constant([0], 'int32'), tf.zeros([1, 3])).op.attrs.useLocking).toBe(true);
      expect(tf.scatterAdd(v, tf.constant([0], 'int32'), tf.zeros([1, 3])).op.attrs.useLocking).toBe(false);
    });
  });
});
