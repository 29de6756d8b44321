/** tf.estimator.BaselineClassifier / BaselineRegressor (the bias-only model) and addMetrics. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-baseline-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
tf.logging.setVerbosity(tf.logging.WARN);

const n = 40;
const x = new tf.NDArray(Float32Array.from({ length: n }, (_, i) => i), [n, 1]);

describe('baseline estimators', () => {
  it('BaselineRegressor learns the label mean in baseline/bias (plain SGD: the mean-gradient fixed point)', async () => {
    // labels 1..4 repeated: mean 2.5; SUM loss with SGD at 0.3/n converges to the mean
    const y = new tf.NDArray(Float32Array.from({ length: n }, (_, i) => (i % 4) + 1), [n, 1]);
    const est = new tf.estimator.BaselineRegressor({ modelDir: path.join(root, 'reg'), optimizer: () => new tf.train.GradientDescentOptimizer(0.3 / n) });
    await est.train(tf.estimator.inputs.numpyInputFn({ x }, y, { batchSize: n, numEpochs: null, shuffle: false }), { steps: 60 });
    expect(est.getVariableNames()).toContain('baseline/bias');
    const bias = ((est.getVariableValue('baseline/bias') as tf.NDArray).data as Float32Array)[0]!;
    expect(bias).toBeCloseTo(2.5, 4);
    const m = await est.evaluate(tf.estimator.inputs.numpyInputFn({ x }, y, { batchSize: n, shuffle: false }));
    // the mean squared deviation of 1..4 about 2.5 is 1.25
    expect(m.average_loss).toBeCloseTo(1.25, 3);
    const first = (await est.predict(tf.estimator.inputs.numpyInputFn({ x }, null, { batchSize: n, shuffle: false })).next()).value as { predictions: tf.NDArray };
    expect((first.predictions.data as Float32Array)[0]).toBeCloseTo(2.5, 4);
  }, 60_000);

  it('BaselineClassifier predicts the class frequencies (softmax of the bias), vocabulary labels', async () => {
    // 3 classes with frequencies 0.5, 0.3, 0.2
    const labs = Array.from({ length: n }, (_, i) => (i % 10 < 5 ? 'a' : i % 10 < 8 ? 'b' : 'c'));
    const est = new tf.estimator.BaselineClassifier({ modelDir: path.join(root, 'cls'), nClasses: 3, labelVocabulary: ['a', 'b', 'c'], optimizer: () => new tf.train.GradientDescentOptimizer(1 / n) });
    await est.train(tf.estimator.inputs.numpyInputFn({ x }, tf.NDArray.fromStrings(labs), { batchSize: n, numEpochs: null, shuffle: false }), { steps: 300 });
    const first = (await est.predict(tf.estimator.inputs.numpyInputFn({ x }, null, { batchSize: n, shuffle: false })).next()).value as { probabilities: tf.NDArray };
    const p = Array.from(first.probabilities.data as Float32Array).slice(0, 3);
    expect(p[0]).toBeCloseTo(0.5, 2);
    expect(p[1]).toBeCloseTo(0.3, 2);
    expect(p[2]).toBeCloseTo(0.2, 2);
    expect(() => new tf.estimator.BaselineClassifier({ nClasses: 1 })).toThrow('n_classes must be >= 2. Given: 1');
  }, 60_000);
});

describe('tf.estimator.addMetrics', () => {
  it("adds a metric function's metrics to evaluation, its parameters taken by name", async () => {
    const y = new tf.NDArray(Float32Array.from({ length: n }, (_, i) => (i % 2) * 3), [n, 1]);
    const est = new tf.estimator.BaselineRegressor({ modelDir: path.join(root, 'am'), optimizer: () => new tf.train.GradientDescentOptimizer(0.1 / n) });
    await est.train(tf.estimator.inputs.numpyInputFn({ x }, y, { batchSize: n, numEpochs: null, shuffle: false }), { steps: 5 });
    const withMae = tf.estimator.addMetrics(est, (labels: tf.Tensor, predictions: Record<string, tf.Tensor>) => ({ mae: tf.metrics.meanAbsoluteError(labels, predictions.predictions!) }));
    expect(withMae.modelDir).toBe(est.modelDir);
    const input = tf.estimator.inputs.numpyInputFn({ x }, y, { batchSize: n, shuffle: false });
    const m = await withMae.evaluate(input);
    const bias = ((est.getVariableValue('baseline/bias') as tf.NDArray).data as Float32Array)[0]!;
    // labels are 0 and 3 in equal numbers (the bias, from 0, moves towards their mean 1.5): |0 - b| and |3 - b| average to 1.5 for b in [0, 3]
    expect(bias).toBeGreaterThan(0);
    expect(bias).toBeLessThan(3);
    expect(m.mae).toBeCloseTo(1.5, 5);
    expect(m.average_loss).toBeCloseTo(((bias ** 2) + (3 - bias) ** 2) / 2, 4);
    const kw = tf.estimator.addMetrics(est, ({ predictions, features }: { predictions: Record<string, tf.Tensor>; features: Record<string, tf.Tensor> }) => ({ fmean: tf.metrics.mean(tf.add(features.x!, tf.multiply(predictions.predictions!, 0))) }));
    expect((await kw.evaluate(input)).fmean).toBeCloseTo((n - 1) / 2, 4);
    expect(() => tf.estimator.addMetrics(est, (labels: unknown) => ({ labels }) as never)).toThrow('must include predictions argument.');
    expect(() => tf.estimator.addMetrics(est, (predictions: unknown, mode: unknown) => ({ predictions, mode }) as never)).toThrow("has following not expected args: ['mode']");
  }, 60_000);
});
