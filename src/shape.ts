/** Shape helpers shared by graph building, planning and kernels. */
import { ValueError } from './errors.js';

/** A dimension that may be unknown (`null`) while the graph is built. */
export type Dim = number | null;
/** A partial shape: `null` is an unknown rank. */
export type PartialShape = Dim[] | null;
export type Shape = number[];

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

export function isFullyDefined(s: PartialShape): s is number[] {
  return s !== null && s.every((d) => d !== null);
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Python TensorShape str: `(?, 4)`, `(3,)`, `()`, `<unknown>`. */
export function pyShape(s: PartialShape): string {
  if (s === null) return '<unknown>';
  const ds = s.map((d) => (d === null ? '?' : String(d)));
  return ds.length === 1 ? `(${ds[0]},)` : `(${ds.join(', ')})`;
}

/** C++ TensorShape DebugString: `[?,4]`, `[]`, `<unknown>`. */
export function cShape(s: PartialShape): string {
  if (s === null) return '<unknown>';
  return `[${s.map((d) => (d === null ? '?' : String(d))).join(',')}]`;
}

/** Is a concrete shape compatible with a partial one (rank and every known dim equal)? */
export function compatible(partial: PartialShape, concrete: readonly Dim[] | null): boolean {
  if (partial === null || concrete === null) return true;
  if (partial.length !== concrete.length) return false;
  return partial.every((d, i) => d === null || concrete[i] === null || d === concrete[i]);
}

/** Merge two partial shapes that must agree (TF's `merge_with`). Returns null on conflict. */
export function mergeShapes(a: PartialShape, b: PartialShape): PartialShape | undefined {
  if (a === null) return b;
  if (b === null) return a;
  if (a.length !== b.length) return undefined;
  const out: Dim[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== null && y !== null && x !== y) return undefined;
    out.push(x ?? y);
  }
  return out;
}

/**
 * Numpy broadcasting of partial shapes. Returns undefined when the known dims conflict.
 * An unknown dim against 1 is the unknown dim; unknown against n > 1 is n.
 */
export function broadcastPartial(a: PartialShape, b: PartialShape): PartialShape | undefined {
  if (a === null || b === null) return null;
  const n = Math.max(a.length, b.length);
  const out: Dim[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const x = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const y = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (x === 1) out[i] = y;
    else if (y === 1) out[i] = x;
    else if (x === null) out[i] = y;
    else if (y === null) out[i] = x;
    else if (x === y) out[i] = x;
    else return undefined;
  }
  return out;
}

/** Concrete numpy broadcasting, or undefined when incompatible. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | undefined {
  return broadcastPartial([...a], [...b]) as number[] | undefined;
}

/** Normalise a possibly negative axis; throws TF's text when out of range. */
export function normAxis(axis: number, rank: number, what = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new ValueError(
      `Invalid ${what}: ${axis}; expected a value in [${-rank}, ${rank}) for a tensor of rank ${rank}`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}
