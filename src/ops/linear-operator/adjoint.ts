/**
 * `tf.linalg.LinearOperatorAdjoint(operator, isNonSingular?, isSelfAdjoint?,
 * isPositiveDefinite?, isSquare?, name = operator.name + '_adjoint')` (TF 1.15
 * linear_operator_adjoint.py): Aᴴ, through A's own methods with the adjoint flag flipped. The
 * hints are A's, or the given ones where A has none (contradicting ones are TF's ValueError).
 */
import { isComplex } from '../../dtype.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import type { PartialShape } from '../../shape.js';
import { concat } from '../array.js';
import { conj } from '../complex.js';
import { index } from '../strided-slice.js';
import { type HintOptions, LinearOperator, algebra, combineHint } from './base.js';
import { operatorArgs } from './args.js';
import { adjointMatrix } from './util.js';

export class LinearOperatorAdjoint extends LinearOperator {
  readonly operator: LinearOperator;

  constructor(operator: LinearOperator, isNonSingular?: boolean | null, isSelfAdjoint?: boolean | null, isPositiveDefinite?: boolean | null, isSquare?: boolean | null, name?: string);
  constructor(operator: LinearOperator, opts: HintOptions);
  constructor(...args: unknown[]) {
    const a = operatorArgs(args, ['operator'], 'LinearOperatorAdjoint', 1);
    const op = a.operator;
    if (!(op instanceof LinearOperator)) throw new TypeError('LinearOperatorAdjoint: operator must be a LinearOperator');
    const hints = {
      isSquare: combineHint(op, 'isSquare', a.isSquare, 'An operator is square if and only if its adjoint is square.'),
      isNonSingular: combineHint(op, 'isNonSingular', a.isNonSingular, 'An operator is non-singular if and only if its adjoint is non-singular.'),
      isSelfAdjoint: combineHint(op, 'isSelfAdjoint', a.isSelfAdjoint, 'An operator is self-adjoint if and only if its adjoint is self-adjoint.'),
      isPositiveDefinite: combineHint(op, 'isPositiveDefinite', a.isPositiveDefinite, 'An operator is positive-definite if and only if its adjoint is positive-definite.'),
    };
    const name = a.name ?? `${op.name}_adjoint`;
    super({ ...hints, dtype: op.dtype, graph: op.graph, graphParents: op.graphParents, name });
    this.operator = op;
  }

  protected _shape(): PartialShape {
    const s = this.operator.shape;
    return s === null ? null : [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!];
  }
  protected _shapeTensor(): Tensor {
    const s = this.operator.shapeTensor();
    return concat([index(s, ':-2'), index(s, '-1:'), index(s, '-2:-1')], 0);
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
    return this.operator.matmul(x, { adjoint: !adjoint, adjointArg });
  }
  protected override _matvec(x: Tensor, adjoint: boolean): Tensor {
    return this.operator.matvec(x, { adjoint: !adjoint });
  }
  protected override _determinant(): Tensor {
    const d = this.operator.determinant();
    return isComplex(this.dtype) ? conj(d) : d;
  }
  protected override _logAbsDeterminant(): Tensor {
    return this.operator.logAbsDeterminant();
  }
  protected override _trace(): Tensor {
    const t = this.operator.trace();
    return isComplex(this.dtype) ? conj(t) : t;
  }
  protected override _solve(rhs: Tensor, adjoint: boolean, adjointArg: boolean): Tensor {
    return this.operator.solve(rhs, { adjoint: !adjoint, adjointArg });
  }
  protected override _solvevec(rhs: Tensor, adjoint: boolean): Tensor {
    return this.operator.solvevec(rhs, { adjoint: !adjoint });
  }
  protected override _toDense(): Tensor {
    return this.isSelfAdjoint ? this.operator.toDense() : adjointMatrix(this.operator.toDense());
  }
  protected override _diagPart(): Tensor {
    return conj(this.operator.diagPart());
  }
  override _linopAdjoint(): LinearOperator {
    return this.operator;
  }
}

algebra.adjoint = (op) => new LinearOperatorAdjoint(op);
