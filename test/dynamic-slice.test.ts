/**
 * tf.slice with a begin known only when the graph runs (static sizes), and tf.stridedSlice /
 * tf.index with tensor indices that shrink their axis (Python's t[:, i] with a tensor i):
 * values against the static slices, negative indices from the end, gradients by finite
 * differences, on every device.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { describeGradients } from './support/grad-check.js';

registerSkipSummary();
const devices = await resolvedDevices();
const table = [[0, 1, 2, 3], [10, 11, 12, 13], [20, 21, 22, 23]];

for (const d of devices) {
  describe(`dynamic slices [${d.name}]`, () => {
    it('tf.slice(x, [0, i], [-1, 2]) and tf.index(x, i, ":") / stridedSlice shrink with a fed i', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const x = tf.constant(table, tf.float32);
        const i = tf.placeholder(tf.int32, [], 'i');
        return {
          i,
          cols: tf.slice(x, [0, i], [-1, 2]),
          cols2: tf.slice(x, tf.stack([1, i]), [2, 1]),
          row: tf.index(x, i, ':'),
          col: tf.index(x, ':', i),
          elem: tf.stridedSlice(x, [i, 1], [0, 2], [1, 1], { shrinkAxisMask: 1 }),
        };
      });
      expect(t.cols.shape).toEqual([3, 2]);
      expect(t.row.shape).toEqual([4]);
      expect(t.col.shape).toEqual([3]);
      expect(t.elem.shape).toEqual([1]);
      const sess = new tf.Session({ ...d.options, graph: g });
      const run = async (i: number) => ((await sess.run([t.cols, t.cols2, t.row, t.col, t.elem], [[t.i, i]])) as NDArray[]).map((a) => a.toArray());
      expect(await run(1)).toEqual([[[1, 2], [11, 12], [21, 22]], [[11], [21]], [10, 11, 12, 13], [1, 11, 21], [11]]);
      expect(await run(2)).toEqual([[[2, 3], [12, 13], [22, 23]], [[12], [22]], [20, 21, 22, 23], [2, 12, 22], [21]]);
      // negative indices count from the end, as Python's
      const [row, col] = (await sess.run([t.row, t.col], [[t.i, -1]])) as NDArray[];
      expect(row!.toArray()).toEqual([20, 21, 22, 23]);
      expect(col!.toArray()).toEqual([3, 13, 23]);
      await sess.close();
    });
  });
}

describe('dynamic slices: sizes from run-time values', () => {
  it('a tensor begin with a -1 size of an unknown dim, or a tensor begin that does not shrink, slices by the run-time value', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [3, null]);
      const i = tf.placeholder(tf.int32, []);
      expect(tf.slice(x, [0, i], [-1, -1]).shape).toEqual([3, null]);
      expect(tf.stridedSlice(x, [0, i], [3, 4]).shape).toEqual([null, null]);
    });
  });
});

describeGradients((label) => `dynamic slice gradients, ${label}`, [
  {
    name: 'dynamic slice',
    test: 'slice and index with a tensor begin match central differences',
    ins: [{ shape: [3, 4] }],
    f: (x) => {
      const i = tf.constant(1, tf.int32);
      return [tf.slice(x, [i, 1], [2, 2]), tf.index(x, ':', tf.constant(-2, tf.int32))];
    },
  },
], devices);
