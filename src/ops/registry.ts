/**
 * One declaration per graph op: dtype/shape inference at build time, lowering into device
 * primitives at plan time (with concrete shapes), and the gradient (registered beside it, or in
 * the `grads/` files, written with other ops).
 */
import type { DType } from '../dtype.js';
import { LookupError, ValueError } from '../errors.js';
import { type Graph, graphFromInputs } from '../graph/graph.js';
import type { Attrs, Operation, Tensor } from '../graph/tensor.js';
import type { IndexedSlices } from './indexed-slices.js';
import type { PartialShape } from '../shape.js';
import type { Lower, Val } from './lower.js';

export interface OutSpec {
  dtype: DType;
  shape: PartialShape;
}

/** Gradients w.r.t. the inputs; an entry may be sparse (`IndexedSlices`). */
export type GradFn = (op: Operation, dys: (Tensor | null)[]) => (Tensor | IndexedSlices | null)[];

export interface OpDef<A extends Attrs = Attrs> {
  type: string;
  /** Build-time dtype and shape inference; throws ValueError with TF's text on bad shapes. */
  infer(ins: readonly Tensor[], attrs: A, name: string): OutSpec[];
  /** Plan-time lowering into primitives, with every input's shape concrete. */
  lower(b: Lower, ins: Val[], attrs: A): Val[];
  /** Stateful ops (random, assign) are never folded or merged. */
  stateful?: boolean;
  /**
   * Kernels only on the fallback (CPU) device, as TF registers some ops for DEVICE_CPU only
   * (candidate samplers): placement puts the op there, whatever its dtypes.
   */
  fallbackOnly?: boolean;
}

const defs = new Map<string, OpDef>();
const grads = new Map<string, GradFn | null>();

export function defineOp<A extends Attrs>(def: OpDef<A>): OpDef<A> {
  if (defs.has(def.type)) throw new Error(`op ${def.type} declared twice`);
  defs.set(def.type, def as unknown as OpDef);
  return def;
}

export function getOpDef(type: string): OpDef {
  const d = defs.get(type);
  if (!d) throw new Error(`No op declaration for type ${type}`);
  return d;
}

/** Whether op `type` has kernels on the fallback device only (see OpDef.fallbackOnly). */
export function fallbackOnly(type: string): boolean {
  return defs.get(type)?.fallbackOnly === true;
}

export function registeredOpTypes(): string[] {
  return [...defs.keys()];
}

/** Register the gradient of an op type; `null` declares it not differentiable. */
export function registerGradient(type: string, fn: GradFn | null): void {
  grads.set(type, fn);
}

/**
 * An op type with no gradient, as TF registers none for it: tf.gradients through it raises TF's
 * LookupError (a null gradient instead declares it not differentiable: no gradient flows).
 */
export function registerNoGradient(type: string): void {
  grads.set(type, (op) => {
    throw new LookupError(`No gradient defined for operation '${op.name}' (op type: ${op.type})`);
  });
}

export function getGradient(type: string): GradFn | null | undefined {
  return grads.get(type);
}

/**
 * Create an op of a declared type in the graph of its inputs (as TF1's op wrappers do), which
 * must all share one; in `dflt` when it has none.
 */
export function makeOp(
  dflt: Graph,
  type: string,
  inputs: Tensor[],
  attrs: Attrs,
  name: string | undefined,
  defaultName: string,
): Operation {
  const def = getOpDef(type);
  const g = graphFromInputs(inputs, dflt);
  const preview =
    name !== undefined && name.endsWith('/') ? name.slice(0, -1) : g.uniqueName(name ?? defaultName, false);
  const outputs = def.infer(inputs, attrs, preview);
  return g.addOp({ type, inputs, outputs, attrs, name, defaultName });
}

export function shapeError(msg: string): ValueError {
  return new ValueError(msg);
}
