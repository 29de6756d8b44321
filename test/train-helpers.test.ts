/**
 * tf.train's summaryIterator (the Events a FileWriter wrote, in order, decoded), basicTrainLoop
 * (the step function until the Supervisor should stop), GlobalStepWaiterHook (the first run waits
 * for the global step) and ProfilerHook (timeline-<step>.json every N steps, RunMetadata as
 * `step_<step>` in the events file), on every test device.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-train-helpers-'));
afterAll(() => {
  tf.train.SummaryWriterCache.clear();
  fs.rmSync(root, { recursive: true, force: true });
});
let dirs = 0;
const freshDir = (): string => fs.mkdtempSync(path.join(root, `d${dirs++}-`));
const num = (a: unknown): number => Number((a as tf.NDArray).data[0]);
const eventFiles = (dir: string): string[] => fs.readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.')).sort().map((f) => path.join(dir, f));

describe('tf.train.summaryIterator', () => {
  it('yields the file version event, then each summary with its step, tag and value', () => {
    const dir = freshDir();
    const w = new tf.summary.FileWriter(dir);
    w.addSummary({ value: [{ tag: 'loss', simpleValue: 0.5 }] }, 3);
    w.addSummary({ value: [{ tag: 'loss', simpleValue: 0.25 }, { tag: 'acc', simpleValue: 0.75 }] }, 7);
    w.close();
    const [file] = eventFiles(dir);
    const events = [...tf.train.summaryIterator(file!)];
    expect(events.length).toBe(3);
    expect(events[0]!.fileVersion).toBe('brain.Event:2');
    expect(events.slice(1).map((e) => Number(e.step))).toEqual([3, 7]);
    expect(events[2]!.summary!.value.map((v) => [v.tag, v.simpleValue])).toEqual([['loss', 0.25], ['acc', 0.75]]);
    for (const e of events) expect(Math.abs(e.wallTime - Date.now() / 1000)).toBeLessThan(600);
    expect(() => [...tf.train.summaryIterator(path.join(dir, 'missing'))]).toThrow(/missing/);
  });
});

for (const dev of devices) {
  describe(`tf.train helpers (${dev.name})`, () => {
    it('basicTrainLoop calls the step function with its arguments until the supervisor should stop', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const step = tf.train.getOrCreateGlobalStep();
        const w = new tf.Variable(4, { name: 'w' });
        const train = new tf.train.GradientDescentOptimizer(0.25).minimize(tf.square(w), { globalStep: step });
        return { w, train };
      });
      const sv = new tf.train.Supervisor({ graph: g, logdir: null });
      const seen: unknown[][] = [];
      let last = 0;
      await tf.train.basicTrainLoop(sv, async (sess: tf.Session, a: number, b: string, kw: { k: number }) => {
        seen.push([a, b, kw.k]);
        await sess.run(m.train);
        last = num(await sess.run(m.w));
        if (seen.length === 3) sv.requestStop();
      }, [1, 'x'], { k: 2 });
      expect(seen).toEqual([[1, 'x', 2], [1, 'x', 2], [1, 'x', 2]]);
      // w ← w - 0.25 · 2w three times: 4 · 0.5³
      expect(last).toBeCloseTo(0.5, 6);
      expect(sv.shouldStop()).toBe(true);
    });

    it('GlobalStepWaiterHook holds the first run until the global step reaches its value', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const step = tf.train.getOrCreateGlobalStep();
        const bump = tf.assignAdd(step, 1);
        const read = tf.identity(step.value());
        return { bump, read };
      });
      // another "worker" advances the step every 10 ms once the session exists
      class Bumper extends tf.train.SessionRunHook {
        timer: ReturnType<typeof setInterval> | null = null;
        override afterCreateSession(session: tf.Session): void {
          this.timer = setInterval(() => void session.run(m.bump).catch(() => undefined), 10);
        }
      }
      const bumper = new Bumper();
      const waiter = new tf.train.GlobalStepWaiterHook(5);
      waiter.pollSecs = 0.01;
      const sess = g.asDefault(() => new tf.train.MonitoredSession({ sessionCreator: new tf.train.ChiefSessionCreator({ config: dev.options as tf.train.MonitoredSessionConfig }), hooks: [bumper, waiter] }));
      try {
        const first = num(await sess.run(m.read));
        expect(first).toBeGreaterThanOrEqual(5);
        // later runs do not wait
        const t0 = Date.now();
        await sess.run(m.read);
        expect(Date.now() - t0).toBeLessThan(1000);
      } finally {
        clearInterval(bumper.timer!);
        await sess.close();
      }
      // a step already reached: no wait at all
      expect(() => g.asDefault(() => new tf.train.GlobalStepWaiterHook(0).begin())).not.toThrow();
      expect(() => new tf.Graph().asDefault(() => new tf.train.GlobalStepWaiterHook(3).begin())).toThrow('Global step should be created to use _GlobalStepWaiterHook.');
    });

    it('ProfilerHook writes timeline-<step>.json every saveSteps steps and the run metadata as step_<step>', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const dir = freshDir();
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const step = tf.train.getOrCreateGlobalStep();
        const w = new tf.Variable([1, 2], { name: 'w' });
        const loss = tf.reduceSum(tf.square(w), undefined, undefined, 'the_loss');
        return { train: new tf.train.GradientDescentOptimizer(0.1).minimize(loss, { globalStep: step }) };
      });
      const hook = new tf.train.ProfilerHook({ saveSteps: 2, outputDir: dir });
      const sess = g.asDefault(() => new tf.train.MonitoredSession({ sessionCreator: new tf.train.ChiefSessionCreator({ config: dev.options as tf.train.MonitoredSessionConfig }), hooks: [hook] }));
      for (let i = 0; i < 5; i++) await sess.run(m.train);
      await sess.close();
      tf.train.SummaryWriterCache.clear();
      const timelines = fs.readdirSync(dir).filter((f) => f.startsWith('timeline-')).sort();
      expect(timelines).toEqual(['timeline-2.json', 'timeline-4.json']);
      const trace = JSON.parse(fs.readFileSync(path.join(dir, 'timeline-2.json'), 'utf8')) as { traceEvents: { ph: string; args: { name?: string } }[] };
      const ops = trace.traceEvents.filter((e) => e.ph === 'X').map((e) => e.args.name);
      expect(ops).toContain('the_loss');
      expect(ops.some((n) => n?.endsWith('ApplyGradientDescent'))).toBe(true);
      const tagged = eventFiles(dir).flatMap((f) => [...tf.train.summaryIterator(f)]).filter((e) => e.taggedRunMetadata).map((e) => e.taggedRunMetadata!.tag);
      expect(tagged).toEqual(['step_2', 'step_4']);
    });
  });
}

describe('hook arguments', () => {
  it("TF's errors", () => {
    expect(() => new tf.train.ProfilerHook()).toThrow('Either every_secs or every_steps should be provided.');
    expect(() => new tf.train.ProfilerHook(1, 2)).toThrow('Can not provide both every_secs and every_steps.');
    expect(() => new tf.train.ProfilerHook({ saveSteps: 1, outputdir: 'x' } as never)).toThrow("unexpected keyword argument 'outputdir'");
    expect(() => new tf.Graph().asDefault(() => new tf.train.ProfilerHook(1).begin())).toThrow('Global step should be created to use ProfilerHook.');
    expect(() => new tf.train.GlobalStepWaiterHook('3' as never)).toThrow(/wait_until_step must be a number/);
  });
});

describe('tf.train.warmStart', () => {
  /** A checkpoint of dense/kernel, dense/bias (trainable), a non-trainable 'counts' and a global step. */
  async function checkpoint(): Promise<string> {
    const prefix = path.join(freshDir(), 'model.ckpt');
    const g = new tf.Graph();
    await g.asDefault(async () => {
      tf.train.getOrCreateGlobalStep();
      tf.variableScope('dense', () => {
        tf.getVariable('kernel', [2, 2], { initializer: tf.constantInitializer([1, 2, 3, 4]) });
        tf.getVariable('bias', [2], { initializer: tf.constantInitializer([5, 6]) });
      });
      tf.getVariable('counts', [3], { initializer: tf.constantInitializer([7, 8, 9]), trainable: false });
      const sess = new tf.Session({ graph: g });
      await sess.run(tf.globalVariablesInitializer());
      await new tf.train.Saver().save(sess, prefix);
      await sess.close();
    });
    return prefix;
  }
  /** A fresh model (zeros, counts -1) warm-started by `ws`; the variables' values after initialization. */
  async function warm(ws: (vars: Record<string, tf.Variable>) => void): Promise<Record<string, number[]>> {
    const g = new tf.Graph();
    return g.asDefault(async () => {
      const z = (n: string, s: number[], trainable = true, v = 0) => tf.getVariable(n, s, { initializer: tf.constantInitializer(v), trainable });
      const vars: Record<string, tf.Variable> = {
        kernel: tf.variableScope('dense', () => z('kernel', [2, 2])),
        bias: tf.variableScope('dense', () => z('bias', [2])),
        newBias: tf.variableScope('renamed', () => z('b', [2])),
        counts: z('counts', [3], false, -1),
      };
      ws(vars);
      const sess = new tf.Session({ graph: g });
      await sess.run(tf.globalVariablesInitializer());
      const out: Record<string, number[]> = {};
      for (const [k, v] of Object.entries(vars)) out[k] = Array.from(((await sess.run(v.value())) as tf.NDArray).data as Float32Array);
      await sess.close();
      return out;
    });
  }
  const dir = (p: string) => path.dirname(p);

  it('a regex over the trainable variables, lists of names or variables, renamed variables', async () => {
    const ckpt = await checkpoint();
    expect(await warm(() => tf.train.warmStart(ckpt, 'dense/'))).toEqual({ kernel: [1, 2, 3, 4], bias: [5, 6], newBias: [0, 0], counts: [-1, -1, -1] });
    // the default '.*' covers only trainable variables: renamed/b must be mapped or be in the checkpoint
    expect(await warm(() => tf.train.warmStart(dir(ckpt), '.*bias'))).toEqual({ kernel: [0, 0, 0, 0], bias: [5, 6], newBias: [0, 0], counts: [-1, -1, -1] });
    expect(await warm(() => tf.train.warmStart(ckpt, { varsToWarmStart: '(dense/b|renamed)', varNameToPrevVarName: { 'renamed/b': 'dense/bias' } })))
      // both map to the checkpoint's dense/bias: as in TF's dict, the later variable takes it
      .toEqual({ kernel: [0, 0, 0, 0], bias: [0, 0], newBias: [5, 6], counts: [-1, -1, -1] });
    // a list of strings reaches the non-trainable variables too
    expect(await warm(() => tf.train.warmStart(ckpt, ['counts', 'dense/kernel']))).toEqual({ kernel: [1, 2, 3, 4], bias: [0, 0], newBias: [0, 0], counts: [7, 8, 9] });
    expect(await warm((v) => tf.train.warmStart(ckpt, [v.counts!]))).toEqual({ kernel: [0, 0, 0, 0], bias: [0, 0], newBias: [0, 0], counts: [7, 8, 9] });
    // null: only variables with vocabularies, so none
    expect(await warm(() => tf.train.warmStart(ckpt, null))).toEqual({ kernel: [0, 0, 0, 0], bias: [0, 0], newBias: [0, 0], counts: [-1, -1, -1] });
    const s = new tf.train.WarmStartSettings(ckpt, { varsToWarmStart: ['dense/bias'] });
    expect(await warm(() => tf.train.warmStart(...s.args()))).toEqual({ kernel: [0, 0, 0, 0], bias: [5, 6], newBias: [0, 0], counts: [-1, -1, -1] });
  });

  it("TF's errors", async () => {
    const ckpt = await checkpoint();
    await expect(warm(() => tf.train.warmStart(ckpt, 'dense/', null, { 'dense/kernal': 'x' })))
      .rejects.toThrow("You provided the following variables in var_name_to_prev_var_name that were not used: {'dense/kernal'}.  Perhaps you misspelled them?  Here is the list of viable variable names: dict_keys(['dense/kernel', 'dense/bias'])");
    await expect(warm(() => tf.train.warmStart(ckpt, 'renamed'))).rejects.toThrow(/^Tensor renamed\/b is not found in/);
    await expect(warm((v) => tf.train.warmStart(ckpt, ['dense/bias', v.kernel!] as never))).rejects.toThrow('If `vars_to_warm_start` is a list, it must be all `Variable` or all `str`.');
    await expect(warm(() => tf.train.warmStart(ckpt, 3 as never))).rejects.toThrow("`vars_to_warm_start must be a `list` or `str`.  Given type is <class 'number'>");
    await expect(warm(() => tf.train.warmStart(ckpt, { varNameToVocabInfo: { 'dense/kernel': {} } }))).rejects.toThrow(/var_name_to_vocab_info .* is not supported/);
  });
});
