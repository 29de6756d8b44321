/**
 * `tf.contrib.seq2seq.sequenceLoss` (tensorflow/contrib/seq2seq/python/ops/loss.py, TF 1.15):
 * the weighted cross-entropy of [batch, time, classes] logits against [batch, time] targets,
 * averaged or summed over the time and batch dims as its flags say.
 */
import { tf1Function } from '../args.js';
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Tensor } from '../graph/tensor.js';
import { reshape, shape, stack } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { constant } from '../ops/core.js';
import { divNoNan } from '../ops/div-no-nan.js';
import { cast, multiply, notEqual, reduceSum } from '../ops/math.js';
import { sparseSoftmaxCrossEntropyWithLogits } from '../ops/nn.js';
import { index } from '../ops/strided-slice.js';

/** A `softmax_loss_function`: called as TF calls it, with keyword arguments `{labels, logits}`. */
export type SoftmaxLossFunction = (args: { labels: Tensor; logits: Tensor }) => Tensor;

/** Python's `len(tensor.get_shape())`: the rank, or TF's error for an unknown one. */
export function rankOf(t: Tensor): number {
  if (t.shape === null) throw new ValueError('Cannot take the length of shape with unknown rank.');
  return t.shape.length;
}

/**
 * `math_ops.cast(math_ops.count_nonzero(w, axis), dtype)`: how many weights are not zero, as
 * `dtype`. Counted in `dtype` directly (TF counts in int64 first), so it also runs on devices
 * without 64-bit integers.
 */
function countNonzeroAs(w: Tensor, dtype: Tensor['dtype'], axis?: number[]): Tensor {
  return getDefaultGraph().nameScope('count_nonzero', () => reduceSum(cast(notEqual(w, toTensor(0, w.dtype)), dtype), axis ?? null));
}

function checkFlag(v: unknown, what: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new TypeError(`sequence_loss(): ${what} must be a bool, got ${String(v)}`);
  return v;
}

function sequenceLossImpl(
  logitsIn: TensorLike, targetsIn: TensorLike, weightsIn: TensorLike, averageAcrossTimesteps?: boolean | null, averageAcrossBatch?: boolean | null,
  sumOverTimesteps?: boolean | null, sumOverBatch?: boolean | null, softmaxLossFunction?: SoftmaxLossFunction | null, name?: string | null,
): Tensor {
  const avgT = checkFlag(averageAcrossTimesteps, 'average_across_timesteps') ?? true;
  const avgB = checkFlag(averageAcrossBatch, 'average_across_batch') ?? true;
  const sumT = checkFlag(sumOverTimesteps, 'sum_over_timesteps') ?? false;
  const sumB = checkFlag(sumOverBatch, 'sum_over_batch') ?? false;
  if (softmaxLossFunction !== undefined && softmaxLossFunction !== null && typeof softmaxLossFunction !== 'function') {
    throw new TypeError(`sequence_loss(): softmax_loss_function must be a function of {labels, logits}, got ${String(softmaxLossFunction)}`);
  }
  const logits = toTensor(logitsIn);
  const targets = toTensor(targetsIn, 'int32');
  const weights = toTensor(weightsIn, logits.dtype);
  if (rankOf(logits) !== 3) throw new ValueError('Logits must be a [batch_size x sequence_length x logits] tensor');
  if (rankOf(targets) !== 2) throw new ValueError('Targets must be a [batch_size x sequence_length] tensor');
  if (rankOf(weights) !== 2) throw new ValueError('Weights must be a [batch_size x sequence_length] tensor');
  if (avgT && sumT) throw new ValueError('average_across_timesteps and sum_over_timesteps cannot be set to True at same time.');
  if (avgB && sumB) throw new ValueError('average_across_batch and sum_over_batch cannot be set to True at same time.');
  const g = logits.graph;
  return g.nameScope(name ?? 'sequence_loss', () => {
    const numClasses = index(shape(logits), 2);
    const logitsFlat = reshape(logits, stack([constant(-1, 'int32'), numClasses]));
    const targetsFlat = reshape(targets, [-1]);
    let crossent = softmaxLossFunction
      ? softmaxLossFunction({ labels: targetsFlat, logits: logitsFlat })
      : sparseSoftmaxCrossEntropyWithLogits({ labels: targetsFlat, logits: logitsFlat });
    crossent = multiply(crossent, reshape(weights, [-1]), 'mul');
    if (avgT && avgB) {
      crossent = reduceSum(crossent);
      const totalSize = reduceSum(weights);
      return divNoNan(crossent, totalSize);
    }
    if (sumT && sumB) {
      crossent = reduceSum(crossent);
      return divNoNan(crossent, countNonzeroAs(weights, crossent.dtype));
    }
    crossent = reshape(crossent, index(shape(logits), '0:2'));
    if (avgT || avgB) {
      const axis = avgB ? [0] : [1];
      crossent = reduceSum(crossent, axis);
      const totalSize = reduceSum(weights, axis);
      return divNoNan(crossent, totalSize);
    }
    if (sumT || sumB) {
      const axis = sumB ? [0] : [1];
      crossent = reduceSum(crossent, axis);
      return divNoNan(crossent, countNonzeroAs(weights, crossent.dtype, axis));
    }
    return crossent;
  });
}

/**
 * `tf.contrib.seq2seq.sequenceLoss(logits, targets, weights, averageAcrossTimesteps = true,
 * averageAcrossBatch = true, sumOverTimesteps = false, sumOverBatch = false,
 * softmaxLossFunction?, name = 'sequence_loss')`: logits [batch, time, classes], int targets
 * and float weights [batch, time]. Averaging divides the weighted sum by the weights' sum,
 * summing by the count of nonzero weights (0 where that is 0); with neither along a dim the dim
 * stays, so the result is a scalar, a [time] or [batch] vector, or [batch, time].
 */
export const sequenceLoss = tf1Function(
  'sequence_loss',
  ['logits', 'targets', 'weights', 'averageAcrossTimesteps', 'averageAcrossBatch', 'sumOverTimesteps', 'sumOverBatch', 'softmaxLossFunction', 'name'],
  sequenceLossImpl,
  3,
);
