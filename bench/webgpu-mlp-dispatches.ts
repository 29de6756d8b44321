/**
 * WebGPU compute dispatches per MLP training step (784-256-10, batch 128, SGD; the step of
 * `npm run bench`'s mlp case), with elementwise fusion off and on
 * (graphOptions.optimizerOptions.globalJitLevel OFF / ON_1), and the median step time.
 *
 *   npx tsx bench/webgpu-mlp-dispatches.ts [--steps N]
 */
import { mlpStepGraph, tf } from './lib/tsflow.js';

const argv = process.argv.slice(2);
const steps = Number(argv[argv.indexOf('--steps') + 1] ?? 20) || 20;
const B = 128, IN = 784, H = 256, OUT = 10;

if (!(await tf.webgpuAvailable())) {
  console.log('no WebGPU adapter: nothing to measure');
  process.exit(0);
}
const { g, m, feeds } = mlpStepGraph(B, IN, H, OUT);
console.log('fusion  plan steps  dispatches/step  median ms/step');
for (const level of ['OFF', 'ON_1'] as const) {
  const sess = new tf.Session({ graph: g, device: 'webgpu', graphOptions: { optimizerOptions: { globalJitLevel: level } } });
  await sess.run(m.init);
  const before = { ...sess.stats };
  await sess.run([m.loss, m.train], feeds);
  const planSteps = sess.stats.stepsAfterFusion - before.stepsAfterFusion;
  // the compiled programs of the session's WebGPU runner (internal)
  const runner = (sess as unknown as { runners: Map<string, { cache: Map<string, { program: { dispatchCount?: number }; compiled: { plan: { steps: unknown[] } } }> }> }).runners.get('webgpu')!;
  const biggest = [...runner.cache.values()].sort((a, b) => b.compiled.plan.steps.length - a.compiled.plan.steps.length)[0]!;
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await sess.run([m.loss, m.train], feeds);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`${level.padEnd(8)}${String(planSteps).padStart(10)}${String(biggest.program.dispatchCount).padStart(17)}${times[times.length >> 1]!.toFixed(2).padStart(16)}`);
  await sess.close();
}
