/**
 * The map expression rendered as wasm SIMD (src/device/cpu/wasm/map.ts): every ALU op with a
 * float32 form, over broadcast / contiguous / gathered inputs, rank 1–3, inner lengths with and
 * without a scalar tail and row ranges that start and stop inside a block, gives the bits of the
 * JS loop (mapLoop), and the activations written in the wasm kernels' forms give the bits of
 * those unfused kernels.
 */
import { describe, expect, it } from 'vitest';
import { type AluOp, type Expr, ExprBuilder, mapLoop } from '../../src/device/expr.js';
import { BINARY_EXPRS, UNARY_EXPRS } from '../../src/device/expr-table.js';
import { createWasmKernels } from '../../src/device/cpu/wasm/index.js';
import { f32Form } from '../../src/device/cpu/wasm/map-form.js';
import { wasmMapRows } from '../../src/device/cpu/wasm/map.js';
import { Bump, makeMemory, rng } from './helpers.js';

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 0.5, -0.5, 1.5, -2.5, 6, 7, 1e-40, -3e-39, 3.4e38, 1, -1];

function fill(dst: Float32Array, r: () => number): void {
  for (let i = 0; i < dst.length; i++) {
    const u = r();
    dst[i] = u < 0.2 ? SPECIAL[Math.floor(r() * SPECIAL.length)]! : u < 0.3 ? Math.round((r() - 0.5) * 8) : (r() - 0.5) * 20;
  }
}

const bitsOf = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

const memory = makeMemory(true, 64);
const heap = new Bump(memory);

interface Layout { name: string; shape: number[]; strides: number[][] }

/** Layouts of `nIn` inputs over [rows, inner]: input 0 contiguous, the last one varied. */
function layouts(nIn: number): Layout[] {
  const out: Layout[] = [];
  for (const inner of [1, 3, 4, 5, 8, 13, 33]) {
    for (const rows of [1, 3]) {
      const shape = [rows, inner];
      const contig = [inner, 1];
      const variants: [string, number[]][] = [
        ['contiguous', contig], ['row broadcast', [0, 1]], ['column broadcast', [1, 0]],
        ['scalar', [0, 0]], ['transposed', [1, rows]], ['stride 2', [2 * inner, 2]],
      ];
      for (const [name, last] of variants) {
        out.push({ name: `${name} [${shape}]`, shape, strides: Array.from({ length: nIn }, (_, i) => (i === nIn - 1 ? last : i === 1 && nIn === 3 ? [0, 1] : contig)) });
      }
    }
  }
  out.push({ name: 'rank 1 [7]', shape: [7], strides: Array.from({ length: nIn }, (_, i) => (i === nIn - 1 ? [0] : [1])) });
  out.push({ name: 'rank 3 middle broadcast [2,3,6]', shape: [2, 3, 6], strides: Array.from({ length: nIn }, (_, i) => (i === nIn - 1 ? [6, 0, 1] : [18, 6, 1])) });
  out.push({ name: 'rank 3 gathered [3,2,5]', shape: [3, 2, 5], strides: Array.from({ length: nIn }, (_, i) => (i === nIn - 1 ? [1, 3, 6] : [10, 5, 1])) });
  return out;
}

const span = (shape: number[], s: number[]): number => 1 + shape.reduce((acc, n, d) => acc + (n - 1) * Math.abs(s[d]!), 0);

/** Runs rows [lo, hi) both ways on the same inputs; returns the two outputs' bits. */
function runBoth(e: Expr, nIn: number, l: Layout, seed: number, lo?: number, hi?: number): { wasm: number[][]; js: number[][]; took: boolean } {
  const r = rng(seed);
  const ins = l.strides.map((s) => {
    const a = heap.f32(heap.alloc(span(l.shape, s) * 4, 4 * Math.floor(r() * 4)), span(l.shape, s));
    fill(a, r);
    return a;
  }).slice(0, nIn);
  const size = l.shape.reduce((a, b) => a * b, 1);
  const mk = (): Float32Array[] => e.outs.map(() => heap.f32(heap.alloc(size * 4), size).fill(-1234.5));
  const ow = mk(), oj = mk();
  const rows = l.shape.length <= 1 ? 1 : l.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const a = lo ?? 0, b = hi ?? rows;
  const took = wasmMapRows(memory, e, ins, ow, l.shape, l.strides, a, b);
  mapLoop(e, nIn)(ins, oj, l.shape, l.strides, a, b);
  return { wasm: ow.map(bitsOf), js: oj.map(bitsOf), took };
}

function binExpr(op: AluOp, round: boolean): Expr {
  const b = new ExprBuilder();
  const v = b.op(op, b.in(0), b.in(1));
  return b.done(round ? b.op('f32', v) : v);
}
function unExpr(op: AluOp, round: boolean): Expr {
  const b = new ExprBuilder();
  const v = b.op(op, b.in(0));
  return b.done(round ? b.op('f32', v) : v);
}

const ROUNDED_BIN: AluOp[] = ['add', 'sub', 'mul', 'div'];
const EXACT_BIN: AluOp[] = ['max', 'min', 'cmplt', 'cmple', 'cmpeq', 'cmpne', 'and', 'or'];
const ROUNDED_UN: AluOp[] = ['sqrt', 'recip'];
const EXACT_UN: AluOp[] = ['neg', 'abs', 'floor', 'ceil', 'trunc', 'not', 'isnan', 'f32'];

function compound(): [string, Expr, number][] {
  const list: [string, Expr, number][] = [];
  {
    // select on a float condition (truthiness: 0, −0 and NaN are false), arms rounded
    const b = new ExprBuilder();
    const s = b.op('select', b.in(0), b.op('mul', b.in(1), b.in(2)), b.op('neg', b.op('div', b.in(2), b.in(1))));
    list.push(['select(x, y·z, −(z/y))', b.done(b.op('f32', s)), 3]);
  }
  {
    // masks as numbers, a mask used twice, two outputs, a constant −0 and Infinity
    const b = new ExprBuilder();
    const m = b.op('cmplt', b.in(0), b.in(1));
    const o1 = b.op('f32', b.op('add', b.op('f32', b.op('mul', m, b.in(0))), b.c(-0)));
    const o2 = b.op('select', b.op('and', m, b.op('not', b.op('isnan', b.in(1)))), b.c(Infinity), b.op('abs', b.op('sub', b.in(1), b.in(0))));
    list.push(['two outputs over masks', b.done(o1, o2, m), 2]);
  }
  {
    // a chain of float32 steps as the fusion writes them (bias add, relu in the wasm form, scale)
    const b = new ExprBuilder();
    const z = b.op('f32', b.op('add', b.in(0), b.in(1)));
    const relu = b.op('f32', b.op('add', b.op('select', b.op('cmplt', z, b.c(0)), b.c(0), z), b.c(0)));
    list.push(['bias + relu + scale', b.done(b.op('f32', b.op('mul', relu, b.c(0.5))), relu), 2]);
  }
  // float64 lanes: values the JS loop keeps unrounded between steps, non-float32 constants
  const b64 = (f: (b: ExprBuilder) => number, nIn: number, name: string): void => {
    const b = new ExprBuilder();
    list.push([name, b.done(b.op('f32', f(b))), nIn]);
  };
  b64((b) => b.op('add', b.op('mul', b.in(0), b.in(1)), b.in(0)), 2, 'a·b + a unrounded (float64)');
  b64((b) => b.op('mul', b.c(0.2), b.in(0)), 1, '0.2·x (float64 constant)');
  b64((b) => b.op('select', b.op('cmplt', b.op('add', b.in(0), b.in(1)), b.in(1)), b.op('div', b.in(0), b.c(3)), b.op('sqrt', b.op('abs', b.in(1)))), 2, 'select on a float64 comparison');
  b64((b) => b.op('floor', b.op('div', b.in(0), b.in(1))), 2, 'floorDiv (float64 floor of a quotient)');
  b64((b) => b.op('sub', b.in(0), b.op('mul', b.op('floor', b.op('div', b.in(0), b.in(1))), b.in(1))), 2, 'mod');
  b64((b) => b.op('trunc', b.op('recip', b.op('max', b.op('neg', b.op('mul', b.in(0), b.c(1.1))), b.op('min', b.in(1), b.c(0.3))))), 2, 'trunc(1/max(−1.1x, min(y, 0.3)))');
  b64((b) => b.op('select', b.op('and', b.op('mul', b.in(0), b.c(0.1)), b.op('not', b.op('isnan', b.op('sub', b.in(1), b.c(0.7))))), b.c(0.25), b.op('ceil', b.op('mul', b.in(1), b.c(0.7)))), 2, 'float64 truths, isnan, ceil');
  for (const name of ['sigmoidGrad', 'tanhGrad', 'rsqrtGrad', 'sqrtGrad', 'eluGrad'] as const) list.push([`BINARY_EXPRS.${name}`, BINARY_EXPRS[name], 2]);
  for (const name of ['relu', 'relu6'] as const) list.push([`UNARY_EXPRS.${name}`, UNARY_EXPRS[name], 1]);
  for (const name of ['reluGrad', 'relu6Grad'] as const) list.push([`BINARY_EXPRS.${name}`, BINARY_EXPRS[name], 2]);
  return list;
}

describe('wasm map renderer', () => {
  const cases: [string, Expr, number][] = [
    ...ROUNDED_BIN.map((op): [string, Expr, number] => [`f32(${op})`, binExpr(op, true), 2]),
    ...EXACT_BIN.map((op): [string, Expr, number] => [op, binExpr(op, false), 2]),
    ...ROUNDED_UN.map((op): [string, Expr, number] => [`f32(${op})`, unExpr(op, true), 1]),
    ...EXACT_UN.map((op): [string, Expr, number] => [op, unExpr(op, false), 1]),
    ...compound(),
  ];
  for (const [name, e, nIn] of cases) {
    it(`${name}: the JS loop's bits over every layout`, () => {
      expect(f32Form(e), 'has a float32 form').not.toBeNull();
      let seed = 1;
      for (const l of layouts(nIn)) {
        const got = runBoth(e, nIn, l, seed++);
        expect(got.took, l.name).toBe(true);
        got.wasm.forEach((w, j) => expect(w, `${l.name}, output ${j}`).toEqual(got.js[j]));
      }
    });
  }

  it('row ranges that start and end inside a block of the two inner axes', () => {
    const e = binExpr('add', true);
    const l: Layout = { name: 'rank 3', shape: [3, 4, 7], strides: [[28, 7, 1], [7, 0, 1]] };
    for (const [lo, hi] of [[1, 3], [3, 9], [5, 12], [0, 12], [11, 12]] as const) {
      const got = runBoth(e, 2, l, 7 + lo, lo, hi);
      expect(got.took).toBe(true);
      expect(got.wasm[0], `rows [${lo}, ${hi})`).toEqual(got.js[0]);
    }
  });

  it('the relu and reluGrad forms give the bits of the unfused wasm kernels', () => {
    const k = createWasmKernels(memory)!;
    const n = 37;
    const r = rng(99);
    const x = heap.f32(heap.alloc(n * 4), n), g = heap.f32(heap.alloc(n * 4), n);
    fill(x, r); fill(g, r);
    const relu = new ExprBuilder();
    const z = relu.in(0);
    const re = relu.done(relu.op('f32', relu.op('add', relu.op('select', relu.op('cmplt', z, relu.c(0)), relu.c(0), z), relu.c(0))));
    const out = heap.f32(heap.alloc(n * 4), n), ref = heap.f32(heap.alloc(n * 4), n);
    expect(wasmMapRows(memory, re, [x], [out], [n], [[1]], 0, 1)).toBe(true);
    k.unary('relu', x.byteOffset, ref.byteOffset, n);
    expect(bitsOf(out)).toEqual(bitsOf(ref));
    const rg = BINARY_EXPRS.reluGrad;
    expect(wasmMapRows(memory, rg, [x, g], [out], [n], [[1], [1]], 0, 1)).toBe(true);
    k.binary('reluGrad', x.byteOffset, g.byteOffset, ref.byteOffset, n);
    expect(bitsOf(out)).toEqual(bitsOf(ref));
    const add = binExpr('add', true);
    expect(wasmMapRows(memory, add, [x, g], [out], [n], [[1], [1]], 0, 1)).toBe(true);
    k.binary('add', x.byteOffset, g.byteOffset, ref.byteOffset, n);
    expect(bitsOf(out)).toEqual(bitsOf(ref));
  });

  it('an unshared memory gets its own module, with the same bits', () => {
    const mem = makeMemory(false, 4);
    const h = new Bump(mem);
    const n = 23;
    const [x, y, o] = [h.f32(h.alloc(n * 4), n), h.f32(h.alloc(n * 4), n), h.f32(h.alloc(n * 4), n)];
    const r = rng(5);
    fill(x, r); fill(y, r);
    const e = BINARY_EXPRS.sigmoidGrad;
    expect(wasmMapRows(mem, e, [x, y], [o], [n], [[1], [1]], 0, 1)).toBe(true);
    const ref = new Float32Array(n);
    mapLoop(e, 2)([x, y], [ref], [n], [[1], [1]], 0, 1);
    expect(bitsOf(o)).toEqual(bitsOf(ref));
  });

  it('expressions with Math.* functions keep the JS loop', () => {
    const needsMath: [string, Expr][] = [
      ['exp', unExpr('exp', true)], ['expm1', unExpr('expm1', true)], ['log', unExpr('log', true)],
      ['log1p', unExpr('log1p', true)], ['tanh', unExpr('tanh', true)], ['sin', unExpr('sin', true)],
      ['cos', unExpr('cos', true)], ['sigmoid', UNARY_EXPRS.sigmoid], ['softplusGrad', BINARY_EXPRS.softplusGrad],
    ];
    const x = heap.f32(heap.alloc(64), 8);
    for (const [name, e] of needsMath) {
      expect(f32Form(e), name).toBeNull();
      const nIn = Math.max(...e.nodes.map((nd) => (nd.op === 'in' ? nd.i + 1 : 0)));
      expect(wasmMapRows(memory, e, Array(nIn).fill(x), [x], [8], Array(nIn).fill([1]), 0, 1), name).toBe(false);
    }
    // float64 tensors too
    const d = new Float64Array(8);
    expect(wasmMapRows(memory, binExpr('add', true), [d, d], [d], [8], [[1], [1]], 0, 1)).toBe(false);
  });
});
