/**
 * tf.igamma, tf.igammac, tf.betainc, tf.lbeta (and tf.math's spellings): values on every device
 * in float32 and float64 against an independent reference (Simpson quadrature of the defining
 * integrals after a substitution t = u^m that makes the integrand smooth at 0) and closed
 * forms (P(1, x) = 1 − e^(−x), P(½, x) = erf(√x), I_x(a, 1) = x^a, I_x(½, ½) = (2/π)·asin √x),
 * TF/Cephes edge values, TF's shape rules and error texts for Betainc, op types, and
 * finite-difference gradients (Igamma/Igammac in a and x, Betainc in x, lbeta).
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

// ----- reference (independent of the library's continued fractions) --------------------------------
function simpson(f: (u: number) => number, hi: number, n = 4000): number {
  const h = hi / n;
  let s = f(0) + f(hi);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(i * h);
  return (s * h) / 3;
}
/** The substitution t = u^m (m ≥ 5/a an integer) makes t^(a−1)dt = m·u^(ma−1)du smooth enough for Simpson. */
const power = (a: number): number => Math.ceil(5 / a);
/** P(a, x) = (1/Γ(a)) ∫₀^(x^(1/m)) m·u^(ma−1)·e^(−u^m) du. */
function refIgamma(a: number, x: number): number {
  const m = power(a);
  return Math.exp(-refLgamma(a)) * simpson((u) => m * u ** (m * a - 1) * Math.exp(-(u ** m)), x ** (1 / m));
}
/** I_x(a, b) = (1/B(a, b)) ∫₀^(x^(1/m)) m·u^(ma−1)·(1 − u^m)^(b−1) du. */
function refBetainc(a: number, b: number, x: number): number {
  const m = power(a);
  const lB = refLgamma(a) + refLgamma(b) - refLgamma(a + b);
  return Math.exp(-lB) * simpson((u) => m * u ** (m * a - 1) * (1 - u ** m) ** (b - 1), x ** (1 / m));
}
function erf(x: number): number {
  // Σ (−1)ⁿ x^(2n+1)/(n!(2n+1)), fine for |x| ≤ 3
  let t = x;
  let s = x;
  for (let n = 1; n < 200; n++) {
    t *= (-x * x) / n;
    s += t / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * s;
}

const IG_A = [0.5, 1, 1.5, 2, 3.5, 7, 10, 0.25];
const IG_X = [0.3, 2, 0.1, 3, 5, 4, 12, 1.7];
const B_A = [0.5, 1, 2, 2.5, 7, 0.5, 3, 1.5];
const B_B = [0.5, 3, 1, 4, 2, 2, 0.7, 9];
const B_X = [0.9, 0.25, 0.6, 0.3, 0.8, 0.05, 0.45, 0.1];

const nums = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);
function expectClose(got: NDArray, want: number[], rtol: number, atol: number, what: string): void {
  const g = nums(got);
  expect(g.length, `${what} size`).toBe(want.length);
  g.forEach((v, i) => expect(isClose(v, want[i]!, rtol, atol), `${what}[${i}]: ${v} vs ${want[i]}`).toBe(true));
}

for (const dev of devices) {
  const dtypes = dev.caps.float64 ? (['float32', 'float64'] as const) : (['float32'] as const);
  for (const dtype of dtypes) {
    const [rtol, atol] = dtype === 'float64' ? [1e-9, 1e-12] : [2e-5 * dev.caps.tolScale, 1e-6];
    describe(`incomplete gamma and beta (${dev.name}, ${dtype})`, () => {
      it('igamma / igammac / betainc / lbeta match the quadrature reference and closed forms', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const g = new tf.Graph();
        const c = (v: number[], s?: number[]) => g.asDefault(() => tf.constant(v, dtype, s));
        const f = g.asDefault(() => {
          const a = c(IG_A);
          const x = c(IG_X);
          const xs = c([0.01, 0.5, 2, 9]);
          return {
            p: tf.igamma(a, x), q: tf.igammac(a, x), qm: tf.math.igammac(a, x),
            p1: tf.igamma(1, xs), phalf: tf.igamma(c([0.5]), xs),
            bet: tf.betainc(c(B_A), c(B_B), c(B_X)),
            ba1: tf.betainc(2.5, 1, c([0.2, 0.7])),
            bhalf: tf.math.betainc(0.5, 0.5, c([0.1, 0.5, 0.9])),
            // broadcasting igamma: a [2, 1] against x [3]
            pb: tf.igamma(c([2, 5], [2, 1]), c([1, 4, 6])),
            lb: tf.lbeta(c([1, 2, 3, 4, 0.5, 0.5], [2, 3])),
            lb1: tf.math.lbeta(c([2.5, 1.5])),
          };
        });
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          const keys = Object.keys(f) as (keyof typeof f)[];
          const r = {} as Record<keyof typeof f, NDArray>;
          const vals = (await sess.run(keys.map((k) => f[k]))) as NDArray[];
          keys.forEach((k, i) => (r[k] = vals[i]!));
          const P = IG_A.map((a, i) => refIgamma(a, IG_X[i]!));
          expectClose(r.p, P, rtol, atol, 'igamma');
          expectClose(r.q, P.map((p) => 1 - p), rtol, atol, 'igammac');
          expectClose(r.qm, P.map((p) => 1 - p), rtol, atol, 'tf.math.igammac');
          expectClose(r.p1, [0.01, 0.5, 2, 9].map((x) => -Math.expm1(-x)), rtol, atol, 'igamma(1, x)');
          expectClose(r.phalf, [0.01, 0.5, 2, 9].map((x) => erf(Math.sqrt(x))), rtol, atol, 'igamma(0.5, x)');
          expectClose(r.bet, B_A.map((a, i) => refBetainc(a, B_B[i]!, B_X[i]!)), dtype === 'float64' ? 1e-7 : rtol, atol, 'betainc');
          expectClose(r.ba1, [0.2 ** 2.5, 0.7 ** 2.5], rtol, atol, 'betainc(a, 1, x)');
          expectClose(r.bhalf, [0.1, 0.5, 0.9].map((x) => (2 / Math.PI) * Math.asin(Math.sqrt(x))), rtol, atol, 'betainc(0.5, 0.5, x)');
          expect(r.pb.shape).toEqual([2, 3]);
          expectClose(r.pb, [2, 5].flatMap((a) => [1, 4, 6].map((x) => refIgamma(a, x))), rtol, atol, 'broadcast igamma');
          // log B(1,2,3) = log(Γ1Γ2Γ3/Γ6), log B(4, ½, ½) = log(Γ4·π/Γ5)
          expectClose(r.lb, [Math.log(2 / 120), Math.log(6 * Math.PI / 24)], rtol, atol, 'lbeta');
          expect(r.lb.shape).toEqual([2]);
          expectClose(r.lb1, [refLgamma(2.5) + refLgamma(1.5) - refLgamma(4)], rtol, atol, 'lbeta vector');
        } finally {
          await sess.close();
        }
      });

      it('edge values as TF (Cephes): 0 at x = 0, NaN outside the domain, the limits at ∞ and at x = 1', async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const g = new tf.Graph();
        const c = (v: number[]) => g.asDefault(() => tf.constant(v, dtype));
        const f = g.asDefault(() => ({
          p: tf.igamma(c([2, 0.5, 0, -1, 2, 3, NaN]), c([0, 0, 1, 1, -1, Infinity, 1])),
          q: tf.igammac(c([2, 0, -1, 2, 3]), c([0, 1, 1, -1, Infinity])),
          b: tf.betainc(c([2, 0, 2, 2, 2, 2, -1]), c([3, 1, 0, 3, 3, 3, 2]), c([0.5, 0.5, 0.5, 0, 1, 1.5, 0.5])),
          lbEmpty: tf.lbeta(g.asDefault(() => tf.zeros([2, 0], dtype))),
        }));
        const sess = new tf.Session({ ...dev.options, graph: g });
        try {
          const [p, q, b, lbEmpty] = (await sess.run([f.p, f.q, f.b, f.lbEmpty])) as NDArray[];
          expectClose(p!, [0, 0, NaN, NaN, NaN, 1, NaN], 0, 0, 'igamma edges');
          expectClose(q!, [1, NaN, NaN, NaN, 0], 0, 0, 'igammac edges');
          expectClose(b!, [0.6875, NaN, NaN, 0, 1, NaN, NaN], dtype === 'float64' ? 1e-12 : 1e-6, 0, 'betainc edges');
          expectClose(lbEmpty!, [-Infinity, -Infinity], 0, 0, 'lbeta of an empty last axis');
        } finally {
          await sess.close();
        }
      });
    });
  }
}

describe('op types, shapes and errors', () => {
  it('builds TF op types, Betainc has TF shape rules and error texts, dtypes are checked', async () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const a = tf.constant([1, 2], 'float32');
      expect(tf.igamma(a, a).op.type).toBe('Igamma');
      expect(tf.igammac(a, a, 'q').op.name).toBe('q');
      const b = tf.betainc(a, 2, 0.5);
      expect(b.op.type).toBe('Betainc');
      expect(b.shape).toEqual([2]);
      expect(tf.betainc(1, 2, 0.5).shape).toEqual([]);
      const lb = tf.lbeta(tf.zeros([3, 4, 5]));
      expect(lb.name).toBe('lbeta:0');
      expect(lb.shape).toEqual([3, 4]);
      expect(() => tf.betainc(a, tf.constant([1, 2, 3], 'float32'), 0.5)).toThrow(
        "Dimension 0 in both shapes must be equal, but are 2 and 3. Shapes are [2] and [3]. for 'Betainc_2' (op: 'Betainc') with input shapes: [2], [3], [].",
      );
      expect(() => tf.igamma(a, tf.constant([1, 2, 3], 'float32'))).toThrow("Dimensions must be equal, but are 2 and 3 for 'Igamma_1' (op: 'Igamma')");
      expect(() => tf.igamma(tf.constant([1], 'int32'), tf.constant([1], 'int32'))).toThrow(
        "Value passed to parameter 'a' has DataType int32 not in list of allowed values: float32, float64",
      );
      expect(() => tf.igamma(tf.constant([1], 'float32'), tf.constant([1], 'float64'))).toThrow(
        "Input 'x' of 'Igamma' Op has type float64 that does not match type float32 of argument 'a'.",
      );
    });
  });

  it('Betainc of fed shapes that are neither equal nor scalar: InvalidArgumentError as TF', async () => {
    const g = new tf.Graph();
    const [a, x, y] = g.asDefault(() => {
      const a = tf.placeholder('float64', null);
      const x = tf.placeholder('float64', null);
      return [a, x, tf.betainc(a, 2, x)];
    });
    const sess = new tf.Session({ graph: g });
    try {
      await expect(sess.run(y, new Map([[a, new tf.NDArray(Float64Array.of(1, 2), [2], 'float64')], [x, new tf.NDArray(Float64Array.of(0.5, 0.5, 0.5), [3], 'float64')]]))).rejects.toThrow(
        'Shapes of a and x are inconsistent: [2] vs. [3]',
      );
      const ok = (await sess.run(y, new Map([[a, new tf.NDArray(Float64Array.of(1, 2), [2], 'float64')], [x, new tf.NDArray(Float64Array.of(0.5), [], 'float64')]]))) as NDArray;
      expectClose(ok, [0.75, 0.5], 1e-12, 0, 'betainc with a scalar x');
    } finally {
      await sess.close();
    }
  });

  it('Betainc has no gradient in a and b (None, as TF 1.15)', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const a = tf.constant(2, 'float64');
      const b = tf.constant(3, 'float64');
      const x = tf.constant(0.4, 'float64');
      const gr = tf.gradients(tf.betainc(a, b, x), [a, b, x]);
      expect(gr[0]).toBeNull();
      expect(gr[1]).toBeNull();
      expect(gr[2]).not.toBeNull();
    });
  });
});

describe('GraphDef', () => {
  it('writes TF\'s op types and attrs for the special, random-gamma/Poisson and sqrtm ops, and reads them back', async () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const a = tf.constant([1.5, 2], 'float64', [2]);
      tf.igamma(a, a, 'ig');
      tf.igammac(a, a, 'igc');
      tf.betainc(a, a, 0.5, 'bi');
      tf.linalg.sqrtm(tf.constant([4, 1, 0, 9], 'float64', [2, 2]), 'sq');
      tf.randomGamma([3], a, null, 'float64', 5, 'rg');
      tf.randomPoisson(a, [2], 'int32', 6, 'rp');
    });
    const gd = g.asGraphDef() as { node: { op: string; name: string; attr: Record<string, { type?: number; i?: number }> }[] };
    const node = (name: string) => gd.node.find((n) => n.name === name)!;
    expect(node('ig').op).toBe('Igamma');
    expect(node('ig').attr.T?.type).toBe(2);
    expect(node('igc').op).toBe('Igammac');
    expect(node('bi').attr.T?.type).toBe(2);
    expect(node('sq').op).toBe('MatrixSquareRoot');
    const rg = node('rg/RandomGamma');
    expect([rg.attr.S?.type, rg.attr.T?.type, Number(rg.attr.seed2?.i)]).toEqual([3, 2, 5]);
    const rp = node('rp');
    expect([rp.op, rp.attr.S?.type, rp.attr.R?.type, rp.attr.dtype?.type, Number(rp.attr.seed2?.i)]).toEqual(['RandomPoissonV2', 3, 2, 3, 6]);
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd as never, { name: '' }));
    const sess = new tf.Session({ graph: g2 });
    try {
      const [ig, sq, rgv, rpv] = (await sess.run(['ig:0', 'sq:0', 'rg:0', 'rp:0'])) as NDArray[];
      expectClose(ig!, [1.5, 2].map((x) => refIgamma(x, x)), 1e-9, 0, 'imported igamma');
      expectClose(sq!, [2, 0.2, 0, 3], 1e-12, 0, 'imported sqrtm');
      expect(rgv!.shape).toEqual([3, 2]);
      expect(rpv!.dtype).toBe('int32');
      expect(g2.getOperationByName('rg/RandomGamma').attrs.seed2).toBe(5);
    } finally {
      await sess.close();
    }
  });
});

// ----- finite-difference gradients --------------------------------------------------------------------
const posA = (r: () => number) => 0.6 + 3 * r();
const posX = (r: () => number) => 0.2 + 4 * r();
const unit = (r: () => number) => 0.1 + 0.8 * r();
const GRAD: GradCase[] = [
  { name: 'igamma in a and x', ins: [{ shape: [4], gen: posA }, { shape: [4], gen: posX }], f: (a, x) => tf.igamma(a, x) },
  { name: 'igamma broadcast a [2,1] against x [3]', ins: [{ shape: [2, 1], gen: posA }, { shape: [3], gen: posX }], f: (a, x) => tf.igamma(a, x) },
  { name: 'igammac in a and x', ins: [{ shape: [4], gen: posA }, { shape: [4], gen: posX }], f: (a, x) => tf.igammac(a, x) },
  { name: 'igamma in the upper tail (x > a + 1)', ins: [{ shape: [3], gen: (r) => 1 + r() }, { shape: [3], gen: (r) => 5 + 3 * r() }], f: (a, x) => tf.igamma(a, x) },
  {
    name: 'betainc in x (a, b constant)',
    ins: [{ shape: [4], gen: unit }],
    f: (x: Tensor) => tf.betainc(tf.constant([0.8, 2, 3.5, 1], x.dtype), tf.constant([1.5, 2.5, 0.9, 1], x.dtype), x),
  },
  { name: 'betainc with scalar a, b', ins: [{ shape: [3], gen: unit }], f: (x: Tensor) => tf.betainc(2.5, 1.7, x) },
  { name: 'lbeta', ins: [{ shape: [2, 3], gen: posA }], f: (x) => tf.lbeta(x) },
];
describeGradients('finite-difference gradients of igamma / igammac / betainc / lbeta', GRAD, devices);
