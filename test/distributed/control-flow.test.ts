/**
 * TF1 control flow on a cluster task (real server processes on 127.0.0.1): a tf.cond trained on
 * a worker task with its variables on the ps (tf.train.replicaDeviceSetter), and a tf.whileLoop
 * run there, give the numbers of a single-process session; a region runs whole on one task.
 * A loop's gradient cannot be placed on a task yet (partitions travel as GraphDefs, and tsflow's
 * gradient loops read their forward loop's iterations in ways a GraphDef does not carry): that is
 * a clear error, not a hang.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as tf from '../../src/index.js';
import { TestCluster } from './cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await TestCluster.create({ ps: 1, worker: 2 });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

const X = Array.from({ length: 4 }, (_, b) => Array.from({ length: 3 }, (_, j) => Math.sin(b * 3 + j)));

/** Runs `build` in a fresh graph: variables on the ps, the rest on worker task 1 (cluster), or in one process (null). */
async function inGraph<R>(cluster: Record<string, string[]> | null, sessOpts: tf.SessionOptions, build: () => R, body: (sess: tf.Session, r: R) => Promise<number[][]>) {
  const g = new tf.Graph();
  return g.asDefault(async () => {
    tf.setRandomSeed(3);
    const r = cluster === null ? build() : tf.device(tf.train.replicaDeviceSetter({ cluster, workerDevice: '/job:worker/task:1' })!, build);
    const sess = new tf.Session({ ...sessOpts, graph: g });
    try {
      return await body(sess, r);
    } finally {
      await sess.close();
    }
  });
}

function condModel() {
  const x = tf.placeholder(tf.float32, [4, 3], { name: 'x' });
  const flag = tf.placeholder(tf.bool, [], { name: 'flag' });
  const w = new tf.Variable(tf.randomNormal([3, 2], { seed: 4, stddev: 0.5 }), { name: 'w' });
  const y = tf.matmul(x, w);
  // nested: the inner cond is a region inside the outer one
  const picked = tf.cond(flag, () => tf.square(y), () => tf.cond(tf.greater(tf.reduceSum(y), 0), () => tf.abs(y), () => tf.negative(y)));
  const loss = tf.reduceMean(picked as tf.Tensor);
  return { x, flag, w, loss, train: new tf.train.GradientDescentOptimizer(0.1).minimize(loss) };
}

async function condRun(sess: tf.Session, m: ReturnType<typeof condModel>): Promise<number[][]> {
  await sess.run(tf.globalVariablesInitializer());
  const losses: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [l] = await sess.run([m.loss, m.train], new Map<tf.Tensor, unknown>([[m.x, X], [m.flag, i % 2 === 0]]) as never);
    losses.push(l.data[0] as number);
  }
  return [losses, Array.from((await sess.run(m.w)).data as Float32Array)];
}

function loopModel() {
  const x = tf.placeholder(tf.float32, [4, 3], { name: 'x' });
  const w = new tf.Variable(tf.randomNormal([3, 3], { seed: 5, stddev: 0.4 }), { name: 'w_loop' });
  const [, h] = tf.whileLoop((i: tf.Tensor) => tf.less(i, 5), (i: tf.Tensor, h: tf.Tensor) => [tf.add(i, 1), tf.tanh(tf.matmul(h, w))], [tf.constant(0), x]) as tf.Tensor[];
  return { x, w, h: h! };
}

describe('control flow on a cluster task', () => {
  test('a nested tf.cond trained on a worker task, variables on the ps: the single-process numbers', async () => {
    const local = await inGraph(null, { threads: 1 }, condModel, condRun);
    const remote = await inGraph(cluster.spec, { target: cluster.target('worker', 0) }, condModel, condRun);
    expect(JSON.stringify(remote)).toBe(JSON.stringify(local));
    expect(local[0]!.every(Number.isFinite)).toBe(true);
  }, 120_000);

  test('a tf.whileLoop reading a ps variable each iteration runs on a worker task with the single-process numbers', async () => {
    const run = async (sess: tf.Session, m: ReturnType<typeof loopModel>) => {
      await sess.run(tf.globalVariablesInitializer());
      return [Array.from((await sess.run(m.h, new Map([[m.x, X]]) as never)).data as Float32Array)];
    };
    const local = await inGraph(null, { threads: 1 }, loopModel, run);
    const remote = await inGraph(cluster.spec, { target: cluster.target('worker', 0) }, loopModel, run);
    expect(remote).toEqual(local);
  }, 120_000);

  test('a dynamicRnn (TensorArrays, a gradient loop) is a clear UnimplementedError naming the op, before anything runs', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const x = tf.placeholder(tf.float32, [2, 3, 2], { name: 'x' });
      const loss = tf.device(tf.train.replicaDeviceSetter({ cluster: cluster.spec, workerDevice: '/job:worker/task:1' })!, () => {
        const [out] = tf.nn.dynamicRnn(new tf.nn.rnnCell.BasicRNNCell(3, { name: 'unplaceable_rnn' }), x, { dtype: tf.float32 });
        return tf.reduceSum(out as tf.Tensor);
      });
      const sess = new tf.Session({ target: cluster.target('worker', 0), graph: g });
      try {
        await expect(sess.run(loss, new Map([[x, new tf.NDArray(new Float32Array(12), [2, 3, 2], 'float32')]]) as never)).rejects.toThrow(
          /TensorArray\w* '[^']+' cannot run on a cluster task yet/,
        );
      } finally {
        await sess.close();
      }
    });
  }, 60_000);
});
