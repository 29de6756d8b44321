/**
 * conv2d: NHWC cross-correlation, x [n,h,w,c] · filter [kh,kw,c,o] → [n,oh,ow,o];
 * taps outside the input (padding) contribute 0. One invocation per output cell.
 */
import type { KernelBuilder } from './types.js';
import { main1d } from './wgsl.js';
import { requireFloat, split4, windowUniforms } from './window.js';

export const conv2d: KernelBuilder<'conv2d'> = (step, ctx) => {
  const g = step.params;
  requireFloat('conv2d', ctx.dtype(step.inputs[0]!));
  const threads = g.n * g.oh * g.ow * g.o;
  return {
    dispatches: [
      {
        key: 'conv2d',
        uniforms: windowUniforms(g, threads, g.o),
        bindings: [
          { name: 'xs', source: { buf: step.inputs[0]! }, write: false, elem: 'f32' },
          { name: 'fs', source: { buf: step.inputs[1]! }, write: false, elem: 'f32' },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true, elem: 'f32' },
        ],
        body: () =>
          main1d(`${split4(['b', 'y', 'x', 'oc'], ['P.oh', 'P.ow', 'P.o'])}
  var acc = 0.0;
  for (var ky = 0; ky < P.kh; ky = ky + 1) {
    let iy = y * P.sh + ky * P.dh - P.pt;
    if (iy < 0 || iy >= P.h) { continue; }
    for (var kx = 0; kx < P.kw; kx = kx + 1) {
      let ix = x * P.sw + kx * P.dw - P.pl;
      if (ix < 0 || ix >= P.w) { continue; }
      let xb = ((b * P.h + iy) * P.w + ix) * P.c;
      let fb = (ky * P.kw + kx) * P.c * P.o + oc;
      for (var ci = 0; ci < P.c; ci = ci + 1) {
        acc = acc + xs[xb + ci] * fs[fb + ci * P.o];
      }
    }
  }
  out[i] = acc;`),
        grid: { threads },
      },
    ],
  };
};
