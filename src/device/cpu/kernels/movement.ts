/** Data movement: strided copy, concat, gather and its inverse scatter-add, fill, range. */
import type { DataArray } from '../../../dtype.js';
import { InvalidArgumentError } from '../../../errors.js';
import type { WasmKernels } from '../wasm/index.js';
import { canonicalStrides, rowStart, rowsOf } from './strided.js';
import { type CpuKernel, splittable } from './types.js';

/** Shortest contiguous float32 run worth a wasm call. */
const BULK_MIN = 32;

/**
 * O[oo .. oo+n) = X[xo .. xo+n) for distinct buffers. (Not TypedArray#set: with both views on
 * the one heap buffer it copies the source first.)
 */
function copyRun(w: WasmKernels | null, X: DataArray, xo: number, O: DataArray, oo: number, n: number): void {
  if (n >= BULK_MIN && w && X instanceof Float32Array && O instanceof Float32Array) {
    w.unary('copy', X.byteOffset + xo * 4, O.byteOffset + oo * 4, n);
    return;
  }
  for (let i = 0; i < n; i++) O[oo + i] = X[xo + i]!;
}

export const copy: CpuKernel<'copy'> = splittable<'copy'>((p, [x], [o], ctx) => {
  const X = x!;
  const O = o!;
  const { outShape: shape, inStrides: st, inOffset } = p;
  const r = shape.length;
  if (r === 0) {
    O[0] = X[inOffset]!;
    return;
  }
  const inner = shape[r - 1]!;
  const si = st[r - 1]!;
  const idx = new Array<number>(r).fill(0);
  let off = rowStart(shape, [st], ctx.lo, idx, [inOffset])[0]!;
  let oo = ctx.lo * inner;
  for (let row = ctx.lo; row < ctx.hi; row++) {
    if (si === 1) {
      copyRun(ctx.wasm, X, off, O, oo, inner);
    } else if (si === 0) {
      // a broadcast along the row (e.g. a gradient's BroadcastTo of a scalar)
      O.fill(X[off]!, oo, oo + inner);
    } else {
      let q = off;
      for (let i = 0; i < inner; i++, q += si) O[oo + i] = X[q]!;
    }
    oo += inner;
    for (let d = r - 2; d >= 0; d--) {
      idx[d]!++;
      off += st[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= st[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}, (p) => ({ units: p.outShape.length === 0 ? 1 : rowsOf(p.outShape), align: 1 }), {
  prepare: (p) => {
    const c = canonicalStrides(p.outShape, [p.inStrides]);
    return { ...p, outShape: c.shape, inStrides: c.strides[0]! };
  },
});

export const concat: CpuKernel<'concat'> = splittable<'concat'>((p, ins, [o], ctx) => {
  const O = o!;
  const total = p.inners.reduce((a, b) => a + b, 0);
  for (let a = ctx.lo; a < ctx.hi; a++) {
    let col = a * total;
    for (let j = 0; j < ins.length; j++) {
      const w = p.inners[j]!;
      copyRun(ctx.wasm, ins[j]!, a * w, O, col, w);
      col += w;
    }
  }
}, (p) => ({ units: p.outer, align: 1 }));

function badIndex(op: string, i: number, v: number, axisSize: number): never {
  throw new InvalidArgumentError(`indices[${i}] = ${v} is not in [0, ${axisSize})`, op);
}

export const gather: CpuKernel<'gather'> = splittable<'gather'>((p, [x, idx], [o], ctx) => {
  const { axisSize, inner, nIdx } = p;
  const I = idx!;
  for (let j = 0; j < nIdx; j++) {
    const v = I[j]!;
    if (v < 0 || v >= axisSize) badIndex(ctx.op, j, v, axisSize);
  }
  const X = x!;
  const O = o!;
  for (let u = ctx.lo; u < ctx.hi; u++) {
    const j = u % nIdx;
    const a = (u - j) / nIdx;
    copyRun(ctx.wasm, X, (a * axisSize + I[j]!) * inner, O, u * inner, inner);
  }
}, (p) => ({ units: p.outer * p.nIdx, align: 1 }));

/** out[j] = the first position of idx[j] among the indices (one pass over a hash map). */
export const firstIndex: CpuKernel<'firstIndex'> = (p, [idx], [o], ctx) => {
  const I = idx!;
  const O = o!;
  const first = new Map<number, number>();
  for (let j = 0; j < p.n; j++) {
    const v = I[j]!;
    if (v < 0 || v >= p.axisSize) badIndex(ctx.op, j, v, p.axisSize);
    const f = first.get(v);
    if (f === undefined) {
      first.set(v, j);
      O[j] = j;
    } else {
      O[j] = f;
    }
  }
};

export const scatterAdd: CpuKernel<'scatterAdd'> = splittable<'scatterAdd'>((p, [u, idx], [o], ctx) => {
  const { axisSize, inner, nIdx } = p;
  const I = idx!;
  for (let j = 0; j < nIdx; j++) {
    const v = I[j]!;
    if (v < 0 || v >= axisSize) badIndex(ctx.op, j, v, axisSize);
  }
  const U = u!;
  const O = o!;
  O.fill(0, ctx.lo * axisSize * inner, ctx.hi * axisSize * inner);
  const fn = p.fn ?? 'sum';
  if (fn !== 'sum') {
    const seen = new Uint8Array(axisSize);
    for (let a = ctx.lo; a < ctx.hi; a++) {
      seen.fill(0);
      for (let j = 0; j < nIdx; j++) {
        const dst = (a * axisSize + I[j]!) * inner;
        const src = (a * nIdx + j) * inner;
        if (!seen[I[j]!]) {
          seen[I[j]!] = 1;
          for (let i = 0; i < inner; i++) O[dst + i] = U[src + i]!;
        } else if (fn === 'prod') {
          for (let i = 0; i < inner; i++) O[dst + i] *= U[src + i]!;
        } else if (fn === 'max') {
          for (let i = 0; i < inner; i++) if (U[src + i]! > O[dst + i]!) O[dst + i] = U[src + i]!;
        } else {
          for (let i = 0; i < inner; i++) if (U[src + i]! < O[dst + i]!) O[dst + i] = U[src + i]!;
        }
      }
    }
    return;
  }
  for (let a = ctx.lo; a < ctx.hi; a++) {
    for (let j = 0; j < nIdx; j++) {
      const dst = (a * axisSize + I[j]!) * inner;
      const src = (a * nIdx + j) * inner;
      for (let i = 0; i < inner; i++) O[dst + i] += U[src + i]!;
    }
  }
}, (p) => ({ units: p.outer, align: 1 }));

export const fill: CpuKernel<'fill'> = splittable<'fill'>((p, _ins, [o], ctx) => {
  o!.fill(p.value, ctx.lo, ctx.hi);
}, (p) => ({ units: p.n, align: 16 }));

export const range: CpuKernel<'range'> = splittable<'range'>((p, _ins, [o], ctx) => {
  const O = o!;
  for (let i = ctx.lo; i < ctx.hi; i++) O[i] = p.start + i * p.delta;
}, (p) => ({ units: p.n, align: 16 }));
