/**
 * `tf.keras.losses` as TF 1.15's keras/losses.py builds them. The functions give per-sample
 * values (the mean over the last axis, or a sum for the crossentropies / KLD); on probabilities
 * the crossentropies clip to [ε, 1−ε] (ε = 1e-7) before the log — unless the output is a Softmax
 * (Sigmoid for binary) op, whose logits are then used directly, as TF 1.15's backend does
 * (b/117284466). The classes (Loss, MeanSquaredError, …, Huber) reduce those per-sample values
 * with the sample weights: SUM_OVER_BATCH_SIZE (the default, 'auto') is the weighted sum over
 * the number of elements, SUM the weighted sum, NONE the weighted values. `get`, `serialize`,
 * `deserialize` look them up by Keras's names.
 */
import { ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { bindArgs } from '../layers/kwargs.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import * as tf from '../index.js';
import * as ops from '../ops/index.js';
import type { Variable } from '../ops/variables.js';
import { floatx, epsilon } from './backend.js';
import * as K from './backend-ops.js';
import { callableInstance, deserializeKerasObject, isClass, serializeKerasObject } from './generic-utils.js';

export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;
type In = TensorLike | Variable;

const rankOf = (t: Tensor): number | null => t.shape?.length ?? null;
const T = (x: In): Tensor => (x instanceof Tensor ? x : toTensor(x as TensorLike));
/** y_pred as a tensor and y_true cast to its dtype (every Keras loss starts so). */
function prep(yTrue: In, yPred: In): [Tensor, Tensor] {
  const p = T(yPred);
  const t = T(yTrue);
  return [t.dtype === p.dtype ? t : ops.cast(t, p.dtype), p];
}

/** `keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1)`. */
export function sparseCategoricalCrossentropy(yTrue: In, yPred: In, fromLogits = false, axis = -1): Tensor {
  return K.sparseCategoricalCrossentropy(T(yTrue), T(yPred), fromLogits, axis);
}

/** `keras.losses.categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0)`: smoothing y·(1 − s) + s / classes. */
export function categoricalCrossentropy(yTrue: In, yPred: In, fromLogits = false, labelSmoothing = 0): Tensor {
  let [t, p] = prep(yTrue, yPred);
  if (labelSmoothing) {
    const classes = ops.cast(ops.gather(ops.shape(t), 1), p.dtype);
    t = ops.add(ops.multiply(t, 1 - labelSmoothing), ops.divide(labelSmoothing, classes));
  }
  return K.categoricalCrossentropy(t, p, fromLogits);
}

/** `keras.losses.binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0)`: K.binary_crossentropy averaged over the last axis. */
export function binaryCrossentropy(yTrue: In, yPred: In, fromLogits = false, labelSmoothing = 0): Tensor {
  let [t, p] = prep(yTrue, yPred);
  if (labelSmoothing) t = ops.add(ops.multiply(t, 1 - labelSmoothing), 0.5 * labelSmoothing);
  return ops.reduceMean(K.binaryCrossentropy(t, p, fromLogits), -1);
}

/** `mean_squared_error` (mse, MSE): mean((y_pred − y_true)², axis=-1). */
export function meanSquaredError(yTrue: In, yPred: In): Tensor {
  const [t, p] = prep(yTrue, yPred);
  return ops.reduceMean(ops.squaredDifference(p, t), -1);
}
/** `mean_absolute_error` (mae, MAE): mean(|y_pred − y_true|, axis=-1). */
export function meanAbsoluteError(yTrue: In, yPred: In): Tensor {
  const [t, p] = prep(yTrue, yPred);
  return ops.reduceMean(ops.abs(ops.subtract(p, t)), -1);
}
/** `mean_absolute_percentage_error` (mape, MAPE): 100·mean(|(y_true − y_pred) / max(|y_true|, ε)|, axis=-1). */
export function meanAbsolutePercentageError(yTrue: In, yPred: In): Tensor {
  const [t, p] = prep(yTrue, yPred);
  const diff = ops.abs(ops.divide(ops.subtract(t, p), ops.maximum(ops.abs(t), epsilon())));
  return ops.multiply(100, ops.reduceMean(diff, -1));
}
/** `mean_squared_logarithmic_error` (msle, MSLE): mean((log(max(y_pred, ε) + 1) − log(max(y_true, ε) + 1))², axis=-1). */
export function meanSquaredLogarithmicError(yTrue: In, yPred: In): Tensor {
  const [t, p] = prep(yTrue, yPred);
  const a = ops.log(ops.add(ops.maximum(p, epsilon()), 1));
  const b = ops.log(ops.add(ops.maximum(t, epsilon()), 1));
  return ops.reduceMean(ops.squaredDifference(a, b), -1);
}

/** Keras's `_maybe_convert_labels`: labels all in {0, 1} become {−1, 1} (decided when the graph runs). */
function maybeConvertLabels(t: Tensor): Tensor {
  const isBinary = ops.reduceAll(ops.logicalOr(ops.equal(t, 0), ops.equal(t, 1)));
  return tf.cond(isBinary, () => ops.subtract(ops.multiply(2, t), 1), () => ops.identity(t)) as Tensor;
}
/** `squared_hinge`: mean(max(1 − y_true·y_pred, 0)², axis=-1), 0/1 labels read as −1/1. */
export function squaredHinge(yTrue: In, yPred: In): Tensor {
  const [t0, p] = prep(yTrue, yPred);
  const t = maybeConvertLabels(t0);
  return ops.reduceMean(ops.square(ops.maximum(ops.subtract(1, ops.multiply(t, p)), 0)), -1);
}
/** `hinge`: mean(max(1 − y_true·y_pred, 0), axis=-1), 0/1 labels read as −1/1. */
export function hinge(yTrue: In, yPred: In): Tensor {
  const [t0, p] = prep(yTrue, yPred);
  const t = maybeConvertLabels(t0);
  return ops.reduceMean(ops.maximum(ops.subtract(1, ops.multiply(t, p)), 0), -1);
}
/** `categorical_hinge`: max(0, max((1 − y_true)·y_pred) − Σ y_true·y_pred + 1). */
export function categoricalHinge(yTrue: In, yPred: In): Tensor {
  const [t, p] = prep(yTrue, yPred);
  const pos = ops.reduceSum(ops.multiply(t, p), -1);
  const neg = ops.reduceMax(ops.multiply(ops.subtract(1, t), p), -1);
  return ops.maximum(0, ops.add(ops.subtract(neg, pos), 1));
}
/** Keras's `huber_loss(y_true, y_pred, delta=1.0)` (element-wise): 0.5·q² + δ·(|e| − q), q = min(|e|, δ). */
export function huberLoss(yTrue: In, yPred: In, delta = 1.0): Tensor {
  const p = ops.cast(T(yPred), floatx());
  const t = ops.cast(T(yTrue), floatx());
  const absErr = ops.abs(ops.subtract(p, t));
  const q = ops.minimum(absErr, delta);
  return ops.add(ops.multiply(0.5, ops.multiply(q, q)), ops.multiply(delta, ops.subtract(absErr, q)));
}
/** `logcosh`: mean(x + softplus(−2x) − log 2, axis=-1), x = y_pred − y_true. */
export function logcosh(yTrue: In, yPred: In): Tensor {
  const [t, p] = prep(yTrue, yPred);
  const x = ops.subtract(p, t);
  return ops.reduceMean(ops.subtract(ops.add(x, ops.nn.softplus(ops.multiply(-2, x))), Math.log(2)), -1);
}
/** `kullback_leibler_divergence` (kld, KLD): Σ t·log(t / p) over the last axis, both clipped to [ε, 1]. */
export function kullbackLeiblerDivergence(yTrue: In, yPred: In): Tensor {
  const [t0, p0] = prep(yTrue, yPred);
  const t = ops.clipByValue(t0, epsilon(), 1);
  const p = ops.clipByValue(p0, epsilon(), 1);
  return ops.reduceSum(ops.multiply(t, ops.log(ops.divide(t, p))), -1);
}
/** `poisson`: mean(y_pred − y_true·log(y_pred + ε), axis=-1). */
export function poisson(yTrue: In, yPred: In): Tensor {
  const [t, p] = prep(yTrue, yPred);
  return ops.reduceMean(ops.subtract(p, ops.multiply(t, ops.log(ops.add(p, epsilon())))), -1);
}
/** `cosine_similarity(y_true, y_pred, axis=-1)` (cosine_proximity, cosine): −Σ l2_normalize(y_true)·l2_normalize(y_pred). */
export function cosineSimilarity(yTrue: In, yPred: In, axis = -1): Tensor {
  const t = ops.nn.l2Normalize(T(yTrue), axis);
  const p = ops.nn.l2Normalize(T(yPred), axis);
  return ops.negative(ops.reduceSum(ops.multiply(t, p), axis));
}

export {
  meanSquaredError as mse, meanSquaredError as MSE, meanAbsoluteError as mae, meanAbsoluteError as MAE,
  meanAbsolutePercentageError as mape, meanAbsolutePercentageError as MAPE, meanSquaredLogarithmicError as msle,
  meanSquaredLogarithmicError as MSLE, kullbackLeiblerDivergence as kld, kullbackLeiblerDivergence as KLD,
  cosineSimilarity as cosineProximity, cosineSimilarity as cosine,
};

// ----- Loss classes -------------------------------------------------------------------------------
/** `keras.losses.Reduction` (ReductionV2). */
export const Reduction = {
  AUTO: 'auto',
  NONE: 'none',
  SUM: 'sum',
  SUM_OVER_BATCH_SIZE: 'sum_over_batch_size',
  all(): string[] {
    return ['auto', 'none', 'sum', 'sum_over_batch_size'];
  },
  validate(key: string): void {
    if (!Reduction.all().includes(key)) throw new ValueError(`Invalid Reduction Key ${key}.`);
  },
} as const;

/** Keras's squeeze_or_expand_dimensions for losses and labels: a trailing 1 more on one side is squeezed. */
function squeezeLabels(p: Tensor, t: Tensor): [Tensor, Tensor] {
  const rp = rankOf(p);
  const rt = rankOf(t);
  if (rp === null || rt === null) return [p, t];
  if (rp === rt + 1 && p.shape![rp - 1] === 1) return [ops.squeeze(p, [-1]), t];
  if (rt === rp + 1 && t.shape![rt - 1] === 1) return [p, ops.squeeze(t, [-1])];
  return [p, t];
}

/**
 * `compute_weighted_loss(losses, sample_weight, reduction)`: losses·sample_weight (a weight of one
 * rank more is squeezed of its last axis, one rank less expanded), reduced as `reduction` says.
 */
export function computeWeightedLoss(losses: Tensor, sampleWeight: In | null, reduction: string): Tensor {
  Reduction.validate(reduction);
  const red = reduction === Reduction.AUTO ? Reduction.SUM_OVER_BATCH_SIZE : reduction;
  return losses.graph.nameScope('weighted_loss', () => {
    const dtype = losses.dtype;
    const l = ops.cast(losses, 'float32');
    let w = ops.cast(sampleWeight === null ? 1.0 : T(sampleWeight), 'float32');
    const rw = rankOf(w);
    const rl = rankOf(l);
    if (rw !== null && rl !== null && rw !== 0) {
      if (rw - rl === 1) w = ops.squeeze(w, [-1]);
      else if (rw - rl === -1) w = ops.expandDims(w, -1);
    }
    const weighted = ops.multiply(l, w);
    let out: Tensor;
    if (red === Reduction.NONE) out = weighted;
    else {
      out = ops.reduceSum(weighted);
      if (red === Reduction.SUM_OVER_BATCH_SIZE) out = ops.divNoNan(out, ops.cast(ops.size(weighted), 'float32'));
    }
    return dtype === 'float32' ? out : ops.cast(out, dtype);
  });
}

/**
 * `keras.losses.Loss(reduction='auto', name=None)`: `loss.apply(yTrue, yPred, sampleWeight)` (Python's
 * `loss(y_true, y_pred, sample_weight)`; the instance itself is callable too) runs `call` in a name
 * scope of the loss's name and reduces the per-sample values.
 */
export abstract class Loss {
  readonly reduction!: string;
  readonly name!: string | null;
  constructor(reduction: string = Reduction.AUTO, name: string | null = null) {
    Reduction.validate(reduction);
    const self = callableInstance(new.target.prototype as Loss, (l, a) => l.apply(a[0] as In, a[1] as In, (a[2] as In | undefined) ?? null)) as { reduction: string; name: string | null };
    self.reduction = reduction;
    self.name = name;
    return self as Loss;
  }
  /** The per-sample losses. */
  abstract call(yTrue: Tensor, yPred: Tensor): Tensor;
  /** `loss(y_true, y_pred, sample_weight=None)`. */
  apply(yTrue: In, yPred: In, sampleWeight: In | null = null): Tensor {
    const p = T(yPred);
    const scope = this.name === '<lambda>' ? 'lambda' : (this.name ?? this.constructor.name);
    return p.graph.nameScope(scope, () => computeWeightedLoss(this.call(T(yTrue), p), sampleWeight, this.reduction));
  }
  getConfig(): Record<string, unknown> {
    return { reduction: this.reduction, name: this.name };
  }
}
export interface Loss {
  (yTrue: In, yPred: In, sampleWeight?: In | null): Tensor;
}

/** `LossFunctionWrapper(fn, reduction='auto', name=None, **kwargs)`: `fn(y_true, y_pred, **kwargs)` as a Loss. */
export class LossFunctionWrapper extends Loss {
  readonly fn: (yTrue: Tensor, yPred: Tensor, ...rest: unknown[]) => Tensor;
  protected readonly fnArgs: unknown[];
  protected readonly fnKwargs: Record<string, unknown>;
  constructor(fn: (yTrue: Tensor, yPred: Tensor, ...rest: unknown[]) => Tensor, reduction: string = Reduction.AUTO, name: string | null = null, fnArgs: unknown[] = [], fnKwargs: Record<string, unknown> = {}) {
    super(reduction, name);
    this.fn = fn;
    this.fnArgs = fnArgs;
    this.fnKwargs = fnKwargs;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    const [p, t] = squeezeLabels(yPred, yTrue);
    return this.fn(t, p, ...this.fnArgs);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.fnKwargs };
  }
}

type Wrapped = new (...args: unknown[]) => LossFunctionWrapper;
/** A wrapper class with extra keyword parameters (`names`, defaults `defaults`) before reduction and name. */
function lossClass(cls: string, defaultName: string, fn: (yTrue: Tensor, yPred: Tensor, ...rest: never[]) => Tensor, names: string[] = [], defaults: unknown[] = []): Wrapped {
  const C = class extends LossFunctionWrapper {
    constructor(...args: unknown[]) {
      const o = bindArgs(cls, [...names, 'reduction', 'name'], args);
      const vals = names.map((n, i) => o[n] ?? defaults[i]);
      const kw = Object.fromEntries(names.map((n, i) => [n, vals[i]]));
      super(fn as never, (o.reduction as string | undefined) ?? Reduction.AUTO, (o.name as string | undefined) ?? defaultName, vals, kw);
    }
  };
  Object.defineProperty(C, 'name', { value: cls });
  return C;
}

/** `MeanSquaredError(reduction='auto', name='mean_squared_error')`. */
export const MeanSquaredError = lossClass('MeanSquaredError', 'mean_squared_error', meanSquaredError);
/** `MeanAbsoluteError(reduction='auto', name='mean_absolute_error')`. */
export const MeanAbsoluteError = lossClass('MeanAbsoluteError', 'mean_absolute_error', meanAbsoluteError);
/** `MeanAbsolutePercentageError(reduction='auto', name='mean_absolute_percentage_error')`. */
export const MeanAbsolutePercentageError = lossClass('MeanAbsolutePercentageError', 'mean_absolute_percentage_error', meanAbsolutePercentageError);
/** `MeanSquaredLogarithmicError(reduction='auto', name='mean_squared_logarithmic_error')`. */
export const MeanSquaredLogarithmicError = lossClass('MeanSquaredLogarithmicError', 'mean_squared_logarithmic_error', meanSquaredLogarithmicError);
/** `BinaryCrossentropy(from_logits=False, label_smoothing=0, reduction='auto', name='binary_crossentropy')`. */
export const BinaryCrossentropy = lossClass('BinaryCrossentropy', 'binary_crossentropy', binaryCrossentropy, ['fromLogits', 'labelSmoothing'], [false, 0]);
/** `CategoricalCrossentropy(from_logits=False, label_smoothing=0, reduction='auto', name='categorical_crossentropy')`. */
export const CategoricalCrossentropy = lossClass('CategoricalCrossentropy', 'categorical_crossentropy', categoricalCrossentropy, ['fromLogits', 'labelSmoothing'], [false, 0]);
/** `SparseCategoricalCrossentropy(from_logits=False, reduction='auto', name='sparse_categorical_crossentropy')`. */
export const SparseCategoricalCrossentropy = lossClass('SparseCategoricalCrossentropy', 'sparse_categorical_crossentropy', sparseCategoricalCrossentropy, ['fromLogits'], [false]);
/** `Hinge(reduction='auto', name='hinge')`. */
export const Hinge = lossClass('Hinge', 'hinge', hinge);
/** `SquaredHinge(reduction='auto', name='squared_hinge')`. */
export const SquaredHinge = lossClass('SquaredHinge', 'squared_hinge', squaredHinge);
/** `CategoricalHinge(reduction='auto', name='categorical_hinge')`. */
export const CategoricalHinge = lossClass('CategoricalHinge', 'categorical_hinge', categoricalHinge);
/** `Poisson(reduction='auto', name='poisson')`. */
export const Poisson = lossClass('Poisson', 'poisson', poisson);
/** `LogCosh(reduction='auto', name='logcosh')`. */
export const LogCosh = lossClass('LogCosh', 'logcosh', logcosh);
/** `KLDivergence(reduction='auto', name='kullback_leibler_divergence')`. */
export const KLDivergence = lossClass('KLDivergence', 'kullback_leibler_divergence', kullbackLeiblerDivergence);
/** `Huber(delta=1.0, reduction='auto', name='huber_loss')`: element-wise Huber, reduced over every element. */
export const Huber = lossClass('Huber', 'huber_loss', huberLoss, ['delta'], [1.0]);
/** `CosineSimilarity(axis=-1, reduction='auto', name='cosine_similarity')`. */
export const CosineSimilarity = lossClass('CosineSimilarity', 'cosine_similarity', cosineSimilarity, ['axis'], [-1]);

const MODULE: Record<string, unknown> = {
  Loss, LossFunctionWrapper, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, BinaryCrossentropy,
  CategoricalCrossentropy, SparseCategoricalCrossentropy, Hinge, SquaredHinge, CategoricalHinge, Poisson, LogCosh, KLDivergence, Huber, CosineSimilarity,
  mean_squared_error: meanSquaredError, mse: meanSquaredError, MSE: meanSquaredError,
  mean_absolute_error: meanAbsoluteError, mae: meanAbsoluteError, MAE: meanAbsoluteError,
  mean_absolute_percentage_error: meanAbsolutePercentageError, mape: meanAbsolutePercentageError, MAPE: meanAbsolutePercentageError,
  mean_squared_logarithmic_error: meanSquaredLogarithmicError, msle: meanSquaredLogarithmicError, MSLE: meanSquaredLogarithmicError,
  kullback_leibler_divergence: kullbackLeiblerDivergence, kld: kullbackLeiblerDivergence, KLD: kullbackLeiblerDivergence,
  squared_hinge: squaredHinge, hinge, categorical_hinge: categoricalHinge, logcosh, poisson,
  categorical_crossentropy: categoricalCrossentropy, sparse_categorical_crossentropy: sparseCategoricalCrossentropy, binary_crossentropy: binaryCrossentropy,
  cosine_similarity: cosineSimilarity, cosine_proximity: cosineSimilarity, cosine: cosineSimilarity, huber_loss: huberLoss,
};
const NAMES = new Map<unknown, string>([
  [meanSquaredError, 'mean_squared_error'], [meanAbsoluteError, 'mean_absolute_error'], [meanAbsolutePercentageError, 'mean_absolute_percentage_error'],
  [meanSquaredLogarithmicError, 'mean_squared_logarithmic_error'], [kullbackLeiblerDivergence, 'kullback_leibler_divergence'], [squaredHinge, 'squared_hinge'],
  [hinge, 'hinge'], [categoricalHinge, 'categorical_hinge'], [logcosh, 'logcosh'], [poisson, 'poisson'], [categoricalCrossentropy, 'categorical_crossentropy'],
  [sparseCategoricalCrossentropy, 'sparse_categorical_crossentropy'], [binaryCrossentropy, 'binary_crossentropy'], [cosineSimilarity, 'cosine_similarity'],
  [huberLoss, 'huber_loss'],
]);

/** `losses.serialize(loss)`: a function's Keras name, a Loss's `{className, config}`. */
export function serialize(loss: unknown): unknown {
  return serializeKerasObject(loss, NAMES);
}
/** `losses.deserialize(name, custom_objects=None)`. */
export function deserialize(name: unknown, customObjects: Record<string, unknown> | null = null): unknown {
  return deserializeKerasObject(name, MODULE, customObjects, 'loss function');
}
/** `losses.get(identifier)`: null, a Keras name or config, a function or Loss as is. */
export function get(identifier: unknown): unknown {
  if (identifier === null || identifier === undefined) return null;
  if (typeof identifier === 'string') return deserialize(identifier);
  if (typeof identifier === 'object' && !Array.isArray(identifier)) return deserialize(identifier);
  if (typeof identifier === 'function' || identifier instanceof Loss) return identifier;
  throw new ValueError(`Could not interpret loss function identifier: ${String(identifier)}`);
}

/**
 * The per-sample loss function compile uses for `l`: a Keras name (also camelCase), a function,
 * or a Loss instance (applied with its reduction, so the model's batch mean leaves it as is).
 */
export function getLoss(l: string | LossFn | Loss): LossFn {
  if (l instanceof Loss) return (t, p) => l.apply(t, p);
  if (typeof l === 'function') return l;
  const key = l in MODULE ? l : l.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  const f = MODULE[key];
  if (f === undefined) throw new ValueError(`Unknown loss function:${l}`);
  if (isClass(f)) {
    const inst = new (f as new () => Loss)();
    return (t, p) => inst.apply(t, p);
  }
  return f as LossFn;
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
  const f = named[m] ?? (m in MODULE && !isClass(MODULE[m]) ? (MODULE[m] as LossFn) : undefined);
  if (!f) throw new ValueError(`Unknown metric function:${m}`);
  return { name: m, fn: f };
}
