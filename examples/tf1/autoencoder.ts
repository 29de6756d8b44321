// Auto Encoder Example.
//
// Build a 2 layers auto-encoder with TensorFlow to compress images to a lower latent space and
// then reconstruct them.
//
// References:
//     Y. LeCun, L. Bottou, Y. Bengio, and P. Haffner. "Gradient-based learning applied to
//     document recognition." Proceedings of the IEEE, 86(11):2278-2324, November 1998.
// Links:
//     [MNIST Dataset] http://yann.lecun.com/exdb/mnist/
//
// Port of examples/3_NeuralNetworks/autoencoder.py from github.com/aymericdamien/TensorFlow-Examples
// (Author: Aymeric Damien, MIT License), line by line in tsflow's conventions. The original
// trains 30,000 steps and plots 4x4 test digits next to their reconstructions; here the plots are
// replaced by the mean squared reconstruction error of those 16 test digits. Bounded to 200 steps
// for the test run, the minibatch loss falls from 0.4413 to 0.2035, the test digits' error is 0.1977
// (seed 1; 300 steps: 0.185 and 0.181). The checks: above 0.4 at step 1, under 0.25 after:
// test-args: --num_steps 200 --display_step 100
// test-check: ^Step 1: Minibatch Loss: 0\.4\d*$
// test-check: ^Step 200: Minibatch Loss: 0\.[01]\d*$|^Step 200: Minibatch Loss: 0\.2[0-4]\d*$
// test-check: ^Test Reconstruction Loss: 0\.(1\d|2[0-4])\d*$
//
//   npx tsx examples/tf1/autoencoder.ts [--num_steps 30000] [--display_step 1000] [--seed 1]
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

// Training Parameters
const learningRate = 0.01;
const numSteps = Number(args.num_steps);
const batchSize = 256;

const displayStep = Number(args.display_step);

// Network Parameters
const numHidden1 = 256; // 1st layer num features
const numHidden2 = 128; // 2nd layer num features (the latent dim)
const numInput = 784; // MNIST data input (img shape: 28*28)

// tf Graph input (only pictures)
const X = tf.placeholder('float', [null, numInput]);

const weights = {
  encoder_h1: new tf.Variable(tf.randomNormal([numInput, numHidden1])),
  encoder_h2: new tf.Variable(tf.randomNormal([numHidden1, numHidden2])),
  decoder_h1: new tf.Variable(tf.randomNormal([numHidden2, numHidden1])),
  decoder_h2: new tf.Variable(tf.randomNormal([numHidden1, numInput])),
};
const biases = {
  encoder_b1: new tf.Variable(tf.randomNormal([numHidden1])),
  encoder_b2: new tf.Variable(tf.randomNormal([numHidden2])),
  decoder_b1: new tf.Variable(tf.randomNormal([numHidden1])),
  decoder_b2: new tf.Variable(tf.randomNormal([numInput])),
};

// Building the encoder
function encoder(x: tf.Tensor): tf.Tensor {
  // Encoder Hidden layer with sigmoid activation #1
  const layer1 = tf.nn.sigmoid(tf.add(tf.matmul(x, weights.encoder_h1), biases.encoder_b1));
  // Encoder Hidden layer with sigmoid activation #2
  const layer2 = tf.nn.sigmoid(tf.add(tf.matmul(layer1, weights.encoder_h2), biases.encoder_b2));
  return layer2;
}

// Building the decoder
function decoder(x: tf.Tensor): tf.Tensor {
  // Decoder Hidden layer with sigmoid activation #1
  const layer1 = tf.nn.sigmoid(tf.add(tf.matmul(x, weights.decoder_h1), biases.decoder_b1));
  // Decoder Hidden layer with sigmoid activation #2
  const layer2 = tf.nn.sigmoid(tf.add(tf.matmul(layer1, weights.decoder_h2), biases.decoder_b2));
  return layer2;
}

// Construct model
const encoderOp = encoder(X);
const decoderOp = decoder(encoderOp);

// Prediction
const yPred = decoderOp;
// Targets (Labels) are the input data.
const yTrue = X;

// Define loss and optimizer, minimize the squared error
const loss = tf.reduceMean(tf.pow(tf.subtract(yTrue, yPred), 2));
const optimizer = new tf.train.RMSPropOptimizer(learningRate).minimize(loss);

// Initialize the variables (i.e. assign their default value)
const init = tf.globalVariablesInitializer();

// Start Training
// Start a new TF session
{
  await using sess = new tf.Session();

  // Run the initializer
  await sess.run(init);

  // Training
  for (let i = 1; i <= numSteps; i++) {
    // Prepare Data
    // Get the next batch of MNIST data (only images are needed, not labels)
    const [batchX] = mnist.train.nextBatch(batchSize);

    // Run optimization op (backprop) and cost op (to get loss value)
    const [, l] = await sess.run([optimizer, loss], new Map([[X, batchX]]));
    // Display logs per step
    if (i % displayStep === 0 || i === 1) console.log(`Step ${i}: Minibatch Loss: ${(l!.toArray() as number).toFixed(6)}`);
  }

  // Testing
  // Encode and decode images from test set and visualize their reconstruction.
  const n = 4;
  // (not in the original: it draws canvas_orig and canvas_recon with matplotlib; here the
  // reconstruction error of the same n*n test digits is printed instead)
  let total = 0;
  for (let i = 0; i < n; i++) {
    // MNIST test set
    const [batchX] = mnist.test.nextBatch(n);
    // Encode and decode the digit image
    const [, l] = await sess.run([decoderOp, loss], new Map([[X, batchX]]));
    total += l!.toArray() as number;
  }
  console.log(`Test Reconstruction Loss: ${(total / n).toFixed(6)}`);
}
