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
