/** Uniforms and dispatch shared by conv2d and the pooling families (NHWC window geometry). */
import type { DType } from '../../../dtype.js';
import type { Step } from '../../plan.js';
import type { WindowGeom } from '../../prims.js';
import { Uniforms } from '../uniforms.js';
import type { BindingSpec, KernelCtx, KernelOutput } from './types.js';

/** The primitive families whose kernels are built by {@link windowKernel}. */
export type WindowPrim =
  | 'conv2d'
  | 'conv2dBackpropInput'
  | 'conv2dBackpropFilter'
  | 'maxPool'
  | 'maxPoolGrad'
  | 'avgPool'
  | 'avgPoolGrad';

export interface WindowKernelSpec {
  /** WGSL names of the step's inputs, in order (all f32); the output is `out`. */
  inputs: string[];
  /** Invocations, one per index `i < P.n`. */
  threads: number;
  /** Output channels (the `o` uniform): conv2d's; 1 for the pools. */
  o?: number;
  body: () => string;
}

/**
 * The one dispatch of a window family: float32 only, keyed by the family name, the geometry as
 * uniforms ({@link windowUniforms}) and one invocation per index below `threads`.
 */
export function windowKernel<K extends WindowPrim>(step: Step<K>, ctx: KernelCtx, spec: WindowKernelSpec): KernelOutput {
  requireFloat(step.prim, ctx.dtype(step.inputs[0]!));
  const f32 = (name: string, buf: number, write: boolean): BindingSpec => ({ name, source: { buf }, write, elem: 'f32' });
  return {
    dispatches: [
      {
        key: step.prim,
        uniforms: windowUniforms(step.params, spec.threads, spec.o),
        bindings: [...spec.inputs.map((name, k) => f32(name, step.inputs[k]!, false)), f32('out', step.outputs[0]!, true)],
        body: spec.body,
        grid: { threads: spec.threads },
      },
    ],
  };
}

export function windowUniforms(g: WindowGeom, threads: number, o = 1): Uniforms {
  return new Uniforms()
    .u32('n', threads)
    .i32('nb', g.n)
    .i32('h', g.h)
    .i32('w', g.w)
    .i32('c', g.c)
    .i32('o', o)
    .i32('kh', g.kh)
    .i32('kw', g.kw)
    .i32('oh', g.oh)
    .i32('ow', g.ow)
    .i32('sh', g.sh)
    .i32('sw', g.sw)
    .i32('dh', g.dh)
    .i32('dw', g.dw)
    .i32('pt', g.padTop)
    .i32('pl', g.padLeft);
}

/** WGSL: splits `i` (row-major over [·, d1, d2, d3]) into the i32 `names`. */
export function split4(names: [string, string, string, string], dims: [string, string, string]): string {
  return `  var r_ = i32(i);
  let ${names[3]} = r_ % ${dims[2]}; r_ = r_ / ${dims[2]};
  let ${names[2]} = r_ % ${dims[1]}; r_ = r_ / ${dims[1]};
  let ${names[1]} = r_ % ${dims[0]}; r_ = r_ / ${dims[0]};
  let ${names[0]} = r_;`;
}

/**
 * WGSL: the range of output rows (or columns) whose window covers input position `pos` along
 * an axis, as `lo`/`hi` (inclusive) names with the prefix; the kernel still checks the tap.
 */
export function coveringRange(prefix: string, pos: string, pad: string, k: string, d: string, s: string, out: string): string {
  return `  let ${prefix}Lo = max(0, (${pos} + ${pad} - (${k} - 1) * ${d} + ${s} - 1) / ${s});
  let ${prefix}Hi = min(${out} - 1, (${pos} + ${pad}) / ${s});`;
}

/**
 * WGSL: loops over the taps (ky, kx) of output cell (y, x)'s window that fall inside the input,
 * at input row `iy` and column `ix`; `body` (indented for the inner loop) runs for each.
 */
export function forWindowTaps(body: string): string {
  return `  for (var ky = 0; ky < P.kh; ky = ky + 1) {
    let iy = y * P.sh + ky * P.dh - P.pt;
    if (iy < 0 || iy >= P.h) { continue; }
    for (var kx = 0; kx < P.kw; kx = kx + 1) {
      let ix = x * P.sw + kx * P.dw - P.pl;
      if (ix < 0 || ix >= P.w) { continue; }
${body}
    }
  }`;
}

/**
 * WGSL: loops over the output cells (y, x) whose window taps input cell (iy, ix), within the
 * {@link coveringRange}s `y` and `x`; the tap is `ty / P.dh` rows and `tx / P.dw` columns into
 * the window. `perRow` (indented for the outer loop; '' for none) runs once for each such y,
 * `body` (indented for the inner loop) once for each (y, x).
 */
export function forCoveringWindows(perRow: string, body: string): string {
  return `  for (var y = yLo; y <= yHi; y = y + 1) {
    let ty = iy + P.pt - y * P.sh;
    if (ty % P.dh != 0 || ty / P.dh >= P.kh) { continue; }
${perRow && `${perRow}\n`}    for (var x = xLo; x <= xHi; x = x + 1) {
      let tx = ix + P.pl - x * P.sw;
      if (tx % P.dw != 0 || tx / P.dw >= P.kw) { continue; }
${body}
    }
  }`;
}

export function requireFloat(family: string, dtype: DType): void {
  if (dtype !== 'float32') throw new Error(`${family} is defined for float32 only, not ${dtype}`);
}
