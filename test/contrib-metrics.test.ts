/**
 * tf.contrib.metrics on every device in TSFLOW_TEST_DEVICES: the streaming_* metrics take
 * (predictions, labels) — asymmetric metrics show the order — over several batches against
 * float64 hand computations; streamingCovariance / streamingPearsonCorrelation against the
 * sample covariance and correlation of all values seen (weights as frequencies), their local
 * variables and collections; aggregateMetrics / aggregateMetricMap; confusionMatrix.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();
const cm = tf.contrib.metrics;

interface Batch { labels: number[]; predictions: number[]; weights: number[] }
const BATCHES: Batch[] = [
  { labels: [1, 0, 1, 1, 0], predictions: [0.9, 0.2, 0.4, 0.75, 0.6], weights: [1, 2, 0, 1, 0.5] },
  { labels: [0, 0, 1, 0, 1], predictions: [0.1, 0.55, 0.8, 0.3, 0.05], weights: [1, 1, 1, 3, 1] },
  { labels: [1, 1, 0, 0, 1], predictions: [0.5, 0.99, 0.01, 0.45, 0.65], weights: [0.5, 1, 2, 1, 1] },
];
const all = (k: keyof Batch, upTo: number): number[] => BATCHES.slice(0, upTo).flatMap((b) => b[k]);

function precisionRef(l: number[], p: number[], w: number[]): number {
  let tp = 0, fp = 0;
  p.forEach((x, i) => { if (x > 0.5) { if (l[i]! > 0.5) tp += w[i]!; else fp += w[i]!; } });
  return tp + fp > 0 ? tp / (tp + fp) : 0;
}
function recallRef(l: number[], p: number[], w: number[]): number {
  let tp = 0, fn = 0;
  p.forEach((x, i) => { if (l[i]! > 0.5) { if (x > 0.5) tp += w[i]!; else fn += w[i]!; } });
  return tp + fn > 0 ? tp / (tp + fn) : 0;
}
/** TF's ROC AUC with trapezoids over its thresholds (float32), `> threshold` counting positive. */
function aucRef(l: number[], p: number[], w: number[], n: number): number {
  const thr = [-1e-7, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), 1 + 1e-7].map(Math.fround);
  const rates = thr.map((t) => {
    let tp = 0, fn = 0, tn = 0, fp = 0;
    p.forEach((x, i) => {
      const pos = Math.fround(x) > t;
      if (l[i]) { if (pos) tp += w[i]!; else fn += w[i]!; } else if (pos) fp += w[i]!; else tn += w[i]!;
    });
    return [(tp + 1e-7) / (tp + fn + 1e-7), fp / (fp + tn + 1e-7)] as const;
  });
  let s = 0;
  for (let i = 0; i + 1 < rates.length; i++) s += (rates[i]![1] - rates[i + 1]![1]) * (rates[i]![0] + rates[i + 1]![0]) / 2;
  return s;
}
function covRef(x: number[], y: number[], w: number[]): number {
  const n = w.reduce((a, b) => a + b, 0);
  if (n <= 1) return NaN;
  const mx = x.reduce((a, v, i) => a + v * w[i]!, 0) / n;
  const my = y.reduce((a, v, i) => a + v * w[i]!, 0) / n;
  return x.reduce((a, v, i) => a + w[i]! * (v - mx) * (y[i]! - my), 0) / (n - 1);
}
/** tf.round: halves to even. */
const roundHalfEven = (x: number): number => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x));
const ones = (k: number): number[] => new Array(k).fill(1);

type Make = (p: Tensor, l: Tensor, w: Tensor) => [Tensor, Tensor];
interface Case { what: string; make: Make; ref: (l: number[], p: number[], w: number[]) => number }
const CASES: Case[] = [
  { what: 'streamingAccuracy (rounded predictions)', make: (p, l, w) => cm.streamingAccuracy(tf.round(p), l, w), ref: (l, p, w) => w.reduce((a, x, i) => a + x * (roundHalfEven(p[i]!) === l[i] ? 1 : 0), 0) / w.reduce((a, b) => a + b, 0) },
  { what: 'streamingMean', make: (p, _l, w) => cm.streamingMean(p, w), ref: (_l, p, w) => p.reduce((a, x, i) => a + x * w[i]!, 0) / w.reduce((a, b) => a + b, 0) },
  { what: 'streamingPrecision', make: (p, l, w) => cm.streamingPrecision(tf.greater(p, 0.5), tf.greater(l, 0.5), w), ref: precisionRef },
  { what: 'streamingRecall', make: (p, l, w) => cm.streamingRecall(tf.greater(p, 0.5), tf.greater(l, 0.5), { weights: w }), ref: recallRef },
  { what: 'streamingFalsePositives', make: (p, l, w) => cm.streamingFalsePositives(tf.greater(p, 0.5), tf.greater(l, 0.5), w), ref: (l, p, w) => p.reduce((a, x, i) => a + (x > 0.5 && l[i]! < 0.5 ? w[i]! : 0), 0) },
  { what: 'streamingAuc (11 thresholds)', make: (p, l, w) => cm.streamingAuc(p, tf.cast(l, 'bool'), w, 11), ref: (l, p, w) => aucRef(l, p, w, 11) },
  { what: 'streamingAuc (200 thresholds, kwargs)', make: (p, l) => cm.streamingAuc(p, tf.cast(l, 'bool'), { name: 'a200' }), ref: (l, p) => aucRef(l, p, ones(p.length), 200) },
  { what: 'streamingMeanSquaredError', make: (p, l, w) => cm.streamingMeanSquaredError(p, l, w), ref: (l, p, w) => p.reduce((a, x, i) => a + w[i]! * (x - l[i]!) ** 2, 0) / w.reduce((a, b) => a + b, 0) },
  { what: 'streamingMeanAbsoluteError', make: (p, l) => cm.streamingMeanAbsoluteError(p, l), ref: (l, p) => p.reduce((a, x, i) => a + Math.abs(x - l[i]!), 0) / p.length },
  { what: 'streamingRootMeanSquaredError', make: (p, l, w) => cm.streamingRootMeanSquaredError(p, l, w), ref: (l, p, w) => Math.sqrt(p.reduce((a, x, i) => a + w[i]! * (x - l[i]!) ** 2, 0) / w.reduce((a, b) => a + b, 0)) },
  // normalizer = labels + 1: the relative error divides by it, so the order of the first two matters
  { what: 'streamingMeanRelativeError', make: (p, l) => cm.streamingMeanRelativeError(p, l, tf.add(l, 1)), ref: (l, p) => p.reduce((a, x, i) => a + Math.abs(x - l[i]!) / (l[i]! + 1), 0) / p.length },
  { what: 'streamingCovariance', make: (p, l, w) => cm.streamingCovariance(p, l, w), ref: (l, p, w) => covRef(p, l, w) },
  { what: 'streamingCovariance (unweighted)', make: (p, l) => cm.streamingCovariance(p, l), ref: (l, p) => covRef(p, l, ones(p.length)) },
  {
    what: 'streamingPearsonCorrelation', make: (p, l, w) => cm.streamingPearsonCorrelation(p, l, w),
    ref: (l, p, w) => covRef(p, l, w) / Math.sqrt(covRef(p, p, w) * covRef(l, l, w)),
  },
];

const scalar = (a: unknown): number => Number((a as NDArray).data[0]);

for (const dev of devices) {
  describe(`contrib.metrics (${dev.name})`, () => {
    it('each streaming metric over three batches matches its float64 reference', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const built = g.asDefault(() => {
        const p = tf.placeholder('float32', [5]);
        const l = tf.placeholder('float32', [5]);
        const w = tf.placeholder('float32', [5]);
        return { p, l, w, metrics: CASES.map((c) => c.make(p, l, w)), init: tf.localVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(built.init);
      for (let b = 0; b < BATCHES.length; b++) {
        const batch = BATCHES[b]!;
        const feed = new Map([[built.p, Float32Array.from(batch.predictions)], [built.l, Float32Array.from(batch.labels)], [built.w, Float32Array.from(batch.weights)]]);
        const updates = (await sess.run(built.metrics.map((x) => x[1]), feed)) as NDArray[];
        const values = (await sess.run(built.metrics.map((x) => x[0]))) as NDArray[];
        CASES.forEach((c, i) => {
          const want = c.ref(all('labels', b + 1), all('predictions', b + 1), all('weights', b + 1));
          for (const [what, got] of [['update', scalar(updates[i])], ['value', scalar(values[i])]] as const) {
            expect(Math.abs(got - want), `${c.what} batch ${b} ${what}: ${got} vs ${want}`).toBeLessThanOrEqual(2e-5 * dev.caps.tolScale * (1 + Math.abs(want)));
          }
        });
      }
      await sess.close();
    });

    it('covariance is NaN until two values; confusionMatrix', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const p = tf.placeholder('float32', [null]);
        const l = tf.placeholder('float32', [null]);
        const preds = tf.constant(Int32Array.of(0, 1, 2, 2, 1, 0));
        const labels = tf.constant(Int32Array.of(0, 2, 2, 1, 1, 1));
        return {
          p, l, cov: cm.streamingCovariance(p, l),
          conf: cm.confusionMatrix(labels, preds, 3),
          init: tf.localVariablesInitializer(),
        };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(m.init);
      expect(Number.isNaN(scalar(await sess.run(m.cov[1], new Map([[m.p, Float32Array.of(2)], [m.l, Float32Array.of(1)]]))))).toBe(true);
      const c = scalar(await sess.run(m.cov[1], new Map([[m.p, Float32Array.of(4, 0)], [m.l, Float32Array.of(3, 2)]])));
      expect(c).toBeCloseTo(covRef([2, 4, 0], [1, 3, 2], [1, 1, 1]), 5);
      expect(Array.from((await sess.run(m.conf) as NDArray).data as Int32Array)).toEqual([1, 0, 0, 1, 1, 1, 0, 1, 1]);
      await sess.close();
    });

    it('streamingMeanIou takes (predictions, labels)', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      // TF's mean_iou keeps a float64 confusion matrix
      if (!dev.caps.float64) skipTest(ctx, `${dev.name} computes no float64`);
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const preds = tf.constant(Int32Array.of(0, 1, 2, 2, 1, 0));
        const labels = tf.constant(Int32Array.of(0, 2, 2, 1, 1, 1));
        return { iou: cm.streamingMeanIou(preds, labels, 3), init: tf.localVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(m.init);
      // mean IoU: rows are labels, columns predictions
      const conf = [[1, 0, 0], [1, 1, 1], [0, 1, 1]];
      const iou = [0, 1, 2].map((k) => {
        const inter = conf[k]![k]!;
        const union = conf[k]!.reduce((a, b) => a + b, 0) + conf.reduce((a, r) => a + r[k]!, 0) - inter;
        return inter / union;
      });
      // the update op is the accumulated confusion matrix: rows labels, columns predictions
      expect(Array.from((await sess.run(m.iou[1]) as NDArray).data as Float64Array)).toEqual(conf.flat());
      expect(scalar(await sess.run(m.iou[0]))).toBeCloseTo(iou.reduce((a, b) => a + b, 0) / 3, 5);
      await sess.close();
    });
  });
}

describe('contrib.metrics declarations', () => {
  it("TF's local variable names and collections; metrics/updates collections", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const p = tf.constant([0.1, 0.5, 0.9]);
      const l = tf.constant([0, 1, 1]);
      const [v, u] = cm.streamingPearsonCorrelation(p, l, { metricsCollections: ['mine'], updatesCollections: ['ups'] });
      const names = (key: string) => g.getCollection<tf.Variable>(key).map((x) => x.op.name);
      const want = ['covariance', 'variance_predictions', 'variance_labels'].flatMap((s) => ['count', 'mean_prediction', 'mean_label', 'comoment'].map((n) => `pearson_r/${s}/${n}`));
      expect(names(tf.GraphKeys.LOCAL_VARIABLES)).toEqual(want);
      expect(names(tf.GraphKeys.METRIC_VARIABLES)).toEqual(want);
      expect(g.getCollection(tf.GraphKeys.TRAINABLE_VARIABLES)).toEqual([]);
      expect(v.op.name).toBe('pearson_r/pearson_r');
      expect(u.op.name).toBe('pearson_r/update_op');
      expect(g.getCollection('mine')).toEqual([v]);
      expect(g.getCollection('ups')).toEqual([u]);
      const [c, cu] = cm.streamingCovariance(p, l, { name: 'cv' });
      expect([c.op.name, cu.op.name]).toEqual(['cv/covariance', 'cv/update_op']);
      const [a] = cm.streamingAccuracy(p, p);
      expect(a.op.name).toBe('accuracy/value');
      expect(names(tf.GraphKeys.LOCAL_VARIABLES).slice(-2)).toEqual(['accuracy/total', 'accuracy/count']);
    });
  });

  it('aggregateMetrics / aggregateMetricMap', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const p = tf.constant([0.1, 0.5]);
      const m1 = cm.streamingMean(p);
      const m2 = cm.streamingMeanAbsoluteError(p, p);
      const [values, updates] = cm.aggregateMetrics(m1, m2);
      expect(values).toEqual([m1[0], m2[0]]);
      expect(updates).toEqual([m1[1], m2[1]]);
      const [vm, um] = cm.aggregateMetricMap({ mean: m1, mae: m2 });
      expect(vm).toEqual({ mean: m1[0], mae: m2[0] });
      expect(um).toEqual({ mean: m1[1], mae: m2[1] });
      expect(() => cm.aggregateMetrics()).toThrow('Expected at least one value_tensor/update_op pair');
    });
  });

  it('argument errors name the contrib function', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const p = tf.constant([0.1, 0.5]);
      expect(() => (cm.streamingAccuracy as (...a: unknown[]) => unknown)(p)).toThrow(/streaming_accuracy/);
      expect(() => cm.streamingCovariance(p, p, { wieghts: p })).toThrow(/wieghts/);
      expect(() => cm.streamingCovariance(p, tf.constant([1, 2, 3]))).toThrow();
    });
  });
});
