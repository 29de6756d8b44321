/**
 * tf.tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh (also under tf.math) on every device:
 * values against float64 Math references (NaN outside the domain, ±Infinity at atanh(±1), as TF's
 * Eigen kernels give), TF's GraphDef op types, the dtypes TF accepts, and finite-difference
 * gradients of TF 1.15 math_grad.py's formulas.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

type Fn = (x: Tensor) => Tensor;
const CASES: { name: string; op: string; f: Fn; ref: (x: number) => number; xs: number[] }[] = [
  { name: 'tan', op: 'Tan', f: tf.tan, ref: Math.tan, xs: [0, 0.5, -1, 1.2, -3, Infinity, NaN] },
  { name: 'asin', op: 'Asin', f: tf.asin, ref: Math.asin, xs: [0, 0.5, -0.9, 1, -1, 1.5, -2, NaN] },
  { name: 'acos', op: 'Acos', f: tf.acos, ref: Math.acos, xs: [0, 0.5, -0.9, 1, -1, 1.5, -2, NaN] },
  { name: 'atan', op: 'Atan', f: tf.atan, ref: Math.atan, xs: [0, 0.5, -3, 100, Infinity, -Infinity, NaN] },
  { name: 'sinh', op: 'Sinh', f: tf.sinh, ref: Math.sinh, xs: [0, 0.5, -1, 3, -5, NaN] },
  { name: 'cosh', op: 'Cosh', f: tf.cosh, ref: Math.cosh, xs: [0, 0.5, -1, 3, -5, NaN] },
  { name: 'asinh', op: 'Asinh', f: tf.asinh, ref: Math.asinh, xs: [0, 0.5, -1, 30, -200, NaN] },
  { name: 'acosh', op: 'Acosh', f: tf.acosh, ref: Math.acosh, xs: [1, 1.5, 3, 200, 0.5, -1, NaN] },
  { name: 'atanh', op: 'Atanh', f: tf.atanh, ref: Math.atanh, xs: [0, 0.5, -0.9, 1, -1, 1.5, NaN] },
];

const close = (got: number, want: number, tol: number, what: string): void => {
  if (Number.isNaN(want)) expect(got, what).toBeNaN();
  else if (!Number.isFinite(want)) expect(got, what).toBe(want);
  else expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want)));
};

for (const dev of devices) {
  describe(`inverse and hyperbolic trig functions (${dev.name})`, () => {
    it('values in float32 against float64 references, domain edges', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const outs = g.asDefault(() => CASES.map((c) => c.f(tf.constant(Float32Array.from(c.xs)))));
      const sess = new tf.Session({ graph: g, ...dev.options });
      const got = (await sess.run(outs)) as NDArray[];
      CASES.forEach((c, k) => {
        expect(got[k]!.dtype).toBe('float32');
        c.xs.forEach((x, i) => close(got[k]!.data[i] as number, c.ref(Math.fround(x)), 4e-6 * dev.caps.tolScale, `${c.name}(${x})`));
      });
      await sess.close();
    });
  });
}

describe('trig op declarations', () => {
  it('float64 values, TF op types and names, tf.math aliases, GraphDef round trip', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const x = tf.placeholder('float64', [3], { name: 'x' });
      return { x, outs: CASES.map((c) => c.f(x)) };
    });
    CASES.forEach((c, k) => {
      expect(m.outs[k]!.op.type).toBe(c.op);
      expect(m.outs[k]!.name).toBe(`${c.op}:0`);
      expect(m.outs[k]!.shape).toEqual([3]);
      expect((tf.math as unknown as Record<string, Fn>)[c.name]).toBe(c.f);
    });
    const xs = [0.25, -0.75, 1.75];
    const sess = new tf.Session({ graph: g });
    const got = (await sess.run(m.outs, [[m.x, new tf.NDArray(Float64Array.from(xs), [3], 'float64')]])) as NDArray[];
    CASES.forEach((c, k) => xs.forEach((x, i) => close(got[k]!.data[i] as number, c.ref(x), 0, `${c.name}(${x})`)));
    await sess.close();

    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(g.asGraphDef(), { name: '' }));
    for (const c of CASES) expect(g2.getOperationByName(c.op).type).toBe(c.op);
  });

  it('refuses integer inputs as TF does', () => {
    new tf.Graph().asDefault(() => {
      expect(() => tf.acos(tf.constant([1, 2], 'int32'))).toThrow(
        "Value passed to parameter 'x' has DataType int32 not in list of allowed values: bfloat16, float16, float32, float64, complex64, complex128",
      );
    });
  });
});

const inside = (lo: number, hi: number) => (r: () => number) => lo + (hi - lo) * r();
const GRAD: GradCase[] = [
  { name: 'tan', ins: [{ shape: [2, 3] }], f: (x) => tf.tan(x) },
  { name: 'asin', ins: [{ shape: [2, 3], gen: inside(-0.8, 0.8) }], f: (x) => tf.asin(x) },
  { name: 'acos', ins: [{ shape: [2, 3], gen: inside(-0.8, 0.8) }], f: (x) => tf.acos(x) },
  { name: 'atan', ins: [{ shape: [2, 3], gen: inside(-3, 3) }], f: (x) => tf.atan(x) },
  { name: 'sinh', ins: [{ shape: [2, 3], gen: inside(-2, 2) }], f: (x) => tf.sinh(x) },
  { name: 'cosh', ins: [{ shape: [2, 3], gen: inside(-2, 2) }], f: (x) => tf.cosh(x) },
  { name: 'asinh', ins: [{ shape: [2, 3], gen: inside(-3, 3) }], f: (x) => tf.asinh(x) },
  { name: 'acosh', ins: [{ shape: [2, 3], gen: inside(1.5, 3) }], f: (x) => tf.acosh(x) },
  { name: 'atanh', ins: [{ shape: [2, 3], gen: inside(-0.8, 0.8) }], f: (x) => tf.atanh(x) },
];

describeGradients('finite-difference gradients of the trig functions', GRAD, devices);
