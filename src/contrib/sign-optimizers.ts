/**
 * `tf.contrib.opt`'s NadamOptimizer (nadam_optimizer.py: ApplyAdam with use_nesterov), the
 * AddSign / PowerSign optimizers of Bello et al. 2017 (addsign.py, powersign.py; their
 * ApplyAddSign / ApplyPowerSign kernels as training_ops.cc computes them) and the sign-decay
 * schedules of sign_decay.py.
 */
import { type TF1Args, isOptionsObject, kwargs } from '../args.js';
import { ValueError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { gather, size, zeros } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { group } from '../ops/core.js';
import { type IndexedSlices, unsortedSegmentSum } from '../ops/indexed-slices.js';
import { add, cast, cos, divide, greaterEqual, maximum, minimum, mod, multiply, negative, sqrt, subtract, where } from '../ops/math.js';
import { unique } from '../ops/set-ops.js';
import { scatterAdd } from '../ops/state-scatter.js';
import { type Variable, assign } from '../ops/variables.js';
import { hyperArg } from '../schemas.js';
import { parseArg } from '../validate.js';
import { applyOp, defineApply } from '../train/apply-ops.js';
import { Optimizer, castTo } from '../train/optimizer.js';
import { AdamOptimizer } from '../train/optimizers.js';
import type { Lower, Val } from '../ops/lower.js';

/**
 * Nadam (Dozat 2015): Adam whose step uses the Nesterov look-ahead `g(1-beta1) + beta1*m_t`.
 * Same constructor, defaults and slots as AdamOptimizer (name 'Adam', slots 'm', 'v',
 * non-slots beta1_power / beta2_power). Sparse gradients: every row of m and v decays, only
 * the gradient's rows of the variable move (TF's `_apply_sparse_shared`).
 */
export class NadamOptimizer extends AdamOptimizer {
  protected override applyDense(grad: Tensor, v: Variable): Tensor {
    const [b1p, b2p] = this.betaAccumulators();
    return applyOp(
      'ApplyAdam',
      [v.ref, this.getSlot(v, 'm')!.ref, this.getSlot(v, 'v')!.ref],
      [castTo(b1p.value(), v), castTo(b2p.value(), v), castTo(this.lrT, v), castTo(this.beta1T, v), castTo(this.beta2T, v), castTo(this.epsilonT, v), grad],
      { useNesterov: true },
    );
  }
  protected override applySparse(grad: IndexedSlices, v: Variable): Operation {
    // TF's Optimizer sums repeated indices before _apply_sparse
    const [indices, positions] = unique(grad.indices);
    const values = unsortedSegmentSum(grad.values, positions, size(indices));
    const [b1p, b2p] = this.betaAccumulators().map((p) => castTo(p.value(), v)) as [Tensor, Tensor];
    const [lr, beta1, beta2, eps] = [this.lrT, this.beta1T, this.beta2T, this.epsilonT].map((t) => castTo(t, v)) as [Tensor, Tensor, Tensor, Tensor];
    const alpha = divide(multiply(lr, sqrt(subtract(1, b2p))), subtract(1, b1p));
    const g = v.graph;
    const m = this.getSlot(v, 'm')!;
    const mScaled = multiply(values, subtract(1, beta1));
    const mDecayed = assign(m, multiply(m, beta1), { useLocking: this.useLocking });
    const [mT, mBar] = g.controlDependencies([mDecayed], () => {
      const mt = scatterAdd(m, indices, mScaled);
      return [mt, add(mScaled, multiply(beta1, gather(mt, indices)))];
    });
    const vs = this.getSlot(v, 'v')!;
    const vScaled = multiply(multiply(values, values), subtract(1, beta2));
    const vDecayed = assign(vs, multiply(vs, beta2), { useLocking: this.useLocking });
    const vT = g.controlDependencies([vDecayed], () => scatterAdd(vs, indices, vScaled));
    const step = divide(multiply(negative(alpha), mBar!), add(sqrt(gather(vT, indices)), eps));
    return group(scatterAdd(v, indices, step), mT!, vT);
  }
}

// m = beta·m + (1 - beta)·g, then var -= lr · scale(sign(g)·sign(m)) · g
function signUpdate(b: Lower, [x, m]: Val[], { lr, beta, grad }: Record<string, Val>, scale: (signGm: Val) => Val): [number, Val][] {
  const m1 = b.binary('add', b.binary('mul', m!, beta!), b.binary('mul', grad!, b.binary('sub', b.scalar(1, x!.dtype), beta!)));
  const signGm = b.binary('mul', b.unary('sign', grad!), b.unary('sign', m1));
  return [[1, m1], [0, b.binary('sub', x!, b.binary('mul', b.binary('mul', lr!, scale(signGm)), grad!))]];
}
defineApply({
  type: 'ApplyAddSign',
  refs: ['var', 'm'],
  args: ['lr', 'alpha', 'sign_decay', 'beta', 'grad'],
  update: (b, refs, a) => signUpdate(b, refs, a, (sgm) => b.binary('add', a.alpha!, b.binary('mul', a.sign_decay!, sgm))),
});
defineApply({
  type: 'ApplyPowerSign',
  refs: ['var', 'm'],
  args: ['lr', 'logbase', 'sign_decay', 'beta', 'grad'],
  update: (b, refs, a) => signUpdate(b, refs, a, (sgm) => b.unary('exp', b.binary('mul', b.binary('mul', a.logbase!, a.sign_decay!), sgm))),
});

type SignDecayFn = (globalStep: Variable | Tensor | null | undefined) => TensorLike;

/** The global step given to applyGradients / minimize (position `at`, or by name). */
function globalStepArg(args: readonly unknown[], at: number): Variable | null | undefined {
  const last = args[args.length - 1];
  if (isOptionsObject(last) && 'globalStep' in last) return last.globalStep as Variable | null;
  return args.length > at && !isOptionsObject(args[at]) ? (args[at] as Variable | null) : undefined;
}

/** The shared part of AddSign and PowerSign: slot 'm', sign_decay from `signDecayFn(globalStep)`. */
abstract class SignOptimizer extends Optimizer {
  protected lrT!: Tensor;
  protected betaT!: Tensor;
  protected signDecayT: Tensor | null = null;
  private pendingDecay: Tensor | null = null;
  constructor(
    private readonly learningRate: TensorLike, private readonly beta: TensorLike,
    private readonly signDecayFn: SignDecayFn | null, useLocking: boolean, name: string,
  ) {
    super(useLocking, name);
    if (signDecayFn !== null && typeof signDecayFn !== 'function') throw new TypeError(`${name}: sign_decay_fn must be a function of the global step, got ${String(signDecayFn)}`);
  }
  override applyGradients(...args: Parameters<Optimizer['applyGradients']>): Operation {
    // TF evaluates sign_decay_fn(global_step) outside the optimizer's name scope, as 'sign_decay'
    if (this.signDecayFn) this.pendingDecay = toTensor(this.signDecayFn(globalStepArg(args, 1)), undefined, 'sign_decay');
    try {
      return super.applyGradients(...args);
    } finally {
      this.pendingDecay = null;
    }
  }
  protected override createSlots(vars: Variable[]): void {
    for (const v of vars) this.slotWithInitializer(v, (shape, dtype) => zeros(shape, dtype, 'zeros'), 'm');
  }
  protected override prepare(): void {
    this.lrT = this.hyper(this.learningRate, 'learning_rate');
    this.betaT = this.hyper(this.beta, 'beta');
    this.prepareOwn();
    this.signDecayT = this.pendingDecay ?? this.hyper(1.0, 'sign_decay');
  }
  protected abstract prepareOwn(): void;
}

const ADDSIGN_NAMES = ['learningRate', 'alpha', 'beta', 'signDecayFn', 'useLocking', 'name'] as const;
type AddSignParams = [learningRate?: TensorLike, alpha?: TensorLike, beta?: TensorLike, signDecayFn?: SignDecayFn | null, useLocking?: boolean, name?: string];

/**
 * `new AddSignOptimizer(learningRate = 0.1, alpha = 1.0, beta = 0.9, signDecayFn = null,
 * useLocking = false, name = 'AddSignOptimizer')`: `m = beta*m + (1-beta)*g`,
 * `var -= lr * (alpha + sign_decay * sign(g) * sign(m)) * g`; `signDecayFn(globalStep)` gives
 * sign_decay (1 without one). A sparse gradient updates as its dense form (the same values:
 * TF decays every row of m and moves the gradient's rows of the variable).
 */
export class AddSignOptimizer extends SignOptimizer {
  private alphaT!: Tensor;
  private readonly alpha: TensorLike;
  constructor(...args: TF1Args<typeof ADDSIGN_NAMES, AddSignParams>) {
    const o = kwargs(args, ADDSIGN_NAMES, 'AddSignOptimizer');
    const lr = (o.learningRate ?? 0.1) as TensorLike;
    for (const k of ['learningRate', 'alpha', 'beta'] as const) if (o[k] !== undefined) parseArg(hyperArg, o[k], 'AddSignOptimizer', k);
    super(lr, (o.beta ?? 0.9) as TensorLike, (o.signDecayFn ?? null) as SignDecayFn | null, Boolean(o.useLocking ?? false), (o.name as string | undefined) ?? 'AddSignOptimizer');
    this.alpha = (o.alpha ?? 1.0) as TensorLike;
  }
  protected prepareOwn(): void {
    this.alphaT = this.hyper(this.alpha, 'alpha');
  }
  protected override applyDense(grad: Tensor, v: Variable): Tensor {
    const c = (t: Tensor) => castTo(t, v);
    return applyOp('ApplyAddSign', [v.ref, this.getSlot(v, 'm')!.ref], [c(this.lrT), c(this.alphaT), c(this.signDecayT!), c(this.betaT), grad]);
  }
}

const POWERSIGN_NAMES = ['learningRate', 'base', 'beta', 'signDecayFn', 'useLocking', 'name'] as const;
type PowerSignParams = [learningRate?: TensorLike, base?: number, beta?: TensorLike, signDecayFn?: SignDecayFn | null, useLocking?: boolean, name?: string];

/**
 * `new PowerSignOptimizer(learningRate = 0.1, base = Math.E, beta = 0.9, signDecayFn = null,
 * useLocking = false, name = 'PowerSignOptimizer')`: `m = beta*m + (1-beta)*g`,
 * `var -= lr * exp(log(base) * sign_decay * sign(g) * sign(m)) * g`.
 */
export class PowerSignOptimizer extends SignOptimizer {
  private logbaseT!: Tensor;
  private readonly logbase: number;
  constructor(...args: TF1Args<typeof POWERSIGN_NAMES, PowerSignParams>) {
    const o = kwargs(args, POWERSIGN_NAMES, 'PowerSignOptimizer');
    for (const k of ['learningRate', 'beta'] as const) if (o[k] !== undefined) parseArg(hyperArg, o[k], 'PowerSignOptimizer', k);
    const base = o.base ?? Math.E;
    if (typeof base !== 'number') throw new TypeError(`PowerSignOptimizer: base must be a number, got ${String(base)}`);
    if (!(base > 0)) throw new ValueError('math domain error');
    super((o.learningRate ?? 0.1) as TensorLike, (o.beta ?? 0.9) as TensorLike, (o.signDecayFn ?? null) as SignDecayFn | null, Boolean(o.useLocking ?? false), (o.name as string | undefined) ?? 'PowerSignOptimizer');
    this.logbase = Math.log(base);
  }
  protected prepareOwn(): void {
    this.logbaseT = this.hyper(this.logbase, 'logbase');
  }
  protected override applyDense(grad: Tensor, v: Variable): Tensor {
    const c = (t: Tensor) => castTo(t, v);
    return applyOp('ApplyPowerSign', [v.ref, this.getSlot(v, 'm')!.ref], [c(this.lrT), c(this.logbaseT), c(this.signDecayT!), c(this.betaT), grad]);
  }
}

function requireStep(globalStep: Variable | Tensor | null | undefined, what: string): Variable | Tensor {
  if (globalStep === null || globalStep === undefined) throw new ValueError(`global_step is required for ${what}.`);
  return globalStep;
}
const toF = (x: TensorLike): Tensor => cast(x, 'float32');

/** `getLinearDecayFn(decaySteps)`: `step => max(0, (decaySteps - min(step, decaySteps)) / decaySteps)`. */
export function getLinearDecayFn(decaySteps: number): SignDecayFn {
  return (globalStep) => {
    const step = minimum(requireStep(globalStep, 'linear_decay'), decaySteps);
    const remaining = subtract(cast(decaySteps, 'int32'), cast(step, 'int32'));
    return maximum(0.0, divide(toF(remaining), toF(decaySteps)));
  };
}

/**
 * `getCosineDecayFn(decaySteps, numPeriods = 0.5, zeroAfter = null)`:
 * `0.5 * (1 + cos(pi * 2 * numPeriods * min(step, decaySteps) / decaySteps))`, 0 once that
 * fraction reaches `2 * zeroAfter`.
 */
export function getCosineDecayFn(decaySteps: number, numPeriods = 0.5, zeroAfter: number | null = null): SignDecayFn {
  return (globalStep) => {
    const step = minimum(requireStep(globalStep, 'cosine_decay'), decaySteps);
    const fraction = multiply(2.0 * numPeriods, divide(toF(step), toF(decaySteps)));
    const decayed = multiply(0.5, add(1.0, cos(multiply(Math.PI, fraction))));
    return zeroAfter === null ? decayed : where(greaterEqual(fraction, 2 * zeroAfter), 0.0, decayed);
  };
}

/**
 * `getRestartDecayFn(decaySteps, numPeriods = 1, zeroAfter = null)`:
 * `0.5 * (1 + cos(pi * ((numPeriods * step) mod decaySteps) / decaySteps))` (step capped at
 * decaySteps), 0 once `numPeriods * step / decaySteps` reaches zeroAfter.
 */
export function getRestartDecayFn(decaySteps: number, numPeriods = 1, zeroAfter: number | null = null): SignDecayFn {
  return (globalStep) => {
    const step = minimum(requireStep(globalStep, 'cosine_decay'), decaySteps);
    const num = mod(multiply(numPeriods, toF(step)), toF(decaySteps));
    const decayed = multiply(0.5, add(1.0, cos(multiply(Math.PI, divide(num, toF(decaySteps))))));
    if (zeroAfter === null) return decayed;
    const tmp = divide(toF(multiply(cast(numPeriods, step.dtype), step)), toF(decaySteps));
    return where(greaterEqual(tmp, zeroAfter), 0.0, decayed);
  };
}
