/**
 * `tf.linalg.LinearOperatorComposition(operators, isNonSingular?, isSelfAdjoint?,
 * isPositiveDefinite?, isSquare?, name?)` (TF 1.15 linear_operator_composition.py): the product
 * A1·A2·…·AJ of operators of one dtype with composable shapes, applied one factor at a time; the
 * batch shapes broadcast. The default name joins the factors' names with `_o_`.
 */
import { ValueError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import type { Dim, PartialShape } from '../../shape.js';
import { concat, stack } from '../array.js';
import { broadcastDynamicShape, broadcastStaticShape } from '../array-extra.js';
import { group } from '../core.js';
import { add, multiply } from '../math.js';
import { type HintOptions, LinearOperator, algebra } from './base.js';
import { operatorArgs } from './args.js';
import { shapeConst } from './util.js';

const dimStr = (d: Dim): string => (d === null ? '?' : String(d));

export class LinearOperatorComposition extends LinearOperator {
  readonly operators: readonly LinearOperator[];

  constructor(operators: readonly LinearOperator[], isNonSingular?: boolean | null, isSelfAdjoint?: boolean | null, isPositiveDefinite?: boolean | null, isSquare?: boolean | null, name?: string);
  constructor(operators: readonly LinearOperator[], opts: HintOptions);
  constructor(...args: unknown[]) {
    const a = operatorArgs(args, ['operators'], 'LinearOperatorComposition', 1);
    const list = a.operators;
    if (!Array.isArray(list)) throw new TypeError(`Expected argument "values" to be iterable, got ${String(list)}`);
    if (list.length === 0) throw new ValueError('Expected a non-empty list of operators. Found: []');
    list.forEach((op, i) => {
      if (!(op instanceof LinearOperator)) throw new TypeError(`LinearOperatorComposition: operators[${i}] is not a LinearOperator`);
    });
    const ops = list as LinearOperator[];
    const dtype = ops[0]!.dtype;
    if (ops.some((op) => op.dtype !== dtype)) {
      throw new TypeError(`Expected all operators to have the same dtype.  Found ${ops.map((o) => `('${o.name}', tf.${o.dtype})`).join('   ')}`);
    }
    let isNonSingular = a.isNonSingular;
    if (ops.every((op) => op.isNonSingular)) {
      if (isNonSingular === false) throw new ValueError('The composition of non-singular operators is always non-singular.');
      isNonSingular = true;
    }
    const name = a.name ?? ops.map((o) => o.name).join('_o_');
    const graph = ops[0]!.graph;
    super({ ...a, isNonSingular, dtype, graph, name });
    this.operators = ops;
    void this.shape; // the factors' dimensions and batch shapes are checked now, not at first use
  }

  protected _shape(): PartialShape {
    const ops = this.operators;
    let domain = ops[0]!.domainDimension;
    for (const op of ops.slice(1)) {
      const r = op.rangeDimension;
      if (domain !== null && r !== null && domain !== r) throw new ValueError(`Dimensions ${dimStr(domain)} and ${dimStr(r)} are not compatible`);
      domain = op.domainDimension;
    }
    let batch = ops[0]!.batchShape;
    for (const op of ops.slice(1)) batch = broadcastStaticShape(batch, op.batchShape);
    return batch === null ? null : [...batch, ops[0]!.rangeDimension, ops[ops.length - 1]!.domainDimension];
  }
  protected _shapeTensor(): Tensor {
    const s = this.shape;
    if (s !== null && s.every((d) => d !== null)) return shapeConst(s as number[], 'shape');
    const ops = this.operators;
    const matrix = stack([ops[0]!.rangeDimensionTensor(), ops[ops.length - 1]!.domainDimensionTensor()]);
    const batch = ops.slice(1).reduce((b, op) => broadcastDynamicShape(b, op.batchShapeTensor()), ops[0]!.batchShapeTensor());
    return concat([batch, matrix], 0);
  }
  protected _matmul(x: Tensor, adjoint: boolean, adjointArg: boolean): Tensor {
    // [A, B]: A·(B·x); the adjoint Bᴴ·(Aᴴ·x)
    const order = adjoint ? [...this.operators] : [...this.operators].reverse();
    let result = order[0]!.matmul(x, { adjoint, adjointArg });
    for (const op of order.slice(1)) result = op.matmul(result, { adjoint });
    return result;
  }
  protected override _determinant(): Tensor {
    return this.operators.slice(1).reduce((r, op) => multiply(r, op.determinant()), this.operators[0]!.determinant());
  }
  protected override _logAbsDeterminant(): Tensor {
    return this.operators.slice(1).reduce((r, op) => add(r, op.logAbsDeterminant()), this.operators[0]!.logAbsDeterminant());
  }
  protected override _solve(rhs: Tensor, adjoint: boolean, adjointArg: boolean): Tensor {
    // [A, B]: B⁻¹·(A⁻¹·rhs); the adjoint A⁻ᴴ·(B⁻ᴴ·rhs)
    const order = adjoint ? [...this.operators].reverse() : [...this.operators];
    let solution = order[0]!.solve(rhs, { adjoint, adjointArg });
    for (const op of order.slice(1)) solution = op.solve(solution, { adjoint });
    return solution;
  }
  protected override _assertNonSingular(): Operation {
    if (this.operators.every((op) => op.isSquare)) return group(this.operators.map((op) => op.assertNonSingular()));
    return super._assertNonSingular();
  }
}

/** TF 1.15's default product of two operators (matmul_registrations' `_matmul_linear_operator`). */
algebra.compose = (left, right) => {
  const square = isSquarePair(left, right);
  let hints: HintOptions = { isSquare: square };
  if (square) {
    const ns = left.isNonSingular === true && right.isNonSingular === true ? true : left.isNonSingular === false || right.isNonSingular === false ? false : null;
    hints = { ...hints, isNonSingular: ns };
  } else if (square === false) {
    hints = { ...hints, isNonSingular: false, isSelfAdjoint: false, isPositiveDefinite: false };
  }
  return new LinearOperatorComposition([left, right], hints);
};

/** TF's registrations_util.is_square for a product. */
function isSquarePair(a: LinearOperator, b: LinearOperator): boolean | null {
  if (a.isSquare && b.isSquare) return true;
  if (a.isSquare === false && b.isSquare === false) {
    const m = a.rangeDimension;
    const l = b.domainDimension;
    if (m !== null && l !== null) return m === l;
  }
  if (a.isSquare !== b.isSquare && a.isSquare !== null && b.isSquare !== null) return false;
  return null;
}
