/**
 * TF1's 3-D pools and convolution backprops, NDHWC: MaxPool3D, AvgPool3D, MaxPool3DGrad,
 * AvgPool3DGrad, Conv3D, Conv3DBackpropInputV2, Conv3DBackpropFilterV2 and ExtractVolumePatches, with
 * tf.nn.maxPool3d / avgPool3d / conv3dTranspose / conv3dBackpropFilter(V2) and
 * tf.extractVolumePatches. Every op gathers its windows through one table of input positions
 * (the padding cells point at an extra cell), so the same lowering runs on every device.
 */
import { InvalidArgumentError, UnimplementedError, ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type Dim, type PartialShape, cShape } from '../shape.js';
import { deprecatedAlias, tf1Function } from '../args.js';
import { shape as shapeOf, shapeFnError, zerosLike } from './array.js';
import { constant } from './core.js';
import { type TensorLike, toTensor } from './convert.js';
import { sameDType } from './elementwise.js';
import type { Lower, Val } from './lower.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { type Fail, type Padding, checkPadding, runtimeOut, staticOut } from './conv.js';
import './window3d-graphdef.js';

// ----- the window table --------------------------------------------------------------------------
export interface VolumeTable {
  /** Output spatial dims. */
  out: number[];
  /** idx[p·K + k]: the flat input cell tap k of output cell p reads, or the cell count (padding). */
  idx: Int32Array;
  /** Taps per window (K). */
  k: number;
  /** Input cells per batch and channel. */
  cells: number;
  /** Valid (non-padding) taps of each output cell. */
  valid: Int32Array;
}

/** The window table over spatial dims `sp` for a window `k`, strides `s`, dilations `r`. */
export function volumeTable(sp: readonly number[], k: readonly number[], s: readonly number[], r: readonly number[], pad: Padding, op: string): VolumeTable {
  const n = sp.length;
  const geo = sp.map((d, i) => runtimeOut(d, k[i]!, r[i]!, s[i]!, pad, op));
  const out = geo.map((g) => g[0]);
  const cells = sp.reduce((a, b) => a * b, 1);
  const taps = k.reduce((a, b) => a * b, 1);
  const outCells = out.reduce((a, b) => a * b, 1);
  if (outCells * taps > 2 ** 28) throw new InvalidArgumentError(`${op}: the window table of ${outCells} outputs × ${taps} taps is too large`, op);
  const idx = new Int32Array(outCells * taps);
  const valid = new Int32Array(outCells);
  const o = new Array<number>(n).fill(0);
  const t = new Array<number>(n).fill(0);
  let w = 0;
  for (let p = 0; p < outCells; p++) {
    let rem = p;
    for (let i = n - 1; i >= 0; i--) { o[i] = rem % out[i]!; rem = Math.floor(rem / out[i]!); }
    for (let q = 0; q < taps; q++) {
      let rq = q;
      for (let i = n - 1; i >= 0; i--) { t[i] = rq % k[i]!; rq = Math.floor(rq / k[i]!); }
      let flat = 0;
      let inside = true;
      for (let i = 0; i < n; i++) {
        const c = o[i]! * s[i]! - geo[i]![1] + t[i]! * r[i]!;
        if (c < 0 || c >= sp[i]!) { inside = false; break; }
        flat = flat * sp[i]! + c;
      }
      idx[w++] = inside ? flat : cells;
      if (inside) valid[p]!++;
    }
  }
  return { out, idx, k: taps, cells, valid };
}

const idxVal = (b: Lower, t: VolumeTable): Val => b.constant(new NDArray(t.idx, [t.idx.length], 'int32'));

/** x [n, ...sp, c] → [n, P, K, c]: every tap of every window, padding cells = `padValue`. */
export function gatherWindows(b: Lower, x: Val, t: VolumeTable, padValue: number): Val {
  const n = x.shape[0]!;
  const c = x.shape[x.shape.length - 1]!;
  const flat = b.reshape(x, [n, t.cells, c]);
  const padded = b.concat([flat, b.fill([n, 1, c], padValue, x.dtype)], 1);
  return b.reshape(b.gather(padded, idxVal(b, t), 1), [n, t.idx.length / t.k, t.k, c]);
}

/** rows [n, P, K, c] added back into the cells the taps read: → [n, ...sp, c]. */
export function scatterWindows(b: Lower, rows: Val, t: VolumeTable, xs: readonly number[]): Val {
  const n = xs[0]!;
  const c = xs[xs.length - 1]!;
  const sum = b.scatterAdd(b.reshape(rows, [n, t.idx.length, c]), idxVal(b, t), 1, t.cells + 1);
  return b.reshape(b.slice(sum, [0, 0, 0], [n, t.cells, c]), xs);
}

// ----- attrs and checks --------------------------------------------------------------------------
/** Attrs of the 3-D pools and their gradients: NDHWC 5-vectors. */
export interface Pool3DAttrs {
  ksize: number[];
  strides: number[];
  padding: Padding;
  data_format?: string;
  [k: string]: unknown;
}
/** Attrs of the 3-D conv backprops. */
export interface Conv3DAttrs {
  strides: number[];
  padding: Padding;
  dilations: number[];
  data_format?: string;
  [k: string]: unknown;
}

const withRank5 = (s: PartialShape, fail: Fail): Dim[] => {
  if (s === null) return [null, null, null, null, null];
  if (s.length !== 5) throw fail(`Shape must be rank 5 but is rank ${s.length}`);
  return s;
};

/** TF's CPU kernels of these ops run NDHWC only. */
function ndhwcOnly(a: { data_format?: string }, kernel: string, op: string): void {
  if (a.data_format !== undefined && a.data_format !== 'NDHWC') {
    throw new InvalidArgumentError(`Default ${kernel} only supports NDHWC on device type CPU`, op);
  }
}

function checkPool3DAttrs(a: Pool3DAttrs, fail: Fail): void {
  if (a.strides.length !== 5) throw fail(`Pool3D ops require the stride attribute to contain 5 values, but got: ${a.strides.length}`);
  if (a.ksize.length !== 5) throw fail(`Pool3D requires the ksize attribute to contain 5 values, but got: ${a.ksize.length}`);
}

function pool3dTable(xs: readonly number[], a: Pool3DAttrs, kernel: string, op: string, what: string): VolumeTable {
  ndhwcOnly(a, kernel, op);
  checkPool3DAttrs(a, (m) => new InvalidArgumentError(m, op));
  if (xs.length !== 5) throw new InvalidArgumentError(`${what} must be 5-dimensional`, op);
  if (a.ksize[0] !== 1 || a.strides[0] !== 1) throw new UnimplementedError('Pooling is not yet supported on the batch dimension.', op);
  if (a.ksize[4] !== 1 || a.strides[4] !== 1) throw new UnimplementedError('Pooling is not yet supported on the depth dimension.', op);
  if (a.ksize.some((v) => v <= 0)) throw new InvalidArgumentError(`ksize must be positive, got: ${a.ksize.find((v) => v <= 0)}`, op);
  return volumeTable(xs.slice(1, 4), a.ksize.slice(1, 4), a.strides.slice(1, 4), [1, 1, 1], a.padding, op);
}

const HALF_FLOAT = 'float16, bfloat16, float32';
const FLOATS = 'float16, bfloat16, float32, float64';
function checkDType(t: Tensor, param: string, allowed: string): void {
  const ok = allowed === HALF_FLOAT ? t.dtype === 'float32' : t.dtype === 'float32' || t.dtype === 'float64';
  if (!ok) throw new TypeError(`Value passed to parameter '${param}' has DataType ${t.dtype} not in list of allowed values: ${allowed}`);
}

function inferPool3D(x: Tensor, a: Pool3DAttrs, name: string, type: string): PartialShape {
  const fail: Fail = (m) => shapeFnError(m, name, type, [x.shape]);
  const xs = withRank5(x.shape, fail);
  checkPool3DAttrs(a, fail);
  const sp = [1, 2, 3].map((i) => staticOut(xs[i]!, a.ksize[i]!, 1, a.strides[i]!, a.padding, fail));
  return [xs[0]!, ...sp, xs[4]!];
}

/** A shape tensor's static value (a Const or tf.shape of a tensor of known rank), as a rank-5 shape. */
function shapeFromTensor5(t: Tensor, fail: Fail): Dim[] {
  if (t.op.type === 'Shape') return withRank5(t.op.inputs[0]!.shape, fail);
  if (t.op.type === 'Const') return withRank5(Array.from((t.op.attrs.value as NDArray).data, Number), fail);
  if (t.shape !== null && t.shape.length === 1 && t.shape[0] !== null && t.shape[0] !== 5) throw fail(`Shape must be rank 5 but is rank ${t.shape[0]}`);
  return [null, null, null, null, null];
}

function foldShape5(b: Lower, v: Val, what: string): number[] {
  const c = b.requireValue(v, () => new InvalidArgumentError(`${what} must be known when the plan is built (a constant or tf.shape of a tensor)`, b.opName));
  const s = Array.from(c.data, Number);
  if (s.length !== 5) throw new InvalidArgumentError(`${what} must have 5 elements, got ${cShape(s)}`, b.opName);
  return s;
}

// ----- pools ---------------------------------------------------------------------------------------
defineOp<Pool3DAttrs>({
  type: 'MaxPool3D',
  infer: ([x], a, name) => {
    checkDType(x!, 'input', HALF_FLOAT);
    return [{ dtype: x!.dtype, shape: inferPool3D(x!, a, name, 'MaxPool3D') }];
  },
  lower: (b, [x], a) => {
    const t = pool3dTable(x!.shape, a, 'MaxPooling3dOp', b.opName, 'tensor_in');
    const [n, , , , c] = x!.shape as number[];
    return [b.reshape(b.reduce('max', gatherWindows(b, x!, t, -Infinity), [2], false), [n!, ...t.out, c!])];
  },
});

/** 1 / (valid taps) of each output cell, [P, 1]: SAME averages over the cells inside the input. */
function invCounts(b: Lower, t: VolumeTable, dtype: Val['dtype']): Val {
  const inv = NDArray.zeros([t.valid.length, 1], dtype);
  t.valid.forEach((v, i) => { inv.data[i] = 1 / v; });
  return b.constant(inv);
}

defineOp<Pool3DAttrs>({
  type: 'AvgPool3D',
  infer: ([x], a, name) => {
    checkDType(x!, 'input', FLOATS);
    return [{ dtype: x!.dtype, shape: inferPool3D(x!, a, name, 'AvgPool3D') }];
  },
  lower: (b, [x], a) => {
    const t = pool3dTable(x!.shape, a, 'AvgPooling3dOp', b.opName, 'tensor_in');
    const [n, , , , c] = x!.shape as number[];
    const sum = b.reduce('sum', gatherWindows(b, x!, t, 0), [2], false);
    return [b.reshape(b.binary('mul', sum, invCounts(b, t, x!.dtype)), [n!, ...t.out, c!])];
  },
});

function checkGradShape(what: string, want: number[], got: readonly number[], op: string): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    throw new InvalidArgumentError(`Expected ${what} shape to be ${cShape(want)}, but got ${cShape([...got])}`, op);
  }
}

/**
 * Inputs (orig_input, orig_output, grad) → d orig_input. As TF's CPU kernel, each window's grad
 * goes to every cell within 1e-5 of the window's max (ties all receive it).
 */
defineOp<Pool3DAttrs>({
  type: 'MaxPool3DGrad',
  infer: ([x, y, dy], _a, name) => {
    checkDType(x!, 'orig_input', HALF_FLOAT);
    checkDType(dy!, 'grad', HALF_FLOAT);
    const fail: Fail = (m) => shapeFnError(m, name, 'MaxPool3DGrad', [x!.shape, y!.shape, dy!.shape]);
    return [{ dtype: dy!.dtype, shape: withRank5(x!.shape, fail) }];
  },
  lower: (b, [x, y, dy], a) => {
    for (const [v, w] of [[x!, 'tensor_in'], [y!, 'tensor_out'], [dy!, 'out_backprop']] as const) {
      if (v.shape.length !== 5) throw new InvalidArgumentError(`${w} must be 5-dimensional`, b.opName);
    }
    const t = pool3dTable(x!.shape, a, 'MaxPooling3dGradOp', b.opName, 'tensor_in');
    const [n, , , , c] = x!.shape as number[];
    const want = [n!, ...t.out, c!];
    checkGradShape('orig_output', want, y!.shape, b.opName);
    checkGradShape('grad', want, dy!.shape, b.opName);
    const p = t.idx.length / t.k;
    const win = gatherWindows(b, x!, t, -Infinity);
    const near = b.binary('less', b.unary('abs', b.binary('sub', win, b.reshape(y!, [n!, p, 1, c!]))), b.scalar(1e-5, x!.dtype));
    const rows = b.select(near, b.broadcastTo(b.reshape(dy!, [n!, p, 1, c!]), [n!, p, t.k, c!]), b.fill([n!, p, t.k, c!], 0, dy!.dtype));
    return [scatterWindows(b, rows, t, x!.shape)];
  },
});

/** Inputs (orig_input_shape, grad) → d orig_input: each window's grad shared by its valid cells. */
defineOp<Pool3DAttrs>({
  type: 'AvgPool3DGrad',
  infer: ([sizes, dy], _a, name) => {
    checkDType(dy!, 'grad', FLOATS);
    const fail: Fail = (m) => shapeFnError(m, name, 'AvgPool3DGrad', [sizes!.shape, dy!.shape]);
    return [{ dtype: dy!.dtype, shape: shapeFromTensor5(sizes!, fail) }];
  },
  lower: (b, [sizes, dy], a) => {
    const xs = foldShape5(b, sizes!, 'orig_input_shape');
    if (dy!.shape.length !== 5) throw new InvalidArgumentError('out_backprop must be 5-dimensional', b.opName);
    const t = pool3dTable(xs, a, 'AvgPooling3dGradOp', b.opName, 'tensor_in');
    const [n, , , , c] = xs as number[];
    if (dy!.shape[0] !== n) throw new InvalidArgumentError(`Expected first dimension of tensor_in_shape and out_backprop to match, got ${n} and ${dy!.shape[0]}`, b.opName);
    if (dy!.shape[4] !== c) throw new InvalidArgumentError(`Expected last dimension of tensor_in_shape and out_backprop to match, got ${c} and ${dy!.shape[4]}`, b.opName);
    checkGradShape('grad', [n!, ...t.out, c!], dy!.shape, b.opName);
    const p = t.idx.length / t.k;
    const share = b.binary('mul', b.reshape(dy!, [n!, p, c!]), invCounts(b, t, dy!.dtype));
    return [scatterWindows(b, b.broadcastTo(b.reshape(share, [n!, p, 1, c!]), [n!, p, t.k, c!]), t, xs)];
  },
});

const poolAttrs = (a: Pool3DAttrs): Pool3DAttrs => ({ ksize: a.ksize, strides: a.strides, padding: a.padding, data_format: a.data_format ?? 'NDHWC' });
registerGradient('MaxPool3D', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'MaxPool3DGrad', [op.inputs[0]!, op.outputs[0]!, dy], poolAttrs(op.attrs as Pool3DAttrs), undefined, 'MaxPool3DGrad').outputs[0]! : null,
]);
registerGradient('AvgPool3D', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'AvgPool3DGrad', [shapeOf(op.inputs[0]!), dy], poolAttrs(op.attrs as Pool3DAttrs), undefined, 'AvgPool3DGrad').outputs[0]! : null,
]);
registerGradient('AvgPool3DGrad', (op, [g]) => [
  null,
  g ? makeOp(g.graph, 'AvgPool3D', [g], poolAttrs(op.attrs as Pool3DAttrs), undefined, 'AvgPool3D').outputs[0]! : null,
]);
/**
 * Inputs (orig_input, orig_output, grad of the input's shape) → [orig_output's shape]: each
 * window's value of `grad` at the first cell equal to the window's max (TF's CPU kernel).
 */
defineOp<Pool3DAttrs>({
  type: 'MaxPool3DGradGrad',
  infer: ([x, y, g], _a, name) => {
    checkDType(x!, 'orig_input', HALF_FLOAT);
    const fail: Fail = (m) => shapeFnError(m, name, 'MaxPool3DGradGrad', [x!.shape, y!.shape, g!.shape]);
    withRank5(x!.shape, fail);
    return [{ dtype: g!.dtype, shape: withRank5(y!.shape, fail) }];
  },
  lower: (b, [x, y, g], a) => {
    for (const [v, w] of [[x!, 'tensor_in'], [y!, 'tensor_out'], [g!, 'out_grad_backprop']] as const) {
      if (v.shape.length !== 5) throw new InvalidArgumentError(`${w} must be 5-dimensional`, b.opName);
    }
    const t = pool3dTable(x!.shape, a, 'MaxPooling3dGradGradOp', b.opName, 'tensor_in');
    const [n, , , , c] = x!.shape as number[];
    const want = [n!, ...t.out, c!];
    checkGradShape('orig_output', want, y!.shape, b.opName);
    checkGradShape('grad', [...x!.shape], g!.shape, b.opName);
    const p = t.idx.length / t.k;
    const eq = b.binary('equal', gatherWindows(b, x!, t, -Infinity), b.reshape(y!, [n!, p, 1, c!]));
    const first = b.reshape(b.argReduce('argmax', b.cast(eq, 'float32'), 2, 'int32'), [n!, p, 1, c!]);
    const pick = b.binary('logicalAnd', eq, b.binary('equal', first, b.reshape(b.range(t.k, 0, 1, 'int32'), [1, 1, t.k, 1])));
    const taken = b.select(pick, gatherWindows(b, g!, t, 0), b.fill([n!, p, t.k, c!], 0, g!.dtype));
    return [b.reshape(b.reduce('sum', taken, [2], false), want)];
  },
});
registerGradient('MaxPool3DGrad', (op, [g]) => {
  if (!g) return [null, null, null];
  const [x, y] = op.inputs as [Tensor, Tensor];
  return [zerosLike(x), zerosLike(y), makeOp(g.graph, 'MaxPool3DGradGrad', [x, y, g], poolAttrs(op.attrs as Pool3DAttrs), undefined, 'MaxPool3DGradGrad').outputs[0]!];
});
registerGradient('MaxPool3DGradGrad', (op, [g]) => {
  if (!g) return [null, null, null];
  const [x, y] = op.inputs as [Tensor, Tensor];
  return [zerosLike(x), zerosLike(y), makeOp(g.graph, 'MaxPool3DGrad', [x, y, g], poolAttrs(op.attrs as Pool3DAttrs), undefined, 'MaxPool3DGrad').outputs[0]!];
});

// ----- conv3d backprops --------------------------------------------------------------------------
/** The window table of a 3-D convolution, with TF's checks (of `dys`, the out_backprop shape, where given). */
function convTable(label: string, xs: readonly number[], fs: readonly number[], dys: readonly number[] | null, a: Conv3DAttrs, op: string): VolumeTable {
  const bad = (m: string): InvalidArgumentError => new InvalidArgumentError(`${label}: ${m}`, op);
  ndhwcOnly(a, label, op);
  if (a.strides.length !== 5) throw new InvalidArgumentError('Sliding window strides field must specify 5 dimensions', op);
  if (a.dilations.length !== 5) throw new InvalidArgumentError('Dilation rates field must specify 5 dimensions', op);
  if (a.strides[0] !== 1 || a.strides[4] !== 1) throw new InvalidArgumentError('Current implementation does not yet support strides in the batch and depth dimensions.', op);
  if (a.dilations[0] !== 1 || a.dilations[4] !== 1) throw new InvalidArgumentError('Current implementation does not yet support dilations in the batch and depth dimensions.', op);
  if (xs.length !== 5) throw bad('input must be 5-dimensional');
  if (fs.length !== 5) throw bad('filter must be 5-dimensional');
  if (xs[4] !== fs[3]) throw bad(`input depth must be evenly divisible by filter depth: ${xs[4]} vs ${fs[3]}`);
  const t = volumeTable(xs.slice(1, 4), fs.slice(0, 3), a.strides.slice(1, 4), a.dilations.slice(1, 4), a.padding, op);
  if (dys === null) return t;
  if (dys.length !== 5) throw bad('out_backprop must be 5-dimensional');
  if (xs[0] !== dys[0]) throw bad('input and out_backprop must have the same batch size');
  if (fs[4] !== dys[4]) throw bad('filter and out_backprop must have the same out_depth');
  for (let i = 0; i < 3; i++) {
    if (dys[i + 1] !== t.out[i]) {
      throw bad(`Size of out_backprop doesn't match computed: actual = ${dys[i + 1]}, computed = ${t.out[i]} spatial_dim: ${i + 1} input: ${xs[i + 1]} filter: ${fs[i]} output: ${dys[i + 1]} stride: ${a.strides[i + 1]} dilation: ${a.dilations[i + 1]}`);
    }
  }
  return t;
}

/** Inputs (input_sizes, filter, out_backprop) → d input. */
defineOp<Conv3DAttrs>({
  type: 'Conv3DBackpropInputV2',
  infer: ([sizes, f, dy], _a, name) => {
    sameDType('Conv3DBackpropInputV2', f!, dy!, 'filter', 'out_backprop');
    checkDType(f!, 'filter', FLOATS);
    const fail: Fail = (m) => shapeFnError(m, name, 'Conv3DBackpropInputV2', [sizes!.shape, f!.shape, dy!.shape]);
    withRank5(f!.shape, fail);
    withRank5(dy!.shape, fail);
    return [{ dtype: f!.dtype, shape: shapeFromTensor5(sizes!, fail) }];
  },
  lower: (b, [sizes, f, dy], a) => {
    const xs = foldShape5(b, sizes!, 'input_sizes');
    const t = convTable('Conv3DBackpropInputOp', xs, f!.shape, dy!.shape, a, b.opName);
    const [kd, kh, kw, c, o] = f!.shape as number[];
    const n = xs[0]!;
    const p = t.idx.length / t.k;
    // each output cell's dy spread over its window: [n·P, O] · [K·C, O]ᵀ
    const rows = b.matmul(b.reshape(dy!, [n * p, o!]), b.reshape(f!, [kd! * kh! * kw! * c!, o!]), false, true);
    return [scatterWindows(b, b.reshape(rows, [n, p, t.k, c!]), t, xs)];
  },
});

/** Inputs (input, filter_sizes, out_backprop) → d filter. */
defineOp<Conv3DAttrs>({
  type: 'Conv3DBackpropFilterV2',
  infer: ([x, sizes, dy], _a, name) => {
    sameDType('Conv3DBackpropFilterV2', x!, dy!, 'input', 'out_backprop');
    checkDType(x!, 'input', FLOATS);
    const fail: Fail = (m) => shapeFnError(m, name, 'Conv3DBackpropFilterV2', [x!.shape, sizes!.shape, dy!.shape]);
    withRank5(x!.shape, fail);
    withRank5(dy!.shape, fail);
    return [{ dtype: x!.dtype, shape: shapeFromTensor5(sizes!, fail) }];
  },
  lower: (b, [x, sizes, dy], a) => {
    const fs = foldShape5(b, sizes!, 'filter_sizes');
    const t = convTable('Conv3DBackpropFilterOp', x!.shape, fs, dy!.shape, a, b.opName);
    const n = x!.shape[0]!;
    const c = fs[3]!;
    const o = fs[4]!;
    const p = t.idx.length / t.k;
    const patches = b.reshape(gatherWindows(b, x!, t, 0), [n * p, t.k * c]);
    return [b.reshape(b.matmul(patches, b.reshape(dy!, [n * p, o]), true, false), fs)];
  },
});

/** Inputs (input [N,D,H,W,C], filter [kd,kh,kw,C,O]) → [N,od,oh,ow,O]: each window's patch times the filter. */
defineOp<Conv3DAttrs>({
  type: 'Conv3D',
  infer: ([x, f], a, name) => {
    sameDType('Conv3D', x!, f!, 'input', 'filter');
    checkDType(x!, 'input', FLOATS);
    const fail: Fail = (m) => shapeFnError(m, name, 'Conv3D', [x!.shape, f!.shape]);
    const xs = withRank5(x!.shape, fail);
    const fs = withRank5(f!.shape, fail);
    if (xs[4] !== null && fs[3] !== null && xs[4] % fs[3] !== 0) throw fail(`Depth of input (${xs[4]}) is not a multiple of input depth of filter (${fs[3]})`);
    if (a.strides.length !== 5) throw fail(`Conv3D requires the stride attribute to contain 5 values, but got: ${a.strides.length}`);
    const sp = [0, 1, 2].map((i) => staticOut(xs[i + 1]!, fs[i]!, a.dilations[i + 1] ?? 1, a.strides[i + 1]!, a.padding, fail));
    return [{ dtype: x!.dtype, shape: [xs[0]!, ...sp, fs[4]!] }];
  },
  lower: (b, [x, f], a) => {
    if (x!.shape.length !== 5) throw new InvalidArgumentError(`input must be 5-dimensional${cShape([...x!.shape])}`, b.opName);
    if (f!.shape.length !== 5) throw new InvalidArgumentError(`filter must be 5-dimensional: ${cShape([...f!.shape])}`, b.opName);
    if (x!.shape[4] !== f!.shape[3]) throw new InvalidArgumentError(`input and filter must have the same depth: ${x!.shape[4]} vs ${f!.shape[3]}`, b.opName);
    const n = x!.shape[0]!;
    const o = f!.shape[4]!;
    const fs = [...f!.shape];
    const t = convTable('Conv3DOp', x!.shape, fs, null, a, b.opName);
    const p = t.idx.length / t.k;
    const patches = b.reshape(gatherWindows(b, x!, t, 0), [n * p, t.k * fs[3]!]);
    return [b.reshape(b.matmul(patches, b.reshape(f!, [t.k * fs[3]!, o]), false, false), [n, ...t.out, o])];
  },
});

const convAttrsOf = (a: Conv3DAttrs): Conv3DAttrs => ({ strides: a.strides, padding: a.padding, dilations: a.dilations, data_format: a.data_format ?? 'NDHWC' });
const forward = (x: Tensor, f: Tensor, a: Conv3DAttrs): Tensor => makeOp(x.graph, 'Conv3D', [x, f], a, undefined, 'Conv3D').outputs[0]!;
registerGradient('Conv3D', (op, [dy]) => {
  if (!dy) return [null, null];
  const [x, f] = op.inputs as [Tensor, Tensor];
  const a = convAttrsOf(op.attrs as Conv3DAttrs);
  return [
    makeOp(dy.graph, 'Conv3DBackpropInputV2', [shapeOf(x), f, dy], a, undefined, 'Conv3DBackpropInputV2').outputs[0]!,
    makeOp(dy.graph, 'Conv3DBackpropFilterV2', [x, shapeOf(f), dy], a, undefined, 'Conv3DBackpropFilterV2').outputs[0]!,
  ];
});
registerGradient('Conv3DBackpropInputV2', (op, [g]) => {
  if (!g) return [null, null, null];
  const [, f, dy] = op.inputs as [Tensor, Tensor, Tensor];
  const a = convAttrsOf(op.attrs as Conv3DAttrs);
  return [
    null,
    makeOp(g.graph, 'Conv3DBackpropFilterV2', [g, shapeOf(f), dy], a, undefined, 'Conv3DBackpropFilterV2').outputs[0]!,
    forward(g, f, a),
  ];
});
registerGradient('Conv3DBackpropFilterV2', (op, [g]) => {
  if (!g) return [null, null, null];
  const [x, , dy] = op.inputs as [Tensor, Tensor, Tensor];
  const a = convAttrsOf(op.attrs as Conv3DAttrs);
  return [
    makeOp(g.graph, 'Conv3DBackpropInputV2', [shapeOf(x), g, dy], a, undefined, 'Conv3DBackpropInputV2').outputs[0]!,
    null,
    forward(x, g, a),
  ];
});

// ----- ExtractVolumePatches ------------------------------------------------------------------------
interface VolPatchAttrs {
  ksizes: number[];
  strides: number[];
  padding: Padding;
  [k: string]: unknown;
}
function checkVolPatchAttrs(a: VolPatchAttrs, fail: Fail): void {
  for (const [k, v] of [['ksizes', a.ksizes], ['strides', a.strides]] as const) {
    if (v.length !== 5) throw fail(`ExtractVolumePatches requires the ${k} attribute to contain 5 values, but got: ${v.length}`);
    if (v[0] !== 1 || v[4] !== 1) throw fail(`Only support ${k} across space.`);
  }
}
defineOp<VolPatchAttrs>({
  type: 'ExtractVolumePatches',
  infer: ([x], a, name) => {
    if (x!.dtype === 'bool' || x!.dtype === 'string') throw new TypeError(`Value passed to parameter 'input' has DataType ${x!.dtype} not in list of allowed values: float32, float64, int32, uint8, int16, int8, int64, bfloat16, uint16, float16, uint32, uint64`);
    const fail: Fail = (m) => shapeFnError(m, name, 'ExtractVolumePatches', [x!.shape]);
    checkVolPatchAttrs(a, fail);
    const xs = withRank5(x!.shape, fail);
    const sp = [1, 2, 3].map((i) => staticOut(xs[i]!, a.ksizes[i]!, 1, a.strides[i]!, a.padding, fail));
    const c = xs[4]!;
    return [{ dtype: x!.dtype, shape: [xs[0]!, ...sp, c === null ? null : c * a.ksizes[1]! * a.ksizes[2]! * a.ksizes[3]!] }];
  },
  lower: (b, [x], a) => {
    if (x!.shape.length !== 5) throw new InvalidArgumentError('input must be 5-dimensional', b.opName);
    checkVolPatchAttrs(a, (m) => new InvalidArgumentError(m, b.opName));
    const t = volumeTable(x!.shape.slice(1, 4), a.ksizes.slice(1, 4), a.strides.slice(1, 4), [1, 1, 1], a.padding, b.opName);
    const [n, , , , c] = x!.shape as number[];
    return [b.reshape(gatherWindows(b, x!, t, 0), [n!, ...t.out, t.k * c!])];
  },
});
/** tsflow's gradient helper: inputs (dy, shape of input) → d input (each patch cell added back). */
defineOp<VolPatchAttrs>({
  type: 'ExtractVolumePatchesGrad',
  infer: ([dy, sizes], _a, name) => {
    const fail: Fail = (m) => shapeFnError(m, name, 'ExtractVolumePatchesGrad', [dy!.shape, sizes!.shape]);
    return [{ dtype: dy!.dtype, shape: shapeFromTensor5(sizes!, fail) }];
  },
  lower: (b, [dy, sizes], a) => {
    const xs = foldShape5(b, sizes!, 'input shape');
    const t = volumeTable(xs.slice(1, 4), a.ksizes.slice(1, 4), a.strides.slice(1, 4), [1, 1, 1], a.padding, b.opName);
    const n = xs[0]!;
    const c = xs[4]!;
    return [scatterWindows(b, b.reshape(dy!, [n, t.idx.length / t.k, t.k, c]), t, xs)];
  },
});
registerGradient('ExtractVolumePatches', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'ExtractVolumePatchesGrad', [dy, shapeOf(op.inputs[0]!)], { ...(op.attrs as VolPatchAttrs) }, undefined, 'ExtractVolumePatchesGrad').outputs[0]! : null,
]);
registerGradient('ExtractVolumePatchesGrad', (op, [g]) => [
  g ? makeOp(g.graph, 'ExtractVolumePatches', [g], { ...(op.attrs as VolPatchAttrs) }, undefined, 'ExtractVolumePatches').outputs[0]! : null,
  null,
]);

// ----- builders ------------------------------------------------------------------------------------
type Sizes = number | readonly number[];
/** TF's `_get_sequence(value, 3, 4, name)`: a number, 3 spatial values, or the NDHWC 5-vector. */
export function ndhwc(value: Sizes | null | undefined, what: string, dflt = 1): number[] {
  const v = value === undefined || value === null ? [dflt] : typeof value === 'number' ? [value] : [...value];
  if (v.some((x) => !Number.isInteger(x))) throw new TypeError(`${what} must hold integers, got ${JSON.stringify(value)}`);
  if (v.length === 5) return v;
  if (v.length === 1) return [1, v[0]!, v[0]!, v[0]!, 1];
  if (v.length === 3) return [1, ...v, 1];
  throw new ValueError(`${what} should be of length 1, 3 or 5 but was ${v.length}`);
}

function format3d(df: string | null | undefined, type: string): string {
  const f = df ?? 'NDHWC';
  if (f !== 'NDHWC' && f !== 'NCDHW') throw new ValueError(`Attr 'data_format' of '${type}' Op passed string '${f}' not in: "NDHWC", "NCDHW".`);
  // TF's CPU kernels refuse NCDHW (Default MaxPooling3dOp only supports NDHWC on device type CPU);
  // tsflow refuses it when the graph is built.
  if (f === 'NCDHW') throw new ValueError(`${type}: data_format 'NCDHW' is not supported; as TF's CPU kernels, tsflow runs 3-D convolutions and pools in NDHWC only`);
  return f;
}

const sizesInput = (s: TensorLike): Tensor => (s instanceof Tensor ? s : constant(s as number[], 'int32'));

function pool3dFn(type: 'MaxPool3D' | 'AvgPool3D', where: string) {
  return tf1Function(
    where, ['input', 'ksize', 'strides', 'padding', 'dataFormat', 'name'],
    (input: TensorLike, ksize: Sizes, strides: Sizes, padding: Padding | string, dataFormat?: string, name?: string): Tensor => {
      for (const [k, v] of [['ksize', ksize], ['strides', strides], ['padding', padding]] as const) {
        if (v === undefined) throw new TypeError(`${where}() missing required argument '${k}'`);
      }
      const x = toTensor(input);
      const attrs: Pool3DAttrs = { ksize: ndhwc(ksize, 'ksize'), strides: ndhwc(strides, 'strides'), padding: checkPadding(padding, type), data_format: format3d(dataFormat, type) };
      return makeOp(x.graph, type, [x], attrs, name, type).outputs[0]!;
    }, 4);
}
/** `tf.nn.maxPool3d(input, ksize, strides, padding, dataFormat = 'NDHWC', name?)`: float32 (TF: half, bfloat16, float). */
export const maxPool3d = pool3dFn('MaxPool3D', 'nn.maxPool3d');
/** `tf.nn.avgPool3d(input, ksize, strides, padding, dataFormat = 'NDHWC', name?)`; SAME averages over the cells inside the input. */
export const avgPool3d = pool3dFn('AvgPool3D', 'nn.avgPool3d');

function conv3dAttrs(strides: Sizes, padding: unknown, dilations: Sizes | null | undefined, dataFormat: string | null | undefined, type: string): Conv3DAttrs {
  return { strides: ndhwc(strides, 'strides'), padding: checkPadding(padding, type), dilations: ndhwc(dilations, 'dilations'), data_format: format3d(dataFormat, type) };
}

/**
 * `tf.nn.conv3dTranspose(value, filter, outputShape, strides, padding = 'SAME', dataFormat =
 * 'NDHWC', name?, input?, filters?, dilations?)`: Conv3DBackpropInputV2 — value [N,D,H,W,O],
 * filter [kd,kh,kw,C,O], outputShape the [N,D',H',W',C] result (numbers or a tensor known when
 * the plan is built).
 */
export const conv3dTranspose = tf1Function(
  'nn.conv3dTranspose', ['value', 'filter', 'outputShape', 'strides', 'padding', 'dataFormat', 'name', 'input', 'filters', 'dilations'],
  (value: TensorLike | null, filter: TensorLike | null, outputShape: readonly number[] | Tensor, strides: Sizes, padding?: Padding | string, dataFormat?: string, name?: string, input?: TensorLike | null, filters?: TensorLike | null, dilations?: Sizes | null): Tensor => {
    const fl = deprecatedAlias('filter', filter, 'filters', filters);
    const v0 = deprecatedAlias('value', value, 'input', input);
    if (fl === undefined) throw new ValueError('nn.conv3dTranspose(): a filter is required');
    if (v0 === undefined) throw new ValueError('nn.conv3dTranspose(): a value is required');
    if (outputShape === undefined || outputShape === null) throw new TypeError("nn.conv3dTranspose() missing required argument 'output_shape'");
    if (strides === undefined) throw new TypeError("nn.conv3dTranspose() missing required argument 'strides'");
    const attrs = conv3dAttrs(strides, padding ?? 'SAME', dilations, dataFormat, 'Conv3DBackpropInputV2');
    return toTensor(v0).graph.nameScope(name ?? 'conv3d_transpose', (scope) => {
      const v = toTensor(v0);
      const f = toTensor(fl, v.dtype);
      const vc = v.shape?.[4];
      const fo = f.shape?.[4];
      if (vc != null && fo != null && vc !== fo) throw new ValueError(`input channels does not match filter's input channels, ${vc} != ${fo}`);
      if (Array.isArray(outputShape)) {
        if (outputShape.length !== 5) throw new ValueError(`output_shape must have shape (5,), got (${outputShape.length},)`);
        const fc = f.shape?.[3];
        if (fc != null && outputShape[4] !== fc) throw new ValueError(`output_shape does not match filter's output channels, ${outputShape[4]} != ${fc}`);
      } else if (!(outputShape instanceof Tensor)) {
        throw new TypeError(`nn.conv3dTranspose: outputShape must be an array of 5 integers or a Tensor, got ${String(outputShape)}`);
      }
      return makeOp(v.graph, 'Conv3DBackpropInputV2', [sizesInput(outputShape), f, v], attrs, scope, 'Conv3DBackpropInputV2').outputs[0]!;
    });
  }, 3);

/**
 * `tf.nn.conv3dBackpropFilterV2(input, filterSizes, outBackprop, strides, padding, dataFormat =
 * 'NDHWC', dilations = [1,1,1,1,1], name?)` (also `conv3dBackpropFilter`).
 */
export const conv3dBackpropFilterV2 = tf1Function(
  'nn.conv3dBackpropFilterV2', ['input', 'filterSizes', 'outBackprop', 'strides', 'padding', 'dataFormat', 'dilations', 'name'],
  (input: TensorLike, filterSizes: TensorLike, outBackprop: TensorLike, strides: Sizes, padding: Padding | string, dataFormat?: string, dilations?: Sizes, name?: string): Tensor => {
    if (strides === undefined) throw new TypeError("nn.conv3dBackpropFilterV2() missing required argument 'strides'");
    const attrs = conv3dAttrs(strides, padding, dilations, dataFormat, 'Conv3DBackpropFilterV2');
    const x = toTensor(input);
    const dy = toTensor(outBackprop, x.dtype);
    return makeOp(x.graph, 'Conv3DBackpropFilterV2', [x, sizesInput(filterSizes), dy], attrs, name, 'Conv3DBackpropFilterV2').outputs[0]!;
  }, 5);
export const conv3dBackpropFilter = conv3dBackpropFilterV2;

/**
 * `tf.extractVolumePatches(input, ksizes, strides, padding, name?)`: [N,D,H,W,C] →
 * [N,od,oh,ow,kd·kh·kw·C], each output cell its window (planes, rows, cols, then channels),
 * zeros in the padding.
 */
export const extractVolumePatches = tf1Function(
  'extractVolumePatches', ['input', 'ksizes', 'strides', 'padding', 'name'],
  (input: TensorLike, ksizes: readonly number[], strides: readonly number[], padding: Padding | string, name?: string): Tensor => {
    for (const [k, v] of [['ksizes', ksizes], ['strides', strides], ['padding', padding]] as const) {
      if (v === undefined) throw new TypeError(`extractVolumePatches() missing required argument '${k}'`);
    }
    const five = (v: readonly number[], what: string): number[] => {
      if (!Array.isArray(v) || v.some((x) => !Number.isInteger(x))) throw new TypeError(`Expected list for '${what}' argument to 'extract_volume_patches' Op, not ${JSON.stringify(v)}.`);
      return [...v];
    };
    const x = toTensor(input);
    const attrs: VolPatchAttrs = { ksizes: five(ksizes, 'ksizes'), strides: five(strides, 'strides'), padding: checkPadding(padding, 'ExtractVolumePatches') };
    return makeOp(x.graph, 'ExtractVolumePatches', [x], attrs, name, 'ExtractVolumePatches').outputs[0]!;
  }, 4);
