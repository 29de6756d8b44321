/**
 * `tf.train.ProximalAdagradOptimizer` and `tf.train.ProximalGradientDescentOptimizer` (TF1
 * training/proximal_adagrad.py, proximal_gradient_descent.py) with their Apply* / SparseApply*
 * ops as TF's kernels compute them (core/kernels/training_ops.cc), for a step size `a`
 * (ProximalAdagrad: a = lr·rsqrt(accum + g²), accum updated first; ProximalGradientDescent: a = alpha):
 * prox = var − a·g; var = sign(prox)·max(|prox| − a·l1, 0)/(1 + a·l2) if l1 > 0, else prox/(1 + a·l2).
 */
import { z } from 'zod';
import { type TF1Args, kwargs } from '../args.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { fill } from '../ops/array.js';
import type { TensorLike } from '../ops/convert.js';
import type { IndexedSlices } from '../ops/indexed-slices.js';
import type { Lower, Val } from '../ops/lower.js';
import type { Variable } from '../ops/variables.js';
import { parseArg, parseOptions, scalarSchema } from '../validate.js';
import { applyOp, defineApply } from './apply-ops.js';
import { Optimizer, castTo } from './optimizer.js';
import { defineSparseApply, sparseApplyOp } from './sparse-apply-ops.js';

/** The proximal step of both kernels; l1 > 0 is decided per run on the l1 value, as the kernel does. */
function proximal(b: Lower, x: Val, g: Val, a: Val, l1: Val, l2: Val): Val {
  const dt = x.dtype;
  const prox = b.binary('sub', x, b.binary('mul', g, a));
  const den = b.binary('add', b.scalar(1, dt), b.binary('mul', a, l2));
  const shrunk = b.binary('mul', b.unary('sign', prox), b.binary('maximum', b.binary('sub', b.unary('abs', prox), b.binary('mul', a, l1)), b.scalar(0, dt)));
  const l1Pos = b.binary('greater', l1, b.scalar(0, dt));
  return b.binary('div', b.select(b.broadcastTo(l1Pos, [...x.shape]), shrunk, prox), den);
}

defineApply({
  type: 'ApplyProximalAdagrad',
  refs: ['var', 'accum'],
  args: ['lr', 'l1', 'l2', 'grad'],
  update: (b, [x, accum], { lr, l1, l2, grad }) => {
    const accum1 = b.binary('add', accum!, b.unary('square', grad!));
    const a = b.binary('mul', lr!, b.unary('rsqrt', accum1));
    return [[1, accum1], [0, proximal(b, x!, grad!, a, l1!, l2!)]];
  },
});
defineSparseApply('ApplyProximalAdagrad');

defineApply({
  type: 'ApplyProximalGradientDescent',
  refs: ['var'],
  args: ['alpha', 'l1', 'l2', 'delta'],
  update: (b, [x], { alpha, l1, l2, delta }) => [[0, proximal(b, x!, delta!, alpha!, l1!, l2!)]],
});
defineSparseApply('ApplyProximalGradientDescent');

const base = { useLocking: z.boolean().optional(), name: z.string().optional() };
const strength = { l1RegularizationStrength: z.number().optional(), l2RegularizationStrength: z.number().optional() };
const proximalAdagradOptions = z.strictObject({ ...base, ...strength, initialAccumulatorValue: z.number().optional() });
const proximalGDOptions = z.strictObject({ ...base, ...strength });

/** What both proximal optimizers share: the learning rate, l1 and l2 as the step's hyper tensors. */
abstract class ProximalOptimizer extends Optimizer {
  private t!: { lr: Tensor; l1: Tensor; l2: Tensor };
  constructor(useLocking: boolean, name: string, private readonly learningRate: TensorLike, readonly l1: number, readonly l2: number) {
    super(useLocking, name);
  }
  protected override prepare(): void {
    this.t = {
      lr: this.hyper(this.learningRate, 'learning_rate'),
      l1: this.hyper(this.l1, 'l1_regularization_strength'),
      l2: this.hyper(this.l2, 'l2_regularization_strength'),
    };
  }
  /** lr, l1, l2 in `v`'s dtype, the apply ops' first arguments. */
  protected hypers(v: Variable): Tensor[] {
    return [castTo(this.t.lr, v), castTo(this.t.l1, v), castTo(this.t.l2, v)];
  }
}

const PA_NAMES = ['learningRate', 'initialAccumulatorValue', 'l1RegularizationStrength', 'l2RegularizationStrength', 'useLocking', 'name'] as const;
type PAParams = [learningRate: TensorLike, initialAccumulatorValue?: number, l1RegularizationStrength?: number, l2RegularizationStrength?: number, useLocking?: boolean, name?: string];

/**
 * `new ProximalAdagradOptimizer(learningRate, initialAccumulatorValue = 0.1,
 * l1RegularizationStrength = 0, l2RegularizationStrength = 0, useLocking = false, name = 'ProximalAdagrad')`:
 * slot `accumulator` (`<var>/ProximalAdagrad`) filled with initialAccumulatorValue.
 */
export class ProximalAdagradOptimizer extends ProximalOptimizer {
  readonly initialAccumulatorValue: number;
  constructor(...args: TF1Args<typeof PA_NAMES, PAParams>) {
    const { learningRate, ...opts } = kwargs(args, PA_NAMES, 'ProximalAdagradOptimizer', 1);
    const o = parseOptions(proximalAdagradOptions, opts, 'ProximalAdagradOptimizer');
    parseArg(scalarSchema, learningRate, 'ProximalAdagradOptimizer', 'learningRate');
    super(o.useLocking ?? false, o.name ?? 'ProximalAdagrad', learningRate as TensorLike, o.l1RegularizationStrength ?? 0, o.l2RegularizationStrength ?? 0);
    this.initialAccumulatorValue = o.initialAccumulatorValue ?? 0.1;
    if (!(this.initialAccumulatorValue > 0)) throw new ValueError(`initial_accumulator_value must be positive: ${this.initialAccumulatorValue}`);
  }
  protected override createSlots(vars: Variable[]): void {
    const value = this.initialAccumulatorValue;
    for (const v of vars) this.slotWithInitializer(v, (shape, dtype) => fill(shape, value, { dtype, name: 'Const' }), 'accumulator');
  }
  protected override applyDense(grad: Tensor, v: Variable): Tensor {
    return applyOp('ApplyProximalAdagrad', [v.ref, this.getSlot(v, 'accumulator')!.ref], [...this.hypers(v), grad]);
  }
  protected override applySparse(grad: IndexedSlices, v: Variable): Tensor {
    return sparseApplyOp('SparseApplyProximalAdagrad', [v.ref, this.getSlot(v, 'accumulator')!.ref], [...this.hypers(v), grad.values], grad.indices);
  }
}

const PGD_NAMES = ['learningRate', 'l1RegularizationStrength', 'l2RegularizationStrength', 'useLocking', 'name'] as const;
type PGDParams = [learningRate: TensorLike, l1RegularizationStrength?: number, l2RegularizationStrength?: number, useLocking?: boolean, name?: string];

/**
 * `new ProximalGradientDescentOptimizer(learningRate, l1RegularizationStrength = 0,
 * l2RegularizationStrength = 0, useLocking = false, name = 'ProximalGradientDescent')`: no slots.
 */
export class ProximalGradientDescentOptimizer extends ProximalOptimizer {
  constructor(...args: TF1Args<typeof PGD_NAMES, PGDParams>) {
    const { learningRate, ...opts } = kwargs(args, PGD_NAMES, 'ProximalGradientDescentOptimizer', 1);
    const o = parseOptions(proximalGDOptions, opts, 'ProximalGradientDescentOptimizer');
    parseArg(scalarSchema, learningRate, 'ProximalGradientDescentOptimizer', 'learningRate');
    super(o.useLocking ?? false, o.name ?? 'ProximalGradientDescent', learningRate as TensorLike, o.l1RegularizationStrength ?? 0, o.l2RegularizationStrength ?? 0);
  }
  protected override createSlots(): void {}
  protected override applyDense(grad: Tensor, v: Variable): Tensor {
    return applyOp('ApplyProximalGradientDescent', [v.ref], [...this.hypers(v), grad]);
  }
  protected override applySparse(grad: IndexedSlices, v: Variable): Tensor {
    return sparseApplyOp('SparseApplyProximalGradientDescent', [v.ref], [...this.hypers(v), grad.values], grad.indices);
  }
}
