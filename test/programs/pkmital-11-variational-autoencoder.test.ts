/**
 * Port of python/11_variational_autoencoder.py (with libs/utils.py's weight_variable /
 * bias_variable, in ./pkmital-libs.ts) from github.com/pkmital/tensorflow_tutorials (Parag K.
 * Mital, Apache License 2.0), line by line in tsflow's conventions: a VAE with softplus layers,
 * noise drawn with a shape packed from tf.shape(x), and the decoder run alone by feeding the
 * sampled code `z` (an intermediate tensor, not a placeholder).
 *
 * Changes: MNIST comes from examples/tf1/input-data.ts; the manifold/scatter plots become checks.
 * The original uses 2048 units per layer and trains 50 epochs of 550 batches of 100; here VAE() is
 * called with 128 units (its parameters) and trains 60 batches of 50 (graph seed 11). Checks: the
 * debug form (x a [50, 784] zeros Variable) builds with static shapes; the cost, about 543
 * (784·ln 2) at the start, falls below 250; feeding z decodes a 20-point grid of codes into
 * [1, 784] images in (0, 1) without running the encoder (x is not fed); the codes of 100 test
 * digits have the shape [100, 2].
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import * as inputData from '../../examples/tf1/input-data.js';
import { bias_variable, weight_variable } from './pkmital-libs.js';

function VAE(input_shape: (number | null)[] = [null, 784], n_components_encoder = 2048, n_components_decoder = 2048, n_hidden = 2, debug = false) {
  let x: tf.Tensor | tf.Variable;
  if (debug) {
    input_shape = [50, 784];
    x = new tf.Variable(new tf.NDArray(new Float32Array(50 * 784), [50, 784]));
  } else {
    x = tf.placeholder(tf.float32, input_shape);
  }
  const activation = tf.nn.softplus;
  const dims = x.getShape().asList();
  const n_features = dims[1]!;

  const W_enc1 = weight_variable([n_features, n_components_encoder]);
  const b_enc1 = bias_variable([n_components_encoder]);
  const h_enc1 = activation(tf.add(tf.matmul(x, W_enc1), b_enc1));
  const W_enc2 = weight_variable([n_components_encoder, n_components_encoder]);
  const b_enc2 = bias_variable([n_components_encoder]);
  const h_enc2 = activation(tf.add(tf.matmul(h_enc1, W_enc2), b_enc2));
  const W_enc3 = weight_variable([n_components_encoder, n_components_encoder]);
  const b_enc3 = bias_variable([n_components_encoder]);
  const h_enc3 = activation(tf.add(tf.matmul(h_enc2, W_enc3), b_enc3));

  const W_mu = weight_variable([n_components_encoder, n_hidden]);
  const b_mu = bias_variable([n_hidden]);
  const W_log_sigma = weight_variable([n_components_encoder, n_hidden]);
  const b_log_sigma = bias_variable([n_hidden]);
  const z_mu = tf.add(tf.matmul(h_enc3, W_mu), b_mu);
  const z_log_sigma = tf.multiply(0.5, tf.add(tf.matmul(h_enc3, W_log_sigma), b_log_sigma));

  // %% Sample from noise distribution p(eps) ~ N(0, 1)
  const epsilon = debug ? tf.randomNormal([dims[0]!, n_hidden]) : tf.randomNormal(tf.stack([tf.gather(tf.shape(x), 0), n_hidden]));
  // Sample from posterior
  const z = tf.add(z_mu, tf.multiply(tf.exp(z_log_sigma), epsilon));

  const W_dec1 = weight_variable([n_hidden, n_components_decoder]);
  const b_dec1 = bias_variable([n_components_decoder]);
  const h_dec1 = activation(tf.add(tf.matmul(z, W_dec1), b_dec1));
  const W_dec2 = weight_variable([n_components_decoder, n_components_decoder]);
  const b_dec2 = bias_variable([n_components_decoder]);
  const h_dec2 = activation(tf.add(tf.matmul(h_dec1, W_dec2), b_dec2));
  const W_dec3 = weight_variable([n_components_decoder, n_components_decoder]);
  const b_dec3 = bias_variable([n_components_decoder]);
  const h_dec3 = activation(tf.add(tf.matmul(h_dec2, W_dec3), b_dec3));
  const W_mu_dec = weight_variable([n_components_decoder, n_features]);
  const b_mu_dec = bias_variable([n_features]);
  const y = tf.nn.sigmoid(tf.add(tf.matmul(h_dec3, W_mu_dec), b_mu_dec));

  // p(x|z)
  const log_px_given_z = tf.negative(tf.reduceSum(tf.add(
    tf.multiply(x, tf.log(tf.add(y, 1e-10))),
    tf.multiply(tf.subtract(1, x), tf.log(tf.add(tf.subtract(1, y), 1e-10))),
  ), 1));
  // d_kl(q(z|x)||p(z)): Appendix B: 0.5 * sum(1 + log(sigma^2) - mu^2 - sigma^2)
  const kl_div = tf.multiply(-0.5, tf.reduceSum(
    tf.subtract(tf.subtract(tf.add(1.0, tf.multiply(2.0, z_log_sigma)), tf.square(z_mu)), tf.exp(tf.multiply(2.0, z_log_sigma))),
    1,
  ));
  const loss = tf.reduceMean(tf.add(log_px_given_z, kl_div));
  return { cost: loss, x, z, y };
}

describe('pkmital/tensorflow_tutorials 11_variational_autoencoder', () => {
  it('trains a VAE and decodes codes fed to z', async () => {
    tf.resetDefaultGraph();
    const dbg = VAE([null, 784], 16, 16, 2, true);
    expect(dbg.z.shape).toEqual([50, 2]);
    expect(dbg.y.shape).toEqual([50, 784]);
    expect(dbg.cost.shape).toEqual([]);

    tf.resetDefaultGraph();
    tf.setRandomSeed(11);
    const mnist = inputData.readDataSets('MNIST_data', { oneHot: true });
    const ae = VAE([null, 784], 128, 128);
    expect(ae.z.shape).toEqual([null, 2]);
    const optimizer = new tf.train.AdamOptimizer(0.001).minimize(ae.cost);
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());

    const costs: number[] = [];
    for (let batch_i = 0; batch_i < 60; batch_i++) {
      const [batch_xs] = mnist.train.nextBatch(50);
      const [c] = (await sess.run([ae.cost, optimizer], [[ae.x as tf.Tensor, batch_xs]])) as [tf.NDArray, unknown];
      costs.push(c.data[0] as number);
    }
    // near 784 ln 2 = 543.4 with outputs of 1/2 at the start
    expect(costs[0]!).toBeGreaterThan(450);
    expect(costs[0]!).toBeLessThan(600);
    expect(costs.at(-1)!).toBeLessThan(250);

    // %% reconstructions from the latent layer: z fed, x not
    const n_examples = 20;
    const grid = Array.from({ length: n_examples }, (_, i) => -3 + (6 * i) / (n_examples - 1));
    for (const img_i of [grid[0]!, grid[7]!, grid[19]!]) {
      const zv = new tf.NDArray(Float32Array.of(img_i, -img_i), [1, 2]);
      const recon = (await sess.run(ae.y, [[ae.z, zv]])) as tf.NDArray;
      expect(recon.shape).toEqual([1, 784]);
      for (const v of recon.data as Float32Array) expect(v > 0 && v < 1).toBe(true);
    }
    // %% the codes of test digits
    const zs = (await sess.run(ae.z, [[ae.x as tf.Tensor, new tf.NDArray((mnist.test.images.data as Float32Array).subarray(0, 100 * 784), [100, 784])]])) as tf.NDArray;
    expect(zs.shape).toEqual([100, 2]);
    await sess.close();
  });
});
