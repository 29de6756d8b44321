/**
 * Shared data and numpy stand-ins for the ports of ageron/handson-ml (Apache License 2.0) in this
 * folder. Nothing here is copied from the notebooks.
 *
 * - `Rng`: a seeded generator (xorshift32 + Box-Muller) for the notebooks' np.random calls.
 * - `californiaHousingLike()`: scikit-learn's fetch_california_housing downloads its data, which
 *   a test cannot do; this synthesizes a seeded dataset of the same shape (20640 rows, 8 features
 *   with roughly the real columns' means and spreads, a target in the real one's range) whose
 *   target is a linear function of the features plus noise.
 * - `standardScale()` (sklearn's StandardScaler), `withBias()` (np.c_[np.ones((m, 1)), X]) and
 *   `leastSquares()` (the normal equation in float64, numpy's np.linalg.inv(X.T X) X.T y) for
 *   checking the TF results independently.
 */
import * as tf from 'tsflow';

export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = (seed >>> 0) || 0x9e3779b9;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let s = this.state;
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    this.state = s;
    return s / 4294967296;
  }
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** np.random.randint(low, high) */
  randint(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low));
  }
}

export interface Table { data: Float64Array; rows: number; cols: number }

export function californiaHousingLike(seed = 42): { data: Table; target: Float64Array } {
  const rows = 20640;
  const cols = 8;
  // [mean, std] of MedInc, HouseAge, AveRooms, AveBedrms, Population, AveOccup, Latitude, Longitude
  const stats = [[3.87, 1.9], [28.6, 12.6], [5.43, 2.47], [1.1, 0.47], [1425, 1132], [3.07, 1.0], [35.6, 2.14], [-119.6, 2.0]];
  const coef = [0.45, 0.01, -0.1, 0.6, 0.00001, -0.004, -0.42, -0.43];
  const rng = new Rng(seed);
  const data = new Float64Array(rows * cols);
  const target = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let t = -36.9;
    for (let c = 0; c < cols; c++) {
      const v = stats[c]![0]! + stats[c]![1]! * rng.normal();
      data[r * cols + c] = v;
      t += coef[c]! * v;
    }
    target[r] = t + 0.7 * rng.normal();
  }
  return { data: { data, rows, cols }, target };
}

export function standardScale(t: Table): Table {
  const out = new Float64Array(t.data.length);
  for (let c = 0; c < t.cols; c++) {
    let mean = 0;
    for (let r = 0; r < t.rows; r++) mean += t.data[r * t.cols + c]!;
    mean /= t.rows;
    let v = 0;
    for (let r = 0; r < t.rows; r++) v += (t.data[r * t.cols + c]! - mean) ** 2;
    const std = Math.sqrt(v / t.rows);
    for (let r = 0; r < t.rows; r++) out[r * t.cols + c] = (t.data[r * t.cols + c]! - mean) / std;
  }
  return { data: out, rows: t.rows, cols: t.cols };
}

export function withBias(t: Table): Table {
  const cols = t.cols + 1;
  const out = new Float64Array(t.rows * cols);
  for (let r = 0; r < t.rows; r++) {
    out[r * cols] = 1;
    for (let c = 0; c < t.cols; c++) out[r * cols + c + 1] = t.data[r * t.cols + c]!;
  }
  return { data: out, rows: t.rows, cols };
}

export function toNDArray(t: Table): tf.NDArray {
  return new tf.NDArray(Float32Array.from(t.data), [t.rows, t.cols], 'float32');
}

export function column(v: Float64Array): tf.NDArray {
  return new tf.NDArray(Float32Array.from(v), [v.length, 1], 'float32');
}

/** Rows `indices` of t (numpy's fancy indexing t[indices]). */
export function takeRows(t: Table, indices: number[]): tf.NDArray {
  const out = new Float32Array(indices.length * t.cols);
  indices.forEach((r, i) => { for (let c = 0; c < t.cols; c++) out[i * t.cols + c] = t.data[r * t.cols + c]!; });
  return new tf.NDArray(out, [indices.length, t.cols], 'float32');
}

/** Solves A x = b by Gaussian elimination with partial pivoting (float64). */
export function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i]![k]!) > Math.abs(M[p]![k]!)) p = i;
    [M[k], M[p]] = [M[p]!, M[k]!];
    for (let i = k + 1; i < n; i++) {
      const f = M[i]![k]! / M[k]![k]!;
      for (let j = k; j <= n; j++) M[i]![j]! -= f * M[k]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i]![n]!;
    for (let j = i + 1; j < n; j++) s -= M[i]![j]! * x[j]!;
    x[i] = s / M[i]![i]!;
  }
  return x;
}

/** X^T X and X^T y in float64. */
export function normalEquations(X: Table, y: Float64Array): { XtX: number[][]; Xty: number[] } {
  const n = X.cols;
  const XtX = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const Xty = new Array<number>(n).fill(0);
  for (let r = 0; r < X.rows; r++) {
    for (let i = 0; i < n; i++) {
      const xi = X.data[r * n + i]!;
      Xty[i]! += xi * y[r]!;
      for (let j = 0; j < n; j++) XtX[i]![j]! += xi * X.data[r * n + j]!;
    }
  }
  return { XtX, Xty };
}

/** np.linalg.inv(X.T.dot(X)).dot(X.T).dot(y), solved instead of inverted. */
export function leastSquares(X: Table, y: Float64Array): number[] {
  const { XtX, Xty } = normalEquations(X, y);
  return solve(XtX, Xty);
}

/** Mean squared error of X theta against y in float64. */
export function mseOf(X: Table, y: Float64Array, theta: ArrayLike<number>): number {
  let s = 0;
  for (let r = 0; r < X.rows; r++) {
    let p = 0;
    for (let c = 0; c < X.cols; c++) p += X.data[r * X.cols + c]! * theta[c]!;
    s += (p - y[r]!) ** 2;
  }
  return s / X.rows;
}

/** Full-batch gradient descent on the MSE in float64, from theta0 (the notebook's manual gradients). */
export function gradientDescent(X: Table, y: Float64Array, theta0: ArrayLike<number>, lr: number, epochs: number, momentum = 0): number[] {
  const { XtX, Xty } = normalEquations(X, y);
  const n = X.cols;
  const m = X.rows;
  const theta = Array.from(theta0);
  const acc = new Array<number>(n).fill(0);
  for (let e = 0; e < epochs; e++) {
    const g = XtX.map((row, i) => (2 / m) * (row.reduce((s, v, j) => s + v * theta[j]!, 0) - Xty[i]!));
    for (let i = 0; i < n; i++) {
      acc[i] = momentum * acc[i]! + g[i]!;
      theta[i]! -= lr * (momentum ? acc[i]! : g[i]!);
    }
  }
  return theta;
}

export function flat(a: tf.NDArray): number[] {
  return Array.from(a.data as Float32Array);
}

/**
 * sklearn.datasets.make_moons(m, noise, random_state): two interleaving half circles (the outer
 * one cos t, sin t labelled 0, the inner one 1 - cos t, 1/2 - sin t labelled 1, t evenly spaced
 * in [0, π]), shuffled, plus Gaussian noise. sklearn's own random stream is not reproduced; the
 * draw is seeded by `seed`.
 */
export function makeMoons(m: number, noise: number, seed: number): { X: Table; y: Float64Array } {
  const rng = new Rng(seed);
  const nOut = Math.floor(m / 2);
  const nIn = m - nOut;
  const pts: [number, number, number][] = [];
  for (let i = 0; i < nOut; i++) {
    const t = (Math.PI * i) / (nOut - 1);
    pts.push([Math.cos(t), Math.sin(t), 0]);
  }
  for (let i = 0; i < nIn; i++) {
    const t = (Math.PI * i) / (nIn - 1);
    pts.push([1 - Math.cos(t), 1 - Math.sin(t) - 0.5, 1]);
  }
  for (let i = pts.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [pts[i], pts[j]] = [pts[j]!, pts[i]!];
  }
  const X = new Float64Array(m * 2);
  const y = new Float64Array(m);
  pts.forEach(([a, b, c], i) => {
    X[2 * i] = a + noise * rng.normal();
    X[2 * i + 1] = b + noise * rng.normal();
    y[i] = c;
  });
  return { X: { data: X, rows: m, cols: 2 }, y };
}

/** np.c_ of t with the given extra columns, each computed from a row of t. */
export function addColumns(t: Table, fns: ((row: Float64Array) => number)[]): Table {
  const cols = t.cols + fns.length;
  const out = new Float64Array(t.rows * cols);
  for (let r = 0; r < t.rows; r++) {
    const row = t.data.subarray(r * t.cols, (r + 1) * t.cols);
    out.set(row, r * cols);
    fns.forEach((f, k) => { out[r * cols + t.cols + k] = f(row); });
  }
  return { data: out, rows: t.rows, cols };
}

/** Rows [from, to) of t. */
export function sliceRows(t: Table, from: number, to: number): Table {
  return { data: t.data.slice(from * t.cols, to * t.cols), rows: to - from, cols: t.cols };
}

export interface Mnist {
  X_train: tf.NDArray; y_train: tf.NDArray;
  X_valid: tf.NDArray; y_valid: tf.NDArray;
  X_test: tf.NDArray; y_test: tf.NDArray;
}

/** Rows [from, to) of an NDArray (x[from:to]). */
export function rowsOf(a: tf.NDArray, from: number, to: number): tf.NDArray {
  const per = a.shape.slice(1).reduce((p, d) => p * d, 1);
  const data = (a.data as Float32Array).slice(from * per, to * per);
  return new tf.NDArray(data, [to - from, ...a.shape.slice(1)], a.dtype);
}

/** Rows `idx` of an NDArray (x[idx]). */
export function gatherRows(a: tf.NDArray, idx: ArrayLike<number>): tf.NDArray {
  const per = a.shape.slice(1).reduce((p, d) => p * d, 1);
  const src = a.data as Float32Array;
  const Ctor = src.constructor as new (n: number) => Float32Array;
  const out = new Ctor(idx.length * per);
  for (let i = 0; i < idx.length; i++) out.set(src.subarray(idx[i]! * per, (idx[i]! + 1) * per), i * per);
  return new tf.NDArray(out, [idx.length, ...a.shape.slice(1)], a.dtype);
}

/**
 * The notebooks' MNIST arrays (tf.keras.datasets.mnist.load_data(), scaled to [0, 1], labels int32,
 * the first 5000 training digits as the validation set), from examples/tf1/input-data.ts's
 * offline data, cut to `nTrain` / `nValid` / `nTest` digits so that the tests stay short.
 */
export function mnistArrays(readDataSets: (dir: string, opts?: { oneHot?: boolean }) => { train: { images: tf.NDArray; labels: tf.NDArray }; validation: { images: tf.NDArray; labels: tf.NDArray }; test: { images: tf.NDArray; labels: tf.NDArray } }, nTrain: number, nValid: number, nTest: number): Mnist {
  const d = readDataSets('MNIST_data');
  const int32 = (l: tf.NDArray, n: number): tf.NDArray => new tf.NDArray(Int32Array.from(Array.from(l.data as ArrayLike<number>).slice(0, n), Number), [n], 'int32');
  return {
    X_train: rowsOf(d.train.images, 0, nTrain), y_train: int32(d.train.labels, nTrain),
    X_valid: rowsOf(d.validation.images, 0, nValid), y_valid: int32(d.validation.labels, nValid),
    X_test: rowsOf(d.test.images, 0, nTest), y_test: int32(d.test.labels, nTest),
  };
}

/** np.random.permutation(n) with a seeded generator (Fisher-Yates). */
export function permutation(rng: Rng, n: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The notebooks' shuffle_batch(X, y, batch_size): a permutation split into len(X) // batch_size batches (np.array_split). */
export function* shuffleBatch(rng: Rng, X: tf.NDArray, y: tf.NDArray, batch_size: number): Generator<[tf.NDArray, tf.NDArray]> {
  const n = X.shape[0]!;
  const rnd_idx = permutation(rng, n);
  const n_batches = Math.floor(n / batch_size);
  // np.array_split: the first n % n_batches parts have one more element
  const base = Math.floor(n / n_batches);
  const extra = n % n_batches;
  let start = 0;
  for (let b = 0; b < n_batches; b++) {
    const size = base + (b < extra ? 1 : 0);
    const batch_idx = rnd_idx.slice(start, start + size);
    start += size;
    yield [gatherRows(X, batch_idx), gatherRows(y, batch_idx)];
  }
}

/** np.argmax(Z, axis=1) of a [N, K] array. */
export function argmaxRows(Z: tf.NDArray): number[] {
  const [N, K] = Z.shape as [number, number];
  const d = Z.data as Float32Array;
  return Array.from({ length: N }, (_, i) => {
    let best = 0;
    for (let k = 1; k < K; k++) if (d[i * K + k]! > d[i * K + best]!) best = k;
    return best;
  });
}
