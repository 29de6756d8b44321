/**
 * map: an elementwise expression (expr.ts) over broadcast inputs, run as the JS loop generated
 * once per expression key. Splits over output rows; the shape is first cut so that a long flat
 * loop has rows to split (canonicalStrides), which changes no element's value.
 */
import { mapLoop } from '../../expr.js';
import { canonicalStrides, rowsOf } from './strided.js';
import { type CpuKernel, splittable } from './types.js';

export const map: CpuKernel<'map'> = splittable<'map'>(
  (p, ins, outs, ctx) => mapLoop(p.expr, ins.length)(ins, outs, p.shape, p.strides, ctx.lo, ctx.hi),
  (p) => ({ units: p.shape.length === 0 ? 1 : rowsOf(p.shape), align: 1 }),
  {
    prepare: (p) => {
      const c = canonicalStrides(p.shape, p.strides);
      return { ...p, shape: c.shape, strides: c.strides };
    },
  },
);
