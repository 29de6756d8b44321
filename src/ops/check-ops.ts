/**
 * TF1's assertions (check_ops.py, numerics.py): `tf.assertEqual`, `assertLess`, ... as Assert
 * ops over `reduce_all` of the elementwise condition, to be used through
 * `tf.controlDependencies`; conditions TF can decide while the graph is built (constant inputs,
 * static ranks and dtypes) raise then, as TF1 does (InvalidArgumentError for constant values,
 * ValueError for ranks, TypeError for dtypes), and a check that statically holds is a NoOp.
 * Also `tf.verifyTensorAllFinite`, `tf.addCheckNumericsOps`, `tf.isNonDecreasing`,
 * `tf.isStrictlyIncreasing`.
 */
import { kwargs } from '../args.js';
import { type DType, parseDType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type PartialShape, pyShape } from '../shape.js';
import { shape as shapeOf, rank as rankOf, reshape, size as sizeOf, stack } from './array.js';
import { makeOp } from './registry.js';
import { index } from './strided-slice.js';
import { cond } from './control-flow/cond.js';
import { contextOf } from './control-flow/context.js';
import { type TensorLike, toTensor } from './convert.js';
import { checkNumerics, constant, group, identity, noOp } from './core.js';
import { getStaticValue } from './deprecated-aliases.js';
import { Assert } from './logging-ops.js';
import { abs, add, equal, greater, greaterEqual, less, lessEqual, logicalOr, multiply, notEqual, reduceAll, subtract } from './math.js';
import { Variable, globalVariables } from './variables.js';
import { localVariables } from '../scope/collections.js';
import { StringArray } from '../string-array.js';

const dtypeRepr = (d: DType | string): string => `<dtype: '${d}'>`;
const FLOATS = new Set<string>(['float16', 'bfloat16', 'float32', 'float64']);
const INTEGERS = new Set<string>(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64']);
const NUMERIC = new Set<string>(['float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8']);

// ----- numpy's str() of a constant, for the messages of statically failing checks -------------

function pyFloat(v: number, f32: boolean): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  let s = String(v);
  if (f32) {
    for (let p = 1; p <= 9; p++) {
      const t = v.toPrecision(p);
      if (Math.fround(Number(t)) === v) {
        s = String(Number(t));
        break;
      }
    }
  }
  if (/e/.test(s)) {
    const [m, e] = s.split('e') as [string, string];
    const n = Math.abs(Number(e));
    return `${m}e${Number(e) < 0 ? '-' : '+'}${n < 10 ? '0' : ''}${n}`;
  }
  return s;
}

/** numpy's str of an array value (array2string: aligned columns, `1.` for integral floats). */
export function numpyStr(a: NDArray): string {
  const f32 = a.dtype === 'float32' || a.dtype === 'float16';
  const isFloat = FLOATS.has(a.dtype);
  const raw: string[] = [];
  if (a.dtype === 'string') {
    for (const b of Array.from(a.data as unknown as ArrayLike<Uint8Array>)) raw.push(`b'${new TextDecoder().decode(b)}'`);
  } else {
    for (const v of Array.from(a.data as ArrayLike<number>, Number)) {
      if (a.dtype === 'bool') raw.push(v ? 'True' : 'False');
      else if (isFloat) raw.push(pyFloat(v, f32));
      else raw.push(String(v));
    }
  }
  if (a.shape.length === 0) return raw[0] ?? '';
  let els = raw;
  if (isFloat) {
    const finite = raw.filter((s) => /^-?\d/.test(s) && !/e/.test(s));
    const frac = Math.max(0, ...finite.map((s) => (s.includes('.') ? s.length - s.indexOf('.') - 1 : 0)));
    const allIntegral = finite.every((s) => s.endsWith('.0') || !s.includes('.'));
    els = raw.map((s) => {
      if (!/^-?\d/.test(s) || /e/.test(s)) return s;
      if (allIntegral) return `${s.replace(/\.0$/, '')}.`;
      const [i, f = ''] = s.split('.');
      return `${i}.${f}${' '.repeat(frac - f.length)}`;
    });
  }
  const width = Math.max(...els.map((s) => s.length));
  const cells = els.map((s) => s.padStart(width));
  const shape = a.shape;
  let k = 0;
  const go = (d: number): string => {
    if (d === shape.length - 1) {
      const row = cells.slice(k, k + shape[d]!);
      k += shape[d]!;
      return `[${row.join(' ')}]`;
    }
    const rows: string[] = [];
    for (let i = 0; i < shape[d]!; i++) rows.push(go(d + 1));
    return `[${rows.join(`${'\n'.repeat(shape.length - d - 1)}${' '.repeat(d + 1)}`)}]`;
  };
  return go(0);
}

/** check_ops' _assert_static: the data joined by newlines (constants as numpy prints them). */
function assertStatic(condition: boolean, data: readonly unknown[]): void {
  if (condition) return;
  const parts = data.map((x) => {
    if (!(x instanceof Tensor)) return String(x);
    const v = getStaticValue(x);
    return v ? numpyStr(v) : String(x);
  });
  throw new InvalidArgumentError(parts.join('\n'));
}

// ----- elementwise comparisons --------------------------------------------------------------

type Cmp = (a: TensorLike, b: TensorLike) => Tensor;

function staticCompare(sym: string, x: NDArray, y: NDArray): boolean {
  const xs = Array.from(x.data as ArrayLike<number>, Number);
  const ys = Array.from(y.data as ArrayLike<number>, Number);
  if (x.dtype === 'string' || y.dtype === 'string') return false;
  const n = Math.max(xs.length, ys.length);
  const f = (a: number, b: number): boolean => {
    switch (sym) {
      case '==': return a === b;
      case '!=': return a !== b;
      case '<': return a < b;
      case '<=': return a <= b;
      case '>': return a > b;
      default: return a >= b;
    }
  };
  // broadcasting of a scalar or equal sizes (the only forms a constant check needs here)
  if (xs.length !== ys.length && xs.length !== 1 && ys.length !== 1) return false;
  for (let i = 0; i < n; i++) if (!f(xs[xs.length === 1 ? 0 : i]!, ys[ys.length === 1 ? 0 : i]!)) return false;
  return true;
}

const BINARY_NAMES = ['x', 'y', 'data', 'summarize', 'message', 'name'] as const;

/** check_ops' _binary_assert (graph mode). */
function binaryAssert(sym: string, opname: string, op: Cmp, args: unknown[]): Operation {
  const o = kwargs(args, BINARY_NAMES, opname, 2);
  const first = [o.x, o.y].find((v): v is Tensor => v instanceof Tensor);
  const g = first?.graph ?? getDefaultGraph();
  return g.nameScope((o.name as string | undefined) ?? opname, () => {
    if (opname === 'assert_equal' && o.x === o.y && o.x instanceof Tensor) return noOp();
    const x = o.x instanceof Tensor ? o.x : toTensor(o.x as TensorLike, o.y instanceof Tensor ? o.y.dtype : undefined, 'x');
    const y = o.y instanceof Tensor ? o.y : toTensor(o.y as TensorLike, x.dtype, 'y');
    let data = o.data as unknown[] | null | undefined;
    if (data === undefined || data === null) {
      data = [`Condition x ${sym} y did not hold element-wise:`, `x (${x.name}) = `, x, `y (${y.name}) = `, y];
    }
    if (o.message !== undefined && o.message !== null) data = [o.message, ...data];
    const condition = reduceAll(op(x, y));
    const xs = getStaticValue(x);
    const ys = getStaticValue(y);
    if (xs && ys) assertStatic(staticCompare(sym, xs, ys), data);
    return Assert(condition, data, { summarize: (o.summarize as number | null | undefined) ?? null });
  });
}

export const assertEqual = (...args: unknown[]): Operation => binaryAssert('==', 'assert_equal', equal, args);
export const assertNoneEqual = (...args: unknown[]): Operation => binaryAssert('!=', 'assert_none_equal', notEqual, args);
export const assertLess = (...args: unknown[]): Operation => binaryAssert('<', 'assert_less', less, args);
export const assertLessEqual = (...args: unknown[]): Operation => binaryAssert('<=', 'assert_less_equal', lessEqual, args);
export const assertGreater = (...args: unknown[]): Operation => binaryAssert('>', 'assert_greater', greater, args);
export const assertGreaterEqual = (...args: unknown[]): Operation => binaryAssert('>=', 'assert_greater_equal', greaterEqual, args);

const UNARY_NAMES = ['x', 'data', 'summarize', 'message', 'name'] as const;

/** assert_negative / positive / non_negative / non_positive: the binary check against 0 with TF's message. */
function unaryAssert(opname: string, text: string, args: unknown[], check: (x: Tensor, zero: Tensor, data: unknown[], summarize: unknown) => Operation): Operation {
  const o = kwargs(args, UNARY_NAMES, opname, 1);
  const message = (o.message as string | null | undefined) || '';
  const g = o.x instanceof Tensor ? o.x.graph : getDefaultGraph();
  return g.nameScope((o.name as string | undefined) ?? opname, () => {
    const x = toTensor(o.x as TensorLike, undefined, 'x');
    let data = o.data as unknown[] | null | undefined;
    // assert_non_positive's two strings run together, as in TF (a missing comma in check_ops.py)
    if (data === undefined || data === null) data = text.endsWith('|') ? [message, `${text.slice(0, -1)}x (${x.name}) = `, x] : [message, text, `x (${x.name}) = `, x];
    const zero = toTensor(0, x.dtype);
    return check(x, zero, data, o.summarize ?? null);
  });
}

export const assertNegative = (...args: unknown[]): Operation =>
  unaryAssert('assert_negative', 'Condition x < 0 did not hold element-wise:', args, (x, z, data, s) => assertLess(x, z, { data, summarize: s }));
export const assertPositive = (...args: unknown[]): Operation =>
  unaryAssert('assert_positive', 'Condition x > 0 did not hold element-wise:', args, (x, z, data, s) => assertLess(z, x, { data, summarize: s }));
export const assertNonNegative = (...args: unknown[]): Operation =>
  unaryAssert('assert_non_negative', 'Condition x >= 0 did not hold element-wise:', args, (x, z, data, s) => assertLessEqual(z, x, { data, summarize: s }));
export const assertNonPositive = (...args: unknown[]): Operation =>
  unaryAssert('assert_non_positive', 'Condition x <= 0 did not hold element-wise:|', args, (x, z, data, s) => assertLessEqual(x, z, { data, summarize: s }));

const NEAR_NAMES = ['x', 'y', 'rtol', 'atol', 'data', 'summarize', 'message', 'name'] as const;
const EPS: Record<string, number> = { float16: 0.0009765625, bfloat16: 0.0078125, float32: 1.1920928955078125e-7, float64: 2.220446049250313e-16 };

/**
 * `tf.assertNear(x, y, rtol?, atol?, data?, summarize?, message?, name?)`: |x - y| < atol +
 * rtol·|y| everywhere (rtol and atol default to 10·eps of the dtype).
 */
export function assertNear(...args: unknown[]): Operation {
  const o = kwargs(args, NEAR_NAMES, 'assert_near', 2);
  const message = (o.message as string | null | undefined) || '';
  const first = [o.x, o.y].find((v): v is Tensor => v instanceof Tensor);
  const g = first?.graph ?? getDefaultGraph();
  return g.nameScope((o.name as string | undefined) ?? 'assert_near', () => {
    const x = toTensor(o.x as TensorLike, undefined, 'x');
    const y = toTensor(o.y as TensorLike, x.dtype, 'y');
    if (y.dtype !== x.dtype) throw new ValueError(`Tensor conversion requested dtype ${x.dtype} for Tensor with dtype ${y.dtype}: ${y}`);
    const eps = EPS[x.dtype];
    if (eps === undefined) throw new TypeError(`Data type ${dtypeRepr(x.dtype)} not inexact.`);
    const rtol = toTensor((o.rtol ?? 10 * eps) as TensorLike, x.dtype, 'rtol');
    const atol = toTensor((o.atol ?? 10 * eps) as TensorLike, x.dtype, 'atol');
    let data = o.data as unknown[] | null | undefined;
    if (data === undefined || data === null) {
      data = [message, `x and y not equal to tolerance rtol = ${rtol}, atol = ${atol}`, `x (${x.name}) = `, x, `y (${y.name}) = `, y];
    }
    const tol = add(atol, multiply(rtol, abs(y)));
    const diff = abs(subtract(x, y));
    const condition = reduceAll(less(diff, tol));
    return Assert(condition, data, { summarize: (o.summarize as number | null | undefined) ?? null });
  });
}

// ----- ranks ---------------------------------------------------------------------------------

/** check_ops.assert_type: the TypeError when `tensor` is not of `tfType`, else a NoOp. */
export function assertType(...args: unknown[]): Operation {
  const o = kwargs(args, ['tensor', 'tfType', 'message', 'name'], 'assert_type', 2);
  const message = (o.message as string | null | undefined) || '';
  const t0 = o.tensor;
  const g = t0 instanceof Tensor ? t0.graph : getDefaultGraph();
  return g.nameScope((o.name as string | undefined) ?? 'assert_type', () => {
    const tensor = toTensor(t0 as TensorLike, undefined, 'tensor');
    const want = parseDType(o.tfType as string);
    if (tensor.dtype !== want) throw new TypeError(`${message}  ${tensor.name} must be of type ${dtypeRepr(want)}`);
    return noOp('statically_determined_correct_type');
  });
}

const RANK_NAMES = ['x', 'rank', 'data', 'summarize', 'message', 'name'] as const;

/** A JS integer or (nested) array of them: an int32 tensor, as Python ints convert. */
const intLike = (v: unknown): boolean => (typeof v === 'number' ? Number.isInteger(v) : Array.isArray(v) && v.length > 0 && v.every(intLike));

function scalarConst(t: Tensor): NDArray | null {
  return getStaticValue(t);
}

/** check_ops' _assert_rank_condition / _assert_ranks_condition. */
function rankCondition(
  x: Tensor, ranks: Tensor[], staticOk: (actual: number, given: number[]) => boolean,
  dynamic: (actual: Tensor, given: Tensor[]) => Tensor, data: unknown[], summarize: unknown, failed: (actual: number, given: NDArray[]) => never,
): Operation {
  for (const r of ranks) assertType(r, 'int32');
  const statics = ranks.map(scalarConst);
  if (statics.every((s) => s !== null)) {
    for (const s of statics) if (s!.shape.length !== 0) throw new ValueError('Rank must be a scalar.');
    if (x.shape !== null) {
      if (!staticOk(x.shape.length, statics.map((s) => Number(s!.data[0])))) failed(x.shape.length, statics as NDArray[]);
      return noOp('static_checks_determined_all_ok');
    }
  }
  let condition = dynamic(rankOf(x), ranks);
  ranks.forEach((r, k) => {
    if (statics[k] !== null) return;
    const check = assertRank(r, 0, { data: ['Rank must be a scalar. Received rank: ', r] });
    const c0 = condition;
    condition = x.graph.controlDependencies([check], () => identity(c0, 'control_dependency'));
  });
  return Assert(condition, data, { summarize: summarize ?? null });
}

const shapeText = (s: PartialShape): string => pyShape(s);

/**
 * `tf.assertRank(x, rank, data?, summarize?, message?, name?)`: x has rank `rank`. A static
 * rank decides at build time (ValueError `.  Tensor x:0 must have rank 2.  Received rank 1,
 * shape (3,)`, or a NoOp); otherwise an Assert over `tf.rank(x)`.
 */
export function assertRank(...args: unknown[]): Operation {
  const o = kwargs(args, RANK_NAMES, 'assert_rank', 2);
  const g = o.x instanceof Tensor ? o.x.graph : getDefaultGraph();
  return g.nameScope((o.name as string | undefined) ?? 'assert_rank', () => {
    const x = toTensor(o.x as TensorLike, undefined, 'x');
    const rank = toTensor(o.rank as TensorLike, intLike(o.rank) ? 'int32' : undefined, 'rank');
    const message = (o.message as string | null | undefined) || '';
    const data = (o.data as unknown[] | null | undefined) ?? [message, `Tensor ${x.name} must have rank`, rank, 'Received shape: ', shapeOf(x)];
    return rankCondition(x, [rank], (a, [r]) => a === r, (a, [r]) => equal(a, r!), data, o.summarize, (actual, [r]) => {
      throw new ValueError(`${message}.  Tensor ${x.name} must have rank ${Number(r!.data[0])}.  Received rank ${actual}, shape ${shapeText(x.shape)}`);
    });
  });
}

/** `tf.assertRankAtLeast(x, rank, ...)`: x has rank ≥ `rank` (statically decided where it can be). */
export function assertRankAtLeast(...args: unknown[]): Operation {
  const o = kwargs(args, RANK_NAMES, 'assert_rank_at_least', 2);
  const g = o.x instanceof Tensor ? o.x.graph : getDefaultGraph();
  return g.nameScope((o.name as string | undefined) ?? 'assert_rank_at_least', () => {
    const x = toTensor(o.x as TensorLike, undefined, 'x');
    const rank = toTensor(o.rank as TensorLike, intLike(o.rank) ? 'int32' : undefined, 'rank');
    const message = (o.message as string | null | undefined) || '';
    const data = (o.data as unknown[] | null | undefined) ?? [message, `Tensor ${x.name} must have rank at least`, rank, 'Received shape: ', shapeOf(x)];
    return rankCondition(x, [rank], (a, [r]) => a >= r!, (a, [r]) => greaterEqual(a, r!), data, o.summarize, (actual, [r]) => {
      throw new ValueError(`${message}.  Tensor ${x.name} must have rank at least ${Number(r!.data[0])}.  Received rank ${actual}, shape ${shapeText(x.shape)}`);
    });
  });
}

/** `tf.assertRankIn(x, ranks, ...)`: x's rank is one of `ranks`. */
export function assertRankIn(...args: unknown[]): Operation {
  const o = kwargs(args, ['x', 'ranks', 'data', 'summarize', 'message', 'name'], 'assert_rank_in', 2);
  const g = o.x instanceof Tensor ? o.x.graph : getDefaultGraph();
  return g.nameScope((o.name as string | undefined) ?? 'assert_rank_in', () => {
    const x = toTensor(o.x as TensorLike, undefined, 'x');
    const ranks = (o.ranks as unknown[]).map((r) => toTensor(r as TensorLike, intLike(r) ? 'int32' : undefined, 'rank'));
    const message = (o.message as string | null | undefined) || '';
    const data = (o.data as unknown[] | null | undefined) ?? [message, `Tensor ${x.name} must have rank in`, ...ranks, 'Received shape: ', shapeOf(x)];
    const dynamic = (a: Tensor, given: Tensor[]): Tensor => {
      if (given.length < 1) return toTensor(false, 'bool');
      let r = equal(given[0]!, a);
      for (const gr of given.slice(1)) r = logicalOr(r, equal(gr, a));
      return r;
    };
    return rankCondition(x, ranks, (a, given) => given.includes(a), dynamic, data, o.summarize, (actual, given) => {
      // TF formats the tuple of numpy values: (array(2, dtype=int32), array(4, dtype=int32))
      const tuple = given.map((r) => `array(${Number(r.data[0])}, dtype=${r.dtype})`);
      const t = tuple.length === 1 ? `(${tuple[0]},)` : `(${tuple.join(', ')})`;
      throw new ValueError(`${message}.  Tensor ${x.name} must have rank in ${t}.  Received rank ${actual}, shape ${shapeText(x.shape)}`);
    });
  });
}

// ----- static checks -------------------------------------------------------------------------

/** `tf.assertInteger(x, message?, name?)`: TypeError unless x is of an integer dtype; a NoOp. */
export function assertInteger(...args: unknown[]): Operation {
  const o = kwargs(args, ['x', 'message', 'name'], 'assert_integer', 1);
  const message = (o.message as string | null | undefined) || '';
  const g = o.x instanceof Tensor ? o.x.graph : getDefaultGraph();
  return g.nameScope((o.name as string | undefined) ?? 'assert_integer', () => {
    const x = toTensor(o.x as TensorLike, undefined, 'x');
    if (!INTEGERS.has(x.dtype)) throw new TypeError(`${message}  Expected "x" to be integer type.  Found: ${x.name} of dtype ${dtypeRepr(x.dtype)}`);
    return noOp('statically_determined_was_integer');
  });
}

/** `tf.assertScalar(tensor, name?, message?)`: the tensor, or ValueError unless its static rank is 0. */
export function assertScalar(...args: unknown[]): Tensor {
  const o = kwargs(args, ['tensor', 'name', 'message'], 'assert_scalar', 1);
  const t0 = o.tensor;
  const g = t0 instanceof Tensor ? t0.graph : getDefaultGraph();
  return g.nameScope((o.name as string | undefined) ?? 'assert_scalar', (scope) => {
    const tensor = toTensor(t0 as TensorLike, undefined, scope);
    if (tensor.shape === null || tensor.shape.length !== 0) {
      throw new ValueError(`${(o.message as string | null | undefined) ?? ''}Expected scalar shape for ${tensor.name}, saw shape: ${shapeText(tensor.shape)}.`);
    }
    return tensor;
  });
}

/**
 * `tf.assertSameFloatDtype(tensors?, dtype?)`: the common float dtype of `tensors` (and
 * `dtype`), float32 when neither is given; ValueError when they differ or it is not a float.
 */
export function assertSameFloatDtype(...args: unknown[]): DType {
  const o = kwargs(args, ['tensors', 'dtype'], 'assert_same_float_dtype');
  let dtype = o.dtype === undefined || o.dtype === null ? null : parseDType(o.dtype as string);
  const items = ((o.tensors as unknown[] | null | undefined) ?? []).filter((t) => t !== null && t !== undefined) as (Tensor | Variable)[];
  if (items.length > 0) {
    const expected0 = dtype;
    let expected = dtype;
    let mismatch = false;
    for (const it of items) {
      if (!expected) expected = it.dtype;
      else if (expected !== it.dtype) {
        mismatch = true;
        break;
      }
    }
    if (mismatch) {
      expected = expected0;
      let original: string | null = null;
      for (const it of items) {
        const nm = it instanceof Variable ? it.name : (it as Tensor).name;
        if (!expected) {
          expected = it.dtype;
          original = nm;
        } else if (expected !== it.dtype) {
          throw new ValueError(`${nm}, type=${dtypeRepr(it.dtype)}, must be of the same type (${dtypeRepr(expected)})${original ? ` as ${original}` : ''}.`);
        }
      }
    }
    dtype = expected;
  }
  if (!dtype) return 'float32';
  if (!FLOATS.has(dtype)) throw new ValueError(`Expected floating point type, got ${dtypeRepr(dtype)}.`);
  return dtype;
}

const pyType = (v: unknown): string => {
  if (v instanceof Tensor) return "<class 'tensorflow.python.framework.ops.Tensor'>";
  if (v instanceof NDArray || ArrayBuffer.isView(v)) return "<class 'numpy.ndarray'>";
  if (typeof v === 'string') return "<class 'str'>";
  if (typeof v === 'number') return Number.isInteger(v) ? "<class 'int'>" : "<class 'float'>";
  if (typeof v === 'boolean') return "<class 'bool'>";
  if (v === null || v === undefined) return "<class 'NoneType'>";
  return `<class '${(v as object).constructor?.name ?? 'object'}'>`;
};

/**
 * `tf.assertProperIterable(values)`: TypeError unless `values` is an iterable of values (not a
 * Tensor, an array value or a string, which iterate but are not lists of tensors).
 */
export function assertProperIterable(values: unknown): void {
  if (values instanceof Tensor || values instanceof NDArray || ArrayBuffer.isView(values) || typeof values === 'string' || values instanceof StringArray) {
    throw new TypeError(`Expected argument "values" to be a "proper" iterable.  Found: ${pyType(values)}`);
  }
  if (values === null || values === undefined || typeof (values as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw new TypeError(`Expected argument "values" to be iterable.  Found: ${pyType(values)}`);
  }
}

// ----- monotonicity --------------------------------------------------------------------------

/** x[1:] - x[:-1] of the flattened x ([] for fewer than 2 elements, through a cond as TF). */
function diffForMonotonic(x0: Tensor): Tensor {
  const x = reshape(x0, [-1]);
  if (!NUMERIC.has(x.dtype)) throw new TypeError(`Expected x to be numeric, instead found: ${x}`);
  const short = less(sizeOf(x), 2);
  return cond(
    short,
    () => constant(new NDArray(new (x.dtype === 'float64' ? Float64Array : x.dtype === 'float32' ? Float32Array : x.dtype === 'int64' ? Float64Array : Int32Array)(0) as never, [0], x.dtype)),
    () => {
      const sLen = subtract(shapeOf(x), 1);
      const part = (begin: number): Tensor => makeOp(x.graph, 'FoldedSlice', [x, toTensor([begin], 'int32'), sLen], {}, undefined, 'Slice').outputs[0]!;
      return subtract(part(1), part(0));
    },
  ) as Tensor;
}

/** `tf.isNonDecreasing(x, name?)`: scalar bool, x[i] <= x[i+1] over the flattened x. */
export function isNonDecreasing(...args: unknown[]): Tensor {
  const o = kwargs(args, ['x', 'name'], 'is_non_decreasing', 1);
  const x = toTensor(o.x as TensorLike);
  return x.graph.nameScope((o.name as string | undefined) ?? 'is_non_decreasing', () => {
    const diff = diffForMonotonic(x);
    return reduceAll(lessEqual(toTensor(0, diff.dtype), diff));
  });
}

/** `tf.isStrictlyIncreasing(x, name?)`: scalar bool, x[i] < x[i+1] over the flattened x. */
export function isStrictlyIncreasing(...args: unknown[]): Tensor {
  const o = kwargs(args, ['x', 'name'], 'is_strictly_increasing', 1);
  const x = toTensor(o.x as TensorLike);
  return x.graph.nameScope((o.name as string | undefined) ?? 'is_strictly_increasing', () => {
    const diff = diffForMonotonic(x);
    return reduceAll(less(toTensor(0, diff.dtype), diff));
  });
}

/** `tf.isNumericTensor(tensor)`: a Tensor of a numeric dtype. */
export function isNumericTensor(tensor: unknown): boolean {
  return tensor instanceof Tensor && NUMERIC.has(tensor.dtype);
}

// ----- numerics ------------------------------------------------------------------------------

/**
 * `tf.verifyTensorAllFinite(t, msg, name?)` (also `x`, `message` by keyword;
 * `tf.debugging.assertAllFinite`): `t` through an Identity that waits on CheckNumerics(t), which
 * fails the run with `msg : Tensor had NaN values` (or Inf).
 */
export function verifyTensorAllFinite(...args: unknown[]): Tensor {
  const o = kwargs(args, ['t', 'msg', 'name', 'x', 'message'], 'verify_tensor_all_finite');
  const pick = (n: string, v: unknown, old: string, ov: unknown): unknown => {
    if (v !== undefined && v !== null) {
      if (ov !== undefined && ov !== null) throw new ValueError(`Cannot specify both '${n}' and '${old}'`);
      return v;
    }
    return ov;
  };
  const x0 = pick('x', o.x, 't', o.t);
  const message = pick('message', o.message, 'msg', o.msg) as string;
  const g = x0 instanceof Tensor ? x0.graph : getDefaultGraph();
  return g.nameScope((o.name as string | undefined) ?? 'VerifyFinite', () => {
    const x = toTensor(x0 as TensorLike, undefined, 'x');
    const verify = checkNumerics(x, message);
    return g.controlDependencies([verify], () => identity(x, 'control_dependency'));
  });
}

/**
 * `tf.addCheckNumericsOps()`: a CheckNumerics op for every float output in the default graph
 * (message `op:index`), chained by control dependencies, grouped into one op to run. Control
 * flow is refused as in TF1.
 */
export function addCheckNumericsOps(): Operation {
  const g = getDefaultGraph();
  let check: Operation[] = [];
  for (const op of [...g.getOperations()]) {
    for (const out of op.outputs) {
      if (out.dtype !== 'float16' && out.dtype !== 'float32' && out.dtype !== 'float64') continue;
      if (contextOf(op) !== null) {
        throw new ValueError('`tf.add_check_numerics_ops() is not compatible with TensorFlow control flow operations such as `tf.cond()` or `tf.while_loop()`.');
      }
      const message = `${op.name}:${out.index}`;
      check = [g.controlDependencies(check, () => checkNumerics(out, message)).op];
    }
  }
  return group(check);
}


/**
 * `tf.assertVariablesInitialized(varList?)` (default: the global and local variables, else every
 * variable op of the graph): a tensor whose evaluation fails with FailedPreconditionError
 * `Attempting to use uninitialized value <name>` unless every one is initialized (the Rank of
 * each variable, stacked when several, as TF1); null when there are none.
 */
export function assertVariablesInitialized(varList?: readonly (Variable | Tensor)[] | null): Tensor | null {
  const g = varList?.[0]?.graph ?? getDefaultGraph();
  let list: readonly (Variable | Tensor)[] = varList ?? [...globalVariables(), ...localVariables()];
  if (list.length === 0) list = g.getOperations().filter((op) => op.type === 'VariableV2').map((op) => op.outputs[0]!);
  if (list.length === 0) return null;
  const ranks = list.map((v) => makeOp(g, 'Rank', [v instanceof Variable ? v.ref : v], {}, undefined, 'Rank').outputs[0]!);
  return ranks.length === 1 ? ranks[0]! : stack(ranks);
}

// ----- assert_shapes -------------------------------------------------------------------------

type Dim = number | string | null;
const knownSize = (d: unknown): d is number | string =>
  (typeof d === 'number' && Number.isInteger(d)) || (typeof d === 'string' && /^\s*[-+]?\d+\s*$/.test(d));
const anySize = (d: unknown): boolean => d === null || d === undefined || d === '.';

/** check_ops' _dimension_sizes: static sizes where known, else entries of tf.shape(x); a scalar is [1]. */
function dimensionSizes(x: Tensor): (number | Tensor)[] | Tensor {
  const dyn = shapeOf(x);
  if (x.shape !== null && x.shape.length === 0) return [1];
  if (x.shape !== null) return x.shape.map((d, i) => (d === null ? index(dyn, i) : d));
  return cond(equal(rankOf(x), 0), () => toTensor([1], 'int32'), () => dyn) as Tensor;
}

function sizeAt(sizes: (number | Tensor)[] | Tensor, dim: number): number | Tensor {
  if (Array.isArray(sizes)) return sizes[dim < 0 ? sizes.length + dim : dim]!;
  return index(sizes, dim);
}

/**
 * `tf.debugging.assertShapes(shapes, data?, summarize?, message?, name?)`: the shapes of several
 * tensors against symbolic shapes (`[[x, ['N', 'Q']], [y, ['N', 'D']], [s, []]]` or a Map): a
 * number is an exact size, a string names a size shared by every tensor that uses it, null or
 * '.' is any size, a leading '...' or '*' any number of outer dimensions. What the static shapes
 * decide raises ValueError at build time (TF's texts); the rest becomes Assert ops, grouped.
 */
export function assertShapes(...args: unknown[]): Operation {
  const o = kwargs(args, ['shapes', 'data', 'summarize', 'message', 'name'], 'assert_shapes', 1);
  const message = (o.message as string | null | undefined) || '';
  const data = (o.data as unknown[] | null | undefined) ?? null;
  const summarize = (o.summarize as number | null | undefined) ?? null;
  const name = (o.name as string | null | undefined) ?? undefined;
  const raw = o.shapes instanceof Map ? [...o.shapes.entries()] : (o.shapes as [unknown, unknown][]);
  const g = raw.map(([x]) => x).find((x): x is Tensor => x instanceof Tensor)?.graph ?? getDefaultGraph();
  let rankAssertions: Operation[] = [];
  const sizeAssertions: Operation[] = [];
  g.nameScope(name ?? 'assert_shapes', () => {
    const constraints = raw.filter(([, s]) => s !== null && s !== undefined).map(([x, s]) => [toTensor(x as TensorLike), s] as const);
    const dims = constraints.map(([tensor, symbolic]) => {
      if (!Array.isArray(symbolic) && typeof symbolic !== 'string') {
        throw new ValueError(`${message}.  Tensor ${tensor.name}.  Specified shape must be an iterable.  An iterable has the attribute \`__iter__\` or \`__getitem__\`.  Received specified shape: ${String(symbolic)}`);
      }
      const tuple = [...(symbolic as ArrayLike<Dim> & Iterable<Dim>)];
      let innermost = false;
      tuple.forEach((s, i) => {
        if (s !== '...' && s !== '*') return;
        if (i !== 0) {
          throw new ValueError(`${message}.  Tensor ${tensor.name} specified shape index ${i}.  Symbol \`...\` or \`*\` for a variable number of unspecified dimensions is only allowed as the first entry`);
        }
        innermost = true;
      });
      const sym = innermost ? tuple.slice(1) : tuple;
      return { x: tensor, unspecified: innermost, actual: dimensionSizes(tensor), symbolic: sym.length === 0 ? [1] : sym };
    });
    for (const d of dims) {
      const rank = d.symbolic.length;
      const zeroOrOne = rank === 0 || rank === 1;
      const opts = { data, summarize, message, name };
      if (d.unspecified) {
        if (zeroOrOne) continue;
        rankAssertions.push(assertRankAtLeast(d.x, rank, opts));
      } else if (zeroOrOne) {
        rankAssertions.push(assertRankIn(d.x, [0, 1], opts));
      } else {
        rankAssertions.push(assertRank(d.x, rank, opts));
      }
    }
    const specs = new Map<string, { size: number | Tensor; by: Tensor; dim: number }>();
    for (const d of dims) {
      d.symbolic.forEach((symbol, i) => {
        if (anySize(symbol)) return;
        const tensorDim = d.unspecified ? i - d.symbolic.length : i;
        const key = String(symbol);
        const known = knownSize(symbol);
        if (!known && !specs.has(key)) {
          specs.set(key, { size: g.controlDependencies(rankAssertions, () => sizeAt(d.actual, tensorDim)), by: d.x, dim: tensorDim });
          return;
        }
        let specified: number | Tensor;
        let checkMessage: string;
        if (known) {
          specified = Number(symbol);
          checkMessage = 'Specified explicitly';
        } else {
          const s = specs.get(key)!;
          specified = s.size;
          checkMessage = `Specified by tensor ${s.by.name} dimension ${s.dim}`;
        }
        const actual = g.controlDependencies(rankAssertions, () => sizeAt(d.actual, tensorDim));
        if (typeof actual === 'number' && typeof specified === 'number') {
          if (actual !== specified) {
            throw new ValueError(`${message}.  ${checkMessage}.  Tensor ${d.x.name} dimension ${tensorDim} must have size ${specified}.  Received size ${actual}, shape ${shapeText(d.x.shape)}`);
          }
          return;
        }
        const condition = equal(toTensor(actual as TensorLike, 'int32'), toTensor(specified as TensorLike, 'int32'));
        const data_ = data ?? [message, checkMessage, `Tensor ${d.x.name} dimension`, toTensor(tensorDim, 'int32'), 'must have size', toTensor(specified as TensorLike, 'int32'), 'Received shape: ', shapeOf(d.x)];
        sizeAssertions.push(Assert(condition, data_, { summarize }));
      });
    }
  });
  rankAssertions = rankAssertions.filter(Boolean);
  return g.controlDependencies(rankAssertions, () => group(sizeAssertions));
}
