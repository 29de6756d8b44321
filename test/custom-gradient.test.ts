/**
 * tf.RegisterGradient + graph.gradientOverrideMap (gradient reversal, straight-through sign and
 * round), tf.NotDifferentiable, and tf.customGradient (TF's log1pexp doc example, captured
 * variables, second derivatives) on every device, with finite-difference checks.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { describeGradients } from './support/grad-check.js';

registerSkipSummary();
const devices = await resolvedDevices();

// The gradient-reversal layer of DANN: identity forward, −λ·grad backward.
tf.RegisterGradient('FlipGradient')((_op, grad) => [tf.multiply(grad, -1)]);

const log1pexp = tf.customGradient((x: Tensor) => {
  const e = tf.exp(x);
  return [tf.log(tf.add(1, e)), (dy) => tf.multiply(dy as Tensor, tf.subtract(1, tf.divide(1, tf.add(1, e))))];
});

const f32 = (v: number[], shape = [v.length]) => new tf.NDArray(Float32Array.from(v), shape, 'float32');

for (const dev of devices) {
  describe(`custom gradients [${dev.name}]`, () => {
    it('a gradient-reversal layer makes SGD climb the loss it would descend (numbers)', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const { w, v, train, wFlip } = g.asDefault(() => {
        // loss = (flip(w)·2 − 3)² + (v·2 − 3)²: w gets the reversed gradient, v the true one.
        const w = new tf.Variable(1.0, { name: 'w' });
        const v = new tf.Variable(1.0, { name: 'v' });
        const wFlip = g.gradientOverrideMap({ Identity: 'FlipGradient' }, () => tf.identity(w));
        const loss = tf.add(tf.square(tf.subtract(tf.multiply(wFlip, 2), 3)), tf.square(tf.subtract(tf.multiply(v, 2), 3)));
        const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
        return { w, v, train, wFlip };
      });
      expect(wFlip.op.attrs._gradient_op_type).toBe('FlipGradient');
      const sess = new tf.Session({ ...dev.options, graph: g });
      await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
      let we = 1;
      let ve = 1;
      for (let i = 0; i < 5; i++) {
        await sess.run(train);
        we += 0.1 * 2 * (2 * we - 3) * 2;
        ve -= 0.1 * 2 * (2 * ve - 3) * 2;
      }
      const [wv, vv] = (await sess.run([w.value(), v.value()])) as NDArray[];
      expect(wv!.data[0]).toBeCloseTo(we, 4);
      expect(vv!.data[0]).toBeCloseTo(ve, 4);
      expect(we).toBeLessThan(0); // moved away from the optimum 1.5
      expect(ve).toBeCloseTo(1.5, 1);
      await sess.close();
    });

    it('straight-through estimators: Sign and Round with the Identity gradient', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const { x, y, r, dx, dr, dPlain } = g.asDefault(() => {
        const x = tf.placeholder(tf.float32, [4]);
        const y = g.gradientOverrideMap({ Sign: 'Identity', Round: 'Identity' }, () => tf.sign(x));
        const r = g.gradientOverrideMap({ Round: 'Identity' }, () => tf.round(tf.multiply(x, 3)));
        const w = tf.constant(f32([0.5, -1, 2, 3]));
        const [dx] = tf.gradients(tf.reduceSum(tf.multiply(y, w)), x);
        const [dr] = tf.gradients(tf.reduceSum(tf.multiply(r, w)), x);
        const [dPlain] = tf.gradients(tf.reduceSum(tf.multiply(tf.sign(x), w)), x);
        return { x, y, r, dx, dr, dPlain };
      });
      const sess = new tf.Session({ ...dev.options, graph: g });
      const [yv, rv, dxv, drv, dpv] = (await sess.run([y, r, dx!, dr!, dPlain!], new Map([[x, f32([-0.3, 0.2, 1.4, -2])]]))) as NDArray[];
      expect(Array.from(yv!.data)).toEqual([-1, 1, 1, -1]);
      expect(Array.from(rv!.data)).toEqual([-1, 1, 4, -6]);
      expect(Array.from(dxv!.data)).toEqual([0.5, -1, 2, 3]);
      expect(Array.from(drv!.data)).toEqual([1.5, -3, 6, 9]);
      expect(Array.from(dpv!.data)).toEqual([0, 0, 0, 0]);
      await sess.close();
    });

    it("customGradient: TF's log1pexp example is finite at x = 100, and second derivatives differentiate gradFn", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const { x, y, dy, d2, naive } = g.asDefault(() => {
        const x = tf.placeholder(tf.float32, [3]);
        const y = log1pexp(x);
        const [dy] = tf.gradients(y, x);
        const [d2] = tf.gradients(dy!, x);
        const [naive] = tf.gradients(tf.log(tf.add(1, tf.exp(x))), x);
        return { x, y, dy, d2, naive };
      });
      expect(y.op.type).toBe('IdentityN');
      expect(y.op.attrs._gradient_op_type).toMatch(/^CustomGradient-\d+$/);
      const sess = new tf.Session({ ...dev.options, graph: g });
      const xs = [100, 0, -2];
      const [yv, dv, d2v, nv] = (await sess.run([y, dy!, d2!, naive!], new Map([[x, f32(xs)]]))) as NDArray[];
      const sig = (t: number) => 1 / (1 + Math.exp(-t));
      const tol = 1e-5 * dev.caps.tolScale;
      expect(yv!.data[0]).toBe(Infinity); // the forward is f's own (log(1 + e^100) overflows in float32)
      expect(yv!.data[1]).toBeCloseTo(Math.log(2), 5);
      xs.forEach((t, i) => expect(Math.abs(dv!.data[i]! - sig(t))).toBeLessThan(tol));
      expect(Number.isNaN(nv!.data[0])).toBe(true); // the naive gradient: inf / inf
      // d/dx of gradFn's 1 − 1/(1+eˣ) is σ(x)(1 − σ(x)).
      [1, 2].forEach((i) => expect(Math.abs(d2v!.data[i]! - sig(xs[i]!) * (1 - sig(xs[i]!)))).toBeLessThan(tol));
      await sess.close();
    });

    it('customGradient with a captured variable: gradFn(dy, {variables}) → [dxs, dvars]', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const seen: string[] = [];
      const { x, dx, dv, y } = g.asDefault(() => {
        const v = new tf.Variable(f32([2, -1]), { name: 'scale' });
        const scaled = tf.customGradient((x: Tensor) => {
          const y = tf.multiply(x, v);
          return [y, (dy, opts) => {
            const { variables } = opts as { variables: tf.Variable[] };
            seen.push(...variables.map((u) => u.name));
            // A deliberately non-true gradient for the variable, to see it is the one used.
            return [tf.multiply(dy as Tensor, variables[0]!), [tf.multiply(tf.multiply(dy as Tensor, x), 10)]];
          }];
        });
        const x = tf.placeholder(tf.float32, [2]);
        const y = scaled(x);
        const [dx, dv] = tf.gradients(tf.reduceSum(tf.multiply(y, [1, 3])), [x, v]);
        return { x, dx, dv, y };
      });
      expect(seen).toEqual(['scale:0']);
      const sess = new tf.Session({ ...dev.options, graph: g });
      await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
      const [yv, dxv, dvv] = (await sess.run([y, dx!, dv!], new Map([[x, f32([0.5, 4])]]))) as NDArray[];
      expect(Array.from(yv!.data)).toEqual([1, -4]);
      expect(Array.from(dxv!.data)).toEqual([2, -3]);
      expect(Array.from(dvv!.data)).toEqual([5, 120]);
      await sess.close();
    });
  });
}

const flip = (t: Tensor) => t.graph.gradientOverrideMap({ Identity: 'FlipGradient' }, () => tf.identity(t));
describeGradients('finite-difference gradients through custom gradients', [
  { name: 'log1pexp', test: 'customGradient log1pexp', ins: [{ shape: [2, 3] }], f: (x) => log1pexp(x) },
  { name: 'flip∘flip', test: 'two FlipGradient layers cancel', ins: [{ shape: [4] }], f: (x) => tf.tanh(tf.multiply(flip(flip(x)), x)) },
], devices);

describe('registration errors', () => {
  it("TF's KeyError for a second registration, the TypeError for a non-string, and the LookupError for a missing override", () => {
    expect(() => tf.RegisterGradient('FlipGradient')((_op, g) => g)).toThrow(
      /^Registering two gradient with name 'FlipGradient'! \(Previous registration was in .*custom-gradient\.test\.ts:\d+\)$/,
    );
    expect(() => tf.RegisterGradient('Square')((_op, g) => g)).toThrow(tf.errors.KeyError);
    expect(() => tf.RegisterGradient(3 as never)).toThrow(new TypeError('op_type must be a string'));
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [2]);
      expect(() => g.gradientOverrideMap([] as never, () => 0)).toThrow('op_type_map must be a dictionary mapping strings to strings');
      const y = g.gradientOverrideMap({ Identity: 'NoSuchGradient' }, () => tf.identity(x, 'id'));
      expect(() => tf.gradients(y, x)).toThrow("No gradient defined for operation 'id' (op type: Identity)");
      // Outside the scope ops are ordinary again; the override is written into the GraphDef.
      expect(tf.identity(x).op.attrs._gradient_op_type).toBeUndefined();
      const node = g.asGraphDef().node.find((n) => n.name === 'id')!;
      expect(new TextDecoder().decode(node.attr._gradient_op_type!.s)).toBe('NoSuchGradient');
    });
  });

  it("customGradient: TF's TypeError when f reads a variable and gradFn takes no {variables}", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const v = new tf.Variable(2, { name: 'v' });
      const f = tf.customGradient((x: Tensor) => [tf.multiply(x, v), (dy) => dy as Tensor]);
      expect(() => f(tf.constant(1))).toThrow(
        new TypeError("If using @custom_gradient with a function that uses variables, then grad_fn must accept a keyword argument 'variables'."),
      );
      // Without variables the gradient may take just the result gradients.
      const h = tf.customGradient((x: Tensor) => [tf.multiply(x, 3), (dy) => tf.multiply(dy as Tensor, 3)]);
      const x = tf.constant(1);
      expect(tf.gradients(h(x), x)[0]).not.toBeNull();
    });
  });

  it('a GraphDef keeps the override: the imported graph differentiates with it', async () => {
    const g = new tf.Graph();
    const gd = g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [2], 'x');
      g.gradientOverrideMap({ Identity: 'FlipGradient' }, () => tf.identity(x, 'flip'));
      return g.asGraphDef();
    });
    const g2 = new tf.Graph();
    const dx = g2.asDefault(() => {
      tf.importGraphDef(gd, { name: '' });
      const y = g2.getTensorByName('flip:0');
      expect(y.op.attrs._gradient_op_type).toBe('FlipGradient');
      return tf.gradients(tf.reduceSum(tf.multiply(y, [2, 5])), g2.getTensorByName('x:0'))[0]!;
    });
    const sess = new tf.Session({ graph: g2 });
    const v = (await sess.run(dx, new Map([[g2.getTensorByName('x:0'), new tf.NDArray(Float32Array.of(1, 1), [2], 'float32')]]))) as NDArray;
    expect(Array.from(v.data)).toEqual([-2, -5]);
    await sess.close();
  });

  it('tf.NotDifferentiable cuts the gradient of an op type', () => {
    tf.NotDifferentiable('CustomNoGradTestOnly');
    expect(() => tf.NotDifferentiable('CustomNoGradTestOnly')).toThrow(/^Registering two gradient with name 'CustomNoGradTestOnly'!/);
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [2]);
      const y = g.gradientOverrideMap({ Square: 'CustomNoGradTestOnly' }, () => tf.square(x));
      expect(tf.gradients(tf.reduceSum(y), x)).toEqual([null]);
    });
  });
});
