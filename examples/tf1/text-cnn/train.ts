// Trains the CNN for sentence classification (Kim 2014) on a polarity data set: the vocabulary
// through tf.contrib.learn.preprocessing.VocabularyProcessor, Adam, summaries of the gradients,
// loss and accuracy (scalar, histogram, merge) for train and dev, checkpoints with a Saver.
//
// Port of Denny Britz's cnn-text-classification-tf train.py (Apache License 2.0) line by line in
// tsflow's conventions; TF's tf.flags are parseArgs options with the same names and defaults.
// Additions (marked below): --out_dir (default the original's ./runs/<timestamp>) and --seed.
// Run by test/examples-text-cnn.test.ts on a synthetic polarity corpus; the original's data is
// rt-polaritydata (Pang & Lee's movie reviews).
//
//   npx tsx examples/tf1/text-cnn/train.ts --positive_data_file POS --negative_data_file NEG [--num_epochs 200]
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import * as np from '../np-random.js';
import * as dataHelpers from './data-helpers.js';
import { TextCNN } from './text-cnn.js';

// Parameters
// ==================================================

const { values: FLAGS } = parseArgs({
  options: {
    // Data loading params
    dev_sample_percentage: { type: 'string', default: '.1' }, // Percentage of the training data to use for validation
    positive_data_file: { type: 'string', default: './data/rt-polaritydata/rt-polarity.pos' }, // Data source for the positive data.
    negative_data_file: { type: 'string', default: './data/rt-polaritydata/rt-polarity.neg' }, // Data source for the negative data.

    // Model Hyperparameters
    embedding_dim: { type: 'string', default: '128' }, // Dimensionality of character embedding
    filter_sizes: { type: 'string', default: '3,4,5' }, // Comma-separated filter sizes
    num_filters: { type: 'string', default: '128' }, // Number of filters per filter size
    dropout_keep_prob: { type: 'string', default: '0.5' }, // Dropout keep probability
    l2_reg_lambda: { type: 'string', default: '0.0' }, // L2 regularization lambda

    // Training parameters
    batch_size: { type: 'string', default: '64' }, // Batch Size
    num_epochs: { type: 'string', default: '200' }, // Number of training epochs
    evaluate_every: { type: 'string', default: '100' }, // Evaluate model on dev set after this many steps
    checkpoint_every: { type: 'string', default: '100' }, // Save model after this many steps
    num_checkpoints: { type: 'string', default: '5' }, // Number of checkpoints to store
    // Misc Parameters
    allow_soft_placement: { type: 'boolean', default: true }, // Allow device soft device placement
    log_device_placement: { type: 'boolean', default: false }, // Log placement of ops on devices

    out_dir: { type: 'string' }, // (not in the original) where runs go
    seed: { type: 'string' }, // (not in the original) graph seed
  },
});

function preprocess(): [BigInt64Array[], number[][], tf.contrib.learn.preprocessing.VocabularyProcessor, BigInt64Array[], number[][]] {
  // Data Preparation
  // ==================================================

  // Load data
  console.log('Loading data...');
  const [xText, y] = dataHelpers.loadDataAndLabels(FLAGS.positive_data_file, FLAGS.negative_data_file);

  // Build vocabulary
  const maxDocumentLength = Math.max(...xText.map((x) => x.split(' ').length));
  const vocabProcessor = new tf.contrib.learn.preprocessing.VocabularyProcessor(maxDocumentLength);
  const x = [...vocabProcessor.fitTransform(xText)];

  // Randomly shuffle data
  np.seed(10);
  const shuffleIndices = np.permutation(y.length);
  const xShuffled = shuffleIndices.map((i) => x[i]!);
  const yShuffled = shuffleIndices.map((i) => y[i]!);

  // Split train/test set
  // TODO: This is very crude, should use cross-validation
  const devSampleIndex = -1 * Math.trunc(Number(FLAGS.dev_sample_percentage) * y.length);
  const [xTrain, xDev] = [xShuffled.slice(0, devSampleIndex), xShuffled.slice(devSampleIndex)];
  const [yTrain, yDev] = [yShuffled.slice(0, devSampleIndex), yShuffled.slice(devSampleIndex)];

  console.log(`Vocabulary Size: ${vocabProcessor.vocabulary.length}`);
  console.log(`Train/Dev split: ${yTrain.length}/${yDev.length}`);
  return [xTrain, yTrain, vocabProcessor, xDev, yDev];
}

/** Python's '{:g}'. */
const g = (v: number): string => String(Number(v.toPrecision(6)));

const feedX = (rows: BigInt64Array[]): tf.NDArray => new tf.NDArray(Int32Array.from(rows.flatMap((r) => [...r].map(Number))), [rows.length, rows[0]!.length], 'int32');
const feedY = (rows: number[][]): tf.NDArray => new tf.NDArray(Float32Array.from(rows.flat()), [rows.length, rows[0]!.length], 'float32');

async function train(xTrain: BigInt64Array[], yTrain: number[][], vocabProcessor: tf.contrib.learn.preprocessing.VocabularyProcessor, xDev: BigInt64Array[], yDev: number[][]): Promise<void> {
  // Training
  // ==================================================

  await new tf.Graph().asDefault(async () => {
    if (FLAGS.seed !== undefined) tf.setRandomSeed(Number(FLAGS.seed)); // (not in the original)
    const sessionConf = new tf.ConfigProto({ allowSoftPlacement: FLAGS.allow_soft_placement, logDevicePlacement: FLAGS.log_device_placement });
    const sess = new tf.Session({ config: sessionConf });
    const cnn = new TextCNN({
      sequenceLength: xTrain[0]!.length,
      numClasses: yTrain[0]!.length,
      vocabSize: vocabProcessor.vocabulary.length,
      embeddingSize: Number(FLAGS.embedding_dim),
      filterSizes: FLAGS.filter_sizes.split(',').map(Number),
      numFilters: Number(FLAGS.num_filters),
      l2RegLambda: Number(FLAGS.l2_reg_lambda),
    });

    // Define Training procedure
    const globalStep = new tf.Variable(0, { name: 'global_step', trainable: false });
    const optimizer = new tf.train.AdamOptimizer(1e-3);
    const gradsAndVars = optimizer.computeGradients(cnn.loss);
    const trainOp = optimizer.applyGradients(gradsAndVars, { globalStep });

    // Keep track of gradient values and sparsity (optional)
    const gradSummaries: tf.Tensor[] = [];
    for (const [gr, v] of gradsAndVars) {
      if (gr !== null) {
        const gradHistSummary = tf.summary.histogram(`${v.name}/grad/hist`, gr as tf.Tensor);
        const sparsitySummary = tf.summary.scalar(`${v.name}/grad/sparsity`, tf.nn.zeroFraction(gr as tf.Tensor));
        gradSummaries.push(gradHistSummary);
        gradSummaries.push(sparsitySummary);
      }
    }
    const gradSummariesMerged = tf.summary.merge(gradSummaries);

    // Output directory for models and summaries
    const timestamp = String(Math.trunc(Date.now() / 1000));
    const outDir = resolve(FLAGS.out_dir ?? join('.', 'runs', timestamp));
    console.log(`Writing to ${outDir}\n`);

    // Summaries for loss and accuracy
    const lossSummary = tf.summary.scalar('loss', cnn.loss);
    const accSummary = tf.summary.scalar('accuracy', cnn.accuracy);

    // Train Summaries
    const trainSummaryOp = tf.summary.merge([lossSummary, accSummary, gradSummariesMerged]);
    const trainSummaryDir = join(outDir, 'summaries', 'train');
    const trainSummaryWriter = new tf.summary.FileWriter(trainSummaryDir, sess.graph);

    // Dev summaries
    const devSummaryOp = tf.summary.merge([lossSummary, accSummary]);
    const devSummaryDir = join(outDir, 'summaries', 'dev');
    const devSummaryWriter = new tf.summary.FileWriter(devSummaryDir, sess.graph);

    // Checkpoint directory. Tensorflow assumes this directory already exists so we need to create it
    const checkpointDir = resolve(join(outDir, 'checkpoints'));
    const checkpointPrefix = join(checkpointDir, 'model');
    if (!existsSync(checkpointDir)) mkdirSync(checkpointDir, { recursive: true });
    const saver = new tf.train.Saver(tf.globalVariables(), { maxToKeep: Number(FLAGS.num_checkpoints) });

    // Write vocabulary
    vocabProcessor.save(join(outDir, 'vocab'));

    // Initialize all variables
    await sess.run(tf.globalVariablesInitializer());

    /** A single training step */
    async function trainStep(xBatch: BigInt64Array[], yBatch: number[][]): Promise<void> {
      const feedDict = new Map<tf.Tensor, tf.NDArray | number>([[cnn.inputX, feedX(xBatch)], [cnn.inputY, feedY(yBatch)], [cnn.dropoutKeepProb, Number(FLAGS.dropout_keep_prob)]]);
      const [, step, summaries, loss, accuracy] = await sess.run([trainOp, globalStep, trainSummaryOp, cnn.loss, cnn.accuracy], feedDict);
      const timeStr = new Date().toISOString();
      console.log(`${timeStr}: step ${Number(step!.data[0])}, loss ${g(Number(loss!.data[0]))}, acc ${g(Number(accuracy!.data[0]))}`);
      trainSummaryWriter.addSummary(summaries!, Number(step!.data[0]));
    }

    /** Evaluates model on a dev set */
    async function devStep(xBatch: BigInt64Array[], yBatch: number[][], writer: tf.summary.FileWriter | null = null): Promise<void> {
      const feedDict = new Map<tf.Tensor, tf.NDArray | number>([[cnn.inputX, feedX(xBatch)], [cnn.inputY, feedY(yBatch)], [cnn.dropoutKeepProb, 1.0]]);
      const [step, summaries, loss, accuracy] = await sess.run([globalStep, devSummaryOp, cnn.loss, cnn.accuracy], feedDict);
      const timeStr = new Date().toISOString();
      console.log(`${timeStr}: step ${Number(step!.data[0])}, loss ${g(Number(loss!.data[0]))}, acc ${g(Number(accuracy!.data[0]))}`);
      if (writer) writer.addSummary(summaries!, Number(step!.data[0]));
    }

    // Generate batches
    const batches = dataHelpers.batchIter(xTrain.map((x, i) => [x, yTrain[i]!] as const), Number(FLAGS.batch_size), Number(FLAGS.num_epochs));
    // Training loop. For each batch...
    for (const batch of batches) {
      const xBatch = batch.map(([x]) => x);
      const yBatch = batch.map(([, y]) => y);
      await trainStep(xBatch, yBatch);
      const currentStep = await tf.train.globalStep(sess, globalStep);
      if (currentStep % Number(FLAGS.evaluate_every) === 0) {
        console.log('\nEvaluation:');
        await devStep(xDev, yDev, devSummaryWriter);
        console.log('');
      }
      if (currentStep % Number(FLAGS.checkpoint_every) === 0) {
        const path = await saver.save(sess, checkpointPrefix, { globalStep: currentStep });
        console.log(`Saved model checkpoint to ${path}\n`);
      }
    }
    // (not in the original: Python flushes the writers at exit)
    trainSummaryWriter.close();
    devSummaryWriter.close();
    await sess.close();
  });
}

const [xTrain, yTrain, vocabProcessor, xDev, yDev] = preprocess();
await train(xTrain, yTrain, vocabProcessor, xDev, yDev);
