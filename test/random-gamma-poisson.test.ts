/**
 * tf.randomGamma / tf.random.gamma (RandomGamma) and tf.randomPoisson / tf.random.poisson
 * (RandomPoissonV2). tsflow draws with TF's algorithms but not TF's Philox consumption, so the
 * samples are checked as distributions with fixed seeds: Kolmogorov–Smirnov distance to the
 * gamma CDF (an independent series in the test), sample mean and variance within 5 standard
 * errors, Poisson frequencies of small counts; shapes `shape ++ shape(alpha)`, the rate `beta`,
 * repeatability per session, TF's names and errors; and RandomGamma's implicit
 * reparameterization gradient against −(∂P/∂α)/(∂P/∂x) at the drawn samples.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { refLgamma } from './support/special-refs.js';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();

// ----- reference ---------------------------------------------------------------------------------
/** P(a, x) by the series e^(−x)x^a Σ xⁿ/Γ(a+n+1), summed in log space until the terms vanish. */
function refP(a: number, x: number): number {
  if (x <= 0) return 0;
  let lt = a * Math.log(x) - x - refLgamma(a + 1);
  let s = 0;
  for (let n = 0; n < 5000; n++) {
    const t = Math.exp(lt);
    s += t;
    if (n > x && t < 1e-17 * s) break;
    lt += Math.log(x / (a + n + 1));
  }
  return s;
}
const nums = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);
/** Column j of a [n, k] sample matrix. */
const column = (v: number[], k: number, j: number): number[] => v.filter((_, i) => i % k === j);
function ksDistance(xs: number[], cdf: (x: number) => number): number {
  const s = [...xs].sort((p, q) => p - q);
  let d = 0;
  s.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, Math.abs(f - i / s.length), Math.abs((i + 1) / s.length - f));
  });
  return d;
}
const mean = (v: number[]): number => v.reduce((p, x) => p + x, 0) / v.length;
const variance = (v: number[]): number => {
  const m = mean(v);
  return v.reduce((p, x) => p + (x - m) ** 2, 0) / (v.length - 1);
};

const N = 4000;
// KS critical value at α = 0.001 is 1.95/√n; a fixed seed makes the check deterministic.
const KS = 1.95 / Math.sqrt(N);

for (const dev of devices) {
  const dtypes = dev.caps.float64 ? (['float32', 'float64'] as const) : (['float32'] as const);
  for (const dtype of dtypes) {
    describe(`random gamma and Poisson (${dev.name}, ${dtype})`, () => {
      it('gamma samples follow Gamma(alpha, beta): KS distance, moments, shape ++ shape(alpha)', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const ALPHA = [0.3, 1, 2.5, 12];
        const g = new tf.Graph();
        const f = g.asDefault(() => ({
          s: tf.randomGamma([N], tf.constant(ALPHA, dtype), { dtype, seed: 11 }),
          // beta is a rate: Gamma(3, 2) has mean 1.5 and variance 0.75
          sb: tf.random.gamma([N / 2, 2], 3, tf.constant([2, 0.5], dtype), dtype, 5),
        }));
        expect(f.s.shape).toEqual([N, 4]);
        expect(f.sb.shape).toEqual([N / 2, 2, 2]);
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          const [s, sb] = (await sess.run([f.s, f.sb])) as NDArray[];
          expect(s!.dtype).toBe(dtype);
          const v = nums(s!);
          expect(v.every((x) => x > 0 && Number.isFinite(x))).toBe(true);
          ALPHA.forEach((a, j) => {
            const col = column(v, 4, j);
            expect(ksDistance(col, (x) => refP(a, x)), `KS alpha=${a}`).toBeLessThan(KS);
            expect(Math.abs(mean(col) - a), `mean alpha=${a}`).toBeLessThan(5 * Math.sqrt(a / N));
          });
          const vb = nums(sb!);
          for (const [j, rate] of [[0, 2], [1, 0.5]] as const) {
            const col = column(vb, 2, j);
            expect(Math.abs(mean(col) - 3 / rate)).toBeLessThan(5 * Math.sqrt(3 / rate ** 2 / col.length));
            expect(Math.abs(variance(col) / (3 / rate ** 2) - 1)).toBeLessThan(0.15);
          }
        } finally {
          await sess.close();
        }
      });

      it('Poisson samples: moments, P(X = k) for small rates, shape ++ shape(lam), integer dtypes', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const LAM = [0.7, 4, 25, 300];
        const g = new tf.Graph();
        const f = g.asDefault(() => ({
          p: tf.randomPoisson(tf.constant(LAM, dtype), [N], dtype, 3),
          // plain-number rates are float64 (RandomPoissonV2's default R), which WebGPU cannot hold
          pi: tf.random.poisson(tf.constant(2, dtype), [10, 3], 'int32', 4),
          p64: tf.randomPoisson(tf.constant([[1, 10]], dtype), [7], { dtype: 'int64', seed: 9 }),
          zero: tf.randomPoisson(tf.constant(0, dtype), [5], { seed: 1 }),
        }));
        expect(f.p.shape).toEqual([N, 4]);
        expect(f.pi.shape).toEqual([10, 3]);
        expect(f.p64.shape).toEqual([7, 1, 2]);
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          const [p, pi, p64, zero] = (await sess.run([f.p, f.pi, f.p64, f.zero])) as NDArray[];
          const v = nums(p!);
          expect(v.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
          LAM.forEach((lam, j) => {
            const col = column(v, 4, j);
            expect(Math.abs(mean(col) - lam), `mean lam=${lam}`).toBeLessThan(5 * Math.sqrt(lam / N));
            expect(Math.abs(variance(col) / lam - 1), `variance lam=${lam}`).toBeLessThan(0.12);
          });
          // small rates: the frequencies of 0, 1, 2 against e^(−λ)λᵏ/k!
          for (const [j, lam] of [[0, 0.7], [1, 4]] as const) {
            const col = column(v, 4, j);
            for (let k = 0; k <= 2; k++) {
              const pk = Math.exp(-lam + k * Math.log(lam) - refLgamma(k + 1));
              const freq = col.filter((x) => x === k).length / N;
              expect(Math.abs(freq - pk), `P(X=${k}) lam=${lam}`).toBeLessThan(5 * Math.sqrt(pk * (1 - pk) / N));
            }
          }
          expect(pi!.dtype).toBe('int32');
          expect(p64!.dtype).toBe('int64');
          expect(nums(zero!)).toEqual([0, 0, 0, 0, 0]);
        } finally {
          await sess.close();
        }
      });

      it('a fresh session repeats the sequence; each run draws anew', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const g = new tf.Graph();
        const [s, p] = g.asDefault(() => [tf.randomGamma([6], 2, null, dtype, 1), tf.randomPoisson(tf.constant(3, dtype), [6], dtype, 2)]);
        const draw = async () => {
          const sess = new tf.Session({ ...dev.options, graph: g });
          try {
            const a = (await sess.run([s!, p!])) as NDArray[];
            const b = (await sess.run([s!, p!])) as NDArray[];
            return [...a, ...b].map(nums);
          } finally {
            await sess.close();
          }
        };
        const one = await draw();
        const two = await draw();
        expect(two).toEqual(one);
        expect(one[2]).not.toEqual(one[0]);
      });

      it('RandomGamma gradient in alpha is −(∂P/∂α)/(∂P/∂x) at the samples, summed over the sample dims', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const ALPHA = [0.6, 2, 7];
        const W = [0.3, -1.2, 0.8, 2, -0.5];
        const g = new tf.Graph();
        const f = g.asDefault(() => {
          const alpha = tf.constant(ALPHA, dtype);
          const beta = tf.constant(1.5, dtype);
          const s = tf.randomGamma([5], alpha, beta, dtype, 21);
          const w = tf.constant(W, dtype, [5, 1]);
          const loss = tf.reduceSum(tf.multiply(s, w));
          const [ga, gb] = tf.gradients(loss, [alpha, beta]);
          return { s, ga: ga!, gb: gb! };
        });
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          const [s, ga, gb] = (await sess.run([f.s, f.ga, f.gb])) as NDArray[];
          const v = nums(s!);
          // sample = x / beta with x ~ Gamma(alpha, 1): d sample/d alpha = (dx/dα)/beta, d sample/d beta = −sample/beta
          const want = ALPHA.map((a, j) => {
            let acc = 0;
            for (let i = 0; i < 5; i++) {
              const x = v[i * 3 + j]! * 1.5;
              const h = 1e-5 * a;
              const dPda = (refP(a + h, x) - refP(a - h, x)) / (2 * h);
              const dPdx = Math.exp((a - 1) * Math.log(x) - x - refLgamma(a));
              acc += W[i]! * (-dPda / dPdx) / 1.5;
            }
            return acc;
          });
          const tol = dtype === 'float64' ? 1e-6 : 2e-3;
          nums(ga!).forEach((x, j) => expect(Math.abs(x - want[j]!), `d/dalpha[${j}]: ${x} vs ${want[j]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[j]!))));
          const wantB = v.reduce((p, x, i) => p - W[Math.floor(i / 3)]! * x / 1.5, 0);
          expect(Math.abs(Number(gb!.data[0]) - wantB)).toBeLessThanOrEqual(tol * (1 + Math.abs(wantB)));
        } finally {
          await sess.close();
        }
      });
    });
  }
}

describe('names, dtypes and errors', () => {
  it('TF op types and names; the shape is checked', async () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const s = tf.randomGamma([3], tf.constant([1, 2], 'float32'), { seed: 1 });
      expect(s.name).toBe('random_gamma:0');
      expect(s.op.type).toBe('Maximum');
      const rg = g.getOperations().find((o) => o.type === 'RandomGamma')!;
      expect(rg.name).toBe('random_gamma/RandomGamma');
      expect(rg.outputs[0]!.shape).toEqual([3, 2]);
      const p = tf.randomPoisson(tf.constant([1, 2], 'float32'), [4], { seed: 1 });
      expect(p.name).toBe('random_poisson:0');
      expect(p.op.type).toBe('RandomPoissonV2');
      expect(p.dtype).toBe('float32');
      expect(tf.randomPoisson(3, [2]).op.inputs[1]!.dtype).toBe('float64');
      expect(() => tf.randomGamma([[2]], 1)).toThrow('Shape must be rank 1 but is rank 2');
      expect(() => tf.randomGamma([2], 1, null, 'int32')).toThrow("Value for attr 'T' of int32 is not in the list of allowed values: half, float, double");
      expect(() => tf.randomPoisson(1, [2], 'bool')).toThrow("Value for attr 'dtype' of bool is not in the list of allowed values");
      expect(tf.gradients(tf.reduceSum(p), p.op.inputs[1]!)[0]).toBeNull();
    });
  });

  it('a negative dimension fed at run time is InvalidArgumentError as TF', async () => {
    const g = new tf.Graph();
    const [sh, s] = g.asDefault(() => {
      const sh = tf.placeholder('int32', [1]);
      return [sh, tf.randomGamma(sh, 2, { seed: 3 })];
    });
    const sess = new tf.Session({ graph: g });
    try {
      await expect(sess.run(s!, new Map([[sh!, new tf.NDArray(Int32Array.of(-2), [1], 'int32')]]))).rejects.toThrow('Dimension -2 must be >= 0');
      const ok = (await sess.run(s!, new Map([[sh!, new tf.NDArray(Int32Array.of(3), [1], 'int32')]]))) as NDArray;
      expect(ok.shape).toEqual([3]);
    } finally {
      await sess.close();
    }
  });
});
