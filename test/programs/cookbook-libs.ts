/**
 * Stand-ins for what the tensorflow_cookbook ports take from numpy and scikit-learn:
 *   - `np`: a seeded `np.random` (normal, uniform, choice, seed) and the array helpers the
 *     programs use (linspace, repeat), on plain JS arrays (float64, as numpy's);
 *   - `loadIris()`: `sklearn.datasets.load_iris()` from the 150 rows of
 *     test/fixtures/datasets/iris (TF's iris_training.csv + iris_test.csv), ordered by class as
 *     sklearn's copy is (50 setosa, 50 versicolor, 50 virginica).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from 'tsflow';
import { DataSet } from '../../examples/tf1/input-data.js';

let state = 0x2545f491;

function next(): number {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 4294967296;
}

export const np = {
  random: {
    seed(s: number): void {
      state = s >>> 0 || 0x9e3779b9;
    },
    /** `np.random.uniform(low, high, size)`. */
    uniform(low = 0, high = 1, size = 1): number[] {
      return Array.from({ length: size }, () => low + (high - low) * next());
    },
    /** `np.random.normal(loc, scale, size)` (Box-Muller). */
    normal(loc = 0, scale = 1, size = 1): number[] {
      return Array.from({ length: size }, () => {
        const u = 1 - next();
        return loc + scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
      });
    },
    /** `np.random.choice(n)` (one index) */
    choice1(n: number): number {
      return Math.floor(next() * n);
    },
    /** `np.random.choice(n, size, replace)`. */
    choice(n: number, size: number, replace = true): number[] {
      if (replace) return Array.from({ length: size }, () => Math.floor(next() * n));
      const p = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [p[i], p[j]] = [p[j]!, p[i]!];
      }
      return p.slice(0, size);
    },
  },
  linspace(start: number, stop: number, num: number): number[] {
    return Array.from({ length: num }, (_, i) => start + ((stop - start) * i) / (num - 1));
  },
  repeat(v: number, n: number): number[] {
    return new Array(n).fill(v);
  },
  /** `a[idx]` for an index array */
  take<T>(a: readonly T[], idx: readonly number[]): T[] {
    return idx.map((i) => a[i]!);
  },
  /** `np.transpose([v])`: a column */
  column(v: readonly number[]): number[][] {
    return v.map((x) => [x]);
  },
};

export interface Iris {
  data: number[][];
  target: number[];
}

const IRIS = fileURLToPath(new URL('../fixtures/datasets/iris/', import.meta.url));

/** `sklearn.datasets.load_iris()`. */
export function loadIris(): Iris {
  const rows: number[][] = [];
  for (const f of ['iris_training.csv', 'iris_test.csv']) {
    const lines = readFileSync(IRIS + f, 'utf8').trim().split('\n').slice(1);
    for (const l of lines) rows.push(l.split(',').map(Number));
  }
  rows.sort((a, b) => a[4]! - b[4]!); // stable: by class
  return { data: rows.map((r) => r.slice(0, 4)), target: rows.map((r) => r[4]!) };
}

/** A fetched value as a flat number array. */
export function arr(v: unknown): number[] {
  return Array.from((v as tf.NDArray).data as ArrayLike<number>, Number);
}

/** A fetched scalar (or the first element). */
export function num(v: unknown): number {
  return Number((v as tf.NDArray).data[0]);
}

const T10K = fileURLToPath(new URL('../fixtures/datasets/mnist', import.meta.url));

function rows(a: tf.NDArray, from: number, to: number): tf.NDArray {
  const w = a.size / a.shape[0]!;
  return new tf.NDArray((a.data as Float32Array).slice(from * w, to * w), [to - from, ...a.shape.slice(1)], a.dtype);
}

/**
 * `input_data.read_data_sets("MNIST_data/", one_hot=True)`, bounded for CPU tests: TF1's
 * DataSet (examples/tf1/input-data.ts, with its shuffling nextBatch) over the real MNIST t10k
 * digits in test/fixtures/datasets/mnist, the first 8000 as the training set and the last 2000
 * as the test set (the t10k IDX files load in well under a second).
 */
export function readMnist(seed = 1): { train: DataSet; test: DataSet } {
  const t = tf.data.mnist.load(T10K).test;
  if (!t) throw new Error(`no MNIST t10k files in ${T10K}`);
  const labels = tf.data.oneHot(t.labels, 10);
  const n = t.labels.size;
  return {
    train: new DataSet(rows(t.images, 0, 8000), rows(labels, 0, 8000), seed),
    test: new DataSet(rows(t.images, 8000, n), rows(labels, 8000, n), seed),
  };
}

/** `a[indices]` for the rows of an NDArray. */
export function takeRows(a: tf.NDArray, indices: readonly number[]): tf.NDArray {
  const w = a.size / a.shape[0]!;
  const src = a.data as Float32Array;
  const out = new Float32Array(indices.length * w);
  indices.forEach((r, i) => out.set(src.subarray(r * w, (r + 1) * w), i * w));
  return new tf.NDArray(out, [indices.length, ...a.shape.slice(1)], a.dtype);
}
