/**
 * One SGD training step of a 784-256-10 MLP (relu, softmax cross-entropy) at batch 128, ms.
 *   --impl tsflow --threads N | tfjs-cpu | tfjs-wasm
 * tsflow: tf.gradients through GradientDescentOptimizer.minimize, the batch fed each step;
 * tfjs: its sgd optimizer's minimize, the batch resident. Both return the loss to JS.
 * tsflow also reports its training plan's arena against the peak of live bytes.
 * TSFLOW_BENCH_FUSION=on|off sets tsflow's elementwise fusion (unset: its default).
 */
import { args, randomData, report, timeIt } from '../lib/child.js';

const a = args();
const impl = a.get('impl')!;
const threads = Number(a.get('threads') ?? 1);
const minMs = Number(a.get('min-ms') ?? 1500);
const B = 128, IN = 784, H = 256, OUT = 10;
const labels = Int32Array.from({ length: B }, (_, i) => (i * 7) % OUT);

async function tsflow(): Promise<void> {
  const { tf, mlpTrainStep, poolReady, cachedPlans } = await import('../lib/tsflow.js');
  const { arenaStats } = await import('../lib/plan-stats.js');
  const g = new tf.Graph();
  const m = g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [B, IN]);
    const y = tf.placeholder(tf.int32, [B]);
    return { x, y, ...mlpTrainStep(x, y, 0.1, H, OUT) };
  });
  // TSFLOW_BENCH_FUSION=on|off: elementwise fusion (globalJitLevel ON_1 / OFF); unset: the default
  const fusion = process.env.TSFLOW_BENCH_FUSION;
  const jit = fusion === 'on' ? 'ON_1' : fusion === 'off' ? 'OFF' : 'DEFAULT';
  const sess = new tf.Session({ graph: g, threads, graphOptions: { optimizerOptions: { globalJitLevel: jit } } });
  await sess.run(m.init);
  const feeds = new Map<InstanceType<typeof tf.Tensor>, InstanceType<typeof tf.NDArray>>([
    [m.x, new tf.NDArray(randomData(B * IN, 3), [B, IN], 'float32')],
    [m.y, new tf.NDArray(labels, [B], 'int32')],
  ]);
  const step = () => sess.run([m.loss, m.train], feeds);
  await step();
  await poolReady(sess);
  const t = await timeIt(step, { warm: 5, minReps: 20, minMs });
  const plan = cachedPlans(sess).sort((p, q) => q.steps.length - p.steps.length)[0]!;
  report({ ms: t.median, reps: t.reps, arena: arenaStats(plan), steps: plan.steps.length });
}

async function tfjs(backend: 'cpu' | 'wasm'): Promise<void> {
  const { loadTfjs } = await import('../lib/tfjs.js');
  const tf = await loadTfjs(backend);
  const { tfjsMlpStep } = await import('../lib/tfjs-mlp.js');
  const step = tfjsMlpStep(tf, B, IN, H, OUT, labels);
  const slow = backend === 'cpu';
  const t = await timeIt(step, { warm: slow ? 2 : 5, minReps: slow ? 5 : 20, minMs });
  report({ ms: t.median, reps: t.reps });
}

if (impl === 'tsflow') await tsflow();
else await tfjs(impl === 'tfjs-cpu' ? 'cpu' : 'wasm');
process.exit(0);
