// Trains and Evaluates the MNIST network using a feed dictionary.
//
// Port of tensorflow/examples/tutorials/mnist/fully_connected_feed.py from TensorFlow 1.15
// (Apache License 2.0), line by line in tsflow's conventions, with the model in mnist.ts.
// The original trains for --max_steps 2000 (batch 100, lr 0.01, hidden 128/32) on MNIST's
// 55,000 training images; its tutorial ("TensorFlow Mechanics 101") prints the three
// evaluations in this format but publishes no final figure, and runs of it are commonly reported
// near 0.90 Precision @ 1 on the test set after 2000 steps (not a figure checked here). Here the
// data are input-data.ts's 9,000 training digits; the test runs the original's 2000 steps and
// this port ends with test Precision @ 1 of 0.8955 (seed 1; 0.8724 at step 1000). The check
// accepts 0.87–0.93 for the evaluation after the last checkpoint:
// test-check: ^checkpoint: .*model\.ckpt-1999\nTraining Data Eval:\n.*\nValidation Data Eval:\n.*\nTest Data Eval:\n  Num examples: 10000  Num correct: \d+  Precision @ 1: 0\.(8[7-9]|9[0-2])\d*$
// test-check: ^Step 0: loss = 2\.\d\d
//
//   npx tsx examples/tf1/fully-connected-feed.ts [--max_steps 2000] [--log_dir DIR]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import * as inputData from './input-data.js';
import * as mnist from './mnist.js';

// Basic model parameters as external flags.
const { values: flags } = parseArgs({
  options: {
    learning_rate: { type: 'string', default: '0.01' }, // Initial learning rate.
    max_steps: { type: 'string', default: '2000' }, // Number of steps to run trainer.
    hidden1: { type: 'string', default: '128' }, // Number of units in hidden layer 1.
    hidden2: { type: 'string', default: '32' }, // Number of units in hidden layer 2.
    batch_size: { type: 'string', default: '100' }, // Batch size.  Must divide evenly into the dataset sizes.
    input_data_dir: { type: 'string', default: '/tmp/tensorflow/mnist/input_data' }, // Directory to put the input data.
    log_dir: { type: 'string', default: mkdtempSync(join(tmpdir(), 'fully_connected_feed-')) }, // Directory to put the log data.
    seed: { type: 'string', default: '1' },
  },
});
const FLAGS = {
  learningRate: Number(flags.learning_rate),
  maxSteps: Number(flags.max_steps),
  hidden1: Number(flags.hidden1),
  hidden2: Number(flags.hidden2),
  batchSize: Number(flags.batch_size),
  inputDataDir: flags.input_data_dir!,
  logDir: flags.log_dir!,
  fakeData: false, // If true, uses fake data for unit testing.
};

/**
 * Generate placeholder variables to represent the input tensors.
 *
 * These placeholders are used as inputs by the rest of the model building code and will be fed
 * from the downloaded data in the .run() loop, below.
 */
function placeholderInputs(batchSize: number): [tf.Tensor, tf.Tensor] {
  // Note that the shapes of the placeholders match the shapes of the full image and label
  // tensors, except the first dimension is now batch_size rather than the full size of the
  // train or test data sets.
  const imagesPlaceholder = tf.placeholder(tf.float32, { shape: [batchSize, mnist.IMAGE_PIXELS] });
  const labelsPlaceholder = tf.placeholder(tf.int32, { shape: [batchSize] });
  return [imagesPlaceholder, labelsPlaceholder];
}

/** Fills the feed_dict for training the given step. */
function fillFeedDict(dataSet: inputData.DataSet, imagesPl: tf.Tensor, labelsPl: tf.Tensor): Map<tf.Tensor, tf.NDArray> {
  // Create the feed_dict for the placeholders filled with the next `batch size` examples.
  const [imagesFeed, labelsFeed] = dataSet.nextBatch(FLAGS.batchSize, FLAGS.fakeData);
  const feedDict = new Map([[imagesPl, imagesFeed], [labelsPl, labelsFeed]]);
  return feedDict;
}

/** Runs one evaluation against the full epoch of data. */
async function doEval(sess: tf.Session, evalCorrect: tf.Tensor, imagesPlaceholder: tf.Tensor, labelsPlaceholder: tf.Tensor, dataSet: inputData.DataSet): Promise<void> {
  // And run one epoch of eval.
  let trueCount = 0; // Counts the number of correct predictions.
  const stepsPerEpoch = Math.floor(dataSet.numExamples / FLAGS.batchSize);
  const numExamples = stepsPerEpoch * FLAGS.batchSize;
  for (let step = 0; step < stepsPerEpoch; step++) {
    const feedDict = fillFeedDict(dataSet, imagesPlaceholder, labelsPlaceholder);
    trueCount += (await sess.run(evalCorrect, feedDict)).toArray() as number;
  }
  const precision = trueCount / numExamples;
  console.log(`  Num examples: ${numExamples}  Num correct: ${trueCount}  Precision @ 1: ${precision.toFixed(4)}`);
}

/** Train MNIST for a number of steps. */
async function runTraining(): Promise<void> {
  // Get the sets of images and labels for training, validation, and test on MNIST.
  const dataSets = inputData.readDataSets(FLAGS.inputDataDir, { seed: Number(flags.seed) });

  // Tell TensorFlow that the model will be built into the default Graph.
  await new tf.Graph().asDefault(async () => {
    tf.setRandomSeed(Number(flags.seed)); // (not in the original: fixed so that every run gives the same figures)
    // Generate placeholders for the images and labels.
    const [imagesPlaceholder, labelsPlaceholder] = placeholderInputs(FLAGS.batchSize);

    // Build a Graph that computes predictions from the inference model.
    const logits = mnist.inference(imagesPlaceholder, FLAGS.hidden1, FLAGS.hidden2);

    // Add to the Graph the Ops for loss calculation.
    const loss = mnist.loss(logits, labelsPlaceholder);

    // Add to the Graph the Ops that calculate and apply gradients.
    const trainOp = mnist.training(loss, FLAGS.learningRate);

    // Add the Op to compare the logits to the labels during evaluation.
    const evalCorrect = mnist.evaluation(logits, labelsPlaceholder);

    // Build the summary Tensor based on the TF collection of Summaries.
    const summary = tf.summary.mergeAll()!;

    // Add the variable initializer Op.
    const init = tf.globalVariablesInitializer();

    // Create a saver for writing training checkpoints.
    const saver = new tf.train.Saver();

    // Create a session for running Ops on the Graph.
    const sess = new tf.Session();

    // Instantiate a SummaryWriter to output summaries and the Graph.
    const summaryWriter = new tf.summary.FileWriter(FLAGS.logDir, sess.graph);

    // And then after everything is built:

    // Run the Op to initialize the variables.
    await sess.run(init);

    // Start the training loop.
    for (let step = 0; step < FLAGS.maxSteps; step++) {
      const startTime = performance.now();

      // Fill a feed dictionary with the actual set of images and labels for this particular
      // training step.
      const feedDict = fillFeedDict(dataSets.train, imagesPlaceholder, labelsPlaceholder);

      // Run one step of the model.  The return values are the activations from the `train_op`
      // (which is discarded) and the `loss` Op.  To inspect the values of your Ops or
      // variables, you may include them in the list passed to sess.run() and the value tensors
      // will be returned in the tuple from the call.
      const [, lossValue] = await sess.run([trainOp, loss], feedDict);

      const duration = (performance.now() - startTime) / 1000;

      // Write the summaries and print an overview fairly often.
      if (step % 100 === 0) {
        // Print status to stdout.
        console.log(`Step ${step}: loss = ${(lossValue!.toArray() as number).toFixed(2)} (${duration.toFixed(3)} sec)`);
        // Update the events file.
        const summaryStr = await sess.run(summary, feedDict);
        summaryWriter.addSummary(summaryStr, step);
        summaryWriter.flush();
      }

      // Save a checkpoint and evaluate the model periodically.
      if ((step + 1) % 1000 === 0 || step + 1 === FLAGS.maxSteps) {
        const checkpointFile = join(FLAGS.logDir, 'model.ckpt');
        const saved = await saver.save(sess, checkpointFile, { globalStep: step });
        if (step + 1 === FLAGS.maxSteps) console.log(`checkpoint: ${saved}`); // (not in the original)
        // Evaluate against the training set.
        console.log('Training Data Eval:');
        await doEval(sess, evalCorrect, imagesPlaceholder, labelsPlaceholder, dataSets.train);
        // Evaluate against the validation set.
        console.log('Validation Data Eval:');
        await doEval(sess, evalCorrect, imagesPlaceholder, labelsPlaceholder, dataSets.validation);
        // Evaluate against the test set.
        console.log('Test Data Eval:');
        await doEval(sess, evalCorrect, imagesPlaceholder, labelsPlaceholder, dataSets.test);
      }
    }
    summaryWriter.close();
    await sess.close();
  });
}

await runTraining();
