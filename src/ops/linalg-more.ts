/**
 * More of TF 1.15's tf.linalg: `matvec` (matmul with b as a column), `normalize` (tensor / norm,
 * with the norm), `matrixRank` (singular values above TF's tolerance) and `tridiagonalMatmul`
 * (the TridiagonalMatMul op over compact / sequence / matrix diagonals, with TF's gradient).
 */
import { kwargs } from '../args.js';
import type { DType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { type PartialShape, pyShape } from '../shape.js';
import { expandDims, shapeFnError, slice, squeeze } from './array.js';
import { norm } from './clip.js';
import { type TensorLike, toTensor } from './convert.js';
import { constant } from './core.js';
import { svdOp } from './linalg-decomp.js';
import { matrixDiagPart, matrixTranspose } from './linalg.js';
import type { Lower, Val } from './lower.js';
import { add, cast, divide, greater, matmul, multiply, reduceMax, reduceSum } from './math.js';
import { pad } from './pad.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

/**
 * `tf.linalg.matvec(a, b, transposeA = false, adjointA = false, aIsSparse = false, bIsSparse = false, name?)`:
 * `a` [..., M, N] times the vector `b` [..., N] → [..., M].
 */
export function matvec(
  a: TensorLike, b: TensorLike, transposeA?: boolean | Record<string, unknown>, adjointA?: boolean, aIsSparse?: boolean, bIsSparse?: boolean, name?: string,
): Tensor {
  const o = kwargs([a, b, transposeA, adjointA, aIsSparse, bIsSparse, name], ['a', 'b', 'transposeA', 'adjointA', 'aIsSparse', 'bIsSparse', 'name'], 'matvec', 2);
  const at = toTensor(o.a as TensorLike);
  return at.graph.nameScope((o.name as string | undefined) ?? 'MatVec', () => {
    const bt = toTensor(o.b as TensorLike, at.dtype);
    const out = matmul(at, expandDims(bt, -1), { transposeA: !!o.transposeA, adjointA: !!o.adjointA, aIsSparse: !!o.aIsSparse, bIsSparse: !!o.bIsSparse });
    return squeeze(out, -1);
  });
}

/** `tf.linalg.normalize(tensor, ord = 'euclidean', axis = null, name?)` → `[tensor / norm, norm]` (the norm with the reduced axes kept). */
export function normalize(
  tensor: TensorLike, ord?: 'euclidean' | 'fro' | number | Record<string, unknown>, axis?: number | [number, number] | null, name?: string,
): [Tensor, Tensor] {
  const o = kwargs([tensor, ord, axis, name], ['tensor', 'ord', 'axis', 'name'], 'normalize', 1);
  const t = toTensor(o.tensor as TensorLike);
  return t.graph.nameScope((o.name as string | undefined) ?? 'normalize', () => {
    const n = cast(norm(t, { ord: (o.ord ?? 'euclidean') as 'euclidean', axis: (o.axis ?? null) as number | null, keepdims: true }), t.dtype);
    return [divide(t, n), n];
  });
}

const EPS: Partial<Record<DType, number>> = { float16: 0.000977, float32: 1.1920929e-7, float64: 2.220446049250313e-16 };

/**
 * `tf.linalg.matrixRank(a, tol?, validateArgs = false, name?)`: the number of singular values of
 * each innermost matrix above `tol` (default eps · max(M, N) · the largest singular value), int32.
 */
export function matrixRank(a: TensorLike, tol?: TensorLike | null | Record<string, unknown>, validateArgs?: boolean, name?: string): Tensor {
  const o = kwargs([a, tol, validateArgs, name], ['a', 'tol', 'validateArgs', 'name'], 'matrix_rank', 1);
  const x = toTensor(o.a as TensorLike, 'float32', 'a');
  return x.graph.nameScope((o.name as string | undefined) ?? 'matrix_rank', () => {
    if (x.shape !== null && x.shape.length < 2) throw new ValueError(`Input \`a\` must have at least 2 dimensions (saw: ${x.shape.length}).`);
    const s = svdOp(x, { computeUv: false }) as Tensor;
    let t: Tensor;
    if (o.tol === undefined || o.tol === null) {
      const dims = x.shape?.slice(-2) ?? [null, null];
      if (dims.some((d) => d === null)) throw new ValueError('matrix_rank: the last two dimensions of `a` must be known to compute the default tolerance');
      const m = Math.max(...(dims as number[]));
      const eps = EPS[x.dtype];
      if (eps === undefined) throw new TypeError(`matrix_rank: a must be a float tensor, got ${x.dtype}`);
      t = multiply(constant(eps * m, x.dtype), reduceMax(s, -1, true));
    } else {
      t = toTensor(o.tol as TensorLike, x.dtype, 'tol');
    }
    return reduceSum(cast(greater(s, t), 'int32'), -1);
  });
}

// ----- TridiagonalMatMul ---------------------------------------------------------------------------
/** x [..., M, N] shifted along the rows: `up` gives row i the row i + 1 (the last row 0), else row i − 1 (the first 0). */
function shiftRows(b: Lower, x: Val, up: boolean): Val {
  const s = x.shape;
  const r = s.length;
  const m = s[r - 2]!;
  if (m === 0) return x;
  const begin = s.map((_, i) => (i === r - 2 && up ? 1 : 0));
  const size = s.map((d, i) => (i === r - 2 ? m - 1 : d));
  const kept = b.slice(x, begin, size);
  const zero = b.fill(s.map((d, i) => (i === r - 2 ? 1 : d)), 0, x.dtype);
  return b.concat(up ? [kept, zero] : [zero, kept], r - 2);
}

defineOp<{ up: boolean }>({
  type: 'TridiagonalShiftRows',
  infer: ([x]) => [{ dtype: x!.dtype, shape: x!.shape }],
  lower: (b, [x], a) => [shiftRows(b, x!, a.up)],
});
registerGradient('TridiagonalShiftRows', (op, [dy]) => (dy ? [shift(dy, !(op.attrs as { up: boolean }).up)] : [null]));
function shift(x: Tensor, up: boolean): Tensor {
  return makeOp(x.graph, 'TridiagonalShiftRows', [x], { up }, undefined, up ? 'LeftShift' : 'RightShift').outputs[0]!;
}

const TRI_TYPES = ['float64', 'float32', 'complex64', 'complex128'];
defineOp({
  type: 'TridiagonalMatMul',
  infer: ([sup, main, sub, rhs], _a, name) => {
    for (const [t, p] of [[sup, 'superdiag'], [main, 'maindiag'], [sub, 'subdiag']] as const) {
      if (t!.dtype !== rhs!.dtype) throw new TypeError(`Input '${p}' of 'TridiagonalMatMul' Op has type ${t!.dtype} that does not match type ${rhs!.dtype} of argument 'rhs'.`);
    }
    if (!TRI_TYPES.includes(rhs!.dtype) || rhs!.dtype.startsWith('complex')) {
      throw new TypeError(`Value passed to parameter 'superdiag' has DataType ${rhs!.dtype} not in list of allowed values: ${TRI_TYPES.join(', ')}`);
    }
    const shapes = [sup!.shape, main!.shape, sub!.shape, rhs!.shape];
    const rs = rhs!.shape;
    if (rs !== null && rs.length < 2) throw shapeFnError(`Shape must be at least rank 2 but is rank ${rs.length}`, name, 'TridiagonalMatMul', shapes);
    const m = rs === null ? null : rs[rs.length - 2]!;
    for (const s of shapes.slice(0, 3)) {
      if (s === null) continue;
      if (s.length < 2) throw shapeFnError(`Shape must be at least rank 2 but is rank ${s.length}`, name, 'TridiagonalMatMul', shapes);
      const rows = s[s.length - 2];
      if (rows !== null && rows !== 1) throw shapeFnError(`Dimension must be 1 but is ${rows}`, name, 'TridiagonalMatMul', shapes);
      const cols = s[s.length - 1];
      if (cols !== null && m !== null && cols !== m) throw shapeFnError(`Dimensions must be equal, but are ${cols} and ${m}`, name, 'TridiagonalMatMul', shapes);
    }
    return [{ dtype: rhs!.dtype, shape: rs }];
  },
  lower: (b, [sup, main, sub, rhs]) => {
    const rs = rhs!.shape;
    const m = rs[rs.length - 2]!;
    for (const [v, what] of [[sup, 'superdiag'], [main, 'maindiag'], [sub, 'subdiag']] as const) {
      const s = v!.shape;
      if (s.length !== rs.length || s[s.length - 2] !== 1 || s[s.length - 1] !== m || s.slice(0, -2).some((d, i) => d !== rs[i])) {
        throw new InvalidArgumentError(`Expected ${what} to have shape [${[...rs.slice(0, -2), 1, m].join(',')}], got [${s.join(',')}]`, b.opName);
      }
    }
    // [..., 1, M] → [..., M, 1]: one coefficient per row of rhs
    const col = (v: Val): Val => b.reshape(v, [...rs.slice(0, -2), m, 1]);
    let out = b.binary('mul', col(main!), rhs!);
    if (m > 1) {
      out = b.binary('add', out, b.binary('mul', col(sup!), shiftRows(b, rhs!, true)));
      out = b.binary('add', out, b.binary('mul', col(sub!), shiftRows(b, rhs!, false)));
    }
    return [out];
  },
});

/** TF's _TridiagonalMatMulGrad (the diagonals' gradients as [..., 1, M]). */
registerGradient('TridiagonalMatMul', (op, [dy]) => {
  if (!dy) return [null, null, null, null];
  const [sup, main, sub, rhs] = op.inputs as [Tensor, Tensor, Tensor, Tensor];
  const supT = matrixTranspose(sup);
  const mainT = matrixTranspose(main);
  const subT = matrixTranspose(sub);
  const dSup = expandDims(reduceSum(multiply(shift(rhs, true), dy), -1), -2);
  const dMain = expandDims(reduceSum(multiply(rhs, dy), -1), -2);
  const dSub = expandDims(reduceSum(multiply(shift(rhs, false), dy), -1), -2);
  const dRhs = add(add(shift(multiply(supT, dy), false), multiply(mainT, dy)), shift(multiply(subT, dy), true));
  return [dSup, dMain, dSub, dRhs];
});

const last = (s: PartialShape, k: number): number | null => (s === null ? null : s[s.length - k] ?? null);

/**
 * `tf.linalg.tridiagonalMatmul(diagonals, rhs, diagonalsFormat = 'compact', name?)`: the
 * tridiagonal matrix given by its diagonals times `rhs` [..., M, N]. Formats as
 * tridiagonalSolve: 'compact' [..., 3, M] (superdiagonal, main, subdiagonal; the superdiagonal's
 * last and the subdiagonal's first element unused), 'sequence' [sup, main, sub] each [..., M],
 * 'matrix' [..., M, M].
 */
export function tridiagonalMatmul(
  diagonals: TensorLike | TensorLike[], rhs: TensorLike, diagonalsFormat?: string | Record<string, unknown>, name?: string,
): Tensor {
  const o = kwargs([diagonals, rhs, diagonalsFormat, name], ['diagonals', 'rhs', 'diagonalsFormat', 'name'], 'tridiagonal_matmul', 2);
  const format = (o.diagonalsFormat ?? 'compact') as string;
  const r = toTensor(o.rhs as TensorLike, undefined, 'rhs');
  let sup: Tensor;
  let main: Tensor;
  let sub: Tensor;
  if (format === 'compact') {
    const d = toTensor(o.diagonals as TensorLike, r.dtype, 'diagonals');
    if (d.shape === null) throw new ValueError('tridiagonal_matmul: the rank of diagonals must be known');
    const k = d.shape.length;
    const row = (i: number): Tensor => squeeze(slice(d, [...Array(k - 2).fill(0), i, 0], [...Array(k - 2).fill(-1), 1, -1]), -2);
    if (last(d.shape, 2) !== null && last(d.shape, 2) !== 3) throw new ValueError(`Expected the diagonals to have shape [..., 3, M], got ${pyShape(d.shape)}`);
    [sup, main, sub] = [row(0), row(1), row(2)];
  } else if (format === 'sequence') {
    const ds = o.diagonals;
    if (!Array.isArray(ds) || ds.length !== 3) throw new ValueError('Expected diagonals to be a sequence of length 3.');
    [sup, main, sub] = ds.map((t) => toTensor(t as TensorLike, r.dtype)) as [Tensor, Tensor, Tensor];
  } else if (format === 'matrix') {
    const d = toTensor(o.diagonals as TensorLike, r.dtype, 'diagonals');
    const m1 = last(d.shape, 1);
    const m2 = last(d.shape, 2);
    if (m1 !== null && m2 !== null && m1 !== m2) throw new ValueError(`Expected last two dimensions of diagonals to be same, got ${m1} and ${m2}`);
    if (d.shape === null || m1 === null) throw new ValueError('tridiagonal_matmul: the shape of the matrix diagonals must be known');
    const k = d.shape.length;
    const lead = Array(k - 2).fill(0);
    const all = Array(k - 2).fill(-1);
    const z = Array.from({ length: k - 1 }, () => [0, 0]);
    main = matrixDiagPart(d);
    if (m1 > 1) {
      sup = pad(matrixDiagPart(slice(d, [...lead, 0, 1], [...all, m1 - 1, m1 - 1])), [...z.slice(1), [0, 1]]);
      sub = pad(matrixDiagPart(slice(d, [...lead, 1, 0], [...all, m1 - 1, m1 - 1])), [...z.slice(1), [1, 0]]);
    } else {
      sup = multiply(main, 0);
      sub = multiply(main, 0);
    }
  } else {
    throw new ValueError(`Unrecognized diagonals_format: ${format}`);
  }
  const g = r.graph;
  return makeOp(g, 'TridiagonalMatMul', [expandDims(sup, -2), expandDims(main, -2), expandDims(sub, -2), r], {}, o.name as string | undefined, 'TridiagonalMatMul').outputs[0]!;
}
