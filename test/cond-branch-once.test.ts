/**
 * A tf.cond whose branch outputs wait on one stateful op (batch normalization's
 * `ema.apply` under a control dependency) runs that op once per Session.run, however many of
 * the cond's outputs are fetched, as TF's executor runs each op of the taken branch once.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();

for (const dev of devices) {
  describe(`cond: the taken branch's ops run once per run (${dev.name})`, () => {
    it('two outputs behind one assign', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const p = tf.placeholder('bool', [], 'p');
        const v = new tf.Variable(0, { name: 'v' });
        const outs = tf.cond(p, () => {
          const op = tf.group(tf.assignAdd(v, 1));
          return tf.controlDependencies([op], () => [tf.identity(tf.constant(1)), tf.identity(tf.constant(2)), tf.identity(tf.constant(3))]);
        }, () => [tf.constant(0), tf.constant(0), tf.constant(0)]) as tf.Tensor[];
        return { p, v, outs, init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(b.init);
      const got = (await sess.run([...b.outs, tf.add(b.outs[0]!, b.outs[2]!)], [[b.p, true]])) as NDArray[];
      expect(got.map((x) => x.data[0])).toEqual([1, 2, 3, 4]);
      expect(((await sess.run(b.v)) as NDArray).data[0]).toBe(1);
      await sess.run(b.outs.slice(1), [[b.p, true]]);
      expect(((await sess.run(b.v)) as NDArray).data[0]).toBe(2);
      const off = (await sess.run(b.outs, [[b.p, false]])) as NDArray[];
      expect(off.map((x) => x.data[0])).toEqual([0, 0, 0]);
      expect(((await sess.run(b.v)) as NDArray).data[0]).toBe(2);
      await sess.close();
    });
  });
}
