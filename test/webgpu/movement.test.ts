/** copy, concat, gather and scatterAdd on the WebGPU device against plain-JS references. */
import { describe, expect, it } from 'vitest';
import type { DType, DataArray } from '../../src/dtype.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { PlanBuilder, expectExact, forStrided, openDevice, prod, randF32, randI32, randOf, runPlan } from './helpers.js';

const dev = await openDevice();

function refCopy(x: ArrayLike<number>, outShape: number[], inStrides: number[], inOffset: number): number[] {
  const out: number[] = [];
  forStrided(outShape, [inStrides], [inOffset], (_, [ix]) => out.push(x[ix!]!));
  return out;
}

describe.skipIf(!dev)('copy', () => {
  // x is [2, 3, 4] (strides 12, 4, 1).
  const cases: [string, number[], number[], number][] = [
    ['transpose [2,0,1]', [4, 2, 3], [1, 12, 4], 0],
    ['slice [1:2, 1:3, 0:3]', [1, 2, 3], [12, 4, 1], 16],
    ['reverse axis 2', [2, 3, 4], [12, 4, -1], 3],
    ['reverse all', [2, 3, 4], [-12, -4, -1], 23],
    ['broadcast to [5, 2, 3, 4]', [5, 2, 3, 4], [0, 12, 4, 1], 0],
    ['tile-like [2, 2, 3, 4] with stride 0 inside', [2, 2, 3, 4], [12, 0, 4, 1], 0],
    ['identity (collapses to rank 1)', [2, 3, 4], [12, 4, 1], 0],
    ['scalar', [], [], 7],
    ['strided step 2', [2, 3, 2], [12, 4, 2], 1],
    ['empty', [2, 0, 4], [12, 4, 1], 0],
  ];
  for (const dtype of ['float32', 'int32', 'bool'] as DType[]) {
    it(`${dtype}: ${cases.map((c) => c[0]).join(', ')}`, async () => {
      const x = randOf(dtype, 24, 3);
      const b = new PlanBuilder();
      const xi = b.feed(dtype, x);
      for (const [, shape, strides, off] of cases) {
        b.fetch(b.step('copy', { outShape: shape, inStrides: strides, inOffset: off }, [xi], dtype, prod(shape)));
      }
      const outs = await runPlan(dev!, b);
      cases.forEach(([name, shape, strides, off], k) => expectExact(outs[k]!, refCopy(x, shape, strides, off), name));
    });
  }
});

describe.skipIf(!dev)('concat', () => {
  for (const dtype of ['float32', 'int32', 'bool'] as DType[]) {
    it(`three inputs (one empty) side by side (${dtype})`, async () => {
      const outer = 3;
      const inners = [2, 0, 5, 1];
      const xs = inners.map((w, j) => randOf(dtype, outer * w, 10 + j));
      const b = new PlanBuilder();
      const ids = xs.map((x) => b.feed(dtype, x));
      const total = inners.reduce((p, d) => p + d, 0);
      b.fetch(b.step('concat', { outer, inners }, ids, dtype, outer * total));
      const [out] = await runPlan(dev!, b);
      const expected: number[] = [];
      for (let o = 0; o < outer; o++) xs.forEach((x, j) => expected.push(...Array.from(x.subarray(o * inners[j]!, (o + 1) * inners[j]!))));
      expectExact(out!, expected);
    });
  }
});

function refGather(x: ArrayLike<number>, idx: ArrayLike<number>, outer: number, axisSize: number, inner: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idx.length; j++) {
      for (let k = 0; k < inner; k++) out.push(x[(o * axisSize + idx[j]!) * inner + k]!);
    }
  }
  return out;
}

function refScatter(u: ArrayLike<number>, idx: ArrayLike<number>, outer: number, axisSize: number, inner: number): number[] {
  const out = new Array<number>(outer * axisSize * inner).fill(0);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idx.length; j++) {
      for (let k = 0; k < inner; k++) out[(o * axisSize + idx[j]!) * inner + k]! += u[(o * idx.length + j) * inner + k]!;
    }
  }
  return out;
}

describe.skipIf(!dev)('gather and scatterAdd', () => {
  for (const dtype of ['float32', 'int32', 'bool'] as DType[]) {
    it(`gather ${dtype} (repeated indices)`, async () => {
      const [outer, axisSize, inner] = [2, 5, 3];
      const x = randOf(dtype, outer * axisSize * inner, 4);
      const idx = Int32Array.of(4, 0, 0, 2, 4, 1, 3);
      const b = new PlanBuilder();
      b.fetch(b.step('gather', { outer, axisSize, inner, nIdx: idx.length }, [b.feed(dtype, x), b.feed('int32', idx)], dtype, outer * idx.length * inner));
      const [out] = await runPlan(dev!, b);
      expectExact(out!, refGather(x, idx, outer, axisSize, inner));
    });
  }

  it('gather with an out-of-range index fails with TF text, naming the op', async () => {
    const b = new PlanBuilder();
    const x = b.feed('float32', randF32(10, 1));
    const idx = b.feed('int32', Int32Array.of(1, 7, -1, 9));
    b.fetch(b.step('gather', { outer: 1, axisSize: 5, inner: 2, nIdx: 4 }, [x, idx], 'float32', 8, 'embedding_lookup'));
    const err = await runPlan(dev!, b).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).message).toBe('indices[1] = 7 is not in [0, 5)');
    expect((err as InvalidArgumentError).op).toBe('embedding_lookup');
  });

  for (const dtype of ['float32', 'int32'] as DType[]) {
    it(`scatterAdd ${dtype} sums repeated indices in order`, async () => {
      const [outer, axisSize, inner] = [2, 6, 3];
      const idx = Int32Array.of(5, 0, 5, 2, 0, 5);
      const u: DataArray = dtype === 'float32' ? randF32(outer * idx.length * inner, 8) : randI32(outer * idx.length * inner, 8);
      const b = new PlanBuilder();
      b.fetch(b.step('scatterAdd', { outer, axisSize, inner, nIdx: idx.length }, [b.feed(dtype, u), b.feed('int32', idx)], dtype, outer * axisSize * inner));
      const [out] = await runPlan(dev!, b);
      const expected = refScatter(u, idx, outer, axisSize, inner);
      // Sums in index order in float32, as the reference does in float64: compare loosely.
      if (dtype === 'float32') expected.forEach((e, i) => expect(Math.abs(out![i]! - e)).toBeLessThan(1e-5));
      else expectExact(out!, expected);
    });
  }

  it('scatterAdd with an out-of-range index fails', async () => {
    const b = new PlanBuilder();
    const u = b.feed('float32', randF32(6, 1));
    const idx = b.feed('int32', Int32Array.of(0, 3, 2));
    b.fetch(b.step('scatterAdd', { outer: 1, axisSize: 3, inner: 2, nIdx: 3 }, [u, idx], 'float32', 6, 'grad/UnsortedSegmentSum'));
    await expect(runPlan(dev!, b)).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      message: 'indices[1] = 3 is not in [0, 3)',
      op: 'grad/UnsortedSegmentSum',
    });
  });
});
