/**
 * TF1's `tf.TensorShape` and `tf.Dimension` (tensor_shape.py), as `tensor.getShape()` returns
 * them: `shape.asList()`, `shape.ndims`, `shape[1].value`, `shape[-1]` (Python's negative
 * index), `numElements()`, `isFullyDefined()`, `mergeWith`, `concatenate`, `withRank`, … with
 * TF's error texts. A Dimension is its value in arithmetic (`valueOf`); `value` is null when
 * unknown.
 */
import { ValueError } from '../errors.js';
import type { Dim, PartialShape } from '../shape.js';

export class Dimension {
  readonly value: number | null;
  constructor(value: number | null | Dimension) {
    const v = value instanceof Dimension ? value.value : value;
    if (v !== null && (!Number.isInteger(v) || v < 0)) throw new ValueError(`Dimension ${String(v)} must be >= 0`);
    this.value = v;
  }
  isCompatibleWith(other: number | null | Dimension): boolean {
    const o = new Dimension(other).value;
    return this.value === null || o === null || this.value === o;
  }
  mergeWith(other: number | null | Dimension): Dimension {
    const o = new Dimension(other);
    if (!this.isCompatibleWith(o)) throw new ValueError(`Dimensions ${this} and ${o} are not compatible`);
    return this.value === null ? o : this;
  }
  valueOf(): number {
    return this.value ?? NaN;
  }
  toString(): string {
    return this.value === null ? '?' : String(this.value);
  }
}

/** `tf.dimension_value(d)`: a Dimension's value (numbers and null pass through). */
export function dimensionValue(d: Dimension | number | null): number | null {
  return d instanceof Dimension ? d.value : d;
}

const INDEX = /^-?\d+$/;

export class TensorShape implements Iterable<Dimension> {
  /** The dimensions, or null for an unknown rank. */
  readonly dims: Dimension[] | null;
  [i: number]: Dimension;

  constructor(dims: PartialShape | readonly (Dim | Dimension)[] | TensorShape | null | undefined) {
    if (dims instanceof TensorShape) this.dims = dims.dims === null ? null : [...dims.dims];
    else this.dims = dims === null || dims === undefined ? null : dims.map((d) => new Dimension(d as number | null | Dimension));
    // shape[i] (negative from the end, as Python) reads a Dimension
    return new Proxy(this, {
      get(t, p, r) {
        if (typeof p === 'string' && INDEX.test(p)) return t.get(Number(p));
        return Reflect.get(t, p, r);
      },
    });
  }

  /** TF's `shape[i]`. */
  get(i: number): Dimension {
    if (this.dims === null) return new Dimension(null);
    const k = i < 0 ? i + this.dims.length : i;
    if (k < 0 || k >= this.dims.length) throw new RangeError(`list index out of range: ${i} of a shape of rank ${this.dims.length}`);
    return this.dims[k]!;
  }
  /** TF's `shape[start:end]` (negative from the end, as Python): a TensorShape; unknown rank stays unknown. */
  slice(start?: number, end?: number): TensorShape {
    if (this.dims === null) return new TensorShape(null);
    return new TensorShape(this.dims.slice(start, end));
  }
  get ndims(): number | null {
    return this.dims === null ? null : this.dims.length;
  }
  get rank(): number | null {
    return this.ndims;
  }
  get length(): number {
    if (this.dims === null) throw new ValueError('Cannot take the length of Shape with unknown rank.');
    return this.dims.length;
  }
  [Symbol.iterator](): Iterator<Dimension> {
    if (this.dims === null) throw new ValueError('Cannot iterate over a shape with unknown rank.');
    return this.dims[Symbol.iterator]();
  }
  /** `as_list()`: the dims as numbers (null when unknown). */
  asList(): (number | null)[] {
    if (this.dims === null) throw new ValueError('as_list() is not defined on an unknown TensorShape.');
    return this.dims.map((d) => d.value);
  }
  /** The shape as tsflow's PartialShape. */
  toPartialShape(): PartialShape {
    return this.dims === null ? null : this.dims.map((d) => d.value);
  }
  isFullyDefined(): boolean {
    return this.dims !== null && this.dims.every((d) => d.value !== null);
  }
  assertIsFullyDefined(): void {
    if (!this.isFullyDefined()) throw new ValueError(`Shape ${this} is not fully defined`);
  }
  /** The element count, or null when not fully defined. */
  numElements(): number | null {
    return this.isFullyDefined() ? this.dims!.reduce((n, d) => n * d.value!, 1) : null;
  }
  isCompatibleWith(other: ShapeLike): boolean {
    const o = asShape(other);
    if (this.dims === null || o.dims === null) return true;
    return this.dims.length === o.dims.length && this.dims.every((d, i) => d.isCompatibleWith(o.dims![i]!));
  }
  assertIsCompatibleWith(other: ShapeLike): void {
    if (!this.isCompatibleWith(other)) throw new ValueError(`Shapes ${this} and ${asShape(other)} are incompatible`);
  }
  mergeWith(other: ShapeLike): TensorShape {
    const o = asShape(other);
    if (this.dims === null) return o;
    if (o.dims === null) return this;
    if (!this.isCompatibleWith(o)) throw new ValueError(`Shapes ${this} and ${o} are not compatible`);
    return new TensorShape(this.dims.map((d, i) => d.mergeWith(o.dims![i]!)));
  }
  concatenate(other: ShapeLike): TensorShape {
    const o = asShape(other);
    return this.dims === null || o.dims === null ? new TensorShape(null) : new TensorShape([...this.dims, ...o.dims]);
  }
  withRank(rank: number): TensorShape {
    try {
      return this.mergeWith(new TensorShape(Array.from({ length: rank }, () => null)));
    } catch {
      throw new ValueError(`Shape ${this} must have rank ${rank}`);
    }
  }
  withRankAtLeast(rank: number): TensorShape {
    if (this.dims !== null && this.dims.length < rank) throw new ValueError(`Shape ${this} must have rank at least ${rank}`);
    return this;
  }
  withRankAtMost(rank: number): TensorShape {
    if (this.dims !== null && this.dims.length > rank) throw new ValueError(`Shape ${this} must have rank at most ${rank}`);
    return this;
  }
  assertHasRank(rank: number): void {
    if (this.dims !== null && this.dims.length !== rank) throw new ValueError(`Shape ${this} must have rank ${rank}`);
  }
  equals(other: ShapeLike): boolean {
    const o = asShape(other);
    if (this.dims === null || o.dims === null) return this.dims === o.dims;
    return this.dims.length === o.dims.length && this.dims.every((d, i) => d.value === o.dims![i]!.value);
  }
  /** `(?, 784)`, `()` for a scalar, `<unknown>` for an unknown rank. */
  toString(): string {
    if (this.dims === null) return '<unknown>';
    if (this.dims.length === 1) return `(${this.dims[0]},)`;
    return `(${this.dims.join(', ')})`;
  }
}

export type ShapeLike = TensorShape | PartialShape | readonly (Dim | Dimension)[];

/** `tensor_shape.as_shape`. */
export function asShape(s: ShapeLike | undefined): TensorShape {
  return s instanceof TensorShape ? s : new TensorShape((s ?? null) as PartialShape);
}

/** `tf.TensorShape(null)`'s shorthand, TF's `tensor_shape.unknown_shape()`. */
export function unknownShape(ndims?: number | null): TensorShape {
  return new TensorShape(ndims === undefined || ndims === null ? null : Array.from({ length: ndims }, () => null));
}
