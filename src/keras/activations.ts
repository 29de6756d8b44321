/** `tf.keras.activations` and `tf.keras.initializers` looked up by their Keras string names. */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import * as ops from '../ops/index.js';
import * as init from '../scope/initializers.js';

export type ActivationArg = string | ((x: Tensor) => Tensor) | null | undefined;

/** Keras's hard sigmoid: clip(0.2·x + 0.5, 0, 1). */
export function hardSigmoid(x: Tensor): Tensor {
  return ops.clipByValue(ops.add(ops.multiply(x, 0.2), 0.5), 0, 1);
}

const ACTIVATIONS: Record<string, (x: Tensor) => Tensor> = {
  relu: (x) => ops.nn.relu(x),
  softmax: (x) => ops.nn.softmax(x),
  sigmoid: (x) => ops.sigmoid(x),
  tanh: (x) => ops.tanh(x),
  elu: (x) => ops.nn.elu(x),
  selu: (x) => ops.nn.selu(x),
  softplus: (x) => ops.nn.softplus(x),
  softsign: (x) => ops.nn.softsign(x),
  hard_sigmoid: hardSigmoid,
  exponential: (x) => ops.exp(x),
  linear: (x) => x,
};

/** `activations.get(identifier)`: a function, a Keras name ('relu', 'softmax', …), or null/'linear' for none. */
export function getActivation(a: ActivationArg): ((x: Tensor) => Tensor) | null {
  if (a === null || a === undefined) return null;
  if (typeof a === 'function') return a;
  const f = ACTIVATIONS[a];
  if (!f) throw new ValueError(`Unknown activation function:${a}`);
  return a === 'linear' ? null : f;
}

/** `activations.get(identifier)` where linear is the identity function. */
export function activationFn(a: ActivationArg): (x: Tensor) => Tensor {
  return getActivation(a) ?? ((x) => x);
}

const INITIALIZERS: Record<string, () => unknown> = {
  zeros: () => init.zerosInitializer(),
  zero: () => init.zerosInitializer(),
  ones: () => init.onesInitializer(),
  one: () => init.onesInitializer(),
  glorot_uniform: () => init.glorotUniformInitializer(),
  glorot_normal: () => init.glorotNormalInitializer(),
  he_normal: () => init.heNormalInitializer(),
  he_uniform: () => init.heUniformInitializer(),
  lecun_normal: () => init.lecunNormalInitializer(),
  lecun_uniform: () => init.lecunUniformInitializer(),
  orthogonal: () => init.orthogonalInitializer(),
  identity: () => init.identityInitializer(),
  // Keras's RandomNormal / RandomUniform / TruncatedNormal defaults (stddev 0.05, ±0.05).
  random_normal: () => init.randomNormalInitializer(0, 0.05),
  normal: () => init.randomNormalInitializer(0, 0.05),
  random_uniform: () => init.randomUniformInitializer(-0.05, 0.05),
  uniform: () => init.randomUniformInitializer(-0.05, 0.05),
  truncated_normal: () => init.truncatedNormalInitializer(0, 0.05),
};

/** `initializers.get(identifier)`: an initializer object/function as is, or one made from its Keras name. */
export function getInitializer(i: unknown, fallback: string): unknown {
  if (i === null || i === undefined) i = fallback;
  if (typeof i !== 'string') return i;
  const key = i.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  const f = INITIALIZERS[key];
  if (!f) throw new ValueError(`Unknown initializer: ${i}`);
  return f();
}
