/**
 * tf.layers outputs against float64 references of TF1's formulas, on every device in
 * TSFLOW_TEST_DEVICES: dense (rank 2 and 3), conv2d (padding, strides, dilation,
 * channels_first), conv2dTranspose, pooling, flatten, dropout (bool and tensor `training`),
 * batchNormalization in training and inference mode with its moving averages (non-fused 2-D
 * and TF1's fused 4-D statistics); batch-norm gradients against central differences.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { Rng, registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const rand = (r: Rng, n: number, lo = -1, hi = 1): number[] => Array.from({ length: n }, () => r.uniform(lo, hi));
const nd = (flat: readonly number[], shape: readonly number[]): NDArray => new tf.NDArray(Float32Array.from(flat), [...shape]);
const f32 = (xs: readonly number[]): number[] => xs.map(Math.fround);

// ----- float64 references ------------------------------------------------------------------------
function pads(inp: number, k: number, s: number, d: number, same: boolean): [number, number] {
  const kEff = (k - 1) * d + 1;
  if (!same) return [Math.floor((inp - kEff + s) / s), 0];
  const out = Math.ceil(inp / s);
  return [out, Math.floor(Math.max(0, (out - 1) * s + kEff - inp) / 2)];
}
/** NHWC conv with HWIO kernel. */
function refConv(x: number[], xs: number[], k: number[], ks: number[], s: number[], d: number[], same: boolean): { data: number[]; shape: number[] } {
  const [n, h, w, c] = xs as [number, number, number, number];
  const [kh, kw, , o] = ks as [number, number, number, number];
  const [oh, pt] = pads(h, kh, s[0]!, d[0]!, same);
  const [ow, pl] = pads(w, kw, s[1]!, d[1]!, same);
  const out: number[] = [];
  for (let b = 0; b < n; b++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let q = 0; q < o; q++) {
    let acc = 0;
    for (let di = 0; di < kh; di++) for (let dj = 0; dj < kw; dj++) for (let ch = 0; ch < c; ch++) {
      const y = i * s[0]! + di * d[0]! - pt;
      const z = j * s[1]! + dj * d[1]! - pl;
      if (y >= 0 && y < h && z >= 0 && z < w) acc += x[((b * h + y) * w + z) * c + ch]! * k[((di * kw + dj) * c + ch) * o + q]!;
    }
    out.push(acc);
  }
  return { data: out, shape: [n, oh, ow, o] };
}
/** Transposed conv (the adjoint of refConv), kernel [kh, kw, out, in]. */
function refConvT(x: number[], xs: number[], k: number[], ks: number[], s: number, same: boolean): { data: number[]; shape: number[] } {
  const [n, h, w, c] = xs as [number, number, number, number];
  const [kh, kw, f] = ks as [number, number, number, number];
  const oh = same ? h * s : h * s + Math.max(kh - s, 0);
  const ow = same ? w * s : w * s + Math.max(kw - s, 0);
  const pt = same ? Math.floor(Math.max(0, (h - 1) * s + kh - oh) / 2) : 0;
  const pl = same ? Math.floor(Math.max(0, (w - 1) * s + kw - ow) / 2) : 0;
  const out = new Array<number>(n * oh * ow * f).fill(0);
  for (let b = 0; b < n; b++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let ch = 0; ch < c; ch++) {
    for (let di = 0; di < kh; di++) for (let dj = 0; dj < kw; dj++) {
      const y = i * s + di - pt;
      const z = j * s + dj - pl;
      if (y < 0 || y >= oh || z < 0 || z >= ow) continue;
      for (let q = 0; q < f; q++) out[((b * oh + y) * ow + z) * f + q]! += x[((b * h + i) * w + j) * c + ch]! * k[((di * kw + dj) * f + q) * c + ch]!;
    }
  }
  return { data: out, shape: [n, oh, ow, f] };
}
function refPool(kind: 'max' | 'avg', x: number[], xs: number[], p: number, s: number, same: boolean): { data: number[]; shape: number[] } {
  const [n, h, w, c] = xs as [number, number, number, number];
  const [oh, pt] = pads(h, p, s, 1, same);
  const [ow, pl] = pads(w, p, s, 1, same);
  const out: number[] = [];
  for (let b = 0; b < n; b++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let ch = 0; ch < c; ch++) {
    const vals: number[] = [];
    for (let di = 0; di < p; di++) for (let dj = 0; dj < p; dj++) {
      const y = i * s + di - pt;
      const z = j * s + dj - pl;
      if (y >= 0 && y < h && z >= 0 && z < w) vals.push(x[((b * h + y) * w + z) * c + ch]!);
    }
    out.push(kind === 'max' ? Math.max(...vals) : vals.reduce((a, v) => a + v, 0) / vals.length);
  }
  return { data: out, shape: [n, oh, ow, c] };
}
/** NCHW ⇄ NHWC of flat data. */
function toNhwc(x: number[], [n, c, h, w]: number[]): number[] {
  const out: number[] = [];
  for (let b = 0; b < n!; b++) for (let i = 0; i < h!; i++) for (let j = 0; j < w!; j++) for (let ch = 0; ch < c!; ch++) out.push(x[((b * c! + ch) * h! + i) * w! + j]!);
  return out;
}
function toNchw(x: number[], [n, h, w, c]: number[]): number[] {
  const out: number[] = [];
  for (let b = 0; b < n!; b++) for (let ch = 0; ch < c!; ch++) for (let i = 0; i < h!; i++) for (let j = 0; j < w!; j++) out.push(x[((b * h! + i) * w! + j) * c! + ch]!);
  return out;
}
/** Per-channel (last axis) batch moments of [rows, C] data. */
function channelMoments(x: number[], c: number): { mean: number[]; variance: number[]; n: number } {
  const n = x.length / c;
  const mean = Array.from({ length: c }, (_, q) => x.filter((_, i) => i % c === q).reduce((a, v) => a + v, 0) / n);
  const variance = Array.from({ length: c }, (_, q) => x.filter((_, i) => i % c === q).reduce((a, v) => a + (v - mean[q]!) ** 2, 0) / n);
  return { mean, variance, n };
}
const normalize = (x: number[], c: number, mean: number[], variance: number[], gamma: number[], beta: number[], eps: number): number[] =>
  x.map((v, i) => ((v - mean[i % c]!) / Math.sqrt(variance[i % c]! + eps)) * gamma[i % c]! + beta[i % c]!);

function expectClose(got: NDArray, want: { data: number[]; shape: number[] } | number[], tol = 1e-5, what = ''): void {
  const w = Array.isArray(want) ? want : want.data;
  if (!Array.isArray(want)) expect(got.shape, `${what} shape`).toEqual(want.shape);
  expect(got.size, `${what} size`).toBe(w.length);
  for (let i = 0; i < w.length; i++) {
    const g = Number(got.data[i]);
    expect(Math.abs(g - w[i]!), `${what}[${i}] got ${g}, want ${w[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w[i]!)));
  }
}

for (const dev of devices) {
  describe(`tf.layers values [${dev.name}]`, () => {
    const tol = 1e-5 * dev.caps.tolScale;
    async function run<T>(build: () => { fetch: Tensor[]; feeds?: [Tensor, unknown][] }, after?: (sess: tf.Session, g: tf.Graph) => Promise<T>): Promise<{ out: NDArray[]; extra: T | undefined }> {
      const g = new tf.Graph();
      const { fetch, feeds } = g.asDefault(build);
      const sess = new tf.Session({ ...dev.options, graph: g });
      try {
        await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
        const out = (await sess.run(fetch, feeds as never)) as NDArray[];
        return { out, extra: after ? await after(sess, g) : undefined };
      } finally {
        await sess.close();
      }
    }

    it('dense: rank-2 and rank-3 inputs, bias, activation', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const r = new Rng(1);
      const x = f32(rand(r, 2 * 3 * 4));
      const k = f32(rand(r, 4 * 5));
      const b = f32(rand(r, 5));
      const { out } = await run(() => {
        const x2 = tf.constant(nd(x.slice(0, 8), [2, 4]));
        const x3 = tf.constant(nd(x, [2, 3, 4]));
        const opts = { kernelInitializer: tf.constantInitializer(k), biasInitializer: tf.constantInitializer(b) };
        return {
          fetch: [
            tf.layers.dense(x2, 5, { ...opts, activation: tf.nn.relu }),
            tf.layers.dense(x3, 5, opts),
            tf.layers.dense(x2, 5, { ...opts, useBias: false }),
          ],
        };
      });
      const mm = (rows: number, bias: boolean, relu: boolean): number[] => {
        const o: number[] = [];
        for (let i = 0; i < rows; i++) for (let j = 0; j < 5; j++) {
          let acc = bias ? b[j]! : 0;
          for (let q = 0; q < 4; q++) acc += x[i * 4 + q]! * k[q * 5 + j]!;
          o.push(relu ? Math.max(0, acc) : acc);
        }
        return o;
      };
      expectClose(out[0]!, { data: mm(2, true, true), shape: [2, 5] }, tol);
      expectClose(out[1]!, { data: mm(6, true, false), shape: [2, 3, 5] }, tol);
      expectClose(out[2]!, { data: mm(2, false, false), shape: [2, 5] }, tol);
    });

    it('conv2d: valid/same, strides, dilation, channels_first, bias', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const r = new Rng(2);
      const xs = [2, 7, 6, 3];
      const x = f32(rand(r, size(xs)));
      const k = f32(rand(r, 3 * 3 * 3 * 4));
      const b = f32(rand(r, 4));
      const cases: { s: number[]; d: number[]; same: boolean }[] = [
        { s: [1, 1], d: [1, 1], same: false },
        { s: [1, 1], d: [1, 1], same: true },
        { s: [2, 3], d: [1, 1], same: true },
        { s: [2, 2], d: [1, 1], same: false },
        { s: [1, 1], d: [2, 2], same: true },
      ];
      const { out } = await run(() => {
        const xt = tf.constant(nd(x, xs));
        const fetch = cases.map((c) =>
          tf.layers.conv2d(xt, 4, 3, {
            strides: c.s, dilationRate: c.d, padding: c.same ? 'Same' : 'VALID',
            kernelInitializer: tf.constantInitializer(k), biasInitializer: tf.constantInitializer(b),
          }),
        );
        const nchw = tf.constant(nd(toNchw(x, xs), [2, 3, 7, 6]));
        fetch.push(tf.layers.conv2d(nchw, 4, [3, 3], { padding: 'same', dataFormat: 'channels_first', kernelInitializer: tf.constantInitializer(k), useBias: false }));
        return { fetch };
      });
      cases.forEach((c, i) => {
        const ref = refConv(x, xs, k, [3, 3, 3, 4], c.s, c.d, c.same);
        expectClose(out[i]!, { data: ref.data.map((v, j) => v + b[j % 4]!), shape: ref.shape }, tol, `case ${i}`);
      });
      const ref = refConv(x, xs, k, [3, 3, 3, 4], [1, 1], [1, 1], true);
      expectClose(out[cases.length]!, { data: toNchw(ref.data, ref.shape), shape: [2, 4, 7, 6] }, tol, 'channels_first');
    });

    it('conv2dTranspose: same/valid, strides, unknown batch; the adjoint of conv2d', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const r = new Rng(3);
      const xs = [2, 3, 4, 3];
      const x = f32(rand(r, size(xs)));
      const k = f32(rand(r, 3 * 3 * 2 * 3));
      const b = f32(rand(r, 2));
      const configs = [{ s: 2, same: true }, { s: 2, same: false }, { s: 1, same: true }, { s: 3, same: false }];
      const { out } = await run(() => {
        const p = tf.placeholder(tf.float32, [null, 3, 4, 3]);
        const fetch = configs.map((c) =>
          tf.layers.conv2dTranspose(p, 2, 3, { strides: c.s, padding: c.same ? 'same' : 'valid', kernelInitializer: tf.constantInitializer(k), biasInitializer: tf.constantInitializer(b) }),
        );
        return { fetch, feeds: [[p, nd(x, xs)]] };
      });
      configs.forEach((c, i) => {
        const ref = refConvT(x, xs, k, [3, 3, 2, 3], c.s, c.same);
        expectClose(out[i]!, { data: ref.data.map((v, j) => v + b[j % 2]!), shape: ref.shape }, tol, `config ${i}`);
      });
    });

    it('max/average pooling (valid/same, channels_first) and flatten', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const r = new Rng(4);
      const xs = [2, 5, 6, 3];
      const x = f32(rand(r, size(xs), -3, 3));
      const { out } = await run(() => {
        const xt = tf.constant(nd(x, xs));
        const nchw = tf.constant(nd(toNchw(x, xs), [2, 3, 5, 6]));
        return {
          fetch: [
            tf.layers.maxPooling2d(xt, 2, 2),
            tf.layers.maxPooling2d(xt, 3, 2, { padding: 'same' }),
            tf.layers.averagePooling2d(xt, 2, 1),
            tf.layers.averagePooling2d(xt, [3, 3], [2, 2], 'SAME'),
            tf.layers.maxPooling2d(nchw, 2, 2, { dataFormat: 'channels_first' }),
            tf.layers.flatten(xt),
            tf.layers.flatten(nchw, { dataFormat: 'channels_first' }),
          ],
        };
      });
      expectClose(out[0]!, refPool('max', x, xs, 2, 2, false), tol);
      expectClose(out[1]!, refPool('max', x, xs, 3, 2, true), tol);
      expectClose(out[2]!, refPool('avg', x, xs, 2, 1, false), tol);
      expectClose(out[3]!, refPool('avg', x, xs, 3, 2, true), tol);
      const mp = refPool('max', x, xs, 2, 2, false);
      expectClose(out[4]!, { data: toNchw(mp.data, mp.shape), shape: [2, 3, 2, 3] }, tol);
      expectClose(out[5]!, { data: x, shape: [2, 90] }, 0);
      // channels_first flatten orders as channels_last would (TF1 transposes first)
      expectClose(out[6]!, { data: toNhwc(toNchw(x, xs), [2, 3, 5, 6]), shape: [2, 90] }, 0);
    });

    it('dropout: identity unless training; kept units scaled by 1/(1-rate); training as a tensor', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const n = 4000;
      const g = new tf.Graph();
      const sess = new tf.Session({ ...dev.options, graph: g });
      try {
        const [x, t, off, on, dyn] = g.asDefault(() => {
          const xx = tf.placeholder(tf.float32, [n]);
          const tt = tf.placeholder(tf.bool, []);
          return [xx, tt, tf.layers.dropout(xx, 0.25), tf.layers.dropout(xx, { rate: 0.25, training: true, seed: 3 }), tf.layers.dropout(xx, { rate: 0.25, training: tt, seed: 3 })] as const;
        });
        const xv = Array.from({ length: n }, (_, i) => 1 + (i % 7));
        const [a, b] = (await sess.run([off, on], [[x, xv], [t, true]])) as NDArray[];
        expect(Array.from(a!.data as Float32Array)).toEqual(xv);
        let kept = 0;
        Array.from(b!.data as Float32Array).forEach((v, i) => {
          if (v !== 0) {
            kept++;
            expect(v).toBeCloseTo(xv[i]! / 0.75, 5);
          }
        });
        expect(Math.abs(kept / n - 0.75)).toBeLessThan(0.03);
        const dOff = (await sess.run(dyn, [[x, xv], [t, false]])) as NDArray;
        expect(Array.from(dOff.data as Float32Array)).toEqual(xv);
        const dOn = (await sess.run(dyn, [[x, xv], [t, true]])) as NDArray;
        const zeros = Array.from(dOn.data as Float32Array).filter((v) => v === 0).length;
        expect(Math.abs(zeros / n - 0.25)).toBeLessThan(0.03);
      } finally {
        await sess.close();
      }
    });

    it('batchNormalization: training and inference vs float64, moving averages (2-D non-fused, 4-D fused), training tensor', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const r = new Rng(5);
      const x2 = f32(rand(r, 6 * 3, -2, 3));
      const x4s = [2, 3, 3, 2];
      const x4 = f32(rand(r, size(x4s), -1, 4));
      const gamma = [1.5, -0.5, 2];
      const beta = [0.1, 0.2, -0.3];
      const m = 0.9;
      const g = new tf.Graph();
      const sess = new tf.Session({ ...dev.options, graph: g });
      try {
        const t = g.asDefault(() => {
          const p2 = tf.placeholder(tf.float32, [null, 3]);
          const p4 = tf.placeholder(tf.float32, [null, 3, 3, 2]);
          const training = tf.placeholder(tf.bool, []);
          const bn2 = new tf.layers.BatchNormalization({ momentum: m, gammaInitializer: tf.constantInitializer(gamma), betaInitializer: tf.constantInitializer(beta) });
          const y2 = bn2.apply(p2, { training: true });
          const y2inf = bn2.apply(p2, { training: false });
          const bn4 = new tf.layers.BatchNormalization({ momentum: m, epsilon: 1e-6, center: false });
          const y4 = bn4.apply(p4, { training });
          return { p2, p4, training, bn2, bn4, y2, y2inf, y4, updates: g.getCollection<Tensor>(tf.GraphKeys.UPDATE_OPS), init: tf.globalVariablesInitializer() };
        });
        expect(t.updates.length).toBe(4);
        await sess.run(t.init);
        const feeds = (train: boolean): [Tensor, NDArray | boolean][] => [[t.p2, nd(x2, [6, 3])], [t.p4, nd(x4, x4s)], [t.training, train]];
        // training step: outputs from the batch moments, then the moving averages move
        const [y2, y4] = (await sess.run([t.y2, t.y4, ...t.updates], feeds(true))) as NDArray[];
        const s2 = channelMoments(x2, 3);
        expectClose(y2!, { data: normalize(x2, 3, s2.mean, s2.variance, gamma, beta, 1e-3), shape: [6, 3] }, 4 * tol, 'bn2 train');
        const s4 = channelMoments(x4, 2);
        const eps4 = 1.001e-5; // the fused kernel's floor
        expectClose(y4!, { data: normalize(x4, 2, s4.mean, s4.variance, [1, 1], [0, 0], eps4), shape: x4s }, 4 * tol, 'bn4 train');
        const mv = (await sess.run([t.bn2.movingMean!, t.bn2.movingVariance!, t.bn4.movingMean!, t.bn4.movingVariance!])) as NDArray[];
        const upd = (prev: number, v: number) => prev - (prev - v) * (1 - m);
        expectClose(mv[0]!, s2.mean.map((v) => upd(0, v)), tol, 'moving_mean 2-D');
        expectClose(mv[1]!, s2.variance.map((v) => upd(1, v)), tol, 'moving_variance 2-D (biased)');
        expectClose(mv[2]!, s4.mean.map((v) => upd(0, v)), tol, 'moving_mean 4-D');
        expectClose(mv[3]!, s4.variance.map((v) => upd(1, (v * s4.n) / (s4.n - 1))), tol, 'moving_variance 4-D (fused: unbiased)');
        // inference: the moving statistics
        const [yInf] = (await sess.run([t.y2inf], feeds(false))) as NDArray[];
        const mm2 = Array.from(mv[0]!.data as Float32Array);
        const mvar2 = Array.from(mv[1]!.data as Float32Array);
        expectClose(yInf!, { data: normalize(x2, 3, mm2, mvar2, gamma, beta, 1e-3), shape: [6, 3] }, 4 * tol, 'bn2 inference');
        // training fed false: moving statistics used, and the updates leave them unchanged
        const [y4off] = (await sess.run([t.y4, ...t.updates.slice(2)], feeds(false))) as NDArray[];
        const mm4 = Array.from(mv[2]!.data as Float32Array);
        const mvar4 = Array.from(mv[3]!.data as Float32Array);
        expectClose(y4off!, { data: normalize(x4, 2, mm4, mvar4, [1, 1], [0, 0], eps4), shape: x4s }, 4 * tol, 'bn4 training=false');
        const after = (await sess.run([t.bn4.movingMean!, t.bn4.movingVariance!])) as NDArray[];
        expect(Array.from(after[0]!.data as Float32Array)).toEqual(mm4);
        expect(Array.from(after[1]!.data as Float32Array)).toEqual(mvar4);
      } finally {
        await sess.close();
      }
    });
  });
}

describe('batchNormalization gradients (float64, central differences)', () => {
  it('d/dx, d/dgamma, d/dbeta of the training-mode output', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const r = new Rng(9);
      const xs = [4, 3];
      const x = tf.placeholder(tf.float64, xs);
      const layer = new tf.layers.BatchNormalization({ dtype: tf.float64, gammaInitializer: tf.constantInitializer([1.2, 0.7, -0.4]), betaInitializer: tf.constantInitializer([0.3, -0.1, 0.2]) });
      const y = layer.apply(x, { training: true });
      const w = tf.constant(new tf.NDArray(Float64Array.from(rand(r, 12)), xs, 'float64'));
      const loss = tf.reduceSum(tf.multiply(tf.square(y), w));
      const vars = [layer.gamma!, layer.beta!];
      const grads = tf.gradients(loss, [x, ...vars]);
      const sess = new tf.Session({ graph: g });
      sess.runSync(tf.globalVariablesInitializer());
      const xv = Float64Array.from(rand(r, 12, -2, 2));
      const feed = () => new Map([[x, new tf.NDArray(xv, xs, 'float64')]]);
      const sym = sess.runSync(grads as Tensor[], feed()) as NDArray[];
      const h = 1e-6;
      const f = (): number => (sess.runSync(loss, feed()) as NDArray).data[0] as number;
      for (let i = 0; i < 12; i++) {
        const o = xv[i]!;
        xv[i] = o + h; const fp = f();
        xv[i] = o - h; const fm = f();
        xv[i] = o;
        expect(sym[0]!.data[i]).toBeCloseTo((fp - fm) / (2 * h), 5);
      }
      for (const [vi, v] of vars.entries()) {
        const base = Array.from((sess.runSync(v) as NDArray).data as Float64Array);
        for (let j = 0; j < 3; j++) {
          const at = (d: number): number => {
            const vals = [...base];
            vals[j]! += d;
            sess.runSync(v.assign(tf.constant(new tf.NDArray(Float64Array.from(vals), [3], 'float64'))));
            return f();
          };
          const num = (at(h) - at(-h)) / (2 * h);
          at(0);
          expect(sym[vi + 1]!.data[j]).toBeCloseTo(num, 5);
        }
      }
      await sess.close();
    });
  });
});


