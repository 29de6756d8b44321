/**
 * Direct float32 convolution kernels over NHWC, read in place (no im2col copy):
 *
 * - `conv_direct`: out[b, i, j, :] = Σ_{di, dj, ci} x[b, i·SH + di·DH + OY, j·SW + dj·DW + OX, ci]
 *   · f[di, dj, ci, :], taps outside x skipped. The forward conv (OY, OX = −padding), and the
 *   input gradient of a stride-1 conv as a conv of dy with the flipped, transposed filter.
 * - `conv_fgrad`: df[di, dj, ci, :] += Σ_{b, i, j} x[b, i·SH + di·DH + OY, j·SW + dj·DW + OX, ci]
 *   · dy[b, i, j, :], the filter gradient.
 *
 * Output channels are the vector lanes (the count a multiple of 4). `conv_direct` keeps a tile
 * of 2 output pixels × 16 channels, or 4 × 8, or 4 × 4 in registers (8 accumulators, the filter
 * vectors and splats of one step: V8 keeps one step's operands in the 15 usable xmm registers,
 * see matmul.ts); a window row inside the input is one contiguous run of kw·C inputs and
 * filter rows, and at the borders a tap outside the input reads zeros. `conv_fgrad`
 * keeps 2 (or 1) input channels × up to 16 output channels and walks the valid pixels of each
 * row. Every output element sums its terms in one fixed order (taps, then channels; pixels in
 * order for the filter gradient), so results do not depend on how calls split the work.
 */
import type { FuncBuilder, Local, ModuleBuilder } from './emitter.js';

export const CONV_EXPORTS = { direct: 'conv_direct', fgrad: 'conv_fgrad' } as const;

/** x, f, out, zero (C zero floats), r0, r1, then the geometry (see GEOM). */
export type ConvDirectFn = (x: number, f: number, out: number, zero: number, r0: number, r1: number, ...geom: number[]) => void;
/** x, dy, df, u0, u1, r0, r1, the geometry, then ct (input channels per unit: 1 or 2). */
export type ConvFgradFn = (x: number, dy: number, df: number, u0: number, u1: number, r0: number, r1: number, ...rest: number[]) => void;

/** Geometry parameters, in order: the input's H, W, C, the output's OH, OW, OC, the window, strides, dilations, offsets. */
const GEOM = ['H', 'W', 'C', 'OH', 'OW', 'OC', 'KH', 'KW', 'SH', 'SW', 'DH', 'DW', 'OY', 'OX'] as const;
type Geom = Record<(typeof GEOM)[number], Local>;

function geomOf(params: readonly Local[], from: number): Geom {
  const g = {} as Geom;
  GEOM.forEach((k, i) => (g[k] = params[from + i]!));
  return g;
}

/** acc = s · v + acc (fused where the host has FMA, with relaxed SIMD). */
function madd(f: FuncBuilder, fma: boolean, s: Local, v: Local, acc: Local): void {
  if (fma) f.get(s).get(v).get(acc).f32x4RelaxedMadd().set(acc);
  else f.get(acc).get(s).get(v).f32x4Mul().f32x4Add().set(acc);
}

/** Output pixels per conv_direct tile of 8 channels (tiles of 16 channels take half as many). */
export const CONV_PIXELS = 4;

function emitDirect(m: ModuleBuilder, fma: boolean, PT: number): void {
  const f = m.func(CONV_EXPORTS.direct, Array(6 + GEOM.length).fill('i32'));
  const [x, flt, out, zero, r0, r1] = f.params as [Local, Local, Local, Local, Local, Local];
  const g = geomOf(f.params, 6);
  const [r, b, i, oc0, j, di, dj, y, xc, x0, k, rowBase, fp, outRow, ocb, cb, t, rem, pstride, rowRun] = f.locals('i32', 20);
  const pp = f.locals('i32', PT);
  const acc = f.locals('v128', PT * 2);
  const fv = f.locals('v128', 4);
  const s = f.local('v128');

  /** The multiply-adds of one filter row run: k over [0, kEnd) bytes of each pixel's run, fp stepping a filter row per k. */
  const run = (np: number, NV: number, kEnd: Local): void => {
    f.for(k, () => f.i32(0), () => f.get(kEnd), 4, () => {
      for (let v = 0; v < NV; v++) f.get(fp).v128Load({ offset: 16 * v, align: 0 }).set(fv[v]!);
      for (let p = 0; p < np; p++) {
        f.get(pp[p]!).get(k).i32Add().v128Load32Splat().set(s);
        for (let v = 0; v < NV; v++) madd(f, fma, s, fv[v]!, acc[p * NV + v]!);
      }
      f.get(fp).get(ocb).i32Add().set(fp);
    });
  };

  /**
   * One tile of np pixels (from j) × NV vectors (from oc0). Where every pixel's window row lies
   * inside x (dilation 1), the row's kw·C inputs are contiguous, as are its filter rows: one
   * run; else tap by tap, a tap outside the row reading zeros.
   */
  const tile = (np: number, NV: number): void => {
    for (let a = 0; a < np * NV; a++) f.v128Zero().set(acc[a]!);
    f.for(di, () => f.i32(0), () => f.get(g.KH), 1, () => {
      // y = i·SH + di·DH + OY, inside [0, H) (unsigned compare)
      f.get(i).get(g.SH).i32Mul().get(di).get(g.DH).i32Mul().i32Add().get(g.OY).i32Add().tee(y).get(g.H).i32LtU();
      f.ifThen(() => {
        // rowBase = x + (b·H + y)·W·C·4, fp = f + (di·KW·C·OC + oc0)·4, x0 = j·SW + OX
        f.get(x).get(b).get(g.H).i32Mul().get(y).i32Add().get(g.W).i32Mul().get(cb).i32Mul().i32Add().set(rowBase);
        f.get(flt).get(di).get(g.KW).i32Mul().get(g.C).i32Mul().get(ocb).i32Mul().i32Add().get(oc0).i32(4).i32Mul().i32Add().set(fp);
        f.get(j).get(g.SW).i32Mul().get(g.OX).i32Add().set(x0);
        f.get(g.DW).i32(1).i32Eq();
        f.get(x0).i32(0).i32GeS().i32And();
        f.get(x0).get(g.SW).i32(np - 1).i32Mul().i32Add().get(g.KW).i32Add().get(g.W).i32LeS().i32And();
        f.ifThen(
          () => {
            f.get(rowBase).get(x0).get(cb).i32Mul().i32Add().set(pp[0]!);
            for (let p = 1; p < np; p++) f.get(pp[p - 1]!).get(pstride).i32Add().set(pp[p]!);
            run(np, NV, rowRun);
          },
          () => {
            f.for(dj, () => f.i32(0), () => f.get(g.KW), 1, () => {
              f.get(x0).get(dj).get(g.DW).i32Mul().i32Add().set(xc);
              for (let p = 0; p < np; p++) {
                // pp = xc inside [0, W) ? rowBase + xc·C·4 : zero
                f.get(rowBase).get(xc).get(cb).i32Mul().i32Add().get(zero).get(xc).get(g.W).i32LtU().select().set(pp[p]!);
                if (p + 1 < np) f.get(xc).get(g.SW).i32Add().set(xc);
              }
              run(np, NV, cb);
            });
          },
        );
      });
    });
    // out[b, i, j + p, oc0 + 4v …]
    f.get(outRow).get(j).get(ocb).i32Mul().i32Add().get(oc0).i32(4).i32Mul().i32Add().set(t);
    for (let p = 0; p < np; p++) {
      for (let v = 0; v < NV; v++) f.get(t).get(acc[p * NV + v]!).v128Store({ offset: 16 * v, align: 0 });
      if (p + 1 < np) f.get(t).get(ocb).i32Add().set(t);
    }
    f.get(j).i32(np).i32Add().set(j);
  };

  /** All pixels of the row for the channel tile at oc0, NV vectors wide: full tiles, then the rest. */
  const rowPass = (NV: number, PT: number): void => {
    f.i32(0).set(j);
    f.while(() => f.get(j).i32(PT).i32Add().get(g.OW).i32LeS(), () => tile(PT, NV));
    f.get(g.OW).get(j).i32Sub().set(rem);
    for (let np = PT - 1; np >= 1; np--) {
      f.get(rem).i32(np).i32Eq();
      f.ifThen(() => tile(np, NV));
    }
  };

  f.get(g.OC).i32(4).i32Mul().set(ocb);
  f.get(g.C).i32(4).i32Mul().set(cb);
  f.get(g.SW).get(cb).i32Mul().set(pstride);
  f.get(g.KW).get(cb).i32Mul().set(rowRun);
  f.for(r, () => f.get(r0), () => f.get(r1), 1, () => {
    f.get(r).get(g.OH).i32DivU().set(b);
    f.get(r).get(b).get(g.OH).i32Mul().i32Sub().set(i);
    f.get(out).get(r).get(g.OW).i32Mul().get(ocb).i32Mul().i32Add().set(outRow);
    f.i32(0).set(oc0);
    f.while(
      () => f.get(oc0).i32(16).i32Add().get(g.OC).i32LeS(),
      () => {
        rowPass(4, PT / 2);
        f.get(oc0).i32(16).i32Add().set(oc0);
      },
    );
    f.while(
      () => f.get(oc0).i32(8).i32Add().get(g.OC).i32LeS(),
      () => {
        rowPass(2, PT);
        f.get(oc0).i32(8).i32Add().set(oc0);
      },
    );
    f.get(oc0).i32(4).i32Add().get(g.OC).i32LeS();
    f.ifThen(() => rowPass(1, PT));
  });
}

function emitFgrad(m: ModuleBuilder, fma: boolean): void {
  const f = m.func(CONV_EXPORTS.fgrad, Array(7 + GEOM.length + 1).fill('i32'));
  const [x, dy, df, u0, u1, r0, r1] = f.params as [Local, Local, Local, Local, Local, Local, Local];
  const g = geomOf(f.params, 7);
  const CT = f.params[7 + GEOM.length]!;
  const [r, b, i, u, tap, di, dj, ci0, y, off, jlo, jhi, t, xRow, dyRow, dfRow, q0, xp, dyp, n, pstride, ocb, nct] = f.locals('i32', 23);
  const acc = f.locals('v128', 8);
  const dv = f.locals('v128', 4);
  const s = f.local('v128');

  /** The df tile of ct channels × NV vectors at q0, over the row's valid pixels [jlo, jhi). */
  const pass = (ct: number, NV: number): void => {
    // df[row + c, q0 + 4v …] (ct ≤ 2: row c is one OC·4 stride further)
    const at = (c: number): void => {
      f.get(dfRow).get(q0).i32(4).i32Mul().i32Add();
      if (c > 0) f.get(ocb).i32Add();
    };
    for (let c = 0; c < ct; c++) for (let v = 0; v < NV; v++) {
      at(c);
      f.v128Load({ offset: 16 * v, align: 0 }).set(acc[c * NV + v]!);
    }
    // xp = xRow + (jlo·SW + off)·C·4, dyp = dyRow + (jlo·OC + q0)·4
    f.get(xRow).get(jlo).get(g.SW).i32Mul().get(off).i32Add().get(g.C).i32Mul().i32(4).i32Mul().i32Add().set(xp);
    f.get(dyRow).get(jlo).get(ocb).i32Mul().i32Add().get(q0).i32(4).i32Mul().i32Add().set(dyp);
    f.get(jhi).get(jlo).i32Sub().set(n);
    // n ≥ 1 here: a do-while over the pixels
    const top = f.loop();
    for (let v = 0; v < NV; v++) f.get(dyp).v128Load({ offset: 16 * v, align: 0 }).set(dv[v]!);
    for (let c = 0; c < ct; c++) {
      f.get(xp).v128Load32Splat({ offset: 4 * c }).set(s);
      for (let v = 0; v < NV; v++) madd(f, fma, s, dv[v]!, acc[c * NV + v]!);
    }
    f.get(xp).get(pstride).i32Add().set(xp);
    f.get(dyp).get(ocb).i32Add().set(dyp);
    f.get(n).i32(1).i32Sub().tee(n).brIf(top);
    f.end();
    for (let c = 0; c < ct; c++) for (let v = 0; v < NV; v++) {
      at(c);
      f.get(acc[c * NV + v]!).v128Store({ offset: 16 * v, align: 0 });
    }
    f.get(q0).i32(4 * NV).i32Add().set(q0);
  };

  const channels = (ct: number): void => {
    f.i32(0).set(q0);
    f.while(() => f.get(q0).i32(16).i32Add().get(g.OC).i32LeS(), () => pass(ct, 4));
    f.get(q0).i32(8).i32Add().get(g.OC).i32LeS();
    f.ifThen(() => pass(ct, 2));
    f.get(q0).i32(4).i32Add().get(g.OC).i32LeS();
    f.ifThen(() => pass(ct, 1));
  };

  f.get(g.SW).get(g.C).i32Mul().i32(4).i32Mul().set(pstride);
  f.get(g.OC).i32(4).i32Mul().set(ocb);
  f.get(g.C).get(CT).i32DivU().set(nct);
  f.for(r, () => f.get(r0), () => f.get(r1), 1, () => {
    f.get(r).get(g.OH).i32DivU().set(b);
    f.get(r).get(b).get(g.OH).i32Mul().i32Sub().set(i);
    f.get(dy).get(r).get(g.OW).i32Mul().get(ocb).i32Mul().i32Add().set(dyRow);
    f.for(u, () => f.get(u0), () => f.get(u1), 1, () => {
      f.get(u).get(nct).i32DivU().set(tap);
      f.get(u).get(tap).get(nct).i32Mul().i32Sub().get(CT).i32Mul().set(ci0);
      f.get(tap).get(g.KW).i32DivU().set(di);
      f.get(tap).get(di).get(g.KW).i32Mul().i32Sub().set(dj);
      f.get(i).get(g.SH).i32Mul().get(di).get(g.DH).i32Mul().i32Add().get(g.OY).i32Add().tee(y).get(g.H).i32LtU();
      f.ifThen(() => {
        // valid j: 0 ≤ j·SW + off < W
        f.get(dj).get(g.DW).i32Mul().get(g.OX).i32Add().set(off);
        f.i32(0).get(off).i32Sub().set(t);
        f.get(t).i32(0).i32LeS();
        f.ifThen(
          () => f.i32(0).set(jlo),
          () => f.get(t).get(g.SW).i32Add().i32(1).i32Sub().get(g.SW).i32DivU().set(jlo),
        );
        f.get(g.W).i32(1).i32Sub().get(off).i32Sub().set(t);
        f.get(t).i32(0).i32LtS();
        f.ifThen(
          () => f.i32(0).set(jhi),
          () => {
            f.get(t).get(g.SW).i32DivU().i32(1).i32Add().set(jhi);
            f.get(jhi).get(g.OW).i32GtS();
            f.ifThen(() => f.get(g.OW).set(jhi));
          },
        );
        f.get(jlo).get(jhi).i32LtS();
        f.ifThen(() => {
          // xRow = x + ((b·H + y)·W·C + ci0)·4, dfRow = df + (tap·C + ci0)·OC·4
          f.get(x).get(b).get(g.H).i32Mul().get(y).i32Add().get(g.W).i32Mul().get(g.C).i32Mul().get(ci0).i32Add().i32(4).i32Mul().i32Add().set(xRow);
          f.get(df).get(tap).get(g.C).i32Mul().get(ci0).i32Add().get(ocb).i32Mul().i32Add().set(dfRow);
          f.get(CT).i32(2).i32Eq();
          f.ifThen(() => channels(2), () => channels(1));
        });
      });
    });
  });
}

export function emitConv(m: ModuleBuilder, fma: boolean): void {
  emitDirect(m, fma, CONV_PIXELS);
  emitFgrad(m, fma);
}
