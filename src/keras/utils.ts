/**
 * `keras.utils.to_categorical`, `keras.preprocessing.sequence.pad_sequences` and
 * `keras.datasets.mnist` / `fashion_mnist.load_data` (IDX files from a local directory; nothing
 * is downloaded); `normalize`, `get_source_inputs`, `get_file` (file:// and local origins only),
 * `convert_all_kernels_in_model`, `Sequence`, and the custom-object registry, serialization
 * helpers and Progbar of generic_utils. Not here: plot_model / model_to_dot (need graphviz),
 * multi_gpu_model (one device per session), HDF5Matrix (no HDF5 reader), the enqueuers
 * (GeneratorEnqueuer / OrderedEnqueuer / SequenceEnqueuer: Python threads and processes).
 */
import { type DType } from '../dtype.js';
import { ValueError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { readIdxFile } from '../data/idx.js';
import { IMAGES_MAGIC, LABELS_MAGIC, SPLITS, candidateNames } from '../data/mnist.js';
import { crypto as nodeCrypto, fs as nodeFs, path as nodePath, url as nodeUrl } from '../platform/node-builtins.js';
import type { Tensor } from '../graph/tensor.js';
import type { Variable } from '../ops/variables.js';
import { nodeOf } from './layer-utils.js';
import { getValue, setValue } from './backend.js';

export {
  CustomObjectScope, Progbar, customObjectScope, deserializeKerasObject, getCustomObjects, serializeKerasObject,
} from './generic-utils.js';

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

/** `normalize(x, axis=-1, order=2)`: `x` divided by its `order`-norm along `axis` (a zero norm divides by 1). */
export function normalize(x: unknown, axis = -1, order = 2): NDArray {
  const { values, shape } = numbers(x);
  if (shape.length === 0) throw new ValueError('normalize: expected an array with at least one dimension');
  const ax = axis < 0 ? axis + shape.length : axis;
  if (ax < 0 || ax >= shape.length) throw new ValueError(`axis ${axis} is out of bounds for array of dimension ${shape.length}`);
  const n = shape[ax]!;
  const inner = shape.slice(ax + 1).reduce((p, q) => p * q, 1);
  const outer = shape.slice(0, ax).reduce((p, q) => p * q, 1);
  const dtype = x instanceof NDArray && x.dtype === 'float64' ? 'float64' : 'float32';
  const out = alloc(dtype, values.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let norm = 0;
      for (let k = 0; k < n; k++) {
        const v = Math.abs(values[(o * n + k) * inner + i]!);
        if (order === Infinity) norm = Math.max(norm, v);
        else if (order === -Infinity) norm = k === 0 ? v : Math.min(norm, v);
        else if (order === 0) norm += v !== 0 ? 1 : 0;
        else norm += order === 1 ? v : order === 2 ? v * v : v ** order;
      }
      if (order === 2) norm = Math.sqrt(norm);
      else if (order !== 1 && order !== 0 && Number.isFinite(order)) norm **= 1 / order;
      if (norm === 0) norm = 1;
      for (let k = 0; k < n; k++) {
        const j = (o * n + k) * inner + i;
        out[j] = values[j]! / norm;
      }
    }
  }
  return new NDArray(out as never, shape, dtype as DType);
}

/** `get_source_inputs(tensor, layer=None, node_index=None)`: the Input tensors `tensor` is computed from (each once, first-seen order). */
export function getSourceInputs(tensor: Tensor): Tensor[] {
  const node = nodeOf(tensor);
  if (!node) throw new ValueError(`get_source_inputs: ${String(tensor)} was not made by a Keras layer`);
  if (node.inputs.length === 0 || node.layer.kerasClass === 'InputLayer') return [tensor];
  const out: Tensor[] = [];
  for (const t of node.inputs) for (const s of getSourceInputs(t)) if (!out.includes(s)) out.push(s);
  return out;
}

/**
 * `keras.utils.Sequence`: a dataset of batches — subclasses define `getItem(index)` (Python's
 * `__getitem__`) and `length` (`__len__`), and may define `onEpochEnd()`.
 */
export abstract class Sequence<T = unknown> {
  abstract getItem(index: number): T;
  abstract get length(): number;
  onEpochEnd(): void {}
  /** Iterate the batches in order (`__iter__`). */
  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.getItem(i);
  }
}

/** `convert_kernel(kernel)`: the kernel flipped along every axis but the last two (Theano ↔ TF convolution kernels). */
export function convertKernel(kernel: NDArray): NDArray {
  const shape = kernel.shape;
  if (shape.length < 3) throw new ValueError(`convert_kernel: expected a convolution kernel of rank >= 3, got shape [${shape.join(', ')}]`);
  const flip = shape.length - 2;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, q) => p * q, 1));
  const src = kernel.data as unknown as ArrayLike<number>;
  const out = alloc(kernel.dtype, kernel.size);
  for (let j = 0; j < kernel.size; j++) {
    let rem = j;
    let from = 0;
    for (let d = 0; d < shape.length; d++) {
      const idx = Math.floor(rem / strides[d]!);
      rem -= idx * strides[d]!;
      from += (d < flip ? shape[d]! - 1 - idx : idx) * strides[d]!;
    }
    out[j] = src[from]!;
  }
  return new NDArray(out as never, [...shape], kernel.dtype);
}

const CONV_CLASSES = new Set(['Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'Conv3DTranspose']);
/** `convert_all_kernels_in_model(model)`: flips the kernels of the model's Conv1D/2D/3D (and transposed) layers in the session. */
export async function convertAllKernelsInModel(model: { layers: readonly { kerasClass: string; weights: Variable[] }[] }): Promise<void> {
  for (const layer of model.layers) {
    if (!CONV_CLASSES.has(layer.kerasClass)) continue;
    const kernel = (layer as { kernel?: Variable | null }).kernel ?? layer.weights[0];
    if (!kernel) continue;
    await setValue(kernel, convertKernel(await getValue(kernel)));
  }
}

/**
 * `get_file(fname, origin, untar=False, md5_hash=None, file_hash=None, cache_subdir='datasets',
 * hash_algorithm='auto', extract=False, archive_format='auto', cache_dir=None)`: the path of
 * `fname` in the cache (`~/.keras/datasets`), copied there from `origin` when missing or when its
 * hash does not match. Only `file://` URLs and local paths are fetched here; archives are not
 * extracted.
 */
export function getFile(fname: string, origin: string, o: { untar?: boolean; md5Hash?: string | null; fileHash?: string | null; cacheSubdir?: string; hashAlgorithm?: string; extract?: boolean; cacheDir?: string | null } = {}): string {
  if (o.untar || o.extract) throw new ValueError('get_file: extracting archives (untar / extract) is not supported');
  const cacheDir = o.cacheDir ?? (process.env.KERAS_HOME ?? nodePath.join(process.env.HOME ?? '.', '.keras'));
  const datadir = nodePath.join(cacheDir, o.cacheSubdir ?? 'datasets');
  nodeFs.mkdirSync(datadir, { recursive: true });
  const fpath = nodePath.join(datadir, fname);
  const hash = o.fileHash ?? o.md5Hash ?? null;
  const algo = o.md5Hash && !o.fileHash ? 'md5' : (o.hashAlgorithm ?? 'auto');
  const algorithm = (h: string): string => (algo === 'sha256' || (algo === 'auto' && h.length === 64) ? 'sha256' : 'md5');
  const matches = (p: string, h: string): boolean => nodeCrypto.createHash(algorithm(h)).update(nodeFs.readFileSync(p)).digest('hex') === h;
  let download = !nodeFs.existsSync(fpath);
  if (!download && hash !== null && !matches(fpath, hash)) {
    console.log(`A local file was found, but it seems to be incomplete or outdated because the ${algorithm(hash)} file hash does not match the original value of ${hash} so we will re-download the data.`);
    download = true;
  }
  if (download) {
    let src: string;
    if (origin.startsWith('file://')) src = nodeUrl.fileURLToPath(origin);
    else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(origin)) throw new ValueError(`get_file: cannot download ${origin}: only file:// URLs and local paths are fetched; put ${fname} in ${datadir}`);
    else src = origin;
    if (!nodeFs.existsSync(src)) throw new ValueError(`URL fetch failure on ${origin}: no such file`);
    nodeFs.copyFileSync(src, fpath);
    if (hash !== null && !matches(fpath, hash)) throw new ValueError(`get_file: ${fname} from ${origin} does not match the ${algorithm(hash)} hash ${hash}`);
  }
  return fpath;
}
