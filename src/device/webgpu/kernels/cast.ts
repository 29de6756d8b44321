/** cast: element type conversion (float→int truncates, x→bool is x != 0, bool→x is 0/1). */
import { Uniforms } from '../uniforms.js';
import type { Elem, KernelBuilder } from './types.js';
import { FLOAT_LIB, elemOf, main1d } from './wgsl.js';

function convert(from: Elem, to: Elem): string {
  if (from === to) return 'x';
  if (to === 'u32') {
    // NaN != 0, so NaN casts to true as in TF.
    return from === 'f32' ? 'select(0u, 1u, x != 0.0 || isnan_(x))' : 'select(0u, 1u, x != 0)';
  }
  if (to === 'f32') return 'f32(x)';
  // to i32: from f32 truncates toward zero (WGSL saturates out-of-range values; NaN gives 0).
  if (from === 'f32') return 'select(i32(x), 0, isnan_(x))';
  return 'i32(x)';
}

export const cast: KernelBuilder<'cast'> = (step, ctx) => {
  const { n, to } = step.params;
  const from = elemOf(ctx.dtype(step.inputs[0]!));
  const toElem = elemOf(to);
  return {
    dispatches: [
      {
        key: `cast/${from}/${toElem}`,
        uniforms: new Uniforms().u32('n', n),
        bindings: [
          { name: 'xs', source: { buf: step.inputs[0]! }, write: false },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true, elem: toElem },
        ],
        body: () => `${from === 'f32' ? FLOAT_LIB : ''}
${main1d(`  let x = xs[i];\n  out[i] = ${convert(from, toElem)};`)}`,
        grid: { threads: n },
      },
    ],
  };
};
