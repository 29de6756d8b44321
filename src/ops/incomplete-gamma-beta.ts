/**
 * TF1's incomplete gamma and beta functions: `tf.igamma` (Igamma), `tf.igammac` (Igammac), the
 * IgammaGradA op behind igamma's gradient in a, `tf.betainc` (Betainc) and `tf.lbeta` (TF's
 * Python composition of lgamma and reduce_sum over the last axis). The kernels are iterative
 * (series and continued fractions, src/ops/gamma-beta-math.ts), so they run on the host before
 * the device plan, in float64 rounded once to the dtype. Gradients are TF 1.15 math_grad.py's:
 * Igamma and Igammac in both a and x, Betainc in x only (None for a and b, as TF).
 */
import { tf1Function } from '../args.js';
import { InvalidArgumentError } from '../errors.js';
import { type Operation, Tensor } from '../graph/tensor.js';
import type { NDArray } from '../ndarray.js';
import { type PartialShape, broadcastShapes, cShape } from '../shape.js';
import { mergeOrError, shapeFnError, zerosLike } from './array.js';
import { whereV2 } from './array-extra.js';
import { type TensorLike, toTensor, toTensorPair } from './convert.js';
import { broadcastOrThrow, sameDType } from './elementwise.js';
import { betainc as betaincF, igamma as igammaF, igammaGradA as igammaGradAF, igammac as igammacF } from './gamma-beta-math.js';
import { arrayOf, defineHostOp, valuesOf } from './host-values.js';
import { add, equal, exp, log, log1p, multiply, negative, reduceSum, subtract } from './math.js';
import { lgamma } from './math-special.js';
import { makeOp, registerGradient } from './registry.js';
import './special-random-graphdef.js';
import { unbroadcast } from './grads/util.js';

const FLOATS = ['float32', 'float64'];
function checkFloat(type: string, param: string, t: Tensor): void {
  if (!FLOATS.includes(t.dtype)) {
    throw new TypeError(`Value passed to parameter '${param}' has DataType ${t.dtype} not in list of allowed values: float32, float64`);
  }
}

/** For each input, the flat index of its element behind each element of `out` (numpy broadcasting). */
export function broadcastIndex(shape: readonly number[], out: readonly number[]): Int32Array {
  const n = out.reduce((p, d) => p * d, 1);
  const idx = new Int32Array(n);
  const r = out.length;
  const strides = new Array<number>(r).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const k = r - shape.length + i;
    strides[k] = shape[i] === 1 ? 0 : s;
    s *= shape[i]!;
  }
  const pos = new Array<number>(r).fill(0);
  let at = 0;
  for (let e = 0; e < n; e++) {
    idx[e] = at;
    for (let k = r - 1; k >= 0; k--) {
      pos[k]!++;
      at += strides[k]!;
      if (pos[k]! < out[k]!) break;
      at -= strides[k]! * out[k]!;
      pos[k] = 0;
    }
  }
  return idx;
}

/** A cwise binary host op (TF's BinaryOp shape function, BCast at run time). */
export function defineBinaryHost(type: string, names: [string, string], f: (a: number, b: number) => number): void {
  defineHostOp({
    type,
    infer: ([a, x], _attrs, name) => {
      checkFloat(type, names[0], a!);
      sameDType(type, a!, x!, names[0], names[1]);
      return [{ dtype: a!.dtype, shape: broadcastOrThrow(type, name, a!, x!) }];
    },
    run: ([a, x], _attrs, op) => {
      const out = broadcastShapes(a!.shape, x!.shape);
      if (out === undefined) throw new InvalidArgumentError(`Incompatible shapes: ${cShape([...a!.shape])} vs. ${cShape([...x!.shape])}`, op.name);
      const ia = broadcastIndex(a!.shape, out);
      const ix = broadcastIndex(x!.shape, out);
      const va = valuesOf(a!);
      const vx = valuesOf(x!);
      const r = new Float64Array(ia.length);
      for (let i = 0; i < r.length; i++) r[i] = f(va[ia[i]!]!, vx[ix[i]!]!);
      return [arrayOf(r, out, a!.dtype)];
    },
  });
}

defineBinaryHost('Igamma', ['a', 'x'], igammaF);
defineBinaryHost('Igammac', ['a', 'x'], igammacF);
defineBinaryHost('IgammaGradA', ['a', 'x'], igammaGradAF);
registerGradient('IgammaGradA', null);

const NAMES = ['a', 'b', 'x'];
defineHostOp({
  type: 'Betainc',
  infer: (ins, _attrs, name) => {
    ins.forEach((t, i) => checkFloat('Betainc', NAMES[i]!, t));
    sameDType('Betainc', ins[0]!, ins[1]!, 'a', 'b');
    sameDType('Betainc', ins[0]!, ins[2]!, 'a', 'x');
    // TF's BetaincShape: the non-scalar inputs merged; the remaining input if the others are scalars.
    let output: PartialShape = null;
    let scalars = 0;
    let someNonScalar: PartialShape = null;
    for (const t of ins) {
      if (t.shape === null) someNonScalar = null;
      else if (t.shape.length === 0) scalars++;
      else {
        const m = mergeOrError(output, t.shape);
        if (typeof m === 'string') throw shapeFnError(m, name, 'Betainc', ins.map((u) => u.shape));
        output = m;
        someNonScalar = output;
      }
    }
    if (scalars === 2) output = someNonScalar;
    else if (scalars === 3) output = ins[0]!.shape;
    return [{ dtype: ins[0]!.dtype, shape: output }];
  },
  run: (ins, _attrs, op) => {
    const [a, b, x] = ins as [NDArray, NDArray, NDArray];
    const pairs: [NDArray, NDArray, string, string][] = [[a, b, 'a', 'b'], [a, x, 'a', 'x'], [b, x, 'b', 'x']];
    for (const [p, q, pn, qn] of pairs) {
      if (p.shape.length > 0 && q.shape.length > 0 && (p.shape.length !== q.shape.length || p.shape.some((d, i) => d !== q.shape[i]))) {
        throw new InvalidArgumentError(`Shapes of ${pn} and ${qn} are inconsistent: ${cShape([...p.shape])} vs. ${cShape([...q.shape])}`, op.name);
      }
    }
    const out = ins.find((t) => t.shape.length > 0)?.shape ?? [];
    const n = out.reduce((p, d) => p * d, 1);
    const [va, vb, vx] = ins.map(valuesOf) as [Float64Array, Float64Array, Float64Array];
    const at = (v: Float64Array, i: number): number => (v.length === 1 ? v[0]! : v[i]!);
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) r[i] = betaincF(at(va, i), at(vb, i), at(vx, i));
    return [arrayOf(r, out, a.dtype)];
  },
});

// ----- gradients (TF 1.15 math_grad.py) -------------------------------------------------------------
/** TF's xlogy(x, y): 0 where x = 0, else x·log(y). */
function xlogy(x: Tensor, y: Tensor): Tensor {
  const zero = zerosLike(x);
  return whereV2(equal(x, zero), zero, multiply(x, log(y)));
}
function igammaGrads(op: Operation, grad: Tensor): [Tensor, Tensor] {
  const [a, x] = op.inputs as [Tensor, Tensor];
  return op.graph.controlDependencies([grad], () => {
    const partialA = makeOp(op.graph, 'IgammaGradA', [a, x], {}, undefined, 'IgammaGradA').outputs[0]!;
    // in log space: Γ(a) and Γ′(a) can grow large
    const one = toTensor(1, a.dtype);
    const partialX = exp(subtract(add(negative(x), multiply(subtract(a, one), log(x))), lgamma(a)));
    return [unbroadcast(multiply(partialA, grad), a), unbroadcast(multiply(partialX, grad), x)];
  });
}
registerGradient('Igamma', (op, [dy]) => (dy ? igammaGrads(op, dy) : [null, null]));
registerGradient('Igammac', (op, [dy]) => {
  if (!dy) return [null, null];
  const [ga, gx] = igammaGrads(op, dy);
  return [negative(ga), negative(gx)];
});
registerGradient('Betainc', (op, [dy]) => {
  if (!dy) return [null, null, null];
  const [a, b, x] = op.inputs as [Tensor, Tensor, Tensor];
  const logBeta = subtract(add(lgamma(a), lgamma(b)), lgamma(add(a, b)));
  const one = toTensor(1, a.dtype);
  // xlog1py(b − 1, −x) + xlogy(a − 1, x): the derivative tends to 0 on a tail when a or b is 1
  const bm1 = subtract(b, one);
  const zero = zerosLike(bm1);
  const xlog1py = whereV2(equal(bm1, zero), zero, multiply(bm1, log1p(negative(x))));
  const partialX = exp(subtract(add(xlog1py, xlogy(subtract(a, one), x)), logBeta));
  return [null, null, unbroadcast(multiply(partialX, dy), x)];
});

// ----- public functions ---------------------------------------------------------------------------
/** `tf.igamma(a, x, name=None)` (tf.math.igamma): the regularized lower incomplete gamma P(a, x). */
export const igamma = tf1Function('igamma', ['a', 'x', 'name'], (a: TensorLike, x: TensorLike, name?: string | null): Tensor => {
  const [ta, tx] = toTensorPair(a, x);
  return makeOp(ta.graph, 'Igamma', [ta, tx], {}, name ?? undefined, 'Igamma').outputs[0]!;
}, 2);
/** `tf.igammac(a, x, name=None)` (tf.math.igammac): the regularized upper incomplete gamma Q(a, x) = 1 − P(a, x). */
export const igammac = tf1Function('igammac', ['a', 'x', 'name'], (a: TensorLike, x: TensorLike, name?: string | null): Tensor => {
  const [ta, tx] = toTensorPair(a, x);
  return makeOp(ta.graph, 'Igammac', [ta, tx], {}, name ?? undefined, 'Igammac').outputs[0]!;
}, 2);
/**
 * `tf.betainc(a, b, x, name=None)` (tf.math.betainc): the regularized incomplete beta I_x(a, b).
 * a, b and x have one shape, or some of them are scalars (no other broadcasting, as TF).
 */
export const betainc = tf1Function('betainc', ['a', 'b', 'x', 'name'], (a: TensorLike, b: TensorLike, x: TensorLike, name?: string | null): Tensor => {
  const dt = ([a, b, x].find((v) => v instanceof Tensor) as Tensor | undefined)?.dtype;
  const [ta, tb, tx] = [a, b, x].map((v) => toTensor(v, dt)) as [Tensor, Tensor, Tensor];
  return makeOp(ta.graph, 'Betainc', [ta, tb, tx], {}, name ?? undefined, 'Betainc').outputs[0]!;
}, 3);

/**
 * `tf.lbeta(x, name=None)` (tf.math.lbeta): log|B(x)| = Σ lgamma(xᵢ) − lgamma(Σ xᵢ) over the last
 * axis (an empty last axis gives −inf, as TF: lgamma(0) = inf).
 */
export const lbeta = tf1Function('lbeta', ['x', 'name'], (x: TensorLike, name?: string | null): Tensor => {
  const t0 = toTensor(x);
  return t0.graph.nameScope(name ?? 'lbeta', (scope) => {
    const t = toTensor(t0, undefined, 'x');
    const logProdGammaX = reduceSum(lgamma(t), [-1]);
    const sumX = reduceSum(t, [-1]);
    const logGammaSumX = lgamma(sumX);
    return subtract(logProdGammaX, logGammaSumX, scope);
  });
}, 1);
