/** TF1 ref variables: `VariableV2` + `/initial_value` + `/Assign` + `/read`, and the assign ops. */
import { type DType, parseDType } from '../dtype.js';
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Graph, GraphKeys } from '../graph/graph.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { type PartialShape, isFullyDefined, pyShape, shapesEqual } from '../shape.js';
import { type TensorConvertible, type TensorLike, toTensor } from './convert.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { variableOptions } from '../schemas.js';
import { parseOptions, parseShape } from '../validate.js';
import { type TF1Args, kwargs, tf1Function } from '../args.js';
import type { SaveSliceInfo } from '../scope/partitioned-variable.js';
import { TensorShape } from '../graph/tensor-shape.js';

defineOp<{ shape: number[]; dtype: DType }>({
  type: 'VariableV2',
  infer: (_ins, a) => [{ dtype: a.dtype, shape: a.shape }],
  // The session gives each consumer the variable version it sees; this is never lowered.
  lower: () => {
    throw new Error('VariableV2 is resolved by the session');
  },
  stateful: true,
});
registerGradient('VariableV2', null);

function assignInfer(name: string, ref: Tensor, value: Tensor): void {
  if (ref.op.type !== 'VariableV2') {
    throw new TypeError(`'${name}' needs a Variable as its first input, got ${ref.name}`);
  }
  if (ref.dtype !== value.dtype) {
    throw new TypeError(`Input 'value' of '${name}' Op has type ${value.dtype} that does not match type ${ref.dtype} of argument 'ref'.`);
  }
  const a = ref.shape;
  const b = value.shape;
  if (a && b && (a.length !== b.length || a.some((d, i) => d !== null && b[i] !== null && d !== b[i]))) {
    throw new ValueError(`Shapes ${pyShape(a)} and ${pyShape(b)} are incompatible`);
  }
}

for (const [type, fn] of [['Assign', null], ['AssignAdd', 'add'], ['AssignSub', 'sub']] as const) {
  defineOp({
    type,
    infer: ([ref, value], _a, name) => {
      assignInfer(name, ref!, value!);
      return [{ dtype: ref!.dtype, shape: ref!.shape }];
    },
    lower: (b, [ref, value]) => [b.assign(ref!, fn ? b.binary(fn, ref!, b.broadcastTo(value!, ref!.shape)) : value!)],
    stateful: true,
  });
  registerGradient(type, null);
}

function assignOp(type: 'Assign' | 'AssignAdd' | 'AssignSub', where: string, names: readonly string[], args: unknown[]): Tensor {
  const o = kwargs(args, names, where, 2);
  // tsflow's earlier (ref, value, name) form: a string where TF1 has a flag is the name.
  const third = names[2]!;
  if (typeof o[third] === 'string') {
    if (o.name !== undefined && o.name !== null) throw new TypeError(`${where}() got multiple values for argument 'name'`);
    o.name = o[third];
    delete o[third];
  }
  for (const k of names.slice(2, -1)) {
    if (o[k] !== undefined && o[k] !== null && typeof o[k] !== 'boolean') throw new TypeError(`${where}(): ${k} must be a bool, got ${String(o[k])}`);
  }
  const ref = o.ref as Variable | Tensor;
  if (!(ref instanceof Variable) && !(typeof ref === 'object' && ref !== null && 'op' in ref && 'graph' in ref)) {
    throw new TypeError(`${where}(): ref must be a Variable, got ${String(ref)}`);
  }
  const r = ref instanceof Variable ? ref.ref : ref;
  const value = r.graph.asDefault(() => toTensor(o.value as TensorLike, r.dtype));
  if (o.validateShape === false && r.shape && value.shape && (!isFullyDefined(value.shape) || !shapesEqual(r.shape as number[], value.shape as number[]))) {
    throw new ValueError(`${where}(): validate_shape=False with a value of shape ${pyShape(value.shape)} for a variable of shape ${pyShape(r.shape)}: tsflow's variables keep the shape they were created with`);
  }
  return makeOp(r.graph, type, [r, value], {}, (o.name ?? undefined) as string | undefined, type).outputs[0]!;
}

type AssignArgs = TF1Args<
  readonly ['ref', 'value', 'validateShape', 'useLocking', 'name'],
  [ref: Variable | Tensor, value: TensorLike, validateShape?: boolean | string | null, useLocking?: boolean | null, name?: string | null]
>;
type AssignAddArgs = TF1Args<
  readonly ['ref', 'value', 'useLocking', 'name'],
  [ref: Variable | Tensor, value: TensorLike, useLocking?: boolean | string | null, name?: string | null]
>;
const ASSIGN_NAMES = ['ref', 'value', 'validateShape', 'useLocking', 'name'] as const;
const ASSIGN_ADD_NAMES = ['ref', 'value', 'useLocking', 'name'] as const;

/**
 * `tf.assign(ref, value, validate_shape=None, use_locking=None, name=None)`; the output is the
 * variable's new value. (`tf.assign(ref, value, name)`, a string third, names it too.)
 */
export function assign(...args: AssignArgs): Tensor {
  return assignOp('Assign', 'assign', ASSIGN_NAMES, args);
}
/** `tf.assign_add(ref, value, use_locking=None, name=None)`. */
export function assignAdd(...args: AssignAddArgs): Tensor {
  return assignOp('AssignAdd', 'assignAdd', ASSIGN_ADD_NAMES, args);
}
/** `tf.assign_sub(ref, value, use_locking=None, name=None)`. */
export function assignSub(...args: AssignAddArgs): Tensor {
  return assignOp('AssignSub', 'assignSub', ASSIGN_ADD_NAMES, args);
}

const METHOD_NAMES = ['value', 'useLocking', 'name', 'readValue'] as const;
type MethodArgs = TF1Args<typeof METHOD_NAMES, [value: TensorLike, useLocking?: boolean | string | null, name?: string | null, readValue?: boolean | null]>;
function variableMethod(v: Variable, type: 'Assign' | 'AssignAdd' | 'AssignSub', where: string, args: unknown[]): Tensor | Operation {
  const o = kwargs(args, METHOD_NAMES, where, 1);
  if (typeof o.useLocking === 'string') {
    o.name = o.useLocking;
    delete o.useLocking;
  }
  const names = type === 'Assign' ? ASSIGN_NAMES : ASSIGN_ADD_NAMES;
  const t = assignOp(type, where, names, [v, o.value, { useLocking: o.useLocking, name: o.name }]);
  if (o.readValue !== undefined && o.readValue !== null && typeof o.readValue !== 'boolean') throw new TypeError(`${where}(): read_value must be a bool, got ${String(o.readValue)}`);
  return o.readValue === false ? t.op : t;
}

export interface VariableOptions {
  name?: string;
  trainable?: boolean;
  dtype?: DType | string;
  /** The collections to add it to (default GLOBAL_VARIABLES; TRAINABLE_VARIABLES is added when trainable). */
  collections?: string[];
  /** TF1: false allows an initial value of unknown shape; tsflow's variables need a known shape either way. */
  validateShape?: boolean;
  /** Where reads are cached; one process holds one copy, so reads are the variable's own. */
  cachingDevice?: string | null;
  /** Deprecated and ignored by TF1. */
  expectedShape?: readonly number[] | null;
  /** The variable's shape; must match the initial value's. */
  shape?: readonly number[] | null;
  /** Accepted for distribution strategies, which a single process does not use. */
  synchronization?: unknown;
  aggregation?: unknown;
}

const VARIABLE_NAMES = [
  'initialValue', 'trainable', 'collections', 'validateShape', 'cachingDevice', 'name', 'variableDef', 'dtype',
  'expectedShape', 'importScope', 'constraint', 'useResource', 'synchronization', 'aggregation', 'shape',
] as const;
type VariableParams = [
  initialValue: TensorLike | (() => TensorLike), trainable?: boolean | null, collections?: string[] | null, validateShape?: boolean,
  cachingDevice?: string | null, name?: string | null, variableDef?: null, dtype?: DType | string | null, expectedShape?: readonly number[] | null,
  importScope?: null, constraint?: null, useResource?: boolean | null, synchronization?: unknown, aggregation?: unknown, shape?: readonly number[] | null,
];

/** `tf.Variable`: state that lives in a session, usable wherever a tensor is. */
export class Variable implements TensorConvertible {
  /** The `VariableV2` op's ref output (`Variable:0`). */
  readonly ref: Tensor;
  readonly initialValue: Tensor;
  readonly initializer: Operation;
  private readonly snapshot: Tensor;
  readonly trainable: boolean;
  /** Where this variable lies in a partitioned one (TF's `_save_slice_info`): checkpoints save it as a slice of that. */
  saveSliceInfo: SaveSliceInfo | null = null;

  /**
   * `new tf.Variable(initialValue, trainable, collections, validateShape, cachingDevice, name,
   * variableDef, dtype, expectedShape, importScope, constraint, useResource, synchronization,
   * aggregation, shape)`, any of them by keyword in a trailing object.
   */
  constructor(...args: TF1Args<typeof VARIABLE_NAMES, VariableParams>) {
    const { initialValue: iv, variableDef, importScope, constraint, useResource, ...kw } = kwargs(args, VARIABLE_NAMES, 'Variable');
    const initialValue = iv as VariableParams[0];
    if (variableDef !== undefined && variableDef !== null) throw new ValueError('Variable(): building a variable from a variable_def is not supported; import the graph with tf.train.importMetaGraph');
    if (importScope !== undefined && importScope !== null) throw new ValueError('import_scope can only be used with variable_def.');
    if (constraint !== undefined && constraint !== null) throw new ValueError('Variable(): constraint is not supported');
    if (useResource === true) throw new ValueError('Variable(): use_resource=True (resource variables) is not supported; tsflow variables are ref variables');
    if (initialValue === undefined || initialValue === null) throw new ValueError('initial_value must be specified.');
    const opts = Object.fromEntries(Object.entries(kw).filter(([, v]) => v !== null)) as VariableOptions;
    parseOptions(variableOptions, opts, 'Variable');
    const g: Graph = getDefaultGraph();
    const dtype = opts.dtype === undefined ? undefined : parseDType(opts.dtype);
    this.trainable = opts.trainable ?? true;
    let ref!: Tensor;
    let init!: Tensor;
    let assignOp!: Operation;
    let snap!: Tensor;
    g.controlDependencies(null, () =>
      g.nameScope(opts.name ?? 'Variable', (scope) => {
        init =
          typeof initialValue === 'function'
            ? g.nameScope('Initializer', () => toTensor(initialValue(), dtype, 'initial_value'))
            : toTensor(initialValue, dtype, 'initial_value');
        if (dtype && init.dtype !== dtype) throw new TypeError(`Variable initial value has dtype ${init.dtype}, expected ${dtype}`);
        if (!isFullyDefined(init.shape)) {
          throw new ValueError(`initial_value must have a shape specified: ${init}`);
        }
        if (opts.shape !== undefined && opts.shape !== null && !shapesEqual(parseShape(opts.shape, 'Variable', 'shape'), init.shape)) {
          throw new ValueError(`Shapes ${pyShape(init.shape)} and ${pyShape(opts.shape as number[])} are incompatible`);
        }
        ref = makeOp(g, 'VariableV2', [], { shape: [...init.shape], dtype: init.dtype }, scope, 'Variable').outputs[0]!;
        assignOp = makeOp(g, 'Assign', [ref, init], {}, 'Assign', 'Assign');
        snap = makeOp(g, 'Identity', [ref], {}, 'read', 'Identity').outputs[0]!;
      }),
    );
    this.ref = ref;
    this.initialValue = init;
    this.initializer = assignOp;
    this.snapshot = snap;
    const cols = new Set<string>(opts.collections ?? [GraphKeys.GLOBAL_VARIABLES]);
    if (this.trainable) cols.add(GraphKeys.TRAINABLE_VARIABLES);
    for (const c of cols) g.addToCollection(c, this);
  }

  /**
   * A Variable over ops already in a graph (TF's `Variable(variable_def=…)`, as
   * `import_meta_graph` rebuilds the collections): its ref, initial value, initializer and
   * snapshot.
   */
  static fromGraph(ref: Tensor, initialValue: Tensor, initializer: Operation, snapshot: Tensor, trainable: boolean): Variable {
    if (ref.op.type !== 'VariableV2') throw new ValueError(`${ref.name} is not the output of a variable op (it is ${ref.op.type})`);
    const v = Object.create(Variable.prototype) as { -readonly [K in keyof Variable]: Variable[K] } & { snapshot: Tensor };
    Object.assign(v, { ref, initialValue, initializer, snapshot, trainable, saveSliceInfo: null });
    return v as unknown as Variable;
  }

  /** `Variable:0`. */
  get name(): string {
    return this.ref.name;
  }
  get op(): Operation {
    return this.ref.op;
  }
  get dtype(): DType {
    return this.ref.dtype;
  }
  get shape(): number[] {
    return this.ref.shape as number[];
  }
  /** TF1's `variable.get_shape()`, a `tf.TensorShape`. */
  getShape(): TensorShape {
    return new TensorShape(this.ref.shape);
  }
  get graph(): Graph {
    return this.ref.graph;
  }
  /** The `/read` snapshot that ops consume. */
  value(): Tensor {
    return this.snapshot;
  }
  /** A new read of the current value (respects control dependencies in scope). */
  readValue(): Tensor {
    return makeOp(this.graph, 'Identity', [this.ref], {}, `${this.op.name}/read`, 'Identity').outputs[0]!;
  }
  toTensor(): Tensor {
    return this.snapshot;
  }
  /**
   * `variable.assign(value, use_locking=False, name=None, read_value=True)`: the Assign op's
   * output, or the op itself with `readValue: false`. (`assign(value, name)` names it too.)
   */
  assign(value: TensorLike, useLocking?: boolean | string | null, name?: string | null, readValue?: true | null): Tensor;
  assign(value: TensorLike, useLocking: boolean | null | undefined, name: string | null | undefined, readValue: false): Operation;
  assign(value: TensorLike, opts: { useLocking?: boolean | null; name?: string | null; readValue?: true | null }): Tensor;
  assign(value: TensorLike, opts: { useLocking?: boolean | null; name?: string | null; readValue: false }): Operation;
  assign(...args: MethodArgs): Tensor | Operation;
  assign(...args: unknown[]): Tensor | Operation {
    return variableMethod(this, 'Assign', 'assign', args);
  }
  /** `variable.assign_add(delta, use_locking=False, name=None, read_value=True)`. */
  assignAdd(delta: TensorLike, useLocking?: boolean | string | null, name?: string | null, readValue?: true | null): Tensor;
  assignAdd(delta: TensorLike, useLocking: boolean | null | undefined, name: string | null | undefined, readValue: false): Operation;
  assignAdd(delta: TensorLike, opts: { useLocking?: boolean | null; name?: string | null; readValue?: true | null }): Tensor;
  assignAdd(delta: TensorLike, opts: { useLocking?: boolean | null; name?: string | null; readValue: false }): Operation;
  assignAdd(...args: MethodArgs): Tensor | Operation;
  assignAdd(...args: unknown[]): Tensor | Operation {
    return variableMethod(this, 'AssignAdd', 'assignAdd', args);
  }
  /** `variable.assign_sub(delta, use_locking=False, name=None, read_value=True)`. */
  assignSub(delta: TensorLike, useLocking?: boolean | string | null, name?: string | null, readValue?: true | null): Tensor;
  assignSub(delta: TensorLike, useLocking: boolean | null | undefined, name: string | null | undefined, readValue: false): Operation;
  assignSub(delta: TensorLike, opts: { useLocking?: boolean | null; name?: string | null; readValue?: true | null }): Tensor;
  assignSub(delta: TensorLike, opts: { useLocking?: boolean | null; name?: string | null; readValue: false }): Operation;
  assignSub(...args: MethodArgs): Tensor | Operation;
  assignSub(...args: unknown[]): Tensor | Operation {
    return variableMethod(this, 'AssignSub', 'assignSub', args);
  }
  /**
   * `variable.count_up_to(limit)`: a CountUpTo op (see `tf.countUpTo`) that increments this
   * int32/int64 scalar variable and outputs its value from before; OutOfRangeError at `limit`.
   */
  countUpTo(limit: number): Tensor {
    if (typeof limit !== 'number' || !Number.isInteger(limit)) throw new TypeError(`Expected int for argument 'limit' not ${String(limit)}.`);
    return makeOp(this.graph, 'CountUpTo', [this.ref], { limit }, undefined, 'CountUpTo').outputs[0]!;
  }
  toString(): string {
    return `<tf.Variable '${this.name}' shape=${pyShape(this.shape)} dtype=${this.dtype}>`;
  }
  /** Does this variable's shape equal `shape`? */
  hasShape(shape: readonly number[]): boolean {
    return shapesEqual(this.shape, shape);
  }
}

function getCollectionIn<T>(key: string, scope: string | Graph | null | undefined): T[] {
  if (typeof scope === 'object' && scope !== null) return scope.getCollection<T>(key);
  return getDefaultGraph().getCollection<T>(key, scope ?? undefined);
}
/**
 * `tf.global_variables(scope?)`: the variables whose names match the `scope` prefix (a regex, as
 * TF's get_collection). A Graph in place of the scope reads that graph's collection.
 */
export const globalVariables = tf1Function('globalVariables', ['scope'], (scope?: string | Graph | null): Variable[] =>
  getCollectionIn<Variable>(GraphKeys.GLOBAL_VARIABLES, scope));
/** `tf.trainable_variables(scope?)`. */
export const trainableVariables = tf1Function('trainableVariables', ['scope'], (scope?: string | Graph | null): Variable[] =>
  getCollectionIn<Variable>(GraphKeys.TRAINABLE_VARIABLES, scope));

/** `tf.variables_initializer(varList, name = 'init')`. */
export const variablesInitializer = tf1Function('variablesInitializer', ['varList', 'name'], variablesInitializerImpl, 1);
function variablesInitializerImpl(vars: readonly Variable[], name = 'init'): Operation {
  const g = vars[0]?.graph ?? getDefaultGraph();
  if (vars.length === 0) return makeOp(g, 'NoOp', [], {}, name, 'NoOp');
  return g.controlDependencies(vars.map((v) => v.initializer), () => makeOp(g, 'NoOp', [], {}, name, 'init'));
}

export function globalVariablesInitializer(): Operation {
  return variablesInitializer(globalVariables());
}

export type { PartialShape };
