/**
 * `tf.train.QueueRunner`, `tf.train.addQueueRunner`, `tf.train.startQueueRunners`
 * (tf.train.queue_runner in TF1).
 *
 * A queue runner's "threads" are async loops (`Thread`s, src/train/coordinator.ts), one per
 * enqueue op, each running its enqueue op again and again through `sess.run`; their runs
 * interleave with the training loop's at queue waits (src/session/run-lock.ts). As in TF1: an
 * OutOfRangeError or CancelledError (the queue, or the queue the enqueue reads from, is closed)
 * ends a loop, and the last loop of a session to end runs the close op; any other error asks
 * the coordinator to stop with it (re-raised by `coord.join()`). With a coordinator, one more
 * loop waits for the stop and then runs the cancel op (a close that cancels pending enqueues).
 * A loop also ends quietly once its session is closed.
 */
import { CancelledError, OutOfRangeError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { GraphKeys } from '../graph/graph.js';
import type { Operation } from '../graph/tensor.js';
import type { QueueBase } from '../data/queue.js';
import { getDefaultSession } from '../session/default-session.js';
import { Session } from '../session/session.js';
import { type Coordinator, Thread } from './coordinator.js';
import * as logging from './tf-logging.js';

type ErrorClass = new (...a: never[]) => unknown;

export interface QueueRunnerOptions {
  queue?: QueueBase | null;
  enqueueOps?: readonly Operation[] | null;
  closeOp?: Operation | null;
  cancelOp?: Operation | null;
  queueClosedExceptionTypes?: readonly ErrorClass[] | null;
}

/** `tf.train.QueueRunner(queue, enqueueOps, closeOp?, cancelOp?, queueClosedExceptionTypes?)`. */
export class QueueRunner {
  readonly queue: QueueBase;
  readonly enqueueOps: Operation[];
  readonly closeOp: Operation;
  readonly cancelOp: Operation;
  readonly queueClosedExceptionTypes: readonly ErrorClass[];
  /** Errors raised by loops run without a coordinator. */
  readonly exceptionsRaised: unknown[] = [];
  private readonly runsPerSession = new Map<Session, number>();

  constructor(queue?: QueueBase | null | QueueRunnerOptions, enqueueOps?: readonly Operation[] | null, closeOp?: Operation | null, cancelOp?: Operation | null, queueClosedExceptionTypes?: readonly ErrorClass[] | null) {
    const o: QueueRunnerOptions = queue !== null && queue !== undefined && !('queueRef' in queue) ? (queue as QueueRunnerOptions) : { queue: queue as QueueBase | null, enqueueOps: enqueueOps ?? null, closeOp: closeOp ?? null, cancelOp: cancelOp ?? null, queueClosedExceptionTypes: queueClosedExceptionTypes ?? null };
    if (!o.queue || !o.enqueueOps) throw new ValueError('Must provide queue and enqueue_ops.');
    if (o.enqueueOps.length === 0) throw new ValueError('Must provide queue and enqueue_ops.');
    if (o.queueClosedExceptionTypes !== null && o.queueClosedExceptionTypes !== undefined && o.queueClosedExceptionTypes.length === 0) {
      throw new ValueError('queue_closed_exception_types must be a non-empty list of exception types.');
    }
    this.queue = o.queue;
    this.enqueueOps = [...o.enqueueOps];
    this.closeOp = o.closeOp ?? o.queue.close();
    this.cancelOp = o.cancelOp ?? o.queue.close(true);
    this.queueClosedExceptionTypes = o.queueClosedExceptionTypes ?? [OutOfRangeError, CancelledError];
  }

  /** The queue's name. */
  get name(): string {
    return this.queue.name;
  }

  private async runLoop(sess: Session, enqueueOp: Operation, coord: Coordinator | null): Promise<void> {
    let decremented = false;
    const lock = sess.runLock;
    lock.producers++;
    try {
      for (;;) {
        if ((coord && coord.shouldStop()) || sess.isClosed) break;
        try {
          await sess.run(enqueueOp);
        } catch (e) {
          if (sess.isClosed) break;
          if (!this.queueClosedExceptionTypes.some((c) => e instanceof c)) throw e;
          // the queue was closed: the last loop of this session closes it for its readers
          const n = (this.runsPerSession.get(sess) ?? 1) - 1;
          this.runsPerSession.set(sess, n);
          decremented = true;
          if (n === 0) {
            try {
              await sess.run(this.closeOp);
            } catch (ce) {
              logging.debug('Ignored exception: %s', (ce as Error)?.message ?? String(ce));
            }
          }
          return;
        }
      }
    } catch (e) {
      if (coord) coord.requestStop(e);
      else {
        logging.error('Exception in QueueRunner: %s', (e as Error)?.message ?? String(e));
        this.exceptionsRaised.push(e);
      }
    } finally {
      if (!decremented) this.runsPerSession.set(sess, (this.runsPerSession.get(sess) ?? 1) - 1);
      lock.producers--;
    }
  }

  private async closeOnStop(sess: Session, coord: Coordinator): Promise<void> {
    await coord.waitForStop();
    if (sess.isClosed) return;
    try {
      await sess.run(this.cancelOp);
    } catch (e) {
      logging.debug('Ignored exception: %s', (e as Error)?.message ?? String(e));
    }
  }

  /**
   * `createThreads(sess, coord?, daemon = false, start = false)`: a loop per enqueue op (and,
   * with `coord`, the loop that cancels the queue on stop), registered with `coord`; none when
   * this session's loops already run.
   */
  createThreads(sess: Session, coord?: Coordinator | null | { coord?: Coordinator | null; daemon?: boolean; start?: boolean }, daemon?: boolean, start?: boolean): Thread[] {
    const o = coord !== null && coord !== undefined && !('requestStop' in coord) ? (coord as { coord?: Coordinator | null; daemon?: boolean; start?: boolean }) : { coord: coord as Coordinator | null | undefined, daemon, start };
    const c = o.coord ?? null;
    if ((this.runsPerSession.get(sess) ?? 0) > 0) return [];
    this.runsPerSession.set(sess, this.enqueueOps.length);
    this.exceptionsRaised.length = 0;
    const threads = this.enqueueOps.map((op) => new Thread(() => this.runLoop(sess, op, c), `QueueRunnerThread-${this.name}-${op.name}`));
    if (c) threads.push(new Thread(() => this.closeOnStop(sess, c), `QueueRunnerThread-${this.name}-close_on_stop`));
    for (const t of threads) {
      t.daemon = !!o.daemon;
      if (c) c.registerThread(t);
      if (o.start) t.start();
    }
    return threads;
  }
}

/** `tf.train.addQueueRunner(qr, collection = GraphKeys.QUEUE_RUNNERS)`. */
export function addQueueRunner(qr: QueueRunner, collection: string = GraphKeys.QUEUE_RUNNERS): void {
  getDefaultGraph().addToCollection(collection, qr);
}

export interface StartQueueRunnersOptions {
  sess?: Session | null;
  coord?: Coordinator | null;
  daemon?: boolean;
  start?: boolean;
  collection?: string;
}

/**
 * `tf.train.startQueueRunners(sess?, coord?, daemon = true, start = true, collection =
 * QUEUE_RUNNERS)`: create (and start) the loops of every queue runner in the graph's collection.
 */
export function startQueueRunners(sess?: Session | null | StartQueueRunnersOptions, coord?: Coordinator | null | StartQueueRunnersOptions, daemon?: boolean, start?: boolean, collection?: string): Thread[] {
  let o: StartQueueRunnersOptions;
  if (sess !== null && sess !== undefined && !(sess instanceof Session) && typeof sess === 'object' && !('run' in sess)) o = sess as StartQueueRunnersOptions;
  else if (coord !== null && coord !== undefined && !('requestStop' in coord)) o = { sess: sess as Session | null, ...(coord as StartQueueRunnersOptions) };
  else o = { sess: sess as Session | null | undefined ?? null, coord: (coord as Coordinator | null | undefined) ?? null, ...(daemon !== undefined ? { daemon } : {}), ...(start !== undefined ? { start } : {}), ...(collection !== undefined ? { collection } : {}) };
  let s = o.sess ?? getDefaultSession();
  if (!s) throw new ValueError('Cannot start queue runners: No default session is registered. Use `with sess.as_default()` or pass an explicit session to tf.start_queue_runners(sess=sess)');
  if (!(s instanceof Session)) {
    // a MonitoredSession starts its queue runners itself
    const n = (s as object).constructor?.name;
    if (n === 'MonitoredSession' || n === 'SingularMonitoredSession') return [];
    throw new TypeError(`sess must be a \`tf.Session\` object. Given class: ${n}`);
  }
  s = s as Session;
  const out: Thread[] = [];
  for (const qr of s.graph.getCollection(o.collection ?? GraphKeys.QUEUE_RUNNERS) as QueueRunner[]) {
    out.push(...qr.createThreads(s, { coord: o.coord ?? null, daemon: o.daemon ?? true, start: o.start ?? true }));
  }
  return out;
}
