/**
 * TF1's `smart_cond` for a layer's `training` argument: a bool (or a constant bool tensor)
 * picks a branch at build time; a bool tensor builds both and selects at run time (the
 * branches here have no side effects, so this gives tf.cond's results).
 */
import { ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import type { NDArray } from '../ndarray.js';
import { toTensor } from '../ops/convert.js';
import { where } from '../ops/math.js';
import { mergeShapes } from '../shape.js';

/** The static value of `training`: a boolean, or null when it is only known at run time. */
export function constantBool(training: unknown): boolean | null {
  if (typeof training === 'boolean') return training;
  if (training === undefined || training === null) return false;
  if (training instanceof Tensor) {
    if (training.dtype !== 'bool') throw new TypeError(`training must be a bool tensor, got ${training.dtype}`);
    if (training.op.type === 'Const') return Boolean((training.op.attrs.value as NDArray).data[0]);
    if (training.shape !== null && training.shape.length !== 0) throw new ValueError(`training must be a scalar, got shape ${training.shape}`);
    return null;
  }
  throw new TypeError(`training must be a boolean or a bool tensor, got ${typeof training}`);
}

/** `smart_cond(pred, trueFn, falseFn)` for tensor-valued branches. */
export function smartCond(pred: unknown, trueFn: () => Tensor, falseFn: () => Tensor): Tensor {
  const c = constantBool(pred);
  if (c === true) return trueFn();
  if (c === false) return falseFn();
  const a = trueFn();
  const b = falseFn();
  const out = where(toTensor(pred as Tensor), a, b);
  // tf.cond's outputs have the branches' shape (its pred is a scalar); a select's broadcast over a
  // pred of unknown rank (tf.placeholder(tf.bool)) would lose it
  const s = mergeShapes(a.shape, b.shape);
  if (s) out.setShape(s);
  return out;
}
