/**
 * The run lock of one session, and parked runs.
 *
 * A session executes one run at a time, in call order: `Session.run` takes the lock before its
 * run starts and gives it back when the run settles. A run that must wait for another run (a
 * dequeue on an empty queue, an enqueue on a full one: TF1's blocking queue ops) parks: it gives
 * the lock back, waits to be woken (by an enqueue, a dequeue or a close of that queue), then
 * takes the lock again, at the back of the line, and carries on. So runs interleave only at
 * these waits, never inside a device plan, and a parked run holds no device state.
 *
 * A wait ends with an error instead of hanging where that can be told: `runSync` never waits
 * (the caller's thread is the only one); a wait that starts while no other run of the session
 * is in flight and no queue runner is running would never end, and fails (unless it has a
 * deadline); `RunOptions.timeoutInMs` (or the session config's `operationTimeoutInMs`) bounds
 * it (DeadlineExceededError, TF's "Timed out waiting for notification"); closing the session
 * cancels it (CancelledError, TF's "Dequeue operation was cancelled" / "Enqueue operation was
 * cancelled").
 */
import { CancelledError, DeadlineExceededError, RuntimeError } from '../errors.js';
import type { SessionState } from './runner.js';

interface Parked {
  /** What waits: 'Enqueue', 'Dequeue' (queues), 'TakeGrad' (accumulators); names TF's cancel message. */
  kind: string;
  op: string;
  /** The run's tag (see RunLock.tag). */
  tag: unknown;
  reject(e: Error): void;
}

export class RunLock {
  private held = false;
  private readonly line: (() => void)[] = [];
  /** Runs called (`Session.run`) and not yet settled. */
  inFlight = 0;
  private readonly parked = new Set<Parked>();
  /** Queue-runner loops running on this session (tf.train.startQueueRunners). */
  producers = 0;
  /** Set when the session closes: no run parks any more. */
  private closed = false;
  /** The deadline of the run holding the lock (a `performance.now()` time), set by it when it starts. */
  deadline: number | undefined = undefined;
  /** What the run holding the lock is known by to `cancelTagged` (a cluster task's RunGraph call), set by it when it starts. */
  tag: unknown = undefined;
  /**
   * A cluster task's session: its runs come from many clients, and a run of another client may
   * end any wait, so a wait never fails for want of other runs in this process.
   */
  sharedByClients = false;

  /** Whether a run holds the lock now (or has been handed it). */
  get busy(): boolean {
    return this.held;
  }

  /** Whether the session has been closed (pipelines stop producing ahead). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Runs now waiting in a queue op. */
  get parkedCount(): number {
    return this.parked.size;
  }

  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise<void>((res) => this.line.push(res));
  }

  release(): void {
    const next = this.line.shift();
    // handed on: the lock stays held for the next run in line
    if (next) next();
    else this.held = false;
  }

  /**
   * Park the calling run (which holds the lock) until `subscribe`'s wake function is called:
   * the lock is given back meanwhile and taken again before this resolves (also on an error).
   * The run's deadline is the lock's while it holds it. `again`: the op waited already and was
   * woken without what it waits for; it waits on without the check that something could wake
   * it (that was made when its wait began).
   */
  async park(kind: string, what: string, op: string, subscribe: (wake: () => void) => void, again = false): Promise<void> {
    const deadline = this.deadline;
    const tag = this.tag;
    if (this.closed) throw new CancelledError(`${kind} operation was cancelled`, op);
    if (!again && !this.sharedByClients && deadline === undefined && this.inFlight - this.parked.size <= 1 && this.producers === 0) {
      throw new RuntimeError(
        `${what} would block forever (op ${op}): no other run of this session is in flight and no queue runner is running, so nothing could ever wake it; start the queue runners (tf.train.startQueueRunners) or run the ops that fill or drain it concurrently`,
      );
    }
    let entry: Parked | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    this.release();
    try {
      await new Promise<void>((resolve, reject) => {
        entry = { kind, op, tag, reject };
        this.parked.add(entry);
        subscribe(resolve);
        if (deadline !== undefined) {
          timer = setTimeout(() => reject(new DeadlineExceededError('Timed out waiting for notification', op)), Math.max(0, deadline - performance.now()));
        }
      });
    } finally {
      if (timer !== null) clearTimeout(timer);
      if (entry) this.parked.delete(entry);
      await this.acquire();
      this.deadline = deadline;
      this.tag = tag;
    }
  }

  /** Fail the parked runs tagged `tag` with TF's CancelledError (their client cancelled the call or went away). */
  cancelTagged(tag: unknown): void {
    for (const p of [...this.parked]) if (p.tag === tag) p.reject(new CancelledError(`${p.kind} operation was cancelled`, p.op));
  }

  /** Session close: every parked run fails with TF's CancelledError. */
  cancelAll(): void {
    this.closed = true;
    for (const p of [...this.parked]) p.reject(new CancelledError(`${p.kind} operation was cancelled`, p.op));
  }
}

const locks = new WeakMap<SessionState, RunLock>();

/** @internal Give a session's state its run lock (Session's constructor). */
export function attachRunLock(state: SessionState, lock: RunLock): void {
  locks.set(state, lock);
}

/** The run lock of the session `state` belongs to; undefined for a pipeline function's own runner. */
export function runLockOf(state: SessionState): RunLock | undefined {
  return locks.get(state);
}
