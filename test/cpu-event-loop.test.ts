/**
 * Asynchronous CPU runs leave the event loop responsive: a 1 ms timer keeps ticking while runs
 * train back to back (they yield between steps), and the values are those of runSync (which
 * holds the thread for its whole run, as before). No timing targets here (see
 * bench/cases/event-loop.ts); only that the timer gets turns at all.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { poolReady, randomArray } from './cpu-helpers.js';

function mlp() {
  const graph = new tf.Graph();
  return graph.asDefault(() => {
    const x = tf.placeholder(tf.float32, [128, 256]);
    const labels = tf.placeholder(tf.int32, [128]);
    const w1 = new tf.Variable(randomArray([256, 256], 1));
    const w2 = new tf.Variable(randomArray([256, 10], 2));
    const h = tf.nn.relu(tf.matmul(x, w1));
    const logits = tf.matmul(h, w2);
    const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }));
    const train = new tf.train.GradientDescentOptimizer(0.01).minimize(loss);
    const feeds = new Map<tf.Tensor, tf.NDArray>([
      [x, randomArray([128, 256], 3)],
      [labels, new tf.NDArray(Int32Array.from({ length: 128 }, (_, i) => i % 10), [128], 'int32')],
    ]);
    return { graph, feeds, loss, train, w2, init: tf.globalVariablesInitializer() };
  });
}

/** Ticks of a 1 ms interval while `work` runs. */
async function ticksDuring(work: () => Promise<unknown> | unknown): Promise<number> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return ticks;
}

for (const threads of [1, 2]) {
  describe(`event loop during CPU runs [threads ${threads}]`, () => {
    it('a 1 ms timer ticks during queued asynchronous runs, which give the values of runSync', async () => {
      const m = mlp();
      const sess = new tf.Session({ graph: m.graph, threads, parallelThreshold: 0 });
      try {
        await sess.run(m.init);
        if (threads > 1) await poolReady(sess);
        // reference: 40 steps through runSync
        const syncLosses: number[] = [];
        for (let i = 0; i < 40; i++) syncLosses.push((sess.runSync([m.loss, m.train], m.feeds) as [tf.NDArray, null])[0].data[0] as number);
        const wSync = Array.from(((await sess.run(m.w2)) as tf.NDArray).data);
        // the same 40 steps from the same start, queued at once
        await sess.run(m.init);
        const t0 = performance.now();
        let losses: number[] = [];
        const asyncTicks = await ticksDuring(async () => {
          const runs = Array.from({ length: 40 }, () => sess.run([m.loss, m.train], m.feeds) as Promise<[tf.NDArray, null]>);
          losses = (await Promise.all(runs)).map(([l]) => l.data[0] as number);
        });
        const asyncMs = performance.now() - t0;
        expect(losses).toEqual(syncLosses);
        expect(Array.from(((await sess.run(m.w2)) as tf.NDArray).data)).toEqual(wSync);
        // the runs took tens of milliseconds at least; the timer got several turns in them
        expect(asyncTicks, `40 queued runs took ${asyncMs.toFixed(0)} ms`).toBeGreaterThanOrEqual(3);
      } finally {
        await sess.close();
      }
    }, 120_000);
  });
}
