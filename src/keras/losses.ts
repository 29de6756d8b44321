/**
 * `tf.keras.losses` and `tf.keras.metrics` as TF 1.15's Keras backend computes them (per-sample
 * values; the model takes their mean over the batch). On probabilities, crossentropies clip to
 * [ε, 1−ε] (ε = 1e-7) before the log — unless the output is a Softmax (Sigmoid for binary) op,
 * whose logits are then used directly, as TF 1.15's backend does (b/117284466).
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import * as ops from '../ops/index.js';
import { epsilon } from './backend.js';

export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

const rankOf = (t: Tensor): number | null => t.shape?.length ?? null;

/** `K.sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1)`. */
export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false): Tensor {
  let logits = yPred;
  if (!fromLogits) {
    if (yPred.op.type === 'Softmax' && yPred.op.inputs.length === 1) logits = yPred.op.inputs[0]!;
    else {
      const eps = epsilon();
      logits = ops.log(ops.clipByValue(yPred, eps, 1 - eps));
    }
  }
  const r = rankOf(logits);
  if (r === null) throw new ValueError('sparse_categorical_crossentropy needs the output rank known');
  const classes = logits.shape![r - 1];
  // int32 ids (Keras casts to int64; the op's result is the same, and every device takes int32).
  const labels = ops.reshape(ops.cast(yTrue, 'int32'), [-1]);
  const flat = r === 2 ? logits : ops.reshape(logits, [-1, classes ?? -1]);
  const res = ops.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits: flat });
  if (r === 2) return res;
  return ops.reshape(res, ops.slice(ops.shape(logits), [0], [r - 1]));
}

/** `K.categorical_crossentropy(target, output, from_logits=False, axis=-1)`. */
export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false): Tensor {
  if (!fromLogits) {
    if (yPred.op.type === 'Softmax' && yPred.op.inputs.length === 1) {
      return ops.nn.softmaxCrossEntropyWithLogitsV2({ labels: yTrue, logits: yPred.op.inputs[0]! });
    }
    const axis = (rankOf(yPred) ?? 1) - 1;
    const p = ops.divide(yPred, ops.reduceSum(yPred, axis, true));
    const eps = epsilon();
    return ops.negative(ops.reduceSum(ops.multiply(yTrue, ops.log(ops.clipByValue(p, eps, 1 - eps))), axis));
  }
  return ops.nn.softmaxCrossEntropyWithLogitsV2({ labels: yTrue, logits: yPred });
}

/** `K.binary_crossentropy` averaged over the last axis (`keras.losses.binary_crossentropy`). */
export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false): Tensor {
  let bce: Tensor;
  if (!fromLogits && !(yPred.op.type === 'Sigmoid' && yPred.op.inputs.length === 1)) {
    const eps = epsilon();
    const p = ops.clipByValue(yPred, eps, 1 - eps);
    const pos = ops.multiply(yTrue, ops.log(ops.add(p, eps)));
    const neg = ops.multiply(ops.subtract(1, yTrue), ops.log(ops.add(ops.subtract(1, p), eps)));
    bce = ops.negative(ops.add(pos, neg));
  } else {
    bce = ops.nn.sigmoidCrossEntropyWithLogits({ labels: yTrue, logits: fromLogits ? yPred : yPred.op.inputs[0]! });
  }
  return ops.reduceMean(bce, -1);
}

/** `keras.losses.mean_squared_error`: mean((y_pred − y_true)², axis=-1). */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  return ops.reduceMean(ops.square(ops.subtract(yPred, yTrue)), -1);
}
/** `keras.losses.mean_absolute_error`. */
export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  return ops.reduceMean(ops.abs(ops.subtract(yPred, yTrue)), -1);
}

const LOSSES: Record<string, LossFn> = {
  sparse_categorical_crossentropy: (t, p) => sparseCategoricalCrossentropy(t, p),
  categorical_crossentropy: (t, p) => categoricalCrossentropy(t, p),
  binary_crossentropy: (t, p) => binaryCrossentropy(t, p),
  mean_squared_error: meanSquaredError,
  mse: meanSquaredError,
  MSE: meanSquaredError,
  mean_absolute_error: meanAbsoluteError,
  mae: meanAbsoluteError,
  MAE: meanAbsoluteError,
};

/** `losses.get(identifier)`. */
export function getLoss(l: string | LossFn): LossFn {
  if (typeof l === 'function') return l;
  const f = LOSSES[l] ?? LOSSES[l.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()];
  if (!f) throw new ValueError(`Unknown loss function:${l}`);
  return f;
}

// ----- metrics ----------------------------------------------------------------------------------

/** `keras.metrics.sparse_categorical_accuracy`: argmax(y_pred) == y_true (y_true squeezed of a trailing 1). */
export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  let t = yTrue;
  const rt = rankOf(t);
  const rp = rankOf(yPred);
  if (rt !== null && rp !== null && rt === rp) t = ops.squeeze(t, [-1 + rt]);
  else if (rt === null) t = ops.reshape(t, ops.slice(ops.shape(yPred), [0], [(rp ?? 1) - 1]));
  const pred = ops.cast(ops.argmax(yPred, -1 + (rp ?? 1)), 'float32');
  return ops.cast(ops.equal(ops.cast(t, 'float32'), pred), 'float32');
}
/** `keras.metrics.categorical_accuracy`: argmax(y_true) == argmax(y_pred). */
export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const a = (rankOf(yPred) ?? 1) - 1;
  return ops.cast(ops.equal(ops.argmax(yTrue, a), ops.argmax(yPred, a)), 'float32');
}
/** `keras.metrics.binary_accuracy(threshold=0.5)`: mean over the last axis of y_true == (y_pred > 0.5). */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const p = ops.cast(ops.greater(yPred, 0.5), 'float32');
  return ops.reduceMean(ops.cast(ops.equal(ops.cast(yTrue, 'float32'), p), 'float32'), -1);
}

export interface ResolvedMetric {
  /** The history key (TF1: 'acc' for 'accuracy'/'acc'). */
  name: string;
  fn: LossFn;
}

/** Resolve a compile metric as TF 1.15 does: 'accuracy' picks binary/sparse/categorical accuracy from the loss and output shape. */
export function resolveMetric(m: string | LossFn, lossName: string | null, output: Tensor): ResolvedMetric {
  if (typeof m === 'function') return { name: m.name || 'metric', fn: m };
  if (m === 'accuracy' || m === 'acc') {
    const last = output.shape?.[output.shape.length - 1];
    let fn: LossFn;
    if (last === 1 || lossName === 'binary_crossentropy') fn = binaryAccuracy;
    else if (lossName === 'sparse_categorical_crossentropy') fn = sparseCategoricalAccuracy;
    else fn = categoricalAccuracy;
    return { name: 'acc', fn };
  }
  if (m === 'crossentropy' || m === 'ce') return { name: 'ce', fn: getLoss(lossName === 'sparse_categorical_crossentropy' ? lossName : 'categorical_crossentropy') };
  const named: Record<string, LossFn> = {
    sparse_categorical_accuracy: sparseCategoricalAccuracy,
    categorical_accuracy: categoricalAccuracy,
    binary_accuracy: binaryAccuracy,
  };
  const f = named[m] ?? LOSSES[m];
  if (!f) throw new ValueError(`Unknown metric function:${m}`);
  return { name: m, fn: f };
}
