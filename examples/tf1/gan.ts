// Generative Adversarial Networks (GAN).
//
// Using generative adversarial networks (GAN) to generate digit images from a noise distribution.
//
// References:
//     - Generative adversarial nets. I Goodfellow, J Pouget-Abadie, M Mirza, B Xu, D Warde-Farley,
//     S Ozair, Y. Bengio. Advances in neural information processing systems, 2672-2680.
//     - Understanding the difficulty of training deep feedforward neural networks.
//     X Glorot, Y Bengio. Aistats 9, 249-256
//
// Port of tensorflow_v1/examples/3_NeuralNetworks/gan.py from
// github.com/aymericdamien/TensorFlow-Examples (Author: Aymeric Damien, MIT License), line by line
// in tsflow's conventions. The original trains 100,000 steps and plots 40 generated digits; here
// the plot is replaced by the mean pixel of 40 generated digits and the discriminator's mean
// output on them. A GAN's losses do not fall monotonically; what a short run shows is the
// discriminator winning first: bounded to 200 steps (seed 1) its loss falls from 1.3678 at step 1
// to 0.1864 while the generator's rises from 0.8747 to 3.3100:
// test-args: --num_steps 200 --display_step 100
// test-check: ^Step 1: Generator Loss: 0\.\d+, Discriminator Loss: 1\.\d+$
// test-check: ^Step 200: Generator Loss: [2-9]\.\d+, Discriminator Loss: 0\.[0-3]\d*$
// test-check: ^Generated: 40 digits, mean pixel 0\.\d+, discriminator 0\.\d+$
//
//   npx tsx examples/tf1/gan.ts [--num_steps 100000] [--display_step 1000] [--seed 1]
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import * as inputData from './input-data.js';
import * as np from './np-random.js';

const { values: args } = parseArgs({
  options: {
    num_steps: { type: 'string', default: '100000' },
    display_step: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
  },
});
// (not in the original: fixed here so that every run gives the same figures)
tf.setRandomSeed(Number(args.seed));
np.seed(Number(args.seed));

// Import MNIST data
const mnist = inputData.readDataSets('/tmp/data/', { oneHot: true });

// Training Params
const numSteps = Number(args.num_steps);
const batchSize = 128;
const learningRate = 0.0002;

// Network Params
const imageDim = 784; // 28*28 pixels
const genHiddenDim = 256;
const discHiddenDim = 256;
const noiseDim = 100; // Noise data points

// A custom initialization (see Xavier Glorot init)
function glorotInit(shape: number[]): tf.Tensor {
  return tf.randomNormal({ shape, stddev: tf.divide(1, tf.sqrt(shape[0]! / 2)) });
}

// Store layers weight & bias
const weights = {
  gen_hidden1: new tf.Variable(glorotInit([noiseDim, genHiddenDim])),
  gen_out: new tf.Variable(glorotInit([genHiddenDim, imageDim])),
  disc_hidden1: new tf.Variable(glorotInit([imageDim, discHiddenDim])),
  disc_out: new tf.Variable(glorotInit([discHiddenDim, 1])),
};
const biases = {
  gen_hidden1: new tf.Variable(tf.zeros([genHiddenDim])),
  gen_out: new tf.Variable(tf.zeros([imageDim])),
  disc_hidden1: new tf.Variable(tf.zeros([discHiddenDim])),
  disc_out: new tf.Variable(tf.zeros([1])),
};

// Generator
function generator(x: tf.Tensor): tf.Tensor {
  let hiddenLayer = tf.matmul(x, weights.gen_hidden1);
  hiddenLayer = tf.add(hiddenLayer, biases.gen_hidden1);
  hiddenLayer = tf.nn.relu(hiddenLayer);
  let outLayer = tf.matmul(hiddenLayer, weights.gen_out);
  outLayer = tf.add(outLayer, biases.gen_out);
  outLayer = tf.nn.sigmoid(outLayer);
  return outLayer;
}

// Discriminator
function discriminator(x: tf.Tensor): tf.Tensor {
  let hiddenLayer = tf.matmul(x, weights.disc_hidden1);
  hiddenLayer = tf.add(hiddenLayer, biases.disc_hidden1);
  hiddenLayer = tf.nn.relu(hiddenLayer);
  let outLayer = tf.matmul(hiddenLayer, weights.disc_out);
  outLayer = tf.add(outLayer, biases.disc_out);
  outLayer = tf.nn.sigmoid(outLayer);
  return outLayer;
}

// Build Networks
// Network Inputs
const genInput = tf.placeholder(tf.float32, { shape: [null, noiseDim], name: 'input_noise' });
const discInput = tf.placeholder(tf.float32, { shape: [null, imageDim], name: 'disc_input' });

// Build Generator Network
const genSample = generator(genInput);

// Build 2 Discriminator Networks (one from noise input, one from generated samples)
const discReal = discriminator(discInput);
const discFake = discriminator(genSample);

// Build Loss
const genLoss = tf.negative(tf.reduceMean(tf.log(discFake)));
const discLoss = tf.negative(tf.reduceMean(tf.add(tf.log(discReal), tf.log(tf.subtract(1, discFake)))));

// Build Optimizers
const optimizerGen = new tf.train.AdamOptimizer({ learningRate });
const optimizerDisc = new tf.train.AdamOptimizer({ learningRate });

// Training Variables for each optimizer
// By default in TensorFlow, all variables are updated by each optimizer, so we
// need to precise for each one of them the specific variables to update.
// Generator Network Variables
const genVars = [weights.gen_hidden1, weights.gen_out, biases.gen_hidden1, biases.gen_out];
// Discriminator Network Variables
const discVars = [weights.disc_hidden1, weights.disc_out, biases.disc_hidden1, biases.disc_out];

// Create training operations
const trainGen = optimizerGen.minimize(genLoss, { varList: genVars });
const trainDisc = optimizerDisc.minimize(discLoss, { varList: discVars });

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
    // Generate noise to feed to the generator
    const z = np.uniform(-1, 1, [batchSize, noiseDim]);

    // Train
    const feedDict = new Map([[discInput, batchX], [genInput, z]]);
    const [, , gl, dl] = await sess.run([trainGen, trainDisc, genLoss, discLoss], feedDict);
    if (i % Number(args.display_step) === 0 || i === 1) {
      console.log(`Step ${i}: Generator Loss: ${(gl!.toArray() as number).toFixed(6)}, Discriminator Loss: ${(dl!.toArray() as number).toFixed(6)}`);
    }
  }

  // Generate images from noise, using the generator network.
  // (not in the original: there the 4x10 digits are drawn with matplotlib; here their mean pixel
  // and the discriminator's mean output on them are printed)
  let pixels = 0;
  let judged = 0;
  for (let i = 0; i < 10; i++) {
    // Noise input.
    const z = np.uniform(-1, 1, [4, noiseDim]);
    const [g, d] = (await sess.run([genSample, discFake], new Map([[genInput, z]]))) as tf.NDArray[];
    pixels += Array.from(g!.data as Float32Array).reduce((a, b) => a + b, 0);
    judged += Array.from(d!.data as Float32Array).reduce((a, b) => a + b, 0);
  }
  console.log(`Generated: 40 digits, mean pixel ${(pixels / (40 * imageDim)).toFixed(4)}, discriminator ${(judged / 40).toFixed(4)}`);
}
