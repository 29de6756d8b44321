/**
 * `tf.linalg.LinearOperatorLowerTriangular(tril, isNonSingular?, isSelfAdjoint?,
 * isPositiveDefinite?, isSquare?, name = 'LinearOperatorLowerTriangular')` (TF 1.15
 * linear_operator_lower_triangular.py; `tf.contrib.linalg.LinearOperatorTriL` in TF ≤ 1.4): the
 * lower triangle of `tril` (the strict upper triangle is ignored). Solves are triangular
 * substitutions, the determinant the product of the diagonal.
 */
import { ValueError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import type { PartialShape } from '../../shape.js';
import { shape as shapeOf } from '../array.js';
import { matrixBandPart } from '../band-part.js';
import { type TensorLike, toTensor } from '../convert.js';
import { matrixDiagPart } from '../linalg.js';
import { abs, add, log, matmul, reduceProd, reduceSum } from '../math.js';
import { ALLOWED_DTYPES, type HintOptions, LinearOperator, algebra, pyDtypes } from './base.js';
import { operatorArgs } from './args.js';
import { adjointMatrix, assertNoEntriesWithModulusZero, matrixTriangularSolveWithBroadcast } from './util.js';

export class LinearOperatorLowerTriangular extends LinearOperator {
  /** The lower triangle (matrixBandPart(tril, -1, 0)). */
  readonly tril: Tensor;
  private readonly diag: Tensor;

  constructor(tril: TensorLike, isNonSingular?: boolean | null, isSelfAdjoint?: boolean | null, isPositiveDefinite?: boolean | null, isSquare?: boolean | null, name?: string);
  constructor(tril: TensorLike, opts: HintOptions);
  constructor(...args: unknown[]) {
    const a = operatorArgs(args, ['tril'], 'LinearOperatorLowerTriangular', 1);
    if (a.isSquare === false) throw new ValueError('Only square lower triangular operators supported at this time.');
    const name = a.name ?? 'LinearOperatorLowerTriangular';
    const [t, d, graph] = LinearOperator.scoped(name, [a.tril], (g) => {
      const raw = toTensor(a.tril as TensorLike, undefined, 'tril');
      if (!ALLOWED_DTYPES.includes(raw.dtype)) throw new TypeError(`Argument tril must have dtype in ${pyDtypes(ALLOWED_DTYPES)}.  Found: ${raw.dtype}`);
      if (raw.shape !== null && raw.shape.length < 2) throw new ValueError(`Argument tril must have at least 2 dimensions.  Found: ${raw.name}`);
      const lower = matrixBandPart(raw, -1, 0);
      return [lower, matrixDiagPart(lower), g] as const;
    });
    super({ ...a, isSquare: true, dtype: t.dtype, graph, graphParents: [t], name });
    this.tril = t;
    this.diag = d;
  }

  protected _shape(): PartialShape {
    return this.tril.shape;
  }
  protected _shapeTensor(): Tensor {
    return shapeOf(this.tril, { outType: 'int32' });
  }
  protected override _assertNonSingular(): Operation {
    return assertNoEntriesWithModulusZero(this.diag, 'Singular operator:  Diagonal contained zero values.');
  }
  protected _matmul(x: Tensor, adjoint: boolean, adjointArg: boolean): Tensor {
    return matmul(this.tril, x, { adjointA: adjoint, adjointB: adjointArg });
  }
  protected override _determinant(): Tensor {
    return reduceProd(this.diag, [-1]);
  }
  protected override _logAbsDeterminant(): Tensor {
    return reduceSum(log(abs(this.diag)), [-1]);
  }
  protected override _solve(rhs: Tensor, adjoint: boolean, adjointArg: boolean): Tensor {
    return matrixTriangularSolveWithBroadcast(this.tril, adjointArg ? adjointMatrix(rhs) : rhs, true, adjoint);
  }
  protected override _toDense(): Tensor {
    return this.tril;
  }
  protected override _diagPart(): Tensor {
    return this.diag;
  }
  protected override _addToTensor(x: Tensor): Tensor {
    return add(this.tril, x);
  }
}

// The default Cholesky factor of an operator (TF's cholesky registration for LinearOperator).
algebra.lowerTriangular = (tril) => new LinearOperatorLowerTriangular(tril, { isNonSingular: true, isSelfAdjoint: false, isSquare: true });
