/**
 * Plain-JS matmul (the fallback when WebAssembly SIMD is unavailable): B is packed so the inner
 * loop always walks memory contiguously, whatever the transposes, with a 1×4 register block.
 */
import type { DataArray } from '../../../dtype.js';
import type { CpuKernel } from './types.js';

let scratch = new Float64Array(0);

export const matmul: CpuKernel<'matmul'> = (p, [a, b], [c]) => {
  const { batch, m, n, k, transposeA, transposeB, aBatchStride, bBatchStride } = p;
  const A = a!;
  const B = b!;
  const C = c!;
  if (scratch.length < k * n) scratch = new Float64Array(k * n);
  const bt = scratch; // B as [k, n] row-major
  const arow = new Float64Array(k);
  for (let bi = 0; bi < batch; bi++) {
    const ao = bi * aBatchStride;
    const bo = bi * bBatchStride;
    const co = bi * m * n;
    packB(B, bo, k, n, transposeB, bt);
    for (let i = 0; i < m; i++) {
      for (let kk = 0; kk < k; kk++) arow[kk] = transposeA ? A[ao + kk * m + i]! : A[ao + i * k + kk]!;
      const crow = co + i * n;
      let j = 0;
      for (; j + 4 <= n; j += 4) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let kk = 0; kk < k; kk++) {
          const av = arow[kk]!;
          const q = kk * n + j;
          s0 += av * bt[q]!;
          s1 += av * bt[q + 1]!;
          s2 += av * bt[q + 2]!;
          s3 += av * bt[q + 3]!;
        }
        C[crow + j] = s0;
        C[crow + j + 1] = s1;
        C[crow + j + 2] = s2;
        C[crow + j + 3] = s3;
      }
      for (; j < n; j++) {
        let s = 0;
        for (let kk = 0; kk < k; kk++) s += arow[kk]! * bt[kk * n + j]!;
        C[crow + j] = s;
      }
    }
  }
};

function packB(B: DataArray, off: number, k: number, n: number, trans: boolean, out: Float64Array): void {
  if (!trans) {
    for (let i = 0; i < k * n; i++) out[i] = B[off + i]!;
    return;
  }
  for (let j = 0; j < n; j++) for (let kk = 0; kk < k; kk++) out[kk * n + j] = B[off + j * k + kk]!;
}
