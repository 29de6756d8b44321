/**
 * `tf.train.AdagradDAOptimizer` (TF1 training/adagrad_da.py), Adagrad dual averaging, and its
 * ApplyAdagradDA / SparseApplyAdagradDA ops as TF's kernels compute them (training_ops.cc), with
 * t the op's int64 global_step input (cast to the variable's type), which the optimizer feeds
 * as globalStep + 1 (TF's `_global_step_on_worker`):
 * g_acc += g; gg_acc += g²; var = −lr·s / (l2·t·lr + sqrt(gg_acc)), where
 * s = sign(g_acc)·max(|g_acc| − l1·t, 0) if l1 > 0, else g_acc.
 * Slots `gradient_accumulator` (zeros) and `gradient_squared_accumulator`
 * (initialGradientSquaredAccumulatorValue) are `<var>/AdagradDA` and `<var>/AdagradDA_1`.
 */
import { z } from 'zod';
import { type TF1Args, kwargs } from '../args.js';
import { ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { fill, zeros } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { add } from '../ops/math.js';
import { identity } from '../ops/core.js';
import type { IndexedSlices } from '../ops/indexed-slices.js';
import { Variable } from '../ops/variables.js';
import { parseArg, parseOptions, scalarSchema } from '../validate.js';
import { applyOp, defineApply } from './apply-ops.js';
import { Optimizer, castTo, colocated } from './optimizer.js';
import { defineSparseApply, sparseApplyOp } from './sparse-apply-ops.js';

defineApply({
  type: 'ApplyAdagradDA',
  refs: ['var', 'gradient_accumulator', 'gradient_squared_accumulator'],
  args: ['grad', 'lr', 'l1', 'l2', 'global_step'],
  int64Args: ['global_step'],
  update: (b, [x, gAcc, ggAcc], { grad, lr, l1, l2, global_step }) => {
    const dt = x!.dtype;
    const t = b.cast(global_step!, dt);
    const g1 = b.binary('add', gAcc!, grad!);
    const gg1 = b.binary('add', ggAcc!, b.unary('square', grad!));
    const shrunk = b.binary('mul', b.unary('sign', g1), b.binary('maximum', b.binary('sub', b.unary('abs', g1), b.binary('mul', l1!, t)), b.scalar(0, dt)));
    const l1Pos = b.broadcastTo(b.binary('greater', l1!, b.scalar(0, dt)), [...x!.shape]);
    const num = b.binary('mul', b.unary('neg', lr!), b.select(l1Pos, shrunk, g1));
    const den = b.binary('add', b.binary('mul', b.binary('mul', l2!, t), lr!), b.unary('sqrt', gg1));
    return [[1, g1], [2, gg1], [0, b.binary('div', num, den)]];
  },
});
defineSparseApply('ApplyAdagradDA');

const options = z.strictObject({
  initialGradientSquaredAccumulatorValue: z.number().optional(),
  l1RegularizationStrength: z.number().optional(),
  l2RegularizationStrength: z.number().optional(),
  useLocking: z.boolean().optional(),
  name: z.string().optional(),
});
const NAMES = [
  'learningRate', 'globalStep', 'initialGradientSquaredAccumulatorValue', 'l1RegularizationStrength', 'l2RegularizationStrength', 'useLocking', 'name',
] as const;
type Params = [
  learningRate: TensorLike, globalStep: Variable | Tensor, initialGradientSquaredAccumulatorValue?: number, l1RegularizationStrength?: number,
  l2RegularizationStrength?: number, useLocking?: boolean, name?: string,
];

/**
 * `new AdagradDAOptimizer(learningRate, globalStep, initialGradientSquaredAccumulatorValue = 0.1,
 * l1RegularizationStrength = 0, l2RegularizationStrength = 0, useLocking = false, name = 'AdagradDA')`.
 * `globalStep` is the int64 step (pass it to minimize too, so it advances); the n-th update uses t = n.
 */
export class AdagradDAOptimizer extends Optimizer {
  private readonly learningRate: TensorLike;
  private readonly globalStep: Variable | Tensor;
  readonly initialGradientSquaredAccumulatorValue: number;
  readonly l1: number;
  readonly l2: number;
  private t!: { lr: Tensor; l1: Tensor; l2: Tensor; step: Tensor };
  constructor(...args: TF1Args<typeof NAMES, Params>) {
    const { learningRate, globalStep, ...opts } = kwargs(args, NAMES, 'AdagradDAOptimizer', 2);
    const o = parseOptions(options, opts, 'AdagradDAOptimizer');
    super(o.useLocking ?? false, o.name ?? 'AdagradDA');
    parseArg(scalarSchema, learningRate, 'AdagradDAOptimizer', 'learningRate');
    if (!(globalStep instanceof Variable) && !(globalStep instanceof Tensor)) {
      throw new TypeError(`AdagradDAOptimizer(): global_step must be a Variable or Tensor, got ${String(globalStep)}`);
    }
    if (globalStep.dtype !== 'int64') throw new TypeError(`AdagradDAOptimizer(): global_step must be int64, got ${globalStep.dtype}`);
    this.learningRate = learningRate as TensorLike;
    this.globalStep = globalStep;
    this.initialGradientSquaredAccumulatorValue = o.initialGradientSquaredAccumulatorValue ?? 0.1;
    if (!(this.initialGradientSquaredAccumulatorValue > 0)) {
      throw new ValueError(`initial_gradient_squared_accumulator_value must be positive: ${this.initialGradientSquaredAccumulatorValue}`);
    }
    this.l1 = o.l1RegularizationStrength ?? 0;
    this.l2 = o.l2RegularizationStrength ?? 0;
  }
  protected override createSlots(vars: Variable[]): void {
    const value = this.initialGradientSquaredAccumulatorValue;
    for (const v of vars) {
      this.slotWithInitializer(v, (shape, dtype) => zeros(shape, dtype, 'Const'), 'gradient_accumulator');
      this.slotWithInitializer(v, (shape, dtype) => fill(shape, value, { dtype, name: 'Const' }), 'gradient_squared_accumulator');
    }
  }
  protected override prepare(): void {
    const lr = this.hyper(this.learningRate, 'learning_rate');
    // The step the updates use is the global step + 1, read once beside the learning rate.
    const gs = this.globalStep instanceof Variable ? this.globalStep.value() : this.globalStep;
    const dev = lr.op.device;
    const onWorker = (): Tensor => add(identity(gs), toTensor(1, 'int64'));
    const step = dev ? lr.graph.device(dev, onWorker) : onWorker();
    this.t = { lr, l1: this.hyper(this.l1, 'l1'), l2: this.hyper(this.l2, 'l2'), step };
  }
  private refs(v: Variable): Tensor[] {
    return [v.ref, this.getSlot(v, 'gradient_accumulator')!.ref, this.getSlot(v, 'gradient_squared_accumulator')!.ref];
  }
  /** TF reads the step through an identity on the variable's device. */
  private args(grad: Tensor, v: Variable): Tensor[] {
    const step = colocated(v, () => identity(this.t.step));
    return [grad, castTo(this.t.lr, v), castTo(this.t.l1, v), castTo(this.t.l2, v), step];
  }
  protected override applyDense(grad: Tensor, v: Variable): Tensor {
    return applyOp('ApplyAdagradDA', this.refs(v), this.args(grad, v));
  }
  protected override applySparse(grad: IndexedSlices, v: Variable): Tensor {
    return sparseApplyOp('SparseApplyAdagradDA', this.refs(v), this.args(grad.values, v), grad.indices);
  }
}
