/** Host-side tensor values: what `Session.run` returns and what feeds may be. */
import { type DType, type DataArray, StringArray, allocArray, arrayCtor, coerce, isComplex, parseDType, storedToNumber } from './dtype.js';
import { fromHalf } from './float16.js';
import { sizeOf, stridesOf } from './shape.js';
import { decodeString, encodeString } from './string-array.js';

/** A complex element as `toArray`/`get` return it (and as nested values may give it). */
export interface ComplexValue {
  re: number;
  im: number;
}

export type NestedArray = number | boolean | string | ComplexValue | NestedArray[];

/** An NDArray's storage: a typed array, or a StringArray for `NDArray<'string'>`. */
export type NDData<D extends DType> = [D] extends [never] ? DataArray : [D] extends ['string'] ? StringArray : DataArray;

export class NDArray<D extends DType = DType> {
  /**
   * The elements as stored: Float32Array, Int32Array, Uint8Array (bool, uint8), Int8Array,
   * Int16Array, Uint16Array (uint16; float16 as bit patterns), Float64Array (float64, int64),
   * or, for dtype string, a StringArray of byte strings (type it as `NDArray<'string'>`).
   * complex64/complex128 are (re, im) pairs interleaved in a Float32Array/Float64Array of
   * twice the element count.
   */
  readonly data: NDData<D>;
  readonly shape: number[];
  readonly dtype: D;

  /**
   * Wrap a typed array (no copy). `dtype` defaults from the array's type (a Uint8Array is
   * bool, a Uint16Array uint16: pass 'uint8' or 'float16' to mean those). int64 values are
   * held in a Float64Array, float16 values as bits in a Uint16Array.
   */
  constructor(data: NDData<D>, shape: readonly number[], dtype?: D) {
    const dt = (dtype === undefined ? dtypeOfArray(data as DataArray) : parseDType(dtype)) as D;
    const expected = dt === 'string' ? StringArray : arrayCtor(dt);
    if (!(data instanceof expected)) {
      throw new TypeError(
        `NDArray of dtype ${dt} needs a ${expected.name}, got a ${(data as object).constructor.name}`,
      );
    }
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) {
        throw new TypeError(`NDArray shape must hold non-negative integers, got [${shape.join(', ')}]`);
      }
    }
    const n = sizeOf(shape) * (isComplex(dt) ? 2 : 1);
    if (n !== data.length) {
      throw new TypeError(
        `NDArray data has ${data.length} elements but shape [${shape.join(', ')}] needs ${n}${isComplex(dt) ? ` (${dt}: interleaved re, im)` : ''}`,
      );
    }
    this.data = data;
    this.shape = [...shape];
    this.dtype = dt;
  }

  get size(): number {
    return isComplex(this.dtype) ? this.data.length / 2 : this.data.length;
  }

  /** A complex NDArray from its real and imaginary parts (equal lengths); complex64 by default. */
  static complex(re: ArrayLike<number>, im: ArrayLike<number>, shape: readonly number[] = [re.length], dtype: 'complex64' | 'complex128' = 'complex64'): NDArray {
    if (re.length !== im.length) throw new TypeError(`NDArray.complex needs parts of one length, got ${re.length} and ${im.length}`);
    const out = allocArray(dtype, re.length);
    for (let i = 0; i < re.length; i++) {
      out[2 * i] = re[i]!;
      out[2 * i + 1] = im[i]!;
    }
    return new NDArray(out, shape, dtype);
  }

  get rank(): number {
    return this.shape.length;
  }

  static zeros(shape: readonly number[], dtype: DType = 'float32'): NDArray {
    const dt = parseDType(dtype);
    return new NDArray(allocArray(dt, sizeOf(shape)), shape, dt);
  }

  /** A string NDArray from JS strings (UTF-8 encoded) or byte strings; a vector by default. */
  static fromStrings(values: readonly (string | Uint8Array)[], shape: readonly number[] = [values.length]): NDArray<'string'> {
    return new NDArray<'string'>(StringArray.fromValues(values), shape, 'string');
  }

  /** Element at a multi-index; no arguments for a scalar. Strings decode as UTF-8. */
  get(...index: number[]): number | boolean | string | ComplexValue {
    if (index.length !== this.shape.length) {
      throw new RangeError(`get() needs ${this.shape.length} indices, got ${index.length}`);
    }
    const st = stridesOf(this.shape);
    let off = 0;
    index.forEach((ix, i) => {
      const d = this.shape[i]!;
      if (!Number.isInteger(ix) || ix < 0 || ix >= d) {
        throw new RangeError(`index ${ix} is out of bounds for axis ${i} with size ${d}`);
      }
      off += ix * st[i]!;
    });
    return this.element(off);
  }

  /** Element `i` of the flat data as a JS value. */
  private element(i: number): number | boolean | string | ComplexValue {
    if (isComplex(this.dtype)) {
      const d = this.data as Float32Array | Float64Array;
      const f = this.dtype === 'complex64' ? shortestFloat32 : (x: number) => x;
      return { re: f(d[2 * i]!), im: f(d[2 * i + 1]!) };
    }
    const v = this.data[i]!;
    if (typeof v !== 'number') return decodeString(v);
    switch (this.dtype) {
      case 'bool':
        return v !== 0;
      case 'float32':
        return shortestFloat32(v);
      case 'float16':
        return fromHalf(v);
      default:
        return v;
    }
  }

  /**
   * Nested JS arrays (a plain number or boolean for shape []). float32 values come back as the
   * shortest decimal that rounds to the same float32 (0.6590012, not 0.6590011715888977);
   * float16 values as numbers; strings decoded as UTF-8 (the bytes are in `data`).
   */
  toArray(): NestedArray {
    const conv = (i: number): NestedArray => this.element(i);
    if (this.shape.length === 0) return conv(0);
    const rec = (dim: number, off: number): NestedArray[] => {
      const d = this.shape[dim]!;
      const out: NestedArray[] = new Array(d);
      if (dim === this.shape.length - 1) {
        for (let i = 0; i < d; i++) out[i] = conv(off + i);
      } else {
        const step = sizeOf(this.shape.slice(dim + 1));
        for (let i = 0; i < d; i++) out[i] = rec(dim + 1, off + i * step);
      }
      return out;
    };
    return rec(0, 0);
  }

  /** numpy-like printing: `[[1. 2.]\n [3. 4.]]`; strings as Python prints bytes, `b'hi'`. */
  toString(): string {
    const fmtFloat = (v: number, f32: boolean): string => {
      if (Number.isNaN(v)) return 'nan';
      if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
      if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.`;
      return String(f32 ? shortestFloat32(v) : v);
    };
    const fmt = (i: number): string => {
      if (isComplex(this.dtype)) {
        // numpy's repr: 1.+2.j, 0.5-1.5j
        const d = this.data as Float32Array | Float64Array;
        const re = d[2 * i]!;
        const im = d[2 * i + 1]!;
        const f32 = this.dtype === 'complex64';
        const neg = im < 0 || Object.is(im, -0);
        return `${fmtFloat(re, f32)}${neg ? '-' : '+'}${fmtFloat(Math.abs(im), f32)}j`;
      }
      const raw = this.data[i]!;
      if (typeof raw !== 'number') return bytesRepr(raw);
      const v = storedToNumber(raw, this.dtype);
      if (this.dtype === 'bool') return v ? 'True' : 'False';
      if (isIntDType(this.dtype)) return String(v);
      return fmtFloat(v, this.dtype === 'float32');
    };
    if (this.shape.length === 0) return fmt(0);
    const rec = (dim: number, off: number, indent: string): string => {
      const d = this.shape[dim]!;
      if (dim === this.shape.length - 1) {
        const items: string[] = [];
        for (let i = 0; i < d; i++) items.push(fmt(off + i));
        return `[${items.join(' ')}]`;
      }
      const step = sizeOf(this.shape.slice(dim + 1));
      const parts: string[] = [];
      for (let i = 0; i < d; i++) parts.push(rec(dim + 1, off + i * step, indent + ' '));
      const sep = '\n'.repeat(this.shape.length - dim - 1) + indent + ' ';
      return `[${parts.join(sep)}]`;
    };
    return rec(0, 0, '');
  }
}

/** The shortest decimal that rounds to the same float32 as `v`. */
export function shortestFloat32(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  const f = Math.fround(v);
  for (let p = 1; p < 10; p++) {
    const c = Number(f.toPrecision(p));
    if (Math.fround(c) === f) return c;
  }
  return f;
}

const isIntDType = (d: DType): boolean => d !== 'bool' && d !== 'string' && !d.startsWith('float') && !d.startsWith('complex');

/** Python's repr of a bytes value: `b'Hello'`, non-printable bytes as `\\xNN`. */
function bytesRepr(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if (c === 0x5c || c === 0x27) s += `\\${String.fromCharCode(c)}`;
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0d) s += '\\r';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `b'${s}'`;
}

export function dtypeOfArray(a: DataArray | StringArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'bool';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof StringArray) return 'string';
  throw new TypeError(`Unsupported typed array ${(a as object).constructor.name}`);
}

/** Shape of a nested JS array; throws when it is not rectangular. */
export function inferShape(v: unknown): number[] {
  const shape: number[] = [];
  let cur: unknown = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  const check = (x: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(x)) throw new TypeError('Nested arrays must be rectangular');
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[dim]) {
      throw new TypeError(
        `Nested arrays must be rectangular: expected length ${shape[dim]} at depth ${dim}`,
      );
    }
    for (const y of x) check(y, dim + 1);
  };
  check(v, 0);
  return shape;
}

/** Flatten a nested JS value into a new typed array of `dtype` (a StringArray for string). */
export function flattenTo(v: unknown, dtype: DType, n: number): DataArray {
  if (dtype === 'string') return flattenStrings(v, n) as unknown as DataArray;
  const out = allocArray(dtype, n);
  if (isComplex(dtype)) return flattenComplex(v, out, dtype);
  let i = 0;
  const rec = (x: unknown): void => {
    if (Array.isArray(x)) {
      for (const y of x) rec(y);
      return;
    }
    if (typeof x !== 'number' && typeof x !== 'boolean') {
      throw new TypeError(`Expected a number or boolean, got ${typeof x === 'string' ? `'${x}'` : String(x)}`);
    }
    out[i++] = coerce(x, dtype);
  };
  rec(v);
  return out;
}

/** Complex leaves are numbers (real, imaginary part 0) or `{re, im}` objects. */
function flattenComplex(v: unknown, out: DataArray, dtype: DType): DataArray {
  let i = 0;
  const put = (x: number): void => {
    out[i++] = coerce(x, dtype);
  };
  const rec = (x: unknown): void => {
    if (Array.isArray(x)) {
      for (const y of x) rec(y);
    } else if (typeof x === 'number' || typeof x === 'boolean') {
      put(Number(x));
      put(0);
    } else if (typeof x === 'object' && x !== null && typeof (x as ComplexValue).re === 'number' && typeof (x as ComplexValue).im === 'number') {
      put((x as ComplexValue).re);
      put((x as ComplexValue).im);
    } else {
      throw new TypeError(`Expected a number or {re, im} for a ${dtype} tensor, got ${typeof x === 'string' ? `'${x}'` : String(x)}`);
    }
  };
  rec(v);
  return out;
}

function flattenStrings(v: unknown, n: number): StringArray {
  const out = new StringArray(n);
  let i = 0;
  const rec = (x: unknown): void => {
    if (Array.isArray(x)) {
      for (const y of x) rec(y);
      return;
    }
    if (typeof x !== 'string' && !(x instanceof Uint8Array)) {
      throw new TypeError(`Expected a string or bytes (Uint8Array) for a string tensor, got ${typeof x} ${String(x)}`);
    }
    out[i++] = encodeString(x);
  };
  rec(v);
  return out;
}

/**
 * The dtype of a plain JS value. JS cannot tell `1.0` from `1`, so numbers are float32 (as in
 * TensorFlow.js); only all-boolean values are bool, all-string values string. Ask for int32
 * with an explicit dtype.
 */
export function inferDType(v: unknown): DType {
  let cur: unknown = v;
  while (Array.isArray(cur) && cur.length > 0) cur = cur[0];
  if (typeof cur === 'object' && cur !== null && !Array.isArray(cur) && 're' in cur) return 'complex64';
  return typeof cur === 'boolean' ? 'bool' : typeof cur === 'string' ? 'string' : 'float32';
}
