/**
 * TF1's linear algebra: tf.eye, diag / diagPart, matrixDiag / matrixDiagPart / matrixSetDiag,
 * matrixTranspose, trace, cross, and the batched factorizations MatrixInverse,
 * MatrixDeterminant, LogMatrixDeterminant, Cholesky, MatrixTriangularSolve, MatrixSolve (with
 * choleskySolve, matrixSolveLs and logdet composed from them as TF1's Python does), with TF 1.15
 * linalg_grad.py's gradients.
 *
 * The factorizations lower into the ordinary primitive families, one column (or row) at a time
 * over the whole batch: LU with partial pivoting (row swaps as gathers), right-looking Cholesky,
 * forward/back substitution. So every device runs them, in float64 where the device has it;
 * a plan holds O(n) steps per n×n factorization, which suits the small matrices TF1 programs
 * factor. A singular matrix (a zero pivot) or one that is not positive definite fails the run with
 * TF's text (through a CheckNumerics step on the result: `<TF's text> : Tensor had NaN values`).
 */
import { tf1Function } from '../args.js';
import type { DType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import type { Dim, PartialShape } from '../shape.js';
import { concat, ones, reshape, shapeFnError, transpose, zeros, zerosLike } from './array.js';
import { matrixBandPart } from './band-part.js';
import { type TensorLike, toTensor, toTensorPair } from './convert.js';
import type { Lower, Val } from './lower.js';
import { add, log, matmul, minimum, multiply, negative, reduceSum } from './math.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

const sizeOf = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
type Fail = (m: string) => Error;

// ----- shape helpers --------------------------------------------------------------------------
function atLeast(s: PartialShape, r: number, fail: Fail): void {
  if (s !== null && s.length < r) throw fail(`Shape must be at least rank ${r} but is rank ${s.length}`);
}
function mergeDim(a: Dim, b: Dim, fail: Fail): Dim {
  if (a !== null && b !== null && a !== b) throw fail(`Dimensions must be equal, but are ${a} and ${b}`);
  return a ?? b;
}
/** A batch of square matrices: the shape, with TF's square check. */
function squareShape(s: PartialShape, fail: Fail): PartialShape {
  atLeast(s, 2, fail);
  if (s === null) return null;
  const n = mergeDim(s[s.length - 2]!, s[s.length - 1]!, fail);
  return [...s.slice(0, -2), n, n];
}

const FLOAT_COMPLEX = 'float64, float32, float16, complex64, complex128';
function checkDType(t: Tensor, param: string, list = FLOAT_COMPLEX): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64' && t.dtype !== 'float16') {
    throw new TypeError(`Value passed to parameter '${param}' has DataType ${t.dtype} not in list of allowed values: ${list}`);
  }
}

/** `f` over float32 copies of float16 inputs, each result cast back. */
function inF32(b: Lower, xs: Val[], f: (xs: Val[]) => Val[]): Val[] {
  if (xs[0]!.dtype !== 'float16') return f(xs);
  return f(xs.map((x) => b.cast(x, 'float32'))).map((y) => (y.dtype === 'float32' ? b.cast(y, 'float16') : y));
}

// ----- lowering kernels over [B, n, m] batches --------------------------------------------------
const col = (b: Lower, m: Val, j: number): Val => b.slice(m, [0, 0, j], [m.shape[0]!, m.shape[1]!, 1]);
const row = (b: Lower, m: Val, i: number): Val => b.slice(m, [0, i, 0], [m.shape[0]!, 1, m.shape[2]!]);
const elt = (b: Lower, m: Val, i: number, j: number): Val => b.slice(m, [0, i, j], [m.shape[0]!, 1, 1]);

/** [1, n, 1] of 0/1 (or bool) selecting rows r with pred(r). */
function rowMask(b: Lower, n: number, pred: (r: number) => boolean, dtype: DType): Val {
  const a = NDArray.zeros([1, n, 1], dtype);
  for (let r = 0; r < n; r++) a.data[r] = pred(r) ? 1 : 0;
  return b.constant(a);
}

/**
 * Solve U·X = R for upper-triangular U [B,n,n] (only its upper triangle is read), R [B,n,k], by
 * back substitution; `lowerTri` solves a lower-triangular system by forward substitution.
 */
function substitute(b: Lower, u: Val, rhs: Val, lowerTri: boolean): Val {
  const n = u.shape[1]!;
  const dt = u.dtype;
  let r = rhs;
  const xs: Val[] = new Array<Val>(n);
  const order = [...Array(n).keys()];
  if (!lowerTri) order.reverse();
  for (const i of order) {
    const xi = b.binary('div', row(b, r, i), elt(b, u, i, i));
    xs[i] = xi;
    const rest = lowerTri ? (q: number) => q > i : (q: number) => q < i;
    if (order.indexOf(i) < n - 1) r = b.binary('sub', r, b.binary('mul', b.binary('mul', col(b, u, i), rowMask(b, n, rest, dt)), xi));
  }
  return n === 1 ? xs[0]! : b.concat(xs, 1);
}

/**
 * LU elimination with partial pivoting of A [B,n,n], applying the row operations to `rhs`
 * [B,n,k] too (if given). Returns U (upper triangle valid), the eliminated rhs, the pivots
 * [B,n] and the permutation's sign [B,1,1]. `guard`: a zero pivot skips its column (for
 * determinants) instead of spreading inf/NaN.
 */
function luEliminate(b: Lower, a: Val, rhs: Val | null, guard: boolean): { u: Val; r: Val | null; pivots: Val; sign: Val } {
  const [bn, n] = a.shape as [number, number];
  const dt = a.dtype;
  let u = a;
  let r = rhs;
  let sign = b.fill([bn, 1, 1], 1, dt);
  const pivots: Val[] = [];
  const rIdx = b.reshape(b.range(n, 0, 1, 'int32'), [1, n]);
  const batchOff = b.reshape(b.range(bn, 0, n, 'int32'), [bn, 1]);
  const swapRows = (m: Val, perm: Val): Val => {
    const w = m.shape[2]!;
    return b.reshape(b.gather(b.reshape(m, [bn * n, w]), perm, 0), [bn, n, w]);
  };
  for (let j = 0; j < n; j++) {
    if (j < n - 1) {
      const absCol = b.reshape(b.unary('abs', col(b, u, j)), [bn, n]);
      const masked = b.select(b.reshape(rowMask(b, n, (q) => q >= j, 'bool'), [1, n]), absCol, b.scalar(-1, dt));
      const p = b.reshape(b.argReduce('argmax', masked, 1, 'int32'), [bn, 1]);
      const jv = b.scalar(j, 'int32');
      const perm = b.select(b.binary('equal', rIdx, jv), p, b.select(b.binary('equal', rIdx, p), jv, rIdx));
      const flat = b.reshape(b.binary('add', perm, batchOff), [bn * n]);
      u = swapRows(u, flat);
      if (r) r = swapRows(r, flat);
      sign = b.binary('mul', sign, b.reshape(b.select(b.binary('equal', p, jv), b.scalar(1, dt), b.scalar(-1, dt)), [bn, 1, 1]));
    }
    const piv = elt(b, u, j, j);
    pivots.push(b.reshape(piv, [bn, 1]));
    if (j === n - 1) break;
    const below = rowMask(b, n, (q) => q > j, 'bool');
    let l = b.binary('div', col(b, u, j), piv);
    if (guard) l = b.select(b.binary('equal', piv, b.scalar(0, dt)), b.scalar(0, dt), l);
    l = b.select(below, l, b.scalar(0, dt));
    u = b.binary('sub', u, b.binary('mul', l, row(b, u, j)));
    if (r) r = b.binary('sub', r, b.binary('mul', l, row(b, r, j)));
  }
  return { u, r, pivots: n === 1 ? pivots[0]! : b.concat(pivots, 1), sign };
}

/** Right-looking Cholesky of the symmetric matrix whose lower triangle is a's: L [B,n,n]. */
function choleskyLower(b: Lower, a: Val): Val {
  const [bn, n] = a.shape as [number, number];
  const dt = a.dtype;
  const lowerMask = NDArray.zeros([1, n, n], 'bool');
  const strictMask = NDArray.zeros([1, n, n], 'bool');
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) { lowerMask.data[i * n + j] = 1; if (j < i) strictMask.data[i * n + j] = 1; }
  const zero = b.scalar(0, dt);
  let w = b.binary('add', b.select(b.constant(lowerMask), a, zero), b.transpose(b.select(b.constant(strictMask), a, zero), [0, 2, 1]));
  const cols: Val[] = [];
  for (let j = 0; j < n; j++) {
    const d = b.unary('sqrt', elt(b, w, j, j));
    const c = b.binary('div', b.binary('mul', col(b, w, j), rowMask(b, n, (q) => q >= j, dt)), d);
    cols.push(c);
    if (j < n - 1) w = b.binary('sub', w, b.binary('mul', c, b.transpose(c, [0, 2, 1])));
  }
  void bn;
  return n === 1 ? cols[0]! : b.concat(cols, 2);
}

/** x reshaped to [B, n, m] (the batch dims flattened) and back. */
const flat3 = (b: Lower, x: Val): Val => {
  const s = x.shape;
  return b.reshape(x, [sizeOf(s.slice(0, -2)), s[s.length - 2]!, s[s.length - 1]!]);
};

function checkFinite(b: Lower, x: Val, message: string): Val {
  return b.prim('checkNumerics', { n: sizeOf(x.shape), message }, [x], [{ dtype: x.dtype, shape: [...x.shape] }])[0]!;
}

function squareAtRunTime(b: Lower, x: Val, what = 'Input'): number {
  const s = x.shape;
  if (s.length < 2) throw new InvalidArgumentError(`${what} must have rank >= 2, got ${s.length}`, b.opName);
  if (s[s.length - 1] !== s[s.length - 2]) throw new InvalidArgumentError(`${what} matrices must be squares, got${s[s.length - 2]} != ${s[s.length - 1]}`, b.opName);
  return s[s.length - 1]!;
}

// ----- factorization ops ------------------------------------------------------------------------
defineOp<{ adjoint: boolean }>({
  type: 'MatrixInverse',
  infer: ([x], _a, name) => {
    checkDType(x!, 'input');
    return [{ dtype: x!.dtype, shape: squareShape(x!.shape, (m) => shapeFnError(m, name, 'MatrixInverse', [x!.shape])) }];
  },
  lower: (b, [x], a) => {
    const n = squareAtRunTime(b, x!);
    if (sizeOf(x!.shape) === 0) return [x!];
    return inF32(b, [x!], ([v]) => {
      let m = flat3(b, v!);
      if (a.adjoint) m = b.transpose(m, [0, 2, 1]);
      const eye = NDArray.zeros([1, n, n], m.dtype);
      for (let i = 0; i < n; i++) eye.data[i * n + i] = 1;
      const lu = luEliminate(b, m, b.broadcastTo(b.constant(eye), m.shape), false);
      return [b.reshape(checkFinite(b, substitute(b, lu.u, lu.r!, false), 'Input is not invertible.'), [...v!.shape])];
    });
  },
});

for (const type of ['MatrixDeterminant', 'LogMatrixDeterminant'] as const) {
  defineOp({
    type,
    infer: ([x], _a, name) => {
      if (x!.dtype !== 'float32' && x!.dtype !== 'float64' && x!.dtype !== 'float16') {
        throw new TypeError(`Value passed to parameter 'input' has DataType ${x!.dtype} not in list of allowed values: float16, float32, float64, complex64, complex128`);
      }
      const s = squareShape(x!.shape, (m) => shapeFnError(m, name, type, [x!.shape]));
      const out = s === null ? null : s.slice(0, -2);
      return type === 'MatrixDeterminant' ? [{ dtype: x!.dtype, shape: out }] : [{ dtype: x!.dtype, shape: out }, { dtype: x!.dtype, shape: out }];
    },
    lower: (b, [x]) => {
      const n = squareAtRunTime(b, x!);
      const batch = x!.shape.slice(0, -2);
      const bn = sizeOf(batch);
      return inF32(b, [x!], ([v]) => {
        if (n === 0 || bn === 0) {
          const one = b.fill(batch, 1, v!.dtype);
          return type === 'MatrixDeterminant' ? [one] : [one, b.fill(batch, 0, v!.dtype)];
        }
        const lu = luEliminate(b, flat3(b, v!), null, true);
        const sign = b.reshape(b.binary('mul', b.reshape(lu.sign, [bn]), b.reduce('prod', b.unary('sign', lu.pivots), [1], false)), batch);
        const logAbs = b.reshape(b.reduce('sum', b.unary('log', b.unary('abs', lu.pivots)), [1], false), batch);
        return type === 'MatrixDeterminant' ? [b.binary('mul', sign, b.unary('exp', logAbs))] : [sign, logAbs];
      });
    },
  });
}

defineOp({
  type: 'Cholesky',
  infer: ([x], _a, name) => {
    checkDType(x!, 'input');
    return [{ dtype: x!.dtype, shape: squareShape(x!.shape, (m) => shapeFnError(m, name, 'Cholesky', [x!.shape])) }];
  },
  lower: (b, [x]) => {
    squareAtRunTime(b, x!);
    if (sizeOf(x!.shape) === 0) return [x!];
    return inF32(b, [x!], ([v]) => [
      b.reshape(checkFinite(b, choleskyLower(b, flat3(b, v!)), 'Cholesky decomposition was not successful. The input might not be valid.'), [...v!.shape]),
    ]);
  },
});

function solveInfer(type: string) {
  return ([m, r]: readonly Tensor[], _a: unknown, name: string) => {
    checkDType(m!, 'matrix');
    if (r!.dtype !== m!.dtype) throw new TypeError(`Input 'rhs' of '${type}' Op has type ${r!.dtype} that does not match type ${m!.dtype} of argument 'matrix'.`);
    const fail: Fail = (msg) => shapeFnError(msg, name, type, [m!.shape, r!.shape]);
    const ms = squareShape(m!.shape, fail);
    atLeast(r!.shape, 2, fail);
    if (ms === null || r!.shape === null) return [{ dtype: m!.dtype, shape: r!.shape }];
    if (ms.length !== r!.shape.length) throw fail(`Shape must be rank ${ms.length} but is rank ${r!.shape.length}`);
    const batch = ms.slice(0, -2).map((d, i) => mergeDim(d, r!.shape![i]!, fail));
    const n = mergeDim(ms[ms.length - 1]!, r!.shape[r!.shape.length - 2]!, fail);
    return [{ dtype: m!.dtype, shape: [...batch, n, r!.shape[r!.shape.length - 1]!] }];
  };
}
function solveShapes(b: Lower, m: Val, r: Val): void {
  squareAtRunTime(b, m);
  const ms = m.shape;
  const rs = r.shape;
  if (rs.length !== ms.length || ms.slice(0, -2).some((d, i) => d !== rs[i])) {
    throw new InvalidArgumentError(`Input matrix and rhs are incompatible: [${ms.join(',')}] vs [${rs.join(',')}]`, b.opName);
  }
  if (rs[rs.length - 2] !== ms[ms.length - 1]) throw new InvalidArgumentError('Input matrix and rhs are incompatible.', b.opName);
}

defineOp<{ adjoint: boolean }>({
  type: 'MatrixSolve',
  infer: solveInfer('MatrixSolve'),
  lower: (b, [m, r], a) => {
    solveShapes(b, m!, r!);
    if (sizeOf(r!.shape) === 0) return [r!];
    return inF32(b, [m!, r!], ([mv, rv]) => {
      let mat = flat3(b, mv!);
      if (a.adjoint) mat = b.transpose(mat, [0, 2, 1]);
      const lu = luEliminate(b, mat, flat3(b, rv!), false);
      return [b.reshape(checkFinite(b, substitute(b, lu.u, lu.r!, false), 'Input matrix is not invertible.'), [...rv!.shape])];
    });
  },
});

defineOp<{ lower: boolean; adjoint: boolean }>({
  type: 'MatrixTriangularSolve',
  infer: solveInfer('MatrixTriangularSolve'),
  lower: (b, [m, r], a) => {
    solveShapes(b, m!, r!);
    if (sizeOf(r!.shape) === 0) return [r!];
    return inF32(b, [m!, r!], ([mv, rv]) => {
      let mat = flat3(b, mv!);
      let lowerTri = a.lower;
      // adjoint: solve with the transpose, whose triangle is the other one
      if (a.adjoint) { mat = b.transpose(mat, [0, 2, 1]); lowerTri = !lowerTri; }
      return [b.reshape(checkFinite(b, substitute(b, mat, flat3(b, rv!), lowerTri), 'Input matrix is not invertible.'), [...rv!.shape])];
    });
  },
});

// ----- gradients (TF 1.15 linalg_grad.py) ---------------------------------------------------------
const adjointOf = (x: Tensor): Tensor => matrixTranspose(x);
registerGradient('MatrixInverse', (op, [dy]) => {
  if (!dy) return [null];
  const ainv = op.outputs[0]!;
  // Y = A⁻¹: dA = -Yᵀ·dY·Yᵀ; with adjoint, Y = A⁻ᵀ: dA = -Y·dYᵀ·Y
  if (op.attrs.adjoint) return [negative(matmul(ainv, matmul(dy, ainv, { transposeA: true })))];
  return [negative(matmul(ainv, matmul(dy, ainv, { transposeB: true }), { transposeA: true }))];
});
const expand2 = (t: Tensor): Tensor => reshapeTrailing(t);
function reshapeTrailing(t: Tensor): Tensor {
  return makeOp(t.graph, 'ExpandDims', [makeOp(t.graph, 'ExpandDims', [t], { axis: -1 }, undefined, 'ExpandDims').outputs[0]!], { axis: -1 }, undefined, 'ExpandDims').outputs[0]!;
}
registerGradient('MatrixDeterminant', (op, [dy]) => {
  if (!dy) return [null];
  return [multiply(expand2(multiply(dy, op.outputs[0]!)), matrixInverse(op.inputs[0]!, true))];
});
registerGradient('LogMatrixDeterminant', (op, [, dlog]) => {
  if (!dlog) return [null];
  return [multiply(expand2(dlog), matrixInverse(op.inputs[0]!, true))];
});
registerGradient('Cholesky', (op, [dy]) => {
  if (!dy) return [null];
  const l = op.outputs[0]!;
  const n = l.shape?.[l.shape.length - 1];
  if (n === null || n === undefined) throw new ValueError('the gradient of Cholesky needs the matrix size known when the graph is built');
  const batch = (l.shape as Dim[]).slice(0, -2);
  const lInv = matrixTriangularSolve(l, eyeFor(n, batch, l));
  let middle = matmul(l, dy, { transposeA: true });
  middle = matrixSetDiag(middle, multiply(0.5, matrixDiagPart(middle)));
  middle = matrixBandPart(middle, -1, 0);
  let grad = matmul(matmul(lInv, middle, { transposeA: true }), lInv);
  grad = add(grad, adjointOf(grad));
  return [multiply(grad, 0.5)];
});
function eyeFor(n: number, batch: Dim[], like: Tensor): Tensor {
  if (batch.every((d) => d !== null)) return eye(n, { batchShape: batch as number[], dtype: like.dtype });
  return makeOp(like.graph, 'MatrixSetDiag', [zerosLike(like), makeOp(like.graph, 'FillLike', [matrixDiagPart(like)], { value: 1 }, undefined, 'ones_like').outputs[0]!], {}, undefined, 'MatrixSetDiag').outputs[0]!;
}
registerGradient('MatrixSolve', (op, [dy]) => {
  if (!dy) return [null, null];
  const [a] = op.inputs as [Tensor, Tensor];
  const c = op.outputs[0]!;
  const adj = !!op.attrs.adjoint;
  const gb = matrixSolve(a, dy, !adj);
  const ga = adj ? negative(matmul(c, gb, { transposeB: true })) : negative(matmul(gb, c, { transposeB: true }));
  return [ga, gb];
});
registerGradient('MatrixTriangularSolve', (op, [dy]) => {
  if (!dy) return [null, null];
  const [a] = op.inputs as [Tensor, Tensor];
  const c = op.outputs[0]!;
  const adj = !!op.attrs.adjoint;
  const lowerA = !!op.attrs.lower;
  const gb = matrixTriangularSolve(a, dy, lowerA, !adj);
  let ga = adj ? negative(matmul(c, gb, { transposeB: true })) : negative(matmul(gb, c, { transposeB: true }));
  ga = lowerA ? matrixBandPart(ga, -1, 0) : matrixBandPart(ga, 0, -1);
  return [ga, gb];
});

// ----- diagonals ---------------------------------------------------------------------------------
defineOp({
  type: 'Diag',
  infer: ([x], _a, name) => {
    if (x!.shape !== null && x!.shape.length < 1) throw shapeFnError('Shape must be at least rank 1 but is rank 0', name, 'Diag', [x!.shape]);
    return [{ dtype: x!.dtype, shape: x!.shape === null ? null : [...x!.shape, ...x!.shape] }];
  },
  lower: (b, [x]) => {
    const n = sizeOf(x!.shape);
    const wide = b.concat([b.reshape(x!, [n, 1]), b.fill([n, n], 0, x!.dtype)], 1);
    return [b.reshape(b.slice(b.reshape(wide, [n * (n + 1)]), [0], [n * n]), [...x!.shape, ...x!.shape])];
  },
});
defineOp({
  type: 'DiagPart',
  infer: ([x], _a, name) => {
    const s = x!.shape;
    const fail: Fail = (m) => shapeFnError(m, name, 'DiagPart', [s]);
    if (s === null) return [{ dtype: x!.dtype, shape: null }];
    if (s.length === 0 || s.length % 2 !== 0) throw fail(`Input must have even and non-zero rank, input rank is ${s.length}`);
    const k = s.length / 2;
    return [{ dtype: x!.dtype, shape: s.slice(0, k).map((d, i) => mergeDim(d, s[k + i]!, fail)) }];
  },
  lower: (b, [x]) => {
    const s = x!.shape;
    const k = s.length / 2;
    if (s.slice(0, k).some((d, i) => d !== s[k + i])) throw new InvalidArgumentError(`Invalid shape [${s.join(',')}]: dimensions ${k} and ${2 * k} do not match.`, b.opName);
    const n = sizeOf(s.slice(0, k));
    const idx = Int32Array.from({ length: n }, (_, i) => i * (n + 1));
    return [b.reshape(b.gather(b.reshape(x!, [n * n]), b.constant(new NDArray(idx, [n], 'int32')), 0), s.slice(0, k))];
  },
});
registerGradient('Diag', (op, [dy]) => [dy ? diagPart(dy) : null]);
registerGradient('DiagPart', (op, [dy]) => [dy ? diag(dy) : null]);

defineOp({
  type: 'MatrixDiag',
  infer: ([x], _a, name) => {
    atLeast(x!.shape, 1, (m) => shapeFnError(m, name, 'MatrixDiag', [x!.shape]));
    const s = x!.shape;
    return [{ dtype: x!.dtype, shape: s === null ? null : [...s, s[s.length - 1]!] }];
  },
  lower: (b, [x]) => {
    const s = x!.shape;
    if (s.length < 1) throw new InvalidArgumentError(`input must be at least 1-dim, received shape: [${s.join(',')}]`, b.opName);
    const n = s[s.length - 1]!;
    const bn = sizeOf(s.slice(0, -1));
    if (bn * n === 0) return [b.fill([...s, n], 0, x!.dtype)];
    const wide = b.concat([b.reshape(x!, [bn, n, 1]), b.fill([bn, n, n], 0, x!.dtype)], 2);
    return [b.reshape(b.slice(b.reshape(wide, [bn, n * (n + 1)]), [0, 0], [bn, n * n]), [...s, n])];
  },
});
const diagIndex = (m: number, n: number) => Int32Array.from({ length: Math.min(m, n) }, (_, i) => i * (n + 1));
defineOp({
  type: 'MatrixDiagPart',
  infer: ([x], _a, name) => {
    atLeast(x!.shape, 2, (m) => shapeFnError(m, name, 'MatrixDiagPart', [x!.shape]));
    const s = x!.shape;
    if (s === null) return [{ dtype: x!.dtype, shape: null }];
    const [m, n] = s.slice(-2) as [Dim, Dim];
    return [{ dtype: x!.dtype, shape: [...s.slice(0, -2), m === null || n === null ? null : Math.min(m, n)] }];
  },
  lower: (b, [x]) => {
    const s = x!.shape;
    if (s.length < 2) throw new InvalidArgumentError(`input must be at least 2-dim, received shape: [${s.join(',')}]`, b.opName);
    const [m, n] = s.slice(-2) as [number, number];
    const bn = sizeOf(s.slice(0, -2));
    const idx = diagIndex(m, n);
    if (idx.length === 0 || bn === 0) return [b.fill([...s.slice(0, -2), idx.length], 0, x!.dtype)];
    return [b.reshape(b.gather(b.reshape(x!, [bn, m * n]), b.constant(new NDArray(idx, [idx.length], 'int32')), 1), [...s.slice(0, -2), idx.length])];
  },
});
defineOp({
  type: 'MatrixSetDiag',
  infer: ([x, d], _a, name) => {
    if (d!.dtype !== x!.dtype) throw new TypeError(`Input 'diagonal' of 'MatrixSetDiag' Op has type ${d!.dtype} that does not match type ${x!.dtype} of argument 'input'.`);
    const fail: Fail = (m) => shapeFnError(m, name, 'MatrixSetDiag', [x!.shape, d!.shape]);
    atLeast(x!.shape, 2, fail);
    atLeast(d!.shape, 1, fail);
    const s = x!.shape;
    const ds = d!.shape;
    if (s !== null && ds !== null) {
      if (ds.length !== s.length - 1) throw fail(`Shape must be rank ${s.length - 1} but is rank ${ds.length}`);
      const [m, n] = s.slice(-2) as [Dim, Dim];
      if (m !== null && n !== null) mergeDim(ds[ds.length - 1]!, Math.min(m, n), fail);
      s.slice(0, -2).forEach((dd, i) => mergeDim(dd, ds[i]!, fail));
    }
    return [{ dtype: x!.dtype, shape: s }];
  },
  lower: (b, [x, d]) => {
    const s = x!.shape;
    const [m, n] = s.slice(-2) as [number, number];
    const bn = sizeOf(s.slice(0, -2));
    const k = Math.min(m, n);
    if (d!.shape.length !== s.length - 1 || d!.shape[d!.shape.length - 1] !== k || s.slice(0, -2).some((v, i) => v !== d!.shape[i])) {
      throw new InvalidArgumentError(`must have diagonal.shape == input.shape[:-2] + min(input.shape[-2:]), but received input shape: [${s.join(',')}] and diagonal shape: [${d!.shape.join(',')}]`, b.opName);
    }
    if (bn * k === 0) return [x!];
    const idx = b.constant(new NDArray(diagIndex(m, n), [k], 'int32'));
    const placed = b.reshape(b.scatterAdd(b.reshape(d!, [bn, k]), idx, 1, m * n), [...s]);
    const mask = NDArray.zeros([m, n], 'bool');
    for (let i = 0; i < k; i++) mask.data[i * n + i] = 1;
    return [b.select(b.constant(mask), placed, x!)];
  },
});
registerGradient('MatrixDiag', (op, [dy]) => [dy ? matrixDiagPart(dy) : null]);
registerGradient('MatrixDiagPart', (op, [dy]) => [dy ? matrixSetDiag(zerosLike(op.inputs[0]!), dy) : null]);
registerGradient('MatrixSetDiag', (op, [dy]) => [
  dy ? matrixSetDiag(dy, zerosLike(op.inputs[1]!)) : null,
  dy ? matrixDiagPart(dy) : null,
]);

// ----- cross --------------------------------------------------------------------------------------
defineOp({
  type: 'Cross',
  infer: ([a, c], _x, name) => {
    if (c!.dtype !== a!.dtype) throw new TypeError(`Input 'b' of 'Cross' Op has type ${c!.dtype} that does not match type ${a!.dtype} of argument 'a'.`);
    const fail: Fail = (m) => shapeFnError(m, name, 'Cross', [a!.shape, c!.shape]);
    atLeast(a!.shape, 1, fail);
    if (a!.shape === null || c!.shape === null) return [{ dtype: a!.dtype, shape: a!.shape ?? c!.shape }];
    if (a!.shape.length !== c!.shape.length) throw fail(`Shapes must be equal rank, but are ${a!.shape.length} and ${c!.shape.length}`);
    const s = a!.shape.map((d, i) => mergeDim(d, c!.shape![i]!, fail));
    const last = s[s.length - 1];
    if (last !== null && last !== 3) throw fail(`Dimension must be 3 but is ${last}`);
    return [{ dtype: a!.dtype, shape: s }];
  },
  lower: (b, [a, c]) => {
    const s = a!.shape;
    if (s.length !== c!.shape.length || s.some((d, i) => d !== c!.shape[i])) throw new InvalidArgumentError(`Both inputs must be of same shape: [${s.join(',')}] vs. [${c!.shape.join(',')}]`, b.opName);
    if (s[s.length - 1] !== 3) throw new InvalidArgumentError(`Trailing dimension must be of size 3: [${s.join(',')}]`, b.opName);
    const lead = sizeOf(s.slice(0, -1));
    const part = (v: Val, i: number) => b.slice(b.reshape(v, [lead, 3]), [0, i], [lead, 1]);
    const [a0, a1, a2] = [0, 1, 2].map((i) => part(a!, i)) as [Val, Val, Val];
    const [b0, b1, b2] = [0, 1, 2].map((i) => part(c!, i)) as [Val, Val, Val];
    const term = (p: Val, q: Val, r: Val, t: Val) => b.binary('sub', b.binary('mul', p, q), b.binary('mul', r, t));
    return [b.reshape(b.concat([term(a1, b2, a2, b1), term(a2, b0, a0, b2), term(a0, b1, a1, b0)], 1), [...s])];
  },
});
registerGradient('Cross', (op, [dy]) => {
  if (!dy) return [null, null];
  const [u, v] = op.inputs as [Tensor, Tensor];
  return [cross(v, dy), cross(dy, u)];
});

// ----- builders --------------------------------------------------------------------------------------
const unary = (type: string, where: string, dflt: string) =>
  tf1Function(where, ['input', 'name'], (input: TensorLike, name?: string): Tensor => {
    const x = toTensor(input);
    return makeOp(x.graph, type, [x], {}, name, dflt).outputs[0]!;
  }, 1);

/** `tf.diag(diagonal, name?)`: rank k → rank 2k with the values on the diagonal. */
export const diag = unary('Diag', 'diag', 'Diag');
/** `tf.diagPart(input, name?)`: the inverse of diag. */
export const diagPart = unary('DiagPart', 'diagPart', 'DiagPart');
/** `tf.matrixDiag(diagonal, name?)`: [..., n] → [..., n, n] batched diagonal matrices. */
export const matrixDiag = unary('MatrixDiag', 'matrixDiag', 'MatrixDiag');
/** `tf.matrixDiagPart(input, name?)`: [..., m, n] → [..., min(m, n)]. */
export const matrixDiagPart = unary('MatrixDiagPart', 'matrixDiagPart', 'MatrixDiagPart');
/** `tf.matrixSetDiag(input, diagonal, name?)`: input with its main diagonals replaced. */
export const matrixSetDiag = tf1Function('matrixSetDiag', ['input', 'diagonal', 'name'], (input: TensorLike, diagonal: TensorLike, name?: string): Tensor => {
  const [x, d] = toTensorPair(input, diagonal);
  return makeOp(x.graph, 'MatrixSetDiag', [x, d], {}, name, 'MatrixSetDiag').outputs[0]!;
}, 2);
/** `tf.cross(a, b, name?)`: pairwise cross products of [..., 3] vectors. */
export const cross = tf1Function('cross', ['a', 'b', 'name'], (a: TensorLike, b: TensorLike, name?: string): Tensor => {
  const [x, y] = toTensorPair(a, b);
  return makeOp(x.graph, 'Cross', [x, y], {}, name, 'Cross').outputs[0]!;
}, 2);

/** `tf.matrixTranspose(a, name = 'matrix_transpose', conjugate = false)`: swaps the last two dims. */
export const matrixTranspose = tf1Function('matrixTranspose', ['a', 'name', 'conjugate'], (a: TensorLike, name?: string, _conjugate?: boolean): Tensor => {
  const x = toTensor(a);
  const r = x.shape?.length;
  if (r === undefined) throw new ValueError('matrix_transpose needs the rank of its input known when the graph is built');
  if (r < 2) throw new ValueError(`Argument 'a' should be a (batch) matrix, with rank >= 2.  Found: [${x.shape!.join(',')}]`);
  const perm = [...Array(r - 2).keys(), r - 1, r - 2];
  return x.graph.nameScope(name ?? 'matrix_transpose', (scope) => transpose(x, perm, scope));
}, 1);

/** `tf.trace(x, name?)`: Σ of each innermost matrix's main diagonal. */
export const trace = tf1Function('trace', ['x', 'name'], (x: TensorLike, name?: string): Tensor => {
  const t = toTensor(x);
  return t.graph.nameScope(name ?? 'Trace', (scope) => reduceSum(matrixDiagPart(t), [-1], { name: scope }));
}, 1);

/**
 * `tf.eye(numRows, numColumns?, batchShape?, dtype = float32, name?)`: TF's composition, the
 * matrix diagonal of ones over `batchShape` (set into zeros when not square). `numRows`,
 * `numColumns` and `batchShape` may be tensors (scalars, an int32 vector): the shape then
 * follows from their values when the graph runs.
 */
export const eye = tf1Function('eye', ['numRows', 'numColumns', 'batchShape', 'dtype', 'name'],
  (numRows: number | Tensor, numColumns?: number | Tensor | null, batchShape?: readonly number[] | Tensor | null, dtype?: DType | string | null, name?: string): Tensor => {
    const dt = (dtype ?? 'float32') as DType;
    const isTensor = (x: unknown): x is Tensor => x instanceof Tensor;
    return getDefaultGraph().nameScope(name ?? 'eye', (scope) => {
      let square = numColumns === undefined || numColumns === null;
      const n = numRows;
      const m = square ? n : numColumns!;
      const batch = batchShape ?? [];
      let diagShape: TensorLike;
      let fullShape: TensorLike;
      if (isTensor(n) || isTensor(m) || isTensor(batch)) {
        for (const [k, v] of [['num_rows', n], ['num_columns', m]] as const) {
          if (isTensor(v) && v.shape !== null && v.shape.length !== 0) throw new ValueError(`Shape must be rank 0 but is rank ${v.shape.length} for '${k}'`);
        }
        const b = toTensor(batch as TensorLike, 'int32', 'shape');
        const dim = (v: number | Tensor): Tensor => reshape(toTensor(v, 'int32'), [1]);
        const diagSize = isTensor(n) || isTensor(m) ? minimum(toTensor(n, 'int32'), toTensor(m, 'int32')) : toTensor(Math.min(n, m), 'int32');
        diagShape = concat([b, reshape(diagSize, [1])], 0);
        fullShape = square ? diagShape : concat([b, dim(n), dim(m)], 0);
      } else {
        for (const v of [n, m]) {
          if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError('num_rows and num_columns must be positive integer values.');
        }
        for (const [k, v] of [['num_rows', n], ['num_columns', m]] as const) {
          if (v < 0) throw new ValueError(`${k} must be a non-negative integer, got ${String(v)}`);
        }
        square = n === m;
        diagShape = [...batch, Math.min(n, m)];
        fullShape = [...batch, n, m];
      }
      const d = ones(diagShape as never, dt);
      if (square) return makeOp(d.graph, 'MatrixDiag', [d], {}, scope, 'MatrixDiag').outputs[0]!;
      return makeOp(d.graph, 'MatrixSetDiag', [zeros(fullShape as never, dt), d], {}, scope, 'MatrixSetDiag').outputs[0]!;
    });
  }, 1);

/** `tf.matrixInverse(input, adjoint = false, name?)`. */
export const matrixInverse = tf1Function('matrixInverse', ['input', 'adjoint', 'name'], (input: TensorLike, adjoint?: boolean, name?: string): Tensor => {
  const x = toTensor(input);
  return makeOp(x.graph, 'MatrixInverse', [x], { adjoint: !!adjoint }, name, 'MatrixInverse').outputs[0]!;
}, 1);
/** `tf.matrixDeterminant(input, name?)`. */
export const matrixDeterminant = unary('MatrixDeterminant', 'matrixDeterminant', 'MatrixDeterminant');
/** `tf.cholesky(input, name?)`: lower-triangular L with L·Lᵀ = input (only its lower triangle is read). */
export const cholesky = unary('Cholesky', 'cholesky', 'Cholesky');
/** `tf.matrixTriangularSolve(matrix, rhs, lower = true, adjoint = false, name?)`. */
export const matrixTriangularSolve = tf1Function('matrixTriangularSolve', ['matrix', 'rhs', 'lower', 'adjoint', 'name'],
  (matrix: TensorLike, rhs: TensorLike, lower?: boolean | null, adjoint?: boolean | null, name?: string): Tensor => {
    const [m, r] = toTensorPair(matrix, rhs);
    return makeOp(m.graph, 'MatrixTriangularSolve', [m, r], { lower: lower ?? true, adjoint: adjoint ?? false }, name, 'MatrixTriangularSolve').outputs[0]!;
  }, 2);
/** `tf.matrixSolve(matrix, rhs, adjoint = false, name?)`. */
export const matrixSolve = tf1Function('matrixSolve', ['matrix', 'rhs', 'adjoint', 'name'],
  (matrix: TensorLike, rhs: TensorLike, adjoint?: boolean | null, name?: string): Tensor => {
    const [m, r] = toTensorPair(matrix, rhs);
    return makeOp(m.graph, 'MatrixSolve', [m, r], { adjoint: adjoint ?? false }, name, 'MatrixSolve').outputs[0]!;
  }, 2);
/** `tf.choleskySolve(chol, rhs, name?)`: solves A·X = rhs from A's Cholesky factor (two triangular solves). */
export const choleskySolve = tf1Function('choleskySolve', ['chol', 'rhs', 'name'], (chol: TensorLike, rhs: TensorLike, name?: string): Tensor => {
  const [l, r] = toTensorPair(chol, rhs);
  return l.graph.nameScope(name ?? 'cholesky_solve', (scope) => {
    const y = matrixTriangularSolve(l, r, true, false);
    return matrixTriangularSolve(l, y, true, true, scope);
  });
}, 2);

/**
 * `tf.matrixSolveLs(matrix, rhs, l2Regularizer = 0, fast = true, name?)`: least squares through
 * the Cholesky factor of the regularized Gramian, as TF1's fast path: AᵀA + λI for m ≥ n,
 * else the minimum-norm solution through AAᵀ + λI.
 */
export const matrixSolveLs = tf1Function('matrixSolveLs', ['matrix', 'rhs', 'l2Regularizer', 'fast', 'name'],
  (matrix: TensorLike, rhs: TensorLike, l2Regularizer?: TensorLike, fast?: boolean, name?: string): Tensor => {
    if (fast === false) throw new ValueError('matrix_solve_ls: tsflow implements the fast (Cholesky) path only; pass fast=true');
    const [a, r] = toTensorPair(matrix, rhs);
    const s = a.shape;
    if (s === null || s.length < 2 || s[s.length - 1] === null || s[s.length - 2] === null) throw new ValueError('matrix_solve_ls needs the matrix dims known when the graph is built');
    const m = s[s.length - 2]!;
    const n = s[s.length - 1]!;
    const batch = s.slice(0, -2);
    if (batch.some((d) => d === null)) throw new ValueError('matrix_solve_ls needs the batch dims known when the graph is built');
    return a.graph.nameScope(name ?? 'matrix_solve_ls', (scope) => {
      const l2 = toTensor(l2Regularizer ?? 0, a.dtype);
      const gramian = (first: boolean): Tensor => {
        const g = first ? matmul(a, a, { transposeA: true }) : matmul(a, a, { transposeB: true });
        const k = first ? n : m;
        return cholesky(add(g, multiply(l2, eye(k, { batchShape: batch as number[], dtype: a.dtype }))));
      };
      if (m >= n) return choleskySolve(gramian(true), matmul(a, r, { transposeA: true }), scope);
      return matmul(a, choleskySolve(gramian(false), r), { transposeA: true, name: scope });
    });
  }, 2);

/** `tf.linalg.slogdet(input, name?)` → `[sign, logAbsDeterminant]` (TF's LogMatrixDeterminant). */
export const slogdet = tf1Function('linalg.slogdet', ['input', 'name'], (input: TensorLike, name?: string): [Tensor, Tensor] => {
  const x = toTensor(input);
  const op = makeOp(x.graph, 'LogMatrixDeterminant', [x], {}, name, 'LogMatrixDeterminant');
  return [op.outputs[0]!, op.outputs[1]!];
}, 1);
/** `tf.linalg.logdet(matrix, name?)`: log det of a Hermitian positive definite matrix, 2·Σ log diag(cholesky). */
export const logdet = tf1Function('linalg.logdet', ['matrix', 'name'], (matrix: TensorLike, name?: string): Tensor => {
  const x = toTensor(matrix);
  return x.graph.nameScope(name ?? 'logdet', (scope) => multiply(2, reduceSum(log(matrixDiagPart(cholesky(x))), [-1]), scope));
}, 1);

