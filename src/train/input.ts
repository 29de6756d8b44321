/**
 * TF1's queue-based input pipeline builders (tensorflow/python/training/input.py):
 * `tf.train.limitEpochs`, `inputProducer`, `stringInputProducer`, `rangeInputProducer`,
 * `sliceInputProducer`, `batch`, `shuffleBatch`, `batchJoin`, `shuffleBatchJoin`.
 *
 * Each builds queues and enqueue ops and adds a `QueueRunner` to the graph's QUEUE_RUNNERS
 * collection; `tf.train.startQueueRunners` (or a MonitoredSession) runs them. Names, the
 * epoch counter (a local variable `epochs` with CountUpTo: OutOfRangeError after the last
 * epoch, which closes the queue) and the `fraction_of_N_full` summaries are TF1's.
 */
import { tf1Function } from '../args.js';
import { type DType } from '../dtype.js';
import { ValueError } from '../errors.js';
import { controlDependencies, getDefaultGraph } from '../graph/context.js';
import { GraphKeys } from '../graph/graph.js';
import { type Operation, Tensor } from '../graph/tensor.js';
import { FIFOQueue, PaddingFIFOQueue, type QueueBase, RandomShuffleQueue } from '../data/queue.js';
import { expandDims, fill, gather, range, reshape, shape as shapeOp } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { constant, identity } from '../ops/core.js';
import { cast, maximum, multiply, subtract } from '../ops/math.js';
import { randomShuffle } from '../ops/random-shuffle.js';
import { dynamicPartition } from '../ops/partition.js';
import { getStaticValue } from '../ops/deprecated-aliases.js';
import { noOp } from '../ops/core.js';
import { Variable } from '../ops/variables.js';
import '../ops/count-up-to.js';
import { type PartialShape, pyShape } from '../shape.js';
import { scalar } from '../summary/summary.js';
import { QueueRunner, addQueueRunner } from './queue-runner.js';

const nameScope = <T>(name: string | null | undefined, dflt: string, fn: (scope: string) => T): T => getDefaultGraph().nameScope(name ?? dflt, fn);

/** `tf.train.limitEpochs(tensor, numEpochs?, name?)`: `tensor`, `numEpochs` times, then OutOfRangeError. */
export const limitEpochs = tf1Function('train.limit_epochs', ['tensor', 'numEpochs', 'name'], (tensor: TensorLike, numEpochs?: number | null, name?: string | null): Tensor => {
  const t = toTensor(tensor);
  if (numEpochs === undefined || numEpochs === null) return t;
  if (numEpochs <= 0) throw new ValueError(`num_epochs must be > 0 not ${numEpochs}.`);
  return nameScope(name, 'limit_epochs', (scope) => {
    const zero64 = constant(0, 'int64');
    const epochs = new Variable(zero64, { name: 'epochs', trainable: false, collections: [GraphKeys.LOCAL_VARIABLES] });
    const counter = epochs.countUpTo(numEpochs);
    return controlDependencies([counter], () => identity(t, scope));
  });
}, 1);

interface ProducerOpts {
  elementShape?: readonly (number | null)[] | null;
  numEpochs?: number | null;
  shuffle?: boolean;
  seed?: number | null;
  capacity?: number;
  sharedName?: string | null;
  summaryName?: string | null;
  name?: string | null;
  cancelOp?: Operation | null;
}

function merge(a: PartialShape, b: PartialShape, what: string): PartialShape {
  if (a === null) return b;
  if (b === null) return a;
  if (a.length !== b.length || a.some((d, i) => d !== null && b[i] !== null && d !== b[i])) throw new ValueError(`Shapes ${pyShape(a)} and ${pyShape(b)} are not compatible (${what})`);
  return a.map((d, i) => d ?? b[i]!);
}

const defined = (s: PartialShape): s is number[] => s !== null && s.every((d) => d !== null);

/**
 * `tf.train.inputProducer(inputTensor, elementShape?, numEpochs?, shuffle = true, seed?,
 * capacity = 32, sharedName?, summaryName?, name?, cancelOp?)`: a FIFOQueue fed with the rows
 * of `inputTensor` (shuffled each epoch when `shuffle`), by a QueueRunner.
 */
export const inputProducer = tf1Function('train.input_producer', ['inputTensor', 'elementShape', 'numEpochs', 'shuffle', 'seed', 'capacity', 'sharedName', 'summaryName', 'name', 'cancelOp'],
  (inputTensor: TensorLike, elementShape?: ProducerOpts['elementShape'], numEpochs?: number | null, shuffle?: boolean | null, seed?: number | null, capacity?: number | null, sharedName?: string | null, summaryName?: string | null, name?: string | null, cancelOp?: Operation | null): QueueBase => {
    const cap = capacity ?? 32;
    return nameScope(name, 'input_producer', () => {
      let t = toTensor(inputTensor, undefined, 'input_tensor');
      const rows: PartialShape = t.shape === null ? null : t.shape.slice(1);
      const el = merge(rows, elementShape === undefined || elementShape === null ? null : [...elementShape], 'element_shape');
      if (!defined(el)) throw new ValueError('Either `input_tensor` must have a fully defined shape or `element_shape` must be specified');
      if (shuffle ?? true) t = randomShuffle(t, seed ?? null);
      t = limitEpochs(t, numEpochs ?? null);
      const q = new FIFOQueue(cap, [t.dtype], [el], { sharedName: sharedName ?? null, ...(name ? { name } : {}) });
      const enq = q.enqueueMany([t]);
      addQueueRunner(new QueueRunner({ queue: q, enqueueOps: [enq], cancelOp: cancelOp ?? null }));
      if (summaryName !== undefined && summaryName !== null) scalar(summaryName, multiply(cast(q.size(), 'float32'), 1 / cap));
      return q;
    });
  }, 1);

/** `tf.train.stringInputProducer(stringTensor, numEpochs?, shuffle = true, seed?, capacity = 32, sharedName?, name?, cancelOp?)`: a queue of file names. */
export const stringInputProducer = tf1Function('train.string_input_producer', ['stringTensor', 'numEpochs', 'shuffle', 'seed', 'capacity', 'sharedName', 'name', 'cancelOp'],
  (stringTensor: TensorLike, numEpochs?: number | null, shuffle?: boolean | null, seed?: number | null, capacity?: number | null, sharedName?: string | null, name?: string | null, cancelOp?: Operation | null): QueueBase => {
    const notNull = 'string_input_producer requires a non-null input tensor';
    if (!(stringTensor instanceof Tensor) && (stringTensor === null || stringTensor === undefined || (Array.isArray(stringTensor) && stringTensor.length === 0))) throw new ValueError(notNull);
    const cap = capacity ?? 32;
    return nameScope(name, 'input_producer', (scope) => {
      const t = toTensor(stringTensor, 'string');
      if (t.dtype !== 'string') throw new TypeError(`string_input_producer needs a tf.string tensor, got ${t.dtype}`);
      if (t.shape !== null && t.shape[0] === 0) throw new ValueError(notNull);
      return inputProducer(identity(t), { shuffle: shuffle ?? true, seed: seed ?? null, numEpochs: numEpochs ?? null, capacity: cap, sharedName: sharedName ?? null, name: scope, summaryName: `fraction_of_${cap}_full`, cancelOp: cancelOp ?? null });
    });
  }, 1);

/** `tf.train.rangeInputProducer(limit, numEpochs?, shuffle = true, seed?, capacity = 32, sharedName?, name?)`: a queue of the integers 0..limit-1. */
export const rangeInputProducer = tf1Function('train.range_input_producer', ['limit', 'numEpochs', 'shuffle', 'seed', 'capacity', 'sharedName', 'name'],
  (limit: TensorLike, numEpochs?: number | null, shuffle?: boolean | null, seed?: number | null, capacity?: number | null, sharedName?: string | null, name?: string | null): QueueBase => {
    const cap = capacity ?? 32;
    return nameScope(name, 'input_producer', (scope) => {
      const r = range(typeof limit === 'number' ? constant(limit, 'int32') : toTensor(limit));
      return inputProducer(r, { elementShape: [], numEpochs: numEpochs ?? null, shuffle: shuffle ?? true, seed: seed ?? null, capacity: cap, sharedName: sharedName ?? null, summaryName: `fraction_of_${cap}_full`, name: scope });
    });
  }, 1);

/**
 * `tf.train.sliceInputProducer(tensorList, numEpochs?, shuffle = true, seed?, capacity = 32,
 * sharedName?, name?)`: one row of every tensor at a time (the same row index for all).
 */
export const sliceInputProducer = tf1Function('train.slice_input_producer', ['tensorList', 'numEpochs', 'shuffle', 'seed', 'capacity', 'sharedName', 'name'],
  (tensorList: readonly TensorLike[], numEpochs?: number | null, shuffle?: boolean | null, seed?: number | null, capacity?: number | null, sharedName?: string | null, name?: string | null): Tensor[] => {
    return nameScope(name, 'input_producer', () => {
      const ts = [...tensorList].map((t) => toTensor(t));
      if (ts.length === 0) throw new ValueError('Expected at least one tensor in slice_input_producer().');
      const n = ts[0]!.shape?.[0];
      const rangeSize = n !== null && n !== undefined ? constant(n, 'int32') : gather(shapeOp(ts[0]!), 0);
      const q = rangeInputProducer(rangeSize, { numEpochs: numEpochs ?? null, shuffle: shuffle ?? true, seed: seed ?? null, capacity: capacity ?? 32, sharedName: sharedName ?? null });
      const index = q.dequeue() as Tensor;
      return ts.map((t) => gather(t, index));
    });
  }, 1);

// ----- batching ------------------------------------------------------------------------------

type Tensors = TensorLike | readonly TensorLike[] | Record<string, TensorLike>;

interface Flat {
  list: Tensor[];
  keys: string[] | null;
}

function asList(tensors: Tensors): Flat {
  if (tensors instanceof Tensor) return { list: [tensors], keys: null };
  if (Array.isArray(tensors)) return { list: tensors.map((t) => toTensor(t as TensorLike)), keys: null };
  if (typeof tensors === 'object' && tensors !== null && !ArrayBuffer.isView(tensors) && !('shape' in (tensors as object))) {
    const keys = Object.keys(tensors).sort();
    return { list: keys.map((k) => toTensor((tensors as Record<string, TensorLike>)[k]!)), keys };
  }
  return { list: [toTensor(tensors as TensorLike)], keys: null };
}

/** TF's _as_original_type: a dict back as a dict; a list as what the dequeue gives (one tensor for one component). */
function original(flat: Flat, dequeued: Tensor | Tensor[]): any {
  const list = Array.isArray(dequeued) ? dequeued : [dequeued];
  if (flat.keys) return Object.fromEntries(flat.keys.map((k, i) => [k, list[i]!]));
  return dequeued;
}

function shapesFor(lists: Tensor[][], shapes: readonly (readonly (number | null)[] | null)[] | null | undefined, enqueueMany: boolean, partialOk: boolean): PartialShape[] {
  if (shapes) return shapes.map((s) => (s === null ? null : [...s]));
  const first = lists[0]!;
  return first.map((_, i) => {
    let s: PartialShape = null;
    for (const l of lists) {
      let ts = l[i]!.shape;
      if (enqueueMany) {
        if (ts !== null && ts.length === 0) throw new ValueError(`Shape ${pyShape(ts)} must have rank at least 1 (enqueue_many)`);
        ts = ts === null ? null : ts.slice(1);
      }
      s = merge(s, ts, 'batch shapes');
    }
    if (!partialOk && !defined(s)) throw new ValueError(`All shapes must be fully defined: [${first.map((t) => `TensorShape(${t.shape === null ? 'None' : pyShape(enqueueMany ? t.shape.slice(1) : t.shape)})`).join(', ')}]`);
    return s;
  });
}

function dtypesFor(lists: Tensor[][]): DType[] {
  const types = lists[0]!.map((t) => t.dtype);
  for (const l of lists.slice(1)) {
    const other = l.map((t) => t.dtype);
    if (other.length !== types.length || other.some((d, i) => d !== types[i])) throw new TypeError(`Expected types to be consistent: ${types.join(', ')} vs. ${other.join(', ')}.`);
  }
  return types;
}

interface BatchArgs {
  lists: Tensor[][];
  flat: Flat;
  batchSize: number | Tensor;
  capacity: number;
  numThreads: number;
  enqueueMany: boolean;
  shapes: readonly (readonly (number | null)[] | null)[] | null | undefined;
  dynamicPad: boolean;
  allowSmallerFinalBatch: boolean;
  sharedName: string | null;
  shuffle: { minAfterDequeue: number; seed: number | null } | null;
  scope: string;
  where: string;
  /** maybe_*: a bool scalar (enqueue or not) or, with enqueueMany, a bool vector (which rows). */
  keepInput?: Tensor;
}

function batchImpl(a: BatchArgs): any {
  if (a.lists.some((l) => l.length === 0)) throw new ValueError(`Expected at least one tensor in ${a.where}().`);
  const types = dtypesFor(a.lists);
  const shapes = shapesFor(a.lists, a.shapes, a.enqueueMany, a.dynamicPad);
  const common = { shapes, sharedName: a.sharedName };
  let queue: QueueBase;
  if (a.shuffle) {
    queue = new RandomShuffleQueue(a.capacity, a.shuffle.minAfterDequeue, types, { ...common, seed: a.shuffle.seed });
  } else {
    queue = a.dynamicPad ? new PaddingFIFOQueue(a.capacity, types, common) : new FIFOQueue(a.capacity, types, common);
  }
  const enqFn = (l: Tensor[]): Operation => (a.enqueueMany ? queue.enqueueMany(l) : queue.enqueue(l));
  const keep = a.keepInput;
  const enq = (l: Tensor[]): Operation => {
    if (!keep) return enqFn(l);
    // TF's _enqueue: a vector keeps the rows where it is true (dynamic_partition's second part)
    if (keep.shape!.length === 1) return enqFn(l.map((x) => dynamicPartition(x, cast(keep, 'int32'), 2)[1]!));
    // a scalar: smart_cond — decided now when it is a constant; else (where TF builds a cond
    // around the enqueue) the example is enqueued as a batch of zero or one rows, which enqueues
    // the same and reads each input once per run
    const known = getStaticValue(keep);
    if (known !== null) return Number(known.data[0]) ? enqFn(l) : noOp();
    const sel = cast(reshape(keep, [1]), 'int32');
    if (a.enqueueMany) return queue.enqueueMany(l.map((x) => dynamicPartition(x, fill(gather(shapeOp(x), [0]), cast(keep, 'int32')), 2)[1]!));
    return queue.enqueueMany(l.map((x) => dynamicPartition(expandDims(x, 0), sel, 2)[1]!));
  };
  const ops = a.lists.length > 1 ? a.lists.map(enq) : Array.from({ length: a.numThreads }, () => enq(a.lists[0]!));
  addQueueRunner(new QueueRunner(queue, ops));
  if (a.shuffle) {
    const m = a.shuffle.minAfterDequeue;
    const full = multiply(cast(maximum(0, subtract(queue.size(), m)), 'float32'), 1 / (a.capacity - m));
    scalar(`fraction_over_${m}_of_${a.capacity - m}_full`, full);
  } else {
    scalar(`fraction_of_${a.capacity}_full`, multiply(cast(queue.size(), 'float32'), 1 / a.capacity));
  }
  const out = a.allowSmallerFinalBatch ? queue.dequeueUpTo(a.batchSize, a.scope) : queue.dequeueMany(a.batchSize, a.scope);
  return original(a.flat, out);
}

type Shapes = readonly (readonly (number | null)[] | null)[] | null;

/**
 * `tf.train.batch(tensors, batchSize, numThreads = 1, capacity = 32, enqueueMany = false,
 * shapes?, dynamicPad = false, allowSmallerFinalBatch = false, sharedName?, name?)`.
 */
export const batch = tf1Function('train.batch', ['tensors', 'batchSize', 'numThreads', 'capacity', 'enqueueMany', 'shapes', 'dynamicPad', 'allowSmallerFinalBatch', 'sharedName', 'name'],
  (tensors: Tensors, batchSize: number | Tensor, numThreads?: number | null, capacity?: number | null, enqueueMany?: boolean | null, shapes?: Shapes, dynamicPad?: boolean | null, allowSmallerFinalBatch?: boolean | null, sharedName?: string | null, name?: string | null): any => {
    const flat = asList(tensors);
    return nameScope(name, 'batch', (scope) => batchImpl({ lists: [flat.list], flat, batchSize, capacity: capacity ?? 32, numThreads: numThreads ?? 1, enqueueMany: !!enqueueMany, shapes, dynamicPad: !!dynamicPad, allowSmallerFinalBatch: !!allowSmallerFinalBatch, sharedName: sharedName ?? null, shuffle: null, scope, where: 'batch' }));
  }, 2);

/**
 * `tf.train.shuffleBatch(tensors, batchSize, capacity, minAfterDequeue, numThreads = 1, seed?,
 * enqueueMany = false, shapes?, allowSmallerFinalBatch = false, sharedName?, name?)`.
 */
export const shuffleBatch = tf1Function('train.shuffle_batch', ['tensors', 'batchSize', 'capacity', 'minAfterDequeue', 'numThreads', 'seed', 'enqueueMany', 'shapes', 'allowSmallerFinalBatch', 'sharedName', 'name'],
  (tensors: Tensors, batchSize: number | Tensor, capacity: number, minAfterDequeue: number, numThreads?: number | null, seed?: number | null, enqueueMany?: boolean | null, shapes?: Shapes, allowSmallerFinalBatch?: boolean | null, sharedName?: string | null, name?: string | null): any => {
    const flat = asList(tensors);
    return nameScope(name, 'shuffle_batch', (scope) => {
      if (capacity <= minAfterDequeue) throw new ValueError(`capacity ${capacity} must be bigger than min_after_dequeue ${minAfterDequeue}.`);
      return batchImpl({ lists: [flat.list], flat, batchSize, capacity, numThreads: numThreads ?? 1, enqueueMany: !!enqueueMany, shapes, dynamicPad: false, allowSmallerFinalBatch: !!allowSmallerFinalBatch, sharedName: sharedName ?? null, shuffle: { minAfterDequeue, seed: seed ?? null }, scope, where: 'shuffle_batch' });
    });
  }, 4);

/**
 * `tf.train.batchJoin(tensorsList, batchSize, capacity = 32, enqueueMany = false, shapes?,
 * dynamicPad = false, allowSmallerFinalBatch = false, sharedName?, name?)`: one enqueue op
 * (one loop) per list of tensors, all into one queue.
 */
export const batchJoin = tf1Function('train.batch_join', ['tensorsList', 'batchSize', 'capacity', 'enqueueMany', 'shapes', 'dynamicPad', 'allowSmallerFinalBatch', 'sharedName', 'name'],
  (tensorsList: readonly Tensors[], batchSize: number | Tensor, capacity?: number | null, enqueueMany?: boolean | null, shapes?: Shapes, dynamicPad?: boolean | null, allowSmallerFinalBatch?: boolean | null, sharedName?: string | null, name?: string | null): any => {
    if (tensorsList.length === 0) throw new ValueError('Expected at least one input in batch_join().');
    const flats = tensorsList.map(asList);
    return nameScope(name, 'batch_join', (scope) => batchImpl({ lists: flats.map((f) => f.list), flat: flats[0]!, batchSize, capacity: capacity ?? 32, numThreads: 1, enqueueMany: !!enqueueMany, shapes, dynamicPad: !!dynamicPad, allowSmallerFinalBatch: !!allowSmallerFinalBatch, sharedName: sharedName ?? null, shuffle: null, scope, where: 'batch_join' }));
  }, 2);

/**
 * `tf.train.shuffleBatchJoin(tensorsList, batchSize, capacity, minAfterDequeue, seed?,
 * enqueueMany = false, shapes?, allowSmallerFinalBatch = false, sharedName?, name?)`.
 */
export const shuffleBatchJoin = tf1Function('train.shuffle_batch_join', ['tensorsList', 'batchSize', 'capacity', 'minAfterDequeue', 'seed', 'enqueueMany', 'shapes', 'allowSmallerFinalBatch', 'sharedName', 'name'],
  (tensorsList: readonly Tensors[], batchSize: number | Tensor, capacity: number, minAfterDequeue: number, seed?: number | null, enqueueMany?: boolean | null, shapes?: Shapes, allowSmallerFinalBatch?: boolean | null, sharedName?: string | null, name?: string | null): any => {
    if (tensorsList.length === 0) throw new ValueError('Expected at least one input in shuffle_batch_join().');
    const flats = tensorsList.map(asList);
    return nameScope(name, 'shuffle_batch_join', (scope) => {
      if (capacity <= minAfterDequeue) throw new ValueError(`capacity ${capacity} must be bigger than min_after_dequeue ${minAfterDequeue}.`);
      return batchImpl({ lists: flats.map((f) => f.list), flat: flats[0]!, batchSize, capacity, numThreads: 1, enqueueMany: !!enqueueMany, shapes, dynamicPad: false, allowSmallerFinalBatch: !!allowSmallerFinalBatch, sharedName: sharedName ?? null, shuffle: { minAfterDequeue, seed: seed ?? null }, scope, where: 'shuffle_batch_join' });
    });
  }, 4);

// ----- maybe_*: conditional enqueueing ----------------------------------------------------------

/** TF's _validate_keep_input: a bool tensor of rank 0, or rank 1 with enqueueMany. */
function validateKeepInput(keepInput: TensorLike, enqueueMany: boolean): Tensor {
  const k = toTensor(keepInput, 'bool', 'keep_input');
  if (k.dtype !== 'bool') throw new TypeError(`keep_input must be a bool tensor, got ${k.dtype}`);
  if (k.shape === null) throw new ValueError('`keep_input` dimensions must be known at graph construction.');
  if (!enqueueMany && k.shape.length === 1) throw new ValueError('`keep_input` cannot be a vector when `enqueue_many=False`.');
  if (k.shape.length > 1) throw new ValueError('`keep_input` must be 0 or 1 dimensions.');
  return k;
}

/**
 * `tf.train.maybeBatch(tensors, keepInput, batchSize, numThreads = 1, capacity = 32,
 * enqueueMany = false, shapes?, dynamicPad = false, allowSmallerFinalBatch = false, sharedName?,
 * name?)`: tf.train.batch that enqueues only where `keepInput` (a bool scalar, or with
 * enqueueMany a vector choosing rows) is true.
 */
export const maybeBatch = tf1Function('train.maybe_batch', ['tensors', 'keepInput', 'batchSize', 'numThreads', 'capacity', 'enqueueMany', 'shapes', 'dynamicPad', 'allowSmallerFinalBatch', 'sharedName', 'name'],
  (tensors: Tensors, keepInput: TensorLike, batchSize: number | Tensor, numThreads?: number | null, capacity?: number | null, enqueueMany?: boolean | null, shapes?: Shapes, dynamicPad?: boolean | null, allowSmallerFinalBatch?: boolean | null, sharedName?: string | null, name?: string | null): any => {
    const flat = asList(tensors);
    return nameScope(name, 'batch', (scope) => {
      const keep = validateKeepInput(keepInput, !!enqueueMany);
      return batchImpl({ lists: [flat.list], flat, batchSize, capacity: capacity ?? 32, numThreads: numThreads ?? 1, enqueueMany: !!enqueueMany, shapes, dynamicPad: !!dynamicPad, allowSmallerFinalBatch: !!allowSmallerFinalBatch, sharedName: sharedName ?? null, shuffle: null, scope, where: 'maybe_batch', keepInput: keep });
    });
  }, 3);

/**
 * `tf.train.maybeShuffleBatch(tensors, batchSize, capacity, minAfterDequeue, keepInput,
 * numThreads = 1, seed?, enqueueMany = false, shapes?, allowSmallerFinalBatch = false,
 * sharedName?, name?)`.
 */
export const maybeShuffleBatch = tf1Function('train.maybe_shuffle_batch', ['tensors', 'batchSize', 'capacity', 'minAfterDequeue', 'keepInput', 'numThreads', 'seed', 'enqueueMany', 'shapes', 'allowSmallerFinalBatch', 'sharedName', 'name'],
  (tensors: Tensors, batchSize: number | Tensor, capacity: number, minAfterDequeue: number, keepInput: TensorLike, numThreads?: number | null, seed?: number | null, enqueueMany?: boolean | null, shapes?: Shapes, allowSmallerFinalBatch?: boolean | null, sharedName?: string | null, name?: string | null): any => {
    const flat = asList(tensors);
    return nameScope(name, 'shuffle_batch', (scope) => {
      const keep = validateKeepInput(keepInput, !!enqueueMany);
      if (capacity <= minAfterDequeue) throw new ValueError(`capacity ${capacity} must be bigger than min_after_dequeue ${minAfterDequeue}.`);
      return batchImpl({ lists: [flat.list], flat, batchSize, capacity, numThreads: numThreads ?? 1, enqueueMany: !!enqueueMany, shapes, dynamicPad: false, allowSmallerFinalBatch: !!allowSmallerFinalBatch, sharedName: sharedName ?? null, shuffle: { minAfterDequeue, seed: seed ?? null }, scope, where: 'maybe_shuffle_batch', keepInput: keep });
    });
  }, 5);

/** `tf.train.maybeBatchJoin(tensorsList, keepInput, batchSize, capacity = 32, enqueueMany = false, shapes?, dynamicPad = false, allowSmallerFinalBatch = false, sharedName?, name?)`. */
export const maybeBatchJoin = tf1Function('train.maybe_batch_join', ['tensorsList', 'keepInput', 'batchSize', 'capacity', 'enqueueMany', 'shapes', 'dynamicPad', 'allowSmallerFinalBatch', 'sharedName', 'name'],
  (tensorsList: readonly Tensors[], keepInput: TensorLike, batchSize: number | Tensor, capacity?: number | null, enqueueMany?: boolean | null, shapes?: Shapes, dynamicPad?: boolean | null, allowSmallerFinalBatch?: boolean | null, sharedName?: string | null, name?: string | null): any => {
    if (tensorsList.length === 0) throw new ValueError('Expected at least one input in batch_join().');
    const flats = tensorsList.map(asList);
    return nameScope(name, 'batch_join', (scope) => {
      const keep = validateKeepInput(keepInput, !!enqueueMany);
      return batchImpl({ lists: flats.map((f) => f.list), flat: flats[0]!, batchSize, capacity: capacity ?? 32, numThreads: 1, enqueueMany: !!enqueueMany, shapes, dynamicPad: !!dynamicPad, allowSmallerFinalBatch: !!allowSmallerFinalBatch, sharedName: sharedName ?? null, shuffle: null, scope, where: 'maybe_batch_join', keepInput: keep });
    });
  }, 3);

/** `tf.train.maybeShuffleBatchJoin(tensorsList, batchSize, capacity, minAfterDequeue, keepInput, seed?, enqueueMany = false, shapes?, allowSmallerFinalBatch = false, sharedName?, name?)`. */
export const maybeShuffleBatchJoin = tf1Function('train.maybe_shuffle_batch_join', ['tensorsList', 'batchSize', 'capacity', 'minAfterDequeue', 'keepInput', 'seed', 'enqueueMany', 'shapes', 'allowSmallerFinalBatch', 'sharedName', 'name'],
  (tensorsList: readonly Tensors[], batchSize: number | Tensor, capacity: number, minAfterDequeue: number, keepInput: TensorLike, seed?: number | null, enqueueMany?: boolean | null, shapes?: Shapes, allowSmallerFinalBatch?: boolean | null, sharedName?: string | null, name?: string | null): any => {
    if (tensorsList.length === 0) throw new ValueError('Expected at least one input in shuffle_batch_join().');
    const flats = tensorsList.map(asList);
    return nameScope(name, 'shuffle_batch_join', (scope) => {
      const keep = validateKeepInput(keepInput, !!enqueueMany);
      if (capacity <= minAfterDequeue) throw new ValueError(`capacity ${capacity} must be bigger than min_after_dequeue ${minAfterDequeue}.`);
      return batchImpl({ lists: flats.map((f) => f.list), flat: flats[0]!, batchSize, capacity, numThreads: 1, enqueueMany: !!enqueueMany, shapes, dynamicPad: false, allowSmallerFinalBatch: !!allowSmallerFinalBatch, sharedName: sharedName ?? null, shuffle: { minAfterDequeue, seed: seed ?? null }, scope, where: 'maybe_shuffle_batch_join', keepInput: keep });
    });
  }, 5);
