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
