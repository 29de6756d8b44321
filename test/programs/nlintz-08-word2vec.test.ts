/**
 * Port of nlintz/TensorFlow-Tutorials, 08_word2vec.py (no licence stated in the repository; the
 * program's structure is followed, its twelve sample sentences are its data), line by line in
 * tsflow's conventions: skip-gram pairs, tf.nn.embedding_lookup under tf.device('/cpu:0'),
 * tf.nn.nce_loss with 15 sampled negatives, Adam at 0.1.
 *
 * Changes: collections.Counter(words).most_common() is a count sorted by frequency, ties in first-
 * seen order (as Counter keeps them); np.random.choice(..., replace=False) is a seeded partial
 * Fisher–Yates; a graph seed is set; the matplotlib plot is left out. The check: the vocabulary
 * and the pairs are the ones the original prints, the mean NCE loss over the last ten steps is
 * well under the first ten's, and the trained embeddings have shape [voc_size, 2].
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const batchSize = 20;
const embeddingSize = 2;
const numSampled = 15;

const sentences = ['the quick brown fox jumped over the lazy dog',
  'I love cats and dogs',
  'we all love cats and dogs',
  'cats and dogs are great',
  'sung likes cats',
  'she loves dogs',
  'cats can be very independent',
  'cats are great companions when they want to be',
  'cats are playful',
  'cats are natural hunters',
  "It's raining cats and dogs",
  'dogs and cats love sung'];

const words = sentences.join(' ').split(/\s+/);
const counts = new Map<string, number>();
for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
const count = [...counts.entries()].sort((a, b) => b[1] - a[1]); // stable: ties keep first-seen order

const rdic = count.map((i) => i[0]);
const dic = Object.fromEntries(rdic.map((w, i) => [w, i])) as Record<string, number>;
const vocSize = rdic.length;

const data = words.map((word) => dic[word]!);

const cbowPairs: [[number, number], number][] = [];
for (let i = 1; i < data.length - 1; i++) cbowPairs.push([[data[i - 1]!, data[i + 1]!], data[i]!]);

const skipGramPairs: [number, number][] = [];
for (const c of cbowPairs) {
  skipGramPairs.push([c[1], c[0][0]]);
  skipGramPairs.push([c[1], c[0][1]]);
}

let seed = 12345;
const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);

function generateBatch(size: number): [number[], number[][]] {
  if (!(size < skipGramPairs.length)) throw new Error('assert size < len(skip_gram_pairs)');
  const idx = skipGramPairs.map((_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  const xData: number[] = [];
  const yData: number[][] = [];
  for (const i of idx.slice(0, size)) {
    xData.push(skipGramPairs[i]![0]);
    yData.push([skipGramPairs[i]![1]]);
  }
  return [xData, yData];
}

describe('nlintz 08_word2vec', () => {
  it('trains 2-d skip-gram embeddings with NCE loss', async () => {
    expect(count.slice(0, 5)).toEqual([['cats', 10], ['dogs', 6], ['and', 5], ['are', 4], ['love', 3]]);
    expect(skipGramPairs.slice(0, 4)).toEqual([[dic.quick, dic.the], [dic.quick, dic.brown], [dic.brown, dic.quick], [dic.brown, dic.fox]]);

    tf.resetDefaultGraph();
    tf.setRandomSeed(5);
    const trainInputs = tf.placeholder(tf.int32, { shape: [batchSize] });
    const trainLabels = tf.placeholder(tf.int32, { shape: [batchSize, 1] });
    const [embeddings, embed] = tf.device('/cpu:0', () => {
      const embeddings = new tf.Variable(tf.randomUniform([vocSize, embeddingSize], -1.0, 1.0));
      const embed = tf.nn.embeddingLookup(embeddings, trainInputs);
      return [embeddings, embed] as const;
    });
    expect(embed.op.device).toBe('/device:CPU:0');

    const nceWeights = new tf.Variable(tf.randomUniform([vocSize, embeddingSize], -1.0, 1.0));
    const nceBiases = new tf.Variable(tf.zeros([vocSize]));

    const loss = tf.reduceMean(tf.nn.nceLoss(nceWeights, nceBiases, trainLabels, embed, numSampled, vocSize));
    const trainOp = new tf.train.AdamOptimizer(1e-1).minimize(loss);

    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    const losses: number[] = [];
    for (let step = 0; step < 100; step++) {
      const [batchInputs, batchLabels] = generateBatch(batchSize);
      const [, lossVal] = await sess.run([trainOp, loss], new Map<tf.Tensor, tf.FeedValue>([[trainInputs, batchInputs], [trainLabels, batchLabels]]));
      losses.push(lossVal!.toArray() as number);
    }
    const trainedEmbeddings = await sess.asDefault(() => embeddings.eval());
    await sess.close();

    const mean = (a: number[]) => a.reduce((p, q) => p + q, 0) / a.length;
    // NCE with 15 negatives starts near 16·ln 2 ≈ 11 per example at random weights
    expect(mean(losses.slice(0, 10))).toBeGreaterThan(4);
    expect(mean(losses.slice(-10))).toBeLessThan(0.6 * mean(losses.slice(0, 10)));
    expect(trainedEmbeddings.shape).toEqual([vocSize, 2]);
    expect(Array.from(trainedEmbeddings.data as Float32Array).every(Number.isFinite)).toBe(true);
  });
});
