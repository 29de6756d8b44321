/** Seeded random ops: uniform, normal and truncated normal (Philox, repeatable per session). */
import { type DType, parseDType } from '../dtype.js';
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import type { RandomDist } from '../device/prims.js';
import { InvalidArgumentError } from '../errors.js';
import { operandValues } from './shape-operands.js';
import { shapeTensor, shapeValue } from './shape-value.js';
import { type TensorLike, isConvertible, toTensor } from './convert.js';
import { defineOp, makeOp } from './registry.js';
import { add, multiply, subtract } from './math.js';
import { randomOptions } from '../schemas.js';
import { parseOptions, parseShape } from '../validate.js';
import { tf1Function } from '../args.js';

interface RandomAttrs {
  [k: string]: unknown;
  /** Static shape, or null to take the value of input 0 (a shape vector, folded at plan time). */
  shape: number[] | null;
  seed: number;
  seed2: number;
  scale: number;
  shift: number;
  dtype: DType;
}

for (const [type, dist] of [
  ['RandomUniform', 'uniform'],
  ['RandomStandardNormal', 'normal'],
  ['TruncatedNormal', 'truncatedNormal'],
] as const) {
  defineOp<RandomAttrs>({
    type,
    infer: (ins, a) => [{ dtype: a.dtype, shape: a.shape ?? shapeValue(ins[0]!) }],
    lower: (b, ins, a) => {
      const shape = a.shape ?? operandValues(b, ins[0]!, `${type}'s shape`);
      // TF's TensorShapeUtils::MakeShape
      const neg = shape.find((d) => d < 0);
      if (neg !== undefined) throw new InvalidArgumentError(`Dimension ${neg} must be >= 0`, b.opName);
      const r = b.random(shape, dist as RandomDist, [a.seed >>> 0, a.seed2 >>> 0], a.scale, a.shift);
      return [b.cast(r, a.dtype)];
    },
    stateful: true,
  });
}

export interface RandomOptions {
  /** Each of mean, stddev, minval, maxval may be a number or a (scalar or broadcastable) tensor. */
  mean?: number | TensorLike;
  stddev?: number | TensorLike;
  minval?: number | TensorLike;
  maxval?: number | TensorLike;
  dtype?: DType | string;
  seed?: number;
  name?: string;
}

/** A static shape, a 1-D int tensor holding the shape, or a list mixing numbers and scalar tensors. */
export type ShapeArg = readonly (number | TensorLike)[] | Tensor;

function seeds(opSeed: number | undefined): [number, number] {
  const s = getDefaultGraph().getSeed(opSeed);
  if (s) return s;
  // Neither seed set: nondeterministic, as in TF.
  return [(Math.random() * 2 ** 31) | 0, (Math.random() * 2 ** 31) | 0];
}

/** `shape` is a static array, or a 1-D int tensor (or a list holding scalar tensors) whose value is the shape. */
function randomOp(type: string, defaultName: string, shape: ShapeArg, scale: number, shift: number, opts: RandomOptions, where: string): Tensor {
  const isTensor = shape instanceof Tensor || isConvertible(shape) || (Array.isArray(shape) && shape.some((d) => d instanceof Tensor || isConvertible(d)));
  const dims = isTensor ? null : parseShape(shape, where, 'shape');
  const [seed, seed2] = seeds(opts.seed);
  const dtype = parseDType(opts.dtype ?? 'float32');
  const g = getDefaultGraph();
  const ins = isTensor ? [shapeTensor(shape as TensorLike)] : [];
  return makeOp(g, type, ins, { shape: dims, seed, seed2, scale, shift, dtype }, opts.name, defaultName).outputs[0]!;
}

/**
 * Tensor-valued parameters: TF1's composition under the op's name scope, `raw * scale + shift`
 * (`random_normal/RandomStandardNormal`, `random_normal/mul`, `random_normal`).
 */
function scaledRandomOp(
  type: string, defaultName: string, shape: ShapeArg, opts: RandomOptions, where: string,
  params: (dtype: DType) => [scale: Tensor, shift: Tensor],
): Tensor {
  const g = getDefaultGraph();
  return g.nameScope(opts.name ?? defaultName, (scope) => {
    const dtype = parseDType(opts.dtype ?? 'float32');
    const [scale, shift] = params(dtype);
    const raw = randomOp(type, type, shape, 1, 0, { ...opts, name: undefined }, where);
    return add(multiply(raw, scale), shift, scope);
  });
}

const isNum = (x: unknown): x is number | undefined => x === undefined || typeof x === 'number';

function randomUniformImpl(shape: ShapeArg, opts: RandomOptions): Tensor {
  parseOptions(randomOptions, opts, 'randomUniform');
  if (isNum(opts.minval) && isNum(opts.maxval)) {
    const lo = opts.minval ?? 0;
    const hi = opts.maxval ?? 1;
    return randomOp('RandomUniform', 'random_uniform', shape, hi - lo, lo, opts, 'randomUniform');
  }
  return scaledRandomOp('RandomUniform', 'random_uniform', shape, opts, 'randomUniform', (dtype) => {
    const lo = toTensor(opts.minval ?? 0, dtype, 'min');
    const hi = toTensor(opts.maxval ?? 1, dtype, 'max');
    return [subtract(hi, lo), lo];
  });
}

function randomNormalImpl(shape: ShapeArg, opts: RandomOptions): Tensor {
  parseOptions(randomOptions, opts, 'randomNormal');
  if (isNum(opts.mean) && isNum(opts.stddev)) {
    return randomOp('RandomStandardNormal', 'random_normal', shape, opts.stddev ?? 1, opts.mean ?? 0, opts, 'randomNormal');
  }
  return scaledRandomOp('RandomStandardNormal', 'random_normal', shape, opts, 'randomNormal', (dtype) =>
    [toTensor(opts.stddev ?? 1, dtype, 'stddev'), toTensor(opts.mean ?? 0, dtype, 'mean')]);
}

function truncatedNormalImpl(shape: ShapeArg, opts: RandomOptions): Tensor {
  parseOptions(randomOptions, opts, 'truncatedNormal');
  if (isNum(opts.mean) && isNum(opts.stddev)) {
    return randomOp('TruncatedNormal', 'truncated_normal', shape, opts.stddev ?? 1, opts.mean ?? 0, opts, 'truncatedNormal');
  }
  return scaledRandomOp('TruncatedNormal', 'truncated_normal', shape, opts, 'truncatedNormal', (dtype) =>
    [toTensor(opts.stddev ?? 1, dtype, 'stddev'), toTensor(opts.mean ?? 0, dtype, 'mean')]);
}

type Shape = ShapeArg;
type Seed = number | null;
type DT = DType | string;
/** `tf.random_uniform(shape, minval = 0, maxval = 1, dtype = float32, seed?, name?)`. */
export const randomUniform = tf1Function(
  'randomUniform', ['shape', 'minval', 'maxval', 'dtype', 'seed', 'name'],
  (shape: Shape, minval?: TensorLike, maxval?: TensorLike | null, dtype?: DT, seed?: Seed, name?: string): Tensor =>
    randomUniformImpl(shape, { minval, maxval: maxval ?? undefined, dtype, seed: seed ?? undefined, name } as RandomOptions),
  1,
);
/** `tf.random_normal(shape, mean = 0, stddev = 1, dtype = float32, seed?, name?)`. */
export const randomNormal = tf1Function(
  'randomNormal', ['shape', 'mean', 'stddev', 'dtype', 'seed', 'name'],
  (shape: Shape, mean?: TensorLike, stddev?: TensorLike, dtype?: DT, seed?: Seed, name?: string): Tensor =>
    randomNormalImpl(shape, { mean, stddev, dtype, seed: seed ?? undefined, name } as RandomOptions),
  1,
);
/** `tf.truncated_normal(shape, mean = 0, stddev = 1, dtype = float32, seed?, name?)`. */
export const truncatedNormal = tf1Function(
  'truncatedNormal', ['shape', 'mean', 'stddev', 'dtype', 'seed', 'name'],
  (shape: Shape, mean?: TensorLike, stddev?: TensorLike, dtype?: DT, seed?: Seed, name?: string): Tensor =>
    truncatedNormalImpl(shape, { mean, stddev, dtype, seed: seed ?? undefined, name } as RandomOptions),
  1,
);
