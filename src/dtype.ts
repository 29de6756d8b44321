/**
 * Element types. Every dtype has a host storage array; `string` elements are byte strings
 * (see string-array.ts). Devices compute float16 in float32 and the 8/16-bit integers in int32,
 * casting back after each step (see `computeType`).
 */
import { fromHalf, toHalf } from './float16.js';
import { StringArray } from './string-array.js';

export type DType =
  | 'float32' | 'int32' | 'bool' | 'float64' | 'int64'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'float16' | 'string' | 'complex64' | 'complex128';

export const float32: DType = 'float32';
export const int32: DType = 'int32';
export const bool: DType = 'bool';
export const float64: DType = 'float64';
export const int64: DType = 'int64';
export const int8: DType = 'int8';
export const uint8: DType = 'uint8';
export const int16: DType = 'int16';
export const uint16: DType = 'uint16';
export const float16: DType = 'float16';
export const string: DType = 'string';
export const complex64: DType = 'complex64';
export const complex128: DType = 'complex128';

export const DTYPES: readonly DType[] = [
  'float32', 'int32', 'bool', 'float64', 'int64', 'int8', 'uint8', 'int16', 'uint16', 'float16', 'string',
  'complex64', 'complex128',
];

/**
 * Host storage of each numeric dtype. int64 values are held as float64 numbers (exact to
 * 2^53): no kernel family needs BigInt arithmetic, and the values programs use (indices,
 * labels, a global step) never get near 2^53. float16 is held as its IEEE bit patterns.
 * complex64/complex128 elements are (re, im) pairs, interleaved in a Float32Array/Float64Array
 * of twice the element count.
 */
export type TypedArrayOf<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'int32'
    ? Int32Array
    : D extends 'bool' | 'uint8'
      ? Uint8Array
      : D extends 'int8'
        ? Int8Array
        : D extends 'int16'
          ? Int16Array
          : D extends 'uint16' | 'float16'
            ? Uint16Array
            : D extends 'string'
              ? StringArray
              : D extends 'complex64'
                ? Float32Array
                : Float64Array;

/** Storage of the numeric dtypes (strings are a StringArray). */
export type DataArray = Float32Array | Int32Array | Uint8Array | Float64Array | Int8Array | Int16Array | Uint16Array;

/** Bytes per element in device memory; a string element is a reference (see string-array.ts). */
export const BYTES: Record<DType, number> = {
  float32: 4, int32: 4, bool: 1, float64: 8, int64: 8, int8: 1, uint8: 1, int16: 2, uint16: 2, float16: 2, string: 8,
  complex64: 8, complex128: 16,
};

export function arrayCtor(dtype: DType): {
  new (n: number): DataArray;
  new (buf: ArrayBufferLike, byteOffset: number, length: number): DataArray;
} {
  switch (dtype) {
    case 'float32':
      return Float32Array;
    case 'int32':
      return Int32Array;
    case 'bool':
    case 'uint8':
      return Uint8Array;
    case 'int8':
      return Int8Array;
    case 'int16':
      return Int16Array;
    case 'uint16':
    case 'float16':
      return Uint16Array;
    case 'complex64':
      return Float32Array;
    case 'float64':
    case 'int64':
    case 'complex128':
      return Float64Array;
    case 'string':
      throw new TypeError('string tensors are held in a StringArray, not a typed array');
  }
}

export function allocArray(dtype: DType, n: number): DataArray {
  // A StringArray stands in where a device handles any dtype's storage alike.
  if (dtype === 'string') return new StringArray(n) as unknown as DataArray;
  return new (arrayCtor(dtype))(isComplex(dtype) ? 2 * n : n);
}

export function isComplex(d: DType): boolean {
  return d === 'complex64' || d === 'complex128';
}

/** The dtype of a complex dtype's parts (complex64 → float32, complex128 → float64). */
export function realDType(d: DType): DType {
  return d === 'complex64' ? 'float32' : d === 'complex128' ? 'float64' : d;
}

/** The complex dtype with parts of `d` (float32 → complex64, float64 → complex128). */
export function complexDType(d: DType): DType {
  return d === 'float64' || d === 'complex128' ? 'complex128' : 'complex64';
}

export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float64' || d === 'float16';
}
export function isInt(d: DType): boolean {
  return d in INT_RANGE;
}
export function isUnsigned(d: DType): boolean {
  return d === 'uint8' || d === 'uint16';
}

/**
 * The range of each integer dtype as tsflow holds it. int64 is exact to 2^53 (held as float64
 * numbers), so that is its range here.
 */
export const INT_RANGE: Readonly<Partial<Record<DType, readonly [number, number]>>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  int64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/**
 * The dtype a device computes `d` in: float16 in float32, the 8- and 16-bit integers in int32
 * (their results cast back, wrapping as C++ does); every other dtype in itself.
 */
export function computeType(d: DType): DType {
  if (d === 'float16') return 'float32';
  if (d === 'int8' || d === 'uint8' || d === 'int16' || d === 'uint16') return 'int32';
  return d;
}

/** TF's C++ name of a dtype, as error texts print it (`float`, `int32`, …). */
export function tfName(d: DType): string {
  return d === 'float32' ? 'float' : d === 'float64' ? 'double' : d === 'float16' ? 'half' : d;
}

/** Names accepted at the boundary: tsflow's own plus TF's (`float`, `double`, `half`). */
export function parseDType(x: unknown): DType {
  if (typeof x === 'string') {
    if ((DTYPES as readonly string[]).includes(x)) return x as DType;
    if (x === 'float') return 'float32';
    if (x === 'double') return 'float64';
    if (x === 'half') return 'float16';
  }
  const got = typeof x === 'string' ? `'${x}'`
    : typeof x === 'object' && x !== null ? `a ${x.constructor?.name ?? 'object'}` : String(x);
  throw new TypeError(`Expected a dtype (one of ${DTYPES.join(', ')}, or TF's float, double, half), got ${got}`);
}

/**
 * Convert one JS value to the stored number for `dtype`, as numpy's asarray does: float→int
 * truncates toward zero; a value outside the integer dtype's range, or a NaN or infinity, is a
 * TypeError (a feed reports it as an InvalidArgumentError naming the tensor first).
 */
export function coerce(v: number | boolean, dtype: DType): number {
  const n = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  switch (dtype) {
    case 'bool':
      return n !== 0 ? 1 : 0;
    case 'float32':
      return Math.fround(n);
    case 'float64':
      return n;
    case 'float16':
      return toHalf(n);
    case 'string':
      throw new TypeError(`Expected a string for a string tensor, got ${typeof v} ${String(v)}`);
    case 'complex64':
      return Math.fround(n);
    case 'complex128':
      return n;
    default: {
      const problem = intProblem(n, dtype);
      if (problem) throw new TypeError(`Value ${problem}`);
      return Math.trunc(n);
    }
  }
}

/**
 * Why `v` cannot be held by integer dtype `dtype` (`'NaN is not a finite number'`, `'300 is
 * out of range for uint8 [0, 255]'`), or null when it can (after truncation toward zero).
 */
export function intProblem(v: number, dtype: DType): string | null {
  const range = INT_RANGE[dtype];
  if (!range) return null;
  if (!Number.isFinite(v)) return `${v} is not a finite number, which ${dtype} cannot hold`;
  const t = Math.trunc(v);
  if (t < range[0] || t > range[1]) {
    return dtype === 'int64'
      ? `${v} is beyond ±2^53, the int64 range tsflow holds exactly`
      : `${v} is out of range for ${dtype} [${range[0]}, ${range[1]}]`;
  }
  return null;
}

/** The number a stored element stands for (float16 bits decoded; others as stored). */
export function storedToNumber(v: number, dtype: DType): number {
  return dtype === 'float16' ? fromHalf(v) : v;
}

export { StringArray };
