/**
 * TF1's ref variables: a Variable's `/read` snapshot forwards the variable's buffer, which
 * Assign overwrites in place, so an op that depends on an assign (a control dependency, or data)
 * and reads the variable through its snapshot sees the assigned value — the idiom
 * `with tf.control_dependencies([assign]): y = tf.identity(v)`. A read that nothing orders after
 * the assign sees the value from before the run's assigns.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();
const val = (x: unknown): number => (x as NDArray).data[0] as number;

for (const dev of devices) {
  describe(`a Variable's reads after an assign they depend on (${dev.name})`, () => {
    it('identity(v) and identity(v.value()) under controlDependencies([assign]) see the assign', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const v = new tf.Variable(5, { name: 'v' });
        const a = tf.assign(v, 7);
        const y = tf.controlDependencies([a], () => tf.identity(v));
        const z = tf.controlDependencies([tf.assignAdd(v, 1)], () => tf.multiply(v.value(), 2));
        const unordered = tf.add(v.value(), 0);
        return { v, a, y, z, unordered, init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(b.init);
      expect(val(await sess.run(b.y))).toBe(7);
      expect(val(await sess.run(b.z))).toBe(16);
      // nothing orders `unordered` after the assign: it reads the value before the run's assign
      const [u, y] = (await sess.run([b.unordered, b.y])) as NDArray[];
      expect([val(u), val(y)]).toEqual([8, 7]);
      await sess.close();
    });

    it("an exponential moving average applied after the optimizer averages the updated weights", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const w = new tf.Variable(1, { name: 'w', dtype: 'float32' });
        const loss = tf.square(w);
        const opt = new tf.train.GradientDescentOptimizer(0.25).minimize(loss);
        const ema = new tf.train.ExponentialMovingAverage(0.5);
        const train = tf.controlDependencies([opt], () => tf.group(ema.apply([w])));
        return { w, train, avg: ema.average(w)!, init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(b.init);
      await sess.run(b.train);
      // w: 1 - 0.25 * 2 = 0.5; the average starts at w's initial 1: 0.5 * 1 + 0.5 * 0.5
      expect(val(await sess.run(b.w))).toBe(0.5);
      expect(val(await sess.run(b.avg))).toBe(0.75);
      await sess.close();
    });
  });
}
