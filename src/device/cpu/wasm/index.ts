/**
 * WebAssembly SIMD compute kernels for the CPU device. The module bytes are emitted from
 * TypeScript at run time (see emitter.ts) and import one memory — normally a shared
 * `WebAssembly.Memory`, so every worker thread can instantiate the same kernels over the same
 * tensors. All addresses are byte offsets into that memory.
 */
import { ModuleBuilder } from './emitter.js';
import { relaxedSimdSupported, simdSupported } from './features.js';
import {
  defaultMatmulConfig,
  MATMUL_EXPORTS,
  emitMatmul,
  makeMatmulDriver,
  type GebpFn,
  type MatmulCodeConfig,
  type MatmulConfig,
  type PackFn,
} from './matmul.js';

export { relaxedSimdSupported, simdSupported, sharedMemorySupported } from './features.js';

export interface WasmKernels {
  /** Whether FMA (relaxed SIMD) is in use. */
  readonly relaxed: boolean;
  /**
   * C[m×n] (row-major, ldc = n) = op(A)·op(B) for rows [rowStart, rowEnd) of C; A is m×k (or
   * k×m if transA), B is k×n (or n×k if transB), all float32 row-major. `scratch` is a byte
   * offset of at least scratchBytes(m, n, k) free bytes this call may use (per thread).
   * accumulate=false (the default) overwrites C; true adds the product into C.
   */
  matmul(
    a: number, b: number, c: number, m: number, n: number, k: number, transA: boolean, transB: boolean,
    rowStart: number, rowEnd: number, scratch: number, accumulate?: boolean,
  ): void;
  /** Scratch bytes one matmul call (one thread's row range) needs. */
  scratchBytes(m: number, n: number, k: number): number;
}

export interface WasmKernelOptions {
  /**
   * Use relaxed-SIMD FMA. Default: whenever the engine validates it. `true` still falls back
   * to plain SIMD when the engine does not (check `kernels.relaxed`); `false` never uses it.
   */
  relaxed?: boolean;
  /** Override matmul tiling (benchmarks and tests). */
  matmul?: Partial<Omit<MatmulConfig, 'fma'>>;
}

interface ModuleKey {
  shared: boolean;
  /** Only the fields that change the emitted code. */
  cfg: MatmulCodeConfig;
}

const MEMORY_IMPORT = { module: 'env', name: 'memory' } as const;
/** 4 GiB in pages: the largest a 32-bit memory can grow to. */
const MAX_PAGES = 65536;

/** Emit the kernel module's bytes for a shared or unshared memory. */
export function buildKernelModuleBytes(key: ModuleKey): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.importMemory({
    ...MEMORY_IMPORT,
    min: 0,
    ...(key.shared ? { max: MAX_PAGES } : {}),
    shared: key.shared,
  });
  emitMatmul(m, key.cfg);
  return m.toBytes();
}

const moduleCache = new Map<string, WebAssembly.Module>();

function compiled(key: ModuleKey): WebAssembly.Module {
  const id = JSON.stringify(key);
  let mod = moduleCache.get(id);
  if (!mod) {
    mod = new WebAssembly.Module(buildKernelModuleBytes(key));
    moduleCache.set(id, mod);
  }
  return mod;
}

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
}

/**
 * Instantiate the kernels over `memory` (shared or not). Returns null when the engine has no
 * WebAssembly SIMD. Each thread calls this with the same memory and its own scratch region.
 */
export function createWasmKernels(memory: WebAssembly.Memory, opts: WasmKernelOptions = {}): WasmKernels | null {
  if (!simdSupported()) return null;
  const relaxed = opts.relaxed !== false && relaxedSimdSupported();
  const cfg: MatmulConfig = { ...defaultMatmulConfig(relaxed), ...opts.matmul, fma: relaxed };
  const shared = isShared(memory);
  const instance = new WebAssembly.Instance(compiled({ shared, cfg: { mr: cfg.mr, nv: cfg.nv, unroll: cfg.unroll, fma: cfg.fma } }), {
    [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: memory },
  });
  const ex = instance.exports as Record<string, unknown>;
  const zero = (ptr: number, count: number): void => {
    new Float32Array(memory.buffer, ptr, count).fill(0);
  };
  const driver = makeMatmulDriver(
    cfg,
    {
      gebp: ex[MATMUL_EXPORTS.gebp] as GebpFn,
      packA: ex[MATMUL_EXPORTS.packA] as PackFn,
      packB: ex[MATMUL_EXPORTS.packB] as PackFn,
    },
    zero,
  );
  return {
    relaxed,
    matmul: driver.matmul,
    scratchBytes: driver.scratchBytes,
  };
}
