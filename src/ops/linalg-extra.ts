/**
 * TF 1.15's remaining `tf.linalg` names:
 *
 * - `expm(input, name?)`: linalg_impl.py's matrix_exponential, a graph composition (scaling and
 *   squaring with Padé approximants of degree 3, 5, 7 (float16/float32) and 9, 13 (float64),
 *   picked per matrix by its 1-norm; MatrixSolve for the quotient; a while loop of squarings), so
 *   its gradient is the composition's.
 * - `lu(input, outputIdxType = int32, name?)`: the Lu op, LU with partial pivoting (the largest
 *   |pivot| in its column, the first on ties, as Eigen's PartialPivLU): `[lu, p]` with L's unit
 *   diagonal implicit and `lu`'s rows those of `input[p]`. TF 1.15 registers no gradient for it.
 * - `pinv(a, rcond?, validateArgs = false, name?)`: linalg_impl.py's Moore–Penrose
 *   pseudo-inverse from the SVD, differentiable through it.
 * - `tridiagonalSolve(diagonals, rhs, diagonalsFormat = 'compact', transposeRhs = false,
 *   conjugateRhs = false, name?, partialPivoting = true)`: the 'compact', 'sequence' and 'matrix'
 *   formats of linalg_impl.py around the TridiagonalSolve op (Gaussian elimination with partial
 *   pivoting as LAPACK's gtsv, or the Thomas algorithm), with linalg_grad.py's gradient.
 *
 * Lu and TridiagonalSolve run on the host before the device plan, in float64 whatever the dtype,
 * as the decompositions do.
 */
import { tf1Function } from '../args.js';
import type { DType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import { A, registerExporter } from '../graphdef/export.js';
import { RULES, make } from '../graphdef/import-rules.js';
import type { NDArray } from '../ndarray.js';
import { type Dim, type PartialShape, pyShape } from '../shape.js';
import { concat, expandDims, reshape, shape as shapeOf, shapeFnError, squeeze, stack, transpose, zeros } from './array.js';
import { assertRankAtLeast } from './check-ops.js';
import { conj } from './complex.js';
import { whileLoop } from './control-flow/index.js';
import { type TensorLike, toTensor } from './convert.js';
import { identity } from './core.js';
import { arrayOf, defineHostOp, valuesOf } from './host-values.js';
import { eye, matrixSolve, matrixTranspose } from './linalg.js';
import { svdOp } from './linalg-decomp.js';
import {
  abs, add, cast, divide, floor, greater, less, log, matmul, maximum, multiply, negative, pow, reduceMax, reduceSum, subtract, where,
} from './math.js';
import { pad } from './pad.js';
import { makeOp, registerGradient, registerNoGradient } from './registry.js';
import { gatherNd } from './scatter-nd.js';
import { index } from './strided-slice.js';

const dimOf = (s: PartialShape, i: number): Dim => (s === null ? null : (s[i < 0 ? s.length + i : i] ?? null));

// ----- expm ------------------------------------------------------------------------------------
const PADE: Record<number, number[]> = {
  3: [120, 60, 12],
  5: [30240, 15120, 3360, 420, 30],
  7: [17297280, 8648640, 1995840, 277200, 25200, 1512, 56],
  9: [17643225600, 8821612800, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90],
  13: [
    64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600,
    670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182,
  ],
};

/** The Padé approximant's [U, V] of the batch of matrices `m` ([B, n, n]): exp(m) ≈ (V − U)⁻¹(V + U). */
function padeUV(m: Tensor, degree: 3 | 5 | 7 | 9 | 13): [Tensor, Tensor] {
  const b = PADE[degree]!.map((v) => toTensor(v, m.dtype));
  const ms = m.shape;
  const ident = ms !== null && ms.every((d) => d !== null)
    ? eye(ms[ms.length - 2]!, null, ms.slice(0, -2) as number[], m.dtype)
    : eye(index(shapeOf(m), -2), null, index(shapeOf(m), ':-2'), m.dtype);
  const m2 = matmul(m, m);
  const sc = (k: number, t: Tensor): Tensor => multiply(b[k]!, t);
  if (degree === 13) {
    const m4 = matmul(m2, m2);
    const m6 = matmul(m4, m2);
    const tmpU = add(add(add(add(matmul(m6, add(add(m6, sc(11, m4)), sc(9, m2))), sc(7, m6)), sc(5, m4)), sc(3, m2)), sc(1, ident));
    const u = matmul(m, tmpU);
    const tmpV = add(add(sc(12, m6), sc(10, m4)), sc(8, m2));
    const v = add(add(add(add(matmul(m6, tmpV), sc(6, m6)), sc(4, m4)), sc(2, m2)), sc(0, ident));
    return [u, v];
  }
  // powers m², m⁴, …, m^(degree−1): U = m·(Σ b[2k+1]·m^2k), V = Σ b[2k]·m^2k, the top power's odd coefficient 1
  const powers = [ident, m2];
  for (let p = 4; p < degree; p += 2) powers.push(matmul(powers[powers.length - 1]!, m2));
  const top = powers.length - 1;
  let tmp: Tensor = powers[top]!;
  for (let k = top - 1; k >= 0; k--) tmp = add(tmp, sc(2 * k + 1, powers[k]!));
  let v: Tensor = sc(2 * top, powers[top]!);
  for (let k = top - 1; k >= 0; k--) v = add(v, sc(2 * k, powers[k]!));
  return [matmul(m, tmp), v];
}

/** `tf.linalg.expm(input, name=None)`: the matrix exponential of each innermost square matrix (scipy.linalg.expm). */
export const expm = tf1Function('linalg.expm', ['input', 'name'], (input: TensorLike, name?: string | null): Tensor => {
  const x0 = toTensor(input, undefined, 'input');
  return x0.graph.nameScope(name ?? 'matrix_exponential', () => {
    const s0 = x0.shape;
    if (s0 !== null && s0.length >= 2 && s0[s0.length - 2] === 0 && s0[s0.length - 1] === 0) return x0;
    const staticBatch = s0 === null ? null : s0.slice(0, -2);
    const batchKnown = staticBatch !== null && staticBatch.every((d) => d !== null);
    const batchShape: Tensor | number[] = batchKnown ? (staticBatch as number[]) : index(shapeOf(x0), ':-2');
    const inner = s0 === null ? [null, null] : s0.slice(-2);
    const matrix = inner.every((d) => d !== null)
      ? reshape(x0, [-1, ...(inner as number[])])
      : reshape(x0, concat([toTensor([-1], 'int32'), index(shapeOf(x0), '-2:')], 0));
    const l1 = reduceMax(reduceSum(abs(matrix), 1), -1);
    const c = (v: number): Tensor => toTensor(v, l1.dtype);
    const perMatrix = (t: Tensor): Tensor => expandDims(expandDims(t, -1), -1);
    const nestWhere = (vals: number[], cases: Tensor[]): Tensor =>
      where(perMatrix(less(l1, c(vals[0]!))), cases[0]!, vals.length === 1 ? cases[1]! : nestWhere(vals.slice(1), cases.slice(1)));
    const scaledBy = (sq: Tensor): Tensor => divide(matrix, perMatrix(pow(toTensor(2, matrix.dtype), cast(sq, matrix.dtype))));
    const dt = matrix.dtype;
    let u: Tensor;
    let v: Tensor;
    let squarings: Tensor;
    if (dt === 'float16' || dt === 'float32') {
      squarings = maximum(floor(divide(log(divide(l1, c(3.92572478313866))), log(c(2)))), c(0));
      const [u3, v3] = padeUV(matrix, 3);
      const [u5, v5] = padeUV(matrix, 5);
      const [u7, v7] = padeUV(scaledBy(squarings), 7);
      const conds = [4.258730016922831e-1, 1.880152677804762];
      u = nestWhere(conds, [u3, u5, u7]);
      v = nestWhere(conds, [v3, v5, v7]);
    } else if (dt === 'float64') {
      squarings = maximum(floor(divide(log(divide(l1, c(5.371920351148152))), log(c(2)))), c(0));
      const [u3, v3] = padeUV(matrix, 3);
      const [u5, v5] = padeUV(matrix, 5);
      const [u7, v7] = padeUV(matrix, 7);
      const [u9, v9] = padeUV(matrix, 9);
      const [u13, v13] = padeUV(scaledBy(squarings), 13);
      const conds = [1.495585217958292e-2, 2.53939833006323e-1, 9.504178996162932e-1, 2.097847961257068];
      u = nestWhere(conds, [u3, u5, u7, u9, u13]);
      v = nestWhere(conds, [v3, v5, v7, v9, v13]);
    } else {
      throw new ValueError(`tf.linalg.expm does not support matrices of type <dtype: '${dt}'>`);
    }
    const numer = add(u, v);
    const denom = add(negative(u), v);
    const result0 = matrixSolve(denom, numer);
    const maxSquarings = reduceMax(squarings);
    const [, result] = whileLoop(
      (i: Tensor) => less(i, maxSquarings),
      (i: Tensor, r: Tensor) => [add(i, c(1)), where(perMatrix(less(i, squarings)), matmul(r, r), r)],
      [c(0), result0],
    ) as Tensor[];
    const ms = matrix.shape;
    if (ms === null || ms.some((d) => d === null) || !batchKnown) {
      return reshape(result!, concat([batchShape instanceof Tensor ? batchShape : toTensor(batchShape, 'int32'), index(shapeOf(result!), '-2:')], 0));
    }
    return reshape(result!, [...(batchShape as number[]), ...(ms.slice(-2) as number[])]);
  });
}, 1);

// ----- Lu --------------------------------------------------------------------------------------
const LU_TYPES = ['float64', 'float32', 'float16'];
const LU_ALLOWED = 'float64, float32, float16, complex64, complex128';

/**
 * In-place LU with partial pivoting of the n×n row-major `a` (Eigen's unblocked PartialPivLU):
 * returns the row permutation (`a`'s final row i is the input's row perm[i]); false when a pivot is 0.
 */
export function luInPlace(a: Float64Array, n: number, perm: Int32Array): boolean {
  let ok = true;
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let k = 0; k < n; k++) {
    let p = k;
    let big = Math.abs(a[k * n + k]!);
    for (let r = k + 1; r < n; r++) {
      const v = Math.abs(a[r * n + k]!);
      if (v > big) {
        big = v;
        p = r;
      }
    }
    if (big !== 0) {
      if (p !== k) {
        for (let j = 0; j < n; j++) [a[k * n + j], a[p * n + j]] = [a[p * n + j]!, a[k * n + j]!];
        [perm[k], perm[p]] = [perm[p]!, perm[k]!];
      }
      const piv = a[k * n + k]!;
      for (let r = k + 1; r < n; r++) a[r * n + k]! /= piv;
    } else {
      ok = false;
    }
    for (let r = k + 1; r < n; r++) {
      const f = a[r * n + k]!;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) a[r * n + j]! -= f * a[k * n + j]!;
    }
  }
  return ok;
}

defineHostOp<{ outputIdxType: DType }>({
  type: 'Lu',
  infer: ([x], a, name) => {
    if (!LU_TYPES.includes(x!.dtype)) {
      throw new TypeError(`Value passed to parameter 'input' has DataType ${x!.dtype} not in list of allowed values: ${LU_ALLOWED}`);
    }
    const s = x!.shape;
    if (s === null) return [{ dtype: x!.dtype, shape: null }, { dtype: a.outputIdxType, shape: null }];
    if (s.length < 2) throw shapeFnError(`Shape must be at least rank 2 but is rank ${s.length}`, name, 'Lu', [s]);
    const r = s[s.length - 2]!;
    const c = s[s.length - 1]!;
    if (r !== null && c !== null && r !== c) throw shapeFnError(`Dimensions must be equal, but are ${r} and ${c}`, name, 'Lu', [s]);
    const n: Dim = r ?? c;
    const batch = s.slice(0, -2);
    return [{ dtype: x!.dtype, shape: [...batch, n, n] }, { dtype: a.outputIdxType, shape: [...batch, n] }];
  },
  run: ([x], a, op) => {
    const s = x!.shape;
    if (s.length < 2) throw new InvalidArgumentError(`Input tensor must have rank >= 2, got ${s.length}`, op.name);
    const n = s[s.length - 1]!;
    if (s[s.length - 2] !== n) throw new InvalidArgumentError('Input matrix must be square.', op.name);
    const v = Float64Array.from(valuesOf(x as NDArray));
    const count = n === 0 ? 0 : v.length / (n * n);
    const perm = new Int32Array(count * n);
    for (let b = 0; b < count; b++) {
      const m = v.subarray(b * n * n, (b + 1) * n * n);
      const p = perm.subarray(b * n, (b + 1) * n);
      if (!luInPlace(m, n, p)) throw new InvalidArgumentError('Input is not invertible.', op.name);
      // the diagonal as stored in the dtype: a pivot that rounds to 0 is not invertible either
      for (let i = 0; i < n; i++) if (Math.abs(x!.dtype === 'float32' ? Math.fround(m[i * n + i]!) : m[i * n + i]!) === 0) throw new InvalidArgumentError('Input is not invertible.', op.name);
    }
    return [arrayOf(v, s, x!.dtype), arrayOf(perm, [...s.slice(0, -1)], a.outputIdxType)];
  },
});
// TF 1.15 registers no gradient for Lu: tf.gradients through it raises TF's LookupError.
registerNoGradient('Lu');

/** `tf.linalg.lu(input, output_idx_type=tf.int32, name=None)` → `[lu, p]`: P·input = L·U, `lu` packing L (unit diagonal implicit) and U. */
export const lu = tf1Function('linalg.lu', ['input', 'outputIdxType', 'name'], (input: TensorLike, outputIdxType?: DType | string | null, name?: string | null): [Tensor, Tensor] => {
  const x = toTensor(input, undefined, 'input');
  const idx = String(outputIdxType ?? 'int32');
  if (idx !== 'int32' && idx !== 'int64') throw new TypeError(`Value for attr 'output_idx_type' of ${idx} is not in the list of allowed values: int32, int64`);
  const op = makeOp(x.graph, 'Lu', [x], { outputIdxType: idx as DType }, name ?? undefined, 'Lu');
  return [op.outputs[0]!, op.outputs[1]!];
}, 1);

// ----- pinv ------------------------------------------------------------------------------------
const EPS: Partial<Record<DType, number>> = { float16: 2 ** -10, float32: 2 ** -23, float64: 2 ** -52 };

/** `tf.linalg.pinv(a, rcond=None, validate_args=False, name=None)`: the Moore–Penrose pseudo-inverse of each innermost matrix. */
export const pinv = tf1Function('linalg.pinv', ['a', 'rcond', 'validateArgs', 'name'],
  (a: TensorLike, rcond?: TensorLike | null, validateArgs?: boolean | null, name?: string | null): Tensor => {
    const g = a instanceof Tensor ? a.graph : getDefaultGraph();
    return g.nameScope(name ?? 'pinv', () => {
      let x = toTensor(a, undefined, 'a');
      if (!(x.dtype in EPS)) throw new TypeError(`Input \`a\` must have \`float\`-like \`dtype\` (saw ${x.dtype}).`);
      const s = x.shape;
      if (s !== null && s.length < 2) throw new ValueError(`Input \`a\` must have at least 2 dimensions (saw: ${s.length}).`);
      if (s === null && validateArgs) {
        const check = assertRankAtLeast(x, 2, { message: 'Input `a` must have at least 2 dimensions.' });
        x = x.graph.controlDependencies([check], () => identity(x));
      }
      const eps = EPS[x.dtype]!;
      let rc: Tensor;
      if (rcond === undefined || rcond === null) {
        const rows = dimOf(x.shape, -2);
        const cols = dimOf(x.shape, -1);
        if (rows !== null && cols !== null) {
          rc = toTensor(10 * Math.max(rows, cols) * eps, x.dtype, 'rcond');
        } else {
          const sh = shapeOf(x);
          const mx = cast(maximum(index(sh, -2), index(sh, -1)), x.dtype);
          rc = multiply(toTensor(10 * eps, x.dtype), mx, 'rcond');
        }
      } else {
        rc = rcond instanceof Tensor ? rcond : toTensor(rcond, x.dtype, 'rcond');
      }
      const [sv, left, right] = svdOp(x, false, true) as [Tensor, Tensor, Tensor];
      const cutoff = multiply(rc, reduceMax(sv, -1));
      const safe = where(greater(sv, expandDims(cutoff, -1)), sv, toTensor(Infinity, x.dtype));
      const out = matmul(divide(right, expandDims(safe, -2)), left, { adjointB: true });
      if (s !== null) out.setShape([...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!]);
      return out;
    });
  }, 1);

// ----- TridiagonalSolve --------------------------------------------------------------------------
const TRI_TYPES = ['float64', 'float32'];
const TRI_ALLOWED = 'float64, float32, complex64, complex128';
const NOT_INVERTIBLE = 'The matrix is not invertible.';
const NOT_INVERTIBLE_SCALAR = 'The matrix is not invertible: it is a scalar with value zero.';
const THOMAS_FAILED = 'The matrix is either not invertible, or requires pivoting. Try setting partial_pivoting = True.';

/**
 * Solve one tridiagonal system: super/main/sub diagonals of length n (super[n−1] and sub[0]
 * unused), rhs and x n×k row-major. Returns an error text or null.
 */
export function solveTridiagonal(
  sup: Float64Array, diag: Float64Array, sub: Float64Array, rhs: Float64Array, k: number, pivoting: boolean, x: Float64Array,
): string | null {
  const n = diag.length;
  if (n === 0) return null;
  const row = (dst: Float64Array, i: number, f: (j: number) => number) => { for (let j = 0; j < k; j++) dst[i * k + j] = f(j); };
  if (n === 1) {
    if (diag[0] === 0) return NOT_INVERTIBLE_SCALAR;
    row(x, 0, (j) => rhs[j]! / diag[0]!);
    return null;
  }
  if (pivoting) {
    // u0, u1, u2: U's diagonal and its first and second superdiagonals (LAPACK gtsv's elimination)
    const u0 = new Float64Array(n);
    const u1 = new Float64Array(n);
    const u2 = new Float64Array(n);
    u0[0] = diag[0]!;
    u1[0] = sup[0]!;
    row(x, 0, (j) => rhs[j]!);
    for (let i = 0; i < n - 1; i++) {
      if (Math.abs(u0[i]!) >= Math.abs(sub[i + 1]!)) {
        if (u0[i] === 0) return NOT_INVERTIBLE;
        const f = sub[i + 1]! / u0[i]!;
        u0[i + 1] = diag[i + 1]! - f * u1[i]!;
        row(x, i + 1, (j) => rhs[(i + 1) * k + j]! - f * x[i * k + j]!);
        if (i !== n - 2) {
          u1[i + 1] = sup[i + 1]!;
          u2[i] = 0;
        }
      } else {
        const f = u0[i]! / sub[i + 1]!;
        u0[i] = sub[i + 1]!;
        u0[i + 1] = u1[i]! - f * diag[i + 1]!;
        u1[i] = diag[i + 1]!;
        row(x, i + 1, (j) => x[i * k + j]! - f * rhs[(i + 1) * k + j]!);
        row(x, i, (j) => rhs[(i + 1) * k + j]!);
        if (i !== n - 2) {
          u2[i] = sup[i + 1]!;
          u1[i + 1] = -f * sup[i + 1]!;
        }
      }
    }
    if (u0[n - 1] === 0) return NOT_INVERTIBLE;
    row(x, n - 1, (j) => x[(n - 1) * k + j]! / u0[n - 1]!);
    row(x, n - 2, (j) => (x[(n - 2) * k + j]! - u1[n - 2]! * x[(n - 1) * k + j]!) / u0[n - 2]!);
    for (let i = n - 3; i >= 0; i--) {
      row(x, i, (j) => (x[i * k + j]! - u1[i]! * x[(i + 1) * k + j]! - u2[i]! * x[(i + 2) * k + j]!) / u0[i]!);
    }
    return null;
  }
  // the Thomas algorithm: U has a unit diagonal and superdiagonal u
  const u = new Float64Array(n);
  if (diag[0] === 0) return THOMAS_FAILED;
  u[0] = sup[0]! / diag[0]!;
  row(x, 0, (j) => rhs[j]! / diag[0]!);
  for (let i = 1; i < n; i++) {
    const den = diag[i]! - sub[i]! * u[i - 1]!;
    if (den === 0) return THOMAS_FAILED;
    u[i] = sup[i]! / den;
    row(x, i, (j) => (rhs[i * k + j]! - sub[i]! * x[(i - 1) * k + j]!) / den);
  }
  for (let i = n - 2; i >= 0; i--) row(x, i, (j) => x[i * k + j]! - u[i]! * x[(i + 1) * k + j]!);
  return null;
}

defineHostOp<{ partialPivoting: boolean }>({
  type: 'TridiagonalSolve',
  infer: ([d, r], _a, name) => {
    for (const [t, p] of [[d!, 'diagonals'], [r!, 'rhs']] as const) {
      if (!TRI_TYPES.includes(t.dtype)) throw new TypeError(`Value passed to parameter '${p}' has DataType ${t.dtype} not in list of allowed values: ${TRI_ALLOWED}`);
    }
    if (d!.dtype !== r!.dtype) throw new TypeError(`Input 'rhs' of 'TridiagonalSolve' Op has type ${r!.dtype} that does not match type ${d!.dtype} of argument 'diagonals'.`);
    const ls = d!.shape;
    const rs = r!.shape;
    const shapes = [ls, rs];
    for (const s of shapes) if (s !== null && s.length < 2) throw shapeFnError(`Shape must be at least rank 2 but is rank ${s.length}`, name, 'TridiagonalSolve', shapes);
    if (ls !== null && rs !== null) {
      const lb = ls.slice(0, -2);
      const rb = rs.slice(0, -2);
      if (lb.length !== rb.length) throw shapeFnError(`Shapes must be equal rank, but are ${lb.length} and ${rb.length}`, name, 'TridiagonalSolve', shapes);
      lb.forEach((dd, i) => {
        const e = rb[i]!;
        if (dd !== null && e !== null && dd !== e) throw shapeFnError(`Dimensions must be equal, but are ${dd} and ${e}`, name, 'TridiagonalSolve', shapes);
      });
    }
    const ml = dimOf(ls, -1);
    const mr = dimOf(rs, -2);
    if (ml !== null && mr !== null && ml !== mr) throw shapeFnError(`Dimensions must be equal, but are ${ml} and ${mr}`, name, 'TridiagonalSolve', shapes);
    const three = dimOf(ls, -2);
    if (three !== null && three !== 3) throw shapeFnError(`Dimension must be 3 but is ${three}`, name, 'TridiagonalSolve', shapes);
    let out: PartialShape = rs;
    if (rs !== null && ls !== null) out = rs.map((dd, i) => (i < rs.length - 2 ? (dd ?? ls[i]!) : i === rs.length - 2 ? (dd ?? ml) : dd));
    return [{ dtype: r!.dtype, shape: out }];
  },
  run: ([d, r], a, op) => {
    const ls = d!.shape;
    const rs = r!.shape;
    for (const [i, s] of [ls, rs].entries()) if (s.length < 2) throw new InvalidArgumentError(`Input tensor ${i} must have rank >= 2, got ${s.length}`, op.name);
    if (ls.length !== rs.length) throw new InvalidArgumentError('All input tensors must have the same rank.', op.name);
    for (let i = 0; i < ls.length - 2; i++) if (ls[i] !== rs[i]) throw new InvalidArgumentError('All input tensors must have the same outer dimensions.', op.name);
    const rows = ls[ls.length - 2]!;
    const n = ls[ls.length - 1]!;
    const k = rs[rs.length - 1]!;
    if (rows !== 3) throw new InvalidArgumentError(`Expected diagonals to be provided as a matrix with 3 rows, got ${rows} rows.`, op.name);
    if (rs[rs.length - 2] !== n) throw new InvalidArgumentError(`Expected the same number of left-hand sides and right-hand sides, got ${n} and ${rs[rs.length - 2]}.`, op.name);
    const dv = valuesOf(d as NDArray);
    const rv = valuesOf(r as NDArray);
    const count = ls.slice(0, -2).reduce((p, x) => p * x, 1);
    const out = new Float64Array(count * n * k);
    for (let b = 0; b < count; b++) {
      const base = b * 3 * n;
      const err = solveTridiagonal(
        dv.subarray(base, base + n), dv.subarray(base + n, base + 2 * n), dv.subarray(base + 2 * n, base + 3 * n),
        rv.subarray(b * n * k, (b + 1) * n * k), k, a.partialPivoting, out.subarray(b * n * k, (b + 1) * n * k),
      );
      if (err) throw new InvalidArgumentError(err, op.name);
    }
    return [arrayOf(out, rs, r!.dtype)];
  },
});

registerExporter(['Lu'], ({ op, attrs }) => ({ T: A.type(op.inputs[0]!.dtype), output_idx_type: A.type(attrs.outputIdxType as DType) }));
RULES.set('Lu', (c) => make(c, 'Lu', c.inputs, { outputIdxType: c.attrs.type('output_idx_type', 'int32') }));
registerExporter(['TridiagonalSolve'], ({ op, attrs }) => ({ T: A.type(op.inputs[0]!.dtype), partial_pivoting: A.b(attrs.partialPivoting !== false) }));
RULES.set('TridiagonalSolve', (c) => make(c, 'TridiagonalSolve', c.inputs, { partialPivoting: c.attrs.bool('partial_pivoting', true) }));

function tridiagonalSolveOp(diagonals: Tensor, rhs: Tensor, partialPivoting: boolean, name?: string): Tensor {
  return makeOp(diagonals.graph, 'TridiagonalSolve', [diagonals, rhs], { partialPivoting }, name, 'TridiagonalSolve').outputs[0]!;
}

/** The compact diagonals of the transposed matrix: super ← sub shifted left, sub ← super shifted right. */
function transposeTridiagonal(diags: Tensor): Tensor {
  const diag = index(diags, '...', 1, ':');
  const s = diags.shape;
  if (s !== null && s.every((d) => d !== null)) {
    const z = zeros([...(s.slice(0, -2) as number[]), 1], diags.dtype);
    const sup = concat([index(diags, '...', 2, '1:'), z], -1);
    const sub = concat([z, index(diags, '...', 0, ':-1')], -1);
    return stack([sup, diag, sub], -2);
  }
  const rank = s === null ? null : s.length;
  if (rank === null) throw new ValueError("TridiagonalSolve's gradient needs the rank of its diagonals known");
  const lead = Array.from({ length: rank - 2 }, () => [0, 0]);
  const sup = pad(index(diags, '...', 2, '1:'), [...lead, [0, 1]]);
  const sub = pad(index(diags, '...', 0, ':-1'), [...lead, [1, 0]]);
  return stack([sup, diag, sub], -2);
}

/** The three diagonals (compact form) of x · y_trᵀ, for x and y_tr of shape [..., M, K]. */
function matmulThreeDiagonals(x: Tensor, yTr: Tensor): Tensor {
  const diag = reduceSum(multiply(x, yTr), -1);
  const s = yTr.shape;
  if (s === null) throw new ValueError("TridiagonalSolve's gradient needs the rank of its output known");
  const lead = Array.from({ length: s.length - 2 }, () => [0, 0]);
  const sup = reduceSum(multiply(x, pad(index(yTr, '...', '1:', ':'), [...lead, [0, 1], [0, 0]])), -1);
  const sub = reduceSum(multiply(x, pad(index(yTr, '...', ':-1', ':'), [...lead, [1, 0], [0, 0]])), -1);
  return stack([sup, diag, sub], -2);
}

// TF 1.15 _TridiagonalSolveGrad: rhs gets Aᵀ⁻¹·grad, the diagonals −(that)·xᵀ's three diagonals.
registerGradient('TridiagonalSolve', (op, [grad]) => {
  if (!grad) return [null, null];
  const diags = op.inputs[0]!;
  const x = op.outputs[0]!;
  const gradRhs = tridiagonalSolveOp(transposeTridiagonal(diags), grad, op.attrs.partialPivoting !== false);
  const gradDiags = negative(matmulThreeDiagonals(gradRhs, x));
  return [gradDiags, gradRhs];
});

function solveCompact(diagonals: Tensor, rhs: Tensor, transposeRhs: boolean, conjugateRhs: boolean, partialPivoting: boolean, name?: string): Tensor {
  const ds = diagonals.shape;
  const rs = rhs.shape;
  if (ds === null || rs === null) throw new ValueError('tridiagonal_solve needs the ranks of diagonals and rhs known when the graph is built');
  const dr = ds.length;
  const rr = rs.length;
  if (dr < 2) throw new ValueError(`Expected diagonals to have rank at least 2, got ${dr}`);
  if (rr !== dr && rr !== dr - 1) throw new ValueError(`Expected the rank of rhs to be ${dr - 1} or ${dr}, got ${rr}`);
  const three = ds[dr - 2]!;
  if (three !== null && three !== 3) throw new ValueError(`Expected 3 diagonals got ${three}`);
  const db = ds.slice(0, -2);
  const rb = rs.slice(0, dr - 2);
  if (db.length !== rb.length || db.some((d, i) => d !== null && rb[i] !== null && d !== rb[i])) {
    throw new ValueError(`Batch shapes ${pyShape(db)} and ${pyShape(rb)} are incompatible`);
  }
  const checkCounts = (r: Tensor): void => {
    const m = ds[dr - 1]!;
    const mr = dimOf(r.shape, -2);
    if (m !== null && mr !== null && m !== mr) {
      throw new ValueError(`Expected number of left-hand sided and right-hand sides to be equal, got ${m} and ${mr}`);
    }
  };
  if (rr === dr - 1) {
    let r = conjugateRhs ? conj(rhs) : rhs;
    r = expandDims(r, -1);
    checkCounts(r);
    return squeeze(tridiagonalSolveOp(diagonals, r, partialPivoting, name), [-1]);
  }
  let r = rhs;
  if (transposeRhs) r = matrixTranspose(conjugateRhs ? conj(rhs) : rhs);
  else if (conjugateRhs) r = conj(rhs);
  checkCounts(r);
  const result = tridiagonalSolveOp(diagonals, r, partialPivoting, name);
  return transposeRhs ? matrixTranspose(result) : result;
}

/**
 * `tf.linalg.tridiagonal_solve(diagonals, rhs, diagonals_format='compact', transpose_rhs=False,
 * conjugate_rhs=False, name=None, partial_pivoting=True)`: solves A·x = rhs for tridiagonal A,
 * given as [..., 3, M] (compact: super, main, sub; super[M−1] and sub[0] ignored), a list of the
 * three diagonals (sequence; super and sub of length M or M − 1) or the [..., M, M] matrix.
 */
export const tridiagonalSolve = tf1Function('linalg.tridiagonalSolve',
  ['diagonals', 'rhs', 'diagonalsFormat', 'transposeRhs', 'conjugateRhs', 'name', 'partialPivoting'],
  (
    diagonals: TensorLike | TensorLike[], rhs: TensorLike, diagonalsFormat?: string | null, transposeRhs?: boolean | null,
    conjugateRhs?: boolean | null, name?: string | null, partialPivoting?: boolean | null,
  ): Tensor => {
    const format = diagonalsFormat ?? 'compact';
    const tr = !!transposeRhs;
    const cj = !!conjugateRhs;
    const piv = partialPivoting ?? true;
    const nm = name ?? undefined;
    const r = toTensor(rhs, undefined, 'rhs');
    if (format === 'compact') return solveCompact(toTensor(diagonals as TensorLike, undefined, 'diagonals'), r, tr, cj, piv, nm);
    if (format === 'sequence') {
      if (!Array.isArray(diagonals) || diagonals.length !== 3) throw new ValueError('Expected diagonals to be a sequence of length 3.');
      let [sup, main, sub] = diagonals.map((t) => toTensor(t)) as [Tensor, Tensor, Tensor];
      const lead = (t: Tensor) => (t.shape === null ? null : t.shape.slice(0, -1));
      const compatible = (p: PartialShape, q: PartialShape) =>
        p === null || q === null || (p.length === q.length && p.every((d, i) => d === null || q[i] === null || d === q[i]));
      if (!compatible(lead(sub), lead(main)) || !compatible(lead(sup), lead(main))) {
        throw new ValueError(`Tensors representing the three diagonals must have the same shape,except for the last dimension, got ${pyShape(sub.shape)}, ${pyShape(main.shape)}, ${pyShape(sup.shape)}`);
      }
      const m = dimOf(main.shape, -1);
      const padIfNecessary = (t: Tensor, what: string, last: [number, number]): Tensor => {
        const n = dimOf(t.shape, -1);
        if (!n || n === m) return t;
        if (m !== null && n === m - 1) return pad(t, [...Array.from({ length: t.shape!.length - 1 }, () => [0, 0]), last]);
        throw new ValueError(`Expected ${what} to be have length ${m} or ${m === null ? null : m - 1}, got ${n}.`);
      };
      sub = padIfNecessary(sub, 'subdiagonal', [1, 0]);
      sup = padIfNecessary(sup, 'superdiagonal', [0, 1]);
      return solveCompact(stack([sup, main, sub], -2), r, tr, cj, piv, nm);
    }
    if (format === 'matrix') {
      const d = toTensor(diagonals as TensorLike, undefined, 'diagonals');
      const m1 = dimOf(d.shape, -1);
      const m2 = dimOf(d.shape, -2);
      if (m1 && m2 && m1 !== m2) throw new ValueError(`Expected last two dimensions of diagonals to be same, got ${m1} and ${m2}`);
      const m = m1 || m2;
      if (!m) throw new ValueError('The size of the matrix needs to be known for diagonals_format="matrix"');
      // [super, main, sub] at column i: (i−1, i), (i, i), (i+1, i) read through the full transpose; [0, 0] stands in off the ends
      const idx: number[][][] = [];
      for (let i = 0; i < m; i++) idx.push([i === m - 1 ? [0, 0] : [i + 1, i], [i, i], i === 0 ? [0, 0] : [i - 1, i]]);
      const compact = transpose(gatherNd(transpose(d), toTensor(idx, 'int32')));
      return solveCompact(compact, r, tr, cj, piv, nm);
    }
    throw new ValueError(`Unrecognized diagonals_format: ${format}`);
  }, 2);
