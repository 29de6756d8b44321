/**
 * argReduce: int32 index of the max/min along the middle axis of [outer, size, inner]; ties →
 * smallest index; a NaN wins at its first occurrence.
 */
import { Uniforms } from '../uniforms.js';
import type { KernelBuilder } from './types.js';
import { FLOAT_LIB, elemOf, main1d } from './wgsl.js';

export const argReduce: KernelBuilder<'argReduce'> = (step, ctx) => {
  const { fn, outer, size, inner } = step.params;
  const elem = elemOf(ctx.dtype(step.inputs[0]!));
  const cmp = fn === 'argmax' ? '>' : '<';
  const better = elem === 'f32' ? `!isnan_(best) && (isnan_(v) || v ${cmp} best)` : `v ${cmp} best`;
  const count = outer * inner;
  return {
    dispatches: [
      {
        key: `argReduce/${fn}/${elem}`,
        uniforms: new Uniforms().u32('n', count).u32('size', size).u32('inner', inner),
        bindings: [
          { name: 'xs', source: { buf: step.inputs[0]! }, write: false },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true, elem: 'i32' },
        ],
        body: () => `${elem === 'f32' ? FLOAT_LIB : ''}
${main1d(`  let o = i / P.inner;
  let k = i % P.inner;
  let base = o * P.size * P.inner + k;
  var best = xs[base];
  var at = 0u;
  for (var j = 1u; j < P.size; j = j + 1u) {
    let v = xs[base + j * P.inner];
    if (${better}) { best = v; at = j; }
  }
  out[i] = i32(at);`)}`,
        grid: { threads: count },
      },
    ],
  };
};
