/**
 * TF1's remaining elementwise math ops: atan2, the special functions (erf, erfc, lgamma,
 * digamma, polygamma, zeta), rint, isFinite, softsign, truncatediv / truncatemod, TF1's division
 * spellings (div with Python 2 semantics, truediv, realdiv), saturateCast and accumulateN (the
 * AccumulateNV2 op). Gradients are TF 1.15's math_grad.py / nn_grad.py formulas.
 */
import { tf1Function } from '../args.js';
import { type DType, INT_RANGE, isFloat, parseDType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { type PartialShape, mergeShapes, pyShape, shapesEqual } from '../shape.js';
import { identity } from './core.js';
import { type TensorLike, toTensor, toTensorPair } from './convert.js';
import { binaryOp, defineBinary, defineUnary, sameDType, unaryOp } from './elementwise.js';
import { checkKernelDType } from './kernel-dtypes.js';
import { add, cast, exp, maximum, minimum, multiply, negative, realDiv, square } from './math.js';
import { defineOp, makeOp, registerGradient, registerNoGradient } from './registry.js';
import { binaryGrads, unbroadcast } from './grads/util.js';

// ----- declarations -------------------------------------------------------------------------
defineUnary('Erf', 'erf');
defineUnary('Erfc', 'erfc');
defineUnary('Lgamma', 'lgamma');
defineUnary('Digamma', 'digamma');
// TF's Rint rounds half to even, as Round does for floats.
defineUnary('Rint', 'round');
defineBinary('Atan2', 'atan2', ['y', 'x']);
defineBinary('TruncateDiv', 'truncDiv');
defineBinary('TruncateMod', 'truncMod');
defineBinary('Zeta', 'zeta', ['x', 'q']);
defineBinary('Polygamma', 'polygamma', ['a', 'x']);

defineOp({
  type: 'IsFinite',
  infer: ([x]) => {
    checkKernelDType('IsFinite', 'x', x!.dtype);
    return [{ dtype: 'bool', shape: x!.shape }];
  },
  lower: (b, [x]) => [b.unary('logicalNot', b.binary('logicalOr', b.unary('isNan', x!), b.unary('isInf', x!)))],
});

defineOp({
  type: 'Softsign',
  infer: ([x]) => {
    checkKernelDType('Softsign', 'features', x!.dtype);
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
  // x / (1 + |x|)
  lower: (b, [x]) => [b.binary('div', x!, b.binary('add', b.scalar(1, x!.dtype), b.unary('abs', x!)))],
});
defineOp({
  type: 'SoftsignGrad',
  infer: ([g, x], _a, name) => {
    sameDType('SoftsignGrad', g!, x!, 'gradients', 'features');
    const s = mergeShapes(g!.shape, x!.shape);
    if (s === undefined) throw new ValueError(`Shapes ${pyShape(g!.shape)} and ${pyShape(x!.shape)} are not compatible for '${name}' (op: 'SoftsignGrad')`);
    return [{ dtype: g!.dtype, shape: s }];
  },
  // gradients / (1 + |features|)²
  lower: (b, [g, x]) => {
    const d = b.binary('add', b.scalar(1, x!.dtype), b.unary('abs', x!));
    return [b.binary('div', g!, b.binary('mul', d, d))];
  },
});

// AccumulateNV2: the sum of same-shaped inputs (no broadcasting), `shape` the merged static shape.
defineOp<{ shape: PartialShape }>({
  type: 'AccumulateNV2',
  infer: (ins, a, name) => {
    let s: PartialShape = a.shape;
    for (const t of ins) {
      sameDType('AccumulateNV2', ins[0]!, t, 'inputs', 'inputs');
      const m = mergeShapes(s, t.shape);
      if (m === undefined) {
        throw new ValueError(`Shapes ${pyShape(s)} and ${pyShape(t.shape)} are not compatible for '${name}' (op: 'AccumulateNV2')`);
      }
      s = m;
    }
    checkKernelDType('AccumulateNV2', 'inputs', ins[0]!.dtype);
    return [{ dtype: ins[0]!.dtype, shape: s }];
  },
  lower: (b, ins) => {
    const s = ins[0]!.shape;
    for (const t of ins) {
      if (!shapesEqual(t.shape, s)) {
        throw new InvalidArgumentError(`Inputs to operation ${b.opName} of type AccumulateNV2 must have the same size and shape.  Input 0: [${s.join(',')}] != input ${ins.indexOf(t)}: [${t.shape.join(',')}]`, b.opName);
      }
    }
    return [ins.slice(1).reduce((acc, x) => b.binary('add', acc, x), ins[0]!)];
  },
});

// ----- gradients (TF 1.15 math_grad.py, nn_grad.py) -------------------------------------------
const x0 = (op: Operation): Tensor => op.inputs[0]!;
function unaryGrad(type: string, f: (op: Operation, dy: Tensor) => Tensor): void {
  registerGradient(type, (op, [dy]) => [dy ? f(op, dy) : null]);
}
const TWO_OVER_ROOT_PI = 2 / Math.sqrt(Math.PI);
unaryGrad('Erf', (op, dy) => multiply(dy, multiply(toTensor(TWO_OVER_ROOT_PI, dy.dtype), exp(negative(square(x0(op)))))));
unaryGrad('Erfc', (op, dy) => multiply(dy, multiply(toTensor(-TWO_OVER_ROOT_PI, dy.dtype), exp(negative(square(x0(op)))))));
unaryGrad('Lgamma', (op, dy) => multiply(dy, unaryOp('Digamma', x0(op), undefined)));
unaryGrad('Digamma', (op, dy) => multiply(dy, binaryOp('Polygamma', toTensor(1, x0(op).dtype), x0(op), undefined)));
registerGradient('Rint', () => [null]);
registerGradient('IsFinite', null);
unaryGrad('Softsign', (op, dy) => makeOp(dy.graph, 'SoftsignGrad', [dy, x0(op)], {}, undefined, 'SoftsignGrad').outputs[0]!);
registerGradient('Atan2', (op, [dy]) => {
  if (!dy) return [null, null];
  const [y, x] = op.inputs as [Tensor, Tensor];
  const gradInv = realDiv(dy, add(square(x), square(y)));
  return binaryGrads(op, multiply(x, gradInv), multiply(negative(y), gradInv));
});
// d/dq ζ(x, q) = −x·ζ(x + 1, q); x gets no gradient (TF's _ZetaGrad).
registerGradient('Zeta', (op, [dy]) => {
  if (!dy) return [null, null];
  const [x, q] = op.inputs as [Tensor, Tensor];
  const partialQ = multiply(negative(x), binaryOp('Zeta', add(x, toTensor(1, x.dtype)), q, undefined));
  return [null, unbroadcast(multiply(partialQ, dy), q)];
});
// d/dx ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁺¹⁾(x); n gets no gradient (TF's _PolygammaGrad).
registerGradient('Polygamma', (op, [dy]) => {
  if (!dy) return [null, null];
  const [n, x] = op.inputs as [Tensor, Tensor];
  const partialX = binaryOp('Polygamma', add(n, toTensor(1, n.dtype)), x, undefined);
  return [null, unbroadcast(multiply(partialX, dy), x)];
});
registerGradient('AccumulateNV2', (op, [dy]) => op.inputs.map(() => dy ?? null));

// ----- public functions ---------------------------------------------------------------------
const unaryFn = (where: string, type: string) =>
  tf1Function(where, ['x', 'name'], (x: TensorLike, name?: string | null): Tensor => unaryOp(type, x, name ?? undefined), 1);

/** `tf.erf(x, name=None)` (also tf.math.erf). */
export const erf = unaryFn('erf', 'Erf');
/** `tf.erfc(x, name=None)`: 1 − erf(x), accurate in the tail. */
export const erfc = unaryFn('erfc', 'Erfc');
/** `tf.lgamma(x, name=None)`: log |Γ(x)|. */
export const lgamma = unaryFn('lgamma', 'Lgamma');
/** `tf.digamma(x, name=None)`: ψ(x) = Γ′(x)/Γ(x). */
export const digamma = unaryFn('digamma', 'Digamma');
/** `tf.rint(x, name=None)`: the nearest integer, halves to even. */
export const rint = unaryFn('rint', 'Rint');
/** `tf.is_finite(x, name=None)`. */
export const isFinite = unaryFn('isFinite', 'IsFinite');
/** `tf.nn.softsign(features, name=None)`: features / (|features| + 1). */
export const softsign = tf1Function('softsign', ['features', 'name'], (features: TensorLike, name?: string | null): Tensor =>
  unaryOp('Softsign', features, name ?? undefined), 1);

/** `tf.atan2(y, x, name=None)`: the angle of (x, y), in [−π, π]. */
export const atan2 = tf1Function('atan2', ['y', 'x', 'name'], (y: TensorLike, x: TensorLike, name?: string | null): Tensor =>
  binaryOp('Atan2', y, x, name ?? undefined), 2);
/** `tf.zeta(x, q, name=None)`: the Hurwitz zeta function Σₖ (k + q)^(−x). */
export const zeta = tf1Function('zeta', ['x', 'q', 'name'], (x: TensorLike, q: TensorLike, name?: string | null): Tensor =>
  binaryOp('Zeta', x, q, name ?? undefined), 2);
/** `tf.polygamma(a, x, name=None)`: the a-th derivative of digamma. */
export const polygamma = tf1Function('polygamma', ['a', 'x', 'name'], (a: TensorLike, x: TensorLike, name?: string | null): Tensor =>
  binaryOp('Polygamma', a, x, name ?? undefined), 2);
/** `tf.truncatediv(x, y, name=None)`: x / y rounded toward zero (C's integer division). */
export const truncatediv = tf1Function('truncatediv', ['x', 'y', 'name'], (x: TensorLike, y: TensorLike, name?: string | null): Tensor =>
  binaryOp('TruncateDiv', x, y, name ?? undefined), 2);
/** `tf.truncatemod(x, y, name=None)`: the remainder of truncatediv (C's % and fmod). */
export const truncatemod = tf1Function('truncatemod', ['x', 'y', 'name'], (x: TensorLike, y: TensorLike, name?: string | null): Tensor =>
  binaryOp('TruncateMod', x, y, name ?? undefined), 2);
/** `tf.realdiv(x, y, name=None)`: the RealDiv op. */
export const realdiv = tf1Function('realdiv', ['x', 'y', 'name'], (x: TensorLike, y: TensorLike, name?: string | null): Tensor =>
  binaryOp('RealDiv', x, y, name ?? undefined), 2);

const isComplex = (d: DType): boolean => d.startsWith('complex');
function sameDTypeOrThrow(x: Tensor, y: Tensor): void {
  if (x.dtype !== y.dtype) throw new TypeError(`x and y must have the same dtype, got tf.${x.dtype} != tf.${y.dtype}`);
}

/**
 * `tf.div(x, y, name=None)`: TF1's Python 2 division — RealDiv for floats, FloorDiv (rounding
 * toward −∞) for integers.
 */
export const div = tf1Function('div', ['x', 'y', 'name'], (x: TensorLike, y: TensorLike, name?: string | null): Tensor => {
  const [a, b] = toTensorPair(x, y);
  return a.graph.nameScope(name ?? 'div', (scope) => {
    sameDTypeOrThrow(a, b);
    const type = isFloat(a.dtype) || isComplex(a.dtype) ? 'RealDiv' : 'FloorDiv';
    return makeOp(a.graph, type, [a, b], {}, scope, type).outputs[0]!;
  });
}, 2);

/** TF's _TRUEDIV_TABLE: what each dtype is cast to before a true division (null: as it is). */
const TRUEDIV: Partial<Record<DType, DType | null>> = {
  uint8: 'float32', int8: 'float32', uint16: 'float32', int16: 'float32', int32: 'float64', int64: 'float64',
  float16: null, float32: null, float64: null,
};
/**
 * `tf.truediv(x, y, name=None)`: Python 3 division — integers are cast to floating point first
 * (8- and 16-bit ones to float32, int32 and int64 to float64), then RealDiv.
 */
export const truediv = tf1Function('truediv', ['x', 'y', 'name'], (x: TensorLike, y: TensorLike, name?: string | null): Tensor => {
  let [a, b] = toTensorPair(x, y);
  return a.graph.nameScope(name ?? 'truediv', (scope) => {
    sameDTypeOrThrow(a, b);
    const to = TRUEDIV[a.dtype];
    if (to === undefined) throw new TypeError(`Invalid dtype tf.${a.dtype} in __truediv__`);
    if (to !== null) {
      a = cast(a, to);
      b = cast(b, to);
    }
    return makeOp(a.graph, 'RealDiv', [a, b], {}, scope, 'RealDiv').outputs[0]!;
  });
}, 2);

const FLOAT_MAX: Partial<Record<DType, number>> = { float16: 65504, float32: 3.4028234663852886e38, float64: Number.MAX_VALUE };
function dtypeRange(d: DType): [number, number] {
  if (d === 'int64') return [-(2 ** 63), 2 ** 63 - 1];
  const r = INT_RANGE[d];
  if (r) return [r[0], r[1]];
  const m = FLOAT_MAX[d];
  if (m !== undefined) return [-m, m];
  throw new TypeError(`Cannot find minimum value of ${d}.`);
}

/**
 * `tf.saturate_cast(value, dtype, name=None)`: clamp `value` to `dtype`'s range (where its own
 * range is wider), then cast.
 */
export const saturateCast = tf1Function('saturateCast', ['value', 'dtype', 'name'], (value: TensorLike, dtype: DType | string, name?: string | null): Tensor => {
  const v0 = toTensor(value);
  const dt = parseDType(dtype);
  return v0.graph.nameScope(name ?? 'saturate_cast', (scope) => {
    let v = v0;
    const [vmin, vmax] = dtypeRange(v.dtype);
    const [dmin, dmax] = dtypeRange(dt);
    if (vmin < dmin) v = maximum(v, toTensor(dmin, v.dtype), 'Maximum');
    if (vmax > dmax) v = minimum(v, toTensor(dmax, v.dtype), 'Minimum');
    return cast(v, dt, scope);
  });
}, 2);

/**
 * `tf.accumulate_n(inputs, shape=None, tensor_dtype=None, name=None)`: the sum of same-shaped,
 * same-dtype tensors (TF's AccumulateNV2 op; no broadcasting).
 */
export const accumulateN = tf1Function(
  'accumulateN',
  ['inputs', 'shape', 'tensorDtype', 'name'],
  (inputs: TensorLike[], shape?: PartialShape | null, tensorDtype?: DType | string | null, name?: string | null): Tensor => {
    const bad = () => new ValueError('inputs must be a list of at least one Tensor with the same dtype and shape');
    if (!Array.isArray(inputs) || inputs.length === 0) throw bad();
    const ts = inputs.map((x) => toTensor(x));
    if (!ts.every((t) => t.dtype === ts[0]!.dtype)) throw bad();
    let s: PartialShape = shape === undefined || shape === null ? null : [...shape];
    for (const t of ts) {
      const m = mergeShapes(s, t.shape);
      if (m === undefined) throw new ValueError(`Shapes ${pyShape(s)} and ${pyShape(t.shape)} are not compatible`);
      s = m;
    }
    if (tensorDtype !== undefined && tensorDtype !== null && parseDType(tensorDtype) !== ts[0]!.dtype) {
      throw new TypeError(`tensor_dtype is ${parseDType(tensorDtype)}, but input is of type ${ts[0]!.dtype}`);
    }
    if (ts.length === 1) return name === undefined || name === null ? ts[0]! : identity(ts[0]!, name);
    return makeOp(ts[0]!.graph, 'AccumulateNV2', ts, { shape: s }, name ?? undefined, 'AccumulateNV2').outputs[0]!;
  },
  1,
);

// No gradient: TruncateDiv and TruncateMod (as TF), SoftsignGrad (second order not built)
for (const t of ['TruncateDiv', 'TruncateMod', 'SoftsignGrad']) registerNoGradient(t);
