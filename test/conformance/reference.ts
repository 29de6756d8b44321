/**
 * A tiny float64 reference interpreter for tsflow graphs, used as a test oracle.
 *
 * It walks the same `Operation`s a session would run (by type, attrs and inputs) and evaluates
 * them with plain JS numbers, straight from the definitions in tf1-reference.md §3: no stride
 * collapsing, no in-place reuse, no fused kernels — every index is computed from scratch. Values
 * keep their declared dtype (int32 wraps, bool is 0/1), but float math is done in float64 without
 * rounding intermediates, so comparing against it measures tsflow's float32 error.
 *
 * Random ops cannot be reproduced here: callers pin their values (fetch them from the same
 * tsflow run, then pass them in `pinned`), which still checks every op built around them.
 */
import type { DType, Operation, Tensor } from 'tsflow';
import { NDArray } from 'tsflow';

export interface RefValue {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Row-major elements; bool as 0/1, ints as integral numbers. */
  readonly data: Float64Array;
}

/** The graph holds an op type the reference does not know (or knows no value for). */
export class UnsupportedOpError extends Error {
  constructor(op: Operation, why: string) {
    super(`reference interpreter: ${why} for op '${op.name}' (type ${op.type}, attrs ${describeAttrs(op)})`);
    this.name = 'UnsupportedOpError';
  }
}

/** The reference raised a run-time error (e.g. an unfed placeholder, a bad label). */
export class ReferenceRuntimeError extends Error {
  constructor(op: Operation, why: string) {
    super(`reference interpreter: ${why} (op '${op.name}')`);
    this.name = 'ReferenceRuntimeError';
  }
}

export interface RefOptions {
  /** Fed tensors: their producers are not evaluated. */
  feeds?: ReadonlyMap<Tensor, RefValue | NDArray>;
  /** Values to use for (random) tensors instead of evaluating their op. */
  pinned?: ReadonlyMap<Tensor, RefValue | NDArray>;
  /** Variable values by variable op name. */
  variables?: ReadonlyMap<string, RefValue | NDArray>;
}

// ----- values -----------------------------------------------------------------------------

export const size = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Convert one number to what a `dtype` element holds. */
export function coerceTo(x: number, dtype: DType, from: DType = 'float64'): number {
  switch (dtype) {
    case 'bool':
      return x !== 0 && !Number.isNaN(x) ? 1 : 0;
    case 'int32':
      return Number.isFinite(x) ? Math.trunc(x) | 0 : 0;
    case 'int64':
      return Number.isFinite(x) ? Math.trunc(x) : 0;
    case 'float32':
      // A conversion into float32 rounds; float32 → float32 math stays unrounded in float64.
      return from === 'float32' ? x : Math.fround(x);
    case 'float64':
      return x;
    case 'int8':
    case 'uint8':
    case 'int16':
    case 'uint16': {
      // results wrap, as C++ integer arithmetic does
      if (!Number.isFinite(x)) return 0;
      const bits = dtype.endsWith('8') ? 8 : 16;
      const m = 2 ** bits;
      const w = ((Math.trunc(x) % m) + m) % m;
      return dtype.startsWith('u') || w < m / 2 ? w : w - m;
    }
    case 'float16':
      return halfRound(x);
    case 'string':
      throw new Error('string values are not numbers');
    case 'complex64':
    case 'complex128':
      throw new Error('complex values are (re, im) pairs, not numbers');
  }
}

/** The float16 value nearest to x (through float32, ties to even), by exact search. */
export function halfRound(x: number): number {
  const f = Math.fround(x);
  if (!Number.isFinite(f)) return f;
  const a = Math.abs(f);
  if (a >= 65520) return Math.sign(f) * Infinity;
  let e = a < 2 ** -14 ? -14 : Math.floor(Math.log2(a));
  if (e > -14 && 2 ** e > a) e--;
  const q = 2 ** (e - 10);
  const lo = Math.floor(a / q) * q;
  const hi = lo + q;
  const r = a - lo < hi - a ? lo : a - lo > hi - a ? hi : (lo / q) % 2 === 0 ? lo : hi;
  return Math.sign(f) * r;
}

/** TF's Cast of one value: float→int truncates and saturates (NaN → 0), int→int wraps. */
export function castTo(x: number, to: DType, from: DType): number {
  const ranges: Partial<Record<DType, [number, number]>> = {
    int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535],
    int32: [-2147483648, 2147483647], int64: [-(2 ** 63), 2 ** 63],
  };
  const r = ranges[to];
  if (r && (from === 'float32' || from === 'float64' || from === 'float16')) {
    if (Number.isNaN(x)) return 0;
    // + 0: an integer has no -0 (trunc(-0.5) is -0)
    return Math.min(r[1], Math.max(r[0], Math.trunc(x))) + 0;
  }
  return coerceTo(x, to, from);
}

export function makeValue(dtype: DType, shape: readonly number[], data: ArrayLike<number>): RefValue {
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]!;
  if (out.length !== size(shape)) throw new Error(`reference value of shape [${shape}] needs ${size(shape)} elements, got ${out.length}`);
  return { dtype, shape: [...shape], data: out };
}

export function fromNDArray(a: NDArray | RefValue, dtype: DType = a.dtype): RefValue {
  const src = a instanceof NDArray ? a.data : a.data;
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = coerceTo(Number(src[i]!), dtype, a.dtype === 'float32' ? 'float64' : a.dtype);
  // A float32 NDArray holds float32 values already; converting them to float32 is exact.
  return { dtype, shape: [...a.shape], data: out };
}

/** Nested JS arrays, like NDArray.toArray (numbers for every dtype except bool). */
export function toNested(v: RefValue): unknown {
  const conv = (x: number): number | boolean => (v.dtype === 'bool' ? x !== 0 : x);
  if (v.shape.length === 0) return conv(v.data[0]!);
  const rec = (dim: number, off: number): unknown[] => {
    const d = v.shape[dim]!;
    const step = size(v.shape.slice(dim + 1));
    return Array.from({ length: d }, (_, i) => (dim === v.shape.length - 1 ? conv(v.data[off + i]!) : rec(dim + 1, off + i * step)));
  };
  return rec(0, 0);
}

function mapValue(x: RefValue, dtype: DType, f: (a: number, i: number) => number): RefValue {
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = coerceTo(f(x.data[i]!, i), dtype, 'float32');
  return { dtype, shape: [...x.shape], data: out };
}

// ----- broadcasting (numpy rules, computed independently of tsflow's shape helpers) -----------

export function numpyBroadcast(...shapes: (readonly number[])[]): number[] | undefined {
  const r = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    let d = 1;
    for (const s of shapes) {
      const k = s.length - r + i;
      const x = k < 0 ? 1 : s[k]!;
      if (x === 1) continue;
      if (d !== 1 && d !== x) return undefined;
      d = x;
    }
    out.push(d);
  }
  return out;
}

/** Flat index into `shape` of the element that output multi-index `idx` reads when broadcast. */
function broadcastIndex(idx: readonly number[], shape: readonly number[]): number {
  const lead = idx.length - shape.length;
  let off = 0;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    off = off * d + (d === 1 ? 0 : idx[lead + i]!);
  }
  return off;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    idx[i] = d === 0 ? 0 : flat % d;
    flat = d === 0 ? 0 : Math.floor(flat / d);
  }
  return idx;
}

function broadcastN(op: Operation, xs: RefValue[], dtype: DType, f: (...v: number[]) => number): RefValue {
  const shape = numpyBroadcast(...xs.map((x) => x.shape));
  if (!shape) {
    throw new ReferenceRuntimeError(op, `Incompatible shapes: ${xs.map((x) => `[${x.shape.join(',')}]`).join(' vs. ')}`);
  }
  const n = size(shape);
  const out = new Float64Array(n);
  const args = new Array<number>(xs.length);
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, shape);
    for (let k = 0; k < xs.length; k++) args[k] = xs[k]!.data[broadcastIndex(idx, xs[k]!.shape)]!;
    out[i] = coerceTo(f(...args), dtype, 'float32');
  }
  return { dtype, shape, data: out };
}

// ----- scalar functions ----------------------------------------------------------------------

/** Round half to even (TF's Round / numpy's rint). */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

const UNARY: Record<string, (x: number, op: Operation) => number> = {
  Neg: (x) => -x,
  Abs: (x) => Math.abs(x),
  Square: (x) => x * x,
  Sqrt: (x) => Math.sqrt(x),
  Rsqrt: (x) => 1 / Math.sqrt(x),
  Exp: (x) => Math.exp(x),
  Expm1: (x) => Math.expm1(x),
  Log: (x) => Math.log(x),
  Log1p: (x) => Math.log1p(x),
  Sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  Floor: (x) => Math.floor(x),
  Ceil: (x) => Math.ceil(x),
  Round: (x) => roundHalfEven(x),
  Reciprocal: (x) => 1 / x,
  Sigmoid: sigmoid,
  Tanh: (x) => Math.tanh(x),
  Sin: (x) => Math.sin(x),
  Cos: (x) => Math.cos(x),
  Relu: (x) => Math.max(x, 0),
  Relu6: (x) => Math.min(Math.max(x, 0), 6),
  Elu: (x) => (x < 0 ? Math.exp(x) - 1 : x),
  Selu: (x) => (x < 0 ? 1.7580993408473766 * (Math.exp(x) - 1) : 1.0507009873554805 * x),
  Softplus: softplus,
  LeakyRelu: (x, op) => (x > 0 ? x : numAttr(op, 0.2, 'alpha') * x),
};

const BOOL_UNARY: Record<string, (x: number) => boolean> = {
  LogicalNot: (x) => x === 0,
  IsNan: (x) => Number.isNaN(x),
  IsInf: (x) => x === Infinity || x === -Infinity,
};

const BINARY: Record<string, (a: number, b: number, op: Operation) => number> = {
  Add: (a, b) => a + b,
  AddV2: (a, b) => a + b,
  BiasAdd: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  RealDiv: (a, b) => a / b,
  Div: (a, b) => a / b,
  FloorDiv: (a, b) => Math.floor(a / b),
  FloorMod: (a, b) => a - Math.floor(a / b) * b,
  Pow: (a, b) => Math.pow(a, b),
  Maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  Minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  SquaredDifference: (a, b) => (a - b) * (a - b),
  // Fused gradient helpers: (x or y, dy).
  ReluGrad: (x, dy) => (x > 0 ? dy : 0),
  Relu6Grad: (x, dy) => (x > 0 && x < 6 ? dy : 0),
  EluGrad: (y, dy) => (y < 0 ? dy * (y + 1) : dy),
  LeakyReluGrad: (x, dy, op) => (x > 0 ? dy : numAttr(op, 0.2, 'alpha') * dy),
  SigmoidGrad: (y, dy) => dy * y * (1 - y),
  TanhGrad: (y, dy) => dy * (1 - y * y),
  SoftplusGrad: (x, dy) => dy * sigmoid(x),
  RsqrtGrad: (y, dy) => -0.5 * dy * y * y * y,
  SqrtGrad: (y, dy) => (0.5 * dy) / y,
};

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  Equal: (a, b) => a === b,
  NotEqual: (a, b) => a !== b,
  Less: (a, b) => a < b,
  LessEqual: (a, b) => a <= b,
  Greater: (a, b) => a > b,
  GreaterEqual: (a, b) => a >= b,
  LogicalAnd: (a, b) => a !== 0 && b !== 0,
  LogicalOr: (a, b) => a !== 0 || b !== 0,
};

const PASS_THROUGH = new Set(['Identity', 'StopGradient', 'PlaceholderWithDefault', 'Snapshot', 'CheckNumerics', 'PreventGradient']);

// ----- attrs ---------------------------------------------------------------------------------

function describeAttrs(op: Operation): string {
  const parts = Object.entries(op.attrs).map(([k, v]) => `${k}=${v instanceof NDArray ? `NDArray[${v.shape}]` : JSON.stringify(v)}`);
  return `{${parts.join(', ')}}`;
}

/** The first of `names` present in the op's attrs. */
function attr(op: Operation, ...names: string[]): unknown {
  for (const n of names) if (n in op.attrs && op.attrs[n] !== undefined) return op.attrs[n];
  return undefined;
}

function numAttr(op: Operation, dflt: number, ...names: string[]): number {
  const v = attr(op, ...names);
  return typeof v === 'number' ? v : dflt;
}

function normAxis(op: Operation, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new ReferenceRuntimeError(op, `axis ${axis} out of range for rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

function intList(v: RefValue): number[] {
  return Array.from(v.data);
}

// ----- structural ops ------------------------------------------------------------------------

function reduce(op: Operation, x: RefValue, axesIn: readonly number[] | null, keepDims: boolean, kind: string): RefValue {
  const r = x.shape.length;
  const axes = new Set((axesIn ?? x.shape.map((_, i) => i)).map((a) => normAxis(op, a, r)));
  const outShapeKeep = x.shape.map((d, i) => (axes.has(i) ? 1 : d));
  const outShape = keepDims ? outShapeKeep : x.shape.filter((_, i) => !axes.has(i));
  const n = size(outShapeKeep);
  const groups: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < x.data.length; i++) {
    const idx = unravel(i, x.shape).map((d, k) => (axes.has(k) ? 0 : d));
    let off = 0;
    for (let k = 0; k < r; k++) off = off * outShapeKeep[k]! + idx[k]!;
    groups[off]!.push(x.data[i]!);
  }
  const isInt = x.dtype === 'int32' || x.dtype === 'int64';
  const out = groups.map((g) => {
    switch (kind) {
      case 'Sum':
        return g.reduce((a, b) => a + b, 0);
      case 'Prod':
        return g.reduce((a, b) => a * b, 1);
      case 'Mean': {
        const s = g.reduce((a, b) => a + b, 0);
        if (isInt) return g.length === 0 ? 0 : Math.trunc(s / g.length);
        return s / g.length;
      }
      case 'Max':
        return g.some(Number.isNaN) ? NaN : g.reduce((a, b) => Math.max(a, b), -Infinity);
      case 'Min':
        return g.some(Number.isNaN) ? NaN : g.reduce((a, b) => Math.min(a, b), Infinity);
      case 'Any':
        return g.some((v) => v !== 0) ? 1 : 0;
      case 'All':
        return g.every((v) => v !== 0) ? 1 : 0;
      default:
        throw new UnsupportedOpError(op, `unknown reduction ${kind}`);
    }
  });
  return makeValue(x.dtype, outShape, out.map((v) => coerceTo(v, x.dtype, 'float32')));
}

function argReduce(op: Operation, x: RefValue, axisIn: number, max: boolean): RefValue {
  const r = x.shape.length;
  const axis = normAxis(op, axisIn, r);
  const d = x.shape[axis]!;
  if (d === 0) throw new ReferenceRuntimeError(op, 'Reduction axis is empty');
  const outShape = x.shape.filter((_, i) => i !== axis);
  const st = strides(x.shape);
  const out = new Float64Array(size(outShape));
  for (let o = 0; o < out.length; o++) {
    const oi = unravel(o, outShape);
    const idx = [...oi.slice(0, axis), 0, ...oi.slice(axis)];
    let base = 0;
    for (let k = 0; k < r; k++) base += idx[k]! * st[k]!;
    let best = 0;
    let bv = x.data[base]!;
    for (let j = 1; j < d; j++) {
      const v = x.data[base + j * st[axis]!]!;
      if (max ? v > bv : v < bv) {
        best = j;
        bv = v;
      }
    }
    out[o] = best;
  }
  return { dtype: (attr(op, 'outputType', 'output_type', 'dtype') as DType | undefined) ?? 'int32', shape: outShape, data: out };
}

function matmul(op: Operation, a: RefValue, b: RefValue): RefValue {
  const ta = Boolean(attr(op, 'transposeA', 'transpose_a', 'adjX', 'adj_x'));
  const tb = Boolean(attr(op, 'transposeB', 'transpose_b', 'adjY', 'adj_y'));
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) throw new ReferenceRuntimeError(op, 'Matrix size-incompatible');
  const m = ta ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = ta ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const k2 = tb ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = tb ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (k !== k2) throw new ReferenceRuntimeError(op, `Matrix size-incompatible: In[0]: [${a.shape}], In[1]: [${b.shape}]`);
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = numpyBroadcast(batchA, batchB);
  if (!batch) throw new ReferenceRuntimeError(op, 'batch dimensions do not broadcast');
  const outShape = [...batch, m, n];
  const out = new Float64Array(size(outShape));
  const sa = strides(a.shape);
  const sb = strides(b.shape);
  for (let bi = 0; bi < size(batch); bi++) {
    const bidx = unravel(bi, batch);
    const offA = broadcastIndex(bidx, batchA) * m * k;
    const offB = broadcastIndex(bidx, batchB) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = a.data[offA + (ta ? p * sa[ra - 2]! + i : i * sa[ra - 2]! + p)]!;
          const bv = b.data[offB + (tb ? j * sb[rb - 2]! + p : p * sb[rb - 2]! + j)]!;
          s += av * bv;
        }
        out[bi * m * n + i * n + j] = coerceTo(s, a.dtype, 'float32');
      }
    }
  }
  return { dtype: a.dtype, shape: outShape, data: out };
}

function transpose(x: RefValue, perm: readonly number[]): RefValue {
  const outShape = perm.map((p) => x.shape[p]!);
  const st = strides(x.shape);
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, outShape);
    let off = 0;
    for (let k = 0; k < perm.length; k++) off += idx[k]! * st[perm[k]!]!;
    out[i] = x.data[off]!;
  }
  return { dtype: x.dtype, shape: outShape, data: out };
}

function resolveShape(op: Operation, target: readonly number[], n: number): number[] {
  const neg = target.filter((d) => d === -1).length;
  const known = target.reduce((a, d) => (d === -1 ? a : a * d), 1);
  if (neg > 1) throw new ReferenceRuntimeError(op, 'Only one input size may be -1');
  if (neg === 1) {
    if (known === 0 || n % known !== 0) throw new ReferenceRuntimeError(op, `cannot reshape ${n} values into [${target}]`);
    return target.map((d) => (d === -1 ? n / known : d));
  }
  if (known !== n) throw new ReferenceRuntimeError(op, `Input to reshape is a tensor with ${n} values, but the requested shape has ${known}`);
  return [...target];
}

function reshaped(x: RefValue, shape: readonly number[]): RefValue {
  return { dtype: x.dtype, shape: [...shape], data: x.data };
}

function broadcastTo(op: Operation, x: RefValue, shape: readonly number[]): RefValue {
  return broadcastN(op, [x, { dtype: x.dtype, shape, data: new Float64Array(size(shape)) }], x.dtype, (a) => a);
}

/** Sum `x` down to `shape` (the reverse of broadcasting). */
function sumTo(op: Operation, x: RefValue, shape: readonly number[]): RefValue {
  const out = new Float64Array(size(shape));
  for (let i = 0; i < x.data.length; i++) out[broadcastIndex(unravel(i, x.shape), shape)]! += x.data[i]!;
  void op;
  return { dtype: x.dtype, shape: [...shape], data: out };
}

function softmaxLast(x: RefValue, log: boolean): RefValue {
  const d = x.shape[x.shape.length - 1] ?? 1;
  const rows = d === 0 ? 0 : x.data.length / d;
  const out = new Float64Array(x.data.length);
  for (let r = 0; r < rows; r++) {
    let mx = -Infinity;
    for (let j = 0; j < d; j++) mx = Math.max(mx, x.data[r * d + j]!);
    let s = 0;
    for (let j = 0; j < d; j++) s += Math.exp(x.data[r * d + j]! - mx);
    for (let j = 0; j < d; j++) {
      const z = x.data[r * d + j]! - mx;
      out[r * d + j] = log ? z - Math.log(s) : Math.exp(z) / s;
    }
  }
  return { dtype: x.dtype, shape: [...x.shape], data: out };
}

function xent(logits: RefValue, labels: RefValue): RefValue[] {
  const ls = softmaxLast(logits, true);
  const d = logits.shape[logits.shape.length - 1]!;
  const rows = logits.data.length / d;
  const loss = new Float64Array(rows);
  const back = new Float64Array(logits.data.length);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const i = r * d + j;
      s -= labels.data[i]! * ls.data[i]!;
      back[i] = Math.exp(ls.data[i]!) - labels.data[i]!;
    }
    loss[r] = s;
  }
  return [
    { dtype: logits.dtype, shape: logits.shape.slice(0, -1), data: loss },
    { dtype: logits.dtype, shape: [...logits.shape], data: back },
  ];
}

function concat(op: Operation, xs: RefValue[], axisIn: number): RefValue {
  const first = xs[0]!;
  const r = first.shape.length;
  const axis = normAxis(op, axisIn, r);
  for (const x of xs) {
    if (x.shape.length !== r || x.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
      throw new ReferenceRuntimeError(op, `ConcatOp : Dimensions of inputs should match: shape[0] = [${first.shape}] vs. [${x.shape}]`);
    }
  }
  const outShape = [...first.shape];
  outShape[axis] = xs.reduce((a, x) => a + x.shape[axis]!, 0);
  const out = new Float64Array(size(outShape));
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, outShape);
    let a = idx[axis]!;
    let j = 0;
    while (a >= xs[j]!.shape[axis]!) a -= xs[j++]!.shape[axis]!;
    const src = xs[j]!;
    const sidx = [...idx];
    sidx[axis] = a;
    let off = 0;
    for (let k = 0; k < r; k++) off = off * src.shape[k]! + sidx[k]!;
    out[i] = src.data[off]!;
  }
  return { dtype: first.dtype, shape: outShape, data: out };
}

function gather(op: Operation, x: RefValue, indices: RefValue, axisIn: number): RefValue {
  const axis = normAxis(op, axisIn, x.shape.length);
  const d = x.shape[axis]!;
  const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const out = new Float64Array(size(outShape));
  const ir = indices.shape.length;
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, outShape);
    const iidx = idx.slice(axis, axis + ir);
    let ioff = 0;
    for (let k = 0; k < ir; k++) ioff = ioff * indices.shape[k]! + iidx[k]!;
    const j = indices.data[ioff]!;
    if (j < 0 || j >= d) throw new ReferenceRuntimeError(op, `indices[${ioff}] = ${j} is not in [0, ${d})`);
    const sidx = [...idx.slice(0, axis), j, ...idx.slice(axis + ir)];
    let off = 0;
    for (let k = 0; k < x.shape.length; k++) off = off * x.shape[k]! + sidx[k]!;
    out[i] = x.data[off]!;
  }
  return { dtype: x.dtype, shape: outShape, data: out };
}

function slice(op: Operation, x: RefValue, begin: readonly number[], sz: readonly number[]): RefValue {
  const r = x.shape.length;
  const outShape = sz.map((s, i) => (s === -1 ? x.shape[i]! - begin[i]! : s));
  for (let i = 0; i < r; i++) {
    if (begin[i]! < 0 || begin[i]! + outShape[i]! > x.shape[i]!) throw new ReferenceRuntimeError(op, 'slice out of bounds');
  }
  const out = new Float64Array(size(outShape));
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, outShape);
    let off = 0;
    for (let k = 0; k < r; k++) off = off * x.shape[k]! + idx[k]! + begin[k]!;
    out[i] = x.data[off]!;
  }
  return { dtype: x.dtype, shape: outShape, data: out };
}

function tile(x: RefValue, multiples: readonly number[]): RefValue {
  const outShape = x.shape.map((d, i) => d * multiples[i]!);
  const out = new Float64Array(size(outShape));
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, outShape);
    let off = 0;
    for (let k = 0; k < x.shape.length; k++) off = off * x.shape[k]! + (idx[k]! % x.shape[k]!);
    out[i] = x.data[off]!;
  }
  return { dtype: x.dtype, shape: outShape, data: out };
}

/** Output size and leading pad of one spatial dim (tf1-reference §3.5). */
export function windowDim(inSize: number, k: number, s: number, dilation: number, padding: string): [number, number] {
  const kEff = (k - 1) * dilation + 1;
  if (padding === 'VALID') return [Math.floor((inSize - kEff + s) / s), 0];
  const out = Math.ceil(inSize / s);
  const padTotal = Math.max(0, (out - 1) * s + kEff - inSize);
  return [out, Math.floor(padTotal / 2)];
}

function window4(op: Operation): { strides: number[]; ksize: number[] | null; dilations: number[]; padding: string } {
  const strides = (attr(op, 'strides') as number[] | undefined) ?? [1, 1, 1, 1];
  const ksize = (attr(op, 'ksize') as number[] | undefined) ?? null;
  const dilations = (attr(op, 'dilations') as number[] | undefined) ?? [1, 1, 1, 1];
  const padding = String(attr(op, 'padding') ?? 'VALID').toUpperCase();
  const four = (a: number[]): number[] => (a.length === 2 ? [1, a[0]!, a[1]!, 1] : a);
  return { strides: four(strides), ksize: ksize && four(ksize), dilations: four(dilations), padding };
}

function conv2d(op: Operation, x: RefValue, f: RefValue): RefValue {
  const { strides: st, dilations: dl, padding } = window4(op);
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [kh, kw, c2, o] = f.shape as [number, number, number, number];
  if (c !== c2) throw new ReferenceRuntimeError(op, 'input depth must match filter depth');
  const [oh, pt] = windowDim(h, kh, st[1]!, dl[1]!, padding);
  const [ow, pl] = windowDim(w, kw, st[2]!, dl[2]!, padding);
  const out = new Float64Array(n * oh * ow * o);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let q = 0; q < o; q++) {
          let s = 0;
          for (let di = 0; di < kh; di++)
            for (let dj = 0; dj < kw; dj++) {
              const y = i * st[1]! + di * dl[1]! - pt;
              const xx = j * st[2]! + dj * dl[2]! - pl;
              if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
              for (let ch = 0; ch < c; ch++) s += x.data[((b * h + y) * w + xx) * c + ch]! * f.data[((di * kw + dj) * c + ch) * o + q]!;
            }
          out[((b * oh + i) * ow + j) * o + q] = s;
        }
  return { dtype: x.dtype, shape: [n, oh, ow, o], data: out };
}

function pool(op: Operation, x: RefValue, max: boolean): RefValue {
  const { strides: st, ksize, padding } = window4(op);
  if (!ksize) throw new UnsupportedOpError(op, 'no ksize attr');
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [oh, pt] = windowDim(h, ksize[1]!, st[1]!, 1, padding);
  const [ow, pl] = windowDim(w, ksize[2]!, st[2]!, 1, padding);
  const out = new Float64Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let ch = 0; ch < c; ch++) {
          let acc = max ? -Infinity : 0;
          let cnt = 0;
          for (let di = 0; di < ksize[1]!; di++)
            for (let dj = 0; dj < ksize[2]!; dj++) {
              const y = i * st[1]! + di - pt;
              const xx = j * st[2]! + dj - pl;
              if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
              const v = x.data[((b * h + y) * w + xx) * c + ch]!;
              acc = max ? Math.max(acc, v) : acc + v;
              cnt++;
            }
          out[((b * oh + i) * ow + j) * c + ch] = max ? acc : acc / cnt;
        }
  return { dtype: x.dtype, shape: [n, oh, ow, c], data: out };
}

// ----- the interpreter -------------------------------------------------------------------------

/** Reference evaluators of further op types, by type (registered by reference-*.ts files). */
export const EXTRA_REFERENCE = new Map<string, (op: Operation, ins: RefValue[]) => RefValue[]>();

/** Evaluate `fetches` (tensors of one graph) in float64. */
export function evaluate(fetches: readonly Tensor[], opts: RefOptions = {}): RefValue[] {
  const memo = new Map<Operation, RefValue[]>();
  const given = new Map<Tensor, RefValue>();
  for (const [t, v] of [...(opts.pinned ?? []), ...(opts.feeds ?? [])]) given.set(t, fromNDArray(v, t.dtype));
  const vars = new Map<string, RefValue>();
  for (const [k, v] of opts.variables ?? []) vars.set(k, fromNDArray(v));

  const valueOf = (t: Tensor): RefValue => {
    const g = given.get(t);
    if (g) return g;
    let outs = memo.get(t.op);
    if (!outs) {
      outs = evalOp(t.op, t.op.inputs.map(valueOf), vars);
      memo.set(t.op, outs);
    }
    const v = outs[t.index];
    if (!v) throw new UnsupportedOpError(t.op, `no value for output ${t.index}`);
    return v;
  };
  return fetches.map(valueOf);
}

function evalOp(op: Operation, ins: RefValue[], vars: ReadonlyMap<string, RefValue>): RefValue[] {
  const x = ins[0]!;
  const outDType = (i = 0): DType => op.outputs[i]!.dtype;
  const t = op.type;

  if (t in UNARY) return [mapValue(x, outDType(), (v) => UNARY[t]!(v, op))];
  if (t in BOOL_UNARY) return [mapValue(x, 'bool', (v) => (BOOL_UNARY[t]!(v) ? 1 : 0))];
  if (t in BINARY) return [broadcastN(op, [x, ins[1]!], outDType(), (a, b) => BINARY[t]!(a!, b!, op))];
  if (t in COMPARE) return [broadcastN(op, [x, ins[1]!], 'bool', (a, b) => (COMPARE[t]!(a!, b!) ? 1 : 0))];
  if (PASS_THROUGH.has(t)) {
    if (t === 'CheckNumerics' && x.data.some((v) => !Number.isFinite(v))) {
      throw new ReferenceRuntimeError(op, `${String(attr(op, 'message'))} : Tensor had NaN or Inf values`);
    }
    return [x];
  }

  switch (t) {
    case 'Const': {
      const v = attr(op, 'value');
      if (!(v instanceof NDArray)) throw new UnsupportedOpError(op, 'Const without an NDArray value');
      return [fromNDArray(v)];
    }
    case 'Placeholder':
      throw new ReferenceRuntimeError(op, `You must feed a value for placeholder tensor '${op.name}'`);
    case 'VariableV2': {
      const v = vars.get(op.name);
      if (!v) throw new ReferenceRuntimeError(op, `Attempting to use uninitialized value ${op.name}`);
      return [v];
    }
    case 'NoOp':
      return [];
    case 'AddN':
      return [broadcastN(op, ins, outDType(), (...v) => v.reduce((a, b) => a + b, 0))];
    case 'Cast':
      return [mapValue(x, outDType(), (v) => castTo(v, outDType(), x.dtype))];
    case 'Select':
    case 'SelectV2':
      return [broadcastN(op, ins, outDType(), (c, a, b) => (c !== 0 ? a! : b!))];
    case 'MatMul':
    case 'BatchMatMul':
    case 'BatchMatMulV2':
      return [matmul(op, x, ins[1]!)];
    case 'Sum':
    case 'Mean':
    case 'Max':
    case 'Min':
    case 'Prod':
    case 'Any':
    case 'All': {
      const axes = (attr(op, 'axes', 'axis', 'reductionIndices') as number[] | number | null | undefined) ?? (ins[1] ? intList(ins[1]) : null);
      const keep = Boolean(attr(op, 'keepDims', 'keepdims', 'keep_dims'));
      return [reduce(op, x, axes === null ? null : Array.isArray(axes) ? axes : [axes], keep, t)];
    }
    case 'ArgMax':
    case 'ArgMin': {
      const axis = (attr(op, 'axis', 'dimension') as number | undefined) ?? (ins[1] ? ins[1].data[0]! : 0);
      return [argReduce(op, x, axis, t === 'ArgMax')];
    }
    case 'Reshape': {
      const target = (attr(op, 'shape') as number[] | null | undefined) ?? intList(ins[1]!);
      return [reshaped(x, resolveShape(op, target, x.data.length))];
    }
    case 'ReshapeLike':
      return [reshaped(x, ins[1]!.shape)];
    case 'BroadcastLike':
      return [broadcastTo(op, x, ins[1]!.shape)];
    case 'BroadcastTo':
      return [broadcastTo(op, x, (attr(op, 'shape') as number[] | undefined) ?? intList(ins[1]!))];
    case 'SumToShapeOf':
      return [sumTo(op, x, ins[1]!.shape)];
    case 'Transpose': {
      const perm = (attr(op, 'perm') as number[] | null | undefined) ?? (ins[1] ? intList(ins[1]) : null) ?? x.shape.map((_, i) => x.shape.length - 1 - i);
      return [transpose(x, perm)];
    }
    case 'Fill': {
      const shape = (attr(op, 'shape', 'dims') as number[] | undefined) ?? intList(x);
      const value = numAttr(op, ins[1]?.data[0] ?? 0, 'value');
      const dt = (attr(op, 'dtype') as DType | undefined) ?? outDType();
      return [makeValue(dt, shape, new Array<number>(size(shape)).fill(coerceTo(value, dt)))];
    }
    case 'FillLike':
    case 'ZerosLike':
    case 'OnesLike': {
      const value = t === 'ZerosLike' ? 0 : t === 'OnesLike' ? 1 : numAttr(op, 0, 'value');
      return [makeValue(outDType(), x.shape, new Array<number>(x.data.length).fill(coerceTo(value, outDType())))];
    }
    case 'Shape':
      return [makeValue(outDType(), [x.shape.length], x.shape)];
    case 'Size':
      return [makeValue(outDType(), [], [x.data.length])];
    case 'Rank':
      return [makeValue(outDType(), [], [x.shape.length])];
    case 'Softmax':
    case 'LogSoftmax':
      return [softmaxLast(x, t === 'LogSoftmax')];
    case 'SoftmaxCrossEntropyWithLogits':
      return xent(x, ins[1]!);
    case 'SparseSoftmaxCrossEntropyWithLogits': {
      const labels = ins[1]!;
      const d = x.shape[x.shape.length - 1]!;
      const onehot = new Float64Array(x.data.length);
      labels.data.forEach((l, r) => {
        if (l < 0 || l >= d) throw new ReferenceRuntimeError(op, `Received a label value of ${l} which is outside the valid range of [0, ${d}).`);
        onehot[r * d + l] = 1;
      });
      return xent(x, { dtype: x.dtype, shape: x.shape, data: onehot });
    }
    case 'L2Loss':
      return [makeValue(x.dtype, [], [x.data.reduce((a, v) => a + v * v, 0) / 2])];
    // ----- array ops (TF's op types; axis/size arguments as attrs or trailing inputs) -----
    case 'Concat':
    case 'ConcatV2': {
      const ax = attr(op, 'axis');
      if (typeof ax === 'number') return [concat(op, ins, ax)];
      if (t === 'Concat') return [concat(op, ins.slice(1), x.data[0]!)];
      return [concat(op, ins.slice(0, -1), ins[ins.length - 1]!.data[0]!)];
    }
    case 'Pack': {
      const axis = numAttr(op, 0, 'axis');
      const r = x.shape.length + 1;
      const a = axis < 0 ? axis + r : axis;
      const expanded = ins.map((v) => reshaped(v, [...v.shape.slice(0, a), 1, ...v.shape.slice(a)]));
      return [concat(op, expanded, a)];
    }
    case 'ExpandDims': {
      const axis = (attr(op, 'axis', 'dim') as number | undefined) ?? ins[1]!.data[0]!;
      const r = x.shape.length + 1;
      const a = axis < 0 ? axis + r : axis;
      return [reshaped(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)])];
    }
    case 'Squeeze': {
      const dims = (attr(op, 'axis', 'squeezeDims', 'squeeze_dims', 'axes') as number[] | number | null | undefined) ?? null;
      const list = dims === null ? null : (Array.isArray(dims) ? dims : [dims]).map((a) => normAxis(op, a, x.shape.length));
      return [reshaped(x, x.shape.filter((d, i) => (list === null || list.length === 0 ? d !== 1 : !list.includes(i))))];
    }
    case 'Slice': {
      const begin = (attr(op, 'begin') as number[] | undefined) ?? intList(ins[1]!);
      const sz = (attr(op, 'size') as number[] | undefined) ?? intList(ins[2]!);
      return [slice(op, x, begin, sz)];
    }
    case 'Gather':
    case 'GatherV2': {
      const ax = attr(op, 'axis');
      const axis = typeof ax === 'number' ? ax : ins[2] ? ins[2].data[0]! : 0;
      return [gather(op, x, ins[1]!, axis)];
    }
    case 'OneHot': {
      const depth = numAttr(op, ins[1]?.data[0] ?? 0, 'depth');
      const on = numAttr(op, ins[2]?.data[0] ?? 1, 'onValue', 'on_value');
      const off = numAttr(op, ins[3]?.data[0] ?? 0, 'offValue', 'off_value');
      const ax = numAttr(op, -1, 'axis');
      const r = x.shape.length + 1;
      const axis = ax < 0 ? ax + r : ax;
      const outShape = [...x.shape.slice(0, axis), depth, ...x.shape.slice(axis)];
      const out = new Float64Array(size(outShape));
      for (let i = 0; i < out.length; i++) {
        const idx = unravel(i, outShape);
        const j = idx[axis]!;
        const src = [...idx.slice(0, axis), ...idx.slice(axis + 1)];
        let o = 0;
        for (let k = 0; k < x.shape.length; k++) o = o * x.shape[k]! + src[k]!;
        out[i] = x.data[o] === j ? on : off;
      }
      return [{ dtype: outDType(), shape: outShape, data: out }];
    }
    case 'Tile':
      return [tile(x, (attr(op, 'multiples') as number[] | undefined) ?? intList(ins[1]!))];
    case 'Range': {
      const start = numAttr(op, ins[0]?.data[0] ?? 0, 'start');
      const limit = numAttr(op, ins[1]?.data[0] ?? 0, 'limit');
      const delta = numAttr(op, ins[2]?.data[0] ?? 1, 'delta');
      const n = Math.max(0, Math.ceil((limit - start) / delta));
      return [makeValue(outDType(), [n], Array.from({ length: n }, (_, i) => coerceTo(start + i * delta, outDType())))];
    }
    case 'Conv2D':
      return [conv2d(op, x, ins[1]!)];
    case 'MaxPool':
    case 'AvgPool':
      return [pool(op, x, t === 'MaxPool')];
  }
  const extra = EXTRA_REFERENCE.get(t);
  if (extra) return extra(op, ins);
  if (/^(Random|TruncatedNormal)/.test(t)) throw new UnsupportedOpError(op, 'random values must be pinned');
  throw new UnsupportedOpError(op, 'unknown op type');
}
