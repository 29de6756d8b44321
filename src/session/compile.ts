/**
 * Compile `run(fetches, feeds)` into a device plan: prune to what the fetches need (stopping at
 * fed tensors), order by op id (creation order is topological), lower each op into primitives
 * with concrete shapes, give each variable reader the version it depends on, plan memory.
 */
import { type DType, isComplex } from '../dtype.js';
import { FailedPreconditionError, InternalError, InvalidArgumentError, OpError } from '../errors.js';
import { Operation, Tensor } from '../graph/tensor.js';
import type { Val } from '../ops/lower.js';
import { getOpDef } from '../ops/registry.js';
import { markResident } from '../ops/resident.js';
import type { Plan } from '../device/plan.js';
import { type DeviceTraits, PlanBuilder, ValueNeeded } from './plan-builder.js';
import type { NDArray } from '../ndarray.js';
import { compatible, cShape, shapesEqual } from '../shape.js';

/** Where a loop's value lives across the plans of its iterations: device storage under `key`. */
export interface ResidentValue {
  key: string;
  dtype: DType;
  shape: number[];
}

/**
 * The feeds of a plan of a loop iteration, with the values that stay in device storage between
 * iterations: `resident` tensors are read from their storage (nothing is copied in), and each of
 * `commits` is written into its storage after the run (a TensorArray write there writes just its
 * row, in place).
 */
export class LoopFeeds extends Map<Tensor, NDArray> {
  constructor(
    entries: Iterable<readonly [Tensor, NDArray]>,
    readonly resident: ReadonlyMap<Tensor, ResidentValue>,
    readonly commits: readonly (readonly [Tensor, ResidentValue])[],
  ) {
    super(entries);
  }

  /** The tensors a plan does not compute: the fed and the resident ones. */
  stops(): Map<Tensor, unknown> {
    const m = new Map<Tensor, unknown>(this);
    for (const t of this.resident.keys()) m.set(t, null);
    return m;
  }
}

/**
 * A plan needs the value of `tensor` (an op's shape operand computed from fed or run-time data):
 * the runner computes it and compiles again with it as a constant. `error` is the op's error
 * for when that cannot be done.
 */
export class TensorValueNeeded extends Error {
  constructor(
    readonly tensor: Tensor,
    readonly error: Error,
  ) {
    super(error.message);
  }
}

/** A loop that cannot keep its values in device storage (a value changes shape, or a write lands in storage the loop does not carry on). */
export class NotResident extends Error {}

export interface CompiledPlan {
  plan: Plan;
  /** Fetch element index → position in plan.fetches, or -1 for fed tensors/ops. */
  fetchSlots: number[];
  /** Fed tensors, in plan feed order. */
  feedOrder: Tensor[];
  /** Variables (op names) read at version 0 by something other than an `Assign`, with the reading op. */
  needsInit: Map<string, string>;
  /** Variables this plan assigns (initialized after a successful run). */
  assigns: string[];
  /** Random ops by dyn slot. */
  dynOps: string[];
  /** Concrete shape of each plan fetch. */
  fetchShapes: number[][];
  /** Variable shapes, for storage. */
  variables: Map<string, { dtype: DType; shape: number[] }>;
  /** Plan steps before and after elementwise fusion. */
  fusion: { before: number; after: number };
}

/**
 * The ops `elements` need, stopping at fed tensors. With a `boundary`, only ops inside it are
 * taken (ops outside ran earlier in a multi-device run).
 */
export function prune(
  elements: readonly (Tensor | Operation)[],
  feeds: ReadonlyMap<Tensor, unknown>,
  boundary?: ReadonlySet<Operation>,
  /** Ops taken without what they depend on (host ops that compute their own inputs). */
  opaque?: (op: Operation) => boolean,
): Set<Operation> {
  const needed = new Set<Operation>();
  const stack: Operation[] = [];
  const want = (op: Operation): void => {
    if (!needed.has(op) && (!boundary || boundary.has(op))) {
      needed.add(op);
      stack.push(op);
    }
  };
  for (const e of elements) {
    if (e instanceof Operation) want(e);
    else if (!feeds.has(e)) want(e.op);
  }
  while (stack.length) {
    const op = stack.pop()!;
    if (opaque?.(op)) continue;
    for (const t of op.inputs) if (!feeds.has(t)) want(t.op);
    // A control input whose every output is fed has run (a loop's Merge, fed each iteration's values).
    for (const c of op.controlInputs) if (c.outputs.length === 0 || !c.outputs.every((t) => feeds.has(t))) want(c);
  }
  return needed;
}

/** TF's error for an op with no kernel for a dtype: here, a complex op tsflow has no host kernel for. */
function noComplexKernel(op: Operation, dtype: DType): InvalidArgumentError {
  const attr = dtype === 'complex64' ? 'DT_COMPLEX64' : 'DT_COMPLEX128';
  return new InvalidArgumentError(`No OpKernel was registered to support Op '${op.type}' used by {{node ${op.name}}} with these attrs: [T=${attr}] (tsflow computes ${dtype} values only in the ops of its complex kernels)`, op.name);
}

export function compilePlan(
  elements: readonly (Tensor | Operation)[],
  feeds: Map<Tensor, NDArray>,
  traits: DeviceTraits,
  boundary?: ReadonlySet<Operation>,
  /** Fuse elementwise steps where the device has fusion rules. */
  fuse = false,
  /** Tensors whose run-time values this plan takes as constants (computed before it runs). */
  values?: ReadonlyMap<Tensor, NDArray>,
): CompiledPlan {
  const loop = feeds instanceof LoopFeeds ? feeds : null;
  let stops: ReadonlyMap<Tensor, unknown> = loop ? loop.stops() : feeds;
  if (values && values.size > 0) stops = new Map<Tensor, unknown>([...stops, ...values]);
  const needed = prune(loop ? [...elements, ...loop.commits.map(([t]) => t)] : elements, stops, boundary);
  const order = [...needed].sort((a, b) => a.id - b.id);

  // ----- ancestry, for variable versions ----------------------------------------------
  const ancestors = new Map<Operation, Set<number>>();
  const ancestorsOf = (op: Operation): Set<number> => {
    let s = ancestors.get(op);
    if (s) return s;
    s = new Set<number>();
    const st = [op];
    while (st.length) {
      const o = st.pop()!;
      for (const p of [...o.inputs.map((t) => t.op), ...o.controlInputs]) {
        if (!s.has(p.id) && needed.has(p)) {
          s.add(p.id);
          st.push(p);
        }
      }
    }
    ancestors.set(op, s);
    return s;
  };

  // ----- lower ------------------------------------------------------------------------
  const b = new PlanBuilder();
  const vals = new Map<Tensor, Val>();
  const feedOrder: Tensor[] = [];
  for (const [t, v] of feeds) {
    // complex values stay on the host (ops/complex.ts): a plan op reading one has no kernel
    if (isComplex(t.dtype)) continue;
    vals.set(t, b.feed(t.dtype, v.shape));
    feedOrder.push(t);
  }
  for (const [t, v] of values ?? []) vals.set(t, b.constant(v));
  const variables = new Map<string, { dtype: DType; shape: number[] }>();
  for (const [t, r] of loop?.resident ?? []) {
    vals.set(t, markResident(b.variable(r.key, r.dtype, r.shape)));
    variables.set(r.key, { dtype: r.dtype, shape: r.shape });
  }
  const versions = new Map<string, { opId: number; val: Val }[]>();
  const needsInit = new Map<string, string>();

  /** Version 0 of the variable behind ref tensor `t`: its persistent buffer. */
  const storedVariable = (t: Tensor, reader: string): Val => {
    const key = t.op.name;
    const shape = t.op.attrs.shape as number[];
    variables.set(key, { dtype: t.dtype, shape });
    if (!needsInit.has(key)) needsInit.set(key, reader);
    return b.variable(key, t.dtype, shape);
  };

  /** The newest version of variable `key` written by an assign that `op` depends on, if any. */
  const versionSeenBy = (op: Operation, key: string): Val | undefined => {
    const list = versions.get(key) ?? [];
    const anc = list.length ? ancestorsOf(op) : null;
    for (let i = list.length - 1; i >= 0; i--) {
      if (anc!.has(list[i]!.opId)) return list[i]!.val;
    }
    return undefined;
  };

  /**
   * The variable a tensor aliases: in TF1 a Variable's `/read` snapshot (and an Identity or
   * Switch of it) forwards the variable's buffer, which Assign overwrites in place, so an op
   * reading it after an assign it depends on (`with control_dependencies([assign]):
   * identity(v)`) sees the assigned value.
   */
  const aliasedVariable = (t: Tensor): Tensor | null => {
    let x = t;
    while ((x.op.type === 'Identity' || x.op.type === 'Switch') && x.op.inputs.length > 0 && !stops.has(x) && x.op.controlInputs.length === 0) x = x.op.inputs[0]!;
    return x !== t && x.op.type === 'VariableV2' && !stops.has(x) ? x : null;
  };

  const inputVal = (op: Operation, t: Tensor): Val => {
    const aliased = t.op.type === 'VariableV2' ? null : aliasedVariable(t);
    if (aliased && aliased.dtype === t.dtype && vals.has(t)) {
      const v = versionSeenBy(op, aliased.op.name);
      if (v && shapesEqual(v.shape, vals.get(t)!.shape)) return v;
    }
    if (t.op.type === 'VariableV2' && !feeds.has(t)) {
      const key = t.op.name;
      const seen = versionSeenBy(op, key);
      if (seen) return seen;
      if (op.type === 'Assign') {
        // A plain Assign initializes: it may see the variable uninitialized.
        variables.set(key, { dtype: t.dtype, shape: t.op.attrs.shape as number[] });
        return b.variable(key, t.dtype, t.op.attrs.shape as number[]);
      }
      return storedVariable(t, op.name);
    }
    const v = vals.get(t);
    if (!v && isComplex(t.dtype)) throw noComplexKernel(op, t.dtype);
    if (!v) throw new InternalError(`no value for ${t.name} while lowering ${op.name}`);
    return v;
  };

  for (const op of order) {
    if (op.type === 'VariableV2') continue;
    b.opName = op.name;
    const cv = op.inputs.find((t) => t.op.type === 'VariableV2' && isComplex(t.dtype) && !feeds.has(t));
    if (cv) throw new InvalidArgumentError(`Variable '${cv.op.name}' has dtype ${cv.dtype}: tsflow holds complex values only on the host, not in variables`, op.name);
    const cx = op.outputs.find((t) => isComplex(t.dtype));
    if (cx && !op.outputs.every((t) => stops.has(t))) throw noComplexKernel(op, cx.dtype);
    const ins = op.inputs.map((t) => inputVal(op, t));
    // An op whose every output is fed is not computed, unless it has effects.
    const def = getOpDef(op.type);
    if (op.outputs.length > 0 && op.outputs.every((t) => stops.has(t)) && !def.stateful) continue;
    for (let i = 0; i < ins.length; i++) {
      const t = op.inputs[i]!;
      if (!compatible(t.shape, ins[i]!.shape)) {
        throw new OpError(`Input ${i} of '${op.name}' has shape ${cShape([...ins[i]!.shape])}, incompatible with its static shape ${cShape(t.shape)}`, op.name, 3);
      }
    }
    const before = def.stateful ? new Map(b.assignedVals) : null;
    let outs: Val[];
    try {
      outs = def.lower(b, ins, op.attrs as never);
    } catch (e) {
      if (!(e instanceof ValueNeeded)) throw e;
      // the tensor holding the value the op needs (an input, or one lowered to the same value)
      const i = ins.findIndex((v) => v.id === e.valId);
      const t = i >= 0 ? op.inputs[i]! : [...vals].find(([, v]) => v.id === e.valId)?.[0];
      if (!t || values?.has(t)) throw e.error;
      throw new TensorValueNeeded(t, e.error);
    }
    op.outputs.forEach((t, i) => {
      if (stops.has(t)) return;
      const v = outs[i];
      if (!v) throw new InternalError(`op ${op.type} lowered to ${outs.length} values, expected ${op.outputs.length}`, op.name);
      if (v.dtype !== t.dtype) throw new InternalError(`op ${op.type} output ${i} lowered to ${v.dtype}, declared ${t.dtype}`, op.name);
      vals.set(t, v);
    });
    if (before) {
      for (const [key, val] of b.assignedVals) {
        if (before.get(key) === val) continue;
        const list = versions.get(key) ?? [];
        list.push({ opId: op.id, val });
        versions.set(key, list);
      }
    }
  }

  // ----- fetches ----------------------------------------------------------------------
  const fetchVals: Val[] = [];
  const fetchSlots: number[] = [];
  for (const e of elements) {
    if (e instanceof Operation || feeds.has(e)) {
      fetchSlots.push(-1);
      continue;
    }
    const v = e.op.type === 'VariableV2' ? storedVariable(e, e.op.name) : vals.get(e);
    if (!v) throw new InternalError(`no value for fetch ${e.name}`);
    fetchSlots.push(fetchVals.length);
    fetchVals.push(v);
  }
  if (loop) commitLoopValues(b, loop, vals);
  const plan = b.finish(fetchVals, traits, fuse);
  return { plan, fetchSlots, fetchShapes: fetchVals.map((v) => [...v.shape]), feedOrder, needsInit, assigns: b.assignedKeys(), dynOps: b.dynOps, variables, fusion: b.fusionStats };
}

/**
 * Write each committed loop value into its storage after the run: nothing for a value that is
 * the storage itself or whose rows a TensorArray write already puts there; storage that rows
 * were written to but that takes another value gets that value whole.
 */
function commitLoopValues(b: PlanBuilder, loop: LoopFeeds, vals: Map<Tensor, Val>): void {
  const done = new Set<string>();
  for (const [t, r] of loop.commits) {
    const v = vals.get(t);
    if (!v) throw new InternalError(`no value for the loop value ${t.name}`);
    if (v.dtype !== r.dtype || !shapesEqual(v.shape, r.shape)) throw new NotResident(t.name);
    done.add(r.key);
    const ref = b.variable(r.key, r.dtype, r.shape);
    if (b.assignedVals.get(r.key) === v) continue;
    if (!b.assignedKeys().includes(r.key) && b.bufferOf(v) === b.bufferOf(ref)) continue;
    b.assign(ref, v);
  }
  // storage written by a TensorArray write whose result is not what the loop carries on
  for (const r of loop.resident.values()) {
    if (done.has(r.key) || !b.assignedKeys().includes(r.key)) continue;
    throw new NotResident(r.key);
  }
}

export function uninitializedError(key: string, op: string): FailedPreconditionError {
  return new FailedPreconditionError(`Attempting to use uninitialized value ${key}`, op);
}
