/**
 * maxPoolGrad: (x, dy) → dx. Each window's dy goes to its first maximum (row-major scan of the
 * valid cells, strict >). One invocation per dx cell visits the windows covering it in
 * row-major order, recomputes each window's first maximum and adds dy where it is this cell.
 */
import type { KernelBuilder } from './types.js';
import { main1d } from './wgsl.js';
import { coveringRange, requireFloat, split4, windowUniforms } from './window.js';

export const maxPoolGrad: KernelBuilder<'maxPoolGrad'> = (step, ctx) => {
  const g = step.params;
  requireFloat('maxPoolGrad', ctx.dtype(step.inputs[0]!));
  const threads = g.n * g.h * g.w * g.c;
  return {
    dispatches: [
      {
        key: 'maxPoolGrad',
        uniforms: windowUniforms(g, threads),
        bindings: [
          { name: 'xs', source: { buf: step.inputs[0]! }, write: false, elem: 'f32' },
          { name: 'dy', source: { buf: step.inputs[1]! }, write: false, elem: 'f32' },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true, elem: 'f32' },
        ],
        body: () => `
// Input cell (row, col) of the first maximum of window (y, x), or (-1, -1) if it has no valid cell.
fn firstMax(b: i32, y: i32, x: i32, ci: i32) -> vec2<i32> {
  var at = vec2<i32>(-1, -1);
  var best = 0.0;
  for (var ky = 0; ky < P.kh; ky = ky + 1) {
    let iy = y * P.sh + ky * P.dh - P.pt;
    if (iy < 0 || iy >= P.h) { continue; }
    for (var kx = 0; kx < P.kw; kx = kx + 1) {
      let ix = x * P.sw + kx * P.dw - P.pl;
      if (ix < 0 || ix >= P.w) { continue; }
      let v = xs[((b * P.h + iy) * P.w + ix) * P.c + ci];
      if (at.x < 0 || v > best) { best = v; at = vec2<i32>(iy, ix); }
    }
  }
  return at;
}
${main1d(`${split4(['b', 'iy', 'ix', 'ci'], ['P.h', 'P.w', 'P.c'])}
${coveringRange('y', 'iy', 'P.pt', 'P.kh', 'P.dh', 'P.sh', 'P.oh')}
${coveringRange('x', 'ix', 'P.pl', 'P.kw', 'P.dw', 'P.sw', 'P.ow')}
  var acc = 0.0;
  for (var y = yLo; y <= yHi; y = y + 1) {
    let ty = iy + P.pt - y * P.sh;
    if (ty % P.dh != 0 || ty / P.dh >= P.kh) { continue; }
    for (var x = xLo; x <= xHi; x = x + 1) {
      let tx = ix + P.pl - x * P.sw;
      if (tx % P.dw != 0 || tx / P.dw >= P.kw) { continue; }
      let at = firstMax(b, y, x, ci);
      if (at.x == iy && at.y == ix) {
        acc = acc + dy[((b * P.oh + y) * P.ow + x) * P.c + ci];
      }
    }
  }
  out[i] = acc;`)}`,
        grid: { threads },
      },
    ],
  };
};
