/**
 * Port of hunkim/DeepLearningZeroToAll lab-09-x-xor-nn-back_prop.py (TF1; the repository carries no
 * licence file), line by line in tsflow's conventions: XOR with back-propagation written out by
 * hand and applied with tf.assign.
 *
 * Changes: steps 10001 → 400, with learning rate 0.1 → 2 so that the hand-written gradient descent
 * gets XOR right within the bound. Python's operators become ops and `tf.shape(l1)[0]` is
 * `tf.index(tf.shape(l1), 0)`. Checks: the hand-written d_W1_mean … d_b2_mean equal
 * tf.gradients of the cost (the program's 1e-7 in d_Y_pred aside, they are the same
 * derivatives), the cost falls, and the four XOR answers come out right.
 */
import { expect, it } from 'vitest';
import * as tf from 'tsflow';

it('lab-09-x XOR back-prop by hand: the manual gradients are tf.gradients, and it learns XOR', async () => {
  tf.resetDefaultGraph();
  tf.setRandomSeed(777); // for reproducibility
  const learning_rate = 2;

  const x_data = new tf.NDArray(Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]), [4, 2], tf.float32);
  const y_data = new tf.NDArray(Float32Array.from([0, 1, 1, 0]), [4, 1], tf.float32);

  const X = tf.placeholder(tf.float32, [null, 2]);
  const Y = tf.placeholder(tf.float32, [null, 1]);

  const W1 = new tf.Variable(tf.randomNormal([2, 2]), { name: 'weight1' });
  const b1 = new tf.Variable(tf.randomNormal([2]), { name: 'bias1' });
  const l1 = tf.sigmoid(tf.add(tf.matmul(X, W1), b1));

  const W2 = new tf.Variable(tf.randomNormal([2, 1]), { name: 'weight2' });
  const b2 = new tf.Variable(tf.randomNormal([1]), { name: 'bias2' });
  const Y_pred = tf.sigmoid(tf.add(tf.matmul(l1, W2), b2));

  // cost/loss function
  const cost = tf.negative(tf.reduceMean(tf.add(tf.multiply(Y, tf.log(Y_pred)), tf.multiply(tf.subtract(1, Y), tf.log(tf.subtract(1, Y_pred))))));

  // Network
  //          p1     a1           l1     p2     a2           l2 (y_pred)
  // X -> (*) -> (+) -> (sigmoid) -> (*) -> (+) -> (sigmoid) -> (loss)
  //       ^      ^                   ^      ^
  //       |      |                   |      |
  //       W1     b1                  W2     b2

  // Loss derivative
  const d_Y_pred = tf.divide(tf.subtract(Y_pred, Y), tf.add(tf.multiply(Y_pred, tf.subtract(1.0, Y_pred)), 1e-7));

  // Layer 2
  const d_sigma2 = tf.multiply(Y_pred, tf.subtract(1, Y_pred));
  const d_a2 = tf.multiply(d_Y_pred, d_sigma2);
  const d_p2 = d_a2;
  const d_b2 = d_a2;
  const d_W2 = tf.matmul(tf.transpose(l1), d_p2);

  // Mean
  const d_b2_mean = tf.reduceMean(d_b2, { axis: [0] });
  const d_W2_mean = tf.divide(d_W2, tf.cast(tf.index(tf.shape(l1), 0), { dtype: tf.float32 }));

  // Layer 1
  const d_l1 = tf.matmul(d_p2, tf.transpose(W2));
  const d_sigma1 = tf.multiply(l1, tf.subtract(1, l1));
  const d_a1 = tf.multiply(d_l1, d_sigma1);
  const d_b1 = d_a1;
  const d_p1 = d_a1;
  void d_p1;
  const d_W1 = tf.matmul(tf.transpose(X), d_a1);

  // Mean
  const d_W1_mean = tf.divide(d_W1, tf.cast(tf.index(tf.shape(X), 0), { dtype: tf.float32 }));
  const d_b1_mean = tf.reduceMean(d_b1, { axis: [0] });

  // Weight update
  const step = [
    tf.assign(W2, tf.subtract(W2, tf.multiply(learning_rate, d_W2_mean))),
    tf.assign(b2, tf.subtract(b2, tf.multiply(learning_rate, d_b2_mean))),
    tf.assign(W1, tf.subtract(W1, tf.multiply(learning_rate, d_W1_mean))),
    tf.assign(b1, tf.subtract(b1, tf.multiply(learning_rate, d_b1_mean))),
  ];

  // Accuracy computation
  // True if hypothesis > 0.5 else false
  const predicted = tf.cast(tf.greater(Y_pred, 0.5), { dtype: tf.float32 });
  const accuracy = tf.reduceMean(tf.cast(tf.equal(predicted, Y), { dtype: tf.float32 }));

  // The same derivatives from tf.gradients, for the check.
  const auto = tf.gradients(cost, [W1, b1, W2, b2]);

  // Launch graph
  const sess = new tf.Session();
  // Initialize TensorFlow variables
  await sess.run(tf.globalVariablesInitializer());

  const feed = new Map([[X, x_data], [Y, y_data]]);
  expect(((await sess.run(tf.index(tf.shape(X), 0), { [X.name]: x_data })) as tf.NDArray).toArray()).toBe(4);

  const manual = (await sess.run([d_W1_mean, d_b1_mean, d_W2_mean, d_b2_mean], feed)) as tf.NDArray[];
  const fromTf = (await sess.run(auto as tf.Tensor[], feed)) as tf.NDArray[];
  for (let k = 0; k < 4; k++) {
    expect(manual[k]!.shape).toEqual(fromTf[k]!.shape);
    for (let i = 0; i < manual[k]!.size; i++) expect(Number(manual[k]!.data[i])).toBeCloseTo(Number(fromTf[k]!.data[i]), 4);
  }

  let first = 0;
  for (let i = 0; i < 400; i++) {
    const [, c] = (await sess.run([step, cost], feed)) as [unknown, tf.NDArray];
    if (i === 0) first = c.toArray() as number;
  }

  // Accuracy report
  const [h, c, a] = (await sess.run([Y_pred, predicted, accuracy], feed)) as tf.NDArray[];
  const last = ((await sess.run(cost, feed)) as tf.NDArray).toArray() as number;
  expect(last).toBeLessThan(first);
  expect(last).toBeLessThan(0.2);
  expect(c!.toArray()).toEqual([[0], [1], [1], [0]]);
  expect(a!.toArray()).toBe(1);
  expect(h!.shape).toEqual([4, 1]);
  await sess.close();
});
