/**
 * `tf.contrib.opt`: LazyAdamOptimizer (contrib/opt/python/training/lazy_adam_optimizer.py) and
 * the decoupled weight decay optimizers AdamWOptimizer / MomentumWOptimizer
 * (weight_decay_optimizers.py, Loshchilov & Hutter) and extendWithDecoupledWeightDecay.
 */
import { type TF1Args, isOptionsObject, kwargs } from '../args.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { gather, size } from '../ops/array.js';
import type { TensorLike } from '../ops/convert.js';
import { group, noOp } from '../ops/core.js';
import { IndexedSlices, unsortedSegmentSum } from '../ops/indexed-slices.js';
import { add, divide, multiply, negative, sqrt, square, subtract } from '../ops/math.js';
import { unique } from '../ops/set-ops.js';
import { scatterAdd, scatterSub, scatterUpdate } from '../ops/state-scatter.js';
import { type Variable, assignSub } from '../ops/variables.js';
import { parseArg, scalarSchema } from '../validate.js';
import { type Optimizer, castTo } from '../train/optimizer.js';
import { AdamOptimizer, MomentumOptimizer } from '../train/optimizers.js';

/** TF1's `_deduplicate_indexed_slices`: unique indices, the values of repeated ones summed. */
function deduplicated(grad: IndexedSlices): { values: Tensor; indices: Tensor } {
  const [indices, positions] = unique(grad.indices);
  return { values: unsortedSegmentSum(grad.values, positions, size(indices)), indices };
}

/**
 * Adam whose sparse updates touch only the rows in the gradient: `m`, `v` and the variable
 * change at those indices (with the same bias-corrected step as Adam's), the other rows keep
 * their moments. Dense gradients update as AdamOptimizer. Same constructor and name ('Adam').
 */
export class LazyAdamOptimizer extends AdamOptimizer {
  protected override applySparse(grad: IndexedSlices, v: Variable): Operation {
    const { values, indices } = deduplicated(grad);
    const [b1p, b2p] = this.betaAccumulators().map((p) => castTo(p.value(), v));
    const [lr, beta1, beta2, eps] = [this.lrT, this.beta1T, this.beta2T, this.epsilonT].map((t) => castTo(t, v)) as [Tensor, Tensor, Tensor, Tensor];
    const alpha = divide(multiply(lr, sqrt(subtract(1, b2p!))), subtract(1, b1p!));
    const m = this.getSlot(v, 'm')!;
    const mT = scatterUpdate(m, indices, add(multiply(beta1, gather(m, indices)), multiply(subtract(1, beta1), values)));
    const vs = this.getSlot(v, 'v')!;
    const vT = scatterUpdate(vs, indices, add(multiply(beta2, gather(vs, indices)), multiply(subtract(1, beta2), square(values))));
    const step = divide(multiply(alpha, gather(mT, indices)), add(sqrt(gather(vT, indices)), eps));
    return group(scatterSub(v, indices, step), mT, vT);
  }
}

type Decayed = {
  weightDecay: TensorLike;
  decayVarList: Set<Variable> | false;
  weightDecayT?: Tensor;
};

/** `decay_var_list` taken out of minimize/applyGradients' arguments (position `at`, or by name). */
function takeDecayVarList(args: unknown[], at: number, d: Decayed): unknown[] {
  const out = [...args];
  let list: unknown;
  const last = out[out.length - 1];
  if (isOptionsObject(last) && 'decayVarList' in last) {
    const { decayVarList, ...rest } = last as Record<string, unknown>;
    list = decayVarList;
    out[out.length - 1] = rest;
  } else if (out.length > at && !isOptionsObject(out[at])) {
    list = out[at];
    out.splice(at, 1);
  }
  d.decayVarList = Array.isArray(list) && list.length > 0 ? new Set(list as Variable[]) : false;
  return out;
}

const decays = (d: Decayed, v: Variable): boolean => !d.decayVarList || d.decayVarList.has(v);

/** `var -= weight_decay * var` before the update (dense), or on the gradient's rows (sparse). */
function decayOp(d: Decayed, v: Variable): Operation {
  if (!decays(d, v)) return noOp();
  return assignSub(v, multiply(castTo(d.weightDecayT!, v), v), { useLocking: false }).op;
}
function decaySparseOp(d: Decayed, v: Variable, indices: Tensor): Operation {
  if (!decays(d, v)) return noOp();
  return scatterAdd(v, indices, multiply(negative(castTo(d.weightDecayT!, v)), gather(v, indices))).op;
}

const ADAMW_NAMES = ['weightDecay', 'learningRate', 'beta1', 'beta2', 'epsilon', 'useLocking', 'name'] as const;
type AdamWParams = [weightDecay: TensorLike, learningRate?: TensorLike, beta1?: TensorLike, beta2?: TensorLike, epsilon?: TensorLike, useLocking?: boolean, name?: string];

/**
 * `new AdamWOptimizer(weightDecay, learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8,
 * useLocking = false, name = 'AdamW')`: each step first `var -= weightDecay * var` (not scaled by
 * the learning rate, as TF's), then Adam's update. minimize/applyGradients take `decayVarList`
 * (default: decay every variable updated).
 */
export class AdamWOptimizer extends AdamOptimizer {
  private readonly d: Decayed;
  constructor(...args: TF1Args<typeof ADAMW_NAMES, AdamWParams>) {
    const { weightDecay, name, ...rest } = kwargs(args, ADAMW_NAMES, 'AdamWOptimizer', 1);
    super({ ...rest, name: (name as string | undefined) ?? 'AdamW' });
    parseArg(scalarSchema, weightDecay, 'AdamWOptimizer', 'weightDecay');
    this.d = { weightDecay: weightDecay as TensorLike, decayVarList: false };
  }
  /** `minimize(loss, globalStep, varList, gateGradients, aggregationMethod, colocateGradientsWithOps, name, gradLoss, decayVarList)`. */
  override minimize(...args: Parameters<AdamOptimizer['minimize']>): Operation {
    return super.minimize(...(takeDecayVarList(args, 8, this.d) as Parameters<AdamOptimizer['minimize']>));
  }
  /** `applyGradients(gradsAndVars, globalStep, name, decayVarList)`. */
  override applyGradients(...args: Parameters<AdamOptimizer['applyGradients']>): Operation {
    return super.applyGradients(...(takeDecayVarList(args, 3, this.d) as Parameters<AdamOptimizer['applyGradients']>));
  }
  protected override prepare(): void {
    this.d.weightDecayT = this.hyper(this.d.weightDecay, 'weight_decay');
    super.prepare();
  }
  protected override applyDense(grad: Tensor, v: Variable): Tensor {
    return v.graph.controlDependencies([decayOp(this.d, v)], () => super.applyDense(grad, v));
  }
  protected override applySparse(grad: IndexedSlices, v: Variable): Tensor | Operation {
    const { values, indices } = deduplicated(grad);
    const g = new IndexedSlices(values, indices, grad.denseShape);
    // Adam's sparse update is its dense one on the summed rows (Adam's own, not this class's, which would decay again)
    return v.graph.controlDependencies([decaySparseOp(this.d, v, indices)], () => super.applyDense(g.toTensor(), v));
  }
}

const MOMENTUMW_NAMES = ['weightDecay', 'learningRate', 'momentum', 'useLocking', 'name', 'useNesterov'] as const;
type MomentumWParams = [weightDecay: TensorLike, learningRate: TensorLike, momentum: TensorLike, useLocking?: boolean, name?: string, useNesterov?: boolean];

/**
 * `new MomentumWOptimizer(weightDecay, learningRate, momentum, useLocking = false, name = 'MomentumW',
 * useNesterov = false)`: `var -= weightDecay * var`, then Momentum's update.
 */
export class MomentumWOptimizer extends MomentumOptimizer {
  private readonly d: Decayed;
  constructor(...args: TF1Args<typeof MOMENTUMW_NAMES, MomentumWParams>) {
    const { weightDecay, learningRate, momentum, name, ...rest } = kwargs(args, MOMENTUMW_NAMES, 'MomentumWOptimizer', 3);
    super(learningRate as TensorLike, momentum as TensorLike, { ...rest, name: (name as string | undefined) ?? 'MomentumW' });
    parseArg(scalarSchema, weightDecay, 'MomentumWOptimizer', 'weightDecay');
    this.d = { weightDecay: weightDecay as TensorLike, decayVarList: false };
  }
  override minimize(...args: Parameters<MomentumOptimizer['minimize']>): Operation {
    return super.minimize(...(takeDecayVarList(args, 8, this.d) as Parameters<MomentumOptimizer['minimize']>));
  }
  override applyGradients(...args: Parameters<MomentumOptimizer['applyGradients']>): Operation {
    return super.applyGradients(...(takeDecayVarList(args, 3, this.d) as Parameters<MomentumOptimizer['applyGradients']>));
  }
  protected override prepare(): void {
    this.d.weightDecayT = this.hyper(this.d.weightDecay, 'weight_decay');
    super.prepare();
  }
  protected override applyDense(grad: Tensor, v: Variable): Tensor {
    return v.graph.controlDependencies([decayOp(this.d, v)], () => super.applyDense(grad, v));
  }
  protected override applySparse(grad: IndexedSlices, v: Variable): Tensor {
    const { values, indices } = deduplicated(grad);
    const g = new IndexedSlices(values, indices, grad.denseShape);
    return v.graph.controlDependencies([decaySparseOp(this.d, v, indices)], () => super.applySparse(g, v));
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type OptimizerClass = abstract new (...args: any[]) => Optimizer;

/**
 * `tf.contrib.opt.extend_with_decoupled_weight_decay(base_optimizer)`: a subclass of `Base` whose
 * constructor takes `weightDecay` first, then Base's arguments, and which decays
 * `var -= weightDecay * var` (the gradient's rows, for a sparse one) before Base's update;
 * minimize/applyGradients take `decayVarList` as AdamWOptimizer's.
 * `const SGDW = extendWithDecoupledWeightDecay(tf.train.GradientDescentOptimizer); new SGDW(0.01, 0.1)`.
 */
export function extendWithDecoupledWeightDecay<B extends OptimizerClass>(Base: B) {
  // Base's own methods (TypeScript reaches an abstract method of Optimizer only through the prototype)
  const base = Base.prototype as unknown as Record<'prepare' | 'applyDense', (...a: unknown[]) => Tensor | Operation | void>;
  abstract class WithDecay extends Base {
    private readonly d: Decayed;
    /** Set while Base's sparse update runs, so a Base that applies it densely does not decay twice. */
    private sparseDecayed = false;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      const [weightDecay, ...rest] = args;
      super(...rest);
      parseArg(scalarSchema, weightDecay, `${Base.name}WithDecoupledWeightDecay`, 'weightDecay');
      this.d = { weightDecay: weightDecay as TensorLike, decayVarList: false };
    }
    override minimize(...args: Parameters<Optimizer['minimize']>): Operation {
      return super.minimize(...(takeDecayVarList(args, 8, this.d) as Parameters<Optimizer['minimize']>));
    }
    override applyGradients(...args: Parameters<Optimizer['applyGradients']>): Operation {
      return super.applyGradients(...(takeDecayVarList(args, 3, this.d) as Parameters<Optimizer['applyGradients']>));
    }
    protected override prepare(): void {
      this.d.weightDecayT = this.hyper(this.d.weightDecay, 'weight_decay');
      base.prepare.call(this);
    }
    protected override applyDense(grad: Tensor, v: Variable): Tensor | Operation {
      const dense = (): Tensor | Operation => base.applyDense.call(this, grad, v) as Tensor | Operation;
      if (this.sparseDecayed) return dense();
      return v.graph.controlDependencies([decayOp(this.d, v)], dense);
    }
    protected override applySparse(grad: IndexedSlices, v: Variable): Tensor | Operation {
      const { values, indices } = deduplicated(grad);
      const g = new IndexedSlices(values, indices, grad.denseShape);
      return v.graph.controlDependencies([decaySparseOp(this.d, v, indices)], () => {
        this.sparseDecayed = true;
        try {
          return super.applySparse(g, v);
        } finally {
          this.sparseDecayed = false;
        }
      });
    }
  }
  Object.defineProperty(WithDecay, 'name', { value: `${Base.name}WithDecoupledWeightDecay` });
  return WithDecay as unknown as new (weightDecay: TensorLike, ...args: ConstructorParameters<B>) => InstanceType<B>;
}

export {
  NadamOptimizer, AddSignOptimizer, PowerSignOptimizer, getLinearDecayFn, getCosineDecayFn, getRestartDecayFn,
} from './sign-optimizers.js';
export { ExternalOptimizerInterface, ScipyOptimizerInterface } from './external-optimizer.js';
export type { Bound, InitKeywords, MinimizeArgs, MinimizeKeywords, VarToBounds } from './external-optimizer.js';
