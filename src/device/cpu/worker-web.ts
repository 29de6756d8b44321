/**
 * Browser entry of a CPU pool worker (a module Web Worker; worker-core.ts runs the loop). Its
 * first message is the start-up data; after that it never returns to its event loop until the
 * pool stops it, so plan tables are read from the pool's shared table memory (where the control
 * block says the current plan's is) and errors go back through its shared box.
 */
import { STOP, TABLE_LEN, TABLE_OFF } from './control.js';
import { publishExit, type WebWorkerInit, writeBox } from './pool-link-web.js';
import type { WorkerStep } from './pool-messages.js';
import { decodeTable } from './table-codec.js';
import { runWorker } from './worker-core.js';

type Scope = { onmessage: ((e: { data: unknown }) => void) | null; close(): void };
const scope = globalThis as unknown as Scope;

/** Decoded tables; ids are never reused, so a cached table never goes stale. */
const plans = new Map<number, (WorkerStep | null)[]>();
const MAX_CACHED = 256;

scope.onmessage = (e) => {
  scope.onmessage = null;
  const init = e.data as WebWorkerInit;
  const ctrl = new Int32Array(init.ctrl);
  try {
    runWorker(init, {
      plan(id) {
        let steps = plans.get(id);
        if (!steps) {
          // the table of the plan being run now (set before its step was published)
          steps = decodeTable<(WorkerStep | null)[]>(init.tables.buffer, Atomics.load(ctrl, TABLE_OFF), Atomics.load(ctrl, TABLE_LEN));
          if (plans.size >= MAX_CACHED) plans.delete(plans.keys().next().value!);
          plans.set(id, steps);
        }
        return steps;
      },
      reportError: (msg) => writeBox(init.box, msg),
      crash() {
        publishExit(ctrl, init.box, init.index, 70, '');
        scope.close();
        // never return into the chunk: wait here until terminated
        for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      },
    });
  } catch (err) {
    if (!Atomics.load(ctrl, STOP)) publishExit(ctrl, init.box, init.index, 1, err instanceof Error ? err.message : String(err));
  }
  scope.close();
};
