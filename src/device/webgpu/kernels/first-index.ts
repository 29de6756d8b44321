/**
 * firstIndex: for int32 indices [n], out[i] = the first j with idx[j] = idx[i]. One invocation
 * per index scans the indices before it (n is a batch of rows, not a vocabulary). An index
 * outside [0, axisSize) fails the run as in gather.
 */
import { Uniforms } from '../uniforms.js';
import type { KernelBuilder } from './types.js';
import { main1d } from './wgsl.js';

export const firstIndex: KernelBuilder<'firstIndex'> = (step) => {
  const { n, axisSize } = step.params;
  return {
    dispatches: [
      {
        key: 'firstIndex',
        uniforms: new Uniforms().u32('n', n).u32('axis', axisSize),
        bindings: [
          { name: 'idx', source: { buf: step.inputs[0]! }, write: false, elem: 'i32' },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true, elem: 'i32' },
          { name: 'err', source: { special: 'err' }, write: true },
          { name: 'wit', source: { special: 'witness', words: n }, write: true, elem: 'i32' },
        ],
        body: () =>
          main1d(`  let ix = idx[i];
  wit[i] = ix;
  if (ix < 0 || u32(ix) >= P.axis) {
    atomicOr(&err[0], 1u);
    atomicMax(&err[1], 0xffffffffu - i);
    out[i] = i32(i);
    return;
  }
  var f = i;
  for (var j = 0u; j < i; j = j + 1u) {
    if (idx[j] == ix) { f = j; break; }
  }
  out[i] = i32(f);`),
        grid: { threads: n },
      },
    ],
    check: {
      message: (rec, wit) => `indices[${rec.pos}] = ${wit?.[rec.pos] ?? '?'} is not in [0, ${axisSize})`,
    },
  };
};
