/**
 * TF1's variable initializers (`tf.zeros_initializer()` … `tf.orthogonal_initializer()`): each
 * factory returns a function `(shape, dtype?, partitionInfo?) => Tensor` that builds the
 * initial value's ops, with TF1's defaults and formulas (init_ops.py).
 */
import { z } from 'zod';
import { type DType, isFloat, parseDType } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray, flattenTo, inferShape } from '../ndarray.js';
import { add, divide, matmul, multiply, reduceSum, sqrt, square } from '../ops/math.js';
import { constant } from '../ops/core.js';
import { ones, reshape, transpose, zeros } from '../ops/array.js';
import { randomNormal, randomUniform, truncatedNormal } from '../ops/random.js';
import { sizeOf } from '../shape.js';
import { kwargs } from '../args.js';
import { dtypeSchema, parseOptions, parseShape, seedSchema } from '../validate.js';

/** Where a slice of a partitioned variable sits in the whole (TF's `_PartitionInfo`). */
export interface PartitionInfo {
  fullShape: number[];
  varOffset: number[];
}

export interface Initializer {
  (shape: readonly number[], dtype?: DType | string | null, partitionInfo?: PartitionInfo | null): Tensor;
  /** TF1's class name (`Zeros`, `VarianceScaling`, …). */
  readonly className: string;
  /** The constructor arguments, as TF1's `get_config()` gives them. */
  getConfig(): Record<string, unknown>;
}

/** Marks an initializer factory, so that `getVariable` can call one passed uncalled (as TF1 does with a class). */
export const FACTORY = Symbol('tsflow.initializerFactory');

/** `<dtype: 'float32'>`, as TF1's messages print a DType. */
export function dtypeRepr(d: DType): string {
  return `<dtype: '${d}'>`;
}

function assertFloat(d: DType): DType {
  if (!isFloat(d)) throw new ValueError(`Expected floating point type, got ${dtypeRepr(d)}.`);
  return d;
}

function make(
  className: string,
  config: Record<string, unknown>,
  build: (shape: number[], dtype: DType, partitionInfo: PartitionInfo | null) => Tensor,
): Initializer {
  const defaultDType = config.dtype as DType;
  const init = (shape: readonly number[], dtype?: DType | string | null, partitionInfo?: PartitionInfo | null): Tensor =>
    build(parseShape(shape, className, 'shape'), dtype == null ? defaultDType : parseDType(dtype), partitionInfo ?? null);
  return Object.assign(init, { className, getConfig: () => ({ ...config }) });
}

function factory<A extends unknown[]>(f: (...args: A) => Initializer): (...args: A) => Initializer {
  return Object.assign(f, { [FACTORY]: true });
}

const dtype = dtypeSchema.optional();
const seed = seedSchema.nullish();
const num = z.number();

function opts<S extends z.ZodRawShape>(shape: S, args: unknown[], names: string[], where: string): z.output<z.ZodObject<S>> {
  return parseOptions(z.strictObject(shape), kwargs(args, names, where), where) as z.output<z.ZodObject<S>>;
}
const dt = (d: string | undefined): DType => parseDType(d ?? 'float32');
const seedOpt = (s: number | null | undefined): { seed?: number } => (s == null ? {} : { seed: s });

// ----- constants ---------------------------------------------------------------------------------
/** `tf.zeros_initializer(dtype = float32)`. */
export const zerosInitializer = factory((...args: unknown[]): Initializer => {
  const o = opts({ dtype }, args, ['dtype'], 'zerosInitializer');
  return make('Zeros', { dtype: dt(o.dtype) }, (shape, d) => zeros(shape, d));
});

/** `tf.ones_initializer(dtype = float32)`. */
export const onesInitializer = factory((...args: unknown[]): Initializer => {
  const o = opts({ dtype }, args, ['dtype'], 'onesInitializer');
  return make('Ones', { dtype: dt(o.dtype) }, (shape, d) => ones(shape, d));
});

type ConstValue = number | boolean | ConstValue[] | NDArray | ArrayLike<number>;

/**
 * `tf.constant_initializer(value = 0, dtype = float32, verify_shape = False)`. A list shorter
 * than the shape is padded with its last element, as TF1's constant does.
 */
export const constantInitializer = factory((...args: unknown[]): Initializer => {
  const o = opts({ value: z.unknown().optional(), dtype, verifyShape: z.boolean().optional() }, args, ['value', 'dtype', 'verifyShape'], 'constantInitializer');
  const value = (o.value ?? 0) as ConstValue;
  const ok = typeof value === 'number' || typeof value === 'boolean' || Array.isArray(value) || value instanceof NDArray || ArrayBuffer.isView(value);
  if (!ok) {
    throw new TypeError(`Invalid type for initial value: ${typeof value} (expected Python scalar, list or tuple of values, or numpy.ndarray).`);
  }
  const flat: number[] = value instanceof NDArray || ArrayBuffer.isView(value)
    ? Array.from((value instanceof NDArray ? value.data : value) as ArrayLike<number>)
    : Array.from(flattenTo(value, 'float64', sizeOf(inferShape(value))));
  const given = value instanceof NDArray ? value.shape : ArrayBuffer.isView(value) ? [flat.length] : inferShape(value);
  const verify = !!o.verifyShape;
  return make('Constant', { value, dtype: dt(o.dtype), verifyShape: verify }, (shape, d) => {
    const n = sizeOf(shape);
    if (verify && (given.length !== shape.length || given.some((g, i) => g !== shape[i]))) {
      throw new TypeError(`Expected Tensor's shape: (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), got (${given.join(', ')}${given.length === 1 ? ',' : ''}).`);
    }
    if (flat.length > n) throw new ValueError(`Too many elements provided. Needed at most ${n}, but received ${flat.length}`);
    if (flat.length === 0 && n > 0) throw new ValueError(`Expected ${n} values for shape (${shape.join(', ')}), got none`);
    const full = Array.from({ length: n }, (_, i) => flat[Math.min(i, flat.length - 1)]!);
    return constant(new NDArray(flattenTo(full, d, n), shape, d));
  });
});

// ----- random ------------------------------------------------------------------------------------
/** `tf.random_uniform_initializer(minval = 0, maxval = None (1 for floats), seed, dtype)`. */
export const randomUniformInitializer = factory((...args: unknown[]): Initializer => {
  const o = opts({ minval: num.optional(), maxval: num.nullish(), seed, dtype }, args, ['minval', 'maxval', 'seed', 'dtype'], 'randomUniformInitializer');
  const cfg = { minval: o.minval ?? 0, maxval: o.maxval ?? null, seed: o.seed ?? null, dtype: dt(o.dtype) };
  return make('RandomUniform', cfg, (shape, d) => {
    if (cfg.maxval === null && !isFloat(d)) throw new ValueError(`Must specify maxval for integer dtype ${dtypeRepr(d)}`);
    return randomUniform(shape, { minval: cfg.minval, maxval: cfg.maxval ?? 1, dtype: d, ...seedOpt(cfg.seed) });
  });
});

/** `tf.random_normal_initializer(mean = 0, stddev = 1, seed, dtype)`. */
export const randomNormalInitializer = factory((...args: unknown[]): Initializer => {
  const o = opts({ mean: num.optional(), stddev: num.optional(), seed, dtype }, args, ['mean', 'stddev', 'seed', 'dtype'], 'randomNormalInitializer');
  const cfg = { mean: o.mean ?? 0, stddev: o.stddev ?? 1, seed: o.seed ?? null, dtype: assertFloat(dt(o.dtype)) };
  return make('RandomNormal', cfg, (shape, d) =>
    randomNormal(shape, { mean: cfg.mean, stddev: cfg.stddev, dtype: assertFloat(d), ...seedOpt(cfg.seed) }));
});

/** `tf.truncated_normal_initializer(mean = 0, stddev = 1, seed, dtype)`: redrawn beyond 2 stddev. */
export const truncatedNormalInitializer = factory((...args: unknown[]): Initializer => {
  const o = opts({ mean: num.optional(), stddev: num.optional(), seed, dtype }, args, ['mean', 'stddev', 'seed', 'dtype'], 'truncatedNormalInitializer');
  const cfg = { mean: o.mean ?? 0, stddev: o.stddev ?? 1, seed: o.seed ?? null, dtype: assertFloat(dt(o.dtype)) };
  return make('TruncatedNormal', cfg, (shape, d) =>
    truncatedNormal(shape, { mean: cfg.mean, stddev: cfg.stddev, dtype: assertFloat(d), ...seedOpt(cfg.seed) }));
});

/** `tf.uniform_unit_scaling_initializer(factor = 1, seed, dtype)` (deprecated in TF1, still used). */
export const uniformUnitScalingInitializer = factory((...args: unknown[]): Initializer => {
  const o = opts({ factor: num.optional(), seed, dtype }, args, ['factor', 'seed', 'dtype'], 'uniformUnitScalingInitializer');
  const cfg = { factor: o.factor ?? 1, seed: o.seed ?? null, dtype: assertFloat(dt(o.dtype)) };
  return make('UniformUnitScaling', cfg, (shape, d, p) => {
    const s = p ? p.fullShape : shape;
    let inputSize = 1;
    for (const x of s.slice(0, -1)) inputSize *= x;
    const maxVal = Math.sqrt(3 / Math.max(1, inputSize)) * cfg.factor;
    return randomUniform(shape, { minval: -maxVal, maxval: maxVal, dtype: d, ...seedOpt(cfg.seed) });
  });
});

// ----- variance scaling ----------------------------------------------------------------------------
/**
 * TF1's `_compute_fans`: a matrix is (fan_in, fan_out); a conv kernel (..., in, out) multiplies
 * both by its receptive field.
 */
export function computeFans(shape: readonly number[]): [number, number] {
  if (shape.length < 1) return [1, 1];
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  if (shape.length === 2) return [shape[0]!, shape[1]!];
  let receptive = 1;
  for (const d of shape.slice(0, -2)) receptive *= d;
  return [shape[shape.length - 2]! * receptive, shape[shape.length - 1]! * receptive];
}

/** scipy.stats.truncnorm.std(a=-2, b=2): the stddev of a unit normal truncated at ±2. */
export const TRUNCATED_NORMAL_STD = 0.87962566103423978;

const MODES = ['fan_in', 'fan_out', 'fan_avg'] as const;
const DISTRIBUTIONS = ['normal', 'uniform', 'truncated_normal', 'untruncated_normal'] as const;

/**
 * `tf.variance_scaling_initializer(scale = 1, mode = 'fan_in', distribution = 'truncated_normal',
 * seed, dtype)`: variance `scale / n` with n = fan_in, fan_out or their mean. 'normal' is
 * TF1's alias of 'truncated_normal'.
 */
export const varianceScalingInitializer = factory((...args: unknown[]): Initializer => {
  const o = opts({ scale: num.optional(), mode: z.string().optional(), distribution: z.string().optional(), seed, dtype }, args, ['scale', 'mode', 'distribution', 'seed', 'dtype'], 'varianceScalingInitializer');
  const scale = o.scale ?? 1;
  if (!(scale > 0)) throw new ValueError('`scale` must be positive float.');
  const mode = o.mode ?? 'fan_in';
  if (!(MODES as readonly string[]).includes(mode)) throw new ValueError(`Invalid \`mode\` argument: ${mode}`);
  const distribution = (o.distribution ?? 'truncated_normal').toLowerCase();
  if (!(DISTRIBUTIONS as readonly string[]).includes(distribution)) throw new ValueError(`Invalid \`distribution\` argument: ${distribution}`);
  const cfg = { scale, mode, distribution, seed: o.seed ?? null, dtype: assertFloat(dt(o.dtype)) };
  return make('VarianceScaling', cfg, (shape, d, p) => {
    assertFloat(d);
    const [fanIn, fanOut] = computeFans(p ? p.fullShape : shape);
    const n = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const s = scale / Math.max(1, n);
    const so = seedOpt(cfg.seed);
    if (distribution === 'normal' || distribution === 'truncated_normal') {
      return truncatedNormal(shape, { mean: 0, stddev: Math.sqrt(s) / TRUNCATED_NORMAL_STD, dtype: d, ...so });
    }
    if (distribution === 'untruncated_normal') return randomNormal(shape, { mean: 0, stddev: Math.sqrt(s), dtype: d, ...so });
    const limit = Math.sqrt(3 * s);
    return randomUniform(shape, { minval: -limit, maxval: limit, dtype: d, ...so });
  });
});

function scaling(className: string, where: string, scale: number, mode: string, distribution: string) {
  return factory((...args: unknown[]): Initializer => {
    const o = opts({ seed, dtype }, args, ['seed', 'dtype'], where);
    const init = varianceScalingInitializer({ scale, mode, distribution, seed: o.seed ?? null, dtype: dt(o.dtype) });
    return Object.assign((s: readonly number[], d?: DType | string | null, p?: PartitionInfo | null) => init(s, d, p), {
      className,
      getConfig: () => ({ seed: o.seed ?? null, dtype: dt(o.dtype) }),
    });
  });
}

/** `tf.glorot_uniform_initializer(seed, dtype)`: uniform, limit sqrt(6 / (fan_in + fan_out)). */
export const glorotUniformInitializer = scaling('GlorotUniform', 'glorotUniformInitializer', 1, 'fan_avg', 'uniform');
/** `tf.glorot_normal_initializer(seed, dtype)`: truncated normal, stddev sqrt(2 / (fan_in + fan_out)). */
export const glorotNormalInitializer = scaling('GlorotNormal', 'glorotNormalInitializer', 1, 'fan_avg', 'truncated_normal');
export const heNormalInitializer = scaling('VarianceScaling', 'heNormal', 2, 'fan_in', 'truncated_normal');
export const heUniformInitializer = scaling('VarianceScaling', 'heUniform', 2, 'fan_in', 'uniform');
export const lecunNormalInitializer = scaling('VarianceScaling', 'lecunNormal', 1, 'fan_in', 'truncated_normal');
export const lecunUniformInitializer = scaling('VarianceScaling', 'lecunUniform', 1, 'fan_in', 'uniform');

// ----- orthogonal, identity --------------------------------------------------------------------------
/** Quintic Newton–Schulz steps (coefficients that grow small singular values ~3.4× a step), then cubic ones to converge. */
const QUINTIC = [3.4445, -4.775, 2.0315] as const;
const QUINTIC_STEPS = 20;
const CUBIC_STEPS = 6;

/**
 * The orthogonal polar factor `A (AᵀA)^(-1/2)` of a tall matrix, by Newton–Schulz iteration
 * (matmuls only). TF1 takes Q of a QR factorization instead; for a Gaussian `A` both are
 * Haar-distributed, and tsflow has no QR kernel.
 */
function polarFactor(a: Tensor, cols: number, d: DType): Tensor {
  const eye = constant(new NDArray(flattenTo(Array.from({ length: cols * cols }, (_, i) => (i % (cols + 1) === 0 ? 1 : 0)), d, cols * cols), [cols, cols], d));
  let x = divide(a, sqrt(reduceSum(square(a))));
  const step = (c0: number, c1: number, c2: number): void => {
    const g = matmul(x, x, { transposeA: true });
    let p = add(multiply(eye, c0), multiply(g, c1));
    if (c2 !== 0) p = add(p, multiply(matmul(g, g), c2));
    x = matmul(x, p);
  };
  for (let i = 0; i < QUINTIC_STEPS; i++) step(...QUINTIC);
  for (let i = 0; i < CUBIC_STEPS; i++) step(1.5, -0.5, 0);
  return x;
}

/** `tf.orthogonal_initializer(gain = 1, seed, dtype)`: orthonormal rows or columns of the flattened (prod(shape[:-1]), shape[-1]) matrix. */
export const orthogonalInitializer = factory((...args: unknown[]): Initializer => {
  const o = opts({ gain: num.optional(), seed, dtype }, args, ['gain', 'seed', 'dtype'], 'orthogonalInitializer');
  const cfg = { gain: o.gain ?? 1, seed: o.seed ?? null, dtype: assertFloat(dt(o.dtype)) };
  return make('Orthogonal', cfg, (shape, d) => {
    assertFloat(d);
    if (shape.length < 2) throw new ValueError('The tensor to initialize must be at least two-dimensional');
    const rows = sizeOf(shape.slice(0, -1));
    const cols = shape[shape.length - 1]!;
    const flat = rows < cols ? [cols, rows] : [rows, cols];
    const a = randomNormal(flat, { dtype: d, ...seedOpt(cfg.seed) });
    let q = polarFactor(a, flat[1]!, d);
    if (rows < cols) q = transpose(q);
    return multiply(reshape(q, shape), cfg.gain);
  });
});

/** `tf.initializers.identity(gain = 1, dtype)`: the identity matrix (2-D only). */
export const identityInitializer = factory((...args: unknown[]): Initializer => {
  const o = opts({ gain: num.optional(), dtype }, args, ['gain', 'dtype'], 'identityInitializer');
  const cfg = { gain: o.gain ?? 1, dtype: assertFloat(dt(o.dtype)) };
  return make('Identity', cfg, (shape, d) => {
    if (shape.length !== 2) throw new ValueError('Identity matrix initializer can only be used for 2D matrices.');
    const [r, c] = shape as [number, number];
    const vals = Array.from({ length: r * c }, (_, i) => (Math.floor(i / c) === i % c ? cfg.gain : 0));
    return constant(new NDArray(flattenTo(vals, d, r * c), shape, d));
  });
});

/** Is `x` an initializer factory passed without calling it (`{initializer: tf.zerosInitializer}`)? */
export function isInitializerFactory(x: unknown): x is () => Initializer {
  return typeof x === 'function' && (x as unknown as Record<symbol, unknown>)[FACTORY] === true;
}

