/**
 * One SGD training step of the LSTM MNIST row classifier (28 steps of 28 inputs, 128 hidden,
 * batch 128, a dense 128→10 layer, softmax cross-entropy), ms.
 *   --impl tsflow --rnn static|dynamic [--threads N | --device webgpu] | tfjs-wasm
 * tsflow: tf.contrib.rnn.BasicLSTMCell over tf.nn.staticRnn (unrolled) or tf.nn.dynamicRnn (a
 * whileLoop whose values stay in device storage: per iteration a condition plan and a body plan,
 * forward and gradient loop), the batch fed each step, on the CPU device or on WebGPU; it also
 * reports the dynamic form's cost per loop iteration (step time / 28 forward + 28 gradient
 * iterations). tfjs: tf.layers.lstm + dense with its sgd optimizer, the batch resident.
 */
import { args, randomData, report, timeIt } from '../lib/child.js';

const a = args();
const impl = a.get('impl')!;
const form = a.get('rnn') ?? 'static';
const threads = Number(a.get('threads') ?? 1);
const device = a.get('device') ?? 'cpu';
const minMs = Number(a.get('min-ms') ?? 1500);
const B = 128, T = 28, IN = 28, H = 128, OUT = 10;
const labels = Int32Array.from({ length: B }, (_, i) => (i * 7) % OUT);

async function tsflow(): Promise<void> {
  const { tf, poolReady } = await import('../lib/tsflow.js');
  const g = new tf.Graph();
  const m = g.asDefault(() => {
    tf.setRandomSeed(1);
    const x = tf.placeholder(tf.float32, [B, T, IN]);
    const y = tf.placeholder(tf.int32, [B]);
    const cell = new tf.contrib.rnn.BasicLSTMCell(H);
    let last: InstanceType<typeof tf.Tensor>;
    if (form === 'dynamic') {
      const [outputs] = tf.nn.dynamicRnn(cell, x, { dtype: tf.float32 });
      last = tf.index(outputs, ':', -1);
    } else {
      const [outputs] = tf.nn.staticRnn(cell, tf.unstack(x, T, 1), { dtype: tf.float32 });
      last = outputs[T - 1]!;
    }
    const w = new tf.Variable(new tf.NDArray(randomData(H * OUT, 2).map((v) => v * 0.1), [H, OUT], 'float32'));
    const b = new tf.Variable(tf.zeros([OUT]));
    const logits = tf.add(tf.matmul(last, w), b);
    const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }));
    const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
    return { x, y, loss, train, init: tf.globalVariablesInitializer() };
  });
  if (device === 'webgpu' && !(await tf.webgpuAvailable())) throw new Error('WebGPU: no adapter here');
  const sess = new tf.Session({ graph: g, ...(device === 'webgpu' ? { device: 'webgpu' as const } : { threads }) });
  await sess.run(m.init);
  const feeds = new Map<InstanceType<typeof tf.Tensor>, InstanceType<typeof tf.NDArray>>([
    [m.x, new tf.NDArray(randomData(B * T * IN, 3), [B, T, IN], 'float32')],
    [m.y, new tf.NDArray(labels, [B], 'int32')],
  ]);
  const step = () => sess.run([m.loss, m.train], feeds);
  await step();
  if (device === 'cpu') await poolReady(sess);
  // a software WebGPU adapter takes seconds a step: fewer repetitions there
  const t = await timeIt(step, device === 'webgpu' ? { warm: 1, minReps: 3, minMs: 0 } : { warm: 2, minReps: 5, minMs });
  report({ ms: t.median, reps: t.reps, ...(form === 'dynamic' ? { perIterationMs: t.median / (2 * T) } : {}) });
}

async function tfjs(): Promise<void> {
  const { loadTfjs } = await import('../lib/tfjs.js');
  const tf = await loadTfjs('wasm');
  const x = tf.tensor3d(randomData(B * T * IN, 3), [B, T, IN]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), OUT);
  const model = tf.sequential({
    layers: [tf.layers.lstm({ units: H, inputShape: [T, IN] }), tf.layers.dense({ units: OUT })],
  });
  const opt = tf.train.sgd(0.1);
  const step = async () => {
    const cost = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as never) as never, true)!;
    await cost.data();
    cost.dispose();
  };
  const t = await timeIt(step, { warm: 1, minReps: 3, minMs });
  report({ ms: t.median, reps: t.reps });
}

if (impl === 'tsflow') await tsflow();
else await tfjs();
process.exit(0);
