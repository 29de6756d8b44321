/**
 * keras.preprocessing.sequence.padSequences and keras.utils.toCategorical against the outputs
 * Keras documents and tests; keras.datasets loading IDX files from a directory (and its error
 * naming the path when the files are missing); keras.backend's session, learning phase, floatx,
 * epsilon, clearSession and its element-wise helpers.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';

const k = tf.keras;
const pad = k.preprocessing.sequence.padSequences;
const rows = (a: NDArray): number[][] => Array.from({ length: a.shape[0]! }, (_, i) => Array.from(a.data as Int32Array).slice(i * a.shape[1]!, (i + 1) * a.shape[1]!).map(Number));

describe('keras.preprocessing.sequence.padSequences', () => {
  const seqs = [[1], [1, 2], [1, 2, 3]];
  it('pads and truncates at the front by default', () => {
    const a = pad(seqs);
    expect(a.dtype).toBe('int32');
    expect(a.shape).toEqual([3, 3]);
    expect(rows(a)).toEqual([[0, 0, 1], [0, 1, 2], [1, 2, 3]]);
    expect(rows(pad(seqs, { maxlen: 2 }))).toEqual([[0, 1], [1, 2], [2, 3]]);
  });
  it('padding / truncating "post", a pad value, a float dtype, empty sequences', () => {
    expect(rows(pad(seqs, { maxlen: 2, padding: 'post' }))).toEqual([[1, 0], [1, 2], [2, 3]]);
    expect(rows(pad(seqs, { maxlen: 2, truncating: 'post' }))).toEqual([[0, 1], [1, 2], [1, 2]]);
    expect(rows(pad(seqs, { maxlen: 2, value: 1 }))).toEqual([[1, 1], [1, 2], [2, 3]]);
    const f = pad([[0.5], []], { dtype: 'float32', value: -1, maxlen: 3 });
    expect(f.dtype).toBe('float32');
    expect(Array.from(f.data as Float32Array)).toEqual([-1, -1, 0.5, -1, -1, -1]);
    expect(pad([]).shape).toEqual([0, 0]);
  });
  it('rejects unknown padding / truncating modes', () => {
    expect(() => pad(seqs, { padding: 'middle' as never })).toThrow('Padding type "middle" not understood');
    expect(() => pad(seqs, { truncating: 'x' as never })).toThrow('Truncating type "x" not understood');
  });
});

describe('keras.utils.toCategorical', () => {
  it('one-hot rows, num_classes from the largest id or given; a trailing 1 is dropped', () => {
    const a = k.utils.toCategorical([0, 2, 1]);
    expect(a.shape).toEqual([3, 3]);
    expect(a.dtype).toBe('float32');
    expect(Array.from(a.data as Float32Array)).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0]);
    const b = k.utils.toCategorical(new tf.NDArray(Int32Array.of(3, 0), [2, 1], 'int32'), 5);
    expect(b.shape).toEqual([2, 5]);
    expect(Array.from(b.data as Float32Array)).toEqual([0, 0, 0, 1, 0, 1, 0, 0, 0, 0]);
    const c = k.utils.toCategorical([[0, 1], [1, 0]], 2, 'int32');
    expect(c.shape).toEqual([2, 2, 2]);
    expect(Array.from(c.data as Int32Array)).toEqual([1, 0, 0, 1, 0, 1, 1, 0]);
  });
  it('rejects ids outside [0, num_classes)', () => {
    expect(() => k.utils.toCategorical([-1])).toThrow('non-negative integers');
    expect(() => k.utils.toCategorical([3], 3)).toThrow('class id 3 is not below num_classes=3');
  });
});

describe('keras.datasets', () => {
  const fixture = fileURLToPath(new URL('./fixtures/datasets/mnist', import.meta.url));
  it('loadData reads the IDX files of a directory as uint8 [N, 28, 28] images and uint8 labels', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keras-ds-'));
    for (const [from, to] of [['t10k-images-idx3-ubyte.gz', 'train-images-idx3-ubyte.gz'], ['t10k-labels-idx1-ubyte.gz', 'train-labels-idx1-ubyte.gz'], ['t10k-images-idx3-ubyte.gz', 't10k-images-idx3-ubyte.gz'], ['t10k-labels-idx1-ubyte.gz', 't10k-labels-idx1-ubyte.gz']]) {
      copyFileSync(join(fixture, from!), join(dir, to!));
    }
    const [[xTrain, yTrain], [xTest, yTest]] = k.datasets.mnist.loadData({ path: dir });
    expect(xTrain.shape).toEqual([10000, 28, 28]);
    expect(xTrain.dtype).toBe('uint8');
    expect(yTrain.shape).toEqual([10000]);
    expect(xTest.shape).toEqual([10000, 28, 28]);
    // MNIST's first test digit is a 7; pixels span 0..255
    expect(Number(yTest.data[0])).toBe(7);
    const px = xTest.data as Uint8Array;
    expect(Math.max(...px.subarray(0, 784))).toBe(255);
    expect(Math.min(...px.subarray(0, 784))).toBe(0);
    expect(Array.from((yTrain.data as Uint8Array).subarray(0, 20))).toEqual(Array.from((yTest.data as Uint8Array).subarray(0, 20)));
  });
  it('fails naming the directory and the files when they are missing (nothing is downloaded)', () => {
    expect(() => k.datasets.fashionMnist.loadData({ path: fixture })).toThrow(`${fixture} must hold train-images-idx3-ubyte(.gz) and train-labels-idx1-ubyte(.gz)`);
  });
});

describe('keras.backend', () => {
  it('floatx, epsilon, the learning phase, clearSession and the element-wise helpers', async () => {
    expect(k.backend.floatx()).toBe('float32');
    expect(k.backend.epsilon()).toBe(1e-7);
    k.backend.clearSession();
    const g = tf.getDefaultGraph();
    expect(new k.layers.Dense(2).name).toBe('dense');
    expect(new k.layers.Dense(2).name).toBe('dense_1');
    const phase = k.backend.learningPhase() as Tensor;
    expect(phase.op.type).toBe('PlaceholderWithDefault');
    expect(k.backend.learningPhase()).toBe(phase);
    const x = tf.constant([[1, 4], [9, 16]]);
    const outs = [k.backend.mean(x), k.backend.sum(x, 1), k.backend.square(x), k.backend.sqrt(x), k.backend.concatenate([x, x]), k.backend.mean(x, 0, true)];
    const sess = k.backend.getSession();
    expect(sess.graph).toBe(g);
    expect(k.backend.getSession()).toBe(sess);
    const r = (await sess.run(outs)) as NDArray[];
    expect(Array.from(r[0]!.data as Float32Array)).toEqual([7.5]);
    expect(Array.from(r[1]!.data as Float32Array)).toEqual([5, 25]);
    expect(Array.from(r[2]!.data as Float32Array)).toEqual([1, 16, 81, 256]);
    expect(Array.from(r[3]!.data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(r[4]!.shape).toEqual([2, 4]);
    expect(r[5]!.shape).toEqual([1, 2]);
    // a fixed phase replaces the placeholder: Dropout then always drops
    k.backend.setLearningPhase(1);
    expect(k.backend.learningPhase()).toBe(1);
    const d = new k.layers.Dropout(0.99999, { seed: 1 }).apply(tf.ones([50]));
    const dv = Array.from(((await k.backend.getSession().run(d)) as NDArray).data as Float32Array);
    expect(dv.filter((v) => v === 0).length).toBeGreaterThan(45);
    expect(() => k.backend.setLearningPhase(2)).toThrow('Expected learning phase to be 0 or 1.');
    k.backend.clearSession();
    expect(tf.getDefaultGraph()).not.toBe(g);
    expect(new k.layers.Dense(2).name).toBe('dense');
    expect(k.backend.learningPhase()).not.toBe(1);
  });
});
