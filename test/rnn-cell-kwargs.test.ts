/**
 * The RNN cells take TF1's calling convention: the first parameter positionally or inside the one
 * options object (`BasicLSTMCell(num_units=10, state_is_tuple=True, activation=tf.tanh)` →
 * `new BasicLSTMCell({numUnits: 10, stateIsTuple: true, activation: tf.tanh})`), later parameters
 * positionally in TF1's order (`BasicLSTMCell(4, 0.5)` is forget_bias 0.5), and unknown keywords
 * are TypeErrors. Values: one BasicLSTMCell step checked against its equations computed here.
 */
import { expect, it } from 'vitest';
import * as tf from 'tsflow';

it('cells by keyword, by position and by one options object build the same cell', () => {
  tf.resetDefaultGraph();
  const a = new tf.contrib.rnn.BasicLSTMCell({ numUnits: 3, stateIsTuple: true, activation: tf.tanh });
  expect(a.numUnits).toBe(3);
  expect(a.stateIsTuple).toBe(true);
  const b = new tf.nn.rnnCell.BasicLSTMCell(4, 0.5, false);
  expect([b.numUnits, b.forgetBias, b.stateIsTuple]).toEqual([4, 0.5, false]);
  const c = new tf.nn.rnnCell.LSTMCell({ numUnits: 5, numProj: 2 });
  expect([c.numUnits, c.numProj]).toEqual([5, 2]);
  const d = new tf.nn.rnnCell.LSTMCell(5, true, 3.0);
  expect([d.usePeepholes, d.cellClip]).toEqual([true, 3]);
  expect(new tf.nn.rnnCell.GRUCell({ numUnits: 6 }).numUnits).toBe(6);
  expect(new tf.nn.rnnCell.BasicRNNCell({ numUnits: 7, name: 'r' }).numUnits).toBe(7);
  const m = new tf.contrib.rnn.MultiRNNCell({ cells: [a, new tf.contrib.rnn.BasicLSTMCell(3)], stateIsTuple: true });
  expect(m.cells.length).toBe(2);
  expect(new tf.contrib.rnn.MultiRNNCell([b], false).stateIsTuple).toBe(false);
  expect(() => new tf.contrib.rnn.MultiRNNCell([a], false)).toThrow('Some cells return tuples of states, but the flag state_is_tuple is not set.');
  expect(() => new tf.contrib.rnn.BasicLSTMCell({ numUnits: 3, units: 4 } as never)).toThrow("BasicLSTMCell() got an unexpected keyword argument 'units'");
  expect(() => new tf.contrib.rnn.BasicLSTMCell({ stateIsTuple: true } as never)).toThrow("BasicLSTMCell() missing 1 required positional argument: 'numUnits'");
});

it('a BasicLSTMCell made from an options object computes the LSTM step', async () => {
  tf.resetDefaultGraph();
  const cell = new tf.contrib.rnn.BasicLSTMCell({ numUnits: 2, forgetBias: 0.5, activation: tf.tanh });
  const x = tf.constant([[0.3, -0.7]]);
  const state = new tf.nn.rnnCell.LSTMStateTuple(tf.constant([[0.1, -0.2]]), tf.constant([[0.4, 0.05]]));
  const [out, ns] = cell.call(x, state) as unknown as [tf.Tensor, { c: tf.Tensor }];
  const sess = new tf.Session();
  await sess.run(tf.globalVariablesInitializer());
  const [h, c, k, bias] = (await sess.run([out, ns.c, cell.kernel!, cell.bias!])) as tf.NDArray[];
  // gates = [x, h] · K + b, split i, j, f, o; c' = c·σ(f + 0.5) + σ(i)·tanh(j); h' = tanh(c')·σ(o)
  const inp = [0.3, -0.7, 0.4, 0.05];
  const kv = k!.toArray() as number[][];
  const g = Array.from({ length: 8 }, (_, col) => Number(bias!.get(col)) + inp.reduce((s, v, r) => s + v * kv[r]![col]!, 0));
  const sg = (v: number) => 1 / (1 + Math.exp(-v));
  const c0 = [0.1, -0.2];
  for (let u = 0; u < 2; u++) {
    const cn = c0[u]! * sg(g[4 + u]! + 0.5) + sg(g[u]!) * Math.tanh(g[2 + u]!);
    expect(Number(c!.get(0, u))).toBeCloseTo(cn, 5);
    expect(Number(h!.get(0, u))).toBeCloseTo(Math.tanh(cn) * sg(g[6 + u]!), 5);
  }
  await sess.close();
});
