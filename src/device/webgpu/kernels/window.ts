/** Uniforms shared by conv2d and the pooling families (NHWC window geometry). */
import type { DType } from '../../../dtype.js';
import type { WindowGeom } from '../../prims.js';
import { Uniforms } from '../uniforms.js';

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

export function requireFloat(family: string, dtype: DType): void {
  if (dtype !== 'float32') throw new Error(`${family} is defined for float32 only, not ${dtype}`);
}
