// `np.random.uniform(low, high, size)` and `np.random.permutation(n)` for the TF1 ports in this folder: seeded (xorshift32), so
// every run of a port gives the same numbers. Run on its own it prints a draw:
// test-check: ^uniform\(-1, 1, \[2, 3\]\): shape 2,3, all in \[-1, 1\)$
import { pathToFileURL } from 'node:url';
import * as tf from 'tsflow';

let state = 0x2545f491;

/** `np.random.seed(seed)`. */
export function seed(s: number): void {
  state = s >>> 0 || 0x9e3779b9;
}

function next(): number {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 4294967296;
}

/** `np.random.uniform(low, high, size)` as a float32 NDArray. */
export function uniform(low: number, high: number, size: number[]): tf.NDArray {
  const n = size.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = low + (high - low) * next();
  return new tf.NDArray(out, size, 'float32');
}

/** `np.random.permutation(n)`: 0..n-1 shuffled (Fisher-Yates). */
export function permutation(n: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const u = uniform(-1, 1, [2, 3]);
  const ok = Array.from(u.data as Float32Array).every((v) => v >= -1 && v < 1);
  console.log(`uniform(-1, 1, [2, 3]): shape ${u.shape.join(',')}, all ${ok ? 'in' : 'NOT in'} [-1, 1)`);
}
