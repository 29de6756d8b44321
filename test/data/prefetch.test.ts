/**
 * prefetch(bufferSize) on every device: the next elements are produced after a run takes one
 * (in the event loop's turns during a run's device work, or between runs), bounded by the
 * buffer; order, generator errors, the end of sequence, re-initialization, seeded shuffles and
 * random maps are as without prefetch; a closed session stops production and the process exits.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { registerSkipSummary, resolvedDevices } from '../conformance/harness.js';
import { drain, onDevice } from '../support/data.js';

registerSkipSummary();
const devices = await resolvedDevices();

const vals = (a: tf.NDArray): unknown => a.toArray();
/** A few turns of the event loop (what produces ahead runs in). */
const turns = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};

for (const dev of devices) {
  describe(`prefetch [${dev.name}]`, () => {
    const { test, setup } = onDevice(dev);
    /** A generator of 0..n-1 counting what has been pulled from it. */
    function counted(n: number, throwAt = -1): { pulled: () => number; gen: () => Iterator<number> } {
      let pulled = 0;
      return {
        pulled: () => pulled,
        gen: function* () {
          for (let i = 0; i < n; i++) {
            pulled++;
            if (i === throwAt) throw new Error(`element ${i} is bad`);
            yield i;
          }
        },
      };
    }

    test('after a run takes an element, the next bufferSize ones are produced without being asked, and no more', async () => {
      for (const size of [1, 3]) {
        const src = counted(20);
        const { sess, t } = setup(() => {
          const x = tf.data.Dataset.fromGenerator(src.gen, tf.int32, []).prefetch(size).makeOneShotIterator().getNext() as tf.Tensor;
          return { x, y: tf.multiply(x, 2) };
        });
        expect(src.pulled()).toBe(0);
        expect(vals(await sess.run(t.y))).toBe(0);
        await turns();
        expect(src.pulled()).toBe(1 + size);
        // more turns: the buffer is full, nothing more is produced
        await turns();
        expect(src.pulled()).toBe(1 + size);
        expect(vals(await sess.run(t.y))).toBe(2);
        await turns();
        expect(src.pulled()).toBe(2 + size);
        await sess.close();
      }
    });

    test('element order, batch remainder and end of sequence are those without prefetch, for every buffer size and AUTOTUNE', async () => {
      const build = (size: number | null) => () => {
        let ds = tf.data.Dataset.range(23).map((v: tf.Tensor) => tf.multiply(tf.cast(v, tf.float32), 1.5)).batch(4);
        if (size !== null) ds = ds.prefetch(size);
        const x = ds.makeOneShotIterator().getNext() as tf.Tensor;
        return tf.add(x, 1);
      };
      const plain = setup(build(null));
      const want = (await drain(plain.sess, plain.t)).map((x) => vals(x as tf.NDArray));
      expect(want.length).toBe(6);
      expect(want[5]).toEqual([31, 32.5, 34]);
      await plain.sess.close();
      for (const size of [0, 1, 2, 16, tf.data.experimental.AUTOTUNE]) {
        const { sess, t } = setup(build(size));
        const got: unknown[] = [];
        for (;;) {
          try {
            got.push(vals(await sess.run(t)));
          } catch (e) {
            expect(e).toBeInstanceOf(tf.errors.OutOfRangeError);
            break;
          }
          await turns(2);
        }
        expect(got).toEqual(want);
        // past the end it stays at the end
        await expect(sess.run(t)).rejects.toThrow('End of sequence');
        await sess.close();
      }
    });

    test('a generator error reaches the run that takes that element, not the one before; production goes on after it', async () => {
      const src = counted(6, 2);
      const { sess, t } = setup(() => tf.data.Dataset.fromGenerator(src.gen, tf.int32, []).prefetch(4).makeOneShotIterator().getNext() as tf.Tensor);
      expect(vals(await sess.run(t))).toBe(0);
      await turns();
      // element 2 was produced ahead, and failed: the run taking element 1 still succeeds
      expect(src.pulled()).toBe(3);
      expect(vals(await sess.run(t))).toBe(1);
      const err = await sess.run(t).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(tf.errors.UnknownError);
      expect((err as Error).message).toContain('element 2 is bad');
      // a generator that threw is finished (as a Python generator is): the end of the sequence
      await expect(sess.run(t)).rejects.toThrow(tf.errors.OutOfRangeError);
      await sess.close();
    });

    test('initializing the iterator again drops what was produced ahead and stops the old production', async () => {
      const a = counted(50);
      const b = counted(50);
      const { sess, t } = setup(() => {
        const which = tf.placeholder(tf.bool, []);
        const ds = tf.data.Dataset.fromGenerator(a.gen, tf.int32, []).map((v: tf.Tensor) => tf.multiply(v, 10)).prefetch(3);
        const other = tf.data.Dataset.fromGenerator(b.gen, tf.int32, []).map((v: tf.Tensor) => tf.add(v, 100)).prefetch(3);
        const it = tf.data.Iterator.fromStructure(tf.int32, []);
        return { which, next: it.getNext() as tf.Tensor, initA: it.makeInitializer(ds), initB: it.makeInitializer(other), one: ds.makeInitializableIterator() };
      });
      await sess.run(t.initA);
      expect(vals(await sess.run(t.next))).toBe(0);
      await turns();
      expect(a.pulled()).toBe(4);
      await sess.run(t.initB);
      await turns();
      // the first pipeline produces nothing more; the new one starts from its first element
      expect(a.pulled()).toBe(4);
      expect(vals(await sess.run(t.next))).toBe(100);
      expect(vals(await sess.run(t.next))).toBe(101);
      // the same dataset again: a fresh generator, from 0 (the old buffer is gone)
      await sess.run(t.initA);
      expect(vals(await sess.run(t.next))).toBe(0);
      expect(vals(await sess.run(t.next))).toBe(10);
      await sess.close();
    });

    test('seeded shuffles over repeated epochs and a map with seeded random ops give the same values with or without prefetch', async () => {
      const build = (prefetch: boolean) => () => {
        tf.setRandomSeed(11);
        let ds = tf.data.Dataset.range(30).shuffle(7, { seed: 3 }).repeat(3)
          .map((v: tf.Tensor) => [v, tf.add(tf.cast(v, tf.float32), tf.randomUniform([2], { seed: 9 }))]).batch(5);
        if (prefetch) ds = ds.prefetch(2);
        const [i, r] = ds.makeOneShotIterator().getNext() as tf.Tensor[];
        return { i: i!, r: tf.multiply(r!, 2) };
      };
      const run = async (prefetch: boolean): Promise<unknown[]> => {
        const { sess, t } = setup(build(prefetch));
        const out: unknown[] = [];
        for (;;) {
          try {
            const v = await sess.run(t);
            out.push([vals(v.i), vals(v.r)]);
          } catch (e) {
            expect(e).toBeInstanceOf(tf.errors.OutOfRangeError);
            break;
          }
          await turns(3);
        }
        await sess.close();
        return out;
      };
      const plain = await run(false);
      const ahead = await run(true);
      expect(plain.length).toBe(18);
      expect(ahead).toEqual(plain);
      // it is shuffled, and each epoch is a permutation
      const ids = plain.flatMap((p) => (p as number[][])[0]!);
      expect(ids.slice(0, 30)).not.toEqual(Array.from({ length: 30 }, (_, k) => k));
      expect([...ids.slice(30, 60)].sort((p, q) => p - q)).toEqual(Array.from({ length: 30 }, (_, k) => k));
    });

    test('production goes on while a run computes on the device', async () => {
      let running = false;
      const pulledDuring: number[] = [];
      const { sess, t } = setup(() => {
        const x = tf.data.Dataset.fromGenerator(function* () {
          for (let i = 0; i < 1000; i++) {
            if (running) pulledDuring.push(i);
            yield i;
          }
        }, tf.float32, []).prefetch(2).makeOneShotIterator().getNext() as tf.Tensor;
        // a chain of matmuls, long enough for the run to wait on the device several times
        let m = tf.multiply(tf.ones([192, 192]), x);
        for (let k = 0; k < 12; k++) m = tf.tanh(tf.matmul(m, tf.fill([192, 192], 0.01)));
        return { x, s: tf.reduceSum(m) };
      });
      await sess.run(t);
      let ahead = 0;
      for (let k = 0; k < 4; k++) {
        pulledDuring.length = 0;
        running = true;
        const got = vals((await sess.run(t)).x) as number;
        running = false;
        // an element after the one this run took was made while the run was in progress
        if (pulledDuring.some((i) => i > got)) ahead++;
        await turns();
      }
      expect(ahead).toBeGreaterThan(0);
      await sess.close();
    });

    if (dev.caps.runSync) {
      test('runSync takes prefetched elements in order and produces nothing ahead itself', async () => {
        const src = counted(5);
        const { sess, t } = setup(() => tf.data.Dataset.fromGenerator(src.gen, tf.int32, []).prefetch(2).makeOneShotIterator().getNext() as tf.Tensor);
        expect(vals(await sess.run(t))).toBe(0);
        await turns();
        expect(src.pulled()).toBe(3);
        expect([1, 2, 3, 4].map(() => vals(sess.runSync(t)))).toEqual([1, 2, 3, 4]);
        await turns();
        expect(src.pulled()).toBe(5);
        expect(() => sess.runSync(t)).toThrow(tf.errors.OutOfRangeError);
        await sess.close();
      });
    }

    test('a closed session stops production', async () => {
      const src = counted(1000);
      const { sess, t } = setup(() => tf.data.Dataset.fromGenerator(src.gen, tf.int32, []).prefetch(3).makeOneShotIterator().getNext() as tf.Tensor);
      await sess.run(t);
      const p = sess.close();
      await p;
      const before = src.pulled();
      await turns();
      expect(src.pulled()).toBe(before);
      expect(before).toBeLessThanOrEqual(4);
    });
  });
}

describe('prefetch', () => {
  it('rejects a negative buffer size other than AUTOTUNE with TF\'s message', () => {
    const ds = tf.data.Dataset.range(3);
    expect(() => ds.prefetch(-2)).toThrow(tf.errors.InvalidArgumentError);
    expect(() => ds.prefetch(-2)).toThrow('buffer_size must be >= 0 or set buffer_size to be -1 for auto-tuning');
    expect(tf.data.experimental.AUTOTUNE).toBe(-1);
  });

  it('a process whose session prefetches from an endless pipeline exits by itself once it is closed', () => {
    const script = `
      const tf = await import(${JSON.stringify(new URL('../../src/index.ts', import.meta.url).pathname)});
      const g = new tf.Graph();
      const x = g.asDefault(() => tf.data.Dataset.range(10).repeat().map((v) => tf.multiply(v, 2)).batch(2).prefetch(4).makeOneShotIterator().getNext());
      const sess = new tf.Session({ graph: g, threads: 2 });
      for (let i = 0; i < 5; i++) await sess.run(x);
      await sess.close();
      console.log('closed');
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.error).toBeUndefined();
    expect(r.stdout.trim()).toBe('closed');
    expect(r.status).toBe(0);
  }, 90_000);
});
