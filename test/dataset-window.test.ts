/**
 * Dataset.window(size, shift, stride, dropRemainder): TF's window_test.py cases (three
 * components of 7 elements repeated `count` times, windows batched back inside flatMap) against
 * an independent enumeration of the windows written here; TF's documented examples; dict
 * elements; strings; windows from an iterator's getNext as datasets; TF's errors; and
 * tf.data.experimental.slidingWindowBatch (slide_dataset_test: full windows only).
 */
import { describe, expect } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices } from './conformance/harness.js';
import { drain, onDevice } from './support/data.js';

registerSkipSummary();
const devices = await resolvedDevices();
const Dataset = tf.data.Dataset;

const nums = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);

/** Indices of each window over n elements: starts every `shift`, every `stride`-th element, up to `size`. */
function windowsRef(n: number, size: number, shift: number, stride: number, drop: boolean): number[][] {
  const out: number[][] = [];
  for (let start = 0; start < n; start += shift) {
    const w: number[] = [];
    for (let j = 0; j < size && start + j * stride < n; j++) w.push(start + j * stride);
    if (drop && w.length < size) break;
    out.push(w);
  }
  return out;
}

const I7 = Array.from({ length: 7 }, (_, i) => i);
const components = () => [
  new tf.NDArray(Float64Array.from(I7), [7], 'int64'),
  new tf.NDArray(Float64Array.from(I7.flatMap((i) => [i, 2 * i, 3 * i])), [7, 3], 'int64'),
  new tf.NDArray(Float64Array.from(I7.map((i) => 37 * i)), [7], 'float64'),
];
const compValue = (c: number, i: number): number[] => (c === 0 ? [i] : c === 1 ? [i, 2 * i, 3 * i] : [37 * i]);

// window_test.py testWindowDataset parameters: (count, size, shift, stride)
const CASES: [number, number, number, number][] = [
  [20, 14, 7, 1], [20, 17, 9, 1], [20, 14, 14, 1], [20, 10, 14, 1], [20, 14, 19, 1],
  [20, 4, 1, 2], [20, 2, 1, 6], [20, 4, 7, 2], [20, 2, 7, 6], [1, 10, 4, 1], [0, 10, 4, 1],
];

for (const dev of devices) {
  describe(`Dataset.window [${dev.name}]`, () => {
    const { test, setup } = onDevice(dev);

    test("window_test.py's cases, with and without dropRemainder: each window batched back inside flatMap", async () => {
      for (const drop of [false, true]) {
        const { sess, t } = setup(() => CASES.map(([count, size, shift, stride]) => {
          const ds = Dataset.fromTensorSlices(components()).repeat(count).window(size, shift, stride, drop)
            .flatMap((x: tf.data.Dataset, y: tf.data.Dataset, z: tf.data.Dataset) => Dataset.zip([x.batch(size), y.batch(size), z.batch(size)]));
          return ds.makeOneShotIterator().getNext() as Tensor[];
        }));
        for (const [k, [count, size, shift, stride]] of CASES.entries()) {
          const got = (await drain(sess, t[k]!)) as NDArray[][];
          const want = windowsRef(count * 7, size, shift, stride, drop);
          expect(got.length, `case ${k} drop=${drop}`).toBe(want.length);
          got.forEach((el, w) => el.forEach((a, c) => {
            expect(a.shape[0]).toBe(want[w]!.length);
            expect(nums(a)).toEqual(want[w]!.flatMap((i) => compValue(c, i % 7)));
          }));
        }
        await sess.close();
      }
    });

    test("TF's documented examples: range(7).window(2), window(3, 2, 1, true), window(3, 1, 2, true); dict elements; strings", async () => {
      const { sess, t } = setup(() => {
        const flat = (d: tf.data.Dataset, n: number) => d.flatMap((w: tf.data.Dataset) => w.batch(n)).makeOneShotIterator().getNext() as Tensor;
        const dict = Dataset.fromTensorSlices({ a: [1, 2, 3, 4, 5], b: ['p', 'q', 'r', 's', 't'] }).window(3, { shift: 2 })
          .flatMap((w: { a: tf.data.Dataset; b: tf.data.Dataset }) => Dataset.zip({ a: w.a.batch(3), b: w.b.batch(3) }));
        return {
          two: flat(Dataset.range(7).window(2), 2),
          a: flat(Dataset.range(7).window(3, 2, 1, true), 3),
          b: flat(Dataset.range(7).window(3, { shift: 1, stride: 2, dropRemainder: true }), 3),
          // TF users' idiom: sliding windows of 5 with shift 1, full ones only
          five: flat(Dataset.range(8).window(5, 1, 1, true), 5),
          dict: dict.makeOneShotIterator().getNext() as { a: Tensor; b: Tensor },
        };
      });
      expect((await drain(sess, t.two)).map(nums)).toEqual([[0, 1], [2, 3], [4, 5], [6]]);
      expect((await drain(sess, t.a)).map(nums)).toEqual([[0, 1, 2], [2, 3, 4], [4, 5, 6]]);
      expect((await drain(sess, t.b)).map(nums)).toEqual([[0, 2, 4], [1, 3, 5], [2, 4, 6]]);
      expect((await drain(sess, t.five)).map(nums)).toEqual([[0, 1, 2, 3, 4], [1, 2, 3, 4, 5], [2, 3, 4, 5, 6], [3, 4, 5, 6, 7]]);
      const d = (await drain(sess, [t.dict.a, t.dict.b])) as NDArray[][];
      expect(d.map(([a]) => nums(a!))).toEqual([[1, 2, 3], [3, 4, 5], [5]]);
      expect(d.map(([, b]) => b!.toArray())).toEqual([['p', 'q', 'r'], ['r', 's', 't'], ['t']]);
      await sess.close();
    });

    test('windows of elements of different shapes (a generator of variable-length vectors): paddedBatch inside flatMap; not as an iterator element', async () => {
      const lens = [1, 3, 2, 4, 1];
      const gen = () => lens.map((n, i) => new Array(n).fill(i + 1))[Symbol.iterator]();
      const { sess, t } = setup(() => {
        const ds = Dataset.fromGenerator(gen, tf.int32, [null]);
        return {
          padded: ds.window(3, 2).flatMap((w: tf.data.Dataset) => w.paddedBatch(3, [null])).makeOneShotIterator().getNext() as Tensor,
          zipped: Dataset.zip([ds, Dataset.range(5)]).window(2).flatMap((a: tf.data.Dataset, b: tf.data.Dataset) => Dataset.zip([a.paddedBatch(2, [4]), b.batch(2)])).makeOneShotIterator().getNext() as Tensor[],
          rawInit: (ds.window(2).makeOneShotIterator().getNext() as tf.data.Dataset).batch(2).makeInitializableIterator().initializer,
        };
      });
      const padded = (await drain(sess, t.padded)) as NDArray[];
      expect(padded.map((a) => a.toArray())).toEqual([
        [[1, 0, 0], [2, 2, 2], [3, 3, 0]],
        [[3, 3, 0, 0], [4, 4, 4, 4], [5, 0, 0, 0]],
        [[5]],
      ]);
      const zipped = (await drain(sess, t.zipped)) as NDArray[][];
      expect(zipped.map(([a]) => a!.toArray())).toEqual([[[1, 0, 0, 0], [2, 2, 2, 0]], [[3, 3, 0, 0], [4, 4, 4, 4]], [[5, 0, 0, 0]]]);
      expect(zipped.map(([, b]) => nums(b!))).toEqual([[0, 1], [2, 3], [4]]);
      await expect(sess.run(t.rawInit)).rejects.toThrow('A window whose elements differ in shape can be read inside flatMap or interleave only');
      await sess.close();
    });

    test('Dataset methods on windows: batch then map inside flatMap; reduce inside map (also over windows of different shapes)', async () => {
      const lens = [1, 3, 2, 4, 1];
      const { sess, t } = setup(() => ({
        flat: Dataset.range(6).window(4, 2).flatMap((w: tf.data.Dataset) => w.batch(4).map((b: Tensor) => tf.reduceSum(b))).makeOneShotIterator().getNext() as Tensor,
        reduced: Dataset.range(6).window(3, 2).map((w: tf.data.Dataset) => w.reduce(tf.constant(0, 'int64'), (a: Tensor, x: Tensor) => tf.add(a, x))).makeOneShotIterator().getNext() as Tensor,
        ragged: Dataset.fromGenerator(() => lens.map((n, i) => new Array(n).fill(i + 1))[Symbol.iterator](), tf.int32, [null]).window(2)
          .map((w: tf.data.Dataset) => w.reduce(tf.constant(0, 'int32'), (a: Tensor, x: Tensor) => tf.add(a, tf.reduceSum(x)))).makeOneShotIterator().getNext() as Tensor,
      }));
      expect((await drain(sess, t.flat)).map(nums)).toEqual([[6], [14], [9]]);
      expect((await drain(sess, t.reduced)).map(nums)).toEqual([[3], [9], [9]]);
      expect((await drain(sess, t.ragged)).map(nums)).toEqual([[1 + 6], [6 + 16], [5]]);
      await sess.close();
    });

    test("an iterator's getNext over windows gives datasets: an inner iterator reads one window per initialization", async () => {
      const { sess, t } = setup(() => {
        const w = Dataset.range(5).window(2).makeOneShotIterator().getNext() as tf.data.Dataset;
        expect(w).toBeInstanceOf(Dataset);
        const inner = w.batch(2).makeInitializableIterator();
        return { init: inner.initializer, next: inner.getNext() as Tensor };
      });
      const seen: number[][] = [];
      for (let i = 0; i < 3; i++) {
        await sess.run(t.init);
        seen.push(...(await drain(sess, t.next)).map(nums));
      }
      expect(seen).toEqual([[0, 1], [2, 3], [4]]);
      await expect(sess.run(t.init)).rejects.toThrow(tf.errors.OutOfRangeError);
      await sess.close();
    });

    test('tf.data.experimental.slidingWindowBatch (slide_dataset_test): full windows batched; stride as the deprecated window_shift', async () => {
      // (count, window_size, window_shift, window_stride)
      const slide: [number, number, number, number][] = [[20, 14, 7, 1], [20, 17, 9, 1], [20, 4, 1, 2], [20, 2, 7, 6], [1, 10, 4, 1], [0, 10, 4, 1]];
      const { sess, t } = setup(() => ({
        cases: slide.map(([count, size, shift, stride]) => Dataset.fromTensorSlices(components()).repeat(count)
          .apply(tf.data.experimental.slidingWindowBatch(size, { windowShift: shift, windowStride: stride })).makeOneShotIterator().getNext() as Tensor[]),
        old: Dataset.range(6).apply(tf.data.experimental.slidingWindowBatch(3, 2)).makeOneShotIterator().getNext() as Tensor,
      }));
      for (const [k, [count, size, shift, stride]] of slide.entries()) {
        expect(t.cases[k]![1]!.shape).toEqual([size, 3]);
        const got = (await drain(sess, t.cases[k]!)) as NDArray[][];
        const want = windowsRef(count * 7, size, shift, stride, true);
        expect(got.length).toBe(want.length);
        got.forEach((el, w) => el.forEach((a, c) => expect(nums(a)).toEqual(want[w]!.flatMap((i) => compValue(c, i % 7)))));
      }
      expect((await drain(sess, t.old)).map(nums)).toEqual([[0, 1, 2], [2, 3, 4]]);
      await sess.close();
    });
  });
}

describe('Dataset.window arguments', () => {
  const { test } = onDevice(devices[0]!);
  test("TF's errors for size, shift, stride <= 0; windows of windows; both stride and window_shift", async () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const ds = Dataset.range(4);
      expect(() => ds.window(0)).toThrow(tf.errors.InvalidArgumentError);
      expect(() => ds.window(0)).toThrow('Window size must be greater than zero.');
      expect(() => ds.window(2, 0)).toThrow('Window shift must be greater than zero.');
      expect(() => ds.window(2, 1, -1)).toThrow('Window stride must be greater than zero.');
      expect(() => ds.window(2.5)).toThrow(TypeError);
      expect(() => ds.window(2).window(2)).toThrow(/already/);
      expect(() => ds.apply(tf.data.experimental.slidingWindowBatch(2, 1, 1))).toThrow('Cannot specify both `stride` and `window_shift`');
      expect(() => ds.apply(tf.data.experimental.slidingWindowBatch(2, { windowStride: 0 }))).toThrow('window_stride must be greater than zero.');
    });
  });
});
