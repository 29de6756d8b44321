/**
 * The variable helpers of `tf.contrib.framework` that TF-Slim re-exports (TF 1.15
 * contrib/framework/python/ops/variables.py): `variable` / `modelVariable` (both usable in
 * argScope, as TF decorates them), `localVariable`, `addModelVariable`, `getVariablesToRestore`,
 * and the checkpoint assignments `assignFromCheckpoint(Fn)` / `assignFromValues(Fn)`.
 */
import { kwargs } from '../../args.js';
import { ValueError } from '../../errors.js';
import { device as onDevice, getDefaultGraph } from '../../graph/context.js';
import { GraphKeys } from '../../graph/graph.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import { NDArray } from '../../ndarray.js';
import { toNDArray } from '../../ops/convert.js';
import { group, placeholder } from '../../ops/core.js';
import { Variable } from '../../ops/variables.js';
import { loadCheckpoint } from '../../checkpoint/reader.js';
import { getVariable } from '../../scope/get-variable.js';
import type { Session } from '../../session/session.js';
import { Saver } from '../../train/saver.js';
import * as logging from '../../train/tf-logging.js';
import { addArgScope } from '../arg-scope.js';
import { getVariables } from '../framework-variables.js';

const VAR_NAMES = ['name', 'shape', 'dtype', 'initializer', 'regularizer', 'trainable', 'collections', 'cachingDevice', 'device', 'partitioner', 'customGetter', 'useResource'] as const;

function variableImpl(where: string, args: unknown[], extra: readonly string[]): Variable {
  const o = kwargs(args, VAR_NAMES, where, 1);
  const cols = new Set<string>([...((o.collections as string[] | null | undefined) ?? (extra.length ? [] : [GraphKeys.GLOBAL_VARIABLES])), ...extra]);
  const opts: Record<string, unknown> = { collections: [...cols] };
  for (const k of ['shape', 'dtype', 'initializer', 'regularizer', 'trainable', 'cachingDevice', 'partitioner', 'customGetter', 'useResource']) {
    if (o[k] !== undefined && o[k] !== null) opts[k] = o[k];
  }
  const dev = (o.device as string | null | undefined) ?? '';
  return onDevice(dev, () => getVariable(o.name as string, opts) as Variable);
}

/**
 * `variable(name, shape=None, dtype=float32, initializer=None, regularizer=None, trainable=True,
 * collections=None, caching_device=None, device=None, partitioner=None, custom_getter=None,
 * use_resource=None)`: get_variable in `collections` (default GLOBAL_VARIABLES), on `device`.
 */
export const variable = addArgScope(function variable(...args: unknown[]): Variable {
  return variableImpl('variable', args, []);
}, VAR_NAMES);

/** `model_variable(...)`: `variable` also listed in GLOBAL_VARIABLES and MODEL_VARIABLES. */
export const modelVariable = addArgScope(function modelVariable(...args: unknown[]): Variable {
  return variableImpl('model_variable', args, [GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES]);
}, VAR_NAMES);

/** `local_variable(initial_value, validate_shape=True, name=None, use_resource=None)`: untrainable, in LOCAL_VARIABLES. */
export function localVariable(...args: unknown[]): Variable {
  const o = kwargs(args, ['initialValue', 'validateShape', 'name', 'useResource'], 'local_variable', 1);
  return new Variable(o.initialValue as never, {
    trainable: false, collections: [GraphKeys.LOCAL_VARIABLES], validateShape: (o.validateShape as boolean | undefined) ?? true,
    ...(o.name ? { name: o.name as string } : {}),
  } as never);
}

/** `add_model_variable(var)`. */
export function addModelVariable(v: Variable): void {
  const models = v.graph.getCollectionRef<Variable>(GraphKeys.MODEL_VARIABLES);
  if (!models.includes(v)) models.push(v);
}

/**
 * `get_variables_to_restore(include=None, exclude=None)`: the GLOBAL_VARIABLES under the scopes
 * of `include` (all where null), less those under the scopes of `exclude`.
 */
export function getVariablesToRestore(...args: unknown[]): Variable[] {
  const o = kwargs(args, ['include', 'exclude'], 'get_variables_to_restore');
  const include = o.include as readonly string[] | null | undefined;
  const exclude = o.exclude as readonly string[] | null | undefined;
  let vars: Variable[];
  if (include === undefined || include === null) vars = getVariables();
  else {
    if (!Array.isArray(include)) throw new TypeError('include is provided but is not a list or a tuple.');
    vars = include.flatMap((s) => getVariables(s));
  }
  const out = new Set<Variable>();
  if (exclude !== undefined && exclude !== null) {
    if (!Array.isArray(exclude)) throw new TypeError('exclude is provided but is not a list or a tuple.');
    for (const s of exclude) for (const v of getVariables(s)) out.add(v);
  }
  return vars.filter((v) => !out.has(v));
}

/** A list of variables (keyed by op name), or `{checkpointName: variable}` (a Map, or the `varList` keyword). */
type VarList = readonly Variable[] | Record<string, Variable> | ReadonlyMap<string, Variable>;
const byOpName = (list: VarList): Record<string, Variable> =>
  Array.isArray(list) ? Object.fromEntries((list as readonly Variable[]).map((v) => [v.op.name, v]))
    : list instanceof Map ? Object.fromEntries(list) : (list as Record<string, Variable>);

/** One `placeholder/<var>` fed with `value` and assigned to `v` (keeps the values out of the graph). */
function assignFed(v: Variable, value: NDArray, name: string, ops: (Operation | Tensor)[], feed: Map<Tensor, NDArray>): void {
  const shape = [...v.shape];
  const size = shape.reduce((a, b) => a * b, 1);
  if (value.size !== size) {
    throw new ValueError(`Total size of new array must be unchanged for ${name} lh_shape: [${value.shape.join(', ')}], rh_shape: [${shape.join(', ')}]`);
  }
  const p = placeholder(v.dtype, { shape, name: `placeholder/${v.op.name}` });
  ops.push(v.assign(p));
  feed.set(p, value.shape.join() === shape.join() ? value : new NDArray(value.data, shape, value.dtype));
}

/**
 * `assign_from_checkpoint(model_path, var_list, ignore_missing_vars=False)`: `[assignOp,
 * feedDict]` that assign the variables (a list, keyed by op name, or `{checkpointName: var}`)
 * from the checkpoint at `modelPath`.
 */
export function assignFromCheckpoint(...args: unknown[]): [Operation, Map<Tensor, NDArray>] {
  const o = kwargs(args, ['modelPath', 'varList', 'ignoreMissingVars'], 'assign_from_checkpoint', 2);
  const reader = loadCheckpoint(o.modelPath as string);
  const list = byOpName(o.varList as VarList);
  const ops: (Operation | Tensor)[] = [];
  const feed = new Map<Tensor, NDArray>();
  for (const [ckptName, v] of Object.entries(list)) {
    if (!reader.hasTensor(ckptName)) {
      if (o.ignoreMissingVars) {
        logging.info('Variable %s missing in checkpoint %s', ckptName, o.modelPath);
        continue;
      }
      throw new ValueError(`Checkpoint is missing variable [${ckptName}]`);
    }
    assignFed(v, reader.getTensor(ckptName), ckptName, ops, feed);
  }
  return [group(...ops), feed];
}

/**
 * `assign_from_checkpoint_fn(model_path, var_list, ignore_missing_vars=False,
 * reshape_variables=False)`: `(sess) => restore`, a Saver over `varList` (null where every
 * variable was missing and ignored: TF's "No Variables to restore").
 */
export function assignFromCheckpointFn(...args: unknown[]): ((sess: Session) => Promise<void>) | null {
  const o = kwargs(args, ['modelPath', 'varList', 'ignoreMissingVars', 'reshapeVariables'], 'assign_from_checkpoint_fn', 2);
  const modelPath = o.modelPath as string;
  let list: VarList | null = o.varList ? byOpName(o.varList as VarList) : null;
  if (!list || Object.keys(list).length === 0) throw new ValueError('var_list cannot be empty');
  if (o.ignoreMissingVars) {
    const reader = loadCheckpoint(modelPath);
    const available: Record<string, Variable> = {};
    for (const [name, v] of Object.entries(list)) {
      if (reader.hasTensor(name)) available[name] = v;
      else logging.warning('Variable %s missing in checkpoint %s', name, modelPath);
    }
    if (Object.keys(available).length === 0) {
      logging.warning('No Variables to restore');
      return null;
    }
    list = available;
  }
  const saver = new Saver(list as never, { reshape: Boolean(o.reshapeVariables) });
  return async (sess: Session) => saver.restore(sess, modelPath);
}

/** `assign_from_values(var_names_to_values)`: `[assignOp, feedDict]` from `{varOpName: value}`. */
export function assignFromValues(varNamesToValues: Record<string, NDArray | ArrayLike<number>>): [Operation, Map<Tensor, NDArray>] {
  const ops: (Operation | Tensor)[] = [];
  const feed = new Map<Tensor, NDArray>();
  const g = getDefaultGraph();
  for (const [name, value] of Object.entries(varNamesToValues)) {
    const found = g.getCollection<Variable>(GraphKeys.GLOBAL_VARIABLES, name);
    if (found.length === 0) throw new ValueError(`Variable ${name} wasn't found`);
    const v = found.length === 1 ? found[0]! : found.find((c) => c.op.name === name);
    if (!v) throw new ValueError(`Variable ${name} doesn't uniquely identify a variable`);
    const arr = value instanceof NDArray ? value : toNDArray(Array.from(value as ArrayLike<number>), v.dtype);
    assignFed(v, arr, name, ops, feed);
  }
  return [group(...ops), feed];
}

/** `assign_from_values_fn(var_names_to_values)`: `(sess) => sess.run(assignOp, feedDict)`. */
export function assignFromValuesFn(varNamesToValues: Record<string, NDArray | ArrayLike<number>>): (sess: Session) => Promise<void> {
  const [op, feed] = assignFromValues(varNamesToValues);
  return async (sess: Session) => {
    await sess.run(op, feed as never);
  };
}
