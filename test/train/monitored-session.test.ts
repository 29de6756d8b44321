/**
 * tf.train.MonitoredTrainingSession / MonitoredSession / SingularMonitoredSession and the
 * session-run hooks, on every test device: hook call order and the values hooks see, the
 * StopAtStepHook stop, checkpoints every N steps and at the end, resuming from checkpointDir,
 * summaries and steps/sec in event files, the end of data ending a `with` block quietly (end()
 * still runs), NaN losses, hook feeds and TF1's error texts.
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
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-monitored-'));
afterAll(() => {
  tf.train.SummaryWriterCache.clear();
  fs.rmSync(root, { recursive: true, force: true });
});

const num = (a: unknown): number => Number((a as tf.NDArray).data[0]);

function events(dir: string): Event[] {
  return fs.readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.')).sort()
    .flatMap((f) => decodeRecords(new Uint8Array(fs.readFileSync(path.join(dir, f)))).map((r) => decode<Event>(EventT, r)));
}

/** A linear model y = 2x + 1 trained by gradient descent, fed from a repeating dataset. */
function linearModel(epochs: number | null = null) {
  const xs = Float32Array.from({ length: 16 }, (_, i) => i / 16);
  const ys = xs.map((x) => 2 * x + 1);
  const ds = tf.data.Dataset.fromTensorSlices([new tf.NDArray(xs, [16, 1]), new tf.NDArray(ys, [16, 1])]).repeat(epochs).batch(4);
  const [x, y] = ds.makeOneShotIterator().getNext() as [tf.Tensor, tf.Tensor];
  const w = tf.getVariable('w', [1, 1], { initializer: tf.zerosInitializer() });
  const b = tf.getVariable('b', [1], { initializer: tf.zerosInitializer() });
  const loss = tf.reduceMean(tf.square(tf.subtract(tf.add(tf.matmul(x, w), b), y)));
  const globalStep = tf.train.getOrCreateGlobalStep();
  tf.summary.scalar('loss', loss);
  const trainOp = new tf.train.GradientDescentOptimizer(0.5).minimize(loss, { globalStep });
  return { loss, trainOp, globalStep, w };
}

/** Records every hook call and what it saw. */
class Recorder extends tf.train.SessionRunHook {
  calls: string[] = [];
  seen: number[] = [];
  constructor(private readonly fetch: tf.Tensor | null, private readonly stopAt = Infinity) {
    super();
  }
  override begin(): void {
    this.calls.push('begin');
  }
  override afterCreateSession(session: tf.Session, coord: tf.train.Coordinator): void {
    expect(session).toBeInstanceOf(tf.Session);
    expect(coord.shouldStop()).toBe(false);
    this.calls.push('afterCreateSession');
  }
  override beforeRun(ctx: tf.train.SessionRunContext): tf.train.SessionRunArgs | null {
    expect(ctx.originalArgs.fetches).toBeDefined();
    this.calls.push('beforeRun');
    return this.fetch ? new tf.train.SessionRunArgs(this.fetch) : null;
  }
  override afterRun(ctx: tf.train.SessionRunContext, values: tf.train.SessionRunValues): void {
    this.calls.push('afterRun');
    if (this.fetch) this.seen.push(num(values.results));
    else expect(values.results).toBeNull();
    if (this.seen.length >= this.stopAt) ctx.requestStop();
  }
  override end(session: tf.Session): void {
    expect(session).toBeInstanceOf(tf.Session);
    this.calls.push('end');
  }
}

for (const dev of devices) {
  describe(`tf.train.MonitoredTrainingSession [${dev.name}]`, () => {
    const test = (name: string, fn: () => Promise<void>): void => {
      it(name, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
        await fn();
      });
    };
    const config = dev.options as tf.train.MonitoredSessionConfig;

    test('hooks in order, StopAtStepHook, checkpoints every N steps and at the end, summaries, logging; a second session resumes', async () => {
      const dir = path.join(root, `train-${dev.name}`);
      const g = new tf.Graph();
      await g.asDefault(async () => {
        const m = linearModel();
        const rec = new Recorder(m.globalStep.value());
        const logs: string[] = [];
        const spy = vi.spyOn(console, 'error').mockImplementation((s: unknown) => void logs.push(String(s)));
        tf.logging.setVerbosity(tf.logging.INFO);
        try {
          const sess = tf.train.MonitoredTrainingSession({
            checkpointDir: dir, config, saveCheckpointSteps: 4, saveSummariesSteps: 3, logStepCountSteps: 5,
            hooks: [new tf.train.StopAtStepHook({ lastStep: 10 }), rec, new tf.train.LoggingTensorHook({ loss: m.loss, step: m.globalStep }, { everyNIter: 5 })],
          });
          let runs = 0;
          await sess.withSession(async (s) => {
            while (!s.shouldStop()) {
              const [, l] = await s.run([m.trainOp, m.loss]);
              expect(typeof num(l)).toBe('number');
              runs++;
            }
          });
          expect(runs).toBe(10);
          expect(sess.shouldStop()).toBe(true);
        } finally {
          spy.mockRestore();
          tf.logging.setVerbosity(tf.logging.WARN);
        }
        expect(rec.calls.slice(0, 4)).toEqual(['begin', 'afterCreateSession', 'beforeRun', 'afterRun']);
        expect(rec.calls.at(-1)).toBe('end');
        expect(rec.calls.filter((c) => c === 'afterRun').length).toBe(10);
        // a hook's fetch of the step variable sees its value from before the run's update
        expect(rec.seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        // checkpoints at creation (0), every 4 steps and at the end; the newest 5 are kept
        expect(tf.train.latestCheckpoint(dir)).toBe(path.join(dir, 'model.ckpt-10'));
        const kept = fs.readdirSync(dir).filter((f) => f.endsWith('.index')).map((f) => Number(/-(\d+)\.index$/.exec(f)![1])).sort((a, b) => a - b);
        expect(kept).toEqual([0, 4, 8, 10]);
        expect(fs.existsSync(path.join(dir, 'graph.pbtxt'))).toBe(true);
        expect(logs).toContain('INFO:tensorflow:Saving checkpoints for 4 into ' + path.join(dir, 'model.ckpt') + '.');
        const lossLines = logs.filter((l) => /^INFO:tensorflow:loss = [\d.e-]+, step = \d+/.test(l));
        expect(lossLines.map((l) => Number(/step = (\d+)/.exec(l)![1]))).toEqual([0, 5]);
        expect(lossLines[1]).toMatch(/\(\d+\.\d{3} sec\)$/);
        expect(logs.some((l) => /^INFO:tensorflow:global_step\/sec: [\d.e+]+$/.test(l))).toBe(true);
        tf.train.SummaryWriterCache.get(dir).flush();
        const evs = events(dir);
        const lossSteps = evs.filter((e) => e.summary?.value.some((v) => v.tag === 'loss')).map((e) => e.step);
        expect(lossSteps).toEqual([1, 4, 7, 10]);
        expect(evs.filter((e) => e.summary?.value.some((v) => v.tag === 'global_step/sec')).map((e) => e.step)).toEqual([6]); // first trigger at step 1 only starts the clock
        expect(evs.some((e) => e.graphDef !== undefined && e.graphDef.length > 0)).toBe(true);
        expect(evs.filter((e) => e.sessionLog?.status === tf.SessionLog.CHECKPOINT).map((e) => e.step)).toEqual([0, 4, 8, 10]);
        const w1 = tf.train.loadVariable(dir, 'w') as tf.NDArray;
        expect(Math.abs((w1.data as Float32Array)[0]! - 0)).toBeGreaterThan(0.1);
      });
      // a new graph and session resumes from the checkpoint: the global step continues at 10
      const g2 = new tf.Graph();
      await g2.asDefault(async () => {
        const m = linearModel();
        const rec = new Recorder(m.globalStep.value());
        const sess = tf.train.MonitoredTrainingSession({ checkpointDir: dir, config, saveCheckpointSecs: null, saveSummariesSteps: null, logStepCountSteps: null, hooks: [new tf.train.StopAtStepHook(3), rec] });
        await sess.withSession(async (s) => {
          while (!s.shouldStop()) await s.run(m.trainOp);
        });
        expect(rec.seen).toEqual([10, 11, 12]);
      });
    });

    test('the end of data ends the block quietly and end() still runs (FinalOpsHook); close twice is an error', async () => {
      const g = new tf.Graph();
      await g.asDefault(async () => {
        const m = linearModel(1); // 4 batches
        const rec = new Recorder(null);
        const fin = new tf.train.FinalOpsHook({ step: m.globalStep, w: m.w });
        const sess = new tf.train.SingularMonitoredSession({ hooks: [rec, fin], config });
        let runs = 0;
        const r = await sess.withSession(async (s) => {
          for (;;) {
            await s.run(m.trainOp);
            runs++;
          }
        });
        expect(r).toBeUndefined();
        expect(runs).toBe(4);
        expect(rec.calls.at(-1)).toBe('end');
        expect(num(fin.finalOpsValues.step)).toBe(4);
        expect(sess.shouldStop()).toBe(true);
        await expect(sess.close()).rejects.toThrow('Session is already closed.');
      });
    });

    test('other errors skip end() and propagate; NanTensorHook fails or stops; runs after a stop fail', async () => {
      const g = new tf.Graph();
      await g.asDefault(async () => {
        const x = tf.placeholder(tf.float32, [], { name: 'x' });
        const step = tf.train.getOrCreateGlobalStep();
        const inc = tf.assignAdd(step, tf.constant(1, tf.int64));
        const loss = tf.sqrt(x);
        const rec = new Recorder(null);
        const sess = new tf.train.MonitoredSession({ sessionCreator: new tf.train.ChiefSessionCreator({ config }), hooks: [rec, new tf.train.NanTensorHook(loss)] });
        await expect(sess.withSession(async (s) => {
          expect(num(await s.run(loss, new Map([[x, 4]])))).toBe(2);
          await s.run([inc, loss], new Map([[x, -1]]));
        })).rejects.toThrow(tf.train.NanLossDuringTrainingError);
        expect(rec.calls).not.toContain('end');
        const stop = new tf.train.SingularMonitoredSession({ hooks: [new tf.train.NanTensorHook(loss, { failOnNanLoss: false })], config });
        await stop.withSession(async (s) => {
          await s.run(loss, { 'x:0': -1 });
          expect(s.shouldStop()).toBe(true);
          await expect(s.run(loss, { 'x:0': 1 })).rejects.toThrow('Run called even after should_stop requested.');
        });
      });
    });

    test('FeedFnHook feeds; a tensor fed by a hook and the user is an error; runStepFn; raw session', async () => {
      const g = new tf.Graph();
      await g.asDefault(async () => {
        const x = tf.placeholder(tf.float32, [], { name: 'x' });
        const y = tf.multiply(x, 3);
        tf.train.getOrCreateGlobalStep();
        let k = 0;
        const sess = new tf.train.SingularMonitoredSession({ hooks: [new tf.train.FeedFnHook(() => new Map([[x, ++k]]))], config });
        await sess.withSession(async (s) => {
          expect(num(await s.run(y))).toBe(3);
          expect(num(await s.run(y))).toBe(6);
          await expect(s.run(y, new Map([[x, 5]]))).rejects.toThrow("Same tensor is fed by a SessionRunHook and user. Conflict(s): [<tf.Tensor 'x:0'>]");
          expect(num(await s.rawSession()!.run(y, new Map([[x, 5]])))).toBe(15);
          const got = await s.runStepFn(async (stepContext) => {
            const a = num(await stepContext.session.run(y, new Map([[x, 1]])));
            expect(a).toBe(3);
            return num(await stepContext.runWithHooks(y));
          });
          expect(got).toBe(3 * (k));
          expect(s.shouldStop()).toBe(false);
          await s.runStepFn((stepContext) => stepContext.requestStop());
          expect(s.shouldStop()).toBe(true);
        });
      });
    });
  });
}

describe('tf.train hooks and sessions: TF1 argument errors', () => {
  it('checks its arguments as TF1 does', () => {
    expect(() => new tf.train.StopAtStepHook()).toThrow('One of num_steps or last_step must be specified.');
    expect(() => new tf.train.StopAtStepHook(1, 2)).toThrow('Only one of num_steps or last_step can be specified.');
    expect(() => new tf.train.LoggingTensorHook({}, {})).toThrow('either at_end and/or exactly one of every_n_iter and every_n_secs must be provided.');
    expect(() => new tf.train.LoggingTensorHook({}, 0)).toThrow('invalid every_n_iter=0.');
    expect(() => new tf.train.StepCounterHook(null)).toThrow('exactly one of every_n_steps and every_n_secs should be provided.');
    expect(() => new tf.train.SummarySaverHook({ saveSteps: 1 })).toThrow('Exactly one of scaffold or summary_op must be provided.');
    expect(() => new tf.train.SecondOrStepTimer(1, 1)).toThrow('Can not provide both every_secs and every_steps.');
    expect(() => tf.train.MonitoredTrainingSession({ master: 'localhost:2222' })).toThrow("master 'localhost:2222'");
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => new tf.train.MonitoredSession({ hooks: [new tf.train.StopAtStepHook(1)] })).toThrow('Global step should be created to use StopAtStepHook.');
      const t = tf.constant(1, { name: 'c' });
      const h = new tf.train.LoggingTensorHook(['c'], 1);
      h.begin();
      expect(t.name).toBe('c:0');
    });
  });
});
