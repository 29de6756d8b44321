/**
 * `tf.bitwise` (TF 1.15's gen_bitwise_ops): BitwiseAnd, BitwiseOr, BitwiseXor, Invert, LeftShift
 * and RightShift over the integer dtypes, broadcasting as numpy. The shifts follow TF's kernels
 * (cwise_ops.h): the shift amount is clamped to [0, bits − 1] (so `1 << 40` in int32 is
 * `1 << 31`), a left shift is done on the unsigned bits, a right shift of a signed value fills
 * with its sign. These ops are evaluated on the host (tsflow's devices have no bit primitives);
 * none of them is differentiable, as in TF.
 */
import { kwargs } from '../args.js';
import type { DType } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { broadcastShapes, stridesOf, sizeOf } from '../shape.js';
import { type TensorLike, isHostValue, toTensor, toTensorPair } from './convert.js';
import { broadcastOrThrow, sameDType } from './elementwise.js';
import { arrayOf, defineHostOp, valuesOf } from './host-values.js';
import { makeOp, registerGradient } from './registry.js';

/** TF's bitwise op type constraint (uint32 / uint64 are not tsflow dtypes). */
const ALLOWED = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'];
const BITS: Partial<Record<DType, number>> = { int8: 8, int16: 16, int32: 32, int64: 64, uint8: 8, uint16: 16 };

function checkInt(param: string, dtype: DType): void {
  if (!ALLOWED.includes(dtype)) {
    throw new TypeError(`Value passed to parameter '${param}' has DataType ${dtype} not in list of allowed values: ${ALLOWED.join(', ')}`);
  }
}

/** Wrap `v` (an integer as a number or bigint) to `dtype`'s range. */
function wrap(v: bigint, dtype: DType): number {
  const bits = BITS[dtype]!;
  return Number(dtype.startsWith('u') ? BigInt.asUintN(bits, v) : BigInt.asIntN(bits, v));
}

type BitFn = (x: bigint, y: bigint, bits: number, dtype: DType) => bigint;

const FNS: Record<string, BitFn> = {
  BitwiseAnd: (x, y) => x & y,
  BitwiseOr: (x, y) => x | y,
  BitwiseXor: (x, y) => x ^ y,
  LeftShift: (x, y, bits) => {
    const s = y < 0n ? 0n : y > BigInt(bits - 1) ? BigInt(bits - 1) : y;
    return BigInt.asUintN(bits, x) << s;
  },
  RightShift: (x, y, bits) => {
    const s = y < 0n ? 0n : y > BigInt(bits - 1) ? BigInt(bits - 1) : y;
    // x holds the value as signed or unsigned already: >> on a bigint is arithmetic
    return x >> s;
  },
};

/** Elementwise `fn` over the broadcast of `a` and `b` (both of `dtype`). */
function broadcastRun(a: NDArray, b: NDArray, dtype: DType, fn: BitFn, opName: string): NDArray {
  const shape = broadcastShapes(a.shape, b.shape);
  if (shape === undefined) throw new InvalidArgumentError(`Incompatible shapes: [${a.shape.join(',')}] vs. [${b.shape.join(',')}]`, opName);
  const r = shape.length;
  const stridesFor = (s: readonly number[]): number[] => {
    const st = stridesOf(s);
    const off = r - s.length;
    return shape.map((d, i) => (i < off || s[i - off] === 1 ? 0 : st[i - off]!));
  };
  const sa = stridesFor(a.shape);
  const sb = stridesFor(b.shape);
  const va = valuesOf(a);
  const vb = valuesOf(b);
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  const idx = new Array<number>(r).fill(0);
  const bits = BITS[dtype]!;
  for (let e = 0; e < n; e++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < r; d++) {
      ia += idx[d]! * sa[d]!;
      ib += idx[d]! * sb[d]!;
    }
    out[e] = wrap(fn(BigInt(va[ia]!), BigInt(vb[ib]!), bits, dtype), dtype);
    for (let d = r - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return arrayOf(out, shape, dtype);
}

for (const type of Object.keys(FNS)) {
  defineHostOp({
    type,
    infer: ([x, y], _a, name) => {
      sameDType(type, x!, y!);
      checkInt('x', x!.dtype);
      return [{ dtype: x!.dtype, shape: broadcastOrThrow(type, name, x!, y!) }];
    },
    run: ([x, y], _a, op) => [broadcastRun(x!, y!, x!.dtype, FNS[type]!, op.name)],
  });
  registerGradient(type, null);
}

defineHostOp({
  type: 'Invert',
  infer: ([x]) => {
    checkInt('x', x!.dtype);
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
  run: ([x]) => {
    const v = valuesOf(x!);
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = wrap(~BigInt(v[i]!), x!.dtype);
    return [arrayOf(out, x!.shape, x!.dtype)];
  },
});
registerGradient('Invert', null);

/** A plain JS number or array is an integer here, as a Python int is (int32), or of the other operand's dtype. */
const plain = (v: TensorLike): boolean => isHostValue(v) && !(v instanceof NDArray);
function intPair(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (plain(a) && plain(b)) return [toTensor(a, 'int32', 'x'), toTensor(b, 'int32', 'y')];
  if (plain(a)) {
    const y = toTensor(b, undefined, 'y');
    return [toTensor(a, y.dtype, 'x'), y];
  }
  if (plain(b)) {
    const x = toTensor(a, undefined, 'x');
    return [x, toTensor(b, x.dtype, 'y')];
  }
  return toTensorPair(a, b);
}

function binary(type: string, where: string, args: unknown[]): Tensor {
  const o = kwargs(args, ['x', 'y', 'name'], where, 2);
  const [x, y] = intPair(o.x as TensorLike, o.y as TensorLike);
  return makeOp(x.graph, type, [x, y], {}, o.name as string | undefined, type).outputs[0]!;
}

/** `tf.bitwise.bitwiseAnd(x, y, name?)`: elementwise x & y. */
export function bitwiseAnd(x: TensorLike, y: TensorLike, name?: string | { name?: string }): Tensor {
  return binary('BitwiseAnd', 'bitwise_and', [x, y, name]);
}
/** `tf.bitwise.bitwiseOr(x, y, name?)`: elementwise x | y. */
export function bitwiseOr(x: TensorLike, y: TensorLike, name?: string | { name?: string }): Tensor {
  return binary('BitwiseOr', 'bitwise_or', [x, y, name]);
}
/** `tf.bitwise.bitwiseXor(x, y, name?)`: elementwise x ^ y. */
export function bitwiseXor(x: TensorLike, y: TensorLike, name?: string | { name?: string }): Tensor {
  return binary('BitwiseXor', 'bitwise_xor', [x, y, name]);
}
/** `tf.bitwise.leftShift(x, y, name?)`: x << y, y clamped to [0, bits − 1]. */
export function leftShift(x: TensorLike, y: TensorLike, name?: string | { name?: string }): Tensor {
  return binary('LeftShift', 'left_shift', [x, y, name]);
}
/** `tf.bitwise.rightShift(x, y, name?)`: x >> y (arithmetic for signed dtypes), y clamped to [0, bits − 1]. */
export function rightShift(x: TensorLike, y: TensorLike, name?: string | { name?: string }): Tensor {
  return binary('RightShift', 'right_shift', [x, y, name]);
}
/** `tf.bitwise.invert(x, name?)`: ~x, every bit flipped. */
export function invert(x: TensorLike, name?: string | { name?: string }): Tensor {
  const o = kwargs([x, name], ['x', 'name'], 'invert', 1);
  const t = toTensor(o.x as TensorLike, plain(o.x as TensorLike) ? 'int32' : undefined, 'x');
  return makeOp(t.graph, 'Invert', [t], {}, o.name as string | undefined, 'Invert').outputs[0]!;
}
