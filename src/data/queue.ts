/**
 * TF1's queues: `tf.FIFOQueue`, `tf.RandomShuffleQueue`, `tf.PaddingFIFOQueue`, `tf.PriorityQueue`.
 *
 * A queue is a per-session resource, as TF's queue resources are: the queue op
 * (`FIFOQueueV2`, `RandomShuffleQueueV2`, `PaddingFIFOQueueV2`) and the ops acting on it
 * (`QueueEnqueueV2`, `QueueEnqueueManyV2`, `QueueDequeueV2`, `QueueDequeueManyV2`,
 * `QueueDequeueUpToV2`, `QueueCloseV2`, `QueueSizeV2`, `QueueIsClosedV2`) are host-stage ops
 * (src/session/host-stage.ts). A dequeue on an empty open queue, or an enqueue on a full one,
 * waits as in TF1 until another run of the session (a queue runner) changes the queue or closes
 * it: the waiting run parks on the session's run lock (src/session/run-lock.ts), giving it back
 * meanwhile. `runSync` cannot wait, and a wait nothing could end fails clearly.
 */
import { type DType, parseDType } from '../dtype.js';
import { StringArray } from '../string-array.js';
import { CancelledError, InvalidArgumentError, OutOfRangeError, RuntimeError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { convertToTensor } from '../ops/convert-to-tensor.js';
import { defineOp, makeOp, registerGradient } from '../ops/registry.js';
import { type HostContext, type HostGen, registerHostOp, wait } from '../session/host-stage.js';
import { runLockOf } from '../session/run-lock.js';
import type { SessionState } from '../session/runner.js';
import { type PartialShape, compatible, pyShape, sizeOf } from '../shape.js';
import './queue-graphdef.js';

type Kind = 'FIFOQueue' | 'RandomShuffleQueue' | 'PaddingFIFOQueue' | 'PriorityQueue';

/** @internal The session-independent identity of one queue. */
export class QueueResource {
  constructor(
    readonly kind: Kind,
    readonly capacity: number,
    readonly dtypes: DType[],
    readonly shapes: PartialShape[] | null,
    readonly sharedName: string,
    readonly opName: string,
    readonly minAfterDequeue: number,
    readonly seed: number | null,
  ) {}
}

type Element = NDArray[];

interface QState {
  name: string;
  items: Element[];
  closed: boolean;
  /** Bumped by a close that cancels pending enqueues. */
  cancelled: number;
  /** Enqueue and dequeue ops in progress, in arrival order: each is served when it is first in its line (TF's attempts, first come first served). */
  enqLine: object[];
  deqLine: object[];
  /** Runs waiting for the queue to change (an enqueue, a dequeue or a close). */
  waiters: (() => void)[];
  rand: () => number;
}

const states = new WeakMap<SessionState, { counter: number; byShared: Map<string, QState>; byRes: Map<QueueResource, QState> }>();

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function stateOf(s: SessionState, r: QueueResource): QState {
  let m = states.get(s);
  if (!m) states.set(s, (m = { counter: 0, byShared: new Map(), byRes: new Map() }));
  let q = m.byRes.get(r);
  if (q) return q;
  if (r.sharedName !== '') q = m.byShared.get(r.sharedName);
  if (!q) {
    const name = r.sharedName !== '' ? r.sharedName : `_${m.counter++}_${r.opName}`;
    q = { name, items: [], closed: false, cancelled: 0, enqLine: [], deqLine: [], waiters: [], rand: r.seed === null ? Math.random : mulberry32(r.seed) };
    if (r.sharedName !== '') m.byShared.set(r.sharedName, q);
  }
  m.byRes.set(r, q);
  return q;
}

function notify(q: QState): void {
  const w = q.waiters;
  q.waiters = [];
  for (const f of w) f();
}

function* waitChange(q: QState, hc: HostContext, kind: 'Enqueue' | 'Dequeue', what: string, opName: string, again: boolean): HostGen<void> {
  const lock = runLockOf(hc.runner.state);
  if (hc.sync || !lock) {
    throw new RuntimeError(`${what} on queue '${q.name}' would block (op ${opName}): runSync cannot wait for another run to change the queue; use await sess.run(...), with the runs that fill or drain it (queue runners) in flight`);
  }
  // the run gives the session's lock back while it waits, so other runs can change the queue
  yield* wait(lock.park(kind, `${what} on queue '${q.name}'`, opName, (wake) => q.waiters.push(wake), again));
}

interface QAttrs { resource: QueueResource; [k: string]: unknown }
interface ManyAttrs extends QAttrs { n?: number }

const handleOut = (): { dtype: DType; shape: PartialShape }[] => [{ dtype: 'string', shape: [2] }];
const noLower = (t: string) => (): never => {
  throw new Error(`${t} runs on the host before the plan; it cannot be lowered`);
};

for (const t of ['FIFOQueueV2', 'RandomShuffleQueueV2', 'PaddingFIFOQueueV2', 'PriorityQueueV2']) {
  defineOp<QAttrs>({ type: t, infer: handleOut, lower: noLower(t), stateful: true });
  registerGradient(t, null);
}
const elShape = (a: QAttrs, i: number): PartialShape => (a.resource.shapes ? a.resource.shapes[i]! : null);
const batched = (s: PartialShape, n: number | null): PartialShape => (s === null ? null : [n, ...s]);
defineOp<QAttrs>({ type: 'QueueEnqueueV2', infer: () => [], lower: () => [], stateful: true });
defineOp<QAttrs>({ type: 'QueueEnqueueManyV2', infer: () => [], lower: () => [], stateful: true });
defineOp<QAttrs>({ type: 'QueueCloseV2', infer: () => [], lower: () => [], stateful: true });
defineOp<QAttrs>({
  type: 'QueueDequeueV2',
  infer: (_i, a) => a.resource.dtypes.map((d, i) => ({ dtype: d, shape: a.resource.kind === 'PaddingFIFOQueue' ? elShape(a, i) : elShape(a, i) })),
  lower: noLower('QueueDequeueV2'),
  stateful: true,
});
defineOp<ManyAttrs>({
  type: 'QueueDequeueManyV2',
  infer: (_i, a) => a.resource.dtypes.map((d, i) => ({ dtype: d, shape: batched(elShape(a, i), a.n ?? null) })),
  lower: noLower('QueueDequeueManyV2'),
  stateful: true,
});
defineOp<ManyAttrs>({
  type: 'QueueDequeueUpToV2',
  infer: (_i, a) => a.resource.dtypes.map((d, i) => ({ dtype: d, shape: batched(elShape(a, i), null) })),
  lower: noLower('QueueDequeueUpToV2'),
  stateful: true,
});
defineOp<QAttrs>({ type: 'QueueSizeV2', infer: () => [{ dtype: 'int32', shape: [] }], lower: noLower('QueueSizeV2'), stateful: true });
defineOp<QAttrs>({ type: 'QueueIsClosedV2', infer: () => [{ dtype: 'bool', shape: [] }], lower: noLower('QueueIsClosedV2'), stateful: true });
for (const t of ['QueueEnqueueV2', 'QueueEnqueueManyV2', 'QueueCloseV2', 'QueueDequeueV2', 'QueueDequeueManyV2', 'QueueDequeueUpToV2', 'QueueSizeV2', 'QueueIsClosedV2']) registerGradient(t, null);

function emptyData(dtype: DType, n: number, like: NDArray): NDArray['data'] {
  if (dtype === 'string') return new StringArray(n).fill(new Uint8Array(0)) as never;
  return new ((like.data as object).constructor as new (n: number) => NDArray['data'])(n);
}

/** Stack equal-shaped (or, padding, zero-padded to the largest) elements along a new first axis. */
function stack(vals: NDArray[], dtype: DType, pad: boolean, spec: PartialShape, opName: string): NDArray {
  const first = vals[0]!;
  let shape = [...first.shape];
  if (pad) {
    shape = first.shape.map((_, d) => Math.max(...vals.map((v) => v.shape[d]!)));
    if (spec) spec.forEach((d, i) => { if (d !== null) shape[i] = d; });
  } else {
    for (const v of vals) if (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i])) throw new InvalidArgumentError(`Shape mismatch in dequeue: ${pyShape(v.shape)} vs ${pyShape(shape)}`, opName);
  }
  const per = sizeOf(shape);
  const out = emptyData(dtype, per * vals.length, first);
  vals.forEach((v, k) => {
    if (!pad || v.shape.every((d, i) => d === shape[i])) {
      (out as unknown as { set(a: unknown, o: number): void }).set(v.data, k * per);
      return;
    }
    // copy row-major with the larger strides of `shape`
    const r = v.shape.length;
    const idx = new Array<number>(r).fill(0);
    for (let e = 0; e < v.size; e++) {
      let o = 0;
      for (let d = 0; d < r; d++) o = o * shape[d]! + idx[d]!;
      (out as unknown as unknown[])[k * per + o] = (v.data as unknown as unknown[])[e];
      for (let d = r - 1; d >= 0; d--) {
        if (++idx[d]! < v.shape[d]!) break;
        idx[d] = 0;
      }
    }
  });
  return new NDArray(out as never, [vals.length, ...shape], dtype);
}

function rowOf(v: NDArray, i: number): NDArray {
  const shape = v.shape.slice(1);
  const per = sizeOf(shape);
  const d = v.data as unknown as { slice(a: number, b: number): NDArray['data'] };
  let data = d.slice(i * per, (i + 1) * per);
  if (v.dtype === 'string') data = StringArray.fromValues([...(data as unknown as Uint8Array[])]) as never;
  return new NDArray(data as never, shape, v.dtype);
}

function checkElement(r: QueueResource, el: Element, opName: string): void {
  if (el.length !== r.dtypes.length) throw new InvalidArgumentError(`Expected ${r.dtypes.length} components but got ${el.length}`, opName);
  if (r.kind === 'PriorityQueue' && (el[0]!.dtype !== 'int64' || el[0]!.shape.length !== 0)) {
    throw new InvalidArgumentError(`Expected the priority element to be a scalar int64, got ${el[0]!.dtype} of shape ${pyShape(el[0]!.shape)}`, opName);
  }
  el.forEach((v, i) => {
    if (v.dtype !== r.dtypes[i]) throw new InvalidArgumentError(`Type mismatch in tuple component ${i}. Expected ${r.dtypes[i]}, got ${v.dtype}`, opName);
    const s = r.shapes?.[i] ?? null;
    if (s !== null && r.kind !== 'PaddingFIFOQueue' && !compatible(s, v.shape)) {
      throw new InvalidArgumentError(`Shape mismatch in tuple component ${i}. Expected ${pyShape(s)}, got ${pyShape(v.shape)}`, opName);
    }
    if (s !== null && r.kind === 'PaddingFIFOQueue' && !compatible(s, v.shape)) {
      throw new InvalidArgumentError(`Shape mismatch in tuple component ${i}. Expected ${pyShape(s)}, got ${pyShape(v.shape)}`, opName);
    }
  });
}

function* enqueueAll(op: Operation, q: QState, r: QueueResource, els: Element[], hc: HostContext): HostGen<NDArray[]> {
  // a closed queue refuses new enqueues; one already waiting goes on unless the close cancels it
  if (q.closed) throw new CancelledError(`${r.kind} '${q.name}' is closed.`, op.name);
  const gen = q.cancelled;
  let again = false;
  const me = {};
  q.enqLine.push(me);
  try {
    for (const el of els) {
      for (;;) {
        if (q.cancelled !== gen) throw new CancelledError('Enqueue operation was cancelled', op.name);
        // a negative capacity (TF's -1) is unbounded
        if (q.enqLine[0] === me && (r.capacity < 0 || q.items.length < r.capacity)) break;
        yield* waitChange(q, hc, 'Enqueue', 'Enqueue on a full queue', op.name, again);
        again = true;
      }
      q.items.push(el);
      notify(q);
    }
    return [];
  } finally {
    leave(q, q.enqLine, me);
  }
}

function leave(q: QState, line: object[], me: object): void {
  const i = line.indexOf(me);
  if (i >= 0) line.splice(i, 1);
  // the next in line may go now
  if (i === 0) notify(q);
}

registerHostOp('QueueEnqueueV2', function* (op, ins, hc) {
  const r = (op.attrs as QAttrs).resource;
  const el = ins.slice(1);
  checkElement(r, el, op.name);
  return yield* enqueueAll(op, stateOf(hc.runner.state, r), r, [el], hc);
});

registerHostOp('QueueEnqueueManyV2', function* (op, ins, hc) {
  const r = (op.attrs as QAttrs).resource;
  const comps = ins.slice(1);
  const n = comps[0]?.shape[0];
  for (const [i, c] of comps.entries()) {
    if (c.shape.length === 0 || c.shape[0] !== n) throw new InvalidArgumentError(`Shape mismatch in tuple component ${i}: enqueue_many needs a first dimension of ${n} in every component, got ${pyShape(c.shape)}`, op.name);
  }
  const els: Element[] = [];
  for (let k = 0; k < (n ?? 0); k++) els.push(comps.map((c) => rowOf(c, k)));
  for (const el of els) checkElement(r, el, op.name);
  return yield* enqueueAll(op, stateOf(hc.runner.state, r), r, els, hc);
});

function take(q: QState, r: QueueResource): Element {
  if (r.kind === 'PriorityQueue') {
    // the lowest priority first (equal priorities in the order they came)
    let best = 0;
    for (let i = 1; i < q.items.length; i++) if (q.items[i]![0]!.data[0]! < q.items[best]![0]!.data[0]!) best = i;
    return q.items.splice(best, 1)[0]!;
  }
  if (r.kind === 'RandomShuffleQueue') {
    const i = Math.floor(q.rand() * q.items.length);
    const el = q.items[i]!;
    q.items[i] = q.items[q.items.length - 1]!;
    q.items.pop();
    return el;
  }
  return q.items.shift()!;
}

function* dequeueN(op: Operation, hc: HostContext, n: number, upTo: boolean, r: QueueResource = (op.attrs as QAttrs).resource): HostGen<Element[]> {
  const q = stateOf(hc.runner.state, r);
  const keep = r.kind === 'RandomShuffleQueue' ? r.minAfterDequeue : 0;
  let again = false;
  const me = {};
  q.deqLine.push(me);
  // As TF's attempts: the first dequeue in line takes elements as they come (so it may ask for
  // more than the capacity); a failure puts them back at the front.
  const got: Element[] = [];
  try {
    for (;;) {
      if (q.deqLine[0] === me) {
        let took = false;
        while (got.length < n && q.items.length > (q.closed ? 0 : keep)) {
          got.push(take(q, r));
          took = true;
        }
        if (took) notify(q);
        if (got.length === n) return got;
        if (q.closed) {
          if (upTo && got.length > 0) return got;
          throw new OutOfRangeError(`${r.kind} '${q.name}' is closed and has insufficient elements (requested ${n - got.length}, current size ${q.items.length})`, op.name);
        }
      } else if (q.closed && q.items.length === 0) {
        throw new OutOfRangeError(`${r.kind} '${q.name}' is closed and has insufficient elements (requested ${n}, current size 0)`, op.name);
      }
      yield* waitChange(q, hc, 'Dequeue', 'Dequeue from a queue with too few elements', op.name, again);
      again = true;
    }
  } catch (e) {
    // nothing is taken by a dequeue that fails (closed, cancelled, timed out)
    if (got.length > 0) {
      q.items.unshift(...got);
      got.length = 0;
      notify(q);
    }
    throw e;
  } finally {
    leave(q, q.deqLine, me);
  }
}

/**
 * One element dequeued from `queue` for host op `op` (a reader taking its next work unit),
 * waiting as a dequeue op does.
 */
export function* dequeueFrom(queue: QueueBase, op: Operation, hc: HostContext): HostGen<NDArray[]> {
  const [el] = yield* dequeueN(op, hc, 1, false, queue.resource);
  return el!;
}

registerHostOp('QueueDequeueV2', function* (op, _ins, hc) {
  const [el] = yield* dequeueN(op, hc, 1, false);
  return el!;
});

function* dequeueMany(op: Operation, ins: NDArray[], hc: HostContext, upTo: boolean): HostGen<NDArray[]> {
  const r = (op.attrs as QAttrs).resource;
  const n = Number(ins[1]!.data[0]);
  if (!(n >= 0)) throw new InvalidArgumentError(`Dequeue${upTo ? 'UpTo' : 'Many'} requested ${n} < 0 elements`, op.name);
  if (n === 0) {
    return r.dtypes.map((d, i) => {
      const s = r.shapes?.[i];
      if (!s || s.some((x) => x === null)) throw new InvalidArgumentError(`Dequeue${upTo ? 'UpTo' : 'Many'} of 0 elements needs fully defined shapes`, op.name);
      return new NDArray(emptyData(d, 0, NDArray.zeros([1], d === 'string' ? 'float32' : d)) as never, [0, ...(s as number[])], d);
    });
  }
  const els = yield* dequeueN(op, hc, n, upTo);
  return r.dtypes.map((d, i) => stack(els.map((e) => e[i]!), d, r.kind === 'PaddingFIFOQueue', r.shapes?.[i] ?? null, op.name));
}
registerHostOp('QueueDequeueManyV2', (op, ins, hc) => dequeueMany(op, ins, hc, false));
registerHostOp('QueueDequeueUpToV2', (op, ins, hc) => dequeueMany(op, ins, hc, true));

registerHostOp('QueueCloseV2', function* (op, _ins, hc) {
  const q = stateOf(hc.runner.state, (op.attrs as QAttrs).resource);
  q.closed = true;
  // pending dequeues wake and fail when too few elements are left; pending enqueues go on
  // waiting for room, unless cancelPendingEnqueues cancels them
  if ((op.attrs as { cancelPendingEnqueues?: boolean }).cancelPendingEnqueues) q.cancelled++;
  notify(q);
  return [];
});
registerHostOp('QueueSizeV2', function* (op, _ins, hc) {
  const q = stateOf(hc.runner.state, (op.attrs as QAttrs).resource);
  return [new NDArray(Int32Array.of(q.items.length), [], 'int32')];
});
registerHostOp('QueueIsClosedV2', function* (op, _ins, hc) {
  const q = stateOf(hc.runner.state, (op.attrs as QAttrs).resource);
  return [new NDArray(Uint8Array.of(q.closed ? 1 : 0) as never, [], 'bool')];
});
for (const t of ['FIFOQueueV2', 'RandomShuffleQueueV2', 'PaddingFIFOQueueV2', 'PriorityQueueV2']) {
  registerHostOp(t, function* (op, _ins, hc) {
    const q = stateOf(hc.runner.state, (op.attrs as QAttrs).resource);
    return [new NDArray(StringArray.fromValues(['tsflow:queue', q.name]), [2], 'string')];
  });
}

export interface QueueOptions {
  shapes?: (readonly (number | null)[] | null)[] | null;
  names?: string[] | null;
  sharedName?: string | null;
  name?: string;
  seed?: number | null;
}

type Comp = unknown;

/** `tf.QueueBase`: the methods every queue has. */
export class QueueBase {
  /** The queue op's output (TF's resource handle). */
  readonly queueRef: Tensor;
  /** @internal */ readonly resource: QueueResource;
  readonly names: string[] | null;

  protected constructor(kind: Kind, capacity: number, dtypes: (DType | string)[], o: QueueOptions, extra: { minAfterDequeue?: number } = {}) {
    if (!Number.isInteger(capacity)) throw new TypeError(`capacity must be an integer, got ${capacity}`);
    const dts = dtypes.map((d) => parseDType(d as DType));
    const shapes = o.shapes ? o.shapes.map((s) => (s === null ? null : [...s])) : null;
    if (shapes && shapes.length !== dts.length) throw new Error(`Queue shapes must have the same length as dtypes`);
    if (kind === 'PaddingFIFOQueue' && !shapes) throw new Error('When providing partial shapes, a list of shapes must be provided.');
    if (o.names && o.names.length !== dts.length) throw new Error('Queue names must have the same length as dtypes');
    const defaultName = { FIFOQueue: 'fifo_queue', RandomShuffleQueue: 'random_shuffle_queue', PaddingFIFOQueue: 'padding_fifo_queue', PriorityQueue: 'priority_queue' }[kind];
    const g = getDefaultGraph();
    // TF's op seed: the op's given seed (tsflow has no graph-seed mixing for host queues)
    const seed = o.seed ?? null;
    const placeholder = new QueueResource(kind, capacity, dts, shapes, o.sharedName ?? '', '', extra.minAfterDequeue ?? 0, seed);
    const op = makeOp(g, `${kind}V2`, [], { resource: placeholder, capacity, componentTypes: dts, shapes: shapes ?? [], sharedName: o.sharedName ?? '', container: '' }, o.name, defaultName);
    this.resource = new QueueResource(kind, capacity, dts, shapes, o.sharedName ?? '', op.name, extra.minAfterDequeue ?? 0, seed);
    (op.attrs as QAttrs).resource = this.resource;
    this.queueRef = op.outputs[0]!;
    this.names = o.names ?? null;
  }

  get name(): string {
    return this.queueRef.op.name;
  }
  get dtypes(): DType[] {
    return [...this.resource.dtypes];
  }
  get shapes(): PartialShape[] {
    return this.resource.shapes ? [...this.resource.shapes] : this.resource.dtypes.map(() => null);
  }

  private flat(vals: Comp, many: boolean): Tensor[] {
    let arr: unknown[];
    if (this.names) {
      if (typeof vals !== 'object' || vals === null || Array.isArray(vals)) throw new TypeError('Queue with names requires a dictionary of values');
      const keys = Object.keys(vals);
      const extraKeys = keys.filter((k) => !this.names!.includes(k));
      if (extraKeys.length > 0 || keys.length !== this.names.length) throw new Error(`Keys in dictionary [${keys.join(', ')}] must match names [${this.names.join(', ')}]`);
      arr = this.names.map((n) => (vals as Record<string, unknown>)[n]);
    } else {
      // as TF1: a list or tuple is the element's components, anything else is its single component
      arr = Array.isArray(vals) ? vals : [vals];
    }
    if (arr.length !== this.resource.dtypes.length) throw new Error(`Expected ${this.resource.dtypes.length} components in the enqueued element, got ${arr.length}`);
    return arr.map((v, i) => {
      const t = convertToTensor(v as never, { dtype: this.resource.dtypes[i] } as never);
      if (t.dtype !== this.resource.dtypes[i]) throw new TypeError(`Tensor conversion requested dtype ${this.resource.dtypes[i]} for Tensor with dtype ${t.dtype}`);
      const s = this.resource.shapes?.[i] ?? null;
      const ts = t.shape;
      if (s && ts) {
        const got = many ? ts.slice(1) : ts;
        if (!compatible(s, got as never) && !(got.length === s.length && got.every((d, k) => d === null || s[k] === null || d === s[k]))) {
          throw new Error(`Shapes ${pyShape(got)} and ${pyShape(s)} are incompatible`);
        }
      }
      return t;
    });
  }

  private pack(outs: readonly Tensor[]): any {
    if (this.names) return Object.fromEntries(this.names.map((n, i) => [n, outs[i]!]));
    return outs.length === 1 ? outs[0] : outs;
  }

  /** `enqueue(vals, name?)`: one element (a tensor, a list of tensors, or a dict with `names`). */
  enqueue(vals: Comp, name?: string): Operation {
    return makeOp(getDefaultGraph(), 'QueueEnqueueV2', [this.queueRef, ...this.flat(vals, false)], { resource: this.resource, timeoutMs: -1 }, name, `${this.name}_enqueue`);
  }
  /** `enqueueMany(vals, name?)`: the elements along each component's first dimension. */
  enqueueMany(vals: Comp, name?: string): Operation {
    return makeOp(getDefaultGraph(), 'QueueEnqueueManyV2', [this.queueRef, ...this.flat(vals, true)], { resource: this.resource, timeoutMs: -1 }, name, `${this.name}_EnqueueMany`);
  }
  /** `dequeue(name?)`: one element. */
  dequeue(name?: string): any {
    const op = makeOp(getDefaultGraph(), 'QueueDequeueV2', [this.queueRef], { resource: this.resource, componentTypes: this.resource.dtypes, timeoutMs: -1 }, name, `${this.name}_Dequeue`);
    return this.pack(op.outputs);
  }
  /** `dequeueMany(n, name?)`: n elements stacked along a new first dimension. */
  dequeueMany(n: number | Tensor, name?: string): any {
    const nt = convertToTensor(n as never, { dtype: 'int32' } as never);
    const op = makeOp(getDefaultGraph(), 'QueueDequeueManyV2', [this.queueRef, nt], { resource: this.resource, componentTypes: this.resource.dtypes, timeoutMs: -1, n: typeof n === 'number' ? n : undefined }, name, `${this.name}_DequeueMany`);
    return this.pack(op.outputs);
  }
  /** `dequeueUpTo(n, name?)`: up to n elements; fewer (at least one) once the queue is closed. */
  dequeueUpTo(n: number | Tensor, name?: string): any {
    const nt = convertToTensor(n as never, { dtype: 'int32' } as never);
    const op = makeOp(getDefaultGraph(), 'QueueDequeueUpToV2', [this.queueRef, nt], { resource: this.resource, componentTypes: this.resource.dtypes, timeoutMs: -1 }, name, `${this.name}_DequeueUpTo`);
    return this.pack(op.outputs);
  }
  /** `close(cancelPendingEnqueues = false, name?)`. */
  close(cancelPendingEnqueues: boolean | { cancelPendingEnqueues?: boolean; name?: string } = false, name?: string): Operation {
    const o = typeof cancelPendingEnqueues === 'object' ? cancelPendingEnqueues : { cancelPendingEnqueues, name };
    return makeOp(getDefaultGraph(), 'QueueCloseV2', [this.queueRef], { resource: this.resource, cancelPendingEnqueues: !!o.cancelPendingEnqueues }, o.name, `${this.name}_Close`);
  }
  /** `size(name?)`: the number of elements, an int32 scalar. */
  size(name?: string): Tensor {
    return makeOp(getDefaultGraph(), 'QueueSizeV2', [this.queueRef], { resource: this.resource }, name, `${this.name}_Size`).outputs[0]!;
  }
  /** `isClosed(name?)`: a bool scalar. */
  isClosed(name?: string): Tensor {
    return makeOp(getDefaultGraph(), 'QueueIsClosedV2', [this.queueRef], { resource: this.resource }, name, `${this.name}_IsClosed`).outputs[0]!;
  }
}

type Opt<T> = T | QueueOptions;
const isOpts = (x: unknown): x is QueueOptions => typeof x === 'object' && x !== null && !Array.isArray(x);

/** TF1's positional parameters (shapes, names, [seed,] sharedName, name), any of them replaced by a trailing options object. */
function positional(args: unknown[], keys: (keyof QueueOptions)[]): QueueOptions {
  const o: Record<string, unknown> = {};
  for (const [i, a] of args.entries()) {
    if (isOpts(a)) {
      Object.assign(o, a);
      break;
    }
    if (a !== undefined) o[keys[i]!] = a;
  }
  return o as QueueOptions;
}

/** `tf.FIFOQueue(capacity, dtypes, shapes?, names?, sharedName?, name?)`. */
export class FIFOQueue extends QueueBase {
  constructor(capacity: number, dtypes: (DType | string)[], shapes?: Opt<QueueOptions['shapes']>, names?: Opt<string[] | null>, sharedName?: Opt<string | null>, name?: Opt<string>) {
    super('FIFOQueue', capacity, dtypes, positional([shapes, names, sharedName, name], ['shapes', 'names', 'sharedName', 'name']));
  }
}

/** `tf.PaddingFIFOQueue(capacity, dtypes, shapes, names?, sharedName?, name?)`: dequeueMany pads each component to the batch's largest shape with zeros. */
export class PaddingFIFOQueue extends QueueBase {
  constructor(capacity: number, dtypes: (DType | string)[], shapes?: Opt<QueueOptions['shapes']>, names?: Opt<string[] | null>, sharedName?: Opt<string | null>, name?: Opt<string>) {
    super('PaddingFIFOQueue', capacity, dtypes, positional([shapes, names, sharedName, name], ['shapes', 'names', 'sharedName', 'name']));
  }
}

/** `tf.RandomShuffleQueue(capacity, minAfterDequeue, dtypes, shapes?, names?, seed?, sharedName?, name?)`. */
export class RandomShuffleQueue extends QueueBase {
  constructor(capacity: number, minAfterDequeue: number, dtypes: (DType | string)[], shapes?: Opt<QueueOptions['shapes']>, names?: Opt<string[] | null>, seed?: Opt<number | null>, sharedName?: Opt<string | null>, name?: Opt<string>) {
    super('RandomShuffleQueue', capacity, dtypes, positional([shapes, names, seed, sharedName, name], ['shapes', 'names', 'seed', 'sharedName', 'name']), { minAfterDequeue });
  }
}

/**
 * `tf.PriorityQueue(capacity, types, shapes?, names?, sharedName?, name?)`: each element's first
 * component is its int64 scalar priority (prepended to `types` and `shapes`); dequeues take the
 * lowest priority first.
 */
export class PriorityQueue extends QueueBase {
  constructor(capacity: number, types: (DType | string)[], shapes?: Opt<QueueOptions['shapes']>, names?: Opt<string[] | null>, sharedName?: Opt<string | null>, name?: Opt<string>) {
    const o = positional([shapes, names, sharedName, name], ['shapes', 'names', 'sharedName', 'name']);
    super('PriorityQueue', capacity, ['int64', ...types], { ...o, shapes: o.shapes ? [[], ...o.shapes] : null });
  }
}
