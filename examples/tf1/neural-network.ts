// Neural Network.
//
// A 2-Hidden Layers Fully Connected Neural Network (a.k.a Multilayer Perceptron) implementation
// with TensorFlow. This example is using the MNIST database of handwritten digits
// (http://yann.lecun.com/exdb/mnist/). This example is using TensorFlow layers, see
// 'neural_network_raw' example for a raw implementation with variables.
//
// Port of tensorflow_v1/examples/3_NeuralNetworks/neural_network.py from
// github.com/aymericdamien/TensorFlow-Examples (Author: Aymeric Damien, MIT License), line by
// line in tsflow's conventions: a tf.layers model function in a tf.estimator.Estimator fed by
// tf.estimator.inputs.numpyInputFn, trained 1000 steps of batch 128 by gradient descent and
// evaluated on the test images. Additions (marked below): --num_steps, --model_dir,
// --eval_size and a fixed graph seed. test/examples-estimator.test.ts runs it bounded.
//
//   npx tsx examples/tf1/neural-network.ts [--num_steps 1000] [--model_dir DIR] [--eval_size 10000]
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import * as inputData from './input-data.js';

const { values: args } = parseArgs({
  options: { num_steps: { type: 'string', default: '1000' }, model_dir: { type: 'string' }, eval_size: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' } },
});

// Import MNIST data
const mnist = inputData.readDataSets('/tmp/data/', { oneHot: false });

// Parameters
const learningRate = 0.1;
const numSteps = Number(args.num_steps);
const batchSize = 128;
const displayStep = 100;
void displayStep;

// Network Parameters
const nHidden1 = 256; // 1st layer number of neurons
const nHidden2 = 256; // 2nd layer number of neurons
const numInput = 784; // MNIST data input (img shape: 28*28)
const numClasses = 10; // MNIST total classes (0-9 digits)
void numInput;

// Define the neural network
function neuralNet(xDict: Record<string, tf.Tensor>): tf.Tensor {
  // TF Estimator input is a dict, in case of multiple inputs
  const x = xDict.images!;
  // Hidden fully connected layer with 256 neurons
  const layer1 = tf.layers.dense(x, nHidden1);
  // Hidden fully connected layer with 256 neurons
  const layer2 = tf.layers.dense(layer1, nHidden2);
  // Output fully connected layer with a neuron for each class
  const outLayer = tf.layers.dense(layer2, numClasses);
  return outLayer;
}

// Define the model function (following TF Estimator Template)
function modelFn(features: Record<string, tf.Tensor>, labels: tf.Tensor, mode: tf.estimator.Mode): tf.estimator.EstimatorSpec {
  // Build the neural network
  const logits = neuralNet(features);

  // Predictions
  const predClasses = tf.argmax(logits, { axis: 1 });
  const predProbas = tf.nn.softmax(logits);
  void predProbas;

  // If prediction mode, early return
  if (mode === tf.estimator.ModeKeys.PREDICT) return new tf.estimator.EstimatorSpec(mode, { predictions: predClasses });

  // Define loss and optimizer
  const lossOp = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ logits, labels: tf.cast(labels, { dtype: tf.int32 }) }));
  const optimizer = new tf.train.GradientDescentOptimizer({ learningRate });
  const trainOp = optimizer.minimize(lossOp, { globalStep: tf.train.getGlobalStep()! });

  // Evaluate the accuracy of the model
  const accOp = tf.metrics.accuracy({ labels, predictions: predClasses });

  // TF Estimators requires to return a EstimatorSpec, that specify
  // the different ops for training, evaluating, ...
  const estimSpecs = new tf.estimator.EstimatorSpec({
    mode,
    predictions: predClasses,
    loss: lossOp,
    trainOp,
    evalMetricOps: { accuracy: accOp },
  });

  return estimSpecs;
}

// Build the Estimator
// (not in the original: --model_dir, and a graph seed so that every run gives the same figures)
const model = new tf.estimator.Estimator(modelFn as tf.estimator.ModelFn, { modelDir: args.model_dir ?? null, config: new tf.estimator.RunConfig({ tfRandomSeed: Number(args.seed) }) });

// Define the input function for training
let inputFn = tf.estimator.inputs.numpyInputFn({ images: mnist.train.images }, mnist.train.labels, { batchSize, numEpochs: null, shuffle: true });
// Train the Model
await model.train(inputFn, { steps: numSteps });

// Evaluate the Model
// Define the input function for evaluating
// (not in the original: --eval_size, the first N test images)
const evalSize = Math.min(Number(args.eval_size), mnist.test.numExamples);
const testImages = new tf.NDArray((mnist.test.images.data as Float32Array).subarray(0, evalSize * 784), [evalSize, 784]);
const testLabels = new tf.NDArray((mnist.test.labels.data as Float32Array).subarray(0, evalSize), [evalSize], mnist.test.labels.dtype);
inputFn = tf.estimator.inputs.numpyInputFn({ images: testImages }, testLabels, { batchSize, shuffle: false });
// Use the Estimator 'evaluate' method
const e = await model.evaluate(inputFn);

console.log('Testing Accuracy:', e.accuracy);
console.log('Global step:', e.global_step); // (not in the original)
