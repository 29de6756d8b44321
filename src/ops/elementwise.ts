/** Declaring elementwise ops: one line per TF op type on top of the unary/binary families. */
import type { DType } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import type { BinaryFn, UnaryFn } from '../device/prims.js';
import { COMPARISONS } from '../device/prims.js';
import { broadcastPartial, cShape } from '../shape.js';
import { type TensorLike, toTensor, toTensorPair } from './convert.js';
import { checkKernelDType } from './kernel-dtypes.js';
import { defineOp, makeOp } from './registry.js';

/** TF's build-time check for two inputs of one dtype. */
export function sameDType(type: string, x: Tensor, y: Tensor, xName = 'x', yName = 'y'): void {
  if (x.dtype !== y.dtype) {
    throw new TypeError(`Input '${yName}' of '${type}' Op has type ${y.dtype} that does not match type ${x.dtype} of argument '${xName}'.`);
  }
}

/** Broadcast two static shapes or raise TF's `Dimensions must be equal` ValueError. */
export function broadcastOrThrow(type: string, name: string, x: Tensor, y: Tensor) {
  const s = broadcastPartial(x.shape, y.shape);
  if (s === undefined) {
    const xs = x.shape!;
    const ys = y.shape!;
    const n = Math.max(xs.length, ys.length);
    let a = 0;
    let b = 0;
    for (let i = 1; i <= n; i++) {
      const p = xs[xs.length - i] ?? 1;
      const q = ys[ys.length - i] ?? 1;
      if (p !== null && q !== null && p !== q && p !== 1 && q !== 1) {
        a = p;
        b = q;
        break;
      }
    }
    throw new ValueError(
      `Dimensions must be equal, but are ${a} and ${b} for '${name}' (op: '${type}') with input shapes: ${cShape(x.shape)}, ${cShape(y.shape)}.`,
    );
  }
  return s;
}

export function defineUnary(type: string, fn: UnaryFn, outDType?: DType): void {
  defineOp<{ alpha?: number }>({
    type,
    infer: ([x]) => {
      checkKernelDType(type, 'x', x!.dtype);
      return [{ dtype: outDType ?? x!.dtype, shape: x!.shape }];
    },
    lower: (b, [x], a) => [b.unary(fn, x!, a.alpha ?? 0)],
  });
}

/** `names`: the op def's input names, for TF's dtype error texts (Atan2 takes y, x). */
export function defineBinary(type: string, fn: BinaryFn, names: [string, string] = ['x', 'y']): void {
  defineOp<{ alpha?: number }>({
    type,
    infer: ([x, y], _a, name) => {
      sameDType(type, x!, y!, names[0], names[1]);
      checkKernelDType(type, names[0], x!.dtype);
      return [{ dtype: COMPARISONS.has(fn) ? 'bool' : x!.dtype, shape: broadcastOrThrow(type, name, x!, y!) }];
    },
    lower: (b, [x, y], a) => [b.binary(fn, x!, y!, a.alpha ?? 0)],
  });
}

export function unaryOp(type: string, x: TensorLike, name: string | undefined, defaultName = type, attrs = {}): Tensor {
  const t = toTensor(x);
  return makeOp(t.graph, type, [t], attrs, name, defaultName).outputs[0]!;
}

export function binaryOp(type: string, a: TensorLike, b: TensorLike, name: string | undefined, defaultName = type, attrs = {}): Tensor {
  const [x, y] = toTensorPair(a, b);
  return makeOp(x.graph, type, [x, y], attrs, name, defaultName).outputs[0]!;
}
