/**
 * The TF1 tf.data pieces beyond the core transformations, feeding graphs on every device:
 * FixedLengthRecordDataset (TF's reader test files: header, records, footer; its error for a
 * body that is not whole records), unbatch, apply with tf.data.experimental's mapAndBatch,
 * shuffleAndRepeat, ignoreErrors, unbatch and parallelInterleave, sampleFromDatasets,
 * chooseFromDatasets, reduce, and tf.data.Options with withOptions.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { registerSkipSummary, resolvedDevices } from '../conformance/harness.js';
import { drain, onDevice } from '../support/data.js';

registerSkipSummary();
const devices = await resolvedDevices();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-fixed-length-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

// TF's fixed_length_record_dataset_test: 2 files of 7 records of 3 bytes, 5 header and 2 footer bytes
const NUM_FILES = 2, NUM_RECORDS = 7, HEADER = 5, RECORD = 3, FOOTER = 2;
const record = (f: number, r: number): string => String(f * 2 + r).repeat(RECORD);
function createFiles(compress = false): string[] {
  return Array.from({ length: NUM_FILES }, (_, f) => {
    const name = path.join(root, `fixed_length_record.${f}${compress ? '.gz' : ''}.txt`);
    const text = 'H'.repeat(HEADER) + Array.from({ length: NUM_RECORDS }, (_, r) => record(f, r)).join('') + 'F'.repeat(FOOTER);
    fs.writeFileSync(name, compress ? zlib.gzipSync(Buffer.from(text)) : text);
    return name;
  });
}
const files = createFiles();
const gzFiles = createFiles(true);
const text = (v: unknown): string => (v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v));
const vals = (a: tf.NDArray): unknown => a.toArray();

for (const dev of devices) {
  describe(`tf.data transformations [${dev.name}]`, () => {
    const { test, setup } = onDevice(dev);

    test('FixedLengthRecordDataset: the records of each file between header and footer, in order; decoded bytes feed graph ops', async () => {
      const want = Array.from({ length: NUM_FILES }, (_, f) => Array.from({ length: NUM_RECORDS }, (_, r) => record(f, r))).flat();
      const { sess, t } = setup(() => {
        const names = tf.placeholder(tf.string, [null]);
        const it = new tf.data.FixedLengthRecordDataset(names, RECORD, HEADER, FOOTER, 10).makeInitializableIterator();
        const rec = it.getNext() as tf.Tensor;
        const bytes = tf.cast(tf.decodeRaw(rec, tf.uint8), tf.int32);
        const gz = new tf.data.FixedLengthRecordDataset(gzFiles, RECORD, { headerBytes: HEADER, footerBytes: FOOTER, compressionType: 'GZIP' }).makeOneShotIterator().getNext() as tf.Tensor;
        return { names, init: it.initializer!, rec, sum: tf.reduceSum(bytes), gz, spec: [it.outputTypes, it.outputShapes] };
      });
      expect(t.spec).toEqual(['string', []]);
      await sess.run(t.init, new Map([[t.names, tf.NDArray.fromStrings(files, [2])]]) as never);
      const got = await drain(sess, { rec: t.rec, sum: t.sum });
      expect(got.map((g) => text(vals(g.rec)))).toEqual(want);
      // '0' is byte 48: a record "kkk" sums to 3 * (48 + k)
      expect(got.map((g) => vals(g.sum))).toEqual(want.map((w) => 3 * w.charCodeAt(0)));
      // one file, then again from its start
      await sess.run(t.init, new Map([[t.names, tf.NDArray.fromStrings([files[1]!], [1])]]) as never);
      expect((await drain(sess, t.rec)).map((g) => text(vals(g)))).toEqual(want.slice(NUM_RECORDS));
      expect((await drain(sess, t.gz)).map((g) => text(vals(g)))).toEqual(want);
      await sess.close();
    });

    test('FixedLengthRecordDataset: a body that is not whole records fails with TF\'s InvalidArgumentError text', async () => {
      const { sess, t } = setup(() => new tf.data.FixedLengthRecordDataset(files, RECORD + 1, HEADER, FOOTER, 10).makeOneShotIterator().getNext() as tf.Tensor);
      const err = await sess.run(t).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(tf.errors.InvalidArgumentError);
      expect((err as Error).message.split('\n')[0]).toMatch(/^Excluding the header \(5 bytes\) and footer \(2 bytes\), input file ".*fixed_length_record\.0\.txt" has body length 21 bytes, which is not an exact multiple of the record length \(4 bytes\)\./);
      await sess.close();
    });

    test('unbatch and experimental.unbatch split batches back into their elements, tuples included', async () => {
      const { sess, t } = setup(() => {
        const ds = tf.data.Dataset.range(10).batch(3);
        const pairs = tf.data.Dataset.fromTensorSlices([new tf.NDArray(Float32Array.from([1, 2, 3, 4, 5, 6]), [3, 2]), ['a', 'b', 'c']]).batch(2);
        const bad = tf.data.Dataset.fromTensors([new tf.NDArray(Float32Array.from([1, 2]), [2]), new tf.NDArray(Float32Array.from([1, 2, 3]), [3])]);
        const x = ds.unbatch().makeOneShotIterator().getNext() as tf.Tensor;
        return {
          x: tf.multiply(x, tf.constant(2, { dtype: tf.int64 })),
          y: ds.apply(tf.data.experimental.unbatch()).makeOneShotIterator().getNext() as tf.Tensor,
          p: pairs.unbatch().makeOneShotIterator().getNext() as tf.Tensor[],
          bad: bad.unbatch().makeOneShotIterator().getNext() as tf.Tensor[],
          shapes: [ds.unbatch().outputShapes, pairs.unbatch().outputShapes],
        };
      });
      expect(t.shapes).toEqual([[], [[2], []]]);
      expect((await drain(sess, t.x)).map(vals)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
      expect((await drain(sess, t.y)).map(vals)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect((await drain(sess, t.p)).map(([a, b]: tf.NDArray[]) => [vals(a!), text(vals(b!))])).toEqual([[[1, 2], 'a'], [[3, 4], 'b'], [[5, 6], 'c']]);
      await expect(sess.run(t.bad)).rejects.toThrow('Input element must have the same batch size in each component. Component 0 had size 2 but component 1 had size 3.');
      await sess.close();
    });

    test('apply with mapAndBatch and shuffleAndRepeat gives what map + batch and shuffle + repeat give', async () => {
      const build = (fused: boolean) => () => {
        tf.setRandomSeed(5);
        const ds = tf.data.Dataset.range(10);
        const f = (x: tf.Tensor) => tf.multiply(tf.cast(x, tf.float32), 0.5);
        const a = fused ? ds.apply(tf.data.experimental.mapAndBatch(f, 4, { dropRemainder: true })) : ds.map(f).batch(4, true);
        const b = fused ? ds.apply(tf.data.experimental.shuffleAndRepeat(4, 3, 17)) : ds.shuffle(4, 17).repeat(3);
        return { a: tf.add(a.makeOneShotIterator().getNext() as tf.Tensor, 1), b: b.makeOneShotIterator().getNext() as tf.Tensor };
      };
      const one = setup(build(true));
      const two = setup(build(false));
      const a1 = (await drain(one.sess, one.t.a)).map(vals);
      expect(a1).toEqual([[1, 1.5, 2, 2.5], [3, 3.5, 4, 4.5]]);
      expect((await drain(two.sess, two.t.a)).map(vals)).toEqual(a1);
      const b1 = (await drain(one.sess, one.t.b)).map(vals) as number[];
      expect(b1.length).toBe(30);
      expect([...b1.slice(10, 20)].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(b1.slice(0, 10)).not.toEqual(b1.slice(10, 20));
      expect((await drain(two.sess, two.t.b)).map(vals)).toEqual(b1);
      expect(() => tf.data.Dataset.range(3).apply(((d: tf.data.Dataset) => 3) as never)).toThrow('`transformation_func` must return a Dataset.');
      await one.sess.close();
      await two.sess.close();
    });

    test('ignoreErrors drops the elements whose map failed (TF\'s check_numerics test)', async () => {
      const { sess, t } = setup(() => {
        const ds = tf.data.Dataset.fromTensorSlices(new tf.NDArray(Float32Array.from([1, 2, 3, NaN, 5]), [5])).map((x: tf.Tensor) => tf.checkNumerics(x, 'message'));
        return {
          kept: tf.multiply(ds.apply(tf.data.experimental.ignoreErrors()).makeOneShotIterator().getNext() as tf.Tensor, 10),
          raw: ds.makeOneShotIterator().getNext() as tf.Tensor,
        };
      });
      expect((await drain(sess, t.kept)).map(vals)).toEqual([10, 20, 30, 50]);
      expect([await sess.run(t.raw), await sess.run(t.raw), await sess.run(t.raw)].map(vals)).toEqual([1, 2, 3]);
      await expect(sess.run(t.raw)).rejects.toThrow(tf.errors.InvalidArgumentError);
      await sess.close();
    });

    test('parallelInterleave (not sloppy) gives interleave\'s order', async () => {
      const { sess, t } = setup(() => {
        const ds = tf.data.Dataset.fromTensorSlices(new tf.NDArray(Float64Array.from([4, 5, 6]), [3], 'int64'));
        const f = (x: tf.Tensor) => tf.data.Dataset.fromTensors(x).repeat(x);
        return {
          p: ds.apply(tf.data.experimental.parallelInterleave(f, 2, 1)).makeOneShotIterator().getNext() as tf.Tensor,
          i: ds.interleave(f, 2, 1).makeOneShotIterator().getNext() as tf.Tensor,
          b: ds.apply(tf.data.experimental.parallelInterleave(f, { cycleLength: 2, blockLength: 2, sloppy: false, bufferOutputElements: 4 })).makeOneShotIterator().getNext() as tf.Tensor,
        };
      });
      const p = (await drain(sess, t.p)).map(vals);
      // slots [4 x4, 5 x5] in turn; the 4s end, 6 takes their place and the cycle moves on
      expect(p).toEqual([4, 5, 4, 5, 4, 5, 4, 5, 5, 6, 6, 6, 6, 6, 6]);
      expect((await drain(sess, t.i)).map(vals)).toEqual(p);
      expect((await drain(sess, t.b)).map(vals)).toEqual([4, 4, 5, 5, 4, 4, 5, 5, 5, 6, 6, 6, 6, 6, 6]);
      await sess.close();
    });

    test('sampleFromDatasets draws in the weights\' proportions, seeded; ends once every input has ended', async () => {
      const build = () => {
        const consts = [0, 1, 2].map((k) => tf.data.Dataset.fromTensors(tf.constant(k, { dtype: tf.int64 })).repeat());
        const finite = [tf.data.Dataset.range(0, 5), tf.data.Dataset.range(100, 103)];
        return {
          s: tf.add(tf.data.experimental.sampleFromDatasets(consts, [0.2, 0.3, 0.5], 7).take(3000).batch(3000).makeOneShotIterator().getNext() as tf.Tensor, tf.constant(0, { dtype: tf.int64 })),
          f: tf.data.experimental.sampleFromDatasets(finite, null, 3).makeOneShotIterator().getNext() as tf.Tensor,
        };
      };
      const one = setup(build);
      const two = setup(build);
      const s = vals(await one.sess.run(one.t.s)) as number[];
      const freq = [0, 1, 2].map((k) => s.filter((v) => v === k).length / s.length);
      expect(Math.abs(freq[0]! - 0.2)).toBeLessThan(0.04);
      expect(Math.abs(freq[1]! - 0.3)).toBeLessThan(0.04);
      expect(Math.abs(freq[2]! - 0.5)).toBeLessThan(0.04);
      expect(vals(await two.sess.run(two.t.s))).toEqual(s);
      const f = (await drain(one.sess, one.t.f)).map(vals) as number[];
      expect([...f].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 100, 101, 102]);
      // each input keeps its own order
      expect(f.filter((v) => v < 100)).toEqual([0, 1, 2, 3, 4]);
      await one.sess.close();
      await two.sess.close();
    });

    test('chooseFromDatasets takes element k from the input the k-th choice names (TF\'s foo/bar/baz test)', async () => {
      const { sess, t } = setup(() => {
        const words = ['foo', 'bar', 'baz'].map((w) => tf.data.Dataset.fromTensors(tf.constant(w)).repeat());
        const choice = tf.data.Dataset.range(3).repeat(3);
        return {
          c: tf.data.experimental.chooseFromDatasets(words, choice).makeOneShotIterator().getNext() as tf.Tensor,
          bad: tf.data.experimental.chooseFromDatasets(words, tf.data.Dataset.range(2, 5)).makeOneShotIterator().getNext() as tf.Tensor,
        };
      });
      expect((await drain(sess, t.c)).map((v) => text(vals(v)))).toEqual(['foo', 'bar', 'baz', 'foo', 'bar', 'baz', 'foo', 'bar', 'baz']);
      expect(text(vals(await sess.run(t.bad)))).toBe('baz');
      await expect(sess.run(t.bad)).rejects.toThrow('Selector index out of range: 3 >= 3');
      expect(() => tf.data.experimental.chooseFromDatasets([tf.data.Dataset.range(3)], tf.data.Dataset.range(3).map((x: tf.Tensor) => tf.cast(x, tf.int32)))).toThrow('`choice_dataset` must be a dataset of scalar `tf.int64` tensors.');
      await sess.close();
    });

    test('reduce: sums, tuple states, a state whose shape grows; every run reduces the whole pipeline', async () => {
      const { sess, t } = setup(() => {
        const n = tf.placeholder(tf.int64, [null]);
        const sum = tf.data.Dataset.range(1, 11).reduce(tf.constant(0, { dtype: tf.int64 }), (s: tf.Tensor, x: tf.Tensor) => tf.add(s, x));
        const stats = tf.data.Dataset.fromTensorSlices(new tf.NDArray(Float32Array.from([1, 4, 2, 8]), [4])).reduce(
          [tf.constant(0, { dtype: tf.int64 }), tf.constant(0)],
          ([c, s]: tf.Tensor[], x: tf.Tensor) => [tf.add(c!, tf.constant(1, { dtype: tf.int64 })), tf.add(s!, x)],
        ) as tf.Tensor[];
        const grown = tf.data.Dataset.fromTensorSlices(n).reduce(tf.zeros([0], tf.int64), (s: tf.Tensor, x: tf.Tensor) => tf.concat([s, tf.reshape(tf.multiply(x, x), [1])], 0)) as tf.Tensor;
        return { n, sum: tf.multiply(sum, tf.constant(2, { dtype: tf.int64 })), stats, grown, grownShape: grown.shape };
      });
      expect(vals(await sess.run(t.sum))).toBe(110);
      expect(vals(await sess.run(t.sum))).toBe(110);
      expect((await sess.run(t.stats)).map(vals)).toEqual([4, 15]);
      expect(t.grownShape).toEqual([null]);
      expect(vals(await sess.run(t.grown, new Map([[t.n, new tf.NDArray(Float64Array.of(0, 1, 2, 3), [4], 'int64')]]) as never))).toEqual([0, 1, 4, 9]);
      expect(() => tf.data.Dataset.range(3).reduce(tf.constant(0), (s: tf.Tensor, x: tf.Tensor) => x)).toThrow('The element types for the new state must match the initial state. Expected "tf.float32"; got "tf.int64".');
      await sess.close();
    });
  });
}

describe('tf.data in GraphDefs', () => {
  it('a graph with reduce and an unbatched, prefetched iterator exports (TF\'s op types)', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const r = tf.data.Dataset.range(1, 5).reduce(tf.constant(0, { dtype: tf.int64 }), (s: tf.Tensor, x: tf.Tensor) => tf.add(s, x));
      tf.data.Dataset.range(4).batch(2).unbatch().prefetch(2).makeOneShotIterator().getNext();
      tf.identity(r);
    });
    expect(g.asGraphDef().node.map((n: { op: string }) => n.op)).toEqual(['Const', 'ReduceDataset', 'IteratorGetNext', 'Identity']);
  });
});

describe('tf.data.Options', () => {
  it('withOptions merges options along the pipeline; a field set to two values is an error; unknown fields are refused', () => {
    const o1 = new tf.data.Options({ experimentalDeterministic: true, experimentalOptimization: new tf.data.experimental.OptimizationOptions({ mapFusion: true }) });
    const o2 = new tf.data.Options();
    o2.experimentalSlack = true;
    o2.experimentalOptimization = { autotune: false };
    const ds = tf.data.Dataset.range(5).withOptions(o1).map((x: tf.Tensor) => x).withOptions(o2);
    const o = ds.options();
    expect(o.experimentalDeterministic).toBe(true);
    expect(o.experimentalSlack).toBe(true);
    expect(o.experimentalOptimization).toEqual({ mapFusion: true, autotune: false });
    expect(tf.data.Dataset.range(2).options().experimentalDeterministic).toBeUndefined();
    expect(() => ds.withOptions(new tf.data.Options({ experimentalDeterministic: false }))).toThrow('Cannot merge incompatible values (true and false) of option: experimentalDeterministic');
    expect(() => new tf.data.Options({ nope: 1 } as never)).toThrow('Cannot set the property nope on Options.');
    expect(() => {
      (o2 as unknown as Record<string, unknown>).nope = 1;
    }).toThrow(TypeError);
  });
});
