// A very simple MNIST classifier.
//
// Port of tensorflow/examples/tutorials/mnist/mnist_softmax.py from TensorFlow 1.15
// (github.com/tensorflow/tensorflow, Apache License 2.0), line by line in tsflow's conventions.
// The tutorial ("MNIST For ML Beginners") puts its test accuracy at about 92 %, trained on
// MNIST's 55,000 training images; on the 9,000 of input-data.ts's fallback it is 90.9 % here. The
// check accepts 90–93 %:
// test-check: ^0\.9[0-2]\d*$
//
//   npx tsx examples/tf1/mnist-softmax.ts [--data_dir DIR] [--steps 1000]
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
// Import data
import * as inputData from './input-data.js';

const { values: FLAGS } = parseArgs({
  options: {
    data_dir: { type: 'string', default: inputData.DEFAULT_DATA_DIR }, // Directory for storing input data
    steps: { type: 'string', default: '1000' }, // Training steps (the original's 1000)
  },
});

async function main(): Promise<void> {
  // Import data
  const mnist = inputData.readDataSets(FLAGS.data_dir);

  // Create the model
  const x = tf.placeholder(tf.float32, [null, 784]);
  const W = new tf.Variable(tf.zeros([784, 10]));
  const b = new tf.Variable(tf.zeros([10]));
  const y = tf.add(tf.matmul(x, W), b);

  // Define loss and optimizer
  const y_ = tf.placeholder(tf.int64, [null]);

  // The raw formulation of cross-entropy,
  //
  //   tf.reduceMean(-tf.reduceSum(y_ * tf.log(tf.nn.softmax(y)),
  //                               {reductionIndices: [1]}))
  //
  // can be numerically unstable.
  //
  // So here we use tf.losses.sparseSoftmaxCrossEntropy on the raw
  // outputs of 'y', and then average across the batch.
  const crossEntropy = tf.losses.sparseSoftmaxCrossEntropy({ labels: y_, logits: y });
  const trainStep = new tf.train.GradientDescentOptimizer(0.5).minimize(crossEntropy);

  const sess = new tf.InteractiveSession();
  await tf.globalVariablesInitializer().run();
  // Train
  for (let i = 0; i < Number(FLAGS.steps); i++) {
    const [batchXs, batchYs] = mnist.train.nextBatch(100);
    await sess.run(trainStep, new Map([[x, batchXs], [y_, batchYs]]));
  }

  // Test trained model
  const correctPrediction = tf.equal(tf.argmax(y, 1), y_);
  const accuracy = tf.reduceMean(tf.cast(correctPrediction, tf.float32));
  console.log(String((await sess.run(accuracy, new Map([[x, mnist.test.images], [y_, mnist.test.labels]]))).toArray()));
  await sess.close();
}

await main();
