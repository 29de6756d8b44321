/**
 * reduce: the middle axis of an [outer, size, inner] view. Few outputs over long rows use one
 * workgroup per output (strided partial results, then a tree in workgroup memory); otherwise one
 * invocation per output walks its row.
 */
import type { ReduceFn } from '../../prims.js';
import { Uniforms } from '../uniforms.js';
import type { Elem, KernelBuilder } from './types.js';
import { FLOAT_LIB, WORKGROUP, elemOf, groupsFor, main1d, mainPerGroup } from './wgsl.js';

interface Op {
  init: string;
  /** Combines `acc` and `v` into a new `acc` value. */
  combine: string;
}

function opFor(fn: ReduceFn, elem: Elem): Op | undefined {
  const zero = elem === 'f32' ? '0.0' : elem === 'i32' ? '0' : '0u';
  const one = elem === 'f32' ? '1.0' : elem === 'i32' ? '1' : '1u';
  const lowest = elem === 'f32' ? '-inf_()' : elem === 'i32' ? 'bitcast<i32>(0x80000000u)' : '0u';
  const highest = elem === 'f32' ? 'inf_()' : elem === 'i32' ? '0x7fffffff' : '1u';
  switch (fn) {
    case 'sum':
      return elem === 'u32' ? undefined : { init: zero, combine: 'acc + v' };
    case 'prod':
      return elem === 'u32' ? undefined : { init: one, combine: 'acc * v' };
    // NaN propagates (once acc is NaN no comparison replaces it).
    case 'max':
      return { init: lowest, combine: elem === 'f32' ? 'select(acc, v, v > acc || isnan_(v))' : 'max(acc, v)' };
    case 'min':
      return { init: highest, combine: elem === 'f32' ? 'select(acc, v, v < acc || isnan_(v))' : 'min(acc, v)' };
    case 'any':
      return elem === 'u32' ? { init: '0u', combine: 'select(acc, 1u, v != 0u)' } : undefined;
    case 'all':
      return elem === 'u32' ? { init: '1u', combine: 'select(acc, 0u, v == 0u)' } : undefined;
  }
}

/** Whether [outer, size, inner] is reduced with one workgroup per output. */
export function reduceUsesGroups(outer: number, size: number, inner: number): boolean {
  return size > WORKGROUP && outer * inner < 4096;
}

export const reduce: KernelBuilder<'reduce'> = (step, ctx) => {
  const { fn, outer, size, inner } = step.params;
  const dtype = ctx.dtype(step.inputs[0]!);
  const elem = elemOf(dtype);
  const op = opFor(fn, elem);
  if (!op) throw new Error(`reduce ${fn} is not defined for ${dtype}`);
  const count = outer * inner;
  const grouped = reduceUsesGroups(outer, size, inner);
  const u = new Uniforms().u32('n', count).u32('size', size).u32('inner', inner);
  const lib = elem === 'f32' ? FLOAT_LIB : '';
  const fnDecl = `fn combine_(acc: ${elem}, v: ${elem}) -> ${elem} { return ${op.combine}; }`;
  const body = grouped
    ? () => `${lib}
${fnDecl}
var<workgroup> part: array<${elem}, ${WORKGROUP}>;
${mainPerGroup(`  let o = item / P.inner;
  let k = item % P.inner;
  let base = o * P.size * P.inner + k;
  var acc: ${elem} = ${op.init};
  for (var j = lid; j < P.size; j = j + ${WORKGROUP}u) {
    acc = combine_(acc, xs[base + j * P.inner]);
  }
  part[lid] = acc;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { part[lid] = combine_(part[lid], part[lid + s]); }
    workgroupBarrier();
  }
  if (lid == 0u) { out[item] = part[0]; }`)}`
    : () => `${lib}
${fnDecl}
${main1d(`  let o = i / P.inner;
  let k = i % P.inner;
  let base = o * P.size * P.inner + k;
  var acc: ${elem} = ${op.init};
  for (var j = 0u; j < P.size; j = j + 1u) {
    acc = combine_(acc, xs[base + j * P.inner]);
  }
  out[i] = acc;`)}`;
  return {
    dispatches: [
      {
        key: `reduce/${fn}/${elem}/${grouped ? 'group' : 'thread'}`,
        uniforms: u,
        bindings: [
          { name: 'xs', source: { buf: step.inputs[0]! }, write: false },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true },
        ],
        body,
        grid: grouped ? { groups: groupsFor(count) } : { threads: count },
      },
    ],
  };
};
