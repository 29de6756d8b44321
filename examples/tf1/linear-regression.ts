// A linear regression learning algorithm example using TensorFlow library.
//
// Port of tensorflow_v1/examples/2_BasicModels/linear_regression.py from
// github.com/aymericdamien/TensorFlow-Examples (Author: Aymeric Damien, MIT License), line by line
// in tsflow's conventions (the matplotlib plots are left out). The original's notebook ends with
//   Epoch: 1000 cost= 0.088419855 W= 0.30953 b= 0.370291
// from two `numpy.random.randn()` draws it does not print. Its epoch-50 line fixes them up to a
// direction that the first epochs forget: W = 0.10238929, b = -0.71838866 (from them, float64
// arithmetic gives the notebook's every line to the printed digits). The test starts from those:
// test-args: --init 0.10238929,-0.71838866
// test-check: ^Epoch: 0050 cost= 0\.19509\d+ W= 0\.44174\d* b= -0\.58087\d*$
// test-check: ^Epoch: 1000 cost= 0\.088419\d+ W= 0\.30953\d* b= 0\.37029\d*$
//
//   npx tsx examples/tf1/linear-regression.ts [--epochs 1000] [--init W,b] [--seed 1]
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '1000' },
    init: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});

// numpy.random.randn from a seeded generator (Box–Muller over xorshift32), or the --init values.
const rng = (() => {
  const given = args.init?.split(',').map(Number);
  let s = Number(args.seed) >>> 0 || 1;
  const uniform = (): number => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  return { randn: (): number => given?.shift() ?? Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()) };
})();

// Parameters
const learningRate = 0.01;
const trainingEpochs = Number(args.epochs);
const displayStep = 50;

// Training Data
const trainX = [3.3, 4.4, 5.5, 6.71, 6.93, 4.168, 9.779, 6.182, 7.59, 2.167,
  7.042, 10.791, 5.313, 7.997, 5.654, 9.27, 3.1];
const trainY = [1.7, 2.76, 2.09, 3.19, 1.694, 1.573, 3.366, 2.596, 2.53, 1.221,
  2.827, 3.465, 1.65, 2.904, 2.42, 2.94, 1.3];
const nSamples = trainX.length;

// tf Graph Input
const X = tf.placeholder('float32');
const Y = tf.placeholder('float32');

// Set model weights
const W = new tf.Variable(rng.randn(), { name: 'weight' });
const b = new tf.Variable(rng.randn(), { name: 'bias' });

// Construct a linear model
const pred = tf.add(tf.multiply(X, W), b);

// Mean squared error
const cost = tf.divide(tf.reduceSum(tf.pow(tf.subtract(pred, Y), 2)), 2 * nSamples);
// Gradient descent
//  Note, minimize() knows to modify W and b because Variable objects are trainable=true by default
const optimizer = new tf.train.GradientDescentOptimizer(learningRate).minimize(cost);

// Initialize the variables (i.e. assign their default value)
const init = tf.globalVariablesInitializer();

/** Python's "{:.9f}".format(c) and print(float32): the value to 9 decimals / 6 significant digits. */
const f9 = (v: tf.NDArray): string => (v.toArray() as number).toFixed(9);
const g = (v: tf.NDArray): string => String(Number((v.toArray() as number).toPrecision(6)));

// Start training
{
  await using sess = new tf.Session();

  // Run the initializer
  await sess.run(init);

  // Fit all training data
  for (let epoch = 0; epoch < trainingEpochs; epoch++) {
    for (let i = 0; i < nSamples; i++) {
      await sess.run(optimizer, new Map([[X, trainX[i]!], [Y, trainY[i]!]]));
    }

    // Display logs per epoch step
    if ((epoch + 1) % displayStep === 0) {
      const c = await sess.run(cost, new Map([[X, trainX], [Y, trainY]]));
      console.log('Epoch:', String(epoch + 1).padStart(4, '0'), 'cost=', f9(c),
        'W=', g(await sess.run(W)), 'b=', g(await sess.run(b)));
    }
  }

  console.log('Optimization Finished!');
  const trainingCost = await sess.run(cost, new Map([[X, trainX], [Y, trainY]]));
  console.log('Training cost=', g(trainingCost), 'W=', g(await sess.run(W)), 'b=', g(await sess.run(b)), '\n');

  // (The original plots the training data and the fitted line here.)

  // Testing example, as requested (Issue #2)
  const testX = [6.83, 4.668, 8.9, 7.91, 5.7, 8.7, 3.1, 2.1];
  const testY = [1.84, 2.273, 3.2, 2.831, 2.92, 3.24, 1.35, 1.03];

  console.log('Testing... (Mean square loss Comparison)');
  const testingCost = await sess.run(
    tf.divide(tf.reduceSum(tf.pow(tf.subtract(pred, Y), 2)), 2 * testX.length),
    new Map([[X, testX], [Y, testY]])); // same function as cost above
  console.log('Testing cost=', g(testingCost));
  console.log('Absolute mean square loss difference:', g(new tf.NDArray(new Float32Array([Math.abs(
    (trainingCost.toArray() as number) - (testingCost.toArray() as number))]), [])));

  // (The original plots the testing data and the fitted line here.)
}
