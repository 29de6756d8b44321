/**
 * tf.contrib.distributions OneHotCategorical, ExpRelaxedOneHotCategorical and
 * RelaxedOneHotCategorical (TF 1.15 contrib) on every device: log_prob, entropy, mode and KL
 * against plain-JS softmax arithmetic, the Concrete density against its formula
 * (lgamma(k) + (k−1)·log τ + Σ log_softmax(logits − τ·x), minus Σ log x for the relaxed form),
 * sample shapes, supports and class frequencies with fixed seeds, and finite differences.
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
const CD = tf.contrib.distributions;

const nums = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);
function expectClose(got: NDArray, want: number[], rtol: number, atol: number, what: string): void {
  const g = nums(got);
  expect(g.length, `${what} size`).toBe(want.length);
  g.forEach((v, i) => expect(isClose(v, want[i]!, rtol, atol), `${what}[${i}]: ${v} vs ${want[i]}`).toBe(true));
}
const logSoftmax = (l: number[]): number[] => { const m = Math.max(...l); const z = Math.log(l.reduce((s, v) => s + Math.exp(v - m), 0)) + m; return l.map((v) => v - z); };
const LOGITS = [[0.5, -1, 2], [1, 1, -0.3]];
const X = [[0, 0, 1], [1, 0, 0]];
const TEMP = 0.7;
const RX = [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]];
/** The ExpConcrete log density of log-space y. */
const expConcrete = (l: number[], y: number[], t: number): number =>
  refLgamma(l.length) + (l.length - 1) * Math.log(t) + logSoftmax(l.map((v, i) => v - t * y[i]!)).reduce((s, v) => s + v, 0);

for (const dev of devices) {
  const dtypes = dev.caps.float64 ? (['float32', 'float64'] as const) : (['float32'] as const);
  for (const dtype of dtypes) {
    const [rtol, atol] = dtype === 'float64' ? [1e-9, 1e-12] : [3e-5 * dev.caps.tolScale, 1e-5];
    describe(`OneHotCategorical and the relaxed forms (${dev.name}, ${dtype})`, () => {
      it('log_prob, entropy, mode, KL and the Concrete densities match the references; samples have the support and frequencies', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const c = (v: number[][] | number) => tf.constant(v, dtype);
        const n = 20000;
        const g = new tf.Graph();
        const f = g.asDefault(() => {
          const oh = new CD.OneHotCategorical(c(LOGITS));
          const ohp = new CD.OneHotCategorical({ probs: c([[0.2, 0.5, 0.3]]), dtype });
          const er = new CD.ExpRelaxedOneHotCategorical(c(TEMP), c(LOGITS));
          const rr = new CD.RelaxedOneHotCategorical(c(TEMP), c(LOGITS));
          return {
            lp: oh.logProb(tf.constant(X, 'int32')), ent: oh.entropy(), mode: oh.mode(), kl: tf.distributions.klDivergence(oh, new CD.OneHotCategorical(c([[0, 0, 0], [2, -1, 0.5]]))),
            s: ohp.sample(n, { seed: 3 }), erlp: er.logProb(c(RX.map((r) => r.map(Math.log)))), rrlp: rr.logProb(c(RX)),
            ers: er.sample(7, { seed: 4 }), rrs: rr.sample([2, 3], { seed: 5 }),
          };
        });
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          const keys = Object.keys(f) as (keyof typeof f)[];
          const vals = (await sess.run(keys.map((k) => f[k]))) as NDArray[];
          const r = Object.fromEntries(keys.map((k, i) => [k, vals[i]!])) as Record<keyof typeof f, NDArray>;
          const ls = LOGITS.map(logSoftmax);
          expectClose(r.lp, [ls[0]![2]!, ls[1]![0]!], rtol, atol, 'OneHotCategorical log_prob');
          expectClose(r.ent, ls.map((l) => -l.reduce((s, v) => s + Math.exp(v) * v, 0)), rtol, atol, 'entropy');
          expect(r.mode.dtype).toBe('int32');
          expect(nums(r.mode)).toEqual([0, 0, 1, 1, 0, 0]);
          const lq = [[0, 0, 0], [2, -1, 0.5]].map(logSoftmax);
          expectClose(r.kl, ls.map((l, b) => l.reduce((s, v, i) => s + Math.exp(v) * (v - lq[b]![i]!), 0)), rtol, atol, 'KL');
          expect(r.s.shape).toEqual([n, 1, 3]);
          expect(r.s.dtype).toBe(dtype);
          const sv = nums(r.s);
          for (let i = 0; i < n; i++) expect(sv[3 * i]! + sv[3 * i + 1]! + sv[3 * i + 2]!).toBe(1);
          [0.2, 0.5, 0.3].forEach((p, j) => {
            const freq = sv.filter((_, i) => i % 3 === j).reduce((s, v) => s + v, 0) / n;
            expect(Math.abs(freq - p), `class ${j} frequency ${freq}`).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
          });
          const er = LOGITS.map((l, b) => expConcrete(l, RX[b]!.map(Math.log), TEMP));
          expectClose(r.erlp, er, rtol * 10, atol, 'ExpRelaxedOneHotCategorical log_prob');
          expectClose(r.rrlp, er.map((v, b) => v - RX[b]!.reduce((s, x) => s + Math.log(x), 0)), rtol * 10, atol, 'RelaxedOneHotCategorical log_prob');
          expect(r.ers.shape).toEqual([7, 2, 3]);
          const ev = nums(r.ers);
          for (let i = 0; i < 14; i++) expect(Math.abs(Math.log(Math.exp(ev[3 * i]!) + Math.exp(ev[3 * i + 1]!) + Math.exp(ev[3 * i + 2]!)))).toBeLessThan(1e-5);
          expect(r.rrs.shape).toEqual([2, 3, 2, 3]);
          const rv = nums(r.rrs);
          for (let i = 0; i < 12; i++) expect(Math.abs(rv[3 * i]! + rv[3 * i + 1]! + rv[3 * i + 2]! - 1)).toBeLessThan(1e-5);
          expect(rv.every((v) => v >= 0 && v <= 1)).toBe(true);
        } finally {
          await sess.close();
        }
      });
    });
  }
}

describe('OneHotCategorical and the relaxed forms: construction', () => {
  it("TF's names, shapes, reparameterization and errors", () => {
    new tf.Graph().asDefault(() => {
      const oh = new CD.OneHotCategorical(tf.zeros([4, 5]));
      expect(oh.name).toBe('OneHotCategorical/');
      expect(oh.batchShape).toEqual([4]);
      expect(oh.eventShape).toEqual([5]);
      expect(oh.reparameterizationType).toBe(CD.NOT_REPARAMETERIZED);
      const rr = new CD.RelaxedOneHotCategorical(0.5, tf.zeros([3]));
      expect(rr.name).toBe('RelaxedOneHotCategorical/');
      expect(rr.reparameterizationType).toBe(CD.FULLY_REPARAMETERIZED);
      expect(() => new CD.OneHotCategorical(tf.zeros([3]), tf.zeros([3]))).toThrow('Must pass probs or logits, but not both.');
      expect(() => new CD.OneHotCategorical(tf.constant(1))).toThrow('Shape must be at least rank 1 but is rank 0');
    });
  });
});

const GRAD: GradCase[] = [
  { name: 'OneHotCategorical log_prob and entropy in logits', ins: [{ shape: [2, 3] }], f: (l) => { const d = new CD.OneHotCategorical(l); return [d.logProb(tf.constant(X, 'int32')), d.entropy()]; } },
  { name: 'RelaxedOneHotCategorical log_prob in logits and x', ins: [{ shape: [2, 3] }, { shape: [2, 3], gen: (r) => 0.2 + 0.5 * r() }], f: (l, x) => new CD.RelaxedOneHotCategorical(tf.constant(TEMP, l.dtype), l).logProb(x) },
];
describeGradients('finite-difference gradients of OneHotCategorical and RelaxedOneHotCategorical', GRAD, devices);
