/**
 * map: an elementwise expression (expr.ts) over broadcast inputs, run as the JS loop generated
 * once per expression key. Splits over output rows; the shape is first cut so that a long flat
 * loop has rows to split (canonicalStrides), which changes no element's value.
 */
import type { DataArray } from '../../../dtype.js';
import { mapLoop } from '../../expr.js';
import type { Epilogue } from '../../prims.js';
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

/**
 * A matmul's or conv2d's epilogue (prims.ts Epilogue) over product rows [r0, r1): the rows the
 * kernel has just stored in outs[0], run through the expression as the map kernel runs it.
 */
export function runEpilogue(ep: Epilogue | undefined, ins: readonly DataArray[], outs: DataArray[], r0: number, r1: number): void {
  if (!ep || r1 <= r0) return;
  mapLoop(ep.expr, ep.strides.length)([outs[0]!, ...ins.slice(2)], outs, [ep.rows, ep.cols], ep.strides, r0, r1);
}
