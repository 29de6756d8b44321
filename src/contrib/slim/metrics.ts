/**
 * `tf.contrib.metrics` as TF-Slim re-exports it (`slim.metrics`, TF 1.15
 * contrib/metrics/python/ops/metric_ops.py): the streaming metrics are `tf.metrics` with
 * contrib's argument order (predictions before labels), so their local variables and scopes are
 * core's; `aggregateMetrics` / `aggregateMetricMap` split `[value, update]` pairs.
 */
import type { Operation, Tensor } from '../../graph/tensor.js';
import { kwargs } from '../../args.js';
import { type TensorLike, toTensor } from '../../ops/convert.js';
import { cast } from '../../ops/math.js';
import { inTopK } from '../../ops/top-k.js';
import * as core from '../../metrics/index.js';
import { reordered } from './reorder.js';

const COLS = ['metricsCollections', 'updatesCollections'] as const;
type Metric = [Tensor, Tensor | Operation];

/** `streaming_accuracy(predictions, labels, weights=None, metrics_collections=None, updates_collections=None, name=None)`. */
export const streamingAccuracy = reordered(core.accuracy, 'streaming_accuracy', ['predictions', 'labels', 'weights', ...COLS, 'name'], 2);
/** `streaming_mean(values, weights=None, …)`. */
export const streamingMean = reordered(core.mean, 'streaming_mean', ['values', 'weights', ...COLS, 'name'], 1);
/** `streaming_mean_tensor(values, weights=None, …)`. */
export const streamingMeanTensor = reordered(core.meanTensor, 'streaming_mean_tensor', ['values', 'weights', ...COLS, 'name'], 1);
/** `streaming_precision(predictions, labels, weights=None, …)`. */
export const streamingPrecision = reordered(core.precision, 'streaming_precision', ['predictions', 'labels', 'weights', ...COLS, 'name'], 2);
/** `streaming_recall(predictions, labels, weights=None, …)`. */
export const streamingRecall = reordered(core.recall, 'streaming_recall', ['predictions', 'labels', 'weights', ...COLS, 'name'], 2);
/** `streaming_true_positives(predictions, labels, weights=None, …)`. */
export const streamingTruePositives = reordered(core.truePositives, 'streaming_true_positives', ['predictions', 'labels', 'weights', ...COLS, 'name'], 2);
/** `streaming_false_positives(predictions, labels, weights=None, …)`. */
export const streamingFalsePositives = reordered(core.falsePositives, 'streaming_false_positives', ['predictions', 'labels', 'weights', ...COLS, 'name'], 2);
/** `streaming_true_negatives(predictions, labels, weights=None, …)`. */
export const streamingTrueNegatives = reordered(core.trueNegatives, 'streaming_true_negatives', ['predictions', 'labels', 'weights', ...COLS, 'name'], 2);
/** `streaming_false_negatives(predictions, labels, weights=None, …)`. */
export const streamingFalseNegatives = reordered(core.falseNegatives, 'streaming_false_negatives', ['predictions', 'labels', 'weights', ...COLS, 'name'], 2);
/** `streaming_auc(predictions, labels, weights=None, num_thresholds=200, …, curve='ROC', name=None, summation_method='trapezoidal')`. */
export const streamingAuc = reordered(core.auc, 'streaming_auc', ['predictions', 'labels', 'weights', 'numThresholds', ...COLS, 'curve', 'name', 'summationMethod'], 2);
/** `streaming_mean_absolute_error(predictions, labels, weights=None, …)`. */
export const streamingMeanAbsoluteError = reordered(core.meanAbsoluteError, 'streaming_mean_absolute_error', ['predictions', 'labels', 'weights', ...COLS, 'name'], 2);
/** `streaming_mean_squared_error(predictions, labels, weights=None, …)`. */
export const streamingMeanSquaredError = reordered(core.meanSquaredError, 'streaming_mean_squared_error', ['predictions', 'labels', 'weights', ...COLS, 'name'], 2);
/** `streaming_root_mean_squared_error(predictions, labels, weights=None, …)`. */
export const streamingRootMeanSquaredError = reordered(core.rootMeanSquaredError, 'streaming_root_mean_squared_error', ['predictions', 'labels', 'weights', ...COLS, 'name'], 2);
/** `streaming_mean_relative_error(predictions, labels, normalizer, weights=None, …)`. */
export const streamingMeanRelativeError = reordered(core.meanRelativeError, 'streaming_mean_relative_error', ['predictions', 'labels', 'normalizer', 'weights', ...COLS, 'name'], 3);
/** `streaming_mean_cosine_distance(predictions, labels, dim, weights=None, …)`. */
export const streamingMeanCosineDistance = reordered(core.meanCosineDistance, 'streaming_mean_cosine_distance', ['predictions', 'labels', 'dim', 'weights', ...COLS, 'name'], 3);
/** `streaming_mean_iou(predictions, labels, num_classes, weights=None, …)`. */
export const streamingMeanIou = reordered(core.meanIou, 'streaming_mean_iou', ['predictions', 'labels', 'numClasses', 'weights', ...COLS, 'name'], 3);
/** `streaming_percentage_less(values, threshold, weights=None, …)`: core's percentage_below. */
export const streamingPercentageLess = reordered(core.percentageBelow, 'streaming_percentage_less', ['values', 'threshold', 'weights', ...COLS, 'name'], 2);
/** `streaming_sparse_precision_at_k(predictions, labels, k, class_id=None, weights=None, …)`. */
export const streamingSparsePrecisionAtK = reordered(core.precisionAtK, 'streaming_sparse_precision_at_k', ['predictions', 'labels', 'k', 'classId', 'weights', ...COLS, 'name'], 3);
/** `streaming_sparse_recall_at_k(predictions, labels, k, class_id=None, weights=None, …)`. */
export const streamingSparseRecallAtK = reordered(core.recallAtK, 'streaming_sparse_recall_at_k', ['predictions', 'labels', 'k', 'classId', 'weights', ...COLS, 'name'], 3);

/**
 * `streaming_recall_at_k(predictions, labels, k, weights=None, …)`: the streaming mean of
 * `in_top_k(predictions, labels, k)`, in a scope named `recall_at_<k>`.
 */
export function streamingRecallAtK(...args: unknown[]): [Tensor, Tensor] {
  const o = kwargs(args, ['predictions', 'labels', 'k', 'weights', ...COLS, 'name'], 'streaming_recall_at_k', 3);
  const preds = toTensor(o.predictions as TensorLike);
  const hits = preds.graph.asDefault(() => cast(inTopK(preds, o.labels as TensorLike, o.k as number), 'float32'));
  return core.mean(hits, { weights: o.weights ?? null, metricsCollections: o.metricsCollections ?? null, updatesCollections: o.updatesCollections ?? null, name: (o.name as string | undefined) ?? `recall_at_${o.k as number}` });
}

/** `aggregate_metrics(*value_update_tuples)`: `[values, updates]`. */
export function aggregateMetrics(...valueUpdateTuples: Metric[]): [Tensor[], (Tensor | Operation)[]] {
  if (valueUpdateTuples.length === 0) throw new Error('Expected at least one value_tensor/update_op pair');
  return [valueUpdateTuples.map((m) => m[0]), valueUpdateTuples.map((m) => m[1])];
}

/** `aggregate_metric_map(names_to_tuples)`: `[{name: value}, {name: update}]`. */
export function aggregateMetricMap(namesToTuples: Record<string, Metric>): [Record<string, Tensor>, Record<string, Tensor | Operation>] {
  const names = Object.keys(namesToTuples);
  return [Object.fromEntries(names.map((n) => [n, namesToTuples[n]![0]])), Object.fromEntries(names.map((n) => [n, namesToTuples[n]![1]]))];
}
