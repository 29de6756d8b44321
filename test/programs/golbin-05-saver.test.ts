/**
 * Port of golbin/TensorFlow-Tutorials, "05 - TensorBoard, Saver/01 - Saver.py" (no licence
 * stated in the repository; only the program's structure is followed, no file is copied), line by
 * line in tsflow's conventions.
 *
 * Changes: the original reads ./data.csv with np.loadtxt (six rows of [fur, wings] → one-hot
 * [other, mammal, bird]); the same six rows, which the tutorial's chapter 04 also writes out
 * inline, are written here as literals. The model directory is a temporary one. The original is
 * meant to be run several times, each run restoring the last checkpoint and training two more
 * steps: the test runs it 12 times in fresh graphs and checks that global_step continues
 * (2, 4, …, 24), that the restored weights equal the saved ones, and that the cost falls run by run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

// 털, 날개, 기타, 포유류, 조류 (fur, wings, other, mammal, bird)
const data = [
  [0, 0, 1, 0, 0],
  [1, 0, 0, 1, 0],
  [1, 1, 0, 0, 1],
  [0, 0, 1, 0, 0],
  [0, 0, 1, 0, 0],
  [0, 1, 0, 0, 1],
];
const xData = data.map((r) => r.slice(0, 2));
const yData = data.map((r) => r.slice(2));

const modelDir = mkdtempSync(join(tmpdir(), 'tsflow-golbin-saver-'));
afterAll(() => rmSync(modelDir, { recursive: true, force: true }));

interface RunResult { steps: number[]; costs: number[]; w1Before: tf.NDArray | null; w1After: tf.NDArray; accuracy: number; prediction: number[] }

async function program(): Promise<RunResult> {
  tf.resetDefaultGraph();
  tf.setRandomSeed(7); // added: a fixed graph seed, so the first run's initial weights are the same every time
  const globalStep = new tf.Variable(0, { trainable: false, name: 'global_step' });

  const X = tf.placeholder(tf.float32);
  const Y = tf.placeholder(tf.float32);

  const W1 = new tf.Variable(tf.randomUniform([2, 10], -1, 1));
  const L1 = tf.nn.relu(tf.matmul(X, W1));

  const W2 = new tf.Variable(tf.randomUniform([10, 20], -1, 1));
  const L2 = tf.nn.relu(tf.matmul(L1, W2));

  const W3 = new tf.Variable(tf.randomUniform([20, 3], -1, 1));
  const model = tf.matmul(L2, W3);

  const cost = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogitsV2({ labels: Y, logits: model }));

  const optimizer = new tf.train.AdamOptimizer({ learningRate: 0.01 });
  const trainOp = optimizer.minimize(cost, { globalStep });

  const sess = new tf.Session();
  const saver = new tf.train.Saver(tf.globalVariables());

  let w1Before: tf.NDArray | null = null;
  const ckpt = tf.train.getCheckpointState(modelDir);
  if (ckpt && tf.train.checkpointExists(ckpt.modelCheckpointPath)) {
    await saver.restore(sess, ckpt.modelCheckpointPath);
    w1Before = tf.train.loadCheckpoint(ckpt.modelCheckpointPath).getTensor(W1.op.name);
  } else {
    await sess.run(tf.globalVariablesInitializer());
  }
  const w1Restored = await sess.run(W1);
  if (w1Before) expect(Array.from(w1Restored.data as Float32Array)).toEqual(Array.from(w1Before.data as Float32Array));

  const steps: number[] = [];
  const costs: number[] = [];
  for (let step = 0; step < 2; step++) {
    await sess.run(trainOp, { [X.name]: xData, [Y.name]: yData });
    steps.push((await sess.run(globalStep)).toArray() as number);
    costs.push((await sess.run(cost, new Map([[X, xData], [Y, yData]]))).toArray() as number);
  }
  await saver.save(sess, join(modelDir, 'dnn.ckpt'), { globalStep });

  const prediction = tf.argmax(model, 1);
  const target = tf.argmax(Y, 1);
  const isCorrect = tf.equal(prediction, target);
  const accuracy = tf.reduceMean(tf.cast(isCorrect, tf.float32));
  const acc = (await sess.run(tf.multiply(accuracy, 100), new Map([[X, xData], [Y, yData]]))).toArray() as number;
  const pred = (await sess.run(prediction, new Map([[X, xData]]))).toArray() as number[];
  const w1After = await sess.run(W1);
  await sess.close();
  return { steps, costs, w1Before, w1After, accuracy: acc, prediction: pred.map(Number) };
}

describe('golbin 05 - Saver', () => {
  it('restores the last checkpoint on each run and continues global_step', async () => {
    const r1 = await program();
    expect(r1.steps).toEqual([2 - 1, 2]);
    expect(r1.w1Before).toBeNull();
    expect(tf.train.latestCheckpoint(modelDir)).toBe(join(modelDir, 'dnn.ckpt-2'));

    const r2 = await program();
    expect(r2.steps).toEqual([3, 4]);
    // what run 2 restored is what run 1 trained
    expect(Array.from(r2.w1Before!.data as Float32Array)).toEqual(Array.from(r1.w1After.data as Float32Array));
    let last = r2;
    for (let i = 0; i < 10; i++) last = await program();
    expect(last.steps).toEqual([23, 24]);
    // as in TF1, a new Saver does not recover older runs' checkpoints: the state lists only its own save
    expect(tf.train.getCheckpointState(modelDir)!.allModelCheckpointPaths).toEqual([join(modelDir, 'dnn.ckpt-24')]);
    // 24 Adam steps at lr 0.01 on 6 points: the cost falls below the first run's
    expect(last.costs[1]!).toBeLessThan(r1.costs[1]!);
    // the three [0, 0] rows reach the bias-free ReLU net as zeros: their logits are 0, their cost
    // ln 3 each, so the mean cost cannot fall below ln(3) / 2 = 0.5493; the other three are learned
    expect(last.costs[1]!).toBeGreaterThan(Math.log(3) / 2 - 1e-6);
    expect(last.costs[1]!).toBeLessThan(Math.log(3) / 2 + 0.02);
    expect(last.prediction).toEqual([0, 1, 2, 0, 0, 2]);
    expect(last.accuracy).toBeCloseTo(100, 5);
  });
});
