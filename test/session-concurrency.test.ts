/**
 * One session, one run at a time: `runSync` while an asynchronous run is pending fails at once
 * with a clear error and leaves that run alone (it completes with the right values).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { poolReady, randomArray } from './cpu-helpers.js';

function chain() {
  const graph = new tf.Graph();
  return graph.asDefault(() => {
    const n = 256;
    const x = tf.placeholder(tf.float32, [n, n]);
    const v = new tf.Variable(tf.zeros([n, n]));
    let y: tf.Tensor = x;
    for (let i = 0; i < 12; i++) y = tf.multiply(tf.matmul(y, x), 1 / 16);
    const out = tf.reduceSum(y);
    const update = tf.assignAdd(v, y);
    return { graph, feeds: new Map([[x, randomArray([n, n], 5)]]), out, update, v, init: tf.globalVariablesInitializer() };
  });
}

for (const threads of [1, 2]) {
  describe(`runSync while run() is pending [threads ${threads}]`, () => {
    it('throws a RuntimeError at once; the pending runs finish with the right values; runSync works after', async () => {
      const m = chain();
      const sess = new tf.Session({ graph: m.graph, threads, parallelThreshold: 0 });
      try {
        await sess.run(m.init);
        const want = Array.from((sess.runSync(m.out, m.feeds) as tf.NDArray).data);
        if (threads > 1) await poolReady(sess);
        const first = sess.run([m.out, m.update], m.feeds);
        const second = sess.run(m.out, m.feeds);
        const t0 = performance.now();
        let err: unknown = null;
        try {
          sess.runSync(m.out, m.feeds);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(tf.errors.RuntimeError);
        expect((err as Error).message).toBe(
          'runSync was called while an asynchronous run of this session is in progress; runs execute one at a time, in call order: await the pending run() first',
        );
        const [a] = (await first) as [tf.NDArray, tf.NDArray];
        expect(Array.from(a.data)).toEqual(want);
        expect(Array.from(((await second) as tf.NDArray).data)).toEqual(want);
        // far below the 30 s a stalled pool waits before it gives up
        expect(performance.now() - t0).toBeLessThan(15_000);
        // the update ran once (v = y), so one more makes it 2y
        const v = sess.runSync(m.v) as tf.NDArray;
        const once = sess.runSync(m.update, m.feeds) as tf.NDArray;
        expect(Array.from(once.data)).toEqual(Array.from(v.data).map((x) => 2 * x));
      } finally {
        await sess.close();
      }
    }, 60_000);
  });
}
