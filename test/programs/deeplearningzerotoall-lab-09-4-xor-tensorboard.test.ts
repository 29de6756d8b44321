/**
 * Port of hunkim/DeepLearningZeroToAll lab-09-4-xor_tensorboard.py (TF1; the repository carries no
 * licence file), line by line in tsflow's conventions.
 *
 * Changes: steps 10001 → 301 with learning rate 0.01 → 0.1 (Adam), so the 2-2-1 sigmoid net
 * solves XOR within the bound; the log directory is a fresh temporary one. Python's operators
 * become ops (`Y * tf.log(h)` → tf.multiply, `hypothesis > 0.5` → tf.greater). The idioms kept:
 * name scopes holding the layers, tf.summary.histogram/scalar inside them, tf.summary.mergeAll,
 * FileWriter + addGraph(sess.graph), addSummary(summary, {globalStep: step}) with TF1's keyword.
 * The event file is read back with tf.train.summaryIterator: one graph event, one summary event
 * per step with the steps given, the scoped tags, and histograms whose count/min/max match the
 * fetched weights.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import * as tf from 'tsflow';

it('lab-09-4 XOR with tensorboard summaries: solves XOR, the event file holds the summaries', async () => {
  tf.resetDefaultGraph();
  tf.setRandomSeed(777); // for reproducibility
  const logdir = mkdtempSync(join(tmpdir(), 'xor-logs-'));

  const x_data = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const y_data = [[0], [1], [1], [0]];

  const X = tf.placeholder(tf.float32, [null, 2], { name: 'x' });
  const Y = tf.placeholder(tf.float32, [null, 1], { name: 'y' });

  const [W1, b1, layer1] = tf.nameScope('Layer1', () => {
    const W1 = new tf.Variable(tf.randomNormal([2, 2]), { name: 'weight_1' });
    const b1 = new tf.Variable(tf.randomNormal([2]), { name: 'bias_1' });
    const layer1 = tf.sigmoid(tf.add(tf.matmul(X, W1), b1));

    tf.summary.histogram('W1', W1);
    tf.summary.histogram('b1', b1);
    tf.summary.histogram('Layer1', layer1);
    return [W1, b1, layer1] as const;
  });

  const [W2, hypothesis] = tf.nameScope('Layer2', () => {
    const W2 = new tf.Variable(tf.randomNormal([2, 1]), { name: 'weight_2' });
    const b2 = new tf.Variable(tf.randomNormal([1]), { name: 'bias_2' });
    const hypothesis = tf.sigmoid(tf.add(tf.matmul(layer1, W2), b2));

    tf.summary.histogram('W2', W2);
    tf.summary.histogram('b2', b2);
    tf.summary.histogram('Hypothesis', hypothesis);
    return [W2, hypothesis] as const;
  });
  expect(W1.name).toBe('Layer1/weight_1:0');
  expect(b1.name).toBe('Layer1/bias_1:0');
  expect(W2.name).toBe('Layer2/weight_2:0');

  // cost/loss function
  const cost = tf.nameScope('Cost', () => {
    const cost = tf.negative(tf.reduceMean(tf.add(tf.multiply(Y, tf.log(hypothesis)), tf.multiply(tf.subtract(1, Y), tf.log(tf.subtract(1, hypothesis))))));
    tf.summary.scalar('Cost', cost);
    return cost;
  });

  const train = tf.nameScope('Train', () => new tf.train.AdamOptimizer({ learningRate: 0.1 }).minimize(cost));

  // Accuracy computation
  // True if hypothesis>0.5 else False
  const predicted = tf.cast(tf.greater(hypothesis, 0.5), { dtype: tf.float32 });
  const accuracy = tf.reduceMean(tf.cast(tf.equal(predicted, Y), { dtype: tf.float32 }));
  tf.summary.scalar('accuracy', accuracy);

  // Launch graph
  const sess = new tf.Session();
  // tensorboard --logdir=./logs/xor_logs
  const merged_summary = tf.summary.mergeAll()!;
  const writer = new tf.summary.FileWriter(join(logdir, 'xor_logs_r0_01'));
  writer.addGraph(sess.graph); // Show the graph

  // Initialize TensorFlow variables
  await sess.run(tf.globalVariablesInitializer());

  const STEPS = 301;
  const costs: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const [, summary, cost_val] = (await sess.run([train, merged_summary, cost], { 'x:0': x_data, 'y:0': y_data })) as [null, tf.NDArray, tf.NDArray];
    writer.addSummary(summary, { globalStep: step });
    if (step % 100 === 0) costs.push(cost_val.toArray() as number);
  }

  // Accuracy report
  const [h, p, a, w1] = (await sess.run([hypothesis, predicted, accuracy, W1], { 'x:0': x_data, 'y:0': y_data })) as tf.NDArray[];
  writer.close();

  // log 2 ≈ 0.69 is the cost of the constant 0.5 answer; solving XOR takes it well below.
  expect(costs[costs.length - 1]!).toBeLessThan(0.05);
  expect(p!.toArray()).toEqual([[0], [1], [1], [0]]);
  expect(a!.toArray()).toBe(1);
  const hv = h!.toArray() as number[][];
  expect(hv[0]![0]!).toBeLessThan(0.1);
  expect(hv[1]![0]!).toBeGreaterThan(0.9);

  // The event file.
  const files = readdirSync(join(logdir, 'xor_logs_r0_01')).filter((f) => f.startsWith('events.out.tfevents.'));
  expect(files.length).toBe(1);
  const events = [...tf.train.summaryIterator(join(logdir, 'xor_logs_r0_01', files[0]!))];
  expect(events[0]!.fileVersion).toBe('brain.Event:2');
  expect(events.filter((e) => e.graphDef !== undefined && e.graphDef.length > 0).length).toBe(1);
  const summaries = events.filter((e) => e.summary !== undefined);
  expect(summaries.length).toBe(STEPS);
  expect(summaries.map((e) => Number(e.step))).toEqual([...Array(STEPS).keys()]);
  const tags = summaries[0]!.summary!.value.map((v) => v.tag).sort();
  expect(tags).toEqual(['Cost/Cost', 'Layer1/Layer1', 'Layer1/W1', 'Layer1/b1', 'Layer2/Hypothesis', 'Layer2/W2', 'Layer2/b2', 'accuracy'].sort());
  // The last step's W1 histogram was taken before that step's update; its count is 4 and its
  // range brackets the weights, which moved by at most one Adam step (lr 0.1) since.
  const lastW1 = summaries[STEPS - 1]!.summary!.value.find((v) => v.tag === 'Layer1/W1')!.histo!;
  expect(Number(lastW1.num)).toBe(4);
  const wv = Array.from(w1!.data as Float32Array);
  expect(Math.abs(Number(lastW1.min) - Math.min(...wv))).toBeLessThan(0.11);
  expect(Math.abs(Number(lastW1.max) - Math.max(...wv))).toBeLessThan(0.11);
  const lastCost = summaries[STEPS - 1]!.summary!.value.find((v) => v.tag === 'Cost/Cost')!.simpleValue!;
  expect(lastCost).toBeLessThan(0.05);
  await sess.close();
  rmSync(logdir, { recursive: true, force: true });
});
