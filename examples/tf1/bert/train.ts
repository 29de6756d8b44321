// A tiny run_classifier: fine-tunes a small BERT (examples/tf1/bert/modeling.ts) with BERT's
// AdamWeightDecayOptimizer (examples/tf1/bert/optimization.ts) on a synthetic classification
// task, saves a checkpoint, and restores it into a fresh graph the way run_classifier's
// model_fn does (get_assignment_map_from_checkpoint + tf.train.init_from_checkpoint).
//
// `createModel` is a port of google-research/bert's run_classifier.py create_model (Copyright
// 2018 The Google AI Language Team Authors, Apache License 2.0) line by line; the rest stands in
// for run_classifier's TPUEstimator with a plain Session. The task: each sequence is
// [CLS] followed by random tokens holding token 5 and token 7 once each, padded to
// --max_seq_length; the label is whether 5 comes before 7 (so the model must attend to positions).
//
//   npx tsx examples/tf1/bert/train.ts [--num_train_steps 300] [--output_dir DIR]
// Run by test/examples-bert.test.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import * as modeling from './modeling.js';
import * as optimization from './optimization.js';

const { values: FLAGS } = parseArgs({
  options: {
    output_dir: { type: 'string' }, // where bert_config.json and the checkpoint go (default a fresh temporary directory)
    max_seq_length: { type: 'string', default: '12' },
    train_batch_size: { type: 'string', default: '32' },
    learning_rate: { type: 'string', default: '1e-3' }, // (run_classifier's default 5e-5 is for a pre-trained model; this one starts from scratch)
    num_train_steps: { type: 'string', default: '300' },
    warmup_proportion: { type: 'string', default: '0.1' },
    num_eval_examples: { type: 'string', default: '256' },
    seed: { type: 'string', default: '1' },
  },
});

const CLS = 1;
const VOCAB_SIZE = 30;
const NUM_LABELS = 2;
const maxSeqLength = Number(FLAGS.max_seq_length);

/** A seeded generator (mulberry32) for the synthetic examples. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Features {
  inputIds: tf.NDArray;
  inputMask: tf.NDArray;
  segmentIds: tf.NDArray;
  labelIds: tf.NDArray;
}

/** `n` examples: [CLS] + 4..max_seq_length-1 tokens (5 and 7 once each, the others from 2..29 but 5 and 7), then padding 0. */
function makeExamples(n: number, random: () => number): Features {
  const ids = new Int32Array(n * maxSeqLength);
  const mask = new Int32Array(n * maxSeqLength);
  const labels = new Int32Array(n);
  const others = [...Array(VOCAB_SIZE).keys()].filter((t) => t >= 2 && t !== 5 && t !== 7);
  for (let i = 0; i < n; i++) {
    const len = 4 + Math.floor(random() * (maxSeqLength - 4)); // tokens after [CLS]
    const tokens = Array.from({ length: len }, () => others[Math.floor(random() * others.length)]!);
    const p5 = Math.floor(random() * len);
    let p7 = Math.floor(random() * (len - 1));
    if (p7 >= p5) p7++;
    tokens[p5] = 5;
    tokens[p7] = 7;
    [CLS, ...tokens].forEach((t, j) => {
      ids[i * maxSeqLength + j] = t;
      mask[i * maxSeqLength + j] = 1;
    });
    labels[i] = p5 < p7 ? 1 : 0;
  }
  return {
    inputIds: new tf.NDArray(ids, [n, maxSeqLength], 'int32'),
    inputMask: new tf.NDArray(mask, [n, maxSeqLength], 'int32'),
    segmentIds: new tf.NDArray(new Int32Array(n * maxSeqLength), [n, maxSeqLength], 'int32'),
    labelIds: new tf.NDArray(labels, [n], 'int32'),
  };
}

/** Creates a classification model. */
function createModel(bertConfig: modeling.BertConfig, isTraining: boolean, inputIds: tf.Tensor, inputMask: tf.Tensor, segmentIds: tf.Tensor,
  labels: tf.Tensor, numLabels: number, useOneHotEmbeddings: boolean): [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor] {
  const model = new modeling.BertModel({
    config: bertConfig,
    isTraining,
    inputIds,
    inputMask,
    tokenTypeIds: segmentIds,
    useOneHotEmbeddings,
  });

  // In the demo, we are doing a simple classification task on the entire segment.
  //
  // If you want to use the token-level output, use model.getSequenceOutput() instead.
  let outputLayer = model.getPooledOutput();

  const hiddenSize = outputLayer.getShape()[-1]!.value!;

  const outputWeights = tf.getVariable('output_weights', [numLabels, hiddenSize], { initializer: tf.truncatedNormalInitializer({ stddev: 0.02 }) });

  const outputBias = tf.getVariable('output_bias', [numLabels], { initializer: tf.zerosInitializer() });

  return tf.variableScope('loss', () => {
    if (isTraining) {
      // I.e., 0.1 dropout
      outputLayer = tf.nn.dropout(outputLayer, { keepProb: 0.9 });
    }

    let logits = tf.matmul(outputLayer, outputWeights, { transposeB: true });
    logits = tf.nn.biasAdd(logits, outputBias);
    const probabilities = tf.nn.softmax(logits, { axis: -1 });
    const logProbs = tf.nn.logSoftmax(logits, { axis: -1 });

    const oneHotLabels = tf.oneHot(labels, { depth: numLabels, dtype: tf.float32 });

    const perExampleLoss = tf.negative(tf.reduceSum(tf.multiply(oneHotLabels, logProbs), { axis: -1 }));
    const loss = tf.reduceMean(perExampleLoss);

    return [loss, perExampleLoss, logits, probabilities];
  });
}

interface Inputs {
  inputIds: tf.Tensor;
  inputMask: tf.Tensor;
  segmentIds: tf.Tensor;
  labelIds: tf.Tensor;
}

/** The features run_classifier's input_fn gives model_fn, as placeholders (a dynamic batch dimension). */
function placeholders(): Inputs {
  return {
    inputIds: tf.placeholder(tf.int32, [null, maxSeqLength], 'input_ids'),
    inputMask: tf.placeholder(tf.int32, [null, maxSeqLength], 'input_mask'),
    segmentIds: tf.placeholder(tf.int32, [null, maxSeqLength], 'segment_ids'),
    labelIds: tf.placeholder(tf.int32, [null], 'label_ids'),
  };
}

function feed(p: Inputs, f: Features, begin = 0, size = f.labelIds.shape[0]!): Map<tf.Tensor, tf.NDArray> {
  const rows = (a: tf.NDArray, w: number): tf.NDArray =>
    new tf.NDArray((a.data as Int32Array).subarray(begin * w, (begin + size) * w), w === 1 ? [size] : [size, w], 'int32');
  return new Map([
    [p.inputIds, rows(f.inputIds, maxSeqLength)], [p.inputMask, rows(f.inputMask, maxSeqLength)],
    [p.segmentIds, rows(f.segmentIds, maxSeqLength)], [p.labelIds, rows(f.labelIds, 1)],
  ]);
}

function accuracy(logits: tf.NDArray, labels: tf.NDArray): number {
  const l = logits.data as Float32Array;
  let correct = 0;
  for (let i = 0; i < labels.shape[0]!; i++) if (Number(l[2 * i + 1]! > l[2 * i]!) === labels.data[i]) correct++;
  return correct / labels.shape[0]!;
}

async function main(): Promise<void> {
  const outputDir = FLAGS.output_dir ?? mkdtempSync(join(tmpdir(), 'bert-'));
  tf.gfile.MakeDirs(outputDir);
  const seed = Number(FLAGS.seed);
  const random = rng(seed);
  const trainBatchSize = Number(FLAGS.train_batch_size);
  const numTrainSteps = Number(FLAGS.num_train_steps);
  const numWarmupSteps = Math.trunc(numTrainSteps * Number(FLAGS.warmup_proportion));

  const bertConfig = new modeling.BertConfig(VOCAB_SIZE, {
    hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 64, maxPositionEmbeddings: 16, typeVocabSize: 2,
  });
  const configFile = join(outputDir, 'bert_config.json');
  const writer = new tf.gfile.GFile(configFile, 'w');
  writer.write(bertConfig.toJsonString());
  writer.close();

  const train = makeExamples(trainBatchSize * numTrainSteps, random);
  const evalSet = makeExamples(Number(FLAGS.num_eval_examples), random);

  // Training: model_fn in TRAIN mode (dropout on), run_classifier's estimator.train.
  let ckpt!: string;
  await new tf.Graph().asDefault(async () => {
    tf.setRandomSeed(seed);
    const p = placeholders();
    const [totalLoss] = createModel(bertConfig, true, p.inputIds, p.inputMask, p.segmentIds, p.labelIds, NUM_LABELS, false);
    const trainOp = optimization.createOptimizer(totalLoss, Number(FLAGS.learning_rate), numTrainSteps, numWarmupSteps, false);
    const saver = new tf.train.Saver();

    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    for (let step = 0; step < numTrainSteps; step++) {
      const [loss] = await sess.run([totalLoss, trainOp], feed(p, train, step * trainBatchSize, trainBatchSize));
      if (step % 25 === 0 || step === numTrainSteps - 1) console.log(`step ${step}, loss ${(loss!.toArray() as number).toFixed(4)}`);
    }
    const [globalStep] = await sess.run([tf.train.getOrCreateGlobalStep()]);
    console.log(`global_step ${String(globalStep!.toArray())}`);
    ckpt = (await saver.save(sess, join(outputDir, 'model.ckpt'), { globalStep: numTrainSteps }))!;
    console.log(`Saved checkpoint ${ckpt}`);
    await sess.close();
  });

  // Evaluation: model_fn in EVAL mode (no dropout) in a fresh graph restored by a Saver, as
  // estimator.evaluate does.
  let evalLogits!: tf.NDArray;
  await new tf.Graph().asDefault(async () => {
    const p = placeholders();
    const [, , logits] = createModel(bertConfig, false, p.inputIds, p.inputMask, p.segmentIds, p.labelIds, NUM_LABELS, false);
    const sess = new tf.Session();
    await new tf.train.Saver().restore(sess, ckpt);
    [evalLogits] = await sess.run([logits], feed(p, evalSet));
    console.log(`eval_accuracy = ${accuracy(evalLogits, evalSet.labelIds).toFixed(4)}`);
    await sess.close();
  });

  // Fine-tuning's start: a fresh graph whose variables are initialized from the checkpoint
  // (--init_checkpoint), with the config read back from bert_config.json, as model_fn does.
  await new tf.Graph().asDefault(async () => {
    const restoredConfig = modeling.BertConfig.fromJsonFile(configFile);
    const p = placeholders();
    const [, , logits] = createModel(restoredConfig, false, p.inputIds, p.inputMask, p.segmentIds, p.labelIds, NUM_LABELS, false);

    const tvars = tf.trainableVariables();
    const [assignmentMap, initializedVariableNames] = modeling.getAssignmentMapFromCheckpoint(tvars, ckpt);
    tf.train.initFromCheckpoint(ckpt, assignmentMap);

    console.log('**** Trainable Variables ****');
    for (const v of tvars) {
      const initString = v.name in initializedVariableNames ? ', *INIT_FROM_CKPT*' : '';
      console.log(`  name = ${v.name}, shape = ${String(v.getShape())}${initString}`);
    }

    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    const [restoredLogits] = await sess.run([logits], feed(p, evalSet));
    let maxDiff = 0;
    restoredLogits!.data.forEach((x, i) => { maxDiff = Math.max(maxDiff, Math.abs((x as number) - (evalLogits.data[i] as number))); });
    console.log(`init_from_checkpoint eval_accuracy = ${accuracy(restoredLogits!, evalSet.labelIds).toFixed(4)}, max |logits - evaluated logits| = ${maxDiff}`);
    await sess.close();
  });
}

await main();
