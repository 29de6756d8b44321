/**
 * Independent host-stage ops of one run get their inputs from one sub-run, so the ops behind
 * them run once per step as in TF (a SyncReplicasOptimizer's per-variable gradient applies
 * share one forward and backward pass): an assignAdd behind two enqueues' different inputs
 * counts 1, not 2. A host op whose input needs an earlier host op's output still waits for it.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();

for (const dev of devices) {
  describe(`host-stage inputs (${dev.name})`, () => {
    it('the inputs of independent host ops come from one sub-run; dependent ones after their producer', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const v = new tf.Variable(tf.constant(0, { dtype: tf.float32 }), { name: 'counter' });
        const inc = v.assignAdd(1);
        const q1 = new tf.FIFOQueue(4, ['float32'], [[]]);
        const q2 = new tf.FIFOQueue(4, ['float32'], [[]]);
        const both = tf.group(q1.enqueue(tf.multiply(inc, 2)), q2.enqueue(tf.multiply(inc, 3)));
        // the second enqueue's value is the first queue's dequeued element: it runs after that dequeue
        const chained = tf.group(q2.enqueue(tf.add(q1.dequeue() as tf.Tensor, 10)));
        return { v, both, chained, d2: q2.dequeueMany(2) as tf.Tensor };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(m.v.initializer);
      await sess.run(m.both);
      expect(((await sess.run(m.v.value())) as NDArray).data[0]).toBe(1);
      await sess.run(m.chained);
      expect(Array.from(((await sess.run(m.d2)) as NDArray).data)).toEqual([3, 12]);
      await sess.close();
    });
  });
}
