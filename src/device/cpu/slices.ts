/**
 * Asynchronous CPU runs share the calling thread with everything else on its event loop, so
 * they give it a turn after every `SLICE_MS` of continuous work — runs queued back to back
 * count as one stretch — between steps (a step is never cut). Synchronous runs never yield.
 * One clock for the thread: every device and session on it runs on the same event loop.
 */
const SLICE_MS = 2;
/** Runs starting this long after the previous one ended begin a new stretch. */
const GAP_MS = 0.25;

let since = 0;
let lastEnd = Number.NEGATIVE_INFINITY;

const nextTurn: (f: () => void) => void =
  typeof setImmediate === 'function' ? (f) => setImmediate(f) : (f) => setTimeout(f, 0);

export function runStarts(): void {
  const now = performance.now();
  if (now - lastEnd > GAP_MS) since = now;
}

export function runEnds(): void {
  lastEnd = performance.now();
}

/** The event loop just had a turn (the run slept in an asynchronous wait). */
export function loopRan(): void {
  since = performance.now();
}

/** Whether this stretch has used its slice. */
export function sliceUsed(): boolean {
  return performance.now() - since >= SLICE_MS;
}

/** Let the event loop run (timers, I/O, other callbacks), then start a new slice. */
export async function yieldToLoop(): Promise<void> {
  await new Promise<void>((resolve) => nextTurn(resolve));
  since = performance.now();
}
