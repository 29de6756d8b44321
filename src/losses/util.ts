/** The loss collections (TF1 losses/util.py): get_losses, get_regularization_loss(es), get_total_loss. */
import { getDefaultGraph } from '../graph/context.js';
import { GraphKeys } from '../graph/graph.js';
import type { Tensor } from '../graph/tensor.js';
import { constant } from '../ops/core.js';
import { addN } from '../ops/math.js';
import { bindArgs } from '../layers/kwargs.js';
import { addLoss as addLossTo } from './reduction.js';

/** `tf.losses.add_loss(loss, loss_collection=LOSSES)`. */
export function addLoss(...args: unknown[]): void {
  const a = bindArgs('add_loss', ['loss', 'lossCollection'], args, 1);
  addLossTo(a.loss as Tensor, a.lossCollection === undefined ? GraphKeys.LOSSES : (a.lossCollection as string | null));
}

/** `tf.losses.get_losses(scope=None, loss_collection=LOSSES)`. */
export function getLosses(...args: unknown[]): Tensor[] {
  const a = bindArgs('get_losses', ['scope', 'lossCollection'], args);
  return getDefaultGraph().getCollection<Tensor>((a.lossCollection as string | undefined) ?? GraphKeys.LOSSES, a.scope as string | undefined);
}

/** `tf.losses.get_regularization_losses(scope=None)`. */
export function getRegularizationLosses(...args: unknown[]): Tensor[] {
  const a = bindArgs('get_regularization_losses', ['scope'], args);
  return getDefaultGraph().getCollection<Tensor>(GraphKeys.REGULARIZATION_LOSSES, a.scope as string | undefined);
}

/** `tf.losses.get_regularization_loss(scope=None, name='total_regularization_loss')`: their sum, or 0.0. */
export function getRegularizationLoss(...args: unknown[]): Tensor {
  const a = bindArgs('get_regularization_loss', ['scope', 'name'], args);
  const losses = getRegularizationLosses(a.scope as string | undefined);
  if (losses.length > 0) return addN(losses, (a.name as string | undefined) ?? 'total_regularization_loss');
  return constant(0.0);
}

/**
 * `tf.losses.get_total_loss(add_regularization_losses=True, name='total_loss', scope=None)`:
 * the sum of the LOSSES collection and, by default, of the regularization losses.
 */
export function getTotalLoss(...args: unknown[]): Tensor {
  const a = bindArgs('get_total_loss', ['addRegularizationLosses', 'name', 'scope'], args);
  const scope = a.scope as string | undefined;
  const losses = getLosses(scope);
  if (a.addRegularizationLosses !== false) losses.push(...getRegularizationLosses(scope));
  return addN(losses, (a.name as string | undefined) ?? 'total_loss');
}
