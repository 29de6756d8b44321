/** `tf.math`: TF1's math namespace holds the same functions as `tf.*` and `tf.nn.*`, under tf.math's names. */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

describe('tf.math', () => {
  it('is the same functions as tf.* and tf.nn.*', () => {
    const top = ['abs', 'add', 'addN', 'argmax', 'cumsum', 'log', 'reduceSum', 'squaredDifference', 'unsortedSegmentSum'] as const;
    for (const k of top) expect(tf.math[k], k).toBe(tf[k]);
    for (const k of ['topK', 'inTopK', 'l2Normalize', 'softmax', 'logSoftmax', 'softplus'] as const) expect(tf.math[k], k).toBe(tf.nn[k]);
    expect(tf.math.floordiv).toBe(tf.floorDiv);
    expect(tf.math.floormod).toBe(tf.mod);
    expect(tf.math.divideNoNan).toBe(tf.divNoNan);
  });

  it('computes', async () => {
    const g = new tf.Graph();
    const t = g.asDefault(() => tf.math.floordiv(tf.constant([7, -7]), tf.constant([2, 2])));
    const sess = new tf.Session({ graph: g });
    try {
      expect(((await sess.run(t)) as tf.NDArray).toArray()).toEqual([3, -4]);
    } finally {
      await sess.close();
    }
  });
});
