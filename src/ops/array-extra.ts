/**
 * TF1's broadcasting helpers (tf.broadcastTo — the BroadcastTo op, broadcastDynamicShape — the
 * BroadcastArgs op, broadcastStaticShape), tf.roll (Roll), tf.linspace / linSpace (LinSpace),
 * and the Python-level compositions tf.meshgrid, tf.countNonzero, tf.sort / tf.argsort (top_k
 * over the last axis, as sort_ops.py does), tf.whereV2 and tf.reverseV2.
 */
import { deprecatedAlias, isOptionsObject, tf1Function } from '../args.js';
import { type DType, parseDType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type Dim, type PartialShape, broadcastPartial, broadcastShapes, cShape } from '../shape.js';
import { ones, reshape, shapeFnError, size, stack, sumToShapeOf, transpose } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import { cast, multiply, negative, notEqual, reduceSum, subtract, where } from './math.js';
import type { Lower, Val } from './lower.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { operandValues } from './shape-operands.js';
import { shapeTensor, shapeValue } from './shape-value.js';
import { reverse } from './split.js';
import { topK } from './top-k.js';

const intVec = (v: readonly number[], dt: DType): NDArray =>
  new NDArray(dt === 'int64' ? Float64Array.from(v) : Int32Array.from(v), [v.length], dt);

// ----- BroadcastTo ------------------------------------------------------------------------------
defineOp({
  type: 'BroadcastTo',
  infer: ([x, shape], _a, name) => {
    const out = shapeValue(shape!);
    const xs = x!.shape;
    if (out === null || xs === null) return [{ dtype: x!.dtype, shape: out }];
    const shapes = [xs, shape!.shape];
    const target = out.map((d) => d ?? -1);
    if (xs.length > out.length) {
      throw new ValueError(`Cannot broadcast a tensor with shape ${cShape(xs)} shape ${cShape(out)}`);
    }
    const res: Dim[] = [...out];
    for (let i = 1; i <= xs.length; i++) {
      const d = xs[xs.length - i]!;
      const o = out[out.length - i]!;
      if (d !== null && d > 1) {
        if (o !== null && o !== d) throw shapeFnError(`Dimensions must be equal, but are ${d} and ${o}`, name, 'BroadcastTo', shapes, [[1, target]]);
        res[out.length - i] = d;
      }
    }
    return [{ dtype: x!.dtype, shape: res }];
  },
  lower: (b, [x, shape]) => {
    const target = operandValues(b, shape!, "BroadcastTo's shape");
    const ok = x!.shape.length <= target.length && x!.shape.every((d, i) => d === 1 || d === target[target.length - x!.shape.length + i]);
    if (!ok) throw new InvalidArgumentError(`Incompatible shapes: ${cShape([...x!.shape])} vs. ${cShape(target)}`, b.opName);
    return [b.broadcastTo(x!, target)];
  },
});
// TF's _BroadcastToGrad: the gradient summed back over the broadcast axes.
registerGradient('BroadcastTo', (op, [dy]) => [dy ? sumToShapeOf(dy, op.inputs[0]!) : null, null]);

/** `tf.broadcast_to(input, shape, name=None)`. */
export const broadcastTo = tf1Function('broadcastTo', ['input', 'shape', 'name'], (input: TensorLike, shape: TensorLike, name?: string | null): Tensor => {
  const x = toTensor(input);
  const s = shapeTensor(shape);
  return makeOp(x.graph, 'BroadcastTo', [x, s], {}, name ?? undefined, 'BroadcastTo').outputs[0]!;
}, 2);

// ----- BroadcastArgs ----------------------------------------------------------------------------
defineOp({
  type: 'BroadcastArgs',
  infer: ([s0, s1]) => {
    const a = shapeValue(s0!);
    const c = shapeValue(s1!);
    const known = a !== null && c !== null ? Math.max(a.length, c.length) : null;
    return [{ dtype: s0!.dtype, shape: [known] }];
  },
  lower: (b, [s0, s1]) => {
    const a = operandValues(b, s0!, 'BroadcastArgs s0');
    const c = operandValues(b, s1!, 'BroadcastArgs s1');
    const out = broadcastShapes(a, c);
    if (!out) throw new InvalidArgumentError(`Incompatible shapes: ${cShape(a)} vs. ${cShape(c)}`, b.opName);
    return [b.constant(intVec(out, s0!.dtype))];
  },
});
registerGradient('BroadcastArgs', null);

/** `tf.broadcast_dynamic_shape(shape_x, shape_y)`: the broadcast shape of two shape vectors (BroadcastArgs). */
export const broadcastDynamicShape = tf1Function('broadcastDynamicShape', ['shapeX', 'shapeY'], (shapeX: TensorLike, shapeY: TensorLike): Tensor => {
  const a = shapeTensor(shapeX, 's0');
  const c = shapeTensor(shapeY, 's1');
  if (a.dtype !== c.dtype) throw new TypeError(`Input 's1' of 'BroadcastArgs' Op has type ${c.dtype} that does not match type ${a.dtype} of argument 's0'.`);
  return makeOp(a.graph, 'BroadcastArgs', [a, c], {}, undefined, 'BroadcastArgs').outputs[0]!;
}, 2);

/**
 * `tf.broadcast_static_shape(shape_x, shape_y)`: the broadcast of two static shapes (arrays of
 * dims, null for unknown; null for an unknown rank), or ValueError when they cannot broadcast.
 */
export const broadcastStaticShape = tf1Function('broadcastStaticShape', ['shapeX', 'shapeY'], (shapeX: PartialShape, shapeY: PartialShape): PartialShape => {
  const s = broadcastPartial(shapeX, shapeY);
  if (s === undefined) throw new ValueError(`Incompatible shapes for broadcasting: ${pyTuple(shapeX)} and ${pyTuple(shapeY)}`);
  return s;
}, 2);
const pyTuple = (s: PartialShape): string => (s === null ? '<unknown>' : `(${s.map((d) => (d === null ? '?' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`);

// ----- Roll ------------------------------------------------------------------------------------
defineOp({
  type: 'Roll',
  infer: ([x, shift, axis], _a, name) => {
    const shapes = [x!.shape, shift!.shape, axis!.shape];
    if (x!.shape !== null && x!.shape.length < 1) throw shapeFnError('Shape must be at least rank 1 but is rank 0', name, 'Roll', shapes);
    for (const t of [shift!, axis!]) {
      if (t.shape !== null && t.shape.length > 1) throw shapeFnError(`Shape must be at most rank 1 but is rank ${t.shape.length}`, name, 'Roll', shapes);
    }
    const [p, q] = [shift!.shape, axis!.shape];
    if (p !== null && q !== null) {
      if (p.length !== q.length) throw shapeFnError(`Shapes must be equal rank, but are ${p.length} and ${q.length}`, name, 'Roll', shapes);
      if (p.length === 1 && p[0] !== null && q[0] !== null && p[0] !== q[0]) {
        throw shapeFnError(`Dimension 0 in both shapes must be equal, but are ${p[0]} and ${q[0]}. Shapes are [${p[0]}] and [${q[0]}].`, name, 'Roll', shapes);
      }
    }
    for (const [t, what] of [[shift!, 'shift'], [axis!, 'axis']] as const) {
      if (t.dtype !== 'int32' && t.dtype !== 'int64') throw new TypeError(`Value passed to parameter '${what}' has DataType ${t.dtype} not in list of allowed values: int32, int64`);
    }
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
  lower: (b, [x, shift, axis]) => [lowerRoll(b, x!, operandValues(b, shift!, "Roll's shift"), operandValues(b, axis!, "Roll's axis"))],
});

function lowerRoll(b: Lower, x: Val, shifts: number[], axes: number[]): Val {
  const s = x.shape;
  const r = s.length;
  if (r < 1) throw new InvalidArgumentError('input must be 1-D or higher', b.opName);
  if (shifts.length !== axes.length) {
    throw new InvalidArgumentError(`shift and axis must have the same size`, b.opName);
  }
  // Shifts along the same axis add up, as in TF's kernel.
  const total = new Array<number>(r).fill(0);
  axes.forEach((a0, i) => {
    const a = a0 < 0 ? a0 + r : a0;
    if (a < 0 || a >= r) throw new InvalidArgumentError(`axis ${a} is out of range`, b.opName);
    total[a]! += shifts[i]!;
  });
  let cur = x;
  total.forEach((t, a) => {
    const n = s[a]!;
    if (n === 0) return;
    const k = ((t % n) + n) % n;
    if (k === 0) return;
    const head = b.slice(cur, s.map(() => 0), s.map((d, i) => (i === a ? n - k : d)));
    const tail = b.slice(cur, s.map((_, i) => (i === a ? n - k : 0)), s.map((d, i) => (i === a ? k : d)));
    cur = b.concat([tail, head], a);
  });
  return cur;
}
// TF's _RollGrad: roll the gradient back.
registerGradient('Roll', (op, [dy]) => {
  if (!dy) return [null, null, null];
  const [, shift, axis] = op.inputs as [Tensor, Tensor, Tensor];
  // 0 − shift (a Sub of constants folds when the plan is built; a Neg would not).
  const back = subtract(toTensor(0, shift.dtype), shift);
  return [makeOp(dy.graph, 'Roll', [dy, back, axis], {}, undefined, 'Roll').outputs[0]!, null, null];
});

const intOperand = (v: TensorLike): Tensor => toTensor(v, typeof v === 'number' || Array.isArray(v) ? 'int32' : undefined);

/** `tf.roll(input, shift, axis, name=None)` (tf.manip.roll): elements shifted along `axis`, wrapping around. */
export const roll = tf1Function('roll', ['input', 'shift', 'axis', 'name'], (input: TensorLike, shift: TensorLike, axis: TensorLike, name?: string | null): Tensor => {
  const x = toTensor(input);
  return makeOp(x.graph, 'Roll', [x, intOperand(shift), intOperand(axis)], {}, name ?? undefined, 'Roll').outputs[0]!;
}, 3);

// ----- LinSpace --------------------------------------------------------------------------------
defineOp({
  type: 'LinSpace',
  infer: ([start, stop, num], _a, name) => {
    const shapes = [start!.shape, stop!.shape, num!.shape];
    for (const t of [start!, stop!, num!]) {
      if (t.shape !== null && t.shape.length !== 0) throw shapeFnError(`Shape must be rank 0 but is rank ${t.shape.length}`, name, 'LinSpace', shapes);
    }
    if (start!.dtype !== stop!.dtype) throw new TypeError(`Input 'stop' of 'LinSpace' Op has type ${stop!.dtype} that does not match type ${start!.dtype} of argument 'start'.`);
    if (!['bfloat16', 'float32', 'float64'].includes(start!.dtype)) {
      throw new TypeError(`Value passed to parameter 'start' has DataType ${start!.dtype} not in list of allowed values: bfloat16, float32, float64`);
    }
    if (num!.dtype !== 'int32' && num!.dtype !== 'int64') throw new TypeError(`Value passed to parameter 'num' has DataType ${num!.dtype} not in list of allowed values: int32, int64`);
    let n: Dim = null;
    if (num!.op.type === 'Const') {
      n = Number((num!.op.attrs.value as NDArray).data[0]);
      if (n <= 0) throw new ValueError(`Requires num > 0: ${n}`);
    }
    return [{ dtype: start!.dtype, shape: [n] }];
  },
  lower: (b, [start, stop, num]) => {
    for (const [v, what] of [[start!, 'start'], [stop!, 'stop'], [num!, 'num']] as const) {
      if (v.shape.length !== 0) throw new InvalidArgumentError(`${what} must be a scalar, not shape ${cShape([...v.shape])}`, b.opName);
    }
    const n = operandValues(b, num!, "LinSpace's num")[0]!;
    if (n <= 0) throw new InvalidArgumentError(`Requires num > 0: ${n}`, b.opName);
    const dt = start!.dtype;
    const last = b.reshape(stop!, [1]);
    if (n === 1) return [b.reshape(start!, [1])];
    // start + i·(stop − start)/(num − 1) for i < num − 1, then stop itself (TF's kernel).
    const step = b.binary('div', b.binary('sub', stop!, start!), b.scalar(n - 1, dt));
    const i = b.range(n - 1, 0, 1, dt);
    const head = b.binary('add', b.binary('mul', i, step), start!);
    return [b.concat([head, last], 0)];
  },
});
registerGradient('LinSpace', null);

/** `tf.linspace(start, stop, num, name=None)` (also `tf.linSpace`): `num` evenly spaced values from start to stop. */
export const linspace = tf1Function('linspace', ['start', 'stop', 'num', 'name'], (start: TensorLike, stop: TensorLike, num: TensorLike, name?: string | null): Tensor => {
  const a = toTensor(start);
  const z = toTensor(stop, typeof stop === 'number' ? a.dtype : undefined);
  return makeOp(a.graph, 'LinSpace', [a, z, intOperand(num)], {}, name ?? undefined, 'LinSpace').outputs[0]!;
}, 3);
/** TF1's `tf.lin_space`. */
export const linSpace = linspace;

// ----- meshgrid ----------------------------------------------------------------------------------
/**
 * `tf.meshgrid(*args, indexing='xy', name='meshgrid')`: N coordinate arrays from N vectors; the
 * options go in a trailing object (`tf.meshgrid(x, y, {indexing: 'ij'})`). 'xy' swaps the first
 * two output axes (Cartesian), 'ij' is matrix indexing.
 */
export function meshgrid(...args: (TensorLike | { indexing?: string; name?: string })[]): Tensor[] {
  let opts: Record<string, unknown> = {};
  if (args.length > 0 && isOptionsObject(args[args.length - 1])) opts = args.pop() as Record<string, unknown>;
  for (const k of Object.keys(opts)) {
    if (k !== 'indexing' && k !== 'name') throw new TypeError(`'${k}' is an invalid keyword argument for this function`);
  }
  const indexing = (opts.indexing as string | undefined) ?? 'xy';
  if (indexing !== 'xy' && indexing !== 'ij') throw new ValueError("indexing parameter must be either 'xy' or 'ij'");
  const xs = (args as TensorLike[]).map((a) => toTensor(a));
  if (xs.length === 0) return [];
  return xs[0]!.graph.nameScope((opts.name as string | undefined) ?? 'meshgrid', () => {
    const ndim = xs.length;
    const output = xs.map((x, i) => reshape(stack([x]), Array.from({ length: ndim }, (_, j) => (j === i ? -1 : 1))));
    // Static sizes where the shapes tell them (so the outputs have static shapes), else Size ops.
    const shapes: (number | Tensor)[] = xs.map((x) => (x.shape !== null && x.shape.every((d) => d !== null) ? x.shape.reduce<number>((p, d) => p * d!, 1) : size(x)));
    if (indexing === 'xy' && ndim > 1) {
      output[0] = reshape(output[0]!, [1, -1, ...new Array<number>(ndim - 2).fill(1)]);
      output[1] = reshape(output[1]!, [-1, 1, ...new Array<number>(ndim - 2).fill(1)]);
      [shapes[0], shapes[1]] = [shapes[1]!, shapes[0]!];
    }
    const multFact = shapes.every((d) => typeof d === 'number')
      ? ones(shapes as number[], xs[0]!.dtype)
      : ones(stack(shapes.map((d) => (typeof d === 'number' ? toTensor(d, 'int32') : d))), xs[0]!.dtype);
    return output.map((x) => multiply(x, multFact));
  });
}

// ----- count_nonzero -----------------------------------------------------------------------------
/**
 * `tf.count_nonzero(input_tensor, axis=None, keepdims=None, dtype=tf.int64, name=None,
 * reduction_indices=None, keep_dims=None)`: how many elements are not zero (int64 by default).
 */
export const countNonzero = tf1Function(
  'countNonzero',
  ['inputTensor', 'axis', 'keepdims', 'dtype', 'name', 'reductionIndices', 'keepDims'],
  (inputTensor: TensorLike, axis?: number | number[] | null, keepdims?: boolean | null, dtype?: DType | string | null, name?: string | null, reductionIndices?: number | number[] | null, keepDims?: boolean | null): Tensor => {
    const ax = deprecatedAlias('axis', axis, 'reduction_indices', reductionIndices) ?? null;
    const kd = deprecatedAlias('keepdims', keepdims, 'keep_dims', keepDims) ?? false;
    const x = toTensor(inputTensor);
    return x.graph.nameScope(name ?? 'count_nonzero', () => {
      const zero = toTensor(x.dtype === 'bool' ? false : 0, x.dtype);
      const counted = reduceSum(cast(notEqual(x, zero), 'int64'), ax, kd);
      return cast(counted, parseDType(dtype ?? 'int64'));
    });
  },
  1,
);

// ----- sort / argsort ----------------------------------------------------------------------------
const DIRECTIONS = ['ASCENDING', 'DESCENDING'];

function sortOrArgsort(values: TensorLike, axis: unknown, direction: unknown, argsort: boolean): Tensor {
  if (typeof direction !== 'string' || !DIRECTIONS.includes(direction)) throw new ValueError(`${String(direction)} should be one of ${DIRECTIONS.join(', ')}`);
  if (typeof axis !== 'number' || !Number.isInteger(axis)) throw new ValueError('axis must be a constant scalar');
  const x = toTensor(values);
  // Ascending order is the descending order of the negated values (sort_ops.py).
  const descending = (v: Tensor): Tensor => {
    if (v.shape === null) throw new ValueError('The rank of the tensor to sort must be known.');
    const rank = v.shape.length;
    const ax = axis < 0 ? axis + rank : axis;
    if (ax < 0 || ax >= rank) throw new ValueError('Axis out of bounds');
    const perm = [...Array(rank).keys()];
    perm[ax] = rank - 1;
    perm[rank - 1] = ax;
    const input = ax === rank - 1 ? v : transpose(v, perm);
    const k = input.shape![rank - 1];
    if (k === null || k === undefined) throw new ValueError('sort: the size of the sorted axis must be known when the graph is built');
    const [vals, idx] = topK(input, k);
    const out = argsort ? idx! : vals!;
    return ax === rank - 1 ? out : transpose(out, perm);
  };
  if (direction === 'DESCENDING') return descending(x);
  const r = descending(negative(x));
  return argsort ? r : negative(r);
}

/** `tf.sort(values, axis=-1, direction='ASCENDING', name=None)`. */
export const sort = tf1Function('sort', ['values', 'axis', 'direction', 'name'], (values: TensorLike, axis?: number | null, direction?: string | null, name?: string | null): Tensor => {
  const x = toTensor(values);
  return x.graph.nameScope(name ?? 'sort', () => sortOrArgsort(x, axis ?? -1, direction ?? 'ASCENDING', false));
}, 1);

/**
 * `tf.argsort(values, axis=-1, direction='ASCENDING', stable=False, name=None)`: int32 indices
 * that sort `values`; equal values keep their order (top_k is stable), so `stable` changes nothing.
 */
export const argsort = tf1Function('argsort', ['values', 'axis', 'direction', 'stable', 'name'], (values: TensorLike, axis?: number | null, direction?: string | null, _stable?: boolean | null, name?: string | null): Tensor => {
  const x = toTensor(values);
  return x.graph.nameScope(name ?? 'argsort', () => sortOrArgsort(x, axis ?? -1, direction ?? 'ASCENDING', true));
}, 1);

// ----- TF1's v2 spellings ------------------------------------------------------------------------
/** `tf.where_v2(condition, x=None, y=None, name=None)`: broadcasting select (SelectV2), or the true coordinates. */
export const whereV2 = where;
/** `tf.reverse_v2(tensor, axis, name=None)`. */
export const reverseV2 = reverse;
