/**
 * `tf.SparseTensor` (int64 `indices` [N, rank], `values` [N], int64 `denseShape` [rank]) and
 * `tf.SparseTensorValue` (what `Session.run` returns for one), with the sparse ops composed from
 * dense primitives (scatterNd, gather, unsortedSegmentSum), so they run on every device and their
 * gradients come from those primitives': `tf.sparse.toDense` / `tf.sparseTensorToDense`,
 * `tf.sparseToDense`, `tf.sparseTensorDenseMatmul` (gradient w.r.t. the values and the dense side).
 */
import { ValueError } from '../errors.js';
import type { Graph } from '../graph/graph.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { nameScope } from '../graph/context.js';
import type { NDArray } from '../ndarray.js';
import type { PartialShape } from '../shape.js';
import { expandDims, fill, gather, onesLike, reshape, slice, transpose } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import { placeholder } from './core.js';
import { add, cast, multiply, subtract } from './math.js';
import { scatterNd } from './scatter-nd.js';
import { unsortedSegmentSum } from './indexed-slices.js';
import { sparseToDenseOp } from './sparse-to-dense.js';

/** The value of a SparseTensor: host arrays of its three components. */
export class SparseTensorValue {
  constructor(
    readonly indices: NDArray,
    readonly values: NDArray,
    readonly denseShape: NDArray,
  ) {}
  toString(): string {
    return `SparseTensorValue(indices=${this.indices}, values=${this.values}, dense_shape=${this.denseShape})`;
  }
}

/** What `denseShape` holds at build time when it is a constant, else only its rank. */
function staticShape(t: Tensor): PartialShape {
  if (t.op.type === 'Const') return Array.from((t.op.attrs.value as NDArray).data as ArrayLike<number>, Number);
  return t.shape === null || t.shape[0] === null ? null : new Array<null>(t.shape[0]).fill(null);
}

/** TF1's `tf.SparseTensor(indices, values, dense_shape)`. */
export class SparseTensor {
  readonly indices: Tensor;
  readonly values: Tensor;
  readonly denseShape: Tensor;

  constructor(indices: TensorLike, values: TensorLike, denseShape: TensorLike) {
    const i = toTensor(indices, 'int64');
    const v = toTensor(values);
    const s = toTensor(denseShape, 'int64');
    if (i.dtype !== 'int64') throw new TypeError(`indices must be int64, got ${i.dtype}`);
    if (s.dtype !== 'int64') throw new TypeError(`dense_shape must be int64, got ${s.dtype}`);
    if (i.shape !== null && i.shape.length !== 2) throw new ValueError(`Shape must be rank 2 but is rank ${i.shape.length}`);
    if (v.shape !== null && v.shape.length !== 1) throw new ValueError(`Shape must be rank 1 but is rank ${v.shape.length}`);
    if (s.shape !== null && s.shape.length !== 1) throw new ValueError(`Shape must be rank 1 but is rank ${s.shape.length}`);
    if (i.shape !== null && v.shape !== null && i.shape[0] !== null && v.shape[0] !== null && i.shape[0] !== v.shape[0]) {
      throw new ValueError(`Dimensions ${i.shape[0]} and ${v.shape[0]} are not compatible`);
    }
    if (i.shape !== null && s.shape !== null && i.shape[1] !== null && s.shape[0] !== null && i.shape[1] !== s.shape[0]) {
      throw new ValueError(`Dimensions ${i.shape[1]} and ${s.shape[0]} are not compatible`);
    }
    this.indices = i;
    this.values = v;
    this.denseShape = s;
  }

  /** A SparseTensor from a SparseTensorValue (TF1's `SparseTensor.from_value`). */
  static fromValue(v: SparseTensorValue | SparseTensor): SparseTensor {
    return v instanceof SparseTensor ? v : new SparseTensor(v.indices, v.values, v.denseShape);
  }

  get dtype(): Tensor['dtype'] {
    return this.values.dtype;
  }
  get op(): Operation {
    return this.values.op;
  }
  get graph(): Graph {
    return this.values.graph;
  }
  /** The static shape of the dense tensor this represents. */
  get shape(): PartialShape {
    return staticShape(this.denseShape);
  }
  getShape(): PartialShape {
    return this.shape;
  }
  toString(): string {
    return `SparseTensor(indices=${this.indices}, values=${this.values}, dense_shape=${this.denseShape})`;
  }
}

function asSparse(x: SparseTensor | SparseTensorValue, what: string): SparseTensor {
  if (x instanceof SparseTensor) return x;
  if (x instanceof SparseTensorValue) return SparseTensor.fromValue(x);
  throw new TypeError(`Input must be a SparseTensor. (${what})`);
}

function fullShape(sp: SparseTensor, what: string): number[] {
  const s = sp.shape;
  if (s === null || s.some((d) => d === null)) {
    throw new ValueError(`${what} needs the dense_shape known when the graph is built (a constant); got ${sp.denseShape}`);
  }
  return s as number[];
}

/** `defaultValue` as a scalar of `values`' dtype (a number is cast to it). */
function defaultOf(defaultValue: TensorLike, values: Tensor): Tensor {
  let d = toTensor(defaultValue, values.dtype);
  if (d.dtype !== values.dtype && typeof defaultValue === 'number') d = cast(d, values.dtype);
  if (d.dtype !== values.dtype) throw new TypeError(`default_value has type ${d.dtype} that does not match type ${values.dtype} of argument 'sparse_values'.`);
  if (d.shape !== null && d.shape.length !== 0) throw new ValueError(`Shape must be rank 0 but is rank ${d.shape.length} for 'default_value'`);
  return d;
}

/** Zeros, or `defaultValue`, of `shape` with `values` at `indices` (int32 [N, rank]). */
function scatterDense(indices: Tensor, values: Tensor, shape: number[], defaultValue: TensorLike): Tensor {
  const d = defaultOf(defaultValue, values);
  const dense = scatterNd(indices, values, shape);
  if (d.op.type === 'Const' && Array.from((d.op.attrs.value as NDArray).data as ArrayLike<number>).every((x) => Number(x) === 0)) return dense;
  const hit = scatterNd(indices, onesLike(values), shape);
  return add(dense, multiply(d, subtract(onesLike(hit), hit)));
}

export interface ToDenseOptions {
  defaultValue?: TensorLike;
  validateIndices?: boolean;
  name?: string;
}

/**
 * `tf.sparse.toDense(spInput, defaultValue = 0, validateIndices = true, name)` (TF1's
 * `tf.sparse_tensor_to_dense`): the dense tensor with `values` at `indices` and `defaultValue`
 * elsewhere. A dense shape known only at run time (parsed examples) makes TF's SparseToDense op.
 */
export function sparseTensorToDense(
  spInput: SparseTensor | SparseTensorValue,
  defaultValue: TensorLike | ToDenseOptions = 0,
  validateIndices: boolean | ToDenseOptions = true,
  name?: string | ToDenseOptions,
): Tensor {
  const opts = [defaultValue, validateIndices, name].find((x) => x !== null && typeof x === 'object' && !Array.isArray(x) && !('dtype' in (x as object))) as ToDenseOptions | undefined;
  const dv = opts?.defaultValue ?? (typeof defaultValue === 'object' && defaultValue === opts ? 0 : (defaultValue as TensorLike));
  const nm = opts?.name ?? (typeof name === 'string' ? name : undefined);
  const sp = asSparse(spInput, 'sparse_tensor_to_dense');
  const known = sp.shape !== null && sp.shape.every((d) => d !== null);
  if (!known) {
    // a dense shape computed when the graph runs (parsed examples): TF's SparseToDense op on the host
    const vi = opts?.validateIndices ?? (typeof validateIndices === 'boolean' ? validateIndices : true);
    return nameScope(nm ?? 'SparseToDense', () => sparseToDenseOp(sp.indices, sp.denseShape, sp.values, defaultOf(dv, sp.values), vi));
  }
  const shape = fullShape(sp, 'sparse_tensor_to_dense');
  return nameScope(nm ?? 'SparseToDense', () => scatterDense(cast(sp.indices, 'int32'), sp.values, shape, dv));
}

/**
 * `tf.sparseToDense(sparseIndices, outputShape, sparseValues, defaultValue = 0)`: indices a
 * scalar, vector (rank-1 output) or [N, rank] matrix; `sparseValues` a scalar (for all) or [N].
 */
export function sparseToDense(sparseIndices: TensorLike, outputShape: readonly number[], sparseValues: TensorLike, defaultValue: TensorLike = 0, name?: string): Tensor {
  return nameScope(name ?? 'SparseToDense', () => {
    let idx = cast(toTensor(sparseIndices, 'int32'), 'int32');
    const r = idx.shape?.length;
    if (r === undefined) throw new ValueError('sparse_indices must have a known rank');
    if (r > 2) throw new ValueError(`sparse_indices should be a scalar, vector, or matrix, got shape [${idx.shape!.join(',')}]`);
    if (r < 2) idx = reshape(idx, [-1, 1]);
    const n = idx.shape![0];
    if (n === null) throw new ValueError('sparse_indices needs a known number of rows');
    if (idx.shape![1] !== outputShape.length) {
      throw new ValueError(`sparse_indices has ${idx.shape![1]} columns but output_shape has rank ${outputShape.length}`);
    }
    let v = toTensor(sparseValues);
    if (v.shape !== null && v.shape.length === 0) v = fill([n], v);
    return scatterDense(idx, v, [...outputShape], toTensor(defaultValue, v.dtype));
  });
}

export interface SparseMatmulOptions {
  adjointA?: boolean;
  adjointB?: boolean;
  name?: string;
}

/**
 * `tf.sparseTensorDenseMatmul(spA, b, adjointA = false, adjointB = false)`: the rank-2 sparse
 * `spA` (repeated indices summed) times dense `b`, `out[i, :] = Σ values[k] · b[col_k, :]` over
 * the entries `k` in row `i`. Differentiable in `spA.values` and `b`.
 */
export function sparseTensorDenseMatmul(
  spA: SparseTensor | SparseTensorValue,
  b: TensorLike,
  adjointA: boolean | SparseMatmulOptions = false,
  adjointB: boolean | SparseMatmulOptions = false,
  name?: string,
): Tensor {
  const o: SparseMatmulOptions = typeof adjointA === 'object' ? adjointA : typeof adjointB === 'object' ? { adjointA, ...adjointB } : { adjointA, adjointB, name };
  const sp = asSparse(spA, 'sparse_tensor_dense_matmul');
  const shape = sp.shape;
  if (shape !== null && shape.length !== 2) throw new ValueError(`Shape must be rank 2 but is rank ${shape.length} for 'a_shape'`);
  return nameScope(o.name ?? 'SparseTensorDenseMatMul', () => {
    let B = toTensor(b, sp.dtype);
    if (B.dtype !== sp.dtype) throw new TypeError(`Input 'b' of 'SparseTensorDenseMatMul' Op has type ${B.dtype} that does not match type ${sp.dtype} of argument 'a_values'.`);
    if (B.shape !== null && B.shape.length !== 2) throw new ValueError(`Shape must be rank 2 but is rank ${B.shape.length} for 'b'`);
    if (o.adjointB) B = transpose(B);
    const idx = cast(sp.indices, 'int32');
    const col0 = reshape(slice(idx, [0, 0], [-1, 1]), [-1]);
    const col1 = reshape(slice(idx, [0, 1], [-1, 1]), [-1]);
    const [rows, cols] = o.adjointA ? [col1, col0] : [col0, col1];
    const inner = shape?.[o.adjointA ? 0 : 1] ?? null;
    if (inner !== null && B.shape !== null && B.shape[0] !== null && B.shape[0] !== inner) {
      throw new ValueError(`Dimensions ${inner} and ${B.shape[0]} are not compatible`);
    }
    const m = shape?.[o.adjointA ? 1 : 0] ?? null;
    const scaled = multiply(gather(B, cols), expandDims(sp.values, 1));
    const nSeg = m !== null ? m : cast(gather(sp.denseShape, o.adjointA ? 1 : 0), 'int32');
    return unsortedSegmentSum(scaled, rows, nSeg);
  });
}

/**
 * `tf.sparsePlaceholder(dtype, shape?, name?)` (TF1's `tf.sparse_placeholder`): a SparseTensor of
 * placeholders `name/indices` (int64 [?, rank]), `name/values` ([?]) and, unless `shape` is fully
 * known, `name/shape` (int64 [rank]); fed with a SparseTensorValue or an
 * [indices, values, denseShape] triple.
 */
export function sparsePlaceholder(dtype: Tensor['dtype'] | string, shape?: readonly (number | null)[] | null | { shape?: readonly (number | null)[] | null; name?: string }, name?: string): SparseTensor {
  if (shape !== null && shape !== undefined && !Array.isArray(shape)) {
    name = (shape as { name?: string }).name;
    shape = (shape as { shape?: readonly (number | null)[] | null }).shape;
  }
  const s = shape as readonly (number | null)[] | null | undefined;
  const rank = s === null || s === undefined ? null : s.length;
  const sub = (n: string): string | undefined => (name === undefined ? undefined : `${name}/${n}`);
  const full = s !== null && s !== undefined && s.every((d) => d !== null && d >= 0);
  const denseShape = full ? toTensor([...(s as number[])], 'int64') : placeholder('int64', [rank], sub('shape') as string);
  const values = placeholder(dtype, [null], sub('values') as string);
  const indices = placeholder('int64', [null, rank], sub('indices') as string);
  return new SparseTensor(indices, values, denseShape);
}
