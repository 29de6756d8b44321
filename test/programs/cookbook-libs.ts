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
