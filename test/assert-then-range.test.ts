/**
 * A shape-like value checked by an Assert (TF's PTB reader: `epoch_size` asserted positive,
 * then the limit of tf.train.range_input_producer's Range) still folds when the plan is built:
 * the host stage that runs the Assert does not turn its integer inputs computed from constants
 * into feeds. A failing assertion still fails with TF's text. (CPU devices: on WebGPU the
 * integer ops run in a CPU part of the plan whose results the device part takes as feeds, so
 * such a limit is not foldable there yet.)
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();

for (const dev of devices.filter((d) => d.name !== 'webgpu')) {
  describe(`Assert before a Range limit (${dev.name})`, () => {
    it('the asserted epoch size is the limit of a Range and of range_input_producer', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const raw = tf.convertToTensor(Array.from({ length: 45 }, (_, i) => i), { dtype: tf.int32 });
        const epochSize0 = tf.floordiv(tf.subtract(tf.floordiv(tf.size(raw), 4), 1), 3);
        const assertion = tf.assertPositive(epochSize0, { message: 'epoch_size == 0, decrease batch_size or num_steps' });
        const epochSize = tf.controlDependencies([assertion], () => tf.identity(epochSize0, 'epoch_size'));
        const empty = tf.floordiv(tf.size(raw), 100);
        const bad = tf.controlDependencies([tf.assertPositive(empty, { message: 'epoch_size == 0' })], () => tf.identity(empty));
        return { r: tf.range(epochSize), bad: tf.range(bad) };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      expect(Array.from(((await sess.run(b.r)) as NDArray).data)).toEqual([0, 1, 2]);
      await expect(sess.run(b.bad)).rejects.toThrow('assertion failed: [epoch_size == 0]');
      await sess.close();
    });
  });
}
