/**
 * Helpers the operators share (TF 1.15 linear_operator_util.py): shape constants, the adjoint of
 * a [batch] matrix, and the solves that first broadcast the batch dims of the matrix and the
 * right-hand side (TF's MatrixSolve, MatrixTriangularSolve and Cholesky solves need them equal).
 */
import { ValueError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import type { DType } from '../../dtype.js';
import { broadcastDynamicShape, broadcastStaticShape, broadcastTo } from '../array-extra.js';
import { concat, shape as shapeOf } from '../array.js';
import { assertLess } from '../check-ops.js';
import { conj } from '../complex.js';
import { type TensorLike, toTensor } from '../convert.js';
import { matrixSolve, matrixTranspose, matrixTriangularSolve } from '../linalg.js';
import { abs } from '../math.js';
import { index } from '../strided-slice.js';
import { scalarValue, shapeValue } from '../shape-value.js';
import { isInt } from '../../dtype.js';

/** A 1-D int32 constant holding `dims`. */
export function shapeConst(dims: readonly number[], name?: string): Tensor {
  return toTensor(Int32Array.from(dims) as never, 'int32', name);
}

/** The conjugate transpose of the innermost matrices (the transpose for real dtypes). */
export function adjointMatrix(x: Tensor): Tensor {
  return conj(matrixTranspose(x));
}

const known = (s: readonly (number | null)[] | null): s is number[] => s !== null && s.every((d) => d !== null);

/**
 * TF's `broadcast_matrix_batch_dims`: the matrices with their batch dims (all but the last two)
 * broadcast against each other; statically when every shape is known, else through the run-time
 * shapes.
 */
export function broadcastMatrixBatchDims(mats: readonly Tensor[]): Tensor[] {
  const shapes = mats.map((m) => m.shape);
  for (const s of shapes) if (s !== null && s.length < 2) throw new ValueError(`Expected a [batch] matrix, found a tensor of rank ${s.length}`);
  if (shapes.every(known)) {
    const batch = shapes.map((s) => s!.slice(0, -2)).reduce((a, b) => broadcastStaticShape(a, b) as number[]);
    return mats.map((m) => {
      const s = m.shape as number[];
      const want = [...batch, ...s.slice(-2)];
      return want.length === s.length && want.every((d, i) => d === s[i]) ? m : broadcastTo(m, want);
    });
  }
  const batch = mats.map((m) => index(shapeOf(m, { outType: 'int32' }), ':-2')).reduce((a, b) => broadcastDynamicShape(a, b));
  return mats.map((m) => broadcastTo(m, concat([batch, index(shapeOf(m, { outType: 'int32' }), '-2:')], 0)));
}

/** `matrix_solve_with_broadcast(matrix, rhs, adjoint)`. */
export function matrixSolveWithBroadcast(matrix: Tensor, rhs: Tensor, adjoint = false): Tensor {
  return matrix.graph.nameScope('MatrixSolveWithBroadcast', () => {
    const [m, r] = broadcastMatrixBatchDims([matrix, rhs]);
    return matrixSolve(m!, r!, { adjoint });
  });
}

/** `matrix_triangular_solve_with_broadcast(matrix, rhs, lower, adjoint)`. */
export function matrixTriangularSolveWithBroadcast(matrix: Tensor, rhs: Tensor, lower = true, adjoint = false): Tensor {
  return matrix.graph.nameScope('MatrixTriangularSolve', () => {
    const [m, r] = broadcastMatrixBatchDims([matrix, rhs]);
    return matrixTriangularSolve(m!, r!, { lower, adjoint });
  });
}

/** `cholesky_solve_with_broadcast(chol, rhs)`: A⁻¹·rhs from A's lower Cholesky factor, two triangular solves. */
export function choleskySolveWithBroadcast(chol: Tensor, rhs: Tensor): Tensor {
  return chol.graph.nameScope('CholeskySolveWithBroadcast', () => {
    const [l, r] = broadcastMatrixBatchDims([chol, rhs]);
    return matrixTriangularSolve(l!, matrixTriangularSolve(l!, r!, { lower: true, adjoint: false }), { lower: true, adjoint: true });
  });
}

/** `assert_no_entries_with_modulus_zero(x, message)`: 0 < |x| element-wise. */
export function assertNoEntriesWithModulusZero(x: Tensor, message: string): Operation {
  return x.graph.nameScope('assert_no_entries_with_modulus_zero', () => assertLess(toTensor(0, abs(x).dtype), abs(x), { message }));
}

/**
 * A scalar integer argument (num_rows, num_columns) as an int32 tensor and its build-time value
 * where the graph fixes it, with TF's static checks.
 */
export function scalarShapeArg(v: TensorLike, what: string): { t: Tensor; value: number | null } {
  const t = typeof v === 'number' ? toTensor(v, Number.isInteger(v) ? 'int32' : 'float32', what) : toTensor(v, undefined, what);
  if (!isInt(t.dtype as DType)) throw new TypeError(`Argument ${what} must be integer type.  Found: ${t.name}`);
  if (t.shape !== null && t.shape.length !== 0) throw new ValueError(`Argument ${what} must be a 0-D Tensor.  Found: ${t.name}`);
  const value = typeof v === 'number' ? v : scalarValue(t);
  if (value !== null && value < 0) throw new ValueError(`Argument ${what} must be non-negative.  Found: ${value}`);
  return { t, value };
}

/** A batch_shape argument (1-D, non-negative integers) as an int32 tensor and its build-time value. */
export function batchShapeArg(v: TensorLike): { t: Tensor; value: (number | null)[] | null } {
  if (Array.isArray(v) && v.every((d) => typeof d === 'number')) {
    const dims = v as number[];
    if (!dims.every(Number.isInteger)) throw new TypeError(`Argument batch_shape must be integer type.  Found: [${dims.join(', ')}]`);
    if (dims.some((d) => d < 0)) throw new ValueError(`Argument batch_shape must be non-negative.  Found:[${dims.join(' ')}]`);
    return { t: shapeConst(dims, 'batch_shape_arg'), value: [...dims] };
  }
  const t = toTensor(v, undefined, 'batch_shape_arg');
  if (!isInt(t.dtype)) throw new TypeError(`Argument batch_shape must be integer type.  Found: ${t.name}`);
  if (t.shape !== null && t.shape.length !== 1) throw new ValueError(`Argument batch_shape must be a 1-D Tensor.  Found: ${t.name}`);
  return { t, value: shapeValue(t) };
}
