/**
 * conv2dBackpropInput: (dy [n,oh,ow,o], filter [kh,kw,c,o]) → dx [n,h,w,c]. One invocation
 * per dx cell sums over the output cells whose window taps it.
 */
import type { KernelBuilder } from './types.js';
import { main1d } from './wgsl.js';
import { coveringRange, requireFloat, split4, windowUniforms } from './window.js';

export const conv2dBackpropInput: KernelBuilder<'conv2dBackpropInput'> = (step, ctx) => {
  const g = step.params;
  requireFloat('conv2dBackpropInput', ctx.dtype(step.inputs[0]!));
  const threads = g.n * g.h * g.w * g.c;
  return {
    dispatches: [
      {
        key: 'conv2dBackpropInput',
        uniforms: windowUniforms(g, threads, g.o),
        bindings: [
          { name: 'dy', source: { buf: step.inputs[0]! }, write: false, elem: 'f32' },
          { name: 'fs', source: { buf: step.inputs[1]! }, write: false, elem: 'f32' },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true, elem: 'f32' },
        ],
        body: () =>
          main1d(`${split4(['b', 'iy', 'ix', 'ci'], ['P.h', 'P.w', 'P.c'])}
${coveringRange('y', 'iy', 'P.pt', 'P.kh', 'P.dh', 'P.sh', 'P.oh')}
${coveringRange('x', 'ix', 'P.pl', 'P.kw', 'P.dw', 'P.sw', 'P.ow')}
  var acc = 0.0;
  for (var y = yLo; y <= yHi; y = y + 1) {
    let ty = iy + P.pt - y * P.sh;
    if (ty % P.dh != 0 || ty / P.dh >= P.kh) { continue; }
    let ky = ty / P.dh;
    for (var x = xLo; x <= xHi; x = x + 1) {
      let tx = ix + P.pl - x * P.sw;
      if (tx % P.dw != 0 || tx / P.dw >= P.kw) { continue; }
      let kx = tx / P.dw;
      let db = ((b * P.oh + y) * P.ow + x) * P.o;
      let fb = ((ky * P.kw + kx) * P.c + ci) * P.o;
      for (var oc = 0; oc < P.o; oc = oc + 1) {
        acc = acc + dy[db + oc] * fs[fb + oc];
      }
    }
  }
  out[i] = acc;`),
        grid: { threads },
      },
    ],
  };
};
