/**
 * Float32 matrix multiply: packed panels + an MR×NR register-tile micro-kernel in wasm SIMD,
 * with the blocking loops in TypeScript.
 *
 * C[m×n] = op(A)[m×k] · op(B)[k×n], all row-major. Operands are copied into panels before
 * the multiply (A in MR-row panels, B in NR-column panels, k innermost), and the copy reads
 * either layout, so transposed operands cost the same as plain ones. Where packing would not
 * repay itself the macro-kernel reads an operand in place (it takes strides), and products
 * with one output row or column go to the matrix-vector kernels in gemv.ts.
 */
import type { Local, ModuleBuilder } from './emitter.js';
import { GEMV_EXPORTS, emitGemv } from './gemv.js';

export interface MatmulConfig {
  /** Rows of the register tile. */
  mr: number;
  /** v128 vectors per tile row (tile width NR = 4·nv). */
  nv: number;
  /** Unroll factor of the k loop. */
  unroll: number;
  /** Use relaxed-SIMD `f32x4.relaxed_madd` (FMA where the host has it). */
  fma: boolean;
  /** Block sizes: k per packed panel, rows of A per packed block, columns of B per packed block. */
  kc: number;
  mc: number;
  nc: number;
  /**
   * Read A in place instead of packing it ('auto': when the product has few column panels, so
   * packing would cost about as much as the multiply). Full MR-row panels only; the ragged
   * last panel is always packed.
   */
  directA?: Direct;
  /**
   * Read B (untransposed only) in place instead of packing it ('auto': when C has few rows or
   * B's row stride does not alias in the L1 cache).
   */
  directB?: Direct;
  /** Use the matrix-vector kernels when C is one column or one row (default true). */
  gemv?: boolean;
}

export type Direct = 'auto' | 'always' | 'never';

/** The fields that change the emitted code. */
export type MatmulCodeConfig = Pick<MatmulConfig, 'mr' | 'nv' | 'unroll' | 'fma'>;

/**
 * Default tiling. V8's optimizing tier schedules the k loop's loads ahead of the arithmetic, so
 * accumulators + operand registers of one k step must fit in the 15 usable xmm registers and
 * the loop is not unrolled (unrolling makes it spill). With FMA a 3×12 tile fits (9 + 3 + 3);
 * with mul+add a temporary is needed, so 4×8 (8 + 2 + 4 + 1).
 */
export function defaultMatmulConfig(fma: boolean): MatmulConfig {
  return fma
    ? { mr: 3, nv: 3, unroll: 1, fma, kc: 256, mc: 129, nc: 2048 }
    : { mr: 4, nv: 2, unroll: 1, fma, kc: 256, mc: 128, nc: 2048 };
}

/** Export names of the matmul functions in the kernel module. */
export const MATMUL_EXPORTS = { gebp: 'mm_gebp', packA: 'mm_pack_a', packB: 'mm_pack_b', ...GEMV_EXPORTS } as const;

/**
 * Packs a sub-matrix into R-wide panels. The source element (o, p) — o along the panel
 * dimension (rows of op(A), columns of op(B)), p along k — lives at src + o·sOuter + p·sInner
 * (strides in bytes). Output: for each panel q, for each p, R consecutive floats
 * (o = q·R … q·R+R-1), zero-padded past nOuter.
 *
 * params: src, dst, nOuter, nInner, sOuter, sInner
 */
function emitPack(m: ModuleBuilder, name: string, R: number): void {
  const f = m.func(name, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [src, dst, nOuter, nInner, sOuter, sInner] = f.params as [Local, Local, Local, Local, Local, Local];
  const q0 = f.local('i32');
  const p = f.local('i32');
  const d = f.local('i32');
  const base = f.local('i32');
  const s = f.local('i32');
  const rowPtr = f.locals('i32', R);
  const v = f.locals('v128', 4);
  const t = f.locals('v128', 4);

  f.get(dst).set(d);
  f.for(q0, () => f.i32(0), () => f.get(nOuter), R, () => {
    // base = src + q0·sOuter
    f.get(src).get(q0).get(sOuter).i32Mul().i32Add().set(base);
    // full panel?
    f.get(q0).i32(R).i32Add().get(nOuter).i32LeS();
    f.if();
    {
      f.get(sOuter).i32(4).i32Eq();
      f.if();
      {
        // Contiguous along the panel dimension: copy R floats per p.
        f.for(p, () => f.i32(0), () => f.get(nInner), 1, () => {
          f.get(base).get(p).get(sInner).i32Mul().i32Add().set(s);
          let off = 0;
          while (off + 4 <= R) {
            f.get(d).get(s).v128Load({ offset: off * 4, align: 0 }).v128Store({ offset: off * 4 });
            off += 4;
          }
          if (off + 2 <= R) {
            f.get(d).get(s).i64Load({ offset: off * 4, align: 0 }).i64Store({ offset: off * 4 });
            off += 2;
          }
          if (off < R) {
            f.get(d).get(s).f32Load({ offset: off * 4 }).f32Store({ offset: off * 4 });
            off += 1;
          }
          f.get(d).i32(R * 4).i32Add().set(d);
        });
      }
      f.else();
      {
        for (let r = 0; r < R; r++) f.get(base).get(sOuter).i32(r).i32Mul().i32Add().set(rowPtr[r]!);
        f.get(sInner).i32(4).i32Eq();
        f.if();
        {
          // Contiguous along k: 4×4 transposes for groups of four rows, scalar for the rest.
          const full4 = Math.floor(R / 4) * 4;
          f.i32(0).set(p);
          f.while(
            () => f.get(p).i32(4).i32Add().get(nInner).i32LeS(),
            () => {
              for (let g = 0; g < full4; g += 4) {
                for (let i = 0; i < 4; i++) f.get(rowPtr[g + i]!).v128Load({ align: 0 }).set(v[i]!);
                // t0 = (v0[0] v1[0] v0[1] v1[1]), t1 = (v0[2] v1[2] v0[3] v1[3]), same for v2, v3
                f.get(v[0]!).get(v[1]!).f32x4Shuffle(0, 4, 1, 5).set(t[0]!);
                f.get(v[0]!).get(v[1]!).f32x4Shuffle(2, 6, 3, 7).set(t[1]!);
                f.get(v[2]!).get(v[3]!).f32x4Shuffle(0, 4, 1, 5).set(t[2]!);
                f.get(v[2]!).get(v[3]!).f32x4Shuffle(2, 6, 3, 7).set(t[3]!);
                const outs: [Local, Local, number, number, number, number][] = [
                  [t[0]!, t[2]!, 0, 1, 4, 5],
                  [t[0]!, t[2]!, 2, 3, 6, 7],
                  [t[1]!, t[3]!, 0, 1, 4, 5],
                  [t[1]!, t[3]!, 2, 3, 6, 7],
                ];
                outs.forEach(([x, y, a, b, c, e], pi) => {
                  f.get(d).get(x).get(y).f32x4Shuffle(a, b, c, e).v128Store({ offset: (pi * R + g) * 4, align: 0 });
                });
              }
              for (let r = full4; r < R; r++) {
                for (let pi = 0; pi < 4; pi++) {
                  f.get(d).get(rowPtr[r]!).f32Load({ offset: pi * 4 }).f32Store({ offset: (pi * R + r) * 4 });
                }
              }
              for (let r = 0; r < R; r++) f.get(rowPtr[r]!).i32(16).i32Add().set(rowPtr[r]!);
              f.get(d).i32(4 * R * 4).i32Add().set(d);
              f.get(p).i32(4).i32Add().set(p);
            },
          );
          f.while(
            () => f.get(p).get(nInner).i32LtS(),
            () => {
              for (let r = 0; r < R; r++) {
                f.get(d).get(rowPtr[r]!).f32Load().f32Store({ offset: r * 4 });
                f.get(rowPtr[r]!).i32(4).i32Add().set(rowPtr[r]!);
              }
              f.get(d).i32(R * 4).i32Add().set(d);
              f.get(p).i32(1).i32Add().set(p);
            },
          );
        }
        f.else();
        {
          // General strides, full panel.
          f.for(p, () => f.i32(0), () => f.get(nInner), 1, () => {
            for (let r = 0; r < R; r++) {
              f.get(d).get(rowPtr[r]!).f32Load().f32Store({ offset: r * 4 });
              f.get(rowPtr[r]!).get(sInner).i32Add().set(rowPtr[r]!);
            }
            f.get(d).i32(R * 4).i32Add().set(d);
          });
        }
        f.end();
      }
      f.end();
    }
    f.else();
    {
      // Partial panel: rows past nOuter are zero.
      for (let r = 0; r < R; r++) f.get(base).get(sOuter).i32(r).i32Mul().i32Add().set(rowPtr[r]!);
      f.for(p, () => f.i32(0), () => f.get(nInner), 1, () => {
        for (let r = 0; r < R; r++) {
          f.get(d);
          f.get(q0).i32(r).i32Add().get(nOuter).i32LtS();
          f.if('f32');
          f.get(rowPtr[r]!).f32Load();
          f.get(rowPtr[r]!).get(sInner).i32Add().set(rowPtr[r]!);
          f.else();
          f.f32(0);
          f.end();
          f.f32Store({ offset: r * 4 });
        }
        f.get(d).i32(R * 4).i32Add().set(d);
      });
    }
    f.end();
  });
}

/**
 * The macro-kernel: C[mc×nc] (+)= A[mc×kc] · B[kc×nc], looping NR-column micro-panels of B
 * (outer) and MR-row micro-panels of A (inner). Full tiles read/write C directly; edge tiles
 * go through a small buffer.
 *
 * Operands are addressed by strides, so packed panels and suitable unpacked matrices share
 * one kernel: element (row i of panel, step p) of A is at
 *   pa + panel·aPanel + i·aRow + p·aStep,
 * and the NR floats of B for step p of a column panel start at pb + panel·bPanel + p·bStep.
 *
 * params: pa, aStep, aPanel, aRow, pb, bStep, bPanel, c, ldc (bytes), mc, nc, kc,
 *         load (0: overwrite C, 1: add into C), edge
 */
function emitGebp(m: ModuleBuilder, cfg: MatmulCodeConfig): void {
  const { mr: MR, nv: NV, unroll: U, fma } = cfg;
  const NR = NV * 4;
  const f = m.func(MATMUL_EXPORTS.gebp, new Array(14).fill('i32'));
  const [pa, aStep, aPanel, aRow, pb, bStep, bPanel, c, ldc, mc, nc, kc, load, edge] = f.params as Local[] as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const jr = f.local('i32');
  const ir = f.local('i32');
  const paP = f.local('i32');
  const pbP = f.local('i32');
  const aOff = f.local('i32');
  const bPtr = f.local('i32');
  const cnt = f.local('i32');
  const rp = f.local('i32');
  const rows = f.local('i32');
  const cols = f.local('i32');
  const i = f.local('i32');
  const j = f.local('i32');
  const ev = f.local('f32');
  const aRowPtr = f.locals('i32', MR);
  const acc = f.locals('v128', MR * NV);
  const bv = f.locals('v128', NV);
  const av = f.local('v128');

  const step = (): void => {
    for (let x = 0; x < NV; x++) f.get(bPtr).v128Load({ offset: 16 * x }).set(bv[x]!);
    for (let r = 0; r < MR; r++) {
      f.get(aRowPtr[r]!).get(aOff).i32Add().v128Load32Splat().set(av);
      for (let x = 0; x < NV; x++) {
        const a = acc[r * NV + x]!;
        if (fma) f.get(av).get(bv[x]!).get(a).f32x4RelaxedMadd().set(a);
        else f.get(a).get(av).get(bv[x]!).f32x4Mul().f32x4Add().set(a);
      }
    }
    f.get(aOff).get(aStep).i32Add().set(aOff);
    f.get(bPtr).get(bStep).i32Add().set(bPtr);
  };

  f.get(pb).set(pbP);
  f.for(jr, () => f.i32(0), () => f.get(nc), NR, () => {
    f.get(pa).set(paP);
    f.for(ir, () => f.i32(0), () => f.get(mc), MR, () => {
      for (const a of acc) f.v128Zero().set(a);
      for (let r = 0; r < MR; r++) {
        f.get(paP);
        if (r > 0) f.get(aRow).i32(r).i32Mul().i32Add();
        f.set(aRowPtr[r]!);
      }
      f.i32(0).set(aOff);
      f.get(pbP).set(bPtr);
      f.get(kc).set(cnt);
      if (U > 1) {
        f.while(
          () => f.get(cnt).i32(U).i32GeS(),
          () => {
            for (let u = 0; u < U; u++) step();
            f.get(cnt).i32(U).i32Sub().set(cnt);
          },
        );
      }
      f.while(
        () => f.get(cnt).i32(0).i32GtS(),
        () => {
          step();
          f.get(cnt).i32(1).i32Sub().set(cnt);
        },
      );

      // Store the tile.
      f.get(ir).i32(MR).i32Add().get(mc).i32LeS();
      f.get(jr).i32(NR).i32Add().get(nc).i32LeS();
      f.i32And();
      f.if();
      {
        // rp = c + ir·ldc + jr·4
        f.get(c).get(ir).get(ldc).i32Mul().i32Add().get(jr).i32(4).i32Mul().i32Add().set(rp);
        f.get(load);
        f.if();
        for (let r = 0; r < MR; r++) {
          for (let x = 0; x < NV; x++) {
            f.get(rp).get(rp).v128Load({ offset: 16 * x }).get(acc[r * NV + x]!).f32x4Add().v128Store({ offset: 16 * x });
          }
          if (r < MR - 1) f.get(rp).get(ldc).i32Add().set(rp);
        }
        f.else();
        for (let r = 0; r < MR; r++) {
          for (let x = 0; x < NV; x++) f.get(rp).get(acc[r * NV + x]!).v128Store({ offset: 16 * x });
          if (r < MR - 1) f.get(rp).get(ldc).i32Add().set(rp);
        }
        f.end();
      }
      f.else();
      {
        for (let r = 0; r < MR; r++) {
          for (let x = 0; x < NV; x++) f.get(edge).get(acc[r * NV + x]!).v128Store({ offset: (r * NR + 4 * x) * 4 });
        }
        // rows = min(MR, mc - ir), cols = min(NR, nc - jr)
        f.get(mc).get(ir).i32Sub().set(rows);
        f.get(rows).i32(MR).i32GtS().ifThen(() => f.i32(MR).set(rows));
        f.get(nc).get(jr).i32Sub().set(cols);
        f.get(cols).i32(NR).i32GtS().ifThen(() => f.i32(NR).set(cols));
        f.for(i, () => f.i32(0), () => f.get(rows), 1, () => {
          // rp = c + (ir + i)·ldc + jr·4
          f.get(c).get(ir).get(i).i32Add().get(ldc).i32Mul().i32Add().get(jr).i32(4).i32Mul().i32Add().set(rp);
          f.for(j, () => f.i32(0), () => f.get(cols), 1, () => {
            f.get(rp).get(j).i32(4).i32Mul().i32Add();
            // value = edge[i·NR + j] (+ C if load)
            f.get(edge).get(i).i32(NR).i32Mul().get(j).i32Add().i32(4).i32Mul().i32Add().f32Load().set(ev);
            f.get(rp).get(j).i32(4).i32Mul().i32Add().f32Load().get(ev).f32Add();
            f.get(ev);
            f.get(load);
            f.select();
            f.f32Store();
          });
        });
      }
      f.end();
      f.get(paP).get(aPanel).i32Add().set(paP);
    });
    f.get(pbP).get(bPanel).i32Add().set(pbP);
  });
}

/** Adds the packing functions and the macro-kernel to a module. */
export function emitMatmul(m: ModuleBuilder, cfg: MatmulCodeConfig): void {
  emitPack(m, MATMUL_EXPORTS.packA, cfg.mr);
  emitPack(m, MATMUL_EXPORTS.packB, cfg.nv * 4);
  emitGebp(m, cfg);
  emitGemv(m, cfg.fma);
}

export type GebpFn = (
  pa: number, aStep: number, aPanel: number, aRow: number, pb: number, bStep: number, bPanel: number,
  c: number, ldcBytes: number, mc: number, nc: number, kc: number, load: number, edge: number,
) => void;
export type PackFn = (src: number, dst: number, nOuter: number, nInner: number, sOuter: number, sInner: number) => void;
export type DotsFn = (
  x: number, ldx: number, v: number, out: number, ostride: number, rows: number, k: number, load: number,
) => void;
export type AxpyFn = (x: number, ldx: number, v: number, out: number, k: number, width: number, load: number) => void;

const roundUp = (x: number, r: number): number => Math.ceil(x / r) * r;

/** Split `total` into the fewest blocks of at most `max`, of near-equal size rounded up to `mult`. */
function blockSize(total: number, max: number, mult: number): number {
  const nBlocks = Math.max(1, Math.ceil(total / max));
  return Math.min(roundUp(Math.ceil(total / nBlocks), mult), roundUp(max, mult));
}

export interface MatmulDriver {
  /**
   * C[m×n] (row-major, ldc = n) = op(A)·op(B) for rows [rowStart, rowEnd) of C; A is m×k (or
   * k×m if transA), B is k×n (or n×k if transB), all float32 row-major. `scratch` is a byte
   * offset of at least scratchBytes(m, n, k) free bytes this call may use (per thread).
   * accumulate=false (the default) overwrites C; true adds the product into C.
   */
  matmul(
    a: number, b: number, c: number, m: number, n: number, k: number, transA: boolean, transB: boolean,
    rowStart: number, rowEnd: number, scratch: number, accumulate?: boolean,
  ): void;
  /** Scratch bytes one matmul call (one thread's row range) needs. */
  scratchBytes(m: number, n: number, k: number): number;
  /**
   * Whether matmulPacked reads the packed op(B) for an m×n product; when false (one row or one
   * column: the matrix-vector paths) it reads B in place and packB need not run.
   */
  usesPackedB(m: number, n: number): boolean;
  /** Bytes packB writes for a k×n op(B) (alignment slack included). */
  packedBBytes(n: number, k: number): number;
  /** Column panels of a packed k×n op(B) (the units packB can be split over). */
  panelsB(n: number): number;
  /**
   * Pack op(B) (k×n; B is n×k if transB) at byte offset `dst` once, for any number of
   * matmulPacked calls — e.g. by threads computing different row ranges of the same product.
   * [panelStart, panelEnd) packs only those column panels (default: all), so the packing
   * itself can be split between threads.
   */
  packB(b: number, k: number, n: number, transB: boolean, dst: number, panelStart?: number, panelEnd?: number): void;
  /**
   * As matmul, but op(B) comes from `packed` (written by packB for the same B, k, n, transB).
   * Results are bit-identical to matmul's.
   */
  matmulPacked(
    a: number, b: number, c: number, m: number, n: number, k: number, transA: boolean, transB: boolean,
    rowStart: number, rowEnd: number, scratch: number, packed: number, accumulate?: boolean,
  ): void;
}

const SCRATCH_ALIGN = 64;

export function makeMatmulDriver(
  cfg: MatmulConfig,
  fns: { gebp: GebpFn; packA: PackFn; packB: PackFn; dots: DotsFn; axpy: AxpyFn },
  zero: (ptr: number, count: number) => void,
): MatmulDriver {
  const MR = cfg.mr;
  const NR = cfg.nv * 4;
  const { gebp, packA, packB, dots, axpy } = fns;
  const gemv = cfg.gemv ?? true;
  const directA = cfg.directA ?? 'auto';
  const directB = cfg.directB ?? 'auto';

  const layout = (m: number, n: number, k: number) => {
    const kc = blockSize(Math.max(k, 1), cfg.kc, 1);
    const mc = blockSize(Math.max(m, 1), cfg.mc, MR);
    const nc = blockSize(Math.max(n, 1), cfg.nc, NR);
    const edgeBytes = roundUp(MR * NR * 4, SCRATCH_ALIGN);
    const aBytes = roundUp(mc * kc * 4, SCRATCH_ALIGN);
    const bBytes = roundUp(nc * kc * 4, SCRATCH_ALIGN);
    return { kc, mc, nc, edgeBytes, aBytes, bBytes, total: SCRATCH_ALIGN + edgeBytes + aBytes + bBytes };
  };

  /** One operand range as the macro-kernel sees it: base, per-k step, per-panel step, and (A) per-row step. */
  interface Span {
    ptr: number;
    step: number;
    panel: number;
    row: number;
    /** first row (A) / column (B) of the range, relative to the block */
    at: number;
    count: number;
  }
  const spansA: Span[] = [];
  const spansB: Span[] = [];
  const span = (list: Span[], i: number, s: Span): void => {
    if (i < list.length) Object.assign(list[i]!, s);
    else list.push({ ...s });
  };

  const usesPackedB = (m: number, n: number): boolean => !(gemv && (n === 1 || m === 1));
  // Packed op(B): for each kc block of k (at pc·nPad floats), nPad/NR column panels of kc×NR.
  // Column panels [p0, p1) of it can be packed separately (e.g. by different threads).
  const packAll = (b: number, k: number, n: number, transB: boolean, dst: number, p0: number, p1: number): void => {
    const kcMax = blockSize(Math.max(k, 1), cfg.kc, 1);
    const nPad = roundUp(n, NR);
    const base = roundUp(dst, SCRATCH_ALIGN);
    const bSO = transB ? k * 4 : 4;
    const bSI = transB ? 4 : n * 4;
    const j0 = p0 * NR;
    const cols = Math.min(n, p1 * NR) - j0;
    if (cols <= 0) return;
    for (let pc = 0; pc < k; pc += kcMax) {
      const kc = Math.min(kcMax, k - pc);
      packB(b + pc * bSI + j0 * bSO, base + pc * nPad * 4 + p0 * kc * NR * 4, cols, kc, bSO, bSI);
    }
  };

  /** `packed` < 0: pack (or read in place) per call. */
  const run = (
    a: number, b: number, c: number, m: number, n: number, k: number, transA: boolean, transB: boolean,
    rowStart: number, rowEnd: number, scratch: number, accumulate: boolean, packed: number,
  ): void => {
      rowStart = Math.max(0, rowStart);
      rowEnd = Math.min(m, rowEnd);
      if (rowEnd <= rowStart || n <= 0) return;
      if (k <= 0) {
        if (!accumulate) zero(c + rowStart * n * 4, (rowEnd - rowStart) * n);
        return;
      }
      const rows = rowEnd - rowStart;
      const load = accumulate ? 1 : 0;
      if (gemv && n === 1) {
        // one output column: op(B) is a contiguous k-vector whichever way B is stored
        if (!transA) dots(a + rowStart * k * 4, k, b, c + rowStart * 4, 1, rows, k, load);
        else axpy(a + rowStart * 4, m, b, c + rowStart * 4, k, rows, load);
        return;
      }
      if (gemv && m === 1) {
        // one output row (keyed on the matrix, never on the call's row range): op(A) is contiguous
        const arow = a + rowStart * k * 4;
        const crow = c + rowStart * n * 4;
        if (!transB) axpy(b, n, arow, crow, k, n, load);
        else dots(b, k, arow, crow, 1, n, k, load);
        return;
      }
      const L = layout(m, n, k);
      const base = roundUp(scratch, SCRATCH_ALIGN);
      const edge = base;
      const pa = edge + L.edgeBytes;
      const pb = pa + L.aBytes;
      // op(A)[i][p] at a + i·aSO + p·aSI (bytes)
      const aSO = transA ? 4 : k * 4;
      const aSI = transA ? m * 4 : 4;
      // op(B)[p][j] at b + j·bSO + p·bSI
      const bSO = transB ? k * 4 : 4;
      const bSI = transB ? 4 : n * 4;
      const ldc = n * 4;
      const useDirectA = directA === 'always' || (directA === 'auto' && n <= 2 * NR);
      // In place, a B micro-panel is kc rows ldb bytes apart; when ldb is a multiple of 128 bytes
      // those rows crowd into few L1 sets and evict each other, so pack unless C is only a
      // couple of tiles high (each B element then is used too few times to repay packing).
      const useDirectB =
        packed < 0 && !transB && (directB === 'always' || (directB === 'auto' && (rows <= 2 * MR || (n * 4) % 128 !== 0)));

      for (let jc = 0; jc < n; jc += L.nc) {
        const nc = Math.min(L.nc, n - jc);
        for (let pc = 0; pc < k; pc += L.kc) {
          const kc = Math.min(L.kc, k - pc);
          const loadC = accumulate || pc > 0 ? 1 : 0;
          const bBlock = b + jc * bSO + pc * bSI;
          let nB = 0;
          const ncFull = useDirectB ? nc - (nc % NR) : 0;
          if (ncFull > 0) span(spansB, nB++, { ptr: bBlock, step: bSI, panel: NR * bSO, row: 0, at: 0, count: ncFull });
          if (packed >= 0) {
            const ptr = roundUp(packed, SCRATCH_ALIGN) + pc * roundUp(n, NR) * 4 + (jc / NR) * kc * NR * 4;
            span(spansB, nB++, { ptr, step: NR * 4, panel: kc * NR * 4, row: 0, at: 0, count: nc });
          } else if (ncFull < nc) {
            packB(bBlock + ncFull * bSO, pb, nc - ncFull, kc, bSO, bSI);
            span(spansB, nB++, { ptr: pb, step: NR * 4, panel: kc * NR * 4, row: 0, at: ncFull, count: nc - ncFull });
          }
          for (let ic = rowStart; ic < rowEnd; ic += L.mc) {
            const mc = Math.min(L.mc, rowEnd - ic);
            const aBlock = a + ic * aSO + pc * aSI;
            let nA = 0;
            const mcFull = useDirectA ? mc - (mc % MR) : 0;
            if (mcFull > 0) span(spansA, nA++, { ptr: aBlock, step: aSI, panel: MR * aSO, row: aSO, at: 0, count: mcFull });
            if (mcFull < mc) {
              packA(aBlock + mcFull * aSO, pa, mc - mcFull, kc, aSO, aSI);
              span(spansA, nA++, { ptr: pa, step: MR * 4, panel: kc * MR * 4, row: 4, at: mcFull, count: mc - mcFull });
            }
            for (let x = 0; x < nA; x++) {
              const A = spansA[x]!;
              for (let y = 0; y < nB; y++) {
                const B = spansB[y]!;
                const cBlock = c + (ic + A.at) * ldc + (jc + B.at) * 4;
                gebp(A.ptr, A.step, A.panel, A.row, B.ptr, B.step, B.panel, cBlock, ldc, A.count, B.count, kc, loadC, edge);
              }
            }
          }
        }
      }
  };

  return {
    scratchBytes(m, n, k) {
      return layout(m, n, k).total;
    },
    usesPackedB,
    packedBBytes(n, k) {
      return SCRATCH_ALIGN + roundUp(n, NR) * Math.max(k, 0) * 4;
    },
    panelsB(n) {
      return Math.ceil(Math.max(n, 0) / NR);
    },
    packB(b, k, n, transB, dst, panelStart = 0, panelEnd = Math.ceil(n / NR)) {
      if (n > 0 && k > 0) packAll(b, k, n, transB, dst, Math.max(0, panelStart), panelEnd);
    },
    matmul(a, b, c, m, n, k, transA, transB, rowStart, rowEnd, scratch, accumulate = false) {
      run(a, b, c, m, n, k, transA, transB, rowStart, rowEnd, scratch, accumulate, -1);
    },
    matmulPacked(a, b, c, m, n, k, transA, transB, rowStart, rowEnd, scratch, packed, accumulate = false) {
      run(a, b, c, m, n, k, transA, transB, rowStart, rowEnd, scratch, accumulate, usesPackedB(m, n) ? packed : -1);
    },
  };
}
