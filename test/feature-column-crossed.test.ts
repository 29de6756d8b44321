/**
 * tf.featureColumn.crossedColumn and tf.sparse.cross / crossHashed (TF 1.15's SparseCross):
 * the hashing against TF's own kernel-test values (sparse_cross_op_test.py) and feature-column
 * test values (feature_column_test.py's crossed-column id tensors), the farmhash Fingerprint64
 * and FingerprintCat64 it folds, the cross order (sparse inputs first, the last column fastest),
 * string crosses, TF's errors, and crossed columns in linear models, indicator and embedding
 * columns.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { crossHash, fingerprintCat64 } from '../src/ops/sparse-cross.js';
import { fingerprint64 } from '../src/ops/strings/hash.js';

const fc = tf.featureColumn;
const arr = (a: unknown): number[] => Array.from((a as NDArray).data as ArrayLike<number>, Number);
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

async function run<T>(build: () => T, feeds?: (g: T) => Map<Tensor, unknown>): Promise<unknown> {
  const g = new tf.Graph();
  const t = g.asDefault(build);
  const sess = new tf.Session({ graph: g });
  try {
    return await sess.run(t as never, (feeds ? feeds(t) : undefined) as never);
  } finally {
    await sess.close();
  }
}

describe('SparseCross hashing', () => {
  it('Fingerprint64 gives farmhash\'s Fingerprint64 values (TF\'s StringToHashBucketFast test values)', () => {
    expect(BigInt.asIntN(64, fingerprint64(enc('test')))).toBe(8581389452482819506n);
    expect(fingerprint64(enc('a'))).toBe(12917804110809363939n);
  });

  it('FingerprintCat64 folded from the default key 0xDECAFCAFFE gives TF\'s sparse_cross_op_test values', () => {
    const three = ['batch1-FC1-F1', 'batch1-FC2-F1', 'batch1-FC3-F1'];
    expect(crossHash(three)).toBe(1971693436396284976n); // test_hashed_zero_bucket_no_hash_key
    expect(crossHash(three, 0, 0xdecafcaffe + 1)).toBe(4847552627144134031n); // test_hashed_zero_bucket
    expect(crossHash(three, 100)).toBe(83n); // test_hashed_no_hash_key
    // by hand from TF's formula: h = key; h = FingerprintCat64(h, Fingerprint64(x)) for each x; h mod 2^63-1
    let h = 0xdecafcaffen;
    for (const s of three) h = fingerprintCat64(h, fingerprint64(enc(s)));
    expect(h % ((1n << 63n) - 1n)).toBe(1971693436396284976n);
    // an integer feature enters as its int64 bits, not hashed
    expect(crossHash([5, 'x'], 1000)).toBe(fingerprintCat64(fingerprintCat64(0xdecafcaffen, 5n), fingerprint64(enc('x'))) % 1000n);
    expect(crossHash([-1, 'x'], 0)).toBe(fingerprintCat64(fingerprintCat64(0xdecafcaffen, (1n << 64n) - 1n), fingerprint64(enc('x'))) % ((1n << 63n) - 1n));
  });

  it('tf.sparse.crossHashed: the op with TF\'s bucket, sparse inputs before dense ones, the last column fastest', async () => {
    const v = (await run(() =>
      tf.sparse.crossHashed([
        new tf.SparseTensor([[0, 0], [1, 0], [1, 1]], ['a', 'b', 'c'], [2, 2]),
        tf.constant([['f'], ['g']]),
        new tf.SparseTensor([[0, 0], [1, 0]], ['d', 'e'], [2, 1]),
      ], { numBuckets: 1000 }),
    )) as tf.SparseTensorValue;
    expect(arr(v.indices)).toEqual([0, 0, 1, 0, 1, 1]);
    expect(arr(v.denseShape)).toEqual([2, 2]);
    expect(arr(v.values)).toEqual([['a', 'd', 'f'], ['b', 'e', 'g'], ['c', 'e', 'g']].map((x) => Number(crossHash(x, 1000))));
    const three = (await run(() =>
      tf.sparse.crossHashed([tf.constant([['batch1-FC1-F1']]), tf.constant([['batch1-FC2-F1']]), tf.constant([['batch1-FC3-F1']])], 100, { name: 'cross' }),
    )) as tf.SparseTensorValue;
    expect(arr(three.values)).toEqual([83]);
  });

  it('tf.sparse.cross joins the features with _X_ (integers in decimal); a row with an empty column has no crosses', async () => {
    const v = (await run(() =>
      tf.sparse.cross([
        new tf.SparseTensor([[0, 0], [1, 0], [1, 1]], ['a', 'b', 'c'], [3, 2]),
        tf.constant([['f', 'h'], ['g', 'i'], ['j', 'k']]),
        tf.constant([[1], [2], [3]], 'int64'),
      ]),
    )) as tf.SparseTensorValue;
    expect(v.values.toArray()).toEqual(['a_X_f_X_1', 'a_X_h_X_1', 'b_X_g_X_2', 'b_X_i_X_2', 'c_X_g_X_2', 'c_X_i_X_2']);
    expect(arr(v.indices)).toEqual([0, 0, 0, 1, 1, 0, 1, 1, 1, 2, 1, 3]);
    expect(arr(v.denseShape)).toEqual([3, 4]);
  });

  it('errors: TF\'s texts for bad inputs, and a hashed value beyond exact int64 without buckets', async () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => tf.sparse.crossHashed('a' as never)).toThrow('Inputs must be a list');
      expect(() => tf.sparse.crossHashed([1 as never])).toThrow('All inputs must be SparseTensors');
    });
    await expect(run(() => tf.sparse.crossHashed([tf.constant([['a'], ['b']]), new tf.SparseTensor([[0, 0]], ['x'], [3, 1])], 10))).rejects.toThrow('Expected batch size 3 got 2 at dense tensor 0');
    await expect(run(() => tf.sparse.crossHashed([tf.constant([['batch1-FC1-F1']]), tf.constant([['batch1-FC2-F1']])]))).rejects.toThrow(/beyond the int64 values tsflow holds exactly/);
  });
});

describe('crossedColumn', () => {
  const a = fc.numericColumn('a', { shape: 2 });
  const b = fc.bucketizedColumn(a, [0, 1]);

  async function ids(col: tf.featureColumn.CrossedColumn, features: Record<string, unknown>): Promise<[number[], number[]]> {
    const r = (await run(() => {
      const f = Object.fromEntries(Object.entries(features).map(([k, v]) => [k, tf.constant(v as never, typeof (v as unknown[][])[0]![0] === 'string' ? 'string' : 'float32')]));
      const x = col.ids(f, new Map());
      return [x.ids, x.valid];
    })) as NDArray[];
    return [arr(r[0]), arr(r[1])];
  }

  it('bucket ids equal TF\'s feature_column_test values (bucketized × string, and a nested cross)', async () => {
    const crossed = fc.crossedColumn([b, 'c'], 5, { hashKey: 5 });
    expect(crossed.name).toBe('a_bucketized_X_c');
    expect(crossed.numBuckets).toBe(5);
    // TF's batch of two rows, each row on its own (TF's 'c' is sparse: one value, then two)
    expect(await ids(crossed, { a: [[-1, 0.5]], c: [['cA']] })).toEqual([[1, 0], [1, 1]]);
    expect(await ids(crossed, { a: [[0.5, 1]], c: [['cB', 'cC']] })).toEqual([[1, 3, 4, 2], [1, 1, 1, 1]]);
    const crossed2 = fc.crossedColumn([b, 'c', fc.crossedColumn(['d1', 'd2'], 10)], 15, { hashKey: 5 });
    expect(crossed2.name).toBe('a_bucketized_X_c_X_d1_X_d2');
    expect((await ids(crossed2, { a: [[-1, 0.5]], c: [['cA']], d1: [['d1A']], d2: [['d2A']] }))[0]).toEqual([6, 14]);
    expect((await ids(crossed2, { a: [[0.5, 1]], c: [['cB', 'cC']], d1: [['d1B', 'd1C']], d2: [['d2B', 'd2C']] }))[0]).toEqual([0, 13, 8, 8, 10, 12, 2, 0, 1, 9, 8, 12, 2, 0, 10, 11]);
  });

  it('a categorical key\'s missing ids (-1, or out of vocabulary) give no crosses; the order puts categorical keys first', async () => {
    const color = fc.categoricalColumnWithVocabularyList('color', ['red', 'blue']);
    const crossed = fc.crossedColumn(['shape', color], 1000);
    const [got, valid] = (await run(() => {
      const x = crossed.ids({ shape: tf.constant([['round'], ['square']]), color: tf.constant([['blue'], ['green']]) }, new Map());
      return [x.ids, x.valid];
    })) as NDArray[];
    expect(arr(valid)).toEqual([1, 0]);
    expect(arr(got)[0]).toBe(Number(crossHash([1, 'round'], 1000)));
  });

  it('in linearModel (one weight row per bucket, TF\'s variable name) and through indicator and embedding columns', async () => {
    const g = new tf.Graph();
    const t = g.asDefault(() => {
      const f = { a: tf.constant([[-1, 0.5], [0.5, 1]]), c: tf.constant([['cA'], ['cB']]) };
      const crossed = fc.crossedColumn([b, 'c'], 5, { hashKey: 5 });
      const lin = fc.linearModel(f, [crossed]);
      const w = tf.globalVariables().find((v) => v.name === 'linear_model/a_bucketized_X_c/weights:0')!;
      const hot = fc.inputLayer(f, [fc.indicatorColumn(crossed)]);
      const emb = fc.inputLayer(f, [fc.embeddingColumn(crossed, 3, { combiner: 'sum', initializer: tf.onesInitializer() })]);
      return { w, lin, hot, emb, init: tf.globalVariablesInitializer(), names: tf.globalVariables().map((v) => v.name) };
    });
    expect(t.names).toEqual(['linear_model/a_bucketized_X_c/weights:0', 'linear_model/bias_weights:0', 'input_layer_1/a_bucketized_X_c_embedding/embedding_weights:0']);
    expect(t.w.shape).toEqual([5, 1]);
    const sess = new tf.Session({ graph: g });
    try {
      await sess.run(t.init);
      await sess.run(g.asDefault(() => tf.assign(t.w, tf.reshape(tf.constant([1, 10, 100, 1000, 10000]), [5, 1]))));
      const [lin, hot, emb] = (await sess.run([t.lin, t.hot, t.emb])) as NDArray[];
      // row 0 crosses to buckets (1, 0); row 1 (bucket 1 × 'cB', bucket 5 × 'cB') to (1, 4), TF's ids
      const row1 = [Number(crossHash([1, 'cB'], 5, 5)), Number(crossHash([5, 'cB'], 5, 5))];
      expect(row1).toEqual([1, 4]);
      expect(arr(lin)).toEqual([10 + 1, 10 + 10000]);
      expect(arr(hot)).toEqual([1, 1, 0, 0, 0, 0, 1, 0, 0, 1]);
      expect(arr(emb)).toEqual([2, 2, 2, 2, 2, 2]);
    } finally {
      await sess.close();
    }
  });

  it('TF\'s errors for bad keys and sizes', () => {
    expect(() => fc.crossedColumn(['a'], 10)).toThrow('keys must be a list with length > 1. Given: [a]');
    expect(() => fc.crossedColumn(['a', 'b'], 0)).toThrow('hash_bucket_size must be > 1. hash_bucket_size: 0');
    expect(() => fc.crossedColumn(['a', fc.categoricalColumnWithHashBucket('h', 5)], 10)).toThrow('categorical_column_with_hash_bucket is not supported for crossing.');
    expect(() => fc.crossedColumn(['a', fc.numericColumn('n') as never], 10)).toThrow('Unsupported key type. All keys must be either string, or categorical column except _HashedCategoricalColumn.');
  });
});
