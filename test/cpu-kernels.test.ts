/**
 * CPU kernels cut into ranges: every split kernel must give the same bits whatever the chunks,
 * and its wasm path must agree with the plain-JS one within float32 rounding.
 */
import { describe, expect, it } from 'vitest';
import { type DType, type DataArray, arrayCtor } from '../src/dtype.js';
import type { PrimName, PrimParams, WindowGeom } from '../src/device/prims.js';
import { chunkRange } from '../src/device/cpu/control.js';
import { Heap } from '../src/device/cpu/heap.js';
import { cpuKernels, type KernelCtx } from '../src/device/cpu/kernels/index.js';
import { createWasmKernels, type WasmKernels } from '../src/device/cpu/wasm/index.js';
import { rng } from './support/random.js';

const heap = new Heap(64 << 20);
const wasm = createWasmKernels(heap.memory)!;

interface Case<K extends PrimName = PrimName> {
  name: string;
  prim: K;
  params: PrimParams[K];
  ins: { dtype: DType; data: number[] | ((r: () => number, i: number) => number); size: number }[];
  outs: { dtype: DType; size: number }[];
  /** Relative tolerance between the wasm and JS paths. */
  tol?: number;
}

function alloc(dtype: DType, size: number): DataArray {
  const bytes = Math.max(size, 1) * (arrayCtor(dtype) as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  return heap.view(dtype, heap.alloc(bytes), size);
}

type Kernel = ((p: unknown, i: DataArray[], o: DataArray[], c: KernelCtx) => void) & {
  prepare?: (p: unknown) => unknown;
  split?: (p: unknown, i: DataArray[], o: DataArray[], w: WasmKernels | null) => { units: number; align: number };
  scratchBytes?: (p: unknown, i: DataArray[], o: DataArray[], w: WasmKernels | null) => number;
};

/** Run a case whole, or in `chunks` chunks (last chunk first, to catch order dependence). */
function runCase(c: Case, w: WasmKernels | null, chunks: number): DataArray[] {
  const k = cpuKernels[c.prim] as unknown as Kernel;
  const r = rng(7);
  const ins = c.ins.map((d) => {
    const v = alloc(d.dtype, d.size);
    for (let i = 0; i < d.size; i++) v[i] = typeof d.data === 'function' ? d.data(r, i) : d.data[i]!;
    return v;
  });
  const outs = c.outs.map((d) => {
    const v = alloc(d.dtype, d.size);
    v.fill(77); // garbage the kernel must overwrite
    return v;
  });
  const params = k.prepare ? k.prepare(c.params) : c.params;
  const split = k.split?.(params, ins, outs, w) ?? { units: 1, align: 1 };
  const scratchBytes = k.scratchBytes?.(params, ins, outs, w) ?? 0;
  const scratch = scratchBytes > 0 ? heap.alloc(scratchBytes) : 0;
  const ctx: KernelCtx = { dyn: new Uint32Array(1), op: 'op', lo: 0, hi: split.units, wasm: w, scratch };
  if (!k.split || chunks <= 1) k(params, ins, outs, ctx);
  else {
    for (let j = chunks - 1; j >= 0; j--) {
      [ctx.lo, ctx.hi] = chunkRange(split.units, chunks, split.align, j);
      k(params, ins, outs, ctx);
    }
  }
  return outs.map((o) => o.slice());
}

const f = (r: () => number) => r() * 4 - 2;
const fpos = (r: () => number) => r() * 3 + 0.1;
const sparse = (r: () => number) => (r() < 0.3 ? 0 : r() * 2 - 1);

function stridesFor(shape: number[], out: number[]): number[] {
  const lead = out.length - shape.length;
  const st: number[] = new Array(out.length).fill(0);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i + lead] = shape[i] === 1 ? 0 : acc;
    acc *= shape[i]!;
  }
  return st;
}
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

function bin(name: string, fn: PrimParams['binary']['fn'], a: number[], b: number[], out: number[], dtype: DType = 'float32'): Case<'binary'> {
  return {
    name: `binary ${name}`,
    prim: 'binary',
    params: { fn, outShape: out, aStrides: stridesFor(a, out), bStrides: stridesFor(b, out), alpha: 0.2 },
    ins: [{ dtype, size: prod(a), data: dtype === 'int32' ? (r) => Math.floor(r() * 200 - 100) : fn === 'div' ? fpos : f }, { dtype, size: prod(b), data: dtype === 'int32' ? (r) => Math.floor(r() * 200 - 100) : fn === 'div' ? fpos : f }],
    outs: [{ dtype, size: prod(out) }],
  };
}

function geom(n: number, h: number, w: number, c: number, kh: number, kw: number, s: number, d: number, same: boolean): WindowGeom {
  const ekh = (kh - 1) * d + 1;
  const ekw = (kw - 1) * d + 1;
  const oh = same ? Math.ceil(h / s) : Math.ceil((h - ekh + 1) / s);
  const ow = same ? Math.ceil(w / s) : Math.ceil((w - ekw + 1) / s);
  const padH = same ? Math.max(0, (oh - 1) * s + ekh - h) : 0;
  const padW = same ? Math.max(0, (ow - 1) * s + ekw - w) : 0;
  return { n, h, w, c, kh, kw, oh, ow, sh: s, sw: s, dh: d, dw: d, padTop: padH >> 1, padLeft: padW >> 1 };
}

function convCases(tag: string, g: WindowGeom, o: number): Case[] {
  const x = g.n * g.h * g.w * g.c;
  const fl = g.kh * g.kw * g.c * o;
  const y = g.n * g.oh * g.ow * o;
  const p = { ...g, o };
  return [
    { name: `conv2d ${tag}`, prim: 'conv2d', params: p, ins: [{ dtype: 'float32', size: x, data: sparse }, { dtype: 'float32', size: fl, data: f }], outs: [{ dtype: 'float32', size: y }], tol: 1e-4 },
    { name: `conv2dBackpropInput ${tag}`, prim: 'conv2dBackpropInput', params: p, ins: [{ dtype: 'float32', size: y, data: f }, { dtype: 'float32', size: fl, data: f }], outs: [{ dtype: 'float32', size: x }], tol: 1e-4 },
    { name: `conv2dBackpropFilter ${tag}`, prim: 'conv2dBackpropFilter', params: p, ins: [{ dtype: 'float32', size: x, data: sparse }, { dtype: 'float32', size: y, data: f }], outs: [{ dtype: 'float32', size: fl }], tol: 1e-4 },
  ] as Case[];
}

function poolCases(tag: string, g: WindowGeom): Case[] {
  const x = g.n * g.h * g.w * g.c;
  const y = g.n * g.oh * g.ow * g.c;
  return [
    { name: `maxPool ${tag}`, prim: 'maxPool', params: g, ins: [{ dtype: 'float32', size: x, data: f }], outs: [{ dtype: 'float32', size: y }] },
    { name: `avgPool ${tag}`, prim: 'avgPool', params: g, ins: [{ dtype: 'float32', size: x, data: f }], outs: [{ dtype: 'float32', size: y }] },
    { name: `maxPoolGrad ${tag}`, prim: 'maxPoolGrad', params: g, ins: [{ dtype: 'float32', size: x, data: f }, { dtype: 'float32', size: y, data: f }], outs: [{ dtype: 'float32', size: x }] },
    { name: `avgPoolGrad ${tag}`, prim: 'avgPoolGrad', params: g, ins: [{ dtype: 'float32', size: y, data: f }], outs: [{ dtype: 'float32', size: x }] },
  ] as Case[];
}

const mm = (tag: string, batch: number, m: number, n: number, k: number, tA: boolean, tB: boolean, dtype: DType = 'float32', bcastB = false): Case<'matmul'> => ({
  name: `matmul ${tag}`,
  prim: 'matmul',
  params: { batch, m, n, k, transposeA: tA, transposeB: tB, aBatchStride: m * k, bBatchStride: bcastB ? 0 : k * n },
  ins: [{ dtype, size: batch * m * k, data: f }, { dtype, size: (bcastB ? 1 : batch) * k * n, data: f }],
  outs: [{ dtype, size: batch * m * n }],
  tol: 1e-5,
});

const cases: Case[] = [
  { name: 'unary relu', prim: 'unary', params: { fn: 'relu', n: 1003, alpha: 0 }, ins: [{ dtype: 'float32', size: 1003, data: f }], outs: [{ dtype: 'float32', size: 1003 }] },
  { name: 'unary sqrt', prim: 'unary', params: { fn: 'sqrt', n: 1003, alpha: 0 }, ins: [{ dtype: 'float32', size: 1003, data: fpos }], outs: [{ dtype: 'float32', size: 1003 }] },
  { name: 'unary exp', prim: 'unary', params: { fn: 'exp', n: 517, alpha: 0 }, ins: [{ dtype: 'float32', size: 517, data: f }], outs: [{ dtype: 'float32', size: 517 }] },
  { name: 'unary neg int32', prim: 'unary', params: { fn: 'neg', n: 300, alpha: 0 }, ins: [{ dtype: 'int32', size: 300, data: (r) => Math.floor(r() * 1000) }], outs: [{ dtype: 'int32', size: 300 }] },
  bin('add same', 'add', [37, 50], [37, 50], [37, 50]),
  bin('add bias', 'add', [37, 50], [50], [37, 50]),
  bin('mul outer', 'mul', [37, 1], [1, 50], [37, 50]),
  bin('sub scalar first', 'sub', [], [37, 50], [37, 50]),
  bin('div column', 'div', [37, 50], [37, 1], [37, 50]),
  bin('squaredDifference', 'squaredDifference', [13, 64], [64], [13, 64]),
  bin('maximum', 'maximum', [13, 64], [13, 64], [13, 64]),
  bin('reluGrad', 'reluGrad', [40, 33], [40, 33], [40, 33]),
  bin('add long vector', 'add', [20000], [20000], [20000]),
  bin('add 3-d broadcast', 'add', [4, 1, 6], [1, 5, 1], [4, 5, 6]),
  bin('pow', 'pow', [30, 7], [7], [30, 7]),
  bin('mul int32', 'mul', [30, 40], [40], [30, 40], 'int32'),
  bin('less', 'less', [30, 40], [40], [30, 40]),
  {
    name: 'select', prim: 'select',
    params: { outShape: [20, 30], cStrides: [1, 0], aStrides: [30, 1], bStrides: [0, 1] },
    ins: [{ dtype: 'bool', size: 20, data: (r) => (r() < 0.5 ? 1 : 0) }, { dtype: 'float32', size: 600, data: f }, { dtype: 'float32', size: 30, data: f }],
    outs: [{ dtype: 'float32', size: 600 }],
  },
  { name: 'cast f32→int32', prim: 'cast', params: { n: 999, to: 'int32' }, ins: [{ dtype: 'float32', size: 999, data: (r) => r() * 100 - 50 }], outs: [{ dtype: 'int32', size: 999 }] },
  { name: 'reduce sum rows', prim: 'reduce', params: { fn: 'sum', outer: 37, size: 53, inner: 1 }, ins: [{ dtype: 'float32', size: 37 * 53, data: f }], outs: [{ dtype: 'float32', size: 37 }], tol: 1e-5 },
  { name: 'reduce sum middle', prim: 'reduce', params: { fn: 'sum', outer: 3, size: 20, inner: 45 }, ins: [{ dtype: 'float32', size: 2700, data: f }], outs: [{ dtype: 'float32', size: 135 }], tol: 1e-5 },
  { name: 'reduce sum columns', prim: 'reduce', params: { fn: 'sum', outer: 1, size: 64, inner: 300 }, ins: [{ dtype: 'float32', size: 64 * 300, data: f }], outs: [{ dtype: 'float32', size: 300 }], tol: 1e-5 },
  { name: 'reduce max', prim: 'reduce', params: { fn: 'max', outer: 9, size: 31, inner: 7 }, ins: [{ dtype: 'float32', size: 9 * 31 * 7, data: f }], outs: [{ dtype: 'float32', size: 63 }] },
  { name: 'reduce sum float64', prim: 'reduce', params: { fn: 'sum', outer: 5, size: 40, inner: 13 }, ins: [{ dtype: 'float64', size: 2600, data: f }], outs: [{ dtype: 'float64', size: 65 }] },
  { name: 'reduce any', prim: 'reduce', params: { fn: 'any', outer: 6, size: 10, inner: 5 }, ins: [{ dtype: 'bool', size: 300, data: (r) => (r() < 0.1 ? 1 : 0) }], outs: [{ dtype: 'bool', size: 30 }] },
  { name: 'argmax', prim: 'argReduce', params: { fn: 'argmax', outer: 11, size: 17, inner: 6 }, ins: [{ dtype: 'float32', size: 11 * 17 * 6, data: f }], outs: [{ dtype: 'int32', size: 66 }] },
  {
    name: 'copy transpose', prim: 'copy', params: { outShape: [40, 30], inStrides: [1, 40], inOffset: 0 },
    ins: [{ dtype: 'float32', size: 1200, data: f }], outs: [{ dtype: 'float32', size: 1200 }],
  },
  {
    name: 'copy slice', prim: 'copy', params: { outShape: [10, 64], inStrides: [100, 1], inOffset: 7 },
    ins: [{ dtype: 'float32', size: 1000, data: f }], outs: [{ dtype: 'float32', size: 640 }],
  },
  {
    name: 'copy int32 broadcast', prim: 'copy', params: { outShape: [9, 1, 12], inStrides: [0, 0, 1], inOffset: 0 },
    ins: [{ dtype: 'int32', size: 12, data: (r) => Math.floor(r() * 9) }], outs: [{ dtype: 'int32', size: 108 }],
  },
  {
    // rows of one repeated value (a gradient's BroadcastTo): filled
    name: 'copy broadcast along rows', prim: 'copy', params: { outShape: [5, 40], inStrides: [2, 0], inOffset: 1 },
    ins: [{ dtype: 'float32', size: 12, data: f }], outs: [{ dtype: 'float32', size: 200 }],
  },
  {
    name: 'concat', prim: 'concat', params: { outer: 12, inners: [40, 3, 35] },
    ins: [{ dtype: 'float32', size: 480, data: f }, { dtype: 'float32', size: 36, data: f }, { dtype: 'float32', size: 420, data: f }],
    outs: [{ dtype: 'float32', size: 12 * 78 }],
  },
  {
    name: 'gather', prim: 'gather', params: { outer: 3, axisSize: 10, inner: 40, nIdx: 7 },
    ins: [{ dtype: 'float32', size: 1200, data: f }, { dtype: 'int32', size: 7, data: [3, 0, 9, 3, 5, 1, 8] }],
    outs: [{ dtype: 'float32', size: 3 * 7 * 40 }],
  },
  {
    name: 'scatterAdd', prim: 'scatterAdd', params: { outer: 4, axisSize: 6, inner: 5, nIdx: 8 },
    ins: [{ dtype: 'float32', size: 160, data: f }, { dtype: 'int32', size: 8, data: [1, 1, 0, 5, 2, 1, 5, 3] }],
    outs: [{ dtype: 'float32', size: 120 }],
  },
  { name: 'fill', prim: 'fill', params: { n: 777, value: 2.5 }, ins: [], outs: [{ dtype: 'float32', size: 777 }] },
  { name: 'range', prim: 'range', params: { n: 777, start: 3, delta: 0.5 }, ins: [], outs: [{ dtype: 'float32', size: 777 }] },
  { name: 'softmax', prim: 'softmax', params: { outer: 17, size: 33, log: false }, ins: [{ dtype: 'float32', size: 561, data: f }], outs: [{ dtype: 'float32', size: 561 }] },
  { name: 'logSoftmax', prim: 'softmax', params: { outer: 17, size: 33, log: true }, ins: [{ dtype: 'float32', size: 561, data: f }], outs: [{ dtype: 'float32', size: 561 }] },
  mm('NN', 1, 37, 29, 41, false, false),
  mm('TN', 1, 37, 29, 41, true, false),
  mm('NT', 1, 37, 29, 41, false, true),
  mm('TT batched', 3, 26, 19, 300, true, true),
  mm('batched, B broadcast', 4, 13, 21, 17, false, false, 'float32', true),
  mm('float64', 2, 15, 9, 11, false, true, 'float64'),
  mm('int32', 1, 12, 7, 5, true, false, 'int32'),
  ...convCases('3x3 SAME stride 1', geom(3, 9, 8, 5, 3, 3, 1, 1, true), 6),
  ...convCases('3x3 SAME stride 2', geom(2, 9, 8, 5, 3, 3, 2, 1, true), 7),
  ...convCases('2x2 VALID dilated', geom(2, 10, 11, 3, 2, 2, 1, 2, false), 4),
  ...convCases('1x1 c=40', geom(2, 12, 12, 40, 1, 1, 1, 1, false), 33),
  ...convCases('5x5 c=1 (first layer)', geom(4, 16, 16, 1, 5, 5, 1, 1, true), 8),
  // the direct kernels (output channels a multiple of 4; the input gradient also needs stride 1
  // and input channels a multiple of 4): channel tiles of 8 + 4, rows of full and partial pixel
  // tiles, borders, strides, dilation, odd input channels, the filter gradient's 16/8/4 tiles
  ...convCases('direct 3x3 SAME c=8 o=12, width 11', geom(3, 9, 11, 8, 3, 3, 1, 1, true), 12),
  ...convCases('direct 3x3 SAME stride 2 c=4 o=8', geom(2, 9, 8, 4, 3, 3, 2, 1, true), 8),
  ...convCases('direct 2x2 VALID dilated c=4 o=20', geom(2, 10, 11, 4, 2, 2, 1, 2, false), 20),
  ...convCases('direct 5x5 SAME c=3 o=32', geom(2, 14, 13, 3, 5, 5, 1, 1, true), 32),
  ...convCases('direct 2x2 SAME (pad bottom/right) c=16 o=16, width 6', geom(2, 5, 6, 16, 2, 2, 1, 1, true), 16),
  ...poolCases('2x2 stride 2 VALID', geom(3, 8, 9, 4, 2, 2, 2, 1, false)),
  ...poolCases('3x3 stride 2 SAME', geom(2, 7, 7, 3, 3, 3, 2, 1, true)),
];

describe('CPU kernels split into chunks', () => {
  for (const c of cases) {
    it(`${c.name}: the same bits for any chunking; wasm agrees with JS`, () => {
      const whole = runCase(c, wasm, 1);
      for (const chunks of [2, 3, 7, 64]) {
        const parts = runCase(c, wasm, chunks);
        parts.forEach((p, i) => expect(Array.from(p), `${chunks} chunks`).toEqual(Array.from(whole[i]!)));
      }
      const js = runCase(c, null, 1);
      const js3 = runCase(c, null, 5);
      js3.forEach((p, i) => expect(Array.from(p), 'JS in 5 chunks').toEqual(Array.from(js[i]!)));
      const tol = c.tol ?? 1e-6;
      js.forEach((ref, i) => {
        const got = whole[i]!;
        for (let q = 0; q < ref.length; q++) {
          const a = got[q]!, b = ref[q]!;
          if (Number.isNaN(b)) expect(a).toBeNaN();
          else expect(Math.abs(a - b), `element ${q}: wasm ${a} vs JS ${b}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)) * 8);
        }
      });
    });
  }

  it('gather with a bad index fails naming the op, in any chunk', () => {
    const c: Case = {
      name: 'gather', prim: 'gather', params: { outer: 2, axisSize: 4, inner: 3, nIdx: 3 },
      ins: [{ dtype: 'float32', size: 24, data: f }, { dtype: 'int32', size: 3, data: [0, 4, 1] }],
      outs: [{ dtype: 'float32', size: 18 }],
    };
    expect(() => runCase(c, wasm, 3)).toThrow(/indices\[1\] = 4 is not in \[0, 4\)/);
  });
});
