/**
 * `tf.linalg.sqrtm(input, name=None)` (TF's MatrixSquareRoot op): the principal square root of
 * each innermost square matrix, batched over the leading dims, with TF 1.15 linalg_grad.py's
 * gradient (the Sylvester equation S·X + X·S = dS solved through its Kronecker form and
 * MatrixSolve). Like TF's other iterative linear algebra it runs on the host before the device
 * plan, in float64 whatever the dtype: the determinant-scaled Denman–Beavers iteration, which
 * converges to the same principal root TF's Schur method computes whenever one exists (no
 * eigenvalue on the closed negative real axis). Where none exists (a negative real eigenvalue)
 * the iteration does not settle and the result is NaN, as TF's real Schur method's square roots
 * of negative diagonal entries are.
 */
import { tf1Function } from '../args.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import type { NDArray } from '../ndarray.js';
import type { Dim, PartialShape } from '../shape.js';
import { reshape, shapeFnError } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import { arrayOf, defineHostOp, valuesOf } from './host-values.js';
import { eye, matrixSolve, matrixTranspose } from './linalg.js';
import { add, multiply } from './math.js';
import { makeOp, registerGradient } from './registry.js';
import './special-random-graphdef.js';

/** In-place inverse of the n×n row-major `a` by Gauss–Jordan with partial pivoting; false if singular. */
function invert(a: Float64Array, n: number, out: Float64Array): boolean {
  const m = Float64Array.from(a);
  out.fill(0);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[p * n + c]!)) p = r;
    const piv = m[p * n + c]!;
    if (piv === 0 || !Number.isFinite(piv)) return false;
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        [m[p * n + k], m[c * n + k]] = [m[c * n + k]!, m[p * n + k]!];
        [out[p * n + k], out[c * n + k]] = [out[c * n + k]!, out[p * n + k]!];
      }
    }
    for (let k = 0; k < n; k++) {
      m[c * n + k]! /= piv;
      out[c * n + k]! /= piv;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c]!;
      if (f === 0) continue;
      for (let k = 0; k < n; k++) {
        m[r * n + k]! -= f * m[c * n + k]!;
        out[r * n + k]! -= f * out[c * n + k]!;
      }
    }
  }
  return true;
}
/** log|det| of the n×n `a` (partial pivoting), −inf when singular. */
function logAbsDet(a: Float64Array, n: number): number {
  const m = Float64Array.from(a);
  let s = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[p * n + c]!)) p = r;
    const piv = m[p * n + c]!;
    if (piv === 0) return -Infinity;
    if (p !== c) for (let k = 0; k < n; k++) [m[p * n + k], m[c * n + k]] = [m[c * n + k]!, m[p * n + k]!];
    s += Math.log(Math.abs(piv));
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / piv;
      for (let k = c; k < n; k++) m[r * n + k]! -= f * m[c * n + k]!;
    }
  }
  return s;
}

/** The principal square root of the n×n row-major `a`, NaN where the iteration finds none. */
export function sqrtm(a: Float64Array, n: number): Float64Array {
  const nan = () => new Float64Array(n * n).fill(NaN);
  if (n === 0) return new Float64Array(0);
  if (a.every((v) => v === 0)) return new Float64Array(n * n);
  let y = Float64Array.from(a);
  let z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) z[i * n + i] = 1;
  const yi = new Float64Array(n * n);
  const zi = new Float64Array(n * n);
  const norm = (v: Float64Array) => Math.sqrt(v.reduce((p, x) => p + x * x, 0));
  let scaling = true;
  for (let it = 0; it < 100; it++) {
    if (!invert(y, n, yi) || !invert(z, n, zi)) return nan();
    // determinant scaling μ = |det Y · det Z|^(−1/2n), dropped once the iteration is close
    const mu = scaling ? Math.exp(-(logAbsDet(y, n) + logAbsDet(z, n)) / (2 * n)) : 1;
    if (!Number.isFinite(mu)) return nan();
    const ny = new Float64Array(n * n);
    const nz = new Float64Array(n * n);
    let diff = 0;
    for (let k = 0; k < n * n; k++) {
      ny[k] = 0.5 * (mu * y[k]! + zi[k]! / mu);
      nz[k] = 0.5 * (mu * z[k]! + yi[k]! / mu);
      diff += (ny[k]! - y[k]!) ** 2;
    }
    const rel = Math.sqrt(diff) / norm(ny);
    y = ny;
    z = nz;
    if (!Number.isFinite(rel)) return nan();
    if (rel < 1e-2) scaling = false;
    if (rel < 1e-15 * n) break;
    if (it === 99 && rel > 1e-10) return nan();
  }
  return y;
}

function squareShape(s: PartialShape, name: string): PartialShape {
  if (s === null) return null;
  if (s.length < 2) throw shapeFnError(`Shape must be at least rank 2 but is rank ${s.length}`, name, 'MatrixSquareRoot', [s]);
  const r = s[s.length - 2]!;
  const c = s[s.length - 1]!;
  if (r !== null && c !== null && r !== c) throw shapeFnError(`Dimensions must be equal, but are ${r} and ${c}`, name, 'MatrixSquareRoot', [s]);
  const d: Dim = r ?? c;
  return [...s.slice(0, -2), d, d];
}

defineHostOp({
  type: 'MatrixSquareRoot',
  infer: ([x], _a, name) => {
    if (!['float32', 'float64'].includes(x!.dtype)) {
      throw new TypeError(`Value passed to parameter 'input' has DataType ${x!.dtype} not in list of allowed values: float64, float32, complex64, complex128`);
    }
    return [{ dtype: x!.dtype, shape: squareShape(x!.shape, name) }];
  },
  run: ([x]) => {
    const s = x!.shape;
    const n = s[s.length - 1]!;
    const v = valuesOf(x as NDArray);
    const out = new Float64Array(v.length);
    for (let o = 0; o < v.length; o += n * n) out.set(sqrtm(v.subarray(o, o + n * n), n), o);
    return [arrayOf(out, s, x!.dtype)];
  },
});

// TF 1.15 _MatrixSquareRootGrad: (I ⊗ Sᵀ + S ⊗ I)·vec(dAᵀ) = vec(gradᵀ) (row-major vec), per matrix.
registerGradient('MatrixSquareRoot', (op, [grad]) => {
  if (!grad) return [null];
  const s = op.outputs[0]!;
  const shape = s.shape;
  if (shape === null || shape.some((d) => d === null)) throw new ValueError(`MatrixSquareRoot's gradient needs a fully known shape, got ${String(shape)}`);
  const dims = shape as number[];
  const n = dims[dims.length - 1]!;
  const batch = dims.slice(0, -2);
  const kron = (b1: Tensor, b2: Tensor): Tensor =>
    reshape(multiply(reshape(b1, [...batch, n, 1, n, 1]), reshape(b2, [...batch, 1, n, 1, n])), [...batch, n * n, n * n]);
  const eyeBatch = eye(n, { batchShape: batch, dtype: s.dtype });
  const ksum = add(kron(eyeBatch, matrixTranspose(s)), kron(s, eyeBatch));
  const vecDa = reshape(matrixTranspose(grad), [...batch, n * n, 1]);
  const vecD = matrixSolve(ksum, vecDa);
  return [matrixTranspose(reshape(vecD, dims))];
});

/** `tf.linalg.sqrtm(input, name=None)` (tf.matrix_square_root): the principal square root of each innermost matrix. */
export const matrixSquareRoot = tf1Function('matrixSquareRoot', ['input', 'name'], (input: TensorLike, name?: string | null): Tensor => {
  const x = toTensor(input, undefined, 'input');
  return makeOp(x.graph, 'MatrixSquareRoot', [x], {}, name ?? undefined, 'MatrixSquareRoot').outputs[0]!;
}, 1);
