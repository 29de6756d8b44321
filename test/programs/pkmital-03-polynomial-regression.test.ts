/**
 * Port of python/03_polynomial_regression.py from github.com/pkmital/tensorflow_tutorials (Parag K.
 * Mital, Apache License 2.0), line by line in tsflow's conventions.
 *
 * Changes: numpy's unseeded `np.random.uniform` noise comes from a seeded generator here and
 * `tf.random_normal` gets a graph seed; matplotlib's plots are dropped. The original runs up to
 * 1000 epochs of per-example SGD (100 runs each); bounded here to 6 epochs. The check: the five
 * coefficients after those 600 steps equal the same SGD replayed in float64 JS from their initial
 * values (gradient of sum((sum_k w_k x^k - y)^2)/99 for one example), and the full-data cost
 * falls from its initial value (220 with this seed) to below 1.0 (0.53 here).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

describe('pkmital/tensorflow_tutorials 03_polynomial_regression', () => {
  it('fits a degree-4 polynomial by per-example gradient descent', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(3);
    const n_observations = 100;
    let s = 777;
    const uniform = (lo: number, hi: number): number => lo + (hi - lo) * ((s = (s * 16807) % 2147483647) / 2147483647);
    const xs = Array.from({ length: n_observations }, (_, i) => -3 + (6 * i) / (n_observations - 1));
    const ys = xs.map((x) => Math.sin(x) + uniform(-0.5, 0.5));

    const X = tf.placeholder(tf.float32);
    const Y = tf.placeholder(tf.float32);

    // %% a polynomial of degrees X^0 .. X^4
    let Y_pred: tf.Tensor | tf.Variable = new tf.Variable(tf.randomNormal([1]), { name: 'bias' });
    const coeffs: tf.Variable[] = [Y_pred as tf.Variable];
    for (let pow_i = 1; pow_i < 5; pow_i++) {
      const W = new tf.Variable(tf.randomNormal([1]), { name: `weight_${pow_i}` });
      coeffs.push(W);
      Y_pred = tf.add(tf.multiply(tf.pow(X, pow_i), W), Y_pred);
    }
    expect(coeffs.map((v) => v.name)).toEqual(['bias:0', 'weight_1:0', 'weight_2:0', 'weight_3:0', 'weight_4:0']);

    const cost = tf.divide(tf.reduceSum(tf.pow(tf.subtract(Y_pred, Y), 2)), n_observations - 1);
    const learning_rate = 0.01;
    const optimizer = new tf.train.GradientDescentOptimizer(learning_rate).minimize(cost);

    const n_epochs = 6;
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    const init = ((await sess.run(coeffs)) as tf.NDArray[]).map((v) => v.data[0] as number);
    const cost0 = ((await sess.run(cost, [[X, xs], [Y, ys]])) as tf.NDArray).data[0] as number;
    let prev_training_cost = 0.0;
    let training_cost = cost0;
    let epochs = 0;
    for (let epoch_i = 0; epoch_i < n_epochs; epoch_i++) {
      for (let i = 0; i < n_observations; i++) await sess.run(optimizer, [[X, xs[i]!], [Y, ys[i]!]]);
      epochs++;
      training_cost = ((await sess.run(cost, [[X, xs], [Y, ys]])) as tf.NDArray).data[0] as number;
      if (epoch_i % 100 === 0) {
        expect(((await Y_pred.eval([[X, xs]], sess)) as tf.NDArray).shape).toEqual([n_observations]);
      }
      if (Math.abs(prev_training_cost - training_cost) < 0.000001) break;
      prev_training_cost = training_cost;
    }

    // the same SGD in float64
    const w = [...init];
    for (let e = 0; e < epochs; e++) {
      for (let i = 0; i < n_observations; i++) {
        const x = xs[i]!;
        const pred = w.reduce((a, wk, k) => a + wk * x ** k, 0);
        const r = (2 * (pred - ys[i]!)) / (n_observations - 1);
        for (let k = 0; k < 5; k++) w[k] = w[k]! - learning_rate * r * x ** k;
      }
    }
    const got = ((await sess.run(coeffs)) as tf.NDArray[]).map((v) => v.data[0] as number);
    got.forEach((g, k) => expect(g).toBeCloseTo(w[k]!, 3));
    const costOf = (c: number[]): number => xs.reduce((a, x, i) => a + (c.reduce((p, ck, k) => p + ck * x ** k, 0) - ys[i]!) ** 2, 0) / 99;
    expect(training_cost).toBeCloseTo(costOf(w), 3);
    expect(training_cost).toBeLessThan(cost0);
    expect(training_cost).toBeLessThan(1.0);
    await sess.close();
  });
});
