/** Host-side tensor values: what `Session.run` returns and what feeds may be. */
import { type DType, type DataArray, allocArray, arrayCtor, coerce, parseDType } from './dtype.js';
import { sizeOf, stridesOf } from './shape.js';

export type NestedArray = number | boolean | NestedArray[];

export class NDArray {
  readonly data: DataArray;
  readonly shape: number[];
  readonly dtype: DType;

  /**
   * Wrap a typed array (no copy). `dtype` defaults from the array's type. int64 values are
   * held in a Float64Array.
   */
  constructor(data: DataArray, shape: readonly number[], dtype?: DType) {
    const dt = dtype === undefined ? dtypeOfArray(data) : parseDType(dtype);
    const expected = arrayCtor(dt);
    if (!(data instanceof expected)) {
      throw new TypeError(
        `NDArray of dtype ${dt} needs a ${expected.name}, got a ${data.constructor.name}`,
      );
    }
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) {
        throw new TypeError(`NDArray shape must hold non-negative integers, got [${shape.join(', ')}]`);
      }
    }
    const n = sizeOf(shape);
    if (n !== data.length) {
      throw new TypeError(
        `NDArray data has ${data.length} elements but shape [${shape.join(', ')}] needs ${n}`,
      );
    }
    this.data = data;
    this.shape = [...shape];
    this.dtype = dt;
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  static zeros(shape: readonly number[], dtype: DType = 'float32'): NDArray {
    const dt = parseDType(dtype);
    return new NDArray(allocArray(dt, sizeOf(shape)), shape, dt);
  }

  /** Element at a multi-index; no arguments for a scalar. */
  get(...index: number[]): number | boolean {
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
    const v = this.data[off]!;
    return this.dtype === 'bool' ? v !== 0 : v;
  }

  /**
   * Nested JS arrays (a plain number or boolean for shape []). float32 values come back as the
   * shortest decimal that rounds to the same float32 (0.6590012, not 0.6590011715888977).
   */
  toArray(): NestedArray {
    const conv = (v: number): number | boolean =>
      this.dtype === 'bool' ? v !== 0 : this.dtype === 'float32' ? shortestFloat32(v) : v;
    if (this.shape.length === 0) return conv(this.data[0]!);
    const rec = (dim: number, off: number): NestedArray[] => {
      const d = this.shape[dim]!;
      const out: NestedArray[] = new Array(d);
      if (dim === this.shape.length - 1) {
        for (let i = 0; i < d; i++) out[i] = conv(this.data[off + i]!);
      } else {
        const step = sizeOf(this.shape.slice(dim + 1));
        for (let i = 0; i < d; i++) out[i] = rec(dim + 1, off + i * step);
      }
      return out;
    };
    return rec(0, 0);
  }

  /** numpy-like printing: `[[1. 2.]\n [3. 4.]]`. */
  toString(): string {
    const fmt = (v: number): string => {
      if (this.dtype === 'bool') return v ? 'True' : 'False';
      if (this.dtype === 'int32' || this.dtype === 'int64') return String(v);
      if (Number.isNaN(v)) return 'nan';
      if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
      if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.`;
      return String(this.dtype === 'float32' ? shortestFloat32(v) : v);
    };
    if (this.shape.length === 0) return fmt(this.data[0]!);
    const rec = (dim: number, off: number, indent: string): string => {
      const d = this.shape[dim]!;
      if (dim === this.shape.length - 1) {
        const items: string[] = [];
        for (let i = 0; i < d; i++) items.push(fmt(this.data[off + i]!));
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

export function dtypeOfArray(a: DataArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'bool';
  if (a instanceof Float64Array) return 'float64';
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

/** Flatten a nested JS value into a new typed array of `dtype`. */
export function flattenTo(v: unknown, dtype: DType, n: number): DataArray {
  const out = allocArray(dtype, n);
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

/**
 * The dtype of a plain JS value. JS cannot tell `1.0` from `1`, so numbers are float32 (as in
 * TensorFlow.js); only all-boolean values are bool. Ask for int32 with an explicit dtype.
 */
export function inferDType(v: unknown): DType {
  let cur: unknown = v;
  while (Array.isArray(cur) && cur.length > 0) cur = cur[0];
  return typeof cur === 'boolean' ? 'bool' : 'float32';
}
