/** TensorProto ↔ NDArray, and the DataType enum ↔ tsflow dtypes, as TF's `make_tensor_proto` / `MakeNdarray`. */
import { DataTypeEnum, dataTypeName } from '../checkpoint/proto.js';
import { type DType, StringArray, allocArray, isComplex } from '../dtype.js';
import { InvalidArgumentError, UnimplementedError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import type { PartialShape } from '../shape.js';
import type { TensorProto, TensorShapeProto } from '../proto/framework.js';

const TO_ENUM: Record<DType, number> = {
  float32: DataTypeEnum.DT_FLOAT,
  float64: DataTypeEnum.DT_DOUBLE,
  int32: DataTypeEnum.DT_INT32,
  uint8: DataTypeEnum.DT_UINT8,
  int16: DataTypeEnum.DT_INT16,
  int8: DataTypeEnum.DT_INT8,
  string: DataTypeEnum.DT_STRING,
  int64: DataTypeEnum.DT_INT64,
  bool: DataTypeEnum.DT_BOOL,
  uint16: DataTypeEnum.DT_UINT16,
  float16: DataTypeEnum.DT_HALF,
  complex64: DataTypeEnum.DT_COMPLEX64,
  complex128: DataTypeEnum.DT_COMPLEX128,
};
const FROM_ENUM = new Map<number, DType>(Object.entries(TO_ENUM).map(([k, v]) => [v, k as DType]));

export function dtypeToEnum(d: DType): number {
  return TO_ENUM[d];
}

/** The tsflow dtype of a DataType enum value (a `_REF` type gives its base type). */
export function dtypeFromEnum(v: number, what = 'tensor'): DType {
  const d = FROM_ENUM.get(v > 100 ? v - 100 : v);
  if (d === undefined) throw new UnimplementedError(`${what} has dtype ${dataTypeName(v)}, which tsflow does not support`);
  return d;
}

export function shapeToProto(s: PartialShape): TensorShapeProto {
  if (s === null) return { dim: [], unknownRank: true };
  return { dim: s.map((d) => ({ size: d ?? -1, name: '' })), unknownRank: false };
}

export function shapeFromProto(p: TensorShapeProto | undefined): PartialShape {
  if (p === undefined) return null;
  if (p.unknownRank) return null;
  // TF's TensorShapeBase::IsValidShape: -1 is unknown, anything below it (or a product past
  // 2^63 - 1) is no shape; a hostile proto must not become a shape with a -5 or 2^126 in it
  let n = 1;
  for (const d of p.dim) {
    if (d.size < -1) throw new InvalidArgumentError(`Shape [${p.dim.map((x) => x.size).join(',')}] has dimensions with values below -1 (where -1 means unknown)`);
    if (d.size >= 0) n *= d.size;
  }
  if (n > 2 ** 63 - 1) throw new InvalidArgumentError(`Shape [${p.dim.map((x) => x.size).join(',')}] is too large (more than 2**63 - 1 entries)`);
  return p.dim.map((d) => (d.size < 0 ? null : d.size));
}

function emptyTensorProto(dtype: number): TensorProto {
  return {
    dtype, versionNumber: 0, tensorContent: new Uint8Array(0), halfVal: [], floatVal: [], doubleVal: [], intVal: [],
    stringVal: [], scomplexVal: [], int64Val: [], boolVal: [], dcomplexVal: [], uint32Val: [], uint64Val: [],
  };
}

/**
 * The TensorProto of `a` as TF1's `make_tensor_proto` writes it: numeric data packed into
 * `tensor_content` (little-endian), strings in `string_val`, a single scalar in the typed field.
 */
export function tensorToProto(a: NDArray): TensorProto {
  const p = emptyTensorProto(dtypeToEnum(a.dtype));
  p.tensorShape = shapeToProto(a.shape);
  if (a.dtype === 'string') {
    p.stringVal = [...(a.data as unknown as StringArray)];
    return p;
  }
  if (a.size === 1 && a.shape.length === 0) {
    const v = Number(a.data[0]);
    if (a.dtype === 'complex64') p.scomplexVal = [v, Number(a.data[1])];
    else if (a.dtype === 'complex128') p.dcomplexVal = [v, Number(a.data[1])];
    else if (a.dtype === 'float32') p.floatVal = [v];
    else if (a.dtype === 'float64') p.doubleVal = [v];
    else if (a.dtype === 'int64') p.int64Val = [v];
    else if (a.dtype === 'bool') p.boolVal = [v !== 0];
    else if (a.dtype === 'float16') p.halfVal = [v];
    else p.intVal = [v];
    return p;
  }
  p.tensorContent = contentBytes(a);
  return p;
}

/**
 * A typed view of `buf`; InvalidArgumentError when its length is not whole elements (a hostile
 * tensor_content of 5 bytes for an int32 must not reach the typed-array constructor's RangeError).
 */
function safeView<T extends ArrayLike<number | bigint>>(C: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number }, buf: ArrayBuffer, what: string): T {
  if (buf.byteLength % C.BYTES_PER_ELEMENT !== 0) {
    throw new InvalidArgumentError(`${what}: tensor_content of ${buf.byteLength} bytes is not a whole number of ${C.BYTES_PER_ELEMENT}-byte values`);
  }
  return new C(buf);
}

/** The most elements a TensorProto may claim: past it no typed array can hold them. */
const MAX_PROTO_ELEMENTS = 2 ** 31 - 1;
/** The most elements filled from fewer stored values (TF's repeat-the-last rule): 2^28, 1-2 GiB. */
const MAX_EXPANDED_ELEMENTS = 2 ** 28;

function checkExpansion(n: number, stored: number, dims: number[], what: string): void {
  if (n > MAX_EXPANDED_ELEMENTS && stored < n) {
    throw new InvalidArgumentError(`${what}: shape [${dims.join(',')}] claims ${n} elements from ${stored} stored values, more than tsflow expands (${MAX_EXPANDED_ELEMENTS})`);
  }
}

function contentBytes(a: NDArray): Uint8Array {
  if (a.dtype === 'int64') {
    const out = new BigInt64Array(a.size);
    a.data.forEach((v, i) => (out[i] = BigInt(v as number)));
    return new Uint8Array(out.buffer);
  }
  const d = a.data as Exclude<NDArray['data'], StringArray>;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice();
}

/** The NDArray a TensorProto holds (TF's `MakeNdarray`, with its fill-from-last-value rule). */
export function tensorFromProto(p: TensorProto, what = 'tensor'): NDArray {
  const dtype = dtypeFromEnum(p.dtype, what);
  const shape = shapeFromProto(p.tensorShape) ?? [];
  if (shape.some((d) => d === null)) throw new InvalidArgumentError(`${what} has an incomplete shape`);
  const dims = shape as number[];
  const n = dims.reduce((x, y) => x * y, 1);
  // a shape read from untrusted bytes is checked before anything is allocated for it
  if (n > MAX_PROTO_ELEMENTS) throw new InvalidArgumentError(`${what}: shape [${dims.join(',')}] has ${n} elements, more than a tensor can hold`);
  if (dtype === 'string') {
    const vals = p.stringVal;
    checkExpansion(n, vals.length, dims, what);
    const out = new StringArray(n);
    for (let i = 0; i < n; i++) out[i] = vals[Math.min(i, vals.length - 1)] ?? new Uint8Array(0);
    return new NDArray(out, dims, 'string');
  }
  // complex elements are (re, im) pairs: `m` stored numbers per element
  const m = isComplex(dtype) ? 2 : 1;
  if (p.tensorContent.length > 0) {
    const c = p.tensorContent;
    const buf = new Uint8Array(c).buffer;
    let src: ArrayLike<number | bigint>;
    switch (dtype) {
      case 'float32': case 'complex64': src = safeView(Float32Array, buf, what); break;
      case 'float64': case 'complex128': src = safeView(Float64Array, buf, what); break;
      case 'int32': src = safeView(Int32Array, buf, what); break;
      case 'int64': src = safeView(BigInt64Array, buf, what); break;
      case 'int16': src = safeView(Int16Array, buf, what); break;
      case 'uint16': case 'float16': src = safeView(Uint16Array, buf, what); break;
      case 'int8': src = new Int8Array(buf); break;
      default: src = new Uint8Array(buf);
    }
    if (src.length !== n * m) {
      throw new InvalidArgumentError(`${what}: tensor_content holds ${src.length / m} values, but the shape [${dims.join(',')}] needs ${n}`);
    }
    const data = allocArray(dtype, n);
    for (let i = 0; i < n * m; i++) data[i] = Number(src[i]);
    return new NDArray(data, dims, dtype);
  }
  const stored = m === 2 ? (dtype === 'complex64' ? p.scomplexVal : p.dcomplexVal).length / 2
    : [p.floatVal, p.doubleVal, p.int64Val, p.boolVal, p.halfVal, p.intVal].reduce((k, v) => Math.max(k, v.length), 0);
  checkExpansion(n, stored, dims, what);
  const data = allocArray(dtype, n);
  if (m === 2) {
    const vals = dtype === 'complex64' ? p.scomplexVal : p.dcomplexVal;
    if (vals.length % 2 !== 0) throw new InvalidArgumentError(`${what} holds an odd number (${vals.length}) of ${dtype === 'complex64' ? 'scomplex_val' : 'dcomplex_val'} parts`);
    const k = vals.length / 2;
    if (k > n) throw new InvalidArgumentError(`${what} holds ${k} values, more than its shape [${dims.join(',')}] has`);
    for (let i = 0; i < n && k > 0; i++) {
      const j = Math.min(i, k - 1);
      data[2 * i] = vals[2 * j]!;
      data[2 * i + 1] = vals[2 * j + 1]!;
    }
    return new NDArray(data, dims, dtype);
  }
  const vals: ArrayLike<number | boolean> =
    dtype === 'float32' ? p.floatVal
    : dtype === 'float64' ? p.doubleVal
    : dtype === 'int64' ? p.int64Val
    : dtype === 'bool' ? p.boolVal
    : dtype === 'float16' ? p.halfVal
    : p.intVal;
  if (vals.length > n) throw new InvalidArgumentError(`${what} holds ${vals.length} values, more than its shape [${dims.join(',')}] has`);
  for (let i = 0; i < n; i++) {
    const v = vals.length === 0 ? 0 : vals[Math.min(i, vals.length - 1)]!;
    data[i] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  }
  return new NDArray(data, dims, dtype);
}
