/** Row slicing and dtype conversion of the host arrays `fit`, `evaluate` and `predict` feed. */
import type { DType } from '../dtype.js';
import { ValueError } from '../errors.js';
import { NDArray, flattenTo, inferDType, inferShape } from '../ndarray.js';

export type ArrayInput = NDArray | number[] | number[][] | number[][][] | number[][][][];

/** An NDArray from an NDArray or a nested JS array. */
export function toND(a: unknown, what: string): NDArray {
  if (a instanceof NDArray) return a;
  if (Array.isArray(a)) {
    const shape = inferShape(a);
    const dtype = inferDType(a) === 'bool' ? 'bool' : 'float32';
    return new NDArray(flattenTo(a, dtype, shape.reduce((p, q) => p * q, 1)) as Float32Array, shape, dtype);
  }
  throw new ValueError(`${what}: expected an NDArray or a nested array, got ${String(a)}`);
}

/** `x` as a list of arrays (one per model input). */
export function toList(x: unknown, what: string): NDArray[] {
  if (x instanceof NDArray) return [x];
  if (Array.isArray(x) && x.length > 0 && x.every((e) => e instanceof NDArray)) return x as NDArray[];
  return [toND(x, what)];
}

export function rowWidth(a: NDArray): number {
  return a.shape.slice(1).reduce((p, q) => p * q, 1);
}

/** The rows `idx` of `a` (a new array). */
export function takeRows(a: NDArray, idx: ArrayLike<number>): NDArray {
  const w = rowWidth(a);
  const src = a.data as unknown as { subarray(s: number, e: number): ArrayLike<number>; constructor: new (n: number) => { set(v: ArrayLike<number>, o: number): void } };
  const out = new src.constructor(idx.length * w);
  for (let i = 0; i < idx.length; i++) out.set(src.subarray(idx[i]! * w, (idx[i]! + 1) * w), i * w);
  return new NDArray(out as never, [idx.length, ...a.shape.slice(1)], a.dtype);
}

/** Rows [start, end). */
export function sliceRows(a: NDArray, start: number, end: number): NDArray {
  const w = rowWidth(a);
  const d = a.data as unknown as { slice(s: number, e: number): unknown };
  return new NDArray(d.slice(start * w, end * w) as never, [end - start, ...a.shape.slice(1)], a.dtype);
}

/** Stack row blocks back into one array. */
export function concatRows(parts: NDArray[]): NDArray {
  const first = parts[0]!;
  const n = parts.reduce((s, p) => s + p.shape[0]!, 0);
  const w = rowWidth(first);
  const Ctor = (first.data as unknown as { constructor: new (n: number) => { set(v: ArrayLike<number>, o: number): void } }).constructor;
  const out = new Ctor(n * w);
  let off = 0;
  for (const p of parts) {
    out.set(p.data as unknown as ArrayLike<number>, off);
    off += p.size;
  }
  return new NDArray(out as never, [n, ...first.shape.slice(1)], first.dtype);
}

/** `a` as `dtype` and `shape` (same number of elements) for feeding a placeholder. */
export function conform(a: NDArray, dtype: DType, shape: readonly (number | null)[] | null, kind: string, name: string): NDArray {
  const what = `${kind}: expected ${name}`;
  let out = a;
  if (a.dtype !== dtype) {
    const numeric: Record<string, new (src: ArrayLike<number>) => unknown> = {
      float32: Float32Array, float64: Float64Array, int32: Int32Array, uint8: Uint8Array, int16: Int16Array, int8: Int8Array, uint16: Uint16Array,
    };
    const C = numeric[dtype];
    if (!C || a.dtype === 'string' || a.dtype === 'int64') throw new ValueError(`Error when checking ${kind}: cannot feed ${a.dtype} data to ${name} (${dtype})`);
    const src = a.dtype === 'bool' ? Array.from(a.data as unknown as ArrayLike<number>, Number) : (a.data as unknown as ArrayLike<number>);
    out = new NDArray(new C(src) as never, a.shape, dtype);
  }
  if (shape !== null && shape.length !== out.shape.length) {
    const rest = shape.slice(1);
    if (rest.every((d) => d !== null) && rest.reduce<number>((p, q) => p * q!, 1) === rowWidth(out)) {
      out = new NDArray(out.data, [out.shape[0]!, ...(rest as number[])], out.dtype);
    } else {
      throw new ValueError(`Error when checking ${what} to have ${shape.length} dimensions, but got array with shape (${out.shape.join(', ')})`);
    }
  }
  if (shape !== null) {
    for (let i = 1; i < shape.length; i++) {
      if (shape[i] !== null && shape[i] !== out.shape[i]) {
        throw new ValueError(`Error when checking ${what} to have shape (${shape.slice(1).map((d) => d ?? 'None').join(', ')}${shape.length === 2 ? ',' : ''}) but got array with shape (${out.shape.slice(1).join(', ')}${out.shape.length === 2 ? ',' : ''})`);
      }
    }
  }
  return out;
}
