/**
 * Mixed placement (/cpu:0 and /gpu:0 in one graph) gives the numbers of a single device, and a
 * checkpoint saved from a GPU session restores into a CPU session and back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { openDevice, randF32 } from './helpers.js';

const gpu = await openDevice();

/** A two-layer net trained with Momentum; `place(layer, fn)` decides where each layer goes. */
function buildNet(place: (layer: number, fn: () => tf.Tensor) => tf.Tensor) {
  const g = new tf.Graph();
  return g.asDefault(() => {
    tf.setRandomSeed(7);
    const x = tf.placeholder('float32', [null, 6], 'x');
    const y = tf.placeholder('int32', [null], 'y');
    const w1 = new tf.Variable(tf.truncatedNormal([6, 8], { stddev: 0.5 }), { name: 'layer1/weights' });
    const b1 = new tf.Variable(tf.zeros([8]), { name: 'layer1/biases' });
    const w2 = new tf.Variable(tf.truncatedNormal([8, 3], { stddev: 0.5 }), { name: 'out/weights' });
    const h = place(1, () => tf.nn.relu(tf.add(tf.matmul(x, w1), b1)));
    const logits = place(2, () => tf.matmul(h, w2));
    const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }));
    const train = new tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss);
    return { g, x, y, loss, logits, train, init: tf.globalVariablesInitializer(), vars: [w1, b1, w2] };
  });
}

const xs = new tf.NDArray(randF32(5 * 6, 3), [5, 6]);
const ys = new tf.NDArray(Int32Array.from([0, 2, 1, 1, 0]), [5]);

async function trainSteps(net: ReturnType<typeof buildNet>, opts: tf.SessionOptions, steps = 4) {
  const sess = new tf.Session({ graph: net.g, ...opts });
  await sess.run(net.init);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const [l] = await sess.run([net.loss, net.train], [[net.x, xs], [net.y, ys]]);
    losses.push((l as tf.NDArray).data[0]!);
  }
  const vals = (await sess.run(net.vars)) as tf.NDArray[];
  return { sess, losses, vals };
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!)));
}

describe.skipIf(!gpu)('WebGPU: placement and checkpoints', () => {
  it('a graph split across /cpu:0 and /gpu:0 trains to the numbers of one device', async () => {
    const cpuOnly = await trainSteps(buildNet((_l, fn) => fn()), { device: 'cpu', threads: 1 });
    const split = buildNet((l, fn) => tf.device(l === 1 ? '/cpu:0' : '/gpu:0', fn));
    const mixed = await trainSteps(split, { device: 'webgpu' });
    expect(mixed.sess.listDevices().map((d) => d.deviceType)).toEqual(['CPU', 'GPU']);
    close(mixed.losses, cpuOnly.losses);
    mixed.vals.forEach((v, i) => close(v.data, cpuOnly.vals[i]!.data));
    await Promise.all([mixed.sess.close(), cpuOnly.sess.close()]);
  });

  it('a checkpoint saved on the GPU restores into a CPU session, and back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsflow-gpu-ckpt-'));
    const net = buildNet((_l, fn) => fn());
    const onGpu = await trainSteps(net, { device: 'webgpu' });
    const saver = new tf.train.Saver(net.vars);
    const prefix = await saver.save(onGpu.sess, join(dir, 'model.ckpt'), { globalStep: 4 });

    const onCpu = new tf.Session({ graph: net.g, device: 'cpu' });
    await saver.restore(onCpu, prefix);
    const restored = (await onCpu.run(net.vars)) as tf.NDArray[];
    restored.forEach((v, i) => expect(Array.from(v.data)).toEqual(Array.from(onGpu.vals[i]!.data)));

    // Train one more step on the CPU, save, and restore that into a fresh GPU session.
    await onCpu.run(net.init); // the optimizer's slots are not in this saver: initialize them
    await saver.restore(onCpu, prefix);
    await onCpu.run(net.train, [[net.x, xs], [net.y, ys]]);
    const cpuVals = (await onCpu.run(net.vars)) as tf.NDArray[];
    const prefix2 = await saver.save(onCpu, join(dir, 'model.ckpt'), { globalStep: 5 });
    const gpu2 = new tf.Session({ graph: net.g, device: 'webgpu' });
    await saver.restore(gpu2, prefix2);
    const back = (await gpu2.run(net.vars)) as tf.NDArray[];
    back.forEach((v, i) => expect(Array.from(v.data)).toEqual(Array.from(cpuVals[i]!.data)));
    expect(tf.train.latestCheckpoint(dir)).toBe(prefix2);
    await Promise.all([onGpu.sess.close(), onCpu.close(), gpu2.close()]);
  });

  it('soft placement runs /gpu:0 ops on the CPU where no GPU is asked for', async () => {
    const g = new tf.Graph();
    const [a, c] = g.asDefault(() => {
      const a = tf.placeholder('float32', [2]);
      return [a, tf.add(tf.device('/gpu:0', () => tf.multiply(a, 3)), 1)] as const;
    });
    const sess = new tf.Session({ graph: g, device: 'webgpu' });
    expect(Array.from(((await sess.run(c, [[a, [1, 2]]])) as tf.NDArray).data)).toEqual([4, 7]);
    await sess.close();
  });

  it('a restore before any run puts each variable where it is placed (a /cpu:0 int64 beyond 32 bits stays exact)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsflow-gpu-restore-'));
    const g = new tf.Graph();
    const { big, w } = g.asDefault(() => ({
      big: tf.device('/cpu:0', () => new tf.Variable(tf.constant(2 ** 40, tf.int64), { name: 'big', trainable: false })),
      w: new tf.Variable(tf.constant([1.5, -2], tf.float32), { name: 'w' }),
    }));
    const saver = g.asDefault(() => new tf.train.Saver());
    const cpu = new tf.Session({ graph: g, device: 'cpu' });
    await cpu.run(g.asDefault(() => tf.globalVariablesInitializer()));
    const prefix = (await saver.save(cpu, join(dir, 'model')))!;
    const sess = new tf.Session({ graph: g, device: 'webgpu' });
    await saver.restore(sess, prefix);
    const next = g.asDefault(() => tf.assignAdd(big, tf.constant(1, tf.int64)));
    expect(Number(((await sess.run(next)) as tf.NDArray).data[0])).toBe(2 ** 40 + 1);
    expect(Array.from(((await sess.run(w)) as tf.NDArray).data)).toEqual([1.5, -2]);
    await Promise.all([cpu.close(), sess.close()]);
  });
});
