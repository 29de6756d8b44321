/**
 * tf.train.Supervisor: a small model trained under a managed session, a second Supervisor on
 * the same logdir resuming from its checkpoint (the global step continues), the event file's
 * START / summaries / global_step/sec / CHECKPOINT / STOP, the finalized graph, errors from the
 * body and from prepare, loop(), summaryComputed, a queue-fed model ending at OutOfRange.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { decodeRecords } from '../src/io/records.js';
import { decode } from '../src/proto/codec.js';
import { type Event, EventT } from '../src/proto/summary.js';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-supervisor-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function events(logdir: string): Event[] {
  return fs.readdirSync(logdir).filter((f) => f.startsWith('events.out.tfevents.')).sort()
    .flatMap((f) => decodeRecords(fs.readFileSync(path.join(logdir, f))).map((r) => decode<Event>(EventT, r)));
}

/** y = 3x − 1 fitted by SGD on fixed data; returns the graph's pieces. */
function buildModel(g: tf.Graph) {
  return g.asDefault(() => {
    const gs = tf.train.getOrCreateGlobalStep();
    const x = tf.constant([[0], [1], [2], [3]], tf.float32);
    const y = tf.constant([[-1], [2], [5], [8]], tf.float32);
    const w = new tf.Variable([[0]], { name: 'w', dtype: tf.float32 });
    const b = new tf.Variable([0], { name: 'b', dtype: tf.float32 });
    const loss = tf.reduceMean(tf.square(tf.subtract(tf.add(tf.matmul(x, w), b), y)));
    tf.summary.scalar('loss', loss);
    const train = new tf.train.GradientDescentOptimizer(0.05).minimize(loss, { globalStep: gs });
    return { gs, w, b, loss, train };
  });
}

/** The same SGD in float64, for the expected values after `steps` steps. */
function sgd(steps: number): { w: number; b: number } {
  const xs = [0, 1, 2, 3];
  const ys = [-1, 2, 5, 8];
  let w = 0;
  let b = 0;
  for (let s = 0; s < steps; s++) {
    let gw = 0;
    let gb = 0;
    xs.forEach((x, i) => {
      const r = w * x + b - ys[i]!;
      gw += (2 * r * x) / 4;
      gb += (2 * r) / 4;
    });
    w -= 0.05 * gw;
    b -= 0.05 * gb;
  }
  return { w, b };
}

describe('tf.train.Supervisor', () => {
  it('trains under managedSession, writes model.ckpt and events; a second Supervisor resumes from the checkpoint', async () => {
    const logdir = path.join(root, 'train');
    const g1 = new tf.Graph();
    const m1 = buildModel(g1);
    const sv1 = new tf.train.Supervisor({ graph: g1, logdir, saveSummariesSecs: 0.05, saveModelSecs: 600 });
    expect(g1.finalized).toBe(true);
    expect(() => g1.asDefault(() => tf.constant(1))).toThrow(new tf.errors.RuntimeError('Graph is finalized and cannot be modified.'));
    expect(sv1.savePath).toBe(path.join(logdir, 'model.ckpt'));
    expect(sv1.globalStep).toBe(m1.gs);
    expect(sv1.saver).toBeInstanceOf(tf.train.Saver);
    const steps1 = await sv1.managedSession(async (sess) => {
      let step = 0;
      while (!sv1.shouldStop() && step < 30) {
        await sess.run(m1.train);
        step++;
        if (step % 10 === 0) await new Promise((r) => setTimeout(r, 60)); // let the summary loop run
        if (step === 20) {
          // The TF1 idiom: an explicit save before the end (stopping saves none).
          await sv1.saver!.save(sess, sv1.savePath!, { globalStep: sv1.globalStep });
          sv1.requestStop();
        }
      }
      return step;
    });
    expect(steps1).toBe(20);
    expect(tf.train.latestCheckpoint(logdir)).toBe(path.join(logdir, 'model.ckpt-20'));
    // The checkpoint loop saved once at the start (step 0), then the explicit save.
    expect(fs.existsSync(path.join(logdir, 'model.ckpt-0.index'))).toBe(true);
    expect(fs.existsSync(path.join(logdir, 'graph.pbtxt'))).toBe(true);
    const ev1 = events(logdir);
    const logs = ev1.filter((e) => e.sessionLog).map((e) => [e.sessionLog!.status, Number(e.step)]);
    expect(logs[0]).toEqual([tf.SessionLog.START, 0]);
    expect(logs).toContainEqual([tf.SessionLog.CHECKPOINT, 0]);
    expect(ev1.find((e) => e.sessionLog?.status === tf.SessionLog.CHECKPOINT)!.sessionLog!.checkpointPath).toBe(sv1.savePath);
    expect(logs.at(-1)![0]).toBe(tf.SessionLog.STOP);
    expect(ev1.some((e) => e.graphDef)).toBe(true);
    expect(ev1.some((e) => e.metaGraphDef)).toBe(true);
    const lossEvents = ev1.filter((e) => e.summary?.value.some((v) => v.tag === 'loss'));
    expect(lossEvents.length).toBeGreaterThanOrEqual(2);
    expect(ev1.some((e) => e.summary?.value.some((v) => v.tag === 'global_step/sec' && Number.isFinite(v.simpleValue)))).toBe(true);

    // A new program on the same logdir restores step 20 and continues to 35.
    const g2 = new tf.Graph();
    const m2 = buildModel(g2);
    const sv2 = new tf.train.Supervisor({ graph: g2, logdir, saveSummariesSecs: null, saveModelSecs: 600 });
    const [start, end, wv, bv] = (await sv2.managedSession(async (sess) => {
      const s0 = Number(((await sess.run(m2.gs.value())) as NDArray).data[0]);
      let s = s0;
      while (!sv2.shouldStop() && s < 35) {
        await sess.run(m2.train);
        s = Number(((await sess.run(m2.gs.value())) as NDArray).data[0]);
      }
      const [w, b] = (await sess.run([m2.w.value(), m2.b.value()])) as NDArray[];
      return [s0, s, w!.data[0], b!.data[0]];
    }))!;
    expect(start).toBe(20);
    expect(end).toBe(35);
    const want = sgd(35);
    expect(wv).toBeCloseTo(want.w, 4);
    expect(bv).toBeCloseTo(want.b, 4);
    // The resumed run's checkpoint loop saved at its start, at step 20 again.
    expect(events(logdir).filter((e) => e.sessionLog?.status === tf.SessionLog.START).map((e) => Number(e.step))).toEqual([0, 20]);
  });

  it('raises the body’s error after stopping and closing; OutOfRangeError ends cleanly; loop() and summaryComputed', async () => {
    const logdir = path.join(root, 'errors');
    const g = new tf.Graph();
    const m = buildModel(g);
    const summary = g.asDefault(() => tf.summary.scalar('custom', tf.constant(4.5)));
    const sv = new tf.train.Supervisor({ graph: g, logdir, saveSummariesSecs: null, saveModelSecs: null, summaryOp: null });
    let ticks = 0;
    let closed: tf.Session | null = null;
    await expect(sv.managedSession(async (sess) => {
      closed = sess;
      sv.loop(0.01, () => {
        ticks++;
      });
      await new Promise((r) => setTimeout(r, 80));
      await sv.summaryComputed(sess, (await sess.run(summary)) as NDArray);
      await sess.run(m.train);
      throw new tf.errors.InvalidArgumentError('bad batch');
    })).rejects.toThrow('bad batch');
    expect(ticks).toBeGreaterThanOrEqual(2);
    await expect(closed!.run(m.loss)).rejects.toThrow();
    const custom = events(logdir).find((e) => e.summary?.value.some((v) => v.tag === 'custom'))!;
    expect(custom.summary!.value[0]!.simpleValue).toBe(4.5);
    expect(Number(custom.step)).toBe(0);
    // No checkpoints were asked for.
    expect(fs.readdirSync(logdir).some((f) => f.startsWith('model.ckpt'))).toBe(false);

    const r = await sv.managedSession(async () => {
      throw new tf.errors.OutOfRangeError('End of sequence');
    });
    expect(r).toBeUndefined();
  });

  it('feeds from a queue runner it starts, until the queue is exhausted', async () => {
    const g = new tf.Graph();
    const { total, add } = g.asDefault(() => {
      const [n] = tf.train.sliceInputProducer([tf.constant([1, 2, 3, 4, 5], tf.float32)], { numEpochs: 1, shuffle: false });
      const total = new tf.Variable(0, { name: 'total', dtype: tf.float32 });
      return { total, add: total.assignAdd(n!) };
    });
    const sv = new tf.train.Supervisor({ graph: g, logdir: null });
    let sum = 0;
    await sv.managedSession(async (sess) => {
      while (!sv.shouldStop()) sum = ((await sess.run(add)) as NDArray).data[0] as number;
    });
    expect(sum).toBe(15);
    expect(total.name).toBe('total:0');
  });

  it('with a logdir, its first summary of a queue-fed value waits for the queue runners it starts (as TF\'s side-by-side threads)', async () => {
    const g = new tf.Graph();
    const { total, add } = g.asDefault(() => {
      const i = tf.train.rangeInputProducer(100, { shuffle: false }).dequeue();
      tf.summary.scalar('input', tf.cast(i, tf.float32));
      const total = new tf.Variable(0, { name: 'total', dtype: tf.int32 });
      return { total, add: total.assignAdd(i) };
    });
    const logdir = path.join(root, 'queue-summary');
    const sv = new tf.train.Supervisor({ graph: g, logdir });
    await sv.managedSession(async (sess) => {
      for (let k = 0; k < 3; k++) await sess.run(add);
    });
    expect(total.name).toBe('total:0');
    // the first summary took one element of the queue; the body's three steps took the next ones
    const values = events(logdir).flatMap((e) => e.summary?.value ?? []).filter((v) => v.tag === 'input').map((v) => v.simpleValue);
    expect(values[0]).toBe(0);
  });

  it("TF's errors: an uninitialized model, a non-chief without devices, unknown options", async () => {
    const g = new tf.Graph();
    g.asDefault(() => new tf.Variable(1, { name: 'v' }));
    const sv = new tf.train.Supervisor({ graph: g, initOp: null, localInitOp: null });
    await expect(sv.prepareOrWaitForSession()).rejects.toThrow('Model is not initialized and no init_op or init_fn or local_init_op was given');
    const g2 = new tf.Graph();
    g2.asDefault(() => new tf.Variable(1, { name: 'v' }));
    const sv2 = new tf.train.Supervisor({ graph: g2, initOp: null });
    await expect(sv2.prepareOrWaitForSession()).rejects.toThrow(/^Init operations did not make model ready\.  Init op: None, init fn: None, local_init_op: .*, error: Variables not initialized: v$/);
    const g3 = new tf.Graph();
    g3.asDefault(() => new tf.Variable(1, { name: 'v' }));
    expect(() => new tf.train.Supervisor({ graph: g3, isChief: false })).toThrow(/^When using replicas, all Variables must have their device set: name: "v"/);
    expect(() => new tf.train.Supervisor({ graph: new tf.Graph(), logDir: '/tmp' } as never)).toThrow("Supervisor() got an unexpected keyword argument 'logDir'");
  });
});

for (const dev of devices) {
  describe(`tf.train.Supervisor [${dev.name}]`, () => {
    it('trains with the session config, and a second Supervisor resumes on the same device', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const logdir = path.join(root, `device-${dev.name}`);
      const run = async (steps: number): Promise<[number, number, number]> => {
        const g = new tf.Graph();
        const m = buildModel(g);
        const sv = new tf.train.Supervisor({ graph: g, logdir, saveSummariesSecs: null, saveModelSecs: 600 });
        return (await sv.managedSession({ config: dev.options }, async (sess) => {
          for (let i = 0; i < steps; i++) await sess.run(m.train);
          await sv.saver!.save(sess, sv.savePath!, { globalStep: sv.globalStep });
          const [gs, w, b] = (await sess.run([m.gs.value(), m.w.value(), m.b.value()])) as NDArray[];
          return [Number(gs!.data[0]), w!.data[0] as number, b!.data[0] as number] as [number, number, number];
        }))!;
      };
      expect((await run(4))[0]).toBe(4);
      const [gs, w, b] = await run(3);
      expect(gs).toBe(7);
      const want = sgd(7);
      expect(w).toBeCloseTo(want.w, 4);
      expect(b).toBeCloseTo(want.b, 4);
    });
  });
}
