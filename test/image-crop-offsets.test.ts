// tf.image.cropToBoundingBox / padToBoundingBox with offsets known only when the graph runs
// (pix2pix's random crop: `crop_to_bounding_box(r, offset[0], offset[1], CROP, CROP)`), and the
// static shape of a slice whose size mixes tensors and constants.
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';

const img = Array.from({ length: 5 }, (_, i) => Array.from({ length: 6 }, (_, j) => [i * 10 + j, -(i * 10 + j)]));

describe('crop and pad at run-time offsets', () => {
  it('crop equals the crop at the same static offsets; a bad offset fails the run with TF\'s message', async () => {
    const g = new tf.Graph();
    const { oh, ow, dyn, stat, padded, padStat } = g.asDefault(() => {
      const x = tf.constant(img);
      const oh = tf.placeholder(tf.int32, []);
      const ow = tf.placeholder(tf.int32, []);
      return {
        oh, ow,
        dyn: tf.image.cropToBoundingBox(x, oh, ow, 3, 2),
        stat: tf.image.cropToBoundingBox(x, 1, 3, 3, 2),
        padded: tf.image.padToBoundingBox(tf.expandDims(x, 0), oh, ow, 8, 9),
        padStat: tf.image.padToBoundingBox(tf.expandDims(x, 0), 1, 3, 8, 9),
      };
    });
    expect(dyn.shape).toEqual([3, 2, 2]);
    expect(padded.shape).toEqual([1, 8, 9, 2]);
    const sess = new tf.Session({ graph: g });
    const feeds = new Map([[oh, 1], [ow, 3]]);
    const [a, b, c, d] = (await sess.run([dyn, stat, padded, padStat], feeds)) as NDArray[];
    expect(a!.toArray()).toEqual(b!.toArray());
    expect(a!.toArray()).toEqual([[[13, -13], [14, -14]], [[23, -23], [24, -24]], [[33, -33], [34, -34]]]);
    expect(c!.toArray()).toEqual(d!.toArray());
    await expect(sess.run(dyn, new Map([[oh, 1], [ow, 5]]))).rejects.toThrow('width must be >= target + offset.');
    await expect(sess.run(dyn, new Map([[oh, -1], [ow, 0]]))).rejects.toThrow('offset_height must be >= 0.');
    await expect(sess.run(padded, new Map([[oh, 4], [ow, 0]]))).rejects.toThrow('height must be <= target - offset');
    await sess.close();
  });

  it('checks what is known when the graph is built, and wants integer scalars', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.zeros([5, 6, 1]);
      const t = tf.placeholder(tf.int32, []);
      expect(() => tf.image.cropToBoundingBox(x, t, 0, 3, 7)).toThrow('width must be >= target + offset.');
      expect(() => tf.image.cropToBoundingBox(x, tf.placeholder(tf.float32, []), 0, 3, 2)).toThrow('offset_height must be an integer tensor, got float32');
      expect(() => tf.image.cropToBoundingBox(x, tf.placeholder(tf.int32, [2]), 0, 3, 2)).toThrow('offset_height must be a scalar');
    });
  });

  it("a slice's size mixing tensors and -1 keeps the dims it can know (TF's shape function)", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [4, null, 3]);
      const w = tf.index(tf.shape(x), 1);
      expect(tf.slice(x, [0, 0, 0], [-1, tf.floorDiv(w, 2), -1]).shape).toEqual([4, null, 3]);
      expect(tf.slice(x, [1, 0, 1], [-1, w, 2]).shape).toEqual([3, null, 2]);
    });
  });
});
