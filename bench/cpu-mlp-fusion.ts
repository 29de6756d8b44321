/**
 * Elementwise fusion on the CPU, A/B in one process: the MLP 784-256-10 training step (batch
 * 128, SGD; `npm run bench`'s mlp case) with fusion off and on (graphOptions.optimizerOptions
 * .globalJitLevel OFF / ON_1) at each thread count. The sessions alternate in rounds; the table
 * shows plan steps before/after fusion (session.stats), the median over rounds of each
 * round's median ms/step, and on/off ratios. Note the load average: the machine is shared.
 *
 *   npx tsx bench/cpu-mlp-fusion.ts [--threads 1,2] [--rounds 5] [--steps 20]
 */
import os from 'node:os';
import { mlpStepGraph, poolReady, tf } from './lib/tsflow.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1]! : dflt);
const threadCounts = opt('threads', '1,2').split(',').map(Number);
const rounds = Number(opt('rounds', '5'));
const steps = Number(opt('steps', '20'));
const B = 128, IN = 784, H = 256, OUT = 10;

const { g, m, feeds } = mlpStepGraph(B, IN, H, OUT);

interface Arm { threads: number; level: 'OFF' | 'ON_1'; sess: InstanceType<typeof tf.Session>; before: number; after: number; medians: number[]; cpu: number[] }
const arms: Arm[] = [];
for (const threads of threadCounts) {
  for (const level of ['OFF', 'ON_1'] as const) {
    const sess = new tf.Session({ graph: g, threads, graphOptions: { optimizerOptions: { globalJitLevel: level } } });
    await sess.run(m.init);
    const s0 = { ...sess.stats };
    await sess.run([m.loss, m.train], feeds);
    await poolReady(sess);
    arms.push({ threads, level, sess, before: sess.stats.stepsBeforeFusion - s0.stepsBeforeFusion, after: sess.stats.stepsAfterFusion - s0.stepsAfterFusion, medians: [], cpu: [] });
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (let r = 0; r < rounds; r++) {
  // rotate the order each round so no arm always runs first
  for (let i = 0; i < arms.length; i++) {
    const arm = arms[(i + r) % arms.length]!;
    for (let w = 0; w < 3; w++) await arm.sess.run([m.loss, m.train], feeds);
    const times: number[] = [];
    const c0 = process.cpuUsage();
    for (let s = 0; s < steps; s++) {
      const t0 = performance.now();
      await arm.sess.run([m.loss, m.train], feeds);
      times.push(performance.now() - t0);
    }
    const c = process.cpuUsage(c0);
    arm.medians.push(median(times));
    arm.cpu.push((c.user + c.system) / 1000 / steps);
  }
}
console.log(`load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
// CPU ms/step: the process's CPU time (all threads) per step, less disturbed by other load
// than wall time on a shared machine
console.log('threads  fusion  steps before→after  median ms/step  CPU ms/step  (round medians)');
for (const a of arms) {
  console.log(`${String(a.threads).padStart(7)}  ${a.level.padEnd(6)}  ${`${a.before}→${a.after}`.padStart(19)}  ${median(a.medians).toFixed(2).padStart(14)}  ${median(a.cpu).toFixed(2).padStart(11)}  (${a.medians.map((x) => x.toFixed(2)).join(' ')})`);
}
for (const t of threadCounts) {
  const off = arms.find((a) => a.threads === t && a.level === 'OFF')!, on = arms.find((a) => a.threads === t && a.level === 'ON_1')!;
  console.log(`${t} thread${t > 1 ? 's' : ''}: fused step ${(median(off.medians) / median(on.medians)).toFixed(2)}× the speed of the unfused (CPU time ${(median(off.cpu) / median(on.cpu)).toFixed(2)}×)`);
}
if (threadCounts.includes(1)) {
  for (const level of ['OFF', 'ON_1'] as const) {
    const one = arms.find((a) => a.threads === 1 && a.level === level)!;
    for (const a of arms.filter((x) => x.level === level && x.threads > 1)) {
      console.log(`fusion ${level}: ${a.threads} threads ${(median(one.medians) / median(a.medians)).toFixed(2)}× one thread`);
    }
  }
}
for (const a of arms) await a.sess.close();
process.exit(0);
