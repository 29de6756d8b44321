/** fill: every element = value (written as the dtype's 32-bit pattern). */
import { Uniforms } from '../uniforms.js';
import type { KernelBuilder } from './types.js';
import { bitsOf, main1d } from './wgsl.js';

export const fill: KernelBuilder<'fill'> = (step, ctx) => {
  const { n, value } = step.params;
  const bits = bitsOf(value, ctx.dtype(step.outputs[0]!));
  return {
    dispatches: [
      {
        key: 'fill',
        uniforms: new Uniforms().u32('n', n).u32('bits', bits),
        bindings: [{ name: 'out', source: { buf: step.outputs[0]! }, write: true, elem: 'u32' }],
        body: () => main1d('  out[i] = P.bits;'),
        grid: { threads: n },
      },
    ],
  };
};
