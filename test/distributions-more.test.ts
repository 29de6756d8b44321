/**
 * tf.distributions Exponential, Laplace, StudentT (TF 1.15 core) and tf.contrib.distributions
 * Logistic and Poisson on every device in float32 and float64: densities, cdfs, log cdfs,
 * entropies and moments against closed forms (StudentT's cdf at df = 1 and 2, where it is
 * elementary; Poisson's cdf as a sum of its pmf), undefined moments as TF reports them, sample
 * shapes and moments with fixed seeds, and finite-difference gradients.
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
const CD = tf.contrib.distributions;

function psi(z: number): number {
  let s = 0;
  while (z < 15) {
    s -= 1 / z;
    z += 1;
  }
  const z2 = 1 / (z * z);
  return s + Math.log(z) - 0.5 / z - z2 * (1 / 12 - z2 * (1 / 120 - z2 / 252));
}
const nums = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);
function expectClose(got: NDArray, want: number[], rtol: number, atol: number, what: string): void {
  const g = nums(got);
  expect(g.length, `${what} size`).toBe(want.length);
  g.forEach((v, i) => expect(isClose(v, want[i]!, rtol, atol), `${what}[${i}]: ${v} vs ${want[i]}`).toBe(true));
}
const meanOf = (v: number[]): number => v.reduce((p, x) => p + x, 0) / v.length;
const varOf = (v: number[]): number => { const m = meanOf(v); return v.reduce((p, x) => p + (x - m) ** 2, 0) / v.length; };
/** Column j of [n, k] samples. */
const col = (a: NDArray, j: number, k: number): number[] => nums(a).filter((_, i) => i % k === j);

const RATE = [0.5, 2, 3.5];
const EX = [0.3, 1.2, 0.05];
const LOC = [0.5, -1, 2];
const SCALE = [1.5, 0.4, 2];
const LX = [1.1, -1.7, 40];
const lap = (m: number, b: number, x: number) => -Math.abs(x - m) / b - Math.log(2 * b);
const lapCdf = (m: number, b: number, x: number) => (x < m ? 0.5 * Math.exp((x - m) / b) : 1 - 0.5 * Math.exp(-(x - m) / b));
const logi = (m: number, s: number, x: number) => { const z = (x - m) / s; return -z - 2 * Math.log1p(Math.exp(-z)) - Math.log(s); };
const sig = (z: number) => 1 / (1 + Math.exp(-z));
const DF = [1, 2, 5.5];
const stLogPdf = (df: number, m: number, s: number, x: number) => {
  const y = (x - m) / s;
  return refLgamma((df + 1) / 2) - refLgamma(df / 2) - 0.5 * Math.log(df * Math.PI) - Math.log(s) - ((df + 1) / 2) * Math.log1p((y * y) / df);
};
const PRATE = [0.7, 3, 12.5];
const PK = [0, 2, 15];
const poisLogPmf = (l: number, k: number) => k * Math.log(l) - refLgamma(k + 1) - l;

for (const dev of devices) {
  const dtypes = dev.caps.float64 ? (['float32', 'float64'] as const) : (['float32'] as const);
  for (const dtype of dtypes) {
    const [rtol, atol] = dtype === 'float64' ? [1e-9, 1e-12] : [3e-5 * dev.caps.tolScale, 1e-5];
    describe(`Exponential, Laplace, StudentT, Logistic, Poisson (${dev.name}, ${dtype})`, () => {
      async function runAll<T extends Record<string, Tensor>>(build: () => T): Promise<Record<keyof T, NDArray>> {
        const g = new tf.Graph();
        const f = g.asDefault(build);
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          const keys = Object.keys(f) as (keyof T)[];
          const vals = (await sess.run(keys.map((k) => f[k]))) as NDArray[];
          return Object.fromEntries(keys.map((k, i) => [k, vals[i]!])) as Record<keyof T, NDArray>;
        } finally {
          await sess.close();
        }
      }
      const c = (v: number[] | number) => tf.constant(v, dtype);

      it('densities, cdfs, entropies and moments match the closed forms', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const r = await runAll(() => {
          const e = new D.Exponential(c(RATE));
          const l = new D.Laplace(c(LOC), c(SCALE));
          const lo = new CD.Logistic(c(LOC), c(SCALE));
          const st = new D.StudentT(c(DF), c(LOC), c(SCALE));
          const p = new CD.Poisson(c(PRATE));
          const pl = new CD.Poisson({ logRate: c(PRATE.map(Math.log)) });
          return {
            elp: e.logProb(c(EX)), ecdf: e.cdf(c(EX)), eent: e.entropy(), emean: e.mean(), evar: e.variance(), emode: e.mode(),
            ekl: D.klDivergence(e, new D.Exponential(c([1, 1, 1]))),
            llp: l.logProb(c(LX)), lcdf: l.cdf(c(LX)), llcdf: l.logCdf(c([-60, -1.7, 40])), llsf: l.logSurvivalFunction(c([-60, -1.7, 40])),
            lent: l.entropy(), lmean: l.mean(), lstd: l.stddev(), lmode: l.mode(),
            olp: lo.logProb(c(LX)), ocdf: lo.cdf(c(LX)), olcdf: lo.logCdf(c(LX)), osf: lo.survivalFunction(c(LX)), olsf: lo.logSurvivalFunction(c(LX)),
            oent: lo.entropy(), ostd: lo.stddev(), omean: lo.mean(),
            slp: st.logProb(c(LX)), scdf: new D.StudentT(c([1, 1, 2, 2]), 0, c([1, 2, 1, 3])).cdf(c([-2.5, 0.7, -0.4, 5])),
            sent: st.entropy(), smean: st.mean(), svar: st.variance(), sstd: st.stddev(), smode: st.mode(),
            plp: p.logProb(c(PK)), pplp: pl.logProb(c(PK)), pcdf: p.cdf(c([0, 2.7, 15])), pmean: p.mean(), pvar: p.variance(), pstd: p.stddev(), pmode: p.mode(),
          };
        });
        expectClose(r.elp, RATE.map((a, i) => Math.log(a) - a * EX[i]!), rtol, atol, 'Exponential log_prob');
        expectClose(r.ecdf, RATE.map((a, i) => -Math.expm1(-a * EX[i]!)), rtol, atol, 'Exponential cdf');
        expectClose(r.eent, RATE.map((a) => 1 - Math.log(a)), rtol, atol, 'Exponential entropy');
        expectClose(r.emean, RATE.map((a) => 1 / a), rtol, atol, 'Exponential mean');
        expectClose(r.evar, RATE.map((a) => 1 / a ** 2), rtol, atol, 'Exponential variance');
        expectClose(r.emode, [NaN, NaN, NaN], rtol, atol, "Exponential mode (Gamma's, NaN at concentration 1)");
        expectClose(r.ekl, RATE.map((a) => Math.log(a) + 1 / a - 1), rtol, atol, 'KL(Exponential‖Exponential(1))');

        expectClose(r.llp, LOC.map((m, i) => lap(m, SCALE[i]!, LX[i]!)), rtol, atol, 'Laplace log_prob');
        expectClose(r.lcdf, LOC.map((m, i) => lapCdf(m, SCALE[i]!, LX[i]!)), rtol, atol, 'Laplace cdf');
        // the tails in log space: log cdf at z = −40.33 is −log 2 + z; log survival at z = 19 is log1p(−½e^−19)
        const zs = [-60, -1.7, 40].map((x, i) => (x - LOC[i]!) / SCALE[i]!);
        expectClose(r.llcdf, zs.map((z) => (z < 0 ? -Math.log(2) + z : Math.log1p(-0.5 * Math.exp(-z)))), rtol, atol, 'Laplace log_cdf');
        expectClose(r.llsf, zs.map((z) => (-z < 0 ? -Math.log(2) - z : Math.log1p(-0.5 * Math.exp(z)))), rtol, atol, 'Laplace log_survival');
        expectClose(r.lent, SCALE.map((b) => Math.log(2 * b) + 1), rtol, atol, 'Laplace entropy');
        expectClose(r.lmean, LOC, rtol, atol, 'Laplace mean');
        expectClose(r.lmode, LOC, rtol, atol, 'Laplace mode');
        expectClose(r.lstd, SCALE.map((b) => Math.SQRT2 * b), rtol, atol, 'Laplace stddev');

        expectClose(r.olp, LOC.map((m, i) => logi(m, SCALE[i]!, LX[i]!)), rtol, atol, 'Logistic log_prob');
        const oz = LX.map((x, i) => (x - LOC[i]!) / SCALE[i]!);
        expectClose(r.ocdf, oz.map(sig), rtol, atol, 'Logistic cdf');
        expectClose(r.olcdf, oz.map((z) => -Math.log1p(Math.exp(-z))), rtol, atol, 'Logistic log_cdf');
        expectClose(r.osf, oz.map((z) => sig(-z)), rtol, atol, 'Logistic survival');
        expectClose(r.olsf, oz.map((z) => -z - Math.log1p(Math.exp(-z))), rtol, 1e-4, 'Logistic log_survival');
        expectClose(r.oent, SCALE.map((s) => 2 + Math.log(s)), rtol, atol, 'Logistic entropy');
        expectClose(r.ostd, SCALE.map((s) => (s * Math.PI) / Math.sqrt(3)), rtol, atol, 'Logistic stddev');
        expectClose(r.omean, LOC, rtol, atol, 'Logistic mean');

        expectClose(r.slp, DF.map((d, i) => stLogPdf(d, LOC[i]!, SCALE[i]!, LX[i]!)), rtol, atol, 'StudentT log_prob');
        // df = 1 is Cauchy: ½ + atan(y)/π; df = 2: ½ + y/(2√(2 + y²))
        expectClose(r.scdf, [0.5 + Math.atan(-2.5) / Math.PI, 0.5 + Math.atan(0.35) / Math.PI, 0.5 - 0.4 / (2 * Math.sqrt(2.16)), 0.5 + (5 / 3) / (2 * Math.sqrt(2 + 25 / 9))], rtol * 10, atol, 'StudentT cdf');
        expectClose(r.sent, DF.map((d, i) => Math.log(SCALE[i]!) + 0.5 * Math.log(d) + refLgamma(d / 2) + 0.5 * Math.log(Math.PI) - refLgamma((d + 1) / 2) + ((d + 1) / 2) * (psi((d + 1) / 2) - psi(d / 2))), dtype === 'float64' ? 1e-7 : rtol, atol, 'StudentT entropy');
        expect(Math.abs(nums(r.sent)[0]! - Math.log(4 * Math.PI * SCALE[0]!))).toBeLessThan(dtype === 'float64' ? 1e-7 : 1e-4);
        expectClose(r.smean, [NaN, LOC[1]!, LOC[2]!], rtol, atol, 'StudentT mean (NaN at df ≤ 1)');
        expectClose(r.svar, [NaN, Infinity, (SCALE[2]! ** 2 * 5.5) / 3.5], rtol, atol, 'StudentT variance (NaN at df ≤ 1, ∞ at df ≤ 2)');
        expectClose(r.sstd, [NaN, Infinity, Math.sqrt((SCALE[2]! ** 2 * 5.5) / 3.5)], rtol, atol, 'StudentT stddev');
        expectClose(r.smode, LOC, rtol, atol, 'StudentT mode');

        const plp = PRATE.map((l, i) => poisLogPmf(l, PK[i]!));
        expectClose(r.plp, plp, rtol, atol, 'Poisson log_prob');
        expectClose(r.pplp, plp, rtol, 1e-4, 'Poisson log_prob from log_rate');
        const cdf = (l: number, k: number) => { let s = 0; for (let j = 0; j <= Math.floor(k); j++) s += Math.exp(poisLogPmf(l, j)); return s; };
        expectClose(r.pcdf, PRATE.map((l, i) => cdf(l, [0, 2.7, 15][i]!)), rtol * 10, atol, 'Poisson cdf (⌊x⌋)');
        expectClose(r.pmean, PRATE, rtol, atol, 'Poisson mean');
        expectClose(r.pvar, PRATE, rtol, atol, 'Poisson variance');
        expectClose(r.pstd, PRATE.map(Math.sqrt), rtol, atol, 'Poisson stddev');
        expectClose(r.pmode, [0, 3, 12], rtol, atol, 'Poisson mode');
      });

      it('samples with a fixed seed have the batch shape and the moments', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const n = 20000;
        const r = await runAll(() => ({
          e: new D.Exponential(c(RATE)).sample(n, { seed: 11 }),
          l: new D.Laplace(c(LOC), c(SCALE)).sample(n, { seed: 12 }),
          o: new CD.Logistic(c(LOC), c(SCALE)).sample(n, { seed: 13 }),
          s: new D.StudentT(c([5, 8, 12]), c(LOC), c(SCALE)).sample(n, { seed: 14 }),
          p: new CD.Poisson(c(PRATE)).sample(n, { seed: 15 }),
          shaped: new D.Laplace(c(LOC), 1).sample([2, 5], { seed: 1 }),
          again: new D.Laplace(c(LOC), 1).sample([2, 5], { seed: 1 }),
        }));
        for (const k of ['e', 'l', 'o', 's', 'p'] as const) expect(r[k].shape, k).toEqual([n, 3]);
        expect(r.shaped.shape).toEqual([2, 5, 3]);
        expect(nums(r.shaped)).toEqual(nums(r.again));
        expect(nums(r.e).every((v) => v > 0 && Number.isFinite(v))).toBe(true);
        const within = (got: number, want: number, sd: number, what: string) => expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThan(5 * sd);
        for (let j = 0; j < 3; j++) {
          const e = col(r.e, j, 3);
          within(meanOf(e), 1 / RATE[j]!, 1 / RATE[j]! / Math.sqrt(n), `Exponential mean ${j}`);
          within(varOf(e), 1 / RATE[j]! ** 2, (Math.sqrt(8) / RATE[j]! ** 2) / Math.sqrt(n), `Exponential variance ${j}`);
          const l = col(r.l, j, 3);
          const lv = 2 * SCALE[j]! ** 2;
          within(meanOf(l), LOC[j]!, Math.sqrt(lv / n), `Laplace mean ${j}`);
          within(varOf(l), lv, lv * Math.sqrt(5 / n), `Laplace variance ${j}`);
          const o = col(r.o, j, 3);
          const ov = (SCALE[j]! * Math.PI) ** 2 / 3;
          within(meanOf(o), LOC[j]!, Math.sqrt(ov / n), `Logistic mean ${j}`);
          within(varOf(o), ov, ov * Math.sqrt(3.2 / n), `Logistic variance ${j}`);
          const s = col(r.s, j, 3);
          const df = [5, 8, 12][j]!;
          const sv = (SCALE[j]! ** 2 * df) / (df - 2);
          within(meanOf(s), LOC[j]!, Math.sqrt(sv / n), `StudentT mean ${j}`);
          const p = col(r.p, j, 3);
          expect(p.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
          within(meanOf(p), PRATE[j]!, Math.sqrt(PRATE[j]! / n), `Poisson mean ${j}`);
          within(varOf(p), PRATE[j]!, PRATE[j]! * Math.sqrt((2 + 1 / PRATE[j]!) / n), `Poisson variance ${j}`);
        }
      });
    });
  }
}

describe('Exponential, Laplace, StudentT, Logistic, Poisson: construction and errors', () => {
  it("TF's names, shapes and errors", async () => {
    const g = new tf.Graph();
    const f = g.asDefault(() => {
      const e = new D.Exponential([1, 2]);
      expect(e.name).toBe('Exponential/');
      expect(e.batchShape).toEqual([2]);
      expect(e.reparameterizationType).toBe(D.FULLY_REPARAMETERIZED);
      expect(new CD.Poisson(3).reparameterizationType).toBe(D.NOT_REPARAMETERIZED);
      expect(new D.StudentT(tf.zeros([3, 1]), tf.zeros([4]), 1).batchShape).toEqual([3, 4]);
      expect(() => new CD.Poisson()).toThrow('Must specify exactly one of `rate`, `log_rate`.');
      expect(() => new CD.Poisson(1, 0)).toThrow('Must specify exactly one of `rate`, `log_rate`.');
      // @ts-expect-error: scale is left out on purpose
      expect(() => new D.Laplace(0)).toThrow("Laplace() missing required argument: 'scale'");
      expect(() => new D.StudentT(tf.constant([1], 'float64'), tf.constant([0], 'float32'), 1)).toThrow();
      // constants are checked when the graph is built, as TF's static asserts
      expect(() => new D.Laplace(0, tf.constant([-1, 1]), { validateArgs: true })).toThrow('Condition x > 0 did not hold');
      const df = tf.placeholder('float32', [2]);
      const sc = tf.placeholder('float32', [2]);
      const st = new D.StudentT(df, 0, 1, { allowNanStats: false });
      const lap = new D.Laplace(0, sc, { validateArgs: true });
      const pv = new CD.Poisson(2, { validateArgs: true });
      return { df, sc, mean: st.mean(), variance: st.variance(), lp: lap.logProb(0), pl: pv.logProb(tf.placeholder('float32', [1], 'k')) };
    });
    const sess = new tf.Session({ graph: g });
    try {
      const v = (x: number[]) => new tf.NDArray(Float32Array.from(x), [x.length], 'float32');
      await expect(sess.run(f.mean, new Map([[f.df, v([0.5, 3])]]))).rejects.toThrow('mean not defined for components of df <= 1');
      await expect(sess.run(f.variance, new Map([[f.df, v([1.5, 3])]]))).rejects.toThrow('variance not defined for components of df <= 2');
      expectClose((await sess.run(f.variance, new Map([[f.df, v([4, 3])]]))) as NDArray, [2, 3], 1e-6, 0, 'variance where defined');
      await expect(sess.run(f.lp, new Map([[f.sc, v([-1, 1])]]))).rejects.toThrow('Condition x > 0 did not hold');
      const k = g.getTensorByName('k:0');
      await expect(sess.run(f.pl, new Map([[k, v([1.5])]]))).rejects.toThrow('cannot contain fractional components.');
      expectClose((await sess.run(f.pl, new Map([[k, v([3])]]))) as NDArray, [poisLogPmf(2, 3)], 1e-6, 1e-6, 'validated log_prob');
    } finally {
      await sess.close();
    }
  });
});

const pos = (r: () => number) => 0.8 + 2 * r();
const GRAD: GradCase[] = [
  { name: 'Exponential log_prob and cdf', ins: [{ shape: [3], gen: pos }, { shape: [3], gen: pos }], f: (r, x) => { const e = new D.Exponential(r); return [e.logProb(x), e.cdf(x)]; } },
  { name: 'Laplace log_prob, cdf and entropy', ins: [{ shape: [3] }, { shape: [3], gen: pos }, { shape: [3], gen: (r, i) => [2.5, -1.9, 0.7][i]! + 0.1 * r() }], f: (m, s, x) => { const l = new D.Laplace(m, s); return [l.logProb(x), l.cdf(x), l.entropy()]; } },
  { name: 'Logistic log_prob, log_cdf and entropy', ins: [{ shape: [3] }, { shape: [3], gen: pos }, { shape: [3] }], f: (m, s, x) => { const l = new CD.Logistic(m, s); return [l.logProb(x), l.logCdf(x), l.entropy()]; } },
  { name: 'StudentT log_prob and entropy', ins: [{ shape: [3], gen: pos }, { shape: [3] }, { shape: [3], gen: pos }, { shape: [3] }], f: (d, m, s, x) => { const t = new D.StudentT(d, m, s); return [t.logProb(x), t.entropy()]; } },
  { name: 'StudentT cdf in x', ins: [{ shape: [4] }], f: (x) => new D.StudentT(tf.constant([1.5, 3, 4, 7], x.dtype), 0.2, 1.3).cdf(x) },
  { name: 'Poisson log_prob in rate', ins: [{ shape: [3], gen: pos }], f: (r) => new CD.Poisson(r).logProb(tf.constant([0, 2, 5], r.dtype)) },
];
describeGradients('finite-difference gradients of Exponential, Laplace, Logistic, StudentT and Poisson', GRAD, devices);
