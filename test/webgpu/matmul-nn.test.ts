/** matmul, conv2d (and its gradients) and pooling on the WebGPU device against plain-JS references. */
import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/dtype.js';
import type { WindowGeom } from '../../src/device/prims.js';
import { PlanBuilder, expectClose, expectExact, openDevice, randF32, randI32, runPlan } from './helpers.js';

const dev = await openDevice();

// ----- matmul ------------------------------------------------------------------------------------

function refMatmul(a: ArrayLike<number>, b: ArrayLike<number>, p: { batch: number; m: number; n: number; k: number; transposeA: boolean; transposeB: boolean; aBatchStride: number; bBatchStride: number }): number[] {
  const out: number[] = [];
  for (let t = 0; t < p.batch; t++) {
    for (let i = 0; i < p.m; i++) {
      for (let j = 0; j < p.n; j++) {
        let s = 0;
        for (let q = 0; q < p.k; q++) {
          const av = a[t * p.aBatchStride + (p.transposeA ? q * p.m + i : i * p.k + q)]!;
          const bv = b[t * p.bBatchStride + (p.transposeB ? j * p.k + q : q * p.n + j)]!;
          s += av * bv;
        }
        out.push(s);
      }
    }
  }
  return out;
}

describe.skipIf(!dev)('matmul', () => {
  const shapes: [number, number, number, number][] = [
    [1, 1, 1, 1],
    [1, 5, 7, 3],
    [1, 17, 33, 20],
    [3, 4, 6, 18],
  ];
  for (const dtype of ['float32', 'int32'] as DType[]) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`${dtype} transposeA=${transposeA} transposeB=${transposeB}`, async () => {
          for (const [batch, m, n, k] of shapes) {
            for (const broadcast of batch > 1 ? ['none', 'a', 'b'] : ['none']) {
              const aBatchStride = broadcast === 'a' ? 0 : m * k;
              const bBatchStride = broadcast === 'b' ? 0 : k * n;
              const aLen = broadcast === 'a' ? m * k : batch * m * k;
              const bLen = broadcast === 'b' ? k * n : batch * k * n;
              const a = dtype === 'float32' ? randF32(aLen, m + k) : randI32(aLen, m + k, -5, 5);
              const bv = dtype === 'float32' ? randF32(bLen, n + k + 1) : randI32(bLen, n + k + 1, -5, 5);
              const p = { batch, m, n, k, transposeA, transposeB, aBatchStride, bBatchStride };
              const b = new PlanBuilder();
              b.fetch(b.step('matmul', p, [b.feed(dtype, a), b.feed(dtype, bv)], dtype, batch * m * n));
              const [out] = await runPlan(dev!, b);
              const expected = refMatmul(a, bv, p);
              const label = `[${batch}] ${m}x${k}·${k}x${n} broadcast=${broadcast}`;
              if (dtype === 'int32') expectExact(out!, expected, label);
              else expectClose(out!, expected, { rtol: 1e-5, atol: 1e-5 }, label);
            }
          }
        });
      }
    }
  }

  it('k = 0 gives zeros', async () => {
    const p = { batch: 1, m: 2, n: 3, k: 0, transposeA: false, transposeB: false, aBatchStride: 0, bBatchStride: 0 };
    const b = new PlanBuilder();
    b.fetch(b.step('matmul', p, [b.feed('float32', new Float32Array(0)), b.feed('float32', new Float32Array(0))], 'float32', 6));
    expectExact((await runPlan(dev!, b))[0]!, [0, 0, 0, 0, 0, 0]);
  });
});

// ----- windows -------------------------------------------------------------------------------------

type Padding = 'SAME' | 'VALID';

function geom(n: number, h: number, w: number, c: number, kh: number, kw: number, s: [number, number], d: [number, number], pad: Padding): WindowGeom {
  const axis = (size: number, k: number, st: number, dl: number): [number, number] => {
    const ke = (k - 1) * dl + 1;
    if (pad === 'VALID') return [Math.floor((size - ke + st) / st), 0];
    const out = Math.ceil(size / st);
    const total = Math.max(0, (out - 1) * st + ke - size);
    return [out, Math.floor(total / 2)];
  };
  const [oh, padTop] = axis(h, kh, s[0], d[0]);
  const [ow, padLeft] = axis(w, kw, s[1], d[1]);
  return { n, h, w, c, kh, kw, oh, ow, sh: s[0], sw: s[1], dh: d[0], dw: d[1], padTop, padLeft };
}

/** Calls f(b, y, x, ky, kx, iy, ix) for every in-range tap, in row-major window order. */
function forTaps(g: WindowGeom, f: (b: number, y: number, x: number, ky: number, kx: number, iy: number, ix: number) => void): void {
  for (let b = 0; b < g.n; b++)
    for (let y = 0; y < g.oh; y++)
      for (let x = 0; x < g.ow; x++)
        for (let ky = 0; ky < g.kh; ky++)
          for (let kx = 0; kx < g.kw; kx++) {
            const iy = y * g.sh + ky * g.dh - g.padTop;
            const ix = x * g.sw + kx * g.dw - g.padLeft;
            if (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) f(b, y, x, ky, kx, iy, ix);
          }
}

const CONV_CASES: [string, WindowGeom][] = [
  ['3x3 stride 1 SAME', geom(2, 5, 6, 3, 3, 3, [1, 1], [1, 1], 'SAME')],
  ['2x3 stride 2 VALID', geom(1, 7, 8, 2, 2, 3, [2, 2], [1, 1], 'VALID')],
  ['3x3 stride 2 SAME (uneven padding)', geom(2, 6, 7, 2, 3, 3, [2, 2], [1, 1], 'SAME')],
  ['3x3 dilation 2 SAME', geom(1, 7, 7, 2, 3, 3, [1, 1], [2, 2], 'SAME')],
  ['1x1 stride 3 VALID', geom(1, 7, 5, 4, 1, 1, [3, 3], [1, 1], 'VALID')],
];

describe.skipIf(!dev)('conv2d family', () => {
  const O = 3;
  for (const [name, g] of CONV_CASES) {
    it(`forward, input gradient and filter gradient: ${name}`, async () => {
      const nx = g.n * g.h * g.w * g.c;
      const nf = g.kh * g.kw * g.c * O;
      const ny = g.n * g.oh * g.ow * O;
      const x = randF32(nx, 1);
      const f = randF32(nf, 2);
      const dy = randF32(ny, 3);
      const p = { ...g, o: O };
      const b = new PlanBuilder();
      const xi = b.feed('float32', x);
      const fi = b.feed('float32', f);
      const dyi = b.feed('float32', dy);
      b.fetch(b.step('conv2d', p, [xi, fi], 'float32', ny));
      b.fetch(b.step('conv2dBackpropInput', p, [dyi, fi], 'float32', nx));
      b.fetch(b.step('conv2dBackpropFilter', p, [xi, dyi], 'float32', nf));
      const [y, dx, df] = await runPlan(dev!, b);

      const ey = new Array<number>(ny).fill(0);
      const edx = new Array<number>(nx).fill(0);
      const edf = new Array<number>(nf).fill(0);
      forTaps(g, (bb, yy, xx, ky, kx, iy, ix) => {
        for (let c = 0; c < g.c; c++) {
          for (let o = 0; o < O; o++) {
            const xo = ((bb * g.h + iy) * g.w + ix) * g.c + c;
            const fo = ((ky * g.kw + kx) * g.c + c) * O + o;
            const yo = ((bb * g.oh + yy) * g.ow + xx) * O + o;
            ey[yo]! += x[xo]! * f[fo]!;
            edx[xo]! += dy[yo]! * f[fo]!;
            edf[fo]! += x[xo]! * dy[yo]!;
          }
        }
      });
      const tol = { rtol: 1e-5, atol: 1e-5 };
      expectClose(y!, ey, tol, 'conv2d');
      expectClose(dx!, edx, tol, 'conv2dBackpropInput');
      expectClose(df!, edf, tol, 'conv2dBackpropFilter');
    });
  }
});

const POOL_CASES: [string, WindowGeom][] = [
  ['2x2 stride 2 VALID', geom(2, 4, 6, 3, 2, 2, [2, 2], [1, 1], 'VALID')],
  ['3x3 stride 1 SAME', geom(1, 5, 5, 2, 3, 3, [1, 1], [1, 1], 'SAME')],
  ['3x3 stride 2 SAME (uneven padding)', geom(2, 6, 7, 2, 3, 3, [2, 2], [1, 1], 'SAME')],
  ['2x3 stride 1x2 SAME', geom(1, 5, 6, 1, 2, 3, [1, 2], [1, 1], 'SAME')],
];

describe.skipIf(!dev)('pooling', () => {
  for (const [name, g] of POOL_CASES) {
    it(`maxPool, maxPoolGrad, avgPool, avgPoolGrad: ${name}`, async () => {
      const nx = g.n * g.h * g.w * g.c;
      const ny = g.n * g.oh * g.ow * g.c;
      // Few distinct values: ties inside windows exercise "first max".
      const x = Float32Array.from(randI32(nx, 5, -3, 3));
      const dy = randF32(ny, 6);
      const b = new PlanBuilder();
      const xi = b.feed('float32', x);
      const dyi = b.feed('float32', dy);
      b.fetch(b.step('maxPool', g, [xi], 'float32', ny));
      b.fetch(b.step('maxPoolGrad', g, [xi, dyi], 'float32', nx));
      b.fetch(b.step('avgPool', g, [xi], 'float32', ny));
      b.fetch(b.step('avgPoolGrad', g, [dyi], 'float32', nx));
      const [mx, dmx, av, dav] = await runPlan(dev!, b);

      const emx = new Array<number>(ny).fill(-Infinity);
      const arg = new Array<number>(ny).fill(-1);
      const sum = new Array<number>(ny).fill(0);
      const cnt = new Array<number>(ny).fill(0);
      forTaps(g, (bb, yy, xx, _ky, _kx, iy, ix) => {
        for (let c = 0; c < g.c; c++) {
          const xo = ((bb * g.h + iy) * g.w + ix) * g.c + c;
          const yo = ((bb * g.oh + yy) * g.ow + xx) * g.c + c;
          if (arg[yo] === -1 || x[xo]! > emx[yo]!) {
            emx[yo] = x[xo]!;
            arg[yo] = xo;
          }
          sum[yo]! += x[xo]!;
          cnt[yo]! += 1;
        }
      });
      const edmx = new Array<number>(nx).fill(0);
      arg.forEach((xo, yo) => (edmx[xo]! += dy[yo]!));
      const edav = new Array<number>(nx).fill(0);
      forTaps(g, (bb, yy, xx, _ky, _kx, iy, ix) => {
        for (let c = 0; c < g.c; c++) {
          const yo = ((bb * g.oh + yy) * g.ow + xx) * g.c + c;
          edav[((bb * g.h + iy) * g.w + ix) * g.c + c]! += dy[yo]! / cnt[yo]!;
        }
      });
      expectExact(mx!, emx, 'maxPool');
      expectClose(dmx!, edmx, { rtol: 1e-6, atol: 1e-6 }, 'maxPoolGrad');
      expectClose(av!, sum.map((s, i) => s / cnt[i]!), { rtol: 1e-6, atol: 1e-6 }, 'avgPool');
      expectClose(dav!, edav, { rtol: 1e-5, atol: 1e-6 }, 'avgPoolGrad');
      expect(cnt.every((c) => c > 0)).toBe(true);
    });
  }
});
