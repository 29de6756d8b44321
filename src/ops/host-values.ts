/**
 * Helpers for the host-stage array ops (sorted segments, unique, partitions, bincount, …): their
 * outputs' shapes depend on input values, or TF runs them on host memory, so a run evaluates
 * them in JS before the device plan (session/host-stage.ts) and feeds their outputs on.
 */
import { type DType, allocArray } from '../dtype.js';
import type { Operation } from '../graph/tensor.js';
import { fromHalf, toHalf } from '../float16.js';
import { NDArray } from '../ndarray.js';
import { isHostOp, registerHostOp } from '../session/host-stage.js';
import type { Attrs, Tensor } from '../graph/tensor.js';
import { type OutSpec, defineOp, getOpDef } from './registry.js';

/** The elements of `a` as plain numbers (float16 bits decoded). */
export function valuesOf(a: NDArray): Float64Array {
  const d = a.data as ArrayLike<number>;
  const out = new Float64Array(d.length);
  if (a.dtype === 'float16') for (let i = 0; i < d.length; i++) out[i] = fromHalf(d[i]!);
  else for (let i = 0; i < d.length; i++) out[i] = d[i]!;
  return out;
}

/** An NDArray of `dtype` holding `values` (stored as the CPU holds the dtype: float16 as bits, int64 as float64). */
export function arrayOf(values: ArrayLike<number>, shape: readonly number[], dtype: DType): NDArray {
  const data = allocArray(dtype, values.length);
  if (dtype === 'float16') for (let i = 0; i < values.length; i++) data[i] = toHalf(values[i]!);
  else if (dtype === 'bool') for (let i = 0; i < values.length; i++) data[i] = values[i] ? 1 : 0;
  else for (let i = 0; i < values.length; i++) data[i] = values[i]!;
  return new NDArray(data, shape, dtype);
}

/** Rows [start, start + count) of `a` viewed as [rows, width], copied (same storage form). */
export function copyRows(src: NDArray, dst: ArrayLike<number> & { [i: number]: number }, srcRow: number, dstRow: number, width: number): void {
  const s = src.data as ArrayLike<number>;
  for (let k = 0; k < width; k++) dst[dstRow * width + k] = s[srcRow * width + k]!;
}

export interface HostOpDef<A extends Attrs> {
  type: string;
  infer(ins: readonly Tensor[], attrs: A, name: string): OutSpec[];
  /** The op's outputs from its inputs' values; errors are thrown with the op's name. */
  run(ins: NDArray[], attrs: A, op: Operation): NDArray[];
}

/** Declare an op evaluated on the host before the device plan. */
export function defineHostOp<A extends Attrs>(def: HostOpDef<A>): void {
  defineOp<A>({
    type: def.type,
    infer: def.infer,
    lower: () => {
      throw new Error(`${def.type} runs on the host before the plan; it cannot be lowered`);
    },
    stateful: true,
  });
  registerHostOp(def.type, function* (op, ins) {
    return def.run(ins, op.attrs as A, op);
  });
}

const planKnown = new WeakMap<Tensor, boolean>();
const isIntT = (t: Tensor): boolean => t.dtype === 'int32' || t.dtype === 'int64';
/** Integer ops the plan builder folds when their inputs are plan-time values. */
const FOLDED = new Set([
  'Cast', 'StridedSlice', 'Pack', 'Mul', 'Add', 'AddV2', 'Sub', 'FloorDiv', 'FloorMod', 'Maximum', 'Minimum', 'Reshape', 'Prod',
  'Range', 'ConcatV2', 'ExpandDims', 'Squeeze', 'Slice', 'GatherV2', 'Fill', 'Tile', 'Unpack', 'DynamicStitch', 'BroadcastGradientArgs',
]);

/**
 * Whether `t`'s value may come from fed, variable, random or computed data, so the plan cannot
 * know it when it is built: anything but constants and tensor shapes, and integer arithmetic,
 * slicing and packing of those.
 */
export function fromData(t: Tensor): boolean {
  let known = planKnown.get(t);
  if (known === undefined) {
    const op = t.op;
    if (op.type === 'Const' || op.type === 'Shape' || op.type === 'Size' || op.type === 'Rank' || op.type === 'ShapeN') known = true;
    else known = FOLDED.has(op.type) && isIntT(t) && op.inputs.every((x) => isIntT(x) && !fromData(x));
    planKnown.set(t, known);
  }
  return !known;
}

const reaches = new WeakMap<Tensor, boolean>();
const SOURCES = new Set(['Placeholder', 'PlaceholderWithDefault', 'VariableV2', 'SparsePlaceholder']);
/**
 * Whether `t` depends on fed, variable, random or host-computed values at all (not only through
 * tensor shapes): a looser test than `fromData`, for ops whose plan-time form handles everything
 * computed from constants and shapes.
 */
export function reachesData(t: Tensor): boolean {
  let r = reaches.get(t);
  if (r === undefined) {
    const op = t.op;
    if (op.type === 'Const' || op.type === 'Shape' || op.type === 'Size' || op.type === 'Rank' || op.type === 'ShapeN') r = false;
    else if (SOURCES.has(op.type) || isHostOp(op) || getOpDef(op.type).stateful) r = true;
    else r = op.inputs.some((x) => reachesData(x));
    reaches.set(t, r);
  }
  return r;
}
