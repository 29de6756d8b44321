/**
 * softmax: over the last axis of [outer, size], stable (the row max is subtracted first);
 * `log` gives (x − max) − log Σ exp(x − max). One workgroup per row.
 */
import { Uniforms } from '../uniforms.js';
import type { KernelBuilder } from './types.js';
import { FLOAT_LIB, WORKGROUP, groupsFor, mainPerGroup } from './wgsl.js';

export const softmax: KernelBuilder<'softmax'> = (step, ctx) => {
  const { outer, size, log } = step.params;
  const dtype = ctx.dtype(step.inputs[0]!);
  if (dtype !== 'float32') throw new Error(`softmax is defined for float32 only, not ${dtype}`);
  const rows = size > 0 ? outer : 0;
  const write = log ? 'xs[base + j] - mx - ls' : 'exp(xs[base + j] - mx) / total';
  return {
    dispatches: [
      {
        key: `softmax/${log ? 'log' : 'exp'}`,
        uniforms: new Uniforms().u32('n', rows).u32('size', size),
        bindings: [
          { name: 'xs', source: { buf: step.inputs[0]! }, write: false },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true },
        ],
        body: () => `${FLOAT_LIB}
var<workgroup> part: array<f32, ${WORKGROUP}>;
${mainPerGroup(`  let base = item * P.size;
  var m = -inf_();
  for (var j = lid; j < P.size; j = j + ${WORKGROUP}u) { m = max(m, xs[base + j]); }
  part[lid] = m;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { part[lid] = max(part[lid], part[lid + s]); }
    workgroupBarrier();
  }
  let mx = part[0];
  workgroupBarrier();
  var t = 0.0;
  for (var j = lid; j < P.size; j = j + ${WORKGROUP}u) { t = t + exp(xs[base + j] - mx); }
  part[lid] = t;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { part[lid] = part[lid] + part[lid + s]; }
    workgroupBarrier();
  }
  let total = part[0];
  let ls = log(total);
  for (var j = lid; j < P.size; j = j + ${WORKGROUP}u) { out[base + j] = ${write}; }`)}`,
        grid: { groups: groupsFor(rows) },
      },
    ],
  };
};
