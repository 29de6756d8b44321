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

  it('runSync never waits; an async wait nothing could end fails clearly instead of hanging', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const q = new FIFOQueue(2, ['int32'], [[]]);
      return { q, deq: q.dequeue(), enq2: q.enqueueMany([[1, 2]]), one: q.enqueue(9) };
    });
    const sess = new tf.Session({ graph: g });
    expect(() => R(sess, m.deq)).toThrow(/would block \(op fifo_queue_Dequeue\): runSync cannot wait/);
    await expect(sess.run(m.deq)).rejects.toThrow("Dequeue from a queue with too few elements on queue '_0_fifo_queue' would block forever (op fifo_queue_Dequeue): no other run of this session is in flight and no queue runner is running");
    R(sess, m.enq2);
    await expect(sess.run(m.one)).rejects.toThrow(/Enqueue on a full queue on queue '_0_fifo_queue' would block forever/);
    expect(Number(R(sess, m.deq).data[0])).toBe(1);
    await sess.close();
  });

  it('an enqueue waiting on a full queue is freed by a concurrent dequeue; variables stay consistent', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const q = new FIFOQueue(2, ['float32'], [[]]);
      const v = new tf.Variable(0, { name: 'v' });
      // each enqueue bumps v after its element went in: the bump runs in the plan after the host op
      const x = tf.placeholder(tf.float32, []);
      const enq = q.enqueue(x);
      const bump = tf.group([tf.assignAdd(v, 1)], { name: 'bump' });
      tf.controlDependencies([enq], () => null);
      return { q, v, x, enq, bump, deq: q.dequeue(), init: tf.globalVariablesInitializer(), size: q.size() };
    });
    const sess = new tf.Session({ graph: g });
    await sess.run(m.init);
    await sess.run([m.enq, m.bump], [[m.x, 1]]);
    await sess.run([m.enq, m.bump], [[m.x, 2]]);
    const order: string[] = [];
    // the third enqueue waits (capacity 2) until the dequeue below makes room
    const third = sess.run([m.enq, m.bump], [[m.x, 3]]).then(() => order.push('enqueued 3'));
    const first = (sess.run(m.deq) as Promise<tf.NDArray>).then((a) => {
      order.push(`dequeued ${a.data[0]}`);
      return a;
    });
    await Promise.all([third, first]);
    expect(order).toEqual(['dequeued 1', 'enqueued 3']);
    expect(R(sess, m.size).data[0]).toBe(2);
    expect(R(sess, m.v).data[0]).toBe(3);
    expect([Number(R(sess, m.deq).data[0]), Number(R(sess, m.deq).data[0])]).toEqual([2, 3]);
    await sess.close();
  });

  it('a dequeue waiting on an empty queue is freed by close: OutOfRangeError with TF text; a failed run commits nothing', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const q = new FIFOQueue(4, ['float32'], [[]]);
      const v = new tf.Variable(0, { name: 'v' });
      const got = q.dequeue();
      // the update uses the dequeued value: a run whose dequeue fails updates nothing
      const upd = tf.assignAdd(v, got);
      return { q, v, upd, close: q.close(), enq: q.enqueue(5), init: tf.globalVariablesInitializer() };
    });
    const sess = new tf.Session({ graph: g });
    await sess.run(m.init);
    const waiting = sess.run(m.upd);
    const enq = sess.run(m.enq);
    await enq;
    expect((await waiting).data[0]).toBe(5);
    const second = sess.run(m.upd);
    const closed = sess.run(m.close);
    await closed;
    const err = await second.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(tf.errors.OutOfRangeError);
    expect((err as Error).message).toBe("FIFOQueue '_0_fifo_queue' is closed and has insufficient elements (requested 1, current size 0)");
    expect((err as tf.errors.OpError).op).toBe('fifo_queue_Dequeue');
    expect(R(sess, m.v).data[0]).toBe(5);
    await sess.close();
  });

  it('close(cancelPendingEnqueues) cancels a waiting enqueue; a plain close lets it finish; session close cancels waits; timeouts', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const q = new FIFOQueue(1, ['int32'], [[]]);
      return { q, enq: q.enqueue(tf.constant(1, tf.int32)), deq: q.dequeue(), close: q.close(), cancel: q.close(true), size: q.size() };
    });
    let sess = new tf.Session({ graph: g });
    R(sess, m.enq);
    const pending = sess.run(m.enq);
    await sess.run(m.cancel);
    await expect(pending).rejects.toThrow(tf.errors.CancelledError);
    await expect(pending).rejects.toThrow('Enqueue operation was cancelled');
    await sess.close();

    sess = new tf.Session({ graph: g });
    R(sess, m.enq);
    const waits = sess.run(m.enq);
    await sess.run(m.close);
    // the waiting enqueue completes once a dequeue makes room, though the queue is closed
    const d = sess.run(m.deq);
    await waits;
    expect(Number(((await d) as tf.NDArray).data[0])).toBe(1);
    expect(R(sess, m.size).data[0]).toBe(1);
    await sess.close();

    sess = new tf.Session({ graph: g });
    const a = sess.run(m.deq);
    const b = sess.run(m.deq);
    // a run queued behind them: once it is done, both wait in their dequeue
    expect(Number(((await sess.run(m.size)) as tf.NDArray).data[0])).toBe(0);
    await sess.close();
    for (const p of [a, b]) {
      await expect(p).rejects.toThrow(tf.errors.CancelledError);
      await expect(p).rejects.toThrow('Dequeue operation was cancelled');
    }

    sess = new tf.Session({ graph: g });
    const slow = sess.run(m.deq, undefined, new tf.RunOptions({ timeoutInMs: 20 }));
    const other = sess.run(m.deq, undefined, new tf.RunOptions({ timeoutInMs: 20 }));
    for (const p of [slow, other]) {
      await expect(p).rejects.toThrow(tf.errors.DeadlineExceededError);
      await expect(p).rejects.toThrow('Timed out waiting for notification');
    }
    await sess.close();
  });

  it('dequeueMany of more than the capacity takes elements as they come; a close puts a partial batch back', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const q = new FIFOQueue(2, ['int32'], [[]]);
      const x = tf.placeholder(tf.int32, []);
      return { q, x, enq: q.enqueue(x), many: q.dequeueMany(5), upTo: q.dequeueUpTo(5), close: q.close(), size: q.size() };
    });
    const sess = new tf.Session({ graph: g });
    const batch = sess.run(m.many);
    for (let i = 1; i <= 5; i++) await sess.run(m.enq, [[m.x, i]]);
    expect([...((await batch) as tf.NDArray).data]).toEqual([1, 2, 3, 4, 5]);
    // three taken of five, then the close: they go back, and dequeueUpTo gives them
    const partial = sess.run(m.many);
    for (let i = 6; i <= 8; i++) await sess.run(m.enq, [[m.x, i]]);
    await sess.run(m.close);
    const err = await partial.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(tf.errors.OutOfRangeError);
    expect((err as Error).message).toBe("FIFOQueue '_0_fifo_queue' is closed and has insufficient elements (requested 2, current size 0)");
    expect([...R(sess, m.upTo).data]).toEqual([6, 7, 8]);
    await sess.close();
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
