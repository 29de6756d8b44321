/**
 * Port of hunkim/DeepLearningZeroToAll lab-12-5-rnn_stock_prediction.py (TF1; the repository
 * carries no licence file, so its data-02-stock_daily.csv is not copied), line by line in tsflow's
 * conventions: min-max scaling, 7-day windows, a BasicLSTMCell (activation tf.tanh) run by
 * tf.nn.dynamicRnn, tf.contrib.layers.fullyConnected on the last step's output (`outputs[:, -1]`,
 * here `tf.index(outputs, ':', -1)`), a summed squared loss with Adam and an RMSE graph fed the
 * predictions.
 *
 * Changes: the 732 daily rows (open, high, low, volume, close) are 140 synthetic ones from a
 * seeded random walk (close = previous close + noise, open/high/low around it, an unrelated
 * volume); iterations 500 → 60; matplotlib's plot is left out. Checks: the RMSE graph equals an
 * RMSE computed here from the fetched predictions, the loss falls, and the test RMSE beats
 * always answering the training set's mean close.
 */
import { expect, it } from 'vitest';
import * as tf from 'tsflow';

function MinMaxScaler(data: number[][]): number[][] {
  const cols = data[0]!.length;
  const min = Array.from({ length: cols }, (_, j) => Math.min(...data.map((r) => r[j]!)));
  const max = Array.from({ length: cols }, (_, j) => Math.max(...data.map((r) => r[j]!)));
  // noise term prevents the zero division
  return data.map((r) => r.map((v, j) => (v - min[j]!) / (max[j]! - min[j]! + 1e-7)));
}

function dailyRows(n: number): number[][] {
  let s = 2024;
  const r = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const out: number[][] = [];
  let close = 800;
  for (let i = 0; i < n; i++) {
    const open = close + 4 * (r() - 0.5);
    close = open + 10 * (r() - 0.5) + 1.5 * Math.sin(i / 9);
    out.push([open, Math.max(open, close) + 3 * r(), 1e6 * (1 + r()), Math.min(open, close) - 3 * r(), close]);
  }
  return out;
}

it('lab-12-5 RNN stock prediction: LSTM on 7-day windows beats the mean, RMSE graph checked', async () => {
  tf.resetDefaultGraph();
  tf.setRandomSeed(777); // reproducibility

  // train Parameters
  const seq_length = 7;
  const data_dim = 5;
  const hidden_dim = 10;
  const output_dim = 1;
  const learning_rate = 0.01;
  const iterations = 60;

  // Open, High, Low, Volume, Close
  let xy = dailyRows(140);
  xy = xy.reverse().reverse(); // the original reverses the file into chronological order; ours already is

  // train/test split
  const train_size = Math.trunc(xy.length * 0.7);
  let train_set = xy.slice(0, train_size);
  let test_set = xy.slice(train_size - seq_length); // Index from [train_size - seq_length] to utilize past sequence

  // Scale each
  train_set = MinMaxScaler(train_set);
  test_set = MinMaxScaler(test_set);

  // build datasets
  function build_dataset(time_series: number[][], seq_length: number): [number[][][], number[][]] {
    const dataX: number[][][] = [];
    const dataY: number[][] = [];
    for (let i = 0; i < time_series.length - seq_length; i++) {
      const _x = time_series.slice(i, i + seq_length);
      const _y = [time_series[i + seq_length]![4]!]; // Next close price
      dataX.push(_x);
      dataY.push(_y);
    }
    return [dataX, dataY];
  }

  const [trainX, trainY] = build_dataset(train_set, seq_length);
  const [testX, testY] = build_dataset(test_set, seq_length);

  // input place holders
  const X = tf.placeholder(tf.float32, [null, seq_length, data_dim]);
  const Y = tf.placeholder(tf.float32, [null, 1]);

  // build a LSTM network
  const cell = new tf.contrib.rnn.BasicLSTMCell({ numUnits: hidden_dim, stateIsTuple: true, activation: tf.tanh });
  const [outputs, _states] = tf.nn.dynamicRnn(cell, X, { dtype: tf.float32 }) as [tf.Tensor, unknown];
  void _states;
  const last = tf.index(outputs, ':', -1);
  expect(last.shape).toEqual([null, hidden_dim]);
  const Y_pred = tf.contrib.layers.fullyConnected(last, output_dim, { activationFn: null }); // We use the last cell's output

  // cost/loss
  const loss = tf.reduceSum(tf.square(tf.subtract(Y_pred, Y))); // sum of the squares
  // optimizer
  const optimizer = new tf.train.AdamOptimizer(learning_rate);
  const train = optimizer.minimize(loss);

  // RMSE
  const targets = tf.placeholder(tf.float32, [null, 1]);
  const predictions = tf.placeholder(tf.float32, [null, 1]);
  const rmse = tf.sqrt(tf.reduceMean(tf.square(tf.subtract(targets, predictions))));

  const sess = new tf.Session();
  const init = tf.globalVariablesInitializer();
  await sess.run(init);

  // Training step
  const losses: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const [, step_loss] = (await sess.run([train, loss], new Map<tf.Tensor, number[][] | number[][][]>([[X, trainX], [Y, trainY]]))) as [null, tf.NDArray];
    losses.push(step_loss.toArray() as number);
  }
  expect(losses[iterations - 1]!).toBeLessThan(losses[0]! / 3);

  // Test step
  const test_predict = (await sess.run(Y_pred, new Map([[X, testX]]))) as tf.NDArray;
  expect(test_predict.shape).toEqual([testX.length, 1]);
  const rmse_val = ((await sess.run(rmse, new Map<tf.Tensor, tf.NDArray | number[][]>([[targets, testY], [predictions, test_predict]]))) as tf.NDArray).toArray() as number;

  const p = Array.from(test_predict.data as Float32Array);
  const mine = Math.sqrt(p.reduce((s, v, i) => s + (testY[i]![0]! - v) ** 2, 0) / p.length);
  expect(rmse_val).toBeCloseTo(mine, 5);
  const mean = trainY.reduce((s, y) => s + y[0]!, 0) / trainY.length;
  const baseline = Math.sqrt(testY.reduce((s, y) => s + (y[0]! - mean) ** 2, 0) / testY.length);
  expect(rmse_val).toBeLessThan(baseline);
  await sess.close();
});
