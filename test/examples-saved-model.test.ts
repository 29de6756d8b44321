/**
 * examples/tf1/mnist-saved-model.ts (TF Serving's mnist_saved_model.py) run bounded in a child
 * process; its export is loaded back with tf.savedModel.loader.load in a fresh graph, as
 * tensorflow_model_server would, and classifies MNIST test digits through its two signatures:
 * `serving_default` (serialized tf.Examples in, class names and scores out) and `predict_images`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const base = mkdtempSync(path.join(tmpdir(), 'mnist-saved-model-test-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('examples/tf1/mnist-saved-model.ts', () => {
  it('trains, exports a SavedModel, and the export classifies digits through its signatures in a fresh graph', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/tf1/mnist-saved-model.ts', '--training_iteration', '300', '--model_version', '3', base], {
      cwd: root, timeout: 300_000, maxBuffer: 1 << 24,
    });
    const acc = Number(/^training accuracy ([\d.]+)$/m.exec(stdout)![1]);
    // 300 steps of batch 50 at rate 0.01 on summed cross-entropy: 0.8825 here (chance is 0.1).
    expect(acc).toBeGreaterThan(0.85);
    expect(stdout).toContain(`Exporting trained model to ${path.join(base, '3')}`);
    expect(stdout).toMatch(/^Done exporting!$/m);
    const exportDir = path.join(base, '3');
    expect(tf.savedModel.loader.maybeSavedModelDirectory(exportDir)).toBe(true);

    const g = new tf.Graph();
    const sess = new tf.Session({ graph: g });
    const mg = await tf.savedModel.loader.load(sess, [tf.savedModel.tagConstants.SERVING], exportDir);
    expect(mg.metaInfoDef!.strippedDefaultAttrs).toBe(true);
    // the class names come from index_to_string_table_from_tensor's table, filled by the main op
    expect(mg.collectionDef.saved_model_main_op!.nodeList!.value).toEqual(['init_all_tables']);
    expect(g.getOperations().filter((o) => o.type === 'HashTableV2' || o.type === 'LookupTableFindV2').length).toBe(2);
    const classify = mg.signatureDef[tf.savedModel.signatureConstants.DEFAULT_SERVING_SIGNATURE_DEF_KEY]!;
    const predict = mg.signatureDef.predict_images!;
    expect(classify.methodName).toBe('tensorflow/serving/classify');
    expect(predict.methodName).toBe('tensorflow/serving/predict');
    expect(tf.savedModel.isValidSignature(classify) && tf.savedModel.isValidSignature(predict)).toBe(true);
    const t = (info: tf.savedModel.TensorInfo) => tf.savedModel.getTensorFromTensorInfo(info, g) as tf.Tensor;

    // 200 MNIST test digits, as tf.Examples with their 784 pixels under "x".
    const mnist = tf.data.mnist.load(path.join(root, 'test/fixtures/datasets/mnist')).test!;
    const N = 200;
    const pixels = (i: number) => Array.from((mnist.images.data as Float32Array).subarray(i * 784, (i + 1) * 784));
    const examples = Array.from({ length: N }, (_, i) =>
      new tf.train.Example({ features: { feature: { x: { floatList: { value: pixels(i) } } } } }).serializeToString(),
    );
    const [classes, scores] = (await sess.run([t(classify.outputs.classes!), t(classify.outputs.scores!)], new Map([[t(classify.inputs.inputs!), tf.NDArray.fromStrings(examples)]]))) as tf.NDArray[];
    expect(classes!.shape).toEqual([N, 10]);
    expect(scores!.shape).toEqual([N, 10]);
    const labels = mnist.labels.data;
    let right = 0;
    for (let i = 0; i < N; i++) {
      const row = Array.from(scores!.data.subarray(i * 10, (i + 1) * 10) as Float32Array);
      // top_k order, softmax probabilities
      for (let k = 1; k < 10; k++) expect(row[k]!).toBeLessThanOrEqual(row[k - 1]!);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      const names = Array.from({ length: 10 }, (_, k) => classes!.get(i, k));
      expect([...names].sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      if (Number(names[0]) === Number(labels[i])) right++;
    }
    expect(right / N).toBeGreaterThan(0.8);

    // predict_images: the same probabilities from the pixels directly, in class order.
    const images = new tf.NDArray((mnist.images.data as Float32Array).slice(0, N * 784), [N, 784]);
    const probs = (await sess.run(t(predict.outputs.scores!), new Map([[t(predict.inputs.images!), images]]))) as tf.NDArray;
    for (let i = 0; i < N; i += 37) {
      for (let k = 0; k < 10; k++) {
        const cls = Number(classes!.get(i, k));
        expect(probs.get(i, cls)).toBeCloseTo(scores!.get(i, k) as number, 6);
      }
    }
    await sess.close();
  }, 320_000);
});
