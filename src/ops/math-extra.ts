/**
 * TF1's composite math functions (python/ops/math_ops.py), built from ops as TF builds them:
 * `tf.reduceLogsumexp` (the max subtracted first, infinite maxima replaced by 0, the max held
 * out of the gradient), `tf.logicalXor` and `tf.scalarMul`.
 */
import { deprecatedAlias, tf1Function } from '../args.js';
import { ValueError } from '../errors.js';
import { pyShape } from '../shape.js';
import type { Tensor } from '../graph/tensor.js';
import { reshapeLike, zerosLike } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import { stopGradient } from './core.js';
import { add, exp, multiply, isInf, isNan, log, logicalAnd, logicalNot, logicalOr, reduceMax, reduceSum, subtract, where } from './math.js';

/** `tf.reduce_logsumexp(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None)`. */
export const reduceLogsumexp = tf1Function(
  'reduceLogsumexp',
  ['inputTensor', 'axis', 'keepdims', 'name', 'reductionIndices', 'keepDims'],
  (inputTensor: TensorLike, axis?: number | number[] | null, keepdims?: boolean | null, name?: string | null, reductionIndices?: number | number[] | null, keepDims?: boolean | null): Tensor => {
    const ax = deprecatedAlias('axis', axis, 'reduction_indices', reductionIndices) ?? null;
    const kd = deprecatedAlias('keepdims', keepdims, 'keep_dims', keepDims) ?? false;
    if (typeof kd !== 'boolean') throw new TypeError(`reduceLogsumexp(): keepdims must be a boolean, got ${String(kd)}`);
    const x = toTensor(inputTensor);
    return x.graph.nameScope(name ?? 'ReduceLogSumExp', (scope) => {
      const rawMax = reduceMax(x, ax, true);
      const finite = logicalNot(logicalOr(isInf(rawMax), isNan(rawMax)));
      const myMax = stopGradient(where(finite, rawMax, zerosLike(rawMax)));
      const result = log(reduceSum(exp(subtract(x, myMax)), ax, kd));
      return add(result, kd ? myMax : reshapeLike(myMax, result), scope);
    });
  },
  1,
);

/** `tf.logical_xor(x, y, name='LogicalXor')`: `(x || y) && !(x && y)`. */
export const logicalXor = tf1Function('logicalXor', ['x', 'y', 'name'], (x: TensorLike, y: TensorLike, name?: string | null): Tensor =>
  logicalAnd(logicalOr(x, y), logicalNot(logicalAnd(x, y)), name ?? 'LogicalXor'), 2);

/** `tf.scalar_mul(scalar, x, name=None)`: `scalar · x` for a rank-0 `scalar` (in x's dtype). */
export const scalarMul = tf1Function('scalarMul', ['scalar', 'x', 'name'], (scalar: TensorLike, x: TensorLike, name?: string | null): Tensor => {
  const xt = toTensor(x);
  const s = toTensor(scalar, xt.dtype);
  if (s.shape === null || s.shape.length !== 0) throw new ValueError(`Only scalar multiply works, got shape ${pyShape(s.shape)}`);
  return multiply(s, xt, name ?? undefined);
}, 2);
