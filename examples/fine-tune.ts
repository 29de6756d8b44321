// Fine-tuning from a checkpoint, TF1 style (sklearn's 8x8 digits):
//   1. train a small classifier 64 -> layer1 (32) -> out (10), save it;
//   2. build a changed model 64 -> layer1 (32) -> layer2 (24, new) -> out (10): layer1 keeps its
//      name and shape, out/weights is now [24,10] instead of [32,10];
//   3. restoring everything fails (a missing key, then the shape mismatch), so restore what
//      fits through a varList object {checkpoint key: variable}, and continue training.
// Layers are named explicitly (`layer1/weights`, ...) so that their checkpoint keys stay stable
// when other layers are added: default names (`Variable_3`) shift with creation order.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as tf from 'tsflow';

const DIGITS = fileURLToPath(new URL('../test/fixtures/datasets/sklearn_digits/digits.csv.gz', import.meta.url));
const TRAIN = 1500;

// ---- data: 1797 rows of 64 pixel values (0..16) and the label
const rows = gunzipSync(fs.readFileSync(DIGITS)).toString('utf8').trim().split('\n');
const pixels = new Float32Array(rows.length * 64);
const labels = new Int32Array(rows.length);
rows.forEach((line, i) => {
  const v = line.split(',').map(Number);
  for (let j = 0; j < 64; j++) pixels[i * 64 + j] = v[j]! / 16;
  labels[i] = v[64]!;
});
const split = (a: Float32Array | Int32Array, from: number, to: number, width: number): tf.NDArray =>
  new tf.NDArray(a.slice(from * width, to * width), width === 1 ? [to - from] : [to - from, width]);
const trainX = split(pixels, 0, TRAIN, 64);
const trainY = split(labels, 0, TRAIN, 1);
const testX = split(pixels, TRAIN, rows.length, 64);
const testY = split(labels, TRAIN, rows.length, 1);

// ---- model building
function dense(x: tf.Tensor, units: number, name: string, seed: number, act = true): tf.Tensor {
  const inputs = x.shape![1]!;
  return tf.nameScope(name, () => {
    const w = new tf.Variable(tf.truncatedNormal([inputs, units], { stddev: Math.sqrt(2 / inputs), seed }), { name: 'weights' });
    const b = new tf.Variable(tf.zeros([units]), { name: 'biases' });
    const z = tf.nn.biasAdd(tf.matmul(x, w), b);
    return act ? tf.nn.relu(z) : z;
  });
}

interface Model {
  graph: tf.Graph;
  x: tf.Tensor;
  y: tf.Tensor;
  loss: tf.Tensor;
  accuracy: tf.Tensor;
  train: tf.Operation;
}

function buildModel(hidden: number[], lr: number): Model {
  const graph = new tf.Graph();
  return graph.asDefault(() => {
    tf.setRandomSeed(2024);
    const x = tf.placeholder(tf.float32, [null, 64], 'x');
    const y = tf.placeholder(tf.int32, [null], 'y');
    let h = x;
    hidden.forEach((units, i) => (h = dense(h, units, `layer${i + 1}`, 10 + i)));
    const logits = dense(h, 10, 'out', 99, false);
    const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }));
    const correct = tf.equal(tf.cast(tf.argmax(logits, 1), tf.int32), y);
    const accuracy = tf.reduceMean(tf.cast(correct, tf.float32));
    const globalStep = tf.train.getOrCreateGlobalStep();
    const train = new tf.train.AdamOptimizer(lr).minimize(loss, { globalStep });
    return { graph, x, y, loss, accuracy, train };
  });
}

async function fit(sess: tf.Session, m: Model, epochs: number, seed: number): Promise<void> {
  const data = tf.data.batches(50, trainX, trainY, { shuffle: true, seed });
  for (let e = 0; e < epochs; e++) {
    for (const [bx, by] of data) await sess.run(m.train, new Map([[m.x, bx], [m.y, by]]));
  }
}

async function evaluate(sess: tf.Session, m: Model): Promise<string> {
  const [loss, acc] = (await sess.run([m.loss, m.accuracy], new Map([[m.x, testX], [m.y, testY]]))) as tf.NDArray[];
  return `test loss ${(loss!.data[0]!).toFixed(4)}, accuracy ${(100 * acc!.data[0]!).toFixed(1)} %`;
}

const ckptDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-fine-tune-'));
try {
  // ---- 1. the base model
  const base = buildModel([32], 0.01);
  const baseSaver = base.graph.asDefault(() => new tf.train.Saver());
  let layer1Saved: tf.NDArray;
  {
    await using sess = new tf.Session({ graph: base.graph });
    await sess.run(base.graph.asDefault(() => tf.globalVariablesInitializer()));
    await fit(sess, base, 3, 1);
    console.log(`base model (64-32-10): ${await evaluate(sess, base)}`);
    const step = base.graph.asDefault(() => tf.train.getGlobalStep())!;
    const saved = await baseSaver.save(sess, path.join(ckptDir, 'model.ckpt'), { globalStep: step });
    console.log(`saved ${path.basename(saved!)}`);
    layer1Saved = await sess.readVariable(baseSaver.varList.get('layer1/weights')!);
  }

  const ckpt = tf.train.latestCheckpoint(ckptDir)!;
  const stored = new Map(tf.train.listVariables(ckpt));
  console.log('checkpoint keys:');
  for (const [name, shape] of stored) console.log(`  ${name} [${shape.join(',')}]`);

  // ---- 2. the changed model: a new layer2, so out/weights is resized
  const tuned = buildModel([32, 24], 0.005);
  const all = tuned.graph.asDefault(() => tf.globalVariables());
  await using sess = new tf.Session({ graph: tuned.graph });
  await sess.run(tuned.graph.asDefault(() => tf.globalVariablesInitializer()));

  // ---- 3a. restoring everything fails
  for (const [what, vars] of [
    ['all variables', all],
    ['all variables found in the checkpoint', all.filter((v) => stored.has(v.op.name))],
  ] as const) {
    try {
      await new tf.train.Saver(vars).restore(sess, ckpt);
    } catch (e) {
      console.log(`restoring ${what} fails (${(e as Error).name}):\n  ${(e as Error).message.replaceAll('\n', '\n  ')}`);
    }
  }

  // ---- 3b. restore what fits: same name and shape. Optimizer slots and the global step are
  // left out on purpose: this is a new training run with a new optimizer.
  const fits: Record<string, tf.Variable> = {};
  for (const v of all) {
    const shape = stored.get(v.op.name);
    if (/^(layer\d+|out)\/(weights|biases)$/.test(v.op.name) && shape && v.hasShape(shape)) fits[v.op.name] = v;
  }
  console.log(`restoring ${Object.keys(fits).join(', ')}`);
  await new tf.train.Saver(fits).restore(sess, ckpt);
  const same = (await sess.readVariable(fits['layer1/weights']!)).data.every((x, i) => x === layer1Saved.data[i]);
  console.log(`layer1/weights equal to the saved ones: ${same}`);
  console.log(`changed model (64-32-24-10) before fine-tuning: ${await evaluate(sess, tuned)}`);
  await fit(sess, tuned, 2, 2);
  console.log(`changed model after fine-tuning:             ${await evaluate(sess, tuned)}`);
} finally {
  fs.rmSync(ckptDir, { recursive: true, force: true });
}
