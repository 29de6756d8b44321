/**
 * A plan's arena against the lower bound any placement must meet: the peak of simultaneously
 * live temp bytes, with the lifetimes the memory planner uses (first step touching a buffer to
 * the last; feeds from before the first step, fetches and commit sources to the end).
 */
import { BYTES } from '../../src/dtype.js';
import type { Plan } from '../../src/device/plan.js';
import { type Interval, peakLiveBytes } from '../../src/session/memory.js';

export function arenaStats(plan: Plan, alignment = 64): { arenaBytes: number; peakLiveBytes: number; ratio: number } {
  const temps = new Map(plan.buffers.filter((b) => b.kind === 'temp').map((b) => [b.id, b]));
  const start = new Map<number, number>();
  const end = new Map<number, number>();
  const touch = (id: number, i: number): void => {
    if (!temps.has(id)) return;
    if (!start.has(id)) start.set(id, i);
    end.set(id, Math.max(end.get(id) ?? i, i));
  };
  plan.feeds.forEach((id) => touch(id, -1));
  plan.steps.forEach((s, i) => [...s.inputs, ...s.outputs].forEach((id) => touch(id, i)));
  for (const id of [...plan.fetches, ...plan.commits.map((c) => c.from)]) {
    if (!temps.has(id)) continue;
    if (!start.has(id)) start.set(id, -1);
    end.set(id, Infinity);
  }
  const intervals: Interval[] = [...start.keys()].map((id) => {
    const b = temps.get(id)!;
    return { id, bytes: b.size * BYTES[b.dtype], start: start.get(id)!, end: end.get(id)! };
  });
  const peak = peakLiveBytes(intervals, alignment);
  return { arenaBytes: plan.arenaBytes, peakLiveBytes: peak, ratio: plan.arenaBytes / Math.max(peak, 1) };
}
