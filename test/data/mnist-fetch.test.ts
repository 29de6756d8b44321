/**
 * tf.data.mnist.fetch: the IDX files served over HTTP (scripts/serve.mjs on 127.0.0.1), gzipped
 * and raw, give the same arrays as mnist.load reads from disk; bad files and HTTP errors fail
 * with a DatasetError naming the URL.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/data/errors.js';
import { mnist } from '../../src/data/index.js';

/** Bytewise equality of two typed arrays (toEqual walks 7.8M elements one by one). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

const MNIST_DIR = fileURLToPath(new URL('../fixtures/datasets/mnist', import.meta.url));
const IMAGES = 't10k-images-idx3-ubyte';
const LABELS = 't10k-labels-idx1-ubyte';
type Served = { url: string; close(): Promise<void> };

async function rejects(p: Promise<unknown>, ...patterns: (string | RegExp)[]): Promise<DatasetError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatasetError);
  for (const q of patterns) expect((err as Error).message).toMatch(q);
  return err as DatasetError;
}

describe('mnist.fetch over HTTP', () => {
  let dir = '';
  let server: Served;
  let base = '';
  const local = mnist.load(MNIST_DIR).test!;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsflow-mnist-fetch-'));
    const raw = join(dir, 'raw');
    const bad = join(dir, 'bad');
    const half = join(dir, 'half');
    const trailing = join(dir, 'trailing');
    for (const d of [raw, bad, half, trailing]) (await import('node:fs')).mkdirSync(d);
    for (const f of [IMAGES, LABELS]) writeFileSync(join(raw, f), gunzipSync(readFileSync(join(MNIST_DIR, `${f}.gz`))));
    // labels magic where images belong
    copyFileSync(join(MNIST_DIR, `${LABELS}.gz`), join(bad, `${IMAGES}.gz`));
    copyFileSync(join(MNIST_DIR, `${LABELS}.gz`), join(bad, `${LABELS}.gz`));
    copyFileSync(join(MNIST_DIR, `${IMAGES}.gz`), join(half, `${IMAGES}.gz`));
    const labels = gunzipSync(readFileSync(join(MNIST_DIR, `${LABELS}.gz`)));
    writeFileSync(join(trailing, `${LABELS}.gz`), gzipSync(Buffer.concat([labels, Buffer.from([1, 2, 3])])));
    copyFileSync(join(MNIST_DIR, `${IMAGES}.gz`), join(trailing, `${IMAGES}.gz`));
    const { serve } = (await import(fileURLToPath(new URL('../../scripts/serve.mjs', import.meta.url)))) as { serve(o: object): Promise<Served> };
    server = await serve({ mounts: { '/gz/': MNIST_DIR, '/': dir }, isolated: false });
    base = server.url;
  });

  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gzipped files (DecompressionStream) equal mnist.load of the same files; the absent train split is left out', async () => {
    const d = await mnist.fetch(`${base}gz`);
    expect(d.train).toBeUndefined();
    expect(d.test!.images.shape).toEqual([10000, 784]);
    expect(d.test!.images.dtype).toBe('float32');
    expect(d.test!.labels.dtype).toBe('int32');
    expect(sameBytes(d.test!.images.data, local.images.data)).toBe(true);
    expect(sameBytes(d.test!.labels.data, local.labels.data)).toBe(true);
  });

  it('raw files equal them too', async () => {
    const d = await mnist.fetch(new URL('raw/', base), { splits: ['test'] });
    expect(sameBytes(d.test!.labels.data, local.labels.data)).toBe(true);
    expect(sameBytes(d.test!.images.data, local.images.data)).toBe(true);
  });

  it('errors name the URL: wrong magic, a missing split or partner, trailing bytes, HTTP status', async () => {
    await rejects(mnist.fetch(`${base}bad/`), `${base}bad/${IMAGES}.gz`, /wrong magic number: expected 0x00000803, got 0x00000801/);
    await rejects(mnist.fetch(`${base}half/`), /MNIST test split is incomplete: no .*half\/t10k-labels-idx1-ubyte\.gz or .*half\/t10k-labels-idx1-ubyte \(HTTP 404\)/);
    await rejects(mnist.fetch(`${base}gz/`, { splits: ['train'] }), /MNIST train split is incomplete/);
    await rejects(mnist.fetch(`${base}nothing/`), `no MNIST files under ${base}nothing/: HTTP 404 for ${base}nothing/train-images-idx3-ubyte.gz`);
    await rejects(mnist.fetch(`${base}trailing/`), `${base}trailing/${LABELS}.gz: IDX file has trailing bytes`);
    const e = await rejects(
      mnist.fetch(`${base}x/`, { fetch: async () => new Response('no', { status: 503, statusText: 'Service Unavailable' }) }),
      `cannot fetch ${base}x/train-images-idx3-ubyte.gz: HTTP 503 Service Unavailable`,
    );
    expect(e.file).toBe(`${base}x/train-images-idx3-ubyte.gz`);
  });
});
