/**
 * Port of tutorial-contents/305_tensorboard.py from github.com/MorvanZhou/Tensorflow-Tutorial
 * (MIT), line by line in tsflow's conventions: the 301 net built inside tf.variable_scope('Inputs')
 * and ('Net') with named dense layers, histogram summaries of the hidden layer and prediction,
 * tf.losses.mean_squared_error(scope='loss'), a scalar summary, tf.summary.merge_all and a
 * FileWriter given sess.graph, one add_summary per step.
 *
 * Changes: the log goes to a temporary directory instead of './log'; numpy's noise is seeded
 * (morvan-np.ts). The checks read the event file back: the graph event, 100 summaries at steps
 * 0..99, tags Net/h_out, Net/pred, loss_1 (TF1's summary_scope uniquifies 'loss', taken by the
 * loss op's scope); the histograms hold 100·10 and 100 values, the scalar
 * equals the loss of a separate run of the same weights at step 0 and falls below 0.02 by the end
 * (noise variance 0.01); variable and op names follow the scopes.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { column, linspace, NpRandom } from './morvan-np.js';

const dir = mkdtempSync(join(tmpdir(), 'morvan-305-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('MorvanZhou/Tensorflow-Tutorial 305_tensorboard', () => {
  it('writes histogram and scalar summaries under variable scopes', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(1);
    const np = new NpRandom(1);

    // fake data
    const x = column(linspace(-1, 1, 100)); // shape (100, 1)
    const noise = np.normal(0, 0.1, 100);
    const y = x.map(([v], i) => [v! ** 2 + noise[i]!]); // shape (100, 1) + some noise

    const [tf_x, tf_y] = tf.variableScope('Inputs', () => [
      tf.placeholder(tf.float32, [100, 1], { name: 'x' }),
      tf.placeholder(tf.float32, [100, 1], { name: 'y' }),
    ]);

    const [l1, output] = tf.variableScope('Net', () => {
      const l1 = tf.layers.dense(tf_x!, 10, tf.nn.relu, { name: 'hidden_layer' });
      const output = tf.layers.dense(l1, 1, { name: 'output_layer' });

      // add to histogram summary
      tf.summary.histogram('h_out', l1);
      tf.summary.histogram('pred', output);
      return [l1, output];
    });

    const loss = tf.losses.meanSquaredError(tf_y!, output!, { scope: 'loss' });
    const train_op = new tf.train.GradientDescentOptimizer({ learningRate: 0.5 }).minimize(loss);
    tf.summary.scalar('loss', loss); // add loss to scalar summary

    expect(tf_x!.name).toBe('Inputs/x:0');
    expect(l1!.name).toBe('Net/hidden_layer/Relu:0');
    expect(tf.trainableVariables().map((v) => v.name)).toEqual([
      'Net/hidden_layer/kernel:0', 'Net/hidden_layer/bias:0', 'Net/output_layer/kernel:0', 'Net/output_layer/bias:0']);
    expect(loss.name.startsWith('loss/')).toBe(true);

    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    const loss0 = ((await sess.run(loss, [[tf_x!, x], [tf_y!, y]])) as tf.NDArray).toArray() as number;

    const writer = new tf.summary.FileWriter(join(dir, 'log'), sess.graph); // write to file
    const merge_op = tf.summary.mergeAll()!; // operation to merge all summary

    for (let step = 0; step < 100; step++) {
      // train and net output
      const [, result] = (await sess.run([train_op, merge_op], [[tf_x!, x], [tf_y!, y]])) as tf.NDArray[];
      writer.addSummary(result!, step);
    }
    writer.close();
    sess.close();

    const files = readdirSync(join(dir, 'log')).filter((f) => f.startsWith('events.out.tfevents.'));
    expect(files).toHaveLength(1);
    const events = [...tf.train.summaryIterator(join(dir, 'log', files[0]!))];
    expect(events.some((e) => e.graphDef && e.graphDef.length > 0)).toBe(true);
    const sums = events.filter((e) => e.summary);
    expect(sums.map((e) => Number(e.step))).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const first = sums[0]!.summary!.value;
    // the scalar's name scope 'loss' is taken by the loss op's scope, so TF1's summary_scope makes it loss_1
    expect(first.map((v) => v.tag)).toEqual(['Net/h_out', 'Net/pred', 'loss_1']);
    expect(first[0]!.histo!.num).toBe(1000);
    expect(first[1]!.histo!.num).toBe(100);
    expect(first[0]!.histo!.min).toBeGreaterThanOrEqual(0); // ReLU outputs
    expect(first[2]!.simpleValue).toBeCloseTo(loss0, 6);
    const last = sums[99]!.summary!.value[2]!.simpleValue!;
    expect(last).toBeLessThan(0.02);
    expect(last).toBeLessThan(loss0);
  });
});
