/**
 * `keras.layers.LocallyConnected1D` / `LocallyConnected2D` as TF 1.15's keras/layers/local.py:
 * a convolution whose weights are not shared between output positions, with the three
 * implementations' weight layouts (so weights set from TF's match):
 * 1: `kernel` [output positions, kernel positions·input_filters, filters] through K.local_conv
 *    ('valid' padding only);
 * 2: a dense `kernel` [in spatial…, in_filters, out spatial…, filters] (channels_first: the
 *    filters before the spatial dims) masked to the receptive fields, one matmul;
 * 3: `kernel` the connected entries only, a 1-D vector ordered by (flat output index, flat input
 *    index), as a sparse matrix times the flattened inputs.
 * `bias` is [output positions…, filters]. All three compute the same numbers.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { normalizeDataFormat, normalizePadding, normalizeTuple } from '../layers/utils.js';
import * as ops from '../ops/index.js';
import * as tf from '../index.js';
import type { Variable } from '../ops/variables.js';
import { serialize as serializeActivation } from './activations.js';
import { biasAdd } from './backend-ops.js';
import { localConv } from './backend-extra.js';
import { serialize as serializeConstraint, setConstraint } from './constraints.js';
import { serialize as serializeInitializer } from './initializers.js';
import { prepare } from './layer-utils.js';
import { SimpleLayer } from './layers-core.js';
import { serialize as serializeRegularizer } from './regularizers.js';

const ARGS = [
  'filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer',
  'kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint', 'implementation',
];
const CONV = { activations: ['activation'], initializers: { kernelInitializer: 'glorot_uniform', biasInitializer: 'zeros' }, constraints: ['kernelConstraint', 'biasConstraint'] };

/** conv_utils.conv_output_length (dilation 1). */
const outLength = (n: number, k: number, padding: string, s: number): number => Math.floor(((padding === 'same' ? n : n - k + 1) + s - 1) / s);

/** conv_utils.conv_connected_inputs along one dim: the inputs output position `o` sees. */
function connected(n: number, k: number, o: number, s: number, padding: string): [number, number] {
  const left = Math.floor(k / 2);
  let center = o * s;
  if (padding === 'valid') center += left;
  return [Math.max(0, center - left), Math.min(n, center + (k - left))];
}

/** Row-major walk over a grid of sizes `dims`. */
function* grid(dims: readonly number[]): Generator<number[]> {
  const total = dims.reduce((a, d) => a * d, 1);
  const p = Array<number>(dims.length).fill(0);
  for (let i = 0; i < total; i++) {
    let r = i;
    for (let d = dims.length - 1; d >= 0; d--) {
      p[d] = r % dims[d]!;
      r = Math.floor(r / dims[d]!);
    }
    yield [...p];
  }
}
const ravel = (idx: readonly number[], dims: readonly number[]): number => idx.reduce((a, v, i) => a * dims[i]! + v, 0);

/** For each output position, the rectangle of input positions it is connected to. */
function connections(inShape: number[], ks: number[], strides: number[], padding: string, outShape: number[]): { out: number[]; ins: number[][] }[] {
  const res: { out: number[]; ins: number[][] }[] = [];
  for (const o of grid(outShape)) {
    const ranges = o.map((od, d) => connected(inShape[d]!, ks[d]!, od, strides[d]!, padding));
    const lens = ranges.map(([a, b]) => Math.max(0, b - a));
    const ins = [...grid(lens)].map((p) => p.map((v, d) => v + ranges[d]![0]));
    res.push({ out: o, ins });
  }
  return res;
}

/** The shared body of LocallyConnected1D and 2D (`rank` spatial dims). */
abstract class LocallyConnected extends SimpleLayer {
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: 'channels_last' | 'channels_first';
  readonly activation: ((x: Tensor) => Tensor) | null;
  readonly useBias: boolean;
  readonly implementation: number;
  kernel: Variable | null = null;
  bias: Variable | null = null;
  /** The output's spatial sizes, once built. */
  outputSpatial: number[] = [];
  private readonly o: Record<string, unknown>;
  private readonly cons: Record<string, unknown>;
  private inShape: number[] = [];
  private inFilters = 0;
  private mask: Tensor | null = null;
  private idxs: [number, number][] = [];

  constructor(cls: string, private readonly rank: number, args: unknown[]) {
    const p = prepare(cls, ARGS, args, 2, CONV);
    super(p);
    this.filters = p.o.filters as number;
    if (!Number.isInteger(this.filters) || this.filters <= 0) throw new ValueError(`${cls}: filters must be a positive integer, got ${String(p.o.filters)}`);
    this.kernelSize = normalizeTuple(p.o.kernelSize, rank, 'kernel_size');
    this.strides = normalizeTuple(p.o.strides ?? 1, rank, 'strides');
    this.padding = normalizePadding((p.o.padding as string | undefined) ?? 'valid') as 'valid' | 'same';
    this.implementation = (p.o.implementation as number | undefined) ?? 1;
    if (this.padding !== 'valid' && this.implementation === 1) {
      throw new ValueError(`Invalid border mode for ${cls} (only "valid" is supported if implementation is 1): ${String(p.o.padding)}`);
    }
    if (![1, 2, 3].includes(this.implementation)) throw new ValueError(`Unrecognized implementation mode: ${this.implementation}.`);
    this.dataFormat = normalizeDataFormat((p.o.dataFormat as string | undefined) ?? null) as 'channels_last' | 'channels_first';
    this.activation = (p.o.activation as ((x: Tensor) => Tensor) | null | undefined) ?? null;
    this.useBias = (p.o.useBias as boolean | undefined) ?? true;
    this.o = p.o;
    this.cons = p.constraints;
  }

  protected override build(shape: readonly (number | null)[] | null): void {
    const cls = this.kerasClass;
    if (shape === null || shape.length !== this.rank + 2) {
      throw new ValueError(`Input 0 of layer ${this.name} is incompatible with the layer: expected ndim=${this.rank + 2}, found ndim=${shape?.length ?? 'None'}`);
    }
    const cf = this.dataFormat === 'channels_first';
    const spatial = cf ? shape.slice(2) : shape.slice(1, -1);
    const inF = cf ? shape[1] : shape[shape.length - 1];
    if (spatial.some((d) => d === null)) {
      throw new ValueError(this.rank === 1
        ? `Axis 2 of input should be fully-defined. Found shape: ${JSON.stringify(shape)}`
        : `The spatial dimensions of the inputs to  a ${cls} layer should be fully-defined, but layer received the inputs shape ${JSON.stringify(shape)}`);
    }
    if (inF === null || inF === undefined) throw new ValueError(`Axis ${cf ? 1 : shape.length - 1} of input should be fully-defined. Found shape: ${JSON.stringify(shape)}`);
    this.inShape = spatial as number[];
    this.inFilters = inF;
    const out = this.inShape.map((n, d) => outLength(n, this.kernelSize[d]!, this.padding, this.strides[d]!));
    if (out.some((d) => d <= 0)) throw new ValueError(`${cls}: the input ${JSON.stringify(shape)} is smaller than the kernel ${JSON.stringify(this.kernelSize)}`);
    this.outputSpatial = out;
    const nOut = out.reduce((a, d) => a * d, 1);
    const nIn = this.inShape.reduce((a, d) => a * d, 1);
    let kshape: number[];
    if (this.implementation === 1) {
      kshape = [nOut, this.kernelSize.reduce((a, d) => a * d, 1) * inF, this.filters];
    } else if (this.implementation === 2) {
      kshape = cf ? [inF, ...this.inShape, this.filters, ...out] : [...this.inShape, inF, ...out, this.filters];
      const mask = new Float32Array(nIn * nOut);
      for (const c of connections(this.inShape, this.kernelSize, this.strides, this.padding, out)) {
        const oi = ravel(c.out, out);
        for (const i of c.ins) mask[ravel(i, this.inShape) * nOut + oi] = 1;
      }
      // get_locallyconnected_mask: the filter axes as singletons.
      const mshape = cf ? [1, ...this.inShape, 1, ...out] : [...this.inShape, 1, ...out, 1];
      this.mask = ops.reshape(ops.constant(Array.from(mask), this._dtype ?? 'float32', [nIn * nOut]), mshape);
    } else {
      const idxs: [number, number][] = [];
      const cat = (sp: number[], f: number): number[] => (cf ? [f, ...sp] : [...sp, f]);
      for (const c of connections(this.inShape, this.kernelSize, this.strides, this.padding, out)) {
        for (const i of c.ins) {
          for (let fi = 0; fi < inF; fi++) {
            for (let fo = 0; fo < this.filters; fo++) {
              idxs.push([ravel(cat(c.out, fo), cat(out, this.filters)), ravel(cat(i, fi), cat(this.inShape, inF))]);
            }
          }
        }
      }
      idxs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      this.idxs = idxs;
      kshape = [idxs.length];
    }
    this.kernel = this.addWeight('kernel', kshape, { initializer: this.o.kernelInitializer, regularizer: this.o.kernelRegularizer as never });
    if (this.cons.kernelConstraint) setConstraint(this.kernel, this.cons.kernelConstraint as never);
    if (this.useBias) {
      this.bias = this.addWeight('bias', [...out, this.filters], { initializer: this.o.biasInitializer, regularizer: this.o.biasRegularizer as never });
      if (this.cons.biasConstraint) setConstraint(this.bias, this.cons.biasConstraint as never);
    }
  }

  protected call(x: Tensor): Tensor {
    const cf = this.dataFormat === 'channels_first';
    const out = this.outputSpatial;
    const outShape = cf ? [this.filters, ...out] : [...out, this.filters];
    const n = x.shape?.[0];
    const flatShape = (rest: number[]): Tensor | number[] => (n !== null && n !== undefined
      ? [n, ...rest]
      : ops.concat([ops.expandDims(ops.gather(ops.shape(x), 0), 0), ops.constant(rest, 'int32', [rest.length])], 0));
    let y: Tensor;
    if (this.implementation === 1) {
      y = localConv(x, this.kernel!, this.kernelSize, this.strides, out, this.dataFormat);
    } else if (this.implementation === 2) {
      const xf = ops.reshape(x, flatShape([-1]));
      const nIn = this.inShape.reduce((a, d) => a * d, 1) * this.inFilters;
      const k = ops.reshape(ops.multiply(this.mask!, this.kernel!.value()), [nIn, -1]);
      y = ops.reshape(ops.matmul(xf, k), flatShape(outShape));
    } else {
      const xf = ops.reshape(x, flatShape([-1]));
      const nIn = this.inShape.reduce((a, d) => a * d, 1) * this.inFilters;
      const nOut = out.reduce((a, d) => a * d, 1) * this.filters;
      const ind = ops.constant(this.idxs.flat(), 'int64', [this.idxs.length, 2]);
      const sp = new tf.SparseTensor(ind, this.kernel!.value(), [nOut, nIn]);
      const yf = tf.sparseTensorDenseMatmul(sp, xf, false, true);
      y = ops.reshape(ops.transpose(yf), flatShape(outShape));
    }
    if (this.useBias) y = biasAdd(y, this.bias!.value(), this.dataFormat);
    return this.activation ? this.activation(y) : y;
  }

  /** `layer.get_config()`: the constructor's arguments (what `deserialize` rebuilds it from). */
  override getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      trainable: this.trainable,
      dtype: this._dtype ?? 'float32',
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: this.dataFormat,
      activation: this.activation ? serializeActivation(this.activation) : 'linear',
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.o.kernelInitializer),
      biasInitializer: serializeInitializer(this.o.biasInitializer),
      kernelRegularizer: serializeRegularizer(this.o.kernelRegularizer ?? null),
      biasRegularizer: serializeRegularizer(this.o.biasRegularizer ?? null),
      activityRegularizer: serializeRegularizer(this.o.activityRegularizer ?? null),
      kernelConstraint: serializeConstraint(this.cons.kernelConstraint ?? null),
      biasConstraint: serializeConstraint(this.cons.biasConstraint ?? null),
      implementation: this.implementation,
    };
  }
}

/**
 * `keras.layers.LocallyConnected1D(filters, kernel_size, strides=1, padding='valid', data_format=None, activation=None,
 * use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros', …, implementation=1)`.
 */
export class LocallyConnected1D extends LocallyConnected {
  readonly kerasClass = 'LocallyConnected1D';
  constructor(...args: unknown[]) {
    super('LocallyConnected1D', 1, args);
  }
}

/**
 * `keras.layers.LocallyConnected2D(filters, kernel_size, strides=(1, 1), padding='valid', data_format=None, activation=None,
 * use_bias=True, …, implementation=1)`.
 */
export class LocallyConnected2D extends LocallyConnected {
  readonly kerasClass = 'LocallyConnected2D';
  constructor(...args: unknown[]) {
    super('LocallyConnected2D', 2, args);
  }
}
