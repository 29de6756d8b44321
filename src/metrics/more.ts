/**
 * More of TF1's streaming metrics: `meanTensor` (element-wise `total_tensor` / `count_tensor`),
 * `meanRelativeError`, `meanCosineDistance`, and the per-threshold counts and ratios
 * (`truePositivesAtThresholds` …, `precisionAtThresholds`, `recallAtThresholds`, which divide
 * with TF1's 1e-7 epsilon).
 */
import { ValueError } from '../errors.js';
import { controlDependencies } from '../graph/context.js';
import type { Tensor } from '../graph/tensor.js';
import { gather, onesLike, zerosLike } from '../ops/array.js';
import { cumsum } from '../ops/scan.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { divNoNan } from '../ops/div-no-nan.js';
import { abs, add, argmax, argmin, cast, divide, equal, maximum, multiply, reduceMin, reduceSum, subtract, where } from '../ops/math.js';
import { assignAdd } from '../ops/variables.js';
import { bindArgs } from '../layers/kwargs.js';
import { broadcastWeights } from '../losses/weights.js';
import { type CountKind, confusionAtThresholds } from './auc.js';
import { type MetricOptions, addToCollections, graphOf, metricScope, metricVariable, removeSqueezable } from './common.js';
import { mean } from './mean.js';

const COLLECTIONS = ['metricsCollections', 'updatesCollections', 'name'] as const;

/**
 * `tf.metrics.mean_tensor(values, weights=None, metrics_collections=None,
 * updates_collections=None, name=None)`: the element-wise streaming mean of a tensor of static
 * shape.
 */
export function meanTensor(...args: unknown[]): [Tensor, Tensor] {
  const a = bindArgs('mean_tensor', ['values', 'weights', ...COLLECTIONS], args, 1);
  const o = a as MetricOptions;
  return metricScope(graphOf(a.values, a.weights), o.name, 'mean', () => {
    let values = cast(toTensor(a.values as TensorLike), 'float32');
    const s = values.shape;
    if (s === null || s.some((d) => d === null)) throw new ValueError(`mean_tensor needs values of a fully defined shape, got ${s === null ? 'an unknown shape' : `(${s.map((d) => d ?? 'None').join(', ')})`}`);
    const total = metricVariable(s as number[], 'float32', 'total_tensor');
    const count = metricVariable(s as number[], 'float32', 'count_tensor');
    let numValues = onesLike(values);
    if (a.weights !== undefined && a.weights !== null) {
      const [v, , w] = removeSqueezable(values, null, a.weights as TensorLike);
      values = v;
      const weights = broadcastWeights(cast(w!, 'float32'), values);
      values = multiply(values, weights);
      numValues = multiply(numValues, weights);
    }
    const updateTotal = assignAdd(total, values);
    const updateCount = controlDependencies([values], () => assignAdd(count, numValues));
    const value = divNoNan(total.value(), maximum(count.value(), 0), 'value');
    addToCollections(value, o.metricsCollections);
    const update = divNoNan(updateTotal, maximum(updateCount, 0), 'update_op');
    addToCollections(update, o.updatesCollections);
    return [value, update];
  });
}

/**
 * `tf.metrics.mean_relative_error(labels, predictions, normalizer, weights=None, …)`: the
 * streaming mean of `|labels - predictions| / normalizer` (0 where the normalizer is 0).
 */
export function meanRelativeError(...args: unknown[]): [Tensor, Tensor] {
  const a = bindArgs('mean_relative_error', ['labels', 'predictions', 'normalizer', 'weights', ...COLLECTIONS], args, 3);
  const g = graphOf(a.predictions, a.labels, a.normalizer);
  const rel = g.asDefault(() => {
    const [p, l] = removeSqueezable(cast(a.predictions as TensorLike, 'float32'), cast(a.labels as TensorLike, 'float32'), null);
    const norm = cast(toTensor(a.normalizer as TensorLike), 'float32');
    return where(equal(norm, 0), zerosLike(l!), divide(abs(subtract(l!, p)), norm));
  });
  return mean(rel, a.weights ?? null, a.metricsCollections ?? null, a.updatesCollections ?? null, (a.name as string | null | undefined) ?? 'mean_relative_error');
}

/**
 * `tf.metrics.mean_cosine_distance(labels, predictions, dim, weights=None, …)`: 1 − the
 * streaming mean of Σ_dim labels·predictions (inputs are expected to be unit vectors).
 */
export function meanCosineDistance(...args: unknown[]): [Tensor, Tensor] {
  const a = bindArgs('mean_cosine_distance', ['labels', 'predictions', 'dim', 'weights', ...COLLECTIONS], args, 3);
  const o = a as MetricOptions;
  if (!Number.isInteger(a.dim)) throw new TypeError(`mean_cosine_distance(): dim must be an integer, got ${String(a.dim)}`);
  const g = graphOf(a.predictions, a.labels);
  const radial = g.asDefault(() => {
    const [p, l] = removeSqueezable(cast(a.predictions as TensorLike, 'float32'), cast(a.labels as TensorLike, 'float32'), null);
    return reduceSum(multiply(p, l!), [a.dim as number], true);
  });
  const [m, u] = mean(radial, a.weights ?? null, null, null, (a.name as string | null | undefined) ?? 'mean_cosine_distance');
  const value = g.asDefault(() => subtract(1, m));
  const update = g.asDefault(() => subtract(1, u));
  addToCollections(value, o.metricsCollections);
  addToCollections(update, o.updatesCollections);
  return [value, update];
}

// ----- at thresholds ------------------------------------------------------------------------------
function thresholdsOf(t: unknown, where: string): number[] {
  if (!Array.isArray(t) || t.some((v) => typeof v !== 'number')) throw new TypeError(`${where}(): thresholds must be a list of numbers, got ${String(t)}`);
  return t as number[];
}

function countAt(kind: CountKind, where: string, defaultName: string) {
  return (...args: unknown[]): [Tensor, Tensor] => {
    const a = bindArgs(where, ['labels', 'predictions', 'thresholds', 'weights', ...COLLECTIONS], args, 3);
    const o = a as MetricOptions;
    const th = thresholdsOf(a.thresholds, where);
    return metricScope(graphOf(a.predictions, a.labels, a.weights), o.name, defaultName, () => {
      const [v, u] = confusionAtThresholds(a.labels as TensorLike, a.predictions as TensorLike, th, a.weights as TensorLike | null | undefined, [kind]);
      addToCollections(v[kind], o.metricsCollections);
      addToCollections(u[kind], o.updatesCollections);
      return [v[kind], u[kind]];
    });
  };
}

/** `tf.metrics.true_positives_at_thresholds(labels, predictions, thresholds, weights=None, …)`: counts of `labels ∧ predictions > t` per threshold. */
export const truePositivesAtThresholds = countAt('tp', 'true_positives_at_thresholds', 'true_positives');
/** `tf.metrics.false_positives_at_thresholds(...)`. */
export const falsePositivesAtThresholds = countAt('fp', 'false_positives_at_thresholds', 'false_positives');
/** `tf.metrics.true_negatives_at_thresholds(...)`. */
export const trueNegativesAtThresholds = countAt('tn', 'true_negatives_at_thresholds', 'true_negatives');
/** `tf.metrics.false_negatives_at_thresholds(...)`. */
export const falseNegativesAtThresholds = countAt('fn', 'false_negatives_at_thresholds', 'false_negatives');

const EPSILON = 1e-7;

function ratioAt(kind: 'precision' | 'recall', args: unknown[]): [Tensor, Tensor] {
  const where = `${kind}_at_thresholds`;
  const a = bindArgs(where, ['labels', 'predictions', 'thresholds', 'weights', ...COLLECTIONS], args, 3);
  const o = a as MetricOptions;
  const th = thresholdsOf(a.thresholds, where);
  const other: CountKind = kind === 'precision' ? 'fp' : 'fn';
  return metricScope(graphOf(a.predictions, a.labels, a.weights), o.name, where, () => {
    const [v, u] = confusionAtThresholds(a.labels as TensorLike, a.predictions as TensorLike, th, a.weights as TensorLike | null | undefined, ['tp', other]);
    const ratio = (tp: Tensor, x: Tensor, name: string): Tensor => divide(tp, add(add(EPSILON, tp), x), name);
    const value = ratio(v.tp, v[other], kind);
    addToCollections(value, o.metricsCollections);
    const update = ratio(u.tp, u[other], 'update_op');
    addToCollections(update, o.updatesCollections);
    return [value, update];
  });
}

/** `tf.metrics.precision_at_thresholds(labels, predictions, thresholds, weights=None, …)`: tp / (1e-7 + tp + fp) per threshold. */
export function precisionAtThresholds(...args: unknown[]): [Tensor, Tensor] {
  return ratioAt('precision', args);
}
/** `tf.metrics.recall_at_thresholds(labels, predictions, thresholds, weights=None, …)`: tp / (1e-7 + tp + fn) per threshold. */
export function recallAtThresholds(...args: unknown[]): [Tensor, Tensor] {
  return ratioAt('recall', args);
}

// ----- sensitivity / specificity ------------------------------------------------------------------
const KEPSILON = 1e-7;

function atTarget(kind: 'sensitivity' | 'specificity', args: unknown[]): [Tensor, Tensor] {
  const where = kind === 'sensitivity' ? 'sensitivity_at_specificity' : 'specificity_at_sensitivity';
  const target = kind === 'sensitivity' ? 'specificity' : 'sensitivity';
  const a = bindArgs(where, ['labels', 'predictions', target, 'weights', 'numThresholds', ...COLLECTIONS], args, 3);
  const o = a as MetricOptions;
  const t = a[target];
  if (typeof t !== 'number' || t < 0 || t > 1) throw new ValueError(`\`${target}\` must be in the range [0, 1].`);
  const n = (a.numThresholds ?? 200) as number;
  if (!Number.isInteger(n) || n < 2) throw new ValueError(`num_thresholds must be an integer >= 2, got ${String(a.numThresholds)}`);
  const thresholds = [0 - KEPSILON, ...Array.from({ length: n - 2 }, (_, i) => ((i + 1) * 1.0) / (n - 1)), 1 + KEPSILON];
  return metricScope(graphOf(a.predictions, a.labels, a.weights), o.name, where, () => {
    const [v, u] = confusionAtThresholds(a.labels as TensorLike, a.predictions as TensorLike, thresholds, a.weights as TensorLike | null | undefined);
    const compute = (c: typeof v, name: string): Tensor => {
      if (kind === 'sensitivity') {
        const specificities = divide(c.tn, add(add(c.tn, c.fp), KEPSILON));
        const idx = argmin(abs(subtract(specificities, t)), 0, { outputType: 'int32' });
        const tp = gather(c.tp, idx);
        return divide(tp, add(add(tp, gather(c.fn, idx)), KEPSILON), name);
      }
      const sensitivities = divide(c.tp, add(add(c.tp, c.fn), KEPSILON));
      const dist = abs(subtract(sensitivities, t));
      // The last threshold at the smallest distance (argmax of the running count of ties).
      const atMin = cumsum(cast(equal(dist, reduceMin(dist)), 'int32'));
      const idx = argmax(atMin, 0, { outputType: 'int32' });
      const tn = gather(c.tn, idx);
      return divide(tn, add(add(tn, gather(c.fp, idx)), KEPSILON), name);
    };
    const value = compute(v, 'value');
    addToCollections(value, o.metricsCollections);
    const update = compute(u, 'update_op');
    addToCollections(update, o.updatesCollections);
    return [value, update];
  });
}

/**
 * `tf.metrics.sensitivity_at_specificity(labels, predictions, specificity, weights=None,
 * num_thresholds=200, …)`: tp / (tp + fn + 1e-7) at the threshold whose specificity is nearest
 * the given one (the first such).
 */
export function sensitivityAtSpecificity(...args: unknown[]): [Tensor, Tensor] {
  return atTarget('sensitivity', args);
}
/**
 * `tf.metrics.specificity_at_sensitivity(labels, predictions, sensitivity, weights=None,
 * num_thresholds=200, …)`: tn / (tn + fp + 1e-7) at the threshold whose sensitivity is nearest
 * the given one (the last such).
 */
export function specificityAtSensitivity(...args: unknown[]): [Tensor, Tensor] {
  return atTarget('specificity', args);
}
