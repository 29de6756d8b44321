/**
 * Worker thread of the CPU device's pool. It shares the device heap (a shared
 * WebAssembly.Memory) and the control block, holds the step tables of the plans it was sent,
 * and claims chunks of whatever step the calling thread publishes. It never uses its event
 * loop: plan tables and errors travel over a MessagePort read with `receiveMessageOnPort`, so
 * the worker can sleep in `Atomics.wait` between steps.
 */
import { type MessagePort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { DataArray } from '../../dtype.js';
import { arrayCtor } from '../../dtype.js';
import {
  ACTIVE, CRASH, DONE, ERR, EXITED, EXIT_CODE, READY, SCRATCH, SCRATCH_STRIDE, SEQ, SLEEPERS, STOP, WORKER_CHUNKS, chunkRange, workOn,
} from './control.js';
import { cpuKernels, type KernelCtx } from './kernels/index.js';
import type { PlanMessage, WorkerExit, WorkerInit, WorkerStep } from './pool-messages.js';
import { createWasmKernels } from './wasm/index.js';

const init = workerData as WorkerInit;
const { memory, index, port } = init as WorkerInit & { port: MessagePort };
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

const wasm = init.wasm ? createWasmKernels(memory, { relaxed: init.relaxed }) : null;
if (init.wasm && (!wasm || wasm.relaxed !== init.relaxed)) {
  // the calling thread's kernels differ: results would depend on which thread ran a chunk
  throw new Error('worker: WebAssembly SIMD kernels do not match the calling thread\'s');
}

interface LoadedStep extends WorkerStep {
  ins?: DataArray[];
  outs?: DataArray[];
  /** The heap buffer `ins`/`outs` were made over. */
  buffer?: ArrayBufferLike;
}
const plans = new Map<number, (LoadedStep | null)[]>();

function drain(): void {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    const msg = m.message as PlanMessage;
    if (msg.t === 'plan') plans.set(msg.id, msg.steps);
    else plans.delete(msg.id);
  }
}

const view = (buffer: ArrayBufferLike, [dtype, off, size]: [string, number, number]): DataArray =>
  new (arrayCtor(dtype as never))(buffer, off, size);

type Kernel = (p: unknown, i: DataArray[], o: DataArray[], c: KernelCtx) => void;
const ctx: KernelCtx = { dyn: new Uint32Array(0), op: '', lo: 0, hi: 0, wasm, scratch: 0, shared: 0 };

function runChunk(planId: number, stepIdx: number, chunk: number): void {
  if (Atomics.load(ctrl, CRASH) === index) process.exit(70); // a crash holding a chunk (tests)
  let plan = plans.get(planId);
  if (!plan) {
    drain();
    plan = plans.get(planId);
  }
  const s = plan?.[stepIdx];
  if (!s) throw new Error(`worker ${index}: no table for step ${stepIdx} of plan ${planId}`);
  // Views must span the current heap, as on the calling thread (program.ts rebinds there):
  // kernels reach their scratch through an input view's buffer, and a later plan may have
  // grown the heap and moved the scratch past the end of an older buffer.
  const buffer = memory.buffer;
  if (s.buffer !== buffer) {
    s.ins = s.inputs.map((d) => view(buffer, d));
    s.outs = s.outputs.map((d) => view(buffer, d));
    s.buffer = buffer;
  }
  ctx.op = s.op;
  [ctx.lo, ctx.hi] = chunkRange(s.units, s.chunks, s.align, chunk);
  ctx.scratch = Atomics.load(ctrl, SCRATCH) + index * Atomics.load(ctrl, SCRATCH_STRIDE);
  ctx.shared = s.shared;
  const kernel = cpuKernels[s.prim] as Kernel & { pre?: { run: Kernel } };
  (s.pre ? kernel.pre!.run : kernel)(s.params, s.ins!, s.outs!, ctx);
}

function fail(e: unknown, _plan: number, _step: number): void {
  const err = e instanceof Error ? e : new Error(String(e));
  port.postMessage({
    t: 'error',
    name: err.name,
    message: err.message,
    op: (err as { op?: unknown }).op ?? ctx.op,
    code: (err as { code?: unknown }).code,
  });
  Atomics.store(ctrl, ERR, 1);
}

/** Spin (no syscall: the calling thread publishes steps microseconds apart) for up to `ms`. */
function spin(seen: number, ms: number): boolean {
  const until = performance.now() + ms;
  for (;;) {
    for (let i = 0; i < 256; i++) if (Atomics.load(ctrl, SEQ) !== seen) return true;
    if (performance.now() > until) return false;
  }
}

Atomics.store(ctrl, READY + index, 1);
let seen = Atomics.load(ctrl, SEQ);
for (;;) {
  if (Atomics.load(ctrl, SEQ) === seen && !spin(seen, Atomics.load(ctrl, ACTIVE) ? init.activeSpinMs : init.idleSpinMs)) {
    Atomics.add(ctrl, SLEEPERS, 1);
    Atomics.wait(ctrl, SEQ, seen);
    Atomics.sub(ctrl, SLEEPERS, 1);
    continue;
  }
  seen = Atomics.load(ctrl, SEQ);
  if (Atomics.load(ctrl, STOP)) break;
  const ran = workOn(ctrl, runChunk, fail);
  if (ran) Atomics.add(ctrl, WORKER_CHUNKS, ran);
}
Atomics.store(ctrl, READY + index, 0);
port.close();
