/**
 * tf.reduceLogsumexp and tf.logicalXor (also under tf.math) on every device: values against a
 * float64 log-sum-exp (TF's math_ops_test.py LogSumExpTest checks against numpy's
 * log(sum(exp(x))) and its stability for large and -inf inputs), keepdims and TF1's
 * reduction_indices alias, the xor truth table, tf.scalarMul, and finite-difference gradients.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

const ROWS = [[1, 2, 3], [1000, 1000.5, 999], [-Infinity, -Infinity, -Infinity], [-Infinity, 0, 0.5]];
const lse = (r: number[]): number => {
  const m = Math.max(...r);
  const mm = Number.isFinite(m) ? m : 0;
  return Math.log(r.reduce((s, v) => s + Math.exp(v - mm), 0)) + mm;
};

for (const dev of devices) {
  describe(`reduceLogsumexp and logicalXor (${dev.name})`, () => {
    it('values, keepdims, the reduction_indices alias, the xor truth table', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const x = tf.placeholder('float32', [4, 3]);
        return {
          x,
          outs: [
            tf.reduceLogsumexp(x, 1), tf.math.reduceLogsumexp(x, { reductionIndices: [1], keepDims: true }),
            tf.reduceLogsumexp(tf.slice(x, [0, 0], [2, 3])),
            tf.logicalXor(tf.constant([true, true, false, false]), tf.constant([true, false, true, false])),
            tf.scalarMul(2.5, x),
          ],
        };
      });
      expect(m.outs[1]!.shape).toEqual([4, 1]);
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got = (await sess.run(m.outs, [[m.x, new tf.NDArray(Float32Array.from(ROWS.flat()), [4, 3])]])) as NDArray[];
      const want = ROWS.map(lse);
      for (const k of [0, 1]) {
        Array.from(got[k]!.data as Float32Array).forEach((v, i) => {
          if (want[i] === -Infinity) expect(v).toBe(-Infinity);
          else expect(Math.abs(v - want[i]!), `row ${i}: ${v} vs ${want[i]}`).toBeLessThan(1e-5 * dev.caps.tolScale * (1 + Math.abs(want[i]!)));
        });
      }
      const all = lse(ROWS.slice(0, 2).flat());
      expect(Math.abs((got[2]!.data[0] as number) - all)).toBeLessThan(1e-5 * (1 + all));
      expect(Array.from(got[3]!.data)).toEqual([0, 1, 1, 0]);
      expect(Array.from(got[4]!.data)).toEqual(Array.from(Float32Array.from(ROWS.flat().map((v) => 2.5 * v))));
      await sess.close();
    });
  });
}

describe('scalarMul', () => {
  it('needs a scalar, with TF\'s text', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => tf.scalarMul(tf.constant([1, 2]), tf.zeros([2]))).toThrow('Only scalar multiply works, got shape (2,)');
      expect(tf.scalarMul(3, tf.zeros([2], 'int32')).dtype).toBe('int32');
    });
  });
});

const GRAD: GradCase[] = [
  { name: 'reduceLogsumexp over axis 1', ins: [{ shape: [2, 3] }], f: (x) => tf.reduceLogsumexp(x, 1) },
  { name: 'reduceLogsumexp over everything, keepdims', ins: [{ shape: [2, 3] }], f: (x) => tf.reduceLogsumexp(x, null, true) },
  { name: 'scalarMul', ins: [{ shape: [3] }], f: (x) => tf.scalarMul(-1.5, x) },
];
describeGradients('finite-difference gradients of reduceLogsumexp', GRAD, devices);
