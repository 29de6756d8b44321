/**
 * Micro-benchmark of the wasm matmul kernel, single thread.
 *   npx tsx bench/wasm-matmul.ts [--relaxed] [--sizes 256,512,1024] [--trans] [--cfg '{"mr":6}']
 * Relaxed SIMD is switched on through the V8 flag when --relaxed is given.
 */
import { createWasmKernels } from '../src/device/cpu/wasm/index.js';
import { enableRelaxedSimd } from '../src/device/cpu/wasm/relaxed-flag.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const relaxed = args.includes('--relaxed');
if (relaxed && !enableRelaxedSimd()) console.log('relaxed SIMD unavailable; plain SIMD');
const sizes = (flag('--sizes') ?? '256,512,1024,2048').split(',').map(Number);
const cfg = JSON.parse(flag('--cfg') ?? '{}');
const shapes = flag('--shapes')?.split(';').map((s) => s.split('x').map(Number) as [number, number, number]);
const combos: [boolean, boolean][] = args.includes('--trans')
  ? [[false, false], [true, false], [false, true], [true, true]]
  : [[false, false]];

const maxDim = Math.max(...sizes, ...(shapes ?? []).flat());
const bytes = 3 * maxDim * maxDim * 4 + (16 << 20);
const pages = Math.ceil(bytes / 65536);
const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
const K = createWasmKernels(memory, { relaxed, matmul: cfg });
if (!K) throw new Error('no wasm SIMD');

function bench(m: number, n: number, k: number, tA: boolean, tB: boolean): [median: number, best: number] {
  const f = new Float32Array(memory.buffer);
  const a = 0;
  const b = a + Math.ceil((m * k * 4) / 64) * 64;
  const c = b + Math.ceil((k * n * 4) / 64) * 64;
  const s = c + Math.ceil((m * n * 4) / 64) * 64;
  for (let i = 0; i < m * k + k * n; i++) f[i] = Math.random() - 0.5;
  const flops = 2 * m * n * k;
  const reps = Math.max(Number(flag('--min-reps') ?? 5), Math.min(40, Math.ceil(3e9 / flops)));
  // warm-up (lets the engine tier up the kernel)
  for (let i = 0; i < 3; i++) K!.matmul(a, b, c, m, n, k, tA, tB, 0, m, s);
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    K!.matmul(a, b, c, m, n, k, tA, tB, 0, m, s);
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  const med = times[times.length >> 1]!;
  return [flops / (med * 1e-3) / 1e9, flops / (times[0]! * 1e-3) / 1e9];
}

console.log(`relaxed=${K.relaxed} cfg=${JSON.stringify(cfg)} (single thread)`);
const list: [number, number, number][] = shapes ?? sizes.map((s) => [s, s, s]);
for (const [m, n, k] of list) {
  const row = combos.map(([tA, tB]) => {
    const [med, best] = bench(m, n, k, tA, tB);
    return `${tA ? 'T' : 'N'}${tB ? 'T' : 'N'} ${med.toFixed(1)} (${best.toFixed(1)})`;
  });
  console.log(`${m}x${n}x${k}: ${row.join('  ')} GFLOP/s median (best)`);
}
