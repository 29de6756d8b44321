/**
 * Batching a dataset's SparseTensor components (each the three arrays indices, values,
 * dense_shape) as TF's batch does: the elements' indices get the batch position as a new
 * leading column, the values follow one another, and the dense shape is the batch size then
 * each dimension's largest size in the batch. The elements must have one rank.
 */
import { StringArray, arrayCtor } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import type { PartialShape } from '../shape.js';

/** A batched SparseTensor component's static shapes from the element's ones (indices, values, dense_shape). */
export function batchedSparseShapes(indices: PartialShape): PartialShape[] {
  const r = indices === null ? null : indices[1] ?? null;
  const r1 = r === null ? null : r + 1;
  return [[null, r1], [null], [r1]];
}

/** Batch SparseTensorValues given as `[indices, values, dense_shape]` triples. */
export function batchSparse(items: readonly (readonly NDArray[])[], component: number): NDArray[] {
  const rank = items[0]![2]!.size;
  const shape = new Array<number>(rank).fill(0);
  let total = 0;
  items.forEach(([ind, val, ds], b) => {
    if (ds!.size !== rank) {
      throw new InvalidArgumentError(`Inconsistent rank across SparseTensors (component ${component}): rank prior to SparseTensor[${b}] was: ${rank} but rank of SparseTensor[${b}] is: ${ds!.size}`);
    }
    if (ind!.shape[0] !== val!.shape[0]) throw new InvalidArgumentError(`SparseTensor[${b}] of component ${component} has ${ind!.shape[0]} indices but ${val!.shape[0]} values`);
    for (let k = 0; k < rank; k++) shape[k] = Math.max(shape[k]!, Number(ds!.data[k]));
    total += val!.size;
  });
  const idx = new Float64Array(total * (rank + 1));
  const dtype = items[0]![1]!.dtype;
  const vals = dtype === 'string' ? new StringArray(total) : new (arrayCtor(dtype))(total);
  let at = 0;
  items.forEach(([ind, val], b) => {
    const n = val!.size;
    for (let i = 0; i < n; i++) {
      idx[(at + i) * (rank + 1)] = b;
      for (let k = 0; k < rank; k++) idx[(at + i) * (rank + 1) + 1 + k] = Number(ind!.data[i * rank + k]);
      (vals as unknown as unknown[])[at + i] = (val!.data as unknown as ArrayLike<unknown>)[i];
    }
    at += n;
  });
  return [
    new NDArray(idx as never, [total, rank + 1], 'int64'),
    new NDArray(vals as never, [total], dtype),
    new NDArray(Float64Array.from([items.length, ...shape]) as never, [rank + 1], 'int64'),
  ];
}

/** An element's SparseTensor slice shapes (indices, values, dense_shape) from the sliced one's: one rank less. */
export function slicedSparseShapes(indices: PartialShape): PartialShape[] {
  const r = indices === null ? null : indices[1] ?? null;
  const r1 = r === null ? null : r - 1;
  return [[null, r1], [null], [r1]];
}

/**
 * Slices of an element along its first dimension, as fromTensorSlices and unbatch take them:
 * each component's size there (a SparseTensor's, starting at a flat index in `sparse`, is its
 * dense_shape[0]), and slice `k` (a SparseTensor's: its entries with first index k, that index
 * dropped).
 */
export function elementSlices(el: readonly NDArray[], sparse: ReadonlySet<number>, row: (a: NDArray, k: number) => NDArray): { sizes: [number, number][]; at(k: number): NDArray[] } {
  const sizes: [number, number][] = [];
  const rows = new Map<number, number[][]>();
  for (let c = 0; c < el.length; c++) {
    if (!sparse.has(c)) {
      if (el[c]!.shape.length === 0) throw new InvalidArgumentError(`Input element must have a non-scalar value in each component (component ${c} is a scalar).`);
      sizes.push([c, el[c]!.shape[0]!]);
      continue;
    }
    const [ind, , ds] = el.slice(c, c + 3) as [NDArray, NDArray, NDArray];
    const rank = ds.size;
    if (rank < 1) throw new InvalidArgumentError(`Input element must have a non-scalar value in each component (component ${c} is a scalar SparseTensor).`);
    const n = Number(ds.data[0]);
    sizes.push([c, n]);
    const by: number[][] = Array.from({ length: n }, () => []);
    for (let i = 0; i < ind.shape[0]!; i++) {
      const b = Number(ind.data[i * rank]);
      if (!(b >= 0 && b < n)) throw new InvalidArgumentError(`SparseTensor of component ${c}: indices[${i}] has first index ${b}, outside [0, ${n})`);
      by[b]!.push(i);
    }
    rows.set(c, by);
    c += 2;
  }
  return {
    sizes,
    at(k: number): NDArray[] {
      const out: NDArray[] = [];
      for (let c = 0; c < el.length; c++) {
        const by = rows.get(c);
        if (!by) {
          out.push(row(el[c]!, k));
          continue;
        }
        const [ind, val, ds] = el.slice(c, c + 3) as [NDArray, NDArray, NDArray];
        const rank = ds.size;
        const pick = by[k]!;
        const idx = new Float64Array(pick.length * (rank - 1));
        const vs = val.dtype === 'string' ? new StringArray(pick.length) : new (arrayCtor(val.dtype))(pick.length);
        pick.forEach((i, j) => {
          for (let d = 1; d < rank; d++) idx[j * (rank - 1) + d - 1] = Number(ind.data[i * rank + d]);
          (vs as unknown as unknown[])[j] = (val.data as unknown as ArrayLike<unknown>)[i];
        });
        out.push(
          new NDArray(idx as never, [pick.length, rank - 1], 'int64'),
          new NDArray(vs as never, [pick.length], val.dtype),
          new NDArray(Float64Array.from(Array.from(ds.data as ArrayLike<number>).slice(1), Number) as never, [rank - 1], 'int64'),
        );
        c += 2;
      }
      return out;
    },
  };
}
