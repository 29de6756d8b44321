/** Graph collections as TF1's module functions (`tf.get_collection`, …) and the local variables. */
import { getDefaultGraph } from '../graph/context.js';
import { GraphKeys } from '../graph/graph.js';
import type { Operation } from '../graph/tensor.js';
import { type Variable, variablesInitializer } from '../ops/variables.js';

/**
 * `tf.get_collection(key, scope=None)`: a copy of the default graph's collection; `scope` is a
 * regular expression matched at the start of each item's name (items without one are left out).
 */
export function getCollection<T = unknown>(key: string, scope?: string | null): T[] {
  return getDefaultGraph().getCollection<T>(key, scope ?? undefined);
}

/** `tf.get_collection_ref(key)`: the collection itself (created empty when absent). */
export function getCollectionRef<T = unknown>(key: string): T[] {
  return getDefaultGraph().getCollectionRef<T>(key);
}

/** `tf.add_to_collection(name, value)`. */
export function addToCollection(name: string, value: unknown): void {
  getDefaultGraph().addToCollection(name, value);
}

/** `tf.add_to_collections(names, value)`. */
export function addToCollections(names: readonly string[] | string, value: unknown): void {
  for (const n of typeof names === 'string' ? [names] : new Set(names)) addToCollection(n, value);
}

/** `tf.local_variables(scope=None)`: variables made with `collections: [LOCAL_VARIABLES]` (metrics' counters). */
export function localVariables(scope?: string | null): Variable[] {
  return getCollection<Variable>(GraphKeys.LOCAL_VARIABLES, scope);
}

/** `tf.model_variables(scope=None)`. */
export function modelVariables(scope?: string | null): Variable[] {
  return getCollection<Variable>(GraphKeys.MODEL_VARIABLES, scope);
}

/** `tf.local_variables_initializer()`: one op that initializes every local variable. */
export function localVariablesInitializer(): Operation {
  return variablesInitializer(localVariables());
}
