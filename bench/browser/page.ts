// The browser benchmark's page: one MLP 784-256-10 SGD training step at batch 128 (as
// bench/cases/mlp.ts) with ?impl=tsflow&threads=N (tsflow's CPU device: Web Workers when the page
// is cross-origin isolated) or ?impl=tfjs-wasm&threads=N (TensorFlow.js's WebAssembly backend,
// threaded SIMD build when isolated). While the timed steps run, a 1 ms setInterval measures the
// longest main-thread stall. The result lands in window.benchResult.
import type * as TF from '../../src/index.js';
import { median, randomData } from '../lib/child.js';
import type { Tfjs } from '../lib/tfjs.js';
import { tfjsMlpStep } from '../lib/tfjs-mlp.js';

const params = new URLSearchParams(location.search);
const impl = params.get('impl') ?? 'tsflow';
const threads = Number(params.get('threads') ?? 2);
const minMs = Number(params.get('min-ms') ?? 1500);
const B = 128, IN = 784, H = 256, OUT = 10;
const labels = Int32Array.from({ length: B }, (_, i) => (i * 7) % OUT);
const w = window as unknown as { benchResult?: Record<string, unknown>; benchError?: string };

/** Steps until minMs and 20 reps; the longest gap between ticks of a 1 ms timer meanwhile. */
async function measure(step: () => Promise<unknown>, warm: number): Promise<Record<string, number>> {
  for (let i = 0; i < warm; i++) await step();
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 20 || performance.now() - start < minMs) {
    const t0 = performance.now();
    await step();
    samples.push(performance.now() - t0);
  }
  // one more turn of the event loop, so a loop that never yielded to the timer counts as one stall
  await new Promise((r) => setTimeout(r, 5));
  clearInterval(timer);
  return { ms: median(samples), reps: samples.length, stallMs: Math.max(0, longest - 1) };
}

async function tsflow(): Promise<Record<string, unknown>> {
  const bundle = './tsflow.js';
  const tf = (await import(bundle)) as typeof TF;
  const g = new tf.Graph();
  const m = g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [B, IN]);
    const y = tf.placeholder(tf.int32, [B]);
    const w1 = new tf.Variable(new tf.NDArray(randomData(IN * H, 1).map((v) => v * 0.1), [IN, H], 'float32'));
    const b1 = new tf.Variable(tf.zeros([H]));
    const w2 = new tf.Variable(new tf.NDArray(randomData(H * OUT, 2).map((v) => v * 0.1), [H, OUT], 'float32'));
    const b2 = new tf.Variable(tf.zeros([OUT]));
    const h = tf.nn.relu(tf.add(tf.matmul(x, w1), b1));
    const logits = tf.add(tf.matmul(h, w2), b2);
    const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }));
    const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
    return { x, y, loss, train, init: tf.globalVariablesInitializer() };
  });
  const sess = new tf.Session({ graph: g, threads });
  await sess.run(m.init);
  const feeds = new Map<TF.Tensor, TF.NDArray>([
    [m.x, new tf.NDArray(randomData(B * IN, 3), [B, IN], 'float32')],
    [m.y, new tf.NDArray(labels, [B], 'int32')],
  ]);
  const r = await measure(() => sess.run([m.loss, m.train], feeds), 10);
  const cpu = sess.listDevices().find((d) => d.deviceType === 'CPU') as { threads?: number } | undefined;
  return { ...r, threads: cpu?.threads ?? null, isolated: crossOriginIsolated };
}

async function tfjs(): Promise<Record<string, unknown>> {
  const bundle = './tfjs.js';
  const { tf, wasm } = (await import(bundle)) as typeof import('./tfjs-entry.js');
  wasm.setWasmPaths(new URL('./', location.href).href);
  wasm.setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to start');
  await tf.ready();
  const step = tfjsMlpStep(tf as unknown as Tfjs, B, IN, H, OUT, labels);
  const r = await measure(step, 5);
  const build = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) ? 'threaded SIMD' : (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'SIMD' : 'plain';
  return { ...r, threads: wasm.getThreadsCount(), build, isolated: crossOriginIsolated };
}

try {
  w.benchResult = impl === 'tsflow' ? await tsflow() : await tfjs();
  document.getElementById('status')!.textContent = JSON.stringify(w.benchResult);
} catch (e) {
  w.benchError = (e as Error).stack ?? String(e);
}
