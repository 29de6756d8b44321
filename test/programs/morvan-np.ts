/**
 * The few numpy calls MorvanZhou/Tensorflow-Tutorial's programs make (np.random.normal / uniform /
 * randn / randint / shuffle, np.linspace), from a seeded generator so the ports are reproducible.
 * (numpy's Mersenne Twister stream is not reproduced: only the distributions matter to the programs.)
 */
export class NpRandom {
  private s: number;
  private spare: number | null = null;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** uniform in [0, 1) (mulberry32) */
  random(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** standard normal (Box-Muller) */
  randn1(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const u = 1 - this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  /** np.random.normal(loc, scale, size=n) as a flat array */
  normal(loc: number, scale: number, n: number): number[] {
    return Array.from({ length: n }, () => loc + scale * this.randn1());
  }
  /** np.random.uniform(lo, hi, size=n) */
  uniform(lo: number, hi: number, n: number): number[] {
    return Array.from({ length: n }, () => lo + (hi - lo) * this.random());
  }
  /** np.random.randint(lo, hi, n) */
  randint(lo: number, hi: number, n: number): number[] {
    return Array.from({ length: n }, () => lo + Math.floor((hi - lo) * this.random()));
  }
  /** np.random.shuffle (in place, Fisher-Yates) */
  shuffle<T>(a: T[]): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
  }
}

/** np.linspace(a, b, n) */
export function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
}

/** x[:, np.newaxis] for a flat array */
export function column(x: number[]): number[][] {
  return x.map((v) => [v]);
}
