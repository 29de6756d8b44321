/**
 * TF1's composite nn functions (python/ops/nn_impl.py and math_ops.py), built from ops as TF
 * builds them, so their gradients come from the ops': `tf.nn.weightedCrossEntropyWithLogits`,
 * `logPoissonLoss`, `swish`, `crelu`, `reluLayer`, `zeroFraction`, and `tf.logSigmoid`.
 */
import { kwargs, tf1Function } from '../args.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { mergeShapes, pyShape } from '../shape.js';
import { concat, zerosLike } from './array.js';
import { type TensorLike, toTensor, toTensorPair } from './convert.js';
import { abs, add, cast, equal, exp, greaterEqual, lessEqual, log, log1p, logicalAnd, matmul, multiply, negative, reduceMean, sigmoid, subtract, where } from './math.js';
import { biasAdd, relu, softplus } from './nn.js';

function sameShape(a: Tensor, b: Tensor, what: string): void {
  if (a.shape && b.shape && mergeShapes(a.shape, b.shape) === undefined) {
    throw new ValueError(`${what} must have the same shape (${pyShape(a.shape)} vs ${pyShape(b.shape)})`);
  }
}

/**
 * `tf.nn.weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None, targets=None)`:
 * `(1 - z)·x + (1 + (q - 1)·z)·(log(1 + exp(-|x|)) + max(-x, 0))`; `targets` is TF1's old name
 * for `labels`.
 */
export function weightedCrossEntropyWithLogits(...args: unknown[]): Tensor {
  const o = kwargs(args, ['labels', 'logits', 'posWeight', 'name', 'targets'], 'nn.weightedCrossEntropyWithLogits');
  if (o.targets !== undefined && o.targets !== null) {
    if (o.labels !== undefined && o.labels !== null) throw new ValueError('Must specify exactly one of labels and targets, got both');
    o.labels = o.targets;
  }
  if (o.labels === undefined || o.labels === null || o.logits === undefined || o.posWeight === undefined) {
    throw new TypeError('nn.weightedCrossEntropyWithLogits() needs labels, logits and posWeight');
  }
  const [x, z] = toTensorPair(o.logits as TensorLike, o.labels as TensorLike);
  sameShape(x, z, 'logits and labels');
  return x.graph.nameScope((o.name as string | undefined) ?? 'logistic_loss', (scope) => {
    const q = toTensor(o.posWeight as TensorLike, x.dtype);
    const logWeight = add(1, multiply(subtract(q, 1), z));
    return add(multiply(subtract(1, z), x), multiply(logWeight, add(log1p(exp(negative(abs(x)))), relu(negative(x)))), scope);
  });
}

/**
 * `tf.nn.log_poisson_loss(targets, log_input, compute_full_loss=False, name=None)`:
 * `exp(c) - z·c`, plus Stirling's `z·log(z) - z + 0.5·log(2πz)` for targets above 1 with
 * `computeFullLoss`.
 */
export const logPoissonLoss = tf1Function('nn.logPoissonLoss', ['targets', 'logInput', 'computeFullLoss', 'name'],
  (targets: TensorLike, logInput: TensorLike, computeFullLoss?: boolean | null, name?: string | null): Tensor => {
    const [c, z] = toTensorPair(logInput, targets);
    sameShape(c, z, 'log_input and targets');
    return c.graph.nameScope(name ?? 'log_poisson_loss', (scope) => {
      const result = subtract(exp(c), multiply(c, z));
      if (!computeFullLoss) return result;
      const stirling = add(subtract(multiply(z, log(z)), z), multiply(0.5, log(multiply(2 * Math.PI, z))));
      const zeros = zerosLike(z);
      const small = logicalAnd(greaterEqual(z, zeros), lessEqual(z, 1));
      return add(result, where(small, zeros, stirling), scope);
    });
  }, 2);

/** `tf.nn.swish(features)`: `x · sigmoid(x)`. */
export const swish = tf1Function('nn.swish', ['features'], (features: TensorLike): Tensor => {
  const x = toTensor(features);
  return x.graph.nameScope('swish', (scope) => multiply(x, sigmoid(x), scope));
}, 1);

/** `tf.nn.crelu(features, name=None, axis=-1)`: `relu(concat([x, -x], axis))`. */
export const crelu = tf1Function('nn.crelu', ['features', 'name', 'axis'], (features: TensorLike, name?: string | null, axis?: number | null): Tensor => {
  const x = toTensor(features);
  return x.graph.nameScope(name ?? 'CRelu', (scope) => relu(concat([x, negative(x)], axis ?? -1), scope));
}, 1);

/** `tf.nn.relu_layer(x, weights, biases, name=None)`: `relu(x·W + b)`. */
export const reluLayer = tf1Function('nn.reluLayer', ['x', 'weights', 'biases', 'name'], (x: TensorLike, weights: TensorLike, biases: TensorLike, name?: string | null): Tensor => {
  const xt = toTensor(x);
  return xt.graph.nameScope(name ?? 'relu_layer', (scope) => relu(biasAdd(matmul(xt, weights), biases), scope));
}, 3);

/** `tf.nn.zero_fraction(value, name=None)`: the fraction of zeros in `value`, float32. */
export const zeroFraction = tf1Function('nn.zeroFraction', ['value', 'name'], (value: TensorLike, name?: string | null): Tensor => {
  const v = toTensor(value);
  return v.graph.nameScope(name ?? 'zero_fraction', () => reduceMean(cast(equal(v, zerosLike(v)), 'float32')));
}, 1);

/** `tf.log_sigmoid(x, name=None)` (also `tf.math.log_sigmoid`): `-softplus(-x)`. */
export const logSigmoid = tf1Function('logSigmoid', ['x', 'name'], (x: TensorLike, name?: string | null): Tensor => {
  const xt = toTensor(x);
  return xt.graph.nameScope(name ?? 'LogSigmoid', (scope) => negative(softplus(negative(xt)), scope));
}, 1);
