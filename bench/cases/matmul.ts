/**
 * float32 C = A·B for square sizes, GFLOP/s. One implementation per process:
 *   --impl tsflow --threads N | tfjs-cpu | tfjs-wasm | ort --threads N
 * Operands stay resident where the library allows (tsflow variables, tfjs tensors); each
 * call returns C to JS.
 */
import { args, randomData, report, timeIt } from '../lib/child.js';

const a = args();
const impl = a.get('impl')!;
const threads = Number(a.get('threads') ?? 1);
const sizes = (a.get('sizes') ?? '256,512,1024,2048').split(',').map(Number);
const minMs = Number(a.get('min-ms') ?? 1000);
/** Skip a size whose single call would take longer than this (estimated from the last one). */
const maxCallMs = Number(a.get('max-call-ms') ?? 6000);

type Runner = (n: number) => Promise<() => unknown>;

async function tsflowRunner(): Promise<Runner> {
  const { tf, poolReady } = await import('../lib/tsflow.js');
  return async (n) => {
    const g = new tf.Graph();
    const { c, init } = g.asDefault(() => {
      const A = new tf.Variable(new tf.NDArray(randomData(n * n, 1), [n, n], 'float32'));
      const B = new tf.Variable(new tf.NDArray(randomData(n * n, 2), [n, n], 'float32'));
      return { c: tf.matmul(A, B), init: tf.globalVariablesInitializer() };
    });
    const sess = new tf.Session({ graph: g, threads });
    await sess.run(init);
    await sess.run(c);
    await poolReady(sess);
    return () => sess.run(c);
  };
}

async function tfjsRunner(backend: 'cpu' | 'wasm'): Promise<Runner> {
  const { loadTfjs } = await import('../lib/tfjs.js');
  const tf = await loadTfjs(backend);
  return async (n) => {
    const A = tf.tensor2d(randomData(n * n, 1), [n, n]);
    const B = tf.tensor2d(randomData(n * n, 2), [n, n]);
    return async () => {
      const C = tf.matMul(A, B);
      await C.data();
      C.dispose();
    };
  };
}

async function ortRunner(): Promise<Runner> {
  const { createRequire } = await import('node:module');
  const ort = createRequire(import.meta.url)('onnxruntime-node') as typeof import('onnxruntime-node');
  const { matmulModel } = await import('../lib/onnx.js');
  return async (n) => {
    const session = await ort.InferenceSession.create(matmulModel(n, n, n), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
    const feeds = {
      A: new ort.Tensor('float32', randomData(n * n, 1), [n, n]),
      B: new ort.Tensor('float32', randomData(n * n, 2), [n, n]),
    };
    return () => session.run(feeds);
  };
}

const make: Runner =
  impl === 'tsflow' ? await tsflowRunner() : impl === 'tfjs-cpu' ? await tfjsRunner('cpu') : impl === 'tfjs-wasm' ? await tfjsRunner('wasm') : await ortRunner();

const results: Record<string, number | null> = {};
let lastMs = 0;
let lastN = 0;
for (const n of sizes) {
  if (lastN && lastMs * (n / lastN) ** 3 > maxCallMs) {
    results[n] = null;
    continue;
  }
  const fn = await make(n);
  const slow = lastN && lastMs * (n / lastN) ** 3 > 1000;
  const t = await timeIt(fn, { warm: slow ? 1 : 2, minReps: slow ? 1 : 3, minMs });
  results[n] = (2 * n ** 3) / (t.median * 1e6);
  lastMs = t.median;
  lastN = n;
}
report({ gflops: results });
process.exit(0);
