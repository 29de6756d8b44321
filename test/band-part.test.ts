/**
 * tf.matrixBandPart on every device, against the numpy reference of TF's
 * tensorflow/python/kernel_tests/matrix_band_part_op_test.py (band = tril(x, lower) with
 * triu(x, -upper), a negative bound keeping the whole triangle), its shape and run-time errors
 * with TF's texts, and finite-difference gradients (float64 plain-JS, float32 wasm and WebGPU).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

const SHAPE = [2, 3, 4];
const X = Array.from({ length: 24 }, (_, i) => i + 1);
const band = (lower: number, upper: number): number[] =>
  X.map((v, k) => {
    const i = Math.floor(k / 4) % 3;
    const j = k % 4;
    return (lower < 0 || i - j <= lower) && (upper < 0 || j - i <= upper) ? v : 0;
  });
const BANDS: [number, number][] = [[0, 0], [1, 0], [0, 2], [-1, 0], [0, -1], [-1, -1], [2, 1], [3, 4]];

for (const dev of devices) {
  describe(`matrixBandPart (${dev.name})`, () => {
    it('bands of a [2, 3, 4] batch against the numpy reference', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const { x, outs } = g.asDefault(() => {
        const x = tf.placeholder('float32', SHAPE);
        return { x, outs: BANDS.map(([l, u]) => tf.matrixBandPart(x, l, u)) };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got = (await sess.run(outs, [[x, new tf.NDArray(Float32Array.from(X), SHAPE)]])) as NDArray[];
      BANDS.forEach(([l, u], k) => expect(Array.from(got[k]!.data), `band (${l}, ${u})`).toEqual(band(l, u)));
      await sess.close();
    });
  });
}

describe('matrixBandPart: checks with TF\'s texts', () => {
  it('shapes, bounds', async () => {
    const g = new tf.Graph();
    const t = g.asDefault(() => {
      expect(() => tf.matrixBandPart(tf.zeros([3]), 0, 0)).toThrow("Shape must be at least rank 2 but is rank 1 for 'MatrixBandPart' (op: 'MatrixBandPart') with input shapes: [3], [], [].");
      expect(() => tf.matrixBandPart(tf.zeros([2, 2]), tf.constant([0, 1], 'int64'), 0)).toThrow('Shape must be rank 0 but is rank 1');
      expect(tf.matrixBandPart(tf.zeros([2, 3]), 0, -1).op.type).toBe('MatrixBandPart');
      return tf.matrixBandPart(tf.zeros([2, 3]), 3, 0);
    });
    const sess = new tf.Session({ graph: g });
    await expect(sess.run(t)).rejects.toThrow('num_lower must be negative or less or equal to number of rows (2) got: 3');
    await sess.close();
  });
});

const GRAD: GradCase[] = [
  { name: 'matrixBandPart(x, 1, 0)', ins: [{ shape: [2, 3, 3] }], f: (x) => tf.matrixBandPart(x, 1, 0) },
  { name: 'matrixBandPart(x, -1, 1)', ins: [{ shape: [3, 4] }], f: (x) => tf.matrixBandPart(x, -1, 1) },
];
describeGradients('finite-difference gradients of matrixBandPart', GRAD, devices);
