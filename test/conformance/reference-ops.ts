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

/** numpy.pad: constant, reflect (no edge) or symmetric (with edge). */
function pad(x: RefValue, paddings: [number, number][], mode: string, value: number): RefValue {
  const pos = x.shape.map((d, i) => {
    const [lo, hi] = paddings[i]!;
    return Array.from({ length: lo + d + hi }, (_, k) => {
      let j = k - lo;
      if (j >= 0 && j < d) return j;
      if (mode === 'CONSTANT') return -1;
      if (mode === 'REFLECT') return j < 0 ? -j : 2 * (d - 1) - j;
      return j < 0 ? -j - 1 : 2 * d - 1 - j;
    });
  });
  const outShape = pos.map((p) => p.length);
  const st = strides(x.shape);
  const n = size(outShape);
  const data = new Float64Array(n);
  const idx = new Array<number>(outShape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let off = 0;
    let inside = true;
    for (let d = 0; d < outShape.length; d++) {
      const j = pos[d]![idx[d]!]!;
      if (j < 0) inside = false;
      off += j * st[d]!;
    }
    data[k] = inside ? x.data[off]! : value;
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return { dtype: x.dtype, shape: outShape, data };
}
EXTRA_REFERENCE.set('PadV2', (op, [x]) => [pad(x!, attr(op, 'paddings') as [number, number][], 'CONSTANT', attr(op, 'constantValue') as number)]);
EXTRA_REFERENCE.set('MirrorPad', (op, [x]) => [pad(x!, attr(op, 'paddings') as [number, number][], attr(op, 'mode') as string, 0)]);

/** Positions along `axis` taken by `sel`, every position along the other dims. */
function along(x: RefValue, axis: number, sel: number[]): RefValue {
  const pos = x.shape.map((d, i) => (i === axis ? sel : [...Array(d).keys()]));
  return pick(x, pos, pos.map((p) => p.length));
}
for (const t of ['Split', 'SplitV']) {
  EXTRA_REFERENCE.set(t, (op, [x]) => {
    const r = x!.shape.length;
    const a = attr(op, 'axis') as number;
    const axis = a < 0 ? a + r : a;
    const d = x!.shape[axis]!;
    const sizes = attr(op, 'sizes') as number[] | null;
    const num = attr(op, 'num') as number;
    const known = (sizes ?? []).filter((v) => v !== -1).reduce((p, q) => p + q, 0);
    const pieces = sizes === null ? new Array<number>(num).fill(d / num) : sizes.map((v) => (v === -1 ? d - known : v));
    let off = 0;
    return pieces.map((n) => {
      const sel = Array.from({ length: n }, (_, i) => off + i);
      off += n;
      return along(x!, axis, sel);
    });
  });
}
EXTRA_REFERENCE.set('ReverseV2', (op, [x]) => {
  const r = x!.shape.length;
  const axes = (attr(op, 'axis') as number[]).map((a) => (a < 0 ? a + r : a));
  const pos = x!.shape.map((d, i) => [...Array(d).keys()].map((j) => (axes.includes(i) ? d - 1 - j : j)));
  return [pick(x!, pos, [...x!.shape])];
});
EXTRA_REFERENCE.set('Cumsum', (op, [x]) => {
  const r = x!.shape.length;
  const a = attr(op, 'axis') as number;
  const axis = a < 0 ? a + r : a;
  const exclusive = attr(op, 'exclusive') as boolean;
  const reverse = attr(op, 'reverse') as boolean;
  const st = strides(x!.shape);
  const d = x!.shape[axis]!;
  const out = new Float64Array(x!.data.length);
  for (let k = 0; k < out.length; k++) {
    const j = Math.floor(k / st[axis]!) % d;
    const base = k - j * st[axis]!;
    let sum = 0;
    for (let i = 0; i < d; i++) {
      const take = reverse ? (exclusive ? i > j : i >= j) : exclusive ? i < j : i <= j;
      if (take) sum += x!.data[base + i * st[axis]!]!;
    }
    out[k] = sum;
  }
  return [{ dtype: x!.dtype, shape: [...x!.shape], data: out }];
});
EXTRA_REFERENCE.set('TopKV2', (op, [x]) => {
  const k = attr(op, 'k') as number;
  const n = x!.shape[x!.shape.length - 1]!;
  const rows = x!.data.length / Math.max(n, 1);
  const vals = new Float64Array(rows * k);
  const idx = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) {
    const order = [...Array(n).keys()].sort((p, q) => x!.data[r * n + q]! - x!.data[r * n + p]! || p - q);
    for (let j = 0; j < k; j++) {
      vals[r * k + j] = x!.data[r * n + order[j]!]!;
      idx[r * k + j] = order[j]!;
    }
  }
  const shape = [...x!.shape.slice(0, -1), k];
  return [{ dtype: x!.dtype, shape, data: vals }, { dtype: 'int32', shape, data: idx }];
});
EXTRA_REFERENCE.set('InTopKV2', (op, [p, t]) => {
  const k = attr(op, 'k') as number;
  const [batch, n] = p!.shape as [number, number];
  const out = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    const target = t!.data[b]!;
    const row = Array.from(p!.data.slice(b * n, b * n + n));
    if (target < 0 || target >= n || row.some((v) => !Number.isFinite(v))) continue;
    out[b] = row.filter((v) => v > row[target]!).length < k ? 1 : 0;
  }
  return [{ dtype: 'bool', shape: [batch], data: out }];
});
/** Flat row positions of index tuples into the leading dims of `shape`. */
function tuples(op: Operation, idx: RefValue, shape: readonly number[]): number[] {
  const q = idx.shape[idx.shape.length - 1]!;
  const st = strides(shape.slice(0, q));
  const n = idx.data.length / Math.max(q, 1);
  return Array.from({ length: n }, (_, i) => {
    let off = 0;
    for (let j = 0; j < q; j++) {
      const v = idx.data[i * q + j]!;
      if (v < 0 || v >= shape[j]!) throw new ReferenceRuntimeError(op, `index ${v} out of range for dim ${j}`);
      off += v * st[j]!;
    }
    return off;
  });
}
EXTRA_REFERENCE.set('GatherNd', (op, [p, idx]) => {
  const q = idx!.shape[idx!.shape.length - 1]!;
  const rest = p!.shape.slice(q);
  const w = size(rest);
  const rows = tuples(op, idx!, p!.shape);
  const data = new Float64Array(rows.length * w);
  rows.forEach((r, i) => {
    for (let k = 0; k < w; k++) data[i * w + k] = p!.data[r * w + k]!;
  });
  return [{ dtype: p!.dtype, shape: [...idx!.shape.slice(0, -1), ...rest], data }];
});
function scatterNd(op: Operation, idx: RefValue, up: RefValue, shape: number[]): RefValue {
  const q = idx.shape[idx.shape.length - 1]!;
  const w = size(shape.slice(q));
  const data = new Float64Array(size(shape));
  tuples(op, idx, shape).forEach((r, i) => {
    for (let k = 0; k < w; k++) data[r * w + k]! += up.data[i * w + k]!;
  });
  return { dtype: up.dtype, shape, data };
}
EXTRA_REFERENCE.set('ScatterNd', (op, [idx, up]) => [scatterNd(op, idx!, up!, attr(op, 'shape') as number[])]);
EXTRA_REFERENCE.set('ScatterNdLike', (op, [idx, up, like]) => [scatterNd(op, idx!, up!, [...like!.shape])]);
/** Einsum by summing over every assignment of the labels. */
EXTRA_REFERENCE.set('Einsum', (op, ins) => {
  const [lhs, out] = (attr(op, 'equation') as string).split('->') as [string, string];
  const subs = lhs.split(',');
  const dims = new Map<string, number>();
  subs.forEach((s, k) => [...s].forEach((c, i) => dims.set(c, ins[k]!.shape[i]!)));
  const labels = [...dims.keys()];
  const outShape = [...out].map((c) => dims.get(c)!);
  const data = new Float64Array(size(outShape));
  const outSt = strides(outShape);
  const inSt = ins.map((v) => strides(v.shape));
  const val = new Map<string, number>(labels.map((c) => [c, 0]));
  const total = size(labels.map((c) => dims.get(c)!));
  for (let k = 0; k < total; k++) {
    let rem = k;
    for (let i = labels.length - 1; i >= 0; i--) {
      const d = dims.get(labels[i]!)!;
      val.set(labels[i]!, rem % d);
      rem = Math.floor(rem / d);
    }
    let prod = 1;
    subs.forEach((s, j) => {
      let off = 0;
      [...s].forEach((c, i) => (off += val.get(c)! * inSt[j]![i]!));
      prod *= ins[j]!.data[off]!;
    });
    let o = 0;
    [...out].forEach((c, i) => (o += val.get(c)! * outSt[i]!));
    data[o]! += prod;
  }
  return [{ dtype: ins[0]!.dtype, shape: outShape, data }];
});
/** conv2d's input gradient (conv2d_transpose) straight from the definition: every input cell gets Σ dy·w over the windows that used it. */
EXTRA_REFERENCE.set('Conv2DBackpropInput', (op, [sizes, f, dy]) => {
  const [n, h, w, c] = Array.from(sizes!.data);
  const [kh, kw, , o] = f!.shape as number[];
  const [, oh, ow] = dy!.shape as number[];
  const st = attr(op, 'strides') as number[];
  const padding = attr(op, 'padding') as string;
  const padOf = (inp: number, k: number, s: number, out: number): number => (padding === 'VALID' ? 0 : Math.max(0, Math.floor(((out - 1) * s + k - inp) / 2)));
  const pt = padOf(h!, kh!, st[1]!, oh!);
  const pl = padOf(w!, kw!, st[2]!, ow!);
  const data = new Float64Array(n! * h! * w! * c!);
  for (let b = 0; b < n!; b++) for (let y = 0; y < oh!; y++) for (let x = 0; x < ow!; x++) for (let i = 0; i < kh!; i++) for (let j = 0; j < kw!; j++) {
    const iy = y * st[1]! + i - pt;
    const ix = x * st[2]! + j - pl;
    if (iy < 0 || iy >= h! || ix < 0 || ix >= w!) continue;
    for (let ci = 0; ci < c!; ci++) for (let co = 0; co < o!; co++) {
      data[((b * h! + iy) * w! + ix) * c! + ci]! += dy!.data[((b * oh! + y) * ow! + x) * o! + co]! * f!.data[((i * kw! + j) * c! + ci) * o! + co]!;
    }
  }
  return [makeValue(f!.dtype, [n!, h!, w!, c!], data)];
});

export { pySlice, pick, strides, attr };
