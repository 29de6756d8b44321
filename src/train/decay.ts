/**
 * Learning-rate schedules of `tf.train`, built as graph ops on the global step (cast to the
 * learning rate's dtype, float32 by default), so they are evaluated in the same run.
 */
import type { DType } from '../dtype.js';
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Graph } from '../graph/graph.js';
import type { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import {
  add, cast, ceil, cos, equal, exp, floor, lessEqual, log, minimum, multiply, negative, pow, realDiv, sqrt, subtract, where,
} from '../ops/math.js';
import { cosineDecayArgs, decayArgs, piecewiseConstantArgs, polynomialDecayArgs, polynomialDecayOptions } from '../schemas.js';
import { parseArgs } from '../validate.js';
import { tf1Function } from '../args.js';
import { randomNormal } from '../ops/random.js';

function graphOf(...xs: TensorLike[]): Graph | null {
  for (const x of xs) {
    if (typeof x === 'object' && x !== null && 'graph' in x) return (x as { graph: Graph }).graph;
  }
  return null;
}

function scoped<T>(name: string | undefined, fallback: string, inputs: TensorLike[], fn: (scope: string) => T): T {
  const g = graphOf(...inputs);
  if (g) return g.asDefault(() => g.nameScope(name ?? fallback, fn));
  return getDefaultGraph().nameScope(name ?? fallback, fn);
}

/**
 * The global step as `dt`. An int64 step lives on the CPU (WebGPU has no 64-bit types), so the
 * cast runs beside it.
 */
function castStep(step: TensorLike, dt: DType): Tensor {
  const t = toTensor(step);
  return onDeviceOf(t, () => cast(t, dt));
}

/** Run `fn` on the device of `t` (or of the variable it reads), when it has one. */
function onDeviceOf<T>(t: Tensor, fn: () => T): T {
  const src = t.op.type === 'Identity' && t.op.inputs[0]?.op.type === 'VariableV2' ? t.op.inputs[0].op : t.op;
  return src.device ? t.graph.device(src.device, fn) : fn();
}

function lrTensor(lr: TensorLike): Tensor {
  return toTensor(lr, typeof lr === 'number' ? 'float32' : undefined, 'learning_rate');
}

type Scalar = TensorLike;
/** None (null) is the default, as in TF1. */
function dflt<T>(v: T | null | undefined, d: T): T {
  return v === null || v === undefined ? d : v;
}
function needStep(globalStep: unknown, what: string): void {
  if (globalStep === null || globalStep === undefined) throw new ValueError(`global_step is required for ${what}.`);
}

function decayImpl(
  kind: 'exponentialDecay' | 'inverseTimeDecay' | 'naturalExpDecay',
  learningRate: Scalar, globalStep: Scalar, decaySteps: Scalar, decayRate: Scalar, staircase?: boolean | null, name?: string | null,
): Tensor {
  const what = { exponentialDecay: 'exponential_decay', inverseTimeDecay: 'inverse_time_decay', naturalExpDecay: 'natural_exp_decay' }[kind];
  needStep(globalStep, what);
  const st = dflt(staircase, false);
  const nm = name ?? undefined;
  parseArgs(decayArgs, { learningRate, globalStep, decaySteps, decayRate, staircase: st, name: nm }, kind);
  const fallback = { exponentialDecay: 'ExponentialDecay', inverseTimeDecay: 'InverseTimeDecay', naturalExpDecay: 'NaturalExpDecay' }[kind];
  return scoped(nm, fallback, [learningRate, globalStep], (scope) => {
    const lr = lrTensor(learningRate);
    const dt = lr.dtype;
    let p = realDiv(castStep(globalStep, dt), cast(decaySteps, dt));
    if (st) p = floor(p);
    const rate = cast(decayRate, dt);
    if (kind === 'exponentialDecay') return multiply(lr, pow(rate, p), scope);
    if (kind === 'inverseTimeDecay') return realDiv(lr, add(cast(1, dt), multiply(rate, p)), scope);
    return multiply(lr, exp(multiply(negative(rate), p)), scope);
  });
}

const DECAY_NAMES = ['learningRate', 'globalStep', 'decaySteps', 'decayRate', 'staircase', 'name'] as const;

/**
 * `tf.train.exponential_decay(learning_rate, global_step, decay_steps, decay_rate,
 * staircase=False, name=None)`: `lr * decayRate^(globalStep / decaySteps)` (floor of the
 * exponent when staircase).
 */
export const exponentialDecay = tf1Function('exponentialDecay', DECAY_NAMES, function exponentialDecay(
  learningRate: Scalar, globalStep: Scalar, decaySteps: Scalar, decayRate: Scalar, staircase?: boolean | null, name?: string | null,
): Tensor {
  return decayImpl('exponentialDecay', learningRate, globalStep, decaySteps, decayRate, staircase, name);
});

/** `tf.train.inverse_time_decay(...)`: `lr / (1 + decayRate * globalStep / decaySteps)` (floor of the ratio when staircase). */
export const inverseTimeDecay = tf1Function('inverseTimeDecay', DECAY_NAMES, function inverseTimeDecay(
  learningRate: Scalar, globalStep: Scalar, decaySteps: Scalar, decayRate: Scalar, staircase?: boolean | null, name?: string | null,
): Tensor {
  return decayImpl('inverseTimeDecay', learningRate, globalStep, decaySteps, decayRate, staircase, name);
});

/** `tf.train.natural_exp_decay(...)`: `lr * exp(-decayRate * globalStep / decaySteps)` (floor of the ratio when staircase). */
export const naturalExpDecay = tf1Function('naturalExpDecay', DECAY_NAMES, function naturalExpDecay(
  learningRate: Scalar, globalStep: Scalar, decaySteps: Scalar, decayRate: Scalar, staircase?: boolean | null, name?: string | null,
): Tensor {
  return decayImpl('naturalExpDecay', learningRate, globalStep, decaySteps, decayRate, staircase, name);
});

export interface PolynomialDecayOptions {
  endLearningRate?: number | null;
  power?: number | null;
  cycle?: boolean | null;
  name?: string | null;
}
/**
 * `tf.train.polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001,
 * power=1.0, cycle=False, name=None)`: `(lr - end) * (1 - step/decaySteps)^power + end`, with
 * the step clipped at decaySteps; with `cycle`, decaySteps grows to the first multiple above
 * the step instead.
 */
export const polynomialDecay = tf1Function(
  'polynomialDecay', ['learningRate', 'globalStep', 'decaySteps', 'endLearningRate', 'power', 'cycle', 'name'],
  function polynomialDecay(
    learningRate: Scalar, globalStep: Scalar, decaySteps: Scalar, endLearningRate?: number | null, power?: number | null, cycle?: boolean | null, name?: string | null,
  ): Tensor {
    needStep(globalStep, 'polynomial_decay');
    parseArgs(polynomialDecayArgs, { learningRate, globalStep, decaySteps }, 'polynomialDecay');
    const end0 = dflt(endLearningRate, 0.0001);
    const pw = dflt(power, 1.0);
    const cyc = dflt(cycle, false);
    parseArgs(polynomialDecayOptions, { endLearningRate: end0, power: pw, cycle: cyc, name: name ?? undefined }, 'polynomialDecay');
    return scoped(name ?? undefined, 'PolynomialDecay', [learningRate, globalStep], (scope) => {
      const lr = lrTensor(learningRate);
      const dt = lr.dtype;
      let step = castStep(globalStep, dt);
      let steps = cast(decaySteps, dt);
      if (cyc) {
        const mult = where(equal(step, 0), cast(1, dt), ceil(realDiv(step, steps)));
        steps = multiply(steps, mult);
      } else {
        step = minimum(step, steps);
      }
      const p = realDiv(step, steps);
      const end = cast(end0, dt);
      return add(multiply(subtract(lr, end), pow(subtract(cast(1, dt), p), cast(pw, dt))), end, scope);
    });
  },
);

/**
 * `tf.train.cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None)`:
 * `0.5 * (1 + cos(pi * min(step, decaySteps) / decaySteps))`, scaled to `[alpha, 1]`, times lr.
 */
export const cosineDecay = tf1Function(
  'cosineDecay', ['learningRate', 'globalStep', 'decaySteps', 'alpha', 'name'],
  function cosineDecay(learningRate: Scalar, globalStep: Scalar, decaySteps: Scalar, alpha?: number | null, name?: string | null): Tensor {
    if (globalStep === null || globalStep === undefined) throw new ValueError('cosine decay requires global_step');
    const a = dflt(alpha, 0.0);
    parseArgs(cosineDecayArgs, { learningRate, globalStep, decaySteps, alpha: a, name: name ?? undefined }, 'cosineDecay');
    return scoped(name ?? undefined, 'CosineDecay', [learningRate, globalStep], (scope) => {
      const lr = lrTensor(learningRate);
      const dt = lr.dtype;
      const steps = cast(decaySteps, dt);
      const p = realDiv(minimum(castStep(globalStep, dt), steps), steps);
      const c = multiply(cast(0.5, dt), add(cast(1, dt), cos(multiply(cast(Math.PI, dt), p))));
      return multiply(lr, add(multiply(cast(1 - a, dt), c), cast(a, dt)), scope);
    });
  },
);

/**
 * `tf.train.cosine_decay_restarts(learning_rate, global_step, first_decay_steps, t_mul=2.0,
 * m_mul=1.0, alpha=0.0, name=None)` (SGDR): cosine decay over periods that grow by `tMul`, each
 * restarting at `mMul` times the previous period's start.
 */
export const cosineDecayRestarts = tf1Function(
  'cosineDecayRestarts', ['learningRate', 'globalStep', 'firstDecaySteps', 'tMul', 'mMul', 'alpha', 'name'],
  function cosineDecayRestarts(
    learningRate: Scalar, globalStep: Scalar, firstDecaySteps: Scalar, tMul?: number | null, mMul?: number | null, alpha?: number | null, name?: string | null,
  ): Tensor {
    if (globalStep === null || globalStep === undefined) throw new ValueError('cosine decay restarts requires global_step');
    const tm = dflt(tMul, 2.0);
    const mm = dflt(mMul, 1.0);
    const a = dflt(alpha, 0.0);
    parseArgs(polynomialDecayArgs, { learningRate, globalStep, decaySteps: firstDecaySteps }, 'cosineDecayRestarts');
    for (const [k, v] of [['tMul', tm], ['mMul', mm], ['alpha', a]] as const) {
      if (typeof v !== 'number') throw new TypeError(`Invalid cosineDecayRestarts argument ${k}: expected a number, got ${String(v)}`);
    }
    return scoped(name ?? undefined, 'SGDRDecay', [learningRate, globalStep], (scope) => {
      const lr = lrTensor(learningRate);
      const dt = lr.dtype;
      const frac0 = realDiv(castStep(globalStep, dt), cast(firstDecaySteps, dt));
      let iRestart: Tensor;
      let frac: Tensor;
      if (tm === 1.0) {
        iRestart = floor(frac0);
        frac = subtract(frac0, iRestart);
      } else {
        const t = cast(tm, dt);
        iRestart = floor(realDiv(log(subtract(cast(1, dt), multiply(frac0, cast(1 - tm, dt)))), log(t)));
        const sumR = realDiv(subtract(cast(1, dt), pow(t, iRestart)), cast(1 - tm, dt));
        frac = realDiv(subtract(frac0, sumR), pow(t, iRestart));
      }
      const mFac = pow(cast(mm, dt), iRestart);
      const c = multiply(multiply(cast(0.5, dt), mFac), add(cast(1, dt), cos(multiply(cast(Math.PI, dt), frac))));
      return multiply(lr, add(multiply(cast(1 - a, dt), c), cast(a, dt)), scope);
    });
  },
);

function linearCosine(
  where: string, learningRate: Scalar, globalStep: Scalar, decaySteps: Scalar, numPeriods: number, alpha: number, beta: number,
  name: string | undefined, fallback: string, noise: ((linear: Tensor, step: Tensor, dt: DType) => Tensor) | null,
): Tensor {
  for (const [k, v] of [['numPeriods', numPeriods], ['alpha', alpha], ['beta', beta]] as const) {
    if (typeof v !== 'number') throw new TypeError(`Invalid ${where} argument ${k}: expected a number, got ${String(v)}`);
  }
  parseArgs(polynomialDecayArgs, { learningRate, globalStep, decaySteps }, where);
  return scoped(name, fallback, [learningRate, globalStep], (scope) => {
    const lr = lrTensor(learningRate);
    const dt = lr.dtype;
    const steps = cast(decaySteps, dt);
    const step = minimum(castStep(globalStep, dt), steps);
    let linear = realDiv(subtract(steps, step), steps);
    if (noise) linear = noise(linear, step, dt);
    const fraction = multiply(cast(2 * numPeriods, dt), realDiv(step, steps));
    const c = multiply(cast(0.5, dt), add(cast(1, dt), cos(multiply(cast(Math.PI, dt), fraction))));
    const lc = add(multiply(add(cast(alpha, dt), linear), c), cast(beta, dt));
    return multiply(lr, lc, scope);
  });
}

/**
 * `tf.train.linear_cosine_decay(learning_rate, global_step, decay_steps, num_periods=0.5,
 * alpha=0.0, beta=0.001, name=None)`: `lr * ((alpha + linear) * cosine + beta)` with
 * `linear = (decaySteps - step) / decaySteps`, `cosine = 0.5 (1 + cos(2π numPeriods step /
 * decaySteps))`, the step clipped at decaySteps.
 */
export const linearCosineDecay = tf1Function(
  'linearCosineDecay', ['learningRate', 'globalStep', 'decaySteps', 'numPeriods', 'alpha', 'beta', 'name'],
  function linearCosineDecay(
    learningRate: Scalar, globalStep: Scalar, decaySteps: Scalar, numPeriods?: number | null, alpha?: number | null, beta?: number | null, name?: string | null,
  ): Tensor {
    if (globalStep === null || globalStep === undefined) throw new ValueError('linear cosine decay requires global_step');
    return linearCosine('linearCosineDecay', learningRate, globalStep, decaySteps, dflt(numPeriods, 0.5), dflt(alpha, 0.0), dflt(beta, 0.001),
      name ?? undefined, 'LinearCosineDecay', null);
  },
);

/**
 * `tf.train.noisy_linear_cosine_decay(learning_rate, global_step, decay_steps,
 * initial_variance=1.0, variance_decay=0.55, num_periods=0.5, alpha=0.0, beta=0.001, name=None)`:
 * linear cosine decay with Gaussian noise of variance `initialVariance / (1 + step)^varianceDecay`
 * added to the linear part (a fresh draw on every evaluation).
 */
export const noisyLinearCosineDecay = tf1Function(
  'noisyLinearCosineDecay',
  ['learningRate', 'globalStep', 'decaySteps', 'initialVariance', 'varianceDecay', 'numPeriods', 'alpha', 'beta', 'name'],
  function noisyLinearCosineDecay(
    learningRate: Scalar, globalStep: Scalar, decaySteps: Scalar, initialVariance?: number | null, varianceDecay?: number | null,
    numPeriods?: number | null, alpha?: number | null, beta?: number | null, name?: string | null,
  ): Tensor {
    if (globalStep === null || globalStep === undefined) throw new ValueError('noisy linear cosine decay requires global_step');
    const iv = dflt(initialVariance, 1.0);
    const vd = dflt(varianceDecay, 0.55);
    for (const [k, v] of [['initialVariance', iv], ['varianceDecay', vd]] as const) {
      if (typeof v !== 'number') throw new TypeError(`Invalid noisyLinearCosineDecay argument ${k}: expected a number, got ${String(v)}`);
    }
    return linearCosine('noisyLinearCosineDecay', learningRate, globalStep, decaySteps, dflt(numPeriods, 0.5), dflt(alpha, 0.0), dflt(beta, 0.001),
      name ?? undefined, 'NoisyLinearCosineDecay', (linear, step, dt) => {
        const variance = realDiv(cast(iv, dt), pow(add(cast(1, dt), step), cast(vd, dt)));
        const std = sqrt(variance);
        return add(linear, multiply(randomNormal([], 0, 1, dt), std));
      });
  },
);

/**
 * `tf.train.piecewise_constant(x, boundaries, values, name=None)`: `values[0]` while x <=
 * boundaries[0], `values[i]` while boundaries[i-1] < x <= boundaries[i], `values[n]` after
 * boundaries[n-1]. Boundaries take x's dtype.
 */
export const piecewiseConstant = tf1Function(
  'piecewiseConstant', ['x', 'boundaries', 'values', 'name'],
  function piecewiseConstant(x: Scalar, boundaries: readonly number[], values: readonly Scalar[], name?: string | null): Tensor {
    parseArgs(piecewiseConstantArgs, { x, boundaries, values, name: name ?? undefined }, 'piecewiseConstant');
    if (boundaries.length !== values.length - 1) {
      throw new ValueError('The length of boundaries should be 1 less than the length of values');
    }
    return scoped(name ?? undefined, 'PiecewiseConstant', [x, ...values], () => {
      const xt = toTensor(x);
      const vs = values.map((v) => toTensor(v, typeof v === 'number' ? 'float32' : undefined));
      for (const v of vs) {
        if (v.dtype !== vs[0]!.dtype) throw new ValueError(`Values must have elements all with the same dtype (${vs[0]!.dtype} != ${v.dtype}).`);
      }
      // The comparisons run where x lives (an int64 step is on the CPU).
      return onDeviceOf(xt, () => {
        let out = vs[vs.length - 1]!;
        for (let i = boundaries.length - 1; i >= 0; i--) {
          out = where(lessEqual(xt, cast(boundaries[i]!, xt.dtype)), vs[i]!, out);
        }
        return out;
      });
    });
  },
  3,
);
