/**
 * Round trip of a 10-op graph on small tensors (an [8, 8] feed), µs per run; tsflow also runs
 * it 10,000 more times and reports memory before and after (flat is the target).
 *   --impl tsflow --threads N [--threshold X] | tfjs-cpu | tfjs-wasm (eager, the same 10 ops)
 */
import { args, randomData, report, timeIt } from '../lib/child.js';

const a = args();
const impl = a.get('impl')!;
const threads = Number(a.get('threads') ?? 1);
const threshold = a.has('threshold') ? Number(a.get('threshold')) : undefined;
const minMs = Number(a.get('min-ms') ?? 1000);
const memRuns = Number(a.get('mem-runs') ?? 10_000);
const N = 8;
const xData = randomData(N * N, 1);
const wData = randomData(N * N, 2);

const gc = (globalThis as { gc?: () => void }).gc;
function memory(heapBytes: number): Record<string, number> {
  gc?.();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, rss: m.rss, deviceHeap: heapBytes };
}

async function tsflow(): Promise<void> {
  const { tf, poolReady, cpuDeviceOf } = await import('../lib/tsflow.js');
  const g = new tf.Graph();
  const m = g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [N, N]);
    const w = tf.constant(new tf.NDArray(wData, [N, N], 'float32'));
    let y = tf.matmul(x, w); // 1
    y = tf.add(y, 1); // 2
    y = tf.nn.relu(y); // 3
    y = tf.multiply(y, x); // 4
    y = tf.subtract(y, 0.5); // 5
    y = tf.tanh(y); // 6
    y = tf.square(y); // 7
    y = tf.add(y, x); // 8
    y = tf.transpose(y); // 9
    y = tf.reduceSum(y, 1); // 10
    return { x, y };
  });
  const sess = new tf.Session({ graph: g, threads, ...(threshold !== undefined ? { parallelThreshold: threshold } : {}) });
  const feeds = new Map([[m.x, new tf.NDArray(xData, [N, N], 'float32')]]);
  const run = () => sess.run(m.y, feeds);
  await run();
  await poolReady(sess);
  const t = await timeIt(run, { warm: 200, minReps: 1000, minMs });
  const device = cpuDeviceOf(sess);
  for (let i = 0; i < 1000; i++) await run();
  const before = memory(device.heap.bytes);
  for (let i = 0; i < memRuns; i++) await run();
  const after = memory(device.heap.bytes);
  report({ us: t.median * 1000, reps: t.reps, memory: { runs: memRuns, before, after } });
}

async function tfjs(backend: 'cpu' | 'wasm'): Promise<void> {
  const { loadTfjs } = await import('../lib/tfjs.js');
  const tf = await loadTfjs(backend);
  const w = tf.tensor2d(wData, [N, N]);
  const run = async () => {
    const out = tf.tidy(() => {
      const x = tf.tensor2d(xData, [N, N]);
      let y = tf.matMul(x, w);
      y = tf.add(y, 1);
      y = tf.relu(y);
      y = tf.mul(y, x);
      y = tf.sub(y, 0.5);
      y = tf.tanh(y);
      y = tf.square(y);
      y = tf.add(y, x);
      y = tf.transpose(y);
      return tf.sum(y, 1);
    });
    await out.data();
    out.dispose();
  };
  const t = await timeIt(run, { warm: 200, minReps: 1000, minMs });
  report({ us: t.median * 1000, reps: t.reps });
}

if (impl === 'tsflow') await tsflow();
else await tfjs(impl === 'tfjs-cpu' ? 'cpu' : 'wasm');
process.exit(0);
