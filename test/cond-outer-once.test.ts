/**
 * A tf.cond branch that reads a tensor computed outside the cond gets that tensor's value of
 * the step through the branch's Switch: the producing op runs once per Session.run, as in TF's
 * executor, whether or not the tensor is fetched too (a queue dequeues one element per step, an
 * assignAdd outside the cond adds once, a random draw is the same inside and outside).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();

const val = (x: unknown): number => (x as NDArray).data[0] as number;

for (const dev of devices) {
  describe(`cond: a value from outside the cond is computed once per run (${dev.name})`, () => {
    it('a dequeue outside the cond, read in both branches, dequeues one element per step', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const q = new tf.FIFOQueue(10, ['float32'], [[]]);
        const enq = q.enqueueMany([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
        const p = tf.placeholder('bool', [], 'p');
        const x = q.dequeue() as tf.Tensor;
        const y = tf.cond(p, () => tf.add(x, 1), () => tf.multiply(x, 10)) as tf.Tensor;
        return { q, enq, p, x, y };
      });
      const sess = new tf.Session({ graph: b.enq.graph, ...dev.options });
      await sess.run(b.enq);
      // element k, transformed by the branch the step's pred takes: 0+1, 1*10, 2+1, 3*10
      const preds = [true, false, true, false];
      const got: number[] = [];
      for (const pv of preds) got.push(val(await sess.run(b.y, [[b.p, pv]])));
      expect(got).toEqual([1, 10, 3, 30]);
      expect(val(await sess.run(b.q.size()))).toBe(6);
      // fetched alongside: the same element, still one per step
      const both = (await sess.run([b.x, b.y], [[b.p, true]])) as NDArray[];
      expect(both.map(val)).toEqual([4, 5]);
      const both2 = (await sess.run([b.y, b.x], [[b.p, false]])) as NDArray[];
      expect(both2.map(val)).toEqual([50, 5]);
      expect(val(await sess.run(b.q.size()))).toBe(4);
      await sess.close();
    });

    it('the issue\'s form: cond(pred, identity(x), zerosLike(x)) keeps consecutive elements', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const q = new tf.FIFOQueue(10, ['int32'], [[]]);
        const enq = q.enqueueMany([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
        const x = q.dequeue() as tf.Tensor;
        const y = tf.cond(tf.constant(true), () => tf.identity(x), () => tf.zerosLike(x)) as tf.Tensor;
        return { q, enq, y };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(b.enq);
      const got: number[] = [];
      for (let i = 0; i < 4; i++) got.push(val(await sess.run(b.y)));
      expect(got).toEqual([0, 1, 2, 3]);
      expect(val(await sess.run(b.q.size()))).toBe(6);
      await sess.close();
    });

    it('a pred computed from the dequeued element sees the element the branch reads', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const q = new tf.FIFOQueue(10, ['int32'], [[]]);
        const enq = q.enqueueMany([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
        const x = q.dequeue() as tf.Tensor;
        const even = tf.equal(tf.mod(x, 2), 0);
        const y = tf.cond(even, () => tf.add(x, 1), () => tf.multiply(x, 10)) as tf.Tensor;
        return { q, enq, y };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(b.enq);
      const got: number[] = [];
      for (let i = 0; i < 4; i++) got.push(val(await sess.run(b.y)));
      expect(got).toEqual([1, 10, 3, 30]);
      expect(val(await sess.run(b.q.size()))).toBe(6);
      await sess.close();
    });

    it('a pred computed from an assignAdd outside the cond: one add per step', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const v = new tf.Variable(0, { name: 'v', dtype: 'float32' });
        const a = tf.assignAdd(v, 1);
        const y = tf.cond(tf.greater(a, 1.5), () => tf.add(a, 100), () => tf.multiply(a, -1)) as tf.Tensor;
        return { v, y, init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(b.init);
      const got: number[] = [];
      for (let i = 0; i < 3; i++) got.push(val(await sess.run(b.y)));
      expect(got).toEqual([-1, 102, 103]);
      expect(val(await sess.run(b.v))).toBe(3);
      await sess.close();
    });

    it('an assignAdd outside the cond, read in both branches, runs once per step', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const p = tf.placeholder('bool', [], 'p');
        const v = new tf.Variable(0, { name: 'v', dtype: 'float32' });
        const a = tf.assignAdd(v, 1);
        const y = tf.cond(p, () => tf.add(a, 100), () => tf.multiply(a, -1)) as tf.Tensor;
        return { p, v, a, y, init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(b.init);
      expect(val(await sess.run(b.y, [[b.p, true]]))).toBe(101);
      expect(val(await sess.run(b.v))).toBe(1);
      expect(val(await sess.run(b.y, [[b.p, false]]))).toBe(-2);
      expect(val(await sess.run(b.v))).toBe(2);
      const both = (await sess.run([b.a, b.y], [[b.p, true]])) as NDArray[];
      expect(both.map(val)).toEqual([3, 103]);
      expect(val(await sess.run(b.v))).toBe(3);
      await sess.close();
    });

    it('a random draw outside the cond is the value the branch sees', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const p = tf.placeholder('bool', [], 'p');
        const r = tf.randomUniform([4]);
        const y = tf.cond(p, () => tf.identity(r), () => tf.multiply(r, 2)) as tf.Tensor;
        return { p, r, y };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      for (const pv of [true, false, true]) {
        const [rv, yv] = (await sess.run([b.r, b.y], [[b.p, pv]])) as NDArray[];
        const want = [...rv!.data].map((z) => (pv ? z : Math.fround(z * 2)));
        expect([...yv!.data]).toEqual(want);
        const [yv2, rv2] = (await sess.run([b.y, b.r], [[b.p, pv]])) as NDArray[];
        expect([...yv2!.data]).toEqual([...rv2!.data].map((z) => (pv ? z : Math.fround(z * 2))));
      }
      await sess.close();
    });
    it("a Variable read in a branch sees the branch's own assign (TF1's reads alias the variable)", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const v = new tf.Variable(5, { name: 'v' });
        const p = tf.placeholder('bool', [], 'p');
        // the kmeans sync's form: assign, then return the variable's /read under that dependency
        const y = tf.cond(
          p,
          () => tf.controlDependencies([tf.assign(v, 7)], () => tf.identity(v.value())),
          () => tf.identity(v.value()),
        ) as tf.Tensor;
        // read after the cond in the same run, ordered by a control dependency
        const after = tf.controlDependencies([y], () => tf.add(v.value(), 0));
        return { v, p, y, after, init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(b.init);
      expect(val(await sess.run(b.y, [[b.p, false]]))).toBe(5);
      const [y, after] = (await sess.run([b.y, b.after], [[b.p, true]])) as NDArray[];
      expect([val(y), val(after)]).toEqual([7, 7]);
      expect(val(await sess.run(b.v))).toBe(7);
      await sess.close();
    });
  });
}
