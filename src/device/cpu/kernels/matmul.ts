/**
 * Batched matmul, split over output rows (batch × m). Float32 runs the wasm SIMD kernel (packed
 * panels, transposes handled while packing) in this thread's scratch; when the step is split
 * over threads and every batch entry shares one B, B is packed once into the plan's shared
 * region (a phase of its own, split over column panels) before the row chunks run, and they
 * all read it. Anything else, or no wasm,
 * the plain-JS kernel below: B packed so the inner loop walks memory contiguously, whatever
 * the transposes, with a 1×4 register block. A fused epilogue (prims.ts Epilogue) runs over
 * each range of rows right after the kernel stored it.
 */
import type { DataArray } from '../../../dtype.js';
import type { PrimParams } from '../../prims.js';
import { blockCount, blockRows } from './blocks.js';
import type { WasmKernels } from '../wasm/index.js';
import { runEpilogue } from './map.js';
import { type CpuKernel, splittable, useWasm } from './types.js';

/** Rows per split unit (both wasm register tiles, 3 and 4 rows, divide it). */
const ROW_BLOCK = 12;
/**
 * A wasm call that packs all of op(B) (k·n floats) itself for its rows' 2·rows·k·n FLOPs pays
 * about 5/rows of the multiply for it, so a chunk keeps at least ~60 rows (5 blocks).
 */
const MIN_BLOCKS = 5;

/** Whether a split step's chunks read one B packed before them (B the same for every batch entry). */
const sharedB = (p: PrimParams['matmul'], w: WasmKernels): boolean =>
  (p.batch === 1 || p.bBatchStride === 0) && w.usesPackedB(p.m, p.n);

let scratch = new Float64Array(0);
let arow = new Float64Array(0);

function matmulJs(p: PrimParams['matmul'], A: DataArray, B: DataArray, C: DataArray, lo: number, hi: number): void {
  const { m, n, k, transposeA, transposeB, aBatchStride, bBatchStride } = p;
  if (scratch.length < k * n) scratch = new Float64Array(k * n);
  if (arow.length < k) arow = new Float64Array(k);
  const bt = scratch; // B as [k, n] row-major
  let packed = -1;
  for (let r = lo; r < hi; r++) {
    const i = r % m;
    const bi = (r - i) / m;
    const ao = bi * aBatchStride;
    if (packed !== bi) {
      packB(B, bi * bBatchStride, k, n, transposeB, bt);
      packed = bi;
    }
    for (let kk = 0; kk < k; kk++) arow[kk] = transposeA ? A[ao + kk * m + i]! : A[ao + i * k + kk]!;
    const crow = r * n;
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

function packB(B: DataArray, off: number, k: number, n: number, trans: boolean, out: Float64Array): void {
  if (!trans) {
    for (let i = 0; i < k * n; i++) out[i] = B[off + i]!;
    return;
  }
  for (let j = 0; j < n; j++) for (let kk = 0; kk < k; kk++) out[kk * n + j] = B[off + j * k + kk]!;
}

export const matmul: CpuKernel<'matmul'> = splittable<'matmul'>(
  (p, ins, outs, ctx) => {
    const A = ins[0]!, B = ins[1]!, C = outs[0]!;
    const { m, n, k, transposeA, transposeB, aBatchStride, bBatchStride } = p;
    // units are row blocks, blocksPerEntry to each batch entry
    const per = blockCount(m, ROW_BLOCK);
    if (!useWasm(ctx.wasm, A, B, C)) {
      const lo = Math.floor(ctx.lo / per) * m + blockRows(m, ROW_BLOCK, per, ctx.lo % per)[0];
      const last = ctx.hi - 1;
      const hi = Math.floor(last / per) * m + blockRows(m, ROW_BLOCK, per, last % per)[1];
      if (ctx.hi > ctx.lo) {
        matmulJs(p, A, B, C, lo, hi);
        runEpilogue(p.epilogue, ins, outs, lo, hi, ctx.wasm);
      }
      return;
    }
    const packed = ctx.shared && sharedB(p, ctx.wasm) ? ctx.shared : 0;
    for (let u = ctx.lo; u < ctx.hi;) {
      const bi = Math.floor(u / per);
      const first = u - bi * per;
      const lastInEntry = Math.min(per, ctx.hi - bi * per) - 1;
      const r0 = blockRows(m, ROW_BLOCK, per, first)[0];
      const r1 = blockRows(m, ROW_BLOCK, per, lastInEntry)[1];
      const aOff = A.byteOffset + bi * aBatchStride * 4, bOff = B.byteOffset + bi * bBatchStride * 4, cOff = C.byteOffset + bi * m * n * 4;
      if (packed) ctx.wasm.matmulPacked(aOff, bOff, cOff, m, n, k, transposeA, transposeB, r0, r1, ctx.scratch, packed);
      else ctx.wasm.matmul(aOff, bOff, cOff, m, n, k, transposeA, transposeB, r0, r1, ctx.scratch);
      // the rows just written, through the epilogue while they are in cache
      runEpilogue(p.epilogue, ins, outs, bi * m + r0, bi * m + r1, ctx.wasm);
      u = bi * per + lastInEntry + 1;
    }
  },
  (p) => ({ units: p.batch * blockCount(p.m, ROW_BLOCK), align: 1, minUnits: MIN_BLOCKS }),
  {
    scratchBytes: (p, [a, b], [c], w) => (useWasm(w, a!, b!, c!) ? w.scratchBytes(p.m, p.n, p.k) : 0),
    sharedBytes: (p, [a, b], [c], w) => (useWasm(w, a!, b!, c!) && sharedB(p, w) ? w.packedBBytes(p.n, p.k) : 0),
    pre: {
      // pack B once, split over its column panels
      units: (p, [a, b], [c], w) => (useWasm(w, a!, b!, c!) && sharedB(p, w) ? w.panelsB(p.n) : 0),
      run: (p, [a, b], [c], ctx) => {
        if (ctx.shared && useWasm(ctx.wasm, a!, b!, c!) && sharedB(p, ctx.wasm)) {
          ctx.wasm.packB(b!.byteOffset, p.k, p.n, p.transposeB, ctx.shared, ctx.lo, ctx.hi);
        }
      },
    },
  },
);
