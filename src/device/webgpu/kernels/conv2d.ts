/**
 * conv2d: NHWC cross-correlation, x [n,h,w,c] · filter [kh,kw,c,o] → [n,oh,ow,o];
 * taps outside the input (padding) contribute 0. One invocation per output cell.
 */
import type { KernelBuilder } from './types.js';
import { main1d } from './wgsl.js';
import { forWindowTaps, split4, windowKernel } from './window.js';

export const conv2d: KernelBuilder<'conv2d'> = (step, ctx) => {
  const g = step.params;
  return windowKernel(step, ctx, {
    inputs: ['xs', 'fs'],
    threads: g.n * g.oh * g.ow * g.o,
    o: g.o,
    body: () =>
      main1d(`${split4(['b', 'y', 'x', 'oc'], ['P.oh', 'P.ow', 'P.o'])}
  var acc = 0.0;
${forWindowTaps(`      let xb = ((b * P.h + iy) * P.w + ix) * P.c;
      let fb = (ky * P.kw + kx) * P.c * P.o + oc;
      for (var ci = 0; ci < P.c; ci = ci + 1) {
        acc = acc + xs[xb + ci] * fs[fb + ci * P.o];
      }`)}
  out[i] = acc;`),
  });
};
