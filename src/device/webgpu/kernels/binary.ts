/** binary: broadcasting out = fn(a, b), strides per output axis (0 = broadcast). */
import type { BinaryFn } from '../../prims.js';
import { Uniforms } from '../uniforms.js';
import type { Elem, KernelBuilder } from './types.js';
import { SPECIAL_LIB } from './special.js';
import { FLOAT_LIB, INT_LIB, collapseAxes, elemOf, main1d, stridedIndex } from './wgsl.js';

const CMP: Partial<Record<BinaryFn, string>> = {
  equal: 'select(0u, 1u, a == b)',
  notEqual: 'select(0u, 1u, a != b)',
  less: 'select(0u, 1u, a < b)',
  lessEqual: 'select(0u, 1u, a <= b)',
  greater: 'select(0u, 1u, a > b)',
  greaterEqual: 'select(0u, 1u, a >= b)',
};

const FLOAT: Partial<Record<BinaryFn, string>> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  truncDiv: 'trunc(a / b)',
  floorDiv: 'floor(a / b)',
  mod: 'fmod_(a, b)',
  pow: 'pow_(a, b)',
  // NaN in a wins, as on the CPU device.
  maximum: 'select(b, a, a > b || isnan_(a))',
  minimum: 'select(b, a, a < b || isnan_(a))',
  squaredDifference: '(a - b) * (a - b)',
  atan2: 'atan2(a, b)',
  // WGSL's f32 % is a - b·trunc(a / b), C's fmod.
  truncMod: 'a % b',
  zeta: 'zeta_(a, b)',
  polygamma: 'polygamma_(a, b)',
  ...CMP,
  // Gradient helpers: a is x (or y), b is dy.
  reluGrad: 'select(0.0, b, a > 0.0)',
  relu6Grad: 'select(0.0, b, a > 0.0 && a < 6.0)',
  eluGrad: 'select(b, b * (a + 1.0), a < 0.0)',
  leakyReluGrad: 'select(P.alpha * b, b, a > 0.0)',
  sigmoidGrad: 'b * a * (1.0 - a)',
  tanhGrad: 'b * (1.0 - a * a)',
  softplusGrad: 'b * sigmoid_(a)',
  rsqrtGrad: 'b * (-0.5 * a * a * a)',
  sqrtGrad: 'b * 0.5 / a',
};

const INT: Partial<Record<BinaryFn, string>> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'idiv_(a, b)',
  truncDiv: 'idiv_(a, b)',
  floorDiv: 'ifloordiv_(a, b)',
  mod: 'imod_(a, b)',
  pow: 'ipow_(a, b)',
  maximum: 'max(a, b)',
  minimum: 'min(a, b)',
  squaredDifference: '(a - b) * (a - b)',
  truncMod: 'select(a % b, 0, b == 0)',
  ...CMP,
};

const BOOL: Partial<Record<BinaryFn, string>> = {
  ...CMP,
  logicalAnd: 'select(0u, 1u, a != 0u && b != 0u)',
  logicalOr: 'select(0u, 1u, a != 0u || b != 0u)',
  maximum: 'max(a, b)',
  minimum: 'min(a, b)',
};

const TABLES: Record<Elem, Partial<Record<BinaryFn, string>>> = { f32: FLOAT, i32: INT, u32: BOOL };

const FMOD = `
fn fmod_(a: f32, b: f32) -> f32 {
  let r = a % b;
  if (r != 0.0 && ((r < 0.0) != (b < 0.0))) { return r + b; }
  return r;
}`;

export function libFor(elem: Elem, fn?: BinaryFn): string {
  if (elem === 'f32') return FLOAT_LIB + FMOD + (fn === 'zeta' || fn === 'polygamma' ? SPECIAL_LIB : '');
  if (elem === 'i32') return INT_LIB;
  return '';
}

export const binary: KernelBuilder<'binary'> = (step, ctx) => {
  const { fn, outShape, aStrides, bStrides, alpha } = step.params;
  const inDtype = ctx.dtype(step.inputs[0]!);
  const inElem = elemOf(inDtype);
  const outElem = elemOf(ctx.dtype(step.outputs[0]!));
  const expr = TABLES[inElem][fn];
  if (expr === undefined) throw new Error(`binary ${fn} is not defined for ${inDtype}`);
  const n = outShape.reduce((p, d) => p * d, 1);
  const c = collapseAxes(outShape, [aStrides, bStrides]);
  const u = new Uniforms().u32('n', n).f32('alpha', alpha);
  if (c.shape.length > 0) u.axes('ax', c.shape.map((d, k) => [d, c.strides[0]![k]!, c.strides[1]![k]!]));
  const rank = c.shape.length;
  // int64 is held as i32 on this device (convert.ts): an add, sub or mul that leaves the 32-bit
  // range fails the run instead of wrapping.
  const overflow = inDtype === 'int64' ? OVERFLOW[fn] : undefined;
  // Same-shape operands, both contiguous: four elements per invocation through vec4 loads and
  // stores (plan buffers start 256-byte aligned, so n % 4 == 0 is the only condition).
  if (!overflow && n % 4 === 0 && n > 0 && rank === 1 && c.strides[0]![0] === 1 && c.strides[1]![0] === 1) {
    const vu = new Uniforms().u32('n', n / 4).f32('alpha', alpha);
    return {
      dispatches: [
        {
          key: `binary/${fn}/${inElem}/${outElem}/v4`,
          uniforms: vu,
          bindings: [
            { name: 'as_', source: { buf: step.inputs[0]! }, write: false, elem: `vec4<${inElem}>` },
            { name: 'bs_', source: { buf: step.inputs[1]! }, write: false, elem: `vec4<${inElem}>` },
            { name: 'out', source: { buf: step.outputs[0]! }, write: true, elem: `vec4<${outElem}>` },
          ],
          body: () => `${libFor(inElem, fn)}
${main1d(`  let av = as_[i];
  let bv = bs_[i];
  var r: vec4<${outElem}>;
${['x', 'y', 'z', 'w'].map((q) => `  { let a = av.${q}; let b = bv.${q}; r.${q} = ${expr}; }`).join('\n')}
  out[i] = r;`)}`,
          grid: { threads: n / 4 },
        },
      ],
    };
  }
  return {
    dispatches: [
      {
        key: `binary/${fn}/${inElem}/${outElem}/r${rank}`,
        uniforms: u,
        bindings: [
          { name: 'as_', source: { buf: step.inputs[0]! }, write: false },
          { name: 'bs_', source: { buf: step.inputs[1]! }, write: false },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true },
          ...(overflow ? [{ name: 'err', source: { special: 'err' as const }, write: true }] : []),
        ],
        body: () => `${libFor(inElem, fn)}
${main1d(`${stridedIndex(rank, ['ia', 'ib'])}
  let a = as_[ia];
  let b = bs_[ib];
  let r = ${expr};
${overflow ? `  if (${overflow}) { atomicOr(&err[0], 1u); atomicMax(&err[1], 0xffffffffu - i); }\n` : ''}  out[i] = r;`)}`,
        grid: { threads: n },
      },
    ],
    ...(overflow
      ? {
          check: {
            message: (rec: { pos: number }) =>
              `int64 ${fn} overflowed at element ${rec.pos}: the WebGPU device holds int64 as 32-bit integers [-2147483648, 2147483647]; run it on the CPU device`,
          },
        }
      : {}),
  };
};

/** When an i32 result `r` of (a, b) left the 32-bit range (two's complement tests). */
const OVERFLOW: Partial<Record<BinaryFn, string>> = {
  add: '((a ^ r) & (b ^ r)) < 0',
  sub: '((a ^ b) & (a ^ r)) < 0',
  mul: 'a != 0 && ((a == -1 && b == i32(-2147483647) - 1) || r / a != b)',
};
