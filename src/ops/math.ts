/** Elementwise math, comparisons and logic, matmul, reductions, arg-reductions, cast, where. */
import { type DType, isComplex, isFloat, parseDType, realDType, tfName } from '../dtype.js';
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
import { deprecatedAlias, kwargs, tf1Function } from '../args.js';
import { whereIndices } from './boolean-mask.js';
import { holdsTensor } from './dynamic-slice.js';

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
defineUnary('Tan', 'tan');
defineUnary('Asin', 'asin');
defineUnary('Acos', 'acos');
defineUnary('Atan', 'atan');
defineUnary('Sinh', 'sinh');
defineUnary('Cosh', 'cosh');
defineUnary('Asinh', 'asinh');
defineUnary('Acosh', 'acosh');
defineUnary('Atanh', 'atanh');
defineUnary('LogicalNot', 'logicalNot');
defineUnary('IsNan', 'isNan', 'bool');
defineUnary('IsInf', 'isInf', 'bool');

export const negative = tf1Function('negative', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Neg', x, name), 1);
/** `tf.abs(x, name?)`; of a complex tensor, ComplexAbs (|x| in the real dtype), as TF. */
export const abs = tf1Function('abs', ['x', 'name'], (x: TensorLike, name?: string): Tensor => {
  const t = toTensor(x);
  return isComplex(t.dtype) ? complexAbsOp(t, name) : unaryOp('Abs', t, name);
}, 1);
// TF names it as the Abs it stands for
const complexAbsOp = (t: Tensor, name?: string): Tensor => makeOp(t.graph, 'ComplexAbs', [t], { Tout: realDType(t.dtype) }, name, 'Abs').outputs[0]!;
export const square = tf1Function('square', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Square', x, name), 1);
export const sqrt = tf1Function('sqrt', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Sqrt', x, name), 1);
export const rsqrt = tf1Function('rsqrt', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Rsqrt', x, name), 1);
export const exp = tf1Function('exp', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Exp', x, name), 1);
export const expm1 = tf1Function('expm1', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Expm1', x, name), 1);
export const log = tf1Function('log', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Log', x, name), 1);
export const log1p = tf1Function('log1p', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Log1p', x, name), 1);
export const sign = tf1Function('sign', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Sign', x, name), 1);
export const floor = tf1Function('floor', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Floor', x, name), 1);
export const ceil = tf1Function('ceil', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Ceil', x, name), 1);
export const round = tf1Function('round', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Round', x, name), 1);
export const reciprocal = tf1Function('reciprocal', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Reciprocal', x, name), 1);
export const sigmoid = tf1Function('sigmoid', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Sigmoid', x, name), 1);
export const tanh = tf1Function('tanh', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Tanh', x, name), 1);
export const sin = tf1Function('sin', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Sin', x, name), 1);
export const cos = tf1Function('cos', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Cos', x, name), 1);
export const tan = tf1Function('tan', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Tan', x, name), 1);
export const asin = tf1Function('asin', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Asin', x, name), 1);
export const acos = tf1Function('acos', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Acos', x, name), 1);
export const atan = tf1Function('atan', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Atan', x, name), 1);
export const sinh = tf1Function('sinh', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Sinh', x, name), 1);
export const cosh = tf1Function('cosh', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Cosh', x, name), 1);
export const asinh = tf1Function('asinh', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Asinh', x, name), 1);
export const acosh = tf1Function('acosh', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Acosh', x, name), 1);
export const atanh = tf1Function('atanh', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('Atanh', x, name), 1);
export const logicalNot = tf1Function('logicalNot', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('LogicalNot', x, name), 1);
export const isNan = tf1Function('isNan', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('IsNan', x, name), 1);
export const isInf = tf1Function('isInf', ['x', 'name'], (x: TensorLike, name?: string): Tensor => unaryOp('IsInf', x, name), 1);

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

export const add = tf1Function('add', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Add', a, b, name), 2);
export const subtract = tf1Function('subtract', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Sub', a, b, name), 2);
export const multiply = tf1Function('multiply', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Mul', a, b, name), 2);
/** True division; integer inputs are cast to float32 first (TF casts int32 to float64). */
export const divide = tf1Function('divide', ['x', 'y', 'name'], function divide(a: TensorLike, b: TensorLike, name?: string): Tensor {
  let [x, y] = toTensorPair(a, b);
  return x.graph.nameScope(name ?? 'truediv', (scope) => {
    if (!isFloat(x.dtype) && !isComplex(x.dtype)) {
      x = cast(x, 'float32');
      y = cast(y, 'float32');
    }
    return makeOp(x.graph, 'RealDiv', [x, y], {}, scope, 'RealDiv').outputs[0]!;
  });
}, 2);
export const realDiv = tf1Function('realDiv', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('RealDiv', a, b, name), 2);
export const floorDiv = tf1Function('floorDiv', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('FloorDiv', a, b, name), 2);
export const mod = tf1Function('mod', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('FloorMod', a, b, name), 2);
export const pow = tf1Function('pow', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Pow', a, b, name), 2);
export const maximum = tf1Function('maximum', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Maximum', a, b, name), 2);
export const minimum = tf1Function('minimum', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Minimum', a, b, name), 2);
export const squaredDifference = tf1Function('squaredDifference', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('SquaredDifference', a, b, name), 2);
export const equal = tf1Function('equal', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Equal', a, b, name), 2);
export const notEqual = tf1Function('notEqual', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('NotEqual', a, b, name), 2);
export const less = tf1Function('less', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Less', a, b, name), 2);
export const lessEqual = tf1Function('lessEqual', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('LessEqual', a, b, name), 2);
export const greater = tf1Function('greater', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('Greater', a, b, name), 2);
export const greaterEqual = tf1Function('greaterEqual', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('GreaterEqual', a, b, name), 2);
export const logicalAnd = tf1Function('logicalAnd', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('LogicalAnd', a, b, name), 2);
export const logicalOr = tf1Function('logicalOr', ['x', 'y', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => binaryOp('LogicalOr', a, b, name), 2);

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
export const addN = tf1Function('addN', ['inputs', 'name'], function addN(inputs: TensorLike[], name?: string): Tensor {
  const ts = inputs.map((x) => toTensor(x));
  if (ts.length === 0) throw new ValueError('inputs must be a non-empty list of tensors');
  if (ts.length === 1 && name === undefined) return ts[0]!;
  return makeOp(ts[0]!.graph, 'AddN', ts, {}, name, 'AddN').outputs[0]!;
}, 1);

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
export const cast = tf1Function('cast', ['x', 'dtype', 'name'], function cast(x: TensorLike, dtype: DType | string, name?: string): Tensor {
  const t = toTensor(x);
  const dt = parseDType(dtype);
  if (t.dtype === dt && name === undefined) return t;
  return makeOp(t.graph, 'Cast', [t], { DstT: dt }, name, 'Cast').outputs[0]!;
}, 2);

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
export const where = tf1Function('where', ['condition', 'x', 'y', 'name'], function where(condition: TensorLike, x?: TensorLike | null, y?: TensorLike | null, name?: string): Tensor {
  const none = (v: unknown): boolean => v === undefined || v === null;
  if (none(x) && none(y)) return whereIndices(condition, name);
  if (none(x) || none(y)) throw new ValueError('x and y must both be non-None or both be None.');
  const c = toTensor(condition, 'bool');
  const [a, b] = toTensorPair(x!, y!);
  return makeOp(c.graph, 'SelectV2', [c, a, b], {}, name, 'SelectV2').outputs[0]!;
}, 1);

/** `tf.clip_by_value(t, min, max)` = minimum(maximum(t, min), max). */
export const clipByValue = tf1Function('clipByValue', ['t', 'clipValueMin', 'clipValueMax', 'name'], function clipByValue(t: TensorLike, clipValueMin: TensorLike, clipValueMax: TensorLike, name?: string): Tensor {
  const x = toTensor(t);
  return x.graph.nameScope(name ?? 'clip_by_value', (scope) => {
    const lo = maximum(x, clipValueMin, 'Maximum');
    return minimum(lo, clipValueMax, scope);
  });
}, 3);

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
  adjointA?: boolean;
  adjointB?: boolean;
  aIsSparse?: boolean;
  bIsSparse?: boolean;
  name?: string;
}
/**
 * `tf.matmul(a, b, transposeA, transposeB, adjointA, adjointB, aIsSparse, bIsSparse, name)`;
 * for real dtypes the adjoint is the transpose; the sparsity flags are hints (dense kernels).
 */
export const matmul = tf1Function(
  'matmul',
  ['a', 'b', 'transposeA', 'transposeB', 'adjointA', 'adjointB', 'aIsSparse', 'bIsSparse', 'name'],
  function matmul(a: TensorLike, b: TensorLike, transposeA?: boolean, transposeB?: boolean, adjointA?: boolean, adjointB?: boolean, aIsSparse?: boolean, bIsSparse?: boolean, name?: string): Tensor {
    const o = parseOptions(matmulOptions, { transposeA, transposeB, adjointA, adjointB, aIsSparse, bIsSparse, name }, 'matmul');
    if (o.transposeA && o.adjointA) throw new ValueError('Only one of transpose_a and adjoint_a can be True.');
    if (o.transposeB && o.adjointB) throw new ValueError('Only one of transpose_b and adjoint_b can be True.');
    let [x, y] = toTensorPair(a, b);
    // the adjoint of a complex matrix is its conjugate transpose
    if (o.adjointA && isComplex(x.dtype)) x = makeOp(x.graph, 'Conj', [x], {}, undefined, 'Conj').outputs[0]!;
    if (o.adjointB && isComplex(y.dtype)) y = makeOp(y.graph, 'Conj', [y], {}, undefined, 'Conj').outputs[0]!;
    const attrs = { transposeA: !!(o.transposeA || o.adjointA), transposeB: !!(o.transposeB || o.adjointB) };
    return makeOp(x.graph, 'MatMul', [x, y], attrs, o.name, 'MatMul').outputs[0]!;
  },
  2,
);

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

/** Reduction axes given as a tensor, as a 1-D int tensor (a scalar axis becomes [axis]). */
function axesTensor(axis: TensorLike): Tensor {
  const a = toTensor(axis, Array.isArray(axis) ? 'int32' : undefined);
  if (a.dtype !== 'int32' && a.dtype !== 'int64') throw new TypeError(`Value passed to parameter 'reduction_indices' has DataType ${a.dtype} not in list of allowed values: int32, int64`);
  if (a.shape !== null && a.shape.length > 1) throw new ValueError(`Shape must be at most rank 1 but is rank ${a.shape.length} for 'reduction_indices'`);
  return a.shape !== null && a.shape.length === 0 ? makeOp(a.graph, 'Reshape', [a], { shape: [1] }, undefined, 'Reshape').outputs[0]! : a;
}
function axesArg(axis: number | number[] | null | undefined): number[] | null {
  return axis === undefined || axis === null ? null : Array.isArray(axis) ? [...axis] : [axis];
}
function reduceOp(type: string, defaultName: string, x: TensorLike, axis?: number | number[] | Tensor | null, keepDims = false, name?: string): Tensor {
  const t = toTensor(x);
  // axes as a tensor (fed or computed): the plan is built with their value
  if (holdsTensor(axis)) return makeOp(t.graph, `Folded${type}`, [t, axesTensor(axis as TensorLike)], { keepDims }, name, defaultName).outputs[0]!;
  const axes = axesArg(axis as number | number[] | null | undefined);
  if (t.shape !== null && axes) axes.forEach((a) => normAxis(a, t.shape!.length));
  return makeOp(t.graph, type, [t], { axes, keepDims }, name, defaultName).outputs[0]!;
}
/**
 * `tf.reduce_*(inputTensor, axis, keepdims, name, reductionIndices, keepDims)` — the last two
 * are TF1's deprecated aliases of `axis` and `keepdims`.
 */
function defineReduction(where: string, type: string) {
  return tf1Function(
    where,
    ['inputTensor', 'axis', 'keepdims', 'name', 'reductionIndices', 'keepDims'],
    (inputTensor: TensorLike, axis?: number | number[] | Tensor | null, keepdims?: boolean | null, name?: string, reductionIndices?: number | number[] | Tensor | null, keepDims?: boolean | null): Tensor => {
      const ax = deprecatedAlias('axis', axis, 'reduction_indices', reductionIndices);
      const kd = deprecatedAlias('keepdims', keepdims, 'keep_dims', keepDims) ?? false;
      if (typeof kd !== 'boolean') throw new TypeError(`${where}(): keepdims must be a boolean, got ${String(kd)}`);
      return reduceOp(type, type, inputTensor, ax, kd, name);
    },
    1,
  );
}
export const reduceSum = defineReduction('reduceSum', 'Sum');
export const reduceMean = defineReduction('reduceMean', 'Mean');
export const reduceMax = defineReduction('reduceMax', 'Max');
export const reduceMin = defineReduction('reduceMin', 'Min');
export const reduceProd = defineReduction('reduceProd', 'Prod');
export const reduceAny = defineReduction('reduceAny', 'Any');
export const reduceAll = defineReduction('reduceAll', 'All');

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
  const opts = kwargs(rest, ['axis', 'name', 'dimension', 'outputType'], type === 'ArgMax' ? 'argmax' : 'argmin') as ArgOptions;
  const axis = deprecatedAlias('axis', opts.axis, 'dimension', opts.dimension) ?? 0;
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
