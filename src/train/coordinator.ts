/**
 * `tf.train.Coordinator`: a stop flag shared by the parts of a training loop (the queue
 * runners' loops among them), the error that caused a stop, and `join` to wait for the loops.
 *
 * TF1's threads are here `Thread`s: an async loop started on the event loop (`start()`),
 * waited for with `await thread.join()`. Their session runs interleave with the main loop's at
 * queue waits (src/session/run-lock.ts). `join` is asynchronous accordingly (`await
 * coord.join(threads)`).
 */
import { OutOfRangeError, RuntimeError } from '../errors.js';
import * as logging from './tf-logging.js';

/** TF1's `threading.Thread` for the loops a Coordinator watches: an async target run once. */
export class Thread {
  private done: Promise<void> | null = null;
  private alive = false;
  /** Python's `daemon` flag: kept for the API; a JS loop never keeps a process alive by itself. */
  daemon = false;

  constructor(private readonly target: () => Promise<void>, readonly name = 'Thread') {}

  start(): void {
    if (this.done) throw new RuntimeError('threads can only be started once');
    this.alive = true;
    this.done = (async () => {
      try {
        await this.target();
      } catch (e) {
        logging.error('Exception in thread %s: %s', this.name, (e as Error)?.message ?? String(e));
      } finally {
        this.alive = false;
      }
    })();
  }

  isAlive(): boolean {
    return this.alive;
  }

  /** Wait for the target to finish (at most `timeoutSecs` when given). */
  async join(timeoutSecs?: number | null): Promise<void> {
    if (!this.done) throw new RuntimeError('cannot join thread before it is started');
    if (timeoutSecs === undefined || timeoutSecs === null) return this.done;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.done, new Promise<void>((res) => (timer = setTimeout(res, timeoutSecs * 1000)))]);
    clearTimeout(timer);
  }
}

type ErrorClass = new (...a: never[]) => unknown;

export class Coordinator {
  private stopRequested = false;
  private exception: unknown = null;
  private readonly clean: readonly ErrorClass[];
  private readonly registered = new Set<Thread>();
  private stopWaiters: (() => void)[] = [];
  private joined = false;

  /** `Coordinator(cleanStopExceptionTypes = [OutOfRangeError])`. */
  constructor(cleanStopExceptionTypes?: readonly ErrorClass[] | { cleanStopExceptionTypes?: readonly ErrorClass[] }) {
    const o = Array.isArray(cleanStopExceptionTypes) || cleanStopExceptionTypes === undefined ? { cleanStopExceptionTypes } : (cleanStopExceptionTypes as { cleanStopExceptionTypes?: readonly ErrorClass[] });
    this.clean = (o.cleanStopExceptionTypes as never) ?? [OutOfRangeError];
  }

  /** Request a stop; an error given here (not one of the clean-stop types) is kept and re-raised by `join`. */
  requestStop(ex?: unknown): void {
    if (this.joined && ex !== undefined && ex !== null && !this.clean.some((c) => ex instanceof c)) {
      // TF: an error reported after join() is a programming error, raised at once
      throw ex;
    }
    if (ex !== undefined && ex !== null && this.exception === null && !this.clean.some((c) => ex instanceof c)) {
      logging.info('Error reported to Coordinator: %s', (ex as Error)?.message ?? String(ex));
      this.exception = ex;
    }
    if (!this.stopRequested) {
      this.stopRequested = true;
      const w = this.stopWaiters;
      this.stopWaiters = [];
      for (const f of w) f();
    }
  }
  shouldStop(): boolean {
    return this.stopRequested;
  }
  clearStop(): void {
    this.joined = false;
    this.stopRequested = false;
    this.exception = null;
  }
  /** Re-raise the error a stop was requested with, if any. */
  raiseRequestedException(): void {
    if (this.exception !== null) throw this.exception;
  }

  /** `waitForStop(timeout?)`: resolves true once a stop is requested, false after `timeout` seconds. */
  waitForStop(timeout?: number | null): Promise<boolean> {
    if (this.stopRequested) return Promise.resolve(true);
    return new Promise<boolean>((res) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      this.stopWaiters.push(() => {
        clearTimeout(timer);
        res(true);
      });
      if (timeout !== undefined && timeout !== null) timer = setTimeout(() => res(this.stopRequested), timeout * 1000);
    });
  }

  /** `stopOnException(fn)`: TF's `with coord.stop_on_exception():` — an error of `fn` requests a stop instead of propagating. */
  async stopOnException<T>(fn: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      this.requestStop(e);
      return undefined;
    }
  }

  /** Let `join()` wait for `thread` as well. */
  registerThread(thread: Thread): void {
    this.registered.add(thread);
  }

  /**
   * `join(threads?, stopGracePeriodSecs = 120, ignoreLiveThreads = false)`: wait until the
   * threads (given and registered) have ended or a stop is requested, then give them the grace
   * period to end; re-raise the error a stop was requested with, else fail (RuntimeError, TF's
   * text) for threads still alive unless `ignoreLiveThreads`.
   */
  async join(threads?: readonly Thread[] | null, stopGracePeriodSecs?: number | { stopGracePeriodSecs?: number; ignoreLiveThreads?: boolean }, ignoreLiveThreads?: boolean): Promise<void> {
    const o = typeof stopGracePeriodSecs === 'object' ? stopGracePeriodSecs : { stopGracePeriodSecs, ignoreLiveThreads };
    const grace = o.stopGracePeriodSecs ?? 120;
    const all = [...new Set([...(threads ?? []), ...this.registered])];
    const allDone = Promise.all(all.map((t) => (t.isAlive() ? t.join() : Promise.resolve()))).then(() => true);
    if (all.some((t) => t.isAlive())) await Promise.race([allDone, this.waitForStop()]);
    if (all.some((t) => t.isAlive()) && grace >= 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([allDone, new Promise<void>((res) => (timer = setTimeout(res, grace * 1000)))]);
      clearTimeout(timer);
    }
    const stragglers = all.filter((t) => t.isAlive()).map((t) => t.name);
    this.joined = true;
    this.registered.clear();
    this.raiseRequestedException();
    if (stragglers.length > 0) {
      if (o.ignoreLiveThreads) logging.info('Coordinator stopped with threads still running: %s', stragglers.join(' '));
      else throw new RuntimeError(`Coordinator stopped with threads still running: ${stragglers.join(' ')}`);
    }
  }
}
