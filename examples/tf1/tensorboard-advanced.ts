// Graph and Loss visualization using Tensorboard.
// This example is using the MNIST database of handwritten digits
// (http://yann.lecun.com/exdb/mnist/)
//
// Port of examples/4_Utils/tensorboard_advanced.py from github.com/aymericdamien/TensorFlow-Examples
// (Author: Aymeric Damien, MIT License), line by line in tsflow's conventions (weight, gradient and
// activation histograms, gradients applied with apply_gradients). test/examples-tensorboard.test.ts runs it for two
// epochs into a temporary --logs_path and reads the event file back. With N(0, 1) weights, a
// loss summed over the batch and plain SGD at 0.01 the first epoch's average cost is enormous
// (6.2e16 here, seed 1); the test checks that it falls in the second. The summaries' tags are
// TF1's: 'loss_1' and 'accuracy_1' (the name scopes 'Loss' and 'Accuracy' already hold those
// names, case aside), 'W1_0' and 'W1_0/gradient' for var.name 'W1:0'.
//
//   npx tsx examples/tf1/tensorboard-advanced.ts [--epochs 25] [--seed 1] [--logs_path /tmp/tensorflow_logs/example]
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import * as inputData from './input-data.js';

const { values: args } = parseArgs({
  options: { seed: { type: 'string', default: '1' }, epochs: { type: 'string', default: '25' }, logs_path: { type: 'string', default: '/tmp/tensorflow_logs/example' } },
});

tf.setRandomSeed(Number(args.seed)); // (not in the original: fixed here so that every run gives the same figures)

// Import MNIST data
const mnist = inputData.readDataSets('/tmp/data/', { oneHot: true });

// Parameters
const learningRate = 0.01;
const trainingEpochs = Number(args.epochs);
const batchSize = 100;
const displayStep = 1;
const logsPath = args.logs_path;

// Network Parameters
const nHidden1 = 256; // 1st layer number of features
const nHidden2 = 256; // 2nd layer number of features
const nInput = 784; // MNIST data input (img shape: 28*28)
const nClasses = 10; // MNIST total classes (0-9 digits)

// tf Graph Input
// mnist data image of shape 28*28=784
const x = tf.placeholder(tf.float32, [null, 784], { name: 'InputData' });
// 0-9 digits recognition => 10 classes
const y = tf.placeholder(tf.float32, [null, 10], { name: 'LabelData' });

// Create model
function multilayerPerceptron(x: tf.Tensor, weights: Record<string, tf.Variable>, biases: Record<string, tf.Variable>): tf.Tensor {
  // Hidden layer with RELU activation
  let layer1 = tf.add(tf.matmul(x, weights.w1!), biases.b1!);
  layer1 = tf.nn.relu(layer1);
  // Create a summary to visualize the first layer ReLU activation
  tf.summary.histogram('relu1', layer1);
  // Hidden layer with RELU activation
  let layer2 = tf.add(tf.matmul(layer1, weights.w2!), biases.b2!);
  layer2 = tf.nn.relu(layer2);
  // Create another summary to visualize the second layer ReLU activation
  tf.summary.histogram('relu2', layer2);
  // Output layer
  const outLayer = tf.add(tf.matmul(layer2, weights.w3!), biases.b3!);
  return outLayer;
}

// Store layers weight & bias
const weights = {
  w1: new tf.Variable(tf.randomNormal([nInput, nHidden1]), { name: 'W1' }),
  w2: new tf.Variable(tf.randomNormal([nHidden1, nHidden2]), { name: 'W2' }),
  w3: new tf.Variable(tf.randomNormal([nHidden2, nClasses]), { name: 'W3' }),
};
const biases = {
  b1: new tf.Variable(tf.randomNormal([nHidden1]), { name: 'b1' }),
  b2: new tf.Variable(tf.randomNormal([nHidden2]), { name: 'b2' }),
  b3: new tf.Variable(tf.randomNormal([nClasses]), { name: 'b3' }),
};

// Encapsulating all ops into scopes, making Tensorboard's Graph
// Visualization more convenient
const pred = tf.nameScope('Model', () => {
  // Build model
  return multilayerPerceptron(x, weights, biases);
});

const loss = tf.nameScope('Loss', () => {
  // Softmax Cross entropy (cost function)
  return tf.reduceSum(tf.nn.softmaxCrossEntropyWithLogits({ logits: pred, labels: y }));
});

const [grads, applyGrads] = tf.nameScope('SGD', () => {
  // Gradient Descent
  const optimizer = new tf.train.GradientDescentOptimizer(learningRate);
  // Op to calculate every variable gradient
  const g = tf.gradients(loss, tf.trainableVariables());
  const grads = g.map((grad, i) => [grad!, tf.trainableVariables()[i]!] as [tf.Tensor, tf.Variable]);
  // Op to update all variables according to their gradient
  const applyGrads = optimizer.applyGradients({ gradsAndVars: grads });
  return [grads, applyGrads] as const;
});

const acc = tf.nameScope('Accuracy', () => {
  // Accuracy
  const acc = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1));
  return tf.reduceMean(tf.cast(acc, tf.float32));
});

// Initialize the variables (i.e. assign their default value)
const init = tf.globalVariablesInitializer();

// Create a summary to monitor cost tensor
tf.summary.scalar('loss', loss);
// Create a summary to monitor accuracy tensor
tf.summary.scalar('accuracy', acc);
// Create summaries to visualize weights
for (const v of tf.trainableVariables()) tf.summary.histogram(v.name, v);
// Summarize all gradients
for (const [grad, v] of grads) tf.summary.histogram(v.name + '/gradient', grad);
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
        const [, c, summary] = await sess.run([applyGrads, loss, mergedSummaryOp], new Map([[x, batchXs], [y, batchYs]]));
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
