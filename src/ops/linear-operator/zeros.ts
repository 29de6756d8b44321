/**
 * `tf.linalg.LinearOperatorZeros(numRows, numColumns?, batchShape?, dtype = float32,
 * isNonSingular = false, isSelfAdjoint = true, isPositiveDefinite = false, isSquare = true,
 * assertProperShapes = false, name = 'LinearOperatorZeros')` (TF 1.15 linear_operator_zeros.py):
 * the [batch] zero matrix, never materialized. A non-square one needs isSquare and
 * isSelfAdjoint false.
 */
import { InvalidArgumentError, ValueError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import { type DType, parseDType } from '../../dtype.js';
import type { PartialShape } from '../../shape.js';
import { concat, expandDims, shape as shapeOf, stack, zeros } from '../array.js';
import { broadcastStaticShape } from '../array-extra.js';
import { type TensorLike, toTensor } from '../convert.js';
import { identity, noOp } from '../core.js';
import { assertEqual } from '../check-ops.js';
import { add, cast, reduceMin } from '../math.js';
import { index } from '../strided-slice.js';
import { LinearOperator } from './base.js';
import { operatorArgs } from './args.js';
import { batchShapeArg, scalarShapeArg } from './util.js';

const hintArg = (v: boolean | null | undefined, dflt: boolean): boolean | null => (v === undefined ? dflt : v);

export class LinearOperatorZeros extends LinearOperator {
  private readonly numRows: Tensor;
  private readonly numRowsStatic: number | null;
  private readonly numColumns: Tensor;
  private readonly numColumnsStatic: number | null;
  private readonly batchShapeArg: Tensor | null;
  private readonly batchShapeStatic: PartialShape;

  constructor(numRows: TensorLike, numColumns?: TensorLike | null, batchShape?: TensorLike | null, dtype?: DType | string | null, isNonSingular?: boolean | null, isSelfAdjoint?: boolean | null, isPositiveDefinite?: boolean | null, isSquare?: boolean | null, assertProperShapes?: boolean, name?: string);
  constructor(numRows: TensorLike, opts: { numColumns?: TensorLike | null; batchShape?: TensorLike | null; dtype?: DType | string | null; isNonSingular?: boolean | null; isSelfAdjoint?: boolean | null; isPositiveDefinite?: boolean | null; isSquare?: boolean | null; assertProperShapes?: boolean; name?: string | null });
  constructor(...args: unknown[]) {
    const names = ['numRows', 'numColumns', 'batchShape', 'dtype', 'isNonSingular', 'isSelfAdjoint', 'isPositiveDefinite', 'isSquare', 'assertProperShapes', 'name'];
    const a = operatorArgs(args, [], 'LinearOperatorZeros', 1, names);
    const name = a.name ?? 'LinearOperatorZeros';
    const dtype = a.dtype === undefined || a.dtype === null ? 'float32' : parseDType(a.dtype);
    const hints = { isNonSingular: hintArg(a.isNonSingular, false), isSelfAdjoint: hintArg(a.isSelfAdjoint, true), isPositiveDefinite: hintArg(a.isPositiveDefinite, false), isSquare: hintArg(a.isSquare, true) };
    if (!hints.isSelfAdjoint && hints.isSquare) throw new ValueError('A zero operator is always self adjoint.');
    if (hints.isNonSingular) throw new ValueError('A zero operator is always singular.');
    if (hints.isPositiveDefinite) throw new ValueError('A zero operator is always not positive-definite.');
    const [rows, cols, batch, graph] = LinearOperator.scoped(name, [a.numRows, a.numColumns, a.batchShape], (g) => {
      const r = scalarShapeArg(a.numRows as TensorLike, 'num_rows');
      const c = a.numColumns === undefined || a.numColumns === null ? r : scalarShapeArg(a.numColumns as TensorLike, 'num_columns');
      if (hints.isSquare && r.value !== null && c.value !== null && r.value !== c.value) {
        throw new ValueError(`LinearOperatorZeros initialized as is_square=True, but got num_rows(${r.value}) != num_columns(${c.value})`);
      }
      const b = a.batchShape === undefined || a.batchShape === null ? null : batchShapeArg(a.batchShape as TensorLike);
      return [r, c, b, g] as const;
    });
    super({ ...hints, dtype, graph, name });
    const i32 = (t: Tensor) => (t.dtype === 'int32' ? t : cast(t, 'int32'));
    this.numRows = i32(rows.t);
    this.numRowsStatic = rows.value;
    this.numColumns = i32(cols.t);
    this.numColumnsStatic = cols.value;
    this.batchShapeArg = batch?.t ?? null;
    this.assertProperShapes = !!a.assertProperShapes;
    this.batchShapeStatic = batch === null ? [] : batch.value;
  }
  /** Whether matmul checks its argument's contracted dimension when the graph runs. */
  readonly assertProperShapes: boolean;

  protected _shape(): PartialShape {
    return this.batchShapeStatic === null ? null : [...this.batchShapeStatic, this.numRowsStatic, this.numColumnsStatic];
  }
  protected _shapeTensor(): Tensor {
    const m = stack([this.numRows, this.numColumns], 0);
    return this.batchShapeArg === null ? m : concat([this.batchShapeArg, m], 0);
  }
  protected override _assertNonSingular(): Operation {
    throw new InvalidArgumentError('Zero operators are always non-invertible.');
  }
  protected override _assertPositiveDefinite(): Operation {
    throw new InvalidArgumentError('Zero operators are always non-positive definite.');
  }
  protected override _assertSelfAdjoint(): Operation {
    return noOp('assert_self_adjoint');
  }
  private batchFixed(): number[] | null {
    const b = this.batchShape;
    return b !== null && b.every((d) => d !== null) ? (b as number[]) : null;
  }
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
  protected _matmul(x0: Tensor, adjoint: boolean, adjointArg: boolean): Tensor {
    let x = x0;
    if (this.assertProperShapes) {
      const dim = index(shapeOf(x, { outType: 'int32' }), adjointArg ? -1 : -2);
      const want = adjoint ? this.numRows : this.numColumns;
      const a = assertEqual(want, dim, { message: 'Incompatible matrix dimensions.  shape[-2] of argument to be the same as this operator' });
      x = this.graph.controlDependencies([a], () => identity(x0));
    }
    const xs = x.shape;
    const n = adjoint ? this.numColumnsStatic : this.numRowsStatic;
    const r = xs === null ? null : xs[xs.length - (adjointArg ? 2 : 1)]!;
    if (xs !== null && xs.every((d) => d !== null) && n !== null && r !== null) {
      return this.possiblyBroadcastBatchShape(zeros([...(xs.slice(0, -2) as number[]), n, r], x.dtype));
    }
    const s = shapeOf(x, { outType: 'int32' });
    const rows = adjoint ? this.numColumns : this.numRows;
    const out = concat([index(s, ':-2'), expandDims(rows, 0), index(s, adjointArg ? '-2:-1' : '-1:')], 0);
    return this.possiblyBroadcastBatchShape(zeros(out, x.dtype));
  }
  private batchZeros(): Tensor {
    return zeros(this.batchFixed() ?? this.batchShapeTensor(), this.dtype);
  }
  protected override _determinant(): Tensor {
    return this.batchZeros();
  }
  protected override _trace(): Tensor {
    return this.batchZeros();
  }
  protected override _diagPart(): Tensor {
    const b = this.batchFixed();
    const r = this.numRowsStatic;
    const c = this.numColumnsStatic;
    if (b !== null && r !== null && c !== null) return zeros([...b, Math.min(r, c)], this.dtype);
    return zeros(concat([this.batchShapeTensor(), expandDims(reduceMin(index(this.shapeTensor(), '-2:')), 0)], 0), this.dtype);
  }
  protected override _toDense(): Tensor {
    const s = this.shape;
    return zeros(s !== null && s.every((d) => d !== null) ? (s as number[]) : this.shapeTensor(), this.dtype);
  }
  /** 0 + x: x, broadcast to this operator's batch shape (TF overrides the public method). */
  protected override _addToTensor(x: Tensor): Tensor {
    return this.possiblyBroadcastBatchShape(x);
  }
  protected override _eigvals(): Tensor {
    return this._diagPart();
  }
  override _linopMatmulRight(right: LinearOperator): LinearOperator | null {
    if (!this.isSquare || !right.isSquare) throw new ValueError('Matmul with non-square `LinearOperator`s or non-square `LinearOperatorZeros` not supported at this time.');
    return this;
  }
  override _linopMatmulLeft(left: LinearOperator): LinearOperator | null {
    if (!this.isSquare || !left.isSquare) throw new ValueError('Matmul with non-square `LinearOperator`s or non-square `LinearOperatorZeros` not supported at this time.');
    return this;
  }
}
