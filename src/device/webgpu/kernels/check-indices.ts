/**
 * checkIndices: copies int32 indices; the first one outside [0, limit) (negatives allowed when
 * the step says so) fails the run with TF's text naming its position and value.
 */
import { sliceDebugString } from '../../prims.js';
import { rangeCheckDispatch } from './check-labels.js';
import type { KernelBuilder } from './types.js';

export const checkIndices: KernelBuilder<'checkIndices'> = (step, ctx) => {
  const { n, limit, allowNegative, name, shape } = step.params;
  const dtype = ctx.dtype(step.inputs[0]!);
  if (dtype !== 'int32') throw new Error(`checkIndices is defined for int32 only, not ${dtype}`);
  return {
    dispatches: [rangeCheckDispatch(`checkIndices/${allowNegative ? 'neg' : 'nonneg'}`, step.inputs[0]!, step.outputs[0]!, n, limit, allowNegative)],
    check: {
      message: (rec, wit) => `${name}${sliceDebugString(shape, Math.max(rec.pos, 0))} = ${wit?.[rec.pos] ?? '?'} is out of range [0, ${limit})`,
    },
  };
};
