/**
 * Synchronous between-graph training (TF 1.15's mnist_replica.py --sync_replicas): 1 ps + 2
 * worker server processes and 2 client processes, each a MonitoredTrainingSession with its
 * SyncReplicasOptimizer hook (the chief's starts the queue runner that aggregates the 2
 * replicas' gradients on the ps), train the MNIST MLP to the accuracy band of one process.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as tf from '../../src/index.js';
import { TestCluster, finished, tsxProcess } from './cluster.js';
import { BATCH, accuracy, batch, buildModel } from './mnist-model.js';

const SYNC_STEPS = 100;

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await TestCluster.create({ ps: 1, worker: 2 });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

test('2 sync replicas reach the single-process accuracy; the global step counts aggregated steps', async () => {
  // the single-process baseline: what the aggregated step is, SGD on the mean gradient of the
  // two replicas' batches (2k and 2k+1: one batch of twice the rows), SYNC_STEPS times
  const g0 = new tf.Graph();
  const local = await g0.asDefault(async () => {
    const m = buildModel();
    const sess = new tf.Session({ graph: g0 });
    await sess.run(m.init);
    for (let k = 0; k < SYNC_STEPS; k++) {
      const [a, b] = [batch(2 * k), batch(2 * k + 1)];
      const images = new tf.NDArray(Float32Array.from([...(a.images.data as Float32Array), ...(b.images.data as Float32Array)]), [2 * BATCH, 784], 'float32');
      const labels = new tf.NDArray(Int32Array.from([...(a.labels.data as Int32Array), ...(b.labels.data as Int32Array)]), [2 * BATCH], 'int32');
      await sess.run(m.train, new Map<tf.Tensor, tf.NDArray>([[m.x, images], [m.y, labels]]));
    }
    const acc = await accuracy(sess, m);
    await sess.close();
    return acc;
  });
  expect(local).toBeGreaterThan(0.8);

  const args = (i: number) => ['--cluster', cluster.json, '--task', String(i), '--replicas', '2', '--steps', String(SYNC_STEPS)];
  const outs = await Promise.all([0, 1].map((i) => finished(tsxProcess('test/distributed/mnist-sync-client.ts', args(i)), `sync replica ${i}`)));
  const reports = outs.map((o) => JSON.parse(o.trim().split('\n').pop()!) as { task: number; localStep: number; globalStep: number; loss: number; ms: number; bytesSent: number; bytesReceived: number; calls: number });
  for (const r of reports) {
    const per = (x: number) => (x / r.localStep).toFixed(0);
    console.log(`replica ${r.task}: ${r.localStep} steps to global step ${r.globalStep}, ${(r.ms / r.localStep).toFixed(1)} ms a step, per step ${per(r.bytesSent)} B sent, ${per(r.bytesReceived)} B received, ${(r.calls / r.localStep).toFixed(2)} calls`);
  }
  for (const r of reports) {
    expect(r.loss).toBeLessThan(1);
    expect(r.globalStep).toBeGreaterThanOrEqual(SYNC_STEPS);
  }
  // every aggregated step took 2 gradients; the rounds after the init tokens were stale
  const applied = reports.reduce((a, r) => a + r.localStep, 0);
  expect(applied).toBeGreaterThanOrEqual(2 * SYNC_STEPS);

  // a third client (this process) reads the trained variables off the ps
  const g = new tf.Graph();
  const spec = new tf.train.ClusterSpec(JSON.parse(cluster.json) as Record<string, string[]>);
  await g.asDefault(async () => {
    const m = tf.device(tf.train.replicaDeviceSetter({ cluster: spec, workerDevice: '/job:worker/task:0' }), () => buildModel());
    const sess = new tf.Session({ target: cluster.target('worker', 0), graph: g });
    try {
      const step = (await sess.run(m.globalStep)).data[0] as number;
      // the global step moves only with an aggregated step: the last one a replica saw, or one more
      expect(step).toBeGreaterThanOrEqual(SYNC_STEPS);
      expect(step).toBeLessThanOrEqual(SYNC_STEPS + 1);
      const acc = await accuracy(sess, m);
      console.log(`accuracy on 1000 t10k digits: single process ${local}, 2 sync replicas ${acc} (global step ${step})`);
      expect(acc).toBeGreaterThan(local - 0.03);
    } finally {
      await sess.close();
    }
  });
}, 180_000);
