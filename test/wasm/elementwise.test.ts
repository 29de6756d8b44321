import { describe, expect, it } from 'vitest';
import {
  BINARY_OPS,
  UNARY_OPS,
  createWasmKernels,
  type BinaryOp,
  type UnaryOp,
} from '../../src/device/cpu/wasm/index.js';
import { Bump, makeMemory, rng } from './helpers.js';

const f = Math.fround;

const BIN_REF: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => f(a + b),
  sub: (a, b) => f(a - b),
  mul: (a, b) => f(a * b),
  div: (a, b) => f(a / b),
  max: (a, b) => Math.max(a, b),
  min: (a, b) => Math.min(a, b),
  squaredDifference: (a, b) => f(f(a - b) * f(a - b)),
  reluGrad: (a, b) => (a > 0 ? b : 0),
};

function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const fl = Math.floor(x);
  const d = x - fl;
  if (d < 0.5) return fl;
  if (d > 0.5) return fl + 1;
  return fl % 2 === 0 ? fl : fl + 1;
}

const UN_REF: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: (x) => Math.abs(x),
  square: (x) => f(x * x),
  sqrt: (x) => f(Math.sqrt(x)),
  relu: (x) => Math.max(x, 0),
  relu6: (x) => Math.min(Math.max(x, 0), 6),
  reciprocal: (x) => f(1 / x),
  floor: (x) => Math.floor(x),
  ceil: (x) => Math.ceil(x),
  round: roundHalfEven,
  trunc: (x) => Math.trunc(x),
  copy: (x) => x,
};

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 6, 7, 1e-40, -3e-39, 3.4e38];

/** Random float32s with special values sprinkled in. */
function fill(dst: Float32Array, r: () => number): void {
  for (let i = 0; i < dst.length; i++) {
    const u = r();
    dst[i] = u < 0.15 ? SPECIAL[Math.floor(r() * SPECIAL.length)]! : (r() - 0.5) * 20;
  }
}

/** Same value (any NaN equals any NaN); the sign of zero counts unless `anyZero`. */
const same = (x: number, y: number, anyZero: boolean): boolean =>
  (Number.isNaN(x) && Number.isNaN(y)) || (anyZero ? x === y : Object.is(x, y));

function expectAll(got: Float32Array, want: (i: number) => number, what: string, anyZero = false): void {
  for (let i = 0; i < got.length; i++) {
    const w = f(want(i));
    if (!same(got[i]!, w, anyZero)) expect.fail(`${what}: [${i}] = ${got[i]}, expected ${w}`);
  }
}

const COUNTS = [1, 3, 4, 5, 15, 16, 17, 63, 64, 65, 1000, 1027];

for (const shared of [true, false]) {
  describe(`wasm elementwise (${shared ? 'shared' : 'unshared'} memory)`, () => {
    const memory = makeMemory(shared, 4);
    const K = createWasmKernels(memory, { relaxed: false })!;
    const mem = new Bump(memory);
    const N = 1100;
    const a = mem.alloc(N * 4, 4);
    const b = mem.alloc(N * 4, 8);
    const out = mem.alloc(N * 4 + 64, 12);
    const A = mem.f32(a, N);
    const B = mem.f32(b, N);
    const OUT = mem.f32(out, N + 16);
    const r = rng(shared ? 11 : 12);

    for (const op of BINARY_OPS) {
      it(`binary ${op}: vector-vector, vector-scalar, scalar-vector, in place`, () => {
        for (const count of COUNTS) {
          fill(A, r);
          fill(B, r);
          OUT.fill(-123);
          K.binary(op, a, b, out, count);
          expectAll(OUT.subarray(0, count), (i) => BIN_REF[op](A[i]!, B[i]!), `${op} n=${count}`);
          expect(OUT[count]).toBe(-123);

          for (const s of [0.75, -3, 0, NaN]) {
            K.binaryScalar(op, a, s, out, count);
            expectAll(OUT.subarray(0, count), (i) => BIN_REF[op](A[i]!, f(s)), `${op}(a, ${s}) n=${count}`);
            K.binaryScalar(op, a, s, out, count, true);
            expectAll(OUT.subarray(0, count), (i) => BIN_REF[op](f(s), A[i]!), `${op}(${s}, a) n=${count}`);
          }
          expect(OUT[count]).toBe(-123);

          const A0 = A.slice();
          const B0 = B.slice();
          K.binary(op, a, b, a, count);
          expectAll(A.subarray(0, count), (i) => BIN_REF[op](A0[i]!, B0[i]!), `${op} into a`);
          A.set(A0);
          K.binary(op, a, b, b, count);
          expectAll(B.subarray(0, count), (i) => BIN_REF[op](A0[i]!, B0[i]!), `${op} into b`);
        }
      });
    }

    for (const op of UNARY_OPS) {
      it(`unary ${op}, also in place`, () => {
        for (const count of COUNTS) {
          fill(A, r);
          OUT.fill(-123);
          K.unary(op, a, out, count);
          // (the round reference below does not keep the sign of zero results)
          expectAll(OUT.subarray(0, count), (i) => UN_REF[op](A[i]!), `${op} n=${count}`, op === 'round');
          expect(OUT[count]).toBe(-123);
          const A0 = A.slice();
          K.unary(op, a, a, count);
          expectAll(A.subarray(0, count), (i) => UN_REF[op](A0[i]!), `${op} in place`, op === 'round');
        }
      });
    }

    it('count 0 writes nothing', () => {
      OUT.fill(5);
      K.binary('add', a, b, out, 0);
      K.binaryScalar('sub', a, 1, out, 0, true);
      K.unary('relu', a, out, 0);
      expect(OUT.every((v) => v === 5)).toBe(true);
    });
  });
}
