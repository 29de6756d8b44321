/** Shape and data-movement ops. */
import { type DType, parseDType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type Dim, type PartialShape, isFullyDefined, pyShape, sizeOf } from '../shape.js';
import { type TensorLike, toTensor } from './convert.js';
import { defineOp, makeOp } from './registry.js';
import { setTranspose } from './nn.js';

// ----- Fill / zeros / ones ------------------------------------------------------------------
defineOp<{ shape: number[]; value: number; dtype: DType }>({
  type: 'Fill',
  infer: (_ins, a) => [{ dtype: a.dtype, shape: a.shape }],
  lower: (b, _ins, a) => [b.fill(a.shape, a.value, a.dtype)],
});
/** Fill with the shape of input 0 (zeros_like / ones_like, and gradient seeds). */
defineOp<{ value: number; dtype?: DType }>({
  type: 'FillLike',
  infer: ([x], a) => [{ dtype: a.dtype ?? x!.dtype, shape: x!.shape }],
  lower: (b, [x], a) => [b.fill(x!.shape, a.value, a.dtype ?? x!.dtype)],
});

function checkShape(shape: readonly number[], what: string): number[] {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ValueError(`${what} must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return [...shape];
}

export function fill(dims: readonly number[], value: number | boolean, dtype?: DType | string, name?: string): Tensor {
  const dt = dtype ? parseDType(dtype) : typeof value === 'boolean' ? 'bool' : 'float32';
  return makeOp(getDefaultGraph(), 'Fill', [], { shape: checkShape(dims, 'dims'), value: Number(value), dtype: dt }, name, 'Fill').outputs[0]!;
}
export function zeros(shape: readonly number[] | number, dtype: DType | string = 'float32', name?: string): Tensor {
  const s = typeof shape === 'number' ? [shape] : shape;
  return makeOp(getDefaultGraph(), 'Fill', [], { shape: checkShape(s, 'shape'), value: 0, dtype: parseDType(dtype) }, name, 'zeros').outputs[0]!;
}
export function ones(shape: readonly number[] | number, dtype: DType | string = 'float32', name?: string): Tensor {
  const s = typeof shape === 'number' ? [shape] : shape;
  return makeOp(getDefaultGraph(), 'Fill', [], { shape: checkShape(s, 'shape'), value: 1, dtype: parseDType(dtype) }, name, 'ones').outputs[0]!;
}
export function zerosLike(x: TensorLike, dtype?: DType | string, name?: string): Tensor {
  const t = toTensor(x);
  return makeOp(t.graph, 'FillLike', [t], { value: 0, dtype: dtype ? parseDType(dtype) : t.dtype }, name, 'zeros_like').outputs[0]!;
}
export function onesLike(x: TensorLike, dtype?: DType | string, name?: string): Tensor {
  const t = toTensor(x);
  return makeOp(t.graph, 'FillLike', [t], { value: 1, dtype: dtype ? parseDType(dtype) : t.dtype }, name, 'ones_like').outputs[0]!;
}

// ----- Shape / Size / Rank ----------------------------------------------------------------
defineOp({
  type: 'Shape',
  infer: ([x]) => [{ dtype: 'int32', shape: [x!.shape === null ? null : x!.shape.length] }],
  lower: (b, [x]) => [b.constant(new NDArray(Int32Array.from(x!.shape), [x!.shape.length], 'int32'))],
});
defineOp({
  type: 'Size',
  infer: () => [{ dtype: 'int32', shape: [] }],
  lower: (b, [x]) => [b.scalar(sizeOf(x!.shape), 'int32')],
});
defineOp({
  type: 'Rank',
  infer: () => [{ dtype: 'int32', shape: [] }],
  lower: (b, [x]) => [b.scalar(x!.shape.length, 'int32')],
});
export const shape = (x: TensorLike, name?: string): Tensor => { const t = toTensor(x); return makeOp(t.graph, 'Shape', [t], {}, name, 'Shape').outputs[0]!; };
export const size = (x: TensorLike, name?: string): Tensor => { const t = toTensor(x); return makeOp(t.graph, 'Size', [t], {}, name, 'Size').outputs[0]!; };
export const rank = (x: TensorLike, name?: string): Tensor => { const t = toTensor(x); return makeOp(t.graph, 'Rank', [t], {}, name, 'Rank').outputs[0]!; };

// ----- Reshape ------------------------------------------------------------------------------
/** Resolve one -1 in `shape` against `n` elements, with TF's errors. */
export function resolveReshape(shape: readonly number[], n: number, op: string): number[] {
  const neg = shape.filter((d) => d === -1).length;
  if (neg > 1) throw new InvalidArgumentError('Only one input size may be -1, not both', op);
  const known = shape.reduce((a, d) => (d === -1 ? a : a * d), 1);
  if (neg === 1) {
    if (known === 0 || n % known !== 0) {
      throw new InvalidArgumentError(`Input to reshape is a tensor with ${n} values, but the requested shape requires a multiple of ${known}`, op);
    }
    return shape.map((d) => (d === -1 ? n / known : d));
  }
  if (known !== n) throw new InvalidArgumentError(`Input to reshape is a tensor with ${n} values, but the requested shape has ${known}`, op);
  return [...shape];
}

/** Reshape to a static shape (attr) or to the value of input 1 (folded at plan time). */
defineOp<{ shape: number[] | null }>({
  type: 'Reshape',
  infer: (ins, a) => {
    const x = ins[0]!;
    if (a.shape === null) return [{ dtype: x.dtype, shape: ins[1]!.shape === null || ins[1]!.shape[0] === null ? null : new Array(ins[1]!.shape[0]).fill(null) }];
    let out: Dim[] = a.shape.map((d) => (d === -1 ? null : d));
    if (isFullyDefined(x.shape)) {
      const n = sizeOf(x.shape);
      try {
        out = resolveReshape(a.shape, n, '');
      } catch (e) {
        throw new ValueError(`Cannot reshape a tensor with ${n} elements to shape [${a.shape.join(',')}] (${(e as Error).message})`);
      }
    }
    return [{ dtype: x.dtype, shape: out }];
  },
  lower: (b, ins, a) => {
    const x = ins[0]!;
    let target = a.shape;
    if (target === null) {
      const v = b.constValue(ins[1]!);
      if (!v) throw new InvalidArgumentError('Reshape needs a shape known when the plan is built (a constant or tf.shape of a tensor)', b.opName);
      target = Array.from(v.data);
    }
    return [b.reshape(x, resolveReshape(target, sizeOf(x.shape), b.opName))];
  },
});
export function reshape(x: TensorLike, shape: readonly number[] | Tensor, name?: string): Tensor {
  const t = toTensor(x);
  if (shape instanceof Tensor) return makeOp(t.graph, 'Reshape', [t, shape], { shape: null }, name, 'Reshape').outputs[0]!;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new ValueError(`reshape: shape must be an array of integers (-1 for one unknown dim), got ${JSON.stringify(shape)}`);
  }
  return makeOp(t.graph, 'Reshape', [t], { shape: [...shape] }, name, 'Reshape').outputs[0]!;
}

/** Reshape input 0 to the run-time shape of input 1 (used by gradients). */
defineOp({
  type: 'ReshapeLike',
  infer: ([x, like]) => [{ dtype: x!.dtype, shape: like!.shape }],
  lower: (b, [x, like]) => [b.reshape(x!, like!.shape)],
});
/** Sum input 0 down to the run-time shape of input 1 (the gradient of broadcasting). */
defineOp({
  type: 'SumToShapeOf',
  infer: ([x, like]) => [{ dtype: x!.dtype, shape: like!.shape }],
  lower: (b, [x, like]) => [b.unbroadcast(x!, like!.shape)],
});
/** Broadcast input 0 to the run-time shape of input 1. */
defineOp({
  type: 'BroadcastLike',
  infer: ([x, like]) => [{ dtype: x!.dtype, shape: like!.shape }],
  lower: (b, [x, like]) => [b.broadcastTo(x!, like!.shape)],
});
export const reshapeLike = (x: Tensor, like: Tensor, name?: string): Tensor => makeOp(x.graph, 'ReshapeLike', [x, like], {}, name, 'Reshape').outputs[0]!;
export const sumToShapeOf = (x: Tensor, like: Tensor, name?: string): Tensor => makeOp(x.graph, 'SumToShapeOf', [x, like], {}, name, 'Sum').outputs[0]!;
export const broadcastLike = (x: Tensor, like: Tensor, name?: string): Tensor => makeOp(x.graph, 'BroadcastLike', [x, like], {}, name, 'BroadcastTo').outputs[0]!;

export { pyShape, type PartialShape };

// ----- Transpose ------------------------------------------------------------------------------
defineOp<{ perm: number[] | null }>({
  type: 'Transpose',
  infer: ([x], a) => {
    if (x!.shape === null) return [{ dtype: x!.dtype, shape: null }];
    const perm = a.perm ?? x!.shape.map((_, i) => x!.shape!.length - 1 - i);
    if (perm.length !== x!.shape.length || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) {
      throw new ValueError(`transpose expects a vector of size ${x!.shape.length}. But input(1) is a vector of size ${perm.length}`);
    }
    return [{ dtype: x!.dtype, shape: perm.map((p) => x!.shape![p]!) }];
  },
  lower: (b, [x], a) => [b.transpose(x!, a.perm ?? x!.shape.map((_, i) => x!.shape.length - 1 - i))],
});
export function transpose(x: TensorLike, perm?: readonly number[] | null, name?: string): Tensor {
  const t = toTensor(x);
  return makeOp(t.graph, 'Transpose', [t], { perm: perm ? [...perm] : null }, name, 'transpose').outputs[0]!;
}
setTranspose((x, perm, name) => transpose(x, perm, name));
