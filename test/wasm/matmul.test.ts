import { describe, expect, it } from 'vitest';
import { createWasmKernels, relaxedSimdSupported, type WasmKernelOptions } from '../../src/device/cpu/wasm/index.js';
import { enableRelaxedSimd } from '../../src/device/cpu/wasm/relaxed-flag.js';
import { Bump, makeMemory, rng } from './helpers.js';

const relaxedAvailable = enableRelaxedSimd();

interface Case {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  rowStart?: number;
  rowEnd?: number;
  accumulate?: boolean;
  /** byte shift of the operand/scratch offsets from 64-byte alignment (multiple of 4) */
  misalign?: number;
}

/**
 * Runs one matmul and checks every element of C against a float64 reference, with the
 * rigorous float32 summation bound |ĉ − c| ≤ γ(k+1)·Σ|a||b| (+ |c₀| term when accumulating).
 * Rows outside [rowStart, rowEnd) must be left untouched.
 */
function check(opts: WasmKernelOptions & { shared: boolean }, cs: Case, seed: number): void {
  const { m, n, k, transA, transB, accumulate = false, misalign = 0 } = cs;
  const rowStart = cs.rowStart ?? 0;
  const rowEnd = cs.rowEnd ?? m;
  const memory = makeMemory(opts.shared, 16);
  const K = createWasmKernels(memory, opts);
  expect(K).not.toBeNull();
  const mem = new Bump(memory);
  const a = mem.alloc(m * k * 4, misalign);
  const b = mem.alloc(k * n * 4, misalign);
  const c = mem.alloc(m * n * 4, misalign);
  const scratch = mem.alloc(K!.scratchBytes(m, n, k), misalign);
  const guard = mem.alloc(64);
  const A = mem.f32(a, m * k);
  const B = mem.f32(b, k * n);
  const C = mem.f32(c, m * n);
  const G = mem.f32(guard, 16);
  const r = rng(seed);
  for (let i = 0; i < A.length; i++) A[i] = r() * 2 - 1;
  for (let i = 0; i < B.length; i++) B[i] = r() * 2 - 1;
  for (let i = 0; i < C.length; i++) C[i] = r() * 2 - 1;
  G.fill(12345);
  const C0 = C.slice();

  K!.matmul(a, b, c, m, n, k, transA, transB, rowStart, rowEnd, scratch, accumulate);

  const u = 2 ** -24;
  const gamma = ((k + 1) * u) / (1 - (k + 1) * u);
  let bad = 0;
  let firstBad = '';
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const got = C[i * n + j]!;
      if (i < rowStart || i >= rowEnd) {
        if (!Object.is(got, C0[i * n + j]!)) {
          bad++;
          firstBad ||= `row ${i} outside [${rowStart},${rowEnd}) changed`;
        }
        continue;
      }
      let ref = accumulate ? C0[i * n + j]! : 0;
      let mag = Math.abs(ref);
      for (let p = 0; p < k; p++) {
        const x = A[transA ? p * m + i : i * k + p]! * B[transB ? j * k + p : p * n + j]!;
        ref += x;
        mag += Math.abs(x);
      }
      const tol = gamma * mag + 1e-38;
      if (!(Math.abs(got - ref) <= tol)) {
        bad++;
        firstBad ||= `C[${i},${j}] = ${got}, expected ${ref} (tol ${tol})`;
      }
    }
  }
  expect(firstBad, `${bad} bad element(s)`).toBe('');
  expect(Array.from(G)).toEqual(new Array(16).fill(12345));
}

const TRANS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

const ODD = [1, 3, 7, 17, 33, 65];

const variants: { name: string; opts: WasmKernelOptions & { shared: boolean }; skip?: boolean }[] = [
  { name: 'shared, plain SIMD', opts: { shared: true, relaxed: false } },
  { name: 'unshared, plain SIMD', opts: { shared: false, relaxed: false } },
  { name: 'shared, relaxed', opts: { shared: true, relaxed: true }, skip: !relaxedAvailable },
  { name: 'unshared, relaxed', opts: { shared: false, relaxed: true }, skip: !relaxedAvailable },
];

describe('wasm matmul', () => {
  it('reports relaxed SIMD as the engine does', () => {
    const memory = makeMemory(true, 1);
    expect(createWasmKernels(memory, { relaxed: false })!.relaxed).toBe(false);
    expect(createWasmKernels(memory)!.relaxed).toBe(relaxedSimdSupported());
    expect(createWasmKernels(memory, { relaxed: true })!.relaxed).toBe(relaxedAvailable);
  });

  for (const v of variants) {
    describe(v.name, () => {
      it.skipIf(v.skip)('odd sizes, all transposes', () => {
        let seed = 1;
        for (const [transA, transB] of TRANS) {
          for (const m of ODD) for (const n of [1, 7, 17, 65]) for (const k of [1, 3, 33]) {
            check(v.opts, { m, n, k, transA, transB }, seed++);
          }
        }
      });

      it.skipIf(v.skip)('random shapes, row ranges, accumulate, misaligned offsets', () => {
        const r = rng(99);
        const pick = (xs: number[]): number => xs[Math.floor(r() * xs.length)]!;
        for (let t = 0; t < 60; t++) {
          const m = pick([1, 2, 3, 4, 5, 6, 8, 9, 12, 13, 16, 31, 64, 100, 131, 260]);
          const n = pick([1, 2, 3, 4, 5, 8, 9, 11, 12, 13, 16, 24, 25, 40, 97]);
          const k = pick([1, 2, 4, 5, 16, 31, 64, 255, 256, 257, 300]);
          const rowStart = Math.floor(r() * m);
          const rowEnd = rowStart + 1 + Math.floor(r() * (m - rowStart));
          const [transA, transB] = TRANS[t % 4]!;
          check(v.opts, { m, n, k, transA, transB, rowStart, rowEnd, accumulate: r() < 0.4, misalign: pick([0, 4, 8, 12]) }, 1000 + t);
        }
      });

      it.skipIf(v.skip)('blocks: k across panels, m across row blocks, n across column blocks', () => {
        const shapes: [number, number, number][] = [
          [300, 70, 600],
          [5, 2100, 9],
          [140, 33, 513],
        ];
        let seed = 500;
        for (const [m, n, k] of shapes) for (const [transA, transB] of TRANS) check(v.opts, { m, n, k, transA, transB }, seed++);
      });

      it.skipIf(v.skip)('matrix-vector shapes (one output row or column)', () => {
        const shapes: [number, number, number][] = [
          [1, 2100, 13],
          [2100, 1, 13],
          [1, 37, 300],
          [45, 1, 301],
          [1, 1, 1000],
          [1, 8, 8],
          [9, 1, 7],
        ];
        let seed = 700;
        for (const [m, n, k] of shapes) {
          for (const [transA, transB] of TRANS) {
            for (const accumulate of [false, true]) {
              check(v.opts, { m, n, k, transA, transB, accumulate, misalign: 4 }, seed++);
              if (m > 1) check(v.opts, { m, n, k, transA, transB, accumulate, rowStart: 3, rowEnd: m - 1 }, seed++);
              if (m > 1) check(v.opts, { m, n, k, transA, transB, accumulate, rowStart: 5, rowEnd: 6 }, seed++);
            }
          }
        }
      });

      it.skipIf(v.skip)('rows split across "threads" cover C exactly once', () => {
        const memory = makeMemory(v.opts.shared, 16);
        const K = createWasmKernels(memory, v.opts)!;
        const mem = new Bump(memory);
        const [m, n, k] = [67, 45, 70];
        const a = mem.alloc(m * k * 4);
        const b = mem.alloc(k * n * 4);
        const c1 = mem.alloc(m * n * 4);
        const c2 = mem.alloc(m * n * 4);
        const s1 = mem.alloc(K.scratchBytes(m, n, k));
        const s2 = mem.alloc(K.scratchBytes(m, n, k));
        const r = rng(7);
        const A = mem.f32(a, m * k);
        const B = mem.f32(b, k * n);
        for (let i = 0; i < A.length; i++) A[i] = r() - 0.5;
        for (let i = 0; i < B.length; i++) B[i] = r() - 0.5;
        K.matmul(a, b, c1, m, n, k, true, false, 0, m, s1);
        // a second instance on the same memory stands in for a worker
        const K2 = createWasmKernels(memory, v.opts)!;
        K.matmul(a, b, c2, m, n, k, true, false, 0, 30, s1);
        K2.matmul(a, b, c2, m, n, k, true, false, 30, m, s2);
        expect(Array.from(mem.f32(c2, m * n))).toEqual(Array.from(mem.f32(c1, m * n)));
      });

      it.skipIf(v.skip)('B packed once (packB + matmulPacked) gives matmul\'s bits for any row ranges', () => {
        const memory = makeMemory(v.opts.shared, 64);
        const K = createWasmKernels(memory, v.opts)!;
        const mem = new Bump(memory);
        // k > kc (two panels), n not a multiple of the tile width
        for (const [m, n, k, transA, transB] of [
          [61, 45, 300, false, false],
          [50, 37, 270, true, true],
          [25, 130, 40, false, true],
          [1, 33, 20, false, false],
        ] as const) {
          const a = mem.alloc(m * k * 4);
          const b = mem.alloc(k * n * 4);
          const c1 = mem.alloc(m * n * 4);
          const c2 = mem.alloc(m * n * 4);
          const s = mem.alloc(K.scratchBytes(m, n, k));
          const packed = mem.alloc(K.packedBBytes(n, k));
          const r = rng(m * 1000 + n);
          const A = mem.f32(a, m * k);
          const B = mem.f32(b, k * n);
          for (let i = 0; i < A.length; i++) A[i] = r() - 0.5;
          for (let i = 0; i < B.length; i++) B[i] = r() - 0.5;
          K.matmul(a, b, c1, m, n, k, transA, transB, 0, m, s);
          K.packB(b, k, n, transB, packed);
          // uneven ranges, one of them a single row
          const cuts = [0, Math.min(1, m), Math.min(8, m), m];
          for (let i = 0; i + 1 < cuts.length; i++) K.matmulPacked(a, b, c2, m, n, k, transA, transB, cuts[i]!, cuts[i + 1]!, s, packed);
          expect(Array.from(mem.f32(c2, m * n))).toEqual(Array.from(mem.f32(c1, m * n)));
        }
      });

      it.skipIf(v.skip)('k = 0 gives zeros (or leaves C when accumulating)', () => {
        const memory = makeMemory(v.opts.shared, 1);
        const K = createWasmKernels(memory, v.opts)!;
        const mem = new Bump(memory);
        const c = mem.alloc(3 * 5 * 4);
        const s = mem.alloc(K.scratchBytes(3, 5, 0));
        const C = mem.f32(c, 15);
        C.fill(7);
        K.matmul(0, 0, c, 3, 5, 0, false, false, 0, 3, s, true);
        expect(Array.from(C)).toEqual(new Array(15).fill(7));
        K.matmul(0, 0, c, 3, 5, 0, false, false, 1, 3, s);
        expect(Array.from(C)).toEqual([7, 7, 7, 7, 7, ...new Array(10).fill(0)]);
      });
    });
  }

  // Tilings other than the defaults exercise the remaining packing paths (tile heights that
  // are not multiples of 4, 8-byte copies, several blocks in every dimension).
  const tilings: NonNullable<WasmKernelOptions['matmul']>[] = [
    { mr: 6, nv: 2, unroll: 1, kc: 32, mc: 18, nc: 16 },
    { mr: 5, nv: 1, unroll: 3, kc: 20, mc: 10, nc: 8, directA: 'always', directB: 'never' },
    { mr: 1, nv: 4, unroll: 2, kc: 7, mc: 3, nc: 32, directA: 'never', directB: 'always' },
    { mr: 2, nv: 3, unroll: 4, kc: 300, mc: 600, nc: 4096, directA: 'always', directB: 'always' },
    { directA: 'always', directB: 'always' },
    { directA: 'never', directB: 'never' },
    { gemv: false },
  ];
  for (const tiling of tilings) {
    for (const relaxed of [false, true]) {
      it.skipIf(relaxed && !relaxedAvailable)(`tiling ${JSON.stringify(tiling)}${relaxed ? ' relaxed' : ''}`, () => {
        let seed = 3000;
        for (const [transA, transB] of TRANS) {
          for (const [m, n, k] of [
            [1, 1, 1],
            [1, 30, 20],
            [25, 1, 11],
            [7, 9, 13],
            [33, 17, 65],
            [40, 70, 45],
          ] as const) {
            check({ shared: true, relaxed, matmul: tiling }, { m, n, k, transA, transB, accumulate: seed % 3 === 0 }, seed++);
          }
        }
      });
    }
  }
});
