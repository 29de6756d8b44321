/**
 * scatterAdd: updates [outer, nIdx, inner] summed into zeros [outer, axisSize, inner] at the
 * int32 indices. One invocation per output cell sums its updates in index order (no float
 * atomics, deterministic). An index outside [0, axisSize) fails the run as in gather.
 */
import { Uniforms } from '../uniforms.js';
import type { KernelBuilder } from './types.js';
import { elemOf, main1d } from './wgsl.js';

export const scatterAdd: KernelBuilder<'scatterAdd'> = (step, ctx) => {
  const { outer, axisSize, inner, nIdx } = step.params;
  const fn = step.params.fn ?? 'sum';
  const combine = fn === 'sum' ? 'acc + u' : fn === 'prod' ? 'acc * u' : `${fn}(acc, u)`;
  const first = fn === 'sum' ? 'acc + u' : 'u';
  const elem = elemOf(ctx.dtype(step.inputs[0]!));
  if (elem === 'u32') throw new Error('scatterAdd is not defined for bool');
  const n = outer * axisSize * inner;
  return {
    dispatches: [
      {
        key: `scatterAdd/${elem}/${fn}`,
        uniforms: new Uniforms().u32('n', n).u32('axis', axisSize).u32('inner', inner).u32('nIdx', nIdx),
        bindings: [
          { name: 'upd', source: { buf: step.inputs[0]! }, write: false },
          { name: 'idx', source: { buf: step.inputs[1]! }, write: false, elem: 'i32' },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true },
          { name: 'err', source: { special: 'err' }, write: true },
          { name: 'wit', source: { special: 'witness', words: nIdx }, write: true, elem: 'i32' },
        ],
        body: () =>
          main1d(`  let k = i % P.inner;
  let a = i32((i / P.inner) % P.axis);
  let o = i / (P.inner * P.axis);
  var acc: ${elem} = ${elem}(0);
  var got = false;
  for (var j = 0u; j < P.nIdx; j = j + 1u) {
    let ix = idx[j];
    if (i == 0u) { wit[j] = ix; }
    if (ix == a) {
      let u = upd[(o * P.nIdx + j) * P.inner + k];
      if (got) { acc = ${combine}; } else { acc = ${first}; got = true; }
    }
    else if (ix < 0 || u32(ix) >= P.axis) { atomicOr(&err[0], 1u); atomicMax(&err[1], 0xffffffffu - j); }
  }
  out[i] = acc;`),
        grid: { threads: n },
      },
    ],
    check: {
      message: (rec, wit) =>
        `indices[${rec.pos}] = ${wit?.[rec.pos] ?? '?'} is not in [0, ${axisSize})`,
    },
  };
};
