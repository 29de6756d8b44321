/**
 * tf.nn.sufficientStatistics, normalizeMoments, weightedMoments, fusedBatchNorm (training and
 * inference: y, batch_mean and the Bessel-corrected batch_variance TF1 returns),
 * batchNormWithGlobalNormalization, computeAverageLoss and scaleRegularizationLoss on every
 * device, against float64 sums worked out here; TF's op types and errors, GraphDef round trip,
 * finite-difference gradients (FusedBatchNormV3 takes float16/bfloat16/float32 only, as in TF, so
 * its table runs in float32).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

const X = [[1, 2], [3, 4], [5, 6]];
// NHWC [1, 2, 2, 2]: channel 0 holds 1, 3, 5, 7 (mean 4, variance 5), channel 1 10…40 (mean 25, variance 125).
const XB = [[[[1, 10], [3, 20]], [[5, 30], [7, 40]]]];
const EPS = 0.001;
const bn = (x: number, mean: number, variance: number, scale: number, offset: number): number => ((x - mean) / Math.sqrt(variance + EPS)) * scale + offset;
const WANT_Y = [1, 10, 3, 20, 5, 30, 7, 40].map((v, i) => (i % 2 === 0 ? bn(v, 4, 5, 1, 0) : bn(v, 25, 125, 2, 1)));

function close(got: NDArray, want: number[], tol: number, what: string): void {
  expect(got.size, what).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(Number(got.data[i]) - w), `${what}[${i}]: ${got.data[i]} vs ${w}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w))));
}

for (const dev of devices) {
  describe(`moments and batch norms (${dev.name})`, () => {
    it('values', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const o = g.asDefault(() => {
        const x = tf.constant(X);
        const [count, mss, vss, noShift] = tf.nn.sufficientStatistics(x, [0]);
        const [, mss1, vss1, shift1] = tf.nn.sufficientStatistics(x, [0], tf.constant(1), { keepdims: true });
        const [mean, variance] = tf.nn.normalizeMoments(count, mss, vss, null);
        const [mean1, variance1] = tf.nn.normalizeMoments(3, tf.constant([6, 9]), tf.constant([20, 35]), tf.constant(1));
        const [wm, wv] = tf.nn.weightedMoments(x, [0], tf.constant([[1], [2], [1]]));
        const [wmk] = tf.nn.weightedMoments(x, 0, tf.constant([[1], [2], [1]]), { keepdims: true });
        const xb = tf.constant(XB);
        const scale = tf.constant([1, 2]);
        const offset = tf.constant([0, 1]);
        const [y, bm, bv] = tf.nn.fusedBatchNorm(xb, scale, offset, null, null, EPS);
        const [yi, bmi, bvi] = tf.nn.fusedBatchNorm(xb, scale, offset, tf.constant([4, 25]), tf.constant([5, 125]), EPS, 'NHWC', false);
        return {
          noShift: tf.constant(noShift === null ? 1 : 0), shiftIsGiven: tf.constant(shift1 === null ? 0 : 1),
          count, mss, vss, mss1, vss1, mean, variance, mean1, variance1, wm, wv, wmk, y, bm, bv, yi, bmi, bvi,
          gn: tf.nn.batchNormWithGlobalNormalization(xb, tf.constant([4, 25]), tf.constant([5, 125]), offset, scale, EPS, true),
          gn0: tf.nn.batchNormWithGlobalNormalization({ input: xb, mean: tf.constant([4, 25]), variance: tf.constant([5, 125]), beta: offset, gamma: scale, varianceEpsilon: EPS, scaleAfterNormalization: false }),
          avg: tf.nn.computeAverageLoss(tf.constant([1, 2, 3, 4])),
          avgW: tf.nn.computeAverageLoss(tf.constant([1, 2, 3, 4]), tf.constant([1, 0, 1, 0])),
          avgG: tf.nn.computeAverageLoss(tf.constant([1, 2, 3, 4]), null, 8),
          reg: tf.nn.scaleRegularizationLoss(tf.constant([1, 2])),
        };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const r = (await sess.run(o)) as Record<string, NDArray>;
      const tol = 2e-6 * dev.caps.tolScale;
      expect(Number(r.noShift!.data[0])).toBe(1);
      expect(Number(r.shiftIsGiven!.data[0])).toBe(1);
      close(r.count!, [3], 0, 'count');
      close(r.mss!, [9, 12], 0, 'mean_ss');
      close(r.vss!, [35, 56], 0, 'var_ss');
      expect(r.mss1!.shape).toEqual([1, 2]);
      close(r.mss1!, [6, 9], 0, 'mean_ss shifted');
      close(r.vss1!, [20, 35], 0, 'var_ss shifted');
      close(r.mean!, [3, 4], tol, 'mean');
      close(r.variance!, [8 / 3, 8 / 3], tol, 'variance');
      close(r.mean1!, [3, 4], tol, 'mean (shift)');
      close(r.variance1!, [8 / 3, 8 / 3], tol, 'variance (shift)');
      close(r.wm!, [3, 4], tol, 'weighted mean');
      close(r.wv!, [2, 2], tol, 'weighted variance');
      expect(r.wmk!.shape).toEqual([1, 2]);
      expect(r.y!.shape).toEqual([1, 2, 2, 2]);
      close(r.y!, WANT_Y, tol, 'y (training)');
      close(r.bm!, [4, 25], tol, 'batch_mean');
      close(r.bv!, [20 / 3, 500 / 3], tol, 'batch_variance (Bessel-corrected)');
      close(r.yi!, WANT_Y, tol, 'y (inference)');
      close(r.bmi!, [4, 25], 0, 'batch_mean (inference)');
      close(r.bvi!, [5, 125], 0, 'batch_variance (inference)');
      close(r.gn!, WANT_Y, tol, 'batch_norm_with_global_normalization');
      close(r.gn0!, [1, 10, 3, 20, 5, 30, 7, 40].map((v, i) => (i % 2 === 0 ? bn(v, 4, 5, 1, 0) : bn(v, 25, 125, 1, 1))), tol, 'without scale_after_normalization');
      close(r.avg!, [2.5], 0, 'compute_average_loss');
      close(r.avgW!, [1], 0, 'compute_average_loss (weights)');
      close(r.avgG!, [1.25], 0, 'compute_average_loss (global batch size)');
      close(r.reg!, [3], 0, 'scale_regularization_loss');
      await sess.close();
    });
  });
}

describe('moments and batch norm declarations', () => {
  it('op types, static shapes, GraphDef round trip', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 2, 2, 2], { name: 'x' });
      const [y, bm, bv] = tf.nn.fusedBatchNorm(x, tf.constant([1, 2]), tf.constant([0, 1]), null, null, EPS, { name: 'bn' });
      return { x, y, bm, bv };
    });
    expect(m.y.op.type).toBe('FusedBatchNormV3');
    expect(m.y.name).toBe('bn:0');
    expect([m.y.shape, m.bm.shape, m.bv.shape]).toEqual([[null, 2, 2, 2], [2], [2]]);
    const gd = g.asGraphDef();
    const node = gd.node.find((n) => n.name === 'bn')!;
    expect(Object.keys(node.attr).sort()).toEqual(['T', 'U', 'data_format', 'epsilon', 'is_training']);
    const g2 = new tf.Graph();
    const outs = g2.asDefault(() => tf.importGraphDef(gd, { name: '', returnElements: ['bn:0', 'bn:2'] })) as tf.Tensor[];
    const s2 = new tf.Session({ graph: g2 });
    const feed = new tf.NDArray(Float32Array.from(XB.flat(3)), [1, 2, 2, 2], 'float32');
    const [y, bv] = (await s2.run(outs, [['x:0', feed]])) as NDArray[];
    close(y!, WANT_Y, 2e-6, 'imported y');
    close(bv!, [20 / 3, 500 / 3], 2e-6, 'imported batch_variance');
    await s2.close();
  });

  it("TF's errors", async () => {
    const g = new tf.Graph();
    const nchw = g.asDefault(() => {
      const s = tf.constant([1, 2]);
      const x = tf.constant(XB);
      expect(() => tf.nn.fusedBatchNorm(x, s, s, s, s)).toThrow("Both 'mean' and 'variance' must be None if is_training is True.");
      expect(() => tf.nn.fusedBatchNorm(tf.constant([[1, 2]]), s, s)).toThrow(/Shape must be rank 4 but is rank 2 for 'FusedBatchNormV3' \(op: 'FusedBatchNormV3'\)/);
      expect(() => tf.nn.fusedBatchNorm(x, tf.constant([1, 2, 3]), s)).toThrow(/Dimensions must be equal, but are 2 and 3 for 'FusedBatchNormV3/);
      expect(() => tf.nn.fusedBatchNorm(tf.constant(XB, tf.float64), s, s)).toThrow(
        "Value passed to parameter 'x' has DataType float64 not in list of allowed values: float16, bfloat16, float32",
      );
      expect(() => tf.nn.computeAverageLoss(tf.constant(1))).toThrow('Invalid value passed for `per_example_loss`. Expected a tensor with at least rank 1');
      return tf.nn.fusedBatchNorm(tf.constant(XB), s, s, null, null, EPS, 'NCHW')[0];
    });
    const sess = new tf.Session({ graph: g });
    await expect(sess.run(nchw)).rejects.toThrow('The CPU implementation of FusedBatchNorm only supports NHWC tensor format for now.');
    await sess.close();
  });
});

const GRAD: GradCase[] = [
  {
    name: 'sufficientStatistics + normalizeMoments (shift)', ins: [{ shape: [3, 2] }],
    f: (x) => {
      const [c, m, v] = tf.nn.sufficientStatistics(x, [0], tf.constant(0.5, x.dtype));
      return tf.nn.normalizeMoments(c, m, v, tf.constant(0.5, x.dtype));
    },
  },
  { name: 'weightedMoments', ins: [{ shape: [3, 2] }, { shape: [3, 1], gen: 'pos' }], f: (x, w) => tf.nn.weightedMoments(x, [0], w) },
  { name: 'computeAverageLoss', ins: [{ shape: [4] }, { shape: [4], gen: 'pos' }], f: (l, w) => tf.nn.computeAverageLoss(l, w) },
];
const FBN_GRAD: GradCase[] = [
  { name: 'fusedBatchNorm (training)', ins: [{ shape: [2, 2, 1, 2] }, { shape: [2], gen: 'pos' }, { shape: [2] }], f: (x, s, o) => tf.nn.fusedBatchNorm(x, s, o)[0] },
  {
    name: 'fusedBatchNorm (inference)', ins: [{ shape: [2, 1, 1, 2] }, { shape: [2], gen: 'pos' }, { shape: [2] }],
    f: (x, s, o) => tf.nn.fusedBatchNorm(x, s, o, tf.constant([0.1, -0.2]), tf.constant([0.5, 2]), EPS, 'NHWC', false)[0],
  },
];

describeGradients('finite-difference gradients of the moments', (cfg) => [...GRAD, ...(cfg.dtype === 'float32' ? FBN_GRAD : [])], devices);
