/**
 * tf.metrics over several update batches against hand computations (float64), on every device
 * in TSFLOW_TEST_DEVICES; TF1's local-variable names and collections; TF1's errors.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();

interface Batch { labels: number[]; predictions: number[]; weights?: number[] }
const BATCHES: Batch[] = [
  { labels: [1, 0, 1, 1, 0], predictions: [0.9, 0.2, 0.4, 0.75, 0.6], weights: [1, 2, 0, 1, 0.5] },
  { labels: [0, 0, 1, 0, 1], predictions: [0.1, 0.55, 0.8, 0.3, 0.05], weights: [1, 1, 1, 3, 1] },
  { labels: [1, 1, 0, 0, 1], predictions: [0.5, 0.99, 0.01, 0.45, 0.65], weights: [0.5, 1, 2, 1, 1] },
];

// ----- float64 references ----------------------------------------------------------------------------
function weightedMean(xs: number[], ws: number[]): number {
  const s = xs.reduce((a, x, i) => a + x * ws[i]!, 0);
  const n = ws.reduce((a, w) => a + w, 0);
  return n === 0 ? 0 : s / n;
}
/** TF1's auc on accumulated data: its thresholds (in float32), strict >, trapezoids or careful interpolation. */
function refAuc(labels: number[], preds: number[], ws: number[], curve: 'ROC' | 'PR', method: string, nThr = 200): number {
  const thr = [-1e-7, ...Array.from({ length: nThr - 2 }, (_, i) => (i + 1) / (nThr - 1)), 1 + 1e-7].map(Math.fround);
  const tp: number[] = [], fn: number[] = [], tn: number[] = [], fp: number[] = [];
  for (const t of thr) {
    let a = 0, b = 0, c = 0, d = 0;
    preds.forEach((p, i) => {
      const pos = Math.fround(p) > t;
      const w = ws[i]!;
      if (labels[i] && pos) a += w;
      else if (labels[i]) b += w;
      else if (!pos) c += w;
      else d += w;
    });
    tp.push(a); fn.push(b); tn.push(c); fp.push(d);
  }
  const e = 1e-6;
  const n = thr.length;
  let sum = 0;
  for (let i = 0; i < n - 1; i++) {
    if (curve === 'PR' && method === 'careful_interpolation') {
      const dtp = tp[i]! - tp[i + 1]!;
      const p0 = tp[i]! + fp[i]!, p1 = tp[i + 1]! + fp[i + 1]!;
      const dp = Math.max(p0 - p1, 0);
      const slope = dp === 0 ? 0 : dtp / dp;
      const intercept = tp[i + 1]! - slope * p1;
      const ratio = p0 > 0 && p1 > 0 ? p0 / p1 : 1;
      const den = Math.max(tp[i + 1]! + fn[i + 1]!, 0);
      sum += den === 0 ? 0 : (slope * (dtp + intercept * Math.log(ratio))) / den;
      continue;
    }
    const rec = (j: number) => (tp[j]! + e) / (tp[j]! + fn[j]! + e);
    const x = (j: number) => (curve === 'ROC' ? fp[j]! / (fp[j]! + tn[j]! + e) : rec(j));
    const y = (j: number) => (curve === 'ROC' ? rec(j) : (tp[j]! + e) / (tp[j]! + fp[j]! + e));
    const h = method === 'minoring' ? Math.min(y(i), y(i + 1)) : method === 'majoring' ? Math.max(y(i), y(i + 1)) : (y(i) + y(i + 1)) / 2;
    sum += (x(i) - x(i + 1)) * h;
  }
  return sum;
}
/** The exact weighted ROC AUC (probability a positive outranks a negative). */
function exactRocAuc(labels: number[], preds: number[], ws: number[]): number {
  let num = 0, den = 0;
  labels.forEach((l, i) => {
    if (!l) return;
    labels.forEach((m, j) => {
      if (m) return;
      const w = ws[i]! * ws[j]!;
      den += w;
      num += w * (preds[i]! > preds[j]! ? 1 : preds[i] === preds[j] ? 0.5 : 0);
    });
  });
  return num / den;
}

const close = (got: number, want: number, tol = 2e-6): void => {
  expect(Math.abs(got - want), `got ${got}, want ${want}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want)));
};

for (const dev of devices) {
  describe(`tf.metrics over update batches [${dev.name}]`, () => {
    /** Build metrics on fed labels/predictions/weights, run each batch's updates, then read the values. */
    async function stream(build: (l: Tensor, p: Tensor, w: Tensor) => [Tensor, Tensor][]): Promise<{ updates: number[][]; values: number[][] }> {
      const g = new tf.Graph();
      const out = { updates: [] as number[][], values: [] as number[][] };
      await g.asDefault(async () => {
        const l = tf.placeholder(tf.float32, [null]);
        const p = tf.placeholder(tf.float32, [null]);
        const w = tf.placeholder(tf.float32, [null]);
        const ms = build(l, p, w);
        const init = tf.variablesInitializer(g.getCollection(tf.GraphKeys.LOCAL_VARIABLES));
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          await sess.run(init);
          for (const b of BATCHES) {
            const feeds: [Tensor, number[]][] = [[l, b.labels], [p, b.predictions], [w, b.weights!]];
            const ups = (await sess.run(ms.map((m) => m[1]), feeds)) as NDArray[];
            out.updates.push(ups.map((u) => u.toArray() as number));
            const vals = (await sess.run(ms.map((m) => m[0]))) as NDArray[];
            out.values.push(vals.map((v) => v.toArray() as number));
          }
        } finally {
          await sess.close();
        }
      });
      return out;
    }
    const upTo = (k: number): Batch => ({
      labels: BATCHES.slice(0, k + 1).flatMap((b) => b.labels),
      predictions: BATCHES.slice(0, k + 1).flatMap((b) => b.predictions),
      weights: BATCHES.slice(0, k + 1).flatMap((b) => b.weights!),
    });
    const ones = (n: number) => Array(n).fill(1);

    it('accuracy, mean, mean squared/absolute error, RMSE (weighted and not)', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const r = await stream((l, p, w) => {
        const pred = tf.cast(tf.greater(p, 0.5), tf.float32);
        return [
          tf.metrics.accuracy(l, pred),
          tf.metrics.accuracy(l, pred, w),
          tf.metrics.mean(p),
          tf.metrics.mean(p, { weights: w }),
          tf.metrics.meanSquaredError(l, p, w),
          tf.metrics.meanAbsoluteError(l, p),
          tf.metrics.rootMeanSquaredError(l, p, w),
        ];
      });
      BATCHES.forEach((_, k) => {
        const d = upTo(k);
        const pred = d.predictions.map((p) => (p > 0.5 ? 1 : 0));
        const correct = pred.map((p, i) => (p === d.labels[i] ? 1 : 0));
        const n = d.labels.length;
        const se = d.predictions.map((p, i) => (p - d.labels[i]!) ** 2);
        const want = [
          weightedMean(correct, ones(n)),
          weightedMean(correct, d.weights!),
          weightedMean(d.predictions, ones(n)),
          weightedMean(d.predictions, d.weights!),
          weightedMean(se, d.weights!),
          weightedMean(d.predictions.map((p, i) => Math.abs(p - d.labels[i]!)), ones(n)),
          Math.sqrt(weightedMean(se, d.weights!)),
        ];
        want.forEach((v, i) => {
          close(r.updates[k]![i]!, v);
          close(r.values[k]![i]!, v);
        });
      });
    });

    it('precision, recall and the confusion counts', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const r = await stream((l, p, w) => {
        const pred = tf.greater(p, 0.5);
        return [
          tf.metrics.precision(l, pred),
          tf.metrics.recall(l, pred, w),
          tf.metrics.truePositives(l, pred, w),
          tf.metrics.falsePositives(l, pred),
          tf.metrics.falseNegatives(l, pred, w),
          tf.metrics.trueNegatives(l, pred),
        ];
      });
      BATCHES.forEach((_, k) => {
        const d = upTo(k);
        const pos = d.predictions.map((p) => p > 0.5);
        const cnt = (lab: number, pr: boolean, ws: number[]) => d.labels.reduce((a, l, i) => a + (l === lab && pos[i] === pr ? ws[i]! : 0), 0);
        const n1 = ones(d.labels.length);
        const tp = cnt(1, true, n1), fp = cnt(0, true, n1);
        const tpw = cnt(1, true, d.weights!), fnw = cnt(1, false, d.weights!);
        const want = [tp / (tp + fp), tpw / (tpw + fnw), tpw, fp, fnw, cnt(0, false, n1)];
        want.forEach((v, i) => {
          close(r.updates[k]![i]!, v);
          close(r.values[k]![i]!, v);
        });
      });
    });

    it('auc: ROC and PR (trapezoidal, careful interpolation, minoring, majoring), TF1 thresholds', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const r = await stream((l, p, w) => [
        tf.metrics.auc(l, p),
        tf.metrics.auc(l, p, w),
        tf.metrics.auc(l, p, { curve: 'PR' }),
        tf.metrics.auc(l, p, w, { curve: 'PR', summationMethod: 'careful_interpolation' }),
        tf.metrics.auc(l, p, { numThresholds: 1000 }),
        tf.metrics.auc(l, p, w, { summationMethod: 'minoring' }),
        tf.metrics.auc(l, p, { curve: 'PR', summationMethod: 'majoring', numThresholds: 50 }),
      ]);
      BATCHES.forEach((_, k) => {
        const d = upTo(k);
        const n1 = ones(d.labels.length);
        const want = [
          refAuc(d.labels, d.predictions, n1, 'ROC', 'trapezoidal'),
          refAuc(d.labels, d.predictions, d.weights!, 'ROC', 'trapezoidal'),
          refAuc(d.labels, d.predictions, n1, 'PR', 'trapezoidal'),
          refAuc(d.labels, d.predictions, d.weights!, 'PR', 'careful_interpolation'),
          refAuc(d.labels, d.predictions, n1, 'ROC', 'trapezoidal', 1000),
          refAuc(d.labels, d.predictions, d.weights!, 'ROC', 'minoring'),
          refAuc(d.labels, d.predictions, n1, 'PR', 'majoring', 50),
        ];
        want.forEach((v, i) => {
          close(r.updates[k]![i]!, v, 1e-5);
          close(r.values[k]![i]!, v, 1e-5);
        });
        // with no ties between thresholds, the ROC sum is the exact AUC up to the epsilons
        close(r.values[k]![4]!, exactRocAuc(d.labels, d.predictions, n1), 1e-4);
      });
    });
  });
}

describe('tf.metrics structure', () => {
  it("creates local metric variables with TF1's names, outside GLOBAL_VARIABLES", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const l = tf.placeholder(tf.int32, [null]);
      const p = tf.placeholder(tf.int32, [null]);
      const [acc, accUp] = tf.metrics.accuracy(l, p);
      const [, precUp] = tf.metrics.precision(l, p);
      tf.metrics.auc(l, tf.placeholder(tf.float32, [null]));
      const [acc2] = tf.metrics.accuracy(l, p, { name: 'acc' });
      tf.metrics.accuracy(l, p, { metricsCollections: ['my_metrics'], updatesCollections: ['my_updates'] });
      expect(acc.name).toBe('accuracy/value:0');
      expect(accUp.name).toBe('accuracy/update_op:0');
      expect(precUp.name).toBe('precision/update_op:0');
      expect(acc2.name).toBe('acc/value:0');
      const locals = g.getCollection<tf.Variable>(tf.GraphKeys.LOCAL_VARIABLES).map((v) => v.name);
      expect(locals).toEqual([
        'accuracy/total:0', 'accuracy/count:0',
        'precision/true_positives/count:0', 'precision/false_positives/count:0',
        'auc/true_positives:0', 'auc/false_negatives:0', 'auc/true_negatives:0', 'auc/false_positives:0',
        'acc/total:0', 'acc/count:0', 'accuracy_1/total:0', 'accuracy_1/count:0',
      ]);
      expect(g.getCollection<tf.Variable>(tf.GraphKeys.METRIC_VARIABLES).map((v) => v.name)).toEqual(locals);
      expect(tf.globalVariables()).toEqual([]);
      expect(tf.trainableVariables()).toEqual([]);
      expect(g.getCollection<tf.Variable>(tf.GraphKeys.LOCAL_VARIABLES)[4]!.shape).toEqual([200]);
      expect(g.getCollection<Tensor>('my_metrics').map((t) => t.name)).toEqual(['accuracy_1/value:0']);
      expect(g.getCollection<Tensor>('my_updates').map((t) => t.name)).toEqual(['accuracy_1/update_op:0']);
    });
  });

  it("raises TF1's errors", () => {
    tf.resetDefaultGraph();
    expect(() => tf.metrics.auc([1, 0], [0.5, 0.2], { curve: 'XY' })).toThrow('curve must be either ROC or PR, XY unknown');
    expect(() => tf.metrics.auc([1, 0], [0.5, 0.2], { summationMethod: 'simpson' })).toThrow('Invalid summation_method: simpson');
    expect(() => tf.metrics.accuracy([[1, 0, 1]], [[1, 0]])).toThrow('Shapes (1, 2) and (1, 3) are incompatible');
    expect(() => tf.metrics.mean()).toThrow("mean() missing 1 required positional argument: 'values'");
  });

  it('squeezes a trailing 1 off labels, as TF1 does ([n,1] labels vs [n] predictions)', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const [, up] = tf.metrics.accuracy(tf.constant([[1], [2], [3]], tf.int32), tf.argmax([[0, 1, 0], [0, 0, 1], [1, 0, 0]], 1));
      const sess = new tf.Session({ graph: g });
      await sess.run(tf.variablesInitializer(g.getCollection(tf.GraphKeys.LOCAL_VARIABLES)));
      expect(((await sess.run(up)) as NDArray).toArray()).toBeCloseTo(2 / 3, 6);
    });
  });
});
