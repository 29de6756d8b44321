/**
 * Elementwise families (unary, binary with broadcasting, select, cast). Loops are generated once
 * per function from a JS expression, so each is monomorphic and V8 inlines the math; float32
 * ops the wasm kernels have run there. Every family splits over elements or output rows.
 */
import { type DType, type DataArray, INT_RANGE, isFloat } from '../../../dtype.js';
import { fromHalf, toHalf } from '../../../float16.js';
import { bytesEqual } from '../../../string-array.js';
import type { BinaryFn, UnaryFn } from '../../prims.js';
import type { BinaryOp, UnaryOp, WasmKernels } from '../wasm/index.js';
import { SPECIAL } from './special.js';
import { canonicalStrides, rowStart, rowsOf } from './strided.js';
import { type CpuKernel, type KernelCtx, splittable, useWasm } from './types.js';

const SIGMOID = '(x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))';
const ROUND = '(Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x))';

const UNARY: Record<UnaryFn, string> = {
  neg: '-x',
  abs: 'Math.abs(x)',
  square: 'x * x',
  sqrt: 'Math.sqrt(x)',
  rsqrt: '1 / Math.sqrt(x)',
  exp: 'Math.exp(x)',
  expm1: 'Math.expm1(x)',
  log: 'Math.log(x)',
  log1p: 'Math.log1p(x)',
  sign: '(x > 0 ? 1 : x < 0 ? -1 : x)',
  floor: 'Math.floor(x)',
  ceil: 'Math.ceil(x)',
  round: ROUND,
  reciprocal: '1 / x',
  relu: '(x > 0 ? x : 0)',
  relu6: '(x > 0 ? (x < 6 ? x : 6) : 0)',
  sigmoid: SIGMOID,
  tanh: 'Math.tanh(x)',
  elu: '(x < 0 ? Math.expm1(x) : x)',
  selu: '(x < 0 ? 1.7580993408473766 * Math.expm1(x) : 1.0507009873554805 * x)',
  softplus: '(x > 15 ? x : x < -15 ? Math.exp(x) : Math.log1p(Math.exp(x)))',
  leakyRelu: '(x > 0 ? x : alpha * x)',
  logicalNot: '(x ? 0 : 1)',
  sin: 'Math.sin(x)',
  cos: 'Math.cos(x)',
  tan: 'Math.tan(x)',
  asin: 'Math.asin(x)',
  acos: 'Math.acos(x)',
  atan: 'Math.atan(x)',
  sinh: 'Math.sinh(x)',
  cosh: 'Math.cosh(x)',
  asinh: 'Math.asinh(x)',
  acosh: 'Math.acosh(x)',
  atanh: 'Math.atanh(x)',
  erf: 'S.erf(x)',
  erfc: 'S.erfc(x)',
  lgamma: 'S.lgamma(x)',
  digamma: 'S.digamma(x)',
  isNan: '(x !== x ? 1 : 0)',
  isInf: '(x === Infinity || x === -Infinity ? 1 : 0)',
  identity: 'x',
  strLength: 'x.length',
  strLengthUtf8: 'utf8Length(x)',
};

/** Expressions of (a, b); `imul` replaces `a * b` for int32 outputs (exact wrap-around). */
const BINARY: Record<BinaryFn, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  truncDiv: 'Math.trunc(a / b)',
  floorDiv: 'Math.floor(a / b)',
  mod: '(a - Math.floor(a / b) * b)',
  pow: 'Math.pow(a, b)',
  maximum: '(a > b || a !== a ? a : b)',
  minimum: '(a < b || a !== a ? a : b)',
  squaredDifference: '(a - b) * (a - b)',
  equal: '(a === b ? 1 : 0)',
  notEqual: '(a !== b ? 1 : 0)',
  less: '(a < b ? 1 : 0)',
  lessEqual: '(a <= b ? 1 : 0)',
  greater: '(a > b ? 1 : 0)',
  greaterEqual: '(a >= b ? 1 : 0)',
  logicalAnd: '(a && b ? 1 : 0)',
  logicalOr: '(a || b ? 1 : 0)',
  atan2: 'Math.atan2(a, b)',
  truncMod: 'a % b',
  zeta: 'S.zeta(a, b)',
  polygamma: 'S.polygamma(a, b)',
  reluGrad: '(a > 0 ? b : 0)',
  relu6Grad: '(a > 0 && a < 6 ? b : 0)',
  eluGrad: '(a < 0 ? b * (a + 1) : b)',
  leakyReluGrad: '(a > 0 ? b : alpha * b)',
  sigmoidGrad: 'b * a * (1 - a)',
  tanhGrad: 'b * (1 - a * a)',
  softplusGrad: `b * ${SIGMOID.replace(/\bx\b/g, 'a')}`,
  rsqrtGrad: '-0.5 * b * a * a * a',
  sqrtGrad: '0.5 * b / a',
};


/** Float32 unary functions the wasm kernels compute. */
const WASM_UNARY: Partial<Record<UnaryFn, UnaryOp>> = {
  neg: 'neg', abs: 'abs', square: 'square', sqrt: 'sqrt', relu: 'relu', relu6: 'relu6',
  reciprocal: 'reciprocal', floor: 'floor', ceil: 'ceil', round: 'round', identity: 'copy',
};
const WASM_BINARY: Partial<Record<BinaryFn, BinaryOp>> = {
  add: 'add', sub: 'sub', mul: 'mul', div: 'div', maximum: 'max', minimum: 'min',
  squaredDifference: 'squaredDifference', reluGrad: 'reluGrad',
};
/** Shortest row worth a call into wasm. */
const WASM_MIN_ROW = 32;
/** Flat element ranges split on 64-byte boundaries. */
const ELEMENT_ALIGN = 16;

type UnaryLoop = (x: DataArray, o: DataArray, lo: number, hi: number, alpha: number) => void;
const unaryCache = new Map<string, UnaryLoop>();

function unaryLoop(fn: UnaryFn, noNegZero = false): UnaryLoop {
  const key = noNegZero ? `${fn}+0` : fn;
  let f = unaryCache.get(key);
  if (!f) {
    // + 0 turns -0 into 0 (int64 is held in a Float64Array)
    const expr = noNegZero ? `(${UNARY[fn]}) + 0` : UNARY[fn];
    f = new Function('utf8Length', 'S', `return (X, O, lo, hi, alpha) => { for (let i = lo; i < hi; i++) { const x = X[i]; O[i] = ${expr}; } }`)(utf8Length, SPECIAL) as UnaryLoop;
    unaryCache.set(key, f);
  }
  return f;
}

/** UTF-8 characters in a byte string: the bytes that do not continue a character. */
function utf8Length(b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) if ((b[i]! & 0xc0) !== 0x80) n++;
  return n;
}

const byteAt = (a: DataArray, i: number): number => a.byteOffset + i * a.BYTES_PER_ELEMENT;

export const unary: CpuKernel<'unary'> = splittable<'unary'>(
  (p, [x], [o], ctx) => {
    const op = WASM_UNARY[p.fn];
    if (op && useWasm(ctx.wasm, x!, o!)) ctx.wasm.unary(op, byteAt(x!, ctx.lo), byteAt(o!, ctx.lo), ctx.hi - ctx.lo);
    else unaryLoop(p.fn, p.noNegZero === true)(x!, o!, ctx.lo, ctx.hi, p.alpha);
  },
  (p) => ({ units: p.n, align: ELEMENT_ALIGN }),
);

/**
 * Broadcast loop over rows [lo, hi) of `shape` with per-operand strides: the last axis is the
 * inner loop (with a fast path when every operand walks it contiguously), the rest an odometer.
 */
type NaryLoop = (ops: DataArray[], o: DataArray, shape: number[], strides: number[][], alpha: number, lo: number, hi: number) => void;

function naryLoop(arity: number, expr: string, helpers: Record<string, unknown> = {}): NaryLoop {
  const names = ['a', 'b', 'c'].slice(0, arity);
  const src = `
    const [${names.map((n) => n.toUpperCase()).join(',')}] = ops;
    const r = shape.length;
    if (r === 0) { if (lo < hi) { ${names.map((n) => `const ${n} = ${n.toUpperCase()}[0];`).join(' ')} O[0] = ${expr}; } return; }
    const inner = shape[r - 1];
    ${names.map((n, k) => `const s${n} = strides[${k}][r - 1];`).join(' ')}
    const idx = new Array(r).fill(0);
    const start = rowStart(shape, strides, lo, idx, [${names.map(() => '0').join(',')}]);
    ${names.map((n, k) => `let o${n} = start[${k}];`).join(' ')}
    let oo = lo * inner;
    for (let row = lo; row < hi; row++) {
      if (${names.map((n) => `s${n} === 1`).join(' && ')}) {
        for (let i = 0; i < inner; i++) { ${names.map((n) => `const ${n} = ${n.toUpperCase()}[o${n} + i];`).join(' ')} O[oo + i] = ${expr}; }
      } else {
        ${names.map((n) => `let p${n} = o${n};`).join(' ')}
        for (let i = 0; i < inner; i++) { ${names.map((n) => `const ${n} = ${n.toUpperCase()}[p${n}]; p${n} += s${n};`).join(' ')} O[oo + i] = ${expr}; }
      }
      oo += inner;
      for (let d = r - 2; d >= 0; d--) {
        idx[d]++;
        ${names.map((n, k) => `o${n} += strides[${k}][d];`).join(' ')}
        if (idx[d] < shape[d]) break;
        ${names.map((n, k) => `o${n} -= strides[${k}][d] * shape[d];`).join(' ')}
        idx[d] = 0;
      }
    }`;
  const names2 = Object.keys(helpers);
  return new Function('rowStart', ...names2, `return (ops, O, shape, strides, alpha, lo, hi) => {${src}}`)(rowStart, ...names2.map((k) => helpers[k])) as NaryLoop;
}

const binaryCache = new Map<string, NaryLoop>();

/**
 * Float32 binary rows through wasm: each row is vector⊕vector, vector⊕scalar or scalar⊕vector.
 * Returns false (nothing done) when the layout has no such form.
 */
function wasmBinaryRows(w: WasmKernels, op: BinaryOp, A: DataArray, B: DataArray, O: DataArray, shape: number[], strides: number[][], lo: number, hi: number): boolean {
  const r = shape.length;
  if (r === 0) return false;
  const inner = shape[r - 1]!;
  const sa = strides[0]![r - 1]!;
  const sb = strides[1]![r - 1]!;
  if (inner < WASM_MIN_ROW || !((sa === 1 && (sb === 1 || sb === 0)) || (sa === 0 && sb === 1))) return false;
  const idx = new Array<number>(r).fill(0);
  const [oa0, ob0] = rowStart(shape, strides, lo, idx, [0, 0]);
  let oa = oa0!, ob = ob0!;
  let oo = lo * inner;
  const aS = strides[0]!, bS = strides[1]!;
  for (let row = lo; row < hi; row++) {
    if (sb === 1 && sa === 1) w.binary(op, byteAt(A, oa), byteAt(B, ob), byteAt(O, oo), inner);
    else if (sb === 0) w.binaryScalar(op, byteAt(A, oa), B[ob]!, byteAt(O, oo), inner);
    else w.binaryScalar(op, byteAt(B, ob), A[oa]!, byteAt(O, oo), inner, true);
    oo += inner;
    for (let d = r - 2; d >= 0; d--) {
      idx[d]!++;
      oa += aS[d]!;
      ob += bS[d]!;
      if (idx[d]! < shape[d]!) break;
      oa -= aS[d]! * shape[d]!;
      ob -= bS[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return true;
}

function prepareBinary<P extends { outShape: number[] }>(p: P, keys: (keyof P)[]): P {
  const c = canonicalStrides(p.outShape, keys.map((k) => p[k] as number[]));
  const out = { ...p, outShape: c.shape };
  keys.forEach((k, i) => ((out as Record<keyof P, unknown>)[k] = c.strides[i]));
  return out;
}

const rowSplit = (p: { outShape: number[] }) => ({ units: p.outShape.length === 0 ? 1 : rowsOf(p.outShape), align: 1 });

/** String elements (byte strings, see string-array.ts) compare by content. */
const STRING_BINARY: Partial<Record<BinaryFn, string>> = {
  equal: '(eq(a, b) ? 1 : 0)',
  notEqual: '(eq(a, b) ? 0 : 1)',
  add: 'cat(a, b)',
};
function cat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
const stringLoops = new Map<string, NaryLoop>();

export const binary: CpuKernel<'binary'> = splittable<'binary'>(
  (p, [a, b], [o], ctx: KernelCtx) => {
    const strides = [p.aStrides, p.bStrides];
    if (Array.isArray(a)) {
      let f = stringLoops.get(p.fn);
      if (!f) {
        const expr = STRING_BINARY[p.fn];
        if (!expr) throw new Error(`binary ${p.fn} has no string kernel`);
        f = naryLoop(2, expr, { eq: bytesEqual, cat });
        stringLoops.set(p.fn, f);
      }
      f([a!, b!], o!, p.outShape, strides, p.alpha, ctx.lo, ctx.hi);
      return;
    }
    const op = WASM_BINARY[p.fn];
    if (op && useWasm(ctx.wasm, a!, b!, o!) && wasmBinaryRows(ctx.wasm, op, a!, b!, o!, p.outShape, strides, ctx.lo, ctx.hi)) return;
    const intMul = p.fn === 'mul' && o instanceof Int32Array;
    const key = intMul ? 'imul' : p.noNegZero ? `${p.fn}+0` : p.fn;
    let f = binaryCache.get(key);
    if (!f) {
      // + 0 turns -0 into 0 (int64 is held in a Float64Array)
      f = naryLoop(2, intMul ? 'Math.imul(a, b)' : p.noNegZero ? `(${BINARY[p.fn]}) + 0` : BINARY[p.fn], { S: SPECIAL });
      binaryCache.set(key, f);
    }
    f([a!, b!], o!, p.outShape, strides, p.alpha, ctx.lo, ctx.hi);
  },
  rowSplit,
  { prepare: (p) => prepareBinary(p, ['aStrides', 'bStrides']) },
);

const selectLoop = naryLoop(3, '(a ? b : c)');
export const select: CpuKernel<'select'> = splittable<'select'>(
  (p, [c, a, b], [o], ctx) => selectLoop([c!, a!, b!], o!, p.outShape, [p.cStrides, p.aStrides, p.bStrides], 0, ctx.lo, ctx.hi),
  rowSplit,
  { prepare: (p) => prepareBinary(p, ['cStrides', 'aStrides', 'bStrides']) },
);

/**
 * TF's Cast: float→int truncates toward zero and saturates at the target's range (NaN → 0);
 * int→int wraps (the typed array's store does); float16 is decoded and encoded as bits.
 */
export const cast: CpuKernel<'cast'> = splittable<'cast'>(
  (p, [x], [o], ctx) => {
    const X = x!;
    const O = o!;
    const { lo, hi } = ctx;
    const to = p.to;
    const from: DType = p.from ?? (X instanceof Float32Array || X instanceof Float64Array ? 'float64' : 'int32');
    const read = from === 'float16' ? (i: number) => fromHalf(X[i]!) : (i: number) => X[i]!;
    if (to === 'bool') {
      for (let i = lo; i < hi; i++) O[i] = read(i) !== 0 ? 1 : 0;
    } else if (to === 'float16') {
      for (let i = lo; i < hi; i++) O[i] = toHalf(read(i));
    } else if (isFloat(to) || !isFloat(from)) {
      for (let i = lo; i < hi; i++) O[i] = read(i);
    } else {
      const [min, max] = to === 'int64' ? [-(2 ** 63), 2 ** 63] : INT_RANGE[to]!;
      for (let i = lo; i < hi; i++) {
        // + 0: int64 is held in a Float64Array, where trunc(-0.5) would store -0
        const v = Math.trunc(read(i)) + 0;
        O[i] = v !== v ? 0 : v < min ? min : v > max ? max : v;
      }
    }
  },
  (p) => ({ units: p.n, align: ELEMENT_ALIGN }),
);
