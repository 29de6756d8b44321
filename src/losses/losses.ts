/**
 * tf.losses (TF1 losses_impl): each builds its per-element losses in a name scope of TF1's
 * name and reduces them with compute_weighted_loss, so the result is `<scope>/value:0` and lands
 * in GraphKeys.LOSSES.
 */
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import { gather, onesLike, shape as shapeOf } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { stopGradient } from '../ops/core.js';
import {
  abs, add, cast, divide, log, minimum, multiply, negative, reduceSum, squaredDifference, subtract,
} from '../ops/math.js';
import * as nn from '../ops/nn.js';
import { bindArgs } from '../layers/kwargs.js';
import { computeWeightedLossImpl } from './reduction.js';
import { assertCompatible, squeezeLabelsPredictions, matchWeightsRank } from './weights.js';

type Args = unknown[];

const COMMON = ['weights', 'scope', 'lossCollection', 'reduction'] as const;

function graphOf(...xs: unknown[]) {
  for (const x of xs) if (x instanceof Tensor) return x.graph;
  return getDefaultGraph();
}

function required(a: Record<string, unknown>, name: string, pyName = name): void {
  if (a[name] === undefined || a[name] === null) throw new ValueError(`${pyName} must not be None.`);
}

/** Build per-element losses in `scope` and reduce them there. */
function weighted(a: Record<string, unknown>, defaultScope: string, inputs: unknown[], body: (scope: string) => { losses: Tensor; weights?: TensorLike }): Tensor {
  return graphOf(...inputs).nameScope((a.scope as string | undefined) ?? defaultScope, (scope) => {
    const { losses, weights } = body(scope);
    return computeWeightedLossImpl(losses, {
      weights: weights ?? (a.weights as TensorLike | undefined),
      scope,
      lossCollection: a.lossCollection as string | null | undefined,
      reduction: a.reduction as string | undefined,
    });
  });
}

/**
 * `tf.losses.compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=LOSSES,
 * reduction=SUM_BY_NONZERO_WEIGHTS)`.
 */
export function computeWeightedLoss(...args: Args): Tensor {
  const a = bindArgs('compute_weighted_loss', ['losses', ...COMMON], args, 1);
  return computeWeightedLossImpl(a.losses as TensorLike, {
    weights: a.weights as TensorLike | undefined,
    scope: a.scope as string | undefined,
    lossCollection: a.lossCollection as string | null | undefined,
    reduction: a.reduction as string | undefined,
  });
}

/**
 * `softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
 * loss_collection, reduction)`; labels are smoothed to `l·(1-s) + s/num_classes` and get no gradient.
 */
export function softmaxCrossEntropy(...args: Args): Tensor {
  const a = bindArgs('softmax_cross_entropy', ['onehotLabels', 'logits', 'weights', 'labelSmoothing', 'scope', 'lossCollection', 'reduction'], args);
  required(a, 'onehotLabels', 'onehot_labels');
  required(a, 'logits');
  return weighted(a, 'softmax_cross_entropy_loss', [a.logits, a.onehotLabels], () => {
    const logits = toTensor(a.logits as TensorLike);
    let labels = cast(toTensor(a.onehotLabels as TensorLike, logits.dtype), logits.dtype);
    assertCompatible(logits.shape, labels.shape);
    const s = (a.labelSmoothing as number | undefined) ?? 0;
    if (s > 0) {
      const numClasses = cast(gather(shapeOf(labels), -1 + (labels.shape?.length ?? 0)), logits.dtype);
      labels = add(multiply(labels, 1 - s), divide(s, numClasses));
    }
    labels = stopGradient(labels, 'labels_stop_gradient');
    return { losses: nn.softmaxCrossEntropyWithLogitsV2({ labels, logits, name: 'xentropy' }) };
  });
}

/**
 * `sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope, loss_collection, reduction)`:
 * labels `[d0..dn-1]` (a trailing 1 is squeezed), logits `[d0..dn-1, classes]`.
 */
export function sparseSoftmaxCrossEntropy(...args: Args): Tensor {
  const a = bindArgs('sparse_softmax_cross_entropy', ['labels', 'logits', ...COMMON], args);
  required(a, 'labels');
  required(a, 'logits');
  return weighted(a, 'sparse_softmax_cross_entropy_loss', [a.logits, a.labels], () => {
    const logits = toTensor(a.logits as TensorLike);
    let labels = toTensor(a.labels as TensorLike, 'int32');
    [labels] = squeezeLabelsPredictions(labels, logits, 1);
    let weights: Tensor | undefined;
    if (a.weights !== undefined && typeof a.weights !== 'number') weights = matchWeightsRank(toTensor(a.weights as TensorLike, 'float32'), labels, true);
    const losses = nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits, name: 'xentropy' });
    return { losses, weights };
  });
}

/**
 * `sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0, …)`;
 * labels are smoothed to `l·(1-s) + s/2`.
 */
export function sigmoidCrossEntropy(...args: Args): Tensor {
  const a = bindArgs('sigmoid_cross_entropy', ['multiClassLabels', 'logits', 'weights', 'labelSmoothing', 'scope', 'lossCollection', 'reduction'], args);
  required(a, 'multiClassLabels', 'multi_class_labels');
  required(a, 'logits');
  return weighted(a, 'sigmoid_cross_entropy_loss', [a.logits, a.multiClassLabels], () => {
    const logits = toTensor(a.logits as TensorLike);
    let labels = cast(toTensor(a.multiClassLabels as TensorLike, logits.dtype), logits.dtype);
    assertCompatible(logits.shape, labels.shape);
    const s = (a.labelSmoothing as number | undefined) ?? 0;
    if (s > 0) labels = add(multiply(labels, 1 - s), 0.5 * s);
    return { losses: nn.sigmoidCrossEntropyWithLogits({ labels, logits, name: 'xentropy' }) };
  });
}

/** Convert labels/predictions to float32 and check their shapes agree. */
function floatPair(a: Record<string, unknown>): [Tensor, Tensor] {
  const predictions = cast(toTensor(a.predictions as TensorLike), 'float32');
  const labels = cast(toTensor(a.labels as TensorLike, 'float32'), 'float32');
  assertCompatible(predictions.shape, labels.shape);
  return [labels, predictions];
}

/** `mean_squared_error(labels, predictions, weights=1.0, …)`: (predictions - labels)². */
export function meanSquaredError(...args: Args): Tensor {
  const a = bindArgs('mean_squared_error', ['labels', 'predictions', ...COMMON], args);
  required(a, 'labels');
  required(a, 'predictions');
  return weighted(a, 'mean_squared_error', [a.predictions, a.labels], () => {
    const [labels, predictions] = floatPair(a);
    return { losses: squaredDifference(predictions, labels) };
  });
}

/** `absolute_difference(labels, predictions, weights=1.0, …)`: |predictions - labels|. */
export function absoluteDifference(...args: Args): Tensor {
  const a = bindArgs('absolute_difference', ['labels', 'predictions', ...COMMON], args);
  required(a, 'labels');
  required(a, 'predictions');
  return weighted(a, 'absolute_difference', [a.predictions, a.labels], () => {
    const [labels, predictions] = floatPair(a);
    return { losses: abs(subtract(predictions, labels)) };
  });
}

/**
 * `huber_loss(labels, predictions, weights=1.0, delta=1.0, …)`: with e = |predictions - labels|,
 * q = min(e, delta): 0.5·q² + delta·(e - q).
 */
export function huberLoss(...args: Args): Tensor {
  const a = bindArgs('huber_loss', ['labels', 'predictions', 'weights', 'delta', 'scope', 'lossCollection', 'reduction'], args);
  required(a, 'labels');
  required(a, 'predictions');
  const delta = (a.delta as number | undefined) ?? 1.0;
  return weighted(a, 'huber_loss', [a.predictions, a.labels], () => {
    const [labels, predictions] = floatPair(a);
    const absError = abs(subtract(predictions, labels));
    const quadratic = minimum(absError, delta);
    const linear = subtract(absError, quadratic);
    return { losses: add(multiply(0.5, multiply(quadratic, quadratic)), multiply(delta, linear)) };
  });
}

/**
 * `log_loss(labels, predictions, weights=1.0, epsilon=1e-7, …)`:
 * -l·log(p + ε) - (1 - l)·log(1 - p + ε).
 */
export function logLoss(...args: Args): Tensor {
  const a = bindArgs('log_loss', ['labels', 'predictions', 'weights', 'epsilon', 'scope', 'lossCollection', 'reduction'], args);
  required(a, 'labels');
  required(a, 'predictions');
  const eps = (a.epsilon as number | undefined) ?? 1e-7;
  return weighted(a, 'log_loss', [a.predictions, a.labels], () => {
    const [labels, predictions] = floatPair(a);
    const pos = negative(multiply(labels, log(add(predictions, eps))));
    const neg = multiply(subtract(1, labels), log(add(subtract(1, predictions), eps)));
    return { losses: subtract(pos, neg) };
  });
}

/** `hinge_loss(labels, logits, weights=1.0, …)`: labels in {0,1} become ±1; relu(1 - y·logits). */
export function hingeLoss(...args: Args): Tensor {
  const a = bindArgs('hinge_loss', ['labels', 'logits', ...COMMON], args);
  required(a, 'labels');
  required(a, 'logits');
  return weighted(a, 'hinge_loss', [a.logits, a.labels], () => {
    const logits = cast(toTensor(a.logits as TensorLike), 'float32');
    const labels = cast(toTensor(a.labels as TensorLike, 'float32'), 'float32');
    assertCompatible(logits.shape, labels.shape);
    const ones = onesLike(labels);
    const signed = subtract(multiply(2, labels), ones);
    return { losses: nn.relu(subtract(ones, multiply(signed, logits))) };
  });
}

/**
 * `cosine_distance(labels, predictions, axis, weights=1.0, …)` on unit-normalized inputs:
 * 1 - Σ_axis predictions·labels, keeping the reduced axis.
 */
export function cosineDistance(...args: Args): Tensor {
  const a = bindArgs('cosine_distance', ['labels', 'predictions', 'axis', ...COMMON], args);
  required(a, 'labels');
  required(a, 'predictions');
  if (a.axis === undefined || a.axis === null) throw new ValueError('You must specify "axis".');
  return weighted(a, 'cosine_distance_loss', [a.predictions, a.labels], () => {
    const [labels, predictions] = floatPair(a);
    const radial = multiply(predictions, labels);
    return { losses: subtract(1, reduceSum(radial, [a.axis as number], true)) };
  });
}
