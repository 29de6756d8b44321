/**
 * Elementwise families (unary, binary with broadcasting, select, cast). Loops are generated once
 * per function from a JS expression, so each is monomorphic and V8 inlines the math.
 */
import type { DataArray } from '../../../dtype.js';
import type { BinaryFn, UnaryFn } from '../../prims.js';
import type { CpuKernel } from './types.js';

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
  isNan: '(x !== x ? 1 : 0)',
  isInf: '(x === Infinity || x === -Infinity ? 1 : 0)',
  identity: 'x',
};

/** Expressions of (a, b); `imul` replaces `a * b` for int32 outputs (exact wrap-around). */
const BINARY: Record<BinaryFn, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
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
  reluGrad: '(a > 0 ? b : 0)',
  relu6Grad: '(a > 0 && a < 6 ? b : 0)',
  eluGrad: '(a < 0 ? b * (a + 1) : b)',
  leakyReluGrad: '(a > 0 ? b : alpha * b)',
  sigmoidGrad: 'b * a * (1 - a)',
  tanhGrad: 'b * (1 - a * a)',
  softplusGrad: `b * ${SIGMOID.replace(/x/g, 'a')}`,
  rsqrtGrad: '-0.5 * b * a * a * a',
  sqrtGrad: '0.5 * b / a',
};

type UnaryLoop = (x: DataArray, o: DataArray, n: number, alpha: number) => void;
const unaryCache = new Map<string, UnaryLoop>();

function unaryLoop(fn: UnaryFn): UnaryLoop {
  let f = unaryCache.get(fn);
  if (!f) {
    f = new Function('X', 'O', 'n', 'alpha', `for (let i = 0; i < n; i++) { const x = X[i]; O[i] = ${UNARY[fn]}; }`) as UnaryLoop;
    unaryCache.set(fn, f);
  }
  return f;
}

export const unary: CpuKernel<'unary'> = (p, [x], [o]) => unaryLoop(p.fn)(x!, o!, p.n, p.alpha);

/**
 * Broadcast loop over `shape` with per-operand strides: the last axis is the inner loop (with
 * a flat fast path when every operand walks it contiguously), the rest an odometer.
 */
type NaryLoop = (ops: DataArray[], o: DataArray, shape: number[], strides: number[][], alpha: number) => void;

function naryLoop(arity: number, expr: string): NaryLoop {
  const names = ['a', 'b', 'c'].slice(0, arity);
  const src = `
    const [${names.map((n) => n.toUpperCase()).join(',')}] = ops;
    const r = shape.length;
    if (r === 0) { ${names.map((n) => `const ${n} = ${n.toUpperCase()}[0];`).join(' ')} O[0] = ${expr}; return; }
    const inner = shape[r - 1];
    ${names.map((n, k) => `const s${n} = strides[${k}][r - 1];`).join(' ')}
    let total = 1; for (let i = 0; i < r - 1; i++) total *= shape[i];
    const idx = new Array(r).fill(0);
    ${names.map((n) => `let o${n} = 0;`).join(' ')}
    let oo = 0;
    for (let row = 0; row < total; row++) {
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
  return new Function('ops', 'O', 'shape', 'strides', 'alpha', src) as NaryLoop;
}

const binaryCache = new Map<string, NaryLoop>();

export const binary: CpuKernel<'binary'> = (p, [a, b], [o]) => {
  const intMul = p.fn === 'mul' && o instanceof Int32Array;
  const key = intMul ? 'imul' : p.fn;
  let f = binaryCache.get(key);
  if (!f) {
    f = naryLoop(2, intMul ? 'Math.imul(a, b)' : BINARY[p.fn]);
    binaryCache.set(key, f);
  }
  f([a!, b!], o!, p.outShape, [p.aStrides, p.bStrides], p.alpha);
};

const selectLoop = naryLoop(3, '(a ? b : c)');
export const select: CpuKernel<'select'> = (p, [c, a, b], [o]) =>
  selectLoop([c!, a!, b!], o!, p.outShape, [p.cStrides, p.aStrides, p.bStrides], 0);

export const cast: CpuKernel<'cast'> = (p, [x], [o]) => {
  const X = x!;
  const O = o!;
  const n = p.n;
  if (p.to === 'bool') {
    for (let i = 0; i < n; i++) O[i] = X[i] !== 0 ? 1 : 0;
  } else if (p.to === 'int32' || p.to === 'int64') {
    for (let i = 0; i < n; i++) O[i] = Math.trunc(X[i]!);
  } else {
    for (let i = 0; i < n; i++) O[i] = X[i]!;
  }
};
