/**
 * The CPU device: kernels run over views of one heap (a shared WebAssembly.Memory), float32
 * math in WebAssembly SIMD where it applies, and large steps split across a pool of
 * worker_threads (pool.ts) with the calling thread taking a share. `threads: 1`, or no
 * SharedArrayBuffer / worker_threads, runs everything inline with the same results.
 */
import { type DType, type DataArray, allocArray } from '../../dtype.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Device, Program } from '../device.js';
import type { Plan } from '../plan.js';
import { DEFAULT_PARALLEL_THRESHOLD } from './cost.js';
import type { FusionRules } from '../fusion.js';
import { cpuFusionRules } from './fusion.js';
import { Heap, byteSize } from './heap.js';
import { WorkerPool, workersAvailable } from './pool.js';
import { type CpuHost, compileProgram } from './program.js';
import { createWasmKernels, type WasmKernels } from './wasm/index.js';
import { enableRelaxedSimd } from './wasm/relaxed-flag.js';
import { hasNodeBuiltins } from '../../platform/node-builtins.js';
import { availableParallelism, emitWarning } from '../../platform/system.js';

export { DEFAULT_PARALLEL_THRESHOLD } from './cost.js';

export interface CpuDeviceOptions {
  /** Threads per run, the calling one included (default: os.availableParallelism()). */
  threads?: number;
  /** Steps costing less than this many FLOP-equivalents run inline (see cost.ts); 0: none do. */
  parallelThreshold?: number;
  /** Use the WebAssembly SIMD kernels where they apply (default true). */
  wasm?: boolean;
  /** Fail a run whose workers finish no chunk for this long (default 30 s). */
  stallTimeoutMs?: number;
}

interface VarSlot {
  dtype: DType;
  size: number;
  offset: number;
}

function defaultThreads(): number {
  return availableParallelism();
}

/** Why this platform runs the CPU device on one thread, or null where workers can run. */
function inlineReason(memory: WebAssembly.Memory): string | null {
  if (WorkerPool.supported(memory)) return null;
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  if (typeof g.Worker === 'function' && g.crossOriginIsolated !== true) {
    return 'the page is not cross-origin isolated (serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp), so workers cannot share the device heap';
  }
  if (!workersAvailable()) return 'this platform has no worker threads';
  return 'SharedArrayBuffer or Atomics.waitAsync is unavailable';
}

let warnedInline = false;

/** Stops the workers of a device that was dropped without dispose(). */
const orphans = new FinalizationRegistry<{ pool: WorkerPool | null }>((held) => void held.pool?.close());

export class CpuDevice implements Device {
  readonly kind = 'cpu' as const;
  readonly name = '/device:CPU:0';
  readonly alignment = 64;
  readonly inPlace = true;
  readonly heap = new Heap();
  private readonly vars = new Map<string, VarSlot>();
  readonly threads: number;
  /** Why the device runs everything on the calling thread whatever `threads` asks, or null. */
  readonly singleThreadReason: string | null;
  readonly parallelThreshold: number;
  readonly wasm: WasmKernels | null;
  /** Its elementwise kernels as expressions, for the fusion pass (written as the wasm or JS path computes). */
  readonly fusion: FusionRules;
  private readonly stallMs: number | undefined;
  /** Shared with the finalizer, which must not hold the device itself. */
  private readonly held: { pool: WorkerPool | null } = { pool: null };
  private poolBroken = false;
  private scratchBase = 0;
  private scratchStride = 0;
  private disposed = false;
  private readonly host: CpuHost;

  constructor(opts: CpuDeviceOptions = {}) {
    this.singleThreadReason = inlineReason(this.heap.memory);
    const wanted = Math.max(1, Math.floor(opts.threads ?? defaultThreads()));
    this.threads = this.singleThreadReason === null ? wanted : 1;
    if (this.singleThreadReason !== null && wanted > 1 && !hasNodeBuiltins && !warnedInline) {
      // said once per page, never silently ignored
      warnedInline = true;
      emitWarning(`tsflow: the CPU device runs on one thread: ${this.singleThreadReason}`);
    }
    this.parallelThreshold = opts.parallelThreshold ?? DEFAULT_PARALLEL_THRESHOLD;
    this.stallMs = opts.stallTimeoutMs;
    let wasm: WasmKernels | null = null;
    if (opts.wasm !== false) {
      // FMA where the engine has it; the flag is process-wide, so workers see it too
      const relaxed = enableRelaxedSimd();
      wasm = createWasmKernels(this.heap.memory, { relaxed });
    }
    this.wasm = wasm;
    this.fusion = cpuFusionRules(wasm !== null);
    this.host = {
      heap: this.heap,
      wasm,
      threads: this.threads,
      parallelThreshold: this.parallelThreshold,
      scratchOf: (i) => this.scratchBase + i * this.scratchStride,
      reserveScratch: (bytes) => this.reserveScratch(bytes),
      pool: () => this.pool(),
      retire: (p) => this.retire(p),
      variableOffset: (key, dtype, size) => {
        this.createVariable(key, dtype, size);
        return this.slot(key).offset;
      },
    };
    orphans.register(this, this.held);
  }

  createVariable(key: string, dtype: DType, size: number): void {
    const v = this.vars.get(key);
    if (v && v.dtype === dtype && v.size === size) return;
    if (v) this.heap.release(v.offset, byteSize(v.dtype, v.size));
    this.vars.set(key, { dtype, size, offset: this.heap.alloc(byteSize(dtype, size)) });
  }

  private slot(key: string): VarSlot {
    const v = this.vars.get(key);
    if (!v) throw new InvalidArgumentError(`No variable storage for ${key} on ${this.name}`);
    return v;
  }

  varView(key: string): DataArray {
    const v = this.slot(key);
    return this.heap.view(v.dtype, v.offset, v.size);
  }

  async readVariable(key: string): Promise<DataArray> {
    return this.varView(key).slice();
  }

  async writeVariable(key: string, data: DataArray): Promise<void> {
    this.varView(key).set(data);
  }

  async compile(plan: Plan): Promise<Program> {
    return this.compileSync(plan);
  }

  compileSync(plan: Plan): Program {
    if (this.disposed) throw new Error('the CPU device was disposed');
    return compileProgram(this.host, plan);
  }

  /** The live worker pool, if one was started (statistics and tests). */
  get workerPool(): WorkerPool | null {
    return this.held.pool;
  }


  private reserveScratch(bytes: number): void {
    const stride = Math.ceil(bytes / 64) * 64;
    if (stride <= this.scratchStride) return;
    if (this.scratchStride > 0) this.heap.release(this.scratchBase, this.scratchStride * this.threads);
    this.scratchStride = stride;
    this.scratchBase = this.heap.alloc(stride * this.threads);
    this.held.pool?.setScratch(this.scratchBase, this.scratchStride);
  }

  private pool(): WorkerPool | null {
    if (this.threads <= 1 || this.poolBroken || this.disposed) return null;
    let p = this.held.pool;
    if (p?.exited()) {
      if (p.startFailed) {
        this.poolBroken = true;
        emitWarning(`tsflow: CPU worker threads could not start (${p.failure}); running on one thread`);
      }
      void this.retire(p);
      if (this.poolBroken) return null;
      p = null;
    }
    if (!p) {
      p = new WorkerPool({
        threads: this.threads,
        memory: this.heap.memory,
        wasm: this.wasm !== null,
        relaxed: this.wasm?.relaxed ?? false,
        ...(this.stallMs !== undefined ? { stallMs: this.stallMs } : {}),
      });
      p.setScratch(this.scratchBase, this.scratchStride);
      this.held.pool = p;
    }
    return p;
  }

  private async retire(p: WorkerPool): Promise<void> {
    if (this.held.pool === p) this.held.pool = null;
    await p.close();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.vars.clear();
    const p = this.held.pool;
    this.held.pool = null;
    await p?.close();
  }
}

export function allocLike(dtype: DType, n: number): DataArray {
  return allocArray(dtype, n);
}
