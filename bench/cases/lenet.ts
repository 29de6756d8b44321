/**
 * One training step of TF's mnist_deep.py CNN at batch 50, ms: x [50, 784] reshaped to
 * [50, 28, 28, 1]; conv 5×5×32 + bias + relu, 2×2 max pool; conv 5×5×64 + bias + relu, 2×2 max
 * pool; fully connected 3136 → 1024 + relu, dropout 0.5; 1024 → 10; softmax cross-entropy;
 * Adam 1e-4. The batch is fed each step and the loss returned to JS.
 *   --impl tsflow --threads N
 * TSFLOW_BENCH_FUSION=on|off sets tsflow's elementwise fusion (unset: its default).
 */
import { args, randomData, report, timeIt } from '../lib/child.js';

const a = args();
const threads = Number(a.get('threads') ?? 1);
const minMs = Number(a.get('min-ms') ?? 3000);
const B = 50;
const labels = Int32Array.from({ length: B }, (_, i) => (i * 7) % 10);

const { tf, poolReady } = await import('../lib/tsflow.js');
const g = new tf.Graph();
const m = g.asDefault(() => {
  const x = tf.placeholder(tf.float32, [B, 784]);
  const y = tf.placeholder(tf.int32, [B]);
  const weight = (shape: number[]) => new tf.Variable(tf.truncatedNormal(shape, { stddev: 0.1, seed: shape.length + shape[shape.length - 1]! }));
  const bias = (n: number) => new tf.Variable(tf.fill([n], 0.1));
  const conv = (inp: InstanceType<typeof tf.Tensor>, k: number, cin: number, cout: number) =>
    tf.nn.maxPool(tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(inp, weight([k, k, cin, cout]), [1, 1, 1, 1], 'SAME'), bias(cout))), [1, 2, 2, 1], [1, 2, 2, 1], 'SAME');
  const h2 = conv(conv(tf.reshape(x, [-1, 28, 28, 1]), 5, 1, 32), 5, 32, 64);
  const fc1 = tf.nn.relu(tf.add(tf.matmul(tf.reshape(h2, [-1, 7 * 7 * 64]), weight([3136, 1024])), bias(1024)));
  const drop = tf.nn.dropout(fc1, { keepProb: 0.5, seed: 1 });
  const logits = tf.add(tf.matmul(drop, weight([1024, 10])), bias(10));
  const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }));
  const train = new tf.train.AdamOptimizer(1e-4).minimize(loss);
  return { x, y, loss, train, init: tf.globalVariablesInitializer() };
});
const fusion = process.env.TSFLOW_BENCH_FUSION;
const jit = fusion === 'on' ? 'ON_1' : fusion === 'off' ? 'OFF' : 'DEFAULT';
const sess = new tf.Session({ graph: g, threads, graphOptions: { optimizerOptions: { globalJitLevel: jit } } });
await sess.run(m.init);
const feeds = new Map<InstanceType<typeof tf.Tensor>, InstanceType<typeof tf.NDArray>>([
  [m.x, new tf.NDArray(randomData(B * 784, 5).map((v) => Math.abs(v)), [B, 784], 'float32')],
  [m.y, new tf.NDArray(labels, [B], 'int32')],
]);
const step = () => sess.run([m.loss, m.train], feeds);
await step();
await poolReady(sess);
const t = await timeIt(step, { warm: 2, minReps: 5, minMs });
report({ ms: t.median, reps: t.reps, steps: sess.stats.stepsAfterFusion });
process.exit(0);
