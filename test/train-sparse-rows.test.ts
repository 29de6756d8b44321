/**
 * Sparse updates written row by row into the variables (fewer looked-up ids than rows), on every
 * device: the optimizers' sparse rules against TF1's formulas re-computed in float64 (repeated
 * ids summed first), the plan's row commits, and a failed run (an id out of range, or an error
 * in a later step of the same run) leaving the variable and its slots as they were.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();

const V = 12;
const D = 3;
const INIT = Array.from({ length: V * D }, (_, i) => Math.sin(i + 1));
const IDS = [[3, 1, 3, 7], [0, 3, 11, 3]];
const W = [[0.5, -1, 2], [1.5, 0.25, -0.75], [-2, 1, 0.5], [0.3, 0.6, -0.9]];
const lr = 0.1;

function denseGrad(ids: number[]): Float64Array {
  const g = new Float64Array(V * D);
  ids.forEach((id, i) => {
    for (let k = 0; k < D; k++) g[id * D + k]! += W[i]![k]!;
  });
  return g;
}

type Rule = (x: Float64Array, slots: Float64Array[], g: Float64Array, i: number) => void;
const RULES: { name: string; make: () => tf.train.Optimizer; slots: [string, number][]; rule: Rule }[] = [
  { name: 'GradientDescent (ScatterSub)', make: () => new tf.train.GradientDescentOptimizer(lr), slots: [], rule: (x, _s, g, i) => (x[i]! -= lr * g[i]!) },
  {
    name: 'Momentum',
    make: () => new tf.train.MomentumOptimizer(lr, 0.9),
    slots: [['momentum', 0]],
    rule: (x, [a], g, i) => {
      a![i] = a![i]! * 0.9 + g[i]!;
      x[i]! -= lr * a![i]!;
    },
  },
  {
    name: 'Adagrad',
    make: () => new tf.train.AdagradOptimizer(lr),
    slots: [['accumulator', 0.1]],
    rule: (x, [a], g, i) => {
      a![i]! += g[i]! * g[i]!;
      x[i]! -= (lr * g[i]!) / Math.sqrt(a![i]!);
    },
  },
  {
    name: 'RMSProp',
    make: () => new tf.train.RMSPropOptimizer(lr, { momentum: 0.5 }),
    slots: [['rms', 1], ['momentum', 0]],
    rule: (x, [ms, mom], g, i) => {
      ms![i]! += (g[i]! * g[i]! - ms![i]!) * (1 - 0.9);
      mom![i] = mom![i]! * 0.5 + (lr * g[i]!) / Math.sqrt(ms![i]! + 1e-10);
      x[i]! -= mom![i]!;
    },
  },
  {
    name: 'centered RMSProp',
    make: () => new tf.train.RMSPropOptimizer(lr, { momentum: 0.5, centered: true }),
    slots: [['mg', 0], ['rms', 1], ['momentum', 0]],
    rule: (x, [mg, ms, mom], g, i) => {
      ms![i]! += (g[i]! * g[i]! - ms![i]!) * (1 - 0.9);
      mg![i]! += (g[i]! - mg![i]!) * (1 - 0.9);
      mom![i] = mom![i]! * 0.5 + (lr * g[i]!) / Math.sqrt(ms![i]! - mg![i]! * mg![i]! + 1e-10);
      x[i]! -= mom![i]!;
    },
  },
];

function build(make: () => tf.train.Optimizer, slotNames: string[]) {
  const g = new tf.Graph();
  return g.asDefault(() => {
    const emb = new tf.Variable(tf.constant(new tf.NDArray(Float32Array.from(INIT), [V, D])), { name: 'emb' });
    const ids = tf.placeholder('int32', [4]);
    const loss = tf.reduceSum(tf.multiply(tf.nn.embeddingLookup(emb, ids), tf.constant(W)));
    const opt = make();
    const train = opt.minimize(loss);
    const bad = tf.placeholder('float32', [2]);
    // created after the update: its step runs after the update's steps
    const check = tf.checkNumerics(bad, 'later step');
    const slots = slotNames.map((n) => {
      const s = opt.getSlot(emb, n);
      if (!s) throw new Error(`no slot ${n}`);
      return s;
    });
    return { g, emb, ids, train, slots, bad, check, init: tf.globalVariablesInitializer() };
  });
}

type Plans = { runners: Map<string, { cache: Map<string, { compiled: { plan: { rowCommits?: unknown[] } } }> }> };
const rowCommitCount = (sess: tf.Session): number =>
  [...(sess as unknown as Plans).runners.values()].flatMap((r) => [...r.cache.values()]).reduce((n, e) => n + (e.compiled.plan.rowCommits?.length ?? 0), 0);

const feedIds = (ids: number[]): NDArray => new tf.NDArray(Int32Array.from(ids), [4], 'int32');

for (const dev of devices) {
  describe(`sparse updates write rows in place (${dev.name})`, () => {
    for (const { name, make, slots, rule } of RULES) {
      it(name, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const m = build(make, slots.map(([n]) => n));
        const sess = new tf.Session({ graph: m.g, ...dev.options });
        await sess.run(m.init);
        const x = Float64Array.from(new Float32Array(INIT));
        const s = slots.map(([, v]) => new Float64Array(V * D).fill(v));
        for (const ids of IDS) {
          await sess.run(m.train, [[m.ids, feedIds(ids)]]);
          const gr = denseGrad(ids);
          for (let i = 0; i < V * D; i++) if (ids.includes(Math.floor(i / D))) rule(x, s, gr, i);
        }
        // the variable and every slot are written row-wise
        expect(rowCommitCount(sess)).toBe(1 + slots.length);
        const tol = 1e-5 * dev.caps.tolScale;
        const [got, ...gotSlots] = (await sess.run([m.emb, ...m.slots])) as NDArray[];
        [x, ...s].forEach((want, k) => {
          const have = [got!, ...gotSlots][k]!;
          Array.from(have.data).forEach((v, i) => expect(Math.abs(v - want[i]!), `${k === 0 ? 'var' : slots[k - 1]![0]} element ${i}: ${v} vs ${want[i]}`).toBeLessThan(tol * (1 + Math.abs(want[i]!))));
        });
        // rows never looked up keep their exact values
        for (const row of [2, 4, 5, 6, 8, 9, 10]) for (let k = 0; k < D; k++) expect(got!.data[row * D + k]).toBe(Math.fround(INIT[row * D + k]!));
        await sess.close();
      });
    }

    it('a failed run leaves the variable and its slots as they were', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const m = build(() => new tf.train.MomentumOptimizer(lr, 0.9), ['momentum']);
      const sess = new tf.Session({ graph: m.g, ...dev.options });
      await sess.run(m.init);
      await sess.run(m.train, [[m.ids, feedIds(IDS[0]!)]]);
      const before = ((await sess.run([m.emb, m.slots[0]!])) as NDArray[]).map((a) => Array.from(a.data));
      // an id out of range: TF's text, nothing written
      await expect(sess.run(m.train, [[m.ids, feedIds([3, 12, 1, 0])]])).rejects.toThrow('indices[1] = 12 is not in [0, 12)');
      await expect(sess.run(m.train, [[m.ids, feedIds([3, 1, -1, 0])]])).rejects.toThrow('indices[2] = -1 is not in [0, 12)');
      // a later step of the same run fails after the update's rows were computed
      const nan = new tf.NDArray(Float32Array.from([1, NaN]), [2]);
      await expect(sess.run([m.train, m.check], [[m.ids, feedIds(IDS[1]!)], [m.bad, nan]])).rejects.toThrow('later step : Tensor had NaN values');
      const after = ((await sess.run([m.emb, m.slots[0]!])) as NDArray[]).map((a) => Array.from(a.data));
      expect(after).toEqual(before);
      // and the next good run updates as usual
      await sess.run([m.train, m.check], [[m.ids, feedIds(IDS[1]!)], [m.bad, new tf.NDArray(Float32Array.from([1, 2]), [2])]]);
      const moved = (await sess.run(m.emb)) as NDArray;
      expect(moved.data[0]).not.toBe(before[0]![0]);
      expect(moved.data[2 * D]).toBe(before[0]![2 * D]);
      await sess.close();
    });
  });
}
