/**
 * conv2d and its two gradients on the shapes the CPU device's direct SIMD kernels take (output
 * channels a multiple of 4; for the input gradient stride 1 and input channels a multiple of 4),
 * through a session on one thread and split over two (every step split: parallelThreshold 0):
 * against float64 references from the definitions, exactly for small integers, and the same
 * bits on both thread counts for floats.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { conv2dBackpropFilter, conv2dBackpropInput } from '../src/ops/conv.js';

interface Case {
  label: string;
  xs: [number, number, number, number];
  fs: [number, number, number, number];
  s: [number, number];
  d: [number, number];
  pad: 'SAME' | 'VALID';
}

const CASES: Case[] = [
  { label: 'SAME 3x3, c=8 o=16 (the bench layer, smaller batch)', xs: [2, 28, 28, 8], fs: [3, 3, 8, 16], s: [1, 1], d: [1, 1], pad: 'SAME' },
  { label: 'SAME 5x5, c=4 o=12, width 9', xs: [2, 7, 9, 4], fs: [5, 5, 4, 12], s: [1, 1], d: [1, 1], pad: 'SAME' },
  { label: 'SAME 2x2 (pad at the bottom/right), c=12 o=4', xs: [1, 6, 7, 12], fs: [2, 2, 12, 4], s: [1, 1], d: [1, 1], pad: 'SAME' },
  { label: 'VALID 3x2 dilated 2x3, c=4 o=8', xs: [2, 9, 10, 4], fs: [3, 2, 4, 8], s: [1, 1], d: [2, 3], pad: 'VALID' },
  { label: 'SAME 3x3 stride 2, c=3 o=24 (input gradient through im2col)', xs: [2, 9, 8, 3], fs: [3, 3, 3, 24], s: [2, 2], d: [1, 1], pad: 'SAME' },
  { label: 'VALID 1x1 stride 2x3, c=5 o=4', xs: [1, 7, 8, 5], fs: [1, 1, 5, 4], s: [2, 3], d: [1, 1], pad: 'VALID' },
];

function outAndPad(inp: number, k: number, s: number, d: number, pad: string): [number, number] {
  const kEff = (k - 1) * d + 1;
  if (pad === 'VALID') return [Math.floor((inp - kEff + s) / s), 0];
  const out = Math.ceil(inp / s);
  return [out, Math.floor(Math.max(0, (out - 1) * s + kEff - inp) / 2)];
}

/** y, dx and df in float64 straight from the definition: each (pixel, tap) pair once. */
function reference(c: Case, x: Float64Array, f: Float64Array, dy: Float64Array) {
  const [n, h, w, ch] = c.xs;
  const [kh, kw, , o] = c.fs;
  const [oh, pt] = outAndPad(h, kh, c.s[0], c.d[0], c.pad);
  const [ow, pl] = outAndPad(w, kw, c.s[1], c.d[1], c.pad);
  const y = new Float64Array(n * oh * ow * o);
  const dx = new Float64Array(x.length);
  const df = new Float64Array(f.length);
  for (let b = 0; b < n; b++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
    const py = ((b * oh + i) * ow + j) * o;
    for (let di = 0; di < kh; di++) for (let dj = 0; dj < kw; dj++) {
      const yy = i * c.s[0] + di * c.d[0] - pt;
      const xx = j * c.s[1] + dj * c.d[1] - pl;
      if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
      const px = ((b * h + yy) * w + xx) * ch;
      for (let ci = 0; ci < ch; ci++) {
        const pf = ((di * kw + dj) * ch + ci) * o;
        for (let q = 0; q < o; q++) {
          y[py + q] += x[px + ci]! * f[pf + q]!;
          dx[px + ci] += dy[py + q]! * f[pf + q]!;
          df[pf + q] += x[px + ci]! * dy[py + q]!;
        }
      }
    }
  }
  return { y, dx, df, yShape: [n, oh, ow, o] };
}

let seed = 1;
function data(size: number, ints: boolean): Float64Array {
  return Float64Array.from({ length: size }, () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return ints ? (seed % 7) - 3 : (seed / 2147483648) * 2 - 1;
  });
}
const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

async function runOn(threads: number, c: Case, x: Float64Array, f: Float64Array, dy: Float64Array, yShape: number[]) {
  const g = new tf.Graph();
  const t = g.asDefault(() => {
    const xp = tf.placeholder(tf.float32, c.xs);
    const fp = tf.placeholder(tf.float32, c.fs);
    const dyp = tf.placeholder(tf.float32, yShape);
    const attrs = { strides: [1, c.s[0], c.s[1], 1], padding: c.pad, dilations: [1, c.d[0], c.d[1], 1] };
    const y = tf.nn.conv2d(xp, fp, attrs.strides, c.pad, { dilations: attrs.dilations });
    return { xp, fp, dyp, y, dx: conv2dBackpropInput(c.xs, fp, dyp, attrs), df: conv2dBackpropFilter(xp, c.fs, dyp, attrs) };
  });
  const sess = new tf.Session({ graph: g, threads, parallelThreshold: 0 });
  try {
    const feeds = new Map<tf.Tensor, tf.NDArray>([
      [t.xp, new tf.NDArray(Float32Array.from(x), c.xs, 'float32')],
      [t.fp, new tf.NDArray(Float32Array.from(f), c.fs, 'float32')],
      [t.dyp, new tf.NDArray(Float32Array.from(dy), yShape, 'float32')],
    ]);
    const [y, dx, df] = await sess.run([t.y, t.dx, t.df], feeds);
    return { y: y.data as Float32Array, dx: dx.data as Float32Array, df: df.data as Float32Array };
  } finally {
    await sess.close();
  }
}

/** Largest |got − want| relative to the largest |want| (float32 rounding of sums of ~100s of terms). */
function relErr(got: Float32Array, want: Float64Array): number {
  expect(got.length).toBe(want.length);
  let err = 0;
  let scale = 1e-30;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return err / scale;
}

describe('conv2d, Conv2DBackpropInput and Conv2DBackpropFilter on the direct kernels', () => {
  for (const c of CASES) {
    it(`${c.label}: exact on integers on 1 and 2 threads; floats within float32 rounding, the same bits on both`, async () => {
      const [n, h, w, ch] = c.xs;
      const [oh] = outAndPad(h, c.fs[0], c.s[0], c.d[0], c.pad);
      const [ow] = outAndPad(w, c.fs[1], c.s[1], c.d[1], c.pad);
      const yShape = [n, oh, ow, c.fs[3]];
      expect(ch).toBe(c.fs[2]);
      // integers: every sum is exact in float32, whatever the order
      const xi = data(sizeOf(c.xs), true), fi = data(sizeOf(c.fs), true), dyi = data(sizeOf(yShape), true);
      const ri = reference(c, xi, fi, dyi);
      expect(ri.yShape).toEqual(yShape);
      for (const threads of [1, 2]) {
        const got = await runOn(threads, c, xi, fi, dyi, yShape);
        expect(Array.from(got.y)).toEqual(Array.from(ri.y));
        expect(Array.from(got.dx)).toEqual(Array.from(ri.dx));
        expect(Array.from(got.df)).toEqual(Array.from(ri.df));
      }
      // floats
      const xf = data(sizeOf(c.xs), false), ff = data(sizeOf(c.fs), false), dyf = data(sizeOf(yShape), false);
      const rf = reference(c, xf, ff, dyf);
      const one = await runOn(1, c, xf, ff, dyf, yShape);
      const two = await runOn(2, c, xf, ff, dyf, yShape);
      for (const k of ['y', 'dx', 'df'] as const) {
        expect(relErr(one[k], rf[k])).toBeLessThan(2e-6);
        expect(two[k]).toEqual(one[k]);
      }
    });
  }
});
