// Routine for decoding the CIFAR-10 binary file format.
//
// Port of tensorflow/models tutorials/image/cifar10/cifar10_input.py (TF 1.x; Apache License 2.0)
// line by line in tsflow's conventions. Additions (marked below): the number of examples per
// epoch can be given (the shuffling queue holds 40% of an epoch: 20,000 images for CIFAR-10's
// 50,000), the preprocessing loops are os.availableParallelism() as Python's cpu_count(), and a
// seed for the input's random ops. Run by examples/tf1/cifar10/cifar10-train.ts and -eval.ts.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as tf from 'tsflow';

// Process images of this size. Note that this differs from the original CIFAR
// image size of 32 x 32. If one alters this number, then the entire model
// architecture will change and any model would need to be retrained.
export const IMAGE_SIZE = 24;

// Global constants describing the CIFAR-10 data set.
export const NUM_CLASSES = 10;
export const NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN = 50000;
export const NUM_EXAMPLES_PER_EPOCH_FOR_EVAL = 10000;

export interface CIFAR10Record {
  height: number;
  width: number;
  depth: number;
  key: tf.Tensor;
  label: tf.Tensor;
  uint8image: tf.Tensor;
}

/**
 * Reads and parses examples from CIFAR10 data files.
 *
 * Recommendation: if you want N-way read parallelism, call this function N times. This will give
 * you N independent Readers reading different files & positions within those files, which will
 * give better mixing of examples.
 */
export function readCifar10(filenameQueue: tf.QueueBase): CIFAR10Record {
  // Dimensions of the images in the CIFAR-10 dataset.
  // See http://www.cs.toronto.edu/~kriz/cifar.html for a description of the
  // input format.
  const labelBytes = 1; // 2 for CIFAR-100
  const result = { height: 32, width: 32, depth: 3 } as CIFAR10Record;
  const imageBytes = result.height * result.width * result.depth;
  // Every record consists of a label followed by the image, with a
  // fixed number of bytes for each.
  const recordBytes = labelBytes + imageBytes;

  // Read a record, getting filenames from the filenameQueue.  No
  // header or footer in the CIFAR-10 format, so we leave headerBytes
  // and footerBytes at their default of 0.
  const reader = new tf.FixedLengthRecordReader({ recordBytes });
  let value: tf.Tensor;
  [result.key, value] = reader.read(filenameQueue);

  // Convert from a string to a vector of uint8 that is recordBytes long.
  const record = tf.decodeRaw(value, tf.uint8);

  // The first bytes represent the label, which we convert from uint8->int32.
  result.label = tf.cast(tf.stridedSlice(record, [0], [labelBytes]), tf.int32);

  // The remaining bytes after the label represent the image, which we reshape
  // from [depth * height * width] to [depth, height, width].
  const depthMajor = tf.reshape(
    tf.stridedSlice(record, [labelBytes], [labelBytes + imageBytes]),
    [result.depth, result.height, result.width],
  );
  // Convert from [depth, height, width] to [height, width, depth].
  result.uint8image = tf.transpose(depthMajor, [1, 2, 0]);

  return result;
}

/** Construct a queued batch of images and labels. */
function generateImageAndLabelBatch(image: tf.Tensor, label: tf.Tensor, minQueueExamples: number, batchSize: number, shuffle: boolean, seed?: number): [tf.Tensor, tf.Tensor] {
  // Create a queue that shuffles the examples, and then
  // read 'batchSize' images + labels from the example queue.
  const numPreprocessThreads = availableParallelism();
  let images: tf.Tensor;
  let labelBatch: tf.Tensor;
  if (shuffle) {
    [images, labelBatch] = tf.train.shuffleBatch([image, label], batchSize, {
      numThreads: numPreprocessThreads,
      capacity: minQueueExamples + 3 * batchSize,
      minAfterDequeue: minQueueExamples,
      ...(seed !== undefined ? { seed } : {}), // (not in the original)
    }) as [tf.Tensor, tf.Tensor];
  } else {
    [images, labelBatch] = tf.train.batch([image, label], batchSize, {
      numThreads: numPreprocessThreads,
      capacity: minQueueExamples + 3 * batchSize,
    }) as [tf.Tensor, tf.Tensor];
  }

  // Display the training images in the visualizer.
  tf.summary.image('images', images);

  return [images, tf.reshape(labelBatch, [batchSize])];
}

/** Options not in the original: the examples per epoch and a seed for the random ops. */
export interface InputOptions {
  numExamplesPerEpoch?: number;
  seed?: number;
}

/** Construct distorted input for CIFAR training using the Reader ops. */
export function distortedInputs(dataDir: string, batchSize: number, opts: InputOptions = {}): [tf.Tensor, tf.Tensor] {
  const filenames = [1, 2, 3, 4, 5].map((i) => join(dataDir, `data_batch_${i}.bin`));
  for (const f of filenames) {
    if (!tf.gfile.Exists(f)) throw new tf.errors.ValueError('Failed to find file: ' + f);
  }

  // Create a queue that produces the filenames to read.
  const filenameQueue = tf.train.stringInputProducer(filenames, opts.seed !== undefined ? { seed: opts.seed } : {});

  // Read examples from files in the filename queue.
  const readInput = readCifar10(filenameQueue);
  const reshapedImage = tf.cast(readInput.uint8image, tf.float32);

  const height = IMAGE_SIZE;
  const width = IMAGE_SIZE;

  // Image processing for training the network. Note the many random
  // distortions applied to the image.

  // Randomly crop a [height, width] section of the image.
  let distortedImage = tf.randomCrop(reshapedImage, [height, width, 3]);

  // Randomly flip the image horizontally.
  distortedImage = tf.image.randomFlipLeftRight(distortedImage);

  // Because these operations are not commutative, consider randomizing
  // the order their operation.
  distortedImage = tf.image.randomBrightness(distortedImage, { maxDelta: 63 });
  distortedImage = tf.image.randomContrast(distortedImage, { lower: 0.2, upper: 1.8 });

  // Subtract off the mean and divide by the variance of the pixels.
  const floatImage = tf.image.perImageStandardization(distortedImage);

  // Set the shapes of tensors.
  floatImage.setShape([height, width, 3]);
  readInput.label.setShape([1]);

  // Ensure that the random shuffling has good mixing properties.
  const minFractionOfExamplesInQueue = 0.4;
  const minQueueExamples = Math.trunc((opts.numExamplesPerEpoch ?? NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN) * minFractionOfExamplesInQueue);
  console.log(`Filling queue with ${minQueueExamples} CIFAR images before starting to train. This will take a few minutes.`);

  // Generate a batch of images and labels by building up a queue of examples.
  return generateImageAndLabelBatch(floatImage, readInput.label, minQueueExamples, batchSize, true, opts.seed);
}

/** Construct input for CIFAR evaluation using the Reader ops. */
export function inputs(evalData: boolean, dataDir: string, batchSize: number, opts: InputOptions = {}): [tf.Tensor, tf.Tensor] {
  let filenames: string[];
  let numExamplesPerEpoch: number;
  if (!evalData) {
    filenames = [1, 2, 3, 4, 5].map((i) => join(dataDir, `data_batch_${i}.bin`));
    numExamplesPerEpoch = NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN;
  } else {
    filenames = [join(dataDir, 'test_batch.bin')];
    numExamplesPerEpoch = NUM_EXAMPLES_PER_EPOCH_FOR_EVAL;
  }
  numExamplesPerEpoch = opts.numExamplesPerEpoch ?? numExamplesPerEpoch; // (not in the original)

  for (const f of filenames) {
    if (!tf.gfile.Exists(f)) throw new tf.errors.ValueError('Failed to find file: ' + f);
  }

  // Create a queue that produces the filenames to read.
  const filenameQueue = tf.train.stringInputProducer(filenames, opts.seed !== undefined ? { seed: opts.seed } : {});

  // Read examples from files in the filename queue.
  const readInput = readCifar10(filenameQueue);
  const reshapedImage = tf.cast(readInput.uint8image, tf.float32);

  const height = IMAGE_SIZE;
  const width = IMAGE_SIZE;

  // Image processing for evaluation.
  // Crop the central [height, width] of the image.
  const resizedImage = tf.image.resizeImageWithCropOrPad(reshapedImage, height, width);

  // Subtract off the mean and divide by the variance of the pixels.
  const floatImage = tf.image.perImageStandardization(resizedImage);

  // Set the shapes of tensors.
  floatImage.setShape([height, width, 3]);
  readInput.label.setShape([1]);

  // Ensure that the random shuffling has good mixing properties.
  const minFractionOfExamplesInQueue = 0.4;
  const minQueueExamples = Math.trunc(numExamplesPerEpoch * minFractionOfExamplesInQueue);

  // Generate a batch of images and labels by building up a queue of examples.
  return generateImageAndLabelBatch(floatImage, readInput.label, minQueueExamples, batchSize, false);
}
