/**
 * Fixes found while porting MorvanZhou/Tensorflow-Tutorial's TF1 programs (test/programs/morvan-*).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

describe('tf.placeholder by keyword', () => {
  it('takes dtype (and shape, name) in the options object, as tf.placeholder(dtype=tf.float32, shape=None)', async () => {
    tf.resetDefaultGraph();
    const x = tf.placeholder({ dtype: tf.float32, shape: null });
    const y = tf.placeholder({ dtype: 'int32', shape: [2, 1], name: 'y' });
    expect(x.dtype).toBe(tf.float32);
    expect(x.shape).toBe(null);
    expect(y.name).toBe('y:0');
    expect(y.dtype).toBe(tf.int32);
    expect(y.shape).toEqual([2, 1]);
    const sess = new tf.Session();
    expect(((await sess.run(tf.add(x, 1.5), [[x, 2]])) as tf.NDArray).toArray()).toBe(3.5);
    sess.close();
  });
  it('still needs a dtype, with Python\'s text; dtype twice is refused', () => {
    expect(() => (tf.placeholder as (...a: unknown[]) => unknown)({ shape: [2] })).toThrow("placeholder() missing 1 required positional argument: 'dtype'");
    expect(() => (tf.placeholder as (...a: unknown[]) => unknown)(tf.float32, { dtype: tf.float32 })).toThrow("placeholder() got multiple values for argument 'dtype'");
  });
});

describe('tf.data.Dataset methods by keyword', () => {
  it('shuffle(buffer_size=…), batch(batch_size=…, drop_remainder=…), repeat(count=…), prefetch(buffer_size=…), map(map_func=…)', async () => {
    tf.resetDefaultGraph();
    const ds = tf.data.Dataset.range(5)
      .map({ mapFunc: (x: tf.Tensor) => tf.multiply(x, tf.constant(10, { dtype: tf.int64 })) })
      .shuffle({ bufferSize: 5, seed: 3 })
      .batch({ batchSize: 2, dropRemainder: true })
      .repeat({ count: 2 })
      .prefetch({ bufferSize: 1 });
    const it = ds.makeOneShotIterator();
    const next = it.getNext() as tf.Tensor;
    expect(next.shape).toEqual([2]);
    const sess = new tf.Session();
    const got: number[][] = [];
    for (;;) {
      try {
        got.push(Array.from(((await sess.run(next)) as tf.NDArray).data as unknown as ArrayLike<number | bigint>, Number));
      } catch (e) {
        if (e instanceof tf.errors.OutOfRangeError) break;
        throw e;
      }
    }
    sess.close();
    // two epochs of two full batches (the fifth element is dropped each epoch)
    expect(got.length).toBe(4);
    for (const epoch of [got.slice(0, 2).flat(), got.slice(2).flat()]) {
      expect(epoch.length).toBe(4);
      expect(new Set(epoch).size).toBe(4);
      epoch.forEach((v) => expect([0, 10, 20, 30, 40]).toContain(v));
    }
    // the same with positional arguments
    const pos = tf.data.Dataset.range(5).shuffle(5, { seed: 3 }).batch(2, true).repeat(2);
    expect((pos.outputShapes as number[])).toEqual([2]);
  });
  it('a missing required argument is a TypeError naming it', () => {
    const ds = tf.data.Dataset.range(3);
    expect(() => (ds.shuffle as (...a: unknown[]) => unknown)({ seed: 1 })).toThrow("shuffle() missing 1 required positional argument: 'bufferSize'");
    expect(() => (ds.batch as (...a: unknown[]) => unknown)({ dropRemainder: true })).toThrow("batch() missing 1 required positional argument: 'batchSize'");
    expect(() => (ds.shuffle as (...a: unknown[]) => unknown)({ bufferSize: 2, buffer: 1 })).toThrow("shuffle() got an unexpected keyword argument 'buffer'");
  });
});

describe('RNN cell zero_state by keyword; structured feed keys', () => {
  it('cell.zeroState({batchSize, dtype}) equals zeroState(batchSize, dtype)', async () => {
    tf.resetDefaultGraph();
    const cell = new tf.nn.rnnCell.LSTMCell({ numUnits: 3 });
    const s = cell.zeroState({ batchSize: 2, dtype: tf.float32 }) as unknown as tf.nn.rnnCell.LSTMStateTuple;
    expect(s.c.shape).toEqual([2, 3]);
    expect(s.h.dtype).toBe(tf.float32);
    const multi = new tf.nn.rnnCell.MultiRNNCell([new tf.nn.rnnCell.GRUCell(2), new tf.nn.rnnCell.GRUCell(4)]);
    const ms = (multi.zeroState as (...a: unknown[]) => unknown)({ batchSize: 5, dtype: tf.float32 }) as tf.Tensor[];
    expect(ms.map((t) => t.shape)).toEqual([[5, 2], [5, 4]]);
    expect(() => (cell.zeroState as (...a: unknown[]) => unknown)({ dtype: tf.float32 })).toThrow("zero_state() missing 1 required positional argument: 'batchSize'");
  });
  it('an LSTMStateTuple (or array) key feeds its leaves from a value of the same structure (nest.flatten_dict_items)', async () => {
    tf.resetDefaultGraph();
    const cell = new tf.nn.rnnCell.LSTMCell({ numUnits: 2 });
    const s = cell.zeroState(1, tf.float32) as unknown as tf.nn.rnnCell.LSTMStateTuple;
    const sum = tf.add(tf.multiply(s.c, 10), s.h);
    const sess = new tf.Session();
    expect(((await sess.run(sum)) as tf.NDArray).toArray()).toEqual([[0, 0]]);
    const value = new tf.nn.rnnCell.LSTMStateTuple(new tf.NDArray(Float32Array.from([1, 2]), [1, 2]), new tf.NDArray(Float32Array.from([3, 4]), [1, 2]));
    expect(((await sess.run(sum, [[s, value]] as never)) as tf.NDArray).toArray()).toEqual([[13, 24]]);
    // a plain [c, h] pair key and value too (nested lists would flatten to numbers, as in TF)
    const nd = (a: number[]): tf.NDArray => new tf.NDArray(Float32Array.from(a), [1, 2]);
    expect(((await sess.run(sum, [[[s.c, s.h], [nd([5, 6]), nd([7, 8])]]] as never)) as tf.NDArray).toArray()).toEqual([[57, 68]]);
    await expect(sess.run(sum, [[[s.c, s.h], [[[5, 6]], [[7, 8]]]]] as never)).rejects.toThrow('Key had 2 elements, but value had 4 elements');
    // structures that differ: TF's text
    await expect(sess.run(sum, [[s, [new tf.NDArray(Float32Array.from([1, 2]), [1, 2])]]] as never)).rejects.toThrow(
      /^Could not flatten dictionary\. Key had 2 elements, but value had 1 elements\./);
    sess.close();
  });
});
