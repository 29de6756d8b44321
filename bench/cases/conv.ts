/**
 * A conv2d layer forward + backward: x [32, 28, 28, 8], filter [3, 3, 8, 16], SAME, stride 1,
 * loss = sum(relu(conv)); gradients for x and the filter, ms per step (and GFLOP/s, counting
 * 3 × the forward's multiply-adds).
 *   --impl tsflow --threads N | tfjs-cpu | tfjs-wasm
 */
import { args, randomData, report, timeIt } from '../lib/child.js';

const a = args();
const impl = a.get('impl')!;
const threads = Number(a.get('threads') ?? 1);
const minMs = Number(a.get('min-ms') ?? 1500);
const [N, H, W, C, K, O] = [32, 28, 28, 8, 3, 16];
const flops = 3 * 2 * N * H * W * K * K * C * O;
const xData = randomData(N * H * W * C, 1);
const fData = randomData(K * K * C * O, 2).map((v) => v * 0.3);

async function tsflow(): Promise<number> {
  const { tf, poolReady } = await import('../lib/tsflow.js');
  const g = new tf.Graph();
  const m = g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [N, H, W, C]);
    const f = tf.placeholder(tf.float32, [K, K, C, O]);
    const loss = tf.reduceSum(tf.nn.relu(tf.nn.conv2d(x, f, 1, 'SAME')));
    const [dx, df] = tf.gradients(loss, [x, f]);
    return { x, f, loss, dx: dx!, df: df! };
  });
  const sess = new tf.Session({ graph: g, threads });
  const feeds = new Map<import('../../src/index.js').Tensor, import('../../src/index.js').NDArray>([
    [m.x, new tf.NDArray(xData, [N, H, W, C], 'float32')],
    [m.f, new tf.NDArray(fData, [K, K, C, O], 'float32')],
  ]);
  const step = () => sess.run([m.loss, m.dx, m.df], feeds);
  await step();
  await poolReady(sess);
  return (await timeIt(step, { warm: 3, minReps: 10, minMs })).median;
}

async function tfjs(backend: 'cpu' | 'wasm'): Promise<number> {
  const { loadTfjs } = await import('../lib/tfjs.js');
  const tf = await loadTfjs(backend);
  const x = tf.tensor4d(xData, [N, H, W, C]);
  const f = tf.tensor4d(fData, [K, K, C, O]);
  const grads = tf.grads((xx, ff) => tf.sum(tf.relu(tf.conv2d(xx as never, ff as never, 1, 'same'))));
  const step = async () => {
    const [dx, df] = grads([x, f]);
    await dx!.data();
    await df!.data();
    dx!.dispose();
    df!.dispose();
  };
  const slow = backend === 'cpu';
  return (await timeIt(step, { warm: slow ? 1 : 3, minReps: slow ? 3 : 10, minMs })).median;
}

const ms = impl === 'tsflow' ? await tsflow() : await tfjs(impl === 'tfjs-cpu' ? 'cpu' : 'wasm');
report({ ms, gflops: flops / (ms * 1e6) });
process.exit(0);
