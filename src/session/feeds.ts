/** Feed dicts: resolve keys to tensors, convert values to NDArrays, check dtype and shape. */
import { z } from 'zod';
import type { Graph } from '../graph/graph.js';
import { Tensor } from '../graph/tensor.js';
import { NDArray, dtypeOfArray, inferShape } from '../ndarray.js';
import { type HostValue, isConvertible, isHostValue, toNDArray } from '../ops/convert.js';
import { Variable } from '../ops/variables.js';
import { WhileContext, contextOf } from '../ops/control-flow/context.js';
import { SparseTensor, SparseTensorValue } from '../ops/sparse-tensor.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { type DataArray, intProblem, isInt, storedToNumber } from '../dtype.js';
import { compatible, pyShape } from '../shape.js';
import { describeValue, parseArg } from '../validate.js';

export type FeedKey = Tensor | Variable | SparseTensor | string;
export type FeedValue = HostValue | SparseTensorValue | readonly [HostValue, HostValue, HostValue];
export type FeedDict = Map<FeedKey, FeedValue> | [FeedKey, FeedValue][] | Record<string, FeedValue>;

const feedDictSchema = z.union([
  z.instanceof(Map),
  z.array(z.tuple([z.any(), z.any()], { error: 'expected a [key, value] pair' }), { error: 'expected an array of [key, value] pairs' }),
  z.record(z.string(), z.any()),
], { error: 'expected a Map, an array of [key, value] pairs, or an object keyed by tensor names' });

export function resolveFeeds(g: Graph, feedDict: unknown): Map<Tensor, NDArray> {
  const out = new Map<Tensor, NDArray>();
  if (feedDict === undefined || feedDict === null) return out;
  parseArg(feedDictSchema, feedDict, 'Session.run', 'feedDict');
  const given: [unknown, unknown][] =
    feedDict instanceof Map ? [...feedDict] : Array.isArray(feedDict) ? (feedDict as [unknown, unknown][]) : Object.entries(feedDict as object);
  // A SparseTensor key feeds its three components from a SparseTensorValue or an
  // [indices, values, denseShape] triple, as TF1's feed expansion for SparseTensor.
  const entries: [unknown, unknown][] = given.flatMap(flattenFeedItem).flatMap(([key, value]): [unknown, unknown][] => {
    if (!(key instanceof SparseTensor)) return [[key, value]];
    const parts = value instanceof SparseTensorValue ? [value.indices, value.values, value.denseShape] : value;
    if (!Array.isArray(parts) || parts.length !== 3) {
      throw new TypeError(`The feed value for ${String(key)} must be a SparseTensorValue or an [indices, values, dense_shape] triple; got ${describeValue(value)}`);
    }
    return [[key.indices, parts[0]], [key.values, parts[1]], [key.denseShape, parts[2]]];
  });
  for (const [key, value] of entries) {
    let t: Tensor;
    try {
      if (key instanceof Variable) t = g.asGraphElement(key.ref, true, false) as Tensor;
      else if (isConvertible(key)) t = g.asGraphElement(key.toTensor(), true, false) as Tensor;
      else t = g.asGraphElement(key, true, false) as Tensor;
    } catch (e) {
      throw new TypeError(`Cannot interpret feed_dict key as Tensor: ${(e as Error).message}`);
    }
    if (value instanceof Tensor || value instanceof Variable) {
      throw new TypeError(
        `The value of a feed cannot be a tf.Tensor object. Acceptable feed values include Python scalars, strings, lists, numpy ndarrays, or TensorHandles. For reference, the tensor object was ${String(value)} which was passed to the feed with key ${String(t)}.`,
      );
    }
    if (g.unfeedable.has(t) || insideLoop(t)) throw new ValueError(`Tensor ${t} may not be fed.`);
    if (!isHostValue(value) || (t.dtype !== 'string' && holdsString(value))) {
      throw new TypeError(`Feed value for ${t.name} must be a number, boolean, nested array, typed array or NDArray; got ${describeValue(value)}`);
    }
    const arr = feedValue(value as HostValue, t);
    if (!compatible(t.shape, arr.shape)) {
      throw new ValueError(`Cannot feed value of shape ${pyShape(arr.shape)} for Tensor '${t.name}', which has shape '${pyShape(t.shape)}'`);
    }
    out.set(t, arr);
  }
  return out;
}

/** A structure to flatten (TF's nest.is_sequence): an array or a tuple-like value such as an LSTMStateTuple, not a tensor or host value. */
function isNestSequence(x: unknown): x is Iterable<unknown> {
  if (Array.isArray(x)) return true;
  if (typeof x !== 'object' || x === null || x instanceof Tensor || x instanceof Variable || x instanceof SparseTensor) return false;
  if (x instanceof NDArray || ArrayBuffer.isView(x) || x instanceof SparseTensorValue || x instanceof Map) return false;
  return typeof (x as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}
function nestFlatten(x: unknown): unknown[] {
  return isNestSequence(x) ? [...x].flatMap(nestFlatten) : [x];
}
/**
 * TF1's nest.flatten_dict_items: a structured key (a tuple of tensors, an LSTMStateTuple) feeds
 * its leaves from the leaves of a value of the same structure.
 */
function flattenFeedItem([key, value]: [unknown, unknown]): [unknown, unknown][] {
  if (!isNestSequence(key)) return [[key, value]];
  const ks = nestFlatten(key);
  const vs = nestFlatten(value);
  if (ks.length !== vs.length) {
    throw new ValueError(`Could not flatten dictionary. Key had ${ks.length} elements, but value had ${vs.length} elements. Key: [${ks.map(String).join(', ')}], value: [${vs.map((v) => describeValue(v)).join(', ')}].`);
  }
  return ks.map((k, i) => [k, vs[i]]);
}

/**
 * Whether `t` is a value inside a while loop, which TF1 makes unfeedable (a loop's body sees a
 * new value each iteration; a fed one would stand for all of them). A loop's Exit is outside
 * it, unless that loop is itself inside another.
 */
function insideLoop(t: Tensor): boolean {
  let c = contextOf(t.op);
  if (t.op.type === 'Exit' && c instanceof WhileContext) c = c.outer;
  for (; c; c = c.outer) if (c instanceof WhileContext) return true;
  return false;
}

/** Whether a nested JS value holds a string (only string tensors take those). */
function holdsString(v: unknown): boolean {
  if (typeof v === 'string') return true;
  return Array.isArray(v) && v.some(holdsString);
}

/**
 * Integer feeds are checked before conversion, which would wrap or zero them: a value outside
 * the dtype's range, or a NaN or infinity, is an InvalidArgumentError naming the tensor
 * (fractions truncate toward zero, as numpy's asarray does).
 */
function checkIntFeed(v: HostValue, t: Tensor): void {
  if (!isInt(t.dtype)) return;
  if (v instanceof NDArray && v.dtype === t.dtype && v.dtype !== 'int64') return;
  if (v instanceof NDArray && (v.dtype === 'string' || v.dtype === 'bool')) return;
  const check = (x: unknown): void => {
    if (typeof x !== 'number') return;
    const problem = intProblem(x, t.dtype);
    if (!problem) return;
    if (!Number.isFinite(x)) {
      throw new InvalidArgumentError(`Cannot feed ${x} to Tensor '${t.name}' of dtype ${t.dtype}: ${problem}`, t.op.name);
    }
    throw new InvalidArgumentError(
      `Type of feed value ${x} with type number is not compatible with Tensor type ${t.dtype} of '${t.name}' (${problem}).${t.dtype === 'int64' ? '' : ' Try explicitly setting the type of the feed tensor to a larger type (e.g. int64).'}`,
      t.op.name,
    );
  };
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else check(x);
  };
  if (v instanceof NDArray) {
    const d = v.data as ArrayLike<number>;
    const dt = v.dtype;
    for (let i = 0; i < d.length; i++) check(storedToNumber(d[i]!, dt));
  } else if (ArrayBuffer.isView(v)) {
    const d = v as unknown as ArrayLike<number>;
    // an array of the dtype's own storage holds valid values (int64's Float64Array may not)
    if (t.dtype !== 'int64' && dtypeOfArray(v as DataArray) === t.dtype) return;
    for (let i = 0; i < d.length; i++) check(d[i]);
  } else walk(v);
}

/** Convert a feed to the tensor's dtype; a bare typed array takes the tensor's static shape. */
function feedValue(v: HostValue, t: Tensor): NDArray {
  checkIntFeed(v, t);
  if (ArrayBuffer.isView(v) && !(v instanceof NDArray)) {
    const n = (v as { length: number }).length;
    let shape: number[] = [n];
    if (t.shape !== null) {
      const known = t.shape.reduce<number>((a, d) => a * (d ?? 1), 1);
      const unknown = t.shape.filter((d) => d === null).length;
      if (unknown === 0) shape = t.shape as number[];
      else if (unknown === 1 && known > 0 && n % known === 0) shape = t.shape.map((d) => d ?? n / known);
    }
    return toNDArray(v, t.dtype, shape);
  }
  if (!(v instanceof NDArray)) inferShape(v);
  return toNDArray(v, t.dtype);
}
