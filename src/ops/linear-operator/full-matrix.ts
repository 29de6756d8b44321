/**
 * `tf.linalg.LinearOperatorFullMatrix(matrix, isNonSingular?, isSelfAdjoint?,
 * isPositiveDefinite?, isSquare?, name = 'LinearOperatorFullMatrix')` (TF 1.15
 * linear_operator_full_matrix.py): a dense [batch] matrix of shape [B1,…,Bb, M, N]. matmul is
 * tf.matmul (batch dims broadcast); solve, determinants and the Cholesky paths are the dense
 * defaults of the base class.
 */
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import type { PartialShape } from '../../shape.js';
import { shape as shapeOf } from '../array.js';
import { type TensorLike, toTensor } from '../convert.js';
import { matmul } from '../math.js';
import { ALLOWED_DTYPES, type HintOptions, LinearOperator, pyDtypes } from './base.js';
import { operatorArgs } from './args.js';

export class LinearOperatorFullMatrix extends LinearOperator {
  private readonly matrix: Tensor;

  constructor(matrix: TensorLike, isNonSingular?: boolean | null, isSelfAdjoint?: boolean | null, isPositiveDefinite?: boolean | null, isSquare?: boolean | null, name?: string);
  constructor(matrix: TensorLike, opts: HintOptions);
  constructor(...args: unknown[]) {
    const a = operatorArgs(args, ['matrix'], 'LinearOperatorFullMatrix', 1);
    const name = a.name ?? 'LinearOperatorFullMatrix';
    const [m, graph] = LinearOperator.scoped(name, [a.matrix], (g) => {
      const t = toTensor(a.matrix as TensorLike, undefined, 'matrix');
      if (!ALLOWED_DTYPES.includes(t.dtype)) throw new TypeError(`Argument matrix must have dtype in ${pyDtypes(ALLOWED_DTYPES)}.  Found: ${t.dtype}`);
      if (t.shape !== null && t.shape.length < 2) throw new ValueError(`Argument matrix must have at least 2 dimensions.  Found: ${t.name}`);
      return [t, g] as const;
    });
    super({ ...a, dtype: m.dtype, graph, graphParents: [m], name });
    this.matrix = m;
  }

  protected _shape(): PartialShape {
    return this.matrix.shape;
  }
  protected _shapeTensor(): Tensor {
    return shapeOf(this.matrix, { outType: 'int32' });
  }
  protected _matmul(x: Tensor, adjoint: boolean, adjointArg: boolean): Tensor {
    return matmul(this.matrix, x, { adjointA: adjoint, adjointB: adjointArg });
  }
  protected override _toDense(): Tensor {
    return this.matrix;
  }
}
