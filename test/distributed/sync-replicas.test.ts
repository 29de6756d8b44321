/**
 * tf.train.SyncReplicasOptimizer across real server processes (1 ps + 2 workers), with two
 * between-graph replicas as clients in this process (each its own graph, optimizer and session
 * on its own worker; the accumulators and the token queue live on the ps, shared by name). The
 * aggregated step is SGD on the mean gradient (to float32 precision of a float64 reference), the
 * round after the init tokens is dropped as stale, and the global step moves once per
 * aggregated step. A worker that dies mid-run makes the other replica's step wait on the ps for
 * the gradient that will not come (as TF's: its token never comes), bounded here by the step's
 * deadline; nothing on the ps changes meanwhile, and training goes on once the worker is back.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as tf from '../../src/index.js';
import { TestCluster } from './cluster.js';

const f32 = (v: number[], s: number[]) => new tf.NDArray(Float32Array.from(v), s, 'float32');
const XS = [f32([1, 2], [2, 1]), f32([3, -1], [2, 1])];
const YS = [f32([2, 5], [2, 1]), f32([7, -1], [2, 1])];
const LR = 0.05;

let cluster: TestCluster;
let spec: tf.train.ClusterSpec;
beforeAll(async () => {
  cluster = await TestCluster.create({ ps: 1, worker: 2 });
  spec = new tf.train.ClusterSpec(JSON.parse(cluster.json) as Record<string, string[]>);
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

/** Replica `task`: its graph (variables on the ps, compute on its worker) and session. */
function replica(task: number, scope: string) {
  const g = new tf.Graph();
  const m = g.asDefault(() =>
    tf.device(tf.train.replicaDeviceSetter({ cluster: spec, workerDevice: `/job:worker/task:${task}` }), () =>
      tf.nameScope(scope, () => {
        const x = tf.placeholder(tf.float32, [2, 1]);
        const y = tf.placeholder(tf.float32, [2, 1]);
        const w = new tf.Variable(tf.constant([[0.5]]), { name: 'w' });
        const b = new tf.Variable(tf.constant([0.25]), { name: 'b' });
        const loss = tf.reduceMean(tf.square(tf.subtract(tf.add(tf.matmul(x, w), b), y)));
        const globalStep = tf.train.getOrCreateGlobalStep();
        const opt = new tf.train.SyncReplicasOptimizer(new tf.train.GradientDescentOptimizer(LR), 2, { totalNumReplicas: 2 });
        const train = opt.minimize(loss, { globalStep });
        return { x, y, w, b, globalStep, opt, train, init: tf.globalVariablesInitializer(), localInit: tf.localVariablesInitializer(), initTokens: opt.getInitTokensOp() };
      }),
    ),
  );
  const sess = new tf.Session({ target: cluster.target('worker', task), graph: g });
  const feed = new Map([[m.x, XS[task]!], [m.y, YS[task]!]]);
  return { ...m, sess, feed, step: (opts?: tf.RunOptions) => sess.run(m.train, feed, opts) };
}
type Replica = ReturnType<typeof replica>;

/** The chief initializes, sets the accumulators' step, puts the init tokens and starts its queue runner. */
async function start(scope: string): Promise<{ a: Replica; b: Replica; coord: tf.train.Coordinator; threads: unknown[] }> {
  const a = replica(0, scope);
  const b = replica(1, scope);
  await a.sess.run([a.init, a.localInit]);
  await a.sess.run(a.opt.chiefInitOp!);
  await a.sess.run(a.initTokens);
  expect((await b.sess.run(b.opt.readyForLocalInitOp!)).size).toBe(0);
  await b.sess.run([b.localInit, b.opt.localStepInitOp!]);
  const coord = new tf.train.Coordinator();
  const threads = a.opt.getChiefQueueRunner().createThreads(a.sess, { coord, start: true });
  return { a, b, coord, threads };
}

async function stop(r: { a: Replica; b: Replica; coord: tf.train.Coordinator; threads: unknown[] }): Promise<void> {
  r.coord.requestStop();
  // closing the chief's session cancels its queue runner's take, waiting on the ps
  await Promise.all([r.a.sess.close(), r.b.sess.close()]);
  await r.coord.join(r.threads as never);
}

const num = async (s: tf.Session, t: tf.Tensor | tf.Variable) => (await s.run(t)).data[0] as number;

/** w, b after plain SGD steps on the mean of the replicas' gradients, in float64. */
function reference(steps: number): [number, number] {
  let [w, b] = [0.5, 0.25];
  for (let s = 0; s < steps; s++) {
    let [gw, gb] = [0, 0];
    for (const r of [0, 1]) {
      const xs = Array.from(XS[r]!.data as Float32Array);
      const ys = Array.from(YS[r]!.data as Float32Array);
      xs.forEach((x, i) => {
        const e = w * x + b - ys[i]!;
        gw += (2 * e * x) / xs.length / 2;
        gb += (2 * e) / xs.length / 2;
      });
    }
    [w, b] = [w - LR * gw, b - LR * gb];
  }
  return [w, b];
}

test('2 replicas in 2 worker processes: the aggregated step is SGD on the mean gradient; the stale round is dropped', async () => {
  const r = await start('exact');
  const { a, b } = r;
  try {
    const round = () => Promise.all([a.step(), b.step()]);
    await round();
    expect(await num(a.sess, a.globalStep)).toBe(1);
    // both replicas still carry local step 0 from the init tokens: their gradients are stale
    await round();
    expect(await num(a.sess, a.globalStep)).toBe(1);
    const before = { ...a.sess.distributedStats! };
    const t0 = performance.now();
    const ROUNDS = 3;
    for (let k = 0; k < ROUNDS; k++) await round();
    const ms = (performance.now() - t0) / ROUNDS;
    const after = a.sess.distributedStats!;
    expect(await num(b.sess, b.globalStep)).toBe(4);
    const [w, bb] = await a.sess.run([a.w.value(), a.b.value()]);
    const [rw, rb] = reference(4);
    expect(w.data[0]).toBeCloseTo(rw, 5);
    expect(bb.data[0]).toBeCloseTo(rb, 5);
    // the chief's session: its replica's steps and its queue runner's sync steps
    const per = (k: 'calls' | 'bytesSent' | 'bytesReceived') => (after[k] - before[k]) / ROUNDS;
    console.log(`sync step (2 replicas, 2 scalars a variable): ${ms.toFixed(1)} ms a round; chief session per round: ${per('calls')} calls, ${per('bytesSent')} B sent, ${per('bytesReceived')} B received`);
    expect(per('calls')).toBeGreaterThan(0);
  } finally {
    await stop(r);
  }
}, 90_000);

test('a worker killed mid-run: the other replica waits on the ps (its step fails at its deadline), the ps state is kept, training resumes', async () => {
  const r = await start('fault');
  const { a, b } = r;
  try {
    const round = () => Promise.all([a.step(), b.step()]);
    for (let k = 0; k < 3; k++) await round();
    const step0 = await num(a.sess, a.globalStep);
    expect(step0).toBe(2);
    const [w0, b0] = await a.sess.run([a.w.value(), a.b.value()]);
    await cluster.kill('worker', 1);
    expect(await b.step().catch((e: unknown) => e)).toBeInstanceOf(tf.errors.UnavailableError);
    // replica 0's gradient goes in, then its step waits for a token no aggregated step will bring
    const t0 = performance.now();
    const err = await a.step(new tf.RunOptions({ timeoutInMs: 1500 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(tf.errors.DeadlineExceededError);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1400);
    expect(await num(a.sess, a.globalStep)).toBe(step0);
    const [w1, b1] = await a.sess.run([a.w.value(), a.b.value()]);
    expect(w1.data[0]).toBe(w0.data[0]);
    expect(b1.data[0]).toBe(b0.data[0]);
    // the worker comes back (a new process, same address): its replica steps again and the
    // global step moves once per aggregated step
    await cluster.start('worker', 1);
    // the new worker process lost the replica's local step (a local variable in its memory):
    // the replica initializes it again, as TF's MonitoredSession does when it recreates a
    // session, once the channel has reconnected
    for (let i = 0; ; i++) {
      try {
        await b.sess.run([b.localInit, b.opt.localStepInitOp!]);
        break;
      } catch (e) {
        if (!(e instanceof tf.errors.UnavailableError) || i > 50) throw e;
        await new Promise((res) => setTimeout(res, 100));
      }
    }
    // replica 0's gradient of the step that timed out is still in the accumulators (TF keeps it
    // too): this round's aggregated step takes it with the first of the new ones
    await round();
    expect(await num(a.sess, a.globalStep)).toBe(step0 + 1);
    await round();
    expect(await num(a.sess, a.globalStep)).toBe(step0 + 2);
    const [w2] = await a.sess.run([a.w.value()]);
    expect(Number.isFinite(w2.data[0])).toBe(true);
    expect(w2.data[0]).not.toBe(w0.data[0]);
  } finally {
    await stop(r);
  }
}, 120_000);
