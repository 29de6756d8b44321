/**
 * Ports of chapter 04_Support_Vector_Machines of github.com/nfmcclure/tensorflow_cookbook (Nick
 * McClure, MIT licence), line by line in tsflow's conventions:
 *   02_Working_with_Linear_SVMs/02_linear_svm.py,
 *   04_Working_with_Kernels/04_svm_kernels.py (the Gaussian-kernel dual SVM on circles),
 *   06_Implementing_Multiclass_SVMs/06_multiclass_svm.py (one-vs-all kernel SVMs on iris).
 *
 * Changes: numpy's draws come from a seeded generator (cookbook-libs.ts) and the graphs get a
 * graph seed; iris is sklearn's load_iris rebuilt from test/fixtures/datasets/iris;
 * sklearn's `make_circles(n_samples, factor=.5, noise=.1)` is rebuilt here (two circles of
 * n_samples / 2 evenly spaced points, radii 1 and 0.5, plus N(0, 0.1) noise). The kernel SVM
 * trains 200 steps instead of 1000 on 150 points instead of 350 (its batch accuracy reaches
 * ~0.93 by then), fetching its loss every 10 steps, at rate 0.005 instead of 0.002 (the dual's
 * gradient grows with the number of points; 0.002 * 350 / 150), the prediction grids have a
 * step of 0.05 instead of 0.02 (CI time), and both kernel programs
 * fetch their accuracies every 10 steps instead of every step; the linear SVM fetches its
 * accuracies every 10 steps too. matplotlib's plots are dropped. Checks: the accuracy ops equal
 * accuracies recomputed here from the trained parameters; setosa is linearly separable in
 * (sepal length, petal width), so the linear SVM gets ≥ 95% right; the kernel SVMs' batch
 * accuracies end far above chance (0.5 and 1/3).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { arr, loadIris, np, num } from './cookbook-libs.js';

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/** `np.meshgrid(np.arange(x0, x1, s), np.arange(y0, y1, s))` flattened as np.c_[xx.ravel(), yy.ravel()]. */
function gridPoints(x0: number, x1: number, y0: number, y1: number, s: number): { points: number[][]; shape: [number, number] } {
  const xs = Array.from({ length: Math.ceil((x1 - x0) / s) }, (_, i) => x0 + i * s);
  const ys = Array.from({ length: Math.ceil((y1 - y0) / s) }, (_, i) => y0 + i * s);
  return { points: ys.flatMap((y) => xs.map((x) => [x, y])), shape: [ys.length, xs.length] };
}

describe('tensorflow_cookbook 04_Support_Vector_Machines', () => {
  it('02_linear_svm: setosa vs the rest from sepal length and petal width', async () => {
    tf.resetDefaultGraph();
    np.random.seed(7);
    tf.setRandomSeed(7);
    const sess = new tf.Session();
    const iris = loadIris();
    const x_vals = iris.data.map((x) => [x[0]!, x[3]!]);
    const y_vals = iris.target.map((y) => (y === 0 ? 1 : -1));
    const train_indices = np.random.choice(x_vals.length, Math.round(x_vals.length * 0.9), false);
    const test_indices = Array.from({ length: x_vals.length }, (_, i) => i).filter((i) => !train_indices.includes(i));
    const x_vals_train = np.take(x_vals, train_indices);
    const x_vals_test = np.take(x_vals, test_indices);
    const y_vals_train = np.take(y_vals, train_indices);
    const y_vals_test = np.take(y_vals, test_indices);
    const batch_size = 135;
    const x_data = tf.placeholder(tf.float32, { shape: [null, 2] });
    const y_target = tf.placeholder(tf.float32, { shape: [null, 1] });
    const A = new tf.Variable(tf.randomNormal({ shape: [2, 1] }));
    const b = new tf.Variable(tf.randomNormal({ shape: [1, 1] }));
    const model_output = tf.subtract(tf.matmul(x_data, A), b);
    const l2_norm = tf.reduceSum(tf.square(A));
    const alpha = tf.constant([0.01]);
    const classification_term = tf.reduceMean(tf.maximum(0, tf.subtract(1, tf.multiply(model_output, y_target))));
    const loss = tf.add(classification_term, tf.multiply(alpha, l2_norm));
    expect(loss.shape).toEqual([1]);
    const prediction = tf.sign(model_output);
    const accuracy = tf.reduceMean(tf.cast(tf.equal(prediction, y_target), tf.float32));
    const my_opt = new tf.train.GradientDescentOptimizer(0.01);
    const train_step = my_opt.minimize(loss);
    const init = tf.globalVariablesInitializer();
    await sess.run(init);
    const loss_vec: number[] = [];
    const train_accuracy: number[] = [];
    const test_accuracy: number[] = [];
    for (let i = 0; i < 500; i++) {
      const rand_index = np.random.choice(x_vals_train.length, batch_size);
      const rand_x = np.take(x_vals_train, rand_index);
      const rand_y = np.column(np.take(y_vals_train, rand_index));
      await sess.run(train_step, { feedDict: [[x_data, rand_x], [y_target, rand_y]] });
      loss_vec.push(num(await sess.run(loss, { feedDict: [[x_data, rand_x], [y_target, rand_y]] })));
      if ((i + 1) % 10 === 0) {
        train_accuracy.push(num(await sess.run(accuracy, { feedDict: [[x_data, x_vals_train], [y_target, np.column(y_vals_train)]] })));
        test_accuracy.push(num(await sess.run(accuracy, { feedDict: [[x_data, x_vals_test], [y_target, np.column(y_vals_test)]] })));
      }
    }
    const [[a1], [a2]] = ((await sess.run(A)) as tf.NDArray).toArray() as number[][];
    const [[bb]] = ((await sess.run(b)) as tf.NDArray).toArray() as number[][];
    const slope = -a2! / a1!;
    const y_intercept = bb! / a1!;
    const x1_vals = x_vals.map((d) => d[1]!);
    const best_fit = x1_vals.map((i) => slope * i + y_intercept);
    expect(best_fit.length).toBe(150);
    // the accuracy op, recomputed: sign(x A - b) against the label
    const acc = (xs: number[][], ys: number[]): number => mean(xs.map((x, i) => (Math.sign(x[0]! * a1! + x[1]! * a2! - bb!) === ys[i] ? 1 : 0)));
    expect(train_accuracy.at(-1)!).toBeCloseTo(acc(x_vals_train, y_vals_train), 5);
    expect(test_accuracy.at(-1)!).toBeCloseTo(acc(x_vals_test, y_vals_test), 5);
    expect(train_accuracy.at(-1)!).toBeGreaterThanOrEqual(0.95);
    expect(test_accuracy.at(-1)!).toBeGreaterThanOrEqual(0.9);
    expect(mean(loss_vec.slice(-20))).toBeLessThan(mean(loss_vec.slice(0, 20)));
  });

  it('04_svm_kernels: a Gaussian-kernel SVM separates two concentric circles', async () => {
    tf.resetDefaultGraph();
    np.random.seed(4);
    tf.setRandomSeed(4);
    const sess = new tf.Session();
    // sklearn.datasets.make_circles(n_samples=N, factor=.5, noise=.1), N = 150 here (350 there)
    const N = 150;
    const ang = Array.from({ length: N / 2 }, (_, i) => (2 * Math.PI * i) / (N / 2));
    let x_vals = [...ang.map((t) => [Math.cos(t), Math.sin(t)]), ...ang.map((t) => [0.5 * Math.cos(t), 0.5 * Math.sin(t)])];
    x_vals = x_vals.map(([u, v]) => [u! + np.random.normal(0, 0.1, 1)[0]!, v! + np.random.normal(0, 0.1, 1)[0]!]);
    let y_vals = [...np.repeat(0, N / 2), ...np.repeat(1, N / 2)];
    y_vals = y_vals.map((y) => (y === 1 ? 1 : -1));
    const batch_size = N;
    const x_data = tf.placeholder(tf.float32, { shape: [null, 2] });
    const y_target = tf.placeholder(tf.float32, { shape: [null, 1] });
    const prediction_grid = tf.placeholder(tf.float32, { shape: [null, 2] });
    const b = new tf.Variable(tf.randomNormal({ shape: [1, batch_size] }));
    const gamma = tf.constant(-50.0);
    let dist = tf.reduceSum(tf.square(x_data), 1);
    dist = tf.reshape(dist, [-1, 1]);
    const sq_dists = tf.add(tf.subtract(dist, tf.multiply(2, tf.matmul(x_data, tf.transpose(x_data)))), tf.transpose(dist));
    const my_kernel = tf.exp(tf.multiply(gamma, tf.abs(sq_dists)));
    const first_term = tf.reduceSum(b);
    const b_vec_cross = tf.matmul(tf.transpose(b), b);
    const y_target_cross = tf.matmul(y_target, tf.transpose(y_target));
    const second_term = tf.reduceSum(tf.multiply(my_kernel, tf.multiply(b_vec_cross, y_target_cross)));
    const loss = tf.negative(tf.subtract(first_term, second_term));
    const rA = tf.reshape(tf.reduceSum(tf.square(x_data), 1), [-1, 1]);
    const rB = tf.reshape(tf.reduceSum(tf.square(prediction_grid), 1), [-1, 1]);
    const pred_sq_dist = tf.add(tf.subtract(rA, tf.multiply(2, tf.matmul(x_data, tf.transpose(prediction_grid)))), tf.transpose(rB));
    const pred_kernel = tf.exp(tf.multiply(gamma, tf.abs(pred_sq_dist)));
    const prediction_output = tf.matmul(tf.multiply(tf.transpose(y_target), b), pred_kernel);
    const prediction = tf.sign(tf.subtract(prediction_output, tf.reduceMean(prediction_output)));
    const accuracy = tf.reduceMean(tf.cast(tf.equal(tf.squeeze(prediction), tf.squeeze(y_target)), tf.float32));
    // 0.002 there for 350 points; the dual's gradient grows with the batch, so 0.002 * 350 / 150
    const my_opt = new tf.train.GradientDescentOptimizer(0.005);
    const train_step = my_opt.minimize(loss);
    const init = tf.globalVariablesInitializer();
    await sess.run(init);
    const loss_vec: number[] = [];
    const batch_accuracy: number[] = [];
    let rand_x: number[][] = [];
    let rand_y: number[][] = [];
    for (let i = 0; i < 200; i++) {
      const rand_index = np.random.choice(x_vals.length, batch_size);
      rand_x = np.take(x_vals, rand_index);
      rand_y = np.column(np.take(y_vals, rand_index));
      await sess.run(train_step, { feedDict: [[x_data, rand_x], [y_target, rand_y]] });
      if ((i + 1) % 10 === 0) {
        loss_vec.push(num(await sess.run(loss, { feedDict: [[x_data, rand_x], [y_target, rand_y]] })));
        batch_accuracy.push(num(await sess.run(accuracy, { feedDict: [[x_data, rand_x], [y_target, rand_y], [prediction_grid, rand_x]] })));
      }
    }
    // the accuracy, recomputed in float64 from b and the last batch
    const bv = arr(await sess.run(b));
    const out = rand_x.map((p) => rand_x.reduce((s, q, j) => s + rand_y[j]![0]! * bv[j]! * Math.exp(-50 * ((p[0]! - q[0]!) ** 2 + (p[1]! - q[1]!) ** 2)), 0));
    const m = mean(out);
    const accHere = mean(out.map((o, i) => (Math.sign(o - m) === rand_y[i]![0] ? 1 : 0)));
    expect(batch_accuracy.at(-1)!).toBeCloseTo(accHere, 2);
    expect(batch_accuracy.at(-1)!).toBeGreaterThan(0.85);
    expect(loss_vec.at(-1)!).toBeLessThan(loss_vec[0]!);

    const xs0 = x_vals.map((x) => x[0]!);
    const xs1 = x_vals.map((x) => x[1]!);
    const { points: grid_points, shape } = gridPoints(Math.min(...xs0) - 1, Math.max(...xs0) + 1, Math.min(...xs1) - 1, Math.max(...xs1) + 1, 0.05);
    const [grid_predictions] = ((await sess.run(prediction, { feedDict: [[x_data, rand_x], [y_target, rand_y], [prediction_grid, grid_points]] })) as tf.NDArray).toArray() as number[][];
    expect(grid_predictions!.length).toBe(shape[0] * shape[1]);
    // grid points on the inner circle (class 1) and on the outer one (class -1)
    const nearestTo = (u: number, v: number): number => grid_points.reduce((k, p, i) => (Math.hypot(p[0]! - u, p[1]! - v) < Math.hypot(grid_points[k]![0]! - u, grid_points[k]![1]! - v) ? i : k), 0);
    expect([nearestTo(0.5, 0), nearestTo(0, -0.5)].map((k) => grid_predictions![k])).toEqual([1, 1]);
    expect([nearestTo(1, 0), nearestTo(0, -1)].map((k) => grid_predictions![k])).toEqual([-1, -1]);
    const new_points = [[-0.75, -0.75], [-0.5, -0.5], [-0.25, -0.25], [0.25, 0.25], [0.5, 0.5], [0.75, 0.75]];
    const [evaluations] = ((await sess.run(prediction, { feedDict: [[x_data, x_vals], [y_target, np.column(y_vals)], [prediction_grid, new_points]] })) as tf.NDArray).toArray() as number[][];
    expect(evaluations!.length).toBe(6);
    expect(evaluations!.every((e) => e === 1 || e === -1)).toBe(true);
  });

  it('06_multiclass_svm: one-vs-all Gaussian-kernel SVMs on iris', async () => {
    tf.resetDefaultGraph();
    np.random.seed(6);
    tf.setRandomSeed(6);
    const sess = new tf.Session();
    const iris = loadIris();
    const x_vals = iris.data.map((x) => [x[0]!, x[3]!]);
    const y_vals1 = iris.target.map((y) => (y === 0 ? 1 : -1));
    const y_vals2 = iris.target.map((y) => (y === 1 ? 1 : -1));
    const y_vals3 = iris.target.map((y) => (y === 2 ? 1 : -1));
    const y_vals = [y_vals1, y_vals2, y_vals3];
    const batch_size = 50;
    const x_data = tf.placeholder(tf.float32, { shape: [null, 2] });
    const y_target = tf.placeholder(tf.float32, { shape: [3, null] });
    const prediction_grid = tf.placeholder(tf.float32, { shape: [null, 2] });
    const b = new tf.Variable(tf.randomNormal({ shape: [3, batch_size] }));
    const gamma = tf.constant(-10.0);
    let dist = tf.reduceSum(tf.square(x_data), 1);
    dist = tf.reshape(dist, [-1, 1]);
    const sq_dists = tf.multiply(2, tf.matmul(x_data, tf.transpose(x_data)));
    const my_kernel = tf.exp(tf.multiply(gamma, tf.abs(sq_dists)));
    function reshape_matmul(mat: tf.Tensor, _size: number): tf.Tensor {
      const v1 = tf.expandDims(mat, 1);
      const v2 = tf.reshape(v1, [3, _size, 1]);
      return tf.matmul(v2, v1);
    }
    const first_term = tf.reduceSum(b);
    const b_vec_cross = tf.matmul(tf.transpose(b), b);
    const y_target_cross = reshape_matmul(y_target, batch_size);
    expect(y_target_cross.shape).toEqual([3, batch_size, null]); // as TF: the last dim comes from y_target's None
    const second_term = tf.reduceSum(tf.multiply(my_kernel, tf.multiply(b_vec_cross, y_target_cross)), [1, 2]);
    const loss = tf.reduceSum(tf.negative(tf.subtract(first_term, second_term)));
    const rA = tf.reshape(tf.reduceSum(tf.square(x_data), 1), [-1, 1]);
    const rB = tf.reshape(tf.reduceSum(tf.square(prediction_grid), 1), [-1, 1]);
    const pred_sq_dist = tf.add(tf.subtract(rA, tf.multiply(2, tf.matmul(x_data, tf.transpose(prediction_grid)))), tf.transpose(rB));
    const pred_kernel = tf.exp(tf.multiply(gamma, tf.abs(pred_sq_dist)));
    const prediction_output = tf.matmul(tf.multiply(y_target, b), pred_kernel);
    const prediction = tf.argmax(tf.subtract(prediction_output, tf.expandDims(tf.reduceMean(prediction_output, 1), 1)), 0);
    const accuracy = tf.reduceMean(tf.cast(tf.equal(prediction, tf.argmax(y_target, 0)), tf.float32));
    const my_opt = new tf.train.GradientDescentOptimizer(0.01);
    const train_step = my_opt.minimize(loss);
    const init = tf.globalVariablesInitializer();
    await sess.run(init);
    const loss_vec: number[] = [];
    const batch_accuracy: number[] = [];
    let rand_x: number[][] = [];
    let rand_y: number[][] = [];
    for (let i = 0; i < 100; i++) {
      const rand_index = np.random.choice(x_vals.length, batch_size);
      rand_x = np.take(x_vals, rand_index);
      rand_y = y_vals.map((row) => np.take(row, rand_index)); // y_vals[:, rand_index]
      await sess.run(train_step, { feedDict: [[x_data, rand_x], [y_target, rand_y]] });
      loss_vec.push(num(await sess.run(loss, { feedDict: [[x_data, rand_x], [y_target, rand_y]] })));
      if ((i + 1) % 10 === 0) {
        batch_accuracy.push(num(await sess.run(accuracy, { feedDict: [[x_data, rand_x], [y_target, rand_y], [prediction_grid, rand_x]] })));
      }
    }
    // recomputed in float64 from b and the last batch: per class, sum_j y b K, minus its mean
    const bv = arr(await sess.run(b));
    const K = (p: number[], q: number[]): number => Math.exp(-10 * ((p[0]! - q[0]!) ** 2 + (p[1]! - q[1]!) ** 2));
    const outs = [0, 1, 2].map((c) => rand_x.map((p) => rand_x.reduce((s, q, j) => s + rand_y[c]![j]! * bv[c * batch_size + j]! * K(q, p), 0)));
    const centred = outs.map((o) => o.map((v) => v - mean(o)));
    const pred = rand_x.map((_, i) => [0, 1, 2].reduce((best, c) => (centred[c]![i]! > centred[best]![i]! ? c : best), 0));
    const truth = rand_x.map((_, i) => [0, 1, 2].find((c) => rand_y[c]![i] === 1)!);
    expect(batch_accuracy.at(-1)!).toBeCloseTo(mean(pred.map((p, i) => (p === truth[i] ? 1 : 0))), 1);
    expect(batch_accuracy.at(-1)!).toBeGreaterThan(0.8);
    expect(loss_vec.at(-1)!).toBeLessThan(loss_vec[0]!);

    const xs0 = x_vals.map((x) => x[0]!);
    const xs1 = x_vals.map((x) => x[1]!);
    const { points: grid_points, shape } = gridPoints(Math.min(...xs0) - 1, Math.max(...xs0) + 1, Math.min(...xs1) - 1, Math.max(...xs1) + 1, 0.05);
    const grid_predictions = (await sess.run(prediction, { feedDict: [[x_data, rand_x], [y_target, rand_y], [prediction_grid, grid_points]] })) as tf.NDArray;
    expect(grid_predictions.dtype).toBe('int64');
    expect(grid_predictions.shape).toEqual([shape[0] * shape[1]]);
    expect(new Set(arr(grid_predictions))).toEqual(new Set([0, 1, 2]));
  });
});
