/**
 * random: counter-based random numbers, Philox4x32-10, on the stream that src/device/philox.ts
 * defines for every device (the CPU device's reference), word for word:
 * - key = (seed[0], seed[1]) as u32; `run` = dyn[dynSlot]; counter = (block, run, attempt, 0).
 * - uniform: element i takes word i%4 of block i/4 (attempt 0); u = (w >> 8)·2⁻²⁴ ∈ [0, 1).
 * - normal: element i takes words 2(i%2), 2(i%2)+1 of block i/2 (attempt 0):
 *   u1 = ((w0 >> 8) + 1)·2⁻²⁴ ∈ (0, 1], u2 = (w1 >> 8)·2⁻²⁴, z = sqrt(−2 ln u1)·cos(2π u2).
 * - truncatedNormal: element i, attempts t = 0..63 use block i with counter word 2 = t + 1; words
 *   0, 1 give z by the Box-Muller cosine, words 2, 3 a second z by the sine; the first |z| ≤ 2
 *   is taken (0 if none, probability ≈ 1e-170).
 * - out = shift + scale·sample, in f32.
 * The GPU evaluates the transforms in f32 (cos/sin of θ − π ∈ [−π, π), negated), so values
 * match the float64 reference to about 1e-6, not bit for bit; a z within that distance of ±2
 * may be accepted on one device and retried on the other.
 */
import type { PrimParams } from '../../prims.js';
import { Uniforms } from '../uniforms.js';
import type { KernelBuilder } from './types.js';
import { main1d } from './wgsl.js';

export const TRUNCATED_TRIES = 64;

const PHILOX_WGSL = /* wgsl */ `
fn mulhilo_(a: u32, b: u32) -> vec2<u32> {
  let al = a & 0xffffu;
  let ah = a >> 16u;
  let bl = b & 0xffffu;
  let bh = b >> 16u;
  let ll = al * bl;
  let lh = al * bh;
  let hl = ah * bl;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  let hi = ah * bh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
  return vec2<u32>(hi, a * b);
}
fn philox_(c: vec4<u32>, k: vec2<u32>) -> vec4<u32> {
  var x = c;
  var key = k;
  for (var r = 0u; r < 10u; r = r + 1u) {
    let p0 = mulhilo_(0xD2511F53u, x.x);
    let p1 = mulhilo_(0xCD9E8D57u, x.z);
    x = vec4<u32>(p1.x ^ x.y ^ key.x, p1.y, p0.x ^ x.w ^ key.y, p0.y);
    key = key + vec2<u32>(0x9E3779B9u, 0xBB67AE85u);
  }
  return x;
}
const TWO_M24: f32 = 5.9604644775390625e-8;
const PI: f32 = 3.14159265358979;
const TWO_PI: f32 = 6.28318530717959;
fn uniform_(w: u32) -> f32 { return f32(w >> 8u) * TWO_M24; }
fn rho_(w: u32) -> f32 { return sqrt(-2.0 * log(f32((w >> 8u) + 1u) * TWO_M24)); }
// θ − π for θ = 2π·u2: cos θ = −cos(θ − π), sin θ = −sin(θ − π).
fn angle_(w: u32) -> f32 { return TWO_PI * uniform_(w) - PI; }
fn bmCos_(w0: u32, w1: u32) -> f32 { return -rho_(w0) * cos(angle_(w1)); }
fn bmSin_(w0: u32, w1: u32) -> f32 { return -rho_(w0) * sin(angle_(w1)); }`;

interface Variant {
  /** Elements per invocation. */
  per: number;
  body: string;
}

const VARIANTS: Record<PrimParams['random']['dist'], Variant> = {
  uniform: {
    per: 4,
    body: `  let w = philox_(vec4<u32>(i, run, 0u, 0u), key);
  var v = array<f32, 4>(uniform_(w.x), uniform_(w.y), uniform_(w.z), uniform_(w.w));
  for (var j = 0u; j < 4u; j = j + 1u) {
    let e = 4u * i + j;
    if (e < P.count) { out[e] = P.shift + P.scale * v[j]; }
  }`,
  },
  normal: {
    per: 2,
    body: `  let w = philox_(vec4<u32>(i, run, 0u, 0u), key);
  out[2u * i] = P.shift + P.scale * bmCos_(w.x, w.y);
  if (2u * i + 1u < P.count) { out[2u * i + 1u] = P.shift + P.scale * bmCos_(w.z, w.w); }`,
  },
  truncatedNormal: {
    per: 1,
    body: `  var z = 0.0;
  for (var t = 0u; t < ${TRUNCATED_TRIES}u; t = t + 1u) {
    let w = philox_(vec4<u32>(i, run, t + 1u, 0u), key);
    let z1 = bmCos_(w.x, w.y);
    if (abs(z1) <= 2.0) { z = z1; break; }
    let z2 = bmSin_(w.z, w.w);
    if (abs(z2) <= 2.0) { z = z2; break; }
  }
  out[i] = P.shift + P.scale * z;`,
  },
};

export const random: KernelBuilder<'random'> = (step, ctx) => {
  const { n, dist, seed, dynSlot, scale, shift } = step.params;
  const dtype = ctx.dtype(step.outputs[0]!);
  if (dtype !== 'float32') throw new Error(`random is defined for float32 only, not ${dtype}`);
  const v = VARIANTS[dist];
  const threads = Math.ceil(n / v.per);
  const u = new Uniforms()
    .u32('n', threads)
    .u32('count', n)
    .u32('k0', seed[0] >>> 0)
    .u32('k1', seed[1] >>> 0)
    .u32('slot', dynSlot)
    .f32('scale', scale)
    .f32('shift', shift);
  return {
    dispatches: [
      {
        key: `random/${dist}`,
        uniforms: u,
        bindings: [
          { name: 'dyn', source: { special: 'dyn' }, write: false },
          { name: 'out', source: { buf: step.outputs[0]! }, write: true },
        ],
        body: () => `${PHILOX_WGSL}
${main1d(`  let run = dyn[P.slot];
  let key = vec2<u32>(P.k0, P.k1);
${v.body}`)}`,
        grid: { threads },
      },
    ],
  };
};
