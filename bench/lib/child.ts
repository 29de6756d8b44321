/**
 * Shared by the case scripts, each of which runs in its own child process for one
 * implementation: argument parsing, timing loops, and the one result line the runner reads.
 */

export function args(): Map<string, string> {
  const m = new Map<string, string>();
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    if (!a[i]!.startsWith('--')) continue;
    const next = a[i + 1];
    if (next === undefined || next.startsWith('--')) m.set(a[i]!.slice(2), 'true');
    else m.set(a[i]!.slice(2), a[++i]!);
  }
  return m;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

/**
 * Time `fn` (ms per call, median): `warm` untimed calls, then calls until both `minReps` and
 * `minMs` are reached (or `maxReps`).
 */
export async function timeIt(
  fn: () => unknown,
  opts: { warm?: number; minReps?: number; maxReps?: number; minMs?: number } = {},
): Promise<{ median: number; reps: number; samples: number[] }> {
  const { warm = 2, minReps = 5, maxReps = 10_000, minMs = 500 } = opts;
  for (let i = 0; i < warm; i++) await fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < maxReps && (samples.length < minReps || performance.now() - start < minMs)) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return { median: median(samples), reps: samples.length, samples };
}

/** Print the result line the runner parses. */
export function report(result: Record<string, unknown>): void {
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

/** Deterministic pseudo-random float32 data in [-0.5, 0.5). */
export function randomData(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s / 0x100000000 - 0.5;
  }
  return out;
}
