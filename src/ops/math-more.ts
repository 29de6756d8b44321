/**
 * More of TF 1.15's tf.math: `cumulativeLogsumexp` (CumulativeLogsumexp, exclusive / reverse,
 * TF's gradient), `multiplyNoNan` (MulNoNan), `reciprocalNoNan` (div_no_nan(1, x)),
 * `reduceEuclideanNorm` (EuclideanNorm and its gradient) and `nextafter` (NextAfter, evaluated on
 * the host on the float bits).
 */
import { kwargs } from '../args.js';
import type { DType } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { broadcastShapes, normAxis, sizeOf, stridesOf } from '../shape.js';
import { shapeFnError, zerosLike } from './array.js';
import { type TensorLike, toTensor, toTensorPair } from './convert.js';
import { constant } from './core.js';
import { reverseAxis } from './scan.js';
import { divNoNan } from './div-no-nan.js';
import { binaryOp, broadcastOrThrow, sameDType } from './elementwise.js';
import { binaryGrads, unreduceLike } from './grads/util.js';
import { arrayOf, defineHostOp, valuesOf } from './host-values.js';
import type { Lower, Val } from './lower.js';
import { exp, greater, less, log, multiply, negative, subtract, reduceInfer } from './math.js';
import { whereV2 } from './array-extra.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

const FLOATS = ['float16', 'float32', 'float64'];
function checkFloat(type: string, param: string, dtype: DType, allowed = ['bfloat16', ...FLOATS]): void {
  if (!FLOATS.includes(dtype)) throw new TypeError(`Value passed to parameter '${param}' has DataType ${dtype} not in list of allowed values: ${allowed.join(', ')}`);
  void type;
}
/** numeric_limits<T>::lowest() of a float dtype. */
const lowest = (d: DType): number => (d === 'float64' ? -Number.MAX_VALUE : d === 'float16' ? -65504 : -3.4028234663852886e38);

// ----- CumulativeLogsumexp ------------------------------------------------------------------------
interface ScanAttrs {
  [k: string]: unknown;
  axis: number;
  exclusive: boolean;
  reverse: boolean;
}

function shiftAxis(b: Lower, x: Val, axis: number, k: number, pad: number): Val {
  const s = x.shape;
  const kept = b.slice(x, s.map(() => 0), s.map((d, i) => (i === axis ? d - k : d)));
  return b.concat([b.fill(s.map((d, i) => (i === axis ? k : d)), pad, x.dtype), kept], axis);
}
/** TF's LogSumExp functor: log1p(exp(min − max)) + max. */
function logAddExp(b: Lower, p: Val, q: Val): Val {
  const ma = b.binary('maximum', p, q);
  const mi = b.binary('minimum', p, q);
  return b.binary('add', b.unary('log1p', b.unary('exp', b.binary('sub', mi, ma))), ma);
}

defineOp<ScanAttrs>({
  type: 'CumulativeLogsumexp',
  infer: ([x], a, name) => {
    checkFloat('CumulativeLogsumexp', 'x', x!.dtype, FLOATS);
    const s = x!.shape;
    if (s !== null) {
      const r = s.length;
      if (a.axis < -r || a.axis >= r) throw shapeFnError(`axis must be in the range [${-r}, ${r}), but got ${a.axis}`, name, 'CumulativeLogsumexp', [s, []], [[1, a.axis]]);
    }
    return [{ dtype: x!.dtype, shape: s }];
  },
  lower: (b, [x], a) => {
    const s = x!.shape;
    const r = s.length;
    if (a.axis < -r || a.axis >= r) throw new InvalidArgumentError(`ScanOp: Expected scan axis in the range [${-r}, ${r}), but got ${a.axis}`, b.opName);
    const ax = a.axis < 0 ? a.axis + r : a.axis;
    const n = s[ax]!;
    if (sizeOf(s) === 0) return [x!];
    // TF's reducer starts from numeric_limits<T>::lowest(): an empty exclusive prefix is lowest()
    const unit = lowest(x!.dtype);
    let cur = a.reverse ? reverseAxis(b, x!, ax) : x!;
    if (a.exclusive) cur = n > 1 ? shiftAxis(b, cur, ax, 1, unit) : b.fill(s, unit, x!.dtype);
    // Hillis–Steele prefix combination with log-add-exp (associative)
    for (let k = 1; k < n; k *= 2) cur = logAddExp(b, cur, shiftAxis(b, cur, ax, k, unit));
    return [a.reverse ? reverseAxis(b, cur, ax) : cur];
  },
});

function cumLse(x: Tensor, axis: number, exclusive: boolean, reverse: boolean, name?: string): Tensor {
  return makeOp(x.graph, 'CumulativeLogsumexp', [x], { axis, exclusive, reverse }, name, 'CumulativeLogsumexp').outputs[0]!;
}

/** TF 1.15's _CumulativeLogsumexpGrad: the incoming gradient split by sign, each part through logs. */
registerGradient('CumulativeLogsumexp', (op, [dy]) => {
  if (!dy) return [null];
  const x = op.inputs[0]!;
  const out = op.outputs[0]!;
  const a = op.attrs as ScanAttrs;
  const min = constant(lowest(dy.dtype), dy.dtype);
  const logPos = whereV2(greater(dy, 0), log(dy), min);
  const logNeg = whereV2(less(dy, 0), log(negative(dy)), min);
  const pos = exp(addT(cumLse(subtract(logPos, out), a.axis, a.exclusive, !a.reverse), x));
  const neg = exp(addT(cumLse(subtract(logNeg, out), a.axis, a.exclusive, !a.reverse), x));
  return [subtract(pos, neg)];
});
function addT(p: Tensor, q: Tensor): Tensor {
  return binaryOp('AddV2', p, q, undefined, 'add');
}

/**
 * `tf.math.cumulativeLogsumexp(x, axis = 0, exclusive = false, reverse = false, name?)`:
 * log(cumsum(exp(x))) computed stably along `axis`.
 */
export function cumulativeLogsumexp(
  x: TensorLike, axis?: number | Record<string, unknown>, exclusive?: boolean, reverse?: boolean, name?: string,
): Tensor {
  const o = kwargs([x, axis, exclusive, reverse, name], ['x', 'axis', 'exclusive', 'reverse', 'name'], 'cumulative_logsumexp', 1);
  const ax = (o.axis ?? 0) as number;
  if (!Number.isInteger(ax)) throw new TypeError(`axis must be an integer, got ${String(ax)}`);
  const t = toTensor(o.x as TensorLike, undefined, 'x');
  return cumLse(t, ax, !!o.exclusive, !!o.reverse, (o.name as string | undefined) ?? undefined);
}

// ----- MulNoNan ------------------------------------------------------------------------------------
defineOp({
  type: 'MulNoNan',
  infer: ([x, y], _a, name) => {
    sameDType('MulNoNan', x!, y!);
    checkFloat('MulNoNan', 'x', x!.dtype, ['float16', 'float32', 'float64', 'complex64', 'complex128']);
    return [{ dtype: x!.dtype, shape: broadcastOrThrow('MulNoNan', name, x!, y!) }];
  },
  lower: (b, [x, y]) => {
    const zero = b.scalar(0, y!.dtype);
    const isZero = b.binary('equal', y!, zero);
    return [b.select(isZero, zero, b.binary('mul', x!, y!))];
  },
});
/** TF's _MulNoNanGrad: dx = mul_no_nan(dy, y), dy' = mul_no_nan(x, dy). */
registerGradient('MulNoNan', (op, [dy]) => {
  if (!dy) return [null, null];
  const [x, y] = op.inputs as [Tensor, Tensor];
  return binaryGrads(op, mulNoNan(dy, y), mulNoNan(x, dy));
});
function mulNoNan(x: Tensor, y: Tensor): Tensor {
  return makeOp(x.graph, 'MulNoNan', [x, y], {}, undefined, 'MulNoNan').outputs[0]!;
}

/** `tf.math.multiplyNoNan(x, y, name?)`: x·y, and 0 wherever y is 0 (even where x is NaN or infinite). */
export function multiplyNoNan(x: TensorLike, y: TensorLike, name?: string | Record<string, unknown>): Tensor {
  const o = kwargs([x, y, name], ['x', 'y', 'name'], 'multiply_no_nan', 2);
  const xt = toTensor(o.x as TensorLike, undefined, 'x');
  const yt = toTensor(o.y as TensorLike, xt.dtype, 'y');
  if (xt.dtype !== yt.dtype) throw new TypeError(`x and y must have the same dtype, got ${xt.dtype} != ${yt.dtype}`);
  return makeOp(xt.graph, 'MulNoNan', [xt, yt], {}, (o.name as string | undefined), 'multiply_no_nan').outputs[0]!;
}

/** `tf.math.reciprocalNoNan(x, name?)`: 1 / x, and 0 where x is 0 (TF's div_no_nan(1, x)). */
export function reciprocalNoNan(x: TensorLike, name?: string | Record<string, unknown>): Tensor {
  const o = kwargs([x, name], ['x', 'name'], 'reciprocal_no_nan', 1);
  const t = toTensor(o.x as TensorLike, undefined, 'x');
  const one = constant(1, t.dtype);
  return divNoNan(one, t, (o.name as string | undefined) ?? 'reciprocal_no_nan');
}

// ----- EuclideanNorm -------------------------------------------------------------------------------
interface NormAttrs {
  [k: string]: unknown;
  axes: number[] | null;
  keepDims: boolean;
}
const NORM_TYPES = ['float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'complex64', 'int64', 'qint8', 'quint8', 'qint32', 'bfloat16', 'uint16', 'complex128', 'float16', 'uint32', 'uint64'];
defineOp<NormAttrs>({
  type: 'EuclideanNorm',
  infer: ([x], a) => {
    if (!NORM_TYPES.includes(x!.dtype) || x!.dtype.startsWith('complex')) {
      throw new TypeError(`Value passed to parameter 'input' has DataType ${x!.dtype} not in list of allowed values: ${NORM_TYPES.join(', ')}`);
    }
    return [{ dtype: x!.dtype, shape: reduceInfer(x!, a.axes, a.keepDims) }];
  },
  lower: (b, [x], a) => {
    const r = x!.shape.length;
    const axes = (a.axes ?? x!.shape.map((_, i) => i)).map((ax) => (ax < 0 ? ax + r : ax));
    const float = FLOATS.includes(x!.dtype);
    // integers: the square root in double, truncated back (C++'s sqrt of an integer)
    const v = float ? x! : b.cast(x!, 'float64');
    const s = b.unary('sqrt', b.reduce('sum', b.binary('mul', v, v), axes, a.keepDims));
    return [float ? s : b.cast(s, x!.dtype)];
  },
});
/** TF's _EuclideanNormGrad: div_no_nan(x, norm) · dy, the norm and dy with the reduced axes kept. */
registerGradient('EuclideanNorm', (op, [dy]) => {
  if (!dy) return [null];
  const x = op.inputs[0]!;
  const a = op.attrs as NormAttrs;
  const out = op.outputs[0]!;
  const norm = unreduceLike(out, x, a.axes, a.keepDims);
  const g = unreduceLike(dy, x, a.axes, a.keepDims);
  return [multiply(divNoNan(x, norm), g)];
});

/** `tf.math.reduceEuclideanNorm(inputTensor, axis?, keepdims = false, name?)`: sqrt(Σ x²) over `axis` (all axes when absent). */
export function reduceEuclideanNorm(
  inputTensor: TensorLike, axis?: number | number[] | null | Record<string, unknown>, keepdims?: boolean | null, name?: string,
): Tensor {
  const o = kwargs([inputTensor, axis, keepdims, name], ['inputTensor', 'axis', 'keepdims', 'name'], 'reduce_euclidean_norm', 1);
  const t = toTensor(o.inputTensor as TensorLike);
  const ax = o.axis === undefined || o.axis === null ? null : Array.isArray(o.axis) ? [...(o.axis as number[])] : [o.axis as number];
  if (ax && ax.some((v) => typeof v !== 'number')) throw new TypeError('reduce_euclidean_norm: axis must be an integer or a list of integers');
  if (t.shape !== null && ax) ax.forEach((v) => normAxis(v, t.shape!.length));
  return makeOp(t.graph, 'EuclideanNorm', [t], { axes: ax, keepDims: !!o.keepdims }, o.name as string | undefined, 'EuclideanNorm').outputs[0]!;
}

// ----- NextAfter -----------------------------------------------------------------------------------
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** C's nextafter (float64) and nextafterf (float32): the next representable value after x towards y. */
export function nextAfterValue(x: number, y: number, single: boolean): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === y) return y;
  if (x === 0) {
    const tiny = single ? 1.401298464324817e-45 : Number.MIN_VALUE;
    return y > 0 ? tiny : -tiny;
  }
  const up = (y > x) === (x > 0);
  if (single) {
    f32[0] = x;
    i32[0]! += up ? 1 : -1;
    return f32[0]!;
  }
  f64[0] = x;
  i64[0] = i64[0]! + (up ? 1n : -1n);
  return f64[0]!;
}

defineHostOp({
  type: 'NextAfter',
  infer: ([x, y], _a, name) => {
    sameDType('NextAfter', x!, y!, 'x1', 'x2');
    if (x!.dtype !== 'float32' && x!.dtype !== 'float64') throw new TypeError(`Value passed to parameter 'x1' has DataType ${x!.dtype} not in list of allowed values: float64, float32`);
    return [{ dtype: x!.dtype, shape: broadcastOrThrow('NextAfter', name, x!, y!) }];
  },
  run: ([a, b], _a, op) => {
    const shape = broadcastShapes(a!.shape, b!.shape);
    if (shape === undefined) throw new InvalidArgumentError(`Incompatible shapes: [${a!.shape.join(',')}] vs. [${b!.shape.join(',')}]`, op.name);
    const r = shape.length;
    const stridesFor = (s: readonly number[]): number[] => {
      const st = stridesOf(s);
      const off = r - s.length;
      return shape.map((_d, i) => (i < off || s[i - off] === 1 ? 0 : st[i - off]!));
    };
    const sa = stridesFor(a!.shape);
    const sb = stridesFor(b!.shape);
    const va = valuesOf(a!);
    const vb = valuesOf(b!);
    const n = sizeOf(shape);
    const out = new Float64Array(n);
    const idx = new Array<number>(r).fill(0);
    const single = a!.dtype === 'float32';
    for (let e = 0; e < n; e++) {
      let ia = 0;
      let ib = 0;
      for (let d = 0; d < r; d++) {
        ia += idx[d]! * sa[d]!;
        ib += idx[d]! * sb[d]!;
      }
      out[e] = nextAfterValue(va[ia]!, vb[ib]!, single);
      for (let d = r - 1; d >= 0; d--) {
        if (++idx[d]! < shape[d]!) break;
        idx[d] = 0;
      }
    }
    return [arrayOf(out, shape, a!.dtype)];
  },
});
/** TF's _NextAfterGrad: the gradient passes to x1 unchanged; x2 gets zeros. */
registerGradient('NextAfter', (op, [dy]) => {
  if (!dy) return [null, null];
  return binaryGrads(op, dy, zerosLike(dy));
});

/** `tf.math.nextafter(x1, x2, name?)`: the next representable value of x1 in the direction of x2 (float32 / float64). */
export function nextafter(x1: TensorLike, x2: TensorLike, name?: string | Record<string, unknown>): Tensor {
  const o = kwargs([x1, x2, name], ['x1', 'x2', 'name'], 'nextafter', 2);
  const [a, b] = toTensorPair(o.x1 as TensorLike, o.x2 as TensorLike);
  return makeOp(a.graph, 'NextAfter', [a, b], {}, o.name as string | undefined, 'NextAfter').outputs[0]!;
}

