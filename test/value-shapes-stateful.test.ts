/**
 * A stateful op behind a value that shapes a plan runs once per step, as in TF: the session
 * computes the value first (src/session/value-stage.ts) and feeds the plan what that sub-run
 * drew or assigned, so a fetched random draw equals the size it gave, and an assign that sizes
 * a tensor (or that it waits on) updates its variable once per run.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();
const arr = (a: unknown): number[] => Array.from((a as NDArray).data as ArrayLike<number>, Number);

for (const d of devices) {
  describe(`stateful ops behind run-time value shapes [${d.name}]`, () => {
    it('a random draw that sizes a tensor is drawn once: the fetched draw equals the size, the float values beside it too', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const r = tf.randomUniform([], { minval: 1, maxval: 50, dtype: tf.int32, seed: 3 });
        const u = tf.randomUniform([4], { seed: 5 });
        // the size also depends on a float draw (its rounded sum), which is fetched as well
        const n = tf.add(r, tf.cast(tf.round(tf.reduceSum(u)), tf.int32));
        return { r, u, n, x: tf.zeros(tf.stack([n])), range: tf.range(n) };
      });
      const sess = new tf.Session({ ...d.options, graph: g });
      const seen = new Set<number>();
      for (let i = 0; i < 4; i++) {
        const [r, u, n, x, range] = (await sess.run([t.r, t.u, t.n, t.x, t.range])) as NDArray[];
        const want = arr(r)[0]! + Math.round(arr(u).reduce((a, b) => a + b, 0));
        expect(arr(n)[0]).toBe(want);
        expect(x!.shape).toEqual([want]);
        expect(arr(range)).toEqual(Array.from({ length: want }, (_, k) => k));
        seen.add(arr(r)[0]!);
      }
      // each step draws anew
      expect(seen.size).toBeGreaterThan(1);
      await sess.close();
    });

    it('an assign that sizes a range, and one the sized op waits on, update their variables once per run', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const v = new tf.Variable(0, { name: 'counter' });
        const w = new tf.Variable(10, { name: 'other' });
        const bump = w.assignAdd(5);
        const sized = tf.controlDependencies([bump], () => tf.range(v.assignAdd(1)));
        return { v, w, sized, init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ ...d.options, graph: g });
      await sess.run(t.init);
      for (let i = 1; i <= 3; i++) expect(arr(await sess.run(t.sized))).toEqual(Array.from({ length: i }, (_, k) => k));
      expect(arr(await sess.run(t.v.value()))).toEqual([3]);
      expect(arr(await sess.run(t.w.value()))).toEqual([25]);
      await sess.close();
    });
  });
}
