/**
 * TF1's sparse ops over `tf.SparseTensor`s, with TF's op types and gradients (sparse_grad.py):
 * SparseAdd (+ SparseAddGrad), SparseTensorDenseAdd, SparseReduceSum / SparseReduceMax (and
 * their `…Sparse` forms), SparseReshape, SparseReorder, SparseSlice (+ SparseSliceGrad),
 * SparseConcat, SparseFillEmptyRows (+ SparseFillEmptyRowsGrad), SparseSoftmax,
 * SparseDenseCwiseAdd, SparseSparseMaximum / SparseSparseMinimum and SparseSplit; and the
 * Python-level functions built from them (sparse.retain, transpose, expandDims, eye,
 * toIndicator, sparseMask).
 *
 * Their output sizes depend on the indices' values, so they are host-stage ops (host-values.ts):
 * a run evaluates them in JS before the device plan, on every device. Where the dense shape of a
 * result follows from constants when the graph is built, the returned SparseTensor carries it as a
 * constant (so `tf.sparse.toDense` of it works); the op's shape output holds the same value.
 * Indices are int64 [N, rank] in row-major (canonical) order where TF's kernels need it.
 */
import { kwargs } from '../args.js';
import type { DType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { nameScope } from '../graph/context.js';
import { NDArray } from '../ndarray.js';
import type { PartialShape } from '../shape.js';
import { concat, expandDims, gather, onesLike, reshape, shape as shapeOf, slice, transpose } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import { arrayOf, defineHostOp, valuesOf } from './host-values.js';
import { IndexedSlices } from './indexed-slices.js';
import { cast, greater, multiply, negative, subtract, where } from './math.js';
import { cumsum } from './scan.js';
import { range } from './array.js';
import { makeOp, registerGradient, registerNoGradient } from './registry.js';
import { gatherNd } from './scatter-nd.js';
import { setdiff1d, invertPermutation } from './set-ops.js';
import { SparseTensor, SparseTensorValue, sparseTensorToDense } from './sparse-tensor.js';

type Sp = SparseTensor | SparseTensorValue;
const sp = (x: Sp): SparseTensor => (x instanceof SparseTensor ? x : SparseTensor.fromValue(x));
const constOf = (t: Tensor): number[] | null => (t.op.type === 'Const' ? Array.from((t.op.attrs.value as NDArray).data as ArrayLike<number>, Number) : null);
const i64 = (v: readonly number[]): Tensor => toTensor(new NDArray(Float64Array.from(v), [v.length], 'int64'));
const T64 = (t: Tensor, param: string, op: string): void => {
  if (t.dtype !== 'int64') throw new TypeError(`Input '${param}' of '${op}' Op has type ${t.dtype} that does not match expected type of int64.`);
};

// ----- host-side helpers ----------------------------------------------------------------------------
interface HostSp {
  idx: Float64Array;
  vals: Float64Array;
  shape: number[];
  n: number;
  rank: number;
}
function hostSp(i: NDArray, v: NDArray, s: NDArray, op: Operation): HostSp {
  if (i.rank !== 2) throw new InvalidArgumentError(`Input indices should be a matrix but received shape ${i.shape.length ? `[${i.shape.join(',')}]` : '[]'}`, op.name);
  if (v.rank !== 1) throw new InvalidArgumentError(`Input values should be a vector but received shape [${v.shape.join(',')}]`, op.name);
  if (s.rank !== 1) throw new InvalidArgumentError(`Input shape should be a vector but received shape [${s.shape.join(',')}]`, op.name);
  const shape = Array.from(valuesOf(s));
  const [n, rank] = i.shape as [number, number];
  if (v.shape[0] !== n) throw new InvalidArgumentError(`Expected ${n} non-empty input values, got ${v.shape[0]}`, op.name);
  if (rank !== shape.length) throw new InvalidArgumentError(`Expected rank ${rank} shape, got ${shape.length}`, op.name);
  return { idx: valuesOf(i), vals: valuesOf(v), shape, n, rank };
}
const rowOf = (h: { idx: Float64Array; rank: number }, k: number): number[] => Array.from(h.idx.subarray(k * h.rank, (k + 1) * h.rank));
const keyOf = (row: readonly number[]): string => row.join(',');
function cmpRows(a: readonly number[], b: readonly number[]): number {
  for (let d = 0; d < a.length; d++) if (a[d] !== b[d]) return a[d]! - b[d]!;
  return 0;
}
const idxArray = (rows: number[][], rank: number): NDArray => arrayOf(rows.flat(), [rows.length, rank], 'int64');
const shapeArray = (s: readonly number[]): NDArray => arrayOf(s, [s.length], 'int64');

const spOuts = (dtype: DType, rank: number | null, n: number | null = null) => [
  { dtype: 'int64' as DType, shape: [n, rank] as PartialShape },
  { dtype, shape: [n] as PartialShape },
  { dtype: 'int64' as DType, shape: [rank] as PartialShape },
];
const rankOf = (shapeT: Tensor): number | null => shapeT.shape?.[0] ?? null;
/** A SparseTensor of an op's three outputs from `first`, with `staticShape` as a constant dense shape when known. */
function spFrom(op: Operation, first: number, staticShape: number[] | null): SparseTensor {
  return new SparseTensor(op.outputs[first]!, op.outputs[first + 1]!, staticShape ? i64(staticShape) : op.outputs[first + 2]!);
}

// ----- SparseAdd ------------------------------------------------------------------------------------
defineHostOp({
  type: 'SparseAdd',
  infer: ([ai, av, as, bi, bv, bs]) => {
    [ai, as, bi, bs].forEach((t, k) => T64(t!, ['a_indices', 'a_shape', 'b_indices', 'b_shape'][k]!, 'SparseAdd'));
    if (bv!.dtype !== av!.dtype) throw new TypeError(`Input 'b_values' of 'SparseAdd' Op has type ${bv!.dtype} that does not match type ${av!.dtype} of argument 'a_values'.`);
    return spOuts(av!.dtype, rankOf(as!) ?? rankOf(bs!));
  },
  run: ([ai, av, as, bi, bv, bs, th], _a, op) => {
    const a = hostSp(ai!, av!, as!, op);
    const b = hostSp(bi!, bv!, bs!, op);
    if (a.shape.join() !== b.shape.join()) {
      throw new InvalidArgumentError(`Operands do not have the same ranks; got shapes: [${a.shape.join(',')}] and [${b.shape.join(',')}]`, op.name);
    }
    const thresh = Math.abs(Number(valuesOf(th!)[0]));
    const rows: number[][] = [];
    const vals: number[] = [];
    let i = 0;
    let j = 0;
    const emit = (r: number[], v: number) => {
      if (Math.abs(v) >= thresh) {
        rows.push(r);
        vals.push(v);
      }
    };
    while (i < a.n || j < b.n) {
      const ra = i < a.n ? rowOf(a, i) : null;
      const rb = j < b.n ? rowOf(b, j) : null;
      const c = ra === null ? 1 : rb === null ? -1 : cmpRows(ra, rb);
      if (c < 0) emit(ra!, a.vals[i++]!);
      else if (c > 0) emit(rb!, b.vals[j++]!);
      else emit(ra!, a.vals[i++]! + b.vals[j++]!);
    }
    return [idxArray(rows, a.rank), arrayOf(vals, [vals.length], av!.dtype), shapeArray(a.shape)];
  },
});
defineHostOp({
  type: 'SparseAddGrad',
  infer: ([g, ai, bi]) => [{ dtype: g!.dtype, shape: [ai!.shape?.[0] ?? null] }, { dtype: g!.dtype, shape: [bi!.shape?.[0] ?? null] }],
  run: ([g, ai, bi, si]) => {
    const gv = valuesOf(g!);
    const rank = si!.shape[1]!;
    const pos = new Map<string, number>();
    const s = { idx: valuesOf(si!), rank };
    for (let k = 0; k < si!.shape[0]!; k++) pos.set(keyOf(rowOf(s, k)), k);
    const pick = (x: NDArray) => {
      const h = { idx: valuesOf(x), rank };
      const n = x.shape[0]!;
      return arrayOf(Array.from({ length: n }, (_, k) => {
        const p = pos.get(keyOf(rowOf(h, k)));
        return p === undefined ? 0 : gv[p]!;
      }), [n], g!.dtype);
    };
    return [pick(ai!), pick(bi!)];
  },
});
registerGradient('SparseAddGrad', null);
registerGradient('SparseAdd', (op, [, gv]) => {
  if (!gv) return [null, null, null, null, null, null, null];
  const g = makeOp(op.graph, 'SparseAddGrad', [gv, op.inputs[0]!, op.inputs[3]!, op.outputs[0]!], {}, undefined, 'SparseAddGrad');
  return [null, g.outputs[0]!, null, null, g.outputs[1]!, null, null];
});

// ----- SparseTensorDenseAdd -------------------------------------------------------------------------
defineHostOp({
  type: 'SparseTensorDenseAdd',
  infer: ([ai, av, , b]) => {
    if (b!.dtype !== av!.dtype) throw new TypeError(`Input 'b' of 'SparseTensorDenseAdd' Op has type ${b!.dtype} that does not match type ${av!.dtype} of argument 'a_values'.`);
    if (ai!.dtype !== 'int32' && ai!.dtype !== 'int64') throw new TypeError(`Value passed to parameter 'a_indices' has DataType ${ai!.dtype} not in list of allowed values: int32, int64`);
    return [{ dtype: b!.dtype, shape: b!.shape }];
  },
  run: ([ai, av, as, b], _a, op) => {
    const a = hostSp(ai!, av!, as!, op);
    if (a.shape.join() !== b!.shape.join()) {
      throw new InvalidArgumentError(`Dimension mismatch: a_shape ([${a.shape.join(',')}]) and b.shape ([${b!.shape.join(',')}]) do not match`, op.name);
    }
    const out = valuesOf(b!);
    for (let k = 0; k < a.n; k++) {
      const r = rowOf(a, k);
      let flat = 0;
      for (let d = 0; d < a.rank; d++) {
        if (r[d]! < 0 || r[d]! >= a.shape[d]!) throw new InvalidArgumentError('Provided indices are out-of-bounds w.r.t. dense side with broadcasted shape', op.name);
        flat = flat * a.shape[d]! + r[d]!;
      }
      out[flat] += a.vals[k]!;
    }
    return [arrayOf(out, b!.shape, b!.dtype)];
  },
});
registerGradient('SparseTensorDenseAdd', (op, [g]) => (g ? [null, gatherNd(g, op.inputs[0]!), null, g] : [null, null, null, null]));

// ----- SparseDenseCwiseAdd (dense broadcast to the sparse shape) ------------------------------------
defineHostOp({
  type: 'SparseDenseCwiseAdd',
  infer: ([, av, , d]) => {
    if (d!.dtype !== av!.dtype) throw new TypeError(`Input 'dense' of 'SparseDenseCwiseAdd' Op has type ${d!.dtype} that does not match type ${av!.dtype} of argument 'sp_values'.`);
    return [{ dtype: av!.dtype, shape: av!.shape }];
  },
  run: ([ai, av, as, d], _a, op) => {
    const a = hostSp(ai!, av!, as!, op);
    const ds = d!.shape;
    if (ds.length > a.rank) throw new InvalidArgumentError(`Input dense has rank ${ds.length} but the sparse input has rank ${a.rank}`, op.name);
    const off = a.rank - ds.length;
    ds.forEach((x, k) => {
      if (x !== 1 && x !== a.shape[off + k]) {
        throw new InvalidArgumentError(`SparseDenseBinaryOpShared broadcasts dense to sparse only; got incompatible shapes: [${a.shape.join(',')}] vs. [${ds.join(',')}]`, op.name);
      }
    });
    const dv = valuesOf(d!);
    const out = Float64Array.from(a.vals);
    for (let k = 0; k < a.n; k++) {
      let flat = 0;
      for (let q = 0; q < ds.length; q++) flat = flat * ds[q]! + (ds[q] === 1 ? 0 : a.idx[k * a.rank + off + q]!);
      out[k] += dv[flat]!;
    }
    return [arrayOf(out, [a.n], av!.dtype)];
  },
});
registerNoGradient('SparseDenseCwiseAdd');

// ----- SparseReduceSum / SparseReduceMax (dense and sparse outputs) ---------------------------------
function reduceAxes(ax: NDArray, rank: number, op: Operation): Set<number> {
  const out = new Set<number>();
  for (const a of valuesOf(ax)) {
    if (a < -rank || a >= rank) throw new InvalidArgumentError(`Invalid reduction dimension ${a}, for input with ${rank} dimensions.`, op.name);
    out.add(a < 0 ? a + rank : a);
  }
  return out;
}
function reduceHost(h: HostSp, axes: Set<number>, max: boolean): { keys: number[][]; vals: number[]; keptShape: number[] } {
  const keptShape = h.shape.map((d, k) => (axes.has(k) ? 1 : d));
  const groups = new Map<string, { row: number[]; v: number }>();
  for (let k = 0; k < h.n; k++) {
    const row = rowOf(h, k).map((x, d) => (axes.has(d) ? 0 : x));
    const key = keyOf(row);
    const g = groups.get(key);
    const v = h.vals[k]!;
    if (!g) groups.set(key, { row, v });
    else g.v = max ? Math.max(g.v, v) : g.v + v;
  }
  const entries = [...groups.values()].sort((a, b) => cmpRows(a.row, b.row));
  return { keys: entries.map((e) => e.row), vals: entries.map((e) => e.v), keptShape };
}
function reducedShape(inShape: number[] | null, axes: number[] | null, keep: boolean): number[] | null {
  if (!inShape || !axes) return null;
  const r = inShape.length;
  const set = new Set(axes.map((a) => (a < 0 ? a + r : a)));
  return inShape.flatMap((d, k) => (set.has(k) ? (keep ? [1] : []) : [d]));
}
for (const [type, max] of [['SparseReduceSum', false], ['SparseReduceMax', true]] as const) {
  defineHostOp<{ keepDims: boolean }>({
    type,
    infer: ([, v, s, ax], a) => {
      const shp = reducedShape(constOf(s!), constOf(ax!), a.keepDims);
      return [{ dtype: v!.dtype, shape: shp }];
    },
    run: ([i, v, s, ax], a, op) => {
      const h = hostSp(i!, v!, s!, op);
      const axes = reduceAxes(ax!, h.rank, op);
      const r = reduceHost(h, axes, max);
      const size = r.keptShape.reduce((p, d) => p * d, 1);
      const out = new Float64Array(size).fill(max ? -Infinity : 0);
      r.keys.forEach((row, k) => {
        let flat = 0;
        row.forEach((x, d) => (flat = flat * r.keptShape[d]! + x));
        out[flat] = r.vals[k]!;
      });
      const shape = a.keepDims ? r.keptShape : h.shape.filter((_, d) => !axes.has(d));
      return [arrayOf(out, shape, v!.dtype)];
    },
  });
  defineHostOp<{ keepDims: boolean }>({
    type: `${type}Sparse`,
    infer: ([, v, s]) => spOuts(v!.dtype, null),
    run: ([i, v, s, ax], a, op) => {
      const h = hostSp(i!, v!, s!, op);
      const axes = reduceAxes(ax!, h.rank, op);
      const r = reduceHost(h, axes, max);
      const keepDim = (d: number) => a.keepDims || !axes.has(d);
      const rows = r.keys.map((row) => row.filter((_, d) => keepDim(d)));
      const shape = r.keptShape.filter((_, d) => keepDim(d));
      return [idxArray(rows, shape.length), arrayOf(r.vals, [r.vals.length], v!.dtype), shapeArray(shape)];
    },
  });
  registerGradient(`${type}Sparse`, null);
}
registerNoGradient('SparseReduceMax');
// sparse_grad.py's _SparseReduceSumGrad: the output gradient gathered back at each entry's reduced index.
registerGradient('SparseReduceSum', (op, [g]) => {
  if (!g) return [null, null, null, null];
  const inShape = constOf(op.inputs[2]!);
  const axes = constOf(op.inputs[3]!);
  if (!inShape || !axes) throw new ValueError('the gradient of SparseReduceSum needs the dense shape and the reduction axes known when the graph is built');
  const r = inShape.length;
  const set = new Set(axes.map((a) => (a < 0 ? a + r : a)));
  const kept = reshape(g, inShape.map((d, k) => (set.has(k) ? 1 : d)));
  const mask = toTensor(new NDArray(Float64Array.from(inShape, (_, k) => (set.has(k) ? 0 : 1)), [r], 'int64'));
  return [null, gatherNd(kept, multiply(op.inputs[0]!, mask)), null, null];
});

// ----- SparseReshape --------------------------------------------------------------------------------
defineHostOp({
  type: 'SparseReshape',
  infer: ([i, s, ns]) => {
    [i, s, ns].forEach((t, k) => T64(t!, ['input_indices', 'input_shape', 'new_shape'][k]!, 'SparseReshape'));
    const r = ns!.shape?.[0] ?? null;
    return [{ dtype: 'int64', shape: [i!.shape?.[0] ?? null, r] }, { dtype: 'int64', shape: [r] }];
  },
  run: ([i, s, ns], _a, op) => {
    const inShape = Array.from(valuesOf(s!));
    const want = Array.from(valuesOf(ns!));
    const total = inShape.reduce((p, d) => p * d, 1);
    const unknown = want.filter((d) => d === -1).length;
    if (unknown > 1) throw new InvalidArgumentError(`only one output dimension may be -1, not both ${want.indexOf(-1)} and ${want.lastIndexOf(-1)}`, op.name);
    const known = want.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
    const out = want.map((d) => {
      if (d !== -1) return d;
      if (known === 0 || total % known !== 0) throw new InvalidArgumentError(`Input to reshape is a SparseTensor with ${total} dense values, but the requested shape requires a multiple of ${known}. inputShape=[${inShape.join(',')}] outputShape=[${want.join(',')}]`, op.name);
      return total / known;
    });
    const outTotal = out.reduce((p, d) => p * d, 1);
    if (outTotal !== total) throw new InvalidArgumentError(`Input to reshape is a tensor with ${total} dense values, but the requested shape has ${outTotal}. inputShape=[${inShape.join(',')}] outputShape=[${out.join(',')}]`, op.name);
    const [n, r] = i!.shape as [number, number];
    const iv = valuesOf(i!);
    const rows: number[][] = [];
    for (let k = 0; k < n; k++) {
      let flat = 0;
      for (let d = 0; d < r; d++) flat = flat * inShape[d]! + iv[k * r + d]!;
      const row = new Array<number>(out.length);
      for (let d = out.length - 1; d >= 0; d--) {
        row[d] = flat % out[d]!;
        flat = Math.floor(flat / out[d]!);
      }
      rows.push(row);
    }
    return [idxArray(rows, out.length), shapeArray(out)];
  },
});
registerGradient('SparseReshape', null);

// ----- SparseReorder --------------------------------------------------------------------------------
defineHostOp({
  type: 'SparseReorder',
  infer: ([i, v]) => [{ dtype: 'int64', shape: i!.shape }, { dtype: v!.dtype, shape: v!.shape }],
  run: ([i, v, s], _a, op) => {
    const h = hostSp(i!, v!, s!, op);
    const order = [...Array(h.n).keys()].sort((x, y) => cmpRows(rowOf(h, x), rowOf(h, y)) || x - y);
    return [idxArray(order.map((k) => rowOf(h, k)), h.rank), arrayOf(order.map((k) => h.vals[k]!), [h.n], v!.dtype)];
  },
});
// sparse_grad.py's _SparseReorderGrad: the inverse of the reordering permutation, found by reordering entry numbers.
registerGradient('SparseReorder', (op, [, g]) => {
  if (!g) return [null, null, null];
  const [ind, , shp] = op.inputs as [Tensor, Tensor, Tensor];
  const n = ind.shape?.[0] ?? g.shape?.[0] ?? null;
  // Entry numbers 0..n-1 (a constant when n is known when the graph is built).
  const entries = n !== null ? toTensor(new NDArray(Int32Array.from({ length: n }, (_, k) => k), [n], 'int32')) : subtract(cumsum(onesLike(cast(gather(ind, 0, { axis: 1 }), 'int32'))), 1);
  const ordered = makeOp(op.graph, 'SparseReorder', [ind, entries, shp], {}, undefined, 'SparseReorder').outputs[1]!;
  return [null, gather(g, invertPermutation(ordered)), null];
});

// ----- SparseSlice ----------------------------------------------------------------------------------
defineHostOp({
  type: 'SparseSlice',
  infer: ([i, v, s]) => spOuts(v!.dtype, rankOf(s!) ?? i!.shape?.[1] ?? null),
  run: ([i, v, s, st, sz], _a, op) => {
    const h = hostSp(i!, v!, s!, op);
    const start = Array.from(valuesOf(st!));
    const size = Array.from(valuesOf(sz!));
    if (start.length !== h.rank || size.length !== h.rank) {
      throw new InvalidArgumentError(`Expected start and size to have the rank of the input (${h.rank}), got ${start.length} and ${size.length}`, op.name);
    }
    const outShape = h.shape.map((d, k) => Math.max(0, Math.min(start[k]! + size[k]!, d) - start[k]!));
    const rows: number[][] = [];
    const vals: number[] = [];
    for (let k = 0; k < h.n; k++) {
      const r = rowOf(h, k);
      if (r.every((x, d) => x >= start[d]! && x < start[d]! + outShape[d]!)) {
        rows.push(r.map((x, d) => x - start[d]!));
        vals.push(h.vals[k]!);
      }
    }
    return [idxArray(rows, h.rank), arrayOf(vals, [vals.length], v!.dtype), shapeArray(outShape)];
  },
});
defineHostOp({
  type: 'SparseSliceGrad',
  infer: ([g, ii]) => [{ dtype: g!.dtype, shape: [ii!.shape?.[0] ?? null] }],
  run: ([g, ii, st, oi]) => {
    const gv = valuesOf(g!);
    const rank = ii!.shape[1]!;
    const start = Array.from(valuesOf(st!));
    const o = { idx: valuesOf(oi!), rank };
    const pos = new Map<string, number>();
    for (let k = 0; k < oi!.shape[0]!; k++) pos.set(keyOf(rowOf(o, k).map((x, d) => x + start[d]!)), k);
    const h = { idx: valuesOf(ii!), rank };
    const n = ii!.shape[0]!;
    return [arrayOf(Array.from({ length: n }, (_, k) => {
      const p = pos.get(keyOf(rowOf(h, k)));
      return p === undefined ? 0 : gv[p]!;
    }), [n], g!.dtype)];
  },
});
registerGradient('SparseSliceGrad', null);
registerGradient('SparseSlice', (op, [, g]) => {
  if (!g) return [null, null, null, null, null];
  const vg = makeOp(op.graph, 'SparseSliceGrad', [g, op.inputs[0]!, op.inputs[3]!, op.outputs[0]!], {}, undefined, 'SparseSliceGrad').outputs[0]!;
  return [null, vg, null, null, null];
});

// ----- SparseConcat ---------------------------------------------------------------------------------
defineHostOp<{ concatDim: number; N: number }>({
  type: 'SparseConcat',
  infer: (ins, a) => {
    const v = ins[a.N]!;
    return spOuts(v.dtype, rankOf(ins[2 * a.N]!));
  },
  run: (ins, a, op) => {
    const N = a.N;
    const parts = Array.from({ length: N }, (_, k) => hostSp(ins[k]!, ins[N + k]!, ins[2 * N + k]!, op));
    const rank = parts[0]!.rank;
    const cd = a.concatDim < 0 ? a.concatDim + rank : a.concatDim;
    if (cd < 0 || cd >= rank) throw new InvalidArgumentError(`Concat dimension must be in range [${-rank}, ${rank}), got ${a.concatDim}`, op.name);
    const shape = [...parts[0]!.shape];
    parts.forEach((p, k) => {
      if (p.rank !== rank) throw new InvalidArgumentError(`Ranks of all input tensors must match: expected ${rank} but got ${p.rank} at position ${k}`, op.name);
      p.shape.forEach((d, q) => {
        if (q !== cd && d !== shape[q]) throw new InvalidArgumentError(`Input shapes must match: expected ${shape[q]} for dimension ${q} but got ${d} at position ${k}`, op.name);
      });
    });
    const entries: { row: number[]; v: number; part: number }[] = [];
    let offset = 0;
    parts.forEach((p, k) => {
      for (let e = 0; e < p.n; e++) {
        const row = rowOf(p, e);
        row[cd] += offset;
        entries.push({ row, v: p.vals[e]!, part: k });
      }
      offset += p.shape[cd]!;
    });
    shape[cd] = offset;
    entries.sort((x, y) => cmpRows(x.row, y.row) || x.part - y.part);
    return [idxArray(entries.map((e) => e.row), rank), arrayOf(entries.map((e) => e.v), [entries.length], ins[N]!.dtype), shapeArray(shape)];
  },
});
registerGradient('SparseConcat', null);

// ----- SparseFillEmptyRows --------------------------------------------------------------------------
defineHostOp({
  type: 'SparseFillEmptyRows',
  infer: ([i, v, s, d]) => {
    if (d!.dtype !== v!.dtype) throw new TypeError(`Input 'default_value' of 'SparseFillEmptyRows' Op has type ${d!.dtype} that does not match type ${v!.dtype} of argument 'values'.`);
    const rank = rankOf(s!) ?? i!.shape?.[1] ?? null;
    const rows = constOf(s!)?.[0] ?? null;
    return [
      { dtype: 'int64', shape: [null, rank] }, { dtype: v!.dtype, shape: [null] },
      { dtype: 'bool', shape: [rows] }, { dtype: 'int64', shape: [i!.shape?.[0] ?? null] },
    ];
  },
  run: ([i, v, s, d], _a, op) => {
    if (d!.rank !== 0) throw new InvalidArgumentError(`default_value must be a scalar, saw: [${d!.shape.join(',')}]`, op.name);
    const h = hostSp(i!, v!, s!, op);
    if (h.rank === 0) throw new InvalidArgumentError('dense_shape must have at least one dimension', op.name);
    const dflt = valuesOf(d!)[0]!;
    const nRows = h.shape[0]!;
    const byRow: number[][] = Array.from({ length: nRows }, () => []);
    for (let k = 0; k < h.n; k++) {
      const r = h.idx[k * h.rank]!;
      if (r < 0 || r >= nRows) throw new InvalidArgumentError(`indices(${k}, 0) is invalid: ${r} >= ${nRows}`, op.name);
      byRow[r]!.push(k);
    }
    // Entries keep their order within a row (TF's kernel requires rows in order, not the columns).
    const rows: number[][] = [];
    const vals: number[] = [];
    const empty: number[] = [];
    const reverse = new Array<number>(h.n);
    for (let r = 0; r < nRows; r++) {
      empty.push(byRow[r]!.length === 0 ? 1 : 0);
      if (byRow[r]!.length === 0) {
        rows.push([r, ...new Array<number>(h.rank - 1).fill(0)]);
        vals.push(dflt);
      }
      for (const k of byRow[r]!) {
        reverse[k] = rows.length;
        rows.push(rowOf(h, k));
        vals.push(h.vals[k]!);
      }
    }
    return [idxArray(rows, h.rank), arrayOf(vals, [vals.length], v!.dtype), arrayOf(empty, [nRows], 'bool'), arrayOf(reverse, [h.n], 'int64')];
  },
});
defineHostOp({
  type: 'SparseFillEmptyRowsGrad',
  infer: ([r, g]) => [{ dtype: g!.dtype, shape: r!.shape }, { dtype: g!.dtype, shape: [] }],
  run: ([r, g]) => {
    const rv = valuesOf(r!);
    const gv = valuesOf(g!);
    const used = new Uint8Array(gv.length);
    const dv = Array.from(rv, (p) => {
      used[p] = 1;
      return gv[p]!;
    });
    let dd = 0;
    gv.forEach((x, k) => { if (!used[k]) dd += x; });
    return [arrayOf(dv, [dv.length], g!.dtype), arrayOf([dd], [], g!.dtype)];
  },
});
registerGradient('SparseFillEmptyRowsGrad', null);
registerGradient('SparseFillEmptyRows', (op, [, g]) => {
  if (!g) return [null, null, null, null];
  const o = makeOp(op.graph, 'SparseFillEmptyRowsGrad', [op.outputs[3]!, g], {}, undefined, 'SparseFillEmptyRowsGrad');
  return [null, o.outputs[0]!, null, o.outputs[1]!];
});

// ----- SparseSoftmax --------------------------------------------------------------------------------
defineHostOp({
  type: 'SparseSoftmax',
  infer: ([, v]) => {
    if (v!.dtype !== 'float32' && v!.dtype !== 'float64' && v!.dtype !== 'float16') {
      throw new TypeError(`Value passed to parameter 'sp_values' has DataType ${v!.dtype} not in list of allowed values: float16, float32, float64`);
    }
    return [{ dtype: v!.dtype, shape: v!.shape }];
  },
  run: ([i, v, s], _a, op) => {
    const h = hostSp(i!, v!, s!, op);
    if (h.rank < 2) throw new InvalidArgumentError(`Input should have rank >= 2, but received shape: [${h.shape.join(',')}]`, op.name);
    const groups = new Map<string, number[]>();
    for (let k = 0; k < h.n; k++) {
      const key = keyOf(rowOf(h, k).slice(0, -1));
      const g = groups.get(key);
      if (g) g.push(k);
      else groups.set(key, [k]);
    }
    const out = new Float64Array(h.n);
    for (const ks of groups.values()) {
      const m = Math.max(...ks.map((k) => h.vals[k]!));
      let sum = 0;
      for (const k of ks) sum += (out[k] = Math.exp(h.vals[k]! - m));
      for (const k of ks) out[k] /= sum;
    }
    return [arrayOf(out, [h.n], v!.dtype)];
  },
});
// sparse_grad.py's _SparseSoftmaxGrad: (g − Σ_row g·y) · y over each row's entries.
registerGradient('SparseSoftmax', (op, [g]) => {
  if (!g) return [null, null, null];
  const [ind, , shp] = op.inputs as [Tensor, Tensor, Tensor];
  const y = op.outputs[0]!;
  const sumReduced = negative(makeOp(op.graph, 'SparseReduceSum', [ind, multiply(y, g), shp, toTensor(-1, 'int32')], { keepDims: true }, undefined, 'SparseReduceSum').outputs[0]!);
  const spSum = makeOp(op.graph, 'SparseDenseCwiseAdd', [ind, g, shp, sumReduced], {}, undefined, 'SparseDenseCwiseAdd').outputs[0]!;
  return [null, multiply(spSum, y), null];
});

// ----- SparseSparseMaximum / SparseSparseMinimum ----------------------------------------------------
for (const [type, f] of [['SparseSparseMaximum', Math.max], ['SparseSparseMinimum', Math.min]] as const) {
  defineHostOp({
    type,
    infer: ([ai, av, as, , bv]) => {
      if (bv!.dtype !== av!.dtype) throw new TypeError(`Input 'b_values' of '${type}' Op has type ${bv!.dtype} that does not match type ${av!.dtype} of argument 'a_values'.`);
      return [{ dtype: 'int64', shape: [null, rankOf(as!) ?? ai!.shape?.[1] ?? null] }, { dtype: av!.dtype, shape: [null] }];
    },
    run: ([ai, av, as, bi, bv, bs], _a, op) => {
      const a = hostSp(ai!, av!, as!, op);
      const b = hostSp(bi!, bv!, bs!, op);
      if (a.shape.join() !== b.shape.join()) {
        throw new InvalidArgumentError(`Operands' shapes do not match: got [${a.shape.join(',')}] and [${b.shape.join(',')}] for rank ${a.rank}`, op.name);
      }
      const rows: number[][] = [];
      const vals: number[] = [];
      let i = 0;
      let j = 0;
      // Both in canonical order; an entry present in one only meets the other's implicit zero.
      while (i < a.n || j < b.n) {
        const ra = i < a.n ? rowOf(a, i) : null;
        const rb = j < b.n ? rowOf(b, j) : null;
        const c = ra === null ? 1 : rb === null ? -1 : cmpRows(ra, rb);
        if (c < 0) { rows.push(ra!); vals.push(f(a.vals[i++]!, 0)); }
        else if (c > 0) { rows.push(rb!); vals.push(f(0, b.vals[j++]!)); }
        else { rows.push(ra!); vals.push(f(a.vals[i++]!, b.vals[j++]!)); }
      }
      return [idxArray(rows, a.rank), arrayOf(vals, [vals.length], av!.dtype)];
    },
  });
  registerNoGradient(type);
}

// ----- SparseSplit ----------------------------------------------------------------------------------
defineHostOp<{ numSplit: number }>({
  type: 'SparseSplit',
  infer: ([, i, v, s], a) => {
    const rank = rankOf(s!) ?? i!.shape?.[1] ?? null;
    const n = a.numSplit;
    return [
      ...new Array(n).fill(0).map(() => ({ dtype: 'int64' as DType, shape: [null, rank] as PartialShape })),
      ...new Array(n).fill(0).map(() => ({ dtype: v!.dtype, shape: [null] as PartialShape })),
      ...new Array(n).fill(0).map(() => ({ dtype: 'int64' as DType, shape: [rank] as PartialShape })),
    ];
  },
  run: ([sd, i, v, s], a, op) => {
    const h = hostSp(i!, v!, s!, op);
    let dim = Number(valuesOf(sd!)[0]);
    if (dim < -h.rank || dim >= h.rank) throw new InvalidArgumentError(`Input split_dim should be between ${-h.rank} and ${h.rank}, got ${dim}`, op.name);
    if (dim < 0) dim += h.rank;
    const n = a.numSplit;
    const size = h.shape[dim]!;
    if (n < 1 || n > size) throw new InvalidArgumentError(`Input num_split should be between 1 and ${size}, got ${n}`, op.name);
    // TF's split sizes: the first (size % n) pieces get one extra.
    const base = Math.floor(size / n);
    const extra = size % n;
    const startOf = (k: number) => k * base + Math.min(k, extra);
    const rows: number[][][] = Array.from({ length: n }, () => []);
    const vals: number[][] = Array.from({ length: n }, () => []);
    for (let e = 0; e < h.n; e++) {
      const r = rowOf(h, e);
      const x = r[dim]!;
      let k = 0;
      while (k + 1 < n && startOf(k + 1) <= x) k++;
      r[dim] = x - startOf(k);
      rows[k]!.push(r);
      vals[k]!.push(h.vals[e]!);
    }
    const shapes = Array.from({ length: n }, (_, k) => h.shape.map((d, q) => (q === dim ? startOf(k + 1) - startOf(k) : d)));
    return [...rows.map((r) => idxArray(r, h.rank)), ...vals.map((vv) => arrayOf(vv, [vv.length], v!.dtype)), ...shapes.map(shapeArray)];
  },
});
registerNoGradient('SparseSplit');

// ----- the Python-level functions -------------------------------------------------------------------
const spParts = (x: SparseTensor): Tensor[] => [x.indices, x.values, x.denseShape];
const opts = (args: unknown[], names: string[], where: string, required: number) => kwargs(args, names, where, required);

/**
 * `tf.sparse.add(a, b, threshold = 0)` (TF1's `tf.sparse_add(a, b, thresh)`): two SparseTensors
 * give their SparseTensor sum (entries whose |sum| is below the threshold dropped); a SparseTensor
 * and a dense tensor give a dense tensor (SparseTensorDenseAdd).
 */
export function sparseAdd(a: Sp | TensorLike, b: Sp | TensorLike, thresh?: TensorLike | Record<string, unknown>, name?: string | Record<string, unknown>): SparseTensor | Tensor {
  const o = opts([a, b, thresh, name], ['a', 'b', 'thresh', 'name', 'threshold'], 'sparse_add', 2);
  const isSp = (x: unknown) => x instanceof SparseTensor || x instanceof SparseTensorValue;
  const A = o.a;
  const B = o.b;
  if (!isSp(A) && !isSp(B)) throw new TypeError('At least one input should be SparseTensor; do you mean to use tf.add()?');
  if (isSp(A) && isSp(B)) {
    const x = sp(A as Sp);
    const y = sp(B as Sp);
    const th = toTensor((o.threshold ?? o.thresh ?? 0) as TensorLike, x.dtype === 'float64' ? 'float64' : x.dtype === 'int32' || x.dtype === 'int64' ? x.dtype : 'float32');
    const op = makeOp(x.graph, 'SparseAdd', [...spParts(x), ...spParts(y), th], {}, o.name as string | undefined, 'SparseAdd');
    return spFrom(op, 0, constOf(x.denseShape) ?? constOf(y.denseShape));
  }
  const [s, d] = isSp(A) ? [sp(A as Sp), B as TensorLike] : [sp(B as Sp), A as TensorLike];
  const dt = toTensor(d, s.dtype);
  return makeOp(s.graph, 'SparseTensorDenseAdd', [...spParts(s), dt], {}, o.name as string | undefined, 'SparseTensorDenseAdd').outputs[0]!;
}

function reductionAxes(x: SparseTensor, axis: unknown): Tensor {
  if (axis === undefined || axis === null) {
    const r = x.shape?.length;
    if (r === undefined) return range(0, cast(gather(shapeOf(x.denseShape), 0), 'int32'));
    return toTensor(new NDArray(Int32Array.from([...Array(r).keys()]), [r], 'int32'));
  }
  return toTensor(axis as TensorLike, 'int32');
}
function reduceArgs(args: unknown[], where: string) {
  const o = opts(args, ['spInput', 'axis', 'keepdims', 'reductionAxes', 'keepDims', 'name'], where, 1);
  return { x: sp(o.spInput as Sp), axis: o.axis ?? o.reductionAxes, keep: !!(o.keepdims ?? o.keepDims), name: o.name as string | undefined };
}
type ReduceFnArgs = [spInput: Sp, axis?: number | readonly number[] | Tensor | null | Record<string, unknown>, keepdims?: boolean | Record<string, unknown>, ...rest: unknown[]];

/** `tf.sparse.reduceSum(spInput, axis?, keepdims?)` (TF1's `tf.sparse_reduce_sum`): a dense tensor. */
export function sparseReduceSum(...args: ReduceFnArgs): Tensor {
  const { x, axis, keep, name } = reduceArgs(args, 'sparse_reduce_sum');
  return makeOp(x.graph, 'SparseReduceSum', [...spParts(x), reductionAxes(x, axis)], { keepDims: keep }, name, 'SparseReduceSum').outputs[0]!;
}
/** `tf.sparse.reduceMax(spInput, axis?, keepdims?)` (TF1's `tf.sparse_reduce_max`): a dense tensor (−inf where a reduced group has no entry). */
export function sparseReduceMax(...args: ReduceFnArgs): Tensor {
  const { x, axis, keep, name } = reduceArgs(args, 'sparse_reduce_max');
  return makeOp(x.graph, 'SparseReduceMax', [...spParts(x), reductionAxes(x, axis)], { keepDims: keep }, name, 'SparseReduceMax').outputs[0]!;
}
function reduceSparse(type: string, args: ReduceFnArgs, where: string): SparseTensor {
  const { x, axis, keep, name } = reduceArgs(args, where);
  const ax = reductionAxes(x, axis);
  const op = makeOp(x.graph, type, [...spParts(x), ax], { keepDims: keep }, name, type);
  return spFrom(op, 0, reducedShape(constOf(x.denseShape), constOf(ax), keep));
}
/** `tf.sparse.reduceSumSparse(spInput, axis?, keepdims?)`: the sums as a SparseTensor. */
export const sparseReduceSumSparse = (...args: ReduceFnArgs): SparseTensor => reduceSparse('SparseReduceSumSparse', args, 'sparse_reduce_sum_sparse');
/** `tf.sparse.reduceMaxSparse(spInput, axis?, keepdims?)`: the maxima as a SparseTensor. */
export const sparseReduceMaxSparse = (...args: ReduceFnArgs): SparseTensor => reduceSparse('SparseReduceMaxSparse', args, 'sparse_reduce_max_sparse');

/** `tf.sparse.reshape(spInput, shape, name?)` (TF1's `tf.sparse_reshape`); one dimension may be -1. */
export function sparseReshape(spInput: Sp, shape: TensorLike, name?: string | Record<string, unknown>): SparseTensor {
  const o = opts([spInput, shape, name], ['spInput', 'shape', 'name'], 'sparse_reshape', 2);
  const x = sp(o.spInput as Sp);
  const ns = toTensor(o.shape as TensorLike, 'int64');
  const op = makeOp(x.graph, 'SparseReshape', [x.indices, x.denseShape, cast(ns, 'int64')], {}, o.name as string | undefined, 'SparseReshape');
  let st: number[] | null = null;
  const inS = constOf(x.denseShape);
  const want = constOf(ns);
  if (inS && want) {
    const total = inS.reduce((p, d) => p * d, 1);
    const known = want.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
    st = want.map((d) => (d === -1 ? total / known : d));
    if (st.reduce((p, d) => p * d, 1) !== total || st.some((d) => !Number.isInteger(d))) {
      throw new ValueError(`Cannot reshape a tensor with ${total} elements to shape [${want.join(', ')}] (${known} elements)`);
    }
  }
  return new SparseTensor(op.outputs[0]!, x.values, st ? i64(st) : op.outputs[1]!);
}

/** `tf.sparse.reorder(spInput, name?)` (TF1's `tf.sparse_reorder`): the entries in row-major order. */
export function sparseReorder(spInput: Sp, name?: string | Record<string, unknown>): SparseTensor {
  const o = opts([spInput, name], ['spInput', 'name'], 'sparse_reorder', 1);
  const x = sp(o.spInput as Sp);
  const op = makeOp(x.graph, 'SparseReorder', spParts(x), {}, o.name as string | undefined, 'SparseReorder');
  return new SparseTensor(op.outputs[0]!, op.outputs[1]!, x.denseShape);
}

/** `tf.sparse.slice(spInput, start, size, name?)` (TF1's `tf.sparse_slice`). */
export function sparseSlice(spInput: Sp, start: TensorLike, size: TensorLike, name?: string | Record<string, unknown>): SparseTensor {
  const o = opts([spInput, start, size, name], ['spInput', 'start', 'size', 'name'], 'sparse_slice', 3);
  const x = sp(o.spInput as Sp);
  const st = cast(toTensor(o.start as TensorLike, 'int64'), 'int64');
  const sz = cast(toTensor(o.size as TensorLike, 'int64'), 'int64');
  const op = makeOp(x.graph, 'SparseSlice', [...spParts(x), st, sz], {}, o.name as string | undefined, 'SparseSlice');
  const s = constOf(x.denseShape);
  const a = constOf(st);
  const b = constOf(sz);
  return spFrom(op, 0, s && a && b ? s.map((d, k) => Math.max(0, Math.min(a[k]! + b[k]!, d) - a[k]!)) : null);
}

/**
 * `tf.sparse.concat(axis, spInputs, name?, expandNonconcatDim = false)` (TF1's
 * `tf.sparse_concat(axis, sp_inputs, name, expand_nonconcat_dim, concat_dim)`): with
 * `expandNonconcatDim` the other dimensions grow to the largest input's.
 */
export function sparseConcat(axis: number | Record<string, unknown>, spInputs?: Sp[] | Record<string, unknown>, name?: string | Record<string, unknown>, expandNonconcatDim?: boolean | Record<string, unknown>): SparseTensor {
  const o = opts([axis, spInputs, name, expandNonconcatDim], ['axis', 'spInputs', 'name', 'expandNonconcatDim', 'concatDim'], 'sparse_concat', 0);
  const ax = (o.axis ?? o.concatDim) as number;
  if (ax === undefined) throw new TypeError("sparse_concat() missing 1 required positional argument: 'axis'");
  const xs = (o.spInputs as Sp[]).map(sp);
  const shapes = xs.map((x) => constOf(x.denseShape));
  let denseShapes = xs.map((x) => x.denseShape);
  let outShape: number[] | null = null;
  if (shapes.every((s) => s !== null)) {
    const r = shapes[0]!.length;
    const a = ax < 0 ? ax + r : ax;
    outShape = shapes[0]!.map((_, q) => (q === a ? shapes.reduce((p, s) => p + s![q]!, 0) : o.expandNonconcatDim ? Math.max(...shapes.map((s) => s![q]!)) : shapes[0]![q]!));
    if (o.expandNonconcatDim) denseShapes = shapes.map((s) => i64(s!.map((d, q) => (q === a ? d : outShape![q]!))));
  } else if (o.expandNonconcatDim) {
    throw new ValueError('sparse_concat with expand_nonconcat_dim needs the dense shapes known when the graph is built');
  }
  const op = makeOp(xs[0]!.graph, 'SparseConcat', [...xs.map((x) => x.indices), ...xs.map((x) => x.values), ...denseShapes], { concatDim: ax, N: xs.length }, o.name as string | undefined, 'SparseConcat');
  return spFrom(op, 0, outShape);
}

/** `tf.sparse.retain(spInput, toRetain)` (TF1's `tf.sparse_retain`): the entries where the bool vector `toRetain` is true. */
export function sparseRetain(spInput: Sp, toRetain: TensorLike): SparseTensor {
  const x = sp(spInput);
  const keep = toTensor(toRetain, 'bool');
  if (keep.shape !== null && keep.shape.length !== 1) throw new ValueError(`Shape must be rank 1 but is rank ${keep.shape.length}`);
  const n = x.values.shape?.[0];
  if (keep.shape?.[0] != null && n != null && keep.shape[0] !== n) throw new ValueError(`Dimensions ${n} and ${keep.shape[0]} are not compatible`);
  return nameScope('SparseRetain', () => {
    const whereTrue = reshape(where(keep), [-1]);
    return new SparseTensor(gather(x.indices, whereTrue), gather(x.values, whereTrue), x.denseShape);
  });
}

/**
 * `tf.sparse.fillEmptyRows(spInput, defaultValue, name?)` (TF1's `tf.sparse_fill_empty_rows`) →
 * `[filled, emptyRowIndicator]`: every empty row gets `defaultValue` at column 0.
 */
export function sparseFillEmptyRows(spInput: Sp, defaultValue: TensorLike, name?: string | Record<string, unknown>): [SparseTensor, Tensor] {
  const o = opts([spInput, defaultValue, name], ['spInput', 'defaultValue', 'name'], 'sparse_fill_empty_rows', 2);
  const x = sp(o.spInput as Sp);
  const d = toTensor(o.defaultValue as TensorLike, x.dtype);
  const op = makeOp(x.graph, 'SparseFillEmptyRows', [...spParts(x), d], {}, o.name as string | undefined, 'SparseFillEmptyRows');
  return [new SparseTensor(op.outputs[0]!, op.outputs[1]!, x.denseShape), op.outputs[2]!];
}

/** `tf.sparse.softmax(spInput, name?)` (TF1's `tf.sparse_softmax`): softmax over each innermost row's entries. */
export function sparseSoftmax(spInput: Sp, name?: string | Record<string, unknown>): SparseTensor {
  const o = opts([spInput, name], ['spInput', 'name'], 'sparse_softmax', 1);
  const x = sp(o.spInput as Sp);
  const v = makeOp(x.graph, 'SparseSoftmax', spParts(x), {}, o.name as string | undefined, 'SparseSoftmax').outputs[0]!;
  return new SparseTensor(x.indices, v, x.denseShape);
}

function sparseBinary(type: string, where: string, args: unknown[]): SparseTensor {
  const o = opts(args, ['spA', 'spB', 'name'], where, 2);
  const a = sp(o.spA as Sp);
  const b = sp(o.spB as Sp);
  const op = makeOp(a.graph, type, [...spParts(a), ...spParts(b)], {}, o.name as string | undefined, type);
  return new SparseTensor(op.outputs[0]!, op.outputs[1]!, a.denseShape);
}
/** `tf.sparse.maximum(spA, spB, name?)` (TF1's `tf.sparse_maximum`): elementwise, a missing entry counting as 0; both in canonical order. */
export const sparseMaximum = (spA: Sp, spB: Sp, name?: string | Record<string, unknown>): SparseTensor => sparseBinary('SparseSparseMaximum', 'sparse_maximum', [spA, spB, name]);
/** `tf.sparse.minimum(spA, spB, name?)` (TF1's `tf.sparse_minimum`). */
export const sparseMinimum = (spA: Sp, spB: Sp, name?: string | Record<string, unknown>): SparseTensor => sparseBinary('SparseSparseMinimum', 'sparse_minimum', [spA, spB, name]);

/**
 * `tf.sparse.split(spInput, numSplit, axis, name?)` (TF1's `tf.sparse_split(keyword_required,
 * sp_input, num_split, axis, name, split_dim)`: keyword arguments in TF1, positional here too).
 */
export function sparseSplit(spInput: Sp | Record<string, unknown>, numSplit?: number, axis?: number, name?: string): SparseTensor[] {
  const o = opts([spInput, numSplit, axis, name], ['spInput', 'numSplit', 'axis', 'name', 'splitDim'], 'sparse_split', 0);
  const x = sp(o.spInput as Sp);
  const n = o.numSplit as number;
  const ax = (o.axis ?? o.splitDim) as number;
  if (n === undefined) throw new ValueError('num_split is required');
  if (ax === undefined) throw new ValueError('axis is required');
  const op = makeOp(x.graph, 'SparseSplit', [toTensor(ax, 'int64'), ...spParts(x)], { numSplit: n }, o.name as string | undefined, 'SparseSplit');
  const s = constOf(x.denseShape);
  return Array.from({ length: n }, (_, k) => {
    let st: number[] | null = null;
    if (s) {
      const a = ax < 0 ? ax + s.length : ax;
      const base = Math.floor(s[a]! / n);
      const extra = s[a]! % n;
      st = s.map((d, q) => (q === a ? base + (k < extra ? 1 : 0) : d));
    }
    return new SparseTensor(op.outputs[k]!, op.outputs[n + k]!, st ? i64(st) : op.outputs[2 * n + k]!);
  });
}

/** `tf.sparse.transpose(spInput, perm = reversed, name?)` (TF1's `tf.sparse_transpose`): indices' columns and the shape permuted, then reordered. */
export function sparseTranspose(spInput: Sp, perm?: readonly number[] | null | Record<string, unknown>, name?: string): SparseTensor {
  const o = opts([spInput, perm, name], ['spInput', 'perm', 'name'], 'sparse_transpose', 1);
  const x = sp(o.spInput as Sp);
  return nameScope((o.name as string | undefined) ?? 'SparseTranspose', () => {
    const r = x.shape?.length;
    if (r === undefined) throw new ValueError('sparse_transpose needs the rank known when the graph is built');
    const p = (o.perm as number[] | null | undefined) ?? [...Array(r).keys()].reverse();
    const pt = toTensor(new NDArray(Int32Array.from(p), [p.length], 'int32'));
    const idx = transpose(gather(transpose(x.indices), pt));
    const s = constOf(x.denseShape);
    const ds = s ? i64(p.map((k) => s[k]!)) : gather(x.denseShape, pt);
    return sparseReorder(new SparseTensor(idx, x.values, ds));
  });
}

/** `tf.sparse.expandDims(spInput, axis = -1, name?)`: a size-1 dimension inserted at `axis`. */
export function sparseExpandDims(spInput: Sp, axis?: number | Record<string, unknown>, name?: string): SparseTensor {
  const o = opts([spInput, axis, name], ['spInput', 'axis', 'name'], 'sparse.expand_dims', 1);
  const x = sp(o.spInput as Sp);
  const r = x.shape?.length;
  if (r === undefined) throw new ValueError('sparse.expand_dims needs the rank known when the graph is built');
  let ax = (o.axis as number | undefined) ?? -1;
  if (ax < -(r + 1) || ax > r) throw new ValueError(`axis ${ax} is out of range for a SparseTensor of rank ${r}`);
  if (ax < 0) ax += r + 1;
  return nameScope((o.name as string | undefined) ?? 'ExpandDims', () => {
    const zeros = multiply(slice(x.indices, [0, 0], [-1, 1]), toTensor(new NDArray(Float64Array.of(0), [], 'int64')));
    const parts: Tensor[] = [];
    if (ax > 0) parts.push(slice(x.indices, [0, 0], [-1, ax]));
    parts.push(zeros);
    if (ax < r) parts.push(slice(x.indices, [0, ax], [-1, -1]));
    const s = constOf(x.denseShape);
    const ds = s ? i64([...s.slice(0, ax), 1, ...s.slice(ax)]) : concat([slice(x.denseShape, [0], [ax]), i64([1]), slice(x.denseShape, [ax], [-1])], 0);
    return new SparseTensor(concat(parts, 1), x.values, ds);
  });
}

/** `tf.sparse.eye(numRows, numColumns = numRows, dtype = float32, name?)`: the identity as a SparseTensor. */
export function sparseEye(numRows: number, numColumns?: number | null | Record<string, unknown>, dtype?: DType | string, name?: string): SparseTensor {
  const o = opts([numRows, numColumns, dtype, name], ['numRows', 'numColumns', 'dtype', 'name'], 'sparse.eye', 1);
  const n = o.numRows as number;
  const m = (o.numColumns as number | null | undefined) ?? n;
  const d = Math.min(n, m);
  return nameScope((o.name as string | undefined) ?? 'eye', () => {
    const diag = new NDArray(Float64Array.from({ length: 2 * d }, (_, k) => Math.floor(k / 2)), [d, 2], 'int64');
    const ones = NDArray.zeros([d], ((o.dtype as DType | undefined) ?? 'float32') as DType);
    ones.data.fill(1);
    return new SparseTensor(diag, ones, [n, m]);
  });
}

/**
 * `tf.sparse.toIndicator(spInput, vocabSize, name?)` (TF1's `tf.sparse_to_indicator`): the dense
 * bool tensor, one more dimension of size `vocabSize`, true at each entry's id (its value).
 */
export function sparseToIndicator(spInput: Sp, vocabSize: number, name?: string | Record<string, unknown>): Tensor {
  const o = opts([spInput, vocabSize, name], ['spInput', 'vocabSize', 'name'], 'sparse_to_indicator', 2);
  const x = sp(o.spInput as Sp);
  if (x.dtype !== 'int32' && x.dtype !== 'int64') throw new TypeError(`sp_input.values must be integer, got ${x.dtype}`);
  const s = constOf(x.denseShape);
  if (!s) throw new ValueError('sparse_to_indicator needs the dense shape known when the graph is built');
  const r = s.length;
  return nameScope((o.name as string | undefined) ?? 'SparseToIndicator', () => {
    const ids = expandDims(cast(x.values, 'int64'), 1);
    const idx = concat([slice(x.indices, [0, 0], [-1, r - 1]), ids], 1);
    const shape = [...s.slice(0, r - 1), o.vocabSize as number];
    const counts = sparseTensorToDense(new SparseTensor(idx, cast(onesLike(x.values), 'float32'), shape), { validateIndices: false });
    return greater(counts, 0);
  });
}

/**
 * `tf.sparseMask(a, maskIndices, name?)` (TF1's `tf.sparse_mask`): the IndexedSlices `a` without
 * the rows whose index is in `maskIndices`.
 */
export function sparseMask(a: IndexedSlices, maskIndices: TensorLike, name?: string): IndexedSlices {
  return nameScope(name ?? 'sparse_mask', () => {
    const [outIndices, toGather] = setdiff1d(a.indices, toTensor(maskIndices, a.indices.dtype));
    return new IndexedSlices(gather(a.values, toGather), outIndices, a.denseShape);
  });
}


/**
 * `tf.sparse.merge(spIds, spValues, vocabSize, name?, alreadySorted = false)` (TF1's
 * `tf.sparse_merge`): the ids of `spIds` become the last dimension (of size `vocabSize`) of a
 * SparseTensor holding `spValues`' values, reordered unless `alreadySorted`. A list of `spIds`
 * with a list of sizes gives one dimension each (tf.io.SparseFeature with several index keys).
 */
export function sparseMerge(spIds: Sp | Sp[], spValues: Sp, vocabSize: number | number[] | Record<string, unknown>, name?: string | Record<string, unknown>, alreadySorted?: boolean | Record<string, unknown>): SparseTensor {
  const o = opts([spIds, spValues, vocabSize, name, alreadySorted], ['spIds', 'spValues', 'vocabSize', 'name', 'alreadySorted'], 'sparse_merge', 3);
  const many = Array.isArray(o.spIds);
  if (many !== Array.isArray(o.vocabSize)) throw new TypeError(many ? `vocab_size has to be a list of Tensors or Python ints. Found ${typeof o.vocabSize}` : `vocab_size has to be a Tensor or Python int. Found ${typeof o.vocabSize}`);
  const idList = (many ? (o.spIds as Sp[]) : [o.spIds as Sp]).map(sp);
  const vocab = many ? (o.vocabSize as number[]) : [o.vocabSize as number];
  if (idList.length !== vocab.length) throw new ValueError('sp_ids and vocab_size have to have equal lengths.');
  const vals = sp(o.spValues as Sp);
  for (const ids of idList) if (ids.dtype !== 'int32' && ids.dtype !== 'int64') throw new TypeError(`sp_ids.values must be integer, got ${ids.dtype}`);
  return nameScope((o.name as string | undefined) ?? 'SparseMerge', () => {
    const ids = idList[0]!;
    const r = ids.shape?.length;
    if (r === undefined) throw new ValueError('sparse_merge needs the rank of sp_ids known when the graph is built');
    const idx = concat([slice(ids.indices, [0, 0], [-1, r - 1]), ...idList.map((x) => reshape(cast(x.values, 'int64'), [-1, 1]))], 1);
    const s = constOf(ids.denseShape);
    const shape = s ? i64([...s.slice(0, r - 1), ...vocab]) : concat([slice(ids.denseShape, [0], [r - 1]), i64(vocab)], 0);
    const merged = new SparseTensor(idx, vals.values, shape);
    return o.alreadySorted ? merged : sparseReorder(merged);
  });
}
