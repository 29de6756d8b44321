import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { Tensor, Variable } from 'tsflow';

interface FixtureCase { id: string; inputs: Record<string, any>; expected: any; attrs: Record<string, any>; tol: { atol?: number; rtol?: number } }
const fixtures: FixtureCase[] = JSON.parse(readFileSync(new URL('./fixtures/conformance/cases.json', import.meta.url), 'utf8'));
const fx = (id: string): FixtureCase => fixtures.find((c) => c.id === id)!;

function close(actual: unknown, expected: unknown, tol: { atol?: number; rtol?: number }): void {
  const a = [actual].flat(Infinity) as number[];
  const e = [expected].flat(Infinity) as number[];
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => {
    const bound = (tol.atol ?? 0) + (tol.rtol ?? 0) * Math.abs(e[i]!);
    if (!(Math.abs(v - e[i]!) <= bound)) throw new Error(`element ${i}: ${v} vs ${e[i]} (tol ${bound}); actual ${a}`);
  });
}

/** Build in a fresh graph, then run `body` with a session on it. */
async function inGraph<T>(build: () => T, body: (sess: tf.Session, built: T, init: tf.Operation) => Promise<void>): Promise<void> {
  const g = new tf.Graph();
  const built = g.asDefault(build);
  const init = g.asDefault(() => tf.globalVariablesInitializer());
  const sess = new tf.Session({ graph: g });
  try {
    await body(sess, built, init);
  } finally {
    await sess.close();
  }
}
const arr = async (sess: tf.Session, t: unknown) => ((await sess.run(t)) as tf.NDArray).toArray();

// ----- conformance cases -------------------------------------------------------------------
describe('optimizer conformance cases', () => {
  /** Case `id`: variables var0 and var1, one run of `update(c, v0, v1)`, both checked after it. */
  async function oneUpdateOfTwoVars(id: string, update: (c: FixtureCase, v0: Variable, v1: Variable) => tf.Operation): Promise<void> {
    const c = fx(id);
    await inGraph(
      () => {
        const v0 = new tf.Variable(c.inputs.var0);
        const v1 = new tf.Variable(c.inputs.var1);
        return { v0, v1, op: update(c, v0, v1) };
      },
      async (sess, { v0, v1, op }, init) => {
        await sess.run(init);
        await sess.run(op);
        close(await arr(sess, v0), c.expected.var0, c.tol);
        close(await arr(sess, v1), c.expected.var1, c.tol);
      },
    );
  }

  it('sgd_apply_gradients', async () => {
    await oneUpdateOfTwoVars('sgd_apply_gradients', (c, v0, v1) =>
      new tf.train.GradientDescentOptimizer(c.attrs.learning_rate).applyGradients([
        [tf.constant(c.inputs.grad0), v0],
        [tf.constant(c.inputs.grad1), v1],
      ]),
    );
  });

  it('sgd_minimize_matmul', async () => {
    await oneUpdateOfTwoVars('sgd_minimize_matmul', (c, v0, v1) => {
      const pred = tf.add(tf.matmul(v0, tf.constant(c.inputs.x)), v1);
      return new tf.train.GradientDescentOptimizer(1.0).minimize(tf.reduceSum(tf.square(pred)));
    });
  });

  it('relu_grad_gd_scalar', async () => {
    const c = fx('relu_grad_gd_scalar');
    await inGraph(
      () => {
        const x = new tf.Variable(c.inputs.x_init);
        const op = new tf.train.GradientDescentOptimizer(c.attrs.learning_rate).minimize(tf.pow(tf.nn.relu(x), 2));
        return { x, op };
      },
      async (sess, { x, op }, init) => {
        await sess.run(init);
        await sess.run(op);
        close(await arr(sess, x), c.expected.x_after_1_step, c.tol);
      },
    );
  });

  it('momentum_2_steps (slots named <var>/Momentum)', async () => {
    const c = fx('momentum_2_steps');
    await inGraph(
      () => {
        const v0 = new tf.Variable(c.inputs.var0, { name: 'var0' });
        const v1 = new tf.Variable(c.inputs.var1, { name: 'var1' });
        const opt = new tf.train.MomentumOptimizer(c.attrs.learning_rate, c.attrs.momentum);
        const op = opt.applyGradients([[tf.constant(c.inputs.grad0), v0], [tf.constant(c.inputs.grad1), v1]]);
        return { v0, v1, op, s0: opt.getSlot(v0, 'momentum')!, s1: opt.getSlot(v1, 'momentum')! };
      },
      async (sess, { v0, v1, op, s0, s1 }, init) => {
        expect(s0.op.name).toBe('var0/Momentum');
        expect(s1.op.name).toBe('var1/Momentum');
        expect(s0.trainable).toBe(false);
        await sess.run(init);
        await sess.run(op);
        const e1 = c.expected.after_step1;
        close(await arr(sess, s0), e1.slot0, c.tol);
        close(await arr(sess, v0), e1.var0, c.tol);
        close(await arr(sess, v1), e1.var1, c.tol);
        await sess.run(op);
        const e2 = c.expected.after_step2;
        close(await arr(sess, s0), e2.slot0, c.tol);
        close(await arr(sess, s1), e2.slot1, c.tol);
        close(await arr(sess, v0), e2.var0, c.tol);
        close(await arr(sess, v1), e2.var1, c.tol);
      },
    );
  });

  it('adam_3_steps (slots <var>/Adam, <var>/Adam_1; beta powers advance after the updates)', async () => {
    const c = fx('adam_3_steps');
    await inGraph(
      () => {
        const v0 = new tf.Variable(c.inputs.var0, { name: 'var0' });
        const v1 = new tf.Variable(c.inputs.var1, { name: 'var1' });
        const opt = new tf.train.AdamOptimizer();
        const op = opt.applyGradients([[tf.constant(c.inputs.grad0), v0], [tf.constant(c.inputs.grad1), v1]]);
        return { vars: [v0, v1], op, opt };
      },
      async (sess, { vars, op, opt }, init) => {
        const [b1p, b2p] = opt.betaAccumulators();
        expect([b1p.op.name, b2p.op.name]).toEqual(['beta1_power', 'beta2_power']);
        expect(vars.map((v) => [opt.getSlot(v, 'm')!.op.name, opt.getSlot(v, 'v')!.op.name])).toEqual([
          ['var0/Adam', 'var0/Adam_1'],
          ['var1/Adam', 'var1/Adam_1'],
        ]);
        expect(op.name).toBe('Adam');
        expect(sess.graph.getOperationByName('Adam/update_var0/ApplyAdam').type).toBe('ApplyAdam');
        await sess.run(init);
        close(await arr(sess, b1p), 0.9, { atol: 1e-7 });
        for (let t = 0; t < 3; t++) {
          await sess.run(op);
          for (const [i, key] of [[0, 'var0'], [1, 'var1']] as const) {
            const e = c.expected[key][t];
            close(await arr(sess, vars[i]!), e.var, c.tol);
            close(await arr(sess, opt.getSlot(vars[i]!, 'm')!), e.m, c.tol);
            close(await arr(sess, opt.getSlot(vars[i]!, 'v')!), e.v, c.tol);
            close(await arr(sess, b1p), e.beta1_power_after, c.tol);
            close(await arr(sess, b2p), e.beta2_power_after, c.tol);
          }
        }
      },
    );
  });
});

// ----- multi-step comparison against float64 re-implementations of TF's kernels ---------------
/** float64 variables; hyper-parameters are float32 tensors cast to float64, as in TF. */
const f32 = Math.fround;
type Ref = { step(g: number[]): void; vars(): number[][] };

function refGD(x: number[], lr: number): Ref {
  return { step: (g) => x.forEach((_, i) => (x[i]! -= f32(lr) * g[i]!)), vars: () => [x] };
}
function refMomentum(x: number[], lr: number, mu: number, nesterov: boolean): Ref {
  const acc = x.map(() => 0);
  return {
    step: (g) => x.forEach((_, i) => {
      acc[i] = acc[i]! * f32(mu) + g[i]!;
      x[i]! -= nesterov ? g[i]! * f32(lr) + acc[i]! * f32(mu) * f32(lr) : acc[i]! * f32(lr);
    }),
    vars: () => [x, acc],
  };
}
function refAdagrad(x: number[], lr: number, init: number): Ref {
  const acc = x.map(() => init);
  return {
    step: (g) => x.forEach((_, i) => {
      acc[i] = acc[i]! + g[i]! * g[i]!;
      x[i]! -= (g[i]! * f32(lr)) / Math.sqrt(acc[i]!);
    }),
    vars: () => [x, acc],
  };
}
function refAdam(x: number[], lr: number, b1: number, b2: number, eps: number): Ref {
  const m = x.map(() => 0);
  const v = x.map(() => 0);
  let b1p = f32(b1);
  let b2p = f32(b2);
  return {
    step: (g) => {
      const alpha = (f32(lr) * Math.sqrt(1 - b2p)) / (1 - b1p);
      x.forEach((_, i) => {
        m[i] = m[i]! + (g[i]! - m[i]!) * (1 - f32(b1));
        v[i] = v[i]! + (g[i]! * g[i]! - v[i]!) * (1 - f32(b2));
        x[i]! -= (m[i]! * alpha) / (Math.sqrt(v[i]!) + f32(eps));
      });
      b1p = f32(b1p * f32(b1));
      b2p = f32(b2p * f32(b2));
    },
    vars: () => [x, m, v],
  };
}
function refRMSProp(x: number[], lr: number, rho: number, mu: number, eps: number, centered: boolean): Ref {
  const ms = x.map(() => 1);
  const mg = x.map(() => 0);
  const mom = x.map(() => 0);
  return {
    step: (g) => x.forEach((_, i) => {
      ms[i] = ms[i]! + (g[i]! * g[i]! - ms[i]!) * (1 - f32(rho));
      let denom = ms[i]! + f32(eps);
      if (centered) {
        mg[i] = mg[i]! + (g[i]! - mg[i]!) * (1 - f32(rho));
        denom = ms[i]! - mg[i]! * mg[i]! + f32(eps);
      }
      mom[i] = mom[i]! * f32(mu) + (g[i]! * f32(lr)) / Math.sqrt(denom);
      x[i]! -= mom[i]!;
    }),
    vars: () => (centered ? [x, ms, mg, mom] : [x, ms, mom]),
  };
}

interface OptCase {
  name: string;
  make: () => tf.train.Optimizer;
  ref: (x: number[]) => Ref;
  slots: string[];
}
const optCases: OptCase[] = [
  { name: 'GradientDescent', make: () => new tf.train.GradientDescentOptimizer(0.1), ref: (x) => refGD(x, 0.1), slots: [] },
  { name: 'Momentum', make: () => new tf.train.MomentumOptimizer(0.1, 0.9), ref: (x) => refMomentum(x, 0.1, 0.9, false), slots: ['momentum'] },
  { name: 'Momentum (Nesterov)', make: () => new tf.train.MomentumOptimizer(0.1, 0.9, { useNesterov: true }), ref: (x) => refMomentum(x, 0.1, 0.9, true), slots: ['momentum'] },
  { name: 'Adagrad', make: () => new tf.train.AdagradOptimizer(0.3), ref: (x) => refAdagrad(x, 0.3, 0.1), slots: ['accumulator'] },
  { name: 'Adam', make: () => new tf.train.AdamOptimizer(0.01), ref: (x) => refAdam(x, 0.01, 0.9, 0.999, 1e-8), slots: ['m', 'v'] },
  { name: 'Adam (custom betas)', make: () => new tf.train.AdamOptimizer(0.05, { beta1: 0.5, beta2: 0.9, epsilon: 1e-3 }), ref: (x) => refAdam(x, 0.05, 0.5, 0.9, 1e-3), slots: ['m', 'v'] },
  { name: 'RMSProp', make: () => new tf.train.RMSPropOptimizer(0.01), ref: (x) => refRMSProp(x, 0.01, 0.9, 0, 1e-10, false), slots: ['rms', 'momentum'] },
  {
    name: 'RMSProp (momentum, centered)',
    make: () => new tf.train.RMSPropOptimizer(0.01, { decay: 0.8, momentum: 0.5, epsilon: 1e-4, centered: true }),
    ref: (x) => refRMSProp(x, 0.01, 0.8, 0.5, 1e-4, true),
    slots: ['rms', 'mg', 'momentum'],
  },
];

describe('optimizers match float64 re-implementations of the TF1 kernels over several steps', () => {
  it.each(optCases.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const start = [0.5, -1.5, 2, 0.25, -0.75, 1];
    const ref = c.ref([...start]);
    await inGraph(
      () => {
        const v = new tf.Variable(tf.constant(start, 'float64', [2, 3]), { name: 'W' });
        const g = tf.placeholder('float64', [2, 3], 'g');
        const opt = c.make();
        const op = opt.applyGradients([[g, v]]);
        return { v, g, op, opt };
      },
      async (sess, { v, g, op, opt }, init) => {
        const slots = c.slots.map((s) => opt.getSlot(v, s)!);
        expect(slots.every((s) => s !== null && s.dtype === 'float64')).toBe(true);
        await sess.run(init);
        for (let step = 0; step < 6; step++) {
          const grad = start.map(() => rnd());
          ref.step(grad);
          await sess.run(op, new Map([[g, new tf.NDArray(Float64Array.from(grad), [2, 3], 'float64')]]));
          const got = await sess.run([v, ...slots]);
          ref.vars().forEach((want, k) => close(got[k].toArray(), want, { atol: 1e-12, rtol: 1e-12 }));
        }
      },
    );
  });
});

// ----- minimize, global step, names ------------------------------------------------------------
describe('minimize and the global step', () => {
  it('getOrCreateGlobalStep: int64 scalar, not trainable, in GLOBAL_STEP; incremented by exactly 1 after the updates', async () => {
    await inGraph(
      () => {
        const gs = tf.train.getOrCreateGlobalStep();
        expect(tf.train.getOrCreateGlobalStep()).toBe(gs);
        expect(() => tf.train.createGlobalStep()).toThrow('"global_step" already exists.');
        const w = new tf.Variable([1, 2], { name: 'W' });
        const loss = tf.reduceSum(tf.square(w));
        const op = new tf.train.GradientDescentOptimizer(0.1).minimize(loss, { globalStep: gs });
        // A reader of the step that depends on the train op sees the incremented value.
        const after = tf.controlDependencies([op], () => tf.identity(gs.readValue()));
        return { gs, w, op, after };
      },
      async (sess, { gs, w, op, after }, init) => {
        expect(gs.op.name).toBe('global_step');
        expect(gs.dtype).toBe('int64');
        expect(gs.shape).toEqual([]);
        expect(gs.trainable).toBe(false);
        expect(sess.graph.getCollection(tf.GraphKeys.GLOBAL_STEP)).toEqual([gs]);
        expect(sess.graph.getCollection(tf.GraphKeys.TRAINABLE_VARIABLES)).toEqual([w]);
        expect(sess.graph.getCollection(tf.GraphKeys.TRAIN_OP)).toEqual([op]);
        expect(op.name).toBe('GradientDescent');
        expect(op.type).toBe('AssignAdd');
        expect(sess.graph.getOperationByName('GradientDescent/update').type).toBe('NoOp');
        expect(sess.graph.getOperationByName('GradientDescent/update_W/ApplyGradientDescent').type).toBe('ApplyGradientDescent');
        await sess.run(init);
        expect(await arr(sess, gs)).toBe(0);
        await sess.run(op);
        await sess.run(op);
        expect(await arr(sess, gs)).toBe(2);
        expect(await arr(sess, after)).toBe(3);
        close(await arr(sess, w), [1 * 0.8 * 0.8 * 0.8, 2 * 0.8 * 0.8 * 0.8], { rtol: 1e-6 });
      },
    );
  });

  it('a second optimizer and a second minimize get uniquified names', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const w = new tf.Variable([1, 2], { name: 'W' });
      const loss = tf.reduceSum(tf.square(w));
      const a1 = new tf.train.AdamOptimizer();
      const op1 = a1.minimize(loss);
      const op2 = new tf.train.AdamOptimizer().minimize(loss);
      const op3 = a1.minimize(loss);
      expect([op1.name, op2.name, op3.name]).toEqual(['Adam', 'Adam_1', 'Adam_2']);
      const names = tf.globalVariables(g).map((v) => v.op.name);
      expect(names).toEqual(['W', 'beta1_power', 'beta2_power', 'W/Adam', 'W/Adam_1', 'beta1_power_1', 'beta2_power_1', 'W/Adam_2', 'W/Adam_3']);
      expect(g.getOperationByName('Adam_1/update_W/ApplyAdam').type).toBe('ApplyAdam');
      expect(g.getOperationByName('gradients_2/Square_grad/Mul_1').type).toBe('Mul');
    });
  });

  it('globalVariablesInitializer() made after minimize initializes the slots with their initializers', async () => {
    await inGraph(
      () => {
        const w = new tf.Variable(tf.constant([[1, 2], [3, 4]]), { name: 'W' });
        const loss = tf.reduceSum(tf.square(w));
        const rms = new tf.train.RMSPropOptimizer(0.1, { centered: true });
        const ada = new tf.train.AdagradOptimizer(0.1, { initialAccumulatorValue: 0.25 });
        rms.minimize(loss);
        ada.minimize(loss);
        return { rms: ['rms', 'mg', 'momentum'].map((s) => rms.getSlot(w, s)!), acc: ada.getSlot(w, 'accumulator')! };
      },
      async (sess, { rms, acc }, init) => {
        expect(rms.map((v) => v.op.name)).toEqual(['W/RMSProp', 'W/RMSProp_1', 'W/RMSProp_2']);
        expect(acc.op.name).toBe('W/Adagrad');
        expect(sess.graph.getOperationByName('W/RMSProp/Initializer/ones').type).toBe('Fill');
        await sess.run(init);
        expect(await arr(sess, rms[0])).toEqual([[1, 1], [1, 1]]);
        expect(await arr(sess, rms[1])).toEqual([[0, 0], [0, 0]]);
        expect(await arr(sess, acc)).toEqual([[0.25, 0.25], [0.25, 0.25]]);
      },
    );
  });

  it('the learning rate may be a tensor (fed per run)', async () => {
    await inGraph(
      () => {
        const lr = tf.placeholder('float32', [], 'lr');
        const w = new tf.Variable([1, 2]);
        const op = new tf.train.GradientDescentOptimizer(lr).minimize(tf.reduceSum(w));
        return { lr, w, op };
      },
      async (sess, { lr, w, op }, init) => {
        await sess.run(init);
        await sess.run(op, new Map([[lr, 0.5]]));
        await sess.run(op, new Map([[lr, 0.25]]));
        expect(await arr(sess, w)).toEqual([0.25, 1.25]);
      },
    );
  });

  it('computeGradients returns [grad | null, var] pairs; varList restricts them', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const a = new tf.Variable([1], { name: 'a' });
      const b = new tf.Variable([2], { name: 'b' });
      const loss = tf.reduceSum(tf.multiply(a, 3));
      const opt = new tf.train.GradientDescentOptimizer(0.1);
      const pairs = opt.computeGradients(loss);
      expect(pairs.map(([gr, v]) => [gr === null, v])).toEqual([[false, a], [true, b]]);
      expect(opt.computeGradients(loss, [b])[0]![0]).toBeNull();
    });
  });

  it("raises TF's ValueErrors", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const opt = new tf.train.GradientDescentOptimizer(0.1);
      const c = tf.reduceSum(tf.constant([1, 2]));
      expect(() => opt.minimize(c)).toThrow(new tf.errors.ValueError('No variables to optimize.'));
      const v = new tf.Variable([1, 2], { name: 'v' });
      expect(() => opt.minimize(c)).toThrow(
        new tf.errors.ValueError(
          `No gradients provided for any variable, check your graph for ops that do not support gradients, between variables ["<tf.Variable 'v:0' shape=(2,) dtype=float32>"] and loss Tensor("Sum:0", shape=(), dtype=float32).`,
        ),
      );
      expect(() => opt.applyGradients([])).toThrow(new tf.errors.ValueError('No variables provided.'));
      expect(() => opt.applyGradients([[null, v]])).toThrow(
        new tf.errors.ValueError(`No gradients provided for any variable: ["<tf.Variable 'v:0' shape=(2,) dtype=float32>"].`),
      );
      const iv = new tf.Variable(tf.constant([1], 'int32'), { name: 'i' });
      expect(() => opt.minimize(tf.reduceSum(iv))).toThrow('Invalid type tf.int32 for Sum_1:0, expected: [tf.float16, tf.bfloat16, tf.float32, tf.float64].');
      expect(() => new tf.train.AdagradOptimizer(0.1, { initialAccumulatorValue: 0 })).toThrow('initial_accumulator_value must be positive: 0');
    });
  });
});

// ----- determinism, numerics, failed runs ----------------------------------------------------
/** A small seeded MLP with dropout trained for a few steps; returns its variables. */
async function trainSeeded(): Promise<number[][]> {
  const g = new tf.Graph();
  const { x, y, op, vars } = g.asDefault(() => {
    tf.setRandomSeed(42);
    const x = tf.placeholder('float32', [null, 4]);
    const y = tf.placeholder('float32', [null, 3]);
    const w1 = new tf.Variable(tf.truncatedNormal([4, 8], { stddev: 0.5 }));
    const w2 = new tf.Variable(tf.randomNormal([8, 3], { stddev: 0.5 }));
    const h = tf.nn.dropout(tf.nn.relu(tf.matmul(x, w1)), 0.7);
    const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogitsV2({ labels: y, logits: tf.matmul(h, w2) }));
    const op = new tf.train.AdamOptimizer(0.05).minimize(loss, { globalStep: tf.train.getOrCreateGlobalStep() });
    return { x, y, op, vars: [w1, w2] };
  });
  const sess = new tf.Session({ graph: g });
  await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
  const xs = [[1, 0, 0.5, -1], [0, 1, -0.5, 1], [1, 1, 0, 0]];
  const ys = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  for (let i = 0; i < 5; i++) await sess.run(op, new Map<Tensor, number[][]>([[x, xs], [y, ys]]));
  const out = (await sess.run(vars)).map((a: tf.NDArray) => Array.from(a.data));
  await sess.close();
  return out;
}

describe('training runs', () => {
  it('two fresh sessions with the same seeds end with identical variables', async () => {
    const a = await trainSeeded();
    const b = await trainSeeded();
    expect(a).toEqual(b);
    expect(a[0]!.some((v) => v !== 0)).toBe(true);
  });

  it('checkNumerics stops training on a NaN and names the op; the failed run changes no variable', async () => {
    await inGraph(
      () => {
        const x = tf.placeholder('float32', [2], 'x');
        const w = new tf.Variable([1, 1], { name: 'w' });
        const pred = tf.checkNumerics(tf.multiply(tf.log(x), w), 'prediction', 'check_pred');
        const op = new tf.train.MomentumOptimizer(0.1, 0.9).minimize(tf.reduceSum(pred), { globalStep: tf.train.getOrCreateGlobalStep() });
        return { x, w, op };
      },
      async (sess, { x, w, op }, init) => {
        await sess.run(init);
        await sess.run(op, new Map([[x, [1, Math.E]]]));
        const before = await sess.run([w, 'w/Momentum:0', 'global_step:0']);
        const err = await sess.run(op, new Map([[x, [-1, 2]]])).then(() => null, (e: unknown) => e);
        expect(err).toBeInstanceOf(tf.errors.InvalidArgumentError);
        expect((err as tf.errors.OpError).op).toBe('check_pred');
        expect((err as Error).message).toContain('prediction : Tensor had NaN values');
        const after = await sess.run([w, 'w/Momentum:0', 'global_step:0']);
        expect(after.map((a: tf.NDArray) => a.toArray())).toEqual(before.map((a: tf.NDArray) => a.toArray()));
        // An unfed placeholder fails too, also without changing anything.
        await expect(sess.run(op)).rejects.toThrow(tf.errors.InvalidArgumentError);
        expect((await sess.run(w)).toArray()).toEqual(before[0].toArray());
      },
    );
  });
});

describe('placement', () => {
  it('the global step lives on the CPU with its increment and the decay cast; slots follow their variable', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const gs = tf.train.getOrCreateGlobalStep();
      const w = tf.device('/cpu:0', () => new tf.Variable([1, 2], { name: 'w' }));
      const lr = tf.train.exponentialDecay(0.1, gs, 10, 0.9);
      const opt = new tf.train.AdamOptimizer(lr);
      const op = opt.minimize(tf.reduceSum(tf.square(w)), { globalStep: gs });
      const cpu = '/device:CPU:0';
      expect([gs.op.device, op.device, g.getOperationByName('ExponentialDecay/Cast').device]).toEqual([cpu, cpu, cpu]);
      expect([opt.getSlot(w, 'm')!.op.device, opt.betaAccumulators()[0].op.device, g.getOperationByName('Adam/Mul').device]).toEqual([cpu, cpu, cpu]);
      expect(g.getOperationByName('Adam/update_w/ApplyAdam').device).toBe('');
    });
  });
});

const gpu = await tf.webgpuAvailable();
describe.skipIf(!gpu)('training on WebGPU', () => {
  it('Adam with a decayed learning rate and a global step matches the CPU device', async () => {
    const runOn = async (device: 'cpu' | 'webgpu'): Promise<number[][]> => {
      const g = new tf.Graph();
      const { x, y, op, vars } = g.asDefault(() => {
        const x = tf.placeholder('float32', [null, 4]);
        const y = tf.placeholder('int32', [null]);
        const w1 = new tf.Variable(tf.constant([[0.1, -0.2, 0.3], [0.4, 0.1, -0.3], [-0.1, 0.2, 0.2], [0.3, -0.4, 0.1]]));
        const b1 = new tf.Variable(tf.zeros([3]));
        const logits = tf.nn.biasAdd(tf.matmul(tf.nn.relu(x), w1), b1);
        const loss = tf.add(tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits })), tf.multiply(0.01, tf.nn.l2Loss(w1)));
        const gs = tf.train.getOrCreateGlobalStep();
        const op = new tf.train.AdamOptimizer(tf.train.exponentialDecay(0.1, gs, 2, 0.5, true)).minimize(loss, { globalStep: gs });
        return { x, y, op, vars: [w1, b1, gs] };
      });
      const sess = new tf.Session({ graph: g, device });
      await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
      for (let i = 0; i < 4; i++) {
        await sess.run(op, new Map<Tensor, number[] | number[][]>([[x, [[1, 0, 0.5, -1], [0, 1, -0.5, 1], [1, 1, 0, 0]]], [y, [0, 1, 2]]]));
      }
      const out = (await sess.run(vars)).map((a: tf.NDArray) => Array.from(a.data));
      await sess.close();
      return out;
    };
    const cpu = await runOn('cpu');
    const webgpu = await runOn('webgpu');
    expect(webgpu[2]).toEqual([4]);
    cpu.forEach((v, i) => close(webgpu[i], v, { atol: 1e-6, rtol: 1e-5 }));
  });
});

export type { Variable };
