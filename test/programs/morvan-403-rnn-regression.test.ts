/**
 * Port of tutorial-contents/403_RNN_regression.py from github.com/MorvanZhou/Tensorflow-Tutorial
 * (MIT), line by line in tsflow's conventions: an LSTMCell(32) run by tf.nn.dynamic_rnn from
 * `cell.zero_state(1)`, predicting cos from sin over consecutive windows, where each step feeds the
 * previous run's final LSTMStateTuple back in as the initial state (`feed_dict = {..., init_s:
 * final_s_}`: a state tuple as a feed key, a fetched state tuple as its value).
 *
 * Changes: no randomness in the data, only the graph seed; plots dropped. The original's
 * `'final_s_' not in globals()` becomes a null check. Checks: the first run (no state fed) equals
 * a run feeding zeros as the state (zero_state's value); feeding the state changes the output
 * (it is used); and the mean loss of the last 10 of the 60 windows is below a quarter of the first
 * 10's (cos from sin needs the carried state to know the phase).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { linspace } from './morvan-np.js';

describe('MorvanZhou/Tensorflow-Tutorial 403_RNN_regression', () => {
  it('predicts cos from sin with an LSTM whose state is fed back between runs', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(1);

    // Hyper Parameters
    const TIME_STEP = 10; // rnn time step
    const INPUT_SIZE = 1; // rnn input size
    const CELL_SIZE = 32; // rnn cell size
    const LR = 0.02; // learning rate

    // tensorflow placeholders
    const tf_x = tf.placeholder(tf.float32, [null, TIME_STEP, INPUT_SIZE]); // shape(batch, 5, 1)
    const tf_y = tf.placeholder(tf.float32, [null, TIME_STEP, INPUT_SIZE]); // input y

    // RNN
    const rnn_cell = new tf.nn.rnnCell.LSTMCell({ numUnits: CELL_SIZE });
    const init_s = rnn_cell.zeroState({ batchSize: 1, dtype: tf.float32 }); // very first hidden state
    const [outputs, final_s] = tf.nn.dynamicRnn(
      rnn_cell, // cell you have chosen
      tf_x, // input
      { initialState: init_s, // the initial hidden state
        timeMajor: false }, // False: (batch, time step, input); True: (time step, batch, input)
    );
    const outs2D = tf.reshape(outputs, [-1, CELL_SIZE]); // reshape 3D output to 2D for fully connected layer
    const net_outs2D = tf.layers.dense(outs2D, INPUT_SIZE);
    const outs = tf.reshape(net_outs2D, [-1, TIME_STEP, INPUT_SIZE]); // reshape back to 3D

    const loss = tf.losses.meanSquaredError({ labels: tf_y, predictions: outs }); // compute cost
    const train_op = new tf.train.AdamOptimizer(LR).minimize(loss);

    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer()); // initialize var in graph

    const window = (step: number): [number[], number[][][], number[][][]] => {
      const [start, end] = [step * Math.PI, (step + 1) * Math.PI]; // time range
      // use sin predicts cos
      const steps = linspace(start, end, TIME_STEP);
      const x = [steps.map((s) => [Math.sin(s)])]; // shape (batch, time_step, input_size)
      const y = [steps.map((s) => [Math.cos(s)])];
      return [steps, x, y];
    };

    // before training: no state fed equals zeros fed; a nonzero state changes the output
    {
      const [, x] = window(0);
      const a = (await sess.run(outs, [[tf_x, x]])) as tf.NDArray;
      const zeros = [tf.zeros([1, CELL_SIZE]), tf.zeros([1, CELL_SIZE])];
      const z = (await sess.run(zeros)) as tf.NDArray[];
      const b = (await sess.run(outs, [[tf_x, x], [init_s as never, new tf.nn.rnnCell.LSTMStateTuple(z[0]!, z[1]!) as never]])) as tf.NDArray;
      expect(Array.from(b.data)).toEqual(Array.from(a.data));
    }

    let final_s_: unknown = null;
    const losses: number[] = [];
    let usedState = false;
    for (let step = 0; step < 60; step++) {
      const [, x, y] = window(step);
      let feed_dict: [unknown, unknown][];
      if (final_s_ === null) { // first state, no any hidden state
        feed_dict = [[tf_x, x], [tf_y, y]];
      } else { // has hidden state, so pass it to rnn
        feed_dict = [[tf_x, x], [tf_y, y], [init_s, final_s_]];
        if (!usedState) {
          const withS = (await sess.run(outs, feed_dict as never)) as tf.NDArray;
          const without = (await sess.run(outs, [[tf_x, x]])) as tf.NDArray;
          expect(Array.from(withS.data)).not.toEqual(Array.from(without.data));
          usedState = true;
        }
      }
      let pred_: unknown, l: unknown;
      [, pred_, final_s_, l] = (await sess.run([train_op, outs, final_s, loss], feed_dict as never)) as unknown[]; // train
      losses.push((l as tf.NDArray).toArray() as number);
      expect((pred_ as tf.NDArray).shape).toEqual([1, TIME_STEP, INPUT_SIZE]);
      // plotting (dropped)
    }
    sess.close();
    const mean = (a: number[]): number => a.reduce((p, q) => p + q, 0) / a.length;
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)) / 4);
  });
});
