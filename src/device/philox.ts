/**
 * Philox4x32-10 and the sampling transforms every device uses, so the CPU and the GPU draw the
 * same numbers. Stream layout (the WebGPU kernels follow it word for word):
 * - key = seed; counter = (block, run, attempt, 0) where `run` is dyn[dynSlot], the number of
 *   earlier runs of the op in this session.
 * - uniform: element i takes word i%4 of block i/4; u = (w >>> 8)·2⁻²⁴ ∈ [0, 1).
 * - normal: element i takes words 2(i%2), 2(i%2)+1 of block i/2; u1 = ((w0>>>8)+1)·2⁻²⁴ ∈ (0,1],
 *   u2 = (w1>>>8)·2⁻²⁴; z = sqrt(−2 ln u1)·cos(2π u2).
 * - truncatedNormal: element i, attempt t = 0,1,… uses block i with counter word 2 = t+1; words
 *   0,1 give z by the Box–Muller cosine and words 2,3 a second z by the sine; the first |z| ≤ 2
 *   is taken.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two u32s. */
function mulhi(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const lo = a0 * b0;
  const mid1 = a1 * b0 + (lo >>> 16);
  const mid2 = a0 * b1 + (mid1 & 0xffff);
  return (a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16)) >>> 0;
}

/** One Philox4x32-10 block into out[0..3]. */
export function philox(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi(M0, c0), lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2), lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

const INV24 = 1 / 16777216;
const TWO_PI = 2 * Math.PI;

export function sampleUniform(out: Float32Array | Float64Array, n: number, seed: [number, number], run: number, scale: number, shift: number): void {
  const w = new Uint32Array(4);
  for (let b = 0; b * 4 < n; b++) {
    philox(b, run, 0, 0, seed[0] >>> 0, seed[1] >>> 0, w);
    for (let j = 0; j < 4 && b * 4 + j < n; j++) out[b * 4 + j] = shift + scale * ((w[j]! >>> 8) * INV24);
  }
}

export function sampleNormal(out: Float32Array | Float64Array, n: number, seed: [number, number], run: number, scale: number, shift: number): void {
  const w = new Uint32Array(4);
  for (let b = 0; b * 2 < n; b++) {
    philox(b, run, 0, 0, seed[0] >>> 0, seed[1] >>> 0, w);
    for (let j = 0; j < 2 && b * 2 + j < n; j++) {
      const u1 = ((w[2 * j]! >>> 8) + 1) * INV24;
      const u2 = (w[2 * j + 1]! >>> 8) * INV24;
      out[b * 2 + j] = shift + scale * (Math.sqrt(-2 * Math.log(u1)) * Math.cos(TWO_PI * u2));
    }
  }
}

export function sampleTruncatedNormal(out: Float32Array | Float64Array, n: number, seed: [number, number], run: number, scale: number, shift: number): void {
  const w = new Uint32Array(4);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let t = 0; t < 64; t++) {
      philox(i, run, t + 1, 0, seed[0] >>> 0, seed[1] >>> 0, w);
      const r = Math.sqrt(-2 * Math.log(((w[0]! >>> 8) + 1) * INV24));
      const th = TWO_PI * (w[1]! >>> 8) * INV24;
      const z1 = r * Math.cos(th);
      if (Math.abs(z1) <= 2) { z = z1; break; }
      const r2 = Math.sqrt(-2 * Math.log(((w[2]! >>> 8) + 1) * INV24));
      const z2 = r2 * Math.sin(TWO_PI * (w[3]! >>> 8) * INV24);
      if (Math.abs(z2) <= 2) { z = z2; break; }
    }
    out[i] = shift + scale * z;
  }
}
