/**
 * TF1's variable initialization checks: `tf.isVariableInitialized(ref)` (IsVariableInitialized:
 * a bool scalar, evaluated on the host from the session's record of initialized variables,
 * without reading the variable) and `tf.reportUninitializedVariables(varList)` (the names of the
 * uninitialized ones, a 1-D string tensor). With a cluster they run on the variable's task, so
 * every client sees the same state.
 */
import { InvalidArgumentError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { NDArray } from '../ndarray.js';
import { Tensor } from '../graph/tensor.js';
import { registerHostOp } from '../session/host-stage.js';
import { stack } from './array.js';
import { booleanMask } from './boolean-mask.js';
import { constant } from './core.js';
import { logicalNot } from './math.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { Variable, globalVariables } from './variables.js';
import { localVariables } from '../scope/collections.js';
import { tf1Function } from '../args.js';

defineOp({
  type: 'IsVariableInitialized',
  infer: ([ref]) => {
    if (ref!.op.type !== 'VariableV2') throw new TypeError(`'IsVariableInitialized' Op requires that input 'ref' be a mutable tensor (a Variable), got ${ref!.name}`);
    return [{ dtype: 'bool', shape: [] }];
  },
  lower: () => {
    throw new Error('IsVariableInitialized runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('IsVariableInitialized', null);
// lazy: the variable itself is not read (it may be uninitialized)
registerHostOp(
  'IsVariableInitialized',
  function* (op, _ins, ctx) {
    const key = op.inputs[0]!.op.name;
    return [new NDArray(Uint8Array.of(ctx.runner.state.initialized.has(key) ? 1 : 0), [], 'bool')];
  },
  { lazy: true },
);

function refOf(v: Variable | Tensor): Tensor {
  const t = v instanceof Variable ? v.ref : v;
  if (!(t instanceof Tensor) || t.op.type !== 'VariableV2') throw new InvalidArgumentError(`is_variable_initialized expects a Variable, got ${String(v)}`);
  return t;
}

/** `tf.is_variable_initialized(variable)`: a bool scalar. */
export const isVariableInitialized = tf1Function('isVariableInitialized', ['variable'], (variable: Variable | Tensor): Tensor => {
  const ref = refOf(variable);
  return makeOp(ref.graph, 'IsVariableInitialized', [ref], {}, undefined, 'IsVariableInitialized').outputs[0]!;
}, 1);

/** `tf.report_uninitialized_variables(var_list=None, name='report_uninitialized_variables')`. */
export const reportUninitializedVariables = tf1Function(
  'reportUninitializedVariables',
  ['varList', 'name'],
  (varList?: Variable[] | null, name?: string | null): Tensor => {
    const vars = varList ?? [...globalVariables(), ...localVariables()];
    const g = vars[0]?.graph ?? getDefaultGraph();
    return g.nameScope(name ?? 'report_uninitialized_variables', () => {
      if (vars.length === 0) return constant([] as string[], { dtype: 'string' });
      const flags = stack(vars.map((v) => isVariableInitialized(v)));
      const names = constant(vars.map((v) => v.op.name), { dtype: 'string' });
      return booleanMask(names, logicalNot(flags));
    });
  },
  0,
);
