/**
 * tf.featureColumn (numeric, bucketized, identity / vocabulary-list / hash-bucket categorical,
 * indicator and embedding columns; inputLayer and linearModel) and the canned estimators
 * DNNClassifier, DNNRegressor, LinearClassifier, LinearRegressor: column values against hand
 * computations, TF1's variable names and scopes, TF1's errors, and the estimators trained on small
 * synthetic problems (accuracy / loss reached, TF1's evaluation and prediction keys, the model
 * dir resumed by a second estimator).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';

const fc = tf.featureColumn;
const dirs: string[] = [];
const modelDir = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'tsflow-canned-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
tf.logging.setVerbosity(tf.logging.WARN);

const arr = (a: unknown): number[] => Array.from((a as NDArray).data as ArrayLike<number>, Number);

describe('feature columns', () => {
  it('inputLayer: numeric, bucketized, indicator (vocabulary with OOV) and embedding (identity) columns, sorted by name, in TF1 scopes', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const features: Record<string, Tensor> = {
        price: tf.constant([[1, 2], [3, 4]], 'float32'),
        age: tf.constant([15, 40], 'float32'),
        color: tf.constant(['red', 'teal'], 'string'),
        item: tf.constant([[1, 2], [0, -1]], 'int64'),
      };
      const age = fc.numericColumn('age');
      const cols = [
        fc.numericColumn('price', { shape: [2], normalizerFn: (t) => tf.multiply(t, 10) }),
        fc.bucketizedColumn(age, [18, 25, 30]),
        fc.indicatorColumn(fc.categoricalColumnWithVocabularyList('color', ['red', 'green', 'blue'], { numOovBuckets: 2 })),
        fc.embeddingColumn(fc.categoricalColumnWithIdentity('item', 3), 2, { initializer: tf.constantInitializer([[1, 2], [3, 4], [5, 6]]) }),
      ];
      return { out: fc.inputLayer(features, cols), vars: tf.globalVariables(), init: tf.globalVariablesInitializer() };
    });
    expect(m.vars.map((v) => v.name)).toEqual(['input_layer/item_embedding/embedding_weights:0']);
    const sess = new tf.Session({ graph: g });
    await sess.run(m.init);
    const out = (await sess.run(m.out)) as NDArray;
    // columns by name: age_bucketized (4), color_indicator (5), item_embedding (2), price (2)
    expect(out.shape).toEqual([2, 13]);
    const rows = [arr(out).slice(0, 13), arr(out).slice(13)];
    expect(rows[0]!.slice(0, 4)).toEqual([1, 0, 0, 0]); // 15 < 18
    expect(rows[1]!.slice(0, 4)).toEqual([0, 0, 0, 1]); // 40 >= 30
    expect(rows[0]!.slice(4, 9)).toEqual([1, 0, 0, 0, 0]); // red
    expect(rows[1]!.slice(4, 7)).toEqual([0, 0, 0]); // teal: an OOV bucket
    expect(rows[1]!.slice(7, 9).reduce((a, b) => a + b)).toBe(1);
    expect(rows[0]!.slice(9, 11)).toEqual([4, 5]); // mean of rows 1 and 2
    expect(rows[1]!.slice(9, 11)).toEqual([1, 2]); // row 0; the -1 is dropped
    expect(rows[0]!.slice(11)).toEqual([10, 20]);
    await sess.close();
  });

  it('linearModel: weights per column and bias_weights, categorical rows summed; hash buckets', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const features = { x: tf.constant([[2], [3]], 'float32'), c: tf.constant([1, 0], 'int32'), h: tf.constant(['a', 'b']) };
      const cols = [fc.numericColumn('x'), fc.categoricalColumnWithIdentity('c', 2), fc.categoricalColumnWithHashBucket('h', 5)];
      const logits = fc.linearModel(features, cols, { units: 1 });
      const byName = new Map(tf.globalVariables().map((v) => [v.op.name, v]));
      const sets = [
        tf.assign(byName.get('linear_model/x/weights')!, [[0.5]]),
        tf.assign(byName.get('linear_model/c/weights')!, [[10], [20]]),
        tf.assign(byName.get('linear_model/bias_weights')!, [1]),
      ];
      return { logits, names: [...byName.keys()], sets, hashIds: tf.stringToHashBucketFast(features.h, 5) };
    });
    expect(m.names).toEqual(['linear_model/c/weights', 'linear_model/h/weights', 'linear_model/x/weights', 'linear_model/bias_weights']);
    const sess = new tf.Session({ graph: g });
    await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
    await sess.run(m.sets);
    expect(arr(await sess.run(m.logits))).toEqual([0.5 * 2 + 20 + 1, 0.5 * 3 + 10 + 1]);
    await sess.close();
  });

  it("TF1's errors", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => fc.inputLayer({ c: tf.constant([1]) }, [fc.categoricalColumnWithIdentity('c', 2)])).toThrow('Items of feature_columns must be a _DenseColumn');
      expect(() => fc.inputLayer({}, [fc.numericColumn('x')])).toThrow('The feature x is not in features dictionary.');
      expect(() => fc.bucketizedColumn(fc.numericColumn('x'), [3, 1])).toThrow('boundaries must be a sorted list.');
      expect(() => fc.categoricalColumnWithVocabularyList('v', ['a', 'a'])).toThrow('Duplicate keys in vocabulary_list');
      expect(() => fc.categoricalColumnWithIdentity('c', 0)).toThrow('num_buckets 0 < 1, column_name c');
      expect(() => fc.embeddingColumn(fc.categoricalColumnWithIdentity('c', 2), 0)).toThrow('Invalid dimension 0.');
    });
  });

  it('an identity column id out of range fails the run with TF1\'s message', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const ids = tf.placeholder('int32', [null]);
      return { ids, out: fc.inputLayer({ c: ids }, [fc.indicatorColumn(fc.categoricalColumnWithIdentity('c', 3))]) };
    });
    const sess = new tf.Session({ graph: g });
    expect(arr(await sess.run(m.out, new Map([[m.ids, new tf.NDArray(Int32Array.from([2, -1]), [2], 'int32')]])))).toEqual([0, 0, 1, 0, 0, 0]);
    await expect(sess.run(m.out, new Map([[m.ids, new tf.NDArray(Int32Array.from([3]), [1], 'int32')]]))).rejects.toThrow(/assertion failed: \[Bucket index for categorical column \\"c\\" exceeds number of buckets\]/);
    await sess.close();
  });
});

/** n points of 2 features, 3 classes by angle sector (separable), labels int32. */
function threeClasses(n: number): { x: NDArray; y: NDArray; c: NDArray } {
  const x = new Float32Array(n * 2);
  const c = new Int32Array(n);
  const y = new Int32Array(n);
  let s = 7;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    const a = (k * 2 * Math.PI) / 3 + (rnd() - 0.5);
    const r = 1 + rnd();
    x[2 * i] = r * Math.cos(a);
    x[2 * i + 1] = r * Math.sin(a);
    y[i] = k;
    c[i] = k === 0 ? (rnd() < 0.8 ? 0 : 1) : Math.floor(rnd() * 2);
  }
  return { x: new tf.NDArray(x, [n, 2], 'float32'), y: new tf.NDArray(y, [n], 'int32'), c: new tf.NDArray(c, [n], 'int32') };
}

describe('canned estimators', () => {
  it('DNNClassifier (3 classes): trains, evaluates and predicts with TF1 names and keys; a second estimator resumes from the model dir', async () => {
    const d = threeClasses(300);
    const dir = modelDir();
    const cols = [fc.numericColumn('x', { shape: [2] }), fc.embeddingColumn(fc.categoricalColumnWithIdentity('c', 2), 2)];
    const make = () => new tf.estimator.DNNClassifier([16, 8], cols, { modelDir: dir, nClasses: 3, optimizer: () => new tf.train.AdamOptimizer(0.05) });
    const trainFn = tf.estimator.inputs.numpyInputFn({ x: d.x, c: d.c }, d.y, { batchSize: 32, numEpochs: null, shuffle: true });
    const evalFn = tf.estimator.inputs.numpyInputFn({ x: d.x, c: d.c }, d.y, { batchSize: 100, numEpochs: 1, shuffle: false });
    const est = make();
    await est.train(trainFn, { steps: 120 });
    const res = await est.evaluate(evalFn);
    expect(Object.keys(res).sort()).toEqual(['accuracy', 'average_loss', 'global_step', 'loss']);
    expect(res.global_step).toBe(120);
    expect(res.accuracy).toBeGreaterThan(0.9);
    // loss: the mean over batches of the batch's summed loss (SUM reduction); average_loss per example
    expect(res.loss).toBeCloseTo(res.average_loss! * 100, 2);
    const names = tf.train.listVariables(dir).map(([n]) => n);
    for (const n of ['dnn/hiddenlayer_0/kernel', 'dnn/hiddenlayer_0/bias', 'dnn/hiddenlayer_1/kernel', 'dnn/logits/kernel', 'dnn/logits/bias',
      'dnn/input_from_feature_columns/input_layer/c_embedding/embedding_weights', 'global_step']) expect(names).toContain(n);
    const preds: Record<string, NDArray>[] = [];
    for await (const p of est.predict(tf.estimator.inputs.numpyInputFn({ x: d.x, c: d.c }, null, { batchSize: 50, shuffle: false }))) {
      preds.push(p as Record<string, NDArray>);
      if (preds.length === 3) break;
    }
    expect(Object.keys(preds[0]!).sort()).toEqual(['class_ids', 'classes', 'logits', 'probabilities']);
    expect(preds[0]!.probabilities!.shape).toEqual([3]);
    expect(arr(preds[0]!.probabilities).reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    expect(preds.map((p) => Number(p.class_ids!.data[0]))).toEqual([0, 1, 2]);
    expect(preds.map((p) => new TextDecoder().decode(p.classes!.data[0] as unknown as Uint8Array))).toEqual(['0', '1', '2']);
    await make().train(trainFn, { steps: 10 });
    expect(Number((tf.train.loadVariable(dir, 'global_step') as NDArray).data[0])).toBe(130);
  }, 120_000);

  it('LinearClassifier (binary, FTRL by default, vocabulary labels): the binary head\'s metrics', async () => {
    const n = 200;
    const xs = new Float32Array(n);
    const labels: string[] = [];
    for (let i = 0; i < n; i++) {
      xs[i] = (i / n) * 4 - 2;
      labels.push(xs[i]! > 0.3 ? 'yes' : 'no');
    }
    const x = new tf.NDArray(xs, [n], 'float32');
    const y = tf.NDArray.fromStrings(labels);
    const est = new tf.estimator.LinearClassifier([fc.numericColumn('x'), fc.bucketizedColumn(fc.numericColumn('x'), [-1, 0, 1])], { modelDir: modelDir(), labelVocabulary: ['no', 'yes'] });
    await est.train(tf.estimator.inputs.numpyInputFn({ x }, y, { batchSize: 40, numEpochs: null, shuffle: true }), { steps: 150 });
    const res = await est.evaluate(tf.estimator.inputs.numpyInputFn({ x }, y, { batchSize: 50, shuffle: false }));
    expect(Object.keys(res).sort()).toEqual(['accuracy', 'accuracy_baseline', 'auc', 'auc_precision_recall', 'average_loss', 'global_step', 'label/mean', 'loss', 'precision', 'prediction/mean', 'recall']);
    expect(res.accuracy).toBeGreaterThan(0.9);
    expect(res.auc).toBeGreaterThan(0.95);
    expect(res['label/mean']).toBeCloseTo(labels.filter((l) => l === 'yes').length / n, 5);
    expect(res.accuracy_baseline).toBeCloseTo(Math.max(res['label/mean']!, 1 - res['label/mean']!), 5);
    const first = (await est.predict(tf.estimator.inputs.numpyInputFn({ x }, null, { batchSize: n, shuffle: false })).next()).value as Record<string, NDArray>;
    expect(Object.keys(first).sort()).toEqual(['class_ids', 'classes', 'logistic', 'logits', 'probabilities']);
    expect(new TextDecoder().decode(first.classes!.data[0] as unknown as Uint8Array)).toBe('no');
  }, 120_000);

  it('DNNRegressor and LinearRegressor fit y = 2x + 1', async () => {
    const n = 128;
    const xs = Float32Array.from({ length: n }, (_, i) => i / n - 0.5);
    const x = new tf.NDArray(xs, [n, 1], 'float32');
    const y = new tf.NDArray(Float32Array.from(xs, (v) => 2 * v + 1), [n, 1], 'float32');
    const trainFn = tf.estimator.inputs.numpyInputFn({ x }, y, { batchSize: 32, numEpochs: null, shuffle: true });
    const evalFn = tf.estimator.inputs.numpyInputFn({ x }, y, { batchSize: 64, shuffle: false });
    const lin = new tf.estimator.LinearRegressor([fc.numericColumn('x')], { modelDir: modelDir() });
    await lin.train(trainFn, { steps: 300 });
    const lr = await lin.evaluate(evalFn);
    expect(Object.keys(lr).sort()).toEqual(['average_loss', 'global_step', 'label/mean', 'loss', 'prediction/mean']);
    expect(lr.average_loss).toBeLessThan(1e-3);
    const dnn = new tf.estimator.DNNRegressor([8], [fc.numericColumn('x')], { modelDir: modelDir(), optimizer: () => new tf.train.AdamOptimizer(0.05) });
    await dnn.train(trainFn, { steps: 200 });
    expect((await dnn.evaluate(evalFn)).average_loss).toBeLessThan(0.01);
    const p = (await dnn.predict(evalFn).next()).value as Record<string, NDArray>;
    expect(Object.keys(p)).toEqual(['predictions']);
    await expect(new tf.estimator.DNNClassifier([4], [fc.numericColumn('x')], { optimizer: 'Nope' }).train(trainFn, { steps: 1 })).rejects.toThrow(
      'Unsupported optimizer name: Nope. Supported names are: Adagrad, Adam, Ftrl, RMSProp, SGD',
    );
  }, 120_000);
});
