/** Core graph ops: constants, placeholders, identity, no-op/group, checkNumerics. */
import { type DType, allocArray, isComplex, parseDType, tfName } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Graph, graphFromInputs } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { TensorShape } from '../graph/tensor-shape.js';
import { NDArray } from '../ndarray.js';
import { type PartialShape, cShape, isFullyDefined, mergeShapes, pyShape, sizeOf } from '../shape.js';
import { type TensorLike, setConstBuilder, toNDArray, toTensor } from './convert.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { parseShape } from '../validate.js';
import { isOptionsObject, kwargs, tf1Function } from '../args.js';

/** `tf.constant`'s keyword parameters (TF1's calling convention: positional, then these). */
export interface ConstantOptions {
  dtype?: DType | string | null;
  shape?: readonly number[] | null;
  name?: string;
  verifyShape?: boolean;
}

// ----- Const ----------------------------------------------------------------------------
defineOp<{ value: NDArray }>({
  type: 'Const',
  infer: (_ins, a) => [{ dtype: a.value.dtype, shape: a.value.shape }],
  lower: (b, _ins, a) => [b.constant(a.value)],
});
registerGradient('Const', null);

function constOp(value: NDArray, name?: string, g: Graph = getDefaultGraph()): Tensor {
  return makeOp(g, 'Const', [], { value }, name, 'Const').outputs[0]!;
}
setConstBuilder(constOp);

/** `tf.constant(value, dtype?, shape?, name?)`: a scalar with `shape` is broadcast-filled. */
export function constant(value: TensorLike, ...args: (DType | string | readonly number[] | null | undefined | ConstantOptions)[]): Tensor;
export function constant(value: TensorLike, ...args: unknown[]): Tensor {
  const o = kwargs(args, ['dtype', 'shape', 'name', 'verifyShape'], 'constant') as ConstantOptions;
  const dtype = o.dtype ?? undefined;
  let shape = o.shape ?? undefined;
  const name = o.name ?? undefined;
  if (value instanceof Tensor) throw new TypeError('tf.constant needs a host value, not a Tensor');
  const dt = dtype === undefined ? undefined : parseDType(dtype);
  let arr = toNDArray(value as Parameters<typeof toNDArray>[0], dt);
  if (shape !== undefined && shape !== null) {
    shape = parseShape(shape, 'constant', 'shape');
    const n = sizeOf(shape);
    if (arr.size === 1 && n !== 1 && isComplex(arr.dtype)) {
      const data = allocArray(arr.dtype, n);
      for (let i = 0; i < n; i++) data.set(arr.data.subarray(0, 2) as never, 2 * i);
      arr = new NDArray(data, shape, arr.dtype);
    } else if (arr.size === 1 && n !== 1) {
      const data = new (arr.data.constructor as new (n: number) => typeof arr.data)(n);
      data.fill(arr.data[0]!);
      arr = new NDArray(data, shape, arr.dtype);
    } else if (arr.size === n) {
      arr = new NDArray(arr.data, shape, arr.dtype);
    } else {
      throw new TypeError(`Expected ${n} values for shape [${shape.join(', ')}], got ${arr.size}`);
    }
  }
  return constOp(arr, name);
}

// ----- Placeholder ----------------------------------------------------------------------
defineOp<{ dtype: DType; shape: PartialShape }>({
  type: 'Placeholder',
  infer: (_ins, a) => [{ dtype: a.dtype, shape: a.shape }],
  lower: (b, _ins, a) => {
    const base = `You must feed a value for placeholder tensor '${b.opName}' with dtype ${tfName(a.dtype)}`;
    throw new InvalidArgumentError(a.shape !== null && a.shape.length > 0 ? `${base} and shape ${cShape(a.shape)}` : base, b.opName);
  },
});
registerGradient('Placeholder', null);

export function placeholder(dtype: DType | string, ...args: (PartialShape | readonly (number | null)[] | TensorShape | number | string | undefined | { shape?: PartialShape | readonly (number | null)[] | TensorShape | number; name?: string })[]): Tensor;
export function placeholder(opts: { dtype: DType | string; shape?: PartialShape | readonly (number | null)[] | TensorShape | number; name?: string }): Tensor;
export function placeholder(...args: unknown[]): Tensor {
  // tf.placeholder(dtype=tf.float32, shape=None): dtype may come by keyword too
  const o = kwargs(args, ['dtype', 'shape', 'name'], 'placeholder', 1) as { dtype: DType | string; shape?: PartialShape | readonly (number | null)[] | TensorShape; name?: string };
  const dtype = o.dtype;
  // a TensorShape of unknown rank is an unknown shape
  const shape = o.shape instanceof TensorShape && o.shape.dims === null ? null : o.shape;
  const name = o.name;
  const dt = parseDType(dtype);
  const dims = shape === undefined || shape === null ? null : parseShape(shape, 'placeholder', 'shape', 'partial');
  return makeOp(getDefaultGraph(), 'Placeholder', [], { dtype: dt, shape: dims }, name, 'Placeholder').outputs[0]!;
}

defineOp<{ shape: PartialShape }>({
  type: 'PlaceholderWithDefault',
  infer: ([x], a, name) => {
    const merged = mergeShapes(a.shape, x!.shape === null ? null : a.shape === null ? x!.shape : x!.shape);
    if (a.shape !== null && x!.shape !== null && a.shape.length !== x!.shape.length) {
      throw new ValueError(`Shapes ${pyShape(x!.shape)} and ${pyShape(a.shape)} are incompatible for '${name}'`);
    }
    return [{ dtype: x!.dtype, shape: a.shape ?? merged ?? null }];
  },
  lower: (_b, [x]) => [x!],
});
registerGradient('PlaceholderWithDefault', (_op, [dy]) => [dy ?? null]);

function placeholderWithDefaultImpl(value: TensorLike, shape: PartialShape | readonly (number | null)[] | number, name?: string): Tensor {
  const x = toTensor(value);
  const dims = shape === null ? null : parseShape(shape, 'placeholderWithDefault', 'shape', 'partial');
  return makeOp(getDefaultGraph(), 'PlaceholderWithDefault', [x], { shape: dims }, name, 'PlaceholderWithDefault').outputs[0]!;
}
export const placeholderWithDefault = tf1Function('placeholderWithDefault', ['input', 'shape', 'name'], placeholderWithDefaultImpl, 2);

// ----- Identity, StopGradient -----------------------------------------------------------
defineOp({
  type: 'Identity',
  infer: ([x]) => [{ dtype: x!.dtype, shape: x!.shape }],
  lower: (_b, [x]) => [x!],
});
registerGradient('Identity', (_op, [dy]) => [dy ?? null]);

function identityImpl(x: TensorLike, name?: string): Tensor {
  return makeOp(getDefaultGraph(), 'Identity', [toTensor(x)], {}, name, 'Identity').outputs[0]!;
}
export const identity = tf1Function('identity', ['input', 'name'], identityImpl, 1);

defineOp({
  type: 'StopGradient',
  infer: ([x]) => [{ dtype: x!.dtype, shape: x!.shape }],
  lower: (_b, [x]) => [x!],
});
registerGradient('StopGradient', null);

function stopGradientImpl(x: TensorLike, name?: string): Tensor {
  return makeOp(getDefaultGraph(), 'StopGradient', [toTensor(x)], {}, name, 'StopGradient').outputs[0]!;
}
export const stopGradient = tf1Function('stopGradient', ['input', 'name'], stopGradientImpl, 1);

// ----- NoOp / group ---------------------------------------------------------------------
defineOp({ type: 'NoOp', infer: () => [], lower: () => [] });
registerGradient('NoOp', null);

function noOpImpl(name?: string): Operation {
  return makeOp(getDefaultGraph(), 'NoOp', [], {}, name, 'NoOp');
}
export const noOp = tf1Function('noOp', ['name'], noOpImpl);

type OpLike = Operation | Tensor | { op: Operation };
function asOp(x: OpLike): Operation {
  return x instanceof Operation ? x : x.op;
}

/** `tf.group(...ops)`: a NoOp with control inputs on each. A trailing `{name}` names it. */
export function group(...args: (OpLike | readonly unknown[] | { name?: string | null })[]): Operation {
  let name: string | undefined;
  const ops: Operation[] = [];
  const flat = (a: unknown): void => {
    if (Array.isArray(a)) for (const x of a) flat(x);
    else if (a instanceof Operation || a instanceof Tensor || (typeof a === 'object' && a !== null && 'op' in a && !isOptionsObject(a))) ops.push(asOp(a as OpLike));
    else throw new TypeError(`group() expects Operations or Tensors, got ${String(a)}`);
  };
  args.forEach((a, i) => {
    if (i === args.length - 1 && isOptionsObject(a)) {
      for (const k of Object.keys(a)) if (k !== 'name') throw new TypeError(`group() got an unexpected keyword argument '${k}'`);
      name = (a as { name?: string | null }).name ?? undefined;
    } else {
      flat(a);
    }
  });
  const g = graphFromInputs(ops, getDefaultGraph());
  return g.controlDependencies(ops, () => makeOp(g, 'NoOp', [], {}, name, 'group_deps'));
}

// ----- CheckNumerics --------------------------------------------------------------------
defineOp<{ message: string }>({
  type: 'CheckNumerics',
  infer: ([x]) => [{ dtype: x!.dtype, shape: x!.shape }],
  lower: (b, [x], a) => b.prim('checkNumerics', { n: sizeOf(x!.shape), message: a.message }, [x!], [{ dtype: x!.dtype, shape: [...x!.shape] }]),
});
registerGradient('CheckNumerics', (_op, [dy]) => [dy ?? null]);

function checkNumericsImpl(x: TensorLike, message: string, name?: string): Tensor {
  return makeOp(getDefaultGraph(), 'CheckNumerics', [toTensor(x)], { message }, name, 'CheckNumerics').outputs[0]!;
}
export const checkNumerics = tf1Function('checkNumerics', ['tensor', 'message', 'name'], checkNumericsImpl, 2);

export { isFullyDefined };
