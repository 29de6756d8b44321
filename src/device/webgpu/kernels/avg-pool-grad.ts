/**
 * avgPoolGrad: dy → dx. Each window spreads dy / (its number of valid cells) over its valid
 * cells; one invocation per dx cell gathers from the windows covering it, in row-major order.
 */
import type { KernelBuilder } from './types.js';
import { main1d } from './wgsl.js';
import { coveringRange, requireFloat, split4, windowUniforms } from './window.js';

export const avgPoolGrad: KernelBuilder<'avgPoolGrad'> = (step, ctx) => {
  const g = step.params;
  requireFloat('avgPoolGrad', ctx.dtype(step.inputs[0]!));
  const threads = g.n * g.h * g.w * g.c;
  return {
    dispatches: [
      {
        key: 'avgPoolGrad',
        uniforms: windowUniforms(g, threads),
        bindings: [
          { name: 'dy', source: { buf: step.inputs[0]! }, write: false, elem: 'f32' },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true, elem: 'f32' },
        ],
        body: () => `
// Valid taps of a window starting at out position p along an axis of extent e.
fn taps(p: i32, s: i32, k: i32, d: i32, pad: i32, e: i32) -> i32 {
  var c = 0;
  for (var t = 0; t < k; t = t + 1) {
    let q = p * s + t * d - pad;
    if (q >= 0 && q < e) { c = c + 1; }
  }
  return c;
}
${main1d(`${split4(['b', 'iy', 'ix', 'ci'], ['P.h', 'P.w', 'P.c'])}
${coveringRange('y', 'iy', 'P.pt', 'P.kh', 'P.dh', 'P.sh', 'P.oh')}
${coveringRange('x', 'ix', 'P.pl', 'P.kw', 'P.dw', 'P.sw', 'P.ow')}
  var acc = 0.0;
  for (var y = yLo; y <= yHi; y = y + 1) {
    let ty = iy + P.pt - y * P.sh;
    if (ty % P.dh != 0 || ty / P.dh >= P.kh) { continue; }
    let ry = taps(y, P.sh, P.kh, P.dh, P.pt, P.h);
    for (var x = xLo; x <= xHi; x = x + 1) {
      let tx = ix + P.pl - x * P.sw;
      if (tx % P.dw != 0 || tx / P.dw >= P.kw) { continue; }
      let cnt = ry * taps(x, P.sw, P.kw, P.dw, P.pl, P.w);
      acc = acc + dy[((b * P.oh + y) * P.ow + x) * P.c + ci] / f32(cnt);
    }
  }
  out[i] = acc;`)}`,
        grid: { threads },
      },
    ],
  };
};
