/**
 * `tf.linalg.LinearOperator` (TF 1.15 linear_operator.py): a [batch of] matrices A of shape
 * [B1,…,Bb, M, N] known through its methods (matmul, solve, determinant, …) rather than its
 * entries. Subclasses implement the underscored methods; the public ones open TF's name scope
 * (`<operator name>/<method>/`), convert and check the argument (dtype, the contracted
 * dimension), then call them. The defaults go through `toDense()` (O(N³)), as TF's do.
 *
 * Hints (`isNonSingular`, `isSelfAdjoint`, `isPositiveDefinite`, `isSquare`) are promises, not
 * run-time checks: true / false / null (no expectation), with TF's implications and errors.
 */
import { kwargs, type TF1Args } from '../../args.js';
import { type DType, isComplex, realDType } from '../../dtype.js';
import { NotImplementedError, ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import type { Graph } from '../../graph/graph.js';
import { type Operation, Tensor } from '../../graph/tensor.js';
import type { Dim, PartialShape } from '../../shape.js';
import { concat, expandDims, size, squeeze } from '../array.js';
import { assertEqual, assertLess, assertPositive } from '../check-ops.js';
import { type TensorLike, toTensor } from '../convert.js';
import { cholesky, eye, matrixDeterminant, matrixDiagPart, slogdet } from '../linalg.js';
import { selfAdjointEigvals, svdOp } from '../linalg-decomp.js';
import { abs, add, cast, exp, log, multiply, realDiv, reduceMax, reduceMin, reduceSum } from '../math.js';
import { index } from '../strided-slice.js';
import { adjointMatrix, choleskySolveWithBroadcast, matrixSolveWithBroadcast, shapeConst } from './util.js';

export type Hint = boolean | null;
/** The hint keywords every operator's constructor takes. */
export interface HintOptions {
  isNonSingular?: boolean | null;
  isSelfAdjoint?: boolean | null;
  isPositiveDefinite?: boolean | null;
  isSquare?: boolean | null;
  name?: string | null;
}

/** What a subclass passes to `super` (TF's `LinearOperator.__init__`). */
export interface LinearOperatorInit extends HintOptions {
  dtype: DType;
  graph: Graph;
  graphParents?: readonly Tensor[];
  name: string;
}

/** Float and complex dtypes: what the matrix-valued operators accept (TF's allowed_dtypes). */
export const ALLOWED_DTYPES: readonly DType[] = ['float16', 'float32', 'float64', 'complex64', 'complex128'];
export const pyDtypes = (ds: readonly DType[]): string => `[${ds.map((d) => `tf.${d}`).join(', ')}]`;

/** Python's repr of a hint. */
const py = (v: Hint | undefined): string => (v === true ? 'True' : v === false ? 'False' : 'None');
const dimStr = (d: Dim): string => (d === null ? '?' : String(d));

/**
 * Hooks that the modules of the operators they build fill in when loaded (they import this one,
 * so this one cannot import them): the adjoint, the inverse, the composition of two operators and
 * the Cholesky factor's lower-triangular operator.
 */
export const algebra: {
  adjoint?: (op: LinearOperator) => LinearOperator;
  inverse?: (op: LinearOperator) => LinearOperator;
  compose?: (left: LinearOperator, right: LinearOperator) => LinearOperator;
  lowerTriangular?: (tril: Tensor) => LinearOperator;
} = {};
function hook<K extends keyof typeof algebra>(k: K): NonNullable<(typeof algebra)[K]> {
  const f = algebra[k];
  if (!f) throw new Error(`LinearOperator: import tsflow's linear-operator index module before calling ${k}()`);
  return f as NonNullable<(typeof algebra)[K]>;
}

type MatmulArgs<X> = TF1Args<readonly ['x', 'adjoint', 'adjointArg', 'name'], [x: X, adjoint?: boolean, adjointArg?: boolean, name?: string]>;
type SolveArgs<X> = TF1Args<readonly ['rhs', 'adjoint', 'adjointArg', 'name'], [rhs: X, adjoint?: boolean, adjointArg?: boolean, name?: string]>;
type VecArgs = TF1Args<readonly ['x', 'adjoint', 'name'], [x: TensorLike, adjoint?: boolean, name?: string]>;
type SolveVecArgs = TF1Args<readonly ['rhs', 'adjoint', 'name'], [rhs: TensorLike, adjoint?: boolean, name?: string]>;
type NameArgs = TF1Args<readonly ['name'], [name?: string]>;
type AddArgs = TF1Args<readonly ['x', 'name'], [x: TensorLike, name?: string]>;

export abstract class LinearOperator {
  readonly dtype: DType;
  /** The name prepended to the ops this operator's methods make. */
  readonly name: string;
  readonly graph: Graph;
  readonly graphParents: readonly Tensor[];
  readonly isNonSingular: Hint;
  readonly isSelfAdjoint: Hint;
  readonly isPositiveDefinite: Hint;
  private readonly squareHint: Hint;

  protected constructor(init: LinearOperatorInit) {
    let nonSingular = init.isNonSingular ?? null;
    let square = init.isSquare ?? null;
    if (init.isPositiveDefinite) {
      if (nonSingular === false) throw new ValueError('A positive definite matrix is always non-singular.');
      nonSingular = true;
    }
    if (nonSingular) {
      if (square === false) throw new ValueError('A non-singular matrix is always square.');
      square = true;
    }
    if (init.isSelfAdjoint) {
      if (square === false) throw new ValueError('A self-adjoint matrix is always square.');
      square = true;
    }
    (init.graphParents ?? []).forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new ValueError(`Graph parent item ${i} is not a Tensor; ${String(t)}.`);
    });
    this.dtype = init.dtype;
    this.graph = init.graph;
    this.graphParents = [...(init.graphParents ?? [])];
    this.isNonSingular = nonSingular;
    this.isSelfAdjoint = init.isSelfAdjoint ?? null;
    this.isPositiveDefinite = init.isPositiveDefinite ?? null;
    this.squareHint = square;
    this.name = init.name;
  }

  /** Open the constructor's scope `name` in the graph of the first tensor among `values` (else the default graph). */
  static scoped<T>(name: string, values: readonly unknown[], fn: (g: Graph) => T): T {
    const t = values.find((v): v is Tensor => v instanceof Tensor);
    const g = t ? t.graph : getDefaultGraph();
    return g.nameScope(name, () => fn(g));
  }

  /** Run `fn` in `<name>/<method>/` (TF's `_name_scope`). */
  protected inScope<T>(method: string, fn: () => T): T {
    return this.graph.nameScope(this.name, () => this.graph.nameScope(method, fn));
  }

  /** True/false when the hints or the static shape tell; null when neither does. */
  get isSquare(): Hint {
    const d = this.domainDimension;
    const r = this.rangeDimension;
    const auto = d === null || r === null ? null : d === r;
    if (this.squareHint === false && auto) throw new ValueError('User set is_square hint to False, but the operator was square.');
    return this.squareHint === null ? auto : this.squareHint;
  }

  // ----- shapes ------------------------------------------------------------------------------
  protected abstract _shape(): PartialShape;
  protected abstract _shapeTensor(): Tensor;

  /** The static shape [B1,…,Bb, M, N] (null dims unknown; null for an unknown rank). */
  get shape(): PartialShape {
    return this._shape();
  }
  /** `shape_tensor()`: the shape as a 1-D int32 tensor. */
  shapeTensor(...args: NameArgs): Tensor {
    const o = kwargs(args, ['name'], 'shape_tensor');
    return this.inScope((o.name as string | undefined) ?? 'shape_tensor', () => {
      const s = this.shape;
      return s !== null && s.every((d) => d !== null) ? shapeConst(s as number[]) : this._shapeTensor();
    });
  }
  /** The static batch shape [B1,…,Bb]. */
  get batchShape(): PartialShape {
    const s = this.shape;
    return s === null ? null : s.slice(0, -2);
  }
  batchShapeTensor(...args: NameArgs): Tensor {
    const o = kwargs(args, ['name'], 'batch_shape_tensor');
    return this.inScope((o.name as string | undefined) ?? 'batch_shape_tensor', () => {
      const b = this.batchShape;
      return b !== null && b.every((d) => d !== null) ? shapeConst(b as number[], 'batch_shape') : index(this.shapeTensor(), ':-2');
    });
  }
  /** b + 2, or null when the rank is unknown. */
  get tensorRank(): number | null {
    const s = this.shape;
    return s === null ? null : s.length;
  }
  tensorRankTensor(...args: NameArgs): Tensor {
    const o = kwargs(args, ['name'], 'tensor_rank_tensor');
    return this.inScope((o.name as string | undefined) ?? 'tensor_rank_tensor', () => {
      const r = this.tensorRank;
      return r !== null ? toTensor(r, 'int32') : size(this.shapeTensor(), { outType: 'int32' });
    });
  }
  /** N (the columns), or null. */
  get domainDimension(): Dim {
    const s = this.shape;
    return s === null ? null : s[s.length - 1]!;
  }
  domainDimensionTensor(...args: NameArgs): Tensor {
    const o = kwargs(args, ['name'], 'domain_dimension_tensor');
    return this.inScope((o.name as string | undefined) ?? 'domain_dimension_tensor', () => {
      const d = this.domainDimension;
      return d !== null ? toTensor(d, 'int32') : index(this.shapeTensor(), -1);
    });
  }
  /** M (the rows), or null. */
  get rangeDimension(): Dim {
    const s = this.shape;
    return s === null || s.length < 2 ? null : s[s.length - 2]!;
  }
  rangeDimensionTensor(...args: NameArgs): Tensor {
    const o = kwargs(args, ['name'], 'range_dimension_tensor');
    return this.inScope((o.name as string | undefined) ?? 'range_dimension_tensor', () => {
      const d = this.rangeDimension;
      return d !== null ? toTensor(d, 'int32') : index(this.shapeTensor(), -2);
    });
  }

  // ----- argument checks ---------------------------------------------------------------------
  /** A host value takes this operator's dtype; a tensor must already have it. */
  protected convertArg(x: TensorLike, what: string): Tensor {
    const t = x instanceof Tensor ? x : toTensor(x, this.dtype, what);
    if (t.dtype !== this.dtype) throw new TypeError(`Expected argument to have dtype ${this.dtype}.  Found: ${t.dtype} in tensor ${t.name}`);
    return t;
  }
  /** TF's Dimension.assert_is_compatible_with. */
  protected static checkDims(a: Dim, b: Dim): void {
    if (a !== null && b !== null && a !== b) throw new ValueError(`Dimensions ${dimStr(a)} and ${dimStr(b)} are not compatible`);
  }
  private dimAt(i: number): Dim {
    const s = this.shape;
    return s === null ? null : s[s.length + i] ?? null;
  }
  private static dimOf(t: Tensor, i: number): Dim {
    const s = t.shape;
    if (s === null) return null;
    if (s.length + i < 0) throw new ValueError(`Shape must be at least rank ${-i} but is rank ${s.length}`);
    return s[s.length + i]!;
  }

  // ----- assertions --------------------------------------------------------------------------
  /** 1 / (max(100, M, N)·eps): larger condition numbers count as singular. */
  protected _maxConditionNumberToBeNonSingular(): Tensor {
    return this.graph.nameScope('max_nonsingular_condition_number', () => {
      const eps = EPS[realDType(this.dtype)] ?? EPS.float32!;
      const dims = [toTensor(100, this.dtype), cast(this.rangeDimensionTensor(), this.dtype), cast(this.domainDimensionTensor(), this.dtype)];
      return reciprocalOf(multiply(reduceMax(concat(dims.map((t) => expandDims(t, 0)), 0)), toTensor(eps, this.dtype)));
    });
  }
  protected _assertNonSingular(): Operation {
    if (this.canUseCholesky()) return this.assertPositiveDefinite();
    const s = svdOp(this.toDense(), { computeUv: false }) as Tensor;
    const cond = multiply(reduceMax(s, -1), reciprocalOf(reduceMin(s, -1)));
    return assertLess(cond, this._maxConditionNumberToBeNonSingular(), { message: 'Singular matrix up to precision epsilon.' });
  }
  /** An op that fails the run when this operator is singular. */
  assertNonSingular(...args: NameArgs): Operation {
    const o = kwargs(args, ['name'], 'assert_non_singular');
    return this.inScope((o.name as string | undefined) ?? 'assert_non_singular', () => this._assertNonSingular());
  }
  protected _assertPositiveDefinite(): Operation {
    // for a self-adjoint operator, a Cholesky factor with a positive diagonal is necessary and sufficient
    if (this.isSelfAdjoint) return assertPositive(matrixDiagPart(cholesky(this.toDense())), { message: 'Matrix was not positive definite.' });
    throw new NotImplementedError('assert_positive_definite is not implemented.');
  }
  assertPositiveDefinite(...args: NameArgs): Operation {
    const o = kwargs(args, ['name'], 'assert_positive_definite');
    return this.inScope((o.name as string | undefined) ?? 'assert_positive_definite', () => this._assertPositiveDefinite());
  }
  protected _assertSelfAdjoint(): Operation {
    const dense = this.toDense();
    return assertEqual(dense, adjointMatrix(dense), { message: 'Matrix was not equal to its adjoint.' });
  }
  assertSelfAdjoint(...args: NameArgs): Operation {
    const o = kwargs(args, ['name'], 'assert_self_adjoint');
    return this.inScope((o.name as string | undefined) ?? 'assert_self_adjoint', () => this._assertSelfAdjoint());
  }

  // ----- matmul / matvec ---------------------------------------------------------------------
  protected abstract _matmul(x: Tensor, adjoint: boolean, adjointArg: boolean): Tensor;

  /**
   * `matmul(x, adjoint = false, adjointArg = false, name = 'matmul')`: A·x (Aᴴ·x with adjoint,
   * A·xᴴ with adjointArg). Given a LinearOperator, the product operator (a composition, or a
   * simpler operator where the pair allows: identities drop out, diagonals multiply).
   */
  matmul(...args: MatmulArgs<TensorLike>): Tensor;
  matmul(...args: MatmulArgs<LinearOperator>): LinearOperator;
  matmul(...args: unknown[]): Tensor | LinearOperator {
    const o = kwargs(args, ['x', 'adjoint', 'adjointArg', 'name'], 'matmul', 1);
    const adjoint = !!o.adjoint;
    const adjointArg = !!o.adjointArg;
    const name = (o.name as string | undefined) ?? 'matmul';
    if (o.x instanceof LinearOperator) {
      const left = adjoint ? this.adjoint() : this;
      const right = adjointArg ? o.x.adjoint() : o.x;
      if (right.rangeDimension !== null && left.domainDimension !== null && right.rangeDimension !== left.domainDimension) {
        throw new ValueError(`Operators are incompatible. Expected \`x\` to have dimension ${left.domainDimension} but got ${right.rangeDimension}.`);
      }
      return this.inScope(name, () => matmulOperators(left, right));
    }
    return this.inScope(name, () => {
      const x = this.convertArg(o.x as TensorLike, 'x');
      LinearOperator.checkDims(this.dimAt(adjoint ? -2 : -1), LinearOperator.dimOf(x, adjointArg ? -1 : -2));
      return this._matmul(x, adjoint, adjointArg);
    });
  }
  protected _matvec(x: Tensor, adjoint: boolean): Tensor {
    return squeeze(this.matmul(expandDims(x, -1), { adjoint }), -1);
  }
  /** `matvec(x, adjoint = false, name = 'matvec')`: A·x for a [batch] vector x of shape [..., N]. */
  matvec(...args: VecArgs): Tensor {
    const o = kwargs(args, ['x', 'adjoint', 'name'], 'matvec', 1);
    const adjoint = !!o.adjoint;
    return this.inScope((o.name as string | undefined) ?? 'matvec', () => {
      const x = this.convertArg(o.x as TensorLike, 'x');
      LinearOperator.checkDims(this.dimAt(adjoint ? -2 : -1), LinearOperator.dimOf(x, -1));
      return this._matvec(x, adjoint);
    });
  }

  // ----- determinants ------------------------------------------------------------------------
  protected _determinant(): Tensor {
    if (this.canUseCholesky()) return exp(this.logAbsDeterminant());
    return matrixDeterminant(this.toDense());
  }
  private notSquare(): void {
    if (this.isSquare === false) throw new NotImplementedError('Determinant not implemented for an operator that is expected to not be square.');
  }
  /** `determinant(name = 'det')`: det A for every batch member (shape batchShape). */
  determinant(...args: NameArgs): Tensor {
    const o = kwargs(args, ['name'], 'determinant');
    this.notSquare();
    return this.inScope((o.name as string | undefined) ?? 'det', () => this._determinant());
  }
  protected _logAbsDeterminant(): Tensor {
    if (this.canUseCholesky()) return multiply(toTensor(2, this.dtype), reduceSum(log(matrixDiagPart(cholesky(this.toDense()))), [-1]));
    return slogdet(this.toDense())[1];
  }
  /** `logAbsDeterminant(name = 'log_abs_det')`: log|det A| for every batch member. */
  logAbsDeterminant(...args: NameArgs): Tensor {
    const o = kwargs(args, ['name'], 'log_abs_determinant');
    this.notSquare();
    return this.inScope((o.name as string | undefined) ?? 'log_abs_det', () => this._logAbsDeterminant());
  }

  // ----- solve / solvevec --------------------------------------------------------------------
  protected _solve(rhs: Tensor, adjoint: boolean, adjointArg: boolean): Tensor {
    if (this.isSquare === false) throw new NotImplementedError('Solve is not yet implemented for non-square operators.');
    const r = adjointArg ? adjointMatrix(rhs) : rhs;
    if (this.canUseCholesky()) return choleskySolveWithBroadcast(cholesky(this.toDense()), r);
    return matrixSolveWithBroadcast(this.toDense(), r, adjoint);
  }
  private checkSolvable(): void {
    if (this.isNonSingular === false) throw new NotImplementedError('Exact solve not implemented for an operator that is expected to be singular.');
    if (this.isSquare === false) throw new NotImplementedError('Exact solve not implemented for an operator that is expected to not be square.');
  }
  /**
   * `solve(rhs, adjoint = false, adjointArg = false, name = 'solve')`: X with A·X = rhs (Aᴴ with
   * adjoint, rhsᴴ with adjointArg). Given a LinearOperator, the operator A⁻¹·rhs.
   */
  solve(...args: SolveArgs<TensorLike>): Tensor;
  solve(...args: SolveArgs<LinearOperator>): LinearOperator;
  solve(...args: unknown[]): Tensor | LinearOperator {
    const o = kwargs(args, ['rhs', 'adjoint', 'adjointArg', 'name'], 'solve', 1);
    const adjoint = !!o.adjoint;
    const adjointArg = !!o.adjointArg;
    const name = (o.name as string | undefined) ?? 'solve';
    this.checkSolvable();
    if (o.rhs instanceof LinearOperator) {
      const left = adjoint ? this.adjoint() : this;
      const right = adjointArg ? o.rhs.adjoint() : o.rhs;
      if (right.rangeDimension !== null && left.domainDimension !== null && right.rangeDimension !== left.domainDimension) {
        throw new ValueError(`Operators are incompatible. Expected \`rhs\` to have dimension ${left.domainDimension} but got ${right.rangeDimension}.`);
      }
      return this.inScope(name, () => matmulOperators(left.inverse(), right));
    }
    return this.inScope(name, () => {
      const rhs = this.convertArg(o.rhs as TensorLike, 'rhs');
      LinearOperator.checkDims(this.dimAt(adjoint ? -1 : -2), LinearOperator.dimOf(rhs, adjointArg ? -1 : -2));
      return this._solve(rhs, adjoint, adjointArg);
    });
  }
  protected _solvevec(rhs: Tensor, adjoint: boolean): Tensor {
    return squeeze(this.solve(expandDims(rhs, -1), { adjoint }), -1);
  }
  /** `solvevec(rhs, adjoint = false, name = 'solve')`: x with A·x = rhs for a [batch] vector rhs. */
  solvevec(...args: SolveVecArgs): Tensor {
    const o = kwargs(args, ['rhs', 'adjoint', 'name'], 'solvevec', 1);
    const adjoint = !!o.adjoint;
    this.checkSolvable();
    return this.inScope((o.name as string | undefined) ?? 'solve', () => {
      const rhs = this.convertArg(o.rhs as TensorLike, 'rhs');
      LinearOperator.checkDims(this.dimAt(adjoint ? -1 : -2), LinearOperator.dimOf(rhs, -1));
      return this._solvevec(rhs, adjoint);
    });
  }

  // ----- derived operators -------------------------------------------------------------------
  /** The adjoint as an operator; subclasses with a closed form override. */
  _linopAdjoint(): LinearOperator {
    return hook('adjoint')(this);
  }
  /** `adjoint(name = 'adjoint')`: Aᴴ as a LinearOperator (this one when hinted self-adjoint). */
  adjoint(...args: NameArgs): LinearOperator {
    const o = kwargs(args, ['name'], 'adjoint');
    if (this.isSelfAdjoint === true) return this;
    return this.inScope((o.name as string | undefined) ?? 'adjoint', () => this._linopAdjoint());
  }
  /** TF's `H` property: the adjoint. */
  get H(): LinearOperator {
    return this.adjoint();
  }
  _linopInverse(): LinearOperator {
    return hook('inverse')(this);
  }
  /** `inverse(name = 'inverse')`: A⁻¹ as a LinearOperator. */
  inverse(...args: NameArgs): LinearOperator {
    const o = kwargs(args, ['name'], 'inverse');
    if (this.isSquare === false) throw new ValueError('Cannot take the Inverse: This operator represents a non square matrix.');
    if (this.isNonSingular === false) throw new ValueError('Cannot take the Inverse: This operator represents a singular matrix.');
    return this.inScope((o.name as string | undefined) ?? 'inverse', () => this._linopInverse());
  }
  _linopCholesky(): LinearOperator {
    return hook('lowerTriangular')(cholesky(this.toDense()));
  }
  /** `cholesky(name = 'cholesky')`: L with A = L·Lᴴ, for operators hinted self-adjoint and positive definite. */
  cholesky(...args: NameArgs): LinearOperator {
    const o = kwargs(args, ['name'], 'cholesky');
    if (!this.canUseCholesky()) throw new ValueError('Cannot take the Cholesky decomposition: Not a positive definite self adjoint matrix.');
    return this.inScope((o.name as string | undefined) ?? 'cholesky', () => this._linopCholesky());
  }
  /** The product operator left·right when this class has a closed form for it (left is this), else null. */
  _linopMatmulRight(_right: LinearOperator): LinearOperator | null {
    return null;
  }
  /** The product operator left·right when this class has a closed form for it (right is this), else null. */
  _linopMatmulLeft(_left: LinearOperator): LinearOperator | null {
    return null;
  }

  // ----- dense views -------------------------------------------------------------------------
  protected _toDense(): Tensor {
    const b = this.batchShape;
    const batch = b !== null && b.every((d) => d !== null) ? (b as number[]) : this.batchShapeTensor();
    const n = this.domainDimension ?? this.domainDimensionTensor();
    return this.matmul(eye(n, { batchShape: batch, dtype: this.dtype }));
  }
  /** `toDense(name = 'to_dense')`: the [batch] matrix this operator represents. */
  toDense(...args: NameArgs): Tensor {
    const o = kwargs(args, ['name'], 'to_dense');
    return this.inScope((o.name as string | undefined) ?? 'to_dense', () => this._toDense());
  }
  protected _diagPart(): Tensor {
    return matrixDiagPart(this.toDense());
  }
  /** `diagPart(name = 'diag_part')`: the [batch] diagonal, shape [B1,…,Bb, min(M, N)]. */
  diagPart(...args: NameArgs): Tensor {
    const o = kwargs(args, ['name'], 'diag_part');
    return this.inScope((o.name as string | undefined) ?? 'diag_part', () => this._diagPart());
  }
  protected _trace(): Tensor {
    return reduceSum(this.diagPart(), -1);
  }
  /** `trace(name = 'trace')`: the sum of the diagonal for every batch member. */
  trace(...args: NameArgs): Tensor {
    const o = kwargs(args, ['name'], 'trace');
    return this.inScope((o.name as string | undefined) ?? 'trace', () => this._trace());
  }
  protected _addToTensor(x: Tensor): Tensor {
    return add(this.toDense(), x);
  }
  /** `addToTensor(x, name = 'add_to_tensor')`: A + x (x broadcasts to the operator's shape). */
  addToTensor(...args: AddArgs): Tensor {
    const o = kwargs(args, ['x', 'name'], 'add_to_tensor', 1);
    return this.inScope((o.name as string | undefined) ?? 'add_to_tensor', () => this._addToTensor(this.convertArg(o.x as TensorLike, 'x')));
  }
  protected _eigvals(): Tensor {
    return selfAdjointEigvals(this.toDense());
  }
  /** `eigvals(name = 'eigvals')`: the eigenvalues (ascending for the dense default) of a self-adjoint operator. */
  eigvals(...args: NameArgs): Tensor {
    const o = kwargs(args, ['name'], 'eigvals');
    if (!this.isSelfAdjoint) throw new NotImplementedError('Only self-adjoint matrices are supported.');
    return this.inScope((o.name as string | undefined) ?? 'eigvals', () => this._eigvals());
  }
  protected _cond(): Tensor {
    const vals = this.isSelfAdjoint ? abs(this._eigvals()) : (svdOp(this.toDense(), { computeUv: false }) as Tensor);
    return multiply(reduceMax(vals, -1), reciprocalOf(reduceMin(vals, -1)));
  }
  /** `cond(name = 'cond')`: the condition number (largest over smallest singular value). */
  cond(...args: NameArgs): Tensor {
    const o = kwargs(args, ['name'], 'cond');
    return this.inScope((o.name as string | undefined) ?? 'cond', () => this._cond());
  }

  /** TF's `_can_use_cholesky`: real, hinted self-adjoint and positive definite. */
  protected canUseCholesky(): boolean {
    return !isComplex(this.dtype) && !!this.isSelfAdjoint && !!this.isPositiveDefinite;
  }

  toString(): string {
    return `tf.linalg.${this.constructor.name}("${this.name}", shape=${this.shape === null ? '<unknown>' : `(${this.shape.map(dimStr).join(', ')})`}, dtype=${this.dtype})`;
  }
}

const reciprocalOf = (t: Tensor): Tensor => realDiv(toTensor(1, t.dtype), t);
/** np.finfo(dtype).eps. */
const EPS: Record<string, number> = { float16: 0.0009765625, float32: 1.1920928955078125e-7, float64: 2.220446049250313e-16 };

/** left·right as an operator: a closed form either class knows, else their composition. */
export function matmulOperators(left: LinearOperator, right: LinearOperator): LinearOperator {
  return left._linopMatmulRight(right) ?? right._linopMatmulLeft(left) ?? hook('compose')(left, right);
}

/** TF's `use_operator_or_provided_hint_unless_contradicting`. */
export function combineHint(op: LinearOperator, attr: 'isNonSingular' | 'isSelfAdjoint' | 'isPositiveDefinite' | 'isSquare', provided: Hint | undefined, message: string): Hint {
  const opHint = op[attr];
  if (opHint === false && provided) throw new ValueError(message);
  if (opHint && provided === false) throw new ValueError(message);
  if (opHint !== null) return opHint;
  return provided ?? null;
}
export { py as pyHint };
