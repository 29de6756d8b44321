/**
 * conv2d, max/avg pooling and the backprop ops their gradients use, NHWC only, with TF's window
 * geometry: k_eff = (k-1)·dilation + 1; VALID out = (in - k_eff + s) / s; SAME out = ceil(in / s)
 * with the odd padding cell at the bottom/right.
 */
import { shapeValue } from './shape-value.js';
import { InvalidArgumentError, UnimplementedError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import type { NDArray } from '../ndarray.js';
import type { WindowGeom } from '../device/prims.js';
import { type Dim, type PartialShape, cShape } from '../shape.js';
import { shape as shapeOf, shapeFnError } from './array.js';
import { constant } from './core.js';
import { type TensorLike, toTensor } from './convert.js';
import { sameDType } from './elementwise.js';
import type { Lower, Val } from './lower.js';
import { defineOp, makeOp } from './registry.js';
import { conv2dOptions, poolOptions } from '../schemas.js';
import { parseOptions } from '../validate.js';
import { deprecatedAlias, tf1Function } from '../args.js';

export type Padding = 'SAME' | 'VALID';
/** Attrs of Conv2D and its backprop ops; `strides` and `dilations` are NHWC 4-vectors. */
export interface ConvAttrs {
  strides: number[];
  padding: Padding;
  dilations: number[];
  [k: string]: unknown;
}
/** Attrs of the pools and their gradients; `ksize` and `strides` are NHWC 4-vectors. */
export interface PoolAttrs {
  ksize: number[];
  strides: number[];
  padding: Padding;
  [k: string]: unknown;
}

export type Fail = (msg: string) => Error;
const FLOATS = 'float16, bfloat16, float32, float64';

// ----- geometry ----------------------------------------------------------------------------
/** Build-time output size of one spatial dim (TF's GetWindowedOutputSizeFromDimsV2). */
export function staticOut(inp: Dim, k: Dim, dil: number, s: number, pad: Padding, fail: Fail): Dim {
  if (s <= 0) throw fail(`Stride must be > 0, but got ${s}`);
  if (dil < 1) throw fail(`Dilation rate must be >= 1, but got ${dil}`);
  if (inp === null) return null;
  if (pad === 'SAME') return Math.ceil(inp / s);
  if (k === null) return null;
  const kEff = (k - 1) * dil + 1;
  if (inp < kEff) throw fail(`Negative dimension size caused by subtracting ${kEff} from ${inp}`);
  return Math.floor((inp - kEff + s) / s);
}

/** Run-time output size and leading padding (TF's GetWindowedOutputSizeVerboseV2). */
export function runtimeOut(inp: number, k: number, dil: number, s: number, pad: Padding, op: string): [number, number] {
  if (s <= 0) throw new InvalidArgumentError(`Stride must be > 0, but got ${s}`, op);
  if (dil < 1) throw new InvalidArgumentError(`Dilation rate must be >= 1, but got ${dil}`, op);
  const kEff = (k - 1) * dil + 1;
  let out: number;
  let before = 0;
  if (pad === 'VALID') {
    out = Math.trunc((inp - kEff + s) / s);
  } else {
    out = Math.trunc((inp + s - 1) / s);
    before = Math.floor(Math.max(0, (out - 1) * s + kEff - inp) / 2);
  }
  if (out < 0) {
    throw new InvalidArgumentError(`Computed output size would be negative: ${out} [input_size: ${inp}, effective_filter_size: ${kEff}, stride: ${s}]`, op);
  }
  return [out, before];
}

/** Window geometry over an NHWC input of concrete shape `x`. */
export function geometry(x: readonly number[], kh: number, kw: number, strides: number[], dil: number[], pad: Padding, op: string): WindowGeom {
  const [n, h, w, c] = x as [number, number, number, number];
  const [oh, padTop] = runtimeOut(h, kh, dil[1]!, strides[1]!, pad, op);
  const [ow, padLeft] = runtimeOut(w, kw, dil[2]!, strides[2]!, pad, op);
  return { n, h, w, c, kh, kw, oh, ow, sh: strides[1]!, sw: strides[2]!, dh: dil[1]!, dw: dil[2]!, padTop, padLeft };
}

export function withRank4(s: PartialShape, fail: Fail): Dim[] {
  if (s === null) return [null, null, null, null];
  if (s.length !== 4) throw fail(`Shape must be rank 4 but is rank ${s.length}`);
  return s;
}

/**
 * Static shape of a tensor that holds a shape, as far as the graph fixes it (TF's shape
 * functions read it with MakeShapeFromShapeTensor): `tf.shape(x)`, a constant, or a
 * `tf.stack([tf.shape(x)[0], 7, 7, 10])` (unknown entries stay unknown).
 */
export function shapeFromTensor(t: Tensor, fail: Fail): Dim[] {
  if (t.op.type === 'Shape') return withRank4(t.op.inputs[0]!.shape, fail);
  if (t.op.type === 'Const') return withRank4(Array.from((t.op.attrs.value as NDArray).data), fail);
  const known = shapeValue(t);
  if (known !== null) return withRank4(known, fail);
  if (t.shape !== null && t.shape.length === 1 && t.shape[0] !== null && t.shape[0] !== 4) throw fail(`Shape must be rank 4 but is rank ${t.shape[0]}`);
  return [null, null, null, null];
}

/** The value of a shape input at plan time (it must fold: a constant or `tf.shape`). */
export function foldShape(b: Lower, v: Val, what: string): number[] {
  const c = b.requireValue(v, () => new InvalidArgumentError(`${what} must be known when the plan is built (a constant or tf.shape of a tensor)`, b.opName));
  const s = Array.from(c.data);
  if (s.length !== 4) throw new InvalidArgumentError(`${what} must have 4 elements, got ${cShape(s)}`, b.opName);
  return s;
}

export function checkFloat(t: Tensor, param: string): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') {
    throw new TypeError(`Value passed to parameter '${param}' has DataType ${t.dtype} not in list of allowed values: ${FLOATS}`);
  }
}

// ----- Conv2D -------------------------------------------------------------------------------
export function checkConvAttrs(a: ConvAttrs, op: string): void {
  if (a.strides[0] !== 1 || a.strides[3] !== 1) {
    throw new InvalidArgumentError('Current implementation does not yet support strides in the batch and depth dimensions.', op);
  }
  if (a.dilations[0] !== 1 || a.dilations[3] !== 1) {
    throw new InvalidArgumentError('Current implementation does not yet support dilations in the batch and depth dimensions.', op);
  }
}

defineOp<ConvAttrs>({
  type: 'Conv2D',
  infer: ([x, f], a, name) => {
    sameDType('Conv2D', x!, f!, 'input', 'filter');
    checkFloat(x!, 'input');
    const fail: Fail = (m) => shapeFnError(m, name, 'Conv2D', [x!.shape, f!.shape]);
    const xs = withRank4(x!.shape, fail);
    const fs = withRank4(f!.shape, fail);
    const [ic, fc] = [xs[3]!, fs[2]!];
    if (ic !== null && fc !== null && ic % fc !== 0) throw fail(`Depth of input (${ic}) is not a multiple of input depth of filter (${fc})`);
    const oh = staticOut(xs[1]!, fs[0]!, a.dilations[1]!, a.strides[1]!, a.padding, fail);
    const ow = staticOut(xs[2]!, fs[1]!, a.dilations[2]!, a.strides[2]!, a.padding, fail);
    return [{ dtype: x!.dtype, shape: [xs[0]!, oh, ow, fs[3]!] }];
  },
  lower: (b, [x, f], a) => {
    if (x!.shape.length !== 4) throw new InvalidArgumentError(`input must be 4-dimensional${cShape([...x!.shape])}`, b.opName);
    if (f!.shape.length !== 4) throw new InvalidArgumentError(`filter must be 4-dimensional: ${cShape([...f!.shape])}`, b.opName);
    if (x!.shape[3] !== f!.shape[2]) {
      throw new InvalidArgumentError(`input and filter must have the same depth: ${x!.shape[3]} vs ${f!.shape[2]}`, b.opName);
    }
    checkConvAttrs(a, b.opName);
    const g = geometry(x!.shape, f!.shape[0]!, f!.shape[1]!, a.strides, a.dilations, a.padding, b.opName);
    const o = f!.shape[3]!;
    return [b.window('conv2d', [x!, f!], { ...g, o }, { dtype: x!.dtype, shape: [g.n, g.oh, g.ow, o] })];
  },
});

/**
 * Geometry for the conv backprops from the forward input/filter shapes, with TF's checks that
 * `dy` fits them.
 */
export function backpropGeom(label: string, x: readonly number[], f: readonly number[], dy: readonly number[], a: ConvAttrs, op: string): WindowGeom & { o: number } {
  const bad = (m: string): InvalidArgumentError => new InvalidArgumentError(`${label}: ${m}`, op);
  if (x.length !== 4) throw bad('input must be 4-dimensional');
  if (f.length !== 4) throw bad('filter must be 4-dimensional');
  if (dy.length !== 4) throw bad('out_backprop must be 4-dimensional');
  if (x[0] !== dy[0]) throw bad('input and out_backprop must have the same batch size');
  if (x[3] !== f[2]) throw bad('input and filter must have the same depth');
  if (f[3] !== dy[3]) throw bad('filter and out_backprop must have the same out_depth');
  checkConvAttrs(a, op);
  const g = geometry(x, f[0]!, f[1]!, a.strides, a.dilations, a.padding, op);
  const dims: [number, number, number, number, number][] = [
    [1, g.oh, x[1]!, f[0]!, 1],
    [2, g.ow, x[2]!, f[1]!, 2],
  ];
  for (const [i, computed, inp, k, ax] of dims) {
    if (dy[i] !== computed) {
      throw bad(`Size of out_backprop doesn't match computed: actual = ${dy[i]}, computed = ${computed} spatial_dim: ${i} input: ${inp} filter: ${k} output: ${dy[i]} stride: ${a.strides[ax]} dilation: ${a.dilations[ax]}`);
    }
  }
  return { ...g, o: f[3]! };
}

/** Inputs (input_sizes, filter, out_backprop) → d input; input_sizes must fold at plan time. */
defineOp<ConvAttrs>({
  type: 'Conv2DBackpropInput',
  infer: ([sizes, f, dy], _a, name) => {
    sameDType('Conv2DBackpropInput', f!, dy!, 'filter', 'out_backprop');
    const fail: Fail = (m) => shapeFnError(m, name, 'Conv2DBackpropInput', [sizes!.shape, f!.shape, dy!.shape]);
    return [{ dtype: f!.dtype, shape: shapeFromTensor(sizes!, fail) }];
  },
  lower: (b, [sizes, f, dy], a) => {
    const xs = foldShape(b, sizes!, 'input_sizes');
    const g = backpropGeom('Conv2DCustomBackpropInput', xs, f!.shape, dy!.shape, a, b.opName);
    return [b.window('conv2dBackpropInput', [dy!, f!], g, { dtype: f!.dtype, shape: xs })];
  },
});

/** Inputs (input, filter_sizes, out_backprop) → d filter; filter_sizes must fold at plan time. */
defineOp<ConvAttrs>({
  type: 'Conv2DBackpropFilter',
  infer: ([x, sizes, dy], _a, name) => {
    sameDType('Conv2DBackpropFilter', x!, dy!, 'input', 'out_backprop');
    const fail: Fail = (m) => shapeFnError(m, name, 'Conv2DBackpropFilter', [x!.shape, sizes!.shape, dy!.shape]);
    return [{ dtype: x!.dtype, shape: shapeFromTensor(sizes!, fail) }];
  },
  lower: (b, [x, sizes, dy], a) => {
    const fs = foldShape(b, sizes!, 'filter_sizes');
    const g = backpropGeom('Conv2DCustomBackpropFilter', x!.shape, fs, dy!.shape, a, b.opName);
    return [b.window('conv2dBackpropFilter', [x!, dy!], g, { dtype: x!.dtype, shape: fs })];
  },
});

// ----- pooling ------------------------------------------------------------------------------
export function checkPoolAttrs(a: PoolAttrs, op: string): void {
  if (a.ksize[0] !== 1 || a.strides[0] !== 1) throw new UnimplementedError('Pooling is not yet supported on the batch dimension.', op);
  if (a.ksize[3] !== 1 || a.strides[3] !== 1) throw new UnimplementedError('Pooling across the depth dimension is not supported.', op);
}

function poolGeom(x: readonly number[], a: PoolAttrs, op: string, what: string): WindowGeom {
  if (x.length !== 4) throw new InvalidArgumentError(`${what} must be 4-dimensional`, op);
  checkPoolAttrs(a, op);
  return geometry(x, a.ksize[1]!, a.ksize[2]!, a.strides, [1, 1, 1, 1], a.padding, op);
}

function checkGrad(what: string, g: WindowGeom, dy: readonly number[], op: string): void {
  const want = [g.n, g.oh, g.ow, g.c];
  if (dy.length !== 4 || dy.some((d, i) => d !== want[i])) {
    throw new InvalidArgumentError(`Expected ${what} shape to be ${cShape(want)}, but got ${cShape([...dy])}`, op);
  }
}

for (const [type, prim] of [['MaxPool', 'maxPool'], ['AvgPool', 'avgPool']] as const) {
  defineOp<PoolAttrs>({
    type,
    infer: ([x], a, name) => {
      if (type === 'AvgPool') checkFloat(x!, 'value');
      else if (x!.dtype === 'bool') throw new TypeError(`Value passed to parameter 'input' has DataType bool not in list of allowed values: ${FLOATS}, int32, int64`);
      const fail: Fail = (m) => shapeFnError(m, name, type, [x!.shape]);
      const xs = withRank4(x!.shape, fail);
      const oh = staticOut(xs[1]!, a.ksize[1]!, 1, a.strides[1]!, a.padding, fail);
      const ow = staticOut(xs[2]!, a.ksize[2]!, 1, a.strides[2]!, a.padding, fail);
      return [{ dtype: x!.dtype, shape: [xs[0]!, oh, ow, xs[3]!] }];
    },
    lower: (b, [x], a) => {
      const g = poolGeom(x!.shape, a, b.opName, 'input');
      return [b.window(prim, [x!], g, { dtype: x!.dtype, shape: [g.n, g.oh, g.ow, g.c] })];
    },
  });
}

/** Inputs (orig_input, orig_output, grad) → d orig_input, routed to each window's first max. */
defineOp<PoolAttrs>({
  type: 'MaxPoolGrad',
  infer: ([x, y, dy], _a, name) => {
    const fail: Fail = (m) => shapeFnError(m, name, 'MaxPoolGrad', [x!.shape, y!.shape, dy!.shape]);
    return [{ dtype: x!.dtype, shape: withRank4(x!.shape, fail) }];
  },
  lower: (b, [x, y, dy], a) => {
    const g = poolGeom(x!.shape, a, b.opName, 'tensor_in');
    checkGrad('orig_output', g, y!.shape, b.opName);
    checkGrad('grad', g, dy!.shape, b.opName);
    return [b.window('maxPoolGrad', [x!, dy!], g, { dtype: x!.dtype, shape: [...x!.shape] })];
  },
});

/** Inputs (orig_input_shape, grad) → d orig_input; the shape must fold at plan time. */
defineOp<PoolAttrs>({
  type: 'AvgPoolGrad',
  infer: ([sizes, dy], _a, name) => {
    const fail: Fail = (m) => shapeFnError(m, name, 'AvgPoolGrad', [sizes!.shape, dy!.shape]);
    return [{ dtype: dy!.dtype, shape: shapeFromTensor(sizes!, fail) }];
  },
  lower: (b, [sizes, dy], a) => {
    const xs = foldShape(b, sizes!, 'orig_input_shape');
    const g = poolGeom(xs, a, b.opName, 'orig_input_shape');
    checkGrad('grad', g, dy!.shape, b.opName);
    return [b.window('avgPoolGrad', [dy!], g, { dtype: dy!.dtype, shape: xs })];
  },
});

// ----- builders -----------------------------------------------------------------------------
/** TF's `_get_sequence`: a number or 2 values become `[1, a, b, 1]`; 4 values pass through. */
export function nhwc(value: number | readonly number[], what: string): number[] {
  const v = typeof value === 'number' ? [value] : [...value];
  v.forEach((x) => {
    if (!Number.isInteger(x)) throw new TypeError(`${what} must hold integers, got ${JSON.stringify(value)}`);
  });
  if (v.length === 4) return v;
  if (v.length === 1) return [1, v[0]!, v[0]!, 1];
  if (v.length === 2) return [1, v[0]!, v[1]!, 1];
  throw new ValueError(`${what} should be of length 1, 2 or 4 but was ${v.length}`);
}

export function checkPadding(p: unknown, type: string): Padding {
  if (p !== 'SAME' && p !== 'VALID') throw new ValueError(`Attr 'padding' of '${type}' Op passed string '${String(p)}' not in: "SAME", "VALID".`);
  return p;
}

export function checkFormat(df: string | undefined, type: string): void {
  if (df !== undefined && df !== 'NHWC') {
    throw new ValueError(`${type}: data_format '${df}' is not supported; tsflow runs convolutions and pools in NHWC only`);
  }
}

/** A tensor holding the shape of `like` (a tensor, or a shape given as numbers). */
function shapeInput(like: Tensor | readonly number[]): Tensor {
  return Array.isArray(like) ? constant(like as number[], 'int32') : shapeOf(like as Tensor);
}

export interface Conv2DOptions {
  /** A number, `[dh, dw]` or an NHWC 4-vector (default 1). */
  dilations?: number | readonly number[];
  dataFormat?: string;
  name?: string;
}
/**
 * `tf.nn.conv2d(input, filter, strides, padding)`: input `[N,H,W,C]`, filter `[kh,kw,C,O]`;
 * `strides` is a number, `[sh, sw]` or `[1, sh, sw, 1]`.
 */
function conv2dImpl(input: TensorLike, filter: TensorLike, strides: number | readonly number[], padding: Padding | string, opts: Conv2DOptions): Tensor {
  parseOptions(conv2dOptions, opts, 'nn.conv2d');
  checkFormat(opts.dataFormat, 'Conv2D');
  const x = toTensor(input);
  const f = toTensor(filter, x.dtype);
  const attrs: ConvAttrs = {
    strides: nhwc(strides, 'strides'),
    padding: checkPadding(padding, 'Conv2D'),
    dilations: nhwc(opts.dilations ?? 1, 'dilations'),
  };
  return makeOp(x.graph, 'Conv2D', [x, f], attrs, opts.name, 'Conv2D').outputs[0]!;
}

export interface PoolOptions {
  dataFormat?: string;
  name?: string;
}
function pool(type: 'MaxPool' | 'AvgPool', value: TensorLike, ksize: number | readonly number[], strides: number | readonly number[], padding: Padding | string, opts: PoolOptions): Tensor {
  parseOptions(poolOptions, opts, type === 'MaxPool' ? 'nn.maxPool' : 'nn.avgPool');
  checkFormat(opts.dataFormat, type);
  const x = toTensor(value);
  const attrs: PoolAttrs = { ksize: nhwc(ksize, 'ksize'), strides: nhwc(strides, 'strides'), padding: checkPadding(padding, type) };
  return makeOp(x.graph, type, [x], attrs, opts.name, type).outputs[0]!;
}
type Sizes = number | readonly number[];
/**
 * `tf.nn.conv2d(input, filter, strides, padding, useCudnnOnGpu = true, dataFormat = 'NHWC',
 * dilations = 1, name?, filters?)` (`filters` is TF's alias of `filter`).
 */
export const conv2d = tf1Function(
  'nn.conv2d',
  ['input', 'filter', 'strides', 'padding', 'useCudnnOnGpu', 'dataFormat', 'dilations', 'name', 'filters'],
  (input: TensorLike, filter: TensorLike | null, strides: Sizes, padding: Padding | string, useCudnnOnGpu?: boolean, dataFormat?: string, dilations?: Sizes, name?: string, filters?: TensorLike | null): Tensor => {
    const f = deprecatedAlias('filter', filter, 'filters', filters);
    if (f === undefined) throw new ValueError('nn.conv2d(): a filter is required');
    if (useCudnnOnGpu !== undefined && typeof useCudnnOnGpu !== 'boolean') throw new TypeError(`nn.conv2d(): use_cudnn_on_gpu must be a boolean, got ${String(useCudnnOnGpu)}`);
    if (strides === undefined) throw new TypeError("nn.conv2d() missing required argument 'strides'");
    if (padding === undefined) throw new TypeError("nn.conv2d() missing required argument 'padding'");
    return conv2dImpl(input, f, strides, padding, { dataFormat, dilations, name });
  },
  1,
);
const POOL_NAMES = ['value', 'ksize', 'strides', 'padding', 'dataFormat', 'name', 'input'] as const;
function poolFn(type: 'MaxPool' | 'AvgPool', where: string) {
  return tf1Function(
    where, POOL_NAMES,
    (value: TensorLike | null, ksize: Sizes, strides: Sizes, padding: Padding | string, dataFormat?: string, name?: string, input?: TensorLike | null): Tensor => {
      const v = deprecatedAlias('value', value, 'input', input);
      if (v === undefined) throw new ValueError(`${where}(): a value is required`);
      for (const [k, a] of [['ksize', ksize], ['strides', strides], ['padding', padding]] as const) {
        if (a === undefined) throw new TypeError(`${where}() missing required argument '${k}'`);
      }
      return pool(type, v, ksize, strides, padding, { dataFormat, name });
    },
  );
}
/** `tf.nn.maxPool(value, ksize, strides, padding, dataFormat = 'NHWC', name?, input?)`; padded cells never win. */
export const maxPool = poolFn('MaxPool', 'nn.maxPool');
/** `tf.nn.avgPool(value, ksize, strides, padding, dataFormat = 'NHWC', name?, input?)`; SAME averages over the valid cells only. */
export const avgPool = poolFn('AvgPool', 'nn.avgPool');

// Internal builders for the gradients. `inputLike` / `filterLike` is a tensor whose run-time
// shape is that operand's shape (the batch may be unknown at build time), or the shape itself.
export function conv2dBackpropInput(inputLike: Tensor | readonly number[], filter: Tensor, dy: Tensor, attrs: ConvAttrs, name?: string): Tensor {
  const a: ConvAttrs = { strides: attrs.strides, padding: attrs.padding, dilations: attrs.dilations };
  return makeOp(filter.graph, 'Conv2DBackpropInput', [shapeInput(inputLike), filter, dy], a, name, 'Conv2DBackpropInput').outputs[0]!;
}
export function conv2dBackpropFilter(input: Tensor, filterLike: Tensor | readonly number[], dy: Tensor, attrs: ConvAttrs, name?: string): Tensor {
  const a: ConvAttrs = { strides: attrs.strides, padding: attrs.padding, dilations: attrs.dilations };
  return makeOp(input.graph, 'Conv2DBackpropFilter', [input, shapeInput(filterLike), dy], a, name, 'Conv2DBackpropFilter').outputs[0]!;
}
export function maxPoolGrad(origInput: Tensor, origOutput: Tensor, grad: Tensor, attrs: PoolAttrs, name?: string): Tensor {
  const a: PoolAttrs = { ksize: attrs.ksize, strides: attrs.strides, padding: attrs.padding };
  return makeOp(origInput.graph, 'MaxPoolGrad', [origInput, origOutput, grad], a, name, 'MaxPoolGrad').outputs[0]!;
}
export function avgPoolGrad(inputLike: Tensor | readonly number[], grad: Tensor, attrs: PoolAttrs, name?: string): Tensor {
  const a: PoolAttrs = { ksize: attrs.ksize, strides: attrs.strides, padding: attrs.padding };
  return makeOp(grad.graph, 'AvgPoolGrad', [shapeInput(inputLike), grad], a, name, 'AvgPoolGrad').outputs[0]!;
}
