/**
 * Port of 11_deep_learning.ipynb from github.com/ageron/handson-ml (Aurélien Géron, Apache License
 * 2.0), cells 142–201: the optimizers (Momentum, Nesterov, Adagrad, RMSProp, Adam), learning rate
 * scheduling with exponential_decay and a global_step, ℓ1 regularization written out and through
 * kernel_regularizer + REGULARIZATION_LOSSES, dropout with a `training` placeholder, and max-norm
 * (clip_by_norm assign ops run after each step, also as a "regularizer" that fills a collection),
 * line by line in tsflow's conventions.
 *
 * Changes: MNIST comes from examples/tf1/input-data.ts's offline data, cut to 500 training and
 * 500 validation digits; each loop runs one epoch of batches of 50 (10 steps) (the originals 5–20 epochs of
 * 55,000). Checks: each optimizer lowers the validation loss by over 10 % in its 10 steps; the decayed learning rate equals
 * 0.1 · 0.1^(step/10000); the ℓ1 loss equals the cross entropy plus 0.001 · Σ|W| of the fetched
 * kernels; the collection holds one loss per regularized kernel; dropout is the identity when not
 * training and zeroes about half the inputs (scaling the rest by 2) when training; after the
 * max-norm ops every kernel row's norm is at most 1.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import * as inputData from '../../examples/tf1/input-data.js';
import { flat, mnistArrays, Rng, shuffleBatch } from './handson-ml-libs.js';

function reset_graph(seed = 42): void {
  tf.resetDefaultGraph();
  tf.setRandomSeed(seed);
}

const { X_train, y_train, X_valid, y_valid } = mnistArrays(inputData.readDataSets, 500, 500, 0);
const n_inputs = 28 * 28;
const n_hidden1 = 300;
const n_hidden2 = 50;
const n_outputs = 10;

function mlp(X: tf.Tensor, y: tf.Tensor, dense: (x: tf.Tensor, units: number, opts: { name: string; activation?: ((x: tf.Tensor) => tf.Tensor) | null }) => tf.Tensor = (x, u, o) => tf.layers.dense(x, u, o)) {
  const logits = tf.nameScope('dnn', () => {
    const hidden1 = dense(X, n_hidden1, { activation: tf.nn.relu, name: 'hidden1' });
    const hidden2 = dense(hidden1, n_hidden2, { activation: tf.nn.relu, name: 'hidden2' });
    return dense(hidden2, n_outputs, { activation: null, name: 'outputs' });
  });
  const xentropy = tf.nameScope('loss', () => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }));
  return { logits, xentropy };
}

describe('ageron/handson-ml 11_deep_learning: optimizers, schedules, regularization', () => {
  it('trains with each optimizer and an exponentially decayed learning rate (cells 142–155)', async () => {
    const learning_rate = 0.01;
    const make = [
      () => new tf.train.MomentumOptimizer({ learningRate: learning_rate, momentum: 0.9 }),
      () => new tf.train.MomentumOptimizer({ learningRate: learning_rate, momentum: 0.9, useNesterov: true }),
      () => new tf.train.AdagradOptimizer({ learningRate: learning_rate }),
      () => new tf.train.RMSPropOptimizer({ learningRate: learning_rate, momentum: 0.9, decay: 0.9, epsilon: 1e-10 }),
      () => new tf.train.AdamOptimizer({ learningRate: learning_rate }),
    ];
    for (const mk of make) {
      reset_graph();
      const X = tf.placeholder(tf.float32, { shape: [null, n_inputs], name: 'X' });
      const y = tf.placeholder(tf.int32, { shape: null, name: 'y' });
      const { xentropy } = mlp(X, y);
      const loss = tf.reduceMean(xentropy, { name: 'loss' });
      const training_op = mk().minimize(loss);
      const sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      const before = (await sess.run(loss, new Map([[X, X_valid], [y, y_valid]]))).toArray() as number;
      for (const [X_batch, y_batch] of shuffleBatch(new Rng(1), X_train, y_train, 50)) await sess.run(training_op, new Map([[X, X_batch], [y, y_batch]]));
      const after = (await sess.run(loss, new Map([[X, X_valid], [y, y_valid]]))).toArray() as number;
      expect(after).toBeLessThan(before * 0.9);
      await sess.close();
    }

    reset_graph();
    const X = tf.placeholder(tf.float32, { shape: [null, n_inputs], name: 'X' });
    const y = tf.placeholder(tf.int32, { shape: null, name: 'y' });
    const { xentropy } = mlp(X, y);
    const loss = tf.reduceMean(xentropy, { name: 'loss' });
    const [global_step, learning_rate2, training_op] = tf.nameScope('train', () => {
      const initial_learning_rate = 0.1;
      const decay_steps = 10000;
      const decay_rate = 1 / 10;
      const global_step = new tf.Variable(0, { trainable: false, name: 'global_step' });
      const learning_rate = tf.train.exponentialDecay(initial_learning_rate, global_step, decay_steps, decay_rate);
      const optimizer = new tf.train.MomentumOptimizer(learning_rate, { momentum: 0.9 });
      return [global_step, learning_rate, optimizer.minimize(loss, { globalStep: global_step })] as const;
    });
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    for (const [X_batch, y_batch] of shuffleBatch(new Rng(2), X_train, y_train, 50)) await sess.run(training_op, new Map([[X, X_batch], [y, y_batch]]));
    expect((await sess.run(global_step)).toArray()).toBe(10);
    expect((await sess.run(learning_rate2)).toArray() as number).toBeCloseTo(0.1 * 0.1 ** (10 / 10000), 7);
    await sess.close();
  });

  it('adds l1 losses by hand and through kernel_regularizer (cells 159–174)', async () => {
    reset_graph();
    let X = tf.placeholder(tf.float32, { shape: [null, n_inputs], name: 'X' });
    let y = tf.placeholder(tf.int32, { shape: null, name: 'y' });
    const logits = tf.nameScope('dnn', () => {
      const hidden1 = tf.layers.dense(X, n_hidden1, { activation: tf.nn.relu, name: 'hidden1' });
      return tf.layers.dense(hidden1, n_outputs, { name: 'outputs' });
    });
    const W1 = tf.getDefaultGraph().getTensorByName('hidden1/kernel:0');
    const W2 = tf.getDefaultGraph().getTensorByName('outputs/kernel:0');
    const scale = 0.001; // l1 regularization hyperparameter
    const [base_loss, loss] = tf.nameScope('loss', () => {
      const xentropy = tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits });
      const base_loss = tf.reduceMean(xentropy, { name: 'avg_xentropy' });
      const reg_losses = tf.add(tf.reduceSum(tf.abs(W1)), tf.reduceSum(tf.abs(W2)));
      return [base_loss, tf.add(base_loss, tf.multiply(scale, reg_losses), { name: 'loss' })];
    });
    const training_op = tf.nameScope('train', () => new tf.train.GradientDescentOptimizer(0.01).minimize(loss));
    let sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    for (const [X_batch, y_batch] of shuffleBatch(new Rng(3), X_train, y_train, 50)) await sess.run(training_op, new Map([[X, X_batch], [y, y_batch]]));
    const [b, l, w1, w2] = (await sess.run([base_loss, loss, W1, W2], new Map([[X, X_valid], [y, y_valid]]))) as tf.NDArray[];
    const l1 = [...flat(w1!), ...flat(w2!)].reduce((s, v) => s + Math.abs(v), 0);
    expect(l!.toArray() as number).toBeCloseTo((b!.toArray() as number) + scale * l1, 4);
    expect(loss.op.name).toBe('loss/loss');
    await sess.close();

    reset_graph();
    X = tf.placeholder(tf.float32, { shape: [null, n_inputs], name: 'X' });
    y = tf.placeholder(tf.int32, { shape: null, name: 'y' });
    const my_dense_layer = (x: tf.Tensor, units: number, opts: { name: string; activation?: ((x: tf.Tensor) => tf.Tensor) | null }): tf.Tensor =>
      tf.layers.dense(x, units, { activation: tf.nn.relu, kernelRegularizer: tf.contrib.layers.l1Regularizer(scale), ...opts });
    const { xentropy } = mlp(X, y, my_dense_layer);
    const [base2, loss2] = tf.nameScope('loss', () => {
      const base_loss = tf.reduceMean(xentropy, { name: 'avg_xentropy' });
      const reg_losses = tf.getCollection(tf.GraphKeys.REGULARIZATION_LOSSES) as tf.Tensor[];
      expect(reg_losses.length).toBe(3);
      return [base_loss, tf.addN([base_loss, ...reg_losses], { name: 'loss' })];
    });
    sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    const kernels = tf.trainableVariables().filter((v) => v.op.name.endsWith('kernel'));
    const [b2, l2, ...ks] = (await sess.run([base2, loss2, ...kernels], new Map([[X, X_valid], [y, y_valid]]))) as tf.NDArray[];
    const l1b = ks.flatMap((k) => flat(k)).reduce((s, v) => s + Math.abs(v), 0);
    expect(l2!.toArray() as number).toBeCloseTo((b2!.toArray() as number) + scale * l1b, 4);
    await sess.close();
  });

  it('drops out with a training placeholder and applies max-norm (cells 177–201)', async () => {
    reset_graph();
    const X = tf.placeholder(tf.float32, { shape: [null, n_inputs], name: 'X' });
    const training = tf.placeholderWithDefault(false, { shape: [], name: 'training' });
    const dropout_rate = 0.5; // == 1 - keep_prob
    const X_drop = tf.layers.dropout(X, dropout_rate, { training });
    const sess = new tf.Session();
    const x = X_valid;
    const off = flat(await sess.run(X_drop, new Map([[X, x]])));
    expect(off).toEqual(flat(x));
    const on = flat(await sess.run(X_drop, [[X, x], [training, true]] as [tf.Tensor, tf.FeedValue][]));
    const xs = flat(x);
    let kept = 0, nonzero = 0;
    xs.forEach((v, i) => {
      if (v === 0) return;
      nonzero++;
      if (on[i] !== 0) { kept++; expect(on[i]!).toBeCloseTo(2 * v, 5); }
    });
    expect(Math.abs(kept / nonzero - 0.5)).toBeLessThan(0.02);
    await sess.close();

    // max-norm as a kernel "regularizer" that fills a collection (cells 194–201)
    reset_graph();
    const X2 = tf.placeholder(tf.float32, { shape: [null, n_inputs], name: 'X' });
    const y2 = tf.placeholder(tf.int32, { shape: null, name: 'y' });
    function max_norm_regularizer(threshold: number, axes = 1, name = 'max_norm', collection = 'max_norm') {
      return (weights: tf.Variable): null => {
        const clipped = tf.clipByNorm(weights, { clipNorm: threshold, axes });
        const clip_weights = tf.assign(weights, clipped, { name });
        tf.addToCollection(collection, clip_weights);
        return null; // there is no regularization loss term
      };
    }
    const max_norm_reg = max_norm_regularizer(1.0);
    const logits = tf.nameScope('dnn', () => {
      const hidden1 = tf.layers.dense(X2, n_hidden1, { activation: tf.nn.relu, kernelRegularizer: max_norm_reg, name: 'hidden1' });
      const hidden2 = tf.layers.dense(hidden1, n_hidden2, { activation: tf.nn.relu, kernelRegularizer: max_norm_reg, name: 'hidden2' });
      return tf.layers.dense(hidden2, n_outputs, { name: 'outputs' });
    });
    const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y2, logits }));
    const training_op = new tf.train.MomentumOptimizer(0.01, 0.9).minimize(loss);
    const clip_all_weights = tf.getCollection('max_norm') as tf.Tensor[];
    expect(clip_all_weights.length).toBe(2);
    expect(tf.getCollection(tf.GraphKeys.REGULARIZATION_LOSSES).length).toBe(0);
    const s2 = new tf.Session();
    await s2.run(tf.globalVariablesInitializer());
    for (const [X_batch, y_batch] of shuffleBatch(new Rng(4), X_train, y_train, 50)) {
      await s2.run(training_op, new Map([[X2, X_batch], [y2, y_batch]]));
      await s2.run(clip_all_weights);
    }
    for (const name of ['hidden1/kernel:0', 'hidden2/kernel:0']) {
      const w = (await s2.run(name)) as tf.NDArray;
      const [rows, cols] = w.shape as [number, number];
      const d = flat(w);
      let maxNorm = 0;
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let c = 0; c < cols; c++) s += d[r * cols + c]! ** 2;
        maxNorm = Math.max(maxNorm, Math.sqrt(s));
      }
      expect(maxNorm).toBeLessThanOrEqual(1 + 1e-5);
      expect(maxNorm).toBeGreaterThan(0.5);
    }
    await s2.close();
  });
});
