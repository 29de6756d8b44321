/**
 * Port of 14_recurrent_neural_networks.ipynb from github.com/ageron/handson-ml (Aurélien Géron,
 * Apache License 2.0), cells 63–118: predicting the time series t·sin(t)/3 + 2·sin(5t) one step
 * ahead with a ReLU BasicRNNCell wrapped in tf.contrib.rnn.OutputProjectionWrapper, then without it
 * (one dense layer on the reshaped [-1, n_neurons] outputs), Saver save/restore, generating a
 * "creative" sequence from zeros, a MultiRNNCell of three cells, the notebook's DeviceCellWrapper
 * (a user subclass of RNNCell placing its cell on a device), and DropoutWrapper with a
 * placeholder_with_default keep probability, line by line in tsflow's conventions.
 *
 * Changes: np.random is a seeded generator (handson-ml-libs Rng); the 1500-iteration loops are
 * bounded to 20 iterations of batches of 20 (the original's 50) for the projected cell and the
 * dense head and 10 for the dropout stack, the 300-step generation to 10 steps; files go to a
 * temporary directory; plots are left out. Checks: next_batch's targets are its inputs shifted by
 * one step of the time series; the wrapped cell's variable names; each model's MSE on a fixed
 * batch falls well below its initial value; the restored model predicts exactly what the trained
 * one did; the generated sequence appends the model's last-step predictions; the MultiRNNCell's
 * output and state shapes; the DeviceCellWrapper stack's ops carry its device; the dropout stack is
 * deterministic with the default keep_prob 1.0 and random with 0.5.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { flat, Rng } from './handson-ml-libs.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsflow-handson-14ts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function reset_graph(seed = 42): void {
  tf.resetDefaultGraph();
  tf.setRandomSeed(seed);
}

const t_min = 0, t_max = 30;
const resolution = 0.1;
const time_series = (t: number): number => (t * Math.sin(t)) / 3 + 2 * Math.sin(t * 5);
const rng = new Rng(42);

/** next_batch(batch_size, n_steps): random windows of the series, the targets one step later. */
function next_batch(batch_size: number, n_steps: number): [tf.NDArray, tf.NDArray] {
  const xs = new Float32Array(batch_size * n_steps);
  const ys = new Float32Array(batch_size * n_steps);
  for (let b = 0; b < batch_size; b++) {
    const t0 = rng.next() * (t_max - t_min - n_steps * resolution);
    for (let s = 0; s < n_steps; s++) {
      xs[b * n_steps + s] = time_series(t0 + s * resolution);
      ys[b * n_steps + s] = time_series(t0 + (s + 1) * resolution);
    }
  }
  return [new tf.NDArray(xs, [batch_size, n_steps, 1], 'float32'), new tf.NDArray(ys, [batch_size, n_steps, 1], 'float32')];
}

const n_steps = 20;
// t_instance = np.linspace(12.2, 12.2 + resolution * (n_steps + 1), n_steps + 1)
const t_instance = Array.from({ length: n_steps + 1 }, (_, i) => 12.2 + (resolution * (n_steps + 1) * i) / n_steps);
const X_new = new tf.NDArray(Float32Array.from(t_instance.slice(0, -1), time_series), [1, n_steps, 1], 'float32');

describe('ageron/handson-ml 14_recurrent_neural_networks: time series', () => {
  it('trains with an OutputProjectionWrapper and with a dense head, saves, restores and generates (cells 63–92)', async () => {
    // cells 65–66: the targets are the inputs shifted by one step
    const [xb, yb] = next_batch(1, n_steps);
    expect(flat(xb).slice(1)).toEqual(flat(yb).slice(0, -1));

    const n_inputs = 1;
    const n_neurons = 100;
    const n_outputs = 1;
    const learning_rate = 0.001;
    const n_iterations = 20; // the original's 1500
    const batch_size = 20; // the original's 50
    const [X_fixed, y_fixed] = next_batch(50, n_steps);

    // cells 71–78
    reset_graph();
    let X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);
    let y = tf.placeholder(tf.float32, [null, n_steps, n_outputs]);
    const cell = new tf.contrib.rnn.OutputProjectionWrapper(
      new tf.nn.rnnCell.BasicRNNCell({ numUnits: n_neurons, activation: tf.nn.relu }),
      { outputSize: n_outputs });
    let [outputs] = tf.nn.dynamicRnn(cell, X, { dtype: tf.float32 }) as [tf.Tensor, tf.Tensor];
    expect(outputs.shape).toEqual([null, n_steps, n_outputs]);
    let loss = tf.reduceMean(tf.square(tf.subtract(outputs, y))); // MSE
    let optimizer = new tf.train.AdamOptimizer({ learningRate: learning_rate });
    let training_op = optimizer.minimize(loss);
    let init = tf.globalVariablesInitializer();
    let saver = new tf.train.Saver();
    expect(tf.trainableVariables().map((v) => v.name)).toEqual([
      'rnn/output_projection_wrapper/basic_rnn_cell/kernel:0', 'rnn/output_projection_wrapper/basic_rnn_cell/bias:0',
      'rnn/output_projection_wrapper/kernel:0', 'rnn/output_projection_wrapper/bias:0',
    ]);
    const fixed = (): Map<tf.Tensor, tf.NDArray> => new Map([[X, X_fixed], [y, y_fixed]]);
    let mse0 = NaN, mse1 = NaN;
    let y_pred_trained!: tf.NDArray;
    const ckpt1 = join(tmp, 'my_time_series_model');
    await new tf.Session().asDefault(async (sess) => {
      await init.run();
      mse0 = (await loss.eval(fixed())).toArray() as number;
      for (let iteration = 0; iteration < n_iterations; iteration++) {
        const [X_batch, y_batch] = next_batch(batch_size, n_steps);
        await sess.run(training_op, new Map([[X, X_batch], [y, y_batch]]));
        if (iteration % 100 === 0) {
          const mse = (await loss.eval(new Map([[X, X_batch], [y, y_batch]]))).toArray() as number;
          expect(Number.isFinite(mse)).toBe(true);
        }
      }
      mse1 = (await loss.eval(fixed())).toArray() as number;
      y_pred_trained = (await sess.run(outputs, new Map([[X, X_new]]))) as tf.NDArray;
      await saver.save(sess, ckpt1); // not shown in the book
    });
    // the series' mean square is about 27 here; 20 Adam steps of 0.001 take it down by far
    expect(mse0).toBeGreaterThan(10);
    expect(mse1).toBeLessThan(mse0 * 0.5);
    await new tf.Session().asDefault(async (sess) => {
      await saver.restore(sess, ckpt1);
      const y_pred = (await sess.run(outputs, new Map([[X, X_new]]))) as tf.NDArray;
      expect(flat(y_pred)).toEqual(flat(y_pred_trained));
    });

    // cells 81–92: no wrapper; one dense layer on the stacked outputs
    reset_graph();
    X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);
    y = tf.placeholder(tf.float32, [null, n_steps, n_outputs]);
    const cell2 = new tf.nn.rnnCell.BasicRNNCell({ numUnits: n_neurons, activation: tf.nn.relu });
    const [rnn_outputs] = tf.nn.dynamicRnn(cell2, X, { dtype: tf.float32 }) as [tf.Tensor, tf.Tensor];
    const stacked_rnn_outputs = tf.reshape(rnn_outputs, [-1, n_neurons]);
    const stacked_outputs = tf.layers.dense(stacked_rnn_outputs, n_outputs);
    outputs = tf.reshape(stacked_outputs, [-1, n_steps, n_outputs]);
    loss = tf.reduceMean(tf.square(tf.subtract(outputs, y)));
    optimizer = new tf.train.AdamOptimizer({ learningRate: learning_rate });
    training_op = optimizer.minimize(loss);
    init = tf.globalVariablesInitializer();
    saver = new tf.train.Saver();
    const ckpt2 = join(tmp, 'my_time_series_model2');
    await new tf.Session().asDefault(async (sess) => {
      await init.run();
      mse0 = (await loss.eval(fixed())).toArray() as number;
      for (let iteration = 0; iteration < n_iterations; iteration++) {
        const [X_batch, y_batch] = next_batch(batch_size, n_steps);
        await sess.run(training_op, new Map([[X, X_batch], [y, y_batch]]));
      }
      mse1 = (await loss.eval(fixed())).toArray() as number;
      y_pred_trained = (await sess.run(outputs, new Map([[X, X_new]]))) as tf.NDArray;
      await saver.save(sess, ckpt2);
    });
    expect(mse1).toBeLessThan(mse0 * 0.5);
    // cell 90: a creative sequence from 20 zeros, 10 steps (the original's 300)
    await new tf.Session().asDefault(async (sess) => {
      await saver.restore(sess, ckpt2);
      const sequence: number[] = new Array<number>(n_steps).fill(0);
      for (let iteration = 0; iteration < 10; iteration++) {
        const X_batch = new tf.NDArray(Float32Array.from(sequence.slice(-n_steps)), [1, n_steps, 1], 'float32');
        const y_pred = (await sess.run(outputs, new Map([[X, X_batch]]))) as tf.NDArray;
        sequence.push(flat(y_pred)[n_steps - 1]!); // y_pred[0, -1, 0]
      }
      expect(sequence.length).toBe(30);
      // from all zeros the first prediction is the model's response to a flat input: the same
      // number it gives for X = 0 directly
      const zero = (await sess.run(outputs, new Map([[X, new tf.NDArray(new Float32Array(n_steps), [1, n_steps, 1], 'float32')]]))) as tf.NDArray;
      expect(sequence[n_steps]).toBe(flat(zero)[n_steps - 1]);
      expect(new Set(sequence.slice(n_steps)).size).toBeGreaterThan(1);
    });
  });

  it('stacks cells: MultiRNNCell, a DeviceCellWrapper subclass, DropoutWrapper (cells 95–118)', async () => {
    // cells 95–100
    reset_graph();
    let n_inputs = 2;
    let steps = 5;
    let X = tf.placeholder(tf.float32, [null, steps, n_inputs]);
    const n_neurons = 100;
    const n_layers = 3;
    let layers = Array.from({ length: n_layers }, () => new tf.nn.rnnCell.BasicRNNCell({ numUnits: n_neurons }));
    let multi_layer_cell = new tf.nn.rnnCell.MultiRNNCell(layers);
    let [outputs, states] = tf.nn.dynamicRnn(multi_layer_cell, X, { dtype: tf.float32 }) as [tf.Tensor, tf.Tensor[]];
    let init = tf.globalVariablesInitializer();
    const X_batch = new tf.NDArray(Float32Array.from({ length: 2 * steps * n_inputs }, () => rng.next()), [2, steps, n_inputs], 'float32');
    await new tf.Session().asDefault(async (sess) => {
      await init.run();
      const [outputs_val, ...states_val] = (await sess.run([outputs, ...states], new Map([[X, X_batch]]))) as tf.NDArray[];
      expect(outputs_val!.shape).toEqual([2, steps, n_neurons]);
      expect(states_val.map((s) => s.shape)).toEqual([[2, 100], [2, 100], [2, 100]]);
      // the top layer's state is the last output
      expect(flat(states_val[2]!)).toEqual(flat(outputs_val!).filter((_, i) => Math.floor(i / n_neurons) % steps === steps - 1));
    });

    // cells 105–110: a user cell that runs its cell under tf.device
    class DeviceCellWrapper extends tf.nn.rnnCell.RNNCell {
      constructor(private readonly _device: string, private readonly _cell: tf.nn.rnnCell.RNNCell) {
        super('device_cell_wrapper');
      }
      get stateSize() { return this._cell.stateSize; }
      get outputSize() { return this._cell.outputSize; }
      protected build(): void {}
      protected step(): never { throw new Error('unused: call is overridden'); }
      get variables() { return this._cell.variables; }
      override call(inputs: tf.TensorLike, state: never, scope?: string): [tf.Tensor, never] {
        return tf.device(this._device, () => this._cell.call(inputs, state, scope)) as [tf.Tensor, never];
      }
    }
    reset_graph();
    n_inputs = 5;
    steps = 20;
    X = tf.placeholder(tf.float32, { shape: [null, steps, n_inputs] });
    const devices = ['/cpu:0', '/cpu:0', '/cpu:0'];
    const cells = devices.map((dev) => new DeviceCellWrapper(dev, new tf.nn.rnnCell.BasicRNNCell({ numUnits: n_neurons })));
    multi_layer_cell = new tf.nn.rnnCell.MultiRNNCell(cells);
    [outputs, states] = tf.nn.dynamicRnn(multi_layer_cell, X, { dtype: tf.float32 }) as [tf.Tensor, tf.Tensor[]];
    init = tf.globalVariablesInitializer();
    const matmuls = tf.getDefaultGraph().getOperations().filter((op) => op.type === 'MatMul');
    expect(matmuls.length).toBe(3);
    for (const op of matmuls) expect(op.device).toMatch(/cpu:0/i);
    await new tf.Session().asDefault(async (sess) => {
      await init.run();
      const out = (await sess.run(outputs, new Map([[X, new tf.NDArray(Float32Array.from({ length: 2 * steps * n_inputs }, () => rng.next()), [2, steps, n_inputs], 'float32')]]))) as tf.NDArray;
      expect(out.shape).toEqual([2, steps, n_neurons]);
      expect(flat(out).every((v) => Math.abs(v) < 1)).toBe(true);
    });

    // cells 112–118: DropoutWrapper on each layer's inputs
    reset_graph();
    n_inputs = 1;
    const n_outputs = 1;
    X = tf.placeholder(tf.float32, [null, n_steps, n_inputs]);
    const y = tf.placeholder(tf.float32, [null, n_steps, n_outputs]);
    const keep_prob = tf.placeholderWithDefault(1.0, { shape: [] });
    layers = Array.from({ length: n_layers }, () => new tf.nn.rnnCell.BasicRNNCell({ numUnits: n_neurons }));
    const cells_drop = layers.map((cell) => new tf.nn.rnnCell.DropoutWrapper(cell, { inputKeepProb: keep_prob }));
    multi_layer_cell = new tf.nn.rnnCell.MultiRNNCell(cells_drop);
    const [rnn_outputs] = tf.nn.dynamicRnn(multi_layer_cell, X, { dtype: tf.float32 }) as [tf.Tensor, unknown];
    const learning_rate = 0.01;
    const stacked_rnn_outputs = tf.reshape(rnn_outputs, [-1, n_neurons]);
    const stacked_outputs = tf.layers.dense(stacked_rnn_outputs, n_outputs);
    outputs = tf.reshape(stacked_outputs, [-1, n_steps, n_outputs]);
    const loss = tf.reduceMean(tf.square(tf.subtract(outputs, y)));
    const optimizer = new tf.train.AdamOptimizer({ learningRate: learning_rate });
    const training_op = optimizer.minimize(loss);
    init = tf.globalVariablesInitializer();
    const saver = new tf.train.Saver();
    const n_iterations = 10; // the original's 1500
    const batch_size = 20; // the original's 50
    const train_keep_prob = 0.5;
    const [X_fixed, y_fixed] = next_batch(50, n_steps);
    const ckpt = join(tmp, 'my_dropout_time_series_model');
    let mse0 = NaN, mse1 = NaN;
    await new tf.Session().asDefault(async (sess) => {
      await init.run();
      mse0 = (await loss.eval(new Map([[X, X_fixed], [y, y_fixed]]))).toArray() as number;
      for (let iteration = 0; iteration < n_iterations; iteration++) {
        const [X_batch, y_batch] = next_batch(batch_size, n_steps);
        const [, mse] = (await sess.run([training_op, loss], new Map<tf.Tensor, tf.NDArray | number>([[X, X_batch], [y, y_batch], [keep_prob, train_keep_prob]]))) as [unknown, tf.NDArray];
        expect(Number.isFinite(mse.toArray() as number)).toBe(true);
      }
      mse1 = (await loss.eval(new Map([[X, X_fixed], [y, y_fixed]]))).toArray() as number;
      await saver.save(sess, ckpt);
    });
    expect(mse1).toBeLessThan(mse0 * 0.7);
    await new tf.Session().asDefault(async (sess) => {
      await saver.restore(sess, ckpt);
      const a = flat((await sess.run(outputs, new Map([[X, X_new]]))) as tf.NDArray);
      const b = flat((await sess.run(outputs, new Map([[X, X_new]]))) as tf.NDArray);
      expect(a).toEqual(b); // keep_prob defaults to 1.0: no dropout
      const c = flat((await sess.run(outputs, new Map<tf.Tensor, tf.NDArray | number>([[X, X_new], [keep_prob, 0.5]]))) as tf.NDArray);
      expect(c).not.toEqual(a);
    });
  });
});
