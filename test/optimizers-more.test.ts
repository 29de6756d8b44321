/**
 * TF1's remaining optimizers on every device: AdadeltaOptimizer, ProximalAdagradOptimizer,
 * ProximalGradientDescentOptimizer, AdagradDAOptimizer, tf.contrib.opt's LazyAdamOptimizer,
 * AdamWOptimizer and MomentumWOptimizer. Dense updates over several steps and sparse updates
 * through an embedding lookup (repeated ids summed, other rows untouched) against float64
 * re-implementations of TF's kernel formulas (core/kernels/training_ops.cc, the contrib/opt
 * Python); TF1's slot names, op types, GraphDef round trip and argument errors.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();

/** A float64 reference: `step(g, touched)` updates the touched elements (all when dense). */
interface Ref {
  x: number[];
  step(g: number[], touched: boolean[]): void;
}
type Make = (x0: number[]) => Ref;

const sign = Math.sign;
/** TF's proximal step for step size a. */
const prox = (x: number, g: number, a: number, l1: number, l2: number): number => {
  const p = x - a * g;
  return (l1 > 0 ? sign(p) * Math.max(Math.abs(p) - a * l1, 0) : p) / (1 + a * l2);
};

const adadelta = (lr: number, rho: number, eps: number): Make => (x0) => {
  const acc = x0.map(() => 0), upd = x0.map(() => 0);
  const x = [...x0];
  return { x, step: (g, t) => x.forEach((_, i) => {
    if (!t[i]) return;
    acc[i] = acc[i]! * rho + g[i]! * g[i]! * (1 - rho);
    const u = (Math.sqrt(upd[i]! + eps) / Math.sqrt(acc[i]! + eps)) * g[i]!;
    x[i] = x[i]! - u * lr;
    upd[i] = upd[i]! * rho + u * u * (1 - rho);
  }) };
};
const proximalAdagrad = (lr: number, init: number, l1: number, l2: number): Make => (x0) => {
  const acc = x0.map(() => init);
  const x = [...x0];
  return { x, step: (g, t) => x.forEach((_, i) => {
    if (!t[i]) return;
    acc[i] = acc[i]! + g[i]! * g[i]!;
    x[i] = prox(x[i]!, g[i]!, lr / Math.sqrt(acc[i]!), l1, l2);
  }) };
};
const proximalGD = (lr: number, l1: number, l2: number): Make => (x0) => {
  const x = [...x0];
  return { x, step: (g, t) => x.forEach((_, i) => { if (t[i]) x[i] = prox(x[i]!, g[i]!, lr, l1, l2); }) };
};
/** AdagradDA: the n-th step uses t = n (TF feeds the global step + 1; minimize advances it after each step). */
const adagradDA = (lr: number, init: number, l1: number, l2: number): Make => (x0) => {
  const ga = x0.map(() => 0), gg = x0.map(() => init);
  const x = [...x0];
  let step = 0;
  return { x, step: (g, t) => {
    x.forEach((_, i) => {
      if (!t[i]) return;
      ga[i] = ga[i]! + g[i]!;
      gg[i] = gg[i]! + g[i]! * g[i]!;
      const n = step + 1;
      const s = l1 > 0 ? sign(ga[i]!) * Math.max(Math.abs(ga[i]!) - l1 * n, 0) : ga[i]!;
      x[i] = (-lr * s) / (l2 * n * lr + Math.sqrt(gg[i]!));
    });
    step++;
  } };
};
/** Adam (TF1's epsilon hat); `lazy`: untouched elements keep their moments; `wd`: decoupled decay of the touched ones first. */
const adam = (lr: number, b1: number, b2: number, eps: number, o: { lazy?: boolean; wd?: number } = {}): Make => (x0) => {
  const m = x0.map(() => 0), v = x0.map(() => 0);
  const x = [...x0];
  // beta1_power / beta2_power are float32 variables, and every hyper-parameter a float32 tensor (1 - beta2 shows it)
  const f = Math.fround;
  let p1 = f(b1), p2 = f(b2);
  [lr, b1, b2, eps] = [f(lr), f(b1), f(b2), f(eps)];
  return { x, step: (g, t) => {
    const alpha = (lr * Math.sqrt(1 - p2)) / (1 - p1);
    x.forEach((_, i) => {
      if (o.wd !== undefined && t[i]) x[i] = x[i]! - o.wd * x[i]!;
      if (o.lazy && !t[i]) return;
      const gi = t[i] ? g[i]! : 0;
      m[i] = m[i]! + (gi - m[i]!) * (1 - b1);
      v[i] = v[i]! + (gi * gi - v[i]!) * (1 - b2);
      x[i] = x[i]! - (alpha * m[i]!) / (Math.sqrt(v[i]!) + eps);
    });
    p1 = f(p1 * f(b1));
    p2 = f(p2 * f(b2));
  } };
};
const momentumW = (wd: number, lr: number, mom: number, nesterov = false): Make => (x0) => {
  const a = x0.map(() => 0);
  const x = [...x0];
  return { x, step: (g, t) => x.forEach((_, i) => {
    if (!t[i]) return;
    x[i] = x[i]! - wd * x[i]!;
    a[i] = a[i]! * mom + g[i]!;
    x[i] = x[i]! - (nesterov ? lr * g[i]! + lr * mom * a[i]! : lr * a[i]!);
  }) };
};

interface Case {
  what: string;
  make: (step: tf.Variable) => tf.train.Optimizer;
  ref: Make;
  /** Sparse updates of the reference touch only the looked-up rows (else all rows, with zero gradients elsewhere). */
  rowsOnly: boolean;
}
const CASES: Case[] = [
  { what: 'Adadelta', make: () => new tf.train.AdadeltaOptimizer(1.0, { rho: 0.9, epsilon: 0.01 }), ref: adadelta(1.0, 0.9, 0.01), rowsOnly: true },
  { what: 'Adadelta (defaults but lr)', make: () => new tf.train.AdadeltaOptimizer(50), ref: adadelta(50, 0.95, 1e-8), rowsOnly: true },
  { what: 'ProximalAdagrad', make: () => new tf.train.ProximalAdagradOptimizer(0.5), ref: proximalAdagrad(0.5, 0.1, 0, 0), rowsOnly: true },
  {
    what: 'ProximalAdagrad l1, l2', make: () => new tf.train.ProximalAdagradOptimizer(0.5, { initialAccumulatorValue: 0.3, l1RegularizationStrength: 0.2, l2RegularizationStrength: 0.5 }),
    ref: proximalAdagrad(0.5, 0.3, 0.2, 0.5), rowsOnly: true,
  },
  { what: 'ProximalGradientDescent', make: () => new tf.train.ProximalGradientDescentOptimizer(0.1), ref: proximalGD(0.1, 0, 0), rowsOnly: true },
  { what: 'ProximalGradientDescent l1, l2', make: () => new tf.train.ProximalGradientDescentOptimizer(0.1, 0.1, 0.4), ref: proximalGD(0.1, 0.1, 0.4), rowsOnly: true },
  { what: 'AdagradDA', make: (s) => new tf.train.AdagradDAOptimizer(0.7, s), ref: adagradDA(0.7, 0.1, 0, 0), rowsOnly: true },
  {
    what: 'AdagradDA l1, l2', make: (s) => new tf.train.AdagradDAOptimizer(0.7, s, { initialGradientSquaredAccumulatorValue: 0.2, l1RegularizationStrength: 0.3, l2RegularizationStrength: 0.2 }),
    ref: adagradDA(0.7, 0.2, 0.3, 0.2), rowsOnly: true,
  },
  { what: 'LazyAdam', make: () => new tf.contrib.opt.LazyAdamOptimizer(0.1), ref: adam(0.1, 0.9, 0.999, 1e-8, { lazy: true }), rowsOnly: true },
  { what: 'AdamW', make: () => new tf.contrib.opt.AdamWOptimizer(0.05, 0.1, { beta1: 0.8 }), ref: adam(0.1, 0.8, 0.999, 1e-8, { wd: 0.05 }), rowsOnly: false },
  { what: 'MomentumW', make: () => new tf.contrib.opt.MomentumWOptimizer(0.1, 0.05, 0.9), ref: momentumW(0.1, 0.05, 0.9), rowsOnly: true },
  { what: 'MomentumW Nesterov', make: () => new tf.contrib.opt.MomentumWOptimizer(0.1, 0.05, 0.9, { useNesterov: true }), ref: momentumW(0.1, 0.05, 0.9, true), rowsOnly: true },
];

const read = async (sess: tf.Session, t: tf.Variable | tf.Tensor): Promise<number[]> => Array.from(((await sess.run(t)) as NDArray).data as Float32Array);

function near(got: number[], want: number[], tol: number, what: string): void {
  got.forEach((w, i) => expect(Math.abs(w - want[i]!), `${what} [${i}]: ${w} vs ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!))));
}

for (const dev of devices) {
  describe(`more optimizers (${dev.name})`, () => {
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
            // loss = sum(k * w) + 0.5 * sum(w^2): grad = k + w
            const loss = tf.add(tf.reduceSum(tf.multiply(tf.constant(k, dtype), v)), tf.multiply(tf.constant(0.5, dtype), tf.reduceSum(tf.square(v))));
            return { v, train: c.make(step).minimize(loss, { globalStep: step }), init: tf.globalVariablesInitializer() };
          });
          const sess = new tf.Session({ graph: g, ...dev.options });
          await sess.run(m.init);
          // float64 too: TF converts a Python float hyper-parameter to a float32 tensor before the
          // cast to the variable's type, and Adam's beta powers are float32 variables: float64 runs differ from exact float64 math by ~1e-7
          const ref = c.ref(dtype === 'float32' ? x0.map(Math.fround) : x0);
          const all = x0.map(() => true);
          for (let s = 0; s < 4; s++) {
            const before = [...ref.x];
            await sess.run(m.train);
            ref.step(before.map((w, i) => k[i]! + w), all);
            near(Array.from(((await sess.run(m.v)) as NDArray).data as Float32Array), ref.x, dtype === 'float32' ? 1e-5 * dev.caps.tolScale : 1e-6, `step ${s}`);
          }
          // the steps are large enough for a wrong rule to show
          expect(ref.x.some((w, i) => Math.abs(w - x0[i]!) > 0.01)).toBe(true);
          await sess.close();
        });
      }

      it(`${c.what}: sparse steps through an embedding lookup (repeated ids summed)`, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const rows = 5, dim = 2;
        const table = Array.from({ length: rows * dim }, (_, i) => 0.1 * (i - 4));
        const idSteps = [[3, 0, 3], [1, 3, 1]];
        const coef = [1, -1, 2, 0.5, -3, 1];
        const g = new tf.Graph();
        const m = g.asDefault(() => {
          const step = tf.train.getOrCreateGlobalStep();
          const emb = new tf.Variable(tf.constant(Float32Array.from(table), 'float32', [rows, dim]), { name: 'emb' });
          const ids = tf.placeholder('int32', [3]);
          const looked = tf.nn.embeddingLookup(emb, ids);
          const loss = tf.reduceSum(tf.multiply(looked, tf.constant(Float32Array.from(coef), 'float32', [3, dim])));
          const o = c.make(step);
          const gv = o.computeGradients(loss);
          expect(gv[0]![0]).toBeInstanceOf(tf.IndexedSlices);
          return { emb, ids, train: o.applyGradients(gv, { globalStep: step }), init: tf.globalVariablesInitializer() };
        });
        const sess = new tf.Session({ graph: g, ...dev.options });
        await sess.run(m.init);
        const ref = c.ref(table.map(Math.fround));
        let before = await read(sess, m.emb);
        for (const ids of idSteps) {
          await sess.run(m.train, new Map([[m.ids, Int32Array.from(ids)]]));
          const grad = new Array(rows * dim).fill(0);
          const touched = new Array(rows * dim).fill(false);
          ids.forEach((id, j) => [0, 1].forEach((d) => {
            grad[id * dim + d] += coef[j * dim + d]!;
            touched[id * dim + d] = true;
          }));
          ref.step(grad, touched);
          const got = await read(sess, m.emb);
          near(got, ref.x, 2e-5 * dev.caps.tolScale, `ids ${ids}`);
          if (c.rowsOnly) got.forEach((w, i) => { if (!touched[i]) expect(w, `untouched [${i}]`).toBe(before[i]); });
          before = got;
        }
        await sess.close();
      });
    }

    it('minimize through tf.layers.dense lowers the loss, slots beside the layer variables', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      for (const c of CASES) {
        const g = new tf.Graph();
        const m = g.asDefault(() => {
          tf.setRandomSeed(3);
          const step = tf.train.getOrCreateGlobalStep();
          const x = tf.constant([[1, 2], [3, -1], [0.5, 0.5], [-2, 1]]);
          const y = tf.constant([[1], [0], [0.5], [-1]]);
          const out = tf.layers.dense(x, 1);
          const loss = tf.losses.meanSquaredError(y, out);
          const o = c.make(step);
          return { loss, o, train: o.minimize(loss, { globalStep: step }), init: tf.globalVariablesInitializer() };
        });
        const sess = new tf.Session({ graph: g, ...dev.options });
        await sess.run(m.init);
        const first = (await read(sess, m.loss))[0]!;
        for (let s = 0; s < 10; s++) await sess.run(m.train);
        const last = (await read(sess, m.loss))[0]!;
        expect(last, `${c.what}: ${first} -> ${last}`).toBeLessThan(first);
        const kernel = g.getTensorByName('dense/kernel:0');
        const names = m.o.variables().map((v) => v.op.name).filter((n) => n.startsWith('dense/kernel/'));
        if (!c.what.startsWith('ProximalGradientDescent')) expect(names.length, c.what).toBeGreaterThan(0);
        void kernel;
        await sess.close();
      }
    });
  });
}

describe('optimizer declarations', () => {
  it("TF1's slot names, op types and defaults", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const step = tf.train.getOrCreateGlobalStep();
      const v = new tf.Variable([1, 2], { name: 'w' });
      const loss = tf.reduceSum(tf.square(v));
      const types = () => new Set(g.getOperations().map((op) => op.type));
      const ad = new tf.train.AdadeltaOptimizer();
      ad.minimize(loss);
      expect(ad.getSlot(v, 'accum')!.name).toBe('w/Adadelta:0');
      expect(ad.getSlot(v, 'accum_update')!.name).toBe('w/Adadelta_1:0');
      expect(ad.getSlotNames()).toEqual(['accum', 'accum_update']);
      expect(types().has('ApplyAdadelta')).toBe(true);
      expect(g.getOperationByName('Adadelta/lr').type).toBe('Const');
      const pa = new tf.train.ProximalAdagradOptimizer(0.1);
      pa.minimize(loss);
      expect(pa.getSlot(v, 'accumulator')!.name).toBe('w/ProximalAdagrad:0');
      expect(types().has('ApplyProximalAdagrad')).toBe(true);
      const pg = new tf.train.ProximalGradientDescentOptimizer(0.1);
      pg.minimize(loss);
      expect(pg.getSlotNames()).toEqual([]);
      expect(types().has('ApplyProximalGradientDescent')).toBe(true);
      const da = new tf.train.AdagradDAOptimizer(0.1, step);
      da.minimize(loss, { globalStep: step });
      expect(da.getSlot(v, 'gradient_accumulator')!.name).toBe('w/AdagradDA:0');
      expect(da.getSlot(v, 'gradient_squared_accumulator')!.name).toBe('w/AdagradDA_1:0');
      const apply = g.getOperations().find((op) => op.type === 'ApplyAdagradDA')!;
      expect(apply.name).toBe('AdagradDA/update_w/ApplyAdagradDA');
      expect(apply.inputs.map((t) => t.dtype)).toEqual(['float32', 'float32', 'float32', 'float32', 'float32', 'float32', 'float32', 'int64']);
      const la = new tf.contrib.opt.LazyAdamOptimizer();
      expect(la.name).toBe('Adam');
      la.minimize(loss);
      expect(la.getSlot(v, 'm')!.name).toBe('w/Adam:0');
      const aw = new tf.contrib.opt.AdamWOptimizer(0.01);
      aw.minimize(loss);
      expect(aw.getSlot(v, 'v')!.name).toBe('w/AdamW_1:0');
      expect(g.getOperationByName('AdamW/weight_decay').type).toBe('Const');
      const mw = new tf.contrib.opt.MomentumWOptimizer(0.01, 0.1, 0.9);
      mw.minimize(loss);
      expect(mw.getSlot(v, 'momentum')!.name).toBe('w/MomentumW:0');
    });
  });

  it("sparse ops take TF's input order (indices right after grad)", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const step = tf.train.getOrCreateGlobalStep();
      const emb = new tf.Variable(tf.zeros([4, 2]), { name: 'emb' });
      const loss = tf.reduceSum(tf.nn.embeddingLookup(emb, tf.constant(Int32Array.of(1, 2))));
      for (const o of [new tf.train.AdadeltaOptimizer(), new tf.train.ProximalAdagradOptimizer(0.1), new tf.train.ProximalGradientDescentOptimizer(0.1), new tf.train.AdagradDAOptimizer(0.1, step), new tf.train.FtrlOptimizer(0.1), new tf.train.MomentumOptimizer(0.1, 0.9)]) {
        o.minimize(loss);
      }
      const order = (type: string) => g.getOperations().find((op) => op.type === type)!.inputs.map((t) => t.dtype);
      const f = 'float32', i = 'int32', i64 = 'int64';
      expect(order('SparseApplyAdadelta')).toEqual([f, f, f, f, f, f, f, i]);
      expect(order('SparseApplyProximalAdagrad')).toEqual([f, f, f, f, f, f, i]);
      expect(order('SparseApplyProximalGradientDescent')).toEqual([f, f, f, f, f, i]);
      expect(order('SparseApplyAdagradDA')).toEqual([f, f, f, f, i, f, f, f, i64]);
      expect(order('SparseApplyFtrl')).toEqual([f, f, f, f, i, f, f, f, f]);
      expect(order('SparseApplyMomentum')).toEqual([f, f, f, f, i, f]);
    });
  });

  it('GraphDef export writes T / Tindices / use_locking; the imported graph trains to the same values', async () => {
    const g = new tf.Graph();
    const trains = g.asDefault(() => {
      const step = tf.train.getOrCreateGlobalStep();
      const w = new tf.Variable([1, 2], { name: 'w' });
      const emb = new tf.Variable(tf.constant([0.5, -1, 2, 0.25, -0.5, 1, 3, -2], 'float32', [4, 2]), { name: 'emb' });
      const loss = tf.add(tf.reduceSum(tf.square(w)), tf.reduceSum(tf.square(tf.nn.embeddingLookup(emb, tf.constant(Int32Array.of(1, 2, 1))))));
      const ops = [
        new tf.train.AdadeltaOptimizer(1.0, { epsilon: 0.01 }).minimize(loss),
        new tf.train.ProximalAdagradOptimizer(0.1, { l1RegularizationStrength: 0.01 }).minimize(loss),
        new tf.train.ProximalGradientDescentOptimizer(0.1, { l2RegularizationStrength: 0.1 }).minimize(loss),
        new tf.train.AdagradDAOptimizer(0.1, step, { l1RegularizationStrength: 0.01 }).minimize(loss, { globalStep: step }),
      ];
      tf.globalVariablesInitializer();
      return ops.map((o) => o.name);
    });
    const gd = g.asGraphDef();
    const node = (op: string) => gd.node.find((n) => n.op === op)!;
    for (const op of ['ApplyAdadelta', 'ApplyProximalAdagrad', 'ApplyProximalGradientDescent', 'ApplyAdagradDA']) {
      expect(Object.keys(node(op).attr).filter((k) => !k.startsWith('_')).sort(), op).toEqual(['T', 'use_locking']);
      expect(Object.keys(node(`Sparse${op}`).attr).filter((k) => !k.startsWith('_')).sort(), op).toEqual(['T', 'Tindices', 'use_locking']);
    }
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    for (const op of ['ApplyAdadelta', 'SparseApplyAdagradDA', 'SparseApplyProximalGradientDescent']) {
      expect(g2.getOperations().filter((o) => o.type === op).length, op).toBe(1);
    }
    const runAll = async (graph: tf.Graph): Promise<number[][]> => {
      const sess = new tf.Session({ graph });
      await sess.run(graph.getOperationByName('init'));
      for (const t of trains) await sess.run(graph.getOperationByName(t));
      const out = [await read(sess, graph.getTensorByName('w:0')), await read(sess, graph.getTensorByName('emb:0'))];
      await sess.close();
      return out;
    };
    const [want, got] = [await runAll(g), await runAll(g2)];
    expect(want[1]).not.toEqual([0.5, -1, 2, 0.25, -0.5, 1, 3, -2].map(Math.fround));
    expect(got).toEqual(want);
  });

  it("TF1's argument errors", () => {
    expect(() => new tf.train.ProximalAdagradOptimizer(0.1, { initialAccumulatorValue: 0 })).toThrow('initial_accumulator_value must be positive: 0');
    const g = new tf.Graph();
    g.asDefault(() => {
      const step = tf.train.getOrCreateGlobalStep();
      expect(() => new tf.train.AdagradDAOptimizer(0.1, step, { initialGradientSquaredAccumulatorValue: -1 })).toThrow('initial_gradient_squared_accumulator_value must be positive: -1');
      expect(() => new (tf.train.AdagradDAOptimizer as unknown as new (lr: number) => unknown)(0.1)).toThrow("missing 1 required positional argument: 'globalStep'");
      expect(() => new tf.train.AdadeltaOptimizer(0.1, { rhoo: 1 } as never)).toThrow();
    });
  });
});

/** TF 1.15's own tests (proximal_adagrad_test, proximal_gradient_descent_test, adagrad_da_test): var0 [1, 2] or [0, 0], var1 [4, 3] or [0, 0], constant grads [0.1, 0.2] and [0.01, 0.02]. */
const TF_CASES: [string, (s: tf.Variable) => tf.train.Optimizer, boolean, number, number[], number[]][] = [
  ['ProximalAdagrad, no regularization', () => new tf.train.ProximalAdagradOptimizer(3.0, { initialAccumulatorValue: 0.1 }), true, 3, [-2.60260963, -4.29698515], [-0.28432083, -0.56694895]],
  ['ProximalAdagrad, no regularization 2', () => new tf.train.ProximalAdagradOptimizer(3.0, { initialAccumulatorValue: 0.1 }), false, 3, [-1.60261, -2.296985], [3.715679, 2.433051]],
  ['ProximalAdagrad, l1', () => new tf.train.ProximalAdagradOptimizer(3.0, { initialAccumulatorValue: 0.1, l1RegularizationStrength: 0.001 }), false, 10, [-6.663634, -9.190331], [2.959304, 1.029232]],
  ['ProximalAdagrad, l1 l2', () => new tf.train.ProximalAdagradOptimizer(3.0, { initialAccumulatorValue: 0.1, l1RegularizationStrength: 0.001, l2RegularizationStrength: 2.0 }), false, 10, [-0.0495, -0.0995], [-0.0045, -0.0095]],
  ['ProximalGradientDescent, l1', () => new tf.train.ProximalGradientDescentOptimizer(3.0, { l1RegularizationStrength: 0.001 }), false, 10, [-1.988, -3.988001], [3.67, 2.37]],
  ['ProximalGradientDescent, l1 l2', () => new tf.train.ProximalGradientDescentOptimizer(3.0, { l1RegularizationStrength: 0.001, l2RegularizationStrength: 2.0 }), false, 10, [-0.0495, -0.0995], [-0.0045, -0.0095]],
  ['AdagradDA, no regularization', (s) => new tf.train.AdagradDAOptimizer(3.0, s, { initialGradientSquaredAccumulatorValue: 0.1 }), true, 1, [-0.904534, -1.603567], [-0.094821, -0.189358]],
  ['AdagradDA, l1', (s) => new tf.train.AdagradDAOptimizer(3.0, s, { l1RegularizationStrength: 0.001 }), false, 1, [-0.895489, -1.59555], [-0.085339, -0.17989]],
  ['AdagradDA, l1 l2', (s) => new tf.train.AdagradDAOptimizer(3.0, s, { l1RegularizationStrength: 0.001, l2RegularizationStrength: 2.0 }), false, 1, [-0.046907, -0.093659], [-0.004275, -0.009023]],
];

describe("TF's own test values", () => {
  for (const [what, make, zero, steps, want0, want1] of TF_CASES) {
    it(what, async () => {
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const step = tf.train.getOrCreateGlobalStep();
        const var0 = new tf.Variable(zero ? [0, 0] : [1, 2]);
        const var1 = new tf.Variable(zero ? [0, 0] : [4, 3]);
        const update = make(step).applyGradients([[tf.constant([0.1, 0.2]), var0], [tf.constant([0.01, 0.02]), var1]], { globalStep: step });
        return { var0, var1, update, init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g });
      await sess.run(m.init);
      for (let i = 0; i < steps; i++) await sess.run(m.update);
      near(await read(sess, m.var0), want0, 1e-5, 'var0');
      near(await read(sess, m.var1), want1, 1e-5, 'var1');
      await sess.close();
    });
  }
});

describe('decoupled weight decay', () => {
  it('applyGradients decays only decayVarList; minimize decays every variable, as TF 1.15 (its applyGradients resets the list)', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const a = new tf.Variable([1, -2], { name: 'a' });
      const b = new tf.Variable([3, 4], { name: 'b' });
      const loss = tf.add(tf.reduceSum(a), tf.reduceSum(b));
      const o1 = new tf.contrib.opt.MomentumWOptimizer(0.5, 0.1, 0.0);
      const t1 = o1.applyGradients(o1.computeGradients(loss), { decayVarList: [a] } as never);
      const o2 = new tf.contrib.opt.MomentumWOptimizer(0.5, 0.1, 0.0);
      const t2 = o2.minimize(loss, { decayVarList: [a] } as never);
      return { a, b, t1, t2, init: tf.globalVariablesInitializer() };
    });
    const sess = new tf.Session({ graph: g });
    await sess.run(m.init);
    await sess.run(m.t1);
    near(await read(sess, m.a), [1 * 0.5 - 0.1, -2 * 0.5 - 0.1], 1e-6, 'a decayed');
    near(await read(sess, m.b), [3 - 0.1, 4 - 0.1], 1e-6, 'b not decayed');
    await sess.run(m.t2);
    near(await read(sess, m.b), [2.9 * 0.5 - 0.1, 3.9 * 0.5 - 0.1], 1e-6, 'b decayed by minimize');
    await sess.close();
  });
});

describe('extendWithDecoupledWeightDecay', () => {
  it('decays before the base update, once per row for sparse gradients (also when the base applies them densely)', async () => {
    const SGDW = tf.contrib.opt.extendWithDecoupledWeightDecay(tf.train.GradientDescentOptimizer);
    const AdamW2 = tf.contrib.opt.extendWithDecoupledWeightDecay(tf.train.AdamOptimizer);
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const a = new tf.Variable([1, -2], { name: 'a' });
      const e1 = new tf.Variable(tf.constant([1, 2, 3, 4, 5, 6], 'float32', [3, 2]), { name: 'e1' });
      const e2 = new tf.Variable(tf.constant([1, 2, 3, 4, 5, 6], 'float32', [3, 2]), { name: 'e2' });
      const e3 = new tf.Variable(tf.constant([1, 2, 3, 4, 5, 6], 'float32', [3, 2]), { name: 'e3' });
      const ids = tf.constant(Int32Array.of(2, 2, 0));
      const sgd = new SGDW(0.1, 0.5);
      expect(sgd.name).toBe('GradientDescent');
      const t1 = sgd.minimize(tf.reduceSum(a));
      const t2 = new SGDW(0.1, 0.5).minimize(tf.reduceSum(tf.nn.embeddingLookup(e1, ids)));
      const t3 = new AdamW2(0.1, 0.1).minimize(tf.reduceSum(tf.nn.embeddingLookup(e2, ids)));
      const t4 = new tf.contrib.opt.AdamWOptimizer(0.1, 0.1).minimize(tf.reduceSum(tf.nn.embeddingLookup(e3, ids)));
      return { a, e1, e2, e3, t: [t1, t2, t3, t4], init: tf.globalVariablesInitializer() };
    });
    const sess = new tf.Session({ graph: g });
    await sess.run(m.init);
    for (const t of m.t) await sess.run(t);
    near(await read(sess, m.a), [1 * 0.9 - 0.5, -2 * 0.9 - 0.5], 1e-6, 'dense');
    // row 2 (ids 2, 2): decayed once, gradient 2; row 0: gradient 1; row 1 untouched
    near(await read(sess, m.e1), [0.9 - 0.5, 1.8 - 0.5, 3, 4, 4.5 - 1, 5.4 - 1], 1e-6, 'sparse');
    expect(await read(sess, m.e2)).toEqual(await read(sess, m.e3));
    await sess.close();
  });
});
