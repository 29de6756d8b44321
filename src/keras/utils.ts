/**
 * `keras.utils.to_categorical`, `keras.preprocessing.sequence.pad_sequences` and
 * `keras.datasets.mnist` / `fashion_mnist.load_data` (IDX files from a local directory; nothing
 * is downloaded).
 */
import { type DType } from '../dtype.js';
import { ValueError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { readIdxFile } from '../data/idx.js';
import { IMAGES_MAGIC, LABELS_MAGIC, SPLITS, candidateNames } from '../data/mnist.js';
import { fs as nodeFs, path as nodePath } from '../platform/node-builtins.js';

function numbers(y: unknown): { values: number[]; shape: number[] } {
  if (y instanceof NDArray) return { values: Array.from(y.data as unknown as ArrayLike<number>, Number), shape: [...y.shape] };
  if (Array.isArray(y)) {
    const flat = (y as unknown[]).flat(Infinity) as number[];
    const shape: number[] = [];
    let cur: unknown = y;
    while (Array.isArray(cur)) {
      shape.push(cur.length);
      cur = cur[0];
    }
    return { values: flat.map(Number), shape };
  }
  throw new ValueError(`to_categorical: expected an array of class ids, got ${String(y)}`);
}

const ALLOC: Record<string, (n: number) => ArrayLike<number> & { [i: number]: number }> = {
  float32: (n) => new Float32Array(n), float64: (n) => new Float64Array(n), int32: (n) => new Int32Array(n),
  uint8: (n) => new Uint8Array(n), int16: (n) => new Int16Array(n), int8: (n) => new Int8Array(n),
};
function alloc(dtype: string, n: number): ArrayLike<number> & { [i: number]: number } {
  const f = ALLOC[dtype];
  if (!f) throw new ValueError(`unsupported dtype ${dtype}`);
  return f(n);
}

/** `to_categorical(y, num_classes=None, dtype='float32')`: one-hot rows, a trailing dim of 1 dropped. */
export function toCategorical(y: unknown, numClasses: number | null = null, dtype: DType | string = 'float32'): NDArray {
  const { values, shape } = numbers(y);
  let s = shape;
  if (s.length > 1 && s[s.length - 1] === 1) s = s.slice(0, -1);
  for (const v of values) if (!Number.isInteger(v) || v < 0) throw new ValueError(`to_categorical: class ids must be non-negative integers, got ${v}`);
  const k = numClasses ?? (values.length ? Math.max(...values) + 1 : 0);
  const out = alloc(dtype, values.length * k);
  values.forEach((v, i) => {
    if (v >= k) throw new ValueError(`to_categorical: class id ${v} is not below num_classes=${k}`);
    out[i * k + v] = 1;
  });
  return new NDArray(out as never, [...s, k], dtype as DType);
}

export interface PadOptions {
  maxlen?: number | null;
  dtype?: DType | string;
  padding?: 'pre' | 'post';
  truncating?: 'pre' | 'post';
  value?: number;
}

/** `pad_sequences(sequences, maxlen=None, dtype='int32', padding='pre', truncating='pre', value=0.)`. */
export function padSequences(sequences: readonly (readonly number[])[], opts: PadOptions = {}): NDArray {
  const padding = opts.padding ?? 'pre';
  const truncating = opts.truncating ?? 'pre';
  if (padding !== 'pre' && padding !== 'post') throw new ValueError(`Padding type "${padding}" not understood`);
  if (truncating !== 'pre' && truncating !== 'post') throw new ValueError(`Truncating type "${truncating}" not understood`);
  if (!Array.isArray(sequences)) throw new ValueError('`sequences` must be iterable.');
  const lengths = sequences.map((s) => {
    if (!Array.isArray(s)) throw new ValueError(`\`sequences\` must be a list of iterables. Found non-iterable: ${String(s)}`);
    return s.length;
  });
  const maxlen = opts.maxlen ?? (lengths.length ? Math.max(...lengths) : 0);
  const dtype = opts.dtype ?? 'int32';
  const out = alloc(dtype, sequences.length * maxlen);
  const value = opts.value ?? 0;
  for (let i = 0; i < out.length; i++) out[i] = value;
  sequences.forEach((s, i) => {
    if (s.length === 0) return;
    const trunc: readonly number[] = truncating === 'pre' ? s.slice(Math.max(0, s.length - maxlen)) : s.slice(0, maxlen);
    const off = padding === 'post' ? 0 : maxlen - trunc.length;
    trunc.forEach((v: number, j: number) => (out[i * maxlen + off + j] = v));
  });
  return new NDArray(out as never, [sequences.length, maxlen], dtype as DType);
}

type Split = [NDArray, NDArray];

function findIdx(dir: string, stem: string): string | null {
  for (const n of candidateNames(stem)) {
    const p = nodePath.join(dir, n);
    if (nodeFs.existsSync(p)) return p;
  }
  return null;
}

/** `load_data()` of an MNIST-format set: `[[xTrain, yTrain], [xTest, yTest]]`, uint8 images [N, 28, 28] and uint8 labels [N]. */
function loadIdxDataset(what: string, dir: string): [Split, Split] {
  const read = (split: 'train' | 'test'): Split => {
    const names = SPLITS[split];
    const img = findIdx(dir, names.images);
    const lab = findIdx(dir, names.labels);
    if (!img || !lab) {
      throw new ValueError(`${what}.load_data: ${dir} must hold ${names.images}(.gz) and ${names.labels}(.gz); nothing is downloaded — put the IDX files there or pass {path: <directory>}`);
    }
    const x = readIdxFile(img, IMAGES_MAGIC);
    const y = readIdxFile(lab, LABELS_MAGIC);
    return [new NDArray(Uint8Array.from(x.data as Uint8Array), [...x.shape], 'uint8'), new NDArray(Uint8Array.from(y.data as Uint8Array), [...y.shape], 'uint8')];
  };
  return [read('train'), read('test')];
}

function defaultDir(name: string): string {
  const home = process.env.KERAS_HOME ?? nodePath.join(process.env.HOME ?? '.', '.keras');
  return nodePath.join(home, 'datasets', name);
}

/** `keras.datasets.mnist`. */
export const mnist = {
  /** `load_data(path)`: `path` is a directory of the four IDX files (default ~/.keras/datasets/mnist). */
  loadData(opts: { path?: string } = {}): [Split, Split] {
    return loadIdxDataset('mnist', opts.path ?? defaultDir('mnist'));
  },
};
/** `keras.datasets.fashion_mnist`. */
export const fashionMnist = {
  /** `load_data(path)`: a directory of Fashion-MNIST's four IDX files (default ~/.keras/datasets/fashion-mnist). */
  loadData(opts: { path?: string } = {}): [Split, Split] {
    return loadIdxDataset('fashion_mnist', opts.path ?? defaultDir('fashion-mnist'));
  },
};
