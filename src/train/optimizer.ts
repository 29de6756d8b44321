/**
 * `tf.train.Optimizer`: computeGradients + applyGradients = minimize, with TF1's slot and
 * non-slot variables, op names (`Adam/update_W/ApplyAdam`) and global-step semantics.
 */
import { type DType, isFloat } from '../dtype.js';
import { NotImplementedError, ValueError } from '../errors.js';
import type { Graph } from '../graph/graph.js';
import { GraphKeys } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { group } from '../ops/core.js';
import { gradients } from '../ops/gradients.js';
import { IndexedSlices } from '../ops/indexed-slices.js';
import { cast } from '../ops/math.js';
import { Variable, assignAdd, trainableVariables } from '../ops/variables.js';
import { applyGradientsOptions, computeGradientsOptions, minimizeOptions, varListArg } from '../schemas.js';
import { parseArg, parseOptions } from '../validate.js';
import { type TF1Args, kwargs } from '../args.js';
import { SaveSliceInfo } from '../scope/partitioned-variable.js';

export type GradAndVar = [Tensor | IndexedSlices | null, Variable];

export interface ComputeGradientsOptions {
  /** Seed of the loss's gradient (default ones). */
  gradLoss?: TensorLike;
}
export interface ApplyGradientsOptions {
  /** Incremented by exactly 1 after all updates. */
  globalStep?: Variable | null;
  /** Name scope of the update ops (default the optimizer's name). */
  name?: string;
}
export interface MinimizeOptions extends ApplyGradientsOptions, ComputeGradientsOptions {
  varList?: Variable[];
}
/** TF1's gating and aggregation arguments; tsflow's gradients are computed as one graph, so any gating gives the same values. */
interface GateOptions {
  gateGradients?: number;
  aggregationMethod?: number | null;
  colocateGradientsWithOps?: boolean;
}

const COMPUTE_NAMES = ['loss', 'varList', 'gateGradients', 'aggregationMethod', 'colocateGradientsWithOps', 'gradLoss'] as const;
type ComputeParams = [loss: Tensor, varList?: Variable[] | null, gateGradients?: number, aggregationMethod?: number | null, colocateGradientsWithOps?: boolean, gradLoss?: TensorLike];
const APPLY_NAMES = ['gradsAndVars', 'globalStep', 'name'] as const;
type ApplyParams = [gradsAndVars: readonly (readonly [Tensor | IndexedSlices | TensorLike | null, Variable])[], globalStep?: Variable | null, name?: string];
const MINIMIZE_NAMES = ['loss', 'globalStep', 'varList', 'gateGradients', 'aggregationMethod', 'colocateGradientsWithOps', 'name', 'gradLoss'] as const;
type MinimizeParams = [loss: Tensor, globalStep?: Variable | null, varList?: Variable[] | null, gateGradients?: number, aggregationMethod?: number | null, colocateGradientsWithOps?: boolean, name?: string, gradLoss?: TensorLike];

function checkGating(o: GateOptions, where: string): void {
  const g = o.gateGradients;
  if (g !== undefined && g !== 0 && g !== 1 && g !== 2) {
    throw new ValueError(`gate_gradients must be one of: Optimizer.GATE_NONE, Optimizer.GATE_OP, Optimizer.GATE_GRAPH.  Not ${String(g)}`);
  }
  if (o.colocateGradientsWithOps !== undefined && typeof o.colocateGradientsWithOps !== 'boolean') {
    throw new TypeError(`${where}(): colocate_gradients_with_ops must be a boolean, got ${String(o.colocateGradientsWithOps)}`);
  }
}

const VALID_DTYPES = '[tf.float16, tf.bfloat16, tf.float32, tf.float64]';
/** Python's repr of a list of strings (double quotes where the text holds a single quote). */
export function pyList(items: string[]): string {
  return `[${items.map((s) => (s.includes("'") ? `"${s}"` : `'${s}'`)).join(', ')}]`;
}

export class Optimizer {
  static readonly GATE_NONE = 0;
  static readonly GATE_OP = 1;
  static readonly GATE_GRAPH = 2;
  readonly name: string;
  readonly useLocking: boolean;
  private readonly slots = new Map<string, Map<Variable, Variable>>();
  private readonly nonSlots = new Map<Graph, Map<string, Variable>>();

  constructor(useLocking: boolean, name: string) {
    if (!name) throw new ValueError('Must specify the optimizer name');
    this.useLocking = useLocking;
    this.name = name;
  }

  /** `[grad or null, var]` for each variable (default: the trainable variables). */
  computeGradients(...args: TF1Args<typeof COMPUTE_NAMES, ComputeParams>): GradAndVar[] {
    const { loss, varList, gateGradients, aggregationMethod, colocateGradientsWithOps, ...rest } =
      kwargs(args, COMPUTE_NAMES, 'computeGradients', 1) as unknown as { loss: Tensor; varList?: Variable[] | null } & GateOptions & ComputeGradientsOptions;
    if (!(loss instanceof Tensor)) throw new TypeError(`loss must be a Tensor, got ${String(loss)}`);
    parseArg(varListArg, varList, 'computeGradients', 'varList');
    checkGating({ gateGradients, aggregationMethod, colocateGradientsWithOps }, 'computeGradients');
    const opts = parseOptions(computeGradientsOptions, rest, 'computeGradients');
    assertValidDTypes([loss]);
    const vars = varList ?? trainableVariables(loss.graph);
    if (vars.length === 0) throw new ValueError('No variables to optimize.');
    const grads = gradients(loss, vars.map((v) => v.ref), opts.gradLoss === undefined ? null : [opts.gradLoss as TensorLike]);
    const pairs = grads.map((g, i) => [g, vars[i]!] as GradAndVar);
    assertValidDTypes(pairs.filter(([g]) => g !== null).map(([, v]) => v));
    return pairs;
  }

  /** Add the update ops; the returned op runs them all (and increments `globalStep` after). */
  applyGradients(...args: TF1Args<typeof APPLY_NAMES, ApplyParams>): Operation {
    const { gradsAndVars, ...rest } = kwargs(args, APPLY_NAMES, 'applyGradients', 1) as unknown as { gradsAndVars: ApplyParams[0] } & ApplyGradientsOptions;
    if (!Array.isArray(gradsAndVars)) throw new TypeError(`applyGradients(): grads_and_vars must be a list of (gradient, variable) pairs, got ${String(gradsAndVars)}`);
    const opts = parseOptions(applyGradientsOptions, rest, 'applyGradients');
    const list = [...gradsAndVars];
    if (list.length === 0) throw new ValueError('No variables provided.');
    const converted = list.map(([g, v]): GradAndVar => {
      if (!(v instanceof Variable)) throw new TypeError(`Cannot apply a gradient to ${String(v)}: expected a tf.Variable`);
      if (g === null || g === undefined) return [null, v];
      if (g instanceof IndexedSlices) return [g, v];
      try {
        return [toTensor(g as TensorLike, v.dtype), v];
      } catch {
        throw new TypeError(`Gradient must be convertible to a Tensor or IndexedSlices, or None: ${String(g)}`);
      }
    });
    const withGrad = converted.filter(([g]) => g !== null) as [Tensor | IndexedSlices, Variable][];
    if (withGrad.length === 0) {
      throw new ValueError(`No gradients provided for any variable: ${pyList(converted.map(([, v]) => String(v)))}.`);
    }
    for (const [g, v] of withGrad) {
      if (g.dtype !== v.dtype) throw new TypeError(`Gradient ${g.name} has dtype ${g.dtype}, but variable ${v.name} is ${v.dtype}`);
    }
    const g = withGrad[0]![1].graph;
    // Slots live outside any control-dependency context (TF's init_scope).
    g.controlDependencies(null, () => this.createSlots(withGrad.map(([, v]) => v)));
    let result!: Operation;
    g.nameScope(opts.name ?? this.name, (scope) => {
      this.prepare();
      const updates: Operation[] = [];
      for (const [grad, v] of withGrad) {
        g.nameScope(`update_${v.op.name}`, () =>
          updates.push(asOp(grad instanceof IndexedSlices ? this.applySparse(grad, v) : this.applyDense(grad, v))));
      }
      const step = opts.globalStep;
      if (!step) {
        result = this.finish(updates, scope);
      } else {
        const fin = this.finish(updates, 'update');
        result = g.controlDependencies([fin], () => colocated(step, () => assignAdd(step, 1, scope).op));
      }
    });
    const trainOps = g.getCollectionRef<Operation>(GraphKeys.TRAIN_OP);
    if (!trainOps.includes(result)) trainOps.push(result);
    return result;
  }

  /** computeGradients + applyGradients. */
  minimize(...args: TF1Args<typeof MINIMIZE_NAMES, MinimizeParams>): Operation {
    const { loss, gateGradients, aggregationMethod, colocateGradientsWithOps, ...rest } =
      kwargs(args, MINIMIZE_NAMES, 'minimize', 1) as unknown as { loss: Tensor } & GateOptions & MinimizeOptions;
    checkGating({ gateGradients, aggregationMethod, colocateGradientsWithOps }, 'minimize');
    const opts = parseOptions(minimizeOptions, rest, 'minimize');
    const pairs = this.computeGradients(loss, { varList: opts.varList ?? null, gateGradients, aggregationMethod, colocateGradientsWithOps, gradLoss: opts.gradLoss as TensorLike | undefined });
    if (!pairs.some(([g]) => g !== null)) {
      throw new ValueError(
        `No gradients provided for any variable, check your graph for ops that do not support gradients, between variables ${pyList(pairs.map(([, v]) => String(v)))} and loss ${String(loss)}.`,
      );
    }
    return this.applyGradients(pairs, { globalStep: opts.globalStep, name: opts.name });
  }

  getSlot(v: Variable, name: string): Variable | null {
    return this.slots.get(name)?.get(v) ?? null;
  }
  getSlotNames(): string[] {
    return [...this.slots.keys()].sort();
  }
  /** The slot and non-slot variables this optimizer created. */
  variables(): Variable[] {
    const out: Variable[] = [];
    for (const m of this.nonSlots.values()) out.push(...m.values());
    for (const m of this.slots.values()) out.push(...m.values());
    return out;
  }

  // ----- for subclasses ---------------------------------------------------------------------
  // As TF's tf.train.Optimizer, a subclass may leave these out: one that overrides
  // applyGradients (BERT's AdamWeightDecayOptimizer) needs none of them.
  /** Create the slots of `vars` (default: none, as TF's `_create_slots`). */
  protected createSlots(_vars: Variable[]): void {}
  /** Create the hyper-parameter tensors, inside the optimizer's name scope (default: none, as TF's `_prepare`). */
  protected prepare(): void {}
  /** The update for a dense gradient; TF's `_apply_dense` raises NotImplementedError unless a subclass defines it. */
  protected applyDense(_grad: Tensor, _v: Variable): Tensor | Operation {
    throw new NotImplementedError(`${this.constructor.name} does not implement _apply_dense`);
  }
  /**
   * The update for a sparse gradient. By default the rows are summed into a dense gradient and
   * applied densely (what TF1's Adam does: its moments decay on every row).
   */
  protected applySparse(grad: IndexedSlices, v: Variable): Tensor | Operation {
    return this.applyDense(grad.toTensor(), v);
  }
  protected finish(updates: Operation[], name: string): Operation {
    return group(...updates, { name });
  }

  /** The slot `slotName` of `v`, created as `<var>/<opName>` (uniquified; opName: the optimizer's name) filled by `init`. */
  protected slotWithInitializer(v: Variable, init: (shape: number[], dtype: DType) => Tensor, slotName: string, opName = this.name): Variable {
    let m = this.slots.get(slotName);
    if (!m) this.slots.set(slotName, (m = new Map()));
    const existing = m.get(v);
    if (existing) return existing;
    // Slot names ignore the current name scope, as variable scopes do; slots live beside their variable.
    const slot = v.graph.nameScope(null, () =>
      colocated(v, () => new Variable(() => init(v.shape, v.dtype), { name: `${v.op.name}/${opName}`, trainable: false, dtype: v.dtype })),
    );
    // The slot of a partition is the same slice of the slot of the full variable (`emb/Adam`), as TF's slot_creator.
    const info = v.saveSliceInfo;
    if (info) slot.saveSliceInfo = new SaveSliceInfo(`${info.fullName}/${slot.op.name.slice(v.op.name.length + 1)}`, info.fullShape, info.varOffset, info.varShape);
    m.set(v, slot);
    return slot;
  }

  /** A scalar variable shared by all the variables this optimizer updates in one graph. */
  protected nonSlot(g: Graph, name: string, initial: number, colocateWith: Variable): Variable {
    let m = this.nonSlots.get(g);
    if (!m) this.nonSlots.set(g, (m = new Map()));
    let v = m.get(name);
    if (!v) {
      v = g.controlDependencies(null, () => colocated(colocateWith, () => new Variable(initial, { name, trainable: false, dtype: 'float32' })));
      m.set(name, v);
    }
    return v;
  }

  /** A hyper-parameter as a tensor (`learning_rate` etc.), made in `prepare`. */
  protected hyper(value: TensorLike, name: string): Tensor {
    return toTensor(value, typeof value === 'number' ? 'float32' : undefined, name);
  }
}

/** TF casts every hyper-parameter to the variable's dtype. */
export function castTo(t: Tensor, v: Variable): Tensor {
  return cast(t, v.dtype);
}

/** Run `fn` on the device of `v` (TF's colocate_with), when it has one. */
export function colocated<T>(v: Variable, fn: () => T): T {
  const dev = v.op.device;
  return dev ? v.graph.device(dev, fn) : fn();
}

function asOp(x: Tensor | Operation): Operation {
  return x instanceof Operation ? x : x.op;
}

function assertValidDTypes(ts: (Tensor | Variable)[]): void {
  for (const t of ts) {
    if (!isFloat(t.dtype)) throw new ValueError(`Invalid type tf.${t.dtype} for ${t.name}, expected: ${VALID_DTYPES}.`);
  }
}
