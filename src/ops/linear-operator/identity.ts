/**
 * `tf.linalg.LinearOperatorIdentity(numRows, batchShape?, dtype = float32, isNonSingular = true,
 * isSelfAdjoint = true, isPositiveDefinite = true, isSquare = true, assertProperShapes = false,
 * name = 'LinearOperatorIdentity')` and `tf.linalg.LinearOperatorScaledIdentity(numRows,
 * multiplier, isNonSingular?, isSelfAdjoint?, isPositiveDefinite?, isSquare = true,
 * assertProperShapes = false, name = 'LinearOperatorScaledIdentity')` (TF 1.15
 * linear_operator_identity.py): I and c·I of size numRows, never materialized. Without a batch
 * shape the identity passes arguments through; with one, arguments broadcast against it.
 */
import { ValueError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import { type DType, isComplex, parseDType, realDType } from '../../dtype.js';
import type { PartialShape } from '../../shape.js';
import { concat, expandDims, ones, shape as shapeOf, stack, zeros, zerosLike } from '../array.js';
import { broadcastStaticShape } from '../array-extra.js';
import { assertEqual, assertPositive } from '../check-ops.js';
import { conj, imag, real } from '../complex.js';
import { type TensorLike, toTensor } from '../convert.js';
import { identity, noOp } from '../core.js';
import { eye, matrixDiagPart, matrixSetDiag } from '../linalg.js';
import { abs, add, cast, divide, log, multiply, pow, realDiv, reduceMin, sqrt } from '../math.js';
import { index } from '../strided-slice.js';
import { LinearOperator, type LinearOperatorInit } from './base.js';
import { operatorArgs } from './args.js';
import { LinearOperatorDiag, productHints } from './diag.js';
import { adjointMatrix, batchShapeArg, scalarShapeArg } from './util.js';

const hintArg = (v: boolean | null | undefined, dflt: boolean): boolean | null => (v === undefined ? dflt : v);

/** What the identity-like operators share: num_rows, the optional checks, the diagonal of ones. */
abstract class BaseLinearOperatorIdentity extends LinearOperator {
  protected readonly numRows: Tensor;
  protected readonly numRowsStatic: number | null;
  protected readonly assertProperShapes: boolean;

  protected constructor(init: LinearOperatorInit, numRows: TensorLike, assertProperShapes: boolean) {
    super(init);
    this.assertProperShapes = assertProperShapes;
    const n = init.graph.nameScope(init.name, () => scalarShapeArg(numRows, 'num_rows'));
    this.numRows = n.t.dtype === 'int32' ? n.t : cast(n.t, 'int32');
    this.numRowsStatic = n.value;
  }

  protected minMatrixDim(): number | null {
    const d = this.domainDimension;
    const r = this.rangeDimension;
    return d === null || r === null ? null : Math.min(d, r);
  }
  protected minMatrixDimTensor(): Tensor {
    return reduceMin(index(this.shapeTensor(), '-2:'));
  }
  protected batchFixed(): number[] | null {
    const b = this.batchShape;
    return b !== null && b.every((d) => d !== null) ? (b as number[]) : null;
  }
  protected onesDiag(): Tensor {
    const b = this.batchFixed();
    const m = this.minMatrixDim();
    if (b !== null && m !== null) return ones([...b, m], this.dtype);
    return ones(concat([this.batchShapeTensor(), expandDims(this.minMatrixDimTensor(), 0)], 0), this.dtype);
  }
  protected batchOnes(): Tensor {
    const b = this.batchFixed();
    return ones(b ?? this.batchShapeTensor(), this.dtype);
  }
  /** n as this operator's dtype (static when known). */
  protected nOfDtype(dtype: DType = this.dtype): Tensor {
    const m = this.minMatrixDim();
    return m !== null ? toTensor(m, dtype) : cast(this.minMatrixDimTensor(), dtype);
  }
  /** With assertProperShapes: x's rows checked against num_rows when the graph runs. */
  protected checkedArg(x: Tensor): Tensor {
    if (!this.assertProperShapes) return x;
    const rows = index(shapeOf(x, { outType: 'int32' }), -2);
    const a = assertEqual(this.domainDimensionTensor(), rows, { message: 'Incompatible matrix dimensions.  shape[-2] of argument to be the same as this operator' });
    return this.graph.controlDependencies([a], () => identity(x));
  }
}

export class LinearOperatorIdentity extends BaseLinearOperatorIdentity {
  private readonly batchShapeArg: Tensor | null;
  private readonly batchShapeStatic: PartialShape;

  constructor(numRows: TensorLike, batchShape?: TensorLike | null, dtype?: DType | string | null, isNonSingular?: boolean | null, isSelfAdjoint?: boolean | null, isPositiveDefinite?: boolean | null, isSquare?: boolean | null, assertProperShapes?: boolean, name?: string);
  constructor(numRows: TensorLike, opts: { batchShape?: TensorLike | null; dtype?: DType | string | null; isNonSingular?: boolean | null; isSelfAdjoint?: boolean | null; isPositiveDefinite?: boolean | null; isSquare?: boolean | null; assertProperShapes?: boolean; name?: string | null });
  constructor(...args: unknown[]) {
    const names = ['numRows', 'batchShape', 'dtype', 'isNonSingular', 'isSelfAdjoint', 'isPositiveDefinite', 'isSquare', 'assertProperShapes', 'name'];
    const a = operatorArgs(args, [], 'LinearOperatorIdentity', 1, names);
    const name = a.name ?? 'LinearOperatorIdentity';
    const dtype = a.dtype === undefined || a.dtype === null ? 'float32' : parseDType(a.dtype);
    const hints = { isNonSingular: hintArg(a.isNonSingular, true), isSelfAdjoint: hintArg(a.isSelfAdjoint, true), isPositiveDefinite: hintArg(a.isPositiveDefinite, true), isSquare: hintArg(a.isSquare, true) };
    if (!hints.isSelfAdjoint) throw new ValueError('An identity operator is always self adjoint.');
    if (!hints.isNonSingular) throw new ValueError('An identity operator is always non-singular.');
    if (!hints.isPositiveDefinite) throw new ValueError('An identity operator is always positive-definite.');
    if (!hints.isSquare) throw new ValueError('An identity operator is always square.');
    const graph = LinearOperator.scoped(name, [a.numRows, a.batchShape], (g) => g);
    super({ ...hints, dtype, graph, name }, a.numRows as TensorLike, !!a.assertProperShapes);
    if (a.batchShape === undefined || a.batchShape === null) {
      this.batchShapeArg = null;
      this.batchShapeStatic = [];
    } else {
      const b = graph.nameScope(name, () => batchShapeArg(a.batchShape as TensorLike));
      this.batchShapeArg = b.t;
      this.batchShapeStatic = b.value;
    }
  }

  protected _shape(): PartialShape {
    const n = this.numRowsStatic;
    return this.batchShapeStatic === null ? null : [...this.batchShapeStatic, n, n];
  }
  protected _shapeTensor(): Tensor {
    const m = stack([this.numRows, this.numRows], 0);
    return this.batchShapeArg === null ? m : concat([this.batchShapeArg, m], 0);
  }
  protected override _assertNonSingular(): Operation {
    return noOp('assert_non_singular');
  }
  protected override _assertPositiveDefinite(): Operation {
    return noOp('assert_positive_definite');
  }
  protected override _assertSelfAdjoint(): Operation {
    return noOp('assert_self_adjoint');
  }
  /** x, its batch dims broadcast against this operator's batch shape when it has one. */
  private possiblyBroadcastBatchShape(x: Tensor): Tensor {
    if (this.batchShapeArg === null) return x;
    const b = this.batchFixed();
    if (b !== null) {
      const special = [...b, 1, 1];
      const bs = broadcastStaticShape(x.shape, special);
      if (bs !== null && x.shape !== null && bs.length === x.shape.length && bs.every((d, i) => d === x.shape![i])) return x;
      return add(x, zeros(special, this.dtype));
    }
    return add(x, zeros(concat([this.batchShapeTensor(), toTensor(Int32Array.of(1, 1) as never, 'int32')], 0), this.dtype));
  }
  protected _matmul(x: Tensor, _adjoint: boolean, adjointArg: boolean): Tensor {
    // self-adjoint: adjoint changes nothing
    return this.possiblyBroadcastBatchShape(this.checkedArg(adjointArg ? adjointMatrix(x) : x));
  }
  protected override _determinant(): Tensor {
    return this.batchOnes();
  }
  protected override _logAbsDeterminant(): Tensor {
    return zerosLike(this.batchOnes());
  }
  protected override _solve(rhs: Tensor, _adjoint: boolean, adjointArg: boolean): Tensor {
    return this._matmul(rhs, false, adjointArg);
  }
  protected override _trace(): Tensor {
    return multiply(this.batchOnes(), this.nOfDtype());
  }
  protected override _diagPart(): Tensor {
    return this.onesDiag();
  }
  protected override _toDense(): Tensor {
    const b = this.batchFixed();
    return eye(this.numRowsStatic ?? this.numRows, { batchShape: this.batchShapeArg === null ? null : b ?? this.batchShapeTensor(), dtype: this.dtype });
  }
  /** I + x: x with 1 added to its diagonal (TF overrides the public method). */
  protected override _addToTensor(x: Tensor): Tensor {
    return matrixSetDiag(x, add(toTensor(1, this.dtype), matrixDiagPart(x)));
  }
  protected override _eigvals(): Tensor {
    return this.onesDiag();
  }
  protected override _cond(): Tensor {
    return this.batchOnes();
  }
  override _linopAdjoint(): LinearOperator {
    return this;
  }
  override _linopInverse(): LinearOperator {
    return this;
  }
  override _linopCholesky(): LinearOperator {
    return this;
  }
  override _linopMatmulRight(right: LinearOperator): LinearOperator | null {
    return right;
  }
  override _linopMatmulLeft(left: LinearOperator): LinearOperator | null {
    return left;
  }
}

export class LinearOperatorScaledIdentity extends BaseLinearOperatorIdentity {
  readonly multiplier: Tensor;

  constructor(numRows: TensorLike, multiplier: TensorLike, isNonSingular?: boolean | null, isSelfAdjoint?: boolean | null, isPositiveDefinite?: boolean | null, isSquare?: boolean | null, assertProperShapes?: boolean, name?: string);
  constructor(numRows: TensorLike, multiplier: TensorLike, opts: { isNonSingular?: boolean | null; isSelfAdjoint?: boolean | null; isPositiveDefinite?: boolean | null; isSquare?: boolean | null; assertProperShapes?: boolean; name?: string | null });
  constructor(...args: unknown[]) {
    const names = ['numRows', 'multiplier', 'isNonSingular', 'isSelfAdjoint', 'isPositiveDefinite', 'isSquare', 'assertProperShapes', 'name'];
    const a = operatorArgs(args, [], 'LinearOperatorScaledIdentity', 2, names);
    const name = a.name ?? 'LinearOperatorScaledIdentity';
    const [m, graph] = LinearOperator.scoped(name, [a.multiplier, a.numRows], (g) => [toTensor(a.multiplier as TensorLike, undefined, 'multiplier'), g] as const);
    let isSelfAdjoint = a.isSelfAdjoint;
    if (!isComplex(m.dtype)) {
      if (isSelfAdjoint === false) throw new ValueError('A real diagonal operator is always self adjoint.');
      isSelfAdjoint = true;
    }
    if (!hintArg(a.isSquare, true)) throw new ValueError('A ScaledIdentity operator is always square.');
    super({ ...a, isSelfAdjoint, isSquare: true, dtype: m.dtype, graph, graphParents: [m], name }, a.numRows as TensorLike, !!a.assertProperShapes);
    this.multiplier = m;
  }

  protected _shape(): PartialShape {
    const s = this.multiplier.shape;
    return s === null ? null : [...s, this.numRowsStatic, this.numRowsStatic];
  }
  protected _shapeTensor(): Tensor {
    return concat([shapeOf(this.multiplier, { outType: 'int32' }), stack([this.numRows, this.numRows], 0)], 0);
  }
  protected override _assertNonSingular(): Operation {
    return assertPositive(abs(this.multiplier), { message: 'LinearOperator was singular' });
  }
  protected override _assertPositiveDefinite(): Operation {
    return assertPositive(real(this.multiplier), { message: 'LinearOperator was not positive definite.' });
  }
  protected override _assertSelfAdjoint(): Operation {
    const im = imag(this.multiplier);
    return assertEqual(zerosLike(im), im, { message: 'LinearOperator was not self-adjoint' });
  }
  /** The multiplier as a [B1,…,Bb, 1, 1] matrix. */
  private multiplierMatrix(conjugate: boolean): Tensor {
    const m = expandDims(expandDims(this.multiplier, -1), -1);
    return conjugate ? conj(m) : m;
  }
  protected _matmul(x: Tensor, adjoint: boolean, adjointArg: boolean): Tensor {
    return multiply(this.checkedArg(adjointArg ? adjointMatrix(x) : x), this.multiplierMatrix(adjoint));
  }
  protected override _determinant(): Tensor {
    return pow(this.multiplier, cast(this.numRows, this.dtype));
  }
  protected override _logAbsDeterminant(): Tensor {
    return multiply(cast(this.numRows, realDType(this.dtype)), log(abs(this.multiplier)));
  }
  protected override _solve(rhs: Tensor, adjoint: boolean, adjointArg: boolean): Tensor {
    return divide(this.checkedArg(adjointArg ? adjointMatrix(rhs) : rhs), this.multiplierMatrix(adjoint));
  }
  protected override _trace(): Tensor {
    return multiply(multiply(this.multiplier, this.nOfDtype()), this.batchOnes());
  }
  protected override _diagPart(): Tensor {
    return multiply(this.onesDiag(), expandDims(this.multiplier, -1));
  }
  protected override _toDense(): Tensor {
    const n = this.numRowsStatic ?? this.numRows;
    return multiply(eye(n, { dtype: this.dtype }), this.multiplierMatrix(false));
  }
  /** c·I + x: c added to x's diagonal (TF overrides the public method). */
  protected override _addToTensor(x: Tensor): Tensor {
    return matrixSetDiag(x, add(expandDims(this.multiplier, -1), matrixDiagPart(x)));
  }
  protected override _eigvals(): Tensor {
    return this._diagPart();
  }
  protected override _cond(): Tensor {
    return this.batchOnes();
  }
  private like(multiplier: Tensor, hints: { isNonSingular: boolean | null; isSelfAdjoint: boolean | null; isPositiveDefinite: boolean | null }): LinearOperatorScaledIdentity {
    return new LinearOperatorScaledIdentity(this.numRowsStatic ?? this.numRows, multiplier, { ...hints, isSquare: true });
  }
  override _linopAdjoint(): LinearOperator {
    return this.like(conj(this.multiplier), this);
  }
  override _linopInverse(): LinearOperator {
    return this.like(realDiv(toTensor(1, this.dtype), this.multiplier), { isNonSingular: this.isNonSingular, isSelfAdjoint: true, isPositiveDefinite: this.isPositiveDefinite });
  }
  override _linopCholesky(): LinearOperator {
    return this.like(sqrt(this.multiplier), { isNonSingular: true, isSelfAdjoint: true, isPositiveDefinite: true });
  }
  override _linopMatmulRight(right: LinearOperator): LinearOperator | null {
    if (right instanceof LinearOperatorScaledIdentity) {
      const h = productHints(this, right);
      return this.like(multiply(this.multiplier, right.multiplier), { isNonSingular: h.isNonSingular!, isSelfAdjoint: h.isSelfAdjoint!, isPositiveDefinite: h.isPositiveDefinite! });
    }
    if (right instanceof LinearOperatorDiag) return new LinearOperatorDiag(multiply(right.diag, expandDims(this.multiplier, -1)), productHints(this, right));
    return null;
  }
  override _linopMatmulLeft(left: LinearOperator): LinearOperator | null {
    if (left instanceof LinearOperatorDiag) return new LinearOperatorDiag(multiply(left.diag, expandDims(this.multiplier, -1)), productHints(left, this));
    return null;
  }
}
