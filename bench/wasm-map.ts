/**
 * The map kernel's two renderings on one thread, A/B in one process: the expression's wasm
 * SIMD function (src/device/cpu/wasm/map.ts) against the generated JS loop (mapLoop), and the
 * unfused wasm elementwise kernels doing the same work step by step, on the MLP step's
 * expressions (bias + relu, ReluGrad, the SGD update) at its sizes and at a few others, and a
 * float64 one (sigmoidGrad, whose unfused kernel is the JS loop).
 * Medians of interleaved repetitions (the machine is shared: compare the ratios).
 *
 *   npx tsx bench/wasm-map.ts [--reps 200]
 */
import os from 'node:os';
import { type Expr, ExprBuilder, mapLoop } from '../src/device/expr.js';
import { createWasmKernels } from '../src/device/cpu/wasm/index.js';
import { wasmMapRows } from '../src/device/cpu/wasm/map.js';

const argv = process.argv.slice(2);
const reps = Number(argv.includes('--reps') ? argv[argv.indexOf('--reps') + 1] : 200);
const memory = new WebAssembly.Memory({ initial: 2048, maximum: 65536, shared: true } as WebAssembly.MemoryDescriptor);
const k = createWasmKernels(memory)!;
let top = 64;
const alloc = (n: number): Float32Array => {
  const a = new Float32Array(memory.buffer, top, n);
  top += Math.ceil((n * 4) / 64) * 64;
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 0.37) * 3;
  return a;
};

const f32 = (b: ExprBuilder, v: number): number => b.op('f32', v);
function biasRelu(): Expr {
  const b = new ExprBuilder();
  const z = f32(b, b.op('add', b.in(0), b.in(1)));
  return b.done(f32(b, b.op('add', b.op('select', b.op('cmplt', z, b.c(0)), b.c(0), z), b.c(0))));
}
function reluGrad(): Expr {
  const b = new ExprBuilder();
  return b.done(f32(b, b.op('select', b.op('cmplt', b.c(0), b.in(0)), b.in(1), b.c(0))));
}
function sgd(): Expr {
  const b = new ExprBuilder();
  return b.done(f32(b, b.op('sub', b.in(0), f32(b, b.op('mul', b.in(1), b.in(2))))));
}

/** dy·y·(1 − y) in float64, one rounding (the JS loop's formula). */
function sigmoidGrad(): Expr {
  const b = new ExprBuilder();
  return b.done(f32(b, b.op('mul', b.op('mul', b.in(1), b.in(0)), b.op('sub', b.c(1), b.in(0)))));
}

interface Case { name: string; e: Expr; rows: number; cols: number; strides: (cols: number) => number[][]; unfused: (ins: Float32Array[], out: Float32Array) => void }
const at = (a: Float32Array): number => a.byteOffset;
const cases: Case[] = [];
const sgLoop = mapLoop(sigmoidGrad(), 2);
for (const [rows, cols] of [[128, 256], [128, 10], [784, 256], [16, 64]] as const) {
  cases.push({
    name: `bias + relu ${rows}×${cols}`, e: biasRelu(), rows, cols, strides: (c) => [[c, 1], [0, 1]],
    unfused: ([x, bias], o) => {
      for (let r = 0; r < rows; r++) k.binary('add', at(x!) + r * cols * 4, at(bias!), at(o) + r * cols * 4, cols);
      k.unary('relu', at(o), at(o), rows * cols);
    },
  });
  cases.push({
    name: `reluGrad ${rows}×${cols}`, e: reluGrad(), rows, cols, strides: (c) => [[c, 1], [c, 1]],
    unfused: ([a, g], o) => k.binary('reluGrad', at(a!), at(g!), at(o), rows * cols),
  });
  cases.push({
    name: `sigmoidGrad ${rows}×${cols}`, e: sigmoidGrad(), rows, cols, strides: (c) => [[c, 1], [c, 1]],
    // the unfused CPU kernel is the JS loop itself (no wasm kernel computes it)
    unfused: ([y, dy], o) => sgLoop([y!, dy!], [o], [rows * cols], [[1], [1]], 0, 1),
  });
  cases.push({
    name: `sgd update ${rows}×${cols}`, e: sgd(), rows, cols, strides: (c) => [[c, 1], [0, 0], [c, 1]],
    unfused: ([w, lr, g], o) => {
      k.binaryScalar('mul', at(g!), lr![0]!, at(o), rows * cols);
      k.binary('sub', at(w!), at(o), at(o), rows * cols);
    },
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(`load average: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('case                         JS loop µs  wasm map µs  unfused wasm µs  JS/map  unfused/map');
for (const c of cases) {
  const nIn = c.strides(c.cols).length;
  const ins = c.strides(c.cols).map((s) => alloc(s[0] === 0 && s[1] === 0 ? 1 : s[0] === 0 ? c.cols : c.rows * c.cols));
  const outs = [alloc(c.rows * c.cols), alloc(c.rows * c.cols), alloc(c.rows * c.cols)];
  const shape = [c.rows, c.cols];
  const strides = c.strides(c.cols);
  const loop = mapLoop(c.e, nIn);
  const runs: [() => void, number[]][] = [
    [() => loop(ins, [outs[0]!], shape, strides, 0, c.rows), []],
    [() => wasmMapRows(memory, c.e, ins, [outs[1]!], shape, strides, 0, c.rows), []],
    [() => c.unfused(ins, outs[2]!), []],
  ];
  for (let w = 0; w < 20; w++) for (const [f] of runs) f();
  const inner = Math.max(1, Math.floor(20000 / (c.rows * c.cols)));
  for (let r = 0; r < reps; r++) {
    for (const [f, t] of runs) {
      const t0 = performance.now();
      for (let i = 0; i < inner; i++) f();
      t.push(((performance.now() - t0) * 1000) / inner);
    }
  }
  const [js, wm, un] = runs.map(([, t]) => median(t));
  for (let i = 0; i < c.rows * c.cols; i++) if (Object.is(outs[0]![i], outs[1]![i]) === false) throw new Error(`${c.name}: wasm map differs at ${i}`);
  console.log(`${c.name.padEnd(27)}${js!.toFixed(2).padStart(12)}${wm!.toFixed(2).padStart(13)}${un!.toFixed(2).padStart(17)}${(js! / wm!).toFixed(2).padStart(8)}${(un! / wm!).toFixed(2).padStart(13)}`);
}
process.exit(0);
