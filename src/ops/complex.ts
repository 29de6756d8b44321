/**
 * complex64/complex128 tensors: TF's Complex, Real, Imag, Conj, Angle and ComplexAbs ops, and
 * complex kernels for the common ops (arithmetic, Sum/Mean, MatMul, Cast, Equal, reshapes and
 * the helpers gradients use; the ops that move elements are in complex-parts.ts).
 *
 * Complex values are computed on the host: every op with a complex input or output is a
 * host-stage op (session/host-stage.ts), its real inputs computed by the device plan first and
 * its real outputs fed back into it. Device plans never hold complex buffers, so a complex op
 * without a host kernel here fails with TF's "No OpKernel" text (see session/compile.ts).
 */
import { tf1Function } from '../args.js';
import { type DType, allocArray, coerce, isComplex, isFloat, realDType } from '../dtype.js';
import { InvalidArgumentError, OpError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { registerHostOp } from '../session/host-stage.js';
import { resolveReshape } from './array.js';
import {
  type Parts, binary, broadcastTo, cadd, cdiv, cexp, clog, cmul, csqrt, csub, emptyParts, fromParts, matmul,
  partsOf, realArray, reduceSum, sumTo, transpose, unary,
} from './complex-kernels.js';
import { type TensorLike, toTensor, toTensorPair } from './convert.js';
import { broadcastOrThrow } from './elementwise.js';
import { binaryGrads } from './grads/util.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import './complex-parts.js';

const cplx = (t: { dtype: DType }): boolean => isComplex(t.dtype);
/** Whether an op takes or makes a complex value (and so runs on the host). */
export const involvesComplex = (op: Operation): boolean => op.inputs.some(cplx) || op.outputs.some(cplx);

type Kernel = (op: Operation, ins: NDArray[]) => NDArray[];

/** Run `fn` as a host op for `type`; errors name the op as TF's kernels do. */
function hostKernel(type: string, fn: Kernel, when?: (op: Operation) => boolean): void {
  registerHostOp(type, function* (op, ins) {
    try {
      return fn(op, ins);
    } catch (e) {
      if (e instanceof OpError && !e.op) throw new InvalidArgumentError(e.message, op.name);
      throw e;
    }
  }, when ? { when } : {});
}
/** A complex kernel for an existing op type (its real dtypes keep their device lowering). */
const complexKernel = (type: string, fn: Kernel): void => hostKernel(type, fn, involvesComplex);

const outDType = (op: Operation, i = 0): DType => op.outputs[i]!.dtype;
const withShape = (a: NDArray, shape: readonly number[]): NDArray => new NDArray(a.data, shape, a.dtype);
const normAxes = (axes: readonly number[] | null, r: number): number[] => (axes ?? [...Array(r).keys()]).map((a) => (a < 0 ? a + r : a));

// ----- the complex ops ---------------------------------------------------------------------
/** Declare a host-only op; `infer` gives its outputs. */
function complexOp<A extends Record<string, unknown>>(type: string, infer: (ins: readonly Tensor[], a: A, name: string) => { dtype: DType; shape: Tensor['shape'] }[], fn: Kernel): void {
  defineOp<A>({
    type,
    infer,
    lower: () => {
      throw new Error(`${type} runs on the host before the plan; it cannot be lowered`);
    },
  });
  hostKernel(type, fn);
}

function needDTypes(param: string, t: Tensor, allowed: readonly DType[]): void {
  if (!allowed.includes(t.dtype)) {
    throw new TypeError(`Value passed to parameter '${param}' has DataType ${t.dtype} not in list of allowed values: ${allowed.join(', ')}`);
  }
}
const COMPLEX: readonly DType[] = ['complex64', 'complex128'];

complexOp<{ Tout: DType }>('Complex', ([re, im], a, name) => {
  needDTypes('real', re!, ['float32', 'float64']);
  if (im!.dtype !== re!.dtype) throw new TypeError(`Input 'imag' of 'Complex' Op has type ${im!.dtype} that does not match type ${re!.dtype} of argument 'real'.`);
  return [{ dtype: a.Tout, shape: broadcastOrThrow('Complex', name, re!, im!) }];
}, (op, [re, im]) => {
  const r = partsOf(re!);
  const i = partsOf(im!);
  return [fromParts(binary(r, i, (ar, _ai, br) => [ar, br], op.name), outDType(op))];
});

for (const type of ['Real', 'Imag', 'ComplexAbs', 'Angle'] as const) {
  complexOp<{ Tout: DType }>(type, ([x], a) => {
    needDTypes('input', x!, COMPLEX);
    return [{ dtype: a.Tout, shape: x!.shape }];
  }, (op, [x]) => {
    const p = partsOf(x!);
    const v = new Float64Array(p.re.length);
    for (let k = 0; k < v.length; k++) {
      const r = p.re[k]!;
      const i = p.im[k]!;
      v[k] = type === 'Real' ? r : type === 'Imag' ? i : type === 'ComplexAbs' ? Math.hypot(r, i) : Math.atan2(i, r);
    }
    return [realArray(v, p.shape, outDType(op))];
  });
}

complexOp('Conj', ([x]) => {
  needDTypes('input', x!, [...COMPLEX, 'variant' as DType]);
  return [{ dtype: x!.dtype, shape: x!.shape }];
}, (op, [x]) => [fromParts(unary(partsOf(x!), (r, i) => [r, -i]), outDType(op))]);

// ----- gradients (TF 1.15 math_grad.py) ------------------------------------------------------
registerGradient('Complex', (op, [dy]) => (dy ? binaryGrads(op, real(dy), imag(dy)) : [null, null]));
registerGradient('Real', (_op, [dy]) => [dy ? complex(dy, 0) : null]);
registerGradient('Imag', (_op, [dy]) => [dy ? complex(0, dy) : null]);
registerGradient('Conj', (_op, [dy]) => [dy ? conj(dy) : null]);
registerGradient('ComplexAbs', (op, [dy]) => {
  if (!dy) return [null];
  const g = op.graph;
  const zerosLike = (t: Tensor): Tensor => makeOp(g, 'FillLike', [t], { value: 0, dtype: t.dtype }, undefined, 'zeros_like').outputs[0]!;
  const num = makeOp(g, 'Mul', [complex(dy, zerosLike(dy)), op.inputs[0]!], {}, undefined, 'mul').outputs[0]!;
  const den = complex(op.outputs[0]!, zerosLike(op.outputs[0]!));
  return [makeOp(g, 'DivNoNan', [num, den], {}, undefined, 'div_no_nan').outputs[0]!];
});
registerGradient('Angle', (op, [dy]) => {
  if (!dy) return [null];
  const g = op.graph;
  const x = op.inputs[0]!;
  const z = makeOp(g, 'Reciprocal', [complex(imag(x), real(x))], {}, undefined, 'Reciprocal').outputs[0]!;
  const cg = complex(dy, 0);
  const neg = makeOp(g, 'Neg', [cg], {}, undefined, 'Neg').outputs[0]!;
  return [makeOp(g, 'Mul', [neg, z], {}, undefined, 'mul').outputs[0]!];
});

// ----- public functions ----------------------------------------------------------------------
/**
 * `tf.complex(real, imag, name?)`: real + imag·i, broadcasting; float32 parts make complex64,
 * float64 parts complex128.
 */
export const complex = tf1Function('complex', ['real', 'imag', 'name'], function complex(re: TensorLike, im: TensorLike, name?: string): Tensor {
  const [r, i] = toTensorPair(re, im);
  let tout: DType;
  if (r.dtype === 'float64' && i.dtype === 'float64') tout = 'complex128';
  else if (r.dtype === 'float32' && i.dtype === 'float32') tout = 'complex64';
  else throw new TypeError(`real and imag have incompatible types: ${r.dtype} ${i.dtype}`);
  return makeOp(r.graph, 'Complex', [r, i], { Tout: tout }, name, 'Complex').outputs[0]!;
}, 2);

function partOp(type: 'Real' | 'Imag', x: TensorLike, name?: string): Tensor {
  const t = toTensor(x);
  if (cplx(t)) return makeOp(t.graph, type, [t], { Tout: realDType(t.dtype) }, name, type).outputs[0]!;
  if (t.dtype === 'string' || t.dtype === 'bool') throw new TypeError(`Expected numeric tensor, got dtype ${t.dtype}`);
  // a real tensor is its own real part; its imaginary part is zero
  if (type === 'Real') return t;
  return makeOp(t.graph, 'FillLike', [t], { value: 0, dtype: t.dtype }, name, type).outputs[0]!;
}
/** `tf.real(input, name?)`: the real parts (float32 of complex64, float64 of complex128); a real input itself. */
export const real = tf1Function('real', ['input', 'name'], (x: TensorLike, name?: string): Tensor => partOp('Real', x, name), 1);
/** `tf.imag(input, name?)`: the imaginary parts; zeros for a real input. */
export const imag = tf1Function('imag', ['input', 'name'], (x: TensorLike, name?: string): Tensor => partOp('Imag', x, name), 1);

/** `tf.conj(x, name?)`: the complex conjugate; a real (float or integer) input unchanged. */
export const conj = tf1Function('conj', ['x', 'name'], function conj(x: TensorLike, name?: string): Tensor {
  const t = toTensor(x);
  if (cplx(t)) return makeOp(t.graph, 'Conj', [t], {}, name, 'Conj').outputs[0]!;
  if (t.dtype === 'string' || t.dtype === 'bool') throw new TypeError(`Expected numeric or variant tensor, got dtype ${t.dtype}`);
  return t;
}, 1);

/** `tf.angle(input, name?)`: the argument atan2(imag, real); for a real input π where negative, else 0. */
export const angle = tf1Function('angle', ['input', 'name'], function angle(x: TensorLike, name?: string): Tensor {
  const t = toTensor(x);
  if (cplx(t)) return makeOp(t.graph, 'Angle', [t], { Tout: realDType(t.dtype) }, name, 'Angle').outputs[0]!;
  return t.graph.nameScope(name ?? 'Angle', (scope) => {
    const g = t.graph;
    const neg = makeOp(g, 'Less', [t, toTensor(0, t.dtype)], {}, undefined, 'Less').outputs[0]!;
    const pi = makeOp(g, 'FillLike', [t], { value: Math.PI, dtype: t.dtype }, undefined, 'ones_like').outputs[0]!;
    const zero = makeOp(g, 'FillLike', [t], { value: 0, dtype: t.dtype }, undefined, 'zeros_like').outputs[0]!;
    return makeOp(g, 'SelectV2', [neg, pi, zero], {}, scope, 'SelectV2').outputs[0]!;
  });
}, 1);

function toComplex(dt: 'complex64' | 'complex128', x: TensorLike, name?: string): Tensor {
  const t = toTensor(x);
  if (t.dtype === dt) return t;
  return makeOp(t.graph, 'Cast', [t], { DstT: dt }, name ?? (dt === 'complex64' ? 'ToComplex64' : 'ToComplex128'), 'Cast').outputs[0]!;
}
/** `tf.to_complex64(x, name = 'ToComplex64')`. */
export const toComplex64 = tf1Function('toComplex64', ['x', 'name'], (x: TensorLike, name?: string): Tensor => toComplex('complex64', x, name), 1);
/** `tf.to_complex128(x, name = 'ToComplex128')`. */
export const toComplex128 = tf1Function('toComplex128', ['x', 'name'], (x: TensorLike, name?: string): Tensor => toComplex('complex128', x, name), 1);

// ----- complex kernels of the common ops ---------------------------------------------------------
complexKernel('Const', (op) => [op.attrs.value as NDArray]);
for (const t of ['Identity', 'StopGradient', 'Snapshot', 'PreventGradient']) complexKernel(t, (_op, [x]) => [x!]);
complexKernel('Shape', (_op, [x]) => [new NDArray(Int32Array.from(x!.shape), [x!.shape.length], 'int32')]);
complexKernel('Size', (_op, [x]) => [new NDArray(Int32Array.of(x!.size), [], 'int32')]);
complexKernel('Rank', (_op, [x]) => [new NDArray(Int32Array.of(x!.shape.length), [], 'int32')]);
complexKernel('Reshape', (op, [x, s]) => {
  const target = (op.attrs.shape as number[] | null) ?? Array.from(s!.data as ArrayLike<number>);
  return [withShape(x!, resolveReshape(target, x!.size, op.name))];
});
complexKernel('ReshapeLike', (_op, [x, like]) => [withShape(x!, like!.shape)]);
complexKernel('ExpandDims', (op, [x]) => {
  const r = x!.shape.length;
  const a = op.attrs.axis as number;
  if (a < -r - 1 || a > r) throw new InvalidArgumentError(`Tried to expand dim index ${a} for tensor with ${r} dimensions.`, op.name);
  const ax = a < 0 ? a + r + 1 : a;
  return [withShape(x!, [...x!.shape.slice(0, ax), 1, ...x!.shape.slice(ax)])];
});
complexKernel('Squeeze', (op, [x]) => {
  const axes = normAxes(op.attrs.axis as number[], x!.shape.length);
  const all = axes.length === 0;
  for (const a of axes) {
    if (x!.shape[a] !== 1) throw new InvalidArgumentError(`Can not squeeze dim[${a}], expected a dimension of 1, got ${x!.shape[a]}`, op.name);
  }
  return [withShape(x!, x!.shape.filter((d, i) => (all ? d !== 1 : !axes.includes(i))))];
});
complexKernel('Transpose', (op, [x]) => {
  const r = x!.shape.length;
  const perm = (op.attrs.perm as number[] | null) ?? [...Array(r).keys()].reverse();
  return [fromParts(transpose(partsOf(x!), perm), x!.dtype)];
});

const BINARY: Record<string, (a: number, b: number, c: number, d: number) => [number, number]> = {
  Add: cadd, AddV2: cadd, Sub: csub, Mul: cmul, RealDiv: cdiv,
  DivNoNan: (ar, ai, br, bi) => (br === 0 && bi === 0 ? [0, 0] : cdiv(ar, ai, br, bi)),
  SquaredDifference: (ar, ai, br, bi) => {
    const [r, i] = csub(ar, ai, br, bi);
    // TF's squared_difference of complex: (x - y) · conj(x - y)
    return [r * r + i * i, 0];
  },
};
for (const [type, f] of Object.entries(BINARY)) {
  complexKernel(type, (op, [a, b]) => [fromParts(binary(partsOf(a!), partsOf(b!), f, op.name), outDType(op))]);
}
for (const type of ['Equal', 'NotEqual']) {
  complexKernel(type, (op, [a, b]) => {
    const eq = type === 'Equal';
    const p = binary(partsOf(a!), partsOf(b!), (ar, ai, br, bi) => [(ar === br && ai === bi) === eq ? 1 : 0, 0], op.name);
    return [new NDArray(Uint8Array.from(p.re), p.shape, 'bool')];
  });
}
const UNARY: Record<string, (r: number, i: number) => [number, number]> = {
  Neg: (r, i) => [-r, -i],
  Square: (r, i) => [r * r - i * i, 2 * r * i],
  Reciprocal: (r, i) => cdiv(1, 0, r, i),
  Exp: cexp,
  Log: clog,
  Sqrt: csqrt,
};
for (const [type, f] of Object.entries(UNARY)) {
  complexKernel(type, (op, [x]) => [fromParts(unary(partsOf(x!), f), outDType(op))]);
}
complexKernel('AddN', (op, ins) => [fromParts(ins.slice(1).reduce((acc, x) => binary(acc, partsOf(x), cadd, op.name), partsOf(ins[0]!)), outDType(op))]);
for (const type of ['Sum', 'Mean']) {
  complexKernel(type, (op, [x]) => {
    const a = op.attrs as { axes: number[] | null; keepDims: boolean };
    return [fromParts(reduceSum(partsOf(x!), normAxes(a.axes, x!.shape.length), a.keepDims, type === 'Mean'), outDType(op))];
  });
}
complexKernel('MatMul', (op, [a, b]) => [fromParts(matmul(partsOf(a!), partsOf(b!), !!op.attrs.transposeA, !!op.attrs.transposeB, op.name), outDType(op))]);
complexKernel('FillLike', (op, [x]) => {
  const dt = outDType(op);
  const v = op.attrs.value as number;
  if (!isComplex(dt)) {
    const out = allocArray(dt, x!.size);
    out.fill(coerce(v, dt));
    return [new NDArray(out, x!.shape, dt)];
  }
  const p = emptyParts(x!.shape);
  p.re.fill(v);
  return [fromParts(p, dt)];
});
complexKernel('UnreduceLike', (op, [g, like]) => {
  const a = op.attrs as { axes: number[] | null; mean: boolean };
  const shape = like!.shape;
  const axes = new Set(normAxes(a.axes, shape.length));
  const p = partsOf(g!);
  p.shape = shape.map((d, i) => (axes.has(i) ? 1 : d));
  const out = broadcastTo(p, shape);
  if (a.mean) {
    const count = [...axes].reduce((acc, i) => acc * shape[i]!, 1);
    for (let k = 0; k < out.re.length; k++) {
      out.re[k] = out.re[k]! / count;
      out.im[k] = out.im[k]! / count;
    }
  }
  return [fromParts(out, g!.dtype)];
});
complexKernel('SumToShapeOf', (_op, [x, like]) => [fromParts(sumTo(partsOf(x!), like!.shape), x!.dtype)]);
complexKernel('BroadcastLike', (_op, [x, like]) => [fromParts(broadcastTo(partsOf(x!), like!.shape), x!.dtype)]);

/**
 * Cast to or from a complex dtype: a real value becomes the real part; a complex value cast to a
 * real dtype keeps its real part (as TF's Cast kernel); to bool, whether it is non-zero.
 */
complexKernel('Cast', (op, [x]) => {
  const dt = op.attrs.DstT as DType;
  if (x!.dtype === 'string' || dt === 'string') throw new InvalidArgumentError(`Cast ${x!.dtype} to ${dt} is not supported`, op.name);
  const p: Parts = partsOf(x!);
  if (isComplex(dt)) return [fromParts(p, dt)];
  const out = allocArray(dt, p.re.length);
  for (let k = 0; k < p.re.length; k++) {
    const r = p.re[k]!;
    out[k] = dt === 'bool' ? (r !== 0 || p.im[k] !== 0 ? 1 : 0) : isFloat(dt) ? coerce(r, dt) : castInt(r, dt);
  }
  return [new NDArray(out, p.shape, dt)];
});
/** C++'s float → integer conversion as tsflow's Cast does it: truncation, wrapping into range. */
function castInt(v: number, dt: DType): number {
  if (!Number.isFinite(v)) return 0;
  const t = Math.trunc(v);
  const bits = dt === 'int8' || dt === 'uint8' ? 8 : dt === 'int16' || dt === 'uint16' ? 16 : dt === 'int32' ? 32 : 0;
  if (bits === 0) return t;
  const m = 2 ** bits;
  const w = ((t % m) + m) % m;
  return dt.startsWith('u') || w < m / 2 ? w : w - m;
}
