/**
 * TF1's functional ops and multi-way branches: tf.mapFn (nested elems, a `dtype` for a
 * different output structure), tf.foldl, tf.foldr, tf.scan (initializer, reverse), tf.case
 * (list and Map forms, default, exclusive) and tf.switchCase, on every device against values
 * computed here; TF1's name scopes and error texts; gradients of mapFn, scan and foldl by
 * finite differences (float64 plain-JS, float32 wasm and WebGPU), and through foldr, case and switchCase.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

const devices = await resolvedDevices();
registerSkipSummary();

const vals = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);

for (const dev of devices) {
  describe(`functional ops (${dev.name})`, () => {
    it('mapFn, foldl, foldr, scan, case and switchCase values', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const x = tf.placeholder('float32', [3, 2], { name: 'x' });
        const k = tf.placeholder('int32', [], { name: 'k' });
        const p = tf.placeholder('float32', [], { name: 'p' });
        const sq = tf.mapFn((r: Tensor) => tf.multiply(r, r), x) as Tensor;
        // nested elems, an output structure of its own (dtype): [rowSum, rowMax of x * y]
        const [sum, mx] = tf.mapFn((e: { a: Tensor; b: Tensor }) => [tf.reduceSum(e.a), tf.reduceMax(tf.multiply(e.a, e.b))], { a: x, b: tf.negative(x) }, { dtype: ['float32', 'float32'] }) as Tensor[];
        const asInt = tf.mapFn((r: Tensor) => tf.cast(tf.reduceSum(r), 'int32'), x, 'int32') as Tensor;
        const fl = tf.foldl((acc: Tensor, r: Tensor) => tf.add(tf.multiply(acc, 2), r), x) as Tensor;
        const flInit = tf.foldl((acc: Tensor, r: Tensor) => tf.subtract(acc, tf.reduceSum(r)), x, tf.constant(100)) as Tensor;
        const fr = tf.foldr((acc: Tensor, r: Tensor) => tf.add(tf.multiply(acc, 2), r), x) as Tensor;
        const sc = tf.scan((acc: Tensor, r: Tensor) => tf.add(acc, r), x) as Tensor;
        const scRev = tf.scan((acc: Tensor, r: Tensor) => tf.add(acc, r), x, { reverse: true }) as Tensor;
        const [cnt, prod] = tf.scan((a: Tensor[], r: Tensor) => [tf.add(a[0]!, 1), tf.multiply(a[1]!, tf.reduceSum(r))], x, [tf.constant(0), tf.constant(1)]) as Tensor[];
        const cs = tf.case([[tf.less(p, 0), () => tf.constant(-1)], [tf.less(p, 10), () => tf.multiply(p, 2)]], { default: () => tf.constant(100) }) as Tensor;
        const sw = tf.switchCase(k, [() => tf.constant(10), () => tf.multiply(p, 3), () => tf.constant(30)]) as Tensor;
        return { x, k, p, outs: [sq, sum!, mx!, asInt, fl, flInit, fr, sc, scRev, cnt!, prod!, cs, sw] };
      });
      const xv = [1, -2, 3, 0.5, -1, 4];
      const rows = [[1, -2], [3, 0.5], [-1, 4]];
      const sess = new tf.Session({ graph: g, ...dev.options });
      const run = async (kv: number, pv: number, outs = t.outs) =>
        (await sess.run(outs, new Map<Tensor, number | number[][]>([[t.x, rows], [t.k, kv], [t.p, pv]]))) as NDArray[];
      const r = await run(1, 2.5);
      expect(vals(r[0]!)).toEqual(xv.map((v) => v * v));
      expect(r[0]!.shape).toEqual([3, 2]);
      expect(vals(r[1]!)).toEqual(rows.map((q) => q[0]! + q[1]!));
      expect(vals(r[2]!)).toEqual(rows.map((q) => Math.max(...q.map((v) => -v * v))));
      expect(r[3]!.dtype).toBe('int32');
      expect(vals(r[3]!)).toEqual(rows.map((q) => Math.trunc(q[0]! + q[1]!)));
      // foldl without initializer starts from row 0: ((r0·2 + r1)·2 + r2)
      expect(vals(r[4]!)).toEqual([0, 1].map((j) => (rows[0]![j]! * 2 + rows[1]![j]!) * 2 + rows[2]![j]!));
      expect(vals(r[5]!)).toEqual([100 - rows.flat().reduce((a, b) => a + b, 0)]);
      // foldr starts from the last row: ((r2·2 + r1)·2 + r0)
      expect(vals(r[6]!)).toEqual([0, 1].map((j) => (rows[2]![j]! * 2 + rows[1]![j]!) * 2 + rows[0]![j]!));
      expect(vals(r[7]!)).toEqual([1, -2, 4, -1.5, 3, 2.5]);
      expect(vals(r[8]!)).toEqual([3, 2.5, 2, 4.5, -1, 4]);
      expect(vals(r[9]!)).toEqual([1, 2, 3]);
      expect(vals(r[10]!)).toEqual([-1, -3.5, -10.5]);
      expect(vals(r[11]!)).toEqual([5]);
      expect(vals(r[12]!)).toEqual([7.5]);
      for (const [kv, pv, c, s] of [[0, -3, -1, 10], [2, 50, 100, 30], [7, 1, 2, 30], [-1, 1, 2, 30]] as const) {
        const q = await run(kv, pv, t.outs.slice(11));
        expect([vals(q[0]!)[0], vals(q[1]!)[0]], `case p=${pv}, switchCase k=${kv}`).toEqual([c, s]);
      }
      await sess.close();
    });
  });
}

describe('functional ops: TF1 names and errors', () => {
  it('name scopes, static shapes and loop structure as TF1 builds them', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder('float32', [4, 3]);
      const m = tf.mapFn((r: Tensor) => tf.add(r, 1), x) as Tensor;
      expect(m.name).toBe('map/TensorArrayStack/TensorArrayGatherV3:0');
      expect(m.shape).toEqual([4, 3]);
      const u = tf.placeholder('float32', [null, 3]);
      expect((tf.mapFn((r: Tensor) => tf.reduceSum(r), u) as Tensor).shape).toEqual([null]);
      const f = tf.foldl((a: Tensor, r: Tensor) => tf.add(a, r), x) as Tensor;
      // the maximum_iterations counter is loop variable 0, as in TF1
      expect(f.name).toBe('foldl/while/Exit_2:0');
      expect((tf.foldr((a: Tensor, r: Tensor) => tf.add(a, r), x, { name: 'right' }) as Tensor).name).toBe('right/while/Exit_2:0');
      const s = tf.scan((a: Tensor, r: Tensor) => tf.add(a, r), x) as Tensor;
      expect(s.name).toBe('scan/TensorArrayStack/TensorArrayGatherV3:0');
      expect(s.shape).toEqual([4, 3]);
      expect(g.getOperations().some((op) => op.name === 'map/while/LoopCond')).toBe(true);
    });
  });

  it('TF1 error texts', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder('float32', [2, 2]);
      expect(() => tf.mapFn(3 as never, x)).toThrow('fn must be callable.');
      expect(() => tf.mapFn((r: Tensor) => r, tf.constant(1))).toThrow('Shape () must have rank at least 1');
      expect(() => tf.mapFn((r: Tensor) => [r, r], x)).toThrow("The two structures don't have the same nested structure.");
      expect(() => tf.mapFn((r: Tensor) => tf.cast(r, 'int32'), x)).toThrow('TensorArray dtype is float32 but Op is trying to write dtype int32');
      expect(() => tf.scan((a: Tensor) => [a, a], x)).toThrow("The two structures don't have the same nested structure.");
      expect(() => tf.foldl(null as never, x)).toThrow('fn must be callable.');
      expect(() => tf.mapFn((r: Tensor) => r)).toThrow("map_fn() missing 1 required positional argument: 'elems'");
      const p = tf.placeholder('bool', []);
      expect(() => tf.case(5 as never)).toThrow('fns must be a list, tuple, or dict');
      expect(() => tf.case([[p, () => 1, 3]] as never)).toThrow('Each entry in pred_fn_pairs must be a 2-tuple');
      expect(() => tf.case([[tf.constant(1), () => 1]] as never)).toThrow('pred must be Tensor of type bool: Const');
      expect(() => tf.case([[true, () => 1]] as never)).toThrow('pred must be a Tensor, got: true');
      expect(() => tf.case([[p, 5]] as never)).toThrow(`fn for pred ${p.name} must be callable.`);
      const k = tf.placeholder('int32', []);
      expect(() => tf.switchCase(1 as never, [() => 1])).toThrow("branch_index must a Tensor, got <class 'int'>");
      expect(() => tf.switchCase(tf.placeholder('float32', []), [() => 1])).toThrow("branch_index must an integer Tensor, got <dtype: 'float32'>");
      expect(() => tf.switchCase(k, [])).toThrow('Must provide at least one item in branch_fns');
      expect(() => tf.switchCase(k, [[0, () => 1], [2, () => 2]] as never)).toThrow('branch indices (keys) must form contiguous range of [0 to 2) but found {0,2}');
      expect(() => tf.switchCase(k, [[0, 4]] as never)).toThrow('fn for key 0 must be callable.');
    });
  });

  it('case: Map form in predicate-name order, the default check, exclusive', async () => {
    const g = new tf.Graph();
    const t = g.asDefault(() => {
      const p = tf.placeholder('float32', [], { name: 'p' });
      const b = tf.less(p, 5, { name: 'b_lt5' });
      const a = tf.less(p, 2, { name: 'a_lt2' });
      const warn = console.error;
      const warned: string[] = [];
      console.error = (m: string) => warned.push(m);
      // a Map is tried in predicate-name order: a_lt2 before b_lt5
      const fromMap = tf.case(new Map([[b, () => tf.constant(5)], [a, () => tf.constant(2)]]), { default: () => tf.constant(0) }) as Tensor;
      console.error = warn;
      expect(warned[0]).toContain('WARNING:tensorflow:case: An unordered dictionary of predicate/fn pairs was provided, but exclusive=False.');
      const noDefault = tf.case([[a, () => tf.constant(2)], [b, () => tf.constant(5)]]) as Tensor;
      const excl = tf.case([[a, () => tf.constant(2)], [b, () => tf.constant(5)]], { default: () => tf.constant(0), exclusive: true }) as Tensor;
      return { p, a, b, fromMap, noDefault, excl };
    });
    const sess = new tf.Session({ graph: g });
    const at = async (x: tf.Tensor, v: number) => vals((await sess.run(x, new Map([[t.p, v]]))) as NDArray)[0];
    expect([await at(t.fromMap, 1), await at(t.fromMap, 3), await at(t.fromMap, 9)]).toEqual([2, 5, 0]);
    expect([await at(t.noDefault, 1), await at(t.noDefault, 3)]).toEqual([2, 5]);
    await expect(sess.run(t.noDefault, new Map([[t.p, 9]]))).rejects.toThrow('assertion failed: [Input error: None of conditions evaluated as True:] [0 0]');
    expect([await at(t.excl, 3), await at(t.excl, 9)]).toEqual([5, 0]);
    await expect(sess.run(t.excl, new Map([[t.p, 1]]))).rejects.toThrow(
      `assertion failed: [Input error: exclusive=True: more than 1 conditions (${t.a.name}, ${t.b.name}) evaluated as True:] [1 1]`,
    );
    await expect(sess.run(t.excl, new Map([[t.p, 1]]))).rejects.toBeInstanceOf(tf.errors.InvalidArgumentError);
    await sess.close();
  });

  it('conds nested in either branch, returned directly or computed on, take the branch their predicates pick', async () => {
    const g = new tf.Graph();
    const t = g.asDefault(() => {
      const p = tf.placeholder('bool', []);
      const q = tf.placeholder('bool', []);
      const inner = (a: number, b: number) => () => tf.cond(q, () => tf.constant(a), () => tf.constant(b)) as Tensor;
      const direct = tf.cond(p, inner(1, 2), inner(3, 4)) as Tensor;
      const computed = tf.cond(p, () => tf.square(inner(1, 2)()), () => tf.square(inner(3, 4)())) as Tensor;
      return { p, q, direct, computed };
    });
    const sess = new tf.Session({ graph: g });
    for (const [pv, qv, want] of [[true, true, 1], [true, false, 2], [false, true, 3], [false, false, 4]] as const) {
      const r = (await sess.run([t.direct, t.computed], new Map([[t.p, pv], [t.q, qv]]))) as NDArray[];
      expect(r.map((a) => vals(a)[0]), `p=${pv} q=${qv}`).toEqual([want, want * want]);
    }
    await sess.close();
  });

  it('only the branch taken runs: an assign in another branch leaves its variable alone', async () => {
    const g = new tf.Graph();
    const t = g.asDefault(() => {
      const v = new tf.Variable(tf.constant(0), { name: 'v' });
      const k = tf.placeholder('int32', []);
      const out = tf.switchCase(k, [() => tf.assignAdd(v, 1), () => tf.assignAdd(v, 10), () => tf.identity(v)]) as Tensor;
      return { v, k, out, init: tf.globalVariablesInitializer() };
    });
    const sess = new tf.Session({ graph: g });
    await sess.run(t.init);
    for (const kv of [1, 0, 2, 5, 1]) await sess.run(t.out, new Map([[t.k, kv]]));
    expect(vals((await sess.run(t.v)) as NDArray)).toEqual([21]);
    await sess.close();
  });
});

const GRADS: GradCase[] = [
  {
    name: 'mapFn of a row function with a captured tensor',
    ins: [{ shape: [3, 2] }, { shape: [2] }],
    f: (x, w) => tf.mapFn((r: Tensor) => tf.add(tf.sin(tf.multiply(r, w)), tf.square(r)), x) as Tensor,
  },
  {
    name: 'scan: running product with an initializer',
    ins: [{ shape: [3, 2], gen: 'away' }, { shape: [2], gen: 'away' }],
    f: (x, a0) => tf.scan((a: Tensor, r: Tensor) => tf.multiply(a, r), x, a0) as Tensor,
  },
  {
    name: 'scan reverse, foldl over nested elems',
    ins: [{ shape: [3] }, { shape: [3] }],
    f: (x, y) => [
      tf.scan((a: Tensor, r: Tensor) => tf.add(tf.tanh(a), r), x, { reverse: true }) as Tensor,
      tf.foldl((a: Tensor, e: Tensor[]) => tf.add(tf.multiply(a, e[0]!), e[1]!), [x, y], tf.constant(0.5, x.dtype as 'float32')) as Tensor,
    ],
  },
  {
    name: 'foldr, switchCase and case branches',
    ins: [{ shape: [3] }, { shape: [], fixed: { dtype: 'int32', value: [1] } }],
    f: (x, k) => [
      tf.foldr((a: Tensor, r: Tensor) => tf.add(tf.multiply(a, r), tf.sin(r)), x) as Tensor,
      tf.switchCase(k, [() => tf.sin(x), () => tf.multiply(tf.square(x), x), () => x]) as Tensor,
      tf.case([[tf.less(tf.reduceSum(x), -100), () => x]], { default: () => tf.tanh(x) }) as Tensor,
    ],
  },
];

describeGradients((label) => `functional op gradients (${label})`, GRADS, devices);
