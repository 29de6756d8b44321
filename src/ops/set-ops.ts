/**
 * TF1's index and set ops over 1-D tensors: `tf.unique`, `tf.uniqueWithCounts`, `tf.setdiff1d`
 * (TF's ListDiff), `tf.invertPermutation`, `tf.unravelIndex` and `tf.bincount`. Their outputs'
 * lengths depend on the values (unique, setdiff1d, bincount) or TF computes them in host memory
 * (InvertPermutation, UnravelIndex): all are host-stage ops (host-values.ts), with TF's
 * run-time checks and texts. `tf.bincount` with weights is TF 1.15's
 * `unsorted_segment_sum(weights, arr, output_size)`, whose size comes from the data: an
 * UnsortedSegmentSum whose num_segments depends on fed or computed data runs on the host too.
 */
import { kwargs } from '../args.js';
import { type DType, parseDType } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { registerHostOp } from '../session/host-stage.js';
import { type PartialShape, cShape, sizeOf } from '../shape.js';
import { shape as shapeOf, shapeFnError } from './array.js';
import { type TensorLike, isHostValue, toTensor } from './convert.js';
import { arrayOf, defineHostOp, fromData, valuesOf } from './host-values.js';
import { cast, greater, maximum, minimum, multiply, add, reduceMax, reduceProd } from './math.js';
import { makeOp, registerGradient, registerNoGradient } from './registry.js';
import { constant } from './core.js';

const asInt = (x: TensorLike, name: string): Tensor => toTensor(x, isHostValue(x) && !(x instanceof NDArray) ? 'int32' : undefined, name);
function indexType(d: unknown, param: string): DType {
  const t = d === undefined || d === null ? 'int32' : parseDType(d);
  if (t !== 'int32' && t !== 'int64') throw new TypeError(`Value for attr '${param}' of ${t} is not in the list of allowed values: int32, int64`);
  return t;
}
function rank1(s: PartialShape, name: string, type: string, shapes: PartialShape[]): void {
  if (s !== null && s.length !== 1) throw shapeFnError(`Shape must be rank 1 but is rank ${s.length}`, name, type, shapes);
}
const debugShape = (s: readonly number[]): string => cShape([...s]);

/** Value → key for the set ops: numbers as they are (0 and -0 alike, as C++'s ==). */
function keyed(a: NDArray): (number | string)[] {
  if (a.dtype === 'string') return Array.from(a.data as ArrayLike<unknown>, (v) => (typeof v === 'string' ? v : new TextDecoder().decode(v as Uint8Array)));
  return Array.from(a.data as ArrayLike<number>);
}
function pick(a: NDArray, positions: number[]): NDArray {
  if (a.dtype === 'string') {
    const src = a.data as unknown as ArrayLike<unknown>;
    return NDArray.fromStrings(positions.map((p) => src[p] as string | Uint8Array));
  }
  const d = a.data as ArrayLike<number>;
  const out = NDArray.zeros([positions.length], a.dtype);
  positions.forEach((p, i) => (out.data[i] = d[p]!));
  return out;
}

// ----- Unique / UniqueWithCounts ------------------------------------------------------------------
for (const withCounts of [false, true]) {
  const type = withCounts ? 'UniqueWithCounts' : 'Unique';
  defineHostOp<{ outIdx: DType }>({
    type,
    infer: ([x], a, name) => {
      rank1(x!.shape, name, type, [x!.shape]);
      const outs = [{ dtype: x!.dtype, shape: [null] as PartialShape }, { dtype: a.outIdx, shape: x!.shape ?? [null] }];
      if (withCounts) outs.push({ dtype: a.outIdx, shape: [null] });
      return outs;
    },
    run: ([x], a, op) => {
      if (x!.rank !== 1) throw new InvalidArgumentError('unique expects a 1D vector.', op.name);
      const keys = keyed(x!);
      const seen = new Map<number | string, number>();
      const first: number[] = [];
      const counts: number[] = [];
      const idx = keys.map((k, i) => {
        let j = seen.get(k);
        if (j === undefined) {
          j = first.length;
          seen.set(k, j);
          first.push(i);
          counts.push(0);
        }
        counts[j]!++;
        return j;
      });
      const outs = [pick(x!, first), arrayOf(idx, [idx.length], a.outIdx)];
      if (withCounts) outs.push(arrayOf(counts, [counts.length], a.outIdx));
      return outs;
    },
  });
}

/** `tf.unique(x, outIdx = tf.int32, name?)` → `[y, idx]`: the distinct values in order of first appearance, and each element's position in `y`. */
export function unique(x: TensorLike, outIdx?: DType | string | Record<string, unknown>, name?: string | Record<string, unknown>): [Tensor, Tensor] {
  const o = kwargs([x, outIdx, name], ['x', 'outIdx', 'name'], 'unique', 1);
  const t = toTensor(o.x as TensorLike);
  const op = makeOp(t.graph, 'Unique', [t], { outIdx: indexType(o.outIdx, 'out_idx') }, o.name as string | undefined, 'Unique');
  return [op.outputs[0]!, op.outputs[1]!];
}
/** `tf.uniqueWithCounts(x, outIdx = tf.int32, name?)` → `[y, idx, count]`. */
export function uniqueWithCounts(x: TensorLike, outIdx?: DType | string | Record<string, unknown>, name?: string | Record<string, unknown>): [Tensor, Tensor, Tensor] {
  const o = kwargs([x, outIdx, name], ['x', 'outIdx', 'name'], 'uniqueWithCounts', 1);
  const t = toTensor(o.x as TensorLike);
  const op = makeOp(t.graph, 'UniqueWithCounts', [t], { outIdx: indexType(o.outIdx, 'out_idx') }, o.name as string | undefined, 'UniqueWithCounts');
  return [op.outputs[0]!, op.outputs[1]!, op.outputs[2]!];
}

// ----- ListDiff (setdiff1d) ------------------------------------------------------------------------
defineHostOp<{ outIdx: DType }>({
  type: 'ListDiff',
  infer: ([x, y], a, name) => {
    if (x!.dtype !== y!.dtype) throw new TypeError(`Input 'y' of 'ListDiff' Op has type ${y!.dtype} that does not match type ${x!.dtype} of argument 'x'.`);
    rank1(x!.shape, name, 'ListDiff', [x!.shape, y!.shape]);
    rank1(y!.shape, name, 'ListDiff', [x!.shape, y!.shape]);
    return [{ dtype: x!.dtype, shape: [null] }, { dtype: a.outIdx, shape: [null] }];
  },
  run: ([x, y], a, op) => {
    if (x!.rank !== 1) throw new InvalidArgumentError(`x should be a 1D vector.`, op.name);
    if (y!.rank !== 1) throw new InvalidArgumentError(`y should be a 1D vector.`, op.name);
    const ys = new Set(keyed(y!));
    const keep: number[] = [];
    keyed(x!).forEach((k, i) => { if (!ys.has(k)) keep.push(i); });
    return [pick(x!, keep), arrayOf(keep, [keep.length], a.outIdx)];
  },
});
registerGradient('ListDiff', null);

/** `tf.setdiff1d(x, y, indexDtype = tf.int32, name?)` → `[out, idx]`: the values of `x` not in `y`, in order, and their positions in `x`. */
export function setdiff1d(x: TensorLike, y: TensorLike, indexDtype?: DType | string | Record<string, unknown>, name?: string | Record<string, unknown>): [Tensor, Tensor] {
  const o = kwargs([x, y, indexDtype, name], ['x', 'y', 'indexDtype', 'name'], 'setdiff1d', 2);
  const xt = toTensor(o.x as TensorLike, undefined, 'x');
  const yt = toTensor(o.y as TensorLike, xt.dtype, 'y');
  const op = makeOp(xt.graph, 'ListDiff', [xt, yt], { outIdx: indexType(o.indexDtype, 'out_idx') }, o.name as string | undefined, 'ListDiff');
  return [op.outputs[0]!, op.outputs[1]!];
}

// ----- InvertPermutation ---------------------------------------------------------------------------
defineHostOp({
  type: 'InvertPermutation',
  infer: ([x], _a, name) => {
    if (x!.dtype !== 'int32' && x!.dtype !== 'int64') throw new TypeError(`Value passed to parameter 'x' has DataType ${x!.dtype} not in list of allowed values: int32, int64`);
    rank1(x!.shape, name, 'InvertPermutation', [x!.shape]);
    return [{ dtype: x!.dtype, shape: x!.shape ?? [null] }];
  },
  run: ([x], _a, op) => {
    if (x!.rank !== 1) throw new InvalidArgumentError('invert_permutation expects a 1D vector.', op.name);
    const v = valuesOf(x!);
    const n = v.length;
    const out = new Float64Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      const d = v[i]!;
      if (!(d >= 0 && d < n)) throw new InvalidArgumentError(`${d} is not between 0 and ${n}`, op.name);
      if (out[d] !== -1) throw new InvalidArgumentError(`${d} is duplicated in the input.`, op.name);
      out[d] = i;
    }
    return [arrayOf(out, [n], x!.dtype)];
  },
});
registerGradient('InvertPermutation', null);

/** `tf.invertPermutation(x, name?)`: `y[x[i]] = i` for a permutation `x` of 0..n-1 (int32 or int64). */
export function invertPermutation(x: TensorLike, name?: string | Record<string, unknown>): Tensor {
  const o = kwargs([x, name], ['x', 'name'], 'invertPermutation', 1);
  const t = asInt(o.x as TensorLike, 'x');
  return makeOp(t.graph, 'InvertPermutation', [t], {}, o.name as string | undefined, 'InvertPermutation').outputs[0]!;
}

// ----- UnravelIndex --------------------------------------------------------------------------------
defineHostOp({
  type: 'UnravelIndex',
  infer: ([idx, dims], _a, name) => {
    if (idx!.dtype !== 'int32' && idx!.dtype !== 'int64') throw new TypeError(`Value passed to parameter 'indices' has DataType ${idx!.dtype} not in list of allowed values: int32, int64`);
    if (dims!.dtype !== idx!.dtype) throw new TypeError(`Input 'dims' of 'UnravelIndex' Op has type ${dims!.dtype} that does not match type ${idx!.dtype} of argument 'indices'.`);
    const s = idx!.shape;
    const d = dims!.shape;
    if (s !== null && s.length > 1) throw shapeFnError(`Shape must be at most rank 1 but is rank ${s.length}`, name, 'UnravelIndex', [s, d]);
    rank1(d, name, 'UnravelIndex', [s, d]);
    const n = d?.[0] ?? null;
    return [{ dtype: idx!.dtype, shape: s === null ? null : s.length === 0 ? [n] : [n, s[0]!] }];
  },
  run: ([idx, dims], _a, op) => {
    if (idx!.rank > 1) throw new InvalidArgumentError(`The indices can only be scalar or vector, got "${debugShape(idx!.shape)}"`, op.name);
    if (dims!.rank !== 1) throw new InvalidArgumentError(`The indices can only be 1-D, got "${debugShape(dims!.shape)}"`, op.name);
    const dv = valuesOf(dims!);
    const iv = valuesOf(idx!);
    const prod = dv.reduce((p, x) => p * x, 1);
    if (iv.some((v) => !(v >= 0 && v < prod))) throw new InvalidArgumentError('index is out of bound as with dims', op.name);
    const r = dv.length;
    const n = iv.length;
    const out = new Float64Array(r * n);
    for (let j = 0; j < n; j++) {
      let rest = iv[j]!;
      for (let k = r - 1; k >= 0; k--) {
        out[k * n + j] = rest % dv[k]!;
        rest = Math.floor(rest / dv[k]!);
      }
    }
    return [arrayOf(out, idx!.rank === 0 ? [r] : [r, n], idx!.dtype)];
  },
});

/** `tf.unravelIndex(indices, dims, name?)`: the coordinates of flat `indices` in an array of shape `dims`, `[len(dims)]` or `[len(dims), n]`. */
export function unravelIndex(indices: TensorLike, dims: TensorLike, name?: string | Record<string, unknown>): Tensor {
  const o = kwargs([indices, dims, name], ['indices', 'dims', 'name'], 'unravelIndex', 2);
  const i = asInt(o.indices as TensorLike, 'indices');
  const d = toTensor(o.dims as TensorLike, i.dtype, 'dims');
  return makeOp(i.graph, 'UnravelIndex', [i, d], {}, o.name as string | undefined, 'UnravelIndex').outputs[0]!;
}

// ----- Bincount ------------------------------------------------------------------------------------
const BINCOUNT_T: readonly DType[] = ['int32', 'int64', 'float32', 'float64'];
defineHostOp({
  type: 'Bincount',
  infer: ([arr, size, w], _a, name) => {
    if (arr!.dtype !== 'int32') throw new TypeError(`Value passed to parameter 'arr' has DataType ${arr!.dtype} not in list of allowed values: int32`);
    if (!BINCOUNT_T.includes(w!.dtype)) throw new TypeError(`Value passed to parameter 'weights' has DataType ${w!.dtype} not in list of allowed values: int32, int64, float32, float64`);
    if (size!.shape !== null && size!.shape.length !== 0) throw shapeFnError(`Shape must be rank 0 but is rank ${size!.shape.length}`, name, 'Bincount', [arr!.shape, size!.shape, w!.shape]);
    const c = size!.op.type === 'Const' ? Number((size!.op.attrs.value as NDArray).data[0]) : null;
    return [{ dtype: w!.dtype, shape: [c] }];
  },
  run: ([arr, size, w], _a, op) => {
    if (size!.rank !== 0) throw new InvalidArgumentError(`Shape must be rank 0 but is rank ${size!.rank}`, op.name);
    const n = Number(size!.data[0]);
    if (n < 0) throw new InvalidArgumentError(`size (${n}) must be non-negative`, op.name);
    const a = valuesOf(arr!);
    const wv = valuesOf(w!);
    if (wv.length > 0 && wv.length !== a.length) {
      throw new InvalidArgumentError(`Input arr and weights must have the same number of elements, got ${a.length} and ${wv.length}`, op.name);
    }
    if (a.some((v) => v < 0)) throw new InvalidArgumentError('Input arr must be non-negative!', op.name);
    const out = new Float64Array(n);
    for (let i = 0; i < a.length; i++) if (a[i]! < n) out[a[i]!] += wv.length > 0 ? wv[i]! : 1;
    return [arrayOf(out, [n], w!.dtype)];
  },
});

// An UnsortedSegmentSum whose num_segments comes from data (tf.bincount's weighted form): on the host.
const hostSegmentSum = new WeakMap<Operation, boolean>();
registerHostOp(
  'UnsortedSegmentSum',
  function* (op, [data, ids, num]) {
    const n = Number(num!.data[0]);
    if (ids!.rank > data!.rank || ids!.shape.some((d, i) => d !== data!.shape[i])) {
      throw new InvalidArgumentError(`data.shape = ${debugShape(data!.shape)} does not start with segment_ids.shape = ${debugShape(ids!.shape)}`, op.name);
    }
    if (n < 0) throw new InvalidArgumentError(`Input num_segments == ${n} must not be negative.`, op.name);
    const inner = data!.shape.slice(ids!.rank);
    const w = sizeOf(inner);
    const iv = valuesOf(ids!);
    const dv = valuesOf(data!);
    const out = new Float64Array(n * w);
    for (let i = 0; i < iv.length; i++) {
      const j = iv[i]!;
      if (j < 0) continue;
      if (j >= n) {
        const pos: number[] = [];
        for (let d = ids!.rank - 1, r = i; d >= 0; d--) { pos.unshift(r % ids!.shape[d]!); r = Math.floor(r / ids!.shape[d]!); }
        throw new InvalidArgumentError(`segment_ids[${pos.join(',')}] = ${j} is out of range [0, ${n})`, op.name);
      }
      for (let k = 0; k < w; k++) out[j * w + k] += dv[i * w + k]!;
    }
    return [arrayOf(out, [n, ...inner], data!.dtype)];
  },
  {
    when: (op) => {
      let r = hostSegmentSum.get(op);
      if (r === undefined) hostSegmentSum.set(op, (r = op.attrs.numSegments === null && op.inputs.length === 3 && fromData(op.inputs[2]!)));
      return r;
    },
  },
);

/**
 * `tf.bincount(arr, weights?, minlength?, maxlength?, dtype = tf.int32)`: how often each value
 * of the int32 `arr` occurs (or the sum of its `weights`), `max(arr) + 1` bins (0 when `arr` is
 * empty) clipped to [minlength, maxlength]; TF 1.15's composition.
 */
export function bincount(
  arr: TensorLike, weights?: TensorLike | null | Record<string, unknown>, minlength?: number | Tensor | null | Record<string, unknown>,
  maxlength?: number | Tensor | null | Record<string, unknown>, dtype?: DType | string | Record<string, unknown>,
): Tensor {
  const o = kwargs([arr, weights, minlength, maxlength, dtype], ['arr', 'weights', 'minlength', 'maxlength', 'dtype', 'name'], 'bincount', 1);
  const a0 = toTensor(o.arr as TensorLike, 'int32', 'arr');
  return a0.graph.nameScope((o.name as string | undefined) ?? 'bincount', () => {
    const a = a0.dtype === 'int32' ? a0 : (() => { throw new TypeError(`bincount: arr must be int32, got ${a0.dtype}`); })();
    const nonEmpty = greater(reduceProd(shapeOf(a)), 0);
    let size = multiply(cast(nonEmpty, 'int32'), add(reduceMax(a), 1));
    if (o.minlength !== undefined && o.minlength !== null) size = maximum(toTensor(o.minlength as TensorLike, 'int32', 'minlength'), size);
    if (o.maxlength !== undefined && o.maxlength !== null) size = minimum(toTensor(o.maxlength as TensorLike, 'int32', 'maxlength'), size);
    if (o.weights !== undefined && o.weights !== null) {
      const w = toTensor(o.weights as TensorLike, undefined, 'weights');
      return makeOp(a.graph, 'UnsortedSegmentSum', [w, a, size], { numSegments: null }, undefined, 'UnsortedSegmentSum').outputs[0]!;
    }
    const dt = o.dtype === undefined || o.dtype === null ? 'int32' : parseDType(o.dtype);
    const empty = constant(NDArray.zeros([0], dt));
    return makeOp(a.graph, 'Bincount', [a, size, empty], {}, undefined, 'Bincount').outputs[0]!;
  });
}

// Not differentiable, as TF declares them; no gradient (TF registers none) for Unique and UniqueWithCounts
for (const t of ['UnravelIndex', 'Bincount']) registerGradient(t, null);
for (const t of ['Unique', 'UniqueWithCounts']) registerNoGradient(t);
