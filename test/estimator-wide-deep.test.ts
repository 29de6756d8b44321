/**
 * tf.estimator.DNNLinearCombinedClassifier / DNNLinearCombinedRegressor (TF's wide & deep):
 * TF 1.15's variable names and scopes in the checkpoint (dnn/hiddenlayer_0/kernel,
 * linear/linear_model/<column>/weights, each part's optimizer slots), the two optimizers each
 * training only their own part, the global step counting one per step, TF's errors, and
 * examples/tf1/wide-and-deep.ts (TF's census wide_deep tutorial on the repository's Adult subset)
 * run in a child process with its test-args and test-checks.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const fc = tf.featureColumn;
const root = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
const modelDir = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'tsflow-wide-deep-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
tf.logging.setVerbosity(tf.logging.WARN);

// a tiny problem: the label is 1 exactly when (color, size) is one of two crossed pairs, or x > 0.5
const colors = ['red', 'blue', 'red', 'green', 'blue', 'green', 'red', 'blue'];
const sizes = ['S', 'L', 'L', 'S', 'S', 'L', 'S', 'L'];
const xs = [0.1, 0.9, 0.3, 0.2, 0.7, 0.4, 0.6, 0.05];
const labels = colors.map((c, i) => Number((c === 'red' && sizes[i] === 'L') || (c === 'blue' && sizes[i] === 'S') || xs[i]! > 0.5));
const inputFn = (epochs: number | null) => () =>
  tf.data.Dataset.fromTensorSlices([{ color: tf.constant(colors), size: tf.constant(sizes), x: tf.constant(xs) }, tf.constant(labels, 'int32')]).repeat(epochs).batch(8);

function columns() {
  const color = fc.categoricalColumnWithVocabularyList('color', ['red', 'blue', 'green']);
  const wide = [color, fc.crossedColumn([color, 'size'], 16)];
  const deep = [fc.numericColumn('x'), fc.indicatorColumn(color)];
  return { wide, deep };
}

describe('DNNLinearCombinedClassifier', () => {
  it('TF\'s variable names, both optimizers\' slots, one global step per step; it learns the crossed rule', async () => {
    const dir = modelDir();
    const { wide, deep } = columns();
    const est = new tf.estimator.DNNLinearCombinedClassifier({
      modelDir: dir,
      linearFeatureColumns: wide,
      linearOptimizer: new tf.train.FtrlOptimizer(0.5),
      dnnFeatureColumns: deep,
      dnnOptimizer: new tf.train.AdagradOptimizer(0.3),
      dnnHiddenUnits: [4],
    });
    await est.train(inputFn(null), { steps: 60 });
    const names = (await tf.train.listVariablesAsync(dir)).map(([n]) => n).sort();
    expect(names).toEqual([
      'dnn/hiddenlayer_0/bias', 'dnn/hiddenlayer_0/bias/Adagrad', 'dnn/hiddenlayer_0/kernel', 'dnn/hiddenlayer_0/kernel/Adagrad',
      'dnn/logits/bias', 'dnn/logits/bias/Adagrad', 'dnn/logits/kernel', 'dnn/logits/kernel/Adagrad',
      'global_step',
      'linear/linear_model/bias_weights', 'linear/linear_model/bias_weights/Ftrl', 'linear/linear_model/bias_weights/Ftrl_1',
      'linear/linear_model/color/weights', 'linear/linear_model/color/weights/Ftrl', 'linear/linear_model/color/weights/Ftrl_1',
      'linear/linear_model/color_X_size/weights', 'linear/linear_model/color_X_size/weights/Ftrl', 'linear/linear_model/color_X_size/weights/Ftrl_1',
    ]);
    const step = tf.train.loadCheckpoint(dir).getTensor('global_step');
    expect(Number(step.data[0])).toBe(60);
    const crossW = tf.train.loadCheckpoint(dir).getTensor('linear/linear_model/color_X_size/weights');
    expect(crossW.shape).toEqual([16, 1]);
    expect(Array.from(crossW.data as Float32Array).some((w) => w !== 0)).toBe(true);
    const r = await est.evaluate(inputFn(1));
    expect(r.accuracy).toBe(1);
    expect(Object.keys(r).sort()).toEqual(['accuracy', 'accuracy_baseline', 'auc', 'auc_precision_recall', 'average_loss', 'global_step', 'label/mean', 'loss', 'precision', 'prediction/mean', 'recall']);
  }, 60_000);

  it('TF\'s errors', () => {
    expect(() => new tf.estimator.DNNLinearCombinedClassifier({})).toThrow('Either linear_feature_columns or dnn_feature_columns must be defined.');
    expect(() => new tf.estimator.DNNLinearCombinedClassifier({ dnnFeatureColumns: [fc.numericColumn('x')] })).toThrow('dnn_hidden_units must be defined when dnn_feature_columns is specified.');
    expect(() => new tf.estimator.DNNLinearCombinedRegressor({ linearFeatureColumns: [fc.numericColumn('x')], linearSparseCombiner: 'max' })).toThrow("sparse_combiner must be one of 'mean', 'sqrtn' or 'sum'. Given: max");
  });
});

describe('DNNLinearCombinedRegressor', () => {
  it('the combined regressor fits y = 2x + 1 (TF\'s regression metrics)', async () => {
    const x = [0, 0.25, 0.5, 0.75, 1, 0.1, 0.6, 0.9];
    const fn = (epochs: number | null) => () => tf.data.Dataset.fromTensorSlices([{ x: tf.constant(x) }, tf.constant(x.map((v) => 2 * v + 1))]).repeat(epochs).batch(8);
    const est = new tf.estimator.DNNLinearCombinedRegressor({
      modelDir: modelDir(),
      linearFeatureColumns: [fc.numericColumn('x')],
      linearOptimizer: 'SGD',
      dnnFeatureColumns: [fc.numericColumn('x')],
      dnnOptimizer: () => new tf.train.GradientDescentOptimizer(0.01),
      dnnHiddenUnits: [3],
    });
    await est.train(fn(null), { steps: 1 });
    const before = await est.evaluate(fn(1));
    await est.train(fn(null), { steps: 150 });
    const after = await est.evaluate(fn(1));
    expect(Object.keys(after).sort()).toEqual(['average_loss', 'global_step', 'label/mean', 'loss', 'prediction/mean']);
    expect(after.average_loss).toBeLessThan(0.05);
    expect(after.average_loss).toBeLessThan(before.average_loss! / 10);
  }, 60_000);
});

describe('examples/tf1/wide-and-deep.ts', () => {
  it('trains the census wide & deep model and beats the majority-class baseline', async () => {
    const file = 'examples/tf1/wide-and-deep.ts';
    const src = readFileSync(path.join(root, file), 'utf8');
    const checks = [...src.matchAll(/^\/\/ test-check: (.+)$/gm)].map((m) => new RegExp(m[1]!.trim(), 'm'));
    const args = /^\/\/ test-args: (.+)$/m.exec(src)![1]!.trim().split(/\s+/);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file, ...args, '--model_dir', modelDir()], { cwd: root, timeout: 240_000, maxBuffer: 1 << 24 });
    for (const c of checks) expect(stdout).toMatch(c);
    const metric = (k: string): number => Number(new RegExp(`^${k}: ([\\d.]+)$`, 'm').exec(stdout)![1]);
    expect(metric('accuracy')).toBeGreaterThan(metric('accuracy_baseline'));
    expect(metric('global_step')).toBeGreaterThan(0);
  }, 300_000);
});
