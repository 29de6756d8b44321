/**
 * The streaming means: `mean` keeps `total` and `count` local variables; accuracy, mean
 * squared/absolute error and RMSE are means of per-element values. Each returns
 * `[value, updateOp]`: `<scope>/value` reads the variables, `<scope>/update_op` adds the batch
 * and gives the new mean.
 */
import type { Tensor } from '../graph/tensor.js';
import { size } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { controlDependencies } from '../graph/context.js';
import { divNoNan } from '../ops/div-no-nan.js';
import { abs, cast, equal, maximum, multiply, reduceSum, sqrt, squaredDifference, subtract } from '../ops/math.js';
import { assignAdd } from '../ops/variables.js';
import { bindArgs } from '../layers/kwargs.js';
import { broadcastWeights } from '../losses/weights.js';
import { type MetricOptions, addToCollections, graphOf, metricScope, metricVariable, removeSqueezable } from './common.js';

const COLLECTIONS = ['metricsCollections', 'updatesCollections', 'name'] as const;

function opts(a: Record<string, unknown>): MetricOptions {
  return a as MetricOptions;
}

function meanImpl(valuesIn: TensorLike, weightsIn: TensorLike | null | undefined, o: MetricOptions, defaultName: string): [Tensor, Tensor] {
  const g = graphOf(valuesIn, weightsIn);
  return metricScope(g, o.name, defaultName, () => {
    let values = cast(toTensor(valuesIn), 'float32');
    const total = metricVariable([], 'float32', 'total');
    const count = metricVariable([], 'float32', 'count');
    let numValues: Tensor;
    if (weightsIn === null || weightsIn === undefined) {
      numValues = cast(size(values), 'float32');
    } else {
      const [v, , w] = removeSqueezable(values, null, weightsIn);
      values = v;
      const weights = broadcastWeights(cast(w!, 'float32'), values);
      values = multiply(values, weights);
      numValues = reduceSum(weights);
    }
    const updateTotal = assignAdd(total, reduceSum(values));
    const updateCount = controlDependencies([values], () => assignAdd(count, numValues));
    const value = divNoNan(total, maximum(count, 0), 'value');
    addToCollections(value, o.metricsCollections);
    const update = divNoNan(updateTotal, maximum(updateCount, 0), 'update_op');
    addToCollections(update, o.updatesCollections);
    return [value, update];
  });
}

/** `tf.metrics.mean(values, weights=None, metrics_collections=None, updates_collections=None, name=None)`. */
export function mean(...args: unknown[]): [Tensor, Tensor] {
  const a = bindArgs('mean', ['values', 'weights', ...COLLECTIONS], args, 1);
  return meanImpl(a.values as TensorLike, a.weights as TensorLike | undefined, opts(a), 'mean');
}

/** `tf.metrics.accuracy(labels, predictions, weights=None, …)`: the mean of `predictions == labels`. */
export function accuracy(...args: unknown[]): [Tensor, Tensor] {
  const a = bindArgs('accuracy', ['labels', 'predictions', 'weights', ...COLLECTIONS], args, 2);
  const labelsIn = toTensor(a.labels as TensorLike);
  let [predictions, labels, weights] = removeSqueezable(a.predictions as TensorLike, labelsIn, a.weights as TensorLike | undefined);
  if (labels!.dtype !== predictions.dtype) predictions = cast(predictions, labels!.dtype);
  const isCorrect = cast(equal(predictions, labels!), 'float32');
  return meanImpl(isCorrect, weights, { ...opts(a), name: (a.name as string | undefined) ?? 'accuracy' }, 'accuracy');
}

function pairArgs(where: string, args: unknown[]): { a: Record<string, unknown>; labels: Tensor; predictions: Tensor; weights: Tensor | null } {
  const a = bindArgs(where, ['labels', 'predictions', 'weights', ...COLLECTIONS], args, 2);
  const [predictions, labels, weights] = removeSqueezable(a.predictions as TensorLike, a.labels as TensorLike, a.weights as TensorLike | undefined);
  return { a, labels: cast(labels!, 'float32'), predictions: cast(predictions, 'float32'), weights };
}

/** `tf.metrics.mean_squared_error(labels, predictions, weights=None, …)`. */
export function meanSquaredError(...args: unknown[]): [Tensor, Tensor] {
  const { a, labels, predictions, weights } = pairArgs('mean_squared_error', args);
  return meanImpl(squaredDifference(labels, predictions), weights, { ...opts(a), name: (a.name as string | undefined) ?? 'mean_squared_error' }, 'mean_squared_error');
}

/** `tf.metrics.mean_absolute_error(labels, predictions, weights=None, …)`. */
export function meanAbsoluteError(...args: unknown[]): [Tensor, Tensor] {
  const { a, labels, predictions, weights } = pairArgs('mean_absolute_error', args);
  return meanImpl(abs(subtract(predictions, labels)), weights, { ...opts(a), name: (a.name as string | undefined) ?? 'mean_absolute_error' }, 'mean_absolute_error');
}

/** `tf.metrics.root_mean_squared_error(labels, predictions, weights=None, …)`: sqrt of the streaming MSE. */
export function rootMeanSquaredError(...args: unknown[]): [Tensor, Tensor] {
  const { a, labels, predictions, weights } = pairArgs('root_mean_squared_error', args);
  const [mse, updateMse] = meanImpl(squaredDifference(labels, predictions), weights, { name: (a.name as string | undefined) ?? 'root_mean_squared_error' }, 'root_mean_squared_error');
  const rmse = sqrt(mse);
  const update = sqrt(updateMse);
  addToCollections(rmse, opts(a).metricsCollections);
  addToCollections(update, opts(a).updatesCollections);
  return [rmse, update];
}
