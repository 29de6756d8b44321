/**
 * tf.losses against float64 hand computations of TF1's formulas (weights, label smoothing,
 * every Reduction) on every device in TSFLOW_TEST_DEVICES; TF1's op names and collections;
 * gradients against central differences.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();

const LOGITS = [[2.0, -1.0, 0.5, 0.1], [-0.3, 0.8, 1.7, -2.2], [0.0, 0.0, 3.0, 1.0]];
const ONEHOT = [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]];
const SPARSE = [0, 2, 1];
const W3 = [1.5, 0, 2.0];
const PRED = [[0.1, 0.9], [0.6, 0.35], [0.99, 0.2]];
const LAB = [[0, 1], [1, 0], [1, 1]];

// ----- float64 references ------------------------------------------------------------------------
const logSumExp = (r: number[]): number => {
  const m = Math.max(...r);
  return m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0));
};
function softmaxXent(labels: number[][], logits: number[][]): number[] {
  return logits.map((r, i) => {
    const lse = logSumExp(r);
    return r.reduce((s, v, j) => s + labels[i]![j]! * (lse - v), 0);
  });
}
const sigmoidXent = (z: number, x: number): number => Math.max(x, 0) - x * z + Math.log(1 + Math.exp(-Math.abs(x)));
/** SUM_BY_NONZERO_WEIGHTS over per-element losses and (broadcast) weights. */
function byNonzero(losses: number[], weights: number[]): number {
  const s = losses.reduce((a, l, i) => a + l * weights[i]!, 0);
  const n = weights.filter((w) => w !== 0).length;
  return n === 0 ? 0 : s / n;
}
const flat = (x: number[][]): number[] => x.flat();
/** Broadcast per-row weights [n,1] over rows of width k. */
const rows = (w: number[], k: number): number[] => w.flatMap((v) => Array(k).fill(v));

function expectNear(got: NDArray, want: number | number[], tol = 2e-6): void {
  const g = Array.from(got.data as Float32Array);
  const w = typeof want === 'number' ? [want] : want;
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => expect(Math.abs(v - w[i]!), `[${i}] got ${v}, want ${w[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w[i]!))));
}

for (const dev of devices) {
  describe(`tf.losses values [${dev.name}]`, () => {
    async function run(build: () => Tensor[]): Promise<NDArray[]> {
      const g = new tf.Graph();
      const ts = g.asDefault(build);
      const sess = new tf.Session({ ...dev.options, graph: g });
      try {
        return (await sess.run(ts)) as NDArray[];
      } finally {
        await sess.close();
      }
    }

    it('softmax / sparse softmax / sigmoid cross-entropy with weights and label smoothing', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const got = await run(() => [
        tf.losses.softmaxCrossEntropy(ONEHOT, LOGITS),
        tf.losses.softmaxCrossEntropy(ONEHOT, LOGITS, W3, 0.1),
        tf.losses.sparseSoftmaxCrossEntropy(tf.constant(SPARSE.map((l) => [l]), tf.int32), LOGITS, { weights: tf.constant(W3.map((w) => [w])) }),
        tf.losses.sigmoidCrossEntropy(LAB, PRED, { labelSmoothing: 0.2 }),
        tf.losses.sigmoidCrossEntropy(LAB, PRED, tf.constant([[1], [0], [3]])),
      ]);
      const plain = softmaxXent(ONEHOT, LOGITS);
      expectNear(got[0]!, plain.reduce((a, b) => a + b) / 3);
      const smooth = ONEHOT.map((r) => r.map((v) => v * 0.9 + 0.1 / 4));
      expectNear(got[1]!, byNonzero(softmaxXent(smooth, LOGITS), W3));
      expectNear(got[2]!, byNonzero(plain, W3));
      const sm = flat(LAB).map((z) => z * 0.8 + 0.1);
      const sx = flat(PRED).map((x, i) => sigmoidXent(sm[i]!, x));
      expectNear(got[3]!, sx.reduce((a, b) => a + b) / 6);
      const sx0 = flat(PRED).map((x, i) => sigmoidXent(flat(LAB)[i]!, x));
      expectNear(got[4]!, byNonzero(sx0, rows([1, 0, 3], 2)));
    });

    it('regression losses: mean squared error, absolute difference, huber (delta), log loss', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const wRows = (): Tensor => tf.constant([[2], [0], [0.5]]);
      const got = await run(() => [
        tf.losses.meanSquaredError(LAB, PRED),
        tf.losses.meanSquaredError(LAB, PRED, wRows()),
        tf.losses.absoluteDifference(LAB, PRED, { weights: wRows() }),
        tf.losses.huberLoss(tf.constant([[0, 3], [1, -2], [1, 1]]), PRED, { delta: 0.5 }),
        tf.losses.logLoss(LAB, PRED, wRows()),
        tf.losses.logLoss(LAB, PRED, { epsilon: 0.01 }),
        tf.losses.hingeLoss(LAB, tf.constant([[0.3, -2], [1.5, 0.2], [-0.4, 0.9]])),
      ]);
      const p = flat(PRED);
      const l = flat(LAB);
      const w = rows([2, 0, 0.5], 2);
      const se = p.map((v, i) => (v - l[i]!) ** 2);
      expectNear(got[0]!, se.reduce((a, b) => a + b) / 6);
      expectNear(got[1]!, byNonzero(se, w));
      expectNear(got[2]!, byNonzero(p.map((v, i) => Math.abs(v - l[i]!)), w));
      const hl = [0, 3, 1, -2, 1, 1];
      const hub = p.map((v, i) => {
        const e = Math.abs(v - hl[i]!);
        const q = Math.min(e, 0.5);
        return 0.5 * q * q + 0.5 * (e - q);
      });
      expectNear(got[3]!, hub.reduce((a, b) => a + b) / 6);
      const ll = (eps: number) => p.map((v, i) => -l[i]! * Math.log(v + eps) - (1 - l[i]!) * Math.log(1 - v + eps));
      expectNear(got[4]!, byNonzero(ll(1e-7), w), 1e-5);
      expectNear(got[5]!, ll(0.01).reduce((a, b) => a + b) / 6, 1e-5);
      const logits = [0.3, -2, 1.5, 0.2, -0.4, 0.9];
      expectNear(got[6]!, logits.map((x, i) => Math.max(0, 1 - (2 * l[i]! - 1) * x)).reduce((a, b) => a + b) / 6);
    });

    it('every Reduction, with zero weights, and all-zero weights giving 0', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const losses = [[1, 2, 3], [4, 5, 6]];
      const w = [[0, 1, 2], [0, 0, 3]];
      const R = tf.losses.Reduction;
      const got = await run(() => [
        tf.losses.computeWeightedLoss(losses, w, { reduction: R.NONE }),
        tf.losses.computeWeightedLoss(losses, w, { reduction: R.SUM }),
        tf.losses.computeWeightedLoss(losses, w, { reduction: R.MEAN }),
        tf.losses.computeWeightedLoss(losses, w, { reduction: R.SUM_OVER_BATCH_SIZE }),
        tf.losses.computeWeightedLoss(losses, w),
        tf.losses.computeWeightedLoss(losses, tf.zeros([2, 3])),
        tf.losses.computeWeightedLoss(losses, 0.5),
        tf.losses.computeWeightedLoss(losses, tf.constant([[2], [0]]), { reduction: R.MEAN }),
      ]);
      expectNear(got[0]!, [0, 2, 6, 0, 0, 18]);
      expectNear(got[1]!, 26);
      expectNear(got[2]!, 26 / 6);
      expectNear(got[3]!, 26 / 6);
      expectNear(got[4]!, 26 / 3);
      expectNear(got[5]!, 0);
      expectNear(got[6]!, 10.5 / 6);
      expectNear(got[7]!, 12 / 6);
      expect(got[0]!.shape).toEqual([2, 3]);
    });
  });
}

describe('tf.losses graph structure', () => {
  it("uses TF1's names and adds each loss to GraphKeys.LOSSES", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const a = tf.losses.softmaxCrossEntropy(ONEHOT, LOGITS);
      const b = tf.losses.sparseSoftmaxCrossEntropy(SPARSE, LOGITS);
      const c = tf.losses.meanSquaredError(LAB, PRED);
      const d = tf.losses.softmaxCrossEntropy(ONEHOT, LOGITS);
      const e = tf.losses.absoluteDifference(LAB, PRED, { scope: 'l1', lossCollection: null });
      expect(a.name).toBe('softmax_cross_entropy_loss/value:0');
      expect(b.name).toBe('sparse_softmax_cross_entropy_loss/value:0');
      expect(c.name).toBe('mean_squared_error/value:0');
      expect(d.name).toBe('softmax_cross_entropy_loss_1/value:0');
      expect(e.name).toBe('l1/value:0');
      expect(g.getOperationByName('softmax_cross_entropy_loss/xentropy').type).toBe('SoftmaxCrossEntropyWithLogits');
      expect(g.getOperationByName('softmax_cross_entropy_loss/labels_stop_gradient').type).toBe('StopGradient');
      expect(g.getOperationByName('sparse_softmax_cross_entropy_loss/xentropy').type).toBe('SparseSoftmaxCrossEntropyWithLogits');
      expect(tf.losses.getLosses()).toEqual([a, b, c, d]);
      expect(g.getCollection(tf.GraphKeys.LOSSES)).toEqual([a, b, c, d]);
      expect(tf.losses.getLosses('softmax')).toEqual([a, d]);
      expect(tf.losses.computeWeightedLoss([1, 2], { reduction: tf.losses.Reduction.SUM }).name).toBe('weighted_loss/Sum:0');
    });
  });

  it('getTotalLoss / getRegularizationLoss sum the collections', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const l1 = tf.losses.meanSquaredError([1, 2], [2, 4]);
      expect((await new tf.Session({ graph: g }).run(tf.losses.getRegularizationLoss())).toArray()).toBe(0);
      g.addToCollection(tf.GraphKeys.REGULARIZATION_LOSSES, tf.constant(0.25, tf.float32, undefined, 'reg'));
      const total = tf.losses.getTotalLoss();
      const noReg = tf.losses.getTotalLoss({ addRegularizationLosses: false, name: 'data_loss' });
      const reg = tf.losses.getRegularizationLoss();
      expect(total.name).toBe('total_loss:0');
      expect(reg.name).toBe('total_regularization_loss:0');
      expect(noReg.name).toBe('data_loss:0');
      expect(tf.losses.getRegularizationLosses().map((t) => t.name)).toEqual(['reg:0']);
      const sess = new tf.Session({ graph: g });
      const [t, n, r, v] = (await sess.run([total, noReg, reg, l1])) as NDArray[];
      expect(v!.toArray()).toBeCloseTo(2.5, 6);
      expect(t!.toArray()).toBeCloseTo(2.75, 6);
      expect(n!.toArray()).toBeCloseTo(2.5, 6);
      expect(r!.toArray()).toBeCloseTo(0.25, 6);
    });
  });

  it("raises TF1's errors for bad arguments", () => {
    tf.resetDefaultGraph();
    expect(() => tf.losses.softmaxCrossEntropy(null, LOGITS)).toThrow('onehot_labels must not be None.');
    expect(() => tf.losses.meanSquaredError([[1, 2, 3]], [[1, 2]])).toThrow('Shapes (1, 2) and (1, 3) are incompatible');
    expect(() => tf.losses.meanSquaredError([[1, 2]], [[1, 2]], [1, 2, 3])).toThrow(
      'weights can not be broadcast to values. values.rank=2. weights.rank=1. values.shape=(1, 2). weights.shape=(3,).',
    );
    expect(() => tf.losses.meanSquaredError([[1, 2]], [[1, 2]], [[1, 2, 3]])).toThrow(
      'weights can not be broadcast to values. Mismatch at dim 1. values.shape=[1 2] weights.shape=[1 3].',
    );
    expect(() => tf.losses.computeWeightedLoss([1], { reduction: 'mean' })).toThrow('Invalid Reduction Key mean.');
    expect(() => tf.losses.meanSquaredError([1], [1], { wieghts: 2 })).toThrow("mean_squared_error() got an unexpected keyword argument 'wieghts'");
  });
});

// ----- gradients against central differences (float32 losses, so a loose tolerance) ----------------
describe('tf.losses gradients', () => {
  async function check(f: (x: Tensor) => Tensor, x0: number[][], tol = 2e-3): Promise<void> {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const x = tf.placeholder(tf.float32, [x0.length, x0[0]!.length]);
      const loss = f(x);
      const [grad] = tf.gradients(loss, [x]);
      const sess = new tf.Session({ graph: g });
      const sym = Array.from(((await sess.run(grad!, [[x, x0]])) as NDArray).data as Float32Array);
      const h = 1e-2;
      const flatX = x0.flat();
      for (let i = 0; i < flatX.length; i++) {
        const at = (d: number) => {
          const v = [...flatX];
          v[i]! += d;
          const m = x0.map((r, ri) => v.slice(ri * r.length, (ri + 1) * r.length));
          return (sess.runSync(loss, [[x, m]]) as NDArray).data[0]! as number;
        };
        const num = (at(h) - at(-h)) / (2 * h);
        expect(Math.abs(sym[i]! - num), `d/dx[${i}]: symbolic ${sym[i]} vs numeric ${num}`).toBeLessThanOrEqual(tol * (1 + Math.abs(num)));
      }
      await sess.close();
    });
  }
  const w = () => tf.constant([[1.5], [0], [2]]);
  it('softmax cross-entropy (smoothed, weighted) w.r.t. logits', () => check((x) => tf.losses.softmaxCrossEntropy(ONEHOT, x, tf.constant(W3), 0.1), LOGITS));
  it('sparse softmax cross-entropy w.r.t. logits', () => check((x) => tf.losses.sparseSoftmaxCrossEntropy(SPARSE, x, tf.constant(W3)), LOGITS));
  it('sigmoid cross-entropy w.r.t. logits', () => check((x) => tf.losses.sigmoidCrossEntropy(LAB, x, w()), PRED));
  it('mean squared error w.r.t. predictions', () => check((x) => tf.losses.meanSquaredError(LAB, x, w()), PRED));
  it('huber loss w.r.t. predictions', () => check((x) => tf.losses.huberLoss([[0, 3], [1, -2], [1, 1]], x, { delta: 0.5 }), PRED));
  it('log loss w.r.t. predictions', () => check((x) => tf.losses.logLoss(LAB, x), PRED, 5e-3));
  it('absolute difference w.r.t. predictions', () => check((x) => tf.losses.absoluteDifference(LAB, x, w()), PRED));
});
