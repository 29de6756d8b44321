/** `tf.nn.moments`, `tf.nn.batchNormalization`, `tf.nn.l2Normalize`: TF1's Python composites. */
import { kwargs } from '../args.js';
import type { Tensor } from '../graph/tensor.js';
import { squeeze } from './array.js';
import { stopGradient } from './core.js';
import { type TensorLike, toTensor } from './convert.js';
import { add, cast, maximum, multiply, negative, reduceMean, reduceSum, rsqrt, square, squaredDifference, subtract } from './math.js';

function axesList(v: unknown, what: string): number[] {
  const list = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(list) || !list.every((a) => Number.isInteger(a))) throw new TypeError(`${what}: axes must be an integer or an array of integers, got ${JSON.stringify(v)}`);
  return [...(list as number[])];
}

/**
 * `tf.nn.moments(x, axes, shift?, name?, keepDims = false)` → `[mean, variance]` over `axes`;
 * the variance does not back-propagate through the mean (as TF1: its gradient there is zero).
 */
export function moments(
  x: TensorLike,
  axes: number | readonly number[] | Record<string, unknown>,
  shift?: unknown,
  name?: string | Record<string, unknown>,
  keepDims?: boolean | Record<string, unknown>,
): [Tensor, Tensor] {
  const o = kwargs([x, axes, shift, name, keepDims], ['x', 'axes', 'shift', 'name', 'keepDims'], 'nn.moments');
  const ax = axesList(o.axes, 'nn.moments');
  const keep = Boolean(o.keepDims ?? o.keepdims);
  const t = toTensor(o.x as TensorLike);
  return t.graph.nameScope((o.name as string | undefined) ?? 'moments', () => {
    const y = t;
    let mean = reduceMean(y, ax, true, 'mean');
    let variance = reduceMean(squaredDifference(y, stopGradient(mean)), ax, true, 'variance');
    if (!keep) {
      mean = squeeze(mean, ax);
      variance = squeeze(variance, ax);
    }
    return [mean, variance];
  });
}

/**
 * `tf.nn.batchNormalization(x, mean, variance, offset, scale, varianceEpsilon, name?)`:
 * `(x - mean) * scale / sqrt(variance + epsilon) + offset`; `offset`/`scale` may be null.
 */
export function batchNormalization(
  x: TensorLike,
  mean: TensorLike,
  variance: TensorLike,
  offset: TensorLike | null | Record<string, unknown>,
  scale?: TensorLike | null | Record<string, unknown>,
  varianceEpsilon?: number | Record<string, unknown>,
  name?: string | Record<string, unknown>,
): Tensor {
  const o = kwargs([x, mean, variance, offset, scale, varianceEpsilon, name], ['x', 'mean', 'variance', 'offset', 'scale', 'varianceEpsilon', 'name'], 'nn.batchNormalization');
  if (typeof o.varianceEpsilon !== 'number') throw new TypeError(`nn.batchNormalization: varianceEpsilon must be a number, got ${String(o.varianceEpsilon)}`);
  const t = toTensor(o.x as TensorLike);
  return t.graph.nameScope((o.name as string | undefined) ?? 'batchnorm', () => {
    const m = toTensor(o.mean as TensorLike, t.dtype);
    let inv = rsqrt(add(toTensor(o.variance as TensorLike, t.dtype), o.varianceEpsilon as number));
    if (o.scale !== undefined && o.scale !== null) inv = multiply(inv, toTensor(o.scale as TensorLike, t.dtype));
    const shiftBy = o.offset !== undefined && o.offset !== null ? subtract(toTensor(o.offset as TensorLike, t.dtype), multiply(m, inv)) : multiply(negative(m), inv);
    return add(multiply(t, cast(inv, t.dtype)), cast(shiftBy, t.dtype));
  });
}

/** `tf.nn.l2Normalize(x, axis?, epsilon = 1e-12, name?)`: `x / sqrt(max(Σ x², epsilon))` along `axis` (all when null). */
export function l2Normalize(
  x: TensorLike,
  axis?: number | readonly number[] | null | Record<string, unknown>,
  epsilon?: number | Record<string, unknown>,
  name?: string | Record<string, unknown>,
): Tensor {
  const o = kwargs([x, axis, epsilon, name], ['x', 'axis', 'epsilon', 'name'], 'nn.l2Normalize');
  const ax = o.axis ?? o.dim;
  const axes = ax === undefined || ax === null ? null : axesList(ax, 'nn.l2Normalize');
  const t = toTensor(o.x as TensorLike);
  return t.graph.nameScope((o.name as string | undefined) ?? 'l2_normalize', (scope) => {
    const squareSum = reduceSum(square(t), axes, true);
    const invNorm = rsqrt(maximum(squareSum, toTensor((o.epsilon as number | undefined) ?? 1e-12, t.dtype)));
    return multiply(t, invNorm, scope);
  });
}
