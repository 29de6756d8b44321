/**
 * How a CPU worker pool starts its workers and talks to them, per platform: worker_threads
 * with MessagePorts under Node (pool-link-node.ts), Web Workers with plan tables in shared
 * memory in browsers (pool-link-web.ts). Both run the same loop (worker-core.ts) over the same
 * heap and control block, so results are the same whichever starts the threads.
 */
import type { WorkerError, WorkerExit, WorkerInit, WorkerStep } from './pool-messages.js';

export interface LinkEvents {
  /** Worker `i` reported an uncaught error (its message). */
  error(i: number, message: string): void;
  /** Worker `i` is gone (exit code; 1 where the platform reports none). */
  exit(i: number, code: number): void;
}

export interface PoolLink {
  /** What runs the workers. */
  readonly kind: 'worker_threads' | 'web-workers';
  /** Whether the calling thread may block in Atomics.wait (a browser's main thread may not). */
  readonly canBlock: boolean;
  /** Start worker `i` (1-based) with `init`. */
  start(i: number, init: WorkerInit, on: LinkEvents): void;
  /** Make plan `id`'s step table available to every worker / forget it. */
  register(id: number, steps: (WorkerStep | null)[]): void;
  drop(id: number): void;
  /** Called just before a step of plan `id` is published. */
  select(id: number): void;
  /** Messages worker `i` sent since the last call, read synchronously. */
  receive(i: number): (WorkerError | WorkerExit)[];
  /** Stop every worker; resolves once they are gone. */
  terminate(): Promise<void>;
  /** The platform's worker objects (tests). */
  readonly workers: readonly unknown[];
}
