/**
 * Grayscale morphology, NHWC: Dilation2D and its backprops (Dilation2DBackpropInput /
 * Dilation2DBackpropFilter), tf.nn.dilation2d and tf.nn.erosion2d (dilation by duality, as TF1's
 * Python composes it). out[b,y,x,c] = max over the (dilated) window of input + filter; padding
 * cells never win. The backprops route each output's grad to the first maximising tap.
 */
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { type Dim, type PartialShape, cShape } from '../shape.js';
import { deprecatedAlias, tf1Function } from '../args.js';
import { shapeFnError } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import { sameDType } from './elementwise.js';
import type { Lower, Val } from './lower.js';
import { defineOp, makeOp, registerGradient, registerNoGradient } from './registry.js';
import { type Fail, type Padding, checkPadding, staticOut, withRank4 } from './conv.js';
import { type VolumeTable, gatherWindows, scatterWindows, volumeTable } from './window3d.js';
import { negative } from './math.js';
import { reverse } from './split.js';

interface DilationAttrs {
  strides: number[];
  rates: number[];
  padding: Padding;
  [k: string]: unknown;
}

const REAL = 'float32, float64, int32, uint8, int16, int8, int64, bfloat16, uint16, float16, uint32, uint64';

function checkAttrs(a: DilationAttrs, fail: Fail): void {
  if (a.strides.length !== 4) throw fail(`Dilation2D requires the stride attribute to contain 4 values, but got: ${a.strides.length}`);
  if (a.rates.length !== 4) throw fail(`Dilation2D requires the rates attribute to contain 4 values, but got: ${a.rates.length}`);
}

function inferOut(x: PartialShape, f: PartialShape, a: DilationAttrs, fail: Fail): Dim[] {
  checkAttrs(a, fail);
  const xs = withRank4(x, fail);
  let fs: Dim[] = [null, null, null];
  if (f !== null) {
    if (f.length !== 3) throw fail(`Shape must be rank 3 but is rank ${f.length}`);
    fs = [...f];
  }
  if (xs[3] !== null && fs[2] !== null && xs[3] !== fs[2]) throw fail(`Dimensions must be equal, but are ${xs[3]} and ${fs[2]}`);
  const oh = staticOut(xs[1]!, fs[0]!, a.rates[1]!, a.strides[1]!, a.padding, fail);
  const ow = staticOut(xs[2]!, fs[1]!, a.rates[2]!, a.strides[2]!, a.padding, fail);
  return [xs[0]!, oh, ow, xs[3] ?? fs[2]!];
}

/** TF's ParseSizes: the kernel's checks, then the window table. */
function table(x: readonly number[], f: readonly number[], a: DilationAttrs, op: string): VolumeTable {
  checkAttrs(a, (m) => new InvalidArgumentError(m, op));
  if (a.strides[0] !== 1 || a.strides[3] !== 1) throw new InvalidArgumentError('Current implementation does not yet support strides in the batch and depth dimensions.', op);
  if (a.rates[0] !== 1 || a.rates[3] !== 1) throw new InvalidArgumentError('Current implementation does not yet support rates in the batch and depth dimensions.', op);
  if (x.length !== 4) throw new InvalidArgumentError(`input must be 4-dimensional${cShape([...x])}`, op);
  if (f.length !== 3) throw new InvalidArgumentError(`filter must be 3-dimensional: ${cShape([...f])}`, op);
  if (x[3] !== f[2]) throw new InvalidArgumentError(`input and filter must have the same depth: ${x[3]} vs ${f[2]}`, op);
  return volumeTable(x.slice(1, 3), f.slice(0, 2), a.strides.slice(1, 3), a.rates.slice(1, 3), a.padding, op);
}

/** input + filter over every window tap: [n, P, K, c] (padding taps -inf). */
function sums(b: Lower, x: Val, f: Val, t: VolumeTable): Val {
  const c = x.shape[3]!;
  return b.binary('add', gatherWindows(b, x, t, -Infinity), b.reshape(f, [1, 1, t.k, c]));
}

/** One-hot [n, P, K, c] of each window's first maximising tap, times dy. */
function routed(b: Lower, x: Val, f: Val, dy: Val, t: VolumeTable, op: string): Val {
  const [n, , , c] = x.shape as [number, number, number, number];
  const p = t.idx.length / t.k;
  const want = [n, ...t.out, c];
  if (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== want[i])) {
    throw new InvalidArgumentError(`out_backprop has incompatible size: ${cShape([...dy.shape])} vs ${cShape(want)}`, op);
  }
  const arg = b.reshape(b.argReduce('argmax', sums(b, x, f, t), 2, 'int32'), [n, p, 1, c]);
  const taps = b.reshape(b.range(t.k, 0, 1, 'int32'), [1, 1, t.k, 1]);
  const g = b.broadcastTo(b.reshape(dy, [n, p, 1, c]), [n, p, t.k, c]);
  return b.select(b.binary('equal', arg, taps), g, b.fill([n, p, t.k, c], 0, dy.dtype));
}

defineOp<DilationAttrs>({
  type: 'Dilation2D',
  infer: ([x, f], a, name) => {
    sameDType('Dilation2D', x!, f!, 'input', 'filter');
    if (x!.dtype === 'bool' || x!.dtype === 'string') throw new TypeError(`Value passed to parameter 'input' has DataType ${x!.dtype} not in list of allowed values: ${REAL}`);
    const fail: Fail = (m) => shapeFnError(m, name, 'Dilation2D', [x!.shape, f!.shape]);
    return [{ dtype: x!.dtype, shape: inferOut(x!.shape, f!.shape, a, fail) }];
  },
  lower: (b, [x, f], a) => {
    const t = table(x!.shape, f!.shape, a, b.opName);
    const [n, , , c] = x!.shape as number[];
    return [b.reshape(b.reduce('max', sums(b, x!, f!, t), [2], false), [n!, ...t.out, c!])];
  },
});

/** Inputs (input, filter, out_backprop) → d input. */
defineOp<DilationAttrs>({
  type: 'Dilation2DBackpropInput',
  infer: ([x, f, dy], a, name) => {
    sameDType('Dilation2DBackpropInput', x!, f!, 'input', 'filter');
    const fail: Fail = (m) => shapeFnError(m, name, 'Dilation2DBackpropInput', [x!.shape, f!.shape, dy!.shape]);
    inferOut(x!.shape, f!.shape, a, fail);
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
  lower: (b, [x, f, dy], a) => {
    const t = table(x!.shape, f!.shape, a, b.opName);
    return [scatterWindows(b, routed(b, x!, f!, dy!, t, b.opName), t, x!.shape)];
  },
});

/** Inputs (input, filter, out_backprop) → d filter. */
defineOp<DilationAttrs>({
  type: 'Dilation2DBackpropFilter',
  infer: ([x, f, dy], a, name) => {
    sameDType('Dilation2DBackpropFilter', x!, f!, 'input', 'filter');
    const fail: Fail = (m) => shapeFnError(m, name, 'Dilation2DBackpropFilter', [x!.shape, f!.shape, dy!.shape]);
    inferOut(x!.shape, f!.shape, a, fail);
    return [{ dtype: f!.dtype, shape: f!.shape }];
  },
  lower: (b, [x, f, dy], a) => {
    const t = table(x!.shape, f!.shape, a, b.opName);
    return [b.reshape(b.reduce('sum', routed(b, x!, f!, dy!, t, b.opName), [0, 1], false), [...f!.shape])];
  },
});

const attrsOf = (a: DilationAttrs): DilationAttrs => ({ strides: a.strides, rates: a.rates, padding: a.padding });
registerGradient('Dilation2D', (op, [dy]) => {
  if (!dy) return [null, null];
  const [x, f] = op.inputs as [Tensor, Tensor];
  const a = attrsOf(op.attrs as DilationAttrs);
  return [
    makeOp(dy.graph, 'Dilation2DBackpropInput', [x, f, dy], a, undefined, 'Dilation2DBackpropInput').outputs[0]!,
    makeOp(dy.graph, 'Dilation2DBackpropFilter', [x, f, dy], a, undefined, 'Dilation2DBackpropFilter').outputs[0]!,
  ];
});
registerNoGradient('Dilation2DBackpropInput');
registerNoGradient('Dilation2DBackpropFilter');

const four = (v: number | readonly number[] | null | undefined, what: string): number[] => {
  if (v === undefined || v === null) throw new TypeError(`dilation2d() missing required argument '${what}'`);
  const a = typeof v === 'number' ? [1, v, v, 1] : v.length === 2 ? [1, v[0]!, v[1]!, 1] : [...v];
  if (a.length !== 4 || a.some((x) => !Number.isInteger(x))) throw new ValueError(`${what} must be a list of 4 integers, got ${JSON.stringify(v)}`);
  return a;
};

function dilationOp(x: Tensor, f: Tensor, strides: number[], rates: number[], padding: unknown, name: string | undefined): Tensor {
  const attrs: DilationAttrs = { strides, rates, padding: checkPadding(padding, 'Dilation2D') };
  return makeOp(x.graph, 'Dilation2D', [x, f], attrs, name, 'Dilation2D').outputs[0]!;
}

/**
 * `tf.nn.dilation2d(input, filter, strides, rates, padding, name?, filters?, dilations?)`: input
 * [N,H,W,C], filter [kh,kw,C]; `filters` / `dilations` are TF's aliases of filter / rates.
 */
export const dilation2d = tf1Function(
  'nn.dilation2d', ['input', 'filter', 'strides', 'rates', 'padding', 'name', 'filters', 'dilations'],
  (input: TensorLike, filter: TensorLike | null, strides: number | readonly number[], rates: number | readonly number[] | null, padding: Padding | string, name?: string, filters?: TensorLike | null, dilations?: number | readonly number[] | null): Tensor => {
    const fl = deprecatedAlias('filter', filter, 'filters', filters);
    if (fl === undefined) throw new ValueError('nn.dilation2d(): a filter is required');
    const r = deprecatedAlias('rates', rates, 'dilations', dilations);
    const x = toTensor(input);
    return dilationOp(x, toTensor(fl, x.dtype), four(strides, 'strides'), four(r, 'rates'), padding, name);
  }, 1);

/**
 * `tf.nn.erosion2d(value, kernel, strides, rates, padding, name?)`: -dilation2d(-value,
 * reverse(kernel, [0, 1])), as TF1 composes it.
 */
export const erosion2d = tf1Function(
  'nn.erosion2d', ['value', 'kernel', 'strides', 'rates', 'padding', 'name'],
  (value: TensorLike, kernel: TensorLike, strides: number | readonly number[], rates: number | readonly number[], padding: Padding | string, name?: string): Tensor => {
    const x = toTensor(value);
    const k = toTensor(kernel, x.dtype);
    const [s, r] = [four(strides, 'strides'), four(rates, 'rates')];
    return x.graph.nameScope(name ?? 'erosion2d', (scope) => negative(dilationOp(negative(x), reverse(k, [0, 1]), s, r, padding, undefined), scope));
  }, 5);

