/**
 * complex64/complex128 tensors and the FFT family on every device, against plain-JS references
 * written here (a direct O(n²) DFT, numpy's irfft formula) and values from TF's
 * fft_ops_test.py / math_ops tests: NDArray storage and printing, tf.complex/real/imag/conj/
 * angle/abs, complex arithmetic, Sum, MatMul (adjoint), Cast, Equal, feeding and fetching,
 * TensorProto encoding (scomplex_val / dcomplex_val / tensor_content) and GraphDef round trips,
 * TF's error texts, and finite-difference gradients through real-valued wrappers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { readBundle, writeBundle } from '../src/checkpoint/bundle.js';
import { tensorFromProto, tensorToProto } from '../src/graphdef/tensor-proto.js';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients, rng } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

type C = [number, number];
/** Interleaved parts of a complex NDArray. */
const pairs = (a: NDArray): C[] => {
  const d = a.data as Float32Array | Float64Array;
  return Array.from({ length: d.length / 2 }, (_, i) => [d[2 * i]!, d[2 * i + 1]!]);
};
const cx = (vals: C[], shape: number[] = [vals.length], dtype: 'complex64' | 'complex128' = 'complex64'): NDArray =>
  tf.NDArray.complex(vals.map((v) => v[0]), vals.map((v) => v[1]), shape, dtype);

function expectPairs(got: C[], want: C[], tol: number, what = ''): void {
  expect(got.length, `${what} length`).toBe(want.length);
  const scale = Math.max(1, ...want.map(([r, i]) => Math.hypot(r, i)));
  got.forEach(([r, i], k) => {
    const [wr, wi] = want[k]!;
    if (Math.abs(r - wr) > tol * scale || Math.abs(i - wi) > tol * scale) {
      throw new Error(`${what}[${k}]: got ${r}${i >= 0 ? '+' : ''}${i}j, want ${wr}${wi >= 0 ? '+' : ''}${wi}j`);
    }
  });
}

/** The direct DFT along one axis of a row-major [outer, n, inner] layout. */
function dftRef(x: C[], shape: number[], axis: number, inverse: boolean): C[] {
  const n = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, d) => a * d, 1);
  const outer = shape.slice(0, axis).reduce((a, d) => a * d, 1);
  const out: C[] = x.map(() => [0, 0]);
  const s = inverse ? 1 : -1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let k = 0; k < n; k++) {
        let re = 0;
        let im = 0;
        for (let j = 0; j < n; j++) {
          const [a, b] = x[o * n * inner + j * inner + i]!;
          const t = (s * 2 * Math.PI * ((j * k) % n)) / n;
          re += a * Math.cos(t) - b * Math.sin(t);
          im += a * Math.sin(t) + b * Math.cos(t);
        }
        out[o * n * inner + k * inner + i] = inverse ? [re / n, im / n] : [re, im];
      }
    }
  }
  return out;
}
const dftInner = (x: C[], shape: number[], k: number, inverse: boolean): C[] => {
  let y = x;
  for (let ax = shape.length - k; ax < shape.length; ax++) y = dftRef(y, shape, ax, inverse);
  return y;
};
/** `x` cropped or zero-padded at the end to `shape` (same rank). */
function cropPad(x: C[], from: number[], to: number[]): C[] {
  const n = to.reduce((a, d) => a * d, 1);
  const out: C[] = [];
  for (let f = 0; f < n; f++) {
    let rem = f;
    const idx = to.map(() => 0);
    for (let d = to.length - 1; d >= 0; d--) {
      idx[d] = rem % to[d]!;
      rem = Math.floor(rem / to[d]!);
    }
    if (idx.some((v, d) => v >= from[d]!)) out.push([0, 0]);
    else out.push(x[idx.reduce((a, v, d) => a * from[d]! + v, 0)]!);
  }
  return out;
}

const randC = (n: number, seed: number): C[] => {
  const r = rng(seed);
  return Array.from({ length: n }, () => [Math.fround(2 * r() - 1), Math.fround(2 * r() - 1)]);
};

describe('complex NDArray', () => {
  it('stores (re, im) interleaved, prints as numpy, converts nested values', () => {
    const a = cx([[1, 2], [0.5, -1.5], [-3, 0]]);
    expect(a.dtype).toBe('complex64');
    expect(a.size).toBe(3);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(a.data.length).toBe(6);
    expect(a.toString()).toBe('[1.+2.j 0.5-1.5j -3.+0.j]');
    expect(a.toArray()).toEqual([{ re: 1, im: 2 }, { re: 0.5, im: -1.5 }, { re: -3, im: 0 }]);
    expect(a.get(1)).toEqual({ re: 0.5, im: -1.5 });
    expect(() => new tf.NDArray(new Float32Array(3), [3], 'complex64')).toThrow('NDArray data has 3 elements but shape [3] needs 6 (complex64: interleaved re, im)');
    const c = tf.constant([[{ re: 1, im: -1 }, 2]], 'complex128');
    expect(c.dtype).toBe('complex128');
    expect(c.shape).toEqual([1, 2]);
    const filled = tf.constant({ re: 1, im: 2 }, 'complex64', [2, 2]);
    expect(filled.shape).toEqual([2, 2]);
    expect(String(tf.NDArray.zeros([2], 'complex128'))).toBe('[0.+0.j 0.+0.j]');
    expect(tf.constant([{ re: 1, im: 2 }]).dtype).toBe('complex64');
  });

  it('tensor bundles: complex64/complex128 entries (DT_COMPLEX64 = 8, DT_COMPLEX128 = 18) write and read back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsflow-complex-'));
    try {
      const prefix = join(dir, 'model.ckpt');
      const c64 = cx([[1, -2], [0.5, 3], [-0, 1e-30]], [3]);
      const c128 = cx([[Math.PI, -Math.E], [1e300, -5e-324]], [2, 1], 'complex128');
      const res = await writeBundle(prefix, [{ name: 'a', array: c64 }, { name: 'b', array: c128 }]);
      expect(res.entries.map((e) => [e.name, e.proto.dtype, e.size])).toEqual([['a', 8, 24], ['b', 18, 32]]);
      const r = await readBundle(prefix);
      const a = (await r.read('a')) as NDArray;
      const b = (await r.read('b')) as NDArray;
      expect(a.dtype).toBe('complex64');
      expect(pairs(a)).toEqual(pairs(c64));
      expect(b.shape).toEqual([2, 1]);
      expect(pairs(b)).toEqual(pairs(c128));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('TensorProto: scomplex_val / dcomplex_val with the fill-from-last rule, tensor_content, as TF writes them', () => {
    const s = tensorToProto(cx([[1.5, -2]], []));
    expect(s.dtype).toBe(8);
    expect(s.scomplexVal).toEqual([1.5, -2]);
    const v = tensorToProto(cx([[1, 2], [3, 4]], [2], 'complex128'));
    expect(v.dtype).toBe(18);
    expect(v.tensorContent.length).toBe(32);
    expect(pairs(tensorFromProto(v))).toEqual([[1, 2], [3, 4]]);
    // TF's make_tensor_proto of np.full((3,), 1+2j, np.complex64) as written with one value
    const filled = { ...s, tensorShape: { dim: [{ size: 3, name: '' }], unknownRank: false }, scomplexVal: [1, 2] };
    expect(pairs(tensorFromProto(filled))).toEqual([[1, 2], [1, 2], [1, 2]]);
    const d = { ...filled, dtype: 18, scomplexVal: [], dcomplexVal: [0.25, -1, 3, 4] };
    const dv = tensorFromProto(d);
    expect(dv.dtype).toBe('complex128');
    expect(pairs(dv)).toEqual([[0.25, -1], [3, 4], [3, 4]]);
    expect(() => tensorFromProto({ ...filled, scomplexVal: [1, 2, 3] })).toThrow('odd number (3) of scomplex_val parts');
    expect(() => tensorFromProto({ ...filled, tensorContent: new Uint8Array(12) })).toThrow('tensor_content holds 1.5 values, but the shape [3] needs 3');
  });
});

for (const dev of devices) {
  describe(`complex ops (${dev.name})`, () => {
    it('complex / real / imag / conj / angle / abs, broadcasting, against JS', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const re = [[1, -2, 0.5], [3, 0, -1]];
      const im = [4, -0.25, 2];
      const t = g.asDefault(() => {
        const x = tf.placeholder('float32', [2, 3]);
        const z = tf.complex(tf.multiply(x, 1), tf.constant(im));
        return { x, z, out: [tf.real(z), tf.imag(z), tf.conj(z), tf.angle(z), tf.abs(z), tf.angle(tf.constant([-1, 2])), tf.imag(tf.constant([1, 2]))] };
      });
      expect(t.z.dtype).toBe('complex64');
      expect(t.z.op.type).toBe('Complex');
      expect(t.out.map((o) => o.op.type)).toEqual(['Real', 'Imag', 'Conj', 'Angle', 'ComplexAbs', 'SelectV2', 'FillLike']);
      const sess = new tf.Session({ graph: g, ...dev.options });
      const [z, r, i, cj, ang, ab, angReal, imReal] = (await sess.run([t.z, ...t.out], [[t.x, new tf.NDArray(Float32Array.from(re.flat()), [2, 3])]])) as NDArray[];
      const want: C[] = re.flat().map((v, k) => [v, im[k % 3]!]);
      expect(z!.shape).toEqual([2, 3]);
      expectPairs(pairs(z!), want, 0);
      expect(Array.from(r!.data)).toEqual(want.map((w) => w[0]));
      expect(Array.from(i!.data)).toEqual(want.map((w) => w[1]));
      expectPairs(pairs(cj!), want.map(([a, b]) => [a, -b]), 0);
      expect(ang!.dtype).toBe('float32');
      Array.from(ang!.data).forEach((v, k) => expect(v).toBeCloseTo(Math.atan2(want[k]![1], want[k]![0]), 6));
      Array.from(ab!.data).forEach((v, k) => expect(v).toBeCloseTo(Math.hypot(...want[k]!), 5));
      expect(Array.from(angReal!.data)).toEqual([Math.fround(Math.PI), 0]);
      expect(Array.from(imReal!.data)).toEqual([0, 0]);
      await sess.close();
    });

    it('arithmetic, Sum, Mean, MatMul (adjoint), Cast, Equal on complex64 and complex128', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const a: C[] = [[1, 2], [3, -1], [0, 0.5], [-2, 1]];
      const b: C[] = [[0.5, -1], [2, 2]];
      const g = new tf.Graph();
      const outs = g.asDefault(() => {
        const x = tf.constant(cx(a, [2, 2]));
        const y = tf.constant(cx(b, [2]));
        return [
          tf.add(x, y), tf.subtract(x, y), tf.multiply(x, y), tf.divide(x, y), tf.negative(x), tf.square(y),
          tf.reduceSum(x, 0), tf.reduceMean(x), tf.matmul(x, x, { adjointB: true }),
          tf.cast(x, 'float32'), tf.equal(x, tf.constant(cx([[1, 2], [3, 1], [0, 0.5], [0, 0]], [2, 2]))),
          tf.notEqual(y, y), tf.toComplex128(tf.constant([1.5, -2])), tf.cast(tf.constant(cx(b, [2], 'complex128')), 'int32'),
          tf.exp(y), tf.log(y), tf.sqrt(tf.constant(cx([[-4, 0], [3, 4]]))),
        ];
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got = (await sess.run(outs)) as NDArray[];
      const bb = (k: number): C => b[k % 2]!;
      const mul = ([p, q]: C, [r, s]: C): C => [p * r - q * s, p * s + q * r];
      const div = ([p, q]: C, [r, s]: C): C => [(p * r + q * s) / (r * r + s * s), (q * r - p * s) / (r * r + s * s)];
      const tol = 1e-6;
      expectPairs(pairs(got[0]!), a.map((v, k) => [v[0] + bb(k)[0], v[1] + bb(k)[1]]), tol, 'add');
      expectPairs(pairs(got[1]!), a.map((v, k) => [v[0] - bb(k)[0], v[1] - bb(k)[1]]), tol, 'sub');
      expectPairs(pairs(got[2]!), a.map((v, k) => mul(v, bb(k))), tol, 'mul');
      expectPairs(pairs(got[3]!), a.map((v, k) => div(v, bb(k))), tol, 'div');
      expectPairs(pairs(got[4]!), a.map(([p, q]) => [-p, -q]), 0, 'neg');
      expectPairs(pairs(got[5]!), b.map((v) => mul(v, v)), tol, 'square');
      expectPairs(pairs(got[6]!), [[1, 2.5], [1, 0]], tol, 'sum axis 0');
      expectPairs(pairs(got[7]!), [[0.5, 0.625]], tol, 'mean');
      // x · x^H
      const conjT = (k: number, l: number): C => [a[l * 2 + k]![0], -a[l * 2 + k]![1]];
      const mm: C[] = [];
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 2; j++) {
          let s: C = [0, 0];
          for (let k = 0; k < 2; k++) {
            const m = mul(a[i * 2 + k]!, conjT(k, j));
            s = [s[0] + m[0], s[1] + m[1]];
          }
          mm.push(s);
        }
      }
      expectPairs(pairs(got[8]!), mm, tol, 'matmul adjoint');
      expect(got[9]!.dtype).toBe('float32');
      expect(Array.from(got[9]!.data)).toEqual([1, 3, 0, -2]);
      expect(Array.from(got[10]!.data)).toEqual([1, 0, 1, 0]);
      expect(Array.from(got[11]!.data)).toEqual([0, 0]);
      expect(got[12]!.dtype).toBe('complex128');
      expect(pairs(got[12]!)).toEqual([[1.5, 0], [-2, 0]]);
      expect(Array.from(got[13]!.data)).toEqual([0, 2]);
      expectPairs(pairs(got[14]!), b.map(([p, q]) => [Math.exp(p) * Math.cos(q), Math.exp(p) * Math.sin(q)]), tol, 'exp');
      expectPairs(pairs(got[15]!), b.map(([p, q]) => [Math.log(Math.hypot(p, q)), Math.atan2(q, p)]), tol, 'log');
      expectPairs(pairs(got[16]!), [[0, 2], [2, 1]], tol, 'sqrt');
      await sess.close();
    });

    it('slices, gathers, concat, stack, tile, pad, reverse, split, where of complex values', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const x: C[] = [[1, 2], [3, -4], [5, 6], [-7, 8], [9, 0], [0, -1]];
      const g = new tf.Graph();
      const outs = g.asDefault(() => {
        const z = tf.constant(cx(x, [2, 3]));
        return [
          tf.slice(z, [0, 1], [2, 2]), tf.index(z, ':', 2), tf.gather(z, [1, 0]), tf.concat([z, z], 1), tf.stack([z, z]),
          tf.tile(z, [1, 2]), tf.pad(z, [[0, 1], [1, 0]]), tf.reverse(z, [1]), tf.split(z, 3, 1)[2]!,
          tf.where(tf.constant([[true, false, true], [false, true, false]]), z, tf.zerosLike(z)),
        ];
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got = (await sess.run(outs)) as NDArray[];
      const at = (i: number, j: number): C => x[i * 3 + j]!;
      const z0: C = [0, 0];
      const want: C[][] = [
        [at(0, 1), at(0, 2), at(1, 1), at(1, 2)], [at(0, 2), at(1, 2)], [...x.slice(3), ...x.slice(0, 3)],
        [...x.slice(0, 3), ...x.slice(0, 3), ...x.slice(3), ...x.slice(3)], [...x, ...x],
        [...x.slice(0, 3), ...x.slice(0, 3), ...x.slice(3), ...x.slice(3)],
        [z0, ...x.slice(0, 3), z0, ...x.slice(3), z0, z0, z0, z0], [at(0, 2), at(0, 1), at(0, 0), at(1, 2), at(1, 1), at(1, 0)],
        [at(0, 2), at(1, 2)], [at(0, 0), z0, at(0, 2), z0, at(1, 1), z0],
      ];
      want.forEach((w, k) => {
        expect(got[k]!.dtype, `output ${k}`).toBe('complex64');
        expectPairs(pairs(got[k]!), w, 0, `output ${k}`);
      });
      expect(got[4]!.shape).toEqual([2, 2, 3]);
      expect(got[6]!.shape).toEqual([3, 4]);
      await sess.close();
    });

    it('FFT / IFFT (1-D to 3-D) of radix-2 and other lengths against the direct DFT', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const cases: { shape: number[]; k: 1 | 2 | 3; dtype: 'complex64' | 'complex128' }[] = [
        { shape: [1], k: 1, dtype: 'complex64' }, { shape: [2, 8], k: 1, dtype: 'complex64' }, { shape: [3, 5], k: 1, dtype: 'complex64' },
        { shape: [17], k: 1, dtype: 'complex128' }, { shape: [12], k: 1, dtype: 'complex128' }, { shape: [2, 3, 4], k: 2, dtype: 'complex64' },
        { shape: [6, 7], k: 2, dtype: 'complex128' }, { shape: [2, 3, 4, 5], k: 3, dtype: 'complex64' }, { shape: [3, 2, 0], k: 1, dtype: 'complex64' },
      ];
      const g = new tf.Graph();
      const fwd = { 1: tf.fft, 2: tf.fft2d, 3: tf.fft3d } as const;
      const inv = { 1: tf.ifft, 2: tf.ifft2d, 3: tf.ifft3d } as const;
      const xs = cases.map((c, i) => randC(c.shape.reduce((a, d) => a * d, 1), 10 + i));
      const outs = g.asDefault(() => cases.flatMap((c, i) => {
        const x = tf.constant(cx(xs[i]!, c.shape, c.dtype));
        return [fwd[c.k](x), inv[c.k](x), tf.signal.ifft(tf.spectral.fft(x))];
      }));
      expect(outs.slice(0, 3).map((o) => o.op.type)).toEqual(['FFT', 'IFFT', 'IFFT']);
      expect(outs[15]!.op.type).toBe('FFT2D');
      expect(outs[22]!.op.type).toBe('IFFT3D');
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got = (await sess.run(outs)) as NDArray[];
      cases.forEach((c, i) => {
        const tol = c.dtype === 'complex64' ? 1e-5 : 1e-12;
        const what = `${c.dtype} [${c.shape}] k=${c.k}`;
        expect(got[3 * i]!.dtype).toBe(c.dtype);
        expectPairs(pairs(got[3 * i]!), dftInner(xs[i]!, c.shape, c.k, false), tol, `fft ${what}`);
        expectPairs(pairs(got[3 * i + 1]!), dftInner(xs[i]!, c.shape, c.k, true), tol, `ifft ${what}`);
        expectPairs(pairs(got[3 * i + 2]!), xs[i]!, tol, `ifft(fft) ${what}`);
      });
      await sess.close();
    });

    it("TF's fft values: fft([1,2,3,4]), a long Bluestein length, fed complex placeholders", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const p = tf.placeholder('complex64', [null]);
        return { p, f: tf.fft(p), long: tf.fft(tf.constant(cx(randC(1000, 3), [1000], 'complex128'))) };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const [f, fedBack] = (await sess.run([t.f, t.p], [[t.p, cx([[1, 0], [2, 0], [3, 0], [4, 0]])]])) as NDArray[];
      expectPairs(pairs(f!), [[10, 0], [-2, 2], [-2, 0], [-2, -2]], 1e-6);
      expect(pairs(fedBack!)).toEqual([[1, 0], [2, 0], [3, 0], [4, 0]]);
      const long = (await sess.run(t.long)) as NDArray;
      expectPairs(pairs(long), dftRef(randC(1000, 3), [1000], 0, false), 1e-12, 'n=1000');
      await sess.close();
    });

    it('unknown dims: feeds of nested {re, im} and of real values, runSync, the FFT gradient by Parseval', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const p = tf.placeholder('complex64', [null, 4]);
        const y = tf.fft(p);
        // Σ|fft(p)|² = n Σ|p|², whose gradient (TF's convention, d/dRe + i d/dIm) is 2n·p
        const loss = tf.reduceSum(tf.square(tf.abs(y)));
        return { p, y, loss, gr: tf.gradients(loss, [p])[0] as Tensor };
      });
      expect(tf.abs(t.p).op.type).toBe('ComplexAbs');
      const sess = new tf.Session({ graph: g, ...dev.options });
      const fed = [[{ re: 1, im: -1 }, 2, 3, 4], [0, 0, { re: 0, im: 1 }, 0]];
      const run = (fetches: Tensor[], v: unknown) => (dev.caps.runSync ? sess.runSync(fetches, [[t.p, v]] as never) : sess.run(fetches, [[t.p, v]] as never)) as NDArray[] | Promise<NDArray[]>;
      const [y, loss, gr] = await run([t.y, t.loss, t.gr], fed);
      const x: C[] = [[1, -1], [2, 0], [3, 0], [4, 0], [0, 0], [0, 0], [0, 1], [0, 0]];
      expectPairs(pairs(y!), dftInner(x, [2, 4], 1, false), 1e-6, 'fft');
      expect(Number(loss!.data[0])).toBeCloseTo(4 * x.reduce((a, [r, i]) => a + r * r + i * i, 0), 4);
      expectPairs(pairs(gr!), x.map(([r, i]) => [8 * r, 8 * i]), 1e-6, 'gradient');
      const [fromReal] = await run([t.y], new tf.NDArray(Float32Array.of(1, 2, 3, 4), [1, 4]));
      expectPairs(pairs(fromReal!), [[10, 0], [-2, 2], [-2, 0], [-2, -2]], 1e-6, 'fed real values');
      await sess.close();
    });

    it('RFFT / IRFFT (+2D/3D) with fft_length crop and pad, irfft against numpy\'s Hermitian formula', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const r = rng(7);
      const cases: { shape: number[]; n: number[] }[] = [
        { shape: [8], n: [8] }, { shape: [2, 7], n: [7] }, { shape: [6], n: [4] }, { shape: [5], n: [9] },
        { shape: [3, 4], n: [3, 4] }, { shape: [2, 3, 5], n: [4, 6] }, { shape: [2, 3, 4], n: [2, 3, 3] }, { shape: [4], n: [0] },
      ];
      const rf = { 1: tf.spectral.rfft, 2: tf.spectral.rfft2d, 3: tf.spectral.rfft3d } as const;
      const irf = { 1: tf.spectral.irfft, 2: tf.spectral.irfft2d, 3: tf.spectral.irfft3d } as const;
      const xs = cases.map((c) => Array.from({ length: c.shape.reduce((a, d) => a * d, 1) }, () => Math.fround(2 * r() - 1)));
      const g = new tf.Graph();
      const outs = g.asDefault(() => cases.flatMap((c, i) => {
        const k = c.n.length as 1 | 2 | 3;
        const x = tf.constant(new tf.NDArray(Float32Array.from(xs[i]!), c.shape));
        const y = rf[k](x, c.n);
        const m = Math.floor(c.n[k - 1]! / 2) + 1;
        // an arbitrary (not Hermitian) spectrum for irfft
        const spec = tf.constant(cx(randC([...c.shape.slice(0, -k), ...c.n.slice(0, -1), m].reduce((a, d) => a * d, 1), 50 + i), [...c.shape.slice(0, -k), ...c.n.slice(0, -1), m]));
        return [y, irf[k](y, c.n), irf[k](spec, c.n), spec];
      }));
      expect(outs[0]!.op.type).toBe('RFFT');
      expect(outs[0]!.op.name).toBe('rfft');
      expect(outs[1]!.op.type).toBe('IRFFT');
      expect(outs[0]!.shape).toEqual([5]);
      expect(outs[20]!.op.type).toBe('RFFT2D');
      expect(outs[20]!.shape).toEqual([2, 4, 4]);
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got = (await sess.run(outs)) as NDArray[];
      cases.forEach((c, i) => {
        const k = c.n.length;
        const outer = c.shape.slice(0, -k);
        const full = [...outer, ...c.n];
        const padded = cropPad(xs[i]!.map((v): C => [v, 0]), c.shape, full);
        const spectrum = dftInner(padded, full, k, false);
        const m = Math.floor(c.n[k - 1]! / 2) + 1;
        const half = [...outer, ...c.n.slice(0, -1), m];
        const what = `[${c.shape}] n=[${c.n}]`;
        expect(got[4 * i]!.shape, what).toEqual(half);
        expectPairs(pairs(got[4 * i]!), cropPad(spectrum, full, half), 1e-5, `rfft ${what}`);
        // irfft(rfft(x)) is x cropped or padded to fft_length
        expect(got[4 * i + 1]!.shape).toEqual(full);
        const back = Array.from(got[4 * i + 1]!.data);
        padded.forEach(([v], j) => expect(Math.abs(back[j]! - v), `irfft(rfft) ${what}[${j}]`).toBeLessThan(1e-5));
        // numpy's irfft: outer axes inverse, then x[n] = (1/N) Σ_k w_k Re(X_k e^{2πikn/N}) with
        // w = 1 at k = 0 (and k = N/2 for even N), 2 elsewhere
        const spec = pairs(got[4 * i + 3]!);
        const N = c.n[k - 1]!;
        let zo = spec;
        for (let ax = half.length - k; ax < half.length - 1; ax++) zo = dftRef(zo, half, ax, true);
        const want: number[] = [];
        const rows = zo.length / m;
        for (let row = 0; row < rows; row++) {
          for (let n = 0; n < N; n++) {
            let s = 0;
            for (let q = 0; q < m; q++) {
              if (q > N - q && q !== 0) continue;
              const w = q === 0 || 2 * q === N ? 1 : 2;
              const [a, b] = zo[row * m + q]!;
              const t = (2 * Math.PI * q * n) / N;
              s += w * (a * Math.cos(t) - b * Math.sin(t));
            }
            want.push(s / N);
          }
        }
        const irr = Array.from(got[4 * i + 2]!.data);
        expect(irr.length, what).toBe(want.length);
        irr.forEach((v, j) => expect(Math.abs(v - want[j]!), `irfft ${what}[${j}]`).toBeLessThan(1e-5));
      });
      await sess.close();
    });
  });
}

describe('complex and FFT: graph building, errors with TF\'s texts', () => {
  it('dtype checks and shape inference', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => tf.complex(tf.constant([1]), tf.constant([1], 'float64'))).toThrow('real and imag have incompatible types: float32 float64');
      expect(tf.complex(tf.constant([1], 'float64'), tf.constant([2], 'float64')).dtype).toBe('complex128');
      expect(() => tf.fft(tf.constant([1, 2]))).toThrow("Value passed to parameter 'input' has DataType float32 not in list of allowed values: complex64, complex128");
      expect(() => tf.fft2d(tf.constant(cx([[1, 0]])))).toThrow("Shape must be at least rank 2 but is rank 1 for 'FFT2D' (op: 'FFT2D') with input shapes: [1].");
      expect(() => tf.spectral.rfft(tf.constant([1, 2], 'float64'))).toThrow('Tensor conversion requested dtype float32 for Tensor with dtype float64');
      expect(() => tf.spectral.rfft(tf.constant([1, 2]), [2, 2])).toThrow('Dimension 0 in both shapes must be equal, but are 2 and 1.');
      expect(tf.spectral.irfft(tf.constant(cx([[1, 0], [2, 0], [3, 0]]))).shape).toEqual([4]);
      expect(tf.real(tf.constant(cx([[1, 2]]))).dtype).toBe('float32');
      expect(tf.abs(tf.constant(cx([[1, 2]], [1], 'complex128'))).dtype).toBe('float64');
      const x = tf.constant([1, 2]);
      expect(tf.real(x)).toBe(x);
      expect(tf.conj(x)).toBe(x);
      expect(tf.toComplex64(x).op.name).toBe('ToComplex64');
      expect(() => tf.conj(tf.constant(['a']))).toThrow('Expected numeric or variant tensor, got dtype string');
      expect(() => tf.nn.relu(tf.constant(cx([[1, 2]])))).toThrow('has DataType complex64 not in list of allowed values');
    });
  });

  it('an op with no complex kernel fails at run time naming op and dtype; GraphDef round trip of a complex const', async () => {
    const g = new tf.Graph();
    const [s] = g.asDefault(() => {
      const z = tf.constant(cx([[1, 2], [3, 4]]), undefined, undefined);
      return [tf.sin(z), tf.fft(z, 'spectrum')];
    });
    const sess = new tf.Session({ graph: g });
    await expect(sess.run(s!)).rejects.toThrow("No OpKernel was registered to support Op 'Sin' used by {{node Sin}} with these attrs: [T=DT_COMPLEX64]");
    const v = g.asDefault(() => new tf.Variable(tf.constant(cx([[1, 2]])), { name: 'cv' }));
    await expect(sess.run(v.initializer)).rejects.toThrow("Variable 'cv' has dtype complex64: tsflow holds complex values only on the host, not in variables");
    await sess.close();
    const gd = g.asGraphDef();
    const g2 = new tf.Graph();
    const [f2] = g2.asDefault(() => tf.importGraphDef(gd, { returnElements: ['spectrum:0'], name: '' })) as Tensor[];
    const s2 = new tf.Session({ graph: g2 });
    expectPairs(pairs((await s2.run(f2!)) as NDArray), [[4, 6], [-2, -2]], 1e-6);
    await s2.close();
  });
});

// ----- gradients through real-valued wrappers (TF's math_grad.py / spectral_grad.py) -----------
const toC = (re: Tensor, im: Tensor): Tensor => tf.complex(re, im);
const parts2 = (z: Tensor): Tensor[] => [tf.real(z), tf.imag(z)];
const GRAD: GradCase[] = [
  { name: 'complex → real/imag of z·w', ins: [{ shape: [2, 3] }, { shape: [3] }, { shape: [2, 3] }, { shape: [3] }], f: (a, b, c, d) => parts2(tf.multiply(toC(a!, b!), toC(c!, d!))) },
  { name: 'z / w, conj, square', ins: [{ shape: [4] }, { shape: [4] }, { shape: [4], gen: 'away' }, { shape: [4], gen: 'away' }], f: (a, b, c, d) => parts2(tf.add(tf.divide(toC(a!, b!), toC(c!, d!)), tf.square(tf.conj(toC(a!, d!))))) },
  { name: 'abs and angle', ins: [{ shape: [5], gen: 'away' }, { shape: [5], gen: 'away' }], f: (a, b) => [tf.abs(toC(a!, b!)), tf.angle(toC(a!, b!))] },
  { name: 'matmul, reduceSum, cast', ins: [{ shape: [2, 3] }, { shape: [2, 3] }, { shape: [3, 2] }], f: (a, b, c) => parts2(tf.reduceSum(tf.matmul(toC(a!, b!), tf.cast(c!, c!.dtype === 'float64' ? 'complex128' : 'complex64')), 1)) },
  { name: 'exp, log', ins: [{ shape: [3], gen: 'pos' }, { shape: [3] }], f: (a, b) => parts2(tf.add(tf.exp(toC(a!, b!)), tf.log(toC(a!, b!)))) },
  { name: 'fft / ifft', ins: [{ shape: [2, 5] }, { shape: [2, 5] }], f: (a, b) => parts2(tf.add(tf.fft(toC(a!, b!)), tf.multiply(tf.ifft(toC(b!, a!)), toC(a!, a!)))) },
  { name: 'fft2d / ifft3d', ins: [{ shape: [3, 4] }, { shape: [3, 4] }, { shape: [2, 2, 3] }], f: (a, b, c) => [...parts2(tf.fft2d(toC(a!, b!))), tf.real(tf.ifft3d(toC(c!, c!)))] },
  { name: 'rfft (crop and pad), irfft', ins: [{ shape: [2, 6] }], f: (x) => [...parts2(tf.spectral.rfft(x!, [4])), ...parts2(tf.spectral.rfft(x!, [9])), tf.spectral.irfft(tf.spectral.rfft(x!), [7])] },
  { name: 'irfft of a free spectrum (even and odd lengths)', ins: [{ shape: [3, 4] }, { shape: [3, 4] }], f: (a, b) => [tf.spectral.irfft(toC(a!, b!), [6]), tf.spectral.irfft(toC(a!, b!), [7]), tf.spectral.irfft(toC(a!, b!), [3])] },
  { name: 'slice, concat, stack, gather, pad of complex values', ins: [{ shape: [3, 4] }, { shape: [3, 4] }], f: (a, b) => {
    const z = toC(a!, b!);
    const y = tf.concat([tf.slice(z, [0, 1], [2, 3]), tf.index(tf.gather(z, [2, 0]), ':', ':3')], 0);
    return parts2(tf.multiply(tf.pad(tf.stack([y, tf.reverse(y, [1])], 1), [[1, 0], [0, 0], [0, 1]]), tf.reduceSum(z)));
  } },
  { name: 'rfft2d, irfft2d', ins: [{ shape: [3, 5] }, { shape: [3, 3] }, { shape: [3, 3] }], f: (x, a, b) => [...parts2(tf.spectral.rfft2d(x!, [4, 4])), tf.spectral.irfft2d(toC(a!, b!), [3, 4])] },
];

// float64 cases run in complex128 (tf.complex picks it from the parts); RFFT/IRFFT are float32 only in TF 1.15
describeGradients('complex and FFT gradients', GRAD, devices, {
  skip: (c, cfg) => (cfg.dtype === 'float64' && /rfft/.test(c.name) ? 'TF 1.15 has RFFT/IRFFT for float32/complex64 only' : null),
});
