/** `tf.split` (TF's Split / SplitV) and `tf.reverse` (ReverseV2), with gradients. */
import { kwargs } from '../args.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { type Dim, sizeOf, stridesOf } from '../shape.js';
import { concat, shapeFnError, zerosLike } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import { defineOp, getOpDef, makeOp, registerGradient } from './registry.js';
import { holdsTensor } from './dynamic-slice.js';
import type { NDArray } from '../ndarray.js';

interface SplitAttrs {
  [k: string]: unknown;
  axis: number;
  /** Sizes along the axis (SplitV, one may be -1), or null with `num` equal pieces (Split). */
  sizes: number[] | null;
  num: number;
}

/** Piece sizes along a dim of `d` elements, or a TF error text. */
function pieceSizes(d: number, a: SplitAttrs): number[] | string {
  if (a.sizes === null) {
    if (d % a.num !== 0) return `Number of ways to split should evenly divide the split dimension, but got split_dim ${a.axis} (size = ${d}) and num_split ${a.num}`;
    return new Array<number>(a.num).fill(d / a.num);
  }
  const known = a.sizes.filter((s) => s !== -1).reduce((p, q) => p + q, 0);
  const neg = a.sizes.filter((s) => s === -1).length;
  if (neg > 1) return 'Only one dimensions can have a value of-1. Second one found at dimension 1';
  if ((neg === 0 && known !== d) || (neg === 1 && known > d)) {
    return `Determined shape must either match input shape along split_dim exactly if fully specified, or be less than the size of the input along split_dim if not fully specified.  Got: ${known}`;
  }
  return a.sizes.map((s) => (s === -1 ? d - known : s));
}

for (const splitType of ['Split', 'SplitV']) defineOp<SplitAttrs>({
  type: splitType,
  infer: ([x], a, name) => {
    const s = x!.shape;
    const type = a.sizes === null ? 'Split' : 'SplitV';
    if (s === null) return Array.from({ length: a.num }, () => ({ dtype: x!.dtype, shape: null }));
    const r = s.length;
    const fail = (msg: string): ValueError => shapeFnError(msg, name, type, [[], s], [[0, a.axis]]);
    if (a.axis < -r || a.axis >= r) throw fail(`Dimension size, given by scalar input ${a.axis} must be in range [-${r}, ${r})`);
    const ax = a.axis < 0 ? a.axis + r : a.axis;
    const d = s[ax]!;
    let sizes: Dim[];
    if (d === null) sizes = a.sizes === null ? new Array<Dim>(a.num).fill(null) : a.sizes.map((v) => (v === -1 ? null : v));
    else {
      const p = pieceSizes(d, a);
      if (typeof p === 'string') throw fail(p);
      sizes = p;
    }
    return sizes.map((n) => ({ dtype: x!.dtype, shape: s.map((v, i) => (i === ax ? n : v)) }));
  },
  lower: (b, [x], a) => {
    const s = x!.shape;
    const ax = a.axis < 0 ? a.axis + s.length : a.axis;
    const p = pieceSizes(s[ax]!, a);
    if (typeof p === 'string') throw new InvalidArgumentError(p, b.opName);
    let off = 0;
    return p.map((n) => {
      const begin = s.map((_, i) => (i === ax ? off : 0));
      off += n;
      return b.slice(x!, begin, s.map((d, i) => (i === ax ? n : d)));
    });
  },
});
for (const splitType of ['Split', 'SplitV']) {
  registerGradient(splitType, (op, dys) => {
    if (dys.every((d) => d === null)) return [null];
    return [concat(dys.map((d, i) => d ?? zerosLike(op.outputs[i]!)), op.attrs.axis as number)];
  });
}

/** SplitV with the sizes as input 1 (TF's shape function: constant sizes give known dims). */
defineOp<{ axis: number; num: number }>({
  type: 'SplitVByTensor',
  infer: ([x, sizes], a, name) => {
    const c = sizes!.op.type === 'Const' ? Array.from((sizes!.op.attrs.value as NDArray).data as ArrayLike<number>, Number) : null;
    if (c) return getOpDef('SplitV').infer([x!], { axis: a.axis, sizes: c, num: a.num }, name);
    const s = x!.shape;
    const r = s?.length ?? 0;
    const ax = a.axis < 0 ? a.axis + r : a.axis;
    return Array.from({ length: a.num }, () => ({ dtype: x!.dtype, shape: s ? s.map((d, i) => (i === ax ? null : d)) : null }));
  },
  lower: (b, [x, sizes], a) => {
    const v = b.requireValue(sizes!, () => new InvalidArgumentError('SplitV needs size_splits known when the plan is built', b.opName));
    const sz = Array.from(v.data as ArrayLike<number>, Number);
    if (sz.length !== a.num) throw new InvalidArgumentError(`Determined shape must either match input shape along split_dim exactly if fully specified, or be less than the size of the input along split_dim if not fully specified.  Got: ${sz.length} sizes for num_split ${a.num}`, b.opName);
    return getOpDef('SplitV').lower(b, [x!], { axis: a.axis, sizes: sz, num: a.num });
  },
});
registerGradient('SplitVByTensor', (op, dys) => {
  if (dys.every((d) => d === null)) return [null, null];
  return [concat(dys.map((d, i) => d ?? zerosLike(op.outputs[i]!)), op.attrs.axis as number), null];
});

/**
 * `tf.split(value, numOrSizeSplits, axis = 0, num?, name?)`: a number splits into that many
 * equal pieces; an array gives each piece's size (one may be -1 for the rest).
 */
export function split(
  value: TensorLike,
  numOrSizeSplits: number | readonly number[] | TensorLike | Record<string, unknown>,
  axis?: number | Record<string, unknown>,
  num?: number | null | Record<string, unknown>,
  name?: string | Record<string, unknown>,
): Tensor[] {
  const o = kwargs([value, numOrSizeSplits, axis, num, name], ['value', 'numOrSizeSplits', 'axis', 'num', 'name'], 'split');
  const x = toTensor(o.value as TensorLike);
  const ax = (o.axis as number | undefined) ?? 0;
  if (!Number.isInteger(ax)) throw new TypeError(`split: axis must be an integer, got ${String(o.axis)}`);
  const ns = o.numOrSizeSplits;
  let attrs: SplitAttrs;
  if (typeof ns === 'number') {
    if (!Number.isInteger(ns) || ns < 1) throw new ValueError(`num_split must be a positive integer, got ${ns}`);
    attrs = { axis: ax, sizes: null, num: ns };
  } else if (holdsTensor(ns)) {
    // sizes as a tensor (fed or computed): the plan is built with their value
    const sz = toTensor(ns as TensorLike, Array.isArray(ns) ? 'int32' : undefined);
    if (sz.dtype !== 'int32' && sz.dtype !== 'int64') throw new TypeError(`Value passed to parameter 'size_splits' has DataType ${sz.dtype} not in list of allowed values: int32, int64`);
    const len = sz.shape?.length === 1 ? sz.shape[0] : null;
    const n = (o.num as number | null | undefined) ?? len;
    if (n === null || n === undefined) throw new ValueError(`Cannot infer num from shape ${sz.shape ? `(${sz.shape.map((d) => d ?? 'None').join(', ')},)` : '<unknown>'}`);
    return [...makeOp(x.graph, 'SplitVByTensor', [x, sz], { axis: ax, num: n }, o.name as string | undefined, 'split').outputs];
  } else if (Array.isArray(ns) && ns.every((v) => Number.isInteger(v) && v >= -1)) {
    if (ns.length === 0) throw new ValueError('Cannot infer num from shape (0,)');
    const n = (o.num as number | null | undefined) ?? ns.length;
    if (n !== ns.length) throw new ValueError(`Cannot infer num from shape (${ns.length},): num = ${n}`);
    attrs = { axis: ax, sizes: [...(ns as number[])], num: ns.length };
  } else {
    throw new TypeError(`split: numOrSizeSplits must be a positive integer, an array of sizes or an int tensor, got ${String(ns)}`);
  }
  return [...makeOp(x.graph, attrs.sizes === null ? 'Split' : 'SplitV', [x], attrs, o.name as string | undefined, 'split').outputs];
}

// ----- ReverseV2 ---------------------------------------------------------------------------------
defineOp<{ axis: number[] }>({
  type: 'ReverseV2',
  infer: ([x], a, name) => {
    const s = x!.shape;
    if (s !== null) {
      const r = s.length;
      const seen = new Set<number>();
      for (const v of a.axis) {
        if (v < -r || v >= r) throw shapeFnError(`axis ${v} is out of valid range [${-r}, ${r})`, name, 'ReverseV2', [s, [a.axis.length]], [[1, a.axis]]);
        const n = v < 0 ? v + r : v;
        if (seen.has(n)) throw shapeFnError(`axis ${n} specified more than once.`, name, 'ReverseV2', [s, [a.axis.length]], [[1, a.axis]]);
        seen.add(n);
      }
    }
    return [{ dtype: x!.dtype, shape: s }];
  },
  lower: (b, [x], a) => {
    const s = x!.shape;
    const axes = new Set(a.axis.map((v) => (v < 0 ? v + s.length : v)));
    if (axes.size === 0 || sizeOf(s) === 0) return [x!];
    const st = stridesOf(s);
    const offset = s.reduce((acc, d, i) => acc + (axes.has(i) ? (d - 1) * st[i]! : 0), 0);
    const params = { outShape: [...s], inStrides: st.map((v, i) => (axes.has(i) ? -v : v)), inOffset: offset };
    return b.prim('copy', params, [x!], [{ dtype: x!.dtype, shape: [...s] }]);
  },
});
registerGradient('ReverseV2', (op, [dy]) => [dy ? makeOp(dy.graph, 'ReverseV2', [dy], op.attrs, undefined, 'ReverseV2').outputs[0]! : null]);

/** `tf.reverse(tensor, axis)`: reverses the given dims (TF1's `reverse_v2`). */
export function reverse(tensor: TensorLike, axis: number | readonly number[] | Record<string, unknown>, name?: string | Record<string, unknown>): Tensor {
  const o = kwargs([tensor, axis, name], ['tensor', 'axis', 'name'], 'reverse');
  const x = toTensor(o.tensor as TensorLike);
  const ax = typeof o.axis === 'number' ? [o.axis] : o.axis;
  if (!Array.isArray(ax) || !ax.every((v) => Number.isInteger(v))) throw new TypeError(`reverse: axis must be an integer or an array of integers, got ${JSON.stringify(o.axis)}`);
  return makeOp(x.graph, 'ReverseV2', [x], { axis: [...(ax as number[])] }, o.name as string | undefined, 'ReverseV2').outputs[0]!;
}
