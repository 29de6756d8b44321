/** maxPool: max over each window's valid cells (padding is ignored, not 0). */
import type { KernelBuilder } from './types.js';
import { FLOAT_LIB, main1d } from './wgsl.js';
import { forWindowTaps, split4, windowKernel } from './window.js';

export const maxPool: KernelBuilder<'maxPool'> = (step, ctx) => {
  const g = step.params;
  return windowKernel(step, ctx, {
    inputs: ['xs'],
    threads: g.n * g.oh * g.ow * g.c,
    body: () => `${FLOAT_LIB}
${main1d(`${split4(['b', 'y', 'x', 'ci'], ['P.oh', 'P.ow', 'P.c'])}
  var best = -inf_();
${forWindowTaps(`      let v = xs[((b * P.h + iy) * P.w + ix) * P.c + ci];
      if (v > best) { best = v; }`)}
  out[i] = best;`)}`,
  });
};
