/**
 * TF1's deprecated spellings and small graph helpers: initialize_all_variables & co., all_variables,
 * moving_average_variables, get_seed, no_regularizer, tuple, identity_n, shape_n, is_tensor,
 * get_static_value.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();

for (const dev of devices) {
  describe(`deprecated aliases [${dev.name}]`, () => {
    it('initialize_* initialize, tuple gates on all its tensors, identity_n and shape_n run', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const r = g.asDefault(() => {
        const v = new tf.Variable([1, 2], { name: 'v' });
        const w = new tf.Variable(5, { name: 'w' });
        const loc = new tf.Variable(7, { name: 'loc', collections: [tf.GraphKeys.LOCAL_VARIABLES] });
        const initAll = tf.initializeAllVariables();
        const initLocal = tf.initializeLocalVariables();
        const initW = tf.initializeVariables([w], { name: 'init_w' });
        const bump = v.assignAdd([10, 10]);
        const [a, none, b] = tf.tuple([tf.constant(3), null, bump]);
        const [i0, i1] = tf.identityN([tf.constant([[1, 2]]), tf.constant(2.5)]);
        const [s0, s1] = tf.shapeN([tf.zeros([2, 3]), tf.zeros([4])]);
        const [l0] = tf.shapeN([tf.zeros([2, 3])], tf.int64);
        return { v, w, loc, initAll, initLocal, initW, a: a!, none, b: b!, i0: i0!, i1: i1!, s0: s0!, s1: s1!, l0: l0! };
      });
      expect(r.initAll.name).toBe('init');
      expect(r.initW.name).toBe('init_w');
      expect(r.none).toBeNull();
      expect(r.a.op.name).toBe('tuple/control_dependency');
      expect(r.b.op.name).toBe('tuple/control_dependency_1');
      expect(r.a.op.controlInputs.map((o) => o.name)).toEqual(['tuple/group_deps']);
      expect(r.i0.op.type).toBe('IdentityN');
      expect(r.i0.op).toBe(r.i1.op);
      expect(r.s0.op.type).toBe('ShapeN');
      expect(r.l0.dtype).toBe('int64');
      const sess = new tf.Session({ ...dev.options, graph: g });
      await sess.run(r.initW);
      expect((await sess.run(r.w) as NDArray).toArray()).toEqual(5);
      await sess.run([r.initAll, r.initLocal]);
      expect((await sess.run(r.loc) as NDArray).toArray()).toEqual(7);
      // Fetching only the tuple's first member still runs the assign behind its second.
      expect((await sess.run(r.a) as NDArray).toArray()).toEqual(3);
      expect((await sess.run(r.v) as NDArray).toArray()).toEqual([11, 12]);
      const [i0, i1, s0, s1, l0] = (await sess.run([r.i0, r.i1, r.s0, r.s1, r.l0])) as NDArray[];
      expect(i0!.toArray()).toEqual([[1, 2]]);
      expect(i1!.toArray()).toEqual(2.5);
      expect(s0!.toArray()).toEqual([2, 3]);
      expect(s1!.toArray()).toEqual([4]);
      expect(l0!.toArray()).toEqual([2, 3]);
      await sess.close();
    });
  });
}

describe('deprecated aliases (graph level)', () => {
  it('all_variables and moving_average_variables read their collections', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const a = new tf.Variable(1, { name: 'a' });
      const b = new tf.Variable(2, { name: 'scope/b', trainable: false });
      expect(tf.allVariables()).toEqual([a, b]);
      expect(tf.allVariables()).toEqual(tf.globalVariables());
      expect(tf.movingAverageVariables()).toEqual([]);
      tf.addToCollection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES, a);
      tf.addToCollection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES, b);
      expect(tf.movingAverageVariables()).toEqual([a, b]);
      expect(tf.movingAverageVariables('scope')).toEqual([b]);
      expect(tf.movingAverageVariables({ scope: 'a' })).toEqual([a]);
    });
  });

  it('get_seed follows TF1 random_seed.get_seed', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(tf.getSeed(null)).toEqual([null, null]);
      expect(tf.getSeed(5)).toEqual([87654321, 5]);
      expect(tf.getSeed(2 ** 31 + 3)).toEqual([87654321, 4]);
      tf.setRandomSeed(1);
      expect(tf.getSeed(7)).toEqual([1, 7]);
      tf.constant(1);
      tf.constant(2);
      // With only a graph seed, the op seed is the id of the last op made.
      expect(tf.getSeed(null)).toEqual([1, 2]);
      tf.setRandomSeed(0);
      expect(tf.getSeed(0)).toEqual([0, 2 ** 31 - 1]);
      expect(() => (tf.getSeed as (...a: unknown[]) => unknown)()).toThrow(/opSeed/);
    });
  });

  it('no_regularizer gives no loss; is_tensor tells tensors from values', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(tf.noRegularizer(tf.constant(1))).toBeNull();
      const v = new tf.Variable(1);
      expect(tf.isTensor(tf.constant(1))).toBe(true);
      expect(tf.isTensor(v)).toBe(true);
      expect(tf.isTensor(new tf.IndexedSlices(tf.constant([[1]]), tf.constant([0])))).toBe(true);
      expect(tf.isTensor(1)).toBe(false);
      expect(tf.isTensor([1, 2])).toBe(false);
      expect(tf.isTensor(new tf.NDArray(Float32Array.of(1), [1], 'float32'))).toBe(false);
      expect(tf.isTensor(v.initializer)).toBe(false);
    });
  });

  it('get_static_value folds what the graph fixes and is null otherwise', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const c = tf.constant([[1, 2, 3]]);
      expect(tf.getStaticValue(c)!.toArray()).toEqual([[1, 2, 3]]);
      expect(tf.getStaticValue(tf.identity(c))!.toArray()).toEqual([[1, 2, 3]]);
      expect(tf.getStaticValue(tf.shape(c))!.toArray()).toEqual([1, 3]);
      expect(tf.getStaticValue(tf.size(c))!.toArray()).toEqual(3);
      expect(tf.getStaticValue(tf.rank(c))!.toArray()).toEqual(2);
      expect(tf.getStaticValue(tf.shapeN([c, tf.zeros([4])])[1]!)!.toArray()).toEqual([4]);
      expect(tf.getStaticValue(tf.identityN([tf.constant(1), c])[1]!)!.toArray()).toEqual([[1, 2, 3]]);
      expect(tf.getStaticValue([4, 5])!.toArray()).toEqual([4, 5]);
      const p = tf.placeholder(tf.float32, [null, 3]);
      expect(tf.getStaticValue(p)).toBeNull();
      expect(tf.getStaticValue(tf.shape(p))).toBeNull();
      expect(tf.getStaticValue(tf.rank(p))!.toArray()).toEqual(2);
      expect(tf.getStaticValue(tf.add(c, 1))).toBeNull();
      expect(tf.getStaticValue(new tf.Variable(1))).toBeNull();
    });
  });

  it('shape_n rejects other out_types as TF1', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => tf.shapeN([tf.constant(1)], tf.float32)).toThrow(
        "Value passed to parameter 'out_type' has DataType float32 not in list of allowed values: int32, int64");
    });
  });

  it('identity_n passes gradients through each output (central differences)', async () => {
    const g = new tf.Graph();
    const r = g.asDefault(() => {
      const x = tf.placeholder(tf.float64, [3]);
      const y = tf.placeholder(tf.float64, [2]);
      const [a, b] = tf.identityN([x, y]);
      const loss = tf.add(tf.reduceSum(tf.square(a!)), tf.reduceSum(tf.multiply(b!, tf.constant(new tf.NDArray(Float64Array.of(3, -2), [2], 'float64')))));
      const [gx, gy] = tf.gradients(loss, [x, y]);
      return { x, y, loss, gx: gx!, gy: gy! };
    });
    const sess = new tf.Session({ graph: g });
    const xv = [0.5, -1.5, 2], yv = [0.25, 4];
    const f64 = (a: number[]): NDArray => new tf.NDArray(Float64Array.from(a), [a.length], 'float64');
    const feed = (xs: number[], ys: number[]) => new Map([[r.x, f64(xs)], [r.y, f64(ys)]]);
    const [gx, gy] = (await sess.run([r.gx, r.gy], feed(xv, yv))) as NDArray[];
    const eps = 1e-6;
    const loss = async (xs: number[], ys: number[]) => (await sess.run(r.loss, feed(xs, ys)) as NDArray).toArray() as number;
    for (let i = 0; i < 3; i++) {
      const p = [...xv], m = [...xv]; p[i]! += eps; m[i]! -= eps;
      expect(gx!.data[i]).toBeCloseTo(((await loss(p, yv)) - (await loss(m, yv))) / (2 * eps), 5);
    }
    for (let i = 0; i < 2; i++) {
      const p = [...yv], m = [...yv]; p[i]! += eps; m[i]! -= eps;
      expect(gy!.data[i]).toBeCloseTo(((await loss(xv, p)) - (await loss(xv, m))) / (2 * eps), 5);
    }
    await sess.close();
  });
});

for (const dev of devices) {
  describe(`ensure_shape [${dev.name}]`, () => {
    it('merges static shapes, and checks the fed shape when the step runs', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const g = new tf.Graph();
      const r = g.asDefault(() => {
        const p = tf.placeholder(tf.float32, [null, 3], 'p');
        const e = tf.ensureShape(p, [2, null]);
        expect(() => tf.ensureShape(tf.zeros([2, 3]), [2, 4])).toThrow(
          "Dimension 1 in both shapes must be equal, but are 3 and 4. Shapes are [2,3] and [2,4]. for 'EnsureShape_1' (op: 'EnsureShape') with input shapes: [2,3].");
        expect(() => tf.ensureShape(tf.zeros([2, 3]), [6])).toThrow(/Shapes must be equal rank, but are 2 and 1/);
        return { p, e, y: tf.multiply(e, 2) };
      });
      expect(r.e.shape).toEqual([2, 3]);
      const sess = new tf.Session({ ...dev.options, graph: g });
      const ok = (await sess.run(r.y, new Map([[r.p, [[1, 2, 3], [4, 5, 6]]]]))) as NDArray;
      expect(ok.toArray()).toEqual([[2, 4, 6], [8, 10, 12]]);
      await expect(sess.run(r.y, new Map([[r.p, [[1, 2, 3]]]]))).rejects.toThrow(
        'Shape of tensor p [1,3] is not compatible with expected shape [2,?].');
      await sess.close();
    });
  });
}
