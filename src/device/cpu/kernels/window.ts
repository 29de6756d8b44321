/**
 * Pooling over NHWC with TF's SAME/VALID geometry (padTop/padLeft given). Forward pools split
 * over output rows (batch × oh); their gradients scatter into dx, so they split over images.
 */
import type { WindowGeom } from '../../prims.js';
import { type CpuKernel, splittable } from './types.js';

/** Visit each valid window cell of output rows [lo, hi) (row = b·oh + i). */
function forWindows(g: WindowGeom, lo: number, hi: number, cell: (outIdx: number, inBase: number[], count: number) => void): void {
  const { h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, padTop, padLeft } = g;
  const bases: number[] = [];
  for (let row = lo; row < hi; row++) {
    const i = row % oh;
    const b = (row - i) / oh;
    for (let j = 0; j < ow; j++) {
      bases.length = 0;
      for (let di = 0; di < kh; di++) {
        const y = i * sh + di * dh - padTop;
        if (y < 0 || y >= h) continue;
        for (let dj = 0; dj < kw; dj++) {
          const xx = j * sw + dj * dw - padLeft;
          if (xx < 0 || xx >= w) continue;
          bases.push(((b * h + y) * w + xx) * c);
        }
      }
      cell((row * ow + j) * c, bases, bases.length);
    }
  }
}

const outRows = (g: WindowGeom) => ({ units: g.n * g.oh, align: 1 });
const images = (g: WindowGeom) => ({ units: g.n, align: 1 });

export const maxPool: CpuKernel<'maxPool'> = splittable<'maxPool'>((g, [x], [o], ctx) => {
  const X = x!, O = o!;
  forWindows(g, ctx.lo, ctx.hi, (ob, bases) => {
    for (let ci = 0; ci < g.c; ci++) {
      let m = -Infinity;
      for (const b of bases) if (X[b + ci]! > m) m = X[b + ci]!;
      O[ob + ci] = m;
    }
  });
}, outRows);

export const maxPoolGrad: CpuKernel<'maxPoolGrad'> = splittable<'maxPoolGrad'>((g, [x, dy], [dx], ctx) => {
  const X = x!, DY = dy!, DX = dx!;
  const img = g.h * g.w * g.c;
  const acc = new Float64Array(img);
  for (let b = ctx.lo; b < ctx.hi; b++) {
    acc.fill(0);
    const base = b * img;
    forWindows(g, b * g.oh, (b + 1) * g.oh, (ob, bases) => {
      for (let ci = 0; ci < g.c; ci++) {
        let m = -Infinity;
        let at = -1;
        for (const p of bases) {
          if (at < 0 || X[p + ci]! > m) {
            m = X[p + ci]!;
            at = p + ci;
          }
        }
        if (at >= 0) acc[at - base] += DY[ob + ci]!;
      }
    });
    for (let q = 0; q < img; q++) DX[base + q] = acc[q]!;
  }
}, images);

export const avgPool: CpuKernel<'avgPool'> = splittable<'avgPool'>((g, [x], [o], ctx) => {
  const X = x!, O = o!;
  forWindows(g, ctx.lo, ctx.hi, (ob, bases, count) => {
    for (let ci = 0; ci < g.c; ci++) {
      let s = 0;
      for (const b of bases) s += X[b + ci]!;
      O[ob + ci] = count > 0 ? s / count : 0;
    }
  });
}, outRows);

export const avgPoolGrad: CpuKernel<'avgPoolGrad'> = splittable<'avgPoolGrad'>((g, [dy], [dx], ctx) => {
  const DY = dy!, DX = dx!;
  const img = g.h * g.w * g.c;
  const acc = new Float64Array(img);
  for (let b = ctx.lo; b < ctx.hi; b++) {
    acc.fill(0);
    const base = b * img;
    forWindows(g, b * g.oh, (b + 1) * g.oh, (ob, bases, count) => {
      if (count === 0) return;
      for (let ci = 0; ci < g.c; ci++) {
        const v = DY[ob + ci]! / count;
        for (const p of bases) acc[p - base + ci] += v;
      }
    });
    for (let q = 0; q < img; q++) DX[base + q] = acc[q]!;
  }
}, images);
