/**
 * `tf.io.decodeJsonExample(jsonExamples)`: tf.train.Example protos in protobuf's proto3 JSON
 * mapping (`{"features": {"feature": {"k": {"floatList": {"value": [1]}}}}}`) to serialized
 * Example bytes, for parseExample. TF's op type DecodeJSONExample; a host-stage op. Field names
 * are accepted in JSON (lowerCamel) and proto (snake_case) form, int64 values as numbers or
 * decimal strings, floats also as "NaN" / "Infinity" / "-Infinity", bytes as base64 (standard or
 * URL-safe). Anything else is TF's InvalidArgumentError "Error while parsing JSON: ...".
 */
import { StringArray } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { encode } from '../proto/codec.js';
import { type ExampleMsg, ExampleT, type FeatureMsg } from '../proto/example.js';
import { registerHostOp } from '../session/host-stage.js';
import { type TensorLike, toTensor } from './convert.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

class JsonError extends Error {}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object's fields by proto name, each accepted in its JSON or proto spelling. */
function fields(v: unknown, msg: string, names: Record<string, string>, path: string): Record<string, unknown> {
  if (v === null) return {};
  if (!isObj(v)) throw new JsonError(`${path}: invalid value ${JSON.stringify(v)} for type ${msg}`);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const proto = names[k] ?? (Object.values(names).includes(k) ? k : undefined);
    if (proto === undefined) throw new JsonError(`${path ? `${path}.` : ''}${k}: Cannot find field.`);
    if (proto in out) throw new JsonError(`${path ? `${path}.` : ''}${k}: field set twice`);
    if (x !== null) out[proto] = x;
  }
  return out;
}

function list(v: unknown, path: string): unknown[] {
  const f = fields(v, 'list', { value: 'value' }, path);
  if (f.value === undefined) return [];
  if (!Array.isArray(f.value)) throw new JsonError(`${path}.value: expected a list, got ${JSON.stringify(f.value)}`);
  return f.value;
}

function int64(x: unknown, path: string): number {
  const ok = typeof x === 'number' ? Number.isInteger(x) : typeof x === 'string' && /^-?\d+$/.test(x);
  const n = Number(x);
  if (!ok) throw new JsonError(`${path}: invalid value ${JSON.stringify(x)} for type TYPE_INT64`);
  if (!Number.isSafeInteger(n)) throw new JsonError(`${path}: int64 value ${String(x)} is beyond ±2^53, the int64 range tsflow holds exactly`);
  return n;
}

function float(x: unknown, path: string): number {
  if (typeof x === 'number') return x;
  if (x === 'NaN') return NaN;
  if (x === 'Infinity') return Infinity;
  if (x === '-Infinity') return -Infinity;
  if (typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x))) return Number(x);
  throw new JsonError(`${path}: invalid value ${JSON.stringify(x)} for type TYPE_FLOAT`);
}

const B64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;
function bytes(x: unknown, path: string): Uint8Array {
  if (typeof x !== 'string' || !B64.test(x) || x.replace(/=+$/, '').length % 4 === 1) throw new JsonError(`${path}: invalid value ${JSON.stringify(x)} for type TYPE_BYTES`);
  const s = x.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  const bin = atob(s + '='.repeat((4 - (s.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function feature(v: unknown, path: string): FeatureMsg {
  const f = fields(v, 'tensorflow.Feature', { bytesList: 'bytes_list', floatList: 'float_list', int64List: 'int64_list' }, path);
  const set = Object.keys(f);
  if (set.length > 1) throw new JsonError(`${path}: oneof field 'kind' is already set. Cannot set '${set[1]}'`);
  if (f.bytes_list !== undefined) return { bytesList: { value: list(f.bytes_list, `${path}.bytesList`).map((x, i) => bytes(x, `${path}.bytesList.value[${i}]`)) } };
  if (f.float_list !== undefined) return { floatList: { value: list(f.float_list, `${path}.floatList`).map((x, i) => float(x, `${path}.floatList.value[${i}]`)) } };
  if (f.int64_list !== undefined) return { int64List: { value: list(f.int64_list, `${path}.int64List`).map((x, i) => int64(x, `${path}.int64List.value[${i}]`)) } };
  return {};
}

/** One JSON Example → its message (JsonError on anything protobuf's JSON parser rejects). */
export function exampleFromJson(text: string): ExampleMsg {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new JsonError((e as Error).message);
  }
  const ex = fields(v, 'tensorflow.Example', { features: 'features' }, '');
  if (ex.features === undefined) return {};
  const fs = fields(ex.features, 'tensorflow.Features', { feature: 'feature' }, 'features');
  const map = fs.feature ?? {};
  if (!isObj(map)) throw new JsonError(`features.feature: expected an object, got ${JSON.stringify(map)}`);
  return { features: { feature: Object.fromEntries(Object.entries(map).map(([k, f]) => [k, feature(f, `features.feature[${JSON.stringify(k)}]`)])) } };
}

defineOp({
  type: 'DecodeJSONExample',
  infer: ([x]) => {
    if (x!.dtype !== 'string') throw new TypeError(`Value passed to parameter 'json_examples' has DataType ${x!.dtype} not in list of allowed values: string`);
    return [{ dtype: 'string', shape: x!.shape }];
  },
  lower: () => {
    throw new Error('DecodeJSONExample runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('DecodeJSONExample', null);
registerHostOp('DecodeJSONExample', function* (op, [x]) {
  const dec = new TextDecoder();
  const out = StringArray.fromValues(Array.from(x!.data as unknown as StringArray, (b) => {
    try {
      return encode(ExampleT, exampleFromJson(dec.decode(b)) as never);
    } catch (e) {
      if (e instanceof JsonError) throw new InvalidArgumentError(`Error while parsing JSON: ${e.message}`, op.name);
      throw e;
    }
  }));
  return [new NDArray(out as never, x!.shape, 'string')];
});

/** `tf.io.decodeJsonExample(jsonExamples, name?)`: JSON Examples → serialized Example bytes. */
export function decodeJsonExample(jsonExamples: TensorLike, name?: string | { name?: string }): Tensor {
  const x = toTensor(jsonExamples, 'string');
  return makeOp(x.graph, 'DecodeJSONExample', [x], {}, typeof name === 'object' ? name.name : name, 'DecodeJSONExample').outputs[0]!;
}
