// Basic word2vec: skip-gram embeddings trained with the NCE loss.
//
// Port of TensorFlow 1.15's tensorflow/examples/tutorials/word2vec/word2vec_basic.py (Apache
// License 2.0) in tsflow's conventions, on a local corpus instead of the text8 download: the
// works of Shakespeare in test/fixtures/datasets/tinyshakespeare (public domain; see
// test/fixtures/NOTICE.md), lower-cased into words. The model is the original's: an embedding
// lookup (sparse IndexedSlices gradients), tf.nn.nceLoss with 64 log-uniform sampled classes,
// plain gradient descent at 1.0, and cosine-similarity nearest neighbours of frequent words. The
// vocabulary is the corpus's 5,000 most common words (the original keeps 50,000 of text8).
//
// The test runs 6,001 steps: the average loss falls from the random start, and the neighbours of
// the pronouns and possessives are other pronouns and possessives.
// test-args: --steps 6001
// test-check: ^Average loss at step 0 : (\d{3,}|[5-9]\d)\.\d+$
// test-check: ^Average loss at step 6000 : ([0-9]|1[0-9])\.\d+$
// test-check: ^Nearest to thy: .*\b(my|your|his|her|thine|our|their)\b
// test-check: ^Nearest to he: .*\b(she|they|i|we|you|it|thou)\b
//
//   npx tsx examples/tf1/word2vec-basic.ts [--steps 100001] [--seed 1]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import * as tf from 'tsflow';

const { values: args } = parseArgs({
  options: { steps: { type: 'string', default: '100001' }, seed: { type: 'string', default: '1' } },
});

// Python's `random` for the batch generator: a seeded xorshift32.
let state = Number(args.seed) >>> 0 || 1;
const random = (): number => {
  state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
  return state / 4294967296;
};
/** `random.sample(xs, k)`. */
function sample<T>(xs: T[], k: number): T[] {
  const pool = [...xs];
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, k);
}

// Step 1: the corpus as a list of words.
const text = gunzipSync(readFileSync(new URL('../../test/fixtures/datasets/tinyshakespeare/input.txt.gz', import.meta.url))).toString('utf8');
const vocabulary = text.toLowerCase().match(/[a-z]+(?:'[a-z]+)*/g) ?? [];
console.log('Data size', vocabulary.length);

// Step 2: the dictionary, rare words replaced by UNK.
const vocabularySize = 5000;
function buildDataset(words: string[], nWords: number): { data: number[]; count: [string, number][]; dictionary: Map<string, number>; reversed: string[] } {
  const freq = new Map<string, number>();
  for (const w of words) freq.set(w, (freq.get(w) ?? 0) + 1);
  // most_common: by count, ties in first-seen order (Counter's order)
  const common = [...freq.entries()].sort((a, b) => b[1] - a[1]).slice(0, nWords - 1);
  const count: [string, number][] = [['UNK', -1], ...common];
  const dictionary = new Map(count.map(([w], i) => [w, i]));
  let unk = 0;
  const data = words.map((w) => {
    const i = dictionary.get(w) ?? 0;
    if (i === 0) unk++;
    return i;
  });
  count[0]![1] = unk;
  return { data, count, dictionary, reversed: count.map(([w]) => w) };
}
const { data, count, reversed: reversedDictionary } = buildDataset(vocabulary, vocabularySize);
console.log('Most common words (+UNK)', count.slice(0, 5).map(([w, n]) => `('${w}', ${n})`).join(', '));
console.log('Sample data', data.slice(0, 10).join(' '), data.slice(0, 10).map((i) => reversedDictionary[i]).join(' '));

// Step 3: skip-gram batches: each centre word with `numSkips` of the words around it.
let dataIndex = 0;
function generateBatch(batchSize: number, numSkips: number, skipWindow: number): [Int32Array, Int32Array] {
  if (batchSize % numSkips !== 0 || numSkips > 2 * skipWindow) throw new Error('bad batch parameters');
  const batch = new Int32Array(batchSize);
  const labels = new Int32Array(batchSize);
  const span = 2 * skipWindow + 1;
  if (dataIndex + span > data.length) dataIndex = 0;
  const buffer = data.slice(dataIndex, dataIndex + span);
  dataIndex += span;
  for (let i = 0; i < batchSize / numSkips; i++) {
    const context = Array.from({ length: span }, (_, w) => w).filter((w) => w !== skipWindow);
    sample(context, numSkips).forEach((w, j) => {
      batch[i * numSkips + j] = buffer[skipWindow]!;
      labels[i * numSkips + j] = buffer[w]!;
    });
    if (dataIndex === data.length) {
      buffer.splice(0, buffer.length, ...data.slice(0, span));
      dataIndex = span;
    } else {
      buffer.shift();
      buffer.push(data[dataIndex]!);
      dataIndex++;
    }
  }
  // Backtrack a little to avoid skipping words at the end of a batch
  dataIndex = (dataIndex + data.length - span) % data.length;
  return [batch, labels];
}

// Step 4: the skip-gram model.
const batchSize = 128;
const embeddingSize = 128;
const skipWindow = 1;
const numSkips = 2;
const numSampled = 64;
// frequent words whose neighbours are printed
const validWords = ['thy', 'he', 'king', 'good', 'love', 'lord', 'come', 'death'];
const validExamples = validWords.map((w) => reversedDictionary.indexOf(w));

const graph = new tf.Graph();
const { trainInputs, trainLabels, loss, optimizer, similarity, init } = graph.asDefault(() => {
  tf.setRandomSeed(Number(args.seed));
  const trainInputs = tf.placeholder(tf.int32, [batchSize]);
  const trainLabels = tf.placeholder(tf.int32, [batchSize, 1]);
  const validDataset = tf.constant(validExamples, tf.int32);
  const embeddings = new tf.Variable(tf.randomUniform([vocabularySize, embeddingSize], { minval: -1, maxval: 1 }));
  const embed = tf.nn.embeddingLookup(embeddings, trainInputs);
  const nceWeights = new tf.Variable(tf.truncatedNormal([vocabularySize, embeddingSize], { stddev: 1 / Math.sqrt(embeddingSize) }));
  const nceBiases = new tf.Variable(tf.zeros([vocabularySize]));
  const loss = tf.reduceMean(tf.nn.nceLoss({ weights: nceWeights, biases: nceBiases, labels: trainLabels, inputs: embed, numSampled, numClasses: vocabularySize }));
  const optimizer = new tf.train.GradientDescentOptimizer(1.0).minimize(loss);
  const norm = tf.sqrt(tf.reduceSum(tf.square(embeddings), 1, true));
  const normalizedEmbeddings = tf.divide(embeddings, norm);
  const validEmbeddings = tf.nn.embeddingLookup(normalizedEmbeddings, validDataset);
  const similarity = tf.matmul(validEmbeddings, normalizedEmbeddings, { transposeB: true });
  return { trainInputs, trainLabels, loss, optimizer, similarity, init: tf.globalVariablesInitializer() };
});

// Step 5: training.
const numSteps = Number(args.steps);
const sess = new tf.Session({ graph });
await sess.run(init);
console.log('Initialized');
let averageLoss = 0;
for (let step = 0; step < numSteps; step++) {
  const [batchInputs, batchLabels] = generateBatch(batchSize, numSkips, skipWindow);
  const [, lossVal] = (await sess.run([optimizer, loss], [
    [trainInputs, new tf.NDArray(batchInputs, [batchSize], 'int32')],
    [trainLabels, new tf.NDArray(batchLabels, [batchSize, 1], 'int32')],
  ])) as [unknown, tf.NDArray];
  averageLoss += Number(lossVal.data[0]);
  if (step % 2000 === 0) {
    if (step > 0) averageLoss /= 2000;
    // The average loss is an estimate of the loss over the last 2000 batches.
    console.log('Average loss at step', step, ':', averageLoss.toFixed(6));
    averageLoss = 0;
  }
  if (step % 10000 === 0 || step === numSteps - 1) {
    const sim = (await sess.run(similarity)) as tf.NDArray;
    const s = sim.data as Float32Array;
    validExamples.forEach((ex, i) => {
      const row = Array.from(s.subarray(i * vocabularySize, (i + 1) * vocabularySize));
      const nearest = row.map((v, j) => [v, j] as const).sort((a, b) => b[0] - a[0]).slice(1, 9).map(([, j]) => reversedDictionary[j]);
      if (step === numSteps - 1) console.log(`Nearest to ${reversedDictionary[ex]}: ${nearest.join(', ')}`);
    });
  }
}
await sess.close();
