/**
 * Queues and conditional accumulators on a cluster task (real server processes): their ops
 * travel in partitions as TF's NodeDefs, a shared_name names one resource on the ps for every
 * client, a dequeue or take waits on the ps while other clients' runs go on and end it, a
 * deadline or a closed client session ends a wait having taken nothing, and a queue without a
 * shared_name is its client session's own.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as tf from '../../src/index.js';
import { TestCluster } from './cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await TestCluster.create({ ps: 1, worker: 1 });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

/** A client: its own graph and session on the worker, a queue and an accumulator on the ps. */
function client(sharedName: string | null = 'q') {
  const g = new tf.Graph();
  const m = g.asDefault(() =>
    tf.device('/job:ps/task:0', () => {
      const q = new tf.FIFOQueue(10, ['float32'], [[2]], { sharedName, name: 'q' });
      const x = tf.placeholder(tf.float32, [2]);
      const acc = new tf.ConditionalAccumulator('float32', [2], { sharedName: 'acc' });
      const step = tf.placeholder(tf.int64, []);
      const value = tf.device('/job:worker/task:0', () => tf.multiply(q.dequeue() as tf.Tensor, 2));
      return { g, q, x, enqueue: q.enqueue(x), value, size: q.size(), acc, step, apply: acc.applyGrad(x, step), take: acc.takeGrad(2), num: acc.numAccumulated(), setStep: acc.setGlobalStep(3) };
    }),
  );
  const sess = new tf.Session({ target: cluster.target('worker', 0), graph: g });
  return { ...m, sess };
}
const i64 = (v: number) => new tf.NDArray(Float64Array.of(v), [], 'int64');
const vec = (a: number, b: number) => new tf.NDArray(Float32Array.of(a, b), [2], 'float32');

test('a dequeue waits on the ps until another client enqueues; a deadline ends a wait having taken nothing', async () => {
  const a = client();
  const b = client();
  try {
    const waiting = a.sess.run(a.value);
    await new Promise((r) => setTimeout(r, 200));
    await b.sess.run(b.enqueue, new Map([[b.x, vec(1, 2)]]));
    expect(Array.from((await waiting).data)).toEqual([2, 4]);
    // two waits of one client go out at once; the other client's runs go on meanwhile
    const both = [a.sess.run(a.value), a.sess.run(a.value)];
    await b.sess.run(b.enqueue, new Map([[b.x, vec(3, 4)]]));
    expect((await b.sess.run(b.size)).data[0]).toBeLessThanOrEqual(1);
    await b.sess.run(b.enqueue, new Map([[b.x, vec(5, 6)]]));
    const got = (await Promise.all(both)).map((v) => Array.from(v.data));
    expect(got.sort((p, q) => p[0]! - q[0]!)).toEqual([[6, 8], [10, 12]]);
    const err = await a.sess.run(a.value, undefined, new tf.RunOptions({ timeoutInMs: 300 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(tf.errors.DeadlineExceededError);
    await b.sess.run(b.enqueue, new Map([[b.x, vec(7, 8)]]));
    expect((await b.sess.run(b.size)).data[0]).toBe(1);
    expect(Array.from((await b.sess.run(b.value)).data)).toEqual([14, 16]);
  } finally {
    await a.sess.close();
    await b.sess.close();
  }
}, 60_000);

test('a take waits on the ps for num_required gradients from several clients; stale ones are dropped', async () => {
  const a = client();
  const b = client();
  try {
    await a.sess.run(a.setStep);
    const taking = a.sess.run(a.take);
    await b.sess.run(b.apply, new Map<tf.Tensor, tf.NDArray>([[b.x, vec(1, 2)], [b.step, i64(3)]]));
    // a gradient of an older step is stale: dropped
    await b.sess.run(b.apply, new Map<tf.Tensor, tf.NDArray>([[b.x, vec(100, 100)], [b.step, i64(2)]]));
    expect((await a.sess.run(a.num)).data[0]).toBe(1);
    await a.sess.run(a.apply, new Map<tf.Tensor, tf.NDArray>([[a.x, vec(3, 6)], [a.step, i64(4)]]));
    expect(Array.from((await taking).data)).toEqual([2, 4]);
    expect((await b.sess.run(b.num)).data[0]).toBe(0);
  } finally {
    await a.sess.close();
    await b.sess.close();
  }
}, 60_000);

test('closing a client session cancels its waits on the ps; a queue without shared_name is the session\'s own', async () => {
  const a = client(null);
  const b = client(null);
  const waiting = a.sess.run(a.value).catch((e: unknown) => e);
  await new Promise((r) => setTimeout(r, 200));
  await a.sess.close();
  expect(await waiting).toBeInstanceOf(tf.errors.CancelledError);
  try {
    const c = client(null);
    try {
      // one client's runs share its queue; another client's queue of the same node name is another
      await c.sess.run(c.enqueue, new Map([[c.x, vec(1, 1)]]));
      expect((await c.sess.run(c.size)).data[0]).toBe(1);
      expect((await b.sess.run(b.size)).data[0]).toBe(0);
      expect(Array.from((await c.sess.run(c.value)).data)).toEqual([2, 2]);
    } finally {
      await c.sess.close();
    }
  } finally {
    await b.sess.close();
  }
}, 60_000);
