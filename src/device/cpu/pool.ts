/**
 * The CPU device's worker pool: `threads − 1` workers over the device heap, driven through the
 * control block (control.ts) — worker_threads under Node, Web Workers in cross-origin isolated
 * browsers (pool-link.ts says how each is started and talked to). The calling thread publishes one step at a time and
 * claims chunks of it too, then waits: it spins briefly (a step's chunks finish microseconds
 * apart), then sleeps — blocking in `Atomics.wait` for synchronous runs, or awaiting
 * `Atomics.waitAsync` so that worker 'exit' events get through for asynchronous ones. A browser's
 * main thread may not block: there synchronous runs spin and asynchronous ones only await.
 *
 * Spins are short (tens of µs): on a busy machine a spinning thread holds a core that a
 * preempted peer — the one holding the chunk everybody waits for — could run on. Measured on
 * the 2-core development machine under outside load, 0.5–2 ms spins made two threads slower
 * than one; 50–100 µs ones kept most of the gain, and were no slower when it was quieter.
 *
 * A worker that exits unasked marks the pool failed: a step whose chunks can no longer finish
 * fails with an error naming its op, and the device starts a fresh pool for the next run. The
 * worker publishes its own exit in the control block (and wakes the waiter), so synchronous
 * runs, which never see 'exit' events, fail as fast and with the same message as asynchronous
 * ones. Waits that see no chunk finish for `stallMs` fail the same way (a worker stopped without
 * running its exit handler).
 */
import type { Worker } from 'node:worker_threads';
import * as errors from '../../errors.js';
import { InternalError, OpError } from '../../errors.js';
import {
  ACTIVE, CRASH, CTRL_INTS, DONE, ERR, EXITED, EXIT_CODE, JOB, NCHUNK, NEXT, PLAN, READY, SCRATCH, SCRATCH_STRIDE, SEQ, SLEEPERS,
  STEP, STOP, WORKER_CHUNKS, claimBase, nextJobId,
} from './control.js';
import { hostWorkWaiting } from '../../session/device-busy.js';
import type { PoolLink } from './pool-link.js';
import { NodeLink, nodeLinkSupported } from './pool-link-node.js';
import { WebLink, webLinkSupported } from './pool-link-web.js';
import type { WorkerError, WorkerInit, WorkerStep } from './pool-messages.js';

/** ES2024's Atomics.waitAsync (in Node since 16; not in this project's lib typings). */
type WaitAsync = (a: Int32Array, i: number, v: number, ms?: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;

/** Whether this platform can start pool workers: worker_threads, or Web Workers when isolated. */
export function workersAvailable(): boolean {
  return nodeLinkSupported || webLinkSupported();
}

export interface PoolOptions {
  threads: number;
  memory: WebAssembly.Memory;
  wasm: boolean;
  relaxed: boolean;
  /**
   * Calling thread: spin this long for a step's last chunks, then block this long (async runs),
   * before sleeping with the event loop free.
   */
  spinMs?: number;
  blockMs?: number;
  /** Workers: spin this long for the next step during a run / after one. */
  activeSpinMs?: number;
  idleSpinMs?: number;
  stallMs?: number;
}

export class WorkerPool {
  readonly threads: number;
  readonly ctrl: Int32Array;
  private readonly link: PoolLink;
  /** Why the pool is unusable (a worker exited unasked), or null. */
  failure: string | null = null;
  /** A worker exited before it was ready: starting workers does not work here. */
  startFailed = false;
  private closed = false;
  private job = 0;
  private readonly spinMs: number;
  private readonly blockMs: number;
  private readonly stallMs: number;
  private readonly lastError = new Map<number, string>();

  static supported(memory: WebAssembly.Memory): boolean {
    return (
      workersAvailable() &&
      typeof SharedArrayBuffer === 'function' &&
      memory.buffer instanceof SharedArrayBuffer &&
      typeof waitAsync === 'function'
    );
  }

  constructor(opts: PoolOptions) {
    if (!workersAvailable()) throw new Error('no worker threads on this platform');
    this.threads = opts.threads;
    this.spinMs = opts.spinMs ?? 0.05;
    this.blockMs = opts.blockMs ?? 1;
    this.stallMs = opts.stallMs ?? 30_000;
    this.ctrl = new Int32Array(new SharedArrayBuffer(CTRL_INTS * 4));
    this.link = nodeLinkSupported ? new NodeLink() : new WebLink(this.ctrl);
    for (let i = 1; i < opts.threads; i++) {
      const init: WorkerInit = {
        memory: opts.memory,
        ctrl: this.ctrl.buffer as SharedArrayBuffer,
        index: i,
        wasm: opts.wasm,
        relaxed: opts.relaxed,
        activeSpinMs: opts.activeSpinMs ?? 0.1,
        idleSpinMs: opts.idleSpinMs ?? 0.05,
      };
      this.link.start(i, init, {
        error: (j, message) => this.lastError.set(j, message),
        exit: (j, code) => this.onExit(j, code),
      });
    }
  }

  /** What runs the workers: worker_threads (Node) or Web Workers (browsers). */
  get platform(): PoolLink['kind'] {
    return this.link.kind;
  }

  private onExit(i: number, code: number): void {
    if (this.closed) return;
    // the worker's own report, if it made one, says the same (and came first)
    if (!this.exited()) this.markExited(i, code, this.lastError.get(i));
    // wake a waitAsync of this thread so the run sees the failure now
    Atomics.notify(this.ctrl, DONE);
  }

  private markExited(i: number, code: number, why: string | undefined): void {
    this.failure ??= `CPU worker thread ${i} exited (code ${code}${why ? `: ${why}` : ''})`;
    if (Atomics.load(this.ctrl, READY + i) === 0) this.startFailed = true;
  }

  /** Whether the pool failed, or a worker reported its own exit (then it is marked failed now). */
  exited(): boolean {
    if (this.failure) return true;
    const i = Atomics.load(this.ctrl, EXITED);
    if (i === 0) return false;
    let why: string | undefined;
    for (const msg of this.link.receive(i)) if (msg.t === 'exit') why = msg.why;
    this.markExited(i, Atomics.load(this.ctrl, EXIT_CODE), why || this.lastError.get(i));
    return true;
  }

  /** Workers that are up and waiting for steps. */
  get ready(): number {
    let n = 0;
    for (let i = 1; i < this.threads; i++) n += Atomics.load(this.ctrl, READY + i);
    return n;
  }

  /** Chunks run by workers so far. */
  get workerChunks(): number {
    return Atomics.load(this.ctrl, WORKER_CHUNKS);
  }

  /** Worker objects, for tests that kill one. */
  get threadsForTesting(): readonly Worker[] {
    return this.link.workers as readonly Worker[];
  }

  /** Make worker `index` (1-based) exit when it next claims a chunk, as a crash would. */
  crashForTesting(index: number): void {
    Atomics.store(this.ctrl, CRASH, index);
  }

  setScratch(offset: number, stride: number): void {
    Atomics.store(this.ctrl, SCRATCH, offset);
    Atomics.store(this.ctrl, SCRATCH_STRIDE, stride);
  }

  register(id: number, steps: (WorkerStep | null)[]): void {
    this.link.register(id, steps);
  }

  drop(id: number): void {
    if (this.closed) return;
    this.link.drop(id);
  }

  private wake(): void {
    Atomics.add(this.ctrl, SEQ, 1);
    if (Atomics.load(this.ctrl, SLEEPERS) > 0) Atomics.notify(this.ctrl, SEQ);
  }

  /** A run with parallel steps starts: wake the workers now, so they are up by its first one. */
  beginRun(): void {
    Atomics.store(this.ctrl, ACTIVE, 1);
    this.wake();
  }

  endRun(): void {
    Atomics.store(this.ctrl, ACTIVE, 0);
  }

  /** Publish step `step` of plan `plan` as `chunks` chunks. */
  dispatch(plan: number, step: number, chunks: number): void {
    const c = this.ctrl;
    this.job = nextJobId(this.job) || 1;
    this.link.select(plan);
    // JOB changes first: a thread still holding a claim on the previous job re-checks JOB after
    // reading the step fields (workOn), so it can never pair an old claim with the new step.
    Atomics.store(c, JOB, this.job);
    Atomics.store(c, PLAN, plan);
    Atomics.store(c, STEP, step);
    Atomics.store(c, NCHUNK, chunks);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, NEXT, claimBase(this.job));
    this.wake();
  }

  private spinDone(n: number): boolean {
    const c = this.ctrl;
    const until = performance.now() + this.spinMs;
    for (;;) {
      for (let i = 0; i < 128; i++) if (Atomics.load(c, DONE) >= n) return true;
      if (performance.now() > until) return false;
    }
  }

  private stalled(op: string): OpError {
    this.failure ??= `no CPU worker thread finished a chunk in ${this.stallMs / 1000} s`;
    return this.lost(op);
  }

  private lost(op: string): OpError {
    return new InternalError(`${this.failure} while running ${op}`, op);
  }

  /** Block until DONE moves from `cur` or `ms` pass (spinning where this thread may not block). */
  private sleep(cur: number, ms: number): void {
    if (this.link.canBlock) {
      Atomics.wait(this.ctrl, DONE, cur, ms);
      return;
    }
    const until = performance.now() + ms;
    while (Atomics.load(this.ctrl, DONE) === cur && performance.now() < until);
  }

  /** Wait for the current step's `n` chunks, blocking this thread. */
  waitSync(n: number, op: string): void {
    if (this.spinDone(n)) return this.check(op);
    const c = this.ctrl;
    let last = -1;
    let since = performance.now();
    for (;;) {
      const cur = Atomics.load(c, DONE);
      if (cur >= n) return this.check(op);
      const now = performance.now();
      if (this.exited()) throw this.lost(op);
      if (cur !== last) {
        last = cur;
        since = now;
      } else if (now - since > this.stallMs) throw this.stalled(op);
      this.sleep(cur, 5);
    }
  }

  /**
   * Wait for the current step's `n` chunks, letting the event loop run while asleep; resolves
   * to whether it did sleep (the event loop had a turn).
   */
  async waitAsync(n: number, op: string): Promise<boolean> {
    if (this.spinDone(n)) {
      this.check(op);
      return false;
    }
    const c = this.ctrl;
    let last = -1;
    let since = performance.now();
    // Most steps end within a short blocking wait, which wakes faster than waitAsync's trip
    // through the event loop; longer ones sleep with the loop free, so exit events get in.
    const cur = Atomics.load(c, DONE);
    // a prefetch waiting for a turn of the loop gets it now, while the workers compute
    if (cur < n && this.link.canBlock && !hostWorkWaiting()) Atomics.wait(c, DONE, cur, this.blockMs);
    let slept = false;
    // a pending waitAsync does not keep the process alive; the run must
    const keepAlive = setInterval(() => {}, 1 << 30);
    try {
      for (;;) {
        const cur = Atomics.load(c, DONE);
        if (cur >= n) {
          this.check(op);
          return slept;
        }
        if (this.exited()) throw this.lost(op);
        const now = performance.now();
        if (cur !== last) {
          last = cur;
          since = now;
        } else if (now - since > this.stallMs) throw this.stalled(op);
        const r = waitAsync!(c, DONE, cur, 100);
        if (r.async) {
          await r.value;
          slept = true;
        }
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** After a step: rethrow the first error a worker reported for it. */
  private check(op: string): void {
    if (Atomics.load(this.ctrl, ERR) === 0) return;
    Atomics.store(this.ctrl, ERR, 0);
    let first: WorkerError | null = null;
    for (let i = 1; i < this.threads; i++) {
      for (const msg of this.link.receive(i)) if (msg.t === 'error') first ??= msg;
    }
    if (!first) throw new InternalError(`a CPU worker thread failed while running ${op}`, op);
    throw rebuildError(first, op);
  }

  /** Stop the workers; resolves once they are gone. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // a run still waiting on this pool fails now rather than at the stall timeout
    this.failure ??= 'the CPU device was closed';
    Atomics.notify(this.ctrl, DONE);
    Atomics.store(this.ctrl, STOP, 1);
    this.wake();
    Atomics.notify(this.ctrl, SEQ);
    await this.link.terminate();
  }
}

/** The worker's error as the class it was thrown as (OpError subclasses keep op and code). */
function rebuildError(e: WorkerError, op: string): Error {
  const ctor = (errors as Record<string, unknown>)[e.name];
  const at = typeof e.op === 'string' ? e.op : op;
  if (typeof ctor === 'function' && (ctor === OpError || ctor.prototype instanceof OpError)) {
    if (ctor === OpError) return new OpError(e.message, at, typeof e.code === 'number' ? e.code : 2);
    return new (ctor as new (m: string, op: string) => OpError)(e.message, at);
  }
  return new InternalError(`${e.name}: ${e.message}`, at);
}
