import type { DataArray } from '../../../dtype.js';
import type { PrimName, PrimParams } from '../../prims.js';
import type { WasmKernels } from '../wasm/index.js';

export interface KernelCtx {
  /** Per-run dynamic slots (random-op counters). */
  dyn: Uint32Array;
  /** Graph op the step came from, for errors. */
  op: string;
  /**
   * The units [lo, hi) of the step this call computes (see `CpuKernel.split`). A kernel without
   * a split always gets the whole step.
   */
  lo: number;
  hi: number;
  /** WebAssembly SIMD kernels over the heap (views' byteOffsets address them), or null. */
  wasm: WasmKernels | null;
  /** Byte offset of this thread's scratch region in the heap (`scratchBytes` of the step). */
  scratch: number;
  /**
   * Byte offset of the plan's shared region (`sharedBytes`), filled by the step's `pre` phase
   * before its chunks run; 0 or absent when the step runs without it (inline, in one call).
   */
  shared?: number;
}

/**
 * How a step divides: `units` independent pieces; chunk boundaries fall on multiples of
 * `align`; a chunk gets at least `minUnits` units when the kernel repeats per-call work (e.g.
 * matmul repacks B in every call, so short row ranges pay for it again and again).
 */
export interface Split {
  units: number;
  align: number;
  minUnits?: number;
}

export interface CpuKernel<K extends PrimName> {
  (p: PrimParams[K], ins: DataArray[], outs: DataArray[], ctx: KernelCtx): void;
  /**
   * Present when any unit range can be computed on its own (outer rows, elements, …), each
   * output element the same way whatever the range, so results never depend on how a step was
   * cut. Gets the step's views, as the kernel does (it may pick a wasm path by dtype).
   */
  split?: (p: PrimParams[K], ins: DataArray[], outs: DataArray[], wasm: WasmKernels | null) => Split;
  /**
   * Rewrites the step's params once at compile time into an equivalent form that runs or splits
   * better (e.g. merged strided axes).
   */
  prepare?: (p: PrimParams[K]) => PrimParams[K];
  /** Heap scratch bytes one call needs per thread (e.g. packed matmul panels). */
  scratchBytes?: (p: PrimParams[K], ins: DataArray[], outs: DataArray[], wasm: WasmKernels | null) => number;
  /**
   * Heap bytes, one region per plan, that `pre` fills once for all of a split step's chunks
   * (e.g. matmul's packed B).
   */
  sharedBytes?: (p: PrimParams[K], ins: DataArray[], outs: DataArray[], wasm: WasmKernels | null) => number;
  /**
   * A phase run before a split step's chunks, itself split over `units(...)` units (0: the
   * step has none), that writes ctx.shared for them; the chunks start once it is done.
   */
  pre?: {
    units: (p: PrimParams[K], ins: DataArray[], outs: DataArray[], wasm: WasmKernels | null) => number;
    run: (p: PrimParams[K], ins: DataArray[], outs: DataArray[], ctx: KernelCtx) => void;
  };
}

/** The CPU kernel table: a family missing here is a compile error. */
export type CpuKernelTable = { [K in PrimName]: CpuKernel<K> };

/** A kernel over the given units, declared with its split in one expression. */
export function splittable<K extends PrimName>(
  run: (p: PrimParams[K], ins: DataArray[], outs: DataArray[], ctx: KernelCtx) => void,
  split: NonNullable<CpuKernel<K>['split']>,
  extra: Pick<CpuKernel<K>, 'prepare' | 'scratchBytes' | 'sharedBytes' | 'pre'> = {},
): CpuKernel<K> {
  return Object.assign(run, { split }, extra);
}

/** Whether the wasm kernels apply: float32 arrays only. */
export function useWasm(wasm: WasmKernels | null, ...arrays: DataArray[]): wasm is WasmKernels {
  if (!wasm) return false;
  for (const a of arrays) if (!(a instanceof Float32Array)) return false;
  return true;
}
