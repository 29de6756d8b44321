/** DivNoNan: x / y with 0 where y is 0, broadcasting, and its gradient (float64 central differences). */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();

for (const dev of devices) {
  describe(`divNoNan [${dev.name}]`, () => {
    it('divides, and gives 0 (not inf/nan) where the divisor is 0', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const [a, b] = g.asDefault(() => [
        tf.divNoNan([[1, -2, 3], [0, 5, 6]], [2, 0, -4]),
        tf.divNoNan([0, 1, -1], 0),
      ]);
      const sess = new tf.Session({ ...dev.options, graph: g });
      const [x, y] = (await sess.run([a!, b!])) as NDArray[];
      expect(x!.toArray()).toEqual([[0.5, 0, -0.75], [0, 0, -1.5]]);
      expect(y!.toArray()).toEqual([0, 0, 0]);
      expect(a!.op.type).toBe('DivNoNan');
      await sess.close();
    });
  });
}

describe('divNoNan gradient', () => {
  it('matches central differences and is 0 where y is 0', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float64, [2, 3]);
      const y = tf.placeholder(tf.float64, [3]);
      const w = tf.constant(new tf.NDArray(Float64Array.from([0.3, -1.1, 0.7, 2.0, 0.4, -0.6]), [2, 3], 'float64'));
      const loss = tf.reduceSum(tf.multiply(tf.divNoNan(x, y), w));
      const [gx, gy] = tf.gradients(loss, [x, y]);
      const sess = new tf.Session({ graph: g });
      const xv = [0.5, -1.2, 2.0, 1.5, 0.8, -0.3];
      const yv = [1.3, 0, -0.7];
      const feed = (a: number[], b: number[]) =>
        new Map([[x, new tf.NDArray(Float64Array.from(a), [2, 3], 'float64')], [y, new tf.NDArray(Float64Array.from(b), [3], 'float64')]] as [tf.Tensor, NDArray][]);
      const [sx, sy] = sess.runSync([gx!, gy!], feed(xv, yv)) as NDArray[];
      const f = (a: number[], b: number[]) => (sess.runSync(loss, feed(a, b)) as NDArray).data[0] as number;
      const h = 1e-6;
      xv.forEach((_, i) => {
        const p = [...xv]; p[i]! += h;
        const m = [...xv]; m[i]! -= h;
        expect(sx!.data[i]).toBeCloseTo((f(p, yv) - f(m, yv)) / (2 * h), 6);
      });
      [0, 2].forEach((i) => {
        const p = [...yv]; p[i]! += h;
        const m = [...yv]; m[i]! -= h;
        expect(sy!.data[i]).toBeCloseTo((f(xv, p) - f(xv, m)) / (2 * h), 5);
      });
      expect(sx!.data[1]).toBe(0);
      expect(sx!.data[4]).toBe(0);
      expect(sy!.data[1]).toBe(0);
    });
  });
});
