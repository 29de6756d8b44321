/**
 * `tf.layers.BatchNormalization` / `batch_normalization` (TF1's V1 layer):
 *
 * - variables `gamma` (scale), `beta` (center), `moving_mean`, `moving_variance` (not trainable),
 *   of the normalized axis' size;
 * - training: normalize with the batch moments (biased variance) and add update ops to
 *   UPDATE_OPS: `moving -= (moving - batch) · (1 - momentum)` (TF1's `AssignMovingAvg`);
 * - inference: normalize with the moving statistics;
 * - `training` may be a bool tensor: moments and updates are selected at run time (an update
 *   with `training` false subtracts 0).
 *
 * TF1 runs 4-D inputs normalized on axis 1 or 3 through its fused kernel (`fused=None` means
 * fused where it can): the moving variance then follows the *unbiased* batch variance
 * (n/(n-1)), and epsilon is raised to at least 1.001e-5. Both are reproduced here, so moving
 * statistics match what TF1 stores in checkpoints.
 */
import { isFloat } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { reshape, size, squeeze } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { stopGradient } from '../ops/core.js';
import { divNoNan } from '../ops/div-no-nan.js';
import { add, cast, divide, greater, multiply, negative, reduceMean, rsqrt, squaredDifference, subtract, where } from '../ops/math.js';
import { assignSub, type Variable } from '../ops/variables.js';
import { onesInitializer, zerosInitializer } from '../scope/initializers.js';
import type { Regularizer } from '../scope/variable-scope.js';
import { Layer, type LayerOptions } from './base.js';
import { noConstraint } from './dense.js';
import { bindArgs } from './kwargs.js';
import { constantBool, smartCond } from './smart-cond.js';

const ARGS = [
  'axis', 'momentum', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'movingMeanInitializer',
  'movingVarianceInitializer', 'betaRegularizer', 'gammaRegularizer', 'betaConstraint', 'gammaConstraint', 'renorm',
  'renormClipping', 'renormMomentum', 'fused', 'trainable', 'virtualBatchSize', 'adjustment', 'name', 'dtype', '_scope', '_reuse',
];

/** `tf.nn.moments(x, axes, keep_dims)`: mean and (biased) variance, in a `moments` name scope. */
function moments(x: Tensor, axes: number[], keepDims: boolean): [Tensor, Tensor] {
  return x.graph.nameScope('moments', () => {
    let mean = reduceMean(x, axes, true, 'mean');
    let variance = reduceMean(squaredDifference(x, stopGradient(mean)), axes, true, 'variance');
    if (!keepDims) {
      mean = squeeze(mean, axes, 'Squeeze');
      variance = squeeze(variance, axes, 'Squeeze_1');
    }
    return [mean, variance];
  });
}

/** `tf.nn.batch_normalization`: x·inv + (offset - mean·inv), inv = rsqrt(variance + ε)·scale. */
function batchNorm(x: Tensor, mean: Tensor, variance: Tensor, offset: Tensor | null, scale: Tensor | null, eps: number): Tensor {
  return x.graph.nameScope('batchnorm', () => {
    // Named as Python's operators name them (`add`, `mul`, `sub`), in TF1's order.
    let inv = rsqrt(add(variance, eps, 'add'));
    if (scale) inv = multiply(inv, scale, 'mul');
    const xInv = multiply(x, inv, 'mul');
    const shift = offset ? subtract(offset, multiply(mean, inv, 'mul'), 'sub') : multiply(negative(mean), inv, 'mul');
    return add(xInv, shift, 'add');
  });
}

export class BatchNormalization extends Layer {
  readonly axisArg: number | number[];
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly fusedArg: boolean | null;
  fused = false;
  axis: number[] = [];
  gamma: Variable | null = null;
  beta: Variable | null = null;
  movingMean: Variable | null = null;
  movingVariance: Variable | null = null;
  private readonly inits: Record<'beta' | 'gamma' | 'movingMean' | 'movingVariance', unknown>;
  private readonly regs: Record<'beta' | 'gamma', Regularizer | null>;
  protected override readonly callArgNames = ['training'];

  /**
   * `tf.layers.BatchNormalization(axis=-1, momentum=0.99, epsilon=1e-3, center=True,
   * scale=True, beta_initializer=zeros, gamma_initializer=ones, moving_mean_initializer=zeros,
   * moving_variance_initializer=ones, beta_regularizer=None, gamma_regularizer=None, …,
   * fused=None, trainable=True, name=None)`.
   */
  constructor(...args: unknown[]) {
    const o = bindArgs('BatchNormalization', ARGS, args);
    super(o as LayerOptions);
    noConstraint(o, 'betaConstraint', 'gammaConstraint');
    if (o.renorm) throw new ValueError('BatchNormalization: renorm=True is not supported');
    if (o.virtualBatchSize !== undefined && o.virtualBatchSize !== null) throw new ValueError('BatchNormalization: virtual_batch_size is not supported');
    if (o.adjustment !== undefined && o.adjustment !== null) throw new ValueError('BatchNormalization: adjustment is not supported');
    this.axisArg = (o.axis as number | number[] | undefined) ?? -1;
    if (!(typeof this.axisArg === 'number' || Array.isArray(this.axisArg))) {
      throw new TypeError(`axis must be int or list, type given: ${typeof this.axisArg}`);
    }
    this.momentum = (o.momentum as number | undefined) ?? 0.99;
    this.epsilon = (o.epsilon as number | undefined) ?? 1e-3;
    this.center = (o.center as boolean | undefined) ?? true;
    this.scale = (o.scale as boolean | undefined) ?? true;
    this.fusedArg = (o.fused as boolean | null | undefined) ?? null;
    this.inits = {
      beta: o.betaInitializer ?? zerosInitializer(),
      gamma: o.gammaInitializer ?? onesInitializer(),
      movingMean: o.movingMeanInitializer ?? zerosInitializer(),
      movingVariance: o.movingVarianceInitializer ?? onesInitializer(),
    };
    this.regs = {
      beta: (o.betaRegularizer as Regularizer | undefined) ?? null,
      gamma: (o.gammaRegularizer as Regularizer | undefined) ?? null,
    };
  }

  protected override build(inputShape: readonly (number | null)[] | null): void {
    if (inputShape === null || inputShape.length === 0) throw new ValueError(`Input has undefined rank: ${inputShape === null ? '<unknown>' : '()'}`);
    const ndims = inputShape.length;
    const axes = (typeof this.axisArg === 'number' ? [this.axisArg] : [...this.axisArg]).map((a) => (a < 0 ? ndims + a : a));
    for (const a of axes) if (a < 0 || a >= ndims) throw new ValueError(`Invalid axis: ${a}`);
    if (new Set(axes).size !== axes.length) throw new ValueError(`Duplicate axis: [${axes.join(', ')}]`);
    this.axis = axes;
    const dtype = this._dtype ?? 'float32';
    if (!isFloat(dtype)) throw new TypeError(`BatchNormalization needs a floating point input, got ${dtype}`);
    this.fused = (this.fusedArg ?? true) && ndims === 4 && axes.length === 1 && (axes[0] === 1 || axes[0] === 3) && dtype === 'float32';
    const dims = axes.map((a) => inputShape[a]);
    if (dims.some((d) => d === null)) throw new ValueError(`Input has undefined \`axis\` dimension. Input shape: (${inputShape.map((d) => d ?? 'None').join(', ')})`);
    const paramShape = axes.length === 1 ? [dims[0]!] : inputShape.map((d, i) => (axes.includes(i) ? d! : 1));
    if (this.scale) this.gamma = this.addWeight('gamma', paramShape, { initializer: this.inits.gamma, regularizer: this.regs.gamma });
    if (this.center) this.beta = this.addWeight('beta', paramShape, { initializer: this.inits.beta, regularizer: this.regs.beta });
    this.movingMean = this.addWeight('moving_mean', paramShape, { initializer: this.inits.movingMean, trainable: false });
    this.movingVariance = this.addWeight('moving_variance', paramShape, { initializer: this.inits.movingVariance, trainable: false });
  }

  protected call(inputs: Tensor, kw: Record<string, unknown>): Tensor {
    const training = kw.training ?? false;
    const ndims = inputs.shape!.length;
    const reductionAxes = [...Array(ndims).keys()].filter((i) => !this.axis.includes(i));
    const single = this.axis.length === 1;
    // Parameters broadcast as-is when the axis is last; else reshape to [1, C, 1, …].
    const needReshape = single && !(reductionAxes.length === ndims - 1 && reductionAxes.every((a, i) => a === i));
    const bshape = [...Array(ndims)].map((_, i) => (this.axis.includes(i) ? inputs.shape![i]! : 1));
    const bc = (v: Tensor | null): Tensor | null => (v && needReshape ? reshape(v, bshape) : v);
    const eps = this.fused ? Math.max(this.epsilon, 1.001e-5) : this.epsilon;
    const mm = this.movingMean!.value();
    const mv = this.movingVariance!.value();
    const isTraining = constantBool(training);
    let mean: Tensor;
    let variance: Tensor;
    if (isTraining === false) {
      mean = mm;
      variance = mv;
    } else {
      const [bm, bv] = moments(inputs, reductionAxes, !single);
      mean = smartCond(training, () => bm, () => mm);
      variance = smartCond(training, () => bv, () => mv);
      // What the moving variance follows: TF1's fused kernel reports the unbiased variance.
      let target = bv;
      if (this.fused) {
        // n = elements per channel; the kernel's factor is n/(n-1) for n > 1, else 1.
        const n = divide(cast(size(inputs), 'float32'), cast(size(bv), 'float32'));
        target = multiply(bv, where(greater(n, 1), divNoNan(n, subtract(n, 1)), 1));
      }
      const pd = this.movingMean!.dtype;
      const decay = isTraining === true ? toTensor(1 - this.momentum, pd) : where(toTensor(training as Tensor), toTensor(1 - this.momentum, pd), toTensor(0, pd));
      this.addUpdate(this.assignMovingAverage(this.movingMean!, bm, decay));
      this.addUpdate(this.assignMovingAverage(this.movingVariance!, target, decay));
    }
    return batchNorm(inputs, bc(mean)!, bc(variance)!, bc(this.beta?.value() ?? null), bc(this.gamma?.value() ?? null), eps);
  }

  /** `moving -= (moving - value) · decay`, named `AssignMovingAvg`. */
  private assignMovingAverage(v: Variable, value: Tensor, decay: Tensor): Tensor {
    return v.graph.nameScope('AssignMovingAvg', (scope) => assignSub(v, multiply(subtract(v.value(), value), decay), scope));
  }
}

/**
 * `tf.layers.batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=0.001, center=True,
 * scale=True, …, training=False, trainable=True, name=None, reuse=None, renorm=False, …, fused=None)`.
 */
export function batchNormalization(...args: unknown[]): Tensor {
  const a = bindArgs('batch_normalization', [
    'inputs', 'axis', 'momentum', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'movingMeanInitializer',
    'movingVarianceInitializer', 'betaRegularizer', 'gammaRegularizer', 'betaConstraint', 'gammaConstraint', 'training',
    'trainable', 'name', 'reuse', 'renorm', 'renormClipping', 'renormMomentum', 'fused', 'virtualBatchSize', 'adjustment',
  ], args, 1);
  const { inputs, training, reuse, ...rest } = a;
  const layer = new BatchNormalization({ ...rest, _scope: rest.name ?? null, _reuse: reuse ?? null });
  return layer.apply(inputs as TensorLike, { training: training ?? false });
}
