/**
 * Faults on a real cluster: a task that dies fails the steps that need it with an
 * UnavailableError naming it, and a new process for the task serves the next step (the ps kept
 * the variables); a task that stops answering fails the step at its deadline; a client process
 * that goes away has its partitions released by the tasks.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as tf from '../../src/index.js';
import { taskStatus } from '../../src/distributed/status.js';
import { TestCluster, tsxProcess, waitFor } from './cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await TestCluster.create({ ps: 1, worker: 2 });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

function model() {
  const v = tf.device('/job:ps/task:0', () => new tf.Variable([1, 2], { name: 'v' }));
  const y = tf.device('/job:worker/task:1', () => tf.multiply(v, 3));
  const step = tf.device('/job:ps/task:0', () => v.assignAdd([1, 1]));
  return { v, y, step };
}

/** Retry while the task's new process is still coming up (UnavailableError), a bounded number of times. */
async function whenBack<T>(f: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (!(e instanceof tf.errors.UnavailableError) || i >= 50) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

test('a dead worker fails the step with UnavailableError naming it; a new worker process takes over', async () => {
  const g = new tf.Graph();
  await g.asDefault(async () => {
    const m = model();
    const sess = new tf.Session({ target: cluster.target('worker', 0), graph: g });
    try {
      await sess.run(m.v.initializer);
      expect(Array.from((await sess.run(m.y)).data)).toEqual([3, 6]);
      await sess.run(m.step);
      await cluster.kill('worker', 1);
      const err = await sess.run(m.y).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(tf.errors.UnavailableError);
      expect((err as Error).message).toContain('/job:worker/replica:0/task:1');
      // steps that do not need the dead task still run
      expect(Array.from((await sess.run(m.v)).data)).toEqual([2, 3]);
      await cluster.start('worker', 1);
      expect(Array.from((await whenBack(() => sess.run(m.y))).data)).toEqual([6, 9]);
    } finally {
      await sess.close();
    }
  });
}, 60_000);

test('a task that does not answer fails the step at its deadline (RunOptions timeoutInMs, ConfigProto operationTimeoutInMs)', async () => {
  const g = new tf.Graph();
  await g.asDefault(async () => {
    const a = tf.device('/job:worker/task:1', () => tf.add(tf.constant([1]), 1));
    const sess = new tf.Session({ target: cluster.target('worker', 0), graph: g, config: { operationTimeoutInMs: 500 } });
    const pid = cluster.procs.get('worker/1')!.pid!;
    try {
      expect(Array.from((await sess.run(a)).data)).toEqual([2]);
      process.kill(pid, 'SIGSTOP');
      await expect(sess.run(a, undefined, new tf.RunOptions({ timeoutInMs: 300 }))).rejects.toThrow(tf.errors.DeadlineExceededError);
      await expect(sess.run(a)).rejects.toThrow(/Timed out waiting for \/job:worker\/replica:0\/task:1/);
      process.kill(pid, 'SIGCONT');
      expect(Array.from((await sess.run(a)).data)).toEqual([2]);
    } finally {
      process.kill(pid, 'SIGCONT');
      await sess.close();
    }
  });
}, 30_000);

test('a client process that goes away releases its partitions on the tasks', async () => {
  const client = tsxProcess('test/distributed/mnist-client.ts', ['--cluster', cluster.json, '--task', '0', '--replicas', '1', '--hold']);
  await waitFor(client, /holding/, 'client');
  const held = await taskStatus(cluster.target('ps', 0));
  expect(held.sessions).toBeGreaterThan(0);
  expect(held.partitions).toBeGreaterThan(0);
  client.kill('SIGKILL');
  let st = held;
  for (let i = 0; i < 100 && st.sessions > 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    st = await taskStatus(cluster.target('ps', 0));
  }
  expect(st.sessions).toBe(0);
  expect(st.partitions).toBe(0);
  // the variables stay with the task
  expect(st.variables).toBeGreaterThan(0);
}, 60_000);
