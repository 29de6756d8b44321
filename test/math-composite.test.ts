/**
 * tf.math.reduceVariance / reduceStd / polyval / xlogy / xdivy on every device: values against
 * numpy (np.var, np.std, np.polyval; computed here), TF's 0 where x is 0 (with 0 gradients there,
 * not NaN, even where y is 0), and finite-difference gradients.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { expectNear } from './support/compare.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

const X = [[1, 2, 4], [3, -1, 0.5]];

for (const dev of devices) {
  describe(`tf.math compositions (${dev.name})`, () => {
    it('reduceVariance and reduceStd against numpy; polyval against np.polyval', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const outs = g.asDefault(() => {
        const x = tf.constant(X);
        return [
          tf.math.reduceVariance(x, 1), tf.math.reduceStd(x, { axis: 0 }), tf.math.reduceVariance(x), tf.math.reduceStd(x, null, true),
          tf.math.polyval([2, -3, 0.5, 1], tf.constant([-1, 0, 0.5, 2])), tf.math.polyval([], tf.constant([1, 2])),
        ];
      });
      expect(outs[3]!.shape).toEqual([1, 1]);
      expect(outs[0]!.op.name).toBe('reduce_variance/Mean_1');
      const sess = new tf.Session({ graph: g, ...dev.options });
      const r = (await sess.run(outs)) as NDArray[];
      expectNear(r[0]!, [1.5555557012557983, 2.722222089767456], 1e-6, 'variance axis 1');
      expectNear(r[1]!, [1.0, 1.5, 1.75], 1e-6, 'std axis 0');
      expectNear(r[2]!, [2.7013890743255615], 1e-6, 'variance');
      expectNear(r[3]!, [1.6435903310775757], 1e-6, 'std keepdims');
      expectNear(r[4]!, [-4.5, 1.0, 0.75, 6.0], 1e-6, 'polyval');
      expect(Array.from(r[5]!.data)).toEqual([0, 0]);
      await sess.close();
    });

    it('xlogy and xdivy are 0 where x is 0, and so are their gradients', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const { outs } = g.asDefault(() => {
        const x = tf.constant([0, 0, 2, 3, 0.5]);
        const y = tf.constant([0, 5, 0.5, 0, 4]);
        const a = tf.math.xlogy(x, y);
        const b = tf.math.xdivy(x, y);
        const [gx, gy] = tf.gradients(tf.add(tf.reduceSum(a), tf.reduceSum(b)), [x, y]);
        return { outs: [a, b, gx!, gy!, tf.math.xlogy(tf.constant([[0], [1]]), tf.constant([2, 0]))] };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const [a, b, gx, gy, bc] = (await sess.run(outs)) as NDArray[];
      const at = (t: NDArray, ks: number[]): number[] => ks.map((k) => t.data[k] as number);
      expect(at(a!, [0, 1, 3])).toEqual([0, 0, -Infinity]);
      expectNear(new tf.NDArray(Float32Array.from(at(a!, [2, 4])), [2]), [2 * Math.log(0.5), 0.5 * Math.log(4)], 1e-6, 'xlogy');
      expect(at(b!, [0, 1, 3])).toEqual([0, 0, Infinity]);
      expectNear(new tf.NDArray(Float32Array.from(at(b!, [2, 4])), [2]), [4, 0.125], 1e-6, 'xdivy');
      // d/dx: log(y) + 1/y and d/dy: x/y − x/y², both 0 where x is 0 (y = 0 included)
      expect(at(gx!, [0, 1])).toEqual([0, 0]);
      expect(at(gy!, [0, 1])).toEqual([0, 0]);
      expectNear(new tf.NDArray(Float32Array.from(at(gx!, [2, 4])), [2]), [Math.log(0.5) + 2, Math.log(4) + 0.25], 1e-5, 'dx');
      expectNear(new tf.NDArray(Float32Array.from(at(gy!, [2, 4])), [2]), [2 / 0.5 - 2 / 0.25, 0.5 / 4 - 0.5 / 16], 1e-5, 'dy');
      expect(bc!.shape).toEqual([2, 2]);
      expect(Array.from(bc!.data)).toEqual([0, 0, Math.fround(Math.log(2)), -Infinity]);
      await sess.close();
    });

    it("errors name what was wrong", () => {
      const g = new tf.Graph();
      g.asDefault(() => {
        expect(() => tf.math.polyval(tf.constant([1, 2]) as never, 1)).toThrow('Argument coeffs must be list type');
        expect(() => tf.math.reduceVariance(tf.constant([1, 2], { dtype: tf.int32 }))).toThrow('input must be a floating point tensor, got int32');
      });
    });
  });
}

const cases: GradCase[] = [
  { name: 'reduceVariance', ins: [{ shape: [3, 4] }], f: (x) => tf.math.reduceVariance(x, 1) },
  { name: 'reduceStd', ins: [{ shape: [3, 4] }], f: (x) => tf.math.reduceStd(x, 0, true) },
  { name: 'polyval', ins: [{ shape: [5] }, { shape: [5] }], f: (c, x) => tf.math.polyval([c!, 2, c!], x!) },
  { name: 'xlogy', ins: [{ shape: [2, 3] }, { shape: [3], gen: 'pos' }], f: (x, y) => tf.math.xlogy(x!, y!) },
  { name: 'xdivy', ins: [{ shape: [2, 3] }, { shape: [2, 3], gen: 'away' }], f: (x, y) => tf.math.xdivy(x!, y!) },
];
describeGradients('tf.math composition gradients', cases, devices);
