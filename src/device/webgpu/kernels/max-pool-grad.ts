/**
 * maxPoolGrad: (x, dy) → dx. Each window's dy goes to its first maximum (row-major scan of the
 * valid cells, strict >). One invocation per dx cell visits the windows covering it in
 * row-major order, recomputes each window's first maximum and adds dy where it is this cell.
 */
import type { KernelBuilder } from './types.js';
import { main1d } from './wgsl.js';
import { coveringRange, forCoveringWindows, forWindowTaps, split4, windowKernel } from './window.js';

export const maxPoolGrad: KernelBuilder<'maxPoolGrad'> = (step, ctx) => {
  const g = step.params;
  return windowKernel(step, ctx, {
    inputs: ['xs', 'dy'],
    threads: g.n * g.h * g.w * g.c,
    body: () => `
// Input cell (row, col) of the first maximum of window (y, x), or (-1, -1) if it has no valid cell.
fn firstMax(b: i32, y: i32, x: i32, ci: i32) -> vec2<i32> {
  var at = vec2<i32>(-1, -1);
  var best = 0.0;
${forWindowTaps(`      let v = xs[((b * P.h + iy) * P.w + ix) * P.c + ci];
      if (at.x < 0 || v > best) { best = v; at = vec2<i32>(iy, ix); }`)}
  return at;
}
${main1d(`${split4(['b', 'iy', 'ix', 'ci'], ['P.h', 'P.w', 'P.c'])}
${coveringRange('y', 'iy', 'P.pt', 'P.kh', 'P.dh', 'P.sh', 'P.oh')}
${coveringRange('x', 'ix', 'P.pl', 'P.kw', 'P.dw', 'P.sw', 'P.ow')}
  var acc = 0.0;
${forCoveringWindows('', `      let at = firstMax(b, y, x, ci);
      if (at.x == iy && at.y == ix) {
        acc = acc + dy[((b * P.oh + y) * P.ow + x) * P.c + ci];
      }`)}
  out[i] = acc;`)}`,
  });
};
