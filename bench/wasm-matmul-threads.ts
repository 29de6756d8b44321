/**
 * Two-thread wasm matmul: the main thread and one worker instantiate the kernels on one shared
 * memory and split C's rows.   npx tsx bench/wasm-matmul-threads.ts [--relaxed] [--threads 2]
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createWasmKernels } from '../src/device/cpu/wasm/index.js';
import { enableRelaxedSimd } from '../src/device/cpu/wasm/relaxed-flag.js';

interface Job {
  a: number; b: number; c: number; m: number; n: number; k: number; tA: boolean; tB: boolean;
  r0: number; r1: number; scratch: number;
}
interface Init {
  memory: WebAssembly.Memory;
  relaxed: boolean;
  ctl: Int32Array;
}

if (!isMainThread) {
  const { memory, relaxed, ctl } = workerData as Init;
  if (relaxed) enableRelaxedSimd();
  const K = createWasmKernels(memory, { relaxed })!;
  parentPort!.on('message', (j: Job) => {
    K.matmul(j.a, j.b, j.c, j.m, j.n, j.k, j.tA, j.tB, j.r0, j.r1, j.scratch);
    Atomics.add(ctl, 0, 1);
    Atomics.notify(ctl, 0);
  });
  parentPort!.postMessage('ready');
} else {
  const args = process.argv.slice(2);
  const relaxed = args.includes('--relaxed') && enableRelaxedSimd();
  const threads = Number(args[args.indexOf('--threads') + 1] ?? 2) || 2;
  const sizes = [256, 512, 1024, 2048];
  const maxDim = Math.max(...sizes);
  const pages = Math.ceil((3 * maxDim * maxDim * 4 + threads * (8 << 20)) / 65536);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const ctl = new Int32Array(new SharedArrayBuffer(4));
  const K = createWasmKernels(memory, { relaxed })!;
  const workers: Worker[] = [];
  for (let t = 1; t < threads; t++) {
    // The worker runs this same file through tsx's loader.
    const boot = `import('tsx/esm/api').then((t) => t.tsImport(${JSON.stringify(new URL(import.meta.url).href)}, ${JSON.stringify(import.meta.url)}))`;
    const w = new Worker(boot, { eval: true, workerData: { memory, relaxed, ctl } satisfies Init });
    await new Promise((res) => w.once('message', res));
    workers.push(w);
  }

  const run = (m: number, n: number, k: number, tA: boolean, tB: boolean, a: number, b: number, c: number, s0: number): void => {
    const rowsPer = Math.ceil(m / threads / 12) * 12;
    Atomics.store(ctl, 0, 0);
    workers.forEach((w, t) => {
      const r0 = Math.min(m, (t + 1) * rowsPer);
      const r1 = Math.min(m, (t + 2) * rowsPer);
      w.postMessage({ a, b, c, m, n, k, tA, tB, r0, r1, scratch: s0 + (t + 1) * (8 << 20) } satisfies Job);
    });
    K.matmul(a, b, c, m, n, k, tA, tB, 0, Math.min(m, rowsPer), s0);
    let done: number;
    while ((done = Atomics.load(ctl, 0)) < workers.length) Atomics.wait(ctl, 0, done, 1000);
  };

  console.log(`${threads} threads, relaxed=${K.relaxed}`);
  for (const sz of sizes) {
    const [m, n, k] = [sz, sz, sz];
    const a = 0;
    const b = m * k * 4;
    const c = b + k * n * 4;
    const s0 = c + m * n * 4;
    const f = new Float32Array(memory.buffer, 0, m * k + k * n);
    for (let i = 0; i < f.length; i++) f[i] = Math.random() - 0.5;
    const row: string[] = [];
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const flops = 2 * m * n * k;
      const reps = Math.max(5, Math.min(40, Math.ceil(4e9 / flops)));
      for (let i = 0; i < 3; i++) run(m, n, k, tA, tB, a, b, c, s0);
      const ts: number[] = [];
      for (let i = 0; i < reps; i++) {
        const t0 = performance.now();
        run(m, n, k, tA, tB, a, b, c, s0);
        ts.push(performance.now() - t0);
      }
      ts.sort((x, y) => x - y);
      row.push(`${tA ? 'T' : 'N'}${tB ? 'T' : 'N'} ${(flops / ts[ts.length >> 1]! / 1e6).toFixed(1)}`);
    }
    console.log(`${sz}³: ${row.join('  ')} GFLOP/s`);
  }
  for (const w of workers) await w.terminate();
}
