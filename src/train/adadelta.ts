/**
 * `tf.train.AdadeltaOptimizer` (TF1 training/adadelta.py) and its ApplyAdadelta /
 * SparseApplyAdadelta ops, as TF's kernels compute them (core/kernels/training_ops.cc):
 * accum = accum·rho + g²·(1−rho); update = sqrt(accum_update + ε)·rsqrt(accum + ε)·g;
 * var −= update·lr; accum_update = accum_update·rho + update²·(1−rho).
 * Slots `accum` and `accum_update` (zeros) are `<var>/Adadelta` and `<var>/Adadelta_1`.
 */
import { z } from 'zod';
import { type TF1Args, kwargs } from '../args.js';
import type { DType } from '../dtype.js';
import type { Tensor } from '../graph/tensor.js';
import { zeros } from '../ops/array.js';
import type { TensorLike } from '../ops/convert.js';
import type { IndexedSlices } from '../ops/indexed-slices.js';
import type { Variable } from '../ops/variables.js';
import { parseArg, parseOptions, scalarSchema } from '../validate.js';
import { applyOp, defineApply } from './apply-ops.js';
import { Optimizer, castTo } from './optimizer.js';
import { defineSparseApply, sparseApplyOp } from './sparse-apply-ops.js';

defineApply({
  type: 'ApplyAdadelta',
  refs: ['var', 'accum', 'accum_update'],
  args: ['lr', 'rho', 'epsilon', 'grad'],
  update: (b, [x, accum, accumUpdate], { lr, rho, epsilon, grad }) => {
    const oneMinusRho = b.binary('sub', b.scalar(1, x!.dtype), rho!);
    const accum1 = b.binary('add', b.binary('mul', accum!, rho!), b.binary('mul', b.unary('square', grad!), oneMinusRho));
    const update = b.binary('mul', b.binary('mul', b.unary('sqrt', b.binary('add', accumUpdate!, epsilon!)), b.unary('rsqrt', b.binary('add', accum1, epsilon!))), grad!);
    const accumUpdate1 = b.binary('add', b.binary('mul', accumUpdate!, rho!), b.binary('mul', b.unary('square', update), oneMinusRho));
    return [[1, accum1], [0, b.binary('sub', x!, b.binary('mul', update, lr!))], [2, accumUpdate1]];
  },
});
defineSparseApply('ApplyAdadelta');

const zerosInit = (shape: number[], dtype: DType): Tensor => zeros(shape, dtype, 'zeros');
const hyper = scalarSchema.optional();
const adadeltaOptions = z.strictObject({ rho: hyper, epsilon: hyper, useLocking: z.boolean().optional(), name: z.string().optional() });

const NAMES = ['learningRate', 'rho', 'epsilon', 'useLocking', 'name'] as const;
type Params = [learningRate?: TensorLike, rho?: TensorLike, epsilon?: TensorLike, useLocking?: boolean, name?: string];

/** `new AdadeltaOptimizer(learningRate = 0.001, rho = 0.95, epsilon = 1e-8, useLocking = false, name = 'Adadelta')`. */
export class AdadeltaOptimizer extends Optimizer {
  private readonly learningRate: TensorLike;
  private readonly rho: TensorLike;
  private readonly epsilon: TensorLike;
  private t!: { lr: Tensor; rho: Tensor; epsilon: Tensor };
  constructor(...args: TF1Args<typeof NAMES, Params>) {
    const { learningRate = 0.001, ...opts } = kwargs(args, NAMES, 'AdadeltaOptimizer');
    const o = parseOptions(adadeltaOptions, opts, 'AdadeltaOptimizer');
    super(o.useLocking ?? false, o.name ?? 'Adadelta');
    parseArg(scalarSchema, learningRate, 'AdadeltaOptimizer', 'learningRate');
    this.learningRate = learningRate as TensorLike;
    this.rho = (o.rho ?? 0.95) as TensorLike;
    this.epsilon = (o.epsilon ?? 1e-8) as TensorLike;
  }
  protected override createSlots(vars: Variable[]): void {
    for (const v of vars) {
      this.slotWithInitializer(v, zerosInit, 'accum');
      this.slotWithInitializer(v, zerosInit, 'accum_update');
    }
  }
  protected override prepare(): void {
    this.t = { lr: this.hyper(this.learningRate, 'lr'), rho: this.hyper(this.rho, 'rho'), epsilon: this.hyper(this.epsilon, 'epsilon') };
  }
  private refs(v: Variable): Tensor[] {
    return [v.ref, this.getSlot(v, 'accum')!.ref, this.getSlot(v, 'accum_update')!.ref];
  }
  private hypers(v: Variable): Tensor[] {
    return [castTo(this.t.lr, v), castTo(this.t.rho, v), castTo(this.t.epsilon, v)];
  }
  protected override applyDense(grad: Tensor, v: Variable): Tensor {
    return applyOp('ApplyAdadelta', this.refs(v), [...this.hypers(v), grad]);
  }
  protected override applySparse(grad: IndexedSlices, v: Variable): Tensor {
    return sparseApplyOp('SparseApplyAdadelta', this.refs(v), [...this.hypers(v), grad.values], grad.indices);
  }
}
