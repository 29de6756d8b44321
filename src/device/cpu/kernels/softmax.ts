/**
 * Numerically stable softmax / log-softmax over the last axis. float32 rows round every stage
 * to float32 and scale by the reciprocal of the sum, as TF's kernel does, so results agree with
 * TF to the last bit on typical inputs.
 */
import { type CpuKernel, splittable } from './types.js';

export const softmax: CpuKernel<'softmax'> = splittable<'softmax'>((p, [x], [o], ctx) => {
  const X = x!;
  const O = o!;
  const { size, log } = p;
  const r32 = O instanceof Float32Array ? Math.fround : (v: number) => v;
  for (let r = ctx.lo; r < ctx.hi; r++) {
    const b = r * size;
    let mx = -Infinity;
    for (let i = 0; i < size; i++) if (X[b + i]! > mx) mx = X[b + i]!;
    let sum = 0;
    for (let i = 0; i < size; i++) {
      const e = r32(Math.exp(r32(X[b + i]! - mx)));
      if (!log) O[b + i] = e;
      sum = r32(sum + e);
    }
    if (log) {
      const ls = r32(Math.log(sum));
      for (let i = 0; i < size; i++) O[b + i] = r32(X[b + i]! - mx) - ls;
    } else {
      const inv = r32(1 / sum);
      for (let i = 0; i < size; i++) O[b + i] = O[b + i]! * inv;
    }
  }
}, (p) => ({ units: p.outer, align: 1 }));
