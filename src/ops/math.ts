/** Elementwise math, comparisons and logic, matmul, reductions, arg-reductions, cast, where. */
import { type DType, isFloat, parseDType, tfName } from '../dtype.js';
import { UnimplementedError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Tensor } from '../graph/tensor.js';
import type { ReduceFn } from '../device/prims.js';
import { type Dim, type PartialShape, broadcastPartial, cShape, normAxis } from '../shape.js';
import { type TensorLike, toTensor, toTensorPair } from './convert.js';
import { binaryOp, broadcastOrThrow, defineBinary, defineUnary, sameDType, unaryOp } from './elementwise.js';
import { checkKernelDType } from './kernel-dtypes.js';
import { defineOp, makeOp } from './registry.js';
import { matmulOptions } from '../schemas.js';
import { parseOptions } from '../validate.js';
import { whereIndices } from './boolean-mask.js';

// ----- unary ----------------------------------------------------------------------------
defineUnary('Neg', 'neg');
defineUnary('Abs', 'abs');
defineUnary('Square', 'square');
defineUnary('Sqrt', 'sqrt');
defineUnary('Rsqrt', 'rsqrt');
defineUnary('Exp', 'exp');
defineUnary('Expm1', 'expm1');
defineUnary('Log', 'log');
defineUnary('Log1p', 'log1p');
defineUnary('Sign', 'sign');
defineUnary('Floor', 'floor');
defineUnary('Ceil', 'ceil');
defineUnary('Round', 'round');
defineUnary('Reciprocal', 'reciprocal');
defineUnary('Sigmoid', 'sigmoid');
defineUnary('Tanh', 'tanh');
defineUnary('Sin', 'sin');
defineUnary('Cos', 'cos');
defineUnary('LogicalNot', 'logicalNot');
defineUnary('IsNan', 'isNan', 'bool');
defineUnary('IsInf', 'isInf', 'bool');

export const negative = (x: TensorLike, name?: string): Tensor => unaryOp('Neg', x, name);
export const abs = (x: TensorLike, name?: string): Tensor => unaryOp('Abs', x, name);
export const square = (x: TensorLike, name?: string): Tensor => unaryOp('Square', x, name);
export const sqrt = (x: TensorLike, name?: string): Tensor => unaryOp('Sqrt', x, name);
export const rsqrt = (x: TensorLike, name?: string): Tensor => unaryOp('Rsqrt', x, name);
export const exp = (x: TensorLike, name?: string): Tensor => unaryOp('Exp', x, name);
export const expm1 = (x: TensorLike, name?: string): Tensor => unaryOp('Expm1', x, name);
export const log = (x: TensorLike, name?: string): Tensor => unaryOp('Log', x, name);
export const log1p = (x: TensorLike, name?: string): Tensor => unaryOp('Log1p', x, name);
export const sign = (x: TensorLike, name?: string): Tensor => unaryOp('Sign', x, name);
export const floor = (x: TensorLike, name?: string): Tensor => unaryOp('Floor', x, name);
export const ceil = (x: TensorLike, name?: string): Tensor => unaryOp('Ceil', x, name);
export const round = (x: TensorLike, name?: string): Tensor => unaryOp('Round', x, name);
export const reciprocal = (x: TensorLike, name?: string): Tensor => unaryOp('Reciprocal', x, name);
export const sigmoid = (x: TensorLike, name?: string): Tensor => unaryOp('Sigmoid', x, name);
export const tanh = (x: TensorLike, name?: string): Tensor => unaryOp('Tanh', x, name);
export const sin = (x: TensorLike, name?: string): Tensor => unaryOp('Sin', x, name);
export const cos = (x: TensorLike, name?: string): Tensor => unaryOp('Cos', x, name);
export const logicalNot = (x: TensorLike, name?: string): Tensor => unaryOp('LogicalNot', x, name);
export const isNan = (x: TensorLike, name?: string): Tensor => unaryOp('IsNan', x, name);
export const isInf = (x: TensorLike, name?: string): Tensor => unaryOp('IsInf', x, name);

// ----- binary ---------------------------------------------------------------------------
defineBinary('Add', 'add');
defineBinary('AddV2', 'add');
defineBinary('Sub', 'sub');
defineBinary('Mul', 'mul');
defineBinary('RealDiv', 'div');
defineBinary('FloorDiv', 'floorDiv');
defineBinary('FloorMod', 'mod');
defineBinary('Pow', 'pow');
defineBinary('Maximum', 'maximum');
defineBinary('Minimum', 'minimum');
defineBinary('SquaredDifference', 'squaredDifference');
defineBinary('Equal', 'equal');
defineBinary('NotEqual', 'notEqual');
defineBinary('Less', 'less');
defineBinary('LessEqual', 'lessEqual');
defineBinary('Greater', 'greater');
defineBinary('GreaterEqual', 'greaterEqual');
defineBinary('LogicalAnd', 'logicalAnd');
defineBinary('LogicalOr', 'logicalOr');
// Fused gradient helpers (x or y, dy) used by the gradient functions.
defineBinary('ReluGrad', 'reluGrad');
defineBinary('Relu6Grad', 'relu6Grad');
defineBinary('EluGrad', 'eluGrad');
defineBinary('LeakyReluGrad', 'leakyReluGrad');
defineBinary('SigmoidGrad', 'sigmoidGrad');
defineBinary('TanhGrad', 'tanhGrad');
defineBinary('SoftplusGrad', 'softplusGrad');
defineBinary('RsqrtGrad', 'rsqrtGrad');
defineBinary('SqrtGrad', 'sqrtGrad');

export const add = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Add', a, b, name);
export const subtract = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Sub', a, b, name);
export const multiply = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Mul', a, b, name);
/** True division; integer inputs are cast to float32 first (TF casts int32 to float64). */
export function divide(a: TensorLike, b: TensorLike, name?: string): Tensor {
  let [x, y] = toTensorPair(a, b);
  return x.graph.nameScope(name ?? 'truediv', (scope) => {
    if (!isFloat(x.dtype)) {
      x = cast(x, 'float32');
      y = cast(y, 'float32');
    }
    return makeOp(x.graph, 'RealDiv', [x, y], {}, scope, 'RealDiv').outputs[0]!;
  });
}
export const realDiv = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('RealDiv', a, b, name);
export const floorDiv = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('FloorDiv', a, b, name);
export const mod = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('FloorMod', a, b, name);
export const pow = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Pow', a, b, name);
export const maximum = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Maximum', a, b, name);
export const minimum = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Minimum', a, b, name);
export const squaredDifference = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('SquaredDifference', a, b, name);
export const equal = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Equal', a, b, name);
export const notEqual = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('NotEqual', a, b, name);
export const less = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Less', a, b, name);
export const lessEqual = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('LessEqual', a, b, name);
export const greater = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Greater', a, b, name);
export const greaterEqual = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('GreaterEqual', a, b, name);
export const logicalAnd = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('LogicalAnd', a, b, name);
export const logicalOr = (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('LogicalOr', a, b, name);

// ----- AddN -------------------------------------------------------------------------------
defineOp({
  type: 'AddN',
  infer: (ins, _a, name) => {
    let s: PartialShape = ins[0]!.shape;
    for (const t of ins.slice(1)) {
      sameDType('AddN', ins[0]!, t, 'inputs', 'inputs');
      s = broadcastOrThrow('AddN', name, { shape: s } as Tensor, t) ?? null;
    }
    return [{ dtype: ins[0]!.dtype, shape: s }];
  },
  lower: (b, ins) => [ins.slice(1).reduce((acc, x) => b.binary('add', acc, x), ins[0]!)],
});
export function addN(inputs: TensorLike[], name?: string): Tensor {
  const ts = inputs.map((x) => toTensor(x));
  if (ts.length === 0) throw new ValueError('inputs must be a non-empty list of tensors');
  if (ts.length === 1 && name === undefined) return ts[0]!;
  return makeOp(ts[0]!.graph, 'AddN', ts, {}, name, 'AddN').outputs[0]!;
}

// ----- Cast -------------------------------------------------------------------------------
defineOp<{ DstT: DType }>({
  type: 'Cast',
  infer: ([x], a) => [{ dtype: a.DstT, shape: x!.shape }],
  lower: (b, [x], a) => {
    // TF has no string casts (tf.strings.to_number / as_string convert instead)
    if ((x!.dtype === 'string') !== (a.DstT === 'string')) {
      throw new UnimplementedError(`Cast ${tfName(x!.dtype)} to ${tfName(a.DstT)} is not supported`, b.opName);
    }
    return [b.cast(x!, a.DstT)];
  },
});
export function cast(x: TensorLike, dtype: DType | string, name?: string): Tensor {
  const t = toTensor(x);
  const dt = parseDType(dtype);
  if (t.dtype === dt && name === undefined) return t;
  return makeOp(t.graph, 'Cast', [t], { DstT: dt }, name, 'Cast').outputs[0]!;
}

// ----- Select (where) ---------------------------------------------------------------------
defineOp({
  type: 'SelectV2',
  infer: ([c, x, y], _a, name) => {
    if (c!.dtype !== 'bool') throw new TypeError(`Input 'condition' of 'SelectV2' Op has type ${c!.dtype} that does not match expected type of bool.`);
    sameDType('SelectV2', x!, y!, 't', 'e');
    const s1 = broadcastOrThrow('SelectV2', name, x!, y!);
    const s = broadcastPartial(c!.shape, s1);
    if (s === undefined) throw new ValueError(`Dimensions must be equal for '${name}' (op: 'SelectV2') with input shapes: ${cShape(c!.shape)}, ${cShape(x!.shape)}, ${cShape(y!.shape)}.`);
    return [{ dtype: x!.dtype, shape: s }];
  },
  lower: (b, [c, x, y]) => [b.select(c!, x!, y!)],
});
/**
 * `tf.where(cond, x, y)` (broadcasting, as TF2's where_v2); `tf.where(cond)` alone: the int64
 * coordinates of the true elements (TF's Where op, see boolean-mask.ts).
 */
export function where(condition: TensorLike, x?: TensorLike | null, y?: TensorLike | null, name?: string): Tensor {
  const none = (v: unknown): boolean => v === undefined || v === null;
  if (none(x) && none(y)) return whereIndices(condition, name);
  if (none(x) || none(y)) throw new ValueError('x and y must both be non-None or both be None.');
  const c = toTensor(condition, 'bool');
  const [a, b] = toTensorPair(x!, y!);
  return makeOp(c.graph, 'SelectV2', [c, a, b], {}, name, 'SelectV2').outputs[0]!;
}

/** `tf.clip_by_value(t, min, max)` = minimum(maximum(t, min), max). */
export function clipByValue(t: TensorLike, clipValueMin: TensorLike, clipValueMax: TensorLike, name?: string): Tensor {
  const x = toTensor(t);
  return x.graph.nameScope(name ?? 'clip_by_value', (scope) => {
    const lo = maximum(x, clipValueMin, 'Maximum');
    return minimum(lo, clipValueMax, scope);
  });
}

// ----- MatMul -------------------------------------------------------------------------------
defineOp<{ transposeA: boolean; transposeB: boolean }>({
  type: 'MatMul',
  infer: ([a, b], attrs, name) => {
    sameDType('MatMul', a!, b!, 'a', 'b');
    checkKernelDType('MatMul', 'a', a!.dtype);
    const sa = a!.shape;
    const sb = b!.shape;
    const pre = `for '${name}' (op: 'MatMul') with input shapes: ${cShape(sa)}, ${cShape(sb)}.`;
    for (const s of [sa, sb]) {
      if (s !== null && s.length < 2) throw new ValueError(`Shape must be rank 2 but is rank ${s.length} ${pre}`);
    }
    if (sa === null || sb === null) return [{ dtype: a!.dtype, shape: null }];
    const ra = sa.length;
    const rb = sb.length;
    const m = attrs.transposeA ? sa[ra - 1]! : sa[ra - 2]!;
    const k = attrs.transposeA ? sa[ra - 2]! : sa[ra - 1]!;
    const k2 = attrs.transposeB ? sb[rb - 1]! : sb[rb - 2]!;
    const n = attrs.transposeB ? sb[rb - 2]! : sb[rb - 1]!;
    if (k !== null && k2 !== null && k !== k2) throw new ValueError(`Dimensions must be equal, but are ${k} and ${k2} ${pre}`);
    const batch = broadcastPartial(sa.slice(0, -2), sb.slice(0, -2));
    if (batch === undefined || batch === null) throw new ValueError(`Batch dimensions must be equal ${pre}`);
    return [{ dtype: a!.dtype, shape: [...batch, m, n] as Dim[] }];
  },
  lower: (b, [x, y], a) => [b.matmul(x!, y!, a.transposeA, a.transposeB)],
});
export interface MatMulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  name?: string;
}
export function matmul(a: TensorLike, b: TensorLike, opts: MatMulOptions = {}): Tensor {
  parseOptions(matmulOptions, opts, 'matmul');
  const [x, y] = toTensorPair(a, b);
  return makeOp(x.graph, 'MatMul', [x, y], { transposeA: !!opts.transposeA, transposeB: !!opts.transposeB }, opts.name, 'MatMul').outputs[0]!;
}

// ----- Reductions ------------------------------------------------------------------------
export function reduceInfer(x: Tensor, axes: number[] | null, keepDims: boolean): PartialShape {
  if (x.shape === null) return null;
  const r = x.shape.length;
  const set = new Set((axes ?? x.shape.map((_, i) => i)).map((a) => normAxis(a, r)));
  return x.shape.flatMap((d, i) => (set.has(i) ? (keepDims ? [1] : []) : [d]));
}

function defineReduce(type: string, fn: ReduceFn | 'mean'): void {
  defineOp<{ axes: number[] | null; keepDims: boolean }>({
    type,
    infer: ([x], a) => {
      checkKernelDType(type, 'input', x!.dtype);
      return [{ dtype: x!.dtype, shape: reduceInfer(x!, a.axes, a.keepDims) }];
    },
    lower: (b, [x], a) => {
      const r = x!.shape.length;
      const axes = (a.axes ?? x!.shape.map((_, i) => i)).map((ax) => (ax < 0 ? ax + r : ax));
      if (fn !== 'mean') return [b.reduce(fn, x!, axes, a.keepDims)];
      const s = b.reduce('sum', x!, axes, a.keepDims);
      const count = axes.reduce((acc, ax) => acc * x!.shape[ax]!, 1);
      // Integer means divide like C++, truncating toward zero: reduce_mean([-1, -2]) is -1.
      return [b.binary('div', s, b.scalar(count, x!.dtype))];
    },
  });
}
defineReduce('Sum', 'sum');
defineReduce('Mean', 'mean');
defineReduce('Max', 'max');
defineReduce('Min', 'min');
defineReduce('Prod', 'prod');
defineReduce('Any', 'any');
defineReduce('All', 'all');

function axesArg(axis: number | number[] | null | undefined): number[] | null {
  return axis === undefined || axis === null ? null : Array.isArray(axis) ? [...axis] : [axis];
}
function reduceOp(type: string, defaultName: string, x: TensorLike, axis?: number | number[] | null, keepDims = false, name?: string): Tensor {
  const t = toTensor(x);
  const axes = axesArg(axis);
  if (t.shape !== null && axes) axes.forEach((a) => normAxis(a, t.shape!.length));
  return makeOp(t.graph, type, [t], { axes, keepDims }, name, defaultName).outputs[0]!;
}
export const reduceSum = (x: TensorLike, axis?: number | number[] | null, keepDims = false, name?: string): Tensor => reduceOp('Sum', 'Sum', x, axis, keepDims, name);
export const reduceMean = (x: TensorLike, axis?: number | number[] | null, keepDims = false, name?: string): Tensor => reduceOp('Mean', 'Mean', x, axis, keepDims, name);
export const reduceMax = (x: TensorLike, axis?: number | number[] | null, keepDims = false, name?: string): Tensor => reduceOp('Max', 'Max', x, axis, keepDims, name);
export const reduceMin = (x: TensorLike, axis?: number | number[] | null, keepDims = false, name?: string): Tensor => reduceOp('Min', 'Min', x, axis, keepDims, name);
export const reduceProd = (x: TensorLike, axis?: number | number[] | null, keepDims = false, name?: string): Tensor => reduceOp('Prod', 'Prod', x, axis, keepDims, name);
export const reduceAny = (x: TensorLike, axis?: number | number[] | null, keepDims = false, name?: string): Tensor => reduceOp('Any', 'Any', x, axis, keepDims, name);
export const reduceAll = (x: TensorLike, axis?: number | number[] | null, keepDims = false, name?: string): Tensor => reduceOp('All', 'All', x, axis, keepDims, name);

// ----- ArgMax / ArgMin -------------------------------------------------------------------
for (const [type, fn] of [['ArgMax', 'argmax'], ['ArgMin', 'argmin']] as const) {
  defineOp<{ axis: number; outputType: DType }>({
    type,
    infer: ([x], a) => {
      checkKernelDType(type, 'input', x!.dtype);
      const shape = x!.shape === null ? null : x!.shape.filter((_, i) => i !== normAxis(a.axis, x!.shape!.length));
      return [{ dtype: a.outputType, shape }];
    },
    lower: (b, [x], a) => [b.argReduce(fn, x!, a.axis < 0 ? a.axis + x!.shape.length : a.axis, a.outputType)],
  });
}

export interface ArgOptions {
  axis?: number | null;
  name?: string;
  /** TF1's deprecated alias of `axis`. */
  dimension?: number | null;
  /** int64 (TF1's default) or int32. */
  outputType?: DType | string;
}

/**
 * `tf.argmax(input, axis?, name?, dimension?, outputType?)`, or a trailing options object:
 * the index of the largest value along `axis` (default 0, as in TF1), as int64 unless
 * `outputType` is int32.
 */
function argOp(type: 'ArgMax' | 'ArgMin', x: TensorLike, rest: unknown[]): Tensor {
  const opts: ArgOptions = {};
  const keys = ['axis', 'name', 'dimension', 'outputType'] as const;
  rest.forEach((v, i) => {
    if (i === rest.length - 1 && typeof v === 'object' && v !== null) Object.assign(opts, v);
    else if (v !== undefined) (opts as Record<string, unknown>)[keys[i]!] = v;
  });
  const unknown = Object.keys(opts).filter((k) => !(keys as readonly string[]).includes(k));
  if (unknown.length > 0) throw new TypeError(`${type === 'ArgMax' ? 'argmax' : 'argmin'}() got an unexpected keyword argument '${unknown[0]}'`);
  if (opts.axis !== undefined && opts.axis !== null && opts.dimension !== undefined && opts.dimension !== null) {
    throw new ValueError("Cannot specify both 'axis' and 'dimension'");
  }
  const axis = opts.axis ?? opts.dimension ?? 0;
  if (!Number.isInteger(axis)) throw new TypeError(`axis must be an integer, got ${String(axis)}`);
  const outputType = parseDType(opts.outputType ?? 'int64');
  if (outputType !== 'int32' && outputType !== 'int64') {
    throw new TypeError(`Value passed to parameter 'output_type' has DataType ${outputType} not in list of allowed values: int32, int64`);
  }
  const t = toTensor(x);
  if (t.shape !== null) normAxis(axis, t.shape.length);
  return makeOp(t.graph, type, [t], { axis, outputType }, opts.name, type).outputs[0]!;
}

export function argmax(x: TensorLike, ...rest: (number | string | DType | ArgOptions | null | undefined)[]): Tensor {
  return argOp('ArgMax', x, rest);
}
export function argmin(x: TensorLike, ...rest: (number | string | DType | ArgOptions | null | undefined)[]): Tensor {
  return argOp('ArgMin', x, rest);
}
/** TF1's `tf.arg_max` / `tf.arg_min`. */
export const argMax = argmax;
export const argMin = argmin;

export { getDefaultGraph };
