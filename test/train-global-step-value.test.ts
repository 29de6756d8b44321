/** tf.train.globalStep(sess, globalStepTensor): the step variable's value as a number, after training steps. */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

describe('tf.train.globalStep', () => {
  it('reads the global step after minimize steps; a non-session is a TypeError', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const step = new tf.Variable(0, { name: 'global_step', trainable: false });
      const w = new tf.Variable(1.0);
      const train = new tf.train.GradientDescentOptimizer(0.1).minimize(tf.square(w), { globalStep: step });
      const sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      expect(await tf.train.globalStep(sess, step)).toBe(0);
      for (let i = 0; i < 3; i++) await sess.run(train);
      expect(await tf.train.globalStep(sess, step)).toBe(3);
      const gs = tf.train.getOrCreateGlobalStep();
      await sess.run(gs.initializer);
      expect(await tf.train.globalStep(sess, gs)).toBe(0);
      await expect(tf.train.globalStep(null as never, step)).rejects.toThrow(TypeError);
      await sess.close();
    });
  });
});
