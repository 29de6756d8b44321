/** Graph collections as TF1's module functions (`tf.get_collection`, …) and the local variables. */
import { getDefaultGraph } from '../graph/context.js';
import { GraphKeys } from '../graph/graph.js';
import type { Operation } from '../graph/tensor.js';
import { type Variable, variablesInitializer } from '../ops/variables.js';
import { kwargs } from '../args.js';

type ScopeArg = string | null | { scope?: string | null };
/** The `scope` of `(scope?)` or `({scope})`, TF1's calling convention. */
function scopeOf(args: readonly unknown[], where: string): string | undefined {
  return (kwargs(args, ['scope'], where).scope as string | null | undefined) ?? undefined;
}

/**
 * `tf.get_collection(key, scope=None)`: a copy of the default graph's collection; `scope` is a
 * regular expression matched at the start of each item's name (items without one are left out).
 */
export function getCollection<T = unknown>(key: string | { key: string; scope?: string | null }, scope?: ScopeArg): T[] {
  const o = kwargs([key, scope], ['key', 'scope'], 'get_collection', 1);
  return getDefaultGraph().getCollection<T>(o.key as string, (o.scope as string | null | undefined) ?? undefined);
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
export function localVariables(scope?: ScopeArg): Variable[] {
  return getCollection<Variable>(GraphKeys.LOCAL_VARIABLES, scopeOf([scope], 'local_variables'));
}

/** `tf.model_variables(scope=None)`. */
export function modelVariables(scope?: ScopeArg): Variable[] {
  return getCollection<Variable>(GraphKeys.MODEL_VARIABLES, scopeOf([scope], 'model_variables'));
}

/** `tf.local_variables_initializer()`: one op that initializes every local variable. */
export function localVariablesInitializer(): Operation {
  return variablesInitializer(localVariables());
}
