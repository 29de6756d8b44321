/**
 * TF1's moving averages (tensorflow/python/training/moving_averages.py):
 * `tf.train.ExponentialMovingAverage` and `tf.train.assignMovingAverage`.
 *
 * Shadow variables are slots as TF's slot_creator makes them: `<primary op name>/<ema name>`,
 * a variable scope opened with that default name (so a second average of one variable is
 * `…_1`), not trainable, in GLOBAL_VARIABLES, beside (colocated with) a variable primary. They
 * are built outside any control-flow region or control dependencies (TF's init_scope), so
 * `ema.apply([batchMean, batchVar])` inside a `tf.cond` branch (the batch-norm pattern) works.
 */
import { type TF1Args, kwargs, tf1Function } from '../args.js';
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Graph, GraphKeys } from '../graph/graph.js';
import { type Operation, Tensor } from '../graph/tensor.js';
import { cond } from '../ops/control-flow/cond.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { group } from '../ops/core.js';
import { add, cast, divide, minimum, multiply, pow, subtract } from '../ops/math.js';
import { isVariableInitialized } from '../ops/variable-init.js';
import { Variable, assign, assignAdd, assignSub, globalVariables, trainableVariables } from '../ops/variables.js';
import { getVariable } from '../scope/get-variable.js';
import { zerosInitializer } from '../scope/initializers.js';
import { getVariableScope, variableScope } from '../scope/variable-scope.js';
import { isFullyDefined, pyShape } from '../shape.js';
import { colocated } from './optimizer.js';
import { initScope } from '../graph/init-scope.js';

const FLOAT_TYPES = new Set(['float16', 'bfloat16', 'float32', 'float64']);


/** `fn` on the device of `primary` when it is a variable (TF's colocate_with_primary). */
function besidePrimary<T>(primary: Variable | Tensor, colocate: boolean, fn: () => T): T {
  return colocate && primary instanceof Variable ? colocated(primary, fn) : fn();
}

/** TF's `Variable.initialized_value()`: the variable's value once initialized, else its initial value. */
function initializedValue(v: Variable): Tensor {
  return cond(isVariableInitialized(v), () => v.readValue(), () => v.initialValue) as Tensor;
}

/** slot_creator.create_slot: a slot `<primary>/<name>` initialized from `val`. */
function createSlot(primary: Variable, val: Tensor, name: string): Variable {
  return variableScope(null, { defaultName: `${primary.op.name}/${name}` }, () =>
    besidePrimary(primary, true, () => getVariable('', { initializer: val, trainable: false })));
}

/** slot_creator.create_zeros_slot: a zero-filled slot `<primary>/<name>` of the primary's shape and dtype. */
function createZerosSlot(primary: Tensor, name: string, colocate: boolean): Variable {
  const shape = primary.shape;
  if (!shape || !isFullyDefined(shape)) {
    throw new ValueError(`ExponentialMovingAverage.apply(): the shape of ${primary.name} must be fully defined to make its average, got ${pyShape(shape)}`);
  }
  return variableScope(null, { defaultName: `${primary.op.name}/${name}` }, () =>
    besidePrimary(primary, colocate, () =>
      getVariable('', { shape: shape as number[], dtype: primary.dtype, initializer: zerosInitializer(), trainable: false })));
}

/** moving_averages._maybe_get_unique: `name`, or `name_1`, … when the scope already holds such a variable. */
function uniqueInScope(name: string): string {
  const scope = getVariableScope();
  if (scope.reuse === true) return name;
  const taken = new Set(globalVariables().map((v) => v.op.name));
  const full = scope.name ? `${scope.name}/${name}` : name;
  if (!taken.has(full)) return name;
  let i = 1;
  while (taken.has(`${full}_${i}`)) i++;
  return `${name}_${i}`;
}

/** moving_averages._zero_debias: the debiased update of `unbiased` from `value`, `oneMinusDecay` = 1 - decay. */
function zeroDebias(unbiased: Variable, value: Tensor, oneMinusDecay: Tensor): Tensor {
  const g = unbiased.graph;
  const [biased, localStep] = variableScope(unbiased.op.name, { values: [unbiased, value, oneMinusDecay] }, () =>
    initScope(g, () =>
      colocated(unbiased, () => [
        getVariable(uniqueInScope('biased'), { initializer: zerosInitializer(), shape: unbiased.shape, dtype: unbiased.dtype, trainable: false }),
        getVariable(uniqueInScope('local_step'), { shape: [], dtype: unbiased.dtype, initializer: zerosInitializer(), trainable: false }),
      ])));
  return colocated(unbiased, () => {
    const updateBiased = assignSub(biased!, multiply(subtract(biased!, value, 'sub'), oneMinusDecay, 'mul'));
    const updateLocalStep = localStep!.assignAdd(1) as Tensor;
    const biasFactor = subtract(1, pow(subtract(1.0, oneMinusDecay, 'sub'), updateLocalStep), 'sub');
    return assign(unbiased, divide(updateBiased, biasFactor, 'truediv'), { name: `${g.currentScope}/` });
  });
}

function assignMovingAverageImpl(variable: Variable, value: TensorLike, decay: TensorLike, zeroDebiasFlag?: boolean | null, name?: string | null): Tensor {
  if (!(variable instanceof Variable)) throw new TypeError(`assign_moving_average(): variable must be a tf.Variable, got ${String(variable)}`);
  const g = variable.graph;
  return g.asDefault(() =>
    g.nameScope(name ?? 'AssignMovingAvg', (scope) => {
      let d = decay instanceof Tensor || decay instanceof Variable ? subtract(1.0, decay, 'sub') : toTensor(1.0 - Number(decay), 'float32', 'decay');
      if (d.dtype !== variable.dtype) d = cast(d, variable.dtype);
      const v = toTensor(value, variable.dtype);
      if (zeroDebiasFlag ?? true) return zeroDebias(variable, v, d);
      return colocated(variable, () => assignSub(variable, multiply(subtract(variable, v, 'sub'), d, 'mul'), { name: scope }));
    }));
}

/**
 * `tf.train.assignMovingAverage(variable, value, decay, zeroDebias = true, name?)`
 * (moving_averages.assign_moving_average): `variable -= (variable - value) · (1 - decay)`, named
 * `AssignMovingAvg`; with `zeroDebias` the average is kept in `<variable>/biased` with the
 * update count in `<variable>/local_step`, and `variable` is set to `biased / (1 - decay^count)`.
 */
export const assignMovingAverage = tf1Function('assignMovingAverage', ['variable', 'value', 'decay', 'zeroDebias', 'name'], assignMovingAverageImpl, 3);

const EMA_NAMES = ['decay', 'numUpdates', 'zeroDebias', 'name'] as const;
type EmaParams = [decay: TensorLike, numUpdates?: TensorLike | null, zeroDebias?: boolean | null, name?: string | null];

/**
 * `tf.train.ExponentialMovingAverage(decay, numUpdates?, zeroDebias = false, name =
 * 'ExponentialMovingAverage')`: `apply(varList)` makes a shadow of each variable (initialized
 * to its value) or tensor (initialized to zeros) and returns the op that moves every shadow
 * toward its current value, `shadow -= (shadow - value) · (1 - decay)`; with `numUpdates`,
 * decay is `min(decay, (1 + numUpdates) / (10 + numUpdates))`.
 */
export class ExponentialMovingAverage {
  private readonly decay: TensorLike;
  private readonly numUpdates: TensorLike | null;
  private readonly zeroDebias: boolean;
  private readonly _name: string;
  private readonly averages = new Map<Variable | Tensor, Variable>();

  constructor(...args: TF1Args<typeof EMA_NAMES, EmaParams>) {
    const o = kwargs(args, EMA_NAMES, 'ExponentialMovingAverage', 1);
    if (o.zeroDebias !== undefined && o.zeroDebias !== null && typeof o.zeroDebias !== 'boolean') {
      throw new TypeError(`ExponentialMovingAverage(): zero_debias must be a bool, got ${String(o.zeroDebias)}`);
    }
    if (o.name !== undefined && o.name !== null && typeof o.name !== 'string') throw new TypeError(`ExponentialMovingAverage(): name must be a string, got ${String(o.name)}`);
    this.decay = o.decay as TensorLike;
    this.numUpdates = (o.numUpdates ?? null) as TensorLike | null;
    this.zeroDebias = (o.zeroDebias as boolean | null | undefined) ?? false;
    this._name = (o.name as string | null | undefined) ?? 'ExponentialMovingAverage';
  }

  /** The name of this ExponentialMovingAverage object (the prefix of its ops and shadows). */
  get name(): string {
    return this._name;
  }

  /**
   * `apply(varList = tf.trainableVariables())`: shadows for the Variables and Tensors of
   * `varList` (Variables are also added to MOVING_AVERAGE_VARIABLES), and the group op, named
   * `<name>`, that updates them all.
   */
  apply(varList?: readonly (Variable | Tensor)[] | null | { varList?: readonly (Variable | Tensor)[] | null }): Operation {
    const o = kwargs([varList], ['varList'], 'apply');
    const list = (o.varList ?? trainableVariables()) as readonly (Variable | Tensor)[];
    if (!Array.isArray(list)) throw new TypeError(`apply(): var_list must be a list of Variables or Tensors, got ${String(list)}`);
    const g = list.length > 0 ? list[0]!.graph : getDefaultGraph();
    return g.asDefault((): Operation => {
      const zeroDebiased = new Set<Variable>();
      for (const v of list) {
        if (!(v instanceof Variable) && !(v instanceof Tensor)) throw new TypeError(`apply(): expected a Variable or Tensor, got ${String(v)}`);
        if (!FLOAT_TYPES.has(v.dtype)) throw new TypeError(`The variables must be half, float, or double: ${v.name}`);
        if (this.averages.has(v)) throw new ValueError(`Moving average already computed for: ${v.name}`);
        const avg = initScope(g, () => {
          if (v instanceof Variable) {
            const a = createSlot(v, initializedValue(v), this._name);
            g.addToCollection(GraphKeys.MOVING_AVERAGE_VARIABLES, v);
            return a;
          }
          const a = createZerosSlot(v, this._name, ['Variable', 'VariableV2', 'VarHandleOp'].includes(v.op.type));
          if (this.zeroDebias) zeroDebiased.add(a);
          return a;
        });
        this.averages.set(v, avg);
      }
      return g.nameScope(this._name, (scope: string): Operation => {
        let decay = toTensor(this.decay, typeof this.decay === 'number' ? 'float32' : undefined, 'decay');
        if (this.numUpdates !== null) {
          const n = cast(this.numUpdates, 'float32', 'num_updates');
          decay = minimum(decay, divide(add(1.0, n, 'add'), add(10.0, n, 'add'), 'truediv'));
        }
        const updates = list.map((v) => {
          const avg = this.averages.get(v)!;
          return assignMovingAverage(avg, v, decay, zeroDebiased.has(avg));
        });
        return group(...updates, { name: scope });
      });
    });
  }

  /** `average(var)`: the Variable holding the average of `var`, or null when it is not kept. */
  average(v: Variable | Tensor): Variable | null {
    return this.averages.get(v) ?? null;
  }

  /**
   * `averageName(var)`: the name of the variable that holds (or would hold) the average of
   * `var` — what a Saver restores `var` from, as in `new tf.train.Saver({[ema.averageName(v)]: v})`.
   */
  averageName(v: Variable | Tensor): string {
    const avg = this.averages.get(v);
    if (avg) return avg.op.name;
    return getDefaultGraph().nameScope(null, () => getDefaultGraph().uniqueName(`${v.op.name}/${this._name}`, false));
  }

  /**
   * `variablesToRestore(movingAvgVariables = trainable + MOVING_AVERAGE_VARIABLES)`: a map of
   * checkpoint names to variables — the average's name for each of `movingAvgVariables`, the
   * variable's own name for every other global variable — for `new tf.train.Saver(map)`.
   */
  variablesToRestore(movingAvgVariables?: readonly Variable[] | null | { movingAvgVariables?: readonly Variable[] | null }): Record<string, Variable> {
    const o = kwargs([movingAvgVariables], ['movingAvgVariables'], 'variablesToRestore');
    const g = getDefaultGraph();
    const list = (o.movingAvgVariables as readonly Variable[] | null | undefined) ??
      [...trainableVariables(), ...g.getCollection<Variable>(GraphKeys.MOVING_AVERAGE_VARIABLES)];
    const unique = [...new Set(list)];
    const nameMap: Record<string, Variable> = {};
    for (const v of unique) nameMap[this.averageName(v)] = v;
    const names = new Set(unique.map((v) => v.name));
    for (const v of new Set(globalVariables())) {
      if (!names.has(v.name) && !(v.op.name in nameMap)) nameMap[v.op.name] = v;
    }
    return nameMap;
  }
}
