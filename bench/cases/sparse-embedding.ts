/**
 * The sparse path: one word2vec training step (embedding lookup of 128 ids into a V × 128
 * embedding, tf.nn.nceLoss with 64 sampled classes over V × 128 NCE weights, SGD at 1.0), ms,
 * at V = 5,000 and V = 50,000. The gradients are IndexedSlices and SGD updates only the looked-up
 * rows, so a step costs O(batch × dim) and the two step times should be close (target: 50,000
 * within 1.5× of 5,000). The two sizes alternate within the child.
 *   --impl tsflow --threads N
 */
import { args, report, timeIt } from '../lib/child.js';

const a = args();
const threads = Number(a.get('threads') ?? 1);
const minMs = Number(a.get('min-ms') ?? 1500);
const B = 128, DIM = 128, SAMPLED = 64;

const { tf, poolReady } = await import('../lib/tsflow.js');

async function build(vocab: number) {
  const g = new tf.Graph();
  const m = g.asDefault(() => {
    tf.setRandomSeed(1);
    const inputs = tf.placeholder(tf.int32, [B]);
    const labels = tf.placeholder(tf.int32, [B, 1]);
    const embeddings = new tf.Variable(tf.randomUniform([vocab, DIM], { minval: -1, maxval: 1 }));
    const nceW = new tf.Variable(tf.truncatedNormal([vocab, DIM], { stddev: 1 / Math.sqrt(DIM) }));
    const nceB = new tf.Variable(tf.zeros([vocab]));
    const embed = tf.nn.embeddingLookup(embeddings, inputs);
    const loss = tf.reduceMean(tf.nn.nceLoss(nceW, nceB, labels, embed, SAMPLED, vocab));
    const train = new tf.train.GradientDescentOptimizer(1.0).minimize(loss);
    return { inputs, labels, loss, train, init: tf.globalVariablesInitializer() };
  });
  const sess = new tf.Session({ graph: g, threads });
  await sess.run(m.init);
  // Zipf-like ids over the vocabulary, as words are
  let s = 12345;
  const id = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.min(vocab - 1, Math.floor(Math.exp((s / 4294967296) * Math.log(vocab + 1)) - 1));
  };
  const batches = Array.from({ length: 16 }, () => [
    new tf.NDArray(Int32Array.from({ length: B }, id), [B], 'int32'),
    new tf.NDArray(Int32Array.from({ length: B }, id), [B, 1], 'int32'),
  ]);
  let k = 0;
  const step = () => {
    const [x, y] = batches[k++ % batches.length]!;
    return sess.run([m.loss, m.train], [[m.inputs, x!], [m.labels, y!]]);
  };
  await step();
  await poolReady(sess);
  return { step, sess };
}

const small = await build(5000);
const large = await build(50000);
const times: Record<string, number[]> = { small: [], large: [] };
const reps: Record<string, number> = { small: 0, large: 0 };
// alternate the two sizes so machine noise falls on both
for (let round = 0; round < 3; round++) {
  for (const [name, m] of [['small', small], ['large', large]] as const) {
    const t = await timeIt(m.step, { warm: 3, minReps: 20, minMs: minMs / 3 });
    times[name]!.push(t.median);
    reps[name]! += t.reps;
  }
}
const med = (xs: number[]): number => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;
const ms5k = med(times.small!), ms50k = med(times.large!);
report({ ms5k, ms50k, ratio: ms50k / ms5k, reps });
await small.sess.close();
await large.sess.close();
process.exit(0);
