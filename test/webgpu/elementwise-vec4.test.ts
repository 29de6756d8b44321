/**
 * The vec4 paths of unary and same-shape binary kernels (n % 4 == 0) against the scalar paths
 * (the same data plus one element, n % 4 != 0): every function of every dtype must give
 * bit-identical results. elementwise.test.ts checks both paths against JS references for the
 * shapes it uses.
 */
import { describe, it } from 'vitest';
import type { DType, DataArray } from '../../src/dtype.js';
import type { BinaryFn, UnaryFn } from '../../src/device/prims.js';
import { PlanBuilder, expectExact, openDevice, randBool, randF32, randI32, runPlan } from './helpers.js';

const dev = await openDevice();

const UNARY: Record<'float32' | 'int32' | 'bool', UnaryFn[]> = {
  float32: [
    'neg', 'abs', 'square', 'sqrt', 'rsqrt', 'exp', 'expm1', 'log', 'log1p', 'sign', 'floor', 'ceil', 'round',
    'reciprocal', 'relu', 'relu6', 'sigmoid', 'tanh', 'elu', 'selu', 'softplus', 'leakyRelu', 'sin', 'cos',
    'isNan', 'isInf', 'identity',
  ],
  int32: ['neg', 'abs', 'square', 'sign', 'floor', 'ceil', 'round', 'relu', 'relu6', 'identity'],
  bool: ['logicalNot', 'identity'],
};

const BINARY: Record<'float32' | 'int32' | 'bool', BinaryFn[]> = {
  float32: ['add', 'div', 'mod', 'pow', 'maximum', 'less', 'equal', 'reluGrad', 'leakyReluGrad', 'softplusGrad'],
  int32: ['add', 'mul', 'div', 'floorDiv', 'mod', 'pow', 'maximum', 'greaterEqual'],
  bool: ['logicalAnd', 'logicalOr', 'equal', 'notEqual', 'greater', 'maximum'],
};

const CMP = new Set<string>(['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual', 'isNan', 'isInf']);

function data(dtype: DType, n: number, seed: number): DataArray {
  if (dtype === 'float32') {
    const x = randF32(n, seed, -4, 4);
    // A few special values in the vec4 lanes.
    x.set([NaN, Infinity, -Infinity, 0, -0, 0.5, -2.5, 1e-30], 0);
    return x;
  }
  if (dtype === 'int32') return randI32(n, seed, -9, 9);
  return randBool(n, seed);
}

const N = 40;

describe.skipIf(!dev)('vec4 elementwise paths match the scalar paths', () => {
  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    it(`unary ${dtype}`, async () => {
      const x = data(dtype, N + 1, 3);
      const pb = new PlanBuilder();
      const xv = pb.feed(dtype, x.subarray(0, N));
      const xs = pb.feed(dtype, x);
      for (const fn of UNARY[dtype]) {
        const out: DType = CMP.has(fn) ? 'bool' : dtype;
        pb.fetch(pb.step('unary', { fn, n: N, alpha: 0.2 }, [xv], out, N));
        pb.fetch(pb.step('unary', { fn, n: N + 1, alpha: 0.2 }, [xs], out, N + 1));
      }
      const outs = await runPlan(dev!, pb);
      UNARY[dtype].forEach((fn, i) => expectExact(outs[2 * i]!, Array.from(outs[2 * i + 1]!.subarray(0, N)), `${fn} ${dtype}`));
    });

    it(`binary ${dtype} (same shape)`, async () => {
      const a = data(dtype, N + 1, 5);
      const b = data(dtype, N + 1, 6).reverse();
      const pb = new PlanBuilder();
      const av = pb.feed(dtype, a.subarray(0, N));
      const bv = pb.feed(dtype, b.subarray(0, N));
      const as = pb.feed(dtype, a);
      const bs = pb.feed(dtype, b);
      for (const fn of BINARY[dtype]) {
        const out: DType = CMP.has(fn) || dtype === 'bool' ? 'bool' : dtype;
        pb.fetch(pb.step('binary', { fn, outShape: [N], aStrides: [1], bStrides: [1], alpha: 0.3 }, [av, bv], out, N));
        pb.fetch(pb.step('binary', { fn, outShape: [N + 1], aStrides: [1], bStrides: [1], alpha: 0.3 }, [as, bs], out, N + 1));
      }
      // One operand bound twice (x·x).
      pb.fetch(pb.step('binary', { fn: 'equal', outShape: [2, N / 2], aStrides: [N / 2, 1], bStrides: [N / 2, 1], alpha: 0 }, [av, av], 'bool', N));
      const outs = await runPlan(dev!, pb);
      BINARY[dtype].forEach((fn, i) => expectExact(outs[2 * i]!, Array.from(outs[2 * i + 1]!.subarray(0, N)), `${fn} ${dtype}`));
      const self = Array.from(a.subarray(0, N), (v) => (Number.isNaN(v) ? 0 : 1));
      expectExact(outs[outs.length - 1]!, self, `equal(x, x) ${dtype}`);
    });
  }
});
