/**
 * The rest of TF1's conv/pool family, NHWC: tf.nn.lrn (LRN, LRNGrad), conv1d, convolution,
 * atrousConv2d, separableConv2d, depthwiseConv2dNative (and its backprop ops), the public
 * conv2dBackpropInput / conv2dBackpropFilter, conv3d, maxPoolWithArgmax (MaxPoolWithArgmax,
 * MaxPoolGradWithArgmax), the avgPool2d / maxPool2d / 1-D / N-D pool spellings and tf.nn.pool
 * (dilated pools through space-to-batch, as TF1's with_space_to_batch does).
 */
import { deprecatedAlias, tf1Function } from '../args.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import type { Dim } from '../shape.js';
import { expandDims, shape as shapeOf, shapeFnError, squeeze } from './array.js';
import {
  type ConvAttrs, type Fail, type Padding, type PoolAttrs, avgPool, backpropGeom, checkConvAttrs, checkFloat, checkFormat,
  checkPadding, checkPoolAttrs, conv2d, foldShape, geometry, maxPool, nhwc, shapeFromTensor, staticOut, withRank4,
} from './conv.js';
import { constant } from './core.js';
import { type TensorLike, toTensor } from './convert.js';
import { sameDType } from './elementwise.js';
import type { Lower, Val } from './lower.js';
import { defineOp, makeOp, registerGradient, registerNoGradient } from './registry.js';
import { avgPool3d, maxPool3d } from './window3d.js';
import { batchToSpaceNd, gatherPatches, patchTable, spaceToBatchNd } from './space-batch.js';

type Sizes = number | readonly number[];
const HALF_FLOAT = 'float16, bfloat16, float32';

// ----- LRN ------------------------------------------------------------------------------------
interface LrnAttrs {
  depth_radius: number;
  bias: number;
  alpha: number;
  beta: number;
  [k: string]: unknown;
}

/** [C, C] with 1 where |i - j| <= r: the depth window of every channel, as a matmul operand. */
function band(b: Lower, c: number, r: number, dtype: 'float32' | 'float64'): Val {
  const m = NDArray.zeros([c, c], dtype);
  for (let i = 0; i < c; i++) for (let j = Math.max(0, i - r); j <= Math.min(c - 1, i + r); j++) m.data[i * c + j] = 1;
  return b.constant(m);
}

/** `f` over float32 copies of float16 inputs, its result cast back. */
function inF32(b: Lower, xs: Val[], f: (xs: Val[]) => Val): Val {
  if (xs[0]!.dtype !== 'float16') return f(xs);
  return b.cast(f(xs.map((x) => b.cast(x, 'float32'))), 'float16');
}

/** bias + alpha · Σ over the depth window of x², for x viewed as [M, C]. */
function lrnNorm(b: Lower, x2d: Val, a: LrnAttrs): Val {
  const c = x2d.shape[1]!;
  const dt = x2d.dtype as 'float32' | 'float64';
  const s = b.matmul(b.unary('square', x2d), band(b, c, a.depth_radius, dt), false, false);
  return b.binary('add', b.binary('mul', s, b.scalar(a.alpha, dt)), b.scalar(a.bias, dt));
}

function checkLrnDType(t: Tensor, param: string): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float16') {
    throw new TypeError(`Value passed to parameter '${param}' has DataType ${t.dtype} not in list of allowed values: ${HALF_FLOAT}`);
  }
}

defineOp<LrnAttrs>({
  type: 'LRN',
  infer: ([x], _a, name) => {
    checkLrnDType(x!, 'input');
    const fail: Fail = (m) => shapeFnError(m, name, 'LRN', [x!.shape]);
    return [{ dtype: x!.dtype, shape: withRank4(x!.shape, fail) }];
  },
  lower: (b, [x], a) => {
    if (x!.shape.length !== 4) throw new InvalidArgumentError('in must be 4-dimensional', b.opName);
    const c = x!.shape[3]!;
    return [inF32(b, [x!], ([v]) => {
      const x2 = b.reshape(v!, [v!.shape.slice(0, 3).reduce((p, d) => p * d, 1), c]);
      const y = b.binary('mul', x2, b.binary('pow', lrnNorm(b, x2, a), b.scalar(-a.beta, x2.dtype)));
      return b.reshape(y, [...v!.shape]);
    })];
  },
});

/**
 * Inputs (input_grads, input_image, output_image) → d input: with N = bias + α·Σ_window x²,
 * dx = dy·N^-β − 2αβ·x·Σ_window(dy·y / N) (the window is symmetric in depth).
 */
defineOp<LrnAttrs>({
  type: 'LRNGrad',
  infer: ([dy, x, y], _a, name) => {
    checkLrnDType(x!, 'input_image');
    const fail: Fail = (m) => shapeFnError(m, name, 'LRNGrad', [dy!.shape, x!.shape, y!.shape]);
    withRank4(dy!.shape, fail);
    withRank4(y!.shape, fail);
    return [{ dtype: x!.dtype, shape: withRank4(x!.shape, fail) }];
  },
  lower: (b, [dy, x, y], a) => {
    const s = x!.shape;
    if (s.length !== 4 || [dy!, y!].some((t) => t.shape.length !== 4 || t.shape.some((d, i) => d !== s[i]))) {
      throw new InvalidArgumentError('input_grads, input_image, and out_image should have the same shape', b.opName);
    }
    const c = s[3]!;
    const m = s[0]! * s[1]! * s[2]!;
    return [inF32(b, [dy!, x!, y!], ([g, xv, yv]) => {
      const [g2, x2, y2] = [g!, xv!, yv!].map((t) => b.reshape(t, [m, c])) as [Val, Val, Val];
      const dt = x2.dtype as 'float32' | 'float64';
      const norm = lrnNorm(b, x2, a);
      const direct = b.binary('mul', g2, b.binary('pow', norm, b.scalar(-a.beta, dt)));
      const inner = b.matmul(b.binary('div', b.binary('mul', g2, y2), norm), band(b, c, a.depth_radius, dt), false, false);
      const cross = b.binary('mul', b.binary('mul', x2, inner), b.scalar(-2 * a.alpha * a.beta, dt));
      return b.reshape(b.binary('add', direct, cross), [...s]);
    })];
  },
});
registerGradient('LRN', (op, [dy]) => [dy ? makeOp(dy.graph, 'LRNGrad', [dy, op.inputs[0]!, op.outputs[0]!], { ...(op.attrs as LrnAttrs) }, undefined, 'LRNGrad').outputs[0]! : null]);

function lrnImpl(input: TensorLike, depthRadius = 5, bias = 1, alpha = 1, beta = 0.5, name?: string): Tensor {
  const x = toTensor(input);
  if (!Number.isInteger(depthRadius)) throw new TypeError(`Expected int for argument 'depth_radius' not ${String(depthRadius)}.`);
  for (const [k, v] of [['bias', bias], ['alpha', alpha], ['beta', beta]] as const) {
    if (typeof v !== 'number') throw new TypeError(`Expected float for argument '${k}' not ${String(v)}.`);
  }
  return makeOp(x.graph, 'LRN', [x], { depth_radius: depthRadius, bias, alpha, beta }, name, 'LRN').outputs[0]!;
}
/**
 * `tf.nn.lrn(input, depthRadius = 5, bias = 1, alpha = 1, beta = 0.5, name?)` (also
 * `localResponseNormalization`): x / (bias + α·Σ_{|d'−d|≤r} x[d']²)^β along the depth.
 */
export const lrn = tf1Function('nn.lrn', ['input', 'depthRadius', 'bias', 'alpha', 'beta', 'name'], lrnImpl, 1);
export const localResponseNormalization = lrn;

// ----- depthwise ------------------------------------------------------------------------------
/** filter [kh,kw,C,M] → the block-diagonal conv2d filter [kh,kw,C,C·M]. */
function blockFilter(b: Lower, f: Val): Val {
  const [kh, kw, c, m] = f.shape as [number, number, number, number];
  return b.reshape(b.binary('mul', b.reshape(f, [kh, kw, c, 1, m]), eyeMask(b, c, f.dtype)), [kh, kw, c, c * m]);
}
function eyeMask(b: Lower, c: number, dtype: Val['dtype']): Val {
  const e = NDArray.zeros([1, 1, c, c, 1], dtype);
  for (let i = 0; i < c; i++) e.data[i * c + i] = 1;
  return b.constant(e);
}
function checkDepthwise(x: readonly number[], f: readonly number[], op: string, a?: ConvAttrs): void {
  // an imported node keeps TF's data_format attr
  if (a && a.data_format !== undefined && a.data_format !== 'NHWC') throw new InvalidArgumentError(`data_format ${String(a.data_format)} is not supported; tsflow runs depthwise convolutions in NHWC only`, op);
  if (x.length !== 4) throw new InvalidArgumentError(`input must be 4-dimensional${JSON.stringify(x)}`, op);
  if (f.length !== 4) throw new InvalidArgumentError(`filter must be 4-dimensional: ${JSON.stringify(f)}`, op);
  if (x[3] !== f[2]) throw new InvalidArgumentError(`input and filter must have the same depth: ${x[3]} vs ${f[2]}`, op);
}

defineOp<ConvAttrs>({
  type: 'DepthwiseConv2dNative',
  infer: ([x, f], a, name) => {
    sameDType('DepthwiseConv2dNative', x!, f!, 'input', 'filter');
    checkFloat(x!, 'input');
    const fail: Fail = (m) => shapeFnError(m, name, 'DepthwiseConv2dNative', [x!.shape, f!.shape]);
    const xs = withRank4(x!.shape, fail);
    const fs = withRank4(f!.shape, fail);
    if (xs[3] !== null && fs[2] !== null && xs[3] !== fs[2]) throw fail(`Dimensions must be equal, but are ${xs[3]} and ${fs[2]}`);
    const oh = staticOut(xs[1]!, fs[0]!, a.dilations[1]!, a.strides[1]!, a.padding, fail);
    const ow = staticOut(xs[2]!, fs[1]!, a.dilations[2]!, a.strides[2]!, a.padding, fail);
    const depth = (xs[3] ?? fs[2]) !== null && fs[3] !== null ? (xs[3] ?? fs[2])! * fs[3]! : null;
    return [{ dtype: x!.dtype, shape: [xs[0]!, oh, ow, depth] }];
  },
  lower: (b, [x, f], a) => {
    checkDepthwise(x!.shape, f!.shape, b.opName, a);
    checkConvAttrs(a, b.opName);
    const g = geometry(x!.shape, f!.shape[0]!, f!.shape[1]!, a.strides, a.dilations, a.padding, b.opName);
    const o = f!.shape[2]! * f!.shape[3]!;
    return [b.window('conv2d', [x!, blockFilter(b, f!)], { ...g, o }, { dtype: x!.dtype, shape: [g.n, g.oh, g.ow, o] })];
  },
});

defineOp<ConvAttrs>({
  type: 'DepthwiseConv2dNativeBackpropInput',
  infer: ([sizes, f, dy], _a, name) => {
    sameDType('DepthwiseConv2dNativeBackpropInput', f!, dy!, 'filter', 'out_backprop');
    const fail: Fail = (m) => shapeFnError(m, name, 'DepthwiseConv2dNativeBackpropInput', [sizes!.shape, f!.shape, dy!.shape]);
    return [{ dtype: f!.dtype, shape: shapeFromTensor(sizes!, fail) }];
  },
  lower: (b, [sizes, f, dy], a) => {
    const xs = foldShape(b, sizes!, 'input_sizes');
    checkDepthwise(xs, f!.shape, b.opName, a);
    const full = [...f!.shape.slice(0, 3), f!.shape[2]! * f!.shape[3]!];
    const g = backpropGeom('DepthwiseConv2DBackpropInput', xs, full, dy!.shape, a, b.opName);
    return [b.window('conv2dBackpropInput', [dy!, blockFilter(b, f!)], g, { dtype: f!.dtype, shape: xs })];
  },
});

defineOp<ConvAttrs>({
  type: 'DepthwiseConv2dNativeBackpropFilter',
  infer: ([x, sizes, dy], _a, name) => {
    sameDType('DepthwiseConv2dNativeBackpropFilter', x!, dy!, 'input', 'out_backprop');
    const fail: Fail = (m) => shapeFnError(m, name, 'DepthwiseConv2dNativeBackpropFilter', [x!.shape, sizes!.shape, dy!.shape]);
    return [{ dtype: x!.dtype, shape: shapeFromTensor(sizes!, fail) }];
  },
  lower: (b, [x, sizes, dy], a) => {
    const fs = foldShape(b, sizes!, 'filter_sizes');
    checkDepthwise(x!.shape, fs, b.opName, a);
    const [kh, kw, c, m] = fs as [number, number, number, number];
    const g = backpropGeom('DepthwiseConv2DBackpropFilter', x!.shape, [kh, kw, c, c * m], dy!.shape, a, b.opName);
    const full = b.window('conv2dBackpropFilter', [x!, dy!], g, { dtype: x!.dtype, shape: [kh, kw, c, c * m] });
    const diag = b.binary('mul', b.reshape(full, [kh, kw, c, c, m]), eyeMask(b, c, x!.dtype));
    return [b.reduce('sum', diag, [3], false)];
  },
});

const attrsOf = (a: ConvAttrs): ConvAttrs => ({ strides: a.strides, padding: a.padding, dilations: a.dilations });
registerGradient('DepthwiseConv2dNative', (op, [dy]) => {
  if (!dy) return [null, null];
  const [x, f] = op.inputs as [Tensor, Tensor];
  const a = attrsOf(op.attrs as ConvAttrs);
  return [
    makeOp(dy.graph, 'DepthwiseConv2dNativeBackpropInput', [shapeOf(x), f, dy], a, undefined, 'DepthwiseConv2dNativeBackpropInput').outputs[0]!,
    makeOp(dy.graph, 'DepthwiseConv2dNativeBackpropFilter', [x, shapeOf(f), dy], a, undefined, 'DepthwiseConv2dNativeBackpropFilter').outputs[0]!,
  ];
});

function convAttrs(strides: Sizes, padding: unknown, dilations: Sizes | null | undefined, type: string): ConvAttrs {
  return { strides: nhwc(strides, 'strides'), padding: checkPadding(padding, type), dilations: nhwc(dilations ?? 1, 'dilations') };
}
/** `tf.nn.depthwiseConv2dNative(input, filter, strides, padding, dataFormat = 'NHWC', dilations = [1,1,1,1], name?)`. */
export const depthwiseConv2dNative = tf1Function(
  'nn.depthwiseConv2dNative', ['input', 'filter', 'strides', 'padding', 'dataFormat', 'dilations', 'name'],
  (input: TensorLike, filter: TensorLike, strides: Sizes, padding: Padding | string, dataFormat?: string, dilations?: Sizes, name?: string): Tensor => {
    checkFormat(dataFormat, 'DepthwiseConv2dNative');
    const x = toTensor(input);
    const f = toTensor(filter, x.dtype);
    return makeOp(x.graph, 'DepthwiseConv2dNative', [x, f], convAttrs(strides, padding, dilations, 'DepthwiseConv2dNative'), name, 'DepthwiseConv2dNative').outputs[0]!;
  }, 4);

const sizesInput = (s: TensorLike): Tensor => (s instanceof Tensor ? s : constant(s as number[], 'int32'));
/** `tf.nn.depthwiseConv2dNativeBackpropInput(inputSizes, filter, outBackprop, strides, padding, dataFormat?, dilations?, name?)`. */
export const depthwiseConv2dNativeBackpropInput = tf1Function(
  'nn.depthwiseConv2dNativeBackpropInput', ['inputSizes', 'filter', 'outBackprop', 'strides', 'padding', 'dataFormat', 'dilations', 'name'],
  (inputSizes: TensorLike, filter: TensorLike, outBackprop: TensorLike, strides: Sizes, padding: Padding | string, dataFormat?: string, dilations?: Sizes, name?: string): Tensor => {
    checkFormat(dataFormat, 'DepthwiseConv2dNativeBackpropInput');
    const f = toTensor(filter);
    const dy = toTensor(outBackprop, f.dtype);
    return makeOp(f.graph, 'DepthwiseConv2dNativeBackpropInput', [sizesInput(inputSizes), f, dy], convAttrs(strides, padding, dilations, 'DepthwiseConv2dNativeBackpropInput'), name, 'DepthwiseConv2dNativeBackpropInput').outputs[0]!;
  }, 5);
/** `tf.nn.depthwiseConv2dNativeBackpropFilter(input, filterSizes, outBackprop, strides, padding, dataFormat?, dilations?, name?)`. */
export const depthwiseConv2dNativeBackpropFilter = tf1Function(
  'nn.depthwiseConv2dNativeBackpropFilter', ['input', 'filterSizes', 'outBackprop', 'strides', 'padding', 'dataFormat', 'dilations', 'name'],
  (input: TensorLike, filterSizes: TensorLike, outBackprop: TensorLike, strides: Sizes, padding: Padding | string, dataFormat?: string, dilations?: Sizes, name?: string): Tensor => {
    checkFormat(dataFormat, 'DepthwiseConv2dNativeBackpropFilter');
    const x = toTensor(input);
    const dy = toTensor(outBackprop, x.dtype);
    return makeOp(x.graph, 'DepthwiseConv2dNativeBackpropFilter', [x, sizesInput(filterSizes), dy], convAttrs(strides, padding, dilations, 'DepthwiseConv2dNativeBackpropFilter'), name, 'DepthwiseConv2dNativeBackpropFilter').outputs[0]!;
  }, 5);

// ----- public conv2d backprops ------------------------------------------------------------------
/**
 * `tf.nn.conv2dBackpropInput(inputSizes, filter, outBackprop, strides, padding, useCudnnOnGpu =
 * true, dataFormat = 'NHWC', dilations = [1,1,1,1], name?)`; `inputSizes` numbers or a tensor
 * known when the plan is built.
 */
export const conv2dBackpropInput = tf1Function(
  'nn.conv2dBackpropInput', ['inputSizes', 'filter', 'outBackprop', 'strides', 'padding', 'useCudnnOnGpu', 'dataFormat', 'dilations', 'name', 'filters'],
  (inputSizes: TensorLike, filter: TensorLike | null, outBackprop: TensorLike, strides: Sizes, padding: Padding | string, _cudnn?: boolean, dataFormat?: string, dilations?: Sizes, name?: string, filters?: TensorLike | null): Tensor => {
    checkFormat(dataFormat, 'Conv2DBackpropInput');
    const fl = deprecatedAlias('filter', filter, 'filters', filters);
    if (fl === undefined) throw new ValueError('nn.conv2dBackpropInput(): a filter is required');
    const f = toTensor(fl);
    const dy = toTensor(outBackprop, f.dtype);
    return makeOp(f.graph, 'Conv2DBackpropInput', [sizesInput(inputSizes), f, dy], convAttrs(strides, padding, dilations, 'Conv2DBackpropInput'), name, 'Conv2DBackpropInput').outputs[0]!;
  }, 3);
/** `tf.nn.conv2dBackpropFilter(input, filterSizes, outBackprop, strides, padding, useCudnnOnGpu = true, dataFormat = 'NHWC', dilations = [1,1,1,1], name?)`. */
export const conv2dBackpropFilter = tf1Function(
  'nn.conv2dBackpropFilter', ['input', 'filterSizes', 'outBackprop', 'strides', 'padding', 'useCudnnOnGpu', 'dataFormat', 'dilations', 'name'],
  (input: TensorLike, filterSizes: TensorLike, outBackprop: TensorLike, strides: Sizes, padding: Padding | string, _cudnn?: boolean, dataFormat?: string, dilations?: Sizes, name?: string): Tensor => {
    checkFormat(dataFormat, 'Conv2DBackpropFilter');
    const x = toTensor(input);
    const dy = toTensor(outBackprop, x.dtype);
    return makeOp(x.graph, 'Conv2DBackpropFilter', [x, sizesInput(filterSizes), dy], convAttrs(strides, padding, dilations, 'Conv2DBackpropFilter'), name, 'Conv2DBackpropFilter').outputs[0]!;
  }, 5);

// ----- conv1d, convolution, atrous, separable, conv3d -------------------------------------------
/** TF's `_get_sequence(value, n, ...)` for the spatial dims only: a number or n values. */
function spatial(value: Sizes | null | undefined, n: number, what: string, full: number): number[] {
  if (value === undefined || value === null) return Array(n).fill(1) as number[];
  const v = typeof value === 'number' ? [value] : [...value];
  if (v.some((x) => !Number.isInteger(x))) throw new TypeError(`${what} must hold integers, got ${JSON.stringify(value)}`);
  if (v.length === 1) return Array(n).fill(v[0]!) as number[];
  if (v.length === n) return v;
  if (v.length === full) return v.slice(1, 1 + n);
  throw new ValueError(`${what} should be of length 1, ${n} or ${full} but was ${v.length}`);
}

function conv1dImpl(value: TensorLike | null, filters: TensorLike | null, stride: Sizes, padding: Padding | string, useCudnnOnGpu?: boolean, dataFormat?: string, name?: string, input?: TensorLike | null, dilations?: Sizes | null): Tensor {
  const v = deprecatedAlias('value', value, 'input', input);
  if (v === undefined) throw new ValueError('nn.conv1d(): a value is required');
  if (filters === undefined || filters === null) throw new ValueError('nn.conv1d(): filters are required');
  if (dataFormat !== undefined && dataFormat !== null && dataFormat !== 'NWC' && dataFormat !== 'NHWC') {
    if (dataFormat === 'NCW' || dataFormat === 'NCHW') throw new ValueError(`conv1d: data_format '${dataFormat}' is not supported; tsflow runs convolutions in NWC only`);
    throw new ValueError('data_format must be "NWC" or "NCW".');
  }
  if (stride === undefined) throw new TypeError("nn.conv1d() missing required argument 'stride'");
  const x = toTensor(v);
  const f = toTensor(filters, x.dtype);
  const s = spatial(stride, 1, 'stride', 3)[0]!;
  const d = spatial(dilations, 1, 'dilations', 3)[0]!;
  return x.graph.nameScope(name ?? 'conv1d', (scope) => {
    const y = conv2d(expandDims(x, 1), expandDims(f, 0), [1, 1, s, 1], padding, { useCudnnOnGpu, dilations: [1, 1, d, 1] });
    return squeeze(y, [1], scope);
  });
}
/** `tf.nn.conv1d(value, filters, stride, padding, useCudnnOnGpu?, dataFormat = 'NWC', name?, input?, dilations?)`: [N,W,C] · [k,C,O], as conv2d over [N,1,W,C]. */
export const conv1d = tf1Function('nn.conv1d', ['value', 'filters', 'stride', 'padding', 'useCudnnOnGpu', 'dataFormat', 'name', 'input', 'dilations'], conv1dImpl);

/** `tf.nn.conv3d(input, filter, strides, padding, dataFormat = 'NDHWC', dilations = [1,1,1,1,1], name?, filters?)`: TF's Conv3D op (src/ops/window3d.ts). */
export const conv3d = tf1Function(
  'nn.conv3d', ['input', 'filter', 'strides', 'padding', 'dataFormat', 'dilations', 'name', 'filters'],
  (input: TensorLike, filter: TensorLike | null, strides: Sizes, padding: Padding | string, dataFormat?: string, dilations?: Sizes, name?: string, filters?: TensorLike | null): Tensor => {
    if (dataFormat !== undefined && dataFormat !== null && dataFormat !== 'NDHWC') throw new ValueError(`Conv3D: data_format '${dataFormat}' is not supported; tsflow runs convolutions in NDHWC only`);
    const fl = deprecatedAlias('filter', filter, 'filters', filters);
    if (fl === undefined) throw new ValueError('nn.conv3d(): a filter is required');
    const x = toTensor(input);
    const f = toTensor(fl, x.dtype);
    const st = spatial(strides, 3, 'strides', 5);
    const dl = spatial(dilations, 3, 'dilations', 5);
    for (const [what, v] of [['strides', strides], ['dilations', dilations]] as const) {
      if (Array.isArray(v) && v.length === 5 && (v[0] !== 1 || v[4] !== 1)) throw new InvalidArgumentError(`Current implementation does not yet support ${what} in the batch and depth dimensions.`, 'Conv3D');
    }
    const p = checkPadding(padding, 'Conv3D');
    if (x.shape !== null && x.shape.length !== 5) throw new ValueError(`Shape must be rank 5 but is rank ${x.shape.length} for 'Conv3D' (op: 'Conv3D')`);
    return makeOp(x.graph, 'Conv3D', [x, f], { strides: [1, ...st, 1], padding: p, dilations: [1, ...dl, 1], data_format: 'NDHWC' }, name, 'Conv3D').outputs[0]!;
  }, 4);

function checkChannels(x: Tensor, f: Tensor): void {
  const xc = x.shape?.[x.shape.length - 1];
  const fc = f.shape?.[f.shape.length - 2];
  if (xc !== undefined && xc !== null && fc !== undefined && fc !== null && xc !== fc) {
    throw new ValueError(`number of input channels does not match corresponding dimension of filter, ${xc} != ${fc}`);
  }
}

function convolutionImpl(input: TensorLike, filter: TensorLike | null, padding: Padding | string, strides?: Sizes | null, dilationRate?: Sizes | null, name?: string, dataFormat?: string | null, filters?: TensorLike | null, dilations?: Sizes | null): Tensor {
  const fl = deprecatedAlias('filter', filter, 'filters', filters);
  if (fl === undefined) throw new ValueError('nn.convolution(): a filter is required');
  const rate = deprecatedAlias('dilation_rate', dilationRate, 'dilations', dilations);
  const x = toTensor(input);
  const f = toTensor(fl, x.dtype);
  const n = f.shape !== null ? f.shape.length - 2 : x.shape !== null ? x.shape.length - 2 : null;
  if (n === null) throw new ValueError('nn.convolution needs the rank of the input or of the filter');
  if (n < 1 || n > 3) throw new ValueError(`number of spatial dimensions ${n} is not supported (1, 2 or 3)`);
  if (x.shape !== null && x.shape.length !== n + 2) throw new ValueError(`input tensor must have rank ${n + 2}`);
  if (dataFormat !== undefined && dataFormat !== null && !dataFormat.startsWith('N') || (dataFormat && !dataFormat.endsWith('C'))) {
    throw new ValueError(`convolution: data_format '${dataFormat}' is not supported; tsflow runs convolutions channels-last only`);
  }
  checkChannels(x, f);
  const st = spatial(strides, n, 'strides', n + 2);
  const dl = spatial(rate, n, 'dilation_rate', n + 2);
  if (dl.some((d) => d < 1)) throw new ValueError(`dilation_rate must be positive`);
  if (st.some((s) => s < 1)) throw new ValueError(`strides must be positive`);
  if (dl.some((d) => d > 1) && st.some((s) => s > 1)) throw new ValueError('strides > 1 not supported in conjunction with dilation_rate > 1');
  return x.graph.nameScope(name ?? 'convolution', (scope) => {
    if (n === 1) return conv1d(x, f, st[0]!, padding, { dilations: dl[0]!, name: scope });
    if (n === 2) return conv2d(x, f, st, padding, { dilations: dl, name: scope });
    return conv3d(x, f, [1, ...st, 1], padding, { dilations: [1, ...dl, 1], name: scope });
  });
}
/**
 * `tf.nn.convolution(input, filter, padding, strides?, dilationRate?, name?, dataFormat?, filters?,
 * dilations?)`: 1-, 2- or 3-D by the filter's rank, channels last.
 */
export const convolution = tf1Function('nn.convolution', ['input', 'filter', 'padding', 'strides', 'dilationRate', 'name', 'dataFormat', 'filters', 'dilations'], convolutionImpl, 1);

/** `tf.nn.atrousConv2d(value, filters, rate, padding, name?)`: conv2d with dilation `rate`. */
export const atrousConv2d = tf1Function(
  'nn.atrousConv2d', ['value', 'filters', 'rate', 'padding', 'name'],
  (value: TensorLike, filters: TensorLike, rate: number, padding: Padding | string, name?: string): Tensor => {
    if (!Number.isInteger(rate)) throw new TypeError(`rate must be an integer, got ${String(rate)}`);
    if (rate < 1) throw new ValueError(`rate ${rate} cannot be less than one`);
    return convolution(value, filters, padding, { dilationRate: [rate, rate], name });
  }, 4);

function separableImpl(input: TensorLike, depthwiseFilter: TensorLike, pointwiseFilter: TensorLike, strides: Sizes, padding: Padding | string, rate?: Sizes | null, name?: string, dataFormat?: string, dilations?: Sizes | null): Tensor {
  checkFormat(dataFormat, 'separable_conv2d');
  const x = toTensor(input);
  const df = toTensor(depthwiseFilter, x.dtype);
  const pf = toTensor(pointwiseFilter, x.dtype);
  const r = deprecatedAlias('rate', rate, 'dilations', dilations);
  const dl = spatial(r, 2, 'rate', 4);
  const st = nhwc(strides, 'strides');
  if (dl.some((d) => d > 1) && (st[1] !== 1 || st[2] !== 1)) throw new ValueError('strides > 1 not supported in conjunction with dilation_rate > 1');
  const ps = pf.shape;
  if (ps !== null) {
    if (ps.length !== 4) throw new ValueError(`Shape must be rank 4 but is rank ${ps.length}`);
    for (const i of [0, 1]) if (ps[i] !== null && ps[i] !== 1) throw new ValueError(`Dimension ${i} in both shapes must be equal, but are ${ps[i]} and 1.`);
  }
  const ds = df.shape;
  if (ds !== null && ps !== null && ds.length === 4 && ds[2] !== null && ds[3] !== null && ps[2] !== null && ds[2]! * ds[3]! > ps[2]!) {
    throw new ValueError(`Refusing to perform an overparameterized separable convolution: channels * multiplier = ${ds[2]! * ds[3]!} > out_channels = ${ps[3]}`);
  }
  return x.graph.nameScope(name ?? 'separable_conv2d', (scope) => {
    const dw = depthwiseConv2dNative(x, df, st, padding, { dilations: [1, dl[0]!, dl[1]!, 1], name: 'depthwise' });
    return conv2d(dw, pf, [1, 1, 1, 1], 'VALID', { name: scope });
  });
}
/**
 * `tf.nn.separableConv2d(input, depthwiseFilter, pointwiseFilter, strides, padding, rate?, name?,
 * dataFormat?, dilations?)`: a depthwise conv (filter [kh,kw,C,M]) then a 1×1 conv ([1,1,C·M,O]).
 */
export const separableConv2d = tf1Function(
  'nn.separableConv2d', ['input', 'depthwiseFilter', 'pointwiseFilter', 'strides', 'padding', 'rate', 'name', 'dataFormat', 'dilations'],
  separableImpl, 5);

// ----- MaxPoolWithArgmax -------------------------------------------------------------------------
interface ArgmaxAttrs extends PoolAttrs {
  Targmax: 'int32' | 'int64';
  include_batch_in_index: boolean;
}

function argmaxGeom(x: readonly number[], a: PoolAttrs, op: string) {
  if (x.length !== 4) throw new InvalidArgumentError('input must be 4-dimensional', op);
  checkPoolAttrs(a, op);
  const [, h, w] = x as [number, number, number, number];
  return patchTable(h, w, a.ksize[1]!, a.ksize[2]!, [a.strides[1]!, a.strides[2]!], [1, 1], a.padding, op);
}

defineOp<ArgmaxAttrs>({
  type: 'MaxPoolWithArgmax',
  infer: ([x], a, name) => {
    if (x!.dtype === 'bool' || x!.dtype === 'string') throw new TypeError(`Value passed to parameter 'input' has DataType ${x!.dtype} not in list of allowed values: float32, float64, int32, uint8, int16, int8, int64, bfloat16, uint16, float16, uint32, uint64`);
    const fail: Fail = (m) => shapeFnError(m, name, 'MaxPoolWithArgmax', [x!.shape]);
    const xs = withRank4(x!.shape, fail);
    const oh = staticOut(xs[1]!, a.ksize[1]!, 1, a.strides[1]!, a.padding, fail);
    const ow = staticOut(xs[2]!, a.ksize[2]!, 1, a.strides[2]!, a.padding, fail);
    const s: Dim[] = [xs[0]!, oh, ow, xs[3]!];
    return [{ dtype: x!.dtype, shape: s }, { dtype: a.Targmax, shape: s }];
  },
  lower: (b, [x], a) => {
    const t = argmaxGeom(x!.shape, a, b.opName);
    const [n, h, w, c] = x!.shape as [number, number, number, number];
    const k = a.ksize[1]! * a.ksize[2]!;
    const p = t.oh * t.ow;
    const lowest = x!.dtype === 'float32' || x!.dtype === 'float64' || x!.dtype === 'float16' ? -Infinity : x!.dtype === 'uint8' || x!.dtype === 'uint16' ? 0 : -2147483648;
    const g = b.reshape(gatherPatches(b, x!, t.idx, lowest), [n * p, k, c]);
    const out = b.reshape(b.reduce('max', g, [1], false), [n, t.oh, t.ow, c]);
    const tap = b.argReduce('argmax', g, 1, 'int32');
    // the tap's input position: idx[p·K + tap] (never the padding cell, which never wins)
    const row = b.reshape(b.range(n * p, 0, 1, 'int32'), [n * p, 1]);
    const base = b.binary('mul', b.binary('mod', row, b.scalar(p, 'int32')), b.scalar(k, 'int32'));
    const pos = b.gather(b.constant(new NDArray(t.idx, [t.idx.length], 'int32')), b.reshape(b.binary('add', base, tap), [n * p * c]), 0);
    let flat = b.binary('add', b.binary('mul', b.reshape(pos, [n, p, c]), b.scalar(c, 'int32')), b.reshape(b.range(c, 0, 1, 'int32'), [1, 1, c]));
    if (a.include_batch_in_index) flat = b.binary('add', flat, b.reshape(b.range(n, 0, h * w * c, 'int32'), [n, 1, 1]));
    const am = b.reshape(flat, [n, t.oh, t.ow, c]);
    return [out, a.Targmax === 'int64' ? b.cast(am, 'int64') : am];
  },
});

/** Inputs (input, grad, argmax) → d input: each grad cell added at its argmax position. */
defineOp<ArgmaxAttrs>({
  type: 'MaxPoolGradWithArgmax',
  infer: ([x, dy, am], _a, name) => {
    const fail: Fail = (m) => shapeFnError(m, name, 'MaxPoolGradWithArgmax', [x!.shape, dy!.shape, am!.shape]);
    return [{ dtype: x!.dtype, shape: withRank4(x!.shape, fail) }];
  },
  lower: (b, [x, dy, am], a) => {
    const t = argmaxGeom(x!.shape, a, b.opName);
    const [n, h, w, c] = x!.shape as [number, number, number, number];
    const want = [n, t.oh, t.ow, c];
    for (const [what, v] of [['grad', dy!], ['argmax', am!]] as const) {
      if (v.shape.length !== 4 || v.shape.some((d, i) => d !== want[i])) throw new InvalidArgumentError(`Expected ${what} shape to be [${want.join(',')}], but got [${v.shape.join(',')}]`, b.opName);
    }
    const m = n * t.oh * t.ow * c;
    let idx = b.cast(am!, 'int32');
    if (!a.include_batch_in_index) idx = b.binary('add', idx, b.reshape(b.range(n, 0, h * w * c, 'int32'), [n, 1, 1, 1]));
    const dx = b.scatterAdd(b.reshape(dy!, [m]), b.reshape(idx, [m]), 0, n * h * w * c);
    return [b.reshape(dx, [n, h, w, c])];
  },
});
registerGradient('MaxPoolWithArgmax', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'MaxPoolGradWithArgmax', [op.inputs[0]!, dy, op.outputs[1]!], { ...(op.attrs as ArgmaxAttrs) }, undefined, 'MaxPoolGradWithArgmax').outputs[0]! : null,
]);

function maxPoolWithArgmaxImpl(input: TensorLike, ksize: Sizes, strides: Sizes, padding: Padding | string, dataFormat?: string, Targmax?: string | null, name?: string, outputDtype?: string | null, includeBatchInIndex?: boolean): [Tensor, Tensor] {
  checkFormat(dataFormat, 'MaxPoolWithArgmax');
  const ta = deprecatedAlias('output_dtype', outputDtype, 'Targmax', Targmax) ?? 'int64';
  if (ta !== 'int32' && ta !== 'int64') throw new TypeError(`Value passed to parameter 'Targmax' has DataType ${ta} not in list of allowed values: int32, int64`);
  const x = toTensor(input);
  const attrs: ArgmaxAttrs = {
    ksize: nhwc(ksize, 'ksize'), strides: nhwc(strides, 'strides'), padding: checkPadding(padding, 'MaxPoolWithArgmax'),
    Targmax: ta, include_batch_in_index: includeBatchInIndex ?? false,
  };
  const op = makeOp(x.graph, 'MaxPoolWithArgmax', [x], attrs, name, 'MaxPoolWithArgmax');
  return [op.outputs[0]!, op.outputs[1]!];
}
/**
 * `tf.nn.maxPoolWithArgmax(input, ksize, strides, padding, dataFormat = 'NHWC', Targmax = int64,
 * name?, outputDtype?, includeBatchInIndex = false)` → `[output, argmax]`, argmax flattened as
 * `(y·W + x)·C + c` (`((b·H + y)·W + x)·C + c` with the batch).
 */
export const maxPoolWithArgmax = tf1Function(
  'nn.maxPoolWithArgmax', ['input', 'ksize', 'strides', 'padding', 'dataFormat', 'Targmax', 'name', 'outputDtype', 'includeBatchInIndex'],
  maxPoolWithArgmaxImpl, 4);

// ----- pool spellings ----------------------------------------------------------------------------
type PoolType = 'MAX' | 'AVG';
const pool2d = (t: PoolType) => (t === 'MAX' ? maxPool : avgPool);

function pool1d(t: PoolType, where: string) {
  return tf1Function(where, ['input', 'ksize', 'strides', 'padding', 'dataFormat', 'name'],
    (input: TensorLike, ksize: Sizes, strides: Sizes, padding: Padding | string, dataFormat?: string, name?: string): Tensor => {
      if (dataFormat !== undefined && dataFormat !== null && dataFormat !== 'NWC') throw new ValueError(`${where}: data_format '${dataFormat}' is not supported; tsflow runs pools in NWC only`);
      const x = toTensor(input);
      const k = spatial(ksize, 1, 'ksize', 3)[0]!;
      const s = spatial(strides, 1, 'strides', 3)[0]!;
      return x.graph.nameScope(name ?? (t === 'MAX' ? 'MaxPool1d' : 'AvgPool1D'), (scope) =>
        squeeze(pool2d(t)(expandDims(x, 1), [1, 1, k, 1], [1, 1, s, 1], padding), [1], scope));
    }, 4);
}
/** `tf.nn.maxPool1d(input, ksize, strides, padding, dataFormat = 'NWC', name?)`. */
export const maxPool1d = pool1d('MAX', 'nn.maxPool1d');
/** `tf.nn.avgPool1d(input, ksize, strides, padding, dataFormat = 'NWC', name?)`. */
export const avgPool1d = pool1d('AVG', 'nn.avgPool1d');

const pool2dFn = (t: PoolType, where: string) =>
  tf1Function(where, ['input', 'ksize', 'strides', 'padding', 'dataFormat', 'name'],
    (input: TensorLike, ksize: Sizes, strides: Sizes, padding: Padding | string, dataFormat?: string, name?: string): Tensor =>
      pool2d(t)(input, ksize, strides, padding, { dataFormat, name }), 4);
/** `tf.nn.maxPool2d(input, ksize, strides, padding, dataFormat = 'NHWC', name?)`: MaxPool. */
export const maxPool2d = pool2dFn('MAX', 'nn.maxPool2d');
/** `tf.nn.avgPool2d(input, ksize, strides, padding, dataFormat = 'NHWC', name?)`: AvgPool. */
export const avgPool2d = pool2dFn('AVG', 'nn.avgPool2d');

const poolV2 = (t: PoolType, where: string) =>
  tf1Function(where, ['input', 'ksize', 'strides', 'padding', 'dataFormat', 'name'],
    (input: TensorLike, ksize: Sizes, strides: Sizes, padding: Padding | string, dataFormat?: string | null, name?: string): Tensor => {
      const x = toTensor(input);
      const r = x.shape?.length;
      if (r === undefined) throw new ValueError(`${where}: the input's rank must be known`);
      if (r === 3) return (t === 'MAX' ? maxPool1d : avgPool1d)(x, ksize, strides, padding, { dataFormat: dataFormat ?? undefined, name });
      if (r === 4) return pool2d(t)(x, ksize, strides, padding, { dataFormat: dataFormat ?? undefined, name });
      throw new ValueError(`Input tensor must be of rank 3 or 4 (tsflow has no ${t === 'MAX' ? 'MaxPool3D' : 'AvgPool3D'} op) but was ${r}.`);
    }, 4);
/** `tf.nn.maxPoolV2(input, ksize, strides, padding, dataFormat?, name?)`: the N-D max pool (1-D or 2-D by the input's rank). */
export const maxPoolV2 = poolV2('MAX', 'nn.maxPoolV2');
/** `tf.nn.avgPoolV2(input, ksize, strides, padding, dataFormat?, name?)`. */
export const avgPoolV2 = poolV2('AVG', 'nn.avgPoolV2');

/**
 * TF1's `with_space_to_batch` for a fixed dilation: pads for the dilated filter (SAME) and to a
 * multiple of the rate, runs `op` VALID on the space-to-batch input, and crops back.
 */
function withSpaceToBatch(x: Tensor, rate: number[], filter: number[], padding: Padding, op: (t: Tensor) => Tensor): Tensor {
  const n = rate.length;
  const sp = x.shape?.slice(1, 1 + n);
  if (!sp || sp.some((d) => d === null)) throw new ValueError('a dilated pool needs the spatial dims of its input known when the graph is built');
  const paddings: number[][] = [];
  const crops: number[][] = [];
  for (let i = 0; i < n; i++) {
    const total = padding === 'SAME' ? (filter[i]! - 1) * rate[i]! : 0;
    const start = Math.floor(total / 2);
    const end = total - start;
    const full = sp[i]! + start + end;
    const extra = (rate[i]! - (full % rate[i]!)) % rate[i]!;
    paddings.push([start, end + extra]);
    crops.push([0, extra]);
  }
  return batchToSpaceNd(op(spaceToBatchNd(x, rate, paddings)), rate, crops);
}

function poolImpl(input: TensorLike, windowShape: readonly number[], poolingType: string, padding: Padding | string, dilationRate?: Sizes | null, strides?: Sizes | null, name?: string, dataFormat?: string | null, dilations?: Sizes | null): Tensor {
  const x = toTensor(input);
  if (poolingType !== 'MAX' && poolingType !== 'AVG') throw new ValueError(`Invalid pooling_type: ${poolingType}`);
  const n = windowShape.length;
  if (n < 1 || n > 3) throw new ValueError('It is required that 1 <= num_spatial_dims <= 3.');
  if (x.shape !== null && x.shape.length !== n + 2) throw new ValueError(`Input tensor must be of rank ${n + 2} but was ${x.shape.length}`);
  if (dataFormat !== undefined && dataFormat !== null && !dataFormat.endsWith('C')) throw new ValueError(`pool: data_format '${dataFormat}' is not supported; tsflow runs pools channels-last only`);
  const p = checkPadding(padding, poolingType === 'MAX' ? 'MaxPool' : 'AvgPool');
  const rate = spatial(deprecatedAlias('dilation_rate', dilationRate, 'dilations', dilations), n, 'dilation_rate', n + 2);
  const st = spatial(strides, n, 'strides', n + 2);
  if (st.some((s, i) => s > windowShape[i]!)) throw new ValueError('strides > window_shape not supported due to inconsistency between CPU and GPU implementations');
  if (rate.some((r) => r > 1) && st.some((s) => s > 1)) throw new ValueError('strides > 1 not supported in conjunction with dilation_rate > 1');
  const t = poolingType as PoolType;
  return x.graph.nameScope(name ?? `${t.toLowerCase()}_pool`, (scope) => {
    const run = (v: Tensor, pad: Padding, nm?: string): Tensor => {
      if (n === 1) return squeeze(pool2d(t)(expandDims(v, 1), [1, 1, windowShape[0]!, 1], [1, 1, st[0]!, 1], pad), [1], nm);
      if (n === 3) return (t === 'MAX' ? maxPool3d : avgPool3d)(v, [1, ...windowShape, 1], [1, ...st, 1], pad, { name: nm });
      return pool2d(t)(v, [1, windowShape[0]!, windowShape[1]!, 1], [1, st[0]!, st[1]!, 1], pad, { name: nm });
    };
    if (rate.every((r) => r === 1)) return run(x, p, scope);
    return withSpaceToBatch(x, rate, [...windowShape], p, (v) => run(v, 'VALID'));
  });
}
/**
 * `tf.nn.pool(input, windowShape, poolingType, padding, dilationRate?, strides?, name?, dataFormat?,
 * dilations?)`: 'MAX' or 'AVG' over 1, 2 or 3 spatial dims; a dilation > 1 runs through
 * spaceToBatchNd / batchToSpaceNd (zero padding included, as in TF1).
 */
export const pool = tf1Function('nn.pool', ['input', 'windowShape', 'poolingType', 'padding', 'dilationRate', 'strides', 'name', 'dataFormat', 'dilations'], poolImpl, 4);

// Second-order gradients through these gradient ops are not built (TF has them for the depthwise backprops and MaxPoolGradWithArgmax).
for (const t of ['LRNGrad', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'MaxPoolGradWithArgmax']) registerNoGradient(t);
