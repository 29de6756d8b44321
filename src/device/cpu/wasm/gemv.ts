/**
 * Matrix-vector kernels for products with a single row or column of output, where the
 * register-tile kernel would waste most of its tile and packing would dominate:
 *
 *   mv_dots(x, ldx, v, out, ostride, rows, k, load)
 *     out[r·ostride] = (load ? out[r·ostride] : 0) + Σ_p x[r·ldx + p] · v[p]      r < rows
 *     (row-wise dot products; three rows at a time, eight lanes of partial sums per row)
 *
 *   mv_axpy(x, ldx, v, out, k, width, load)
 *     out[j] = (load ? out[j] : 0) + Σ_p v[p] · x[p·ldx + j]                       j < width
 *     (streams x row by row, four rows per pass, into a block of out kept in L1)
 *
 * ldx and ostride are in elements; every address is a byte offset.
 */
import type { FuncBuilder, Local, ModuleBuilder } from './emitter.js';

export const GEMV_EXPORTS = { dots: 'mv_dots', axpy: 'mv_axpy' } as const;

/** Output columns per block of mv_axpy. */
const AXPY_BLOCK = 1024;
/**
 * mv_dots: rows per pass and vectors per row per step. As in the matmul kernel, V8 issues every
 * load of the loop body first, so R·H row loads + H vector loads + R·H accumulators must fit
 * the xmm registers: 4×2 spilled (17–19 GFLOP/s on 1×1024×1024ᵀ), 3×2 runs at 28–32.
 */
const DOTS_ROWS = 3;
const DOTS_VECS = 2;

function madd(f: FuncBuilder, fma: boolean, acc: Local, a: () => void, b: () => void): void {
  if (fma) {
    a();
    b();
    f.get(acc).f32x4RelaxedMadd().set(acc);
  } else {
    f.get(acc);
    a();
    b();
    f.f32x4Mul().f32x4Add().set(acc);
  }
}

/** Sum the four lanes of a vector local (leaves an f32). */
function hsum(f: FuncBuilder, v: Local): void {
  f.get(v).get(v).get(v).f32x4Shuffle(2, 3, 0, 1).f32x4Add().set(v);
  f.get(v).get(v).get(v).f32x4Shuffle(1, 0, 3, 2).f32x4Add().f32x4ExtractLane(0);
}

function emitDots(m: ModuleBuilder, fma: boolean, R = DOTS_ROWS, H = DOTS_VECS): void {
  const f = m.func(GEMV_EXPORTS.dots, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [x, ldx, v, out, ostride, rows, k, load] = f.params as [Local, Local, Local, Local, Local, Local, Local, Local];
  const r = f.local('i32');
  const p = f.local('i32');
  const kMain = f.local('i32');
  const rowBytes = f.local('i32');
  const nr = f.local('i32');
  const rp = f.locals('i32', R);
  const acc = f.locals('v128', H * R);
  const vv = f.locals('v128', H);
  const s = f.local('f32');
  const dst = f.local('i32');

  f.get(ldx).i32(4).i32Mul().set(rowBytes);
  // p runs in bytes; the vector loop covers kMain = (k − k mod 8)·4 bytes
  f.get(k).get(k).i32(4 * H).i32RemU().i32Sub().i32(4).i32Mul().set(kMain);
  f.for(r, () => f.i32(0), () => f.get(rows), R, () => {
    // nr = min(R, rows − r); rows past the end repeat the last valid row (results dropped)
    f.get(rows).get(r).i32Sub().set(nr);
    f.get(nr).i32(R).i32GtS().ifThen(() => f.i32(R).set(nr));
    for (let i = 0; i < R; i++) {
      f.get(x);
      f.get(r);
      if (i > 0) {
        // + min(i, nr − 1)
        f.get(nr).i32(1).i32Sub().i32(i).get(nr).i32(1).i32Sub().i32(i).i32LtS().select().i32Add();
      }
      f.get(rowBytes).i32Mul().i32Add().set(rp[i]!);
    }
    for (const a of acc) f.v128Zero().set(a);
    f.i32(0).set(p);
    f.while(
      () => f.get(p).get(kMain).i32LtU(),
      () => {
        for (let h = 0; h < H; h++) f.get(v).get(p).i32Add().v128Load({ offset: 16 * h, align: 0 }).set(vv[h]!);
        for (let i = 0; i < R; i++) {
          for (let h = 0; h < H; h++) {
            madd(
              f, fma, acc[H * i + h]!,
              () => f.get(rp[i]!).get(p).i32Add().v128Load({ offset: 16 * h, align: 0 }),
              () => f.get(vv[h]!),
            );
          }
        }
        f.get(p).i32(16 * H).i32Add().set(p);
      },
    );
    for (let i = 0; i < R; i++) {
      // row i's result, if the row exists
      f.i32(i).get(nr).i32LtS();
      f.ifThen(() => {
        for (let h = 1; h < H; h++) f.get(acc[H * i]!).get(acc[H * i + h]!).f32x4Add().set(acc[H * i]!);
        hsum(f, acc[H * i]!);
        f.set(s);
        f.get(kMain).set(p);
        f.while(
          () => f.get(p).get(k).i32(4).i32Mul().i32LtU(),
          () => {
            f.get(s).get(rp[i]!).get(p).i32Add().f32Load().get(v).get(p).i32Add().f32Load().f32Mul().f32Add().set(s);
            f.get(p).i32(4).i32Add().set(p);
          },
        );
        f.get(out).get(r).i32(i).i32Add().get(ostride).i32Mul().i32(4).i32Mul().i32Add().set(dst);
        f.get(dst);
        f.get(s).get(dst).f32Load().f32Add();
        f.get(s);
        f.get(load);
        f.select();
        f.f32Store();
      });
    }
  });
}

function emitAxpy(m: ModuleBuilder, fma: boolean): void {
  const f = m.func(GEMV_EXPORTS.axpy, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [x, ldx, v, out, k, width, load] = f.params as [Local, Local, Local, Local, Local, Local, Local];
  const P = 4;
  const jb = f.local('i32');
  const w = f.local('i32');
  const nb = f.local('i32');
  const p = f.local('i32');
  const j = f.local('i32');
  const rowBytes = f.local('i32');
  const first = f.local('i32');
  const xr = f.locals('i32', P);
  const vs = f.locals('v128', P);
  const o = f.local('i32');
  const acc = f.local('v128');
  const sacc = f.local('f32');

  f.get(ldx).i32(4).i32Mul().set(rowBytes);
  f.for(jb, () => f.i32(0), () => f.get(width), AXPY_BLOCK, () => {
    f.get(width).get(jb).i32Sub().set(w);
    f.get(w).i32(AXPY_BLOCK).i32GtS().ifThen(() => f.i32(AXPY_BLOCK).set(w));
    f.get(w).i32(4).i32Mul().set(nb);
    f.get(out).get(jb).i32(4).i32Mul().i32Add().set(o);
    // the first pass starts from 0 unless accumulating
    f.get(load).i32Eqz().set(first);
    f.get(k).i32Eqz().get(first).i32And();
    f.ifThen(() => {
      f.for(j, () => f.i32(0), () => f.get(nb), 4, () => f.get(o).get(j).i32Add().f32(0).f32Store());
    });
    /** one pass over np (1 or P) rows starting at p */
    const pass = (np: number): void => {
      for (let i = 0; i < np; i++) {
        // xr[i] = x + (p + i)·rowBytes + jb·4
        f.get(x).get(p).i32(i).i32Add().get(rowBytes).i32Mul().i32Add().get(jb).i32(4).i32Mul().i32Add().set(xr[i]!);
        f.get(v).get(p).i32(4).i32Mul().i32Add().v128Load32Splat({ offset: 4 * i }).set(vs[i]!);
      }
      f.i32(0).set(j);
      f.while(
        () => f.get(j).i32(16).i32Add().get(nb).i32LeU(),
        () => {
          // acc = first ? 0 : out[j]
          f.v128Zero().get(o).get(j).i32Add().v128Load({ align: 0 }).get(first).select().set(acc);
          for (let i = 0; i < np; i++) {
            madd(f, fma, acc, () => f.get(xr[i]!).get(j).i32Add().v128Load({ align: 0 }), () => f.get(vs[i]!));
          }
          f.get(o).get(j).i32Add().get(acc).v128Store({ align: 0 });
          f.get(j).i32(16).i32Add().set(j);
        },
      );
      f.while(
        () => f.get(j).get(nb).i32LtU(),
        () => {
          f.f32(0).get(o).get(j).i32Add().f32Load().get(first).select().set(sacc);
          for (let i = 0; i < np; i++) {
            f.get(sacc).get(xr[i]!).get(j).i32Add().f32Load().get(vs[i]!).f32x4ExtractLane(0).f32Mul().f32Add().set(sacc);
          }
          f.get(o).get(j).i32Add().get(sacc).f32Store();
          f.get(j).i32(4).i32Add().set(j);
        },
      );
      f.i32(0).set(first);
      f.get(p).i32(np).i32Add().set(p);
    };
    f.i32(0).set(p);
    f.while(() => f.get(p).i32(P).i32Add().get(k).i32LeS(), () => pass(P));
    f.while(() => f.get(p).get(k).i32LtS(), () => pass(1));
  });
}

export function emitGemv(m: ModuleBuilder, fma: boolean): void {
  emitDots(m, fma);
  emitAxpy(m, fma);
}
