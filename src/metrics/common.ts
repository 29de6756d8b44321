/** What every tf.metrics function shares: metric variables, argument handling, collections. */
import type { DType } from '../dtype.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Graph, GraphKeys } from '../graph/graph.js';
import { Tensor } from '../graph/tensor.js';
import { zeros } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { Variable } from '../ops/variables.js';
import { assertCompatible, matchWeightsRank, squeezeLabelsPredictions } from '../losses/weights.js';

/** `metric_variable`: a zero-initialized local variable in LOCAL_VARIABLES and METRIC_VARIABLES. */
export function metricVariable(shape: readonly number[], dtype: DType, name: string): Variable {
  return new Variable(() => zeros(shape, dtype), {
    name,
    trainable: false,
    collections: [GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES],
  });
}

export interface MetricOptions {
  metricsCollections?: string[] | null;
  updatesCollections?: string[] | null;
  name?: string | null;
}

/** Add `t` to each of `collections`. */
export function addToCollections(t: Tensor, collections: readonly string[] | null | undefined): void {
  for (const c of collections ?? []) t.graph.addToCollection(c, t);
}

export function graphOf(...xs: unknown[]): Graph {
  for (const x of xs) {
    if (x instanceof Tensor) return x.graph;
    if (x instanceof Variable) return x.graph;
  }
  return getDefaultGraph();
}

/**
 * Open the metric's scope (TF1's `variable_scope(name, default_name)`, which for the
 * `tf.Variable`s metrics create amounts to a name scope of that name).
 */
export function metricScope<T>(g: Graph, name: string | null | undefined, defaultName: string, fn: () => T): T {
  return g.nameScope(name ?? defaultName, () => fn());
}

/**
 * metrics_impl `_remove_squeezable_dimensions(predictions, labels, weights)`: squeeze a trailing
 * 1 off labels or predictions, check they agree, and fit the weights' rank to the predictions'.
 */
export function removeSqueezable(
  predictions: TensorLike, labels: TensorLike | null, weights: TensorLike | null | undefined,
): [Tensor, Tensor | null, Tensor | null] {
  let p = toTensor(predictions);
  let l: Tensor | null = null;
  if (labels !== null) {
    [l, p] = squeezeLabelsPredictions(toTensor(labels), p);
    assertCompatible(p.shape, l.shape);
  }
  if (weights === null || weights === undefined) return [p, l, null];
  return [p, l, matchWeightsRank(toTensor(weights), p)];
}
