/**
 * tf.contrib.distributions.MultivariateNormalDiag (TF 1.15 contrib) on every device: log_prob,
 * entropy, moments, covariance and KL against the closed forms of a diagonal Gaussian, the
 * identity multiplier, sample shapes and moments with a fixed seed, and finite differences.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';
import { isClose } from './support/compare.js';

const devices = await resolvedDevices();
registerSkipSummary();
const CD = tf.contrib.distributions;
const nums = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);
function expectClose(got: NDArray, want: number[], rtol: number, atol: number, what: string): void {
  const g = nums(got);
  expect(g.length, `${what} size`).toBe(want.length);
  g.forEach((v, i) => expect(isClose(v, want[i]!, rtol, atol), `${what}[${i}]: ${v} vs ${want[i]}`).toBe(true));
}
const LOC = [[0.5, -1, 2], [1, 0, -0.5]];
const SD = [[1.5, 0.4, 2], [0.7, 1.1, 0.3]];
const X = [[1, -0.5, 1.5], [0, 0.2, -0.4]];
const logPdf = (m: number[], s: number[], x: number[]) => m.reduce((acc, mi, i) => acc - 0.5 * ((x[i]! - mi) / s[i]!) ** 2 - 0.5 * Math.log(2 * Math.PI) - Math.log(s[i]!), 0);

for (const dev of devices) {
  const dtypes = dev.caps.float64 ? (['float32', 'float64'] as const) : (['float32'] as const);
  for (const dtype of dtypes) {
    const [rtol, atol] = dtype === 'float64' ? [1e-9, 1e-12] : [3e-5 * dev.caps.tolScale, 1e-5];
    describe(`MultivariateNormalDiag (${dev.name}, ${dtype})`, () => {
      it('matches the diagonal Gaussian closed forms; samples have its moments', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const c = (v: number[][] | number[] | number) => tf.constant(v, dtype);
        const n = 20000;
        const g = new tf.Graph();
        const f = g.asDefault(() => {
          const d = new CD.MultivariateNormalDiag(c(LOC), c(SD));
          const q = new CD.MultivariateNormalDiag(c([0, 0, 0]), c([1, 2, 0.5]));
          const id = new CD.MultivariateNormalDiag({ loc: c(LOC), scaleIdentityMultiplier: c(2) });
          return {
            lp: d.logProb(c(X)), ent: d.entropy(), mean: d.mean(), std: d.stddev(), cov: d.covariance(), kl: tf.distributions.klDivergence(d, q),
            idlp: id.logProb(c(X)), s: d.sample(n, { seed: 9 }),
          };
        });
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          const keys = Object.keys(f) as (keyof typeof f)[];
          const vals = (await sess.run(keys.map((k) => f[k]))) as NDArray[];
          const r = Object.fromEntries(keys.map((k, i) => [k, vals[i]!])) as Record<keyof typeof f, NDArray>;
          expectClose(r.lp, LOC.map((m, b) => logPdf(m, SD[b]!, X[b]!)), rtol, atol, 'log_prob');
          expectClose(r.ent, SD.map((s) => s.reduce((a, v) => a + 0.5 * (1 + Math.log(2 * Math.PI)) + Math.log(v), 0)), rtol, atol, 'entropy');
          expectClose(r.mean, LOC.flat(), rtol, atol, 'mean');
          expectClose(r.std, SD.flat(), rtol, atol, 'stddev');
          expect(r.cov.shape).toEqual([2, 3, 3]);
          expectClose(r.cov, SD.flatMap((s) => [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => (i === j ? s[i]! ** 2 : 0)))), rtol, atol, 'covariance');
          const qs = [1, 2, 0.5];
          expectClose(r.kl, LOC.map((m, b) => m.reduce((a, mi, i) => a + Math.log(qs[i]! / SD[b]![i]!) + (SD[b]![i]! ** 2 + mi ** 2) / (2 * qs[i]! ** 2) - 0.5, 0)), rtol, atol, 'KL');
          expectClose(r.idlp, LOC.map((m, b) => logPdf(m, [2, 2, 2], X[b]!)), rtol, atol, 'identity multiplier');
          expect(r.s.shape).toEqual([n, 2, 3]);
          const sv = nums(r.s);
          for (let j = 0; j < 6; j++) {
            const col = sv.filter((_, i) => i % 6 === j);
            const m = col.reduce((a, v) => a + v, 0) / n;
            const v = col.reduce((a, x) => a + (x - m) ** 2, 0) / n;
            const [mu, sd] = [LOC.flat()[j]!, SD.flat()[j]!];
            expect(Math.abs(m - mu), `mean ${j}`).toBeLessThan((5 * sd) / Math.sqrt(n));
            expect(Math.abs(v - sd * sd), `variance ${j}`).toBeLessThan(5 * sd * sd * Math.sqrt(2 / n));
          }
        } finally {
          await sess.close();
        }
      });
    });
  }
}

describe('MultivariateNormalDiag: construction', () => {
  it('shapes and errors', () => {
    new tf.Graph().asDefault(() => {
      const d = new CD.MultivariateNormalDiag(tf.zeros([4, 3]), tf.ones([3]));
      expect(d.batchShape).toEqual([4]);
      expect(d.eventShape).toEqual([3]);
      expect(d.name).toBe('MultivariateNormalDiag/');
      expect(() => new CD.MultivariateNormalDiag()).toThrow('Must specify one or both of `loc`, `scale_diag`.');
    });
  });
});

const pos = (r: () => number) => 0.6 + r();
const GRAD: GradCase[] = [
  { name: 'MultivariateNormalDiag log_prob and entropy', ins: [{ shape: [2, 3] }, { shape: [2, 3], gen: pos }, { shape: [2, 3] }], f: (m, s, x) => { const d = new CD.MultivariateNormalDiag(m, s); return [d.logProb(x), d.entropy()]; } },
  { name: 'KL(MultivariateNormalDiag‖MultivariateNormalDiag)', ins: [{ shape: [3] }, { shape: [3], gen: pos }, { shape: [3] }, { shape: [3], gen: pos }], f: (a, b, c, d) => tf.distributions.klDivergence(new CD.MultivariateNormalDiag(a, b), new CD.MultivariateNormalDiag(c, d)) },
];
describeGradients('finite-difference gradients of MultivariateNormalDiag', GRAD, devices);
