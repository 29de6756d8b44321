/**
 * `tf.data.Dataset`: sources and transformations, run on the host by the iterator ops
 * (src/data/iterator.ts) inside `Session.run`.
 *
 * A dataset is a description; an iterator's initialization opens it into a chain of stages
 * that pull elements (flat lists of NDArrays) one at a time. Graph tensors a pipeline takes
 * (e.g. placeholders given to `fromTensorSlices`) are inputs of the initializer op, so they are
 * fed when it runs, as in TF1.
 *
 * `map` and `filter` functions are traced once, when the transformation is made, into a graph
 * of their own (TF's function graph) with a placeholder per element component; each element
 * runs that graph on the session's device through a runner of its own (so random ops inside
 * count their runs separately from the main graph, and a fresh session repeats their
 * sequence). Tracing once keeps TF's semantics (the function builds ops, Python/JS side
 * effects happen once) and lets parsing ops, random ops and math run as graph ops; the cost is
 * one cached-plan run per element.
 */
import { type DType, StringArray, arrayCtor, parseDType } from '../dtype.js';
import { InvalidArgumentError, UnknownError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Graph } from '../graph/graph.js';
import { Tensor } from '../graph/tensor.js';
import { readRecordFile, compressionString, type CompressionType } from '../io/tfrecord.js';
import { iterateRecords } from '../io/records.js';
import { NDArray } from '../ndarray.js';
import { placeholder } from '../ops/core.js';
import { type TensorLike, isConvertible, toNDArray, toTensor } from '../ops/convert.js';
import { deviceIdle } from '../session/device-busy.js';
import { type HostGen, subRun, wait } from '../session/host-stage.js';
import { Runner, type SessionState } from '../session/runner.js';
import { type PartialShape, compatible, pyShape, sizeOf } from '../shape.js';
import { SparseSlot, type Structure, flatten, leafCount, outputClasses, pack, sparseStarts } from './nest.js';
import { batchSparse, batchedSparseShapes, elementSlices, slicedSparseShapes } from './sparse-components.js';
import { inBackground, prefetchStage } from './prefetch.js';
import { deriveSeed, mix32, seededRandom } from './random.js';
import { kwargs } from '../args.js';

export type Element = NDArray[];

export interface ElementSpec {
  structure: Structure;
  dtypes: DType[];
  shapes: PartialShape[];
  /**
   * Each component is a window, a dataset of input elements (`window()`): an element holds each
   * window's elements (stacked, or see `raggedWindows`), and functions of the dataset, or an
   * iterator's getNext, get `windows(component)`, the dataset of them.
   */
  windows?: (component: Tensor) => Dataset;
}

/** What an opened pipeline runs with. */
export interface IterContext {
  runner: Runner;
  sync: boolean;
  /** Values of the pipeline's captured graph tensors, computed when the iterator was initialized. */
  captured: Map<Tensor, NDArray>;
  /** Set when the iterator is initialized again: what its pipeline produces ahead is dropped. */
  life: { stopped: boolean };
}

export interface Stage {
  next(): HostGen<Element | null>;
}

/** Per-session pipeline state that outlives one iterator (shuffle epochs). */
const sessionEpochs = new WeakMap<SessionState, Map<object, number>>();
function nextEpoch(ctx: IterContext, key: object): number {
  let m = sessionEpochs.get(ctx.runner.state);
  if (!m) sessionEpochs.set(ctx.runner.state, (m = new Map()));
  const e = m.get(key) ?? 0;
  m.set(key, e + 1);
  return e;
}

const isLeafValue = (x: unknown): boolean => x instanceof Tensor || x instanceof NDArray || ArrayBuffer.isView(x) || typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string' || isConvertible(x);
/** A leaf is a value, or a (possibly nested) array of scalars: TF converts lists to tensors. */
const isLeafInput = (x: unknown): boolean => isLeafValue(x) || (Array.isArray(x) && x.length > 0 && x.every((y) => typeof y === 'number' || typeof y === 'boolean' || typeof y === 'string' || (Array.isArray(y) && isLeafInput(y))));

function toLeaf(x: unknown): NDArray | Tensor {
  if (x instanceof Tensor) return x;
  if (isConvertible(x)) return x.toTensor();
  return toNDArray(x as never);
}

const dtypeName = (d: DType): string => `tf.${d}`;
const shapeOf = (x: NDArray | Tensor): PartialShape => (x instanceof NDArray ? x.shape : x.shape);

/**
 * Arrays a stage made for one element and holds no other reference to (batches): the
 * iterator hands them to the run without copying them. Anything else (slices of a source,
 * cached elements) is copied, so what a run gets is its own.
 */
const owned = new WeakSet<NDArray>();
/** `a` itself when only the element holds it (it is then no longer marked), else a copy. */
export function ownedOrCopy(a: NDArray): NDArray {
  if (raggedWindows.has(a)) throw new InvalidArgumentError('A window whose elements differ in shape can be read inside flatMap or interleave only, not as an iterator\'s element');
  return owned.delete(a) ? a : copyOf(a);
}

/**
 * A window component whose elements differ in shape cannot be stacked: it is an empty array of
 * a compatible shape standing for the list of its elements, kept here.
 */
export const raggedWindows = new WeakMap<NDArray, NDArray[]>();
/** Mark a freshly made array as held by its element only. */
export function markOwned(a: NDArray): NDArray {
  owned.add(a);
  return a;
}
/** An element kept by a stage (a cache) is no longer held by it only. */
export function disown(el: Element): void {
  for (const a of el) owned.delete(a);
}

function copyOf(a: NDArray): NDArray {
  return new NDArray((a.dtype === 'string' ? StringArray.fromValues([...(a.data as unknown as StringArray)]) : (a.data as Float32Array).slice()) as never, a.shape, a.dtype);
}

/** Row `i` of `a` along its first axis (a view). */
export function row(a: NDArray, i: number): NDArray {
  const inner = a.shape.slice(1);
  const n = sizeOf(inner);
  const d = a.dtype === 'string' ? (a.data as unknown as StringArray).slice(i * n, (i + 1) * n) : (a.data as Float32Array).subarray(i * n, (i + 1) * n);
  return new NDArray(d as never, inner, a.dtype);
}

/** Stack same-shaped arrays along a new first axis. */
export function stack(items: NDArray[], component: number): NDArray {
  const first = items[0]!;
  items.forEach((x, i) => {
    if (x.shape.length !== first.shape.length || x.shape.some((d, k) => d !== first.shape[k])) {
      throw new InvalidArgumentError(`Cannot batch tensors with different shapes in component ${component}. First element had shape [${first.shape.join(',')}] and element ${i} had shape [${x.shape.join(',')}].`);
    }
  });
  const n = first.size;
  if (first.dtype === 'string') {
    const out = new StringArray(n * items.length);
    items.forEach((x, i) => (x.data as unknown as StringArray).forEach((s, j) => (out[i * n + j] = s)));
    return markOwned(new NDArray(out as never, [items.length, ...first.shape], 'string'));
  }
  const out = new (arrayCtor(first.dtype))(n * items.length);
  for (let i = 0; i < items.length; i++) out.set(items[i]!.data as never, i * n);
  return markOwned(new NDArray(out as never, [items.length, ...first.shape], first.dtype));
}

export abstract class Dataset {
  abstract readonly spec: ElementSpec;
  /** In an exported GraphDef's attrs: the kind of dataset (its traced functions hold graphs). */
  toJSON(): unknown {
    return { dataset: this.constructor.name };
  }
  /** The graph tensors the pipeline needs at initialization. */
  captures(): Tensor[] {
    return [];
  }
  abstract open(ctx: IterContext): Stage;
  /**
   * TF's `Cardinality()`: the number of elements, `INFINITE` (-1) or `UNKNOWN` (-2), given the
   * values of the pipeline's captured tensors (counts given as tensors).
   */
  cardinality(values: ReadonlyMap<Tensor, NDArray>): number {
    void values;
    return UNKNOWN_CARDINALITY;
  }

  /** TF1's `output_types`: dtypes in the element's structure. */
  get outputTypes(): unknown {
    return pack(this.spec.structure, this.spec.dtypes);
  }
  /** TF1's `output_shapes`: (partial) shapes in the element's structure. */
  get outputShapes(): unknown {
    return pack(this.spec.structure, this.spec.shapes);
  }
  /** TF1's `output_classes`: tf.Tensor, or tf.SparseTensor for a sparse component. */
  get outputClasses(): unknown {
    return outputClasses(this.spec.structure, this.spec.dtypes.length);
  }

  // ----- sources
  static fromTensors(tensors: unknown): Dataset {
    return new TensorsDataset(tensors, false);
  }
  static fromTensorSlices(tensors: unknown): Dataset {
    return new TensorsDataset(tensors, true);
  }
  /** `range(stop)`, `range(start, stop, step = 1)`: int64 scalars. */
  static range(...args: number[]): Dataset {
    if (args.length === 0 || args.length > 3 || !args.every((a) => Number.isInteger(a))) throw new TypeError(`range takes 1 to 3 integers (stop, or start, stop, step), got (${args.map((a) => ((a as unknown) instanceof Tensor ? `a tensor ${(a as unknown as Tensor).name}` : String(a))).join(', ')})`);
    const [start, stop, step] = args.length === 1 ? [0, args[0]!, 1] : [args[0]!, args[1]!, args[2] ?? 1];
    return new RangeDataset(start, stop, step);
  }
  /**
   * `fromGenerator(generator, outputTypes, outputShapes?)`: `generator()` returns a JS iterator
   * or async iterator (an async one needs `await sess.run`). Each yielded value is converted to
   * the given dtypes and checked against the shapes.
   */
  static fromGenerator(generator: () => Iterator<unknown> | AsyncIterator<unknown>, outputTypes: unknown, outputShapes?: unknown): Dataset {
    return new GeneratorDataset(generator, outputTypes, outputShapes);
  }
  /** `zip(datasets)`: a tuple (array) or dict of datasets → elements of their elements. */
  static zip(datasets: unknown): Dataset {
    return new ZipDataset(datasets);
  }

  // ----- transformations
  map(fn: ((...args: any[]) => unknown) | { mapFunc: (...args: any[]) => unknown; numParallelCalls?: number }, numParallelCalls?: number | { numParallelCalls?: number }): Dataset {
    const o = kwargs([fn, numParallelCalls], ['mapFunc', 'numParallelCalls'], 'map', 1) as { mapFunc: (...args: any[]) => unknown };
    return new MapDataset(this, o.mapFunc);
  }
  filter(predicate: (...args: any[]) => unknown): Dataset {
    return new FilterDataset(this, predicate);
  }
  batch(batchSize: number | { batchSize: number; dropRemainder?: boolean }, dropRemainder?: boolean | { dropRemainder?: boolean }): Dataset {
    const o = kwargs([batchSize, dropRemainder], ['batchSize', 'dropRemainder'], 'batch', 1) as { batchSize: number; dropRemainder?: boolean };
    return new BatchDataset(this, o.batchSize, !!o.dropRemainder);
  }
  shuffle(
    bufferSize: number | { bufferSize: number; seed?: number | null; reshuffleEachIteration?: boolean },
    seed?: number | null | { seed?: number | null; reshuffleEachIteration?: boolean }, reshuffleEachIteration?: boolean | { reshuffleEachIteration?: boolean },
  ): Dataset {
    // TF1's shuffle(buffer_size, seed=None, reshuffle_each_iteration=None), any of them by keyword
    const o = kwargs([bufferSize, seed, reshuffleEachIteration], ['bufferSize', 'seed', 'reshuffleEachIteration'], 'shuffle', 1) as
      { bufferSize: number; seed?: number | null; reshuffleEachIteration?: boolean | null };
    return new ShuffleDataset(this, o.bufferSize, o.seed ?? undefined, o.reshuffleEachIteration ?? true);
  }
  /** `apply(transformationFunc)`: `transformationFunc(this)`, which must give a dataset (tf.data.experimental's transformations). */
  apply(transformationFunc: (dataset: Dataset) => Dataset): Dataset {
    if (typeof transformationFunc !== 'function') throw new TypeError('`transformation_func` must be callable');
    const out = transformationFunc(this);
    if (!(out instanceof Dataset)) throw new TypeError('`transformation_func` must return a Dataset.');
    return out;
  }
  /** `repeat(count?)`: count epochs; none or -1 repeats forever. */
  repeat(countArg?: number | Tensor | null | { count?: number | Tensor | null }): Dataset {
    const count = (kwargs([countArg], ['count'], 'repeat') as { count?: number | Tensor | null }).count;
    return new RepeatDataset(this, count === undefined || count === null ? -1 : checkCount(count, 'count'));
  }
  take(count: number | Tensor): Dataset {
    return new TakeDataset(this, checkCount(count, 'count'));
  }
  skip(count: number | Tensor): Dataset {
    return new SkipDataset(this, checkCount(count, 'count'));
  }
  /**
   * `prefetch(bufferSize)`: after a run takes an element, up to `bufferSize` next ones are
   * produced while the device computes or between runs (src/data/prefetch.ts); -1
   * (`tf.data.experimental.AUTOTUNE`) sizes the buffer as TF does; 0 produces on demand.
   */
  prefetch(bufferSizeArg: number | { bufferSize: number }): Dataset {
    const bufferSize = (kwargs([bufferSizeArg], ['bufferSize'], 'prefetch', 1) as { bufferSize: number }).bufferSize;
    if (!Number.isInteger(bufferSize) || (bufferSize < 0 && bufferSize !== -1)) throw new InvalidArgumentError(`buffer_size must be >= 0 or set buffer_size to be -1 for auto-tuning (got ${bufferSize})`);
    return new PrefetchDataset(this, bufferSize);
  }
  concatenate(dataset: Dataset): Dataset {
    return new ConcatenateDataset(this, dataset);
  }
  /** `flatMap(fn)`: `fn` maps an element to a dataset; their elements follow one another. */
  flatMap(fn: (...args: any[]) => Dataset): Dataset {
    return new InterleaveDataset(this, fn, 1, 1, 'flatMap');
  }
  /** `interleave(fn, cycleLength, blockLength = 1)`: `blockLength` elements from each of `cycleLength` open datasets in turn. */
  interleave(fn: (...args: any[]) => Dataset, cycleLength: number | { cycleLength?: number; blockLength?: number; numParallelCalls?: number } = 1, blockLength = 1): Dataset {
    const o = typeof cycleLength === 'object' ? cycleLength : { cycleLength, blockLength };
    return new InterleaveDataset(this, fn, o.cycleLength ?? 1, o.blockLength ?? 1, 'interleave');
  }
  /** `cache()`: the first complete pass is kept in memory and replayed by later passes of the same iterator. */
  cache(filename = ''): Dataset {
    if (filename !== '') throw new InvalidArgumentError('cache(filename): only the in-memory cache (filename "") is supported');
    return new CacheDataset(this);
  }
  /**
   * `paddedBatch(batchSize, paddedShapes?, paddingValues?, dropRemainder = false)`: batches of
   * elements padded (with 0, or '' for strings, unless given) to `paddedShapes` (null / -1
   * dimensions: the batch's longest).
   */
  paddedBatch(batchSize: number, paddedShapes?: unknown, paddingValues?: unknown, dropRemainder: boolean | { dropRemainder?: boolean } = false): Dataset {
    const drop = typeof dropRemainder === 'object' ? !!dropRemainder.dropRemainder : dropRemainder;
    return new PaddedBatchDataset(this, batchSize, paddedShapes, paddingValues, drop);
  }
}

/** A count given as an integer or an integer scalar tensor (read when the pipeline opens). */
type Count = number | Tensor;
function checkCount(c: unknown, what: string): Count {
  if (c instanceof Tensor) {
    if (c.dtype !== 'int64' && c.dtype !== 'int32') throw new TypeError(`\`${what}\` must be a tf.int64 scalar tensor, got ${dtypeName(c.dtype)}`);
    return c;
  }
  if (!Number.isInteger(c)) throw new TypeError(`\`${what}\` must be an integer, got ${String(c)}`);
  return c as number;
}
function countValue(c: Count, ctx: IterContext): number {
  return c instanceof Tensor ? Number(ctx.captured.get(c)!.data[0]) : c;
}

/** `tf.data.experimental.AUTOTUNE`. */
export const AUTOTUNE = -1;
/** `tf.data.experimental.INFINITE_CARDINALITY` and `UNKNOWN_CARDINALITY`. */
export const INFINITE_CARDINALITY = -1;
export const UNKNOWN_CARDINALITY = -2;
const INF = INFINITE_CARDINALITY, UNK = UNKNOWN_CARDINALITY;
const countOf = (c: Count, values: ReadonlyMap<Tensor, NDArray>): number => (c instanceof Tensor ? Number(values.get(c)!.data[0]) : c);
/** Batches of `size` from `n` elements (TF's BatchDataset::Cardinality). */
export const batchedCardinality = (n: number, size: number, drop: boolean): number => (n < 0 ? n : Math.floor(n / size) + (n % size === 0 || drop ? 0 : 1));

class TensorsDataset extends Dataset {
  readonly spec: ElementSpec;
  private readonly leaves: (NDArray | Tensor)[];
  constructor(tensors: unknown, private readonly sliced: boolean) {
    super();
    const f = flatten<unknown>(tensors, isLeafInput);
    this.leaves = f.leaves.map(toLeaf);
    const sparse = sparseStarts(f.structure);
    this.sparse = sparse;
    if (sliced) {
      let n: number | null | undefined;
      for (let c = 0; c < this.leaves.length; c++) {
        const l = this.leaves[c]!;
        if (sparse.has(c)) {
          // a SparseTensor is sliced along its dense shape's first dimension
          const ds = this.leaves[c + 2]!;
          const d = ds instanceof NDArray ? Number(ds.data[0]) : null;
          if (n !== undefined && n !== null && d !== null && d !== n) throw new ValueError(`Dimensions ${n} and ${d} are not compatible`);
          if (n === undefined || n === null) n = d;
          c += 2;
          continue;
        }
        const s = shapeOf(l);
        if (s !== null && s.length === 0) throw new ValueError(`Shape must be at least rank 1 but is rank 0 (fromTensorSlices of ${l instanceof Tensor ? l.name : 'a scalar'})`);
        const d = s === null ? null : s[0]!;
        if (n !== undefined && n !== null && d !== null && d !== n) throw new ValueError(`Dimensions ${n} and ${d} are not compatible`);
        if (n === undefined || n === null) n = d;
      }
    }
    const shapes = this.leaves.map((l) => {
      const s = shapeOf(l);
      return sliced ? (s === null ? null : s.slice(1)) : s;
    });
    if (sliced) for (const c of sparse) shapes.splice(c, 3, ...slicedSparseShapes(shapeOf(this.leaves[c]!)));
    this.spec = { structure: f.structure, dtypes: this.leaves.map((l) => l.dtype), shapes };
  }
  private readonly sparse: ReadonlySet<number>;
  override cardinality(values: ReadonlyMap<Tensor, NDArray>): number {
    if (!this.sliced) return 1;
    const c0 = this.leaves[0]!;
    const v = c0 instanceof Tensor ? values.get(c0)! : c0;
    // a SparseTensor is sliced along its dense shape's first dimension
    if (this.sparse.has(0)) {
      const ds = this.leaves[2]!;
      return Number((ds instanceof Tensor ? values.get(ds)! : ds).data[0]);
    }
    return v.shape[0]!;
  }
  override captures(): Tensor[] {
    return this.leaves.filter((l): l is Tensor => l instanceof Tensor);
  }
  open(ctx: IterContext): Stage {
    const values = this.leaves.map((l) => (l instanceof Tensor ? ctx.captured.get(l)! : l));
    const sliced = this.sliced;
    let i = 0;
    let n = 1;
    const slices = sliced ? elementSlices(values, this.sparse, row) : null;
    if (slices) {
      n = slices.sizes[0]![1];
      for (const [, d] of slices.sizes) if (d !== n) throw new InvalidArgumentError(`Dimensions of the components of fromTensorSlices do not match: ${n} vs ${d}`);
    }
    return {
      *next() {
        if (i >= n) return null;
        const k = i++;
        return slices ? slices.at(k) : values;
      },
    };
  }
}

class RangeDataset extends Dataset {
  readonly spec: ElementSpec = { structure: null, dtypes: ['int64'], shapes: [[]] };
  constructor(private readonly start: number, private readonly stop: number, private readonly step: number) {
    super();
    if (step === 0) throw new InvalidArgumentError('step must be a non-zero integer.');
  }
  override cardinality(): number {
    const { start, stop, step } = this;
    return step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((start - stop) / -step));
  }
  open(): Stage {
    let v = this.start;
    const { stop, step } = this;
    return {
      *next() {
        if (step > 0 ? v >= stop : v <= stop) return null;
        const out = new NDArray(Float64Array.of(v), [], 'int64');
        v += step;
        return [out];
      },
    };
  }
}

/** The leaves of `value` following `s` (a yielded element's components), or null when it does not fit. */
function flattenAs(s: Structure, value: unknown): unknown[] | null {
  if (s === null) return [value];
  const out: unknown[] = [];
  if (Array.isArray(s)) {
    if (!Array.isArray(value) || value.length !== s.length) return null;
    for (let i = 0; i < s.length; i++) {
      const sub = flattenAs(s[i]!, value[i]);
      if (!sub) return null;
      out.push(...sub);
    }
    return out;
  }
  if (typeof value !== 'object' || value === null || s instanceof SparseSlot) return null;
  for (const k of Object.keys(s)) {
    if (!(k in value)) return null;
    const sub = flattenAs(s[k]!, (value as Record<string, unknown>)[k]);
    if (!sub) return null;
    out.push(...sub);
  }
  return out;
}

class GeneratorDataset extends Dataset {
  readonly spec: ElementSpec;
  constructor(private readonly generator: () => Iterator<unknown> | AsyncIterator<unknown>, outputTypes: unknown, outputShapes?: unknown) {
    super();
    if (typeof generator !== 'function') throw new TypeError('`generator` must be callable.');
    const t = flatten<DType>(outputTypes, (x) => typeof x === 'string');
    const dtypes = t.leaves.map((d) => parseDType(d));
    let shapes: PartialShape[] = dtypes.map(() => null);
    if (outputShapes !== undefined && outputShapes !== null) {
      const isShape = (x: unknown): boolean => x === null || (Array.isArray(x) && x.every((d) => d === null || typeof d === 'number'));
      const s = flatten<PartialShape>(outputShapes, isShape);
      if (s.leaves.length !== dtypes.length) throw new ValueError(`The two structures don't have the same number of elements (outputTypes has ${dtypes.length}, outputShapes ${s.leaves.length})`);
      shapes = s.leaves;
    }
    this.spec = { structure: t.structure, dtypes, shapes };
  }
  open(ctx: IterContext): Stage {
    const spec = this.spec;
    let it: Iterator<unknown> | AsyncIterator<unknown> | null = null;
    const gen = this.generator;
    const fail = (e: unknown): never => {
      if (e instanceof InvalidArgumentError) throw e;
      throw new UnknownError(`${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} (raised by the generator of fromGenerator)`);
    };
    void ctx;
    return {
      *next() {
        let r: IteratorResult<unknown>;
        try {
          it ??= gen();
          const got = it.next();
          r = got instanceof Promise ? yield* wait(got) : (got as IteratorResult<unknown>);
        } catch (e) {
          return fail(e);
        }
        if (r.done) return null;
        const leaves = flattenAs(spec.structure, r.value);
        if (leaves === null || leaves.length !== spec.dtypes.length) throw new InvalidArgumentError(`\`generator\` yielded an element that did not match the expected structure. The expected structure was ${JSON.stringify(pack(spec.structure, spec.dtypes))}, but the yielded element was ${JSON.stringify(r.value)}.`);
        return leaves.map((v, i) => {
          let a: NDArray;
          try {
            a = toNDArray(v as never, spec.dtypes[i]);
          } catch (e) {
            throw new InvalidArgumentError(`TypeError: \`generator\` yielded an element that could not be converted to the expected type. The expected type was ${spec.dtypes[i]}, but the yielded element was ${String(v)}. (${(e as Error).message})`);
          }
          if (!compatible(spec.shapes[i]!, a.shape)) throw new InvalidArgumentError(`\`generator\` yielded an element of shape ${pyShape(a.shape)} where an element of shape ${pyShape(spec.shapes[i]!)} was expected.`);
          return a;
        });
      },
    };
  }
}

/** A file dataset's `filenames`: a string, a list of strings, or a string tensor (read when the iterator starts). */
export function fileNames(filenames: string | readonly string[] | Tensor): string[] | Tensor {
  if (filenames instanceof Tensor) {
    if (filenames.dtype !== 'string') throw new TypeError('`filenames` must be a `tf.Tensor` of `tf.string`.');
    return filenames;
  }
  const files = typeof filenames === 'string' ? [filenames] : [...filenames];
  if (!files.every((f) => typeof f === 'string')) throw new TypeError('`filenames` must be a string, a list of strings or a string tensor');
  return files;
}

/** The file names an iterator reads: the list, or the string tensor's value as captured. */
export function openedFileNames(files: string[] | Tensor, ctx: IterContext): string[] {
  const v = files instanceof Tensor ? (ctx.captured.get(files)!.toArray() as unknown as string[] | string) : files;
  return typeof v === 'string' ? [v] : (v.flat() as string[]);
}

export class TFRecordDataset extends Dataset {
  readonly spec: ElementSpec = { structure: null, dtypes: ['string'], shapes: [[]] };
  private readonly files: string[] | Tensor;
  private readonly compression: CompressionType;
  /** `new tf.data.TFRecordDataset(filenames, compressionType?, bufferSize?, numParallelReads?)`. */
  constructor(filenames: string | string[] | Tensor, compressionType?: string | null | { compressionType?: string | null; bufferSize?: number; numParallelReads?: number }) {
    super();
    const c = typeof compressionType === 'object' && compressionType !== null ? compressionType.compressionType : compressionType;
    this.compression = compressionString(c as never);
    this.files = fileNames(filenames);
  }
  override captures(): Tensor[] {
    return this.files instanceof Tensor ? [this.files] : [];
  }
  open(ctx: IterContext): Stage {
    const list = openedFileNames(this.files, ctx);
    const compression = this.compression;
    let fi = 0;
    let recs: Iterator<Uint8Array> | null = null;
    return {
      *next() {
        for (;;) {
          if (!recs) {
            if (fi >= list.length) return null;
            const f = list[fi++]!;
            recs = iterateRecords(readRecordFile(f, compression), f);
          }
          const r = recs.next();
          if (!r.done) return [NDArray.fromStrings([r.value.slice()], [])];
          recs = null;
        }
      },
    };
  }
}

/** `new tf.data.TextLineDataset(filenames, compressionType?)`: the lines of text files, without their line ends. */
export class TextLineDataset extends Dataset {
  readonly spec: ElementSpec = { structure: null, dtypes: ['string'], shapes: [[]] };
  private readonly files: string[] | Tensor;
  private readonly compression: CompressionType;
  constructor(filenames: string | string[] | Tensor, compressionType?: string | null | { compressionType?: string | null; bufferSize?: number }) {
    super();
    const c = typeof compressionType === 'object' && compressionType !== null ? compressionType.compressionType : compressionType;
    this.compression = compressionString(c as never);
    this.files = fileNames(filenames);
  }
  override captures(): Tensor[] {
    return this.files instanceof Tensor ? [this.files] : [];
  }
  open(ctx: IterContext): Stage {
    const list = openedFileNames(this.files, ctx);
    const compression = this.compression;
    let fi = 0;
    let bytes: Uint8Array | null = null;
    let pos = 0;
    return {
      *next() {
        for (;;) {
          if (!bytes) {
            if (fi >= list.length) return null;
            bytes = readRecordFile(list[fi++]!, compression);
            pos = 0;
          }
          if (pos >= bytes.length) {
            bytes = null;
            continue;
          }
          let end = bytes.indexOf(10, pos);
          const next = end < 0 ? bytes.length : end + 1;
          if (end < 0) end = bytes.length;
          if (end > pos && bytes[end - 1] === 13) end--;
          const line = bytes.slice(pos, end);
          pos = next;
          return [NDArray.fromStrings([line], [])];
        }
      },
    };
  }
}

// ----- traced functions --------------------------------------------------------------------

const fnRunners = new WeakMap<Runner, Map<Graph, Runner>>();
function functionRunner(ctx: IterContext, g: Graph): Runner {
  let m = fnRunners.get(ctx.runner);
  if (!m) fnRunners.set(ctx.runner, (m = new Map()));
  let r = m.get(g);
  if (!r) {
    // TF places input pipelines on the CPU: map/filter functions run on the session's host
    // device whatever device the model uses (a WebGPU session's parsing stays off the GPU).
    const device = ctx.runner.state.host ?? ctx.runner.device;
    r = new Runner(device, { stats: { compiles: 0, cacheHits: 0 }, initialized: new Set(), runCounts: new Map(), varHome: new Map() });
    m.set(g, r);
  }
  return r;
}

/** A function's graph → the graph its function was traced in (the enclosing one, TF's `outer_graph`). */
const outerGraphs = new WeakMap<Graph, Graph>();

/**
 * A map/filter function traced once into its own graph. A tensor of an enclosing graph that the
 * function uses (a main-graph placeholder or variable read, or a tensor of the dataset function
 * it is nested in, at any depth) is captured as TF's FuncGraph captures it: a placeholder of
 * this graph stands for it, and the outer tensor is one of the function's `captured` inputs.
 * The dataset holding the function reports those among its `captures()`, so each is computed
 * where it lives (the main graph when the iterator is initialized, an enclosing function per
 * call of it) and fed from the iterator context's captured values.
 */
export class TracedFunction {
  readonly graph = new Graph();
  readonly inputs: Tensor[];
  readonly outputs: Tensor[];
  readonly structure: Structure;
  /** The outer tensors the function captured, in order; `capturePlaceholders[i]` stands for `captured[i]`. */
  readonly captured: Tensor[] = [];
  readonly capturePlaceholders: Tensor[] = [];
  constructor(fn: (...args: any[]) => unknown, spec: ElementSpec, what: string, shapes?: PartialShape[]) {
    if (typeof fn !== 'function') throw new TypeError(`${what} takes a function`);
    const outer = getDefaultGraph();
    outerGraphs.set(this.graph, outer);
    this.graph.seed = outer.seed;
    const byOuter = new Map<Tensor, Tensor>();
    this.graph.capture = (t) => {
      let c = byOuter.get(t);
      if (c) return c;
      let g: Graph | undefined = outer;
      while (g && g !== t.graph) g = outerGraphs.get(g);
      if (!g) {
        let inner: Graph | undefined = t.graph;
        while (inner && inner !== this.graph) inner = outerGraphs.get(inner);
        throw new ValueError(inner
          ? `The tensor '${t}' cannot be accessed here: it is defined in another function or code block. Use return values, explicit Python locals or TensorFlow collections to access it. Defined in: FuncGraph(${what} nested); accessed from: FuncGraph(${what}).`
          : `${what}: ${t} is from a graph that neither is this function's nor encloses it; a dataset function can use tensors of the graphs it is built in only`);
      }
      const saved = this.graph.controlFlowContext;
      this.graph.controlFlowContext = null;
      try {
        c = this.graph.asDefault(() => this.graph.nameScope(null, () => this.graph.controlDependencies(null, () => placeholder(t.dtype, t.shape === null ? undefined : (t.shape as (number | null)[]), t.op.name.replace(/^.*\//, '')))));
      } finally {
        this.graph.controlFlowContext = saved;
      }
      byOuter.set(t, c);
      this.captured.push(t);
      this.capturePlaceholders.push(c);
      return c;
    };
    try {
      const { inputs, result } = this.graph.asDefault(() => {
        const argShapes = shapes ?? spec.shapes;
        const inputs = spec.dtypes.map((d, i) => placeholder(d, argShapes[i] === null ? undefined : (argShapes[i] as (number | null)[]), `arg${i}`));
        const arg = pack<unknown>(spec.structure, spec.windows ? inputs.map(spec.windows) : inputs);
        return { inputs, result: Array.isArray(spec.structure) ? fn(...(arg as unknown[])) : fn(arg) };
      });
      this.inputs = inputs;
      const f = flatten<unknown>(result, (x) => x instanceof Tensor || isLeafInput(x));
      this.structure = f.structure;
      // an outer tensor returned as it is comes back through its capture (as in TF)
      this.outputs = this.graph.asDefault(() => f.leaves.map((x) => toTensor(x as TensorLike))).map((t) => (t.graph === this.graph ? t : this.graph.capture!(t)));
    } finally {
      this.graph.capture = null;
    }
  }
  /** In an exported GraphDef's attrs: the function's output count (its graph stays with this process). */
  toJSON(): unknown {
    return { function: this.outputs.length };
  }
  *call(ctx: IterContext, el: Element): HostGen<Element> {
    const feeds = new Map<Tensor, NDArray>(this.inputs.map((p, i) => [p, el[i]!]));
    this.captured.forEach((t, i) => {
      const v = ctx.captured.get(t);
      if (v === undefined) throw new InvalidArgumentError(`The value of ${t.name}, which a dataset function captures, is not available here: the dataset holding the function does not report it among its captured tensors`);
      feeds.set(this.capturePlaceholders[i]!, v);
    });
    const need = [...new Set(this.outputs.filter((t) => !feeds.has(t)))];
    if (need.length === 0) return this.outputs.map((t) => feeds.get(t)!);
    const runner = functionRunner(ctx, this.graph);
    let sync = ctx.sync;
    if (inBackground()) {
      // produced ahead of the run that takes it (prefetch): that run's plan may be running on
      // this device now, so wait until it is idle, then run in one go (nothing can interleave)
      for (let w = deviceIdle(runner.device); w; w = deviceIdle(runner.device)) yield* wait(w);
      sync = !!runner.device.compileSync;
    }
    const got = yield* subRun(runner, need, feeds, sync);
    return this.outputs.map((t) => got.get(t) ?? feeds.get(t)!);
  }
}

// ----- transformations ---------------------------------------------------------------------

export abstract class UnaryDataset extends Dataset {
  /** The traced functions of the transformation: the outer tensors they capture are among the dataset's. */
  protected readonly functions: TracedFunction[] = [];
  constructor(protected readonly input: Dataset) {
    super();
  }
  override captures(): Tensor[] {
    return [...this.input.captures(), ...functionCaptures(this.functions)];
  }
}

/** The outer tensors `fns` capture, each once. */
export function functionCaptures(fns: readonly (TracedFunction | null | undefined)[]): Tensor[] {
  return [...new Set(fns.flatMap((f) => (f ? f.captured : [])))];
}

class MapDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  private readonly fn: TracedFunction;
  constructor(input: Dataset, fn: (...args: any[]) => unknown) {
    super(input);
    this.fn = new TracedFunction(fn, input.spec, 'map');
    this.functions.push(this.fn);
    this.spec = { structure: this.fn.structure, dtypes: this.fn.outputs.map((t) => t.dtype), shapes: this.fn.outputs.map((t) => t.shape) };
  }
  override cardinality(values: ReadonlyMap<Tensor, NDArray>): number {
    return this.input.cardinality(values);
  }
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    const fn = this.fn;
    return {
      *next() {
        const el = yield* up.next();
        return el === null ? null : yield* fn.call(ctx, el);
      },
    };
  }
}

class FilterDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  private readonly fn: TracedFunction;
  constructor(input: Dataset, predicate: (...args: any[]) => unknown) {
    super(input);
    this.fn = new TracedFunction(predicate, input.spec, 'filter');
    this.functions.push(this.fn);
    const o = this.fn.outputs;
    if (o.length !== 1 || o[0]!.dtype !== 'bool' || (o[0]!.shape !== null && o[0]!.shape.length !== 0)) {
      throw new ValueError(`\`predicate\` return type must be convertible to a scalar boolean tensor. Was ${o.map((t) => `TensorSpec(shape=${pyShape(t.shape)}, dtype=${dtypeName(t.dtype)})`).join(', ')}.`);
    }
    this.spec = input.spec;
  }
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    const fn = this.fn;
    return {
      *next() {
        for (;;) {
          const el = yield* up.next();
          if (el === null) return null;
          const [keep] = yield* fn.call(ctx, el);
          if (keep!.data[0]) return el;
        }
      },
    };
  }
}

class BatchDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  constructor(input: Dataset, private readonly size: number, private readonly drop: boolean) {
    super(input);
    if (!Number.isInteger(size) || size <= 0) throw new InvalidArgumentError(`Batch size must be greater than zero.`);
    const shapes = input.spec.shapes.map((s) => (s === null ? null : [drop ? size : null, ...s]));
    // a SparseTensor component batches into one of a rank more (sparse-components.ts)
    for (const c of sparseStarts(input.spec.structure)) shapes.splice(c, 3, ...batchedSparseShapes(input.spec.shapes[c]!));
    this.spec = { ...input.spec, shapes };
  }
  override cardinality(values: ReadonlyMap<Tensor, NDArray>): number {
    return batchedCardinality(this.input.cardinality(values), this.size, this.drop);
  }
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    const { size, drop } = this;
    const sparse = sparseStarts(this.input.spec.structure);
    return batchStage(up, size, drop, (items) => {
      const out: NDArray[] = [];
      for (let c = 0; c < items[0]!.length; c++) {
        if (!sparse.has(c)) out.push(stack(items.map((e) => e[c]!), c));
        else {
          out.push(...batchSparse(items.map((e) => e.slice(c, c + 3)), c).map(markOwned));
          c += 2;
        }
      }
      return out;
    });
  }
}

class ShuffleDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  private readonly seed: number;
  constructor(input: Dataset, private readonly bufferSize: number, seed: number | undefined, private readonly reshuffle: boolean) {
    super(input);
    if (!Number.isInteger(bufferSize) || bufferSize <= 0) throw new InvalidArgumentError(`buffer_size must be greater than zero.`);
    this.spec = input.spec;
    // TF1's get_seed: an op seed, the graph seed, or neither (then a fresh order every time)
    const s = getDefaultGraph().getSeed(seed ?? undefined);
    this.seed = s ? mix32((mix32(s[0] >>> 0) ^ (s[1] >>> 0)) >>> 0) : (Math.random() * 2 ** 32) >>> 0;
  }
  override cardinality(values: ReadonlyMap<Tensor, NDArray>): number {
    return this.input.cardinality(values);
  }
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    const epoch = this.reshuffle ? nextEpoch(ctx, this) : 0;
    const rand = seededRandom(deriveSeed(this.seed, epoch));
    const buf: Element[] = [];
    const cap = this.bufferSize;
    let ended = false;
    return {
      *next() {
        while (!ended && buf.length < cap) {
          const el = yield* up.next();
          if (el === null) ended = true;
          else buf.push(el);
        }
        if (buf.length === 0) return null;
        const k = Math.floor(rand() * buf.length);
        const out = buf[k]!;
        buf[k] = buf[buf.length - 1]!;
        buf.pop();
        return out;
      },
    };
  }
}

class RepeatDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  constructor(input: Dataset, private readonly count: Count) {
    super(input);
    this.spec = input.spec;
  }
  override captures(): Tensor[] {
    return this.count instanceof Tensor ? [...this.input.captures(), this.count] : this.input.captures();
  }
  override cardinality(values: ReadonlyMap<Tensor, NDArray>): number {
    const n = this.input.cardinality(values);
    const count = countOf(this.count, values);
    if (count < 0) return n === 0 ? 0 : n === UNK ? UNK : INF;
    if (count === 0) return 0;
    return n < 0 ? n : n * count;
  }
  open(ctx: IterContext): Stage {
    const input = this.input;
    const count = countValue(this.count, ctx);
    let epoch = 0;
    let seen = false;
    let up: Stage | null = count === 0 ? null : input.open(ctx);
    return {
      *next() {
        while (up) {
          const el = yield* up.next();
          if (el !== null) {
            seen = true;
            return el;
          }
          epoch++;
          // an empty epoch ends the repetition (as in TF) instead of looping forever
          if (!seen || (count >= 0 && epoch >= count)) {
            up = null;
            break;
          }
          seen = false;
          up = input.open(ctx);
        }
        return null;
      },
    };
  }
}

class TakeDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  constructor(input: Dataset, private readonly count: Count) {
    super(input);
    this.spec = input.spec;
  }
  override captures(): Tensor[] {
    return this.count instanceof Tensor ? [...this.input.captures(), this.count] : this.input.captures();
  }
  override cardinality(values: ReadonlyMap<Tensor, NDArray>): number {
    const n = this.input.cardinality(values);
    const count = countOf(this.count, values);
    if (n === UNK) return UNK;
    if (n === INF) return count;
    return count < 0 ? n : Math.min(n, count);
  }
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    let left = countValue(this.count, ctx);
    return {
      *next() {
        if (left === 0) return null;
        if (left > 0) left--;
        return yield* up.next();
      },
    };
  }
}

class SkipDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  constructor(input: Dataset, private readonly count: Count) {
    super(input);
    this.spec = input.spec;
  }
  override captures(): Tensor[] {
    return this.count instanceof Tensor ? [...this.input.captures(), this.count] : this.input.captures();
  }
  override cardinality(values: ReadonlyMap<Tensor, NDArray>): number {
    const n = this.input.cardinality(values);
    const count = countOf(this.count, values);
    if (n < 0) return n;
    return count < 0 ? 0 : Math.max(0, n - count);
  }
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    let skip = countValue(this.count, ctx);
    return {
      *next() {
        while (skip !== 0) {
          if (skip > 0) skip--;
          const el = yield* up.next();
          if (el === null) return null;
        }
        return yield* up.next();
      },
    };
  }
}

class ZipDataset extends Dataset {
  readonly spec: ElementSpec;
  private readonly parts: Dataset[];
  constructor(datasets: unknown) {
    super();
    const f = flatten<Dataset>(datasets, (x) => x instanceof Dataset);
    if (!f.leaves.every((d) => d instanceof Dataset)) throw new TypeError('zip takes a (nested) structure of datasets');
    this.parts = f.leaves;
    let i = 0;
    const sub = (s: Structure): Structure => (s === null ? this.parts[i++]!.spec.structure : Array.isArray(s) ? s.map(sub) : Object.fromEntries(Object.entries(s).map(([k, v]) => [k, sub(v)])));
    this.spec = { structure: sub(f.structure), dtypes: this.parts.flatMap((d) => d.spec.dtypes), shapes: this.parts.flatMap((d) => d.spec.shapes) };
  }
  override captures(): Tensor[] {
    return this.parts.flatMap((d) => d.captures());
  }
  override cardinality(values: ReadonlyMap<Tensor, NDArray>): number {
    let out = INF;
    for (const d of this.parts) {
      const n = d.cardinality(values);
      if (n === UNK) return UNK;
      if (n !== INF && (out === INF || n < out)) out = n;
    }
    return out;
  }
  open(ctx: IterContext): Stage {
    const ups = this.parts.map((d) => d.open(ctx));
    return {
      *next() {
        const out: NDArray[] = [];
        for (const u of ups) {
          const el = yield* u.next();
          if (el === null) return null;
          out.push(...el);
        }
        return out;
      },
    };
  }
}

class ConcatenateDataset extends Dataset {
  readonly spec: ElementSpec;
  constructor(private readonly a: Dataset, private readonly b: Dataset) {
    super();
    if (leafCount(a.spec.structure) !== leafCount(b.spec.structure)) throw new TypeError('Two datasets to concatenate have different structures');
    a.spec.dtypes.forEach((d, i) => {
      if (d !== b.spec.dtypes[i]) throw new TypeError(`Two datasets to concatenate have different types ${dtypeName(d)} and ${dtypeName(b.spec.dtypes[i]!)}`);
    });
    const most = (x: PartialShape, y: PartialShape): PartialShape => (x === null || y === null || x.length !== y.length ? null : x.map((d, k) => (d === y[k] ? d : null)));
    this.spec = { ...a.spec, shapes: a.spec.shapes.map((s, i) => most(s, b.spec.shapes[i]!)) };
  }
  override captures(): Tensor[] {
    return [...this.a.captures(), ...this.b.captures()];
  }
  override cardinality(values: ReadonlyMap<Tensor, NDArray>): number {
    const n1 = this.a.cardinality(values), n2 = this.b.cardinality(values);
    if (n1 === INF || n2 === INF) return INF;
    if (n1 === UNK || n2 === UNK) return UNK;
    return n1 + n2;
  }
  open(ctx: IterContext): Stage {
    const first = this.a.open(ctx);
    const b = this.b;
    let second: Stage | null = null;
    return {
      *next() {
        if (!second) {
          const el = yield* first.next();
          if (el !== null) return el;
          second = b.open(ctx);
        }
        return yield* second.next();
      },
    };
  }
}

class InterleaveDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  private readonly fn: TracedFunction;
  private readonly inner: Dataset;
  constructor(input: Dataset, fn: (...args: any[]) => Dataset, private readonly cycle: number, private readonly block: number, what: string) {
    super(input);
    if (!Number.isInteger(cycle) || cycle <= 0) throw new InvalidArgumentError('cycle_length must be greater than zero.');
    if (!Number.isInteger(block) || block <= 0) throw new InvalidArgumentError('block_length must be greater than zero.');
    // The function builds a dataset from the element's placeholders: the tensors it captures
    // are computed per element in the function graph, then the inner dataset opens on them.
    let inner: Dataset | null = null;
    this.fn = new TracedFunction((...args: unknown[]) => {
      const d = (fn as (...a: unknown[]) => unknown)(...args);
      if (!(d instanceof Dataset)) throw new TypeError(`\`${what}\` function must return a Dataset`);
      inner = d;
      return d.captures();
    }, input.spec, what);
    this.functions.push(this.fn);
    this.inner = inner!;
    this.spec = this.inner.spec;
  }
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    const { fn, inner, cycle, block } = this;
    const caps = inner.captures();
    const slots: { stage: Stage; left: number }[] = [];
    let ended = false;
    let k = 0;
    const openNext = function* (): HostGen<Stage | null> {
      const el = yield* up.next();
      if (el === null) return null;
      const vals = yield* fn.call(ctx, el);
      const captured = new Map(ctx.captured);
      caps.forEach((t, i) => captured.set(t, vals[i]!));
      const sub: IterContext = Object.create(ctx, { captured: { value: captured } });
      return inner.open(sub);
    };
    return {
      *next() {
        for (;;) {
          while (!ended && slots.length < cycle) {
            const st = yield* openNext();
            if (!st) ended = true;
            else slots.push({ stage: st, left: block });
          }
          if (slots.length === 0) return null;
          if (k >= slots.length) k = 0;
          const slot = slots[k]!;
          const el = yield* slot.stage.next();
          if (el === null) {
            // a new input element takes the finished one's place; the cycle moves on (as TF's)
            const st = ended ? null : yield* openNext();
            if (!st) {
              ended = true;
              slots.splice(k, 1);
            } else {
              slots[k] = { stage: st, left: block };
              k++;
            }
            continue;
          }
          if (--slot.left === 0) {
            slot.left = block;
            k++;
          }
          return el;
        }
      },
    };
  }
}

class PrefetchDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  constructor(input: Dataset, private readonly bufferSize: number) {
    super(input);
    this.spec = input.spec;
  }
  override cardinality(values: ReadonlyMap<Tensor, NDArray>): number {
    return this.input.cardinality(values);
  }
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    return this.bufferSize === 0 ? up : prefetchStage(up, ctx, this.bufferSize);
  }
}

const caches = new WeakMap<object, Map<Dataset, Element[]>>();
class CacheDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  constructor(input: Dataset) {
    super(input);
    this.spec = input.spec;
  }
  override cardinality(values: ReadonlyMap<Tensor, NDArray>): number {
    return this.input.cardinality(values);
  }
  open(ctx: IterContext): Stage {
    // keyed on the iterator's context: an iterator's later passes (repeat) replay its first
    const key = (ctx as { root?: object }).root ?? ctx;
    let m = caches.get(key);
    if (!m) caches.set(key, (m = new Map()));
    const done = m.get(this);
    if (done) {
      let i = 0;
      return {
        *next() {
          return i < done.length ? done[i++]! : null;
        },
      };
    }
    const up = this.input.open(ctx);
    const got: Element[] = [];
    const store = m;
    const self = this;
    return {
      *next() {
        const el = yield* up.next();
        if (el === null) {
          store.set(self, got);
          return null;
        }
        disown(el);
        got.push(el);
        return el;
      },
    };
  }
}

class PaddedBatchDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  private readonly padShapes: PartialShape[];
  private readonly padValues: (NDArray | null)[];
  constructor(input: Dataset, private readonly size: number, paddedShapes: unknown, paddingValues: unknown, private readonly drop: boolean) {
    super(input);
    if (!Number.isInteger(size) || size <= 0) throw new InvalidArgumentError('Batch size must be greater than zero.');
    if (sparseStarts(input.spec.structure).size > 0) throw new TypeError('Batching of padded sparse tensors is not currently supported');
    const isShape = (x: unknown): boolean => x === null || (Array.isArray(x) && x.every((d) => d === null || typeof d === 'number'));
    this.padShapes = paddedShapes === undefined || paddedShapes === null
      ? input.spec.shapes.map((s) => (s === null ? null : s.map(() => null)))
      : flatten<PartialShape>(paddedShapes, isShape).leaves.map((s) => (s === null ? null : s.map((d) => (d === -1 ? null : d))));
    if (this.padShapes.length !== input.spec.dtypes.length) throw new ValueError('paddedShapes must have the structure of the elements');
    this.padShapes.forEach((p, i) => {
      const s = input.spec.shapes[i]!;
      if (p === null && s !== null) this.padShapes[i] = s.map(() => null);
      if (p !== null && s !== null && (p.length !== s.length || p.some((d, k) => d !== null && s[k] !== null && s[k]! > d))) {
        throw new ValueError(`The padded shape ${pyShape(p)} is not compatible with the corresponding input component shape ${pyShape(s)}.`);
      }
    });
    this.padValues = paddingValues === undefined || paddingValues === null
      ? input.spec.dtypes.map(() => null)
      : flatten<unknown>(paddingValues, isLeafValue).leaves.map((v, i) => toNDArray(v as never, input.spec.dtypes[i]));
    this.spec = { ...input.spec, shapes: this.padShapes.map((p) => (p === null ? null : [drop ? size : null, ...p])) };
  }
  override cardinality(values: ReadonlyMap<Tensor, NDArray>): number {
    return batchedCardinality(this.input.cardinality(values), this.size, this.drop);
  }
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    const { size, drop, padShapes, padValues } = this;
    const dtypes = this.spec.dtypes;
    return batchStage(up, size, drop, (items) =>
        dtypes.map((dt, c) => {
          const rank = items[0]![c]!.shape.length;
          const target = Array.from({ length: rank }, (_, k) => padShapes[c]?.[k] ?? Math.max(...items.map((e) => e[c]!.shape[k]!)));
          items.forEach((e, i) => {
            if (e[c]!.shape.length !== rank) throw new InvalidArgumentError(`All elements in a batch must have the same rank as the padded shape for component${c}: expected rank ${rank} but got element with rank ${e[c]!.shape.length}`);
            if (e[c]!.shape.some((d, k) => d > target[k]!)) throw new InvalidArgumentError(`Attempted to pad to a smaller size than the input element (element ${i} of component ${c}).`);
          });
          const per = sizeOf(target);
          const out = dt === 'string' ? new StringArray(per * items.length) : new (arrayCtor(dt))(per * items.length);
          const pv = padValues[c];
          if (pv) (out as unknown as { fill(v: unknown): void }).fill(pv.data[0]);
          items.forEach((e, i) => {
            const x = e[c]!;
            const src = x.data as ArrayLike<unknown>;
            const n = x.size;
            // copy row-major, mapping each source index into the padded target
            for (let j = 0; j < n; j++) {
              let rem = j;
              let off = 0;
              let stride = 1;
              for (let k = rank - 1; k >= 0; k--) {
                const d = x.shape[k]!;
                off += (rem % d) * stride;
                rem = Math.floor(rem / d);
                stride *= target[k]!;
              }
              (out as unknown as unknown[])[i * per + off] = src[j];
            }
          });
          return markOwned(new NDArray(out as never, [items.length, ...target], dt));
        }),
    );
  }
}

/** Up to `size` elements of `up` at a time, combined; a short last batch unless `drop`. */
function batchStage(up: Stage, size: number, drop: boolean, combine: (items: Element[]) => Element): Stage {
  let done = false;
  return {
    *next() {
      if (done) return null;
      const items: Element[] = [];
      while (items.length < size) {
        const el = yield* up.next();
        if (el === null) {
          done = true;
          break;
        }
        items.push(el);
      }
      if (items.length === 0 || (drop && items.length < size)) return null;
      return combine(items);
    },
  };
}

export { copyOf };
