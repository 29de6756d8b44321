/**
 * tf.data pipelines inside Session.run on every device: element order with and without
 * shuffle seeds, end of sequence, repeat/batch remainders, map with graph and seeded random
 * ops, filter, zip, generators (and their errors), TFRecord datasets, and the iterator kinds.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { registerSkipSummary, resolvedDevices } from '../conformance/harness.js';
import { drain, onDevice } from '../support/data.js';
import { TextLineDataset } from '../../src/data/dataset.js';

registerSkipSummary();
const devices = await resolvedDevices();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-dataset-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const vals = (a: tf.NDArray): unknown => a.toArray();

for (const dev of devices) {
  describe(`tf.data [${dev.name}]`, () => {
    const { test, setup } = onDevice(dev);

    test('fromTensorSlices, batch remainders, dropRemainder, repeat, take, skip: order and end of sequence', async () => {
      const { sess, t } = setup(() => {
        const ds = tf.data.Dataset.fromTensorSlices(tf.NDArray.zeros([0]).shape.length === 1 ? new tf.NDArray(Float32Array.from([0, 1, 2, 3, 4, 5, 6]), [7]) : null);
        return {
          a: ds.batch(3).makeOneShotIterator().getNext() as tf.Tensor,
          b: ds.batch(3, { dropRemainder: true }).makeOneShotIterator().getNext() as tf.Tensor,
          c: ds.skip(2).take(3).repeat(2).makeOneShotIterator().getNext() as tf.Tensor,
          d: ds.repeat(2).batch(4).makeOneShotIterator().getNext() as tf.Tensor,
          shapes: [ds.batch(3).outputShapes, ds.batch(3, true).outputShapes],
        };
      });
      expect(t.shapes).toEqual([[null], [3]]);
      expect((await drain(sess, t.a)).map((x) => vals(x as tf.NDArray))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
      expect((await drain(sess, t.b)).map((x) => vals(x as tf.NDArray))).toEqual([[0, 1, 2], [3, 4, 5]]);
      expect((await drain(sess, t.c)).map((x) => vals(x as tf.NDArray))).toEqual([2, 3, 4, 2, 3, 4]);
      expect((await drain(sess, t.d)).map((x) => vals(x as tf.NDArray))).toEqual([[0, 1, 2, 3], [4, 5, 6, 0], [1, 2, 3, 4], [5, 6]]);
      // past the end it stays at the end
      await expect(sess.run(t.a)).rejects.toThrow(tf.errors.OutOfRangeError);
      await sess.close();
    });

    test('getNext tensors feed graph ops; tuples and dicts keep their structure', async () => {
      const { sess, t } = setup(() => {
        const x = new tf.NDArray(Float32Array.from([1, 2, 3, 4, 5, 6]), [3, 2]);
        const y = new tf.NDArray(Int32Array.from([7, 8, 9]), [3]);
        const it = tf.data.Dataset.fromTensorSlices({ x, y }).batch(2).makeOneShotIterator();
        const el = it.getNext() as { x: tf.Tensor; y: tf.Tensor };
        return { el, sum: tf.reduceSum(el.x, 1), types: it.outputTypes, shapes: it.outputShapes };
      });
      expect(t.types).toEqual({ x: 'float32', y: 'int32' });
      expect(t.shapes).toEqual({ x: [null, 2], y: [null] });
      const r1 = await sess.run({ s: t.sum, y: t.el.y });
      expect(vals(r1.s)).toEqual([3, 7]);
      expect(vals(r1.y)).toEqual([7, 8]);
      const r2 = await sess.run({ s: t.sum, y: t.el.y });
      expect(vals(r2.s)).toEqual([11]);
      expect(vals(r2.y)).toEqual([9]);
      await sess.close();
    });

    test('shuffle: a permutation, repeatable with a seed in a fresh session, reshuffled each epoch unless told not to', async () => {
      const build = () => {
        const ds = tf.data.Dataset.range(20);
        return {
          a: ds.shuffle(5, { seed: 42 }).repeat(2).makeOneShotIterator().getNext() as tf.Tensor,
          b: ds.shuffle(20, { seed: 7, reshuffleEachIteration: false }).repeat(2).makeOneShotIterator().getNext() as tf.Tensor,
          plain: ds.makeOneShotIterator().getNext() as tf.Tensor,
        };
      };
      const one = setup(build);
      const two = setup(build);
      const a1 = (await drain(one.sess, one.t.a)).map((x) => vals(x as tf.NDArray) as number);
      const a2 = (await drain(two.sess, two.t.a)).map((x) => vals(x as tf.NDArray) as number);
      expect(a1).toEqual(a2);
      const range = Array.from({ length: 20 }, (_, i) => i);
      expect([...a1.slice(0, 20)].sort((p, q) => p - q)).toEqual(range);
      expect([...a1.slice(20)].sort((p, q) => p - q)).toEqual(range);
      expect(a1.slice(0, 20)).not.toEqual(range);
      expect(a1.slice(0, 20)).not.toEqual(a1.slice(20));
      // buffer 5: an element leaves at most 4 places early... and the first output is from the first 5
      expect(a1[0]).toBeLessThan(5);
      const b = (await drain(one.sess, one.t.b)).map((x) => vals(x as tf.NDArray) as number);
      expect(b.slice(0, 20)).toEqual(b.slice(20));
      expect((await drain(one.sess, one.t.plain)).map((x) => vals(x as tf.NDArray))).toEqual(range);
      const d1 = (await drain(one.sess, one.t.plain)).length;
      expect(d1).toBe(0);
      await one.sess.close();
      await two.sess.close();
    });

    test('map traces graph ops once; random ops in it are seeded; filter and zip', async () => {
      let calls = 0;
      const build = () => {
        tf.setRandomSeed(3);
        const ds = tf.data.Dataset.range(6).map((x: tf.Tensor) => {
          calls++;
          const f = tf.cast(x, tf.float32);
          return [tf.multiply(f, 10), tf.add(f, tf.randomUniform([2], { seed: 5 }))];
        });
        const evens = tf.data.Dataset.range(10).filter((x: tf.Tensor) => tf.equal(tf.mod(x, 2), tf.constant(0, { dtype: tf.int64 })));
        const zipped = tf.data.Dataset.zip([evens, tf.data.Dataset.fromTensorSlices(['a', 'b', 'c'])]);
        return {
          m: ds.makeOneShotIterator().getNext() as tf.Tensor[],
          z: zipped.makeOneShotIterator().getNext() as tf.Tensor[],
        };
      };
      const s1 = setup(build);
      expect(calls).toBe(1);
      const s2 = setup(build);
      const r1 = await drain(s1.sess, s1.t.m);
      const r2 = await drain(s2.sess, s2.t.m);
      expect(r1.map((x) => vals((x as tf.NDArray[])[0]!))).toEqual([0, 10, 20, 30, 40, 50]);
      const noise = (r: unknown[]): number[][] => r.map((x, i) => (vals((x as tf.NDArray[])[1]!) as number[]).map((v) => v - i));
      expect(noise(r1)).toEqual(noise(r2));
      for (const n of noise(r1).flat()) {
        expect(n).toBeGreaterThanOrEqual(-1e-6);
        expect(n).toBeLessThan(1);
      }
      expect(noise(r1)[0]).not.toEqual(noise(r1)[1]);
      const z = await drain(s1.sess, s1.t.z);
      expect(z.map((x) => (x as tf.NDArray[]).map(vals))).toEqual([[0, 'a'], [2, 'b'], [4, 'c']]);
      await s1.sess.close();
      await s2.sess.close();
    });

    test('initializable iterator with a fed placeholder; reinitializable iterator from a structure', async () => {
      const { sess, t } = setup(() => {
        const xs = tf.placeholder(tf.float32, [null]);
        const it = tf.data.Dataset.fromTensorSlices(xs).map((v: tf.Tensor) => tf.square(v)).makeInitializableIterator();
        const r = tf.data.Iterator.fromStructure(tf.int64, []);
        return {
          xs, it, next: it.getNext() as tf.Tensor,
          r, rNext: r.getNext() as tf.Tensor,
          initA: r.makeInitializer(tf.data.Dataset.range(3)),
          initB: r.makeInitializer(tf.data.Dataset.range(10, 12)),
          bad: () => r.makeInitializer(tf.data.Dataset.fromTensorSlices(new tf.NDArray(Float32Array.from([1]), [1]))),
        };
      });
      await expect(sess.run(t.next)).rejects.toThrow(/GetNext\(\) failed because the iterator has not been initialized/);
      await sess.run(t.it.initializer!, new Map([[t.xs, new tf.NDArray(Float32Array.from([1, 2, 3]), [3])]]));
      expect((await drain(sess, t.next)).map((x) => vals(x as tf.NDArray))).toEqual([1, 4, 9]);
      await sess.run(t.it.initializer!, new Map([[t.xs, new tf.NDArray(Float32Array.from([5]), [1])]]));
      expect((await drain(sess, t.next)).map((x) => vals(x as tf.NDArray))).toEqual([25]);
      await sess.run(t.initA);
      expect((await drain(sess, t.rNext)).map((x) => vals(x as tf.NDArray))).toEqual([0, 1, 2]);
      await sess.run(t.initB);
      expect((await drain(sess, t.rNext)).map((x) => vals(x as tf.NDArray))).toEqual([10, 11]);
      expect(t.bad).toThrow(/Expected output types .* but got dataset with output types/);
      await sess.close();
    });

    test('feedable iterators: Iterator.fromStringHandle switches between a one-shot and an initializable iterator by their stringHandle', async () => {
      const { sess, t } = setup(() => {
        const train = tf.data.Dataset.range(100).map((v: tf.Tensor) => tf.multiply(v, tf.constant(2, tf.int64))).makeOneShotIterator();
        const val = tf.data.Dataset.range(3).makeInitializableIterator();
        const handle = tf.placeholder(tf.string, [], { name: 'handle' });
        const it = tf.data.Iterator.fromStringHandle(handle, train.outputTypes, train.outputShapes);
        const f32 = tf.data.Dataset.fromTensors(new tf.NDArray(Float32Array.of(1), [1])).makeOneShotIterator();
        return { handle, next: it.getNext() as tf.Tensor, trainH: train.stringHandle(), valH: val.stringHandle(), valInit: val.initializer!, f32H: f32.stringHandle(), outputTypes: it.outputTypes };
      });
      expect(t.outputTypes).toBe('int64');
      const [trainH, valH, f32H] = (await sess.run([t.trainH, t.valH, t.f32H])).map((h) => h.toArray() as string);
      expect(trainH).not.toBe(valH);
      const pull = async (h: string): Promise<unknown> => vals(await sess.run(t.next, new Map([[t.handle, h]])));
      expect([await pull(trainH), await pull(trainH)]).toEqual([0, 2]);
      await expect(pull(valH)).rejects.toThrow(/GetNext\(\) failed because the iterator has not been initialized/);
      await sess.run(t.valInit);
      expect([await pull(valH), await pull(trainH), await pull(valH), await pull(valH)]).toEqual([0, 4, 1, 2]);
      await expect(pull(valH)).rejects.toThrow('End of sequence');
      expect(await pull(trainH)).toEqual(6);
      await expect(pull(f32H)).rejects.toThrow(/gives \[tf\.float32\] but \[tf\.int64\] were expected/);
      await expect(pull('nonsense')).rejects.toThrow(/Invalid iterator handle/);
      await sess.close();
    });

    test('fromGenerator: sync and async generators, shape checks, and a throwing generator reaching sess.run', async () => {
      const { sess, t } = setup(() => {
        function* gen(): Generator<[number, number[]]> {
          for (let i = 0; i < 3; i++) yield [i, [i, i + 1]];
        }
        async function* agen(): AsyncGenerator<number> {
          yield 1;
          await new Promise((r) => setTimeout(r, 1));
          yield 2;
        }
        function* bad(): Generator<number> {
          yield 1;
          throw new Error('disk on fire');
        }
        function* wrongShape(): Generator<number[]> {
          yield [1, 2, 3];
        }
        const D = tf.data.Dataset;
        return {
          g: D.fromGenerator(gen, [tf.int32, tf.float32], [[], [2]]).batch(2).makeOneShotIterator().getNext() as tf.Tensor[],
          a: D.fromGenerator(agen, tf.float32).makeOneShotIterator().getNext() as tf.Tensor,
          a2: D.fromGenerator(agen, tf.float32).makeOneShotIterator().getNext() as tf.Tensor,
          b: D.fromGenerator(bad, tf.int32).makeOneShotIterator().getNext() as tf.Tensor,
          w: D.fromGenerator(wrongShape, tf.float32, [2]).makeOneShotIterator().getNext() as tf.Tensor,
        };
      });
      const g = await drain(sess, t.g);
      expect(g.map((x) => (x as tf.NDArray[]).map(vals))).toEqual([[[0, 1], [[0, 1], [1, 2]]], [[2], [[2, 3]]]]);
      expect((await drain(sess, t.a)).map((x) => vals(x as tf.NDArray))).toEqual([1, 2]);
      expect(vals(await sess.run(t.b))).toBe(1);
      await expect(sess.run(t.b)).rejects.toThrow(/disk on fire/);
      await expect(sess.run(t.w)).rejects.toThrow(/`generator` yielded an element of shape \(3,\) where an element of shape \(2,\) was expected/);
      if (dev.caps.runSync) expect(() => sess.runSync(t.a2)).toThrow(/await sess.run/);
      await sess.close();
    });

    test('TFRecordDataset (plain, GZIP, filenames fed at initialization) with parseSingleExample in map', async () => {
      const files = ['a.tfrecord', 'b.tfrecord'].map((f) => path.join(root, `${dev.name}-${f}`));
      const gz = path.join(root, `${dev.name}-c.tfrecord.gz`);
      let k = 0;
      for (const [f, opt] of [[files[0]!, ''], [files[1]!, ''], [gz, 'GZIP']] as const) {
        const w = new tf.io.TFRecordWriter(f, opt as never);
        for (let i = 0; i < 3; i++, k++) {
          const img = Float32Array.from([k, k + 0.5]);
          w.write(new tf.train.Example({ features: { feature: { label: { int64List: { value: [k] } }, raw: { bytesList: { value: [new Uint8Array(img.buffer)] } } } } }).serializeToString());
        }
        w.close();
      }
      const parse = (rec: tf.Tensor) => {
        const f = tf.io.parseSingleExample(rec, { label: new tf.io.FixedLenFeature([], tf.int64), raw: new tf.io.FixedLenFeature([], tf.string) });
        return { label: f.label, image: tf.reshape(tf.io.decodeRaw(f.raw, tf.float32), [2]) };
      };
      const { sess, t } = setup(() => {
        const names = tf.placeholder(tf.string, [null]);
        const it = new tf.data.TFRecordDataset(names).map(parse).batch(4).makeInitializableIterator();
        return {
          names, it, next: it.getNext() as { label: tf.Tensor; image: tf.Tensor },
          gzNext: new tf.data.TFRecordDataset(gz, 'GZIP').map(parse).makeOneShotIterator().getNext() as { label: tf.Tensor; image: tf.Tensor },
        };
      });
      await sess.run(t.it.initializer!, { [t.names.name]: tf.NDArray.fromStrings(files) } as never);
      const b1 = await sess.run(t.next);
      expect(vals(b1.label)).toEqual([0, 1, 2, 3]);
      expect(vals(b1.image)).toEqual([[0, 0.5], [1, 1.5], [2, 2.5], [3, 3.5]]);
      const b2 = await sess.run(t.next);
      expect(vals(b2.label)).toEqual([4, 5]);
      await expect(sess.run(t.next)).rejects.toThrow(tf.errors.OutOfRangeError);
      const g = (await drain(sess, t.gzNext)).map((x) => vals((x as { label: tf.NDArray }).label));
      expect(g).toEqual([6, 7, 8]);
      // a corrupt file surfaces as DataLossError naming the file and offset
      const bad = path.join(root, `${dev.name}-bad.tfrecord`);
      const bytes = fs.readFileSync(files[0]!);
      bytes[bytes.length - 1] ^= 1;
      fs.writeFileSync(bad, bytes);
      await sess.run(t.it.initializer!, { [t.names.name]: tf.NDArray.fromStrings([bad]) } as never);
      await expect(sess.run(t.next)).rejects.toThrow(new RegExp(`corrupted record at \\d+ in ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      await sess.close();
    });

    test('flatMap, interleave (cycle and block lengths), cache with repeat, paddedBatch, TextLineDataset', async () => {
      const txt = path.join(root, `${dev.name}-lines.txt`);
      fs.writeFileSync(txt, 'alpha\nbeta\r\n\ngamma');
      const { sess, t } = setup(() => {
        const D = tf.data.Dataset;
        const base = D.fromTensorSlices(new tf.NDArray(Int32Array.from([1, 2, 3]), [3]));
        return {
          flat: base.flatMap((x: tf.Tensor) => D.fromTensors(x).repeat(2)).makeOneShotIterator().getNext() as tf.Tensor,
          inter: D.range(3).interleave((x: tf.Tensor) => D.fromTensors(tf.multiply(x, tf.constant(10, { dtype: tf.int64 }))).repeat(3), { cycleLength: 2, blockLength: 2 }).makeOneShotIterator().getNext() as tf.Tensor,
          cached: D.fromGenerator(function* () {
            for (let i = 0; i < 3; i++) yield Math.random();
          }, tf.float32).cache().repeat(2).makeOneShotIterator().getNext() as tf.Tensor,
          padded: D.fromGenerator(function* () {
            yield [1];
            yield [2, 3, 4];
            yield [5, 6];
          }, tf.int32, [null]).paddedBatch(2, [null], -1).makeOneShotIterator().getNext() as tf.Tensor,
          lines: new TextLineDataset(txt).makeOneShotIterator().getNext() as tf.Tensor,
        };
      });
      expect((await drain(sess, t.flat)).map((x) => vals(x as tf.NDArray))).toEqual([1, 1, 2, 2, 3, 3]);
      // cycle 2, block 2: 0,0 from the first, 10,10 from the second, then the rest of each
      expect((await drain(sess, t.inter)).map((x) => vals(x as tf.NDArray))).toEqual([0, 0, 10, 10, 0, 10, 20, 20, 20]);
      const c = (await drain(sess, t.cached)).map((x) => vals(x as tf.NDArray));
      expect(c.length).toBe(6);
      expect(c.slice(3)).toEqual(c.slice(0, 3));
      expect((await drain(sess, t.padded)).map((x) => vals(x as tf.NDArray))).toEqual([[[1, -1, -1], [2, 3, 4]], [[5, 6]]]);
      expect((await drain(sess, t.lines)).map((x) => vals(x as tf.NDArray))).toEqual(['alpha', 'beta', '', 'gamma']);
      await sess.close();
    });
  });
}
