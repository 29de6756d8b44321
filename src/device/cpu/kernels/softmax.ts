/**
 * Numerically stable softmax / log-softmax over the last axis. float32 rows round every stage
 * to float32 and scale by the reciprocal of the sum, as TF's kernel does, so results agree with
 * TF to the last bit on typical inputs. The rounding is written as `Math.fround` in a loop of
 * its own per case: called through a variable it is not inlined and costs ~5× the math.
 */
import type { DataArray } from '../../../dtype.js';
import { type CpuKernel, splittable } from './types.js';

type Rows = (X: DataArray, O: DataArray, lo: number, hi: number, size: number, log: boolean) => void;

function rows(round: (s: string) => string): Rows {
  const src = `
    for (let r = lo; r < hi; r++) {
      const b = r * size;
      let mx = -Infinity;
      for (let i = 0; i < size; i++) if (X[b + i] > mx) mx = X[b + i];
      let sum = 0;
      for (let i = 0; i < size; i++) {
        const e = ${round(`Math.exp(${round('X[b + i] - mx')})`)};
        if (!log) O[b + i] = e;
        sum = ${round('sum + e')};
      }
      if (log) {
        const ls = ${round('Math.log(sum)')};
        for (let i = 0; i < size; i++) O[b + i] = ${round('X[b + i] - mx')} - ls;
      } else {
        const inv = ${round('1 / sum')};
        for (let i = 0; i < size; i++) O[b + i] = O[b + i] * inv;
      }
    }`;
  return new Function('X', 'O', 'lo', 'hi', 'size', 'log', src) as Rows;
}

const rowsF32 = rows((e) => `Math.fround(${e})`);
const rowsF64 = rows((e) => `(${e})`);

export const softmax: CpuKernel<'softmax'> = splittable<'softmax'>(
  (p, [x], [o], ctx) => (o instanceof Float32Array ? rowsF32 : rowsF64)(x!, o!, ctx.lo, ctx.hi, p.size, p.log),
  (p) => ({ units: p.outer, align: 1 }),
);
