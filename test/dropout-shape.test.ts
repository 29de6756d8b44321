/** tf.nn.dropout keeps x's static shape whatever keepProb's (TF1's ret.set_shape(x.get_shape())). */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

describe('tf.nn.dropout static shape', () => {
  it('a keep probability fed through a shapeless placeholder leaves [null, 4]; the values are still scaled and masked', async () => {
    const g = new tf.Graph();
    const { x, kp, y, m } = g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 4]);
      const kp = tf.placeholder(tf.float32); // unknown rank, as in mnist_deep.py
      const y = tf.nn.dropout(x, kp);
      return { x, kp, y, m: tf.reduceMean(y) };
    });
    expect(y.shape).toEqual([null, 4]);
    expect(m.shape).toEqual([]);
    const sess = new tf.Session({ graph: g });
    const feeds = (k: number) => new Map<tf.Tensor, tf.NDArray | number>([[x, new tf.NDArray(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), [2, 4])], [kp, k]]);
    const full = (await sess.run(y, feeds(1))) as tf.NDArray;
    expect(Array.from(full.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const half = Array.from(((await sess.run(y, feeds(0.5))) as tf.NDArray).data as Float32Array);
    half.forEach((v, i) => expect([0, 2 * (i + 1)]).toContain(v));
    await sess.close();
  });
});
