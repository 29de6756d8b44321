/**
 * Node entry of a CPU pool worker (a worker_thread; worker-core.ts runs the loop). Plan tables
 * and errors travel over a MessagePort read with `receiveMessageOnPort`, so the worker can sleep
 * in `Atomics.wait` between steps and still take messages synchronously.
 */
import { type MessagePort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { DONE, EXITED, EXIT_CODE, STOP } from './control.js';
import type { PlanMessage, WorkerExit, WorkerInit, WorkerStep } from './pool-messages.js';
import { runWorker } from './worker-core.js';

const init = workerData as WorkerInit;
const { index, port } = init as WorkerInit & { port: MessagePort };
const ctrl = new Int32Array(init.ctrl);

// An exit nobody asked for is published here, in the control block, because a calling thread
// blocked in a synchronous run never sees the Worker's 'exit' event.
let uncaught = '';
process.on('uncaughtExceptionMonitor', (e) => (uncaught = e instanceof Error ? e.message : String(e)));
process.on('exit', (code) => {
  if (Atomics.load(ctrl, STOP)) return;
  if (Atomics.compareExchange(ctrl, EXITED, 0, index) === 0) {
    Atomics.store(ctrl, EXIT_CODE, code);
    const msg: WorkerExit = { t: 'exit', code, why: uncaught };
    port.postMessage(msg);
  }
  Atomics.notify(ctrl, DONE);
});

const plans = new Map<number, (WorkerStep | null)[]>();

function drain(): void {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    const msg = m.message as PlanMessage;
    if (msg.t === 'plan') plans.set(msg.id, msg.steps);
    else plans.delete(msg.id);
  }
}

runWorker(init, {
  plan(id) {
    if (!plans.has(id)) drain();
    return plans.get(id);
  },
  reportError: (e) => port.postMessage(e),
  crash: () => process.exit(70),
});
port.close();
