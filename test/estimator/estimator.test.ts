/**
 * tf.estimator: a linear model trained from numpyInputFn, checkpoints and the global step in
 * modelDir (a second Estimator resumes), maxSteps, evaluate's metrics and predict's examples.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-estimator-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const n = 64;
const xs = new tf.NDArray(Float32Array.from({ length: n }, (_, i) => i / n), [n, 1]);
const ys = new tf.NDArray(Float32Array.from({ length: n }, (_, i) => 2 * (i / n) + 1), [n, 1]);

const modelFn: tf.estimator.ModelFn = (features, labels, mode, params) => {
  const w = tf.getVariable('w', [1, 1], { initializer: tf.zerosInitializer() });
  const b = tf.getVariable('b', [1], { initializer: tf.zerosInitializer() });
  const pred = tf.add(tf.matmul(features.x as tf.Tensor, w), b);
  if (mode === tf.estimator.ModeKeys.PREDICT) return new tf.estimator.EstimatorSpec(mode, { predictions: { y: pred } });
  const loss = tf.reduceMean(tf.square(tf.subtract(pred, labels as tf.Tensor)));
  if (mode === tf.estimator.ModeKeys.EVAL) {
    return new tf.estimator.EstimatorSpec(mode, { loss, evalMetricOps: { mae: tf.metrics.meanAbsoluteError(labels as tf.Tensor, pred) } });
  }
  const trainOp = new tf.train.GradientDescentOptimizer(params.lr as number).minimize(loss, { globalStep: tf.train.getGlobalStep()! });
  return new tf.estimator.EstimatorSpec({ mode, loss, trainOp });
};

describe('tf.estimator.Estimator', () => {
  it('trains, checkpoints with the global step, resumes in a new Estimator, evaluates and predicts', async () => {
    const modelDir = path.join(root, 'linear');
    const input = tf.estimator.inputs.numpyInputFn({ x: xs }, ys, { batchSize: 16, numEpochs: null, shuffle: true });
    const est = new tf.estimator.Estimator(modelFn, { modelDir, params: { lr: 0.5 }, config: new tf.estimator.RunConfig({ tfRandomSeed: 1, logStepCountSteps: 1000 }) });
    await est.train(input, { steps: 30 });
    expect(est.latestCheckpoint()).toBe(path.join(modelDir, 'model.ckpt-30'));
    const evalInput = tf.estimator.inputs.numpyInputFn({ x: xs }, ys, { batchSize: 16, shuffle: false });
    const m1 = await est.evaluate(evalInput);
    expect(m1.global_step).toBe(30);
    // resumes: a second Estimator on the same model dir continues from step 30
    const est2 = new tf.estimator.Estimator(modelFn, { modelDir, params: { lr: 0.5 } });
    await est2.train(input, { maxSteps: 200 });
    expect(est2.latestCheckpoint()).toBe(path.join(modelDir, 'model.ckpt-200'));
    await est2.train(input, { maxSteps: 150 }); // already past: skipped
    expect(est2.latestCheckpoint()).toBe(path.join(modelDir, 'model.ckpt-200'));
    const m2 = await est2.evaluate(evalInput);
    expect(m2.global_step).toBe(200);
    expect(m2.loss).toBeLessThan(m1.loss!);
    expect(m2.loss).toBeLessThan(1e-3);
    expect(m2.mae).toBeLessThan(0.03);
    // the reader sees the trained weights
    const w = tf.train.loadVariable(modelDir, 'w');
    expect(((w as tf.NDArray).data as Float32Array)[0]).toBeCloseTo(2, 1);
    const preds: number[] = [];
    for await (const p of est2.predict(tf.estimator.inputs.numpyInputFn({ x: new tf.NDArray(Float32Array.from([0, 0.5]), [2, 1]) }, null, { shuffle: false }))) {
      preds.push(((p as { y: tf.NDArray }).y.data as Float32Array)[0]!);
    }
    expect(preds.length).toBe(2);
    expect(preds[0]).toBeCloseTo(1, 1);
    expect(preds[1]).toBeCloseTo(2, 1);
  });

  it('TF1 errors: steps with maxSteps, evaluating with no checkpoint, specs missing ops, shuffle unset', async () => {
    const est = new tf.estimator.Estimator(modelFn, { modelDir: path.join(root, 'empty'), params: { lr: 0.1 } });
    const input = tf.estimator.inputs.numpyInputFn({ x: xs }, ys, { shuffle: false });
    await expect(est.train(input, { steps: 1, maxSteps: 2 })).rejects.toThrow('Can not provide both steps and max_steps.');
    await expect(est.evaluate(input)).rejects.toThrow(/Could not find trained model in model_dir/);
    expect(() => tf.estimator.inputs.numpyInputFn({ x: xs }, ys)).toThrow('shuffle must be provided explicitly as True or False.');
    const g = new tf.Graph();
    g.asDefault(() => {
      const l = tf.constant(1);
      expect(() => new tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.TRAIN, { loss: l })).toThrow('Missing train_op.');
      expect(() => new tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.EVAL, {})).toThrow('Missing loss.');
      expect(() => new tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.PREDICT, {})).toThrow('Missing predictions.');
    });
  });

  it('takes its arguments by keyword or position, and warm-starts a fresh model directory from a checkpoint', async () => {
    const input = tf.estimator.inputs.numpyInputFn({ x: xs }, ys, { batchSize: 16, numEpochs: null, shuffle: false });
    const src = path.join(root, 'warm-src');
    // the keyword-object form of TF's Estimator(model_fn=..., model_dir=..., params=...)
    const a = new tf.estimator.Estimator({ modelFn, modelDir: src, params: { lr: 0.5 } });
    expect(a.modelDir).toBe(src);
    expect(a.params).toEqual({ lr: 0.5 });
    await a.train(input, { steps: 40 });
    const wSrc = ((tf.train.loadVariable(src, 'w') as tf.NDArray).data as Float32Array)[0]!;
    expect(wSrc).toBeGreaterThan(1);
    // positional: (modelFn, modelDir, config, params, warmStartFrom); a zero learning rate keeps the warm-started values
    const dst = path.join(root, 'warm-dst');
    const b = new tf.estimator.Estimator(modelFn, dst, null, { lr: 0 }, src);
    await b.train(input, { steps: 1 });
    expect(((tf.train.loadVariable(dst, 'w') as tf.NDArray).data as Float32Array)[0]).toBe(wSrc);
    expect(Number((tf.train.loadVariable(dst, 'global_step') as tf.NDArray).data[0])).toBe(1); // the step is not warm-started
    // only vars matching the settings' regex; another name in the checkpoint through varNameToPrevVarName
    const dst2 = path.join(root, 'warm-dst2');
    const c = new tf.estimator.Estimator(modelFn, { modelDir: dst2, params: { lr: 0 }, warmStartFrom: new tf.estimator.WarmStartSettings(src, 'b') });
    await c.train(input, { steps: 1 });
    expect(((tf.train.loadVariable(dst2, 'w') as tf.NDArray).data as Float32Array)[0]).toBe(0);
    expect(((tf.train.loadVariable(dst2, 'b') as tf.NDArray).data as Float32Array)[0]).toBe(((tf.train.loadVariable(src, 'b') as tf.NDArray).data as Float32Array)[0]);
    expect(() => new tf.estimator.Estimator({ modelDir: dst })).toThrow('model_fn must be provided to Estimator.');
    expect(() => new tf.estimator.Estimator(modelFn, { modelDr: dst } as never)).toThrow("Estimator() got an unexpected keyword argument 'modelDr'");
    expect(() => new tf.estimator.Estimator(modelFn, { warmStartFrom: 3 as never })).toThrow('warm_start_from must be a string or a WarmStartSettings');
  });
});
