/**
 * tf.train.SyncReplicasOptimizer in one process: concurrent replica runs on one session with the
 * chief's queue runner. The aggregated step applies the mean of the replicas' gradients (checked
 * against plain gradient descent on that mean), the first round after the init tokens is dropped
 * as stale, fewer replicas to aggregate than replicas, the session hook, TF's errors.
 */
import { expect, test } from 'vitest';
import * as tf from '../src/index.js';

const f32 = (v: number[], s: number[]) => new tf.NDArray(Float32Array.from(v), s, 'float32');
const XS = [f32([1, 2], [2, 1]), f32([3, -1], [2, 1]), f32([0.5, 1.5], [2, 1])];
const YS = [f32([2, 5], [2, 1]), f32([7, -1], [2, 1]), f32([1, 4], [2, 1])];
const LR = 0.05;

function model() {
  const x = tf.placeholder(tf.float32, [2, 1]);
  const y = tf.placeholder(tf.float32, [2, 1]);
  const w = new tf.Variable(tf.constant([[0.5]]), { name: 'w' });
  const b = new tf.Variable(tf.constant([0.25]), { name: 'b' });
  const loss = tf.reduceMean(tf.square(tf.subtract(tf.add(tf.matmul(x, w), b), y)));
  const globalStep = tf.train.getOrCreateGlobalStep();
  return { x, y, w, b, loss, globalStep };
}

/** w, b after plain SGD steps on the mean of the replicas' gradients, in float64. */
function reference(steps: number, replicas: number[]): [number, number] {
  let [w, b] = [0.5, 0.25];
  for (let s = 0; s < steps; s++) {
    let [gw, gb] = [0, 0];
    for (const r of replicas) {
      const xs = Array.from(XS[r]!.data as Float32Array);
      const ys = Array.from(YS[r]!.data as Float32Array);
      xs.forEach((x, i) => {
        const e = w * x + b - ys[i]!;
        gw += (2 * e * x) / xs.length / replicas.length;
        gb += (2 * e) / xs.length / replicas.length;
      });
    }
    [w, b] = [w - LR * gw, b - LR * gb];
  }
  return [w, b];
}

test('2 replicas: each aggregated step applies the mean gradient; the round after the init tokens is stale', async () => {
  const g = new tf.Graph();
  await g.asDefault(async () => {
    const m = model();
    const opt = new tf.train.SyncReplicasOptimizer(new tf.train.GradientDescentOptimizer(LR), 2, { totalNumReplicas: 2 });
    expect(() => opt.getChiefQueueRunner()).toThrow('Should be called after apply_gradients().');
    // one optimizer per replica (each its own local step), as between-graph replicas build it:
    // the accumulators and the token queue are shared by name
    const trains = [opt, new tf.train.SyncReplicasOptimizer(new tf.train.GradientDescentOptimizer(LR), 2, 2)].map((o) => o.minimize(m.loss, { globalStep: m.globalStep }));
    expect(opt.localStep!.op.name).toBe('sync_rep_local_step');
    expect(g.getCollection(tf.GraphKeys.LOCAL_VARIABLES)).toContain(opt.localStep);
    expect(g.operations.some((o) => o.name === 'sync_replicas/conditional_accumulator')).toBe(true);
    const sess = new tf.Session();
    await sess.run([tf.globalVariablesInitializer(), tf.localVariablesInitializer()]);
    expect((await sess.run(opt.readyForLocalInitOp!)).size).toBe(0);
    await sess.run(opt.chiefInitOp!);
    await sess.run(opt.getInitTokensOp());
    const coord = new tf.train.Coordinator();
    const threads = opt.getChiefQueueRunner().createThreads(sess, { coord, start: true });
    const round = () => Promise.all([0, 1].map((r) => sess.run(trains[r]!, new Map([[m.x, XS[r]!], [m.y, YS[r]!]]))));
    await round();
    expect((await sess.run(m.globalStep)).data[0]).toBe(1);
    // both replicas still carry local step 0 from the init tokens: their gradients are stale
    await round();
    expect((await sess.run(m.globalStep)).data[0]).toBe(1);
    for (let k = 0; k < 3; k++) await round();
    expect((await sess.run(m.globalStep)).data[0]).toBe(4);
    const [w, b] = await sess.run([m.w.value(), m.b.value()]);
    const [rw, rb] = reference(4, [0, 1]);
    expect(w.data[0]).toBeCloseTo(rw, 5);
    expect(b.data[0]).toBeCloseTo(rb, 5);
    coord.requestStop();
    await sess.close();
    await coord.join(threads);
  });
});

test('3 replicas, 2 to aggregate: replicas stepping on their own lower the loss; too few init tokens', async () => {
  const g = new tf.Graph();
  await g.asDefault(async () => {
    const m = model();
    const opts = [0, 1, 2].map(() => new tf.train.SyncReplicasOptimizer(new tf.train.GradientDescentOptimizer(LR), 2, 3));
    const trains = opts.map((o) => o.minimize(m.loss, { globalStep: m.globalStep }));
    const opt = opts[0]!;
    expect(opt.getInitTokensOp(0).type).toBe('NoOp');
    const sess = new tf.Session();
    await sess.run([tf.globalVariablesInitializer(), tf.localVariablesInitializer()]);
    await sess.run(opt.chiefInitOp!);
    await sess.run(opt.getInitTokensOp());
    const coord = new tf.train.Coordinator();
    const threads = opt.getChiefQueueRunner().createThreads(sess, { coord, start: true });
    const total = async () => {
      let t = 0;
      for (let r = 0; r < 3; r++) t += (await sess.run(m.loss, new Map([[m.x, XS[r]!], [m.y, YS[r]!]]))).data[0] as number;
      return t;
    };
    const before = await total();
    // each replica steps on its own until the global step reaches 4 (TF's replicas loop so);
    // one still waiting for a token then is cancelled by the session's close
    const loop = async (r: number): Promise<number> => {
      let steps = 0;
      for (;;) {
        try {
          await sess.run(trains[r]!, new Map([[m.x, XS[r]!], [m.y, YS[r]!]]));
        } catch (e) {
          if (e instanceof tf.errors.CancelledError) return steps;
          throw e;
        }
        steps++;
        if (((await sess.run(m.globalStep)).data[0] as number) >= 4) return steps;
      }
    };
    const loops = [0, 1, 2].map(loop);
    while (((await sess.run(m.globalStep)).data[0] as number) < 4) await new Promise((r) => setTimeout(r, 5));
    expect(await total()).toBeLessThan(before);
    coord.requestStop();
    await sess.close();
    await coord.join(threads);
    // every aggregated step took at least 2 of the 3 replicas' gradients
    expect((await Promise.all(loops)).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2 * 4);
  });
  await g.asDefault(async () => {
    const opt = new tf.train.SyncReplicasOptimizer(new tf.train.GradientDescentOptimizer(LR), 3, 2);
    const m = model();
    expect(() => opt.getInitTokensOp()).toThrow('get_init_tokens_op() should be called after apply_gradients().');
    opt.minimize(m.loss, { globalStep: m.globalStep });
    expect(() => opt.getInitTokensOp(0)).toThrow('Too few tokens to finish the first step: 0 (given) vs 1 (needed)');
    expect(() => new tf.train.SyncReplicasOptimizer(new tf.train.GradientDescentOptimizer(LR), 1).applyGradients([[tf.constant([1]), m.b]])).toThrow('Global step is required to check staleness');
  });
});

test('the session hook under MonitoredTrainingSession: chief init, tokens and queue runner; one replica steps in sync', async () => {
  const g = new tf.Graph();
  await g.asDefault(async () => {
    const m = model();
    const opt = new tf.train.SyncReplicasOptimizer(new tf.train.GradientDescentOptimizer(LR), 1);
    const train = opt.minimize(m.loss, { globalStep: m.globalStep });
    // the chief's aggregation loop waits in a take at the end: no grace period for it on close
    const sess = await tf.train.MonitoredTrainingSession({ isChief: true, hooks: [opt.makeSessionRunHook(true)], stopGracePeriodSecs: 0 });
    for (let k = 0; k < 5; k++) await sess.run(train, new Map([[m.x, XS[0]!], [m.y, YS[0]!]]));
    // the second step's gradient (local step 0 after the init token) is dropped as stale
    expect((await sess.run(m.globalStep)).data[0]).toBe(4);
    const [rw] = reference(4, [0]);
    expect((await sess.run(m.w.value())).data[0]).toBeCloseTo(rw, 5);
    await sess.close();
  });
});
