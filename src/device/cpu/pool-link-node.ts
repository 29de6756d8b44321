/**
 * Node's pool link: worker_threads, each with a MessagePort for plan tables and errors that
 * both sides read synchronously (`receiveMessageOnPort`). Unref'd, so a script that never
 * closes its session still exits.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { tryNodeBuiltin } from '../../platform/node-builtins.js';
import type { LinkEvents, PoolLink } from './pool-link.js';
import type { PlanMessage, WorkerError, WorkerExit, WorkerInit, WorkerStep } from './pool-messages.js';
import { workerEntry } from './worker-url.js';

const wt = tryNodeBuiltin('node:worker_threads');

export const nodeLinkSupported = wt !== null;

export class NodeLink implements PoolLink {
  readonly kind = 'worker_threads' as const;
  readonly canBlock = true;
  readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly entry = workerEntry();

  start(i: number, init: WorkerInit, on: LinkEvents): void {
    if (!wt) throw new Error('worker_threads is not available');
    const { port1, port2 } = new wt.MessageChannel();
    const entry = this.entry;
    const w = new wt.Worker(entry.kind === 'file' ? entry.url : entry.code, {
      workerData: { ...init, port: port2 },
      transferList: [port2],
      eval: entry.kind === 'eval',
    });
    w.unref();
    port1.unref();
    w.on('error', (e) => on.error(i, e instanceof Error ? e.message : String(e)));
    w.on('exit', (code) => on.exit(i, code));
    this.workers[i - 1] = w;
    this.ports[i - 1] = port1;
  }

  register(id: number, steps: (WorkerStep | null)[]): void {
    const msg: PlanMessage = { t: 'plan', id, steps };
    for (const p of this.ports) p.postMessage(msg);
  }

  drop(id: number): void {
    const msg: PlanMessage = { t: 'drop', id };
    for (const p of this.ports) p.postMessage(msg);
  }

  select(): void {}

  receive(i: number): (WorkerError | WorkerExit)[] {
    const port = this.ports[i - 1];
    const out: (WorkerError | WorkerExit)[] = [];
    for (let m = port && wt!.receiveMessageOnPort(port); m; m = wt!.receiveMessageOnPort(port!)) out.push(m.message as WorkerError | WorkerExit);
    return out;
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const p of this.ports) p.close();
  }
}
