/** Shape and data-movement ops. */
import { type DType, type DataArray, allocArray, isFloat, parseDType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type Dim, type PartialShape, cShape, isFullyDefined, pyShape, shapesEqual, sizeOf } from '../shape.js';
import { type TensorLike, isConvertible, isHostValue, toTensor } from './convert.js';
import { defineOp, getOpDef, makeOp } from './registry.js';
import { shapeTensor, shapeValue } from './shape-value.js';
import { setTranspose } from './nn.js';
import { oneHotOptions, unstackOptions } from '../schemas.js';
import { parseOptions, parseShape } from '../validate.js';
import { deprecatedAlias, tf1Function } from '../args.js';
import { dynamicSlice, holdsTensor } from './dynamic-slice.js';

// ----- Fill / zeros / ones ------------------------------------------------------------------
defineOp<{ shape: number[]; value: number; dtype: DType }>({
  type: 'Fill',
  infer: (_ins, a) => [{ dtype: a.dtype, shape: a.shape }],
  lower: (b, _ins, a) => [b.fill(a.shape, a.value, a.dtype)],
});
/** Fill with the shape of input 0 (zeros_like / ones_like, and gradient seeds). */
defineOp<{ value: number; dtype?: DType }>({
  type: 'FillLike',
  infer: ([x], a) => [{ dtype: a.dtype ?? x!.dtype, shape: x!.shape }],
  lower: (b, [x], a) => [b.fill(x!.shape, a.value, a.dtype ?? x!.dtype)],
});

/** True when a shape argument is given as a tensor (or a list holding scalar tensors), as TF allows. */
const isShapeTensor = (s: unknown): s is TensorLike => s instanceof Tensor || isConvertible(s) || (Array.isArray(s) && s.some((d) => d instanceof Tensor || isConvertible(d)));

/** TF's Fill(dims, value) with dims computed in the graph: folded when the plan is built. */
function fillFromTensor(dims: TensorLike, value: TensorLike, dtype: DType | undefined, name: string | undefined, defaultName: string, param: string): Tensor {
  const g = getDefaultGraph();
  return g.nameScope(name ?? defaultName, (scope) => {
    const d = shapeTensor(dims, param);
    const v = toTensor(value, dtype);
    if (v.shape !== null && v.shape.length !== 0) throw new ValueError(`Shape must be rank 0 but is rank ${v.shape.length} for '${scope.replace(/\/$/, '')}' (op: 'Fill') with input shapes: ${cShape(d.shape)}, ${cShape(v.shape)}.`);
    return makeOp(g, 'FoldedFill', [d, v], {}, scope, 'Fill').outputs[0]!;
  });
}

function fillImpl(dims: readonly number[] | TensorLike, value: number | boolean | TensorLike, name?: string, dtype?: DType | string): Tensor {
  // a value given as a tensor (computed in the graph) fills with its run-time value, in its dtype
  if (value instanceof Tensor || isConvertible(value)) return fillFromTensor(dims as TensorLike, value, dtype ? parseDType(dtype) : undefined, name, 'Fill', 'dims');
  const dt = dtype ? parseDType(dtype) : typeof value === 'boolean' ? 'bool' : 'float32';
  if (isShapeTensor(dims)) return fillFromTensor(dims, Number(value), dt, name, 'Fill', 'dims');
  return makeOp(getDefaultGraph(), 'Fill', [], { shape: parseShape(dims as readonly number[], 'fill', 'dims'), value: Number(value), dtype: dt }, name, 'Fill').outputs[0]!;
}
/** `tf.fill(dims, value, name?)`; `dtype` (a tsflow keyword) overrides the value's type. */
export const fill = tf1Function('fill', ['dims', 'value', 'name', 'dtype'], fillImpl, 2);
function zerosImpl(shape: readonly number[] | number | TensorLike, dtype: DType | string = 'float32', name?: string): Tensor {
  if (isShapeTensor(shape)) return fillFromTensor(shape, 0, parseDType(dtype), name, 'zeros', 'shape');
  const s = typeof shape === 'number' ? [shape] : (shape as readonly number[]);
  return makeOp(getDefaultGraph(), 'Fill', [], { shape: parseShape(s, 'zeros', 'shape'), value: 0, dtype: parseDType(dtype) }, name, 'zeros').outputs[0]!;
}
export const zeros = tf1Function('zeros', ['shape', 'dtype', 'name'], zerosImpl, 1);
function onesImpl(shape: readonly number[] | number | TensorLike, dtype: DType | string = 'float32', name?: string): Tensor {
  if (isShapeTensor(shape)) return fillFromTensor(shape, 1, parseDType(dtype), name, 'ones', 'shape');
  const s = typeof shape === 'number' ? [shape] : (shape as readonly number[]);
  return makeOp(getDefaultGraph(), 'Fill', [], { shape: parseShape(s, 'ones', 'shape'), value: 1, dtype: parseDType(dtype) }, name, 'ones').outputs[0]!;
}
export const ones = tf1Function('ones', ['shape', 'dtype', 'name'], onesImpl, 1);
function zerosLikeImpl(x: TensorLike, dtype?: DType | string | null, name?: string, _optimize?: boolean): Tensor {
  const t = toTensor(x);
  return makeOp(t.graph, 'FillLike', [t], { value: 0, dtype: dtype ? parseDType(dtype) : t.dtype }, name, 'zeros_like').outputs[0]!;
}
export const zerosLike = tf1Function('zerosLike', ['tensor', 'dtype', 'name', 'optimize'], zerosLikeImpl, 1);
function onesLikeImpl(x: TensorLike, dtype?: DType | string | null, name?: string, _optimize?: boolean): Tensor {
  const t = toTensor(x);
  return makeOp(t.graph, 'FillLike', [t], { value: 1, dtype: dtype ? parseDType(dtype) : t.dtype }, name, 'ones_like').outputs[0]!;
}
export const onesLike = tf1Function('onesLike', ['tensor', 'dtype', 'name', 'optimize'], onesLikeImpl, 1);

// ----- Shape / Size / Rank ----------------------------------------------------------------
defineOp({
  type: 'Shape',
  infer: ([x]) => [{ dtype: 'int32', shape: [x!.shape === null ? null : x!.shape.length] }],
  lower: (b, [x]) => [b.constant(new NDArray(Int32Array.from(x!.shape), [x!.shape.length], 'int32'))],
});
defineOp({
  type: 'Size',
  infer: () => [{ dtype: 'int32', shape: [] }],
  lower: (b, [x]) => [b.scalar(sizeOf(x!.shape), 'int32')],
});
defineOp({
  type: 'Rank',
  infer: () => [{ dtype: 'int32', shape: [] }],
  lower: (b, [x]) => [b.scalar(x!.shape.length, 'int32')],
});
/** Shape/Size as int32; an int64 `outType` casts the result (as the int32 values are exact). */
function shapeLike(type: 'Shape' | 'Size', x: TensorLike, name?: string, outType?: DType | string | null): Tensor {
  const t = toTensor(x);
  const dt = outType === undefined || outType === null ? 'int32' : parseDType(outType);
  if (dt !== 'int32' && dt !== 'int64') {
    throw new TypeError(`Value passed to parameter 'out_type' has DataType ${dt} not in list of allowed values: int32, int64`);
  }
  if (dt === 'int32') return makeOp(t.graph, type, [t], {}, name, type).outputs[0]!;
  return t.graph.nameScope(name ?? type, (scope) => makeOp(t.graph, 'Cast', [makeOp(t.graph, type, [t], {}, undefined, type).outputs[0]!], { DstT: dt }, scope, 'Cast').outputs[0]!);
}
export const shape = tf1Function('shape', ['input', 'name', 'outType'], (x: TensorLike, name?: string, outType?: DType | string | null): Tensor => shapeLike('Shape', x, name, outType), 1);
export const size = tf1Function('size', ['input', 'name', 'outType'], (x: TensorLike, name?: string, outType?: DType | string | null): Tensor => shapeLike('Size', x, name, outType), 1);
export const rank = tf1Function('rank', ['input', 'name'], (x: TensorLike, name?: string): Tensor => { const t = toTensor(x); return makeOp(t.graph, 'Rank', [t], {}, name, 'Rank').outputs[0]!; }, 1);

// ----- Reshape ------------------------------------------------------------------------------
/** Resolve one -1 in `shape` against `n` elements, with TF's errors. */
export function resolveReshape(shape: readonly number[], n: number, op: string): number[] {
  const neg = shape.filter((d) => d === -1).length;
  if (neg > 1) throw new InvalidArgumentError('Only one input size may be -1, not both', op);
  const known = shape.reduce((a, d) => (d === -1 ? a : a * d), 1);
  if (neg === 1) {
    if (known === 0 || n % known !== 0) {
      throw new InvalidArgumentError(`Input to reshape is a tensor with ${n} values, but the requested shape requires a multiple of ${known}`, op);
    }
    return shape.map((d) => (d === -1 ? n / known : d));
  }
  if (known !== n) throw new InvalidArgumentError(`Input to reshape is a tensor with ${n} values, but the requested shape has ${known}`, op);
  return [...shape];
}

/** Reshape to a static shape (attr) or to the value of input 1 (folded at plan time). */
defineOp<{ shape: number[] | null }>({
  type: 'Reshape',
  infer: (ins, a) => {
    const x = ins[0]!;
    if (a.shape === null) return [{ dtype: x.dtype, shape: shapeValue(ins[1]!) }];
    let out: Dim[] = a.shape.map((d) => (d === -1 ? null : d));
    if (isFullyDefined(x.shape)) {
      const n = sizeOf(x.shape);
      try {
        out = resolveReshape(a.shape, n, '');
      } catch (e) {
        throw new ValueError(`Cannot reshape a tensor with ${n} elements to shape [${a.shape.join(',')}] (${(e as Error).message})`);
      }
    }
    return [{ dtype: x.dtype, shape: out }];
  },
  lower: (b, ins, a) => {
    const x = ins[0]!;
    let target = a.shape;
    if (target === null) {
      const v = b.requireValue(ins[1]!, () => new InvalidArgumentError('Reshape needs a shape known when the plan is built', b.opName));
      target = Array.from(v.data);
    }
    return [b.reshape(x, resolveReshape(target, sizeOf(x.shape), b.opName))];
  },
});
function reshapeImpl(x: TensorLike, shape: readonly (number | TensorLike)[] | Tensor, name?: string): Tensor {
  const t = toTensor(x);
  // a list holding tensors is packed into a shape tensor, as TF converts it
  if (Array.isArray(shape) && shape.some((d) => typeof d !== 'number')) shape = toTensor(shape as TensorLike, 'int32');
  if (shape instanceof Tensor) return makeOp(t.graph, 'Reshape', [t, shape], { shape: null }, name, 'Reshape').outputs[0]!;
  return makeOp(t.graph, 'Reshape', [t], { shape: parseShape(shape, 'reshape', 'shape', 'reshape') }, name, 'Reshape').outputs[0]!;
}
export const reshape = tf1Function('reshape', ['tensor', 'shape', 'name'], reshapeImpl, 2);

/** Reshape input 0 to the run-time shape of input 1 (used by gradients). */
defineOp({
  type: 'ReshapeLike',
  infer: ([x, like]) => [{ dtype: x!.dtype, shape: like!.shape }],
  lower: (b, [x, like]) => [b.reshape(x!, like!.shape)],
});
/** Sum input 0 down to the run-time shape of input 1 (the gradient of broadcasting). */
defineOp({
  type: 'SumToShapeOf',
  infer: ([x, like]) => [{ dtype: x!.dtype, shape: like!.shape }],
  lower: (b, [x, like]) => [b.unbroadcast(x!, like!.shape)],
});
/** Broadcast input 0 to the run-time shape of input 1. */
defineOp({
  type: 'BroadcastLike',
  infer: ([x, like]) => [{ dtype: x!.dtype, shape: like!.shape }],
  lower: (b, [x, like]) => [b.broadcastTo(x!, like!.shape)],
});
export const reshapeLike = (x: Tensor, like: Tensor, name?: string): Tensor => makeOp(x.graph, 'ReshapeLike', [x, like], {}, name, 'Reshape').outputs[0]!;
export const sumToShapeOf = (x: Tensor, like: Tensor, name?: string): Tensor => makeOp(x.graph, 'SumToShapeOf', [x, like], {}, name, 'Sum').outputs[0]!;
export const broadcastLike = (x: Tensor, like: Tensor, name?: string): Tensor => makeOp(x.graph, 'BroadcastLike', [x, like], {}, name, 'BroadcastTo').outputs[0]!;

export { pyShape, type PartialShape };

// ----- Transpose ------------------------------------------------------------------------------
defineOp<{ perm: number[] | null }>({
  type: 'Transpose',
  infer: ([x], a) => {
    if (x!.shape === null) return [{ dtype: x!.dtype, shape: null }];
    const perm = a.perm ?? x!.shape.map((_, i) => x!.shape!.length - 1 - i);
    if (perm.length !== x!.shape.length || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) {
      throw new ValueError(`transpose expects a vector of size ${x!.shape.length}. But input(1) is a vector of size ${perm.length}`);
    }
    return [{ dtype: x!.dtype, shape: perm.map((p) => x!.shape![p]!) }];
  },
  lower: (b, [x], a) => [b.transpose(x!, a.perm ?? x!.shape.map((_, i) => x!.shape.length - 1 - i))],
});
function transposeImpl(x: TensorLike, perm?: readonly number[] | TensorLike | null, name?: string, _conjugate?: boolean): Tensor {
  const t = toTensor(x);
  if (holdsTensor(perm)) return makeOp(t.graph, 'FoldedTranspose', [t, shapeTensor(perm as TensorLike, 'perm')], {}, name, 'transpose').outputs[0]!;
  perm = perm as readonly number[] | null | undefined;
  return makeOp(t.graph, 'Transpose', [t], { perm: perm ? [...perm] : null }, name, 'transpose').outputs[0]!;
}
export const transpose = tf1Function('transpose', ['a', 'perm', 'name', 'conjugate'], transposeImpl, 1);
setTranspose((x, perm, name) => transpose(x, perm, name));

// ----- TF shape-function errors -------------------------------------------------------------
/** A computed input value as TF prints it: `<1>`, `<0 0 1>`. */
function tfValue(v: number | readonly number[]): string {
  return `<${typeof v === 'number' ? v : v.join(' ')}>`;
}

/**
 * TF1's build-time error from an op's shape function:
 * `<msg> for '<name>' (op: '<type>') with input shapes: [2,3], [] and with computed input tensors: input[1] = <0>.`
 * Static arguments kept as attrs are listed as the inputs TF would have had.
 */
export function shapeFnError(
  msg: string, name: string, type: string, shapes: PartialShape[], computed: [number, number | readonly number[]][] = [],
): ValueError {
  const values = computed.length ? ` and with computed input tensors: ${computed.map(([i, v]) => `input[${i}] = ${tfValue(v)}`).join(', ')}` : '';
  return new ValueError(`${msg} for '${name}' (op: '${type}') with input shapes: ${shapes.map(cShape).join(', ')}${values}.`);
}

/** TF's `InferenceContext::Merge` of two partial shapes; a string is its error text. */
export function mergeOrError(a: PartialShape, b: PartialShape): PartialShape | string {
  if (a === null) return b;
  if (b === null) return a;
  if (a.length !== b.length) return `Shapes must be equal rank, but are ${a.length} and ${b.length}`;
  const out: Dim[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== null && y !== null && x !== y) {
      return `Dimension ${i} in both shapes must be equal, but are ${x} and ${y}. Shapes are ${cShape(a)} and ${cShape(b)}.`;
    }
    out.push(x ?? y);
  }
  return out;
}

/** Host values in a list take the dtype of the first tensor in it (TF's list-input conversion). */
function toTensorList(values: readonly TensorLike[], arg: string, type: string): Tensor[] {
  const first = values.find((v) => v instanceof Tensor || isConvertible(v));
  const dtype = first === undefined ? undefined : toTensor(first).dtype;
  const ts = values.map((v) => toTensor(v, dtype));
  if (ts.some((t) => t.dtype !== ts[0]!.dtype)) {
    throw new TypeError(`Tensors in list passed to '${arg}' of '${type}' Op have types [${ts.map((t) => t.dtype).join(', ')}] that don't all match.`);
  }
  return ts;
}

function checkInt(v: unknown, what: string): number {
  if (!Number.isInteger(v)) throw new TypeError(`${what} must be an integer, got ${String(v)}`);
  return v as number;
}

function checkIndexDType(t: Tensor, allowed: readonly DType[]): void {
  if (!allowed.includes(t.dtype)) {
    throw new TypeError(`Value passed to parameter 'indices' has DataType ${t.dtype} not in list of allowed values: ${allowed.join(', ')}`);
  }
}

// ----- ConcatV2 -----------------------------------------------------------------------------
defineOp<{ axis: number }>({
  type: 'ConcatV2',
  infer: (ins, a, name) => {
    const shapes = ins.map((t) => t.shape);
    const fail = (msg: string): ValueError => shapeFnError(msg, name, 'ConcatV2', [...shapes, []], [[ins.length, a.axis]]);
    const minRank = a.axis < 0 ? -a.axis : a.axis + 1;
    // As TF: split every input into before/middle/after the axis, merge the outer parts and
    // sum the middle, walking from the last input to the first.
    let before: PartialShape = null;
    let middle: Dim = null;
    let after: PartialShape = null;
    for (let i = ins.length - 1; i >= 0; i--) {
      const s = shapes[i]!;
      let b: PartialShape = null;
      let m: Dim = null;
      let f: PartialShape = a.axis === -1 ? [] : null;
      if (s !== null) {
        if (s.length < minRank) throw fail(`Shape must be at least rank ${minRank} but is rank ${s.length}`);
        const ax = a.axis < 0 ? a.axis + s.length : a.axis;
        b = s.slice(0, ax);
        m = s[ax]!;
        f = s.slice(ax + 1);
      }
      if (i === ins.length - 1) {
        [before, middle, after] = [b, m, f];
        continue;
      }
      const mb = mergeOrError(b, before);
      if (typeof mb === 'string') throw fail(mb);
      middle = middle === null || m === null ? null : middle + m;
      const mf = mergeOrError(f, after);
      if (typeof mf === 'string') throw fail(mf);
      [before, after] = [mb, mf];
    }
    const shape = before === null || after === null ? null : [...before, middle, ...after];
    return [{ dtype: ins[0]!.dtype, shape }];
  },
  lower: (b, ins, a) => {
    const r = ins[0]!.shape.length;
    if (a.axis < -r || a.axis >= r) {
      throw new InvalidArgumentError(`ConcatOp : Expected concatenating dimensions in the range [${-r}, ${r}), but got ${a.axis}`, b.opName);
    }
    return [b.concat(ins, a.axis < 0 ? a.axis + r : a.axis)];
  },
});

function concatImpl(values: readonly TensorLike[] | TensorLike, axis: number | Tensor, name?: string): Tensor {
  const list: readonly TensorLike[] = Array.isArray(values) ? values : [values as TensorLike];
  if (axis instanceof Tensor && list.length > 1) {
    if (axis.shape !== null && axis.shape.length !== 0) throw new ValueError(`Shape must be rank 0 but is rank ${axis.shape.length} for 'axis'`);
    const ts = toTensorList(list, 'values', 'ConcatV2');
    return makeOp(ts[0]!.graph, 'FoldedConcatV2', [...ts, axis], {}, name, 'concat').outputs[0]!;
  }
  if (axis instanceof Tensor) return makeOp(axis.graph, 'Identity', [toTensor(list[0]!)], {}, name, 'concat').outputs[0]!;
  checkInt(axis, 'axis');
  if (list.length === 0) throw new ValueError("List argument 'values' to 'ConcatV2' Op with length 0 shorter than minimum length 2.");
  const ts = toTensorList(list, 'values', 'ConcatV2');
  if (ts.length === 1) return makeOp(ts[0]!.graph, 'Identity', [ts[0]!], {}, name, 'concat').outputs[0]!;
  return makeOp(ts[0]!.graph, 'ConcatV2', ts, { axis }, name, 'concat').outputs[0]!;
}
/** `tf.concat(values, axis)`; a single value is returned through an Identity, as TF1 does. */
export const concat = tf1Function('concat', ['values', 'axis', 'name'], concatImpl, 2);

// ----- Pack / Unpack ---------------------------------------------------------------------------
defineOp<{ axis: number }>({
  type: 'Pack',
  infer: (ins, a, name) => {
    const shapes = ins.map((t) => t.shape);
    const fail = (msg: string): ValueError => shapeFnError(msg, name, 'Pack', shapes);
    let cur: PartialShape = shapes[shapes.length - 1]!;
    for (let i = shapes.length - 2; i >= 0; i--) {
      const m = mergeOrError(shapes[i]!, cur);
      if (typeof m === 'string') throw fail(`${m}\n\tFrom merging shape ${i} with other shapes.`);
      cur = m;
    }
    if (cur === null) return [{ dtype: ins[0]!.dtype, shape: null }];
    const r = cur.length + 1;
    if (a.axis < -r || a.axis >= r) throw fail(`Invalid axis: ${a.axis}; must be in [${-r},${r})`);
    const ax = a.axis < 0 ? a.axis + r : a.axis;
    return [{ dtype: ins[0]!.dtype, shape: [...cur.slice(0, ax), ins.length, ...cur.slice(ax)] }];
  },
  lower: (b, ins, a) => {
    const s = ins[0]!.shape;
    ins.forEach((x, i) => {
      if (!shapesEqual(x.shape, s)) {
        throw new InvalidArgumentError(`Shapes of all inputs must match: values[0].shape = ${cShape([...s])} != values[${i}].shape = ${cShape([...x.shape])}`, b.opName);
      }
    });
    const ax = a.axis < 0 ? a.axis + s.length + 1 : a.axis;
    const expanded = [...s.slice(0, ax), 1, ...s.slice(ax)];
    return [b.concat(ins.map((x) => b.reshape(x, expanded)), ax)];
  },
});

function stackImpl(values: readonly TensorLike[], axis = 0, name?: string): Tensor {
  checkInt(axis, 'axis');
  if (values.length === 0) throw new ValueError("List argument 'values' to 'Pack' Op with length 0 shorter than minimum length 1.");
  const ts = toTensorList(values, 'values', 'Pack');
  const s = ts[0]!.shape;
  if (s !== null) {
    const e = s.length + 1;
    if (axis < -e || axis >= e) throw new ValueError(`axis = ${axis} not in [${-e}, ${e})`);
  }
  return makeOp(ts[0]!.graph, 'Pack', ts, { axis }, name, 'stack').outputs[0]!;
}
/** `tf.stack(values, axis = 0)`: packs rank-R tensors into one rank-(R+1) tensor. */
export const stack = tf1Function('stack', ['values', 'axis', 'name'], stackImpl, 1);

defineOp<{ num: number; axis: number }>({
  type: 'Unpack',
  infer: ([x], a, name) => {
    const s = x!.shape;
    if (s === null) return new Array(a.num).fill({ dtype: x!.dtype, shape: null });
    const r = s.length;
    const fail = (msg: string): ValueError => shapeFnError(msg, name, 'Unpack', [s]);
    if (a.axis < -r || a.axis >= r) throw fail(`Invalid axis: ${a.axis}; must be in [${-r},${r})`);
    const ax = a.axis < 0 ? a.axis + r : a.axis;
    if (s[ax] !== null && s[ax] !== a.num) throw fail(`Dimension must be ${a.num} but is ${s[ax]}`);
    const out = s.filter((_, i) => i !== ax);
    return Array.from({ length: a.num }, () => ({ dtype: x!.dtype, shape: out }));
  },
  lower: (b, [x], a) => {
    const s = x!.shape;
    const ax = a.axis < 0 ? a.axis + s.length : a.axis;
    if (s[ax] !== a.num) throw new InvalidArgumentError(`Input shape axis ${ax} must equal ${a.num}, got shape ${cShape([...s])}`, b.opName);
    const out = s.filter((_, i) => i !== ax);
    return Array.from({ length: a.num }, (_, i) => {
      const begin = s.map((_d, j) => (j === ax ? i : 0));
      const size = s.map((d, j) => (j === ax ? 1 : d));
      return b.reshape(b.slice(x!, begin, size), out);
    });
  },
});

function unstackImpl(value: TensorLike, numArg?: number | null, axisArg?: number, name?: string): Tensor[] {
  const opts = parseOptions(unstackOptions, { num: numArg ?? undefined, axis: axisArg, name }, 'unstack');
  const t = toTensor(value);
  const axis = checkInt(opts.axis ?? 0, 'axis');
  let num = opts.num;
  const s = t.shape;
  if (num === undefined && s !== null) {
    if (axis < -s.length || axis >= s.length) throw new ValueError(`axis = ${axis} not in [${-s.length}, ${s.length})`);
    num = s[axis < 0 ? axis + s.length : axis] ?? undefined;
  }
  if (num === undefined) throw new ValueError(`Cannot infer num from shape ${pyShape(s)}`);
  return [...makeOp(t.graph, 'Unpack', [t], { num, axis }, opts.name, 'unstack').outputs];
}
/** `tf.unstack(value, num?, axis = 0, name?)` → `num` tensors along `axis`. */
export const unstack = tf1Function('unstack', ['value', 'num', 'axis', 'name'], unstackImpl, 1);

// ----- ExpandDims / Squeeze --------------------------------------------------------------------
defineOp<{ axis: number }>({
  type: 'ExpandDims',
  infer: ([x], a, name) => {
    const s = x!.shape;
    if (s === null) return [{ dtype: x!.dtype, shape: null }];
    const r = s.length;
    if (a.axis < -r - 1 || a.axis > r) {
      throw shapeFnError(`dim ${a.axis} not in the interval [${-r - 1}, ${r}].`, name, 'ExpandDims', [s, []], [[1, a.axis]]);
    }
    const ax = a.axis < 0 ? a.axis + r + 1 : a.axis;
    return [{ dtype: x!.dtype, shape: [...s.slice(0, ax), 1, ...s.slice(ax)] }];
  },
  lower: (b, [x], a) => {
    const s = x!.shape;
    const r = s.length;
    if (a.axis < -r - 1 || a.axis > r) {
      throw new InvalidArgumentError(`Tried to expand dim index ${a.axis} for tensor with ${r} dimensions.`, b.opName);
    }
    const ax = a.axis < 0 ? a.axis + r + 1 : a.axis;
    return [b.reshape(x!, [...s.slice(0, ax), 1, ...s.slice(ax)])];
  },
});
function expandDimsImpl(x: TensorLike, axisArg?: number | readonly number[] | Tensor | null, name?: string, dim?: number | readonly number[] | null): Tensor {
  const axis = deprecatedAlias('axis', axisArg, 'dim', dim);
  if (axis === undefined) throw new ValueError("Must specify an axis argument to tf.expand_dims()");
  const t = toTensor(x);
  const ax = axis as unknown;
  if (ax instanceof Tensor) return makeOp(t.graph, 'FoldedExpandDims', [t, ax], {}, name, 'ExpandDims').outputs[0]!;
  // TF's `dim` input is any tensor of one element: `axis=[-1]` (as BERT writes it) is -1.
  if (Array.isArray(ax)) {
    if (ax.length !== 1) throw shapeFnError("'dim' input must be a tensor with a single value", name ?? 'ExpandDims', 'ExpandDims', [t.shape, [ax.length]], [[1, ax as number[]]]);
    return makeOp(t.graph, 'ExpandDims', [t], { axis: checkInt(ax[0], 'axis') }, name, 'ExpandDims').outputs[0]!;
  }
  return makeOp(t.graph, 'ExpandDims', [t], { axis: checkInt(axis, 'axis') }, name, 'ExpandDims').outputs[0]!;
}
export const expandDims = tf1Function('expandDims', ['input', 'axis', 'name', 'dim'], expandDimsImpl, 1);

/** The dims Squeeze keeps, or a TF error text. Unknown dims named in `axes` are assumed 1. */
function squeezeDims(s: readonly Dim[], axes: readonly number[]): Dim[] | string | null {
  const r = s.length;
  const set = new Set<number>();
  for (let i = 0; i < axes.length; i++) {
    const a = axes[i]!;
    if (!(a >= -r && a < r)) return `squeeze_dims[${i}] not in [${-r},${r}).`;
    set.add(a < 0 ? a + r : a);
  }
  if (set.size === 0) return s.some((d) => d === null) ? null : s.filter((d) => d !== 1);
  const out: Dim[] = [];
  for (let i = 0; i < r; i++) {
    if (!set.has(i)) out.push(s[i]!);
    else if (s[i] !== null && s[i] !== 1) return `Can not squeeze dim[${i}], expected a dimension of 1, got ${s[i]}`;
  }
  return out;
}

defineOp<{ axis: number[] }>({
  type: 'Squeeze',
  infer: ([x], a, name) => {
    if (x!.shape === null) return [{ dtype: x!.dtype, shape: null }];
    const out = squeezeDims(x!.shape, a.axis);
    if (typeof out === 'string') throw shapeFnError(out, name, 'Squeeze', [x!.shape]);
    return [{ dtype: x!.dtype, shape: out }];
  },
  lower: (b, [x], a) => {
    const out = squeezeDims(x!.shape, a.axis);
    if (typeof out === 'string') throw new InvalidArgumentError(out, b.opName);
    return [b.reshape(x!, out as number[])];
  },
});
function squeezeImpl(x: TensorLike, axisArg?: number | readonly number[] | null, name?: string, squeezeDims?: number | readonly number[] | null): Tensor {
  const axis = deprecatedAlias('axis', axisArg, 'squeeze_dims', squeezeDims);
  const t = toTensor(x);
  const axes = axis === undefined || axis === null ? [] : typeof axis === 'number' ? [axis] : [...axis];
  axes.forEach((a) => checkInt(a, 'axis'));
  return makeOp(t.graph, 'Squeeze', [t], { axis: axes }, name, 'Squeeze').outputs[0]!;
}
/** `tf.squeeze(x, axis?)`: drops size-1 dims (only those in `axis` when given). */
export const squeeze = tf1Function('squeeze', ['input', 'axis', 'name', 'squeezeDims'], squeezeImpl, 1);

// ----- Slice ------------------------------------------------------------------------------------
defineOp<{ begin: number[]; size: number[] }>({
  type: 'Slice',
  infer: ([x], a, name) => {
    const n = a.begin.length;
    const fail = (msg: string): ValueError =>
      shapeFnError(msg, name, 'Slice', [x!.shape, [n], [a.size.length]], [[1, a.begin], [2, a.size]]);
    if (a.size.length !== n) {
      throw fail(`Dimension 0 in both shapes must be equal, but are ${n} and ${a.size.length}. Shapes are [${n}] and [${a.size.length}].`);
    }
    const s = x!.shape;
    if (s !== null && s.length !== n) throw fail(`Shape must be rank ${n} but is rank ${s.length}`);
    const out: Dim[] = a.size.map((sz, i) => {
      const d = s === null ? null : s[i]!;
      if (sz !== -1) {
        if (sz < 0) throw fail(`Out of bounds slicing on dimension ${i} of length ${d ?? -1}: sizes vector cannot be < -1, but was ${sz}`);
        return sz;
      }
      if (d === null) return null;
      if (d - a.begin[i]! < 0) throw fail(`Negative dimension size caused by subtracting ${a.begin[i]} from ${d}`);
      return d - a.begin[i]!;
    });
    return [{ dtype: x!.dtype, shape: out }];
  },
  lower: (b, [x], a) => {
    const s = x!.shape;
    if (a.begin.length !== s.length || a.size.length !== s.length) {
      throw new InvalidArgumentError(
        `Expected begin and size arguments to be 1-D tensors of size ${s.length}, but got shapes [${a.begin.length}] and [${a.size.length}] instead.`, b.opName);
    }
    const size = s.map((d, i) => {
      const bg = a.begin[i]!;
      const sz = a.size[i] === -1 ? d - bg : a.size[i]!;
      if (d === 0) {
        if (bg !== 0 || sz !== 0) {
          throw new InvalidArgumentError(`Expected begin[${i}] == 0 (got ${bg}) and size[${i}] == 0 (got ${sz}) when input_shape.dim_size(${i}) == 0`, b.opName);
        }
      } else if (bg < 0 || bg > d) {
        throw new InvalidArgumentError(`Expected begin[${i}] in [0, ${d}], but got ${bg}`, b.opName);
      } else if (sz < 0 || bg + sz > d) {
        throw new InvalidArgumentError(`Expected size[${i}] in [0, ${d - bg}], but got ${sz}`, b.opName);
      }
      return sz;
    });
    return [b.slice(x!, a.begin, size)];
  },
});
/** Whether a slice with a tensor begin has sizes known when the graph is built (a -1 needs its dim and begin). */
function staticSizes(x: Tensor, begin: unknown, size: readonly number[]): boolean {
  return size.every((s, d) => s !== -1 || (Array.isArray(begin) && typeof begin[d] === 'number' && x.shape !== null && x.shape[d] !== null));
}
function sliceImpl(x: TensorLike, begin: readonly number[] | TensorLike, size: readonly number[] | TensorLike, name?: string): Tensor {
  const t = toTensor(x);
  // a size given as a tensor: its value (and begin's) shapes the plan, built when they are known
  if (holdsTensor(size) || (holdsTensor(begin) && !staticSizes(t, begin, size as readonly number[]))) return makeOp(t.graph, 'FoldedSlice', [t, shapeTensor(begin, 'begin'), shapeTensor(size, 'size')], {}, name, 'Slice').outputs[0]!;
  size = size as readonly number[];
  // a begin known only when the graph runs: gathers (static sizes)
  if (holdsTensor(begin)) return dynamicSlice(t, begin, size, name);
  begin = begin as readonly number[];
  [...begin, ...size].forEach((v) => checkInt(v, 'begin and size entries'));
  return makeOp(t.graph, 'Slice', [t], { begin: [...begin], size: [...size] }, name, 'Slice').outputs[0]!;
}
/** `tf.slice(x, begin, size)`; a size of -1 takes the rest of that dim. */
export const slice = tf1Function('slice', ['input', 'begin', 'size', 'name'], sliceImpl, 3);

// ----- GatherV2 -----------------------------------------------------------------------------------
defineOp<{ axis: number }>({
  type: 'GatherV2',
  infer: ([p, idx], a, name) => {
    checkIndexDType(idx!, ['int32', 'int64']);
    const fail = (msg: string): ValueError => shapeFnError(msg, name, 'GatherV2', [p!.shape, idx!.shape, []], [[2, a.axis]]);
    const s = p!.shape;
    if (s !== null) {
      if (s.length < 1) throw fail('Shape must be at least rank 1 but is rank 0');
      const minRank = a.axis < 0 ? -a.axis : a.axis + 1;
      if (s.length < minRank) throw fail(`Shape must be at least rank ${minRank} but is rank ${s.length}`);
    }
    if (s === null || idx!.shape === null) return [{ dtype: p!.dtype, shape: null }];
    const ax = a.axis < 0 ? a.axis + s.length : a.axis;
    return [{ dtype: p!.dtype, shape: [...s.slice(0, ax), ...idx!.shape, ...s.slice(ax + 1)] }];
  },
  lower: (b, [p, idx], a) => {
    const r = p!.shape.length;
    if (a.axis < -r || a.axis >= r) throw new InvalidArgumentError(`Expected axis in the range [${-r}, ${r}), but got ${a.axis}`, b.opName);
    return [b.gather(p!, idx!, a.axis < 0 ? a.axis + r : a.axis)];
  },
});
function gatherImpl(params: TensorLike, indices: TensorLike, validateIndices?: boolean | null, name?: string, axis?: number | Tensor | null, batchDims?: number): Tensor {
  if (validateIndices !== undefined && validateIndices !== null && typeof validateIndices !== 'boolean') {
    throw new TypeError(`gather(): validate_indices must be a bool, got ${String(validateIndices)} (the axis is the keyword option {axis})`);
  }
  if (batchDims !== undefined && batchDims !== 0) throw new ValueError('gather(): batch_dims other than 0 is not supported');
  axis = axis ?? 0;
  const p = toTensor(params);
  const i = toTensor(indices, isHostValue(indices) && !(indices instanceof NDArray) ? 'int32' : undefined);
  const ax = axis as unknown;
  // an axis given as a tensor (fed or computed): the plan is built with its value
  if (ax instanceof Tensor) return makeOp(p.graph, 'FoldedGatherV2', [p, i, ax], {}, name, 'GatherV2').outputs[0]!;
  return makeOp(p.graph, 'GatherV2', [p, i], { axis: checkInt(axis, 'axis') }, name, 'GatherV2').outputs[0]!;
}
/**
 * `tf.gather(params, indices, validateIndices?, name?, axis = 0, batchDims = 0)` (TF1's order:
 * the axis is given by keyword); out-of-range indices fail at run time.
 */
export const gather = tf1Function('gather', ['params', 'indices', 'validateIndices', 'name', 'axis', 'batchDims'], gatherImpl, 2);

// ----- OneHot ------------------------------------------------------------------------------------
defineOp<{ depth: number; onValue: number; offValue: number; axis: number; dtype: DType }>({
  type: 'OneHot',
  infer: ([idx], a, name) => {
    checkIndexDType(idx!, ['int32', 'int64']);
    const fail = (msg: string): ValueError =>
      shapeFnError(msg, name, 'OneHot', [idx!.shape, [], [], []], [[1, a.depth], [2, a.onValue], [3, a.offValue]]);
    if (a.axis < -1) throw fail('axis must be >= -1');
    if (a.depth < 0) throw fail(`Dimension size, given by scalar input 1, must be non-negative but is ${a.depth}`);
    const s = idx!.shape;
    if (s === null) return [{ dtype: a.dtype, shape: null }];
    const r = s.length + 1;
    const at = (a.axis + r) % r;
    return [{ dtype: a.dtype, shape: [...s.slice(0, at), a.depth, ...s.slice(at)] }];
  },
  lower: (b, [idx], a) => {
    const s = idx!.shape;
    const r = s.length;
    if (a.axis !== -1 && !(a.axis >= 0 && a.axis <= r)) {
      throw new InvalidArgumentError(`Expected axis to be -1 or between [0, ${r + 1}).  But received: ${a.axis}`, b.opName);
    }
    const at = a.axis === -1 ? r : a.axis;
    // indices with a 1 inserted at `at`, compared against depth values laid along that axis
    const ix = b.reshape(idx!, [...s.slice(0, at), 1, ...s.slice(at)]);
    const depth = b.reshape(b.range(a.depth, 0, 1, idx!.dtype), [a.depth, ...new Array<number>(r - at).fill(1)]);
    const hot = b.binary('equal', ix, depth);
    return [b.select(hot, b.scalar(a.onValue, a.dtype), b.scalar(a.offValue, a.dtype))];
  },
});
/** OneHot with depth as a scalar input (a fed or computed depth: the plan is built with its value). */
defineOp<{ depth: number; onValue: number; offValue: number; axis: number; dtype: DType }>({
  type: 'OneHotByTensor',
  infer: ([idx, depth], a, name) => {
    const d = scalarConst(depth!);
    const [out] = getOpDef('OneHot').infer([idx!], { ...a, depth: d ?? 0 }, name);
    if (d !== null || out!.shape === null) return [out!];
    const r = out!.shape.length;
    const at = a.axis === -1 ? r - 1 : a.axis;
    return [{ dtype: a.dtype, shape: out!.shape.map((s, j) => (j === at ? null : s)) }];
  },
  lower: (b, [idx, depth], a) => {
    const d = Number(b.requireValue(depth!, () => new InvalidArgumentError('OneHot needs depth known when the plan is built', b.opName)).data[0]);
    if (d < 0) throw new InvalidArgumentError(`depth must be non-negative, got: ${d}`, b.opName);
    return getOpDef('OneHot').lower(b, [idx!], { ...a, depth: d });
  },
});
const scalarConst = (t: Tensor): number | null => (t.op.type === 'Const' ? Number((t.op.attrs.value as NDArray).data[0]) : null);
export interface OneHotOptions {
  onValue?: number | boolean;
  offValue?: number | boolean;
  axis?: number;
  dtype?: DType | string;
  name?: string;
}
function oneHotImpl(indices: TensorLike, depth: number | Tensor, onValue?: number | boolean | null, offValue?: number | boolean | null, axis?: number | null, dtypeArg?: DType | string | null, name?: string): Tensor {
  const opts: OneHotOptions = parseOptions(oneHotOptions, { onValue: onValue ?? undefined, offValue: offValue ?? undefined, axis: axis ?? undefined, dtype: dtypeArg ?? undefined, name }, 'oneHot');
  const i = toTensor(indices, isHostValue(indices) && !(indices instanceof NDArray) ? 'int32' : undefined);
  const dtype = opts.dtype !== undefined ? parseDType(opts.dtype)
    : typeof opts.onValue === 'boolean' || typeof opts.offValue === 'boolean' ? 'bool' : 'float32';
  const attrs = { depth: 0, onValue: Number(opts.onValue ?? 1), offValue: Number(opts.offValue ?? 0), axis: checkInt(opts.axis ?? -1, 'axis'), dtype };
  const dt = depth as unknown;
  if (dt instanceof Tensor || isConvertible(dt)) {
    const d = toTensor(dt as TensorLike);
    if (d.dtype !== 'int32') throw new TypeError(`Value passed to parameter 'depth' has DataType ${d.dtype} not in list of allowed values: int32`);
    if (d.shape !== null && d.shape.length !== 0) throw new ValueError(`Shape must be rank 0 but is rank ${d.shape.length} for 'depth'`);
    return makeOp(i.graph, 'OneHotByTensor', [i, d], attrs, opts.name, 'one_hot').outputs[0]!;
  }
  checkInt(depth as number, 'depth');
  return makeOp(i.graph, 'OneHot', [i], { ...attrs, depth: depth as number }, opts.name, 'one_hot').outputs[0]!;
}
/** `tf.oneHot(indices, depth, onValue = 1, offValue = 0, axis = -1, dtype = float32, name?)`. */
export const oneHot = tf1Function('oneHot', ['indices', 'depth', 'onValue', 'offValue', 'axis', 'dtype', 'name'], oneHotImpl, 2);

// ----- Tile --------------------------------------------------------------------------------------
defineOp<{ multiples: number[] }>({
  type: 'Tile',
  infer: ([x], a, name) => {
    const s = x!.shape;
    if (s === null) return [{ dtype: x!.dtype, shape: a.multiples.map(() => null) }];
    if (s.length !== a.multiples.length) {
      throw shapeFnError(`Shape must be rank ${s.length} but is rank ${a.multiples.length}`, name, 'Tile', [s, [a.multiples.length]], [[1, a.multiples]]);
    }
    return [{ dtype: x!.dtype, shape: s.map((d, i) => (d === null ? null : d * a.multiples[i]!)) }];
  },
  lower: (b, [x], a) => {
    const s = x!.shape;
    const m = a.multiples;
    if (m.length !== s.length) {
      throw new InvalidArgumentError(`Expected multiples argument to be a vector of length ${s.length} but got length ${m.length}`, b.opName);
    }
    // View x as [1,d1,1,d2,...], broadcast to [m1,d1,m2,d2,...], then merge each pair.
    const spread = b.broadcastTo(b.reshape(x!, s.flatMap((d) => [1, d])), s.flatMap((d, i) => [m[i]!, d]));
    return [b.reshape(spread, s.map((d, i) => d * m[i]!))];
  },
});
function tileImpl(x: TensorLike, multiples: readonly number[] | TensorLike, name?: string): Tensor {
  const t = toTensor(x);
  if (holdsTensor(multiples)) return makeOp(t.graph, 'FoldedTile', [t, shapeTensor(multiples, 'multiples')], {}, name, 'Tile').outputs[0]!;
  const m = multiples as readonly number[];
  m.forEach((v, i) => {
    checkInt(v, 'multiples entries');
    if (v < 0) throw new ValueError(`Expected multiples[${i}] >= 0, but got ${v}`);
  });
  return makeOp(t.graph, 'Tile', [t], { multiples: [...m] }, name, 'Tile').outputs[0]!;
}
/** `tf.tile(x, multiples)`: repeats x `multiples[i]` times along dim i. */
export const tile = tf1Function('tile', ['input', 'multiples', 'name'], tileImpl, 2);

// ----- Range -------------------------------------------------------------------------------------
const f32Of = (dtype: DType) => (dtype === 'float32' ? Math.fround : (v: number): number => v);
/** TF's Range size, computed in the output type. */
function rangeSize(start: number, limit: number, delta: number, dtype: DType): number {
  const f32 = f32Of(dtype);
  return isFloat(dtype)
    ? Math.ceil(Math.abs(f32(f32(limit - start) / delta)))
    : Math.trunc((Math.abs(limit - start) + Math.abs(delta) - 1) / Math.abs(delta));
}
/** The values of TF's Range kernel: accumulated in the output type, as the kernel does. */
function rangeValues(start: number, limit: number, delta: number, dtype: DType): DataArray {
  const f32 = f32Of(dtype);
  const n = rangeSize(start, limit, delta, dtype);
  const out = allocArray(dtype, n);
  let v = start;
  for (let i = 0; i < n; i++) {
    out[i] = v;
    v = f32(v + delta);
  }
  return out;
}
/** TF's Range checks of start/limit/delta; a string is the error text. */
function rangeError(start: number, limit: number, delta: number): string | null {
  if (start > limit && delta > 0) return `Requires start <= limit when delta > 0: ${start}/${limit}`;
  if (start < limit && delta < 0) return `Requires start >= limit when delta < 0: ${start}/${limit}`;
  if (delta === 0) return 'Requires delta != 0';
  return null;
}
/** Range with static arguments (attrs), or with start/limit/delta as inputs folded at plan time. */
defineOp<{ start: number; limit: number; delta: number; dtype: DType }>({
  type: 'Range',
  infer: (ins, a, name) => {
    if (ins.length === 3) return [{ dtype: a.dtype, shape: [null] }];
    const { start, limit, delta } = a;
    const err = rangeError(start, limit, delta);
    if (err) throw shapeFnError(err, name, 'Range', [[], [], []], [[0, start], [1, limit], [2, delta]]);
    return [{ dtype: a.dtype, shape: [rangeSize(start, limit, delta, a.dtype)] }];
  },
  lower: (b, ins, a) => {
    let { start, limit, delta } = a;
    if (ins.length === 3) {
      const vs = ins.map((v) => b.requireValue(v, () => new InvalidArgumentError('Range needs start, limit and delta known when the plan is built', b.opName)));
      [start, limit, delta] = vs.map((v) => Number(v!.data[0]!)) as [number, number, number];
      const err = rangeError(start, limit, delta);
      if (err) throw new InvalidArgumentError(err, b.opName);
    }
    const data = rangeValues(start, limit, delta, a.dtype);
    return [b.constant(new NDArray(data, [data.length], a.dtype))];
  },
});
const RANGE_ORDER: DType[] = ['int32', 'int64', 'float32', 'float64'];
function rangeImpl(start: number | Tensor, limit?: number | Tensor | null, delta: number | Tensor = 1, dtype?: DType | string | null, name?: string): Tensor {
  dtype = dtype ?? undefined;
  if (limit === undefined || limit === null) [start, limit] = [0, start];
  const args = [start, limit, delta];
  if (args.some((v) => v instanceof Tensor)) {
    const ts = args.map((v) => (v instanceof Tensor ? v : null));
    const inferred = RANGE_ORDER[Math.max(...args.map((v) => (v instanceof Tensor ? RANGE_ORDER.indexOf(v.dtype) : Number.isInteger(v) ? 0 : 2)))];
    if (inferred === undefined) {
      const bad = ts.find((t) => t && !RANGE_ORDER.includes(t.dtype))!;
      throw new TypeError(`Value passed to parameter 'start' has DataType ${bad.dtype} not in list of allowed values: bfloat16, float32, float64, int32, int64`);
    }
    const dt = dtype !== undefined ? parseDType(dtype) : inferred;
    const inputs = args.map((v) => (v instanceof Tensor ? (v.dtype === dt ? v : makeOp(v.graph, 'Cast', [v], { DstT: dt }, undefined, 'Cast').outputs[0]!) : toTensor(v as number, dt)));
    return makeOp(inputs[0]!.graph, 'Range', inputs, { start: 0, limit: 0, delta: 0, dtype: dt }, name, 'range').outputs[0]!;
  }
  for (const v of args) if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`range arguments must be finite numbers, got ${String(v)}`);
  const nums = args as number[];
  const dt = dtype !== undefined ? parseDType(dtype) : nums.every(Number.isInteger) ? 'int32' : 'float32';
  if (dt === 'bool') throw new TypeError("Value passed to parameter 'start' has DataType bool not in list of allowed values: bfloat16, float32, float64, int32, int64");
  if (!isFloat(dt)) {
    const bad = nums.find((v) => !Number.isInteger(v));
    if (bad !== undefined) throw new TypeError(`Expected ${dt}, got ${bad} of type 'float' instead.`);
  }
  const f = f32Of(dt);
  return makeOp(getDefaultGraph(), 'Range', [], { start: f(nums[0]!), limit: f(nums[1]!), delta: f(nums[2]!), dtype: dt }, name, 'range').outputs[0]!;
}
/**
 * `tf.range(start, limit?, delta = 1, dtype?)`, as Python's range: `range(5)` is 0..4. The dtype
 * defaults to int32 for integer arguments, else float32. Arguments may be scalar tensors (fed or
 * computed: the plan is built with their values, one plan per value).
 */
export const range = tf1Function('range', ['start', 'limit', 'delta', 'dtype', 'name'], rangeImpl, 1);
