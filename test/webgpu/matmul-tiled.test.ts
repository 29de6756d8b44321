/**
 * The tiled WebGPU matmul: both tile variants (forced), vec4 and scalar paths, all transpose
 * combinations, odd sizes around the tile edges, batches with broadcast operands, int32, an
 * operand bound twice, and pipelines keyed by variant rather than shape. Sizes stay small
 * (software Vulkan is slow); each test puts all its shapes in one plan.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DType, DataArray } from '../../src/dtype.js';
import { type MatmulTile, matmulTuning, matmulVariant } from '../../src/device/webgpu/kernels/matmul.js';
import { PlanBuilder, expectClose, expectExact, openDevice, randF32, randI32, runPlan } from './helpers.js';

const dev = await openDevice();

interface MM {
  batch: number;
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
  aBatchStride: number;
  bBatchStride: number;
}

function refMatmul(a: ArrayLike<number>, b: ArrayLike<number>, p: MM, int: boolean): number[] {
  const out: number[] = [];
  for (let t = 0; t < p.batch; t++) {
    for (let i = 0; i < p.m; i++) {
      for (let j = 0; j < p.n; j++) {
        let s = 0;
        for (let q = 0; q < p.k; q++) {
          const av = a[t * p.aBatchStride + (p.transposeA ? q * p.m + i : i * p.k + q)]!;
          const bv = b[t * p.bBatchStride + (p.transposeB ? j * p.k + q : q * p.n + j)]!;
          s = int ? (s + Math.imul(av, bv)) | 0 : s + av * bv;
        }
        out.push(s);
      }
    }
  }
  return out;
}

type Shape = [batch: number, m: number, n: number, k: number, broadcast?: 'a' | 'b'];

interface Case {
  p: MM;
  a: DataArray;
  b: DataArray;
  label: string;
}

function makeCase(dtype: DType, [batch, m, n, k, broadcast]: Shape, transposeA: boolean, transposeB: boolean, seed: number): Case {
  const aBatchStride = broadcast === 'a' ? 0 : m * k;
  const bBatchStride = broadcast === 'b' ? 0 : k * n;
  const aLen = broadcast === 'a' ? m * k : batch * m * k;
  const bLen = broadcast === 'b' ? k * n : batch * k * n;
  const a = dtype === 'float32' ? randF32(aLen, seed) : randI32(aLen, seed, -5, 5);
  const b = dtype === 'float32' ? randF32(bLen, seed + 1) : randI32(bLen, seed + 1, -5, 5);
  const p = { batch, m, n, k, transposeA, transposeB, aBatchStride, bBatchStride };
  const label = `${dtype} [${batch}${broadcast ? ` bcast ${broadcast}` : ''}] ${m}x${k}${transposeA ? 'ᵀ' : ''}·${k}x${n}${transposeB ? 'ᵀ' : ''}`;
  return { p, a, b, label };
}

/** Runs every case as one step of one plan (compiled with `tile` forced) and checks each. */
async function check(dtype: DType, cases: Case[], tile: MatmulTile | null): Promise<void> {
  const pb = new PlanBuilder();
  for (const c of cases) {
    pb.fetch(pb.step('matmul', c.p, [pb.feed(dtype, c.a), pb.feed(dtype, c.b)], dtype, c.p.batch * c.p.m * c.p.n));
  }
  matmulTuning.forceTile = tile;
  let outs: DataArray[];
  try {
    outs = await runPlan(dev!, pb);
  } finally {
    matmulTuning.forceTile = null;
  }
  cases.forEach((c, i) => {
    const expected = refMatmul(c.a, c.b, c.p, dtype === 'int32');
    const label = `${c.label} (${tile ?? 'auto'} tile, ${matmulVariant(c.p).vec ? 'vec4' : 'scalar'})`;
    if (dtype === 'int32') expectExact(outs[i]!, expected, label);
    else expectClose(outs[i]!, expected, { rtol: 1e-4, atol: 1e-4 * Math.sqrt(Math.max(c.p.k, 1)) }, label);
  });
}

const COMBOS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

// Odd sizes (scalar path) and multiples of 4 that are not multiples of the tile (vec4 path).
const SCALAR: Shape[] = [
  [1, 1, 1, 1],
  [1, 3, 17, 5],
  [1, 65, 129, 17],
  [1, 129, 3, 257],
  [1, 257, 65, 1],
  [2, 17, 65, 9, 'a'],
  [3, 3, 17, 3, 'b'],
];
const VEC: Shape[] = [
  [1, 4, 4, 4],
  [1, 132, 260, 36],
  [1, 64, 128, 8],
  [1, 256, 68, 20],
  [2, 68, 132, 12],
  [3, 20, 8, 28, 'a'],
  [2, 8, 36, 132, 'b'],
];

afterEach(() => {
  matmulTuning.forceTile = null;
});

describe.skipIf(!dev)('tiled matmul', () => {
  for (const tile of ['big', 'small'] as const) {
    for (const [tA, tB] of COMBOS) {
      it(`float32 ${tile} tile, transposeA=${tA} transposeB=${tB}`, async () => {
        const cases = [...SCALAR, ...VEC].map((s, i) => makeCase('float32', s, tA, tB, 100 * i + 7));
        await check('float32', cases, tile);
      });
    }
  }

  // int32 shares the loaders and the inner loop with float32: two transpose combinations per
  // tile cover every loader form once per tile.
  for (const [tile, combos] of [['big', [COMBOS[0]!, COMBOS[3]!]], ['small', [COMBOS[1]!, COMBOS[2]!]]] as const) {
    it(`int32 ${tile} tile (exact)`, async () => {
      const shapes: Shape[] = [[1, 17, 65, 129], [2, 129, 3, 17, 'a'], [1, 68, 132, 20], [3, 4, 8, 12, 'b']];
      const cases = combos.flatMap(([tA, tB], j) => shapes.map((s, i) => makeCase('int32', s, tA, tB, 10 * i + j)));
      await check('int32', cases, tile);
    });
  }

  it('shape-chosen variant on larger sizes', async () => {
    const shapes: Shape[] = [[1, 257, 129, 65], [1, 256, 256, 64]];
    const cases = shapes.map((s, i) => makeCase('float32', s, i === 1, false, i + 1));
    await check('float32', cases, null);
  });

  it('k = 0 gives zeros on both tiles', async () => {
    for (const tile of ['big', 'small'] as const) {
      for (const n of [3, 4]) {
        const p = { batch: 1, m: 2, n, k: 0, transposeA: false, transposeB: false, aBatchStride: 0, bBatchStride: 0 };
        const pb = new PlanBuilder();
        pb.fetch(pb.step('matmul', p, [pb.feed('float32', new Float32Array(0)), pb.feed('float32', new Float32Array(0))], 'float32', 2 * n));
        matmulTuning.forceTile = tile;
        const [out] = await runPlan(dev!, pb);
        matmulTuning.forceTile = null;
        expectExact(out!, new Array(2 * n).fill(0), `${tile} n=${n}`);
      }
    }
  });

  it('one buffer as both operands (x·xᵀ, xᵀ·x), vec4 and scalar', async () => {
    for (const [rows, cols] of [[20, 8], [7, 5]] as const) {
      const x = randF32(rows * cols, rows);
      const pb = new PlanBuilder();
      const xi = pb.feed('float32', x);
      const p1 = { batch: 1, m: rows, n: rows, k: cols, transposeA: false, transposeB: true, aBatchStride: 0, bBatchStride: 0 };
      const p2 = { batch: 1, m: cols, n: cols, k: rows, transposeA: true, transposeB: false, aBatchStride: 0, bBatchStride: 0 };
      pb.fetch(pb.step('matmul', p1, [xi, xi], 'float32', rows * rows));
      pb.fetch(pb.step('matmul', p2, [xi, xi], 'float32', cols * cols));
      const [o1, o2] = await runPlan(dev!, pb);
      expectClose(o1!, refMatmul(x, x, p1, false), { rtol: 1e-5, atol: 1e-5 }, `x·xᵀ ${rows}x${cols}`);
      expectClose(o2!, refMatmul(x, x, p2, false), { rtol: 1e-5, atol: 1e-5 }, `xᵀ·x ${rows}x${cols}`);
    }
  });

  it('pipelines are keyed by variant, not by shape', async () => {
    const run = async (m: number, n: number, k: number): Promise<void> => {
      await check('float32', [makeCase('float32', [1, m, n, k], false, false, m + n + k)], 'small');
    };
    await run(8, 12, 16);
    const before = dev!.pipelineCount;
    await run(12, 40, 4);
    await run(36, 4, 100);
    expect(dev!.pipelineCount).toBe(before);
  });
});

describe('tiled matmul variant choice', () => {
  const p = (m: number, n: number, k: number, batch = 1, tA = false, tB = false): MM => ({
    batch, m, n, k, transposeA: tA, transposeB: tB, aBatchStride: m * k, bBatchStride: k * n,
  });
  it('big tiles for large outputs, small tiles otherwise', () => {
    expect(matmulVariant(p(4096, 4096, 4096))).toEqual({ tile: 'big', vec: true });
    expect(matmulVariant(p(2048, 2048, 2048))).toEqual({ tile: 'big', vec: true });
    expect(matmulVariant(p(1024, 1024, 1024))).toEqual({ tile: 'small', vec: true });
    expect(matmulVariant(p(128, 128, 128, 256)).tile).toBe('big');
    expect(matmulVariant(p(128, 256, 784))).toEqual({ tile: 'small', vec: true });
    expect(matmulVariant(p(64, 100000, 64)).tile).toBe('small');
  });
  it('vec4 only when stored rows and batch strides are multiples of 4', () => {
    expect(matmulVariant(p(128, 10, 256)).vec).toBe(false);
    expect(matmulVariant(p(5, 8, 4)).vec).toBe(true);
    expect(matmulVariant(p(5, 8, 4, 1, true)).vec).toBe(false);
    expect(matmulVariant(p(8, 8, 5, 1, true, false)).vec).toBe(true);
    expect(matmulVariant(p(8, 8, 5, 1, false, true)).vec).toBe(false);
    expect(matmulVariant({ ...p(8, 8, 4, 2), aBatchStride: 0 }).vec).toBe(true);
  });
});
