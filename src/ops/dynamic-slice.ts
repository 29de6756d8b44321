/**
 * `tf.slice` and `tf.stridedSlice` whose begin is a tensor (or a list holding scalar tensors),
 * known only when the graph runs. Plans have static shapes, so what such a slice takes must
 * have a size known when the graph is built: `tf.slice` with static `size` entries, and
 * `tf.stridedSlice` entries that shrink their axis (`t[:, i]` with a tensor `i`). Each sliced
 * dimension is a gather of `begin[d] + range(size[d])` (negative indices counted from the end,
 * as TF), so gradients flow as the gathers'.
 */
import { ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { gather, shape as shapeOf } from './array.js';
import { type TensorLike, isConvertible, toTensor } from './convert.js';
import { add, cast, less, where } from './math.js';
import { range } from './array.js';

/** Does a begin/end/size argument hold a tensor? */
export function holdsTensor(v: unknown): boolean {
  if (v instanceof Tensor || isConvertible(v)) return true;
  return Array.isArray(v) && v.some((e) => e instanceof Tensor || isConvertible(e));
}

/** Entry `d` of a begin/size argument: a number, or an int32 scalar tensor. */
function entry(v: unknown, d: number, what: string): number | Tensor {
  if (v instanceof Tensor || isConvertible(v)) return cast(gather(toTensor(v as TensorLike), d), 'int32');
  if (!Array.isArray(v)) throw new TypeError(`${what} must be a list of integers or scalar tensors, or a 1-D tensor`);
  const e = v[d];
  if (typeof e === 'number') {
    if (!Number.isInteger(e)) throw new TypeError(`${what} entries must be integers, got ${e}`);
    return e;
  }
  if (e instanceof Tensor || isConvertible(e)) return cast(toTensor(e as TensorLike), 'int32');
  throw new TypeError(`${what}[${d}] must be an integer or a scalar tensor, got ${String(e)}`);
}

function lengthOf(v: unknown, what: string): number {
  if (Array.isArray(v)) return v.length;
  const t = toTensor(v as TensorLike);
  const n = t.shape?.length === 1 ? t.shape[0] : null;
  if (n === null || n === undefined) throw new ValueError(`${what} must be a 1-D tensor of known length`);
  return n;
}

/** An index counted from the end when negative (TF's canonical form). */
function canonical(b: number | Tensor, dim: number | Tensor): Tensor {
  const t = typeof b === 'number' ? toTensor(b, 'int32') : b;
  return where(less(t, 0), add(t, dim), t);
}

function dimOf(x: Tensor, d: number): number | Tensor {
  return x.shape?.[d] ?? gather(shapeOf(x), d);
}

/** `tf.slice(x, begin, size)` with a begin known at run time; every size is a number (-1: the rest of a dim of known size). */
export function dynamicSlice(x: Tensor, begin: unknown, size: unknown, name?: string): Tensor {
  const r = x.shape?.length;
  if (r === undefined) throw new ValueError('tf.slice with a tensor begin needs an input of known rank');
  if (lengthOf(begin, 'begin') !== r || lengthOf(size, 'size') !== r) throw new ValueError(`Expected begin and size to have ${r} entries, the rank of the input`);
  return x.graph.nameScope(name ?? 'Slice', () => {
    let out = x;
    for (let d = 0; d < r; d++) {
      const b = entry(begin, d, 'begin');
      let s = entry(size, d, 'size');
      if (s instanceof Tensor) throw new ValueError('tf.slice with a tensor begin needs sizes known when the graph is built (plans have static shapes)');
      if (typeof b === 'number' && b === 0 && (s === -1 || s === x.shape![d])) continue;
      if (s === -1) {
        const full = x.shape![d];
        if (full === null || full === undefined || typeof b !== 'number') throw new ValueError('tf.slice: a size of -1 with a tensor begin needs both known when the graph is built');
        s = full - b;
      }
      const idx = typeof b === 'number' ? range(b, b + s) : add(b, range(0, s));
      out = gather(out, idx, { axis: d });
    }
    return out;
  });
}

/**
 * `tf.stridedSlice` whose begin holds tensors: the entries with a tensor must shrink their axis
 * (each takes one index); the others must be static (they are sliced as usual before). Returns
 * null when `begin` holds no tensor.
 */
export function dynamicShrinkIndices(x: Tensor, begin: unknown, shrinkAxisMask: number, ellipsisMask: number, newAxisMask: number): { staticBegin: number[]; picks: { entry: number; index: Tensor }[] } | null {
  if (!holdsTensor(begin)) return null;
  if (!Array.isArray(begin)) throw new ValueError('tf.stridedSlice with a tensor begin: give begin as a list whose tensor entries shrink their axis');
  const picks: { entry: number; index: Tensor }[] = [];
  const staticBegin = begin.map((e, i) => {
    if (typeof e === 'number') return e;
    if (!(shrinkAxisMask & (1 << i)) || ellipsisMask & (1 << i) || newAxisMask & (1 << i)) {
      throw new ValueError(`tf.stridedSlice: begin[${i}] is a tensor, so its end depends on values known only when the graph runs; only entries that shrink their axis (shrink_axis_mask, t[:, i]) may be tensors (plans have static shapes)`);
    }
    picks.push({ entry: i, index: cast(toTensor(e as TensorLike), 'int32') });
    return 0;
  });
  void x;
  return { staticBegin, picks };
}

/** Gather index `i` (negative from the end) of axis `axis` of `x`, dropping the axis. */
export function pickIndex(x: Tensor, axis: number, i: Tensor): Tensor {
  return gather(x, canonical(i, dimOf(x, axis)), { axis });
}
