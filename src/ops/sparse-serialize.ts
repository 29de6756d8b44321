/**
 * Tensors and SparseTensors as strings: TF's SerializeTensor / ParseTensor (`tf.serializeTensor`,
 * `tf.parseTensor`, also `tf.io.*`), SerializeSparse / SerializeManySparse and
 * DeserializeManySparse (`tf.serializeSparse`, `tf.serializeManySparse`,
 * `tf.deserializeManySparse`).
 *
 * A tensor's string is its TensorProto as TF's `Tensor::AsProtoTensorContent` writes it and
 * proto serialization orders it: `dtype` (1), `tensor_shape` (2, present even for a scalar) and
 * `tensor_content` (4: the elements little-endian; for strings, the varint32 length of each
 * element followed by all the bytes), so the bytes equal TF's. A SparseTensor serializes as the
 * strings of its indices, values and dense shape; SerializeManySparse splits one along its first
 * dimension (each minibatch entry keeps the other dimensions). All run on the host (string
 * outputs); none is differentiable.
 */
import { kwargs } from '../args.js';
import { type DType, StringArray, allocArray } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { A, registerExporter } from '../graphdef/export.js';
import { RULES, make } from '../graphdef/import-rules.js';
import { dataTypeName } from '../checkpoint/proto.js';
import { dtypeFromEnum, dtypeToEnum, tensorFromProto } from '../graphdef/tensor-proto.js';
import { NDArray } from '../ndarray.js';
import { decode, encode } from '../proto/codec.js';
import { type TensorProto, TensorProtoT } from '../proto/framework.js';
import { type TensorLike, toTensor } from './convert.js';
import { arrayOf, defineHostOp, valuesOf } from './host-values.js';
import { makeOp, registerNoGradient } from './registry.js';
import { SparseTensor, SparseTensorValue } from './sparse-tensor.js';

/** Run a kernel body, naming `op` in the InvalidArgumentErrors it raises without one. */
function named<T>(op: { name: string }, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InvalidArgumentError && e.op === null) throw new InvalidArgumentError(e.message, op.name);
    throw e;
  }
}

const dbg = (s: readonly number[]): string => `[${s.join(',')}]`;

function putVarint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** TF's tensor_content bytes of `a`. */
function contentBytes(a: NDArray): Uint8Array {
  if (a.dtype === 'string') {
    const items = a.data as unknown as Uint8Array[];
    const head: number[] = [];
    for (const s of items) putVarint(head, s.length);
    const out = new Uint8Array(head.length + items.reduce((p, s) => p + s.length, 0));
    out.set(head);
    let o = head.length;
    for (const s of items) {
      out.set(s, o);
      o += s.length;
    }
    return out;
  }
  if (a.dtype === 'int64') {
    const b = new BigInt64Array(a.size);
    (a.data as Float64Array).forEach((v, i) => (b[i] = BigInt(v)));
    return new Uint8Array(b.buffer);
  }
  const d = a.data as Exclude<NDArray['data'], StringArray>;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice();
}

/** The serialized TensorProto of `a`, byte for byte as TF's SerializeTensor writes it. */
export function serializeTensorValue(a: NDArray): Uint8Array {
  if (a.dtype === 'complex64' || a.dtype === 'complex128') {
    throw new InvalidArgumentError(`SerializeTensor of ${a.dtype} is not supported`);
  }
  const p: Partial<TensorProto> = {
    dtype: dtypeToEnum(a.dtype),
    tensorShape: { dim: a.shape.map((size) => ({ size, name: '' })), unknownRank: false },
    tensorContent: a.size === 0 ? new Uint8Array(0) : contentBytes(a),
  };
  return encode(TensorProtoT, p as unknown as Record<string, unknown>);
}

function readVarint(b: Uint8Array, pos: { p: number }): number {
  let v = 0;
  let mul = 1;
  for (let k = 0; k < 5; k++) {
    if (pos.p >= b.length) return -1;
    const x = b[pos.p++]!;
    v += (x & 0x7f) * mul;
    if (x < 0x80) return v;
    mul *= 128;
  }
  return -1;
}

/** The most elements a parsed tensor may claim (its data must hold them or be one repeated value). */
const MAX_ELEMENTS = 2 ** 28;

/** The tensor in a serialized TensorProto (TF's ParseTensor, without the dtype check). */
export function parseTensorValue(bytes: Uint8Array, what = '`serialized`'): NDArray {
  const bad = (): InvalidArgumentError => new InvalidArgumentError(`Could not parse ${what} as TensorProto: '${new TextDecoder('latin1').decode(bytes)}'`);
  let p: TensorProto;
  try {
    p = decode<TensorProto>(TensorProtoT, bytes);
  } catch {
    throw bad();
  }
  const dims = p.tensorShape?.dim.map((d) => d.size) ?? [];
  if (dims.some((d) => d < 0)) throw new InvalidArgumentError(`Invalid data in ${what}: the shape ${dbg(dims)} is not fully defined`);
  const n = dims.reduce((x, y) => x * y, 1);
  if (n > MAX_ELEMENTS) throw new InvalidArgumentError(`Invalid data in ${what}: shape ${dbg(dims)} has too many elements`);
  // DT_INVALID (an empty proto) or a number that is no DataType: TF's Tensor::FromProto refuses it
  if (p.dtype === 0 || !/^DT_/.test(dataTypeName(p.dtype))) throw new InvalidArgumentError(`Cannot parse tensor from proto: dtype: ${dataTypeName(p.dtype)}`);
  const dtype = dtypeFromEnum(p.dtype, what);
  if (dtype === 'string' && p.tensorContent.length > 0) {
    const c = p.tensorContent;
    const pos = { p: 0 };
    const lens: number[] = [];
    for (let i = 0; i < n; i++) {
      const l = readVarint(c, pos);
      if (l < 0) throw bad();
      lens.push(l);
    }
    const out = new StringArray(n);
    for (let i = 0; i < n; i++) {
      if (pos.p + lens[i]! > c.length) throw bad();
      out[i] = c.slice(pos.p, pos.p + lens[i]!);
      pos.p += lens[i]!;
    }
    if (pos.p !== c.length) throw bad();
    return new NDArray(out, dims, 'string');
  }
  return tensorFromProto(p, what);
}

const strings = (items: Uint8Array[], shape: number[]): NDArray => new NDArray(StringArray.fromValues(items), shape, 'string');
const scalarString = (a: NDArray, what: string): Uint8Array => {
  if (a.rank !== 0) throw new InvalidArgumentError(`Expected \`${what}\` to be a scalar, got shape: ${dbg(a.shape)}`);
  return (a.data as unknown as Uint8Array[])[0]!;
};

// ----- SerializeTensor / ParseTensor ------------------------------------------------------------------
defineHostOp({
  type: 'SerializeTensor',
  infer: () => [{ dtype: 'string', shape: [] }],
  run: ([t], _a, op) => named(op, () => [strings([serializeTensorValue(t!)], [])]),
});
registerNoGradient('SerializeTensor');
registerExporter(['SerializeTensor'], ({ op }) => ({ T: A.type(op.inputs[0]!.dtype) }));
RULES.set('SerializeTensor', (c) => make(c, 'SerializeTensor', c.inputs));

defineHostOp<{ outType: DType; [k: string]: unknown }>({
  type: 'ParseTensor',
  infer: ([s], a) => {
    if (s!.dtype !== 'string') throw new TypeError(`Input 'serialized' of 'ParseTensor' Op has type ${s!.dtype} that does not match expected type of string.`);
    return [{ dtype: a.outType, shape: null }];
  },
  run: ([s], a, op) => named(op, () => {
    const t = parseTensorValue(scalarString(s!, 'serialized'));
    if (t.dtype !== a.outType) {
      throw new InvalidArgumentError(`Type mismatch between parsed tensor (${tfName(t.dtype)}) and dtype (${tfName(a.outType)})`);
    }
    return [t];
  }),
});
registerNoGradient('ParseTensor');
registerExporter(['ParseTensor'], ({ attrs }) => ({ out_type: A.type(attrs.outType as DType) }));
RULES.set('ParseTensor', (c) => make(c, 'ParseTensor', c.inputs, { outType: c.attrs.type('out_type') }));

/** TF's DataTypeString: `float`, `double`, `int64`, `string`, `half`, … */
function tfName(d: DType): string {
  return ({ float32: 'float', float64: 'double', float16: 'half' } as Record<string, string>)[d] ?? d;
}

// ----- SerializeSparse / SerializeManySparse ----------------------------------------------------------
interface SpVal { idx: Float64Array; n: number; rank: number; values: NDArray; shape: number[] }
function spValue(i: NDArray, v: NDArray, s: NDArray): SpVal {
  if (i.rank !== 2) throw new InvalidArgumentError(`Input indices should be a matrix but received shape ${dbg(i.shape)}`);
  if (v.rank !== 1) throw new InvalidArgumentError(`Input values should be a vector but received shape ${dbg(v.shape)}`);
  if (s.rank !== 1) throw new InvalidArgumentError(`Input shape should be a vector but received shape ${dbg(s.shape)}`);
  const [n, rank] = i.shape as [number, number];
  if (v.shape[0] !== n) throw new InvalidArgumentError(`Expected ${n} non-empty input values, got ${v.shape[0]}`);
  if (s.shape[0] !== rank) throw new InvalidArgumentError(`Expected rank ${rank} shape, got ${s.shape[0]}`);
  return { idx: valuesOf(i), n, rank, values: v, shape: Array.from(valuesOf(s)) };
}

/** Elements `rows` of a values vector, in the same storage. */
function pick(v: NDArray, rows: number[]): NDArray {
  if (v.dtype === 'string') return strings(rows.map((r) => (v.data as unknown as Uint8Array[])[r]!), [rows.length]);
  const d = v.data as ArrayLike<number>;
  const out = new (d.constructor as new (n: number) => ArrayLike<number> & { [k: number]: number })(rows.length);
  rows.forEach((r, k) => (out[k] = d[r]!));
  return new NDArray(out as never, [rows.length], v.dtype);
}

const serialized3 = (i: NDArray, v: NDArray, s: NDArray): Uint8Array[] => [serializeTensorValue(i), serializeTensorValue(v), serializeTensorValue(s)];

defineHostOp<{ outType: DType; [k: string]: unknown }>({
  type: 'SerializeSparse',
  infer: () => [{ dtype: 'string', shape: [3] }],
  run: ([i, v, s], _a, op) => named(op, () => {
    spValue(i!, v!, s!);
    return [strings(serialized3(i!, v!, s!), [3])];
  }),
});

/** TF's SparseTensor::IndicesValid: in bounds and in row-major order, no repeats. */
function checkIndices(h: SpVal): void {
  const row = (k: number) => Array.from(h.idx.subarray(k * h.rank, (k + 1) * h.rank));
  for (let k = 0; k < h.n; k++) {
    const r = row(k);
    if (r.some((x, d) => !(x >= 0 && x < h.shape[d]!))) {
      throw new InvalidArgumentError(`indices[${k}] = ${dbg(r)} is out of bounds: need 0 <= index < ${dbg(h.shape)}`);
    }
    if (k > 0) {
      const p = row(k - 1);
      let c = 0;
      for (let d = 0; d < h.rank && c === 0; d++) c = r[d]! - p[d]!;
      if (c < 0) throw new InvalidArgumentError(`indices[${k}] = ${dbg(r)} is out of order`);
      if (c === 0) throw new InvalidArgumentError(`indices[${k}] = ${dbg(r)} is repeated`);
    }
  }
}

defineHostOp<{ outType: DType; [k: string]: unknown }>({
  type: 'SerializeManySparse',
  infer: () => [{ dtype: 'string', shape: [null, 3] }],
  run: ([i, v, s], _a, op) => named(op, () => {
    const h = spValue(i!, v!, s!);
    if (h.rank < 2) throw new InvalidArgumentError(`Rank of input SparseTensor should be > 1, but saw rank: ${h.rank}`);
    checkIndices(h);
    const N = h.shape[0]!;
    const byRow: number[][] = Array.from({ length: N }, () => []);
    for (let k = 0; k < h.n; k++) byRow[h.idx[k * h.rank]!]!.push(k);
    const out: Uint8Array[] = [];
    const sub = h.shape.slice(1);
    for (let b = 0; b < N; b++) {
      const rows = byRow[b]!;
      const idx = rows.flatMap((k) => Array.from(h.idx.subarray(k * h.rank + 1, (k + 1) * h.rank)));
      out.push(...serialized3(arrayOf(idx, [rows.length, h.rank - 1], 'int64'), pick(h.values, rows), arrayOf(sub, [sub.length], 'int64')));
    }
    return [strings(out, [N, 3])];
  }),
});
for (const t of ['SerializeSparse', 'SerializeManySparse']) {
  registerNoGradient(t);
  registerExporter([t], ({ op, attrs }) => ({ T: A.type(op.inputs[1]!.dtype), out_type: A.type((attrs.outType as DType) ?? 'string') }));
  RULES.set(t, (c) => make(c, t, c.inputs, { outType: c.attrs.type('out_type', 'string') }));
}

// ----- DeserializeManySparse -------------------------------------------------------------------------
defineHostOp<{ dtype: DType; [k: string]: unknown }>({
  type: 'DeserializeManySparse',
  infer: ([s], a) => {
    if (s!.dtype !== 'string') throw new TypeError(`Input 'serialized_sparse' of 'DeserializeManySparse' Op has type ${s!.dtype} that does not match expected type of string.`);
    if (s!.shape !== null && (s!.shape.length !== 2 || (s!.shape[1] !== null && s!.shape[1] !== 3))) {
      throw new InvalidArgumentError(`Serialized sparse should have shape [?,3], got ${s!.shape.length === 2 ? `(${s!.shape.map((d) => d ?? '?').join(', ')})` : `rank ${s!.shape.length}`}`);
    }
    return [{ dtype: 'int64', shape: [null, null] }, { dtype: a.dtype, shape: [null] }, { dtype: 'int64', shape: [null] }];
  },
  run: ([s], a, op) => named(op, () => {
    if (s!.rank !== 2) throw new InvalidArgumentError(`Serialized sparse should be a matrix but received shape ${dbg(s!.shape)}`);
    if (s!.shape[1] !== 3) throw new InvalidArgumentError(`Serialized sparse should have 3 columns but received shape ${dbg(s!.shape)}`);
    const N = s!.shape[0]!;
    const items = s!.data as unknown as Uint8Array[];
    const parts: SpVal[] = [];
    let rank = -1;
    for (let b = 0; b < N; b++) {
      const parse = (c: number, dt: DType) => {
        const t = parseTensorValue(items[b * 3 + c]!, `serialized_sparse[${b}, ${c}]`);
        if (c !== 1 && t.dtype !== dt) throw new InvalidArgumentError(`Could not parse serialized_sparse[${b}, ${c}]: expected an ${dt} tensor, got ${t.dtype}`);
        return t;
      };
      const ind = parse(0, 'int64');
      const val = parse(1, a.dtype);
      const shp = parse(2, 'int64');
      if (val.dtype !== a.dtype) {
        throw new InvalidArgumentError(`Requested SparseTensor of type ${tfName(a.dtype)} but SparseTensor[${b}].values.dtype() == ${tfName(val.dtype)}`);
      }
      if (ind.rank !== 2) throw new InvalidArgumentError(`Expected serialized_sparse[${b}, 0] to represent an index matrix but received shape ${dbg(ind.shape)}`);
      if (val.rank !== 1) throw new InvalidArgumentError(`Expected serialized_sparse[${b}, 1] to represent a values vector but received shape ${dbg(val.shape)}`);
      if (shp.rank !== 1) throw new InvalidArgumentError(`Expected serialized_sparse[${b}, 2] to be a shape vector but its shape is ${dbg(shp.shape)}`);
      const h = spValue(ind, val, shp);
      if (rank >= 0 && h.rank !== rank) {
        throw new InvalidArgumentError(`Inconsistent rank across SparseTensors: rank prior to SparseTensor[${b}] was: ${rank + 1} but rank of SparseTensor[${b}] is: ${h.rank + 1}`);
      }
      rank = h.rank;
      parts.push(h);
    }
    if (rank < 0) throw new InvalidArgumentError('Serialized sparse should have at least one element');
    const shape = [N, ...Array.from({ length: rank }, (_, d) => Math.max(...parts.map((h) => h.shape[d]!)))];
    const idx: number[] = [];
    const vals: NDArray[] = [];
    parts.forEach((h, b) => {
      for (let k = 0; k < h.n; k++) idx.push(b, ...h.idx.subarray(k * h.rank, (k + 1) * h.rank));
      vals.push(h.values);
    });
    const total = parts.reduce((p, h) => p + h.n, 0);
    let values: NDArray;
    if (a.dtype === 'string') values = strings(vals.flatMap((v) => [...(v.data as unknown as Uint8Array[])]), [total]);
    else {
      // copied in storage form (float16 stays as its bits)
      const data = allocArray(a.dtype, total) as unknown as { [k: number]: number };
      let k = 0;
      for (const v of vals) {
        const d = v.data as ArrayLike<number>;
        for (let q = 0; q < d.length; q++) data[k++] = d[q]!;
      }
      values = new NDArray(data as never, [total], a.dtype);
    }
    return [arrayOf(idx, [total, rank + 1], 'int64'), values, arrayOf(shape, [shape.length], 'int64')];
  }),
});
registerNoGradient('DeserializeManySparse');
registerExporter(['DeserializeManySparse'], ({ attrs }) => ({ dtype: A.type(attrs.dtype as DType) }));
RULES.set('DeserializeManySparse', (c) => make(c, 'DeserializeManySparse', c.inputs, { dtype: c.attrs.type('dtype') }));

// ----- the Python-level functions -------------------------------------------------------------------
type Sp = SparseTensor | SparseTensorValue;
function asSp(x: unknown): SparseTensor {
  if (x instanceof SparseTensor) return x;
  if (x instanceof SparseTensorValue) return SparseTensor.fromValue(x);
  throw new TypeError(`Input must be a SparseTensor. (got ${String(x)})`);
}
function outType(v: unknown): DType {
  const d = (v ?? 'string') as DType;
  if (d !== 'string') throw new TypeError(`Value passed to parameter 'out_type' has DataType ${String(v)} not in list of allowed values: string (tsflow has no variant)`);
  return d;
}

/** `tf.serializeTensor(tensor, name?)` (also `tf.io.serializeTensor`): the tensor's TensorProto, serialized, a string scalar. */
export function serializeTensor(tensor: TensorLike, name?: string | Record<string, unknown>): Tensor {
  const o = kwargs([tensor, name], ['tensor', 'name'], 'serialize_tensor', 1);
  const t = toTensor(o.tensor as TensorLike);
  return makeOp(t.graph, 'SerializeTensor', [t], {}, o.name as string | undefined, 'SerializeTensor').outputs[0]!;
}

/** `tf.parseTensor(serialized, outType, name?)` (also `tf.io.parseTensor`): the tensor a serialized TensorProto holds; its dtype must be `outType`. */
export function parseTensor(serialized: TensorLike, outType_?: DType | string | Record<string, unknown>, name?: string | Record<string, unknown>): Tensor {
  const o = kwargs([serialized, outType_, name], ['serialized', 'outType', 'name'], 'parse_tensor', 2);
  const s = toTensor(o.serialized as TensorLike, 'string');
  return makeOp(s.graph, 'ParseTensor', [s], { outType: o.outType as DType }, o.name as string | undefined, 'ParseTensor').outputs[0]!;
}

/** `tf.serializeSparse(spInput, name?, outType = tf.string)`: a string [3] of the serialized indices, values and dense shape. */
export function serializeSparse(spInput: Sp, name?: string | Record<string, unknown>, outType_?: DType | Record<string, unknown>): Tensor {
  const o = kwargs([spInput, name, outType_], ['spInput', 'name', 'outType'], 'serialize_sparse', 1);
  const x = asSp(o.spInput);
  return makeOp(x.graph, 'SerializeSparse', [x.indices, x.values, x.denseShape], { outType: outType(o.outType) }, o.name as string | undefined, 'SerializeSparse').outputs[0]!;
}

/**
 * `tf.serializeManySparse(spInput, name?, outType = tf.string)`: a string [N, 3], row `b` the
 * serialized SparseTensor of minibatch entry `b` (the input's first dimension split off; its
 * indices must be in row-major order).
 */
export function serializeManySparse(spInput: Sp, name?: string | Record<string, unknown>, outType_?: DType | Record<string, unknown>): Tensor {
  const o = kwargs([spInput, name, outType_], ['spInput', 'name', 'outType'], 'serialize_many_sparse', 1);
  const x = asSp(o.spInput);
  return makeOp(x.graph, 'SerializeManySparse', [x.indices, x.values, x.denseShape], { outType: outType(o.outType) }, o.name as string | undefined, 'SerializeManySparse').outputs[0]!;
}

/**
 * `tf.deserializeManySparse(serializedSparse, dtype, rank?, name?)`: the SparseTensor of the
 * [N, 3] serialized minibatch entries stacked along a new first dimension (each other dimension
 * the largest of the entries').
 */
export function deserializeManySparse(serializedSparse: TensorLike, dtype?: DType | string | Record<string, unknown>, rank?: number | null | Record<string, unknown>, name?: string | Record<string, unknown>): SparseTensor {
  const o = kwargs([serializedSparse, dtype, rank, name], ['serializedSparse', 'dtype', 'rank', 'name'], 'deserialize_many_sparse', 2);
  const s = toTensor(o.serializedSparse as TensorLike, 'string');
  const op = makeOp(s.graph, 'DeserializeManySparse', [s], { dtype: o.dtype as DType }, o.name as string | undefined, 'DeserializeManySparse');
  const r = o.rank as number | null | undefined;
  if (r !== undefined && r !== null) {
    op.outputs[0]!.setShape([null, r]);
    op.outputs[2]!.setShape([r]);
  }
  return new SparseTensor(op.outputs[0]!, op.outputs[1]!, op.outputs[2]!);
}
