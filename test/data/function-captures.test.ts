/**
 * Dataset functions capture the tensors of the graphs they are built in, as TF's FuncGraph
 * does: main-graph placeholders and variable reads (their values taken when the iterator is
 * initialized), and tensors of an enclosing dataset function at any depth (taken per call of
 * that function): groupByWindow's reduceFunc, flatMap / interleave inside flatMap, filter,
 * scan and reduce. Values are worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { drain } from '../support/data.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type T = any;

function setup<R>(build: () => R): { sess: tf.Session; t: R } {
  const g = new tf.Graph();
  const t = g.asDefault(build);
  return { sess: new tf.Session({ graph: g }), t };
}
const arr = (a: unknown): unknown => (Array.isArray(a) ? a.map(arr) : (a as tf.NDArray).toArray());
const vals = async (sess: tf.Session, next: unknown, feeds?: unknown): Promise<unknown[]> => (await drain(sess, next, feeds)).map(arr);

describe('dataset functions capture outer tensors', () => {
  it('a main-graph placeholder in map, fed when the iterator is initialized; reinitialized with another value', async () => {
    const { sess, t } = setup(() => {
      const p = tf.placeholder('int64', []);
      const it = tf.data.Dataset.range(3).map((x: T) => tf.add(x, p)).makeInitializableIterator();
      return { p, it, next: it.getNext() };
    });
    await sess.run(t.it.initializer, new Map([[t.p, 10]]));
    expect(await vals(sess, t.next)).toEqual([10, 11, 12]);
    await sess.run(t.it.initializer, new Map([[t.p, -5]]));
    expect(await vals(sess, t.next)).toEqual([-5, -4, -3]);
  });

  it('a variable read in map takes its value at initialization (TF1 ref variables): assign, reinitialize, new values', async () => {
    const { sess, t } = setup(() => {
      const v = new tf.Variable(tf.constant([1, 2], 'float32'));
      const it = tf.data.Dataset.fromTensorSlices(tf.constant([[1, 1], [2, 3]], 'float32')).map((x: T) => tf.multiply(x, v)).makeInitializableIterator();
      return { v, it, next: it.getNext(), init: tf.globalVariablesInitializer(), assign: v.assign(tf.constant([10, -1], 'float32')) };
    });
    await sess.run(t.init);
    await sess.run(t.it.initializer);
    expect(await vals(sess, t.next)).toEqual([[1, 2], [2, 6]]);
    await sess.run(t.assign);
    await sess.run(t.it.initializer);
    expect(await vals(sess, t.next)).toEqual([[10, -1], [20, -3]]);
  });

  it('returning an outer tensor as it is, and filtering by a captured threshold', async () => {
    const { sess, t } = setup(() => {
      const lim = tf.placeholder('int64', []);
      const c = tf.constant(7, 'int64');
      const ds = tf.data.Dataset.range(6).filter((x: T) => tf.less(x, lim)).map((x: T) => [x, c]);
      const it = ds.makeInitializableIterator();
      return { lim, it, next: it.getNext() };
    });
    await sess.run(t.it.initializer, new Map([[t.lim, 3]]));
    expect(await vals(sess, t.next)).toEqual([[0, 7], [1, 7], [2, 7]]);
  });

  it('flatMap(x => range(3).map(y => y + x)): the inner map captures the outer element', async () => {
    const { sess, t } = setup(() => ({ next: tf.data.Dataset.range(3).flatMap((x: T) => tf.data.Dataset.range(3).map((y: T) => tf.add(y, x))).makeOneShotIterator().getNext() }));
    expect(await vals(sess, t.next)).toEqual([0, 1, 2, 1, 2, 3, 2, 3, 4]);
  });

  it('groupByWindow reduceFunc (key, window) => window.map(b => b + key * 100)', async () => {
    const { sess, t } = setup(() => {
      const ds = tf.data.Dataset.range(10).apply(tf.data.experimental.groupByWindow((x: T) => tf.math.floormod(x, 3), (key: T, w: T) => w.map((b: T) => tf.add(b, tf.multiply(key, 100))).batch(4), 4));
      return { next: ds.makeOneShotIterator().getNext() };
    });
    // keys 0: 0 3 6 9 (full window), 1: 1 4 7 (flushed), 2: 2 5 8 (flushed), smallest key first
    expect(await vals(sess, t.next)).toEqual([[0, 3, 6, 9], [101, 104, 107], [202, 205, 208]]);
  });

  it('three levels deep, with a main-graph placeholder used at the innermost level', async () => {
    const { sess, t } = setup(() => {
      const p = tf.placeholder('int64', []);
      const ds = tf.data.Dataset.range(2).flatMap((x: T) =>
        tf.data.Dataset.range(2).interleave((y: T) => tf.data.Dataset.range(2).map((z: T) => tf.addN([tf.multiply(x, 100), tf.multiply(y, 10), z, p])), 1));
      const it = ds.makeInitializableIterator();
      return { p, it, next: it.getNext() };
    });
    await sess.run(t.it.initializer, new Map([[t.p, 1000]]));
    expect(await vals(sess, t.next)).toEqual([1000, 1001, 1010, 1011, 1100, 1101, 1110, 1111]);
  });

  it('an outer element captured in an inner filter, scan and fromTensors', async () => {
    const { sess, t } = setup(() => {
      const ds = tf.data.Dataset.range(1, 4).flatMap((n: T) =>
        tf.data.Dataset.range(6)
          .filter((y: T) => tf.equal(tf.math.floormod(y, n), 0))
          .apply(tf.data.experimental.scan(tf.constant(0, 'int64'), (s: T, y: T) => [tf.add(s, y), tf.add(tf.add(s, y), tf.multiply(n, 1000))]))
          .concatenate(tf.data.Dataset.fromTensors(tf.negative(n))));
      return { next: ds.makeOneShotIterator().getNext() };
    });
    // n=1: 0..5 running sums 0 1 3 6 10 15; n=2: 0 2 4 -> 0 2 6; n=3: 0 3 -> 0 3
    expect(await vals(sess, t.next)).toEqual([1000, 1001, 1003, 1006, 1010, 1015, -1, 2000, 2002, 2006, -2, 3000, 3003, -3]);
  });

  it('Dataset.reduce whose reduceFunc captures a main-graph placeholder', async () => {
    const { sess, t } = setup(() => {
      const w = tf.placeholder('int64', []);
      return { w, r: tf.data.Dataset.range(4).reduce(tf.constant(0, 'int64'), (s: T, x: T) => tf.add(s, tf.multiply(x, w))) };
    });
    expect(((await sess.run(t.r, new Map([[t.w, 3]]))) as tf.NDArray).toArray()).toBe(18);
  });

  it('a tensor of an inner function used outside it is refused with TF\'s InaccessibleTensorError text', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      let leaked: T = null;
      tf.data.Dataset.range(2).map((x: T) => {
        leaked = tf.add(x, 1);
        return leaked;
      });
      expect(() => tf.data.Dataset.range(2).map((x: T) => tf.add(x, leaked))).toThrow(/map: .* is from a graph that neither is this function's nor encloses it/);
      let inner: T = null;
      expect(() => tf.data.Dataset.range(2).flatMap((x: T) => {
        const d = tf.data.Dataset.range(2).map((y: T) => {
          inner = tf.add(y, x);
          return inner;
        });
        tf.add(inner, 1);
        return d;
      })).toThrow(/cannot be accessed here: it is defined in another function or code block/);
      // outside every function, the main graph keeps refusing tensors of another graph
      expect(() => tf.add(leaked, 1)).toThrow(/must be from the same graph|not from the passed-in graph/);
    });
  });
});
