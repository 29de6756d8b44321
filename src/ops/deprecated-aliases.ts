/**
 * TF1's deprecated but everyday spellings and small graph helpers: `tf.initialize_all_variables`,
 * `tf.initialize_local_variables`, `tf.initialize_variables`, `tf.all_variables`,
 * `tf.moving_average_variables`, `tf.get_seed`, `tf.no_regularizer`, `tf.tuple`, `tf.identity_n`,
 * `tf.shape_n`, `tf.is_tensor`, `tf.get_static_value`, `tf.ensure_shape`.
 */
import { type DType, parseDType } from '../dtype.js';
import { getDefaultGraph } from '../graph/context.js';
import { GraphKeys, graphFromInputs } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type PartialShape, cShape, isFullyDefined, sizeOf } from '../shape.js';
import { InvalidArgumentError } from '../errors.js';
import { parseShape } from '../validate.js';
import { mergeOrError, shapeFnError } from './array.js';
import { kwargs, tf1Function } from '../args.js';
import { type TensorLike, toTensor } from './convert.js';
import { group, identity } from './core.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { IndexedSlices } from './indexed-slices.js';
import { Variable, globalVariables, globalVariablesInitializer, variablesInitializer } from './variables.js';
import { localVariablesInitializer } from '../scope/collections.js';

/** `tf.initialize_all_variables()` (deprecated): `tf.global_variables_initializer()`. */
export function initializeAllVariables(): Operation {
  return globalVariablesInitializer();
}
/** `tf.initialize_local_variables()` (deprecated): `tf.local_variables_initializer()`. */
export function initializeLocalVariables(): Operation {
  return localVariablesInitializer();
}
/** `tf.initialize_variables(var_list, name='init')` (deprecated): `tf.variables_initializer`. */
export const initializeVariables = tf1Function('initializeVariables', ['varList', 'name'],
  (varList: readonly Variable[], name?: string | null): Operation => variablesInitializer(varList, name ?? 'init'), 1);
/** `tf.all_variables()` (deprecated): `tf.global_variables()`. */
export function allVariables(): Variable[] {
  return globalVariables();
}
/** `tf.moving_average_variables(scope=None)`: the MOVING_AVERAGE_VARIABLES collection. */
export const movingAverageVariables = tf1Function('movingAverageVariables', ['scope'], (scope?: string | null): Variable[] =>
  getDefaultGraph().getCollection<Variable>(GraphKeys.MOVING_AVERAGE_VARIABLES, scope ?? undefined));

const MAXINT32 = 2 ** 31 - 1;
const DEFAULT_GRAPH_SEED = 87654321;
/**
 * `tf.get_seed(op_seed)`: the (graph-level, op-level) seed pair an op with `op_seed` uses, as
 * TF1's random_seed.get_seed: both truncated modulo 2^31-1, `[null, null]` when neither seed is
 * set, and (0, 0) turned into (0, 2^31-1).
 */
export const getSeed = tf1Function('getSeed', ['opSeed'], (opSeed?: number | null): [number | null, number | null] => {
  const g = getDefaultGraph();
  let seeds: [number | null, number | null];
  if (g.seed !== null) {
    const s = g.getSeed(opSeed ?? undefined)!;
    seeds = [s[0] % MAXINT32, s[1] % MAXINT32];
  } else if (opSeed !== undefined && opSeed !== null) {
    seeds = [DEFAULT_GRAPH_SEED, opSeed % MAXINT32];
  } else {
    seeds = [null, null];
  }
  if (seeds[0] === 0 && seeds[1] === 0) return [0, MAXINT32];
  return seeds;
}, 1);

/** `tf.no_regularizer(_)`: no regularization loss (TF1 returns None). */
export function noRegularizer(_weights?: unknown): null {
  return null;
}

/**
 * `tf.tuple(tensors, name=None, control_inputs=None)`: the tensors, each passed through an
 * Identity that waits for all of them (and `control_inputs`); `null` entries stay `null`.
 */
export function tuple(
  tensors: readonly (TensorLike | null)[] | { tensors: readonly (TensorLike | null)[]; name?: string | null; controlInputs?: readonly (Operation | Tensor)[] | null },
  name?: string | null | { name?: string | null; controlInputs?: readonly (Operation | Tensor)[] | null },
  controlInputs?: readonly (Operation | Tensor)[] | null | { controlInputs?: readonly (Operation | Tensor)[] | null },
): (Tensor | null)[] {
  const o = kwargs([tensors, name, controlInputs], ['tensors', 'name', 'controlInputs'], 'tuple', 1);
  const list = o.tensors as readonly (TensorLike | null)[];
  const ts = list.map((t) => (t === null || t === undefined ? null : toTensor(t)));
  const present = ts.filter((t): t is Tensor => t !== null);
  const g = graphFromInputs(present, getDefaultGraph());
  return g.nameScope((o.name as string | null | undefined) ?? 'tuple', () => {
    const gating: (Operation | Tensor)[] = present.map((t) => t.op);
    const ci = o.controlInputs as readonly (Operation | Tensor | unknown)[] | null | undefined;
    if (ci) {
      for (const c of ci) {
        if (c instanceof Tensor) gating.push(c.op);
        else if (c instanceof Operation) gating.push(c);
        else throw new TypeError(`Control input must be Operation or Tensor: ${String(c)}`);
      }
    }
    const gate = group(gating);
    return ts.map((t) => (t === null ? null : g.controlDependencies([gate], () => identity(t, 'control_dependency'))));
  });
}

// ----- IdentityN, ShapeN ------------------------------------------------------------------
defineOp({
  type: 'IdentityN',
  infer: (ins) => ins.map((x) => ({ dtype: x.dtype, shape: x.shape })),
  lower: (_b, ins) => [...ins],
});
registerGradient('IdentityN', (op, dys) => op.inputs.map((_x, i) => dys[i] ?? null));

/** `tf.identity_n(input, name=None)`: one op whose outputs are its inputs. */
export const identityN = tf1Function('identityN', ['input', 'name'], (input: readonly TensorLike[], name?: string | null): Tensor[] => {
  const ts = input.map((x) => toTensor(x));
  const g = graphFromInputs(ts, getDefaultGraph());
  return makeOp(g, 'IdentityN', ts, {}, name ?? undefined, 'IdentityN').outputs.slice();
}, 1);

defineOp<{ outType: DType }>({
  type: 'ShapeN',
  infer: (ins, a) => ins.map((x) => ({ dtype: a.outType, shape: [x.shape === null ? null : x.shape.length] })),
  lower: (b, ins, a) => ins.map((x) => b.constant(a.outType === 'int64'
    ? new NDArray(Float64Array.from(x.shape), [x.shape.length], 'int64')
    : new NDArray(Int32Array.from(x.shape), [x.shape.length], 'int32'))),
});
registerGradient('ShapeN', null);

/** `tf.shape_n(input, out_type=tf.int32, name=None)`: the shapes of several tensors from one ShapeN op. */
export const shapeN = tf1Function('shapeN', ['input', 'outType', 'name'], (input: readonly TensorLike[], outType?: DType | string | null, name?: string | null): Tensor[] => {
  const dt = outType === undefined || outType === null ? 'int32' : parseDType(outType);
  if (dt !== 'int32' && dt !== 'int64') {
    throw new TypeError(`Value passed to parameter 'out_type' has DataType ${dt} not in list of allowed values: int32, int64`);
  }
  const ts = input.map((x) => toTensor(x));
  const g = graphFromInputs(ts, getDefaultGraph());
  return makeOp(g, 'ShapeN', ts, { outType: dt }, name ?? undefined, 'ShapeN').outputs.slice();
}, 1);

/** `tf.is_tensor(x)`: a graph tensor or tensor-like (Variable, IndexedSlices), not a plain value. */
export function isTensor(x: unknown): boolean {
  return x instanceof Tensor || x instanceof IndexedSlices || x instanceof Variable;
}

/**
 * `tf.get_static_value(tensor, partial=False)`: the tensor's value when the graph fixes it at
 * build time (a Const, an Identity of one, Shape/Size/Rank of a statically shaped tensor), else
 * `null`. A non-tensor is returned as an NDArray of itself.
 */
export const getStaticValue = tf1Function('getStaticValue', ['tensor', 'partial'], (tensor: TensorLike, _partial?: boolean | null): NDArray | null => {
  if (!(tensor instanceof Tensor)) {
    if (isTensor(tensor)) return null;
    return toTensorValue(tensor);
  }
  return staticValue(tensor);
}, 1);

function toTensorValue(x: TensorLike): NDArray | null {
  const t = toTensor(x);
  return t.op.type === 'Const' ? (t.op.attrs.value as NDArray) : null;
}

function staticValue(t: Tensor): NDArray | null {
  const op = t.op;
  switch (op.type) {
    case 'Const':
      return op.attrs.value as NDArray;
    case 'Identity':
    case 'StopGradient':
      return staticValue(op.inputs[0]!);
    case 'IdentityN':
      return staticValue(op.inputs[t.index]!);
    case 'Shape':
    case 'ShapeN': {
      const x = op.inputs[op.type === 'Shape' ? 0 : t.index]!;
      if (x.shape === null || !isFullyDefined(x.shape)) return null;
      const dims = x.shape as number[];
      return t.dtype === 'int64'
        ? new NDArray(Float64Array.from(dims), [dims.length], 'int64')
        : new NDArray(Int32Array.from(dims), [dims.length], 'int32');
    }
    case 'Size': {
      const x = op.inputs[0]!;
      if (x.shape === null || !isFullyDefined(x.shape)) return null;
      return new NDArray(Int32Array.of(sizeOf(x.shape as number[])), [], 'int32');
    }
    case 'Rank': {
      const x = op.inputs[0]!;
      return x.shape === null ? null : new NDArray(Int32Array.of(x.shape.length), [], 'int32');
    }
    default:
      return null;
  }
}

// ----- EnsureShape -------------------------------------------------------------------------
defineOp<{ shape: PartialShape; input: string }>({
  type: 'EnsureShape',
  infer: ([x], a, name) => {
    const m = mergeOrError(x!.shape, a.shape);
    if (typeof m === 'string') throw shapeFnError(m, name, 'EnsureShape', [x!.shape]);
    return [{ dtype: x!.dtype, shape: m }];
  },
  lower: (b, [x], a) => {
    const ok = a.shape === null || (a.shape.length === x!.shape.length && a.shape.every((d, i) => d === null || d === x!.shape[i]));
    if (!ok) {
      throw new InvalidArgumentError(
        `Shape of tensor ${a.input} ${cShape([...x!.shape])} is not compatible with expected shape ${a.shape === null ? '<unknown>' : cShape(a.shape)}.`, b.opName);
    }
    return [x!];
  },
});
registerGradient('EnsureShape', (_op, [dy]) => [dy ?? null]);

/**
 * `tf.ensure_shape(x, shape, name=None)`: `x`, with its static shape merged with `shape` (a
 * ValueError at build when they conflict) and checked when the step runs (InvalidArgumentError).
 */
export const ensureShape = tf1Function('ensureShape', ['x', 'shape', 'name'], (x: TensorLike, shape: PartialShape | readonly (number | null)[], name?: string | null): Tensor => {
  const t = toTensor(x);
  const dims = shape === null ? null : parseShape(shape, 'ensure_shape', 'shape', 'partial');
  const input = t.index === 0 ? t.op.name : `${t.op.name}:${t.index}`;
  return makeOp(t.graph, 'EnsureShape', [t], { shape: dims, input }, name ?? undefined, 'EnsureShape').outputs[0]!;
}, 2);
