/**
 * The stateless `tf.keras.metrics` functions of TF 1.15 (per-sample values; a model reports their
 * mean): the accuracies of keras/metrics.py and the loss functions keras/losses.py exports as
 * metrics too (mse, kld, hinge, …; `cosine` / `cosineProximity` are the losses' negative cosine).
 */
import { Tensor } from '../graph/tensor.js';
import { assertCompatible } from '../losses/weights.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import * as ops from '../ops/index.js';
import { Variable } from '../ops/variables.js';
import { floatx } from './backend.js';
import * as L from './losses.js';

type In = TensorLike | Variable;
const T = (x: In): Tensor => (x instanceof Tensor ? x : x instanceof Variable ? x.value() : toTensor(x as TensorLike));
const rankOf = (t: Tensor): number | null => t.shape?.length ?? null;

/** `accuracy(y_true, y_pred)`: y_true == y_pred element-wise (y_pred cast to y_true's dtype), as floatx. */
export function accuracy(yTrue: In, yPred: In): Tensor {
  const t = T(yTrue);
  let p = T(yPred);
  assertCompatible(p.shape, t.shape);
  if (p.dtype !== t.dtype) p = ops.cast(p, t.dtype);
  return ops.cast(ops.equal(t, p), floatx());
}

/** `binary_accuracy(y_true, y_pred, threshold=0.5)`: mean over the last axis of y_true == (y_pred > threshold). */
export function binaryAccuracy(yTrue: In, yPred: In, threshold = 0.5): Tensor {
  const p0 = T(yPred);
  const t = ops.cast(T(yTrue), p0.dtype);
  const p = ops.cast(ops.greater(p0, ops.cast(threshold, p0.dtype)), p0.dtype);
  return ops.reduceMean(ops.cast(ops.equal(t, p), floatx()), -1);
}

/** `categorical_accuracy(y_true, y_pred)`: argmax(y_true) == argmax(y_pred). */
export function categoricalAccuracy(yTrue: In, yPred: In): Tensor {
  return L.categoricalAccuracy(T(yTrue), T(yPred));
}

/** `sparse_categorical_accuracy(y_true, y_pred)`: y_true (a trailing 1 squeezed) == argmax(y_pred). */
export function sparseCategoricalAccuracy(yTrue: In, yPred: In): Tensor {
  return L.sparseCategoricalAccuracy(T(yTrue), T(yPred));
}

/** y_true squeezed of its last axis when it has y_pred's rank (the sparse metrics' labels). */
function sparseLabels(t: Tensor, p: Tensor): Tensor {
  const rt = rankOf(t);
  const rp = rankOf(p);
  return rt !== null && rp !== null && rt === rp ? ops.squeeze(t, [-1]) : t;
}

/** `top_k_categorical_accuracy(y_true, y_pred, k=5)`: whether argmax(y_true) is among y_pred's k largest (nn.in_top_k). */
export function topKCategoricalAccuracy(yTrue: In, yPred: In, k = 5): Tensor {
  const p = T(yPred);
  return ops.cast(ops.nn.inTopK(p, ops.cast(ops.argmax(T(yTrue), -1), 'int32'), k), floatx());
}

/** `sparse_top_k_categorical_accuracy(y_true, y_pred, k=5)`: whether the label is among y_pred's k largest. */
export function sparseTopKCategoricalAccuracy(yTrue: In, yPred: In, k = 5): Tensor {
  const p = T(yPred);
  const t = sparseLabels(T(yTrue), p);
  return ops.cast(ops.nn.inTopK(p, ops.cast(t, 'int32'), k), floatx());
}

/** metrics.py's own `cosine_proximity(y_true, y_pred, axis=-1)` (what CosineSimilarity averages): +Σ l2_normalize(y_true)·l2_normalize(y_pred). */
export function cosineProximityPositive(yTrue: In, yPred: In, axis = -1): Tensor {
  const t = ops.nn.l2Normalize(T(yTrue), axis);
  const p = ops.nn.l2Normalize(T(yPred), axis);
  return ops.reduceSum(ops.multiply(t, p), axis);
}

/** A metric function the accuracies and losses share, by Keras's snake_case name. */
export const METRIC_FUNCTIONS: Record<string, (yTrue: In, yPred: In, ...rest: never[]) => Tensor> = {
  accuracy, binary_accuracy: binaryAccuracy, categorical_accuracy: categoricalAccuracy, sparse_categorical_accuracy: sparseCategoricalAccuracy,
  top_k_categorical_accuracy: topKCategoricalAccuracy, sparse_top_k_categorical_accuracy: sparseTopKCategoricalAccuracy,
  mean_squared_error: L.meanSquaredError, mse: L.meanSquaredError, MSE: L.meanSquaredError,
  mean_absolute_error: L.meanAbsoluteError, mae: L.meanAbsoluteError, MAE: L.meanAbsoluteError,
  mean_absolute_percentage_error: L.meanAbsolutePercentageError, mape: L.meanAbsolutePercentageError, MAPE: L.meanAbsolutePercentageError,
  mean_squared_logarithmic_error: L.meanSquaredLogarithmicError, msle: L.meanSquaredLogarithmicError, MSLE: L.meanSquaredLogarithmicError,
  kullback_leibler_divergence: L.kullbackLeiblerDivergence, kld: L.kullbackLeiblerDivergence, KLD: L.kullbackLeiblerDivergence,
  hinge: L.hinge, squared_hinge: L.squaredHinge, categorical_hinge: L.categoricalHinge, logcosh: L.logcosh, poisson: L.poisson,
  binary_crossentropy: L.binaryCrossentropy, categorical_crossentropy: L.categoricalCrossentropy, sparse_categorical_crossentropy: L.sparseCategoricalCrossentropy,
  cosine_proximity: L.cosineSimilarity, cosine: L.cosineSimilarity,
};

/** The Keras name of a metric function (what `serialize` gives). */
export const FUNCTION_NAMES = new Map<unknown, string>([
  [accuracy, 'accuracy'], [binaryAccuracy, 'binary_accuracy'], [categoricalAccuracy, 'categorical_accuracy'],
  [sparseCategoricalAccuracy, 'sparse_categorical_accuracy'], [topKCategoricalAccuracy, 'top_k_categorical_accuracy'],
  [sparseTopKCategoricalAccuracy, 'sparse_top_k_categorical_accuracy'], [L.meanSquaredError, 'mean_squared_error'],
  [L.meanAbsoluteError, 'mean_absolute_error'], [L.meanAbsolutePercentageError, 'mean_absolute_percentage_error'],
  [L.meanSquaredLogarithmicError, 'mean_squared_logarithmic_error'], [L.kullbackLeiblerDivergence, 'kullback_leibler_divergence'],
  [L.hinge, 'hinge'], [L.squaredHinge, 'squared_hinge'], [L.categoricalHinge, 'categorical_hinge'], [L.logcosh, 'logcosh'], [L.poisson, 'poisson'],
  [L.binaryCrossentropy, 'binary_crossentropy'], [L.categoricalCrossentropy, 'categorical_crossentropy'],
  [L.sparseCategoricalCrossentropy, 'sparse_categorical_crossentropy'], [L.cosineSimilarity, 'cosine_proximity'],
]);

