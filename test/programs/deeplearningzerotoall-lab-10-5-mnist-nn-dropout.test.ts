/**
 * Port of hunkim/DeepLearningZeroToAll lab-10-5-mnist_nn_dropout.py (TF1; the repository carries no
 * licence file), line by line in tsflow's conventions: a 5-layer ReLU network on MNIST with
 * tf.getVariable + tf.contrib.layers.xavierInitializer weights, random-normal biases,
 * tf.nn.dropout with a fed keep_prob placeholder, softmaxCrossEntropyWithLogits and Adam.
 *
 * Changes, for a bounded CPU test: hidden width 512 → 64, 15 epochs of 550 batches → 80
 * batches of 100 with Adam's learning rate 0.001 → 0.01 to make up for the 100× fewer steps;
 * data: input_data's DataSet over MNIST's t10k digits (deeplearningzerotoall-mnist.ts: 8000 to
 * train on, 2000 to test). The original reports 98 % after 15 epochs; this bounded run reaches
 * about 85 % and is checked for > 80 % (chance is 10 %), with the cost at least halved.
 * Also checked: Xavier's uniform range ±sqrt(6 / (fan_in + fan_out)) on W1, and that keep_prob 1
 * makes the output deterministic while keep_prob 0.7 does not.
 */
import { expect, it } from 'vitest';
import * as tf from 'tsflow';
import { firstRows, readSmallMnist } from './deeplearningzerotoall-mnist.js';

it('lab-10-5 MNIST NN with xavier init, dropout and Adam: learns the digits', async () => {
  tf.resetDefaultGraph();
  tf.setRandomSeed(777); // reproducibility

  const mnist = readSmallMnist();

  // parameters
  const learning_rate = 0.01;
  const batch_size = 100;
  const total_batch = 80;
  const width = 64;

  // input place holders
  const X = tf.placeholder(tf.float32, [null, 784]);
  const Y = tf.placeholder(tf.float32, [null, 10]);

  // dropout (keep_prob) rate  0.7 on training, but should be 1 for testing
  const keep_prob = tf.placeholder(tf.float32);

  // weights & bias for nn layers
  const W1 = tf.getVariable('W1', { shape: [784, width], initializer: tf.contrib.layers.xavierInitializer() });
  const b1 = new tf.Variable(tf.randomNormal([width]));
  let L1 = tf.nn.relu(tf.add(tf.matmul(X, W1), b1));
  L1 = tf.nn.dropout(L1, { keepProb: keep_prob });

  const W2 = tf.getVariable('W2', { shape: [width, width], initializer: tf.contrib.layers.xavierInitializer() });
  const b2 = new tf.Variable(tf.randomNormal([width]));
  let L2 = tf.nn.relu(tf.add(tf.matmul(L1, W2), b2));
  L2 = tf.nn.dropout(L2, { keepProb: keep_prob });

  const W3 = tf.getVariable('W3', { shape: [width, width], initializer: tf.contrib.layers.xavierInitializer() });
  const b3 = new tf.Variable(tf.randomNormal([width]));
  let L3 = tf.nn.relu(tf.add(tf.matmul(L2, W3), b3));
  L3 = tf.nn.dropout(L3, { keepProb: keep_prob });

  const W4 = tf.getVariable('W4', { shape: [width, width], initializer: tf.contrib.layers.xavierInitializer() });
  const b4 = new tf.Variable(tf.randomNormal([width]));
  let L4 = tf.nn.relu(tf.add(tf.matmul(L3, W4), b4));
  L4 = tf.nn.dropout(L4, { keepProb: keep_prob });

  const W5 = tf.getVariable('W5', { shape: [width, 10], initializer: tf.contrib.layers.xavierInitializer() });
  const b5 = new tf.Variable(tf.randomNormal([10]));
  const hypothesis = tf.add(tf.matmul(L4, W5), b5);
  expect(hypothesis.shape).toEqual([null, 10]);

  // define cost/loss & optimizer
  const cost = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ logits: hypothesis, labels: Y }));
  const optimizer = new tf.train.AdamOptimizer({ learningRate: learning_rate }).minimize(cost);

  // initialize
  const sess = new tf.Session();
  await sess.run(tf.globalVariablesInitializer());

  const w1 = (await sess.run(W1)) as tf.NDArray;
  const limit = Math.sqrt(6 / (784 + width));
  const w1v = Array.from(w1.data as Float32Array);
  expect(Math.max(...w1v.map(Math.abs))).toBeLessThanOrEqual(limit);
  // A uniform on ±limit has variance limit²/3.
  const variance = w1v.reduce((s, v) => s + v * v, 0) / w1v.length;
  expect(variance).toBeGreaterThan(0.9 * (limit * limit) / 3);
  expect(variance).toBeLessThan(1.1 * (limit * limit) / 3);

  // train my model
  let first = 0;
  let avg_last = 0;
  for (let i = 0; i < total_batch; i++) {
    const [batch_xs, batch_ys] = mnist.train.nextBatch(batch_size);
    const feed_dict = new Map<tf.Tensor, tf.NDArray | number>([[X, batch_xs], [Y, batch_ys], [keep_prob, 0.7]]);
    const [c] = (await sess.run([cost, optimizer], feed_dict)) as [tf.NDArray, null];
    if (i === 0) first = c.toArray() as number;
    if (i >= total_batch - 20) avg_last += (c.toArray() as number) / 20;
  }
  // Random-normal biases through four ReLU layers start the cost far above log 10 ≈ 2.3.
  expect(first).toBeGreaterThan(2.3);
  expect(avg_last).toBeLessThan(first / 2);

  // Test model and check accuracy
  const correct_prediction = tf.equal(tf.argmax(hypothesis, 1), tf.argmax(Y, 1));
  const accuracy = tf.reduceMean(tf.cast(correct_prediction, tf.float32));
  const testX = mnist.test.images;
  const testY = mnist.test.labels;
  const acc = (await sess.run(accuracy, new Map<tf.Tensor, tf.NDArray | number>([[X, testX], [Y, testY], [keep_prob, 1]]))) as tf.NDArray;
  expect(acc.toArray() as number).toBeGreaterThan(0.8);

  // Get one and predict: keep_prob 1 is deterministic, 0.7 drops units.
  const one = firstRows(mnist.test.images, 1);
  const p1 = (await sess.run(hypothesis, new Map<tf.Tensor, tf.NDArray | number>([[X, one], [keep_prob, 1]]))) as tf.NDArray;
  const p2 = (await sess.run(hypothesis, new Map<tf.Tensor, tf.NDArray | number>([[X, one], [keep_prob, 1]]))) as tf.NDArray;
  const p3 = (await sess.run(hypothesis, new Map<tf.Tensor, tf.NDArray | number>([[X, one], [keep_prob, 0.7]]))) as tf.NDArray;
  expect(p1.toArray()).toEqual(p2.toArray());
  expect(p3.toArray()).not.toEqual(p1.toArray());
  const label = (await sess.run(tf.argmax(firstRows(mnist.test.labels, 1), 1))) as tf.NDArray;
  expect(label.shape).toEqual([1]);
  await sess.close();
});
