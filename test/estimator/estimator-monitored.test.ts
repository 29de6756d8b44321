/**
 * tf.estimator.Estimator over MonitoredTrainingSession, on every test device: RunConfig's
 * saveCheckpointsSteps / keepCheckpointMax / saveSummarySteps / logStepCountSteps /
 * tfRandomSeed, the summaries in modelDir and modelDir/eval, the spec's training and
 * evaluation hooks, the caller's hooks and saving listeners, and TF1's log lines and errors.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as tf from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from '../conformance/harness.js';
import { decode } from '../../src/proto/codec.js';
import { type Event, EventT } from '../../src/proto/summary.js';
import { decodeRecords } from '../../src/io/records.js';

registerSkipSummary();
const devices = await resolvedDevices();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-estimator-mon-'));
afterAll(() => {
  tf.train.SummaryWriterCache.clear();
  fs.rmSync(root, { recursive: true, force: true });
});

function events(dir: string): Event[] {
  return fs.readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.')).sort()
    .flatMap((f) => decodeRecords(new Uint8Array(fs.readFileSync(path.join(dir, f)))).map((r) => decode<Event>(EventT, r)));
}
const tagSteps = (evs: Event[], tag: string): number[] => evs.filter((e) => e.summary?.value.some((v) => v.tag === tag)).map((e) => e.step);

const n = 64;
const xs = new tf.NDArray(Float32Array.from({ length: n }, (_, i) => i / n), [n, 1]);
const ys = new tf.NDArray(Float32Array.from({ length: n }, (_, i) => 3 * (i / n) - 1), [n, 1]);

class Counter extends tf.train.SessionRunHook {
  runs = 0;
  ended = 0;
  override afterRun(): void {
    this.runs++;
  }
  override end(): void {
    this.ended++;
  }
}
class Listener extends tf.train.CheckpointSaverListener {
  saves: number[] = [];
  override afterSave(_s: tf.Session, step: number): void {
    this.saves.push(step);
  }
}

for (const dev of devices) {
  describe(`tf.estimator over MonitoredTrainingSession [${dev.name}]`, () => {
    const test = (name: string, fn: () => Promise<void>): void => {
      it(name, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
        await fn();
      });
    };
    const trainHook = new Counter();
    const evalHook = new Counter();
    const modelFn: tf.estimator.ModelFn = (features, labels, mode) => {
      const w = tf.getVariable('w', [1, 1], { initializer: tf.randomNormalInitializer() });
      const b = tf.getVariable('b', [1], { initializer: tf.zerosInitializer() });
      const pred = tf.add(tf.matmul(features as tf.Tensor, w), b);
      if (mode === tf.estimator.ModeKeys.PREDICT) return new tf.estimator.EstimatorSpec(mode, { predictions: pred });
      const loss = tf.reduceMean(tf.square(tf.subtract(pred, labels as tf.Tensor)));
      if (mode === tf.estimator.ModeKeys.EVAL) return new tf.estimator.EstimatorSpec(mode, { loss, evaluationHooks: [evalHook] });
      const trainOp = new tf.train.GradientDescentOptimizer(0.5).minimize(loss, { globalStep: tf.train.getGlobalStep()! });
      return new tf.estimator.EstimatorSpec(mode, { loss, trainOp, trainingHooks: [trainHook] });
    };
    const input = (): unknown => tf.estimator.inputs.numpyInputFn(xs, ys, { batchSize: 8, numEpochs: null, shuffle: true })();

    test('RunConfig frequencies, summaries in modelDir and eval/, hooks and listeners, log lines, seeded runs repeat', async () => {
      const modelDir = path.join(root, `run-${dev.name}`);
      const config = new tf.estimator.RunConfig({ tfRandomSeed: 7, saveCheckpointsSteps: 5, keepCheckpointMax: 2, saveSummarySteps: 4, logStepCountSteps: 6, sessionConfig: dev.options as tf.train.MonitoredSessionConfig });
      const est = new tf.estimator.Estimator(modelFn, { modelDir, config });
      const logs: string[] = [];
      const spy = vi.spyOn(console, 'error').mockImplementation((s: unknown) => void logs.push(String(s)));
      tf.logging.setVerbosity(tf.logging.INFO);
      const mine = new Counter();
      const listener = new Listener();
      try {
        await est.train(input, { steps: 13, hooks: [mine], savingListeners: [listener] });
      } finally {
        spy.mockRestore();
        tf.logging.setVerbosity(tf.logging.WARN);
      }
      expect(mine.runs).toBe(13);
      expect(trainHook.runs).toBe(13);
      expect(mine.ended).toBe(1);
      expect(listener.saves).toEqual([0, 5, 10, 13]);
      // keepCheckpointMax: 2 → only the newest two remain
      const kept = fs.readdirSync(modelDir).filter((f) => f.endsWith('.index')).sort();
      expect(kept).toEqual(['model.ckpt-10.index', 'model.ckpt-13.index']);
      const lossLogs = logs.filter((l) => l.startsWith('INFO:tensorflow:loss = '));
      expect(lossLogs.map((l) => Number(/step = (\d+)/.exec(l)![1]))).toEqual([1, 7, 13]);
      expect(logs.some((l) => /^INFO:tensorflow:Loss for final step: [\d.e-]+\.$/.test(l))).toBe(true);
      expect(logs).toContain('INFO:tensorflow:Calling model_fn.');
      expect(logs).toContain(`INFO:tensorflow:Saving checkpoints for 13 into ${path.join(modelDir, 'model.ckpt')}.`);
      tf.train.SummaryWriterCache.get(modelDir).flush();
      const evs = events(modelDir);
      expect(tagSteps(evs, 'loss')).toEqual([1, 5, 9, 13]);
      expect(tagSteps(evs, 'global_step/sec')).toEqual([7, 13]);
      const m = await est.evaluate(tf.estimator.inputs.numpyInputFn(xs, ys, { batchSize: 16, shuffle: false }), { steps: 3 });
      expect(evalHook.runs).toBe(3);
      expect(m.global_step).toBe(13);
      expect(m.loss).toBeLessThan(0.5);
      const evalEvs = events(path.join(modelDir, 'eval'));
      const lossEv = evalEvs.find((e) => e.summary?.value.some((v) => v.tag === 'loss'))!;
      expect(lossEv.step).toBe(13);
      expect(lossEv.summary!.value.find((v) => v.tag === 'loss')!.simpleValue).toBeCloseTo(m.loss!, 5);
      // the same seed in another model dir gives the same weights
      const est2 = new tf.estimator.Estimator(modelFn, { modelDir: path.join(root, `run2-${dev.name}`), config: config.replace({ modelDir: null }) });
      await est2.train(input, { steps: 13 });
      expect(Array.from((est2.getVariableValue('w') as tf.NDArray).data)).toEqual(Array.from((est.getVariableValue('w') as tf.NDArray).data));
      // predict yields one example at a time
      const preds: number[] = [];
      for await (const p of est.predict(tf.estimator.inputs.numpyInputFn(new tf.NDArray(Float32Array.of(0, 1), [2, 1]), null, { shuffle: false }))) preds.push(Number((p as tf.NDArray).data[0]));
      expect(preds.length).toBe(2);
      expect(preds[1]! - preds[0]!).toBeGreaterThan(1.5);
    });
  });
}

describe('tf.estimator: TF1 errors of the monitored training loop', () => {
  it('saving listeners need a checkpoint saver; both checkpoint frequencies; bad hooks', async () => {
    const modelFn: tf.estimator.ModelFn = (features, labels, mode) => {
      const w = tf.getVariable('w', [1, 1], { initializer: tf.zerosInitializer() });
      const loss = tf.reduceMean(tf.square(tf.subtract(tf.matmul(features as tf.Tensor, w), labels as tf.Tensor)));
      return new tf.estimator.EstimatorSpec(mode, { loss, trainOp: new tf.train.GradientDescentOptimizer(0.1).minimize(loss, { globalStep: tf.train.getGlobalStep()! }) });
    };
    const est = new tf.estimator.Estimator(modelFn, { modelDir: path.join(root, 'errs'), config: new tf.estimator.RunConfig({ saveCheckpointsSecs: null }) });
    const input = tf.estimator.inputs.numpyInputFn(xs, ys, { shuffle: false });
    await expect(est.train(input, { steps: 1, savingListeners: [new tf.train.CheckpointSaverListener()] })).rejects.toThrow('There should be a CheckpointSaverHook to use saving_listeners. Please set one of the RunConfig.save_checkpoints_steps or RunConfig.save_checkpoints_secs.');
    expect(() => new tf.estimator.RunConfig({ saveCheckpointsSteps: 1, saveCheckpointsSecs: 1 })).toThrow('Can not provide both save_checkpoints_steps and save_checkpoints_secs.');
    await expect(est.train(input, { hooks: [{} as never], steps: 1 })).rejects.toThrow('Hooks must be a SessionRunHook');
    // an input that ends before the first step: TF1's warning, no error
    const warn: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((s: unknown) => void warn.push(String(s)));
    try {
      await est.train(() => tf.data.Dataset.fromTensorSlices([xs, ys]).take(0).batch(4), { steps: 5 });
    } finally {
      spy.mockRestore();
    }
    expect(warn).toContain('WARNING:tensorflow:Training with estimator made no steps. Perhaps input is empty or misspecified.');
  });
});
