/**
 * conv2d and its two gradients over NHWC with TF's SAME/VALID geometry. Float32 with wasm runs
 * the direct SIMD kernels (wasm/conv.ts), which read x, dy and the filter in place: the forward
 * conv and the filter gradient whenever the output channels are a multiple of 4, the input
 * gradient of a stride-1 conv as a conv of dy with the flipped filter when the input channels
 * are. Other float32 shapes go through im2col + the SIMD matmul, one block of output pixels at
 * a time in this thread's scratch; the plain-JS loops are the fallback.
 *
 * Splits. Direct: the forward conv and the input gradient over output rows (b, i); the filter
 * gradient over (tap, channel pair) units, each summing all pixels in order. im2col: forward
 * over fixed blocks of output pixels; the filter gradient over blocks of filter rows
 * (kh·kw·c), each summing all pixels in fixed blocks so every element adds in one order; the
 * input gradient scatters into dx, so it splits over images. Every element is computed by the
 * same calls whatever the chunking (see blocks.ts). A fused epilogue (prims.ts Epilogue) runs
 * over the forward conv's output pixels right after they are stored.
 */
import type { DataArray } from '../../../dtype.js';
import type { PrimParams, WindowGeom } from '../../prims.js';
import type { ConvGeom, WasmKernels } from '../wasm/index.js';
import { blockCount, blockRows } from './blocks.js';
import { runEpilogue } from './map.js';
import { type CpuKernel, splittable, useWasm } from './types.js';

type Conv = PrimParams['conv2d'];

/** Output pixels per im2col block; a block may take one more (blocks.ts). */
const PIX = 128;
const PIX_MAX = PIX + 1;
/**
 * Filter-gradient rows per split unit, and units a chunk gets at least: every chunk walks all
 * pixels and multiplies in calls of its rows, so thin chunks mostly repeat overhead.
 */
const FROWS = 4;
const FMIN_UNITS = 8;
const SCRATCH_ALIGN = 64;
const up = (x: number) => Math.ceil(x / SCRATCH_ALIGN) * SCRATCH_ALIGN;

/** Output floats the direct forward conv computes before running a fused epilogue over them. */
const EPILOGUE_FLOATS = 4096;

const kdim = (g: WindowGeom) => g.kh * g.kw * g.c;

/**
 * Patches of output pixels [p0, p1) (pixel = (b·oh + i)·ow + j), filter columns [c0, c1) of
 * kdim, into P as [p1 − p0, c1 − c0] float32 row-major, zeros for padding. Pixel coordinates
 * advance incrementally; with every column, a window row inside the image (dilation 1) is one
 * contiguous run of kw·c floats in both X and P.
 */
function im2col(g: WindowGeom, X: Float32Array, P: Float32Array, p0: number, p1: number, c0: number, c1: number): void {
  const { h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, padTop, padLeft } = g;
  const full = c0 === 0 && c1 === kh * kw * c;
  const run = kw * c;
  let j = p0 % ow;
  const t = (p0 - j) / ow;
  let i = t % oh;
  let b = (t - i) / oh;
  let o = 0;
  // the tap range the columns touch, and the channel range inside the first and last tap
  const tap0 = Math.floor(c0 / c);
  const tap1 = Math.ceil(c1 / c);
  for (let px = p0; px < p1; px++) {
    const x0 = j * sw - padLeft;
    if (full) {
      const inside = dw === 1 && x0 >= 0 && x0 + kw - 1 < w;
      for (let di = 0; di < kh; di++) {
        const y = i * sh + di * dh - padTop;
        if (y < 0 || y >= h) {
          P.fill(0, o, o + run);
          o += run;
          continue;
        }
        const row = (b * h + y) * w;
        if (inside) {
          const src = (row + x0) * c;
          for (let q = 0; q < run; q++) P[o + q] = X[src + q]!;
          o += run;
          continue;
        }
        for (let dj = 0; dj < kw; dj++) {
          const x = x0 + dj * dw;
          if (x < 0 || x >= w) P.fill(0, o, o + c);
          else {
            const src = (row + x) * c;
            for (let q = 0; q < c; q++) P[o + q] = X[src + q]!;
          }
          o += c;
        }
      }
    } else {
      for (let tap = tap0; tap < tap1; tap++) {
        const dj = tap % kw;
        const di = (tap - dj) / kw;
        const ca = Math.max(c0 - tap * c, 0);
        const cb = Math.min(c1 - tap * c, c);
        const y = i * sh + di * dh - padTop;
        const x = x0 + dj * dw;
        const n = cb - ca;
        if (y < 0 || y >= h || x < 0 || x >= w) P.fill(0, o, o + n);
        else {
          const src = ((b * h + y) * w + x) * c + ca;
          for (let q = 0; q < n; q++) P[o + q] = X[src + q]!;
        }
        o += n;
      }
    }
    if (++j === ow) {
      j = 0;
      if (++i === oh) {
        i = 0;
        b++;
      }
    }
  }
}

/**
 * The scratch a wasm conv call lays out: a patch block of rows × width floats, then the
 * matmul's own scratch for any m up to `maxM` (its panel sizes are not monotone in m).
 */
function convScratch(w: WasmKernels, rows: number, width: number, maxM: number, n: number, k: number): number {
  let mm = 0;
  for (let m = 1; m <= maxM; m++) mm = Math.max(mm, w.scratchBytes(m, n, k));
  return SCRATCH_ALIGN + up(rows * width * 4) + mm;
}

/** The patch block at the start of this thread's scratch; the matmul scratch follows it. */
function patchBlock(ctxScratch: number, X: Float32Array, rows: number, width: number): [Float32Array, number] {
  const at = up(ctxScratch);
  return [new Float32Array(X.buffer, at, rows * width), at + up(rows * width * 4)];
}

// ----- direct kernels -------------------------------------------------------------------------

/** The forward conv (and the filter gradient) run direct: output channels fill whole vectors. */
const directForward = (g: Conv): boolean => g.o % 4 === 0;
/** The input gradient runs direct as a conv of dy: stride 1, input channels fill whole vectors. */
const directInput = (g: Conv): boolean => g.sh === 1 && g.sw === 1 && g.c % 4 === 0;

const forwardGeom = (g: Conv): ConvGeom => ({
  H: g.h, W: g.w, C: g.c, OH: g.oh, OW: g.ow, OC: g.o, KH: g.kh, KW: g.kw, SH: g.sh, SW: g.sw, DH: g.dh, DW: g.dw, OY: -g.padTop, OX: -g.padLeft,
});

/**
 * dx of a stride-1 conv as a conv over dy [n, oh, ow, o]: tap (di', dj') = (kh−1−di, kw−1−dj)
 * reads dy at y + di'·dh + padTop − (kh−1)·dh, with the filter flipped and transposed.
 */
const inputGradGeom = (g: Conv): ConvGeom => ({
  H: g.oh, W: g.ow, C: g.o, OH: g.h, OW: g.w, OC: g.c, KH: g.kh, KW: g.kw, SH: 1, SW: 1, DH: g.dh, DW: g.dw,
  OY: g.padTop - (g.kh - 1) * g.dh, OX: g.padLeft - (g.kw - 1) * g.dw,
});

/** The filter [kh, kw, c, o] flipped in both taps and transposed to [kh, kw, o, c], into T. */
function flipFilter(g: Conv, F: Float32Array, T: Float32Array): void {
  const { kh, kw, c, o } = g;
  for (let di = 0; di < kh; di++) {
    for (let dj = 0; dj < kw; dj++) {
      const src = ((kh - 1 - di) * kw + (kw - 1 - dj)) * c * o;
      const dst = (di * kw + dj) * o * c;
      for (let ci = 0; ci < c; ci++) for (let q = 0; q < o; q++) T[dst + q * c + ci] = F[src + ci * o + q]!;
    }
  }
}

/** `count` zero floats at the aligned `at` in the heap (the taps outside the input read them); their byte offset. */
function zeros(heap: ArrayBufferLike, at: number, count: number): number {
  const z = new Float32Array(heap, up(at), count);
  z.fill(0);
  return z.byteOffset;
}

/** Input channels per filter-gradient unit. */
const fgradCt = (g: Conv): 1 | 2 => (g.c % 2 === 0 ? 2 : 1);

// ----- forward ------------------------------------------------------------------------------

function conv2dJs(g: Conv, X: DataArray, F: DataArray, O: DataArray, p0: number, p1: number): void {
  const { h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, padTop, padLeft, o: oc } = g;
  const acc = new Float64Array(oc);
  for (let px = p0; px < p1; px++) {
    const j = px % ow;
    const row = (px - j) / ow;
    const i = row % oh;
    const b = (row - i) / oh;
    acc.fill(0);
    for (let di = 0; di < kh; di++) {
      const y = i * sh + di * dh - padTop;
      if (y < 0 || y >= h) continue;
      for (let dj = 0; dj < kw; dj++) {
        const xx = j * sw + dj * dw - padLeft;
        if (xx < 0 || xx >= w) continue;
        const xb = ((b * h + y) * w + xx) * c;
        const fb = (di * kw + dj) * c * oc;
        for (let ci = 0; ci < c; ci++) {
          const xv = X[xb + ci]!;
          if (xv === 0) continue;
          const fr = fb + ci * oc;
          for (let q = 0; q < oc; q++) acc[q] += xv * F[fr + q]!;
        }
      }
    }
    const ob = px * oc;
    for (let q = 0; q < oc; q++) O[ob + q] = acc[q]!;
  }
}

export const conv2d: CpuKernel<'conv2d'> = splittable<'conv2d'>(
  (g, ins, outs, ctx) => {
    const X = ins[0]!, F = ins[1]!, O = outs[0]!;
    const pixels = g.n * g.oh * g.ow;
    const blocks = blockCount(pixels, PIX);
    if (!useWasm(ctx.wasm, X, F, O)) {
      // JS works in output rows; a block range is a pixel range, so go row by row through it
      if (ctx.hi <= ctx.lo) return;
      const p0 = blockRows(pixels, PIX, blocks, ctx.lo)[0];
      const p1 = blockRows(pixels, PIX, blocks, ctx.hi - 1)[1];
      conv2dJs(g, X, F, O, p0, p1);
      return runEpilogue(g.epilogue, ins, outs, p0, p1, ctx.wasm);
    }
    const w = ctx.wasm;
    if (directForward(g)) {
      const zero = zeros(X.buffer, ctx.scratch, g.c);
      if (!g.epilogue) return w.convDirect(X.byteOffset, F.byteOffset, O.byteOffset, zero, ctx.lo, ctx.hi, forwardGeom(g));
      // output rows in pieces small enough to stay in cache for the epilogue
      const geom = forwardGeom(g);
      const per = Math.max(1, Math.floor(EPILOGUE_FLOATS / (g.ow * g.o)));
      for (let r = ctx.lo; r < ctx.hi; r += per) {
        const r1 = Math.min(ctx.hi, r + per);
        w.convDirect(X.byteOffset, F.byteOffset, O.byteOffset, zero, r, r1, geom);
        runEpilogue(g.epilogue, ins, outs, r * g.ow, r1 * g.ow, ctx.wasm);
      }
      return;
    }
    const K = kdim(g);
    const [P, mmScratch] = patchBlock(ctx.scratch, X as Float32Array, PIX_MAX, K);
    for (let u = ctx.lo; u < ctx.hi; u++) {
      const [p0, p1] = blockRows(pixels, PIX, blocks, u);
      im2col(g, X as Float32Array, P, p0, p1, 0, K);
      w.matmul(P.byteOffset, F.byteOffset, O.byteOffset + p0 * g.o * 4, p1 - p0, g.o, K, false, false, 0, p1 - p0, mmScratch);
      runEpilogue(g.epilogue, ins, outs, p0, p1, ctx.wasm);
    }
  },
  (g, [x, f], [o], w) => (useWasm(w, x!, f!, o!) && directForward(g) ? { units: g.n * g.oh, align: 1 } : { units: blockCount(g.n * g.oh * g.ow, PIX), align: 1 }),
  {
    scratchBytes: (g, [x, f], [o], w) =>
      !useWasm(w, x!, f!, o!) ? 0 : directForward(g) ? SCRATCH_ALIGN + up(g.c * 4) : convScratch(w, PIX_MAX, kdim(g), PIX_MAX, g.o, kdim(g)),
  },
);

// ----- filter gradient ------------------------------------------------------------------------

function filterGradJs(g: Conv, X: DataArray, DY: DataArray, DF: DataArray, lo: number, hi: number): void {
  const { n, h, w, c, kw, oh, ow, sh, sw, dh, dw, padTop, padLeft, o: oc } = g;
  const acc = new Float64Array(oc);
  for (let r = lo; r < hi; r++) {
    const ci = r % c;
    const tap = (r - ci) / c;
    const dj = tap % kw;
    const di = (tap - dj) / kw;
    acc.fill(0);
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < oh; i++) {
        const y = i * sh + di * dh - padTop;
        if (y < 0 || y >= h) continue;
        for (let j = 0; j < ow; j++) {
          const xx = j * sw + dj * dw - padLeft;
          if (xx < 0 || xx >= w) continue;
          const xv = X[((b * h + y) * w + xx) * c + ci]!;
          if (xv === 0) continue;
          const gb = ((b * oh + i) * ow + j) * oc;
          for (let q = 0; q < oc; q++) acc[q] += xv * DY[gb + q]!;
        }
      }
    }
    for (let q = 0; q < oc; q++) DF[r * oc + q] = acc[q]!;
  }
}

export const conv2dBackpropFilter: CpuKernel<'conv2dBackpropFilter'> = splittable<'conv2dBackpropFilter'>(
  (g, [x, dy], [df], ctx) => {
    const X = x!, DY = dy!, DF = df!;
    if (ctx.hi <= ctx.lo) return;
    if (useWasm(ctx.wasm, X, DY, DF) && directForward(g)) {
      // units of ct filter rows: rows [lo·ct, hi·ct), zeroed, then every pixel added in order
      const ct = fgradCt(g);
      DF.fill(0, ctx.lo * ct * g.o, ctx.hi * ct * g.o);
      return ctx.wasm.convFilterGrad(X.byteOffset, DY.byteOffset, DF.byteOffset, ctx.lo, ctx.hi, 0, g.n * g.oh, forwardGeom(g), ct);
    }
    const K = kdim(g);
    const blocks = blockCount(K, FROWS);
    const lo = blockRows(K, FROWS, blocks, ctx.lo)[0];
    const hi = blockRows(K, FROWS, blocks, ctx.hi - 1)[1];
    if (!useWasm(ctx.wasm, X, DY, DF)) return filterGradJs(g, X, DY, DF, lo, hi);
    const w = ctx.wasm;
    const rows = hi - lo;
    const [P, mmScratch] = patchBlock(ctx.scratch, X as Float32Array, PIX_MAX, rows);
    const pixels = g.n * g.oh * g.ow;
    if (pixels === 0) DF.fill(0, lo * g.o, hi * g.o);
    // dF[lo:hi] (+)= patches[:, lo:hi]ᵀ · dY, block by block of pixels (the same blocks always)
    const pBlocks = blockCount(pixels, PIX);
    for (let q = 0; q < pBlocks; q++) {
      const [p0, p1] = blockRows(pixels, PIX, pBlocks, q);
      im2col(g, X as Float32Array, P, p0, p1, lo, hi);
      w.matmul(P.byteOffset, DY.byteOffset + p0 * g.o * 4, DF.byteOffset + lo * g.o * 4, rows, g.o, p1 - p0, true, false, 0, rows, mmScratch, q > 0);
    }
  },
  (g, [x, dy], [df], w) =>
    useWasm(w, x!, dy!, df!) && directForward(g)
      ? { units: (g.kh * g.kw * g.c) / fgradCt(g), align: 1 }
      : { units: blockCount(kdim(g), FROWS), align: 1, minUnits: FMIN_UNITS },
  {
    scratchBytes: (g, [x, dy], [df], w) =>
      useWasm(w, x!, dy!, df!) && !directForward(g) ? convScratch(w, PIX_MAX, kdim(g), kdim(g), g.o, PIX_MAX) : 0,
  },
);

// ----- input gradient -------------------------------------------------------------------------

function inputGradJs(g: Conv, DY: DataArray, F: DataArray, DX: DataArray, lo: number, hi: number): void {
  const { h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, padTop, padLeft, o: oc } = g;
  const img = h * w * c;
  const acc = new Float64Array(img);
  for (let b = lo; b < hi; b++) {
    acc.fill(0);
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const gb = ((b * oh + i) * ow + j) * oc;
        for (let di = 0; di < kh; di++) {
          const y = i * sh + di * dh - padTop;
          if (y < 0 || y >= h) continue;
          for (let dj = 0; dj < kw; dj++) {
            const xx = j * sw + dj * dw - padLeft;
            if (xx < 0 || xx >= w) continue;
            const xb = (y * w + xx) * c;
            const fb = (di * kw + dj) * c * oc;
            for (let ci = 0; ci < c; ci++) {
              let s = 0;
              const fr = fb + ci * oc;
              for (let q = 0; q < oc; q++) s += DY[gb + q]! * F[fr + q]!;
              acc[xb + ci] += s;
            }
          }
        }
      }
    }
    const base = b * img;
    for (let q = 0; q < img; q++) DX[base + q] = acc[q]!;
  }
}

export const conv2dBackpropInput: CpuKernel<'conv2dBackpropInput'> = splittable<'conv2dBackpropInput'>(
  (g, [dy, f], [dx], ctx) => {
    const DY = dy!, F = f!, DX = dx!;
    if (!useWasm(ctx.wasm, DY, F, DX)) return inputGradJs(g, DY, F, DX, ctx.lo, ctx.hi);
    const w = ctx.wasm;
    if (directInput(g)) {
      // units are rows of dx; the flipped filter and dy's zero taps go to this thread's scratch
      const T = new Float32Array(F.buffer, up(ctx.scratch), kdim(g) * g.o);
      flipFilter(g, F as Float32Array, T);
      const zero = zeros(F.buffer, T.byteOffset + up(T.byteLength), g.o);
      return w.convDirect(DY.byteOffset, T.byteOffset, DX.byteOffset, zero, ctx.lo, ctx.hi, inputGradGeom(g));
    }
    const { h, w: wd, c, kh, kw, oh, ow, sh, sw, dh, dw, padTop, padLeft } = g;
    const K = kdim(g);
    const run = kw * c;
    const [cols, mmScratch] = patchBlock(ctx.scratch, DY as Float32Array, PIX_MAX, K);
    const img = h * wd * c;
    const D = DX as Float32Array;
    D.fill(0, ctx.lo * img, ctx.hi * img);
    const perImage = oh * ow;
    const qBlocks = blockCount(perImage, PIX);
    for (let b = ctx.lo; b < ctx.hi; b++) {
      for (let qb = 0; qb < qBlocks; qb++) {
        const [q0, q1] = blockRows(perImage, PIX, qBlocks, qb);
        const p0 = b * perImage + q0;
        // cols[P, K] = dY[P, o] · Fᵀ   (F is [K, o])
        w.matmul(DY.byteOffset + p0 * g.o * 4, F.byteOffset, cols.byteOffset, q1 - q0, K, g.o, false, true, 0, q1 - q0, mmScratch);
        // col2im: scatter-add each patch back into dx
        let o = 0;
        let j = q0 % ow;
        let i = (q0 - j) / ow;
        for (let q = q0; q < q1; q++) {
          const x0 = j * sw - padLeft;
          const inside = dw === 1 && x0 >= 0 && x0 + kw - 1 < wd;
          for (let di = 0; di < kh; di++) {
            const y = i * sh + di * dh - padTop;
            if (y < 0 || y >= h) {
              o += run;
              continue;
            }
            const row = (b * h + y) * wd;
            if (inside) {
              const dst = (row + x0) * c;
              for (let r = 0; r < run; r++) D[dst + r] += cols[o + r]!;
              o += run;
              continue;
            }
            for (let dj = 0; dj < kw; dj++) {
              const x = x0 + dj * dw;
              if (x >= 0 && x < wd) {
                const dst = (row + x) * c;
                for (let ci = 0; ci < c; ci++) D[dst + ci] += cols[o + ci]!;
              }
              o += c;
            }
          }
          if (++j === ow) {
            j = 0;
            i++;
          }
        }
      }
    }
  },
  (g, [dy, f], [dx], w) => (useWasm(w, dy!, f!, dx!) && directInput(g) ? { units: g.n * g.h, align: 1 } : { units: g.n, align: 1 }),
  {
    scratchBytes: (g, [dy, f], [dx], w) =>
      !useWasm(w, dy!, f!, dx!) ? 0 : directInput(g) ? SCRATCH_ALIGN + up(kdim(g) * g.o * 4) + up(g.o * 4) : convScratch(w, PIX_MAX, kdim(g), PIX_MAX, kdim(g), g.o),
  },
);
