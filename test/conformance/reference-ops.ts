/**
 * Float64 reference evaluators for the slicing, segment, padding and other array ops, written
 * from their definitions (numpy's indexing rules for StridedSlice, Python's `slice.indices`),
 * not from tsflow's lowerings. Importing this file registers them with the reference interpreter.
 */
import type { Operation } from 'tsflow';
import { EXTRA_REFERENCE, type RefValue, ReferenceRuntimeError, makeValue, size } from './reference.js';

const attr = (op: Operation, name: string): unknown => (op.attrs as Record<string, unknown>)[name];

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Python's `slice(start, stop, step).indices(len)` as the list of positions it selects. */
function pySlice(start: number | null, stop: number | null, step: number, len: number): number[] {
  let lo: number;
  let hi: number;
  if (step > 0) {
    lo = start === null ? 0 : start < 0 ? Math.max(start + len, 0) : Math.min(start, len);
    hi = stop === null ? len : stop < 0 ? Math.max(stop + len, 0) : Math.min(stop, len);
  } else {
    lo = start === null ? len - 1 : start < 0 ? Math.max(start + len, -1) : Math.min(start, len - 1);
    hi = stop === null ? -1 : stop < 0 ? Math.max(stop + len, -1) : Math.min(stop, len - 1);
  }
  const out: number[] = [];
  for (let i = lo; step > 0 ? i < hi : i > hi; i += step) out.push(i);
  return out;
}

/** The element picked by positions `pos` (one list per input dim) at each output index. */
function pick(x: RefValue, pos: number[][], outShape: number[]): RefValue {
  const st = strides(x.shape);
  const dims = pos.map((p) => p.length);
  const n = size(dims);
  const data = new Float64Array(n);
  const idx = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < n; k++) {
    let off = 0;
    for (let d = 0; d < dims.length; d++) off += pos[d]![idx[d]!]! * st[d]!;
    data[k] = x.data[off]!;
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++idx[d]! < dims[d]!) break;
      idx[d] = 0;
    }
  }
  return { dtype: x.dtype, shape: outShape, data };
}

/** numpy indexing with TF's StridedSlice spec (masks select ellipsis / new axis / index / full range). */
function stridedSlice(op: Operation, x: RefValue): RefValue {
  const begin = attr(op, 'begin') as number[];
  const end = attr(op, 'end') as number[];
  const stride = attr(op, 'strides') as number[];
  const bit = (m: string, i: number): boolean => (((attr(op, m) as number) >> i) & 1) === 1;
  const n = begin.length;
  type Item = { kind: 'ellipsis' } | { kind: 'new' } | { kind: 'index'; i: number } | { kind: 'slice'; lo: number | null; hi: number | null; step: number };
  const items: Item[] = [];
  let seenEllipsis = false;
  for (let i = 0; i < n; i++) {
    if (bit('ellipsisMask', i)) {
      if (!seenEllipsis) items.push({ kind: 'ellipsis' });
      seenEllipsis = true;
    } else if (bit('newAxisMask', i)) items.push({ kind: 'new' });
    else if (bit('shrinkAxisMask', i)) items.push({ kind: 'index', i: begin[i]! });
    else items.push({ kind: 'slice', lo: bit('beginMask', i) ? null : begin[i]!, hi: bit('endMask', i) ? null : end[i]!, step: stride[i]! });
  }
  const real = items.filter((it) => it.kind === 'index' || it.kind === 'slice').length;
  if (!seenEllipsis) items.push({ kind: 'ellipsis' });
  const pos: number[][] = [];
  const outShape: number[] = [];
  let d = 0;
  for (const it of items) {
    if (it.kind === 'ellipsis') {
      const take = x.shape.length - real;
      for (let k = 0; k < take; k++, d++) {
        pos.push([...Array(x.shape[d]!).keys()]);
        outShape.push(x.shape[d]!);
      }
    } else if (it.kind === 'new') outShape.push(1);
    else if (it.kind === 'index') {
      const len = x.shape[d]!;
      const j = it.i < 0 ? it.i + len : it.i;
      if (j < 0 || j >= len) throw new ReferenceRuntimeError(op, `slice index ${it.i} of dimension ${d} out of bounds.`);
      pos.push([j]);
      d++;
    } else {
      const p = pySlice(it.lo, it.hi, it.step, x.shape[d]!);
      pos.push(p);
      outShape.push(p.length);
      d++;
    }
  }
  return pick(x, pos, outShape);
}

/** out[j] = Σ data[i] over ids[i] == j (negative ids dropped, ids ≥ n an error). */
function segmentSum(op: Operation, data: RefValue, ids: RefValue, n: number): RefValue {
  const inner = data.shape.slice(ids.shape.length);
  const w = size(inner);
  const out = new Float64Array(n * w);
  ids.data.forEach((id, i) => {
    if (id < 0) return;
    if (id >= n) throw new ReferenceRuntimeError(op, `segment_ids[${i}] = ${id} is out of range [0, ${n})`);
    for (let k = 0; k < w; k++) out[id * w + k]! += data.data[i * w + k]!;
  });
  return { dtype: data.dtype, shape: [n, ...inner], data: out };
}

EXTRA_REFERENCE.set('StridedSlice', (op, [x]) => [stridedSlice(op, x!)]);
EXTRA_REFERENCE.set('UnsortedSegmentSum', (op, [data, ids, num]) => {
  const n = (attr(op, 'numSegments') as number | null) ?? num!.data[0]!;
  return [segmentSum(op, data!, ids!, n)];
});
EXTRA_REFERENCE.set('IndexedSlicesToDense', (op, [values, indices, shape]) => {
  const dense = Array.from(shape!.data);
  const s = segmentSum(op, values!, indices!, dense[0]!);
  return [makeValue(s.dtype, dense, s.data)];
});
EXTRA_REFERENCE.set('GatherDropNegatives', (_op, [p, ids]) => {
  const w = size(p!.shape.slice(1));
  const out = new Float64Array(ids!.data.length * w);
  ids!.data.forEach((id, i) => {
    if (id >= 0) for (let k = 0; k < w; k++) out[i * w + k] = p!.data[id * w + k]!;
  });
  return [{ dtype: p!.dtype, shape: [...ids!.shape, ...p!.shape.slice(1)], data: out }];
});

export { pySlice, pick, strides, attr };
