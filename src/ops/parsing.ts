/**
 * Example parsing and raw decoding: `tf.io.parseSingleExample`, `tf.io.parseExample` (with
 * `FixedLenFeature`, `FixedLenSequenceFeature`, `VarLenFeature` and `SparseFeature`),
 * `tf.io.decodeRaw`. Their output shapes or values come from the bytes, so they are host-stage
 * ops (src/session/host-stage.ts): evaluated on the host before the plan, their outputs fed to it.
 * As in TF, a SparseFeature is parsed as VarLen features of its index and value keys that
 * tf.sparse.merge then joins (so a GraphDef holds TF's ParseExample and merge ops).
 */
import { type DType, StringArray, arrayCtor, parseDType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { decodeExample } from '../io/example.js';
import { NDArray } from '../ndarray.js';
import type { FeatureMsg } from '../proto/example.js';
import { registerHostOp } from '../session/host-stage.js';
import { type PartialShape, sizeOf } from '../shape.js';
import { type TensorLike, toNDArray, toTensor } from './convert.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { sparseMerge } from './sparse-ops.js';
import { SparseTensor } from './sparse-tensor.js';
import '../graphdef/parse-example-rules.js';

const PARSE_DTYPES: readonly DType[] = ['float32', 'int64', 'string'];

/** TF1's `tf.io.FixedLenFeature(shape, dtype, defaultValue?)`. */
export class FixedLenFeature {
  readonly shape: number[];
  readonly dtype: DType;
  readonly defaultValue: unknown;
  constructor(shape: readonly number[] | number, dtype: DType | string, defaultValue?: unknown) {
    this.shape = typeof shape === 'number' ? [shape] : [...shape];
    this.dtype = parseDType(dtype);
    this.defaultValue = defaultValue ?? null;
    for (const d of this.shape) if (!Number.isInteger(d) || d < 0) throw new ValueError(`FixedLenFeature shape must be fully defined, got [${this.shape.join(', ')}]`);
    if (!PARSE_DTYPES.includes(this.dtype)) throw new ValueError(`Unsupported dtype ${this.dtype}: a feature is float32, int64 or string`);
  }
}

/**
 * TF1's `tf.io.FixedLenSequenceFeature(shape, dtype, allowMissing = false, defaultValue?)`: a
 * feature holding any number of `shape`-shaped values, parsed into `[n, ...shape]` (batched:
 * `[batch, longest n, ...shape]`, shorter examples padded with `defaultValue` or 0/'').
 */
export class FixedLenSequenceFeature {
  readonly shape: number[];
  readonly dtype: DType;
  readonly allowMissing: boolean;
  readonly defaultValue: unknown;
  constructor(shape: readonly number[] | number, dtype: DType | string, allowMissing: boolean | { allowMissing?: boolean; defaultValue?: unknown } = false, defaultValue?: unknown) {
    const o = typeof allowMissing === 'object' ? allowMissing : { allowMissing, defaultValue };
    this.shape = typeof shape === 'number' ? [shape] : [...shape];
    this.dtype = parseDType(dtype);
    this.allowMissing = !!o.allowMissing;
    this.defaultValue = o.defaultValue ?? null;
    for (const d of this.shape) if (!Number.isInteger(d) || d < 0) throw new ValueError(`FixedLenSequenceFeature shape must be fully defined, got [${this.shape.join(', ')}]`);
    if (!PARSE_DTYPES.includes(this.dtype)) throw new ValueError(`Unsupported dtype ${this.dtype}: a feature is float32, int64 or string`);
  }
}

/** TF1's `tf.io.VarLenFeature(dtype)`: a feature of any number of values, parsed into a SparseTensor. */
export class VarLenFeature {
  readonly dtype: DType;
  // keeps a FixedLenFeature (which has a dtype too) from type-checking as a VarLenFeature
  declare private readonly varLen: void;
  constructor(dtype: DType | string) {
    this.dtype = parseDType(dtype);
    if (!PARSE_DTYPES.includes(this.dtype)) throw new ValueError(`Unsupported dtype ${this.dtype}: a feature is float32, int64 or string`);
  }
}

/**
 * TF1's `tf.io.SparseFeature(indexKey, valueKey, dtype, size, alreadySorted = false)`: values
 * under `valueKey` placed at the positions under `indexKey` (one key, or a list of keys, one a
 * dimension), parsed into a SparseTensor of dense shape `[batch, ...size]`.
 */
export class SparseFeature {
  declare private readonly sparseFeature: void;
  readonly indexKey: string | string[];
  readonly valueKey: string;
  readonly dtype: DType;
  readonly size: number | number[];
  readonly alreadySorted: boolean;
  constructor(indexKey: string | readonly string[], valueKey: string, dtype: DType | string, size: number | readonly number[], alreadySorted: boolean | { alreadySorted?: boolean } = false) {
    this.indexKey = typeof indexKey === 'string' ? indexKey : [...indexKey];
    this.valueKey = valueKey;
    this.dtype = parseDType(dtype);
    this.size = typeof size === 'number' ? size : [...size];
    this.alreadySorted = typeof alreadySorted === 'object' ? !!alreadySorted.alreadySorted : !!alreadySorted;
    if (!PARSE_DTYPES.includes(this.dtype)) throw new ValueError(`Unsupported dtype ${this.dtype}: a feature is float32, int64 or string`);
    if (Array.isArray(this.indexKey) !== Array.isArray(this.size) || (Array.isArray(this.size) && this.size.length !== this.indexKey.length)) {
      throw new ValueError(`SparseFeature size must be a list if and only if index_key is, of the same length (index_key ${JSON.stringify(this.indexKey)}, size ${JSON.stringify(this.size)})`);
    }
  }
  toString(): string {
    const q = (k: string | string[]) => (typeof k === 'string' ? `'${k}'` : `[${k.map((x) => `'${x}'`).join(', ')}]`);
    return `SparseFeature(index_key=${q(this.indexKey)}, value_key='${this.valueKey}', dtype=tf.${this.dtype}, size=${JSON.stringify(this.size)}, already_sorted=${this.alreadySorted ? 'True' : 'False'})`;
  }
}

interface DenseSpec { key: string; shape: number[]; dtype: DType; dflt: NDArray | null; seq?: boolean }
/** A VarLen feature of TF's op (sparse_keys[i], sparse_types[i]). */
export interface SparseSpec { key: string; dtype: DType }
interface ParseAttrs { sparse?: SparseSpec[]; dense: DenseSpec[]; batched: boolean; [k: string]: unknown }

const protoType = (d: DType): string => (d === 'float32' ? 'float' : d === 'int64' ? 'int64' : 'string');
const featureType = (f: FeatureMsg): string | null => (f.floatList ? 'float' : f.int64List ? 'int64' : f.bytesList ? 'string' : null);

/**
 * A VarLen feature of each example as TF's sparse output `[indices, values, dense_shape]`:
 * indices `[example, i]` (`[i]` for one unbatched example), dense_shape `[examples, longest]`
 * (`[longest]`); a missing or empty feature gives no entries. The caller has checked the types.
 */
export function varLenOutputs(features: readonly (FeatureMsg | undefined)[], dtype: DType, batched: boolean): NDArray[] {
  const idx: number[] = [];
  const vals: unknown[] = [];
  let longest = 0;
  features.forEach((f, e) => {
    const v: ArrayLike<unknown> = (f && (f.floatList?.value ?? f.int64List?.value ?? f.bytesList?.value)) || [];
    longest = Math.max(longest, v.length);
    for (let i = 0; i < v.length; i++) {
      if (batched) idx.push(e);
      idx.push(i);
      vals.push(v[i]);
    }
  });
  const out = dtype === 'string' ? StringArray.fromValues(vals as Uint8Array[]) : (arrayCtor(dtype) as unknown as { from(v: unknown[]): ArrayLike<number> }).from(vals);
  const r = batched ? 2 : 1;
  const int64s = (v: number[], shape: number[]) => new NDArray(Float64Array.from(v) as never, shape, 'int64');
  return [int64s(idx, [vals.length, r]), new NDArray(out as never, [vals.length], dtype), int64s(batched ? [features.length, longest] : [longest], [r])];
}

function shapeText(s: readonly number[]): string {
  return `[${s.join(',')}]`;
}

/** Fill `out` at `off` with example `ex`'s values for `spec` (TF1's checks and texts). */
function fillDense(spec: DenseSpec, feature: FeatureMsg | undefined, out: ArrayLike<unknown>, off: number, exName: string, index: number): void {
  const n = sizeOf(spec.shape);
  const o = out as unknown as unknown[];
  const kind = feature ? featureType(feature) : null;
  if (!feature || kind === null) {
    if (!spec.dflt) throw new InvalidArgumentError(`Name: ${exName}, Feature: ${spec.key} (data type: ${protoType(spec.dtype)}) is required but could not be found.`);
    for (let i = 0; i < n; i++) o[off + i] = spec.dflt.data[i];
    return;
  }
  if (kind !== protoType(spec.dtype)) {
    throw new InvalidArgumentError(`Name: ${exName}, Key: ${spec.key}, Index: ${index}.  Data types don't match. Data type: ${kind} but expected type: ${protoType(spec.dtype)}`);
  }
  const values: ArrayLike<unknown> = feature.floatList?.value ?? feature.int64List?.value ?? feature.bytesList!.value;
  if (values.length !== n) {
    throw new InvalidArgumentError(`Name: ${exName}, Key: ${spec.key}, Index: ${index}.  Number of ${protoType(spec.dtype)} values != expected.  Values size: ${values.length} but output shape: ${shapeText(spec.shape)}`);
  }
  for (let i = 0; i < n; i++) o[off + i] = values[i];
}

/** The values of a sequence feature in one example: `[rows, values]` (TF1's checks and texts). */
function seqValues(spec: DenseSpec, feature: FeatureMsg | undefined, exName: string, index: number): ArrayLike<unknown> {
  const kind = feature ? featureType(feature) : null;
  if (!feature || kind === null) return [];
  if (kind !== protoType(spec.dtype)) {
    throw new InvalidArgumentError(`Name: ${exName}, Key: ${spec.key}, Index: ${index}.  Data types don't match. Data type: ${kind} but expected type: ${protoType(spec.dtype)}`);
  }
  const values: ArrayLike<unknown> = feature.floatList?.value ?? feature.int64List?.value ?? feature.bytesList!.value;
  const per = sizeOf(spec.shape);
  if (per === 0 ? values.length !== 0 : values.length % per !== 0) {
    throw new InvalidArgumentError(`Name: ${exName}, Key: ${spec.key}, Index: ${index}.  Number of ${protoType(spec.dtype)} values is not a multiple of stride length. Saw ${values.length} values but output shape is: ${shapeText([-1, ...spec.shape])}`);
  }
  return values;
}

function parse(op: Operation, serialized: NDArray, a: ParseAttrs): NDArray[] {
  if (serialized.dtype !== 'string') throw new InvalidArgumentError('serialized must be a string tensor', op.name);
  const rows = (serialized.data as unknown as StringArray);
  const batch = a.batched ? serialized.size : 1;
  const feats: Record<string, FeatureMsg>[] = [];
  for (let b = 0; b < batch; b++) {
    const bytes = rows[b]!;
    let ex;
    try {
      ex = decodeExample(bytes);
    } catch {
      const shown = new TextDecoder().decode(bytes.subarray(0, 64));
      throw new InvalidArgumentError(`Could not parse example input, value: '${shown}'`, op.name);
    }
    feats.push(ex.features?.feature ?? {});
  }
  const wrap = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof InvalidArgumentError) throw new InvalidArgumentError(e.message, op.name);
      throw e;
    }
  };
  const sparse = (a.sparse ?? []).map((s) => {
    const list = feats.map((f, b) => {
      const ft = f[s.key];
      const kind = ft ? featureType(ft) : null;
      if (kind && kind !== protoType(s.dtype)) {
        const where = a.batched ? `Name: <unknown>, Key: ${s.key}, Index: ${b}.` : `Key: ${s.key}.`;
        throw new InvalidArgumentError(`${where}  Data types don't match. Expected type: ${protoType(s.dtype)}, Actual type: ${kind}`, op.name);
      }
      return ft;
    });
    return varLenOutputs(list, s.dtype, a.batched);
  });
  const dense = a.dense.map((s) => {
    if (s.seq) {
      const per = sizeOf(s.shape);
      const vals = feats.map((f, b) => wrap(() => seqValues(s, f[s.key], '<unknown>', b)));
      const longest = Math.max(0, ...vals.map((v) => (per === 0 ? 0 : v.length / per)));
      const n = longest * per;
      const out = s.dtype === 'string' ? new StringArray(n * batch) : new (arrayCtor(s.dtype))(n * batch);
      const o = out as unknown as unknown[];
      const pad = s.dflt ? s.dflt.data[0] : s.dtype === 'string' ? new Uint8Array(0) : 0;
      for (let b = 0; b < batch; b++) {
        const v = vals[b]!;
        for (let i = 0; i < n; i++) o[b * n + i] = i < v.length ? v[i] : pad;
      }
      return new NDArray(out as never, a.batched ? [batch, longest, ...s.shape] : [longest, ...s.shape], s.dtype);
    }
    const n = sizeOf(s.shape);
    const out = s.dtype === 'string' ? new StringArray(n * batch) : new (arrayCtor(s.dtype))(n * batch);
    feats.forEach((f, b) => wrap(() => fillDense(s, f[s.key], out, b * n, '<unknown>', b)));
    return new NDArray(out as never, a.batched ? [batch, ...s.shape] : s.shape, s.dtype);
  });
  return [...sparse.map((o) => o[0]!), ...sparse.map((o) => o[1]!), ...sparse.map((o) => o[2]!), ...dense];
}

for (const type of ['ParseSingleExample', 'ParseExample'] as const) {
  defineOp<ParseAttrs>({
    type,
    infer: (ins, a) => {
      const rank = ins[0]!.shape?.length;
      if (ins[0]!.dtype !== 'string') throw new TypeError(`Value passed to parameter 'serialized' has DataType ${ins[0]!.dtype} not in list of allowed values: string`);
      if (rank !== undefined && rank !== (a.batched ? 1 : 0)) throw new ValueError(`Shape must be rank ${a.batched ? 1 : 0} but is rank ${rank} for '${type}' (serialized)`);
      const b: PartialShape = a.batched ? [ins[0]!.shape?.[0] ?? null] : [];
      const sp = a.sparse ?? [];
      const r = a.batched ? 2 : 1;
      return [
        ...sp.map(() => ({ dtype: 'int64' as DType, shape: [null, r] })),
        ...sp.map((s) => ({ dtype: s.dtype, shape: [null] })),
        ...sp.map(() => ({ dtype: 'int64' as DType, shape: [r] })),
        ...a.dense.map((s) => ({ dtype: s.dtype, shape: [...(b as (number | null)[]), ...(s.seq ? [null] : []), ...s.shape] })),
      ];
    },
    lower: () => {
      throw new Error(`${type} runs on the host before the plan; it cannot be lowered`);
    },
    stateful: true,
  });
  registerGradient(type, null);
  registerHostOp(type, function* (op, ins) {
    return parse(op, ins[0]!, op.attrs as ParseAttrs);
  });
}

type Feature = FixedLenFeature | FixedLenSequenceFeature | VarLenFeature | SparseFeature;
type FeatureSpec = Record<string, Feature>;

const pyDType = (d: DType): string => `<dtype: '${d}'>`;

/** TF's _features_to_raw_params: the op's sparse and dense specs, keys in sorted order. */
function rawParams(features: FeatureSpec): { sparse: SparseSpec[]; dense: DenseSpec[] } {
  if (typeof features !== 'object' || features === null || Object.keys(features).length === 0) throw new ValueError('Missing: features was empty.');
  const sparse: SparseSpec[] = [];
  const dense: DenseSpec[] = [];
  const addSparse = (key: string, dtype: DType, index = false) => {
    const had = sparse.find((s) => s.key === key);
    if (!had) sparse.push({ key, dtype });
    else if (had.dtype !== dtype) throw new ValueError(`Conflicting type ${pyDType(had.dtype)} vs ${index ? 'int64' : pyDType(dtype)} for feature ${key}.`);
  };
  for (const key of Object.keys(features).sort()) {
    const f = features[key]!;
    if (f instanceof VarLenFeature) addSparse(key, f.dtype);
    else if (f instanceof SparseFeature) {
      if (!f.indexKey || f.indexKey.length === 0) throw new ValueError(`Missing index_key for SparseFeature ${f}.`);
      if (!f.valueKey) throw new ValueError(`Missing value_key for SparseFeature ${f}.`);
      for (const k of typeof f.indexKey === 'string' ? [f.indexKey] : [...f.indexKey].sort()) addSparse(k, 'int64', true);
      addSparse(f.valueKey, f.dtype);
    } else if (f instanceof FixedLenSequenceFeature) {
      if (!f.allowMissing) throw new ValueError('Unsupported: FixedLenSequenceFeature requires allow_missing to be True.');
      const dflt = f.defaultValue === null ? null : toNDArray(f.defaultValue as never, f.dtype);
      dense.push({ key, shape: f.shape, dtype: f.dtype, dflt, seq: true });
    } else if (f instanceof FixedLenFeature) {
      let dflt: NDArray | null = null;
      if (f.defaultValue !== null) {
        dflt = toNDArray(f.defaultValue as never, f.dtype);
        const n = sizeOf(f.shape);
        if (dflt.size === 1 && n !== 1) dflt = new NDArray(f.dtype === 'string' ? StringArray.fromValues(Array(n).fill((dflt.data as unknown as StringArray)[0]!)) as never : (new (arrayCtor(f.dtype))(n).fill(dflt.data[0] as number) as never), f.shape, f.dtype);
        if (dflt.size !== n) throw new ValueError(`Shapes (${dflt.shape.join(', ')}) and (${f.shape.join(', ')}) are incompatible (default_value of ${key})`);
      }
      dense.push({ key, shape: f.shape, dtype: f.dtype, dflt });
    } else throw new ValueError(`Invalid feature ${key}:${String((f as object)?.constructor?.name ?? f)}.`);
  }
  const both = dense.filter((d) => sparse.some((s) => s.key === d.key)).map((d) => `'${d.key}'`);
  if (both.length > 0) throw new ValueError(`Dense and sparse keys must not intersect; intersection: {${both.join(', ')}}`);
  return { sparse, dense };
}

function parseOp(type: 'ParseSingleExample' | 'ParseExample', serialized: TensorLike, features: FeatureSpec, name: string | undefined): Record<string, Tensor | SparseTensor> {
  const s = toTensor(serialized, 'string');
  const { sparse, dense } = rawParams(features);
  const op = makeOp(s.graph ?? getDefaultGraph(), type, [s], { sparse, dense, batched: type === 'ParseExample' }, name, type);
  const o = op.outputs;
  const n = sparse.length;
  const raw: Record<string, Tensor | SparseTensor> = Object.fromEntries([
    ...sparse.map((sp, i) => [sp.key, new SparseTensor(o[i]!, o[n + i]!, o[2 * n + i]!)] as const),
    ...dense.map((d, i) => [d.key, o[3 * n + i]!] as const),
  ]);
  // TF's _construct_sparse_tensors_for_sparse_features: merge each SparseFeature's parts, then
  // keep only the keys asked for.
  const out: Record<string, Tensor | SparseTensor> = {};
  for (const key of Object.keys(features).sort()) {
    const f = features[key]!;
    if (f instanceof SparseFeature) {
      const ids = typeof f.indexKey === 'string' ? (raw[f.indexKey] as SparseTensor) : f.indexKey.map((k) => raw[k] as SparseTensor);
      out[key] = sparseMerge(ids, raw[f.valueKey] as SparseTensor, f.size, { alreadySorted: f.alreadySorted });
    } else out[key] = raw[key]!;
  }
  return out;
}

type NameOpt = string | { name?: string; exampleNames?: unknown };
const nameOf = (n: NameOpt | undefined): string | undefined => (typeof n === 'object' ? n.name : n);
/** A parsed feature's type: a Tensor for FixedLen ones, a SparseTensor for VarLen and SparseFeature ones. */
type Parsed<F> = F extends VarLenFeature | SparseFeature ? SparseTensor : Tensor;

/** `tf.io.parseSingleExample(serialized, features, name?)`: a scalar string → {key: Tensor or SparseTensor}. */
export function parseSingleExample<F extends FeatureSpec>(serialized: TensorLike, features: F, name?: NameOpt): { [K in keyof F]: Parsed<F[K]> } {
  return parseOp('ParseSingleExample', serialized, features, nameOf(name)) as never;
}

/** `tf.io.parseExample(serialized, features, name?)`: a string vector → {key: [batch, ...shape] Tensor, or SparseTensor}. */
export function parseExample<F extends FeatureSpec>(serialized: TensorLike, features: F, name?: NameOpt): { [K in keyof F]: Parsed<F[K]> } {
  return parseOp('ParseExample', serialized, features, nameOf(name)) as never;
}

// ----- DecodeRaw ---------------------------------------------------------------------------
const RAW_TYPES: readonly DType[] = ['float16', 'float32', 'float64', 'int32', 'uint16', 'uint8', 'int16', 'int8', 'int64'];
const BYTES: Record<string, number> = { float16: 2, float32: 4, float64: 8, int32: 4, uint16: 2, uint8: 1, int16: 2, int8: 1, int64: 8 };
const TF_NAME: Record<string, string> = { float16: 'half', float32: 'float', float64: 'double', int32: 'int32', uint16: 'uint16', uint8: 'uint8', int16: 'int16', int8: 'int8', int64: 'int64' };

interface RawAttrs { outType: DType; littleEndian: boolean; [k: string]: unknown }

function decodeRawHost(op: Operation, x: NDArray, a: RawAttrs): NDArray {
  const rows = x.data as unknown as StringArray;
  const w = BYTES[a.outType]!;
  const len = rows.length > 0 ? rows[0]!.length : 0;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]!.length !== len) throw new InvalidArgumentError(`DecodeRaw requires input strings to all be the same size, but element ${i} has size ${rows[i]!.length} != ${len}`, op.name);
  }
  if (len % w !== 0) throw new InvalidArgumentError(`Input to DecodeRaw has length ${len} that is not a multiple of ${w}, the size of ${TF_NAME[a.outType]}`, op.name);
  const per = len / w;
  const out = new (arrayCtor(a.outType))(rows.length * per);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const dv = new DataView(r.buffer, r.byteOffset, r.byteLength);
    for (let j = 0; j < per; j++) {
      const o = j * w;
      let v: number;
      switch (a.outType) {
        case 'float16': case 'uint16': v = dv.getUint16(o, a.littleEndian); break;
        case 'float32': v = dv.getFloat32(o, a.littleEndian); break;
        case 'float64': v = dv.getFloat64(o, a.littleEndian); break;
        case 'int32': v = dv.getInt32(o, a.littleEndian); break;
        case 'int16': v = dv.getInt16(o, a.littleEndian); break;
        case 'int8': v = dv.getInt8(o); break;
        case 'uint8': v = dv.getUint8(o); break;
        default: {
          const big = dv.getBigInt64(o, a.littleEndian);
          if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidArgumentError(`DecodeRaw: int64 value ${big} is beyond ±2^53, the int64 range tsflow holds exactly`, op.name);
          v = Number(big);
        }
      }
      out[i * per + j] = v;
    }
  }
  return new NDArray(out as never, [...x.shape, per], a.outType);
}

defineOp<RawAttrs>({
  type: 'DecodeRaw',
  infer: ([x], a) => {
    if (x!.dtype !== 'string') throw new TypeError(`Value passed to parameter 'bytes' has DataType ${x!.dtype} not in list of allowed values: string`);
    return [{ dtype: a.outType, shape: x!.shape === null ? null : [...x!.shape, null] }];
  },
  lower: () => {
    throw new Error('DecodeRaw runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('DecodeRaw', null);
registerHostOp('DecodeRaw', function* (op, ins) {
  return [decodeRawHost(op, ins[0]!, op.attrs as RawAttrs)];
});

/** `tf.io.decodeRaw(bytes, outType, littleEndian = true, name?)`: each string's bytes as numbers. */
export function decodeRaw(bytes: TensorLike, outType: DType | string, littleEndian: boolean | { littleEndian?: boolean; name?: string } = true, name?: string): Tensor {
  const opts = typeof littleEndian === 'object' ? littleEndian : { littleEndian, name };
  const t = parseDType(outType);
  if (!RAW_TYPES.includes(t)) throw new TypeError(`Value passed to parameter 'out_type' has DataType ${t} not in list of allowed values: half, float32, float64, int32, uint16, uint8, int16, int8, int64`);
  const x = toTensor(bytes, 'string');
  return makeOp(x.graph, 'DecodeRaw', [x], { outType: t, littleEndian: opts.littleEndian ?? true }, opts.name, 'DecodeRaw').outputs[0]!;
}
