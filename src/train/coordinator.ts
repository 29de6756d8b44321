/**
 * `tf.train.Coordinator`: a stop flag shared by the parts of a training loop, and the error
 * that caused a stop. tsflow's input pipelines run inside `Session.run` (no queue-runner
 * threads), so `join` has no threads to wait for: it re-raises the error a stop was requested
 * with, as TF's does once its threads have stopped.
 */
import { OutOfRangeError } from '../errors.js';

export class Coordinator {
  private stopRequested = false;
  private exception: unknown = null;
  private readonly clean: readonly (new (...a: never[]) => unknown)[];

  /** `Coordinator(cleanStopExceptionTypes = [OutOfRangeError])`. */
  constructor(cleanStopExceptionTypes?: readonly (new (...a: never[]) => unknown)[] | { cleanStopExceptionTypes?: readonly (new (...a: never[]) => unknown)[] }) {
    const o = Array.isArray(cleanStopExceptionTypes) || cleanStopExceptionTypes === undefined ? { cleanStopExceptionTypes } : (cleanStopExceptionTypes as { cleanStopExceptionTypes?: readonly (new (...a: never[]) => unknown)[] });
    this.clean = (o.cleanStopExceptionTypes as never) ?? [OutOfRangeError];
  }

  /** Request a stop; an error given here (not one of the clean-stop types) is kept and re-raised by `join`. */
  requestStop(ex?: unknown): void {
    if (ex !== undefined && ex !== null && this.exception === null && !this.clean.some((c) => ex instanceof c)) this.exception = ex;
    this.stopRequested = true;
  }
  shouldStop(): boolean {
    return this.stopRequested;
  }
  clearStop(): void {
    this.stopRequested = false;
    this.exception = null;
  }
  /** Re-raise the error a stop was requested with, if any. */
  raiseRequestedException(): void {
    if (this.exception !== null) throw this.exception;
  }
  /** Wait for the threads to stop (there are none) and re-raise a requested error. */
  join(_threads?: unknown, _opts?: { stopGracePeriodSecs?: number; ignoreLiveThreads?: boolean }): void {
    this.raiseRequestedException();
  }
}
