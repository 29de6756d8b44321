/** select: out = cond ? a : b, broadcasting all three (values moved as raw 32-bit words). */
import { Uniforms } from '../uniforms.js';
import type { KernelBuilder } from './types.js';
import { collapseAxes, main1d, stridedIndex } from './wgsl.js';

export const select: KernelBuilder<'select'> = (step) => {
  const { outShape, cStrides, aStrides, bStrides } = step.params;
  const n = outShape.reduce((p, d) => p * d, 1);
  const c = collapseAxes(outShape, [cStrides, aStrides, bStrides]);
  const rank = c.shape.length;
  const u = new Uniforms().u32('n', n);
  if (rank > 0) {
    u.axes('ax', c.shape.map((d, k) => [d, c.strides[0]![k]!, c.strides[1]![k]!, c.strides[2]![k]!]));
  }
  return {
    dispatches: [
      {
        key: `select/r${rank}`,
        uniforms: u,
        bindings: [
          { name: 'cs', source: { buf: step.inputs[0]! }, write: false, elem: 'u32' },
          { name: 'as_', source: { buf: step.inputs[1]! }, write: false, elem: 'u32' },
          { name: 'bs_', source: { buf: step.inputs[2]! }, write: false, elem: 'u32' },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true, elem: 'u32' },
        ],
        body: () =>
          main1d(`${stridedIndex(rank, ['ic', 'ia', 'ib'])}
  out[i] = select(bs_[ib], as_[ia], cs[ic] != 0u);`),
        grid: { threads: n },
      },
    ],
  };
};
