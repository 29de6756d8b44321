/**
 * The browser's pool link: Web Workers (module workers running the `tsflow-cpu-worker.js`
 * bundle that sits next to the main bundle). A worker blocked in Atomics.wait never sees its
 * message events, so nothing it needs mid-run travels as a message: plan tables are written to
 * a shared "table memory" and the control block says where the current plan's table is
 * (TABLE_OFF / TABLE_LEN, set before each step is published); errors come back through a small
 * shared box per worker. Needs cross-origin isolation (SharedArrayBuffer).
 */
import { DONE, EXITED, EXIT_CODE, TABLE_LEN, TABLE_OFF } from './control.js';
import { Heap } from './heap.js';
import type { LinkEvents, PoolLink } from './pool-link.js';
import type { WorkerError, WorkerExit, WorkerInit, WorkerStep } from './pool-messages.js';
import { decodeTable, encodeTable } from './table-codec.js';

/** What a Web Worker gets besides the common start-up data. */
export interface WebWorkerInit extends WorkerInit {
  /** The pool's table memory (shared; grows as plans register). */
  tables: WebAssembly.Memory;
  /** Int32 length at 0, then the UTF-8 JSON of one message; written only while the length is 0. */
  box: SharedArrayBuffer;
}

const BOX_BYTES = 16384;
const BOX_DATA = 8;

let workerUrl: string | URL | null = null;

/**
 * Where browsers load the CPU device's worker script from. By default `tsflow-cpu-worker.js`
 * next to the module that holds tsflow (the browser bundle); set it when a bundler moves it.
 */
export function setCpuWorkerUrl(url: string | URL | null): void {
  workerUrl = url;
}

function defaultWorkerUrl(): URL {
  return new URL('./tsflow-cpu-worker.js', import.meta.url);
}

type WebWorker = {
  postMessage(m: unknown): void;
  terminate(): void;
  addEventListener(t: string, f: (e: { message?: string }) => void): void;
};
type WorkerCtor = new (url: string | URL, opts: { type: 'module'; name?: string }) => WebWorker;

export const webLinkSupported = (): boolean =>
  typeof (globalThis as { Worker?: unknown }).Worker === 'function' &&
  typeof SharedArrayBuffer === 'function' &&
  (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;

/** Whether this thread may block in Atomics.wait (a browser's main thread may not). */
function threadCanBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Write `msg` into `box` unless it holds an unread message (the first one matters). */
export function writeBox(box: SharedArrayBuffer, msg: WorkerError | WorkerExit): void {
  const len = new Int32Array(box, 0, 1);
  if (Atomics.load(len, 0) !== 0) return;
  let bytes = new TextEncoder().encode(JSON.stringify(msg));
  if (bytes.length > BOX_BYTES - BOX_DATA) {
    const m = msg.t === 'error' ? { ...msg, message: msg.message.slice(0, 1000) } : { ...msg, why: msg.why.slice(0, 1000) };
    bytes = new TextEncoder().encode(JSON.stringify(m));
  }
  new Uint8Array(box, BOX_DATA).set(bytes);
  Atomics.store(len, 0, bytes.length);
}

function readBox(box: SharedArrayBuffer): WorkerError | WorkerExit | null {
  const len = new Int32Array(box, 0, 1);
  const n = Atomics.load(len, 0);
  if (n === 0) return null;
  const msg = decodeTable<WorkerError | WorkerExit>(box, BOX_DATA, n);
  Atomics.store(len, 0, 0);
  return msg;
}

/** Mark worker `index` as exited unasked in the control block (what Node's exit hook does). */
export function publishExit(ctrl: Int32Array, box: SharedArrayBuffer, index: number, code: number, why: string): void {
  if (Atomics.compareExchange(ctrl, EXITED, 0, index) === 0) {
    Atomics.store(ctrl, EXIT_CODE, code);
    writeBox(box, { t: 'exit', code, why });
  }
  Atomics.notify(ctrl, DONE);
}

export class WebLink implements PoolLink {
  readonly kind = 'web-workers' as const;
  readonly canBlock = threadCanBlock();
  readonly workers: WebWorker[] = [];
  private readonly boxes: SharedArrayBuffer[] = [];
  private readonly tables = new Heap(1 << 16);
  private readonly placed = new Map<number, [number, number]>();

  constructor(private readonly ctrl: Int32Array) {}

  start(i: number, init: WorkerInit, on: LinkEvents): void {
    const Ctor = (globalThis as unknown as { Worker: WorkerCtor }).Worker;
    const box = new SharedArrayBuffer(BOX_BYTES);
    const w = new Ctor(workerUrl ?? defaultWorkerUrl(), { type: 'module', name: `tsflow-cpu-${i}` });
    // a script that fails to load or throws ends the worker's loop: the pool sees it as an exit
    w.addEventListener('error', (e) => {
      on.error(i, e.message ?? 'the worker script failed to load');
      on.exit(i, 1);
    });
    w.addEventListener('messageerror', () => on.exit(i, 1));
    const msg: WebWorkerInit = { ...init, tables: this.tables.memory, box };
    w.postMessage(msg);
    this.workers[i - 1] = w;
    this.boxes[i - 1] = box;
  }

  register(id: number, steps: (WorkerStep | null)[]): void {
    const bytes = encodeTable(steps);
    const off = this.tables.alloc(bytes.length);
    new Uint8Array(this.tables.memory.buffer, off, bytes.length).set(bytes);
    this.placed.set(id, [off, bytes.length]);
  }

  drop(id: number): void {
    const at = this.placed.get(id);
    if (!at) return;
    this.placed.delete(id);
    this.tables.release(at[0], at[1]);
  }

  select(id: number): void {
    const [off, len] = this.placed.get(id) ?? [0, 0];
    Atomics.store(this.ctrl, TABLE_OFF, off);
    Atomics.store(this.ctrl, TABLE_LEN, len);
  }

  receive(i: number): (WorkerError | WorkerExit)[] {
    const box = this.boxes[i - 1];
    const m = box ? readBox(box) : null;
    return m ? [m] : [];
  }

  async terminate(): Promise<void> {
    for (const w of this.workers) w.terminate();
  }
}
