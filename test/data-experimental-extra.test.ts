/**
 * tf.data.experimental's takeWhile, unique, denseToSparseBatch, rejectionResample,
 * RandomDataset, cardinality, getNextAsOptional / Optional, parseExampleDataset,
 * makeBatchedFeaturesDataset and TFRecordWriter, tf.data.getOutput{Classes,Shapes,Types} and the
 * tf.contrib.data aliases: TF's documented examples, values worked out by hand (RandomDataset
 * against a Philox4x32-10 written in Python from its spec, checked against the Random123
 * known-answer vector), and TF's error texts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { drain } from './support/data.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type T = any;
const X = tf.data.experimental;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-data-extra-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function setup<R>(build: () => R): { sess: tf.Session; t: R } {
  const g = new tf.Graph();
  const t = g.asDefault(build);
  return { sess: new tf.Session({ graph: g }), t };
}
const dec = (v: unknown): unknown => (v instanceof Uint8Array ? new TextDecoder().decode(v) : v);
const arr = (a: unknown): unknown => (Array.isArray(a) ? a.map(arr) : a instanceof tf.NDArray ? (a.dtype === 'string' ? [...(a.data as unknown as Iterable<unknown>)].map(dec) : a.toArray()) : typeof a === 'object' && a !== null && 'indices' in a ? { indices: arr((a as T).indices), values: arr((a as T).values), denseShape: arr((a as T).denseShape) } : typeof a === 'object' && a !== null ? Object.fromEntries(Object.entries(a).map(([k, v]) => [k, arr(v)])) : a);
const all = async (build: () => tf.data.Dataset, feeds?: unknown): Promise<T[]> => {
  const { sess, t } = setup(() => {
    const it = build().makeInitializableIterator();
    return { it, next: it.getNext() };
  });
  await sess.run(t.it.initializer!, feeds as never);
  return (await drain(sess, t.next)).map(arr);
};
/** The error of the first run of getNext that fails. */
const failure = async (build: () => tf.data.Dataset): Promise<Error> => {
  const { sess, t } = setup(() => ({ next: build().makeOneShotIterator().getNext() }));
  for (let i = 0; i < 100; i++) {
    try {
      await sess.run(t.next);
    } catch (e) {
      return e as Error;
    }
  }
  throw new Error('no run failed');
};
const strs = (xs: string[]): tf.NDArray => tf.NDArray.fromStrings(xs, [xs.length]);

describe('takeWhile', () => {
  it('stops at the first element the predicate refuses, even if later ones pass', async () => {
    expect(await all(() => tf.data.Dataset.range(10).apply(X.takeWhile((x: T) => tf.less(x, 5))))).toEqual([0, 1, 2, 3, 4]);
    expect(await all(() => tf.data.Dataset.fromTensorSlices(tf.constant([1, 2, 7, 1], 'int32')).apply(X.takeWhile((x: T) => tf.less(x, 5))))).toEqual([1, 2]);
  });
  it('a predicate that is not a scalar bool is TF\'s ValueError', () => {
    setup(() => {
      expect(() => tf.data.Dataset.range(3).apply(X.takeWhile((x: T) => x))).toThrow('`predicate` must return a scalar boolean tensor.');
    });
  });
});

describe('unique', () => {
  it('TF\'s example { 1, 37, 2, 37, 2, 1 } → { 1, 37, 2 }; strings', async () => {
    expect(await all(() => tf.data.Dataset.fromTensorSlices(tf.constant([1, 37, 2, 37, 2, 1], 'int32')).apply(X.unique()))).toEqual([1, 37, 2]);
    expect(await all(() => tf.data.Dataset.fromTensorSlices(strs(['b', 'a', 'b', 'c', 'a'])).apply(X.unique()))).toEqual([['b'], ['a'], ['c']].map((x) => x));
  });
  it('float elements are TF\'s TypeError', () => {
    setup(() => {
      expect(() => tf.data.Dataset.fromTensorSlices(tf.constant([1.5, 2])).apply(X.unique())).toThrow('`tf.data.experimental.unique()` only supports inputs with a single `tf.int32`, `tf.int64`, or `tf.string` component.');
    });
  });
});

describe('denseToSparseBatch', () => {
  const letters = (): tf.data.Dataset => tf.data.Dataset.fromGenerator(function* () {
    yield ['a', 'b', 'c'];
    yield ['a', 'b'];
    yield ['a', 'b', 'c', 'd'];
  }, 'string', [null]);
  it('TF\'s example: batch_size 2, row_shape [6]', async () => {
    const got = await all(() => letters().apply(X.denseToSparseBatch(2, [6])));
    expect(got).toEqual([
      { indices: [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]], values: ['a', 'b', 'c', 'a', 'b'], denseShape: [2, 6] },
      { indices: [[0, 0], [0, 1], [0, 2], [0, 3]], values: ['a', 'b', 'c', 'd'], denseShape: [1, 6] },
    ]);
  });
  it('-1 dimensions take the batch\'s largest; rank-2 elements give every entry in row-major order', async () => {
    expect((await all(() => letters().apply(X.denseToSparseBatch(2, [-1])))).map((x) => x.denseShape)).toEqual([[2, 3], [1, 4]]);
    const m = await all(() => tf.data.Dataset.fromTensorSlices(tf.constant([[[1, 2], [3, 4]]], 'int32')).apply(X.denseToSparseBatch(1, [3, null])));
    expect(m).toEqual([{ indices: [[0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 1]], values: [1, 2, 3, 4], denseShape: [1, 3, 2] }]);
  });
  it('elements larger than the row shape (DataLossError) or of another rank (InvalidArgumentError), with TF\'s texts', async () => {
    const big = await failure(() => letters().apply(X.denseToSparseBatch(2, [2])));
    expect(big).toBeInstanceOf(tf.errors.DataLossError);
    expect(big.message).toContain('Input element had shape ([3]) that is larger than the row shape ([2]).');
    const rank = await failure(() => letters().apply(X.denseToSparseBatch(2, [6, 1])));
    expect(rank).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(rank.message).toContain('Input element had shape ([3]) that is incompatible with the row shape ([6,1]).');
  });
});

describe('cardinality', () => {
  it('known, infinite and unknown counts, and counts given as tensors', async () => {
    const { sess, t } = setup(() => {
      const n = tf.placeholder('int64', []);
      const p = tf.placeholder('float32', [null, 2]);
      const r = tf.data.Dataset.range(42);
      const c = (d: tf.data.Dataset): tf.Tensor => X.cardinality(d);
      return {
        n, p,
        cs: [
          c(r), c(r.repeat()), c(r.filter((x: T) => tf.less(x, 3))), c(tf.data.Dataset.range(10).batch(3)), c(tf.data.Dataset.range(10).batch(3, true)),
          c(r.repeat().take(5)), c(tf.data.Dataset.zip([tf.data.Dataset.range(3), tf.data.Dataset.range(5)])), c(tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(5))),
          c(tf.data.Dataset.range(10).skip(20)), c(r.take(n)), c(tf.data.Dataset.fromTensorSlices(p)), c(tf.data.Dataset.range(10, 0, -3).map((x: T) => tf.add(x, 1))),
          c(tf.data.Dataset.range(3).repeat(4).shuffle(5)), c(tf.data.Dataset.zip([r, r.repeat()])), c(tf.data.Dataset.range(3).repeat().concatenate(r.filter(() => true))),
        ],
      };
    });
    const got = (await sess.run(t.cs, new Map<tf.Tensor, unknown>([[t.n, 4], [t.p, new tf.NDArray(new Float32Array(14), [7, 2])]]) as never)) as tf.NDArray[];
    expect(got.map((a) => a.toArray())).toEqual([42, -1, -2, 4, 3, 5, 3, 8, 0, 4, 7, 4, 12, 42, -1]);
    expect([X.INFINITE_CARDINALITY, X.UNKNOWN_CARDINALITY]).toEqual([-1, -2]);
  });
});

describe('getNextAsOptional and Optional', () => {
  it('has a value for each element, then none (no OutOfRangeError); getValue without one is TF\'s error', async () => {
    const { sess, t } = setup(() => {
      const it = tf.data.Dataset.range(2).map((x: T) => [x, tf.multiply(x, 10)]).makeInitializableIterator();
      const opt = X.getNextAsOptional(it);
      return { it, has: opt.hasValue(), value: opt.getValue(), opt };
    });
    await sess.run(t.it.initializer!);
    const r1 = (await sess.run([t.has, t.value])) as T;
    expect(arr(r1)).toEqual([true, [0, 0]]);
    expect(arr(await sess.run([t.has, t.value]))).toEqual([true, [1, 10]]);
    expect(arr(await sess.run(t.has))).toBe(false);
    await expect(sess.run(t.value)).rejects.toThrow('The optional variant does not have a value.');
    expect(t.opt.valueStructure.outputTypes).toEqual(['int64', 'int64']);
  });
  it('Optional.fromValue', async () => {
    const { sess, t } = setup(() => {
      const o = X.Optional.fromValue({ a: tf.constant(3), b: tf.constant([1, 2], 'int32') });
      return { has: o.hasValue(), v: o.getValue() };
    });
    expect(arr(await sess.run([t.has, t.v]))).toEqual([true, { a: 3, b: [1, 2] }]);
  });
});

describe('RandomDataset', () => {
  // Philox4x32-10 (Python, from the spec; KAT counter 0 key 0 → 6627e8d5 e169c58d bc57ac4c 9b00dbd8):
  // key = seed, counter = (i, 0, seed2 lo, seed2 hi), one word per element
  it('op seed 42 without a graph seed: seeds (87654321, 42)', async () => {
    expect(await all(() => new X.RandomDataset(42).take(6))).toEqual([2985944072, 4132877644, 929418493, 249609589, 146598941, 4149265688]);
  });
  it('graph seed 1 and op seed 2; an endless dataset', async () => {
    const { sess, t } = setup(() => {
      tf.setRandomSeed(1);
      const d = new X.RandomDataset(2);
      return { next: d.take(5).makeOneShotIterator().getNext(), card: X.cardinality(d) };
    });
    expect((await drain(sess, t.next)).map(arr)).toEqual([3878945999, 2364392915, 1057429302, 168492509, 3082076531]);
    expect(arr(await sess.run(t.card))).toBe(-1);
  });
});

describe('TFRecordWriter, parseExampleDataset, makeBatchedFeaturesDataset', () => {
  const example = (x: number, y: number[], label: number): Uint8Array => new tf.train.Example({ features: { feature: { x: { int64List: { value: [x] } }, y: { floatList: { value: y } }, label: { int64List: { value: [label] } } } } }).serializeToString();
  it('write(dataset) writes the elements as records, plain and GZIP', async () => {
    for (const comp of [null, 'GZIP']) {
      const file = path.join(root, `w-${comp ?? 'plain'}.tfrecord`);
      const { sess, t } = setup(() => ({ op: new X.TFRecordWriter(file, comp).write(tf.data.Dataset.fromTensorSlices(strs(['foo', 'bar', 'baz']))) }));
      await sess.run(t.op);
      expect(await all(() => new tf.data.TFRecordDataset(file, comp))).toEqual([['foo'], ['bar'], ['baz']]);
    }
    setup(() => {
      expect(() => new X.TFRecordWriter(path.join(root, 'bad')).write(tf.data.Dataset.range(3))).toThrow(/^`dataset` must produce scalar `DT_STRING` tensors whereas it produces shape/);
      expect(() => new X.TFRecordWriter(path.join(root, 'bad')).write(null as never)).toThrow('`dataset` must be a `tf.data.Dataset` object.');
    });
  });
  it('parseExampleDataset parses batches of serialized Examples', async () => {
    const got = await all(() => tf.data.Dataset.fromTensorSlices(tf.NDArray.fromStrings([example(1, [0.5, 1], 0), example(2, [2, 3], 1), example(3, [4, 5], 0)], [3]))
      .batch(2).apply(X.parseExampleDataset({ x: new tf.FixedLenFeature([], 'int64'), y: new tf.FixedLenFeature([2], 'float32') })));
    expect(got).toEqual([{ x: [1, 2], y: [[0.5, 1], [2, 3]] }, { x: [3], y: [[4, 5]] }]);
    setup(() => {
      expect(() => tf.data.Dataset.range(3).apply(X.parseExampleDataset({ x: new tf.FixedLenFeature([], 'int64') }))).toThrow('Input dataset should be a dataset of vectors of strings');
    });
    expect(() => X.parseExampleDataset(null as never)).toThrow('Missing: features was None.');
  });
  it('makeBatchedFeaturesDataset: files in order (shuffle false), one epoch, label split off', async () => {
    const dir = path.join(root, 'features');
    fs.mkdirSync(dir);
    for (const [f, rows] of [['a.tfrecord', [[1, 0], [2, 1], [3, 0]]], ['b.tfrecord', [[4, 1], [5, 1]]]] as const) {
      const w = new tf.io.TFRecordWriter(path.join(dir, f));
      for (const [x, l] of rows) w.write(example(x, [x, -x], l));
      w.close();
    }
    const features = { x: new tf.FixedLenFeature([], 'int64'), y: new tf.FixedLenFeature([2], 'float32'), label: new tf.FixedLenFeature([], 'int64') };
    const got = await all(() => X.makeBatchedFeaturesDataset(path.join(dir, '*.tfrecord'), 2, features, { labelKey: 'label', numEpochs: 1, shuffle: false }));
    expect(got).toEqual([
      [{ x: [1, 2], y: [[1, -1], [2, -2]] }, [0, 1]],
      [{ x: [3, 4], y: [[3, -3], [4, -4]] }, [0, 1]],
      [{ x: [5], y: [[5, -5]] }, [1]],
    ]);
    // endless epochs: full batches only, the batch dimension known
    const { t } = setup(() => ({ s: X.makeBatchedFeaturesDataset(path.join(dir, '*.tfrecord'), 2, features, { shuffle: false }).outputShapes }));
    expect((t.s as T).x).toEqual([2]);
    expect(() => X.makeBatchedFeaturesDataset(path.join(dir, '*.tfrecord'), 2, features, { labelKey: 'nope' })).toThrow('The `label_key` provided (nope) must be one of the `features` keys.');
    expect(() => X.makeBatchedFeaturesDataset(path.join(dir, '*.none'), 2, features)).toThrow(/No files matched pattern/);
  });
});

describe('rejectionResample', () => {
  // classes 0,0,0,0,0,1,1,1,2,2 repeated: initial distribution [0.5, 0.3, 0.2]
  const pattern = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2];
  const data = (): tf.data.Dataset => tf.data.Dataset.fromTensorSlices(tf.constant(Array.from({ length: 6000 }, (_, i) => pattern[i % 10]!), 'int64'));
  const freq = (got: T[]): number[] => [0, 1, 2].map((c) => got.filter((p) => p[0] === c).length / got.length);
  it('to a uniform target from a given initial distribution: pairs (class, element), frequencies near the target', async () => {
    const got = await all(() => data().apply(X.rejectionResample((x: T) => x, [1 / 3, 1 / 3, 1 / 3], [0.5, 0.3, 0.2], 7)).take(3000));
    expect(got.every((p) => p[0] === p[1])).toBe(true);
    freq(got).forEach((f) => expect(Math.abs(f - 1 / 3)).toBeLessThan(0.035));
  });
  it('with the initial distribution estimated as the elements go', async () => {
    const got = await all(() => data().apply(X.rejectionResample((x: T) => x, [0.2, 0.3, 0.5], null, 11)).take(3000));
    freq(got).forEach((f, i) => expect(Math.abs(f - [0.2, 0.3, 0.5][i]!)).toBeLessThan(0.035));
  });
  it('target equal to the initial distribution keeps every element in order; a zero target class never appears', async () => {
    const same = await all(() => tf.data.Dataset.fromTensorSlices(tf.constant([0, 1, 1, 0], 'int32')).apply(X.rejectionResample((x: T) => x, [0.5, 0.5], [0.5, 0.5])));
    expect(same).toEqual([[0, 0], [1, 1], [1, 1], [0, 0]]);
    // ratios [0, 5/3, 5/2]: min 0, so only accepted elements, kept with [0, 2/3, 1]: classes 1 and 2 equally often
    const got = await all(() => data().apply(X.rejectionResample((x: T) => x, [0, 0.5, 0.5], [0.5, 0.3, 0.2], 3)));
    const f = freq(got);
    expect(f[0]).toBe(0);
    expect(Math.abs(f[1]! - 0.5)).toBeLessThan(0.04);
  });
});

describe('tf.data.getOutput* and tf.contrib.data', () => {
  it('types, shapes and classes of datasets and iterators; anything else is TF\'s TypeError', () => {
    setup(() => {
      const d = tf.data.Dataset.fromTensorSlices({ a: tf.constant([[1, 2]]), b: tf.constant([3], 'int64') });
      expect(tf.data.getOutputTypes(d)).toEqual({ a: 'float32', b: 'int64' });
      expect(tf.data.getOutputShapes(d)).toEqual({ a: [2], b: [] });
      expect(tf.data.getOutputClasses(d)).toEqual(d.outputClasses);
      const it = d.makeOneShotIterator();
      expect(tf.data.getOutputTypes(it)).toEqual({ a: 'float32', b: 'int64' });
      expect(tf.data.getOutputShapes(it)).toEqual({ a: [2], b: [] });
      expect(() => tf.data.getOutputTypes(3 as never)).toThrow('`dataset_or_iterator` must be a Dataset or Iterator object, but got number.');
    });
  });
  it('tf.contrib.data names the same functions', () => {
    const C = tf.contrib.data as T;
    for (const k of ['Optional', 'RandomDataset', 'TFRecordWriter', 'denseToSparseBatch', 'getNextAsOptional', 'makeBatchedFeaturesDataset', 'parseExampleDataset', 'rejectionResample', 'unique']) expect(C[k]).toBe((X as T)[k]);
  });
});
