/**
 * A plan compiled for the CPU device: steps bound to heap views once, each either inline or cut
 * into chunks for the worker pool (by its cost, see cost.ts). The run loop is shared by the
 * synchronous and asynchronous runs; they differ in the wait for a parallel step's last chunks,
 * and in that asynchronous runs give the event loop a turn between steps (slices.ts).
 */
import type { DType, DataArray } from '../../dtype.js';
import type { Program, StepTrace } from '../device.js';
import type { AnyStep, Plan } from '../plan.js';
import { MAX_CHUNKS, chunkRange, workOn } from './control.js';
import { chunksFor, stepCost } from './cost.js';
import { type Heap, byteSize } from './heap.js';
import { cpuKernels, type KernelCtx } from './kernels/index.js';
import { loopRan, runEnds, runStarts, sliceUsed, yieldToLoop } from './slices.js';
import type { WorkerPool } from './pool.js';
import type { WorkerStep } from './pool-messages.js';
import type { WasmKernels } from './wasm/index.js';

type AnyKernel = (p: unknown, ins: DataArray[], outs: DataArray[], ctx: KernelCtx) => void;

interface Located {
  dtype: DType;
  offset: number;
  size: number;
}

interface BoundStep {
  step: AnyStep;
  kernel: AnyKernel;
  params: unknown;
  ins: DataArray[];
  outs: DataArray[];
  units: number;
  align: number;
  /** 1: runs inline on the calling thread. */
  chunks: number;
  /** Whether it reads or writes the plan's shared region (ctx.shared). */
  shared: boolean;
  /** The `pre` phase of the plan step it shares (runs first, as a step of its own). */
  pre: boolean;
}

/** What a program needs from its device. */
export interface CpuHost {
  readonly heap: Heap;
  readonly wasm: WasmKernels | null;
  readonly threads: number;
  readonly parallelThreshold: number;
  /** Byte offset of thread `i`'s scratch region (after `reserveScratch`). */
  scratchOf(i: number): number;
  /** Make each thread's scratch at least `bytes`. */
  reserveScratch(bytes: number): void;
  /** The pool to run parallel steps on now, or null (run them inline). */
  pool(): WorkerPool | null;
  /** Stop a pool that failed (a worker died or stalled); resolves once its workers are gone. */
  retire(pool: WorkerPool): Promise<void>;
  variableOffset(key: string, dtype: DType, size: number): number;
}

let nextPlanId = 1;

export function compileProgram(host: CpuHost, plan: Plan): Program {
  const heap = host.heap;
  const id = nextPlanId++;
  const arena = plan.arenaBytes > 0 ? heap.alloc(plan.arenaBytes) : 0;
  const consts: [number, number][] = [];
  const locate = new Map<number, Located>();
  for (const b of plan.buffers) {
    if (b.kind === 'temp') locate.set(b.id, { dtype: b.dtype, offset: arena + b.offset, size: b.size });
    else if (b.kind === 'var') locate.set(b.id, { dtype: b.dtype, offset: host.variableOffset(b.key, b.dtype, b.size), size: b.size });
    else {
      const bytes = byteSize(b.dtype, b.size);
      const off = heap.alloc(bytes);
      consts.push([off, bytes]);
      heap.view(b.dtype, off, b.size).set(b.data);
      locate.set(b.id, { dtype: b.dtype, offset: off, size: b.size });
    }
  }

  // Plan-time decisions, made once over views of the current heap.
  const view = (i: number) => {
    const l = locate.get(i)!;
    return heap.view(l.dtype, l.offset, l.size);
  };
  let scratch = 0;
  let sharedBytes = 0;
  const steps = plan.steps.flatMap((step): Omit<BoundStep, 'ins' | 'outs'>[] => {
    const kernel = cpuKernels[step.prim] as unknown as AnyKernel & {
      prepare?: (p: unknown) => unknown;
      split?: (p: unknown, i: DataArray[], o: DataArray[], w: WasmKernels | null) => { units: number; align: number; minUnits?: number };
      scratchBytes?: (p: unknown, i: DataArray[], o: DataArray[], w: WasmKernels | null) => number;
      sharedBytes?: (p: unknown, i: DataArray[], o: DataArray[], w: WasmKernels | null) => number;
      pre?: { units: (p: unknown, i: DataArray[], o: DataArray[], w: WasmKernels | null) => number; run: AnyKernel };
    };
    const params = kernel.prepare ? kernel.prepare(step.params) : step.params;
    const ins = step.inputs.map(view);
    const outs = step.outputs.map(view);
    const split = kernel.split?.(params, ins, outs, host.wasm) ?? { units: 1, align: 1 };
    scratch = Math.max(scratch, kernel.scratchBytes?.(params, ins, outs, host.wasm) ?? 0);
    // workers see linear memory only, not the heap's string storage
    const strings = [...step.inputs, ...step.outputs].some((i) => locate.get(i)!.dtype === 'string');
    const chunks = kernel.split && !strings
      ? chunksFor(stepCost({ ...step, params } as AnyStep, ins, host.wasm !== null), split.units, split.align, split.minUnits ?? 1, host.threads, host.parallelThreshold, MAX_CHUNKS)
      : 1;
    const main = { step, kernel, params, units: split.units, align: split.align, chunks, shared: false, pre: false };
    // A split step with a pre phase: that phase first, as a step of its own (a pool barrier
    // between them), both over the plan's shared region. Only where some thread would run more
    // than one chunk: with one chunk a thread, the chunks' own per-call work already runs in
    // parallel and the barrier costs more than it saves (measured on the MLP step).
    const preUnits = chunks > host.threads && kernel.pre ? kernel.pre.units(params, ins, outs, host.wasm) : 0;
    const bytes = preUnits > 0 ? (kernel.sharedBytes?.(params, ins, outs, host.wasm) ?? 0) : 0;
    if (bytes <= 0) return [main];
    sharedBytes = Math.max(sharedBytes, bytes);
    const pre = { step, kernel: kernel.pre!.run, params, units: preUnits, align: 1, chunks: Math.min(preUnits, host.threads), shared: true, pre: true };
    return [pre, { ...main, shared: true }];
  });
  host.reserveScratch(scratch);
  // One region for all split steps (they run one after another).
  const shared = sharedBytes > 0 ? heap.alloc(sharedBytes) : 0;
  const parallel = steps.some((s) => s.chunks > 1);
  const table: (WorkerStep | null)[] = steps.map((s) =>
    s.chunks > 1
      ? {
          prim: s.step.prim,
          params: s.params,
          inputs: s.step.inputs.map((i) => desc(locate.get(i)!)),
          outputs: s.step.outputs.map((i) => desc(locate.get(i)!)),
          op: s.step.op,
          units: s.units,
          align: s.align,
          chunks: s.chunks,
          shared: s.shared ? shared : 0,
          pre: s.pre,
        }
      : null,
  );

  // Views are made once per plan, and again only if the heap grows (which detaches nothing for
  // shared memory but does for non-shared memory).
  let heapBytes = -1;
  let views = new Map<number, DataArray>();
  let bound: BoundStep[] = [];
  const bind = (): void => {
    if (heapBytes === heap.bytes) return;
    heapBytes = heap.bytes;
    views = new Map();
    for (const [bid, l] of locate) views.set(bid, heap.view(l.dtype, l.offset, l.size));
    bound = steps.map((s) => ({ ...s, ins: s.step.inputs.map((i) => views.get(i)!), outs: s.step.outputs.map((i) => views.get(i)!) }));
  };

  const ctx: KernelCtx = { dyn: new Uint32Array(0), op: '', lo: 0, hi: 0, wasm: host.wasm, scratch: 0, shared: 0 };
  let registeredWith: WorkerPool | null = null;
  let pool: WorkerPool | null = null;
  let disposed = false;
  // Errors of the calling thread's chunks of the current step.
  let chunkError: unknown = null;
  let current: BoundStep | null = null;
  const runChunk = (_plan: number, _step: number, chunk: number): void => {
    const b = current!;
    [ctx.lo, ctx.hi] = chunkRange(b.units, b.chunks, b.align, chunk);
    b.kernel(b.params, b.ins, b.outs, ctx);
  };
  const onChunkError = (e: unknown): void => {
    chunkError ??= e;
  };

  const start = (feeds: readonly DataArray[], dyn: Uint32Array): void => {
    if (disposed) throw new Error('program was disposed');
    bind();
    plan.feeds.forEach((fid, i) => views.get(fid)!.set(feeds[i]!));
    ctx.dyn = dyn;
    ctx.scratch = host.scratchOf(0);
    pool = parallel ? host.pool() : null;
    if (pool && registeredWith !== pool) {
      pool.register(id, table);
      registeredWith = pool;
    }
    pool?.beginRun();
  };

  /**
   * Run steps from `from` on; returns the index of a parallel step whose chunks are still
   * running on workers (the caller waits, then calls `after` and continues), or ~i to go on at
   * step i later (i = the step count when done): where `stop()` says so, before any step but
   * the first.
   */
  const exec = (from: number, stop: () => boolean): number => {
    for (let i = from; i < bound.length; i++) {
      if (i > from && stop()) return ~i;
      const b = bound[i]!;
      ctx.op = b.step.op;
      ctx.shared = b.shared ? shared : 0;
      if (b.chunks <= 1 || !pool) {
        ctx.lo = 0;
        ctx.hi = b.units;
        if (trace) {
          const t0 = nowMicros();
          b.kernel(b.params, b.ins, b.outs, ctx);
          trace(b.step, t0, nowMicros());
        } else {
          b.kernel(b.params, b.ins, b.outs, ctx);
        }
        continue;
      }
      current = b;
      chunkError = null;
      if (trace) traceStart = nowMicros();
      pool.dispatch(id, i, b.chunks);
      workOn(pool.ctrl, runChunk, onChunkError);
      return i;
    }
    return ~bound.length;
  };
  const never = (): boolean => false;

  // The current run's step trace, and when the parallel step now running started.
  let trace: StepTrace | undefined;
  let traceStart = 0;
  const after = (i: number): void => {
    if (trace) trace(bound[i]!.step, traceStart, nowMicros());
    if (chunkError) {
      const e = chunkError;
      chunkError = null;
      throw e;
    }
  };

  const finish = (): DataArray[] => {
    const out = plan.fetches.map((fid) => views.get(fid)!.slice());
    for (const c of plan.commits) views.get(c.to)!.set(views.get(c.from)!);
    for (const c of plan.rowCommits ?? []) {
      const to = views.get(c.to)!;
      const from = views.get(c.values)!;
      const idx = views.get(c.indices)!;
      const w = c.rowSize;
      for (let r = 0; r < c.rows; r++) {
        const d = (idx[r] as number) * w;
        const s = r * w;
        for (let k = 0; k < w; k++) to[d + k] = from[s + k]!;
      }
    }
    return out;
  };

  const runSync = (feeds: readonly DataArray[], dyn: Uint32Array, stepTrace?: StepTrace): DataArray[] => {
    trace = stepTrace;
    start(feeds, dyn);
    try {
      for (let i = exec(0, never); i >= 0; i = exec(i + 1, never)) {
        // the calling thread's own chunk errors win: they are known without waiting
        try {
          pool!.waitSync(bound[i]!.chunks, bound[i]!.step.op);
        } finally {
          after(i);
        }
      }
    } catch (e) {
      if (pool?.failure) void host.retire(pool);
      throw e;
    } finally {
      pool?.endRun();
    }
    return finish();
  };

  const run = async (feeds: readonly DataArray[], dyn: Uint32Array, stepTrace?: StepTrace): Promise<DataArray[]> => {
    trace = stepTrace;
    runStarts();
    start(feeds, dyn);
    try {
      for (let r = exec(0, sliceUsed); ; ) {
        let next: number;
        if (r >= 0) {
          try {
            if (await pool!.waitAsync(bound[r]!.chunks, bound[r]!.step.op)) loopRan();
          } finally {
            after(r);
          }
          next = r + 1;
        } else {
          next = ~r;
        }
        if (next >= bound.length) break;
        if (sliceUsed()) await yieldToLoop();
        // views may have been rebound if something grew the heap while this run waited
        bind();
        r = exec(next, sliceUsed);
      }
    } catch (e) {
      // no worker may still write into this plan's buffers once the error is out
      if (pool?.failure) await host.retire(pool);
      throw e;
    } finally {
      pool?.endRun();
      runEnds();
    }
    return finish();
  };

  return {
    runSync,
    run,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      registeredWith?.drop(id);
      if (plan.arenaBytes > 0) heap.release(arena, plan.arenaBytes);
      if (sharedBytes > 0) heap.release(shared, sharedBytes);
      for (const [off, bytes] of consts) heap.release(off, bytes);
    },
  };
}

/** Wall-clock microseconds since the epoch, sub-millisecond. */
const nowMicros = (): number => (performance.timeOrigin + performance.now()) * 1000;

const desc = (l: Located): [string, number, number] => [l.dtype, l.offset, l.size];
