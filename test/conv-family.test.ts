/**
 * The conv/pool family beyond conv2d: tf.nn.lrn, conv1d, convolution, atrousConv2d,
 * separableConv2d, depthwiseConv2dNative, the public conv2d backprops, conv3d, maxPoolWithArgmax,
 * the pool spellings and tf.nn.pool, tf.spaceToDepth / depthToSpace, spaceToBatchNd /
 * batchToSpaceNd, extractImagePatches. Values on every device against TF's test cases (named) and
 * float64 loop references, TF's op types, shapes and texts, GraphDef round trips, and
 * finite-difference gradients.
 */
import { describe, expect, it } from 'vitest';
import * as tsflow from 'tsflow';
// The ops under test from their modules (the same ones tf / tf.nn export).
import * as convFamily from '../src/ops/conv-family.js';
import * as spaceBatch from '../src/ops/space-batch.js';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, rng, describeGradients } from './support/grad-check.js';

const tf = { ...tsflow, ...spaceBatch, nn: { ...tsflow.nn, ...convFamily } };
const devices = await resolvedDevices();
registerSkipSummary();

const seq = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const rnd = (n: number, seed: number) => { const r = rng(seed); return seq(n, () => Math.fround(2 * r() - 1)); };

/** Reference NHWC cross-correlation in float64 (dilated, SAME/VALID as TF computes the padding). */
function convRef(x: number[], xs: number[], f: number[], fs: number[], s: number[], d: number[], pad: 'SAME' | 'VALID', depthwise = false): { data: number[]; shape: number[] } {
  const [n, h, w, c] = xs as [number, number, number, number];
  const [kh, kw, , o] = fs as [number, number, number, number];
  const geo = (inp: number, k: number, st: number, dl: number) => {
    const ke = (k - 1) * dl + 1;
    const out = pad === 'VALID' ? Math.floor((inp - ke + st) / st) : Math.ceil(inp / st);
    const before = pad === 'VALID' ? 0 : Math.floor(Math.max(0, (out - 1) * st + ke - inp) / 2);
    return [out, before] as const;
  };
  const [oh, pt] = geo(h, kh, s[0]!, d[0]!);
  const [ow, pl] = geo(w, kw, s[1]!, d[1]!);
  const oc = depthwise ? c * o : o;
  const out = new Array<number>(n * oh * ow * oc).fill(0);
  for (let b = 0; b < n; b++) for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) for (let q = 0; q < oc; q++) {
    let acc = 0;
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
      const iy = y * s[0]! - pt + i * d[0]!;
      const ix = xx * s[1]! - pl + j * d[1]!;
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
      if (depthwise) {
        const ci = Math.floor(q / o);
        acc += x[((b * h + iy) * w + ix) * c + ci]! * f[((i * kw + j) * c + ci) * o + (q % o)]!;
      } else {
        for (let ci = 0; ci < c; ci++) acc += x[((b * h + iy) * w + ix) * c + ci]! * f[((i * kw + j) * c + ci) * o + q]!;
      }
    }
    out[((b * oh + y) * ow + xx) * oc + q] = acc;
  }
  return { data: out, shape: [n, oh, ow, oc] };
}

/** lrn_op_test.py's _LRN reference: per pixel, x / (bias + alpha·Σ_{window} x²)^beta. */
function lrnRef(x: number[], shape: number[], r: number, bias: number, alpha: number, beta: number): number[] {
  const c = shape[3]!;
  return x.map((v, i) => {
    const d = i % c;
    const base = i - d;
    let s = 0;
    for (let k = Math.max(0, d - r); k <= Math.min(c - 1, d + r); k++) s += x[base + k]! ** 2;
    return v / (bias + alpha * s) ** beta;
  });
}

function patchesRef(x: number[], xs: number[], k: number[], s: number[], r: number[], pad: 'SAME' | 'VALID'): { data: number[]; shape: number[] } {
  const [n, h, w, c] = xs as [number, number, number, number];
  const ones = seq(k[0]! * k[1]! * c * c, () => 0);
  // a depthwise conv with one-hot filters: output channel ((i·kw + j)·c + ci) reads tap (i, j) of ci
  const { shape } = convRef(x, xs, ones, [k[0]!, k[1]!, c, c], s, r, pad);
  const [, oh, ow] = shape as [number, number, number];
  const geo = (inp: number, kk: number, st: number, dl: number, out: number) => (pad === 'VALID' ? 0 : Math.floor(Math.max(0, (out - 1) * st + (kk - 1) * dl + 1 - inp) / 2));
  const pt = geo(h, k[0]!, s[0]!, r[0]!, oh);
  const pl = geo(w, k[1]!, s[1]!, r[1]!, ow);
  const depth = k[0]! * k[1]! * c;
  const out: number[] = [];
  for (let b = 0; b < n; b++) for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) for (let q = 0; q < depth; q++) {
    const ci = q % c;
    const j = Math.floor(q / c) % k[1]!;
    const i = Math.floor(q / c / k[1]!);
    const iy = y * s[0]! - pt + i * r[0]!;
    const ix = xx * s[1]! - pl + j * r[1]!;
    out.push(iy < 0 || iy >= h || ix < 0 || ix >= w ? 0 : x[((b * h + iy) * w + ix) * c + ci]!);
  }
  return { data: out, shape: [n, oh, ow, depth] };
}

const expectNear = (got: NDArray, want: { data: number[]; shape: number[] } | number[], tol: number, what: string): void => {
  const w = Array.isArray(want) ? want : want.data;
  if (!Array.isArray(want)) expect(got.shape, `${what} shape`).toEqual(want.shape);
  expect(got.data.length, `${what} size`).toBe(w.length);
  w.forEach((v, i) => expect(Math.abs(Number(got.data[i]) - v), `${what}[${i}]: ${got.data[i]} vs ${v}`).toBeLessThanOrEqual(tol * (1 + Math.abs(v))));
};

const f32 = (v: number[], shape: number[]) => tf.constant(Float32Array.from(v), 'float32', shape);

for (const dev of devices) {
  describe(`conv/pool family values (${dev.name})`, () => {
    it('lrn (lrn_op_test reference), conv1d, atrous, depthwise, separable, conv3d against loop references', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const tol = 2e-6 * dev.caps.tolScale;
      const xs = [2, 5, 4, 6];
      const x = rnd(2 * 5 * 4 * 6, 1);
      const f = rnd(3 * 3 * 6 * 2, 2);
      const f1 = rnd(3 * 6 * 4, 3);
      const pw = rnd(12 * 5, 4);
      const x5 = rnd(1 * 3 * 4 * 4 * 2, 5);
      const f5 = rnd(2 * 2 * 2 * 2 * 3, 6);
      const g = new tf.Graph();
      const outs = g.asDefault(() => {
        const X = f32(x, xs);
        return [
          tf.nn.lrn(X, 2, 1.5, 0.3, 0.75),
          tf.nn.localResponseNormalization(X, { depthRadius: 1 }),
          tf.nn.conv1d(f32(x, [2, 20, 6]), f32(f1, [3, 6, 4]), 2, 'SAME'),
          tf.nn.atrousConv2d(X, f32(f, [3, 3, 6, 2]), 2, 'SAME'),
          tf.nn.convolution(X, f32(f, [3, 3, 6, 2]), 'VALID', { dilationRate: [2, 1] }),
          tf.nn.depthwiseConv2dNative(X, f32(f, [3, 3, 6, 2]), [1, 2, 1, 1], 'SAME'),
          tf.nn.separableConv2d(X, f32(f, [3, 3, 6, 2]), f32(pw, [1, 1, 12, 5]), [1, 1, 1, 1], 'VALID'),
          tf.nn.conv3d(f32(x5, [1, 3, 4, 4, 2]), f32(f5, [2, 2, 2, 2, 3]), [1, 1, 1, 1, 1], 'VALID'),
        ];
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const [l1, l2, c1, atr, cv, dw, sep, c3] = (await sess.run(outs)) as NDArray[];
      await sess.close();
      expectNear(l1!, lrnRef(x, xs, 2, 1.5, 0.3, 0.75), tol, 'lrn');
      expectNear(l2!, lrnRef(x, xs, 1, 1, 1, 0.5), tol, 'lrn defaults');
      const c1Ref = convRef(x, [2, 1, 20, 6], f1, [1, 3, 6, 4], [1, 2], [1, 1], 'SAME');
      expectNear(c1!, { data: c1Ref.data, shape: [2, 10, 4] }, tol, 'conv1d');
      expectNear(atr!, convRef(x, xs, f, [3, 3, 6, 2], [1, 1], [2, 2], 'SAME'), tol, 'atrous_conv2d');
      expectNear(cv!, convRef(x, xs, f, [3, 3, 6, 2], [1, 1], [2, 1], 'VALID'), tol, 'convolution');
      const dwRef = convRef(x, xs, f, [3, 3, 6, 2], [2, 1], [1, 1], 'SAME', true);
      expectNear(dw!, dwRef, tol, 'depthwise_conv2d_native');
      const dwValid = convRef(x, xs, f, [3, 3, 6, 2], [1, 1], [1, 1], 'VALID', true);
      expectNear(sep!, convRef(dwValid.data, dwValid.shape, pw, [1, 1, 12, 5], [1, 1], [1, 1], 'VALID'), tol, 'separable_conv2d');
      // conv3d: Σ over depth taps of 2-D convs
      const c3ref: number[] = [];
      const [dd, hh, ww] = [3, 4, 4];
      for (let z = 0; z < 2; z++) for (let y = 0; y < 3; y++) for (let xx = 0; xx < 3; xx++) for (let o = 0; o < 3; o++) {
        let acc = 0;
        for (let a = 0; a < 2; a++) for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let ci = 0; ci < 2; ci++) {
          acc += x5[(((z + a) * hh + y + i) * ww + xx + j) * 2 + ci]! * f5[(((a * 2 + i) * 2 + j) * 2 + ci) * 3 + o]!;
        }
        c3ref.push(acc);
      }
      void dd;
      expectNear(c3!, { data: c3ref, shape: [1, 2, 3, 3, 3] }, tol, 'conv3d');
    });

    it("maxPoolWithArgmax and its gradient (pooling_ops_test testMaxPoolingWithArgmax / GradWithArgmax), pools", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const orig = [1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 1, 0, 1];
      const g = new tf.Graph();
      const outs = g.asDefault(() => {
        const t = f32(orig, [2, 3, 3, 1]);
        const [out, am] = tf.nn.maxPoolWithArgmax(t, [1, 2, 2, 1], [1, 1, 1, 1], 'VALID');
        const [, amB] = tf.nn.maxPoolWithArgmax(t, [1, 2, 2, 1], [1, 1, 1, 1], 'VALID', { includeBatchInIndex: true, outputDtype: 'int32' });
        const [grad] = tf.gradients(out!, t, f32([11, 12, 13, 14, 21, 22, 23, 24], [2, 2, 2, 1]));
        const x = f32(rnd(2 * 5 * 5 * 3, 7), [2, 5, 5, 3]);
        const [o2] = tf.nn.maxPoolWithArgmax(x, [1, 3, 2, 1], [1, 2, 2, 1], 'SAME');
        return [out!, am!, amB!, grad!, o2!, tf.nn.maxPool(x, [1, 3, 2, 1], [1, 2, 2, 1], 'SAME'),
          tf.nn.maxPool2d(x, 2, 2, 'VALID'), tf.nn.maxPool(x, 2, 2, 'VALID'), tf.nn.avgPool2d(x, 2, 1, 'SAME'), tf.nn.avgPool(x, 2, 1, 'SAME'),
          tf.nn.maxPool1d(tf.reshape(x, [2, 25, 3]), 3, 2, 'SAME'), tf.nn.avgPoolV2(tf.reshape(x, [2, 25, 3]), 2, 2, 'VALID'),
          tf.nn.pool(x, [2, 2], 'MAX', 'VALID', { dilationRate: [2, 2] }), tf.nn.pool(x, [2, 2], 'AVG', 'VALID', { dilationRate: [1, 2] }), x];
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const r = (await sess.run(outs)) as NDArray[];
      await sess.close();
      expect(Array.from(r[0]!.data)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
      expect(r[1]!.dtype).toBe('int64');
      expect(Array.from(r[1]!.data, Number)).toEqual([0, 1, 3, 5, 0, 2, 6, 8]);
      expect(r[2]!.dtype).toBe('int32');
      expect(Array.from(r[2]!.data)).toEqual([0, 1, 3, 5, 9, 11, 15, 17]);
      expect(Array.from(r[3]!.data)).toEqual([11, 12, 0, 13, 0, 14, 0, 0, 0, 21, 0, 22, 0, 0, 0, 23, 0, 24]);
      expect(Array.from(r[4]!.data)).toEqual(Array.from(r[5]!.data));
      expect(Array.from(r[6]!.data)).toEqual(Array.from(r[7]!.data));
      expect(Array.from(r[8]!.data)).toEqual(Array.from(r[9]!.data));
      const x = Array.from(r[14]!.data as Float32Array);
      // 1-D pools over [2, 25, 3]
      const p1: number[] = [];
      const a1: number[] = [];
      for (let b = 0; b < 2; b++) for (let o = 0; o < 13; o++) for (let c = 0; c < 3; c++) {
        let m = -Infinity;
        for (let k = 0; k < 3; k++) { const i = o * 2 - 1 + k; if (i >= 0 && i < 25) m = Math.max(m, x[(b * 25 + i) * 3 + c]!); }
        p1.push(m);
      }
      for (let b = 0; b < 2; b++) for (let o = 0; o < 12; o++) for (let c = 0; c < 3; c++) a1.push((x[(b * 25 + 2 * o) * 3 + c]! + x[(b * 25 + 2 * o + 1) * 3 + c]!) / 2);
      expectNear(r[10]!, { data: p1, shape: [2, 13, 3] }, 0, 'max_pool1d');
      expectNear(r[11]!, { data: a1, shape: [2, 12, 3] }, 1e-6, 'avg_pool_v2');
      // dilated VALID pools: the window taps are `rate` apart
      const dil = (ry: number, rx: number, max: boolean) => {
        const out: number[] = [];
        const oh = 5 - ry;
        const ow = 5 - rx;
        for (let b = 0; b < 2; b++) for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) for (let c = 0; c < 3; c++) {
          const v = [0, 1].flatMap((i) => [0, 1].map((j) => x[((b * 5 + y + i * ry) * 5 + xx + j * rx) * 3 + c]!));
          out.push(max ? Math.max(...v) : v.reduce((p, q) => p + q, 0) / 4);
        }
        return { data: out, shape: [2, oh, ow, 3] };
      };
      expectNear(r[12]!, dil(2, 2, true), 0, 'pool MAX dilation 2');
      expectNear(r[13]!, dil(1, 2, false), 1e-6, 'pool AVG dilation [1, 2]');
    });

    it('spaceToDepth / depthToSpace (spacetodepth_op_test testBasic), spaceToBatchNd / batchToSpaceNd, extractImagePatches', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const x = rnd(2 * 4 * 6 * 3, 8);
      const g = new tf.Graph();
      const outs = g.asDefault(() => {
        const basic = f32([1, 2, 3, 4], [1, 2, 2, 1]);
        const X = f32(x, [2, 4, 6, 3]);
        const s2b = tf.spaceToBatchNd(X, [2, 3], [[1, 1], [0, 3]]);
        const img = f32(seq(100, (i) => i + 1), [1, 10, 10, 1]);
        return [
          tf.spaceToDepth(basic, 2), tf.depthToSpace(f32([1, 2, 3, 4], [1, 1, 1, 4]), 2),
          tf.spaceToBatchNd(basic, [2, 2], [[0, 0], [0, 0]]), s2b, tf.batchToSpaceNd(s2b, [2, 3], [[1, 1], [0, 3]]),
          tf.spaceToBatch(basic, [[0, 0], [0, 0]], 2), tf.batchToSpace(f32([1, 2, 3, 4], [4, 1, 1, 1]), [[0, 0], [0, 0]], 2),
          tf.extractImagePatches(img, [1, 3, 3, 1], [1, 5, 5, 1], [1, 1, 1, 1], 'VALID'),
          tf.extractImagePatches(X, [1, 2, 3, 1], [1, 2, 1, 1], [1, 2, 1, 1], 'SAME'),
          tf.spaceToDepth(X, 2), tf.depthToSpace(tf.spaceToDepth(X, 2), 2),
        ];
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const r = (await sess.run(outs)) as NDArray[];
      await sess.close();
      expectNear(r[0]!, { data: [1, 2, 3, 4], shape: [1, 1, 1, 4] }, 0, 'space_to_depth');
      expectNear(r[1]!, { data: [1, 2, 3, 4], shape: [1, 2, 2, 1] }, 0, 'depth_to_space');
      expectNear(r[2]!, { data: [1, 2, 3, 4], shape: [4, 1, 1, 1] }, 0, 'space_to_batch_nd');
      // reference space_to_batch_nd: out[(i·3 + j)·2 + b, y, x, c] = padded[b, y·2 + i, x·3 + j, c]
      const ref: number[] = [];
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let b = 0; b < 2; b++) for (let y = 0; y < 3; y++) for (let xx = 0; xx < 3; xx++) for (let c = 0; c < 3; c++) {
        const py = y * 2 + i - 1;
        const px = xx * 3 + j;
        ref.push(py >= 0 && py < 4 && px < 6 ? x[((b * 4 + py) * 6 + px) * 3 + c]! : 0);
      }
      expectNear(r[3]!, { data: ref, shape: [12, 3, 3, 3] }, 0, 'space_to_batch_nd padded');
      expectNear(r[4]!, { data: x, shape: [2, 4, 6, 3] }, 0, 'batch_to_space_nd round trip');
      expectNear(r[5]!, { data: [1, 2, 3, 4], shape: [4, 1, 1, 1] }, 0, 'space_to_batch');
      expectNear(r[6]!, { data: [1, 2, 3, 4], shape: [1, 2, 2, 1] }, 0, 'batch_to_space');
      // tf.image.extract_patches' documented example (10×10 of 1..100, 3×3 patches, stride 5)
      expectNear(r[7]!, {
        data: [1, 2, 3, 11, 12, 13, 21, 22, 23, 6, 7, 8, 16, 17, 18, 26, 27, 28, 51, 52, 53, 61, 62, 63, 71, 72, 73, 56, 57, 58, 66, 67, 68, 76, 77, 78],
        shape: [1, 2, 2, 9],
      }, 0, 'extract_image_patches');
      expectNear(r[8]!, patchesRef(x, [2, 4, 6, 3], [2, 3], [2, 1], [2, 1], 'SAME'), 0, 'extract_image_patches SAME dilated');
      const s2d: number[] = [];
      for (let b = 0; b < 2; b++) for (let y = 0; y < 2; y++) for (let xx = 0; xx < 3; xx++) for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let c = 0; c < 3; c++) {
        s2d.push(x[((b * 4 + 2 * y + i) * 6 + 2 * xx + j) * 3 + c]!);
      }
      expectNear(r[9]!, { data: s2d, shape: [2, 2, 3, 12] }, 0, 'space_to_depth 2');
      expectNear(r[10]!, { data: x, shape: [2, 4, 6, 3] }, 0, 'depth_to_space round trip');
    });
  });
}

describe('conv/pool family declarations', () => {
  it("TF's op types, names and static shapes; conv2d backprops as public ops", async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const x = tf.placeholder('float32', [null, 8, 6, 4], { name: 'x' });
      const f = tf.constant(Float32Array.from(rnd(3 * 3 * 4 * 2, 9)), 'float32', [3, 3, 4, 2]);
      const y = tf.nn.conv2d(x, f, 1, 'SAME');
      return {
        x, f, y,
        lrn: tf.nn.lrn(x),
        dw: tf.nn.depthwiseConv2dNative(x, f, [1, 2, 2, 1], 'SAME'),
        mpa: tf.nn.maxPoolWithArgmax(x, [1, 2, 2, 1], [1, 2, 2, 1], 'VALID'),
        s2d: tf.spaceToDepth(x, 2),
        d2s: tf.depthToSpace(x, 2),
        s2b: tf.spaceToBatchNd(x, [2, 3], [[0, 0], [0, 0]]),
        b2s: tf.batchToSpaceNd(x, [2, 2], [[0, 2], [1, 1]]),
        eip: tf.extractImagePatches(x, [1, 3, 2, 1], [1, 1, 2, 1], [1, 1, 1, 1], 'VALID'),
        c1: tf.nn.conv1d(tf.placeholder('float32', [2, 9, 4]), tf.ones([3, 4, 5]), 2, 'VALID'),
        bi: tf.nn.conv2dBackpropInput(tf.shape(x), f, y, [1, 1, 1, 1], 'SAME'),
        bf: tf.nn.conv2dBackpropFilter(x, [3, 3, 4, 2], y, [1, 1, 1, 1], 'SAME'),
        gi: tf.gradients(y, x, tf.onesLike(y))[0]!,
      };
    });
    expect([m.lrn.op.type, m.lrn.name, m.lrn.shape]).toEqual(['LRN', 'LRN:0', [null, 8, 6, 4]]);
    expect([m.dw.op.type, m.dw.shape]).toEqual(['DepthwiseConv2dNative', [null, 4, 3, 8]]);
    expect([m.mpa[0]!.op.type, m.mpa[1]!.dtype, m.mpa[1]!.shape]).toEqual(['MaxPoolWithArgmax', 'int64', [null, 4, 3, 4]]);
    expect([m.s2d.op.type, m.s2d.shape, m.d2s.op.type, m.d2s.shape]).toEqual(['SpaceToDepth', [null, 4, 3, 16], 'DepthToSpace', [null, 16, 12, 1]]);
    expect([m.s2b.op.type, m.s2b.shape, m.b2s.op.type, m.b2s.shape]).toEqual(['SpaceToBatchND', [null, 4, 2, 4], 'BatchToSpaceND', [null, 14, 10, 4]]);
    expect([m.eip.op.type, m.eip.shape]).toEqual(['ExtractImagePatches', [null, 6, 3, 24]]);
    expect([m.c1.name, m.c1.shape]).toEqual(['conv1d:0', [2, 4, 5]]);
    expect([m.bi.op.type, m.bi.shape, m.bf.op.type, m.bf.shape]).toEqual(['Conv2DBackpropInput', [null, 8, 6, 4], 'Conv2DBackpropFilter', [3, 3, 4, 2]]);
    const sess = new tf.Session({ graph: g });
    const xv = new tf.NDArray(Float32Array.from(rnd(2 * 8 * 6 * 4, 10)), [2, 8, 6, 4], 'float32');
    const [bi, gi, bf] = (await sess.run([m.bi, m.gi, m.bf], [[m.x, xv]])) as NDArray[];
    // conv2dBackpropInput(shape(x), f, y) is conv2d's gradient w.r.t. x for dy = y
    const [gy, gf] = (await sess.run(g.asDefault(() => tf.gradients(m.y, [m.x, m.f], m.y)) as Tensor[], [[m.x, xv]])) as NDArray[];
    expectNear(bi!, Array.from(gy!.data as Float32Array), 1e-6, 'conv2d_backprop_input');
    expectNear(bf!, Array.from(gf!.data as Float32Array), 1e-6, 'conv2d_backprop_filter');
    expect(gi!.shape).toEqual([2, 8, 6, 4]);
    await sess.close();
  });

  it("TF1's texts for bad arguments and shapes", () => {
    new tf.Graph().asDefault(() => {
      const x = tf.placeholder('float32', [1, 5, 4, 3]);
      expect(() => tf.nn.lrn(tf.placeholder('float64', [1, 2, 2, 3]))).toThrow("Value passed to parameter 'input' has DataType float64 not in list of allowed values: float16, bfloat16, float32");
      expect(() => tf.nn.lrn(tf.placeholder('float32', [2, 3]))).toThrow("Shape must be rank 4 but is rank 2 for 'LRN' (op: 'LRN') with input shapes: [2,3].");
      expect(() => tf.spaceToDepth(x, 2)).toThrow("Dimension size must be evenly divisible by 2 but is 5 for 'SpaceToDepth' (op: 'SpaceToDepth') with input shapes: [1,5,4,3].");
      expect(() => tf.depthToSpace(x, 2)).toThrow("Dimension size must be evenly divisible by 4 but is 3 for 'DepthToSpace' (op: 'DepthToSpace') with input shapes: [1,5,4,3].");
      expect(() => tf.spaceToDepth(x, 1)).toThrow("Value for attr 'block_size' of 1 must be at least minimum 2");
      expect(() => tf.spaceToBatchNd(x, [2, 2], [[0, 0], [0, 0]])).toThrow('Dimension size must be evenly divisible by 2 but is 5');
      expect(() => tf.nn.pool(x, [2, 2], 'MIN', 'VALID')).toThrow('Invalid pooling_type: MIN');
      expect(() => tf.nn.pool(x, [2, 2], 'MAX', 'VALID', { dilationRate: 2, strides: 2 })).toThrow('strides > 1 not supported in conjunction with dilation_rate > 1');
      expect(() => tf.nn.atrousConv2d(x, tf.ones([2, 2, 3, 1]), 0, 'SAME')).toThrow('rate 0 cannot be less than one');
      expect(() => tf.nn.convolution(x, tf.ones([2, 2, 2, 1]), 'SAME')).toThrow('number of input channels does not match corresponding dimension of filter, 3 != 2');
      expect(() => tf.nn.depthwiseConv2dNative(x, tf.ones([2, 2, 2, 1]), 1, 'SAME')).toThrow("Dimensions must be equal, but are 3 and 2 for 'DepthwiseConv2dNative'");
      expect(() => tf.nn.conv1d(tf.placeholder('float32', [1, 4, 3]), tf.ones([2, 3, 1]), 1, 'SAME', { dataFormat: 'NCW' })).toThrow("data_format 'NCW' is not supported");
      expect(() => tf.spaceToDepth(x, 2, { dataFormat: 'NCHX' })).toThrow("Attr 'data_format' of 'SpaceToDepth' Op passed string 'NCHX' not in");
      expect(() => tf.extractImagePatches(x, [2, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], 'VALID')).toThrow('Only support ksizes across space.');
    });
  });

  it('run-time errors name the op: NCHW space_to_depth on the CPU, indivisible batch', async () => {
    const g = new tf.Graph();
    const [a, b] = g.asDefault(() => {
      const x = tf.placeholder('float32', null, { name: 'x' });
      return [tf.spaceToDepth(x, 2, { dataFormat: 'NCHW', name: 's2d' }), tf.batchToSpaceNd(x, [2, 2], [[0, 0], [0, 0]], { name: 'b2s' })];
    });
    const sess = new tf.Session({ graph: g });
    const xv = new tf.NDArray(new Float32Array(3 * 2 * 2), [3, 2, 2, 1], 'float32');
    await expect(sess.run(a!, [[g.getTensorByName('x:0'), xv]])).rejects.toThrow('Only NHWC data_format supported on CPU. Got NCHW');
    await expect(sess.run(b!, [[g.getTensorByName('x:0'), xv]])).rejects.toThrow('Input batch dimension (3) is not divisible by product of block sizes (4)');
    await sess.close();
  });

  it('GraphDef round trip keeps the op types and the numbers', async () => {
    const g = new tf.Graph();
    const names = ['LRN', 'DepthwiseConv2dNative', 'MaxPoolWithArgmax', 'SpaceToDepth', 'DepthToSpace', 'SpaceToBatchND', 'BatchToSpaceND', 'BatchToSpace', 'ExtractImagePatches'];
    const outs = g.asDefault(() => {
      const x = tf.constant(Float32Array.from(rnd(2 * 4 * 4 * 2, 11)), 'float32', [2, 4, 4, 2]);
      return [
        tf.nn.lrn(x, 1, 2, 0.5, 0.25, 'LRN'),
        tf.nn.depthwiseConv2dNative(x, tf.ones([2, 2, 2, 2]), 1, 'VALID', { name: 'DepthwiseConv2dNative' }),
        tf.nn.maxPoolWithArgmax(x, 2, 2, 'SAME', { name: 'MaxPoolWithArgmax' })[1]!,
        tf.spaceToDepth(x, 2, 'SpaceToDepth'),
        tf.depthToSpace(tf.tile(x, [1, 1, 1, 2]), 2, 'DepthToSpace'),
        tf.spaceToBatchNd(x, [2, 1], [[0, 0], [1, 1]], 'SpaceToBatchND'),
        tf.batchToSpaceNd(x, [2, 1], [[0, 0], [1, 0]], 'BatchToSpaceND'),
        tf.batchToSpace(tf.tile(x, [2, 1, 1, 1]), [[0, 1], [1, 0]], 2, 'BatchToSpace'),
        tf.extractImagePatches(x, [1, 2, 2, 1], [1, 1, 1, 1], [1, 2, 1, 1], 'SAME', 'ExtractImagePatches'),
      ];
    });
    outs.forEach((t, i) => expect(t.op.type).toBe(names[i]));
    const gd = g.asGraphDef();
    const lrnNode = gd.node.find((n) => n.name === 'LRN')!;
    expect(lrnNode.attr.depth_radius!.i).toBe(1);
    expect(lrnNode.attr.bias!.f).toBe(2);
    expect(lrnNode.attr.T!.type).toBeDefined();
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const s1 = new tf.Session({ graph: g });
    const s2 = new tf.Session({ graph: g2 });
    const a = (await s1.run(outs)) as NDArray[];
    const b = (await s2.run(names.map((n, i) => g2.getTensorByName(`${n}:${i === 2 ? 1 : 0}`)))) as NDArray[];
    names.forEach((n, i) => {
      expect(g2.getOperationByName(n).type, n).toBe(n);
      expect(Array.from(b[i]!.data, Number), n).toEqual(Array.from(a[i]!.data, Number));
    });
    await s1.close();
    await s2.close();
    // a TF node in NCHW is refused when its plan is built, not computed as NHWC
    const nchw = structuredClone(gd);
    nchw.node.find((n) => n.name === 'DepthwiseConv2dNative')!.attr.data_format = { s: new TextEncoder().encode('NCHW') };
    const g3 = new tf.Graph();
    g3.asDefault(() => tf.importGraphDef(nchw, { name: '' }));
    const s3 = new tf.Session({ graph: g3 });
    await expect(s3.run(g3.getTensorByName('DepthwiseConv2dNative:0'))).rejects.toThrow('data_format NCHW is not supported');
    await s3.close();
  });
});

type F32Case = GradCase & { f32only?: boolean };
const GRAD: F32Case[] = [
  { name: 'lrn', f32only: true, ins: [{ shape: [1, 2, 2, 5] }], f: (x) => tf.nn.lrn(x, 2, 1, 0.5, 0.75) },
  { name: 'depthwiseConv2dNative', ins: [{ shape: [1, 4, 3, 2] }, { shape: [2, 2, 2, 2] }], f: (x, f) => tf.nn.depthwiseConv2dNative(x, f, [1, 2, 1, 1], 'SAME') },
  { name: 'conv1d', ins: [{ shape: [1, 5, 2] }, { shape: [2, 2, 2] }], f: (x, f) => tf.nn.conv1d(x, f, 2, 'SAME') },
  { name: 'separableConv2d (rate 2)', ins: [{ shape: [1, 4, 4, 1] }, { shape: [2, 2, 1, 2] }, { shape: [1, 1, 2, 2] }], f: (x, d, p) => tf.nn.separableConv2d(x, d, p, 1, 'SAME', { rate: 2 }) },
  { name: 'conv2dBackpropInput', ins: [{ shape: [2, 2, 1, 2] }, { shape: [1, 2, 2, 2] }], f: (f, dy) => tf.nn.conv2dBackpropInput([1, 3, 3, 1], f, dy, [1, 2, 2, 1], 'SAME') },
  { name: 'maxPoolWithArgmax', ins: [{ shape: [1, 4, 4, 2], gen: (r, i) => i * 0.37 - 3 + 0.1 * r() }], f: (x) => tf.nn.maxPoolWithArgmax(tf.sin(x), 2, 2, 'SAME')[0]! },
  { name: 'spaceToDepth', ins: [{ shape: [1, 2, 4, 1] }], f: (x) => tf.spaceToDepth(x, 2) },
  { name: 'depthToSpace', ins: [{ shape: [1, 1, 2, 4] }], f: (x) => tf.depthToSpace(x, 2) },
  { name: 'spaceToBatchNd', ins: [{ shape: [1, 3, 2, 1] }], f: (x) => tf.spaceToBatchNd(x, [2, 2], [[1, 0], [0, 0]]) },
  { name: 'batchToSpaceNd', ins: [{ shape: [4, 1, 2, 1] }], f: (x) => tf.batchToSpaceNd(x, [2, 2], [[0, 1], [1, 0]]) },
  { name: 'extractImagePatches', ins: [{ shape: [1, 3, 3, 1] }], f: (x) => tf.extractImagePatches(x, [1, 2, 2, 1], [1, 1, 2, 1], [1, 1, 1, 1], 'SAME') },
  { name: 'pool AVG dilated', ins: [{ shape: [1, 4, 4, 1] }], f: (x) => tf.nn.pool(x, [2, 2], 'AVG', 'SAME', { dilationRate: [2, 2] }) },
];

describeGradients('finite-difference gradients of the conv/pool family', GRAD, devices, {
  skip: (c, cfg) => (c.f32only && cfg.dtype === 'float64' ? 'LRN takes float16/bfloat16/float32 only, as in TF' : null),
});

