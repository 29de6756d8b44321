/** Mini-batches over a dataset held in memory, optionally reshuffled every epoch. */
import { allocArray } from '../dtype.js';
import { NDArray } from '../ndarray.js';
import { deriveSeed, mix32, permutation, seededRandom } from './random.js';

export interface BatchOptions {
  /** Visit the examples in a new seeded random order each epoch (default false: in order). */
  shuffle?: boolean;
  /** Seed of the shuffles (an integer); without one a random seed is drawn. Unused unless shuffling. */
  seed?: number;
}

export type Batch = [features: NDArray, labels: NDArray];

const OPTION_KEYS = new Set(['shuffle', 'seed']);

function describe(v: unknown): string {
  if (v instanceof NDArray) return `an NDArray of shape [${v.shape.join(', ')}]`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a plain array';
  if (typeof v === 'object') return `a ${(v as object).constructor?.name ?? 'object'}`;
  if (typeof v === 'string') return `the string '${v}'`;
  return `${typeof v} ${String(v)}`;
}

function checkArray(v: unknown, what: string): NDArray {
  if (!(v instanceof NDArray)) throw new TypeError(`batches: ${what} must be an NDArray, got ${describe(v)}`);
  if (v.shape.length === 0) {
    throw new TypeError(`batches: ${what} must have at least one axis (examples first), got a scalar`);
  }
  return v;
}

/** Fold any safe integer into 32 bits without dropping its high part. */
function seed32(seed: number): number {
  const hi = Math.floor(seed / 4294967296);
  return (seed >>> 0) ^ mix32(hi >>> 0);
}

/** Copy the rows `order[start..end)` (or `start..end` in order) of `a` into a new array. */
function takeRows(a: NDArray, start: number, end: number, order: Int32Array | null): NDArray {
  const rowSize = a.shape.slice(1).reduce((x, y) => x * y, 1);
  const n = end - start;
  let out;
  if (order === null) {
    out = a.data.slice(start * rowSize, end * rowSize);
  } else {
    out = allocArray(a.dtype, n * rowSize);
    const src = a.data;
    if (rowSize === 1) {
      for (let i = 0; i < n; i++) out[i] = src[order[start + i]!]!;
    } else {
      for (let i = 0; i < n; i++) {
        const r = order[start + i]! * rowSize;
        out.set(src.subarray(r, r + rowSize), i * rowSize);
      }
    }
  }
  return new NDArray(out, [n, ...a.shape.slice(1)], a.dtype);
}

/**
 * An iterable of `[features, labels]` batches. Each new iteration (each `for…of`) is a new
 * epoch; when shuffling, epoch k uses the k-th permutation derived from the seed, so two objects
 * made with the same seed yield the same sequence of epochs. Batches are fresh copies.
 */
export class Batches implements Iterable<Batch> {
  readonly batchSize: number;
  readonly features: NDArray;
  readonly labels: NDArray;
  readonly shuffle: boolean;
  /** The 32-bit seed actually used (also when one was drawn at random). */
  readonly seed: number;
  private epochs = 0;

  constructor(batchSize: number, features: NDArray, labels: NDArray, options: BatchOptions = {}) {
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`batches: batchSize must be a positive integer, got ${describe(batchSize)}`);
    }
    this.features = checkArray(features, 'features');
    this.labels = checkArray(labels, 'labels');
    if (features.shape[0] !== labels.shape[0]) {
      throw new RangeError(
        `batches: features and labels must have the same first dimension (number of examples), ` +
          `got features [${features.shape.join(', ')}] and labels [${labels.shape.join(', ')}]`,
      );
    }
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`batches: options must be an object, got ${describe(options)}`);
    }
    for (const k of Object.keys(options)) {
      if (!OPTION_KEYS.has(k)) {
        throw new TypeError(`batches: unknown option '${k}' (expected shuffle, seed)`);
      }
    }
    const { shuffle = false, seed } = options;
    if (typeof shuffle !== 'boolean') {
      throw new TypeError(`batches: shuffle must be true or false, got ${describe(shuffle)}`);
    }
    if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed))) {
      throw new TypeError(`batches: seed must be an integer, got ${describe(seed)}`);
    }
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.seed = seed === undefined ? Math.floor(Math.random() * 4294967296) : seed32(seed);
  }

  /** Number of examples. */
  get size(): number {
    return this.features.shape[0]!;
  }

  /** Batches per epoch (the last one may be short). */
  get length(): number {
    return Math.ceil(this.size / this.batchSize);
  }

  /** Number of epochs started so far. */
  get epoch(): number {
    return this.epochs;
  }

  /** The example order of epoch `k` (0-based); the identity when not shuffling. */
  order(k: number): Int32Array {
    if (!this.shuffle) return Int32Array.from({ length: this.size }, (_, i) => i);
    return permutation(this.size, seededRandom(deriveSeed(this.seed, k)));
  }

  [Symbol.iterator](): Iterator<Batch> {
    // Not a generator method: the epoch number is claimed when iteration starts, not lazily.
    return this.epochIterator(this.epochs++);
  }

  private *epochIterator(k: number): Generator<Batch> {
    const order = this.shuffle ? this.order(k) : null;
    for (let start = 0; start < this.size; start += this.batchSize) {
      const end = Math.min(start + this.batchSize, this.size);
      yield [takeRows(this.features, start, end, order), takeRows(this.labels, start, end, order)];
    }
  }
}

/** `new Batches(...)`: iterate `[features, labels]` mini-batches, sliced along the first axis. */
export function batches(
  batchSize: number,
  features: NDArray,
  labels: NDArray,
  options: BatchOptions = {},
): Batches {
  return new Batches(batchSize, features, labels, options);
}
