/** Gradients of the math ops: elementwise, AddN, Cast, Select, MatMul, reductions. */
import { isComplex, isFloat } from '../../dtype.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import { zerosLike } from '../array.js';
import { binaryOp } from '../elementwise.js';
import {
  add, cast, cos, cosh, equal, exp, floorDiv, greater, greaterEqual, less, lessEqual, log, matmul, multiply, negative,
  realDiv, reciprocal, reduceProd, reduceSum, sigmoid, sign, sin, sinh, sqrt, square, subtract, where,
} from '../math.js';
import { type GradFn, makeOp, registerGradient } from '../registry.js';

/** TF's math_ops.conj inside gradients: the conjugate of a complex tensor, a real one itself. */
const conj = (t: Tensor): Tensor => (isComplex(t.dtype) ? makeOp(t.graph, 'Conj', [t], {}, undefined, 'Conj').outputs[0]! : t);
import { binaryGrads, unbroadcast, unreduceLike } from './util.js';

/** A gradient that only needs dy (null dy → no gradient). */
function unary(type: string, f: (op: Operation, dy: Tensor) => Tensor): void {
  registerGradient(type, (op, [dy]) => [dy ? f(op, dy) : null]);
}
const x0 = (op: Operation): Tensor => op.inputs[0]!;
const y0 = (op: Operation): Tensor => op.outputs[0]!;

// ----- unary ------------------------------------------------------------------------------
unary('Neg', (_op, dy) => negative(dy));
unary('Abs', (op, dy) => multiply(dy, sign(x0(op))));
unary('Square', (op, dy) => multiply(dy, multiply(2, conj(x0(op)))));
unary('Sqrt', (op, dy) => binaryOp('SqrtGrad', y0(op), dy, undefined));
unary('Rsqrt', (op, dy) => binaryOp('RsqrtGrad', y0(op), dy, undefined));
unary('Exp', (op, dy) => multiply(dy, conj(y0(op))));
unary('Expm1', (op, dy) => multiply(dy, exp(x0(op))));
unary('Log', (op, dy) => multiply(dy, reciprocal(conj(x0(op)))));
unary('Log1p', (op, dy) => multiply(dy, reciprocal(add(1, x0(op)))));
unary('Sign', (op) => zerosLike(x0(op)));
for (const t of ['Floor', 'Ceil', 'Round']) registerGradient(t, () => [null]);
unary('Reciprocal', (op, dy) => negative(multiply(dy, square(conj(y0(op))))));
unary('Sigmoid', (op, dy) => binaryOp('SigmoidGrad', y0(op), dy, undefined));
unary('Tanh', (op, dy) => binaryOp('TanhGrad', y0(op), dy, undefined));
unary('Sin', (op, dy) => multiply(dy, cos(x0(op))));
unary('Cos', (op, dy) => negative(multiply(dy, sin(x0(op)))));
// TF 1.15 math_grad.py's formulas.
unary('Tan', (op, dy) => multiply(dy, square(reciprocal(cos(x0(op))))));
unary('Asin', (op, dy) => multiply(dy, reciprocal(sqrt(subtract(1, square(x0(op)))))));
unary('Acos', (op, dy) => negative(multiply(dy, reciprocal(sqrt(subtract(1, square(x0(op))))))));
unary('Atan', (op, dy) => multiply(dy, reciprocal(add(1, square(x0(op))))));
unary('Sinh', (op, dy) => multiply(dy, cosh(x0(op))));
unary('Cosh', (op, dy) => multiply(dy, sinh(x0(op))));
unary('Asinh', (op, dy) => realDiv(dy, cosh(y0(op))));
unary('Acosh', (op, dy) => realDiv(dy, sinh(y0(op))));
unary('Atanh', (op, dy) => multiply(dy, reciprocal(subtract(1, square(x0(op))))));
for (const t of ['LogicalNot', 'IsNan', 'IsInf']) registerGradient(t, null);

// ----- binary -----------------------------------------------------------------------------
const addGrad: GradFn = (op, [dy]) => (dy ? binaryGrads(op, dy, dy) : [null, null]);
registerGradient('Add', addGrad);
registerGradient('AddV2', addGrad);
registerGradient('Sub', (op, [dy]) => (dy ? binaryGrads(op, dy, negative(dy)) : [null, null]));
registerGradient('Mul', (op, [dy]) => {
  if (!dy) return [null, null];
  const [x, y] = (op.inputs as Tensor[]).map(conj) as [Tensor, Tensor];
  return binaryGrads(op, multiply(dy, y), multiply(x, dy));
});
registerGradient('RealDiv', (op, [dy]) => {
  if (!dy) return [null, null];
  const [x, y] = (op.inputs as Tensor[]).map(conj) as [Tensor, Tensor];
  return binaryGrads(op, realDiv(dy, y), multiply(dy, realDiv(realDiv(negative(x), y), y)));
});
registerGradient('FloorDiv', () => [null, null]);
registerGradient('FloorMod', (op, [dy]) => {
  if (!dy) return [null, null];
  const [x, y] = op.inputs as [Tensor, Tensor];
  return binaryGrads(op, dy, multiply(dy, negative(floorDiv(x, y))));
});
registerGradient('Pow', (op, [dy]) => {
  if (!dy) return [null, null];
  const [x, y] = op.inputs as [Tensor, Tensor];
  const z = y0(op);
  const gx = multiply(dy, multiply(y, binaryOp('Pow', x, subtract(y, 1), undefined)));
  // d/dy x^y = x^y log x, taken as 0 where x <= 0 (as TF does).
  const zeros = zerosLike(x);
  const logX = where(greater(x, zeros), log(where(greater(x, zeros), x, add(zeros, 1))), zeros);
  return binaryGrads(op, gx, multiply(dy, multiply(z, logX)));
});
for (const [type, cmp] of [['Maximum', greaterEqual], ['Minimum', lessEqual]] as const) {
  registerGradient(type, (op, [dy]) => {
    if (!dy) return [null, null];
    const [x, y] = op.inputs as [Tensor, Tensor];
    // Ties go to x.
    const mask = cmp(x, y);
    const zeros = zerosLike(dy);
    return binaryGrads(op, where(mask, dy, zeros), where(mask, zeros, dy));
  });
}
registerGradient('SquaredDifference', (op, [dy]) => {
  if (!dy) return [null, null];
  const [x, y] = op.inputs as [Tensor, Tensor];
  const gx = multiply(multiply(2, dy), subtract(x, y));
  return [unbroadcast(gx, x), negative(unbroadcast(gx, y))];
});
for (const t of ['Equal', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual', 'LogicalAnd', 'LogicalOr']) {
  registerGradient(t, null);
}

// ----- fused gradient helpers (second derivatives) ------------------------------------------
// Inputs are (a, dy) where a is x or y of the forward op; d/d(dy) is the same op applied to g.
function fusedGrad(type: string, da: ((a: Tensor, dy: Tensor, g: Tensor, op: Operation) => Tensor) | null): void {
  registerGradient(type, (op, [g]) => {
    if (!g) return [null, null];
    const [a, dy] = op.inputs as [Tensor, Tensor];
    const gdy = binaryOp(type, a, g, undefined, type, op.attrs);
    return [da ? unbroadcast(da(a, dy, g, op), a) : null, unbroadcast(gdy, dy)];
  });
}
fusedGrad('ReluGrad', null);
fusedGrad('Relu6Grad', null);
fusedGrad('LeakyReluGrad', null);
fusedGrad('EluGrad', (y, dy, g) => {
  const gdy = multiply(g, dy);
  return where(less(y, 0), gdy, zerosLike(gdy));
});
fusedGrad('SigmoidGrad', (y, dy, g) => multiply(multiply(g, dy), subtract(1, multiply(2, y))));
fusedGrad('TanhGrad', (y, dy, g) => multiply(multiply(-2, multiply(g, dy)), y));
fusedGrad('SoftplusGrad', (x, dy, g) => binaryOp('SigmoidGrad', sigmoid(x), multiply(g, dy), undefined));
fusedGrad('RsqrtGrad', (y, dy, g) => multiply(multiply(-1.5, multiply(g, dy)), square(y)));
fusedGrad('SqrtGrad', (y, dy, g) => multiply(multiply(-0.5, multiply(g, dy)), reciprocal(square(y))));

// ----- AddN, Cast, Select -----------------------------------------------------------------
registerGradient('AddN', (op, [dy]) => op.inputs.map((x) => (dy ? unbroadcast(dy, x) : null)));
registerGradient('Cast', (op, [dy]) => {
  const src = x0(op).dtype;
  const t = (d: typeof src): boolean => isFloat(d) || isComplex(d);
  if (!dy || !t(src) || !t(dy.dtype)) return [null];
  return [cast(dy, src)];
});
registerGradient('SelectV2', (op, [dy]) => {
  if (!dy) return [null, null, null];
  const [c, x, y] = op.inputs as [Tensor, Tensor, Tensor];
  const zeros = zerosLike(dy);
  return [null, unbroadcast(where(c, dy, zeros), x), unbroadcast(where(c, zeros, dy), y)];
});

// ----- MatMul -------------------------------------------------------------------------------
registerGradient('MatMul', (op, [g]) => {
  if (!g) return [null, null];
  const [a, b] = (op.inputs as Tensor[]).map(conj) as [Tensor, Tensor];
  const ta = !!op.attrs.transposeA;
  const tb = !!op.attrs.transposeB;
  let da: Tensor;
  let db: Tensor;
  if (!ta && !tb) {
    da = matmul(g, b, { transposeB: true });
    db = matmul(a, g, { transposeA: true });
  } else if (!ta && tb) {
    da = matmul(g, b);
    db = matmul(g, a, { transposeA: true });
  } else if (ta && !tb) {
    da = matmul(b, g, { transposeB: true });
    db = matmul(a, g);
  } else {
    da = matmul(b, g, { transposeA: true, transposeB: true });
    db = matmul(g, a, { transposeA: true, transposeB: true });
  }
  // Batched matmul with a broadcast batch: sum the gradient over the broadcast batch axes.
  const batched = (a.shape?.length ?? 3) > 2 || (b.shape?.length ?? 3) > 2;
  return batched ? [unbroadcast(da, a), unbroadcast(db, b)] : [da, db];
});

// ----- reductions ---------------------------------------------------------------------------
type ReduceAttrs = { axes: number[] | null; keepDims: boolean };
registerGradient('Sum', (op, [dy]) => {
  const a = op.attrs as ReduceAttrs;
  return [dy ? unreduceLike(dy, x0(op), a.axes, a.keepDims) : null];
});
registerGradient('Mean', (op, [dy]) => {
  const a = op.attrs as ReduceAttrs;
  return [dy ? unreduceLike(dy, x0(op), a.axes, a.keepDims, true) : null];
});
for (const type of ['Max', 'Min']) {
  registerGradient(type, (op, [dy]) => {
    if (!dy) return [null];
    const a = op.attrs as ReduceAttrs;
    const x = x0(op);
    // The gradient is shared equally among the positions that attain the extremum.
    const yb = unreduceLike(y0(op), x, a.axes, a.keepDims);
    const ind = cast(equal(yb, x), x.dtype);
    const count = unreduceLike(reduceSum(ind, a.axes, a.keepDims), x, a.axes, a.keepDims);
    return [multiply(realDiv(ind, count), unreduceLike(dy, x, a.axes, a.keepDims))];
  });
}
registerGradient('Prod', (op, [dy]) => {
  if (!dy) return [null];
  const a = op.attrs as ReduceAttrs;
  const x = x0(op);
  // Product of the other elements, exact with zeros: with no zero it is y/x; with one zero it is
  // the product of the nonzeros at the zero and 0 elsewhere; with more it is 0.
  const zeros = zerosLike(x);
  const isZero = equal(x, zeros);
  const nz = where(isZero, add(zeros, 1), x);
  const pnz = unreduceLike(reduceProd(nz, a.axes, a.keepDims), x, a.axes, a.keepDims);
  const cnt = unreduceLike(reduceSum(cast(isZero, x.dtype), a.axes, a.keepDims), x, a.axes, a.keepDims);
  const others = where(
    isZero,
    where(equal(cnt, 1), pnz, zeros),
    where(equal(cnt, 0), realDiv(pnz, nz), zeros),
  );
  return [multiply(others, unreduceLike(dy, x, a.axes, a.keepDims))];
});
for (const t of ['Any', 'All', 'ArgMax', 'ArgMin']) registerGradient(t, null);
