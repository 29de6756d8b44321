/**
 * `tf.keras.layers` (TF1 graph mode). The layers tf.layers already has are its classes (in TF1,
 * `tf.layers.Dense` subclasses Keras's Dense; here the other way round, with Keras's argument
 * names, string activations/initializers, Keras defaults and the learning phase as `training`);
 * the rest are small tf.layers.Layer subclasses.
 */
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Tensor } from '../graph/tensor.js';
import { Layer, type LayerOptions, uniqueLayerName } from '../layers/base.js';
import * as tfl from '../layers/index.js';
import { type TensorLike } from '../ops/convert.js';
import * as ops from '../ops/index.js';
import type { Variable } from '../ops/variables.js';
import { getActivation } from './activations.js';
import { floatx } from './backend.js';
import type { ConstraintFn } from './constraints.js';
import { type KerasLayer, asTensor, attachConstraints, callKwargs, prepare, record, trainingArg } from './layer-utils.js';

type Shape = (number | null)[] | null;
type Apply = (x: Tensor, kw: Record<string, unknown>) => Tensor;

/** Run a tf.layers `apply`, with the learning phase as `training` where the layer takes one, and record the node. */
export function kerasApply(layer: KerasLayer, sup: Apply, inputs: TensorLike, args: unknown[], takesTraining: boolean): Tensor {
  const x = asTensor(inputs);
  const kw = callKwargs(args);
  if (takesTraining) kw.training = trainingArg(kw);
  else delete kw.training;
  const y = sup(x, kw);
  record(layer, [x], y);
  return y;
}

/** The constraints Dense / Conv1D / Conv2D take (applied by the Keras optimizers after each update). */
const WEIGHT_CONSTRAINTS = ['kernelConstraint', 'biasConstraint'];
const DENSE = ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint'];

/** `keras.layers.Dense(units, activation=None, use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros', …)`. */
export class Dense extends tfl.Dense implements KerasLayer {
  readonly kerasClass = 'Dense';
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  constructor(...args: unknown[]) {
    const p = prepare('Dense', DENSE, args, 1, { activations: ['activation'], initializers: { kernelInitializer: 'glorot_uniform', biasInitializer: 'zeros' }, constraints: WEIGHT_CONSTRAINTS });
    super(p.o);
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
    this.weightConstraints = p.constraints;
  }
  private readonly weightConstraints: Record<string, ConstraintFn>;
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    const y = kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, false);
    attachConstraints(this, this.weightConstraints);
    return y;
  }
}

const CONV = [
  'filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate', 'activation', 'useBias', 'kernelInitializer',
  'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint',
];
const CONV_CONV = { activations: ['activation'], initializers: { kernelInitializer: 'glorot_uniform', biasInitializer: 'zeros' } };

export function dropNulls(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) if (o[k] === null || o[k] === undefined) delete o[k];
  return o;
}

/** `keras.layers.Conv2D(filters, kernel_size, strides=(1, 1), padding='valid', data_format=None, dilation_rate=(1, 1), activation=None, …)`. */
export class Conv2D extends tfl.Conv2D implements KerasLayer {
  readonly kerasClass = 'Conv2D';
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  constructor(...args: unknown[]) {
    const p = prepare('Conv2D', CONV, args, 2, { ...CONV_CONV, constraints: WEIGHT_CONSTRAINTS });
    super(dropNulls(p.o));
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
    this.weightConstraints = p.constraints;
  }
  private readonly weightConstraints: Record<string, ConstraintFn>;
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    const y = kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, false);
    attachConstraints(this, this.weightConstraints);
    return y;
  }
}

/** `keras.layers.Conv1D(filters, kernel_size, strides=1, padding='valid', …)`. */
export class Conv1D extends tfl.Conv1D implements KerasLayer {
  readonly kerasClass = 'Conv1D';
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  constructor(...args: unknown[]) {
    const p = prepare('Conv1D', CONV, args, 2, { ...CONV_CONV, constraints: WEIGHT_CONSTRAINTS });
    super(dropNulls(p.o));
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
    this.weightConstraints = p.constraints;
  }
  private readonly weightConstraints: Record<string, ConstraintFn>;
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    const y = kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, false);
    attachConstraints(this, this.weightConstraints);
    return y;
  }
}

const POOL = ['poolSize', 'strides', 'padding', 'dataFormat'];
/** Keras's pooling defaults: pool_size 2 (per axis), strides = pool_size, 'valid'. */
function poolOpts(cls: string, args: unknown[]): ReturnType<typeof prepare> {
  const p = prepare(cls, POOL, args);
  p.o.poolSize = p.o.poolSize ?? 2;
  p.o.strides = p.o.strides ?? p.o.poolSize;
  dropNulls(p.o);
  return p;
}

/** `keras.layers.MaxPooling2D(pool_size=(2, 2), strides=None, padding='valid', data_format=None)`. */
export class MaxPooling2D extends tfl.MaxPooling2D implements KerasLayer {
  readonly kerasClass = 'MaxPooling2D';
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  constructor(...args: unknown[]) {
    const p = poolOpts('MaxPooling2D', args);
    super(p.o);
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
  }
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    return kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, false);
  }
}

/** `keras.layers.AveragePooling2D(pool_size=(2, 2), strides=None, padding='valid', data_format=None)`. */
export class AveragePooling2D extends tfl.AveragePooling2D implements KerasLayer {
  readonly kerasClass = 'AveragePooling2D';
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  constructor(...args: unknown[]) {
    const p = poolOpts('AveragePooling2D', args);
    super(p.o);
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
  }
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    return kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, false);
  }
}

/** `keras.layers.MaxPooling1D(pool_size=2, strides=None, padding='valid')`. */
export class MaxPooling1D extends tfl.MaxPooling1D implements KerasLayer {
  readonly kerasClass = 'MaxPooling1D';
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  constructor(...args: unknown[]) {
    const p = poolOpts('MaxPooling1D', args);
    super(p.o);
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
  }
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    return kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, false);
  }
}

/** `keras.layers.Flatten(data_format=None)`. */
export class Flatten extends tfl.Flatten implements KerasLayer {
  readonly kerasClass = 'Flatten';
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  constructor(...args: unknown[]) {
    const p = prepare('Flatten', ['dataFormat'], args);
    super(dropNulls(p.o));
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
  }
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    return kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, false);
  }
}

/** `keras.layers.Dropout(rate, noise_shape=None, seed=None)`: active while the learning phase is 1. */
export class Dropout extends tfl.Dropout implements KerasLayer {
  readonly kerasClass = 'Dropout';
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  constructor(...args: unknown[]) {
    const p = prepare('Dropout', ['rate', 'noiseShape', 'seed'], args, 1);
    super(dropNulls(p.o));
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
  }
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    return kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, true);
  }
}

const BN = [
  'axis', 'momentum', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'movingMeanInitializer',
  'movingVarianceInitializer', 'betaRegularizer', 'gammaRegularizer', 'betaConstraint', 'gammaConstraint', 'renorm',
  'renormClipping', 'renormMomentum', 'fused', 'virtualBatchSize', 'adjustment',
];
/** `keras.layers.BatchNormalization(axis=-1, momentum=0.99, epsilon=0.001, …)`: batch statistics while the learning phase is 1. */
export class BatchNormalization extends tfl.BatchNormalization implements KerasLayer {
  readonly kerasClass = 'BatchNormalization';
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  constructor(...args: unknown[]) {
    const p = prepare('BatchNormalization', BN, args, 0, {
      initializers: { betaInitializer: 'zeros', gammaInitializer: 'ones', movingMeanInitializer: 'zeros', movingVarianceInitializer: 'ones' },
    });
    super(dropNulls(p.o));
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
  }
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    return kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, true);
  }
}

/** A Keras layer written here: a tf.layers.Layer with the Keras extras and node record. */
export abstract class SimpleLayer extends Layer implements KerasLayer {
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  abstract readonly kerasClass: string;
  constructor(p: ReturnType<typeof prepare>) {
    super(p.o as LayerOptions);
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
  }
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    return kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, this.callArgNames.includes('training'));
  }
}

/** `keras.layers.Activation(activation)`. */
export class Activation extends SimpleLayer {
  readonly kerasClass = 'Activation';
  readonly activation: (x: Tensor) => Tensor;
  constructor(...args: unknown[]) {
    const p = prepare('Activation', ['activation'], args, 1);
    super(p);
    this.activation = getActivation(p.o.activation as never) ?? ((x) => x);
  }
  protected call(x: Tensor): Tensor {
    return this.activation(x);
  }
}

/** `keras.layers.LeakyReLU(alpha=0.3)`. */
export class LeakyReLU extends SimpleLayer {
  readonly kerasClass = 'LeakyReLU';
  readonly alpha: number;
  constructor(...args: unknown[]) {
    const p = prepare('LeakyReLU', ['alpha'], args);
    super(p);
    this.alpha = (p.o.alpha as number | undefined) ?? 0.3;
  }
  protected call(x: Tensor): Tensor {
    return ops.nn.leakyRelu(x, this.alpha);
  }
}

/** `keras.layers.Reshape(target_shape)`: [batch, ...target_shape] (one -1 allowed). */
export class Reshape extends SimpleLayer {
  readonly kerasClass = 'Reshape';
  readonly targetShape: number[];
  constructor(...args: unknown[]) {
    const p = prepare('Reshape', ['targetShape'], args, 1);
    super(p);
    this.targetShape = [...(p.o.targetShape as number[])];
    if (this.targetShape.filter((d) => d === -1).length > 1) throw new ValueError('Can only specify one unknown dimension.');
  }
  protected call(x: Tensor): Tensor {
    const t = [...this.targetShape];
    const rest = x.shape?.slice(1);
    const known = rest && rest.every((d) => d !== null) ? rest.reduce<number>((a, d) => a * d!, 1) : null;
    const i = t.indexOf(-1);
    const prod = t.reduce((a, d) => (d === -1 ? a : a * d), 1);
    if (i >= 0) {
      if (known === null) throw new ValueError(`${this.name}: a -1 in target_shape needs the input's non-batch dims known`);
      if (known % prod !== 0) throw new ValueError('total size of new array must be unchanged');
      t[i] = known / prod;
    } else if (known !== null && known !== prod) {
      throw new ValueError('total size of new array must be unchanged');
    }
    return ops.reshape(x, [-1, ...t]);
  }
}

/** `keras.layers.Lambda(function, output_shape=None, mask=None, arguments=None)`: `function(inputs, ...arguments)`. */
export class Lambda extends SimpleLayer {
  readonly kerasClass = 'Lambda';
  readonly fn: (x: Tensor | Tensor[], args?: Record<string, unknown>) => Tensor;
  readonly arguments: Record<string, unknown> | null;
  private pending: Tensor[] | null = null;
  constructor(...args: unknown[]) {
    const p = prepare('Lambda', ['function', 'outputShape', 'mask', 'arguments'], args, 1);
    super(p);
    this.fn = p.o.function as Lambda['fn'];
    this.arguments = (p.o.arguments as Record<string, unknown> | undefined) ?? null;
  }
  override apply(inputs: TensorLike | Tensor[], ...args: unknown[]): Tensor {
    if (!Array.isArray(inputs) || !inputs.every((t) => typeof t === 'object')) return super.apply(inputs as TensorLike, ...args);
    const xs = (inputs as TensorLike[]).map(asTensor);
    this.pending = xs;
    try {
      const y = Layer.prototype.apply.call(this, xs[0]!, ...args) as Tensor;
      record(this, xs, y);
      return y;
    } finally {
      this.pending = null;
    }
  }
  protected call(x: Tensor): Tensor {
    const input = this.pending ?? x;
    return this.arguments ? this.fn(input, this.arguments) : this.fn(input);
  }
}

/** `keras.layers.Embedding(input_dim, output_dim, embeddings_initializer='uniform', …, input_length=None)`: rows of `embeddings` picked by the (cast to int32) inputs. */
export class Embedding extends SimpleLayer {
  readonly kerasClass = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly embeddingsInitializer: unknown;
  embeddings: Variable | null = null;
  constructor(...args: unknown[]) {
    const p = prepare('Embedding', ['inputDim', 'outputDim', 'embeddingsInitializer', 'embeddingsRegularizer', 'activityRegularizer', 'embeddingsConstraint', 'maskZero', 'inputLength'], args, 2, {
      initializers: { embeddingsInitializer: 'uniform' },
    });
    const inputDim = p.o.inputDim as number;
    if (p.batchInputShape === null && p.o.inputLength !== undefined && p.o.inputLength !== null) p.batchInputShape = [null, p.o.inputLength as number];
    if (p.o.maskZero) throw new ValueError('Embedding: mask_zero (masking) is not supported');
    if (p.o.embeddingsConstraint) throw new ValueError('embeddingsConstraint: weight constraints are not supported (pass null)');
    // Keras keeps the embedding layer's dtype float32 whatever the (integer) inputs are.
    p.o.dtype = p.o.dtype ?? floatx();
    super(p);
    this.inputDim = inputDim;
    this.outputDim = p.o.outputDim as number;
    this.embeddingsInitializer = p.o.embeddingsInitializer;
    this.embeddingsRegularizer = (p.o.embeddingsRegularizer as never) ?? null;
  }
  private readonly embeddingsRegularizer: ((x: Tensor) => Tensor) | null;
  protected override build(): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], { initializer: this.embeddingsInitializer, regularizer: this.embeddingsRegularizer as never });
  }
  protected call(x: Tensor): Tensor {
    const ids = x.dtype === 'int32' || x.dtype === 'int64' ? x : ops.cast(x, 'int32');
    return ops.nn.embeddingLookup(this.embeddings!, ids);
  }
}

/** A layer class made at run time (the explicit type keeps the declaration emitter off the class body). */
type LayerClass = new (...args: unknown[]) => SimpleLayer;

function globalPool(kind: 'avg' | 'max', rank: 1 | 2): LayerClass {
  const cls = `Global${kind === 'avg' ? 'Average' : 'Max'}Pooling${rank}D`;
  return class extends SimpleLayer {
    readonly kerasClass = cls;
    readonly dataFormat: string;
    constructor(...args: unknown[]) {
      const p = prepare(cls, ['dataFormat'], args);
      super(p);
      this.dataFormat = (p.o.dataFormat as string | undefined) ?? 'channels_last';
    }
    protected call(x: Tensor): Tensor {
      const first = this.dataFormat === 'channels_first';
      const axes = rank === 1 ? [first ? 2 : 1] : first ? [2, 3] : [1, 2];
      return kind === 'avg' ? ops.reduceMean(x, axes) : ops.reduceMax(x, axes);
    }
  };
}
/** `keras.layers.GlobalAveragePooling1D()`: the mean over the steps. */
export const GlobalAveragePooling1D = globalPool('avg', 1);
/** `keras.layers.GlobalMaxPooling1D()`. */
export const GlobalMaxPooling1D = globalPool('max', 1);
/** `keras.layers.GlobalAveragePooling2D()`: the mean over height and width. */
export const GlobalAveragePooling2D = globalPool('avg', 2);
/** `keras.layers.GlobalMaxPooling2D()`. */
export const GlobalMaxPooling2D = globalPool('max', 2);

/** Keras's merge layers: `layer([a, b, …])`. */
export abstract class Merge extends SimpleLayer {
  private pending: Tensor[] | null = null;
  protected abstract merge(xs: Tensor[]): Tensor;
  override apply(inputs: TensorLike | TensorLike[], ...args: unknown[]): Tensor {
    if (!Array.isArray(inputs) || inputs.length < 2) throw new ValueError('A merge layer should be called on a list of inputs.');
    const xs = (inputs as TensorLike[]).map(asTensor);
    this.pending = xs;
    try {
      const y = Layer.prototype.apply.call(this, xs[0]!, ...args) as Tensor;
      record(this, xs, y);
      return y;
    } finally {
      this.pending = null;
    }
  }
  protected call(): Tensor {
    return this.merge(this.pending!);
  }
}

function merger(cls: string, f: (xs: Tensor[]) => Tensor): LayerClass {
  return class extends Merge {
    readonly kerasClass = cls;
    constructor(...args: unknown[]) {
      super(prepare(cls, [], args));
    }
    protected merge(xs: Tensor[]): Tensor {
      return f(xs);
    }
  };
}
/** `keras.layers.Add()`: the element-wise sum. */
export const Add = merger('Add', (xs) => xs.slice(1).reduce((a, b) => ops.add(a, b), xs[0]!));
/** `keras.layers.Subtract()`: a − b. */
export const Subtract = merger('Subtract', (xs) => {
  if (xs.length !== 2) throw new ValueError('A `Subtract` layer should be called on exactly 2 inputs');
  return ops.subtract(xs[0]!, xs[1]!);
});
/** `keras.layers.Multiply()`. */
export const Multiply = merger('Multiply', (xs) => xs.slice(1).reduce((a, b) => ops.multiply(a, b), xs[0]!));
/** `keras.layers.Average()`. */
export const Average = merger('Average', (xs) => ops.divide(xs.slice(1).reduce((a, b) => ops.add(a, b), xs[0]!), xs.length));

/** `keras.layers.Concatenate(axis=-1)`. */
export class Concatenate extends Merge {
  readonly kerasClass = 'Concatenate';
  readonly axis: number;
  constructor(...args: unknown[]) {
    const p = prepare('Concatenate', ['axis'], args);
    super(p);
    this.axis = (p.o.axis as number | undefined) ?? -1;
  }
  protected merge(xs: Tensor[]): Tensor {
    const r = xs[0]!.shape?.length;
    const axis = this.axis < 0 && r !== undefined ? this.axis + r : this.axis;
    return ops.concat(xs, axis);
  }
}

/** `keras.layers.add(inputs)`, `subtract`, `multiply`, `average`, `concatenate(inputs, axis=-1)`. */
export const add = (inputs: TensorLike[], opts: Record<string, unknown> = {}): Tensor => new Add(opts).apply(inputs);
export const subtract = (inputs: TensorLike[], opts: Record<string, unknown> = {}): Tensor => new Subtract(opts).apply(inputs);
export const multiply = (inputs: TensorLike[], opts: Record<string, unknown> = {}): Tensor => new Multiply(opts).apply(inputs);
export const average = (inputs: TensorLike[], opts: Record<string, unknown> = {}): Tensor => new Average(opts).apply(inputs);
export function concatenate(inputs: TensorLike[], ...args: unknown[]): Tensor {
  return new Concatenate(...args).apply(inputs);
}

/** `keras.layers.InputLayer(input_shape=None, batch_size=None, dtype=None, input_tensor=None, name=None)`: the model's placeholder. */
export class InputLayer implements KerasLayer {
  readonly kerasClass = 'InputLayer';
  readonly name: string;
  readonly batchInputShape: (number | null)[] | null;
  readonly inputDtype: string;
  readonly output: Tensor;
  readonly weights: Variable[] = [];
  readonly trainableWeights: Variable[] = [];
  readonly nonTrainableWeights: Variable[] = [];
  readonly updates: unknown[] = [];
  readonly losses: Tensor[] = [];
  constructor(...args: unknown[]) {
    const o = (args.length === 1 && args[0] !== null && typeof args[0] === 'object' && !Array.isArray(args[0]) ? args[0] : { inputShape: args[0], batchSize: args[1], dtype: args[2], inputTensor: args[3], sparse: args[4], name: args[5] }) as Record<string, unknown>;
    const g = getDefaultGraph();
    this.name = (o.name as string | undefined) || `input_${Number(uniqueLayerName('input', g).split('_')[1] ?? 0) + 1}`;
    this.inputDtype = (o.dtype as string | undefined) ?? floatx();
    if (o.inputTensor) {
      this.output = o.inputTensor as Tensor;
      this.batchInputShape = this.output.shape ? [...this.output.shape] : null;
    } else {
      const bis = (o.batchInputShape as (number | null)[] | undefined) ?? (o.inputShape ? [(o.batchSize as number | undefined) ?? null, ...(o.inputShape as (number | null)[])] : null);
      if (bis === null) throw new ValueError('Please provide to Input either a `shape` or a `tensor` argument. Note that `shape` does not include the batch dimension.');
      this.batchInputShape = bis;
      this.output = g.asDefault(() => g.nameScope(null, () => ops.placeholder(this.inputDtype, bis, this.name)));
    }
    record(this, [], this.output);
  }

  /** `layer.get_config()`: TF 1.15's InputLayer config. */
  getConfig(): Record<string, unknown> {
    return { batchInputShape: this.batchInputShape, dtype: this.inputDtype, sparse: false, ragged: false, name: this.name };
  }
}

/** `keras.layers.Input(shape=None, batch_size=None, name=None, dtype=None, sparse=False, tensor=None)` / `keras.Input`: the placeholder tensor. */
export function Input(...args: unknown[]): Tensor {
  const isOpts = args.length === 1 && args[0] !== null && typeof args[0] === 'object' && !Array.isArray(args[0]);
  const o = (isOpts ? args[0] : { shape: args[0], batchSize: args[1], name: args[2], dtype: args[3], sparse: args[4], tensor: args[5] }) as Record<string, unknown>;
  if (o.sparse) throw new ValueError('Input: sparse inputs are not supported');
  const batchShape = o.batchShape as (number | null)[] | undefined;
  return new InputLayer({
    ...(batchShape ? { batchInputShape: batchShape } : { inputShape: o.shape, batchSize: o.batchSize }),
    dtype: o.dtype, name: o.name, inputTensor: o.tensor,
  }).output;
}

