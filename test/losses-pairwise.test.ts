/**
 * tf.losses.meanPairwiseSquaredError (TF 1.15 losses_impl.py) on every device: TF's own test
 * numbers (losses_test.py's MeanPairwiseSquaredErrorTest inputs, expected values computed by its
 * pairwise loop), weights (scalar, per example, per element with zeros), rank 3, the LOSSES
 * collection and op name, TF1's errors, and finite-difference gradients.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients, rng } from './support/grad-check.js';
import { isClose } from './support/compare.js';

const devices = await resolvedDevices();
registerSkipSummary();

/** The mean over pairs i < j of the present elements of ((p_i − p_j) − (l_i − l_j))², per example (TF's test loop). */
function refPairwise(pred: number[][], lab: number[][], w: number[][] | number): number[] {
  return pred.map((p, b) => {
    const present = p.map((_, i) => (typeof w === 'number' ? w : w[b]!.length === 1 ? w[b]![0]! : w[b]![i]!) !== 0);
    const d = p.map((v, i) => v - lab[b]![i]!);
    const n = present.filter(Boolean).length;
    if (n < 2) return 0;
    // TF sums over all elements but counts only the present ones
    const s2 = d.reduce((s, v) => s + v * v, 0);
    const s1 = d.reduce((s, v) => s + v, 0);
    return (2 * s2) / (n - 1) - (2 * s1 * s1) / (n * (n - 1));
  });
}
const pairsMean = (d: number[]): number => {
  let t = 0;
  for (let i = 0; i < d.length; i++) for (let j = i + 1; j < d.length; j++) t += (d[i]! - d[j]!) ** 2;
  return t / ((d.length * (d.length - 1)) / 2);
};

const PRED = [[4, 8, 12], [8, 1, 3]];
const LAB = [[1, 9, 2], [-5, -5, 7]];
// losses_test.py: total[b] = Σ_{i<j} (x − y)², expected = total / 3
const TF_EXPECTED = [186 / 3, 438 / 3];

for (const dev of devices) {
  describe(`losses.meanPairwiseSquaredError (${dev.name})`, () => {
    async function run(build: () => Tensor[]): Promise<number[]> {
      const g = new tf.Graph();
      const outs = g.asDefault(build);
      const s = new tf.Session({ ...dev.options, graph: g });
      try {
        return ((await s.run(outs)) as NDArray[]).map((a) => Number(a.data[0]));
      } finally {
        await s.close();
      }
    }
    const tol = 1e-5 * dev.caps.tolScale;
    const close = (got: number, want: number, what: string) => expect(isClose(got, want, tol, tol), `${what}: ${got} vs ${want}`).toBe(true);

    it("TF's test values, weights and a rank-3 input", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const r = rng(4);
      const p3 = Array.from({ length: 2 }, () => Array.from({ length: 6 }, () => 4 * r() - 2));
      const l3 = Array.from({ length: 2 }, () => Array.from({ length: 6 }, () => 4 * r() - 2));
      const elemW = [[1, 0, 2], [0, 0, 3]];
      const L = tf.losses;
      const got = await run(() => [
        L.meanPairwiseSquaredError(LAB, PRED),
        L.meanPairwiseSquaredError({ labels: LAB, predictions: PRED, weights: 2.25 }),
        L.meanPairwiseSquaredError(LAB, PRED, [[2], [1]]),
        L.meanPairwiseSquaredError(LAB, PRED, [[0], [0]]),
        L.meanPairwiseSquaredError(LAB, PRED, 0),
        L.meanPairwiseSquaredError(LAB, PRED, elemW),
        L.meanPairwiseSquaredError(tf.constant(l3.flat(), 'float32', [2, 2, 3]), tf.constant(p3.flat(), 'float32', [2, 2, 3])),
      ]);
      close(got[0]!, TF_EXPECTED[0]! + TF_EXPECTED[1]!, 'unweighted');
      TF_EXPECTED.forEach((v, b) => close(pairsMean(PRED[b]!.map((p, i) => p - LAB[b]![i]!)), v, 'the pair-mean form'));
      close(got[1]!, 2.25 * (TF_EXPECTED[0]! + TF_EXPECTED[1]!), 'scalar weight');
      close(got[2]!, 2 * TF_EXPECTED[0]! + TF_EXPECTED[1]!, 'per-example weights');
      close(got[3]!, 0, 'all-zero weights');
      close(got[4]!, 0, 'zero scalar weight');
      // per-element weights scale the per-example [b, 1] term by broadcasting, as TF's multiply does
      const perEx = refPairwise(PRED, LAB, elemW);
      close(got[5]!, elemW.reduce((s, row, b) => s + row.reduce((t, w) => t + w * perEx[b]!, 0), 0), 'per-element weights');
      close(got[6]!, refPairwise(p3, l3, 1).reduce((s, v) => s + v, 0), 'rank 3');
    });
  });
}

describe('losses.meanPairwiseSquaredError: graph and errors', () => {
  it('lands in LOSSES (or the given collection) as <scope>/value_2 (after the two div_no_nan named value), and checks its inputs', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const loss = tf.losses.meanPairwiseSquaredError(LAB, PRED);
      expect(loss.name).toBe('mean_pairwise_squared_error/value_2:0');
      expect(tf.losses.getLosses()).toEqual([loss]);
      const other = tf.losses.meanPairwiseSquaredError(LAB, PRED, { scope: 'mine', lossCollection: 'extra' });
      expect(other.name).toBe('mine/value_2:0');
      expect(g.getCollection('extra')).toEqual([other]);
      expect(tf.losses.getLosses()).toEqual([loss]);
      expect(() => tf.losses.meanPairwiseSquaredError(null, PRED)).toThrow('labels must not be None.');
      expect(() => tf.losses.meanPairwiseSquaredError(LAB, null)).toThrow('predictions must not be None.');
      expect(() => tf.losses.meanPairwiseSquaredError(LAB, [[1, 2], [3, 4]])).toThrow('Shapes (2, 2) and (2, 3) are incompatible');
      expect(() => tf.losses.meanPairwiseSquaredError(LAB, PRED, [1, 2])).toThrow('weights can not be broadcast to values.');
    });
  });
});

const GRAD: GradCase[] = [
  { name: 'meanPairwiseSquaredError', ins: [{ shape: [3, 4] }, { shape: [3, 4] }], f: (l, p) => tf.losses.meanPairwiseSquaredError(l!, p!, [[1], [0.5], [2]]) },
];
describeGradients('finite-difference gradients of meanPairwiseSquaredError', GRAD, devices, {
  skip: (_c, cfg) => (cfg.dtype === 'float64' ? 'TF computes the loss in float32 whatever the inputs' : null),
});
