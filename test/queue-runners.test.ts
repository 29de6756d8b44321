/**
 * tf.train.QueueRunner / startQueueRunners / Coordinator: queue-runner loops run concurrently
 * with the main loop's runs (interleaving at queue waits), OutOfRangeError closes the queue,
 * other errors stop the coordinator and are re-raised by join(); MonitoredTrainingSession
 * starts the graph's queue runners itself.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const num = (a: unknown): number => Number((a as tf.NDArray).data[0]);

describe('queue runners', () => {
  it('a counter feeds a FIFOQueue through two enqueue loops; the main loop dequeues every value once; join after stop', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const counter = new tf.Variable(0, { name: 'counter', dtype: tf.int32 });
      const q = new tf.FIFOQueue(3, [tf.int32], [[]]);
      // each enqueue takes the next counter value
      const enq = q.enqueue(tf.assignAdd(counter, tf.constant(1, tf.int32)));
      const qr = new tf.train.QueueRunner(q, [enq, enq]);
      tf.train.addQueueRunner(qr);
      return { q, qr, deq: q.dequeue(), init: tf.globalVariablesInitializer() };
    });
    expect(g.getCollection(tf.GraphKeys.QUEUE_RUNNERS)).toEqual([m.qr]);
    const sess = new tf.Session({ graph: g });
    await sess.run(m.init);
    const coord = new tf.train.Coordinator();
    const threads = tf.train.startQueueRunners(sess, coord);
    expect(threads.length).toBe(3);
    expect(threads.every((t) => t.isAlive())).toBe(true);
    const got: number[] = [];
    for (let i = 0; i < 20; i++) got.push(num(await sess.run(m.deq)));
    // two loops: each value once; enqueues are served in arrival order, so in counter order
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    coord.requestStop();
    await coord.join(threads);
    expect(threads.some((t) => t.isAlive())).toBe(false);
    // the cancel op closed the queue: what is left is dequeued, then OutOfRangeError
    expect(num(await sess.run(m.q.isClosed()))).toBe(1);
    await sess.close();
  });

  it("the enqueue's OutOfRangeError ends the loops and the last closes the queue; the consumer ends with TF's text", async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const src = new tf.FIFOQueue(10, [tf.float32], [[]], { name: 'src' });
      const dst = new tf.FIFOQueue(2, [tf.float32], [[]], { name: 'dst' });
      const fill = src.enqueueMany([[1, 2, 3, 4, 5]]);
      const closeSrc = src.close();
      tf.train.addQueueRunner(new tf.train.QueueRunner(dst, [dst.enqueue(tf.multiply(src.dequeue(), 10))]));
      return { fill, closeSrc, deq: dst.dequeue() };
    });
    const sess = new tf.Session({ graph: g });
    await sess.run([m.fill, m.closeSrc]);
    const coord = new tf.train.Coordinator();
    const threads = tf.train.startQueueRunners(sess, coord);
    const got: number[] = [];
    let err: unknown = null;
    try {
      for (;;) got.push(num(await sess.run(m.deq)));
    } catch (e) {
      err = e;
    }
    expect(got).toEqual([10, 20, 30, 40, 50]);
    expect(err).toBeInstanceOf(tf.errors.OutOfRangeError);
    expect((err as Error).message).toBe("FIFOQueue '_1_dst' is closed and has insufficient elements (requested 1, current size 0)");
    coord.requestStop();
    await coord.join(threads);
    await sess.close();
  });

  it('another error in a loop stops the coordinator and is re-raised by join()', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const q = new tf.FIFOQueue(4, [tf.float32], [[]]);
      const x = tf.Variable ? new tf.Variable([1, 2], { name: 'x' }) : null;
      // an out-of-range gather index is an InvalidArgumentError in the enqueue's run
      const bad = tf.gather(x!, tf.constant([5], tf.int32));
      tf.train.addQueueRunner(new tf.train.QueueRunner(q, [q.enqueueMany([bad])]));
      return { init: tf.globalVariablesInitializer() };
    });
    const sess = new tf.Session({ graph: g });
    await sess.run(m.init);
    const coord = new tf.train.Coordinator();
    const threads = tf.train.startQueueRunners(sess, coord);
    expect(await coord.waitForStop(10)).toBe(true);
    await expect(coord.join(threads)).rejects.toThrow(tf.errors.InvalidArgumentError);
    await sess.close();
  });

  it('MonitoredTrainingSession starts the queue runners; its close stops and cancels them', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const q = new tf.FIFOQueue(5, [tf.float32], [[]]);
      const qr = new tf.train.QueueRunner(q, [q.enqueue(tf.constant(2))]);
      tf.train.addQueueRunner(qr);
      const step = tf.train.getOrCreateGlobalStep();
      const total = new tf.Variable(0, { name: 'total' });
      const train = tf.group([tf.assignAdd(total, q.dequeue()), tf.assignAdd(step, tf.constant(1, tf.int64))]);
      return { train, total };
    });
    let seen = 0;
    await g.asDefault(async () => {
      await tf.train.MonitoredTrainingSession({ hooks: [new tf.train.StopAtStepHook({ lastStep: 6 })] }).withSession(async (sess) => {
        // total is read before this step's update
        while (!sess.shouldStop()) seen = num((await sess.run([m.train, m.total]))[1]) + 2;
      });
    });
    expect(seen).toBe(12);
  });

  it('startQueueRunners needs a session; QueueRunner checks its arguments as TF1', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const q = new tf.FIFOQueue(2, [tf.float32], [[]]);
      expect(() => tf.train.startQueueRunners()).toThrow('Cannot start queue runners: No default session is registered.');
      expect(() => new tf.train.QueueRunner(q, [])).toThrow('Must provide queue and enqueue_ops.');
      const qr = new tf.train.QueueRunner({ queue: q, enqueueOps: [q.enqueue(1)] });
      expect(qr.name).toBe('fifo_queue');
      expect(qr.closeOp.type).toBe('QueueCloseV2');
      expect(qr.cancelOp.attrs.cancelPendingEnqueues).toBe(true);
    });
  });

  it('sliceInputProducer + batch(allowSmallerFinalBatch): rows in order for numEpochs, then OutOfRangeError; TF1 names', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const [x, y] = tf.train.sliceInputProducer([tf.constant([[0, 0], [1, 10], [2, 20], [3, 30], [4, 40]]), tf.constant([0, 1, 2, 3, 4], tf.int32)], { numEpochs: 2, shuffle: false });
      const [xb, yb] = tf.train.batch([x!, y!], 3, { allowSmallerFinalBatch: true });
      return { xb, yb, init: tf.group([tf.globalVariablesInitializer(), tf.localVariablesInitializer()]) };
    });
    expect(m.xb.shape).toEqual([null, 2]);
    expect(m.yb.op.name).toBe('batch');
    expect(m.yb.op.type).toBe('QueueDequeueUpToV2');
    const names = g.operations.map((o) => o.name);
    expect(names).toContain('input_producer/input_producer');
    expect(names).toContain('input_producer/input_producer/limit_epochs/epochs');
    expect(names).toContain('batch/fifo_queue');
    expect(names).toContain('batch/fraction_of_32_full');
    expect(names).toContain('input_producer/input_producer/fraction_of_32_full');
    const sess = new tf.Session({ graph: g });
    await sess.run(m.init);
    const coord = new tf.train.Coordinator();
    const threads = tf.train.startQueueRunners(sess, coord);
    const ys: number[][] = [];
    let end: unknown = null;
    try {
      for (;;) {
        const [xv, yv] = (await sess.run([m.xb, m.yb])) as [tf.NDArray, tf.NDArray];
        expect([...xv.data]).toEqual([...yv.data].flatMap((i) => [Number(i), Number(i) * 10]));
        ys.push([...yv.data].map(Number));
      }
    } catch (e) {
      end = e;
    }
    expect(ys).toEqual([[0, 1, 2], [3, 4, 0], [1, 2, 3], [4]]);
    expect(end).toBeInstanceOf(tf.errors.OutOfRangeError);
    expect((end as Error).message).toBe("FIFOQueue '_1_batch/fifo_queue' is closed and has insufficient elements (requested 3, current size 0)");
    coord.requestStop();
    await coord.join(threads);
    await sess.close();
  });

  it('stringInputProducer: a seeded shuffle per epoch (repeatable in a fresh session), numEpochs, the fraction_of_N_full summary', async () => {
    const order = async (): Promise<string[]> => {
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const q = tf.train.stringInputProducer(['a', 'b', 'c', 'd'], { numEpochs: 3, seed: 5, capacity: 8 });
        return { q, deq: q.dequeue(), init: tf.localVariablesInitializer(), summary: g.getCollection(tf.GraphKeys.SUMMARIES)[0] as tf.Tensor };
      });
      expect(m.summary.op.name).toBe('input_producer/fraction_of_8_full');
      const sess = new tf.Session({ graph: g });
      await sess.run(m.init);
      const coord = new tf.train.Coordinator();
      const threads = tf.train.startQueueRunners(sess, coord);
      const out: string[] = [];
      await expect((async () => {
        for (;;) out.push(String(((await sess.run(m.deq)) as tf.NDArray).toArray()));
      })()).rejects.toThrow(tf.errors.OutOfRangeError);
      coord.requestStop();
      await coord.join(threads);
      // the producer closed the queue after its last epoch
      expect(Number((await sess.run(m.q.isClosed())).data[0])).toBe(1);
      await sess.close();
      return out;
    };
    const a = await order();
    expect(a.length).toBe(12);
    for (let e = 0; e < 3; e++) expect([...a.slice(4 * e, 4 * e + 4)].sort()).toEqual(['a', 'b', 'c', 'd']);
    // shuffled: not every epoch in the given order, and the epochs differ
    expect([a.slice(0, 4), a.slice(4, 8), a.slice(8)].every((e) => e.join() === 'a,b,c,d')).toBe(false);
    expect(new Set([a.slice(0, 4).join(), a.slice(4, 8).join(), a.slice(8).join()]).size).toBeGreaterThan(1);
    expect(await order()).toEqual(a);
  });

  it('shuffleBatch: every element once, shuffled and seeded; TF1 names, min_after_dequeue checks', async () => {
    const run = async (): Promise<number[]> => {
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const [i] = tf.train.sliceInputProducer([tf.range(0, 40, 1, tf.int32)], { numEpochs: 1, shuffle: false });
        const b = tf.train.shuffleBatch([i!], 5, 22, 10, { seed: 3 });
        expect(() => tf.train.shuffleBatch([i!], 5, 10, 10)).toThrow('capacity 10 must be bigger than min_after_dequeue 10.');
        return { b, init: tf.localVariablesInitializer() };
      });
      expect(m.b.op.name).toBe('shuffle_batch');
      expect(m.b.shape).toEqual([5]);
      expect(g.operations.map((o) => o.name)).toContain('shuffle_batch/fraction_over_10_of_12_full');
      expect(g.operations.map((o) => o.name)).toContain('shuffle_batch/random_shuffle_queue');
      const sess = new tf.Session({ graph: g });
      await sess.run(m.init);
      const coord = new tf.train.Coordinator();
      const threads = tf.train.startQueueRunners(sess, coord);
      const out: number[] = [];
      try {
        for (;;) out.push(...[...((await sess.run(m.b)) as tf.NDArray).data].map(Number));
      } catch (e) {
        expect(e).toBeInstanceOf(tf.errors.OutOfRangeError);
      }
      coord.requestStop();
      await coord.join(threads);
      await sess.close();
      return out;
    };
    const a = await run();
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('batchJoin (one loop per list), enqueueMany, dynamicPad', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const a = tf.train.sliceInputProducer([tf.constant([1, 2, 3, 4])], { numEpochs: 1, shuffle: false })[0]!;
      const b = tf.train.sliceInputProducer([tf.constant([100, 200])], { numEpochs: 1, shuffle: false })[0]!;
      const joined = tf.train.batchJoin([[a], [b]], 2, { allowSmallerFinalBatch: true });
      const many = tf.train.batch([tf.constant([[1, 2], [3, 4], [5, 6]])], 2, { enqueueMany: true, name: 'many' });
      // byte strings of lengths 1, 2, 3 decoded into vectors of those lengths
      const word = tf.train.stringInputProducer(['\x01', '\x02\x02', '\x03\x03\x03'], { shuffle: false, name: 'words' }).dequeue() as tf.Tensor;
      const padded = tf.train.batch([tf.cast(tf.decodeRaw(word, tf.uint8), tf.float32)], 3, { dynamicPad: true, name: 'padded' });
      return { joined, many, padded, init: tf.localVariablesInitializer() };
    });
    expect(m.joined.op.name).toBe('batch_join');
    expect(m.padded.shape).toEqual([3, null]);
    const sess = new tf.Session({ graph: g });
    await sess.run(m.init);
    const coord = new tf.train.Coordinator();
    const threads = tf.train.startQueueRunners(sess, coord);
    const p = (await sess.run(m.padded)) as tf.NDArray;
    expect(p.shape).toEqual([3, 3]);
    expect([...p.data]).toEqual([1, 0, 0, 2, 2, 0, 3, 3, 3]);
    const mv = (await sess.run(m.many)) as tf.NDArray;
    expect(mv.shape).toEqual([2, 2]);
    expect([...mv.data]).toEqual([1, 2, 3, 4]);
    const seen: number[] = [];
    try {
      for (;;) seen.push(...[...((await sess.run(m.joined)) as tf.NDArray).data].map(Number));
    } catch (e) {
      expect(e).toBeInstanceOf(tf.errors.OutOfRangeError);
    }
    expect([...seen].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 100, 200]);
    coord.requestStop();
    await coord.join(threads);
    await sess.close();
  });

  it("an Estimator's input_fn built from queue pipelines trains: its MonitoredTrainingSession runs the queue runners; evaluate ends at the last epoch", async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const xs = Array.from({ length: 16 }, (_, i) => [i / 16]);
    const ys = xs.map(([x]) => [3 * x! + 1]);
    const inputFn = (numEpochs: number | null) => () => {
      const [x, y] = tf.train.sliceInputProducer([tf.constant(xs), tf.constant(ys)], { numEpochs, shuffle: numEpochs === null, seed: 1 });
      const [xb, yb] = tf.train.batch([x!, y!], 4) as [tf.Tensor, tf.Tensor];
      return [{ x: xb }, yb] as [Record<string, tf.Tensor>, tf.Tensor];
    };
    const modelFn: tf.estimator.ModelFn = (features, labels, mode) => {
      const w = tf.getVariable('w', [1, 1], { initializer: tf.zerosInitializer() });
      const b = tf.getVariable('b', [1], { initializer: tf.zerosInitializer() });
      const pred = tf.add(tf.matmul(features.x as tf.Tensor, w), b);
      const loss = tf.reduceMean(tf.square(tf.subtract(pred, labels as tf.Tensor)));
      if (mode === tf.estimator.ModeKeys.EVAL) return new tf.estimator.EstimatorSpec(mode, { loss });
      const trainOp = new tf.train.GradientDescentOptimizer(0.5).minimize(loss, { globalStep: tf.train.getGlobalStep()! });
      return new tf.estimator.EstimatorSpec({ mode, loss, trainOp });
    };
    const est = new tf.estimator.Estimator(modelFn, { modelDir: mkdtempSync(join(tmpdir(), 'tsflow-qr-est-')), config: new tf.estimator.RunConfig({ tfRandomSeed: 1, logStepCountSteps: 1000 }) });
    await est.train(inputFn(null), { steps: 150 });
    // one epoch of 16 examples: 4 batches, then the input's OutOfRangeError ends the evaluation
    const m = await est.evaluate(inputFn(1));
    expect(Number(m.global_step)).toBe(150);
    expect(Number(m.loss)).toBeLessThan(0.01);
  });
});
