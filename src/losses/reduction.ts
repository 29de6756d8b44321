/** tf.losses.Reduction and compute_weighted_loss, with TF1's op names (`<scope>/value`). */
import { type DType, isFloat } from '../dtype.js';
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { GraphKeys } from '../graph/graph.js';
import { Tensor } from '../graph/tensor.js';
import { onesLike, size, zerosLike } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { divNoNan } from '../ops/div-no-nan.js';
import { cast, equal, multiply, reduceSum, where } from '../ops/math.js';
import { assertBroadcastable, broadcastWeights } from './weights.js';

export const Reduction = {
  NONE: 'none',
  SUM: 'weighted_sum',
  SUM_OVER_BATCH_SIZE: 'weighted_sum_over_batch_size',
  MEAN: 'weighted_mean',
  SUM_BY_NONZERO_WEIGHTS: 'weighted_sum_by_nonzero_weights',
  SUM_OVER_NONZERO_WEIGHTS: 'weighted_sum_by_nonzero_weights',
  all(): string[] {
    return ['none', 'weighted_sum', 'weighted_mean', 'weighted_sum_over_batch_size', 'weighted_sum_by_nonzero_weights'];
  },
  validate(key: string): void {
    if (!Reduction.all().includes(key)) throw new ValueError(`Invalid Reduction Key ${key}.`);
  },
} as const;

/** `util.add_loss`: append to `collection` (LOSSES by default; null/empty adds nowhere). */
export function addLoss(loss: Tensor, collection: string | null = GraphKeys.LOSSES): void {
  if (collection) loss.graph.addToCollection(collection, loss);
}

/** `_num_elements`: the size of `losses` in its dtype. */
function numElements(losses: Tensor): Tensor {
  return losses.graph.nameScope('num_elements', (scope) => cast(size(losses, scope), losses.dtype));
}

/** `_num_present`: how many elements carry a non-zero weight (all of them for a non-zero number). */
function numPresent(losses: Tensor, weights: TensorLike): Tensor {
  if (typeof weights === 'number' && weights !== 0) return numElements(losses);
  return losses.graph.nameScope('num_present', (scope) => {
    const w = cast(toTensor(weights, 'float32'), 'float32');
    let present = where(equal(w, 0), zerosLike(w), onesLike(w));
    present = broadcastWeights(present, losses);
    return reduceSum(present, null, false, scope);
  });
}

export interface WeightedLossOptions {
  weights?: TensorLike;
  scope?: string;
  lossCollection?: string | null;
  reduction?: string;
}

/**
 * `tf.losses.compute_weighted_loss(losses, weights=1.0, scope, loss_collection, reduction)`:
 * the weighted per-element losses reduced as `reduction` says (TF1's default: the sum over the
 * number of non-zero weights), added to `lossCollection`.
 */
export function computeWeightedLossImpl(lossesIn: TensorLike, o: WeightedLossOptions): Tensor {
  const reduction = o.reduction ?? Reduction.SUM_BY_NONZERO_WEIGHTS;
  Reduction.validate(reduction);
  const weightsIn = o.weights ?? 1.0;
  const g = lossesIn instanceof Tensor ? lossesIn.graph : getDefaultGraph();
  return g.nameScope(o.scope ?? 'weighted_loss', () => {
    let losses = toTensor(lossesIn);
    const inputDType: DType = losses.dtype;
    if (!isFloat(inputDType)) throw new TypeError(`losses must be a floating point tensor, got ${inputDType}`);
    const wt = toTensor(weightsIn, 'float32');
    assertBroadcastable(wt, losses);
    losses = cast(losses, 'float32');
    const weights = cast(wt, 'float32');
    const weighted = multiply(losses, weights);
    let loss: Tensor;
    if (reduction === Reduction.NONE) {
      loss = weighted;
    } else {
      loss = reduceSum(weighted);
      if (reduction === Reduction.MEAN) {
        loss = safeMean(loss, reduceSum(multiply(onesLike(losses), weights)));
      } else if (reduction === Reduction.SUM_BY_NONZERO_WEIGHTS) {
        loss = safeMean(loss, numPresent(losses, weightsIn));
      } else if (reduction === Reduction.SUM_OVER_BATCH_SIZE) {
        loss = safeMean(loss, numElements(losses));
      }
    }
    loss = cast(loss, inputDType);
    addLoss(loss, o.lossCollection === undefined ? GraphKeys.LOSSES : o.lossCollection);
    return loss;
  });
}

/** `_safe_mean`: sum / count, 0 where count is 0, named `value`. */
function safeMean(losses: Tensor, numPresentT: Tensor): Tensor {
  return divNoNan(reduceSum(losses), numPresentT, 'value');
}
