/** range: out[i] = start + i·delta (float32 in f32 arithmetic, int32 exactly). */
import { Uniforms } from '../uniforms.js';
import type { KernelBuilder } from './types.js';
import { elemOf, main1d } from './wgsl.js';

export const range: KernelBuilder<'range'> = (step, ctx) => {
  const { n, start, delta } = step.params;
  const elem = elemOf(ctx.dtype(step.outputs[0]!));
  if (elem === 'u32') throw new Error('range is not defined for bool');
  const u = new Uniforms().u32('n', n);
  if (elem === 'f32') u.f32('start', start).f32('delta', delta);
  else u.i32('start', start | 0).i32('delta', delta | 0);
  return {
    dispatches: [
      {
        key: `range/${elem}`,
        uniforms: u,
        bindings: [{ name: 'out', source: { buf: step.outputs[0]! }, write: true }],
        body: () => main1d(`  out[i] = P.start + ${elem}(i) * P.delta;`),
        grid: { threads: n },
      },
    ],
  };
};
