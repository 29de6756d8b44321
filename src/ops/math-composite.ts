/**
 * TF 1.15's remaining tf.math compositions (python/ops/math_ops.py): reduceVariance and
 * reduceStd (the mean of squared deviations from the kept-dims mean), polyval (Horner's rule over
 * a list of coefficients, highest power first), and xlogy / xdivy — 0 wherever x is 0, with TF's
 * gradients there (0, not NaN, even where y is 0): the op reads a y replaced by 1 where x is 0,
 * and xdivy's factor 1/y is 0 there (TF's gradient w.r.t. x is xdivy(x ≠ 0, y)).
 */
import { deprecatedAlias, tf1Function } from '../args.js';
import { isFloat } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { onesLike, zerosLike } from './array.js';
import { type TensorLike, toTensor, toTensorPair } from './convert.js';
import { add, equal, reciprocal, log, multiply, reduceMean, sqrt, square, subtract, where } from './math.js';

type Axis = number | number[] | null | undefined;

function varianceImpl(x: Tensor, axis: Axis, keepdims: boolean): Tensor {
  const means = reduceMean(x, axis ?? null, true);
  return reduceMean(square(subtract(x, means)), axis ?? null, keepdims);
}

function floatInput(v: TensorLike, fn: string): Tensor {
  const x = toTensor(v);
  if (!isFloat(x.dtype)) throw new TypeError(`${fn}(): input must be a floating point tensor, got ${x.dtype}`);
  return x;
}

/** `tf.math.reduce_variance(input_tensor, axis=None, keepdims=False, name=None)`. */
export const reduceVariance = tf1Function('math.reduceVariance', ['inputTensor', 'axis', 'keepdims', 'name', 'keepDims'],
  (inputTensor: TensorLike, axis?: Axis, keepdims?: boolean | null, name?: string | null, keepDims?: boolean | null): Tensor => {
    const x = floatInput(inputTensor, 'reduceVariance');
    const kd = deprecatedAlias('keepdims', keepdims, 'keep_dims', keepDims) ?? false;
    return x.graph.nameScope(name ?? 'reduce_variance', () => varianceImpl(x, axis, kd));
  }, 1);

/** `tf.math.reduce_std(input_tensor, axis=None, keepdims=False, name=None)`: sqrt of reduce_variance. */
export const reduceStd = tf1Function('math.reduceStd', ['inputTensor', 'axis', 'keepdims', 'name', 'keepDims'],
  (inputTensor: TensorLike, axis?: Axis, keepdims?: boolean | null, name?: string | null, keepDims?: boolean | null): Tensor => {
    const x = floatInput(inputTensor, 'reduceStd');
    const kd = deprecatedAlias('keepdims', keepdims, 'keep_dims', keepDims) ?? false;
    return x.graph.nameScope(name ?? 'reduce_std', () => sqrt(x.graph.nameScope('reduce_variance', () => varianceImpl(x, axis, kd))));
  }, 1);

/** `tf.math.polyval(coeffs, x, name=None)`: coeffs[0]·xⁿ⁻¹ + … + coeffs[n−1], by Horner's rule. */
export const polyval = tf1Function('math.polyval', ['coeffs', 'x', 'name'], (coeffs: readonly TensorLike[], x: TensorLike, name?: string | null): Tensor => {
  if (!Array.isArray(coeffs)) throw new ValueError(`Argument coeffs must be list type found ${coeffs === null ? 'None' : typeof coeffs}.`);
  const xt = toTensor(x);
  return xt.graph.nameScope(name ?? 'polyval', (scope) => {
    if (coeffs.length === 0) return zerosLike(xt, null, scope);
    const cs = coeffs.map((c) => toTensor(c, xt.dtype));
    let p = cs[0]!;
    for (const c of cs.slice(1)) p = add(c, multiply(p, xt));
    return p;
  });
}, 2);

/** y with 1 wherever x is 0 (broadcast to both shapes), so x·f(y) and its gradients are 0 there. */
function safeY(x: Tensor, y: Tensor): Tensor {
  return where(equal(x, zerosLike(x)), onesLike(y), y);
}

/** `tf.math.xlogy(x, y, name=None)`: 0 where x == 0, else x·log(y). */
export const xlogy = tf1Function('math.xlogy', ['x', 'y', 'name'], (x: TensorLike, y: TensorLike, name?: string | null): Tensor => {
  const [a, b] = toTensorPair(x, y);
  return a.graph.nameScope(name ?? 'Xlogy', (scope) => multiply(a, log(safeY(a, b)), scope));
}, 2);

/** `tf.math.xdivy(x, y, name=None)`: 0 where x == 0, else x / y. */
export const xdivy = tf1Function('math.xdivy', ['x', 'y', 'name'], (x: TensorLike, y: TensorLike, name?: string | null): Tensor => {
  const [a, b] = toTensorPair(x, y);
  // TF's gradient w.r.t. x is xdivy(x ≠ 0, y): 0 where x is 0, so the reciprocal is masked too
  return a.graph.nameScope(name ?? 'Xdivy', (scope) => {
    const isZero = equal(a, zerosLike(a));
    return multiply(a, where(isZero, zerosLike(b), reciprocal(safeY(a, b))), scope);
  });
}, 2);
