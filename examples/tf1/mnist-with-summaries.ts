// A simple MNIST classifier which displays summaries in TensorBoard.
//
// This is an unimpressive MNIST model, but it is a good example of using tf.name_scope to make a
// graph legible in the TensorBoard graph explorer, and of naming summary tags so that they are
// grouped meaningfully in TensorBoard.
//
// It demonstrates the functionality of every TensorBoard dashboard.
//
// Port of tensorflow/examples/tutorials/mnist/mnist_with_summaries.py from TensorFlow 1.15
// (Copyright 2015 The TensorFlow Authors, Apache License 2.0), line by line in tsflow's
// conventions. test/examples-tensorboard.test.ts runs it bounded (--max_steps 100, test accuracy
// on 500 images checked above 0.8 at step 90, with run metadata at step 99) into a
// temporary --log_dir and reads the train/ and test/ event files back. One option is not in the
// original: --test_size, how many of the 10,000 test images each test summary is measured on.
//
//   npx tsx examples/tf1/mnist-with-summaries.ts [--max_steps 1000] [--learning_rate 0.001]
//     [--dropout 0.9] [--data_dir DIR] [--log_dir DIR] [--test_size 10000] [--seed 1]
import { mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import * as inputData from './input-data.js';

const { values: FLAGS } = parseArgs({
  options: {
    max_steps: { type: 'string', default: '1000' },
    learning_rate: { type: 'string', default: '0.001' },
    dropout: { type: 'string', default: '0.9' },
    data_dir: { type: 'string', default: join(process.env.TEST_TMPDIR ?? tmpdir(), 'tensorflow/mnist/input_data') },
    log_dir: { type: 'string', default: join(process.env.TEST_TMPDIR ?? tmpdir(), 'tensorflow/mnist/logs/mnist_with_summaries') },
    test_size: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
  },
});
tf.setRandomSeed(Number(FLAGS.seed)); // (not in the original: fixed here so that every run gives the same figures)

async function train(): Promise<void> {
  // Import data
  const mnist = inputData.readDataSets(FLAGS.data_dir);

  const sess = new tf.InteractiveSession();
  // Create a multilayer model.

  // Input placeholders
  const [x, y_] = tf.nameScope('input', () => [
    tf.placeholder(tf.float32, [null, 784], { name: 'x-input' }),
    tf.placeholder(tf.int64, [null], { name: 'y-input' }),
  ]);

  tf.nameScope('input_reshape', () => {
    const imageShapedInput = tf.reshape(x, [-1, 28, 28, 1]);
    tf.summary.image('input', imageShapedInput, 10);
  });

  // We can't initialize these variables to 0 - the network will get stuck.
  function weightVariable(shape: number[]): tf.Variable {
    // Create a weight variable with appropriate initialization.
    const initial = tf.truncatedNormal(shape, { stddev: 0.1 });
    return new tf.Variable(initial);
  }

  function biasVariable(shape: number[]): tf.Variable {
    // Create a bias variable with appropriate initialization.
    const initial = tf.constant(0.1, { shape });
    return new tf.Variable(initial);
  }

  function variableSummaries(v: tf.Variable): void {
    // Attach a lot of summaries to a Tensor (for TensorBoard visualization).
    tf.nameScope('summaries', () => {
      const mean = tf.reduceMean(v);
      tf.summary.scalar('mean', mean);
      const stddev = tf.nameScope('stddev', () => tf.sqrt(tf.reduceMean(tf.square(tf.subtract(v, mean)))));
      tf.summary.scalar('stddev', stddev);
      tf.summary.scalar('max', tf.reduceMax(v));
      tf.summary.scalar('min', tf.reduceMin(v));
      tf.summary.histogram('histogram', v);
    });
  }

  function nnLayer(inputTensor: tf.Tensor, inputDim: number, outputDim: number, layerName: string,
    act: (x: tf.Tensor, opts: { name: string }) => tf.Tensor = tf.nn.relu): tf.Tensor {
    // Reusable code for making a simple neural net layer.
    //
    // It does a matrix multiply, bias add, and then uses ReLU to nonlinearize. It also sets up
    // name scoping so that the resultant graph is easy to read, and adds a number of summary ops.
    //
    // Adding a name scope ensures logical grouping of the layers in the graph.
    return tf.nameScope(layerName, () => {
      // This Variable will hold the state of the weights for the layer
      const weights = tf.nameScope('weights', () => {
        const weights = weightVariable([inputDim, outputDim]);
        variableSummaries(weights);
        return weights;
      });
      const biases = tf.nameScope('biases', () => {
        const biases = biasVariable([outputDim]);
        variableSummaries(biases);
        return biases;
      });
      const preactivate = tf.nameScope('Wx_plus_b', () => {
        const preactivate = tf.add(tf.matmul(inputTensor, weights), biases);
        tf.summary.histogram('pre_activations', preactivate);
        return preactivate;
      });
      const activations = act(preactivate, { name: 'activation' });
      tf.summary.histogram('activations', activations);
      return activations;
    });
  }

  const hidden1 = nnLayer(x, 784, 500, 'layer1');

  const [keepProb, dropped] = tf.nameScope('dropout', () => {
    const keepProb = tf.placeholder(tf.float32);
    tf.summary.scalar('dropout_keep_probability', keepProb);
    return [keepProb, tf.nn.dropout(hidden1, keepProb)];
  });

  // Do not apply softmax activation yet, see below.
  const y = nnLayer(dropped, 500, 10, 'layer2', tf.identity);

  const crossEntropy = tf.nameScope('cross_entropy', () => {
    // The raw formulation of cross-entropy,
    //
    // tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(tf.softmax(y)),
    //                               reduction_indices=[1]))
    //
    // can be numerically unstable.
    //
    // So here we use tf.losses.sparse_softmax_cross_entropy on the
    // raw logit outputs of the nn_layer above, and then average across
    // the batch.
    return tf.nameScope('total', () => tf.losses.sparseSoftmaxCrossEntropy({ labels: y_, logits: y }));
  });
  tf.summary.scalar('cross_entropy', crossEntropy);

  const trainStep = tf.nameScope('train', () => new tf.train.AdamOptimizer(Number(FLAGS.learning_rate)).minimize(crossEntropy));

  const accuracy = tf.nameScope('accuracy', () => {
    const correctPrediction = tf.nameScope('correct_prediction', () => tf.equal(tf.argmax(y, 1), y_));
    return tf.nameScope('accuracy', () => tf.reduceMean(tf.cast(correctPrediction, tf.float32)));
  });
  tf.summary.scalar('accuracy', accuracy);

  // Merge all the summaries and write them out to
  // /tmp/tensorflow/mnist/logs/mnist_with_summaries (by default)
  const merged = tf.summary.mergeAll()!;
  const trainWriter = new tf.summary.FileWriter(FLAGS.log_dir + '/train', sess.graph);
  const testWriter = new tf.summary.FileWriter(FLAGS.log_dir + '/test');
  await tf.globalVariablesInitializer().run();

  // (--test_size is not in the original, which measures all 10,000 test images)
  const [testXs, testYs] = new inputData.DataSet(mnist.test.images, mnist.test.labels, 1).nextBatch(Number(FLAGS.test_size), false, false);

  // Train the model, and also write summaries.
  // Every 10th step, measure test-set accuracy, and write test summaries
  // All other steps, run train_step on training data, & add training summaries

  function feedDict(train: boolean): Map<tf.Tensor, tf.NDArray | number> {
    // Make a TensorFlow feed_dict: maps data onto Tensor placeholders.
    let xs: tf.NDArray, ys: tf.NDArray, k: number;
    if (train) {
      [xs, ys] = mnist.train.nextBatch(100);
      k = Number(FLAGS.dropout);
    } else {
      [xs, ys] = [testXs, testYs];
      k = 1.0;
    }
    return new Map<tf.Tensor, tf.NDArray | number>([[x, xs], [y_, ys], [keepProb, k]]);
  }

  for (let i = 0; i < Number(FLAGS.max_steps); i++) {
    if (i % 10 === 0) { // Record summaries and test-set accuracy
      const [summary, acc] = await sess.run([merged, accuracy], feedDict(false));
      testWriter.addSummary(summary!, i);
      console.log(`Accuracy at step ${i}: ${acc!.toArray() as number}`);
    } else { // Record train set summaries, and train
      if (i % 100 === 99) { // Record execution stats
        const runOptions = new tf.RunOptions({ traceLevel: tf.RunOptions.FULL_TRACE });
        const runMetadata = new tf.RunMetadata();
        const [summary] = await sess.run([merged, trainStep], feedDict(true), runOptions, runMetadata);
        trainWriter.addRunMetadata(runMetadata, `step${String(i).padStart(3, '0')}`);
        trainWriter.addSummary(summary!, i);
        console.log('Adding run metadata for', i);
      } else { // Record a summary
        const [summary] = await sess.run([merged, trainStep], feedDict(true));
        trainWriter.addSummary(summary!, i);
      }
    }
  }
  trainWriter.close();
  testWriter.close();
  await sess.close(); // (not in the original, whose InteractiveSession is left to the process's end)
}

async function main(): Promise<void> {
  if (existsSync(FLAGS.log_dir)) rmSync(FLAGS.log_dir, { recursive: true });
  mkdirSync(FLAGS.log_dir, { recursive: true });
  await train();
}

await main();
