/** checkNumerics: copies x; a NaN or Inf fails the run with TF's CheckNumerics text. */
import { Uniforms } from '../uniforms.js';
import type { KernelBuilder } from './types.js';
import { FLOAT_LIB, main1d } from './wgsl.js';

const NAN = 1;
const INF = 2;

export const checkNumerics: KernelBuilder<'checkNumerics'> = (step, ctx) => {
  const { n, message } = step.params;
  const dtype = ctx.dtype(step.inputs[0]!);
  if (dtype !== 'float32') throw new Error(`checkNumerics is defined for float32 only, not ${dtype}`);
  return {
    dispatches: [
      {
        key: 'checkNumerics',
        uniforms: new Uniforms().u32('n', n),
        bindings: [
          { name: 'xs', source: { buf: step.inputs[0]! }, write: false },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true },
          { name: 'err', source: { special: 'err' }, write: true },
        ],
        body: () => `${FLOAT_LIB}
${main1d(`  let x = xs[i];
  out[i] = x;
  if (isnan_(x)) { atomicOr(&err[0], ${NAN}u); atomicMax(&err[1], 0xffffffffu - i); }
  else if (isinf_(x)) { atomicOr(&err[0], ${INF}u); atomicMax(&err[1], 0xffffffffu - i); }`)}`,
        grid: { threads: n },
      },
    ],
    check: {
      message: (rec) => {
        const what =
          (rec.flags & (NAN | INF)) === (NAN | INF) ? 'Inf and NaN' : rec.flags & NAN ? 'NaN' : 'Inf';
        return `${message} : Tensor had ${what} values`;
      },
    },
  };
};
