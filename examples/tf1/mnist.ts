// Builds the MNIST network.
//
// Implements the inference/loss/training pattern for model building.
//
// 1. inference() - Builds the model as far as required for running the network forward to make
//    predictions.
// 2. loss() - Adds to the inference model the layers required to generate loss.
// 3. training() - Adds to the loss model the Ops required to generate and apply gradients.
//
// This file is used by the various "fully_connected_*.py" files and not meant to be run.
//
// Port of tensorflow/examples/tutorials/mnist/mnist.py from TensorFlow 1.15 (Apache License 2.0),
// line by line in tsflow's conventions; fully-connected-feed.ts runs it. Run on its own it
// builds the graph once and prints what it made:
// test-check: ^logits softmax_linear/Add:0 \[100,10\], eval_correct Sum:0, 7 variables$
import { pathToFileURL } from 'node:url';
import * as tf from 'tsflow';

// The MNIST dataset has 10 classes, representing the digits 0 through 9.
export const NUM_CLASSES = 10;

// The MNIST images are always 28x28 pixels.
export const IMAGE_SIZE = 28;
export const IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE;

/**
 * Build the MNIST model up to where it may be used for inference.
 * @param images Images placeholder, from inputs().
 * @param hidden1Units Size of the first hidden layer.
 * @param hidden2Units Size of the second hidden layer.
 * @returns softmax_linear: Output tensor with the computed logits.
 */
export function inference(images: tf.Tensor, hidden1Units: number, hidden2Units: number): tf.Tensor {
  // Hidden 1
  const hidden1 = tf.nameScope('hidden1', () => {
    const weights = new tf.Variable(
      tf.truncatedNormal([IMAGE_PIXELS, hidden1Units], { stddev: 1.0 / Math.sqrt(IMAGE_PIXELS) }),
      { name: 'weights' });
    const biases = new tf.Variable(tf.zeros([hidden1Units]), { name: 'biases' });
    return tf.nn.relu(tf.add(tf.matmul(images, weights), biases));
  });
  // Hidden 2
  const hidden2 = tf.nameScope('hidden2', () => {
    const weights = new tf.Variable(
      tf.truncatedNormal([hidden1Units, hidden2Units], { stddev: 1.0 / Math.sqrt(hidden1Units) }),
      { name: 'weights' });
    const biases = new tf.Variable(tf.zeros([hidden2Units]), { name: 'biases' });
    return tf.nn.relu(tf.add(tf.matmul(hidden1, weights), biases));
  });
  // Linear
  const logits = tf.nameScope('softmax_linear', () => {
    const weights = new tf.Variable(
      tf.truncatedNormal([hidden2Units, NUM_CLASSES], { stddev: 1.0 / Math.sqrt(hidden2Units) }),
      { name: 'weights' });
    const biases = new tf.Variable(tf.zeros([NUM_CLASSES]), { name: 'biases' });
    return tf.add(tf.matmul(hidden2, weights), biases);
  });
  return logits;
}

/**
 * Calculates the loss from the logits and the labels.
 * @param logits Logits tensor, float - [batch_size, NUM_CLASSES].
 * @param labels Labels tensor, int32 - [batch_size].
 * @returns loss: Loss tensor of type float.
 */
export function loss(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  labels = tf.toInt64(labels);
  return tf.losses.sparseSoftmaxCrossEntropy({ labels, logits });
}

/**
 * Sets up the training Ops.
 *
 * Creates a summarizer to track the loss over time in TensorBoard. Creates an optimizer and
 * applies the gradients to all trainable variables. The Op returned by this function is what
 * must be passed to the `sess.run()` call to cause the model to train.
 * @param loss Loss tensor, from loss().
 * @param learningRate The learning rate to use for gradient descent.
 * @returns trainOp: The Op for training.
 */
export function training(loss: tf.Tensor, learningRate: number): tf.Operation {
  // Add a scalar summary for the snapshot loss.
  tf.summary.scalar('loss', loss);
  // Create the gradient descent optimizer with the given learning rate.
  const optimizer = new tf.train.GradientDescentOptimizer(learningRate);
  // Create a variable to track the global step.
  const globalStep = new tf.Variable(0, { name: 'global_step', trainable: false });
  // Use the optimizer to apply the gradients that minimize the loss
  // (and also increment the global step counter) as a single training step.
  const trainOp = optimizer.minimize(loss, { globalStep });
  return trainOp;
}

/**
 * Evaluate the quality of the logits at predicting the label.
 * @param logits Logits tensor, float - [batch_size, NUM_CLASSES].
 * @param labels Labels tensor, int32 - [batch_size], with values in the range [0, NUM_CLASSES).
 * @returns A scalar int32 tensor with the number of examples (out of batch_size) that were
 *   predicted correctly.
 */
export function evaluation(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  // For a classifier model, we can use the in_top_k Op. It returns a bool tensor with shape
  // [batch_size] that is true for the examples where the label is in the top k (here k=1) of
  // all logits for that example.
  const correct = tf.nn.inTopK(logits, labels, 1);
  // Return the number of true entries.
  return tf.reduceSum(tf.cast(correct, tf.int32));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  new tf.Graph().asDefault(() => {
    const images = tf.placeholder(tf.float32, [100, IMAGE_PIXELS]);
    const labels = tf.placeholder(tf.int32, [100]);
    const logits = inference(images, 128, 32);
    training(loss(logits, labels), 0.01);
    const evalCorrect = evaluation(logits, labels);
    console.log(`logits ${logits.name} [${logits.shape!.join(',')}], eval_correct ${evalCorrect.name}, ${tf.globalVariables().length} variables`);
  });
}
