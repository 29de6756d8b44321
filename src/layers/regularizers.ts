/**
 * TF1's weight regularizers (`tf.contrib.layers.l1_regularizer`, `l2_regularizer`,
 * `l1_l2_regularizer`, `sum_regularizer`, `apply_regularization`): functions of a weight
 * tensor giving a scalar penalty, named `<scope>/l2_regularizer` and so on.
 */
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { GraphKeys } from '../graph/graph.js';
import type { Tensor } from '../graph/tensor.js';
import { constant } from '../ops/core.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { abs, addN, multiply, reduceSum } from '../ops/math.js';
import { l2Loss } from '../ops/nn.js';
import { bindArgs } from './kwargs.js';

export type WeightRegularizer = (weights: TensorLike) => Tensor | null;

function checkScale(scale: unknown, what = 'scale'): number {
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new ValueError(`${what} must be a number, got ${String(scale)}`);
  if (scale < 0) throw new ValueError(`Setting a scale less than 0 on a regularizer: ${scale}`);
  return scale;
}

function scaled(kind: 'l1_regularizer' | 'l2_regularizer', scale: number, scope: string | undefined, penalty: (w: Tensor) => Tensor): WeightRegularizer {
  // A scale of 0 disables the regularizer.
  if (scale === 0) return () => null;
  return (weights: TensorLike): Tensor => {
    const w = toTensor(weights);
    return w.graph.nameScope(scope ?? kind, (name) => {
      const s = constant(scale, w.dtype, undefined, 'scale');
      return multiply(s, penalty(w), name);
    });
  };
}

/** `l1_regularizer(scale, scope=None)`: scale · Σ|w|. */
export function l1Regularizer(...args: unknown[]): WeightRegularizer {
  const a = bindArgs('l1_regularizer', ['scale', 'scope'], args, 1);
  return scaled('l1_regularizer', checkScale(a.scale), a.scope as string | undefined, (w) => reduceSum(abs(w)));
}

/** `l2_regularizer(scale, scope=None)`: scale · Σw²/2 (`tf.nn.l2_loss`). */
export function l2Regularizer(...args: unknown[]): WeightRegularizer {
  const a = bindArgs('l2_regularizer', ['scale', 'scope'], args, 1);
  return scaled('l2_regularizer', checkScale(a.scale), a.scope as string | undefined, (w) => l2Loss(w));
}

/** `sum_regularizer(regularizer_list, scope=None)`: the sum of the regularizers' penalties. */
export function sumRegularizer(...args: unknown[]): WeightRegularizer | null {
  const a = bindArgs('sum_regularizer', ['regularizerList', 'scope'], args, 1);
  const list = (a.regularizerList as (WeightRegularizer | null)[]).filter((r): r is WeightRegularizer => r !== null && r !== undefined);
  if (list.length === 0) return null;
  return (weights: TensorLike): Tensor | null => {
    const w = toTensor(weights);
    return w.graph.nameScope((a.scope as string | undefined) ?? 'sum_regularizer', (name) => {
      const ts = list.map((r) => r(w)).filter((t): t is Tensor => t !== null);
      return ts.length ? addN(ts, name) : null;
    });
  };
}

/** `l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None)`. */
export function l1L2Regularizer(...args: unknown[]): WeightRegularizer | null {
  const a = bindArgs('l1_l2_regularizer', ['scaleL1', 'scaleL2', 'scope'], args);
  const s1 = checkScale(a.scaleL1 ?? 1.0, 'scale_l1');
  const s2 = checkScale(a.scaleL2 ?? 1.0, 'scale_l2');
  const scope = (a.scope as string | undefined) ?? 'l1_l2_regularizer';
  if (s1 === 0) return l2Regularizer(s2, scope);
  if (s2 === 0) return l1Regularizer(s1, scope);
  return sumRegularizer([l1Regularizer(s1), l2Regularizer(s2)], scope);
}

/**
 * `apply_regularization(regularizer, weights_list=None)`: the summed penalty over
 * `weightsList` (default GraphKeys.WEIGHTS), added to REGULARIZATION_LOSSES.
 */
export function applyRegularization(...args: unknown[]): Tensor {
  const a = bindArgs('apply_regularization', ['regularizer', 'weightsList'], args, 1);
  const g = getDefaultGraph();
  let list = (a.weightsList as TensorLike[] | undefined) ?? [];
  if (list.length === 0) list = g.getCollection<TensorLike>(GraphKeys.WEIGHTS);
  if (list.length === 0) throw new ValueError('No weights to regularize.');
  const reg = a.regularizer as WeightRegularizer;
  return g.nameScope('get_regularization_penalty', (scope) => {
    const penalties = list.map((w) => reg(w) ?? constant(0.0));
    for (const p of penalties) {
      if (p.shape !== null && p.shape.length !== 0) throw new ValueError(`regularizer must return a scalar Tensor instead of a Tensor with rank ${p.shape.length}.`);
    }
    const sum = addN(penalties, scope);
    g.addToCollection(GraphKeys.REGULARIZATION_LOSSES, sum);
    return sum;
  });
}
