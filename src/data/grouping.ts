/**
 * `tf.data.experimental.groupByWindow(keyFunc, reduceFunc, windowSize?, windowSizeFunc?)`: TF's
 * GroupByWindowDataset. Each element goes to the group of its int64 key; once a group holds its
 * window size of elements, `reduceFunc(key, window)` (the window a dataset of those elements)
 * gives a dataset whose elements follow; at the end of the input the groups left are flushed,
 * smallest key first (TF's std::map order). Window elements may differ in shape
 * (`window.paddedBatch(...)`). Also `bucketBySequenceLength`, TF's padded batches per length
 * bucket built on it.
 */
import { kwargs } from '../args.js';
import { arrayCtor, StringArray } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { toTensor } from '../ops/convert.js';
import type { HostGen } from '../session/host-stage.js';
import type { PartialShape } from '../shape.js';
import { Dataset, type Element, type ElementSpec, type IterContext, type Stage, TracedFunction, UnaryDataset, disown, raggedWindows, row, stack } from './dataset.js';
import { type Structure, flatten, pack, refuseSparse, sameStructure } from './nest.js';

const INT = ['int32', 'int64'];
const isScalarShape = (s: PartialShape): boolean => s === null || s.length === 0;
const sameShape = (a: NDArray, b: NDArray): boolean => a.shape.length === b.shape.length && a.shape.every((d, k) => d === b.shape[k]);

/** The dataset of one group's elements, as `reduceFunc` gets it: component tensors with the elements along their first axis. */
class GroupDataset extends Dataset {
  readonly spec: ElementSpec;
  constructor(private readonly parts: Tensor[], structure: Structure) {
    super();
    this.spec = { structure, dtypes: parts.map((t) => t.dtype), shapes: parts.map((t) => (t.shape === null ? null : t.shape.slice(1))) };
  }
  override captures(): Tensor[] {
    return this.parts;
  }
  open(ctx: IterContext): Stage {
    const vals = this.parts.map((t) => ctx.captured.get(t)!);
    const lists = vals.map((v) => raggedWindows.get(v) ?? null);
    const n = vals[0]!.shape[0]!;
    let i = 0;
    return {
      *next() {
        if (i >= n) return null;
        const k = i++;
        return vals.map((v, c) => lists[c]?.[k] ?? row(v, k));
      },
    };
  }
}

/** A group's component: stacked when its elements share a shape, else a stand-in holding their list (as windows do). */
function groupComponent(items: NDArray[], c: number): NDArray {
  const f = items[0]!;
  if (items.every((x) => sameShape(x, f))) return stack(items, c);
  const rank = items.every((x) => x.shape.length === f.shape.length) ? f.shape.length : 0;
  const shape = [items.length, ...Array.from({ length: rank }, (_, k) => (items.every((x) => x.shape[k] === f.shape[k]) ? f.shape[k]! : 0))];
  const stand = new NDArray(f.dtype === 'string' ? (new StringArray(0) as never) : (new (arrayCtor(f.dtype))(0) as never), shape, f.dtype);
  raggedWindows.set(stand, items);
  return stand;
}

interface WindowReducer {
  fn: TracedFunction;
  inner: Dataset;
}

/** `reduceFunc(key, window)` traced once: the window's components are placeholders `[n, ...]`. */
function makeReducer(input: ElementSpec, reduceFunc: (key: Tensor, window: Dataset) => unknown, what: string): WindowReducer {
  if (typeof reduceFunc !== 'function') throw new TypeError(`${what}: \`reduce_func\` must be callable`);
  let inner: Dataset | null = null;
  const spec: ElementSpec = { structure: [null, input.structure], dtypes: ['int64', ...input.dtypes], shapes: [[], ...input.shapes.map((s) => (s === null ? null : [null, ...s]))] };
  const fn = new TracedFunction((key: Tensor, window: unknown) => {
    const parts = flatten<Tensor>(window, (x) => x instanceof Tensor).leaves;
    const d = reduceFunc(key, new GroupDataset(parts, input.structure));
    if (!(d instanceof Dataset)) throw new TypeError('`reduce_func` must return a `Dataset` object.');
    inner = d;
    return d.captures();
  }, spec, what);
  return { fn, inner: inner! };
}

interface Grouping {
  key(ctx: IterContext, el: Element): HostGen<number>;
  windowSize(ctx: IterContext, key: number): HostGen<number>;
  reducer(key: number): WindowReducer;
  /** The traced functions (key, window size, reducers): their captured outer tensors are the dataset's. */
  functions: TracedFunction[];
}

class GroupByWindowDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  constructor(input: Dataset, private readonly g: Grouping, specs: ElementSpec[], private readonly extra: Tensor[]) {
    super(input);
    this.functions.push(...g.functions);
    const first = specs[0]!;
    for (const s of specs) {
      if (s.dtypes.length !== first.dtypes.length || s.dtypes.some((d, i) => d !== first.dtypes[i])) throw new TypeError('The datasets `reduce_func` returns for the buckets must have the same types.');
    }
    const most = (x: PartialShape, y: PartialShape): PartialShape => (x === null || y === null || x.length !== y.length ? null : x.map((d, k) => (d === y[k] ? d : null)));
    this.spec = { structure: first.structure, dtypes: first.dtypes, shapes: first.shapes.map((s, i) => specs.reduce<PartialShape>((m, p) => most(m, p.shapes[i]!), s)) };
  }
  override captures(): Tensor[] {
    return [...super.captures(), ...this.extra];
  }
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    const g = this.g;
    const groups = new Map<number, Element[]>();
    const sizes = new Map<number, number>();
    let ended = false;
    let current: Stage | null = null;
    const flush = function* (key: number): HostGen<Stage> {
      const items = groups.get(key)!;
      groups.delete(key);
      const r = g.reducer(key);
      const comps = items[0]!.map((_, c) => groupComponent(items.map((e) => e[c]!), c));
      const vals = yield* r.fn.call(ctx, [new NDArray(Float64Array.of(key), [], 'int64'), ...comps]);
      const captured = new Map(ctx.captured);
      r.inner.captures().forEach((t, i) => captured.set(t, vals[i]!));
      return r.inner.open(Object.create(ctx, { captured: { value: captured } }) as IterContext);
    };
    return {
      *next() {
        for (;;) {
          if (current) {
            const el = yield* current.next();
            if (el !== null) return el;
            current = null;
          }
          while (!ended && !current) {
            const el = yield* up.next();
            if (el === null) {
              ended = true;
              break;
            }
            const key = yield* g.key(ctx, el);
            let size = sizes.get(key);
            if (size === undefined) {
              size = yield* g.windowSize(ctx, key);
              if (!(size > 0)) throw new InvalidArgumentError(`Window size must be greater than zero, but got ${size}.`);
              sizes.set(key, size);
            }
            disown(el); // held until its group is flushed
            let grp = groups.get(key);
            if (!grp) groups.set(key, (grp = []));
            grp.push(el);
            if (grp.length === size) current = yield* flush(key);
          }
          if (!current) {
            if (groups.size === 0) return null;
            current = yield* flush(Math.min(...groups.keys()));
          }
        }
      },
    };
  }
}

/** A traced function of the element returning one integer scalar (TF converts it to int64). */
function scalarFn(f: (...args: any[]) => unknown, spec: ElementSpec, what: string, message: string, dtypes = ['int64']): TracedFunction {
  if (typeof f !== 'function') throw new TypeError(`${what} must be callable`);
  const fn = new TracedFunction((...args: unknown[]) => {
    const r = f(...args);
    return r instanceof Tensor ? r : toTensor(r as never, 'int64');
  }, spec, what);
  const o = fn.outputs;
  if (o.length !== 1 || !dtypes.includes(o[0]!.dtype) || !isScalarShape(o[0]!.shape)) throw new ValueError(message);
  return fn;
}

function* runScalar(fn: TracedFunction, ctx: IterContext, args: Element, message: string): HostGen<number> {
  const [v] = yield* fn.call(ctx, args);
  if (!v || v.size !== 1) throw new InvalidArgumentError(message);
  return Number(v.data[0]);
}

/**
 * `groupByWindow(keyFunc, reduceFunc, windowSize?, windowSizeFunc?)` (or those by keyword):
 * exactly one of a window size (a number or an int64 scalar tensor) and a function of the key.
 */
export function groupByWindow(...args: unknown[]): (dataset: Dataset) => Dataset {
  const a = kwargs(args, ['keyFunc', 'reduceFunc', 'windowSize', 'windowSizeFunc'], 'group_by_window', 2);
  const size = a.windowSize ?? null;
  const sizeFunc = (a.windowSizeFunc ?? null) as ((key: Tensor) => unknown) | null;
  if ((size !== null && sizeFunc) || !(size !== null || sizeFunc)) throw new ValueError('Must pass either window_size or window_size_func.');
  return (dataset) => {
    const keyFn = scalarFn(a.keyFunc as never, dataset.spec, 'group_by_window', '`key_func` must return a single tf.int64 scalar tensor.');
    const sizeFn = sizeFunc ? scalarFn(sizeFunc, { structure: null, dtypes: ['int64'], shapes: [[]] }, 'group_by_window', '`window_size_func` must return a single tf.int64 scalar tensor.') : null;
    if (size instanceof Tensor && (!INT.includes(size.dtype) || !isScalarShape(size.shape))) throw new ValueError('`window_size` must be a tf.int64 scalar.');
    if (size !== null && !(size instanceof Tensor) && !Number.isInteger(size)) throw new TypeError(`\`window_size\` must be an integer, got ${String(size)}`);
    refuseSparse(dataset.spec.structure, 'group_by_window');
    const r = makeReducer(dataset.spec, a.reduceFunc as never, 'group_by_window');
    const g: Grouping = {
      key: (ctx, el) => runScalar(keyFn, ctx, el, '`key_func` must return a scalar int64.'),
      *windowSize(ctx, key) {
        if (sizeFn) return yield* runScalar(sizeFn, ctx, [new NDArray(Float64Array.of(key), [], 'int64')], '`window_size_func` must return a scalar int64.');
        return size instanceof Tensor ? Number(ctx.captured.get(size)!.data[0]) : (size as number);
      },
      reducer: () => r,
      functions: [keyFn, ...(sizeFn ? [sizeFn] : []), r.fn],
    };
    return new GroupByWindowDataset(dataset, g, [r.inner.spec], size instanceof Tensor ? [size] : []);
  };
}

const INT32_MIN = -(2 ** 31), INT32_MAX = 2 ** 31 - 1;

/**
 * `bucketBySequenceLength(elementLengthFunc, bucketBoundaries, bucketBatchSizes, paddedShapes?,
 * paddingValues?, padToBucketBoundary = false, noPadding = false, dropRemainder = false)`:
 * elements of length in `[boundaries[i-1], boundaries[i])` are batched together,
 * `bucketBatchSizes[i]` at a time, padded (unknown dimensions to the batch's longest, or with
 * `padToBucketBoundary` to the bucket's boundary − 1).
 */
export function bucketBySequenceLength(...args: unknown[]): (dataset: Dataset) => Dataset {
  const a = kwargs(args, ['elementLengthFunc', 'bucketBoundaries', 'bucketBatchSizes', 'paddedShapes', 'paddingValues', 'padToBucketBoundary', 'noPadding', 'dropRemainder'], 'bucket_by_sequence_length', 3);
  const bounds = [...(a.bucketBoundaries as number[])];
  const sizes = [...(a.bucketBatchSizes as number[])];
  if (sizes.length !== bounds.length + 1) throw new ValueError('len(bucket_batch_sizes) must equal len(bucket_boundaries) + 1');
  const drop = !!a.dropRemainder;
  const toBoundary = !!a.padToBucketBoundary;
  // padding values given as constant tensors are read now: the batches are made inside the reducer's own graph
  const constValue = (x: unknown): unknown => {
    if (!(x instanceof Tensor)) return x;
    const v = x.op.type === 'Const' ? (x.op.attrs as { value?: unknown }).value : undefined;
    if (!(v instanceof NDArray)) throw new ValueError(`bucket_by_sequence_length: padding value ${x.name} must be a constant`);
    return v;
  };
  const isLeaf = (x: unknown): boolean => x instanceof Tensor || !(Array.isArray(x) || (typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype));
  const given = a.paddingValues === undefined || a.paddingValues === null ? null : flatten<unknown>(a.paddingValues, isLeaf);
  const padValues = given === null ? null : pack(given.structure, given.leaves.map(constValue));
  return (dataset) => {
    const lenFn = scalarFn(a.elementLengthFunc as never, dataset.spec, 'bucket_by_sequence_length', '`element_length_func` must return a single integer scalar tensor.', INT);
    const mins = [INT32_MIN, ...bounds];
    const maxs = [...bounds, INT32_MAX];
    const isShape = (x: unknown): boolean => x === null || (Array.isArray(x) && x.every((d) => d === null || typeof d === 'number'));
    const baseShapes = a.paddedShapes === undefined || a.paddedShapes === null ? dataset.spec.shapes : flatten<PartialShape>(a.paddedShapes, isShape).leaves;
    const reducers = sizes.map((b, i) => {
      const filler = toBoundary && i < bounds.length ? bounds[i]! - 1 : null;
      const shapes = baseShapes.map((s) => (s === null ? null : s.map((d) => (d === null || d === -1 ? filler : d))));
      return makeReducer(dataset.spec, (_key, grouped) => (a.noPadding ? grouped.batch(b, drop) : grouped.paddedBatch(b, shapes, padValues, drop)), 'bucket_by_sequence_length');
    });
    const g: Grouping = {
      *key(ctx, el) {
        const n = yield* runScalar(lenFn, ctx, el, '`element_length_func` must return a scalar.');
        const id = mins.findIndex((lo, i) => lo <= n && n < maxs[i]!);
        if (id < 0) throw new InvalidArgumentError(`Element length ${n} is in no bucket (the buckets span [${INT32_MIN}, ${INT32_MAX}))`);
        return id;
      },
      *windowSize(_ctx, key) {
        return sizes[key]!;
      },
      reducer(key) {
        if (toBoundary && key === bounds.length) throw new InvalidArgumentError('When pad_to_bucket_boundary=True, elements must have length < max(bucket_boundaries).');
        return reducers[key]!;
      },
      functions: [lenFn, ...reducers.map((r) => r.fn)],
    };
    return new GroupByWindowDataset(dataset, g, reducers.map((r) => r.inner.spec), []);
  };
}


type StateFn = (...args: any[]) => unknown;

/**
 * `tf.data.experimental.Reducer(initFunc, reduceFunc, finalizeFunc)`: the reduction of one
 * group for `groupByReducer`: `initFunc(key)` gives a group's first state, `reduceFunc(state,
 * element)` the state after each element, `finalizeFunc(...state)` the group's output.
 */
export class Reducer {
  readonly initFunc: StateFn;
  readonly reduceFunc: StateFn;
  readonly finalizeFunc: StateFn;
  constructor(...args: unknown[]) {
    const a = kwargs(args, ['initFunc', 'reduceFunc', 'finalizeFunc'], 'Reducer', 3);
    for (const k of ['initFunc', 'reduceFunc', 'finalizeFunc'] as const) {
      if (typeof a[k] !== 'function') throw new TypeError(`Reducer: \`${k.replace(/F/, '_f')}\` must be callable`);
    }
    this.initFunc = a.initFunc as StateFn;
    this.reduceFunc = a.reduceFunc as StateFn;
    this.finalizeFunc = a.finalizeFunc as StateFn;
  }
}

const stateTypesText = (s: Structure, dtypes: readonly string[]): string => JSON.stringify(pack(s, dtypes.map((d) => `tf.${d}`)));
const sameShapes = (x: PartialShape, y: PartialShape): boolean => (x === null || y === null ? x === y : x.length === y.length && x.every((d, k) => d === y[k]));
const mostSpecific = (x: PartialShape, y: PartialShape): PartialShape => (x === null || y === null || x.length !== y.length ? null : x.map((d, k) => (d === y[k] ? d : null)));

/** TF's GroupByReducerDataset: every input element read first, then one output per key, smallest key first. */
class GroupByReducerDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  private readonly keyFn: TracedFunction;
  private readonly initFn: TracedFunction;
  private readonly reduceFn: TracedFunction;
  private readonly finalizeFn: TracedFunction;
  constructor(input: Dataset, keyFunc: (...args: any[]) => unknown, reducer: Reducer) {
    super(input);
    if (!(reducer instanceof Reducer)) throw new TypeError('`reducer` must be a `tf.data.experimental.Reducer`');
    refuseSparse(input.spec.structure, 'group_by_reducer');
    this.keyFn = scalarFn(keyFunc, input.spec, 'group_by_reducer', '`key_func` must return a single tf.int64 tensor.');
    this.initFn = new TracedFunction(reducer.initFunc, { structure: null, dtypes: ['int64'], shapes: [[]] }, 'group_by_reducer');
    const state = this.initFn.structure;
    const dtypes = this.initFn.outputs.map((t) => t.dtype);
    let shapes: PartialShape[] = this.initFn.outputs.map((t) => t.shape);
    const el = input.spec;
    let fn: TracedFunction;
    // rerun until the state's shapes are a fixed point (TF's _make_reduce_func)
    for (;;) {
      fn = new TracedFunction(reducer.reduceFunc, { structure: [state, el.structure], dtypes: [...dtypes, ...el.dtypes], shapes: [...shapes, ...el.shapes] }, 'group_by_reducer');
      if (!sameStructure(fn.structure, state) || fn.outputs.some((t, i) => t.dtype !== dtypes[i])) {
        throw new TypeError(`The element types for the new state must match the initial state. Expected ${stateTypesText(state, dtypes)}; got ${stateTypesText(fn.structure, fn.outputs.map((t) => t.dtype))}.`);
      }
      const relaxed = shapes.map((s, i) => mostSpecific(s, fn.outputs[i]!.shape));
      if (relaxed.every((s, i) => sameShapes(s, shapes[i]!))) break;
      shapes = relaxed;
    }
    this.reduceFn = fn;
    this.finalizeFn = new TracedFunction(reducer.finalizeFunc, { structure: state, dtypes, shapes }, 'group_by_reducer');
    const out = this.finalizeFn.outputs;
    this.spec = { structure: this.finalizeFn.structure, dtypes: out.map((t) => t.dtype), shapes: out.map((t) => t.shape) };
    this.functions.push(this.keyFn, this.initFn, this.reduceFn, this.finalizeFn);
  }
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    const { keyFn, initFn, reduceFn, finalizeFn } = this;
    const states = new Map<number, Element>();
    let keys: number[] | null = null;
    let ki = 0;
    return {
      *next() {
        while (keys === null) {
          const el = yield* up.next();
          if (el === null) {
            keys = [...states.keys()].sort((x, y) => x - y);
            break;
          }
          const key = yield* runScalar(keyFn, ctx, el, '`key_func` must return a scalar int64.');
          let s = states.get(key);
          if (s === undefined) s = yield* initFn.call(ctx, [new NDArray(Float64Array.of(key), [], 'int64')]);
          s = yield* reduceFn.call(ctx, [...s, ...el]);
          disown(s); // kept until the group is finalized
          states.set(key, s);
        }
        if (ki >= keys.length) return null;
        return yield* finalizeFn.call(ctx, states.get(keys[ki++]!)!);
      },
    };
  }
}

/** `groupByReducer(keyFunc, reducer)`: for `dataset.apply`. */
export function groupByReducer(...args: unknown[]): (dataset: Dataset) => Dataset {
  const a = kwargs(args, ['keyFunc', 'reducer'], 'group_by_reducer', 2);
  return (dataset) => new GroupByReducerDataset(dataset, a.keyFunc as never, a.reducer as Reducer);
}
