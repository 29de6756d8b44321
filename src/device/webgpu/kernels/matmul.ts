/**
 * matmul: batched [m, k] × [k, n] with optional transposes and broadcast batch strides, as
 * 16×16 output tiles that stage 16×16 operand tiles in workgroup memory.
 */
import { Uniforms } from '../uniforms.js';
import type { KernelBuilder } from './types.js';
import { elemOf } from './wgsl.js';

const T = 16;

export const matmul: KernelBuilder<'matmul'> = (step, ctx) => {
  const { batch, m, n, k, transposeA, transposeB, aBatchStride, bBatchStride } = step.params;
  const elem = elemOf(ctx.dtype(step.inputs[0]!));
  if (elem === 'u32') throw new Error('matmul is not defined for bool');
  if (batch > 65535) throw new RangeError(`matmul batch ${batch} exceeds 65535`);
  // a is [m, k] or (transposeA) [k, m]; b is [k, n] or (transposeB) [n, k].
  const aAt = transposeA ? 'kk * P.m + row' : 'row * P.k + kk';
  const bAt = transposeB ? 'col * P.k + kk' : 'kk * P.n + col';
  const zero = elem === 'f32' ? '0.0' : '0';
  const u = new Uniforms()
    .u32('m', m)
    .u32('n', n)
    .u32('k', k)
    .u32('aStride', aBatchStride)
    .u32('bStride', bBatchStride);
  if (Math.ceil(m / T) > 65535 || Math.ceil(n / T) > 65535) {
    throw new RangeError(`matmul [${m}, ${n}] output is too large for one dispatch`);
  }
  return {
    dispatches: [
      {
        key: `matmul/${elem}/${transposeA ? 't' : 'n'}${transposeB ? 't' : 'n'}`,
        uniforms: u,
        bindings: [
          { name: 'as_', source: { buf: step.inputs[0]! }, write: false },
          { name: 'bs_', source: { buf: step.inputs[1]! }, write: false },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true },
        ],
        body: () => `
var<workgroup> ta: array<array<${elem}, ${T}>, ${T}>;
var<workgroup> tb: array<array<${elem}, ${T}>, ${T}>;
fn loadA(bt: u32, row: u32, kk: u32) -> ${elem} {
  if (row >= P.m || kk >= P.k) { return ${zero}; }
  return as_[bt * P.aStride + ${aAt}];
}
fn loadB(bt: u32, kk: u32, col: u32) -> ${elem} {
  if (kk >= P.k || col >= P.n) { return ${zero}; }
  return bs_[bt * P.bStride + ${bAt}];
}
@compute @workgroup_size(${T}, ${T})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let bt = wid.z;
  let row = wid.y * ${T}u + lid.y;
  let col = wid.x * ${T}u + lid.x;
  var acc: ${elem} = ${zero};
  let tiles = (P.k + ${T - 1}u) / ${T}u;
  for (var t = 0u; t < tiles; t = t + 1u) {
    ta[lid.y][lid.x] = loadA(bt, row, t * ${T}u + lid.x);
    tb[lid.y][lid.x] = loadB(bt, t * ${T}u + lid.y, col);
    workgroupBarrier();
    for (var j = 0u; j < ${T}u; j = j + 1u) {
      acc = acc + ta[lid.y][j] * tb[j][lid.x];
    }
    workgroupBarrier();
  }
  if (row < P.m && col < P.n) {
    out[(bt * P.m + row) * P.n + col] = acc;
  }
}`,
        grid: { groups: [Math.ceil(n / T), Math.ceil(m / T), batch] },
      },
    ],
  };
};
