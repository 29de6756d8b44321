/**
 * avgPoolGrad: dy → dx. Each window spreads dy / (its number of valid cells) over its valid
 * cells; one invocation per dx cell gathers from the windows covering it, in row-major order.
 */
import type { KernelBuilder } from './types.js';
import { main1d } from './wgsl.js';
import { coveringRange, forCoveringWindows, split4, windowKernel } from './window.js';

export const avgPoolGrad: KernelBuilder<'avgPoolGrad'> = (step, ctx) => {
  const g = step.params;
  return windowKernel(step, ctx, {
    inputs: ['dy'],
    threads: g.n * g.h * g.w * g.c,
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
${forCoveringWindows(
    `    let ry = taps(y, P.sh, P.kh, P.dh, P.pt, P.h);`,
    `      let cnt = ry * taps(x, P.sw, P.kw, P.dw, P.pl, P.w);
      acc = acc + dy[((b * P.oh + y) * P.ow + x) * P.c + ci] / f32(cnt);`,
  )}
  out[i] = acc;`)}`,
  });
};
