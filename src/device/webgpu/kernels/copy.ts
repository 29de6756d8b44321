/** copy: out[idx] = in[inOffset + Σ idx[d]·inStrides[d]] (strides may be 0 or negative). */
import { Uniforms } from '../uniforms.js';
import type { KernelBuilder } from './types.js';
import { collapseAxes, main1d, stridedIndex } from './wgsl.js';

export const copy: KernelBuilder<'copy'> = (step) => {
  const { outShape, inStrides, inOffset } = step.params;
  const n = outShape.reduce((p, d) => p * d, 1);
  const c = collapseAxes(outShape, [inStrides]);
  const rank = c.shape.length;
  const u = new Uniforms().u32('n', n).i32('offset', inOffset);
  if (rank > 0) u.axes('ax', c.shape.map((d, k) => [d, c.strides[0]![k]!]));
  return {
    dispatches: [
      {
        key: `copy/r${rank}`,
        uniforms: u,
        bindings: [
          { name: 'xs', source: { buf: step.inputs[0]! }, write: false, elem: 'u32' },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true, elem: 'u32' },
        ],
        body: () =>
          main1d(`${stridedIndex(rank, ['ix'])}
  out[i] = xs[P.offset + ix];`),
        grid: { threads: n },
      },
    ],
  };
};
