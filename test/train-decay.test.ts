import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { Tensor } from 'tsflow';

/** Evaluate `make(step)` for several int64 global-step values. */
async function at(make: (step: Tensor) => Tensor, steps: number[]): Promise<number[]> {
  const g = new tf.Graph();
  const [step, lr] = g.asDefault(() => {
    const s = tf.placeholder('int64', [], 'step');
    return [s, make(s)] as const;
  });
  expect(lr.dtype).toBe('float32');
  const sess = new tf.Session({ graph: g });
  const out: number[] = [];
  for (const s of steps) out.push((await sess.run(lr, new Map([[step, s]]))).toArray() as number);
  await sess.close();
  return out;
}
function near(actual: number[], expected: number[]): void {
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(expected[i]!))));
}

describe('learning-rate schedules', () => {
  it('exponentialDecay, smooth and staircase', async () => {
    const steps = [0, 5, 10, 25];
    near(await at((s) => tf.train.exponentialDecay(0.1, s, 10, 0.5), steps), steps.map((s) => 0.1 * 0.5 ** (s / 10)));
    near(await at((s) => tf.train.exponentialDecay(0.1, s, 10, 0.5, true), steps), steps.map((s) => 0.1 * 0.5 ** Math.floor(s / 10)));
  });

  it('inverseTimeDecay and naturalExpDecay', async () => {
    const steps = [0, 3, 10, 17];
    near(await at((s) => tf.train.inverseTimeDecay(0.5, s, 10, 2), steps), steps.map((s) => 0.5 / (1 + (2 * s) / 10)));
    near(await at((s) => tf.train.inverseTimeDecay(0.5, s, 10, 2, true), steps), steps.map((s) => 0.5 / (1 + 2 * Math.floor(s / 10))));
    near(await at((s) => tf.train.naturalExpDecay(0.5, s, 10, 0.3), steps), steps.map((s) => 0.5 * Math.exp((-0.3 * s) / 10)));
  });

  it('polynomialDecay, clipped and cycling', async () => {
    const steps = [0, 50, 100, 150, 250];
    const poly = (s: number, d: number): number => (0.1 - 0.01) * (1 - s / d) ** 2 + 0.01;
    near(
      await at((s) => tf.train.polynomialDecay(0.1, s, 100, { endLearningRate: 0.01, power: 2 }), steps),
      steps.map((s) => poly(Math.min(s, 100), 100)),
    );
    near(
      await at((s) => tf.train.polynomialDecay(0.1, s, 100, { endLearningRate: 0.01, power: 2, cycle: true }), steps),
      steps.map((s) => poly(s, 100 * (s === 0 ? 1 : Math.ceil(s / 100)))),
    );
    near(await at((s) => tf.train.polynomialDecay(0.1, s, 100), [0, 50, 200]), [0.1, 0.05005, 0.0001]);
  });

  it('cosineDecay', async () => {
    const steps = [0, 25, 100, 200];
    near(
      await at((s) => tf.train.cosineDecay(0.2, s, 100, 0.1), steps),
      steps.map((s) => 0.2 * (0.9 * 0.5 * (1 + Math.cos((Math.PI * Math.min(s, 100)) / 100)) + 0.1)),
    );
  });

  it('piecewiseConstant', async () => {
    const f = (s: Tensor): Tensor => tf.train.piecewiseConstant(s, [10, 20], [1, 0.5, 0.1]);
    near(await at(f, [0, 10, 11, 20, 21, 1000]), [1, 1, 0.5, 0.5, 0.1, 0.1]);
    expect(() => tf.train.piecewiseConstant(tf.constant(1), [1, 2], [1, 2])).toThrow(
      new tf.errors.ValueError('The length of boundaries should be 1 less than the length of values'),
    );
  });

  it('builds graph ops named after the schedule, reading the global step variable of the same run', async () => {
    const g = new tf.Graph();
    const { lr, op, gs } = g.asDefault(() => {
      const gs = tf.train.getOrCreateGlobalStep();
      const lr = tf.train.exponentialDecay(1.0, gs, 1, 0.5, true);
      const w = new tf.Variable([0], { name: 'w' });
      const op = new tf.train.GradientDescentOptimizer(lr).minimize(tf.reduceSum(w), { globalStep: gs });
      return { lr, op, gs, w };
    });
    expect(lr.op.name).toBe('ExponentialDecay');
    expect(g.getOperationByName('ExponentialDecay/Cast').inputs[0]!.op.name).toBe('global_step/read');
    const sess = new tf.Session({ graph: g });
    await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [, rate] = await sess.run([op, lr]);
      seen.push(rate.toArray() as number);
    }
    expect(seen).toEqual([1, 0.5, 0.25]);
    expect((await sess.run(gs)).toArray()).toBe(3);
    expect((await sess.run('w:0')).toArray()).toEqual([-1.75]);
    await sess.close();
  });
});
