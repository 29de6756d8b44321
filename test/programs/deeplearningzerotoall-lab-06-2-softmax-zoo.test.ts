/**
 * Port of hunkim/DeepLearningZeroToAll lab-06-2-softmax_zoo_classifier.py (TF1; the repository
 * carries no licence file, so nothing of its data is copied), line by line in tsflow's conventions.
 *
 * Changes: data-04-zoo.csv (101 animals, 16 features, 7 classes) is replaced by 101 synthetic
 * animals from a seeded generator: each class has a random 16-bit prototype, and each animal is its
 * class's prototype with every bit flipped with probability 0.1 (so, like the zoo data, a linear
 * softmax separates it). Steps 2001 → 301. The idioms kept: tf.oneHot of an int32 [None, 1]
 * placeholder (shape [?, 1, 7]) then tf.reshape(…, [-1, 7]); softmaxCrossEntropyWithLogitsV2 with
 * labels tf.stopGradient([Y_one_hot]) — a list around the tensor, so labels are [1, ?, 7] against
 * logits [?, 7] (TF flattens the labels' outer dims); argmax/equal/cast accuracy.
 */
import { expect, it } from 'vitest';
import * as tf from 'tsflow';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function zooLike(n: number, features: number, classes: number): { x: number[][]; y: number[][] } {
  const r = rng(777);
  const protos = Array.from({ length: classes }, () => Array.from({ length: features }, () => (r() < 0.5 ? 1 : 0)));
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    x.push(protos[c]!.map((b) => (r() < 0.1 ? 1 - b : b)));
    y.push([c]);
  }
  return { x, y };
}

it('lab-06-2 softmax zoo classifier: one_hot + reshape, v2 cross entropy, learns the classes', async () => {
  tf.resetDefaultGraph();
  tf.setRandomSeed(777); // for reproducibility

  // Predicting animal type based on various features
  const { x: x_data, y: y_data } = zooLike(101, 16, 7);

  const nb_classes = 7; // 0 ~ 6

  const X = tf.placeholder(tf.float32, [null, 16]);
  const Y = tf.placeholder(tf.int32, [null, 1]); // 0 ~ 6

  let Y_one_hot = tf.oneHot(Y, nb_classes); // one hot
  expect(Y_one_hot.shape).toEqual([null, 1, 7]);
  expect(Y_one_hot.name).toBe('one_hot:0');
  Y_one_hot = tf.reshape(Y_one_hot, [-1, nb_classes]);
  expect(Y_one_hot.shape).toEqual([null, 7]);
  expect(Y_one_hot.name).toBe('Reshape:0');

  const W = new tf.Variable(tf.randomNormal([16, nb_classes]), { name: 'weight' });
  const b = new tf.Variable(tf.randomNormal([nb_classes]), { name: 'bias' });

  // tf.nn.softmax computes softmax activations
  // softmax = exp(logits) / reduce_sum(exp(logits), dim)
  const logits = tf.add(tf.matmul(X, W), b);
  const hypothesis = tf.nn.softmax(logits);

  // Cross entropy cost/loss
  const cost = tf.reduceMean(
    tf.nn.softmaxCrossEntropyWithLogitsV2({ logits, labels: tf.stopGradient([Y_one_hot]) }),
  );
  const optimizer = new tf.train.GradientDescentOptimizer({ learningRate: 0.1 }).minimize(cost);

  const prediction = tf.argmax(hypothesis, 1);
  const correct_prediction = tf.equal(prediction, tf.argmax(Y_one_hot, 1));
  const accuracy = tf.reduceMean(tf.cast(correct_prediction, tf.float32));

  // Launch graph
  const sess = new tf.Session();
  await sess.run(tf.globalVariablesInitializer());

  const costs: number[] = [];
  let acc = 0;
  for (let step = 0; step < 301; step++) {
    const [, cost_val, acc_val] = (await sess.run([optimizer, cost, accuracy], { [X.name]: x_data, [Y.name]: y_data })) as [
      null,
      tf.NDArray,
      tf.NDArray,
    ];
    costs.push(cost_val.toArray() as number);
    acc = acc_val.toArray() as number;
  }

  // The cost, computed independently from the weights after the run: mean over rows of
  // logsumexp(x W + b) - (x W + b)[y].
  const [w, bb, last] = (await sess.run([W, b, cost], { [X.name]: x_data, [Y.name]: y_data })) as tf.NDArray[];
  let ref = 0;
  for (let i = 0; i < x_data.length; i++) {
    const z = Array.from({ length: 7 }, (_, k) => Number(bb!.get(k)) + x_data[i]!.reduce((s, v, j) => s + v * Number(w!.get(j, k)), 0));
    const m = Math.max(...z);
    ref += m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0)) - z[y_data[i]![0]!]!;
  }
  expect(last!.toArray() as number).toBeCloseTo(ref / x_data.length, 4);

  // Random-normal weights start far off (the original prints 5.1 at step 0); the cost falls by
  // more than 5x and the (separable) training set is nearly all right.
  expect(costs[0]!).toBeGreaterThan(1.5);
  expect(costs[300]!).toBeLessThan(costs[0]! / 5);
  expect(acc).toBeGreaterThan(0.95);

  // Let's see if we can predict
  const pred = (await sess.run(prediction, { [X.name]: x_data })) as tf.NDArray;
  expect(pred.shape).toEqual([101]);
  expect(pred.dtype).toBe('int64');
  let right = 0;
  for (let i = 0; i < 101; i++) if (Number(pred.get(i)) === y_data[i]![0]) right++;
  expect(right / 101).toBeCloseTo(acc, 5);
  await sess.close();
});
