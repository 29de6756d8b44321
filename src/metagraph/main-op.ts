/**
 * `tf.tables_initializer` and `tf.saved_model.main_op.main_op()` (TF 1.15's lookup_ops.py and
 * saved_model/main_op_impl.py): the init ops a SavedModel's loader runs after the restore.
 */
import { getDefaultGraph } from '../graph/context.js';
import { GraphKeys } from '../graph/graph.js';
import type { Operation } from '../graph/tensor.js';
import { group } from '../ops/core.js';
import { globalVariablesInitializer } from '../ops/variables.js';
import { localVariablesInitializer } from '../scope/collections.js';

/** `tf.tables_initializer(name='init_all_tables')`: groups the graph's table initializers (a NoOp when none). */
export function tablesInitializer(name: string | { name?: string } = 'init_all_tables'): Operation {
  const n = typeof name === 'object' ? name.name ?? 'init_all_tables' : name;
  const inits = getDefaultGraph().getCollection(GraphKeys.TABLE_INITIALIZERS) as Operation[];
  return group(...inits, { name: n });
}

/** `tf.initialize_all_tables(name='init_all_tables')` (deprecated in TF 1.15): `tf.tables_initializer`. */
export function initializeAllTables(name: string | { name?: string } = 'init_all_tables'): Operation {
  return tablesInitializer(name);
}

/** `tf.saved_model.main_op.main_op()`: global, local variables and tables initialized. */
export function mainOp(): Operation {
  return group(globalVariablesInitializer(), localVariablesInitializer(), tablesInitializer());
}
