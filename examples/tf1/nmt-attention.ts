// Attention seq2seq with beam search (tf.contrib.seq2seq), TF's NMT tutorial recipe on a toy task:
// learn to reverse a sequence of tokens.
//
// Training graph: an LSTM encoder (tf.nn.dynamicRnn over embedded source tokens with their
// lengths); its outputs are the memory of a BahdanauAttention (normalized) or LuongAttention
// (scaled) masked by the source lengths; an AttentionWrapper around the decoder LSTM with an
// attention layer, its zero state cloned with the encoder's final state; TrainingHelper +
// BasicDecoder + sequenceLoss. The variables are saved by tf.train.Saver and restored by name
// into a separate inference graph (as NMT does), where the memory, its lengths and the encoder
// state are tileBatch'ed by the beam width for a BeamSearchDecoder with a length penalty; the
// best beam's ids (predictedIds[:, :, 0]) are checked.
// Tokens: 0 padding, 1 <s>, 2 </s>, 3..9 the symbols; sources of 3 to 6 symbols.
// Bounded to 300 steps for the test run (seed 1); the check accepts 0.8 and above:
// test-args: --steps 300
// test-check: ^Step 300, Minibatch Loss= \d\.\d{4}$
// test-check: ^Exact reversals \(beam search, width 3\): (0\.[89]\d*|1)$
//
//   npx tsx examples/tf1/nmt-attention.ts [--steps 1000] [--seed 1] [--attention bahdanau|luong]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import { EOS, GO, MAX_LEN, VOCAB, reverseBatches } from './reverse-data.js';

const { values: args } = parseArgs({
  options: { steps: { type: 'string', default: '1000' }, seed: { type: 'string', default: '1' }, attention: { type: 'string', default: 'bahdanau' } },
});
if (args.attention !== 'bahdanau' && args.attention !== 'luong') throw new Error(`--attention must be bahdanau or luong, got ${args.attention}`);

const EMB = 16;
const UNITS = 32;
const BATCH = 32;
const BEAM = 3;
const s2s = tf.contrib.seq2seq;

const batch = reverseBatches(Number(args.seed));

/** The encoder and the attention decoder cell; `beam` > 1 tiles what the decoder reads. */
function encoderDecoder(beam: number) {
  const source = tf.placeholder('int32', [null, MAX_LEN], 'source');
  const sourceLength = tf.placeholder('int32', [null], 'source_length');
  const embedding = tf.getVariable('embedding', [VOCAB, EMB]);
  const encCell = new tf.contrib.rnn.BasicLSTMCell(UNITS);
  const [encOut, encState] = tf.nn.dynamicRnn(encCell, tf.nn.embeddingLookup(embedding, source), { sequenceLength: sourceLength, dtype: 'float32', scope: 'encoder' });
  const tileIf = <T>(x: T): T => (beam > 1 ? (s2s.tileBatch(x, beam) as T) : x);
  const memory = tileIf(encOut as tf.Tensor);
  const memoryLength = tileIf(sourceLength);
  const mechanism = args.attention === 'luong'
    ? new s2s.LuongAttention(UNITS, memory, memoryLength, { scale: true })
    : new s2s.BahdanauAttention(UNITS, memory, memoryLength, { normalize: true });
  const cell = new s2s.AttentionWrapper(new tf.contrib.rnn.BasicLSTMCell(UNITS), mechanism, { attentionLayerSize: UNITS });
  const batchSize = tf.index(tf.shape(source), 0);
  const zero = cell.zeroState(tf.multiply(batchSize, beam), 'float32') as unknown as tf.contrib.seq2seq.AttentionWrapperState;
  const initialState = zero.clone({ cellState: tileIf(encState) });
  const projection = new tf.layers.Dense(VOCAB, { useBias: false, name: 'output_projection' });
  return { source, sourceLength, embedding, cell, initialState, projection, batchSize };
}

const dir = mkdtempSync(join(tmpdir(), 'nmt-attention-'));
const ckpt = join(dir, 'model.ckpt');

// --- training graph
const trainGraph = new tf.Graph();
const tr = trainGraph.asDefault(() => {
  tf.setRandomSeed(Number(args.seed));
  const m = encoderDecoder(1);
  const decoderInputs = tf.placeholder('int32', [null, MAX_LEN + 1], 'decoder_inputs');
  const targets = tf.placeholder('int32', [null, MAX_LEN + 1], 'targets');
  const targetLength = tf.placeholder('int32', [null], 'target_length');
  const helper = new s2s.TrainingHelper(tf.nn.embeddingLookup(m.embedding, decoderInputs), targetLength);
  const decoder = new s2s.BasicDecoder(m.cell, helper, m.initialState as never, { outputLayer: m.projection });
  const [out] = s2s.dynamicDecode(decoder) as unknown as [tf.contrib.seq2seq.BasicDecoderOutput];
  const logits = out.rnnOutput;
  const steps = tf.index(tf.shape(logits), 1);
  const mask = tf.sequenceMask(targetLength, steps, 'float32');
  const loss = s2s.sequenceLoss(logits, tf.gather(targets, tf.range(steps), { axis: 1 }), mask);
  const train = new tf.train.AdamOptimizer(0.01).minimize(loss);
  return { ...m, decoderInputs, targets, targetLength, loss, train, init: tf.globalVariablesInitializer(), saver: new tf.train.Saver() };
});
const trainSess = new tf.Session({ graph: trainGraph });
await trainSess.run(tr.init);
const total = Number(args.steps);
for (let step = 1; step <= total; step++) {
  const b = batch(BATCH);
  const feed = new Map([[tr.source, b.src], [tr.sourceLength, b.srcLen], [tr.decoderInputs, b.decIn], [tr.targets, b.tgt], [tr.targetLength, b.tgtLen]]);
  const [, l] = (await trainSess.run([tr.train, tr.loss], feed)) as [unknown, tf.NDArray];
  if (step === 1 || step % 100 === 0 || step === total) console.log(`Step ${step}, Minibatch Loss= ${Number(l.data[0]).toFixed(4)}`);
}
await tr.saver.save(trainSess, ckpt);
await trainSess.close();

// --- inference graph: the same variable names, restored from the checkpoint
const inferGraph = new tf.Graph();
const inf = inferGraph.asDefault(() => {
  const m = encoderDecoder(BEAM);
  const startTokens = tf.fill(tf.stack([m.batchSize]), tf.constant(GO, 'int32'));
  const decoder = new s2s.BeamSearchDecoder(m.cell, m.embedding, startTokens, EOS, m.initialState as never, BEAM, { outputLayer: m.projection, lengthPenaltyWeight: 0.5 });
  const [out] = s2s.dynamicDecode(decoder, { maximumIterations: MAX_LEN + 1 }) as unknown as [tf.contrib.seq2seq.FinalBeamSearchDecoderOutput];
  const best = tf.index(out.predictedIds, '...', 0); // predicted_ids[:, :, 0]: the best beam
  return { ...m, best, saver: new tf.train.Saver() };
});
const inferSess = new tf.Session({ graph: inferGraph });
await inf.saver.restore(inferSess, ckpt);
const test = batch(200);
const ids = (await inferSess.run(inf.best, new Map([[inf.source, test.src], [inf.sourceLength, test.srcLen]]))) as tf.NDArray;
const width = ids.shape[1]!;
let exact = 0;
test.seqs.forEach((seq, b) => {
  const row = Array.from(ids.data as Int32Array).slice(b * width, (b + 1) * width);
  const end = row.indexOf(EOS);
  const got = end < 0 ? row : row.slice(0, end + 1);
  const want = [...[...seq].reverse(), EOS];
  if (got.length === want.length && got.every((x, i) => x === want[i])) exact++;
});
console.log(`Exact reversals (beam search, width ${BEAM}): ${exact / test.seqs.length}`);
await inferSess.close();
rmSync(dir, { recursive: true, force: true });
