/**
 * More of TF 1.15's `tf.data.experimental`: `takeWhile`, `unique`, `denseToSparseBatch`,
 * `rejectionResample`, `RandomDataset`, `cardinality`, `getNextAsOptional` and `Optional`,
 * `parseExampleDataset`, `makeBatchedFeaturesDataset` and `TFRecordWriter`; and `tf.data`'s
 * `getOutputClasses`, `getOutputShapes`, `getOutputTypes`.
 */
import { kwargs } from '../args.js';
import { type DType, StringArray } from '../dtype.js';
import { InvalidArgumentError, DataLossError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import { philox } from '../device/philox.js';
import { TFRecordWriter as RecordWriter, compressionString } from '../io/tfrecord.js';
import { NDArray } from '../ndarray.js';
import { type TensorLike, toNDArray, toTensor } from '../ops/convert.js';
import { parseExample } from '../ops/parsing.js';
import { defineOp, makeOp, registerGradient } from '../ops/registry.js';
import { glob } from '../platform/gfile.js';
import { type HostGen, registerHostOp } from '../session/host-stage.js';
import { type PartialShape, pyShape } from '../shape.js';
import {
  AUTOTUNE, Dataset, type Element, type ElementSpec, INFINITE_CARDINALITY, type IterContext, type Stage, TFRecordDataset, TracedFunction, UnaryDataset,
  batchedCardinality, disown, markOwned, ownedOrCopy,
} from './dataset.js';
import { Iterator } from './iterator.js';
import { SPARSE, flatten, outputClasses, pack } from './nest.js';
import { deriveSeed, mix32, seededRandom } from './random.js';

export { INFINITE_CARDINALITY, UNKNOWN_CARDINALITY } from './dataset.js';

const dtypeName = (d: DType): string => `tf.${d}`;
const isScalar = (s: PartialShape): boolean => s !== null && s.length === 0;
const specText = (t: Tensor): string => `TensorSpec(shape=${pyShape(t.shape)}, dtype=${dtypeName(t.dtype)})`;

// ----- takeWhile ---------------------------------------------------------------------------

class TakeWhileDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  private readonly fn: TracedFunction;
  constructor(input: Dataset, predicate: (...args: any[]) => unknown) {
    super(input);
    this.fn = new TracedFunction(predicate, input.spec, 'take_while()');
    const o = this.fn.outputs;
    if (o.length !== 1 || o[0]!.dtype !== 'bool' || !isScalar(o[0]!.shape)) throw new ValueError('`predicate` must return a scalar boolean tensor.');
    this.functions.push(this.fn);
    this.spec = input.spec;
  }
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    const fn = this.fn;
    let done = false;
    return {
      *next() {
        if (done) return null;
        const el = yield* up.next();
        if (el === null) return (done = true), null;
        const [keep] = yield* fn.call(ctx, el);
        if (keep!.data[0]) return el;
        done = true;
        return null;
      },
    };
  }
}

/** `takeWhile(predicate)`: the elements up to (not including) the first for which `predicate` is false. */
export function takeWhile(predicate: (...args: any[]) => unknown): (dataset: Dataset) => Dataset {
  return (dataset) => new TakeWhileDataset(dataset, predicate);
}

// ----- unique ------------------------------------------------------------------------------

class UniqueDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  constructor(input: Dataset) {
    super(input);
    const s = input.spec;
    if (s.structure !== null || !['int32', 'int64', 'string'].includes(s.dtypes[0]!)) {
      throw new TypeError('`tf.data.experimental.unique()` only supports inputs with a single `tf.int32`, `tf.int64`, or `tf.string` component.');
    }
    this.spec = s;
  }
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    const seen = new Set<string>();
    const key = (a: NDArray): string => {
      const vals = a.dtype === 'string' ? [...(a.data as unknown as StringArray)].map((v) => (typeof v === 'string' ? `s${v}` : `b${Array.from(v as Uint8Array).join(',')}`)) : Array.from(a.data as ArrayLike<number>, String);
      return `${a.shape.join('x')}|${vals.join('|')}`;
    };
    return {
      *next() {
        for (;;) {
          const el = yield* up.next();
          if (el === null) return null;
          const k = key(el[0]!);
          if (seen.has(k)) continue;
          seen.add(k);
          return el;
        }
      },
    };
  }
}

/** `unique()`: each distinct element once, in the order of first occurrence (int32, int64 or string elements). */
export function unique(): (dataset: Dataset) => Dataset {
  return (dataset) => new UniqueDataset(dataset);
}

// ----- denseToSparseBatch ------------------------------------------------------------------

const dimsText = (s: readonly number[]): string => `[${s.map((d) => (d < 0 ? '?' : String(d))).join(',')}]`;

class DenseToSparseBatchDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  constructor(input: Dataset, private readonly size: number, private readonly rowShape: number[]) {
    super(input);
    const s = input.spec;
    if (s.structure !== null) throw new TypeError(`DenseToSparseDataset requires an input whose elements have a single component, whereas the input has ${JSON.stringify(pack(s.structure, s.dtypes.map(dtypeName)))}.`);
    if (!Number.isInteger(size) || size <= 0) throw new InvalidArgumentError('Batch size must be greater than zero.');
    const r = rowShape.length;
    this.spec = { structure: SPARSE, dtypes: ['int64', s.dtypes[0]!, 'int64'], shapes: [[null, r + 1], [null], [r + 1]] };
  }
  override cardinality(values: ReadonlyMap<Tensor, NDArray>): number {
    return batchedCardinality(this.input.cardinality(values), this.size, false);
  }
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    const { size, rowShape } = this;
    const dtype = this.spec.dtypes[1]!;
    let ended = false;
    return {
      *next() {
        if (ended) return null;
        const items: NDArray[] = [];
        const dense = rowShape.map((d) => (d === -1 ? 0 : d));
        while (items.length < size) {
          const el = yield* up.next();
          if (el === null) {
            ended = true;
            break;
          }
          const t = el[0]!;
          if (t.shape.length !== rowShape.length) throw new InvalidArgumentError(`Input element had shape (${dimsText(t.shape)}) that is incompatible with the row shape (${dimsText(rowShape)}).`);
          t.shape.forEach((d, j) => {
            if (rowShape[j] === -1) dense[j] = Math.max(dense[j]!, d);
            else if (d > rowShape[j]!) throw new DataLossError(`Input element had shape (${dimsText(t.shape)}) that is larger than the row shape (${dimsText(rowShape)}).`);
          });
          items.push(t);
        }
        if (items.length === 0) return null;
        const total = items.reduce((n, t) => n + t.size, 0);
        const r = rowShape.length;
        const indices = new Float64Array(total * (r + 1));
        const vals: unknown[] = [];
        let at = 0;
        items.forEach((t, i) => {
          const strides = new Array<number>(r).fill(1);
          for (let k = r - 2; k >= 0; k--) strides[k] = strides[k + 1]! * t.shape[k + 1]!;
          const src = t.data as ArrayLike<unknown>;
          for (let j = 0; j < t.size; j++, at++) {
            vals.push(src[j]);
            indices[at * (r + 1)] = i;
            let rem = j;
            for (let k = 0; k < r; k++) {
              indices[at * (r + 1) + k + 1] = Math.floor(rem / strides[k]!);
              rem %= strides[k]!;
            }
          }
        });
        const values = dtype === 'string' ? NDArray.fromStrings(vals as string[], [total]) : toNDArray(vals as never, dtype, [total]);
        return [markOwned(new NDArray(indices as never, [total, r + 1], 'int64')), markOwned(values), markOwned(new NDArray(Float64Array.from([items.length, ...dense]) as never, [r + 1], 'int64'))];
      },
    };
  }
}

/**
 * `denseToSparseBatch(batchSize, rowShape)`: `batchSize` elements at a time as one SparseTensor of
 * dense shape `[n, ...rowShape]` (-1 dimensions: the batch's largest), every entry of each element.
 */
export function denseToSparseBatch(batchSize: number, rowShape: readonly (number | null)[]): (dataset: Dataset) => Dataset {
  if (!Array.isArray(rowShape) || !rowShape.every((d) => d === null || Number.isInteger(d))) throw new TypeError('`row_shape` must be a list of integers (or None / -1 for unknown dimensions)');
  const row = rowShape.map((d) => (d === null ? -1 : d));
  return (dataset) => new DenseToSparseBatchDataset(dataset, batchSize, row);
}

// ----- RandomDataset -----------------------------------------------------------------------

/**
 * `new RandomDataset(seed?)`: endless int64 scalars, TF's ExperimentalRandomDataset: the words of
 * Philox4x32-10 keyed by `seed` with `seed2` in the counter's high half, one 32-bit word per
 * element (so each value is in [0, 2^32)). The seeds are TF's `get_seed(seed)` of the graph.
 */
export class RandomDataset extends Dataset {
  readonly spec: ElementSpec = { structure: null, dtypes: ['int64'], shapes: [[]] };
  private readonly seeds: [number, number] | null;
  constructor(seed?: number | null | { seed?: number | null }) {
    super();
    const s = typeof seed === 'object' && seed !== null ? seed.seed : seed;
    if (s !== undefined && s !== null && !Number.isInteger(s)) throw new TypeError(`\`seed\` must be an integer, got ${String(s)}`);
    const got = getDefaultGraph().getSeed(s ?? undefined);
    // (0, 0) asks the kernel for fresh seeds; TF's get_seed makes it (0, 2^31 - 1)
    this.seeds = got === null ? null : got[0] === 0 && got[1] === 0 ? [0, 2 ** 31 - 1] : got;
  }
  override cardinality(): number {
    return INFINITE_CARDINALITY;
  }
  open(): Stage {
    const [s1, s2] = this.seeds ?? [(Math.random() * 2 ** 32) >>> 0, (Math.random() * 2 ** 32) >>> 0];
    const lo = (x: number): number => Number(BigInt.asUintN(32, BigInt(x)));
    const hi = (x: number): number => Number(BigInt.asUintN(32, BigInt(x) >> 32n));
    const k0 = lo(s1), k1 = hi(s1), c2 = lo(s2), c3 = hi(s2);
    const block = new Uint32Array(4);
    let c0 = 0, c1 = 0;
    let used = 4;
    return {
      *next() {
        if (used === 4) {
          philox(c0, c1, c2, c3, k0, k1, block);
          c0 = (c0 + 1) >>> 0;
          if (c0 === 0) c1 = (c1 + 1) >>> 0;
          used = 0;
        }
        return [markOwned(new NDArray(Float64Array.of(block[used++]!) as never, [], 'int64'))];
      },
    };
  }
}

// ----- cardinality -------------------------------------------------------------------------

interface CardAttrs { dataset: Dataset; [k: string]: unknown }
defineOp<CardAttrs>({
  type: 'DatasetCardinality',
  infer: () => [{ dtype: 'int64', shape: [] }],
  lower: () => {
    throw new Error('DatasetCardinality runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('DatasetCardinality', null);
registerHostOp('DatasetCardinality', function* (op, ins) {
  const { dataset } = op.attrs as CardAttrs;
  const values = new Map(dataset.captures().map((t, i) => [t, ins[i]!] as const));
  return [new NDArray(Float64Array.of(dataset.cardinality(values)) as never, [], 'int64')];
});

/**
 * `cardinality(dataset)`: an int64 scalar tensor, the number of elements of `dataset`, or
 * `INFINITE_CARDINALITY` (-1), or `UNKNOWN_CARDINALITY` (-2) where it cannot be told without
 * iterating (filter, flatMap, files, generators).
 */
export function cardinality(dataset: Dataset): Tensor {
  if (!(dataset instanceof Dataset)) throw new TypeError('`dataset` must be a `tf.data.Dataset` object.');
  return makeOp(getDefaultGraph(), 'DatasetCardinality', dataset.captures(), { dataset }, undefined, 'DatasetCardinality').outputs[0]!;
}

// ----- Optional ----------------------------------------------------------------------------

defineOp<{ [k: string]: unknown }>({
  type: 'OptionalGetValue',
  infer: (ins) => ins.slice(1).map((t) => ({ dtype: t.dtype, shape: t.shape })),
  lower: () => {
    throw new Error('OptionalGetValue runs on the host before the plan; it cannot be lowered');
  },
});
registerGradient('OptionalGetValue', null);
registerHostOp('OptionalGetValue', function* (op, ins) {
  if (!ins[0]!.data[0]) throw new InvalidArgumentError('The optional variant does not have a value.', op.name);
  return ins.slice(1).map(ownedOrCopy);
});

/** TF's `tf.data.experimental.Optional`: a value that may be absent (`getNextAsOptional`'s result). */
export class Optional {
  /** @internal */
  constructor(private readonly flag: Tensor, private readonly parts: Tensor[], private readonly spec: ElementSpec) {}
  /** `Optional.fromValue(value)`: an optional holding `value` (a structure of tensors). */
  static fromValue(value: unknown): Optional {
    const f = flatten<unknown>(value, (x) => x instanceof Tensor || x instanceof NDArray || typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string');
    const parts = f.leaves.map((x) => toTensor(x as TensorLike));
    return new Optional(toTensor(true as never, 'bool'), parts, { structure: f.structure, dtypes: parts.map((t) => t.dtype), shapes: parts.map((t) => t.shape) });
  }
  /** A bool scalar tensor: whether there is a value. */
  hasValue(name?: string): Tensor {
    return makeOp(getDefaultGraph(), 'Identity', [this.flag], {}, name, 'OptionalHasValue').outputs[0]!;
  }
  /** The value's tensors in its structure; running them without a value is TF's InvalidArgumentError. */
  getValue(name?: string): any {
    const op = makeOp(getDefaultGraph(), 'OptionalGetValue', [this.flag, ...this.parts], {}, name, 'OptionalGetValue');
    return pack(this.spec.structure, op.outputs as Tensor[]);
  }
  /** TF's `value_structure`: the value's types, shapes and classes. */
  get valueStructure(): { outputTypes: unknown; outputShapes: unknown; outputClasses: unknown } {
    const s = this.spec;
    return { outputTypes: pack(s.structure, s.dtypes), outputShapes: pack(s.structure, s.shapes), outputClasses: outputClasses(s.structure, s.dtypes.length) };
  }
}

/** `getNextAsOptional(iterator)`: an Optional of the iterator's next element, without a value past the last one (no OutOfRangeError). */
export function getNextAsOptional(iterator: Iterator): Optional {
  if (!(iterator instanceof Iterator)) throw new TypeError('`iterator` must be a `tf.data.Iterator` object.');
  const parts = iterator.getNextAsOptionalParts();
  return new Optional(parts[0]!, parts.slice(1), iterator.elementSpec);
}

// ----- parsing -----------------------------------------------------------------------------

/**
 * `parseExampleDataset(features, numParallelCalls = 1)`: a dataset of serialized `Example`
 * vectors (or scalars) into dicts of the parsed features, as `parseExample` gives them.
 */
export function parseExampleDataset(features: Record<string, unknown>, numParallelCalls: number | { numParallelCalls?: number } = 1): (dataset: Dataset) => Dataset {
  if (features === null || features === undefined) throw new ValueError(`Missing: features was ${features === null ? 'None' : 'undefined'}.`);
  const n = typeof numParallelCalls === 'object' ? numParallelCalls.numParallelCalls ?? 1 : numParallelCalls;
  if (!Number.isInteger(n) || (n <= 0 && n !== AUTOTUNE)) throw new ValueError(`num_parallel_calls must be positive or AUTOTUNE, got ${String(n)}`);
  return (dataset) => {
    const s = dataset.spec;
    const sh = s.shapes[0];
    if (s.structure !== null || s.dtypes[0] !== 'string' || (sh !== null && sh !== undefined && sh.length !== 1)) throw new TypeError('Input dataset should be a dataset of vectors of strings');
    return dataset.map((x: Tensor) => parseExample(x, features as never));
  };
}

/** `makeBatchedFeaturesDataset(filePattern, batchSize, features, ...)`'s keyword arguments, with TF's defaults. */
export interface BatchedFeaturesOptions {
  readerFn?: ((filenames: Tensor | string) => Dataset) | null;
  labelKey?: string | null;
  readerArgs?: unknown[] | null;
  numEpochs?: number | null;
  shuffle?: boolean;
  shuffleBufferSize?: number;
  shuffleSeed?: number | null;
  prefetchBufferSize?: number | null;
  readerNumThreads?: number | null;
  parserNumThreads?: number | null;
  sloppyOrdering?: boolean;
  dropFinalBatch?: boolean;
}

/**
 * `makeBatchedFeaturesDataset(filePattern, batchSize, features, readerFn = TFRecordDataset,
 * labelKey?, readerArgs?, numEpochs?, shuffle = true, shuffleBufferSize = 10000, shuffleSeed?,
 * prefetchBufferSize = AUTOTUNE, readerNumThreads = 1, parserNumThreads = 2, sloppyOrdering =
 * false, dropFinalBatch = false)`: TF's pipeline: the matching files (shuffled when `shuffle`),
 * their records read by `readerFn`, shuffled and repeated `numEpochs` times (forever when
 * unset), batched, parsed with `parseExample`, the label split off as `[features, label]`.
 */
export function makeBatchedFeaturesDataset(...args: unknown[]): Dataset {
  // the features dict is the third positional argument, not an options object
  const a = (args.length <= 3 ? { filePattern: args[0], batchSize: args[1], features: args[2] } : kwargs(args, ['filePattern', 'batchSize', 'features', 'readerFn', 'labelKey', 'readerArgs', 'numEpochs', 'shuffle', 'shuffleBufferSize', 'shuffleSeed', 'prefetchBufferSize', 'readerNumThreads', 'parserNumThreads', 'sloppyOrdering', 'dropFinalBatch'], 'make_batched_features_dataset', 3)) as unknown as BatchedFeaturesOptions & { filePattern: string | string[]; batchSize: number; features: Record<string, unknown> };
  const features = a.features;
  const labelKey = a.labelKey ?? null;
  if (labelKey !== null && !(labelKey in features)) throw new ValueError(`The \`label_key\` provided (${labelKey}) must be one of the \`features\` keys.`);
  const shuffle = a.shuffle ?? true;
  const seed = a.shuffleSeed ?? null;
  const epochs = a.numEpochs ?? null;
  // Dataset.list_files: the matching files (sorted), shuffled when `shuffle`
  const files = glob(a.filePattern).sort();
  if (files.length === 0) throw new InvalidArgumentError(`No files matched pattern: ${Array.isArray(a.filePattern) ? a.filePattern.join(',') : a.filePattern}`);
  let ds = Dataset.fromTensorSlices(NDArray.fromStrings(files, [files.length]));
  if (shuffle) ds = ds.shuffle(files.length, seed);
  const readerArgs = a.readerArgs ?? [];
  const read = (f: Tensor): Dataset => (a.readerFn ? (a.readerFn as (f: Tensor, ...r: unknown[]) => Dataset)(f, ...readerArgs) : new TFRecordDataset(f, ...(readerArgs as [never])));
  ds = ds.interleave(read, { cycleLength: a.readerNumThreads ?? 1, blockLength: 1 });
  // (key, value) records: the values
  if (ds.spec.dtypes.length === 2 && ds.spec.dtypes.every((d) => d === 'string')) ds = ds.map((_k: Tensor, v: Tensor) => v);
  if (epochs !== 1 && shuffle) ds = ds.shuffle(a.shuffleBufferSize ?? 10000, { seed, reshuffleEachIteration: true }).repeat(epochs);
  else if (shuffle) ds = ds.shuffle(a.shuffleBufferSize ?? 10000, seed);
  else if (epochs !== 1) ds = ds.repeat(epochs);
  // endless epochs drop the last batch, so the batch dimension is known (as TF)
  ds = ds.batch(a.batchSize, !!a.dropFinalBatch || epochs === null);
  ds = ds.apply(parseExampleDataset(features, a.parserNumThreads ?? 2));
  if (labelKey !== null) {
    ds = ds.map((parsed: Record<string, unknown>) => {
      const rest = { ...parsed };
      const label = rest[labelKey];
      delete rest[labelKey];
      return [rest, label];
    });
  }
  return ds.prefetch(a.prefetchBufferSize ?? AUTOTUNE);
}

// ----- TFRecordWriter ----------------------------------------------------------------------

interface WriteAttrs { dataset: Dataset; compression: string; file: string | null; [k: string]: unknown }
defineOp<WriteAttrs>({
  type: 'DatasetToTFRecord',
  infer: () => [],
  lower: () => [],
  stateful: true,
});
registerGradient('DatasetToTFRecord', null);
registerHostOp('DatasetToTFRecord', function* (op, ins, hc) {
  const a = op.attrs as WriteAttrs;
  const caps = a.dataset.captures();
  const ctx: IterContext = { runner: hc.runner, sync: hc.sync, captured: new Map(caps.map((t, i) => [t, ins[i]!] as const)), life: { stopped: false } };
  const f = a.file ?? (() => {
    const v = (ins[caps.length]!.data as unknown as StringArray)[0]!;
    return typeof v === 'string' ? v : new TextDecoder().decode(v as Uint8Array);
  })();
  const stage = a.dataset.open(ctx);
  const w = new RecordWriter(f, a.compression as never);
  try {
    for (;;) {
      const el = yield* stage.next();
      if (el === null) break;
      w.write((el[0]!.data as unknown as StringArray)[0] as Uint8Array | string);
    }
  } finally {
    w.close();
  }
  return [];
});

/** `tf.data.experimental.TFRecordWriter(filename, compressionType?)`: `write(dataset)` is an op writing the dataset's string scalars as TFRecords. */
export class TFRecordWriter {
  private readonly filename: string | Tensor;
  private readonly compression: string;
  constructor(filename: string | Tensor, compressionType?: string | null | { compressionType?: string | null }) {
    if (!(typeof filename === 'string' || (filename instanceof Tensor && filename.dtype === 'string'))) throw new TypeError('`filename` must be a string or a `tf.string` scalar tensor');
    this.filename = filename;
    const c = typeof compressionType === 'object' && compressionType !== null ? compressionType.compressionType : compressionType;
    this.compression = compressionString((c ?? '') as never);
  }
  /** An op that, when run, writes every element of `dataset` (scalar strings) to the file. */
  write(dataset: Dataset): any {
    if (!(dataset instanceof Dataset)) throw new TypeError('`dataset` must be a `tf.data.Dataset` object.');
    const s = dataset.spec;
    if (s.structure !== null || s.dtypes[0] !== 'string' || (s.shapes[0] !== null && s.shapes[0]!.length !== 0)) {
      throw new TypeError(`\`dataset\` must produce scalar \`DT_STRING\` tensors whereas it produces shape ${JSON.stringify(dataset.outputShapes)} and types ${JSON.stringify(pack(s.structure, s.dtypes.map(dtypeName)))}`);
    }
    const file = typeof this.filename === 'string' ? this.filename : null;
    const ins = [...dataset.captures(), ...(this.filename instanceof Tensor ? [this.filename] : [])];
    return makeOp(getDefaultGraph(), 'DatasetToTFRecord', ins, { dataset, compression: this.compression, file }, undefined, 'DatasetToTFRecord');
  }
}

// ----- rejectionResample -------------------------------------------------------------------

const F32_TINY = 1.1754943508222875e-38;
const f32 = Math.fround;

/** TF's `_calculate_acceptance_probs_with_mixing`: per-class acceptance and the probability of taking the original element. */
function acceptanceWithMixing(initial: readonly number[], target: readonly number[]): { accept: number[]; m: number } {
  const ratio = target.map((t, i) => f32(t / f32(initial[i]! + F32_TINY)));
  const max = Math.max(...ratio), m = Math.min(...ratio);
  return { accept: ratio.map((r) => f32((r - m) / (max - m))), m };
}

/** A copy of the input with each element's class and TF's running class-distribution estimate (smoothing 10, batches of 32). */
function classStream(up: Stage, fn: TracedFunction, ctx: IterContext, k: number, fixed: number[] | null): { next(): HostGen<{ cls: number; cv: NDArray; el: Element; dist: number[] } | null> } {
  const counts = new Array<number>(k).fill(10);
  let buf: { cls: number; cv: NDArray; el: Element; dist: number[] }[] = [];
  let ended = false;
  const classOf = function* (el: Element): HostGen<{ cls: number; cv: NDArray }> {
    const [cv] = yield* fn.call(ctx, el);
    const c = Number(cv!.data[0]);
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new InvalidArgumentError(`indices[0] = ${c} is not in [0, ${k})`);
    return { cls: c, cv: cv! };
  };
  return {
    *next() {
      if (buf.length === 0 && !ended) {
        const got: { cls: number; cv: NDArray; el: Element }[] = [];
        while (got.length < (fixed ? 1 : 32)) {
          const el = yield* up.next();
          if (el === null) {
            ended = true;
            break;
          }
          disown(el);
          got.push({ ...(yield* classOf(el)), el });
        }
        let dist = fixed;
        if (!dist) {
          for (const g of got) counts[g.cls]!++;
          const sum = counts.reduce((x, y) => x + y, 0);
          dist = counts.map((c) => f32(c / sum));
        }
        buf = got.map((g) => ({ ...g, dist: dist! }));
      }
      return buf.shift() ?? null;
    },
  };
}

class RejectionResampleDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  private readonly fn: TracedFunction;
  private readonly seed: number;
  constructor(input: Dataset, classFunc: (...args: any[]) => unknown, private readonly target: number[], private readonly initial: number[] | null, seed: number | null | undefined) {
    super(input);
    this.fn = new TracedFunction(classFunc, input.spec, 'rejection_resample');
    const o = this.fn.outputs;
    if (o.length !== 1 || !['int32', 'int64'].includes(o[0]!.dtype) || !isScalar(o[0]!.shape)) throw new ValueError(`\`class_func\` must return a scalar integer tensor (the class), got ${o.map(specText).join(', ')}`);
    this.functions.push(this.fn);
    const s = getDefaultGraph().getSeed(seed ?? undefined);
    this.seed = s ? mix32((mix32(s[0] >>> 0) ^ (s[1] >>> 0)) >>> 0) : (Math.random() * 2 ** 32) >>> 0;
    this.spec = { structure: [null, input.spec.structure], dtypes: [o[0]!.dtype, ...input.spec.dtypes], shapes: [[], ...input.spec.shapes] };
  }
  open(ctx: IterContext): Stage {
    const { fn, target, initial } = this;
    const k = target.length;
    const input = this.input;
    // as TF's graph: the original elements, the accepted ones and the mixing weights are three
    // passes over the input, each with its own distribution estimate
    const original = classStream(input.open(ctx), fn, ctx, k, initial);
    const filtered = classStream(input.open(ctx), fn, ctx, k, initial);
    const weights = initial ? null : classStream(input.open(ctx), fn, ctx, k, null);
    const staticOrig = initial ? Math.min(...target.map((t, i) => t / initial[i]!)) : null;
    const fixedM = initial ? acceptanceWithMixing(initial, target).m : 0;
    const uniform = seededRandom(deriveSeed(this.seed, 1));
    const select = seededRandom(deriveSeed(this.seed, 2));
    let origDone = staticOrig === 0, filtDone = staticOrig === 1;
    const takeFiltered = function* (): HostGen<Element | null> {
      for (;;) {
        const x = yield* filtered.next();
        if (x === null) return null;
        const { accept } = acceptanceWithMixing(x.dist, target);
        if (f32(uniform()) < accept[x.cls]!) return [x.cv, ...x.el];
      }
    };
    return {
      *next() {
        for (;;) {
          if (origDone && filtDone) return null;
          let p: number;
          if (weights) {
            const w = yield* weights.next();
            if (w === null) return null;
            p = acceptanceWithMixing(w.dist, target).m;
          } else p = staticOrig === 1 ? 1 : staticOrig === 0 ? 0 : fixedM;
          let useOrig = select() < p;
          if (origDone) useOrig = false;
          if (filtDone) useOrig = true;
          if (useOrig) {
            const x = yield* original.next();
            if (x !== null) return [x.cv, ...x.el];
            origDone = true;
          } else {
            const el = yield* takeFiltered();
            if (el !== null) return el;
            filtDone = true;
          }
        }
      },
    };
  }
}

/** A distribution given as numbers, an NDArray or a constant tensor. */
function distValues(x: unknown, what: string): number[] {
  const v = x instanceof Tensor ? (x.op.type === 'Const' ? (x.op.attrs as { value?: unknown }).value : undefined) : x;
  const arr = v instanceof NDArray ? Array.from(v.data as unknown as ArrayLike<number>) : Array.isArray(v) ? v.map(Number) : null;
  if (!arr || arr.length === 0 || !arr.every((p) => Number.isFinite(p) && p >= 0)) throw new ValueError(`\`${what}\` must be a non-empty vector of probabilities (numbers, or a constant tensor)`);
  return arr.map(f32);
}

/**
 * `rejectionResample(classFunc, targetDist, initialDist?, seed?)`: `[class, element]` pairs
 * resampled towards `targetDist`, as TF's: elements are kept with probability
 * `(r_c - min r) / (max r - min r)` where `r = target / initial`, mixed with the original
 * elements at the rate `min r`; without `initialDist` it is estimated as the elements go (class
 * counts from 10 each, updated every 32 elements).
 */
export function rejectionResample(...args: unknown[]): (dataset: Dataset) => Dataset {
  const a = kwargs(args, ['classFunc', 'targetDist', 'initialDist', 'seed'], 'rejection_resample', 2);
  if (typeof a.classFunc !== 'function') throw new TypeError('`class_func` must be callable');
  const target = distValues(a.targetDist, 'target_dist');
  const initial = a.initialDist === undefined || a.initialDist === null ? null : distValues(a.initialDist, 'initial_dist');
  if (initial && initial.length !== target.length) throw new ValueError(`\`initial_dist\` has ${initial.length} classes but \`target_dist\` has ${target.length}`);
  return (dataset) => new RejectionResampleDataset(dataset, a.classFunc as never, target, initial, a.seed as number | null | undefined);
}

// ----- tf.data.get_output_* ----------------------------------------------------------------

function structureOf(x: unknown): Dataset | Iterator {
  if (x instanceof Dataset || x instanceof Iterator) return x;
  throw new TypeError(`\`dataset_or_iterator\` must be a Dataset or Iterator object, but got ${x === null ? 'None' : typeof x === 'object' ? (x as object).constructor?.name ?? 'object' : typeof x}.`);
}
/** `tf.data.getOutputClasses(datasetOrIterator)`: tf.Tensor or tf.SparseTensor in the element's structure. */
export function getOutputClasses(datasetOrIterator: Dataset | Iterator): unknown {
  return structureOf(datasetOrIterator).outputClasses;
}
/** `tf.data.getOutputShapes(datasetOrIterator)`: the (partial) shapes in the element's structure. */
export function getOutputShapes(datasetOrIterator: Dataset | Iterator): unknown {
  return structureOf(datasetOrIterator).outputShapes;
}
/** `tf.data.getOutputTypes(datasetOrIterator)`: the dtypes in the element's structure. */
export function getOutputTypes(datasetOrIterator: Dataset | Iterator): unknown {
  return structureOf(datasetOrIterator).outputTypes;
}

