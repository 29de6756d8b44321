import type { DataArray } from '../../../dtype.js';
import type { PrimName, PrimParams } from '../../prims.js';

export interface KernelCtx {
  /** Per-run dynamic slots (random-op counters). */
  dyn: Uint32Array;
  /** Graph op the step came from, for errors. */
  op: string;
}

export type CpuKernel<K extends PrimName> = (p: PrimParams[K], ins: DataArray[], outs: DataArray[], ctx: KernelCtx) => void;

/** The CPU kernel table: a family missing here is a compile error. */
export type CpuKernelTable = { [K in PrimName]: CpuKernel<K> };
