/** Seeded random numbers for the tests: the same sequence on every run and every machine. */

/** A xorshift32 generator: uniform in [0, 1). Seed 0 is taken as 1 (xorshift has no 0 state). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}
