/**
 * tf.distributions (TF 1.15's Normal, Bernoulli, Categorical, Uniform and their KLs) on every
 * device against float64 re-implementations of TF's formulas (erf/erfc by series and continued
 * fraction, log Φ in the tails by the asymptotic expansion), sample shapes and moments, TF's
 * validate_args and NotImplementedError texts, finite-difference gradients of the densities and
 * KLs, and of the reparameterized Normal and Uniform samples (each perturbation in a fresh
 * session, so the draws repeat).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();
const D = tf.distributions;

// ----- float64 references ----------------------------------------------------------------------
/** erf by its Maclaurin series (|x| < 3), else 1 - erfc. */
function erf(x: number): number {
  if (Math.abs(x) >= 3) return Math.sign(x) * (1 - erfc(Math.abs(x)));
  let sum = 0;
  let term = x;
  for (let n = 0; n < 200; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
/** erfc by the Laplace continued fraction for x >= 3. */
function erfc(x: number): number {
  if (x < 3) return 1 - erf(x);
  let f = 0;
  for (let k = 120; k >= 1; k--) f = (k / 2) / (x + f);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + f);
}
const Phi = (z: number) => (z < 0 ? 0.5 * erfc(-z / Math.SQRT2) : 1 - 0.5 * erfc(z / Math.SQRT2));
/** log Φ(z): via erfc (no cancellation) for z < 0, log1p(-Q) above. */
const logPhi = (z: number) => {
  if (z >= 0) return Math.log1p(-0.5 * erfc(z / Math.SQRT2));
  const x = -z / Math.SQRT2;
  if (x < 3) return Math.log(0.5 * erfc(x));
  // log erfc(x) from the continued fraction, without the underflowing exp(-x²)
  let f = 0;
  for (let k = 120; k >= 1; k--) f = (k / 2) / (x + f);
  return Math.log(0.5) - x * x - 0.5 * Math.log(Math.PI) - Math.log(x + f);
};
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logSoftmax = (r: number[]) => {
  const m = Math.max(...r);
  const lse = m + Math.log(r.reduce((a, v) => a + Math.exp(v - m), 0));
  return r.map((v) => v - lse);
};

const arr = (v: number[], shape = [v.length], dt: 'float32' | 'float64' = 'float32'): NDArray =>
  new tf.NDArray(dt === 'float32' ? Float32Array.from(v) : Float64Array.from(v), shape, dt);

function near(got: ArrayLike<number>, want: number[], rtol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  want.forEach((w, i) => {
    const g = Number(got[i]);
    if (Number.isNaN(w)) expect(g, `${what}[${i}]`).toBeNaN();
    else if (!Number.isFinite(w)) expect(g, `${what}[${i}]`).toBe(w);
    else expect(Math.abs(g - w), `${what}[${i}]: ${g} vs ${w}`).toBeLessThanOrEqual(rtol * (1 + Math.abs(w)));
  });
}

const LOC = [0, 1.5, -2, 0.25];
const SCALE = [1, 0.5, 3, 2];
const XN = [0.3, 1.5, -9, -30];

for (const dev of devices) {
  const tol = 2e-6 * dev.caps.tolScale;
  const run = async <T extends Tensor | Tensor[]>(g: tf.Graph, t: T): Promise<NDArray[]> => {
    const sess = new tf.Session({ graph: g, ...dev.options });
    try {
      const out = await sess.run(Array.isArray(t) ? t : [t]);
      return out as NDArray[];
    } finally {
      await sess.close();
    }
  };

  describe(`tf.distributions (${dev.name})`, () => {
    it('Normal: log_prob, prob, cdf, log_cdf (tails too), survival, entropy, moments, KL', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const outs = g.asDefault(() => {
        const n = new D.Normal(tf.constant(LOC), tf.constant(SCALE));
        const other = new D.Normal({ loc: 0.5, scale: 1.5 });
        const x = tf.constant(XN);
        return [n.logProb(x), n.prob(x), n.cdf(x), n.logCdf(x), n.survivalFunction(x), n.logSurvivalFunction(x), n.entropy(), n.mean(), n.stddev(), n.variance(), n.mode(), D.klDivergence(n, other), n.klDivergence(other)];
      });
      const got = await run(g, outs);
      const z = XN.map((x, i) => (x - LOC[i]!) / SCALE[i]!);
      const lp = z.map((v, i) => -0.5 * v * v - 0.5 * Math.log(2 * Math.PI) - Math.log(SCALE[i]!));
      const kl = LOC.map((m, i) => (m - 0.5) ** 2 / (2 * 2.25) + 0.5 * (SCALE[i]! ** 2 / 2.25 - 1 - Math.log(SCALE[i]! ** 2 / 2.25)));
      const want = [
        lp, lp.map(Math.exp), z.map(Phi), z.map(logPhi), z.map((v) => Phi(-v)), z.map((v) => logPhi(-v)),
        SCALE.map((s) => 0.5 * Math.log(2 * Math.PI * Math.E) + Math.log(s)), LOC, SCALE, SCALE.map((s) => s * s), LOC, kl, kl,
      ];
      const names = ['log_prob', 'prob', 'cdf', 'log_cdf', 'survival', 'log_survival', 'entropy', 'mean', 'stddev', 'variance', 'mode', 'kl', 'kl method'];
      // prob and cdf in the far tail are float32-subnormal: absolute checks there
      want.forEach((w, k) => near(got[k]!.data as Float32Array, w, names[k] === 'log_cdf' || names[k] === 'log_prob' ? 4 * tol : tol, names[k]!));
    });

    it('Normal samples: shapes (sample_shape + batch_shape), moments, seeded repeatability', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const { s, s0, s1, sDyn, loc } = g.asDefault(() => {
        const n = new D.Normal(tf.constant([[1, -3]]), tf.constant([0.5, 2]));
        const loc = tf.placeholder(tf.float32, [null]);
        const dyn = new D.Normal(loc, 1);
        return { s: n.sample([20000], { seed: 3 }), s0: n.sample(), s1: n.sample([2, 3], { seed: 7 }), sDyn: dyn.sample(4, { seed: 1 }), loc };
      });
      expect(s.shape).toEqual([20000, 1, 2]);
      expect(s0.shape).toEqual([1, 2]);
      expect(s1.shape).toEqual([2, 3, 1, 2]);
      expect(sDyn.shape).toEqual([4, null]);
      const sess = new tf.Session({ graph: g, ...dev.options });
      const [a] = (await sess.run([s])) as NDArray[];
      const d = await sess.run(sDyn, new Map([[loc, arr([5, 6, 7])]])) as NDArray;
      expect(d.shape).toEqual([4, 3]);
      await sess.close();
      for (const [j, m, sd] of [[0, 1, 0.5], [1, -3, 2]] as const) {
        const v = Array.from({ length: 20000 }, (_, i) => Number(a!.data[2 * i + j]));
        const mean = v.reduce((p, q) => p + q, 0) / v.length;
        const std = Math.sqrt(v.reduce((p, q) => p + (q - mean) ** 2, 0) / v.length);
        expect(Math.abs(mean - m)).toBeLessThan((4 * sd) / Math.sqrt(20000));
        expect(Math.abs(std / sd - 1)).toBeLessThan(0.03);
      }
      // a seeded graph repeats its draws in a new session
      const again = await run(g, s1);
      const again2 = await run(g, s1);
      expect(Array.from(again[0]!.data)).toEqual(Array.from(again2[0]!.data));
    });

    it('Bernoulli: from logits and from probs, log_prob with broadcasting, entropy, moments, mode, KL, samples', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const P = [0.1, 0.5, 0.75, 0.999];
      const L = P.map((p) => Math.log(p) - Math.log1p(-p));
      const g = new tf.Graph();
      const outs = g.asDefault(() => {
        const bp = new D.Bernoulli({ probs: tf.constant(P) });
        const bl = new D.Bernoulli(tf.constant(L));
        const q = new D.Bernoulli({ logits: tf.constant([0.3, -1, 2, 0]) });
        const ev = tf.constant([[1, 0, 1, 1], [0, 0, 0, 1]], tf.int32);
        return [bp.logits, bl.probs, bp.logProb(ev), bl.prob([1, 1, 0, 0]), bp.entropy(), bp.mean(), bp.variance(), bp.mode(), D.klDivergence(bp, q), tf.reduceMean(tf.cast(bp.sample(20000, { seed: 5 }), tf.float32), 0)];
      });
      const got = await run(g, outs);
      const lp = (e: number[]) => e.map((v, i) => (v ? Math.log(P[i]!) : Math.log1p(-P[i]!)));
      const ent = L.map((l) => -l * (sigmoid(l) - 1) + softplus(-l));
      const ql = [0.3, -1, 2, 0];
      const kl = L.map((la, i) => sigmoid(la) * (softplus(-ql[i]!) - softplus(-la)) + sigmoid(-la) * (softplus(ql[i]!) - softplus(la)));
      near(got[0]!.data as Float32Array, L, 20 * tol, 'logits');
      near(got[1]!.data as Float32Array, P, tol, 'probs');
      near(got[2]!.data as Float32Array, [...lp([1, 0, 1, 1]), ...lp([0, 0, 0, 1])], 20 * tol, 'log_prob');
      near(got[3]!.data as Float32Array, [P[0]!, P[1]!, 1 - P[2]!, 1 - P[3]!], 20 * tol, 'prob');
      near(got[4]!.data as Float32Array, ent, 20 * tol, 'entropy');
      near(got[5]!.data as Float32Array, P, tol, 'mean');
      near(got[6]!.data as Float32Array, P.map((p) => p * (1 - p)), tol, 'variance');
      expect(Array.from(got[7]!.data)).toEqual([0, 0, 1, 1]);
      expect(got[7]!.dtype).toBe('int32');
      near(got[8]!.data as Float32Array, kl, 20 * tol, 'kl');
      P.forEach((p, i) => expect(Math.abs(Number(got[9]!.data[i]) - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / 20000) + 1e-3));
    });

    it('Categorical: log_prob (broadcast over a batch of labels), prob, entropy, mode, KL, sample frequencies', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const LG = [[1, 2, 3], [0, -1, 0.5]];
      const LG2 = [[0.2, 0.2, -1], [2, 0, 0]];
      const g = new tf.Graph();
      const outs = g.asDefault(() => {
        const c = new D.Categorical({ logits: tf.constant(LG) });
        const cp = new D.Categorical({ probs: tf.nn.softmax(tf.constant(LG2)) });
        const k = tf.constant([[2, 0], [1, 1], [0, 2]], tf.int32);
        const samples = c.sample(30000, { seed: 11 });
        const freq = tf.reduceMean(tf.oneHot(samples, 3), 0);
        return [c.logProb(k), c.prob([2, 1]), c.entropy(), c.mode(), D.klDivergence(c, cp), freq, samples];
      });
      const got = await run(g, outs);
      const ls = LG.map(logSoftmax);
      near(got[0]!.data as Float32Array, [[2, 0], [1, 1], [0, 2]].flatMap((r) => r.map((k, b) => ls[b]![k]!)), 4 * tol, 'log_prob');
      near(got[1]!.data as Float32Array, [Math.exp(ls[0]![2]!), Math.exp(ls[1]![1]!)], 4 * tol, 'prob');
      near(got[2]!.data as Float32Array, ls.map((r) => -r.reduce((a, l) => a + Math.exp(l) * l, 0)), 4 * tol, 'entropy');
      expect(Array.from(got[3]!.data)).toEqual([2, 2]);
      const ls2 = LG2.map(logSoftmax);
      near(got[4]!.data as Float32Array, ls.map((r, b) => r.reduce((a, l, k) => a + Math.exp(l) * (l - ls2[b]![k]!), 0)), 20 * tol, 'kl');
      const f = got[5]!.data as Float32Array;
      ls.forEach((r, b) => r.forEach((l, k) => expect(Math.abs(f[b * 3 + k]! - Math.exp(l))).toBeLessThan(0.015)));
      expect(got[6]!.shape).toEqual([30000, 2]);
      expect(got[6]!.dtype).toBe('int32');
    });

    it('Uniform: prob (0 outside [low, high), NaN kept), cdf clipped, log_prob, entropy, moments, samples in range', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const outs = g.asDefault(() => {
        const u = new D.Uniform(tf.constant([0, -2, 1]), tf.constant([1, 2, 5]));
        const x = tf.constant([[0.5, 2, 0.5], [1, -2, NaN]]);
        const s = u.sample(5000, { seed: 2 });
        return [u.prob(x), u.cdf(tf.constant([0.25, 3, 0])), u.logProb(tf.constant([0.5, 0, 2])), u.entropy(), u.mean(), u.variance(), u.stddev(), u.range(), tf.reduceMin(s, 0), tf.reduceMax(s, 0), tf.reduceMean(s, 0)];
      });
      const got = await run(g, outs);
      near(got[0]!.data as Float32Array, [1, 0, 0, 0, 0.25, NaN], tol, 'prob');
      near(got[1]!.data as Float32Array, [0.25, 1, 0], tol, 'cdf');
      near(got[2]!.data as Float32Array, [0, Math.log(0.25), Math.log(0.25)], tol, 'log_prob');
      near(got[3]!.data as Float32Array, [0, Math.log(4), Math.log(4)], tol, 'entropy');
      near(got[4]!.data as Float32Array, [0.5, 0, 3], tol, 'mean');
      near(got[5]!.data as Float32Array, [1 / 12, 16 / 12, 16 / 12], tol, 'variance');
      near(got[6]!.data as Float32Array, [1 / Math.sqrt(12), 4 / Math.sqrt(12), 4 / Math.sqrt(12)], tol, 'stddev');
      near(got[7]!.data as Float32Array, [1, 4, 4], tol, 'range');
      [0, -2, 1].forEach((lo, i) => expect(Number(got[8]!.data[i])).toBeGreaterThanOrEqual(lo));
      [1, 2, 5].forEach((hi, i) => expect(Number(got[9]!.data[i])).toBeLessThan(hi));
      [0.5, 0, 3].forEach((m, i) => expect(Math.abs(Number(got[10]!.data[i]) - m)).toBeLessThan(0.1));
    });

    it('Multinomial: log_prob, mean, variance, covariance, samples summing to total_count', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const LG = [[0, 1, 2], [1, 1, 1]];
      const C = [[1, 1, 3], [2, 2, 1]];
      const g = new tf.Graph();
      const outs = g.asDefault(() => {
        const m = new D.Multinomial(5, { logits: tf.constant(LG) });
        expect([m.batchShape, m.eventShape]).toEqual([[2], [3]]);
        const s = m.sample(4000, { seed: 9 });
        expect(s.shape).toEqual([4000, 2, 3]);
        return [m.logProb(tf.constant(C)), m.mean(), m.variance(), m.covariance(), tf.reduceMean(s, 0), tf.reduceMax(tf.abs(tf.subtract(tf.reduceSum(s, -1), 5)))];
      });
      const got = await run(g, outs);
      const lgf = (x: number): number => {
        let f = 0;
        for (let i = 2; i <= x; i++) f += Math.log(i);
        return f;
      };
      const P = LG.map((r) => logSoftmax(r).map(Math.exp));
      const lp = C.map((c, b) => lgf(5) - c.reduce((a, x) => a + lgf(x), 0) + c.reduce((a, x, k) => a + x * Math.log(P[b]![k]!), 0));
      near(got[0]!.data as Float32Array, lp, 20 * tol, 'log_prob');
      near(got[1]!.data as Float32Array, P.flat().map((p) => 5 * p), 4 * tol, 'mean');
      near(got[2]!.data as Float32Array, P.flat().map((p) => 5 * p * (1 - p)), 4 * tol, 'variance');
      near(got[3]!.data as Float32Array, P.flatMap((r) => r.flatMap((pi, i) => r.map((pj, j) => (i === j ? 5 * pi * (1 - pi) : -5 * pi * pj)))), 4 * tol, 'covariance');
      P.flat().forEach((p, i) => expect(Math.abs(Number(got[4]!.data[i]) - 5 * p)).toBeLessThan(0.12));
      expect(Number(got[5]!.data[0])).toBe(0);
    });

    it('float64 parameters stay float64 (log_cdf at -40 through the float64 segments)', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      if (!dev.caps.float64) skipTest(ctx, `${dev.name} has no float64`);
      const g = new tf.Graph();
      const [lc, lp] = g.asDefault(() => {
        const n = new D.Normal(tf.constant([0, 0, 0], tf.float64), 1);
        expect(n.dtype).toBe('float64');
        const x = tf.constant([-40, -15, 9], tf.float64);
        return [n.logCdf(x), n.logProb(x)];
      });
      const got = await run(g, [lc!, lp!]);
      near(got[0]!.data as Float64Array, [-40, -15, 9].map(logPhi), 1e-9, 'log_cdf');
      near(got[1]!.data as Float64Array, [-40, -15, 9].map((x) => -0.5 * x * x - 0.5 * Math.log(2 * Math.PI)), 1e-12, 'log_prob');
    });
  });
}

describe('tf.distributions: names, shapes, TF\'s errors', () => {
  it('name scopes, batch/event shapes, parameters, tf.contrib.distributions', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const a = new D.Normal(tf.zeros([3, 1]), tf.ones([4]));
      const b = new D.Normal(0, 1, { name: 'prior' });
      const c = new D.Normal(0, 1);
      expect([a.name, b.name, c.name]).toEqual(['Normal/', 'prior/', 'Normal_1/']);
      expect(a.loc.name).toBe('Normal/loc:0');
      expect(a.scale.name).toBe('Normal/scale:0');
      expect(a.sample(2).name.startsWith('Normal/sample/')).toBe(true);
      expect(a.logProb(0).name.startsWith('Normal/log_prob/')).toBe(true);
      expect(D.klDivergence(a, b).name.startsWith('KullbackLeibler/kl_normal_normal/')).toBe(true);
      expect(a.batchShape).toEqual([3, 4]);
      expect(a.eventShape).toEqual([]);
      expect(a.isScalarEvent() && !a.isScalarBatch() && b.isScalarBatch()).toBe(true);
      expect(a.reparameterizationType).toBe(D.FULLY_REPARAMETERIZED);
      expect(new D.Bernoulli({ probs: 0.5 }).reparameterizationType).toBe(D.NOT_REPARAMETERIZED);
      expect(b.parameters).toMatchObject({ loc: 0, scale: 1, validate_args: false, allow_nan_stats: true, name: 'prior' });
      expect(String(a)).toBe('tf.distributions.Normal("Normal", batch_shape=(3, 4), event_shape=(), dtype=float32)');
      const cat = new D.Categorical({ logits: tf.zeros([2, 5, 7]) });
      expect([cat.batchShape, cat.eventSize, cat.sample([3]).shape]).toEqual([[2, 5], 7, [3, 2, 5]]);
      expect(tf.contrib.distributions.Normal).toBe(D.Normal);
      expect(tf.contrib.distributions.klDivergence).toBe(D.klDivergence);
    });
  });

  it('argument errors and unimplemented methods', () => {
    tf.Graph.prototype.asDefault.call(new tf.Graph(), () => {
      expect(() => new D.Bernoulli({ logits: 1, probs: 0.5 })).toThrow('Must pass probs or logits, but not both.');
      expect(() => new D.Categorical()).toThrow('Must pass probs or logits, but not both.');
      expect(() => new D.Bernoulli({ probs: tf.constant([1], tf.int32) })).toThrow('probs must having floating type.');
      expect(() => new D.Normal({ loc: 0, scale: 1, bogus: 1 } as never)).toThrow("Normal() got an unexpected keyword argument 'bogus'");
      const c = new D.Categorical({ logits: tf.zeros([3]) });
      expect(() => c.mean()).toThrow('mean is not implemented: Categorical');
      expect(() => new D.Bernoulli({ probs: 0.5 }).cdf(1)).toThrow('cdf is not implemented: Bernoulli');
      expect(() => D.klDivergence(new D.Normal(0, 1), new D.Bernoulli({ probs: 0.5 }))).toThrow('No KLDivergence registered for Normal and Bernoulli');
      expect(() => new D.Multinomial(tf.placeholder(tf.float32, []), { probs: [0.5, 0.5] }).sample(2)).toThrow('Multinomial.sample: total_count must be known when the graph is built');
    });
  });

  it('validate_args checks at run time (at build time for constants, as TF), with TF\'s messages; allow_nan_stats=false checks the KL', async () => {
    const g = new tf.Graph();
    const ph = () => tf.placeholder(tf.float32, [null]);
    const { feeds, outs } = g.asDefault(() => {
      expect(() => new D.Normal(0, tf.constant([1, -1]), { validateArgs: true })).toThrow('Condition x > 0 did not hold element-wise:');
      const [s, lo, p, q, nanScale] = [ph(), ph(), ph(), ph(), ph()];
      return {
        feeds: [s, lo, p, q, nanScale],
        outs: [
          new D.Normal(0, s, { validateArgs: true }).mean(),
          new D.Uniform(lo, 1, { validateArgs: true }).mean(),
          new D.Bernoulli({ probs: p, validateArgs: true }).mean(),
          new D.Categorical({ probs: q, validateArgs: true }).entropy(),
          D.klDivergence(new D.Normal(0, nanScale, { name: 'a' }), new D.Normal(0, 1, { name: 'b' }), { allowNanStats: false }),
        ],
      };
    });
    const sess = new tf.Session({ graph: g });
    const bad = [[1, -1], [0.5, 2], [0.5, 1.5], [0.5, 0.6], [1, NaN]];
    const good = [[1, 2], [0.5, -2], [0.5, 1], [0.25, 0.75], [1, 2]];
    const texts = ['Condition x > 0 did not hold element-wise:', 'uniform not defined when low >= high.', 'probs has components greater than 1.', 'probs does not sum to 1.',
      'KL calculation between a/ and b/ returned NaN values (and was called with allow_nan_stats=False). Values:'];
    for (let i = 0; i < 5; i++) {
      await expect(sess.run(outs[i]!, new Map([[feeds[i]!, arr(bad[i]!)]]))).rejects.toThrow(texts[i]);
      await expect(sess.run(outs[i]!, new Map([[feeds[i]!, arr(good[i]!)]]))).resolves.toBeDefined();
    }
    await sess.close();
  });
});

// ----- gradients ---------------------------------------------------------------------------------
const GRAD: GradCase[] = [
  { name: 'Normal.logProb wrt loc, scale, x', ins: [{ shape: [3] }, { shape: [3], gen: 'pos' }, { shape: [3] }], f: (l, s, x) => new D.Normal(l!, s!).logProb(x!) },
  { name: 'Normal.cdf and logCdf wrt x', ins: [{ shape: [4] }], f: (x) => { const n = new D.Normal(tf.constant(0.2, x!.dtype), tf.constant(1.3, x!.dtype)); return [n.cdf(x!), n.logCdf(x!)]; } },
  { name: 'Normal.entropy wrt scale', ins: [{ shape: [2], gen: 'pos' }], f: (s) => new D.Normal(tf.zerosLike(s!), s!).entropy() },
  { name: 'KL(Normal || Normal) wrt both', ins: [{ shape: [3] }, { shape: [3], gen: 'pos' }, { shape: [3] }, { shape: [3], gen: 'pos' }], f: (a, b, c2, d) => D.klDivergence(new D.Normal(a!, b!), new D.Normal(c2!, d!)) },
  { name: 'Bernoulli.logProb and entropy wrt logits', ins: [{ shape: [4] }], f: (l) => { const b = new D.Bernoulli({ logits: l! }); return [b.logProb([1, 0, 0, 1]), b.entropy()]; } },
  { name: 'KL(Bernoulli || Bernoulli) wrt logits', ins: [{ shape: [3] }, { shape: [3] }], f: (a, b) => D.klDivergence(new D.Bernoulli({ logits: a! }), new D.Bernoulli({ logits: b! })) },
  { name: 'Categorical.logProb and entropy wrt logits', ins: [{ shape: [2, 3] }], f: (l) => { const c = new D.Categorical({ logits: l! }); return [c.logProb([2, 0]), c.entropy()]; } },
  { name: 'KL(Categorical || Categorical) wrt logits', ins: [{ shape: [2, 4] }, { shape: [2, 4] }], f: (a, b) => D.klDivergence(new D.Categorical({ logits: a! }), new D.Categorical({ logits: b! })) },
  { name: 'Multinomial.logProb wrt logits', ins: [{ shape: [2, 3] }], f: (l) => new D.Multinomial(tf.constant(4, l!.dtype), { logits: l! }).logProb(tf.constant([[1, 0, 3], [2, 2, 0]], l!.dtype)) },
  { name: 'Uniform.entropy and stddev wrt high', ins: [{ shape: [2], gen: (r) => 2 + r() }], f: (h) => { const u = new D.Uniform(0, h!); return [u.entropy(), u.stddev()]; } },
];
describeGradients('finite-difference gradients of tf.distributions', GRAD, devices, {
  // Sampled losses need a fresh graph per evaluation (same seeds, same draws): their own loop, not a table case.
  extra: (cfg) => {
    it('reparameterized samples: d/dloc, d/dscale of Normal.sample, d/dlow, d/dhigh of Uniform.sample', async (ctx) => {
      const why = cfg.skip();
      if (why) skipTest(ctx, why);
      const dt = cfg.dtype;
      const f32 = dt === 'float32';
      const h = f32 ? 1e-2 : 1e-6;
      const rtol = f32 ? 3e-3 : 1e-6;
      const P0 = [0.3, -1.2, 0.8, 1.7];
      const W = [[0.5, -1, 2, 0.25], [1.5, 0.75, -0.5, 1]];
      /** loss = Σ w·[normal draws, uniform draws] in a fresh graph and session (same seeds: the same draws). */
      const build = () => {
        const g = new tf.Graph();
        const m = g.asDefault(() => {
          const p = tf.placeholder(dt, [4]);
          const [loc, scale, low, high] = [0, 1, 2, 3].map((i) => tf.reshape(tf.slice(p, [i], [1]), []));
          const sn = new D.Normal(loc!, scale!).sample(3, { seed: 21 });
          const su = new D.Uniform(low!, high!).sample(3, { seed: 22 });
          const loss = tf.add(tf.reduceSum(tf.multiply(sn, tf.constant(arr(W[0]!.slice(0, 3), [3], dt)))), tf.reduceSum(tf.multiply(su, tf.constant(arr(W[1]!.slice(0, 3), [3], dt)))));
          return { p, loss, grad: tf.gradients(loss, [p])[0]! };
        });
        return { g, ...m };
      };
      const evalAt = async (vals: number[], withGrad: boolean): Promise<[number, NDArray | null]> => {
        const { g, p, loss, grad } = build();
        const sess = new tf.Session({ graph: g, ...cfg.options });
        try {
          const out = (await sess.run(withGrad ? [loss, grad] : [loss], new Map([[p, arr(vals, [4], dt)]]))) as NDArray[];
          return [Number(out[0]!.data[0]), withGrad ? out[1]! : null];
        } finally {
          await sess.close();
        }
      };
      const base = f32 ? P0.map(Math.fround) : P0;
      const [, sym] = await evalAt(base, true);
      for (let j = 0; j < 4; j++) {
        const up = [...base];
        const dn = [...base];
        up[j] = base[j]! + h;
        dn[j] = base[j]! - h;
        const num = ((await evalAt(up, false))[0] - (await evalAt(dn, false))[0]) / (2 * h);
        const got = Number(sym!.data[j]);
        expect(Math.abs(got - num), `d/dp[${j}] symbolic ${got} vs numeric ${num}`).toBeLessThanOrEqual(rtol * (1 + Math.abs(num)));
      }
      // d/dloc = Σw and d/dlow = Σw(1 - u): exact structure of the reparameterization
      expect(Number(sym!.data[0])).toBeCloseTo(W[0]!.slice(0, 3).reduce((a, b) => a + b, 0), 4);
    });
  },
});
