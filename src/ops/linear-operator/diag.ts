/**
 * `tf.linalg.LinearOperatorDiag(diag, isNonSingular?, isSelfAdjoint?, isPositiveDefinite?,
 * isSquare?, name = 'LinearOperatorDiag')` (TF 1.15 linear_operator_diag.py): the square
 * [batch] diagonal matrix diag(d), d of shape [B1,…,Bb, N]. Everything is O(N) per batch member;
 * a real diagonal is self-adjoint. Its adjoint, inverse and Cholesky factor are diagonal too, and
 * so is its product with another diagonal or a scaled identity.
 */
import { ValueError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import { isComplex } from '../../dtype.js';
import type { PartialShape } from '../../shape.js';
import { concat, expandDims, shape as shapeOf } from '../array.js';
import { assertPositive } from '../check-ops.js';
import { conj, real } from '../complex.js';
import { type TensorLike, toTensor } from '../convert.js';
import { matrixDiag, matrixDiagPart, matrixSetDiag } from '../linalg.js';
import { abs, add, cast, log, multiply, realDiv, reduceMax, reduceMin, reduceProd, reduceSum, sqrt } from '../math.js';
import { index } from '../strided-slice.js';
import { ALLOWED_DTYPES, type HintOptions, LinearOperator, pyDtypes } from './base.js';
import { operatorArgs } from './args.js';
import { adjointMatrix, assertNoEntriesWithModulusZero } from './util.js';

export class LinearOperatorDiag extends LinearOperator {
  readonly diag: Tensor;

  constructor(diag: TensorLike, isNonSingular?: boolean | null, isSelfAdjoint?: boolean | null, isPositiveDefinite?: boolean | null, isSquare?: boolean | null, name?: string);
  constructor(diag: TensorLike, opts: HintOptions);
  constructor(...args: unknown[]) {
    const a = operatorArgs(args, ['diag'], 'LinearOperatorDiag', 1);
    const name = a.name ?? 'LinearOperatorDiag';
    const [d, graph] = LinearOperator.scoped(name, [a.diag], (g) => {
      const t = toTensor(a.diag as TensorLike, undefined, 'diag');
      if (!ALLOWED_DTYPES.includes(t.dtype)) throw new TypeError(`Argument diag must have dtype in ${pyDtypes(ALLOWED_DTYPES)}.  Found: ${t.dtype}`);
      if (t.shape !== null && t.shape.length < 1) throw new ValueError(`Argument diag must have at least 1 dimension.  Found: ${t.name}`);
      return [t, g] as const;
    });
    let isSelfAdjoint = a.isSelfAdjoint;
    if (!isComplex(d.dtype)) {
      if (isSelfAdjoint === false) throw new ValueError('A real diagonal operator is always self adjoint.');
      isSelfAdjoint = true;
    }
    if (a.isSquare === false) throw new ValueError('Only square diagonal operators currently supported.');
    super({ ...a, isSelfAdjoint, isSquare: true, dtype: d.dtype, graph, graphParents: [d], name });
    this.diag = d;
  }

  protected _shape(): PartialShape {
    const s = this.diag.shape;
    return s === null ? null : [...s, s[s.length - 1]!];
  }
  protected _shapeTensor(): Tensor {
    const s = shapeOf(this.diag, { outType: 'int32' });
    return concat([s, index(s, '-1:')], 0);
  }
  protected override _assertNonSingular(): Operation {
    return assertNoEntriesWithModulusZero(this.diag, 'Singular operator:  Diagonal contained zero values.');
  }
  protected override _assertPositiveDefinite(): Operation {
    const message = isComplex(this.dtype)
      ? 'Diagonal operator had diagonal entries with non-positive real part, thus was not positive definite.'
      : 'Real diagonal operator had non-positive diagonal entries, thus was not positive definite.';
    return assertPositive(real(this.diag), { message });
  }
  protected _matmul(x: Tensor, adjoint: boolean, adjointArg: boolean): Tensor {
    const d = adjoint ? conj(this.diag) : this.diag;
    return multiply(expandDims(d, -1), adjointArg ? adjointMatrix(x) : x);
  }
  protected override _matvec(x: Tensor, adjoint: boolean): Tensor {
    return multiply(adjoint ? conj(this.diag) : this.diag, x);
  }
  protected override _determinant(): Tensor {
    return reduceProd(this.diag, [-1]);
  }
  protected override _logAbsDeterminant(): Tensor {
    const ld = reduceSum(log(abs(this.diag)), [-1]);
    return isComplex(this.dtype) ? cast(ld, this.dtype) : ld;
  }
  protected override _solve(rhs: Tensor, adjoint: boolean, adjointArg: boolean): Tensor {
    const d = adjoint ? conj(this.diag) : this.diag;
    const r = adjointArg ? adjointMatrix(rhs) : rhs;
    return multiply(r, expandDims(realDiv(toTensor(1, this.dtype), d), -1));
  }
  protected override _toDense(): Tensor {
    return matrixDiag(this.diag);
  }
  protected override _diagPart(): Tensor {
    return this.diag;
  }
  protected override _addToTensor(x: Tensor): Tensor {
    return matrixSetDiag(x, add(this.diag, matrixDiagPart(x)));
  }
  protected override _eigvals(): Tensor {
    return this.diag;
  }
  protected override _cond(): Tensor {
    const a = abs(this.diag);
    return realDiv(reduceMax(a, -1), reduceMin(a, -1));
  }
  override _linopAdjoint(): LinearOperator {
    return new LinearOperatorDiag(conj(this.diag), { isNonSingular: this.isNonSingular, isSelfAdjoint: this.isSelfAdjoint, isPositiveDefinite: this.isPositiveDefinite, isSquare: true });
  }
  override _linopInverse(): LinearOperator {
    return new LinearOperatorDiag(realDiv(toTensor(1, this.dtype), this.diag), { isNonSingular: this.isNonSingular, isSelfAdjoint: this.isSelfAdjoint, isPositiveDefinite: this.isPositiveDefinite, isSquare: true });
  }
  override _linopCholesky(): LinearOperator {
    return new LinearOperatorDiag(sqrt(this.diag), { isNonSingular: true, isSelfAdjoint: true, isPositiveDefinite: true, isSquare: true });
  }
  override _linopMatmulRight(right: LinearOperator): LinearOperator | null {
    if (!(right instanceof LinearOperatorDiag)) return null;
    return new LinearOperatorDiag(multiply(this.diag, right.diag), productHints(this, right));
  }
}

/** TF's hints for the product of two commuting operators (diagonals, scaled identities). */
export function productHints(a: LinearOperator, b: LinearOperator): HintOptions {
  const both = (k: 'isNonSingular' | 'isSelfAdjoint' | 'isPositiveDefinite'): boolean | null => {
    if (k === 'isNonSingular' && (a[k] === false || b[k] === false)) return false;
    return a[k] === true && b[k] === true ? true : null;
  };
  // a product of commuting positive definite operators is positive definite when both are self-adjoint
  const pd = a.isPositiveDefinite === true && b.isPositiveDefinite === true && a.isSelfAdjoint === true && b.isSelfAdjoint === true ? true : null;
  return { isNonSingular: both('isNonSingular'), isSelfAdjoint: both('isSelfAdjoint'), isPositiveDefinite: pd, isSquare: true };
}
