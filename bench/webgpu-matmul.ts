/**
 * WebGPU matmul throughput and MLP training-step time, through the public API only.
 *
 *   npx tsx bench/webgpu-matmul.ts [sizes...] [--chain N] [--runs N] [--steps N] [--no-mlp]
 *
 * For each size n (default 256 512 1024 2048 4096; 256 512 1024 with chains of 2 on a software
 * adapter such as lavapipe): float32 variables a and b, [n, n], drawn on
 * the device by their initializers (tf.randomNormal; b has stddev 1/√n so repeated products
 * keep their scale), then one run computes the chain c1 = a·b, c2 = c1·b, ..., cL = cL−1·b and
 * fetches only reduceSum(cL), a scalar. After warm-up runs, the median of the timed runs gives
 * GFLOP/s = L·2n³ / time (the time includes the run's submission and the scalar read-back,
 * which the chain length amortizes).
 *
 * Then one training step (forward, backward, Adam update; the batch fed each step, the loss
 * fetched) of a 784-256-10 MLP at batch 128, median ms over the timed steps, on WebGPU and on
 * the CPU.
 *
 * Plain ES module code with top-level await: it runs under tsx and, bundled, under node.
 */
import * as tf from 'tsflow';

// ---- arguments ------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const sizes: number[] = [];
const opts = new Map<string, string | true>();
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (a.startsWith('--')) {
    const next = argv[i + 1];
    if (a === '--no-mlp') opts.set('no-mlp', true);
    else if (next !== undefined && !next.startsWith('--')) {
      opts.set(a.slice(2), next);
      i++;
    } else opts.set(a.slice(2), true);
  } else {
    for (const s of a.split(',')) if (s) sizes.push(Number(s));
  }
}
const sizesGiven = sizes.length > 0;
const num = (name: string, dflt: number): number => {
  const v = opts.get(name);
  return typeof v === 'string' ? Number(v) : dflt;
};
const runs = Math.max(5, num('runs', 7));
const steps = Math.max(20, num('steps', 30));
let fixedChain = opts.has('chain') ? num('chain', 8) : null;
if (sizes.some((s) => !Number.isInteger(s) || s < 1) || !(runs >= 5) || !(steps >= 20)) {
  console.error('usage: webgpu-matmul [sizes...] [--chain N] [--runs N (>= 5)] [--steps N (>= 20)] [--no-mlp]');
  process.exit(2);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

// ---- the adapter ----------------------------------------------------------------------------

/** Kept for the life of the process: a WebGPU entry point must outlive what was made from it. */
const keep: unknown[] = [];

interface AdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}
interface GpuEntry {
  requestAdapter(): Promise<AdapterLike | null>;
}

/** Whether the adapter is a software rasterizer (lavapipe / llvmpipe / SwiftShader). */
let softwareAdapter = false;

/** The adapter's name as the WebGPU implementation reports it (the one a session gets). */
async function adapterName(): Promise<string> {
  try {
    let gpu = (globalThis as { navigator?: { gpu?: GpuEntry } }).navigator?.gpu;
    if (!gpu) {
      // The optional runtime tsflow itself loads in Node; a computed name keeps bundlers off it.
      const specifier = 'webgpu';
      const mod = (await import(specifier)) as { create(flags: string[]): GpuEntry };
      gpu = mod.create([]);
    }
    keep.push(gpu);
    const adapter = await gpu.requestAdapter();
    keep.push(adapter);
    const i = adapter?.info;
    if (!i) return 'unknown adapter';
    softwareAdapter = i.architecture === 'software' || /llvmpipe|lavapipe|swiftshader/i.test(`${i.description ?? ''} ${i.device ?? ''}`);
    const parts = [i.description, i.vendor && `vendor ${i.vendor}`, i.architecture && `arch ${i.architecture}`].filter((x) => !!x);
    return parts.length > 0 ? parts.join(', ') : 'unknown adapter';
  } catch (e) {
    return `unknown adapter (${(e as Error).message.split('\n')[0]})`;
  }
}

// ---- matmul ---------------------------------------------------------------------------------

/** Chain length: enough work per run to hide the fixed cost of a run, within 8..64 products. */
function chainFor(n: number): number {
  if (fixedChain !== null) return Math.max(1, Math.floor(fixedChain));
  return Math.min(64, Math.max(8, Math.round(1e12 / (2 * n ** 3))));
}

async function benchMatmul(n: number): Promise<{ gflops: number; ms: number; chain: number; sum: number }> {
  const chain = chainFor(n);
  const g = new tf.Graph();
  const m = g.asDefault(() => {
    const a = new tf.Variable(tf.randomNormal([n, n], { seed: 1 }), { name: 'a' });
    const b = new tf.Variable(tf.randomNormal([n, n], { stddev: 1 / Math.sqrt(n), seed: 2 }), { name: 'b' });
    let c: tf.Tensor = tf.matmul(a, b);
    for (let i = 1; i < chain; i++) c = tf.matmul(c, b);
    return { sum: tf.reduceSum(c), init: tf.globalVariablesInitializer() };
  });
  const sess = new tf.Session({ graph: g, device: 'webgpu' });
  try {
    await sess.run(m.init);
    const once = async (): Promise<number> => ((await sess.run(m.sum)) as tf.NDArray).data[0]!;
    let sum = 0;
    for (let i = 0; i < 2; i++) sum = await once();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await once();
      times.push(performance.now() - t0);
    }
    const ms = median(times);
    return { gflops: (chain * 2 * n ** 3) / (ms * 1e-3) / 1e9, ms, chain, sum };
  } finally {
    await sess.close();
  }
}

// ---- MLP training step ----------------------------------------------------------------------

const B = 128;
const IN = 784;
const H = 256;
const OUT = 10;

function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 0x100000000;
  }
  return out;
}

async function benchMlp(device: 'cpu' | 'webgpu'): Promise<number> {
  const g = new tf.Graph();
  const m = g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [B, IN], 'x');
    const y = tf.placeholder(tf.int32, [B], 'y');
    const w1 = new tf.Variable(tf.truncatedNormal([IN, H], { stddev: Math.sqrt(2 / IN), seed: 3 }), { name: 'w1' });
    const b1 = new tf.Variable(tf.zeros([H]), { name: 'b1' });
    const w2 = new tf.Variable(tf.truncatedNormal([H, OUT], { stddev: Math.sqrt(2 / H), seed: 4 }), { name: 'w2' });
    const b2 = new tf.Variable(tf.zeros([OUT]), { name: 'b2' });
    const h = tf.nn.relu(tf.add(tf.matmul(x, w1), b1));
    const logits = tf.add(tf.matmul(h, w2), b2);
    const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }));
    const train = new tf.train.AdamOptimizer(1e-3).minimize(loss);
    return { x, y, loss, train, init: tf.globalVariablesInitializer() };
  });
  const sess = new tf.Session({ graph: g, device });
  try {
    await sess.run(m.init);
    const feeds = new Map<tf.Tensor, tf.NDArray>([
      [m.x, new tf.NDArray(seeded(B * IN, 5), [B, IN], 'float32')],
      [m.y, new tf.NDArray(Int32Array.from({ length: B }, (_, i) => (i * 7) % OUT), [B], 'int32')],
    ]);
    const step = (): Promise<unknown> => sess.run([m.loss, m.train], feeds);
    for (let i = 0; i < 5; i++) await step();
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      await step();
      times.push(performance.now() - t0);
    }
    return median(times);
  } finally {
    await sess.close();
  }
}

// ---- main -----------------------------------------------------------------------------------

console.log(`adapter: ${await adapterName()}`);
if (!sizesGiven) {
  // A software adapter manages about a GFLOP/s: smaller sizes and short chains keep this to a minute or two.
  if (softwareAdapter) {
    sizes.push(256, 512, 1024);
    fixedChain ??= 2;
    console.log('software adapter: default sizes 256 512 1024, chains of 2 products');
  } else sizes.push(256, 512, 1024, 2048, 4096);
}
console.log(`float32 matmul n×n·n×n on WebGPU: median of ${runs} runs after 2 warm-up runs, each run a chain of L products`);
for (const n of sizes) {
  try {
    const r = await benchMatmul(n);
    console.log(
      `matmul ${String(n).padStart(5)}: ${r.gflops.toFixed(1).padStart(9)} GFLOP/s  (L=${r.chain}, ${r.ms.toFixed(2)} ms per run, checksum ${r.sum.toPrecision(4)})`,
    );
  } catch (e) {
    console.log(`matmul ${String(n).padStart(5)}: failed: ${(e as Error).message.split('\n')[0]}`);
  }
}

if (!opts.has('no-mlp')) {
  console.log(`MLP 784-256-10 training step (batch ${B}, Adam), median of ${steps} steps after 5 warm-up steps:`);
  const results: Partial<Record<'webgpu' | 'cpu', number>> = {};
  for (const device of ['webgpu', 'cpu'] as const) {
    try {
      results[device] = await benchMlp(device);
      console.log(`mlp step ${device.padEnd(6)}: ${results[device]!.toFixed(2)} ms`);
    } catch (e) {
      console.log(`mlp step ${device.padEnd(6)}: failed: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (results.webgpu !== undefined && results.cpu !== undefined) {
    console.log(`mlp step webgpu/cpu: ${(results.webgpu / results.cpu).toFixed(2)}×`);
  }
}
process.exit(0);
