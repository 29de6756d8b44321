/** A small seeded PRNG for reproducible shuffling (not for anything security-related). */

/**
 * Scramble a 32-bit integer so that nearby inputs give unrelated outputs (xor-shift/multiply
 * rounds; the odd multipliers were picked by measuring single-bit avalanche).
 */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x5e89118f);
  x = Math.imul(x ^ (x >>> 15), 0x12e44f2f);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A generator of uniform floats in [0, 1): a 32-bit counter stepped by an odd constant (so it
 * visits every 32-bit state) and passed through `mix32`.
 */
export function seededRandom(seed: number): () => number {
  let state = mix32(seed >>> 0) | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    return mix32(state) / 4294967296;
  };
}

/** The seed for the `k`-th stream derived from `seed` (e.g. one stream per epoch). */
export function deriveSeed(seed: number, k: number): number {
  return mix32((mix32(seed >>> 0) ^ Math.imul(k + 1, 0x5266e4af)) >>> 0);
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, random: () => number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
