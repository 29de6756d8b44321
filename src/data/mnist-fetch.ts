/**
 * MNIST-format datasets fetched over HTTP(S) — in browsers, where there are no local files, or
 * anywhere `fetch` is: the same IDX files as `tf.data.mnist.load` reads from a directory
 * (train-* and t10k-*, raw or gzipped), under a base URL. Gzipped files are inflated with
 * DecompressionStream, and inflation stops at the size the IDX header declares.
 */
import { NDArray } from '../ndarray.js';
import { DatasetError } from './errors.js';
import { type IdxArray, parseIdx, readHeader } from './idx.js';
import { IMAGES_MAGIC, LABELS_MAGIC, type MnistData, type MnistSplit, SPLITS, toFloatImages } from './mnist.js';

export interface MnistFetchOptions {
  /** The splits to fetch (default both: a split whose files are all missing (HTTP 404) is left out). Listed splits must exist. */
  splits?: readonly ('train' | 'test')[];
  /** The fetch function (default globalThis.fetch); e.g. one that adds credentials. */
  fetch?: (url: string) => Promise<Response>;
}

type Fetch = (url: string) => Promise<Response>;

/** Names tried under the base URL, in order: gzipped first (how MNIST is distributed), then raw. */
function urlNames(stem: string): string[] {
  return [`${stem}.gz`, stem];
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Inflate gzip bytes, reading no more than the IDX header (checked as soon as it is in) declares. */
async function gunzipIdx(gz: Uint8Array, url: string, magic: number): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function') {
    throw new DatasetError(`${url}: gzipped, and this platform has no DecompressionStream to inflate it: serve the raw IDX file`, url);
  }
  const reader = new Blob([gz as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let expected = -1;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
      if (expected < 0 && total >= 4) {
        const head = concat(chunks, total);
        if (total >= 4 + 4 * head[3]!) expected = readHeader(head, url, magic).expected;
      }
      if (expected >= 0 && total > expected) {
        await reader.cancel().catch(() => undefined);
        throw new DatasetError(
          `${url}: IDX file has trailing bytes: the gzip data inflates to more than the ${expected} bytes its header declares (${url})`,
          url,
        );
      }
    }
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    throw new DatasetError(`${url}: corrupt or truncated gzip data: ${(e as Error).message} (${url})`, url);
  }
  return concat(chunks, total);
}

/** Fetch one IDX file (first of its names that exists); null when every name answers 404. */
async function fetchIdx(fetchFn: Fetch, base: string, stem: string, magic: number): Promise<IdxArray | null> {
  for (const name of urlNames(stem)) {
    const url = new URL(name, base).href;
    let res: Response;
    try {
      res = await fetchFn(url);
    } catch (e) {
      throw new DatasetError(`cannot fetch ${url}: ${(e as Error).message}`, url);
    }
    if (res.status === 404) continue;
    if (!res.ok) throw new DatasetError(`cannot fetch ${url}: HTTP ${res.status} ${res.statusText}`.trimEnd(), url);
    let bytes: Uint8Array = new Uint8Array(await res.arrayBuffer());
    if (isGzip(bytes)) bytes = await gunzipIdx(bytes, url, magic);
    return parseIdx(bytes, url, magic);
  }
  return null;
}

function toSplit(img: IdxArray, lab: IdxArray, imagesUrl: string, labelsUrl: string): MnistSplit {
  const [n, rows, cols] = img.shape as [number, number, number];
  const m = lab.shape[0]!;
  if (n !== m) {
    throw new DatasetError(`image/label count mismatch: ${imagesUrl} holds ${n} images but ${labelsUrl} holds ${m} labels`, imagesUrl);
  }
  return {
    images: toFloatImages(img.data as Uint8Array, n, rows * cols),
    labels: new NDArray(Int32Array.from(lab.data as Uint8Array), [m], 'int32'),
  };
}

/**
 * Fetch the train and/or test split from the IDX files under `baseUrl` (a directory URL; relative
 * URLs resolve against the page's location). For each file `<name>.gz` is tried first, then
 * `<name>`. Failures are DatasetErrors naming the URL: an HTTP error status, a wrong magic number
 * or size, corrupt gzip data, a split with only one of its two files.
 */
export async function fetchMnist(baseUrl: string | URL, options: MnistFetchOptions = {}): Promise<MnistData> {
  const fetchFn: Fetch | undefined = options.fetch ?? (typeof fetch === 'function' ? (u) => fetch(u) : undefined);
  if (!fetchFn) throw new DatasetError('tf.data.mnist.fetch: this platform has no fetch()');
  const location = (globalThis as { location?: { href?: string } }).location?.href;
  let base = String(baseUrl);
  if (!base.endsWith('/')) base += '/';
  base = location ? new URL(base, location).href : new URL(base).href;
  const wanted = options.splits ?? ['train', 'test'];
  const out: MnistData = {};
  const lookedFor: string[] = [];
  for (const split of wanted) {
    const stems = SPLITS[split];
    if (stems === undefined) throw new DatasetError(`tf.data.mnist.fetch: unknown split ${JSON.stringify(split)} (expected 'train' or 'test')`);
    const [img, lab] = await Promise.all([
      fetchIdx(fetchFn, base, stems.images, IMAGES_MAGIC),
      fetchIdx(fetchFn, base, stems.labels, LABELS_MAGIC),
    ]);
    const imagesUrl = new URL(stems.images, base).href;
    const labelsUrl = new URL(stems.labels, base).href;
    if (img === null && lab === null && options.splits === undefined) {
      lookedFor.push(...[stems.images, stems.labels].flatMap((s) => urlNames(s).map((n) => new URL(n, base).href)));
      continue;
    }
    if (img === null || lab === null) {
      const missing = img === null ? stems.images : stems.labels;
      throw new DatasetError(
        `MNIST ${split} split is incomplete: no ${urlNames(missing).map((n) => new URL(n, base).href).join(' or ')} (HTTP 404)`,
        new URL(missing, base).href,
      );
    }
    out[split] = toSplit(img, lab, imagesUrl, labelsUrl);
  }
  if (out.train === undefined && out.test === undefined) {
    throw new DatasetError(`no MNIST files under ${base}: HTTP 404 for ${lookedFor.join(', ')}`, base);
  }
  return out;
}
