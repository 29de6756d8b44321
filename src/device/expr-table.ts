/**
 * Activations and their fused gradient helpers as elementwise expressions (see expr.ts): each
 * computes exactly the formula of the CPU kernel table (float64 arithmetic, one float32 store),
 * so a device that renders the ALU vocabulary needs no entry per function.
 */
import { type Expr, ExprBuilder } from './expr.js';

function unaryExpr(f: (b: ExprBuilder, x: number) => number): Expr {
  const b = new ExprBuilder();
  return b.done(f(b, b.in(0)));
}
/** (a, b) → expression; a is x or y of the forward op, b is dy. */
function binaryExpr(f: (e: ExprBuilder, a: number, b: number) => number): Expr {
  const e = new ExprBuilder();
  return e.done(f(e, e.in(0), e.in(1)));
}

/**
 * x ≥ 0 ? 1 / (1 + e^-x) : e^x / (1 + e^x), with one exponential: the select picks its argument
 * (-x or x), so both branches share e and a NaN goes through e^x as in the CPU kernel.
 */
function sigmoid(b: ExprBuilder, x: number): number {
  const one = b.c(1);
  const pos = b.op('cmple', b.c(0), x);
  const e = b.op('exp', b.op('select', pos, b.op('neg', x), x));
  const den = b.op('add', one, e);
  return b.op('select', pos, b.op('div', one, den), b.op('div', e, den));
}

export const UNARY_EXPRS = {
  relu: unaryExpr((b, x) => b.op('select', b.op('cmplt', b.c(0), x), x, b.c(0))),
  relu6: unaryExpr((b, x) => b.op('select', b.op('cmplt', b.c(0), x), b.op('select', b.op('cmplt', x, b.c(6)), x, b.c(6)), b.c(0))),
  sigmoid: unaryExpr(sigmoid),
  elu: unaryExpr((b, x) => b.op('select', b.op('cmplt', x, b.c(0)), b.op('expm1', x), x)),
  selu: unaryExpr((b, x) => b.op('select', b.op('cmplt', x, b.c(0)),
    b.op('mul', b.c(1.7580993408473766), b.op('expm1', x)), b.op('mul', b.c(1.0507009873554805), x))),
  softplus: unaryExpr((b, x) => b.op('select', b.op('cmplt', b.c(15), x), x,
    b.op('select', b.op('cmplt', x, b.c(-15)), b.op('exp', x), b.op('log1p', b.op('exp', x))))),
} satisfies Record<string, Expr>;

export const BINARY_EXPRS = {
  reluGrad: binaryExpr((e, a, b) => e.op('select', e.op('cmplt', e.c(0), a), b, e.c(0))),
  relu6Grad: binaryExpr((e, a, b) => e.op('select', e.op('and', e.op('cmplt', e.c(0), a), e.op('cmplt', a, e.c(6))), b, e.c(0))),
  eluGrad: binaryExpr((e, a, b) => e.op('select', e.op('cmplt', a, e.c(0)), e.op('mul', b, e.op('add', a, e.c(1))), b)),
  sigmoidGrad: binaryExpr((e, a, b) => e.op('mul', e.op('mul', b, a), e.op('sub', e.c(1), a))),
  tanhGrad: binaryExpr((e, a, b) => e.op('mul', b, e.op('sub', e.c(1), e.op('mul', a, a)))),
  softplusGrad: binaryExpr((e, a, b) => e.op('mul', b, sigmoid(e, a))),
  rsqrtGrad: binaryExpr((e, a, b) => e.op('mul', e.op('mul', e.op('mul', e.op('mul', e.c(-0.5), b), a), a), a)),
  sqrtGrad: binaryExpr((e, a, b) => e.op('div', e.op('mul', e.c(0.5), b), a)),
} satisfies Record<string, Expr>;
