/**
 * Port of python/09_convolutional_autoencoder.py (with libs/activations.py's lrelu, in
 * ./pkmital-libs.ts) from github.com/pkmital/tensorflow_tutorials (Parag K. Mital, Apache
 * License 2.0), line by line in tsflow's conventions: strided convolutions encode, and
 * conv2d_transpose with the same (tied) filters decodes, its output shape a tf.stack of the
 * batch size from tf.shape(x) and the encoder's static shapes.
 *
 * Changes: MNIST comes from examples/tf1/input-data.ts; the plots become checks. The original
 * trains 10 epochs of 550 batches of 100 (Adam 0.01); bounded here to 25 batches of 50 (graph seed
 * 9). Checks: the static shapes of the code and the reconstruction, the reconstruction's runtime
 * shape for a batch of 10, the non-square input's ValueError, the minibatch cost falling below 60 %
 * of its first value, and the 10 test digits' error below their squared norm (the mean image's).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import * as inputData from '../../examples/tf1/input-data.js';
import { lrelu, meanImage, minusMean, sumSq } from './pkmital-libs.js';

function autoencoder(input_shape: (number | null)[] = [null, 784], n_filters = [1, 10, 10, 10], filter_sizes = [3, 3, 3, 3], corruption = false) {
  const x = tf.placeholder(tf.float32, input_shape, { name: 'x' });
  let x_tensor: tf.Tensor;
  // ensure 2-d is converted to square tensor.
  if (x.getShape().length === 2) {
    let x_dim = Math.sqrt(x.getShape().asList()[1]!);
    if (x_dim !== Math.trunc(x_dim)) throw new Error('Unsupported input dimensions');
    x_dim = Math.trunc(x_dim);
    x_tensor = tf.reshape(x, [-1, x_dim, x_dim, n_filters[0]!]);
  } else if (x.getShape().length === 4) {
    x_tensor = x;
  } else {
    throw new Error('Unsupported input dimensions');
  }
  let current_input = x_tensor;
  if (corruption) throw new Error('corruption is not used by test_mnist');

  // %% Build the encoder
  const encoder: tf.Variable[] = [];
  const shapes: (number | null)[][] = [];
  for (const [layer_i, n_output] of n_filters.slice(1).entries()) {
    const n_input = current_input.getShape().asList()[3]!;
    shapes.push(current_input.getShape().asList());
    const W = new tf.Variable(tf.randomUniform([filter_sizes[layer_i]!, filter_sizes[layer_i]!, n_input, n_output], -1.0 / Math.sqrt(n_input), 1.0 / Math.sqrt(n_input)));
    const b = new tf.Variable(tf.zeros([n_output]));
    encoder.push(W);
    const output = lrelu(tf.add(tf.nn.conv2d(current_input, W, { strides: [1, 2, 2, 1], padding: 'SAME' }), b));
    current_input = output;
  }
  const z = current_input;
  encoder.reverse();
  shapes.reverse();

  // %% Build the decoder using the same weights
  for (const [layer_i, shape] of shapes.entries()) {
    const W = encoder[layer_i]!;
    const b = new tf.Variable(tf.zeros([W.getShape().asList()[2]!]));
    const output = lrelu(tf.add(
      tf.nn.conv2dTranspose(current_input, W, tf.stack([tf.gather(tf.shape(x), 0), shape[1]!, shape[2]!, shape[3]!]), { strides: [1, 2, 2, 1], padding: 'SAME' }),
      b,
    ));
    current_input = output;
  }
  const y = current_input;
  const cost = tf.reduceSum(tf.square(tf.subtract(y, x_tensor)));
  return { x, z, y, cost };
}

describe('pkmital/tensorflow_tutorials 09_convolutional_autoencoder', () => {
  it('trains a convolutional autoencoder with tied conv2d_transpose filters', async () => {
    tf.resetDefaultGraph();
    expect(() => autoencoder([null, 780])).toThrow('Unsupported input dimensions');
    tf.resetDefaultGraph();
    tf.setRandomSeed(9);
    const mnist = inputData.readDataSets('MNIST_data', { oneHot: true });
    const mean_img = meanImage(mnist.train.images);
    const ae = autoencoder();
    // 28 -> 14 -> 7 -> 4 and back
    expect(ae.z.shape).toEqual([null, 4, 4, 10]);
    expect(ae.y.shape).toEqual([null, 28, 28, 1]);

    const optimizer = new tf.train.AdamOptimizer(0.01).minimize(ae.cost);
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    const costs: number[] = [];
    for (let batch_i = 0; batch_i < 25; batch_i++) {
      const [batch_xs] = mnist.train.nextBatch(50);
      const train = minusMean(batch_xs, mean_img);
      const [c] = (await sess.run([ae.cost, optimizer], [[ae.x, train]])) as [tf.NDArray, unknown];
      costs.push(c.data[0] as number);
    }
    expect(costs.at(-1)!).toBeLessThan(0.6 * costs[0]!);

    const [test_xs] = mnist.test.nextBatch(10);
    const test_xs_norm = minusMean(test_xs, mean_img);
    const recon = (await sess.run(ae.y, [[ae.x, test_xs_norm]])) as tf.NDArray;
    expect(recon.shape).toEqual([10, 28, 28, 1]);
    let err = 0;
    for (let i = 0; i < recon.size; i++) err += ((recon.data[i] as number) - (test_xs_norm.data[i] as number)) ** 2;
    expect(err).toBeLessThan(sumSq(test_xs_norm));
    await sess.close();
  });
});
