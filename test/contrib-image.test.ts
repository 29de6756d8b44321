/**
 * tf.contrib.image (TF 1.15): transform / rotate / translate against a plain-JS
 * ImageProjectiveTransformV2 (float32 coordinates, NEAREST rounding half away from zero,
 * BILINEAR over the four neighbours, 0 outside and where the projection is 0), the transform
 * builders and their composition against 3×3 matrix arithmetic, dense_image_warp against a
 * plain-JS clamped bilinear sampler, TF1's errors, and finite-difference gradients, on every device.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients, rng } from './support/grad-check.js';
import { isClose } from './support/compare.js';

const devices = await resolvedDevices();
registerSkipSummary();
const CI = tf.contrib.image;
const fr = Math.fround;

/** ImageProjectiveTransformV2 in plain JS: images [b, h, w, c] flat, transforms [n][8]. */
function refTransform(img: number[], [b, h, w, c]: number[], ts: number[][], interp: 'NEAREST' | 'BILINEAR', oh = h, ow = w): number[] {
  const out: number[] = [];
  const read = (n: number, y: number, x: number, ch: number): number => (y >= 0 && y < h && x >= 0 && x < w ? img[((n * h + y) * w + x) * c + ch]! : 0);
  for (let n = 0; n < b!; n++) {
    const t = ts.length === 1 ? ts[0]! : ts[n]!;
    for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) for (let ch = 0; ch < c!; ch++) {
      const proj = fr(fr(fr(t[6]! * x) + fr(t[7]! * y)) + 1);
      if (proj === 0) { out.push(0); continue; }
      const ix = fr(fr(fr(fr(t[0]! * x) + fr(t[1]! * y)) + t[2]!) / proj);
      const iy = fr(fr(fr(fr(t[3]! * x) + fr(t[4]! * y)) + t[5]!) / proj);
      if (interp === 'NEAREST') {
        const rd = (v: number): number => Math.sign(v) * Math.floor(Math.abs(v) + 0.5);
        out.push(read(n, rd(iy), rd(ix), ch));
      } else {
        const [y0, x0] = [Math.floor(iy), Math.floor(ix)];
        const top = (x0 + 1 - ix) * read(n, y0, x0, ch) + (ix - x0) * read(n, y0, x0 + 1, ch);
        const bot = (x0 + 1 - ix) * read(n, y0 + 1, x0, ch) + (ix - x0) * read(n, y0 + 1, x0 + 1, ch);
        out.push((y0 + 1 - iy) * top + (iy - y0) * bot);
      }
    }
  }
  return out;
}

/** TF's angles_to_projective_transforms, in float64. */
function refRotation(angle: number, h: number, w: number): number[] {
  const [cs, sn] = [Math.cos(angle), Math.sin(angle)];
  const xo = (w - 1 - (cs * (w - 1) - sn * (h - 1))) / 2;
  const yo = (h - 1 - (sn * (w - 1) + cs * (h - 1))) / 2;
  return [cs, -sn, xo, sn, cs, yo, 0, 0];
}

function matmul3(a: number[], b: number[]): number[] {
  const A = [...a, 1];
  const B = [...b, 1];
  const m: number[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) m.push(A[i * 3]! * B[j]! + A[i * 3 + 1]! * B[3 + j]! + A[i * 3 + 2]! * B[6 + j]!);
  return m.slice(0, 8).map((v) => v / m[8]!);
}

/** dense_image_warp in plain JS: sample at (y − fy, x − fx), floor clamped to [0, size − 2], alpha to [0, 1]. */
function refWarp(img: number[], [b, h, w, c]: number[], flow: number[]): number[] {
  const out: number[] = [];
  const px = (n: number, y: number, x: number, ch: number): number => img[((n * h! + y) * w! + x) * c! + ch]!;
  for (let n = 0; n < b!; n++) for (let y = 0; y < h!; y++) for (let x = 0; x < w!; x++) {
    const k = ((n * h! + y) * w! + x) * 2;
    const [qy, qx] = [y - flow[k]!, x - flow[k + 1]!];
    const y0 = Math.min(Math.max(Math.floor(qy), 0), h! - 2);
    const x0 = Math.min(Math.max(Math.floor(qx), 0), w! - 2);
    const ay = Math.min(Math.max(qy - y0, 0), 1);
    const ax = Math.min(Math.max(qx - x0, 0), 1);
    for (let ch = 0; ch < c!; ch++) {
      const top = px(n, y0, x0, ch) + ax * (px(n, y0, x0 + 1, ch) - px(n, y0, x0, ch));
      const bot = px(n, y0 + 1, x0, ch) + ax * (px(n, y0 + 1, x0 + 1, ch) - px(n, y0 + 1, x0, ch));
      out.push(top + ay * (bot - top));
    }
  }
  return out;
}

const nums = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);
function expectClose(got: NDArray, want: number[], tol: number, what: string): void {
  const g = nums(got);
  expect(g.length, `${what} size`).toBe(want.length);
  g.forEach((v, i) => expect(isClose(v, want[i]!, tol, tol), `${what}[${i}]: ${v} vs ${want[i]}`).toBe(true));
}
const randoms = (n: number, seed: number, scale = 1): number[] => { const r = rng(seed); return Array.from({ length: n }, () => scale * r()); };
const F = (v: number[], shape: number[]): NDArray => new tf.NDArray(Float32Array.from(v), shape, 'float32');

for (const dev of devices) {
  describe(`contrib.image (${dev.name})`, () => {
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
    const tol = 1e-5 * dev.caps.tolScale;
    const S = [2, 6, 7, 3];
    const img = randoms(2 * 6 * 7 * 3, 11);
    const T1 = [0.9, -0.3, 1.3, 0.2, 1.1, -0.7, 0.01, -0.02];
    const T2 = [1.2, 0.1, -0.6, -0.15, 0.8, 0.9, 0, 0];

    it('transform (NEAREST, BILINEAR; one transform or one per image; output_shape) matches ImageProjectiveTransformV2', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const [n1, b1, nb, bo] = await run(() => [
        CI.transform(F(img, S), T1),
        CI.transform(F(img, S), T1, 'BILINEAR'),
        CI.transform(F(img, S), [T1, T2], { interpolation: 'nearest' }),
        CI.transform(F(img, S), [T1, T2], { interpolation: 'BILINEAR', outputShape: [4, 9] }),
      ]);
      expect(n1!.shape).toEqual(S);
      expectClose(n1!, refTransform(img, S, [T1], 'NEAREST'), tol, 'nearest');
      expectClose(b1!, refTransform(img, S, [T1], 'BILINEAR'), tol, 'bilinear');
      expectClose(nb!, refTransform(img, S, [T1, T2], 'NEAREST'), tol, 'nearest, per image');
      expect(bo!.shape).toEqual([2, 4, 9, 3]);
      expectClose(bo!, refTransform(img, S, [T1, T2], 'BILINEAR', 4, 9), tol, 'bilinear with output_shape');
    });

    it('a zero projection reads 0; uint8 and 2-D / 3-D images keep their dtype and rank', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      // k = 1 − 0.5·x is 0 in column 2
      const TZ = [1, 0, 0, 0, 1, 0, -0.5, 0];
      const u8 = img.slice(0, 42).map((v) => Math.floor(v * 255));
      const [z, u, two, three] = await run(() => [
        CI.transform(F(img, S), TZ, 'BILINEAR'),
        CI.transform(new tf.NDArray(Uint8Array.from(u8), [6, 7], 'uint8'), T2, 'BILINEAR'),
        CI.transform(F(img.slice(0, 42), [6, 7]), T1),
        CI.rotate(F(img.slice(0, 126), [6, 7, 3]), 0.4, 'BILINEAR'),
      ]);
      const zr = refTransform(img, S, [TZ], 'BILINEAR');
      expectClose(z!, zr, tol, 'zero projection');
      for (let n = 0; n < 2; n++) for (let y = 0; y < 6; y++) for (let ch = 0; ch < 3; ch++) expect(nums(z!)[((n * 6 + y) * 7 + 2) * 3 + ch]).toBe(0);
      expect(u!.dtype).toBe('uint8');
      expect(u!.shape).toEqual([6, 7]);
      // truncated as the kernel's T(float); within float32 rounding of an integer either side is right
      const ur = refTransform(u8, [1, 6, 7, 1], [T2], 'BILINEAR');
      nums(u!).forEach((v, i) => {
        const want = ur[i]!;
        if (Math.abs(want - Math.round(want)) < 1e-3) expect(Math.abs(v - want), `uint8[${i}]: ${v} vs ${want}`).toBeLessThanOrEqual(1.001);
        else expect(v, `uint8[${i}]: ${v} vs ${want}`).toBe(Math.trunc(want));
      });
      expect(two!.shape).toEqual([6, 7]);
      expectClose(two!, refTransform(img.slice(0, 42), [1, 6, 7, 1], [T1], 'NEAREST'), tol, '2-D image');
      expect(three!.shape).toEqual([6, 7, 3]);
      expectClose(three!, refTransform(img.slice(0, 126), [1, 6, 7, 3], [refRotation(0.4, 6, 7)], 'BILINEAR'), 1e-4 * dev.caps.tolScale, 'rotated 3-D image');
    });

    it('rotate, translate and the transform builders match their matrices; composeTransforms multiplies them', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const sq = randoms(5 * 5, 3);
      const [r90, rb, tr, tb, at, tt, comp, mats, flat] = await run(() => [
        CI.rotate(F(sq, [5, 5]), Math.PI / 2),
        CI.rotate(F(img, S), [0.3, -1.1], { interpolation: 'BILINEAR' }),
        CI.translate(F(img, S), [1, 2]),
        CI.translate(F(img, S), [[0.5, -1.25], [-2, 0.75]], 'BILINEAR'),
        CI.anglesToProjectiveTransforms([0.3, -1.1], 6, 7),
        CI.translationsToProjectiveTransforms([[0.5, -1.25], [-2, 0.75]]),
        CI.composeTransforms([T1, T2], [T2, T1], [T1]),
        CI.flatTransformsToMatrices([T1, T2]),
        CI.matricesToFlatTransforms(F([2, 0, 4, 0, 2, 6, 0, 0, 2], [3, 3])),
      ]);
      // a 90° counterclockwise turn of a square image: out[y][x] = in[x][4 − y]
      expect(nums(r90!)).toEqual(Array.from({ length: 25 }, (_, i) => sq[(i % 5) * 5 + (4 - Math.floor(i / 5))]!).map(fr));
      expectClose(rb!, refTransform(img, S, [refRotation(0.3, 6, 7), refRotation(-1.1, 6, 7)], 'BILINEAR'), 1e-4 * dev.caps.tolScale, 'rotate batch');
      const shifted = Array.from({ length: img.length }, (_, i) => {
        const [x, y] = [Math.floor(i / 3) % 7, Math.floor(i / 21) % 6];
        return x >= 1 && y >= 2 ? img[i - 3 - 2 * 21]! : 0;
      });
      expectClose(tr!, shifted, tol, 'translate by (1, 2)');
      expectClose(tb!, refTransform(img, S, [[1, 0, -0.5, 0, 1, 1.25, 0, 0], [1, 0, 2, 0, 1, -0.75, 0, 0]], 'BILINEAR'), tol, 'translate batch');
      expectClose(at!, [...refRotation(0.3, 6, 7), ...refRotation(-1.1, 6, 7)], 1e-6, 'angles_to_projective_transforms');
      expectClose(tt!, [1, 0, -0.5, 0, 1, 1.25, 0, 0, 1, 0, 2, 0, 1, -0.75, 0, 0], 1e-7, 'translations_to_projective_transforms');
      expect(comp!.shape).toEqual([2, 8]);
      expectClose(comp!, [...matmul3(matmul3(T1, T2), T1), ...matmul3(matmul3(T2, T1), T1)], 1e-5, 'compose_transforms');
      expect(mats!.shape).toEqual([2, 3, 3]);
      expectClose(mats!, [...T1, 1, ...T2, 1], 1e-7, 'flat_transforms_to_matrices');
      expectClose(flat!, [1, 0, 2, 0, 1, 3, 0, 0], 1e-7, 'matrices_to_flat_transforms');
    });

    it('denseImageWarp matches the clamped bilinear sampler, with a batch unknown at build time', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const flow = randoms(2 * 6 * 7 * 2, 5, 3).map((v) => v - 1.5);
      const g = new tf.Graph();
      const [ph, out, zero] = g.asDefault(() => {
        const ph = tf.placeholder('float32', [null, 6, 7, 3]);
        return [ph, CI.denseImageWarp(ph, F(flow, [2, 6, 7, 2])), CI.denseImageWarp(ph, F(Array(2 * 6 * 7 * 2).fill(0), [2, 6, 7, 2]))];
      });
      const s = new tf.Session({ ...dev.options, graph: g });
      try {
        const [w, z] = (await s.run([out!, zero!], new Map([[ph!, F(img, S)]]))) as NDArray[];
        expect(w!.shape).toEqual(S);
        expectClose(w!, refWarp(img, S, flow), tol, 'dense_image_warp');
        expectClose(z!, img.map(fr), tol, 'zero flow is the identity');
      } finally {
        await s.close();
      }
    });
  });
}

describe('contrib.image: argument checks', () => {
  it("TF1's errors for ranks, dtypes, interpolation and shapes", () => {
    new tf.Graph().asDefault(() => {
      const im = tf.zeros([1, 4, 4, 1]);
      expect(() => CI.transform(tf.zeros([1, 1, 4, 4, 1]), [1, 0, 0, 0, 1, 0, 0, 0])).toThrow('Images should have rank between 2 and 4.');
      expect(() => CI.transform(tf.zeros([4, 4], 'bool'), [1, 0, 0, 0, 1, 0, 0, 0])).toThrow('Invalid dtype bool.');
      expect(() => CI.transform(im, [[[1, 0, 0, 0, 1, 0, 0, 0]]])).toThrow('Transforms should have rank 1 or 2.');
      expect(() => CI.transform(im, [1, 0, 0, 0, 1, 0, 0])).toThrow('Input transform should be num_images x 8');
      expect(() => CI.transform(tf.zeros([2, 4, 4, 1]), tf.zeros([3, 8]))).toThrow('Input transform should be num_images x 8');
      expect(() => CI.transform(im, [1, 0, 0, 0, 1, 0, 0, 0], 'BICUBIC')).toThrow('Invalid interpolation BICUBIC');
      expect(() => CI.transform(im, [1, 0, 0, 0, 1, 0, 0, 0], { outputShape: [4] })).toThrow('output_shape must be a 1-D Tensor of 2 elements: new_height, new_width');
      expect(() => CI.anglesToProjectiveTransforms([[0.1]], 4, 4)).toThrow('Angles should have rank 0 or 1.');
      expect(() => CI.translationsToProjectiveTransforms([[[1, 2]]])).toThrow('Translations should have rank 1 or 2.');
      expect(() => CI.matricesToFlatTransforms([1, 2, 3])).toThrow('Matrices should be 2D or 3D, got: (3,)');
      expect(() => CI.composeTransforms()).toThrow('transforms cannot be empty');
      expect(() => CI.denseImageWarp(tf.zeros([4, 4, 1]), tf.zeros([4, 4, 2]))).toThrow('Grid must be 4 dimensional.');
      expect(() => CI.denseImageWarp(tf.zeros([1, 1, 4, 1]), tf.zeros([1, 1, 4, 2]))).toThrow('Grid height must be at least 2.');
    });
  });
});

// Coordinates kept away from integers (the interpolation's kinks) so the differences are smooth.
const GRAD: GradCase[] = [
  { name: 'transform BILINEAR (images)', ins: [{ shape: [2, 4, 5, 2] }], f: (x) => CI.transform(x!, [[0.9, -0.2, 0.63, 0.1, 1.05, 0.27, 0, 0], [1, 0, -0.35, 0, 1, 0.4, 0, 0]], 'BILINEAR') },
  { name: 'rotate NEAREST (images)', ins: [{ shape: [1, 5, 4, 1] }], f: (x) => CI.rotate(x!, 0.3) },
  {
    name: 'denseImageWarp (image and flow)',
    ins: [{ shape: [2, 3, 4, 2] }, { shape: [2, 3, 4, 2], gen: (r) => (r() < 0.5 ? -1 : 0) + 0.2 + 0.6 * r() }],
    f: (x, fl) => CI.denseImageWarp(x!, fl!),
  },
];
describeGradients('finite-difference gradients of contrib.image', GRAD, devices, {
  skip: (c, cfg) => (cfg.dtype === 'float64' && c.name !== 'denseImageWarp (image and flow)' ? 'the projective transform samples at float32 coordinates (as TF), and its images gradient is linear: float32 checks it' : null),
});
