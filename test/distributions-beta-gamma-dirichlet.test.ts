/**
 * tf.distributions.Beta, Gamma and Dirichlet (TF 1.15's beta.py, gamma.py, dirichlet.py) on every device
 * in float32 and float64, against float64 re-implementations of the densities (Stirling lgamma,
 * asymptotic digamma), closed-form cdfs (Beta(1, b), Beta(a, 1), Gamma(1, β)), KLs by
 * quadrature of p·log(p/q), sample shapes and moments with fixed seeds, TF's mode and
 * validate_args behaviour and texts, gen_new_seed's md5 salt, and gradients of the
 * (reparameterized) samples reaching the parameters.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { refLgamma } from './support/special-refs.js';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';
import { isClose } from './support/compare.js';

const devices = await resolvedDevices();
registerSkipSummary();
const D = tf.distributions;

function psi(z: number): number {
  let s = 0;
  while (z < 15) {
    s -= 1 / z;
    z += 1;
  }
  const z2 = 1 / (z * z);
  return s + Math.log(z) - 0.5 / z - z2 * (1 / 12 - z2 * (1 / 120 - z2 / 252));
}
const betaLogPdf = (a: number, b: number, x: number): number => (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - (refLgamma(a) + refLgamma(b) - refLgamma(a + b));
const gammaLogPdf = (a: number, r: number, x: number): number => (a - 1) * Math.log(x) - r * x - (refLgamma(a) - a * Math.log(r));
/** ∫ f over (lo, hi) by the midpoint rule on n cells (integrable end singularities are fine). */
function integrate(f: (x: number) => number, lo: number, hi: number, n = 200000): number {
  const h = (hi - lo) / n;
  let s = 0;
  for (let i = 0; i < n; i++) s += f(lo + (i + 0.5) * h);
  return s * h;
}

const nums = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);
function expectClose(got: NDArray, want: number[], rtol: number, atol: number, what: string): void {
  const g = nums(got);
  expect(g.length, `${what} size`).toBe(want.length);
  g.forEach((v, i) => expect(isClose(v, want[i]!, rtol, atol), `${what}[${i}]: ${v} vs ${want[i]}`).toBe(true));
}

const A1 = [0.5, 2, 3, 1.5];
const A0 = [0.7, 4, 1, 2.5];
const X = [0.2, 0.35, 0.9, 0.6];
const GC = [0.8, 2, 5.5, 1];
const GR = [1.5, 0.5, 2, 3];
const GX = [0.4, 3, 2.2, 0.1];

for (const dev of devices) {
  const dtypes = dev.caps.float64 ? (['float32', 'float64'] as const) : (['float32'] as const);
  for (const dtype of dtypes) {
    const [rtol, atol] = dtype === 'float64' ? [1e-9, 1e-12] : [3e-5 * dev.caps.tolScale, 1e-5];
    describe(`Beta and Gamma (${dev.name}, ${dtype})`, () => {
      it('densities, cdfs, entropies, moments and modes match the references', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const g = new tf.Graph();
        const f = g.asDefault(() => {
          const c = (v: number[]) => tf.constant(v, dtype);
          const beta = new D.Beta(c(A1), c(A0));
          const gam = new D.Gamma(c(GC), c(GR));
          const b1 = new D.Beta(1, c([2, 3.5]));
          return {
            blp: beta.logProb(c(X)), bp: beta.prob(c(X)), bcdf1: b1.cdf(c([0.3, 0.8])), bcdf2: new D.Beta(tf.constant(2.5, dtype), 1).cdf(c([0.3, 0.8])),
            bent: beta.entropy(), bmean: beta.mean(), bvar: beta.variance(), bmode: beta.mode(), bstd: beta.stddev(),
            glp: gam.logProb(c(GX)), gcdf: new D.Gamma(1, c([2, 0.5])).cdf(c([0.3, 4])), gent: gam.entropy(), gmean: gam.mean(), gvar: gam.variance(),
            gstd: gam.stddev(), gmode: gam.mode(), glcdf: gam.logCdf(c(GX)),
          };
        });
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          const keys = Object.keys(f) as (keyof typeof f)[];
          const vals = (await sess.run(keys.map((k) => f[k]))) as NDArray[];
          const r = Object.fromEntries(keys.map((k, i) => [k, vals[i]!])) as Record<keyof typeof f, NDArray>;
          const blp = A1.map((a, i) => betaLogPdf(a, A0[i]!, X[i]!));
          expectClose(r.blp, blp, rtol, atol, 'Beta log_prob');
          expectClose(r.bp, blp.map(Math.exp), rtol, atol, 'Beta prob');
          expectClose(r.bcdf1, [[2, 0.3], [3.5, 0.8]].map(([b, x]) => 1 - (1 - x!) ** b!), rtol, atol, 'Beta(1, b) cdf');
          expectClose(r.bcdf2, [0.3 ** 2.5, 0.8 ** 2.5], rtol, atol, 'Beta(a, 1) cdf');
          const lB = (a: number, b: number) => refLgamma(a) + refLgamma(b) - refLgamma(a + b);
          expectClose(r.bent, A1.map((a, i) => {
            const b = A0[i]!;
            return lB(a, b) - (a - 1) * psi(a) - (b - 1) * psi(b) + (a + b - 2) * psi(a + b);
          }), rtol, atol, 'Beta entropy');
          const mean = A1.map((a, i) => a / (a + A0[i]!));
          expectClose(r.bmean, mean, rtol, atol, 'Beta mean');
          const v = mean.map((m, i) => (m * (1 - m)) / (1 + A1[i]! + A0[i]!));
          expectClose(r.bvar, v, rtol, atol, 'Beta variance');
          expectClose(r.bstd, v.map(Math.sqrt), rtol, atol, 'Beta stddev');
          // defined only where both concentrations exceed 1
          expectClose(r.bmode, [NaN, 1 / 4, NaN, 0.5 / 2], rtol, atol, 'Beta mode');
          expectClose(r.glp, GC.map((a, i) => gammaLogPdf(a, GR[i]!, GX[i]!)), rtol, atol, 'Gamma log_prob');
          expectClose(r.gcdf, [1 - Math.exp(-0.6), 1 - Math.exp(-2)], rtol, atol, 'Gamma(1, β) cdf');
          expectClose(r.gent, GC.map((a, i) => a - Math.log(GR[i]!) + refLgamma(a) + (1 - a) * psi(a)), rtol, atol, 'Gamma entropy');
          expectClose(r.gmean, GC.map((a, i) => a / GR[i]!), rtol, atol, 'Gamma mean');
          expectClose(r.gvar, GC.map((a, i) => a / GR[i]! ** 2), rtol, atol, 'Gamma variance');
          expectClose(r.gstd, GC.map((a, i) => Math.sqrt(a) / GR[i]!), rtol, atol, 'Gamma stddev');
          expectClose(r.gmode, [NaN, 2, 4.5 / 2, NaN], rtol, atol, 'Gamma mode');
          const gcdf = GC.map((a, i) => integrate((t) => Math.exp(gammaLogPdf(a, GR[i]!, t)), 0, GX[i]!, 20000));
          expectClose(r.glcdf, gcdf.map(Math.log), dtype === 'float64' ? 1e-4 : 1e-3, 1e-4, 'Gamma log_cdf (quadrature)');
        } finally {
          await sess.close();
        }
      });

      it('KL(Beta‖Beta) and KL(Gamma‖Gamma) match quadrature of p·log(p/q)', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const g = new tf.Graph();
        const f = g.asDefault(() => {
          const c = (v: number[]) => tf.constant(v, dtype);
          return {
            kb: D.klDivergence(new D.Beta(c([2, 1.5]), c([3, 4])), new D.Beta(c([1.2, 3]), c([2, 2]))),
            kg: D.klDivergence(new D.Gamma(c([2, 3.5]), c([1, 2])), new D.Gamma(c([1.5, 3]), c([0.5, 2.5]))),
          };
        });
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          const [kb, kg] = (await sess.run([f.kb, f.kg])) as NDArray[];
          const want = [[2, 3, 1.2, 2], [1.5, 4, 3, 2]].map(([a, b, c, d]) =>
            integrate((x) => Math.exp(betaLogPdf(a!, b!, x)) * (betaLogPdf(a!, b!, x) - betaLogPdf(c!, d!, x)), 0, 1));
          expectClose(kb!, want, 1e-4, 1e-5, 'KL Beta');
          const wantG = [[2, 1, 1.5, 0.5], [3.5, 2, 3, 2.5]].map(([a, r, c, s]) =>
            integrate((x) => Math.exp(gammaLogPdf(a!, r!, x)) * (gammaLogPdf(a!, r!, x) - gammaLogPdf(c!, s!, x)), 0, 60));
          expectClose(kg!, wantG, 1e-4, 1e-5, 'KL Gamma');
        } finally {
          await sess.close();
        }
      });

      it('samples: shape sample_shape ++ batch_shape, in range, moments within bounds', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const n = 4000;
        const g = new tf.Graph();
        const f = g.asDefault(() => {
          const beta = new D.Beta(tf.constant([2, 0.5], dtype), tf.constant([5, 0.5], dtype));
          const gam = new D.Gamma(tf.constant([3], dtype), tf.constant([2, 0.25], dtype));
          return { bs: beta.sample(n, 7), gs: gam.sample([n / 2, 2], 3), bs2: beta.sample([2, 3], 7) };
        });
        expect(f.bs.shape).toEqual([n, 2]);
        expect(f.gs.shape).toEqual([n / 2, 2, 2]);
        expect(f.bs2.shape).toEqual([2, 3, 2]);
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          const [bs, gs] = (await sess.run([f.bs, f.gs])) as NDArray[];
          const v = nums(bs!);
          expect(v.every((x) => x >= 0 && x <= 1)).toBe(true);
          for (const [j, a, b] of [[0, 2, 5], [1, 0.5, 0.5]] as const) {
            const col = v.filter((_, i) => i % 2 === j);
            const m = col.reduce((p, x) => p + x, 0) / col.length;
            const mu = a / (a + b);
            const sd = Math.sqrt((mu * (1 - mu)) / (a + b + 1));
            expect(Math.abs(m - mu), `Beta(${a}, ${b}) mean`).toBeLessThan((5 * sd) / Math.sqrt(col.length));
          }
          const w = nums(gs!);
          for (const [j, rate] of [[0, 2], [1, 0.25]] as const) {
            const col = w.filter((_, i) => i % 2 === j);
            const m = col.reduce((p, x) => p + x, 0) / col.length;
            expect(Math.abs(m - 3 / rate), `Gamma(3, ${rate}) mean`).toBeLessThan((5 * Math.sqrt(3) / rate) / Math.sqrt(col.length));
          }
        } finally {
          await sess.close();
        }
      });
    });
  }
}

for (const dev of devices) {
  const dtypes = dev.caps.float64 ? (['float32', 'float64'] as const) : (['float32'] as const);
  for (const dtype of dtypes) {
    const [rtol, atol] = dtype === 'float64' ? [1e-9, 1e-12] : [3e-5 * dev.caps.tolScale, 1e-5];
    describe(`Dirichlet (${dev.name}, ${dtype})`, () => {
      it('log_prob, entropy, moments, covariance, mode, KL (k = 2 against Beta quadrature) and samples', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const AL = [[1.5, 2, 3], [0.5, 4, 2]];
        const XS = [[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]];
        const n = 3000;
        const g = new tf.Graph();
        const f = g.asDefault(() => {
          const d = new D.Dirichlet(tf.constant(AL, dtype));
          const d2 = new D.Dirichlet(tf.constant([2, 3], dtype));
          const e2 = new D.Dirichlet(tf.constant([1.2, 2], dtype));
          expect(d.batchShape).toEqual([2]);
          expect(d.eventShape).toEqual([3]);
          return {
            lp: d.logProb(tf.constant(XS, dtype)), ent: d.entropy(), mean: d.mean(), vr: d.variance(), cov: d.covariance(), mode: d.mode(),
            kl: D.klDivergence(d2, e2), ent2: d2.entropy(), s: d.sample(n, 4),
          };
        });
        expect(f.s.shape).toEqual([n, 2, 3]);
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          const [lp, ent, mean, vr, cov, mode, kl, ent2, s] = (await sess.run([f.lp, f.ent, f.mean, f.vr, f.cov, f.mode, f.kl, f.ent2, f.s])) as NDArray[];
          const lbeta = (a: number[]) => a.reduce((p, x) => p + refLgamma(x), 0) - refLgamma(a.reduce((p, x) => p + x, 0));
          expectClose(lp!, AL.map((a, i) => a.reduce((p, ai, j) => p + (ai - 1) * Math.log(XS[i]![j]!), 0) - lbeta(a)), rtol, atol, 'log_prob');
          expectClose(ent!, AL.map((a) => {
            const a0 = a.reduce((p, x) => p + x, 0);
            return lbeta(a) + (a0 - a.length) * psi(a0) - a.reduce((p, x) => p + (x - 1) * psi(x), 0);
          }), rtol, atol, 'entropy');
          const m = AL.map((a) => a.map((x) => x / a.reduce((p, y) => p + y, 0)));
          expectClose(mean!, m.flat(), rtol, atol, 'mean');
          const covRef = AL.flatMap((a, i) => {
            const a0 = a.reduce((p, x) => p + x, 0);
            return a.flatMap((_, r) => a.map((_, c) => ((r === c ? m[i]![r]! : 0) - m[i]![r]! * m[i]![c]!) / (a0 + 1)));
          });
          expectClose(cov!, covRef, rtol, atol, 'covariance');
          expectClose(vr!, AL.flatMap((a, i) => a.map((_, r) => covRef[i * 9 + r * 4]!)), rtol, atol, 'variance');
          // (α − 1)/(α₀ − k) where every α > 1, else NaN
          expectClose(mode!, [0.5 / 3.5, 1 / 3.5, 2 / 3.5, NaN, NaN, NaN], rtol, atol, 'mode');
          const klRef = integrate((x) => Math.exp(betaLogPdf(2, 3, x)) * (betaLogPdf(2, 3, x) - betaLogPdf(1.2, 2, x)), 0, 1);
          expectClose(kl!, [klRef], 1e-4, 1e-5, 'KL');
          const bl = refLgamma(2) + refLgamma(3) - refLgamma(5);
          expectClose(ent2!, [bl - psi(2) - 2 * psi(3) + 3 * psi(5)], rtol, atol, 'entropy = Beta entropy for k = 2');
          const v = nums(s!);
          for (let r = 0; r < n * 2; r++) expect(Math.abs(v[3 * r]! + v[3 * r + 1]! + v[3 * r + 2]! - 1)).toBeLessThan(1e-5);
          for (let b = 0; b < 2; b++) {
            for (let j = 0; j < 3; j++) {
              const col = Array.from({ length: n }, (_, i) => v[i * 6 + b * 3 + j]!);
              const mu = col.reduce((p, x) => p + x, 0) / n;
              expect(Math.abs(mu - m[b]![j]!), `sample mean [${b}, ${j}]`).toBeLessThan(5 * Math.sqrt(covRef[b * 9 + j * 4]! / n));
            }
          }
        } finally {
          await sess.close();
        }
      });
    });
  }
}

describe('Dirichlet graph behaviour', () => {
  it('validate_args and allow_nan_stats=False raise TF\'s messages', async () => {
    const g = new tf.Graph();
    const arr = (v: number[], s: number[]) => new tf.NDArray(Float64Array.from(v), s, 'float64');
    const f = g.asDefault(() => {
      const c = tf.placeholder('float64', [2, 2]);
      const x = tf.placeholder('float64', [2, 2]);
      const d = new D.Dirichlet(c, { validateArgs: true, allowNanStats: false });
      expect(d.name).toBe('Dirichlet/');
      return { c, x, mean: d.mean(), mode: d.mode(), lp: d.logProb(x) };
    });
    const sess = new tf.Session({ graph: g });
    try {
      const feed = (c: number[], x = [0.5, 0.5, 0.5, 0.5]) => new Map([[f.c, arr(c, [2, 2])], [f.x, arr(x, [2, 2])]]);
      await expect(sess.run(f.mean, feed([1, -2, 3, 4]))).rejects.toThrow('Concentration parameter must be positive.');
      await expect(sess.run(f.mode, feed([1, 2, 3, 4]))).rejects.toThrow('Mode undefined when any concentration <= 1');
      await expect(sess.run(f.lp, feed([2, 2, 3, 4], [0.5, 0.6, 0.5, 0.5]))).rejects.toThrow('sample last-dimension must sum to `1`');
      const lp = (await sess.run(f.lp, feed([2, 2, 3, 4]))) as NDArray;
      expect(lp.shape).toEqual([2]);
    } finally {
      await sess.close();
    }
  });
});

describe('Beta / Gamma graph behaviour', () => {
  it('names, batch shapes, reparameterization, the second gamma seed from gen_new_seed', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const b = new D.Beta([1, 2, 3], 2);
      expect(b.name).toBe('Beta/');
      expect(b.batchShape).toEqual([3]);
      expect(b.eventShape).toEqual([]);
      expect(b.reparameterizationType).toBe(D.FULLY_REPARAMETERIZED);
      expect(b.totalConcentration.shape).toEqual([3]);
      expect(b.parameters.allow_nan_stats).toBe(true);
      b.sample(5, 42);
      const seeds = g.getOperations().filter((o) => o.type === 'RandomGamma').map((o) => o.attrs.seed2);
      // TF: int(md5("42beta").hexdigest()[:8], 16) & 0x7FFFFFFF
      expect(seeds).toEqual([42, 598390386]);
      const gm = new D.Gamma({ concentration: [1, 2], rate: tf.constant([[1], [2]], 'float32') });
      expect(gm.batchShape).toEqual([2, 2]);
      expect(gm.name).toBe('Gamma/');
      expect(() => new D.Beta({ concentration1: 1 } as never)).toThrow("Beta() missing required argument: 'concentration0'");
    });
  });

  it('validate_args and allow_nan_stats=False raise TF\'s messages (at build time for constants, at run time for fed values)', async () => {
    const g = new tf.Graph();
    const arr = (v: number[]) => new tf.NDArray(Float64Array.from(v), [v.length], 'float64');
    const f = g.asDefault(() => {
      expect(() => new D.Beta(tf.constant([-1, 2], 'float64'), 1, { validateArgs: true })).toThrow('Concentration parameter must be positive.');
      const c1 = tf.placeholder('float64', [2]);
      const c0 = tf.placeholder('float64', [2]);
      const x = tf.placeholder('float64', [2]);
      const b = new D.Beta(c1, c0, { validateArgs: true, allowNanStats: false });
      const gc = tf.placeholder('float64', [1]);
      const gm = new D.Gamma(gc, tf.constant([1], 'float64'), { allowNanStats: false, validateArgs: true });
      return { c1, c0, x, gc, mean: b.mean(), mode: b.mode(), lp: b.logProb(x), gmode: gm.mode(), gmean: gm.mean() };
    });
    const sess = new tf.Session({ graph: g });
    try {
      const feed = (a: number[], b: number[], x: number[] = [0.5, 0.5]) => new Map([[f.c1, arr(a)], [f.c0, arr(b)], [f.x, arr(x)]]);
      await expect(sess.run(f.mean, feed([-1, 2], [1, 1]))).rejects.toThrow('Concentration parameter must be positive.');
      await expect(sess.run(f.mode, feed([2, 2], [3, 1]))).rejects.toThrow('Mode undefined for concentration0 <= 1.');
      const mode = (await sess.run(f.mode, feed([2, 3], [3, 2]))) as NDArray;
      expectClose(mode, [1 / 3, 2 / 3], 1e-12, 0, 'defined modes');
      await expect(sess.run(f.lp, feed([2, 2], [3, 3], [0.5, 1.5]))).rejects.toThrow('sample must be less than `1`.');
      await expect(sess.run(f.lp, feed([2, 2], [3, 3], [0, 0.5]))).rejects.toThrow('sample must be positive');
      await expect(sess.run(f.gmode, new Map([[f.gc, arr([0.5])]]))).rejects.toThrow('mode not defined when any concentration <= 1');
      await expect(sess.run(f.gmean, new Map([[f.gc, arr([-0.5])]]))).rejects.toThrow('Condition x > 0 did not hold');
    } finally {
      await sess.close();
    }
  });
});

// Densities and cdfs in the parameters and x; KLs in both distributions' parameters.
const pos = (r: () => number) => 0.8 + 2 * r();
const unit = (r: () => number) => 0.15 + 0.7 * r();
const GRAD: GradCase[] = [
  { name: 'Beta log_prob in concentrations and x', ins: [{ shape: [3], gen: pos }, { shape: [3], gen: pos }, { shape: [3], gen: unit }], f: (a, b, x) => new D.Beta(a, b).logProb(x) },
  { name: 'Beta cdf in x', ins: [{ shape: [3], gen: unit }], f: (x: Tensor) => new D.Beta(tf.constant([1.5, 2, 3], x.dtype), tf.constant([2, 0.9, 4], x.dtype)).cdf(x) },
  { name: 'Beta entropy', ins: [{ shape: [2], gen: pos }, { shape: [2], gen: pos }], f: (a, b) => new D.Beta(a, b).entropy() },
  { name: 'Gamma log_prob and cdf', ins: [{ shape: [3], gen: pos }, { shape: [3], gen: pos }, { shape: [3], gen: pos }], f: (a, r, x) => [new D.Gamma(a, r).logProb(x), new D.Gamma(a, r).cdf(x)] },
  { name: 'KL(Beta‖Beta)', ins: [{ shape: [2], gen: pos }, { shape: [2], gen: pos }, { shape: [2], gen: pos }, { shape: [2], gen: pos }], f: (a, b, c, d) => D.klDivergence(new D.Beta(a, b), new D.Beta(c, d)) },
  { name: 'Dirichlet log_prob in concentration and x', ins: [{ shape: [2, 3], gen: pos }, { shape: [2, 3], gen: unit }], f: (a, x) => new D.Dirichlet(a).logProb(x) },
  { name: 'KL(Dirichlet‖Dirichlet)', ins: [{ shape: [3], gen: pos }, { shape: [3], gen: pos }], f: (a, b) => D.klDivergence(new D.Dirichlet(a), new D.Dirichlet(b)) },
  { name: 'KL(Gamma‖Gamma)', ins: [{ shape: [2], gen: pos }, { shape: [2], gen: pos }, { shape: [2], gen: pos }, { shape: [2], gen: pos }], f: (a, b, c, d) => D.klDivergence(new D.Gamma(a, b), new D.Gamma(c, d)) },
];
describeGradients('finite-difference gradients of Beta and Gamma', GRAD, devices);
