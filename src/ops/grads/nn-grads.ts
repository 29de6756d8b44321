/** Gradients of tf.nn ops: activations, softmax, cross-entropies, bias_add, l2_loss. */
import type { Operation, Tensor } from '../../graph/tensor.js';
import { binaryOp } from '../elementwise.js';
import { add, exp, less, multiply, negative, reduceSum, subtract, where } from '../math.js';
import { logSoftmax, softmax } from '../nn.js';
import { registerGradient } from '../registry.js';
import { unbroadcast, unreduceLike } from './util.js';

function fused(type: string, grad: string, useOutput: boolean): void {
  registerGradient(type, (op, [dy]) => [
    dy ? binaryOp(grad, useOutput ? op.outputs[0]! : op.inputs[0]!, dy, undefined, grad, op.attrs) : null,
  ]);
}
fused('Relu', 'ReluGrad', true);
fused('Relu6', 'Relu6Grad', false);
fused('Elu', 'EluGrad', true);
fused('Softplus', 'SoftplusGrad', false);
fused('LeakyRelu', 'LeakyReluGrad', false);

const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU_ALPHA = 1.6732632423543772848170429916717;
registerGradient('Selu', (op, [dy]) => {
  if (!dy) return [null];
  const y = op.outputs[0]!;
  // y < 0: dy * (y + scale*alpha); else dy * scale.
  return [where(less(y, 0), multiply(dy, add(y, SELU_SCALE * SELU_ALPHA)), multiply(dy, SELU_SCALE))];
});

/** (g - sum(g*y, -1, keepdims)) * y: the softmax Jacobian applied to g. */
function softmaxBackward(y: Tensor, g: Tensor): Tensor {
  return multiply(subtract(g, reduceSum(multiply(g, y), -1, true)), y);
}
registerGradient('Softmax', (op, [dy]) => [dy ? softmaxBackward(op.outputs[0]!, dy) : null]);
registerGradient('LogSoftmax', (op, [dy]) => [
  dy ? subtract(dy, multiply(reduceSum(dy, -1, true), exp(op.outputs[0]!))) : null,
]);

/** d logits of a fused xent: g[..., None] * backprop, plus the second-order term for grad-of-grad. */
function xentLogitsGrad(op: Operation, gLoss: Tensor | null, gBackprop: Tensor | null): Tensor | null {
  const logits = op.inputs[0]!;
  let d: Tensor | null = gLoss ? multiply(unreduceLike(gLoss, logits, [-1], false), op.outputs[1]!) : null;
  if (gBackprop) {
    const term = softmaxBackward(softmax(logits), gBackprop);
    d = d ? add(d, term) : term;
  }
  return d;
}
registerGradient('SoftmaxCrossEntropyWithLogits', (op, [gLoss, gBackprop]) => {
  const dLogits = xentLogitsGrad(op, gLoss ?? null, gBackprop ?? null);
  const logits = op.inputs[0]!;
  let dLabels: Tensor | null = gLoss ? multiply(unreduceLike(gLoss, logits, [-1], false), negative(logSoftmax(logits))) : null;
  if (gBackprop) dLabels = dLabels ? subtract(dLabels, gBackprop) : negative(gBackprop);
  return [dLogits, dLabels];
});
registerGradient('SparseSoftmaxCrossEntropyWithLogits', (op, [gLoss, gBackprop]) => [
  xentLogitsGrad(op, gLoss ?? null, gBackprop ?? null),
  null,
]);

registerGradient('BiasAdd', (op, [dy]) => (dy ? [dy, unbroadcast(dy, op.inputs[1]!)] : [null, null]));
registerGradient('L2Loss', (op, [dy]) => [dy ? multiply(op.inputs[0]!, dy) : null]);
