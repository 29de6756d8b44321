/**
 * Keras's stateful RNNs (`stateful=True`, TF 1.15 keras/layers/recurrent.py): the last states of
 * a batch are the next batch's initial states, kept in variables of the static batch size; the
 * layer's update ops assign them and predict, evaluate and fit run them (Model.stateUpdates);
 * `resetStates()` zeroes them or sets given values. A summing SimpleRNN (h = h + x) makes every
 * carried state visible in its output.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';

const L = tf.keras.layers;
const ones = (b: number, t: number) => new tf.NDArray(new Float32Array(b * t).fill(1), [b, t, 1]);
const vals = (a: unknown) => Array.from((a as NDArray).data as Float32Array);

function summing(stateful: boolean): tf.keras.Sequential {
  tf.keras.backend.clearSession();
  return new tf.keras.Sequential([
    new L.SimpleRNN(1, { batchInputShape: [2, 3, 1], stateful, activation: null, useBias: false, kernelInitializer: 'ones', recurrentInitializer: 'ones' }),
  ]);
}

describe('keras stateful RNN', () => {
  it('predict carries the states from batch to batch; resetStates zeroes them', async () => {
    const m = summing(true);
    expect(vals(await m.predict(ones(2, 3)))).toEqual([3, 3]);
    expect(vals(await m.predict(ones(2, 3)))).toEqual([6, 6]);
    // two batches of 2 in one call: the second starts where the first ended
    expect(vals(await m.predict(ones(4, 3), { batchSize: 2 }))).toEqual([9, 9, 12, 12]);
    await m.resetStates();
    expect(vals(await m.predictOnBatch(ones(2, 3)))).toEqual([3, 3]);
    // the layer's own resetStates with values: one [batch, units] array per state
    await (m.layers[0] as tf.keras.layers.SimpleRNN).resetStates(new tf.NDArray(Float32Array.of(10, -1), [2, 1]));
    expect(vals(await m.predict(ones(2, 3)))).toEqual([13, 2]);
  });

  it('without stateful, every batch starts from zeros', async () => {
    const m = summing(false);
    expect(vals(await m.predict(ones(2, 3)))).toEqual([3, 3]);
    expect(vals(await m.predict(ones(2, 3)))).toEqual([3, 3]);
    await expect((m.layers[0] as tf.keras.layers.SimpleRNN).resetStates()).rejects.toThrow('Layer must be stateful.');
  });

  it('evaluate and trainOnBatch run the state updates too; an LSTM keeps h and c', async () => {
    tf.keras.backend.clearSession();
    const lstm = new L.LSTM(3, { batchInputShape: [2, 4, 2], stateful: true });
    const m = new tf.keras.Sequential([lstm, new L.Dense(1)]);
    m.compile({ optimizer: new tf.keras.optimizers.SGD(0.01), loss: 'mse' });
    const x = new tf.NDArray(Float32Array.from({ length: 16 }, (_, i) => Math.sin(i)), [2, 4, 2]);
    const y = new tf.NDArray(Float32Array.of(0.5, -0.5), [2, 1]);
    const a = await m.evaluate(x, y, { batchSize: 2 });
    const b = await m.evaluate(x, y, { batchSize: 2 });
    expect(b).not.toBe(a); // the second evaluation starts from the first's last states
    await m.resetStates();
    expect(await m.evaluate(x, y, { batchSize: 2 })).toBe(a);
    expect(m.stateUpdates.length).toBe(2); // h and c
    await m.resetStates();
    await m.trainOnBatch(x, y);
    // predicting right after the training step starts from the states it left
    const p1 = vals(await m.predictOnBatch(x));
    await m.resetStates();
    const p0 = vals(await m.predictOnBatch(x));
    expect(p1).not.toEqual(p0);
    await m.resetStates();
    expect(vals(await m.predictOnBatch(x))).toEqual(p0);
  });

  it('a stateful RNN needs its batch size', () => {
    tf.keras.backend.clearSession();
    const x = tf.keras.Input({ shape: [3, 1] });
    expect(() => new L.LSTM(2, { stateful: true }).apply(x)).toThrow('If a RNN is stateful, it needs to know its batch size.');
  });
});
