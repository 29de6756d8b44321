/**
 * 3-D pools, conv3d backprops / transposes, extractVolumePatches, dilation2d / erosion2d and the
 * other transposed convolutions: values on every device against TF's test cases
 * (pooling_ops_3d_test.py, dilation_ops_test.py) and float64 loop references, adjoint identities,
 * TF's op types / attrs through GraphDef round trips, TF's texts, finite-difference gradients.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, rng, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

const seq = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const rnd = (n: number, seed: number) => { const r = rng(seed); return seq(n, () => Math.fround(2 * r() - 1)); };
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
const f32 = (v: number[], shape: number[]) => tf.constant(Float32Array.from(v), 'float32', shape);

/** Output size and leading padding of one dim, as TF computes them. */
function geo(inp: number, k: number, s: number, d: number, pad: 'SAME' | 'VALID'): [number, number] {
  const ke = (k - 1) * d + 1;
  const out = pad === 'VALID' ? Math.floor((inp - ke + s) / s) : Math.ceil(inp / s);
  return [out, pad === 'VALID' ? 0 : Math.floor(Math.max(0, (out - 1) * s + ke - inp) / 2)];
}

/**
 * Every window of an N-d channels-last input: for output cell o (flat) and tap t (flat), the flat
 * input cell or -1. Written independently of tsflow's table.
 */
function windows(sp: number[], k: number[], s: number[], d: number[], pad: 'SAME' | 'VALID') {
  const g = sp.map((n, i) => geo(n, k[i]!, s[i]!, d[i]!, pad));
  const out = g.map((x) => x[0]);
  const cells: number[][] = [];
  const rec = (dim: number, o: number[], acc: number[][]) => {
    if (dim === sp.length) { acc.push([...o]); return; }
    for (let i = 0; i < out[dim]!; i++) rec(dim + 1, [...o, i], acc);
  };
  const outs: number[][] = [];
  rec(0, [], outs);
  const tapsList: number[][] = [];
  const recT = (dim: number, t: number[]) => {
    if (dim === k.length) { tapsList.push([...t]); return; }
    for (let i = 0; i < k[dim]!; i++) recT(dim + 1, [...t, i]);
  };
  recT(0, []);
  for (const o of outs) {
    cells.push(tapsList.map((t) => {
      let flat = 0;
      for (let i = 0; i < sp.length; i++) {
        const c = o[i]! * s[i]! - g[i]![1] + t[i]! * d[i]!;
        if (c < 0 || c >= sp[i]!) return -1;
        flat = flat * sp[i]! + c;
      }
      return flat;
    }));
  }
  return { out, cells };
}

function poolRef(kind: 'max' | 'avg', x: number[], xs: number[], k: number[], s: number[], pad: 'SAME' | 'VALID') {
  const [n, ...rest] = xs;
  const c = rest.pop()!;
  const w = windows(rest, k, s, k.map(() => 1), pad);
  const cellsIn = prod(rest);
  const data: number[] = [];
  for (let b = 0; b < n!; b++) for (const win of w.cells) for (let ch = 0; ch < c; ch++) {
    const vals = win.filter((i) => i >= 0).map((i) => x[(b * cellsIn + i) * c + ch]!);
    data.push(kind === 'max' ? Math.max(...vals) : vals.reduce((a, v) => a + v, 0) / vals.length);
  }
  return { data, shape: [n!, ...w.out, c] };
}

/** conv3d(x, f) in float64: x [n, D,H,W, C], f [kd,kh,kw,C,O]. */
function conv3dRef(x: number[], xs: number[], f: number[], fs: number[], s: number[], d: number[], pad: 'SAME' | 'VALID') {
  const [n, D, H, W, C] = xs as number[];
  const O = fs[4]!;
  const w = windows([D!, H!, W!], fs.slice(0, 3), s, d, pad);
  const data: number[] = [];
  for (let b = 0; b < n!; b++) for (const win of w.cells) for (let o = 0; o < O; o++) {
    let acc = 0;
    win.forEach((cell, t) => {
      if (cell < 0) return;
      for (let ci = 0; ci < C!; ci++) acc += x[(b * D! * H! * W! + cell) * C! + ci]! * f[(t * C! + ci) * O + o]!;
    });
    data.push(acc);
  }
  return { data, shape: [n!, ...w.out, O] };
}

function dilationRef(x: number[], xs: number[], f: number[], fs: number[], s: number[], r: number[], pad: 'SAME' | 'VALID') {
  const [n, H, W, C] = xs as number[];
  const w = windows([H!, W!], fs.slice(0, 2), s, r, pad);
  const data: number[] = [];
  for (let b = 0; b < n!; b++) for (const win of w.cells) for (let ch = 0; ch < C!; ch++) {
    let m = -Infinity;
    win.forEach((cell, t) => { if (cell >= 0) m = Math.max(m, x[(b * H! * W! + cell) * C! + ch]! + f[t * C! + ch]!); });
    data.push(m);
  }
  return { data, shape: [n!, ...w.out, C!] };
}

const expectNear = (got: NDArray, want: { data: number[]; shape: number[] } | number[], tol: number, what: string): void => {
  const w = Array.isArray(want) ? want : want.data;
  if (!Array.isArray(want)) expect(got.shape, `${what} shape`).toEqual(want.shape);
  expect(got.data.length, `${what} size`).toBe(w.length);
  w.forEach((v, i) => expect(Math.abs(Number(got.data[i]) - v), `${what}[${i}]: ${got.data[i]} vs ${v}`).toBeLessThanOrEqual(tol * (1 + Math.abs(v))));
};
const dot = (a: ArrayLike<number | bigint>, b: ArrayLike<number | bigint>) => { let s = 0; for (let i = 0; i < a.length; i++) s += Number(a[i]) * Number(b[i]); return s; };

for (const dev of devices) {
  describe(`3-D pools and convolution backprops (${dev.name})`, () => {
    it("pooling_ops_3d_test.py's cases and loop references", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const tol = 2e-6 * dev.caps.tolScale;
      const ramp = (s: number[]) => f32(seq(prod(s), (i) => i + 1), s);
      const x = rnd(2 * 5 * 4 * 6 * 3, 1);
      const xs = [2, 5, 4, 6, 3];
      const g = new tf.Graph();
      const outs = g.asDefault(() => [
        tf.nn.avgPool3d(ramp([1, 3, 3, 3, 3]), [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], 'VALID'),
        tf.nn.avgPool3d(ramp([1, 2, 2, 4, 3]), [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], 'SAME'),
        tf.nn.maxPool3d(ramp([1, 3, 3, 3, 3]), [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], 'VALID'),
        tf.nn.maxPool3d(ramp([1, 2, 2, 3, 3]), [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], 'SAME'),
        tf.nn.maxPool3d(f32(x, xs), [2, 3, 2], [1, 2, 3], 'SAME'),
        tf.nn.avgPool3d(f32(x, xs), 3, 2, 'SAME'),
        tf.nn.maxPool3d(f32(x, xs), [1, 3, 2, 2, 1], [1, 1, 1, 2, 1], 'VALID'),
        tf.nn.pool(f32(x, xs), [2, 3, 2], 'AVG', 'SAME', { strides: [1, 2, 2] }),
      ]);
      const sess = new tf.Session({ graph: g, ...dev.options });
      const r = (await sess.run(outs)) as NDArray[];
      await sess.close();
      expectNear(r[0]!, { data: [20.5, 21.5, 22.5], shape: [1, 1, 1, 1, 3] }, tol, 'avg VALID (TF)');
      expectNear(r[1]!, { data: [20.5, 21.5, 22.5, 26.5, 27.5, 28.5], shape: [1, 1, 1, 2, 3] }, tol, 'avg SAME (TF)');
      expectNear(r[2]!, { data: [40, 41, 42], shape: [1, 1, 1, 1, 3] }, tol, 'max VALID (TF)');
      expectNear(r[3]!, { data: [31, 32, 33, 34, 35, 36], shape: [1, 1, 1, 2, 3] }, tol, 'max SAME (TF)');
      expectNear(r[4]!, poolRef('max', x, xs, [2, 3, 2], [1, 2, 3], 'SAME'), tol, 'max SAME strided');
      expectNear(r[5]!, poolRef('avg', x, xs, [3, 3, 3], [2, 2, 2], 'SAME'), tol, 'avg SAME');
      expectNear(r[6]!, poolRef('max', x, xs, [3, 2, 2], [1, 1, 2], 'VALID'), tol, 'max VALID');
      expectNear(r[7]!, poolRef('avg', x, xs, [2, 3, 2], [1, 2, 2], 'SAME'), tol, 'tf.nn.pool AVG 3-D');
    });

    it('conv3dTranspose / conv3dBackpropFilterV2 are the adjoints of conv3d; extractVolumePatches against a loop reference', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const tol = 1e-5 * dev.caps.tolScale;
      const xs = [2, 4, 5, 3, 2];
      const fs = [2, 3, 2, 2, 3];
      const x = rnd(prod(xs), 2);
      const f = rnd(prod(fs), 3);
      const cases = [
        { s: [1, 1, 1], d: [1, 1, 1], pad: 'SAME' as const },
        { s: [2, 2, 1], d: [1, 1, 1], pad: 'VALID' as const },
        { s: [2, 1, 2], d: [1, 1, 1], pad: 'SAME' as const },
        { s: [1, 1, 1], d: [2, 1, 1], pad: 'VALID' as const },
      ];
      for (const c of cases) {
        const y = conv3dRef(x, xs, f, fs, c.s, c.d, c.pad);
        const dy = rnd(prod(y.shape), 4);
        const g = new tf.Graph();
        const outs = g.asDefault(() => {
          const dyT = f32(dy, y.shape);
          return [
            tf.nn.conv3d(f32(x, xs), f32(f, fs), [1, ...c.s, 1], c.pad, { dilations: [1, ...c.d, 1] }),
            tf.nn.conv3dTranspose(dyT, f32(f, fs), xs, [1, ...c.s, 1], c.pad, { dilations: c.d }),
            tf.nn.conv3dBackpropFilterV2(f32(x, xs), fs, dyT, c.s, c.pad, { dilations: [1, ...c.d, 1] }),
          ];
        });
        const sess = new tf.Session({ graph: g, ...dev.options });
        const [fwd, dx, df] = (await sess.run(outs)) as NDArray[];
        await sess.close();
        const what = JSON.stringify(c);
        expectNear(fwd!, y, tol, `conv3d ${what}`);
        expect(dx!.shape).toEqual(xs);
        expect(df!.shape).toEqual(fs);
        const lhs = dot(y.data, dy);
        // <conv3d(x, f), dy> = <x, conv3dTranspose(dy, f)> = <f, conv3dBackpropFilter(x, dy)>
        expect(Math.abs(dot(x, dx!.data) - lhs), `input adjoint ${what}`).toBeLessThan(1e-4 * (1 + Math.abs(lhs)));
        expect(Math.abs(dot(f, df!.data) - lhs), `filter adjoint ${what}`).toBeLessThan(1e-4 * (1 + Math.abs(lhs)));
        // per-entry: dx[i] = d<conv3d(x,f),dy>/dx[i], from the loop reference on a one-hot filter basis
        const ref = seq(prod(xs), () => 0);
        const [n, D, H, W, C] = xs as number[];
        const w = windows([D!, H!, W!], fs.slice(0, 3), c.s, c.d, c.pad);
        for (let b = 0; b < n!; b++) w.cells.forEach((win, p) => win.forEach((cell, t) => {
          if (cell < 0) return;
          for (let ci = 0; ci < C!; ci++) for (let o = 0; o < fs[4]!; o++) {
            ref[(b * D! * H! * W! + cell) * C! + ci]! += dy[(b * w.cells.length + p) * fs[4]! + o]! * f[(t * C! + ci) * fs[4]! + o]!;
          }
        }));
        expectNear(dx!, ref, tol, `conv3dTranspose entries ${what}`);
      }
      const g = new tf.Graph();
      const pt = g.asDefault(() => tf.extractVolumePatches(f32(x, xs), [1, 2, 3, 2, 1], [1, 2, 1, 2, 1], 'SAME'));
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got = (await sess.run(pt)) as NDArray;
      await sess.close();
      const [n, D, H, W, C] = xs as number[];
      const w = windows([D!, H!, W!], [2, 3, 2], [2, 1, 2], [1, 1, 1], 'SAME');
      const want: number[] = [];
      for (let b = 0; b < n!; b++) for (const win of w.cells) for (const cell of win) for (let ci = 0; ci < C!; ci++) want.push(cell < 0 ? 0 : x[(b * D! * H! * W! + cell) * C! + ci]!);
      expectNear(got, { data: want, shape: [n!, ...w.out, 12 * C!] }, 0, 'extractVolumePatches');
    });

    it("dilation2d (dilation_ops_test.py's cases), erosion2d, conv1dTranspose / atrousConv2dTranspose / convTranspose adjoints", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const tol = 1e-5 * dev.caps.tolScale;
      const image = [0.1, 0.2, 0.3, 0.4];
      const kern = [0.4, 0.3, 0.1, 0.0];
      const xs = [2, 6, 5, 3];
      const x = rnd(prod(xs), 5);
      const k = rnd(3 * 2 * 3, 6);
      const x1 = rnd(2 * 7 * 3, 7);
      const f1 = rnd(3 * 2 * 3, 8);
      const x2 = rnd(1 * 6 * 6 * 2, 9);
      const f2 = rnd(3 * 3 * 2 * 3, 10);
      const g = new tf.Graph();
      const [c1Shape, a2Shape] = [[2, 7, 3], [1, 6, 6, 3]];
      const dy1 = rnd(2 * 7 * 2, 11);
      const dy2 = rnd(1 * 6 * 6 * 2, 12);
      const outs = g.asDefault(() => [
        tf.nn.dilation2d(f32(image, [1, 2, 2, 1]), f32(kern, [2, 2, 1]), [1, 1, 1, 1], [1, 1, 1, 1], 'VALID'),
        tf.nn.dilation2d(f32(image, [1, 2, 2, 1]), f32(kern, [2, 2, 1]), [1, 1, 1, 1], [1, 1, 1, 1], 'SAME'),
        tf.nn.dilation2d(f32(x, xs), f32(k, [3, 2, 3]), [1, 2, 1, 1], [1, 1, 2, 1], 'SAME'),
        tf.nn.erosion2d(f32(x, xs), f32(k, [3, 2, 3]), [1, 1, 2, 1], [1, 2, 1, 1], 'VALID'),
        tf.nn.conv1d(f32(x1, c1Shape), f32(f1, [3, 3, 2]), 1, 'SAME'),
        tf.nn.conv1dTranspose(f32(dy1, [2, 7, 2]), f32(f1, [3, 3, 2]), c1Shape, 1),
        tf.nn.atrousConv2d(f32(f2.length ? x2 : [], [1, 6, 6, 2]), f32(f2, [3, 3, 2, 3]), 2, 'SAME'),
        tf.nn.atrousConv2dTranspose(f32(rnd(1 * 6 * 6 * 3, 13), [1, 6, 6, 3]), f32(f2, [3, 3, 2, 3]), [1, 6, 6, 2], 2, 'SAME'),
        tf.nn.convTranspose(f32(dy1, [2, 7, 2]), f32(f1, [3, 3, 2]), c1Shape, 1),
      ]);
      void a2Shape; void dy2;
      const sess = new tf.Session({ graph: g, ...dev.options });
      const r = (await sess.run(outs)) as NDArray[];
      await sess.close();
      expectNear(r[0]!, { data: [0.5], shape: [1, 1, 1, 1] }, tol, 'dilation VALID (TF)');
      expectNear(r[1]!, { data: [0.5, 0.6, 0.7, 0.8], shape: [1, 2, 2, 1] }, tol, 'dilation SAME (TF)');
      expectNear(r[2]!, dilationRef(x, xs, k, [3, 2, 3], [2, 1], [1, 2], 'SAME'), tol, 'dilation strided + rates');
      // erosion: min over the window of x - kernel (kernel not mirrored in this form)
      const kr: number[] = [];
      for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) for (let c = 0; c < 3; c++) kr.push(-k[((2 - i) * 2 + (1 - j)) * 3 + c]!);
      const er = dilationRef(x.map((v) => -v), xs, kr.map((v) => -v), [3, 2, 3], [1, 2], [2, 1], 'VALID');
      expectNear(r[3]!, { data: er.data.map((v) => -v), shape: er.shape }, tol, 'erosion2d');
      // transposes: <conv(x), dy> = <x, transpose(dy)>
      expect(r[5]!.shape).toEqual(c1Shape);
      expect(Math.abs(dot(r[4]!.data, dy1) - dot(x1, r[5]!.data))).toBeLessThan(1e-4);
      expect(Array.from(r[8]!.data)).toEqual(Array.from(r[5]!.data));
      const dyA = rnd(1 * 6 * 6 * 3, 13);
      expect(r[7]!.shape).toEqual([1, 6, 6, 2]);
      expect(Math.abs(dot(r[6]!.data, dyA) - dot(x2, r[7]!.data))).toBeLessThan(1e-4);
    });

    it("conv3d_transpose_test.py's SingleStride and Same cases (ones in, counts of the cells added)", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const [one, two] = g.asDefault(() => {
        const x = tf.ones([2, 5, 6, 4, 3]);
        const f = tf.ones([3, 3, 3, 2, 3]);
        return [
          tf.nn.conv3dTranspose(x, f, [2, 5, 6, 4, 2], [1, 1, 1, 1, 1], 'SAME'),
          tf.nn.conv3dTranspose(x, f, [2, 10, 12, 8, 2], [1, 2, 2, 2, 1], 'SAME'),
        ];
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const [a, b] = (await sess.run([one!, two!])) as NDArray[];
      await sess.close();
      const check = (v: NDArray, y: number[], inside: (i: number, dim: number) => boolean, targets: number[]) => {
        const [n, D, H, W, K] = y as number[];
        for (let i = 0; i < n! * D! * H! * W! * K!; i++) {
          const w = Math.floor(i / K!) % W!;
          const h = Math.floor(i / K! / W!) % H!;
          const d = Math.floor(i / K! / W! / H!) % D!;
          const m = Number(inside(d, D!)) + Number(inside(h, H!)) + Number(inside(w, W!));
          expect(v.data[i], `[${i}]`).toBeCloseTo(targets[m]!, 4);
        }
      };
      check(a!, [2, 5, 6, 4, 2], (i, n) => i > 0 && i < n - 1, [8 * 3, 12 * 3, 18 * 3, 27 * 3]);
      check(b!, [2, 10, 12, 8, 2], (i, n) => i % 2 === 0 && i > 0 && i < n - 1, [3, 2 * 3, 4 * 3, 8 * 3]);
    });

    it('MaxPool3DGrad sends the grad to every tied max as TF\'s CPU kernel; AvgPool3DGrad shares it among valid cells', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const [dMax, dAvg] = g.asDefault(() => {
        const x = f32([1, 3, 3, 2, 0, 3, 1, 1], [1, 2, 2, 2, 1]);
        const y = tf.nn.maxPool3d(x, 2, 2, 'VALID');
        const a = tf.nn.avgPool3d(f32(seq(8, (i) => i), [1, 2, 2, 2, 1]), [1, 2, 2, 2, 1], [1, 1, 1, 1, 1], 'SAME');
        return [tf.gradients(y, [x])[0]!, tf.gradients(tf.reduceSum(a), [a.op.inputs[0]!])[0]!];
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const [m, av] = (await sess.run([dMax!, dAvg!])) as NDArray[];
      await sess.close();
      expect(Array.from(m!.data)).toEqual([0, 1, 1, 0, 0, 1, 0, 0]);
      // out cell (d,h,w) averages over (2-d)(2-h)(2-w) cells; each input cell gets Σ 1/count of the windows holding it
      const cnt = (d: number, h: number, w: number) => (2 - d) * (2 - h) * (2 - w);
      const want = seq(8, (i) => {
        const [d, h, w] = [i >> 2, (i >> 1) & 1, i & 1];
        let s = 0;
        for (let a = 0; a <= d; a++) for (let b = 0; b <= h; b++) for (let c = 0; c <= w; c++) s += 1 / cnt(a, b, c);
        return s;
      });
      expectNear(av!, want, 1e-6, 'avgPool3d grad');
    });
  });
}

describe('op types, GraphDef round trip and TF texts', () => {
  it('writes and reads TF op types and attrs', async () => {
    const g = new tf.Graph();
    const names = ['MaxPool3D', 'AvgPool3D', 'Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2', 'ExtractVolumePatches', 'Dilation2D', 'Conv3D'];
    const outs = g.asDefault(() => {
      const x = f32(rnd(2 * 4 * 4 * 4 * 2, 1), [2, 4, 4, 4, 2]);
      const f = f32(rnd(2 * 2 * 2 * 2 * 3, 2), [2, 2, 2, 2, 3]);
      const dy = f32(rnd(2 * 2 * 2 * 2 * 3, 3), [2, 2, 2, 2, 3]);
      return [
        tf.nn.maxPool3d(x, 2, 2, 'SAME', { name: 'MaxPool3D' }),
        tf.nn.avgPool3d(x, [1, 2, 2, 2, 1], [1, 1, 2, 2, 1], 'VALID', { name: 'AvgPool3D' }),
        tf.nn.conv3dTranspose(dy, f, [2, 4, 4, 4, 2], 2, 'SAME', { name: 'Conv3DBackpropInputV2' }),
        tf.nn.conv3dBackpropFilter(x, [2, 2, 2, 2, 3], dy, [1, 2, 2, 2, 1], 'SAME', { name: 'Conv3DBackpropFilterV2' }),
        tf.extractVolumePatches(x, [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], 'VALID', 'ExtractVolumePatches'),
        tf.nn.dilation2d(f32(rnd(32, 4), [1, 4, 4, 2]), f32(rnd(8, 5), [2, 2, 2]), [1, 1, 1, 1], [1, 2, 2, 1], 'SAME', 'Dilation2D'),
        tf.nn.conv3d(x, f, [1, 2, 1, 2, 1], 'SAME', { name: 'Conv3D' }),
      ];
    });
    outs.forEach((t, i) => expect(t.op.type, names[i]).toBe(names[i]));
    // as TF's conv3d_transpose, the op takes the name scope's name
    expect(outs[2]!.op.name).toBe('Conv3DBackpropInputV2');
    const gd = g.asGraphDef();
    const node = (n: string) => gd.node.find((x) => x.name === n)!;
    expect(node('MaxPool3D').attr.ksize!.list!.i.map(Number)).toEqual([1, 2, 2, 2, 1]);
    expect(new TextDecoder().decode(node('MaxPool3D').attr.data_format!.s)).toBe('NDHWC');
    expect(node('Conv3DBackpropFilterV2').attr.dilations!.list!.i.map(Number)).toEqual([1, 1, 1, 1, 1]);
    expect(node('Conv3DBackpropInputV2').attr.Tshape!.type).toBeDefined();
    expect(node('Dilation2D').attr.rates!.list!.i.map(Number)).toEqual([1, 2, 2, 1]);
    expect(node('Conv3D').attr.strides!.list!.i.map(Number)).toEqual([1, 2, 1, 2, 1]);
    expect(node('Conv3D').input).toEqual([outs[0]!.op.inputs[0]!.op.name, outs[2]!.op.inputs[1]!.op.name]);
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const s1 = new tf.Session({ graph: g });
    const s2 = new tf.Session({ graph: g2 });
    const a = (await s1.run(outs)) as NDArray[];
    const b = (await s2.run(outs.map((t) => g2.getTensorByName(t.name)))) as NDArray[];
    outs.forEach((t, i) => {
      expect(g2.getTensorByName(t.name).op.type).toBe(names[i]);
      expect(Array.from(b[i]!.data, Number), t.name).toEqual(Array.from(a[i]!.data, Number));
    });
    await s1.close();
    await s2.close();
    // a TF node in NCDHW is refused when its plan is built, with TF's CPU text
    const nc = structuredClone(gd);
    nc.node.find((n) => n.name === 'MaxPool3D')!.attr.data_format = { s: new TextEncoder().encode('NCDHW') };
    const g3 = new tf.Graph();
    g3.asDefault(() => tf.importGraphDef(nc, { name: '' }));
    const s3 = new tf.Session({ graph: g3 });
    await expect(s3.run(g3.getTensorByName('MaxPool3D:0'))).rejects.toThrow('Default MaxPooling3dOp only supports NDHWC on device type CPU');
    await s3.close();
  });

  it("TF's shape-function and argument errors", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x4 = tf.zeros([1, 4, 4, 1]);
      const x5 = tf.zeros([1, 4, 4, 4, 1]);
      expect(() => tf.nn.maxPool3d(x4, 2, 2, 'VALID')).toThrow("Shape must be rank 5 but is rank 4 for 'MaxPool3D' (op: 'MaxPool3D')");
      expect(() => tf.nn.maxPool3d(tf.zeros([1, 4, 4, 4, 1], 'float64'), 2, 2, 'VALID')).toThrow("Value passed to parameter 'input' has DataType float64 not in list of allowed values: float16, bfloat16, float32");
      expect(() => tf.nn.avgPool3d(x5, 5, 1, 'VALID')).toThrow('Negative dimension size caused by subtracting 5 from 4');
      expect(() => tf.nn.avgPool3d(x5, 2, 1, 'FULL')).toThrow(`Attr 'padding' of 'AvgPool3D' Op passed string 'FULL' not in: "SAME", "VALID".`);
      expect(() => tf.nn.maxPool3d(x5, 2, 2, 'SAME', 'NCDHW')).toThrow("data_format 'NCDHW' is not supported");
      expect(() => tf.nn.conv3dTranspose(tf.zeros([1, 2, 2, 2, 3]), tf.zeros([2, 2, 2, 1, 4]), [1, 4, 4, 4, 1], 2)).toThrow("input channels does not match filter's input channels, 3 != 4");
      expect(() => tf.nn.conv3dTranspose(tf.zeros([1, 2, 2, 2, 3]), tf.zeros([2, 2, 2, 1, 3]), [1, 4, 4, 4, 2], 2)).toThrow("output_shape does not match filter's output channels, 2 != 1");
      expect(() => tf.nn.dilation2d(x4, tf.zeros([2, 2, 3]), 1, 1, 'SAME')).toThrow("Dimensions must be equal, but are 1 and 3 for 'Dilation2D' (op: 'Dilation2D')");
      expect(() => tf.nn.convTranspose(x4, tf.zeros([2, 2, 1, 1]), [1, 2, 3, 4, 5, 6], 1)).toThrow('output_shape must be of length 3, 4 or 5 but was 6.');
    });
  });

  it("run-time errors name the op: a dy of the wrong size, pooling over the batch", async () => {
    const g = new tf.Graph();
    const [bad, batch, grouped] = g.asDefault(() => {
      expect(() => tf.nn.conv3d(tf.zeros([1, 4, 4, 4, 3]), tf.zeros([2, 2, 2, 2, 1]), 1, 'SAME')).toThrow("Depth of input (3) is not a multiple of input depth of filter (2) for 'Conv3D' (op: 'Conv3D')");
      return [
        tf.nn.conv3dTranspose(tf.zeros([1, 3, 2, 2, 1]), tf.zeros([2, 2, 2, 1, 1]), [1, 4, 4, 4, 1], 2, 'SAME'),
        tf.nn.maxPool3d(tf.zeros([2, 4, 4, 4, 1]), [2, 1, 1, 1, 1], 1, 'VALID'),
        tf.nn.conv3d(tf.zeros([1, 4, 4, 4, 4]), tf.zeros([2, 2, 2, 2, 1]), 1, 'SAME'),
      ];
    });
    const s = new tf.Session({ graph: g });
    await expect(s.run(grouped!)).rejects.toThrow('input and filter must have the same depth: 4 vs 2');
    await expect(s.run(bad!)).rejects.toThrow("Conv3DBackpropInputOp: Size of out_backprop doesn't match computed: actual = 3, computed = 2");
    await expect(s.run(batch!)).rejects.toThrow('Pooling is not yet supported on the batch dimension.');
    await s.close();
  });
});

type Case = GradCase & { f32only?: string };
const tie = (r: () => number, i: number) => i * 0.37 - 3 + 0.1 * r();
const GRAD: Case[] = [
  { name: 'maxPool3d SAME', f32only: 'MaxPool3D takes half, bfloat16 and float only, as in TF', ins: [{ shape: [1, 3, 4, 3, 2], gen: tie }], f: (x) => tf.nn.maxPool3d(tf.sin(x), [2, 2, 2], [2, 1, 2], 'SAME') },
  {
    name: 'maxPool3d second order (MaxPool3DGradGrad)', f32only: 'MaxPool3D takes half, bfloat16 and float only, as in TF', ins: [{ shape: [1, 3, 4, 3, 2], gen: tie }],
    f: (x) => tf.gradients(tf.reduceSum(tf.square(tf.nn.maxPool3d(tf.sin(x), 2, [1, 2, 2], 'SAME'))), [x])[0] as Tensor,
  },
  { name: 'avgPool3d SAME', ins: [{ shape: [1, 3, 4, 3, 2] }], f: (x) => tf.nn.avgPool3d(x, 2, [1, 2, 2], 'SAME') },
  { name: 'conv3dTranspose', ins: [{ shape: [1, 2, 2, 3, 3] }, { shape: [2, 2, 2, 2, 3] }], f: (dy, f) => tf.nn.conv3dTranspose(dy, f, [1, 4, 3, 5, 2], [1, 2, 2, 2, 1], 'SAME') },
  { name: 'conv3d (Conv3D) SAME strided', ins: [{ shape: [1, 3, 4, 3, 2] }, { shape: [2, 2, 3, 2, 2] }], f: (x, f) => tf.nn.conv3d(x, f, [1, 2, 1, 2, 1], 'SAME') },
  { name: 'conv3d dilated VALID', ins: [{ shape: [1, 4, 3, 3, 1] }, { shape: [2, 2, 2, 1, 2] }], f: (x, f) => tf.nn.conv3d(x, f, [1, 1, 1, 1, 1], 'VALID', { dilations: [1, 2, 1, 1, 1] }) },
  { name: 'pool MAX 3-D dilated', f32only: 'MaxPool3D takes half, bfloat16 and float only, as in TF', ins: [{ shape: [1, 4, 4, 3, 1], gen: tie }], f: (x) => tf.nn.pool(tf.sin(x), [2, 2, 2], 'MAX', 'SAME', { dilationRate: [2, 1, 1] }) },
  { name: 'conv3dBackpropFilterV2', ins: [{ shape: [1, 3, 3, 2, 2] }, { shape: [1, 2, 2, 1, 2] }], f: (x, dy) => tf.nn.conv3dBackpropFilterV2(x, [2, 2, 2, 2, 2], dy, [1, 1, 1, 1, 1], 'VALID') },
  { name: 'extractVolumePatches', ins: [{ shape: [1, 3, 3, 2, 1] }], f: (x) => tf.extractVolumePatches(x, [1, 2, 2, 2, 1], [1, 1, 2, 1, 1], 'SAME') },
  { name: 'dilation2d', ins: [{ shape: [1, 4, 3, 2], gen: tie }, { shape: [2, 2, 2], gen: (r, i) => 0.5 * i + 0.05 * r() }], f: (x, k) => tf.nn.dilation2d(x, k, [1, 1, 1, 1], [1, 1, 2, 1], 'SAME') },
  { name: 'erosion2d', ins: [{ shape: [1, 4, 4, 1], gen: tie }, { shape: [2, 2, 1], gen: (r, i) => 0.5 * i + 0.05 * r() }], f: (x, k) => tf.nn.erosion2d(x, k, [1, 2, 2, 1], [1, 1, 1, 1], 'VALID') },
  { name: 'conv1dTranspose', ins: [{ shape: [1, 3, 2] }, { shape: [2, 3, 2] }], f: (dy, f) => tf.nn.conv1dTranspose(dy, f, [1, 6, 3], 2, 'SAME') },
];
describeGradients('finite-difference gradients of the 3-D pools and conv backprops', GRAD, devices, {
  skip: (c, cfg) => (c.f32only && cfg.dtype === 'float64' ? c.f32only : null),
});

export type { Tensor };

describe('requiredSpaceToBatchPaddings and withSpaceToBatch', () => {
  it('pads each spatial dim to a multiple of its block (constants when known, tensors otherwise) and matches a dilated conv2d', async () => {
    const g = new tf.Graph();
    const x = rnd(2 * 7 * 6 * 2, 21);
    const f = rnd(3 * 2 * 2 * 3, 22);
    const { outs, p, c } = g.asDefault(() => {
      const [p1, c1] = tf.requiredSpaceToBatchPaddings([4, 5], [2, 3]);
      const [p2, c2] = tf.requiredSpaceToBatchPaddings([7, 6], [2, 4], [[1, 1], [2, 0]]);
      const fed = tf.placeholder('int32', [2]);
      const [p3, c3] = tf.requiredSpaceToBatchPaddings(fed, [3, 2], [[0, 1], [1, 1]]);
      const X = f32(x, [2, 7, 6, 2]);
      const F = f32(f, [3, 2, 2, 3]);
      const conv = (v: Tensor, _n: number, pad: 'SAME' | 'VALID') => tf.nn.conv2d(v, F, 1, pad);
      return {
        outs: [
          tf.nn.withSpaceToBatch(X, [2, 3], 'SAME', conv, [3, 2]),
          tf.nn.conv2d(X, F, 1, 'SAME', { dilations: [2, 3] }),
          tf.nn.withSpaceToBatch(X, [2, 1], 'VALID', conv),
          tf.nn.conv2d(X, F, 1, 'VALID', { dilations: [2, 1] }),
          tf.nn.withSpaceToBatch(X, [1, 1], 'VALID', conv),
        ],
        p: [p1!, p2!, p3!], c: [c1!, c2!, c3!], fed,
      };
    });
    expect(p[0]!.op.type).toBe('Const');
    expect(p[2]!.op.type).not.toBe('Const');
    const sess = new tf.Session({ graph: g });
    const feed = new Map([[g.getTensorByName('Placeholder:0'), new tf.NDArray(Int32Array.of(5, 4), [2], 'int32')]]);
    const vals = (await sess.run([...p, ...c], feed)) as NDArray[];
    const r = (await sess.run(outs)) as NDArray[];
    await sess.close();
    const v = (i: number) => Array.from(vals[i]!.data);
    expect(v(0)).toEqual([0, 0, 0, 1]);
    expect(v(3)).toEqual([0, 0, 0, 1]);
    // 7+2 = 9 → 10 (extra 1); 6+2 = 8 → 8
    expect(v(1)).toEqual([1, 2, 2, 0]);
    expect(v(4)).toEqual([0, 1, 0, 0]);
    // fed [5, 4]: 5+1 = 6 → 6; 4+2 = 6 → 6
    expect(v(2)).toEqual([0, 1, 1, 1]);
    expect(v(5)).toEqual([0, 0, 0, 0]);
    expectNear(r[0]!, Array.from(r[1]!.data, Number), 1e-5, 'withSpaceToBatch SAME');
    expect(r[0]!.shape).toEqual(r[1]!.shape);
    expectNear(r[2]!, Array.from(r[3]!.data, Number), 1e-5, 'withSpaceToBatch VALID');
    expect(r[2]!.shape).toEqual(r[3]!.shape);
    expect(r[4]!.shape).toEqual([2, 5, 5, 3]);
    const g2 = new tf.Graph();
    g2.asDefault(() => {
      expect(() => tf.nn.withSpaceToBatch(tf.zeros([1, 4, 4, 1]), [2, 2], 'SAME', (t: Tensor) => t)).toThrow('filter_shape must be specified for SAME padding');
      expect(() => tf.nn.withSpaceToBatch(tf.zeros([1, 4, 4, 1]), [2, 2], 'FULL', (t: Tensor) => t)).toThrow("Invalid padding method 'FULL'");
      expect(() => tf.nn.withSpaceToBatch(tf.zeros([1, 4, 4, 1]), [0, 2], 'VALID', (t: Tensor) => t)).toThrow('dilation_rate must be positive');
    });
  });
});
