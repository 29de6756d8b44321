/**
 * TF1's matrix decompositions: `tf.qr` (Qr), `tf.svd` (Svd) and `tf.selfAdjointEig` /
 * `tf.selfAdjointEigvals` (SelfAdjointEigV2), batched over the leading dims, with TF 1.15
 * linalg_grad.py's gradients (composed of matmuls, diagonals and triangular solves).
 *
 * The factorizations are iterative, so they run on the host before the device plan (as TF runs
 * them on the CPU), in float64 whatever the dtype: Householder QR, one-sided (Hestenes) Jacobi SVD
 * with singular values in descending order, cyclic Jacobi for the symmetric eigenproblem with
 * eigenvalues in ascending order (numpy's and LAPACK's orders). Each reads only what TF's kernel
 * reads (SelfAdjointEigV2 the lower triangle). Signs of the vectors are whatever the iteration
 * gives, as in TF: only products such as Q·R, U·diag(s)·Vᵀ and V·diag(e)·Vᵀ are determined.
 */
import { tf1Function } from '../args.js';
import type { DType } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import type { Dim, PartialShape } from '../shape.js';
import { expandDims, shapeFnError, slice, zerosLike } from './array.js';
import { matrixBandPart } from './band-part.js';
import { type TensorLike, toTensor } from './convert.js';
import { arrayOf, defineHostOp, valuesOf } from './host-values.js';
import { matrixDiag, matrixDiagPart, matrixSetDiag, matrixTranspose, matrixTriangularSolve } from './linalg.js';
import { add, matmul, multiply, reciprocal, square, subtract } from './math.js';
import { makeOp, registerGradient } from './registry.js';

const FLOATS = 'float64, float32, float16, complex64, complex128';
function checkFloat(t: Tensor, param: string): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64' && t.dtype !== 'float16') {
    throw new TypeError(`Value passed to parameter '${param}' has DataType ${t.dtype} not in list of allowed values: ${FLOATS}`);
  }
}
function atLeast2(s: PartialShape, name: string, type: string): void {
  if (s !== null && s.length < 2) throw shapeFnError(`Shape must be at least rank 2 but is rank ${s.length}`, name, type, [s]);
}

/** The batch of [m, n] matrices of `a` as float64 row-major copies. */
function matrices(a: NDArray): { batch: number[]; m: number; n: number; mats: Float64Array[] } {
  const s = a.shape;
  const m = s[s.length - 2]!;
  const n = s[s.length - 1]!;
  const batch = s.slice(0, -2);
  const v = valuesOf(a);
  const count = batch.reduce((p, d) => p * d, 1);
  const mats = Array.from({ length: count }, (_, b) => v.slice(b * m * n, (b + 1) * m * n));
  return { batch, m, n, mats };
}
function pack(parts: Float64Array[], shape: number[], dtype: DType): NDArray {
  const size = shape.reduce((p, d) => p * d, 1);
  const out = new Float64Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return arrayOf(out, shape, dtype);
}

// ----- kernels (row-major float64) ----------------------------------------------------------------
/** Householder QR of the m×n `a`: Q m×m and R m×n (upper trapezoidal). */
export function householderQr(a: Float64Array, m: number, n: number): { q: Float64Array; r: Float64Array } {
  const r = Float64Array.from(a);
  const q = new Float64Array(m * m);
  for (let i = 0; i < m; i++) q[i * m + i] = 1;
  const v = new Float64Array(m);
  for (let k = 0; k < Math.min(m - 1, n); k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const x0 = r[k * n + k]!;
    const alpha = x0 > 0 ? -norm : norm;
    let vn = 0;
    for (let i = k; i < m; i++) {
      v[i] = r[i * n + k]! - (i === k ? alpha : 0);
      vn += v[i]! ** 2;
    }
    if (vn === 0) continue;
    const scale = 2 / vn;
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let i = k; i < m; i++) d += v[i]! * r[i * n + j]!;
      d *= scale;
      for (let i = k; i < m; i++) r[i * n + j] -= d * v[i]!;
    }
    for (let i = 0; i < m; i++) {
      let d = 0;
      for (let l = k; l < m; l++) d += q[i * m + l]! * v[l]!;
      d *= scale;
      for (let l = k; l < m; l++) q[i * m + l] -= d * v[l]!;
    }
    for (let i = k + 1; i < m; i++) r[i * n + k] = 0;
  }
  return { q, r };
}

/** Eigen-decomposition of the symmetric n×n matrix whose lower triangle is `a`'s: ascending values, vectors as columns. */
/** A Jacobi (Givens) rotation of columns p and q of a row-major matrix with `rows` rows of `stride`. */
function rotateColumns(a: Float64Array, rows: number, stride: number, p: number, q: number, c: number, sn: number): void {
  for (let k = 0; k < rows; k++) {
    const x = a[k * stride + p]!;
    const y = a[k * stride + q]!;
    a[k * stride + p] = c * x - sn * y;
    a[k * stride + q] = sn * x + c * y;
  }
}

export function symmetricEig(a: Float64Array, n: number): { e: Float64Array; v: Float64Array } {
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) s[i * n + j] = s[j * n + i] = a[i * n + j]!;
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += s[i]! ** 2;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += s[p * n + q]! ** 2;
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = s[p * n + q]!;
        if (apq === 0) continue;
        const theta = (s[q * n + q]! - s[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        rotateColumns(s, n, n, p, q, c, sn);
        for (let k = 0; k < n; k++) {
          const apk = s[p * n + k]!;
          const aqk = s[q * n + k]!;
          s[p * n + k] = c * apk - sn * aqk;
          s[q * n + k] = sn * apk + c * aqk;
        }
        rotateColumns(v, n, n, p, q, c, sn);
      }
    }
  }
  const order = [...Array(n).keys()].sort((i, j) => s[i * n + i]! - s[j * n + j]!);
  const e = Float64Array.from(order, (i) => s[i * n + i]!);
  const vs = new Float64Array(n * n);
  for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) vs[k * n + j] = v[k * n + order[j]!]!;
  return { e, v: vs };
}

/** Columns [from, cols) of the m×cols `u` (row-major) made orthonormal to the earlier ones, from the standard basis. */
function completeBasis(u: Float64Array, m: number, cols: number, from: number): void {
  for (let j = from; j < cols; j++) {
    let best: Float64Array | null = null;
    let bestNorm = -1;
    for (let e = 0; e < m; e++) {
      const w = new Float64Array(m);
      w[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let k = 0; k < j; k++) {
          let d = 0;
          for (let i = 0; i < m; i++) d += u[i * cols + k]! * w[i]!;
          for (let i = 0; i < m; i++) w[i] -= d * u[i * cols + k]!;
        }
      }
      let nrm = 0;
      for (let i = 0; i < m; i++) nrm += w[i]! ** 2;
      if (nrm > bestNorm + 1e-12) {
        bestNorm = nrm;
        best = w;
      }
    }
    const nrm = Math.sqrt(bestNorm);
    for (let i = 0; i < m; i++) u[i * cols + j] = best![i]! / nrm;
  }
}

/**
 * SVD of the m×n `a` with m ≥ n by one-sided Jacobi: s (n, descending), U m×(full ? m : n),
 * V n×n, vectors as columns.
 */
function jacobiSvdTall(a: Float64Array, m: number, n: number, full: boolean): { s: Float64Array; u: Float64Array; v: Float64Array } {
  const w = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = w[i * n + p]!;
          const y = w[i * n + q]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = c * t;
        rotateColumns(w, m, n, p, q, c, sn);
        rotateColumns(v, n, n, p, q, c, sn);
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let i = 0; i < m; i++) s += w[i * n + j]! ** 2;
    return Math.sqrt(s);
  });
  const order = [...Array(n).keys()].sort((i, j) => norms[j]! - norms[i]!);
  const s = Float64Array.from(order, (j) => norms[j]!);
  const ucols = full ? m : n;
  const u = new Float64Array(m * ucols);
  const vs = new Float64Array(n * n);
  const tiny = (s[0] ?? 0) * 1e-13 + 1e-300;
  let good = 0;
  for (let k = 0; k < n; k++) {
    const j = order[k]!;
    for (let i = 0; i < n; i++) vs[i * n + k] = v[i * n + j]!;
    if (s[k]! > tiny) {
      for (let i = 0; i < m; i++) u[i * ucols + k] = w[i * n + j]! / s[k]!;
      good = k + 1;
    }
  }
  completeBasis(u, m, ucols, good);
  return { s, u, v: vs };
}

const transposed = (a: Float64Array, m: number, n: number): Float64Array => {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j]!;
  return t;
};

/** SVD of the m×n `a`: s (min(m,n), descending), U m×(full ? m : p), V n×(full ? n : p). */
export function svd(a: Float64Array, m: number, n: number, full: boolean): { s: Float64Array; u: Float64Array; v: Float64Array } {
  if (m >= n) {
    const r = jacobiSvdTall(a, m, n, full);
    return r;
  }
  // A = U S Vᵀ ⇔ Aᵀ = V S Uᵀ: the tall case of Aᵀ, with the roles swapped.
  const r = jacobiSvdTall(transposed(a, m, n), n, m, full);
  // r.u is n×(full ? n : m) (A's V), r.v is m×m (A's U).
  return { s: r.s, u: r.v, v: r.u };
}

// ----- Qr -------------------------------------------------------------------------------------------
defineHostOp<{ fullMatrices: boolean }>({
  type: 'Qr',
  infer: ([x], a, name) => {
    checkFloat(x!, 'input');
    atLeast2(x!.shape, name, 'Qr');
    const s = x!.shape;
    if (s === null) return [{ dtype: x!.dtype, shape: null }, { dtype: x!.dtype, shape: null }];
    const m = s[s.length - 2]!;
    const n = s[s.length - 1]!;
    const p: Dim = a.fullMatrices ? m : m === null || n === null ? null : Math.min(m, n);
    const batch = s.slice(0, -2);
    return [{ dtype: x!.dtype, shape: [...batch, m, p] }, { dtype: x!.dtype, shape: [...batch, p, n] }];
  },
  run: ([x], a) => {
    const { batch, m, n, mats } = matrices(x!);
    const p = a.fullMatrices ? m : Math.min(m, n);
    const qs: Float64Array[] = [];
    const rs: Float64Array[] = [];
    for (const mat of mats) {
      const { q, r } = householderQr(mat, m, n);
      const qp = new Float64Array(m * p);
      for (let i = 0; i < m; i++) for (let j = 0; j < p; j++) qp[i * p + j] = q[i * m + j]!;
      qs.push(qp);
      rs.push(r.slice(0, p * n));
    }
    return [pack(qs, [...batch, m, p], x!.dtype), pack(rs, [...batch, p, n], x!.dtype)];
  },
});

const adjoint = (x: Tensor): Tensor => matrixTranspose(x);
const staticInner = (t: Tensor, what: string): [number, number] => {
  const s = t.shape;
  const m = s?.[s.length - 2];
  const n = s?.[s.length - 1];
  if (m === null || m === undefined || n === null || n === undefined) throw new Error(what);
  return [m, n];
};
const orZeros = (dy: Tensor | null, like: Tensor): Tensor => dy ?? zerosLike(like);
/** x[..., :, from:from+count] of a rank-known tensor. */
function cols(x: Tensor, from: number, count: number): Tensor {
  const r = x.shape!.length;
  return slice(x, [...new Array<number>(r - 1).fill(0), from], [...new Array<number>(r - 1).fill(-1), count]);
}

// TF 1.15 linalg_grad.py's _QrGrad.
registerGradient('Qr', (op: Operation, [dq0, dr0]) => {
  const [q, r] = op.outputs as [Tensor, Tensor];
  if (!dq0 && !dr0) return [null];
  let rm: number;
  let rn: number;
  try {
    [rm, rn] = staticInner(r, '');
  } catch {
    throw new ValueError('QrGrad not implemented with dynamic shapes.');
  }
  if (rm !== rn) throw new ValueError('QrGrad not implemented when ncols > nrows or full_matrices is true and ncols != nrows.');
  const dq = orZeros(dq0, q);
  const dr = orZeros(dr0, r);
  const qdq = matmul(q, dq, { transposeA: true });
  const qdq_ = subtract(qdq, adjoint(qdq));
  const rdr = matmul(r, dr, { transposeB: true });
  const rdr_ = subtract(rdr, adjoint(rdr));
  const tril = matrixBandPart(add(qdq_, rdr_), -1, 0);
  // matmul(x, adjoint(matrix_inverse(r))) by a triangular solve.
  const triSolve = (x: Tensor, rr: Tensor): Tensor => adjoint(matrixTriangularSolve(rr, adjoint(x), { lower: false, adjoint: false }));
  const gradA = matmul(q, add(dr, triSolve(tril, r)));
  const gradB = triSolve(subtract(dq, matmul(q, qdq)), r);
  return [add(gradA, gradB)];
});

/** `tf.qr(input, fullMatrices = false, name?)` → `[q, r]` (tf.linalg.qr). */
export const qr = tf1Function('qr', ['input', 'fullMatrices', 'name'], (input: TensorLike, fullMatrices?: boolean, name?: string): [Tensor, Tensor] => {
  const x = toTensor(input);
  const op = makeOp(x.graph, 'Qr', [x], { fullMatrices: !!fullMatrices }, name, 'Qr');
  return [op.outputs[0]!, op.outputs[1]!];
}, 1);

// ----- Svd ------------------------------------------------------------------------------------------
defineHostOp<{ computeUv: boolean; fullMatrices: boolean }>({
  type: 'Svd',
  infer: ([x], a, name) => {
    checkFloat(x!, 'input');
    atLeast2(x!.shape, name, 'Svd');
    const s = x!.shape;
    const d = x!.dtype;
    if (s === null) return [{ dtype: d, shape: null }, { dtype: d, shape: a.computeUv ? null : [0] }, { dtype: d, shape: a.computeUv ? null : [0] }];
    const m = s[s.length - 2]!;
    const n = s[s.length - 1]!;
    const p: Dim = m === null || n === null ? null : Math.min(m, n);
    const batch = s.slice(0, -2);
    if (!a.computeUv) return [{ dtype: d, shape: [...batch, p] }, { dtype: d, shape: [0] }, { dtype: d, shape: [0] }];
    return [
      { dtype: d, shape: [...batch, p] },
      { dtype: d, shape: [...batch, m, a.fullMatrices ? m : p] },
      { dtype: d, shape: [...batch, n, a.fullMatrices ? n : p] },
    ];
  },
  run: ([x], a) => {
    const { batch, m, n, mats } = matrices(x!);
    const p = Math.min(m, n);
    const ss: Float64Array[] = [];
    const us: Float64Array[] = [];
    const vs: Float64Array[] = [];
    for (const mat of mats) {
      const r = svd(mat, m, n, a.fullMatrices);
      ss.push(r.s);
      us.push(r.u);
      vs.push(r.v);
    }
    const d = x!.dtype;
    if (!a.computeUv) return [pack(ss, [...batch, p], d), arrayOf([], [0], d), arrayOf([], [0], d)];
    return [pack(ss, [...batch, p], d), pack(us, [...batch, m, a.fullMatrices ? m : p], d), pack(vs, [...batch, n, a.fullMatrices ? n : p], d)];
  },
});

/** x · 1/(x² + ε): 1/x away from 0, 0 at 0 (linalg_grad.py's _SafeReciprocal). */
const safeReciprocal = (x: Tensor): Tensor => multiply(x, reciprocal(add(multiply(x, x), 1e-20)));

// TF 1.15 linalg_grad.py's _SvdGrad.
registerGradient('Svd', (op: Operation, [gs0, gu0, gv0]) => {
  const a = op.inputs[0]!;
  const [s0, u0, v0] = op.outputs as [Tensor, Tensor, Tensor];
  const gradS = orZeros(gs0, s0);
  const gradSMat = matrixDiag(gradS);
  if (!op.attrs.computeUv) {
    const [, u, v] = svdImpl(a, false, true);
    return [matmul(u!, matmul(gradSMat, v!, { transposeB: true }))];
  }
  const full = !!op.attrs.fullMatrices;
  let m: number;
  let n: number;
  try {
    [m, n] = staticInner(a, '');
  } catch {
    throw new ValueError('SVD gradient has not been implemented for input with unknown inner matrix shape.');
  }
  const s = s0;
  let u = u0;
  let v = v0;
  let gradU = orZeros(gu0, u0);
  let gradV = orZeros(gv0, v0);
  let useAdjoint = false;
  if (m > n) {
    useAdjoint = true;
    [m, n] = [n, m];
    [u, v] = [v, u];
    [gradU, gradV] = [gradV, gradU];
  }
  if (full && Math.abs(m - n) > 1) throw new ValueError('svd gradient is not implemented for abs(m - n) > 1 when full_matrices is True');
  const sMat = matrixDiag(s);
  const s2 = square(s);
  const f = matrixSetDiag(reciprocal(subtract(expandDims(s2, -2), expandDims(s2, -1))), zerosLike(s));
  const sInvMat = matrixDiag(safeReciprocal(s));
  const v1 = cols(v, 0, m);
  const gradV1 = cols(gradV, 0, m);
  const uGu = matmul(u, gradU, { transposeA: true });
  const vGv = matmul(v1, gradV1, { transposeA: true });
  const fU = multiply(f, uGu);
  const fV = multiply(f, vGv);
  const term1NoUv = add(add(gradSMat, matmul(add(fU, adjoint(fU)), sMat)), matmul(sMat, add(fV, adjoint(fV))));
  const term1 = matmul(u, matmul(term1NoUv, v1, { transposeB: true }));
  let before: Tensor;
  if (m === n) before = term1;
  else {
    const gv1t = adjoint(gradV1);
    const gv1tV1 = matmul(gv1t, v1);
    let term2NoUs = subtract(gv1t, matmul(gv1tV1, v1, { transposeB: true }));
    if (full) {
      const v2 = cols(v, m, n - m);
      const gradV2 = cols(gradV, m, n - m);
      const v1tGv2 = matmul(v1, gradV2, { transposeA: true });
      term2NoUs = subtract(term2NoUs, matmul(v1tGv2, v2, { transposeB: true }));
    }
    const term2 = matmul(matmul(u, sInvMat), term2NoUs);
    before = add(term1, term2);
  }
  return [useAdjoint ? adjoint(before) : before];
});

function svdImpl(x: Tensor, fullMatrices: boolean, computeUv: boolean, name?: string): [Tensor, Tensor | null, Tensor | null] {
  const op = makeOp(x.graph, 'Svd', [x], { computeUv, fullMatrices }, name, 'Svd');
  return [op.outputs[0]!, computeUv ? op.outputs[1]! : null, computeUv ? op.outputs[2]! : null];
}

/**
 * `tf.svd(tensor, fullMatrices = false, computeUv = true, name?)` (tf.linalg.svd): `[s, u, v]`
 * with `tensor = u · diag(s) · vᵀ`, s descending; only `s` when `computeUv` is false.
 */
export const svdOp = tf1Function('svd', ['tensor', 'fullMatrices', 'computeUv', 'name'],
  (tensor: TensorLike, fullMatrices?: boolean, computeUv?: boolean, name?: string): Tensor | [Tensor, Tensor, Tensor] => {
    const x = toTensor(tensor);
    const cu = computeUv ?? true;
    const [s, u, v] = svdImpl(x, !!fullMatrices, cu, name);
    return cu ? [s, u!, v!] : s;
  }, 1) as {
    (tensor: TensorLike, fullMatrices: boolean | undefined, computeUv: false, name?: string): Tensor;
    (tensor: TensorLike, options: { fullMatrices?: boolean; computeUv: false; name?: string }): Tensor;
    (tensor: TensorLike, fullMatrices?: boolean | { fullMatrices?: boolean; computeUv?: true; name?: string }, computeUv?: true, name?: string): [Tensor, Tensor, Tensor];
  };

// ----- SelfAdjointEigV2 -----------------------------------------------------------------------------
defineHostOp<{ computeV: boolean }>({
  type: 'SelfAdjointEigV2',
  infer: ([x], a, name) => {
    checkFloat(x!, 'input');
    atLeast2(x!.shape, name, 'SelfAdjointEigV2');
    const s = x!.shape;
    const d = x!.dtype;
    if (s === null) return [{ dtype: d, shape: null }, { dtype: d, shape: a.computeV ? null : [0] }];
    const r = s[s.length - 2]!;
    const c = s[s.length - 1]!;
    if (r !== null && c !== null && r !== c) throw shapeFnError(`Dimensions must be equal, but are ${r} and ${c}`, name, 'SelfAdjointEigV2', [s]);
    const n = r ?? c;
    const batch = s.slice(0, -2);
    return [{ dtype: d, shape: [...batch, n] }, { dtype: d, shape: a.computeV ? [...batch, n, n] : [0] }];
  },
  run: ([x], a, op) => {
    const { batch, m, n, mats } = matrices(x!);
    if (m !== n) throw new ValueError(`Input matrix must be square. (${op.name})`);
    const es: Float64Array[] = [];
    const vs: Float64Array[] = [];
    for (const mat of mats) {
      const r = symmetricEig(mat, n);
      es.push(r.e);
      vs.push(r.v);
    }
    const d = x!.dtype;
    return [pack(es, [...batch, n], d), a.computeV ? pack(vs, [...batch, n, n], d) : arrayOf([], [0], d)];
  },
});

// TF 1.15 linalg_grad.py's _SelfAdjointEigV2Grad.
registerGradient('SelfAdjointEigV2', (op: Operation, [ge0, gv0]) => {
  const e = op.outputs[0]!;
  const gradE = orZeros(ge0, e);
  let gradA: Tensor;
  if (op.attrs.computeV) {
    const v = op.outputs[1]!;
    const gradV = orZeros(gv0, v);
    const f = matrixSetDiag(reciprocal(subtract(expandDims(e, -2), expandDims(e, -1))), zerosLike(e));
    gradA = matmul(v, matmul(add(matrixDiag(gradE), multiply(f, matmul(v, gradV, { transposeA: true }))), v, { transposeB: true }));
  } else {
    const [, v] = selfAdjointEig(op.inputs[0]!);
    gradA = matmul(v, matmul(matrixDiag(gradE), v, { transposeB: true }));
  }
  // The forward op reads only the lower triangle: symmetrize and keep that.
  gradA = matrixBandPart(add(gradA, adjoint(gradA)), -1, 0);
  gradA = matrixSetDiag(gradA, multiply(0.5, matrixDiagPart(gradA)));
  return [gradA];
});

/** `tf.selfAdjointEig(tensor, name?)` (tf.linalg.eigh) → `[e, v]`: eigenvalues ascending, eigenvectors as v's columns; reads the lower triangle. */
export const selfAdjointEig = tf1Function('selfAdjointEig', ['tensor', 'name'], (tensor: TensorLike, name?: string): [Tensor, Tensor] => {
  const x = toTensor(tensor);
  const op = makeOp(x.graph, 'SelfAdjointEigV2', [x], { computeV: true }, name, 'SelfAdjointEigV2');
  return [op.outputs[0]!, op.outputs[1]!];
}, 1);

/** `tf.selfAdjointEigvals(tensor, name?)` (tf.linalg.eigvalsh): the eigenvalues, ascending. */
export const selfAdjointEigvals = tf1Function('selfAdjointEigvals', ['tensor', 'name'], (tensor: TensorLike, name?: string): Tensor => {
  const x = toTensor(tensor);
  return makeOp(x.graph, 'SelfAdjointEigV2', [x], { computeV: false }, name, 'SelfAdjointEigV2').outputs[0]!;
}, 1);
