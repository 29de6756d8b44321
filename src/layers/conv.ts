/**
 * `tf.layers.Conv2D` / `conv2d` and `Conv2DTranspose` / `conv2dTranspose`: kernel
 * [kh, kw, in, filters] (transposed: [kh, kw, filters, in]), bias [filters], TF1's padding and
 * output sizes; channels_first runs through NHWC transposes.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { slice, tile } from '../ops/array.js';
import { type ConvAttrs, conv2d as nnConv2d, conv2dBackpropInput } from '../ops/conv.js';
import { type TensorLike } from '../ops/convert.js';
import { biasAdd } from '../ops/nn.js';
import type { Variable } from '../ops/variables.js';
import { zerosInitializer } from '../scope/initializers.js';
import type { Regularizer } from '../scope/variable-scope.js';
import { type Activation, Layer, type LayerOptions } from './base.js';
import { noConstraint } from './dense.js';
import { bindArgs } from './kwargs.js';
import { channelAxis, deconvOutputLength, normalizeDataFormat, normalizePadding, normalizeTuple, viaNhwc } from './utils.js';

const CONV_ARGS = [
  'filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate', 'activation', 'useBias', 'kernelInitializer',
  'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint',
  'trainable', 'name', 'dtype', '_scope', '_reuse',
];

const fmtShape = (s: readonly (number | null)[]): string => `[${s.map((d) => (d === null ? 'None' : d)).join(', ')}]`;

/** Keras's InputSpec(ndim=4) check. */
export function checkRank4(layer: string, x: Tensor): void {
  if (x.shape !== null && x.shape.length !== 4) {
    throw new ValueError(`Input 0 of layer ${layer} is incompatible with the layer: expected ndim=4, found ndim=${x.shape.length}. Full shape received: ${fmtShape(x.shape)}`);
  }
}

abstract class Conv2DBase extends Layer {
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: 'channels_last' | 'channels_first';
  readonly dilationRate: number[];
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: unknown;
  readonly biasInitializer: unknown;
  readonly kernelRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(where: string, args: unknown[]) {
    const o = bindArgs(where, CONV_ARGS, args, 2);
    super(o as LayerOptions);
    noConstraint(o, 'kernelConstraint', 'biasConstraint');
    if (!Number.isInteger(o.filters) || (o.filters as number) <= 0) throw new ValueError(`filters must be a positive integer, got ${String(o.filters)}`);
    this.filters = o.filters as number;
    this.kernelSize = normalizeTuple(o.kernelSize, 2, 'kernel_size');
    this.strides = normalizeTuple(o.strides ?? 1, 2, 'strides');
    this.padding = normalizePadding(o.padding ?? 'valid');
    this.dataFormat = normalizeDataFormat(o.dataFormat);
    this.dilationRate = normalizeTuple(o.dilationRate ?? 1, 2, 'dilation_rate');
    this.activation = (o.activation as Activation) ?? null;
    this.useBias = (o.useBias as boolean | undefined) ?? true;
    this.kernelInitializer = o.kernelInitializer ?? null;
    this.biasInitializer = o.biasInitializer ?? zerosInitializer();
    this.kernelRegularizer = (o.kernelRegularizer as Regularizer | undefined) ?? null;
    this.biasRegularizer = (o.biasRegularizer as Regularizer | undefined) ?? null;
  }

  protected inputChannels(inputShape: readonly (number | null)[] | null): number {
    if (inputShape !== null && inputShape.length !== 4) {
      throw new ValueError(`Input 0 of layer ${this.name} is incompatible with the layer: expected ndim=4, found ndim=${inputShape.length}. Full shape received: ${fmtShape(inputShape)}`);
    }
    const c = inputShape?.[channelAxis(this.dataFormat)];
    if (c === null || c === undefined) throw new ValueError('The channel dimension of the inputs should be defined. Found `None`.');
    return c;
  }

  protected buildWeights(kernelShape: number[]): void {
    this.kernel = this.addWeight('kernel', kernelShape, { initializer: this.kernelInitializer, regularizer: this.kernelRegularizer });
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], { initializer: this.biasInitializer, regularizer: this.biasRegularizer });
  }

  /** Bias (in NHWC) and activation. */
  protected finish(nhwc: Tensor): Tensor {
    return this.bias ? biasAdd(nhwc, this.bias, { name: 'BiasAdd' }) : nhwc;
  }

  protected activate(y: Tensor): Tensor {
    return this.activation ? this.activation(y) : y;
  }
}

/** `tf.layers.Conv2D(filters, kernel_size, strides=(1,1), padding='valid', data_format='channels_last', dilation_rate=(1,1), activation=None, use_bias=True, …)`. */
export class Conv2D extends Conv2DBase {
  constructor(...args: unknown[]) {
    super('Conv2D', args);
  }

  protected override build(inputShape: readonly (number | null)[] | null): void {
    const c = this.inputChannels(inputShape);
    this.buildWeights([...this.kernelSize, c, this.filters]);
  }

  protected call(inputs: Tensor): Tensor {
    checkRank4(this.name, inputs);
    const y = viaNhwc(inputs, this.dataFormat, (x) =>
      this.finish(nnConv2d(x, this.kernel!, this.strides, this.padding.toUpperCase(), { dilations: this.dilationRate, name: 'Conv2D' })),
    );
    return this.activate(y);
  }
}

/** `tf.layers.Conv2DTranspose(filters, kernel_size, strides=(1,1), padding='valid', data_format='channels_last', …)`. */
export class Conv2DTranspose extends Conv2DBase {
  constructor(...args: unknown[]) {
    super('Conv2DTranspose', args);
  }

  protected override build(inputShape: readonly (number | null)[] | null): void {
    const c = this.inputChannels(inputShape);
    this.buildWeights([...this.kernelSize, this.filters, c]);
  }

  protected call(inputs: Tensor): Tensor {
    checkRank4(this.name, inputs);
    const y = viaNhwc(inputs, this.dataFormat, (x) => {
      const [n, h, w] = x.shape as (number | null)[];
      if (h === null || w === null || h === undefined || w === undefined) {
        throw new ValueError(`${this.name}: the spatial dims of the inputs must be known, got shape ${fmtShape(x.shape!)}`);
      }
      const oh = deconvOutputLength(h, this.kernelSize[0]!, this.padding, this.strides[0]!, this.dilationRate[0]!)!;
      const ow = deconvOutputLength(w, this.kernelSize[1]!, this.padding, this.strides[1]!, this.dilationRate[1]!)!;
      const attrs: ConvAttrs = {
        strides: [1, this.strides[0]!, this.strides[1]!, 1],
        padding: this.padding === 'same' ? 'SAME' : 'VALID',
        dilations: [1, this.dilationRate[0]!, this.dilationRate[1]!, 1],
      };
      // The output shape: static when the batch is known, else that of a [N, oh, ow, filters]
      // tensor tiled from the input's first cells (its shape folds when the plan is built).
      const outShape: Tensor | number[] =
        n !== null && n !== undefined ? [n, oh, ow, this.filters] : tile(slice(x, [0, 0, 0, 0], [-1, 1, 1, 1]), [1, oh, ow, this.filters]);
      const out = conv2dBackpropInput(outShape, this.kernel!.value(), x, attrs, 'conv2d_transpose');
      return this.finish(out);
    });
    return this.activate(y);
  }
}

const FUNCTIONAL = [
  'inputs', 'filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate', 'activation', 'useBias',
  'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint',
  'biasConstraint', 'trainable', 'name', 'reuse',
];

/** `tf.layers.conv2d(inputs, filters, kernel_size, strides=(1,1), padding='valid', …, name=None, reuse=None)`. */
export function conv2d(...args: unknown[]): Tensor {
  const { inputs, reuse, ...rest } = bindArgs('conv2d', FUNCTIONAL, args, 3);
  return new Conv2D({ ...rest, _scope: rest.name ?? null, _reuse: reuse ?? null }).apply(inputs as TensorLike);
}

/** `tf.layers.conv2d_transpose(inputs, filters, kernel_size, strides=(1,1), padding='valid', …)` (no dilation_rate, as TF1). */
export function conv2dTranspose(...args: unknown[]): Tensor {
  const names = FUNCTIONAL.filter((n) => n !== 'dilationRate');
  const { inputs, reuse, ...rest } = bindArgs('conv2d_transpose', names, args, 3);
  return new Conv2DTranspose({ ...rest, _scope: rest.name ?? null, _reuse: reuse ?? null }).apply(inputs as TensorLike);
}
