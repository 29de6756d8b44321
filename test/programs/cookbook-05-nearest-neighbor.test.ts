/**
 * Ports of chapter 05_Nearest_Neighbor_Methods of github.com/nfmcclure/tensorflow_cookbook (Nick
 * McClure, MIT licence), line by line in tsflow's conventions:
 *   02_Working_with_Nearest_Neighbors/02_nearest_neighbor.py (weighted k-NN regression, L1),
 *   03_Working_with_Text_Distances/03_text_distances.py (tf.edit_distance on SparseTensors),
 *   04_Computing_with_Mixed_Distance_Functions/04_mixed_distance_functions_knn.py,
 *   06_Nearest_Neighbors_for_Image_Recognition/06_image_recognition.py (k-NN on MNIST).
 *
 * Changes: the Boston housing data (downloaded from UCI by the originals) is not used: 506 rows
 * with its 14 columns are synthesized from a seeded generator, MEDV a noisy function of RM,
 * LSTAT and PTRATIO; numpy's draws come from a seeded generator (cookbook-libs.ts); 04 uses
 * 300 of the rows (its distance matrix costs test × train² products). MNIST is read from the t10k digits in test/fixtures (cookbook-libs.ts readMnist) and the test sample is
 * 60 digits instead of 102. The .py of 06 writes `tf.argmax(count_of_predictions)`, TF1's axis 0
 * (one vote per class, not per digit; its accuracy loop then compares unrelated numbers): the
 * notebook beside it has `axis=1`, used here, and the axis-0 form's shape is checked too.
 * matplotlib's plots are dropped. Checks: the edit distances are the values the notebook prints
 * (TF's own output); the k-NN predictions equal a k-NN computed here in float64, and their MSE
 * is well below the spread of MEDV; MNIST k-NN accuracy is far above chance.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { arr, np, num, readMnist, takeRows } from './cookbook-libs.js';

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/** 506 rows of the housing columns (synthesized; see the header). */
function housingData(): number[][] {
  np.random.seed(506);
  const U = (lo: number, hi: number): number => np.random.uniform(lo, hi, 1)[0]!;
  const N = (m: number, s: number): number => np.random.normal(m, s, 1)[0]!;
  return Array.from({ length: 506 }, () => {
    const rm = N(6.3, 0.7);
    const lstat = U(1.7, 38);
    const ptratio = U(12.6, 22);
    const medv = Math.min(50, Math.max(5, 22 + 5 * (rm - 6.3) - 0.5 * (lstat - 12.6) - 0.6 * (ptratio - 18) + N(0, 2.5)));
    // CRIM ZN INDUS CHAS NOX RM AGE DIS RAD TAX PTRATIO B LSTAT MEDV
    return [Math.exp(N(-1, 1.5)), U(0, 1) < 0.7 ? 0 : U(10, 100), U(0.5, 28), U(0, 1) < 0.07 ? 1 : 0, U(0.38, 0.87), rm, U(3, 100), U(1, 12),
      1 + Math.floor(U(0, 24)), U(187, 711), ptratio, U(0.3, 397), lstat, medv];
  });
}

/** `(m - m.min(0)) / m.ptp(0)` */
function minMaxCols(m: number[][]): number[][] {
  const lo = m[0]!.map((_, k) => Math.min(...m.map((r) => r[k]!)));
  const hi = m[0]!.map((_, k) => Math.max(...m.map((r) => r[k]!)));
  return m.map((r) => r.map((v, k) => (v - lo[k]!) / (hi[k]! - lo[k]!)));
}

/** weighted k-NN as the programs compute it (weights ∝ 1/d, or ∝ d for 04's), in float64 */
function knn(train: number[][], ytrain: number[], test: number[][], k: number, dist: (a: number[], b: number[]) => number, inverse: boolean): number[] {
  return test.map((t) => {
    const d = train.map((x, i) => [dist(x, t), i] as const).sort((a, b) => a[0] - b[0]).slice(0, k);
    const w = d.map(([v]) => (inverse ? 1 / -v : -v));
    const s = w.reduce((a, b) => a + b, 0);
    return d.reduce((acc, [, i], j) => acc + (w[j]! / s) * ytrain[i]!, 0);
  });
}

describe('tensorflow_cookbook 05_Nearest_Neighbor_Methods', () => {
  it('02_nearest_neighbor: inverse-distance weighted 4-NN regression of MEDV', async () => {
    tf.resetDefaultGraph();
    const sess = new tf.Session();
    const housing_header = ['CRIM', 'ZN', 'INDUS', 'CHAS', 'NOX', 'RM', 'AGE', 'DIS', 'RAD', 'TAX', 'PTRATIO', 'B', 'LSTAT', 'MEDV'];
    const cols_used = ['CRIM', 'INDUS', 'NOX', 'RM', 'AGE', 'DIS', 'TAX', 'PTRATIO', 'B', 'LSTAT'];
    const num_features = cols_used.length;
    const housing_data = housingData();
    const y_vals = housing_data.map((y) => [y[13]!]);
    let x_vals = housing_data.map((y) => y.filter((_, i) => cols_used.includes(housing_header[i]!)));
    x_vals = minMaxCols(x_vals);
    np.random.seed(13);
    const train_indices = np.random.choice(x_vals.length, Math.round(x_vals.length * 0.8), false);
    const test_indices = Array.from({ length: x_vals.length }, (_, i) => i).filter((i) => !train_indices.includes(i));
    const x_vals_train = np.take(x_vals, train_indices);
    const x_vals_test = np.take(x_vals, test_indices);
    const y_vals_train = np.take(y_vals, train_indices);
    const y_vals_test = np.take(y_vals, test_indices);
    const k = 4;
    const batch_size = x_vals_test.length;
    const x_data_train = tf.placeholder(tf.float32, { shape: [null, num_features] });
    const x_data_test = tf.placeholder(tf.float32, { shape: [null, num_features] });
    const y_target_train = tf.placeholder(tf.float32, { shape: [null, 1] });
    const y_target_test = tf.placeholder(tf.float32, { shape: [null, 1] });
    const distance = tf.reduceSum(tf.abs(tf.subtract(x_data_train, tf.expandDims(x_data_test, 1))), { axis: 2 });
    let [top_k_xvals, top_k_indices] = tf.nn.topK(tf.negative(distance), { k });
    top_k_xvals = tf.truediv(1.0, top_k_xvals);
    const x_sums = tf.expandDims(tf.reduceSum(top_k_xvals, 1), 1);
    const x_sums_repeated = tf.matmul(x_sums, tf.ones([1, k], tf.float32));
    const x_val_weights = tf.expandDims(tf.div(top_k_xvals, x_sums_repeated), 1);
    const top_k_yvals = tf.gather(y_target_train, top_k_indices);
    const prediction = tf.squeeze(tf.matmul(x_val_weights, top_k_yvals), { axis: [1] });
    const mse = tf.div(tf.reduceSum(tf.square(tf.subtract(prediction, y_target_test))), batch_size);
    const num_loops = Math.ceil(x_vals_test.length / batch_size);
    expect(num_loops).toBe(1);
    for (let i = 0; i < num_loops; i++) {
      const min_index = i * batch_size;
      const max_index = Math.min((i + 1) * batch_size, x_vals_train.length);
      const x_batch = x_vals_test.slice(min_index, max_index);
      const y_batch = y_vals_test.slice(min_index, max_index);
      const feed: [tf.Tensor, number[][]][] = [[x_data_train, x_vals_train], [x_data_test, x_batch], [y_target_train, y_vals_train], [y_target_test, y_batch]];
      const predictions = (await sess.run(prediction, { feedDict: feed })) as tf.NDArray;
      const batch_mse = num(await sess.run(mse, { feedDict: feed }));
      expect(predictions.shape).toEqual([x_batch.length, 1]);
      const l1 = (a: number[], b: number[]): number => a.reduce((s, v, j) => s + Math.abs(v - b[j]!), 0);
      const want = knn(x_vals_train, y_vals_train.map((y) => y[0]!), x_batch, k, l1, true);
      arr(predictions).forEach((p, j) => expect(p).toBeCloseTo(want[j]!, 3));
      expect(batch_mse).toBeCloseTo(mean(want.map((p, j) => (p - y_batch[j]![0]!) ** 2)), 2);
      // the variance of MEDV (what predicting its mean would score) is ~ 40 here
      const my = mean(y_batch.map((y) => y[0]!));
      expect(batch_mse).toBeLessThan(0.5 * mean(y_batch.map((y) => (y[0]! - my) ** 2)));
    }
  });

  it('03_text_distances: Levenshtein distances of SparseTensors of characters', async () => {
    tf.resetDefaultGraph();
    const sess = new tf.Session();
    const hypothesis = [...'bear'];
    const truth = [...'beers'];
    const h1 = new tf.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 0, 3]], hypothesis, [1, 1, 1]);
    const t1 = new tf.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 0, 1], [0, 0, 3], [0, 0, 4]], truth, [1, 1, 1]);
    // the notebook's outputs: [[2.]], [[0.4 0.2]], [[0.4] [0.6] [1.] [1.]]
    const d1 = (await sess.run(tf.editDistance(h1, t1, { normalize: false }))) as tf.NDArray;
    expect(d1.shape).toEqual([1, 1]);
    expect(arr(d1)).toEqual([2]);
    const hypothesis2 = [...'bearbeer'];
    const truth2 = [...'beersbeers'];
    const h2 = new tf.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 0, 3], [0, 1, 0], [0, 1, 1], [0, 1, 2], [0, 1, 3]], hypothesis2, [1, 2, 4]);
    const t2 = new tf.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 0, 3], [0, 0, 4], [0, 1, 0], [0, 1, 1], [0, 1, 2], [0, 1, 3], [0, 1, 4]], truth2, [1, 2, 5]);
    const d2 = (await sess.run(tf.editDistance(h2, t2, { normalize: true }))) as tf.NDArray;
    expect(d2.shape).toEqual([1, 2]);
    arr(d2).forEach((v, i) => expect(v).toBeCloseTo([0.4, 0.2][i]!, 6));
    const hypothesis_words = ['bear', 'bar', 'tensor', 'flow'];
    const truth_word = ['beers'];
    const num_h_words = hypothesis_words.length;
    const h_indices = hypothesis_words.flatMap((x, xi) => [...x].map((_, yi) => [xi, 0, yi]));
    const h_chars = [...hypothesis_words.join('')];
    const h3 = new tf.SparseTensor(h_indices, h_chars, [num_h_words, 1, 1]);
    const truth_word_vec = Array.from({ length: num_h_words }, () => truth_word).flat();
    const t_indices = truth_word_vec.flatMap((x, xi) => [...x].map((_, yi) => [xi, 0, yi]));
    const t_chars = [...truth_word_vec.join('')];
    const t3 = new tf.SparseTensor(t_indices, t_chars, [num_h_words, 1, 1]);
    const d3 = (await sess.run(tf.editDistance(h3, t3, { normalize: true }))) as tf.NDArray;
    expect(d3.shape).toEqual([4, 1]);
    arr(d3).forEach((v, i) => expect(v).toBeCloseTo([0.4, 0.6, 1, 1][i]!, 6));
  });

  it('04_mixed_distance_functions_knn: a std-weighted distance, weights ∝ distance', async () => {
    tf.resetDefaultGraph();
    const sess = new tf.Session();
    const housing_header = ['CRIM', 'ZN', 'INDUS', 'CHAS', 'NOX', 'RM', 'AGE', 'DIS', 'RAD', 'TAX', 'PTRATIO', 'B', 'LSTAT', 'MEDV'];
    const cols_used = ['CRIM', 'INDUS', 'NOX', 'RM', 'AGE', 'DIS', 'TAX', 'PTRATIO', 'B', 'LSTAT'];
    const num_features = cols_used.length;
    const housing_data = housingData().slice(0, 300); // 300 of the 506 rows (CI time: the distance is quadratic in the training rows)
    const y_vals = housing_data.map((y) => [y[13]!]);
    let x_vals = housing_data.map((y) => y.filter((_, i) => cols_used.includes(housing_header[i]!)));
    x_vals = minMaxCols(x_vals);
    const weight_diagonal = x_vals[0]!.map((_, c) => {
      const m = mean(x_vals.map((r) => r[c]!));
      return Math.sqrt(mean(x_vals.map((r) => (r[c]! - m) ** 2)));
    }); // x_vals.std(0)
    const weight_matrix = tf.cast(tf.diag(new tf.NDArray(Float64Array.from(weight_diagonal), [num_features], 'float64')), { dtype: tf.float32 });
    np.random.seed(13);
    const train_indices = np.random.choice(x_vals.length, Math.round(x_vals.length * 0.8), false);
    const test_indices = Array.from({ length: x_vals.length }, (_, i) => i).filter((i) => !train_indices.includes(i));
    const x_vals_train = np.take(x_vals, train_indices);
    const x_vals_test = np.take(x_vals, test_indices);
    const y_vals_train = np.take(y_vals, train_indices);
    const y_vals_test = np.take(y_vals, test_indices);
    const k = 4;
    const batch_size = x_vals_test.length;
    const x_data_train = tf.placeholder(tf.float32, { shape: [null, num_features] });
    const x_data_test = tf.placeholder(tf.float32, { shape: [null, num_features] });
    const y_target_train = tf.placeholder(tf.float32, { shape: [null, 1] });
    const y_target_test = tf.placeholder(tf.float32, { shape: [null, 1] });
    const subtraction_term = tf.subtract(x_data_train, tf.expandDims(x_data_test, 1));
    const first_product = tf.matmul(subtraction_term, tf.tile(tf.expandDims(weight_matrix, 0), [batch_size, 1, 1]));
    const second_product = tf.matmul(first_product, tf.transpose(subtraction_term, { perm: [0, 2, 1] }));
    const distance = tf.sqrt(tf.matrixDiagPart(second_product));
    const [top_k_xvals, top_k_indices] = tf.nn.topK(tf.negative(distance), { k });
    const x_sums = tf.expandDims(tf.reduceSum(top_k_xvals, 1), 1);
    const x_sums_repeated = tf.matmul(x_sums, tf.ones([1, k], tf.float32));
    const x_val_weights = tf.expandDims(tf.div(top_k_xvals, x_sums_repeated), 1);
    const top_k_yvals = tf.gather(y_target_train, top_k_indices);
    const prediction = tf.squeeze(tf.matmul(x_val_weights, top_k_yvals), { axis: [1] });
    const mse = tf.div(tf.reduceSum(tf.square(tf.subtract(prediction, y_target_test))), batch_size);
    const x_batch = x_vals_test.slice(0, batch_size);
    const y_batch = y_vals_test.slice(0, batch_size);
    const feed = [[x_data_train, x_vals_train], [x_data_test, x_batch], [y_target_train, y_vals_train], [y_target_test, y_batch]] as [tf.Tensor, number[][]][];
    const predictions = (await sess.run(prediction, { feedDict: feed })) as tf.NDArray;
    const batch_mse = num(await sess.run(mse, { feedDict: feed }));
    const wdist = (a: number[], b: number[]): number => Math.sqrt(a.reduce((s, v, j) => s + weight_diagonal[j]! * (v - b[j]!) ** 2, 0));
    const want = knn(x_vals_train, y_vals_train.map((y) => y[0]!), x_batch, k, wdist, false);
    arr(predictions).forEach((p, j) => expect(p).toBeCloseTo(want[j]!, 3));
    expect(batch_mse).toBeCloseTo(mean(want.map((p, j) => (p - y_batch[j]![0]!) ** 2)), 2);
    const my = mean(y_batch.map((y) => y[0]!));
    expect(batch_mse).toBeLessThan(0.6 * mean(y_batch.map((y) => (y[0]! - my) ** 2)));
  });

  it('06_image_recognition: 4-NN on MNIST digits by L1 distance', async () => {
    tf.resetDefaultGraph();
    const sess = new tf.Session();
    const mnist = readMnist();
    np.random.seed(13);
    const train_size = 1000;
    const test_size = 60;
    const rand_train_indices = np.random.choice(mnist.train.images.shape[0]!, train_size, false);
    const rand_test_indices = np.random.choice(mnist.test.images.shape[0]!, test_size, false);
    const x_vals_train = takeRows(mnist.train.images, rand_train_indices);
    const x_vals_test = takeRows(mnist.test.images, rand_test_indices);
    const y_vals_train = takeRows(mnist.train.labels, rand_train_indices);
    const y_vals_test = takeRows(mnist.test.labels, rand_test_indices);
    const k = 4;
    const batch_size = 6;
    const x_data_train = tf.placeholder(tf.float32, { shape: [null, 784] });
    const x_data_test = tf.placeholder(tf.float32, { shape: [null, 784] });
    const y_target_train = tf.placeholder(tf.float32, { shape: [null, 10] });
    const y_target_test = tf.placeholder(tf.float32, { shape: [null, 10] });
    const distance = tf.reduceSum(tf.abs(tf.subtract(x_data_train, tf.expandDims(x_data_test, 1))), { axis: 2 });
    const [, top_k_indices] = tf.nn.topK(tf.negative(distance), { k });
    const prediction_indices = tf.gather(y_target_train, top_k_indices);
    const count_of_predictions = tf.reduceSum(prediction_indices, { axis: 1 });
    expect(tf.argmax(count_of_predictions).shape).toEqual([10]); // the .py's form: axis 0
    const prediction = tf.argmax(count_of_predictions, { axis: 1 });
    const num_loops = Math.ceil(test_size / batch_size);
    const test_output: number[] = [];
    const actual_vals: number[] = [];
    const argmaxRows = (a: tf.NDArray): number[] => Array.from({ length: a.shape[0]! }, (_, r) => {
      const row = Array.from((a.data as Float32Array).subarray(r * 10, r * 10 + 10));
      return row.indexOf(Math.max(...row));
    });
    for (let i = 0; i < num_loops; i++) {
      const min_index = i * batch_size;
      const max_index = Math.min((i + 1) * batch_size, train_size);
      const idx = Array.from({ length: max_index - min_index }, (_, j) => min_index + j);
      const x_batch = takeRows(x_vals_test, idx);
      const y_batch = takeRows(y_vals_test, idx);
      const predictions = (await sess.run(prediction, {
        feedDict: [[x_data_train, x_vals_train], [x_data_test, x_batch], [y_target_train, y_vals_train], [y_target_test, y_batch]],
      })) as tf.NDArray;
      test_output.push(...arr(predictions));
      actual_vals.push(...argmaxRows(y_batch));
    }
    const accuracy = test_output.filter((p, i) => p === actual_vals[i]).length / test_size;
    // 4-NN by L1 on 1000 training digits: ~88% in the notebook
    expect(accuracy).toBeGreaterThan(0.75);
  });
});
