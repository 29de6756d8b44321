/**
 * Confusion counts and the metrics built on them: true/false positives/negatives each keep a
 * `count` local variable in a scope of their own (`precision/true_positives/count`);
 * precision = tp / (tp + fp) and recall = tp / (tp + fn), 0 while the denominator is 0.
 */
import type { Tensor } from '../graph/tensor.js';
import { type TensorLike } from '../ops/convert.js';
import { identity } from '../ops/core.js';
import { add, cast, divide, equal, greater, logicalAnd, multiply, reduceSum, where } from '../ops/math.js';
import { assignAdd } from '../ops/variables.js';
import { bindArgs } from '../layers/kwargs.js';
import { type MetricOptions, addToCollections, graphOf, metricScope, metricVariable, removeSqueezable } from './common.js';

const NAMES = ['labels', 'predictions', 'weights', 'metricsCollections', 'updatesCollections', 'name'] as const;

type Kind = 'true_positives' | 'false_positives' | 'false_negatives' | 'true_negatives';
const WANT: Record<Kind, [boolean, boolean]> = {
  true_positives: [true, true],
  false_positives: [false, true],
  false_negatives: [true, false],
  true_negatives: [false, false],
};

/** `_count_condition`: a `count` variable summing the (weighted) true cells of `values`. */
function countCondition(values: Tensor, weights: Tensor | null, o: MetricOptions): [Tensor, Tensor] {
  const count = metricVariable([], 'float32', 'count');
  let v = cast(values, 'float32');
  if (weights !== null) v = multiply(v, cast(weights, 'float32'));
  const value = identity(count);
  addToCollections(value, o.metricsCollections);
  const update = assignAdd(count, reduceSum(v));
  addToCollections(update, o.updatesCollections);
  return [value, update];
}

function confusionCount(kind: Kind, labelsIn: TensorLike, predictionsIn: TensorLike, weightsIn: TensorLike | null | undefined, o: MetricOptions): [Tensor, Tensor] {
  return metricScope(graphOf(predictionsIn, labelsIn, weightsIn), o.name, kind, () => {
    const [p, l, w] = removeSqueezable(cast(predictionsIn, 'bool'), cast(labelsIn, 'bool'), weightsIn);
    const [lw, pw] = WANT[kind];
    const is = logicalAnd(equal(l!, lw), equal(p, pw));
    return countCondition(is, w, o);
  });
}

function counter(kind: Kind, where: string) {
  return (...args: unknown[]): [Tensor, Tensor] => {
    const a = bindArgs(where, NAMES, args, 2);
    return confusionCount(kind, a.labels as TensorLike, a.predictions as TensorLike, a.weights as TensorLike | undefined, a as MetricOptions);
  };
}

/** `tf.metrics.true_positives(labels, predictions, weights=None, …)`. */
export const truePositives = counter('true_positives', 'true_positives');
/** `tf.metrics.false_positives(labels, predictions, weights=None, …)`. */
export const falsePositives = counter('false_positives', 'false_positives');
/** `tf.metrics.false_negatives(labels, predictions, weights=None, …)`. */
export const falseNegatives = counter('false_negatives', 'false_negatives');
/** `tf.metrics.true_negatives(labels, predictions, weights=None, …)`. */
export const trueNegatives = counter('true_negatives', 'true_negatives');

/** tp / (tp + other), 0 where the sum is 0 (TF1's `where(tp + x > 0, tp / (tp + x), 0)`). */
function ratio(tp: Tensor, other: Tensor, name: string): Tensor {
  const denom = add(tp, other);
  return where(greater(denom, 0), divide(tp, denom), 0, name);
}

function ratioMetric(where: string, otherKind: Kind, args: unknown[]): [Tensor, Tensor] {
  const a = bindArgs(where, NAMES, args, 2);
  const o = a as MetricOptions;
  return metricScope(graphOf(a.predictions, a.labels, a.weights), o.name, where, () => {
    const [p, l, w] = removeSqueezable(cast(a.predictions as TensorLike, 'bool'), cast(a.labels as TensorLike, 'bool'), a.weights as TensorLike | undefined);
    const [tp, tpUpdate] = confusionCount('true_positives', l!, p, w, {});
    const [other, otherUpdate] = confusionCount(otherKind, l!, p, w, {});
    const value = ratio(tp, other, 'value');
    addToCollections(value, o.metricsCollections);
    const update = ratio(tpUpdate, otherUpdate, 'update_op');
    addToCollections(update, o.updatesCollections);
    return [value, update];
  });
}

/** `tf.metrics.precision(labels, predictions, weights=None, …)`: tp / (tp + fp). */
export function precision(...args: unknown[]): [Tensor, Tensor] {
  return ratioMetric('precision', 'false_positives', args);
}

/** `tf.metrics.recall(labels, predictions, weights=None, …)`: tp / (tp + fn). */
export function recall(...args: unknown[]): [Tensor, Tensor] {
  return ratioMetric('recall', 'false_negatives', args);
}
