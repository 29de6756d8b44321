/**
 * conv2dBackpropInput: (dy [n,oh,ow,o], filter [kh,kw,c,o]) → dx [n,h,w,c]. One invocation
 * per dx cell sums over the output cells whose window taps it.
 */
import type { KernelBuilder } from './types.js';
import { main1d } from './wgsl.js';
import { coveringRange, forCoveringWindows, split4, windowKernel } from './window.js';

export const conv2dBackpropInput: KernelBuilder<'conv2dBackpropInput'> = (step, ctx) => {
  const g = step.params;
  return windowKernel(step, ctx, {
    inputs: ['dy', 'fs'],
    threads: g.n * g.h * g.w * g.c,
    o: g.o,
    body: () =>
      main1d(`${split4(['b', 'iy', 'ix', 'ci'], ['P.h', 'P.w', 'P.c'])}
${coveringRange('y', 'iy', 'P.pt', 'P.kh', 'P.dh', 'P.sh', 'P.oh')}
${coveringRange('x', 'ix', 'P.pl', 'P.kw', 'P.dw', 'P.sw', 'P.ow')}
  var acc = 0.0;
${forCoveringWindows(
    `    let ky = ty / P.dh;`,
    `      let kx = tx / P.dw;
      let db = ((b * P.oh + y) * P.ow + x) * P.o;
      let fb = ((ky * P.kw + kx) * P.c + ci) * P.o;
      for (var oc = 0; oc < P.o; oc = oc + 1) {
        acc = acc + dy[db + oc] * fs[fb + oc];
      }`,
  )}
  out[i] = acc;`),
  });
};
