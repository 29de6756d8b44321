/**
 * int64 results are integers: tsflow holds int64 as float64 numbers on the CPU, where -3·0,
 * floor(0 / -5), the truncating int mean and -(0) would be -0; they must come out as 0 (as TF's int64
 * has no -0), on every device, for fed values and for plan-time constants.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();

const i64 = (xs: number[]): NDArray => new tf.NDArray(Float64Array.from(xs), [xs.length], 'int64');
const noNegZero = (a: NDArray, want: number[]): void => {
  expect(Array.from(a.data as ArrayLike<number>)).toEqual(want);
  Array.from(a.data as ArrayLike<number>).forEach((v, i) => expect(Object.is(v, -0), `element ${i} is -0`).toBe(false));
};

for (const dev of devices) {
  describe(`int64 never -0 (${dev.name})`, () => {
    it('mul, floorDiv, the int mean (truncating division), floorMod, neg of fed and constant int64', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const x = tf.placeholder('int64', [4]);
        const y = tf.placeholder('int64', [4]);
        const a = tf.placeholder('int64', [4]);
        const b = tf.placeholder('int64', [4]);
        const c = tf.constant([-3, 0, 7, -1], 'int64');
        return {
          x, y, a, b,
          outs: [
            tf.multiply(x, y), tf.floorDiv(a, b), tf.reduceMean(tf.reshape(tf.multiply(a, b), [2, 2]), 1), tf.math.floormod(a, b), tf.negative(x),
            tf.multiply(c, tf.constant([0, -4, 0, 0], 'int64')), tf.negative(tf.constant([0, 2], 'int64')), tf.reduceMean(tf.constant([[-1, 0]], 'int64'), 1),
          ],
        };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const feeds: [tf.Tensor, NDArray][] = [[m.x, i64([-3, 0, 0, -1])], [m.y, i64([0, -5, 3, 2])], [m.a, i64([0, 0, -1, -1])], [m.b, i64([-5, 3, 2, -2])]];
      const r = (await sess.run(m.outs, feeds)) as NDArray[];
      noNegZero(r[0]!, [0, 0, 0, -2]);
      noNegZero(r[1]!, [0, 0, -1, 0]);
      // a · b = [0, 0, -2, 2]; the int mean of [-2, 2]... and of [0, 0]
      noNegZero(r[2]!, [0, 0]);
      noNegZero(r[3]!, [0, 0, 1, -1]);
      noNegZero(r[4]!, [3, 0, 0, 1]);
      noNegZero(r[5]!, [0, 0, 0, 0]);
      noNegZero(r[6]!, [0, -2]);
      noNegZero(r[7]!, [0]);
      await sess.close();
    });
  });
}
