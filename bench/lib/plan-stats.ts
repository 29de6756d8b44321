/**
 * A plan's arena against the lower bound any placement must meet: the peak of simultaneously
 * live temp bytes, with the lifetimes the memory planner uses (first step touching a buffer to
 * the last; feeds from before the first step, fetches and commit sources to the end).
 */
import type { Plan } from '../../src/device/plan.js';
import { peakLiveBytes, planIntervals } from '../../src/session/memory.js';

export function arenaStats(plan: Plan, alignment = 64): { arenaBytes: number; peakLiveBytes: number; ratio: number } {
  const peak = peakLiveBytes(planIntervals(plan), alignment);
  return { arenaBytes: plan.arenaBytes, peakLiveBytes: peak, ratio: plan.arenaBytes / Math.max(peak, 1) };
}
