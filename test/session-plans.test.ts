/**
 * Several cached plans of one session, run alternately: a conv net's loss, its Adam training
 * step, predictions at another batch size, and an unrelated large conv whose plan grows the
 * heap and needs more per-thread scratch than the others. Every run must give the same bits as
 * the same plan compiled fresh in a new session from the same variable values. Runs on every
 * device in TSFLOW_TEST_DEVICES.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { poolReady, randomArray } from './cpu-helpers.js';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();

const devices = await resolvedDevices();

interface Net {
  graph: tf.Graph;
  vars: tf.Variable[];
  /** Per variable: a placeholder and an assign from it, to load values into a fresh session. */
  loads: [tf.Tensor, tf.Tensor][];
  init: tf.Operation;
  plans: Record<string, { fetches: (tf.Tensor | tf.Operation)[]; feeds: [tf.Tensor, NDArray][] }>;
}

function net(): Net {
  const graph = new tf.Graph();
  return graph.asDefault(() => {
    const x = tf.placeholder(tf.float32, [null, 16, 16, 2]);
    const w1 = new tf.Variable(tf.truncatedNormal([3, 3, 2, 16], { stddev: 0.3, seed: 1 }));
    const w2 = new tf.Variable(tf.truncatedNormal([3, 3, 16, 16], { stddev: 0.1, seed: 2 }));
    const w3 = new tf.Variable(tf.truncatedNormal([16 * 16 * 16, 4], { stddev: 0.02, seed: 3 }));
    const h = tf.nn.relu(tf.nn.conv2d(tf.nn.relu(tf.nn.conv2d(x, w1, [1, 1, 1, 1], 'SAME')), w2, [1, 1, 1, 1], 'SAME'));
    const logits = tf.matmul(tf.reshape(h, [-1, 16 * 16 * 16]), w3);
    const loss = tf.reduceMean(tf.square(logits));
    const train = new tf.train.AdamOptimizer(0.01).minimize(loss);
    // a plan of its own with a wide filter (more im2col scratch) and large temps
    const big = tf.placeholder(tf.float32, [1, 40, 40, 16]);
    const wb = new tf.Variable(tf.truncatedNormal([5, 5, 16, 32], { stddev: 0.1, seed: 4 }));
    const bigOut = tf.reduceSum(tf.nn.conv2d(tf.nn.conv2d(big, wb, [1, 1, 1, 1], 'SAME'), tf.ones([1, 1, 32, 16]), [1, 1, 1, 1], 'SAME'));
    const vars = tf.globalVariables();
    const loads = vars.map((v): [tf.Tensor, tf.Tensor] => {
      const p = tf.placeholder(v.dtype, v.shape);
      return [p, tf.assign(v, p)];
    });
    const xs = (n: number, seed: number): [tf.Tensor, NDArray][] => [[x, randomArray([n, 16, 16, 2], seed)]];
    return {
      graph,
      vars,
      loads,
      init: tf.globalVariablesInitializer(),
      plans: {
        loss: { fetches: [loss], feeds: xs(8, 10) },
        train: { fetches: [train, loss], feeds: xs(8, 11) },
        predict: { fetches: [logits], feeds: xs(3, 12) },
        big: { fetches: [bigOut], feeds: [[big, randomArray([1, 40, 40, 16], 13)]] },
      },
    };
  });
}

const ORDER = ['loss', 'loss', 'train', 'loss', 'predict', 'big', 'loss', 'train', 'predict', 'loss', 'big', 'train', 'loss', 'predict'];

const bits = (a: NDArray): number[] => Array.from(new Uint32Array(Float32Array.from(a.data as Float32Array).buffer));

for (const dev of devices) {
  describe(`cached plans, alternating [${dev.name}]`, () => {
    it('each run equals the same plan compiled fresh from the same variable values', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const n = net();
      const sess = new tf.Session({ ...dev.options, graph: n.graph });
      try {
        await sess.run(n.init);
        // workers up before the plans run, so they take chunks of every plan (and bind its views)
        if (dev.options.device === 'cpu' && (dev.options.threads ?? 1) > 1) await poolReady(sess);
        let state: NDArray[] = await sess.run(n.vars);
        for (const [i, name] of ORDER.entries()) {
          const { fetches, feeds } = n.plans[name]!;
          const got: (NDArray | null)[] = await sess.run(fetches, feeds);
          const after: NDArray[] = await sess.run(n.vars);
          // the reference: a fresh session (fresh plans, fresh workers) from the values before
          const ref = new tf.Session({ ...dev.options, graph: n.graph });
          try {
            await ref.run(n.loads.map(([, a]) => a), n.loads.map(([p], k) => [p, state[k]!] as [tf.Tensor, NDArray]));
            const want: (NDArray | null)[] = await ref.run(fetches, feeds);
            const wantAfter: NDArray[] = await ref.run(n.vars);
            got.forEach((g, k) => {
              if (g === null) expect(want[k]).toBeNull();
              else expect(bits(g), `run ${i} (${name}), fetch ${k}`).toEqual(bits(want[k]!));
            });
            after.forEach((v, k) => expect(bits(v), `run ${i} (${name}), ${n.vars[k]!.name}`).toEqual(bits(wantAfter[k]!)));
          } finally {
            await ref.close();
          }
          state = after;
        }
        // every plan above came from the cache after its first run
        expect(sess.stats.cacheHits).toBeGreaterThanOrEqual(ORDER.length - Object.keys(n.plans).length);
      } finally {
        await sess.close();
      }
    }, 180_000);
  });
}
