/**
 * TF1's conditional accumulators: `tf.ConditionalAccumulator` (dense gradients) and
 * `tf.SparseConditionalAccumulator` (IndexedSlices), the gradient aggregation behind
 * `tf.train.SyncReplicasOptimizer`.
 *
 * An accumulator is a per-session resource, as a queue is (src/data/queue.ts): the accumulator
 * op (`ConditionalAccumulator`, `SparseConditionalAccumulator`) and the ops acting on it
 * (`AccumulatorApplyGradient`, `AccumulatorTakeGradient`, `AccumulatorNumAccumulated`,
 * `AccumulatorSetGlobalStep`, `SparseAccumulatorApplyGradient`, `SparseAccumulatorTakeGradient`)
 * are host-stage ops. As TF's kernels: an apply whose `local_step` is below the accumulator's
 * global step is silently dropped (a stale gradient); a take waits until `num_required`
 * gradients are in, returns their mean (reduction_type MEAN; per row for sparse gradients, by
 * how many gradients touched the row) or sum, resets the count and increments the global step.
 * A waiting take parks on the session's run lock like a queue wait.
 */
import { type DType, parseDType } from '../dtype.js';
import { CancelledError, InvalidArgumentError, RuntimeError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { convertToTensor } from '../ops/convert-to-tensor.js';
import { IndexedSlices } from '../ops/indexed-slices.js';
import { cast } from '../ops/math.js';
import { defineOp, makeOp, registerGradient } from '../ops/registry.js';
import { type HostContext, type HostGen, registerHostOp, wait } from '../session/host-stage.js';
import { runLockOf } from '../session/run-lock.js';
import type { SessionState } from '../session/runner.js';
import { StringArray } from '../string-array.js';
import { type PartialShape, cShape, compatible, pyShape, sizeOf } from '../shape.js';
import * as logging from '../train/tf-logging.js';
import './accumulator-graphdef.js';

type Kind = 'ConditionalAccumulator' | 'SparseConditionalAccumulator';

/** @internal The session-independent identity of one accumulator. */
export class AccumulatorResource {
  constructor(
    readonly kind: Kind,
    readonly dtype: DType,
    readonly shape: PartialShape,
    readonly sharedName: string,
    public opName: string,
    readonly reductionType: 'MEAN' | 'SUM',
  ) {}
}

interface AccState {
  name: string;
  counter: number;
  globalStep: number;
  /** Dense: the running sum. Sparse: the rows' values (row-major, `width` numbers a row). */
  sum: Float64Array | null;
  shape: number[] | null;
  indices: number[];
  counts: number[];
  /** Sparse: the values' shape after the first dimension. */
  rowShape: number[];
  /** Takes in progress, in arrival order (TF serves its attempts first come, first served). */
  line: object[];
  waiters: (() => void)[];
}

const states = new WeakMap<SessionState, { byShared: Map<string, AccState>; byRes: Map<AccumulatorResource, AccState> }>();

function stateOf(s: SessionState, r: AccumulatorResource): AccState {
  let m = states.get(s);
  if (!m) states.set(s, (m = { byShared: new Map(), byRes: new Map() }));
  let a = m.byRes.get(r);
  if (a) return a;
  // TF's ContainerInfo: an empty shared_name shares by the node's name
  const key = r.sharedName !== '' ? r.sharedName : r.opName;
  a = m.byShared.get(key);
  if (!a) {
    a = { name: key, counter: 0, globalStep: 0, sum: null, shape: null, indices: [], counts: [], rowShape: [], line: [], waiters: [] };
    m.byShared.set(key, a);
  }
  m.byRes.set(r, a);
  return a;
}

function notify(a: AccState): void {
  const w = a.waiters;
  a.waiters = [];
  for (const f of w) f();
}

const resourceOf = (op: Operation): AccumulatorResource => (op.attrs as { resource: AccumulatorResource }).resource;
const handleOut = (): { dtype: DType; shape: PartialShape }[] => [{ dtype: 'string', shape: [2] }];
const noLower = (t: string) => (): never => {
  throw new Error(`${t} runs on the host before the plan; it cannot be lowered`);
};
const scalarOf = (v: NDArray, what: string, opName: string): number => {
  if (v.shape.length !== 0) throw new InvalidArgumentError(`Argument ${what} must be scalar, but had bad shape ${cShape(v.shape)}`, opName);
  return Number(v.data[0]);
};

const TYPES = [
  'ConditionalAccumulator', 'SparseConditionalAccumulator', 'AccumulatorApplyGradient', 'AccumulatorTakeGradient', 'AccumulatorNumAccumulated',
  'AccumulatorSetGlobalStep', 'SparseAccumulatorApplyGradient', 'SparseAccumulatorTakeGradient',
];
for (const t of ['ConditionalAccumulator', 'SparseConditionalAccumulator']) defineOp({ type: t, infer: handleOut, lower: noLower(t), stateful: true });
for (const t of ['AccumulatorApplyGradient', 'AccumulatorSetGlobalStep', 'SparseAccumulatorApplyGradient']) defineOp({ type: t, infer: () => [], lower: () => [], stateful: true });
defineOp({ type: 'AccumulatorNumAccumulated', infer: () => [{ dtype: 'int32', shape: [] }], lower: noLower('AccumulatorNumAccumulated'), stateful: true });
defineOp<{ resource: AccumulatorResource }>({
  type: 'AccumulatorTakeGradient',
  infer: (_i, a) => [{ dtype: a.resource.dtype, shape: a.resource.shape }],
  lower: noLower('AccumulatorTakeGradient'),
  stateful: true,
});
defineOp<{ resource: AccumulatorResource }>({
  type: 'SparseAccumulatorTakeGradient',
  infer: (_i, a) => {
    const s = a.resource.shape;
    return [
      { dtype: 'int64', shape: [null] },
      { dtype: a.resource.dtype, shape: s === null ? null : [null, ...s.slice(1)] },
      { dtype: 'int64', shape: s === null ? [null] : [s.length] },
    ];
  },
  lower: noLower('SparseAccumulatorTakeGradient'),
  stateful: true,
});
for (const t of TYPES) registerGradient(t, null);

for (const t of ['ConditionalAccumulator', 'SparseConditionalAccumulator']) {
  registerHostOp(t, function* (op, _ins, hc) {
    const a = stateOf(hc.runner.state, resourceOf(op));
    return [new NDArray(StringArray.fromValues(['tsflow:accumulator', a.name]), [2], 'string')];
  });
}

registerHostOp('AccumulatorApplyGradient', function* (op, ins, hc) {
  const r = resourceOf(op);
  const a = stateOf(hc.runner.state, r);
  const localStep = scalarOf(ins[1]!, 'local_step', op.name);
  const g = ins[2]!;
  if (localStep < a.globalStep) return [];
  if (g.dtype !== r.dtype) throw new InvalidArgumentError(`Expected gradient of type ${r.dtype}, got ${g.dtype}`, op.name);
  if (a.counter > 0 && (a.shape!.length !== g.shape.length || a.shape!.some((d, i) => d !== g.shape[i]))) {
    throw new InvalidArgumentError(`Shape mismatch: expected ${cShape(a.shape)}, got ${cShape(g.shape)}`, op.name);
  }
  if (!compatible(r.shape, g.shape)) throw new InvalidArgumentError(`Shape mismatch: expected ${cShape(r.shape)}, got ${cShape(g.shape)}`, op.name);
  if (a.counter === 0) {
    a.sum = Float64Array.from(g.data as ArrayLike<number>);
    a.shape = [...g.shape];
  } else {
    const s = a.sum!;
    const d = g.data as ArrayLike<number>;
    for (let i = 0; i < s.length; i++) s[i]! += d[i]!;
  }
  a.counter++;
  notify(a);
  return [];
});

registerHostOp('SparseAccumulatorApplyGradient', function* (op, ins, hc) {
  const r = resourceOf(op);
  const a = stateOf(hc.runner.state, r);
  const localStep = scalarOf(ins[1]!, 'local_step', op.name);
  if (localStep < a.globalStep) return [];
  const [idx, val] = [ins[2]!, ins[3]!];
  const known = !!(op.attrs as { hasKnownShape?: boolean }).hasKnownShape;
  if (val.dtype !== r.dtype) throw new InvalidArgumentError(`Expected gradient of type ${r.dtype}, got ${val.dtype}`, op.name);
  if (idx.shape.length !== 1) throw new InvalidArgumentError(`Input indices should be vector but received shape: ${cShape(idx.shape)}`, op.name);
  const nnz = idx.shape[0]!;
  if (val.shape.length === 0) throw new InvalidArgumentError('Values cannot be 0-dimensional.', op.name);
  if (val.shape[0] !== nnz) throw new InvalidArgumentError(`Expected ${nnz} non-empty input values, got ${val.shape[0]}`, op.name);
  const shape = r.shape ?? [];
  const rank = r.shape === null ? 0 : r.shape.length;
  if (known) {
    const gs = Array.from(ins[4]!.data as ArrayLike<number>, Number);
    if (rank > gs.length) throw new InvalidArgumentError(`Shape mismatch: expected shape rank at least ${rank}, got ${gs.length}`, op.name);
    for (let i = 0; i < rank; i++) {
      if (shape[i] !== null && shape[i] !== gs[i]) throw new InvalidArgumentError(`Shape mismatch: expected shape dim ${i} to be ${shape[i]}, got ${gs[i]}`, op.name);
    }
  }
  const ix = Array.from(idx.data as ArrayLike<number>, Number);
  if (rank > 0 && shape[0] !== null) {
    ix.forEach((v, i) => {
      if (v >= shape[0]!) throw new InvalidArgumentError(`Shape mismatch: index of slice ${i} exceeded limits of shape; index is ${v} exceeded ${shape[0]}`, op.name);
    });
  }
  if (a.counter > 0) {
    const accRank = a.rowShape.length + 1;
    if (accRank !== val.shape.length) throw new InvalidArgumentError(`Shape mismatch: expected values rank ${accRank}, got ${val.shape.length}`, op.name);
    for (let i = 1; i < accRank; i++) {
      if (a.rowShape[i - 1] !== val.shape[i]) throw new InvalidArgumentError(`Shape mismatch: expected values dim ${i} to be ${a.rowShape[i - 1]}, got ${val.shape[i]}`, op.name);
    }
  } else {
    if (rank > val.shape.length) throw new InvalidArgumentError(`Shape mismatch: expected values rank at least ${rank}, got ${val.shape.length}`, op.name);
    for (let i = 1; i < rank; i++) {
      if (shape[i] !== null && shape[i] !== val.shape[i]) throw new InvalidArgumentError(`Shape mismatch: expected values dim ${i} to be ${shape[i]}, got ${val.shape[i]}`, op.name);
    }
  }
  const width = sizeOf(val.shape.slice(1));
  const gv = val.data as ArrayLike<number>;
  if (a.counter === 0) {
    a.indices = ix;
    a.sum = Float64Array.from(gv);
    a.counts = ix.map(() => 1);
    a.rowShape = val.shape.slice(1);
  } else {
    // TF's merge of two index lists taken as ascending: rows of both with the same index add up
    const oi = a.indices;
    const ov = a.sum!;
    const ni: number[] = [];
    const nc: number[] = [];
    const rows: [Float64Array | ArrayLike<number>, number, Float64Array | ArrayLike<number> | null, number][] = [];
    let i = 0;
    let j = 0;
    while (i < oi.length || j < ix.length) {
      if (j >= ix.length || (i < oi.length && oi[i]! < ix[j]!)) {
        ni.push(oi[i]!), nc.push(a.counts[i]!), rows.push([ov, i, null, 0]), i++;
      } else if (i >= oi.length || oi[i]! > ix[j]!) {
        ni.push(ix[j]!), nc.push(1), rows.push([gv, j, null, 0]), j++;
      } else {
        ni.push(oi[i]!), nc.push(a.counts[i]! + 1), rows.push([ov, i, gv, j]), i++, j++;
      }
    }
    const sum = new Float64Array(ni.length * width);
    rows.forEach(([src, si, add, ai], k) => {
      for (let e = 0; e < width; e++) sum[k * width + e] = src[si * width + e]! + (add ? add[ai * width + e]! : 0);
    });
    a.indices = ni;
    a.counts = nc;
    a.sum = sum;
  }
  a.counter++;
  notify(a);
  return [];
});

/**
 * The start of both take ops: wait (parked on the run lock) until the accumulator holds
 * `num_required` gradients and this take is first in line, then move its step on.
 */
function* takeGradients(op: Operation, ins: readonly NDArray[], hc: HostContext): HostGen<{ r: AccumulatorResource; a: AccState }> {
  const r = resourceOf(op);
  const a = stateOf(hc.runner.state, r);
  yield* awaitGradients(a, scalarOf(ins[1]!, 'num_required', op.name), op, hc);
  a.globalStep++;
  return { r, a };
}

/** Wait (parked on the run lock) until `a` holds `n` gradients and this take is first in line. */
function* awaitGradients(a: AccState, n: number, op: Operation, hc: HostContext): HostGen<void> {
  if (n <= 0) throw new InvalidArgumentError(`Argument num_required must be positive, but was ${n}`, op.name);
  const me = {};
  a.line.push(me);
  let again = false;
  try {
    while (!(a.line[0] === me && a.counter >= n)) {
      const lock = runLockOf(hc.runner.state);
      if (hc.sync || !lock) {
        throw new RuntimeError(`TakeGrad on accumulator '${a.name}' would block (op ${op.name}): runSync cannot wait for other runs to apply gradients; use await sess.run(...)`);
      }
      yield* wait(lock.park('TakeGrad', `TakeGrad from accumulator '${a.name}' with ${a.counter} of ${n} gradients`, op.name, (wake) => a.waiters.push(wake), again));
      again = true;
    }
  } catch (e) {
    if (e instanceof CancelledError) throw new CancelledError('TakeGrad operation was cancelled', op.name);
    throw e;
  } finally {
    const i = a.line.indexOf(me);
    if (i >= 0) a.line.splice(i, 1);
    if (i === 0) notify(a);
  }
}

function typed(dtype: DType, vals: ArrayLike<number>, shape: number[]): NDArray {
  const out = NDArray.zeros(shape, dtype);
  const d = out.data as unknown as number[];
  for (let i = 0; i < vals.length; i++) d[i] = vals[i]!;
  return out;
}

registerHostOp('AccumulatorTakeGradient', function* (op, ins, hc) {
  const { r, a } = yield* takeGradients(op, ins, hc);
  const s = a.sum!;
  if (r.reductionType === 'MEAN') for (let i = 0; i < s.length; i++) s[i] = s[i]! / a.counter;
  a.counter = 0;
  return [typed(r.dtype, s, a.shape!)];
});

registerHostOp('SparseAccumulatorTakeGradient', function* (op, ins, hc) {
  const { r, a } = yield* takeGradients(op, ins, hc);
  const s = a.sum!;
  const width = sizeOf(a.rowShape);
  if (r.reductionType === 'MEAN') for (let k = 0; k < a.indices.length; k++) for (let e = 0; e < width; e++) s[k * width + e] = s[k * width + e]! / a.counts[k]!;
  a.counter = 0;
  const dense = [r.shape !== null && r.shape.length > 0 ? (r.shape[0] ?? -1) : -1, ...a.rowShape];
  return [
    new NDArray(Float64Array.from(a.indices), [a.indices.length], 'int64'),
    typed(r.dtype, s, [a.indices.length, ...a.rowShape]),
    new NDArray(Float64Array.from(dense), [dense.length], 'int64'),
  ];
});

registerHostOp('AccumulatorNumAccumulated', function* (op, _ins, hc) {
  const a = stateOf(hc.runner.state, resourceOf(op));
  return [new NDArray(Int32Array.of(a.counter), [], 'int32')];
});

registerHostOp('AccumulatorSetGlobalStep', function* (op, ins, hc) {
  const a = stateOf(hc.runner.state, resourceOf(op));
  const step = scalarOf(ins[1]!, 'new_global_step', op.name);
  if (step < a.globalStep) {
    logging.warning(`Attempt to set current_global_step_ to smaller value: current_global_step_ = ${a.globalStep} >= ${step} = new_global_step.`);
  }
  a.globalStep = step;
  return [];
});

const int64Of = (x: unknown): Tensor => {
  const t = convertToTensor(x as never, { dtype: 'int64' } as never);
  return t.dtype === 'int64' ? t : cast(t, 'int64');
};

/** `tf.ConditionalAccumulatorBase`: the accumulator's handle, num_accumulated and set_global_step. */
export class ConditionalAccumulatorBase {
  /** @internal */ readonly resource: AccumulatorResource;
  readonly accumulatorRef: Tensor;

  protected constructor(kind: Kind, dtype: DType | string, shape: readonly (number | null)[] | null | undefined, sharedName: string | null | undefined, name: string | undefined, reductionType: string | undefined, defaultName: string) {
    const dt = parseDType(dtype as DType);
    const red = reductionType ?? 'MEAN';
    if (red !== 'MEAN' && red !== 'SUM') throw new ValueError(`Value for attr 'reduction_type' of "${red}" is not in the list of allowed values: "MEAN", "SUM"`);
    const s: PartialShape = shape === null || shape === undefined ? null : [...shape];
    this.resource = new AccumulatorResource(kind, dt, s, sharedName ?? '', '', red);
    const op = makeOp(getDefaultGraph(), kind, [], { resource: this.resource, dtype: dt, shape: s, sharedName: sharedName ?? '', container: '', reductionType: red }, name, defaultName);
    this.resource.opName = op.name;
    this.accumulatorRef = op.outputs[0]!;
  }

  /** The accumulator op's name (its last path component, as TF's `name`). */
  get name(): string {
    return this.accumulatorRef.op.name.split('/').pop()!;
  }
  get dtype(): DType {
    return this.resource.dtype;
  }
  get shape(): PartialShape {
    return this.resource.shape;
  }

  protected op(type: string, inputs: Tensor[], name: string | undefined, defaultName: string, attrs: Record<string, unknown> = {}): Operation {
    return makeOp(getDefaultGraph(), type, [this.accumulatorRef, ...inputs], { resource: this.resource, dtype: this.resource.dtype, ...attrs }, name, defaultName);
  }

  /** `num_accumulated(name?)`: the number of gradients accumulated so far (int32). */
  numAccumulated(name?: string): Tensor {
    return this.op('AccumulatorNumAccumulated', [], name ?? `${this.name}_NumAccumulated`, 'AccumulatorNumAccumulated').outputs[0]!;
  }

  /** `set_global_step(new_global_step, name?)`: the accumulator's time step (a warning when it goes back). */
  setGlobalStep(newGlobalStep: unknown, name?: string): Operation {
    return this.op('AccumulatorSetGlobalStep', [int64Of(newGlobalStep)], name, 'AccumulatorSetGlobalStep');
  }
}

/** `tf.ConditionalAccumulator(dtype, shape?, sharedName?, name = 'conditional_accumulator', reductionType = 'MEAN')`. */
export class ConditionalAccumulator extends ConditionalAccumulatorBase {
  constructor(dtype: DType | string, shape?: readonly (number | null)[] | null | AccumulatorOptions, sharedName?: string | null | AccumulatorOptions, name?: string | AccumulatorOptions, reductionType?: string | AccumulatorOptions) {
    const o = accumulatorArgs([shape, sharedName, name, reductionType]);
    super('ConditionalAccumulator', dtype, o.shape, o.sharedName, o.name, o.reductionType, 'conditional_accumulator');
  }

  /** `apply_grad(grad, localStep = 0, name?)`: add a gradient unless it is stale (localStep below the accumulator's step). */
  applyGrad(grad: unknown, localStep: unknown = 0, name?: string | { localStep?: unknown; name?: string }): Operation {
    if (typeof name === 'object' && name !== null) [localStep, name] = [name.localStep ?? localStep, name.name];
    else if (typeof localStep === 'object' && localStep !== null && !('op' in (localStep as object)) && !(localStep instanceof NDArray)) {
      const o = localStep as { localStep?: unknown; name?: string };
      [localStep, name] = [o.localStep ?? 0, o.name];
    }
    const g = convertToTensor(grad as never, { dtype: this.dtype } as never);
    if (!compatible(this.shape, g.shape as never) && g.shape !== null) throw new ValueError(`Shapes ${pyShape(g.shape)} and ${pyShape(this.shape)} are incompatible`);
    return this.op('AccumulatorApplyGradient', [int64Of(localStep), g], name as string | undefined, 'AccumulatorApplyGradient');
  }

  /** `take_grad(numRequired, name?)`: waits for numRequired gradients, returns their mean (or sum). */
  takeGrad(numRequired: unknown, name?: string): Tensor {
    const n = convertToTensor(numRequired as never, { dtype: 'int32' } as never);
    return this.op('AccumulatorTakeGradient', [n], name, 'AccumulatorTakeGradient').outputs[0]!;
  }
}

/** `tf.SparseConditionalAccumulator(dtype, shape?, sharedName?, name = 'conditional_accumulator', reductionType = 'MEAN')`. */
export class SparseConditionalAccumulator extends ConditionalAccumulatorBase {
  constructor(dtype: DType | string, shape?: readonly (number | null)[] | null | AccumulatorOptions, sharedName?: string | null | AccumulatorOptions, name?: string | AccumulatorOptions, reductionType?: string | AccumulatorOptions) {
    const o = accumulatorArgs([shape, sharedName, name, reductionType]);
    super('SparseConditionalAccumulator', dtype, o.shape, o.sharedName, o.name, o.reductionType, 'conditional_accumulator');
  }

  /** `apply_grad(gradIndices, gradValues, gradShape?, localStep = 0, name?)`. */
  applyGrad(gradIndices: unknown, gradValues: unknown, gradShape: unknown = null, localStep: unknown = 0, name?: string): Operation {
    const values = convertToTensor(gradValues as never, { dtype: this.dtype } as never);
    const hasKnownShape = gradShape !== null && gradShape !== undefined;
    const shape = hasKnownShape ? int64Of(gradShape) : int64Of([]);
    return this.op('SparseAccumulatorApplyGradient', [int64Of(localStep), int64Of(gradIndices), values, shape], name, 'SparseAccumulatorApplyGradient', { hasKnownShape });
  }

  /** `apply_indexed_slices_grad(grad, localStep = 0, name?)`. */
  applyIndexedSlicesGrad(grad: IndexedSlices, localStep: unknown = 0, name?: string): Operation {
    return this.applyGrad(grad.indices, grad.values, grad.denseShape, localStep, name);
  }

  /** `take_grad(numRequired, name?)`: `[indices, values, shape]` of the mean (or sum) of numRequired gradients. */
  takeGrad(numRequired: unknown, name?: string): [Tensor, Tensor, Tensor] {
    const n = convertToTensor(numRequired as never, { dtype: 'int32' } as never);
    const o = this.op('SparseAccumulatorTakeGradient', [n], name, 'SparseAccumulatorTakeGradient').outputs;
    return [o[0]!, o[1]!, o[2]!];
  }

  /** `take_indexed_slices_grad(numRequired, name?)`: the same as an IndexedSlices. */
  takeIndexedSlicesGrad(numRequired: unknown, name?: string): IndexedSlices {
    const [indices, values, shape] = this.takeGrad(numRequired, name);
    return new IndexedSlices(values, indices, shape);
  }
}

export interface AccumulatorOptions {
  shape?: readonly (number | null)[] | null;
  sharedName?: string | null;
  name?: string;
  reductionType?: string;
}

function accumulatorArgs(args: unknown[]): AccumulatorOptions {
  const keys: (keyof AccumulatorOptions)[] = ['shape', 'sharedName', 'name', 'reductionType'];
  const o: Record<string, unknown> = {};
  for (const [i, a] of args.entries()) {
    if (typeof a === 'object' && a !== null && !Array.isArray(a)) {
      Object.assign(o, a);
      break;
    }
    if (a !== undefined) o[keys[i]!] = a;
  }
  return o as AccumulatorOptions;
}
