/** Turning `TensorLike` values into graph tensors (a `Const` op for host values). */
import { type DType, parseDType, storedToNumber } from '../dtype.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Graph } from '../graph/graph.js';
import { Tensor } from '../graph/tensor.js';
import { type ComplexValue, NDArray, dtypeOfArray, flattenTo, inferDType, inferShape } from '../ndarray.js';
import { sizeOf } from '../shape.js';
import type { DataArray } from '../dtype.js';

/** Anything that can be used as a tensor (see Variable for the `toTensor` hook). */
export interface TensorConvertible {
  toTensor(): Tensor;
}

/**
 * A string is a byte string of a `string` tensor (UTF-8 encoded; a Uint8Array inside an array is
 * raw bytes); a `{re, im}` element a complex number (complex64 unless a dtype says complex128).
 */
export type HostValue = number | boolean | string | ComplexValue | HostValue[] | NDArray | DataArray;
/** A nested list may hold tensors: it is packed (TF's autopacking). */
export type TensorLike = HostValue | Tensor | TensorConvertible | readonly TensorLike[];

export function isConvertible(x: unknown): x is TensorConvertible {
  return typeof x === 'object' && x !== null && typeof (x as TensorConvertible).toTensor === 'function' && !(x instanceof Tensor);
}

/** A host value as an NDArray of `dtype` (casting like numpy's asarray). */
export function toNDArray(x: HostValue, dtype?: DType, shape?: readonly number[]): NDArray {
  if (x instanceof NDArray) {
    if (!dtype || dtype === x.dtype) return x;
    if (x.dtype === 'string' || dtype === 'string') {
      throw new TypeError(`Cannot convert a ${x.dtype} NDArray to ${dtype}`);
    }
    const values = Array.from(x.data as DataArray, (v) => storedToNumber(v, x.dtype));
    return new NDArray(flattenTo(values, dtype, x.size), x.shape, dtype);
  }
  if (ArrayBuffer.isView(x)) {
    const arr = x as DataArray;
    const dt = dtype ?? dtypeOfArray(arr);
    const sh = shape ?? [arr.length];
    const data = dt === dtypeOfArray(arr) ? arr : flattenTo(Array.from(arr), dt, arr.length);
    return new NDArray(data, sh, dt);
  }
  const dt = dtype ? parseDType(dtype) : inferDType(x);
  const sh = inferShape(x);
  return new NDArray(flattenTo(x, dt, sizeOf(sh)), sh, dt);
}

export function isHostValue(x: unknown): x is HostValue {
  return typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string' || Array.isArray(x) || x instanceof NDArray || ArrayBuffer.isView(x);
}

let constBuilder: ((value: NDArray, name?: string, g?: Graph) => Tensor) | null = null;
/** Set by core.ts (which declares Const) to break the import cycle. */
export function setConstBuilder(f: (value: NDArray, name?: string, g?: Graph) => Tensor): void {
  constBuilder = f;
}

let packer: ((list: readonly unknown[], dtype?: DType, name?: string) => Tensor | null) | null = null;
/** Set by convert-to-tensor.ts: lists holding tensors are packed (TF's autopacking). */
export function setPacker(f: (list: readonly unknown[], dtype?: DType, name?: string) => Tensor | null): void {
  packer = f;
}

/** Convert to a graph tensor; host values become a `Const` (of `dtype` when given), lists of tensors a `Pack`. */
export function toTensor(x: TensorLike, dtype?: DType, name?: string): Tensor {
  if (x instanceof Tensor) return x;
  if (isConvertible(x)) return x.toTensor();
  if (Array.isArray(x) && packer) {
    const p = packer(x, dtype, name);
    if (p) return p;
  }
  if (isHostValue(x)) return constBuilder!(toNDArray(x, dtype), name);
  throw new TypeError(`Expected a TensorLike (number, boolean, nested array, typed array, NDArray, Tensor or Variable), got ${describe(x)}`);
}

/** Convert a pair for a binary op: a host value takes the dtype of the tensor beside it. */
export function toTensorPair(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const ta = a instanceof Tensor || isConvertible(a) ? toTensor(a) : null;
  const tb = b instanceof Tensor || isConvertible(b) ? toTensor(b) : null;
  if (ta && tb) return [ta, tb];
  if (ta) return [ta, toTensor(b, ta.dtype)];
  if (tb) return [toTensor(a, tb.dtype), tb];
  return [toTensor(a), toTensor(b)];
}

export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (typeof x === 'object') return `a ${(x as object).constructor?.name ?? 'object'}`;
  return `${typeof x} ${String(x)}`;
}

export { getDefaultGraph };
