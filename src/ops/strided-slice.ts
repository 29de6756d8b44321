/**
 * `tf.stridedSlice` (TF's StridedSlice with every mask), its gradient, and `tf.index`, the
 * numpy-style indexing helper that builds one from what Python writes inside `t[...]`.
 */
import { InvalidArgumentError, ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { dynamicShrinkIndices, holdsTensor, pickIndex } from './dynamic-slice.js';
import { NDArray } from '../ndarray.js';
import { type Dim, type PartialShape, sizeOf, stridesOf } from '../shape.js';
import { shapeFnError } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import type { Lower, Val } from './lower.js';
import { defineOp, getOpDef, makeOp, registerGradient } from './registry.js';
import { type TF1Args, kwargs } from '../args.js';

export interface StridedSliceAttrs {
  [k: string]: unknown;
  begin: number[];
  end: number[];
  strides: number[];
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
}

/** One input dim of the dense spec: where it starts, its stride, how many it takes. */
interface DenseDim {
  begin: number;
  stride: number;
  /** null when the input dim is unknown (build time). */
  size: Dim;
  shrink: boolean;
}

interface Dense {
  dims: DenseDim[];
  /** Output dims in order: an input dim index, or -1 for a new axis (shrunk dims are absent). */
  gather: number[];
}

/**
 * TF's ValidateStridedSliceOp: expand the sparse spec (ellipsis, new axes) against the input
 * rank, canonicalise each range, and compute each dim's size. `fail` raises TF's text.
 */
function denseSpec(shape: readonly Dim[], a: StridedSliceAttrs, fail: (msg: string) => Error): Dense {
  const n = a.begin.length;
  if (a.ellipsisMask & (a.ellipsisMask - 1)) throw fail('Multiple ellipses in slice spec not allowed');
  let ellipsisMask = a.ellipsisMask;
  let sparseDims = n;
  let ellipsisSeen = false;
  let addAfterEllipsis = 0;
  for (let i = 0; i < n; i++) {
    if (ellipsisSeen && a.newAxisMask & (1 << i)) addAfterEllipsis++;
    if (ellipsisMask & (1 << i)) ellipsisSeen = true;
  }
  if (!ellipsisSeen) {
    ellipsisMask |= 1 << n;
    sparseDims++;
  }
  const rank = shape.length;
  const spec: { begin: number; end: number; stride: number; bm: boolean; em: boolean; shrink: boolean }[] = [];
  const gather: number[] = [];
  let full = 0;
  for (let i = 0; i < sparseDims; i++) {
    const bit = 1 << i;
    if (ellipsisMask & bit) {
      const next = Math.min(rank - (sparseDims - i) + 1 + addAfterEllipsis, rank);
      for (; full < next; full++) {
        spec.push({ begin: 0, end: 0, stride: 1, bm: true, em: true, shrink: false });
        gather.push(full);
      }
    } else if (a.newAxisMask & bit) {
      gather.push(-1);
    } else {
      if (full === rank) throw fail(`Index out of range using input dim ${full}; input has only ${rank} dims`);
      const shrink = (a.shrinkAxisMask & bit) !== 0;
      spec.push({ begin: a.begin[i]!, end: a.end[i]!, stride: a.strides[i]!, bm: (a.beginMask & bit) !== 0, em: (a.endMask & bit) !== 0, shrink });
      if (!shrink) gather.push(full);
      full++;
    }
  }
  const dims = spec.map((s, i): DenseDim => {
    const d = shape[i]!;
    if (s.stride === 0) throw fail(`strides[${i}] must be non-zero`);
    if (s.shrink && s.stride <= 0) throw fail('only stride 1 allowed on non-range indexing.');
    if (d === null) return { begin: 0, stride: s.stride, size: s.shrink ? 1 : null, shrink: s.shrink };
    if (s.shrink) {
      const fwd = s.begin < 0 ? d + s.begin : s.begin;
      if (fwd < 0 || fwd >= d) throw fail(`slice index ${s.begin} of dimension ${i} out of bounds.`);
      return { begin: fwd, stride: 1, size: 1, shrink: true };
    }
    const lo = s.stride > 0 ? 0 : -1;
    const hi = s.stride > 0 ? d : d - 1;
    const canon = (x: number, masked: boolean, isEnd: boolean): number => {
      if (masked) return s.stride > 0 === isEnd ? hi : lo;
      const fwd = x < 0 ? d + x : x;
      return Math.min(Math.max(fwd, lo), hi);
    };
    const begin = canon(s.begin, s.bm, false);
    const end = canon(s.end, s.em, true);
    const interval = end - begin;
    let size = 0;
    if (interval !== 0 && interval < 0 === s.stride < 0) size = Math.trunc(interval / s.stride) + (interval % s.stride !== 0 ? 1 : 0);
    return { begin, stride: s.stride, size, shrink: false };
  });
  return { dims, gather };
}

function outShape(dense: Dense): Dim[] {
  return dense.gather.map((g) => (g < 0 ? 1 : dense.dims[g]!.size));
}

function checkSpecLengths(a: StridedSliceAttrs, fail: (msg: string) => Error): void {
  const n = a.begin.length;
  if (a.end.length !== n || a.strides.length !== n) {
    throw fail(`Expected begin, end, and strides to be 1D equal size tensors, but got shapes [${n}], [${a.end.length}], and [${a.strides.length}] instead.`);
  }
}

function buildError(name: string, type: string, x: PartialShape, a: StridedSliceAttrs): (msg: string) => ValueError {
  const n = a.begin.length;
  return (msg) => shapeFnError(msg, name, type, [x, [n], [a.end.length], [a.strides.length]], [[1, a.begin], [2, a.end], [3, a.strides]]);
}

/** Strided copy of the dense spec's box out of `x` (processing shape: shrunk dims kept as 1). */
function lowerSlice(b: Lower, x: Val, dense: Dense): Val {
  const sizes = dense.dims.map((d) => d.size as number);
  if (sizeOf(sizes) === 0) return b.fill(sizes, 0, x.dtype);
  if (dense.dims.every((d) => d.stride === 1)) return b.slice(x, dense.dims.map((d) => d.begin), sizes);
  // One strided (possibly reversed) copy.
  const st = stridesOf(x.shape);
  const offset = dense.dims.reduce((acc, d, i) => acc + d.begin * st[i]!, 0);
  const params = { outShape: sizes, inStrides: dense.dims.map((d, i) => d.stride * st[i]!), inOffset: offset };
  return b.prim('copy', params, [x], [{ dtype: x.dtype, shape: sizes }])[0]!;
}

function hostSlice(x: NDArray, dense: Dense, shape: number[]): NDArray {
  const sizes = dense.dims.map((d) => d.size as number);
  const st = stridesOf(x.shape);
  const n = sizeOf(sizes);
  const out = new (x.data.constructor as new (n: number) => typeof x.data)(n);
  const idx = new Array<number>(sizes.length).fill(0);
  for (let k = 0; k < n; k++) {
    let off = 0;
    dense.dims.forEach((d, i) => (off += (d.begin + idx[i]! * d.stride) * st[i]!));
    out[k] = x.data[off]!;
    for (let i = sizes.length - 1; i >= 0; i--) {
      if (++idx[i]! < sizes[i]!) break;
      idx[i] = 0;
    }
  }
  return new NDArray(out, shape, x.dtype);
}

defineOp<StridedSliceAttrs>({
  type: 'StridedSlice',
  infer: ([x], a, name) => {
    const fail = buildError(name, 'StridedSlice', x!.shape, a);
    checkSpecLengths(a, fail);
    if (x!.shape === null) return [{ dtype: x!.dtype, shape: null }];
    return [{ dtype: x!.dtype, shape: outShape(denseSpec(x!.shape, a, fail)) }];
  },
  lower: (b, [x], a) => {
    const dense = denseSpec(x!.shape, a, (m) => new InvalidArgumentError(m, b.opName));
    const shape = outShape(dense) as number[];
    // Slices of plan-time constants (shape arithmetic: tf.shape(x)[0]) stay constants.
    const known = b.constValue(x!);
    if (known) return [b.constant(hostSlice(known, dense, shape))];
    return [b.reshape(lowerSlice(b, x!, dense), shape)];
  },
});

/**
 * The gradient: `dy` (the slice's output) placed into zeros shaped like input 1. Unit-stride
 * axes are padded with zeros; strided axes gather from dy with one zero row appended, each
 * input position taking its dy row or the zero row.
 */
defineOp<StridedSliceAttrs>({
  type: 'StridedSliceGrad',
  infer: ([dy, like]) => [{ dtype: dy!.dtype, shape: like!.shape }],
  lower: (b, [dy, like], a) => {
    const shape = like!.shape;
    const dense = denseSpec(shape, a, (m) => new InvalidArgumentError(m, b.opName));
    const sizes = dense.dims.map((d) => d.size as number);
    if (sizeOf(sizes) === 0) return [b.fill(shape, 0, dy!.dtype)];
    let cur = b.reshape(dy!, sizes);
    dense.dims.forEach((d, i) => {
      const n = shape[i]!;
      const sz = sizes[i]!;
      const piece = (len: number): Val => b.fill(cur.shape.map((s, j) => (j === i ? len : s)), 0, dy!.dtype);
      if (d.stride === 1) {
        const after = n - d.begin - sz;
        const parts = [...(d.begin > 0 ? [piece(d.begin)] : []), cur, ...(after > 0 ? [piece(after)] : [])];
        if (parts.length > 1) cur = b.concat(parts, i);
        return;
      }
      const padded = b.concat([cur, piece(1)], i);
      const idx = new Int32Array(n).fill(sz);
      for (let k = 0; k < sz; k++) idx[d.begin + k * d.stride] = k;
      cur = b.gather(padded, b.constant(new NDArray(idx, [n], 'int32')), i);
    });
    return [cur];
  },
});

registerGradient('StridedSlice', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'StridedSliceGrad', [dy, op.inputs[0]!], op.attrs, undefined, 'StridedSliceGrad').outputs[0]! : null,
]);
registerGradient('StridedSliceGrad', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'StridedSlice', [dy], op.attrs, undefined, 'StridedSlice').outputs[0]! : null,
  null,
]);

export interface StridedSliceOptions {
  beginMask?: number;
  endMask?: number;
  ellipsisMask?: number;
  newAxisMask?: number;
  shrinkAxisMask?: number;
  name?: string;
}

function intList(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || !v.every((e) => Number.isInteger(e))) {
    throw new TypeError(`stridedSlice ${what} must be an array of integers, got ${String(v)}`);
  }
  return [...(v as number[])];
}

const STRIDED_SLICE_NAMES = [
  'input', 'begin', 'end', 'strides', 'beginMask', 'endMask', 'ellipsisMask', 'newAxisMask', 'shrinkAxisMask', 'var', 'name',
] as const;
type StridedSliceParams = [
  input: TensorLike, begin: readonly (number | Tensor)[] | Tensor, end: readonly (number | Tensor)[] | Tensor, strides?: readonly (number | Tensor)[] | Tensor | null, beginMask?: number | null,
  endMask?: number | null, ellipsisMask?: number | null, newAxisMask?: number | null, shrinkAxisMask?: number | null, variable?: null, name?: string | null,
];

/**
 * `tf.strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0,
 * ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0, var=None, name=None)`, TF's semantics:
 * bit i of a mask refers to entry i of the spec.
 */
export function stridedSlice(...args: TF1Args<typeof STRIDED_SLICE_NAMES, StridedSliceParams>): Tensor {
  const o = kwargs(args, STRIDED_SLICE_NAMES, 'stridedSlice', 3);
  if (o.var !== undefined && o.var !== null) throw new ValueError('stridedSlice(): var (slice assignment) is not supported; use tf.scatterNdUpdate or tf.assign');
  const x = toTensor(o.input as TensorLike);
  const masks = { beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 };
  for (const k of ['beginMask', 'endMask', 'ellipsisMask', 'newAxisMask', 'shrinkAxisMask'] as const) {
    const v = o[k] ?? 0;
    if (!Number.isInteger(v) || (v as number) < 0) throw new TypeError(`stridedSlice option ${k} must be a non-negative integer, got ${String(v)}`);
    masks[k] = v as number;
  }
  // A tensor end or strides, a begin given as one tensor, or tensor begin entries that do not
  // shrink their axis: the plan is built with their values (computed first when fed or run-time).
  if (holdsTensor(o.end) || holdsTensor(o.strides) || (holdsTensor(o.begin) && !shrinkOnly(o.begin, masks))) {
    const spec = (v: unknown, what: string): Tensor => {
      const t = toTensor(v as TensorLike, Array.isArray(v) ? 'int32' : undefined);
      if (t.dtype !== 'int32' && t.dtype !== 'int64') throw new TypeError(`Value passed to parameter '${what}' has DataType ${t.dtype} not in list of allowed values: int32, int64`);
      return t;
    };
    const begin = spec(o.begin, 'begin');
    const strides = o.strides === undefined || o.strides === null ? makeOp(x.graph, 'OnesLikeInt', [begin], {}, undefined, 'ones_like').outputs[0]! : spec(o.strides, 'strides');
    return makeOp(x.graph, 'StridedSliceByTensor', [x, begin, spec(o.end, 'end'), strides], masks, (o.name ?? undefined) as string | undefined, 'strided_slice').outputs[0]!;
  }
  // Tensor entries of begin (t[:, i] with a tensor i) take their axis whole here; the index is
  // picked from it afterwards.
  const dyn = dynamicShrinkIndices(x, o.begin, masks.shrinkAxisMask, masks.ellipsisMask, masks.newAxisMask);
  let endArg = o.end;
  if (dyn) {
    for (const { entry } of dyn.picks) {
      const bit = 1 << entry;
      masks.shrinkAxisMask &= ~bit;
      masks.beginMask |= bit;
      masks.endMask |= bit;
    }
    endArg = Array.isArray(o.end) ? (o.end as unknown[]).map((e, i) => (dyn.picks.some((p) => p.entry === i) ? 0 : e)) : o.end;
  }
  const b = dyn ? dyn.staticBegin : intList(o.begin, 'begin');
  let strides = o.strides as readonly number[] | null | undefined;
  if (dyn && strides) strides = strides.map((st, i) => (dyn.picks.some((p) => p.entry === i) ? 1 : st));
  const attrs: StridedSliceAttrs = {
    begin: b,
    end: intList(endArg, 'end'),
    strides: strides ? intList(strides, 'strides') : b.map(() => 1),
    ...masks,
  };
  const name = (o.name ?? undefined) as string | undefined;
  if (!dyn) return makeOp(x.graph, 'StridedSlice', [x], attrs, name, 'strided_slice').outputs[0]!;
  return x.graph.nameScope(name ?? 'strided_slice', () => {
    let out = makeOp(x.graph, 'StridedSlice', [x], attrs, undefined, 'strided_slice').outputs[0]!;
    const rank = x.shape?.length;
    if (rank === undefined) throw new ValueError('tf.stridedSlice with a tensor index needs an input of known rank');
    // the output axis of each sparse entry: ellipsis dims, new axes and kept dims before it
    const n = b.length;
    const plain = Array.from({ length: n }, (_, i) => i).filter((i) => !(masks.ellipsisMask & (1 << i)) && !(masks.newAxisMask & (1 << i))).length;
    const axisOf = (entry: number): number => {
      let axis = 0;
      for (let j = 0; j < entry; j++) {
        const bit = 1 << j;
        if (masks.ellipsisMask & bit) axis += rank - plain;
        else if (masks.newAxisMask & bit) axis += 1;
        else if (!(masks.shrinkAxisMask & bit)) axis += 1;
      }
      return axis;
    };
    for (const p of [...dyn.picks].sort((a, c) => c.entry - a.entry)) out = pickIndex(out, axisOf(p.entry), p.index);
    return out;
  });
}

/** Whether every tensor entry of a begin list shrinks its axis (t[:, i] with a tensor i: gathered, no plan per value). */
function shrinkOnly(begin: unknown, m: { shrinkAxisMask: number; ellipsisMask: number; newAxisMask: number }): boolean {
  if (!Array.isArray(begin)) return false;
  return begin.every((e, i) => typeof e === 'number' || (m.shrinkAxisMask & (1 << i) && !(m.ellipsisMask & (1 << i)) && !(m.newAxisMask & (1 << i))));
}

interface Masks {
  [k: string]: unknown;
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
}
const constInts = (t: Tensor): number[] | null => (t.op.type === 'Const' ? Array.from((t.op.attrs.value as NDArray).data as ArrayLike<number>, Number) : null);
const specOf = (b: Lower, v: Val, what: string): number[] =>
  Array.from(b.requireValue(v, () => new InvalidArgumentError(`StridedSlice needs its ${what} known when the plan is built`, b.opName)).data as ArrayLike<number>, Number);

/** A begin, end, strides vector of `n` ones (the default strides). */
defineOp({
  type: 'OnesLikeInt',
  infer: ([t]) => [{ dtype: t!.dtype, shape: t!.shape }],
  lower: (b, [t]) => [b.fill(t!.shape, 1, t!.dtype)],
});
registerGradient('OnesLikeInt', null);

/**
 * TF's StridedSlice with begin, end and strides as tensor inputs. Shape inference as TF's:
 * with constant specs the full result; otherwise the rank where the spec's length is known,
 * shrunk axes dropped, axes taken whole (both masks, stride 1) keeping their dims.
 */
defineOp<Masks>({
  type: 'StridedSliceByTensor',
  infer: ([x, begin, end, strides], a, name) => {
    const [bv, ev, sv] = [begin!, end!, strides!].map(constInts);
    if (bv && ev && sv) return getOpDef('StridedSlice').infer([x!], { ...a, begin: bv, end: ev, strides: sv }, name);
    const n = begin!.shape?.[0] ?? null;
    const s = x!.shape;
    if (s === null || n === null || a.ellipsisMask || a.newAxisMask || n > s.length) return [{ dtype: x!.dtype, shape: null }];
    const out: Dim[] = [];
    for (let i = 0; i < s.length; i++) {
      const bit = 1 << i;
      if (i >= n) out.push(s[i]!);
      else if (a.shrinkAxisMask & bit) continue;
      else out.push(a.beginMask & bit && a.endMask & bit && sv?.[i] === 1 ? s[i]! : null);
    }
    return [{ dtype: x!.dtype, shape: out }];
  },
  lower: (b, [x, begin, end, strides], a) => {
    const attrs: StridedSliceAttrs = { ...a, begin: specOf(b, begin!, 'begin'), end: specOf(b, end!, 'end'), strides: specOf(b, strides!, 'strides') };
    return getOpDef('StridedSlice').lower(b, [x!], attrs);
  },
});
/** StridedSliceGrad with the spec as inputs 2..4. */
defineOp<Masks>({
  type: 'StridedSliceGradByTensor',
  infer: ([dy, like]) => [{ dtype: dy!.dtype, shape: like!.shape }],
  lower: (b, [dy, like, begin, end, strides], a) => {
    const attrs: StridedSliceAttrs = { ...a, begin: specOf(b, begin!, 'begin'), end: specOf(b, end!, 'end'), strides: specOf(b, strides!, 'strides') };
    return getOpDef('StridedSliceGrad').lower(b, [dy!, like!], attrs);
  },
});
registerGradient('StridedSliceByTensor', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'StridedSliceGradByTensor', [dy, ...op.inputs], op.attrs, undefined, 'StridedSliceGrad').outputs[0]! : null,
  null, null, null,
]);
registerGradient('StridedSliceGradByTensor', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'StridedSliceByTensor', [dy, ...op.inputs.slice(2)], op.attrs, undefined, 'StridedSlice').outputs[0]! : null,
  null, null, null, null,
]);

/** `tf.newaxis`: in `tf.index`, inserts a dim of size 1 (Python's `None` / `tf.newaxis`). */
export const newaxis = null;

/** One entry of a `tf.index` spec (a scalar tensor: an index known when the graph runs). */
export type IndexSpec = number | string | null | Tensor | SliceSpec;

/**
 * A slice entry of `tf.index` whose bounds may be tensors, Python's `start:stop:step` with
 * run-time values (`x[:n]` is `tf.index(x, { stop: n })`); an absent or null part is omitted.
 */
export interface SliceSpec {
  start?: number | Tensor | null;
  stop?: number | Tensor | null;
  step?: number | Tensor | null;
}
const isSliceSpec = (s: unknown): s is SliceSpec =>
  s !== null && typeof s === 'object' && !(s instanceof Tensor) && !('name' in s) && ('start' in s || 'stop' in s || 'step' in s);

const SLICE_PART = /^\s*(-?\d+)?\s*$/;

/**
 * Numpy-style indexing, as Python's `t[...]`, built as one `tf.stridedSlice`. Each spec entry is:
 *
 * - an integer `i`: takes element i of that dim and drops the dim (`t[0]`, `t[-1]`);
 * - a slice string `'start:stop:step'`, any part optional (`':'`, `'1:'`, `':-1'`, `'::2'`, `'::-1'`);
 * - `'...'`: as many full dims as needed (at most one);
 * - `tf.newaxis` (`null`): a new dim of size 1.
 *
 * So Python's `t[1:, ..., -1]` is `tf.index(t, '1:', '...', -1)`, `t[:, None, ::2]` is
 * `tf.index(t, ':', tf.newaxis, '::2')`. A trailing `{name}` object names the op.
 */
export function index(input: TensorLike, ...spec: (IndexSpec | { name?: string })[]): Tensor {
  let name: string | undefined;
  const last = spec[spec.length - 1];
  if (last !== null && typeof last === 'object' && !(last instanceof Tensor) && !isSliceSpec(last)) {
    name = (last as { name?: string }).name;
    spec = spec.slice(0, -1);
  }
  const begin: (number | Tensor)[] = [];
  const end: (number | Tensor)[] = [];
  const strides: (number | Tensor)[] = [];
  const m = { beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 };
  (spec as IndexSpec[]).forEach((s, i) => {
    const bit = 1 << i;
    if (s === null) {
      m.newAxisMask |= bit;
      begin.push(0); end.push(0); strides.push(1);
    } else if (typeof s === 'number') {
      if (!Number.isInteger(s)) throw new TypeError(`tf.index: an index must be an integer, got ${s}`);
      m.shrinkAxisMask |= bit;
      begin.push(s); end.push(s + 1); strides.push(1);
    } else if (isSliceSpec(s)) {
      const part = (v: number | Tensor | null | undefined, what: string): number | Tensor | null => {
        if (v === undefined || v === null) return null;
        if (v instanceof Tensor) return v;
        if (!Number.isInteger(v)) throw new TypeError(`tf.index: slice ${what} must be an integer or a scalar int tensor, got ${String(v)}`);
        return v;
      };
      const lo = part(s.start, 'start');
      const hi = part(s.stop, 'stop');
      const step = part(s.step, 'step') ?? 1;
      if (step === 0) throw new ValueError('tf.index: slice step cannot be zero');
      if (lo === null) m.beginMask |= bit;
      if (hi === null) m.endMask |= bit;
      begin.push(lo ?? 0); end.push(hi ?? 0); strides.push(step);
    } else if (s instanceof Tensor) {
      m.shrinkAxisMask |= bit;
      begin.push(s as never); end.push(0); strides.push(1);
    } else if (typeof s === 'string' && s.trim() === '...') {
      if (m.ellipsisMask) throw new ValueError('tf.index: at most one ellipsis (...) is allowed');
      m.ellipsisMask |= bit;
      begin.push(0); end.push(0); strides.push(1);
    } else if (typeof s === 'string' && s.includes(':')) {
      const parts = s.split(':');
      const ok = parts.length <= 3 && parts.every((p) => SLICE_PART.test(p));
      if (!ok) throw new TypeError(`tf.index: '${s}' is not a slice (expected 'start:stop:step' with integer parts, any of them empty)`);
      const [lo, hi, st] = parts.map((p) => (p.trim() === '' ? null : Number(p)));
      const step = st ?? 1;
      if (step === 0) throw new ValueError(`tf.index: slice step cannot be zero in '${s}'`);
      if (lo === null || lo === undefined) m.beginMask |= bit;
      if (hi === null || hi === undefined) m.endMask |= bit;
      begin.push(lo ?? 0); end.push(hi ?? 0); strides.push(step);
    } else {
      throw new TypeError(`tf.index: spec entry ${i} must be an integer, a slice string like '1:' or '::2', '...' or tf.newaxis (null), got ${JSON.stringify(s)}`);
    }
  });
  return stridedSlice(input, begin, end, strides, { ...m, name });
}

