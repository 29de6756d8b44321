// An Example of a DNNClassifier for the Iris dataset.
//
// Port of samples/core/get_started/premade_estimator.py and its iris_data.py from
// github.com/tensorflow/models (Copyright 2016 The TensorFlow Authors, Apache License 2.0), line
// by line in tsflow's conventions: a feature column per CSV column, tf.estimator.DNNClassifier
// with two hidden layers of 10 units, tf.data input functions (from_tensor_slices of the features
// dict and labels; shuffle, repeat, batch), evaluate and predict. Deviations, marked below: the
// CSV files are read from --data_dir (the repository's copy of the Iris data in TF's
// iris_training.csv / iris_test.csv layout; the original downloads TF's), pandas' read_csv is a
// small CSV reader, and --model_dir names the model directory (a temporary one in the original).
// The test runs fewer steps and checks the accuracy and the predictions:
// test-args: --train_steps 300
// test-check: ^Test set accuracy: 0\.(8\d\d|9\d\d)$|^Test set accuracy: 1\.000$
// test-check: ^Prediction is "Sentosa" \(\d+\.\d%\), expected "Setosa"$
// test-check: ^Prediction is "Virginica" \(\d+\.\d%\), expected "Virginica"$
//
//   npx tsx examples/tf1/premade-estimator.ts [--batch_size 100] [--train_steps 1000] [--data_dir DIR] [--model_dir DIR]
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';

const { values: args } = parseArgs({
  options: {
    batch_size: { type: 'string', default: '100' },
    train_steps: { type: 'string', default: '1000' },
    data_dir: { type: 'string', default: fileURLToPath(new URL('../../test/fixtures/datasets/iris/', import.meta.url)) },
    model_dir: { type: 'string' },
  },
});

// ---- iris_data.py ------------------------------------------------------------------------------
const CSV_COLUMN_NAMES = ['SepalLength', 'SepalWidth', 'PetalLength', 'PetalWidth', 'Species'];
const SPECIES = ['Sentosa', 'Versicolor', 'Virginica'];

type Columns = Record<string, tf.NDArray>;

/** pd.read_csv(path, names=CSV_COLUMN_NAMES, header=0) as one NDArray per column (not in the original). */
function readCsv(file: string): Columns {
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1); // header=0: the first line is the header
  const cells = lines.map((l) => l.split(',').map(Number));
  return Object.fromEntries(
    CSV_COLUMN_NAMES.map((name, j) =>
      name === 'Species'
        ? [name, new tf.NDArray(Int32Array.from(cells, (r) => r[j]!), [cells.length], 'int32')]
        : [name, new tf.NDArray(Float32Array.from(cells, (r) => r[j]!), [cells.length], 'float32')],
    ),
  );
}

/** Returns the iris dataset as [[trainX, trainY], [testX, testY]]. */
function loadData(yName = 'Species'): [[Columns, tf.NDArray], [Columns, tf.NDArray]] {
  // (--data_dir instead of maybe_download())
  const trainPath = path.join(args.data_dir!, 'iris_training.csv');
  const testPath = path.join(args.data_dir!, 'iris_test.csv');

  const train = readCsv(trainPath);
  const trainY = train[yName]!;
  delete train[yName];

  const test = readCsv(testPath);
  const testY = test[yName]!;
  delete test[yName];

  return [[train, trainY], [test, testY]];
}

/** An input function for training */
function trainInputFn(features: Columns, labels: tf.NDArray, batchSize: number) {
  // Convert the inputs to a Dataset.
  let dataset = tf.data.Dataset.fromTensorSlices([features, labels]);

  // Shuffle, repeat, and batch the examples.
  dataset = dataset.shuffle(1000).repeat().batch(batchSize);

  // Return the read end of the pipeline.
  return dataset.makeOneShotIterator().getNext();
}

/** An input function for evaluation or prediction */
function evalInputFn(features: Columns, labels: tf.NDArray | null, batchSize: number | null) {
  // No labels, use only features.
  const inputs = labels === null ? features : [features, labels];

  // Convert the inputs to a Dataset.
  let dataset = tf.data.Dataset.fromTensorSlices(inputs);

  // Batch the examples
  if (batchSize === null) throw new Error('batch_size must not be None');
  dataset = dataset.batch(batchSize);

  // Return the read end of the pipeline.
  return dataset.makeOneShotIterator().getNext();
}

// ---- premade_estimator.py --------------------------------------------------------------------
async function main(): Promise<void> {
  const batchSize = Number(args.batch_size);
  const trainSteps = Number(args.train_steps);

  // Fetch the data
  const [[trainX, trainY], [testX, testY]] = loadData();

  // Feature columns describe how to use the input.
  const myFeatureColumns: tf.featureColumn.NumericColumn[] = [];
  for (const key of Object.keys(trainX)) {
    myFeatureColumns.push(tf.featureColumn.numericColumn(key));
  }

  // Build 2 hidden layer DNN with 10, 10 units respectively.
  const classifier = new tf.estimator.DNNClassifier({
    featureColumns: myFeatureColumns,
    // Two hidden layers of 10 nodes each.
    hiddenUnits: [10, 10],
    // The model must choose between 3 classes.
    nClasses: 3,
    // (not in the original: where the checkpoints go; the original lets the Estimator make a temporary directory)
    modelDir: args.model_dir ?? mkdtempSync(path.join(tmpdir(), 'premade-estimator-')),
  });

  // Train the Model.
  await classifier.train(() => trainInputFn(trainX, trainY, batchSize), { steps: trainSteps });

  // Evaluate the model.
  const evalResult = await classifier.evaluate(() => evalInputFn(testX, testY, batchSize));

  console.log(`\nTest set accuracy: ${evalResult.accuracy!.toFixed(3)}\n`);

  // Generate predictions from the model
  const expected = ['Setosa', 'Versicolor', 'Virginica'];
  const f32 = (xs: number[]) => new tf.NDArray(Float32Array.from(xs), [xs.length], 'float32');
  const predictX: Columns = {
    SepalLength: f32([5.1, 5.9, 6.9]),
    SepalWidth: f32([3.3, 3.0, 3.1]),
    PetalLength: f32([1.7, 4.2, 5.4]),
    PetalWidth: f32([0.5, 1.5, 2.1]),
  };

  const predictions = classifier.predict(() => evalInputFn(predictX, null, batchSize));

  let i = 0;
  for await (const predDict of predictions as AsyncIterable<Record<string, tf.NDArray>>) {
    const expec = expected[i++]!;
    const classId = Number(predDict.class_ids!.data[0]);
    const probability = predDict.probabilities!.data[classId] as number;

    console.log(`\nPrediction is "${SPECIES[classId]}" (${(100 * probability).toFixed(1)}%), expected "${expec}"`);
  }
}

tf.logging.setVerbosity(tf.logging.INFO);
await main();
