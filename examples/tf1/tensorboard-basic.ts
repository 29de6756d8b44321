// Graph and Loss visualization using Tensorboard.
// This example is using the MNIST database of handwritten digits
// (http://yann.lecun.com/exdb/mnist/)
//
// Port of examples/4_Utils/tensorboard_basic.py from github.com/aymericdamien/TensorFlow-Examples
// (Author: Aymeric Damien, MIT License), line by line in tsflow's conventions (the version with
// tf.summary.scalar / merge_all / FileWriter). test/examples-tensorboard.test.ts runs it for one
// epoch into a temporary --logs_path and reads the event file back (summary tags are TF1's:
// 'loss_1' and 'accuracy_1', as the name scopes 'Loss' and 'Accuracy' hold those names, case aside).
//
//   npx tsx examples/tf1/tensorboard-basic.ts [--epochs 25] [--logs_path /tmp/tensorflow_logs/example]
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import * as inputData from './input-data.js';

const { values: args } = parseArgs({
  options: { epochs: { type: 'string', default: '25' }, logs_path: { type: 'string', default: '/tmp/tensorflow_logs/example' } },
});

// Import MNIST data
const mnist = inputData.readDataSets('/tmp/data/', { oneHot: true });

// Parameters
const learningRate = 0.01;
const trainingEpochs = Number(args.epochs);
const batchSize = 100;
const displayStep = 1;
const logsPath = args.logs_path;

// tf Graph Input
// mnist data image of shape 28*28=784
const x = tf.placeholder(tf.float32, [null, 784], { name: 'InputData' });
// 0-9 digits recognition => 10 classes
const y = tf.placeholder(tf.float32, [null, 10], { name: 'LabelData' });

// Set model weights
const W = new tf.Variable(tf.zeros([784, 10]), { name: 'Weights' });
const b = new tf.Variable(tf.zeros([10]), { name: 'Bias' });

// Construct model and encapsulating all ops into scopes, making
// Tensorboard's Graph visualization more convenient
const pred = tf.nameScope('Model', () => {
  // Model
  return tf.nn.softmax(tf.add(tf.matmul(x, W), b)); // Softmax
});
const cost = tf.nameScope('Loss', () => {
  // Minimize error using cross entropy
  return tf.reduceMean(tf.negative(tf.reduceSum(tf.multiply(y, tf.log(pred)), { reductionIndices: 1 })));
});
const optimizer = tf.nameScope('SGD', () => {
  // Gradient Descent
  return new tf.train.GradientDescentOptimizer(learningRate).minimize(cost);
});
const acc = tf.nameScope('Accuracy', () => {
  // Accuracy
  const acc = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1));
  return tf.reduceMean(tf.cast(acc, tf.float32));
});

// Initialize the variables (i.e. assign their default value)
const init = tf.globalVariablesInitializer();

// Create a summary to monitor cost tensor
tf.summary.scalar('loss', cost);
// Create a summary to monitor accuracy tensor
tf.summary.scalar('accuracy', acc);
// Merge all summaries into a single op
const mergedSummaryOp = tf.summary.mergeAll()!;

// Start training
{
  await using sess = new tf.Session();
  await sess.asDefault(async () => {
    // Run the initializer
    await sess.run(init);

    // op to write logs to Tensorboard
    const summaryWriter = new tf.summary.FileWriter(logsPath, { graph: tf.getDefaultGraph() });

    // Training cycle
    for (let epoch = 0; epoch < trainingEpochs; epoch++) {
      let avgCost = 0;
      const totalBatch = Math.trunc(mnist.train.numExamples / batchSize);
      // Loop over all batches
      for (let i = 0; i < totalBatch; i++) {
        const [batchXs, batchYs] = mnist.train.nextBatch(batchSize);
        // Run optimization op (backprop), cost op (to get loss value)
        // and summary nodes
        const [, c, summary] = await sess.run([optimizer, cost, mergedSummaryOp], new Map([[x, batchXs], [y, batchYs]]));
        // Write logs at every iteration
        summaryWriter.addSummary(summary!, epoch * totalBatch + i);
        // Compute average loss
        avgCost += (c!.toArray() as number) / totalBatch;
      }
      // Display logs per epoch step
      if ((epoch + 1) % displayStep === 0) console.log('Epoch:', String(epoch + 1).padStart(4, '0'), 'cost=', avgCost.toFixed(9));
    }

    console.log('Optimization Finished!');

    // Test model
    // Calculate accuracy
    console.log('Accuracy:', String((await acc.eval(new Map([[x, mnist.test.images], [y, mnist.test.labels]]))).toArray()));

    // (not in the original, which never closes its writer: closed here so that every event is
    // on disk before the program ends)
    summaryWriter.close();

    console.log('Run the command line:\n' + `--> tensorboard --logdir=${logsPath} ` + '\nThen open http://0.0.0.0:6006/ into your web browser');
  });
}
