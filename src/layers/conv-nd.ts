/**
 * `tf.layers` convolutions and poolings in 1 and 3 spatial dims, and the separable
 * convolutions, with TF1's variables (`conv1d/kernel` [k, in, filters], `conv3d/kernel`
 * [kd, kh, kw, in, filters], `separable_conv2d/depthwise_kernel` [kh, kw, in, depth_multiplier],
 * `separable_conv2d/pointwise_kernel` [1, 1, in·depth_multiplier, filters], `…/bias`).
 *
 * tsflow's kernels are 2-D and NHWC, so these are built from them as TF1 builds its 1-D ones:
 * a 1-D input [N, W, C] runs as [N, 1, W, C] through conv2d / the 2-D pools; a 3-D conv sums one
 * conv2d per depth tap over depth-strided slices of the (zero-padded) input, a 3-D pool takes
 * the max / mean over depth taps of 2-D pools (padding never counted in an average). channels_first
 * inputs are transposed to channels_last and the result back.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { expandDims, reshape, slice, squeeze, tile, transpose } from '../ops/array.js';
import { type ConvAttrs, conv2d as nnConv2d, avgPool, conv2dBackpropInput, maxPool } from '../ops/conv.js';
import { depthwiseConv2d } from '../ops/conv-transpose.js';
import { constant } from '../ops/core.js';
import { type TensorLike } from '../ops/convert.js';
import { addN, maximum, multiply } from '../ops/math.js';
import { biasAdd } from '../ops/nn.js';
import { pad } from '../ops/pad.js';
import { stridedSlice } from '../ops/strided-slice.js';
import type { Variable } from '../ops/variables.js';
import { zerosInitializer } from '../scope/initializers.js';
import type { Regularizer } from '../scope/variable-scope.js';
import { type Activation, Layer, type LayerOptions } from './base.js';
import { noConstraint } from './dense.js';
import { bindArgs } from './kwargs.js';
import { normalizeDataFormat, normalizeTuple } from './utils.js';

type Dims = 1 | 2 | 3;
type Format = 'channels_last' | 'channels_first';
type Pad = 'valid' | 'same' | 'causal';

const fmtShape = (s: readonly (number | null)[]): string => `[${s.map((d) => (d === null ? 'None' : d)).join(', ')}]`;

function checkRank(layer: string, x: Tensor, ndim: number): void {
  if (x.shape !== null && x.shape.length !== ndim) {
    throw new ValueError(`Input 0 of layer ${layer} is incompatible with the layer: expected ndim=${ndim}, found ndim=${x.shape.length}. Full shape received: ${fmtShape(x.shape)}`);
  }
}

function padding(value: unknown, causalOk: boolean): Pad {
  const p = String(value).toLowerCase();
  if (p === 'valid' || p === 'same' || (p === 'causal' && causalOk)) return p;
  throw new ValueError(`The \`padding\` argument must be one of "valid", "same" (or "causal", only for \`Conv1D). Received: ${String(value)}`);
}

/** channels_first → channels_last and back around `fn` (rank 3, 4 or 5). */
function channelsLast(x: Tensor, format: Format, fn: (x: Tensor) => Tensor): Tensor {
  if (format === 'channels_last') return fn(x);
  const r = x.shape!.length;
  const toLast = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
  const toFirst = [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
  return transpose(fn(transpose(x, toLast)), toFirst);
}

/** Output length of a conv/pool along one dim, and the padding before it (TF's SAME rule). */
function outLength(n: number, k: number, stride: number, dilation: number, p: 'valid' | 'same'): [number, number, number] {
  const eff = (k - 1) * dilation + 1;
  if (p === 'valid') return [Math.floor((n - eff) / stride) + 1, 0, 0];
  const out = Math.ceil(n / stride);
  const total = Math.max((out - 1) * stride + eff - n, 0);
  return [out, Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** `x[:, start::stride][:count]` along axis 1 of a rank-5 tensor. */
function depthSlice(x: Tensor, start: number, stride: number, count: number): Tensor {
  const end = start + (count - 1) * stride + 1;
  // bits 0, 2, 3, 4: whole batch, height, width, channels
  return stridedSlice(x, [0, start, 0, 0, 0], [0, end, 0, 0, 0], [1, stride, 1, 1, 1], { beginMask: 29, endMask: 29 });
}

function staticDims(x: Tensor, from: number, what: string): number[] {
  const s = x.shape;
  const dims = s === null ? null : s.slice(from);
  if (dims === null || dims.some((d) => d === null)) throw new ValueError(`${what}: the spatial and channel dims of the inputs must be known, got shape ${s === null ? 'unknown' : fmtShape(s)}`);
  return dims as number[];
}

/** A 3-D convolution of channels_last x [N, D, H, W, C] with kernel [kd, kh, kw, C, F]. */
export function conv3dNdhwc(x: Tensor, kernel: Tensor, strides: number[], p: 'valid' | 'same', dil: number[], layer: string): Tensor {
  const [d, h, w, c] = staticDims(x, 1, layer);
  const [kd, kh, kw, , f] = kernel.shape as number[];
  const [od, front, back] = outLength(d!, kd!, strides[0]!, dil[0]!, p);
  if (od <= 0) throw new ValueError(`${layer}: the input depth ${d} is smaller than the kernel's ${(kd! - 1) * dil[0]! + 1}`);
  const xp = front + back > 0 ? pad(x, [[0, 0], [front, back], [0, 0], [0, 0], [0, 0]]) : x;
  const taps: Tensor[] = [];
  for (let j = 0; j < kd!; j++) {
    const xs = reshape(depthSlice(xp, j * dil[0]!, strides[0]!, od), [-1, h!, w!, c!]);
    const kj = reshape(stridedSlice(kernel, [j, 0, 0, 0, 0], [j + 1, 0, 0, 0, 0], [1, 1, 1, 1, 1], { endMask: 30, shrinkAxisMask: 1 }), [kh!, kw!, c!, f!]);
    taps.push(nnConv2d(xs, kj, [1, strides[1]!, strides[2]!, 1], p.toUpperCase(), { dilations: [1, dil[1]!, dil[2]!, 1] }));
  }
  const sum = taps.length === 1 ? taps[0]! : addN(taps);
  const [, oh, ow] = sum.shape as number[];
  return reshape(sum, [-1, od, oh!, ow!, f!], 'Conv3D');
}

/** A 3-D max or average pool of channels_last x [N, D, H, W, C]. */
export function pool3dNdhwc(kind: 'max' | 'avg', x: Tensor, size: number[], strides: number[], p: 'valid' | 'same', layer: string): Tensor {
  const [d, h, w, c] = staticDims(x, 1, layer);
  const [od, front, back] = outLength(d!, size[0]!, strides[0]!, 1, p);
  if (od <= 0) throw new ValueError(`${layer}: the input depth ${d} is smaller than the pool's ${size[0]}`);
  const pool = kind === 'max' ? maxPool : avgPool;
  const xp = front + back > 0 ? pad(x, [[0, 0], [front, back], [0, 0], [0, 0], [0, 0]], 'CONSTANT', undefined, kind === 'max' ? -Infinity : 0) : x;
  const taps: Tensor[] = [];
  for (let j = 0; j < size[0]!; j++) {
    const xs = reshape(depthSlice(xp, j, strides[0]!, od), [-1, h!, w!, c!]);
    taps.push(pool(xs, [1, size[1]!, size[2]!, 1], [1, strides[1]!, strides[2]!, 1], p.toUpperCase()));
  }
  const [, oh, ow] = taps[0]!.shape as number[];
  let out: Tensor;
  if (kind === 'max') {
    out = taps.reduce((a, b) => maximum(a, b));
  } else {
    // Each output depth averages over the taps inside the input (padding is not counted).
    const counts = Array.from({ length: od }, (_, o) => {
      let n = 0;
      for (let j = 0; j < size[0]!; j++) {
        const i = o * strides[0]! + j - front;
        if (i >= 0 && i < d!) n++;
      }
      return 1 / n;
    });
    const sum = taps.length === 1 ? taps[0]! : addN(taps);
    const inv = constant(counts.flatMap((v) => Array(oh! * ow! * c!).fill(v)), sum.dtype, [od * oh! * ow!, c!]);
    out = multiply(reshape(sum, [-1, od * oh! * ow!, c!]), inv);
  }
  return reshape(out, [-1, od, oh!, ow!, c!], kind === 'max' ? 'MaxPool3D' : 'AvgPool3D');
}

/**
 * The transposed 3-D convolution (the adjoint of conv3dNdhwc in its input) of channels_last
 * x [N, D, H, W, C] with kernel [kd, kh, kw, F, C]: per depth tap, a 2-D transposed conv of
 * every input depth slice, spread `strides[0]` apart and shifted by the tap, summed, then
 * cropped to the output depth as TF1 pads (`deconv_output_length`).
 */
export function conv3dTransposeNdhwc(x: Tensor, kernel: Tensor, strides: number[], p: 'valid' | 'same', layer: string): Tensor {
  const [d, h, w, c] = staticDims(x, 1, layer);
  const [kd, kh, kw, f] = kernel.shape as number[];
  const [sd, sh, sw] = strides as [number, number, number];
  const len = (n: number, k: number, s: number): number => (p === 'valid' ? n * s + Math.max(k - s, 0) : n * s);
  const od = len(d!, kd!, sd);
  const oh = len(h!, kh!, sh);
  const ow = len(w!, kw!, sw);
  const front = Math.floor(Math.max((d! - 1) * sd + kd! - od, 0) / 2);
  const full = (d! - 1) * sd + kd!;
  const xs = reshape(x, [-1, h!, w!, c!]);
  // A tensor of the 2-D output's shape [N·D, oh, ow, F] (its batch folds when the plan is built).
  const shapeLike = multiply(tile(slice(xs, [0, 0, 0, 0], [-1, 1, 1, 1]), [1, oh, ow, 1]), constant(Array(f!).fill(0), x.dtype, [f!]));
  const attrs: ConvAttrs = { strides: [1, sh, sw, 1], padding: p === 'same' ? 'SAME' : 'VALID', dilations: [1, 1, 1, 1] };
  const taps: Tensor[] = [];
  for (let j = 0; j < kd!; j++) {
    const kj = reshape(stridedSlice(kernel, [j, 0, 0, 0, 0], [j + 1, 0, 0, 0, 0], [1, 1, 1, 1, 1], { endMask: 30, shrinkAxisMask: 1 }), [kh!, kw!, f!, c!]);
    let y = reshape(conv2dBackpropInput(shapeLike, kj, xs, attrs), [-1, d!, 1, oh * ow * f!]);
    // input depth i lands at depth i·sd + j of the full output
    if (sd > 1) y = pad(y, [[0, 0], [0, 0], [0, sd - 1], [0, 0]]);
    y = reshape(y, [-1, d! * sd, oh * ow * f!]);
    y = stridedSlice(y, [0, 0, 0], [0, (d! - 1) * sd + 1, 0], [1, 1, 1], { beginMask: 5, endMask: 5 });
    taps.push(pad(y, [[0, 0], [j, full - ((d! - 1) * sd + 1) - j], [0, 0]]));
  }
  let sum = taps.length === 1 ? taps[0]! : addN(taps);
  if (od + front > full) sum = pad(sum, [[0, 0], [0, od + front - full], [0, 0]]);
  const cropped = stridedSlice(sum, [0, front, 0], [0, front + od, 0], [1, 1, 1], { beginMask: 5, endMask: 5 });
  return reshape(cropped, [-1, od, oh, ow, f!], 'conv3d_transpose');
}

const CONV_ARGS = [
  'filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate', 'activation', 'useBias', 'kernelInitializer',
  'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint',
  'trainable', 'name', 'dtype', '_scope', '_reuse',
];
const SEPARABLE_ARGS = [
  'filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate', 'depthMultiplier', 'activation', 'useBias',
  'depthwiseInitializer', 'pointwiseInitializer', 'biasInitializer', 'depthwiseRegularizer', 'pointwiseRegularizer',
  'biasRegularizer', 'activityRegularizer', 'depthwiseConstraint', 'pointwiseConstraint', 'biasConstraint', 'trainable', 'name',
  'dtype', '_scope', '_reuse',
];

abstract class ConvBase extends Layer {
  readonly rank: Dims;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: Pad;
  readonly dataFormat: Format;
  readonly dilationRate: number[];
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly biasInitializer: unknown;
  readonly biasRegularizer: Regularizer | null;
  bias: Variable | null = null;

  constructor(rank: Dims, o: Record<string, unknown>) {
    super(o as LayerOptions);
    this.rank = rank;
    if (!Number.isInteger(o.filters) || (o.filters as number) <= 0) throw new ValueError(`filters must be a positive integer, got ${String(o.filters)}`);
    this.filters = o.filters as number;
    this.kernelSize = normalizeTuple(o.kernelSize, rank, 'kernel_size');
    this.strides = normalizeTuple(o.strides ?? 1, rank, 'strides');
    this.padding = padding(o.padding ?? 'valid', rank === 1);
    this.dataFormat = normalizeDataFormat(o.dataFormat);
    this.dilationRate = normalizeTuple(o.dilationRate ?? 1, rank, 'dilation_rate');
    this.activation = (o.activation as Activation) ?? null;
    this.useBias = (o.useBias as boolean | undefined | null) ?? true;
    this.biasInitializer = o.biasInitializer ?? zerosInitializer();
    this.biasRegularizer = (o.biasRegularizer as Regularizer | undefined) ?? null;
    if (this.padding === 'causal' && this.dataFormat === 'channels_first') {
      throw new ValueError('Causal padding is only supported for `Conv1D` and ``SeparableConv1D` with `data_format="channels_last"`.');
    }
  }

  protected inputChannels(inputShape: readonly (number | null)[] | null): number {
    const ndim = this.rank + 2;
    if (inputShape !== null && inputShape.length !== ndim) {
      throw new ValueError(`Input 0 of layer ${this.name} is incompatible with the layer: expected ndim=${ndim}, found ndim=${inputShape.length}. Full shape received: ${fmtShape(inputShape)}`);
    }
    const c = inputShape?.[this.dataFormat === 'channels_first' ? 1 : ndim - 1];
    if (c === null || c === undefined) throw new ValueError('The channel dimension of the inputs should be defined. Found `None`.');
    return c;
  }

  protected buildBias(): void {
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], { initializer: this.biasInitializer, regularizer: this.biasRegularizer });
  }

  /** Keras's causal padding: dilation·(k−1) zeros before the sequence, then 'valid'. */
  protected causalPad(x: Tensor): Tensor {
    const left = this.dilationRate[0]! * (this.kernelSize[0]! - 1);
    return left > 0 ? pad(x, [[0, 0], [left, 0], [0, 0]]) : x;
  }

  protected finish(y: Tensor): Tensor {
    let out = y;
    if (this.bias) {
      // biasAdd is NHWC over rank 4; other ranks add the bias along the last axis alike.
      out = biasAdd(out, this.bias, { name: 'BiasAdd' });
    }
    return this.activation ? this.activation(out) : out;
  }

  protected padding2d(): 'VALID' | 'SAME' {
    return this.padding === 'same' ? 'SAME' : 'VALID';
  }
}

class ConvLayer extends ConvBase {
  kernel: Variable | null = null;
  readonly kernelInitializer: unknown;
  readonly kernelRegularizer: Regularizer | null;

  constructor(rank: Dims, where: string, args: unknown[]) {
    const o = bindArgs(where, CONV_ARGS, args, 2);
    super(rank, o);
    noConstraint(o, 'kernelConstraint', 'biasConstraint');
    this.kernelInitializer = o.kernelInitializer ?? null;
    this.kernelRegularizer = (o.kernelRegularizer as Regularizer | undefined) ?? null;
  }

  protected override build(inputShape: readonly (number | null)[] | null): void {
    const c = this.inputChannels(inputShape);
    this.kernel = this.addWeight('kernel', [...this.kernelSize, c, this.filters], { initializer: this.kernelInitializer, regularizer: this.kernelRegularizer });
    this.buildBias();
  }

  protected call(inputs: Tensor): Tensor {
    checkRank(this.name, inputs, this.rank + 2);
    const y = channelsLast(inputs, this.dataFormat, (x) => {
      if (this.rank === 1) {
        const xin = this.padding === 'causal' ? this.causalPad(x) : x;
        const k = this.kernel!.value();
        const out = inScope(xin, 'conv1d', () => {
          const x4 = expandDims(xin, 1, 'ExpandDims');
          const k4 = expandDims(k, 0, 'ExpandDims_1');
          const c = nnConv2d(x4, k4, [1, 1, this.strides[0]!, 1], this.padding2d(), { dilations: [1, 1, this.dilationRate[0]!, 1], name: 'Conv2D' });
          return squeeze(c, [1], 'Squeeze');
        });
        return this.finish(out);
      }
      return this.finish(conv3dNdhwc(x, this.kernel!.value(), this.strides, this.padding === 'same' ? 'same' : 'valid', this.dilationRate, this.name));
    });
    return y;
  }
}

function inScope<T>(x: Tensor, name: string, fn: () => T): T {
  return x.graph.nameScope(name, fn);
}

/** `tf.layers.Conv1D(filters, kernel_size, strides=1, padding='valid' | 'same' | 'causal', data_format='channels_last', dilation_rate=1, activation=None, use_bias=True, …)`. */
export class Conv1D extends ConvLayer {
  constructor(...args: unknown[]) {
    super(1, 'Conv1D', args);
  }
}

/** `tf.layers.Conv3D(filters, kernel_size, strides=(1,1,1), padding='valid', data_format='channels_last', dilation_rate=(1,1,1), …)`. */
export class Conv3D extends ConvLayer {
  constructor(...args: unknown[]) {
    super(3, 'Conv3D', args);
  }
}

const CONV_T_ARGS = CONV_ARGS.filter((n) => n !== 'dilationRate');

/** `tf.layers.Conv3DTranspose(filters, kernel_size, strides=(1,1,1), padding='valid', data_format='channels_last', activation=None, …)`: kernel [kd, kh, kw, filters, in]. */
export class Conv3DTranspose extends ConvBase {
  kernel: Variable | null = null;
  readonly kernelInitializer: unknown;
  readonly kernelRegularizer: Regularizer | null;

  constructor(...args: unknown[]) {
    const o = bindArgs('Conv3DTranspose', CONV_T_ARGS, args, 2);
    super(3, o);
    noConstraint(o, 'kernelConstraint', 'biasConstraint');
    this.kernelInitializer = o.kernelInitializer ?? null;
    this.kernelRegularizer = (o.kernelRegularizer as Regularizer | undefined) ?? null;
  }

  protected override build(inputShape: readonly (number | null)[] | null): void {
    const c = this.inputChannels(inputShape);
    this.kernel = this.addWeight('kernel', [...this.kernelSize, this.filters, c], { initializer: this.kernelInitializer, regularizer: this.kernelRegularizer });
    this.buildBias();
  }

  protected call(inputs: Tensor): Tensor {
    checkRank(this.name, inputs, 5);
    return channelsLast(inputs, this.dataFormat, (x) =>
      this.finish(conv3dTransposeNdhwc(x, this.kernel!.value(), this.strides, this.padding === 'same' ? 'same' : 'valid', this.name)));
  }
}

class SeparableConvLayer extends ConvBase {
  readonly depthMultiplier: number;
  readonly depthwiseInitializer: unknown;
  readonly pointwiseInitializer: unknown;
  readonly depthwiseRegularizer: Regularizer | null;
  readonly pointwiseRegularizer: Regularizer | null;
  depthwiseKernel: Variable | null = null;
  pointwiseKernel: Variable | null = null;

  constructor(rank: 1 | 2, where: string, args: unknown[]) {
    const o = bindArgs(where, SEPARABLE_ARGS, args, 2);
    super(rank, o);
    noConstraint(o, 'depthwiseConstraint', 'pointwiseConstraint', 'biasConstraint');
    const dm = o.depthMultiplier ?? 1;
    if (!Number.isInteger(dm) || (dm as number) <= 0) throw new ValueError(`depth_multiplier must be a positive integer, got ${String(dm)}`);
    this.depthMultiplier = dm as number;
    this.depthwiseInitializer = o.depthwiseInitializer ?? null;
    this.pointwiseInitializer = o.pointwiseInitializer ?? null;
    this.depthwiseRegularizer = (o.depthwiseRegularizer as Regularizer | undefined) ?? null;
    this.pointwiseRegularizer = (o.pointwiseRegularizer as Regularizer | undefined) ?? null;
  }

  protected override build(inputShape: readonly (number | null)[] | null): void {
    const c = this.inputChannels(inputShape);
    this.depthwiseKernel = this.addWeight('depthwise_kernel', [...this.kernelSize, c, this.depthMultiplier], {
      initializer: this.depthwiseInitializer, regularizer: this.depthwiseRegularizer,
    });
    this.pointwiseKernel = this.addWeight('pointwise_kernel', [...Array(this.rank).fill(1), c * this.depthMultiplier, this.filters], {
      initializer: this.pointwiseInitializer, regularizer: this.pointwiseRegularizer,
    });
    this.buildBias();
  }

  /** TF1's nn.separable_conv2d: depthwise conv, then a 1×1 conv, in NHWC. */
  private separable2d(x: Tensor, dw: Tensor, pw: Tensor, strides: number[], dil: number[]): Tensor {
    return x.graph.nameScope('separable_conv2d', () => {
      const depthwise = depthwiseConv2d(x, dw, [1, strides[0]!, strides[1]!, 1], this.padding2d(), dil, 'depthwise');
      return nnConv2d(depthwise, pw, [1, 1, 1, 1], 'VALID', { name: 'Conv2D' });
    });
  }

  protected call(inputs: Tensor): Tensor {
    checkRank(this.name, inputs, this.rank + 2);
    return channelsLast(inputs, this.dataFormat, (x) => {
      if (this.rank === 2) {
        return this.finish(this.separable2d(x, this.depthwiseKernel!.value(), this.pointwiseKernel!.value(), this.strides, this.dilationRate));
      }
      // 1-D: as Keras's SeparableConv1D, the sequence becomes a [N, 1, W, C] image.
      const xin = this.padding === 'causal' ? this.causalPad(x) : x;
      const x4 = expandDims(xin, 1);
      const dw = expandDims(this.depthwiseKernel!.value(), 0);
      const pw = expandDims(this.pointwiseKernel!.value(), 0);
      const y = this.separable2d(x4, dw, pw, [1, this.strides[0]!], [1, this.dilationRate[0]!]);
      return this.finish(squeeze(y, [1]));
    });
  }
}

/** `tf.layers.SeparableConv1D(filters, kernel_size, strides=1, padding='valid', data_format='channels_last', dilation_rate=1, depth_multiplier=1, …)`. */
export class SeparableConv1D extends SeparableConvLayer {
  constructor(...args: unknown[]) {
    super(1, 'SeparableConv1D', args);
  }
}

/** `tf.layers.SeparableConv2D(filters, kernel_size, strides=(1,1), padding='valid', data_format='channels_last', dilation_rate=(1,1), depth_multiplier=1, …)`. */
export class SeparableConv2D extends SeparableConvLayer {
  constructor(...args: unknown[]) {
    super(2, 'SeparableConv2D', args);
  }
}

// ----- pooling ----------------------------------------------------------------------------------
const POOL_ARGS = ['poolSize', 'strides', 'padding', 'dataFormat', 'name', 'trainable', 'dtype', '_scope', '_reuse'];

class PoolingND extends Layer {
  readonly rank: 1 | 3;
  readonly kind: 'max' | 'avg';
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: Format;

  constructor(rank: 1 | 3, kind: 'max' | 'avg', where: string, args: unknown[]) {
    const o = bindArgs(where, POOL_ARGS, args, 2);
    super(o as LayerOptions);
    this.rank = rank;
    this.kind = kind;
    this.poolSize = normalizeTuple(o.poolSize, rank, 'pool_size');
    this.strides = normalizeTuple(o.strides, rank, 'strides');
    this.padding = padding(o.padding ?? 'valid', false) as 'valid' | 'same';
    this.dataFormat = normalizeDataFormat(o.dataFormat);
  }

  protected call(inputs: Tensor): Tensor {
    checkRank(this.name, inputs, this.rank + 2);
    return channelsLast(inputs, this.dataFormat, (x) => {
      if (this.rank === 3) return pool3dNdhwc(this.kind, x, this.poolSize, this.strides, this.padding, this.name);
      // Keras's Pooling1D: [N, W, C] → [N, W, 1, C], a (pool_size, 1) 2-D pool, squeezed back.
      const x4 = expandDims(x, 2);
      const pool = this.kind === 'max' ? maxPool : avgPool;
      const y = pool(x4, [1, this.poolSize[0]!, 1, 1], [1, this.strides[0]!, 1, 1], this.padding.toUpperCase(), { name: this.kind === 'max' ? 'MaxPool' : 'AvgPool' });
      return squeeze(y, [2]);
    });
  }
}

/** `tf.layers.MaxPooling1D(pool_size, strides, padding='valid', data_format='channels_last', name=None)`. */
export class MaxPooling1D extends PoolingND {
  constructor(...args: unknown[]) {
    super(1, 'max', 'MaxPooling1D', args);
  }
}
/** `tf.layers.AveragePooling1D(pool_size, strides, padding='valid', data_format='channels_last', name=None)`. */
export class AveragePooling1D extends PoolingND {
  constructor(...args: unknown[]) {
    super(1, 'avg', 'AveragePooling1D', args);
  }
}
/** `tf.layers.MaxPooling3D(pool_size, strides, padding='valid', data_format='channels_last', name=None)`. */
export class MaxPooling3D extends PoolingND {
  constructor(...args: unknown[]) {
    super(3, 'max', 'MaxPooling3D', args);
  }
}
/** `tf.layers.AveragePooling3D(pool_size, strides, padding='valid', data_format='channels_last', name=None)`. */
export class AveragePooling3D extends PoolingND {
  constructor(...args: unknown[]) {
    super(3, 'avg', 'AveragePooling3D', args);
  }
}

// ----- functional forms -------------------------------------------------------------------------
const FUNCTIONAL = [
  'inputs', 'filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate', 'activation', 'useBias',
  'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint',
  'biasConstraint', 'trainable', 'name', 'reuse',
];
const SEPARABLE_FUNCTIONAL = ['inputs', ...SEPARABLE_ARGS.filter((n) => n !== 'dtype' && n !== '_scope' && n !== '_reuse'), 'reuse'];
const POOL_FUNCTIONAL = ['inputs', 'poolSize', 'strides', 'padding', 'dataFormat', 'name'];

function functional<L extends Layer>(where: string, names: readonly string[], Ctor: new (o: Record<string, unknown>) => L, args: unknown[]): Tensor {
  const { inputs, reuse, ...rest } = bindArgs(where, names, args, 3);
  return new Ctor({ ...rest, _scope: rest.name ?? null, _reuse: reuse ?? null }).apply(inputs as TensorLike);
}

/** `tf.layers.conv1d(inputs, filters, kernel_size, strides=1, padding='valid', data_format='channels_last', dilation_rate=1, …, name=None, reuse=None)`. */
export function conv1d(...args: unknown[]): Tensor {
  return functional('conv1d', FUNCTIONAL, Conv1D as never, args);
}
/** `tf.layers.conv3d(inputs, filters, kernel_size, strides=(1,1,1), padding='valid', …, name=None, reuse=None)`. */
export function conv3d(...args: unknown[]): Tensor {
  return functional('conv3d', FUNCTIONAL, Conv3D as never, args);
}
/** `tf.layers.separable_conv1d(inputs, filters, kernel_size, strides=1, padding='valid', data_format, dilation_rate=1, depth_multiplier=1, …)`. */
export function separableConv1d(...args: unknown[]): Tensor {
  return functional('separable_conv1d', SEPARABLE_FUNCTIONAL, SeparableConv1D as never, args);
}
/** `tf.layers.separable_conv2d(inputs, filters, kernel_size, strides=(1,1), padding='valid', data_format, dilation_rate=(1,1), depth_multiplier=1, …)`. */
export function separableConv2d(...args: unknown[]): Tensor {
  return functional('separable_conv2d', SEPARABLE_FUNCTIONAL, SeparableConv2D as never, args);
}

function poolFunctional(where: string, Ctor: new (o: Record<string, unknown>) => Layer, args: unknown[]): Tensor {
  const { inputs, ...rest } = bindArgs(where, POOL_FUNCTIONAL, args, 3);
  return new Ctor(rest).apply(inputs as TensorLike);
}
/** `tf.layers.max_pooling1d(inputs, pool_size, strides, padding='valid', data_format='channels_last', name=None)`. */
export function maxPooling1d(...args: unknown[]): Tensor {
  return poolFunctional('max_pooling1d', MaxPooling1D as never, args);
}
/** `tf.layers.average_pooling1d(inputs, pool_size, strides, padding='valid', data_format='channels_last', name=None)`. */
export function averagePooling1d(...args: unknown[]): Tensor {
  return poolFunctional('average_pooling1d', AveragePooling1D as never, args);
}
/** `tf.layers.max_pooling3d(inputs, pool_size, strides, padding='valid', data_format='channels_last', name=None)`. */
export function maxPooling3d(...args: unknown[]): Tensor {
  return poolFunctional('max_pooling3d', MaxPooling3D as never, args);
}
/** `tf.layers.average_pooling3d(inputs, pool_size, strides, padding='valid', data_format='channels_last', name=None)`. */
export function averagePooling3d(...args: unknown[]): Tensor {
  return poolFunctional('average_pooling3d', AveragePooling3D as never, args);
}

/** `tf.layers.conv3d_transpose(inputs, filters, kernel_size, strides=(1,1,1), padding='valid', data_format='channels_last', …, name=None, reuse=None)`. */
export function conv3dTranspose(...args: unknown[]): Tensor {
  return functional('conv3d_transpose', FUNCTIONAL.filter((n) => n !== 'dilationRate'), Conv3DTranspose as never, args);
}
