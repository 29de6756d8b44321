/**
 * cast, as TF's Cast: float→int truncates toward zero and saturates at the target's range (NaN
 * gives 0), int→int wraps, x→bool is x != 0, bool→x is 0/1, →float16 rounds to nearest even.
 * Storage words (convert.ts): f32 for float32/float16, i32 for the integers, u32 for bool. A
 * float beyond the 32-bit range cast to int64 (held as i32 here) fails the run.
 */
import type { DType } from '../../../dtype.js';
import { Uniforms } from '../uniforms.js';
import type { KernelBuilder } from './types.js';
import { FLOAT_LIB, elemOf, main1d } from './wgsl.js';

/** f32 → the nearest float16 value (ties to even), ±inf beyond its range; as f32. */
export const HALF_LIB = /* wgsl */ `
fn to_half_(x: f32) -> f32 {
  let a = abs(x);
  if (isnan_(x) || a < 6.103515625e-05) {
    // NaN stays; below the smallest normal half the spacing is 2^-24 (scaling is exact)
    return select(round(x * 16777216.0) / 16777216.0, x, isnan_(x));
  }
  let b = bitcast<u32>(a);
  let low = b & 0x1fffu;
  var r = b - low;
  if (low > 0x1000u || (low == 0x1000u && (r & 0x2000u) != 0u)) { r = r + 0x2000u; }
  if (r > 0x477fe000u) { return select(inf_(), -inf_(), x < 0.0); }
  return select(bitcast<f32>(r), -bitcast<f32>(r), x < 0.0);
}`;

const WRAP: Partial<Record<DType, string>> = {
  int8: '(x << 24u) >> 24u',
  uint8: 'x & 255',
  int16: '(x << 16u) >> 16u',
  uint16: 'x & 65535',
};
const RANGE: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535],
};

function convert(from: DType, to: DType): string {
  const fe = elemOf(from);
  const te = elemOf(to);
  if (to === 'bool') return fe === 'f32' ? 'select(0u, 1u, x != 0.0 || isnan_(x))' : fe === 'i32' ? 'select(0u, 1u, x != 0)' : 'x';
  if (te === 'f32') {
    const f = fe === 'f32' ? 'x' : 'f32(x)';
    return to === 'float16' && from !== 'float16' ? `to_half_(${f})` : f;
  }
  // to an integer (i32 storage)
  if (fe === 'u32') return 'i32(x)';
  if (fe === 'i32') return WRAP[to] ?? 'x';
  const r = RANGE[to];
  // NaN is 0 as in TF's GPU kernels; WGSL's i32(f32) clamps to the largest f32 below 2^31, so
  // the top of the range is chosen explicitly
  return r ? `select(i32(clamp(trunc(x), ${r[0]}.0, ${r[1]}.0)), 0, isnan_(x))` : 'select(select(i32(x), 2147483647, x >= 2147483648.0), 0, isnan_(x))';
}

export const cast: KernelBuilder<'cast'> = (step, ctx) => {
  const { n, to } = step.params;
  const fromDType = ctx.dtype(step.inputs[0]!);
  const from = elemOf(fromDType);
  const toElem = elemOf(to);
  // int64 is 32-bit here: a float that does not fit is an error, not a saturated value
  const checked = to === 'int64' && from === 'f32';
  return {
    dispatches: [
      {
        key: `cast/${fromDType}/${to}`,
        uniforms: new Uniforms().u32('n', n),
        bindings: [
          { name: 'xs', source: { buf: step.inputs[0]! }, write: false },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true, elem: toElem },
          ...(checked ? [{ name: 'err', source: { special: 'err' as const }, write: true }] : []),
        ],
        body: () => `${from === 'f32' || toElem === 'f32' ? FLOAT_LIB : ''}${to === 'float16' ? HALF_LIB : ''}
${main1d(`  let x = xs[i];
${checked ? '  if (!isnan_(x) && (x >= 2147483648.0 || x < -2147483648.0)) { atomicOr(&err[0], 1u); atomicMax(&err[1], 0xffffffffu - i); }\n' : ''}  out[i] = ${convert(fromDType, to)};`)}`,
        grid: { threads: n },
      },
    ],
    ...(checked
      ? {
          check: {
            message: (rec) =>
              `Cast to int64: element ${rec.pos} does not fit the WebGPU device, which holds int64 as 32-bit integers [-2147483648, 2147483647]; run it on the CPU device`,
          },
        }
      : {}),
  };
};
