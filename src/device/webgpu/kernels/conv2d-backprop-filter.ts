/**
 * conv2dBackpropFilter: (x [n,h,w,c], dy [n,oh,ow,o]) → dfilter [kh,kw,c,o]. One invocation
 * per filter tap sums x·dy over the batch and the output positions.
 */
import type { KernelBuilder } from './types.js';
import { main1d } from './wgsl.js';
import { split4, windowKernel } from './window.js';

export const conv2dBackpropFilter: KernelBuilder<'conv2dBackpropFilter'> = (step, ctx) => {
  const g = step.params;
  return windowKernel(step, ctx, {
    inputs: ['xs', 'dy'],
    threads: g.kh * g.kw * g.c * g.o,
    o: g.o,
    body: () =>
      main1d(`${split4(['ky', 'kx', 'ci', 'oc'], ['P.kw', 'P.c', 'P.o'])}
  var acc = 0.0;
  for (var b = 0; b < P.nb; b = b + 1) {
    for (var y = 0; y < P.oh; y = y + 1) {
      let iy = y * P.sh + ky * P.dh - P.pt;
      if (iy < 0 || iy >= P.h) { continue; }
      for (var x = 0; x < P.ow; x = x + 1) {
        let ix = x * P.sw + kx * P.dw - P.pl;
        if (ix < 0 || ix >= P.w) { continue; }
        acc = acc + xs[((b * P.h + iy) * P.w + ix) * P.c + ci] * dy[((b * P.oh + y) * P.ow + x) * P.o + oc];
      }
    }
  }
  out[i] = acc;`),
  });
};
