/**
 * `tf.losses.mean_pairwise_squared_error` (TF 1.15 losses_impl.py): per example, with
 * d = predictions − labels over the non-batch axes and n the count of its non-zero weights,
 * 2·Σd²/(n − 1) − 2·(Σd)²/(n·(n − 1)) (= the mean over pairs i < j of (d_i − d_j)²), times the
 * weights and summed; 0 where no weight is non-zero. It is not reduced by compute_weighted_loss.
 */
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import { onesLike, range, rank, zerosLike } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { divNoNan } from '../ops/div-no-nan.js';
import { cast, equal, greater, maximum, multiply, reduceSum, square, subtract, where } from '../ops/math.js';
import { GraphKeys } from '../graph/graph.js';
import { bindArgs } from '../layers/kwargs.js';
import { addLoss } from './reduction.js';
import { assertBroadcastable, assertCompatible, broadcastWeights } from './weights.js';

/** `mean_pairwise_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection=LOSSES)`. */
export function meanPairwiseSquaredError(...args: unknown[]): Tensor {
  const a = bindArgs('mean_pairwise_squared_error', ['labels', 'predictions', 'weights', 'scope', 'lossCollection'], args);
  if (a.labels === undefined || a.labels === null) throw new ValueError('labels must not be None.');
  if (a.predictions === undefined || a.predictions === null) throw new ValueError('predictions must not be None.');
  const g = [a.predictions, a.labels].find((x) => x instanceof Tensor) as Tensor | undefined;
  return (g?.graph ?? getDefaultGraph()).nameScope((a.scope as string | undefined) ?? 'mean_pairwise_squared_error', () => {
    const weights = cast(toTensor((a.weights ?? 1.0) as TensorLike, 'float32'), 'float32');
    const labels = cast(toTensor(a.labels as TensorLike, 'float32'), 'float32');
    assertBroadcastable(weights, labels);
    const predictions = cast(toTensor(a.predictions as TensorLike, 'float32'), 'float32');
    assertCompatible(predictions.shape, labels.shape);
    const diffs = subtract(predictions, labels);
    const axis = diffs.shape === null ? range(1, rank(diffs)) : [...Array(diffs.shape.length).keys()].slice(1);
    const sumSquares = reduceSum(square(diffs), axis, true);
    // _num_present(per_batch=True): the non-zero weights, broadcast to the diffs, counted per example
    const numPresent = diffs.graph.nameScope('num_present', (scope) => {
      const present = where(equal(weights, 0), zerosLike(weights), onesLike(weights));
      return reduceSum(broadcastWeights(present, diffs), axis, true, scope);
    });
    const term1 = multiply(2, divNoNan(sumSquares, maximum(subtract(numPresent, 1), 0), 'value'));
    const sumDiff = reduceSum(diffs, axis, true);
    const term2 = multiply(2, divNoNan(square(sumDiff), maximum(multiply(numPresent, subtract(numPresent, 1)), 0), 'value'));
    const loss = reduceSum(multiply(subtract(term1, term2), weights));
    const mean = where(greater(reduceSum(numPresent), 0), loss, zerosLike(loss), 'value');
    addLoss(mean, a.lossCollection === undefined ? GraphKeys.LOSSES : (a.lossCollection as string | null));
    return mean;
  });
}
