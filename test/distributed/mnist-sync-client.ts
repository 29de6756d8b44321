/**
 * One replica of the synchronous distributed MNIST test, run as its own process, as TF 1.15's
 * mnist_replica.py --sync_replicas: `mnist-sync-client.ts --cluster JSON --task I --replicas N
 * --steps S`. It builds the model with replicaDeviceSetter and a SyncReplicasOptimizer
 * (replicasToAggregate = totalNumReplicas = N), opens a MonitoredTrainingSession on its worker
 * (task 0 the chief, whose hook starts the queue runner that aggregates and hands out tokens),
 * and trains on its share of the batches (I, I+N, I+2N, …) until the global step reaches S.
 */
import { parseArgs } from 'node:util';
import * as tf from '../../src/index.js';
import { batch, buildModel } from './mnist-model.js';

const { values } = parseArgs({ options: { cluster: { type: 'string' }, task: { type: 'string' }, replicas: { type: 'string' }, steps: { type: 'string' }, lr: { type: 'string' } } });
const cluster = new tf.train.ClusterSpec(JSON.parse(values.cluster!) as Record<string, string[]>);
const task = Number(values.task);
const replicas = Number(values.replicas ?? 2);
const steps = Number(values.steps ?? 100);
const isChief = task === 0;
type Wire = NonNullable<tf.Session['distributedStats']>;

const g = new tf.Graph();
let sync!: tf.train.SyncReplicasOptimizer;
const m = g.asDefault(() =>
  tf.device(tf.train.replicaDeviceSetter({ cluster, workerDevice: `/job:worker/task:${task}` }), () =>
    buildModel((loss, globalStep) => {
      sync = new tf.train.SyncReplicasOptimizer(new tf.train.GradientDescentOptimizer(Number(values.lr ?? 0.3)), replicas, { totalNumReplicas: replicas, name: 'mnist_sync_replicas' });
      return sync.minimize(loss, { globalStep });
    }),
  ),
);
// tokens a replica leaves when it stops, so one still waiting for the step nobody else will
// aggregate gets its token and sees the last global step
const release = g.asDefault(() => sync.getInitTokensOp(replicas));
/** Keeps the raw session the MonitoredTrainingSession creates (for its wire counts). */
class RawSessionHook extends tf.train.SessionRunHook {
  session: tf.Session | null = null;
  override afterCreateSession(session: tf.Session): void {
    this.session = session;
  }
}
const raw = new RawSessionHook();
const hooks = [sync.makeSessionRunHook(isChief), raw];
let localStep = 0;
let loss = NaN;
let globalStep = 0;
let t0 = 0;
let wire0: Wire | null = null;
let wire: Wire | null = null;
await g.asDefault(async () => {
  const sess = tf.train.MonitoredTrainingSession({ master: `grpc://${cluster.taskAddress('worker', task)}`, isChief, hooks, stopGracePeriodSecs: 1 });
  await sess.run(m.globalStep);
  console.log('initialized');
  wire0 = raw.session!.distributedStats;
  t0 = performance.now();
  for (;;) {
    const b = batch(task + replicas * localStep);
    const [l, , s] = await sess.run([m.loss, m.train, m.globalStep], new Map([[m.x, b.images], [m.y, b.labels]]));
    loss = l.data[0] as number;
    globalStep = s.data[0] as number;
    localStep++;
    if (globalStep >= steps) break;
  }
  const ms = performance.now() - t0;
  wire = raw.session!.distributedStats;
  await sess.run(release);
  await sess.close();
  // what this replica's session moved while training (the chief's includes its queue runner's sync steps)
  const d = (k: keyof Wire) => wire![k] - wire0![k];
  console.log(JSON.stringify({ task, localStep, globalStep, loss, ms, calls: d('calls'), bytesSent: d('bytesSent'), bytesReceived: d('bytesReceived'), runs: d('steps') }));
});
