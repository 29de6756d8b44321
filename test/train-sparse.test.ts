/**
 * Optimizers applied to IndexedSlices gradients (an embedding lookup), against TF1's sparse update
 * rules re-computed in float64: repeated rows summed first; GradientDescent, Momentum, Adagrad and
 * RMSProp touch only the looked-up rows (slots of other rows keep their values); Adam's moments
 * decay on every row, as TF1's Adam does.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';

const V = 5;
const D = 3;
const INIT = Array.from({ length: V * D }, (_, i) => Math.sin(i + 1));
const IDS = [[3, 1, 3], [0, 3, 3]];
const W = [[0.5, -1, 2], [1.5, 0.25, -0.75], [-2, 1, 0.5]];

/** The summed gradient rows of loss = Σ lookup(ids) * W for one step. */
function denseGrad(ids: number[]): Float64Array {
  const g = new Float64Array(V * D);
  ids.forEach((id, i) => {
    for (let k = 0; k < D; k++) g[id * D + k]! += W[i]![k]!;
  });
  return g;
}

type Rule = (x: Float64Array, slots: Float64Array[], g: Float64Array, touched: Set<number>, t: number) => void;

const lr = 0.1;
const rowsOnly = (touched: Set<number>, f: (i: number) => void): void => {
  for (let i = 0; i < V * D; i++) if (touched.has(Math.floor(i / D))) f(i);
};

const RULES: { name: string; make: () => tf.train.Optimizer; slots: number[]; rule: Rule }[] = [
  {
    name: 'GradientDescent',
    make: () => new tf.train.GradientDescentOptimizer(lr),
    slots: [],
    rule: (x, _s, g, touched) => rowsOnly(touched, (i) => (x[i]! -= lr * g[i]!)),
  },
  {
    name: 'Momentum',
    make: () => new tf.train.MomentumOptimizer(lr, 0.9),
    slots: [0],
    rule: (x, [a], g, touched) =>
      rowsOnly(touched, (i) => {
        a![i] = a![i]! * 0.9 + g[i]!;
        x[i]! -= lr * a![i]!;
      }),
  },
  {
    name: 'Momentum (Nesterov)',
    make: () => new tf.train.MomentumOptimizer(lr, 0.9, { useNesterov: true }),
    slots: [0],
    rule: (x, [a], g, touched) =>
      rowsOnly(touched, (i) => {
        a![i] = a![i]! * 0.9 + g[i]!;
        x[i]! -= lr * g[i]! + lr * 0.9 * a![i]!;
      }),
  },
  {
    name: 'Adagrad',
    make: () => new tf.train.AdagradOptimizer(lr),
    slots: [0.1],
    rule: (x, [a], g, touched) =>
      rowsOnly(touched, (i) => {
        a![i]! += g[i]! * g[i]!;
        x[i]! -= (lr * g[i]!) / Math.sqrt(a![i]!);
      }),
  },
  {
    name: 'RMSProp',
    make: () => new tf.train.RMSPropOptimizer(lr, { momentum: 0.5 }),
    slots: [1, 0],
    rule: (x, [ms, mom], g, touched) =>
      rowsOnly(touched, (i) => {
        ms![i]! += (g[i]! * g[i]! - ms![i]!) * (1 - 0.9);
        mom![i] = mom![i]! * 0.5 + (lr * g[i]!) / Math.sqrt(ms![i]! + 1e-10);
        x[i]! -= mom![i]!;
      }),
  },
  {
    name: 'Adam',
    make: () => new tf.train.AdamOptimizer(lr),
    slots: [0, 0],
    rule: (x, [m, v], g, _touched, t) => {
      const alpha = (lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
      for (let i = 0; i < V * D; i++) {
        m![i] = m![i]! * 0.9 + g[i]! * 0.1;
        v![i] = v![i]! * 0.999 + g[i]! * g[i]! * 0.001;
        x[i]! -= (alpha * m![i]!) / (Math.sqrt(v![i]!) + 1e-8);
      }
    },
  },
];

describe('optimizers apply IndexedSlices gradients with TF1 sparse rules', () => {
  for (const { name, make, slots, rule } of RULES) {
    it(name, async () => {
      const g = new tf.Graph();
      const { emb, ids, train, grad } = g.asDefault(() => {
        const emb = new tf.Variable(tf.constant(new tf.NDArray(Float32Array.from(INIT), [V, D])), { name: 'emb' });
        const ids = tf.placeholder('int32', [3]);
        const loss = tf.reduceSum(tf.multiply(tf.nn.embeddingLookup(emb, ids), tf.constant(W)));
        const opt = make();
        const gv = opt.computeGradients(loss, [emb]);
        return { emb, ids, train: opt.applyGradients(gv), grad: gv[0]![0] };
      });
      expect(grad).toBeInstanceOf(tf.IndexedSlices);
      const sess = new tf.Session({ graph: g });
      await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
      const x = Float64Array.from(new Float32Array(INIT));
      const s = slots.map((v) => new Float64Array(V * D).fill(v));
      for (let t = 0; t < IDS.length; t++) {
        await sess.run(train, [[ids, new tf.NDArray(Int32Array.from(IDS[t]!), [3], 'int32')]]);
        rule(x, s, denseGrad(IDS[t]!), new Set(IDS[t]), t + 1);
      }
      const got = (await sess.run(emb)) as NDArray;
      Array.from(got.data).forEach((v, i) => expect(Math.abs(v - x[i]!), `element ${i}: ${v} vs ${x[i]}`).toBeLessThan(1e-5 * (1 + Math.abs(x[i]!))));
      // Row 2 and row 4 are never looked up: unchanged except under Adam.
      if (name !== 'Adam') for (const i of [6, 7, 8, 12, 13, 14]) expect(got.data[i]).toBe(Math.fround(INIT[i]!));
      await sess.close();
    });
  }

  it('TF1 op types of the sparse updates', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const emb = new tf.Variable(tf.zeros([4, 2]), { name: 'e' });
      const loss = tf.reduceSum(tf.nn.embeddingLookup(emb, tf.constant([1, 2], 'int32')));
      const types = (opt: tf.train.Optimizer): string[] =>
        g.asDefault(() => {
          const before = new Set(g.operations);
          opt.minimize(loss);
          return g.operations.filter((o) => !before.has(o)).map((o) => o.type);
        });
      expect(types(new tf.train.GradientDescentOptimizer(0.1))).toContain('ScatterSub');
      expect(types(new tf.train.MomentumOptimizer(0.1, 0.9))).toContain('SparseApplyMomentum');
      expect(types(new tf.train.AdagradOptimizer(0.1))).toContain('SparseApplyAdagrad');
      expect(types(new tf.train.RMSPropOptimizer(0.1))).toContain('SparseApplyRMSProp');
      expect(types(new tf.train.RMSPropOptimizer(0.1, { centered: true }))).toContain('SparseApplyCenteredRMSProp');
    });
  });
});
