/** TF1's optimizers: exact update rules (see apply-ops.ts), defaults, slot names and initializers. */
import type { DType } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { fill, ones, zeros } from '../ops/array.js';
import type { TensorLike } from '../ops/convert.js';
import { group } from '../ops/core.js';
import { makeOp } from '../ops/registry.js';
import { multiply } from '../ops/math.js';
import { type Variable, assign } from '../ops/variables.js';
import { applyOp } from './apply-ops.js';
import { sparseApplyOp } from './sparse-apply-ops.js';
import type { IndexedSlices } from '../ops/indexed-slices.js';
import { Optimizer, castTo, colocated } from './optimizer.js';
import { adagradOptions, adamOptions, ftrlOptions, gradientDescentOptions, hyperArg, momentumOptions, rmspropOptions } from '../schemas.js';
import { parseArg, parseOptions } from '../validate.js';
import { type TF1Args, kwargs } from '../args.js';

const zerosInit = (shape: number[], dtype: DType): Tensor => zeros(shape, dtype, 'zeros');
const onesInit = (shape: number[], dtype: DType): Tensor => ones(shape, dtype, 'ones');

const GD_NAMES = ['learningRate', 'useLocking', 'name'] as const;
type GDParams = [learningRate: TensorLike, useLocking?: boolean, name?: string];
/** `var -= lr * grad`. `new GradientDescentOptimizer(learningRate, useLocking = false, name = 'GradientDescent')`. */
export class GradientDescentOptimizer extends Optimizer {
  private lrT!: Tensor;
  private readonly learningRate: TensorLike;
  constructor(...args: TF1Args<typeof GD_NAMES, GDParams>) {
    const { learningRate, ...opts } = kwargs(args, GD_NAMES, 'GradientDescentOptimizer', 1);
    const o = parseOptions(gradientDescentOptions, opts, 'GradientDescentOptimizer');
    super(o.useLocking ?? false, o.name ?? 'GradientDescent');
    parseArg(hyperArg, learningRate, 'GradientDescentOptimizer', 'learningRate');
    this.learningRate = learningRate as TensorLike;
  }
  protected override createSlots(): void {}
  protected override prepare(): void {
    this.lrT = this.hyper(this.learningRate, 'learning_rate');
  }
  protected override applyDense(grad: Tensor, v: Variable): Tensor {
    return applyOp('ApplyGradientDescent', [v.ref], [castTo(this.lrT, v), grad]);
  }
  /** TF1: `var.scatter_sub(IndexedSlices(grad.values * lr, grad.indices))`. */
  protected override applySparse(grad: IndexedSlices, v: Variable): Tensor {
    return makeOp(v.graph, 'ScatterSub', [v.ref, grad.indices, multiply(grad.values, castTo(this.lrT, v))], {}, undefined, 'ScatterSub').outputs[0]!;
  }
}

export interface MomentumOptions {
  useLocking?: boolean;
  name?: string;
  useNesterov?: boolean;
}
/** `accum = accum*momentum + g; var -= lr*accum` (Nesterov: `var -= lr*g + lr*momentum*accum`). */
const MOMENTUM_NAMES = ['learningRate', 'momentum', 'useLocking', 'name', 'useNesterov'] as const;
type MomentumParams = [learningRate: TensorLike, momentum: TensorLike, useLocking?: boolean, name?: string, useNesterov?: boolean];
export class MomentumOptimizer extends Optimizer {
  private lrT!: Tensor;
  private momentumT!: Tensor;
  private readonly learningRate: TensorLike;
  private readonly momentum: TensorLike;
  readonly useNesterov: boolean;
  /** `new MomentumOptimizer(learningRate, momentum, useLocking = false, name = 'Momentum', useNesterov = false)`. */
  constructor(...args: TF1Args<typeof MOMENTUM_NAMES, MomentumParams>) {
    const { learningRate, momentum, ...opts } = kwargs(args, MOMENTUM_NAMES, 'MomentumOptimizer', 2);
    const o = parseOptions(momentumOptions, opts, 'MomentumOptimizer');
    super(o.useLocking ?? false, o.name ?? 'Momentum');
    parseArg(hyperArg, learningRate, 'MomentumOptimizer', 'learningRate');
    parseArg(hyperArg, momentum, 'MomentumOptimizer', 'momentum');
    this.learningRate = learningRate as TensorLike;
    this.momentum = momentum as TensorLike;
    this.useNesterov = o.useNesterov ?? false;
  }
  protected override createSlots(vars: Variable[]): void {
    for (const v of vars) this.slotWithInitializer(v, zerosInit, 'momentum');
  }
  protected override prepare(): void {
    this.lrT = this.hyper(this.learningRate, 'learning_rate');
    this.momentumT = this.hyper(this.momentum, 'momentum');
  }
  protected override applyDense(grad: Tensor, v: Variable): Tensor {
    const accum = this.getSlot(v, 'momentum')!;
    return applyOp('ApplyMomentum', [v.ref, accum.ref], [castTo(this.lrT, v), grad, castTo(this.momentumT, v)], { useNesterov: this.useNesterov });
  }
  /** Only the rows in the gradient move, and only their accumulators decay. */
  protected override applySparse(grad: IndexedSlices, v: Variable): Tensor {
    const accum = this.getSlot(v, 'momentum')!;
    return sparseApplyOp('SparseApplyMomentum', [v.ref, accum.ref], [castTo(this.lrT, v), grad.values, castTo(this.momentumT, v)], grad.indices, { useNesterov: this.useNesterov });
  }
}

/** `accum += g²; var -= lr*g/sqrt(accum)` (no epsilon); accumulators start at 0.1. */
const ADAGRAD_NAMES = ['learningRate', 'initialAccumulatorValue', 'useLocking', 'name'] as const;
type AdagradParams = [learningRate: TensorLike, initialAccumulatorValue?: number, useLocking?: boolean, name?: string];
export class AdagradOptimizer extends Optimizer {
  private lrT!: Tensor;
  private readonly learningRate: TensorLike;
  readonly initialAccumulatorValue: number;
  /** `new AdagradOptimizer(learningRate, initialAccumulatorValue = 0.1, useLocking = false, name = 'Adagrad')`. */
  constructor(...args: TF1Args<typeof ADAGRAD_NAMES, AdagradParams>) {
    const { learningRate, ...opts } = kwargs(args, ADAGRAD_NAMES, 'AdagradOptimizer', 1);
    const o = parseOptions(adagradOptions, opts, 'AdagradOptimizer');
    super(o.useLocking ?? false, o.name ?? 'Adagrad');
    parseArg(hyperArg, learningRate, 'AdagradOptimizer', 'learningRate');
    this.learningRate = learningRate as TensorLike;
    this.initialAccumulatorValue = o.initialAccumulatorValue ?? 0.1;
    if (!(this.initialAccumulatorValue > 0)) {
      throw new ValueError(`initial_accumulator_value must be positive: ${this.initialAccumulatorValue}`);
    }
  }
  protected override createSlots(vars: Variable[]): void {
    const value = this.initialAccumulatorValue;
    for (const v of vars) this.slotWithInitializer(v, (shape, dtype) => fill(shape, value, { dtype, name: 'Const' }), 'accumulator');
  }
  protected override prepare(): void {
    this.lrT = this.hyper(this.learningRate, 'learning_rate');
  }
  protected override applyDense(grad: Tensor, v: Variable): Tensor {
    return applyOp('ApplyAdagrad', [v.ref, this.getSlot(v, 'accumulator')!.ref], [castTo(this.lrT, v), grad]);
  }
  protected override applySparse(grad: IndexedSlices, v: Variable): Tensor {
    return sparseApplyOp('SparseApplyAdagrad', [v.ref, this.getSlot(v, 'accumulator')!.ref], [castTo(this.lrT, v), grad.values], grad.indices);
  }
}

export interface AdamOptions {
  beta1?: TensorLike;
  beta2?: TensorLike;
  epsilon?: TensorLike;
  useLocking?: boolean;
  name?: string;
}
const ADAM_NAMES = ['learningRate', 'beta1', 'beta2', 'epsilon', 'useLocking', 'name'] as const;
type AdamParams = [learningRate?: TensorLike, beta1?: TensorLike, beta2?: TensorLike, epsilon?: TensorLike, useLocking?: boolean, name?: string];
/**
 * Adam with TF1's "epsilon hat": `alpha = lr*sqrt(1-beta2^t)/(1-beta1^t)`,
 * `var -= alpha*m/(sqrt(v)+epsilon)`; `beta1_power`/`beta2_power` advance after all updates.
 */
export class AdamOptimizer extends Optimizer {
  private readonly beta1: TensorLike;
  private readonly beta2: TensorLike;
  private readonly epsilon: TensorLike;
  protected lrT!: Tensor;
  protected beta1T!: Tensor;
  protected beta2T!: Tensor;
  protected epsilonT!: Tensor;
  private firstVar: Variable | null = null;
  private readonly learningRate: TensorLike;

  /** `new AdamOptimizer(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, useLocking = false, name = 'Adam')`. */
  constructor(...args: TF1Args<typeof ADAM_NAMES, AdamParams>) {
    const { learningRate = 0.001, ...opts } = kwargs(args, ADAM_NAMES, 'AdamOptimizer');
    const o = parseOptions(adamOptions, opts, 'AdamOptimizer') as AdamOptions;
    super(o.useLocking ?? false, o.name ?? 'Adam');
    parseArg(hyperArg, learningRate, 'AdamOptimizer', 'learningRate');
    this.learningRate = learningRate as TensorLike;
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.epsilon = o.epsilon ?? 1e-8;
  }
  private initial(x: TensorLike, what: string): number {
    if (typeof x !== 'number') throw new TypeError(`AdamOptimizer: ${what} must be a number to initialize ${what}_power`);
    return x;
  }
  /** `[beta1_power, beta2_power]` of the graph last updated. */
  betaAccumulators(): [Variable, Variable] {
    const g = this.firstVar!.graph;
    const first = this.firstVar!;
    return [
      this.nonSlot(g, 'beta1_power', this.initial(this.beta1, 'beta1'), first),
      this.nonSlot(g, 'beta2_power', this.initial(this.beta2, 'beta2'), first),
    ];
  }
  protected override createSlots(vars: Variable[]): void {
    // The accumulators are created first, beside the alphabetically first variable.
    this.firstVar = [...vars].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0]!;
    this.betaAccumulators();
    for (const v of vars) {
      this.slotWithInitializer(v, zerosInit, 'm');
      this.slotWithInitializer(v, zerosInit, 'v');
    }
  }
  protected override prepare(): void {
    this.lrT = this.hyper(this.learningRate, 'learning_rate');
    this.beta1T = this.hyper(this.beta1, 'beta1');
    this.beta2T = this.hyper(this.beta2, 'beta2');
    this.epsilonT = this.hyper(this.epsilon, 'epsilon');
  }
  protected override applyDense(grad: Tensor, v: Variable): Tensor {
    const [b1p, b2p] = this.betaAccumulators();
    return applyOp(
      'ApplyAdam',
      [v.ref, this.getSlot(v, 'm')!.ref, this.getSlot(v, 'v')!.ref],
      [castTo(b1p.value(), v), castTo(b2p.value(), v), castTo(this.lrT, v), castTo(this.beta1T, v), castTo(this.beta2T, v), castTo(this.epsilonT, v), grad],
    );
  }
  protected override finish(updates: Operation[], name: string): Operation {
    const [b1p, b2p] = this.betaAccumulators();
    const g = b1p.graph;
    const [u1, u2] = g.controlDependencies(updates, () =>
      colocated(b1p, () => [assign(b1p, multiply(b1p, this.beta1T)), assign(b2p, multiply(b2p, this.beta2T))]),
    );
    return group(...updates, u1!, u2!, { name });
  }
}

export interface RMSPropOptions {
  decay?: TensorLike;
  momentum?: TensorLike;
  epsilon?: TensorLike;
  useLocking?: boolean;
  centered?: boolean;
  name?: string;
}
const RMSPROP_NAMES = ['learningRate', 'decay', 'momentum', 'epsilon', 'useLocking', 'centered', 'name'] as const;
type RMSPropParams = [learningRate: TensorLike, decay?: TensorLike, momentum?: TensorLike, epsilon?: TensorLike, useLocking?: boolean, centered?: boolean, name?: string];
/**
 * `ms += (g²-ms)(1-decay); mom = mom*momentum + lr*g/sqrt(ms+epsilon); var -= mom`; the `rms`
 * slot starts at ones. Centered also tracks `mg` and divides by `sqrt(ms - mg² + epsilon)`.
 */
export class RMSPropOptimizer extends Optimizer {
  private readonly decay: TensorLike;
  private readonly momentum: TensorLike;
  private readonly epsilon: TensorLike;
  readonly centered: boolean;
  private lrT!: Tensor;
  private decayT!: Tensor;
  private momentumT!: Tensor;
  private epsilonT!: Tensor;
  private readonly learningRate: TensorLike;
  /** `new RMSPropOptimizer(learningRate, decay = 0.9, momentum = 0, epsilon = 1e-10, useLocking = false, centered = false, name = 'RMSProp')`. */
  constructor(...args: TF1Args<typeof RMSPROP_NAMES, RMSPropParams>) {
    const { learningRate, ...opts } = kwargs(args, RMSPROP_NAMES, 'RMSPropOptimizer', 1);
    const o = parseOptions(rmspropOptions, opts, 'RMSPropOptimizer') as RMSPropOptions;
    super(o.useLocking ?? false, o.name ?? 'RMSProp');
    parseArg(hyperArg, learningRate, 'RMSPropOptimizer', 'learningRate');
    this.learningRate = learningRate as TensorLike;
    this.decay = o.decay ?? 0.9;
    this.momentum = o.momentum ?? 0.0;
    this.epsilon = o.epsilon ?? 1e-10;
    this.centered = o.centered ?? false;
  }
  protected override createSlots(vars: Variable[]): void {
    for (const v of vars) {
      this.slotWithInitializer(v, onesInit, 'rms');
      if (this.centered) this.slotWithInitializer(v, zerosInit, 'mg');
      this.slotWithInitializer(v, zerosInit, 'momentum');
    }
  }
  protected override prepare(): void {
    this.lrT = this.hyper(this.learningRate, 'learning_rate');
    this.decayT = this.hyper(this.decay, 'decay');
    this.momentumT = this.hyper(this.momentum, 'momentum');
    this.epsilonT = this.hyper(this.epsilon, 'epsilon');
  }
  protected override applyDense(grad: Tensor, v: Variable): Tensor {
    const rms = this.getSlot(v, 'rms')!;
    const mom = this.getSlot(v, 'momentum')!;
    const args = [castTo(this.lrT, v), castTo(this.decayT, v), castTo(this.momentumT, v), castTo(this.epsilonT, v), grad];
    if (this.centered) return applyOp('ApplyCenteredRMSProp', [v.ref, this.getSlot(v, 'mg')!.ref, rms.ref, mom.ref], args);
    return applyOp('ApplyRMSProp', [v.ref, rms.ref, mom.ref], args);
  }
  /** Only the rows in the gradient update their `rms`, `mg`, `momentum` and value. */
  protected override applySparse(grad: IndexedSlices, v: Variable): Tensor {
    const rms = this.getSlot(v, 'rms')!;
    const mom = this.getSlot(v, 'momentum')!;
    const args = [castTo(this.lrT, v), castTo(this.decayT, v), castTo(this.momentumT, v), castTo(this.epsilonT, v), grad.values];
    if (this.centered) return sparseApplyOp('SparseApplyCenteredRMSProp', [v.ref, this.getSlot(v, 'mg')!.ref, rms.ref, mom.ref], args, grad.indices);
    return sparseApplyOp('SparseApplyRMSProp', [v.ref, rms.ref, mom.ref], args, grad.indices);
  }
}

const FTRL_NAMES = [
  'learningRate', 'learningRatePower', 'initialAccumulatorValue', 'l1RegularizationStrength', 'l2RegularizationStrength',
  'useLocking', 'name', 'accumName', 'linearName', 'l2ShrinkageRegularizationStrength',
] as const;
type FtrlParams = [
  learningRate: TensorLike, learningRatePower?: number, initialAccumulatorValue?: number, l1RegularizationStrength?: number,
  l2RegularizationStrength?: number, useLocking?: boolean, name?: string, accumName?: string | null, linearName?: string | null,
  l2ShrinkageRegularizationStrength?: number,
];
/**
 * FTRL-Proximal (McMahan et al., 2013) as TF1's FtrlOptimizer: slots `accum` (initialAccumulatorValue)
 * and `linear` (zeros), ApplyFtrl (ApplyFtrlV2 with l2 shrinkage) and their sparse forms.
 * `new FtrlOptimizer(learningRate, learningRatePower = -0.5, initialAccumulatorValue = 0.1,
 * l1RegularizationStrength = 0, l2RegularizationStrength = 0, useLocking = false, name = 'Ftrl',
 * accumName = null, linearName = null, l2ShrinkageRegularizationStrength = 0)`.
 */
export class FtrlOptimizer extends Optimizer {
  private readonly learningRate: TensorLike;
  readonly learningRatePower: number;
  readonly initialAccumulatorValue: number;
  readonly l1: number;
  readonly l2: number;
  readonly l2Shrinkage: number;
  private readonly accumName: string | null;
  private readonly linearName: string | null;
  private t!: { lr: Tensor; l1: Tensor; l2: Tensor; l2Shrinkage: Tensor; power: Tensor };
  constructor(...args: TF1Args<typeof FTRL_NAMES, FtrlParams>) {
    const { learningRate, ...opts } = kwargs(args, FTRL_NAMES, 'FtrlOptimizer', 1);
    const o = parseOptions(ftrlOptions, opts, 'FtrlOptimizer');
    super(o.useLocking ?? false, o.name ?? 'Ftrl');
    parseArg(hyperArg, learningRate, 'FtrlOptimizer', 'learningRate');
    this.learningRate = learningRate as TensorLike;
    this.learningRatePower = o.learningRatePower ?? -0.5;
    this.initialAccumulatorValue = o.initialAccumulatorValue ?? 0.1;
    this.l1 = o.l1RegularizationStrength ?? 0;
    this.l2 = o.l2RegularizationStrength ?? 0;
    this.l2Shrinkage = o.l2ShrinkageRegularizationStrength ?? 0;
    // TF1's checks and texts (ftrl.py)
    if (this.initialAccumulatorValue < 0) throw new ValueError(`initial_accumulator_value ${this.initialAccumulatorValue} needs to be positive or zero`);
    if (this.learningRatePower > 0) throw new ValueError(`learning_rate_power ${this.learningRatePower} needs to be negative or zero`);
    if (this.l1 < 0) throw new ValueError(`l1_regularization_strength ${this.l1} needs to be positive or zero`);
    if (this.l2 < 0) throw new ValueError(`l2_regularization_strength ${this.l2} needs to be positive or zero`);
    if (this.l2Shrinkage < 0) throw new ValueError(`l2_shrinkage_regularization_strength ${this.l2Shrinkage} needs to be positive or zero`);
    this.accumName = o.accumName ?? null;
    this.linearName = o.linearName ?? null;
  }
  protected override createSlots(vars: Variable[]): void {
    const value = this.initialAccumulatorValue;
    for (const v of vars) {
      this.slotWithInitializer(v, (shape, dtype) => fill(shape, value, { dtype, name: 'Const' }), 'accum', this.accumName ?? undefined);
      this.slotWithInitializer(v, zerosInit, 'linear', this.linearName ?? undefined);
    }
  }
  protected override prepare(): void {
    this.t = {
      lr: this.hyper(this.learningRate, 'learning_rate'),
      l1: this.hyper(this.l1, 'l1_regularization_strength'),
      l2: this.hyper(this.l2, 'l2_regularization_strength'),
      l2Shrinkage: this.hyper(this.l2Shrinkage, 'l2_shrinkage_regularization_strength'),
      power: this.hyper(this.learningRatePower, 'learning_rate_power'),
    };
  }
  private args(grad: Tensor, v: Variable): Tensor[] {
    const c = (t: Tensor) => castTo(t, v);
    const { lr, l1, l2, l2Shrinkage, power } = this.t;
    return this.l2Shrinkage === 0 ? [grad, c(lr), c(l1), c(l2), c(power)] : [grad, c(lr), c(l1), c(l2), c(l2Shrinkage), c(power)];
  }
  private refs(v: Variable): Tensor[] {
    return [v.ref, this.getSlot(v, 'accum')!.ref, this.getSlot(v, 'linear')!.ref];
  }
  protected override applyDense(grad: Tensor, v: Variable): Tensor {
    return applyOp(this.l2Shrinkage === 0 ? 'ApplyFtrl' : 'ApplyFtrlV2', this.refs(v), this.args(grad, v));
  }
  protected override applySparse(grad: IndexedSlices, v: Variable): Tensor {
    return sparseApplyOp(this.l2Shrinkage === 0 ? 'SparseApplyFtrl' : 'SparseApplyFtrlV2', this.refs(v), this.args(grad.values, v), grad.indices);
  }
}
