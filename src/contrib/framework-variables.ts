/**
 * `tf.contrib.framework`'s variable look-ups (TF1 contrib/framework/python/ops/variables.py):
 * getVariables(scope, suffix, collection) filters a collection with TF's `re.match` of
 * `scope + '.*' + suffix + ':'` against each variable's name.
 */
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { GraphKeys } from '../graph/graph.js';
import type { Variable } from '../ops/variables.js';
import { VariableScope } from '../scope/variable-scope.js';

type Scope = string | VariableScope | null | undefined;

/** `get_variables(scope=None, suffix=None, collection=GraphKeys.GLOBAL_VARIABLES)`. */
export function getVariables(scope?: Scope, suffix?: string | null, collection: string = GraphKeys.GLOBAL_VARIABLES): Variable[] {
  let s = scope instanceof VariableScope ? scope.name : (scope ?? undefined);
  if (suffix !== undefined && suffix !== null) {
    const sfx = suffix.includes(':') ? suffix : `${suffix}:`;
    s = `${s ?? ''}.*${sfx}`;
  }
  return getDefaultGraph().getCollection<Variable>(collection, s);
}
/** `get_model_variables(scope=None, suffix=None)`: MODEL_VARIABLES (the contrib layers' variables). */
export function getModelVariables(scope?: Scope, suffix?: string | null): Variable[] {
  return getVariables(scope, suffix, GraphKeys.MODEL_VARIABLES);
}
/** `get_trainable_variables(scope=None, suffix=None)`. */
export function getTrainableVariables(scope?: Scope, suffix?: string | null): Variable[] {
  return getVariables(scope, suffix, GraphKeys.TRAINABLE_VARIABLES);
}
/** `get_local_variables(scope=None, suffix=None)`. */
export function getLocalVariables(scope?: Scope, suffix?: string | null): Variable[] {
  return getVariables(scope, suffix, GraphKeys.LOCAL_VARIABLES);
}
/** `get_variables_by_name(given_name, scope=None)`: variables whose last name component is `given_name`. */
export function getVariablesByName(givenName: string, scope?: Scope): Variable[] {
  return getVariables(scope, `/${givenName}:|^${givenName}:`);
}
/** `get_variables_by_suffix(suffix, scope=None)`. */
export function getVariablesBySuffix(suffix: string, scope?: Scope): Variable[] {
  return getVariables(scope, suffix);
}
/** `get_unique_variable(var_op_name)`: the variable whose op is named `var_op_name`. */
export function getUniqueVariable(varOpName: string): Variable {
  const candidates = getVariables(varOpName);
  if (candidates.length === 0) throw new ValueError(`Couldn't find variable ${varOpName}`);
  const v = candidates.find((c) => c.op.name === varOpName);
  if (!v) throw new ValueError(`Variable ${varOpName} does not uniquely identify a variable`);
  return v;
}
