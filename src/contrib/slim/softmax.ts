/**
 * `tf.contrib.layers.softmax(logits, scope=None)` as slim exports it: the softmax over the last
 * axis in a variable scope (default `softmax`), the `prediction_fn` of the research/slim nets.
 */
import { kwargs } from '../../args.js';
import type { Tensor } from '../../graph/tensor.js';
import { type TensorLike, toTensor } from '../../ops/convert.js';
import { softmax as nnSoftmax } from '../../ops/nn.js';
import { variableScope } from '../../scope/variable-scope.js';

export function softmax(...args: unknown[]): Tensor {
  const o = kwargs(args, ['logits', 'scope'], 'softmax', 1);
  const logits = toTensor(o.logits as TensorLike);
  return variableScope((o.scope as string | null | undefined) ?? null, { defaultName: 'softmax' }, () => nnSoftmax(logits));
}
