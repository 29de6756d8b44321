/**
 * What every Keras layer shares here: Keras's constructor extras (`inputShape`,
 * `batchInputShape`, `batchSize`, `inputDim`, string activations and initializers), the layer's
 * name made unique per graph as Keras's `unique_object_name` does (its variables then live in a
 * scope of that name: `dense/kernel`, `dense_1/bias`), the learning phase as the default
 * `training` argument, and the record of which layer made which tensor (the functional model
 * finds its layers by walking it back from the outputs).
 */
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { Variable } from '../ops/variables.js';
import { LAYER_ARGS, toSnakeCase, uniqueLayerName } from '../layers/base.js';
import type { Graph } from '../graph/graph.js';
import { GraphKeys } from '../graph/graph.js';
import { getVariableScope } from '../scope/variable-scope.js';
import { bindArgs } from '../layers/kwargs.js';
import { getActivation, getInitializer } from './activations.js';
import { learningPhase } from './backend.js';
import { type ConstraintFn, get as getConstraint, setConstraint } from './constraints.js';
import { get as getRegularizer } from './regularizers.js';

/** What a model needs of a layer. */
export interface KerasLayer {
  readonly name: string;
  readonly kerasClass: string;
  readonly weights: Variable[];
  readonly trainableWeights: Variable[];
  readonly nonTrainableWeights: Variable[];
  readonly updates: unknown[];
  readonly losses: Tensor[];
  /** `[batch, ...inputShape]` from the constructor's Keras extras, or null. */
  readonly batchInputShape: (number | null)[] | null;
  /** The dtype of the input placeholder a Sequential makes for it. */
  readonly inputDtype: string;
}

export interface Node {
  layer: KerasLayer;
  inputs: Tensor[];
}
const history = new WeakMap<Tensor, Node>();
const layerOutputs = new WeakMap<KerasLayer, Tensor[]>();

/** Record that `layer` made `outputs` from `inputs` (Keras's `_keras_history`). */
export function record(layer: KerasLayer, inputs: Tensor[], outputs: Tensor | Tensor[]): void {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  for (const t of outs) history.set(t, { layer, inputs });
  layerOutputs.set(layer, outs);
  const nodes = layerNodes.get(layer);
  if (nodes) nodes.push({ inputs, outputs: outs });
  else layerNodes.set(layer, [{ inputs, outputs: outs }]);
}
const layerNodes = new WeakMap<KerasLayer, { inputs: Tensor[]; outputs: Tensor[] }[]>();
/** Every call of the layer, in order (Keras's `inbound_nodes`). */
export function nodesOf(layer: KerasLayer): readonly { inputs: Tensor[]; outputs: Tensor[] }[] | undefined {
  return layerNodes.get(layer);
}
/** The outputs of the layer's latest call (`layer.output`). */
export function outputsOf(layer: KerasLayer): Tensor[] | undefined {
  return layerOutputs.get(layer);
}
export function nodeOf(t: Tensor): Node | undefined {
  return history.get(t);
}

export const KERAS_EXTRA = ['inputShape', 'batchInputShape', 'batchSize', 'inputDim'] as const;

export interface Prepared {
  o: Record<string, unknown>;
  /** The constraints the layer takes (`kernelConstraint`, …), resolved, and removed from `o`. */
  constraints: Record<string, ConstraintFn>;
  batchInputShape: (number | null)[] | null;
  inputDtype: string;
}

/**
 * Bind `args` to `names` (plus Keras's extras), resolve `activations` and `initializers`
 * (name → Keras default) given by string, and fix the layer's unique name and scope.
 */
export function prepare(
  cls: string,
  names: readonly string[],
  args: readonly unknown[],
  required = 0,
  conv: { activations?: string[]; initializers?: Record<string, string | null>; constraints?: string[] } = {},
): Prepared {
  // A layer's own argument of an extra's name (Embedding's inputDim) is the layer's.
  const extras = KERAS_EXTRA.filter((e) => !names.includes(e));
  const o = bindArgs(cls, [...names, ...extras, ...(names.includes('name') ? [] : ['name']), 'dtype', 'trainable'], args, required);
  const given: Record<string, unknown> = { ...o };
  for (const k of conv.activations ?? []) if (k in o || k === 'activation') o[k] = getActivation(o[k] as never);
  for (const [k, d] of Object.entries(conv.initializers ?? {})) {
    if (o[k] !== undefined && o[k] !== null) o[k] = getInitializer(o[k], d ?? 'zeros');
    else if (d !== null) o[k] = getInitializer(null, d);
  }
  // Regularizers by name ('l2') or config, as keras.regularizers.get.
  for (const k of Object.keys(o)) if (k.endsWith('Regularizer') && o[k] !== undefined && o[k] !== null) o[k] = getRegularizer(o[k]);
  const constraints: Record<string, ConstraintFn> = {};
  for (const k of conv.constraints ?? []) {
    const c = getConstraint(o[k]);
    if (c) constraints[k] = c;
    delete o[k];
  }
  let bis: (number | null)[] | null = null;
  if (o.batchInputShape) bis = [...(o.batchInputShape as (number | null)[])];
  else if (o.inputShape) bis = [(o.batchSize as number | undefined) ?? null, ...(o.inputShape as (number | null)[])];
  else if (extras.includes('inputDim') && o.inputDim !== undefined && o.inputDim !== null) bis = [null, o.inputDim as number];
  for (const k of extras) delete o[k];
  const inputDtype = (o.dtype as string | undefined) ?? 'float32';
  const graph = getDefaultGraph();
  const name = (o.name as string | undefined) || uniqueLayerName(toSnakeCase(cls), graph);
  o.name = name;
  // a subclass that prepared its arguments first (LSTM over RNN) has chosen the scope already
  const carried = (o as Record<symbol, unknown>)[LAYER_ARGS] as Record<string, unknown> | undefined;
  // (a record carried by a copied config of another layer, as Bidirectional's copies, is not this layer's)
  const earlier = carried?.name === name ? carried : undefined;
  o._scope = (earlier && scopeOfRecord.get(earlier)) ?? weightScope(name, graph);
  // what getConfig returns: the arguments as given (constructor extras folded into batchInputShape)
  for (const k of extras) delete given[k];
  delete given._scope;
  delete given._reuse;
  given.name = name;
  if (bis) given.batchInputShape = bis;
  if (!earlier) {
    (o as Record<symbol, unknown>)[LAYER_ARGS] = given;
    scopeOfRecord.set(given, o._scope as string);
  }
  return { o, constraints, batchInputShape: bis, inputDtype };
}

const claimedScopes = new WeakMap<Graph, Set<string>>();
/** The weight scope `prepare` chose for a layer, by the layer's argument record. */
const scopeOfRecord = new WeakMap<object, string>();
/**
 * The scope a Keras layer named `name` makes its weights in: its name, or, when another layer
 * of the graph has that scope or variables live under it, the name made unique as Keras's name
 * scopes make it (a second layer named `dense`, as from a model's config, gets `dense_1/kernel`).
 */
function weightScope(name: string, graph: Graph): string {
  let claimed = claimedScopes.get(graph);
  if (!claimed) claimedScopes.set(graph, (claimed = new Set()));
  const outer = getVariableScope().name;
  const full = (s: string): string => (outer ? `${outer}/${s}` : s);
  const vars = graph.getCollection(GraphKeys.GLOBAL_VARIABLES) as { name: string }[];
  const free = (s: string): boolean => !claimed.has(full(s)) && !vars.some((v) => v.name.startsWith(`${full(s)}/`));
  let scope = name;
  for (let k = 1; !free(scope); k++) scope = `${name}_${k}`;
  claimed.add(full(scope));
  return scope;
}

/** Attach the prepared constraints to the built weights (`kernelConstraint` → `layer.kernel`, …): the Keras optimizers apply them after each update. */
export function attachConstraints(layer: object, constraints: Record<string, ConstraintFn>): void {
  for (const [k, c] of Object.entries(constraints)) {
    const v = (layer as Record<string, unknown>)[k.replace(/Constraint$/, '')];
    if (v instanceof Variable) setConstraint(v, c);
  }
}

/** Split `layer.apply(x, {training})` / `apply(x, training)` into the inputs and the keywords. */
export function callKwargs(args: readonly unknown[]): Record<string, unknown> {
  if (args.length === 0 || args[0] === undefined) return {};
  const a = args[0];
  if (a !== null && typeof a === 'object' && !(a instanceof Tensor) && !Array.isArray(a)) return { ...(a as Record<string, unknown>) };
  return { training: a };
}

/** The `training` argument Keras passes when none is given: the learning phase. */
export function trainingArg(kw: Record<string, unknown>): unknown {
  if (kw.training !== undefined && kw.training !== null) return kw.training;
  const p = learningPhase();
  return typeof p === 'number' ? p === 1 : p;
}

export function asTensor(x: TensorLike): Tensor {
  return x instanceof Tensor ? x : x instanceof Variable ? toTensor(x) : getDefaultGraph().asDefault(() => toTensor(x));
}

/** Number of scalars in `vars`. */
export function countParams(vars: readonly Variable[]): number {
  return vars.reduce((a, v) => a + v.shape.reduce<number>((p, d) => p * (d ?? 0), 1), 0);
}
