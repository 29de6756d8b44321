/**
 * Example parsing and raw decoding: `tf.io.parseSingleExample`, `tf.io.parseExample` (with
 * `FixedLenFeature`), `tf.io.decodeRaw`. Their output shapes or values come from the bytes, so
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

interface DenseSpec { key: string; shape: number[]; dtype: DType; dflt: NDArray | null }
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

function parse(op: Operation, serialized: NDArray, a: ParseAttrs): NDArray[] {
  if (serialized.dtype !== 'string') throw new InvalidArgumentError('serialized must be a string tensor', op.name);
  const rows = (serialized.data as unknown as StringArray);
  const batch = a.batched ? serialized.size : 1;
  const outs = a.dense.map((s) => {
    const n = sizeOf(s.shape) * batch;
    return s.dtype === 'string' ? new StringArray(n) : new (arrayCtor(s.dtype))(n);
  });
  for (let b = 0; b < batch; b++) {
    const bytes = rows[b]!;
    let ex;
    try {
      ex = decodeExample(bytes);
    } catch {
      const shown = new TextDecoder().decode(bytes.subarray(0, 64));
      throw new InvalidArgumentError(`Could not parse example input, value: '${shown}'`, op.name);
    }
    const feats = ex.features?.feature ?? {};
    a.dense.forEach((s, i) => {
      try {
        fillDense(s, feats[s.key], outs[i]!, b * sizeOf(s.shape), '<unknown>', b);
      } catch (e) {
        if (e instanceof InvalidArgumentError) throw new InvalidArgumentError(e.message, op.name);
        throw e;
      }
    });
  }
  return a.dense.map((s, i) => new NDArray(outs[i] as never, a.batched ? [batch, ...s.shape] : s.shape, s.dtype));
}

for (const type of ['ParseSingleExample', 'ParseExample'] as const) {
  defineOp<ParseAttrs>({
    type,
    infer: (ins, a) => {
      const rank = ins[0]!.shape?.length;
      if (ins[0]!.dtype !== 'string') throw new TypeError(`Value passed to parameter 'serialized' has DataType ${ins[0]!.dtype} not in list of allowed values: string`);
      if (rank !== undefined && rank !== (a.batched ? 1 : 0)) throw new ValueError(`Shape must be rank ${a.batched ? 1 : 0} but is rank ${rank} for '${type}' (serialized)`);
      const b: PartialShape = a.batched ? [ins[0]!.shape?.[0] ?? null] : [];
      return a.dense.map((s) => ({ dtype: s.dtype, shape: [...(b as (number | null)[]), ...s.shape] }));
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

type FeatureSpec = Record<string, FixedLenFeature>;

function denseSpecs(features: FeatureSpec): DenseSpec[] {
  if (typeof features !== 'object' || features === null || Object.keys(features).length === 0) throw new ValueError('Missing: features was empty.');
  return Object.keys(features).sort().map((key) => {
    const f = features[key]!;
    if (!(f instanceof FixedLenFeature)) throw new ValueError(`Unsupported feature type for ${key}: ${String((f as object)?.constructor?.name)} (FixedLenFeature is supported)`);
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
export function parseSingleExample<K extends string>(serialized: TensorLike, features: Record<K, FixedLenFeature>, name?: NameOpt): Record<K, Tensor> {
  return parseOp('ParseSingleExample', serialized, features, nameOf(name)) as Record<K, Tensor>;
}

/** `tf.io.parseExample(serialized, features, name?)`: a string vector → {key: [batch, ...shape]}. */
export function parseExample<K extends string>(serialized: TensorLike, features: Record<K, FixedLenFeature>, name?: NameOpt): Record<K, Tensor> {
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
