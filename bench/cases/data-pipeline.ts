/**
 * The MLP 784-256-10 SGD step at batch 128 over 8192 examples, fed three ways, ms per step:
 *   fed         hand-fed: each step feeds the next 128 rows of the arrays (views, no copy)
 *               through a feed dict, as a TF1 program slicing its numpy arrays does
 *   pipeline    the step pulls its batch from a tf.data pipeline:
 *               fromTensorSlices → shuffle(1024) → repeat → batch(128) → prefetch(1)
 *   noPrefetch  the same pipeline with prefetch(0) (each batch made when the step asks)
 * and the ratios pipeline / fed and noPrefetch / fed. The three sessions live in one process
 * and are measured in alternation, `--rounds` rounds of `--min-ms` each; each figure is the
 * median over rounds of the round's median step.
 *   --impl tsflow --threads N [--min-ms 1500] [--rounds 5]
 */
import { args, median, randomData, report, timeIt } from '../lib/child.js';

const a = args();
const threads = Number(a.get('threads') ?? 1);
const minMs = Number(a.get('min-ms') ?? 1500);
const rounds = Number(a.get('rounds') ?? 5);
const N = 8192, B = 128, IN = 784, H = 256, OUT = 10;

const { tf, mlpTrainStep, poolReady } = await import('../lib/tsflow.js');
type T = InstanceType<typeof tf.Tensor>;
const images = new tf.NDArray(randomData(N * IN, 3), [N, IN], 'float32');
const labels = new tf.NDArray(Int32Array.from({ length: N }, (_, i) => (i * 7) % OUT), [N], 'int32');

async function build(kind: 'fed' | 'pipeline' | 'noPrefetch'): Promise<{ step: () => Promise<unknown>; close: () => Promise<void> }> {
  const g = new tf.Graph();
  const m = g.asDefault(() => {
    let x: T, y: T;
    if (kind === 'fed') {
      x = tf.placeholder(tf.float32, [B, IN]);
      y = tf.placeholder(tf.int32, [B]);
    } else {
      const ds = tf.data.Dataset.fromTensorSlices([images, labels]).shuffle(1024, { seed: 1 }).repeat().batch(B).prefetch(kind === 'pipeline' ? 1 : 0);
      [x, y] = ds.makeOneShotIterator().getNext() as [T, T];
    }
    return { x, y, ...mlpTrainStep(x, y, 0.1, H, OUT) };
  });
  const sess = new tf.Session({ graph: g, threads });
  await sess.run(m.init);
  let i = 0;
  const fedStep = () => {
    const k = i++ % (N / B);
    const xs = new tf.NDArray((images.data as Float32Array).subarray(k * B * IN, (k + 1) * B * IN), [B, IN], 'float32');
    const ys = new tf.NDArray((labels.data as Int32Array).subarray(k * B, (k + 1) * B), [B], 'int32');
    return sess.run([m.loss, m.train], new Map<T, InstanceType<typeof tf.NDArray>>([[m.x, xs], [m.y, ys]]) as never);
  };
  const step = kind === 'fed' ? fedStep : () => sess.run([m.loss, m.train]);
  await step();
  await poolReady(sess);
  for (let w = 0; w < 5; w++) await step();
  return { step, close: () => sess.close() };
}

const kinds = ['fed', 'pipeline', 'noPrefetch'] as const;
const cases = [];
for (const k of kinds) cases.push(await build(k));
const per: Record<string, number[]> = { fed: [], pipeline: [], noPrefetch: [] };
for (let r = 0; r < rounds; r++) {
  // rotate the order each round so that no kind always follows the same one
  for (let j = 0; j < kinds.length; j++) {
    const k = (j + r) % kinds.length;
    const t = await timeIt(cases[k]!.step, { warm: 2, minReps: 10, minMs: minMs / kinds.length });
    per[kinds[k]!]!.push(t.median);
  }
}
for (const c of cases) await c.close();
const fed = median(per.fed!), pipeline = median(per.pipeline!), noPrefetch = median(per.noPrefetch!);
// the same-round ratios, then their median: each pair shares the machine's load of that round
const ratios = per.pipeline!.map((p, r) => p / per.fed![r]!);
const ratiosNo = per.noPrefetch!.map((p, r) => p / per.fed![r]!);
report({ fed, pipeline, noPrefetch, ratio: median(ratios), ratioNoPrefetch: median(ratiosNo), rounds: per });
