/**
 * `tf.makeTensorProto` / `tf.makeNdarray` (TF 1.15's tensor_util.make_tensor_proto /
 * MakeNdarray) and `tf.contrib.util`: those two, `constantValue` (tensor_util.constant_value,
 * tsflow's getStaticValue) — host values to and from TF's TensorProto, as TF writes them.
 */
import { kwargs } from '../args.js';
import { type DType, allocArray, isInt, parseDType } from '../dtype.js';
import { ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { dtypeToEnum, shapeToProto, tensorFromProto, tensorToProto } from '../graphdef/tensor-proto.js';
import { NDArray } from '../ndarray.js';
import type { TensorProto } from '../proto/framework.js';
import { type HostValue, toNDArray } from '../ops/convert.js';
import { getStaticValue } from '../ops/deprecated-aliases.js';

export type { TensorProto } from '../proto/framework.js';

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** TF's _AssertCompatible for plain numbers: an integer dtype takes only integers. */
function assertCompatible(values: unknown, dtype: DType): void {
  if (!isInt(dtype)) return;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'number' && !Number.isInteger(v)) throw new TypeError(`Expected ${dtype}, got ${v} of type 'float' instead.`);
    else if (typeof v === 'string') throw new TypeError(`Expected ${dtype}, got '${v}' of type 'str' instead.`);
  };
  walk(values);
}

function emptyProto(dtype: DType, shape: readonly number[]): TensorProto {
  return {
    dtype: dtypeToEnum(dtype), tensorShape: shapeToProto([...shape]), versionNumber: 0, tensorContent: new Uint8Array(0), halfVal: [], floatVal: [], doubleVal: [],
    intVal: [], stringVal: [], scomplexVal: [], int64Val: [], boolVal: [], dcomplexVal: [], uint32Val: [], uint64Val: [],
  };
}

/**
 * `tf.makeTensorProto(values, dtype?, shape?, verifyShape = false, allowBroadcast = false)`: a
 * TensorProto of `values`. With `shape`, fewer values than it needs are stored as given (a reader
 * repeats the last one, TF's rule); more is a ValueError; `verifyShape` requires the exact
 * shape, `allowBroadcast` lets a scalar or one-element value stand for any shape.
 */
export function makeTensorProto(...args: unknown[]): TensorProto {
  const o = kwargs(args, ['values', 'dtype', 'shape', 'verifyShape', 'allowBroadcast'], 'make_tensor_proto', 1);
  const values = o.values;
  if (values instanceof Tensor) throw new TypeError(`Expected any non-tensor type, got a tensor instead (${String(values)}); use tf.getStaticValue or run it`);
  const dtype = o.dtype === undefined || o.dtype === null ? undefined : parseDType(o.dtype);
  const shape = o.shape === undefined || o.shape === null ? null : (o.shape as readonly number[]).map((d) => Math.trunc(Number(d)));
  let arr: NDArray;
  if (shape !== null && prod(shape) === 0) {
    const dt = dtype ?? (values instanceof NDArray ? values.dtype : 'float32');
    arr = new NDArray(allocArray(dt, 0) as never, shape, dt);
  } else {
    if (dtype && !(values instanceof NDArray)) assertCompatible(values, dtype);
    arr = toNDArray(values as HostValue, dtype);
  }
  if (shape === null) return tensorToProto(arr);
  const shapeSize = prod(shape);
  const sameSize = shapeSize === arr.size;
  const given = `(${arr.shape.join(', ')}${arr.shape.length === 1 ? ',' : ''})`;
  const wanted = `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
  if (o.allowBroadcast) {
    if (!(arr.shape.length === 0 || (arr.shape.length === 1 && arr.shape[0] === 1)) && arr.size !== shapeSize) {
      throw new TypeError(`Expected Tensor's shape: ${wanted}, got ${given}.`);
    }
  } else {
    if (o.verifyShape && (arr.shape.length !== shape.length || arr.shape.some((d, i) => d !== shape[i]))) {
      throw new TypeError(`Expected Tensor's shape: ${wanted}, got ${given}.`);
    }
    if (arr.size > shapeSize) throw new ValueError(`Too many elements provided. Needed at most ${shapeSize}, but received ${arr.size}`);
  }
  if (sameSize && shapeSize > 1 && arr.dtype !== 'string') return tensorToProto(new NDArray(arr.data as never, shape, arr.dtype));
  // the values themselves in the typed field; a reader fills the shape from them
  const p = emptyProto(arr.dtype, shape);
  const vals = Array.from(arr.data as ArrayLike<number>);
  if (arr.dtype === 'string') p.stringVal = [...(arr.data as unknown as Iterable<Uint8Array>)];
  else if (arr.dtype === 'float32') p.floatVal = vals;
  else if (arr.dtype === 'float64') p.doubleVal = vals;
  else if (arr.dtype === 'int64') p.int64Val = vals;
  else if (arr.dtype === 'bool') p.boolVal = vals.map((v) => v !== 0);
  else if (arr.dtype === 'float16') p.halfVal = vals;
  else if (arr.dtype === 'complex64') p.scomplexVal = vals;
  else if (arr.dtype === 'complex128') p.dcomplexVal = vals;
  else p.intVal = vals;
  return p;
}

/** `tf.makeNdarray(tensor)`: the NDArray a TensorProto holds (a shorter value list repeats its last value). */
export function makeNdarray(tensor: TensorProto): NDArray {
  if (typeof tensor !== 'object' || tensor === null || typeof (tensor as TensorProto).dtype !== 'number') {
    throw new TypeError(`make_ndarray: expected a TensorProto, got ${String(tensor)}`);
  }
  return tensorFromProto(tensor, 'TensorProto');
}

/**
 * `tf.contrib.util.constantValue(tensor, partial = false)` (tensor_util.constant_value): the
 * value the graph fixes at build time, else null; a non-tensor value comes back as an NDArray.
 */
export const constantValue = getStaticValue;
