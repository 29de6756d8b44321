/**
 * Run traces on WebGPU: FULL_TRACE submits each step's dispatches on their own and times them,
 * so RunMetadata's step stats name the GPU device and every op that dispatched kernels, with
 * the same values as an untraced run.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { openDevice } from './helpers.js';

const gpu = await openDevice();

describe.skipIf(!gpu)('WebGPU run traces', () => {
  it('a traced MLP training step: one NodeExecStats per op that ran on the GPU, values as untraced', async () => {
    const build = () => {
      const g = new tf.Graph();
      return g.asDefault(() => {
        const x = tf.placeholder(tf.float32, [null, 3], 'x');
        const w = new tf.Variable(tf.constant([[0.5, -1], [2, 0.25], [-0.75, 1]], tf.float32), { name: 'w' });
        const y = tf.nn.relu(tf.matmul(x, w));
        const loss = tf.reduceSum(tf.square(y));
        const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
        return { g, x, w, loss, train, init: tf.globalVariablesInitializer() };
      });
    };
    const feed = (m: ReturnType<typeof build>) => new Map([[m.x, new tf.NDArray(Float32Array.of(1, 2, 3, -1, 0.5, 2), [2, 3])]]);
    const traced = build();
    const plain = build();
    const s1 = new tf.Session({ graph: traced.g, device: 'webgpu' });
    const s2 = new tf.Session({ graph: plain.g, device: 'webgpu' });
    await s1.run(traced.init);
    await s2.run(plain.init);
    const meta = new tf.RunMetadata();
    const [l1] = (await s1.run([traced.loss, traced.train], feed(traced), new tf.RunOptions({ traceLevel: tf.RunOptions.FULL_TRACE }), meta)) as tf.NDArray[];
    const [l2] = (await s2.run([plain.loss, plain.train], feed(plain))) as tf.NDArray[];
    expect(l1!.data[0]).toBe(l2!.data[0]);
    expect(Array.from(((await s1.run(traced.w)) as tf.NDArray).data)).toEqual(Array.from(((await s2.run(plain.w)) as tf.NDArray).data));

    const dev = meta.stepStats.devStats;
    expect(dev.map((d) => d.device)).toEqual(['/job:localhost/replica:0/task:0/device:GPU:0']);
    const names = dev[0]!.nodeStats.map((n) => n.nodeName);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('MatMul');
    expect(names).toContain('Relu');
    expect(names.some((n) => n.includes('ApplyGradientDescent'))).toBe(true);
    for (const n of dev[0]!.nodeStats) expect(n.allEndRelMicros).toBeGreaterThanOrEqual(0);
    const events = JSON.parse(new tf.timeline.Timeline(meta.stepStats).generateChromeTraceFormat()) as { traceEvents: { ph: string }[] };
    expect(events.traceEvents.filter((e) => e.ph === 'X').length).toBe(names.length);
    await s1.close();
    await s2.close();
  });
});
