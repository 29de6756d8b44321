/**
 * float32 matmul n×n·n×n with @tensorflow/tfjs-backend-webgpu in Node, on the adapter the
 * `webgpu` package gives (the one tsflow's WebGPU device uses), for comparison with
 * bench/webgpu-matmul.ts. The package is optional and not a dependency: without it this prints
 * a line saying so and exits 0.
 *
 *   npx tsx bench/tfjs-webgpu-matmul.ts [sizes...] [--runs N]
 *
 * Each timed run is one matMul whose result is read back (dataSync-free: `data()`), median of
 * the runs after 2 warm-up runs.
 */
import { createRequire } from 'node:module';

const argv = process.argv.slice(2);
const sizes: number[] = [];
let runs = 7;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--runs') runs = Math.max(3, Number(argv[++i]));
  else for (const s of argv[i]!.split(',')) if (s) sizes.push(Number(s));
}
if (sizes.length === 0) sizes.push(256, 512, 1024);

const PKG = '@tensorflow/tfjs-backend-webgpu';
const req = createRequire(import.meta.url);
try {
  req.resolve(`${PKG}/package.json`);
} catch {
  console.log(`${PKG} is not installed: skipping the tfjs WebGPU comparison`);
  process.exit(0);
}

// Computed specifiers: neither package is a declared dependency with types here.
const importAny = (s: string): Promise<any> => import(s);
const webgpu = await importAny('webgpu');
Object.assign(globalThis, webgpu.globals);
Object.defineProperty(globalThis, 'navigator', { value: { ...(globalThis as any).navigator, gpu: webgpu.create([]) }, configurable: true });

const log = console.log;
console.log = () => {};
const tfMod = await importAny('@tensorflow/tfjs');
const tf = tfMod.default && Object.keys(tfMod).length <= 2 ? tfMod.default : tfMod;
await importAny(PKG);
const ok: boolean = await tf.setBackend('webgpu');
console.log = log;
if (!ok) {
  console.log(`${PKG}: the webgpu backend failed to start in Node`);
  process.exit(0);
}
await tf.ready();

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

for (const n of sizes) {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1 / Math.sqrt(n), 'float32', 2);
  const once = async (): Promise<void> => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  };
  for (let i = 0; i < 2; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await once();
    times.push(performance.now() - t0);
  }
  const ms = median(times);
  console.log(`tfjs-backend-webgpu matmul ${String(n).padStart(5)}: ${((2 * n ** 3) / (ms * 1e-3) / 1e9).toFixed(1).padStart(9)} GFLOP/s  (${ms.toFixed(2)} ms per run, read-back included)`);
  a.dispose();
  b.dispose();
}
process.exit(0);
