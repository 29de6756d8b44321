/**
 * Run traces: RunOptions({traceLevel: FULL_TRACE}) and RunMetadata as sess.run's 3rd/4th
 * arguments fill step stats (one NodeExecStats per op whose kernels ran), and Timeline writes
 * them as Chrome trace-event JSON, checked against the trace-event format.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

function mlpStep() {
  const g = new tf.Graph();
  const m = g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [null, 3], 'x');
    const w = new tf.Variable(tf.randomNormal([3, 2], { seed: 1 }), { name: 'w' });
    const b = new tf.Variable(tf.zeros([2]), { name: 'b' });
    const y = tf.nn.relu(tf.add(tf.matmul(x, w), b));
    const loss = tf.reduceSum(tf.square(y));
    const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
    return { x, loss, train, init: tf.globalVariablesInitializer() };
  });
  return { g, ...m };
}

/** The trace-event format's complete and metadata events (Trace Event Format, Google). */
function checkTraceEvents(json: string): { name: string; ph: string; ts?: number; dur?: number; args: Record<string, unknown> }[] {
  const t = JSON.parse(json) as { traceEvents: Record<string, unknown>[] };
  expect(Array.isArray(t.traceEvents)).toBe(true);
  for (const e of t.traceEvents) {
    expect(typeof e.name).toBe('string');
    expect(['X', 'M']).toContain(e.ph);
    expect(Number.isInteger(e.pid)).toBe(true);
    if (e.ph === 'X') {
      expect(typeof e.ts).toBe('number');
      expect(e.dur as number).toBeGreaterThanOrEqual(0);
      expect(Number.isInteger(e.tid)).toBe(true);
    }
    if (e.args !== undefined) expect(typeof e.args).toBe('object');
  }
  return t.traceEvents as never;
}

describe('RunOptions / RunMetadata / Timeline', () => {
  for (const sync of [false, true]) {
    it(`a traced MLP training step (${sync ? 'runSync' : 'run'}): one event per executed op`, async () => {
      const { g, x, loss, train, init } = mlpStep();
      const sess = new tf.Session({ graph: g, device: 'cpu', threads: 1 });
      await sess.run(init);
      const feed = new Map([[x, new tf.NDArray(Float32Array.of(1, 2, 3, -1, 0.5, 2), [2, 3])]]);
      const opts = new tf.RunOptions({ traceLevel: tf.RunOptions.FULL_TRACE });
      const meta = new tf.RunMetadata();
      const t0 = Date.now() * 1000;
      if (sync) sess.runSync([loss, train], feed, opts, meta);
      else await sess.run([loss, train], feed, opts, meta);
      const dev = meta.stepStats.devStats;
      expect(dev.map((d) => d.device)).toEqual(['/job:localhost/replica:0/task:0/device:CPU:0']);
      const nodes = dev[0]!.nodeStats;
      const names = nodes.map((n) => n.nodeName);
      expect(new Set(names).size).toBe(names.length);
      expect(names).toContain('MatMul');
      expect(names).toContain('Relu');
      expect(names.some((n) => n.includes('ApplyGradientDescent'))).toBe(true);
      for (const n of nodes) {
        expect(n.allStartMicros).toBeGreaterThanOrEqual(t0 - 1000);
        expect(n.allEndRelMicros).toBeGreaterThanOrEqual(0);
        expect(g.getOperationByName(n.nodeName)).toBeDefined();
      }
      const mm = nodes.find((n) => n.nodeName === 'MatMul')!;
      expect(mm.output[0]!.tensorDescription.allocationDescription.requestedBytes).toBe(2 * 2 * 4);
      expect(mm.timelineLabel).toBe('MatMul = MatMul(x:0, w/read:0)');
      const events = checkTraceEvents(new tf.timeline.Timeline(meta.stepStats).generateChromeTraceFormat());
      const ops = events.filter((e) => e.ph === 'X');
      expect(ops.length).toBe(nodes.length);
      expect(ops.map((e) => e.args.name)).toEqual(names);
      expect(ops.find((e) => e.args.name === 'MatMul')!.name).toBe('MatMul');
      // An untraced run leaves the metadata as it was.
      const before = meta.stepStats;
      await sess.run(loss, feed, new tf.RunOptions(), meta);
      expect(meta.stepStats).toBe(before);
      await sess.close();
    });
  }

  it('bad arguments', () => {
    expect(() => new tf.RunOptions({ traceLevel: 7 })).toThrow(TypeError);
    const s = new tf.Session({ graph: new tf.Graph() });
    expect(() => new tf.timeline.Timeline(null as never)).toThrow(TypeError);
    void s.close();
  });
});
