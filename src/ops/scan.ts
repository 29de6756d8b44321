/** `tf.cumsum` and `tf.cumprod` (TF's Cumsum / Cumprod: exclusive / reverse) and `tf.sequenceMask`. */
import { kwargs } from '../args.js';
import { type DType, parseDType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { sizeOf, stridesOf } from '../shape.js';
import { cast, less, maximum, multiply, realDiv, reduceMax } from './math.js';
import { checkKernelDType } from './kernel-dtypes.js';
import { expandDims, range, shapeFnError } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import type { Lower, Val } from './lower.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

interface CumsumAttrs {
  [k: string]: unknown;
  axis: number;
  exclusive: boolean;
  reverse: boolean;
}

/** `x` with its `axis` reversed: one strided copy. */
export function reverseAxis(b: Lower, x: Val, axis: number): Val {
  const s = x.shape;
  const st = stridesOf(s);
  const params = { outShape: [...s], inStrides: st.map((v, i) => (i === axis ? -v : v)), inOffset: (s[axis]! - 1) * st[axis]! };
  return b.prim('copy', params, [x], [{ dtype: x.dtype, shape: [...s] }])[0]!;
}

/** x shifted by `k` along `axis`: k `pad`s (0) in front, the last k elements dropped. */
function shift(b: Lower, x: Val, axis: number, k: number, pad = 0): Val {
  const s = x.shape;
  const kept = b.slice(x, s.map(() => 0), s.map((d, i) => (i === axis ? d - k : d)));
  return b.concat([b.fill(s.map((d, i) => (i === axis ? k : d)), pad, x.dtype), kept], axis);
}

/**
 * Inclusive prefix sums by doubling (Hillis–Steele): after the step with shift k every element
 * holds the sum of the 2k elements ending at it. log2(n) elementwise steps on any device.
 */
function lowerCumsum(b: Lower, x: Val, a: CumsumAttrs, fn: 'add' | 'mul' = 'add'): Val {
  const s = x.shape;
  const ax = a.axis < 0 ? a.axis + s.length : a.axis;
  const n = s[ax]!;
  if (sizeOf(s) === 0 || n === 0) return x;
  const unit = fn === 'add' ? 0 : 1;
  let cur = a.reverse ? reverseAxis(b, x, ax) : x;
  if (a.exclusive) cur = n > 1 ? shift(b, cur, ax, 1, unit) : b.fill(s, unit, x.dtype);
  for (let k = 1; k < n; k *= 2) cur = b.binary(fn, cur, shift(b, cur, ax, k, unit));
  return a.reverse ? reverseAxis(b, cur, ax) : cur;
}

for (const [type, fn] of [['Cumsum', 'add'], ['Cumprod', 'mul']] as const) {
  defineOp<CumsumAttrs>({
    type,
    infer: ([x], a, name) => {
      const s = x!.shape;
      if (s !== null) {
        const r = s.length;
        if (a.axis < -r || a.axis >= r) throw shapeFnError(`axis must be in the range [${-r}, ${r}), but got ${a.axis}`, name, type, [s, []], [[1, a.axis]]);
      }
      return [{ dtype: x!.dtype, shape: s }];
    },
    lower: (b, [x], a) => {
      const r = x!.shape.length;
      if (a.axis < -r || a.axis >= r) throw new InvalidArgumentError(`ScanOp: Expected scan axis in the range [${-r}, ${r}), but got ${a.axis}`, b.opName);
      return [lowerCumsum(b, x!, a, fn)];
    },
  });
}
// The gradient of a prefix sum is the suffix sum of the gradient (TF's _CumsumGrad).
registerGradient('Cumsum', (op, [dy]) => {
  if (!dy) return [null];
  const a = op.attrs as CumsumAttrs;
  return [makeOp(dy.graph, 'Cumsum', [dy], { axis: a.axis, exclusive: a.exclusive, reverse: !a.reverse }, undefined, 'Cumsum').outputs[0]!];
});

// TF's _CumprodGrad: cumsum(cumprod(x)·dy) in the other direction, over x (fails where x is 0, as in TF).
registerGradient('Cumprod', (op, [dy]) => {
  if (!dy) return [null];
  const a = op.attrs as CumsumAttrs;
  const x = op.inputs[0]!;
  const prod = makeOp(dy.graph, 'Cumprod', [x], { axis: a.axis, exclusive: a.exclusive, reverse: a.reverse }, undefined, 'Cumprod').outputs[0]!;
  const out = makeOp(dy.graph, 'Cumsum', [multiply(prod, dy)], { axis: a.axis, exclusive: a.exclusive, reverse: !a.reverse }, undefined, 'Cumsum').outputs[0]!;
  return [realDiv(out, x)];
});

/** `tf.cumprod(x, axis = 0, exclusive = false, reverse = false, name?)`: running products. */
export function cumprod(
  x: TensorLike,
  axis?: number | Record<string, unknown>,
  exclusive?: boolean | Record<string, unknown>,
  reverse?: boolean | Record<string, unknown>,
  name?: string | Record<string, unknown>,
): Tensor {
  return scanOp('Cumprod', 'cumprod', [x, axis, exclusive, reverse, name]);
}

function scanOp(type: 'Cumsum' | 'Cumprod', where: string, args: unknown[]): Tensor {
  const o = kwargs(args, ['x', 'axis', 'exclusive', 'reverse', 'name'], where);
  const t = toTensor(o.x as TensorLike);
  const ax = (o.axis as number | undefined) ?? 0;
  if (!Number.isInteger(ax)) throw new TypeError(`${where}: axis must be an integer, got ${String(o.axis)}`);
  if (type === 'Cumprod') checkKernelDType(type, 'x', t.dtype);
  else if (t.dtype === 'bool') throw new TypeError("Value passed to parameter 'x' has DataType bool not in list of allowed values: float32, float64, int32, int64, uint8, int16, int8, uint16");
  const attrs: CumsumAttrs = { axis: ax, exclusive: Boolean(o.exclusive), reverse: Boolean(o.reverse) };
  return makeOp(t.graph, type, [t], attrs, o.name as string | undefined, type).outputs[0]!;
}

/** `tf.cumsum(x, axis = 0, exclusive = false, reverse = false, name?)`. */
export function cumsum(
  x: TensorLike,
  axis?: number | Record<string, unknown>,
  exclusive?: boolean | Record<string, unknown>,
  reverse?: boolean | Record<string, unknown>,
  name?: string | Record<string, unknown>,
): Tensor {
  return scanOp('Cumsum', 'cumsum', [x, axis, exclusive, reverse, name]);
}

/**
 * `tf.sequenceMask(lengths, maxlen?, dtype = bool, name?)`: `mask[..., j] = j < lengths[...]`.
 * Without `maxlen` it is `max(lengths)`; a fed `lengths` or `maxlen` gives one plan per mask width.
 */
export function sequenceMask(
  lengths: TensorLike,
  maxlen?: number | Tensor | null | Record<string, unknown>,
  dtype?: DType | string | Record<string, unknown>,
  name?: string | Record<string, unknown>,
): Tensor {
  const o = kwargs([lengths, maxlen, dtype, name], ['lengths', 'maxlen', 'dtype', 'name'], 'sequenceMask');
  const l = toTensor(o.lengths as TensorLike, Array.isArray(o.lengths) || typeof o.lengths === 'number' ? 'int32' : undefined);
  return l.graph.nameScope((o.name as string | undefined) ?? 'SequenceMask', () => {
    let m: Tensor;
    if (o.maxlen === undefined || o.maxlen === null) {
      const mx = reduceMax(l, null);
      m = maximum(toTensor(0, mx.dtype), mx);
    } else {
      m = toTensor(o.maxlen as TensorLike, typeof o.maxlen === 'number' ? l.dtype : undefined);
    }
    if (m.shape !== null && m.shape.length !== 0) throw new ValueError('maxlen must be scalar for sequence_mask');
    const row = typeof o.maxlen === 'number' ? range(0, o.maxlen, 1, m.dtype) : range(toTensor(0, m.dtype), m, toTensor(1, m.dtype));
    const matrix = cast(expandDims(l, -1), m.dtype);
    const result = less(row, matrix);
    const dt = o.dtype === undefined ? 'bool' : parseDType(o.dtype as DType);
    return dt === 'bool' ? result : cast(result, dt);
  });
}
