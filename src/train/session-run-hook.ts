/**
 * `tf.train.SessionRunHook`, `SessionRunArgs`, `SessionRunContext`, `SessionRunValues`: the
 * callbacks a MonitoredSession calls around its session (src/train/monitored-session.ts).
 *
 * A hook's methods may return promises (the session's runs are asynchronous); the monitored
 * session awaits each in turn, in the order of its hooks.
 */
import type { RunMetadata, RunOptions } from '../session/run-trace.js';
import type { Session } from '../session/session.js';
import type { Coordinator } from './coordinator.js';

type Awaitable<T> = T | Promise<T>;

/** What a hook's `beforeRun` adds to the next run: fetches, feeds and run options. */
export class SessionRunArgs {
  readonly fetches: unknown;
  readonly feedDict: unknown;
  readonly options: RunOptions | null;
  /** `SessionRunArgs(fetches, feedDict?, options?)`. */
  constructor(fetches: unknown, feedDict?: unknown, options?: RunOptions | null) {
    this.fetches = fetches === undefined ? null : fetches;
    this.feedDict = feedDict ?? null;
    this.options = options ?? null;
  }
}

/** What a hook's `afterRun` sees: the values of its fetches, the run's options and metadata. */
export class SessionRunValues {
  constructor(readonly results: any, readonly options: RunOptions | null, readonly runMetadata: RunMetadata | null) {}
}

/** The run being made: the caller's arguments, the raw session, and a way to stop the loop. */
export class SessionRunContext {
  private stop = false;
  constructor(readonly originalArgs: SessionRunArgs, readonly session: Session) {}
  /** Ask the monitored session to stop: its `shouldStop()` is true after this run. */
  requestStop(): void {
    this.stop = true;
  }
  get stopRequested(): boolean {
    return this.stop;
  }
}

/** `tf.train.SessionRunHook`: override the methods you need. */
export class SessionRunHook {
  /** Called once before the session is created; the graph may still be changed here. */
  begin(): Awaitable<void> {}
  /** Called when the session has been created (and initialized or restored). */
  afterCreateSession(session: Session, coord: Coordinator): Awaitable<void> {
    void session;
    void coord;
  }
  /** Called before each run: what to add to it (or null). */
  beforeRun(runContext: SessionRunContext): Awaitable<SessionRunArgs | null | undefined | void> {
    void runContext;
    return null;
  }
  /** Called after each run with the values of what `beforeRun` asked for. */
  afterRun(runContext: SessionRunContext, runValues: SessionRunValues): Awaitable<void> {
    void runContext;
    void runValues;
  }
  /** Called when the monitored session ends without an error (the end of data counts as no error). */
  end(session: Session): Awaitable<void> {
    void session;
  }
}
