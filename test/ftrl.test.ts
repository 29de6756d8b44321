/**
 * tf.train.FtrlOptimizer on every device: dense (ApplyFtrl / ApplyFtrlV2) and sparse
 * (SparseApplyFtrl through an embedding lookup's IndexedSlices, repeated ids summed as TF1's
 * optimizer dedups them) updates against a float64 re-implementation of TF's FTRL kernel
 * formula, lr_power −0.5 (sqrt) and another power, l1/l2/l2-shrinkage; TF1's slot names and
 * argument errors.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();

interface Hyper { lr: number; power: number; l1: number; l2: number; shrink: number; init: number }

/** TF's FtrlCompute in float64, element by element, one step at a time. */
class FtrlRef {
  readonly v: number[];
  private readonly accum: number[];
  private readonly linear: number[];
  constructor(x: number[], private readonly h: Hyper) {
    this.v = [...x];
    this.accum = x.map(() => h.init);
    this.linear = x.map(() => 0);
  }
  step(g: number[]): number[] {
    const h = this.h;
    const pw = (a: number) => Math.pow(a, -h.power);
    for (let i = 0; i < this.v.length; i++) {
      const gs = g[i]! + 2 * h.shrink * this.v[i]!;
      const a1 = this.accum[i]! + g[i]! * g[i]!;
      const l = (this.linear[i] = this.linear[i]! + gs - ((pw(a1) - pw(this.accum[i]!)) / h.lr) * this.v[i]!);
      this.v[i] = Math.abs(l) > h.l1 ? (h.l1 * Math.sign(l) - l) / (pw(a1) / h.lr + 2 * h.l2) : 0;
      this.accum[i] = a1;
    }
    return this.v;
  }
}

const HYPERS: [string, Hyper][] = [
  ['defaults (lr_power -0.5)', { lr: 0.3, power: -0.5, l1: 0, l2: 0, shrink: 0, init: 0.1 }],
  ['l1, l2, lr_power -0.3', { lr: 0.5, power: -0.3, l1: 0.05, l2: 0.2, shrink: 0, init: 0.5 }],
  ['l2 shrinkage (ApplyFtrlV2)', { lr: 0.2, power: -0.5, l1: 0.01, l2: 0.1, shrink: 0.3, init: 0.1 }],
];

const opt = (h: Hyper) =>
  new tf.train.FtrlOptimizer(h.lr, {
    learningRatePower: h.power, initialAccumulatorValue: h.init, l1RegularizationStrength: h.l1,
    l2RegularizationStrength: h.l2, l2ShrinkageRegularizationStrength: h.shrink,
  });

for (const dev of devices) {
  describe(`FtrlOptimizer (${dev.name})`, () => {
    for (const [what, h] of HYPERS) {
      it(`dense updates match TF's FTRL formula: ${what}`, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const x0 = [0.5, -1.5, 2, 0.01];
        const c = [1, -2, 0.5, 3];
        const g = new tf.Graph();
        const m = g.asDefault(() => {
          const v = new tf.Variable(Float32Array.from(x0), { name: 'w' });
          // loss = sum(c * w) + 0.5 * sum(w^2): grad = c + w
          const loss = tf.add(tf.reduceSum(tf.multiply(tf.constant(Float32Array.from(c)), v)), tf.multiply(0.5, tf.reduceSum(tf.square(v))));
          return { v, train: opt(h).minimize(loss), init: tf.globalVariablesInitializer() };
        });
        const sess = new tf.Session({ graph: g, ...dev.options });
        await sess.run(m.init);
        // the reference takes the same gradients (c + w at each step's start)
        const ref = new FtrlRef(x0.map(Math.fround), h);
        for (let s = 0; s < 4; s++) {
          await sess.run(m.train);
          const want = ref.step(ref.v.map((w, i) => c[i]! + w));
          const got = Array.from(((await sess.run(m.v)) as NDArray).data as Float32Array);
          got.forEach((w, i) => expect(Math.abs(w - want[i]!), `step ${s} w[${i}]: ${w} vs ${want[i]}`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want[i]!)) * dev.caps.tolScale));
        }
        await sess.close();
      });
    }

    it('sparse updates through an embedding lookup touch only the looked-up rows (repeated ids summed)', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const h = HYPERS[1]![1];
      const rows = 5, dim = 2;
      const table = Array.from({ length: rows * dim }, (_, i) => 0.1 * (i - 4));
      const ids = [3, 0, 3];
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const emb = new tf.Variable(tf.constant(Float32Array.from(table), 'float32', [rows, dim]), { name: 'emb' });
        const looked = tf.nn.embeddingLookup(emb, tf.constant(Int32Array.from(ids)));
        const loss = tf.reduceSum(tf.multiply(looked, tf.constant(Float32Array.from([1, -1, 2, 0.5, -3, 1]), 'float32', [3, dim])));
        const o = opt(h);
        const gv = o.computeGradients(loss);
        expect(gv[0]![0]).toBeInstanceOf(tf.IndexedSlices);
        return { emb, train: o.applyGradients(gv), init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(m.init);
      await sess.run(m.train);
      const got = Array.from(((await sess.run(m.emb)) as NDArray).data as Float32Array);
      // dense gradient: row 3 gets [1,-1] + [-3,1], row 0 gets [2,0.5]; other rows none
      const dense = new Array(rows * dim).fill(0);
      const coef = [[1, -1], [2, 0.5], [-3, 1]];
      ids.forEach((id, k) => coef[k]!.forEach((cv, j) => (dense[id * dim + j] += cv)));
      const want = new FtrlRef(table.map(Math.fround), h).step(dense);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < dim; j++) {
          const i = r * dim + j;
          if (r === 0 || r === 3) expect(Math.abs(got[i]! - want[i]!), `row ${r}`).toBeLessThanOrEqual(2e-5 * (1 + Math.abs(want[i]!)) * dev.caps.tolScale);
          else expect(got[i], `untouched row ${r}`).toBe(Math.fround(table[i]!));
        }
      }
      await sess.close();
    });
  });
}

describe('FtrlOptimizer declaration', () => {
  it("TF1's slots (<var>/Ftrl, <var>/Ftrl_1), op types and argument errors", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const v = new tf.Variable([1, 2], { name: 'w' });
      const o = new tf.train.FtrlOptimizer(0.1);
      const train = o.minimize(tf.reduceSum(tf.square(v)));
      expect(o.getSlot(v, 'accum')!.name).toBe('w/Ftrl:0');
      expect(o.getSlot(v, 'linear')!.name).toBe('w/Ftrl_1:0');
      expect(g.getOperations().some((op) => op.type === 'ApplyFtrl')).toBe(true);
      expect(train.type).toBe('NoOp');
      const o2 = new tf.train.FtrlOptimizer(0.1, { l2ShrinkageRegularizationStrength: 0.1, accumName: 'acc', linearName: 'lin' });
      o2.minimize(tf.reduceSum(tf.square(v)));
      expect(o2.getSlot(v, 'accum')!.name).toBe('w/acc:0');
      expect(o2.getSlot(v, 'linear')!.name).toBe('w/lin:0');
      expect(g.getOperations().some((op) => op.type === 'ApplyFtrlV2')).toBe(true);
    });
    expect(() => new tf.train.FtrlOptimizer(0.1, { learningRatePower: 0.5 })).toThrow('learning_rate_power 0.5 needs to be negative or zero');
    expect(() => new tf.train.FtrlOptimizer(0.1, { initialAccumulatorValue: -1 })).toThrow('initial_accumulator_value -1 needs to be positive or zero');
    expect(() => new tf.train.FtrlOptimizer(0.1, { l1RegularizationStrength: -1 })).toThrow('l1_regularization_strength -1 needs to be positive or zero');
  });
});
