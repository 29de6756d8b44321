/**
 * Reductions over the middle axis of an [outer, size, inner] view. Float32 sum/prod/max/min run
 * in wasm split over outer rows; the rest split over output elements. Either way each output
 * is reduced the same way whatever the split.
 */
import type { DataArray } from '../../../dtype.js';
import type { PrimParams } from '../../prims.js';
import type { WasmKernels } from '../wasm/index.js';
import { type CpuKernel, splittable, useWasm } from './types.js';

const wasmFn = (p: PrimParams['reduce'], x: DataArray, o: DataArray, w: WasmKernels | null) =>
  (p.fn === 'sum' || p.fn === 'prod' || p.fn === 'max' || p.fn === 'min') && useWasm(w, x, o) ? p.fn : null;

export const reduce: CpuKernel<'reduce'> = splittable<'reduce'>((p, [x], [o], ctx) => {
  const X = x!;
  const O = o!;
  const { size, inner, fn } = p;
  const wf = wasmFn(p, X, O, ctx.wasm);
  if (wf) {
    ctx.wasm!.reduce(wf, X.byteOffset + ctx.lo * size * inner * 4, O.byteOffset + ctx.lo * inner * 4, ctx.hi - ctx.lo, size, inner);
    return;
  }
  const init = fn === 'sum' || fn === 'any' ? 0 : fn === 'prod' || fn === 'all' ? 1 : fn === 'max' ? -Infinity : Infinity;
  // units are output elements a·inner + i
  const aLo = Math.floor(ctx.lo / inner);
  const aHi = Math.ceil(ctx.hi / inner);
  for (let a = aLo; a < aHi; a++) {
    const base = a * size * inner;
    const ob = a * inner;
    if (inner === 1) {
      let acc = init;
      switch (fn) {
        case 'sum':
          for (let r = 0; r < size; r++) acc += X[base + r]!;
          break;
        case 'prod':
          for (let r = 0; r < size; r++) acc *= X[base + r]!;
          break;
        case 'max':
          for (let r = 0; r < size; r++) { const v = X[base + r]!; if (v > acc || v !== v) acc = v; }
          break;
        case 'min':
          for (let r = 0; r < size; r++) { const v = X[base + r]!; if (v < acc || v !== v) acc = v; }
          break;
        case 'any':
          for (let r = 0; r < size; r++) if (X[base + r]) { acc = 1; break; }
          break;
        case 'all':
          for (let r = 0; r < size; r++) if (!X[base + r]) { acc = 0; break; }
          break;
      }
      O[ob] = acc;
      continue;
    }
    const i0 = Math.max(0, ctx.lo - ob);
    const i1 = Math.min(inner, ctx.hi - ob);
    // max/min start from the first row: ±Infinity stored into an integer array would be 0
    const first = (fn === 'max' || fn === 'min') && size > 0;
    for (let i = i0; i < i1; i++) O[ob + i] = first ? X[base + i]! : init;
    for (let r = first ? 1 : 0; r < size; r++) {
      const row = base + r * inner;
      switch (fn) {
        case 'sum':
          for (let i = i0; i < i1; i++) O[ob + i] += X[row + i]!;
          break;
        case 'prod':
          for (let i = i0; i < i1; i++) O[ob + i] *= X[row + i]!;
          break;
        case 'max':
          for (let i = i0; i < i1; i++) { const v = X[row + i]!; if (v > O[ob + i]! || v !== v) O[ob + i] = v; }
          break;
        case 'min':
          for (let i = i0; i < i1; i++) { const v = X[row + i]!; if (v < O[ob + i]! || v !== v) O[ob + i] = v; }
          break;
        case 'any':
          for (let i = i0; i < i1; i++) if (X[row + i]) O[ob + i] = 1;
          break;
        case 'all':
          for (let i = i0; i < i1; i++) if (!X[row + i]) O[ob + i] = 0;
          break;
      }
    }
  }
}, (p, [x], [o], w) => (wasmFn(p, x!, o!, w) ? { units: p.outer, align: 1 } : { units: p.outer * p.inner, align: p.inner > 1 ? 16 : 1 }));

export const argReduce: CpuKernel<'argReduce'> = splittable<'argReduce'>((p, [x], [o], ctx) => {
  const X = x!;
  const O = o!;
  const { size, inner } = p;
  const max = p.fn === 'argmax';
  for (let u = ctx.lo; u < ctx.hi; u++) {
    {
      const i = u % inner;
      const a = (u - i) / inner;
      const base = a * size * inner + i;
      let best = X[base]!;
      let bi = 0;
      for (let r = 1; r < size; r++) {
        const v = X[base + r * inner]!;
        if (best !== best) break; // NaN wins, first occurrence
        if (v !== v || (max ? v > best : v < best)) {
          best = v;
          bi = r;
        }
      }
      O[u] = bi;
    }
  }
}, (p) => ({ units: p.outer * p.inner, align: 1 }));
