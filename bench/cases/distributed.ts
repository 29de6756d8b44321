/**
 * The MLP training step of the mlp case (784-256-10, SGD, batch 128) on a cluster of
 * tsflow-server processes on loopback, against the same step in one process:
 *   --impl local            the in-process session (1 thread), ms per step
 *   --impl remote --workers 1   variables on /job:ps, the step's compute on /job:worker/task:0
 *   --impl remote --workers 2   2 replicas (2 sessions, one per worker, sharing the ps variables)
 *                               stepping concurrently: wall ms per step of both together
 * Reports ms per step, steps/s, the tensor bytes each step moves (sent + received by the client)
 * and the round trip of a one-stage run of a scalar op on the worker.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import '../../src/ops/control-flow/index.js';
import { args, randomData, report, timeIt } from '../lib/child.js';

const a = args();
const impl = a.get('impl')!;
const workers = Number(a.get('workers') ?? 1);
const minMs = Number(a.get('min-ms') ?? 1500);
const B = 128, IN = 784, H = 256, OUT = 10;
const labels = Int32Array.from({ length: B }, (_, i) => (i * 7) % OUT);
const root = fileURLToPath(new URL('../..', import.meta.url));

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

function startTask(cluster: string, job: string, task: number): Promise<ChildProcess> {
  const p = spawn(process.execPath, ['--import', 'tsx', 'src/distributed/cli.ts', '--cluster', cluster, '--job', job, '--task', String(task), '--threads', '1'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    p.stdout!.on('data', (d: Buffer) => d.toString().includes('Started server') && resolve(p));
    p.on('exit', (c) => reject(new Error(`${job}:${task} exited ${c}`)));
  });
}

const { tf } = await import('../lib/tsflow.js');

function build(device: (<T>(f: () => T) => T) | null) {
  const on = device ?? (<T>(f: () => T) => f());
  return on(() => {
    const x = tf.placeholder(tf.float32, [B, IN]);
    const y = tf.placeholder(tf.int32, [B]);
    const w1 = new tf.Variable(new tf.NDArray(randomData(IN * H, 1).map((v) => v * 0.1), [IN, H], 'float32'), { name: 'w1' });
    const b1 = new tf.Variable(tf.zeros([H]), { name: 'b1' });
    const w2 = new tf.Variable(new tf.NDArray(randomData(H * OUT, 2).map((v) => v * 0.1), [H, OUT], 'float32'), { name: 'w2' });
    const b2 = new tf.Variable(tf.zeros([OUT]), { name: 'b2' });
    const h = tf.nn.relu(tf.add(tf.matmul(x, w1), b1));
    const logits = tf.add(tf.matmul(h, w2), b2);
    const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }));
    const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
    return { x, y, loss, train, init: tf.globalVariablesInitializer() };
  });
}

const feedsOf = (m: ReturnType<typeof build>) =>
  new Map<InstanceType<typeof tf.Tensor>, InstanceType<typeof tf.NDArray>>([
    [m.x, new tf.NDArray(randomData(B * IN, 3), [B, IN], 'float32')],
    [m.y, new tf.NDArray(labels, [B], 'int32')],
  ]);

if (impl === 'local') {
  const g = new tf.Graph();
  const m = g.asDefault(() => build(null));
  const sess = new tf.Session({ graph: g, threads: 1 });
  await sess.run(m.init);
  const feeds = feedsOf(m);
  const t = await timeIt(() => sess.run([m.loss, m.train], feeds), { warm: 5, minReps: 20, minMs });
  report({ ms: t.median, stepsPerS: 1000 / t.median, kbPerStep: 0 });
  process.exit(0);
}

const spec = { ps: [`127.0.0.1:${await freePort()}`], worker: [] as string[] };
for (let i = 0; i < workers; i++) spec.worker.push(`127.0.0.1:${await freePort()}`);
const json = JSON.stringify(spec);
const procs = await Promise.all([startTask(json, 'ps', 0), ...spec.worker.map((_, i) => startTask(json, 'worker', i))]);
try {
  const cluster = new tf.train.ClusterSpec(spec);
  const replicas = spec.worker.map((addr, i) => {
    const g = new tf.Graph();
    const m = g.asDefault(() => build((f) => tf.device(tf.train.replicaDeviceSetter({ cluster, workerDevice: `/job:worker/task:${i}` }), f)));
    return { m, feeds: feedsOf(m), sess: new tf.Session({ target: `grpc://${addr}`, graph: g }) };
  });
  await replicas[0]!.sess.run(replicas[0]!.m.init);
  const stepAll = () => Promise.all(replicas.map((r) => r.sess.run([r.m.loss, r.m.train], r.feeds)));
  const t = await timeIt(stepAll, { warm: 5, minReps: 20, minMs });
  const s = replicas[0]!.sess.distributedStats!;
  // one RunGraph round trip: a scalar op on the worker
  const r0 = replicas[0]!;
  const tiny = r0.sess.graph.asDefault(() => tf.device('/job:worker/task:0', () => tf.add(tf.constant(1), 1)));
  const rtt = await timeIt(() => r0.sess.run(tiny), { warm: 5, minReps: 50, minMs: 500 });
  const perStep = (s.bytesSent + s.bytesReceived) / s.steps;
  // wall time per step: `workers` steps complete per call
  report({ rttMs: rtt.median, ms: t.median / workers, stepsPerS: (1000 * workers) / t.median, kbPerStep: perStep / 1024, callsPerStep: s.calls / s.steps });
  for (const r of replicas) await r.sess.close();
} finally {
  for (const p of procs) p.kill('SIGKILL');
}
process.exit(0);
