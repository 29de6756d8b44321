import { BYTES } from '../dtype.js';
import type { Plan } from '../device/plan.js';

/**
 * Arena memory planning: each temp buffer lives from the step that first writes it to the step
 * that last reads it; buffers whose lifetimes overlap never share bytes. Placement is greedy
 * by size (largest first, lowest offset that fits), which packs a training plan close to the
 * sum of its live tensors at the peak.
 */

export interface Interval {
  id: number;
  bytes: number;
  /** First step index that needs the buffer (−1: filled before the steps run). */
  start: number;
  /** Last step index that needs it (Infinity: read after the steps). */
  end: number;
}

export interface Placement {
  offsets: Map<number, number>;
  arenaBytes: number;
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

export function planArena(intervals: readonly Interval[], alignment: number): Placement {
  const order = [...intervals].sort((x, y) => y.bytes - x.bytes || x.start - y.start || x.id - y.id);
  const placed: { off: number; end: number; iv: Interval }[] = [];
  const offsets = new Map<number, number>();
  let arenaBytes = 0;
  for (const iv of order) {
    const size = align(Math.max(iv.bytes, 1), alignment);
    // Blocks already placed whose lifetime overlaps this one, by offset.
    const clash = placed
      .filter((p) => p.iv.start <= iv.end && iv.start <= p.iv.end)
      .sort((a, b) => a.off - b.off);
    let off = 0;
    for (const p of clash) {
      if (off + size <= p.off) break;
      off = Math.max(off, p.end);
    }
    placed.push({ off, end: off + size, iv });
    offsets.set(iv.id, off);
    arenaBytes = Math.max(arenaBytes, off + size);
  }
  return { offsets, arenaBytes };
}

/** The largest total of simultaneously live bytes (the lower bound any placement must meet). */
export function peakLiveBytes(intervals: readonly Interval[], alignment = 1): number {
  const events: [number, number][] = [];
  for (const iv of intervals) {
    const b = align(Math.max(iv.bytes, 1), alignment);
    events.push([iv.start, b], [iv.end + 0.5, -b]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let peak = 0;
  for (const [, d] of events) {
    cur += d;
    peak = Math.max(peak, cur);
  }
  return peak;
}

/**
 * Live range and placement of each temp buffer of a finished plan, read back from its feeds,
 * steps, fetches and commits (what benchmarks and tests check the placement against).
 */
export function planIntervals(plan: Plan): (Interval & { offset: number })[] {
  const temps = new Map(plan.buffers.flatMap((b) => (b.kind === 'temp' ? [[b.id, b] as const] : [])));
  const start = new Map<number, number>();
  const end = new Map<number, number>();
  const touch = (id: number, i: number): void => {
    if (!temps.has(id)) return;
    if (!start.has(id)) start.set(id, i);
    end.set(id, Math.max(end.get(id) ?? i, i));
  };
  plan.feeds.forEach((id) => touch(id, -1));
  plan.steps.forEach((s, i) => [...s.inputs, ...s.outputs].forEach((id) => touch(id, i)));
  for (const id of [...plan.fetches, ...plan.commits.map((c) => c.from), ...(plan.rowCommits ?? []).flatMap((c) => [c.values, c.indices])]) {
    if (!temps.has(id)) continue;
    if (!start.has(id)) start.set(id, -1);
    end.set(id, Infinity);
  }
  return [...start.keys()].map((id) => {
    const b = temps.get(id)!;
    return { id, bytes: b.size * BYTES[b.dtype], start: start.get(id)!, end: end.get(id)!, offset: b.offset };
  });
}
