/**
 * `tf.linalg`: TF 1.15's names for the linear algebra ops (`inv` = matrixInverse, `det`,
 * `diag` = matrixDiag, `diagPart` = matrixDiagPart, `transpose` = matrixTranspose, `solve`,
 * `triangularSolve`, `lstsq` = matrixSolveLs, `bandPart`, `setDiag`, `tensorDiag` = tf.diag, …).
 */
import { tf1Function } from '../args.js';
import type { Tensor } from '../graph/tensor.js';
import type { TensorLike } from './convert.js';
import { matrixTranspose } from './linalg.js';

export {
  cholesky, choleskySolve, cross, eye, logdet, slogdet, trace, matrixDeterminant as det, matrixDiag as diag,
  matrixDiagPart as diagPart, matrixInverse as inv, matrixSetDiag as setDiag, matrixSolve as solve,
  matrixSolveLs as lstsq, matrixTriangularSolve as triangularSolve, matrixTranspose as transpose, diag as tensorDiag,
  diagPart as tensorDiagPart,
} from './linalg.js';
export { qr, svdOp as svd, selfAdjointEig as eigh, selfAdjointEigvals as eigvalsh } from './linalg-decomp.js';
export { matrixSquareRoot as sqrtm } from './matrix-square-root.js';
export { expm, lu, pinv, tridiagonalSolve } from './linalg-extra.js';
export { matrixBandPart as bandPart } from './band-part.js';
export { matmul } from './math.js';
export { l2Normalize } from './normalization.js';
export { norm, globalNorm } from './clip.js';
export { einsum, tensordot } from './einsum.js';
/** The LinearOperator family: LinearOperatorFullMatrix, Diag, LowerTriangular, Identity, ScaledIdentity, Zeros, Composition, Adjoint, Inversion, …. */
export * from './linear-operator/index.js';

/** `tf.linalg.adjoint(matrix, name?)`: the conjugate transpose of the innermost matrices (the transpose for real dtypes). */
export const adjoint = tf1Function('linalg.adjoint', ['matrix', 'name'], (matrix: TensorLike, name?: string): Tensor =>
  matrixTranspose(matrix, { name: name ?? 'adjoint' }), 1);
export { matrixTranspose } from './linalg.js';
export { matrixRank, matvec, normalize, tridiagonalMatmul } from './linalg-more.js';
