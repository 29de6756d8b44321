/**
 * The MLP 784-256-10 SGD step at batch 128 fed two ways, ms per step (medians):
 *   fed       the batch of the step fed as arrays (a fixed batch, as bench/cases/mlp.ts)
 *   pipeline  the batch pulled by the step from a tf.data pipeline over 8192 examples:
 *             fromTensorSlices → shuffle(1024) → repeat → batch(128) → prefetch(1)
 * and their ratio (pipeline / fed). Both in the same process and session options.
 *   --impl tsflow --threads N
 */
import { args, randomData, report, timeIt } from '../lib/child.js';

const a = args();
const threads = Number(a.get('threads') ?? 1);
const minMs = Number(a.get('min-ms') ?? 1500);
const N = 8192, B = 128, IN = 784, H = 256, OUT = 10;

const { tf, mlpTrainStep, poolReady } = await import('../lib/tsflow.js');
const images = new tf.NDArray(randomData(N * IN, 3), [N, IN], 'float32');
const labels = new tf.NDArray(Int32Array.from({ length: N }, (_, i) => (i * 7) % OUT), [N], 'int32');

async function measure(pipeline: boolean): Promise<number> {
  const g = new tf.Graph();
  const m = g.asDefault(() => {
    let x: InstanceType<typeof tf.Tensor>, y: InstanceType<typeof tf.Tensor>;
    if (pipeline) {
      [x, y] = tf.data.Dataset.fromTensorSlices([images, labels]).shuffle(1024, { seed: 1 }).repeat().batch(B).prefetch(1).makeOneShotIterator().getNext();
    } else {
      x = tf.placeholder(tf.float32, [B, IN]);
      y = tf.placeholder(tf.int32, [B]);
    }
    return { x, y, ...mlpTrainStep(x, y, 0.1, H, OUT) };
  });
  const sess = new tf.Session({ graph: g, threads });
  await sess.run(m.init);
  const feeds = pipeline ? undefined : new Map<InstanceType<typeof tf.Tensor>, InstanceType<typeof tf.NDArray>>([
    [m.x, new tf.NDArray(images.data.slice(0, B * IN) as Float32Array, [B, IN], 'float32')],
    [m.y, new tf.NDArray(labels.data.slice(0, B) as Int32Array, [B], 'int32')],
  ]);
  const step = () => sess.run([m.loss, m.train], feeds as never);
  await step();
  await poolReady(sess);
  const t = await timeIt(step, { warm: 5, minReps: 20, minMs });
  await sess.close();
  return t.median;
}

const fed = await measure(false);
const pipe = await measure(true);
report({ fed, pipeline: pipe, ratio: pipe / fed });
