import { describe, expect, it } from 'vitest';
import { REDUCE_OPS, createWasmKernels, type ReduceOp } from '../../src/device/cpu/wasm/index.js';
import { Bump, makeMemory, rng } from './helpers.js';

const f = Math.fround;
const u = 2 ** -24;

const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 0, 1],
  [2, 0, 5],
  [3, 1, 7],
  [1, 5, 1],
  [4, 17, 1],
  [2, 64, 1],
  [3, 67, 1],
  [1, 1000, 1],
  [2, 3, 2],
  [2, 9, 3],
  [3, 5, 4],
  [2, 7, 5],
  [1, 33, 16],
  [2, 10, 17],
  [2, 21, 33],
  [1, 100, 64],
  [5, 3, 100],
  [1, 300, 1],
  [1, 0, 70],
  [2, 400, 300],
  [1, 100, 2100],
  [3, 2, 4099],
];

/**
 * Sums and products are checked against a float64 result with the float32 rounding bound
 * γ(size)·Σ|x| (any summation order), plus exact equality with an in-order float32 loop when
 * inner > 1 (the kernel keeps that order there). Max and min must match exactly.
 */
function check(K: NonNullable<ReturnType<typeof createWasmKernels>>, mem: Bump, op: ReduceOp, shape: [number, number, number], seed: number): void {
  const [outer, size, inner] = shape;
  const x = mem.alloc(Math.max(1, outer * size * inner) * 4, 4);
  const out = mem.alloc((outer * inner + 4) * 4, 8);
  const X = mem.f32(x, outer * size * inner);
  const OUT = mem.f32(out, outer * inner + 4);
  const r = rng(seed);
  for (let i = 0; i < X.length; i++) {
    X[i] = op === 'prod' ? 0.5 + r() : r() * 2 - 1;
    if (op !== 'prod' && r() < 0.02) X[i] = r() < 0.5 ? -0 : 0;
  }
  OUT.fill(-777);
  K.reduce(op, x, out, outer, size, inner);
  const gamma = (size * u) / (1 - size * u);
  let firstBad = '';
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const got = OUT[o * inner + i]!;
      let seq = op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? -Infinity : Infinity;
      let exact = seq;
      let mag = 0;
      for (let s = 0; s < size; s++) {
        const v = X[(o * size + s) * inner + i]!;
        switch (op) {
          case 'sum':
            seq = f(seq + v);
            exact += v;
            mag += Math.abs(v);
            break;
          case 'prod':
            seq = f(seq * v);
            exact *= v;
            break;
          case 'max':
            seq = Math.max(seq, v);
            break;
          case 'min':
            seq = Math.min(seq, v);
            break;
        }
      }
      const at = (): string => `${op} ${JSON.stringify(shape)} [${o},${i}]`;
      if (op === 'max' || op === 'min' || size === 0) {
        if (!(Object.is(got, seq) || got === seq)) firstBad ||= `${at()}: ${got} vs ${seq}`;
      } else {
        const tol = op === 'sum' ? gamma * mag : 2 * gamma * Math.abs(exact);
        if (!(Math.abs(got - exact) <= tol + 1e-38)) firstBad ||= `${at()}: ${got} vs ${exact} (tol ${tol})`;
        if (inner > 1 && got !== seq) firstBad ||= `${at()}: ${got} vs in-order ${seq}`;
      }
    }
  }
  expect(firstBad).toBe('');
  expect(Array.from(OUT.subarray(outer * inner))).toEqual([-777, -777, -777, -777]);
}

for (const shared of [true, false]) {
  describe(`wasm reduce (${shared ? 'shared' : 'unshared'} memory)`, () => {
    for (const op of REDUCE_OPS) {
      for (const reduceForm of ['auto', 'columns', 'rows'] as const) {
        it(`${op} over the middle axis (${reduceForm})`, () => {
          const memory = makeMemory(shared, 8);
          const K = createWasmKernels(memory, { reduceForm })!;
          const mem = new Bump(memory);
          let seed = 1;
          for (const shape of SHAPES) check(K, mem, op, shape, seed++);
        });
      }
    }

    it('max and min propagate NaN like Math.max/min', () => {
      const memory = makeMemory(shared, 1);
      const K = createWasmKernels(memory)!;
      const mem = new Bump(memory);
      const x = mem.alloc(40 * 4);
      const out = mem.alloc(8 * 4);
      const X = mem.f32(x, 40);
      X.fill(1);
      X[13] = NaN;
      K.reduce('max', x, out, 1, 40, 1);
      K.reduce('min', x, out + 4, 2, 20, 1);
      K.reduce('sum', x, out + 12, 1, 10, 4);
      const OUT = mem.f32(out, 8);
      expect(OUT[0]).toBeNaN();
      expect(OUT[1]).toBeNaN();
      expect(OUT[2]).toBe(1);
      expect([OUT[3], OUT[4], OUT[5], OUT[6]]).toEqual([10, NaN, 10, 10]);
    });
  });
}
