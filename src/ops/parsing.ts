/**
 * Example parsing and raw decoding: `tf.io.parseSingleExample`, `tf.io.parseExample` (with
 * `FixedLenFeature` and `FixedLenSequenceFeature`), `tf.io.decodeRaw`. Their output shapes or values come from the bytes, so
 * they are host-stage ops (src/session/host-stage.ts): evaluated on the host before the plan,
 * their outputs fed to it.
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
  constructor(dtype: DType | string) {
    this.dtype = parseDType(dtype);
    if (!PARSE_DTYPES.includes(this.dtype)) throw new ValueError(`Unsupported dtype ${this.dtype}: a feature is float32, int64 or string`);
  }
}

interface DenseSpec { key: string; shape: number[]; dtype: DType; dflt: NDArray | null; seq?: boolean }
interface ParseAttrs { dense: DenseSpec[]; batched: boolean; [k: string]: unknown }

const protoType = (d: DType): string => (d === 'float32' ? 'float' : d === 'int64' ? 'int64' : 'string');
const featureType = (f: FeatureMsg): string | null => (f.floatList ? 'float' : f.int64List ? 'int64' : f.bytesList ? 'string' : null);

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
  return a.dense.map((s) => {
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
}

for (const type of ['ParseSingleExample', 'ParseExample'] as const) {
  defineOp<ParseAttrs>({
    type,
    infer: (ins, a) => {
      const rank = ins[0]!.shape?.length;
      if (ins[0]!.dtype !== 'string') throw new TypeError(`Value passed to parameter 'serialized' has DataType ${ins[0]!.dtype} not in list of allowed values: string`);
      if (rank !== undefined && rank !== (a.batched ? 1 : 0)) throw new ValueError(`Shape must be rank ${a.batched ? 1 : 0} but is rank ${rank} for '${type}' (serialized)`);
      const b: PartialShape = a.batched ? [ins[0]!.shape?.[0] ?? null] : [];
      return a.dense.map((s) => ({ dtype: s.dtype, shape: [...(b as (number | null)[]), ...(s.seq ? [null] : []), ...s.shape] }));
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

type FeatureSpec = Record<string, FixedLenFeature | FixedLenSequenceFeature>;

function denseSpecs(features: FeatureSpec): DenseSpec[] {
  if (typeof features !== 'object' || features === null || Object.keys(features).length === 0) throw new ValueError('Missing: features was empty.');
  return Object.keys(features).sort().map((key) => {
    const f = features[key]!;
    if (f instanceof FixedLenSequenceFeature) {
      if (!f.allowMissing) throw new ValueError('Unsupported: FixedLenSequenceFeature requires allow_missing to be True.');
      const dflt = f.defaultValue === null ? null : toNDArray(f.defaultValue as never, f.dtype);
      return { key, shape: f.shape, dtype: f.dtype, dflt, seq: true };
    }
    if (!(f instanceof FixedLenFeature)) throw new ValueError(`Unsupported feature type for ${key}: ${String((f as object)?.constructor?.name)} (FixedLenFeature and FixedLenSequenceFeature are supported)`);
    let dflt: NDArray | null = null;
    if (f.defaultValue !== null) {
      dflt = toNDArray(f.defaultValue as never, f.dtype);
      const n = sizeOf(f.shape);
      if (dflt.size === 1 && n !== 1) dflt = new NDArray(f.dtype === 'string' ? StringArray.fromValues(Array(n).fill((dflt.data as unknown as StringArray)[0]!)) as never : (new (arrayCtor(f.dtype))(n).fill(dflt.data[0] as number) as never), f.shape, f.dtype);
      if (dflt.size !== n) throw new ValueError(`Shapes (${dflt.shape.join(', ')}) and (${f.shape.join(', ')}) are incompatible (default_value of ${key})`);
    }
    return { key, shape: f.shape, dtype: f.dtype, dflt };
  });
}

function parseOp(type: 'ParseSingleExample' | 'ParseExample', serialized: TensorLike, features: FeatureSpec, name: string | undefined): Record<string, Tensor> {
  const s = toTensor(serialized, 'string');
  const dense = denseSpecs(features);
  const op = makeOp(s.graph ?? getDefaultGraph(), type, [s], { dense, batched: type === 'ParseExample' }, name, type);
  return Object.fromEntries(dense.map((d, i) => [d.key, op.outputs[i]!]));
}

type NameOpt = string | { name?: string; exampleNames?: unknown };
const nameOf = (n: NameOpt | undefined): string | undefined => (typeof n === 'object' ? n.name : n);

/** `tf.io.parseSingleExample(serialized, features, name?)`: a scalar string → {key: tensor}. */
export function parseSingleExample<K extends string>(serialized: TensorLike, features: Record<K, FixedLenFeature | FixedLenSequenceFeature>, name?: NameOpt): Record<K, Tensor> {
  return parseOp('ParseSingleExample', serialized, features, nameOf(name)) as Record<K, Tensor>;
}

/** `tf.io.parseExample(serialized, features, name?)`: a string vector → {key: [batch, ...shape]}. */
export function parseExample<K extends string>(serialized: TensorLike, features: Record<K, FixedLenFeature | FixedLenSequenceFeature>, name?: NameOpt): Record<K, Tensor> {
  return parseOp('ParseExample', serialized, features, nameOf(name)) as Record<K, Tensor>;
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
