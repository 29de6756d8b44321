/**
 * The loop every CPU pool worker runs, whatever starts it (worker_threads under Node, a Web
 * Worker in browsers): it shares the device heap (a shared WebAssembly.Memory) and the control
 * block, and claims chunks of whatever step the calling thread publishes. It never uses its
 * event loop — between steps it sleeps in `Atomics.wait` — so the platform entry hands it plan
 * tables and carries its errors back through a `WorkerIo` that works synchronously.
 */
import type { DataArray } from '../../dtype.js';
import { arrayCtor } from '../../dtype.js';
import {
  ACTIVE, CRASH, ERR, READY, SCRATCH, SCRATCH_STRIDE, SEQ, SLEEPERS, STOP, WORKER_CHUNKS, chunkRange, workOn,
} from './control.js';
import { cpuKernels, type KernelCtx } from './kernels/index.js';
import type { WorkerError, WorkerInit, WorkerStep } from './pool-messages.js';
import { createWasmKernels } from './wasm/index.js';

export interface WorkerIo {
  /** The step table of plan `id`, which the calling thread is running a step of now. */
  plan(id: number): (WorkerStep | null)[] | undefined;
  /** Hand a chunk's error to the calling thread (it reads it once ERR is set). */
  reportError(e: WorkerError): void;
  /** End this worker at once, as a crash would (tests: CRASH). */
  crash(): never;
}

interface LoadedStep extends WorkerStep {
  ins?: DataArray[];
  outs?: DataArray[];
  /** The heap buffer `ins`/`outs` were made over. */
  buffer?: ArrayBufferLike;
}

const view = (buffer: ArrayBufferLike, [dtype, off, size]: [string, number, number]): DataArray =>
  new (arrayCtor(dtype as never))(buffer, off, size);

type Kernel = (p: unknown, i: DataArray[], o: DataArray[], c: KernelCtx) => void;

/** Run the worker until the pool stops it (STOP). */
export function runWorker(init: WorkerInit, io: WorkerIo): void {
  const { memory, index } = init;
  const ctrl = new Int32Array(init.ctrl);
  const wasm = init.wasm ? createWasmKernels(memory, { relaxed: init.relaxed }) : null;
  if (init.wasm && (!wasm || wasm.relaxed !== init.relaxed)) {
    // the calling thread's kernels differ: results would depend on which thread ran a chunk
    throw new Error('worker: WebAssembly SIMD kernels do not match the calling thread\'s');
  }
  const ctx: KernelCtx = { dyn: new Uint32Array(0), op: '', lo: 0, hi: 0, wasm, scratch: 0, shared: 0 };

  const runChunk = (planId: number, stepIdx: number, chunk: number): void => {
    if (Atomics.load(ctrl, CRASH) === index) io.crash(); // a crash holding a chunk (tests)
    const s = io.plan(planId)?.[stepIdx] as LoadedStep | null | undefined;
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
  };

  const fail = (e: unknown): void => {
    const err = e instanceof Error ? e : new Error(String(e));
    io.reportError({
      t: 'error',
      name: err.name,
      message: err.message,
      op: (err as { op?: unknown }).op ?? ctx.op,
      code: (err as { code?: unknown }).code,
    });
    Atomics.store(ctrl, ERR, 1);
  };

  /** Spin (no syscall: the calling thread publishes steps microseconds apart) for up to `ms`. */
  const spin = (seen: number, ms: number): boolean => {
    const until = performance.now() + ms;
    for (;;) {
      for (let i = 0; i < 256; i++) if (Atomics.load(ctrl, SEQ) !== seen) return true;
      if (performance.now() > until) return false;
    }
  };

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
}
