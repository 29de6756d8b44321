// Deep Convolutional Generative Adversarial Network (DCGAN).
//
// Using deep convolutional generative adversarial networks (DCGAN) to generate digit images from
// a noise distribution.
//
// References:
//     - Unsupervised representation learning with deep convolutional generative adversarial
//     networks. A Radford, L Metz, S Chintala. arXiv:1511.06434.
//
// Port of tensorflow_v1/examples/3_NeuralNetworks/dcgan.py from
// github.com/aymericdamien/TensorFlow-Examples (Author: Aymeric Damien, MIT License), line by line
// in tsflow's conventions (tf.layers dense, conv2dTranspose, conv2d, averagePooling2d and
// tf.contrib.layers.flatten in variable scopes shared with reuse). The original trains 20,000
// steps and plots 40 generated digits; here their mean pixel and the discriminator's verdict are
// printed instead. Bounded to 10 steps (seed 1; the convolutions make each step slow on a CPU),
// the discriminator's loss falls from 0.6938 (chance on two classes) to 0.0416 while the
// generator's rises from 0.6546 to 2.7312 (30 steps: 0.0637 and 13.22):
// test-args: --num_steps 10 --display_step 10
// test-check: ^Step 1: Generator Loss: 0\.\d+, Discriminator Loss: 0\.69\d+$
// test-check: ^Step 10: Generator Loss: [1-9]\.\d+, Discriminator Loss: 0\.[0-2]\d*$
// test-check: ^Generated: 40 digits of shape 28,28,1, mean pixel 0\.\d+$
//
//   npx tsx examples/tf1/dcgan.ts [--num_steps 20000] [--display_step 100] [--seed 1]
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import * as inputData from './input-data.js';
import * as np from './np-random.js';

const { values: args } = parseArgs({
  options: {
    num_steps: { type: 'string', default: '20000' },
    display_step: { type: 'string', default: '100' },
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
const batchSize = 32;

// Network Params
const noiseDim = 200; // Noise data points

// Generator Network
// Input: Noise, Output: Image
function generator(x: tf.Tensor, reuse = false): tf.Tensor {
  return tf.variableScope('Generator', { reuse }, () => {
    // TensorFlow Layers automatically create variables and calculate their
    // shape, based on the input.
    x = tf.layers.dense(x, { units: 6 * 6 * 128 });
    x = tf.nn.tanh(x);
    // Reshape to a 4-D array of images: (batch, height, width, channels)
    // New shape: (batch, 6, 6, 128)
    x = tf.reshape(x, { shape: [-1, 6, 6, 128] });
    // Deconvolution, image shape: (batch, 14, 14, 64)
    x = tf.layers.conv2dTranspose(x, 64, 4, { strides: 2 });
    // Deconvolution, image shape: (batch, 28, 28, 1)
    x = tf.layers.conv2dTranspose(x, 1, 2, { strides: 2 });
    // Apply sigmoid to clip values between 0 and 1
    x = tf.nn.sigmoid(x);
    return x;
  });
}

// Discriminator Network
// Input: Image, Output: Prediction Real/Fake Image
function discriminator(x: tf.Tensor, reuse = false): tf.Tensor {
  tf.variableScope('Discriminator', { reuse }, () => {
    // Typical convolutional neural network to classify images.
    x = tf.layers.conv2d(x, 64, 5);
    x = tf.nn.tanh(x);
    x = tf.layers.averagePooling2d(x, 2, 2);
    x = tf.layers.conv2d(x, 128, 5);
    x = tf.nn.tanh(x);
    x = tf.layers.averagePooling2d(x, 2, 2);
    x = tf.contrib.layers.flatten(x);
    x = tf.layers.dense(x, 1024);
    x = tf.nn.tanh(x);
    // Output 2 classes: Real and Fake images
    x = tf.layers.dense(x, 2);
  });
  return x;
}

// Build Networks
// Network Inputs
const noiseInput = tf.placeholder(tf.float32, { shape: [null, noiseDim] });
const realImageInput = tf.placeholder(tf.float32, { shape: [null, 28, 28, 1] });

// Build Generator Network
const genSample = generator(noiseInput);

// Build 2 Discriminator Networks (one from real image input, one from generated samples)
const discReal = discriminator(realImageInput);
const discFake = discriminator(genSample, true);
const discConcat = tf.concat([discReal, discFake], { axis: 0 });

// Build the stacked generator/discriminator
const stackedGan = discriminator(genSample, true);

// Build Targets (real or fake images)
const discTarget = tf.placeholder(tf.int32, { shape: [null] });
const genTarget = tf.placeholder(tf.int32, { shape: [null] });

// Build Loss
const discLoss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ logits: discConcat, labels: discTarget }));
const genLoss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ logits: stackedGan, labels: genTarget }));

// Build Optimizers
const optimizerGen = new tf.train.AdamOptimizer({ learningRate: 0.001 });
const optimizerDisc = new tf.train.AdamOptimizer({ learningRate: 0.001 });

// Training Variables for each optimizer
// By default in TensorFlow, all variables are updated by each optimizer, so we
// need to precise for each one of them the specific variables to update.
// Generator Network Variables
const genVars = tf.getCollection(tf.GraphKeys.TRAINABLE_VARIABLES, { scope: 'Generator' }) as tf.Variable[];
// Discriminator Network Variables
const discVars = tf.getCollection(tf.GraphKeys.TRAINABLE_VARIABLES, { scope: 'Discriminator' }) as tf.Variable[];

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
    // Prepare Input Data
    // Get the next batch of MNIST data (only images are needed, not labels)
    let [batchX] = mnist.train.nextBatch(batchSize);
    batchX = new tf.NDArray(batchX.data, [batchX.shape[0]!, 28, 28, 1]); // np.reshape(batch_x, newshape=[-1, 28, 28, 1])
    // Generate noise to feed to the generator
    const z = np.uniform(-1, 1, [batchSize, noiseDim]);

    // Prepare Targets (Real image: 1, Fake image: 0)
    // The first half of data fed to the discriminator are real images,
    // the other half are fake images (coming from the generator).
    const batchDiscY = [...new Array(batchSize).fill(1), ...new Array(batchSize).fill(0)];
    // Generator tries to fool the discriminator, thus targets are 1.
    const batchGenY = new Array(batchSize).fill(1);

    // Training
    const feedDict = new Map<tf.Tensor, tf.NDArray | number[]>([[realImageInput, batchX], [noiseInput, z], [discTarget, batchDiscY], [genTarget, batchGenY]]);
    const [, , gl, dl] = await sess.run([trainGen, trainDisc, genLoss, discLoss], feedDict);
    if (i % Number(args.display_step) === 0 || i === 1) {
      console.log(`Step ${i}: Generator Loss: ${(gl!.toArray() as number).toFixed(6)}, Discriminator Loss: ${(dl!.toArray() as number).toFixed(6)}`);
    }
  }

  // Generate images from noise, using the generator network.
  // (not in the original: there the 4x10 digits are drawn with matplotlib; here their mean pixel
  // is printed)
  let pixels = 0;
  let shape: number[] = [];
  for (let i = 0; i < 10; i++) {
    // Noise input.
    const z = np.uniform(-1, 1, [4, noiseDim]);
    const g = (await sess.run(genSample, new Map([[noiseInput, z]]))) as tf.NDArray;
    shape = g.shape.slice(1);
    pixels += Array.from(g.data as Float32Array).reduce((a, b) => a + b, 0);
  }
  console.log(`Generated: 40 digits of shape ${shape.join(',')}, mean pixel ${(pixels / (40 * 784)).toFixed(4)}`);
}
