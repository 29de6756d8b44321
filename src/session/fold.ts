/**
 * Host evaluation of small integer results whose operands are plan-time constants: the shape
 * arithmetic of TF-written gradient graphs (`Prod(Shape(x))`, `FloorDiv`, `Maximum(…, 1)`, a
 * `Cast` of it) stays a known value, so ops reading it as a shape, axes or multiples can lower.
 * The step itself still runs on the device; the folded value only informs later lowering.
 */
import { type DType, allocArray, isInt } from '../dtype.js';
import type { BinaryFn, ReduceFn } from '../device/prims.js';
import { NDArray } from '../ndarray.js';
import { broadcastShapes, sizeOf, stridesOf } from '../shape.js';

/** Largest folded result (elements): shape vectors and axis lists are far smaller. */
export const FOLD_LIMIT = 4096;

const foldable = (d: DType): boolean => d === 'int32' || d === 'int64';

const BIN: Partial<Record<BinaryFn, (a: number, b: number) => number>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  maximum: Math.max,
  minimum: Math.min,
  truncDiv: (a, b) => Math.trunc(a / b),
  floorDiv: (a, b) => Math.floor(a / b),
  // TF's FloorMod: the result has the divisor's sign.
  mod: (a, b) => ((a % b) + b) % b,
  equal: (a, b) => Number(a === b),
  notEqual: (a, b) => Number(a !== b),
  less: (a, b) => Number(a < b),
  lessEqual: (a, b) => Number(a <= b),
  greater: (a, b) => Number(a > b),
  greaterEqual: (a, b) => Number(a >= b),
};

/** `fn(a, b)` broadcast, for integer operands; null when not foldable (or a division by 0). */
export function foldBinary(fn: BinaryFn, a: NDArray, b: NDArray, outDType: DType): NDArray | null {
  const f = BIN[fn];
  if (!f || !foldable(a.dtype) || a.dtype !== b.dtype) return null;
  const shape = broadcastShapes(a.shape, b.shape);
  if (!shape || sizeOf(shape) > FOLD_LIMIT) return null;
  const n = sizeOf(shape);
  const out = allocArray(outDType, n);
  const ia = indexer(a.shape, shape);
  const ib = indexer(b.shape, shape);
  for (let i = 0; i < n; i++) {
    const y = Number(b.data[ib(i)]);
    if (y === 0 && (fn === 'truncDiv' || fn === 'floorDiv' || fn === 'mod')) return null;
    let v = f(Number(a.data[ia(i)]), y);
    if (outDType === 'int32') v |= 0;
    else if (outDType === 'int64') v += 0; // never -0
    out[i] = v;
  }
  return new NDArray(out, shape, outDType);
}

/** Flat index into `from` (broadcast to `to`) of the flat index `i` of `to`. */
function indexer(from: readonly number[], to: readonly number[]): (i: number) => number {
  if (sizeOf(from) === 1) return () => 0;
  const lead = to.length - from.length;
  const st = stridesOf(from);
  const tst = stridesOf(to);
  return (i) => {
    let o = 0;
    for (let d = 0; d < to.length; d++) {
      const k = Math.floor(i / tst[d]!) % to[d]!;
      const fd = d - lead;
      if (fd >= 0 && from[fd] !== 1) o += k * st[fd]!;
    }
    return o;
  };
}

/** An integer reduction over `axes`. */
export function foldReduce(fn: ReduceFn, x: NDArray, axes: readonly number[], outShape: readonly number[]): NDArray | null {
  if (!foldable(x.dtype) || (fn !== 'sum' && fn !== 'prod' && fn !== 'max' && fn !== 'min')) return null;
  const set = new Set(axes);
  const st = stridesOf(x.shape);
  const keptDims = x.shape.map((_, i) => i).filter((i) => !set.has(i));
  const n = sizeOf(outShape);
  const init = fn === 'sum' ? 0 : fn === 'prod' ? 1 : fn === 'max' ? -Infinity : Infinity;
  const acc = new Array<number>(n).fill(init);
  for (let i = 0; i < x.size; i++) {
    let o = 0;
    for (const d of keptDims) o = o * x.shape[d]! + (Math.floor(i / st[d]!) % x.shape[d]!);
    const v = Number(x.data[i]);
    const a = acc[o]!;
    acc[o] = fn === 'sum' ? a + v : fn === 'prod' ? a * v : fn === 'max' ? Math.max(a, v) : Math.min(a, v);
  }
  const out = allocArray(x.dtype, n);
  acc.forEach((v, i) => (out[i] = x.dtype === 'int32' ? v | 0 : v));
  return new NDArray(out, [...outShape], x.dtype);
}

/** Integer ↔ integer or integer → float casts (exact for shape arithmetic). */
export function foldCast(x: NDArray, to: DType): NDArray | null {
  if (!foldable(x.dtype) || !(isInt(to) || to === 'float32' || to === 'float64')) return null;
  const out = allocArray(to, x.size);
  for (let i = 0; i < x.size; i++) out[i] = to === 'int32' ? Number(x.data[i]) | 0 : Number(x.data[i]);
  return new NDArray(out, [...x.shape], to);
}
