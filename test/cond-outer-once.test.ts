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
    it('an op only the predicate reads, fetched directly too, runs once per step', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const v = new tf.Variable(0, { name: 'v', dtype: 'float32' });
        const a = tf.assignAdd(v, 1);
        const y = tf.cond(tf.greater(a, 1.5), () => tf.constant(100), () => tf.constant(-1)) as tf.Tensor;
        const r = tf.randomUniform([]);
        const z = tf.cond(tf.less(r, 0.5), () => tf.constant(1), () => tf.constant(0)) as tf.Tensor;
        // an op that waits on the assign runs after the one add of the step
        const after = tf.controlDependencies([a.op], () => tf.add(v.value(), 0));
        return { v, a, y, r, z, after, init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(b.init);
      expect((await sess.run([b.a, b.y]) as NDArray[]).map(val)).toEqual([1, -1]);
      expect(val(await sess.run(b.v))).toBe(1);
      expect((await sess.run([b.y, b.a]) as NDArray[]).map(val)).toEqual([100, 2]);
      expect(val(await sess.run(b.v))).toBe(2);
      expect((await sess.run([b.y, b.after]) as NDArray[]).map(val)).toEqual([100, 3]);
      expect(val(await sess.run(b.v))).toBe(3);
      for (let i = 0; i < 8; i++) {
        const [rv, zv] = (await sess.run([b.r, b.z])) as NDArray[];
        expect(val(zv)).toBe(val(rv) < 0.5 ? 1 : 0);
      }
      await sess.close();
    });

    it('a dequeued element read by a predicate and fetched: one element per step', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const q = new tf.FIFOQueue(10, ['int32'], [[]]);
        const enq = q.enqueueMany([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
        const x = q.dequeue() as tf.Tensor;
        const y = tf.cond(tf.equal(tf.mod(x, 2), 0), () => tf.constant(2), () => tf.constant(1)) as tf.Tensor;
        const it = tf.data.Dataset.range(10).makeOneShotIterator();
        const n = it.getNext() as tf.Tensor;
        const m = tf.cond(tf.greater(n, 4), () => tf.constant(1, 'int64'), () => tf.constant(0, 'int64')) as tf.Tensor;
        return { q, enq, x, y, n, m };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(b.enq);
      const got: string[] = [];
      for (let i = 0; i < 3; i++) {
        const [xv, yv] = (await sess.run([b.x, b.y])) as NDArray[];
        got.push(`${val(xv)}:${val(yv) === 2 ? 'even' : 'odd'}`);
      }
      expect(got).toEqual(['0:even', '1:odd', '2:even']);
      expect(val(await sess.run(b.q.size()))).toBe(7);
      const pairs: number[][] = [];
      for (let i = 0; i < 7; i++) pairs.push(((await sess.run([b.n, b.m])) as NDArray[]).map((t) => Number(t.data[0])));
      expect(pairs).toEqual([[0, 0], [1, 0], [2, 0], [3, 0], [4, 0], [5, 1], [6, 1]]);
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
