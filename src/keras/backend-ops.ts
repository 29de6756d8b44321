/**
 * `tf.keras.backend`'s graph operations as TF 1.15's keras/backend.py builds them: thin wrappers
 * over tf ops with Keras's argument orders and defaults (axis=-1 for argmax/softmax, 0 for
 * cumsum), Keras's `dot` rule for n-d operands, `batch_dot`, `switch` / `in_train_phase`,
 * `relu(alpha, max_value, threshold)`, the convolution / pooling / padding helpers with
 * `data_format` ('channels_last' by default, channels-first transposed to NHWC as on CPU), and the
 * crossentropies with Keras's ε clipping of probabilities.
 */
import { type DType, parseDType } from '../dtype.js';
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import * as tf from '../index.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { Variable } from '../ops/variables.js';
import { epsilon, floatx, imageDataFormat, learningPhase } from './backend.js';

type X = Tensor | Variable;
type Axis = number | number[] | null;
type Branch = Tensor | (() => Tensor);

const T = (x: TensorLike | Variable): Tensor => (x instanceof Tensor ? x : toTensor(x as TensorLike));
const rank = (x: X): number | null => {
  const s = T(x).shape;
  return s === null ? null : s.length;
};
const fmt = (d: string | null | undefined): string => {
  const f = d ?? imageDataFormat();
  if (f !== 'channels_last' && f !== 'channels_first') throw new ValueError(`Unknown data_format: ${String(f)}`);
  return f;
};
const pyShape = (s: readonly (number | null)[] | null): string => (s === null ? 'None' : `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`);

// ----- element-wise and reductions ----------------------------------------------------------------
/** `K.abs(x)`. */
export const abs = (x: X): Tensor => tf.abs(T(x));
/** `K.all(x, axis=None, keepdims=False)`: x cast to bool, reduce_all. */
export const all = (x: X, axis: Axis = null, keepdims = false): Tensor => tf.reduceAll(tf.cast(T(x), 'bool'), axis, keepdims);
/** `K.any(x, axis=None, keepdims=False)`. */
export const any = (x: X, axis: Axis = null, keepdims = false): Tensor => tf.reduceAny(tf.cast(T(x), 'bool'), axis, keepdims);
/** `K.max(x, axis=None, keepdims=False)`. */
export const max = (x: X, axis: Axis = null, keepdims = false): Tensor => tf.reduceMax(T(x), axis, keepdims);
/** `K.min(x, axis=None, keepdims=False)`. */
export const min = (x: X, axis: Axis = null, keepdims = false): Tensor => tf.reduceMin(T(x), axis, keepdims);
/** `K.prod(x, axis=None, keepdims=False)`. */
export const prod = (x: X, axis: Axis = null, keepdims = false): Tensor => tf.reduceProd(T(x), axis, keepdims);
const boolToFloat = (x: X): Tensor => (T(x).dtype === 'bool' ? tf.cast(T(x), floatx()) : T(x));
/** `K.var(x, axis=None, keepdims=False)`: the population variance (bools cast to floatx). */
export function kVar(x: X, axis: Axis = null, keepdims = false): Tensor {
  const v = boolToFloat(x);
  const m = tf.reduceMean(v, axis, true);
  return tf.reduceMean(tf.square(tf.subtract(v, m)), axis, keepdims);
}
/** `K.std(x, axis=None, keepdims=False)`: sqrt of `K.var`. */
export const std = (x: X, axis: Axis = null, keepdims = false): Tensor => tf.sqrt(kVar(x, axis, keepdims));
/** `K.cumsum(x, axis=0)`. */
export const cumsum = (x: X, axis = 0): Tensor => tf.cumsum(T(x), axis);
/** `K.cumprod(x, axis=0)`. */
export const cumprod = (x: X, axis = 0): Tensor => tf.cumprod(T(x), axis);
/** `K.argmax(x, axis=-1)`. */
export const argmax = (x: X, axis = -1): Tensor => tf.argmax(T(x), axis);
/** `K.argmin(x, axis=-1)`. */
export const argmin = (x: X, axis = -1): Tensor => tf.argmin(T(x), axis);
export const exp = (x: X): Tensor => tf.exp(T(x));
export const log = (x: X): Tensor => tf.log(T(x));
/** `K.round(x)`: half to even. */
export const round = (x: X): Tensor => tf.round(T(x));
export const sign = (x: X): Tensor => tf.sign(T(x));
export const sin = (x: X): Tensor => tf.sin(T(x));
export const cos = (x: X): Tensor => tf.cos(T(x));
/** `K.pow(x, a)`. */
export const pow = (x: X, a: TensorLike): Tensor => tf.pow(T(x), a);
export const equal = (x: X, y: TensorLike | Variable): Tensor => tf.equal(T(x), T(y));
export const notEqual = (x: X, y: TensorLike | Variable): Tensor => tf.notEqual(T(x), T(y));
export const greater = (x: X, y: TensorLike | Variable): Tensor => tf.greater(T(x), T(y));
export const greaterEqual = (x: X, y: TensorLike | Variable): Tensor => tf.greaterEqual(T(x), T(y));
export const less = (x: X, y: TensorLike | Variable): Tensor => tf.less(T(x), T(y));
export const lessEqual = (x: X, y: TensorLike | Variable): Tensor => tf.lessEqual(T(x), T(y));
export const maximum = (x: X, y: TensorLike | Variable): Tensor => tf.maximum(T(x), T(y));
export const minimum = (x: X, y: TensorLike | Variable): Tensor => tf.minimum(T(x), T(y));
/** `K.clip(x, min_value, max_value)`: a max below the min is raised to it; a null max is +∞. */
export function clip(x: X, minValue: number, maxValue: number | null = null): Tensor {
  let hi = maxValue ?? Infinity;
  if (hi < minValue) hi = minValue;
  return tf.clipByValue(T(x), minValue, hi);
}
export const sigmoid = (x: X): Tensor => tf.sigmoid(T(x));
export const tanh = (x: X): Tensor => tf.tanh(T(x));
export const softplus = (x: X): Tensor => tf.nn.softplus(T(x));
export const softsign = (x: X): Tensor => tf.nn.softsign(T(x));
/** `K.softmax(x, axis=-1)`. */
export const softmax = (x: X, axis = -1): Tensor => tf.nn.softmax(T(x), axis);
/** `K.hard_sigmoid(x)`: clip(0.2·x + 0.5, 0, 1). */
export const hardSigmoid = (x: X): Tensor => tf.clipByValue(tf.add(tf.multiply(T(x), 0.2), 0.5), 0, 1);
/** `K.elu(x, alpha=1.0)`: where(x > 0, elu(x), alpha·elu(x)). */
export function elu(x: X, alpha = 1.0): Tensor {
  const r = tf.nn.elu(T(x));
  return alpha === 1 ? r : tf.where(tf.greater(T(x), 0), r, tf.multiply(r, alpha));
}
/**
 * `K.relu(x, alpha=0., max_value=None, threshold=0)`: x above the threshold (else alpha·(x −
 * threshold)), clipped at max_value; leaky_relu when only alpha is set, relu6 for max_value 6.
 */
export function relu(x: X, alpha = 0, maxValue: number | null = null, threshold = 0): Tensor {
  let v = T(x);
  let negative: Tensor | null = null;
  if (alpha !== 0) {
    if (maxValue === null && threshold === 0) return tf.nn.leakyRelu(v, alpha);
    negative = threshold !== 0 ? tf.nn.relu(tf.add(tf.negative(v), threshold)) : tf.nn.relu(tf.negative(v));
  }
  let clipMax = maxValue !== null;
  if (threshold !== 0) v = tf.multiply(v, tf.cast(tf.greater(v, threshold), v.dtype));
  else if (maxValue === 6) {
    v = tf.nn.relu6(v);
    clipMax = false;
  } else v = tf.nn.relu(v);
  if (clipMax) v = tf.clipByValue(v, 0, maxValue!);
  if (negative) v = tf.subtract(v, tf.multiply(alpha, negative));
  return v;
}
/** `K.l2_normalize(x, axis=None)`. */
export const l2Normalize = (x: X, axis: Axis = null): Tensor => tf.nn.l2Normalize(T(x), axis as number);
/** `K.in_top_k(predictions, targets, k)`. */
export const inTopK = (predictions: X, targets: X, k: number): Tensor => tf.nn.inTopK(T(predictions), T(targets), k);
/** `K.stop_gradient(variables)`: one tensor or a list. */
export function stopGradient(variables: X | X[]): Tensor | Tensor[] {
  return Array.isArray(variables) ? variables.map((v) => tf.stopGradient(T(v))) : tf.stopGradient(T(variables));
}

// ----- shapes and arrays ---------------------------------------------------------------------------
/** `K.ndim(x)`: the rank, or null when unknown. */
export const ndim = (x: X): number | null => rank(x);
/** `K.dtype(x)`: the dtype's name. */
export const dtype = (x: X): string => T(x).dtype;
/** `K.shape(x)`: the symbolic shape. */
export const shape = (x: X): Tensor => tf.shape(T(x));
/** `K.cast(x, dtype)`. */
export const cast = (x: X, d: DType | string): Tensor => tf.cast(T(x), parseDType(d));
/** `K.reshape(x, shape)`. */
export const reshape = (x: X, s: TensorLike): Tensor => tf.reshape(T(x), s as never);
/** `K.permute_dimensions(x, pattern)`. */
export const permuteDimensions = (x: X, pattern: number[]): Tensor => tf.transpose(T(x), pattern);
/** `K.transpose(x)`. */
export const transpose = (x: X): Tensor => tf.transpose(T(x));
/** `K.expand_dims(x, axis=-1)`. */
export const expandDims = (x: X, axis = -1): Tensor => tf.expandDims(T(x), axis);
/** `K.squeeze(x, axis)`. */
export const squeeze = (x: X, axis: number): Tensor => tf.squeeze(T(x), [axis]);
/** `K.stack(x, axis=0)`. */
export const stack = (xs: X[], axis = 0): Tensor => tf.stack(xs.map(T), axis);
/** `K.tile(x, n)`: an int n is [n]. */
export const tile = (x: X, n: number | number[] | Tensor): Tensor => tf.tile(T(x), typeof n === 'number' ? [n] : n);
/** `K.flatten(x)`: reshape to [-1]. */
export const flatten = (x: X): Tensor => tf.reshape(T(x), [-1]);
/** `K.batch_flatten(x)`: [batch, prod(rest)]. */
export function batchFlatten(x: X): Tensor {
  const v = T(x);
  return tf.reshape(v, tf.stack([-1, tf.reduceProd(tf.slice(tf.shape(v), [1], [-1]))]));
}
/** `K.gather(reference, indices)`. */
export const gather = (reference: X, indices: TensorLike | Variable): Tensor => tf.gather(T(reference), T(indices));
/** `K.reverse(x, axes)`: an int axis is [axis]. */
export const reverse = (x: X, axes: number | number[]): Tensor => tf.reverse(T(x), typeof axes === 'number' ? [axes] : axes);
/** `K.one_hot(indices, num_classes)`: depth num_classes on a new last axis. */
export const oneHot = (indices: X, numClasses: number): Tensor => tf.oneHot(T(indices), numClasses, { axis: -1 }) as Tensor;
/** `K.arange(start, stop=None, step=1, dtype='int32')`: a negative start with no stop is 0. */
export function arange(start: number, stop: number | null = null, step = 1, d: string = 'int32'): Tensor {
  let s = start;
  if (stop === null && s < 0) s = 0;
  const r = stop === null ? tf.range(s, { delta: step }) : tf.range(s, stop, step);
  return d === 'int32' ? r : tf.cast(r, parseDType(d));
}
/** `K.ones_like(x, dtype=None, name=None)`. */
export const onesLike = (x: X, d: string | null = null, name?: string): Tensor => tf.onesLike(T(x), d ? parseDType(d) : undefined, name) as Tensor;
/** `K.zeros_like(x, dtype=None, name=None)`. */
export const zerosLike = (x: X, d: string | null = null, name?: string): Tensor => tf.zerosLike(T(x), d ? parseDType(d) : undefined, name) as Tensor;
/** `K.is_sparse(tensor)`. */
export const isSparse = (t: unknown): boolean => t instanceof tf.SparseTensor;
/** `K.to_dense(tensor)`: a SparseTensor made dense, anything else as is. */
export const toDense = (t: unknown): Tensor => (t instanceof tf.SparseTensor ? tf.sparse.toDense(t) : T(t as X));

/**
 * `K.concatenate(tensors, axis=-1)`: a negative axis counts from the first tensor's rank (0 when it
 * is unknown); all-sparse inputs are concatenated as SparseTensors.
 */
export function concatenate(tensors: (X | InstanceType<typeof tf.SparseTensor>)[], axis = -1): Tensor | InstanceType<typeof tf.SparseTensor> {
  let a = axis;
  if (a < 0) {
    const first = tensors[0];
    const r = first instanceof tf.SparseTensor ? (first.denseShape.shape?.[0] ?? null) : rank(first as X);
    a = r ? ((a % r) + r) % r : 0;
  }
  if (tensors.length > 0 && tensors.every((t) => t instanceof tf.SparseTensor)) return tf.sparseConcat(a, tensors as never) as never;
  return tf.concat(tensors.map((t) => toDense(t)), a);
}

/** `K.repeat(x, n)`: a [batch, dim] tensor repeated n times → [batch, n, dim]. */
export function repeat(x: X, n: number): Tensor {
  if (rank(x) !== 2) throw new ValueError(`repeat expects a 2D tensor, got ndim=${String(rank(x))}`);
  return tf.tile(tf.expandDims(T(x), 1), tf.stack([1, n, 1]));
}

/** `K.repeat_elements(x, rep, axis)`: each slice along `axis` repeated `rep` times (np.repeat). */
export function repeatElements(x: X, rep: number, axis: number): Tensor {
  const v = T(x);
  const s = v.shape;
  if (s === null) throw new ValueError('repeat_elements needs the rank of x known');
  const ax = axis < 0 ? axis + s.length : axis;
  const d = s[ax];
  if (d !== null && d !== undefined) {
    const parts = tf.split(v, d, ax) as Tensor[];
    return tf.concat(parts.flatMap((p) => Array.from({ length: rep }, () => p)), ax);
  }
  // Unknown length: tile an inserted axis, then fold it into `axis`.
  const reps = Array.from({ length: s.length + 1 }, (_, i) => (i === ax + 1 ? rep : 1));
  const tiled = tf.tile(tf.expandDims(v, ax + 1), reps);
  const mult = Array.from({ length: s.length }, (_, i) => (i === ax ? rep : 1));
  return tf.reshape(tiled, tf.multiply(tf.shape(v), mult));
}

// ----- products ------------------------------------------------------------------------------------
/**
 * `K.dot(x, y)`: matmul for 2-D operands; for higher ranks x's last axis against y's
 * second-to-last (as Theano's dot): x [..., n] · y [..., n, m] → x.shape[:-1] + y.shape[:-2] + [m].
 */
export function dot(x: X, y: X): Tensor {
  const a = T(x);
  const b = T(y);
  const ra = rank(a);
  const rb = rank(b);
  if (ra === null || rb === null) throw new ValueError('dot needs the ranks of x and y known');
  if (ra > 2 || rb > 2) {
    const dyn = (t: Tensor): (number | Tensor)[] => {
      const st = t.shape!;
      const ds = tf.unstack(tf.shape(t)) as Tensor[];
      return st.map((d, i) => (d === null ? ds[i]! : d));
    };
    const xs = dyn(a);
    const ys = dyn(b);
    const perm = Array.from({ length: rb }, (_, i) => i);
    const moved = perm.splice(-2, 1);
    const yPerm = [...moved, ...perm];
    const xt = tf.reshape(a, [-1, xs[xs.length - 1]!] as never);
    const yt = tf.reshape(tf.transpose(b, yPerm), [ys[ys.length - 2]!, -1] as never);
    const outShape = [...xs.slice(0, -1), ...ys.slice(0, -2), ys[ys.length - 1]!];
    return tf.reshape(tf.matmul(xt, yt), outShape.some((d) => d instanceof Tensor) ? tf.stack(outShape as never) : (outShape as number[]));
  }
  return tf.matmul(a, b);
}

/**
 * `K.batch_dot(x, y, axes=None)` (TF 1.15's): the per-sample dot product over `axes` (default
 * x's last and y's second-to-last); lower-rank operands get trailing 1s, squeezed again after, and
 * a rank-1 result gains a trailing axis.
 */
export function batchDot(x: X, y: X, axes: number | [number, number] | null = null): Tensor {
  let a = T(x);
  let b = T(y);
  const xn = rank(a);
  const yn = rank(b);
  if (xn === null || yn === null) throw new ValueError('batch_dot needs the ranks of x and y known');
  let ax: [number, number] = typeof axes === 'number' ? [axes, axes] : (axes ?? [xn - 1, yn - 2]);
  let diff = 0;
  if (xn > yn) {
    diff = xn - yn;
    b = tf.reshape(b, tf.concat([tf.shape(b), Array(diff).fill(1)], 0));
  } else if (yn > xn) {
    diff = yn - xn;
    a = tf.reshape(a, tf.concat([tf.shape(a), Array(diff).fill(1)], 0));
  }
  const n = Math.max(xn, yn);
  ax = [ax[0] < 0 ? ax[0] + xn : ax[0], ax[1] < 0 ? ax[1] + yn : ax[1]];
  let out: Tensor;
  if (n === 2) {
    out = ax[0] === ax[1] ? tf.reduceSum(tf.multiply(a, b), ax[0]) : tf.reduceSum(tf.multiply(tf.transpose(a, [1, 0]), b), ax[1]);
  } else {
    const adjA = ax[0] !== n - 1;
    const adjB = ax[1] === n - 1;
    out = tf.matmul(a, b, { adjointA: adjA, adjointB: adjB });
  }
  if (diff) {
    const idx = xn > yn ? xn + yn - 3 : xn - 1;
    out = tf.squeeze(out, Array.from({ length: diff }, (_, i) => idx + i));
  }
  if (rank(out) === 1) out = tf.expandDims(out, 1);
  return out;
}

// ----- control flow --------------------------------------------------------------------------------
const call = (b: Branch): Tensor => (typeof b === 'function' ? b() : b);

/**
 * `K.switch(condition, then_expression, else_expression)`: a scalar condition picks a branch with
 * tf.cond; a tensor condition selects element-wise (tiled up to the branches' rank).
 */
export function kSwitch(condition: TensorLike | Variable, thenExpression: Branch, elseExpression: Branch): Tensor {
  let c = T(condition);
  if (c.dtype !== 'bool') c = tf.cast(c, 'bool');
  const cn = rank(c);
  if (!cn) {
    return tf.cond(c, () => call(thenExpression), () => call(elseExpression)) as Tensor;
  }
  const t = call(thenExpression);
  const e = call(elseExpression);
  const en = rank(t)!;
  if (cn > en) {
    throw new ValueError(`Rank of \`condition\` should be less than or equal to rank of \`then_expression\` and \`else_expression\`. ndim(condition)=${cn}, ndim(then_expression)=${en}`);
  }
  if (cn > 1) {
    const d = en - cn;
    const condShape = tf.shape(c);
    for (let i = 0; i < d; i++) c = tf.expandDims(c, -1);
    const exprShape = tf.shape(t);
    const shapeDiff = tf.subtract(exprShape, tf.concat([condShape, Array(d).fill(1)], 0));
    const tileShape = tf.where(tf.greater(shapeDiff, 0), exprShape, tf.onesLike(exprShape) as Tensor);
    c = tf.tile(c, tileShape);
  }
  return tf.where(c, t, e);
}

/** `K.in_train_phase(x, alt, training=None)`: x in training (the learning phase when none is given), alt otherwise. */
export function inTrainPhase(x: Branch, alt: Branch, training: TensorLike | Variable | number | boolean | null = null): Tensor {
  const tr = training ?? learningPhase();
  if (tr === 1 || tr === true) return call(x);
  if (tr === 0 || tr === false) return call(alt);
  return kSwitch(tr as TensorLike, x, alt);
}
/** `K.in_test_phase(x, alt, training=None)`. */
export const inTestPhase = (x: Branch, alt: Branch, training: TensorLike | Variable | number | boolean | null = null): Tensor => inTrainPhase(alt, x, training);

/** `K.map_fn(fn, elems, name=None, dtype=None)`. */
export const mapFn = (fn: (x: Tensor) => Tensor, elems: X, name?: string | null, d?: string | null): Tensor =>
  tf.mapFn(fn, T(elems), { ...(d ? { dtype: d } : {}), ...(name ? { name } : {}) }) as Tensor;
/** `K.foldl(fn, elems, initializer=None, name=None)`. */
export const foldl = (fn: (acc: Tensor, x: Tensor) => Tensor, elems: X, initializer: TensorLike | null = null, name?: string | null): Tensor =>
  tf.foldl(fn, T(elems), { ...(initializer !== null ? { initializer } : {}), ...(name ? { name } : {}) }) as Tensor;
/** `K.foldr(fn, elems, initializer=None, name=None)`. */
export const foldr = (fn: (acc: Tensor, x: Tensor) => Tensor, elems: X, initializer: TensorLike | null = null, name?: string | null): Tensor =>
  tf.foldr(fn, T(elems), { ...(initializer !== null ? { initializer } : {}), ...(name ? { name } : {}) }) as Tensor;

/** `K.print_tensor(x, message='')`: x, printing itself when evaluated. */
export const printTensor = (x: X, message = ''): Tensor => tf.Print(T(x), [T(x)], message);

// ----- random --------------------------------------------------------------------------------------
type Shape = number[] | Tensor;
const seedOpt = (seed: number | null | undefined): { seed?: number } => (seed == null ? {} : { seed });
/** `K.random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None)`. */
export const randomNormal = (s: Shape, mean = 0, stddev = 1, d: string | null = null, seed: number | null = null): Tensor =>
  tf.randomNormal(s as never, { mean, stddev, dtype: parseDType(d ?? floatx()), ...seedOpt(seed) });
/** `K.random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None)`. */
export const randomUniform = (s: Shape, minval = 0, maxval = 1, d: string | null = null, seed: number | null = null): Tensor =>
  tf.randomUniform(s as never, { minval, maxval, dtype: parseDType(d ?? floatx()), ...seedOpt(seed) });
/** `K.truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None)`. */
export const truncatedNormal = (s: Shape, mean = 0, stddev = 1, d: string | null = null, seed: number | null = null): Tensor =>
  tf.truncatedNormal(s as never, { mean, stddev, dtype: parseDType(d ?? floatx()), ...seedOpt(seed) });
/** `K.random_binomial(shape, p=0.0, dtype=None, seed=None)`: 1 where a uniform draw is ≤ p. */
export function randomBinomial(s: Shape, p = 0, d: string | null = null, seed: number | null = null): Tensor {
  const dt = parseDType(d ?? floatx());
  const u = randomUniform(s, 0, 1, dt, seed);
  return tf.where(tf.lessEqual(u, p), tf.onesLike(u) as Tensor, tf.zerosLike(u) as Tensor);
}

// ----- nn ------------------------------------------------------------------------------------------
/** `K.dropout(x, level, noise_shape=None, seed=None)`: tf.nn.dropout with rate = level. */
export const dropout = (x: X, level: number, noiseShape: number[] | null = null, seed: number | null = null): Tensor =>
  tf.nn.dropout(T(x), { rate: level, ...(noiseShape ? { noiseShape } : {}), ...seedOpt(seed) });

/** `K.bias_add(x, bias, data_format=None)`: a bias of rank 1 or ndim(x) − 1, on the channel axis. */
export function biasAdd(x: X, bias: X, dataFormat: string | null = null): Tensor {
  const f = fmt(dataFormat);
  const v = T(x);
  const b = T(bias);
  const bs = b.shape!;
  const n = rank(v)!;
  if (bs.length !== 1 && bs.length !== n - 1) throw new ValueError(`Unexpected bias dimensions ${bs.length}, expect to be 1 or ${n - 1} dimensions`);
  if (f === 'channels_last') {
    if (bs.length === 1) return tf.nn.biasAdd(v, b);
    return tf.add(v, tf.reshape(b, [1, ...(bs as number[])]));
  }
  if (bs.length === 1) return tf.add(v, tf.reshape(b, [1, bs[0]!, ...Array(n - 2).fill(1)]));
  const moved = [bs[bs.length - 1]!, ...bs.slice(0, -1)] as number[];
  return tf.add(v, tf.reshape(b, [1, ...moved]));
}

const toNhwc = (x: Tensor, f: string, n: number): Tensor => {
  if (f !== 'channels_first') return x;
  return tf.transpose(x, [0, ...Array.from({ length: n - 2 }, (_, i) => i + 2), 1]);
};
const fromNhwc = (x: Tensor, f: string, n: number): Tensor => {
  if (f !== 'channels_first') return x;
  return tf.transpose(x, [0, n - 1, ...Array.from({ length: n - 2 }, (_, i) => i + 1)]);
};
const pad = (p: string): string => {
  const u = p.toUpperCase();
  if (u !== 'SAME' && u !== 'VALID') throw new ValueError(`Unknown padding: ${p}`);
  return u;
};
const tup = (v: number | number[], n: number): number[] => (typeof v === 'number' ? Array(n).fill(v) : v);

/** `K.conv1d(x, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1)`: 'causal' pads the front by (k − 1)·dilation. */
export function conv1d(x: X, kernel: X, strides = 1, padding = 'valid', dataFormat: string | null = null, dilationRate = 1): Tensor {
  const f = fmt(dataFormat);
  let v = toNhwc(T(x), f, 3);
  const k = T(kernel);
  let p = padding;
  if (p === 'causal') {
    const left = dilationRate * (k.shape![0]! - 1);
    v = temporalPadding(v, [left, 0]);
    p = 'valid';
  }
  const y = tf.nn.convolution(v, k, pad(p), [strides], [dilationRate]);
  return fromNhwc(y, f, 3);
}
/** `K.conv2d(x, kernel, strides=(1, 1), padding='valid', data_format=None, dilation_rate=(1, 1))`. */
export function conv2d(x: X, kernel: X, strides: number | number[] = [1, 1], padding = 'valid', dataFormat: string | null = null, dilationRate: number | number[] = [1, 1]): Tensor {
  const f = fmt(dataFormat);
  const y = tf.nn.convolution(toNhwc(T(x), f, 4), T(kernel), pad(padding), tup(strides, 2), tup(dilationRate, 2));
  return fromNhwc(y, f, 4);
}
/** `K.conv3d(x, kernel, strides=(1, 1, 1), padding='valid', data_format=None, dilation_rate=(1, 1, 1))`. */
export function conv3d(x: X, kernel: X, strides: number | number[] = [1, 1, 1], padding = 'valid', dataFormat: string | null = null, dilationRate: number | number[] = [1, 1, 1]): Tensor {
  const f = fmt(dataFormat);
  const y = tf.nn.convolution(toNhwc(T(x), f, 5), T(kernel), pad(padding), tup(strides, 3), tup(dilationRate, 3));
  return fromNhwc(y, f, 5);
}
/** `K.conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding='valid', data_format=None, dilation_rate=(1, 1))`. */
export function conv2dTranspose(x: X, kernel: X, outputShape: (number | Tensor)[] | Tensor, strides: number | number[] = [1, 1], padding = 'valid', dataFormat: string | null = null, dilationRate: number | number[] = [1, 1]): Tensor {
  const f = fmt(dataFormat);
  let os = outputShape;
  if (Array.isArray(os) && f === 'channels_first') os = [os[0]!, os[2]!, os[3]!, os[1]!];
  const osT = Array.isArray(os) ? (os.some((d) => d instanceof Tensor) ? tf.stack(os as never) : (os as number[])) : os;
  const st = tup(strides, 2);
  const dr = tup(dilationRate, 2);
  let y: Tensor;
  if (dr[0] === 1 && dr[1] === 1) y = tf.nn.conv2dTranspose(toNhwc(T(x), f, 4), T(kernel), osT as never, [1, st[0]!, st[1]!, 1], pad(padding));
  else {
    if (st[0] !== 1 || st[1] !== 1) throw new ValueError('Expected the strides to be 1 when a dilation rate is set, got strides=' + pyShape(st));
    y = tf.nn.atrousConv2dTranspose(toNhwc(T(x), f, 4), T(kernel), osT as never, dr[0]!, pad(padding));
  }
  return fromNhwc(y, f, 4);
}
/** `K.separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1), padding='valid', data_format=None, dilation_rate=(1, 1))`. */
export function separableConv2d(x: X, depthwiseKernel: X, pointwiseKernel: X, strides: number | number[] = [1, 1], padding = 'valid', dataFormat: string | null = null, dilationRate: number | number[] = [1, 1]): Tensor {
  const f = fmt(dataFormat);
  const st = tup(strides, 2);
  const y = tf.nn.separableConv2d(toNhwc(T(x), f, 4), T(depthwiseKernel), T(pointwiseKernel), [1, st[0]!, st[1]!, 1], pad(padding), { rate: tup(dilationRate, 2) });
  return fromNhwc(y, f, 4);
}

function poolNd(n: 2 | 3, x: X, poolSize: number[], strides: number[], padding: string, dataFormat: string | null, poolMode: string): Tensor {
  const f = fmt(dataFormat);
  const p = pad(padding);
  if (poolMode !== 'max' && poolMode !== 'avg') throw new ValueError(`Invalid pooling mode: ${poolMode}`);
  const k = [1, ...poolSize, 1];
  const s = [1, ...strides, 1];
  const v = toNhwc(T(x), f, n + 2);
  const fn = n === 2 ? (poolMode === 'max' ? tf.nn.maxPool : tf.nn.avgPool) : poolMode === 'max' ? tf.nn.maxPool3d : tf.nn.avgPool3d;
  return fromNhwc((fn as (...a: unknown[]) => Tensor)(v, k, s, p), f, n + 2);
}
/** `K.pool2d(x, pool_size, strides=(1, 1), padding='valid', data_format=None, pool_mode='max')`. */
export const pool2d = (x: X, poolSize: number[], strides: number[] = [1, 1], padding = 'valid', dataFormat: string | null = null, poolMode = 'max'): Tensor =>
  poolNd(2, x, poolSize, strides, padding, dataFormat, poolMode);
/** `K.pool3d(x, pool_size, strides=(1, 1, 1), padding='valid', data_format=None, pool_mode='max')`. */
export const pool3d = (x: X, poolSize: number[], strides: number[] = [1, 1, 1], padding = 'valid', dataFormat: string | null = null, poolMode = 'max'): Tensor =>
  poolNd(3, x, poolSize, strides, padding, dataFormat, poolMode);

/** `K.temporal_padding(x, padding=(1, 1))`: zeros before/after the steps of [batch, steps, dim]. */
export function temporalPadding(x: X, padding: [number, number] | number[] = [1, 1]): Tensor {
  if (padding.length !== 2) throw new ValueError('temporal_padding: padding must be a pair');
  return tf.pad(T(x), [[0, 0], [padding[0]!, padding[1]!], [0, 0]]);
}
/** `K.spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None)`. */
export function spatial2dPadding(x: X, padding: number[][] = [[1, 1], [1, 1]], dataFormat: string | null = null): Tensor {
  if (padding.length !== 2 || padding.some((p) => p.length !== 2)) throw new ValueError('spatial_2d_padding: padding must be two pairs');
  const f = fmt(dataFormat);
  const pat = f === 'channels_first' ? [[0, 0], [0, 0], ...padding] : [[0, 0], ...padding, [0, 0]];
  return tf.pad(T(x), pat);
}
/** `K.spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None)`. */
export function spatial3dPadding(x: X, padding: number[][] = [[1, 1], [1, 1], [1, 1]], dataFormat: string | null = null): Tensor {
  if (padding.length !== 3 || padding.some((p) => p.length !== 2)) throw new ValueError('spatial_3d_padding: padding must be three pairs');
  const f = fmt(dataFormat);
  const pat = f === 'channels_first' ? [[0, 0], [0, 0], ...padding] : [[0, 0], ...padding, [0, 0]];
  return tf.pad(T(x), pat);
}

/**
 * `K.resize_images(x, height_factor, width_factor, data_format, interpolation='nearest')`:
 * resize_images_v2 (ResizeNearestNeighbor / ResizeBilinear with half-pixel centres) to
 * (h·height_factor, w·width_factor).
 */
export function resizeImages(x: X, heightFactor: number, widthFactor: number, dataFormat: string, interpolation = 'nearest'): Tensor {
  if (dataFormat !== 'channels_last' && dataFormat !== 'channels_first') throw new ValueError(`Invalid \`data_format\` argument: ${String(dataFormat)}`);
  const [r] = dataFormat === 'channels_first' ? [2] : [1];
  let v = T(x);
  const orig = v.shape;
  const newShape = tf.multiply(tf.slice(tf.shape(v), [r!], [2]), [heightFactor, widthFactor]);
  if (dataFormat === 'channels_first') v = tf.transpose(v, [0, 2, 3, 1]);
  // resize_images_v2: half-pixel centres for both methods.
  if (interpolation === 'nearest') v = tf.image.resizeNearestNeighbor(v, newShape, false, undefined, true);
  else if (interpolation === 'bilinear') v = tf.image.resizeBilinear(v, newShape, false, undefined, true);
  else throw new ValueError('interpolation should be one of "nearest" or "bilinear".');
  if (dataFormat === 'channels_first') v = tf.transpose(v, [0, 3, 1, 2]);
  if (orig) {
    const h = orig[r!] == null ? null : orig[r!]! * heightFactor;
    const w = orig[r! + 1] == null ? null : orig[r! + 1]! * widthFactor;
    const s = dataFormat === 'channels_first' ? [orig[0]!, orig[1]!, h, w] : [orig[0]!, h, w, orig[3]!];
    v = tf.ensureShape(v, s as never);
  }
  return v;
}
/** `K.resize_volumes(x, depth_factor, height_factor, width_factor, data_format)`: repeat_elements on each spatial axis. */
export function resizeVolumes(x: X, depthFactor: number, heightFactor: number, widthFactor: number, dataFormat: string): Tensor {
  if (dataFormat !== 'channels_last' && dataFormat !== 'channels_first') throw new ValueError(`Invalid data_format: ${String(dataFormat)}`);
  const a = dataFormat === 'channels_first' ? 2 : 1;
  return repeatElements(repeatElements(repeatElements(x, depthFactor, a), heightFactor, a + 1), widthFactor, a + 2);
}

/** `K.batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3)`. */
export function batchNormalization(x: X, mean: X, variance: X, beta: X | null, gamma: X | null, _axis = -1, eps = 1e-3): Tensor {
  return tf.nn.batchNormalization(T(x), T(mean), T(variance), beta === null ? null : T(beta), gamma === null ? null : T(gamma), eps);
}

/**
 * `K.normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon=1e-3)`: [normed, mean,
 * variance]. 4-D channels-last statistics over (0, 1, 2) come from FusedBatchNorm (whose variance
 * is the n−1 one), the rest from moments, broadcast back when the axes are not the leading ones.
 */
export function normalizeBatchInTraining(x: X, gamma: X | null, beta: X | null, reductionAxes: number[], eps = 1e-3): [Tensor, Tensor, Tensor] {
  const v = T(x);
  const n = rank(v)!;
  const axes = [...reductionAxes].sort((p, q) => p - q);
  if (n === 4 && axes.join(',') === '0,1,2') {
    const c = v.shape![3];
    const g = gamma === null ? tf.ones([c ?? -1].map((d) => d) as number[], v.dtype) : T(gamma);
    const b = beta === null ? tf.zeros([c ?? -1] as number[], v.dtype) : T(beta);
    const [y, m, s] = tf.nn.fusedBatchNorm(v, g, b, { epsilon: eps }) as Tensor[];
    return [y!, m!, s!];
  }
  const [m, s] = tf.nn.moments(v, axes) as [Tensor, Tensor];
  const leading = axes.join(',') === Array.from({ length: n - 1 }, (_, i) => i).join(',');
  if (leading) return [tf.nn.batchNormalization(v, m, s, beta === null ? null : T(beta), gamma === null ? null : T(gamma), eps), m, s];
  const target = Array.from({ length: n }, (_, i) => (axes.includes(i) ? 1 : tf.gather(tf.shape(v), i)));
  const bshape = tf.stack(target as never);
  const br = (t: X | null): Tensor | null => (t === null ? null : tf.reshape(T(t), bshape));
  return [tf.nn.batchNormalization(v, br(m)!, br(s)!, br(beta), br(gamma), eps), m, s];
}

// ----- crossentropies ------------------------------------------------------------------------------
const isOp = (t: Tensor, type: string): boolean => !(t instanceof Variable) && t.op.type === type && t.op.inputs.length === 1;

/**
 * `K.categorical_crossentropy(target, output, from_logits=False, axis=-1)`: on probabilities,
 * output scaled to sum to 1 along `axis`, clipped to [ε, 1 − ε], −Σ target·log; a Softmax op's
 * logits (or from_logits) go to softmax_cross_entropy_with_logits_v2.
 */
export function categoricalCrossentropy(target: X, output: X, fromLogits = false, axis = -1): Tensor {
  const t = T(target);
  let o = T(output);
  const r = rank(o);
  const ax = axis < 0 && r !== null ? axis + r : axis;
  if (!fromLogits) {
    if (!isOp(o, 'Softmax')) {
      o = tf.divide(o, tf.reduceSum(o, ax, true));
      const e = epsilon();
      o = tf.clipByValue(o, e, 1 - e);
      return tf.negative(tf.reduceSum(tf.multiply(t, tf.log(o)), ax));
    }
    o = o.op.inputs[0]!;
  }
  return tf.nn.softmaxCrossEntropyWithLogitsV2({ labels: t, logits: o, axis: ax });
}

/** `K.sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1)`: integer targets. */
export function sparseCategoricalCrossentropy(target: X, output: X, fromLogits = false, axis = -1): Tensor {
  let o = T(output);
  const r = rank(o);
  if (r === null) throw new ValueError('sparse_categorical_crossentropy needs the output rank known');
  const ax = axis < 0 ? axis + r : axis;
  if (ax !== r - 1) {
    const perm = [...Array.from({ length: r }, (_, i) => i).filter((i) => i !== ax), ax];
    o = tf.transpose(o, perm);
  }
  let logits = o;
  if (!fromLogits) {
    if (isOp(o, 'Softmax')) logits = o.op.inputs[0]!;
    else {
      const e = epsilon();
      logits = tf.log(tf.clipByValue(o, e, 1 - e));
    }
  }
  const classes = logits.shape![r - 1];
  const labels = tf.reshape(tf.cast(T(target), 'int32'), [-1]);
  const flat = r === 2 ? logits : tf.reshape(logits, [-1, classes ?? -1]);
  const res = tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits: flat });
  if (r === 2) return res;
  return tf.reshape(res, tf.slice(tf.shape(logits), [0], [r - 1]));
}

/**
 * `K.binary_crossentropy(target, output, from_logits=False)`: element-wise; on probabilities
 * −(t·log(p + ε) + (1 − t)·log(1 − p + ε)) with p clipped to [ε, 1 − ε]; a Sigmoid op's logits
 * (or from_logits) go to sigmoid_cross_entropy_with_logits.
 */
export function binaryCrossentropy(target: X, output: X, fromLogits = false): Tensor {
  const t = T(target);
  let o = T(output);
  if (!fromLogits) {
    if (!isOp(o, 'Sigmoid')) {
      const e = epsilon();
      o = tf.clipByValue(o, e, 1 - e);
      const pos = tf.multiply(t, tf.log(tf.add(o, e)));
      const neg = tf.multiply(tf.subtract(1, t), tf.log(tf.add(tf.subtract(1, o), e)));
      return tf.negative(tf.add(pos, neg));
    }
    o = o.op.inputs[0]!;
  }
  return tf.nn.sigmoidCrossEntropyWithLogits({ labels: t, logits: o });
}

/** `K.name_scope(name, fn)`: fn inside the default graph's name scope `name`. */
export function nameScope<R>(name: string, fn: () => R): R {
  return getDefaultGraph().nameScope(name, () => fn());
}
