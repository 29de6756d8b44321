/**
 * tf.contrib.layers.optimizeLoss on every device: the updates of each way of giving the
 * optimizer, clipping, gradient multipliers, noise, learning-rate decay and update ops against
 * plain-JS steps of TF's formulas; the returned loss, the global step, TF's names and summaries
 * ('OptimizeLoss/loss', 'OptimizeLoss/global_norm/gradient_norm', …) and TF's errors.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();
const f = Math.fround;
const W0 = [1, -2, 0.5];
/** loss = sum(k * w²): grad = 2 k w. */
const K = [1, 0.5, 3];
const gradOf = (w: number[]): number[] => w.map((x, i) => 2 * K[i]! * x);
const lossOf = (w: number[]): number => w.reduce((a, x, i) => a + K[i]! * x * x, 0);

interface Case {
  what: string;
  build: (loss: tf.Tensor, step: tf.Variable, w: tf.Variable) => tf.Tensor;
  /** One step of the reference: the new w. */
  step: (w: number[], t: number, state: Record<string, number[]>) => number[];
  steps?: number;
}
const sgd = (lr: number) => (w: number[]) => { const g = gradOf(w); return w.map((x, i) => x - f(lr) * g[i]!); };
const clipped = (lr: number, c: number) => (w: number[]) => {
  const g = gradOf(w);
  const n = Math.sqrt(g.reduce((a, x) => a + x * x, 0));
  return w.map((x, i) => x - lr * g[i]! * c / Math.max(n, c));
};
const momentum = (lr: number, mu: number) => (w: number[], _t: number, s: Record<string, number[]>) => {
  const g = gradOf(w);
  const acc = (s.acc ??= w.map(() => 0));
  return w.map((x, i) => { acc[i] = acc[i]! * mu + g[i]!; return x - lr * acc[i]!; });
};
const adagrad = (lr: number) => (w: number[], _t: number, s: Record<string, number[]>) => {
  const g = gradOf(w);
  const acc = (s.acc ??= w.map(() => 0.1));
  return w.map((x, i) => { acc[i] = acc[i]! + g[i]! ** 2; return x - lr * g[i]! / Math.sqrt(acc[i]!); });
};

const CASES: Case[] = [
  { what: "'SGD', a number learning rate", build: (l, s) => tf.contrib.layers.optimizeLoss(l, s, 0.1, 'SGD'), step: sgd(0.1) },
  { what: "'Momentum' (momentum 0.9)", build: (l, s) => tf.contrib.layers.optimizeLoss(l, s, 0.05, 'Momentum'), step: momentum(0.05, 0.9) },
  { what: "'Adagrad' with a tensor learning rate", build: (l, s) => tf.contrib.layers.optimizeLoss(l, s, tf.constant(0.2), 'Adagrad'), step: adagrad(0.2) },
  { what: 'an Optimizer class', build: (l, s) => tf.contrib.layers.optimizeLoss(l, s, 0.05, tf.train.GradientDescentOptimizer), step: sgd(0.05) },
  { what: 'an Optimizer instance', build: (l, s) => tf.contrib.layers.optimizeLoss(l, s, null, new tf.train.MomentumOptimizer(0.02, 0.5)), step: momentum(0.02, 0.5) },
  { what: 'a function of the learning rate', build: (l, s) => tf.contrib.layers.optimizeLoss(l, s, 0.03, (lr?: tf.Tensor) => new tf.train.MomentumOptimizer(lr!, 0.3)), step: momentum(0.03, 0.3) },
  { what: 'clipGradients 1.0', build: (l, s) => tf.contrib.layers.optimizeLoss(l, s, 0.1, 'SGD', { clipGradients: 1.0 }), step: clipped(0.1, 1) },
  {
    what: 'a clipping function',
    build: (l, s) => tf.contrib.layers.optimizeLoss(l, s, 0.1, 'SGD', { clipGradients: (gv: tf.train.GradAndVar[]) => gv.map(([g, v]) => [tf.clipByValue(g as tf.Tensor, -1, 1), v] as tf.train.GradAndVar) }),
    step: (w) => { const g = gradOf(w); return w.map((x, i) => x - f(0.1) * Math.min(1, Math.max(-1, g[i]!))); },
  },
  {
    what: 'gradientMultipliers by name',
    build: (l, s) => tf.contrib.layers.optimizeLoss(l, s, 0.1, 'SGD', { gradientMultipliers: { 'w:0': 0.5 } }),
    step: (w) => { const g = gradOf(w); return w.map((x, i) => x - f(0.1) * g[i]! * 0.5); },
  },
  {
    what: 'gradientMultipliers by variable',
    build: (l, s, w) => tf.contrib.layers.optimizeLoss(l, s, 0.1, 'SGD', { gradientMultipliers: new Map([[w, 2]]) }),
    step: (w) => { const g = gradOf(w); return w.map((x, i) => x - f(0.1) * g[i]! * 2); },
  },
  {
    what: 'learningRateDecayFn (exponentialDecay on the global step)',
    build: (l, s) => tf.contrib.layers.optimizeLoss(l, s, 0.1, 'SGD', { learningRateDecayFn: (lr: tf.Tensor, gs: tf.Variable | tf.Tensor) => tf.train.exponentialDecay(lr, gs, 1, 0.5) }),
    step: (w, t) => { const g = gradOf(w); return w.map((x, i) => x - 0.1 * 0.5 ** t * g[i]!); },
  },
];

const read = async (sess: tf.Session, t: tf.Tensor | tf.Variable): Promise<number[]> => Array.from(((await sess.run(t)) as NDArray).data as Float32Array);
const near = (got: number[], want: number[], tol: number, what: string): void =>
  got.forEach((x, i) => expect(Math.abs(x - want[i]!), `${what} [${i}]: ${x} vs ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!))));

function build(c: Case) {
  const g = new tf.Graph();
  return g.asDefault(() => {
    const step = tf.train.getOrCreateGlobalStep();
    const w = new tf.Variable(tf.constant(W0), { name: 'w' });
    const loss = tf.reduceSum(tf.multiply(tf.constant(K), tf.square(w)));
    const train = c.build(loss, step, w);
    return { g, w, step, train, init: tf.globalVariablesInitializer() };
  });
}

for (const dev of devices) {
  describe(`contrib.layers.optimizeLoss (${dev.name})`, () => {
    for (const c of CASES) {
      it(`${c.what}: steps match TF's update, the loss before each step comes back, the global step advances`, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const m = build(c);
        const sess = new tf.Session({ graph: m.g, ...dev.options });
        await sess.run(m.init);
        let w = W0.map(f);
        const state: Record<string, number[]> = {};
        for (let t = 0; t < 4; t++) {
          const lossBefore = (await read(sess, m.train))[0]!;
          expect(Math.abs(lossBefore - lossOf(w)), `loss step ${t}`).toBeLessThanOrEqual(1e-5 * dev.caps.tolScale * (1 + lossOf(w)));
          w = c.step(w, t, state);
          near(await read(sess, m.w), w, 2e-5 * dev.caps.tolScale, `${c.what} step ${t}`);
        }
        expect(Number(((await sess.run(m.step)) as NDArray).data[0])).toBe(4);
        expect(w.some((x, i) => Math.abs(x - W0[i]!) > 0.01)).toBe(true);
        await sess.close();
      });
    }

    it('update ops run first; incrementGlobalStep false; gradient noise stays within 2 standard deviations', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        tf.setRandomSeed(7);
        const step = tf.train.getOrCreateGlobalStep();
        const w = new tf.Variable(tf.constant(W0), { name: 'w' });
        const counter = new tf.Variable(0, { name: 'counter', trainable: false });
        g.addToCollection(tf.GraphKeys.UPDATE_OPS, tf.assignAdd(counter, 1).op);
        const loss = tf.reduceSum(tf.multiply(tf.constant(K), tf.square(w)));
        const train = tf.contrib.layers.optimizeLoss(loss, step, 0.01, 'SGD', { gradientNoiseScale: 1.0, incrementGlobalStep: false });
        return { w, step, counter, train, init: tf.globalVariablesInitializer() };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(m.init);
      let w = W0.map(f);
      let moved = 0;
      for (let t = 0; t < 3; t++) {
        await sess.run(m.train);
        const got = await read(sess, m.w);
        const plain = sgd(0.01)(w);
        // noise: truncated normal (|z| < 2) times the scale, times the learning rate
        got.forEach((x, i) => expect(Math.abs(x - plain[i]!)).toBeLessThanOrEqual(0.01 * 2 + 1e-5));
        moved += got.reduce((a, x, i) => a + Math.abs(x - plain[i]!), 0);
        w = got;
      }
      expect(moved).toBeGreaterThan(1e-4);
      expect(Number(((await sess.run(m.counter)) as NDArray).data[0])).toBe(3);
      expect(Number(((await sess.run(m.step)) as NDArray).data[0])).toBe(0);
      await sess.close();
    });
  });
}

describe('optimizeLoss declarations', () => {
  it("TF's names, the learning-rate variable and the summaries", () => {
    const m = build(CASES[0]!);
    const names = (key: string) => m.g.getCollection<tf.Tensor | tf.Variable>(key).map((x) => x.op.name);
    expect(m.train.op.name).toBe('OptimizeLoss/control_dependency');
    expect(m.train.op.type).toBe('Identity');
    expect(names(tf.GraphKeys.GLOBAL_VARIABLES)).toEqual(['global_step', 'w', 'OptimizeLoss/learning_rate']);
    expect(names(tf.GraphKeys.TRAINABLE_VARIABLES)).toEqual(['w']);
    expect(names(tf.GraphKeys.SUMMARIES)).toEqual(['OptimizeLoss/global_norm/gradient_norm', 'OptimizeLoss/loss']);
    expect(m.g.getOperationByName('OptimizeLoss/train').type).toBe('AssignAdd');
    expect(m.g.getOperationByName('OptimizeLoss/train/update_w/ApplyGradientDescent').type).toBe('ApplyGradientDescent');

    const g = new tf.Graph();
    g.asDefault(() => {
      const step = tf.train.getOrCreateGlobalStep();
      const w = new tf.Variable([1, 2], { name: 'w' });
      const loss = tf.reduceSum(tf.square(w));
      tf.contrib.layers.optimizeLoss(loss, step, 0.1, 'Adam', {
        name: 'opt', clipGradients: 5.0, summaries: ['learning_rate', 'loss', 'gradients', 'gradient_norm', 'global_gradient_norm'],
        learningRateDecayFn: (lr: tf.Tensor, s: tf.Variable | tf.Tensor) => tf.train.exponentialDecay(lr, s, 10, 0.9),
      });
      expect(g.getCollection<tf.Tensor>(tf.GraphKeys.SUMMARIES).map((t) => [t.op.name, t.op.type])).toEqual([
        // the learning-rate variable holds 'opt/learning_rate', as in TF
        ['opt/learning_rate_1', 'ScalarSummary'],
        ['opt/global_norm/gradient_norm', 'ScalarSummary'],
        ['opt/loss', 'ScalarSummary'],
        ['opt/gradients/w_0', 'HistogramSummary'],
        ['opt/gradient_norm/w_0', 'ScalarSummary'],
        ['opt/global_norm/clipped_gradient_norm', 'ScalarSummary'],
      ]);
      expect(g.getOperations().some((op) => op.type === 'ApplyAdam' && op.name === 'opt/train/update_w/ApplyAdam')).toBe(true);
    });
  });

  it("TF's errors", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const w = new tf.Variable([1, 2], { name: 'w' });
      const loss = tf.reduceSum(tf.square(w));
      const ol = tf.contrib.layers.optimizeLoss;
      expect(() => ol(loss, null, 0.1, 'Nope')).toThrow('Optimizer name should be one of [Adagrad, Adam, Ftrl, Momentum, RMSProp, SGD], you provided Nope.');
      expect(() => ol(loss, null, null, 'SGD')).toThrow('Learning rate is None, but should be specified if optimizer is string (SGD).');
      expect(() => ol(loss, null, null, tf.train.AdamOptimizer)).toThrow('Learning rate is None, but should be specified if optimizer is class (AdamOptimizer).');
      expect(() => ol(loss, null, 0.1, 'SGD', { summaries: ['loss', 'weights'] })).toThrow('Summaries should be one of [learning_rate, loss, gradients, gradient_norm, global_gradient_norm], you provided weights.');
      expect(() => ol(loss, null, -0.1, 'SGD', { name: 'neg' })).toThrow("('Invalid learning_rate %s.', -0.1)");
      expect(() => ol(loss, null, 0.1, 'SGD', { name: 'd', learningRateDecayFn: (lr: tf.Tensor) => lr })).toThrow('global_step is required for learning_rate_decay_fn.');
      expect(() => ol(loss, null, 0.1, () => 3 as never, { name: 'fn' })).toThrow('Unrecognized optimizer: function should return subclass of Optimizer. Got 3.');
      expect(() => ol(loss, null, 0.1, 42 as never, { name: 'n' })).toThrow(/^Unrecognized optimizer: should be string/);
      expect(() => ol(loss, null, 0.1, 'SGD', { name: 'c', clipGradients: 'x' as never })).toThrow('Unknown type string for clip_gradients');
      expect(() => ol(tf.square(w), null, 0.1, 'SGD')).toThrow(/^Expected scalar shape for Square(_\d+)?:0, saw shape: \(2,\)\.$/);
      expect(() => ol(loss, tf.constant(1.5), 0.1, 'SGD')).toThrow('Existing "global_step" does not have integer type: float32');
      expect(() => (ol as (...a: unknown[]) => unknown)(loss, null, 0.1)).toThrow(/optimize_loss/);
    });
  });
});
