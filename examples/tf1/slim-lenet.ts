// LeNet in TF-Slim, trained with slim.learning.train and evaluated with slim.evaluation.evaluateOnce.
//
// Port of research/slim/nets/lenet.py from github.com/tensorflow/models (Apache License 2.0),
// line by line in tsflow's conventions (`lenet` and `lenetArgScope`), with a short driver in the
// manner of research/slim's train_image_classifier.py and eval_image_classifier.py: flags from
// tf.app.flags, tf.app.run(main), slim.losses.softmaxCrossEntropy, slim.learning.createTrainOp
// and slim.learning.train for --max_number_of_steps steps writing checkpoints and summaries to
// --train_dir, then a fresh graph evaluates the latest checkpoint on the first --eval_size MNIST
// test digits with slim.metrics.streamingAccuracy. research/slim reads TFRecords through
// slim.dataset_data_provider; here the MNIST arrays of examples/tf1/input-data.ts reach the graph
// through tf.data.Dataset.fromGenerator batches. test/examples-slim.test.ts runs it bounded and
// checks the variable names, the loss and the accuracy.
//
//   npx tsx examples/tf1/slim-lenet.ts [--max_number_of_steps 2000] [--train_dir DIR] [--eval_size 10000]
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from 'tsflow';
import * as inputData from './input-data.js';

const slim = tf.contrib.slim;
const flags = tf.app.flags;
const FLAGS = flags.FLAGS;

flags.DEFINE_string('train_dir', path.join(os.tmpdir(), 'tsflow-slim-lenet'), 'Directory where checkpoints and event logs are written to.');
flags.DEFINE_integer('max_number_of_steps', 2000, 'The maximum number of training steps.', 1);
flags.DEFINE_integer('batch_size', 50, 'The number of samples in each batch.', 1);
flags.DEFINE_float('learning_rate', 0.001, 'Initial learning rate (Adam).');
flags.DEFINE_float('weight_decay', 0.0, 'The weight decay on the model weights.', 0);
flags.DEFINE_integer('log_every_n_steps', 10, 'The frequency with which logs are printed.', 1);
flags.DEFINE_integer('eval_size', 10000, 'How many MNIST test digits to evaluate on.', 1);
flags.DEFINE_integer('seed', 1, 'The graph-level random seed (not in the original).');

// ----- research/slim/nets/lenet.py ------------------------------------------------------------
/**
 * Creates a variant of the LeNet model. Note that since the output is a set of 'logits', the
 * values fall in the interval of (-infinity, infinity); prediction_fn turns them into a
 * distribution. Returns [logits, endPoints].
 */
function lenet(
  images: tf.Tensor, numClasses = 10, isTraining = false, dropoutKeepProb = 0.5,
  predictionFn: (logits: tf.Tensor, opts: { scope: string }) => tf.Tensor = slim.softmax, scope = 'LeNet',
): [tf.Tensor, Record<string, tf.Tensor>] {
  const endPoints: Record<string, tf.Tensor> = {};
  const logits = tf.variableScope(scope, { defaultName: 'LeNet', values: [images] }, () => {
    let net = (endPoints.conv1 = slim.conv2d(images, 32, [5, 5], { scope: 'conv1' }));
    net = endPoints.pool1 = slim.maxPool2d(net, [2, 2], 2, { scope: 'pool1' });
    net = endPoints.conv2 = slim.conv2d(net, 64, [5, 5], { scope: 'conv2' });
    net = endPoints.pool2 = slim.maxPool2d(net, [2, 2], 2, { scope: 'pool2' });
    net = slim.flatten(net);
    endPoints.Flatten = net;
    net = endPoints.fc3 = slim.fullyConnected(net, 1024, { scope: 'fc3' });
    net = endPoints.dropout3 = slim.dropout(net, dropoutKeepProb, { isTraining, scope: 'dropout3' });
    return (endPoints.Logits = slim.fullyConnected(net, numClasses, { activationFn: null, scope: 'fc4' }));
  });
  endPoints.Predictions = predictionFn(logits, { scope: 'Predictions' });
  return [logits, endPoints];
}
const lenetDefaultImageSize = 28;

/** Defines the default lenet argument scope. */
function lenetArgScope(weightDecay = 0.0): tf.contrib.framework.ArgScope {
  return slim.argScope([slim.conv2d, slim.fullyConnected], {
    weightsRegularizer: slim.l2Regularizer(weightDecay),
    weightsInitializer: tf.truncatedNormalInitializer({ stddev: 0.1 }),
    activationFn: tf.nn.relu,
  }, (sc) => sc);
}

// ----- the driver ----------------------------------------------------------------------------
/** Batches of [images NHWC, one-hot labels] from `split`, forever (shuffled per epoch) or once over the first `limit`. */
function batches(split: inputData.DataSet, batchSize: number, limit: number | null): tf.data.Dataset {
  const gen = function* (): Generator<[tf.NDArray, tf.NDArray]> {
    if (limit === null) for (;;) yield split.nextBatch(batchSize);
    const n = Math.min(limit, split.numExamples);
    const img = split.images.data as Float32Array, lab = split.labels.data as Float32Array;
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(s + batchSize, n);
      yield [new tf.NDArray(img.slice(s * 784, e * 784), [e - s, 784], 'float32'), new tf.NDArray(lab.slice(s * 10, e * 10), [e - s, 10], 'float32')];
    }
  };
  return tf.data.Dataset.fromGenerator(gen, ['float32', 'float32'], [[null, 784], [null, 10]]);
}

function inputs(split: inputData.DataSet, batchSize: number, limit: number | null): [tf.Tensor, tf.Tensor] {
  const [x, y] = batches(split, batchSize, limit).makeOneShotIterator().getNext() as [tf.Tensor, tf.Tensor];
  return [tf.reshape(x, [-1, lenetDefaultImageSize, lenetDefaultImageSize, 1]), y];
}

async function main(_argv: string[]): Promise<number> {
  tf.logging.setVerbosity(tf.logging.INFO);
  const mnist = inputData.readDataSets('/tmp/data/', { oneHot: true });
  const trainDir: string = FLAGS.train_dir;

  // training (train_image_classifier.py)
  const trainGraph = new tf.Graph();
  const trainOp = trainGraph.asDefault(() => {
    tf.setRandomSeed(FLAGS.seed);
    const [images, labels] = inputs(mnist.train, FLAGS.batch_size, null);
    const [logits, endPoints] = slim.argScope(lenetArgScope(FLAGS.weight_decay), () => lenet(images, 10, true));
    void endPoints;
    slim.losses.softmaxCrossEntropy(logits, labels);
    const totalLoss = slim.losses.getTotalLoss();
    tf.summary.scalar('losses/total_loss', totalLoss);
    const optimizer = new tf.train.AdamOptimizer(FLAGS.learning_rate);
    return slim.learning.createTrainOp(totalLoss, optimizer);
  });
  console.log(`Model variables: ${trainGraph.asDefault(() => slim.getModelVariables()).map((v) => `${v.op.name} [${v.shape.join(', ')}]`).join(', ')}`);
  const finalLoss = await slim.learning.train(trainOp, trainDir, {
    numberOfSteps: FLAGS.max_number_of_steps, logEveryNSteps: FLAGS.log_every_n_steps, saveSummariesSecs: 60, saveIntervalSecs: 600,
  });
  console.log(`Final loss: ${finalLoss!.toFixed(4)}`);

  // evaluation (eval_image_classifier.py)
  const checkpointPath = tf.train.latestCheckpoint(trainDir)!;
  const evalGraph = new tf.Graph();
  const values = await evalGraph.asDefault(async () => {
    const [images, labels] = inputs(mnist.test, FLAGS.batch_size, FLAGS.eval_size);
    const [logits] = slim.argScope(lenetArgScope(0), () => lenet(images, 10, false));
    const predictions = tf.argmax(logits, 1);
    const [namesToValues, namesToUpdates] = slim.metrics.aggregateMetricMap({
      Accuracy: slim.metrics.streamingAccuracy(predictions, tf.argmax(labels, 1)),
    });
    tf.summary.scalar('eval/Accuracy', namesToValues.Accuracy!);
    const globalStep = tf.train.getOrCreateGlobalStep();
    return slim.evaluation.evaluateOnce('', checkpointPath, path.join(trainDir, 'eval'), {
      numEvals: Math.ceil(Math.min(FLAGS.eval_size, mnist.test.numExamples) / FLAGS.batch_size),
      evalOp: Object.values(namesToUpdates), finalOp: { ...namesToValues, globalStep },
      variablesToRestore: slim.getVariablesToRestore(),
    }) as Promise<Record<string, tf.NDArray>>;
  });
  console.log(`Evaluated ${checkpointPath} at global step ${Number(values.globalStep!.data[0])}`);
  console.log(`Accuracy: ${Number(values.Accuracy!.data[0]).toFixed(4)}`);
  return 0;
}

await tf.app.run(main);
