/**
 * Port of tutorial-contents/301_simple_regression.py from github.com/MorvanZhou/Tensorflow-Tutorial
 * (MIT), line by line in tsflow's conventions: a 1-10-1 ReLU net from tf.layers.dense fitted to
 * y = x² + noise by tf.losses.mean_squared_error and plain gradient descent (rate 0.5, 100 steps,
 * as the original).
 *
 * Changes: numpy's noise comes from a seeded generator (morvan-np.ts); the matplotlib plots are
 * dropped. The check: the same 100 full-batch gradient-descent steps replayed in float64 JS from
 * the initial weights give the same losses (each run's loss is of the weights before its update),
 * and the loss falls from 0.27 to below 0.02 (0.0106; the noise alone has variance 0.01).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { column, linspace, NpRandom } from './morvan-np.js';

describe('MorvanZhou/Tensorflow-Tutorial 301_simple_regression', () => {
  it('fits x² with a dense ReLU net by gradient descent', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(1);
    const np = new NpRandom(1);

    // fake data
    const x = column(linspace(-1, 1, 100)); // shape (100, 1)
    const noise = np.normal(0, 0.1, 100);
    const y = x.map(([v], i) => [v! ** 2 + noise[i]!]); // shape (100, 1) + some noise

    const tf_x = tf.placeholder(tf.float32, [100, 1]); // input x
    const tf_y = tf.placeholder(tf.float32, [100, 1]); // input y

    // neural network layers
    const l1 = tf.layers.dense(tf_x, 10, tf.nn.relu); // hidden layer
    const output = tf.layers.dense(l1, 1); // output layer

    const loss = tf.losses.meanSquaredError(tf_y, output); // compute cost
    const optimizer = new tf.train.GradientDescentOptimizer({ learningRate: 0.5 });
    const train_op = optimizer.minimize(loss);

    const sess = new tf.Session(); // control training and others
    await sess.run(tf.globalVariablesInitializer()); // initialize var in graph

    expect(tf.trainableVariables().map((v) => v.name)).toEqual(['dense/kernel:0', 'dense/bias:0', 'dense_1/kernel:0', 'dense_1/bias:0']);
    const [W1, b1, W2, b2] = ((await sess.run(tf.trainableVariables())) as tf.NDArray[]).map((a) => Array.from(a.data as Float32Array));

    const losses: number[] = [];
    let pred: tf.NDArray | undefined;
    for (let step = 0; step < 100; step++) {
      // train and net output
      let l: tf.NDArray;
      [, l, pred] = (await sess.run([train_op, loss, output], [[tf_x, x], [tf_y, y]])) as tf.NDArray[];
      losses.push(l.toArray() as number);
      if (step % 5 === 0) {
        // plot and show learning process (dropped)
        expect(pred.shape).toEqual([100, 1]);
      }
    }
    sess.close();

    // the same descent in float64
    const w1 = W1!.slice(), c1 = b1!.slice(), w2 = W2!.slice(), c2 = b2!.slice();
    const ref: number[] = [];
    for (let step = 0; step < 100; step++) {
      const gw1 = new Array(10).fill(0), gc1 = new Array(10).fill(0), gw2 = new Array(10).fill(0);
      let gc2 = 0, L = 0;
      for (let n = 0; n < 100; n++) {
        const xv = x[n]![0]!;
        const h = w1.map((w, j) => Math.max(0, xv * w + c1[j]!));
        const o = h.reduce((a, hv, j) => a + hv * w2[j]!, c2[0]!);
        const r = o - y[n]![0]!;
        L += r * r / 100;
        const d = 2 * r / 100;
        gc2 += d;
        for (let j = 0; j < 10; j++) {
          gw2[j] += d * h[j]!;
          if (h[j]! > 0) {
            gw1[j] += d * w2[j]! * xv;
            gc1[j] += d * w2[j]!;
          }
        }
      }
      ref.push(L);
      for (let j = 0; j < 10; j++) {
        w1[j] -= 0.5 * gw1[j];
        c1[j] -= 0.5 * gc1[j];
        w2[j] -= 0.5 * gw2[j];
      }
      c2[0] -= 0.5 * gc2;
    }
    losses.forEach((l, i) => expect(l).toBeCloseTo(ref[i]!, 4));
    expect(losses[99]!).toBeLessThan(0.02); // 0.0106 here; the noise alone has variance 0.01
    expect(losses[99]!).toBeLessThan(losses[0]! / 2);
    // the last prediction is of the weights before the last update: its mse is the last loss
    const p = Array.from(pred!.data as Float32Array);
    expect(p.reduce((a, v, i) => a + (v - y[i]![0]!) ** 2, 0) / 100).toBeCloseTo(losses[99]!, 5);
  });
});
