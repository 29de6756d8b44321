/**
 * Port of golbin/TensorFlow-Tutorials, "05 - TensorBoard, Saver/03 - TensorBoard2.py" (no licence
 * stated in the repository; the program's structure is followed), line by line in tsflow's
 * conventions: name scopes with histogram summaries of the same name ("Weights") in each, a scalar
 * cost summary, merge_all, FileWriter with the session's graph, add_summary per step, Saver.
 *
 * Changes: the six rows of data.csv are literals (see golbin-05-saver.test.ts); temporary model and
 * log directories; 30 steps instead of 100 (CI time); a graph seed. Checks: the merged summary's
 * tags are the name-scoped ones TF gives, the histogram of X counts its 12 values, one event file
 * is written, and the cost falls.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const data = [[0, 0, 1, 0, 0], [1, 0, 0, 1, 0], [1, 1, 0, 0, 1], [0, 0, 1, 0, 0], [0, 0, 1, 0, 0], [0, 1, 0, 0, 1]];
const xData = data.map((r) => r.slice(0, 2));
const yData = data.map((r) => r.slice(2));
const tmp = mkdtempSync(join(tmpdir(), 'tsflow-golbin-tb2-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('golbin 05 - TensorBoard2', () => {
  it('writes name-scoped histogram and scalar summaries', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(11);
    const globalStep = new tf.Variable(0, { trainable: false, name: 'global_step' });
    const X = tf.placeholder(tf.float32);
    const Y = tf.placeholder(tf.float32);

    const L1 = tf.nameScope('layer1', () => {
      const W1 = new tf.Variable(tf.randomUniform([2, 10], -1, 1), { name: 'W1' });
      const L1 = tf.nn.relu(tf.matmul(X, W1));
      tf.summary.histogram('X', X);
      tf.summary.histogram('Weights', W1);
      return L1;
    });
    const L2 = tf.nameScope('layer2', () => {
      const W2 = new tf.Variable(tf.randomUniform([10, 20], -1, 1), { name: 'W2' });
      const L2 = tf.nn.relu(tf.matmul(L1, W2));
      tf.summary.histogram('Weights', W2);
      return L2;
    });
    const model = tf.nameScope('output', () => {
      const W3 = new tf.Variable(tf.randomUniform([20, 3], -1, 1), { name: 'W3' });
      const model = tf.matmul(L2, W3);
      tf.summary.histogram('Weights', W3);
      tf.summary.histogram('Model', model);
      return model;
    });
    const [cost, trainOp] = tf.nameScope('optimizer', () => {
      const cost = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogitsV2({ labels: Y, logits: model }));
      const optimizer = new tf.train.AdamOptimizer({ learningRate: 0.01 });
      const trainOp = optimizer.minimize(cost, { globalStep });
      tf.summary.scalar('cost', cost);
      return [cost, trainOp] as const;
    });

    const sess = new tf.Session();
    const saver = new tf.train.Saver(tf.globalVariables());
    const ckpt = tf.train.getCheckpointState(join(tmp, 'model'));
    expect(ckpt).toBeNull();
    await sess.run(tf.globalVariablesInitializer());

    const merged = tf.summary.mergeAll()!;
    const writer = new tf.summary.FileWriter(join(tmp, 'logs'), sess.graph);
    const feed = new Map<tf.Tensor, tf.FeedValue>([[X, xData], [Y, yData]]);
    const costs: number[] = [];
    let summary: tf.NDArray | null = null;
    for (let step = 0; step < 30; step++) {
      await sess.run(trainOp, feed);
      costs.push((await sess.run(cost, feed)).toArray() as number);
      summary = await sess.run(merged, feed);
      writer.addSummary(summary, (await sess.run(globalStep)).toArray() as number);
    }
    await writer.close();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(tmp, 'model'));
    await saver.save(sess, join(tmp, 'model/dnn.ckpt'), { globalStep });
    await sess.close();

    const s = tf.Summary.fromString((summary!.data as unknown as Uint8Array[])[0]!);
    expect(s.value.map((v: { tag: string }) => v.tag)).toEqual(['layer1/X', 'layer1/Weights', 'layer2/Weights', 'output/Weights', 'output/Model', 'optimizer/cost']);
    expect(s.value[0]!.histo!.num).toBe(12);
    expect(s.value[0]!.histo!.sum).toBe(4); // x_data holds four ones
    expect(s.value[5]!.simpleValue).toBeCloseTo(costs.at(-1)!, 5);
    expect(readdirSync(join(tmp, 'logs')).filter((f) => f.startsWith('events.out.tfevents.'))).toHaveLength(1);
    expect(tf.train.latestCheckpoint(join(tmp, 'model'))).toBe(join(tmp, 'model/dnn.ckpt-30'));
    expect(costs.at(-1)!).toBeLessThan(costs[0]!);
  });
});
