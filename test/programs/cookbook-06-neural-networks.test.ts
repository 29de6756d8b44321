/**
 * Ports of chapter 06_Neural_Networks of github.com/nfmcclure/tensorflow_cookbook (Nick McClure,
 * MIT licence), line by line in tsflow's conventions:
 *   02_Implementing_an_Operational_Gate/02_gates.py,
 *   04_Single_Hidden_Layer_Network/04_single_hidden_layer_network.py.
 *
 * Changes: numpy's draws come from a seeded generator (cookbook-libs.ts); iris is sklearn's
 * load_iris rebuilt from test/fixtures/datasets/iris; matplotlib's plots are dropped. Checks: the
 * gates' ten gradient-descent steps equal the same steps worked out here (d/da (a x - 50)^2 =
 * 2 x (a x - 50)); the network's test RMSE for petal width falls from its start to below 0.5
 * (petal width's spread on iris is 0.76; the original ends near 0.3 after 500 generations).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { loadIris, np, num } from './cookbook-libs.js';

describe('tensorflow_cookbook 06_Neural_Networks', () => {
  it('02_gates: a multiplication gate, then a nested gate, trained towards 50', async () => {
    tf.resetDefaultGraph();
    let sess = new tf.Session();
    let a = new tf.Variable(tf.constant(4));
    let x_val = 5;
    let x_data = tf.placeholder({ dtype: tf.float32 });
    const multiplication = tf.multiply(a, x_data);
    let loss = tf.square(tf.subtract(multiplication, 50));
    let init = tf.globalVariablesInitializer();
    await sess.run(init);
    let my_opt = new tf.train.GradientDescentOptimizer(0.01);
    let train_step = my_opt.minimize(loss);
    let aa = 4;
    for (let i = 0; i < 10; i++) {
      await sess.run(train_step, { feedDict: [[x_data, x_val]] });
      const a_val = num(await sess.run(a));
      const mult_output = num(await sess.run(multiplication, { feedDict: [[x_data, x_val]] }));
      aa -= 0.01 * 2 * x_val * (aa * x_val - 50);
      expect(a_val).toBeCloseTo(aa, 4);
      expect(mult_output).toBeCloseTo(aa * x_val, 3);
    }
    expect(aa * x_val).toBeCloseTo(50 - 30 * 0.5 ** 10, 6); // the error halves each step

    tf.resetDefaultGraph();
    sess = new tf.Session();
    a = new tf.Variable(tf.constant(1));
    const b = new tf.Variable(tf.constant(1));
    x_val = 5;
    x_data = tf.placeholder({ dtype: tf.float32 });
    const two_gate = tf.add(tf.multiply(a, x_data), b);
    loss = tf.square(tf.subtract(two_gate, 50));
    init = tf.globalVariablesInitializer();
    await sess.run(init);
    my_opt = new tf.train.GradientDescentOptimizer(0.01);
    train_step = my_opt.minimize(loss);
    let [av, bv] = [1, 1];
    for (let i = 0; i < 10; i++) {
      await sess.run(train_step, { feedDict: [[x_data, x_val]] });
      const [a_val, b_val] = [num(await sess.run(a)), num(await sess.run(b))];
      const two_gate_output = num(await sess.run(two_gate, { feedDict: [[x_data, x_val]] }));
      const r = 2 * (av * x_val + bv - 50);
      [av, bv] = [av - 0.01 * r * x_val, bv - 0.01 * r];
      expect(a_val).toBeCloseTo(av, 4);
      expect(b_val).toBeCloseTo(bv, 4);
      expect(two_gate_output).toBeCloseTo(av * x_val + bv, 3);
    }
    expect(av * x_val + bv).toBeCloseTo(50 - 44 * 0.48 ** 10, 6); // the error shrinks by 1 - 0.02 (x^2 + 1) a step
  });

  it('04_single_hidden_layer_network: petal width from the other three measurements', async () => {
    tf.resetDefaultGraph();
    const iris = loadIris();
    const x_vals = iris.data.map((x) => x.slice(0, 3));
    const y_vals = iris.data.map((x) => x[3]!);
    const sess = new tf.Session();
    const seed = 2;
    tf.setRandomSeed(seed);
    np.random.seed(seed);
    const train_indices = np.random.choice(x_vals.length, Math.round(x_vals.length * 0.8), false);
    const test_indices = Array.from({ length: x_vals.length }, (_, i) => i).filter((i) => !train_indices.includes(i));
    let x_vals_train = np.take(x_vals, train_indices);
    let x_vals_test = np.take(x_vals, test_indices);
    const y_vals_train = np.take(y_vals, train_indices);
    const y_vals_test = np.take(y_vals, test_indices);
    function normalize_cols(m: number[][]): number[][] {
      const col_max = m[0]!.map((_, k) => Math.max(...m.map((r) => r[k]!)));
      const col_min = m[0]!.map((_, k) => Math.min(...m.map((r) => r[k]!)));
      return m.map((r) => r.map((v, k) => (v - col_min[k]!) / (col_max[k]! - col_min[k]!)));
    }
    const nanToNum = (m: number[][]): number[][] => m.map((r) => r.map((v) => (Number.isFinite(v) ? v : 0)));
    x_vals_train = nanToNum(normalize_cols(x_vals_train));
    x_vals_test = nanToNum(normalize_cols(x_vals_test));
    const batch_size = 50;
    const x_data = tf.placeholder(tf.float32, { shape: [null, 3] });
    const y_target = tf.placeholder(tf.float32, { shape: [null, 1] });
    const hidden_layer_nodes = 10;
    const A1 = new tf.Variable(tf.randomNormal({ shape: [3, hidden_layer_nodes] })); // inputs -> hidden nodes
    const b1 = new tf.Variable(tf.randomNormal({ shape: [hidden_layer_nodes] })); // one biases for each hidden node
    const A2 = new tf.Variable(tf.randomNormal({ shape: [hidden_layer_nodes, 1] })); // hidden inputs -> 1 output
    const b2 = new tf.Variable(tf.randomNormal({ shape: [1] })); // 1 bias for the output
    const hidden_output = tf.nn.relu(tf.add(tf.matmul(x_data, A1), b1));
    const final_output = tf.nn.relu(tf.add(tf.matmul(hidden_output, A2), b2));
    const loss = tf.reduceMean(tf.square(tf.subtract(y_target, final_output)));
    const my_opt = new tf.train.GradientDescentOptimizer(0.005);
    const train_step = my_opt.minimize(loss);
    const init = tf.globalVariablesInitializer();
    await sess.run(init);
    const loss_vec: number[] = [];
    const test_loss: number[] = [];
    for (let i = 0; i < 500; i++) {
      const rand_index = np.random.choice(x_vals_train.length, batch_size);
      const rand_x = np.take(x_vals_train, rand_index);
      const rand_y = np.column(np.take(y_vals_train, rand_index));
      await sess.run(train_step, { feedDict: [[x_data, rand_x], [y_target, rand_y]] });
      const temp_loss = num(await sess.run(loss, { feedDict: [[x_data, rand_x], [y_target, rand_y]] }));
      loss_vec.push(Math.sqrt(temp_loss));
      const test_temp_loss = num(await sess.run(loss, { feedDict: [[x_data, x_vals_test], [y_target, np.column(y_vals_test)]] }));
      test_loss.push(Math.sqrt(test_temp_loss));
    }
    // the test loss op against the network evaluated here in float64 from its weights
    const [w1, c1, w2, c2] = (await sess.run([A1, b1, A2, b2])) as tf.NDArray[];
    const W1 = w1!.data as Float32Array;
    const W2 = w2!.data as Float32Array;
    const relu = (v: number): number => Math.max(0, v);
    const out = x_vals_test.map((x) => {
      let s = c2!.data[0] as number;
      for (let h = 0; h < hidden_layer_nodes; h++) s += W2[h]! * relu((c1!.data[h] as number) + x.reduce((t, v, k) => t + v * W1[k * hidden_layer_nodes + h]!, 0));
      return relu(s);
    });
    const rmse = Math.sqrt(out.reduce((t, o, i) => t + (o - y_vals_test[i]!) ** 2, 0) / out.length);
    expect(test_loss.at(-1)!).toBeCloseTo(rmse, 4);
    expect(test_loss.at(-1)!).toBeLessThan(test_loss[0]!);
    expect(test_loss.at(-1)!).toBeLessThan(0.5);
  });
});
