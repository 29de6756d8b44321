/**
 * One between-graph replica of the distributed MNIST test, run as its own process:
 * `mnist-client.ts --cluster JSON --task I --replicas N`. It builds the whole model with
 * replicaDeviceSetter (variables on the ps tasks, compute on its worker), connects to its worker;
 * the chief (task 0) initializes, the others wait until reportUninitializedVariables is empty;
 * then it trains its share of the steps (batches I, I+N, I+2N, …) and prints its last loss.
 */
import { parseArgs } from 'node:util';
import '../../src/ops/control-flow/index.js';
import * as tf from '../../src/index.js';
import { STEPS, batch, buildModel } from './mnist-model.js';

const { values } = parseArgs({ options: { cluster: { type: 'string' }, task: { type: 'string' }, replicas: { type: 'string' }, hold: { type: 'boolean' } } });
const cluster = new tf.train.ClusterSpec(JSON.parse(values.cluster!) as Record<string, string[]>);
const task = Number(values.task);
const replicas = Number(values.replicas ?? 1);

const g = new tf.Graph();
const m = g.asDefault(() => tf.device(tf.train.replicaDeviceSetter({ cluster, workerDevice: `/job:worker/task:${task}` }), buildModel));
const sess = new tf.Session({ target: `grpc://${cluster.taskAddress('worker', task)}`, graph: g });
if (task === 0) await sess.run(m.init);
else while ((await sess.run(m.uninitialized)).size > 0) await new Promise((r) => setTimeout(r, 50));
console.log('initialized');
if (values.hold) {
  // stays connected until killed (the test of a client that goes away)
  await sess.run(m.train, new Map([[m.x, batch(0).images], [m.y, batch(0).labels]]));
  console.log('holding');
  await new Promise(() => undefined);
}
let loss = NaN;
for (let k = task; k < STEPS; k += replicas) {
  const b = batch(k);
  const [l] = await sess.run([m.loss, m.train], new Map([[m.x, b.images], [m.y, b.labels]]));
  loss = l.data[0] as number;
}
console.log(JSON.stringify({ task, loss, stats: sess.distributedStats }));
await sess.close();
