/**
 * `dataset.prefetch(bufferSize)`: after a run takes an element, the pipeline goes on producing
 * the next ones, up to `bufferSize` of them, in turns of the event loop. An asynchronous run
 * gives the loop such turns while its device computes (the CPU device's workers, the GPU), so
 * the next batch is made while the current step runs; otherwise it is made between steps.
 *
 * TF1's semantics are kept: elements come in the same order; an error raised producing an
 * element (a generator that throws) is kept in its place and thrown by the run that takes that
 * element, and production goes on after it, as TF's prefetch thread does; the end of the
 * sequence is raised by the run that would have taken the next element. Production stops when
 * the iterator is initialized again (the buffer is dropped) or its session is closed, and
 * nothing is left scheduled then, so a process exits by itself.
 *
 * One element at a time is produced ahead: the stages of a pipeline are not re-entrant. A
 * run that finds the buffer empty while an element is being produced takes over that
 * production and finishes it itself. Ahead of a run, a pipeline function (map, filter) runs
 * synchronously, once its device has no asynchronous plan run in progress
 * (src/session/device-busy.ts), so it never interleaves with the run's own plan. Runs that
 * are synchronous (`runSync`) do not produce ahead: nothing overlaps with them.
 *
 * `bufferSize` -1 (`tf.data.experimental.AUTOTUNE`) sizes the buffer as TF 1.15's
 * PrefetchAutotuner does: it starts at 1; once a run finds the buffer full it watches for a
 * run that finds it empty, and then doubles it (by 2048 from 2048 on).
 */
import { RuntimeError } from '../errors.js';
import { hostWorkScheduled } from '../session/device-busy.js';
import { type HostGen, wait } from '../session/host-stage.js';
import { runLockOf } from '../session/run-lock.js';
import type { Element, IterContext, Stage } from './dataset.js';

type Entry = { value: Element } | { error: unknown } | { end: true };
const END: Entry = { end: true };
type Input = { ok: true; v: unknown } | { ok: false; e: unknown };

/** An element being produced ahead: its stage generator, suspended on `waiting`. */
interface Job {
  gen: HostGen<Element | null>;
  waiting: Promise<unknown>;
  takenOver: boolean;
}

const nextTurn: (f: () => void) => void =
  typeof setImmediate === 'function' ? (f) => setImmediate(f) : (f) => setTimeout(f, 0);

let driving = 0;
/** Whether the code running now produces an element ahead of the run that will take it. */
export function inBackground(): boolean {
  return driving > 0;
}

/** TF 1.15's PrefetchAutotuner (legacy autotune of prefetch's buffer). */
class BufferLimit {
  private mode: 'fixed' | 'upswing' | 'downswing';
  limit: number;
  constructor(bufferSize: number) {
    this.mode = bufferSize === -1 ? 'upswing' : 'fixed';
    this.limit = bufferSize === -1 ? 1 : bufferSize;
  }
  /** A run takes an element with `size` elements in the buffer (0: it had to wait). */
  consumed(size: number): void {
    if (this.mode === 'upswing' && size === this.limit) this.mode = 'downswing';
    else if (this.mode === 'downswing' && size === 0) {
      this.limit = this.limit >= 2048 ? this.limit + 2048 : this.limit * 2;
      this.mode = 'upswing';
    }
  }
}

/** The stage of `prefetch(bufferSize)` over `up` (bufferSize > 0, or -1). */
export function prefetchStage(up: Stage, ctx: IterContext, bufferSize: number): Stage {
  const size = new BufferLimit(bufferSize);
  const buf: Entry[] = [];
  let ended = false;
  /** An element is being produced (ahead, or by a run). */
  let producing = false;
  let job: Job | null = null;
  let scheduled = false;

  const stopped = (): boolean => ctx.life.stopped || !!runLockOf(ctx.runner.state)?.isClosed;
  const wanted = (): boolean => !producing && !ended && !ctx.sync && buf.length < size.limit && !stopped();

  const schedule = (): void => {
    if (scheduled || !wanted()) return;
    scheduled = true;
    hostWorkScheduled(1);
    nextTurn(() => {
      scheduled = false;
      hostWorkScheduled(-1);
      if (wanted()) {
        producing = true;
        drive(up.next(), { ok: true, v: undefined });
      }
    });
  };

  const settle = (e: Entry): void => {
    producing = false;
    job = null;
    if ('end' in e) ended = true;
    buf.push(e);
    schedule();
  };

  /** Drive `gen` ahead of the runs until it finishes or waits on a promise. */
  const drive = (gen: HostGen<Element | null>, input: Input): void => {
    let s: IteratorResult<Promise<unknown>, Element | null>;
    driving++;
    try {
      s = input.ok ? gen.next(input.v) : gen.throw(input.e);
    } catch (e) {
      settle({ error: e });
      return;
    } finally {
      driving--;
    }
    if (s.done) {
      settle(s.value === null ? END : { value: s.value });
      return;
    }
    const j: Job = { gen, waiting: s.value, takenOver: false };
    job = j;
    const resume = (next: Input): void => {
      if (j.takenOver) return;
      if (stopped()) {
        // dropped with the iterator; nothing more is produced
        job = null;
        return;
      }
      drive(gen, next);
    };
    s.value.then((v) => resume({ ok: true, v }), (e: unknown) => resume({ ok: false, e }));
  };

  /** A run finishes the element being produced ahead (it has no other to take). */
  function* takeOver(j: Job): HostGen<Entry> {
    j.takenOver = true;
    if (ctx.sync) {
      throw new RuntimeError('this run needs asynchronous work (an element of the dataset is being produced asynchronously): use await sess.run(...) instead of runSync');
    }
    let input: Input;
    try {
      input = { ok: true, v: yield* wait(j.waiting) };
    } catch (e) {
      input = { ok: false, e };
    }
    for (;;) {
      let s: IteratorResult<Promise<unknown>, Element | null>;
      try {
        s = input.ok ? j.gen.next(input.v) : j.gen.throw(input.e);
      } catch (e) {
        return { error: e };
      }
      if (s.done) return s.value === null ? END : { value: s.value };
      try {
        input = { ok: true, v: yield s.value };
      } catch (e) {
        input = { ok: false, e };
      }
    }
  }

  return {
    *next() {
      let e: Entry;
      if (buf.length > 0) {
        size.consumed(buf.length);
        e = buf.shift()!;
      } else if (ended) {
        return null;
      } else {
        size.consumed(0);
        if (job) {
          const j = job;
          job = null;
          try {
            e = yield* takeOver(j);
          } finally {
            producing = false;
          }
        } else {
          producing = true;
          try {
            const v = yield* up.next();
            e = v === null ? END : { value: v };
          } catch (err) {
            e = { error: err };
          } finally {
            producing = false;
          }
        }
        if ('end' in e) ended = true;
      }
      schedule();
      if ('error' in e) throw e.error;
      return 'end' in e ? null : e.value;
    },
  };
}
