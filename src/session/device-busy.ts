/**
 * Which devices have an asynchronous plan run in progress. Such a run gives the event loop
 * turns while it waits for its workers (or the GPU), and a dataset's prefetch produces
 * elements in those turns: a pipeline function it runs then must not start a plan on a device
 * that is in the middle of one, so it waits for the device to be idle (src/data/prefetch.ts).
 */
import type { Device } from '../device/device.js';

interface Busy {
  runs: number;
  idle: (() => void)[];
}
const busy = new WeakMap<Device, Busy>();

/** Mark an asynchronous run of `device` as started; call the returned function when it ends. */
export function deviceRunStarts(device: Device): () => void {
  let b = busy.get(device);
  if (!b) busy.set(device, (b = { runs: 0, idle: [] }));
  b.runs++;
  const entry = b;
  return () => {
    if (--entry.runs > 0) return;
    const waiting = entry.idle.splice(0);
    for (const f of waiting) f();
  };
}

/** Null when no asynchronous run of `device` is in progress, else a promise of the moment none is. */
export function deviceIdle(device: Device): Promise<void> | null {
  const b = busy.get(device);
  if (!b || b.runs === 0) return null;
  return new Promise<void>((resolve) => b.idle.push(resolve));
}

let hostWork = 0;
/**
 * Host work waits for a turn of the event loop (a prefetch about to produce): a run waiting
 * on its CPU workers then sleeps with the loop free at once instead of first blocking the
 * thread for a moment, so that work overlaps with the workers' chunks.
 */
export function hostWorkScheduled(delta: 1 | -1): void {
  hostWork += delta;
}
export function hostWorkWaiting(): boolean {
  return hostWork > 0;
}
