/**
 * Fixed blocks of rows, so each block is computed by the same calls whichever thread runs it.
 * Rows are grouped into blocks of `size`, and a one-row remainder joins the last block (the
 * wasm matmul keys its matrix-vector path on the matrix having one row, not on the call's
 * range, so this is no longer needed for its results, only to keep chunks from being tiny).
 * Kernels split over whole blocks.
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
