/**
 * `tf.gradients`: reverse-mode differentiation that adds ordinary ops to the graph (so gradients
 * of gradients work). Ops are visited in reverse creation order, which is a reverse topological
 * order, so every consumer's contribution is in before an op's gradient is built.
 */
import { type DType, isComplex, isFloat } from '../dtype.js';
import { LookupError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Graph } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from './convert.js';
import { addN } from './math.js';
import { onesLike, zerosLike } from './array.js';
import { getGradient } from './registry.js';
import { IndexedSlices, densify } from './indexed-slices.js';
import { concat, range } from './array.js';
import './grads/index.js';
import { gradientsOptions } from '../schemas.js';
import { parseOptions } from '../validate.js';
import { kwargs } from '../args.js';

/**
 * A while loop is differentiated as a whole (its ops form a cycle): `unitOf(op)` names the loop
 * an op belongs to as seen from the frame being differentiated (null: an ordinary op), and
 * `build(loop, exitGrads)` adds the gradient loop, returning gradients for the values entering
 * the loop. Registered by control-flow/grads.ts.
 */
export interface LoopGradients<L = unknown> {
  unitOf(op: Operation, frame: L | null): L | null;
  exits(loop: L): readonly Operation[];
  /** Gradients of the loop's entering values, by tensor. */
  build(loop: L, exitGrads: (Tensor | null)[]): Map<Tensor, Tensor>;
}
let loops: LoopGradients | null = null;
export function registerLoopGradients<L>(l: LoopGradients<L>): void {
  loops = l as LoopGradients;
}
/** The loop whose body is being differentiated (its ops are ordinary ops there). */
let frame: unknown = null;
export function inGradientFrame<T>(f: unknown, fn: () => T): T {
  const old = frame;
  frame = f;
  try {
    return fn();
  } finally {
    frame = old;
  }
}

/** Tensors of these dtypes carry gradients; integer and bool edges cut the path. */
export function isDifferentiable(dtype: DType): boolean {
  return isFloat(dtype) || isComplex(dtype);
}

export interface GradientsOptions {
  gradYs?: (TensorLike | null | undefined)[] | TensorLike | null;
  /** Scope of the new ops (default `gradients`, uniquified). */
  name?: string | null;
  /** Accepted as TF1 does; one process places each gradient op by the ordinary rules. */
  colocateGradientsWithOps?: boolean | null;
  /** Accepted as TF1 does; a gradient's value does not depend on its gating. */
  gateGradients?: boolean | null;
  /** `tf.AggregationMethod.*`: every method sums to the same values here. */
  aggregationMethod?: number | null;
  /** Tensors treated as constants, as if wrapped in stopGradient. */
  stopGradients?: TensorLike | TensorLike[] | null;
  /** `tf.UnconnectedGradients.NONE` ('none', null where unconnected) or `.ZERO` ('zero', zeros). */
  unconnectedGradients?: 'none' | 'zero' | null;
}

/** TF1's `tf.AggregationMethod`. */
export const AggregationMethod = {
  ADD_N: 0,
  DEFAULT: 0,
  EXPERIMENTAL_TREE: 1,
  EXPERIMENTAL_ACCUMULATE_N: 2,
} as const;

/** TF1's `tf.UnconnectedGradients`. */
export const UnconnectedGradients = { NONE: 'none', ZERO: 'zero' } as const;

const GRADIENTS_NAMES = [
  'ys', 'xs', 'gradYs', 'name', 'colocateGradientsWithOps', 'gateGradients', 'aggregationMethod', 'stopGradients', 'unconnectedGradients',
] as const;

type XLike = TensorLike | { ref: Tensor };

/** A Variable differentiates through its ref output (as TF1 converts it with `as_ref`). */
function asX(x: XLike): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'object' && x !== null && 'ref' in x && x.ref instanceof Tensor) return x.ref;
  return toTensor(x as TensorLike);
}

/** A gradient: dense, or sparse rows (`tf.IndexedSlices`, e.g. w.r.t. gathered params). */
export type Gradient = Tensor | IndexedSlices;

/** Op types whose gradient passes a sparse upstream gradient through unchanged. */
const SPARSE_PASSTHROUGH: ReadonlySet<string> = new Set(['Identity']);

/** A dense gradient as IndexedSlices over all its rows (needs a static first dim). */
function asSlices(g: Gradient): IndexedSlices | null {
  if (g instanceof IndexedSlices) return g;
  const n = g.shape?.[0];
  if (n === null || n === undefined) return null;
  return new IndexedSlices(g, range(0, n, 1, 'int32'), null);
}

/**
 * TF1's aggregation of several gradients of one tensor: dense ones are summed (AddN); when any
 * is IndexedSlices they are all concatenated as IndexedSlices, the dense ones as all their rows.
 */
function aggregateGrads(l: Gradient[]): Gradient {
  if (l.every((g) => g instanceof Tensor)) return addN(l as Tensor[], 'AddN');
  const slices = l.map(asSlices);
  const shape = l.find((g): g is IndexedSlices => g instanceof IndexedSlices && g.denseShape !== null)?.denseShape ?? null;
  if (slices.some((s) => s === null) || shape === null) return addN(l.map(densify), 'AddN');
  const ss = slices as IndexedSlices[];
  return new IndexedSlices(concat(ss.map((s) => s.values), 0), concat(ss.map((s) => s.indices), 0), shape);
}

/**
 * Σ over `ys` of d(y · gradY)/dx for each x; `null` where x does not reach any y. A gradient that
 * only touches some rows of x (x gathered, or looked up as an embedding) is a `tf.IndexedSlices`.
 */
export function gradients(
  ys: TensorLike | TensorLike[],
  xs: XLike | XLike[],
  gradYs?: (TensorLike | null | undefined)[] | TensorLike | null,
  name?: string | null,
  colocateGradientsWithOps?: boolean | null,
  gateGradients?: boolean | null,
  aggregationMethod?: number | null,
  stopGradients?: TensorLike | TensorLike[] | null,
  unconnectedGradients?: 'none' | 'zero' | null,
): (Gradient | null)[];
export function gradients(ys: TensorLike | TensorLike[], xs: XLike | XLike[], gradYs: (TensorLike | null | undefined)[] | TensorLike | null | undefined, opts: GradientsOptions): (Gradient | null)[];
export function gradients(ys: TensorLike | TensorLike[], xs: XLike | XLike[], opts: GradientsOptions): (Gradient | null)[];
export function gradients(ys: TensorLike | TensorLike[], opts: GradientsOptions & { xs: XLike | XLike[] }): (Gradient | null)[];
export function gradients(opts: GradientsOptions & { ys: TensorLike | TensorLike[]; xs: XLike | XLike[] }): (Gradient | null)[];
export function gradients(...args: unknown[]): (Gradient | null)[] {
  const a = kwargs(args, GRADIENTS_NAMES, 'gradients', 2);
  const ys = a.ys as TensorLike | TensorLike[];
  const xs = a.xs as XLike | XLike[];
  const gy = a.gradYs as (TensorLike | null | undefined)[] | TensorLike | null | undefined;
  const opts = {
    name: (a.name ?? undefined) as string | undefined,
    stopGradients: a.stopGradients === undefined || a.stopGradients === null ? undefined : Array.isArray(a.stopGradients) ? a.stopGradients : [a.stopGradients],
  };
  parseOptions(gradientsOptions, opts, 'gradients');
  for (const k of ['colocateGradientsWithOps', 'gateGradients'] as const) {
    if (a[k] !== undefined && a[k] !== null && typeof a[k] !== 'boolean') throw new TypeError(`gradients(): ${k} must be a bool, got ${String(a[k])}`);
  }
  const am = a.aggregationMethod;
  if (am !== undefined && am !== null && !Object.values(AggregationMethod).includes(am as 0)) {
    throw new ValueError(`Invalid aggregation_method specified ${String(am)}.`);
  }
  const ug = a.unconnectedGradients ?? 'none';
  if (ug !== 'none' && ug !== 'zero') throw new ValueError(`Unknown value for unconnected_gradients: '${String(ug)}'`);
  const yList = (Array.isArray(ys) ? ys : [ys]).map((y) => toTensor(y));
  const xList = (Array.isArray(xs) ? xs : [xs]).map(asX);
  // A single grad_ys tensor is a list of one, as TF1 lists it.
  const gradYs = gy === undefined || gy === null ? gy : Array.isArray(gy) ? (gy as (TensorLike | null | undefined)[]) : [gy as TensorLike];
  if (gradYs && gradYs.length !== yList.length) {
    throw new ValueError(`Passed ${gradYs.length} grad_ys for ${yList.length} ys`);
  }
  const g: Graph = yList[0]?.graph ?? getDefaultGraph();
  for (const t of [...yList, ...xList]) {
    if (t.graph !== g) throw new ValueError(`Tensor ${t.name} must be from the same graph as the other tensors passed to gradients().`);
  }
  const stops = new Set((opts.stopGradients ?? []).map((t) => toTensor(t).op));

  return g.nameScope(opts.name ?? 'gradients', () => {
    const between = betweenOps(g, xList, yList);
    // Pending gradients of each tensor, summed when an op is visited.
    const grads = new Map<Tensor, Gradient[]>();
    const add = (t: Tensor, dt: Gradient): void => {
      const l = grads.get(t);
      if (l) l.push(dt);
      else grads.set(t, [dt]);
    };
    yList.forEach((y, i) => {
      const gy = gradYs?.[i];
      let seed: Tensor;
      if (gy === null || gy === undefined) {
        seed = onesLike(y, undefined, `grad_ys_${i}`);
      } else {
        seed = toTensor(gy as TensorLike, y.dtype, `grad_ys_${i}`);
        if (seed.dtype !== y.dtype) {
          throw new TypeError(`Gradient type ${seed.dtype} generated for tensor ${y.name} with type ${y.dtype} must match`);
        }
      }
      add(y, seed);
    });

    const aggregate = (t: Tensor): Gradient | null => {
      const l = grads.get(t);
      if (!l || l.length === 0) return null;
      if (l.length === 1) return l[0]!;
      const sum = aggregateGrads(l);
      grads.set(t, [sum]);
      return sum;
    };

    const ops = [...between].sort((a, b) => b.id - a.id);
    const doneLoops = new Set<unknown>();
    for (const op of ops) {
      const loop = loops?.unitOf(op, frame) ?? null;
      if (loop !== null) {
        // The loop's last Exit is visited first: every Exit's consumers are in by then.
        if (doneLoops.has(loop) || !loops!.exits(loop).includes(op)) continue;
        doneLoops.add(loop);
        const dExits = loops!.exits(loop).map((e) => {
          const d = aggregate(e.outputs[0]!);
          return d === null ? null : densify(d);
        });
        if (dExits.every((d) => d === null)) continue;
        for (const [t, d] of loops!.build(loop, dExits)) {
          if (between.has(t.op) && isDifferentiable(t.dtype)) add(t, d);
        }
        continue;
      }
      const sparse = op.outputs.map(aggregate);
      if (sparse.every((d) => d === null) || stops.has(op)) continue;
      if (SPARSE_PASSTHROUGH.has(op.type) && sparse[0] instanceof IndexedSlices) {
        const t = op.inputs[0]!;
        if (between.has(t.op) && isDifferentiable(t.dtype)) add(t, sparse[0]);
        continue;
      }
      // Only inputs that lead back to some x need a gradient.
      if (!op.inputs.some((t) => between.has(t.op) && isDifferentiable(t.dtype))) continue;
      // An op made under gradientOverrideMap takes the gradient registered under its mapped name.
      const override = op.attrs._gradient_op_type;
      const fn = getGradient(typeof override === 'string' ? override : op.type);
      if (fn === undefined) throw new LookupError(`No gradient defined for operation '${op.name}' (op type: ${op.type})`);
      if (fn === null) continue;
      // Other gradient functions see dense gradients (TF1 converts IndexedSlices on use).
      const dxs = g.nameScope(`${op.name}_grad`, () => fn(op, sparse.map((d) => (d === null ? null : densify(d)))));
      if (dxs.length !== op.inputs.length) {
        throw new ValueError(`Num gradients ${dxs.length} generated for op ${op.name} do not match num inputs ${op.inputs.length}`);
      }
      op.inputs.forEach((t, i) => {
        const d = dxs[i];
        if (!d || !between.has(t.op) || !isDifferentiable(t.dtype)) return;
        add(t, d);
      });
    }
    const out = xList.map((x) => (between.has(x.op) ? aggregate(x) : null));
    return ug === 'zero' ? out.map((d, i) => d ?? zerosLike(xList[i]!)) : out;
  });
}

/** Ops on a differentiable path from some x to some y (the xs' own ops included). */
function betweenOps(g: Graph, xs: Tensor[], ys: Tensor[]): Set<Operation> {
  const consumers = new Map<Operation, Operation[]>();
  // A loop's Merge, Switch and Identity precede its body, which may make the xs (variables a
  // loop body creates): with a loop in the graph every op may consume an x.
  const minX = g.operations.some((o) => o.type === 'NextIteration') ? -1 : Math.min(...xs.map((x) => x.op.id));
  for (const op of g.operations) {
    if (op.id <= minX) continue;
    for (const t of op.inputs) {
      if (!isDifferentiable(t.dtype)) continue;
      const l = consumers.get(t.op);
      if (l) {
        if (l[l.length - 1] !== op) l.push(op);
      } else consumers.set(t.op, [op]);
    }
  }
  const reached = new Set<Operation>();
  const stack = xs.map((x) => x.op);
  while (stack.length) {
    const op = stack.pop()!;
    if (reached.has(op)) continue;
    reached.add(op);
    for (const c of consumers.get(op) ?? []) stack.push(c);
  }
  const between = new Set<Operation>();
  const back = ys.map((y) => y.op).filter((op) => reached.has(op));
  while (back.length) {
    const op = back.pop()!;
    if (between.has(op)) continue;
    between.add(op);
    for (const t of op.inputs) if (reached.has(t.op) && isDifferentiable(t.dtype)) back.push(t.op);
  }
  return between;
}

export { Operation };
