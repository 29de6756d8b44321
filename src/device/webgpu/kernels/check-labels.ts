/**
 * checkLabels: copies int labels; one outside [0, depth) fails the run with TF's
 * sparse-softmax-cross-entropy text, which lists every label.
 */
import { Uniforms } from '../uniforms.js';
import type { Dispatch, KernelBuilder } from './types.js';
import { main1d } from './wgsl.js';

/**
 * The dispatch both range checks run: copy int32 `input` to `output`, keep the values as the
 * error witness, and record the first position outside [0, limit) (or >= limit only, with
 * `allowNegative`).
 */
export function rangeCheckDispatch(key: string, input: number, output: number, n: number, limit: number, allowNegative: boolean): Dispatch {
  return {
    key,
    uniforms: new Uniforms().u32('n', n).i32('limit', limit),
    bindings: [
      { name: 'xs', source: { buf: input }, write: false },
      { name: 'out', source: { buf: output }, write: true },
      { name: 'err', source: { special: 'err' }, write: true },
      { name: 'wit', source: { special: 'witness', words: n }, write: true, elem: 'i32' },
    ],
    body: () =>
      main1d(`  let v = xs[i];
  out[i] = v;
  wit[i] = v;
  if (v >= P.limit${allowNegative ? '' : ' || v < 0'}) { atomicOr(&err[0], 1u); atomicMax(&err[1], 0xffffffffu - i); }`),
    grid: { threads: n },
  };
}

export const checkLabels: KernelBuilder<'checkLabels'> = (step, ctx) => {
  const { n, depth } = step.params;
  const dtype = ctx.dtype(step.inputs[0]!);
  if (dtype !== 'int32') throw new Error(`checkLabels is defined for int32 only, not ${dtype}`);
  return {
    dispatches: [rangeCheckDispatch('checkLabels', step.inputs[0]!, step.outputs[0]!, n, depth, false)],
    check: {
      message: (rec, wit) => {
        const labels = wit ? Array.from(wit).join(' ') : '';
        return (
          `Received a label value of ${wit?.[rec.pos] ?? '?'} which is outside the valid range of ` +
          `[0, ${depth}).  Label values: ${labels}`
        );
      },
    },
  };
};
