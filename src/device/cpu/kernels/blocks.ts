/**
 * Fixed blocks of rows. The wasm matmul takes a different (matrix-vector) path for a one-row
 * call, which sums in another order, so a row must never land in a one-row call just because
 * of where a chunk boundary fell: rows are grouped into blocks of `size`, and a one-row
 * remainder joins the last block. Kernels split over whole blocks; each block is computed by
 * the same calls whichever thread runs it.
 */

export function blockCount(total: number, size: number): number {
  const count = Math.ceil(total / size);
  return count > 1 && total - (count - 1) * size === 1 ? count - 1 : count;
}

/** Rows [start, end) of block `i` of `count`. */
export function blockRows(total: number, size: number, count: number, i: number): [number, number] {
  const start = i * size;
  return [start, i === count - 1 ? total : start + size];
}
