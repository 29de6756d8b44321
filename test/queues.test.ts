import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { FIFOQueue, PaddingFIFOQueue, RandomShuffleQueue } from '../src/data/queue.js';

/** runSync with the fetched values typed loosely (each is an NDArray or a list of them). */
const R = (sess: tf.Session, f: unknown): any => sess.runSync(f);

describe('queues', () => {
  it('FIFOQueue keeps element order; size, dequeueMany, dequeueUpTo', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const q = new FIFOQueue(10, ['float32', 'int32'], [[2], []]);
      const enq = q.enqueueMany([[[1, 2], [3, 4], [5, 6]], [7, 8, 9]]);
      const [x, y] = q.dequeue();
      const many = q.dequeueMany(2);
      const sess = new tf.Session({ graph: g });
      R(sess, enq);
      expect(R(sess, q.size()).data[0]).toBe(3);
      const a = R(sess, [x, y]);
      expect([...a[0]!.data]).toEqual([1, 2]);
      expect(a[1]!.data[0]).toBe(7);
      const b = R(sess, many);
      expect(b[0]!.shape).toEqual([2, 2]);
      expect([...b[0]!.data]).toEqual([3, 4, 5, 6]);
      expect([...b[1]!.data]).toEqual([8, 9]);
      expect(R(sess, q.size()).data[0]).toBe(0);
      expect(q.name).toBe('fifo_queue');
    });
  });

  it('closed queue: TF1 OutOfRangeError text, dequeueUpTo gives the rest, enqueue is cancelled', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const q = new FIFOQueue(5, ['int32'], [[]]);
      const enq = q.enqueueMany([[1, 2, 3]]);
      const upTo = q.dequeueUpTo(2);
      const deq = q.dequeue();
      const sess = new tf.Session({ graph: g });
      R(sess, enq);
      R(sess, q.close());
      expect(R(sess, q.isClosed()).data[0]).toBe(1);
      expect(() => R(sess, q.enqueue(4))).toThrow(tf.errors.CancelledError);
      expect(() => R(sess, q.enqueue(4))).toThrow("FIFOQueue '_0_fifo_queue' is closed.");
      expect([...R(sess, upTo).data]).toEqual([1, 2]);
      expect([...R(sess, upTo).data]).toEqual([3]);
      expect(() => R(sess, deq)).toThrow(tf.errors.OutOfRangeError);
      expect(() => R(sess, deq)).toThrow("FIFOQueue '_0_fifo_queue' is closed and has insufficient elements (requested 1, current size 0)");
    });
  });

  it('a dequeue on an empty open queue and an enqueue on a full one fail clearly instead of hanging', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const q = new FIFOQueue(2, ['int32'], [[]]);
      return { q, deq: q.dequeue(), enq: q.enqueueMany([[1, 2, 3]]), enq2: q.enqueueMany([[1, 2]]), one: q.enqueue(9) };
    });
    const sess = new tf.Session({ graph: g });
    expect(() => R(sess, m.deq)).toThrow(/would block/);
    await expect(sess.run(m.deq)).rejects.toThrow(/would block/);
    R(sess, m.enq2);
    await expect(sess.run(m.one)).rejects.toThrow(/would block/);
    expect(Number(R(sess, m.deq).data[0])).toBe(1);
  });

  it('RandomShuffleQueue: a seed repeats the order, minAfterDequeue holds elements back until close', async () => {
    const order = async (seed: number): Promise<number[]> => {
      const g = new tf.Graph();
      return g.asDefault(async () => {
        const q = new RandomShuffleQueue(20, 3, ['int32'], [[]], null, seed);
        const sess = new tf.Session({ graph: g });
        R(sess, q.enqueueMany([Array.from({ length: 10 }, (_, i) => i)]));
        const deq = q.dequeue();
        const out: number[] = [];
        for (let i = 0; i < 7; i++) out.push(Number(R(sess, deq).data[0]));
        expect(() => R(sess, deq)).toThrow(/would block/);
        R(sess, q.close());
        for (let i = 0; i < 3; i++) out.push(Number(R(sess, deq).data[0]));
        expect(() => R(sess, deq)).toThrow("RandomShuffleQueue '_0_random_shuffle_queue' is closed and has insufficient elements (requested 1, current size 0)");
        return out;
      });
    };
    const a = await order(7);
    expect(await order(7)).toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await order(8)).not.toEqual(a);
  });

  it('PaddingFIFOQueue pads dequeueMany to the largest element with zeros', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const q = new PaddingFIFOQueue(5, ['float32'], [[null]]);
      const sess = new tf.Session({ graph: g });
      R(sess, q.enqueue([[1]]));
      R(sess, q.enqueue([[2, 3, 4]]));
      const v = R(sess, q.dequeueMany(2));
      expect(v.shape).toEqual([2, 3]);
      expect([...v.data]).toEqual([1, 0, 0, 2, 3, 4]);
    });
  });

  it('enqueue checks shapes and dtypes as TF1', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const q = new FIFOQueue(5, ['float32'], [[2]]);
      expect(() => q.enqueue([[1, 2, 3]])).toThrow('Shapes (3,) and (2,) are incompatible');
      expect(q.dequeueMany(4).shape).toEqual([4, 2]);
      expect(q.queueRef.op.type).toBe('FIFOQueueV2');
      expect(q.dequeueUpTo(4).op.type).toBe('QueueDequeueUpToV2');
    });
  });
});
