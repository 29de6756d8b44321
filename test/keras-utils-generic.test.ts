/**
 * keras.utils: normalize and convert_kernel against numpy, get_source_inputs, Sequence,
 * custom_object_scope / get_custom_objects feeding deserialization, serialize/deserialize of
 * Keras objects, Progbar's text, get_file from file:// and local origins with hashes, and
 * convert_all_kernels_in_model on a Conv2D in the session.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const u = tf.keras.utils;
const f32 = (a: tf.NDArray): number[] => Array.from(a.data as Float32Array);
const close = (got: number[], want: number[]): void => got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));

describe('normalize', () => {
  const x = [[3, 4, 0], [1, -2, 2]];
  it('matches numpy for axes and orders; zero norms stay zero', () => {
    close(f32(u.normalize(x)), [0.6000000238418579, 0.800000011920929, 0.0, 0.3333333432674408, -0.6666666865348816, 0.6666666865348816]);
    close(f32(u.normalize(x, 0)), [0.9486832618713379, 0.8944271802902222, 0.0, 0.3162277638912201, -0.4472135901451111, 1.0]);
    close(f32(u.normalize(x, 1, 1)), [0.4285714328289032, 0.5714285969734192, 0.0, 0.20000000298023224, -0.4000000059604645, 0.4000000059604645]);
    close(f32(u.normalize(x, -1, Infinity)), [0.75, 1.0, 0.0, 0.5, -1.0, 1.0]);
    close(f32(u.normalize(x, -1, 3)), [0.666971743106842, 0.8892956972122192, 0.0, 0.38891109824180603, -0.7778221964836121, 0.7778221964836121]);
    expect(f32(u.normalize([[0, 0]]))).toEqual([0, 0]);
    expect(u.normalize(x).shape).toEqual([2, 3]);
    expect(() => u.normalize(x, 2)).toThrow('axis 2 is out of bounds for array of dimension 2');
  });
});

describe('convert_kernel / convert_all_kernels_in_model', () => {
  const k = new tf.NDArray(Float32Array.from({ length: 24 }, (_, i) => i), [2, 3, 2, 2]);
  const flipped = [20, 21, 22, 23, 16, 17, 18, 19, 12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3];
  it('flips every axis but the last two (numpy k[::-1, ::-1])', () => {
    expect(f32(u.convertKernel(k))).toEqual(flipped);
  });
  it('flips a Conv2D kernel in the session and leaves a Dense alone', async () => {
    tf.keras.backend.clearSession();
    const conv = new tf.keras.layers.Conv2D(2, [2, 3], { inputShape: [4, 4, 2] });
    const m = new tf.keras.Sequential([conv, new tf.keras.layers.Flatten(), new tf.keras.layers.Dense(1)]);
    const kernel = m.layers[0]!.weights[0]!;
    await tf.keras.backend.setValue(kernel, k);
    const dense = m.layers[2]!.weights[0]!;
    const d0 = f32(await tf.keras.backend.getValue(dense));
    await u.convertAllKernelsInModel(m);
    expect(f32(await tf.keras.backend.getValue(kernel))).toEqual(flipped);
    expect(f32(await tf.keras.backend.getValue(dense))).toEqual(d0);
  });
});

describe('get_source_inputs, Sequence', () => {
  it('finds the Input tensors behind a tensor', () => {
    tf.keras.backend.clearSession();
    const a = tf.keras.Input({ shape: [2] });
    const b = tf.keras.Input({ shape: [2] });
    const h = new tf.keras.layers.Dense(2).apply(a) as tf.Tensor;
    const s = tf.keras.layers.add([h, b, a]) as tf.Tensor;
    expect(u.getSourceInputs(s)).toEqual([a, b]);
    expect(u.getSourceInputs(a)).toEqual([a]);
  });
  it('a Sequence subclass indexes and iterates its batches', () => {
    class Squares extends u.Sequence<number> {
      getItem(i: number): number {
        return i * i;
      }
      get length(): number {
        return 4;
      }
    }
    const s = new Squares();
    expect([...s]).toEqual([0, 1, 4, 9]);
    expect(s.getItem(3)).toBe(9);
  });
});

describe('custom objects and Keras object serialization', () => {
  it('custom_object_scope makes a name known to deserializers, and restores on exit', () => {
    const myLoss = (t: tf.Tensor, p: tf.Tensor): tf.Tensor => tf.reduceMean(tf.abs(tf.subtract(t, p)), -1);
    expect(() => tf.keras.losses.get('my_loss')).toThrow('Unknown loss function:my_loss');
    const r = u.customObjectScope({ my_loss: myLoss }, () => tf.keras.losses.get('my_loss'));
    expect(r).toBe(myLoss);
    expect(() => tf.keras.losses.get('my_loss')).toThrow('Unknown loss function:my_loss');
    const scope = new u.CustomObjectScope({ my_loss: myLoss }).enter();
    expect(u.getCustomObjects().my_loss).toBe(myLoss);
    scope.exit();
    expect('my_loss' in u.getCustomObjects()).toBe(false);
    u.getCustomObjects().my_loss = myLoss;
    expect(tf.keras.losses.get('my_loss')).toBe(myLoss);
    delete u.getCustomObjects().my_loss;
  });
  it('serialize_keras_object / deserialize_keras_object', () => {
    const reg = new tf.keras.regularizers.L1L2({ l1: 0.5, l2: 0.25 });
    const s = u.serializeKerasObject(reg) as { className: string; config: Record<string, unknown> };
    expect(s.config).toEqual({ l1: 0.5, l2: 0.25 });
    const mod = { [s.className]: (reg as object).constructor };
    const back = u.deserializeKerasObject(s, mod, null, 'regularizer') as { getConfig(): unknown };
    expect(back.getConfig()).toEqual({ l1: 0.5, l2: 0.25 });
    expect(() => u.deserializeKerasObject({ className: 'Nope', config: {} }, mod, null, 'regularizer')).toThrow('Unknown regularizer: Nope');
  });
});

describe('Progbar', () => {
  it("prints Keras's bar: running mean of values, ETA, final line", () => {
    const out: string[] = [];
    const p = new u.Progbar(10, { write: (s) => void out.push(s) });
    p.now = () => 2000;
    p.update(4, [['loss', 1]]);
    p.update(10, [['loss', 2]]);
    expect(out).toEqual([
      ' 4/10 [===========>..................] - ETA: 3s - loss: 1.0000\n',
      '10/10 [==============================] - 2s 200ms/step - loss: 1.6000\n',
    ]);
    const q: string[] = [];
    const p2 = new u.Progbar(3, { verbose: 2, statefulMetrics: ['acc'], write: (s) => void q.push(s) });
    p2.now = () => 0;
    p2.add(2, [['acc', 0.5], ['loss', 0.0001]]);
    p2.add(1, [['acc', 0.75], ['loss', 0.0004]]);
    expect(q).toEqual([' - 0s - acc: 0.7500 - loss: 2.0000e-04\n']);
  });
});

describe('get_file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kgf-'));
  const src = join(dir, 'src.txt');
  writeFileSync(src, 'hello data');
  const md5 = createHash('md5').update('hello data').digest('hex');
  const sha = createHash('sha256').update('hello data').digest('hex');
  it('copies a file:// or local origin into the cache, checks hashes', () => {
    const cache = join(dir, 'cache');
    const p = u.getFile('a.txt', pathToFileURL(src).href, { cacheDir: cache, fileHash: sha });
    expect(p).toBe(join(cache, 'datasets', 'a.txt'));
    expect(readFileSync(p, 'utf8')).toBe('hello data');
    expect(u.getFile('b.txt', src, { cacheDir: cache, md5Hash: md5, cacheSubdir: 'x' })).toBe(join(cache, 'x', 'b.txt'));
    writeFileSync(p, 'stale');
    u.getFile('a.txt', src, { cacheDir: cache, fileHash: md5 });
    expect(readFileSync(p, 'utf8')).toBe('hello data');
    expect(() => u.getFile('c.txt', src, { cacheDir: cache, fileHash: '0'.repeat(32) })).toThrow('does not match the md5 hash');
  });
  it('refuses network origins with a clear error', () => {
    expect(() => u.getFile('m.npz', 'https://example.com/m.npz', { cacheDir: join(dir, 'c2') })).toThrow('cannot download https://example.com/m.npz: only file:// URLs and local paths are fetched');
  });
});
