/**
 * The stateful `tf.keras.metrics` classes of TF 1.15's keras/metrics.py in graph mode. A Metric
 * holds non-trainable state variables made by `addWeight` (as TF 1.15's Metric.add_weight: in no
 * collection — neither tf.globalVariables nor tf.localVariables list them; `m.variables` does);
 * `updateState(yTrue, yPred, sampleWeight?)` returns the update op, `result()` the value tensor,
 * calling the metric (`m(yTrue, yPred)`) gives the result computed after the update, and
 * `resetStates()` writes zeros into the state in the Keras session.
 */
import { ValueError } from '../errors.js';
import { controlDependencies, getDefaultGraph } from '../graph/context.js';
import type { Graph } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { uniqueLayerName, toSnakeCase } from '../layers/base.js';
import { bindArgs } from '../layers/kwargs.js';
import { assertCompatible, broadcastWeights, squeezeLabelsPredictions } from '../losses/weights.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import * as ops from '../ops/index.js';
import { Variable } from '../ops/variables.js';
import { parseDType, type DType } from '../dtype.js';
import { batchSetValue, epsilon, floatx } from './backend.js';
import { callableInstance } from './generic-utils.js';
import * as L from './losses.js';
import {
  accuracy, binaryAccuracy, categoricalAccuracy, cosineProximityPositive, sparseCategoricalAccuracy, sparseTopKCategoricalAccuracy,
  topKCategoricalAccuracy,
} from './metrics-functions.js';

type In = TensorLike | Variable;
type UpdateOp = Tensor | Operation;
const T = (x: In): Tensor => (x instanceof Tensor ? x : x instanceof Variable ? x.value() : toTensor(x as TensorLike));
const rankOf = (t: Tensor): number | null => t.shape?.length ?? null;

/**
 * losses_utils `squeeze_or_expand_dimensions(y_pred, y_true, sample_weight)`: a trailing 1 squeezed
 * off y_true or y_pred (unless y_pred is one rank more with a last dim other than 1), and the
 * weights squeezed or expanded by one rank to y_pred's.
 */
export function squeezeOrExpandDimensions(yPred: Tensor, yTrue: Tensor | null, sampleWeight: Tensor | null): [Tensor, Tensor | null, Tensor | null] {
  let p = yPred;
  let t = yTrue;
  const rp = rankOf(p);
  if (t !== null) {
    const rt = rankOf(t);
    if (rt !== null && rp !== null && (rp - rt !== 1 || p.shape![rp - 1] === 1)) [t, p] = squeezeLabelsPredictions(t, p);
  }
  if (sampleWeight === null) return [p, t, null];
  let w = sampleWeight;
  const rw = rankOf(w);
  const rp2 = rankOf(p);
  if (rw === 0 || rw === null || rp2 === null) return [p, t, w];
  if (rw - rp2 === 1) w = ops.squeeze(w, [-1]);
  else if (rp2 - rw === 1) w = ops.expandDims(w, -1);
  return [p, t, w];
}

/**
 * `keras.metrics.Metric(name=None, dtype=None)`: subclass it with state made by `addWeight` in the
 * constructor, `updateState(...)` returning the update op and `result()`.
 */
export abstract class Metric {
  name!: string;
  /** The dtype of the state and the result (floatx() by default). */
  readonly dtype!: DType;
  readonly stateful = true;
  readonly built = true;
  readonly trainable = false;
  protected readonly graph!: Graph;
  private readonly stateVariables!: Variable[];

  constructor(...args: unknown[]) {
    const o = bindArgs(new.target.name, ['name', 'dtype'], args);
    const self = callableInstance(new.target.prototype as Metric, (m, a) => m.call(...a)) as unknown as Record<string, unknown>;
    const g = getDefaultGraph();
    self.graph = g;
    self.name = (o.name as string | null | undefined) || uniqueLayerName(toSnakeCase(new.target.name), g);
    self.dtype = o.dtype === undefined || o.dtype === null ? floatx() : parseDType(o.dtype as string);
    self.stateVariables = [];
    self.stateful = true;
    self.built = true;
    self.trainable = false;
    return self as unknown as Metric;
  }

  /**
   * `add_weight(name, shape=(), aggregation=SUM, synchronization=ON_READ, initializer=None, dtype=None)`:
   * a non-trainable state variable (zeros unless the initializer says 'ones' or gives a value for
   * `(shape, dtype)`).
   */
  addWeight(...args: unknown[]): Variable {
    const o = bindArgs('add_weight', ['name', 'shape', 'aggregation', 'synchronization', 'initializer', 'dtype'], args);
    const shape = [...((o.shape as number[] | undefined) ?? [])];
    if (shape.some((d) => d === null || !Number.isInteger(d))) throw new ValueError(`add_weight: the shape of weight ${String(o.name)} must be fully defined, got [${shape.join(', ')}]`);
    const dtype = o.dtype === undefined || o.dtype === null ? this.dtype : parseDType(o.dtype as string);
    const init = o.initializer;
    const value = (): TensorLike => {
      if (init === undefined || init === null || init === 'zeros' || init === 'Zeros') return ops.zeros(shape, dtype);
      if (init === 'ones' || init === 'Ones') return ops.ones(shape, dtype);
      if (typeof init === 'function') return (init as (s: number[], d: DType) => TensorLike)(shape, dtype);
      throw new ValueError(`add_weight: unsupported initializer ${String(init)} for a metric weight`);
    };
    const v = this.graph.asDefault(() => new Variable(value, { name: String(o.name ?? 'Variable'), trainable: false, collections: [], dtype }));
    this.stateVariables.push(v);
    return v;
  }

  get variables(): Variable[] {
    return [...this.stateVariables];
  }
  get weights(): Variable[] {
    return this.variables;
  }
  get nonTrainableWeights(): Variable[] {
    return this.variables;
  }
  get trainableWeights(): Variable[] {
    return [];
  }

  /** Accumulate a batch; returns the update op. */
  abstract updateState(...args: unknown[]): UpdateOp;
  /** The metric's value from the state. */
  abstract result(): Tensor;

  /** `metric(y_true, y_pred, sample_weight=None)`: `result()` under a control dependency on `updateState(...)`. */
  call(...args: unknown[]): Tensor {
    return this.graph.asDefault(() => {
      const update = this.updateState(...args);
      return controlDependencies([update], () => ops.identity(this.result()));
    });
  }

  /** `reset_states()`: zeros into every state variable (Keras's K.batch_set_value, in the Keras session). */
  async resetStates(): Promise<void> {
    await batchSetValue(this.variables.map((v) => [v, zerosHost(v)] as [Variable, never]));
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: this.dtype };
  }
  /** `Metric.from_config(config)`. */
  static fromConfig<C extends new (...a: unknown[]) => Metric>(this: C, config: Record<string, unknown>): InstanceType<C> {
    return new this({ ...config }) as InstanceType<C>;
  }
}
export interface Metric {
  (...args: unknown[]): Tensor;
}

/** A host array of zeros the shape of `v` (what reset_states writes). */
function zerosHost(v: Variable): unknown {
  const shape = v.shape as number[];
  const build = (d: number): unknown => (d === shape.length ? 0 : Array.from({ length: shape[d]! }, () => build(d + 1)));
  return build(0);
}

/** metrics_utils.Reduction. */
export const MetricReduction = { SUM: 'sum', SUM_OVER_BATCH_SIZE: 'sum_over_batch_size', WEIGHTED_MEAN: 'weighted_mean' } as const;

/** `Reduce(reduction, name, dtype)`: `total` (and `count`) reduced over the weighted values. */
export class Reduce extends Metric {
  readonly reduction: string;
  readonly total: Variable;
  readonly count: Variable | null = null;
  constructor(reduction: string, name: string | null, dtype: string | null = null) {
    super(name, dtype);
    this.reduction = reduction;
    this.total = this.addWeight('total');
    this.count = reduction === MetricReduction.SUM ? null : this.addWeight('count');
  }
  updateState(values: In, sampleWeight: In | null = null): UpdateOp {
    return this.graph.asDefault(() => {
      let v = ops.cast(T(values), this.dtype);
      let w: Tensor | null = null;
      if (sampleWeight !== null && sampleWeight !== undefined) {
        w = ops.cast(T(sampleWeight), this.dtype);
        [v, , w] = squeezeOrExpandDimensions(v, null, w) as [Tensor, null, Tensor];
        try {
          w = broadcastWeights(w, v);
        } catch (e) {
          if (!(e instanceof ValueError)) throw e;
          // Reduce the values to the weights' rank.
          const nd = rankOf(v)!;
          const wd = rankOf(w!)!;
          const axes = Array.from({ length: nd - wd }, (_, i) => wd + i);
          v = this.reduction === MetricReduction.SUM ? ops.reduceSum(v, axes) : ops.reduceMean(v, axes);
        }
        v = ops.multiply(v, w!);
      }
      const valueSum = ops.reduceSum(v);
      const updateTotal = controlDependencies([valueSum], () => ops.assignAdd(this.total, valueSum));
      if (this.reduction === MetricReduction.SUM) return updateTotal;
      let num: Tensor;
      if (this.reduction === MetricReduction.SUM_OVER_BATCH_SIZE || w === null) num = ops.cast(ops.size(v), this.dtype);
      else if (this.reduction === MetricReduction.WEIGHTED_MEAN) num = ops.reduceSum(w);
      else throw new ValueError(`reduction [${this.reduction}] not implemented`);
      return controlDependencies([updateTotal], () => ops.assignAdd(this.count!, num));
    });
  }
  result(): Tensor {
    return this.graph.asDefault(() => (this.reduction === MetricReduction.SUM ? ops.identity(this.total.value()) : ops.divNoNan(this.total.value(), this.count!.value())));
  }
}

/** `keras.metrics.Sum(name='sum', dtype=None)`: the weighted sum of the values. */
export class Sum extends Reduce {
  constructor(...args: unknown[]) {
    const o = bindArgs('Sum', ['name', 'dtype'], args);
    super(MetricReduction.SUM, (o.name as string | undefined) ?? 'sum', (o.dtype as string | undefined) ?? null);
  }
}

/** `keras.metrics.Mean(name='mean', dtype=None)`: Σ w·v / Σ w (weights broadcast to the values). */
export class Mean extends Reduce {
  constructor(...args: unknown[]) {
    const o = bindArgs('Mean', ['name', 'dtype'], args);
    super(MetricReduction.WEIGHTED_MEAN, (o.name as string | undefined) ?? 'mean', (o.dtype as string | undefined) ?? null);
  }
}

/** `keras.metrics.MeanRelativeError(normalizer, name=None, dtype=None)`: mean(|y_true − y_pred| / normalizer). */
export class MeanRelativeError extends Mean {
  normalizer: Tensor;
  private readonly normalizerValue: unknown;
  constructor(...args: unknown[]) {
    const o = bindArgs('MeanRelativeError', ['normalizer', 'name', 'dtype'], args, 1);
    super((o.name as string | undefined) ?? null, (o.dtype as string | undefined) ?? null);
    this.normalizerValue = o.normalizer;
    this.normalizer = this.graph.asDefault(() => ops.cast(T(o.normalizer as In), this.dtype));
  }
  override updateState(yTrue: In, yPred: In, sampleWeight: In | null = null): UpdateOp {
    return this.graph.asDefault(() => {
      let t: Tensor | null = ops.cast(T(yTrue), this.dtype);
      let p = ops.cast(T(yPred), this.dtype);
      [p, t] = squeezeOrExpandDimensions(p, t, null);
      [p, this.normalizer] = squeezeLabelsPredictions(p, this.normalizer);
      assertCompatible(p.shape, t!.shape);
      const rel = ops.divNoNan(ops.abs(ops.subtract(t!, p)), this.normalizer);
      return super.updateState(rel, sampleWeight);
    });
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), normalizer: this.normalizerValue };
  }
}

type MetricFn = (yTrue: Tensor, yPred: Tensor, ...rest: never[]) => Tensor;

/** `MeanMetricWrapper(fn, name=None, dtype=None, **kwargs)`: the weighted mean of `fn(y_true, y_pred, **kwargs)`. */
export class MeanMetricWrapper extends Mean {
  protected readonly fn: MetricFn;
  protected readonly fnArgs: unknown[];
  protected readonly fnKwargs: Record<string, unknown>;
  constructor(fn: MetricFn, name: string | null = null, dtype: string | null = null, fnKwargs: Record<string, unknown> = {}, fnArgs: unknown[] = Object.values(fnKwargs)) {
    super(name, dtype);
    this.fn = fn;
    this.fnKwargs = fnKwargs;
    this.fnArgs = fnArgs;
  }
  override updateState(yTrue: In, yPred: In, sampleWeight: In | null = null): UpdateOp {
    return this.graph.asDefault(() => {
      let t: Tensor | null = ops.cast(T(yTrue), this.dtype);
      let p = ops.cast(T(yPred), this.dtype);
      [p, t] = squeezeOrExpandDimensions(p, t, null);
      const matches = (this.fn as (a: Tensor, b: Tensor, ...r: unknown[]) => Tensor)(t!, p, ...this.fnArgs);
      return super.updateState(matches, sampleWeight);
    });
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.fnKwargs };
  }
}

type WrapperCtor = new (...args: unknown[]) => MeanMetricWrapper;
/**
 * A MeanMetricWrapper class whose constructor takes `params` in TF's order (among them 'name' and
 * 'dtype'); the others, with their defaults, go on to `fn` as its extra arguments in `fnParams`' order.
 */
function wrapper(cls: string, defaultName: string, fn: MetricFn, params: string[] = ['name', 'dtype'], defaults: Record<string, unknown> = {}, fnParams: string[] = []): WrapperCtor {
  const C = class extends MeanMetricWrapper {
    constructor(...args: unknown[]) {
      const o = bindArgs(cls, params, args);
      const kw = Object.fromEntries(fnParams.map((n) => [n, o[n] ?? defaults[n]]));
      super(fn, (o.name as string | undefined) ?? defaultName, (o.dtype as string | undefined) ?? null, kw, fnParams.map((n) => kw[n]));
    }
  };
  Object.defineProperty(C, 'name', { value: cls });
  return C;
}

/** `Accuracy(name='accuracy', dtype=None)`: how often y_pred equals y_true. */
export const Accuracy = wrapper('Accuracy', 'accuracy', accuracy);
/** `BinaryAccuracy(name='binary_accuracy', dtype=None, threshold=0.5)`. */
export const BinaryAccuracy = wrapper('BinaryAccuracy', 'binary_accuracy', binaryAccuracy, ['name', 'dtype', 'threshold'], { threshold: 0.5 }, ['threshold']);
/** `CategoricalAccuracy(name='categorical_accuracy', dtype=None)`. */
export const CategoricalAccuracy = wrapper('CategoricalAccuracy', 'categorical_accuracy', categoricalAccuracy);
/** `SparseCategoricalAccuracy(name='sparse_categorical_accuracy', dtype=None)`. */
export const SparseCategoricalAccuracy = wrapper('SparseCategoricalAccuracy', 'sparse_categorical_accuracy', sparseCategoricalAccuracy);
/** `TopKCategoricalAccuracy(k=5, name='top_k_categorical_accuracy', dtype=None)`. */
export const TopKCategoricalAccuracy = wrapper('TopKCategoricalAccuracy', 'top_k_categorical_accuracy', topKCategoricalAccuracy, ['k', 'name', 'dtype'], { k: 5 }, ['k']);
/** `SparseTopKCategoricalAccuracy(k=5, name='sparse_top_k_categorical_accuracy', dtype=None)`. */
export const SparseTopKCategoricalAccuracy = wrapper('SparseTopKCategoricalAccuracy', 'sparse_top_k_categorical_accuracy', sparseTopKCategoricalAccuracy, ['k', 'name', 'dtype'], { k: 5 }, ['k']);
/** `CosineSimilarity(name='cosine_similarity', dtype=None, axis=-1)`: mean of Σ l2_normalize(y_true)·l2_normalize(y_pred). */
export const CosineSimilarity = wrapper('CosineSimilarity', 'cosine_similarity', cosineProximityPositive, ['name', 'dtype', 'axis'], { axis: -1 }, ['axis']);
/** `MeanAbsoluteError(name='mean_absolute_error', dtype=None)`. */
export const MeanAbsoluteError = wrapper('MeanAbsoluteError', 'mean_absolute_error', L.meanAbsoluteError);
/** `MeanAbsolutePercentageError(name='mean_absolute_percentage_error', dtype=None)`. */
export const MeanAbsolutePercentageError = wrapper('MeanAbsolutePercentageError', 'mean_absolute_percentage_error', L.meanAbsolutePercentageError);
/** `MeanSquaredError(name='mean_squared_error', dtype=None)`. */
export const MeanSquaredError = wrapper('MeanSquaredError', 'mean_squared_error', L.meanSquaredError);
/** `MeanSquaredLogarithmicError(name='mean_squared_logarithmic_error', dtype=None)`. */
export const MeanSquaredLogarithmicError = wrapper('MeanSquaredLogarithmicError', 'mean_squared_logarithmic_error', L.meanSquaredLogarithmicError);
/** `Hinge(name='hinge', dtype=None)`. */
export const Hinge = wrapper('Hinge', 'hinge', L.hinge);
/** `SquaredHinge(name='squared_hinge', dtype=None)`. */
export const SquaredHinge = wrapper('SquaredHinge', 'squared_hinge', L.squaredHinge);
/** `CategoricalHinge(name='categorical_hinge', dtype=None)`. */
export const CategoricalHinge = wrapper('CategoricalHinge', 'categorical_hinge', L.categoricalHinge);
/** `LogCoshError(name='logcosh', dtype=None)`. */
export const LogCoshError = wrapper('LogCoshError', 'logcosh', L.logcosh);
/** `Poisson(name='poisson', dtype=None)`. */
export const Poisson = wrapper('Poisson', 'poisson', L.poisson);
/** `KLDivergence(name='kullback_leibler_divergence', dtype=None)`. */
export const KLDivergence = wrapper('KLDivergence', 'kullback_leibler_divergence', L.kullbackLeiblerDivergence);
/** `BinaryCrossentropy(name='binary_crossentropy', dtype=None, from_logits=False, label_smoothing=0)`. */
export const BinaryCrossentropy = wrapper('BinaryCrossentropy', 'binary_crossentropy', L.binaryCrossentropy, ['name', 'dtype', 'fromLogits', 'labelSmoothing'], { fromLogits: false, labelSmoothing: 0 }, ['fromLogits', 'labelSmoothing']);
/** `CategoricalCrossentropy(name='categorical_crossentropy', dtype=None, from_logits=False, label_smoothing=0)`. */
export const CategoricalCrossentropy = wrapper('CategoricalCrossentropy', 'categorical_crossentropy', L.categoricalCrossentropy, ['name', 'dtype', 'fromLogits', 'labelSmoothing'], { fromLogits: false, labelSmoothing: 0 }, ['fromLogits', 'labelSmoothing']);
/** `SparseCategoricalCrossentropy(name='sparse_categorical_crossentropy', dtype=None, from_logits=False, axis=-1)`. */
export const SparseCategoricalCrossentropy = wrapper('SparseCategoricalCrossentropy', 'sparse_categorical_crossentropy', L.sparseCategoricalCrossentropy, ['name', 'dtype', 'fromLogits', 'axis'], { fromLogits: false, axis: -1 }, ['fromLogits', 'axis']);

/** `RootMeanSquaredError(name='root_mean_squared_error', dtype=None)`: sqrt of the weighted mean of (y_pred − y_true)². */
export class RootMeanSquaredError extends Mean {
  constructor(...args: unknown[]) {
    const o = bindArgs('RootMeanSquaredError', ['name', 'dtype'], args);
    super((o.name as string | undefined) ?? 'root_mean_squared_error', (o.dtype as string | undefined) ?? null);
  }
  override updateState(yTrue: In, yPred: In, sampleWeight: In | null = null): UpdateOp {
    return this.graph.asDefault(() => {
      let t: Tensor | null = ops.cast(T(yTrue), this.dtype);
      let p = ops.cast(T(yPred), this.dtype);
      [p, t] = squeezeOrExpandDimensions(p, t, null);
      return super.updateState(ops.squaredDifference(p, t!), sampleWeight);
    });
  }
  override result(): Tensor {
    return this.graph.asDefault(() => ops.sqrt(ops.divNoNan(this.total.value(), this.count!.value())));
  }
}

/** `keras.metrics.MeanTensor(name='mean_tensor', dtype=None)`: the element-wise weighted mean; its state takes the first values' shape. */
export class MeanTensor extends Metric {
  private shapeSet: number[] | null = null;
  private totalVar: Variable | null = null;
  private countVar: Variable | null = null;
  constructor(...args: unknown[]) {
    const o = bindArgs('MeanTensor', ['name', 'dtype'], args);
    super((o.name as string | undefined) ?? 'mean_tensor', (o.dtype as string | undefined) ?? null);
  }
  get total(): Variable | null {
    return this.totalVar;
  }
  get count(): Variable | null {
    return this.countVar;
  }
  updateState(values: In, sampleWeight: In | null = null): UpdateOp {
    return this.graph.asDefault(() => {
      let v = ops.cast(T(values), this.dtype);
      const shape = v.shape;
      const fmt = (s: readonly (number | null)[] | null): string => (s === null ? '<unknown>' : `(${s.map((d) => d ?? 'None').join(', ')}${s.length === 1 ? ',' : ''})`);
      if (this.shapeSet === null) {
        if (shape === null || shape.some((d) => d === null)) throw new ValueError(`MeanTensor: the values' shape must be fully defined, got ${fmt(shape)}`);
        this.shapeSet = [...(shape as number[])];
        this.totalVar = this.addWeight('total', this.shapeSet);
        this.countVar = this.addWeight('count', this.shapeSet);
      } else if (shape === null || shape.length !== this.shapeSet.length || shape.some((d, i) => d !== this.shapeSet![i])) {
        throw new ValueError(`MeanTensor input values must always have the same shape. Expected shape (set during the first call): ${fmt(this.shapeSet)}. Got: ${fmt(shape)}`);
      }
      let num = ops.onesLike(v);
      if (sampleWeight !== null && sampleWeight !== undefined) {
        let w = ops.cast(T(sampleWeight), this.dtype);
        [v, , w] = squeezeOrExpandDimensions(v, null, w) as [Tensor, null, Tensor];
        try {
          w = broadcastWeights(w, v);
        } catch (e) {
          if (!(e instanceof ValueError)) throw e;
          const nd = rankOf(v)!;
          const wd = rankOf(w)!;
          v = ops.reduceMean(v, Array.from({ length: nd - wd }, (_, i) => wd + i));
        }
        num = ops.multiply(num, w);
        v = ops.multiply(v, w);
      }
      const updateTotal = ops.assignAdd(this.totalVar!, v);
      return controlDependencies([updateTotal], () => ops.assignAdd(this.countVar!, num));
    });
  }
  result(): Tensor {
    if (this.totalVar === null) throw new ValueError('MeanTensor does not have any result yet. Please call the MeanTensor instance or use `.update_state(value)` before retrieving the result.');
    return this.graph.asDefault(() => ops.divNoNan(this.totalVar!.value(), this.countVar!.value()));
  }
  override async resetStates(): Promise<void> {
    if (this.totalVar !== null) await super.resetStates();
  }
}

// ----- confusion-matrix metrics ------------------------------------------------------------------

/** metrics_utils.NEG_INF. */
const NEG_INF = -1e10;

export type ConfusionKind = 'tp' | 'fp' | 'tn' | 'fn';

/** metrics_utils `parse_init_thresholds`: the given thresholds (each in [0, 1]) or the default, as a list. */
function parseInitThresholds(thresholds: unknown, defaultThreshold: number): number[] {
  if (thresholds !== undefined && thresholds !== null) {
    const list = Array.isArray(thresholds) ? (thresholds as unknown[]) : [thresholds];
    const bad = list.filter((t) => t === null || t === undefined || typeof t !== 'number' || t < 0 || t > 1);
    if (bad.length > 0) throw new ValueError(`Threshold values must be in [0, 1]. Invalid values: [${bad.map((b) => String(b ?? 'None')).join(', ')}]`);
    return list as number[];
  }
  return [defaultThreshold];
}

/** metrics_utils `_filter_top_k`: entries outside each row's top k become NEG_INF. */
function filterTopK(x: Tensor, k: number): Tensor {
  const last = x.shape?.[x.shape.length - 1];
  if (last === null || last === undefined) throw new ValueError('top_k: the last dimension of the predictions must be known');
  const [, idx] = ops.nn.topK(x, k, false);
  const mask = ops.reduceSum(ops.oneHot(idx, last, { axis: -1, dtype: x.dtype }), -2);
  return ops.add(ops.multiply(x, mask), ops.multiply(NEG_INF, ops.subtract(1, mask)));
}

/**
 * metrics_utils `update_confusion_matrix_variables`: predictions (checked in [0, 1]) above each
 * threshold count as positive; the (weighted) tp / fp / tn / fn counts are added to `vars`.
 * `topK` keeps each row's k largest predictions, `classId` looks at one class (last axis).
 */
export function updateConfusionMatrixVariables(
  vars: Partial<Record<ConfusionKind, Variable>>, yTrue: In, yPred: In, thresholds: number[], topK: number | null = null,
  classId: number | null = null, sampleWeight: In | null = null,
): Operation {
  let t: Tensor | null = ops.cast(T(yTrue), 'float32');
  let p = ops.cast(T(yPred), 'float32');
  assertCompatible(p.shape, t.shape);
  let w: Tensor | null = sampleWeight === null || sampleWeight === undefined ? null : T(sampleWeight);
  const checks = [
    ops.assertGreaterEqual(p, 0, { message: 'predictions must be >= 0' }),
    ops.assertLessEqual(p, 1, { message: 'predictions must be <= 1' }),
  ];
  controlDependencies(checks, () => {
    [p, t, w] = squeezeOrExpandDimensions(ops.identity(p), t, w);
  });
  if (topK !== null) p = filterTopK(p, topK);
  if (classId !== null) {
    const r = rankOf(p);
    if (r === null) throw new ValueError('class_id: the rank of the predictions must be known');
    t = ops.gather(t!, classId, { axis: r - 1 });
    p = ops.gather(p, classId, { axis: r - 1 });
  }
  const n = thresholds.length;
  const pred = ops.reshape(p, [1, -1]);
  const thresh = ops.reshape(ops.constant(thresholds, 'float32'), [n, 1]);
  const predIsPos = ops.greater(pred, thresh);
  const predIsNeg = ops.logicalNot(predIsPos);
  const labelIsPos = ops.reshape(ops.cast(t!, 'bool'), [1, -1]);
  const labelIsNeg = ops.logicalNot(labelIsPos);
  const weights = w === null ? null : ops.reshape(broadcastWeights(ops.cast(w, 'float32'), p), [1, -1]);
  const spec: Record<ConfusionKind, [Tensor, Tensor]> = {
    tp: [labelIsPos, predIsPos], fn: [labelIsPos, predIsNeg], tn: [labelIsNeg, predIsNeg], fp: [labelIsNeg, predIsPos],
  };
  const updates: Tensor[] = [];
  for (const k of ['tp', 'fn', 'tn', 'fp'] as ConfusionKind[]) {
    const v = vars[k];
    if (!v) continue;
    let both = ops.cast(ops.logicalAnd(spec[k][0], spec[k][1]), 'float32');
    if (weights !== null) both = ops.multiply(both, weights);
    updates.push(ops.assignAdd(v, ops.reduceSum(both, 1)));
  }
  return ops.group(updates);
}

const first = (x: Tensor, many: boolean): Tensor => (many ? x : ops.gather(x, 0));

/** `_ConfusionMatrixConditionCount(confusion_matrix_cond, thresholds=None, name=None, dtype=None)`. */
abstract class ConfusionMatrixConditionCount extends Metric {
  readonly initThresholds: unknown;
  readonly thresholds: number[];
  readonly accumulator: Variable;
  protected abstract readonly cond: ConfusionKind;
  constructor(...args: unknown[]) {
    const o = bindArgs(new.target.name, ['thresholds', 'name', 'dtype'], args);
    super((o.name as string | undefined) ?? null, (o.dtype as string | undefined) ?? null);
    this.initThresholds = o.thresholds ?? null;
    this.thresholds = parseInitThresholds(o.thresholds, 0.5);
    this.accumulator = this.addWeight('accumulator', [this.thresholds.length]);
  }
  updateState(yTrue: In, yPred: In, sampleWeight: In | null = null): UpdateOp {
    return this.graph.asDefault(() => updateConfusionMatrixVariables({ [this.cond]: this.accumulator }, yTrue, yPred, this.thresholds, null, null, sampleWeight));
  }
  result(): Tensor {
    return this.graph.asDefault(() => first(this.accumulator.value(), this.thresholds.length !== 1));
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), thresholds: this.initThresholds };
  }
}
/** `FalsePositives(thresholds=None, name=None, dtype=None)`. */
export class FalsePositives extends ConfusionMatrixConditionCount {
  protected readonly cond = 'fp' as const;
}
/** `FalseNegatives(thresholds=None, name=None, dtype=None)`. */
export class FalseNegatives extends ConfusionMatrixConditionCount {
  protected readonly cond = 'fn' as const;
}
/** `TrueNegatives(thresholds=None, name=None, dtype=None)`. */
export class TrueNegatives extends ConfusionMatrixConditionCount {
  protected readonly cond = 'tn' as const;
}
/** `TruePositives(thresholds=None, name=None, dtype=None)`. */
export class TruePositives extends ConfusionMatrixConditionCount {
  protected readonly cond = 'tp' as const;
}

/** Precision / Recall: tp and fp (or fn) at the thresholds, with top_k and class_id. */
abstract class PrecisionRecall extends Metric {
  readonly initThresholds: unknown;
  readonly topK: number | null;
  readonly classId: number | null;
  readonly thresholds: number[];
  readonly truePositives: Variable;
  protected readonly other: Variable;
  protected abstract readonly otherKind: ConfusionKind;
  constructor(otherName: string, args: unknown[], cls: string) {
    const o = bindArgs(cls, ['thresholds', 'topK', 'classId', 'name', 'dtype'], args);
    super((o.name as string | undefined) ?? null, (o.dtype as string | undefined) ?? null);
    this.initThresholds = o.thresholds ?? null;
    this.topK = (o.topK as number | undefined) ?? null;
    this.classId = (o.classId as number | undefined) ?? null;
    this.thresholds = parseInitThresholds(o.thresholds, this.topK === null ? 0.5 : NEG_INF);
    this.truePositives = this.addWeight('true_positives', [this.thresholds.length]);
    this.other = this.addWeight(otherName, [this.thresholds.length]);
  }
  updateState(yTrue: In, yPred: In, sampleWeight: In | null = null): UpdateOp {
    return this.graph.asDefault(() =>
      updateConfusionMatrixVariables({ tp: this.truePositives, [this.otherKind]: this.other }, yTrue, yPred, this.thresholds, this.topK, this.classId, sampleWeight));
  }
  result(): Tensor {
    return this.graph.asDefault(() => {
      const tp = this.truePositives.value();
      return first(ops.divNoNan(tp, ops.add(tp, this.other.value())), this.thresholds.length !== 1);
    });
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), thresholds: this.initThresholds, topK: this.topK, classId: this.classId };
  }
}
/** `Precision(thresholds=None, top_k=None, class_id=None, name=None, dtype=None)`: tp / (tp + fp). */
export class Precision extends PrecisionRecall {
  protected readonly otherKind = 'fp' as const;
  constructor(...args: unknown[]) {
    super('false_positives', args, 'Precision');
  }
  get falsePositives(): Variable {
    return this.other;
  }
}
/** `Recall(thresholds=None, top_k=None, class_id=None, name=None, dtype=None)`: tp / (tp + fn). */
export class Recall extends PrecisionRecall {
  protected readonly otherKind = 'fn' as const;
  constructor(...args: unknown[]) {
    super('false_negatives', args, 'Recall');
  }
  get falseNegatives(): Variable {
    return this.other;
  }
}

/** The four counts at `thresholds` (SensitivitySpecificityBase and AUC). */
abstract class FourCounts extends Metric {
  truePositives!: Variable;
  trueNegatives!: Variable;
  falsePositives!: Variable;
  falseNegatives!: Variable;
  thresholds!: number[];
  protected makeCounts(n: number): void {
    this.truePositives = this.addWeight('true_positives', [n]);
    this.trueNegatives = this.addWeight('true_negatives', [n]);
    this.falsePositives = this.addWeight('false_positives', [n]);
    this.falseNegatives = this.addWeight('false_negatives', [n]);
  }
  updateState(yTrue: In, yPred: In, sampleWeight: In | null = null): UpdateOp {
    return this.graph.asDefault(() =>
      updateConfusionMatrixVariables({ tp: this.truePositives, tn: this.trueNegatives, fp: this.falsePositives, fn: this.falseNegatives }, yTrue, yPred, this.thresholds, null, null, sampleWeight));
  }
}

/** SensitivitySpecificityBase: thresholds 0, (i+1)/(n−1) …, 1 (0.5 for one). */
abstract class SensitivitySpecificityBase extends FourCounts {
  readonly value: number;
  readonly numThresholds: number;
  constructor(value: number, numThresholds: number, name: string | null, dtype: string | null) {
    super(name, dtype);
    if (numThresholds <= 0) throw new ValueError('`num_thresholds` must be > 0.');
    this.value = value;
    this.numThresholds = numThresholds;
    this.makeCounts(numThresholds);
    this.thresholds = numThresholds === 1 ? [0.5] : [0, ...Array.from({ length: numThresholds - 2 }, (_, i) => (i + 1) / (numThresholds - 1)), 1];
  }
  /** div_no_nan(a[i], a[i] + b[i]) at the i where |div_no_nan(c, c + d) − value| is least (the first such). */
  protected at(c: Variable, d: Variable, a: Variable, b: Variable): Tensor {
    return this.graph.asDefault(() => {
      const rates = ops.divNoNan(c.value(), ops.add(c.value(), d.value()));
      const i = ops.cast(ops.argmin(ops.abs(ops.subtract(rates, this.value)), 0), 'int32');
      const ai = ops.gather(a.value(), i);
      return ops.divNoNan(ai, ops.add(ai, ops.gather(b.value(), i)));
    });
  }
}
/** `SensitivityAtSpecificity(specificity, num_thresholds=200, name=None, dtype=None)`. */
export class SensitivityAtSpecificity extends SensitivitySpecificityBase {
  readonly specificity: number;
  constructor(...args: unknown[]) {
    const o = bindArgs('SensitivityAtSpecificity', ['specificity', 'numThresholds', 'name', 'dtype'], args, 1);
    const s = o.specificity as number;
    if (s < 0 || s > 1) throw new ValueError('`specificity` must be in the range [0, 1].');
    super(s, (o.numThresholds as number | undefined) ?? 200, (o.name as string | undefined) ?? null, (o.dtype as string | undefined) ?? null);
    this.specificity = s;
  }
  result(): Tensor {
    return this.at(this.trueNegatives, this.falsePositives, this.truePositives, this.falseNegatives);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), numThresholds: this.numThresholds, specificity: this.specificity };
  }
}
/** `SpecificityAtSensitivity(sensitivity, num_thresholds=200, name=None, dtype=None)`. */
export class SpecificityAtSensitivity extends SensitivitySpecificityBase {
  readonly sensitivity: number;
  constructor(...args: unknown[]) {
    const o = bindArgs('SpecificityAtSensitivity', ['sensitivity', 'numThresholds', 'name', 'dtype'], args, 1);
    const s = o.sensitivity as number;
    if (s < 0 || s > 1) throw new ValueError('`sensitivity` must be in the range [0, 1].');
    super(s, (o.numThresholds as number | undefined) ?? 200, (o.name as string | undefined) ?? null, (o.dtype as string | undefined) ?? null);
    this.sensitivity = s;
  }
  result(): Tensor {
    return this.at(this.truePositives, this.falseNegatives, this.trueNegatives, this.falsePositives);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), numThresholds: this.numThresholds, sensitivity: this.sensitivity };
  }
}

const CURVES: Record<string, string> = { roc: 'ROC', ROC: 'ROC', pr: 'PR', PR: 'PR' };
const SUMMATIONS: Record<string, string> = {
  interpolation: 'interpolation', Interpolation: 'interpolation', majoring: 'majoring', Majoring: 'majoring', minoring: 'minoring', Minoring: 'minoring',
};

/**
 * `AUC(num_thresholds=200, curve='ROC', summation_method='interpolation', name=None, dtype=None,
 * thresholds=None)`: the Riemann sum over thresholds −ε, (i+1)/(n−1) …, 1+ε of the ROC curve
 * (recall over the false-positive rate) or the PR curve (precision over recall; 'interpolation'
 * there is Davis & Goadrich's interpolation of the counts).
 */
export class AUC extends FourCounts {
  readonly numThresholds: number;
  readonly curve: string;
  readonly summationMethod: string;
  constructor(...args: unknown[]) {
    const o = bindArgs('AUC', ['numThresholds', 'curve', 'summationMethod', 'name', 'dtype', 'thresholds'], args);
    const curve = (o.curve as string | undefined) ?? 'ROC';
    const summation = (o.summationMethod as string | undefined) ?? 'interpolation';
    let numThresholds: number;
    let inner: number[];
    if (o.thresholds !== undefined && o.thresholds !== null) {
      inner = [...(o.thresholds as number[])].sort((a, b) => a - b);
      numThresholds = inner.length + 2;
    } else {
      numThresholds = (o.numThresholds as number | undefined) ?? 200;
      if (numThresholds <= 1) throw new ValueError('`num_thresholds` must be > 1.');
      inner = Array.from({ length: numThresholds - 2 }, (_, i) => (i + 1) / (numThresholds - 1));
    }
    if (!(curve in CURVES)) throw new ValueError(`Invalid AUC curve value "${curve}".`);
    if (!(summation in SUMMATIONS)) throw new ValueError(`Invalid AUC summation method value "${summation}".`);
    super((o.name as string | undefined) ?? null, (o.dtype as string | undefined) ?? null);
    this.numThresholds = numThresholds;
    this.thresholds = [0 - epsilon(), ...inner, 1 + epsilon()];
    this.curve = CURVES[curve]!;
    this.summationMethod = SUMMATIONS[summation]!;
    this.makeCounts(numThresholds);
  }
  private head(x: Tensor): Tensor {
    return ops.slice(x, [0], [this.numThresholds - 1]);
  }
  private tail(x: Tensor): Tensor {
    return ops.slice(x, [1], [this.numThresholds - 1]);
  }
  /** `interpolate_pr_auc`: Σ slope·(ΔTP + intercept·log(P_A / P_B)) / (TP_B + FN_B) over the intervals. */
  interpolatePrAuc(): Tensor {
    return this.graph.asDefault(() => {
      const tp = this.truePositives.value();
      const p = ops.add(tp, this.falsePositives.value());
      const dtp = ops.subtract(this.head(tp), this.tail(tp));
      const dp = ops.subtract(this.head(p), this.tail(p));
      const slope = ops.divNoNan(dtp, ops.maximum(dp, 0), 'prec_slope');
      const intercept = ops.subtract(this.tail(tp), ops.multiply(slope, this.tail(p)));
      const ratio = ops.where(
        ops.logicalAnd(ops.greater(this.head(p), 0), ops.greater(this.tail(p), 0)),
        ops.divNoNan(this.head(p), ops.maximum(this.tail(p), 0), 'recall_relative_ratio'),
        ops.onesLike(this.tail(p)),
      );
      const num = ops.multiply(slope, ops.add(dtp, ops.multiply(intercept, ops.log(ratio))));
      const den = ops.maximum(ops.add(this.tail(tp), this.tail(this.falseNegatives.value())), 0);
      return ops.reduceSum(ops.divNoNan(num, den, 'pr_auc_increment'), undefined, undefined, 'interpolate_pr_auc');
    });
  }
  result(): Tensor {
    if (this.curve === 'PR' && this.summationMethod === 'interpolation') return this.interpolatePrAuc();
    return this.graph.asDefault(() => {
      const tp = this.truePositives.value();
      const recall = ops.divNoNan(tp, ops.add(tp, this.falseNegatives.value()));
      let x: Tensor;
      let y: Tensor;
      if (this.curve === 'ROC') {
        const fp = this.falsePositives.value();
        x = ops.divNoNan(fp, ops.add(fp, this.trueNegatives.value()));
        y = recall;
      } else {
        x = recall;
        y = ops.divNoNan(tp, ops.add(tp, this.falsePositives.value()));
      }
      let heights: Tensor;
      if (this.summationMethod === 'interpolation') heights = ops.divide(ops.add(this.head(y), this.tail(y)), 2);
      else if (this.summationMethod === 'minoring') heights = ops.minimum(this.head(y), this.tail(y));
      else heights = ops.maximum(this.head(y), this.tail(y));
      return ops.reduceSum(ops.multiply(ops.subtract(this.head(x), this.tail(x)), heights), undefined, undefined, this.name);
    });
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), numThresholds: this.numThresholds, curve: this.curve, summationMethod: this.summationMethod,
      thresholds: this.thresholds.slice(1, -1),
    };
  }
}

/** `MeanIoU(num_classes, name=None, dtype=None)`: a float64 confusion matrix; mean over the classes present of tp / (tp + fp + fn). */
export class MeanIoU extends Metric {
  readonly numClasses: number;
  readonly totalCm: Variable;
  constructor(...args: unknown[]) {
    const o = bindArgs('MeanIoU', ['numClasses', 'name', 'dtype'], args, 1);
    super((o.name as string | undefined) ?? null, (o.dtype as string | undefined) ?? null);
    const n = o.numClasses as number;
    if (!Number.isInteger(n) || n <= 0) throw new ValueError(`MeanIoU: num_classes must be a positive integer, got ${String(o.numClasses)}`);
    this.numClasses = n;
    this.totalCm = this.addWeight('total_confusion_matrix', [n, n], undefined, undefined, undefined, 'float64');
  }
  updateState(yTrue: In, yPred: In, sampleWeight: In | null = null): UpdateOp {
    return this.graph.asDefault(() => {
      let t = ops.cast(T(yTrue), this.dtype);
      let p = ops.cast(T(yPred), this.dtype);
      if ((rankOf(p) ?? 0) > 1) p = ops.reshape(p, [-1]);
      if ((rankOf(t) ?? 0) > 1) t = ops.reshape(t, [-1]);
      let w = sampleWeight === null || sampleWeight === undefined ? null : T(sampleWeight);
      if (w !== null && (rankOf(w) ?? 0) > 1) w = ops.reshape(w, [-1]);
      const cm = ops.confusionMatrix(ops.cast(t, 'int32'), ops.cast(p, 'int32'), this.numClasses, w === null ? null : ops.cast(w, 'float64'), 'float64');
      return ops.assignAdd(this.totalCm, cm);
    });
  }
  result(): Tensor {
    return this.graph.asDefault(() => {
      const cm = this.totalCm.value();
      const rows = ops.cast(ops.reduceSum(cm, 0), this.dtype);
      const cols = ops.cast(ops.reduceSum(cm, 1), this.dtype);
      const tp = ops.cast(ops.diagPart(cm), this.dtype);
      const den = ops.subtract(ops.add(rows, cols), tp);
      const valid = ops.reduceSum(ops.cast(ops.notEqual(den, 0), this.dtype));
      const iou = ops.divNoNan(tp, den);
      return ops.divNoNan(ops.reduceSum(iou, undefined, undefined, 'mean_iou'), valid);
    });
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), numClasses: this.numClasses };
  }
}
