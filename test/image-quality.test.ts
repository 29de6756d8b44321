/**
 * tf.image.psnr, ssim and ssimMultiscale (TF 1.15 image_ops_impl.py) on every device, against a
 * float64 plain-JS SSIM written from Wang et al.'s definition (Gaussian-weighted local means,
 * variances and covariance per window), TF's own test cases (the flipped ramp's negative SSIM,
 * uint8 and float inputs agreeing), TF1's shape errors, and finite-difference gradients.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients, rng } from './support/grad-check.js';
import { isClose } from './support/compare.js';

const devices = await resolvedDevices();
registerSkipSummary();

interface Img { data: number[]; shape: [number, number, number, number] }

const at = (im: Img, n: number, y: number, x: number, c: number): number => {
  const [, H, W, C] = im.shape;
  return im.data[((n * H + y) * W + x) * C + c]!;
};

function refPsnr(a: Img, b: Img, maxVal: number): number[] {
  const [N, H, W, C] = a.shape;
  const per = H * W * C;
  return Array.from({ length: N }, (_, n) => {
    let s = 0;
    for (let i = 0; i < per; i++) s += (a.data[n * per + i]! - b.data[n * per + i]!) ** 2;
    const mse = s / per;
    return 10 * Math.log10((maxVal * maxVal) / mse);
  });
}

/** Per-image, per-channel [ssim, cs] of Wang et al. with a normalized Gaussian window, VALID. */
function refSsimParts(a: Img, b: Img, maxVal: number, size = 11, sigma = 1.5, k1 = 0.01, k2 = 0.03): { ssim: number[][]; cs: number[][] } {
  const [N, H, W, C] = a.shape;
  const half = (size - 1) / 2;
  const w: number[] = [];
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) w.push(Math.exp(-((i - half) ** 2 + (j - half) ** 2) / (2 * sigma * sigma)));
  const z = w.reduce((p, v) => p + v, 0);
  const C1 = (k1 * maxVal) ** 2;
  const C2 = (k2 * maxVal) ** 2;
  const ssim: number[][] = [];
  const cs: number[][] = [];
  for (let n = 0; n < N; n++) {
    ssim.push([]);
    cs.push([]);
    for (let c = 0; c < C; c++) {
      let sS = 0;
      let sC = 0;
      let cnt = 0;
      for (let y0 = 0; y0 + size <= H; y0++) {
        for (let x0 = 0; x0 + size <= W; x0++) {
          let mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
          for (let i = 0; i < size; i++) {
            for (let j = 0; j < size; j++) {
              const wt = w[i * size + j]! / z;
              const u = at(a, n, y0 + i, x0 + j, c);
              const v = at(b, n, y0 + i, x0 + j, c);
              mx += wt * u; my += wt * v; mxx += wt * u * u; myy += wt * v * v; mxy += wt * u * v;
            }
          }
          const vx = mxx - mx * mx;
          const vy = myy - my * my;
          const cov = mxy - mx * my;
          const l = (2 * mx * my + C1) / (mx * mx + my * my + C1);
          const s = (2 * cov + C2) / (vx + vy + C2);
          sS += l * s;
          sC += s;
          cnt++;
        }
      }
      ssim[n]!.push(sS / cnt);
      cs[n]!.push(sC / cnt);
    }
  }
  return { ssim, cs };
}
const mean = (v: number[]): number => v.reduce((p, x) => p + x, 0) / v.length;
const refSsim = (a: Img, b: Img, maxVal: number, ...rest: number[]): number[] => refSsimParts(a, b, maxVal, ...rest).ssim.map(mean);

/** 2×2 mean, an odd height or width first extended by repeating its last row / column. */
function halve(im: Img): Img {
  const [N, H, W, C] = im.shape;
  const [h, w] = [Math.ceil(H / 2), Math.ceil(W / 2)];
  const data: number[] = [];
  for (let n = 0; n < N; n++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < C; c++) {
    let s = 0;
    for (const dy of [0, 1]) for (const dx of [0, 1]) s += at(im, n, Math.min(2 * y + dy, H - 1), Math.min(2 * x + dx, W - 1), c);
    data.push(s / 4);
  }
  return { data, shape: [N, h, w, C] };
}

function refMsSsim(a: Img, b: Img, maxVal: number, weights: number[], size = 11): number[] {
  const N = a.shape[0];
  const C = a.shape[3];
  const prod = Array.from({ length: N }, () => Array<number>(C).fill(1));
  let [x, y] = [a, b];
  weights.forEach((wk, k) => {
    if (k > 0) [x, y] = [halve(x), halve(y)];
    const { ssim, cs } = refSsimParts(x, y, maxVal, size);
    const v = k === weights.length - 1 ? ssim : cs;
    for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) prod[n]![c]! *= Math.max(v[n]![c]!, 0) ** wk;
  });
  return prod.map(mean);
}

function randomImg(shape: Img['shape'], seed: number, f?: (r: () => number, i: number) => number): Img {
  const r = rng(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  return { data: Array.from({ length: n }, (_, i) => (f ? f(r, i) : r())), shape };
}
const f32 = (im: Img, shape: number[] = im.shape): NDArray => new tf.NDArray(Float32Array.from(im.data), shape, 'float32');
const nums = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);

function expectClose(got: NDArray, want: number[], rtol: number, atol: number, what: string): void {
  const g = nums(got);
  expect(g.length, `${what} size`).toBe(want.length);
  g.forEach((v, i) => expect(isClose(v, want[i]!, rtol, atol), `${what}[${i}]: ${v} vs ${want[i]}`).toBe(true));
}

/** A smooth pattern with a little noise, so two images drawn with it are similar (high SSIM). */
const smooth = (phase: number, noise: number) => (r: () => number, i: number): number => 0.5 + 0.35 * Math.sin(0.61 * i + phase) * Math.cos(0.23 * i) + noise * (r() - 0.5);

for (const dev of devices) {
  describe(`image quality (${dev.name})`, () => {
    async function run(build: () => Tensor[]): Promise<NDArray[]> {
      const g = new tf.Graph();
      const outs = g.asDefault(build);
      const s = new tf.Session({ ...dev.options, graph: g });
      try {
        return (await s.run(outs)) as NDArray[];
      } finally {
        await s.close();
      }
    }
    const tol = 2e-5 * dev.caps.tolScale;

    it('psnr matches 10·log10(max²/MSE) per image, for float and uint8 images', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const a = randomImg([3, 5, 4, 3], 1);
      const b = randomImg([3, 5, 4, 3], 2);
      const ua = { data: a.data.map((v) => Math.floor(v * 255)), shape: a.shape };
      const ub = { data: b.data.map((v) => Math.floor(v * 255)), shape: b.shape };
      const [p, p3, pu, pn] = await run(() => [
        tf.image.psnr(f32(a), f32(b), 1),
        tf.image.psnr(f32({ data: a.data.slice(0, 60), shape: [1, 5, 4, 3] }, [5, 4, 3]), f32({ data: b.data.slice(0, 60), shape: [1, 5, 4, 3] }, [5, 4, 3]), 1),
        tf.image.psnr(new tf.NDArray(Uint8Array.from(ua.data), ua.shape, 'uint8'), new tf.NDArray(Uint8Array.from(ub.data), ub.shape, 'uint8'), 255),
        tf.image.psnr(f32(a), f32(b), 1, { name: 'my_psnr' }),
      ]);
      expect(p!.dtype).toBe('float32');
      expect(p!.shape).toEqual([3]);
      expectClose(p!, refPsnr(a, b, 1), tol, 1e-4, 'psnr');
      expect(p3!.shape).toEqual([]);
      expectClose(p3!, refPsnr(a, b, 1).slice(0, 1), tol, 1e-4, 'psnr of a 3-D image');
      expectClose(pu!, refPsnr(ua, ub, 255), tol, 1e-4, 'psnr of uint8 images');
      expectClose(pn!, refPsnr(a, b, 1), tol, 1e-4, 'psnr named');
    });

    it('ssim matches the Gaussian-window reference, is 1 for equal images and honours filter_size, sigma, k1, k2', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const a = randomImg([2, 16, 13, 3], 3, smooth(0, 0.3));
      const b = randomImg([2, 16, 13, 3], 4, smooth(0.4, 0.3));
      const [s, same, custom, bcast] = await run(() => [
        tf.image.ssim(f32(a), f32(b), 1),
        tf.image.ssim(f32(a), f32(a), 1),
        tf.image.ssim(f32(a), f32(b), 2, { filterSize: 5, filterSigma: 0.8, k1: 0.02, k2: 0.05 }),
        tf.image.ssim(f32(a), f32({ data: b.data.slice(0, 16 * 13 * 3), shape: [1, 16, 13, 3] }), 1),
      ]);
      expect(s!.shape).toEqual([2]);
      expectClose(s!, refSsim(a, b, 1), 1e-4 * dev.caps.tolScale, 1e-5, 'ssim');
      expectClose(same!, [1, 1], 1e-5, 1e-5, 'ssim(a, a)');
      expectClose(custom!, refSsim(a, b, 2, 5, 0.8, 0.02, 0.05), 1e-4 * dev.caps.tolScale, 1e-5, 'ssim with custom parameters');
      const b0 = { data: b.data.slice(0, 16 * 13 * 3), shape: [1, 16, 13, 3] as Img['shape'] };
      const a1 = { data: a.data.slice(16 * 13 * 3), shape: [1, 16, 13, 3] as Img['shape'] };
      expectClose(bcast!, [refSsim({ ...a, data: a.data.slice(0, 16 * 13 * 3), shape: [1, 16, 13, 3] }, b0, 1)[0]!, refSsim(a1, b0, 1)[0]!], 1e-4 * dev.caps.tolScale, 1e-5, 'ssim against a broadcast image');
    });

    it("TF's test: a ramp against its mirror image has negative SSIM; uint8 and float inputs agree", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const ramp = Array.from({ length: 256 }, (_, i) => (i % 16) * 16);
      const flipped = Array.from({ length: 256 }, (_, i) => (15 - (i % 16)) * 16);
      const u8 = (v: number[]) => new tf.NDArray(Uint8Array.from(v), [1, 16, 16, 1], 'uint8');
      const [s, sf] = await run(() => [
        tf.image.ssim(u8(ramp), u8(flipped), 255),
        tf.image.ssim(f32({ data: ramp.map((v) => v / 255), shape: [1, 16, 16, 1] }), f32({ data: flipped.map((v) => v / 255), shape: [1, 16, 16, 1] }), 1),
      ]);
      const want = refSsim({ data: ramp, shape: [1, 16, 16, 1] }, { data: flipped, shape: [1, 16, 16, 1] }, 255);
      expect(nums(s!)[0]!).toBeLessThan(0);
      expectClose(s!, want, 1e-4 * dev.caps.tolScale, 1e-5, 'ssim of the ramps');
      expectClose(sf!, want, 1e-4 * dev.caps.tolScale, 1e-5, 'ssim of the float ramps');
    });

    it('ssimMultiscale matches the reference over five scales with odd sizes, and custom power factors', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const a = randomImg([1, 180, 177, 1], 5, smooth(0, 0.2));
      const b = randomImg([1, 180, 177, 1], 6, smooth(0.2, 0.2));
      const sa = randomImg([2, 25, 23, 2], 7, smooth(0, 0.2));
      const sb = randomImg([2, 25, 23, 2], 8, smooth(0.1, 0.2));
      const [ms, same, small] = await run(() => [
        tf.image.ssimMultiscale(f32(a, [180, 177, 1]), f32(b, [180, 177, 1]), 1),
        tf.image.ssimMultiscale(f32(a), f32(a), 1),
        tf.image.ssimMultiscale(f32(sa), f32(sb), 1, [0.3, 0.5, 0.2], { filterSize: 5 }),
      ]);
      expect(ms!.shape).toEqual([]);
      expectClose(ms!, refMsSsim(a, b, 1, [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]), 2e-4 * dev.caps.tolScale, 1e-5, 'ms-ssim');
      expectClose(same!, [1], 1e-5, 1e-5, 'ms-ssim(a, a)');
      expect(small!.shape).toEqual([2]);
      expectClose(small!, refMsSsim(sa, sb, 1, [0.3, 0.5, 0.2], 5), 2e-4 * dev.caps.tolScale, 1e-5, 'ms-ssim with power factors');
    });
  });
}

describe('image quality: argument checks', () => {
  const g = new tf.Graph();
  const ph = (shape: (number | null)[]) => g.asDefault(() => tf.placeholder('float32', shape));
  it("rank, shape compatibility and filter size errors use TF1's texts", () => {
    g.asDefault(() => {
      expect(() => tf.image.ssim(ph([4, 4]), ph([4, 4]), 1)).toThrow('Shape (4, 4) must have rank at least 3');
      expect(() => tf.image.psnr(ph([2, 4, 4, 3]), ph([2, 4, 5, 3]), 1)).toThrow('Shapes (4, 4, 3) and (4, 5, 3) are incompatible');
      expect(() => tf.image.ssim(ph([2, 12, 12, 3]), ph([3, 12, 12, 3]), 1)).toThrow('Two images are not compatible: (2, 12, 12, 3) and (3, 12, 12, 3)');
      expect(() => tf.image.ssim(ph([2, 10, 12, 3]), ph([2, 10, 12, 3]), 1)).toThrow('must be at least filter_size (11)');
      expect(() => tf.image.ssimMultiscale(ph([1, 100, 100, 1]), ph([1, 100, 100, 1]), 1)).toThrow('must be at least filter_size (11)');
      expect(() => tf.image.ssim(ph([2, 12, 12, 3]), ph([2, 12, 12, 3]))).toThrow("missing 1 required positional argument: 'maxVal'");
      // an unknown batch is fine
      expect(tf.image.ssim(ph([null, 12, 12, 3]), ph([null, 12, 12, 3]), 1).shape).toEqual([null]);
    });
  });
});

const img = (h: number, w: number, phase: number): { shape: number[]; gen: (r: () => number, i: number) => number } => ({ shape: [1, h, w, 1], gen: smooth(phase, 0.2) });
const GRAD: GradCase[] = [
  { name: 'psnr', ins: [img(3, 4, 0), img(3, 4, 0)], f: (a, b) => tf.image.psnr(a!, b!, 1) },
  { name: 'ssim (filter 5)', ins: [img(6, 7, 0), img(6, 7, 0)], f: (a, b) => tf.image.ssim(a!, b!, 1, { filterSize: 5 }) },
  { name: 'ssim (filter 11)', ins: [img(11, 12, 0), img(11, 12, 0)], f: (a, b) => tf.image.ssim(a!, b!, 1) },
  { name: 'ssimMultiscale (two scales, filter 3)', ins: [img(7, 6, 0), img(7, 6, 0)], f: (a, b) => tf.image.ssimMultiscale(a!, b!, 1, [0.6, 0.4], { filterSize: 3 }) },
];
// TF computes these in float32 whatever the input dtype, so the float64 table's 1e-6 does not apply.
describeGradients('finite-difference gradients of psnr, ssim and ssimMultiscale', GRAD, devices, {
  skip: (_c, cfg) => (cfg.dtype === 'float64' ? 'TF converts the images to float32, so only the float32 tolerances apply' : null),
});
