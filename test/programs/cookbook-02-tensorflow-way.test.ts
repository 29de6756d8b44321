/**
 * Ports of chapter 02_TensorFlow_Way of github.com/nfmcclure/tensorflow_cookbook (Nick McClure,
 * MIT licence), line by line in tsflow's conventions:
 *   02_Layering_Nested_Operations/02_layering_nested_operations.py,
 *   03_Working_with_Multiple_Layers/03_multiple_layers.py,
 *   04_Implementing_Loss_Functions/04_loss_functions.py,
 *   05_Implementing_Back_Propagation/05_back_propagation.py,
 *   06_Working_with_Batch_and_Stochastic_Training/06_batch_stochastic_training.py,
 *   07_Combining_Everything_Together/07_combining_everything_together.py,
 *   08_Evaluating_Models/08_evaluating_models.py.
 *
 * Changes: numpy's unseeded draws come from a seeded generator (cookbook-libs.ts) and the graphs
 * get a graph seed; iris is sklearn's load_iris rebuilt from test/fixtures/datasets/iris; the
 * summary writers write to a temporary folder; matplotlib's plots are dropped. The printed values
 * are checked: the layered products and losses against numpy / the formulas, the trained models
 * against what each problem's data implies (A of x*A = 10 for x ~ N(1, 0.1) tends to ~10; the
 * midpoint of N(-1,1) and N(3,1) is 1, so -A tends to ~1; setosa is linearly separable by petal
 * length against width), with step counts as in the originals (all runs take well under 5 s).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { arr, loadIris, np, num } from './cookbook-libs.js';

const logdir = mkdtempSync(join(tmpdir(), 'cookbook-02-'));
afterAll(() => rmSync(logdir, { recursive: true, force: true }));

describe('tensorflow_cookbook 02_TensorFlow_Way', () => {
  it('02_layering_nested_operations: (x m1) m2 + a1 for two fed matrices', async () => {
    tf.resetDefaultGraph();
    const sess = new tf.Session();
    const my_array = [[1, 3, 5, 7, 9], [-2, 0, 2, 4, 6], [-6, -3, 0, 3, 6]];
    const x_vals = [my_array, my_array.map((r) => r.map((v) => v + 1))];
    const x_data = tf.placeholder(tf.float32, { shape: [3, 5] });
    const m1 = tf.constant([[1], [0], [-1], [2], [4]]);
    const m2 = tf.constant([[2]]);
    const a1 = tf.constant([[10]]);
    const prod1 = tf.matmul(x_data, m1);
    const prod2 = tf.matmul(prod1, m2);
    const add1 = tf.add(prod2, a1);
    const outs: number[][] = [];
    for (const x_val of x_vals) outs.push(arr(await sess.run(add1, { feedDict: [[x_data, x_val]] })));
    expect(outs).toEqual([[102, 66, 58], [114, 78, 70]]); // numpy
    const merged = tf.summary.mergeAll();
    expect(merged).toBeNull();
    const my_writer = new tf.summary.FileWriter(logdir, sess.graph);
    my_writer.close();
    expect(readdirSync(logdir).length).toBeGreaterThan(0);
  });

  it('03_multiple_layers: a moving-average conv2d, then a custom layer in a name scope', async () => {
    tf.resetDefaultGraph();
    const sess = new tf.Session();
    np.random.seed(3);
    const x_shape = [1, 4, 4, 1];
    const x_val = new tf.NDArray(Float32Array.from(np.random.uniform(0, 1, 16)), x_shape);
    const x_data = tf.placeholder(tf.float32, { shape: x_shape });
    const my_filter = tf.constant(0.25, { shape: [2, 2, 1, 1] });
    const my_strides = [1, 2, 2, 1];
    const mov_avg_layer = tf.nn.conv2d(x_data, my_filter, my_strides, { padding: 'SAME', name: 'Moving_Avg_Window' });
    function custom_layer(input_matrix: tf.Tensor): tf.Tensor {
      const input_matrix_sqeezed = tf.squeeze(input_matrix);
      const A = tf.constant([[1, 2], [-1, 3]]);
      const b = tf.constant(1, { shape: [2, 2] });
      const temp1 = tf.matmul(A, input_matrix_sqeezed);
      const temp = tf.add(temp1, b); // Ax + b
      return tf.sigmoid(temp);
    }
    const custom_layer1 = tf.nameScope('Custom_Layer', () => custom_layer(mov_avg_layer));
    expect(custom_layer1.name).toBe('Custom_Layer/Sigmoid:0');
    expect(mov_avg_layer.name).toBe('Moving_Avg_Window:0');
    const avg = (await sess.run(mov_avg_layer, { feedDict: [[x_data, x_val]] })) as tf.NDArray;
    expect(avg.shape).toEqual([1, 2, 2, 1]);
    // by hand: the mean of each 2x2 block, then sigmoid(A avg + 1)
    const x = Array.from(x_val.data as Float32Array);
    const want = [0, 1].flatMap((i) => [0, 1].map((j) => (x[8 * i + 2 * j]! + x[8 * i + 2 * j + 1]! + x[8 * i + 2 * j + 4]! + x[8 * i + 2 * j + 5]!) / 4));
    arr(avg).forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 6));
    const Am = [[1, 2], [-1, 3]];
    const layer = arr(await sess.run(custom_layer1, { feedDict: [[x_data, x_val]] }));
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const t = Am[i]![0]! * want[j]! + Am[i]![1]! * want[2 + j]! + 1;
        expect(layer[2 * i + j]).toBeCloseTo(1 / (1 + Math.exp(-t)), 6);
      }
    }
  });

  it('04_loss_functions: L2, L1, pseudo-Huber, hinge, cross entropies', async () => {
    tf.resetDefaultGraph();
    const sess = new tf.Session();
    let x_vals = tf.linspace(-1, 1, 500);
    let target = tf.constant(0);
    const l2_y_vals = tf.square(tf.subtract(target, x_vals));
    const l2_y_out = arr(await sess.run(l2_y_vals));
    const l1_y_vals = tf.abs(tf.subtract(target, x_vals));
    const l1_y_out = arr(await sess.run(l1_y_vals));
    const delta1 = tf.constant(0.25);
    const phuber1_y_vals = tf.multiply(tf.square(delta1), tf.subtract(tf.sqrt(tf.add(1, tf.square(tf.divide(tf.subtract(target, x_vals), delta1)))), 1));
    const phuber1_y_out = arr(await sess.run(phuber1_y_vals));
    const delta2 = tf.constant(5);
    const phuber2_y_vals = tf.multiply(tf.square(delta2), tf.subtract(tf.sqrt(tf.add(1, tf.square(tf.divide(tf.subtract(target, x_vals), delta2)))), 1));
    const phuber2_y_out = arr(await sess.run(phuber2_y_vals));
    let x_array = arr(await sess.run(x_vals));
    expect(x_array.length).toBe(500);
    x_array.forEach((x, i) => {
      expect(x).toBeCloseTo(-1 + (2 * i) / 499, 6);
      expect(l2_y_out[i]).toBeCloseTo(x * x, 6);
      expect(l1_y_out[i]).toBeCloseTo(Math.abs(x), 6);
      expect(phuber1_y_out[i]).toBeCloseTo(0.0625 * (Math.sqrt(1 + (x / 0.25) ** 2) - 1), 6);
      expect(phuber2_y_out[i]).toBeCloseTo(25 * (Math.sqrt(1 + (x / 5) ** 2) - 1), 5);
    });

    x_vals = tf.linspace(-3, 5, 500);
    target = tf.constant(1);
    const targets = tf.fill([500], 1);
    const hinge_y_vals = tf.maximum(0, tf.subtract(1, tf.multiply(target, x_vals)));
    const hinge_y_out = arr(await sess.run(hinge_y_vals));
    const xentropy_y_vals = tf.subtract(tf.negative(tf.multiply(target, tf.log(x_vals))), tf.multiply(tf.subtract(1, target), tf.log(tf.subtract(1, x_vals))));
    const xentropy_y_out = arr(await sess.run(xentropy_y_vals));
    const x_val_input = tf.expandDims(x_vals, 1);
    const target_input = tf.expandDims(targets, 1);
    const xentropy_sigmoid_y_vals = tf.nn.sigmoidCrossEntropyWithLogits({ logits: x_val_input, labels: target_input });
    const xentropy_sigmoid_y_out = (await sess.run(xentropy_sigmoid_y_vals)) as tf.NDArray;
    expect(xentropy_sigmoid_y_out.shape).toEqual([500, 1]);
    const weight = tf.constant(0.5);
    const xentropy_weighted_y_vals = tf.nn.weightedCrossEntropyWithLogits({ logits: x_vals, targets, posWeight: weight });
    const xentropy_weighted_y_out = arr(await sess.run(xentropy_weighted_y_vals));
    x_array = arr(await sess.run(x_vals));
    x_array.forEach((x, i) => {
      expect(hinge_y_out[i]).toBeCloseTo(Math.max(0, 1 - x), 6);
      // -log(x) - 0 * log(1 - x): NaN where x <= 0 (log of a negative) and where x > 1 (0 * NaN)
      if (x <= 0 || x > 1) expect(xentropy_y_out[i]).toBeNaN();
      else expect(xentropy_y_out[i]).toBeCloseTo(-Math.log(x), 5);
      const sp = Math.log1p(Math.exp(-x)); // -log(sigmoid(x))
      expect(xentropy_sigmoid_y_out.data[i]).toBeCloseTo(sp, 5);
      expect(xentropy_weighted_y_out[i]).toBeCloseTo(0.5 * sp, 5);
    });

    let unscaled_logits = tf.constant([[1, -3, 10]]);
    const target_dist = tf.constant([[0.1, 0.02, 0.88]]);
    const softmax_xentropy = tf.nn.softmaxCrossEntropyWithLogitsV2({ logits: unscaled_logits, labels: target_dist });
    expect(num(await sess.run(softmax_xentropy))).toBeCloseTo(1.1601256622376646, 5); // numpy
    unscaled_logits = tf.constant([[1, -3, 10]]);
    const sparse_target_dist = tf.constant([2], tf.int32);
    const sparse_xentropy = tf.nn.sparseSoftmaxCrossEntropyWithLogits({ logits: unscaled_logits, labels: sparse_target_dist });
    expect(num(await sess.run(sparse_xentropy))).toBeCloseTo(0.00012566223766441453, 6); // numpy
  });

  it('05_back_propagation: a regression x*A = 10 and a classification sigmoid(x + A)', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(5);
    np.random.seed(5);
    let sess = new tf.Session();
    let x_vals = np.random.normal(1, 0.1, 100);
    let y_vals = np.repeat(10, 100);
    let x_data = tf.placeholder(tf.float32, { shape: [1] });
    let y_target = tf.placeholder(tf.float32, { shape: [1] });
    let A = new tf.Variable(tf.randomNormal({ shape: [1] }));
    let my_output = tf.multiply(x_data, A);
    const loss = tf.square(tf.subtract(my_output, y_target));
    let my_opt = new tf.train.GradientDescentOptimizer(0.02);
    let train_step = my_opt.minimize(loss);
    let init = tf.globalVariablesInitializer();
    await sess.run(init);
    const losses: number[] = [];
    for (let i = 0; i < 100; i++) {
      const rand_index = np.random.choice1(100);
      const rand_x = [x_vals[rand_index]!];
      const rand_y = [y_vals[rand_index]!];
      await sess.run(train_step, { feedDict: [[x_data, rand_x], [y_target, rand_y]] });
      if ((i + 1) % 25 === 0) {
        losses.push(num(await sess.run(loss, { feedDict: [[x_data, rand_x], [y_target, rand_y]] })));
      }
    }
    // A ends near 10 / mean(x) ~ 10 (the per-example optimum is 10 / x, x within ~0.3 of 1)
    expect(Math.abs(num(await sess.run(A)) - 10)).toBeLessThan(1.5);
    expect(losses.at(-1)!).toBeLessThan(5);

    tf.resetDefaultGraph();
    sess = new tf.Session();
    x_vals = [...np.random.normal(-1, 1, 50), ...np.random.normal(3, 1, 50)];
    y_vals = [...np.repeat(0, 50), ...np.repeat(1, 50)];
    x_data = tf.placeholder(tf.float32, { shape: [1] });
    y_target = tf.placeholder(tf.float32, { shape: [1] });
    A = new tf.Variable(tf.randomNormal({ mean: 10, shape: [1] }));
    my_output = tf.add(x_data, A);
    const my_output_expanded = tf.expandDims(my_output, 0);
    const y_target_expanded = tf.expandDims(y_target, 0);
    init = tf.globalVariablesInitializer();
    await sess.run(init);
    const xentropy = tf.nn.sigmoidCrossEntropyWithLogits({ logits: my_output_expanded, labels: y_target_expanded });
    my_opt = new tf.train.GradientDescentOptimizer(0.05);
    train_step = my_opt.minimize(xentropy);
    for (let i = 0; i < 1400; i++) {
      const rand_index = np.random.choice1(100);
      await sess.run(train_step, { feedDict: [[x_data, [x_vals[rand_index]!]], [y_target, [y_vals[rand_index]!]]] });
    }
    // the classes' midpoint is 1, so the boundary x = -A ends near 1
    expect(Math.abs(-num(await sess.run(A)) - 1)).toBeLessThan(1);
    const predictions: number[] = [];
    for (let i = 0; i < x_vals.length; i++) {
      const x_val = [x_vals[i]!];
      const prediction = arr(await sess.run(tf.round(tf.sigmoid(my_output)), { feedDict: [[x_data, x_val]] }));
      predictions.push(prediction[0]!);
    }
    const accuracy = predictions.filter((x, i) => x === y_vals[i]).length / 100;
    // two unit normals 4 apart: the Bayes accuracy is Phi(2) = 0.977
    expect(accuracy).toBeGreaterThan(0.9);
  });

  it('06_batch_stochastic_training: batch training of x*A = 10 lowers the loss', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(6);
    np.random.seed(6);
    const sess = new tf.Session();
    const batch_size = 20;
    const x_vals = np.random.normal(1, 0.1, 100);
    const y_vals = np.repeat(10, 100);
    const x_data = tf.placeholder(tf.float32, { shape: [null, 1] });
    const y_target = tf.placeholder(tf.float32, { shape: [null, 1] });
    const A = new tf.Variable(tf.randomNormal({ shape: [1, 1] }));
    const my_output = tf.matmul(x_data, A);
    const loss = tf.reduceMean(tf.square(tf.subtract(my_output, y_target)));
    const my_opt = new tf.train.GradientDescentOptimizer(0.02);
    const train_step = my_opt.minimize(loss);
    const init = tf.globalVariablesInitializer();
    await sess.run(init);
    const a0 = num(await sess.run(A));
    const loss_batch: number[] = [];
    for (let i = 0; i < 100; i++) {
      const rand_index = np.random.choice(100, batch_size);
      const rand_x = np.column(np.take(x_vals, rand_index));
      const rand_y = np.column(np.take(y_vals, rand_index));
      await sess.run(train_step, { feedDict: [[x_data, rand_x], [y_target, rand_y]] });
      if ((i + 1) % 5 === 0) loss_batch.push(num(await sess.run(loss, { feedDict: [[x_data, rand_x], [y_target, rand_y]] })));
    }
    // gradient descent on mean((xA - 10)^2) with x ~ 1: A - 10 shrinks by ~(1 - 0.04) a step,
    // so after 100 steps it is about 0.96^100 = 1.7% of where it started
    const a = num(await sess.run(A));
    expect(Math.abs(a - 10)).toBeLessThan(0.05 * Math.abs(a0 - 10) + 0.3);
    expect(loss_batch.length).toBe(20);
    expect(loss_batch.at(-1)!).toBeLessThan(loss_batch[0]!);
  });

  it('07_combining_everything_together: a setosa / non-setosa line in petal space', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(7);
    np.random.seed(7);
    const iris = loadIris();
    const binary_target = iris.target.map((x) => (x === 0 ? 1 : 0));
    const iris_2d = iris.data.map((x) => [x[2]!, x[3]!]);
    const batch_size = 20;
    const sess = new tf.Session();
    const x1_data = tf.placeholder(tf.float32, { shape: [null, 1] });
    const x2_data = tf.placeholder(tf.float32, { shape: [null, 1] });
    const y_target = tf.placeholder(tf.float32, { shape: [null, 1] });
    const A = new tf.Variable(tf.randomNormal({ shape: [1, 1] }));
    const b = new tf.Variable(tf.randomNormal({ shape: [1, 1] }));
    const my_mult = tf.matmul(x2_data, A);
    const my_add = tf.add(my_mult, b);
    const my_output = tf.subtract(x1_data, my_add);
    const xentropy = tf.nn.sigmoidCrossEntropyWithLogits({ logits: my_output, labels: y_target });
    const my_opt = new tf.train.GradientDescentOptimizer(0.05);
    const train_step = my_opt.minimize(xentropy);
    const init = tf.globalVariablesInitializer();
    await sess.run(init);
    for (let i = 0; i < 1000; i++) {
      const rand_index = np.random.choice(iris_2d.length, batch_size);
      const rand_x = np.take(iris_2d, rand_index);
      const rand_x1 = rand_x.map((x) => [x[0]!]);
      const rand_x2 = rand_x.map((x) => [x[1]!]);
      const rand_y = np.take(binary_target, rand_index).map((y) => [y]);
      await sess.run(train_step, { feedDict: [[x1_data, rand_x1], [x2_data, rand_x2], [y_target, rand_y]] });
    }
    const [[slope]] = ((await sess.run(A)) as tf.NDArray).toArray() as number[][];
    const [[intercept]] = ((await sess.run(b)) as tf.NDArray).toArray() as number[][];
    // the model says setosa where its logit x1 - (A x2 + b) > 0; count the flowers it gets wrong
    const wrong = iris_2d.filter(([x1, x2], i) => (x1! - (slope! * x2! + intercept!) > 0 ? 1 : 0) !== binary_target[i]).length;
    expect(wrong).toBeLessThan(150 * 0.05);
    const x = np.linspace(0, 3, 50);
    const ablineValues = x.map((i) => slope! * i + intercept!);
    expect(ablineValues.length).toBe(50);
  });

  it('08_evaluating_models: train/test MSE of a regression and accuracy of a classifier', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(8);
    np.random.seed(8);
    let sess = new tf.Session();
    const batch_size = 25;
    let x_vals = np.random.normal(1, 0.1, 100);
    let y_vals = np.repeat(10, 100);
    let x_data = tf.placeholder(tf.float32, { shape: [null, 1] });
    let y_target = tf.placeholder(tf.float32, { shape: [null, 1] });
    let train_indices = np.random.choice(x_vals.length, Math.round(x_vals.length * 0.8), false);
    let test_indices = Array.from({ length: x_vals.length }, (_, i) => i).filter((i) => !train_indices.includes(i));
    let x_vals_train = np.take(x_vals, train_indices);
    let x_vals_test = np.take(x_vals, test_indices);
    let y_vals_train = np.take(y_vals, train_indices);
    let y_vals_test = np.take(y_vals, test_indices);
    let A = new tf.Variable(tf.randomNormal({ shape: [1, 1] }));
    const my_output = tf.matmul(x_data, A);
    const loss = tf.reduceMean(tf.square(tf.subtract(my_output, y_target)));
    let my_opt = new tf.train.GradientDescentOptimizer(0.02);
    let train_step = my_opt.minimize(loss);
    let init = tf.globalVariablesInitializer();
    await sess.run(init);
    for (let i = 0; i < 100; i++) {
      const rand_index = np.random.choice(x_vals_train.length, batch_size);
      const rand_x = np.column(np.take(x_vals_train, rand_index));
      const rand_y = np.column(np.take(y_vals_train, rand_index));
      await sess.run(train_step, { feedDict: [[x_data, rand_x], [y_target, rand_y]] });
    }
    const mse_test = num(await sess.run(loss, { feedDict: [[x_data, np.column(x_vals_test)], [y_target, np.column(y_vals_test)]] }));
    const mse_train = num(await sess.run(loss, { feedDict: [[x_data, np.column(x_vals_train)], [y_target, np.column(y_vals_train)]] }));
    // the MSE of the fitted A, recomputed here from A
    const a = num(await sess.run(A));
    const mse = (xs: number[]): number => xs.reduce((s, x) => s + (x * a - 10) ** 2, 0) / xs.length;
    expect(mse_test).toBeCloseTo(mse(x_vals_test), 3);
    expect(mse_train).toBeCloseTo(mse(x_vals_train), 3);
    expect(test_indices.length).toBe(20);
    // x ~ N(1, 0.1) alone leaves an MSE of about 100 * 0.01 = 1 at A = 10
    expect(mse_train).toBeLessThan(3);

    tf.resetDefaultGraph();
    sess = new tf.Session();
    x_vals = [...np.random.normal(-1, 1, 50), ...np.random.normal(2, 1, 50)];
    y_vals = [...np.repeat(0, 50), ...np.repeat(1, 50)];
    x_data = tf.placeholder(tf.float32, { shape: [1, null] });
    y_target = tf.placeholder(tf.float32, { shape: [1, null] });
    train_indices = np.random.choice(x_vals.length, Math.round(x_vals.length * 0.8), false);
    test_indices = Array.from({ length: x_vals.length }, (_, i) => i).filter((i) => !train_indices.includes(i));
    x_vals_train = np.take(x_vals, train_indices);
    x_vals_test = np.take(x_vals, test_indices);
    y_vals_train = np.take(y_vals, train_indices);
    y_vals_test = np.take(y_vals, test_indices);
    A = new tf.Variable(tf.randomNormal({ mean: 10, shape: [1] }));
    const my_output2 = tf.add(x_data, A);
    const xentropy = tf.reduceMean(tf.nn.sigmoidCrossEntropyWithLogits({ logits: my_output2, labels: y_target }));
    my_opt = new tf.train.GradientDescentOptimizer(0.05);
    train_step = my_opt.minimize(xentropy);
    init = tf.globalVariablesInitializer();
    await sess.run(init);
    for (let i = 0; i < 1800; i++) {
      const rand_index = np.random.choice(x_vals_train.length, batch_size);
      const rand_x = [np.take(x_vals_train, rand_index)];
      const rand_y = [np.take(y_vals_train, rand_index)];
      await sess.run(train_step, { feedDict: [[x_data, rand_x], [y_target, rand_y]] });
    }
    const y_prediction = tf.squeeze(tf.round(tf.nn.sigmoid(tf.add(x_data, A))));
    const correct_prediction = tf.equal(y_prediction, y_target);
    const accuracy = tf.reduceMean(tf.cast(correct_prediction, tf.float32));
    const acc_value_test = num(await sess.run(accuracy, { feedDict: [[x_data, [x_vals_test]], [y_target, [y_vals_test]]] }));
    const acc_value_train = num(await sess.run(accuracy, { feedDict: [[x_data, [x_vals_train]], [y_target, [y_vals_train]]] }));
    // recomputed from A: predict 1 where x + A > 0
    const A_result = -num(await sess.run(A));
    const acc = (xs: number[], ys: number[]): number => xs.filter((x, i) => (x > A_result ? 1 : 0) === ys[i]).length / xs.length;
    expect(acc_value_train).toBeCloseTo(acc(x_vals_train, y_vals_train), 5);
    expect(acc_value_test).toBeCloseTo(acc(x_vals_test, y_vals_test), 5);
    // unit normals 3 apart: the best boundary (0.5) classifies Phi(1.5) = 93% right
    expect(acc_value_train).toBeGreaterThan(0.85);
    expect(Math.abs(A_result - 0.5)).toBeLessThan(1);
  });
});
