/**
 * Asynchronous between-graph data-parallel training: 1 ps + 2 worker server processes and 2
 * client processes (each its own graph and session, sharing the ps variables) train the MNIST
 * MLP to the accuracy of the same number of steps in one process.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as tf from '../../src/index.js';
import { TestCluster, finished, tsxProcess } from './cluster.js';
import { STEPS, accuracy, batch, buildModel } from './mnist-model.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await TestCluster.create({ ps: 1, worker: 2 });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

test('2 async workers reach the single-process accuracy', async () => {
  // the single-process baseline: the same steps, one after the other
  const g0 = new tf.Graph();
  const local = await g0.asDefault(async () => {
    const m = buildModel();
    const sess = new tf.Session({ graph: g0 });
    await sess.run(m.init);
    for (let k = 0; k < STEPS; k++) {
      const b = batch(k);
      await sess.run(m.train, new Map([[m.x, b.images], [m.y, b.labels]]));
    }
    const acc = await accuracy(sess, m);
    await sess.close();
    return acc;
  });
  expect(local).toBeGreaterThan(0.8);

  const clients = [0, 1].map((i) => finished(tsxProcess('test/distributed/mnist-client.ts', ['--cluster', cluster.json, '--task', String(i), '--replicas', '2']), `client ${i}`));
  const outs = await Promise.all(clients);
  const reports = outs.map((o) => JSON.parse(o.trim().split('\n').pop()!) as { loss: number; stats: { bytesSent: number } });
  for (const r of reports) expect(r.loss).toBeLessThan(1);

  // a third client (this process) reads the trained variables off the ps
  const g = new tf.Graph();
  const spec = new tf.train.ClusterSpec(JSON.parse(cluster.json) as Record<string, string[]>);
  await g.asDefault(async () => {
    const m = tf.device(tf.train.replicaDeviceSetter({ cluster: spec, workerDevice: '/job:worker/task:0' }), buildModel);
    const sess = new tf.Session({ target: cluster.target('worker', 0), graph: g });
    try {
      expect((await sess.run(m.uninitialized)).size).toBe(0);
      expect((await sess.run(m.globalStep)).data[0]).toBe(STEPS);
      const acc = await accuracy(sess, m);
      console.log(`accuracy on 1000 t10k digits: single process ${local}, 2 async workers ${acc}`);
      expect(acc).toBeGreaterThan(local - 0.03);
    } finally {
      await sess.close();
    }
  });
}, 90_000);
