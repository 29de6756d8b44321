/**
 * `tf.keras.layers` that move values around, as TF 1.15's keras/layers/convolutional.py and
 * core.py define them: UpSampling1D/2D/3D (Keras's repeat_elements; 2-D also bilinear through
 * ResizeBilinear with half-pixel centres, as K.resize_images), ZeroPadding1D/2D/3D,
 * Cropping1D/2D/3D (Python slices, so unknown dims are fine), Permute (1-based dims),
 * RepeatVector (none of these has weights) and
 * the TimeDistributed wrapper (its layer's weights, made in its own scope).
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { Layer } from '../layers/base.js';
import { normalizeDataFormat, normalizeTuple } from '../layers/utils.js';
import * as ops from '../ops/index.js';
import { resizeBilinear } from '../ops/image/index.js';
import type { Variable } from '../ops/variables.js';
import { type KerasLayer, prepare } from './layer-utils.js';
import { SimpleLayer } from './layers-core.js';

type Format = 'channels_last' | 'channels_first';

/** Python's str() of a (nested) tuple or scalar, for error texts. */
function pyStr(v: unknown): string {
  if (Array.isArray(v)) return v.length === 1 ? `(${pyStr(v[0])},)` : `(${v.map(pyStr).join(', ')})`;
  return typeof v === 'string' ? `'${v}'` : String(v);
}

function checkNdim(layer: string, x: Tensor, ndim: number): void {
  if (x.shape !== null && x.shape.length !== ndim) {
    throw new ValueError(`Input 0 of layer ${layer} is incompatible with the layer: expected ndim=${ndim}, found ndim=${x.shape.length}. Full shape received: [${x.shape.map((d) => d ?? 'None').join(', ')}]`);
  }
}

/** The spatial axes of a rank-(n+2) input. */
const spatialAxes = (n: number, format: Format): number[] => Array.from({ length: n }, (_, i) => (format === 'channels_first' ? i + 2 : i + 1));

/** Keras's `repeat_elements(x, rep, axis)`: each slice along `axis` repeated `rep` times in place. */
function repeatElements(x: Tensor, rep: number, axis: number): Tensor {
  if (rep === 1) return x;
  const s = x.shape!;
  const r = s.length;
  const tiled = ops.tile(ops.expandDims(x, axis + 1), Array.from({ length: r + 1 }, (_, i) => (i === axis + 1 ? rep : 1)));
  const rest = s.map((d, i) => (d === null ? null : i === axis ? d * rep : d));
  if (rest.slice(1).every((d) => d !== null)) return ops.reshape(tiled, [-1, ...(rest.slice(1) as number[])]);
  const mult = ops.constant(Int32Array.from({ length: r }, (_, i) => (i === axis ? rep : 1)), 'int32', [r]);
  return ops.reshape(tiled, ops.multiply(ops.shape(x), mult));
}

/** `keras.layers.UpSampling1D(size=2)`: every step repeated `size` times. */
export class UpSampling1D extends SimpleLayer {
  readonly kerasClass = 'UpSampling1D';
  readonly size: number;
  constructor(...args: unknown[]) {
    const p = prepare('UpSampling1D', ['size'], args);
    super(p);
    this.size = normalizeTuple(p.o.size ?? 2, 1, 'size')[0]!;
  }
  protected call(x: Tensor): Tensor {
    checkNdim(this.name, x, 3);
    return repeatElements(x, this.size, 1);
  }
}

/**
 * `keras.layers.UpSampling2D(size=(2, 2), data_format=None, interpolation='nearest')`;
 * 'bilinear' as ResizeBilinear with half_pixel_centers (TF 1.15's K.resize_images calls
 * resize_images_v2).
 */
export class UpSampling2D extends SimpleLayer {
  readonly kerasClass = 'UpSampling2D';
  readonly size: number[];
  readonly dataFormat: Format;
  readonly interpolation: 'nearest' | 'bilinear';
  constructor(...args: unknown[]) {
    const p = prepare('UpSampling2D', ['size', 'dataFormat', 'interpolation'], args);
    super(p);
    this.size = normalizeTuple(p.o.size ?? 2, 2, 'size');
    this.dataFormat = normalizeDataFormat(p.o.dataFormat);
    const i = (p.o.interpolation as string | undefined) ?? 'nearest';
    if (i !== 'nearest' && i !== 'bilinear') throw new ValueError('`interpolation` argument should be one of `"nearest"` or `"bilinear"`.');
    this.interpolation = i;
  }
  protected call(x: Tensor): Tensor {
    checkNdim(this.name, x, 4);
    const [ha, wa] = spatialAxes(2, this.dataFormat) as [number, number];
    const [sh, sw] = this.size as [number, number];
    // Keras runs ResizeNearestNeighbor (half-pixel, floor((i + 0.5)/s)); at integer factors that
    // repeats each pixel
    if (this.interpolation === 'nearest') return repeatElements(repeatElements(x, sh, ha), sw, wa);
    // K.resize_images: resize_images_v2's ResizeBilinear (half_pixel_centers=True) to (h·sh, w·sw) in NHWC
    const h = x.shape![ha];
    const w = x.shape![wa];
    const nhwc = this.dataFormat === 'channels_first' ? ops.transpose(x, [0, 2, 3, 1]) : x;
    const size = h !== null && h !== undefined && w !== null && w !== undefined
      ? [h * sh, w * sw]
      : ops.multiply(ops.slice(ops.shape(nhwc), [1], [2]), ops.constant(Int32Array.from([sh, sw]), 'int32', [2]));
    const y = resizeBilinear(nhwc, size, { halfPixelCenters: true });
    return this.dataFormat === 'channels_first' ? ops.transpose(y, [0, 3, 1, 2]) : y;
  }
}

/** `keras.layers.UpSampling3D(size=(2, 2, 2), data_format=None)`: K.resize_volumes, repeats along each spatial axis. */
export class UpSampling3D extends SimpleLayer {
  readonly kerasClass = 'UpSampling3D';
  readonly size: number[];
  readonly dataFormat: Format;
  constructor(...args: unknown[]) {
    const p = prepare('UpSampling3D', ['size', 'dataFormat'], args);
    super(p);
    this.size = normalizeTuple(p.o.size ?? 2, 3, 'size');
    this.dataFormat = normalizeDataFormat(p.o.dataFormat);
  }
  protected call(x: Tensor): Tensor {
    checkNdim(this.name, x, 5);
    return spatialAxes(3, this.dataFormat).reduce((y, a, i) => repeatElements(y, this.size[i]!, a), x);
  }
}

const ORD = ['1st', '2nd', '3rd'];
/**
 * ZeroPadding2D/3D's and Cropping2D/3D's argument: an int, n ints (symmetric), or n pairs.
 * `what` is 'padding' or 'cropping'; `help` the rest of Keras's message.
 */
function pairs(value: unknown, n: number, what: string, help: string): [number, number][] {
  if (typeof value === 'number' && Number.isInteger(value)) return Array.from({ length: n }, () => [value, value]);
  if (Array.isArray(value)) {
    if (value.length !== n) throw new ValueError(`\`${what}\` should have ${n === 2 ? 'two' : n} elements. Found: ${pyStr(value)}`);
    return value.map((v, i) => normalizeTuple(v, 2, `${ORD[i]} entry of ${what}`) as [number, number]);
  }
  throw new ValueError(`\`${what}\` should be either an int, ${help}. Found: ${pyStr(value)}`);
}

const PAD_HELP: Record<number, string> = {
  2: 'a tuple of 2 ints (symmetric_height_pad, symmetric_width_pad), or a tuple of 2 tuples of 2 ints ((top_pad, bottom_pad), (left_pad, right_pad))',
  3: 'a tuple of 3 ints (symmetric_dim1_pad, symmetric_dim2_pad, symmetric_dim3_pad), or a tuple of 3 tuples of 2 ints ((left_dim1_pad, right_dim1_pad), (left_dim2_pad, right_dim2_pad), (left_dim3_pad, right_dim2_pad))',
};
const CROP_HELP: Record<number, string> = {
  2: 'a tuple of 2 ints (symmetric_height_crop, symmetric_width_crop), or a tuple of 2 tuples of 2 ints ((top_crop, bottom_crop), (left_crop, right_crop))',
  3: 'a tuple of 3 ints (symmetric_dim1_crop, symmetric_dim2_crop, symmetric_dim3_crop), or a tuple of 3 tuples of 2 ints ((left_dim1_crop, right_dim1_crop), (left_dim2_crop, right_dim2_crop), (left_dim3_crop, right_dim2_crop))',
};

/** Zero padding (or cropping) of `n` spatial dims. */
abstract class SpatialEdges extends SimpleLayer {
  readonly dataFormat: Format;
  constructor(p: ReturnType<typeof prepare>, protected readonly n: 1 | 2 | 3, readonly amounts: [number, number][]) {
    super(p);
    this.dataFormat = n === 1 ? 'channels_last' : normalizeDataFormat(p.o.dataFormat);
  }
  /** Per-axis [before, after] over the whole input (zeros off the spatial axes). */
  protected perAxis(): [number, number][] {
    const axes = spatialAxes(this.n, this.dataFormat);
    return Array.from({ length: this.n + 2 }, (_, i) => {
      const j = axes.indexOf(i);
      return j < 0 ? [0, 0] : this.amounts[j]!;
    });
  }
}

function zeroPadding(n: 1 | 2 | 3): new (...args: unknown[]) => SpatialEdges {
  const cls = `ZeroPadding${n}D`;
  const def = n === 1 ? 1 : Array(n).fill(1);
  return class extends SpatialEdges {
    readonly kerasClass = cls;
    constructor(...args: unknown[]) {
      const p = prepare(cls, n === 1 ? ['padding'] : ['padding', 'dataFormat'], args);
      const v = p.o.padding ?? def;
      super(p, n, n === 1 ? [normalizeTuple(v, 2, 'padding') as [number, number]] : pairs(v, n, 'padding', PAD_HELP[n]!));
    }
    protected call(x: Tensor): Tensor {
      checkNdim(this.name, x, n + 2);
      return ops.pad(x, this.perAxis());
    }
  };
}
/** `keras.layers.ZeroPadding1D(padding=1)`: zeros before and after the steps. */
export const ZeroPadding1D = zeroPadding(1);
/** `keras.layers.ZeroPadding2D(padding=(1, 1), data_format=None)`. */
export const ZeroPadding2D = zeroPadding(2);
/** `keras.layers.ZeroPadding3D(padding=(1, 1, 1), data_format=None)`. */
export const ZeroPadding3D = zeroPadding(3);

function cropping(n: 1 | 2 | 3): new (...args: unknown[]) => SpatialEdges {
  const cls = `Cropping${n}D`;
  const def = n === 1 ? [1, 1] : n === 2 ? [[0, 0], [0, 0]] : [[1, 1], [1, 1], [1, 1]];
  return class extends SpatialEdges {
    readonly kerasClass = cls;
    constructor(...args: unknown[]) {
      const p = prepare(cls, n === 1 ? ['cropping'] : ['cropping', 'dataFormat'], args);
      const v = p.o.cropping ?? def;
      super(p, n, n === 1 ? [normalizeTuple(v, 2, 'cropping') as [number, number]] : pairs(v, n, 'cropping', CROP_HELP[n]!));
    }
    protected call(x: Tensor): Tensor {
      checkNdim(this.name, x, n + 2);
      // inputs[:, a:-b, …] as Python slices it (b = 0: to the end)
      const ax = this.perAxis();
      let endMask = 0;
      ax.forEach(([, b], i) => {
        if (b === 0) endMask |= 1 << i;
      });
      return ops.stridedSlice(x, ax.map(([a]) => a), ax.map(([, b]) => -b), ax.map(() => 1), { endMask });
    }
  };
}
/** `keras.layers.Cropping1D(cropping=(1, 1))`: steps cut from the start and the end. */
export const Cropping1D = cropping(1);
/** `keras.layers.Cropping2D(cropping=((0, 0), (0, 0)), data_format=None)`. */
export const Cropping2D = cropping(2);
/** `keras.layers.Cropping3D(cropping=((1, 1), (1, 1), (1, 1)), data_format=None)`. */
export const Cropping3D = cropping(3);

/** `keras.layers.Permute(dims)`: the non-batch axes reordered, 1-based (`Permute([2, 1])` swaps steps and features). */
export class Permute extends SimpleLayer {
  readonly kerasClass = 'Permute';
  readonly dims: number[];
  constructor(...args: unknown[]) {
    const p = prepare('Permute', ['dims'], args, 1);
    super(p);
    const dims = [...(p.o.dims as number[])];
    const sorted = [...dims].sort((a, b) => a - b);
    if (!sorted.every((d, i) => d === i + 1)) {
      throw new ValueError(`Invalid permutation \`dims\` for Permute Layer: ${pyStr(dims)}. The set of indices in \`dims\` must be consecutive and start from 1.`);
    }
    this.dims = dims;
  }
  protected call(x: Tensor): Tensor {
    checkNdim(this.name, x, this.dims.length + 1);
    return ops.transpose(x, [0, ...this.dims]);
  }
}

/** `keras.layers.RepeatVector(n)`: [batch, features] → [batch, n, features]. */
export class RepeatVector extends SimpleLayer {
  readonly kerasClass = 'RepeatVector';
  readonly n: number;
  constructor(...args: unknown[]) {
    const p = prepare('RepeatVector', ['n'], args, 1);
    super(p);
    if (!Number.isInteger(p.o.n) || (p.o.n as number) < 0) throw new ValueError(`RepeatVector: n must be a non-negative integer, got ${String(p.o.n)}`);
    this.n = p.o.n as number;
  }
  protected call(x: Tensor): Tensor {
    checkNdim(this.name, x, 2);
    return ops.tile(ops.expandDims(x, 1), [1, this.n, 1]);
  }
}

/** What TimeDistributed reaches into on its layer: the scope it builds in and the names its `apply` takes. */
interface Wrapped {
  _scope: unknown;
  readonly callArgNames: readonly string[];
}

/**
 * `keras.layers.TimeDistributed(layer)`: `layer` on every step of [batch, time, ...], as Keras's
 * reshape path runs it (the steps folded into the batch, the layer applied once, the result
 * unfolded to [batch, time, ...]). As in TF, the layer builds inside the wrapper, so its weights
 * are `time_distributed/kernel`, …; the learning phase reaches a layer that takes `training`.
 */
export class TimeDistributed extends SimpleLayer {
  readonly kerasClass = 'TimeDistributed';
  readonly layer: Layer & KerasLayer;
  protected override readonly callArgNames: readonly string[] = ['training'];
  constructor(...args: unknown[]) {
    const p = prepare('TimeDistributed', ['layer'], args, 1);
    const layer = p.o.layer;
    if (!(layer instanceof Layer) || !('kerasClass' in layer)) {
      throw new ValueError(`Please initialize \`TimeDistributed\` layer with a \`Layer\` instance. You passed: ${String(layer)}`);
    }
    delete p.o.layer;
    super(p);
    this.layer = layer as Layer & KerasLayer;
    // Keras builds the wrapped layer in the wrapper's build, so its weights take the wrapper's scope.
    if (!layer.built) (layer as unknown as Wrapped)._scope = this._scope;
  }
  override get trainableWeights(): Variable[] {
    return this.trainable ? this.layer.trainableWeights : [];
  }
  override get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.layer.nonTrainableWeights : this.layer.weights;
  }
  override get weights(): Variable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }
  override get losses(): Tensor[] {
    return [...super.losses, ...this.layer.losses];
  }
  override get updates(): Layer['updates'] {
    return [...super.updates, ...this.layer.updates];
  }
  protected call(x: Tensor, kw: Record<string, unknown>): Tensor {
    const s = x.shape;
    if (s === null || s.length < 3) {
      throw new ValueError(`\`TimeDistributed\` Layer should be passed an \`input_shape \` with at least 3 dimensions, received: ${s === null ? '<unknown>' : `[${s.map((d) => d ?? 'None').join(', ')}]`}`);
    }
    const inner = s.slice(2);
    const folded = inner.every((d) => d !== null)
      ? ops.reshape(x, [-1, ...(inner as number[])])
      : ops.reshape(x, ops.concat([ops.constant(Int32Array.from([-1]), 'int32', [1]), ops.slice(ops.shape(x), [2], [-1])], 0));
    const takesTraining = (this.layer as unknown as Wrapped).callArgNames.includes('training');
    const y = Layer.prototype.apply.call(this.layer, folded, ...(takesTraining ? [{ training: kw.training }] : [])) as Tensor;
    const out = y.shape?.slice(1) ?? null;
    const steps = s[1];
    if (out !== null && out.every((d) => d !== null) && steps !== null && steps !== undefined) return ops.reshape(y, [-1, steps, ...(out as number[])]);
    const stepsT = steps !== null && steps !== undefined ? ops.constant(Int32Array.from([steps]), 'int32', [1]) : ops.slice(ops.shape(x), [1], [1]);
    const r = ops.reshape(y, ops.concat([ops.constant(Int32Array.from([-1]), 'int32', [1]), stepsT, ops.slice(ops.shape(y), [1], [-1])], 0));
    // Keras's compute_output_shape: [batch, steps, ...the layer's output dims]
    if (out !== null) r.setShape([s[0] ?? null, steps ?? null, ...out]);
    return r;
  }
}
