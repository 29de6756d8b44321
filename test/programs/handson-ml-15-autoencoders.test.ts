/**
 * Port of 15_autoencoders.ipynb from github.com/ageron/handson-ml (Aurélien Géron, Apache License
 * 2.0), cells 11–36, 49–54 and 69–98 (the separate-graph train_autoencoder helper of cells 41–46
 * and the pretraining classifier of cells 58–65 are left out): a linear autoencoder doing PCA on 3-D data; a stacked autoencoder (dense
 * layers through functools.partial, He init, kernel_regularizer l2 + REGULARIZATION_LOSSES);
 * tied weights (tf.transpose of a variable); training one autoencoder at a time in one graph
 * (phase name scopes, minimize's var_list freezing hidden1); denoising with Gaussian noise and with
 * tf.layers.dropout under a training placeholder_with_default; a sparse autoencoder (the KL
 * divergence of the batch-mean activations); the variational autoencoder (the γ = log σ² form),
 * generating digits by feeding the codings, line by line in tsflow's conventions.
 *
 * Changes: np.random is a seeded generator (handson-ml-libs Rng); MNIST comes from
 * examples/tf1/input-data.ts's offline data, cut to 300 training and 100 test digits; the 4- to
 * 100-epoch loops are bounded to 3–25 batches of 50 (named below); the linear autoencoder trains 400
 * iterations (the original's 1000); sklearn's StandardScaler is handson-ml-libs standardScale;
 * plots are left out. Checks: the linear autoencoder's MSE reaches PCA's optimum (the smallest
 * covariance eigenvalue / 3, by Jacobi rotations in float64); each loss falls; the collected l2
 * losses equal l2_reg·Σw²/2 of the fetched kernels; the tied graph has two weight variables;
 * phase 2 leaves weights1 alone; the dropout and noise inputs are the identity / random as they
 * should; the sparsity and latent losses equal numpy-style recomputations from fetched tensors.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import * as inputData from '../../examples/tf1/input-data.js';
import { flat, mnistArrays, Rng, rowsOf, standardScale } from './handson-ml-libs.js';

function reset_graph(seed = 42): void {
  tf.resetDefaultGraph();
  tf.setRandomSeed(seed);
}
const rnd = new Rng(4);
const { X_train: mnist_train, X_test: mnist_test } = mnistArrays(inputData.readDataSets, 300, 0, 100);
/** mnist.train.next_batch(batch_size): consecutive batches, wrapping around. */
let cursor = 0;
function next_batch(batch_size: number): tf.NDArray {
  if (cursor + batch_size > 300) cursor = 0;
  const b = rowsOf(mnist_train, cursor, cursor + batch_size);
  cursor += batch_size;
  return b;
}
const num = (a: tf.NDArray): number => a.toArray() as number;

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (float64). */
function eigenvalues(A: number[][]): number[] {
  const n = A.length;
  const M = A.map((r) => [...r]);
  for (let sweep = 0; sweep < 50; sweep++) {
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) {
      if (Math.abs(M[p]![q]!) < 1e-15) continue;
      const theta = (M[q]![q]! - M[p]![p]!) / (2 * M[p]![q]!);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < n; k++) {
        const a = M[k]![p]!, b = M[k]![q]!;
        M[k]![p] = c * a - s * b; M[k]![q] = s * a + c * b;
      }
      for (let k = 0; k < n; k++) {
        const a = M[p]![k]!, b = M[q]![k]!;
        M[p]![k] = c * a - s * b; M[q]![k] = s * a + c * b;
      }
    }
  }
  return M.map((r, i) => r[i]!).sort((a, b) => a - b);
}

describe('ageron/handson-ml 15_autoencoders', () => {
  it('does PCA with a linear autoencoder (cells 11–17)', async () => {
    const m = 200;
    const w1 = 0.1, w2 = 0.3, noise = 0.1;
    const data = new Float64Array(m * 3);
    for (let i = 0; i < m; i++) {
      const angle = rnd.next() * 3 * Math.PI / 2 - 0.5;
      data[3 * i] = Math.cos(angle) + Math.sin(angle) / 2 + noise * rnd.normal() / 2;
      data[3 * i + 1] = Math.sin(angle) * 0.7 + noise * rnd.normal() / 2;
      data[3 * i + 2] = data[3 * i]! * w1 + data[3 * i + 1]! * w2 + noise * rnd.normal();
    }
    const train = standardScale({ data: data.slice(0, 300), rows: 100, cols: 3 });
    const X_train = new tf.NDArray(Float32Array.from(train.data), [100, 3], 'float32');

    reset_graph();
    const n_inputs = 3;
    const n_hidden = 2; // codings
    const n_outputs = n_inputs;
    const learning_rate = 0.01;
    const X = tf.placeholder(tf.float32, { shape: [null, n_inputs] });
    const hidden = tf.layers.dense(X, n_hidden);
    const outputs = tf.layers.dense(hidden, n_outputs);
    const reconstruction_loss = tf.reduceMean(tf.square(tf.subtract(outputs, X)));
    const optimizer = new tf.train.AdamOptimizer(learning_rate);
    const training_op = optimizer.minimize(reconstruction_loss);
    const init = tf.globalVariablesInitializer();
    const n_iterations = 400; // the original's 1000
    const codings = hidden;
    let mse = NaN;
    await new tf.Session().asDefault(async () => {
      await init.run();
      for (let iteration = 0; iteration < n_iterations; iteration++) await training_op.run(new Map([[X, X_train]]));
      const codings_val = await codings.eval(new Map([[X, X_train]]));
      expect(codings_val.shape).toEqual([100, 2]);
      mse = num(await reconstruction_loss.eval(new Map([[X, X_train]])));
    });
    // PCA's best rank-2 reconstruction of standardized data leaves the smallest eigenvalue of the
    // covariance per point, spread over 3 coordinates
    const cov = [0, 1, 2].map((i) => [0, 1, 2].map((j) => {
      let s = 0;
      for (let r = 0; r < 100; r++) s += train.data[r * 3 + i]! * train.data[r * 3 + j]!;
      return s / 100;
    }));
    const optimum = eigenvalues(cov)[0]! / 3;
    expect(mse).toBeGreaterThan(optimum * 0.999);
    expect(mse).toBeLessThan(optimum * 1.2 + 1e-3);
  });

  it('trains stacked autoencoders: regularized, tied, one at a time (cells 25–54)', async () => {
    // cells 25–27
    reset_graph();
    const n_inputs = 28 * 28;
    const n_hidden1 = 300;
    const n_hidden2 = 150; // codings
    const n_hidden3 = n_hidden1;
    const n_outputs = n_inputs;
    const learning_rate = 0.01;
    let l2_reg = 0.0001;
    let X = tf.placeholder(tf.float32, { shape: [null, n_inputs] });
    const he_init = tf.contrib.layers.varianceScalingInitializer(); // He initialization
    const l2_regularizer = tf.contrib.layers.l2Regularizer(l2_reg);
    const my_dense_layer = (x: tf.Tensor, units: number, o: { activation?: ((t: tf.Tensor) => tf.Tensor) | null } = {}): tf.Tensor =>
      tf.layers.dense(x, units, { activation: tf.nn.elu, kernelInitializer: he_init, kernelRegularizer: l2_regularizer, ...o });
    let hidden1 = my_dense_layer(X, n_hidden1);
    let hidden2 = my_dense_layer(hidden1, n_hidden2);
    let hidden3 = my_dense_layer(hidden2, n_hidden3);
    let outputs = my_dense_layer(hidden3, n_outputs, { activation: null });
    let reconstruction_loss = tf.reduceMean(tf.square(tf.subtract(outputs, X)));
    const reg_losses = tf.getCollection(tf.GraphKeys.REGULARIZATION_LOSSES) as tf.Tensor[];
    expect(reg_losses.length).toBe(4);
    let loss = tf.addN([reconstruction_loss, ...reg_losses]);
    let optimizer = new tf.train.AdamOptimizer(learning_rate);
    let training_op = optimizer.minimize(loss);
    let init = tf.globalVariablesInitializer();
    const n_batches = 10; // the original's 4–5 epochs of 366 batches of 150
    const batch_size = 50;
    const testFeed = (x: tf.Tensor): Map<tf.Tensor, tf.NDArray> => new Map([[x, mnist_test]]);
    await new tf.Session().asDefault(async (sess) => {
      await init.run();
      const kernels = tf.trainableVariables().filter((v) => v.name.endsWith('kernel:0'));
      const [regs, ks] = [(await sess.run(reg_losses)) as tf.NDArray[], (await sess.run(kernels)) as tf.NDArray[]];
      regs.forEach((r, i) => expect(num(r)).toBeCloseTo(l2_reg * flat(ks[i]!).reduce((s, w) => s + w * w, 0) / 2, 6));
      const mse0 = num(await reconstruction_loss.eval(testFeed(X)));
      for (let iteration = 0; iteration < n_batches; iteration++) await sess.run(training_op, new Map([[X, next_batch(batch_size)]]));
      const mse1 = num(await reconstruction_loss.eval(testFeed(X)));
      // ELU layers from He init start far off (0.74 here); ten Adam steps of 0.01 halve it
      expect(mse1).toBeLessThan(mse0 * 0.5);
    });

    // cells 33–36: tied weights
    reset_graph();
    l2_reg = 0.0005;
    let activation = tf.nn.elu;
    let regularizer = tf.contrib.layers.l2Regularizer(l2_reg);
    let initializer = tf.contrib.layers.varianceScalingInitializer();
    X = tf.placeholder(tf.float32, { shape: [null, n_inputs] });
    let weights1_init = initializer([n_inputs, n_hidden1]);
    let weights2_init = initializer([n_hidden1, n_hidden2]);
    let weights1 = new tf.Variable(weights1_init, { dtype: tf.float32, name: 'weights1' });
    let weights2 = new tf.Variable(weights2_init, { dtype: tf.float32, name: 'weights2' });
    let weights3: tf.Tensor | tf.Variable = tf.transpose(weights2, { name: 'weights3' }); // tied weights
    let weights4: tf.Tensor | tf.Variable = tf.transpose(weights1, { name: 'weights4' }); // tied weights
    let biases1 = new tf.Variable(tf.zeros(n_hidden1), { name: 'biases1' });
    let biases2 = new tf.Variable(tf.zeros(n_hidden2), { name: 'biases2' });
    let biases3 = new tf.Variable(tf.zeros(n_hidden3), { name: 'biases3' });
    let biases4 = new tf.Variable(tf.zeros(n_outputs), { name: 'biases4' });
    hidden1 = activation(tf.add(tf.matmul(X, weights1), biases1));
    hidden2 = activation(tf.add(tf.matmul(hidden1, weights2), biases2));
    hidden3 = activation(tf.add(tf.matmul(hidden2, weights3), biases3));
    outputs = tf.add(tf.matmul(hidden3, weights4), biases4);
    reconstruction_loss = tf.reduceMean(tf.square(tf.subtract(outputs, X)));
    let reg_loss = tf.add(regularizer(weights1)!, regularizer(weights2)!);
    loss = tf.add(reconstruction_loss, reg_loss);
    optimizer = new tf.train.AdamOptimizer(learning_rate);
    training_op = optimizer.minimize(loss);
    init = tf.globalVariablesInitializer();
    expect(tf.trainableVariables().map((v) => v.op.name)).toEqual(['weights1', 'weights2', 'biases1', 'biases2', 'biases3', 'biases4']);
    expect(weights3.op.name).toBe('weights3');
    await new tf.Session().asDefault(async (sess) => {
      await init.run();
      const [w2, w3] = (await sess.run([weights2, weights3])) as tf.NDArray[];
      expect(w3!.shape).toEqual([150, 300]);
      expect(flat(w3!)[1 * 300 + 7]).toBe(flat(w2!)[7 * 150 + 1]);
      const mse0 = num(await reconstruction_loss.eval(testFeed(X)));
      // Adam's first steps of 0.01 overshoot here (0.21 → 0.9 → 0.4 …): 25 steps settle near 0.12
      for (let iteration = 0; iteration < 25; iteration++) await sess.run(training_op, new Map([[X, next_batch(batch_size)]]));
      expect(num(await reconstruction_loss.eval(testFeed(X)))).toBeLessThan(mse0 * 0.75);
    });

    // cells 49–54: one autoencoder at a time, in one graph
    reset_graph();
    l2_reg = 0.0001;
    activation = tf.nn.elu;
    regularizer = tf.contrib.layers.l2Regularizer(l2_reg);
    initializer = tf.contrib.layers.varianceScalingInitializer();
    X = tf.placeholder(tf.float32, { shape: [null, n_inputs] });
    weights1_init = initializer([n_inputs, n_hidden1]);
    weights2_init = initializer([n_hidden1, n_hidden2]);
    const weights3_init = initializer([n_hidden2, n_hidden3]);
    const weights4_init = initializer([n_hidden3, n_outputs]);
    weights1 = new tf.Variable(weights1_init, { dtype: tf.float32, name: 'weights1' });
    weights2 = new tf.Variable(weights2_init, { dtype: tf.float32, name: 'weights2' });
    weights3 = new tf.Variable(weights3_init, { dtype: tf.float32, name: 'weights3' });
    weights4 = new tf.Variable(weights4_init, { dtype: tf.float32, name: 'weights4' });
    biases1 = new tf.Variable(tf.zeros(n_hidden1), { name: 'biases1' });
    biases2 = new tf.Variable(tf.zeros(n_hidden2), { name: 'biases2' });
    biases3 = new tf.Variable(tf.zeros(n_hidden3), { name: 'biases3' });
    biases4 = new tf.Variable(tf.zeros(n_outputs), { name: 'biases4' });
    hidden1 = activation(tf.add(tf.matmul(X, weights1), biases1));
    hidden2 = activation(tf.add(tf.matmul(hidden1, weights2), biases2));
    hidden3 = activation(tf.add(tf.matmul(hidden2, weights3), biases3));
    outputs = tf.add(tf.matmul(hidden3, weights4), biases4);
    reconstruction_loss = tf.reduceMean(tf.square(tf.subtract(outputs, X)));
    optimizer = new tf.train.AdamOptimizer(learning_rate);
    const [phase1_training_op, phase1_reconstruction_loss] = tf.nameScope('phase1', () => {
      const phase1_outputs = tf.add(tf.matmul(hidden1, weights4), biases4); // bypass hidden2 and hidden3
      const phase1_reconstruction_loss = tf.reduceMean(tf.square(tf.subtract(phase1_outputs, X)));
      const phase1_reg_loss = tf.add(regularizer(weights1)!, regularizer(weights4)!);
      const phase1_loss = tf.add(phase1_reconstruction_loss, phase1_reg_loss);
      return [optimizer.minimize(phase1_loss), phase1_reconstruction_loss] as const;
    });
    const [phase2_training_op, phase2_reconstruction_loss] = tf.nameScope('phase2', () => {
      const phase2_reconstruction_loss = tf.reduceMean(tf.square(tf.subtract(hidden3, hidden1)));
      const phase2_reg_loss = tf.add(regularizer(weights2)!, regularizer(weights3)!);
      const phase2_loss = tf.add(phase2_reconstruction_loss, phase2_reg_loss);
      const train_vars = [weights2, biases2, weights3, biases3];
      return [optimizer.minimize(phase2_loss, { varList: train_vars }), phase2_reconstruction_loss] as const; // freeze hidden1
    });
    expect(phase1_reconstruction_loss.name).toMatch(/^phase1\//);
    init = tf.globalVariablesInitializer();
    const training_ops = [phase1_training_op, phase2_training_op];
    const reconstruction_losses = [phase1_reconstruction_loss, phase2_reconstruction_loss];
    await new tf.Session().asDefault(async (sess) => {
      await init.run();
      let w1_before: number[] = [];
      let hidden1_cache!: tf.NDArray;
      for (let phase = 0; phase < 2; phase++) {
        if (phase === 1) {
          // cell 54: phase 2 trains on the cached hidden1 outputs, fed in place of hidden1
          hidden1_cache = await hidden1.eval(new Map([[X, mnist_train]]));
          w1_before = flat((await sess.run(weights1)) as tf.NDArray);
        }
        const l0 = num(await reconstruction_losses[phase]!.eval(new Map([[X, mnist_test]])));
        for (let iteration = 0; iteration < n_batches; iteration++) {
          if (phase === 1) {
            const start = rnd.randint(0, 300 - batch_size);
            await sess.run(training_ops[phase]!, new Map([[hidden1, rowsOf(hidden1_cache, start, start + batch_size)]]));
          } else {
            await sess.run(training_ops[phase]!, new Map([[X, next_batch(batch_size)]]));
          }
        }
        const l1 = num(await reconstruction_losses[phase]!.eval(new Map([[X, mnist_test]])));
        expect(l1).toBeLessThan(l0);
      }
      expect(flat((await sess.run(weights1)) as tf.NDArray)).toEqual(w1_before); // frozen in phase 2
      const loss_test = num(await reconstruction_loss.eval(new Map([[X, mnist_test]])));
      expect(Number.isFinite(loss_test)).toBe(true);
    });
  });

  it('denoises, sparsifies and varies (cells 69–98)', async () => {
    const n_inputs = 28 * 28;
    const n_hidden1 = 300;
    const n_hidden2 = 150;
    const n_hidden3 = n_hidden1;
    const n_outputs = n_inputs;
    const learning_rate = 0.01;
    const batch_size = 50;

    // cells 69–72: Gaussian noise
    reset_graph();
    const noise_level = 1.0;
    let X = tf.placeholder(tf.float32, { shape: [null, n_inputs] });
    const X_noisy = tf.add(X, tf.multiply(noise_level, tf.randomNormal(tf.shape(X))));
    const stack = (x: tf.Tensor): tf.Tensor => {
      const hidden1 = tf.layers.dense(x, n_hidden1, { activation: tf.nn.relu, name: 'hidden1' });
      const hidden2 = tf.layers.dense(hidden1, n_hidden2, { activation: tf.nn.relu, name: 'hidden2' }); // not shown in the book
      const hidden3 = tf.layers.dense(hidden2, n_hidden3, { activation: tf.nn.relu, name: 'hidden3' }); // not shown
      return tf.layers.dense(hidden3, n_outputs, { name: 'outputs' }); // not shown
    };
    let outputs = stack(X_noisy);
    let reconstruction_loss = tf.reduceMean(tf.square(tf.subtract(outputs, X))); // MSE
    let training_op = new tf.train.AdamOptimizer(learning_rate).minimize(reconstruction_loss);
    let init = tf.globalVariablesInitializer();
    await new tf.Session().asDefault(async (sess) => {
      await init.run();
      const [a, b] = [flat(await X_noisy.eval(new Map([[X, mnist_test]]))), flat(await X_noisy.eval(new Map([[X, mnist_test]])))];
      expect(a).not.toEqual(b); // a new noise draw each run
      const x = flat(mnist_test);
      const d = a.map((v, i) => v - x[i]!);
      const mean = d.reduce((s, v) => s + v, 0) / d.length;
      const sd = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length);
      expect(Math.abs(mean)).toBeLessThan(0.01);
      expect(sd).toBeGreaterThan(0.98);
      expect(sd).toBeLessThan(1.02);
      const l0 = num(await reconstruction_loss.eval(new Map([[X, mnist_test]])));
      for (let iteration = 0; iteration < 3; iteration++) await sess.run(training_op, new Map([[X, next_batch(batch_size)]]));
      expect(num(await reconstruction_loss.eval(new Map([[X, mnist_test]])))).toBeLessThan(l0);
    });

    // cells 74–77: dropout on the inputs
    reset_graph();
    const dropout_rate = 0.3;
    const training = tf.placeholderWithDefault(false, { shape: [], name: 'training' });
    X = tf.placeholder(tf.float32, { shape: [null, n_inputs] });
    const X_drop = tf.layers.dropout(X, dropout_rate, { training });
    outputs = stack(X_drop);
    reconstruction_loss = tf.reduceMean(tf.square(tf.subtract(outputs, X)));
    training_op = new tf.train.AdamOptimizer(learning_rate).minimize(reconstruction_loss);
    init = tf.globalVariablesInitializer();
    await new tf.Session().asDefault(async (sess) => {
      await init.run();
      expect(flat(await X_drop.eval(new Map([[X, mnist_test]])))).toEqual(flat(mnist_test)); // training defaults to False
      const dropped = flat((await sess.run(X_drop, new Map<tf.Tensor, tf.NDArray | boolean>([[X, mnist_test], [training, true]]))) as tf.NDArray);
      const x = flat(mnist_test);
      let kept = 0, nonzero = 0;
      dropped.forEach((v, i) => {
        if (x[i] === 0) return;
        nonzero++;
        if (v !== 0) { kept++; expect(v).toBeCloseTo(x[i]! / 0.7, 5); }
      });
      expect(kept / nonzero).toBeGreaterThan(0.67);
      expect(kept / nonzero).toBeLessThan(0.73);
      const l0 = num(await reconstruction_loss.eval(new Map([[X, mnist_test]])));
      for (let iteration = 0; iteration < 3; iteration++) await sess.run(training_op, new Map<tf.Tensor, tf.NDArray | boolean>([[X, next_batch(batch_size)], [training, true]]));
      expect(num(await reconstruction_loss.eval(new Map([[X, mnist_test]])))).toBeLessThan(l0);
    });

    // cells 81–84: sparse autoencoder
    reset_graph();
    const n_sparse = 1000; // sparse codings
    const kl_divergence = (p: number, q: tf.Tensor): tf.Tensor =>
      // Kullback Leibler divergence
      tf.add(tf.multiply(p, tf.log(tf.divide(p, q))), tf.multiply(1 - p, tf.log(tf.divide(1 - p, tf.subtract(1, q)))));
    const sparsity_target = 0.1;
    const sparsity_weight = 0.2;
    X = tf.placeholder(tf.float32, { shape: [null, n_inputs] }); // not shown in the book
    const hidden1 = tf.layers.dense(X, n_sparse, { activation: tf.nn.sigmoid }); // not shown
    outputs = tf.layers.dense(hidden1, n_outputs); // not shown
    const hidden1_mean = tf.reduceMean(hidden1, { axis: 0 }); // batch mean
    const sparsity_loss = tf.reduceSum(kl_divergence(sparsity_target, hidden1_mean));
    reconstruction_loss = tf.reduceMean(tf.square(tf.subtract(outputs, X))); // MSE
    let loss = tf.add(reconstruction_loss, tf.multiply(sparsity_weight, sparsity_loss));
    training_op = new tf.train.AdamOptimizer(learning_rate).minimize(loss);
    init = tf.globalVariablesInitializer();
    await new tf.Session().asDefault(async (sess) => {
      await init.run();
      const sparsityOf = async (): Promise<[number, number]> => {
        const [q, s] = (await sess.run([hidden1_mean, sparsity_loss], new Map([[X, mnist_test]]))) as tf.NDArray[];
        const p = sparsity_target;
        const want = flat(q!).reduce((acc, qi) => acc + p * Math.log(p / qi) + (1 - p) * Math.log((1 - p) / (1 - qi)), 0);
        expect(num(s!)).toBeCloseTo(want, 1);
        expect(Math.abs(num(s!) - want) / want).toBeLessThan(1e-4);
        return [num(s!), flat(q!).reduce((a, b) => a + b, 0) / q!.shape[0]!];
      };
      const [s0, mean0] = await sparsityOf();
      for (let iteration = 0; iteration < 4; iteration++) await sess.run(training_op, new Map([[X, next_batch(batch_size)]]));
      const [s1, mean1] = await sparsityOf();
      // the codings start near 0.5 on average and are pushed toward the 0.1 target
      expect(mean0).toBeGreaterThan(0.3);
      expect(mean1).toBeLessThan(mean0);
      expect(s1).toBeLessThan(s0);
    });

    // cells 95–98: variational autoencoder, γ = log σ²
    reset_graph();
    const n_h1 = 500, n_h2 = 500, n_codings = 20;
    const vae_learning_rate = 0.001;
    const initializer = tf.contrib.layers.varianceScalingInitializer();
    const my_dense_layer = (x: tf.Tensor, units: number, o: { activation?: ((t: tf.Tensor) => tf.Tensor) | null } = {}): tf.Tensor =>
      tf.layers.dense(x, units, { activation: tf.nn.elu, kernelInitializer: initializer, ...o });
    X = tf.placeholder(tf.float32, [null, n_inputs]);
    const h1 = my_dense_layer(X, n_h1);
    const h2 = my_dense_layer(h1, n_h2);
    const hidden3_mean = my_dense_layer(h2, n_codings, { activation: null });
    const hidden3_gamma = my_dense_layer(h2, n_codings, { activation: null });
    const noise = tf.randomNormal(tf.shape(hidden3_gamma), { dtype: tf.float32 });
    const hidden3 = tf.add(hidden3_mean, tf.multiply(tf.exp(tf.multiply(0.5, hidden3_gamma)), noise));
    const h4 = my_dense_layer(hidden3, n_h2);
    const h5 = my_dense_layer(h4, n_h1);
    const logits = my_dense_layer(h5, n_outputs, { activation: null });
    outputs = tf.sigmoid(logits);
    const xentropy = tf.nn.sigmoidCrossEntropyWithLogits({ labels: X, logits });
    reconstruction_loss = tf.reduceSum(xentropy);
    const latent_loss = tf.multiply(0.5, tf.reduceSum(
      tf.subtract(tf.subtract(tf.add(tf.exp(hidden3_gamma), tf.square(hidden3_mean)), 1), hidden3_gamma)));
    loss = tf.add(reconstruction_loss, latent_loss);
    training_op = new tf.train.AdamOptimizer({ learningRate: vae_learning_rate }).minimize(loss);
    init = tf.globalVariablesInitializer();
    await new tf.Session().asDefault(async (sess) => {
      await init.run();
      const [mu, gamma, ll, rl, lg] = (await sess.run([hidden3_mean, hidden3_gamma, latent_loss, reconstruction_loss, logits], new Map([[X, mnist_test]]))) as tf.NDArray[];
      const g = flat(gamma!);
      const want = 0.5 * flat(mu!).reduce((s, m, i) => s + Math.exp(g[i]!) + m * m - 1 - g[i]!, 0);
      expect(Math.abs(num(ll!) - want) / want).toBeLessThan(1e-4);
      // sigmoid cross-entropy summed: max(z, 0) - z x + log(1 + exp(-|z|))
      const x = flat(mnist_test);
      const wantRl = flat(lg!).reduce((s, z, i) => s + Math.max(z, 0) - z * x[i]! + Math.log1p(Math.exp(-Math.abs(z))), 0);
      expect(Math.abs(num(rl!) - wantRl) / wantRl).toBeLessThan(1e-3);
      const l0 = num(await loss.eval(new Map([[X, mnist_test]])));
      for (let iteration = 0; iteration < 4; iteration++) await sess.run(training_op, new Map([[X, next_batch(batch_size)]]));
      expect(num(await loss.eval(new Map([[X, mnist_test]])))).toBeLessThan(l0);
      // cell 98: generate digits by feeding the codings
      const n_digits = 6;
      const codings_rnd = new tf.NDArray(Float32Array.from({ length: n_digits * n_codings }, () => rnd.normal()), [n_digits, n_codings], 'float32');
      const outputs_val = await outputs.eval(new Map([[hidden3, codings_rnd]]));
      expect(outputs_val.shape).toEqual([n_digits, n_inputs]);
      expect(flat(outputs_val).every((v) => v >= 0 && v <= 1)).toBe(true);
      // fed codings bypass the encoder's noise: the same codings give the same digits
      expect(flat(await outputs.eval(new Map([[hidden3, codings_rnd]])))).toEqual(flat(outputs_val));
    });
  });
});
