/**
 * Plans whose shapes depend on run-time values. A plan's shapes are concrete, so an op whose
 * output shape follows from an operand's value (Range's limit, Reshape's shape, Slice's size,
 * Fill's dims, …) needs that value when the plan is built. When it is computed from fed or
 * run-time data, the compiler names the tensor (TensorValueNeeded); the runner computes it with
 * a sub-run on the same feeds and compiles the request again with the value as a plan constant.
 * The request key then holds the value: each distinct value is its own cached plan, as each
 * feed-shape signature is. Stateful ops the sub-run ran on the way (a random draw, an assign)
 * are not run again: the request is fed their outputs, so each runs once per step, as in TF.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { contextOf } from '../ops/control-flow/context.js';
import { getOpDef } from '../ops/registry.js';
import type { NDArray } from '../ndarray.js';
import { type SubRun, requestKey } from './runner.js';

/** At most this many values per request (a guard against a plan that never settles). */
export const MAX_VALUES = 64;
/** The largest value taken as a plan constant (shapes, sizes, axes, paddings, small index lists). */
export const MAX_VALUE_SIZE = 4096;

function valueKey(values: ReadonlyMap<Tensor, NDArray>): string {
  return [...values].map(([t, v]) => `${t.op.id}:${t.index}=${v.dtype}[${v.shape.join('x')}]${Array.from(v.data as ArrayLike<number>).join(',')}`).join(';');
}

/**
 * The outputs of the stateful ops (random draws, assigns) that computing `need` runs, outside
 * control flow (a loop or cond computes its own values) and short of what is fed or already a value.
 */
export function statefulUpstream(need: readonly Tensor[], r: SubRun): Tensor[] {
  const out: Tensor[] = [];
  const seen = new Set<Operation>();
  const stop = (t: Tensor) => r.feeds.has(t) || (r.values?.has(t) ?? false);
  const visit = (op: Operation): void => {
    if (seen.has(op) || op.type === 'VariableV2' || contextOf(op) !== null) return;
    seen.add(op);
    if (op.outputs.length > 0 && getOpDef(op.type).stateful && !op.outputs.some(stop)) out.push(...op.outputs);
    for (const t of op.inputs) if (!stop(t)) visit(t.op);
    op.controlInputs.forEach(visit);
  };
  for (const t of need) if (!stop(t)) visit(t.op);
  return out;
}

/** The sub-run computing `need` for `r` (with the values `r` already has), and the outputs of the stateful ops it runs. */
export function valueRequest(r: SubRun, need: readonly Tensor[]): SubRun {
  const elements = [...need, ...statefulUpstream(need, r).filter((t) => !need.includes(t))];
  const base = requestKey(elements, r.feeds);
  return {
    key: r.values && r.values.size > 0 ? `${base}|v:${valueKey(r.values)}` : base,
    elements,
    feeds: r.feeds,
    ...(r.boundary ? { boundary: r.boundary } : {}),
    ...(r.values ? { values: r.values } : {}),
  };
}

/**
 * `r` with the values `got` added (fed tensors' values are taken from the feeds), and fed the
 * outputs of the stateful ops that computing them ran.
 */
export function withValues(r: SubRun, need: readonly Tensor[], got: ReadonlyMap<Tensor, NDArray>): SubRun {
  const values = new Map(r.values ?? []);
  for (const t of need) {
    const v = r.feeds.get(t) ?? got.get(t);
    if (!v) throw new Error(`no value computed for ${t.name}`);
    if (v.size > MAX_VALUE_SIZE) {
      throw new InvalidArgumentError(`${t.name} shapes a plan but holds ${v.size} values (at most ${MAX_VALUE_SIZE}): tsflow builds a plan per such value, so it takes only small shape-like values`, t.op.name);
    }
    values.set(t, v);
  }
  if (values.size > MAX_VALUES) throw new Error(`a plan of this run needs more than ${MAX_VALUES} run-time values`);
  const ran = [...got.keys()].filter((t) => !need.includes(t) && !r.feeds.has(t));
  if (ran.length === 0) return { ...r, key: `${r.key.split('|v:')[0]!}|v:${valueKey(values)}`, values };
  const feeds = new Map(r.feeds);
  for (const t of ran) feeds.set(t, got.get(t)!);
  return { ...r, feeds, key: `${requestKey(r.elements, feeds)}|v:${valueKey(values)}`, values };
}

/** Whether every tensor of `need` is fed (nothing to compute). */
export const allFed = (r: SubRun, need: readonly Tensor[]): boolean => need.every((t) => r.feeds.has(t));
