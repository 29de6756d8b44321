/**
 * `tf.contrib.metrics` (contrib/metrics/python/ops/metric_ops.py): the `streaming_*` metrics,
 * which take `(predictions, labels, …)` where tf.metrics takes `(labels, predictions, …)` and
 * otherwise are tf.metrics' functions; `streamingCovariance` and `streamingPearsonCorrelation`
 * (contrib's own, the pairwise comoment update); aggregateMetrics / aggregateMetricMap;
 * confusionMatrix.
 */
import { ValueError } from '../errors.js';
import { controlDependencies } from '../graph/context.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { size } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { divNoNan } from '../ops/div-no-nan.js';
import { add, cast, divide, lessEqual, multiply, reduceSum, sqrt, subtract, where } from '../ops/math.js';
import { assignAdd } from '../ops/variables.js';
import { bindArgs } from '../layers/kwargs.js';
import { broadcastWeights } from '../losses/weights.js';
import * as m from '../metrics/index.js';
import { type MetricOptions, addToCollections, graphOf, metricScope, metricVariable, removeSqueezable } from '../metrics/common.js';
import { assertCompatible } from '../losses/weights.js';

export { confusionMatrix } from '../ops/histogram.js';

type Metric = (...args: unknown[]) => [Tensor, Tensor];
const COLLECTIONS = ['metricsCollections', 'updatesCollections', 'name'] as const;

/** A contrib metric: its own argument names (in its order) bound, then tf.metrics' `core` called by keyword. */
function streaming(where: string, names: readonly string[], required: number, core: Metric): Metric {
  return (...args: unknown[]) => {
    const a = bindArgs(where, names, args, required);
    const kw = Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined));
    return core(kw);
  };
}
const PL = ['predictions', 'labels', 'weights', ...COLLECTIONS] as const;

/** `streaming_accuracy(predictions, labels, weights=None, metrics_collections=None, updates_collections=None, name=None)`. */
export const streamingAccuracy = streaming('streaming_accuracy', PL, 2, m.accuracy);
/** `streaming_mean(values, weights=None, …)`. */
export const streamingMean = streaming('streaming_mean', ['values', 'weights', ...COLLECTIONS], 1, m.mean);
/** `streaming_mean_tensor(values, weights=None, …)`. */
export const streamingMeanTensor = streaming('streaming_mean_tensor', ['values', 'weights', ...COLLECTIONS], 1, m.meanTensor);
/** `streaming_precision(predictions, labels, weights=None, …)`. */
export const streamingPrecision = streaming('streaming_precision', PL, 2, m.precision);
/** `streaming_recall(predictions, labels, weights=None, …)`. */
export const streamingRecall = streaming('streaming_recall', PL, 2, m.recall);
/** `streaming_true_positives(predictions, labels, weights=None, …)`. */
export const streamingTruePositives = streaming('streaming_true_positives', PL, 2, m.truePositives);
/** `streaming_true_negatives(predictions, labels, weights=None, …)`. */
export const streamingTrueNegatives = streaming('streaming_true_negatives', PL, 2, m.trueNegatives);
/** `streaming_false_positives(predictions, labels, weights=None, …)`. */
export const streamingFalsePositives = streaming('streaming_false_positives', PL, 2, m.falsePositives);
/** `streaming_false_negatives(predictions, labels, weights=None, …)`. */
export const streamingFalseNegatives = streaming('streaming_false_negatives', PL, 2, m.falseNegatives);
/**
 * `streaming_auc(predictions, labels, weights=None, num_thresholds=200, metrics_collections=None,
 * updates_collections=None, curve='ROC', name=None, summation_method='trapezoidal')`.
 */
export const streamingAuc = streaming('streaming_auc', [
  'predictions', 'labels', 'weights', 'numThresholds', 'metricsCollections', 'updatesCollections', 'curve', 'name', 'summationMethod',
], 2, m.auc);
/** `streaming_mean_iou(predictions, labels, num_classes, weights=None, …)`. */
export const streamingMeanIou = streaming('streaming_mean_iou', ['predictions', 'labels', 'numClasses', 'weights', ...COLLECTIONS], 3, m.meanIou);
/** `streaming_mean_squared_error(predictions, labels, weights=None, …)`. */
export const streamingMeanSquaredError = streaming('streaming_mean_squared_error', PL, 2, m.meanSquaredError);
/** `streaming_mean_absolute_error(predictions, labels, weights=None, …)`. */
export const streamingMeanAbsoluteError = streaming('streaming_mean_absolute_error', PL, 2, m.meanAbsoluteError);
/** `streaming_root_mean_squared_error(predictions, labels, weights=None, …)`. */
export const streamingRootMeanSquaredError = streaming('streaming_root_mean_squared_error', PL, 2, m.rootMeanSquaredError);
/** `streaming_mean_relative_error(predictions, labels, normalizer, weights=None, …)`. */
export const streamingMeanRelativeError = streaming('streaming_mean_relative_error', ['predictions', 'labels', 'normalizer', 'weights', ...COLLECTIONS], 3, m.meanRelativeError);
/** `streaming_precision_at_thresholds(predictions, labels, thresholds, weights=None, …)`. */
export const streamingPrecisionAtThresholds = streaming('streaming_precision_at_thresholds', ['predictions', 'labels', 'thresholds', 'weights', ...COLLECTIONS], 3, m.precisionAtThresholds);
/** `streaming_recall_at_thresholds(predictions, labels, thresholds, weights=None, …)`. */
export const streamingRecallAtThresholds = streaming('streaming_recall_at_thresholds', ['predictions', 'labels', 'thresholds', 'weights', ...COLLECTIONS], 3, m.recallAtThresholds);
/** `streaming_sensitivity_at_specificity(predictions, labels, specificity, weights=None, num_thresholds=200, …)`. */
export const streamingSensitivityAtSpecificity = streaming('streaming_sensitivity_at_specificity', [
  'predictions', 'labels', 'specificity', 'weights', 'numThresholds', ...COLLECTIONS,
], 3, m.sensitivityAtSpecificity);
/** `streaming_specificity_at_sensitivity(predictions, labels, sensitivity, weights=None, num_thresholds=200, …)`. */
export const streamingSpecificityAtSensitivity = streaming('streaming_specificity_at_sensitivity', [
  'predictions', 'labels', 'sensitivity', 'weights', 'numThresholds', ...COLLECTIONS,
], 3, m.specificityAtSensitivity);

/** The covariance's update (Chan et al.'s pairwise comoment merge) on `[predictions, labels]` already squeezed. */
function covarianceImpl(a: Record<string, unknown>, name: string | null | undefined): [Tensor, Tensor] {
  return metricScope(graphOf(a.predictions, a.labels, a.weights), name, 'covariance', () => {
    const [predictions, labels, w] = pairsOf(a);
    let weights = w;
    const count = metricVariable([], 'float32', 'count');
    const meanPrediction = metricVariable([], 'float32', 'mean_prediction');
    const meanLabel = metricVariable([], 'float32', 'mean_label');
    const comoment = metricVariable([], 'float32', 'comoment');
    let batchCount: Tensor, wPredictions = predictions, wLabels = labels;
    if (weights === null) {
      batchCount = cast(size(labels), 'float32');
    } else {
      weights = broadcastWeights(weights, labels);
      batchCount = reduceSum(weights);
      wPredictions = multiply(predictions, weights);
      wLabels = multiply(labels, weights);
    }
    const updateCount = assignAdd(count, batchCount);
    const prevCount = subtract(updateCount, batchCount);
    const batchMeanPrediction = divNoNan(reduceSum(wPredictions), batchCount);
    const deltaMeanPrediction = divNoNan(multiply(subtract(batchMeanPrediction, meanPrediction), batchCount), updateCount);
    const updateMeanPrediction = assignAdd(meanPrediction, deltaMeanPrediction);
    const prevMeanPrediction = subtract(updateMeanPrediction, deltaMeanPrediction);
    const batchMeanLabel = divNoNan(reduceSum(wLabels), batchCount);
    const deltaMeanLabel = divNoNan(multiply(subtract(batchMeanLabel, meanLabel), batchCount), updateCount);
    const updateMeanLabel = assignAdd(meanLabel, deltaMeanLabel);
    const prevMeanLabel = subtract(updateMeanLabel, deltaMeanLabel);
    const coresiduals = multiply(subtract(predictions, batchMeanPrediction), subtract(labels, batchMeanLabel));
    const batchComoment = reduceSum(weights === null ? coresiduals : multiply(coresiduals, weights));
    const deltaComoment = add(batchComoment, multiply(multiply(subtract(prevMeanPrediction, batchMeanPrediction), subtract(prevMeanLabel, batchMeanLabel)), divide(multiply(prevCount, batchCount), updateCount)));
    const updateComoment = assignAdd(comoment, deltaComoment);
    // the unbiased sample covariance comoment / (count - 1), NaN until two values were seen
    const cov = (n: Tensor, c: Tensor, name: string): Tensor => where(lessEqual(n, 1), NaN, divide(c, subtract(n, 1)), name);
    const value = cov(count.value(), comoment.value(), 'covariance');
    // fresh reads, after the updates
    const update = controlDependencies([updateComoment], () => cov(count.readValue(), comoment.readValue(), 'update_op'));
    return [value, update];
  });
}

function pairsOf(a: Record<string, unknown>): [Tensor, Tensor, Tensor | null] {
  const [p, l, w] = removeSqueezable(cast(toTensor(a.predictions as TensorLike), 'float32'), cast(toTensor(a.labels as TensorLike), 'float32'), a.weights as TensorLike | null | undefined);
  assertCompatible(p.shape, l!.shape);
  return [p, l!, w === null ? null : cast(w, 'float32')];
}

/**
 * `streaming_covariance(predictions, labels, weights=None, metrics_collections=None,
 * updates_collections=None, name=None)`: the unbiased sample covariance over all batches
 * (weights as frequency weights); local variables `count`, `mean_prediction`, `mean_label`,
 * `comoment` in scope 'covariance'.
 */
export function streamingCovariance(...args: unknown[]): [Tensor, Tensor] {
  const a = bindArgs('streaming_covariance', PL, args, 2);
  const o = a as MetricOptions;
  const [value, update] = covarianceImpl(a, o.name);
  addToCollections(value, o.metricsCollections);
  addToCollections(update, o.updatesCollections);
  return [value, update];
}

/**
 * `streaming_pearson_correlation(predictions, labels, weights=None, …)`:
 * `cov(p, l) / (sqrt(var(p)) * sqrt(var(l)))` from three streaming covariances ('covariance',
 * 'variance_predictions', 'variance_labels') in scope 'pearson_r'.
 */
export function streamingPearsonCorrelation(...args: unknown[]): [Tensor, Tensor] {
  const a = bindArgs('streaming_pearson_correlation', PL, args, 2);
  const o = a as MetricOptions;
  const [value, update] = metricScope(graphOf(a.predictions, a.labels, a.weights), o.name, 'pearson_r', () => {
    const [p, l, w] = pairsOf(a);
    const weights = w === null ? null : broadcastWeights(w, l);
    const [cov, updateCov] = covarianceImpl({ predictions: p, labels: l, weights }, 'covariance');
    const [varP, updateVarP] = covarianceImpl({ predictions: p, labels: p, weights }, 'variance_predictions');
    const [varL, updateVarL] = covarianceImpl({ predictions: l, labels: l, weights }, 'variance_labels');
    return [
      divide(cov, multiply(sqrt(varP), sqrt(varL)), 'pearson_r'),
      divide(updateCov, multiply(sqrt(updateVarP), sqrt(updateVarL)), 'update_op'),
    ];
  });
  addToCollections(value, o.metricsCollections);
  addToCollections(update, o.updatesCollections);
  return [value, update];
}

type Pair = readonly [Tensor, Tensor | Operation];

/** `aggregate_metrics(*value_update_tuples)`: `[values, updateOps]` of `[value, updateOp]` pairs. */
export function aggregateMetrics(...valueUpdateTuples: Pair[]): [Tensor[], (Tensor | Operation)[]] {
  if (valueUpdateTuples.length === 0) throw new ValueError('Expected at least one value_tensor/update_op pair');
  for (const t of valueUpdateTuples) {
    if (!Array.isArray(t) || t.length !== 2) throw new TypeError(`aggregate_metrics(): each argument must be a (value_tensor, update_op) pair, got ${String(t)}`);
  }
  return [valueUpdateTuples.map((t) => t[0]), valueUpdateTuples.map((t) => t[1])];
}

/** `aggregate_metric_map(names_to_tuples)`: `[{name: value}, {name: updateOp}]`. */
export function aggregateMetricMap(namesToTuples: Record<string, Pair>): [Record<string, Tensor>, Record<string, Tensor | Operation>] {
  if (typeof namesToTuples !== 'object' || namesToTuples === null || Array.isArray(namesToTuples)) {
    throw new TypeError(`aggregate_metric_map(): names_to_tuples must be a map of names to (value_tensor, update_op) pairs, got ${String(namesToTuples)}`);
  }
  const names = Object.keys(namesToTuples);
  const [values, updates] = aggregateMetrics(...names.map((n) => namesToTuples[n]!));
  return [Object.fromEntries(names.map((n, i) => [n, values[i]!])), Object.fromEntries(names.map((n, i) => [n, updates[i]!]))];
}
