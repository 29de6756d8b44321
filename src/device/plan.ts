/**
 * The plain data a session hands a device: buffers and steps, no graph objects.
 */
import type { DType, DataArray } from '../dtype.js';
import type { PrimName, PrimParams } from './prims.js';

export type PlanBuffer =
  /** Scratch in the plan's arena at a byte offset chosen by the memory planner. */
  | { id: number; kind: 'temp'; dtype: DType; size: number; offset: number }
  /** A variable's persistent storage, named by the variable's op name. */
  | { id: number; kind: 'var'; dtype: DType; size: number; key: string }
  /** A constant uploaded once when the plan compiles. */
  | { id: number; kind: 'const'; dtype: DType; size: number; data: DataArray };

export interface Step<K extends PrimName = PrimName> {
  prim: K;
  params: PrimParams[K];
  inputs: number[];
  outputs: number[];
  /** Name of the graph op this step came from, for errors. */
  op: string;
}

export type AnyStep = { [K in PrimName]: Step<K> }[PrimName];

export interface Plan {
  buffers: PlanBuffer[];
  steps: AnyStep[];
  /** Bytes of arena the temps need (offsets are aligned to the device's alignment). */
  arenaBytes: number;
  /** Temp buffers the caller fills before the steps run, in `run`'s feed order. */
  feeds: number[];
  /** Buffers read back after the steps, in `run`'s result order. */
  fetches: number[];
  /** After the fetches are read: copy each `from` into variable buffer `to`. */
  commits: { from: number; to: number }[];
  /**
   * After the fetches are read: write rows into variable buffers in place (sparse updates).
   * Row `r` of `values` ([rows, rowSize]) goes to row `indices[r]` (int32, already checked in
   * range by a step of the plan) of variable buffer `to`; rows of repeated indices hold equal
   * values, so the order of the writes does not matter. Only where every step succeeded.
   */
  rowCommits?: { values: number; indices: number; to: number; rows: number; rowSize: number }[];
  /** Number of per-run dynamic u32 slots (random-op counters). */
  dynSlots: number;
}
