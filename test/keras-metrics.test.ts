/**
 * tf.keras.metrics (TF 1.15) in graph mode: the stateful classes on the examples of TF's
 * metrics.py docstrings and on plain-JS references (AUC's Riemann sums, sensitivity at
 * specificity), accumulation over several updates, resetStates, sample weights and their
 * broadcasting, the functions, get/serialize/deserialize, and a compiled model reporting a
 * Metric object's running value.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';

const k = tf.keras;
const M = k.metrics;
const num = (a: NDArray): number => Number(a.data[0]);
const arr = (a: NDArray): number[] => Array.from(a.data as Float32Array, Number);

function close(got: number | readonly number[], want: number | readonly number[], tol = 1e-5): void {
  const g = typeof got === 'number' ? [got] : got;
  const w = typeof want === 'number' ? [want] : want;
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => {
    if (!(Math.abs(v - w[i]!) <= tol * (1 + Math.abs(w[i]!)))) throw new Error(`[${i}]: got ${v}, want ${w[i]}`);
  });
}

/** A fresh graph with its Keras session; `run` runs fetches there. */
function fresh(): { g: tf.Graph; run: (x: unknown) => Promise<NDArray> } {
  k.backend.clearSession();
  const g = new tf.Graph();
  const sess = g.asDefault(() => k.backend.getSession());
  return { g, run: async (x) => (await sess.run(x as never)) as NDArray };
}

/** Build `make()`'s metric and its update ops in a fresh graph, initialize, run the updates in turn, return result(). */
async function metricValue(make: () => tf.keras.metrics.Metric, updates: unknown[][]): Promise<NDArray> {
  const { g, run } = fresh();
  const [m, ops] = g.asDefault(() => {
    const m = make();
    return [m, updates.map((u) => m.updateState(...u))] as const;
  });
  await run(g.asDefault(() => tf.variablesInitializer(m.variables)));
  for (const op of ops) await run(op);
  return run(g.asDefault(() => m.result()));
}
const value = async (make: () => tf.keras.metrics.Metric, ...updates: unknown[][]): Promise<number> => num(await metricValue(make, updates));

describe('keras.metrics: reductions', () => {
  it('Mean, Sum: docstring values, weights, accumulation over updates, resetStates', async () => {
    close(await value(() => new M.Mean(), [[1, 3, 5, 7]]), 4);
    close(await value(() => new M.Mean(), [[1, 3, 5, 7], [1, 1, 0, 0]]), 2);
    close(await value(() => new M.Sum(), [[1, 3, 5, 7]]), 16);
    close(await value(() => new M.Sum(), [[1, 3, 5, 7], [1, 1, 0, 0]]), 4);
    // (16 + 2) / (4 + 1)
    close(await value(() => new M.Mean(), [[1, 3, 5, 7]], [[2, 4], [1, 0]]), 3.6);
    // weights [1, 0] of rank 1 expanded against [[1, 2], [3, 4]]: (1 + 2) / 2
    close(await value(() => new M.Mean(), [[[1, 2], [3, 4]], [1, 0]]), 1.5);
    // weights [1, 3] do not broadcast to [2, 3, 4]: values averaged to [5.5, 17.5] first; (5.5 + 3·17.5) / 4
    const v24 = Array.from({ length: 2 }, (_, i) => Array.from({ length: 3 }, (_, j) => Array.from({ length: 4 }, (_, l) => 12 * i + 4 * j + l)));
    close(await value(() => new M.Mean(), [v24, [1, 3]]), 14.5);

    const { g, run } = fresh();
    const [m, u1, u2, r, called] = g.asDefault(() => {
      const m = new M.Mean();
      return [m, m.updateState([1, 3, 5, 7]), m.updateState([10]), m.result(), m([2, 2])] as const;
    });
    expect(m.name).toBe('mean');
    expect(m.dtype).toBe('float32');
    expect(m.variables.map((v) => v.name)).toEqual(['total:0', 'count:0']);
    expect(g.asDefault(() => [...tf.globalVariables(), ...tf.localVariables()])).toEqual([]);
    await m.resetStates();
    await run(u1);
    close(num(await run(r)), 4);
    await run(u2);
    close(num(await run(r)), 26 / 5);
    close(num(await run(called)), 30 / 7); // update with [2, 2], then the result
    await m.resetStates();
    close(num(await run(r)), 0);
    close(num(await run(called)), 2);
    expect(m.getConfig()).toEqual({ name: 'mean', dtype: 'float32' });
  });

  it('MeanTensor: element-wise weighted means (docstring), shape checks', async () => {
    const { g, run } = fresh();
    const [m, us, r] = g.asDefault(() => {
      const m = new M.MeanTensor();
      const us = [m.updateState([0, 1, 2, 3]), m.updateState([4, 5, 6, 7]), m.updateState([12, 10, 8, 6], [0, 0.2, 0.5, 1])];
      return [m, us, m.result()] as const;
    });
    await run(g.asDefault(() => tf.variablesInitializer(m.variables)));
    await run(us[0]);
    await run(us[1]);
    close(arr(await run(r)), [2, 3, 4, 5]);
    await run(us[2]);
    close(arr(await run(r)), [2, 8 / 2.2, 12 / 2.5, 16 / 3]);
    expect(() => g.asDefault(() => m.updateState([1, 2]))).toThrow('MeanTensor input values must always have the same shape. Expected shape (set during the first call): (4,). Got: (2,)');
    expect(() => g.asDefault(() => new M.MeanTensor().result())).toThrow('MeanTensor does not have any result yet.');
  });

  it('MeanRelativeError, RootMeanSquaredError (docstrings, weights)', async () => {
    close(await value(() => new M.MeanRelativeError([1, 3, 2, 3]), [[1, 3, 2, 3], [2, 4, 6, 8]]), 1.25);
    close(await value(() => new M.RootMeanSquaredError(), [[2, 4, 6], [1, 3, 2]]), Math.sqrt(6));
    close(await value(() => new M.RootMeanSquaredError(), [[2, 4, 6], [1, 3, 2], [1, 0, 1]]), Math.sqrt(8.5));
  });
});

describe('keras.metrics: mean metric wrappers', () => {
  it('accuracies (docstrings, weights, top-k)', async () => {
    close(await value(() => new M.Accuracy(), [[1, 2, 3, 4], [0, 2, 3, 4]]), 0.75);
    close(await value(() => new M.Accuracy(), [[1, 2, 3, 4], [0, 2, 3, 4], [1, 1, 0, 0]]), 0.5);
    close(await value(() => new M.BinaryAccuracy(), [[1, 1, 0, 0], [0.98, 1, 0, 0.6]]), 0.75);
    // one value per row (weights of the rows' rank)
    close(await value(() => new M.BinaryAccuracy(), [[[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], [1, 0, 0, 1]]), 0.5);
    close(await value(() => new M.BinaryAccuracy({ threshold: 0.7 }), [[1, 1, 0, 0], [0.98, 1, 0, 0.6]]), 1);
    const oh = [[0, 0, 1], [0, 1, 0]];
    const p = [[0.1, 0.9, 0.8], [0.05, 0.95, 0]];
    close(await value(() => new M.CategoricalAccuracy(), [oh, p]), 0.5);
    close(await value(() => new M.CategoricalAccuracy(), [oh, p, [0.7, 0.3]]), 0.3);
    close(await value(() => new M.SparseCategoricalAccuracy(), [[[2], [1]], p]), 0.5);
    close(await value(() => new M.SparseCategoricalAccuracy(), [[[2], [1]], p, [0.7, 0.3]]), 0.3);
    close(await value(() => new M.TopKCategoricalAccuracy(), [oh, p]), 1);
    close(await value(() => new M.TopKCategoricalAccuracy(1), [oh, p]), 0.5);
    close(await value(() => new M.TopKCategoricalAccuracy({ k: 2 }), [oh, p]), 1);
    close(await value(() => new M.SparseTopKCategoricalAccuracy(), [[2, 1], p]), 1);
    close(await value(() => new M.SparseTopKCategoricalAccuracy(1), [[2, 1], p]), 0.5);
  });

  it('regression, hinge and crossentropy metrics (docstrings and by-hand references)', async () => {
    const t = [0, 0, 1, 1];
    const p = [1, 1, 1, 0];
    close(await value(() => new M.MeanAbsoluteError(), [t, p]), 0.75);
    close(await value(() => new M.MeanSquaredError(), [t, p]), 0.75);
    close(await value(() => new M.MeanAbsolutePercentageError(), [t, p]), 5e8, 1e-4);
    const lg = (x: number): number => Math.log(Math.max(x, 1e-7) + 1);
    close(await value(() => new M.MeanSquaredLogarithmicError(), [t, p]), t.reduce((s, ti, i) => s + (lg(p[i]!) - lg(ti)) ** 2, 0) / 4);
    close(await value(() => new M.Hinge(), [[-1, 1, 1], [0.6, -0.7, -0.5]]), 1.6);
    close(await value(() => new M.SquaredHinge(), [[-1, 1, 1], [0.6, -0.7, -0.5]]), (1.6 ** 2 + 1.7 ** 2 + 1.5 ** 2) / 3);
    close(await value(() => new M.CategoricalHinge(), [[0, 1, 1], [1, 0, 1]]), 1);
    const lc = (x: number): number => Math.log(Math.cosh(x));
    close(await value(() => new M.LogCoshError(), [[0, 1, 1], [1, 0, 1]]), (lc(1) + lc(-1) + lc(0)) / 3);
    close(await value(() => new M.Poisson(), [[1, 9, 2], [4, 8, 12]]), (4 - Math.log(4) + 8 - 9 * Math.log(8) + 12 - 2 * Math.log(12)) / 3);
    close(await value(() => new M.KLDivergence(), [[0.4, 0.9, 0.2], [0.5, 0.8, 0.12]]), 0.4 * Math.log(0.8) + 0.9 * Math.log(0.9 / 0.8) + 0.2 * Math.log(0.2 / 0.12));
    close(await value(() => new M.CosineSimilarity({ axis: 1 }), [[[0, 1], [1, 1]], [[1, 0], [1, 1]]]), 0.5);
    const xent = (-Math.log(0.95) - Math.log(0.1)) / 2;
    close(await value(() => new M.CategoricalCrossentropy(), [[[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]]), xent);
    close(await value(() => new M.SparseCategoricalCrossentropy(), [[1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]]), xent);
    const bce = (ti: number, pi: number): number => -(ti * Math.log(pi + 1e-7) + (1 - ti) * Math.log(1 - pi + 1e-7));
    const bt = [[1, 0], [0, 1]];
    const bp = [[0.9, 0.2], [0.3, 0.6]];
    const rows = bt.map((r, i) => (bce(r[0]!, bp[i]![0]!) + bce(r[1]!, bp[i]![1]!)) / 2);
    close(await value(() => new M.BinaryCrossentropy(), [bt, bp]), (rows[0]! + rows[1]!) / 2, 1e-4);
    close(await value(() => new M.BinaryCrossentropy(), [bt, bp, [3, 1]]), (3 * rows[0]! + rows[1]!) / 4, 1e-4);
  });
});

/** TF's confusion counts at thresholds (prediction > threshold), by loops. */
function counts(t: number[], p: number[], th: number[], w?: number[]): { tp: number[]; fp: number[]; tn: number[]; fn: number[] } {
  const c = { tp: th.map(() => 0), fp: th.map(() => 0), tn: th.map(() => 0), fn: th.map(() => 0) };
  th.forEach((h, j) => p.forEach((pi, i) => {
    const wi = w ? w[i]! : 1;
    const pos = pi > h;
    if (t[i] && pos) c.tp[j] += wi;
    else if (t[i]) c.fn[j] += wi;
    else if (pos) c.fp[j] += wi;
    else c.tn[j] += wi;
  }));
  return c;
}
const dnn = (a: number, b: number): number => (b === 0 ? 0 : a / b);
/** AUC by the formulas of TF 1.15's AUC.result / interpolate_pr_auc. */
function aucRef(t: number[], p: number[], n: number, curve: string, method: string, w?: number[]): number {
  const th = [-1e-7, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), 1 + 1e-7];
  const c = counts(t, p, th, w);
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    if (curve === 'PR' && method === 'interpolation') {
      const pA = c.tp[i]! + c.fp[i]!;
      const pB = c.tp[i + 1]! + c.fp[i + 1]!;
      const dtp = c.tp[i]! - c.tp[i + 1]!;
      const slope = dnn(dtp, Math.max(pA - pB, 0));
      const intercept = c.tp[i + 1]! - slope * pB;
      const ratio = pA > 0 && pB > 0 ? dnn(pA, Math.max(pB, 0)) : 1;
      s += dnn(slope * (dtp + intercept * Math.log(ratio)), Math.max(c.tp[i + 1]! + c.fn[i + 1]!, 0));
      continue;
    }
    const rec = (j: number): number => dnn(c.tp[j]!, c.tp[j]! + c.fn[j]!);
    const x = (j: number): number => (curve === 'ROC' ? dnn(c.fp[j]!, c.fp[j]! + c.tn[j]!) : rec(j));
    const y = (j: number): number => (curve === 'ROC' ? rec(j) : dnn(c.tp[j]!, c.tp[j]! + c.fp[j]!));
    const h = method === 'interpolation' ? (y(i) + y(i + 1)) / 2 : method === 'minoring' ? Math.min(y(i), y(i + 1)) : Math.max(y(i), y(i + 1));
    s += (x(i) - x(i + 1)) * h;
  }
  return s;
}

describe('keras.metrics: confusion-matrix metrics', () => {
  it('TruePositives … FalseNegatives, Precision, Recall (docstrings, weights, thresholds, top_k, class_id)', async () => {
    close(await value(() => new M.FalsePositives(), [[0, 1, 0, 0], [0, 0, 1, 1]]), 2);
    close(await value(() => new M.FalsePositives(), [[0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 0]]), 1);
    close(await value(() => new M.FalseNegatives(), [[0, 1, 1, 1], [0, 1, 0, 0]]), 2);
    close(await value(() => new M.FalseNegatives(), [[0, 1, 1, 1], [0, 1, 0, 0], [0, 0, 1, 0]]), 1);
    close(await value(() => new M.TrueNegatives(), [[0, 1, 0, 0], [1, 1, 0, 0]]), 2);
    close(await value(() => new M.TrueNegatives(), [[0, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0]]), 1);
    close(await value(() => new M.TruePositives(), [[0, 1, 1, 1], [1, 0, 1, 1]]), 2);
    close(await value(() => new M.TruePositives(), [[0, 1, 1, 1], [1, 0, 1, 1], [0, 0, 1, 0]]), 1);
    close(arr(await metricValue(() => new M.TruePositives([0.15, 0.5, 0.85]), [[[0, 1, 1, 1], [0.1, 0.2, 0.6, 0.9]]])), [3, 2, 1]);
    close(await value(() => new M.Precision(), [[0, 1, 1, 1], [1, 0, 1, 1]]), 2 / 3);
    close(await value(() => new M.Precision(), [[0, 1, 1, 1], [1, 0, 1, 1], [0, 0, 1, 0]]), 1);
    close(await value(() => new M.Recall(), [[0, 1, 1, 1], [1, 0, 1, 1]]), 2 / 3);
    close(await value(() => new M.Recall(), [[0, 1, 1, 1], [1, 0, 1, 1], [0, 0, 1, 0]]), 1);
    close(arr(await metricValue(() => new M.Precision([0.3, 0.7]), [[[1, 0, 1, 0], [0.2, 0.5, 0.8, 0.9]]])), [1 / 3, 0.5]);
    close(arr(await metricValue(() => new M.Recall({ thresholds: [0.3, 0.7] }), [[[1, 0, 1, 1], [0.2, 0.5, 0.8, 0.4]]])), [2 / 3, 1 / 3]);
    // top 3 of [0.2, 0.1, 0.5, 0, 0.2] are entries 2, 0, 4: one of them a label
    close(await value(() => new M.Precision({ topK: 3 }), [[[0, 1, 1, 0, 0]], [[0.2, 0.1, 0.5, 0, 0.2]]]), 1 / 3);
    close(await value(() => new M.Recall({ topK: 3 }), [[[0, 1, 1, 0, 0]], [[0.2, 0.1, 0.5, 0, 0.2]]]), 1 / 2);
    const cp = [[0.2, 0.1, 0.6], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4]];
    const ct = [[0, 0, 1], [1, 0, 0], [0, 0, 1]];
    close(await value(() => new M.Precision({ classId: 2 }), [ct, cp]), 0.5);
    close(await value(() => new M.Recall({ classId: 2 }), [ct, cp]), 0.5);
    // accumulated over two updates: tp 2+1, fp 1+0
    close(await value(() => new M.Precision(), [[0, 1, 1, 1], [1, 0, 1, 1]], [[1, 0], [0.9, 0.2]]), 3 / 4);
  });

  it('AUC: docstring example; ROC/PR × interpolation/minoring/majoring against the formulas; weights; thresholds', async () => {
    close(await value(() => new M.AUC({ numThresholds: 3 }), [[0, 0, 1, 1], [0, 0.5, 0.3, 0.9]]), 0.75);
    const t = [0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0];
    const p = [0.1, 0.4, 0.35, 0.8, 0.65, 0.2, 0.9, 0.55, 0.5, 0.05, 0.7, 0.3];
    const w = [1, 2, 0.5, 1, 1, 3, 1, 0.2, 1, 1, 2, 1];
    for (const curve of ['ROC', 'PR']) {
      for (const method of ['interpolation', 'minoring', 'majoring']) {
        const got = await value(() => new M.AUC({ numThresholds: 7, curve, summationMethod: method }), [t, p]);
        close(got, aucRef(t, p, 7, curve, method), 1e-5);
        const gotW = await value(() => new M.AUC(11, curve, method), [t, p, w]);
        close(gotW, aucRef(t, p, 11, curve, method, w), 1e-5);
      }
    }
    // accumulation over two halves equals one update with everything
    close(await value(() => new M.AUC({ numThresholds: 7, curve: 'PR' }), [t.slice(0, 6), p.slice(0, 6)], [t.slice(6), p.slice(6)]), aucRef(t, p, 7, 'PR', 'interpolation'));
    // explicit thresholds: sorted, with −ε and 1+ε added
    const m = await (async () => {
      const { g } = fresh();
      return g.asDefault(() => new M.AUC({ thresholds: [0.6, 0.2] }));
    })();
    expect(m.numThresholds).toBe(4);
    close(m.thresholds, [-1e-7, 0.2, 0.6, 1 + 1e-7]);
    expect(m.getConfig()).toEqual({ name: 'auc', dtype: 'float32', numThresholds: 4, curve: 'ROC', summationMethod: 'interpolation', thresholds: [0.2, 0.6] });
  });

  it('SensitivityAtSpecificity, SpecificityAtSensitivity (docstrings, 5 thresholds by hand)', async () => {
    close(await value(() => new M.SensitivityAtSpecificity(0.4, { numThresholds: 1 }), [[0, 0, 1, 1], [0, 0.5, 0.3, 0.9]]), 0.5);
    close(await value(() => new M.SpecificityAtSensitivity(0.8, 1), [[0, 0, 1, 1], [0, 0.5, 0.3, 0.9]]), 1);
    const t = [0, 1, 1, 0, 1, 0, 1, 1, 0, 0];
    const p = [0.1, 0.4, 0.35, 0.8, 0.65, 0.2, 0.9, 0.55, 0.5, 0.05];
    const th = [0, 0.25, 0.5, 0.75, 1];
    const c = counts(t, p, th);
    const spec = th.map((_, i) => dnn(c.tn[i]!, c.tn[i]! + c.fp[i]!));
    const sens = th.map((_, i) => dnn(c.tp[i]!, c.tp[i]! + c.fn[i]!));
    const argmin = (xs: number[]): number => xs.reduce((b, x, i) => (x < xs[b]! ? i : b), 0);
    const i1 = argmin(spec.map((s) => Math.abs(s - 0.7)));
    close(await value(() => new M.SensitivityAtSpecificity(0.7, 5), [t, p]), sens[i1]!);
    const i2 = argmin(sens.map((s) => Math.abs(s - 0.9)));
    close(await value(() => new M.SpecificityAtSensitivity(0.9, 5), [t, p]), spec[i2]!);
  });

  it('MeanIoU (docstring, weights, accumulation)', async () => {
    close(await value(() => new M.MeanIoU(2), [[0, 0, 1, 1], [0, 1, 0, 1]]), 1 / 3);
    close(await value(() => new M.MeanIoU({ numClasses: 2 }), [[0, 0, 1, 1], [0, 1, 0, 1], [0.2, 0.3, 0.4, 0.1]]), (0.2 / 0.9 + 0.1 / 0.8) / 2);
    // class 2 never appears: the mean is over classes 0 and 1; cm [[1, 1], [0, 2]] after two updates
    close(await value(() => new M.MeanIoU(3), [[0, 1], [0, 1]], [[[0], [1]], [[1], [1]]]), (1 / 2 + 2 / 3) / 2);
  });

  it('bad arguments and inputs: TF\'s errors', async () => {
    const { g, run } = fresh();
    g.asDefault(() => {
      expect(() => new M.Precision([1.5, 0.2])).toThrow('Threshold values must be in [0, 1]. Invalid values: [1.5]');
      expect(() => new M.AUC({ curve: 'XY' })).toThrow('Invalid AUC curve value "XY".');
      expect(() => new M.AUC({ summationMethod: 'midpoint' })).toThrow('Invalid AUC summation method value "midpoint".');
      expect(() => new M.AUC(1)).toThrow('`num_thresholds` must be > 1.');
      expect(() => new M.SensitivityAtSpecificity(1.5)).toThrow('`specificity` must be in the range [0, 1].');
      expect(() => new M.SpecificityAtSensitivity(0.5, 0)).toThrow('`num_thresholds` must be > 0.');
    });
    // constant predictions are checked when the graph is built, fed ones when it runs
    expect(() => g.asDefault(() => new M.AUC().updateState([0, 1], [0.5, 1.5]))).toThrow('predictions must be <= 1');
    const [m, x, u] = g.asDefault(() => {
      const m = new M.Precision();
      const x = tf.placeholder(tf.float32, [2]);
      return [m, x, m.updateState([0, 1], x)] as const;
    });
    const sess = g.asDefault(() => k.backend.getSession());
    await run(g.asDefault(() => tf.variablesInitializer(m.variables)));
    await expect(sess.run(u as never, new Map([[x, new tf.NDArray(Float32Array.from([-0.5, 0.5]), [2])]]) as never)).rejects.toThrow('predictions must be >= 0');
  });
});

describe('keras.metrics: functions, get / serialize / deserialize', () => {
  it('functions: accuracy, top-k accuracies, cosine (negative), aliases', async () => {
    const { g, run } = fresh();
    const out = g.asDefault(() => {
      const oh = tf.constant([[0, 0, 1], [0, 1, 0]]);
      const p = tf.constant([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]);
      return [
        M.accuracy(tf.constant([1, 2, 3, 4]), tf.constant([0, 2, 3, 4])),
        M.topKCategoricalAccuracy(oh, p, 1), M.topKCategoricalAccuracy(oh, p, 2), M.sparseTopKCategoricalAccuracy(tf.constant([[2], [1]]), p, 1),
        M.cosine(tf.constant([[0, 1], [1, 1]]), tf.constant([[1, 0], [1, 1]])), M.binaryAccuracy(tf.constant([[1, 0]]), tf.constant([[0.6, 0.4]]), 0.7),
      ] as Tensor[];
    });
    const r = await Promise.all(out.map((t) => run(t)));
    expect(arr(r[0]!)).toEqual([0, 1, 1, 1]);
    expect(arr(r[1]!)).toEqual([0, 1]);
    expect(arr(r[2]!)).toEqual([1, 1]);
    expect(arr(r[3]!)).toEqual([0, 1]);
    close(arr(r[4]!), [0, -1]);
    close(arr(r[5]!), [0.5]);
    expect(M.MSE).toBe(M.meanSquaredError);
    expect(M.KLD).toBe(M.kld);
    expect(M.cosineProximity).toBe(M.cosine);
  });

  it('get, serialize, deserialize', () => {
    const { g } = fresh();
    g.asDefault(() => {
      expect(M.get('mse')).toBe(M.meanSquaredError);
      expect(M.get('top_k_categorical_accuracy')).toBe(M.topKCategoricalAccuracy);
      expect(M.get('AUC')).toBe(M.AUC);
      expect(M.get(M.mae)).toBe(M.mae);
      const auc = M.deserialize({ className: 'AUC', config: { numThresholds: 3, curve: 'PR' } }) as InstanceType<typeof M.AUC>;
      expect(auc).toBeInstanceOf(M.AUC);
      expect([auc.numThresholds, auc.curve]).toEqual([3, 'PR']);
      const prec = new M.Precision({ thresholds: [0.3] });
      const cfg = M.serialize(prec) as { className: string; config: Record<string, unknown> };
      expect(cfg).toEqual({ className: 'Precision', config: { name: 'precision', dtype: 'float32', thresholds: [0.3], topK: null, classId: null } });
      const again = M.deserialize(cfg) as InstanceType<typeof M.Precision>;
      expect(again.thresholds).toEqual([0.3]);
      expect(M.serialize(M.kld)).toBe('kullback_leibler_divergence');
      expect(M.serialize(new M.BinaryAccuracy({ threshold: 0.3 }))).toEqual({ className: 'BinaryAccuracy', config: { name: 'binary_accuracy', dtype: 'float32', threshold: 0.3 } });
      expect(() => M.deserialize('nope')).toThrow('Unknown metric function:nope');
      expect(() => M.get(3)).toThrow('Could not interpret metric function identifier: 3');
      expect(new M.Precision().name).toBe('precision_1');
    });
  });
});

describe('keras.metrics in compile / fit / evaluate', () => {
  it('Metric objects report their running value over the epoch, reset at each epoch and before evaluating', async () => {
    const { g } = fresh();
    const [model, prec, rec] = g.asDefault(() => {
      const model = new k.Sequential([new k.layers.Dense(1, { inputShape: [2], activation: 'sigmoid', kernelInitializer: 'ones', biasInitializer: 'zeros' })]);
      const prec = new M.Precision();
      const rec = new M.Recall();
      model.compile({ optimizer: new k.optimizers.SGD(0), loss: 'binary_crossentropy', metrics: [prec, rec, 'acc'] });
      return [model, prec, rec] as const;
    });
    // sigmoid(x0 + x1) > 0.5 iff x0 + x1 > 0: predicted positive rows 0, 1, 3, 4
    const x = new tf.NDArray(Float32Array.from([1, 0, 1, 1, -1, 0, 2, 0, 0.5, 0, -2, 0]), [6, 2]);
    const y = new tf.NDArray(Float32Array.from([1, 0, 1, 1, 1, 0]), [6, 1]);
    const hist = await model.fit(x, y, { batchSize: 2, epochs: 2, shuffle: false, verbose: 0 });
    expect(Object.keys(hist.history)).toEqual(['loss', 'precision', 'recall', 'acc']);
    // over all six rows: tp 3, fp 1, fn 1 (the means of the batch values would be 5/6)
    close(hist.history.precision!, [0.75, 0.75]);
    close(hist.history.recall!, [0.75, 0.75]);
    close(hist.history.acc!, [4 / 6, 4 / 6]);
    expect(model.metricsNames).toEqual(['loss', 'precision', 'recall', 'acc']);
    // evaluate starts from zero: rows 0, 1 alone give precision 1/2, recall 1
    const r = (await model.evaluate(new tf.NDArray(Float32Array.from([1, 0, 1, 1]), [2, 2]), new tf.NDArray(Float32Array.from([1, 0]), [2, 1]), { verbose: 0 })) as number[];
    close(r.slice(1), [0.5, 1, 0.5]);
    // trainOnBatch reports the batch alone (TF's reset_metrics=True): rows 2, 3 → precision 1, recall 1/2
    const b = (await model.trainOnBatch(new tf.NDArray(Float32Array.from([-1, 0, 2, 0]), [2, 2]), new tf.NDArray(Float32Array.from([1, 1]), [2, 1]))) as number[];
    close(b.slice(1, 3), [1, 0.5]);
    expect([prec.name, rec.name]).toEqual(['precision', 'recall']);
  });
});
