/** `tf.nn.topK` (TF's TopKV2) and `tf.nn.inTopK` (InTopKV2). */
import { kwargs } from '../args.js';
import { type DType, isFloat } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { sizeOf } from '../shape.js';
import { expandDims, oneHot, shapeFnError } from './array.js';
import { type TensorLike, isHostValue, toTensor } from './convert.js';
import type { Lower, Val } from './lower.js';
import { multiply, reduceSum } from './math.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

/** The smallest value of `dtype`, which no element beats in an argmax. */
function lowest(dtype: DType): number {
  return isFloat(dtype) ? -Infinity : -2147483648;
}

/**
 * The k largest entries of each row of [outer, n] by k rounds of argmax (ties → the lower index,
 * as TF), each round masking the winner out. Returns values [outer, k] and int32 indices.
 */
function lowerTopK(b: Lower, x: Val, k: number): [Val, Val] {
  const n = x.shape[x.shape.length - 1]!;
  const outer = sizeOf(x.shape) / Math.max(n, 1);
  let cur = b.reshape(x, [outer, n]);
  const cols = b.constant(new NDArray(Int32Array.from({ length: n }, (_, i) => i), [1, n], 'int32'));
  const low = b.scalar(lowest(x.dtype), x.dtype);
  const values: Val[] = [];
  const indices: Val[] = [];
  for (let j = 0; j < k; j++) {
    const idx = b.reshape(b.argReduce('argmax', cur, 1), [outer, 1]);
    const hit = b.binary('equal', cols, idx);
    values.push(b.reduce('max', b.select(hit, cur, low), [1], true));
    indices.push(idx);
    if (j + 1 < k) cur = b.select(hit, low, cur);
  }
  const outShape = [...x.shape.slice(0, -1), k];
  if (k === 0) return [b.fill(outShape, 0, x.dtype), b.fill(outShape, 0, 'int32')];
  return [b.reshape(b.concat(values, 1), outShape), b.reshape(b.concat(indices, 1), outShape)];
}

defineOp<{ k: number; sorted: boolean }>({
  type: 'TopKV2',
  infer: ([x], a, name) => {
    const s = x!.shape;
    const fail = (msg: string): ValueError => shapeFnError(msg, name, 'TopKV2', [s, []], [[1, a.k]]);
    if (a.k < 0) throw fail(`Dimension size, given by scalar input 1, must be non-negative but is ${a.k}`);
    if (s === null) return [{ dtype: x!.dtype, shape: null }, { dtype: 'int32', shape: null }];
    if (s.length < 1) throw fail('Shape must be at least rank 1 but is rank 0');
    const last = s[s.length - 1]!;
    if (last !== null && last < a.k) throw fail(`input must have last dimension >= k = ${a.k} but is ${last}`);
    const out = [...s.slice(0, -1), a.k];
    return [{ dtype: x!.dtype, shape: out }, { dtype: 'int32', shape: out }];
  },
  lower: (b, [x], a) => {
    const n = x!.shape[x!.shape.length - 1]!;
    if (n < a.k) throw new InvalidArgumentError(`input must have at least k columns. Had ${n}, needed ${a.k}`, b.opName);
    return lowerTopK(b, x!, a.k);
  },
});
// TF's _TopKGrad: each value's gradient goes back to the position it came from.
registerGradient('TopKV2', (op, [dv]) => {
  if (!dv) return [null];
  const x = op.inputs[0]!;
  const n = x.shape?.[x.shape.length - 1];
  if (n === null || n === undefined) throw new ValueError('The gradient of top_k needs the last dimension of its input known at graph-construction time');
  const hot = oneHot(op.outputs[1]!, n, { dtype: dv.dtype });
  return [reduceSum(multiply(hot, expandDims(dv, -1)), -2)];
});

/**
 * `tf.nn.topK(input, k = 1, sorted = true, name?)` → `[values, indices]`: the k largest entries
 * of the last dimension, largest first (equal values: lower index first); indices are int32.
 */
export function topK(
  input: TensorLike,
  k?: number | Record<string, unknown>,
  sorted?: boolean | Record<string, unknown>,
  name?: string | Record<string, unknown>,
): [Tensor, Tensor] {
  const o = kwargs([input, k, sorted, name], ['input', 'k', 'sorted', 'name'], 'nn.topK');
  const x = toTensor(o.input as TensorLike);
  const kv = (o.k as number | undefined) ?? 1;
  if (!Number.isInteger(kv)) throw new TypeError(`topK: k must be an integer, got ${String(o.k)}`);
  if (x.dtype === 'bool') throw new TypeError("Value passed to parameter 'input' has DataType bool not in list of allowed values: float32, float64, int32, uint8, int16, int8, int64, bfloat16, uint16, float16, uint32, uint64");
  const op = makeOp(x.graph, 'TopKV2', [x], { k: kv, sorted: o.sorted === undefined ? true : Boolean(o.sorted) }, o.name as string | undefined, 'TopKV2');
  return [op.outputs[0]!, op.outputs[1]!];
}

defineOp<{ k: number }>({
  type: 'InTopKV2',
  infer: ([p, t], a, name) => {
    const ps = p!.shape;
    const ts = t!.shape;
    const fail = (msg: string): ValueError => shapeFnError(msg, name, 'InTopKV2', [ps, ts, []], [[2, a.k]]);
    if (ps !== null && ps.length !== 2) throw fail(`Shape must be rank 2 but is rank ${ps.length}`);
    if (ts !== null && ts.length !== 1) throw fail(`Shape must be rank 1 but is rank ${ts.length}`);
    if (ps && ts && ps[0] !== null && ts[0] !== null && ps[0] !== ts[0]) {
      throw fail(`Dimensions must be equal, but are ${ps[0]} and ${ts[0]}`);
    }
    return [{ dtype: 'bool', shape: [ps?.[0] ?? ts?.[0] ?? null] }];
  },
  lower: (b, [p, t], a) => {
    const [batch, n] = p!.shape as [number, number];
    if (t!.shape[0] !== batch) throw new InvalidArgumentError(`First dimension of predictions ${batch} must match length of targets ${t!.shape[0]}`, b.opName);
    const target = b.reshape(b.cast(t!, 'int32'), [batch, 1]);
    const cols = b.constant(new NDArray(Int32Array.from({ length: n }, (_, i) => i), [1, n], 'int32'));
    const hit = b.binary('equal', cols, target);
    const zero = b.scalar(0, p!.dtype);
    const tp = b.reduce('sum', b.select(hit, p!, zero), [1], true);
    const better = b.reduce('sum', b.cast(b.binary('greater', p!, tp), 'int32'), [1], false);
    const finite = b.reduce('all', b.unary('logicalNot', b.binary('logicalOr', b.unary('isNan', p!), b.unary('isInf', p!))), [1], false);
    const inRange = b.reshape(b.binary('logicalAnd', b.binary('greaterEqual', target, b.scalar(0, 'int32')), b.binary('less', target, b.scalar(n, 'int32'))), [batch]);
    const inTop = b.binary('less', better, b.scalar(a.k, 'int32'));
    return [b.binary('logicalAnd', b.binary('logicalAnd', inTop, finite), inRange)];
  },
});
registerGradient('InTopKV2', null);

/**
 * `tf.nn.inTopK(predictions, targets, k)`: whether each row's target class is among its k
 * largest predictions (ties count in its favour); false for rows with non-finite predictions or
 * an out-of-range target, as TF's kernel.
 */
export function inTopK(
  predictions: TensorLike,
  targets: TensorLike,
  k: number | Record<string, unknown>,
  name?: string | Record<string, unknown>,
): Tensor {
  const o = kwargs([predictions, targets, k, name], ['predictions', 'targets', 'k', 'name'], 'nn.inTopK');
  const p = toTensor(o.predictions as TensorLike);
  if (p.dtype !== 'float32') throw new TypeError(`Value passed to parameter 'predictions' has DataType ${p.dtype} not in list of allowed values: float32`);
  const t = toTensor(o.targets as TensorLike, isHostValue(o.targets) && !(o.targets instanceof NDArray) ? 'int32' : undefined);
  if (t.dtype !== 'int32' && t.dtype !== 'int64') throw new TypeError(`Value passed to parameter 'targets' has DataType ${t.dtype} not in list of allowed values: int32, int64`);
  if (!Number.isInteger(o.k)) throw new TypeError(`inTopK: k must be an integer, got ${String(o.k)}`);
  return makeOp(p.graph, 'InTopKV2', [p, t], { k: o.k as number }, o.name as string | undefined, 'in_top_k').outputs[0]!;
}
