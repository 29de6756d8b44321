/** `tf.keras.activations` (TF 1.15 keras/activations.py): the functions, `get` / `serialize` / `deserialize`, and the initializer lookup the layers use. */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import * as ops from '../ops/index.js';
import * as K from './backend-ops.js';
import { deserializeKerasObject, serializeKerasObject } from './generic-utils.js';
import { get as getKerasInitializer } from './initializers.js';

export type ActivationArg = string | ((x: Tensor) => Tensor) | null | undefined;

/** Keras's hard sigmoid: clip(0.2·x + 0.5, 0, 1). */
export function hardSigmoid(x: Tensor): Tensor {
  return ops.clipByValue(ops.add(ops.multiply(x, 0.2), 0.5), 0, 1);
}

/**
 * `activations.softmax(x, axis=-1)`: tf.nn.softmax on 2-D inputs; on higher ranks
 * exp(x − max) / Σ exp(x − max) along `axis` (no Softmax op, as TF 1.15's Keras builds it).
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  const r = x.shape?.length ?? null;
  if (r === 2) return ops.nn.softmax(x);
  if (r === null || r > 2) {
    const e = ops.exp(ops.subtract(x, ops.reduceMax(x, axis, true)));
    return ops.divide(e, ops.reduceSum(e, axis, true));
  }
  throw new ValueError(`Cannot apply softmax to a tensor that is 1D. Received input: ${String(x)}`);
}
/** `activations.elu(x, alpha=1.0)`. */
export const elu = (x: Tensor, alpha = 1.0): Tensor => K.elu(x, alpha);
/** `activations.selu(x)`. */
export const selu = (x: Tensor): Tensor => ops.nn.selu(x);
/** `activations.softplus(x)`. */
export const softplus = (x: Tensor): Tensor => ops.nn.softplus(x);
/** `activations.softsign(x)`. */
export const softsign = (x: Tensor): Tensor => ops.nn.softsign(x);
/** `activations.relu(x, alpha=0., max_value=None, threshold=0)`. */
export const relu = (x: Tensor, alpha = 0, maxValue: number | null = null, threshold = 0): Tensor => K.relu(x, alpha, maxValue, threshold);
/** `activations.tanh(x)`. */
export const tanh = (x: Tensor): Tensor => ops.tanh(x);
/** `activations.sigmoid(x)`. */
export const sigmoid = (x: Tensor): Tensor => ops.sigmoid(x);
/** `activations.exponential(x)`. */
export const exponential = (x: Tensor): Tensor => ops.exp(x);
/** `activations.linear(x)`: x. */
export const linear = (x: Tensor): Tensor => x;

const ACTIVATIONS: Record<string, (x: Tensor) => Tensor> = {
  relu: (x) => relu(x),
  softmax: (x) => softmax(x),
  sigmoid,
  tanh,
  elu: (x) => elu(x),
  selu,
  softplus,
  softsign,
  hard_sigmoid: hardSigmoid,
  exponential,
  linear,
};
/** The Keras names of the activation functions (what `serialize` gives). */
const NAMES = new Map<unknown, string>([
  [relu, 'relu'], [softmax, 'softmax'], [sigmoid, 'sigmoid'], [tanh, 'tanh'], [elu, 'elu'], [selu, 'selu'], [softplus, 'softplus'],
  [softsign, 'softsign'], [hardSigmoid, 'hard_sigmoid'], [exponential, 'exponential'], [linear, 'linear'],
  ...Object.entries(ACTIVATIONS).map(([k, f]) => [f, k] as [unknown, string]),
]);

/** `activations.serialize(activation)`: its Keras name. */
export function serialize(activation: unknown): unknown {
  return serializeKerasObject(activation, NAMES);
}
/** `activations.deserialize(name, custom_objects=None)`. */
export function deserialize(name: unknown, customObjects: Record<string, unknown> | null = null): (x: Tensor) => Tensor {
  return deserializeKerasObject(name, ACTIVATIONS, customObjects, 'activation function') as (x: Tensor) => Tensor;
}
/** `activations.get(identifier)`: null is linear; a Keras name; a function as is. */
export function get(identifier: unknown): (x: Tensor) => Tensor {
  if (identifier === null || identifier === undefined) return linear;
  if (typeof identifier === 'string') return deserialize(identifier);
  if (typeof identifier === 'function') return identifier as (x: Tensor) => Tensor;
  throw new ValueError(`Could not interpret activation function identifier: ${String(identifier)}`);
}

/** `activations.get(identifier)`, with linear as null (no activation op). */
export function getActivation(a: ActivationArg): ((x: Tensor) => Tensor) | null {
  if (a === null || a === undefined) return null;
  const f = get(a);
  return f === linear || f === ACTIVATIONS.linear ? null : f;
}

/** `activations.get(identifier)` where linear is the identity function. */
export function activationFn(a: ActivationArg): (x: Tensor) => Tensor {
  return getActivation(a) ?? ((x) => x);
}

/** `initializers.get(identifier)`: an initializer object/function as is, or one made from its Keras name (`fallback` for none). */
export function getInitializer(i: unknown, fallback: string): unknown {
  return getKerasInitializer(i === null || i === undefined ? fallback : i);
}
