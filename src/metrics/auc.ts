/**
 * `tf.metrics.auc`: confusion counts at `numThresholds` thresholds (TF1's: (i+1)/(n-1) for
 * i < n-2, plus -1e-7 and 1+1e-7 at the ends; a prediction counts as positive when it is
 * strictly greater), kept in `true_positives`, `false_negatives`, `true_negatives`,
 * `false_positives` local variables of shape [n], and the area under the ROC or PR curve by a
 * Riemann sum.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { constant } from '../ops/core.js';
import { type TensorLike } from '../ops/convert.js';
import { divNoNan } from '../ops/div-no-nan.js';
import { onesLike, reshape, slice } from '../ops/array.js';
import {
  add, cast, divide, greater, log, logicalAnd, logicalNot, maximum, minimum, multiply, reduceSum, subtract, where,
} from '../ops/math.js';
import { assignAdd } from '../ops/variables.js';
import { bindArgs } from '../layers/kwargs.js';
import { broadcastWeights } from '../losses/weights.js';
import { type MetricOptions, addToCollections, graphOf, metricScope, metricVariable, removeSqueezable } from './common.js';

const KEPSILON = 1e-7;
const EPSILON = 1.0e-6;

export type Counts = { tp: Tensor; fn: Tensor; tn: Tensor; fp: Tensor };

export type CountKind = 'tp' | 'fn' | 'tn' | 'fp';
const ALL_KINDS: readonly CountKind[] = ['tp', 'fn', 'tn', 'fp'];

/**
 * `_confusion_matrix_at_thresholds`: the count variables of `includes` (all four by default,
 * created in TF1's order tp, fn, tn, fp) and their update ops.
 */
export function confusionAtThresholds(
  labelsIn: TensorLike, predictionsIn: TensorLike, thresholds: number[], weightsIn: TensorLike | null | undefined, includes: readonly CountKind[] = ALL_KINDS,
): [Counts, Counts] {
  const [predictions, labels, weights] = removeSqueezable(cast(predictionsIn, 'float32'), cast(labelsIn, 'bool'), weightsIn);
  const n = thresholds.length;
  const pred = reshape(predictions, [1, -1]);
  const thresh = reshape(constant(thresholds, 'float32'), [n, 1]);
  // [n, N]: row t holds predictions > thresholds[t]
  const predIsPos = greater(pred, thresh);
  const predIsNeg = logicalNot(predIsPos);
  const labelIsPos = reshape(labels!, [1, -1]);
  const labelIsNeg = logicalNot(labelIsPos);
  const w = weights === null ? null : reshape(broadcastWeights(cast(weights, 'float32'), predictions), [1, -1]);
  const count = (name: string, a: Tensor, b: Tensor): [Tensor, Tensor] => {
    const v = metricVariable([n], 'float32', name);
    let is = cast(logicalAnd(a, b), 'float32');
    if (w !== null) is = multiply(is, w);
    return [v.value(), assignAdd(v, reduceSum(is, 1))];
  };
  const spec: Record<CountKind, [string, Tensor, Tensor]> = {
    tp: ['true_positives', labelIsPos, predIsPos],
    fn: ['false_negatives', labelIsPos, predIsNeg],
    tn: ['true_negatives', labelIsNeg, predIsNeg],
    fp: ['false_positives', labelIsNeg, predIsPos],
  };
  const values = {} as Counts;
  const updates = {} as Counts;
  for (const k of ALL_KINDS) {
    if (!includes.includes(k)) continue;
    const [name, a, b] = spec[k];
    [values[k], updates[k]] = count(name, a, b);
  }
  return [values, updates];
}

const head = (x: Tensor, n: number): Tensor => slice(x, [0], [n - 1]);
const tail = (x: Tensor, n: number): Tensor => slice(x, [1], [n - 1]);

/** PR-AUC by interpolating precision between thresholds (Davis & Goadrich 2006), as TF1 does. */
function interpolatePrAuc(c: Counts, n: number, name: string): Tensor {
  const dtp = subtract(head(c.tp, n), tail(c.tp, n));
  const p = add(c.tp, c.fp);
  const precSlope = divNoNan(dtp, maximum(subtract(head(p, n), tail(p, n)), 0), 'prec_slope');
  const intercept = subtract(tail(c.tp, n), multiply(precSlope, tail(p, n)));
  const safePRatio = where(
    logicalAnd(greater(head(p, n), 0), greater(tail(p, n), 0)),
    divNoNan(head(p, n), maximum(tail(p, n), 0), 'recall_relative_ratio'),
    onesLike(tail(p, n)),
  );
  return reduceSum(
    divNoNan(multiply(precSlope, add(dtp, multiply(intercept, log(safePRatio)))), maximum(add(tail(c.tp, n), tail(c.fn, n)), 0), 'pr_auc_increment'),
    null, false, name,
  );
}

function computeAuc(c: Counts, n: number, curve: string, method: string, name: string): Tensor {
  if (curve === 'PR' && method === 'careful_interpolation') return interpolatePrAuc(c, n, name);
  const rec = divide(add(c.tp, EPSILON), add(add(c.tp, c.fn), EPSILON));
  let x: Tensor;
  let y: Tensor;
  if (curve === 'ROC') {
    x = divide(c.fp, add(add(c.fp, c.tn), EPSILON));
    y = rec;
  } else {
    x = rec;
    y = divide(add(c.tp, EPSILON), add(add(c.tp, c.fp), EPSILON));
  }
  const dx = subtract(head(x, n), tail(x, n));
  let h: Tensor;
  if (method === 'trapezoidal' || method === 'careful_interpolation') h = divide(add(head(y, n), tail(y, n)), 2);
  else if (method === 'minoring') h = minimum(head(y, n), tail(y, n));
  else if (method === 'majoring') h = maximum(head(y, n), tail(y, n));
  else throw new ValueError(`Invalid summation_method: ${method}`);
  return reduceSum(multiply(dx, h), null, false, name);
}

/**
 * `tf.metrics.auc(labels, predictions, weights=None, num_thresholds=200,
 * metrics_collections=None, updates_collections=None, curve='ROC', name=None,
 * summation_method='trapezoidal', thresholds=None)`.
 */
export function auc(...args: unknown[]): [Tensor, Tensor] {
  const a = bindArgs('auc', [
    'labels', 'predictions', 'weights', 'numThresholds', 'metricsCollections', 'updatesCollections', 'curve', 'name',
    'summationMethod', 'thresholds',
  ], args, 2);
  const o = a as MetricOptions;
  return metricScope(graphOf(a.predictions, a.labels, a.weights), o.name, 'auc', () => {
    const curve = (a.curve as string | undefined) ?? 'ROC';
    if (curve !== 'ROC' && curve !== 'PR') throw new ValueError(`curve must be either ROC or PR, ${curve} unknown`);
    const method = (a.summationMethod as string | undefined) ?? 'trapezoidal';
    let inner: number[];
    if (a.thresholds !== undefined && a.thresholds !== null) {
      inner = [...(a.thresholds as number[])].sort((p, q) => p - q);
    } else {
      const n = (a.numThresholds as number | undefined) ?? 200;
      inner = Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1));
    }
    const thresholds = [0.0 - KEPSILON, ...inner, 1.0 + KEPSILON];
    const n = thresholds.length;
    const [values, updates] = confusionAtThresholds(a.labels as TensorLike, a.predictions as TensorLike, thresholds, a.weights as TensorLike | undefined);
    const value = computeAuc(values, n, curve, method, 'value');
    addToCollections(value, o.metricsCollections);
    const update = computeAuc(updates, n, curve, method, 'update_op');
    addToCollections(update, o.updatesCollections);
    return [value, update];
  });
}
