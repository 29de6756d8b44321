/**
 * checkIndices: copies int32 indices; the first one outside [0, limit) (negatives allowed when
 * the step says so) fails the run with TF's text naming its position and value.
 */
import { sliceDebugString } from '../../prims.js';
import { Uniforms } from '../uniforms.js';
import type { KernelBuilder } from './types.js';
import { main1d } from './wgsl.js';

export const checkIndices: KernelBuilder<'checkIndices'> = (step, ctx) => {
  const { n, limit, allowNegative, name, shape } = step.params;
  const dtype = ctx.dtype(step.inputs[0]!);
  if (dtype !== 'int32') throw new Error(`checkIndices is defined for int32 only, not ${dtype}`);
  return {
    dispatches: [
      {
        key: `checkIndices/${allowNegative ? 'neg' : 'nonneg'}`,
        uniforms: new Uniforms().u32('n', n).i32('limit', limit),
        bindings: [
          { name: 'xs', source: { buf: step.inputs[0]! }, write: false },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true },
          { name: 'err', source: { special: 'err' }, write: true },
          { name: 'wit', source: { special: 'witness', words: n }, write: true, elem: 'i32' },
        ],
        body: () =>
          main1d(`  let v = xs[i];
  out[i] = v;
  wit[i] = v;
  if (v >= P.limit${allowNegative ? '' : ' || v < 0'}) { atomicOr(&err[0], 1u); atomicMax(&err[1], 0xffffffffu - i); }`),
        grid: { threads: n },
      },
    ],
    check: {
      message: (rec, wit) => `${name}${sliceDebugString(shape, Math.max(rec.pos, 0))} = ${wit?.[rec.pos] ?? '?'} is out of range [0, ${limit})`,
    },
  };
};
