/**
 * Nested element structures of datasets (TF's `nest`): a leaf, an array (tuple) or a plain
 * object (dict, keys in sorted order as TF flattens them) of structures. A SparseTensor is the
 * three leaves indices, values, dense_shape (the `SPARSE` slot), as TF's dataset components
 * hold it; what is built back from them is a SparseTensor again (or a SparseTensorValue, the
 * values' dtype, the dense shape: see `pack`).
 */
import type { DType } from '../dtype.js';
import { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { SparseTensor, SparseTensorValue } from '../ops/sparse-tensor.js';
import type { PartialShape } from '../shape.js';

/** The place of a SparseTensor in a structure: its three components. */
export class SparseSlot {
  toJSON(): string {
    return 'SparseTensor';
  }
}
export const SPARSE = new SparseSlot();
export type Structure = null | SparseSlot | Structure[] | { [k: string]: Structure };

const isSparse = (x: unknown): x is SparseTensor | SparseTensorValue => x instanceof SparseTensor || x instanceof SparseTensorValue;

/** A SparseTensor back from its slot's three leaves: graph tensors, arrays, dtypes or shapes. */
function joinSparse(i: unknown, v: unknown, s: unknown): unknown {
  if (i instanceof Tensor) return new SparseTensor(i, v as Tensor, s as Tensor);
  if (i instanceof NDArray) return new SparseTensorValue(i, v as NDArray, s as NDArray);
  if (typeof v === 'string') return v as DType; // output types: the values' dtype
  // output shapes: the dense shape's rank, each dimension unknown
  const ds = s as PartialShape;
  return ds === null || ds[0] === null ? null : Array.from({ length: ds[0]! }, () => null);
}

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;

/** The structure of `value` and its leaves, depth first; `isLeaf` decides what is a leaf. */
export function flatten<T>(value: unknown, isLeaf: (x: unknown) => boolean): { structure: Structure; leaves: T[] } {
  const leaves: T[] = [];
  const walk = (v: unknown): Structure => {
    if (isSparse(v)) {
      leaves.push(v.indices as T, v.values as T, v.denseShape as T);
      return SPARSE;
    }
    if (isLeaf(v)) {
      leaves.push(v as T);
      return null;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) {
      const out: { [k: string]: Structure } = {};
      for (const k of Object.keys(v).sort()) out[k] = walk(v[k]);
      return out;
    }
    leaves.push(v as T);
    return null;
  };
  return { structure: walk(value), leaves };
}

/** Rebuild a value of `structure` from its leaves; `sparse` joins a SparseTensor slot's three. */
export function pack<T>(structure: Structure, leaves: readonly T[], sparse: (i: T, v: T, s: T) => unknown = joinSparse): unknown {
  let i = 0;
  const build = (s: Structure): unknown => {
    if (s === null) return leaves[i++];
    if (s instanceof SparseSlot) return sparse(leaves[i++]!, leaves[i++]!, leaves[i++]!);
    if (Array.isArray(s)) return s.map(build);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(s)) out[k] = build(s[k]!);
    return out;
  };
  return build(structure);
}

export function leafCount(s: Structure): number {
  if (s === null) return 1;
  if (s instanceof SparseSlot) return 3;
  if (Array.isArray(s)) return s.reduce((n, x) => n + leafCount(x), 0);
  return Object.values(s).reduce((n, x) => n + leafCount(x), 0);
}

export function sameStructure(a: Structure, b: Structure): boolean {
  if (a === null || b === null || a instanceof SparseSlot || b instanceof SparseSlot) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as Structure[]).length && a.every((x, i) => sameStructure(x, (b as Structure[])[i]!));
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameStructure(a[k]!, (b as Record<string, Structure>)[k]!));
}

/** The first leaf index of each SparseTensor slot in `s` (its indices; values and dense_shape follow). */
export function sparseStarts(s: Structure): Set<number> {
  const out = new Set<number>();
  let i = 0;
  const walk = (x: Structure): void => {
    if (x === null) i++;
    else if (x instanceof SparseSlot) {
      out.add(i);
      i += 3;
    } else if (Array.isArray(x)) x.forEach(walk);
    else Object.values(x).forEach(walk);
  };
  walk(s);
  return out;
}

/** TF's error for a transformation that does not take SparseTensor components. */
export function refuseSparse(s: Structure, what: string): void {
  if (sparseStarts(s).size > 0) throw new TypeError(`${what} of datasets with SparseTensor components is not supported`);
}

/** TF1's `output_classes`: tf.Tensor, or tf.SparseTensor for a sparse slot, in the structure. */
export function outputClasses(s: Structure, leaves: number): unknown {
  return pack(s, new Array<unknown>(leaves).fill(Tensor), () => SparseTensor);
}

/**
 * A structure of dense leaves (`outputTypes`, `outputShapes`) with the leaves whose class in
 * `classes` (TF1's `output_classes`) is SparseTensor made SparseTensor slots: each one's
 * components int64 indices `[?, rank]`, values of its dtype `[?]` and int64 dense_shape `[rank]`.
 */
export function withClasses(structure: Structure, dtypes: DType[], shapes: PartialShape[], classes: unknown): { structure: Structure; dtypes: DType[]; shapes: PartialShape[] } {
  const c = flatten<unknown>(classes, (x) => typeof x === 'function');
  if (!sameStructure(c.structure, structure)) throw new TypeError("The two structures don't have the same nested structure (output_classes and output_types).");
  const outT: DType[] = [];
  const outS: PartialShape[] = [];
  let i = 0;
  const walk = (s: Structure): Structure => {
    if (s === null) {
      const k = i++;
      if (c.leaves[k] !== SparseTensor) {
        outT.push(dtypes[k]!);
        outS.push(shapes[k]!);
        return null;
      }
      const r = shapes[k] === null ? null : shapes[k]!.length;
      outT.push('int64', dtypes[k]!, 'int64');
      outS.push([null, r], [null], [r]);
      return SPARSE;
    }
    if (s instanceof SparseSlot) return s;
    if (Array.isArray(s)) return s.map(walk);
    return Object.fromEntries(Object.entries(s).map(([key, v]) => [key, walk(v)]));
  };
  return { structure: walk(structure), dtypes: outT, shapes: outS };
}
