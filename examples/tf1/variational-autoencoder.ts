// Variational Auto-Encoder Example.
//
// Using a variational auto-encoder to generate digits images from noise. MNIST handwritten digits
// are used as training examples.
//
// References:
//     - Auto-Encoding Variational Bayes The International Conference on Learning
//     Representations (ICLR), Banff, 2014. D.P. Kingma, M. Welling
//     - Understanding the difficulty of training deep feedforward neural networks.
//     X Glorot, Y Bengio. Aistats 9, 249-256
//     - Y. LeCun, L. Bottou, Y. Bengio, and P. Haffner. "Gradient-based learning applied to
//     document recognition." Proceedings of the IEEE, 86(11):2278-2324, November 1998.
//
// Port of examples/3_NeuralNetworks/variational_autoencoder.py from
// github.com/aymericdamien/TensorFlow-Examples (Author: Aymeric Damien, MIT License), line by
// line in tsflow's conventions. The original trains 30,000 steps and draws a 20x20 manifold of
// decoded digits with matplotlib; here the manifold is decoded the same way and its mean pixel
// value printed. Bounded to 200 steps for the test run (seed 1), the loss falls from 645.9 (step
// 1) to 198.0 (300 steps: 210.9, the minibatches are noisy); the checks: above 500, then under 250:
// test-args: --num_steps 200 --display_step 100
// test-check: ^Step 1, Loss: ([5-9]\d\d|\d{4,})\.\d+$
// test-check: ^Step 200, Loss: (1\d\d|2[0-4]\d)\.\d+$
// test-check: ^Manifold: 400 digits of 784 pixels, mean 0\.\d+$
//
//   npx tsx examples/tf1/variational-autoencoder.ts [--num_steps 30000] [--display_step 1000] [--seed 1]
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import * as inputData from './input-data.js';

const { values: args } = parseArgs({
  options: {
    num_steps: { type: 'string', default: '30000' },
    display_step: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
  },
});
tf.setRandomSeed(Number(args.seed)); // (not in the original: fixed here so that every run gives the same figures)

// Import MNIST data
const mnist = inputData.readDataSets('/tmp/data/', { oneHot: true });

// Parameters
const learningRate = 0.001;
const numSteps = Number(args.num_steps);
const batchSize = 64;

// Network Parameters
const imageDim = 784; // MNIST images are 28x28 pixels
const hiddenDim = 512;
const latentDim = 2;

// A custom initialization (see Xavier Glorot init)
function glorotInit(shape: number[]): tf.Tensor {
  return tf.randomNormal(shape, { stddev: tf.divide(1, tf.sqrt(shape[0]! / 2)) });
}

// Variables
const weights = {
  encoder_h1: new tf.Variable(glorotInit([imageDim, hiddenDim])),
  z_mean: new tf.Variable(glorotInit([hiddenDim, latentDim])),
  z_std: new tf.Variable(glorotInit([hiddenDim, latentDim])),
  decoder_h1: new tf.Variable(glorotInit([latentDim, hiddenDim])),
  decoder_out: new tf.Variable(glorotInit([hiddenDim, imageDim])),
};
const biases = {
  encoder_b1: new tf.Variable(glorotInit([hiddenDim])),
  z_mean: new tf.Variable(glorotInit([latentDim])),
  z_std: new tf.Variable(glorotInit([latentDim])),
  decoder_b1: new tf.Variable(glorotInit([hiddenDim])),
  decoder_out: new tf.Variable(glorotInit([imageDim])),
};

// Building the encoder
const inputImage = tf.placeholder(tf.float32, { shape: [null, imageDim] });
let encoder = tf.add(tf.matmul(inputImage, weights.encoder_h1), biases.encoder_b1);
encoder = tf.nn.tanh(encoder);
const zMean = tf.add(tf.matmul(encoder, weights.z_mean), biases.z_mean);
const zStd = tf.add(tf.matmul(encoder, weights.z_std), biases.z_std);

// Sampler: Normal (gaussian) random distribution
const eps = tf.randomNormal(tf.shape(zStd), { dtype: tf.float32, mean: 0, stddev: 1.0, name: 'epsilon' });
const z = tf.add(zMean, tf.multiply(tf.exp(tf.divide(zStd, 2)), eps));

// Building the decoder (with scope to re-use these layers later)
let decoder = tf.add(tf.matmul(z, weights.decoder_h1), biases.decoder_b1);
decoder = tf.nn.tanh(decoder);
decoder = tf.add(tf.matmul(decoder, weights.decoder_out), biases.decoder_out);
decoder = tf.nn.sigmoid(decoder);

// Define VAE Loss
function vaeLoss(xReconstructed: tf.Tensor, xTrue: tf.Tensor): tf.Tensor {
  // Reconstruction loss
  let encodeDecodeLoss = tf.add(
    tf.multiply(xTrue, tf.log(tf.add(1e-10, xReconstructed))),
    tf.multiply(tf.subtract(1, xTrue), tf.log(tf.subtract(tf.add(1e-10, 1), xReconstructed))),
  );
  encodeDecodeLoss = tf.negative(tf.reduceSum(encodeDecodeLoss, 1));
  // KL Divergence loss
  let klDivLoss = tf.subtract(tf.subtract(tf.add(1, zStd), tf.square(zMean)), tf.exp(zStd));
  klDivLoss = tf.multiply(-0.5, tf.reduceSum(klDivLoss, 1));
  return tf.reduceMean(tf.add(encodeDecodeLoss, klDivLoss));
}

const lossOp = vaeLoss(decoder, inputImage);
const optimizer = new tf.train.RMSPropOptimizer({ learningRate });
const trainOp = optimizer.minimize(lossOp);

// Initialize the variables (i.e. assign their default value)
const init = tf.globalVariablesInitializer();

// Start training
{
  await using sess = new tf.Session();

  // Run the initializer
  await sess.run(init);

  for (let i = 1; i <= numSteps; i++) {
    // Prepare Data
    // Get the next batch of MNIST data (only images are needed, not labels)
    const [batchX] = mnist.train.nextBatch(batchSize);

    // Train
    const feedDict = new Map([[inputImage, batchX]]);
    const [, l] = await sess.run([trainOp, lossOp], feedDict);
    if (i % Number(args.display_step) === 0 || i === 1) console.log(`Step ${i}, Loss: ${(l!.toArray() as number).toFixed(6)}`);
  }

  // Testing
  // Generator takes noise as input
  const noiseInput = tf.placeholder(tf.float32, { shape: [null, latentDim] });
  // Rebuild the decoder to create image from noise
  decoder = tf.add(tf.matmul(noiseInput, weights.decoder_h1), biases.decoder_b1);
  decoder = tf.nn.tanh(decoder);
  decoder = tf.add(tf.matmul(decoder, weights.decoder_out), biases.decoder_out);
  decoder = tf.nn.sigmoid(decoder);

  // Building a manifold of generated digits
  const n = 20;
  const linspace = (a: number, b: number, k: number) => Array.from({ length: k }, (_, i) => a + ((b - a) * i) / (k - 1));
  const xAxis = linspace(-3, 3, n);
  const yAxis = linspace(-3, 3, n);

  // (not in the original: the canvas is drawn with matplotlib there; here the decoded digits are
  // summed up and their mean pixel printed)
  let digits = 0;
  let sum = 0;
  for (const yi of xAxis) {
    for (const xi of yAxis) {
      const zMu = Array.from({ length: batchSize }, () => [xi, yi]);
      const xMean = (await sess.run(decoder, new Map([[noiseInput, zMu]]))) as tf.NDArray;
      digits += 1;
      for (let p = 0; p < imageDim; p++) sum += (xMean.data as Float32Array)[p]!; // x_mean[0]
    }
  }
  console.log(`Manifold: ${digits} digits of ${imageDim} pixels, mean ${(sum / (digits * imageDim)).toFixed(4)}`);
}
