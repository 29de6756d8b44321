/**
 * tf.io.FixedLenSequenceFeature in parseSingleExample ([n, ...shape]) and parseExample
 * (padded to the batch's longest with the default value), next to FixedLenFeatures, and TF1's
 * errors (allowMissing must be true, values not a multiple of the shape, mismatched types).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const example = (feature: Record<string, tf.train.Feature>): Uint8Array => new tf.train.Example({ features: new tf.train.Features({ feature }) }).serializeToString();
const floats = (v: number[]): tf.train.Feature => new tf.train.Feature({ floatList: new tf.train.FloatList({ value: v }) });
const ints = (v: number[]): tf.train.Feature => new tf.train.Feature({ int64List: new tf.train.Int64List({ value: v }) });
const str = (xs: Uint8Array[], shape: number[]): tf.NDArray => new tf.NDArray(tf.StringArray.fromValues(xs) as never, shape, 'string');
const bytes = (v: string[]): tf.train.Feature => new tf.train.Feature({ bytesList: new tf.train.BytesList({ value: v }) });

async function run(build: () => unknown): Promise<any> {
  const g = new tf.Graph();
  const f = g.asDefault(build);
  await using sess = new tf.Session({ graph: g });
  return await sess.run(f as never);
}

describe('tf.io.FixedLenSequenceFeature', () => {
  const a = example({ pts: floats([1, 2, 3, 4, 5, 6]), id: ints([7]), tags: bytes(['x', 'y']) });
  const b = example({ pts: floats([9, 8]), id: ints([1]) });

  it('parses [n, ...shape] from one example and pads a batch to its longest', async () => {
    const one = await run(() => tf.parseSingleExample(str([a], []), {
      pts: new tf.io.FixedLenSequenceFeature([2], tf.float32, { allowMissing: true }),
      id: new tf.io.FixedLenFeature([], tf.int64),
      tags: new tf.io.FixedLenSequenceFeature([], tf.string, true),
    }));
    expect(one.pts.shape).toEqual([3, 2]);
    expect(one.pts.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(one.id.toArray()).toEqual(7);
    expect(one.tags.toArray()).toEqual(['x', 'y']);
    const batch = await run(() => {
      const out = tf.parseExample(str([a, b], [2]), {
        pts: new tf.io.FixedLenSequenceFeature([2], tf.float32, { allowMissing: true, defaultValue: -1 }),
        tags: new tf.io.FixedLenSequenceFeature([], tf.string, true),
      });
      return { ...out, staticShape: tf.shape(out.pts) };
    });
    expect(batch.pts.toArray()).toEqual([[[1, 2], [3, 4], [5, 6]], [[9, 8], [-1, -1], [-1, -1]]]);
    expect(batch.tags.toArray()).toEqual([['x', 'y'], ['', '']]);
  });

  it("TF1's errors", async () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => tf.parseSingleExample(str([a], []), { pts: new tf.io.FixedLenSequenceFeature([2], tf.float32) })).toThrow('Unsupported: FixedLenSequenceFeature requires allow_missing to be True.');
      const t = tf.parseExample(str([a], [1]), { pts: new tf.io.FixedLenSequenceFeature([2], tf.float32, true) }).pts;
      expect(t.shape).toEqual([1, null, 2]);
    });
    await expect(run(() => tf.parseSingleExample(str([a], []), { pts: new tf.io.FixedLenSequenceFeature([4], tf.float32, true) }))).rejects.toThrow('Number of float values is not a multiple of stride length. Saw 6 values but output shape is: [-1,4]');
    await expect(run(() => tf.parseSingleExample(str([a], []), { pts: new tf.io.FixedLenSequenceFeature([], tf.int64, true) }))).rejects.toThrow("Data types don't match. Data type: float but expected type: int64");
  });
});
