/**
 * `tf.strings`: `join` (TF's StringJoin) and `length` (StringLength) on the CPU kernels (a
 * WebGPU session runs them on the CPU), and the host-stage string ops of ./strings/ops.ts
 * (split, reduceJoin, substr, regexReplace, regexFullMatch, strip, lower, upper, asString,
 * toNumber, toHashBucket*).
 */
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type PartialShape, cShape, mergeShapes } from '../shape.js';
import { type TensorLike, toTensor } from './convert.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

function requireStrings(type: string, param: string, ts: readonly Tensor[]): void {
  for (const t of ts) {
    if (t.dtype !== 'string') {
      throw new TypeError(`${param === 'inputs' ? 'Tensors in list passed to' : 'Value passed to'} '${param}' of '${type}' Op ${param === 'inputs' ? 'have types' : 'has type'} [${t.dtype}] that ${param === 'inputs' ? "don't all match" : 'does not match expected type of string'}.`);
    }
  }
}

// ----- StringJoin --------------------------------------------------------------------------
defineOp<{ separator: string }>({
  type: 'StringJoin',
  infer: (ins, _a, name) => {
    requireStrings('StringJoin', 'inputs', ins);
    // inputs are scalars or all of one shape (scalars broadcast)
    let shape: PartialShape | undefined = [];
    let seen = false;
    for (const t of ins) {
      if (t.shape !== null && t.shape.length === 0) continue;
      shape = seen ? mergeShapes(shape ?? null, t.shape) : t.shape;
      seen = true;
      if (shape === undefined) {
        throw new ValueError(`Dimensions must be equal for '${name}' (op: 'StringJoin') with input shapes: ${ins.map((x) => cShape(x.shape)).join(', ')}.`);
      }
    }
    return [{ dtype: 'string', shape }];
  },
  lower: (b, ins, a) => {
    const nonScalar = ins.filter((x) => x.shape.length > 0);
    for (const x of nonScalar) {
      if (x.shape.length !== nonScalar[0]!.shape.length || x.shape.some((d, i) => d !== nonScalar[0]!.shape[i])) {
        throw new InvalidArgumentError(`Input shapes do not match: ${cShape([...nonScalar[0]!.shape])} vs. ${cShape([...x.shape])}`, b.opName);
      }
    }
    const sep = a.separator === '' ? null : b.constant(NDArray.fromStrings([a.separator], []));
    let out = ins[0]!;
    for (const x of ins.slice(1)) out = b.binary('add', sep ? b.binary('add', out, sep) : out, x);
    return [out];
  },
});
registerGradient('StringJoin', null);

/** `tf.strings.join(inputs, separator = '', name?)`: elementwise concatenation. */
export function join(inputs: TensorLike[], separator: string | { separator?: string; name?: string } = '', name?: string): Tensor {
  const opts = typeof separator === 'object' ? separator : { separator, name };
  const ts = inputs.map((x) => toTensor(x, 'string'));
  if (ts.length === 0) throw new ValueError('inputs must be a non-empty list of string tensors');
  return makeOp(ts[0]!.graph, 'StringJoin', ts, { separator: opts.separator ?? '' }, opts.name, 'StringJoin').outputs[0]!;
}

// ----- StringLength ------------------------------------------------------------------------
defineOp<{ unit: 'BYTE' | 'UTF8_CHAR' }>({
  type: 'StringLength',
  infer: ([x]) => {
    requireStrings('StringLength', 'input', [x!]);
    return [{ dtype: 'int32', shape: x!.shape }];
  },
  lower: (b, [x], a) => [b.unary(a.unit === 'UTF8_CHAR' ? 'strLengthUtf8' : 'strLength', x!)],
});
registerGradient('StringLength', null);

/** `tf.strings.length(input, name?, unit = 'BYTE')`: bytes (or UTF-8 characters) per element, int32. */
export function length(input: TensorLike, name?: string | { name?: string; unit?: 'BYTE' | 'UTF8_CHAR' }, unit: 'BYTE' | 'UTF8_CHAR' = 'BYTE'): Tensor {
  const opts = typeof name === 'object' ? name : { name, unit };
  const u = opts.unit ?? 'BYTE';
  if (u !== 'BYTE' && u !== 'UTF8_CHAR') throw new ValueError(`Attr 'unit' of 'StringLength' Op passed string '${String(u)}' not in: "BYTE", "UTF8_CHAR".`);
  const t = toTensor(input, 'string');
  return makeOp(t.graph, 'StringLength', [t], { unit: u }, opts.name, 'StringLength').outputs[0]!;
}

export {
  split, reduceJoin, substr, regexReplace, regexFullMatch, stringStrip as strip, lower, upper, asString,
  stringToNumber as toNumber, stringToHashBucketFast as toHashBucketFast, stringToHashBucket as toHashBucket,
  stringToHashBucketStrong as toHashBucketStrong,
} from './strings/ops.js';
export { format } from './strings-format.js';
export { bytesSplit, ngrams, unicodeDecode, unicodeDecodeWithOffsets, unicodeEncode, unicodeScript, unicodeSplit, unicodeSplitWithOffsets, unicodeTranscode, unsortedSegmentJoin } from './strings-unicode.js';
