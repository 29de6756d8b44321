/**
 * The multi-class streaming metrics of TF1's metrics_impl: `percentageBelow`, `meanIou` (a
 * float64 `total_confusion_matrix` local variable; its update op returns the matrix, as TF1's),
 * `meanPerClassAccuracy` (per-class `total` and `count`), and `precisionAtK` / `recallAtK` with
 * their `*AtTopK` forms (float64 `true_positive_at_<k>`, `false_positive_at_<k>` /
 * `false_negative_at_<k>` counts, set semantics of the top-k indices against the labels).
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { expandDims, oneHot, onesLike, reshape, size, transpose } from '../ops/array.js';
import { cumsum } from '../ops/scan.js';
import { constant, identity } from '../ops/core.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { divNoNan } from '../ops/div-no-nan.js';
import { unsortedSegmentSum } from '../ops/indexed-slices.js';
import {
  add, cast, divide, equal, greater, less, logicalAnd, logicalNot, matmul, multiply, notEqual, reduceAny, reduceMean, reduceSum,
  subtract, where,
} from '../ops/math.js';
import { topK } from '../ops/top-k.js';
import { assignAdd } from '../ops/variables.js';
import { bindArgs } from '../layers/kwargs.js';
import { broadcastWeights } from '../losses/weights.js';
import { type MetricOptions, addToCollections, graphOf, metricScope, metricVariable } from './common.js';
import { mean } from './mean.js';

const COLLECTIONS = ['metricsCollections', 'updatesCollections', 'name'] as const;

function checkClasses(numClasses: unknown): number {
  if (!Number.isInteger(numClasses) || (numClasses as number) <= 0) throw new ValueError(`num_classes must be a positive integer, got ${String(numClasses)}`);
  return numClasses as number;
}

function flatten(t: Tensor): Tensor {
  return t.shape !== null && t.shape.length === 1 ? t : reshape(t, [-1]);
}

/**
 * `tf.metrics.percentage_below(values, threshold, weights=None, metrics_collections=None,
 * updates_collections=None, name=None)`: the streaming mean of `values < threshold`.
 */
export function percentageBelow(...args: unknown[]): [Tensor, Tensor] {
  const a = bindArgs('percentage_below', ['values', 'threshold', 'weights', ...COLLECTIONS], args, 2);
  if (typeof a.threshold !== 'number' && !(a.threshold instanceof Object)) throw new TypeError(`percentage_below(): threshold must be a number, got ${String(a.threshold)}`);
  const values = toTensor(a.values as TensorLike);
  const isBelow = values.graph.asDefault(() => cast(less(values, cast(a.threshold as TensorLike, values.dtype)), 'float32'));
  return mean(isBelow, a.weights ?? null, a.metricsCollections ?? null, a.updatesCollections ?? null, (a.name as string | null | undefined) ?? 'percentage_below_threshold');
}

/** `_streaming_confusion_matrix`: a float64 [n, n] total, rows labels and columns predictions. */
function streamingConfusionMatrix(labelsIn: Tensor, predictionsIn: Tensor, n: number, weightsIn: Tensor | null): [Tensor, Tensor] {
  const total = metricVariable([n, n], 'float64', 'total_confusion_matrix');
  const labels = flatten(cast(labelsIn, 'int32'));
  const predictions = flatten(cast(predictionsIn, 'int32'));
  let lo = oneHot(labels, n, 1, 0, -1, 'float64');
  if (weightsIn !== null) lo = multiply(lo, expandDims(flatten(cast(weightsIn, 'float64')), 1));
  const current = matmul(transpose(lo), oneHot(predictions, n, 1, 0, -1, 'float64'));
  return [total.value(), assignAdd(total, current)];
}

function checkCompatible(p: Tensor, l: Tensor): void {
  const a = p.shape;
  const b = l.shape;
  if (a && b && (a.length !== b.length || a.some((d, i) => d !== null && b[i] !== null && d !== b[i]))) {
    throw new ValueError(`Shapes (${a.map((d) => d ?? 'None').join(', ')}) and (${b.map((d) => d ?? 'None').join(', ')}) are incompatible`);
  }
}

/**
 * `tf.metrics.mean_iou(labels, predictions, num_classes, weights=None, metrics_collections=None,
 * updates_collections=None, name=None)`: the mean over classes that occur (in labels or
 * predictions) of tp / (tp + fp + fn), from the accumulated confusion matrix. The update op
 * is the matrix's update (TF1's), not the IoU.
 */
export function meanIou(...args: unknown[]): [Tensor, Tensor] {
  const a = bindArgs('mean_iou', ['labels', 'predictions', 'numClasses', 'weights', ...COLLECTIONS], args, 3);
  const o = a as MetricOptions;
  const n = checkClasses(a.numClasses);
  return metricScope(graphOf(a.predictions, a.labels, a.weights), o.name, 'mean_iou', () => {
    const predictions = toTensor(a.predictions as TensorLike);
    const labels = toTensor(a.labels as TensorLike);
    checkCompatible(predictions, labels);
    const weights = a.weights === undefined || a.weights === null ? null : toTensor(a.weights as TensorLike);
    const [totalCm, update] = streamingConfusionMatrix(labels, predictions, n, weights);
    const sumOverRow = cast(reduceSum(totalCm, 0), 'float32');
    const sumOverCol = cast(reduceSum(totalCm, 1), 'float32');
    const eye = Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
    const diag = cast(reduceSum(multiply(totalCm, constant(eye, 'float64', [n, n])), 1), 'float32');
    let denominator = subtract(add(sumOverRow, sumOverCol), diag);
    const numValid = reduceSum(cast(notEqual(denominator, 0), 'float32'));
    denominator = where(greater(denominator, 0), denominator, 1);
    const iou = divide(diag, denominator);
    const value = where(greater(numValid, 0), divide(reduceSum(iou), numValid), 0, 'mean_iou');
    addToCollections(value, o.metricsCollections);
    addToCollections(update, o.updatesCollections);
    return [value, update];
  });
}

/**
 * `tf.metrics.mean_per_class_accuracy(labels, predictions, num_classes, weights=None, …)`: the
 * mean over classes of the (weighted) fraction of each class's labels predicted right; classes
 * never seen count 0. Local variables `total` (per class, the weight of its labels) and
 * `count` (per class, of its correct predictions), as TF1 names them.
 */
export function meanPerClassAccuracy(...args: unknown[]): [Tensor, Tensor] {
  const a = bindArgs('mean_per_class_accuracy', ['labels', 'predictions', 'numClasses', 'weights', ...COLLECTIONS], args, 3);
  const o = a as MetricOptions;
  const n = checkClasses(a.numClasses);
  return metricScope(graphOf(a.predictions, a.labels, a.weights), o.name, 'mean_accuracy', () => {
    const labels = flatten(cast(toTensor(a.labels as TensorLike), 'int32'));
    const predictions = flatten(cast(toTensor(a.predictions as TensorLike), 'int32'));
    const total = metricVariable([n], 'float32', 'total');
    const count = metricVariable([n], 'float32', 'count');
    let ones: Tensor = onesLike(labels, 'float32');
    let isCorrect = cast(equal(predictions, labels), 'float32');
    if (a.weights !== undefined && a.weights !== null) {
      let w = toTensor(a.weights as TensorLike);
      // A scalar weight applies to every label (TF1 tiles it).
      w = w.shape !== null && w.shape.length === 0 ? multiply(ones, cast(w, 'float32')) : flatten(cast(w, 'float32'));
      isCorrect = multiply(isCorrect, w);
      ones = multiply(ones, w);
    }
    const updateTotal = assignAdd(total, unsortedSegmentSum(ones, labels, n));
    const updateCount = assignAdd(count, unsortedSegmentSum(isCorrect, labels, n));
    const value = reduceMean(divNoNan(count.value(), total.value()), null, false, 'mean_accuracy');
    addToCollections(value, o.metricsCollections);
    const update = divNoNan(updateCount, updateTotal, 'update_op');
    addToCollections(update, o.updatesCollections);
    return [value, update];
  });
}

// ----- precision / recall at k ----------------------------------------------------------------------
/** TF1's `_at_k_name`. */
function atKName(name: string, k: number | null, classId: number | null): string {
  let s = k === null ? `${name}_at_k` : `${name}_at_${k}`;
  if (classId !== null) s = `${s}_class${classId}`;
  return s;
}

interface AtK {
  labels: Tensor;
  idx: Tensor;
  k: number;
  classId: number | null;
  weights: Tensor | null;
}

/** Per row: is each top-k index among the labels ([..., k]), is each label among the top k ([..., L]). */
function memberships(x: AtK): { predInLabels: Tensor; labelInPreds: Tensor; labelFirst: Tensor } {
  const eq = equal(expandDims(x.idx, -1), expandDims(x.labels, -2)); // [..., k, L]
  const L = x.labels.shape![x.labels.shape!.length - 1]!;
  // A label repeated in its row is one element of the set: keep its first occurrence.
  const earlier = Array.from({ length: L * L }, (_, c) => Math.floor(c / L) < c % L); // [j, i]: j < i
  const same = equal(expandDims(x.labels, -1), expandDims(x.labels, -2)); // [..., j, i]
  const dup = reduceAny(logicalAnd(same, constant(earlier, 'bool', [L, L])), -2);
  return { predInLabels: reduceAny(eq, -1), labelInPreds: reduceAny(eq, -2), labelFirst: logicalNot(dup) };
}

/** The per-row counts of one kind, float64, weighted. */
function perRow(kind: 'tp' | 'fp' | 'fn', x: AtK): Tensor {
  const { predInLabels, labelInPreds, labelFirst } = memberships(x);
  let cells: Tensor;
  if (kind === 'fn') {
    cells = logicalAnd(labelFirst, logicalNot(labelInPreds));
    if (x.classId !== null) cells = logicalAnd(cells, equal(x.labels, x.classId));
  } else {
    cells = kind === 'tp' ? predInLabels : logicalNot(predInLabels);
    if (x.classId !== null) cells = logicalAnd(cells, equal(x.idx, x.classId));
  }
  let counts = reduceSum(cast(cells, 'float64'), -1);
  if (x.weights !== null) counts = multiply(counts, broadcastWeights(cast(x.weights, 'float64'), counts));
  return counts;
}

function atKArgs(where: string, args: unknown[], predictionsName: 'predictions' | 'predictionsIdx'): { a: Record<string, unknown>; k: number; classId: number | null } {
  const a = bindArgs(where, ['labels', predictionsName, 'k', 'classId', 'weights', ...COLLECTIONS], args, 2);
  const k = a.k;
  if (predictionsName === 'predictions' && (!Number.isInteger(k) || (k as number) < 1)) throw new ValueError(`k must be a positive integer, got ${String(k)}`);
  if (k !== undefined && k !== null && (!Number.isInteger(k) || (k as number) < 1)) throw new ValueError(`k must be a positive integer, got ${String(k)}`);
  const classId = (a.classId ?? null) as number | null;
  if (classId !== null && !Number.isInteger(classId)) throw new ValueError(`class_id must be an integer, got ${String(classId)}`);
  return { a, k: (k ?? null) as number, classId };
}

/** Inside the metric's scope `scope`: the tp and fp/fn counts and their ratio, named `scope` exactly. */
function atTopK(kind: 'precision' | 'recall', a: Record<string, unknown>, idxIn: Tensor, k: number | null, classId: number | null, scope: string): [Tensor, Tensor] {
  const o = a as MetricOptions;
  const idx = cast(idxIn, 'int32');
  let labels = cast(toTensor(a.labels as TensorLike), 'int32');
  const r = idx.shape?.length;
  if (r === undefined || labels.shape === null) throw new ValueError(`${kind}_at_k needs labels and predictions of known rank`);
  // `_maybe_expand_labels`: labels one rank below the predictions are one label per row.
  if (labels.shape.length === r - 1) labels = expandDims(labels, -1);
  const ls = labels.shape!;
  if (ls.length !== r) throw new ValueError(`labels rank ${ls.length} does not fit predictions_idx rank ${r}`);
  if (ls[r - 1] === null) throw new ValueError('The last dimension of labels must be known');
  const x: AtK = { labels, idx, k: k ?? 0, classId, weights: a.weights === undefined || a.weights === null ? null : toTensor(a.weights as TensorLike) };
  const [tp, tpUpdate] = streamingCount('tp', x, k);
  const [other, otherUpdate] = streamingCount(kind === 'precision' ? 'fp' : 'fn', x, k);
  const value = divide(tp, add(tp, other), scope);
  addToCollections(value, o.metricsCollections);
  const update = divide(tpUpdate, add(tpUpdate, otherUpdate), 'update');
  addToCollections(update, o.updatesCollections);
  return [value, update];
}

/** `_streaming_sparse_{true,false}_{positive,negative}_at_k`: a float64 total named `<kind>_at_<k>`. */
function streamingCount(kind: 'tp' | 'fp' | 'fn', x: AtK, k: number | null): [Tensor, Tensor] {
  const base = { tp: 'true_positive', fp: 'false_positive', fn: 'false_negative' }[kind];
  const name = atKName(base, k, x.classId);
  return x.labels.graph.nameScope(name, (s) => {
    const batch = reduceSum(perRow(kind, x));
    const v = metricVariable([], 'float64', s);
    return [identity(v.value()), assignAdd(v, batch, 'update')] as [Tensor, Tensor];
  });
}

function atK(kind: 'precision' | 'recall', where: string, args: unknown[]): [Tensor, Tensor] {
  const { a, k, classId } = atKArgs(where, args, 'predictions');
  const predictions = toTensor(a.predictions as TensorLike);
  return predictions.graph.nameScope((a.name as string | null | undefined) ?? atKName(kind, k, classId), (scope) => {
    const [, idx] = topK(predictions, k);
    return atTopK(kind, a, idx, k, classId, scope);
  });
}

function atTopKPublic(kind: 'precision' | 'recall', where: string, args: unknown[]): [Tensor, Tensor] {
  const { a, k, classId } = atKArgs(where, args, 'predictionsIdx');
  const idx = toTensor(a.predictionsIdx as TensorLike);
  return idx.graph.nameScope((a.name as string | null | undefined) ?? atKName(kind, k, classId), (scope) => atTopK(kind, a, idx, k, classId, scope));
}

/**
 * `tf.metrics.precision_at_k(labels, predictions, k, class_id=None, weights=None, …)` (also
 * `sparsePrecisionAtK`): over rows, how many of the k highest-scoring classes are labels,
 * divided by how many were predicted; with `classId`, only that class counts.
 */
export function precisionAtK(...args: unknown[]): [Tensor, Tensor] {
  return atK('precision', 'precision_at_k', args);
}
/** `tf.metrics.recall_at_k(labels, predictions, k, class_id=None, weights=None, …)` (also `sparseRecallAtK`): labels found in the top k over all labels. */
export function recallAtK(...args: unknown[]): [Tensor, Tensor] {
  return atK('recall', 'recall_at_k', args);
}
/** `tf.metrics.precision_at_top_k(labels, predictions_idx, k=None, class_id=None, weights=None, …)`: precisionAtK on given top-k indices. */
export function precisionAtTopK(...args: unknown[]): [Tensor, Tensor] {
  return atTopKPublic('precision', 'precision_at_top_k', args);
}
/** `tf.metrics.recall_at_top_k(labels, predictions_idx, k=None, class_id=None, weights=None, …)`. */
export function recallAtTopK(...args: unknown[]): [Tensor, Tensor] {
  return atTopKPublic('recall', 'recall_at_top_k', args);
}
export const sparsePrecisionAtK = precisionAtK;
export const sparseRecallAtK = recallAtK;

// ----- average precision at k ------------------------------------------------------------------
/**
 * metrics_impl `_sparse_average_precision_at_top_k`: per row, Σ over ranks i ≤ k of
 * precision@i where rank i is a label, divided by min(labels per row, k); float64 `[...]`.
 */
function averagePrecisionPerRow(labels: Tensor, idx: Tensor, k: number): Tensor {
  const { predInLabels } = memberships({ labels, idx, k, classId: null, weights: null });
  const relevant = cast(predInLabels, 'float64'); // [..., k]
  const tpPerK = cumsum(relevant, -1);
  const retrieved = constant(Float64Array.from({ length: k }, (_, i) => i + 1), 'float64', [k]);
  const precisionSum = reduceSum(multiply(divide(tpPerK, retrieved), relevant), -1);
  const L = labels.shape![labels.shape!.length - 1]!;
  return divide(precisionSum, constant(Math.min(L, k), 'float64'));
}

/** `_streaming_sparse_average_precision_at_top_k`: float64 `max` and `total` locals; value total / max. */
function streamingAveragePrecision(a: Record<string, unknown>, idxIn: Tensor, k: number, scope: string): [Tensor, Tensor] {
  const o = a as MetricOptions;
  const idx = cast(idxIn, 'int32');
  let labels = cast(toTensor(a.labels as TensorLike), 'int32');
  const r = idx.shape?.length;
  if (r === undefined || labels.shape === null) throw new ValueError('average_precision_at_k needs labels and predictions of known rank');
  if (labels.shape.length === r - 1) labels = expandDims(labels, -1);
  if (labels.shape!.length !== r) throw new ValueError(`labels rank ${labels.shape!.length} does not fit predictions_idx rank ${r}`);
  if (labels.shape![r - 1] === null) throw new ValueError('The last dimension of labels must be known');
  let ap = averagePrecisionPerRow(labels, idx, k);
  let w: Tensor | null = null;
  if (a.weights !== undefined && a.weights !== null) {
    w = broadcastWeights(cast(toTensor(a.weights as TensorLike), 'float64'), ap);
    ap = multiply(ap, w);
  }
  const g = ap.graph;
  const [maxV, maxUpdate] = g.nameScope('max', (s) => {
    const v = metricVariable([], 'float64', s);
    const batchMax = w === null ? cast(size(ap), 'float64', 'batch_max') : reduceSum(w, undefined, false, 'batch_max');
    return [v, assignAdd(v, batchMax, 'update')] as const;
  });
  const [totalV, totalUpdate] = g.nameScope('total', (s) => {
    const v = metricVariable([], 'float64', s);
    return [v, assignAdd(v, reduceSum(ap, undefined, false, 'batch_total'), 'update')] as const;
  });
  // _safe_scalar_div: 0 where max is 0
  const value = divNoNan(totalV.value(), maxV.value(), 'mean');
  addToCollections(value, o.metricsCollections);
  const update = divNoNan(totalUpdate, maxUpdate, scope.replace(/\/$/, '').split('/').pop());
  addToCollections(update, o.updatesCollections);
  return [value, update];
}

/**
 * `tf.metrics.average_precision_at_k(labels, predictions, k, weights=None,
 * metrics_collections=None, updates_collections=None, name=None)` (also
 * `sparseAveragePrecisionAtK`): the streaming mean over rows of the average precision of the
 * k highest-scoring classes against each row's labels.
 */
export function averagePrecisionAtK(...args: unknown[]): [Tensor, Tensor] {
  const a = bindArgs('average_precision_at_k', ['labels', 'predictions', 'k', 'weights', ...COLLECTIONS], args, 3);
  const k = a.k as number;
  if (!Number.isInteger(k) || k < 1) throw new ValueError(`Invalid k=${String(k)}.`);
  const predictions = toTensor(a.predictions as TensorLike);
  return predictions.graph.nameScope((a.name as string | null | undefined) ?? atKName('average_precision', k, null), (scope) => {
    const [, idx] = topK(predictions, k);
    return streamingAveragePrecision(a, idx, k, scope);
  });
}
export const sparseAveragePrecisionAtK = averagePrecisionAtK;
