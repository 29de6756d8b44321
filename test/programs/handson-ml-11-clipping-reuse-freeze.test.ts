/**
 * Port of 11_deep_learning.ipynb from github.com/ageron/handson-ml (Aurélien Géron, Apache License
 * 2.0), cells 72–139: gradient clipping (compute_gradients / clip_by_value / apply_gradients),
 * reloading a model with import_meta_graph and a collection of important ops, reusing pretrained
 * layers (new layers on top of an imported graph's dnn/hidden3/Relu:0; a Saver over the
 * hidden[123] variables), freezing layers (minimize's var_list, stop_gradient) and training on
 * the frozen layers' cached outputs, line by line in tsflow's conventions.
 *
 * Changes: MNIST comes from examples/tf1/input-data.ts's offline data, cut to 2000 training and
 * 500 validation digits. The 20-epoch loops are bounded: pretraining one epoch of batches of 20
 * (the original's 200), continuing one epoch of 50, the new/frozen-layer runs one epoch of 50 on
 * 500 digits. Files go to a temporary directory; TensorBoard cells are left out. Checks: each
 * clipped step moves a weight by exactly lr × clip(gradient, ±1) of the fetched raw gradient;
 * the op/tensor names the notebook looks up; the restored model's accuracy equals the saved one's
 * and one more epoch raises it; restored weights equal the saved ones; the regex scopes pick
 * the notebook's variables; frozen layers keep their pretrained weights while hidden3 trains;
 * training on the cached hidden2 equals training through the stop_gradient-frozen layers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import * as inputData from '../../examples/tf1/input-data.js';
import { flat, gatherRows, mnistArrays, permutation, Rng, rowsOf, shuffleBatch } from './handson-ml-libs.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsflow-handson-11b-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function reset_graph(seed = 42): void {
  tf.resetDefaultGraph();
  tf.setRandomSeed(seed);
}

const { X_train, y_train, X_valid, y_valid } = mnistArrays(inputData.readDataSets, 2000, 500, 0);
const n_inputs = 28 * 28; // MNIST
const validFeed = (X: tf.Tensor, y: tf.Tensor): Map<tf.Tensor, tf.NDArray> => new Map([[X, X_valid], [y, y_valid]]);
const results: Record<string, number[]> = {};

describe('ageron/handson-ml 11_deep_learning: gradient clipping, reusing and freezing layers', () => {
  it('clips gradients, reloads with import_meta_graph, reuses and freezes layers (cells 72–139)', async () => {
    const n_hidden1 = 300, n_hidden2 = 50, n_hidden3 = 50, n_hidden4 = 50, n_hidden5 = 50, n_outputs = 10;
    const learning_rate = 0.01;
    const threshold = 1.0;
    const n_epochs = 1; // the original's 20, bounded
    const batch_size = 50; // the original's 200
    const pretrain_batch_size = 20; // so that the pretraining epoch has 100 steps
    const ckpt = join(tmp, 'my_model_final.ckpt');
    // after pretraining, the new layers train on 500 digits (10 steps): enough to tell frozen from trained weights
    const [X_small, y_small] = [rowsOf(X_train, 0, 500), rowsOf(y_train, 0, 500)];

    reset_graph();
    let X = tf.placeholder(tf.float32, { shape: [null, n_inputs], name: 'X' });
    let y = tf.placeholder(tf.int32, { shape: null, name: 'y' });
    let logits = tf.nameScope('dnn', () => {
      const hidden1 = tf.layers.dense(X, n_hidden1, { activation: tf.nn.relu, name: 'hidden1' });
      const hidden2 = tf.layers.dense(hidden1, n_hidden2, { activation: tf.nn.relu, name: 'hidden2' });
      const hidden3 = tf.layers.dense(hidden2, n_hidden3, { activation: tf.nn.relu, name: 'hidden3' });
      const hidden4 = tf.layers.dense(hidden3, n_hidden4, { activation: tf.nn.relu, name: 'hidden4' });
      const hidden5 = tf.layers.dense(hidden4, n_hidden5, { activation: tf.nn.relu, name: 'hidden5' });
      return tf.layers.dense(hidden5, n_outputs, { name: 'outputs' });
    });
    let loss = tf.nameScope('loss', () => tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }), { name: 'loss' }));
    let optimizer = new tf.train.GradientDescentOptimizer(learning_rate);
    const grads_and_vars = optimizer.computeGradients(loss);
    const capped_gvs = grads_and_vars.map(([grad, v]) => [tf.clipByValue(grad!, -threshold, threshold), v] as [tf.Tensor, tf.Variable]);
    let training_op: tf.Operation | tf.Tensor = optimizer.applyGradients(capped_gvs);
    let accuracy = tf.nameScope('eval', () => tf.reduceMean(tf.cast(tf.nn.inTopK(logits, y, 1), tf.float32), { name: 'accuracy' }));
    let init = tf.globalVariablesInitializer();
    let saver = new tf.train.Saver();
    const rng = new Rng(7);
    let saved: Record<string, number[]> = {};
    let acc0 = 0;
    await new tf.Session().asDefault(async (sess) => {
      await init.run();
      // a clipped step moves no weight by more than lr * threshold
      const before = (await sess.run(tf.trainableVariables())) as tf.NDArray[];
      const [Xb, yb] = shuffleBatch(rng, X_train, y_train, batch_size).next().value as [tf.NDArray, tf.NDArray];
      const raw = (await sess.run(grads_and_vars.map(([g]) => g!), new Map([[X, Xb], [y, yb]]))) as tf.NDArray[];
      await sess.run(training_op, new Map([[X, Xb], [y, yb]]));
      const after = (await sess.run(tf.trainableVariables())) as tf.NDArray[];
      before.forEach((b, k) => {
        const bf = flat(b), af = flat(after[k]!), g = flat(raw[k]!);
        for (let i = 0; i < bf.length; i += 97) expect(af[i]!).toBeCloseTo(bf[i]! - learning_rate * Math.max(-1, Math.min(1, g[i]!)), 6);
      });
      for (let epoch = 0; epoch < n_epochs; epoch++) {
        for (const [X_batch, y_batch] of shuffleBatch(rng, X_train, y_train, pretrain_batch_size)) await sess.run(training_op, new Map([[X, X_batch], [y, y_batch]]));
        acc0 = (await accuracy.eval(validFeed(X, y))).toArray() as number;
      }
      await saver.save(sess, ckpt);
      const vals = (await sess.run(tf.globalVariables())) as tf.NDArray[];
      saved = Object.fromEntries(tf.globalVariables().map((v, k) => [v.op.name, flat(vals[k]!)]));
    });
    // 41 steps of 0.01 through five ReLU layers: about 0.4 here, chance is 0.1
    expect(acc0).toBeGreaterThan(0.2);

    // cells 84–102: import_meta_graph, the important ops by name, a collection, continue training
    reset_graph();
    saver = tf.train.importMetaGraph(ckpt + '.meta')!;
    const opNames = tf.getDefaultGraph().getOperations().map((op) => op.name);
    expect(opNames).toContain('dnn/hidden3/Relu');
    expect(opNames).toContain('GradientDescent');
    X = tf.getDefaultGraph().getTensorByName('X:0');
    y = tf.getDefaultGraph().getTensorByName('y:0');
    accuracy = tf.getDefaultGraph().getTensorByName('eval/accuracy:0');
    training_op = tf.getDefaultGraph().getOperationByName('GradientDescent');
    for (const op of [X, y, accuracy, training_op]) tf.addToCollection('my_important_ops', op);
    [X, y, accuracy, training_op] = tf.getCollection('my_important_ops') as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Operation];
    let acc1 = 0;
    await new tf.Session().asDefault(async (sess) => {
      await saver.restore(sess, ckpt);
      expect((await accuracy.eval(validFeed(X, y))).toArray()).toBeCloseTo(acc0, 6);
      for (const [X_batch, y_batch] of shuffleBatch(rng, X_train, y_train, batch_size)) await sess.run(training_op, new Map([[X, X_batch], [y, y_batch]]));
      acc1 = (await accuracy.eval(validFeed(X, y))).toArray() as number;
    });
    expect(acc1).toBeGreaterThan(acc0); // one more epoch of training

    // cells 108–110: new layers on top of the imported hidden3
    reset_graph();
    saver = tf.train.importMetaGraph(ckpt + '.meta')!;
    X = tf.getDefaultGraph().getTensorByName('X:0');
    y = tf.getDefaultGraph().getTensorByName('y:0');
    let hidden3 = tf.getDefaultGraph().getTensorByName('dnn/hidden3/Relu:0');
    const new_hidden4 = tf.layers.dense(hidden3, 20, { activation: tf.nn.relu, name: 'new_hidden4' });
    const new_logits = tf.layers.dense(new_hidden4, n_outputs, { name: 'new_outputs' });
    loss = tf.nameScope('new_loss', () => tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits: new_logits }), { name: 'loss' }));
    accuracy = tf.nameScope('new_eval', () => tf.reduceMean(tf.cast(tf.nn.inTopK(new_logits, y, 1), tf.float32), { name: 'accuracy' }));
    training_op = tf.nameScope('new_train', () => new tf.train.GradientDescentOptimizer(learning_rate).minimize(loss));
    init = tf.globalVariablesInitializer();
    const new_saver = new tf.train.Saver();
    await new tf.Session().asDefault(async (sess) => {
      await init.run();
      await saver.restore(sess, ckpt);
      expect(flat(await sess.run('hidden3/kernel:0'))).toEqual(saved['hidden3/kernel']);
      for (const [X_batch, y_batch] of shuffleBatch(rng, X_small, y_small, batch_size)) await sess.run(training_op, new Map([[X, X_batch], [y, y_batch]]));
      await new_saver.save(sess, join(tmp, 'my_new_model_final.ckpt'));
    });
    expect(tf.train.listVariables(join(tmp, 'my_new_model_final.ckpt')).map(([n]) => n)).toContain('new_hidden4/kernel');

    // cells 112–139: rebuild with hidden4/outputs new, restore hidden[123], freeze 1–2
    for (const variant of ['var_list', 'stop_gradient', 'cached'] as const) {
      reset_graph();
      X = tf.placeholder(tf.float32, { shape: [null, n_inputs], name: 'X' });
      y = tf.placeholder(tf.int32, { shape: null, name: 'y' });
      let hidden2!: tf.Tensor;
      logits = tf.nameScope('dnn', () => {
        const hidden1 = tf.layers.dense(X, n_hidden1, { activation: tf.nn.relu, name: 'hidden1' }); // reused frozen
        hidden2 = tf.layers.dense(hidden1, n_hidden2, { activation: tf.nn.relu, name: 'hidden2' }); // reused frozen
        const hidden2_stop = variant === 'var_list' ? hidden2 : tf.stopGradient(hidden2);
        hidden3 = tf.layers.dense(hidden2_stop, n_hidden3, { activation: tf.nn.relu, name: 'hidden3' }); // reused
        const hidden4 = tf.layers.dense(hidden3, 20, { activation: tf.nn.relu, name: 'hidden4' }); // new!
        return tf.layers.dense(hidden4, n_outputs, { name: 'outputs' }); // new!
      });
      loss = tf.nameScope('loss', () => tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }), { name: 'loss' }));
      accuracy = tf.nameScope('eval', () => tf.reduceMean(tf.cast(tf.nn.inTopK(logits, y, 1), tf.float32), { name: 'accuracy' }));
      training_op = tf.nameScope('train', () => {
        optimizer = new tf.train.GradientDescentOptimizer(learning_rate);
        if (variant === 'var_list') {
          const train_vars = tf.getCollection(tf.GraphKeys.TRAINABLE_VARIABLES, 'hidden[34]|outputs') as tf.Variable[];
          expect(train_vars.map((v) => v.op.name)).toEqual(['hidden3/kernel', 'hidden3/bias', 'hidden4/kernel', 'hidden4/bias', 'outputs/kernel', 'outputs/bias']);
          return optimizer.minimize(loss, { varList: train_vars });
        }
        return optimizer.minimize(loss);
      });
      const reuse_vars = tf.getCollection(tf.GraphKeys.GLOBAL_VARIABLES, 'hidden[123]') as tf.Variable[]; // regular expression
      expect(reuse_vars.map((v) => v.op.name)).toEqual(['hidden1/kernel', 'hidden1/bias', 'hidden2/kernel', 'hidden2/bias', 'hidden3/kernel', 'hidden3/bias']);
      const restore_saver = new tf.train.Saver(reuse_vars); // to restore layers 1-3
      init = tf.globalVariablesInitializer();
      const ep = new Rng(99); // the same batches for the three variants
      await new tf.Session().asDefault(async (sess) => {
        await init.run();
        await restore_saver.restore(sess, ckpt);
        if (variant === 'cached') {
          const n_batches = Math.floor(X_small.shape[0]! / batch_size);
          const h2_cache = await sess.run(hidden2, new Map([[X, X_small]]));
          const shuffled_idx = permutation(ep, X_small.shape[0]!);
          for (let b = 0; b < n_batches; b++) {
            const idx = shuffled_idx.slice(b * batch_size, (b + 1) * batch_size);
            await sess.run(training_op, new Map([[hidden2, gatherRows(h2_cache, idx)], [y, gatherRows(y_small, idx)]]));
          }
        } else {
          for (const [X_batch, y_batch] of shuffleBatch(ep, X_small, y_small, batch_size)) await sess.run(training_op, new Map([[X, X_batch], [y, y_batch]]));
        }
        const vals = (await sess.run(tf.globalVariables())) as tf.NDArray[];
        const now = Object.fromEntries(tf.globalVariables().map((v, k) => [v.op.name, flat(vals[k]!)]));
        // frozen layers keep the pretrained weights; hidden3 trains on
        expect(now['hidden1/kernel']).toEqual(saved['hidden1/kernel']);
        expect(now['hidden2/bias']).toEqual(saved['hidden2/bias']);
        expect(now['hidden3/kernel']).not.toEqual(saved['hidden3/kernel']);
        results[variant] = now['hidden3/kernel']!;
      });
    }
    // training on the cached hidden2 makes the same steps as through the frozen layers (same
    // batches, same initial hidden4/outputs). The var_list graph has no StopGradient op, so its
    // new layers' op seeds (TF derives them from the graph's op count) and its start differ.
    for (let i = 0; i < results.cached!.length; i += 101) expect(results.cached![i]!).toBeCloseTo(results.stop_gradient![i]!, 5);
  });
});
