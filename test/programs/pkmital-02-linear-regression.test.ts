/**
 * Port of python/02_linear_regression.py from github.com/pkmital/tensorflow_tutorials (Parag K.
 * Mital, Apache License 2.0), line by line in tsflow's conventions.
 *
 * Changes: numpy's unseeded `np.random.uniform` noise is drawn from a seeded generator here, and
 * `tf.random_normal` gets a graph seed; matplotlib's plots are dropped (the plotted prediction is
 * fetched with `Y_pred.eval` and checked instead). The original runs up to 1000 epochs of
 * per-example SGD (100 runs each) until the cost changes by < 1e-6; bounded here to 40 epochs.
 * The check: W and b after those 4000 steps equal the same SGD replayed in float64 JS from the
 * initial values (the gradient of sum((xW + b - y)^2)/99 for one example), and the full-data cost
 * falls from the initial 0.77 to below 0.36 (0.337 here; the least-squares line of this data,
 * numpy's lstsq, has cost 0.232, which SGD at this rate approaches slowly).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

describe('pkmital/tensorflow_tutorials 02_linear_regression', () => {
  it('fits a line by per-example gradient descent', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(2);
    // %% Let's create some toy data
    const n_observations = 100;
    let s = 12345;
    const uniform = (lo: number, hi: number): number => lo + (hi - lo) * ((s = (s * 16807) % 2147483647) / 2147483647);
    const xs = Array.from({ length: n_observations }, (_, i) => -3 + (6 * i) / (n_observations - 1));
    const ys = xs.map((x) => Math.sin(x) + uniform(-0.5, 0.5));

    // %% tf.placeholders for the input and output of the network.
    const X = tf.placeholder(tf.float32);
    const Y = tf.placeholder(tf.float32);

    // %% We will try to optimize min_(W,b) ||(X*w + b) - y||^2
    const W = new tf.Variable(tf.randomNormal([1]), { name: 'weight' });
    const b = new tf.Variable(tf.randomNormal([1]), { name: 'bias' });
    const Y_pred = tf.add(tf.multiply(X, W), b);

    // %% Loss function
    const cost = tf.divide(tf.reduceSum(tf.pow(tf.subtract(Y_pred, Y), 2)), n_observations - 1);

    // %% Use gradient descent to optimize W,b
    const learning_rate = 0.01;
    const optimizer = new tf.train.GradientDescentOptimizer(learning_rate).minimize(cost);

    // %% We create a session to use the graph
    const n_epochs = 40;
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    const [w0, b0] = ((await sess.run([W, b])) as tf.NDArray[]).map((v) => v.data[0] as number);
    const costs: number[] = [((await sess.run(cost, [[X, xs], [Y, ys]])) as tf.NDArray).data[0] as number];

    // %% Fit all training data
    let prev_training_cost = 0.0;
    for (let epoch_i = 0; epoch_i < n_epochs; epoch_i++) {
      for (let i = 0; i < n_observations; i++) {
        await sess.run(optimizer, [[X, xs[i]!], [Y, ys[i]!]]);
      }
      const training_cost = ((await sess.run(cost, [[X, xs], [Y, ys]])) as tf.NDArray).data[0] as number;
      costs.push(training_cost);
      if (epoch_i % 20 === 0) {
        const pred = (await Y_pred.eval([[X, xs]], sess)) as tf.NDArray;
        expect(pred.shape).toEqual([n_observations]);
      }
      // Allow the training to quit if we've reached a minimum
      if (Math.abs(prev_training_cost - training_cost) < 0.000001) break;
      prev_training_cost = training_cost;
    }

    // the same SGD in float64
    let [w, bb] = [w0, b0];
    for (let e = 0; e < n_epochs; e++) {
      for (let i = 0; i < n_observations; i++) {
        const r = (2 * (xs[i]! * w + bb - ys[i]!)) / (n_observations - 1);
        [w, bb] = [w - learning_rate * r * xs[i]!, bb - learning_rate * r];
      }
    }
    const [wT, bT] = ((await sess.run([W, b])) as tf.NDArray[]).map((v) => v.data[0] as number);
    expect(wT).toBeCloseTo(w, 4);
    expect(bT).toBeCloseTo(bb, 4);
    const costOf = (w: number, b: number): number => xs.reduce((a, x, i) => a + (x * w + b - ys[i]!) ** 2, 0) / 99;
    expect(costs.at(-1)!).toBeCloseTo(costOf(w, bb), 4);
    expect(costs.at(-1)!).toBeLessThan(0.36);
    expect(costs.at(-1)!).toBeLessThan(costs[0]!);
    await sess.close();
  });
});
