/**
 * `tf.contrib.losses` as TF-Slim re-exports it (`slim.losses`, TF 1.15
 * contrib/losses/python/losses/loss_ops.py): the losses of `tf.losses` with contrib's argument
 * order (logits or predictions first), the same mean over the non-zero weights, the same scopes,
 * each added to GraphKeys.LOSSES. `hingeLoss` is contrib's: the unreduced per-element losses,
 * added nowhere.
 */
import type { Tensor } from '../../graph/tensor.js';
import { kwargs } from '../../args.js';
import { type TensorLike, toTensor } from '../../ops/convert.js';
import { cast, multiply, subtract } from '../../ops/math.js';
import { onesLike } from '../../ops/array.js';
import { relu } from '../../ops/nn.js';
import { getDefaultGraph } from '../../graph/context.js';
import * as core from '../../losses/index.js';
import { assertCompatible } from '../../losses/weights.js';
import { reordered } from './reorder.js';

/** `softmax_cross_entropy(logits, onehot_labels, weights=1.0, label_smoothing=0, scope=None)`. */
export const softmaxCrossEntropy = reordered(core.softmaxCrossEntropy, 'softmax_cross_entropy', ['logits', 'onehotLabels', 'weights', 'labelSmoothing', 'scope'], 2);
/** `sparse_softmax_cross_entropy(logits, labels, weights=1.0, scope=None)`. */
export const sparseSoftmaxCrossEntropy = reordered(core.sparseSoftmaxCrossEntropy, 'sparse_softmax_cross_entropy', ['logits', 'labels', 'weights', 'scope'], 2);
/** `sigmoid_cross_entropy(logits, multi_class_labels, weights=1.0, label_smoothing=0, scope=None)`. */
export const sigmoidCrossEntropy = reordered(core.sigmoidCrossEntropy, 'sigmoid_cross_entropy', ['logits', 'multiClassLabels', 'weights', 'labelSmoothing', 'scope'], 2);
/** `mean_squared_error(predictions, labels=None, weights=1.0, scope=None)`. */
export const meanSquaredError = reordered(core.meanSquaredError, 'mean_squared_error', ['predictions', 'labels', 'weights', 'scope'], 2);
/** `absolute_difference(predictions, labels=None, weights=1.0, scope=None)`. */
export const absoluteDifference = reordered(core.absoluteDifference, 'absolute_difference', ['predictions', 'labels', 'weights', 'scope'], 2);
/** `log_loss(predictions, labels=None, weights=1.0, epsilon=1e-7, scope=None)`. */
export const logLoss = reordered(core.logLoss, 'log_loss', ['predictions', 'labels', 'weights', 'epsilon', 'scope'], 2);
/** `cosine_distance(predictions, labels=None, axis=None, weights=1.0, scope=None)`. */
export const cosineDistance = reordered(core.cosineDistance, 'cosine_distance', ['predictions', 'labels', 'axis', 'weights', 'scope'], 2);
/** `compute_weighted_loss(losses, weights=1.0, scope=None)`. */
export const computeWeightedLoss = reordered(core.computeWeightedLoss, 'compute_weighted_loss', ['losses', 'weights', 'scope'], 1);
/** `hinge_loss(logits, labels=None, scope=None)`: relu(1 - (2·labels - 1)·logits), per element, unreduced. */
export function hingeLoss(...args: unknown[]): Tensor {
  const o = kwargs(args, ['logits', 'labels', 'scope'], 'hinge_loss', 2);
  const logits = toTensor(o.logits as TensorLike);
  return getDefaultGraph().nameScope((o.scope as string | undefined) ?? 'hinge_loss', () => {
    const labels = cast(toTensor(o.labels as TensorLike), logits.dtype);
    assertCompatible(logits.shape, labels.shape);
    const ones = onesLike(labels);
    return relu(subtract(ones, multiply(subtract(multiply(2, labels), ones), logits)));
  });
}
export { addLoss, getLosses, getRegularizationLosses, getTotalLoss } from '../../losses/index.js';
