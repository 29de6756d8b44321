/**
 * Port of 11_deep_learning.ipynb from github.com/ageron/handson-ml (Aurélien Géron, Apache License
 * 2.0), cells 22–69 and 117–126: leaky ReLU and SELU layers, batch normalization with a
 * `training` placeholder_with_default and the UPDATE_OPS collection, and initializing a layer from
 * another framework's weights (feeding the Assign ops' initial values; assign from placeholders),
 * line by line in tsflow's conventions. Cells 72–139 (gradient clipping, reusing and freezing
 * layers) are in handson-ml-11-clipping-reuse-freeze.test.ts.
 *
 * Changes: MNIST comes from examples/tf1/input-data.ts's offline data, cut to 2000 training and
 * 500 validation digits; the batch-norm training is bounded to 2 epochs (the original runs 20 of
 * 55,000 digits). Checks: the variable names the notebook lists;
 * batch norm's moving statistics equal the 0.9-momentum average of the batch moments computed
 * from the fetched pre-BN activations; the validation accuracy above a threshold justified below;
 * the layer initialized from given weights computes relu(x W + b) by hand.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import * as inputData from '../../examples/tf1/input-data.js';
import { flat, mnistArrays, Rng, shuffleBatch } from './handson-ml-libs.js';

function reset_graph(seed = 42): void {
  tf.resetDefaultGraph();
  tf.setRandomSeed(seed);
}

const { X_train, y_train, X_valid, y_valid } = mnistArrays(inputData.readDataSets, 2000, 500, 0);
const n_inputs = 28 * 28; // MNIST
const validFeed = (X: tf.Tensor, y: tf.Tensor): Map<tf.Tensor, tf.NDArray> => new Map([[X, X_valid], [y, y_valid]]);

function leaky_relu(z: tf.Tensor, name?: string): tf.Tensor {
  return tf.maximum(tf.multiply(0.01, z), z, { name });
}

// alpha and scale to self normalize with mean 0 and standard deviation 1 (equation 14 of the paper)
const alpha_0_1 = 1.6732632423543772;
const scale_0_1 = 1.0507009873554805;
function selu(z: tf.Tensor, scale = scale_0_1, alpha = alpha_0_1): tf.Tensor {
  return tf.multiply(scale, tf.where(tf.greaterEqual(z, 0.0), z, tf.multiply(alpha, tf.nn.elu(z))));
}

describe('ageron/handson-ml 11_deep_learning: activations, batch norm, weights from elsewhere', () => {
  it('evaluates leaky_relu and selu (cells 22–53)', async () => {
    reset_graph();
    const z = tf.constant([-2, -0.5, 0, 1.5]);
    const sess = new tf.Session();
    const [lr, se] = (await sess.run([leaky_relu(z), selu(z)])) as tf.NDArray[];
    expect(flat(lr!)).toEqual([-0.02, -0.005, 0, 1.5].map(Math.fround));
    const ref = [-2, -0.5, 0, 1.5].map((v) => scale_0_1 * (v >= 0 ? v : alpha_0_1 * (Math.exp(v) - 1)));
    flat(se!).forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 5));
    // the layer with a custom activation
    const X = tf.placeholder(tf.float32, { shape: [null, n_inputs], name: 'X' });
    const hidden1 = tf.layers.dense(X, 300, { activation: leaky_relu, name: 'hidden1' });
    expect(hidden1.op.name).toBe('hidden1/Maximum');
    await sess.close();
  });

  it('trains with batch normalization and UPDATE_OPS (cells 56–69)', async () => {
    reset_graph();
    const batch_norm_momentum = 0.9;
    const learning_rate = 0.01;
    const X = tf.placeholder(tf.float32, { shape: [null, n_inputs], name: 'X' });
    const y = tf.placeholder(tf.int32, { shape: null, name: 'y' });
    const training = tf.placeholderWithDefault(false, { shape: [], name: 'training' });
    let hidden1!: tf.Tensor;
    let logits!: tf.Tensor;
    tf.nameScope('dnn', () => {
      const he_init = tf.varianceScalingInitializer();
      const my_batch_norm_layer = (x: tf.Tensor): tf.Tensor => tf.layers.batchNormalization(x, { training, momentum: batch_norm_momentum });
      const my_dense_layer = (x: tf.Tensor, units: number, opts: { name: string }): tf.Tensor => tf.layers.dense(x, units, { kernelInitializer: he_init, ...opts });
      hidden1 = my_dense_layer(X, 300, { name: 'hidden1' });
      const bn1 = tf.nn.elu(my_batch_norm_layer(hidden1));
      const hidden2 = my_dense_layer(bn1, 100, { name: 'hidden2' });
      const bn2 = tf.nn.elu(my_batch_norm_layer(hidden2));
      const logits_before_bn = my_dense_layer(bn2, 10, { name: 'outputs' });
      logits = my_batch_norm_layer(logits_before_bn);
    });
    const loss = tf.nameScope('loss', () => tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }), { name: 'loss' }));
    const training_op = tf.nameScope('train', () => new tf.train.GradientDescentOptimizer(learning_rate).minimize(loss));
    const accuracy = tf.nameScope('eval', () => tf.reduceMean(tf.cast(tf.nn.inTopK(logits, y, 1), tf.float32)));
    const init = tf.globalVariablesInitializer();

    expect(tf.trainableVariables().map((v) => v.name)).toEqual([
      'hidden1/kernel:0', 'hidden1/bias:0', 'batch_normalization/gamma:0', 'batch_normalization/beta:0',
      'hidden2/kernel:0', 'hidden2/bias:0', 'batch_normalization_1/gamma:0', 'batch_normalization_1/beta:0',
      'outputs/kernel:0', 'outputs/bias:0', 'batch_normalization_2/gamma:0', 'batch_normalization_2/beta:0']);
    expect(tf.globalVariables().map((v) => v.name).filter((n) => n.includes('moving'))).toEqual([
      'batch_normalization/moving_mean:0', 'batch_normalization/moving_variance:0',
      'batch_normalization_1/moving_mean:0', 'batch_normalization_1/moving_variance:0',
      'batch_normalization_2/moving_mean:0', 'batch_normalization_2/moving_variance:0']);

    const extra_update_ops = tf.getCollection(tf.GraphKeys.UPDATE_OPS) as tf.Operation[];
    expect(extra_update_ops.length).toBe(6);
    const n_epochs = 2; // the original's 20, bounded
    const batch_size = 200;
    const rng = new Rng(42);
    let accuracy_val = 0;
    await new tf.Session().asDefault(async (sess) => {
      await init.run();
      // one step by hand: the moving mean after it is 0.9 * 0 + 0.1 * the batch mean of hidden1
      const [Xb, yb] = shuffleBatch(rng, X_train, y_train, batch_size).next().value as [tf.NDArray, tf.NDArray];
      const h1 = await sess.run(hidden1, new Map([[X, Xb]]));
      await sess.run([training_op, extra_update_ops], [[training, true], [X, Xb], [y, yb]] as [tf.Tensor, tf.FeedValue][]);
      const mm = flat(await sess.run(tf.globalVariables().find((v) => v.name === 'batch_normalization/moving_mean:0')!));
      const mv = flat(await sess.run(tf.globalVariables().find((v) => v.name === 'batch_normalization/moving_variance:0')!));
      const h = flat(h1);
      for (const j of [0, 7, 299]) {
        let mean = 0;
        for (let i = 0; i < batch_size; i++) mean += h[i * 300 + j]!;
        mean /= batch_size;
        let v = 0;
        for (let i = 0; i < batch_size; i++) v += (h[i * 300 + j]! - mean) ** 2;
        v /= batch_size; // tf.nn.moments' biased variance, as the layer's fused update uses
        expect(mm[j]!).toBeCloseTo(0.1 * mean, 4);
        expect(Math.abs(mv[j]! - (0.9 + 0.1 * v))).toBeLessThan(2e-3 * (0.9 + 0.1 * v));
      }
      for (let epoch = 0; epoch < n_epochs; epoch++) {
        for (const [X_batch, y_batch] of shuffleBatch(rng, X_train, y_train, batch_size)) {
          await sess.run([training_op, extra_update_ops], [[training, true], [X, X_batch], [y, y_batch]] as [tf.Tensor, tf.FeedValue][]);
        }
        accuracy_val = (await accuracy.eval(validFeed(X, y))).toArray() as number;
      }
    });
    // 21 steps of 200 with lr 0.01: 0.80 here (the notebook: 0.89 after its first 275 steps)
    expect(accuracy_val).toBeGreaterThan(0.7);
  });

  it('initializes a layer from another framework\'s weights (cells 117–126)', async () => {
    const original_w = [[1., 2., 3.], [4., 5., 6.]]; // Load the weights from the other framework
    const original_b = [7., 8., 9.]; // Load the biases from the other framework
    const expected = [[61, 83, 105]]; // relu([10, 11] @ W + b)

    reset_graph();
    let X = tf.placeholder(tf.float32, { shape: [null, 2], name: 'X' });
    let hidden1 = tf.layers.dense(X, 3, { activation: tf.nn.relu, name: 'hidden1' });
    const graph = tf.getDefaultGraph();
    const assign_kernel = graph.getOperationByName('hidden1/kernel/Assign');
    const assign_bias = graph.getOperationByName('hidden1/bias/Assign');
    const init_kernel = assign_kernel.inputs[1]!;
    const init_bias = assign_bias.inputs[1]!;
    let init = tf.globalVariablesInitializer();
    await new tf.Session().asDefault(async (sess) => {
      await sess.run(init, [[init_kernel, original_w], [init_bias, original_b]] as [tf.Tensor, tf.FeedValue][]);
      expect((await hidden1.eval(new Map([[X, [[10.0, 11.0]]]]))).toArray()).toEqual(expected);
    });

    reset_graph();
    X = tf.placeholder(tf.float32, { shape: [null, 2], name: 'X' });
    hidden1 = tf.layers.dense(X, 3, { activation: tf.nn.relu, name: 'hidden1' });
    const [hidden1_weights, hidden1_biases] = tf.variableScope('', { defaultName: '', reuse: true }, () => [tf.getVariable('hidden1/kernel'), tf.getVariable('hidden1/bias')]); // root scope
    const original_weights = tf.placeholder(tf.float32, { shape: [2, 3] });
    const original_biases = tf.placeholder(tf.float32, { shape: 3 });
    const assign_hidden1_weights = tf.assign(hidden1_weights!, original_weights);
    const assign_hidden1_biases = tf.assign(hidden1_biases!, original_biases);
    init = tf.globalVariablesInitializer();
    await new tf.Session().asDefault(async (sess) => {
      await sess.run(init);
      await sess.run(assign_hidden1_weights, new Map([[original_weights, original_w]]));
      await sess.run(assign_hidden1_biases, new Map([[original_biases, original_b]]));
      expect((await hidden1.eval(new Map([[X, [[10.0, 11.0]]]]))).toArray()).toEqual(expected);
    });
    expect(tf.getCollection(tf.GraphKeys.GLOBAL_VARIABLES, 'hidden1').map((v) => (v as tf.Variable).name)).toEqual(['hidden1/kernel:0', 'hidden1/bias:0']);
    expect(tf.getDefaultGraph().getTensorByName('hidden1/kernel:0').shape).toEqual([2, 3]);
    expect(tf.getDefaultGraph().getTensorByName('hidden1/bias:0').shape).toEqual([3]);
  });
});
