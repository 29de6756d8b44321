/** ClusterSpec, replicaDeviceSetter, Server and Session-target argument handling (no processes). */
import { describe, expect, test } from 'vitest';
import * as tf from '../../src/index.js';

describe('tf.train.ClusterSpec', () => {
  test('jobs, tasks and addresses', () => {
    const c = new tf.train.ClusterSpec({ worker: ['w0:2222', 'w1:2222'], ps: ['ps0:2222'] });
    expect(c.jobs).toEqual(['ps', 'worker']);
    expect(c.numTasks('worker')).toBe(2);
    expect(c.taskIndices('worker')).toEqual([0, 1]);
    expect(c.taskAddress('worker', 1)).toBe('w1:2222');
    expect(c.asDict()).toEqual({ ps: ['ps0:2222'], worker: ['w0:2222', 'w1:2222'] });
    expect(c.asClusterDef()).toEqual({ job: [{ name: 'ps', tasks: { 0: 'ps0:2222' } }, { name: 'worker', tasks: { 0: 'w0:2222', 1: 'w1:2222' } }] });
    expect(new tf.train.ClusterSpec(c).equals(c)).toBe(true);
    expect(new tf.train.ClusterSpec(c.asClusterDef()).asDict()).toEqual(c.asDict());
    const sparse = new tf.train.ClusterSpec({ worker: { 1: 'w1:2222', 3: 'w3:2222' } });
    expect(sparse.asDict()).toEqual({ worker: { 1: 'w1:2222', 3: 'w3:2222' } });
    expect(sparse.jobTasks('worker')).toEqual([null, 'w1:2222', null, 'w3:2222']);
    expect(sparse.numTasks('worker')).toBe(2);
  });
  test("TF1's errors", () => {
    const c = new tf.train.ClusterSpec({ ps: ['a:1'] });
    expect(() => c.numTasks('worker')).toThrow("No such job in cluster: 'worker'");
    expect(() => c.taskAddress('ps', 3)).toThrow("No task with index 3 in job 'ps'");
    expect(() => new tf.train.ClusterSpec(['a:1'] as never)).toThrow('`cluster` must be a dictionary mapping one or more job names to lists of network addresses, or a `ClusterDef` protocol buffer');
    expect(() => new tf.train.ClusterSpec({ ps: 'a:1' } as never)).toThrow("The tasks for job 'ps' must be a list or a dictionary from integers to strings.");
    expect(() => new tf.train.ClusterSpec({ ps: [3] } as never)).toThrow('Task address 3 must be bytes or unicode');
  });
});

describe('tf.train.replicaDeviceSetter', () => {
  test('variables round-robin over the ps tasks, other ops on the worker device, own fields kept', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const cluster = { ps: ['p0:1', 'p1:1'], worker: ['w0:1'] };
      tf.device(tf.train.replicaDeviceSetter({ cluster, workerDevice: '/job:worker/task:0' }), () => {
        const a = new tf.Variable([1], { name: 'a' });
        const b = new tf.Variable([1], { name: 'b' });
        const c = new tf.Variable([1], { name: 'c' });
        const y = tf.add(a, b);
        const z = tf.device('/device:GPU:0', () => tf.multiply(y, c));
        expect([a, b, c].map((v) => v.op.device)).toEqual(['/job:ps/task:0', '/job:ps/task:1', '/job:ps/task:0']);
        expect(y.op.device).toBe('/job:worker/task:0');
        expect(z.op.device).toBe('/job:worker/task:0/device:GPU:0');
      });
    });
    expect(tf.train.replicaDeviceSetter({ cluster: { worker: ['w:1'] } })).toBeNull();
    expect(tf.train.replicaDeviceSetter(0)).toBeNull();
    // positional, as TF1: (ps_tasks, ps_device, worker_device)
    const f = tf.train.replicaDeviceSetter(3, '/job:ps', '/job:worker/task:2')!;
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.device(f, () => {
      const vs = [0, 1, 2, 3].map((i) => new tf.Variable([i]));
      expect(vs.map((v) => v.op.device)).toEqual(['/job:ps/task:0', '/job:ps/task:1', '/job:ps/task:2', '/job:ps/task:0']);
    }));
  });
});

describe('Server and Session targets', () => {
  test('TF1 argument errors', () => {
    const cluster = { ps: ['127.0.0.1:1'], worker: ['127.0.0.1:2', '127.0.0.1:3'] };
    expect(() => new tf.train.Server(cluster, { start: false })).toThrow('Must specify an explicit `job_name`.');
    expect(() => new tf.train.Server(cluster, { jobName: 'worker', start: false })).toThrow('Must specify an explicit `task_index`.');
    expect(() => new tf.train.Server(cluster, { jobName: 'worker', taskIndex: 1, protocol: 'grpc+verbs', start: false })).toThrow('No server factory registered');
    const s = new tf.train.Server(cluster, 'worker', 1, null, null, false);
    expect(s.target).toBe('grpc://127.0.0.1:3');
    expect(() => new tf.Session('foo')).toThrow('No session factory registered for the given session options: {target: "foo" config: } Registered factories are {DIRECT_SESSION, GRPC_SESSION}.');
  });

  test('an in-process server (createLocalServer) runs a session over gRPC', async () => {
    const server = await tf.train.Server.createLocalServer();
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const v = new tf.Variable([1, 2], { name: 'v' });
      const sess = new tf.Session(server.target, g);
      try {
        expect(server.target).toMatch(/^grpc:\/\/localhost:\d+$/);
        expect((await sess.run(tf.isVariableInitialized(v))).data[0]).toBe(0);
        await sess.run(v.initializer);
        expect((await sess.run(tf.isVariableInitialized(v))).data[0]).toBe(1);
        expect(Array.from((await sess.run(tf.multiply(v, 2))).data)).toEqual([2, 4]);
        expect(() => sess.runSync(v)).toThrow('runSync cannot run a session with a grpc:// target');
      } finally {
        await sess.close();
        await server.stop();
      }
      await server.join();
    });
  });

  test('isVariableInitialized / reportUninitializedVariables in one process', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const a = new tf.Variable([1], { name: 'a' });
      const b = new tf.Variable([2], { name: 'b' });
      const report = tf.reportUninitializedVariables();
      const sess = new tf.Session({ graph: g });
      expect((await sess.run(report)).toArray()).toEqual(['a', 'b']);
      await sess.run(b.initializer);
      expect((await sess.run(report)).toArray()).toEqual(['a']);
      expect((await sess.run([tf.isVariableInitialized(a), tf.isVariableInitialized(b)])).map((x) => x.data[0])).toEqual([0, 1]);
      await sess.run(a.initializer);
      expect((await sess.run(report)).shape).toEqual([0]);
      await sess.close();
    });
  });
});
