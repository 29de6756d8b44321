/**
 * concat: inputs [outer, inners[j]] side by side into [outer, Σ inners]. One dispatch per
 * non-empty input, each writing its column block (so any number of inputs needs no more
 * bindings than one).
 */
import { Uniforms } from '../uniforms.js';
import type { Dispatch, KernelBuilder } from './types.js';
import { main1d } from './wgsl.js';

export const concat: KernelBuilder<'concat'> = (step) => {
  const { outer, inners } = step.params;
  const total = inners.reduce((p, d) => p + d, 0);
  const dispatches: Dispatch[] = [];
  let col = 0;
  inners.forEach((inner, j) => {
    const n = outer * inner;
    if (n > 0) {
      dispatches.push({
        key: 'concat',
        uniforms: new Uniforms().u32('n', n).u32('inner', inner).u32('total', total).u32('col', col),
        bindings: [
          { name: 'xs', source: { buf: step.inputs[j]! }, write: false, elem: 'u32' },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true, elem: 'u32' },
        ],
        body: () =>
          main1d(`  let o = i / P.inner;
  let c = i % P.inner;
  out[o * P.total + P.col + c] = xs[i];`),
        grid: { threads: n },
      });
    }
    col += inner;
  });
  return { dispatches };
};
