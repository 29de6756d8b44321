/** unary, binary, select, cast, fill, range on the WebGPU device against plain-JS references. */
import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/dtype.js';
import type { BinaryFn, UnaryFn } from '../../src/device/prims.js';
import {
  PlanBuilder,
  broadcastStrides,
  expectClose,
  expectExact,
  f32,
  forStrided,
  openDevice,
  prod,
  randBool,
  randF32,
  randI32,
  rng,
  runPlan,
} from './helpers.js';

const dev = await openDevice();

const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 3.5, 1e-5, -1e-5, 1e-3, -1e-3, 0.2, -0.3, 3, -3, 7, -9, 14, -14, 20, -20, 88, -100, NaN, Infinity, -Infinity];

function floatInputs(fn: UnaryFn): Float32Array {
  const rand = Array.from(randF32(40, 7, -6, 6));
  let xs = [...SPECIAL, ...rand];
  // WGSL leaves sin/cos accuracy open outside [-π, π]; large arguments are not compared.
  if (fn === 'sin' || fn === 'cos') xs = xs.filter((x) => !Number.isFinite(x) || Math.abs(x) <= 20);
  return Float32Array.from(xs);
}

const halfEven = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

const FLOAT_UNARY: Record<UnaryFn, ((x: number, alpha: number) => number) | null> = {
  neg: (x) => -x,
  abs: Math.abs,
  square: (x) => x * x,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  floor: Math.floor,
  ceil: Math.ceil,
  round: halfEven,
  reciprocal: (x) => 1 / x,
  relu: (x) => (x < 0 ? 0 : x),
  relu6: (x) => (x < 0 ? 0 : x > 6 ? 6 : x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  elu: (x) => (x < 0 ? Math.expm1(x) : x),
  selu: (x) => (x < 0 ? 1.7580993408473766 * Math.expm1(x) : 1.0507009873554805 * x),
  softplus: (x) => (x > 30 ? x : Math.log1p(Math.exp(x))),
  leakyRelu: (x, a) => (x > 0 ? x : f32(a) * x),
  logicalNot: null,
  sin: Math.sin,
  cos: Math.cos,
  // the inverse and hyperbolic functions are checked through their ops in test/ops-trig.test.ts
  tan: null, asin: null, acos: null, atan: null, sinh: null, cosh: null, asinh: null, acosh: null, atanh: null,
  // the special functions are checked through their ops in test/ops-special.test.ts
  erf: null, erfc: null, lgamma: null, digamma: null,
  isNan: (x) => (Number.isNaN(x) ? 1 : 0),
  isInf: (x) => (x === Infinity || x === -Infinity ? 1 : 0),
  identity: (x) => x,
  strLength: null,
  strLengthUtf8: null,
};

/** Functions whose GPU results may differ from correctly rounded ones by a few ulp. */
const APPROX = new Set<UnaryFn>(['sqrt', 'rsqrt', 'exp', 'expm1', 'log', 'log1p', 'reciprocal', 'sigmoid', 'tanh', 'elu', 'selu', 'softplus', 'sin', 'cos']);

describe.skipIf(!dev)('unary', () => {
  for (const fn of Object.keys(FLOAT_UNARY) as UnaryFn[]) {
    const ref = FLOAT_UNARY[fn];
    if (!ref) continue;
    it(`${fn} float32`, async () => {
      const x = floatInputs(fn);
      const b = new PlanBuilder();
      const xi = b.feed('float32', x);
      const outDtype: DType = fn === 'isNan' || fn === 'isInf' ? 'bool' : 'float32';
      b.fetch(b.step('unary', { fn, n: x.length, alpha: 0.2 }, [xi], outDtype, x.length));
      const [out] = await runPlan(dev!, b);
      const expected = Array.from(x, (v) => f32(ref(v, 0.2)));
      if (outDtype === 'bool') {
        expect(out).toBeInstanceOf(Uint8Array);
        expectExact(out!, expected, fn);
      } else {
        expect(out).toBeInstanceOf(Float32Array);
        expectClose(out!, expected, APPROX.has(fn) ? { rtol: 2e-6 * 8, atol: 1e-6 } : { rtol: 0, atol: 0 }, fn);
      }
    });
  }

  const INT_UNARY: Partial<Record<UnaryFn, (x: number) => number>> = {
    neg: (x) => -x | 0,
    abs: (x) => Math.abs(x) | 0,
    square: (x) => Math.imul(x, x),
    sign: Math.sign,
    floor: (x) => x,
    ceil: (x) => x,
    round: (x) => x,
    relu: (x) => Math.max(x, 0),
    relu6: (x) => Math.min(Math.max(x, 0), 6),
    identity: (x) => x,
  };
  for (const [fn, ref] of Object.entries(INT_UNARY) as [UnaryFn, (x: number) => number][]) {
    it(`${fn} int32`, async () => {
      const x = Int32Array.from([...randI32(30, 3, -20, 20), 0, 2147483647, -2147483648, 46341]);
      const b = new PlanBuilder();
      b.fetch(b.step('unary', { fn, n: x.length, alpha: 0 }, [b.feed('int32', x)], 'int32', x.length));
      const [out] = await runPlan(dev!, b);
      expect(out).toBeInstanceOf(Int32Array);
      expectExact(out!, Array.from(x, ref), fn);
    });
  }

  it('logicalNot and identity on bool', async () => {
    const x = randBool(37, 5);
    const b = new PlanBuilder();
    const xi = b.feed('bool', x);
    b.fetch(b.step('unary', { fn: 'logicalNot', n: x.length, alpha: 0 }, [xi], 'bool', x.length));
    b.fetch(b.step('unary', { fn: 'identity', n: x.length, alpha: 0 }, [xi], 'bool', x.length));
    const [not, id] = await runPlan(dev!, b);
    expect(not).toBeInstanceOf(Uint8Array);
    expectExact(not!, Array.from(x, (v) => (v ? 0 : 1)));
    expectExact(id!, x);
  });

  it('rejects a function the dtype lacks at compile time, naming the op', async () => {
    const b = new PlanBuilder();
    b.fetch(b.step('unary', { fn: 'exp', n: 3, alpha: 0 }, [b.feed('int32', Int32Array.of(1, 2, 3))], 'int32', 3, 'MyExp'));
    await expect(dev!.compile(b.plan())).rejects.toThrow(/exp is not defined for int32.*MyExp/);
  });
});

// ----- binary ------------------------------------------------------------------------------------

const floorMod = (a: number, b: number): number => {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
};
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

const FLOAT_BINARY: Record<BinaryFn, ((a: number, b: number, alpha: number) => number) | null> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  truncDiv: (a, b) => Math.trunc(a / b),
  floorDiv: (a, b) => Math.floor(a / b),
  mod: floorMod,
  pow: Math.pow,
  maximum: (a, b) => (a > b || Number.isNaN(a) ? a : b),
  minimum: (a, b) => (a < b || Number.isNaN(a) ? a : b),
  // float32 arithmetic: the difference is rounded before it is squared.
  squaredDifference: (a, b) => f32(a - b) * f32(a - b),
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: null,
  logicalOr: null,
  // checked through their ops in test/ops-special.test.ts
  atan2: null, truncMod: null, zeta: null, polygamma: null,
  reluGrad: (a, b) => (a > 0 ? b : 0),
  relu6Grad: (a, b) => (a > 0 && a < 6 ? b : 0),
  eluGrad: (a, b) => (a < 0 ? b * (a + 1) : b),
  leakyReluGrad: (a, b, al) => (a > 0 ? b : f32(al) * b),
  sigmoidGrad: (a, b) => b * a * (1 - a),
  tanhGrad: (a, b) => b * (1 - a * a),
  softplusGrad: (a, b) => b * sigmoid(a),
  rsqrtGrad: (a, b) => -0.5 * b * a * a * a,
  sqrtGrad: (a, b) => (0.5 * b) / a,
};

const COMPARE = new Set<BinaryFn>(['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual']);
const APPROX_BINARY = new Set<BinaryFn>(['div', 'pow', 'mod', 'softplusGrad', 'sqrtGrad', 'sigmoidGrad', 'tanhGrad', 'rsqrtGrad', 'eluGrad']);

/** [a shape, b shape, out shape]: full, trailing-vector, both broadcast, scalar, rank 1. */
const SHAPES: [number[], number[], number[]][] = [
  [[2, 3, 4], [2, 3, 4], [2, 3, 4]],
  [[2, 3, 4], [4], [2, 3, 4]],
  [[2, 1, 4], [3, 1], [2, 3, 4]],
  [[], [3, 5], [3, 5]],
  [[7], [1], [7]],
  [[1, 1], [1, 1], [1, 1]],
];

function floatOperands(fn: BinaryFn, n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, (_, i) => {
    if (fn === 'pow' && seed % 2 === 0) return i % 3 === 0 ? Math.round(6 * r() - 3) : f32(0.25 + 2 * r());
    if (fn === 'pow') return f32(6 * r() - 3);
    if (COMPARE.has(fn) || fn === 'maximum' || fn === 'minimum') return Math.round(4 * r() - 2) / 2;
    const v = f32(4 * r() - 2);
    return (fn === 'div' || fn === 'floorDiv' || fn === 'mod') && Math.abs(v) < 0.05 ? 0.5 : v;
  });
}

async function runBinary(fn: BinaryFn, dtype: DType, aShape: number[], bShape: number[], outShape: number[], a: ArrayLike<number>, bv: ArrayLike<number>) {
  const outDtype: DType = COMPARE.has(fn) || dtype === 'bool' ? 'bool' : dtype;
  const b = new PlanBuilder();
  const ctor = dtype === 'float32' ? Float32Array : dtype === 'int32' ? Int32Array : Uint8Array;
  const ai = b.feed(dtype, ctor.from(a));
  const bi = b.feed(dtype, ctor.from(bv));
  const aStrides = broadcastStrides(aShape, outShape);
  const bStrides = broadcastStrides(bShape, outShape);
  const n = prod(outShape);
  b.fetch(b.step('binary', { fn, outShape, aStrides, bStrides, alpha: 0.3 }, [ai, bi], outDtype, n));
  const [out] = await runPlan(dev!, b);
  return { out: out!, aStrides, bStrides, outDtype };
}

function reference(outShape: number[], aStrides: number[], bStrides: number[], a: ArrayLike<number>, bv: ArrayLike<number>, f: (x: number, y: number) => number): number[] {
  const out: number[] = [];
  forStrided(outShape, [aStrides, bStrides], [0, 0], (_, [ia, ib]) => out.push(f(a[ia!]!, bv[ib!]!)));
  return out;
}

describe.skipIf(!dev)('binary', () => {
  for (const fn of Object.keys(FLOAT_BINARY) as BinaryFn[]) {
    const ref = FLOAT_BINARY[fn];
    if (!ref) continue;
    it(`${fn} float32 with broadcasting`, async () => {
      for (const [k, [aShape, bShape, outShape]] of SHAPES.entries()) {
        const a = floatOperands(fn, prod(aShape), 10 + 2 * k);
        const bv = floatOperands(fn, prod(bShape), 11 + 2 * k);
        const { out, aStrides, bStrides, outDtype } = await runBinary(fn, 'float32', aShape, bShape, outShape, a, bv);
        const expected = reference(outShape, aStrides, bStrides, a, bv, (x, y) => f32(ref(x, y, 0.3)));
        if (outDtype === 'bool') expectExact(out, expected, `${fn} ${outShape}`);
        else expectClose(out, expected, APPROX_BINARY.has(fn) ? { rtol: 2e-5, atol: 2e-6 } : { rtol: 0, atol: 0 }, `${fn} ${aShape}·${bShape}`);
      }
    });
  }

  it('float32 special values', async () => {
    const a = Float32Array.of(NaN, 1, Infinity, -Infinity, 0, -2, 2, 0, -8, 1);
    const bv = Float32Array.of(1, NaN, 1, Infinity, 0, 3, -0.5, -1, 1 / 3, NaN);
    const cases: [BinaryFn, number[]][] = [
      ['maximum', Array.from(a, (x, i) => FLOAT_BINARY.maximum!(x, bv[i]!, 0))],
      ['minimum', Array.from(a, (x, i) => FLOAT_BINARY.minimum!(x, bv[i]!, 0))],
      ['pow', Array.from(a, (x, i) => Math.pow(x, bv[i]!))],
      ['add', Array.from(a, (x, i) => x + bv[i]!)],
    ];
    for (const [fn, expected] of cases) {
      const { out } = await runBinary(fn, 'float32', [10], [10], [10], a, bv);
      expectClose(out, expected.map(f32), { rtol: 1e-6 }, fn);
    }
  });

  const idiv = (a: number, b: number): number => (b === 0 ? 0 : Math.trunc(a / b) | 0);
  const ipow = (a: number, b: number): number => {
    if (b < 0) return a === 1 ? 1 : a === -1 ? (b & 1 ? -1 : 1) : 0;
    let r = 1;
    for (let i = 0; i < b; i++) r = Math.imul(r, a);
    return r;
  };
  const INT_BINARY: Partial<Record<BinaryFn, (a: number, b: number) => number>> = {
    add: (a, b) => (a + b) | 0,
    sub: (a, b) => (a - b) | 0,
    mul: Math.imul,
    div: idiv,
    floorDiv: (a, b) => (b === 0 ? 0 : Math.floor(a / b) | 0),
    mod: (a, b) => (b === 0 ? 0 : floorMod(a, b) | 0),
    pow: ipow,
    maximum: Math.max,
    minimum: Math.min,
    squaredDifference: (a, b) => Math.imul(a - b, a - b),
    equal: (a, b) => (a === b ? 1 : 0),
    notEqual: (a, b) => (a !== b ? 1 : 0),
    less: (a, b) => (a < b ? 1 : 0),
    lessEqual: (a, b) => (a <= b ? 1 : 0),
    greater: (a, b) => (a > b ? 1 : 0),
    greaterEqual: (a, b) => (a >= b ? 1 : 0),
  };
  for (const [fn, ref] of Object.entries(INT_BINARY) as [BinaryFn, (a: number, b: number) => number][]) {
    it(`${fn} int32 with broadcasting`, async () => {
      for (const [k, [aShape, bShape, outShape]] of SHAPES.slice(0, 4).entries()) {
        const a = randI32(prod(aShape), 20 + k, -9, 9);
        const bv = fn === 'pow' ? randI32(prod(bShape), 30 + k, -2, 7) : randI32(prod(bShape), 30 + k, -4, 4);
        const { out } = await runBinary(fn, 'int32', aShape, bShape, outShape, a, bv);
        const aStrides = broadcastStrides(aShape, outShape);
        const bStrides = broadcastStrides(bShape, outShape);
        expectExact(out, reference(outShape, aStrides, bStrides, a, bv, ref), `${fn} ${aShape}·${bShape}`);
      }
    });
  }

  it('int32 wraps around on overflow', async () => {
    const a = Int32Array.of(2147483647, -2147483648, 65536, -2147483648);
    const bv = Int32Array.of(1, -1, 65536, -1);
    for (const [fn, ref] of [['add', INT_BINARY.add!], ['sub', INT_BINARY.sub!], ['mul', Math.imul]] as const) {
      const { out } = await runBinary(fn, 'int32', [4], [4], [4], a, bv);
      expectExact(out, Array.from(a, (x, i) => ref(x, bv[i]!)), fn);
    }
  });

  const BOOL_BINARY: Partial<Record<BinaryFn, (a: number, b: number) => number>> = {
    logicalAnd: (a, b) => (a && b ? 1 : 0),
    logicalOr: (a, b) => (a || b ? 1 : 0),
    equal: (a, b) => (a === b ? 1 : 0),
    notEqual: (a, b) => (a !== b ? 1 : 0),
    greater: (a, b) => (a > b ? 1 : 0),
  };
  for (const [fn, ref] of Object.entries(BOOL_BINARY) as [BinaryFn, (a: number, b: number) => number][]) {
    it(`${fn} bool with broadcasting`, async () => {
      const [aShape, bShape, outShape] = SHAPES[2]!;
      const a = randBool(prod(aShape), 40);
      const bv = randBool(prod(bShape), 41);
      const { out } = await runBinary(fn, 'bool', aShape, bShape, outShape, a, bv);
      expect(out).toBeInstanceOf(Uint8Array);
      const aStrides = broadcastStrides(aShape, outShape);
      const bStrides = broadcastStrides(bShape, outShape);
      expectExact(out, reference(outShape, aStrides, bStrides, a, bv, ref), fn);
    });
  }
});

// ----- select, cast, fill, range -------------------------------------------------------------------

describe.skipIf(!dev)('select', () => {
  for (const dtype of ['float32', 'int32', 'bool'] as DType[]) {
    it(`broadcasts cond, a and b (${dtype})`, async () => {
      const outShape = [3, 2, 4];
      const cShape = [3, 1, 4];
      const aShape = [2, 4];
      const bShape: number[] = [];
      const c = randBool(prod(cShape), 1);
      const a = dtype === 'float32' ? randF32(prod(aShape), 2) : dtype === 'int32' ? randI32(prod(aShape), 2) : randBool(prod(aShape), 2);
      const bv = dtype === 'float32' ? Float32Array.of(-7.5) : dtype === 'int32' ? Int32Array.of(-7) : Uint8Array.of(1);
      const b = new PlanBuilder();
      const ci = b.feed('bool', c);
      const ai = b.feed(dtype, a);
      const bi = b.feed(dtype, bv);
      const cStrides = broadcastStrides(cShape, outShape);
      const aStrides = broadcastStrides(aShape, outShape);
      const bStrides = broadcastStrides(bShape, outShape);
      b.fetch(b.step('select', { outShape, cStrides, aStrides, bStrides }, [ci, ai, bi], dtype, prod(outShape)));
      const [out] = await runPlan(dev!, b);
      const expected: number[] = [];
      forStrided(outShape, [cStrides, aStrides, bStrides], [0, 0, 0], (_, [ic, ia, ib]) => expected.push(c[ic!] ? a[ia!]! : bv[ib!]!));
      expectExact(out!, expected);
    });
  }
});

describe.skipIf(!dev)('cast', () => {
  const fx = Float32Array.of(0, -0, 1.5, -1.5, 2.7, -2.7, 1e9, -1e9, 0.25, NaN);
  const ix = Int32Array.of(0, 1, -1, 7, -7, 16777217, -2147483648, 2147483647);
  const bx = Uint8Array.of(0, 1, 1, 0, 1);
  const cases: [DType, ArrayLike<number>, DType, number[]][] = [
    ['float32', fx, 'int32', Array.from(fx, (v) => (Number.isNaN(v) ? 0 : Math.trunc(v)))],
    ['float32', fx, 'bool', Array.from(fx, (v) => (v !== 0 ? 1 : 0))],
    ['float32', fx, 'float32', Array.from(fx)],
    ['int32', ix, 'float32', Array.from(ix, f32)],
    ['int32', ix, 'bool', Array.from(ix, (v) => (v !== 0 ? 1 : 0))],
    ['int32', ix, 'int32', Array.from(ix)],
    ['bool', bx, 'float32', Array.from(bx)],
    ['bool', bx, 'int32', Array.from(bx)],
    ['bool', bx, 'bool', Array.from(bx)],
  ];
  for (const [from, data, to, expected] of cases) {
    it(`${from} → ${to}`, async () => {
      const b = new PlanBuilder();
      const ctor = from === 'float32' ? Float32Array : from === 'int32' ? Int32Array : Uint8Array;
      b.fetch(b.step('cast', { n: data.length, to }, [b.feed(from, ctor.from(data))], to, data.length));
      const [out] = await runPlan(dev!, b);
      expect(out!.constructor).toBe(to === 'float32' ? Float32Array : to === 'int32' ? Int32Array : Uint8Array);
      expectClose(out!, expected, { rtol: 0, atol: 0 });
    });
  }
});

describe.skipIf(!dev)('fill and range', () => {
  it('fill', async () => {
    const b = new PlanBuilder();
    b.fetch(b.step('fill', { n: 70, value: 2.5 }, [], 'float32', 70));
    b.fetch(b.step('fill', { n: 5, value: -7 }, [], 'int32', 5));
    b.fetch(b.step('fill', { n: 3, value: 1 }, [], 'bool', 3));
    b.fetch(b.step('fill', { n: 0, value: 1 }, [], 'float32', 0));
    const [f, i, bo, empty] = await runPlan(dev!, b);
    expectExact(f!, new Array(70).fill(2.5));
    expectExact(i!, new Array(5).fill(-7));
    expectExact(bo!, [1, 1, 1]);
    expect(empty!.length).toBe(0);
  });

  it('range', async () => {
    const b = new PlanBuilder();
    b.fetch(b.step('range', { n: 10, start: 0.5, delta: 0.25 }, [], 'float32', 10));
    b.fetch(b.step('range', { n: 6, start: -3, delta: 2 }, [], 'int32', 6));
    const [f, i] = await runPlan(dev!, b);
    expectClose(f!, Array.from({ length: 10 }, (_, k) => 0.5 + 0.25 * k));
    expectExact(i!, [-3, -1, 1, 3, 5, 7]);
  });
});
