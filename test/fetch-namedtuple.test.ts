/**
 * Session.run fetches a namedtuple (an LSTMStateTuple, alone or nested in arrays and objects)
 * as one of its type, as TF1's session does: `state = sess.run(model.initial_state)` then
 * `state[i].c`, as TF's PTB tutorial reads it.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';

describe('fetching namedtuples', () => {
  it('LSTMStateTuples of a MultiRNNCell\'s zero state, and nested in an object', async () => {
    const g = new tf.Graph();
    const b = g.asDefault(() => {
      const cell = new tf.contrib.rnn.MultiRNNCell([new tf.contrib.rnn.BasicLSTMCell(3), new tf.contrib.rnn.BasicLSTMCell(2)]);
      const st = cell.zeroState(4, 'float32') as tf.contrib.rnn.LSTMStateTuple[];
      const pair = new tf.contrib.rnn.LSTMStateTuple(tf.constant([1, 2]), tf.constant([3]));
      return { st, pair };
    });
    const sess = new tf.Session({ graph: g });
    const st = (await sess.run(b.st)) as tf.contrib.rnn.LSTMStateTuple<NDArray>[];
    expect(st).toHaveLength(2);
    expect(st[0]).toBeInstanceOf(tf.contrib.rnn.LSTMStateTuple);
    expect(st[0]!.c.shape).toEqual([4, 3]);
    expect(st[1]!.h.shape).toEqual([4, 2]);
    const got = (await sess.run({ state: b.pair, more: [b.pair] })) as { state: tf.contrib.rnn.LSTMStateTuple<NDArray>; more: tf.contrib.rnn.LSTMStateTuple<NDArray>[] };
    expect(got.state).toBeInstanceOf(tf.contrib.rnn.LSTMStateTuple);
    expect(Array.from(got.state.c.data)).toEqual([1, 2]);
    expect(Array.from(got.more[0]!.h.data)).toEqual([3]);
    await sess.close();
  });
});
