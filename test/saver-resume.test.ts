// Resuming training from a checkpoint: N steps, save, restore into a freshly built graph and
// a fresh session, M more steps — the variables (weights, optimizer state, global step) must
// equal those of N+M uninterrupted steps exactly.
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { Saver } from '../src/train/saver.js';
import { latestCheckpoint, listVariables } from '../src/train/checkpoint-api.js';

const N = 6;
const M = 5;
const BATCH = 8;
const FEATURES = 3;

let dir: string;
beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'tsflow-resume-'));
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

/** The minibatch of step `step`: a deterministic function of the step number alone. */
function batch(step: number): { x: tf.NDArray; y: tf.NDArray } {
  const x = new Float32Array(BATCH * FEATURES);
  const y = new Float32Array(BATCH);
  for (let i = 0; i < BATCH; i++) {
    let t = 0.3;
    for (let j = 0; j < FEATURES; j++) {
      const v = Math.sin(step * 12.9898 + i * 78.233 + j * 37.719) * 2;
      x[i * FEATURES + j] = v;
      t += v * [1, -2, 0.5][j]!;
    }
    y[i] = t;
  }
  return { x: new tf.NDArray(x, [BATCH, FEATURES]), y: new tf.NDArray(y, [BATCH, 1]) };
}

interface Model {
  g: tf.Graph;
  x: tf.Tensor;
  y: tf.Tensor;
  train: tf.Operation;
  saver: Saver;
}

/**
 * A linear model trained by momentum gradient descent, built from assign ops: the velocity
 * variables play the part of optimizer slots and `global_step` is an int64 counter.
 */
function buildMomentumModel(): Model {
  const g = new tf.Graph();
  return g.asDefault(() => {
    tf.setRandomSeed(7);
    const x = tf.placeholder(tf.float32, [BATCH, FEATURES], 'x');
    const y = tf.placeholder(tf.float32, [BATCH, 1], 'y');
    const W = new tf.Variable(tf.randomNormal([FEATURES, 1], { seed: 1 }), { name: 'linear/weights' });
    const b = new tf.Variable(tf.randomNormal([1], { seed: 2 }), { name: 'linear/bias' });
    const velW = new tf.Variable(tf.zeros([FEATURES, 1]), { name: 'linear/weights/Momentum', trainable: false });
    const velB = new tf.Variable(tf.zeros([1]), { name: 'linear/bias/Momentum', trainable: false });
    const step = new tf.Variable(tf.constant(0, tf.int64), { name: 'global_step', trainable: false });
    const r = tf.subtract(tf.add(tf.matmul(x, W), b), y);
    const gW = tf.multiply(tf.matmul(x, r, { transposeA: true }), 2 / BATCH);
    const gB = tf.multiply(tf.reduceSum(r, 0), 2 / BATCH);
    const lr = 0.05;
    const mu = 0.9;
    const newVelW = velW.assign(tf.add(tf.multiply(velW, mu), gW));
    const newVelB = velB.assign(tf.add(tf.multiply(velB, mu), gB));
    const train = tf.group(W.assignSub(tf.multiply(newVelW, lr)), b.assignSub(tf.multiply(newVelB, lr)), step.assignAdd(tf.constant(1, tf.int64)));
    return { g, x, y, train, saver: new Saver() };
  });
}

/** The same model trained with tf.train.AdamOptimizer and the global step of tf.train. */
function buildAdamModel(): Model {
  const g = new tf.Graph();
  return g.asDefault(() => {
    tf.setRandomSeed(7);
    const x = tf.placeholder(tf.float32, [BATCH, FEATURES], 'x');
    const y = tf.placeholder(tf.float32, [BATCH, 1], 'y');
    const W = new tf.Variable(tf.randomNormal([FEATURES, 4], { seed: 1 }), { name: 'hidden/weights' });
    const b = new tf.Variable(tf.zeros([4]), { name: 'hidden/bias' });
    const V = new tf.Variable(tf.randomNormal([4, 1], { seed: 2 }), { name: 'out/weights' });
    const pred = tf.matmul(tf.tanh(tf.add(tf.matmul(x, W), b)), V);
    const loss = tf.reduceMean(tf.square(tf.subtract(pred, y)));
    const globalStep = tf.train.getOrCreateGlobalStep();
    const train = new tf.train.AdamOptimizer(0.05).minimize(loss, { globalStep });
    return { g, x, y, train, saver: new tf.train.Saver() };
  });
}

async function runSteps(sess: tf.Session, m: Model, from: number, to: number): Promise<void> {
  for (let s = from; s < to; s++) {
    const { x, y } = batch(s);
    await sess.run(m.train, new Map<tf.Tensor, tf.NDArray>([[m.x, x], [m.y, y]]));
  }
}

async function snapshot(sess: tf.Session, m: Model): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const [key, v] of m.saver.varList) out.set(key, Array.from((await sess.readVariable(v)).data));
  return out;
}

describe('resuming training from a checkpoint', () => {
  it('Adam (slots, beta powers, global step) continues exactly where it stopped', async () => {
    const ref = buildAdamModel();
    const refSess = new tf.Session({ graph: ref.g });
    await refSess.run(ref.g.asDefault(() => tf.globalVariablesInitializer()));
    await runSteps(refSess, ref, 0, N + M);
    const expected = await snapshot(refSess, ref);
    await refSess.close();

    const first = buildAdamModel();
    const s1 = new tf.Session({ graph: first.g });
    await s1.run(first.g.asDefault(() => tf.globalVariablesInitializer()));
    await runSteps(s1, first, 0, N);
    const gs = first.g.asDefault(() => tf.train.getGlobalStep())!;
    const saved = await first.saver.save(s1, path.join(dir, 'adam.ckpt'), { globalStep: gs });
    expect(saved).toBe(path.join(dir, `adam.ckpt-${N}`));
    await s1.close();
    expect(tf.train.listVariables(saved!).map(([k]) => k)).toEqual([
      'beta1_power',
      'beta2_power',
      'global_step',
      'hidden/bias',
      'hidden/bias/Adam',
      'hidden/bias/Adam_1',
      'hidden/weights',
      'hidden/weights/Adam',
      'hidden/weights/Adam_1',
      'out/weights',
      'out/weights/Adam',
      'out/weights/Adam_1',
    ]);

    const second = buildAdamModel();
    const s2 = new tf.Session({ graph: second.g });
    await second.saver.restore(s2, saved!);
    await runSteps(s2, second, N, N + M);
    const resumed = await snapshot(s2, second);
    await s2.close();

    expect(resumed.get('global_step')).toEqual([N + M]);
    expect(resumed).toEqual(expected);
    // beta1_power starts at beta1 and is multiplied by it after every step.
    expect(resumed.get('beta1_power')![0]).toBeCloseTo(0.9 ** (N + M + 1), 6);
  });


  it('momentum descent built from assign ops continues exactly where it stopped', async () => {
    // Uninterrupted: N + M steps.
    const ref = buildMomentumModel();
    const refSess = new tf.Session({ graph: ref.g });
    await refSess.run(ref.g.asDefault(() => tf.globalVariablesInitializer()));
    await runSteps(refSess, ref, 0, N + M);
    const expected = await snapshot(refSess, ref);
    await refSess.close();

    // N steps, save.
    const first = buildMomentumModel();
    const s1 = new tf.Session({ graph: first.g });
    await s1.run(first.g.asDefault(() => tf.globalVariablesInitializer()));
    await runSteps(s1, first, 0, N);
    const stepVar = first.saver.varList.get('global_step')!;
    const saved = await first.saver.save(s1, path.join(dir, 'momentum.ckpt'), { globalStep: stepVar });
    expect(saved).toBe(path.join(dir, `momentum.ckpt-${N}`));
    await s1.close();
    expect(listVariables(saved!).map(([k]) => k)).toEqual([
      'global_step',
      'linear/bias',
      'linear/bias/Momentum',
      'linear/weights',
      'linear/weights/Momentum',
    ]);

    // A new graph and session, restored (no initializer), M more steps.
    const second = buildMomentumModel();
    const s2 = new tf.Session({ graph: second.g });
    await second.saver.restore(s2, latestCheckpoint(dir)!);
    await runSteps(s2, second, N, N + M);
    const resumed = await snapshot(s2, second);
    await s2.close();

    expect(resumed.get('global_step')).toEqual([N + M]);
    expect(resumed).toEqual(expected);

    // Control: without the optimizer state (velocities start again at zero) the run diverges.
    const third = buildMomentumModel();
    const s3 = new tf.Session({ graph: third.g });
    await s3.run(third.g.asDefault(() => tf.globalVariablesInitializer()));
    const weightsOnly = [...third.saver.varList].filter(([k]) => !k.endsWith('/Momentum')).map(([, v]) => v);
    await new Saver(weightsOnly).restore(s3, saved!);
    await runSteps(s3, third, N, N + M);
    const noSlots = await snapshot(s3, third);
    await s3.close();
    expect(noSlots.get('global_step')).toEqual([N + M]);
    expect(noSlots.get('linear/weights')).not.toEqual(expected.get('linear/weights'));
  });
});
