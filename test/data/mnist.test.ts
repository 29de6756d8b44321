import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/data/errors.js';
import { mnist } from '../../src/data/index.js';
import type { MnistSplit } from '../../src/data/mnist.js';
import { NDArray } from '../../src/ndarray.js';

const MNIST_DIR = new URL('../fixtures/datasets/mnist', import.meta.url);
const FASHION_DIR = new URL('../fixtures/datasets/fashion_mnist_t10k', import.meta.url);
const IMAGES = 't10k-images-idx3-ubyte';
const LABELS = 't10k-labels-idx1-ubyte';

function histogram(labels: NDArray): number[] {
  const h = new Array<number>(10).fill(0);
  for (const l of labels.data) h[l]!++;
  return h;
}

function expectDatasetError(f: () => unknown, ...patterns: (string | RegExp)[]): DatasetError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DatasetError);
  const msg = (err as Error).message;
  for (const p of patterns) {
    if (typeof p === 'string') expect(msg).toContain(p);
    else expect(msg).toMatch(p);
  }
  return err as DatasetError;
}

describe('mnist.load on the MNIST t10k fixture', () => {
  let data: ReturnType<typeof mnist.load>;
  let test: MnistSplit;
  beforeAll(() => {
    data = mnist.load(MNIST_DIR);
    test = data.test!;
  });

  it('returns only the split that exists', () => {
    expect(data.train).toBeUndefined();
    expect(Object.keys(data)).toEqual(['test']);
  });

  it('has float32 [10000, 784] images in [0, 1] and int32 [10000] labels', () => {
    expect(test.images.dtype).toBe('float32');
    expect(test.images.shape).toEqual([10000, 784]);
    expect(test.labels.dtype).toBe('int32');
    expect(test.labels.shape).toEqual([10000]);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of test.images.data) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    expect(sum / test.images.size).toBeCloseTo(0.1325, 3);
  });

  it('has the known t10k labels', () => {
    expect(Array.from(test.labels.data.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect(histogram(test.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('matches the raw bytes read independently (header 16 bytes, then row-major pixels)', () => {
    const raw = gunzipSync(readFileSync(join(fileURLToPath(MNIST_DIR), `${IMAGES}.gz`)));
    for (const i of [0, 1, 4999, 9999]) {
      const row = Array.from(test.images.data.subarray(i * 784, (i + 1) * 784));
      const bytes = Array.from(raw.subarray(16 + i * 784, 16 + (i + 1) * 784));
      expect(row).toEqual(bytes.map((b) => Math.fround(b / 255)));
    }
  });

  it('makes one-hot labels', () => {
    const oh = mnist.oneHot(test.labels);
    expect(oh.dtype).toBe('float32');
    expect(oh.shape).toEqual([10000, 10]);
    expect(Array.from(oh.data.subarray(0, 10))).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    let sum = 0;
    for (const v of oh.data) sum += v;
    expect(sum).toBe(10000);
  });
});

describe('mnist.load on the Fashion-MNIST t10k fixture', () => {
  it('reads the same format', () => {
    const test = mnist.load(fileURLToPath(FASHION_DIR)).test!;
    expect(test.images.shape).toEqual([10000, 784]);
    expect(Array.from(test.labels.data.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    expect(histogram(test.labels)).toEqual(new Array(10).fill(1000));
  });
});

describe('mnist.load on prepared and corrupted copies', () => {
  let tmp: string;
  let imagesRaw: Buffer;
  let labelsRaw: Buffer;
  let n = 0;

  /** A fresh directory holding `files` (name → bytes). */
  function dir(files: Record<string, Uint8Array>): string {
    const d = join(tmp, `case${n++}`);
    mkdirSync(d);
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(d, name), bytes);
    return d;
  }

  /** The first `count` images/labels of the fixture, as raw IDX bytes. */
  function subset(count: number): { images: Buffer; labels: Buffer } {
    const images = Buffer.from(imagesRaw.subarray(0, 16 + count * 784));
    images.writeUInt32BE(count, 4);
    const labels = Buffer.from(labelsRaw.subarray(0, 8 + count));
    labels.writeUInt32BE(count, 4);
    return { images, labels };
  }

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'tsflow-mnist-'));
    const src = fileURLToPath(MNIST_DIR);
    imagesRaw = gunzipSync(readFileSync(join(src, `${IMAGES}.gz`)));
    labelsRaw = gunzipSync(readFileSync(join(src, `${LABELS}.gz`)));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('reads uncompressed files, and train and test side by side', () => {
    const small = subset(50);
    const d = dir({
      'train-images-idx3-ubyte': small.images,
      'train-labels-idx1-ubyte.gz': gzipSync(small.labels),
    });
    copyFileSync(join(fileURLToPath(MNIST_DIR), `${IMAGES}.gz`), join(d, `${IMAGES}.gz`));
    copyFileSync(join(fileURLToPath(MNIST_DIR), `${LABELS}.gz`), join(d, `${LABELS}.gz`));
    const data = mnist.load(d);
    expect(data.train!.images.shape).toEqual([50, 784]);
    expect(data.test!.images.shape).toEqual([10000, 784]);
    expect(data.train!.images.data).toEqual(data.test!.images.data.subarray(0, 50 * 784));
    expect(data.train!.labels.data).toEqual(data.test!.labels.data.subarray(0, 50));
  });

  it('accepts the dotted file names some mirrors use', () => {
    const small = subset(3);
    const d = dir({ 't10k-images.idx3-ubyte': small.images, 't10k-labels.idx1-ubyte': small.labels });
    expect(Array.from(mnist.load(d).test!.labels.data)).toEqual([7, 2, 1]);
  });

  it('lists what it looked for when no split exists', () => {
    const d = dir({ 'README.txt': new Uint8Array([1]) });
    expectDatasetError(
      () => mnist.load(d),
      'no MNIST files found',
      d,
      'train-images-idx3-ubyte, train-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    );
  });

  it('says when the directory itself is missing', () => {
    expectDatasetError(() => mnist.load(join(tmp, 'nope')), 'MNIST directory not found', 'nope');
  });

  it('names the missing partner of a half-present split', () => {
    const d = dir({ [`${LABELS}.gz`]: gzipSync(subset(5).labels) });
    const e = expectDatasetError(
      () => mnist.load(d),
      'test split is incomplete',
      `found ${LABELS}.gz`,
      `${IMAGES}, ${IMAGES}.gz`,
    );
    expect(e.file).toBe(join(d, IMAGES));
  });

  it('reports a truncated raw file with expected and actual sizes', () => {
    const small = subset(10);
    const d = dir({ [IMAGES]: small.images.subarray(0, small.images.length - 100), [LABELS]: small.labels });
    const e = expectDatasetError(
      () => mnist.load(d),
      `${IMAGES}: truncated IDX file`,
      `expected ${16 + 10 * 784} bytes`,
      `got ${16 + 10 * 784 - 100}`,
    );
    expect(e.file).toBe(join(d, IMAGES));
  });

  it('reports a truncated file inside a complete gzip stream', () => {
    const small = subset(10);
    const d = dir({ [IMAGES]: small.images, [`${LABELS}.gz`]: gzipSync(small.labels.subarray(0, 12)) });
    expectDatasetError(() => mnist.load(d), `${LABELS}.gz: truncated IDX file`, 'expected 18 bytes', 'got 12');
  });

  it('reports a cut-off gzip stream', () => {
    const small = subset(100);
    const gz = gzipSync(small.images);
    const d = dir({ [`${IMAGES}.gz`]: gz.subarray(0, gz.length >> 1), [LABELS]: small.labels });
    expectDatasetError(() => mnist.load(d), `${IMAGES}.gz: corrupt or truncated gzip data`);
  });

  it('reports a wrong magic number (images and labels swapped)', () => {
    const small = subset(10);
    const d = dir({ [IMAGES]: small.labels, [LABELS]: small.images });
    expectDatasetError(
      () => mnist.load(d),
      `${IMAGES}: wrong magic number: expected 0x00000803, got 0x00000801`,
    );
    const d2 = dir({ [IMAGES]: small.images, [LABELS]: small.images });
    expectDatasetError(
      () => mnist.load(d2),
      `${LABELS}: wrong magic number: expected 0x00000801, got 0x00000803`,
    );
  });

  it('reports an image/label count mismatch naming both files', () => {
    const d = dir({ [IMAGES]: subset(10).images, [LABELS]: subset(9).labels });
    expectDatasetError(
      () => mnist.load(d),
      'image/label count mismatch',
      `${IMAGES} holds 10 images`,
      `${LABELS} holds 9 labels`,
    );
  });
});

describe('oneHot', () => {
  it('validates its input', () => {
    const labels = new NDArray(new Int32Array([0, 3, 1]), [3], 'int32');
    expect(Array.from(mnist.oneHot(labels, 4).data)).toEqual([1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0]);
    expect(() => mnist.oneHot(labels, 3)).toThrow(/label 3 at index 1 is outside \[0, 3\)/);
    expect(() => mnist.oneHot(new NDArray(new Float32Array([1]), [1]), 3)).toThrow(/int32 or int64, got float32/);
    expect(() => mnist.oneHot(labels, 0)).toThrow(/positive integer, got 0/);
  });
});
