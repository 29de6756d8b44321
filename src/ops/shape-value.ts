/**
 * The build-time value of a shape-like tensor, as far as the graph tells it (TF's
 * `constant_value_as_shape`): `tf.zeros(tf.shape(x))` has x's static shape, `tf.reshape(y,
 * [tf.shape(y)[0], 2, -1])` a known second dim. Unknown entries are null; the run-time value is
 * folded when the plan is built (src/ops/shape-operands.ts).
 */
import type { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from './convert.js';
import { ValueError } from '../errors.js';
import type { NDArray } from '../ndarray.js';
import type { Dim, PartialShape } from '../shape.js';
import type { StridedSliceAttrs } from './strided-slice.js';

const dimOf = (v: number): Dim => (v < 0 ? null : v);

/** The value of a scalar int tensor when the graph fixes it at build time. */
export function scalarValue(t: Tensor): Dim {
  const op = t.op;
  if (op.type === 'Const') {
    const v = op.attrs.value as NDArray;
    return v.size === 1 ? dimOf(Number(v.data[0])) : null;
  }
  if (op.type === 'Cast' || op.type === 'Identity') return scalarValue(op.inputs[0]!);
  if (op.type === 'StridedSlice' && op.inputs.length === 1) {
    // tf.shape(x)[i]
    const a = op.attrs as StridedSliceAttrs;
    const vec = shapeValue(op.inputs[0]!);
    if (vec === null || a.begin.length !== 1 || a.shrinkAxisMask !== 1 || a.ellipsisMask || a.newAxisMask || a.beginMask & 1) return null;
    const i = a.begin[0]! < 0 ? a.begin[0]! + vec.length : a.begin[0]!;
    return i >= 0 && i < vec.length ? vec[i]! : null;
  }
  return null;
}

/** The partly known value of a 1-D int tensor used as a shape (null: not even its length). */
export function shapeValue(t: Tensor): PartialShape {
  const op = t.op;
  const rankOnly = (): PartialShape => (t.shape && t.shape.length === 1 && t.shape[0] !== null ? new Array<Dim>(t.shape[0]).fill(null) : null);
  switch (op.type) {
    case 'Const': {
      const v = op.attrs.value as NDArray;
      return v.shape.length === 1 ? Array.from(v.data as ArrayLike<number>, (d) => dimOf(Number(d))) : rankOnly();
    }
    case 'Shape':
      return op.inputs[0]!.shape ? [...op.inputs[0]!.shape] : rankOnly();
    case 'Cast':
    case 'Identity':
      return shapeValue(op.inputs[0]!);
    case 'Pack':
      return (op.attrs.axis as number) === 0 && op.inputs.every((x) => x.shape?.length === 0) ? op.inputs.map(scalarValue) : rankOnly();
    case 'ConcatV2': {
      const parts = op.inputs.map(shapeValue);
      return parts.every((p) => p !== null) ? parts.flat() : rankOnly();
    }
    default:
      return rankOnly();
  }
}

/** A shape operand as a 1-D int32/int64 tensor (a list holding scalar tensors is packed, as TF converts it). */
export function shapeTensor(shape: TensorLike, param = 'shape'): Tensor {
  const t = toTensor(shape, Array.isArray(shape) ? 'int32' : undefined);
  if (t.dtype !== 'int32' && t.dtype !== 'int64') {
    throw new TypeError(`Value passed to parameter '${param}' has DataType ${t.dtype} not in list of allowed values: int32, int64`);
  }
  if (t.shape !== null && t.shape.length !== 1) throw new ValueError(`Shape must be rank 1 but is rank ${t.shape.length} for '${param}'`);
  return t;
}
