/** reduce, argReduce and softmax on the WebGPU device against plain-JS references. */
import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/dtype.js';
import type { ReduceFn } from '../../src/device/prims.js';
import { reduceUsesGroups } from '../../src/device/webgpu/kernels/reduce.js';
import { PlanBuilder, expectClose, expectExact, f32, openDevice, randBool, randF32, randI32, runPlan } from './helpers.js';

const dev = await openDevice();

function refReduce(fn: ReduceFn, x: ArrayLike<number>, outer: number, size: number, inner: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      let acc = fn === 'sum' || fn === 'any' ? 0 : fn === 'prod' || fn === 'all' ? 1 : fn === 'max' ? -Infinity : Infinity;
      for (let j = 0; j < size; j++) {
        const v = x[(o * size + j) * inner + k]!;
        if (fn === 'sum') acc += v;
        else if (fn === 'prod') acc *= v;
        else if (fn === 'max') acc = v > acc || Number.isNaN(v) || Number.isNaN(acc) ? (Number.isNaN(acc) ? acc : v) : acc;
        else if (fn === 'min') acc = v < acc || Number.isNaN(v) || Number.isNaN(acc) ? (Number.isNaN(acc) ? acc : v) : acc;
        else if (fn === 'any') acc = acc || v ? 1 : 0;
        else acc = acc && v ? 1 : 0;
      }
      out.push(acc);
    }
  }
  return out;
}

/** [outer, size, inner] views: one thread per output, and one workgroup per output. */
const VIEWS: [number, number, number][] = [
  [3, 5, 4],
  [1, 7, 1],
  [2, 300, 3],
  [1, 1000, 1],
  [4, 0, 2],
];

async function runReduce(fn: ReduceFn, dtype: DType, x: ArrayLike<number>, [outer, size, inner]: [number, number, number]) {
  const b = new PlanBuilder();
  const ctor = dtype === 'float32' ? Float32Array : dtype === 'int32' ? Int32Array : Uint8Array;
  b.fetch(b.step('reduce', { fn, outer, size, inner }, [b.feed(dtype, ctor.from(x))], dtype, outer * inner));
  return (await runPlan(dev!, b))[0]!;
}

describe.skipIf(!dev)('reduce', () => {
  it('uses both kernel shapes across the test views', () => {
    expect(VIEWS.map(([o, s, i]) => reduceUsesGroups(o, s, i))).toEqual([false, false, true, true, false]);
  });

  for (const fn of ['sum', 'prod', 'max', 'min'] as ReduceFn[]) {
    it(`${fn} float32`, async () => {
      for (const v of VIEWS) {
        const n = v[0] * v[1] * v[2];
        const x = fn === 'prod' ? randF32(n, 3, 0.9, 1.1) : randF32(n, 3);
        const out = await runReduce(fn, 'float32', x, v);
        expectClose(out, refReduce(fn, x, ...v).map(f32), { rtol: 1e-5, atol: 1e-5 }, `${fn} ${v}`);
      }
    });
    it(`${fn} int32`, async () => {
      for (const v of VIEWS) {
        const n = v[0] * v[1] * v[2];
        const x = fn === 'prod' ? randI32(n, 4, -2, 2) : randI32(n, 4, -100, 100);
        const out = await runReduce(fn, 'int32', x, v);
        const expected = refReduce(fn, x, ...v).map((e) => (fn === 'prod' ? Number(BigInt.asIntN(32, BigInt(e))) : e));
        expectExact(out, expected.map((e) => (e === Infinity ? 2147483647 : e === -Infinity ? -2147483648 : e)), `${fn} ${v}`);
      }
    });
  }

  for (const fn of ['any', 'all'] as ReduceFn[]) {
    it(`${fn} bool`, async () => {
      for (const v of VIEWS) {
        const n = v[0] * v[1] * v[2];
        const r = randBool(n, 5);
        // Mostly-uniform rows so that both answers occur.
        const x = Uint8Array.from(r, (b, i) => (i % 7 === 0 ? b : fn === 'any' ? 0 : 1));
        const out = await runReduce(fn, 'bool', x, v);
        expect(out).toBeInstanceOf(Uint8Array);
        expectExact(out, refReduce(fn, x, ...v), `${fn} ${v}`);
      }
    });
  }

  it('max and min propagate NaN', async () => {
    const x = Float32Array.from({ length: 400 }, (_, i) => (i === 250 ? NaN : i));
    for (const v of [[1, 400, 1], [4, 100, 1]] as [number, number, number][]) {
      expectClose(await runReduce('max', 'float32', x, v), refReduce('max', x, ...v));
      expectClose(await runReduce('min', 'float32', x, v), refReduce('min', x, ...v));
    }
  });
});

function refArg(max: boolean, x: ArrayLike<number>, outer: number, size: number, inner: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      let best = x[o * size * inner + k]!;
      let at = 0;
      for (let j = 1; j < size; j++) {
        const v = x[(o * size + j) * inner + k]!;
        if (Number.isNaN(best)) break;
        if (Number.isNaN(v) || (max ? v > best : v < best)) {
          best = v;
          at = j;
        }
      }
      out.push(at);
    }
  }
  return out;
}

describe.skipIf(!dev)('argReduce', () => {
  for (const fn of ['argmax', 'argmin'] as const) {
    for (const dtype of ['float32', 'int32'] as DType[]) {
      it(`${fn} ${dtype}, ties to the smallest index`, async () => {
        for (const v of [[3, 6, 4], [2, 100, 1]] as [number, number, number][]) {
          const n = v[0] * v[1] * v[2];
          // Few distinct values, so ties are common.
          const x = dtype === 'float32' ? Float32Array.from(randI32(n, 9, -3, 3)) : randI32(n, 9, -3, 3);
          const b = new PlanBuilder();
          b.fetch(b.step('argReduce', { fn, outer: v[0], size: v[1], inner: v[2] }, [b.feed(dtype, x)], 'int32', v[0] * v[2]));
          const [out] = await runPlan(dev!, b);
          expect(out).toBeInstanceOf(Int32Array);
          expectExact(out!, refArg(fn === 'argmax', x, ...v), `${fn} ${v}`);
        }
      });
    }
  }

  it('a NaN wins at its first occurrence', async () => {
    const x = Float32Array.of(1, 5, NaN, 7, NaN);
    const b = new PlanBuilder();
    const xi = b.feed('float32', x);
    b.fetch(b.step('argReduce', { fn: 'argmax', outer: 1, size: 5, inner: 1 }, [xi], 'int32', 1));
    b.fetch(b.step('argReduce', { fn: 'argmin', outer: 1, size: 5, inner: 1 }, [xi], 'int32', 1));
    const [mx, mn] = await runPlan(dev!, b);
    expectExact(mx!, [2]);
    expectExact(mn!, [2]);
  });
});

function refSoftmax(x: ArrayLike<number>, outer: number, size: number, log: boolean): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    const row = Array.from({ length: size }, (_, j) => x[o * size + j]!);
    const m = Math.max(...row);
    const s = row.reduce((p, v) => p + Math.exp(v - m), 0);
    for (const v of row) out.push(log ? v - m - Math.log(s) : Math.exp(v - m) / s);
  }
  return out;
}

describe.skipIf(!dev)('softmax', () => {
  for (const log of [false, true]) {
    it(`${log ? 'log-softmax' : 'softmax'} over short and long rows, stable for large logits`, async () => {
      for (const [outer, size] of [[5, 10], [3, 200], [1, 1], [2, 3]] as [number, number][]) {
        const x = randF32(outer * size, 11, -5, 5);
        if (size === 3) x.set([1000, 1001, 1002, -1000, -1001, -1002]);
        const b = new PlanBuilder();
        b.fetch(b.step('softmax', { outer, size, log }, [b.feed('float32', x)], 'float32', outer * size));
        const [out] = await runPlan(dev!, b);
        expectClose(out!, refSoftmax(x, outer, size, log).map(f32), { rtol: 2e-5, atol: 1e-6 }, `${outer}x${size}`);
      }
    });
  }
});
