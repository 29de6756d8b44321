/**
 * tf.atan2, erf, erfc, lgamma, digamma, polygamma, zeta, rint, isFinite, nn.softsign,
 * truncatediv, truncatemod, div, truediv, realdiv, saturateCast and accumulateN on every device:
 * float32 values against reference values from closed forms (erf/erfc tables, log-factorials,
 * ψ(1) = −γ, ψ(½) = −γ − 2 ln 2, ζ(2) = π²/6, ζ(4) = π⁴/90, ζ(3) = Apéry's constant, and the
 * recurrences and reflections that move them), the edge values TF's Eigen kernels give, TF's op
 * types and dtype errors, GraphDef round trips and finite-difference gradients of TF 1.15's
 * math_grad.py formulas.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

const EULER = 0.5772156649015329;
const PI2_6 = Math.PI ** 2 / 6;
const APERY = 1.2020569031595942;
const LN_SQRT_PI = 0.5 * Math.log(Math.PI);

type Fn = (x: Tensor) => Tensor;
/** [x, f(x)] pairs from tables and closed forms. */
const UNARY: { name: string; op: string; f: Fn; pairs: [number, number][] }[] = [
  {
    name: 'erf', op: 'Erf', f: tf.erf, pairs: [
      [0, 0], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [-1.5, -0.9661051464753108], [2, 0.9953222650189527],
      [3, 0.9999779095030014], [1e-3, 0.0011283787909692363], [Infinity, 1], [-Infinity, -1], [NaN, NaN],
    ],
  },
  {
    name: 'erfc', op: 'Erfc', f: tf.erfc, pairs: [
      [0, 1], [0.5, 0.4795001221869535], [-1, 1.8427007929497148], [2, 0.004677734981047266], [3, 2.209049699858544e-5],
      [5, 1.5374597944280349e-12], [9, 4.13703174651381e-37], [Infinity, 0], [-Infinity, 2], [NaN, NaN],
    ],
  },
  {
    name: 'lgamma', op: 'Lgamma', f: tf.lgamma, pairs: [
      [1, 0], [2, 0], [0.5, LN_SQRT_PI], [1.5, LN_SQRT_PI - Math.LN2], [3, Math.LN2], [10, Math.log(362880)],
      [-0.5, LN_SQRT_PI + Math.log(2)], [-1.5, LN_SQRT_PI + Math.log(4 / 3)], [100, 359.1342053695754],
      [0, Infinity], [-2, Infinity], [Infinity, Infinity], [-Infinity, Infinity], [NaN, NaN],
    ],
  },
  {
    name: 'digamma', op: 'Digamma', f: tf.digamma, pairs: [
      [1, -EULER], [2, 1 - EULER], [0.5, -EULER - 2 * Math.LN2], [1.5, 2 - EULER - 2 * Math.LN2],
      [10, 1 + 1 / 2 + 1 / 3 + 1 / 4 + 1 / 5 + 1 / 6 + 1 / 7 + 1 / 8 + 1 / 9 - EULER], [-0.5, 2 - EULER - 2 * Math.LN2],
      [-2.5, 2 + 2 / 3 + 0.4 - EULER - 2 * Math.LN2], [0, NaN], [-3, NaN], [NaN, NaN],
    ],
  },
  {
    name: 'rint', op: 'Rint', f: tf.rint, pairs: [
      [0.5, 0], [1.5, 2], [2.5, 2], [-0.5, -0], [-1.5, -2], [2.4, 2], [-2.6, -3], [Infinity, Infinity], [NaN, NaN],
    ],
  },
  {
    name: 'softsign', op: 'Softsign', f: tf.nn.softsign, pairs: [[0, 0], [1, 0.5], [-3, -0.75], [0.25, 0.2], [Infinity, NaN]],
  },
];

/** [a, b, f(a, b)]. */
const BINARY: { name: string; op: string; f: (a: Tensor, b: Tensor) => Tensor; triples: [number, number, number][] }[] = [
  {
    name: 'atan2', op: 'Atan2', f: tf.atan2,
    triples: [[1, 1, Math.PI / 4], [1, -1, (3 * Math.PI) / 4], [-2, -2, (-3 * Math.PI) / 4], [0.5, 3, Math.atan(0.5 / 3)], [1, 0, Math.PI / 2], [0, -1, Math.PI]],
  },
  {
    name: 'zeta', op: 'Zeta', f: tf.zeta,
    triples: [
      [2, 1, PI2_6], [4, 1, Math.PI ** 4 / 90], [3, 1, APERY], [2, 0.5, Math.PI ** 2 / 2], [2, 2, PI2_6 - 1], [3, 3, APERY - 1 - 1 / 8],
      [1, 1, Infinity], [0.5, 1, NaN], [2, -1, Infinity], [2.5, -0.5, NaN],
    ],
  },
  {
    name: 'polygamma', op: 'Polygamma', f: tf.polygamma,
    triples: [
      [1, 1, PI2_6], [2, 1, -2 * APERY], [1, 0.5, Math.PI ** 2 / 2], [0, 1, -EULER], [3, 1, Math.PI ** 4 / 15], [1, 2, PI2_6 - 1],
      [0.5, 1, NaN], [-1, 1, NaN],
    ],
  },
  { name: 'truncatemod', op: 'TruncateMod', f: tf.truncatemod, triples: [[7.5, 2, 1.5], [-7.5, 2, -1.5], [7.5, -2, 1.5], [-1, 3, -1]] },
  { name: 'truncatediv', op: 'TruncateDiv', f: tf.truncatediv, triples: [[7, 2, 3], [-7, 2, -3], [7.5, -2, -3], [-1, 3, -0]] },
];

/** Within `ulps` float32 units of the float32-rounded reference (or a small absolute floor). */
function near(got: number, want: number, ulps: number, abs: number, what: string): void {
  if (Number.isNaN(want)) return void expect(got, what).toBeNaN();
  if (!Number.isFinite(want)) return void expect(got, what).toBe(want);
  const w = Math.fround(want);
  const ulp = Math.max(Math.abs(w) * 2 ** -23, 1.2e-38);
  expect(Math.abs(got - w), `${what}: ${got} vs ${w}`).toBeLessThanOrEqual(ulps * ulp + abs);
}

for (const dev of devices) {
  describe(`special functions and division ops (${dev.name})`, () => {
    const gpu = dev.name === 'webgpu';
    // The CPU computes in float64 and rounds once; WebGPU evaluates the series in f32.
    const ulps = gpu ? 64 * dev.caps.tolScale : 1;
    const abs = gpu ? 2e-7 * dev.caps.tolScale : 0;

    it('float32 values of the unary functions against closed forms', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const outs = g.asDefault(() => UNARY.map((c) => c.f(tf.constant(Float32Array.from(c.pairs.map((p) => p[0]))))));
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got = (await sess.run(outs)) as NDArray[];
      UNARY.forEach((c, k) => {
        expect(got[k]!.dtype).toBe('float32');
        c.pairs.forEach(([x, y], i) => near(got[k]!.data[i] as number, y, ulps, abs, `${c.name}(${x})`));
      });
      await sess.close();
    });

    it('float32 values of the binary functions', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const outs = g.asDefault(() =>
        BINARY.map((c) => c.f(tf.constant(Float32Array.from(c.triples.map((t) => t[0]))), tf.constant(Float32Array.from(c.triples.map((t) => t[1]))))),
      );
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got = (await sess.run(outs)) as NDArray[];
      BINARY.forEach((c, k) => c.triples.forEach(([a, b, y], i) => near(got[k]!.data[i] as number, y, ulps, abs, `${c.name}(${a}, ${b})`)));
      await sess.close();
    });

    it('isFinite, integer truncatediv / truncatemod, div, truediv, saturateCast, accumulateN', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const o = g.asDefault(() => {
        const a = tf.constant([7, -7, 7, -7], tf.int32);
        const b = tf.constant([2, 2, -2, -2], tf.int32);
        const f = tf.constant([-1e10, 300.7, -5.5, 1e10]);
        return {
          fin: tf.isFinite(tf.constant([1, Infinity, -Infinity, NaN, 0])),
          tdiv: tf.truncatediv(a, b),
          tmod: tf.truncatemod(a, b),
          idiv: tf.div(a, b),
          fdiv: tf.div(tf.constant([7, -7]), tf.constant([2, 2])),
          tdiv16: tf.truediv(tf.constant([7, -7], tf.int16), tf.constant([2, 4], tf.int16)),
          real: tf.realdiv(tf.constant([1, 3]), tf.constant([4, -2])),
          u8: tf.saturateCast(f, tf.uint8),
          i32: tf.saturateCast(f, tf.int32),
          i16: tf.saturateCast(tf.constant([-300000, 70000, -3], tf.int32), tf.int16),
          acc: tf.accumulateN([tf.constant([1, 2, 3]), tf.constant([10, 20, 30]), tf.constant([100, 200, 300])]),
        };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const r = (await sess.run(o)) as Record<string, NDArray>;
      expect(r.fin!.toArray()).toEqual([true, false, false, false, true]);
      expect(Array.from(r.tdiv!.data)).toEqual([3, -3, -3, 3]);
      expect(Array.from(r.tmod!.data)).toEqual([1, -1, 1, -1]);
      expect(r.idiv!.dtype).toBe('int32');
      expect(Array.from(r.idiv!.data)).toEqual([3, -4, -4, 3]);
      expect(Array.from(r.fdiv!.data)).toEqual([3.5, -3.5]);
      expect(r.tdiv16!.dtype).toBe('float32');
      expect(Array.from(r.tdiv16!.data)).toEqual([3.5, -1.75]);
      expect(Array.from(r.real!.data)).toEqual([0.25, -1.5]);
      expect(r.u8!.dtype).toBe('uint8');
      expect(Array.from(r.u8!.data)).toEqual([0, 255, 0, 255]);
      expect(Array.from(r.i32!.data)).toEqual([-2147483648, 300, -5, 2147483647]);
      expect(Array.from(r.i16!.data)).toEqual([-32768, 32767, -3]);
      expect(Array.from(r.acc!.data)).toEqual([111, 222, 333]);
      await sess.close();
    });
  });
}

describe('special function and division op declarations', () => {
  it('float64 values, op types, tf.math aliases, GraphDef round trip', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const x = tf.placeholder('float64', [3], { name: 'x' });
      const y = tf.placeholder('float64', [3], { name: 'y' });
      const outs = [
        tf.erf(x), tf.erfc(x), tf.lgamma(x), tf.digamma(x), tf.rint(x), tf.isFinite(x), tf.nn.softsign(x),
        tf.atan2(y, x), tf.zeta(y, x), tf.polygamma(tf.constant([1, 2, 1], tf.float64), x), tf.truncatemod(y, x), tf.truncatediv(y, x),
        tf.accumulateN([x, y], null, null, 'acc'), tf.truediv(tf.constant([7], tf.int32), tf.constant([2], tf.int32)),
      ];
      return { x, y, outs };
    });
    const types = ['Erf', 'Erfc', 'Lgamma', 'Digamma', 'Rint', 'IsFinite', 'Softsign', 'Atan2', 'Zeta', 'Polygamma', 'TruncateMod', 'TruncateDiv', 'AccumulateNV2', 'RealDiv'];
    m.outs.forEach((t, k) => expect(t.op.type).toBe(types[k]));
    expect(m.outs[0]!.name).toBe('Erf:0');
    expect(m.outs[12]!.name).toBe('acc:0');
    expect(m.outs[13]!.name).toBe('truediv:0');
    expect(m.outs[13]!.dtype).toBe('float64');
    for (const k of ['erf', 'erfc', 'lgamma', 'digamma', 'rint', 'isFinite', 'softsign', 'atan2', 'zeta', 'polygamma', 'truncatediv', 'truncatemod', 'truediv', 'realdiv', 'accumulateN', 'saturateCast']) {
      expect((tf.math as unknown as Record<string, unknown>)[k], k).toBe((tf as unknown as Record<string, unknown>)[k] ?? tf.nn.softsign);
    }
    const xs = [0.75, 2.5, 4];
    const ys = [3, -1.25, 2];
    const sess = new tf.Session({ graph: g });
    const got = (await sess.run(m.outs, [[m.x, new tf.NDArray(Float64Array.from(xs), [3], 'float64')], [m.y, new tf.NDArray(Float64Array.from(ys), [3], 'float64')]])) as NDArray[];
    const close = (a: number, b: number, what: string) => expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-14 * (1 + Math.abs(b)));
    // Γ(2.5) = 3√π/4, Γ(4) = 6; ψ(4) = 1 + 1/2 + 1/3 − γ; ζ(2, 4) = π²/6 − 1 − 1/4 − 1/9; ψ′(4) = ζ(2, 4).
    close(got[2]!.data[1] as number, Math.log((3 * Math.sqrt(Math.PI)) / 4), 'lgamma(2.5)');
    close(got[2]!.data[2] as number, Math.log(6), 'lgamma(4)');
    close(got[3]!.data[2] as number, 1 + 1 / 2 + 1 / 3 - EULER, 'digamma(4)');
    close(got[8]!.data[2] as number, PI2_6 - 1 - 1 / 4 - 1 / 9, 'zeta(2, 4)');
    close(got[9]!.data[2] as number, PI2_6 - 1 - 1 / 4 - 1 / 9, 'polygamma(1, 4)');
    close(got[1]!.data[0] as number, 1 - (got[0]!.data[0] as number), 'erfc(0.75)');
    expect(Array.from(got[4]!.data)).toEqual([1, 2, 4]);
    expect(Array.from(got[7]!.data)).toEqual(xs.map((x, i) => Math.atan2(ys[i]!, x)));
    expect(Array.from(got[10]!.data)).toEqual([0, -1.25, 2]);
    expect(Array.from(got[11]!.data)).toEqual([4, -0, 0]);
    expect(Array.from(got[12]!.data)).toEqual([3.75, 1.25, 6]);
    expect(Array.from(got[13]!.data)).toEqual([3.5]);
    await sess.close();

    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(g.asGraphDef(), { name: '' }));
    for (const t of types) expect(g2.getOperations().some((op) => op.type === t), t).toBe(true);
    const acc = g.asGraphDef().node.find((n) => n.name === 'acc')!;
    expect(acc.op).toBe('AccumulateNV2');
    expect(Object.keys(acc.attr).sort()).toEqual(['N', 'T', 'shape']);
  });

  it("TF's errors: dtypes, mismatched division operands, accumulateN shapes, no gradient", () => {
    new tf.Graph().asDefault(() => {
      const ints = tf.constant([1, 2], tf.int32);
      const FL = 'bfloat16, float16, float32, float64';
      expect(() => tf.erf(ints)).toThrow(`Value passed to parameter 'x' has DataType int32 not in list of allowed values: ${FL}`);
      expect(() => tf.lgamma(ints)).toThrow(`Value passed to parameter 'x' has DataType int32 not in list of allowed values: ${FL}`);
      expect(() => tf.atan2(ints, ints)).toThrow(`Value passed to parameter 'y' has DataType int32 not in list of allowed values: ${FL}`);
      expect(() => tf.nn.softsign(ints)).toThrow(`Value passed to parameter 'features' has DataType int32 not in list of allowed values: ${FL}`);
      expect(() => tf.zeta(tf.constant([1], tf.float16), tf.constant([1], tf.float16))).toThrow(
        "Value passed to parameter 'x' has DataType float16 not in list of allowed values: float32, float64",
      );
      expect(() => tf.truncatemod(tf.constant([1], tf.uint8), tf.constant([1], tf.uint8))).toThrow(
        `Value passed to parameter 'x' has DataType uint8 not in list of allowed values: int32, int64, ${FL}`,
      );
      expect(() => tf.atan2(tf.constant([1]), tf.constant([1], tf.float64))).toThrow(
        "Input 'x' of 'Atan2' Op has type float64 that does not match type float32 of argument 'y'.",
      );
      expect(() => tf.div(ints, tf.constant([1, 2]))).toThrow('x and y must have the same dtype, got tf.int32 != tf.float32');
      expect(() => tf.truediv(tf.constant([true]), tf.constant([true]))).toThrow('Invalid dtype tf.bool in __truediv__');
      expect(() => tf.accumulateN([])).toThrow('inputs must be a list of at least one Tensor with the same dtype and shape');
      expect(() => tf.accumulateN([tf.constant([1, 2]), tf.constant([1, 2, 3])])).toThrow('Shapes (2,) and (3,) are not compatible');
      expect(() => tf.accumulateN([ints, tf.constant([1, 2])])).toThrow('inputs must be a list of at least one Tensor with the same dtype and shape');
      const a = tf.constant([1, 2]);
      expect(tf.accumulateN([a])).toBe(a);
      expect(() => tf.gradients(tf.truncatemod(a, a), [a])).toThrow(/No gradient defined for operation.*TruncateMod/);
      expect(tf.gradients(tf.rint(a), [a])).toEqual([null]);
      expect(tf.gradients(tf.reduceSum(tf.cast(tf.isFinite(a), tf.float32)), [a])).toEqual([null]);
    });
  });

  it('accumulateN: run-time shapes must agree', async () => {
    const g = new tf.Graph();
    const { p, s } = g.asDefault(() => {
      const p = tf.placeholder(tf.float32, null, { name: 'p' });
      return { p, s: tf.accumulateN([p, tf.constant([1, 2])], null, null, 'acc') };
    });
    const sess = new tf.Session({ graph: g });
    await expect(sess.run(s, [[p, [1, 2, 3]]])).rejects.toThrow('Inputs to operation acc of type AccumulateNV2 must have the same size and shape.  Input 0: [3] != input 1: [2]');
    await sess.close();
  });
});

const inside = (lo: number, hi: number) => (r: () => number) => lo + (hi - lo) * r();
const GRAD: GradCase[] = [
  { name: 'erf', ins: [{ shape: [4], gen: inside(-1.5, 1.5) }], f: (x) => tf.erf(x) },
  { name: 'erfc', ins: [{ shape: [4], gen: inside(-1.5, 1.5) }], f: (x) => tf.erfc(x) },
  { name: 'lgamma', ins: [{ shape: [4], gen: inside(0.5, 4) }], f: (x) => tf.lgamma(x) },
  { name: 'digamma', ins: [{ shape: [4], gen: inside(0.7, 4) }], f: (x) => tf.digamma(x) },
  { name: 'polygamma (x)', ins: [{ shape: [4], gen: inside(0.7, 4) }], f: (x) => tf.polygamma(tf.constant([1, 2, 1, 3], x.dtype), x) },
  { name: 'zeta (q)', ins: [{ shape: [4], gen: inside(0.7, 4) }], f: (q) => tf.zeta(tf.constant(2.5, q.dtype), q) },
  { name: 'atan2', ins: [{ shape: [4], gen: 'away' }, { shape: [1], gen: 'away' }], f: (y, x) => tf.atan2(y, x) },
  { name: 'softsign', ins: [{ shape: [4], gen: 'away' }], f: (x) => tf.nn.softsign(x) },
  { name: 'accumulateN', ins: [{ shape: [4] }, { shape: [4] }, { shape: [4] }], f: (a, b, c) => tf.accumulateN([a, tf.multiply(b, b), c]) },
  { name: 'truediv, div (floats)', ins: [{ shape: [4] }, { shape: [1], gen: 'pos' }], f: (a, b) => [tf.truediv(a, b), tf.div(tf.multiply(a, a), b)] },
];

describeGradients('finite-difference gradients of the special functions', GRAD, devices);
