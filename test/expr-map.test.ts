import { describe, expect, it } from 'vitest';
import { unary, binary } from '../src/device/cpu/kernels/elementwise.js';
import { ExprBuilder, exprKey, mapLoop, validateExpr } from '../src/device/expr.js';
import { BINARY_EXPRS, UNARY_EXPRS } from '../src/device/expr-table.js';
import type { KernelCtx } from '../src/device/cpu/kernels/types.js';

const ctx = (n: number): KernelCtx => ({ dyn: new Uint32Array(0), op: 't', lo: 0, hi: n, wasm: null, scratch: 0 });
const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, 6, 5.999, 6.001, 15, -15, 15.5, -15.5, 30, -30, 88, -88, 1e-30, -1e-30, NaN, Infinity, -Infinity];
function data(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = i < SPECIAL.length ? SPECIAL[i]! : ((s / 2 ** 32) - 0.5) * 40;
  }
  return out;
}
const bits = (a: Float32Array | Float64Array) => Array.from(a instanceof Float32Array ? new Uint32Array(a.buffer) : new Uint32Array(a.buffer));

describe('map expressions match the elementwise kernels bit for bit', () => {
  const n = 300;
  for (const [fn, e] of Object.entries(UNARY_EXPRS)) {
    it(`unary ${fn}`, () => {
      for (const Arr of [Float32Array, Float64Array]) {
        const x = Arr.from(data(n, 7));
        const want = new Arr(n);
        unary({ fn: fn as never, n, alpha: 0 }, [x], [want], ctx(n));
        const got = new Arr(n);
        mapLoop(e, 1)([x], [got], [n], [[1]], 0, 1);
        expect(bits(got)).toEqual(bits(want));
      }
    });
  }
  for (const [fn, e] of Object.entries(BINARY_EXPRS)) {
    it(`binary ${fn}`, () => {
      for (const Arr of [Float32Array, Float64Array]) {
        const a = Arr.from(data(n, 3));
        const b = Arr.from(data(n, 11).reverse());
        const want = new Arr(n);
        binary({ fn: fn as never, outShape: [n], aStrides: [1], bStrides: [1], alpha: 0 }, [a, b], [want], ctx(n));
        const got = new Arr(n);
        mapLoop(e, 2)([a, b], [got], [n], [[1], [1]], 0, 1);
        expect(bits(got)).toEqual(bits(want));
      }
    });
  }
});

describe('map', () => {
  it('fuses a float32 chain exactly as the steps computed it (f32 at each former store)', () => {
    // relu(x·w + b) as three float32 steps, then as one expression
    const [r, c] = [5, 7];
    const x = data(r * c, 5), bias = data(c, 9).map((v) => (Number.isFinite(v) ? v : 0.25));
    const mul = new Float32Array(r * c), add = new Float32Array(r * c), want = new Float32Array(r * c);
    binary({ fn: 'mul', outShape: [r, c], aStrides: [c, 1], bStrides: [0, 0], alpha: 0 }, [x, new Float32Array([0.1])], [mul], ctx(r));
    binary({ fn: 'add', outShape: [r, c], aStrides: [c, 1], bStrides: [0, 1], alpha: 0 }, [mul, bias], [add], ctx(r));
    unary({ fn: 'relu', n: r * c, alpha: 0 }, [add], [want], ctx(r * c));
    const b = new ExprBuilder();
    const m = b.op('f32', b.op('mul', b.in(0), b.in(2)));
    const s = b.op('f32', b.op('add', m, b.in(1)));
    const e = b.done(b.op('select', b.op('cmplt', b.c(0), s), s, b.c(0)), s);
    const got = new Float32Array(r * c), pre = new Float32Array(r * c);
    const loop = mapLoop(e, 3);
    // split over rows: any ranges give the same elements
    loop([x, bias, new Float32Array([0.1])], [got, pre], [r, c], [[c, 1], [0, 1], [0, 0]], 0, 2);
    loop([x, bias, new Float32Array([0.1])], [got, pre], [r, c], [[c, 1], [0, 1], [0, 0]], 2, r);
    expect(bits(got)).toEqual(bits(want));
    expect(bits(pre)).toEqual(bits(add));
    // without the f32 roundings the float64 chain differs somewhere: the rounding is what keeps it exact
    const b2 = new ExprBuilder();
    const s2 = b2.op('add', b2.op('mul', b2.in(0), b2.in(2)), b2.in(1));
    const loose = new Float32Array(r * c);
    mapLoop(b2.done(s2), 3)([x, bias, new Float32Array([0.1])], [loose], [r, c], [[c, 1], [0, 1], [0, 0]], 0, r);
    expect(bits(loose)).not.toEqual(bits(add));
  });

  it('caches by key and rejects malformed expressions', () => {
    const b = new ExprBuilder();
    const e = b.done(b.op('neg', b.in(0)));
    expect(mapLoop(e, 1)).toBe(mapLoop({ nodes: [...e.nodes], outs: [...e.outs] }, 1));
    expect(exprKey(e)).not.toBe(exprKey(UNARY_EXPRS.relu));
    expect(() => validateExpr(e, 0)).toThrow('map: node 0 reads input 0 of 0');
    expect(() => validateExpr({ nodes: [{ op: 'in', i: 0 }, { op: 'add', args: [0] }], outs: [1] }, 1)).toThrow('node 1 (add) has 1 arguments, wants 2');
    expect(() => validateExpr({ nodes: [{ op: 'neg', args: [0] }], outs: [0] }, 1)).toThrow('node 0 (neg) refers to node 0');
  });

  it('scalar outputs', () => {
    const b = new ExprBuilder();
    const o = new Float64Array(1);
    mapLoop(b.done(b.op('max', b.in(0), b.in(1))), 2)([new Float64Array([NaN]), new Float64Array([2])], [o], [], [[], []], 0, 1);
    expect(o[0]).toBeNaN();
  });
});
