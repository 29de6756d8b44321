/** WGSL snippets and helpers shared by the kernel families. */
import type { DType } from '../../../dtype.js';
import type { Elem } from './types.js';

export const WORKGROUP = 64;

export function elemOf(dtype: DType): Elem {
  switch (dtype) {
    case 'float32':
      return 'f32';
    case 'float16':
      return 'f32';
    case 'int32':
    case 'int64':
    case 'int8':
    case 'uint8':
    case 'int16':
    case 'uint16':
      return 'i32';
    case 'bool':
      return 'u32';
    default:
      throw new Error(`dtype ${dtype} is not supported on WebGPU (WGSL has no ${dtype === 'string' ? 'string' : '64-bit float'} type)`);
  }
}

/** `fn main` for one invocation per index `i < P.n` over a 2-D grid of 1-D workgroups. */
export function main1d(body: string, workgroupSize = WORKGROUP): string {
  return `@compute @workgroup_size(${workgroupSize})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * (nwg.x * ${workgroupSize}u);
  if (i >= P.n) { return; }
${body}
}`;
}

/**
 * `fn main` for one workgroup of `WORKGROUP` invocations per item `item < P.n` (uniform
 * control flow, so barriers are allowed); `lid` is the invocation's index in the group.
 */
export function mainPerGroup(body: string): string {
  return `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let item = wid.x + wid.y * nwg.x;
  if (item >= P.n) { return; }
${body}
}`;
}

/** Workgroup counts for `count` workgroups, split over x and y to respect the 65535 limit. */
export function groupsFor(count: number): [number, number, number] {
  if (count <= 0) return [0, 1, 1];
  const x = Math.min(count, 65535);
  const y = Math.ceil(count / x);
  if (y > 65535) throw new RangeError(`dispatch of ${count} workgroups is too large`);
  return [x, y, 1];
}

/**
 * Float constants and functions whose naive WGSL forms are inexact or undefined. Infinity is
 * read from a private variable: a constant expression that evaluates to infinity is a shader
 * creation error. expm1 and log1p use series near 0 (compilers may rewrite the usual
 * `(1 + x) - 1` corrections away).
 */
export const FLOAT_LIB = /* wgsl */ `
var<private> INF_BITS: u32 = 0x7f800000u;
var<private> NAN_BITS: u32 = 0x7fc00000u;
fn inf_() -> f32 { return bitcast<f32>(INF_BITS); }
fn nan_() -> f32 { return bitcast<f32>(NAN_BITS); }
fn isnan_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isinf_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn expm1_(x: f32) -> f32 {
  if (abs(x) < 0.25) {
    return x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0
      + x * (1.0 / 720.0 + x * (1.0 / 5040.0 + x * (1.0 / 40320.0))))))));
  }
  return exp(x) - 1.0;
}
fn log1p_(x: f32) -> f32 {
  if (abs(x) < 0.25) {
    let s = x / (2.0 + x);
    let s2 = s * s;
    return 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0
      + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0 + s2 * (1.0 / 13.0)))))));
  }
  return log(1.0 + x);
}
fn sigmoid_(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
fn tanh_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let e = expm1_(2.0 * clamp(x, -10.0, 10.0));
  return e / (e + 2.0);
}
fn softplus_(x: f32) -> f32 {
  // TF's thresholds: log(FLT_EPSILON) + 2.
  if (x > 13.942385) { return x; }
  if (x < -13.942385) { return exp(x); }
  return log1p_(exp(x));
}
fn pow_(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (isnan_(x) || isnan_(y)) { return nan_(); }
  if (x == 0.0) {
    if (y > 0.0) { return 0.0; }
    return inf_();
  }
  if (x > 0.0) { return exp2(y * log2(x)); }
  if (floor(y) != y) { return nan_(); }
  let r = exp2(y * log2(-x));
  let half = y * 0.5;
  if (floor(half) != half) { return -r; }
  return r;
}
`;

/** Integer helpers: floored division and modulo (0 for a zero divisor), powers. */
export const INT_LIB = /* wgsl */ `
fn idiv_(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  return a / b;
}
fn ifloordiv_(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) { return q - 1; }
  return q;
}
fn imod_(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) { return r + b; }
  return r;
}
fn ipow_(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(1, -1, (b & 1) != 0); }
    return 0;
  }
  var base = a;
  var e = u32(b);
  var r = 1;
  loop {
    if (e == 0u) { break; }
    if ((e & 1u) != 0u) { r = r * base; }
    base = base * base;
    e = e >> 1u;
  }
  return r;
}
`;

/**
 * Merges adjacent axes that every operand walks contiguously, and drops size-1 axes, so a
 * broadcast over [2, 3, 4] with full strides becomes rank 1. Output strides are implicit
 * (row-major over `shape`).
 */
export function collapseAxes(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const dim = shape[d]!;
    if (dim === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[d]! * dim)) {
      outShape[last] = outShape[last]! * dim;
      strides.forEach((s, k) => (outStrides[k]![last] = s[d]!));
      continue;
    }
    outShape.push(dim);
    strides.forEach((s, k) => outStrides[k]!.push(s[d]!));
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * WGSL that decomposes `i` over the collapsed output shape in `P.ax` (x = extent, y/z/w =
 * strides of operands 0/1/2) and leaves each operand's element index in `names[k]` (i32).
 */
export function stridedIndex(rank: number, names: readonly string[]): string {
  const comps = ['y', 'z', 'w'];
  const decl = names.map((n) => `  var ${n}: i32 = 0;`).join('\n');
  if (rank === 0) return decl;
  const adds = names.map((n, k) => `    ${n} = ${n} + q * s.${comps[k]};`).join('\n');
  return `${decl}
  var rem = i;
  for (var d = ${rank - 1}; d >= 0; d = d - 1) {
    let s = P.ax[d];
    let q = i32(rem % u32(s.x));
    rem = rem / u32(s.x);
${adds}
  }`;
}

/** Bit pattern of `v` stored as `dtype` (bool as 0/1), for kernels that move raw u32 words. */
export function bitsOf(v: number, dtype: DType): number {
  if (dtype === 'float32') {
    const f = new Float32Array([v]);
    return new Uint32Array(f.buffer)[0]!;
  }
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  return (Math.trunc(v) | 0) >>> 0;
}
