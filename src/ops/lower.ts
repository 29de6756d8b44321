/**
 * What an op's `lower` sees at plan time: concrete values and an emitter of device primitives.
 * Every helper computes concrete output shapes and raises TF's run-time errors (with the op's
 * name) when shapes do not fit.
 */
import type { DType } from '../dtype.js';
import type { ArgReduceFn, BinaryFn, PrimName, PrimParams, RandomDist, ReduceFn, ScatterFn, UnaryFn, WindowGeom } from '../device/prims.js';
import type { NDArray } from '../ndarray.js';

/** A plan-time value: a buffer with a concrete shape. */
export interface Val {
  readonly id: number;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Set on the version of a variable that a ref input sees. */
  readonly varKey?: string;
}

export interface Lower {
  /** Name of the op being lowered (for error texts). */
  readonly opName: string;
  /** Emit one primitive step with explicitly given output descriptions. */
  prim<K extends PrimName>(prim: K, params: PrimParams[K], inputs: Val[], outs: { dtype: DType; shape: number[] }[]): Val[];
  constant(value: NDArray): Val;
  scalar(value: number, dtype: DType): Val;
  fill(shape: readonly number[], value: number, dtype: DType): Val;
  unary(fn: UnaryFn, x: Val, alpha?: number): Val;
  /** Broadcasting binary op; `Incompatible shapes: [2,3] vs. [4]` on mismatch. */
  binary(fn: BinaryFn, a: Val, b: Val, alpha?: number): Val;
  select(cond: Val, a: Val, b: Val): Val;
  cast(x: Val, dtype: DType): Val;
  /** Reduce over `axes` (already normalised, any order). */
  reduce(fn: ReduceFn, x: Val, axes: readonly number[], keepDims: boolean): Val;
  /** Index of the max/min along `axis`, as `outDType` (int32 or int64; default int32). */
  argReduce(fn: ArgReduceFn, x: Val, axis: number, outDType?: DType): Val;
  reshape(x: Val, shape: readonly number[]): Val;
  transpose(x: Val, perm: readonly number[]): Val;
  slice(x: Val, begin: readonly number[], size: readonly number[]): Val;
  broadcastTo(x: Val, shape: readonly number[]): Val;
  /** Sum `x` down to `shape` (the inverse of broadcasting), then reshape to it. */
  unbroadcast(x: Val, shape: readonly number[]): Val;
  concat(xs: Val[], axis: number): Val;
  gather(x: Val, indices: Val, axis: number): Val;
  /** Updates summed (or combined by `fn`) into zeros of `axisSize` along `axis`. */
  scatterAdd(updates: Val, indices: Val, axis: number, axisSize: number, fn?: ScatterFn): Val;
  matmul(a: Val, b: Val, transposeA: boolean, transposeB: boolean): Val;
  range(n: number, start: number, delta: number, dtype: DType): Val;
  random(shape: readonly number[], dist: RandomDist, seed: [number, number], scale: number, shift: number): Val;
  softmax(x: Val, log: boolean): Val;
  window<K extends 'conv2d' | 'conv2dBackpropInput' | 'conv2dBackpropFilter' | 'maxPool' | 'maxPoolGrad' | 'avgPool' | 'avgPoolGrad'>(
    prim: K, inputs: Val[], geom: PrimParams[K], out: { dtype: DType; shape: number[] },
  ): Val;
  /** Give the variable that `ref` is a version of the new value `value`; returns the new version. */
  assign(ref: Val, value: Val): Val;
  /**
   * Give the variable behind `ref`, viewed as [N, row] with the row size of `rows` [n, ...], the
   * rows `rows` at `indices` [n] (rows of repeated indices must be equal); returns the new
   * version. Costs O(n × row) when `ref` is the stored value: the rows are written into the
   * variable in place after the run.
   */
  assignRows(ref: Val, indices: Val, rows: Val): Val;
  /** int32 [n]: for each of the indices [n] into an axis of `axisSize`, the first position holding the same index; checks the range. */
  firstIndex(indices: Val, axisSize: number): Val;
  /** The concrete value of a tensor that only depends on shapes and constants, if foldable. */
  constValue(x: Val): NDArray | null;
  /**
   * The value of `x` when the plan is built. A value computed from fed or run-time data is
   * computed first, by the session, and the plan is built again with it as a constant (one plan
   * per value); where it cannot be, the error `err` makes is thrown.
   */
  requireValue(x: Val, err: () => Error): NDArray;
}

export type { WindowGeom };
