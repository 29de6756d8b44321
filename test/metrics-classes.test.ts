/**
 * tf.metrics percentageBelow, meanIou, meanPerClassAccuracy, precisionAtK / recallAtK (and the
 * *AtTopK forms) over several update batches against float64 hand computations of TF1's
 * definitions; TF1's local-variable names and update-op values.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';

async function stream(
  build: () => { feeds: Tensor[]; value: Tensor; update: Tensor },
  batches: unknown[][],
): Promise<{ values: number[]; updates: NDArray[]; locals: string[]; g: tf.Graph }> {
  const g = new tf.Graph();
  const { feeds, value, update } = g.asDefault(build);
  const locals = g.asDefault(() => tf.localVariables().map((v) => v.op.name));
  const sess = new tf.Session({ graph: g });
  await g.asDefault(() => sess.run(tf.localVariablesInitializer()));
  const values: number[] = [];
  const updates: NDArray[] = [];
  for (const b of batches) {
    updates.push((await sess.run(update, new Map(feeds.map((f, i) => [f, b[i] as never])))) as NDArray);
    values.push(((await sess.run(value)) as NDArray).toArray() as number);
  }
  await sess.close();
  return { values, updates, locals, g };
}
const near = (a: number, b: number, tol = 1e-6): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * (1 + Math.abs(b)));

describe('percentageBelow', () => {
  it('the weighted fraction of values below the threshold, in percentage_below_threshold/{total,count}', async () => {
    const batches = [[[0.1, 0.6, 0.3, 0.9], [1, 2, 0, 1]], [[0.45, 0.55, 0.2, 0.7], [1, 1, 3, 0.5]]];
    const r = await stream(() => {
      const v = tf.placeholder('float32', [4]);
      const w = tf.placeholder('float32', [4]);
      const [value, update] = tf.metrics.percentageBelow(v, 0.5, w);
      return { feeds: [v, w], value, update };
    }, batches);
    expect(r.locals).toEqual(['percentage_below_threshold/total', 'percentage_below_threshold/count']);
    let num = 0;
    let den = 0;
    batches.forEach(([vs, ws], i) => {
      (vs as number[]).forEach((v, j) => {
        num += (v < 0.5 ? 1 : 0) * (ws as number[])[j]!;
        den += (ws as number[])[j]!;
      });
      near(r.values[i]!, num / den);
    });
  });
});

/** Float64 confusion matrix [label][prediction]. */
function cm(n: number, batches: [number[], number[], number[]][]): number[][] {
  const m = Array.from({ length: n }, () => Array<number>(n).fill(0));
  for (const [l, p, w] of batches) l.forEach((li, i) => (m[li]![p[i]!]! += w[i]!));
  return m;
}
function refIou(m: number[][]): number {
  const n = m.length;
  let sum = 0;
  let valid = 0;
  for (let c = 0; c < n; c++) {
    let row = 0;
    let col = 0;
    for (let j = 0; j < n; j++) {
      row += m[c]![j]!;
      col += m[j]![c]!;
    }
    const den = row + col - m[c]![c]!;
    if (den !== 0) valid++;
    sum += den > 0 ? m[c]![c]! / den : 0;
  }
  return valid > 0 ? sum / valid : 0;
}

describe('meanIou', () => {
  it('IoU per class from the streamed float64 confusion matrix; the update op returns the matrix', async () => {
    const batches: [number[], number[], number[]][] = [
      [[0, 1, 2, 2, 1, 0], [0, 2, 2, 1, 1, 0], [1, 1, 2, 1, 0.5, 1]],
      [[2, 2, 0, 1, 3, 3], [2, 0, 0, 1, 3, 2], [1, 1, 1, 0, 2, 1]],
    ];
    const r = await stream(() => {
      const l = tf.placeholder('int32', [2, 3]);
      const p = tf.placeholder('int32', [2, 3]);
      const w = tf.placeholder('float32', [2, 3]);
      const [value, update] = tf.metrics.meanIou(l, p, 5, w);
      return { feeds: [l, p, w], value, update };
    }, batches.map(([l, p, w]) => [[l.slice(0, 3), l.slice(3)], [p.slice(0, 3), p.slice(3)], [w.slice(0, 3), w.slice(3)]]));
    expect(r.locals).toEqual(['mean_iou/total_confusion_matrix']);
    for (let i = 0; i < batches.length; i++) {
      const m = cm(5, batches.slice(0, i + 1));
      expect(r.updates[i]!.dtype).toBe('float64');
      expect(r.updates[i]!.toArray()).toEqual(m);
      near(r.values[i]!, refIou(m));
    }
    // classes 4 never occurs: it does not count; unweighted by position and keyword alike
    const u = await stream(() => {
      const l = tf.placeholder('int64', [4]);
      const p = tf.placeholder('int64', [4]);
      const [value, update] = tf.metrics.meanIou({ labels: l, predictions: p, numClasses: 3, name: 'iou' });
      return { feeds: [l, p], value, update };
    }, [[[0, 1, 1, 2], [0, 1, 2, 2]]]);
    expect(u.locals).toEqual(['iou/total_confusion_matrix']);
    near(u.values[0]!, refIou(cm(3, [[[0, 1, 1, 2], [0, 1, 2, 2], [1, 1, 1, 1]]])));
  });
});

describe('meanPerClassAccuracy', () => {
  it('the mean of per-class accuracies (absent classes 0), in mean_accuracy/{total,count}', async () => {
    const batches: [number[], number[], number[]][] = [
      [[0, 1, 2, 2, 1], [0, 2, 2, 1, 1], [1, 2, 1, 1, 0.5]],
      [[3, 0, 0, 2, 1], [3, 0, 1, 2, 0], [1, 1, 3, 1, 1]],
    ];
    const r = await stream(() => {
      const l = tf.placeholder('int32', [5]);
      const p = tf.placeholder('int32', [5]);
      const w = tf.placeholder('float32', [5]);
      const [value, update] = tf.metrics.meanPerClassAccuracy(l, p, 5, w);
      return { feeds: [l, p, w], value, update };
    }, batches);
    expect(r.locals).toEqual(['mean_accuracy/total', 'mean_accuracy/count']);
    const total = Array(5).fill(0);
    const correct = Array(5).fill(0);
    batches.forEach(([l, p, w], i) => {
      l.forEach((c, j) => {
        total[c] += w[j]!;
        if (p[j] === c) correct[c] += w[j]!;
      });
      const per = total.map((t, c) => (t === 0 ? 0 : correct[c] / t));
      near(r.values[i]!, per.reduce((a, b) => a + b, 0) / 5);
      expect(Array.from(r.updates[i]!.data as Float32Array).map((v, c) => Math.abs(v - per[c]!) < 1e-6)).toEqual(Array(5).fill(true));
    });
  });
});

/** TF1's set semantics per row: tp = |topk ∩ labels|, fp = |topk \ labels|, fn = |labels \ topk|. */
function refAtK(scores: number[][], labels: number[][], k: number, classId: number | null, weights: number[] | null): { tp: number; fp: number; fn: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  scores.forEach((row, i) => {
    const top = row.map((v, j) => [v, j] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, k).map(([, j]) => j);
    let T = new Set(top);
    let L = new Set(labels[i]);
    if (classId !== null) {
      T = new Set([...T].filter((c) => c === classId));
      L = new Set([...L].filter((c) => c === classId));
    }
    const w = weights ? weights[i]! : 1;
    tp += w * [...T].filter((c) => L.has(c)).length;
    fp += w * [...T].filter((c) => !L.has(c)).length;
    fn += w * [...L].filter((c) => !T.has(c)).length;
  });
  return { tp, fp, fn };
}

describe('precisionAtK / recallAtK', () => {
  const scores = [
    [[0.1, 0.5, 0.3, 0.05, 0.9], [0.8, 0.1, 0.4, 0.6, 0.2], [0.3, 0.3, 0.2, 0.9, 0.1]],
    [[0.2, 0.1, 0.7, 0.6, 0.5], [0.05, 0.9, 0.8, 0.1, 0.3], [0.6, 0.2, 0.1, 0.4, 0.35]],
  ];
  // repeated labels are one element; -1 pads (never predicted; a false negative for recall)
  const labels = [
    [[4, 2, 2], [1, 3, -1], [0, 3, 3]],
    [[2, 0, -1], [4, 4, 4], [0, 3, 1]],
  ];
  const weights = [[1, 0.5, 2], [1, 3, 0]];

  for (const [k, classId, weighted] of [[2, null, false], [3, null, true], [2, 3, true], [1, 4, false]] as const) {
    it(`k=${k}${classId === null ? '' : ` classId=${classId}`}${weighted ? ' weighted' : ''}`, async () => {
      const name = (m: string): string => `${m}_at_${k}${classId === null ? '' : `_class${classId}`}`;
      for (const kind of ['precision', 'recall'] as const) {
        const r = await stream(() => {
          const s = tf.placeholder('float32', [3, 5]);
          const l = tf.placeholder('int64', [3, 3]);
          const w = tf.placeholder('float32', [3]);
          const fn = kind === 'precision' ? tf.metrics.precisionAtK : tf.metrics.recallAtK;
          const [value, update] = fn(l, s, k, classId, weighted ? w : null);
          expect(value.op.name).toBe(name(kind));
          return { feeds: [s, l, w], value, update };
        }, scores.map((s, i) => [s, labels[i], weights[i]]));
        expect(r.locals).toEqual([`${name(kind)}/${name('true_positive')}`, `${name(kind)}/${name(kind === 'precision' ? 'false_positive' : 'false_negative')}`]);
        let acc = { tp: 0, fp: 0, fn: 0 };
        scores.forEach((s, i) => {
          const b = refAtK(s, labels[i]!, k, classId, weighted ? weights[i]! : null);
          acc = { tp: acc.tp + b.tp, fp: acc.fp + b.fp, fn: acc.fn + b.fn };
          const want = kind === 'precision' ? acc.tp / (acc.tp + acc.fp) : acc.tp / (acc.tp + acc.fn);
          if (Number.isNaN(want)) expect(r.values[i]).toBeNaN();
          else near(r.values[i]!, want, 1e-12);
          expect(r.updates[i]!.dtype).toBe('float64');
        });
      }
    });
  }

  it('one label per row, and precisionAtTopK / recallAtTopK on given indices', async () => {
    const r = await stream(() => {
      const s = tf.placeholder('float32', [3, 5]);
      const l = tf.placeholder('int32', [3]);
      const [value, update] = tf.metrics.precisionAtK(l, s, { k: 2, name: 'p2' });
      expect(tf.metrics.recallAtTopK(l, tf.nn.topK(s, 2)[1], { name: 'r2' })[0].op.name).toBe('r2');
      return { feeds: [s, l], value, update };
    }, [[scores[0], [4, 0, 2]]]);
    expect(r.locals).toEqual(['p2/true_positive_at_2', 'p2/false_positive_at_2', 'r2/true_positive_at_k', 'r2/false_negative_at_k']);
    const ref = refAtK(scores[0]!, [[4], [0], [2]], 2, null, null);
    near(r.values[0]!, ref.tp / (ref.tp + ref.fp), 1e-12);
  });
});

describe('meanTensor, meanRelativeError, meanCosineDistance', () => {
  it('meanTensor: an element-wise weighted mean in mean/{total_tensor,count_tensor}', async () => {
    const batches = [[[[1, 2], [3, 4]], [[1, 0], [2, 1]]], [[[5, 6], [7, 8]], [[1, 1], [0, 3]]]];
    const r = await stream(() => {
      const v = tf.placeholder('float32', [2, 2]);
      const w = tf.placeholder('float32', [2, 2]);
      const [value, update] = tf.metrics.meanTensor(v, w);
      return { feeds: [v, w], value, update };
    }, batches);
    expect(r.locals).toEqual(['mean/total_tensor', 'mean/count_tensor']);
    const num = [0, 0, 0, 0];
    const den = [0, 0, 0, 0];
    batches.forEach(([v, w], i) => {
      (v as number[][]).flat().forEach((x, j) => {
        num[j] += x * (w as number[][]).flat()[j]!;
        den[j] += (w as number[][]).flat()[j]!;
      });
      expect(r.updates[i]!.toArray()).toEqual([[0, 1], [2, 3]].map((row) => row.map((j) => (den[j] === 0 ? 0 : num[j]! / den[j]!))));
    });
  });

  it('meanRelativeError (0 where the normalizer is 0) and meanCosineDistance', async () => {
    const labels = [1, 2, 4, 0];
    const preds = [1.5, 1, 5, 3];
    const norm = [1, 2, 0, 4];
    const r = await stream(() => {
      const l = tf.placeholder('float32', [4]);
      const p = tf.placeholder('float32', [4]);
      const [value, update] = tf.metrics.meanRelativeError(l, p, tf.constant(norm));
      return { feeds: [l, p], value, update };
    }, [[labels, preds]]);
    expect(r.locals).toEqual(['mean_relative_error/total', 'mean_relative_error/count']);
    near(r.values[0]!, labels.map((l, i) => (norm[i] === 0 ? 0 : Math.abs(l - preds[i]!) / norm[i]!)).reduce((a, b) => a + b, 0) / 4);
    const u = [[0.6, 0.8], [1, 0], [0, 1]];
    const q = [[0.8, 0.6], [0, 1], [0, -1]];
    const c = await stream(() => {
      const l = tf.placeholder('float32', [3, 2]);
      const p = tf.placeholder('float32', [3, 2]);
      const [value, update] = tf.metrics.meanCosineDistance(l, p, 1, { weights: tf.constant([[1], [2], [1]]) });
      return { feeds: [l, p], value, update };
    }, [[u, q]]);
    const dots = u.map((row, i) => row[0]! * q[i]![0]! + row[1]! * q[i]![1]!);
    near(c.values[0]!, 1 - (dots[0]! * 1 + dots[1]! * 2 + dots[2]! * 1) / 4);
  });
});

describe('counts and ratios at thresholds', () => {
  const labels = [[1, 0, 1, 1, 0], [0, 1, 1, 0, 0]];
  const preds = [[0.9, 0.2, 0.4, 0.75, 0.6], [0.1, 0.55, 0.8, 0.3, 0.05]];
  const thresholds = [0.25, 0.5, 0.7];
  const ref = (upto: number, want: [boolean, boolean]): number[] =>
    thresholds.map((t) => labels.slice(0, upto).flatMap((l, b) => l.map((li, i) => Boolean(li) === want[0] && preds[b]![i]! > t === want[1])).filter(Boolean).length);

  it('truePositivesAtThresholds … falseNegativesAtThresholds: one [n] variable each', async () => {
    for (const [fn, want, name] of [
      [tf.metrics.truePositivesAtThresholds, [true, true], 'true_positives'],
      [tf.metrics.falsePositivesAtThresholds, [false, true], 'false_positives'],
      [tf.metrics.trueNegativesAtThresholds, [false, false], 'true_negatives'],
      [tf.metrics.falseNegativesAtThresholds, [true, false], 'false_negatives'],
    ] as const) {
      const r = await stream(() => {
        const l = tf.placeholder('bool', [5]);
        const p = tf.placeholder('float32', [5]);
        const [value, update] = fn(l, p, thresholds);
        return { feeds: [l, p], value, update };
      }, labels.map((l, i) => [l.map(Boolean), preds[i]]));
      expect(r.locals).toEqual([`${name}/${name}`]);
      expect(r.updates[1]!.toArray()).toEqual(ref(2, [...want]));
    }
  });

  it('precisionAtThresholds and recallAtThresholds: tp / (1e-7 + tp + fp | fn)', async () => {
    for (const kind of ['precision', 'recall'] as const) {
      const fn = kind === 'precision' ? tf.metrics.precisionAtThresholds : tf.metrics.recallAtThresholds;
      const r = await stream(() => {
        const l = tf.placeholder('int32', [5]);
        const p = tf.placeholder('float32', [5]);
        const [value, update] = fn(l, p, thresholds);
        expect(value.op.name).toBe(`${kind}_at_thresholds/${kind}`);
        return { feeds: [l, p], value, update };
      }, labels.map((l, i) => [l, preds[i]]));
      expect(r.locals).toEqual([`${kind}_at_thresholds/true_positives`, `${kind}_at_thresholds/${kind === 'precision' ? 'false_positives' : 'false_negatives'}`]);
      const tp = ref(2, [true, true]);
      const other = ref(2, kind === 'precision' ? [false, true] : [true, false]);
      Array.from(r.updates[1]!.data as Float32Array).forEach((v, i) => near(v, tp[i]! / (1e-7 + tp[i]! + other[i]!)));
    }
  });
});

describe('sensitivityAtSpecificity / specificityAtSensitivity', () => {
  const labels = [1, 0, 1, 1, 0, 0, 1, 0, 0, 1];
  const preds = [0.9, 0.2, 0.4, 0.75, 0.6, 0.1, 0.55, 0.8, 0.3, 0.05];
  const weights = [1, 2, 0.5, 1, 1, 1, 3, 1, 0.5, 1];
  /** The four counts at TF1's thresholds, in float32 as the variables hold them. */
  function counts(n: number): { tp: number[]; fn: number[]; tn: number[]; fp: number[] } {
    const thr = [-1e-7, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), 1 + 1e-7].map(Math.fround);
    const out = { tp: [] as number[], fn: [] as number[], tn: [] as number[], fp: [] as number[] };
    for (const t of thr) {
      let tp = 0, fn = 0, tn = 0, fp = 0;
      preds.forEach((p, i) => {
        const pos = Math.fround(p) > t;
        const w = weights[i]!;
        if (labels[i] && pos) tp += w;
        else if (labels[i]) fn += w;
        else if (!pos) tn += w;
        else fp += w;
      });
      out.tp.push(tp); out.fn.push(fn); out.tn.push(tn); out.fp.push(fp);
    }
    return out;
  }
  for (const [target, n] of [[0.5, 200], [0.8, 11], [0.3, 7]] as const) {
    it(`at ${target}, ${n} thresholds`, async () => {
      const c = counts(n);
      const f = (x: number): number => Math.fround(x);
      const spec = c.tn.map((tn, i) => f(f(tn) / f(f(tn + c.fp[i]!) + 1e-7)));
      const dSpec = spec.map((s) => Math.abs(f(s - target)));
      const i1 = dSpec.indexOf(Math.min(...dSpec));
      const sens = c.tp.map((tp, i) => f(f(tp) / f(f(tp + c.fn[i]!) + 1e-7)));
      const dSens = sens.map((s) => Math.abs(f(s - target)));
      const i2 = dSens.lastIndexOf(Math.min(...dSens));
      for (const kind of ['sensitivity', 'specificity'] as const) {
        const r = await stream(() => {
          const l = tf.placeholder('float32', [10]);
          const p = tf.placeholder('float32', [10]);
          const w = tf.placeholder('float32', [10]);
          const fn = kind === 'sensitivity' ? tf.metrics.sensitivityAtSpecificity : tf.metrics.specificityAtSensitivity;
          const [value, update] = fn(l, p, target, w, n);
          return { feeds: [l, p, w], value, update };
        }, [[labels, preds, weights]]);
        const where = kind === 'sensitivity' ? 'sensitivity_at_specificity' : 'specificity_at_sensitivity';
        expect(r.locals).toEqual(['true_positives', 'false_negatives', 'true_negatives', 'false_positives'].map((v) => `${where}/${v}`));
        const want = kind === 'sensitivity' ? c.tp[i1]! / (c.tp[i1]! + c.fn[i1]! + 1e-7) : c.tn[i2]! / (c.tn[i2]! + c.fp[i2]! + 1e-7);
        near(r.values[0]!, want, 1e-6);
      }
    });
  }
  it('a target outside [0, 1] is TF1\'s ValueError', () => {
    new tf.Graph().asDefault(() => {
      expect(() => tf.metrics.sensitivityAtSpecificity([1], [0.5], 1.5)).toThrow('`specificity` must be in the range [0, 1].');
      expect(() => tf.metrics.specificityAtSensitivity([1], [0.5], -0.1)).toThrow('`sensitivity` must be in the range [0, 1].');
    });
  });
});
