/**
 * Shapes given as tensors, as TF1 programs write them: `tf.random_normal(tf.shape(z))`,
 * `tf.zeros(tf.shape(x))`, `tf.ones([tf.index(tf.shape(x), 0), 3])` — the tensor's value is the shape
 * (TF's constant_value_as_shape at build time, folded when the plan is built).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const feed = (p: tf.Tensor, rows: number, cols: number) => new Map([[p, new tf.NDArray(new Float32Array(rows * cols).fill(1), [rows, cols])]]);

describe('shape operands given as tensors', () => {
  it('random ops take the value of a shape tensor as their shape', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const z = tf.placeholder(tf.float32, [null, 2]);
      const eps = tf.randomNormal(tf.shape(z), { dtype: tf.float32, mean: 0, stddev: 1, seed: 3 });
      const u = tf.randomUniform([tf.index(tf.shape(z), 0), 5], { seed: 4 });
      const t = tf.truncatedNormal(tf.stack([tf.index(tf.shape(z), 0), 3]), { seed: 5 });
      expect(eps.shape).toEqual([null, 2]);
      expect(u.shape).toEqual([null, 5]);
      expect(t.shape).toEqual([null, 3]);
      const sess = new tf.Session();
      const [e, v, w] = (await sess.run([eps, u, t], feed(z, 7, 2))) as tf.NDArray[];
      expect(e!.shape).toEqual([7, 2]);
      expect(v!.shape).toEqual([7, 5]);
      expect(w!.shape).toEqual([7, 3]);
      expect(Array.from(v!.data).every((x) => x >= 0 && x < 1)).toBe(true);
      expect(Array.from(w!.data).every((x) => Math.abs(x) <= 2)).toBe(true);
      // the same as a static shape with the same seed
      const s = tf.randomUniform([7, 5], { seed: 4 });
      expect(Array.from(((await sess.run(s)) as tf.NDArray).data)).toEqual(Array.from(v!.data));
      await sess.close();
    });
  });

  it('tf.zeros / tf.ones / tf.fill with computed dims', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const x = tf.placeholder(tf.float32, [null, 4]);
      const z = tf.zeros(tf.shape(x));
      const o = tf.ones([tf.index(tf.shape(x), 0), 3], tf.int32);
      const f = tf.fill(tf.shape(x), 7);
      expect(z.shape).toEqual([null, 4]);
      expect(z.op.name).toBe('zeros');
      expect(o.shape).toEqual([null, 3]);
      expect(o.dtype).toBe('int32');
      expect(f.shape).toEqual([null, 4]);
      const sess = new tf.Session();
      const [a, b, c] = (await sess.run([z, o, f], feed(x, 2, 4))) as tf.NDArray[];
      expect(a!.shape).toEqual([2, 4]);
      expect(Array.from(a!.data)).toEqual(new Array(8).fill(0));
      expect(b!.shape).toEqual([2, 3]);
      expect(Array.from(b!.data)).toEqual(new Array(6).fill(1));
      expect(Array.from(c!.data)).toEqual(new Array(8).fill(7));
      // exported as TF's Fill, and imported back
      const gd = g.asGraphDef();
      expect(gd.node.find((n) => n.name === 'zeros')!.op).toBe('Fill');
      await sess.close();
    });
  });

  it('tf.fill with a value computed in the graph fills with its run-time value and dtype', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const v = tf.placeholder(tf.float32, [], 'v');
      const f = tf.fill([2, 3], tf.multiply(v, 2));
      const i = tf.fill(tf.shape(tf.zeros([4])), tf.constant(7, tf.int32));
      expect(f.shape).toEqual([2, 3]);
      expect(i.dtype).toBe('int32');
      const sess = new tf.Session();
      const [a, b] = (await sess.run([f, i], new Map([[v, 1.25]]))) as tf.NDArray[];
      expect(Array.from(a!.data)).toEqual(new Array(6).fill(2.5));
      expect(Array.from(b!.data)).toEqual([7, 7, 7, 7]);
      expect(() => tf.fill([2], tf.constant([1, 2]))).toThrow(/Shape must be rank 0 but is rank 1/);
      await sess.close();
    });
  });

  it('a reshape to [tf.index(tf.shape(x), 0), 2, -1] knows its second dim at build time', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 6]);
      expect(tf.reshape(x, [tf.index(tf.shape(x), 0), 2, -1]).shape).toEqual([null, 2, null]);
    });
  });

  it('a float shape tensor is rejected with TF\'s text; a shape taken from fed data draws that shape', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      expect(() => tf.randomNormal(tf.constant([2, 3], tf.float32))).toThrow(
        "Value passed to parameter 'shape' has DataType float32 not in list of allowed values: int32, int64",
      );
      const n = tf.placeholder(tf.int32, [2]);
      const r = tf.randomUniform(n, { name: 'noise' });
      expect(r.shape).toEqual([null, null]);
      const sess = new tf.Session();
      expect(((await sess.run(r, new Map([[n, new tf.NDArray(Int32Array.of(2, 3), [2], 'int32')]]))) as tf.NDArray).shape).toEqual([2, 3]);
      await expect(sess.run(r, new Map([[n, new tf.NDArray(Int32Array.of(2, -1), [2], 'int32')]]))).rejects.toMatchObject({ name: 'InvalidArgumentError', op: 'noise' });
      await sess.close();
    });
  });

  it('dropout of a tensor of unknown shape draws its noise of the run-time shape', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const x = tf.placeholder(tf.float32, [null, null]);
      const d = tf.nn.dropout(x, 0.5, { seed: 1 });
      const sess = new tf.Session();
      const r = (await sess.run(d, feed(x, 50, 40))) as tf.NDArray;
      expect(r.shape).toEqual([50, 40]);
      const kept = Array.from(r.data).filter((v) => v !== 0);
      expect(kept.every((v) => v === 2)).toBe(true);
      expect(kept.length).toBeGreaterThan(800);
      expect(kept.length).toBeLessThan(1200);
      await sess.close();
    });
  });
});
