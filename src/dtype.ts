/** Element types. float64/int64 exist for checkpoints and the CPU device. */
export type DType = 'float32' | 'int32' | 'bool' | 'float64' | 'int64';

export const float32: DType = 'float32';
export const int32: DType = 'int32';
export const bool: DType = 'bool';
export const float64: DType = 'float64';
export const int64: DType = 'int64';

export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool', 'float64', 'int64'];

/**
 * Host storage of each dtype. int64 values are held as float64 numbers (exact to 2^53): no
 * kernel family needs BigInt arithmetic, and a global step never gets near 2^53.
 */
export type TypedArrayOf<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'int32'
    ? Int32Array
    : D extends 'bool'
      ? Uint8Array
      : Float64Array;

export type DataArray = Float32Array | Int32Array | Uint8Array | Float64Array;

export const BYTES: Record<DType, number> = { float32: 4, int32: 4, bool: 1, float64: 8, int64: 8 };

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
      return Uint8Array;
    case 'float64':
    case 'int64':
      return Float64Array;
  }
}

export function allocArray(dtype: DType, n: number): DataArray {
  return new (arrayCtor(dtype))(n);
}

export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}
export function isInt(d: DType): boolean {
  return d === 'int32' || d === 'int64';
}

/** TF's C++ name of a dtype, as error texts print it (`float`, `int32`, …). */
export function tfName(d: DType): string {
  return d === 'float32' ? 'float' : d === 'float64' ? 'double' : d;
}

/** Names accepted at the boundary: tsflow's own plus TF's (`float`, `double`). */
export function parseDType(x: unknown): DType {
  if (typeof x === 'string') {
    if ((DTYPES as readonly string[]).includes(x)) return x as DType;
    if (x === 'float') return 'float32';
    if (x === 'double') return 'float64';
  }
  const got = typeof x === 'string' ? `'${x}'`
    : typeof x === 'object' && x !== null ? `a ${x.constructor?.name ?? 'object'}` : String(x);
  throw new TypeError(`Expected a dtype (one of ${DTYPES.join(', ')}, or TF's float, double), got ${got}`);
}

/** Convert one JS value to the stored number for `dtype` (TF cast semantics: truncation). */
export function coerce(v: number | boolean, dtype: DType): number {
  const n = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  switch (dtype) {
    case 'bool':
      return n !== 0 ? 1 : 0;
    case 'int32':
      return Math.trunc(n) | 0;
    case 'int64':
      return Math.trunc(n);
    case 'float32':
      return Math.fround(n);
    default:
      return n;
  }
}
