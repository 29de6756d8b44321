/**
 * The control block a worker pool shares (an Int32Array over a SharedArrayBuffer) and the chunk
 * claiming both the calling thread and the workers run.
 *
 * A job is one step cut into `NCHUNK` chunks. Threads claim chunks with one atomic add on `NEXT`,
 * which holds (job id << 12 | next chunk): the claim itself says which job it belongs to, so a
 * thread that wakes late can never take a chunk of a job it did not read. The job's parameters
 * are stable while any of its chunks is outstanding (the caller changes them only once `DONE`
 * reaches `NCHUNK`). Chunk boundaries are a function of (units, chunks, align) alone, so results
 * never depend on which thread ran which chunk.
 */

export const SEQ = 0; // bumped per job (and per wake-up); idle workers wait on it
export const JOB = 1; // current job id (JOB_BITS bits)
export const NEXT = 2; // claim counter
export const NCHUNK = 3;
export const DONE = 4; // chunks finished (the caller waits on it)
export const PLAN = 5;
export const STEP = 6;
export const ERR = 7; // a chunk failed on a worker (details on the worker's port)
export const ACTIVE = 8; // a run is in progress: idle workers spin before sleeping
export const SLEEPERS = 9; // workers blocked in Atomics.wait on SEQ
export const STOP = 10;
export const SCRATCH = 11; // byte offset of thread 0's scratch
export const SCRATCH_STRIDE = 12; // bytes of scratch per thread
export const WORKER_CHUNKS = 13; // chunks run by workers (statistics, tests)
export const CRASH = 14; // tests: the worker with this index exits at its next claimed chunk
export const EXITED = 15; // index of the first worker that exited unasked (set by the worker itself)
export const READY = 16; // + worker index (1-based): 1 once the worker is waiting for jobs
export const EXIT_CODE = READY + 257; // that worker's exit code
// Web Workers only: where the current plan's step table lies in the pool's table memory
export const TABLE_OFF = EXIT_CODE + 1;
export const TABLE_LEN = EXIT_CODE + 2;
export const CTRL_INTS = EXIT_CODE + 3;

const CHUNK_BITS = 12;
const JOB_MASK = (1 << 19) - 1;
/** Chunks per step; room is left for over-claims (at most one per thread and job). */
export const MAX_CHUNKS = 2048;

export const nextJobId = (job: number): number => (job + 1) & JOB_MASK;
export const claimBase = (job: number): number => job << CHUNK_BITS;

/** Units [lo, hi) of chunk `j` of `chunks`, boundaries on multiples of `align`. */
export function chunkRange(units: number, chunks: number, align: number, j: number): [number, number] {
  const blocks = Math.ceil(units / align);
  const lo = Math.min(units, Math.floor((blocks * j) / chunks) * align);
  const hi = Math.min(units, Math.floor((blocks * (j + 1)) / chunks) * align);
  return [lo, hi];
}

/**
 * Claim and run chunks of the current job until none is left. `run` gets (plan, step, chunk);
 * an exception from it is handed to `fail` and the chunk still counts as done, so nobody waits
 * forever. Returns the number of chunks this thread ran.
 */
export function workOn(
  ctrl: Int32Array,
  run: (plan: number, step: number, chunk: number) => void,
  fail: (e: unknown, plan: number, step: number) => void,
): number {
  let ran = 0;
  for (;;) {
    const claim = Atomics.add(ctrl, NEXT, 1);
    const job = claim >>> CHUNK_BITS;
    const chunk = claim & ((1 << CHUNK_BITS) - 1);
    if (Atomics.load(ctrl, JOB) !== job) return ran;
    const n = Atomics.load(ctrl, NCHUNK);
    if (chunk >= n) return ran;
    const plan = Atomics.load(ctrl, PLAN);
    const step = Atomics.load(ctrl, STEP);
    // A claim taken just before the next dispatch began must not run that new step's chunk
    // (it would be run twice and counted twice, releasing the caller before a chunk is done).
    if (Atomics.load(ctrl, JOB) !== job) return ran;
    try {
      run(plan, step, chunk);
    } catch (e) {
      fail(e, plan, step);
    }
    ran++;
    if (Atomics.add(ctrl, DONE, 1) + 1 === n) Atomics.notify(ctrl, DONE);
  }
}
