// Train and export a simple Softmax Regression TensorFlow model.
//
// Port of tensorflow_serving/example/mnist_saved_model.py from TensorFlow Serving
// (github.com/tensorflow/serving, Apache License 2.0), line by line in tsflow's conventions. The
// model is from the TensorFlow "MNIST For ML Beginner" tutorial. This program simply follows all
// its training instructions, and uses TensorFlow SavedModel to export the trained model with
// proper signatures that can be loaded by standard tensorflow_model_server.
//
// Usage: mnist-saved-model.ts [--training_iteration=x] [--model_version=y] export_dir
// (default export_dir: a new directory under the system's temp dir). The test,
// test/examples-saved-model.test.ts, loads the export back and classifies through its signatures.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import * as mnistInputData from './input-data.js';

const { values: FLAGS, positionals } = parseArgs({
  options: {
    training_iteration: { type: 'string', default: '1000' }, // number of training iterations.
    model_version: { type: 'string', default: '1' }, // version number of the model.
    work_dir: { type: 'string', default: mnistInputData.DEFAULT_DATA_DIR }, // Working directory.
  },
  allowPositionals: true,
});

async function main(): Promise<void> {
  if (Number(FLAGS.training_iteration) <= 0) {
    console.log('Please specify a positive value for training iteration.');
    process.exit(-1);
  }
  if (Number(FLAGS.model_version) <= 0) {
    console.log('Please specify a positive value for version number.');
    process.exit(-1);
  }

  // Train model
  console.log('Training model...');
  const mnist = mnistInputData.readDataSets(FLAGS.work_dir, { oneHot: true });
  const sess = new tf.InteractiveSession();
  const serializedTfExample = tf.placeholder(tf.string, { name: 'tf_example' });
  const featureConfigs = { x: new tf.FixedLenFeature([784], tf.float32) };
  const tfExample = tf.parseExample(serializedTfExample, featureConfigs);
  const x = tf.identity(tfExample.x, { name: 'x' }); // use tf.identity() to assign name
  const y_ = tf.placeholder('float', [null, 10]);
  const w = new tf.Variable(tf.zeros([784, 10]));
  const b = new tf.Variable(tf.zeros([10]));
  await sess.run(tf.globalVariablesInitializer());
  const y = tf.nn.softmax(tf.add(tf.matmul(x, w), b), { name: 'y' });
  const crossEntropy = tf.negative(tf.reduceSum(tf.multiply(y_, tf.log(y))));
  const trainStep = new tf.train.GradientDescentOptimizer(0.01).minimize(crossEntropy);
  const [values, indices] = tf.nn.topK(y, 10);
  const table = tf.contrib.lookup.indexToStringTableFromTensor(tf.constant(Array.from({ length: 10 }, (_, i) => String(i))));
  const predictionClasses = table.lookup(tf.cast(indices, tf.int64));
  for (let i = 0; i < Number(FLAGS.training_iteration); i++) {
    const batch = mnist.train.nextBatch(50);
    await trainStep.run(new Map([[x, batch[0]], [y_, batch[1]]]));
  }
  const correctPrediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1));
  const accuracy = tf.reduceMean(tf.cast(correctPrediction, 'float'));
  const acc = (await sess.run(accuracy, new Map([[x, mnist.test.images], [y_, mnist.test.labels]]))) as tf.NDArray;
  console.log(`training accuracy ${Number(acc.data[0]).toPrecision(6).replace(/\.?0+$/, '')}`);
  console.log('Done training!');

  // Export model
  // WARNING(break-tutorial-inline-code): The following code snippet is
  // in-lined in tutorials, please update tutorial documents accordingly
  // whenever code changes.
  const exportPathBase = positionals.at(-1) ?? mkdtempSync(join(tmpdir(), 'mnist-saved-model-'));
  const exportPath = join(exportPathBase, String(FLAGS.model_version));
  console.log('Exporting trained model to', exportPath);
  const builder = new tf.savedModel.builder.SavedModelBuilder(exportPath);

  // Build the signature_def_map.
  const classificationInputs = tf.savedModel.utils.buildTensorInfo(serializedTfExample);
  const classificationOutputsClasses = tf.savedModel.utils.buildTensorInfo(predictionClasses);
  const classificationOutputsScores = tf.savedModel.utils.buildTensorInfo(values);

  const classificationSignature = tf.savedModel.signatureDefUtils.buildSignatureDef({
    inputs: { [tf.savedModel.signatureConstants.CLASSIFY_INPUTS]: classificationInputs },
    outputs: {
      [tf.savedModel.signatureConstants.CLASSIFY_OUTPUT_CLASSES]: classificationOutputsClasses,
      [tf.savedModel.signatureConstants.CLASSIFY_OUTPUT_SCORES]: classificationOutputsScores,
    },
    methodName: tf.savedModel.signatureConstants.CLASSIFY_METHOD_NAME,
  });

  const tensorInfoX = tf.savedModel.utils.buildTensorInfo(x);
  const tensorInfoY = tf.savedModel.utils.buildTensorInfo(y);

  const predictionSignature = tf.savedModel.signatureDefUtils.buildSignatureDef({
    inputs: { images: tensorInfoX },
    outputs: { scores: tensorInfoY },
    methodName: tf.savedModel.signatureConstants.PREDICT_METHOD_NAME,
  });

  await builder.addMetaGraphAndVariables(sess, [tf.savedModel.tagConstants.SERVING], {
    signatureDefMap: {
      predict_images: predictionSignature,
      [tf.savedModel.signatureConstants.DEFAULT_SERVING_SIGNATURE_DEF_KEY]: classificationSignature,
    },
    mainOp: tf.tablesInitializer(),
    stripDefaultAttrs: true,
  });

  builder.save();

  console.log('Done exporting!');
  await sess.close();
}

await main();
