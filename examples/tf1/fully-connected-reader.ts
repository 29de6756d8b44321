// Trains the MNIST network on TFRecords read through TF1's queue pipeline: a filename queue
// (tf.train.stringInputProducer with num_epochs), a tf.TFRecordReader, tf.parseSingleExample and
// tf.train.shuffleBatch fed by two queue-runner loops, started by tf.train.startQueueRunners
// under a tf.train.Coordinator.
//
// Port of TensorFlow 1.15's tensorflow/examples/how_tos/reading_data/fully_connected_reader.py
// in its queue-runner form (TF ≤ 1.3's version of the file; Apache License 2.0), line by line in
// tsflow's conventions, after convert_to_records.py's conversion (as in
// examples/tf1/mnist-tfrecords.ts, the tf.data form). Additions (marked below): --directory
// defaults to a fresh temporary folder, --num_examples bounds the images written, a graph seed,
// and the precision of the trained model on validation.tfrecords, read through a second queue
// pipeline (tf.train.batch with allowSmallerFinalBatch, one epoch) whose batches are fed to the
// model's input tensors.
// Bounded here to 2,000 training images and 5 epochs at learning rate 0.1 (100 steps), it reaches
// a precision of about 0.80 on the 1,000 validation images; the check accepts 0.75 and above.
// test-args: --num_epochs 5 --learning_rate 0.1 --num_examples 2000
// test-check: ^Writing .*train\.tfrecords$
// test-check: ^Step 0: loss = \d+\.\d\d \(\d+\.\d{3} sec\)$
// test-check: ^Done training for 5 epochs, 100 steps\.$
// test-check: ^Validation: 1000 examples, precision @ 1: 0\.(7[5-9]|8|9)\d*$
//
//   npx tsx examples/tf1/fully-connected-reader.ts [--num_epochs 2] [--learning_rate 0.01] [--directory DIR]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import * as inputData from './input-data.js';
import * as mnist from './mnist.js';

const { values: FLAGS } = parseArgs({
  options: {
    learning_rate: { type: 'string', default: '0.01' },
    num_epochs: { type: 'string', default: '2' },
    hidden1: { type: 'string', default: '128' },
    hidden2: { type: 'string', default: '32' },
    batch_size: { type: 'string', default: '100' },
    train_dir: { type: 'string' },
    num_examples: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});
// (not in the original: a fresh folder unless --train_dir is given)
const trainDir = FLAGS.train_dir ?? mkdtempSync(join(tmpdir(), 'mnist-queues-'));

// ----- convert_to_records.py -----------------------------------------------------------------

function int64Feature(value: number): tf.train.Feature {
  return new tf.train.Feature({ int64List: new tf.train.Int64List({ value: [value] }) });
}

function bytesFeature(value: Uint8Array): tf.train.Feature {
  return new tf.train.Feature({ bytesList: new tf.train.BytesList({ value: [value] }) });
}

/** Converts a dataset to tfrecords. */
function convertTo(dataSet: inputData.DataSet, name: string, limit = Infinity): void {
  const images = dataSet.images;
  const labels = dataSet.labels;
  const numExamples = Math.min(dataSet.numExamples, limit);
  const [rows, cols, depth] = [images.shape[1]!, images.shape[2]!, images.shape[3]!];
  const filename = join(trainDir, name + '.tfrecords');
  console.log('Writing', filename);
  const writer = new tf.pythonIo.TFRecordWriter(filename);
  const pixels = rows * cols * depth;
  for (let index = 0; index < numExamples; index++) {
    // (the loader's images are floats in [0, 1]; TF's read_data_sets(dtype=tf.uint8) gives the bytes)
    const imageRaw = Uint8Array.from((images.data as Float32Array).subarray(index * pixels, (index + 1) * pixels), (v) => Math.round(v * 255));
    const example = new tf.train.Example({
      features: new tf.train.Features({
        feature: {
          height: int64Feature(rows),
          width: int64Feature(cols),
          depth: int64Feature(depth),
          label: int64Feature(Number(labels.data[index])),
          image_raw: bytesFeature(imageRaw),
        },
      }),
    });
    writer.write(example.serializeToString());
  }
  writer.close();
}

const dataSets = inputData.readDataSets('/tmp/data/', { reshape: false });
const limit = FLAGS.num_examples ? Number(FLAGS.num_examples) : Infinity; // (not in the original)
convertTo(dataSets.train, 'train', limit);
convertTo(dataSets.validation, 'validation');

// ----- fully_connected_reader.py -------------------------------------------------------------

// Constants used for dealing with the files, matches convert_to_records.
const TRAIN_FILE = 'train.tfrecords';
const VALIDATION_FILE = 'validation.tfrecords';

function readAndDecode(filenameQueue: tf.QueueBase): [tf.Tensor, tf.Tensor] {
  const reader = new tf.TFRecordReader();
  const [, serializedExample] = reader.read(filenameQueue);
  const features = tf.parseSingleExample(
    serializedExample,
    // Defaults are not specified since both keys are required.
    {
      image_raw: new tf.FixedLenFeature([], tf.string),
      label: new tf.FixedLenFeature([], tf.int64),
    },
  );

  // Convert from a scalar string tensor (whose single string has
  // length mnist.IMAGE_PIXELS) to a uint8 tensor with shape
  // [mnist.IMAGE_PIXELS].
  let image = tf.reshape(tf.decodeRaw(features.image_raw, tf.uint8), [mnist.IMAGE_PIXELS]); // (image.set_shape: the reshape fixes the static shape)

  // OPTIONAL: Could reshape into a 28x28 image and apply distortions
  // here.  Since we are not applying any distortions in this
  // example, and the next step expects the image to be flattened
  // into a vector, we don't bother.

  // Convert from [0, 255] -> [-0.5, 0.5] floats.
  image = tf.subtract(tf.multiply(tf.cast(image, tf.float32), 1 / 255), 0.5);

  // Convert label from a scalar uint8 tensor to an int32 scalar.
  const label = tf.cast(features.label, tf.int32);

  return [image, label];
}

/** Reads input data numEpochs times. */
function inputs(train: boolean, batchSize: number, numEpochs: number | null): [tf.Tensor, tf.Tensor] {
  if (!numEpochs) numEpochs = null;
  const filename = join(trainDir, train ? TRAIN_FILE : VALIDATION_FILE);

  return tf.nameScope('input', () => {
    const filenameQueue = tf.train.stringInputProducer([filename], { numEpochs });

    // Even when reading in multiple threads, share the filename
    // queue.
    const [image, label] = readAndDecode(filenameQueue);

    // (not in the original: the validation pass reads every example once, in order)
    if (!train) return tf.train.batch([image, label], batchSize, { allowSmallerFinalBatch: true }) as [tf.Tensor, tf.Tensor];

    // Shuffle the examples and collect them into batchSize batches.
    // (Internally uses a RandomShuffleQueue.)
    // We run this in two threads to avoid being a bottleneck.
    const [images, sparseLabels] = tf.train.shuffleBatch([image, label], batchSize, {
      numThreads: 2,
      capacity: 1000 + 3 * batchSize,
      // Ensures a minimum amount of shuffling of examples.
      minAfterDequeue: 1000,
      seed: Number(FLAGS.seed), // (not in the original: the same figures every run)
    }) as [tf.Tensor, tf.Tensor];

    return [images, sparseLabels];
  });
}

/** Train MNIST for a number of steps. */
async function runTraining(): Promise<void> {
  // Tell TensorFlow that the model will be built into the default Graph.
  await new tf.Graph().asDefault(async () => {
    tf.setRandomSeed(Number(FLAGS.seed)); // (not in the original: the same figures every run)
    const numEpochs = Number(FLAGS.num_epochs);
    const batchSize = Number(FLAGS.batch_size);
    // Input images and labels.
    const [images, labels] = inputs(true, batchSize, numEpochs);

    // Build a Graph that computes predictions from the inference model.
    const logits = mnist.inference(images, Number(FLAGS.hidden1), Number(FLAGS.hidden2));

    // Add to the Graph the loss calculation.
    const loss = mnist.loss(logits, labels);

    // Add to the Graph operations that train the model.
    const trainOp = mnist.training(loss, Number(FLAGS.learning_rate));

    // (not in the original: the validation records through a queue pipeline of their own, and
    // the model's correct count on batches fed to its input tensors)
    const [validationImages, validationLabels] = inputs(false, batchSize, 1);
    const evalCorrect = mnist.evaluation(logits, labels);

    // The op for initializing the variables.
    const initOp = tf.group(tf.globalVariablesInitializer(), tf.localVariablesInitializer());

    // Create a session for running operations in the Graph.
    const sess = new tf.Session();

    // Initialize the variables (the trained variables and the
    // epoch counter).
    await sess.run(initOp);

    // Start input enqueue threads.
    const coord = new tf.train.Coordinator();
    const threads = tf.train.startQueueRunners(sess, coord);

    try {
      let step = 0;
      try {
        while (!coord.shouldStop()) {
          const startTime = performance.now();

          // Run one step of the model.  The return values are
          // the activations from the `trainOp` (which is
          // discarded) and the `loss` op.
          const [, lossValue] = await sess.run([trainOp, loss]);

          const duration = (performance.now() - startTime) / 1000;

          // Print an overview fairly often.
          if (step % 100 === 0) console.log(`Step ${step}: loss = ${Number(lossValue.data[0]).toFixed(2)} (${duration.toFixed(3)} sec)`);
          step += 1;
        }
      } catch (e) {
        if (!(e instanceof tf.errors.OutOfRangeError)) throw e;
        console.log(`Done training for ${numEpochs} epochs, ${step} steps.`);
      }

      // (not in the original) precision on the validation records
      let correct = 0;
      let seen = 0;
      try {
        for (;;) {
          const [imgs, labs] = await sess.run([validationImages, validationLabels]);
          const c = await sess.run(evalCorrect, new Map([[images, imgs], [labels, labs]]));
          correct += Number(c.data[0]);
          seen += labs.shape[0]!;
        }
      } catch (e) {
        if (!(e instanceof tf.errors.OutOfRangeError)) throw e;
      }
      console.log(`Validation: ${seen} examples, precision @ 1: ${correct / seen}`);
    } finally {
      // When done, ask the threads to stop.
      coord.requestStop();
    }

    // Wait for threads to finish.
    await coord.join(threads);
    await sess.close();
  });
}

await runTraining();
