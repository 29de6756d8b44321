// Sequence-to-sequence with tf.contrib.seq2seq: learn to reverse a sequence of tokens.
//
// The TF 1.x NMT recipe on a toy task: an LSTM encoder (tf.nn.dynamicRnn over embedded source
// tokens with their lengths), an LSTM decoder started from the encoder's final state, trained with
// a TrainingHelper (teacher forcing: the decoder reads <s> + the target) through a BasicDecoder
// with a dense output layer and tf.contrib.seq2seq.sequenceLoss masked by the target lengths;
// inference reuses the same variables (`decoder/basic_lstm_cell/kernel`, `decoder/dense/kernel`)
// with a GreedyEmbeddingHelper that stops at </s>, bounded by maximumIterations.
// Tokens: 0 padding, 1 <s>, 2 </s>, 3..9 the symbols; sources of 3 to 6 symbols.
// Bounded to 400 steps for the test run (seed 1, about 20 s on one CPU core), 0.98 of the 200
// test sequences come back exactly reversed (0.01 after 20 steps); the check accepts 0.8 and above:
// test-args: --steps 400
// test-check: ^Step 400, Minibatch Loss= \d\.\d{4}$
// test-check: ^Exact reversals: (0\.[89]\d*|1)$
//
//   npx tsx examples/tf1/seq2seq-reverse.ts [--steps 1000] [--seed 1]
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import { EOS, GO, MAX_LEN, VOCAB, reverseBatches } from './reverse-data.js';

const { values: args } = parseArgs({ options: { steps: { type: 'string', default: '1000' }, seed: { type: 'string', default: '1' } } });
tf.setRandomSeed(Number(args.seed));

const EMB = 16;
const UNITS = 64;
const BATCH = 32;

const batch = reverseBatches(Number(args.seed));

const source = tf.placeholder('int32', [null, MAX_LEN], 'source');
const sourceLength = tf.placeholder('int32', [null], 'source_length');
const decoderInputs = tf.placeholder('int32', [null, MAX_LEN + 1], 'decoder_inputs');
const targets = tf.placeholder('int32', [null, MAX_LEN + 1], 'targets');
const targetLength = tf.placeholder('int32', [null], 'target_length');

const embedding = tf.getVariable('embedding', [VOCAB, EMB]);
const encCell = new tf.contrib.rnn.BasicLSTMCell(UNITS);
const [, encState] = tf.nn.dynamicRnn(encCell, tf.nn.embeddingLookup(embedding, source), { sequenceLength: sourceLength, dtype: 'float32', scope: 'encoder' });

const decCell = new tf.contrib.rnn.BasicLSTMCell(UNITS);
const projection = new tf.layers.Dense(VOCAB, { useBias: false });
const trainHelper = new tf.contrib.seq2seq.TrainingHelper(tf.nn.embeddingLookup(embedding, decoderInputs), targetLength);
const trainDecoder = new tf.contrib.seq2seq.BasicDecoder(decCell, trainHelper, encState, { outputLayer: projection });
const [trainOut] = tf.contrib.seq2seq.dynamicDecode(trainDecoder) as unknown as [tf.contrib.seq2seq.BasicDecoderOutput];
const logits = trainOut.rnnOutput; // [batch, longest target, VOCAB]
const steps = tf.index(tf.shape(logits), 1);
const mask = tf.sequenceMask(targetLength, steps, 'float32');
const loss = tf.contrib.seq2seq.sequenceLoss(logits, tf.gather(targets, tf.range(steps), { axis: 1 }), mask);
const train = new tf.train.AdamOptimizer(0.01).minimize(loss);

// inference: the same decoder variables, greedy ids fed back until </s>
const startTokens = tf.fill(tf.stack([tf.index(tf.shape(source), 0)]), tf.constant(GO, 'int32'));
const inferHelper = new tf.contrib.seq2seq.GreedyEmbeddingHelper(embedding, startTokens, EOS);
const inferDecoder = new tf.contrib.seq2seq.BasicDecoder(decCell, inferHelper, encState, { outputLayer: projection });
const [inferOut, , inferLength] = tf.variableScope('decoder', { reuse: true }, (scope) =>
  tf.contrib.seq2seq.dynamicDecode(inferDecoder, { maximumIterations: MAX_LEN + 1, scope }),
) as unknown as [tf.contrib.seq2seq.BasicDecoderOutput, unknown, tf.Tensor];

const sess = new tf.Session();
await sess.run(tf.globalVariablesInitializer());
const total = Number(args.steps);
for (let step = 1; step <= total; step++) {
  const b = batch(BATCH);
  const [, l] = (await sess.run([train, loss], new Map([[source, b.src], [sourceLength, b.srcLen], [decoderInputs, b.decIn], [targets, b.tgt], [targetLength, b.tgtLen]]))) as [unknown, tf.NDArray];
  if (step === 1 || step % 100 === 0 || step === total) console.log(`Step ${step}, Minibatch Loss= ${Number(l.data[0]).toFixed(4)}`);
}

const test = batch(200);
const [ids, lens] = (await sess.run([inferOut.sampleId, inferLength], new Map([[source, test.src], [sourceLength, test.srcLen]]))) as tf.NDArray[];
const width = ids!.shape[1]!;
let exact = 0;
test.seqs.forEach((seq, b) => {
  const got = Array.from(ids!.data as Int32Array).slice(b * width, b * width + Number(lens!.data[b]));
  const want = [...[...seq].reverse(), EOS];
  if (got.length === want.length && got.every((x, i) => x === want[i])) exact++;
});
console.log(`Exact reversals: ${exact / test.seqs.length}`);
await sess.close();
