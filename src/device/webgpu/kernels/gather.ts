/**
 * gather: params [outer, axisSize, inner] by int32 indices [nIdx] → [outer, nIdx, inner]. An
 * index outside [0, axisSize) fails the run with TF's GatherV2 text; its output cells are 0.
 */
import { Uniforms } from '../uniforms.js';
import type { KernelBuilder } from './types.js';
import { main1d } from './wgsl.js';

export const gather: KernelBuilder<'gather'> = (step) => {
  const { outer, axisSize, inner, nIdx } = step.params;
  const n = outer * nIdx * inner;
  return {
    dispatches: [
      {
        key: 'gather',
        uniforms: new Uniforms().u32('n', n).u32('axis', axisSize).u32('inner', inner).u32('nIdx', nIdx),
        bindings: [
          { name: 'xs', source: { buf: step.inputs[0]! }, write: false, elem: 'u32' },
          { name: 'idx', source: { buf: step.inputs[1]! }, write: false, elem: 'i32' },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true, elem: 'u32' },
          { name: 'err', source: { special: 'err' }, write: true },
          { name: 'wit', source: { special: 'witness', words: nIdx }, write: true, elem: 'i32' },
        ],
        body: () =>
          main1d(`  let k = i % P.inner;
  let j = (i / P.inner) % P.nIdx;
  let o = i / (P.inner * P.nIdx);
  let ix = idx[j];
  if (o == 0u && k == 0u) { wit[j] = ix; }
  if (ix < 0 || u32(ix) >= P.axis) {
    atomicOr(&err[0], 1u);
    atomicMax(&err[1], 0xffffffffu - j);
    out[i] = 0u;
    return;
  }
  out[i] = xs[(o * P.axis + u32(ix)) * P.inner + k];`),
        grid: { threads: n },
      },
    ],
    check: {
      message: (rec, wit) =>
        `indices[${rec.pos}] = ${wit?.[rec.pos] ?? '?'} is not in [0, ${axisSize})`,
    },
  };
};
