// Multi-GPU Training Example.
//
// Train a convolutional neural network on multiple GPU with TensorFlow. This example is using
// TensorFlow layers, see 'convolutional_network_raw' example for a raw TensorFlow
// implementation with variables. This example is using the MNIST database of handwritten digits
// (http://yann.lecun.com/exdb/mnist/).
//
// Port of examples/6_MultiGPU/multigpu_cnn.py from github.com/aymericdamien/TensorFlow-Examples
// (Author: Aymeric Damien, MIT License), line by line in tsflow's conventions: one tower per
// GPU under tf.device('/gpu:N'), each slicing its share of the batch (Python's
// X[i * batch_size: (i+1) * batch_size] is tf.index(X, `${a}:${b}`)), the towers sharing one
// tf.variableScope('ConvNet') by reuse, and the towers' gradients averaged before one Adam
// update. Deviations, marked below: the session allows soft placement (TF1 refuses '/gpu:1' on a
// machine without two GPUs unless allow_soft_placement=True; with it, TF1 and tsflow place those
// ops on the CPU — or on a WebGPU adapter where there is one); --num_steps, --batch_size and
// --test_size bound a run (200 steps of 2 × 1024 on the full test set in the original),
// --gpu_count hides GPUs, the graph seed is fixed, and the towers' shared variables are
// counted. The network is large (19M weights, about 0.65 GFLOP per training image), so the test
// only runs a few small-batch steps on the CPU (a software WebGPU adapter would take minutes) and
// checks the towers share one set of variables and the run completes:
// test-args: --num_steps 6 --batch_size 4 --display_step 3 --test_size 32 --gpu_count 0
// test-check: ^Trainable variables: 12 \(ConvNet/conv2d/kernel:0 \.\.\. ConvNet/dense_2/bias:0\), shared by 2 towers$
// test-check: ^Step 1: Minibatch Loss= \d+\.\d{4}, Training Accuracy= \d\.\d{3}, \d+ Examples/sec$
// test-check: ^Step 6: Minibatch Loss= \d+\.\d{4}, Training Accuracy= \d\.\d{3}, \d+ Examples/sec$
// test-check: ^Optimization Finished!$
// test-check: ^Testing Accuracy: (0\.\d+|0|1)$
//
//   npx tsx examples/tf1/multigpu-cnn.ts [--num_steps 200] [--batch_size 1024] [--test_size 10000] [--gpu_count N]
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import * as inputData from './input-data.js';

const { values: args } = parseArgs({
  options: {
    num_steps: { type: 'string', default: '200' },
    batch_size: { type: 'string', default: '1024' },
    display_step: { type: 'string', default: '10' },
    test_size: { type: 'string', default: '10000' },
    gpu_count: { type: 'string' },
  },
});

// Import MNIST data
const mnist = inputData.readDataSets('/tmp/data/', { oneHot: true });

// Training Parameters
const numGpus = 2;
const numSteps = Number(args.num_steps);
const learningRate = 0.001;
const batchSize = Number(args.batch_size);
const displayStep = Number(args.display_step);

// Network Parameters
const numInput = 784; // MNIST data input (img shape: 28*28)
const numClasses = 10; // MNIST total classes (0-9 digits)
const dropout = 0.75; // Dropout, probability to keep units

// (not in the original: a fixed graph seed, so that a bounded run is repeatable)
tf.setRandomSeed(1);

// Build a convolutional neural network
function convNet(x: tf.Tensor, nClasses: number, dropout: number, reuse: boolean, isTraining: boolean): tf.Tensor {
  // Define a scope for reusing the variables
  return tf.variableScope('ConvNet', { reuse }, () => {
    // MNIST data input is a 1-D vector of 784 features (28*28 pixels)
    // Reshape to match picture format [Height x Width x Channel]
    // Tensor input become 4-D: [Batch Size, Height, Width, Channel]
    x = tf.reshape(x, { shape: [-1, 28, 28, 1] });

    // Convolution Layer with 64 filters and a kernel size of 5
    x = tf.layers.conv2d(x, 64, 5, { activation: tf.nn.relu });
    // Max Pooling (down-sampling) with strides of 2 and kernel size of 2
    x = tf.layers.maxPooling2d(x, 2, 2);

    // Convolution Layer with 256 filters and a kernel size of 5
    x = tf.layers.conv2d(x, 256, 3, { activation: tf.nn.relu });
    // Convolution Layer with 512 filters and a kernel size of 5
    x = tf.layers.conv2d(x, 512, 3, { activation: tf.nn.relu });
    // Max Pooling (down-sampling) with strides of 2 and kernel size of 2
    x = tf.layers.maxPooling2d(x, 2, 2);

    // Flatten the data to a 1-D vector for the fully connected layer
    x = tf.contrib.layers.flatten(x);

    // Fully connected layer (in contrib folder for now)
    x = tf.layers.dense(x, 2048);
    // Apply Dropout (if is_training is False, dropout is not applied)
    x = tf.layers.dropout(x, { rate: dropout, training: isTraining });

    // Fully connected layer (in contrib folder for now)
    x = tf.layers.dense(x, 1024);
    // Apply Dropout (if is_training is False, dropout is not applied)
    x = tf.layers.dropout(x, { rate: dropout, training: isTraining });

    // Output layer, class prediction
    let out = tf.layers.dense(x, nClasses);
    // Because 'softmax_cross_entropy_with_logits' loss already apply
    // softmax, we only apply softmax to testing network
    out = !isTraining ? tf.nn.softmax(out) : out;

    return out;
  });
}

function averageGradients(towerGrads: tf.train.GradAndVar[][]): [tf.Tensor, tf.Variable][] {
  const averageGrads: [tf.Tensor, tf.Variable][] = [];
  for (let k = 0; k < towerGrads[0]!.length; k++) {
    const gradAndVars = towerGrads.map((grads) => grads[k]!);
    // Note that each gradAndVars looks like the following:
    //   ((grad0_gpu0, var0_gpu0), ... , (grad0_gpuN, var0_gpuN))
    const grads: tf.Tensor[] = [];
    for (const [g] of gradAndVars) {
      // Add 0 dimension to the gradients to represent the tower.
      const expandedG = tf.expandDims(g as tf.Tensor, 0);

      // Append on a 'tower' dimension which we will average over below.
      grads.push(expandedG);
    }

    // Average over the 'tower' dimension.
    let grad = tf.concat(grads, 0);
    grad = tf.reduceMean(grad, 0);

    // Keep in mind that the Variables are redundant because they are shared
    // across towers. So .. we will just return the first tower's pointer to
    // the Variable.
    const v = gradAndVars[0]![1];
    const gradAndVar: [tf.Tensor, tf.Variable] = [grad, v];
    averageGrads.push(gradAndVar);
  }
  return averageGrads;
}

/** `array[a:b]` of an NDArray's rows. */
function rows(arr: tf.NDArray, a: number, b: number): tf.NDArray {
  const width = arr.shape.slice(1).reduce((x, y) => x * y, 1);
  return new tf.NDArray(arr.data.subarray(a * width, b * width) as Float32Array, [b - a, ...arr.shape.slice(1)], arr.dtype);
}

// Place all ops on CPU by default
// (the graph is built in the scope; the session runs after it: a device scope covers only the
// ops built synchronously inside it)
const { X, Y, lossOp, accuracy, trainOp, init } = tf.device('/cpu:0', () => {
  const towerGrads: tf.train.GradAndVar[][] = [];
  let reuseVars = false;

  // tf Graph input
  const X = tf.placeholder(tf.float32, [null, numInput]);
  const Y = tf.placeholder(tf.float32, [null, numClasses]);

  let lossOp!: tf.Tensor;
  let accuracy!: tf.Tensor;
  let optimizer!: tf.train.AdamOptimizer;
  // Loop over all GPUs and construct their own computation graph
  for (let i = 0; i < numGpus; i++) {
    tf.device(`/gpu:${i}`, () => {
      // Split data between GPUs
      const _x = tf.index(X, `${i * batchSize}:${(i + 1) * batchSize}`);
      const _y = tf.index(Y, `${i * batchSize}:${(i + 1) * batchSize}`);

      // Because Dropout have different behavior at training and prediction time, we
      // need to create 2 distinct computation graphs that share the same weights.

      // Create a graph for training
      const logitsTrain = convNet(_x, numClasses, dropout, reuseVars, true);
      // Create another graph for testing that reuse the same weights
      const logitsTest = convNet(_x, numClasses, dropout, true, false);

      // Define loss and optimizer (with train logits, for dropout to take effect)
      lossOp = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ logits: logitsTrain, labels: _y }));
      optimizer = new tf.train.AdamOptimizer({ learningRate });
      const grads = optimizer.computeGradients(lossOp);

      // Only first GPU compute accuracy
      if (i === 0) {
        // Evaluate model (with test logits, for dropout to be disabled)
        const correctPred = tf.equal(tf.argmax(logitsTest, 1), tf.argmax(_y, 1));
        accuracy = tf.reduceMean(tf.cast(correctPred, tf.float32));
      }

      reuseVars = true;
      towerGrads.push(grads);
    });
  }

  const trainOp = optimizer.applyGradients(averageGradients(towerGrads));

  // Initialize the variables (i.e. assign their default value)
  const init = tf.globalVariablesInitializer();
  return { X, Y, lossOp, accuracy, trainOp, init };
});

// (not in the original: the towers built one set of variables)
const trainable = tf.trainableVariables();
console.log(`Trainable variables: ${trainable.length} (${trainable[0]!.name} ... ${trainable[trainable.length - 1]!.name}), shared by ${numGpus} towers`);

// Start Training
// (allowSoftPlacement is not in the original, see above; --gpu_count N is TF1's
// ConfigProto(device_count={'GPU': N}): 0 hides a GPU, so that the towers run on the CPU)
const deviceCount: Record<string, number> = args.gpu_count === undefined ? {} : { GPU: Number(args.gpu_count) };
await using sess = new tf.Session({ config: new tf.ConfigProto({ allowSoftPlacement: true, deviceCount }) });

// Run the initializer
await sess.run(init);

// Keep training until reach max iterations
for (let step = 1; step <= numSteps; step++) {
  // Get a batch for each GPU
  const [batchX, batchY] = mnist.train.nextBatch(batchSize * numGpus);
  // Run optimization op (backprop)
  const ts = performance.now();
  await sess.run(trainOp, new Map([[X, batchX], [Y, batchY]]));
  const te = (performance.now() - ts) / 1000;
  if (step % displayStep === 0 || step === 1) {
    // Calculate batch loss and accuracy
    const [loss, acc] = await sess.run([lossOp, accuracy], new Map([[X, batchX], [Y, batchY]]));
    console.log(
      `Step ${step}: Minibatch Loss= ${(loss.toArray() as number).toFixed(4)}, Training Accuracy= ${(acc.toArray() as number).toFixed(3)}, ${Math.trunc(batchX.shape[0]! / te)} Examples/sec`,
    );
  }
}
console.log('Optimization Finished!');

// Calculate accuracy for MNIST test images
// (--test_size: the first N test images; all 10,000 in the original)
const testSize = Math.min(Number(args.test_size), mnist.test.numExamples);
const accs: number[] = [];
for (let i = 0; i < testSize; i += batchSize) {
  const feed = new Map([[X, rows(mnist.test.images, i, Math.min(i + batchSize, testSize))], [Y, rows(mnist.test.labels, i, Math.min(i + batchSize, testSize))]]);
  accs.push((await sess.run(accuracy, feed)).toArray() as number);
}
console.log('Testing Accuracy:', accs.reduce((a, b) => a + b, 0) / accs.length);
