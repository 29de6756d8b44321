/**
 * WebAssembly SIMD compute kernels for the CPU device. The module bytes are emitted from
 * TypeScript at run time (see emitter.ts) and import one memory — normally a shared
 * `WebAssembly.Memory`, so every worker thread can instantiate the same kernels over the same
 * tensors. All addresses are byte offsets into that memory.
 */
import {
  BINARY_OPS,
  UNARY_OPS,
  binaryExport,
  emitElementwise,
  isCommutative,
  unaryExport,
  type BinaryOp,
  type UnaryOp,
} from './elementwise.js';
import { CONV_EXPORTS, emitConv, type ConvDirectFn, type ConvFgradFn } from './conv.js';
import { ModuleBuilder } from './emitter.js';
import { relaxedSimdSupported, simdSupported } from './features.js';
import {
  defaultMatmulConfig,
  MATMUL_EXPORTS,
  emitMatmul,
  makeMatmulDriver,
  type AxpyFn,
  type DotsFn,
  type GebpFn,
  type MatmulCodeConfig,
  type MatmulConfig,
  type MatmulDriver,
  type PackFn,
} from './matmul.js';
import { REDUCE_OPS, emitReductions, reduceExport, useRowStreaming, type ReduceOp } from './reduce.js';

export { relaxedSimdSupported, simdSupported, sharedMemorySupported } from './features.js';
export { BINARY_OPS, UNARY_OPS, type BinaryOp, type UnaryOp } from './elementwise.js';
export { REDUCE_OPS, type ReduceOp } from './reduce.js';

/** The kernels over one memory: matmul (see MatmulDriver), elementwise ops and reductions. */
export interface WasmKernels extends MatmulDriver {
  /** Whether FMA (relaxed SIMD) is in use. */
  readonly relaxed: boolean;
  /** The memory the kernels address (map.ts instantiates expression functions over it). */
  readonly memory: WebAssembly.Memory;
  /**
   * out[i] = a[i] op b[i] for i < count (float32). `out` may be `a` or `b`. Ops: add, sub, mul,
   * div, max, min (NaN-propagating, as Math.max/min), squaredDifference ((a−b)²),
   * reluGrad (b where a > 0, else 0).
   */
  binary(op: BinaryOp, a: number, b: number, out: number, count: number): void;
  /** out[i] = a[i] op s, or s op a[i] when `scalarFirst`. */
  binaryScalar(op: BinaryOp, a: number, s: number, out: number, count: number, scalarFirst?: boolean): void;
  /**
   * out[i] = f(x[i]). Ops: neg, abs, square, sqrt, relu, relu6, reciprocal, floor, ceil,
   * round (half to even), trunc, copy.
   */
  unary(op: UnaryOp, x: number, out: number, count: number): void;
  /**
   * Reduce the middle axis of x viewed as [outer, size, inner] into out [outer, inner]:
   * sum, prod, max or min. `out` must not overlap x.
   */
  reduce(op: ReduceOp, x: number, out: number, outer: number, size: number, inner: number): void;
  /**
   * Direct convolution (conv.ts) of output rows [r0, r1) (row = b·OH + i): x [N, H, W, C],
   * f [KH, KW, C, OC], out [N, OH, OW, OC]; OC a multiple of 4. `zero`: C·4 bytes of zeros
   * (read for taps outside x).
   */
  convDirect(x: number, f: number, out: number, zero: number, r0: number, r1: number, geom: ConvGeom): void;
  /**
   * Filter gradient (conv.ts): df rows [u0·ct, u1·ct) of [KH·KW·C, OC] (unit u: tap, ct input
   * channels) plus Σ over output rows [r0, r1) of x patches · dy; OC a multiple of 4, C of ct.
   */
  convFilterGrad(x: number, dy: number, df: number, u0: number, u1: number, r0: number, r1: number, geom: ConvGeom, ct: 1 | 2): void;
}

/** Geometry of the direct conv kernels: input [·, H, W, C], output [·, OH, OW, OC], input offsets OY, OX (−padding). */
export interface ConvGeom {
  H: number; W: number; C: number; OH: number; OW: number; OC: number;
  KH: number; KW: number; SH: number; SW: number; DH: number; DW: number; OY: number; OX: number;
}

export interface WasmKernelOptions {
  /**
   * Use relaxed-SIMD FMA. Default: whenever the engine validates it. `true` still falls back
   * to plain SIMD when the engine does not (check `kernels.relaxed`); `false` never uses it.
   */
  relaxed?: boolean;
  /** Override matmul tiling (benchmarks and tests). */
  matmul?: Partial<Omit<MatmulConfig, 'fma'>>;
  /** Force the reduction's loop form (benchmarks and tests); both give identical results. */
  reduceForm?: 'auto' | 'columns' | 'rows';
}

export interface ModuleKey {
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
  emitElementwise(m);
  emitReductions(m);
  emitConv(m, key.cfg.fma);
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
      dots: ex[MATMUL_EXPORTS.dots] as DotsFn,
      axpy: ex[MATMUL_EXPORTS.axpy] as AxpyFn,
    },
    zero,
  );
  type Ew = (a: number, b: number, out: number, count: number) => void;
  type EwScalar = (a: number, s: number, out: number, count: number) => void;
  type Un = (x: number, out: number, count: number) => void;
  type Red = (x: number, out: number, outer: number, size: number, inner: number) => void;
  const vv = {} as Record<BinaryOp, Ew>;
  const vs = {} as Record<BinaryOp, EwScalar>;
  const sv = {} as Record<BinaryOp, EwScalar>;
  for (const op of BINARY_OPS) {
    vv[op] = ex[binaryExport(op, 'vv')] as Ew;
    vs[op] = ex[binaryExport(op, 'vs')] as EwScalar;
    sv[op] = isCommutative(op) ? vs[op] : (ex[binaryExport(op, 'sv')] as EwScalar);
  }
  const un = {} as Record<UnaryOp, Un>;
  for (const op of UNARY_OPS) un[op] = ex[unaryExport(op)] as Un;
  const form = opts.reduceForm ?? 'auto';
  const rows = (outer: number, size: number, inner: number): boolean =>
    form === 'auto' ? useRowStreaming(outer, size, inner) : form === 'rows' && inner > 1;
  const red = {} as Record<ReduceOp, Red>;
  const redRows = {} as Record<ReduceOp, Red>;
  for (const op of REDUCE_OPS) {
    red[op] = ex[reduceExport(op)] as Red;
    redRows[op] = ex[reduceExport(op, true)] as Red;
  }

  const direct = ex[CONV_EXPORTS.direct] as ConvDirectFn;
  const fgrad = ex[CONV_EXPORTS.fgrad] as ConvFgradFn;
  const geomArgs = (g: ConvGeom): number[] => [g.H, g.W, g.C, g.OH, g.OW, g.OC, g.KH, g.KW, g.SH, g.SW, g.DH, g.DW, g.OY, g.OX];

  return {
    relaxed,
    memory,
    convDirect(x, f, out, zero, r0, r1, g) {
      if (r1 > r0) direct(x, f, out, zero, r0, r1, ...geomArgs(g));
    },
    convFilterGrad(x, dy, df, u0, u1, r0, r1, g, ct) {
      if (u1 > u0 && r1 > r0) fgrad(x, dy, df, u0, u1, r0, r1, ...geomArgs(g), ct);
    },
    matmul: driver.matmul,
    scratchBytes: driver.scratchBytes,
    usesPackedB: driver.usesPackedB,
    packedBBytes: driver.packedBBytes,
    panelsB: driver.panelsB,
    packB: driver.packB,
    matmulPacked: driver.matmulPacked,
    binary(op, a, b, out, count) {
      if (count > 0) vv[op](a, b, out, count);
    },
    binaryScalar(op, a, s, out, count, scalarFirst = false) {
      if (count > 0) (scalarFirst ? sv : vs)[op](a, s, out, count);
    },
    unary(op, x, out, count) {
      if (count > 0) un[op](x, out, count);
    },
    reduce(op, x, out, outer, size, inner) {
      if (outer > 0 && inner > 0) (rows(outer, size, inner) ? redRows : red)[op](x, out, outer, size, inner);
    },
  };
}
