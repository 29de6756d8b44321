// TF 1.15's TensorShape(dims) takes a lone dimension as a rank-1 shape (tensor_shape.py: a dims
// that is not iterable is "a singleton dimension"), so tf.placeholder(tf.float32, shape=3),
// placeholder_with_default and get_variable(name, shape=4) make shapes [3] and [4].
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

describe('a lone dimension as a shape', () => {
  it('placeholder, placeholderWithDefault and getVariable take an integer shape as [n]', async () => {
    tf.resetDefaultGraph();
    const p = tf.placeholder(tf.float32, { shape: 3 });
    expect(p.shape).toEqual([3]);
    const q = tf.placeholder(tf.float32, 0);
    expect(q.shape).toEqual([0]);
    const d = tf.placeholderWithDefault([1, 2], 2);
    expect(d.shape).toEqual([2]);
    const v = tf.getVariable('v', 4, { initializer: tf.onesInitializer() });
    expect(v.shape).toEqual([4]);
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    expect((await sess.run(tf.add(p, 1), new Map([[p, [1, 2, 3]]]))).toArray()).toEqual([2, 3, 4]);
    expect((await sess.run(v)).toArray()).toEqual([1, 1, 1, 1]);
    await expect(sess.run(p, new Map([[p, [1, 2]]]))).rejects.toThrow(/Cannot feed value of shape \(2,\) for Tensor '?Placeholder(_\d+)?:0'?, which has shape '?\(3,\)'?/);
    await sess.close();
  });

  it('still rejects a negative or fractional lone dimension', () => {
    tf.resetDefaultGraph();
    expect(() => tf.placeholder(tf.float32, { shape: -1 })).toThrow(/placeholder argument shape/);
    expect(() => tf.placeholder(tf.float32, { shape: 2.5 })).toThrow(/placeholder argument shape/);
  });
});
