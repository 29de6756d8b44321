/**
 * TF1's composite nn functions: tf.nn.weightedCrossEntropyWithLogits, logPoissonLoss, swish,
 * crelu, reluLayer, zeroFraction and tf.logSigmoid, on every device against float64
 * re-implementations of the formulas TF's own tests check them with
 * (tensorflow/python/ops/nn_xent_test.py WeightedCrossEntropyTest._WeightedCrossEntropy,
 * tensorflow/python/ops/nn_test.py LogPoissonLossTest._log_poisson_loss), and finite-difference
 * gradients (float64 plain-JS, float32 wasm, float32 WebGPU).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

const X = [-3.5, -1, -0.25, 0, 0.5, 2, 4.25, -7];
const Z = [0, 1, 0.3, 1, 0.8, 0, 0.5, 1];
const T = [0, 0.5, 1, 2, 3.5, 7, 0.25, 10];

const sig = (x: number): number => 1 / (1 + Math.exp(-x));
// TF's test formula: q·z·-log(sigmoid(x)) + (1 - z)·-log(1 - sigmoid(x))
const wce = (q: number) => (x: number, i: number): number => q * Z[i]! * -Math.log(sig(x)) + (1 - Z[i]!) * -Math.log(1 - sig(x));
const poisson = (full: boolean) => (c: number, i: number): number => {
  const z = T[i]!;
  let r = Math.exp(c) - c * z;
  if (full && z > 1) r += z * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI * z);
  return r;
};

const CASES: { name: string; f: (x: Tensor) => Tensor; want: number[] }[] = [
  { name: 'weightedCrossEntropyWithLogits', f: (x) => tf.nn.weightedCrossEntropyWithLogits(tf.constant(Z), x, 2.5), want: X.map(wce(2.5)) },
  { name: 'weightedCrossEntropyWithLogits (targets keyword)', f: (x) => tf.nn.weightedCrossEntropyWithLogits({ targets: tf.constant(Z), logits: x, posWeight: 0.5 }), want: X.map(wce(0.5)) },
  { name: 'logPoissonLoss', f: (x) => tf.nn.logPoissonLoss(tf.constant(T), x), want: X.map((c) => c / 4).map(poisson(false)) },
  { name: 'logPoissonLoss (computeFullLoss)', f: (x) => tf.nn.logPoissonLoss(tf.constant(T), x, true), want: X.map((c) => c / 4).map(poisson(true)) },
  { name: 'swish', f: (x) => tf.nn.swish(x), want: X.map((x) => x * sig(x)) },
  { name: 'crelu', f: (x) => tf.nn.crelu(tf.reshape(x, [2, 4])), want: [0, 0, 0, 0, 3.5, 1, 0.25, 0, 0.5, 2, 4.25, 0, 0, 0, 0, 7] },
  { name: 'logSigmoid', f: (x) => tf.logSigmoid(x), want: X.map((x) => Math.log(sig(x))) },
  { name: 'math.logSigmoid', f: (x) => tf.math.logSigmoid(x), want: X.map((x) => Math.log(sig(x))) },
  {
    name: 'reluLayer',
    f: (x) => tf.nn.reluLayer(tf.reshape(x, [2, 4]), tf.constant([[1, 0], [0.5, -1], [-2, 1], [0.25, 0.5]]), tf.constant([0.1, -0.2])),
    want: [[-3.5, -1, -0.25, 0], [0.5, 2, 4.25, -7]].flatMap((r) => [
      Math.max(0, r[0]! + 0.5 * r[1]! - 2 * r[2]! + 0.25 * r[3]! + 0.1),
      Math.max(0, -r[1]! + r[2]! + 0.5 * r[3]! - 0.2),
    ]),
  },
  { name: 'zeroFraction', f: (x) => tf.nn.zeroFraction(x), want: [1 / 8] },
];

for (const dev of devices) {
  describe(`composite nn functions (${dev.name})`, () => {
    it('values against TF\'s formulas in float64', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const { x, outs } = g.asDefault(() => {
        const x = tf.placeholder('float32', [8]);
        // logPoissonLoss cases read x / 4 (exp of the log input stays small)
        return { x, outs: CASES.map((c) => c.f(c.name.startsWith('logPoisson') ? tf.divide(x, 4) : x)) };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got = (await sess.run(outs, [[x, new tf.NDArray(Float32Array.from(X), [8])]])) as NDArray[];
      CASES.forEach((c, k) => {
        const have = Array.from(got[k]!.data as Float32Array);
        expect(have.length, c.name).toBe(c.want.length);
        c.want.forEach((w, i) => expect(Math.abs(have[i]! - w), `${c.name}[${i}]: ${have[i]} vs ${w}`).toBeLessThan(2e-5 * dev.caps.tolScale * (1 + Math.abs(w))));
      });
      await sess.close();
    });
  });
}

describe('composite nn functions: checks with TF\'s texts', () => {
  it('shapes and arguments', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => tf.nn.weightedCrossEntropyWithLogits(tf.zeros([2]), tf.zeros([3]), 1)).toThrow('logits and labels must have the same shape ((3,) vs (2,))');
      expect(() => tf.nn.logPoissonLoss(tf.zeros([2]), tf.zeros([3]))).toThrow('log_input and targets must have the same shape ((3,) vs (2,))');
      expect(() => tf.nn.weightedCrossEntropyWithLogits({ labels: tf.zeros([2]), targets: tf.zeros([2]), logits: tf.zeros([2]), posWeight: 1 })).toThrow('Must specify exactly one of labels and targets');
      expect(tf.nn.crelu(tf.zeros([2, 3])).shape).toEqual([2, 6]);
      expect(tf.nn.zeroFraction(tf.zeros([2, 3])).dtype).toBe('float32');
      // TF1's top-level spellings of tf.math's floordiv/floormod
      expect(tf.floordiv(tf.constant([7], 'int32'), tf.constant([-2], 'int32')).op.type).toBe('FloorDiv');
      expect(tf.floormod).toBe(tf.math.floormod);
    });
  });
});

const GRAD_CASES: GradCase[] = [
  { name: 'weightedCrossEntropyWithLogits (logits)', ins: [{ shape: [2, 3] }], f: (x) => tf.nn.weightedCrossEntropyWithLogits(tf.constant([[0, 1, 0.3], [1, 0.8, 0]], x.dtype), x, 2.5) },
  { name: 'logPoissonLoss, full (log input)', ins: [{ shape: [4] }], f: (c) => tf.nn.logPoissonLoss(tf.constant([0.5, 2, 3.5, 7], c.dtype), c, true) },
  { name: 'logPoissonLoss (targets and log input)', ins: [{ shape: [3], gen: 'pos' }, { shape: [3] }], f: (z, c) => tf.nn.logPoissonLoss(z!, c!) },
  { name: 'swish', ins: [{ shape: [5] }], f: (x) => tf.nn.swish(x) },
  { name: 'crelu', ins: [{ shape: [2, 3], gen: 'away' }], f: (x) => tf.nn.crelu(x) },
  { name: 'logSigmoid', ins: [{ shape: [5] }], f: (x) => tf.logSigmoid(x) },
];

describeGradients('finite-difference gradients of the composite nn functions', GRAD_CASES, devices);
