// BiLSTM-CRF sequence tagger.
//
// Port of the model of github.com/guillaumegenthial/sequence_tagging (model/ner_model.py,
// model/data_utils.py; Guillaume Genthial, Apache License 2.0), line by line in tsflow's
// conventions: word embeddings (`words/_word_embeddings`) with dropout →
// tf.nn.bidirectionalDynamicRnn of two tf.contrib.rnn.LSTMCells over the batch's sequence
// lengths (`bi-lstm`) → a projection to the tag scores (`proj/W`, `proj/b`) →
// tf.contrib.crf.crfLogLikelihood (which makes the `transitions` variable) → Adam. Evaluation
// decodes each sentence with tf.contrib.crf.viterbiDecode on the fetched scores and transition
// matrix as the original does, and also in the graph with tf.contrib.crf.crfDecode; token
// accuracy and chunk F1 as the original's run_evaluate.
// Not in the original: the corpus. Instead of CoNLL files and GloVe vectors, a small synthetic
// NER corpus is generated here (seeded): tags O, B-PER, I-PER, B-LOC, I-LOC; first names begin a
// person and surnames continue one, but "jordan" is a surname after a first name and a place
// on its own, and "new" is a place only before "york" — so tags depend on both neighbours.
// Character embeddings (the original's use_chars) are left out (config.use_chars = False), and
// the sizes and learning rate are scaled to the small corpus.
// Bounded to 4 epochs for the test run (test/examples-crf.test.ts), this port (seed 1) goes
// from a dev token accuracy of 23.54 (f1 6.37) before training to 99.35 (f1 97.06); chance is
// 20, always "O" about 55. The train loss is fetched in the same run as the Adam step, as the
// original does: reads of a variable that the step does not wait for may see the updated value
// (TF1 leaves their order open too), so late in training it can print slightly below 0.
//
//   npx tsx examples/tf1/bilstm-crf-tagger.ts [--nepochs 15] [--seed 1]
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';

const { values: args } = parseArgs({ options: { nepochs: { type: 'string', default: '15' }, seed: { type: 'string', default: '1' } } });
tf.setRandomSeed(Number(args.seed)); // (not in the original: fixed here so that every run gives the same figures)

// ===== config (model/config.py, the parts the model reads) =====
const config = {
  dimWord: 16,
  hiddenSizeLstm: 24,
  nepochs: Number(args.nepochs),
  dropout: 0.8,
  batchSize: 16,
  lr: 0.02,
  lrDecay: 0.9,
  useCrf: true,
  nwords: 0,
  ntags: 0,
  vocabTags: new Map<string, number>(),
};

// ===== a synthetic corpus (in place of the original's CoNLL reader) =====
const random = (() => {
  let s = Number(args.seed) >>> 0;
  return (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
})();
const choice = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

const FILLERS = ['the', 'a', 'of', 'in', 'to', 'met', 'visited', 'said', 'and', 'from', 'at', 'with', 'was', 'city', 'people', 'new'];
const FIRST = ['john', 'mary', 'peter', 'anna', 'paul', 'lisa'];
const SURNAMES = ['smith', 'brown', 'taylor', 'jordan'];
const PLACES = ['paris', 'london', 'berlin', 'jordan'];

/** One sentence: [words, tags], 3 to 12 words. */
function sentence(): [string[], string[]] {
  const words: string[] = [];
  const tags: string[] = [];
  const target = 3 + Math.floor(random() * 10);
  while (words.length < target) {
    const u = random();
    if (u < 0.2) {
      words.push(choice(FIRST)), tags.push('B-PER');
      if (random() < 0.7) words.push(choice(SURNAMES)), tags.push('I-PER');
    } else if (u < 0.4) {
      if (random() < 0.3) words.push('new', 'york'), tags.push('B-LOC', 'I-LOC');
      else words.push(choice(PLACES)), tags.push('B-LOC');
    } else {
      words.push(choice(FILLERS)), tags.push('O');
    }
  }
  return [words, tags];
}
const trainSet = Array.from({ length: 240 }, sentence);
const devSet = Array.from({ length: 100 }, sentence);

// ===== vocabularies (data_utils.get_vocabs / load_vocab) =====
const vocabWords = new Map<string, number>([['$PAD$', 0], ['$UNK$', 1]]);
for (const [ws] of trainSet) for (const w of ws) if (!vocabWords.has(w)) vocabWords.set(w, vocabWords.size);
for (const t of ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC']) config.vocabTags.set(t, config.vocabTags.size);
config.nwords = vocabWords.size;
config.ntags = config.vocabTags.size;
const processWord = (w: string): number => vocabWords.get(w) ?? vocabWords.get('$UNK$')!;
const toIds = ([ws, ts]: [string[], string[]]): [number[], number[]] => [ws.map(processWord), ts.map((t) => config.vocabTags.get(t)!)];
const train = trainSet.map(toIds);
const dev = devSet.map(toIds);

/** data_utils.minibatches: the dataset in batches of `minibatchSize` ([words, tags] lists). */
function* minibatches(data: [number[], number[]][], minibatchSize: number): Generator<[number[][], number[][]]> {
  for (let i = 0; i < data.length; i += minibatchSize) {
    const batch = data.slice(i, i + minibatchSize);
    yield [batch.map((b) => b[0]), batch.map((b) => b[1])];
  }
}

/** data_utils.pad_sequences: pad to the longest sequence with `padTok`; [padded, lengths]. */
function padSequences(sequences: number[][], padTok: number): [number[][], number[]] {
  const maxLength = Math.max(...sequences.map((s) => s.length));
  return [sequences.map((s) => [...s, ...new Array<number>(maxLength - s.length).fill(padTok)]), sequences.map((s) => s.length)];
}

/** data_utils.get_chunks: the (type, start, end) entity chunks of a tag sequence. */
function getChunks(seq: number[], tags: Map<string, number>): string[] {
  const idxToTag = new Map([...tags].map(([t, i]) => [i, t]));
  const NONE = tags.get('O')!;
  const chunks: string[] = [];
  let chunkType: string | null = null;
  let chunkStart = -1;
  seq.forEach((tok, i) => {
    if (tok === NONE && chunkType !== null) {
      chunks.push(`${chunkType}:${chunkStart}:${i}`);
      [chunkType, chunkStart] = [null, -1];
    } else if (tok !== NONE) {
      const [tokChunkClass, tokChunkType] = idxToTag.get(tok)!.split('-') as [string, string];
      if (chunkType === null) [chunkType, chunkStart] = [tokChunkType, i];
      else if (tokChunkType !== chunkType || tokChunkClass === 'B') {
        chunks.push(`${chunkType}:${chunkStart}:${i}`);
        [chunkType, chunkStart] = [tokChunkType, i];
      }
    }
  });
  if (chunkType !== null) chunks.push(`${chunkType}:${chunkStart}:${seq.length}`);
  return chunks;
}

// ===== the model (NERModel.build) =====
// add_placeholders
const wordIds = tf.placeholder(tf.int32, [null, null], 'word_ids'); // shape = (batch size, max length of sentence in batch)
const sequenceLengths = tf.placeholder(tf.int32, [null], 'sequence_lengths'); // shape = (batch size)
const labels = tf.placeholder(tf.int32, [null, null], 'labels'); // shape = (batch size, max length of sentence in batch)
const dropout = tf.placeholder(tf.float32, [], 'dropout');
const lr = tf.placeholder(tf.float32, [], 'lr');

// add_word_embeddings_op
const wordEmbeddings = tf.variableScope('words', () => {
  const _wordEmbeddings = tf.getVariable('_word_embeddings', { dtype: tf.float32, shape: [config.nwords, config.dimWord] });
  return tf.nn.embeddingLookup(_wordEmbeddings, wordIds, { name: 'word_embeddings' });
});
const wordEmbeddingsDropped = tf.nn.dropout(wordEmbeddings, dropout);

// add_logits_op
const output = tf.variableScope('bi-lstm', () => {
  const cellFw = new tf.contrib.rnn.LSTMCell(config.hiddenSizeLstm);
  const cellBw = new tf.contrib.rnn.LSTMCell(config.hiddenSizeLstm);
  const [[outputFw, outputBw]] = tf.nn.bidirectionalDynamicRnn(cellFw, cellBw, wordEmbeddingsDropped, { sequenceLength: sequenceLengths, dtype: tf.float32 });
  const out = tf.concat([outputFw, outputBw], -1);
  return tf.nn.dropout(out, dropout);
});
const logits = tf.variableScope('proj', () => {
  const W = tf.getVariable('W', { dtype: tf.float32, shape: [2 * config.hiddenSizeLstm, config.ntags] });
  const b = tf.getVariable('b', { shape: [config.ntags], dtype: tf.float32, initializer: tf.zerosInitializer() });
  const nsteps = tf.index(tf.shape(output), 1);
  const flat = tf.reshape(output, [-1, 2 * config.hiddenSizeLstm]);
  const pred = tf.add(tf.matmul(flat, W), b);
  return tf.reshape(pred, tf.stack([-1, nsteps, config.ntags]));
});

// add_loss_op (use_crf)
const [logLikelihood, transParams] = tf.contrib.crf.crfLogLikelihood(logits, labels, sequenceLengths);
const loss = tf.reduceMean(tf.negative(logLikelihood));

// add_train_op ("adam")
const trainOp = tf.variableScope('train_step', () => new tf.train.AdamOptimizer(lr).minimize(loss));

// Not in the original's NERModel: decoding in the graph too (crf.py's docstring shows both ways).
const [viterbiSequenceGraph] = tf.contrib.crf.crfDecode(logits, transParams, sequenceLengths);

// ===== training and evaluation (BaseModel.train, NERModel.run_epoch / run_evaluate) =====
function getFeedDict(words: number[][], tagsBatch?: number[][], lrValue?: number, dropoutValue?: number): [Map<tf.Tensor, tf.NDArray>, number[]] {
  const [wordIdsPadded, seqLens] = padSequences(words, 0);
  const T = wordIdsPadded[0]!.length;
  const feed = new Map<tf.Tensor, tf.NDArray>([
    [wordIds, new tf.NDArray(Int32Array.from(wordIdsPadded.flat()), [words.length, T], 'int32')],
    [sequenceLengths, new tf.NDArray(Int32Array.from(seqLens), [seqLens.length], 'int32')],
  ]);
  if (tagsBatch) feed.set(labels, new tf.NDArray(Int32Array.from(padSequences(tagsBatch, 0)[0].flat()), [words.length, T], 'int32'));
  if (lrValue !== undefined) feed.set(lr, new tf.NDArray(Float32Array.of(lrValue), [], 'float32'));
  feed.set(dropout, new tf.NDArray(Float32Array.of(dropoutValue ?? 1.0), [], 'float32'));
  return [feed, seqLens];
}

await using sess = new tf.Session();
await sess.run(tf.globalVariablesInitializer());

/** NERModel.predict_batch (use_crf): viterbiDecode of each sentence's valid steps; also crfDecode's tags. */
async function predictBatch(words: number[][]): Promise<[number[][], number[][], number[]]> {
  const [fd, seqLens] = getFeedDict(words, undefined, undefined, 1.0);
  const [logitsV, transV, graphSeqs] = (await sess.run([logits, transParams, viterbiSequenceGraph], fd)) as tf.NDArray[];
  const [, T, ntags] = logitsV!.shape as [number, number, number];
  const viterbiSequences: number[][] = [];
  const graphSequences: number[][] = [];
  seqLens.forEach((len, i) => {
    // keep only the valid steps
    const logit = new tf.NDArray((logitsV!.data as Float32Array).slice(i * T * ntags, (i * T + len) * ntags), [len, ntags], 'float32');
    const [viterbiSeq] = tf.contrib.crf.viterbiDecode(logit, transV!);
    viterbiSequences.push(viterbiSeq);
    graphSequences.push(Array.from((graphSeqs!.data as Int32Array).slice(i * T, i * T + len)));
  });
  return [viterbiSequences, graphSequences, seqLens];
}

async function runEvaluate(test: [number[], number[]][]): Promise<{ acc: number; f1: number; agree: number }> {
  const accs: boolean[] = [];
  let [correctPreds, totalCorrect, totalPreds, agree] = [0, 0, 0, 0];
  for (const [words, labs] of minibatches(test, config.batchSize)) {
    const [labelsPred, graphPred, seqLens] = await predictBatch(words);
    labs.forEach((lab, i) => {
      const labPred = labelsPred[i]!.slice(0, seqLens[i]);
      lab = lab.slice(0, seqLens[i]);
      lab.forEach((a, k) => accs.push(a === labPred[k]));
      if (graphPred[i]!.every((t, k) => t === labPred[k])) agree++;
      const labChunks = new Set(getChunks(lab, config.vocabTags));
      const labPredChunks = new Set(getChunks(labPred, config.vocabTags));
      correctPreds += [...labPredChunks].filter((c) => labChunks.has(c)).length;
      totalPreds += labPredChunks.size;
      totalCorrect += labChunks.size;
    });
  }
  const p = correctPreds > 0 ? correctPreds / totalPreds : 0;
  const r = correctPreds > 0 ? correctPreds / totalCorrect : 0;
  const f1 = correctPreds > 0 ? (2 * p * r) / (p + r) : 0;
  const acc = accs.filter(Boolean).length / accs.length;
  return { acc: 100 * acc, f1: 100 * f1, agree };
}

const fmt = (m: { acc: number; f1: number }): string => `acc ${m.acc.toFixed(2)} - f1 ${m.f1.toFixed(2)}`;
console.log(`words ${config.nwords}, tags ${config.ntags}, train ${train.length} sentences, dev ${dev.length}`);
console.log(`before training: dev ${fmt(await runEvaluate(dev))}`);

let lrNow = config.lr;
let metrics = { acc: 0, f1: 0, agree: 0 };
for (let epoch = 0; epoch < config.nepochs; epoch++) {
  console.log(`Epoch ${epoch + 1} out of ${config.nepochs}`);
  // run_epoch
  let total = 0;
  let n = 0;
  for (const [words, labs] of minibatches(train, config.batchSize)) {
    const [fd] = getFeedDict(words, labs, lrNow, config.dropout);
    const [, trainLoss] = (await sess.run([trainOp, loss], fd)) as [unknown, tf.NDArray];
    total += trainLoss.data[0] as number;
    n++;
  }
  metrics = await runEvaluate(dev);
  console.log(`train loss ${(total / n).toFixed(4)} - dev ${fmt(metrics)}`);
  lrNow *= config.lrDecay; // decay learning rate
}
console.log(`crf_decode agrees with viterbi_decode on ${metrics.agree} of ${dev.length} dev sentences`);
console.log(`final dev ${fmt(metrics)}`);
