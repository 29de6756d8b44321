/**
 * Micro-benchmark of the wasm elementwise and reduction kernels against plain JS loops on the
 * same memory, single thread.   npx tsx bench/wasm-elementwise.ts
 */
import { createWasmKernels } from '../src/device/cpu/wasm/index.js';

const memory = new WebAssembly.Memory({ initial: 1024, maximum: 1024, shared: true });
const K = createWasmKernels(memory)!;

function time(fn: () => void, reps: number): number {
  for (let i = 0; i < 3; i++) fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((x, y) => x - y);
  return ts[ts.length >> 1]!;
}

for (const n of [1 << 14, 1 << 20]) {
  const a = 0;
  const b = n * 4;
  const c = 2 * n * 4;
  const A = new Float32Array(memory.buffer, a, n);
  const B = new Float32Array(memory.buffer, b, n);
  const C = new Float32Array(memory.buffer, c, n);
  for (let i = 0; i < n; i++) {
    A[i] = Math.random() - 0.5;
    B[i] = Math.random() - 0.5;
  }
  const reps = n < 100000 ? 200 : 30;
  const rows: [string, () => void, () => void][] = [
    ['add', () => K.binary('add', a, b, c, n), () => { for (let i = 0; i < n; i++) C[i] = A[i]! + B[i]!; }],
    ['mul scalar', () => K.binaryScalar('mul', a, 0.5, c, n), () => { for (let i = 0; i < n; i++) C[i] = A[i]! * 0.5; }],
    ['max', () => K.binary('max', a, b, c, n), () => { for (let i = 0; i < n; i++) C[i] = Math.max(A[i]!, B[i]!); }],
    ['reluGrad', () => K.binary('reluGrad', a, b, c, n), () => { for (let i = 0; i < n; i++) C[i] = A[i]! > 0 ? B[i]! : 0; }],
    ['relu', () => K.unary('relu', a, c, n), () => { for (let i = 0; i < n; i++) C[i] = Math.max(A[i]!, 0); }],
    ['sum rows [n/256,256,1]', () => K.reduce('sum', a, c, n / 256, 256, 1), () => {
      for (let o = 0; o < n / 256; o++) { let s = 0; for (let j = 0; j < 256; j++) s += A[o * 256 + j]!; C[o] = s; }
    }],
    ['sum cols [1,n/256,256]', () => K.reduce('sum', a, c, 1, n / 256, 256), () => {
      C.fill(0, 0, 256);
      for (let s = 0; s < n / 256; s++) for (let j = 0; j < 256; j++) C[j]! += A[s * 256 + j]!;
    }],
  ];
  console.log(`n = ${n} (single thread; GB/s counts bytes read + written)`);
  for (const [name, w, j] of rows) {
    const tw = time(w, reps);
    const tj = time(j, reps);
    const bytes = (name.startsWith('sum') ? 1 : name === 'relu' || name === 'mul scalar' ? 2 : 3) * n * 4;
    console.log(
      `  ${name.padEnd(24)} wasm ${(tw * 1000).toFixed(1).padStart(8)} µs (${(bytes / tw / 1e6).toFixed(1)} GB/s)` +
        `   js ${(tj * 1000).toFixed(1).padStart(8)} µs   ×${(tj / tw).toFixed(1)}`,
    );
  }
}
