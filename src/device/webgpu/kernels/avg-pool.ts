/** avgPool: mean over each window's valid cells (SAME padding averages the valid cells only). */
import type { KernelBuilder } from './types.js';
import { main1d } from './wgsl.js';
import { requireFloat, split4, windowUniforms } from './window.js';

export const avgPool: KernelBuilder<'avgPool'> = (step, ctx) => {
  const g = step.params;
  requireFloat('avgPool', ctx.dtype(step.inputs[0]!));
  const threads = g.n * g.oh * g.ow * g.c;
  return {
    dispatches: [
      {
        key: 'avgPool',
        uniforms: windowUniforms(g, threads),
        bindings: [
          { name: 'xs', source: { buf: step.inputs[0]! }, write: false, elem: 'f32' },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true, elem: 'f32' },
        ],
        body: () =>
          main1d(`${split4(['b', 'y', 'x', 'ci'], ['P.oh', 'P.ow', 'P.c'])}
  var acc = 0.0;
  var count = 0;
  for (var ky = 0; ky < P.kh; ky = ky + 1) {
    let iy = y * P.sh + ky * P.dh - P.pt;
    if (iy < 0 || iy >= P.h) { continue; }
    for (var kx = 0; kx < P.kw; kx = kx + 1) {
      let ix = x * P.sw + kx * P.dw - P.pl;
      if (ix < 0 || ix >= P.w) { continue; }
      acc = acc + xs[((b * P.h + iy) * P.w + ix) * P.c + ci];
      count = count + 1;
    }
  }
  out[i] = select(0.0, acc / f32(count), count > 0);`),
        grid: { threads },
      },
    ],
  };
};
