/**
 * TF's PreventGradient: the identity whose gradient is an error (TF's array_ops.prevent_gradient),
 * for ops whose fused gradient cannot be differentiated again (CTCLoss's).
 */
import { LookupError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from './convert.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

defineOp<{ message: string }>({
  type: 'PreventGradient',
  infer: ([x]) => [{ dtype: x!.dtype, shape: x!.shape }],
  lower: (_b, [x]) => [x!],
});
registerGradient('PreventGradient', (op) => {
  throw new LookupError(`Gradient explicitly disabled. Reason: ${String(op.attrs.message ?? '')}`);
});

/** `tf.preventGradient(input, message = '', name?)`: `input`, with tf.gradients through it an error. */
export function preventGradient(input: TensorLike, message = '', name?: string): Tensor {
  const x = toTensor(input);
  return makeOp(x.graph, 'PreventGradient', [x], { message }, name, 'PreventGradient').outputs[0]!;
}
