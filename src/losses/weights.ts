/**
 * The weight rules tf.losses and tf.metrics share (TF's weights_broadcast_ops and
 * remove_squeezable_dimensions): weights are a scalar, or of the values' rank with each dim 1
 * or equal to the values' dim; a trailing size-1 dim is squeezed where ranks differ by one.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { type PartialShape, isFullyDefined, mergeShapes, pyShape } from '../shape.js';
import { expandDims, onesLike, squeeze } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { multiply } from '../ops/math.js';

const PREFIX = 'weights can not be broadcast to values.';
const npShape = (s: readonly number[]): string => `[${s.join(' ')}]`;

/** `Shapes (2, 3) and (3,) are incompatible`, as TensorShape.assert_is_compatible_with. */
export function assertCompatible(a: PartialShape, b: PartialShape): void {
  if (mergeShapes(a, b) === undefined) throw new ValueError(`Shapes ${pyShape(a)} and ${pyShape(b)} are incompatible`);
}

/** The static part of TF's assert_broadcastable (the dynamic part is left to the multiply). */
export function assertBroadcastable(weights: Tensor, values: Tensor): void {
  const ws = weights.shape;
  const vs = values.shape;
  if (ws === null || vs === null || ws.length === 0) return;
  if (ws.length !== vs.length) {
    throw new ValueError(`${PREFIX} values.rank=${vs.length}. weights.rank=${ws.length}. values.shape=${pyShape(vs)}. weights.shape=${pyShape(ws)}.`);
  }
  if (!isFullyDefined(ws) || !isFullyDefined(vs)) return;
  ws.forEach((d, i) => {
    if (d !== 1 && d !== vs[i]) {
      throw new ValueError(`${PREFIX} Mismatch at dim ${i}. values.shape=${npShape(vs)} weights.shape=${npShape(ws)}.`);
    }
  });
}

/** TF's broadcast_weights: `weights` as a tensor of `values`' shape (weights * ones_like(values)). */
export function broadcastWeights(weights: TensorLike, values: Tensor): Tensor {
  return values.graph.nameScope('broadcast_weights', (scope) => {
    const w = toTensor(weights, values.dtype);
    if (isFullyDefined(w.shape) && isFullyDefined(values.shape) && mergeShapes(w.shape, values.shape) !== undefined) return w;
    assertBroadcastable(w, values);
    return multiply(w, onesLike(values), scope);
  });
}

/**
 * confusion_matrix.remove_squeezable_dimensions: squeeze the last dim of `predictions` (or of
 * `labels`) when its rank exceeds the other's by `expectedRankDiff + 1` (or falls short by one).
 */
export function squeezeLabelsPredictions(labels: Tensor, predictions: Tensor, expectedRankDiff = 0): [Tensor, Tensor] {
  const ps = predictions.shape;
  const ls = labels.shape;
  if (ps === null || ls === null) return [labels, predictions];
  const diff = ps.length - ls.length;
  const last = (s: readonly (number | null)[]): number | null | undefined => s[s.length - 1];
  if (diff === expectedRankDiff + 1 && (last(ps) === null || last(ps) === 1)) return [labels, squeeze(predictions, [-1])];
  if (diff === expectedRankDiff - 1 && (last(ls) === null || last(ls) === 1)) return [squeeze(labels, [-1]), predictions];
  return [labels, predictions];
}

/** Squeeze or expand `weights`' last dim so its rank matches `like`'s, as TF's metrics do. */
export function matchWeightsRank(weights: Tensor, like: Tensor, squeezeOnly = false): Tensor {
  const wr = weights.shape?.length;
  const r = like.shape?.length;
  if (wr === undefined || r === undefined || wr === 0) return weights;
  if (wr - r === 1) return squeeze(weights, [-1]);
  if (!squeezeOnly && r - wr === 1) return expandDims(weights, -1);
  return weights;
}
