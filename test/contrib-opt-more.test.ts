/**
 * tf.contrib.opt's NadamOptimizer, AddSignOptimizer and PowerSignOptimizer on every device:
 * dense steps (float32, float64) and sparse steps through an embedding lookup against float64
 * re-implementations of TF's formulas (training_ops.cc ApplyAdam use_nesterov, ApplyAddSign,
 * ApplyPowerSign; nadam_optimizer.py's sparse form), the sign-decay schedules of sign_decay.py
 * against their formulas, slot names, op types and errors.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();

const f = Math.fround;
/** `step(g, touched, t)`: t is the number of steps taken before (the global step). */
interface Ref {
  x: number[];
  step(g: number[], touched: boolean[], t: number): void;
}
type Make = (x0: number[]) => Ref;

/** Nadam; sparse (rowsOnly): every row of m, v decays, only touched rows of x move. */
const nadam = (lr: number, b1: number, b2: number, eps: number): Make => (x0) => {
  const m = x0.map(() => 0), v = x0.map(() => 0);
  const x = [...x0];
  let p1 = f(b1), p2 = f(b2);
  [lr, b1, b2, eps] = [f(lr), f(b1), f(b2), f(eps)];
  return { x, step: (g, touched) => {
    const alpha = (lr * Math.sqrt(1 - p2)) / (1 - p1);
    x.forEach((_, i) => {
      const gi = touched[i] ? g[i]! : 0;
      m[i] = m[i]! * b1 + (1 - b1) * gi;
      v[i] = v[i]! * b2 + (1 - b2) * gi * gi;
      if (touched[i]) x[i] = x[i]! - (alpha * (gi * (1 - b1) + b1 * m[i]!)) / (Math.sqrt(v[i]!) + eps);
    });
    p1 = f(p1 * b1);
    p2 = f(p2 * b2);
  } };
};
/** AddSign / PowerSign: `scale(sign(g)·sign(m), decay)` multiplies lr·g; `decay(t)` is sign_decay. */
const signOpt = (lr: number, beta: number, scale: (sgm: number, d: number) => number, decay: (t: number) => number): Make => (x0) => {
  const m = x0.map(() => 0);
  const x = [...x0];
  [lr, beta] = [f(lr), f(beta)];
  return { x, step: (g, touched, t) => {
    const d = f(decay(t));
    x.forEach((_, i) => {
      const gi = touched[i] ? g[i]! : 0;
      m[i] = m[i]! * beta + gi * (1 - beta);
      x[i] = x[i]! - lr * scale(Math.sign(gi) * Math.sign(m[i]!), d) * gi;
    });
  } };
};
const addSign = (lr: number, alpha: number, beta: number, decay: (t: number) => number = () => 1): Make =>
  signOpt(lr, beta, (s, d) => f(alpha) + d * s, decay);
const powerSign = (lr: number, base: number, beta: number, decay: (t: number) => number = () => 1): Make =>
  signOpt(lr, beta, (s, d) => Math.exp(f(Math.log(base)) * d * s), decay);

const linear = (n: number) => (t: number) => Math.max(0, (n - Math.min(t, n)) / n);
const cosine = (n: number, periods = 0.5, zeroAfter: number | null = null) => (t: number) => {
  const frac = (2 * periods * Math.min(t, n)) / n;
  return zeroAfter !== null && frac >= 2 * zeroAfter ? 0 : 0.5 * (1 + Math.cos(Math.PI * frac));
};
const restart = (n: number, periods = 1, zeroAfter: number | null = null) => (t: number) => {
  const s = Math.min(t, n);
  const num = (periods * s) % n;
  return zeroAfter !== null && (periods * s) / n >= zeroAfter ? 0 : 0.5 * (1 + Math.cos((Math.PI * num) / n));
};

interface Case {
  what: string;
  make: () => tf.train.Optimizer;
  ref: Make;
}
const CASES: Case[] = [
  { what: 'Nadam', make: () => new tf.contrib.opt.NadamOptimizer(0.1), ref: nadam(0.1, 0.9, 0.999, 1e-8) },
  { what: 'Nadam beta1 0.5', make: () => new tf.contrib.opt.NadamOptimizer(0.05, { beta1: 0.5, beta2: 0.9, epsilon: 1e-3 }), ref: nadam(0.05, 0.5, 0.9, 1e-3) },
  { what: 'AddSign', make: () => new tf.contrib.opt.AddSignOptimizer(0.1), ref: addSign(0.1, 1, 0.9) },
  {
    what: 'AddSign linear decay', make: () => new tf.contrib.opt.AddSignOptimizer(0.2, 0.5, 0.8, tf.contrib.opt.getLinearDecayFn(3)),
    ref: addSign(0.2, 0.5, 0.8, linear(3)),
  },
  { what: 'PowerSign', make: () => new tf.contrib.opt.PowerSignOptimizer(0.1), ref: powerSign(0.1, Math.E, 0.9) },
  {
    what: 'PowerSign base 2, cosine decay', make: () => new tf.contrib.opt.PowerSignOptimizer({ learningRate: 0.1, base: 2, beta: 0.5, signDecayFn: tf.contrib.opt.getCosineDecayFn(4) }),
    ref: powerSign(0.1, 2, 0.5, cosine(4)),
  },
];

const read = async (sess: tf.Session, t: tf.Variable | tf.Tensor): Promise<number[]> => Array.from(((await sess.run(t)) as NDArray).data as Float32Array);
function near(got: number[], want: number[], tol: number, what: string): void {
  got.forEach((w, i) => expect(Math.abs(w - want[i]!), `${what} [${i}]: ${w} vs ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!))));
}

for (const dev of devices) {
  describe(`contrib.opt Nadam / AddSign / PowerSign (${dev.name})`, () => {
    for (const c of CASES) {
      for (const dtype of ['float32', 'float64'] as const) {
        it(`${c.what}: dense ${dtype} steps match TF's formula`, async (ctx) => {
          if (dev.skipReason) skipTest(ctx, dev.skipReason);
          if (dtype === 'float64' && !dev.caps.float64) skipTest(ctx, `${dev.name} computes no float64`);
          const x0 = [0.5, -1.5, 2, 0.01];
          const k = [1, -2, 0.5, 3];
          const g = new tf.Graph();
          const m = g.asDefault(() => {
            const step = tf.train.getOrCreateGlobalStep();
            const v = new tf.Variable(tf.constant(x0, dtype), { name: 'w' });
            // grad = k + w: signs of g and m differ on some steps
            const loss = tf.add(tf.reduceSum(tf.multiply(tf.constant(k, dtype), v)), tf.multiply(tf.constant(0.5, dtype), tf.reduceSum(tf.square(v))));
            return { v, train: c.make().minimize(loss, { globalStep: step }), init: tf.globalVariablesInitializer() };
          });
          const sess = new tf.Session({ graph: g, ...dev.options });
          await sess.run(m.init);
          const ref = c.ref(dtype === 'float32' ? x0.map(f) : x0);
          const all = x0.map(() => true);
          for (let s = 0; s < 5; s++) {
            const before = [...ref.x];
            await sess.run(m.train);
            ref.step(before.map((w, i) => k[i]! + w), all, s);
            near(await read(sess, m.v), ref.x, dtype === 'float32' ? 1e-5 * dev.caps.tolScale : 1e-6, `step ${s}`);
          }
          expect(ref.x.some((w, i) => Math.abs(w - x0[i]!) > 0.01)).toBe(true);
          await sess.close();
        });
      }

      it(`${c.what}: sparse steps through an embedding lookup (repeated ids summed)`, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const rows = 5, dim = 2;
        const table = Array.from({ length: rows * dim }, (_, i) => 0.1 * (i - 4));
        const idSteps = [[3, 0, 3], [1, 3, 1], [4, 4, 0]];
        const coef = [1, -1, 2, 0.5, -3, 1];
        const g = new tf.Graph();
        const m = g.asDefault(() => {
          const step = tf.train.getOrCreateGlobalStep();
          const emb = new tf.Variable(tf.constant(Float32Array.from(table), 'float32', [rows, dim]), { name: 'emb' });
          const ids = tf.placeholder('int32', [3]);
          const loss = tf.reduceSum(tf.multiply(tf.nn.embeddingLookup(emb, ids), tf.constant(Float32Array.from(coef), 'float32', [3, dim])));
          const o = c.make();
          const gv = o.computeGradients(loss);
          expect(gv[0]![0]).toBeInstanceOf(tf.IndexedSlices);
          return { emb, ids, train: o.applyGradients(gv, { globalStep: step }), init: tf.globalVariablesInitializer() };
        });
        const sess = new tf.Session({ graph: g, ...dev.options });
        await sess.run(m.init);
        const ref = c.ref(table.map(f));
        let before = await read(sess, m.emb);
        for (const [s, ids] of idSteps.entries()) {
          await sess.run(m.train, new Map([[m.ids, Int32Array.from(ids)]]));
          const grad = new Array(rows * dim).fill(0);
          const touched = new Array(rows * dim).fill(false);
          ids.forEach((id, j) => [0, 1].forEach((d) => {
            grad[id * dim + d] += coef[j * dim + d]!;
            touched[id * dim + d] = true;
          }));
          ref.step(grad, touched, s);
          const got = await read(sess, m.emb);
          near(got, ref.x, 2e-5 * dev.caps.tolScale, `ids ${ids}`);
          got.forEach((w, i) => { if (!touched[i]) expect(w, `untouched [${i}]`).toBe(before[i]); });
          before = got;
        }
        await sess.close();
      });
    }

    it('the sign decays follow sign_decay.py for steps 0..12', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const step = tf.placeholder('int32', []);
        const o = tf.contrib.opt;
        const fns = [
          o.getLinearDecayFn(10), o.getCosineDecayFn(10), o.getCosineDecayFn(8, 2), o.getCosineDecayFn(10, 1, 0.3),
          o.getRestartDecayFn(10), o.getRestartDecayFn(10, 3), o.getRestartDecayFn(10, 2, 1.5),
        ];
        return { step, out: fns.map((fn) => fn(step) as tf.Tensor) };
      });
      const refs = [linear(10), cosine(10), cosine(8, 2), cosine(10, 1, 0.3), restart(10), restart(10, 3), restart(10, 2, 1.5)];
      const sess = new tf.Session({ graph: g, ...dev.options });
      for (let t = 0; t <= 12; t++) {
        const got = (await sess.run(m.out, new Map([[m.step, Int32Array.of(t)]]))) as NDArray[];
        got.forEach((a, i) => expect(Math.abs(Number(a.data[0]) - refs[i]!(t)), `fn ${i} step ${t}: ${a.data[0]}`).toBeLessThan(1e-6 * dev.caps.tolScale));
      }
      await sess.close();
    });
  });
}

describe('contrib.opt declarations', () => {
  it("TF's names, slots, op types and defaults", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const step = tf.train.getOrCreateGlobalStep();
      const v = new tf.Variable([1, 2], { name: 'w' });
      const loss = tf.reduceSum(tf.square(v));
      const na = new tf.contrib.opt.NadamOptimizer();
      expect(na.name).toBe('Adam');
      na.minimize(loss);
      expect(na.getSlotNames()).toEqual(['m', 'v']);
      expect(na.getSlot(v, 'm')!.name).toBe('w/Adam:0');
      expect(na.variables().map((x) => x.op.name)).toEqual(['beta1_power', 'beta2_power', 'w/Adam', 'w/Adam_1']);
      const apply = g.getOperationByName('Adam/update_w/ApplyAdam');
      expect(apply.attrs.useNesterov).toBe(true);
      const as = new tf.contrib.opt.AddSignOptimizer();
      as.minimize(loss, step);
      expect(as.name).toBe('AddSignOptimizer');
      expect(as.getSlotNames()).toEqual(['m']);
      expect(as.getSlot(v, 'm')!.name).toBe('w/AddSignOptimizer:0');
      expect(g.getOperationByName('AddSignOptimizer/update_w/ApplyAddSign').type).toBe('ApplyAddSign');
      expect(g.getOperationByName('AddSignOptimizer/sign_decay').type).toBe('Const');
      expect(g.getOperationByName('AddSignOptimizer/alpha').type).toBe('Const');
      const ps = new tf.contrib.opt.PowerSignOptimizer({ base: 2, signDecayFn: tf.contrib.opt.getLinearDecayFn(5) });
      ps.minimize(loss, { globalStep: step });
      expect(ps.getSlot(v, 'm')!.name).toBe('w/PowerSignOptimizer:0');
      expect(g.getOperationByName('PowerSignOptimizer/update_w/ApplyPowerSign').type).toBe('ApplyPowerSign');
      // the schedule's value is made outside the optimizer's scope, as TF's apply_gradients
      const decayIn = g.getOperationByName('PowerSignOptimizer/update_w/ApplyPowerSign').inputs[4]!;
      expect(decayIn.op.type).toBe('Maximum');
      expect(decayIn.op.name.startsWith('PowerSignOptimizer/')).toBe(false);
      expect(Array.from((g.getOperationByName('PowerSignOptimizer/logbase').attrs.value as NDArray).data)[0]).toBeCloseTo(Math.LN2, 6);
    });
  });

  it('GraphDef export writes use_nesterov for Nadam', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const v = new tf.Variable([1, 2], { name: 'w' });
      new tf.contrib.opt.NadamOptimizer(0.1).minimize(tf.reduceSum(tf.square(v)));
      new tf.train.AdamOptimizer(0.1, { name: 'Plain' }).minimize(tf.reduceSum(tf.square(v)));
    });
    const nodes = g.asGraphDef().node.filter((n) => n.op === 'ApplyAdam');
    expect(nodes.map((n) => [n.name, n.attr.use_nesterov!.b])).toEqual([['Adam/update_w/ApplyAdam', true], ['Plain/update_w/ApplyAdam', false]]);
  });

  it("errors: a schedule without a global step, bad arguments", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const v = new tf.Variable([1, 2], { name: 'w' });
      const loss = tf.reduceSum(tf.square(v));
      expect(() => new tf.contrib.opt.AddSignOptimizer(0.1, { signDecayFn: tf.contrib.opt.getLinearDecayFn(3) }).minimize(loss))
        .toThrow('global_step is required for linear_decay.');
      expect(() => new tf.contrib.opt.PowerSignOptimizer({ signDecayFn: tf.contrib.opt.getCosineDecayFn(3) }).minimize(loss))
        .toThrow('global_step is required for cosine_decay.');
      expect(() => new tf.contrib.opt.PowerSignOptimizer({ base: -1 })).toThrow('math domain error');
      expect(() => new tf.contrib.opt.AddSignOptimizer({ learningRat: 0.1 } as never)).toThrow(/learningRat/);
      expect(() => new tf.contrib.opt.AddSignOptimizer(0.1, 1, 0.9, 3 as never)).toThrow(/sign_decay_fn must be a function/);
    });
  });
});
