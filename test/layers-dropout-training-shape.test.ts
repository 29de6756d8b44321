/**
 * tf.layers.dropout / tf.layers.Dropout with `training` a bool placeholder of unknown rank
 * (`tf.placeholder(tf.bool)`, as DeepLearningZeroToAll's lab-11-5 feeds it) keeps the input's
 * static shape, as TF1's smart_cond → tf.cond does, so a following tf.layers.conv2d sees its
 * channel dim. Values: fed false it is the identity; fed true the kept entries are x / (1 − rate)
 * and about 1 − rate of them are kept.
 */
import { expect, it } from 'vitest';
import * as tf from 'tsflow';

it('dropout with a fed training flag keeps the static shape and selects the branch at run time', async () => {
  tf.resetDefaultGraph();
  tf.setRandomSeed(3);
  const training = tf.placeholder(tf.bool);
  const x = tf.placeholder(tf.float32, [null, 6, 6, 4]);
  const d = tf.layers.dropout({ inputs: x, rate: 0.25, training });
  expect(d.shape).toEqual([null, 6, 6, 4]);
  const conv = tf.layers.conv2d({ inputs: d, filters: 2, kernelSize: [3, 3], padding: 'SAME' });
  expect(conv.shape).toEqual([null, 6, 6, 2]);

  const n = 2 * 6 * 6 * 4;
  const xv = new tf.NDArray(Float32Array.from({ length: n }, (_, i) => 1 + (i % 7)), [2, 6, 6, 4], tf.float32);
  const sess = new tf.Session();
  const off = (await sess.run(d, new Map<tf.Tensor, tf.NDArray | boolean>([[x, xv], [training, false]]))) as tf.NDArray;
  expect(Array.from(off.data as Float32Array)).toEqual(Array.from(xv.data as Float32Array));
  const on = (await sess.run(d, new Map<tf.Tensor, tf.NDArray | boolean>([[x, xv], [training, true]]))) as tf.NDArray;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const v = Number(on.data[i]);
    if (v !== 0) {
      kept++;
      expect(v).toBeCloseTo(Number(xv.data[i]) / 0.75, 5);
    }
  }
  // 288 draws with keep probability 0.75: mean 216, sd ≈ 7.3.
  expect(kept).toBeGreaterThan(216 - 40);
  expect(kept).toBeLessThan(216 + 40);
  await sess.close();
});
