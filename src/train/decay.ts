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
  add, cast, ceil, cos, equal, exp, floor, lessEqual, minimum, multiply, negative, pow, realDiv, subtract, where,
} from '../ops/math.js';
import { cosineDecayArgs, decayArgs, piecewiseConstantArgs, polynomialDecayArgs, polynomialDecayOptions } from '../schemas.js';
import { parseArgs, parseOptions } from '../validate.js';

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

/** `lr * decayRate^(globalStep / decaySteps)` (floor of the exponent when staircase). */
export function exponentialDecay(
  learningRate: TensorLike, globalStep: TensorLike, decaySteps: TensorLike, decayRate: TensorLike, staircase = false, name?: string,
): Tensor {
  if (globalStep === null || globalStep === undefined) throw new ValueError('global_step is required for exponential_decay.');
  parseArgs(decayArgs, { learningRate, globalStep, decaySteps, decayRate, staircase, name }, 'exponentialDecay');
  return scoped(name, 'ExponentialDecay', [learningRate, globalStep], (scope) => {
    const lr = lrTensor(learningRate);
    const dt = lr.dtype;
    let p = realDiv(castStep(globalStep, dt), cast(decaySteps, dt));
    if (staircase) p = floor(p);
    return multiply(lr, pow(cast(decayRate, dt), p), scope);
  });
}

/** `lr / (1 + decayRate * globalStep / decaySteps)` (floor of the ratio when staircase). */
export function inverseTimeDecay(
  learningRate: TensorLike, globalStep: TensorLike, decaySteps: TensorLike, decayRate: TensorLike, staircase = false, name?: string,
): Tensor {
  if (globalStep === null || globalStep === undefined) throw new ValueError('global_step is required for inverse_time_decay.');
  parseArgs(decayArgs, { learningRate, globalStep, decaySteps, decayRate, staircase, name }, 'inverseTimeDecay');
  return scoped(name, 'InverseTimeDecay', [learningRate, globalStep], (scope) => {
    const lr = lrTensor(learningRate);
    const dt = lr.dtype;
    let p = realDiv(castStep(globalStep, dt), cast(decaySteps, dt));
    if (staircase) p = floor(p);
    return realDiv(lr, add(cast(1, dt), multiply(cast(decayRate, dt), p)), scope);
  });
}

/** `lr * exp(-decayRate * globalStep / decaySteps)` (floor of the ratio when staircase). */
export function naturalExpDecay(
  learningRate: TensorLike, globalStep: TensorLike, decaySteps: TensorLike, decayRate: TensorLike, staircase = false, name?: string,
): Tensor {
  if (globalStep === null || globalStep === undefined) throw new ValueError('global_step is required for natural_exp_decay.');
  parseArgs(decayArgs, { learningRate, globalStep, decaySteps, decayRate, staircase, name }, 'naturalExpDecay');
  return scoped(name, 'NaturalExpDecay', [learningRate, globalStep], (scope) => {
    const lr = lrTensor(learningRate);
    const dt = lr.dtype;
    let p = realDiv(castStep(globalStep, dt), cast(decaySteps, dt));
    if (staircase) p = floor(p);
    return multiply(lr, exp(multiply(negative(cast(decayRate, dt)), p)), scope);
  });
}

export interface PolynomialDecayOptions {
  endLearningRate?: number;
  power?: number;
  cycle?: boolean;
  name?: string;
}
/**
 * `(lr - end) * (1 - step/decaySteps)^power + end`, with the step clipped at decaySteps; with
 * `cycle`, decaySteps grows to the first multiple above the step instead.
 */
export function polynomialDecay(
  learningRate: TensorLike, globalStep: TensorLike, decaySteps: TensorLike, opts: PolynomialDecayOptions = {},
): Tensor {
  if (globalStep === null || globalStep === undefined) throw new ValueError('global_step is required for polynomial_decay.');
  parseArgs(polynomialDecayArgs, { learningRate, globalStep, decaySteps }, 'polynomialDecay');
  parseOptions(polynomialDecayOptions, opts, 'polynomialDecay');
  const { endLearningRate = 0.0001, power = 1.0, cycle = false } = opts;
  return scoped(opts.name, 'PolynomialDecay', [learningRate, globalStep], (scope) => {
    const lr = lrTensor(learningRate);
    const dt = lr.dtype;
    let step = castStep(globalStep, dt);
    let steps = cast(decaySteps, dt);
    if (cycle) {
      const mult = where(equal(step, 0), cast(1, dt), ceil(realDiv(step, steps)));
      steps = multiply(steps, mult);
    } else {
      step = minimum(step, steps);
    }
    const p = realDiv(step, steps);
    const end = cast(endLearningRate, dt);
    return add(multiply(subtract(lr, end), pow(subtract(cast(1, dt), p), cast(power, dt))), end, scope);
  });
}

/** `0.5 * (1 + cos(pi * min(step, decaySteps) / decaySteps))`, scaled to `[alpha, 1]`, times lr. */
export function cosineDecay(
  learningRate: TensorLike, globalStep: TensorLike, decaySteps: TensorLike, alpha = 0.0, name?: string,
): Tensor {
  if (globalStep === null || globalStep === undefined) throw new ValueError('cosine decay requires global_step');
  parseArgs(cosineDecayArgs, { learningRate, globalStep, decaySteps, alpha, name }, 'cosineDecay');
  return scoped(name, 'CosineDecay', [learningRate, globalStep], (scope) => {
    const lr = lrTensor(learningRate);
    const dt = lr.dtype;
    const steps = cast(decaySteps, dt);
    const p = realDiv(minimum(castStep(globalStep, dt), steps), steps);
    const c = multiply(0.5, add(1, cos(multiply(Math.PI, p))));
    return multiply(lr, add(multiply(1 - alpha, c), alpha), scope);
  });
}

/**
 * `values[0]` while x <= boundaries[0], `values[i]` while boundaries[i-1] < x <= boundaries[i],
 * `values[n]` after boundaries[n-1]. Boundaries take x's dtype.
 */
export function piecewiseConstant(x: TensorLike, boundaries: readonly number[], values: readonly TensorLike[], name?: string): Tensor {
  parseArgs(piecewiseConstantArgs, { x, boundaries, values, name }, 'piecewiseConstant');
  if (boundaries.length !== values.length - 1) {
    throw new ValueError('The length of boundaries should be 1 less than the length of values');
  }
  return scoped(name, 'PiecewiseConstant', [x, ...values], () => {
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
}
