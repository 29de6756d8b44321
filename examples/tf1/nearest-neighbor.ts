// A nearest neighbor learning algorithm example using TensorFlow library.
// This example is using the MNIST database of handwritten digits
// (http://yann.lecun.com/exdb/mnist/)
//
// Port of tensorflow_v1/examples/2_BasicModels/nearest_neighbor.py from
// github.com/aymericdamien/TensorFlow-Examples (Author: Aymeric Damien, MIT License), line by line
// in tsflow's conventions. The original's notebook ends with "Accuracy: 0.92" (200 test digits
// against 5000 training digits); the check accepts 0.88–0.96:
// test-check: ^Accuracy: 0\.(8[89]|9[0-5])\d*$
//
//   npx tsx examples/tf1/nearest-neighbor.ts
import * as tf from 'tsflow';
import * as inputData from './input-data.js';

/** numpy.argmax of one row of an NDArray. */
function argmax(a: tf.NDArray, row: number): number {
  const w = a.shape[1]!;
  let best = 0;
  for (let j = 1; j < w; j++) if (a.data[row * w + j]! > a.data[row * w + best]!) best = j;
  return best;
}

/** Row i of a 2-D NDArray, as a 1-D NDArray (`Xte[i, :]`). */
function row(a: tf.NDArray, i: number): tf.NDArray {
  const w = a.shape[1]!;
  return new tf.NDArray((a.data as Float32Array).subarray(i * w, (i + 1) * w), [w], a.dtype);
}

// Import MNIST data
const mnist = inputData.readDataSets('/tmp/data/', { oneHot: true });

// In this example, we limit mnist data
const [Xtr, Ytr] = mnist.train.nextBatch(5000); // 5000 for training (nn candidates)
const [Xte, Yte] = mnist.test.nextBatch(200); // 200 for testing

// tf Graph Input
const xtr = tf.placeholder('float32', [null, 784]);
const xte = tf.placeholder('float32', [784]);

// Nearest Neighbor calculation using L1 Distance
// Calculate L1 Distance
const distance = tf.reduceSum(tf.abs(tf.add(xtr, tf.negative(xte))), 1);
// Prediction: Get min distance index (Nearest neighbor)
const pred = tf.argMin(distance, 0);

let accuracy = 0;

// Initialize the variables (i.e. assign their default value)
const init = tf.globalVariablesInitializer();

// Start training
{
  await using sess = new tf.Session();

  // Run the initializer
  await sess.run(init);

  // loop over test data
  for (let i = 0; i < Xte.shape[0]!; i++) {
    // Get nearest neighbor
    const nnIndex = Number((await sess.run(pred, new Map([[xtr, Xtr], [xte, row(Xte, i)]]))).toArray());
    // Get nearest neighbor class label and compare it to its true label
    console.log('Test', i, 'Prediction:', argmax(Ytr, nnIndex), 'True Class:', argmax(Yte, i));
    // Calculate accuracy
    if (argmax(Ytr, nnIndex) === argmax(Yte, i)) accuracy += 1 / Xte.shape[0]!;
  }
  console.log('Done!');
  console.log('Accuracy:', Number(accuracy.toPrecision(12)));
}
