/** Gradients of conv2d and the pools, and of their backprop ops (for gradients of gradients). */
import { LookupError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import {
  type ConvAttrs, type PoolAttrs, avgPool, avgPoolGrad, conv2d, conv2dBackpropFilter, conv2dBackpropInput, maxPoolGrad,
} from '../conv.js';
import { registerGradient } from '../registry.js';

const convOpts = (a: ConvAttrs) => ({ dilations: a.dilations });

registerGradient('Conv2D', (op, [dy]) => {
  if (!dy) return [null, null];
  const [x, f] = op.inputs as [Tensor, Tensor];
  const a = op.attrs as ConvAttrs;
  return [conv2dBackpropInput(x, f, dy, a), conv2dBackpropFilter(x, f, dy, a)];
});

// Conv2DBackpropInput(sizes, f, dy) is linear in f and in dy.
registerGradient('Conv2DBackpropInput', (op, [g]) => {
  if (!g) return [null, null, null];
  const [, f, dy] = op.inputs as [Tensor, Tensor, Tensor];
  const a = op.attrs as ConvAttrs;
  return [null, conv2dBackpropFilter(g, f, dy, a), conv2d(g, f, a.strides, a.padding, convOpts(a))];
});

// Conv2DBackpropFilter(x, sizes, dy) is linear in x and in dy.
registerGradient('Conv2DBackpropFilter', (op, [g]) => {
  if (!g) return [null, null, null];
  const [x, , dy] = op.inputs as [Tensor, Tensor, Tensor];
  const a = op.attrs as ConvAttrs;
  return [conv2dBackpropInput(x, g, dy, a), null, conv2d(x, g, a.strides, a.padding, convOpts(a))];
});

registerGradient('MaxPool', (op, [dy]) => [dy ? maxPoolGrad(op.inputs[0]!, op.outputs[0]!, dy, op.attrs as PoolAttrs) : null]);
registerGradient('AvgPool', (op, [dy]) => [dy ? avgPoolGrad(op.inputs[0]!, dy, op.attrs as PoolAttrs) : null]);

// AvgPoolGrad is linear in its gradient input: its adjoint is the average pool itself.
registerGradient('AvgPoolGrad', (op, [g]) => {
  const a = op.attrs as PoolAttrs;
  return [null, g ? avgPool(g, a.ksize, a.strides, a.padding) : null];
});
// The routing of MaxPoolGrad does not depend smoothly on x; its adjoint in dy (TF's
// MaxPoolGradGrad) has no primitive here.
registerGradient('MaxPoolGrad', (op, [g]) => {
  if (g) throw new LookupError(`No gradient defined for operation '${op.name}' (op type: MaxPoolGradGrad)`);
  return [null, null, null];
});
