/**
 * Port of tutorial-contents/302_simple_classification.py from github.com/MorvanZhou/Tensorflow-Tutorial
 * (MIT), line by line in tsflow's conventions: two Gaussian clusters classified by a 2-10-2 ReLU
 * net with tf.losses.sparse_softmax_cross_entropy, and tf.metrics.accuracy's update op (two local
 * variables, initialized by tf.local_variables_initializer in a tf.group) run every step.
 *
 * Changes: numpy's normal draws come from a seeded generator (morvan-np.ts); plots dropped. The
 * int labels are fed to the int32 placeholder as an Int32Array NDArray (numpy would cast its float
 * array). The checks: the streaming accuracy equals the running mean of each step's own accuracy,
 * computed here from the fetched logits (the update op counts a batch before the step's weights
 * change), and the last step classifies above 95 % (the clusters at ±(2, 2) with unit variance
 * overlap by ~0.2 %), with the loss decreasing.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { NpRandom } from './morvan-np.js';

describe('MorvanZhou/Tensorflow-Tutorial 302_simple_classification', () => {
  it('separates two clusters; tf.metrics.accuracy streams the mean', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(1);
    const np = new NpRandom(1);

    // fake data
    const x0 = Array.from({ length: 100 }, () => np.normal(2, 1, 2)); // class0 x shape=(100, 2)
    const y0 = new Array(100).fill(0); // class0 y shape=(100, )
    const x1 = Array.from({ length: 100 }, () => np.normal(-2, 1, 2)); // class1 x shape=(100, 2)
    const y1 = new Array(100).fill(1); // class1 y shape=(100, )
    const x = [...x0, ...x1]; // shape (200, 2) + some noise
    const y = new tf.NDArray(Int32Array.from([...y0, ...y1]), [200], tf.int32); // shape (200, )

    const tf_x = tf.placeholder(tf.float32, [200, 2]); // input x
    const tf_y = tf.placeholder(tf.int32, [200]); // input y

    // neural network layers
    const l1 = tf.layers.dense(tf_x, 10, tf.nn.relu); // hidden layer
    const output = tf.layers.dense(l1, 2); // output layer

    const loss = tf.losses.sparseSoftmaxCrossEntropy({ labels: tf_y, logits: output }); // compute cost
    const accuracy = tf.metrics.accuracy({ // return (acc, update_op), and create 2 local variables
      labels: tf.squeeze(tf_y), predictions: tf.argmax(output, { axis: 1 }) })[1];
    const optimizer = new tf.train.GradientDescentOptimizer({ learningRate: 0.05 });
    const train_op = optimizer.minimize(loss);

    expect(tf.localVariables().map((v) => v.name)).toEqual(['accuracy/total:0', 'accuracy/count:0']);

    const sess = new tf.Session(); // control training and others
    const init_op = tf.group(tf.globalVariablesInitializer(), tf.localVariablesInitializer());
    await sess.run(init_op); // initialize var in graph

    let correct = 0;
    const accs: number[] = [];
    const stepAcc: number[] = [];
    const losses: number[] = [];
    for (let step = 0; step < 100; step++) {
      // train and net output
      const [, acc, pred, l] = (await sess.run([train_op, accuracy, output, loss], [[tf_x, x], [tf_y, y]])) as tf.NDArray[];
      const p = pred!.data as Float32Array;
      let c = 0;
      for (let i = 0; i < 200; i++) if ((p[2 * i + 1]! > p[2 * i]! ? 1 : 0) === y.data[i]) c++;
      correct += c;
      stepAcc.push(c / 200);
      accs.push(acc!.toArray() as number);
      losses.push(l!.toArray() as number);
      expect(accs[step]!).toBeCloseTo(correct / (200 * (step + 1)), 6);
      // if step % 2 == 0: plot pred.argmax(1) and 'Accuracy=%.2f' % acc (dropped)
    }
    sess.close();
    expect(stepAcc[99]!).toBeGreaterThan(0.95);
    expect(accs[99]!).toBeGreaterThan(0.8);
    expect(losses[99]!).toBeLessThan(losses[0]! / 2);
  });
});
