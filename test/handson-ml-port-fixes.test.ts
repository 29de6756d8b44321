/**
 * Regression tests for what the handson-ml chapter 14/15 ports needed.
 * - tf.contrib.rnn.OutputProjectionWrapper(cell, output_size=n) and
 *   InputProjectionWrapper(cell, num_proj=n) take their size by keyword too.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

describe('projection wrappers take their sizes by keyword', () => {
  it('OutputProjectionWrapper(cell, {outputSize}) projects the cell output with kernel and bias', async () => {
    tf.resetDefaultGraph();
    const cell = new tf.contrib.rnn.OutputProjectionWrapper(new tf.nn.rnnCell.BasicRNNCell(3), { outputSize: 2 });
    expect(cell.outputSize).toBe(2);
    const x = tf.constant([[1, -2]], { dtype: tf.float32 });
    const [out] = cell.call(x, cell.zeroState(1, tf.float32) as tf.Tensor);
    expect(out.shape).toEqual([1, 2]);
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    const [o, k1, b1, k2, b2] = (await sess.run([out, ...tf.globalVariables()])) as tf.NDArray[];
    // float64: h = tanh([x, 0] · K1 + b1), out = h · K2 + b2
    const K1 = Array.from(k1!.data as Float32Array), B1 = Array.from(b1!.data as Float32Array);
    const K2 = Array.from(k2!.data as Float32Array), B2 = Array.from(b2!.data as Float32Array);
    const xh = [1, -2, 0, 0, 0];
    const h = [0, 1, 2].map((j) => Math.tanh(xh.reduce((s, v, i) => s + v * K1[i * 3 + j]!, B1[j]!)));
    const want = [0, 1].map((j) => h.reduce((s, v, i) => s + v * K2[i * 2 + j]!, B2[j]!));
    Array.from(o!.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
  });

  it('InputProjectionWrapper(cell, {numProj}) and the bad-size errors', () => {
    tf.resetDefaultGraph();
    const cell = new tf.contrib.rnn.InputProjectionWrapper(new tf.nn.rnnCell.BasicRNNCell(3), { numProj: 4 });
    const [out] = cell.call(tf.zeros([2, 5]), cell.zeroState(2, tf.float32) as tf.Tensor);
    expect(out.shape).toEqual([2, 3]);
    expect(tf.globalVariables().find((v) => v.name.endsWith('input_projection_wrapper/kernel:0'))!.shape).toEqual([5, 4]);
    expect(() => new tf.contrib.rnn.OutputProjectionWrapper(new tf.nn.rnnCell.BasicRNNCell(3), { outputSize: 0 })).toThrow('Parameter output_size must be > 0: 0.');
    expect(() => new tf.contrib.rnn.OutputProjectionWrapper(new tf.nn.rnnCell.BasicRNNCell(3), 2, { outputSize: 2 } as never)).toThrow(/multiple values for argument 'outputSize'/);
  });
});
