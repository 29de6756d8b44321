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
import { parseOptions } from '../validate.js';

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

/** `tf.assign(ref, value)`; the output is the variable's new value. */
export function assign(ref: Variable | Tensor, value: TensorLike, name?: string): Tensor {
  const r = ref instanceof Variable ? ref.ref : ref;
  return makeOp(r.graph, 'Assign', [r, toTensor(value, r.dtype)], {}, name, 'Assign').outputs[0]!;
}
export function assignAdd(ref: Variable | Tensor, value: TensorLike, name?: string): Tensor {
  const r = ref instanceof Variable ? ref.ref : ref;
  return makeOp(r.graph, 'AssignAdd', [r, toTensor(value, r.dtype)], {}, name, 'AssignAdd').outputs[0]!;
}
export function assignSub(ref: Variable | Tensor, value: TensorLike, name?: string): Tensor {
  const r = ref instanceof Variable ? ref.ref : ref;
  return makeOp(r.graph, 'AssignSub', [r, toTensor(value, r.dtype)], {}, name, 'AssignSub').outputs[0]!;
}

export interface VariableOptions {
  name?: string;
  trainable?: boolean;
  dtype?: DType | string;
  /** The collections to add it to (default GLOBAL_VARIABLES; TRAINABLE_VARIABLES is added when trainable). */
  collections?: string[];
}

/** `tf.Variable`: state that lives in a session, usable wherever a tensor is. */
export class Variable implements TensorConvertible {
  /** The `VariableV2` op's ref output (`Variable:0`). */
  readonly ref: Tensor;
  readonly initialValue: Tensor;
  readonly initializer: Operation;
  private readonly snapshot: Tensor;
  readonly trainable: boolean;

  constructor(initialValue: TensorLike | (() => TensorLike), opts: VariableOptions = {}) {
    if (initialValue === undefined || initialValue === null) throw new ValueError('initial_value must be specified.');
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
    Object.assign(v, { ref, initialValue, initializer, snapshot, trainable });
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
  assign(v: TensorLike, name?: string): Tensor {
    return assign(this, v, name);
  }
  assignAdd(v: TensorLike, name?: string): Tensor {
    return assignAdd(this, v, name);
  }
  assignSub(v: TensorLike, name?: string): Tensor {
    return assignSub(this, v, name);
  }
  toString(): string {
    return `<tf.Variable '${this.name}' shape=${pyShape(this.shape)} dtype=${this.dtype}>`;
  }
  /** Does this variable's shape equal `shape`? */
  hasShape(shape: readonly number[]): boolean {
    return shapesEqual(this.shape, shape);
  }
}

export function globalVariables(g: Graph = getDefaultGraph()): Variable[] {
  return g.getCollection<Variable>(GraphKeys.GLOBAL_VARIABLES);
}
export function trainableVariables(g: Graph = getDefaultGraph()): Variable[] {
  return g.getCollection<Variable>(GraphKeys.TRAINABLE_VARIABLES);
}

/** `tf.variables_initializer(vars, name = 'init')`. */
export function variablesInitializer(vars: readonly Variable[], name = 'init'): Operation {
  const g = vars[0]?.graph ?? getDefaultGraph();
  if (vars.length === 0) return makeOp(g, 'NoOp', [], {}, name, 'NoOp');
  return g.controlDependencies(vars.map((v) => v.initializer), () => makeOp(g, 'NoOp', [], {}, name, 'init'));
}

export function globalVariablesInitializer(): Operation {
  return variablesInitializer(globalVariables());
}

export type { PartialShape };
