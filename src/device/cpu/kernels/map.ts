/**
 * map: an elementwise expression (expr.ts) over broadcast inputs. Float32 tensors whose
 * expression has a float32 form run as its wasm SIMD function (../wasm/map.ts), everything else
 * as the JS loop generated once per expression key; both give the same bits. Splits over output
 * rows; the shape is first cut so that a long flat loop has rows to split (canonicalStrides),
 * which changes no element's value.
 */
import type { DataArray } from '../../../dtype.js';
import { mapLoop, type Expr } from '../../expr.js';
import type { Epilogue } from '../../prims.js';
import { wasmMapRows } from '../wasm/map.js';
import type { WasmKernels } from '../wasm/index.js';
import { canonicalStrides, rowsOf } from './strided.js';
import { type CpuKernel, splittable } from './types.js';

function runMap(wasm: WasmKernels | null, e: Expr, ins: DataArray[], outs: DataArray[], shape: number[], strides: number[][], lo: number, hi: number): void {
  if (wasm && wasmMapRows(wasm.memory, e, ins, outs, shape, strides, lo, hi)) return;
  mapLoop(e, ins.length)(ins, outs, shape, strides, lo, hi);
}

export const map: CpuKernel<'map'> = splittable<'map'>(
  (p, ins, outs, ctx) => runMap(ctx.wasm, p.expr, ins, outs, p.shape, p.strides, ctx.lo, ctx.hi),
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
export function runEpilogue(ep: Epilogue | undefined, ins: readonly DataArray[], outs: DataArray[], r0: number, r1: number, wasm: WasmKernels | null): void {
  if (!ep || r1 <= r0) return;
  runMap(wasm, ep.expr, [outs[0]!, ...ins.slice(2)], outs, [ep.rows, ep.cols], ep.strides, r0, r1);
}
