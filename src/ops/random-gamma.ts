/**
 * `tf.randomGamma` (tf.random.gamma; TF's RandomGamma op) and `tf.randomPoisson`
 * (tf.random.poisson; RandomPoissonV2), with RandomGamma's implicit reparameterization gradient
 * (RandomGammaGrad, TF 1.15 random_grad.py). Samples are drawn with TF's algorithms:
 * Marsaglia–Tsang for the gamma (α < 1 boosted to α + 1 and scaled by u^(1/α); α = 1 the
 * exponential −log1p(−u)), Knuth's product of uniforms for Poisson rates below 10 and Hörmann's
 * transformed rejection (PTRS) above. They run on the host before the device plan; each output
 * element has its own Philox4x32-10 stream (key = the graph and op seeds, counter = element,
 * the op's run count in the session, block), so a fresh session repeats its sequence and each
 * run draws anew. Not TF's exact bits: TF consumes its Philox stream differently.
 */
import { tf1Function } from '../args.js';
import { type DType, parseDType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Operation, Tensor } from '../graph/tensor.js';
import { philox } from '../device/philox.js';
import { lgamma } from '../device/cpu/kernels/special.js';
import type { NDArray } from '../ndarray.js';
import { registerHostOp } from '../session/host-stage.js';
import type { SessionState } from '../session/runner.js';
import { type PartialShape, cShape } from '../shape.js';
import { concat, range, reshape, shape as shapeOf, shapeFnError, zerosLike } from './array.js';
import { type TensorLike, isConvertible, toTensor } from './convert.js';
import { gammaSampleGradAlpha } from './gamma-beta-math.js';
import { arrayOf, valuesOf } from './host-values.js';
import { defineBinaryHost } from './incomplete-gamma-beta.js';
import { add, maximum, multiply, realDiv, reduceSum } from './math.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import './special-random-graphdef.js';
import { shapeTensor, shapeValue } from './shape-value.js';

interface RandomAttrs { seed: number; seed2: number; dtype?: DType; [k: string]: unknown }

// ----- the per-element streams ----------------------------------------------------------------------
const TWO_PI = 2 * Math.PI;
/** Uniform doubles in [0, 1) from Philox blocks (53 bits from two words), for output element `i`. */
function stream(seed: [number, number], run: number, i: number, tag: number): () => number {
  const w = new Uint32Array(4);
  let block = 0;
  let j = 4;
  return () => {
    if (j === 4) {
      philox(i >>> 0, run >>> 0, block++, tag, seed[0] >>> 0, seed[1] >>> 0, w);
      j = 0;
    }
    const hi = w[j++]! >>> 5;
    const lo = w[j++]! >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  };
}
function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(TWO_PI * u());
}

/** One Gamma(α, 1) sample by Marsaglia and Tsang's method, as TF's RandomGamma kernel. */
export function sampleGamma(alpha: number, u: () => number): number {
  if (!(alpha > 0)) return NaN;
  if (alpha === 1) return -Math.log1p(-u());
  const boost = alpha < 1;
  const d = (boost ? alpha + 1 : alpha) - 1 / 3;
  const c = 1 / (3 * Math.sqrt(d));
  for (;;) {
    const x = normal(u);
    let v = 1 + x * c;
    if (v <= 0) continue;
    v = v * v * v;
    const uu = u();
    const x2 = x * x;
    if (uu < 1 - 0.0331 * x2 * x2 || Math.log(uu) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
      let r = d * v;
      if (boost) r *= Math.pow(1 - u(), 1 / alpha);
      return r;
    }
  }
}

/** One Poisson(rate) sample as TF's RandomPoisson kernel: Knuth below 10, PTRS (Hörmann 1993) above. */
export function samplePoisson(rate: number, u: () => number): number {
  if (!(rate >= 0)) return NaN;
  if (rate === Infinity) return Infinity;
  if (rate < 10) {
    const expNeg = Math.exp(-rate);
    let prod = 1;
    for (let x = 0; ; x++) {
      prod *= u();
      if (prod <= expNeg) return x;
    }
  }
  const logRate = Math.log(rate);
  const b = 0.931 + 2.53 * Math.sqrt(rate);
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const uu = u() - 0.5;
    const v = u();
    const us = 0.5 - Math.abs(uu);
    const k = Math.floor(((2 * a) / us + b) * uu + rate + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    const s = Math.log((v * invAlpha) / (a / (us * us) + b));
    const t = -rate + k * logRate - lgamma(k + 1);
    if (s <= t) return k;
  }
}

// ----- ops ------------------------------------------------------------------------------------------
const runs = new WeakMap<SessionState, Map<Operation, number>>();
function runCount(state: SessionState, op: Operation): number {
  let m = runs.get(state);
  if (!m) runs.set(state, (m = new Map()));
  const k = m.get(op) ?? 0;
  m.set(op, k + 1);
  return k;
}

/** MakeShapeFromShapeTensor(shape) ++ shape(param), TF's shape function of both ops. */
function sampleShape(shape: Tensor, param: Tensor, name: string, type: string): PartialShape {
  if (shape.shape !== null && shape.shape.length !== 1) throw shapeFnError(`Shape must be rank 1 but is rank ${shape.shape.length}`, name, type, [shape.shape, param.shape]);
  const s = shapeValue(shape);
  return s === null || param.shape === null ? null : [...s, ...param.shape];
}
function dimsOf(v: NDArray, op: Operation): number[] {
  const dims = Array.from(v.data as ArrayLike<number>, Number);
  const neg = dims.find((d) => d < 0);
  if (neg !== undefined) throw new InvalidArgumentError(`Dimension ${neg} must be >= 0`, op.name);
  return dims;
}

const GAMMA_T = ['float16', 'float32', 'float64'];
defineOp<RandomAttrs>({
  type: 'RandomGamma',
  infer: ([shape, alpha], _a, name) => {
    if (!GAMMA_T.includes(alpha!.dtype)) throw new TypeError(`Value passed to parameter 'alpha' has DataType ${alpha!.dtype} not in list of allowed values: float16, float32, float64`);
    return [{ dtype: alpha!.dtype, shape: sampleShape(shape!, alpha!, name, 'RandomGamma') }];
  },
  lower: () => {
    throw new Error('RandomGamma runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerHostOp('RandomGamma', function* (op, [shape, alpha], hc) {
  const a = op.attrs as RandomAttrs;
  const dims = dimsOf(shape!, op);
  const alphas = valuesOf(alpha!);
  const samples = dims.reduce((p, d) => p * d, 1);
  const run = runCount(hc.runner.state, op);
  const out = new Float64Array(samples * alphas.length);
  for (let s = 0; s < samples; s++) {
    for (let j = 0; j < alphas.length; j++) {
      const i = s * alphas.length + j;
      out[i] = sampleGamma(alphas[j]!, stream([a.seed, a.seed2], run, i, 0x67616d6d));
    }
  }
  return [arrayOf(out, [...dims, ...alpha!.shape], alpha!.dtype)];
});

const POISSON_R = ['float16', 'float32', 'float64', 'int32', 'int64'];
defineOp<RandomAttrs>({
  type: 'RandomPoissonV2',
  infer: ([shape, rate], a, name) => {
    if (!POISSON_R.includes(rate!.dtype)) throw new TypeError(`Value passed to parameter 'rate' has DataType ${rate!.dtype} not in list of allowed values: float16, float32, float64, int32, int64`);
    return [{ dtype: a.dtype!, shape: sampleShape(shape!, rate!, name, 'RandomPoissonV2') }];
  },
  lower: () => {
    throw new Error('RandomPoissonV2 runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerHostOp('RandomPoissonV2', function* (op, [shape, rate], hc) {
  const a = op.attrs as RandomAttrs;
  const dims = dimsOf(shape!, op);
  const rates = valuesOf(rate!);
  const samples = dims.reduce((p, d) => p * d, 1);
  const run = runCount(hc.runner.state, op);
  const out = new Float64Array(samples * rates.length);
  for (let s = 0; s < samples; s++) {
    for (let j = 0; j < rates.length; j++) {
      const i = s * rates.length + j;
      out[i] = samplePoisson(rates[j]!, stream([a.seed, a.seed2], run, i, 0x706f6973));
    }
  }
  return [arrayOf(out, [...dims, ...rate!.shape], a.dtype!)];
});
registerGradient('RandomPoissonV2', null);

defineBinaryHost('RandomGammaGrad', ['alpha', 'sample'], gammaSampleGradAlpha);
registerGradient('RandomGammaGrad', null);

// TF 1.15 random_grad.py: ∂sample/∂α broadcast against the samples, summed over the sample dims.
registerGradient('RandomGamma', (op, [grad]) => {
  if (!grad) return [null, null];
  const [shape, alpha] = op.inputs as [Tensor, Tensor];
  const sample = op.outputs[0]!;
  return op.graph.controlDependencies([grad], () => {
    const k = shape.shape?.[0];
    if (k === null || k === undefined) throw new ValueError(`RandomGamma's gradient needs the length of its shape input known, got shape ${cShape(shape.shape)}`);
    // TF's add_leading_unit_dimensions: reshape to [1]·k ++ shape(alpha)
    const broadcastable = reshape(alpha, concat([toTensor(new Int32Array(k).fill(1) as never, 'int32'), shapeOf(alpha, { outType: 'int32' })], 0));
    const partialA = makeOp(op.graph, 'RandomGammaGrad', [broadcastable, sample], {}, undefined, 'RandomGammaGrad').outputs[0]!;
    return [null, reduceSum(multiply(grad, partialA), range(0, k))];
  });
});

// ----- public functions -------------------------------------------------------------------------------
function opSeeds(seed: number | null | undefined): [number, number] {
  return getDefaultGraph().getSeed(seed ?? undefined) ?? [(Math.random() * 2 ** 31) | 0, (Math.random() * 2 ** 31) | 0];
}
const TINY: Partial<Record<DType, number>> = { float16: 6.103515625e-5, float32: 1.1754943508222875e-38, float64: 2.2250738585072014e-308 };

/**
 * `tf.random_gamma(shape, alpha, beta=None, dtype=tf.float32, seed=None, name=None)`
 * (tf.random.gamma): samples of shape `shape ++ shape(alpha + 0·beta)` from Gamma(alpha, rate
 * beta), TF's composition max(tiny, RandomGamma(shape, alpha_broadcast) / beta).
 */
export const randomGamma = tf1Function(
  'randomGamma', ['shape', 'alpha', 'beta', 'dtype', 'seed', 'name'],
  (shape: TensorLike, alpha: TensorLike, beta?: TensorLike | null, dtype?: DType | string | null, seed?: number | null, name?: string | null): Tensor => {
    const dt = parseDType(dtype ?? 'float32');
    if (TINY[dt] === undefined) throw new TypeError(`Value for attr 'T' of ${dt} is not in the list of allowed values: half, float, double`);
    return getDefaultGraph().nameScope(name ?? 'random_gamma', (scope) => {
      const s = shapeTensor(toTensor(shape, 'int32', 'shape'));
      const a = toTensor(alpha, dt, 'alpha');
      const b = toTensor(beta ?? 1, dt, 'beta');
      const alphaBroadcast = add(a, zerosLike(b));
      const [seed1, seed2] = opSeeds(seed);
      const g = makeOp(getDefaultGraph(), 'RandomGamma', [s, alphaBroadcast], { seed: seed1, seed2 }, undefined, 'RandomGamma').outputs[0]!;
      return maximum(toTensor(TINY[dt]!, dt), realDiv(g, b), scope);
    });
  }, 2,
);

/**
 * `tf.random_poisson(lam, shape, dtype=tf.float32, seed=None, name=None)` (tf.random.poisson):
 * samples of shape `shape ++ shape(lam)` from Poisson(lam), TF's RandomPoissonV2 op.
 */
export const randomPoisson = tf1Function(
  'randomPoisson', ['lam', 'shape', 'dtype', 'seed', 'name'],
  (lam: TensorLike, shape: TensorLike, dtype?: DType | string | null, seed?: number | null, name?: string | null): Tensor => {
    const dt = parseDType(dtype ?? 'float32');
    if (!POISSON_R.includes(dt)) throw new TypeError(`Value for attr 'dtype' of ${dt} is not in the list of allowed values: half, float, double, int32, int64`);
    return getDefaultGraph().nameScope(name ?? 'random_poisson', (scope) => {
      const s = shapeTensor(toTensor(shape, 'int32', 'shape'));
      // a plain number becomes RandomPoissonV2's default rate dtype, float64
      const rate = lam instanceof Tensor ? lam : toTensor(lam, isConvertible(lam) ? undefined : 'float64', 'lam');
      const [seed1, seed2] = opSeeds(seed);
      return makeOp(getDefaultGraph(), 'RandomPoissonV2', [s, rate], { seed: seed1, seed2, dtype: dt }, scope, 'RandomPoissonV2').outputs[0]!;
    });
  }, 2,
);
