/** conv2d and pooling over NHWC with TF's SAME/VALID geometry (padTop/padLeft given). */
import type { CpuKernel } from './types.js';

export const conv2d: CpuKernel<'conv2d'> = (g, [x, f], [o]) => {
  const X = x!, F = f!, O = o!;
  const { n, h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, padTop, padLeft, o: oc } = g;
  O.fill(0);
  const acc = new Float64Array(oc);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
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
        const ob = ((b * oh + i) * ow + j) * oc;
        for (let q = 0; q < oc; q++) O[ob + q] = acc[q]!;
      }
    }
  }
};

export const conv2dBackpropInput: CpuKernel<'conv2dBackpropInput'> = (g, [dy, f], [dx]) => {
  const DY = dy!, F = f!, DX = dx!;
  const { n, h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, padTop, padLeft, o: oc } = g;
  const acc = new Float64Array(n * h * w * c);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const gb = ((b * oh + i) * ow + j) * oc;
        for (let di = 0; di < kh; di++) {
          const y = i * sh + di * dh - padTop;
          if (y < 0 || y >= h) continue;
          for (let dj = 0; dj < kw; dj++) {
            const xx = j * sw + dj * dw - padLeft;
            if (xx < 0 || xx >= w) continue;
            const xb = ((b * h + y) * w + xx) * c;
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
  }
  DX.set(acc);
};

export const conv2dBackpropFilter: CpuKernel<'conv2dBackpropFilter'> = (g, [x, dy], [df]) => {
  const X = x!, DY = dy!, DF = df!;
  const { n, h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, padTop, padLeft, o: oc } = g;
  const acc = new Float64Array(kh * kw * c * oc);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const gb = ((b * oh + i) * ow + j) * oc;
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
              for (let q = 0; q < oc; q++) acc[fr + q] += xv * DY[gb + q]!;
            }
          }
        }
      }
    }
  }
  DF.set(acc);
};

/** Visit each output cell's valid window cells. */
function forWindows(
  g: { n: number; h: number; w: number; c: number; kh: number; kw: number; oh: number; ow: number; sh: number; sw: number; dh: number; dw: number; padTop: number; padLeft: number },
  cell: (outIdx: number, inBase: number[], count: number) => void,
): void {
  const { n, h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, padTop, padLeft } = g;
  const bases: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
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
        cell(((b * oh + i) * ow + j) * c, bases, bases.length);
      }
    }
  }
}

export const maxPool: CpuKernel<'maxPool'> = (g, [x], [o]) => {
  const X = x!, O = o!;
  forWindows(g, (ob, bases) => {
    for (let ci = 0; ci < g.c; ci++) {
      let m = -Infinity;
      for (const b of bases) if (X[b + ci]! > m) m = X[b + ci]!;
      O[ob + ci] = m;
    }
  });
};

export const maxPoolGrad: CpuKernel<'maxPoolGrad'> = (g, [x, dy], [dx]) => {
  const X = x!, DY = dy!, DX = dx!;
  const acc = new Float64Array(DX.length);
  forWindows(g, (ob, bases) => {
    for (let ci = 0; ci < g.c; ci++) {
      let m = -Infinity;
      let at = -1;
      for (const b of bases) {
        if (at < 0 || X[b + ci]! > m) {
          m = X[b + ci]!;
          at = b + ci;
        }
      }
      if (at >= 0) acc[at] += DY[ob + ci]!;
    }
  });
  DX.set(acc);
};

export const avgPool: CpuKernel<'avgPool'> = (g, [x], [o]) => {
  const X = x!, O = o!;
  forWindows(g, (ob, bases, count) => {
    for (let ci = 0; ci < g.c; ci++) {
      let s = 0;
      for (const b of bases) s += X[b + ci]!;
      O[ob + ci] = count > 0 ? s / count : 0;
    }
  });
};

export const avgPoolGrad: CpuKernel<'avgPoolGrad'> = (g, [dy], [dx]) => {
  const DY = dy!, DX = dx!;
  const acc = new Float64Array(DX.length);
  forWindows(g, (ob, bases, count) => {
    if (count === 0) return;
    for (let ci = 0; ci < g.c; ci++) {
      const v = DY[ob + ci]! / count;
      for (const b of bases) acc[b + ci] += v;
    }
  });
  DX.set(acc);
};
