/**
 * Port of hunkim/DeepLearningZeroToAll lab-04-4-tf_reader_linear_regression.py (TF1; the repository
 * carries no licence file, so its data-01-test-score.csv is not copied), line by line in tsflow's
 * conventions: a queue pipeline (stringInputProducer → TextLineReader → decodeCsv → train.batch,
 * Coordinator + startQueueRunners) feeding a multi-variable linear regression.
 *
 * Changes: the CSV is 25 synthetic rows written to a temporary directory — three exam scores drawn
 * from a seeded generator in 60..100 and a final score 0.5·x1 + 0.6·x2 + 0.9·x3 (+ noise in
 * ±2), the shape of the original's data; steps 2001 → 81. Python's list slices of decode_csv's
 * columns (`xy[0:-1]`, `xy[-1:]`) are Array.prototype.slice, which tf.train.batch packs as TF1 does.
 * Checks: the batches are the file's rows in order (shuffle=false), 10 at a time and wrapping
 * around; the cost falls by two orders of magnitude; the fitted model's answer for a row is
 * close to that row's final score.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import * as tf from 'tsflow';

function scores(n: number): number[][] {
  let s = 12345;
  const r = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  return Array.from({ length: n }, () => {
    const x = [0, 1, 2].map(() => Math.round(60 + 40 * r()));
    return [...x, Math.round(0.5 * x[0]! + 0.6 * x[1]! + 0.9 * x[2]! + (4 * r() - 2))];
  });
}

it('lab-04-4 tf reader linear regression: queue-fed batches, the cost falls, predictions fit', async () => {
  tf.resetDefaultGraph();
  tf.setRandomSeed(777); // for reproducibility
  const dir = mkdtempSync(join(tmpdir(), 'score-'));
  const rows = scores(25);
  const csv = join(dir, 'data-01-test-score.csv');
  writeFileSync(csv, rows.map((r) => r.join(',')).join('\n') + '\n');

  const filename_queue = tf.train.stringInputProducer([csv], { shuffle: false, name: 'filename_queue' });

  const reader = new tf.TextLineReader();
  const [key, value] = reader.read(filename_queue);
  void key;

  // Default values, in case of empty columns. Also specifies the type of the
  // decoded result.
  const record_defaults = [[0.0], [0.0], [0.0], [0.0]];
  const xy = tf.decodeCsv(value, { recordDefaults: record_defaults });

  // collect batches of csv in
  const [train_x_batch, train_y_batch] = tf.train.batch([xy.slice(0, -1), xy.slice(-1)], { batchSize: 10 });
  expect(train_x_batch!.shape).toEqual([10, 3]);
  expect(train_y_batch!.shape).toEqual([10, 1]);

  // placeholders for a tensor that will be always fed.
  const X = tf.placeholder(tf.float32, { shape: [null, 3] });
  const Y = tf.placeholder(tf.float32, { shape: [null, 1] });

  const W = new tf.Variable(tf.randomNormal([3, 1]), { name: 'weight' });
  const b = new tf.Variable(tf.randomNormal([1]), { name: 'bias' });

  // Hypothesis
  const hypothesis = tf.add(tf.matmul(X, W), b);

  // Simplified cost/loss function
  const cost = tf.reduceMean(tf.square(tf.subtract(hypothesis, Y)));

  // Minimize
  const optimizer = new tf.train.GradientDescentOptimizer({ learningRate: 1e-5 });
  const train = optimizer.minimize(cost);

  // Launch the graph in a session.
  const sess = new tf.Session();
  // Initializes global variables in the graph.
  await sess.run(tf.globalVariablesInitializer());

  // Start populating the filename queue.
  const coord = new tf.train.Coordinator();
  const threads = tf.train.startQueueRunners({ sess, coord });

  const costs: number[] = [];
  for (let step = 0; step < 81; step++) {
    const [x_batch, y_batch] = (await sess.run([train_x_batch!, train_y_batch!])) as tf.NDArray[];
    if (step < 3) {
      // Rows 10·step … 10·step + 9 of the file, wrapping round its 25 rows.
      for (let i = 0; i < 10; i++) {
        const row = rows[(10 * step + i) % 25]!;
        expect((x_batch!.toArray() as number[][])[i]).toEqual(row.slice(0, 3));
        expect((y_batch!.toArray() as number[][])[i]).toEqual(row.slice(3));
      }
    }
    const [cost_val] = (await sess.run([cost, hypothesis, train], new Map([[X, x_batch!], [Y, y_batch!]]))) as tf.NDArray[];
    costs.push(cost_val!.toArray() as number);
  }

  coord.requestStop();
  await coord.join(threads);

  // Random-normal weights put the first answers thousands of squared points off; after 80
  // steps the mean squared error over a batch is in the tens at most.
  expect(costs[0]!).toBeGreaterThan(1000);
  const tail = costs.slice(-25);
  expect(Math.max(...tail)).toBeLessThan(costs[0]! / 100);

  // Over all 25 rows the fitted model is as good as over the last batches.
  const all = (await sess.run(cost, new Map([[X, rows.map((r) => r.slice(0, 3))], [Y, rows.map((r) => r.slice(3))]]))) as tf.NDArray;
  expect(all.toArray() as number).toBeLessThan(costs[0]! / 100);

  // Ask my score: the data's rule gives 0.5·100 + 0.6·70 + 0.9·101 = 182.9; the fit (a
  // different weighting of these correlated columns) lands within 20 % of it.
  const mine = (await sess.run(hypothesis, new Map([[X, [[100, 70, 101]]]]))) as tf.NDArray;
  expect(mine.shape).toEqual([1, 1]);
  expect(Math.abs(Number(mine.data[0]) - 182.9)).toBeLessThan(0.2 * 182.9);
  const others = (await sess.run(hypothesis, new Map([[X, [[60, 70, 110], [90, 100, 80]]]]))) as tf.NDArray;
  expect(others.shape).toEqual([2, 1]);
  expect(Math.abs(Number(others.data[0]) - 171)).toBeLessThan(0.2 * 171);
  expect(Math.abs(Number(others.data[1]) - 177)).toBeLessThan(0.2 * 177);
  await sess.close();
  rmSync(dir, { recursive: true, force: true });
});
