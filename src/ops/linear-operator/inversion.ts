/**
 * `tf.linalg.LinearOperatorInversion(operator, isNonSingular?, isSelfAdjoint?,
 * isPositiveDefinite?, isSquare?, name = operator.name + '_inv')` (TF 1.15
 * linear_operator_inversion.py): A⁻¹, whose matmul is A's solve and whose solve is A's matmul.
 * A must not be hinted singular or non-square.
 */
import { ValueError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import type { PartialShape } from '../../shape.js';
import { toTensor } from '../convert.js';
import { negative, realDiv } from '../math.js';
import { type HintOptions, LinearOperator, algebra, combineHint, pyHint } from './base.js';
import { operatorArgs } from './args.js';

export class LinearOperatorInversion extends LinearOperator {
  readonly operator: LinearOperator;

  constructor(operator: LinearOperator, isNonSingular?: boolean | null, isSelfAdjoint?: boolean | null, isPositiveDefinite?: boolean | null, isSquare?: boolean | null, name?: string);
  constructor(operator: LinearOperator, opts: HintOptions);
  constructor(...args: unknown[]) {
    const a = operatorArgs(args, ['operator'], 'LinearOperatorInversion', 1);
    const op = a.operator;
    if (!(op instanceof LinearOperator)) throw new TypeError('LinearOperatorInversion: operator must be a LinearOperator');
    if (op.isNonSingular === false || a.isNonSingular === false) {
      throw new ValueError(`operator and supplied hints must have \`is_non_singular\` equal to \`True\` or \`None\`.  Found ${pyHint(op.isNonSingular)}, ${pyHint(a.isNonSingular ?? null)}`);
    }
    if (op.isSquare === false || a.isSquare === false) {
      throw new ValueError(`operator and supplied hints must have \`is_square\` equal to \`True\` or \`None\`.  Found ${pyHint(op.isSquare)}, ${pyHint(a.isSquare ?? null)}`);
    }
    const hints = {
      isNonSingular: combineHint(op, 'isNonSingular', a.isNonSingular, 'An operator is non-singular if and only if its inverse is non-singular.'),
      isSelfAdjoint: combineHint(op, 'isSelfAdjoint', a.isSelfAdjoint, 'An operator is self-adjoint if and only if its inverse is self-adjoint.'),
      isPositiveDefinite: combineHint(op, 'isPositiveDefinite', a.isPositiveDefinite, 'An operator is positive-definite if and only if its inverse is positive-definite.'),
      isSquare: combineHint(op, 'isSquare', a.isSquare, 'An operator is square if and only if its inverse is square.'),
    };
    const name = a.name ?? `${op.name}_inv`;
    super({ ...hints, dtype: op.dtype, graph: op.graph, graphParents: op.graphParents, name });
    this.operator = op;
  }

  protected _shape(): PartialShape {
    return this.operator.shape;
  }
  protected _shapeTensor(): Tensor {
    return this.operator.shapeTensor();
  }
  protected override _assertNonSingular(): Operation {
    return this.operator.assertNonSingular();
  }
  protected override _assertPositiveDefinite(): Operation {
    return this.operator.assertPositiveDefinite();
  }
  protected override _assertSelfAdjoint(): Operation {
    return this.operator.assertSelfAdjoint();
  }
  protected _matmul(x: Tensor, adjoint: boolean, adjointArg: boolean): Tensor {
    return this.operator.solve(x, { adjoint, adjointArg });
  }
  protected override _determinant(): Tensor {
    return realDiv(toTensor(1, this.dtype), this.operator.determinant());
  }
  protected override _logAbsDeterminant(): Tensor {
    return negative(this.operator.logAbsDeterminant());
  }
  protected override _solve(rhs: Tensor, adjoint: boolean, adjointArg: boolean): Tensor {
    return this.operator.matmul(rhs, { adjoint, adjointArg });
  }
  override _linopInverse(): LinearOperator {
    return this.operator;
  }
}

algebra.inverse = (op) => new LinearOperatorInversion(op);
