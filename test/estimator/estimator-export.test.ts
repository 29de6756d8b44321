/**
 * tf.estimator's SavedModel export (exportSavedModel over the parsing and raw receiver
 * functions, export outputs as signatures) and trainAndEvaluate with its exporters.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-estimator-export-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const n = 64;
const xs = new tf.NDArray(Float32Array.from({ length: n }, (_, i) => i / n), [n, 1]);
const ys = new tf.NDArray(Float32Array.from({ length: n }, (_, i) => 2 * (i / n) + 1), [n, 1]);

/** y = w·x + b; with params.exportOutputs, a RegressionOutput and a PredictOutput as its signatures. */
const modelFn: tf.estimator.ModelFn = (features, labels, mode, params) => {
  const w = tf.getVariable('w', [1, 1], { initializer: tf.zerosInitializer() });
  const b = tf.getVariable('b', [1], { initializer: tf.zerosInitializer() });
  const pred = tf.add(tf.matmul((features as Record<string, tf.Tensor>).x!, w), b);
  if (mode === tf.estimator.ModeKeys.PREDICT) {
    const exportOutputs = params.exportOutputs
      ? { serving_default: new tf.estimator.export.RegressionOutput(tf.reshape(pred, [-1])), both: new tf.estimator.export.PredictOutput({ y: pred, twice: tf.multiply(pred, 2) }) }
      : undefined;
    return new tf.estimator.EstimatorSpec(mode, { predictions: { y: pred }, exportOutputs });
  }
  const loss = tf.reduceMean(tf.square(tf.subtract(pred, labels as tf.Tensor)));
  if (mode === tf.estimator.ModeKeys.EVAL) return new tf.estimator.EstimatorSpec(mode, { loss });
  const trainOp = new tf.train.GradientDescentOptimizer(0.5).minimize(loss, { globalStep: tf.train.getGlobalStep()! });
  return new tf.estimator.EstimatorSpec({ mode, loss, trainOp });
};
const input = () => tf.estimator.inputs.numpyInputFn({ x: xs }, ys, { batchSize: 16, numEpochs: null, shuffle: false });
const config = () => new tf.estimator.RunConfig({ tfRandomSeed: 1, logStepCountSteps: 1000 });
const exampleOf = (x: number): Uint8Array => new tf.train.Example({ features: { feature: { x: { floatList: { value: [x] } } } } }).serializeToString();

async function loaded(dir: string): Promise<{ g: tf.Graph; sess: tf.Session; mg: tf.savedModel.MetaGraphDef; t: (i: tf.savedModel.TensorInfo) => tf.Tensor }> {
  const g = new tf.Graph();
  const sess = new tf.Session({ graph: g });
  const mg = await tf.savedModel.loader.load(sess, [tf.savedModel.tagConstants.SERVING], dir);
  return { g, sess, mg, t: (i) => tf.savedModel.getTensorFromTensorInfo(i, g) as tf.Tensor };
}

describe('Estimator.exportSavedModel', () => {
  it('exports the PREDICT graph with the checkpoint, fed by tf.Examples or raw tensors, signatures from the spec', async () => {
    const modelDir = path.join(root, 'm');
    const est = new tf.estimator.Estimator(modelFn, { modelDir, config: config(), params: {} });
    const base = path.join(root, 'exports');
    const receiver = tf.estimator.export.buildParsingServingInputReceiverFn({ x: new tf.io.FixedLenFeature([1], 'float32') });
    await expect(est.exportSavedModel(base, receiver)).rejects.toThrow(`Couldn't find trained model at ${modelDir}.`);
    await est.train(input(), { steps: 40 });
    const w = ((tf.train.loadVariable(modelDir, 'w') as tf.NDArray).data as Float32Array)[0]!;
    const b = ((tf.train.loadVariable(modelDir, 'b') as tf.NDArray).data as Float32Array)[0]!;
    await expect(est.exportSavedModel(base)).rejects.toThrow('An input_receiver_fn must be defined.');

    const dir = await est.exportSavedModel(base, receiver);
    expect(path.dirname(dir)).toBe(base);
    expect(path.basename(dir)).toMatch(/^\d{10}$/);
    expect(Math.abs(Number(path.basename(dir)) - Date.now() / 1000)).toBeLessThan(120);
    expect(fs.readdirSync(base)).toEqual([path.basename(dir)]); // no temp- directory left
    expect(tf.savedModel.loader.maybeSavedModelDirectory(dir)).toBe(true);
    {
      const { sess, mg, t } = await loaded(dir);
      const sig = mg.signatureDef.serving_default!;
      expect(sig.methodName).toBe('tensorflow/serving/predict');
      expect(Object.keys(sig.inputs)).toEqual(['examples']);
      expect(sig.inputs.examples!.name).toBe('input_example_tensor:0');
      const [y] = (await sess.run([t(sig.outputs.y!)], new Map([[t(sig.inputs.examples!), tf.NDArray.fromStrings([exampleOf(0.25), exampleOf(-1)])]]))) as tf.NDArray[];
      expect(y!.shape).toEqual([2, 1]);
      expect((y!.data as Float32Array)[0]).toBeCloseTo(w * 0.25 + b, 5);
      expect((y!.data as Float32Array)[1]).toBeCloseTo(-w + b, 5);
    }

    // raw receivers, two export outputs (regress needs one string input, so only the predict one is kept)
    const est2 = new tf.estimator.Estimator(modelFn, { modelDir, config: config(), params: { exportOutputs: true } });
    const raw = tf.estimator.export.buildRawServingInputReceiverFn({ x: tf.placeholder('float32', [5, 1], 'x') });
    const dir2 = await est2.exportSavedModel(path.join(root, 'exports2'), raw, { assetsExtra: { 'notes/readme.txt': path.join(root, 'm', 'checkpoint') } });
    expect(fs.readFileSync(path.join(dir2, 'assets.extra', 'notes', 'readme.txt'), 'utf8')).toContain('model_checkpoint_path');
    {
      const { sess, mg, t } = await loaded(dir2);
      expect(Object.keys(mg.signatureDef)).toEqual(['both']);
      const sig = mg.signatureDef.both!;
      expect(sig.inputs.x!.name).toBe('x:0');
      expect(sig.inputs.x!.tensorShape!.dim!.map((d) => Number(d.size))).toEqual([-1, 1]);
      const [y, twice] = (await sess.run([t(sig.outputs.y!), t(sig.outputs.twice!)], new Map([[t(sig.inputs.x!), new tf.NDArray(Float32Array.from([0.5, 2]), [2, 1])]]))) as tf.NDArray[];
      expect((y!.data as Float32Array)[1]).toBeCloseTo(2 * w + b, 5);
      expect((twice!.data as Float32Array)[0]).toBeCloseTo(2 * (0.5 * w + b), 5);
    }

    // the regression signature serves tf.Examples through the parsing receiver
    const dir3 = await est2.exportSavedmodel(path.join(root, 'exports3'), receiver, { asText: true });
    expect(fs.existsSync(path.join(dir3, 'saved_model.pbtxt'))).toBe(true);
    {
      const { sess, mg, t } = await loaded(dir3);
      expect(Object.keys(mg.signatureDef).sort()).toEqual(['both', 'serving_default']);
      const sig = mg.signatureDef.serving_default!;
      expect(sig.methodName).toBe('tensorflow/serving/regress');
      const [y] = (await sess.run([t(sig.outputs.outputs!)], new Map([[t(sig.inputs.inputs!), tf.NDArray.fromStrings([exampleOf(3)])]]))) as tf.NDArray[];
      expect(y!.shape).toEqual([1]);
      expect((y!.data as Float32Array)[0]).toBeCloseTo(3 * w + b, 5);
    }
  });

  it("TF's errors for receivers and export outputs", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const s = tf.placeholder('string', [null]);
      const f = tf.placeholder('float32', [null]);
      expect(() => new tf.estimator.export.ServingInputReceiver({ a: 3 }, s)).toThrow('feature a must be a Tensor or SparseTensor.');
      expect(() => new tf.estimator.export.ServingInputReceiver({}, s)).toThrow('feature must be defined.');
      const r = new tf.estimator.export.ServingInputReceiver(f, s);
      expect(Object.keys(r.features)).toEqual(['feature']);
      expect(Object.keys(r.receiverTensors)).toEqual(['input']);
      expect(new tf.estimator.export.TensorServingInputReceiver(f, s).modelFeatures()).toBe(f);
      expect(() => new tf.estimator.export.ClassificationOutput()).toThrow('At least one of scores and classes must be set.');
      expect(() => new tf.estimator.export.ClassificationOutput(s)).toThrow(/^Classification scores must be a float32 Tensor; got/);
      expect(() => new tf.estimator.export.ClassificationOutput(null, f)).toThrow(/^Classification classes must be a string Tensor; got/);
      expect(() => new tf.estimator.export.RegressionOutput(s)).toThrow(/^Regression output value must be a float32 Tensor; got/);
      expect(() => new tf.estimator.export.RegressionOutput(f).asSignatureDef({ a: f })).toThrow(/^Regression input must be a single string Tensor; got/);
      const c = new tf.estimator.export.ClassificationOutput(tf.reshape(f, [-1, 1]));
      expect(c.asSignatureDef({ examples: s }).methodName).toBe('tensorflow/serving/classify');
      expect(() => new tf.estimator.export.PredictOutput({ y: 1 })).toThrow(/^Prediction output value must be a Tensor/);
      expect(Object.keys(new tf.estimator.export.PredictOutput(f).outputs)).toEqual(['output']);
    });
  });
});

describe('canned estimators export', () => {
  it("a LinearClassifier's SavedModel serves TF's classify, predict and default signatures", async () => {
    const fc = tf.featureColumn;
    const xs2 = Float32Array.from({ length: 60 }, (_, i) => (i % 3) - 1 + 0.1 * Math.sin(i));
    const labels = tf.NDArray.fromStrings(Array.from(xs2, (v) => (v < -0.5 ? 'lo' : v > 0.5 ? 'hi' : 'mid')));
    const est = new tf.estimator.LinearClassifier([fc.numericColumn('x')], { modelDir: path.join(root, 'lin'), nClasses: 3, labelVocabulary: ['lo', 'mid', 'hi'], optimizer: 'SGD' });
    await est.train(tf.estimator.inputs.numpyInputFn({ x: new tf.NDArray(xs2, [60]) }, labels, { batchSize: 20, numEpochs: null, shuffle: false }), { steps: 5 });
    const dir = await est.exportSavedModel(path.join(root, 'lin-export'), tf.estimator.export.buildParsingServingInputReceiverFn({ x: new tf.io.FixedLenFeature([1], 'float32') }));
    const { sess, mg, t } = await loaded(dir);
    expect(Object.keys(mg.signatureDef).sort()).toEqual(['classification', 'predict', 'serving_default']);
    const cls = mg.signatureDef.classification!;
    expect(cls.methodName).toBe('tensorflow/serving/classify');
    expect(mg.signatureDef.serving_default).toEqual(cls);
    expect(Object.keys(mg.signatureDef.predict!.outputs).sort()).toEqual(['class_ids', 'classes', 'logits', 'probabilities']);
    const [scores, classes, probs] = (await sess.run([t(cls.outputs.scores!), t(cls.outputs.classes!), t(mg.signatureDef.predict!.outputs.probabilities!)], new Map([[t(cls.inputs.inputs!), tf.NDArray.fromStrings([exampleOf(-1), exampleOf(1)])]]))) as tf.NDArray[];
    expect(scores!.shape).toEqual([2, 3]);
    expect(Array.from(scores!.data as Float32Array)).toEqual(Array.from(probs!.data as Float32Array));
    expect(classes!.shape).toEqual([2, 3]);
    expect([0, 1, 2].map((k) => classes!.get(1, k))).toEqual(['lo', 'mid', 'hi']);
  }, 60_000);
});

describe('tf.estimator.trainAndEvaluate', () => {
  it('evaluates after each new checkpoint and at the end, running the exporters', async () => {
    const modelDir = path.join(root, 'tae');
    const est = new tf.estimator.Estimator(modelFn, { modelDir, params: {}, config: new tf.estimator.RunConfig({ tfRandomSeed: 1, logStepCountSteps: 1000, saveCheckpointsSteps: 10 }) });
    const receiver = tf.estimator.export.buildParsingServingInputReceiverFn({ x: new tf.io.FixedLenFeature([1], 'float32') });
    const latest = new tf.estimator.LatestExporter('latest', receiver, { exportsToKeep: 2 });
    const final = new tf.estimator.FinalExporter('final', receiver);
    const evalInput = tf.estimator.inputs.numpyInputFn({ x: xs }, ys, { batchSize: 16, shuffle: false });
    const trainSpec = new tf.estimator.TrainSpec(input(), 30);
    const evalSpec = new tf.estimator.EvalSpec(evalInput, { steps: null, exporters: [latest, final], throttleSecs: 0 });
    const [metrics, exports] = await tf.estimator.trainAndEvaluate(est, trainSpec, evalSpec);
    expect(metrics!.global_step).toBe(30);
    expect(metrics!.loss).toBeLessThan(0.05);
    // evaluations at steps 10, 20 and 30: three latest exports (two kept) and one final
    expect(exports.length).toBe(6);
    expect(exports.filter((e) => e !== null).length).toBe(4);
    expect(fs.readdirSync(path.join(modelDir, 'export', 'latest')).length).toBe(2);
    expect(fs.readdirSync(path.join(modelDir, 'export', 'final')).length).toBe(1);
    expect(exports[5]).toBe(path.join(modelDir, 'export', 'final', fs.readdirSync(path.join(modelDir, 'export', 'final'))[0]!));
    const { sess, mg, t } = await loaded(exports[5]!);
    const sig = mg.signatureDef.serving_default!;
    const [y] = (await sess.run([t(sig.outputs.y!)], new Map([[t(sig.inputs.examples!), tf.NDArray.fromStrings([exampleOf(0.5)])]]))) as tf.NDArray[];
    expect((y!.data as Float32Array)[0]).toBeCloseTo(2, 0);
  }, 120_000);

  it("TF's errors for the specs", () => {
    const fn = () => null;
    expect(() => new tf.estimator.TrainSpec(3 as never)).toThrow('`input_fn` must be callable, given: 3');
    expect(() => new tf.estimator.TrainSpec(fn, 0)).toThrow('Must specify max_steps > 0, given: 0');
    expect(() => new tf.estimator.EvalSpec(fn, 0)).toThrow('Must specify steps > 0, given: 0');
    expect(() => new tf.estimator.EvalSpec(fn, { throttleSecs: -1 })).toThrow('Must specify throttle_secs >= 0, given: -1');
    expect(() => new tf.estimator.EvalSpec(fn, { startDelaySecs: -1 })).toThrow('Must specify start_delay_secs >= 0, given: -1');
    const r = tf.estimator.export.buildRawServingInputReceiverFn({ x: new tf.Graph().asDefault(() => tf.placeholder('float32', [null])) });
    expect(() => new tf.estimator.EvalSpec(fn, { exporters: [new tf.estimator.LatestExporter('a', r), new tf.estimator.LatestExporter('a', r)] })).toThrow(/^`exporters` must have unique names/);
    expect(() => new tf.estimator.LatestExporter('a', r, { exportsToKeep: 0 })).toThrow('`exports_to_keep`, if provided, must be a positive number');
    const est = new tf.estimator.Estimator(modelFn, { modelDir: path.join(root, 'x'), config: new tf.estimator.RunConfig({ saveCheckpointsSecs: null }) });
    return expect(tf.estimator.trainAndEvaluate(est, new tf.estimator.TrainSpec(fn), new tf.estimator.EvalSpec(fn))).rejects.toThrow(/save_checkpoints_steps/);
  });
});
