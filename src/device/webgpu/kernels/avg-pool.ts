/** avgPool: mean over each window's valid cells (SAME padding averages the valid cells only). */
import type { KernelBuilder } from './types.js';
import { main1d } from './wgsl.js';
import { forWindowTaps, split4, windowKernel } from './window.js';

export const avgPool: KernelBuilder<'avgPool'> = (step, ctx) => {
  const g = step.params;
  return windowKernel(step, ctx, {
    inputs: ['xs'],
    threads: g.n * g.oh * g.ow * g.c,
    body: () =>
      main1d(`${split4(['b', 'y', 'x', 'ci'], ['P.oh', 'P.ow', 'P.c'])}
  var acc = 0.0;
  var count = 0;
${forWindowTaps(`      acc = acc + xs[((b * P.h + iy) * P.w + ix) * P.c + ci];
      count = count + 1;`)}
  out[i] = select(0.0, acc / f32(count), count > 0);`),
  });
};
