/**
 * Where each temp buffer lives in the arena. The planner sizes temps with the device's
 * `bytesPerElement` (4 for every WebGPU dtype: bool is stored as u32); a plan whose offsets were
 * computed otherwise (e.g. 1-byte bools) could overlap once widened, so the device checks the
 * plan's placement against the temps' lifetimes and lays them out itself when it does not hold.
 */
import type { DType } from '../../dtype.js';
import type { Plan } from '../plan.js';

export interface TempLayout {
  offsets: Map<number, number>;
  bytes: number;
  /** Whether the plan's own offsets were replaced. */
  relaid: boolean;
}

interface Live {
  id: number;
  bytes: number;
  start: number;
  end: number;
  off: number;
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Lifetimes in step indices: −1 = fed before the steps, steps.length = read after them. */
function lifetimes(plan: Plan, bpe: (d: DType) => number): Live[] {
  const temps = new Map(plan.buffers.filter((b) => b.kind === 'temp').map((b) => [b.id, b]));
  const start = new Map<number, number>();
  const end = new Map<number, number>();
  const touch = (id: number, t: number): void => {
    if (!temps.has(id)) return;
    start.set(id, Math.min(start.get(id) ?? t, t));
    end.set(id, Math.max(end.get(id) ?? t, t));
  };
  plan.feeds.forEach((id) => touch(id, -1));
  plan.steps.forEach((s, t) => {
    s.inputs.forEach((id) => touch(id, t));
    s.outputs.forEach((id) => touch(id, t));
  });
  const after = plan.steps.length;
  plan.fetches.forEach((id) => touch(id, after));
  plan.commits.forEach((c) => touch(c.from, after));
  plan.rowCommits?.forEach((c) => {
    touch(c.values, after);
    touch(c.indices, after);
  });
  return [...start.keys()].map((id) => {
    const b = temps.get(id)!;
    return { id, bytes: b.size * bpe(b.dtype), start: start.get(id)!, end: end.get(id)!, off: b.kind === 'temp' ? b.offset : 0 };
  });
}

const overlapsInTime = (a: Live, b: Live): boolean => a.start <= b.end && b.start <= a.end;
const overlapsInSpace = (a: Live, b: Live): boolean =>
  a.bytes > 0 && b.bytes > 0 && a.off < b.off + b.bytes && b.off < a.off + a.bytes;

export function layoutTemps(plan: Plan, bpe: (d: DType) => number, alignment: number): TempLayout {
  const live = lifetimes(plan, bpe);
  let ok = live.every((t) => t.bytes === 0 || (t.off % alignment === 0 && t.off + t.bytes <= plan.arenaBytes));
  if (ok) {
    const byOffset = live.filter((t) => t.bytes > 0).sort((a, b) => a.off - b.off);
    // Sweep by offset: only buffers that start before this one ends can overlap it.
    outer: for (let i = 0; i < byOffset.length; i++) {
      const a = byOffset[i]!;
      for (let j = i + 1; j < byOffset.length && byOffset[j]!.off < a.off + a.bytes; j++) {
        if (overlapsInTime(a, byOffset[j]!) && overlapsInSpace(a, byOffset[j]!)) {
          ok = false;
          break outer;
        }
      }
    }
  }
  const offsets = new Map<number, number>();
  if (ok) {
    for (const t of live) offsets.set(t.id, t.bytes > 0 ? t.off : 0);
    return { offsets, bytes: plan.arenaBytes, relaid: false };
  }
  // Greedy placement, largest first, lowest offset whose lifetime-overlapping neighbours allow.
  const order = live.filter((t) => t.bytes > 0).sort((a, b) => b.bytes - a.bytes || a.start - b.start || a.id - b.id);
  const placed: Live[] = [];
  let bytes = 0;
  for (const t of order) {
    const size = alignUp(t.bytes, alignment);
    const clash = placed.filter((p) => overlapsInTime(p, t)).sort((a, b) => a.off - b.off);
    let off = 0;
    for (const p of clash) {
      if (off + size <= p.off) break;
      off = Math.max(off, alignUp(p.off + p.bytes, alignment));
    }
    t.off = off;
    placed.push(t);
    offsets.set(t.id, off);
    bytes = Math.max(bytes, off + size);
  }
  for (const t of live) if (t.bytes === 0) offsets.set(t.id, 0);
  return { offsets, bytes, relaid: true };
}
