/**
 * Plans whose shapes depend on run-time values. A plan's shapes are concrete, so an op whose
 * output shape follows from an operand's value (Range's limit, Reshape's shape, Slice's size,
 * Fill's dims, …) needs that value when the plan is built. When it is computed from fed or
 * run-time data, the compiler names the tensor (TensorValueNeeded); the runner computes it with
 * a sub-run on the same feeds and compiles the request again with the value as a plan constant.
 * The request key then holds the value: each distinct value is its own cached plan, as each
 * feed-shape signature is.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import type { NDArray } from '../ndarray.js';
import { type SubRun, requestKey } from './runner.js';

/** At most this many values per request (a guard against a plan that never settles). */
export const MAX_VALUES = 64;
/** The largest value taken as a plan constant (shapes, sizes, axes, paddings, small index lists). */
export const MAX_VALUE_SIZE = 4096;

function valueKey(values: ReadonlyMap<Tensor, NDArray>): string {
  return [...values].map(([t, v]) => `${t.op.id}:${t.index}=${v.dtype}[${v.shape.join('x')}]${Array.from(v.data as ArrayLike<number>).join(',')}`).join(';');
}

/** The sub-run computing `need` for `r` (with the values `r` already has). */
export function valueRequest(r: SubRun, need: readonly Tensor[]): SubRun {
  const base = requestKey(need, r.feeds);
  return {
    key: r.values && r.values.size > 0 ? `${base}|v:${valueKey(r.values)}` : base,
    elements: need,
    feeds: r.feeds,
    ...(r.boundary ? { boundary: r.boundary } : {}),
    ...(r.values ? { values: r.values } : {}),
  };
}

/** `r` with the values `got` added (fed tensors' values are taken from the feeds). */
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
  const base = r.key.split('|v:')[0]!;
  return { ...r, key: `${base}|v:${valueKey(values)}`, values };
}

/** Whether every tensor of `need` is fed (nothing to compute). */
export const allFed = (r: SubRun, need: readonly Tensor[]): boolean => need.every((t) => r.feeds.has(t));
