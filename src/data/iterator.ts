/**
 * Dataset iterators: `makeOneShotIterator`, `makeInitializableIterator`,
 * `tf.data.Iterator.fromStructure(...).makeInitializer(dataset)` and `getNext()`.
 *
 * The initializer (`MakeIterator`) and `IteratorGetNext` are host-stage ops
 * (src/session/host-stage.ts): inside `Session.run` the initializer opens the dataset with
 * the values of the tensors it captures (fed placeholders included), and each `getNext`
 * pulls one element on the host and feeds it to the rest of the plan. An iterator's state
 * belongs to the session, as TF's iterator resources do; past the last element `getNext`
 * fails with OutOfRangeError "End of sequence".
 */
import type { DType } from '../dtype.js';
import { FailedPreconditionError, InvalidArgumentError, OutOfRangeError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { StringArray } from '../dtype.js';
import { defineOp, makeOp, registerGradient } from '../ops/registry.js';
import { type HostGen, registerHostOp } from '../session/host-stage.js';
import type { SessionState } from '../session/runner.js';
import { type PartialShape, compatible, pyShape } from '../shape.js';
import { parseDType } from '../dtype.js';
import { Dataset, type ElementSpec, type IterContext, type Stage, ownedOrCopy } from './dataset.js';
import { type Structure, flatten, outputClasses, pack, sameStructure, withClasses } from './nest.js';

/** A window dataset's next element: each component a dataset of that window's elements (TF's nested datasets). */
const windowsOf = (spec: ElementSpec, outs: readonly Tensor[]): readonly unknown[] => (spec.windows ? outs.map(spec.windows) : outs);

/** The session-independent identity of one iterator (TF's iterator resource). */
class IteratorResource {
  private static next = 0;
  /** What `stringHandle()` evaluates to (TF's serialized resource handle, here a name). */
  readonly handle: string;
  constructor(readonly spec: ElementSpec, readonly oneShot: Dataset | null) {
    this.handle = `tsflow:iterator:${IteratorResource.next++}`;
    handles.set(this.handle, new WeakRef(this));
  }
  /** In an exported GraphDef's attrs: the handle (the pipeline stays with this process). */
  toJSON(): unknown {
    return { handle: this.handle };
  }
}
/** Live iterators by their string handle (feedable iterators look them up). */
const handles = new Map<string, WeakRef<IteratorResource>>();

interface IterState {
  ctx: IterContext;
  stage: Stage;
  done: boolean;
}

const states = new WeakMap<SessionState, Map<IteratorResource, IterState>>();
function sessionStates(s: SessionState): Map<IteratorResource, IterState> {
  let m = states.get(s);
  if (!m) states.set(s, (m = new Map()));
  return m;
}

interface MakeAttrs { resource: IteratorResource; dataset: Dataset; [k: string]: unknown }
/** `resource` null: a feedable iterator's GetNext, whose first input is the handle of the iterator to pull from. */
interface NextAttrs { resource: IteratorResource | null; spec: ElementSpec; [k: string]: unknown }
interface HandleAttrs { resource: IteratorResource; [k: string]: unknown }

defineOp<MakeAttrs>({ type: 'MakeIterator', infer: () => [], lower: () => [], stateful: true });
registerGradient('MakeIterator', null);
defineOp<NextAttrs>({
  type: 'IteratorGetNext',
  infer: (_ins, a) => a.spec.dtypes.map((d, i) => ({ dtype: d, shape: a.spec.shapes[i]! })),
  lower: () => {
    throw new Error('IteratorGetNext runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('IteratorGetNext', null);
defineOp<HandleAttrs>({
  type: 'IteratorToStringHandle',
  infer: () => [{ dtype: 'string', shape: [] }],
  lower: () => {
    throw new Error('IteratorToStringHandle runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('IteratorToStringHandle', null);

function open(dataset: Dataset, ins: readonly import('../ndarray.js').NDArray[], hc: { runner: IterContext['runner']; sync: boolean }): IterState {
  const captured = new Map(dataset.captures().map((t, i) => [t, ins[i]!] as const));
  const ctx: IterContext = { runner: hc.runner, sync: hc.sync, captured, life: { stopped: false } };
  return { ctx, stage: dataset.open(ctx), done: false };
}

registerHostOp('MakeIterator', function* (op, ins, hc) {
  const a = op.attrs as MakeAttrs;
  const m = sessionStates(hc.runner.state);
  // what the previous pipeline produced ahead is dropped, and it produces no more
  const old = m.get(a.resource);
  if (old) old.ctx.life.stopped = true;
  m.set(a.resource, open(a.dataset, ins, hc));
  return [];
});

registerHostOp('IteratorToStringHandle', function* (op, ins, hc) {
  const { resource } = op.attrs as HandleAttrs;
  // a one-shot iterator exists once its handle is made (its captured tensors are this op's inputs)
  const m = sessionStates(hc.runner.state);
  if (resource.oneShot && !m.has(resource)) m.set(resource, open(resource.oneShot, ins, hc));
  return [new NDArray(StringArray.fromValues([resource.handle]), [], 'string')];
});

const typesText = (s: ElementSpec): string => `[${s.dtypes.map((d) => `tf.${d}`).join(', ')}]`;

defineOp<NextAttrs>({
  type: 'IteratorGetNextAsOptional',
  infer: (_ins, a) => [{ dtype: 'bool', shape: [] }, ...a.spec.dtypes.map((d, i) => ({ dtype: d, shape: a.spec.shapes[i]! }))],
  lower: () => {
    throw new Error('IteratorGetNextAsOptional runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('IteratorGetNextAsOptional', null);

/** Components of an absent value: empty arrays of the element's shapes (unknown dimensions 0). */
const noneValue = (spec: ElementSpec): NDArray[] =>
  spec.dtypes.map((d, i) => {
    const s = spec.shapes[i] ?? [0];
    const shape = s.map((x) => x ?? 0);
    return d === 'string' ? new NDArray(new StringArray(shape.reduce((a, b) => a * b, 1)) as never, shape, d) : NDArray.zeros(shape, d);
  });

registerHostOp('IteratorGetNextAsOptional', function* (op, ins, hc) {
  const el = yield* pullNext(op, ins, hc);
  const spec = (op.attrs as NextAttrs).spec;
  return [new NDArray(Uint8Array.of(el === null ? 0 : 1) as never, [], 'bool'), ...(el ?? noneValue(spec))];
});

registerHostOp('IteratorGetNext', function* (op, ins, hc) {
  const el = yield* pullNext(op, ins, hc);
  if (el === null) throw new OutOfRangeError('End of sequence', op.name);
  return el;
});

/** The iterator's next element (its own arrays), or null past the last one. */
function* pullNext(op: Operation, ins: readonly NDArray[], hc: { runner: IterContext['runner']; sync: boolean }): HostGen<NDArray[] | null> {
  const attrs = op.attrs as NextAttrs;
  let resource = attrs.resource;
  let capIns = ins;
  if (resource === null) {
    // a feedable iterator: the handle names the iterator, which must give this op's element types
    const h = ins[0];
    const raw = h && h.dtype === 'string' && h.size === 1 ? (h.data as unknown as StringArray)[0] : null;
    const name = raw === null || raw === undefined ? null : typeof raw === 'string' ? raw : new TextDecoder().decode(raw as Uint8Array);
    const r = name === null ? undefined : handles.get(name)?.deref();
    if (!r) throw new InvalidArgumentError(`Invalid iterator handle: ${name === null ? 'not a string scalar' : `'${name}' names no iterator`} (feed the output of an iterator's stringHandle())`, op.name);
    if (r.spec.dtypes.length !== attrs.spec.dtypes.length || r.spec.dtypes.some((d, i) => d !== attrs.spec.dtypes[i])) {
      throw new InvalidArgumentError(`The iterator of this handle gives ${typesText(r.spec)} but ${typesText(attrs.spec)} were expected (the output types of Iterator.fromStringHandle).`, op.name);
    }
    resource = r;
    capIns = [];
  }
  const m = sessionStates(hc.runner.state);
  let st = m.get(resource);
  if (!st) {
    if (!resource.oneShot) {
      throw new FailedPreconditionError('GetNext() failed because the iterator has not been initialized. Ensure that you have run the initializer operation for this iterator before getting the next element.', op.name);
    }
    if (capIns.length < resource.oneShot.captures().length) throw new FailedPreconditionError('GetNext() failed because the one-shot iterator of this handle has not been created: run its stringHandle() first.', op.name);
    st = open(resource.oneShot, capIns, hc);
    m.set(resource, st);
  }
  // the pipeline runs in the mode (and on the device) of the run that pulls from it
  st.ctx.runner = hc.runner;
  st.ctx.sync = hc.sync;
  if (st.done) return null;
  const el = yield* st.stage.next();
  if (el === null) {
    st.done = true;
    return null;
  }
  const spec = attrs.spec;
  el.forEach((v, i) => {
    if (!compatible(spec.shapes[i]!, v.shape)) {
      throw new InvalidArgumentError(`Incompatible shapes at component ${i}: expected ${pyShape(spec.shapes[i]!)} but got ${pyShape(v.shape)}.`, op.name);
    }
  });
  return el.map(ownedOrCopy);
}

const shapesCompatible = (a: PartialShape, b: PartialShape): boolean =>
  a === null || b === null || (a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]));

/** TF1's `tf.data.Iterator`. */
export class Iterator {
  private readonly resource: IteratorResource;
  /** The op that (re)starts the iterator on its dataset; null for reinitializable and one-shot iterators. */
  readonly initializer: Operation | null;

  private constructor(resource: IteratorResource, initializer: Operation | null, private readonly handleTensor: Tensor | null = null) {
    this.resource = resource;
    this.initializer = initializer;
  }

  get outputTypes(): unknown {
    return pack(this.resource.spec.structure, this.resource.spec.dtypes);
  }
  get outputShapes(): unknown {
    return pack(this.resource.spec.structure, this.resource.spec.shapes);
  }
  /** TF1's `output_classes`: tf.Tensor, or tf.SparseTensor, in the element's structure. */
  get outputClasses(): unknown {
    return outputClasses(this.resource.spec.structure, this.resource.spec.dtypes.length);
  }

  /** @internal */
  static forDataset(dataset: Dataset, oneShot: boolean): Iterator {
    const r = new IteratorResource(dataset.spec, oneShot ? dataset : null);
    const it = new Iterator(r, null);
    if (oneShot) return it;
    return new Iterator(r, it.makeInitializer(dataset));
  }

  /**
   * `Iterator.fromStructure(outputTypes, outputShapes?, sharedName?, outputClasses?)`: a
   * reinitializable iterator, started on any dataset of that structure by `makeInitializer`.
   */
  static fromStructure(outputTypes: unknown, outputShapes?: unknown, sharedName?: string | { sharedName?: string; outputClasses?: unknown } | null, outputClasses?: unknown): Iterator {
    const classes = typeof sharedName === 'object' && sharedName !== null ? sharedName.outputClasses : outputClasses;
    const t = flatten<DType>(outputTypes, (x) => typeof x === 'string');
    const dtypes = t.leaves.map((d) => parseDType(d));
    let shapes: PartialShape[] = dtypes.map(() => null);
    if (outputShapes !== undefined && outputShapes !== null) {
      const isShape = (x: unknown): boolean => x === null || (Array.isArray(x) && x.every((d) => d === null || typeof d === 'number'));
      shapes = flatten<PartialShape>(outputShapes, isShape).leaves;
      if (shapes.length !== dtypes.length) throw new TypeError(`outputShapes has ${shapes.length} components but outputTypes has ${dtypes.length}`);
    }
    const spec = classes === undefined || classes === null ? { structure: t.structure, dtypes, shapes } : withClasses(t.structure, dtypes, shapes, classes);
    return new Iterator(new IteratorResource(spec, null), null);
  }

  /** An op that starts (or restarts) this iterator on `dataset`. */
  makeInitializer(dataset: Dataset, name?: string): Operation {
    const want = this.resource.spec;
    const got = dataset.spec;
    const types = (s: ElementSpec): string => JSON.stringify(pack(s.structure, s.dtypes.map((d) => `tf.${d}`)));
    if (!sameStructure(want.structure as Structure, got.structure) || want.dtypes.some((d, i) => d !== got.dtypes[i])) {
      throw new TypeError(`Expected output types ${types(want)} but got dataset with output types ${types(got)}.`);
    }
    if (want.shapes.some((s, i) => !shapesCompatible(s, got.shapes[i]!))) {
      const shp = (s: ElementSpec): string => JSON.stringify(pack(s.structure, s.shapes.map(pyShape)));
      throw new TypeError(`Expected output shapes compatible with ${shp(want)} but got dataset with output shapes ${shp(got)}.`);
    }
    return makeOp(getDefaultGraph(), 'MakeIterator', dataset.captures(), { resource: this.resource, dataset }, name, 'MakeIterator');
  }

  /** The next element as graph tensors, in the dataset's structure. */
  getNext(name?: string): any {
    const r = this.resource;
    if (this.handleTensor) {
      const op = makeOp(getDefaultGraph(), 'IteratorGetNext', [this.handleTensor], { resource: null, spec: r.spec }, name, 'IteratorGetNext');
      return pack(r.spec.structure, windowsOf(r.spec, op.outputs));
    }
    const caps = r.oneShot ? r.oneShot.captures() : [];
    const op = makeOp(getDefaultGraph(), 'IteratorGetNext', caps, { resource: r, spec: r.spec }, name, 'IteratorGetNext');
    return pack(r.spec.structure, windowsOf(r.spec, op.outputs));
  }

  /** TF's `get_next_as_optional`: the has-value flag and the next element's components (empty arrays past the last element). */
  getNextAsOptionalParts(name?: string): Tensor[] {
    const r = this.resource;
    const ins = this.handleTensor ? [this.handleTensor] : r.oneShot ? r.oneShot.captures() : [];
    return [...makeOp(getDefaultGraph(), 'IteratorGetNextAsOptional', ins, { resource: this.handleTensor ? null : r, spec: r.spec }, name, 'IteratorGetNextAsOptional').outputs];
  }

  /** The element spec of this iterator. */
  get elementSpec(): ElementSpec {
    return this.resource.spec;
  }

  /** `stringHandle(name?)`: a string scalar naming this iterator, fed to a `fromStringHandle` iterator's handle placeholder. */
  stringHandle(name?: string): Tensor {
    if (this.handleTensor) return this.handleTensor;
    const caps = this.resource.oneShot ? this.resource.oneShot.captures() : [];
    return makeOp(getDefaultGraph(), 'IteratorToStringHandle', caps, { resource: this.resource }, name, 'IteratorToStringHandle').outputs[0]!;
  }

  /**
   * `Iterator.fromStringHandle(stringHandle, outputTypes, outputShapes?, outputClasses?)`: a
   * feedable iterator; each run pulls from the iterator whose `stringHandle()` value is fed to
   * `stringHandle` (a string placeholder), so one `getNext()` can switch between datasets.
   */
  static fromStringHandle(stringHandle: Tensor, outputTypes: unknown, outputShapes?: unknown, outputClasses?: unknown): Iterator {
    if (!(stringHandle instanceof Tensor) || stringHandle.dtype !== 'string') throw new TypeError('string_handle must be a tf.string tensor (a placeholder fed with an iterator\'s stringHandle())');
    const it = Iterator.fromStructure(outputTypes, outputShapes, null, outputClasses);
    return new Iterator(it.resource, null, stringHandle);
  }
}

declare module './dataset.js' {
  interface Dataset {
    /** An iterator that starts itself on first use and cannot be restarted. */
    makeOneShotIterator(): Iterator;
    /** An iterator with an `initializer` op, run (again) to start it; placeholders the pipeline takes are fed then. */
    makeInitializableIterator(sharedName?: string): Iterator;
  }
}
Dataset.prototype.makeOneShotIterator = function (this: Dataset) {
  return Iterator.forDataset(this, true);
};
Dataset.prototype.makeInitializableIterator = function (this: Dataset) {
  return Iterator.forDataset(this, false);
};

/** `tf.data.makeOneShotIterator(dataset)` (TF 1.15's `tf.compat.v1.data.make_one_shot_iterator`). */
export function makeOneShotIterator(dataset: Dataset): Iterator {
  return dataset.makeOneShotIterator();
}
/** `tf.data.makeInitializableIterator(dataset)`. */
export function makeInitializableIterator(dataset: Dataset, sharedName?: string): Iterator {
  return dataset.makeInitializableIterator(sharedName);
}
