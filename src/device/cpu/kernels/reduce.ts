/** Reductions over the middle axis of an [outer, size, inner] view. */
import type { CpuKernel } from './types.js';

export const reduce: CpuKernel<'reduce'> = (p, [x], [o]) => {
  const X = x!;
  const O = o!;
  const { outer, size, inner, fn } = p;
  const init = fn === 'sum' || fn === 'any' ? 0 : fn === 'prod' || fn === 'all' ? 1 : fn === 'max' ? -Infinity : Infinity;
  for (let a = 0; a < outer; a++) {
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
    for (let i = 0; i < inner; i++) O[ob + i] = init;
    for (let r = 0; r < size; r++) {
      const row = base + r * inner;
      switch (fn) {
        case 'sum':
          for (let i = 0; i < inner; i++) O[ob + i] += X[row + i]!;
          break;
        case 'prod':
          for (let i = 0; i < inner; i++) O[ob + i] *= X[row + i]!;
          break;
        case 'max':
          for (let i = 0; i < inner; i++) { const v = X[row + i]!; if (v > O[ob + i]! || v !== v) O[ob + i] = v; }
          break;
        case 'min':
          for (let i = 0; i < inner; i++) { const v = X[row + i]!; if (v < O[ob + i]! || v !== v) O[ob + i] = v; }
          break;
        case 'any':
          for (let i = 0; i < inner; i++) if (X[row + i]) O[ob + i] = 1;
          break;
        case 'all':
          for (let i = 0; i < inner; i++) if (!X[row + i]) O[ob + i] = 0;
          break;
      }
    }
  }
};

export const argReduce: CpuKernel<'argReduce'> = (p, [x], [o]) => {
  const X = x!;
  const O = o!;
  const { outer, size, inner } = p;
  const max = p.fn === 'argmax';
  for (let a = 0; a < outer; a++) {
    for (let i = 0; i < inner; i++) {
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
      O[a * inner + i] = bi;
    }
  }
};
