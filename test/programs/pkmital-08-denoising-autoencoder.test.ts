/**
 * Port of python/08_denoising_autoencoder.py (with libs/utils.py's corrupt, in ./pkmital-libs.ts)
 * from github.com/pkmital/tensorflow_tutorials (Parag K. Mital, Apache License 2.0), line by line
 * in tsflow's conventions: a tied-weight autoencoder trained on inputs whose pixels are each
 * zeroed with probability 1/2 (a random int32 in [0, 2) over tf.shape(x)), mixed in by a fed
 * [1]-shaped corrupt_prob that broadcasts.
 *
 * Changes: MNIST comes from examples/tf1/input-data.ts; the plots become checks. The original
 * trains 10 epochs of 1100 batches of 50; bounded here to 40 batches (graph seed 8). Checks: with
 * corrupt_prob [1] about half of a batch's non-zero pixels reach the encoder zeroed (0.45–0.55), with
 * [0] none; the RMS cost falls below 85 % of its first value; the test digits' reconstruction with
 * corrupt_prob [0] has an RMS error below that of the mean image (their RMS norm).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import * as inputData from '../../examples/tf1/input-data.js';
import { corrupt, meanImage, minusMean, sumSq } from './pkmital-libs.js';

function autoencoder(dimensions = [784, 512, 256, 64]) {
  const x = tf.placeholder(tf.float32, [null, dimensions[0]!], { name: 'x' });
  // Probability that we will corrupt input.
  const corrupt_prob = tf.placeholder(tf.float32, [1]);
  let current_input = tf.add(tf.multiply(corrupt(x), corrupt_prob), tf.multiply(x, tf.subtract(1, corrupt_prob)));
  const corrupted = current_input;

  const encoder: tf.Variable[] = [];
  for (const n_output of dimensions.slice(1)) {
    const n_input = Number(current_input.getShape().get(1));
    const W = new tf.Variable(tf.randomUniform([n_input, n_output], -1.0 / Math.sqrt(n_input), 1.0 / Math.sqrt(n_input)));
    const b = new tf.Variable(tf.zeros([n_output]));
    encoder.push(W);
    current_input = tf.nn.tanh(tf.add(tf.matmul(current_input, W), b));
  }
  const z = current_input;
  encoder.reverse();
  for (const [layer_i, n_output] of dimensions.slice(0, -1).reverse().entries()) {
    const W = tf.transpose(encoder[layer_i]!);
    const b = new tf.Variable(tf.zeros([n_output]));
    current_input = tf.nn.tanh(tf.add(tf.matmul(current_input, W), b));
  }
  const y = current_input;
  const cost = tf.sqrt(tf.reduceMean(tf.square(tf.subtract(y, x))));
  return { x, z, y, corrupt_prob, cost, corrupted };
}

describe('pkmital/tensorflow_tutorials 08_denoising_autoencoder', () => {
  it('trains a denoising tied-weight autoencoder on MNIST', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(8);
    const mnist = inputData.readDataSets('MNIST_data', { oneHot: true });
    const mean_img = meanImage(mnist.train.images);
    const ae = autoencoder([784, 256, 64]);
    expect(ae.corrupted.shape).toEqual([null, 784]);
    const optimizer = new tf.train.AdamOptimizer(0.001).minimize(ae.cost);
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());

    // corrupt(x): each pixel kept or zeroed with probability 1/2
    const [probe] = mnist.train.nextBatch(50);
    const [c1, c0] = (await Promise.all([
      sess.run(ae.corrupted, [[ae.x, probe], [ae.corrupt_prob, [1.0]]]),
      sess.run(ae.corrupted, [[ae.x, probe], [ae.corrupt_prob, [0.0]]]),
    ])) as tf.NDArray[];
    let nz = 0, zeroed = 0;
    for (let i = 0; i < probe.size; i++) {
      const v = probe.data[i] as number;
      if (v === 0) continue;
      nz++;
      if (c1!.data[i] === 0) zeroed++;
      else expect(c1!.data[i]).toBe(v);
    }
    expect(zeroed / nz).toBeGreaterThan(0.45);
    expect(zeroed / nz).toBeLessThan(0.55);
    expect(Array.from(c0!.data)).toEqual(Array.from(probe.data));

    const costs: number[] = [];
    for (let batch_i = 0; batch_i < 40; batch_i++) {
      const [batch_xs] = mnist.train.nextBatch(50);
      const train = minusMean(batch_xs, mean_img);
      const [c] = (await sess.run([ae.cost, optimizer], [[ae.x, train], [ae.corrupt_prob, [1.0]]])) as [tf.NDArray, unknown];
      costs.push(c.data[0] as number);
    }
    expect(costs.at(-1)!).toBeLessThan(0.85 * costs[0]!);

    const [test_xs] = mnist.test.nextBatch(15);
    const test_xs_norm = minusMean(test_xs, mean_img);
    const recon = (await sess.run(ae.y, [[ae.x, test_xs_norm], [ae.corrupt_prob, [0.0]]])) as tf.NDArray;
    let err = 0;
    for (let i = 0; i < recon.size; i++) err += ((recon.data[i] as number) - (test_xs_norm.data[i] as number)) ** 2;
    expect(err).toBeLessThan(sumSq(test_xs_norm));
    await sess.close();
  });
});
