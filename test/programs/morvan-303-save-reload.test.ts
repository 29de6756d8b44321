/**
 * Port of tutorial-contents/303_save_reload.py from github.com/MorvanZhou/Tensorflow-Tutorial
 * (MIT), line by line in tsflow's conventions: train the 301 net, tf.train.Saver().save(sess,
 * './params', write_meta_graph=False), tf.reset_default_graph(), build the same net again and
 * saver.restore into a fresh session without initializing.
 *
 * Changes: the checkpoint goes to a temporary directory instead of './params'; numpy's noise is
 * seeded (morvan-np.ts); plots dropped, the plotted prediction and loss are returned instead. The
 * checks: no .meta file is written, the reloaded net gives the saved net's loss and predictions
 * exactly (the restored variables are the trained ones, not the fresh graph's initial values,
 * which give a different loss), and the trained loss is below 0.02 (noise variance 0.01).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { column, linspace, NpRandom } from './morvan-np.js';

const dir = mkdtempSync(join(tmpdir(), 'morvan-303-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('MorvanZhou/Tensorflow-Tutorial 303_save_reload', () => {
  it('saves trained dense layers and reloads them into a rebuilt graph', async () => {
    const np = new NpRandom(1);

    // fake data
    const x = column(linspace(-1, 1, 100)); // shape (100, 1)
    const noise = np.normal(0, 0.1, 100);
    const y = x.map(([v], i) => [v! ** 2 + noise[i]!]); // shape (100, 1) + some noise
    const params = join(dir, 'params');

    async function save(): Promise<{ pred: tf.NDArray; l: number }> {
      // print('This is save')
      // build neural network
      const tf_x = tf.placeholder(tf.float32, [100, 1]); // input x
      const tf_y = tf.placeholder(tf.float32, [100, 1]); // input y
      const l = tf.layers.dense(tf_x, 10, tf.nn.relu); // hidden layer
      const o = tf.layers.dense(l, 1); // output layer
      const loss = tf.losses.meanSquaredError(tf_y, o); // compute cost
      const train_op = new tf.train.GradientDescentOptimizer({ learningRate: 0.5 }).minimize(loss);

      const sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer()); // initialize var in graph

      const saver = new tf.train.Saver(); // define a saver for saving and restoring

      for (let step = 0; step < 100; step++) { // train
        await sess.run(train_op, [[tf_x, x], [tf_y, y]]);
      }

      await saver.save(sess, params, { writeMetaGraph: false }); // meta_graph is not recommended

      // plotting
      const [pred, lv] = (await sess.run([o, loss], [[tf_x, x], [tf_y, y]])) as tf.NDArray[];
      sess.close();
      return { pred: pred!, l: lv!.toArray() as number };
    }

    async function reload(init: boolean): Promise<{ pred: tf.NDArray; l: number }> {
      // print('This is reload')
      // build entire net again and restore
      const tf_x = tf.placeholder(tf.float32, [100, 1]); // input x
      const tf_y = tf.placeholder(tf.float32, [100, 1]); // input y
      const l_ = tf.layers.dense(tf_x, 10, tf.nn.relu); // hidden layer
      const o_ = tf.layers.dense(l_, 1); // output layer
      const loss_ = tf.losses.meanSquaredError(tf_y, o_); // compute cost

      const sess = new tf.Session();
      if (init) {
        // (not in the original: the rebuilt graph's own initial values, to show the restore matters)
        await sess.run(tf.globalVariablesInitializer());
      } else {
        // don't need to initialize variables, just restoring trained variables
        const saver = new tf.train.Saver(); // define a saver for saving and restoring
        await saver.restore(sess, params);
      }

      // plotting
      const [pred, lv] = (await sess.run([o_, loss_], [[tf_x, x], [tf_y, y]])) as tf.NDArray[];
      sess.close();
      return { pred: pred!, l: lv!.toArray() as number };
    }

    tf.resetDefaultGraph();
    tf.setRandomSeed(1);
    const saved = await save();

    // destroy previous net
    tf.resetDefaultGraph();

    const reloaded = await reload(false);

    expect(readdirSync(dir).sort()).toEqual(['checkpoint', 'params.data-00000-of-00001', 'params.index']);
    expect(saved.l).toBeLessThan(0.02);
    expect(reloaded.l).toBe(saved.l);
    expect(Array.from(reloaded.pred.data)).toEqual(Array.from(saved.pred.data));

    tf.resetDefaultGraph();
    const fresh = await reload(true);
    expect(Math.abs(fresh.l - saved.l)).toBeGreaterThan(0.01);
  });
});
