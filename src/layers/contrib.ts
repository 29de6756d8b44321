/**
 * `tf.contrib.layers.flatten` and `fully_connected` (TF1 contrib/layers/python/layers/layers.py):
 * `fully_connected` is a Dense layer in a `fully_connected` variable scope whose variables are
 * named `weights` and `biases` (model variables), with ReLU and Xavier initialization by default;
 * and the helpers the other contrib layers share.
 */

import { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { relu } from '../ops/nn.js';
import type { Variable } from '../ops/variables.js';
import { xavierInitializer } from '../contrib/initializers.js';
import { zerosInitializer } from '../scope/initializers.js';
import { type CustomGetter, type Regularizer, type VariableScope, variableScope } from '../scope/variable-scope.js';
import { getDefaultGraph } from '../graph/context.js';
import { GraphKeys } from '../graph/graph.js';
import type { Activation } from './base.js';
import { Flatten } from './core.js';
import { Dense } from './dense.js';
import { bindArgs } from './kwargs.js';

/** `collect_named_outputs`: add `outputs` to each of `collections` (a list or one key). */
export function collect(collections: unknown, outputs: Tensor): Tensor {
  const list = typeof collections === 'string' ? [collections] : ((collections as string[] | null | undefined) ?? []);
  for (const c of list) outputs.graph.addToCollection(c, outputs);
  return outputs;
}

export const FLATTEN_NAMES = ['inputs', 'outputsCollections', 'scope'];
/** `tf.contrib.layers.flatten(inputs, outputs_collections=None, scope=None)`: [N, …] → [N, k]. */
export function flatten(...args: unknown[]): Tensor {
  const a = bindArgs('flatten', FLATTEN_NAMES, args, 1);
  const g = a.inputs instanceof Tensor ? a.inputs.graph : getDefaultGraph();
  return g.nameScope((a.scope as string | undefined) ?? 'Flatten', () => {
    const x = toTensor(a.inputs as TensorLike);
    return collect(a.outputsCollections, new Flatten().apply(x));
  });
}

/**
 * TF1's `_build_variable_getter(rename)`: the layer's variables are model variables (also in
 * MODEL_VARIABLES, as `variables.model_variable` makes them), their last name component renamed
 * (`kernel` → `weights`, `bias` → `biases`).
 */
export function layerVariableGetter(rename: Record<string, string> = {}): CustomGetter {
  return (getter, name, opts) => {
    const i = name.lastIndexOf('/');
    const short = name.slice(i + 1);
    const v = getter(`${name.slice(0, i + 1)}${rename[short] ?? short}`, opts);
    const models = v.graph.getCollectionRef<Variable>(GraphKeys.MODEL_VARIABLES);
    if (!models.includes(v)) models.push(v);
    return v;
  };
}
const renameGetter = layerVariableGetter({ kernel: 'weights', bias: 'biases' });

/** `_add_variable_to_collections`: `collections` is a list, or a dict keyed by `weights`/`biases`. */
export function addVariable(v: Variable, collections: unknown, key: string): void {
  if (!collections) return;
  const list = Array.isArray(collections) ? collections : ((collections as Record<string, string[]>)[key] ?? []);
  for (const c of list as string[]) if (!v.graph.getCollection(c).includes(v)) v.graph.addToCollection(c, v);
}

export const FC_NAMES = [
  'inputs', 'numOutputs', 'activationFn', 'normalizerFn', 'normalizerParams', 'weightsInitializer', 'weightsRegularizer',
  'biasesInitializer', 'biasesRegularizer', 'reuse', 'variablesCollections', 'outputsCollections', 'trainable', 'scope',
];
/**
 * `tf.contrib.layers.fully_connected(inputs, num_outputs, activation_fn=tf.nn.relu,
 * normalizer_fn=None, normalizer_params=None, weights_initializer=xavier_initializer(),
 * weights_regularizer=None, biases_initializer=zeros_initializer(), biases_regularizer=None,
 * reuse=None, variables_collections=None, outputs_collections=None, trainable=True, scope=None)`.
 */
export function fullyConnected(...args: unknown[]): Tensor {
  const a = bindArgs('fully_connected', FC_NAMES, args, 2);
  const activation: Activation = a.activationFn === undefined ? relu : (a.activationFn as Activation);
  const normalizer = (a.normalizerFn as ((x: Tensor, p: Record<string, unknown>) => Tensor) | null | undefined) ?? null;
  const biasesInit = a.biasesInitializer === undefined ? zerosInitializer() : a.biasesInitializer;
  const reuse = (a.reuse ?? null) as boolean | null;
  const g = a.inputs instanceof Tensor ? a.inputs.graph : getDefaultGraph();
  return g.asDefault(() =>
    variableScope((a.scope as string | undefined) ?? null, { defaultName: 'fully_connected', values: [a.inputs], reuse, customGetter: renameGetter }, (sc: VariableScope) => {
      const x = toTensor(a.inputs as TensorLike);
      const layer = new Dense({
        units: a.numOutputs as number,
        activation: null,
        useBias: !normalizer && biasesInit !== null,
        kernelInitializer: a.weightsInitializer === undefined ? xavierInitializer() : a.weightsInitializer,
        biasInitializer: biasesInit,
        kernelRegularizer: (a.weightsRegularizer as Regularizer | undefined) ?? null,
        biasRegularizer: (a.biasesRegularizer as Regularizer | undefined) ?? null,
        trainable: (a.trainable as boolean | undefined) ?? true,
        name: sc.name,
        dtype: x.dtype,
        _scope: sc,
        _reuse: reuse,
      });
      let y = layer.apply(x);
      addVariable(layer.kernel!, a.variablesCollections, 'weights');
      if (layer.bias) addVariable(layer.bias, a.variablesCollections, 'biases');
      if (normalizer) y = normalizer(y, (a.normalizerParams as Record<string, unknown> | undefined) ?? {});
      if (activation) y = activation(y);
      return collect(a.outputsCollections, y);
    }),
  );
}


