/**
 * tf.cond and ops created outside it: an op that a branch's op waits on by a control edge (an
 * `ema.apply` built before the cond, as in batch-normalization code that calls
 * `control_dependencies([ema_apply_op])` inside the true branch) is gated by no Switch, so TF's
 * executor runs it in every step that needs the cond, once, whichever branch is taken. A branch
 * returning None (Python) / null stops with convert_to_tensor's "None values not supported.".
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const val = async (sess: tf.Session, t: tf.Tensor | tf.Variable): Promise<number> => ((await sess.run(t)) as tf.NDArray).data[0] as number;

describe('tf.cond: control inputs from outside the cond', () => {
  it('an outside assign behind a branch op runs once per step, on either branch', async () => {
    const g = new tf.Graph();
    const b = g.asDefault(() => {
      const p = tf.placeholder(tf.bool, [], 'p');
      const v = new tf.Variable(0, { name: 'v' });
      const inc = tf.group(tf.assignAdd(v, 1));
      const out = tf.cond(p, () => tf.controlDependencies([inc], () => tf.identity(tf.constant(10))), () => tf.constant(20)) as tf.Tensor;
      return { p, v, out, init: tf.globalVariablesInitializer() };
    });
    const sess = new tf.Session({ graph: g });
    await sess.run(b.init);
    expect(((await sess.run(b.out, [[b.p, false]])) as tf.NDArray).data[0]).toBe(20);
    expect(await val(sess, b.v)).toBe(1);
    expect(((await sess.run(b.out, [[b.p, true]])) as tf.NDArray).data[0]).toBe(10);
    expect(await val(sess, b.v)).toBe(2);
    await sess.close();
  });

  it('moving averages applied outside the cond move on is_training=False steps too', async () => {
    const g = new tf.Graph();
    const b = g.asDefault(() => {
      const train = tf.placeholder(tf.bool, [], 'train');
      const x = tf.placeholder(tf.float32, [2], 'x');
      const m = tf.reduceMean(x);
      const ema = new tf.train.ExponentialMovingAverage({ decay: 0.9 });
      const apply = ema.apply([m]);
      const avg = ema.average(m)!;
      const out = tf.cond(train, () => tf.controlDependencies([apply], () => tf.identity(m)), () => tf.identity(avg)) as tf.Tensor;
      return { train, x, avg, out, init: tf.globalVariablesInitializer() };
    });
    const sess = new tf.Session({ graph: g });
    await sess.run(b.init);
    await sess.run(b.out, [[b.train, false], [b.x, [2, 4]]]);
    // a zero slot for a tensor: 0 - 0.1 * (0 - 3)
    expect(await val(sess, b.avg)).toBeCloseTo(0.3, 6);
    expect(((await sess.run(b.out, [[b.train, true], [b.x, [4, 6]]])) as tf.NDArray).data[0]).toBe(5);
    // 0.3 - 0.1 * (0.3 - 5), applied once
    expect(await val(sess, b.avg)).toBeCloseTo(0.77, 6);
    await sess.close();
  });

  it('a branch returning null: "None values not supported."', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const p = tf.placeholder(tf.bool, []);
      expect(() => tf.cond(p, () => [tf.constant(1), tf.constant(2)], () => [null, null] as unknown as tf.Tensor[])).toThrow(/^None values not supported\.$/);
      expect(() => tf.cond(p, () => tf.constant(1), () => [null] as unknown as tf.Tensor)).toThrow(/^None values not supported\.$/);
    });
  });
});
