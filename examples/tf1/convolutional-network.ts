// Convolutional Neural Network Example.
//
// Build a convolutional neural network with TensorFlow. This example is using TensorFlow
// layers API, see 'convolutional_network_raw' example for a raw TensorFlow implementation with
// variables. This example is using the MNIST database of handwritten digits
// (http://yann.lecun.com/exdb/mnist/).
//
// Port of tensorflow_v1/examples/3_NeuralNetworks/convolutional_network.py from
// github.com/aymericdamien/TensorFlow-Examples (Author: Aymeric Damien, MIT License), line by
// line in tsflow's conventions: a tf.layers model function in a tf.estimator.Estimator fed by
// tf.estimator.inputs.numpyInputFn. The original trains 2000 steps of batch 128 on MNIST's
// 55,000 training images and evaluates on the 10,000 test images. Additions (marked below):
// --num_steps, --verbose, --model_dir (train again on the same dir and the Estimator resumes from its
// latest checkpoint), --eval_size (the first N test images), a fixed graph seed, and a predict
// call on the first test digits. test/examples-estimator.test.ts runs it bounded, twice on one
// model dir in two processes, and checks the accuracy and that the global step continued.
//
//   npx tsx examples/tf1/convolutional-network.ts [--num_steps 2000] [--model_dir DIR] [--eval_size 10000]
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import * as inputData from './input-data.js';

const { values: args } = parseArgs({
  options: { num_steps: { type: 'string', default: '2000' }, model_dir: { type: 'string' }, eval_size: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' }, verbose: { type: 'boolean', default: false } },
});

// (not in the original: --verbose shows TF's INFO log lines, as tf.logging.set_verbosity(tf.logging.INFO))
if (args.verbose) tf.logging.setVerbosity(tf.logging.INFO);

// Import MNIST data
const mnist = inputData.readDataSets('/tmp/data/', { oneHot: false });

// Training Parameters
const learningRate = 0.001;
const numSteps = Number(args.num_steps);
const batchSize = 128;

// Network Parameters
const numInput = 784; // MNIST data input (img shape: 28*28)
const numClasses = 10; // MNIST total classes (0-9 digits)
const dropout = 0.25; // Dropout, probability to drop a unit
void numInput;

// Create the neural network
function convNet(xDict: Record<string, tf.Tensor>, nClasses: number, dropout: number, reuse: boolean, isTraining: boolean): tf.Tensor {
  // Define a scope for reusing the variables
  return tf.variableScope('ConvNet', { reuse }, () => {
    // TF Estimator input is a dict, in case of multiple inputs
    let x = xDict.images!;

    // MNIST data input is a 1-D vector of 784 features (28*28 pixels)
    // Reshape to match picture format [Height x Width x Channel]
    // Tensor input become 4-D: [Batch Size, Height, Width, Channel]
    x = tf.reshape(x, { shape: [-1, 28, 28, 1] });

    // Convolution Layer with 32 filters and a kernel size of 5
    let conv1 = tf.layers.conv2d(x, 32, 5, { activation: tf.nn.relu });
    // Max Pooling (down-sampling) with strides of 2 and kernel size of 2
    conv1 = tf.layers.maxPooling2d(conv1, 2, 2);

    // Convolution Layer with 64 filters and a kernel size of 3
    let conv2 = tf.layers.conv2d(conv1, 64, 3, { activation: tf.nn.relu });
    // Max Pooling (down-sampling) with strides of 2 and kernel size of 2
    conv2 = tf.layers.maxPooling2d(conv2, 2, 2);

    // Flatten the data to a 1-D vector for the fully connected layer
    let fc1 = tf.contrib.layers.flatten(conv2);

    // Fully connected layer (in tf contrib folder for now)
    fc1 = tf.layers.dense(fc1, 1024);
    // Apply Dropout (if is_training is False, dropout is not applied)
    fc1 = tf.layers.dropout(fc1, { rate: dropout, training: isTraining });

    // Output layer, class prediction
    const out = tf.layers.dense(fc1, nClasses);
    return out;
  });
}

// Define the model function (following TF Estimator Template)
function modelFn(features: Record<string, tf.Tensor>, labels: tf.Tensor, mode: tf.estimator.Mode): tf.estimator.EstimatorSpec {
  // Build the neural network
  // Because Dropout have different behavior at training and prediction time, we
  // need to create 2 distinct computation graphs that still share the same weights.
  const logitsTrain = convNet(features, numClasses, dropout, false, true);
  const logitsTest = convNet(features, numClasses, dropout, true, false);

  // Predictions
  const predClasses = tf.argmax(logitsTest, { axis: 1 });
  const predProbas = tf.nn.softmax(logitsTest);
  void predProbas;

  // If prediction mode, early return
  if (mode === tf.estimator.ModeKeys.PREDICT) return new tf.estimator.EstimatorSpec(mode, { predictions: predClasses });

  // Define loss and optimizer
  const lossOp = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ logits: logitsTrain, labels: tf.cast(labels, { dtype: tf.int32 }) }));
  const optimizer = new tf.train.AdamOptimizer({ learningRate });
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
// (not in the original: the step the model reached, and predictions for the first test digits)
console.log('Global step:', e.global_step);
const firstFour = new tf.NDArray(testImages.data.slice(0, 4 * 784) as Float32Array, [4, 784]);
const preds: number[] = [];
for await (const p of model.predict(tf.estimator.inputs.numpyInputFn({ images: firstFour }, null, { shuffle: false }))) preds.push(Number((p as tf.NDArray).data[0]));
console.log('Predictions:', preds.join(' '), 'labels:', Array.from(testLabels.data.slice(0, 4) as ArrayLike<number>).join(' '));
