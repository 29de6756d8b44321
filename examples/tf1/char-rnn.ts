// Character-level language model: a multi-layer LSTM trained to predict the next character of a
// text, then sampled from, one character at a time.
//
// Port of the TF1 char-rnn (github.com/sherjilozair/char-rnn-tensorflow, model.py / train.py /
// utils.py, MIT License; the model of Karpathy's char-rnn, as in the Udacity 6_lstm notebook) in
// tsflow's conventions: the text's characters as ids (most frequent first), batches of
// `seq_length` characters with the targets shifted by one, an embedding, a MultiRNNCell of
// BasicLSTMCells over tf.nn.dynamicRnn (a whileLoop over time) with the last state of one batch
// fed as the initial state of the next, softmax logits, the sequence loss (TF's
// contrib.seq2seq.sequence_loss: the cross-entropy per character, averaged over time and batch),
// gradients clipped by their global norm, Adam. Sampling runs the same weights (variable reuse)
// on one character at a time, carrying the state, and draws each next character from the
// softmax. The text is Shakespeare (test/fixtures/datasets/tinyshakespeare, public domain; see
// test/fixtures/NOTICE.md); the last tenth of the characters used is held out for the
// validation perplexity (exp of the mean loss per character), against the uniform baseline of
// the vocabulary size. Python's numpy random is replaced by a seeded generator.
//
// test/examples-char-rnn.test.ts runs it bounded (120 steps, learning rate 0.01, of a 64-unit
// 2-layer model on the first 200,000 characters: 62 characters, so a uniform perplexity of 62)
// and checks the validation perplexity falls well below the uniform one (measured here: 61.05
// before training, 9.73 after 150 such steps).
//
//   npx tsx examples/tf1/char-rnn.ts [--num_steps 2000] [--rnn_size 128] [--num_layers 2]
//     [--seq_length 50] [--batch_size 50] [--learning_rate 0.002] [--grad_clip 5]
//     [--text_chars 0 (all)] [--sample 300] [--prime 'The '] [--seed 1]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import * as tf from 'tsflow';

const { values: a } = parseArgs({
  options: {
    num_steps: { type: 'string', default: '2000' },
    rnn_size: { type: 'string', default: '128' },
    num_layers: { type: 'string', default: '2' },
    seq_length: { type: 'string', default: '50' },
    batch_size: { type: 'string', default: '50' },
    learning_rate: { type: 'string', default: '0.002' },
    grad_clip: { type: 'string', default: '5' },
    text_chars: { type: 'string', default: '0' },
    sample: { type: 'string', default: '300' },
    prime: { type: 'string', default: 'The ' },
    display_step: { type: 'string', default: '50' },
    seed: { type: 'string', default: '1' },
  },
});
const args = {
  numSteps: Number(a.num_steps), rnnSize: Number(a.rnn_size), numLayers: Number(a.num_layers),
  seqLength: Number(a.seq_length), batchSize: Number(a.batch_size), learningRate: Number(a.learning_rate),
  gradClip: Number(a.grad_clip), textChars: Number(a.text_chars), sample: Number(a.sample), prime: a.prime!,
  displayStep: Number(a.display_step), seed: Number(a.seed),
};
tf.setRandomSeed(args.seed);

/** numpy.random.rand's role (seeded mulberry32). */
const rand = (() => {
  let s = args.seed >>> 0;
  return (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
})();

// ----- utils.py: TextLoader ------------------------------------------------------------------
let text = gunzipSync(readFileSync(new URL('../../test/fixtures/datasets/tinyshakespeare/input.txt.gz', import.meta.url))).toString('utf8');
if (args.textChars > 0) text = text.slice(0, args.textChars);
// vocabulary: characters by count, most frequent first (ties by character)
const counts = new Map<string, number>();
for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
const chars = [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([c]) => c);
const vocab = new Map(chars.map((c, i) => [c, i]));
const vocabSize = chars.length;
const ids = Int32Array.from(text, (c) => vocab.get(c)!);

/** utils.py create_batches: x [batch, n·seq] in rows, y the same shifted by one (wrapping). */
function createBatches(data: Int32Array): { x: Int32Array[]; y: Int32Array[] } {
  const { batchSize: b, seqLength: s } = args;
  const numBatches = Math.floor(data.length / (b * s));
  if (numBatches === 0) throw new Error('Not enough data. Make seq_length and batch_size small.');
  const n = numBatches * b * s;
  const xdata = data.subarray(0, n);
  const ydata = new Int32Array(n);
  ydata.set(xdata.subarray(1));
  ydata[n - 1] = xdata[0]!;
  // reshape(batch, -1) then split into numBatches along axis 1
  const per = n / b;
  const cut = (src: Int32Array, k: number): Int32Array => {
    const out = new Int32Array(b * s);
    for (let r = 0; r < b; r++) out.set(src.subarray(r * per + k * s, r * per + (k + 1) * s), r * s);
    return out;
  };
  return { x: Array.from({ length: numBatches }, (_, k) => cut(xdata, k)), y: Array.from({ length: numBatches }, (_, k) => cut(ydata, k)) };
}
const split = Math.floor(ids.length * 0.9);
const train = createBatches(ids.subarray(0, split));
const valid = createBatches(ids.subarray(split));
console.log(`text: ${text.length} characters, vocabulary of ${vocabSize}; ${train.x.length} training and ${valid.x.length} validation batches of ${args.batchSize}×${args.seqLength}`);

// ----- model.py ------------------------------------------------------------------------------
/** TF's contrib.seq2seq.sequence_loss with unit weights, averaged across timesteps and batch. */
function sequenceLoss(logits: tf.Tensor, targets: tf.Tensor, weights: tf.Tensor): tf.Tensor {
  const crossent = tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: tf.reshape(targets, [-1]), logits: tf.reshape(logits, [-1, vocabSize]) });
  const w = tf.reshape(weights, [-1]);
  return tf.divide(tf.reduceSum(tf.multiply(crossent, w)), tf.add(tf.reduceSum(w), 1e-12));
}

class Model {
  inputData: tf.Tensor;
  targets: tf.Tensor;
  initialState: tf.contrib.rnn.LSTMStateTuple[];
  finalState: tf.contrib.rnn.LSTMStateTuple[];
  probs: tf.Tensor;
  cost: tf.Tensor;
  trainOp: tf.Operation | null = null;

  constructor(cell: tf.contrib.rnn.MultiRNNCell, batchSize: number, seqLength: number, training: boolean) {
    this.inputData = tf.placeholder(tf.int32, [batchSize, seqLength]);
    this.targets = tf.placeholder(tf.int32, [batchSize, seqLength]);
    this.initialState = cell.zeroState(batchSize, tf.float32) as tf.contrib.rnn.LSTMStateTuple[];
    const [outputs, lastState] = tf.variableScope('rnnlm', { reuse: training ? null : true }, () => {
      const softmaxW = tf.getVariable('softmax_w', [args.rnnSize, vocabSize]);
      const softmaxB = tf.getVariable('softmax_b', [vocabSize]);
      const embedding = tf.getVariable('embedding', [vocabSize, args.rnnSize]);
      const inputs = tf.nn.embeddingLookup(embedding, this.inputData);
      const [out, state] = tf.nn.dynamicRnn(cell, inputs, { initialState: this.initialState });
      const output = tf.reshape(out, [-1, args.rnnSize]);
      return [tf.add(tf.matmul(output, softmaxW), softmaxB), state] as const;
    });
    const logits = tf.reshape(outputs, [batchSize, seqLength, vocabSize]);
    this.probs = tf.nn.softmax(logits);
    this.finalState = lastState as tf.contrib.rnn.LSTMStateTuple[];
    this.cost = sequenceLoss(logits, this.targets, tf.onesLike(this.targets, tf.float32));
    if (training) {
      const tvars = tf.trainableVariables();
      const [grads] = tf.clipByGlobalNorm(tf.gradients(this.cost, tvars), args.gradClip);
      const optimizer = new tf.train.AdamOptimizer(args.learningRate);
      this.trainOp = optimizer.applyGradients(grads.map((g, i) => [g, tvars[i]!] as [tf.Tensor, tf.Variable]));
    }
  }

  /** Feeds of the initial state from a previous run's final state values. */
  stateFeeds(state: tf.NDArray[] | null): [tf.Tensor, tf.NDArray][] {
    if (!state) return [];
    return this.initialState.flatMap((s, i) => [[s.c, state[2 * i]!], [s.h, state[2 * i + 1]!]] as [tf.Tensor, tf.NDArray][]);
  }

  get finalTensors(): tf.Tensor[] {
    return this.finalState.flatMap((s) => [s.c, s.h]);
  }
}

const cell = new tf.contrib.rnn.MultiRNNCell(Array.from({ length: args.numLayers }, () => new tf.contrib.rnn.BasicLSTMCell(args.rnnSize)));
const model = new Model(cell, args.batchSize, args.seqLength, true);
const sampler = new Model(cell, 1, 1, false);

// ----- train.py ------------------------------------------------------------------------------
const sess = new tf.Session();
await sess.run(tf.globalVariablesInitializer());
const batchFeeds = (x: Int32Array, y: Int32Array): [tf.Tensor, tf.NDArray][] => [
  [model.inputData, new tf.NDArray(x, [args.batchSize, args.seqLength], 'int32')],
  [model.targets, new tf.NDArray(y, [args.batchSize, args.seqLength], 'int32')],
];

/** Validation perplexity: exp of the mean loss per character, the state carried batch to batch. */
async function validationPerplexity(): Promise<number> {
  let state: tf.NDArray[] | null = null;
  let sum = 0;
  for (let k = 0; k < valid.x.length; k++) {
    const [cost, ...st] = await sess.run([model.cost, ...model.finalTensors], [...batchFeeds(valid.x[k]!, valid.y[k]!), ...model.stateFeeds(state)]);
    sum += cost.data[0]!;
    state = st;
  }
  return Math.exp(sum / valid.x.length);
}

console.log(`uniform perplexity: ${vocabSize}; before training: validation perplexity ${(await validationPerplexity()).toFixed(2)}`);
let state: tf.NDArray[] | null = null;
const t0 = performance.now();
for (let step = 1; step <= args.numSteps; step++) {
  const k = (step - 1) % train.x.length;
  if (k === 0) state = null; // a new epoch starts from the zero state
  const [cost, , ...st] = await sess.run([model.cost, model.trainOp!, ...model.finalTensors], [...batchFeeds(train.x[k]!, train.y[k]!), ...model.stateFeeds(state)]);
  state = st as tf.NDArray[];
  if (step % args.displayStep === 0 || step === 1) {
    console.log(`${step}/${args.numSteps} (epoch ${Math.floor((step - 1) / train.x.length)}), train_loss = ${cost!.data[0]!.toFixed(3)}, time/batch = ${((performance.now() - t0) / step / 1000).toFixed(3)}`);
  }
}
const ppl = await validationPerplexity();
console.log(`validation perplexity: ${ppl.toFixed(2)} (uniform: ${vocabSize})`);

// ----- model.py: sample ----------------------------------------------------------------------
/** utils weighted_pick: the index where a uniform draw falls in the cumulative weights. */
function weightedPick(weights: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]!;
  const r = rand() * total;
  let c = 0;
  for (let i = 0; i < weights.length; i++) {
    c += weights[i]!;
    if (r < c) return i;
  }
  return weights.length - 1;
}

if (args.sample > 0) {
  let st: tf.NDArray[] | null = null;
  const stepOnce = async (ch: string): Promise<tf.NDArray> => {
    const x = new tf.NDArray(Int32Array.of(vocab.get(ch) ?? 0), [1, 1], 'int32');
    const [p, ...next] = await sess.run([sampler.probs, ...sampler.finalTensors], [[sampler.inputData, x], ...sampler.stateFeeds(st)]);
    st = next;
    return p;
  };
  for (const ch of args.prime.slice(0, -1)) await stepOnce(ch);
  let ret = args.prime;
  let ch = args.prime.slice(-1);
  for (let n = 0; n < args.sample; n++) {
    const p = await stepOnce(ch);
    ch = chars[weightedPick(p.data as Float32Array)]!;
    ret += ch;
  }
  console.log('sample:');
  console.log(ret);
}
await sess.close();
