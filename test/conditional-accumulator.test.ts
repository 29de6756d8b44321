/**
 * tf.ConditionalAccumulator / tf.SparseConditionalAccumulator: TF's kernels' numbers (mean or
 * sum of the gradients taken, per row for sparse ones), stale gradients dropped by local_step,
 * the global step a take increments and set_global_step sets, a take waiting for the applies of
 * concurrent runs, and TF's errors.
 */
import { expect, test } from 'vitest';
import * as tf from '../src/index.js';

const f32 = (v: number[], s: number[]) => new tf.NDArray(Float32Array.from(v), s, 'float32');

test('dense: mean of the gradients taken, stale ones dropped, the global step', async () => {
  const g = new tf.Graph();
  await g.asDefault(async () => {
    const acc = new tf.ConditionalAccumulator(tf.float32, [2], { sharedName: 'acc' });
    const grad = tf.placeholder(tf.float32, [2]);
    const step = tf.placeholder(tf.int64, []);
    const apply = acc.applyGrad(grad, step);
    const take = acc.takeGrad(2);
    const n = acc.numAccumulated();
    expect(n.op.name).toBe('conditional_accumulator_NumAccumulated');
    expect(take.shape).toEqual([2]);
    const sess = new tf.Session();
    const run = (v: number[], s: number) => sess.run(apply, new Map<tf.Tensor, tf.NDArray>([[grad, f32(v, [2])], [step, new tf.NDArray(Float64Array.of(s), [], 'int64')]]));
    await run([1, 2], 0);
    await run([3, 5], 0);
    expect((await sess.run(n)).data[0]).toBe(2);
    expect(Array.from((await sess.run(take)).data)).toEqual([2, 3.5]);
    expect((await sess.run(n)).data[0]).toBe(0);
    // the take moved the accumulator to step 1: a gradient of step 0 is stale and dropped
    await run([100, 100], 0);
    expect((await sess.run(n)).data[0]).toBe(0);
    await run([4, 6], 1);
    await run([2, 2], 7);
    expect(Array.from((await sess.run(take)).data)).toEqual([3, 4]);
    // set_global_step moves it on (or back, with TF's warning)
    await sess.run(acc.setGlobalStep(10));
    await run([1, 1], 9);
    expect((await sess.run(n)).data[0]).toBe(0);
    await sess.close();
  });
});

test('dense: a take waits for the gradients of concurrent runs; SUM reduction', async () => {
  const g = new tf.Graph();
  await g.asDefault(async () => {
    const acc = new tf.ConditionalAccumulator(tf.float32, [null], { reductionType: 'SUM' });
    const grad = tf.placeholder(tf.float32, [null]);
    const apply = acc.applyGrad(grad);
    const apply1 = acc.applyGrad(grad, 1);
    const sess = new tf.Session();
    const taken = sess.run(acc.takeGrad(3));
    await Promise.all([1, 2, 4].map((v) => sess.run(apply, new Map([[grad, f32([v, -v], [2])]]))));
    expect(Array.from((await taken).data)).toEqual([7, -7]);
    // step 1 now: a stale gradient is dropped before any check; a current one of another shape
    // than the one already in is refused, as TF's kernel does
    await sess.run(apply, new Map([[grad, f32([1, 1, 1], [3])]]));
    await sess.run(apply1, new Map([[grad, f32([1, 1], [2])]]));
    await expect(sess.run(apply1, new Map([[grad, f32([1, 1, 1], [3])]]))).rejects.toThrow(/Shape mismatch: expected \[2\], got \[3\]/);
    await sess.close();
  });
});

test('dense: TF errors', async () => {
  const g = new tf.Graph();
  await g.asDefault(async () => {
    const acc = new tf.ConditionalAccumulator(tf.float32, [2, 2]);
    expect(() => acc.applyGrad(tf.constant([1, 2]))).toThrow('Shapes (2,) and (2, 2) are incompatible');
    expect(() => new tf.ConditionalAccumulator(tf.float32, [2], { reductionType: 'MAX' })).toThrow(/reduction_type/);
    const sess = new tf.Session();
    const e = await sess.run(acc.takeGrad(0)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect((e as Error).message).toBe('Argument num_required must be positive, but was 0');
    // nothing else in flight could apply a gradient: an error, not a hang
    await expect(sess.run(acc.takeGrad(1))).rejects.toThrow(/would block forever/);
    // a bounded wait fails at its deadline
    await expect(sess.run(acc.takeGrad(1), undefined, { timeoutInMs: 20 })).rejects.toBeInstanceOf(tf.errors.DeadlineExceededError);
    await sess.close();
  });
});

test('sparse: rows add up by index, the mean divides each row by the gradients that touched it', async () => {
  const g = new tf.Graph();
  await g.asDefault(async () => {
    const acc = new tf.SparseConditionalAccumulator(tf.float32, [4, 2]);
    const a1 = acc.applyGrad([0, 2], [[1, 1], [2, 4]], [4, 2]);
    const a2 = acc.applyIndexedSlicesGrad(new tf.IndexedSlices(tf.constant([[4, 6], [6, 8]]), tf.constant([2, 3], tf.int64), tf.constant([4, 2], tf.int64)));
    const [idx, vals, shape] = acc.takeGrad(2);
    const sess = new tf.Session();
    await sess.run(a1);
    await sess.run(a2);
    const [i, v, s] = await sess.run([idx, vals, shape]);
    expect(Array.from(i.data)).toEqual([0, 2, 3]);
    expect(v.shape).toEqual([3, 2]);
    expect(Array.from(v.data)).toEqual([1, 1, 3, 5, 6, 8]);
    expect(Array.from(s.data)).toEqual([4, 2]);
    const bad = acc.applyGrad([5], [[1, 1]], null, 1);
    await expect(sess.run(bad)).rejects.toThrow('Shape mismatch: index of slice 0 exceeded limits of shape; index is 5 exceeded 4');
    const badShape = acc.applyGrad([1], [[1, 1]], [4, 3], 1);
    await expect(sess.run(badShape)).rejects.toThrow('Shape mismatch: expected shape dim 1 to be 2, got 3');
    await sess.close();
  });
});
