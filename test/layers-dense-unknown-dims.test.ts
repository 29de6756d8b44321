/**
 * tf.layers.dense on inputs of rank > 2 whose middle dims are unknown ([batch, time, features] with
 * batch and time None, as tf.nn.dynamic_rnn's outputs over a [None, None, n] placeholder): TF 1.15's
 * Dense.call takes tensordot over the last axis and sets the static shape shape[:-1] + [units].
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const K = [[1, -2], [0.5, 3], [-1, 0.25]];
const B = [0.1, -0.2];

function expected(x: number[][][]): number[][][] {
  return x.map((row) => row.map((v) => [0, 1].map((j) => v.reduce((acc, xi, i) => acc + xi * K[i]![j]!, B[j]!))));
}

describe('tf.layers.dense over [None, None, n]', () => {
  it('computes x·K + b for every leading index, with static shape [null, null, units]', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const x = tf.placeholder(tf.float32, [null, null, 3]);
      const y = tf.layers.dense(x, 2, { kernelInitializer: tf.constantInitializer(K), biasInitializer: tf.constantInitializer(B) });
      expect(y.shape).toEqual([null, null, 2]);
      const [gk] = tf.gradients(tf.reduceSum(y), [tf.trainableVariables()[0]!]);
      await using s = new tf.Session({ graph: g });
      await s.run(tf.globalVariablesInitializer());
      const x1 = [[[1, 2, 3], [4, 5, 6]], [[-1, 0, 1], [2, 2, 2]]];
      const x2 = [[[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]];
      for (const xv of [x1, x2]) {
        const out = await s.run(y, new Map([[x, xv]]));
        expect(out.shape).toEqual([xv.length, xv[0]!.length, 2]);
        const want = expected(xv).flat(2);
        Array.from(out.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
      }
      // d sum(y) / dK[i][j] = sum of x[..., i] over all leading indices (for each j)
      const gv = (await s.run(gk!, new Map([[x, x1]]))).toArray() as number[][];
      const colSums = [0, 1, 2].map((i) => x1.flat().reduce((acc, r) => acc + r[i]!, 0));
      expect(gv).toEqual(colSums.map((c) => [c, c]));
    });
  });

  it('keeps a known middle dim in the static shape', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 5, null, 3]);
      expect(tf.layers.dense(x, 4).shape).toEqual([null, 5, null, 4]);
    });
  });
});
