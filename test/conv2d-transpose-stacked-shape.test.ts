/**
 * conv2d_transpose with an output_shape packed from tf.shape(x)[0] and numbers (the
 * convolutional-autoencoder idiom): TF's shape function reads the packed shape tensor as far as
 * the graph fixes it, so the result has static shape [?, H, W, C]; values checked against a
 * direct scatter of each input value times the filter (stride 2, SAME: no padding before here).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

describe('conv2dTranspose: output_shape from tf.stack', () => {
  it('static shape [?, 8, 8, 3] and the scattered values', async () => {
    const g = new tf.Graph();
    const xs = Float32Array.from({ length: 2 * 4 * 4 * 2 }, (_, i) => ((i * 7) % 11) / 5 - 1);
    const fs = Float32Array.from({ length: 3 * 3 * 3 * 2 }, (_, i) => ((i * 5) % 13) / 6 - 1);
    const b = g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 4, 4, 2]);
      const f = tf.constant(new tf.NDArray(fs, [3, 3, 3, 2]));
      const y = tf.nn.conv2dTranspose(x, f, tf.stack([tf.gather(tf.shape(x), 0), 8, 8, 3]), { strides: [1, 2, 2, 1], padding: 'SAME' });
      // strides positionally, padding at its default 'SAME'
      const z = tf.nn.conv2dTranspose(x, f, tf.stack([tf.gather(tf.shape(x), 0), 8, 8, 3]), [1, 2, 2, 1]);
      return { x, y, z };
    });
    expect(b.y.shape).toEqual([null, 8, 8, 3]);
    expect(b.z.shape).toEqual([null, 8, 8, 3]);
    const sess = new tf.Session({ graph: g });
    const got = (await sess.run(b.y, [[b.x, new tf.NDArray(xs, [2, 4, 4, 2])]])) as tf.NDArray;
    expect(got.shape).toEqual([2, 8, 8, 3]);
    // SAME, in 8, kernel 3, stride 2: output 4, padding total max(3*2 + 3 - 8, 0) = 1, 0 before
    const want = new Float64Array(2 * 8 * 8 * 3);
    for (let n = 0; n < 2; n++) for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let o = 0; o < 2; o++) {
      const v = xs[((n * 4 + i) * 4 + j) * 2 + o]!;
      for (let di = 0; di < 3; di++) for (let dj = 0; dj < 3; dj++) {
        const [r, c] = [i * 2 + di, j * 2 + dj];
        if (r >= 8 || c >= 8) continue;
        for (let ch = 0; ch < 3; ch++) want[((n * 8 + r) * 8 + c) * 3 + ch] += v * fs[((di * 3 + dj) * 3 + ch) * 2 + o]!;
      }
    }
    want.forEach((w, k) => expect(got.data[k] as number).toBeCloseTo(w, 5));
    await sess.close();
  });

  it('a packed shape of 3 entries is a rank error', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 4, 4, 2]);
      const f = tf.zeros([3, 3, 3, 2]);
      expect(() => tf.nn.conv2dTranspose(x, f, tf.stack([tf.gather(tf.shape(x), 0), 8, 8]), [1, 2, 2, 1])).toThrow(/rank 4|\(4,\)/);
    });
  });
});
