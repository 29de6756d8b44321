// Builds the CIFAR-10 network.
//
// Port of tensorflow/models tutorials/image/cifar10/cifar10.py (TF 1.x; Apache License 2.0) line
// by line in tsflow's conventions. Python's module-level argparse parser is `options` here,
// extended by the train and eval scripts, which hand their parsed flags to setFlags. Additions
// (marked below): --num_examples_per_epoch_for_train and --seed; maybeDownloadAndExtract is left
// out (no network: --data_dir must hold cifar-10-batches-bin/).
//
// Summary of available functions:
//
//  // Compute input images and labels for training. If you would like to run
//  // evaluations, use inputs() instead.
//  const [inputs, labels] = distortedInputs();
//
//  // Compute inference on the model inputs to make a prediction.
//  const predictions = inference(inputs);
//
//  // Compute the total loss of the prediction with respect to the labels.
//  const loss = loss(predictions, labels);
//
//  // Create a graph to run one step of training with respect to the loss.
//  const trainOp = train(loss, globalStep);
import { join } from 'node:path';
import * as tf from 'tsflow';
import * as cifar10Input from './cifar10-input.js';

// Basic model parameters.
export const options = {
  // Number of images to process in a batch.
  batch_size: { type: 'string', default: '128' },
  // Path to the CIFAR-10 data directory.
  data_dir: { type: 'string', default: '/tmp/cifar10_data' },
  // Train the model using fp16.
  use_fp16: { type: 'boolean', default: false },
  // (not in the original) the training examples per epoch (the decay steps, the queue's fill)
  num_examples_per_epoch_for_train: { type: 'string', default: String(cifar10Input.NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN) },
  // (not in the original) graph and input seed
  seed: { type: 'string' },
} as const;

export interface Flags {
  batch_size: string;
  data_dir: string;
  use_fp16: boolean;
  num_examples_per_epoch_for_train: string;
  seed?: string | undefined;
}
export let FLAGS: Flags;
export function setFlags(flags: Flags): void {
  FLAGS = flags;
}

// Global constants describing the CIFAR-10 data set.
export const IMAGE_SIZE = cifar10Input.IMAGE_SIZE;
export const NUM_CLASSES = cifar10Input.NUM_CLASSES;
export const NUM_EXAMPLES_PER_EPOCH_FOR_EVAL = cifar10Input.NUM_EXAMPLES_PER_EPOCH_FOR_EVAL;

// Constants describing the training process.
export const MOVING_AVERAGE_DECAY = 0.9999; // The decay to use for the moving average.
export const NUM_EPOCHS_PER_DECAY = 350.0; // Epochs after which learning rate decays.
export const LEARNING_RATE_DECAY_FACTOR = 0.1; // Learning rate decay factor.
export const INITIAL_LEARNING_RATE = 0.1; // Initial learning rate.

// If a model is trained with multiple GPUs, prefix all Op names with TOWER_NAME
// to differentiate the operations. Note that this prefix is removed from the
// names of the summaries when visualizing a model.
export const TOWER_NAME = 'tower';

const inputOptions = (): cifar10Input.InputOptions => ({
  numExamplesPerEpoch: Number(FLAGS.num_examples_per_epoch_for_train),
  ...(FLAGS.seed !== undefined ? { seed: Number(FLAGS.seed) } : {}),
});

/** Helper to create summaries for activations: a histogram and the sparsity of activations. */
function activationSummary(x: tf.Tensor): void {
  // Remove 'tower_[0-9]/' from the name in case this is a multi-GPU training
  // session. This helps the clarity of presentation on tensorboard.
  const tensorName = x.op.name.replace(new RegExp(`${TOWER_NAME}_[0-9]*/`, 'g'), '');
  tf.summary.histogram(tensorName + '/activations', x);
  tf.summary.scalar(tensorName + '/sparsity', tf.nn.zeroFraction(x));
}

/** Helper to create a Variable stored on CPU memory. */
function variableOnCpu(name: string, shape: number[], initializer: tf.Initializer): tf.Variable {
  return tf.device('/cpu:0', () => {
    const dtype = FLAGS.use_fp16 ? tf.float16 : tf.float32;
    return tf.getVariable(name, shape, { initializer, dtype });
  });
}

/**
 * Helper to create an initialized Variable with weight decay.
 *
 * Note that the Variable is initialized with a truncated normal distribution.
 * A weight decay is added only if one is specified.
 */
function variableWithWeightDecay(name: string, shape: number[], stddev: number, wd: number | null): tf.Variable {
  const dtype = FLAGS.use_fp16 ? tf.float16 : tf.float32;
  const v = variableOnCpu(name, shape, tf.truncatedNormalInitializer({ stddev, dtype }));
  if (wd !== null) {
    const weightDecay = tf.multiply(tf.nn.l2Loss(v), wd, { name: 'weight_loss' });
    tf.addToCollection('losses', weightDecay);
  }
  return v;
}

/** Construct distorted input for CIFAR training using the Reader ops. */
export function distortedInputs(): [tf.Tensor, tf.Tensor] {
  if (!FLAGS.data_dir) throw new tf.errors.ValueError('Please supply a data_dir');
  const dataDir = join(FLAGS.data_dir, 'cifar-10-batches-bin');
  let [images, labels] = cifar10Input.distortedInputs(dataDir, Number(FLAGS.batch_size), inputOptions());
  if (FLAGS.use_fp16) {
    images = tf.cast(images, tf.float16);
    labels = tf.cast(labels, tf.float16);
  }
  return [images, labels];
}

/** Construct input for CIFAR evaluation using the Reader ops. */
export function inputs(evalData: boolean): [tf.Tensor, tf.Tensor] {
  if (!FLAGS.data_dir) throw new tf.errors.ValueError('Please supply a data_dir');
  const dataDir = join(FLAGS.data_dir, 'cifar-10-batches-bin');
  const { seed } = inputOptions();
  let [images, labels] = cifar10Input.inputs(evalData, dataDir, Number(FLAGS.batch_size), seed !== undefined ? { seed } : {});
  if (FLAGS.use_fp16) {
    images = tf.cast(images, tf.float16);
    labels = tf.cast(labels, tf.float16);
  }
  return [images, labels];
}

/** Build the CIFAR-10 model: the logits of `images` from distortedInputs() or inputs(). */
export function inference(images: tf.Tensor): tf.Tensor {
  // We instantiate all variables using tf.getVariable() instead of
  // tf.Variable() in order to share variables across multiple GPU training runs.
  // If we only ran this model on a single GPU, we could simplify this function
  // by replacing all instances of tf.getVariable() with tf.Variable().
  //
  // conv1
  const conv1 = tf.variableScope('conv1', (scope) => {
    const kernel = variableWithWeightDecay('weights', [5, 5, 3, 64], 5e-2, 0.0);
    const conv = tf.nn.conv2d(images, kernel, [1, 1, 1, 1], { padding: 'SAME' });
    const biases = variableOnCpu('biases', [64], tf.constantInitializer(0.0));
    const preActivation = tf.nn.biasAdd(conv, biases);
    const conv1 = tf.nn.relu(preActivation, { name: scope.name });
    activationSummary(conv1);
    return conv1;
  });

  // pool1
  const pool1 = tf.nn.maxPool(conv1, { ksize: [1, 3, 3, 1], strides: [1, 2, 2, 1], padding: 'SAME', name: 'pool1' });
  // norm1
  const norm1 = tf.nn.lrn(pool1, 4, { bias: 1.0, alpha: 0.001 / 9.0, beta: 0.75, name: 'norm1' });

  // conv2
  const conv2 = tf.variableScope('conv2', (scope) => {
    const kernel = variableWithWeightDecay('weights', [5, 5, 64, 64], 5e-2, 0.0);
    const conv = tf.nn.conv2d(norm1, kernel, [1, 1, 1, 1], { padding: 'SAME' });
    const biases = variableOnCpu('biases', [64], tf.constantInitializer(0.1));
    const preActivation = tf.nn.biasAdd(conv, biases);
    const conv2 = tf.nn.relu(preActivation, { name: scope.name });
    activationSummary(conv2);
    return conv2;
  });

  // norm2
  const norm2 = tf.nn.lrn(conv2, 4, { bias: 1.0, alpha: 0.001 / 9.0, beta: 0.75, name: 'norm2' });
  // pool2
  const pool2 = tf.nn.maxPool(norm2, { ksize: [1, 3, 3, 1], strides: [1, 2, 2, 1], padding: 'SAME', name: 'pool2' });

  // local3
  const local3 = tf.variableScope('local3', (scope) => {
    // Move everything into depth so we can perform a single matrix multiply.
    const reshape = tf.reshape(pool2, [Number(FLAGS.batch_size), -1]);
    const dim = reshape.getShape().get(1).value!;
    const weights = variableWithWeightDecay('weights', [dim, 384], 0.04, 0.004);
    const biases = variableOnCpu('biases', [384], tf.constantInitializer(0.1));
    const local3 = tf.nn.relu(tf.add(tf.matmul(reshape, weights), biases), { name: scope.name });
    activationSummary(local3);
    return local3;
  });

  // local4
  const local4 = tf.variableScope('local4', (scope) => {
    const weights = variableWithWeightDecay('weights', [384, 192], 0.04, 0.004);
    const biases = variableOnCpu('biases', [192], tf.constantInitializer(0.1));
    const local4 = tf.nn.relu(tf.add(tf.matmul(local3, weights), biases), { name: scope.name });
    activationSummary(local4);
    return local4;
  });

  // linear layer(WX + b),
  // We don't apply softmax here because
  // tf.nn.sparseSoftmaxCrossEntropyWithLogits accepts the unscaled logits
  // and performs the softmax internally for efficiency.
  const softmaxLinear = tf.variableScope('softmax_linear', (scope) => {
    const weights = variableWithWeightDecay('weights', [192, NUM_CLASSES], 1 / 192.0, 0.0);
    const biases = variableOnCpu('biases', [NUM_CLASSES], tf.constantInitializer(0.0));
    const softmaxLinear = tf.add(tf.matmul(local4, weights), biases, { name: scope.name });
    activationSummary(softmaxLinear);
    return softmaxLinear;
  });

  return softmaxLinear;
}

/**
 * Add L2Loss to all the trainable variables.
 *
 * Add summary for "Loss" and "Loss/avg". Returns the loss tensor of type float.
 */
export function loss(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  // Calculate the average cross entropy loss across the batch.
  labels = tf.cast(labels, tf.int64);
  const crossEntropy = tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits, name: 'cross_entropy_per_example' });
  const crossEntropyMean = tf.reduceMean(crossEntropy, { name: 'cross_entropy' });
  tf.addToCollection('losses', crossEntropyMean);

  // The total loss is defined as the cross entropy loss plus all of the weight
  // decay terms (L2 loss).
  return tf.addN(tf.getCollection('losses') as tf.Tensor[], { name: 'total_loss' });
}

/**
 * Add summaries for losses in CIFAR-10 model.
 *
 * Generates moving average for all losses and associated summaries for
 * visualizing the performance of the network.
 */
function addLossSummaries(totalLoss: tf.Tensor): tf.Operation {
  // Compute the moving average of all individual losses and the total loss.
  const lossAverages = new tf.train.ExponentialMovingAverage(0.9, { name: 'avg' });
  const losses = tf.getCollection('losses') as tf.Tensor[];
  const lossAveragesOp = lossAverages.apply([...losses, totalLoss]);

  // Attach a scalar summary to all individual losses and the total loss; do the
  // same for the averaged version of the losses.
  for (const l of [...losses, totalLoss]) {
    // Name each loss as '(raw)' and name the moving average version of the loss
    // as the original loss name.
    tf.summary.scalar(l.op.name + ' (raw)', l);
    tf.summary.scalar(l.op.name, lossAverages.average(l)!);
  }

  return lossAveragesOp;
}

/**
 * Train CIFAR-10 model.
 *
 * Create an optimizer and apply to all trainable variables. Add moving
 * average for all trainable variables.
 */
export function train(totalLoss: tf.Tensor, globalStep: tf.Variable): tf.Operation {
  // Variables that affect learning rate.
  const numBatchesPerEpoch = Number(FLAGS.num_examples_per_epoch_for_train) / Number(FLAGS.batch_size);
  const decaySteps = Math.trunc(numBatchesPerEpoch * NUM_EPOCHS_PER_DECAY);

  // Decay the learning rate exponentially based on the number of steps.
  const lr = tf.train.exponentialDecay(INITIAL_LEARNING_RATE, globalStep, decaySteps, LEARNING_RATE_DECAY_FACTOR, { staircase: true });
  tf.summary.scalar('learning_rate', lr);

  // Generate moving averages of all losses and associated summaries.
  const lossAveragesOp = addLossSummaries(totalLoss);

  // Compute gradients.
  const [opt, grads] = tf.controlDependencies([lossAveragesOp], () => {
    const opt = new tf.train.GradientDescentOptimizer(lr);
    return [opt, opt.computeGradients(totalLoss)] as const;
  });

  // Apply gradients.
  const applyGradientOp = opt.applyGradients(grads, { globalStep });

  // Add histograms for trainable variables.
  for (const v of tf.trainableVariables()) tf.summary.histogram(v.op.name, v);

  // Add histograms for gradients.
  for (const [grad, v] of grads) {
    if (grad !== null) tf.summary.histogram(v.op.name + '/gradients', grad as tf.Tensor);
  }

  // Track the moving averages of all trainable variables.
  const variableAverages = new tf.train.ExponentialMovingAverage(MOVING_AVERAGE_DECAY, globalStep);
  const variablesAveragesOp = variableAverages.apply(tf.trainableVariables());

  return tf.controlDependencies([applyGradientOp, variablesAveragesOp], () => tf.noOp({ name: 'train' }));
}
