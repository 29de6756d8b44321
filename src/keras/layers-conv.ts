/**
 * `tf.keras.layers` convolutions and poolings beyond Conv1D/Conv2D and the 1-D/2-D pools, as
 * TF 1.15's keras/layers/convolutional.py and pooling.py define them: Conv2DTranspose (with
 * `output_padding`), Conv3D, Conv3DTranspose, SeparableConv1D/2D and the 3-D / 1-D average
 * pools on tf.layers' classes (Keras's argument order and defaults, glorot-uniform kernels),
 * DepthwiseConv2D (`depthwise_kernel` [kh, kw, in, depth_multiplier], `bias` [in·depth_multiplier])
 * and the 3-D global pools.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { checkRank4 } from '../layers/conv.js';
import { conv3dTransposeNdhwc } from '../layers/conv-nd.js';
import * as tfl from '../layers/index.js';
import { normalizeDataFormat, normalizePadding, normalizeTuple, viaNhwc } from '../layers/utils.js';
import { type TensorLike } from '../ops/convert.js';
import { type ConvAttrs, conv2dBackpropInput } from '../ops/conv.js';
import * as ops from '../ops/index.js';
import type { Variable } from '../ops/variables.js';
import type { Regularizer } from '../scope/variable-scope.js';
import { type KerasLayer, prepare } from './layer-utils.js';
import { SimpleLayer, dropNulls, kerasApply } from './layers-core.js';

type Shape = (number | null)[] | null;

const CONV_TAIL = [
  'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'activityRegularizer',
  'kernelConstraint', 'biasConstraint',
];
const CONV = ['filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate', ...CONV_TAIL];
const CONV_T2 = ['filters', 'kernelSize', 'strides', 'padding', 'outputPadding', 'dataFormat', 'dilationRate', ...CONV_TAIL];
const CONV_T3 = ['filters', 'kernelSize', 'strides', 'padding', 'outputPadding', 'dataFormat', ...CONV_TAIL];
const CONV_CONV = { activations: ['activation'], initializers: { kernelInitializer: 'glorot_uniform', biasInitializer: 'zeros' } };
const SEPARABLE = [
  'filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate', 'depthMultiplier', 'activation', 'useBias',
  'depthwiseInitializer', 'pointwiseInitializer', 'biasInitializer', 'depthwiseRegularizer', 'pointwiseRegularizer',
  'biasRegularizer', 'activityRegularizer', 'depthwiseConstraint', 'pointwiseConstraint', 'biasConstraint',
];
const SEPARABLE_CONV = {
  activations: ['activation'],
  initializers: { depthwiseInitializer: 'glorot_uniform', pointwiseInitializer: 'glorot_uniform', biasInitializer: 'zeros' },
};

/** Keras's `output_padding` check: each entry below its stride. */
function outputPadding(value: unknown, rank: number, strides: number[]): number[] | null {
  if (value === undefined || value === null) return null;
  const op = normalizeTuple(value, rank, 'output_padding');
  for (let i = 0; i < rank; i++) {
    if (op[i]! >= strides[i]!) throw new ValueError(`Stride (${strides.join(', ')}) must be greater than output padding (${op.join(', ')})`);
  }
  return op;
}

/** conv_utils.deconv_output_length with an output padding. */
function deconvLength(n: number, k: number, padding: 'valid' | 'same', stride: number, dilation: number, outPad: number): number {
  const kk = k + (k - 1) * (dilation - 1);
  const pad = padding === 'same' ? Math.floor(kk / 2) : 0;
  return (n - 1) * stride + kk - 2 * pad + outPad;
}

/**
 * `keras.layers.Conv2DTranspose(filters, kernel_size, strides=(1, 1), padding='valid', output_padding=None, data_format=None,
 * dilation_rate=(1, 1), activation=None, …)` (`Convolution2DTranspose`): kernel [kh, kw, filters, in].
 */
export class Conv2DTranspose extends tfl.Conv2DTranspose implements KerasLayer {
  readonly kerasClass = 'Conv2DTranspose';
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  readonly outputPadding: number[] | null;
  constructor(...args: unknown[]) {
    const p = prepare('Conv2DTranspose', CONV_T2, args, 2, CONV_CONV);
    const { outputPadding: op, ...rest } = p.o;
    super(dropNulls(rest));
    this.outputPadding = outputPadding(op, 2, this.strides);
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
  }
  protected override call(inputs: Tensor): Tensor {
    const op = this.outputPadding;
    if (op === null) return super.call(inputs);
    checkRank4(this.name, inputs);
    const y = viaNhwc(inputs, this.dataFormat, (x) => {
      const [n, h, w] = x.shape as (number | null)[];
      if (h === null || w === null || h === undefined || w === undefined) throw new ValueError(`${this.name}: the spatial dims of the inputs must be known, got shape [${x.shape!.map((d) => d ?? 'None').join(', ')}]`);
      const oh = deconvLength(h, this.kernelSize[0]!, this.padding, this.strides[0]!, this.dilationRate[0]!, op[0]!);
      const ow = deconvLength(w, this.kernelSize[1]!, this.padding, this.strides[1]!, this.dilationRate[1]!, op[1]!);
      const outShape: Tensor | number[] = n !== null && n !== undefined
        ? [n, oh, ow, this.filters]
        : ops.tile(ops.slice(x, [0, 0, 0, 0], [-1, 1, 1, 1]), [1, oh, ow, this.filters]);
      const attrs: ConvAttrs = {
        strides: [1, this.strides[0]!, this.strides[1]!, 1],
        padding: this.padding === 'same' ? 'SAME' : 'VALID',
        dilations: [1, this.dilationRate[0]!, this.dilationRate[1]!, 1],
      };
      return this.finish(conv2dBackpropInput(outShape, this.kernel!.value(), x, attrs, 'conv2d_transpose'));
    });
    return this.activate(y);
  }
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    return kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, false);
  }
}

/** `keras.layers.Conv3D(filters, kernel_size, strides=(1, 1, 1), padding='valid', data_format=None, dilation_rate=(1, 1, 1), …)`. */
export class Conv3D extends tfl.Conv3D implements KerasLayer {
  readonly kerasClass = 'Conv3D';
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  constructor(...args: unknown[]) {
    const p = prepare('Conv3D', CONV, args, 2, CONV_CONV);
    super(dropNulls(p.o));
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
  }
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    return kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, false);
  }
}

/** `keras.layers.Conv3DTranspose(filters, kernel_size, strides=(1, 1, 1), padding='valid', output_padding=None, data_format=None, …)`: kernel [kd, kh, kw, filters, in]. */
export class Conv3DTranspose extends tfl.Conv3DTranspose implements KerasLayer {
  readonly kerasClass = 'Conv3DTranspose';
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  readonly outputPadding: number[] | null;
  constructor(...args: unknown[]) {
    const p = prepare('Conv3DTranspose', CONV_T3, args, 2, CONV_CONV);
    const { outputPadding: op, ...rest } = p.o;
    super(dropNulls(rest));
    this.outputPadding = outputPadding(op, 3, this.strides);
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
  }
  /**
   * With an output padding: TF's conv3d_transpose to Keras's `deconv_output_length` sizes, as the
   * full transposed convolution (the 'valid' one, zeros past its end) cut where TF's
   * backprop-input padding puts the output window (nothing before it for 'valid', half the
   * padding a forward conv of the output size needs for 'same').
   */
  protected override call(inputs: Tensor): Tensor {
    const op = this.outputPadding;
    if (op === null) return super.call(inputs);
    if (inputs.shape !== null && inputs.shape.length !== 5) {
      throw new ValueError(`Input 0 of layer ${this.name} is incompatible with the layer: expected ndim=5, found ndim=${inputs.shape.length}. Full shape received: [${inputs.shape.map((d) => d ?? 'None').join(', ')}]`);
    }
    const first = this.dataFormat === 'channels_first';
    const x = first ? ops.transpose(inputs, [0, 2, 3, 4, 1]) : inputs;
    const dims = x.shape?.slice(1, 4) ?? null;
    if (dims === null || dims.some((d) => d === null)) {
      throw new ValueError(`${this.name}: the spatial dims of the inputs must be known, got shape ${x.shape === null ? '<unknown>' : `[${x.shape.map((d) => d ?? 'None').join(', ')}]`}`);
    }
    const full = conv3dTransposeNdhwc(x, this.kernel!.value(), this.strides, 'valid', this.name);
    const begin = [0];
    const size = [-1];
    const extra: [number, number][] = [[0, 0]];
    for (let i = 0; i < 3; i++) {
      const n = dims[i]!;
      const k = this.kernelSize[i]!;
      const s = this.strides[i]!;
      const o = deconvLength(n, k, this.padding === 'same' ? 'same' : 'valid', s, 1, op[i]!);
      let before = 0;
      if (this.padding === 'same') {
        if (Math.ceil(o / s) !== n) {
          throw new ValueError(`Conv3DBackpropInputOpV2: Size of out_backprop doesn't match computed: actual = ${n}, computed = ${Math.ceil(o / s)} spatial_dim: ${i + 1} input: ${o} filter: ${k} output: ${n} stride: ${s} dilation: 1`);
        }
        before = Math.floor(Math.max(0, (n - 1) * s + k - o) / 2);
      }
      const have = n * s + Math.max(k - s, 0);
      extra.push([0, Math.max(0, before + o - have)]);
      begin.push(before);
      size.push(o);
    }
    extra.push([0, 0]);
    begin.push(0);
    size.push(-1);
    const padded = extra.some(([, b]) => b > 0) ? ops.pad(full, extra) : full;
    const y = this.finish(ops.slice(padded, begin, size));
    return first ? ops.transpose(y, [0, 4, 1, 2, 3]) : y;
  }
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    return kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, false);
  }
}

/** `keras.layers.SeparableConv2D(filters, kernel_size, strides=(1, 1), padding='valid', data_format=None, dilation_rate=(1, 1), depth_multiplier=1, …)`. */
export class SeparableConv2D extends tfl.SeparableConv2D implements KerasLayer {
  readonly kerasClass = 'SeparableConv2D';
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  constructor(...args: unknown[]) {
    const p = prepare('SeparableConv2D', SEPARABLE, args, 2, SEPARABLE_CONV);
    super(dropNulls(p.o));
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
  }
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    return kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, false);
  }
}

/** `keras.layers.SeparableConv1D(filters, kernel_size, strides=1, padding='valid', data_format=None, dilation_rate=1, depth_multiplier=1, …)`. */
export class SeparableConv1D extends tfl.SeparableConv1D implements KerasLayer {
  readonly kerasClass = 'SeparableConv1D';
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  constructor(...args: unknown[]) {
    const p = prepare('SeparableConv1D', SEPARABLE, args, 2, SEPARABLE_CONV);
    super(dropNulls(p.o));
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
  }
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    return kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, false);
  }
}

const DEPTHWISE = [
  'kernelSize', 'strides', 'padding', 'depthMultiplier', 'dataFormat', 'activation', 'useBias', 'depthwiseInitializer',
  'biasInitializer', 'depthwiseRegularizer', 'biasRegularizer', 'activityRegularizer', 'depthwiseConstraint', 'biasConstraint',
];

/**
 * `keras.layers.DepthwiseConv2D(kernel_size, strides=(1, 1), padding='valid', depth_multiplier=1, data_format=None,
 * activation=None, use_bias=True, depthwise_initializer='glorot_uniform', bias_initializer='zeros', …)`.
 */
export class DepthwiseConv2D extends SimpleLayer {
  readonly kerasClass = 'DepthwiseConv2D';
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: 'valid' | 'same';
  readonly depthMultiplier: number;
  readonly dataFormat: 'channels_last' | 'channels_first';
  readonly activation: ((x: Tensor) => Tensor) | null;
  readonly useBias: boolean;
  depthwiseKernel: Variable | null = null;
  bias: Variable | null = null;
  private readonly o: Record<string, unknown>;
  constructor(...args: unknown[]) {
    const p = prepare('DepthwiseConv2D', DEPTHWISE, args, 1, { activations: ['activation'], initializers: { depthwiseInitializer: 'glorot_uniform', biasInitializer: 'zeros' } });
    super(p);
    const o = p.o;
    for (const k of ['depthwiseConstraint', 'biasConstraint']) if (o[k] !== undefined && o[k] !== null) throw new ValueError(`${k}: weight constraints are not supported (pass null)`);
    this.kernelSize = normalizeTuple(o.kernelSize, 2, 'kernel_size');
    this.strides = normalizeTuple(o.strides ?? 1, 2, 'strides');
    this.padding = normalizePadding(o.padding ?? 'valid');
    const dm = o.depthMultiplier ?? 1;
    if (!Number.isInteger(dm) || (dm as number) <= 0) throw new ValueError(`depth_multiplier must be a positive integer, got ${String(dm)}`);
    this.depthMultiplier = dm as number;
    this.dataFormat = normalizeDataFormat(o.dataFormat);
    this.activation = (o.activation as DepthwiseConv2D['activation']) ?? null;
    this.useBias = (o.useBias as boolean | undefined | null) ?? true;
    this.o = o;
  }
  protected override build(shape: readonly (number | null)[] | null): void {
    if (shape === null || shape.length < 4) throw new ValueError(`Inputs to \`DepthwiseConv2D\` should have rank 4. Received input shape: ${shape === null ? '<unknown>' : `(${shape.map((d) => d ?? 'None').join(', ')})`}`);
    const c = shape[this.dataFormat === 'channels_first' ? 1 : 3];
    if (c === null || c === undefined) throw new ValueError('The channel dimension of the inputs to `DepthwiseConv2D` should be defined. Found `None`.');
    this.depthwiseKernel = this.addWeight('depthwise_kernel', [...this.kernelSize, c, this.depthMultiplier], {
      initializer: this.o.depthwiseInitializer, regularizer: (this.o.depthwiseRegularizer as Regularizer | undefined) ?? null,
    });
    if (this.useBias) {
      this.bias = this.addWeight('bias', [c * this.depthMultiplier], { initializer: this.o.biasInitializer, regularizer: (this.o.biasRegularizer as Regularizer | undefined) ?? null });
    }
  }
  protected call(inputs: Tensor): Tensor {
    checkRank4(this.name, inputs);
    const y = viaNhwc(inputs, this.dataFormat, (x) => {
      const d = ops.nn.depthwiseConv2d(x, this.depthwiseKernel!.value(), [1, this.strides[0]!, this.strides[1]!, 1], this.padding.toUpperCase(), null, 'depthwise');
      return this.bias ? ops.nn.biasAdd(d, this.bias, { name: 'BiasAdd' }) : d;
    });
    return this.activation ? this.activation(y) : y;
  }
}

// ----- pooling ----------------------------------------------------------------------------------
/** Keras's pooling defaults: pool_size 2 per axis, strides = pool_size, 'valid'. */
function poolArgs(cls: string, args: unknown[]): ReturnType<typeof prepare> {
  const p = prepare(cls, ['poolSize', 'strides', 'padding', 'dataFormat'], args);
  p.o.poolSize = p.o.poolSize ?? 2;
  p.o.strides = p.o.strides ?? p.o.poolSize;
  dropNulls(p.o);
  return p;
}

/** `keras.layers.AveragePooling1D(pool_size=2, strides=None, padding='valid', data_format='channels_last')`. */
export class AveragePooling1D extends tfl.AveragePooling1D implements KerasLayer {
  readonly kerasClass = 'AveragePooling1D';
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  constructor(...args: unknown[]) {
    const p = poolArgs('AveragePooling1D', args);
    super(p.o);
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
  }
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    return kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, false);
  }
}

/** `keras.layers.MaxPooling3D(pool_size=(2, 2, 2), strides=None, padding='valid', data_format=None)`. */
export class MaxPooling3D extends tfl.MaxPooling3D implements KerasLayer {
  readonly kerasClass = 'MaxPooling3D';
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  constructor(...args: unknown[]) {
    const p = poolArgs('MaxPooling3D', args);
    super(p.o);
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
  }
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    return kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, false);
  }
}

/** `keras.layers.AveragePooling3D(pool_size=(2, 2, 2), strides=None, padding='valid', data_format=None)`. */
export class AveragePooling3D extends tfl.AveragePooling3D implements KerasLayer {
  readonly kerasClass = 'AveragePooling3D';
  readonly batchInputShape: Shape;
  readonly inputDtype: string;
  constructor(...args: unknown[]) {
    const p = poolArgs('AveragePooling3D', args);
    super(p.o);
    this.batchInputShape = p.batchInputShape;
    this.inputDtype = p.inputDtype;
  }
  override apply(inputs: TensorLike, ...args: unknown[]): Tensor {
    return kerasApply(this, (x, kw) => super.apply(x, kw), inputs, args, false);
  }
}

/** A layer class made at run time (the explicit type keeps the declaration emitter off the class body). */
type LayerClass = new (...args: unknown[]) => SimpleLayer;

function globalPool3d(kind: 'avg' | 'max'): LayerClass {
  const cls = `Global${kind === 'avg' ? 'Average' : 'Max'}Pooling3D`;
  return class extends SimpleLayer {
    readonly kerasClass = cls;
    readonly dataFormat: 'channels_last' | 'channels_first';
    constructor(...args: unknown[]) {
      const p = prepare(cls, ['dataFormat'], args);
      super(p);
      this.dataFormat = normalizeDataFormat(p.o.dataFormat);
    }
    protected call(x: Tensor): Tensor {
      if (x.shape !== null && x.shape.length !== 5) throw new ValueError(`Input 0 of layer ${this.name} is incompatible with the layer: expected ndim=5, found ndim=${x.shape.length}.`);
      const axes = this.dataFormat === 'channels_first' ? [2, 3, 4] : [1, 2, 3];
      return kind === 'avg' ? ops.reduceMean(x, axes) : ops.reduceMax(x, axes);
    }
  };
}
/** `keras.layers.GlobalAveragePooling3D(data_format=None)`: the mean over depth, height and width. */
export const GlobalAveragePooling3D = globalPool3d('avg');
/** `keras.layers.GlobalMaxPooling3D(data_format=None)`. */
export const GlobalMaxPooling3D = globalPool3d('max');
