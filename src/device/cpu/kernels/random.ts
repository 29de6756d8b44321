import { sampleNormal, sampleTruncatedNormal, sampleUniform } from '../../philox.js';
import type { CpuKernel } from './types.js';

export const random: CpuKernel<'random'> = (p, _ins, [o], ctx) => {
  const run = ctx.dyn[p.dynSlot]!;
  const out = o as Float32Array;
  const f = p.dist === 'uniform' ? sampleUniform : p.dist === 'normal' ? sampleNormal : sampleTruncatedNormal;
  f(out, p.n, p.seed, run, p.scale, p.shift);
};
