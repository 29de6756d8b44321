/**
 * The literal conformance cases taken from TF's and tfjs's own test suites (shared fixtures),
 * run through the public API with the tolerances each case states. A case whose op has no
 * handler here fails, so new fixtures are noticed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { type Tol, expectNestedClose, registerSkipSummary, resolvedDevices, skipTest } from './harness.js';

registerSkipSummary();

interface Case {
  id: string;
  op: string;
  attrs: Record<string, unknown>;
  inputs: Record<string, unknown>;
  expected: unknown;
  tol: { rtol?: number; atol?: number; exact?: boolean };
  kind: string;
  source: string;
}

const CASES: Case[] = JSON.parse(
  readFileSync(new URL('../fixtures/conformance/cases.json', import.meta.url), 'utf8'),
) as Case[];

// ----- the parts of the API that gradient and optimizer cases need (checked at run time) ----------

type Grads = (ys: Tensor | Tensor[], xs: unknown[], gradYs?: (Tensor | null)[] | null) => (Tensor | null)[];
interface Optimizer {
  minimize(loss: Tensor, opts?: Record<string, unknown>): tf.Operation;
  applyGradients(gradsAndVars: [Tensor, tf.Variable][], opts?: Record<string, unknown>): tf.Operation;
  getSlot?(v: tf.Variable, name: string): tf.Variable | null;
}
type OptimizerCtor = new (...args: unknown[]) => Optimizer;
interface TrainNs {
  GradientDescentOptimizer: OptimizerCtor;
  MomentumOptimizer: OptimizerCtor;
  AdamOptimizer: OptimizerCtor;
}

const api = tf as unknown as { gradients?: Grads; train?: Partial<TrainNs> };

type Need = 'forward' | 'gradients' | 'train';

/** Why a case cannot run yet, or null. Only gradients/optimizers may be missing. */
function missing(need: Need, trainClass?: keyof TrainNs): string | null {
  if (need === 'gradients' && !('gradients' in tf)) return 'tf.gradients is not implemented yet (gradient cases are also covered by the gradient suite)';
  if (need === 'train') {
    if (!('gradients' in tf)) return 'tf.gradients is not implemented yet (optimizer cases are also covered by the training suite)';
    if (!api.train || (trainClass && !api.train[trainClass])) return `tf.train.${trainClass ?? ''} is not implemented yet (optimizer cases are also covered by the training suite)`;
  }
  return null;
}

// ----- handlers: op string → how to compute the expected structure ---------------------------------

interface Ctx {
  /** Build in a fresh graph, then run `fetch` in a fresh session on the device under test. */
  session(): { graph: tf.Graph; run: (fetches: unknown, feeds?: unknown) => Promise<unknown>; close: () => Promise<void> };
}

interface Handler {
  need: Need;
  trainClass?: keyof TrainNs;
  run(c: Case, ctx: Ctx): Promise<unknown>;
}

const f = (x: unknown): Tensor => tf.constant(x as number[]);
const arr = (x: unknown): unknown => (x as NDArray).toArray();

/** Runs `body` with a fresh session from `ctx`, closed afterwards whatever happens. */
async function withSession<T>(ctx: Ctx, body: (s: ReturnType<Ctx['session']>) => Promise<T>): Promise<T> {
  const s = ctx.session();
  try {
    return await body(s);
  } finally {
    await s.close();
  }
}

function forward(ctx: Ctx, build: () => Tensor | Record<string, Tensor>): Promise<unknown> {
  return withSession(ctx, async (s) => {
    const fetches = s.graph.asDefault(build);
    const out = await s.run(fetches);
    if (out instanceof tf.NDArray) return out.toArray();
    return Object.fromEntries(Object.entries(out as Record<string, NDArray>).map(([k, v]) => [k, v.toArray()]));
  });
}

/** d(sum(y * dy))/dx for each named x, via tf.gradients with grad_ys. */
function gradientFetch(ctx: Ctx, xsIn: Record<string, unknown>, dyIn: unknown, y: (xs: Record<string, Tensor>) => Tensor): Promise<Record<string, unknown>> {
  return withSession(ctx, async (s) => {
    const fetches = s.graph.asDefault(() => {
      const xs = Object.fromEntries(Object.entries(xsIn).map(([k, v]) => [k, f(v)]));
      const out = y(xs);
      const grads = api.gradients!(out, Object.values(xs), [f(dyIn)]);
      Object.keys(xs).forEach((k, i) => expect(grads[i], `gradient for ${k}`).not.toBeNull());
      return Object.fromEntries(Object.keys(xs).map((k, i) => [k, grads[i]!]));
    });
    const out = (await s.run(fetches)) as Record<string, NDArray>;
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.toArray()]));
  });
}

/** Builds two variables and a train step, runs `init` and then the step once; returns both variables. */
function oneTrainStep(ctx: Ctx, build: () => { v0: tf.Variable; v1: tf.Variable; step: tf.Operation; init: unknown }): Promise<unknown> {
  return withSession(ctx, async (s) => {
    const { v0, v1, step, init } = s.graph.asDefault(build);
    await s.run(init);
    await s.run(step);
    const [a, b] = (await s.run([v0, v1])) as NDArray[];
    return { var0: a!.toArray(), var1: b!.toArray() };
  });
}

const HANDLERS: Record<string, Handler> = {
  Softmax: { need: 'forward', run: (c, ctx) => forward(ctx, () => tf.nn.softmax(f(c.inputs.logits))) },
  LogSoftmax: { need: 'forward', run: (c, ctx) => forward(ctx, () => tf.nn.logSoftmax(f(c.inputs.logits))) },
  Relu: { need: 'forward', run: (c, ctx) => forward(ctx, () => tf.nn.relu(f(c.inputs.features))) },
  Sigmoid: { need: 'forward', run: (c, ctx) => forward(ctx, () => tf.sigmoid(f(c.inputs.x))) },
  Tanh: { need: 'forward', run: (c, ctx) => forward(ctx, () => tf.tanh(f(c.inputs.x))) },
  MatMul: {
    need: 'forward',
    run: (c, ctx) =>
      forward(ctx, () =>
        tf.matmul(f(c.inputs.a), f(c.inputs.b), { transposeA: Boolean(c.attrs.transpose_a), transposeB: Boolean(c.attrs.transpose_b) }),
      ),
  },
  SoftmaxCrossEntropyWithLogits: {
    need: 'forward',
    run: (c, ctx) =>
      forward(ctx, () => {
        const loss = tf.nn.softmaxCrossEntropyWithLogits({ labels: f(c.inputs.labels), logits: f(c.inputs['features(logits)']) });
        return { loss, backprop: loss.op.outputs[1]! };
      }),
  },
  'tf.losses.softmax_cross_entropy (reduction SUM_BY_NONZERO_WEIGHTS)': {
    need: 'forward',
    run: (c, ctx) =>
      forward(ctx, () => {
        expect(c.attrs.weights, 'this handler implements unit weights only').toBe(1);
        expect(c.attrs.label_smoothing).toBe(0);
        const perExample = tf.nn.softmaxCrossEntropyWithLogits({ labels: f(c.inputs.onehot_labels), logits: f(c.inputs.logits) });
        // Unit weights: the sum over the non-zero weights is the mean.
        return { scalar_loss: tf.reduceMean(perExample), per_example_SoftmaxCrossEntropyWithLogits: perExample };
      }),
  },
  'tf.nn.sigmoid_cross_entropy_with_logits': {
    need: 'forward',
    run: (c, ctx) => forward(ctx, () => tf.nn.sigmoidCrossEntropyWithLogits({ labels: f(c.inputs.labels), logits: f(c.inputs.logits) })),
  },
  L2Loss: { need: 'forward', run: (c, ctx) => forward(ctx, () => tf.nn.l2Loss(f(c.inputs.t))) },

  // ----- gradients ------------------------------------------------------------------------------
  'SoftmaxGrad (gradient of Softmax, last axis)': {
    need: 'gradients',
    run: async (c, ctx) => (await gradientFetch(ctx, { x: c.inputs.x }, c.inputs.dy, ({ x }) => tf.nn.softmax(x!))).x,
  },
  'SigmoidGrad (gradient of Sigmoid)': {
    need: 'gradients',
    run: async (c, ctx) => (await gradientFetch(ctx, { x: c.inputs.x }, c.inputs.dy, ({ x }) => tf.sigmoid(x!))).x,
  },
  'TanhGrad (gradient of Tanh)': {
    need: 'gradients',
    run: async (c, ctx) => (await gradientFetch(ctx, { x: c.inputs.x }, c.inputs.dy, ({ x }) => tf.tanh(x!))).x,
  },
  'gradient of MatMul': {
    need: 'gradients',
    run: async (c, ctx) => {
      const g = await gradientFetch(ctx, { a: c.inputs.a, b: c.inputs.b }, c.inputs.dy, ({ a, b }) =>
        tf.matmul(a!, b!, { transposeA: Boolean(c.attrs.transpose_a), transposeB: Boolean(c.attrs.transpose_b) }),
      );
      return { da: g.a, db: g.b };
    },
  },

  // ----- optimizers -------------------------------------------------------------------------------
  'Relu + Pow + GradientDescent(minimize)': {
    need: 'train',
    trainClass: 'GradientDescentOptimizer',
    run: async (c, ctx) => {
      expect(c.inputs.loss).toBe('relu(x)**2');
      return withSession(ctx, async (s) => {
        const [x, step] = s.graph.asDefault(() => {
          const x = new tf.Variable(c.inputs.x_init as number);
          const loss = tf.pow(tf.nn.relu(x), 2);
          return [x, new api.train!.GradientDescentOptimizer!(c.attrs.learning_rate).minimize(loss)] as const;
        });
        await s.run(x.initializer);
        await s.run(step);
        return { x_after_1_step: arr(await s.run(x)) };
      });
    },
  },
  'ApplyGradientDescent via GradientDescentOptimizer(3.0).apply_gradients': {
    need: 'train',
    trainClass: 'GradientDescentOptimizer',
    run: (c, ctx) =>
      oneTrainStep(ctx, () => {
        const v0 = new tf.Variable(c.inputs.var0 as number[]);
        const v1 = new tf.Variable(c.inputs.var1 as number[]);
        const opt = new api.train!.GradientDescentOptimizer!(c.attrs.learning_rate);
        const step = opt.applyGradients([[f(c.inputs.grad0), v0], [f(c.inputs.grad1), v1]]);
        return { v0, v1, step, init: [v0.initializer, v1.initializer] };
      }),
  },
  'GradientDescentOptimizer(1.0).minimize((var0 . x + var1)^2)': {
    need: 'train',
    trainClass: 'GradientDescentOptimizer',
    run: (c, ctx) =>
      oneTrainStep(ctx, () => {
        const v0 = new tf.Variable(c.inputs.var0 as number[][]);
        const v1 = new tf.Variable(c.inputs.var1 as number[]);
        const pred = tf.add(tf.matmul(v0, f(c.inputs.x)), v1);
        const loss = tf.multiply(pred, pred);
        const step = new api.train!.GradientDescentOptimizer!(c.attrs.learning_rate).minimize(loss);
        return { v0, v1, step, init: tf.globalVariablesInitializer() };
      }),
  },
  'ApplyMomentum via MomentumOptimizer(lr=2.0, momentum=0.9)': {
    need: 'train',
    trainClass: 'MomentumOptimizer',
    run: (c, ctx) =>
      withSession(ctx, async (s) => {
        const built = s.graph.asDefault(() => {
          const v0 = new tf.Variable(c.inputs.var0 as number[]);
          const v1 = new tf.Variable(c.inputs.var1 as number[]);
          const opt = new api.train!.MomentumOptimizer!(c.attrs.learning_rate, c.attrs.momentum, { useNesterov: c.attrs.use_nesterov });
          const step = opt.applyGradients([[f(c.inputs.grad0), v0], [f(c.inputs.grad1), v1]]);
          const slot = (v: tf.Variable): tf.Variable | null => {
            if (!opt.getSlot) return null;
            const sl = opt.getSlot(v, 'momentum');
            expect(sl, `slot 'momentum' of ${v.name}`).not.toBeNull();
            return sl;
          };
          return { v0, v1, step, slot0: slot(v0), slot1: slot(v1), init: tf.globalVariablesInitializer() };
        });
        await s.run(built.init);
        const expected = c.expected as Record<string, Record<string, unknown>>;
        const out: Record<string, Record<string, unknown>> = {};
        for (const [k, want] of Object.entries(expected)) {
          await s.run(built.step);
          const got: Record<string, unknown> = {};
          for (const name of Object.keys(want)) {
            const v = (built as unknown as Record<string, tf.Variable | null>)[name.replace('var', 'v')];
            // Slots are optional API (getSlot); without it the variables alone are checked.
            got[name] = v ? arr(await s.run(v)) : want[name];
          }
          out[k] = got;
        }
        return out;
      }),
  },
  'ApplyAdam via AdamOptimizer() defaults': {
    need: 'train',
    trainClass: 'AdamOptimizer',
    run: (c, ctx) =>
      withSession(ctx, async (s) => {
        const built = s.graph.asDefault(() => {
          const v0 = new tf.Variable(c.inputs.var0 as number[]);
          const v1 = new tf.Variable(c.inputs.var1 as number[]);
          const opt = new api.train!.AdamOptimizer!();
          const step = opt.applyGradients([[f(c.inputs.grad0), v0], [f(c.inputs.grad1), v1]]);
          return { vars: { var0: v0, var1: v1 }, opt, step, init: tf.globalVariablesInitializer() };
        });
        await s.run(built.init);
        const expected = c.expected as Record<'var0' | 'var1', Record<string, unknown>[]>;
        const out: Record<string, Record<string, unknown>[]> = { var0: [], var1: [] };
        for (let t = 1; t <= (c.inputs.steps as number); t++) {
          await s.run(built.step);
          for (const key of ['var0', 'var1'] as const) {
            const v = built.vars[key];
            const want = expected[key][t - 1]!;
            const m = built.opt.getSlot?.(v, 'm') ?? null;
            const vv = built.opt.getSlot?.(v, 'v') ?? null;
            if (built.opt.getSlot) expect([m, vv], `slots 'm' and 'v' of ${v.name}`).not.toContain(null);
            const [b1, b2] = (await s.run(['beta1_power:0', 'beta2_power:0'])) as NDArray[];
            out[key]!.push({
              t,
              var: arr(await s.run(v)),
              m: m ? arr(await s.run(m)) : want.m,
              v: vv ? arr(await s.run(vv)) : want.v,
              beta1_power_after: b1!.toArray(),
              beta2_power_after: b2!.toArray(),
            });
          }
        }
        return out;
      }),
  },
};

// ----- running -------------------------------------------------------------------------------------

function tolOf(c: Case): Tol | null {
  if (c.tol.exact) return null;
  return { rtol: c.tol.rtol ?? 0, atol: c.tol.atol ?? 0 };
}

const devices = await resolvedDevices();

for (const dev of devices) {
  describe(`TF/tfjs conformance cases [${dev.name}]`, () => {
    it('the fixture file has cases, each with an id, an op and an expected value', () => {
      expect(CASES.length).toBeGreaterThan(0);
      for (const c of CASES) {
        expect(typeof c.id).toBe('string');
        expect(typeof c.op).toBe('string');
        expect(c.expected).toBeDefined();
      }
    });

    for (const c of CASES) {
      it(`${c.id} — ${c.op}`, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
        const h = HANDLERS[c.op];
        expect(h, `no handler for fixture op '${c.op}' (case ${c.id}); add one to cases.test.ts`).toBeDefined();
        const why = missing(h!.need, h!.trainClass);
        if (why) skipTest(ctx, why);
        const runCtx: Ctx = {
          session: () => {
            const graph = new tf.Graph();
            let sess: tf.Session | null = null;
            return {
              graph,
              run: (fetches, feeds) => (sess ??= new tf.Session({ ...dev.options, graph })).run(fetches, feeds as never),
              close: async () => {
                await sess?.close();
              },
            };
          },
        };
        const actual = await h!.run(c, runCtx);
        expectNestedClose(actual, c.expected, tolOf(c), c.id);
      });
    }
  });
}
